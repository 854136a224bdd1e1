/* One runtime event as the rest of lockdown sees it, whatever produced it
 * (the eBPF programs, the proc connector fallback, the engine's event
 * stream): what happened, which process did it, in which cgroup, and the
 * object it touched (a path, a socket address, a target process, a mount).
 * Sources fill it; enrichment (process_table.h, containers.h) adds the
 * process ancestry and the container; rules (rules.h) read it through
 * fields (fields.h); sinks (sink.h) write alerts built from it.
 *
 * Buffers are fixed and inline: one event is reused for every record, the
 * hot path never allocates. Strings are NUL-terminated and may have been
 * cut at their buffer's size (the *_truncated flags say so). */
#ifndef LD_RUNTIME_EVENT_H
#define LD_RUNTIME_EVENT_H

#include <stdbool.h>
#include <stdint.h>

#define LD_RT_PATH_MAX 1024   /* file names, exe paths, mount points */
#define LD_RT_CMDLINE_MAX 1024 /* argv joined by single spaces */
#define LD_RT_COMM_MAX 16      /* as the kernel's TASK_COMM_LEN */
#define LD_RT_NAME_MAX 256     /* module names, fs types, memfd names */

/* evt.type: the names are Falco's (ld_rt_evtype_name). */
typedef enum {
    LD_EVT_NONE = 0,
    LD_EVT_EXECVE,     /* a successful exec (sched_process_exec); "execve" */
    LD_EVT_EXECVEAT,   /* exec through execveat(2) (fexecve, memfd); "execveat" */
    LD_EVT_CLONE,      /* a new process (sched_process_fork); "clone" */
    LD_EVT_PROCEXIT,   /* a process ended (sched_process_exit); "procexit" */
    LD_EVT_OPENAT,     /* "openat" */
    LD_EVT_OPENAT2,    /* "openat2" */
    LD_EVT_CONNECT,    /* "connect" */
    LD_EVT_ACCEPT,     /* accept and accept4: "accept" */
    LD_EVT_BIND,       /* "bind" */
    LD_EVT_LISTEN,     /* "listen" */
    LD_EVT_PTRACE,     /* "ptrace" */
    LD_EVT_SETUID,     /* setuid, setreuid, setresuid: "setuid" (evt.type as called: see syscall) */
    LD_EVT_SETGID,     /* setgid, setregid, setresgid: "setgid" */
    LD_EVT_MOUNT,      /* mount, fsmount/move_mount: "mount" */
    LD_EVT_UMOUNT,     /* umount2: "umount" */
    LD_EVT_INIT_MODULE,  /* "init_module" */
    LD_EVT_FINIT_MODULE, /* "finit_module" */
    LD_EVT_MEMFD_CREATE, /* "memfd_create" */
    LD_EVT_UNSHARE,      /* "unshare" */
    LD_EVT_SETNS,        /* "setns" */
    LD_EVT_CONTAINER,    /* a container started (engine events); "container" */
    LD_EVT_TYPE_COUNT
} ld_rt_evtype;

/* "execve", "openat", ... ; "none" for out-of-range values. */
const char *ld_rt_evtype_name(ld_rt_evtype t);
/* The type a Falco evt.type name stands for; LD_EVT_NONE if unknown. */
ld_rt_evtype ld_rt_evtype_from_name(const char *name);

/* Where the event came from. */
typedef enum { LD_RT_SRC_BPF = 1, LD_RT_SRC_PROC_CONNECTOR, LD_RT_SRC_ENGINE } ld_rt_source_kind;

/* A socket address: family AF_INET / AF_INET6 / AF_UNIX (0: none). */
typedef struct {
    uint16_t family;
    uint16_t port;       /* host byte order */
    uint8_t addr[16];    /* IPv4 in the first 4 bytes, network order */
    char unix_path[108]; /* AF_UNIX: the path ("@name" for the abstract namespace) */
} ld_rt_sockaddr;

typedef struct {
    ld_rt_evtype type;
    ld_rt_source_kind source;
    char syscall[24]; /* the exact call ("setresuid", "accept4", "umount2"); "" if not a syscall */
    uint64_t ts_ns;   /* wall clock, ns since the epoch */
    int64_t ret;      /* the call's result (>= 0 success, -errno failure); 0 for sched events */

    /* the process that did it (thread group id = pid) */
    int32_t pid, tid, ppid;
    uint32_t uid, gid, euid, loginuid; /* loginuid (uint32_t)-1: unset */
    uint32_t tty;                      /* the controlling tty's device number; 0: none */
    char comm[LD_RT_COMM_MAX];
    char exepath[LD_RT_PATH_MAX];  /* exec events: the file executed; others: filled by enrichment */
    char cmdline[LD_RT_CMDLINE_MAX]; /* exec events: argv joined; others: by enrichment */
    bool cmdline_truncated;
    bool exe_from_memfd;    /* exec of a memfd or of a file with no link left (deleted) */
    bool exe_upper_layer;   /* exec of a file in the container's writable layer (written after start) */
    uint64_t cgroup_id;     /* cgroup v2 id (bpf_get_current_cgroup_id); 0: unknown */
    uint64_t cgroup_v1_id;  /* the task's cgroup id in a v1 hierarchy (hybrid/v1 hosts); 0: none */

    /* the object */
    char path[LD_RT_PATH_MAX]; /* open: the file; mount: the target; exec: the file; memfd: its name */
    bool path_truncated;
    uint32_t open_flags;       /* open: O_* flags */
    ld_rt_sockaddr sock;       /* connect / bind / accept: the remote (connect, accept) or local (bind) side */
    ld_rt_sockaddr sock_local; /* accept: the local side when known */
    int32_t target_pid;        /* ptrace: the traced process; setns: 0 */
    int64_t request;           /* ptrace: the request; unshare/setns: the CLONE_* flags */
    uint32_t target_uid;       /* setuid family: the new (effective) uid */
    char fstype[LD_RT_NAME_MAX];  /* mount: the file system type */
    char source_path[LD_RT_PATH_MAX]; /* mount: the source */
    char module[LD_RT_NAME_MAX];  /* init/finit_module: the module name when known */

    /* LD_EVT_CONTAINER: the container the engine started (container.* come
     * from containers.h by container_id, not from the cgroup) */
    char container_id[65];
    bool container_privileged;
    bool container_host_network, container_host_pid, container_host_ipc;
} ld_rt_event;

/* Receives events from a source or the engine stream; nonzero stops the batch.
 * The event is the source's own buffer, valid during the call only; the
 * watch loop completes it in place (process and container fields) before
 * the rules read it, so sources never hand out read-only memory. */
typedef int (*ld_rt_event_fn)(const ld_rt_event *e, void *ctx);

/* Clears e for reuse (cheap: only the fields a source fills are reset). */
void ld_rt_event_reset(ld_rt_event *e);

#endif
