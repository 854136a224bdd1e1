/* The records lockdown's eBPF programs (lockdown.bpf.c) hand to user space
 * through the ring buffer, and the configuration user space hands to them
 * before they load. Shared by the kernel side (clang -target bpf) and user
 * space (bpf_source.c, bpf_decode.c): fixed-width types and explicit
 * padding only, so both compilers lay it out the same way. Not for the
 * meaning of the fields to rules (event.h is that): bpf_decode.c turns a
 * record into an ld_rt_event and is the only reader of these layouts.
 *
 * A record is a fixed ld_bpf_hdr followed by up to three variable "blobs"
 * (strings or raw bytes, packed back to back, lengths in hdr.len[]); what
 * each blob and arg[] slot hold depends on hdr.call (the table below). The
 * kernel never NUL-terminates a blob; user space never trusts a length it
 * has not checked against the record's size. */
#ifndef LD_RUNTIME_BPF_ABI_H
#define LD_RUNTIME_BPF_ABI_H

#include <linux/types.h>

#define LD_BPF_ABI_VERSION 1

#define LD_BPF_PATH_MAX 1024    /* a path blob (power of two: the kernel masks offsets with it) */
#define LD_BPF_ARGS_MAX 1024    /* exec: the argv bytes read from mm->arg_start */
#define LD_BPF_NAME_MAX 256     /* mount source / fstype, memfd names (power of two) */
#define LD_BPF_SOCKADDR_MAX 128 /* a raw struct sockaddr from the caller (sockaddr_storage) */
#define LD_BPF_COMM_LEN 16
#define LD_BPF_NBLOBS 3
/* the largest record: header + the three exec blobs */
#define LD_BPF_REC_MAX (sizeof(struct ld_bpf_hdr) + 2 * LD_BPF_PATH_MAX + LD_BPF_ARGS_MAX)

/* clang-format off */
/* What a record reports: the call (or scheduler event) that produced it.
 * Also the index of the per-CPU drop counters (map "drops").
 *
 *   call              blob0            blob1         blob2     arg[0..3]
 *   EXECVE/EXECVEAT   filename (*)     exe path (**) argv (NUL-separated)  total argv bytes
 *   FORK              -                -             -         child tgid, child tid
 *   EXIT              -                -             -         -
 *   OPEN..OPENAT2     path             -             -         O_ flags, mode, dirfd
 *   CONNECT, BIND     sockaddr (raw, as the caller passed it)  fd, addrlen
 *   ACCEPT, ACCEPT4,  ld_bpf_sockinfo of the fd (accept: the new fd = ret; listen: arg0)
 *   LISTEN                                                     fd, backlog (listen)
 *   PTRACE            -                                        request, pid (caller's pid ns)
 *   SETUID..SETRESGID -                                        the call's 1..3 ids (hdr ids: before the call)
 *   MOUNT             target           source        fstype    flags
 *   MOVE_MOUNT        to path          from path     -         flags
 *   UMOUNT2           target           -             -         flags
 *   INIT_MODULE       -                                        image length
 *   FINIT_MODULE      module file path (from the fd)           fd, flags
 *   MEMFD_CREATE      name             -             -         flags
 *   UNSHARE           -                                        CLONE_* flags
 *   SETNS             -                                        fd, nstype
 *   (*) EXECVE/EXECVEAT from sched_process_exec: the file name as exec saw it
 *       ("/dev/fd/3" for fexecve); EXECVEAT reported at sys_exit (ret < 0, the
 *       exec failed): blob0 is the path argument, arg = dirfd, flags.
 *   (**) the executable's path (mm->exe_file) walked up to the task's root,
 *       i.e. as the container sees it.
 */
/* clang-format on */
enum ld_bpf_call {
    LD_BPF_CALL_NONE = 0,
    LD_BPF_CALL_EXECVE,
    LD_BPF_CALL_EXECVEAT,
    LD_BPF_CALL_FORK,
    LD_BPF_CALL_EXIT,
    LD_BPF_CALL_OPEN,
    LD_BPF_CALL_CREAT,
    LD_BPF_CALL_OPENAT,
    LD_BPF_CALL_OPENAT2,
    LD_BPF_CALL_CONNECT,
    LD_BPF_CALL_ACCEPT,
    LD_BPF_CALL_ACCEPT4,
    LD_BPF_CALL_BIND,
    LD_BPF_CALL_LISTEN,
    LD_BPF_CALL_PTRACE,
    LD_BPF_CALL_SETUID,
    LD_BPF_CALL_SETREUID,
    LD_BPF_CALL_SETRESUID,
    LD_BPF_CALL_SETGID,
    LD_BPF_CALL_SETREGID,
    LD_BPF_CALL_SETRESGID,
    LD_BPF_CALL_MOUNT,
    LD_BPF_CALL_MOVE_MOUNT,
    LD_BPF_CALL_UMOUNT2,
    LD_BPF_CALL_INIT_MODULE,
    LD_BPF_CALL_FINIT_MODULE,
    LD_BPF_CALL_MEMFD_CREATE,
    LD_BPF_CALL_UNSHARE,
    LD_BPF_CALL_SETNS,
    LD_BPF_CALL_COUNT
};

/* hdr.flags */
#define LD_BPF_F_EXE_MEMFD (1u << 0) /* exec: the executable has no link left (memfd, deleted) */
#define LD_BPF_F_EXE_UPPER (1u << 1) /* exec: the executable is in an overlay's upper layer */
#define LD_BPF_F_TRUNC0 (1u << 2)    /* blob0 was cut at its maximum */
#define LD_BPF_F_TRUNC1 (1u << 3)
#define LD_BPF_F_TRUNC2 (1u << 4) /* exec: argv longer than LD_BPF_ARGS_MAX */
#define LD_BPF_F_RESOLVED                                                                          \
    (1u << 5) /* open: path from the opened file (canonical), not the argument */
#define LD_BPF_F_NOARGS                                                                            \
    (1u << 6) /* seen at sys_exit only (denied before it ran, e.g. by seccomp): args unknown */
#define LD_BPF_F_EXE_OVERLAY (1u << 7) /* exec: the executable is on an overlay file system */

/* blob of ACCEPT / ACCEPT4 / LISTEN: the socket's addresses as the kernel
 * holds them (ports in host byte order, addresses in network order). */
struct ld_bpf_sockinfo {
    __u16 family; /* AF_INET, AF_INET6, AF_UNIX (no address), ... */
    __u16 lport;
    __u16 rport;
    __u16 pad;
    __u8 laddr[16]; /* IPv4: the first 4 bytes */
    __u8 raddr[16];
};

struct ld_bpf_hdr {
    __u64 ts_boot_ns;   /* bpf_ktime_get_boot_ns */
    __u64 cgroup_id;    /* bpf_get_current_cgroup_id (the v2 hierarchy) */
    __u64 cgroup_v1_id; /* kernfs id of the task's memory-controller cgroup on a v1 hierarchy; 0:
                           none */
    __s64 ret;          /* the call's result; 0 for scheduler events */
    __s64 arg[4];       /* per call, see the table */
    __u32 pid, tid, ppid;
    __u32 uid, gid, euid, loginuid;
    __u32 tty_major, tty_minor; /* the controlling tty (0/0: none) */
    __u32 flags;                /* LD_BPF_F_* */
    __u16 call;                 /* enum ld_bpf_call */
    __u16 abi;                  /* LD_BPF_ABI_VERSION */
    __u16 len[LD_BPF_NBLOBS];   /* bytes of each blob after the header */
    __u16 pad;
    char comm[LD_BPF_COMM_LEN];
    __u32 pad2; /* sizeof 136: blob0 starts 8-aligned */
};

/* The open filter (user space writes it into the programs' read-only data
 * before they load): an open is reported when its path matches a rule
 * whose mode accepts the open (WRITE: opened for writing, i.e. O_WRONLY,
 * O_RDWR, O_CREAT or O_TRUNC; READ: any other open). A PREFIX rule matches
 * a path that starts with the pattern; a COMPONENT rule matches a path
 * that contains the pattern at a '/' (patterns start with '/': "/.ssh/").
 * Patterns are compared 8 bytes at a time: word[i] & mask[i]. */
#define LD_BPF_OPEN_RULES_MAX 32 /* of each kind */
#define LD_BPF_PATTERN_MAX 64
#define LD_BPF_PATTERN_WORDS (LD_BPF_PATTERN_MAX / 8)
#define LD_BPF_MODE_WRITE 1u
#define LD_BPF_MODE_READ 2u

struct ld_bpf_open_rule {
    __u64 word[LD_BPF_PATTERN_WORDS];
    __u64 mask[LD_BPF_PATTERN_WORDS];
    __u32 nwords; /* words to compare (1..8) */
    __u32 mode;   /* LD_BPF_MODE_* bits */
};

struct ld_bpf_config {
    __u32 self_pid;    /* lockdown's own tgid: not reported */
    __u32 n_prefix;    /* rules in prefix[] */
    __u32 n_component; /* rules in component[] */
    __u32
        read_rules; /* some rule has LD_BPF_MODE_READ (else read-only opens are skipped at once) */
    __u64 skip_cgroup_id; /* events of this v2 cgroup are dropped (host_events off: the root
                             cgroup); 0: none */
    __u64 wakeup_bytes;   /* wake the reader when queued data crosses this; below it the reader
                             finds records at its next poll timeout (no wakeup per record) */
    struct ld_bpf_open_rule prefix[LD_BPF_OPEN_RULES_MAX];
    struct ld_bpf_open_rule component[LD_BPF_OPEN_RULES_MAX];
};

#endif
