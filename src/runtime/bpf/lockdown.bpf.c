/* lockdown watch's kernel side: tracepoint programs that report process
 * starts and ends, chosen opens, network calls, ptrace, id changes,
 * mounts, module loads, memfd_create and namespace changes into one ring
 * buffer (records: abi.h). Not the place for judgement: rules run in user
 * space; here only the open filter (the one event that is too frequent to
 * ship) and lockdown's own pid / the host's root cgroup are dropped.
 *
 * CO-RE: the kernel structures below are minimal local declarations of the
 * fields used, marked preserve_access_index, which libbpf relocates against
 * the running kernel's BTF at load time (no vmlinux.h of the build
 * machine). Tracepoint contexts are declared by hand from
 * /sys/kernel/tracing/events/.../format; the syscall ones all share one
 * layout (nr, then six 8-byte argument slots / the return value).
 *
 * Syscalls are reported at sys_exit with their result: sys_enter copies
 * the arguments (strings read once, at entry) into the "pending" hash,
 * keyed by thread id, and sys_exit takes them out. Every record that
 * cannot be queued (ring full) or stashed (pending full) is counted in the
 * per-CPU "drops" array under its call: nothing is lost silently.
 *
 * Needs: kernel >= 5.12 (ring buffer, boot-time clock, global functions
 * taking memory arguments), BTF. The license string below must be
 * GPL-compatible for the probe-read helpers. */
/* Only clang -target bpf compiles this file (cmake/bpf.cmake). Host
 * compilers that meet it anyway (scripts/check-clang.sh runs over src/)
 * see an empty unit: the CO-RE builtins exist for the BPF target only. */
#ifdef __bpf__

#include <linux/bpf.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

#include "runtime/bpf/abi.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

#define PAI __attribute__((preserve_access_index))

/* ---- kernel types (only what is read; offsets relocated by libbpf) ---- */
typedef struct {
    __u32 val;
} kuid_t;
typedef struct {
    __u32 val;
} kgid_t;

struct kernfs_node {
    __u64 id;
} PAI;
struct cgroup_root {
    int hierarchy_id;
} PAI;
struct cgroup {
    struct kernfs_node *kn;
    struct cgroup_root *root;
} PAI;
struct cgroup_subsys_state {
    struct cgroup *cgroup;
} PAI;
struct css_set {
    struct cgroup_subsys_state *subsys[1]; /* indexed by the relocated enum value */
} PAI;
enum cgroup_subsys_id { memory_cgrp_id = 4 }; /* value relocated (bpf_core_enum_value) */

struct cred {
    kuid_t uid;
    kgid_t gid;
    kuid_t euid;
} PAI;
struct tty_driver {
    int major;
    int minor_start;
} PAI;
struct tty_struct {
    int index;
    struct tty_driver *driver;
} PAI;
struct signal_struct {
    struct tty_struct *tty;
} PAI;

struct qstr {
    union {
        struct {
            __u32 hash;
            __u32 len;
        };
        __u64 hash_len;
    };
    const unsigned char *name;
} PAI;
struct super_block {
    unsigned long s_magic;
} PAI;
struct inode {
    unsigned short i_mode;
    unsigned int i_nlink;
    struct super_block *i_sb;
} PAI;
struct dentry {
    struct dentry *d_parent;
    struct qstr d_name;
    struct inode *d_inode;
} PAI;
struct vfsmount {
    struct dentry *mnt_root;
} PAI;
struct mount {
    struct mount *mnt_parent;
    struct dentry *mnt_mountpoint;
    struct vfsmount mnt;
} PAI;
struct path {
    struct vfsmount *mnt;
    struct dentry *dentry;
} PAI;
struct file {
    struct path f_path;
    struct inode *f_inode;
    void *private_data;
} PAI;
struct fs_struct {
    struct path root;
} PAI;
struct fdtable {
    unsigned int max_fds;
    struct file **fd;
} PAI;
struct files_struct {
    struct fdtable *fdt;
} PAI;
struct mm_struct {
    unsigned long arg_start;
    unsigned long arg_end;
    struct file *exe_file;
} PAI;
struct task_struct {
    int pid;
    int tgid;
    struct task_struct *real_parent;
    const struct cred *cred;
    struct signal_struct *signal;
    struct mm_struct *mm;
    struct fs_struct *fs;
    struct files_struct *files;
    struct css_set *cgroups;
    kuid_t loginuid; /* CONFIG_AUDIT */
} PAI;
/* overlayfs' inode (fs/overlayfs/ovl_entry.h): an upper dentry means the
 * file lives in (or was copied up to) the writable layer */
struct ovl_inode {
    struct inode vfs_inode;
    struct dentry *__upperdentry;
} PAI;

struct ld_in6_addr {
    __u8 b[16];
};
struct sock_common {
    union {
        struct {
            __u32 skc_daddr;
            __u32 skc_rcv_saddr;
        };
    };
    union {
        struct {
            __u16 skc_dport;
            __u16 skc_num;
        };
    };
    unsigned short skc_family;
    struct ld_in6_addr skc_v6_daddr;     /* CONFIG_IPV6 */
    struct ld_in6_addr skc_v6_rcv_saddr; /* CONFIG_IPV6 */
} PAI;
struct sock {
    struct sock_common __sk_common;
} PAI;
struct socket {
    struct sock *sk;
} PAI;

/* ---- tracepoint contexts ---- */
struct tp_syscall_enter {
    __u64 common;
    long nr;
    unsigned long args[6];
};
struct tp_syscall_exit {
    __u64 common;
    long nr;
    long ret;
};
struct tp_sched_exec {
    __u64 common;
    __u32 filename_loc; /* __data_loc char[]: offset (low 16 bits) and length */
    int pid;
    int old_pid;
};
struct tp_sched_exit {
    __u64 common;
    char comm[16];
    int pid;
};

#define OVERLAYFS_SUPER_MAGIC 0x794c7630
#define S_IFMT 0170000
#define S_IFSOCK 0140000
#define AF_INET 2
#define AF_INET6 10
#define O_WRONLY 01
#define O_RDWR 02
#define O_CREAT 0100
#define O_TRUNC 01000
#define NAME_LEN_MAX 255 /* NAME_MAX */
#define WALK_DEPTH 40    /* path components (and mount crossings) walked */
#define WALK_SLOTS 64    /* >= WALK_DEPTH, a power of two (indexes are masked) */

/* pending.buf sections: blob0 (a path, padded for 8-byte pattern loads),
 * then two short blobs */
#define PEND_B1 (LD_BPF_PATH_MAX + LD_BPF_PATTERN_MAX)
#define PEND_B2 (PEND_B1 + LD_BPF_NAME_MAX)
#define PEND_BUF (PEND_B2 + LD_BPF_NAME_MAX)

/* pending.flags */
#define PEND_RESOLVE 1u /* open: decide on the opened file's real path at exit */
#define PEND_RAWHIT 2u  /* open: the argument itself matched (used if the open failed) */
#define PEND_WRITE 4u   /* open: for writing */

/* match_path() result */
#define M_HIT 1
#define M_UNCLEAN 2 /* "//", "/./", "/../": the argument is not the path it names */

struct pending {
    __u32 call;
    __u32 flags;
    __u32 len[LD_BPF_NBLOBS];
    __u32 uid, gid, euid; /* setid calls: the ids before the call */
    __s64 arg[4];
    char buf[PEND_BUF];
};

#define REC_BUF 4096 /* >= LD_BPF_REC_MAX: blobs land at bounded variable offsets */

#define WALK_TRUNC 0x10000 /* walk_path(): components were left out */

struct scratch {
    struct pending pend; /* built at sys_enter, copied into the hash; walk_path's output */
    char rec[REC_BUF];   /* the record being built */
    /* walk_path's pass 1 (parallel arrays: a global function's argument
     * must be a struct of scalars and arrays of scalars) */
    __u64 slot_name[WALK_SLOTS];
    __u32 slot_len[WALK_SLOTS];
    __u32 nslots;
};

_Static_assert(LD_BPF_REC_MAX <= REC_BUF, "record buffer too small");

/* ---- maps ---- */
struct {
    __uint(type, BPF_MAP_TYPE_RINGBUF);
    __uint(max_entries, 16 << 20); /* user space sets the size before load */
} events SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
    __uint(max_entries, LD_BPF_CALL_COUNT);
    __type(key, __u32);
    __type(value, __u64);
} drops SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
    __uint(max_entries, 1);
    __type(key, __u32);
    __type(value, struct scratch);
} scratch_map SEC(".maps");

/* arguments of the syscalls in flight, by thread id (allocated on use:
 * only matched opens and the rarer calls are stashed) */
struct {
    __uint(type, BPF_MAP_TYPE_HASH);
    __uint(max_entries, 65536);
    __uint(map_flags, BPF_F_NO_PREALLOC);
    __type(key, __u32);
    __type(value, struct pending);
} pending SEC(".maps");

/* set by user space before load (read-only to the programs: the verifier
 * knows the rule table, loops over it end at its real length) */
const volatile struct ld_bpf_config cfg = {};

/* how many entries "pending" may hold (never less than it does: added
 * after an insert, taken after a delete that found one). While it is 0,
 * which is most of the time on most hosts, a syscall's exit skips the hash
 * lookup: the open storm pays for no map access at all. */
volatile __u64 n_pending = 0;

/* ---- helpers ---- */
/* v = min(v, max) in a way the compiler cannot fold away, so that the
 * verifier sees the bound right where a length or offset is used */
#define BOUND(v, max)                                                                              \
    do {                                                                                           \
        barrier_var(v);                                                                            \
        if ((v) > (max))                                                                           \
            (v) = (max);                                                                           \
    } while (0)

static __always_inline struct scratch *scratch_get(void)
{
    __u32 zero = 0;
    return bpf_map_lookup_elem(&scratch_map, &zero);
}

static __always_inline void count_drop(__u32 call)
{
    __u32 k = call;
    __u64 *c = bpf_map_lookup_elem(&drops, &k);
    if (c)
        *c += 1; /* per-CPU slot, programs do not nest on a CPU */
}

static __always_inline struct pending *pend_lookup(__u32 *tid)
{
    if (!n_pending)
        return NULL;
    return bpf_map_lookup_elem(&pending, tid);
}

static __always_inline void pend_delete(__u32 *tid)
{
    if (n_pending && bpf_map_delete_elem(&pending, tid) == 0)
        __sync_fetch_and_sub(&n_pending, 1);
}

/* Stashes p under tid; a failure (the map full) loses the call: counted. */
static __always_inline void pend_store(__u32 *tid, struct pending *p, __u32 call)
{
    if (bpf_map_update_elem(&pending, tid, p, BPF_ANY) == 0)
        __sync_fetch_and_add(&n_pending, 1);
    else
        count_drop(call);
}

static __always_inline int skip_current(__u64 pid_tgid)
{
    if ((__u32)(pid_tgid >> 32) == cfg.self_pid)
        return 1;
    if (cfg.skip_cgroup_id && bpf_get_current_cgroup_id() == cfg.skip_cgroup_id)
        return 1;
    return 0;
}

/* The task's cgroup in the memory controller's hierarchy, if that is a v1
 * hierarchy (hierarchy_id 0 is the v2 default hierarchy). */
static __always_inline __u64 cgroup_v1_id(struct task_struct *t)
{
    if (!bpf_core_enum_value_exists(enum cgroup_subsys_id, memory_cgrp_id))
        return 0;
    __u64 idx = bpf_core_enum_value(enum cgroup_subsys_id, memory_cgrp_id);
    if (idx >= 32)
        return 0;
    struct css_set *cs = BPF_CORE_READ(t, cgroups);
    if (!cs)
        return 0;
    struct cgroup_subsys_state *css = NULL;
    bpf_probe_read_kernel(&css, sizeof css, (void *)&cs->subsys[0] + idx * sizeof(void *));
    if (!css)
        return 0;
    struct cgroup *cg = BPF_CORE_READ(css, cgroup);
    if (!cg || BPF_CORE_READ(cg, root, hierarchy_id) == 0)
        return 0;
    return BPF_CORE_READ(cg, kn, id);
}

static __always_inline void fill_hdr(struct ld_bpf_hdr *h, __u32 call, struct task_struct *t,
                                     __u64 pid_tgid)
{
    h->ts_boot_ns = bpf_ktime_get_boot_ns();
    h->cgroup_id = bpf_get_current_cgroup_id();
    h->cgroup_v1_id = cgroup_v1_id(t);
    h->ret = 0;
    h->arg[0] = h->arg[1] = h->arg[2] = h->arg[3] = 0;
    h->pid = (__u32)(pid_tgid >> 32);
    h->tid = (__u32)pid_tgid;
    h->ppid = BPF_CORE_READ(t, real_parent, tgid);
    const struct cred *c = BPF_CORE_READ(t, cred);
    h->uid = BPF_CORE_READ(c, uid.val);
    h->gid = BPF_CORE_READ(c, gid.val);
    h->euid = BPF_CORE_READ(c, euid.val);
    h->loginuid = (__u32)-1;
    if (bpf_core_field_exists(t->loginuid))
        h->loginuid = BPF_CORE_READ(t, loginuid.val);
    h->tty_major = h->tty_minor = 0;
    struct tty_struct *tty = BPF_CORE_READ(t, signal, tty);
    if (tty) {
        int index = BPF_CORE_READ(tty, index);
        struct tty_driver *drv = BPF_CORE_READ(tty, driver);
        h->tty_major = BPF_CORE_READ(drv, major);
        h->tty_minor = BPF_CORE_READ(drv, minor_start) + index;
    }
    h->flags = 0;
    h->call = (__u16)call;
    h->abi = LD_BPF_ABI_VERSION;
    h->len[0] = h->len[1] = h->len[2] = 0;
    h->pad = 0;
    h->pad2 = 0;
    bpf_get_current_comm(h->comm, sizeof h->comm);
}

/* Queues the record in s->rec. A wakeup of the reader costs more than the
 * rest of a record (an interrupt, a context switch), so the reader is
 * woken only when the queued data crosses cfg.wakeup_bytes; below that it
 * collects records at its poll timeout. */
static __always_inline void emit(struct scratch *s, __u32 call)
{
    struct ld_bpf_hdr *h = (void *)s->rec;
    __u64 size = sizeof(*h) + (__u64)h->len[0] + h->len[1] + h->len[2];
    BOUND(size, LD_BPF_REC_MAX);
    __u64 queued = bpf_ringbuf_query(&events, BPF_RB_AVAIL_DATA);
    __u64 flags = BPF_RB_NO_WAKEUP;
    if (queued < cfg.wakeup_bytes && queued + size >= cfg.wakeup_bytes)
        flags = BPF_RB_FORCE_WAKEUP;
    if (bpf_ringbuf_output(&events, s->rec, size, flags) < 0)
        count_drop(call);
}

static __always_inline struct file *fd_file(struct task_struct *t, long fd)
{
    if (fd < 0)
        return NULL;
    struct fdtable *fdt = BPF_CORE_READ(t, files, fdt);
    if (!fdt)
        return NULL;
    unsigned int max = BPF_CORE_READ(fdt, max_fds);
    if ((unsigned long)fd >= max)
        return NULL;
    struct file **arr = BPF_CORE_READ(fdt, fd);
    struct file *f = NULL;
    bpf_probe_read_kernel(&f, sizeof f, &arr[fd]);
    return f;
}

/* Writes the path of (vmnt, d) as the task sees it (walked up to the
 * task's root, crossing mounts) into s->pend.buf, NUL-terminated, and
 * returns its length, | WALK_TRUNC when components had to be left out. A
 * global function (verified once), in two passes so that the verifier
 * meets one state per step: first the names from the leaf up (mount
 * crossings leave an empty slot), then the string from the root down. */
__noinline int walk_path(struct scratch *s, __u64 task, __u64 mnt, __u64 dentry)
{
    if (!s)
        return 0;
    struct task_struct *t = (void *)task;
    struct vfsmount *vmnt = (void *)mnt;
    struct dentry *d = (void *)dentry;
    struct vfsmount *root_mnt = BPF_CORE_READ(t, fs, root.mnt);
    struct dentry *root_d = BPF_CORE_READ(t, fs, root.dentry);
    struct mount *m = (void *)vmnt - bpf_core_field_offset(struct mount, mnt);
    struct dentry *mnt_root = BPF_CORE_READ(vmnt, mnt_root);
    int trunc = 1; /* unless the root is reached */
    __u32 k;
    for (k = 0; k < WALK_DEPTH; k++) {
        s->slot_len[k] = 0;
        if (!d || (d == root_d && vmnt == root_mnt)) {
            trunc = 0;
            break;
        }
        if (d == mnt_root) {
            struct mount *up = BPF_CORE_READ(m, mnt_parent);
            if (!up || up == m) {
                trunc = 0; /* the top of this mount tree (an internal mount: memfd, pipe) */
                break;
            }
            d = BPF_CORE_READ(m, mnt_mountpoint);
            m = up;
            vmnt = (void *)up + bpf_core_field_offset(struct mount, mnt);
            mnt_root = BPF_CORE_READ(vmnt, mnt_root);
            continue;
        }
        struct dentry *parent = BPF_CORE_READ(d, d_parent);
        s->slot_len[k] = BPF_CORE_READ(d, d_name.len);
        s->slot_name[k] = (__u64)BPF_CORE_READ(d, d_name.name);
        if (parent == d) {
            /* a root that is not its mount's root: a pseudo file's own
             * dentry ("memfd:x") or a disconnected one; its name ends it */
            trunc = 0;
            k++;
            break;
        }
        d = parent;
    }
    s->nslots = k; /* read back below as an unknown: one verifier state for pass 2 */

    /* bounds by masks, not branches: a clamp would split the verifier's
     * state at every step */
    char *out = s->pend.buf;
    __u32 n = s->nslots & (WALK_SLOTS - 1);
    __u32 pos = 0;
    for (__u32 j = 0; j < WALK_DEPTH; j++) {
        if (j >= n)
            break;
        __u32 i = (n - 1 - j) & (WALK_SLOTS - 1);
        __u32 len = s->slot_len[i] & NAME_LEN_MAX; /* d_name.len <= NAME_MAX */
        __u32 sep = (len + NAME_LEN_MAX) >> 8;     /* 1 when the slot holds a name */
        if (pos + len + 1 > LD_BPF_PATH_MAX - 1) {
            trunc = 1;
            break;
        }
        pos &= LD_BPF_PATH_MAX - 1;
        out[pos] = '/';
        bpf_probe_read_kernel(out + pos + 1, len, (void *)s->slot_name[i]);
        pos += len + sep;
    }
    pos &= LD_BPF_PATH_MAX - 1;
    if (pos == 0) {
        out[0] = '/';
        pos = 1;
    }
    out[pos] = 0;
    return (int)(pos | (trunc ? WALK_TRUNC : 0));
}

/* The path of an open file into s->pend.buf (len in s->pend.len[0]);
 * *trunc set when cut. */
static __always_inline __u32 file_path(struct scratch *s, struct task_struct *t, struct file *f,
                                       __u32 *trunc)
{
    struct vfsmount *vmnt = BPF_CORE_READ(f, f_path.mnt);
    struct dentry *d = BPF_CORE_READ(f, f_path.dentry);
    int r = walk_path(s, (__u64)t, (__u64)vmnt, (__u64)d);
    if (r & WALK_TRUNC)
        *trunc = 1;
    __u32 len = r & 0xFFFF;
    BOUND(len, LD_BPF_PATH_MAX - 1);
    s->pend.len[0] = len;
    return len;
}

/* Fills si from the socket behind fd; -1 if fd is not a socket. */
static __always_inline int sock_info(struct task_struct *t, long fd, struct ld_bpf_sockinfo *si)
{
    struct file *f = fd_file(t, fd);
    if (!f)
        return -1;
    unsigned short mode = BPF_CORE_READ(f, f_inode, i_mode);
    if ((mode & S_IFMT) != S_IFSOCK)
        return -1;
    struct socket *sock = BPF_CORE_READ(f, private_data);
    struct sock *sk = BPF_CORE_READ(sock, sk);
    if (!sk)
        return -1;
    __u16 family = BPF_CORE_READ(sk, __sk_common.skc_family);
    si->family = family;
    si->lport = BPF_CORE_READ(sk, __sk_common.skc_num);
    si->rport = bpf_ntohs(BPF_CORE_READ(sk, __sk_common.skc_dport));
    if (family == AF_INET) {
        bpf_core_read(si->laddr, 4, &sk->__sk_common.skc_rcv_saddr);
        bpf_core_read(si->raddr, 4, &sk->__sk_common.skc_daddr);
    } else if (family == AF_INET6 && bpf_core_field_exists(sk->__sk_common.skc_v6_daddr)) {
        bpf_core_read(si->laddr, 16, &sk->__sk_common.skc_v6_rcv_saddr);
        bpf_core_read(si->raddr, 16, &sk->__sk_common.skc_v6_daddr);
    }
    return 0;
}

/* ---- the open filter ---- */
static __always_inline int rule_match(const char *buf, const volatile struct ld_bpf_open_rule *r)
{
    for (int w = 0; w < LD_BPF_PATTERN_WORDS; w++) {
        if (w >= r->nwords)
            break;
        __u64 v = *(const __u64 *)(buf + 8 * w);
        if ((v & r->mask[w]) != r->word[w])
            return 0;
    }
    return 1;
}

/* Does a component rule accepting this kind of open match p->buf at i
 * (where buf[i] == '/')? Global: verified once, not once per position. */
__noinline int component_hit(struct pending *p, __u32 i, __u32 accept)
{
    if (!p || i > LD_BPF_PATH_MAX - 1)
        return 0;
    for (__u32 r = 0; r < LD_BPF_OPEN_RULES_MAX; r++) {
        if (r >= cfg.n_component)
            break;
        if ((cfg.component[r].mode & accept) && rule_match(p->buf + i, &cfg.component[r]))
            return M_HIT;
    }
    return 0;
}

/* Does p->buf (length p->len[0]) match a rule accepting this kind of open
 * (LD_BPF_MODE_WRITE or _READ)? M_HIT, or M_UNCLEAN as soon as the path
 * has "//", "/./" or "/../" (then the caller decides on the real path).
 * Global: verified once, whatever calls it. */
__noinline int match_path(struct pending *p, __u32 accept)
{
    if (!p)
        return 0;
    const char *buf = p->buf;
    int res = 0;
    for (__u32 r = 0; r < LD_BPF_OPEN_RULES_MAX; r++) {
        if (r >= cfg.n_prefix)
            break;
        if ((cfg.prefix[r].mode & accept) && rule_match(buf, &cfg.prefix[r])) {
            res = M_HIT;
            break;
        }
    }
    __u32 len = p->len[0] & (LD_BPF_PATH_MAX - 1); /* < PATH_MAX by construction */
    for (__u32 i = 0; i < LD_BPF_PATH_MAX - 1; i++) {
        if (i >= len)
            break;
        if (buf[i] != '/')
            continue;
        char c1 = buf[i + 1];
        if (c1 == '/')
            return res | M_UNCLEAN;
        if (c1 == '.') {
            char c2 = buf[i + 2];
            if (c2 == '/' || c2 == 0 || (c2 == '.' && (buf[i + 3] == '/' || buf[i + 3] == 0)))
                return res | M_UNCLEAN;
        }
        if (cfg.n_component)
            res |= component_hit(p, i, accept);
    }
    return res;
}

static __always_inline int is_write_open(__u64 flags)
{
    return (flags & (O_WRONLY | O_RDWR | O_CREAT | O_TRUNC)) != 0;
}

/* Global (verified once per program, one copy of the code): the open
 * programs all come here. upath is the caller's pointer, as a number. */
__noinline int ld_open_enter(__u32 call, long dfd, __u64 upath, __u64 oflags, __u64 mode)
{
    __u64 id = bpf_get_current_pid_tgid();
    if (skip_current(id))
        return 0;
    int write = is_write_open(oflags);
    if (!write && !cfg.read_rules)
        return 0;
    struct scratch *s = scratch_get();
    if (!s)
        return 0;
    struct pending *p = &s->pend;
    long n = bpf_probe_read_user_str(p->buf, LD_BPF_PATH_MAX, (const void *)upath);
    __u32 verdict;
    if (n <= 0) {
        /* unreadable here (a bad pointer, or a page not yet faulted in,
         * which the call itself will fault in): the opened file decides */
        p->len[0] = 0;
        p->buf[0] = 0;
        verdict = PEND_RESOLVE;
    } else if (p->buf[0] != '/' || n >= LD_BPF_PATH_MAX) {
        p->len[0] = (__u32)(n - 1);
        verdict = PEND_RESOLVE; /* relative (or too long to judge): the opened file decides */
    } else {
        p->len[0] = (__u32)(n - 1);
        int m = match_path(p, write ? LD_BPF_MODE_WRITE : LD_BPF_MODE_READ);
        if (m & M_UNCLEAN)
            verdict = PEND_RESOLVE | ((m & M_HIT) ? PEND_RAWHIT : 0);
        else if (m & M_HIT)
            verdict = 0;
        else
            return 0;
    }
    p->call = call;
    p->flags = verdict | (write ? PEND_WRITE : 0);
    p->len[1] = p->len[2] = 0;
    p->arg[0] = (__s64)oflags;
    p->arg[1] = (__s64)mode;
    p->arg[2] = dfd;
    p->arg[3] = 0;
    __u32 tid = (__u32)id;
    pend_store(&tid, p, call);
    return 0;
}

/* Copies the blobs of p into the record after h (lengths in h->len). */
static __always_inline void copy_blobs(struct ld_bpf_hdr *h, struct pending *p, __u32 max0)
{
    char *data = (char *)(h + 1);
    __u32 l0 = p->len[0], l1 = p->len[1], l2 = p->len[2];
    BOUND(l0, max0);
    BOUND(l1, LD_BPF_NAME_MAX - 1);
    BOUND(l2, LD_BPF_NAME_MAX - 1);
    if (l0)
        bpf_probe_read_kernel(data, l0, p->buf);
    if (l1)
        bpf_probe_read_kernel(data + l0, l1, p->buf + PEND_B1);
    if (l2)
        bpf_probe_read_kernel(data + l0 + l1, l2, p->buf + PEND_B2);
    h->len[0] = (__u16)l0;
    h->len[1] = (__u16)l1;
    h->len[2] = (__u16)l2;
}

__noinline int ld_open_exit(__u32 call, long ret)
{
    __u64 id = bpf_get_current_pid_tgid();
    __u32 tid = (__u32)id;
    struct pending *p = pend_lookup(&tid);
    if (!p)
        return 0;
    if (p->call != call)
        goto done; /* left over by a call whose exit was missed */
    struct scratch *s = scratch_get();
    if (!s)
        goto done;
    struct task_struct *t = (void *)bpf_get_current_task();
    struct ld_bpf_hdr *h = (void *)s->rec;
    __u32 flags = 0;
    struct pending *src = p;
    if (p->flags & PEND_RESOLVE) {
        if (ret >= 0) {
            struct file *f = fd_file(t, ret);
            if (!f)
                goto done;
            __u32 trunc = 0;
            file_path(s, t, f, &trunc);
            s->pend.len[1] = s->pend.len[2] = 0;
            int m = match_path(&s->pend,
                               (p->flags & PEND_WRITE) ? LD_BPF_MODE_WRITE : LD_BPF_MODE_READ);
            if (!(m & M_HIT))
                goto done;
            flags |= LD_BPF_F_RESOLVED | (trunc ? LD_BPF_F_TRUNC0 : 0);
            src = &s->pend;
        } else if (!(p->flags & PEND_RAWHIT)) {
            goto done;
        }
    }
    fill_hdr(h, call, t, id);
    h->ret = ret;
    h->arg[0] = p->arg[0];
    h->arg[1] = p->arg[1];
    h->arg[2] = p->arg[2];
    h->flags = flags;
    copy_blobs(h, src, LD_BPF_PATH_MAX - 1);
    emit(s, call);
done:
    pend_delete(&tid);
    return 0;
}

/* The start of a stashed call: NULL when the caller is not reported. */
static __always_inline struct pending *pend_begin(__u32 call, __u64 *id)
{
    *id = bpf_get_current_pid_tgid();
    if (skip_current(*id))
        return NULL;
    struct scratch *s = scratch_get();
    if (!s)
        return NULL;
    struct pending *p = &s->pend;
    p->call = call;
    p->flags = 0;
    p->len[0] = p->len[1] = p->len[2] = 0;
    p->arg[0] = p->arg[1] = p->arg[2] = p->arg[3] = 0;
    return p;
}

static __always_inline void pend_commit(struct pending *p, __u64 id)
{
    __u32 tid = (__u32)id;
    pend_store(&tid, p, p->call);
}

/* A user string into a pending section; returns its length. */
static __always_inline __u32 pend_str(struct pending *p, __u32 section, __u32 max, const void *ustr,
                                      __u32 trunc_flag)
{
    if (!ustr)
        return 0;
    long n;
    if (section == 0)
        n = bpf_probe_read_user_str(p->buf, LD_BPF_PATH_MAX, ustr);
    else if (section == 1)
        n = bpf_probe_read_user_str(p->buf + PEND_B1, LD_BPF_NAME_MAX, ustr);
    else
        n = bpf_probe_read_user_str(p->buf + PEND_B2, LD_BPF_NAME_MAX, ustr);
    if (n <= 0)
        return 0;
    if ((__u32)n >= max)
        p->flags |= trunc_flag;
    return (__u32)(n - 1);
}

/* Calls whose exit without an entry is still worth a record: denied
 * before they ran (seccomp), their arguments unknown. */
static __always_inline int report_without_args(__u32 call)
{
    return call == LD_BPF_CALL_MOUNT || call == LD_BPF_CALL_MOVE_MOUNT ||
           call == LD_BPF_CALL_UMOUNT2 || call == LD_BPF_CALL_UNSHARE ||
           call == LD_BPF_CALL_SETNS || call == LD_BPF_CALL_INIT_MODULE ||
           call == LD_BPF_CALL_FINIT_MODULE;
}

/* Global: every stashed call's exit program comes here. */
__noinline int ld_generic_exit(__u32 call, long ret)
{
    __u64 id = bpf_get_current_pid_tgid();
    __u32 tid = (__u32)id;
    struct pending *p = pend_lookup(&tid);
    struct scratch *s;
    struct task_struct *t;
    struct ld_bpf_hdr *h;
    if (!p || p->call != call) {
        if (p)
            pend_delete(&tid); /* stale */
        if (ret >= 0 || !report_without_args(call) || skip_current(id))
            return 0;
        s = scratch_get();
        if (!s)
            return 0;
        t = (void *)bpf_get_current_task();
        h = (void *)s->rec;
        fill_hdr(h, call, t, id);
        h->ret = ret;
        h->flags = LD_BPF_F_NOARGS;
        emit(s, call);
        return 0;
    }
    s = scratch_get();
    if (!s)
        goto done;
    t = (void *)bpf_get_current_task();
    h = (void *)s->rec;
    fill_hdr(h, call, t, id);
    h->ret = ret;
    h->arg[0] = p->arg[0];
    h->arg[1] = p->arg[1];
    h->arg[2] = p->arg[2];
    h->arg[3] = p->arg[3];
    h->flags = p->flags;
    if (call >= LD_BPF_CALL_SETUID && call <= LD_BPF_CALL_SETRESGID) {
        h->uid = p->uid; /* who asked, not who it became */
        h->gid = p->gid;
        h->euid = p->euid;
    }
    if (call == LD_BPF_CALL_LISTEN) {
        struct ld_bpf_sockinfo *si = (void *)(h + 1);
        __builtin_memset(si, 0, sizeof *si);
        sock_info(t, p->arg[0], si);
        h->len[0] = sizeof *si;
    } else {
        copy_blobs(h, p, LD_BPF_PATH_MAX - 1);
    }
    emit(s, call);
done:
    pend_delete(&tid);
    return 0;
}

#define SYS_EXIT(name, call)                                                                       \
    SEC("tracepoint/syscalls/sys_exit_" #name)                                                     \
    int ld_exit_##name(struct tp_syscall_exit *ctx)                                                \
    {                                                                                              \
        return ld_generic_exit(call, ctx->ret);                                                    \
    }

/* ---- processes ---- */
SEC("tracepoint/sched/sched_process_exec")
int ld_sched_exec(struct tp_sched_exec *ctx)
{
    __u64 id = bpf_get_current_pid_tgid();
    __u32 old = (__u32)ctx->old_pid;
    __u32 call = LD_BPF_CALL_EXECVE;
    struct pending *mark = pend_lookup(&old);
    if (mark) {
        if (mark->call == LD_BPF_CALL_EXECVEAT)
            call = LD_BPF_CALL_EXECVEAT;
        pend_delete(&old);
    }
    if (skip_current(id))
        return 0;
    struct scratch *s = scratch_get();
    if (!s)
        return 0;
    struct task_struct *t = (void *)bpf_get_current_task();
    struct ld_bpf_hdr *h = (void *)s->rec;
    char *data = (char *)(h + 1);
    fill_hdr(h, call, t, id);
    __u32 flags = 0;

    /* blob0: the file name exec was given */
    void *fname = (void *)ctx + (ctx->filename_loc & 0xFFFF);
    long n = bpf_probe_read_kernel_str(data, LD_BPF_PATH_MAX, fname);
    __u32 l0 = n > 0 ? (__u32)(n - 1) : 0;
    if (n >= LD_BPF_PATH_MAX)
        flags |= LD_BPF_F_TRUNC0;
    if (l0 > LD_BPF_PATH_MAX - 1)
        l0 = LD_BPF_PATH_MAX - 1;

    /* blob1: the executable's path, and what kind of file it is */
    struct mm_struct *mm = BPF_CORE_READ(t, mm);
    struct file *exe = BPF_CORE_READ(mm, exe_file);
    __u32 l1 = 0;
    if (exe) {
        struct inode *ino = BPF_CORE_READ(exe, f_inode);
        if (BPF_CORE_READ(ino, i_nlink) == 0)
            flags |= LD_BPF_F_EXE_MEMFD;
        if (BPF_CORE_READ(ino, i_sb, s_magic) == OVERLAYFS_SUPER_MAGIC) {
            flags |= LD_BPF_F_EXE_OVERLAY;
            if (bpf_core_type_exists(struct ovl_inode)) {
                struct ovl_inode *oi =
                    (void *)ino - bpf_core_field_offset(struct ovl_inode, vfs_inode);
                if (BPF_CORE_READ(oi, __upperdentry))
                    flags |= LD_BPF_F_EXE_UPPER;
            }
        }
        __u32 trunc = 0;
        l1 = file_path(s, t, exe, &trunc);
        if (trunc)
            flags |= LD_BPF_F_TRUNC1;
        BOUND(l1, LD_BPF_PATH_MAX - 1);
        BOUND(l0, LD_BPF_PATH_MAX - 1);
        bpf_probe_read_kernel(data + l0, l1, s->pend.buf);
    }

    /* blob2: argv as the new program holds it (NUL-separated) */
    unsigned long start = BPF_CORE_READ(mm, arg_start);
    unsigned long end = BPF_CORE_READ(mm, arg_end);
    __u64 total = end > start ? end - start : 0;
    if (total > LD_BPF_ARGS_MAX)
        flags |= LD_BPF_F_TRUNC2;
    __u32 l2 = total > LD_BPF_ARGS_MAX ? LD_BPF_ARGS_MAX : (__u32)total;
    BOUND(l2, LD_BPF_ARGS_MAX);
    BOUND(l0, LD_BPF_PATH_MAX - 1);
    BOUND(l1, LD_BPF_PATH_MAX - 1);
    if (l2 && bpf_probe_read_user(data + l0 + l1, l2, (void *)start) < 0)
        l2 = 0;

    h->arg[0] = (__s64)total;
    h->flags = flags;
    h->len[0] = (__u16)l0;
    h->len[1] = (__u16)l1;
    h->len[2] = (__u16)l2;
    emit(s, call);
    return 0;
}

/* a raw tracepoint: its arguments are the parent and child tasks, so new
 * threads (not reported) can be told from new processes */
SEC("raw_tp/sched_process_fork")
int ld_sched_fork(struct bpf_raw_tracepoint_args *ctx)
{
    struct task_struct *child = (void *)ctx->args[1];
    int child_pid = BPF_CORE_READ(child, pid);
    int child_tgid = BPF_CORE_READ(child, tgid);
    if (child_pid != child_tgid)
        return 0;
    __u64 id = bpf_get_current_pid_tgid();
    if (skip_current(id))
        return 0;
    struct scratch *s = scratch_get();
    if (!s)
        return 0;
    struct task_struct *t = (void *)bpf_get_current_task();
    struct ld_bpf_hdr *h = (void *)s->rec;
    fill_hdr(h, LD_BPF_CALL_FORK, t, id);
    h->arg[0] = child_tgid;
    h->arg[1] = child_pid;
    emit(s, LD_BPF_CALL_FORK);
    return 0;
}

SEC("tracepoint/sched/sched_process_exit")
int ld_sched_exit(struct tp_sched_exit *ctx)
{
    __u64 id = bpf_get_current_pid_tgid();
    __u32 tid = (__u32)id;
    pend_delete(&tid); /* whatever this thread left */
    if ((__u32)(id >> 32) != tid || skip_current(id))
        return 0; /* threads other than the group leader */
    struct scratch *s = scratch_get();
    if (!s)
        return 0;
    struct task_struct *t = (void *)bpf_get_current_task();
    fill_hdr((void *)s->rec, LD_BPF_CALL_EXIT, t, id);
    emit(s, LD_BPF_CALL_EXIT);
    return 0;
}

/* ---- opens ---- */
SEC("tracepoint/syscalls/sys_enter_open")
int ld_enter_open(struct tp_syscall_enter *ctx)
{
    return ld_open_enter(LD_BPF_CALL_OPEN, -100, ctx->args[0], ctx->args[1], ctx->args[2]);
}
SEC("tracepoint/syscalls/sys_exit_open")
int ld_exit_open(struct tp_syscall_exit *ctx)
{
    return ld_open_exit(LD_BPF_CALL_OPEN, ctx->ret);
}

SEC("tracepoint/syscalls/sys_enter_creat")
int ld_enter_creat(struct tp_syscall_enter *ctx)
{
    return ld_open_enter(LD_BPF_CALL_CREAT, -100, ctx->args[0], O_CREAT | O_WRONLY | O_TRUNC,
                         ctx->args[1]);
}
SEC("tracepoint/syscalls/sys_exit_creat")
int ld_exit_creat(struct tp_syscall_exit *ctx)
{
    return ld_open_exit(LD_BPF_CALL_CREAT, ctx->ret);
}

SEC("tracepoint/syscalls/sys_enter_openat")
int ld_enter_openat(struct tp_syscall_enter *ctx)
{
    return ld_open_enter(LD_BPF_CALL_OPENAT, (long)ctx->args[0], ctx->args[1], ctx->args[2],
                         ctx->args[3]);
}
SEC("tracepoint/syscalls/sys_exit_openat")
int ld_exit_openat(struct tp_syscall_exit *ctx)
{
    return ld_open_exit(LD_BPF_CALL_OPENAT, ctx->ret);
}

SEC("tracepoint/syscalls/sys_enter_openat2")
int ld_enter_openat2(struct tp_syscall_enter *ctx)
{
    __u64 how[2] = {0, 0}; /* struct open_how: flags, mode (resolve not needed) */
    if (bpf_probe_read_user(how, sizeof how, (void *)ctx->args[2]) < 0)
        return 0;
    return ld_open_enter(LD_BPF_CALL_OPENAT2, (long)ctx->args[0], ctx->args[1], how[0], how[1]);
}
SEC("tracepoint/syscalls/sys_exit_openat2")
int ld_exit_openat2(struct tp_syscall_exit *ctx)
{
    return ld_open_exit(LD_BPF_CALL_OPENAT2, ctx->ret);
}

/* ---- network ---- */
static __always_inline int sockaddr_enter(__u32 call, struct tp_syscall_enter *ctx)
{
    __u64 id;
    struct pending *p = pend_begin(call, &id);
    if (!p)
        return 0;
    __u32 len = (__u32)ctx->args[2];
    BOUND(len, LD_BPF_SOCKADDR_MAX);
    if (len && bpf_probe_read_user(p->buf, len, (void *)ctx->args[1]) < 0)
        len = 0;
    p->len[0] = len;
    p->arg[0] = (long)ctx->args[0];
    p->arg[1] = (long)ctx->args[2];
    pend_commit(p, id);
    return 0;
}

SEC("tracepoint/syscalls/sys_enter_connect")
int ld_enter_connect(struct tp_syscall_enter *ctx)
{
    return sockaddr_enter(LD_BPF_CALL_CONNECT, ctx);
}
SYS_EXIT(connect, LD_BPF_CALL_CONNECT)

SEC("tracepoint/syscalls/sys_enter_bind")
int ld_enter_bind(struct tp_syscall_enter *ctx)
{
    return sockaddr_enter(LD_BPF_CALL_BIND, ctx);
}
SYS_EXIT(bind, LD_BPF_CALL_BIND)

SEC("tracepoint/syscalls/sys_enter_listen")
int ld_enter_listen(struct tp_syscall_enter *ctx)
{
    __u64 id;
    struct pending *p = pend_begin(LD_BPF_CALL_LISTEN, &id);
    if (!p)
        return 0;
    p->arg[0] = (long)ctx->args[0];
    p->arg[1] = (long)ctx->args[1];
    pend_commit(p, id);
    return 0;
}
SYS_EXIT(listen, LD_BPF_CALL_LISTEN)

/* accept needs nothing from its entry: the new socket says who connected.
 * Failures (EAGAIN of every event loop) are not reported. */
__noinline int ld_accept_exit(__u32 call, long ret)
{
    if (ret < 0)
        return 0;
    __u64 id = bpf_get_current_pid_tgid();
    if (skip_current(id))
        return 0;
    struct scratch *s = scratch_get();
    if (!s)
        return 0;
    struct task_struct *t = (void *)bpf_get_current_task();
    struct ld_bpf_hdr *h = (void *)s->rec;
    fill_hdr(h, call, t, id);
    h->ret = ret;
    struct ld_bpf_sockinfo *si = (void *)(h + 1);
    __builtin_memset(si, 0, sizeof *si);
    sock_info(t, ret, si);
    h->len[0] = sizeof *si;
    emit(s, call);
    return 0;
}
SEC("tracepoint/syscalls/sys_exit_accept")
int ld_exit_accept(struct tp_syscall_exit *ctx)
{
    return ld_accept_exit(LD_BPF_CALL_ACCEPT, ctx->ret);
}
SEC("tracepoint/syscalls/sys_exit_accept4")
int ld_exit_accept4(struct tp_syscall_exit *ctx)
{
    return ld_accept_exit(LD_BPF_CALL_ACCEPT4, ctx->ret);
}

/* ---- ptrace: the requests that take control of or write into a process ---- */
SEC("tracepoint/syscalls/sys_enter_ptrace")
int ld_enter_ptrace(struct tp_syscall_enter *ctx)
{
    long req = (long)ctx->args[0];
    /* TRACEME, POKETEXT, POKEDATA, POKEUSER, SETREGS, SETFPREGS, ATTACH,
     * SETREGSET, SEIZE; the PEEK/GETREGS/CONT traffic of a debugger is not */
    if (!(req == 0 || req == 4 || req == 5 || req == 6 || req == 13 || req == 15 || req == 16 ||
          req == 0x4205 || req == 0x4206))
        return 0;
    __u64 id;
    struct pending *p = pend_begin(LD_BPF_CALL_PTRACE, &id);
    if (!p)
        return 0;
    p->arg[0] = req;
    p->arg[1] = (long)ctx->args[1];
    pend_commit(p, id);
    return 0;
}
SYS_EXIT(ptrace, LD_BPF_CALL_PTRACE)

/* ---- uid / gid changes ---- */
/* nargs: the call's argument count. A program must not read past its
 * tracepoint's record (the attach fails with EACCES), so a one-argument
 * call's program reads one slot. */
static __always_inline int setid_enter(__u32 call, int nargs, struct tp_syscall_enter *ctx)
{
    __u64 id;
    struct pending *p = pend_begin(call, &id);
    if (!p)
        return 0;
    struct task_struct *t = (void *)bpf_get_current_task();
    const struct cred *c = BPF_CORE_READ(t, cred);
    p->uid = BPF_CORE_READ(c, uid.val);
    p->gid = BPF_CORE_READ(c, gid.val);
    p->euid = BPF_CORE_READ(c, euid.val);
    p->arg[0] = (__s64)(__u32)ctx->args[0];
    if (nargs > 1)
        p->arg[1] = (__s64)(__u32)ctx->args[1];
    if (nargs > 2)
        p->arg[2] = (__s64)(__u32)ctx->args[2];
    pend_commit(p, id);
    return 0;
}

#define SETID(name, call, nargs)                                                                   \
    SEC("tracepoint/syscalls/sys_enter_" #name)                                                    \
    int ld_enter_##name(struct tp_syscall_enter *ctx)                                              \
    {                                                                                              \
        return setid_enter(call, nargs, ctx);                                                      \
    }                                                                                              \
    SYS_EXIT(name, call)

SETID(setuid, LD_BPF_CALL_SETUID, 1)
SETID(setreuid, LD_BPF_CALL_SETREUID, 2)
SETID(setresuid, LD_BPF_CALL_SETRESUID, 3)
SETID(setgid, LD_BPF_CALL_SETGID, 1)
SETID(setregid, LD_BPF_CALL_SETREGID, 2)
SETID(setresgid, LD_BPF_CALL_SETRESGID, 3)

/* ---- mounts ---- */
SEC("tracepoint/syscalls/sys_enter_mount")
int ld_enter_mount(struct tp_syscall_enter *ctx)
{
    __u64 id;
    struct pending *p = pend_begin(LD_BPF_CALL_MOUNT, &id);
    if (!p)
        return 0;
    p->len[0] = pend_str(p, 0, LD_BPF_PATH_MAX, (void *)ctx->args[1], LD_BPF_F_TRUNC0);
    p->len[1] = pend_str(p, 1, LD_BPF_NAME_MAX, (void *)ctx->args[0], LD_BPF_F_TRUNC1);
    p->len[2] = pend_str(p, 2, LD_BPF_NAME_MAX, (void *)ctx->args[2], LD_BPF_F_TRUNC2);
    p->arg[0] = (__s64)ctx->args[3];
    pend_commit(p, id);
    return 0;
}
SYS_EXIT(mount, LD_BPF_CALL_MOUNT)

SEC("tracepoint/syscalls/sys_enter_move_mount")
int ld_enter_move_mount(struct tp_syscall_enter *ctx)
{
    __u64 id;
    struct pending *p = pend_begin(LD_BPF_CALL_MOVE_MOUNT, &id);
    if (!p)
        return 0;
    p->len[0] = pend_str(p, 0, LD_BPF_PATH_MAX, (void *)ctx->args[3], LD_BPF_F_TRUNC0);
    p->len[1] = pend_str(p, 1, LD_BPF_NAME_MAX, (void *)ctx->args[1], LD_BPF_F_TRUNC1);
    p->arg[0] = (__s64)ctx->args[4];
    pend_commit(p, id);
    return 0;
}
SYS_EXIT(move_mount, LD_BPF_CALL_MOVE_MOUNT)

/* umount2(2): the tracepoint is named after the kernel's sys_umount */
SEC("tracepoint/syscalls/sys_enter_umount")
int ld_enter_umount(struct tp_syscall_enter *ctx)
{
    __u64 id;
    struct pending *p = pend_begin(LD_BPF_CALL_UMOUNT2, &id);
    if (!p)
        return 0;
    p->len[0] = pend_str(p, 0, LD_BPF_PATH_MAX, (void *)ctx->args[0], LD_BPF_F_TRUNC0);
    p->arg[0] = (__s64)ctx->args[1];
    pend_commit(p, id);
    return 0;
}
SYS_EXIT(umount, LD_BPF_CALL_UMOUNT2)

/* ---- kernel modules (no tracepoints on kernels built without modules) ---- */
SEC("tracepoint/syscalls/sys_enter_init_module")
int ld_enter_init_module(struct tp_syscall_enter *ctx)
{
    __u64 id;
    struct pending *p = pend_begin(LD_BPF_CALL_INIT_MODULE, &id);
    if (!p)
        return 0;
    p->arg[0] = (__s64)ctx->args[1];
    pend_commit(p, id);
    return 0;
}
SYS_EXIT(init_module, LD_BPF_CALL_INIT_MODULE)

SEC("tracepoint/syscalls/sys_enter_finit_module")
int ld_enter_finit_module(struct tp_syscall_enter *ctx)
{
    __u64 id;
    struct pending *p = pend_begin(LD_BPF_CALL_FINIT_MODULE, &id);
    if (!p)
        return 0;
    struct scratch *s = scratch_get();
    if (!s)
        return 0;
    struct task_struct *t = (void *)bpf_get_current_task();
    struct file *f = fd_file(t, (long)ctx->args[0]);
    if (f) {
        __u32 trunc = 0;
        file_path(s, t, f, &trunc); /* into p->buf: p is s->pend */
        if (trunc)
            p->flags |= LD_BPF_F_TRUNC0;
    }
    p->arg[0] = (long)ctx->args[0];
    p->arg[1] = (long)ctx->args[2];
    pend_commit(p, id);
    return 0;
}
SYS_EXIT(finit_module, LD_BPF_CALL_FINIT_MODULE)

/* ---- memfd, namespaces, execveat ---- */
SEC("tracepoint/syscalls/sys_enter_memfd_create")
int ld_enter_memfd_create(struct tp_syscall_enter *ctx)
{
    __u64 id;
    struct pending *p = pend_begin(LD_BPF_CALL_MEMFD_CREATE, &id);
    if (!p)
        return 0;
    p->len[0] = pend_str(p, 0, LD_BPF_NAME_MAX, (void *)ctx->args[0], LD_BPF_F_TRUNC0);
    p->arg[0] = (__s64)ctx->args[1];
    pend_commit(p, id);
    return 0;
}
SYS_EXIT(memfd_create, LD_BPF_CALL_MEMFD_CREATE)

SEC("tracepoint/syscalls/sys_enter_unshare")
int ld_enter_unshare(struct tp_syscall_enter *ctx)
{
    __u64 id;
    struct pending *p = pend_begin(LD_BPF_CALL_UNSHARE, &id);
    if (!p)
        return 0;
    p->arg[0] = (__s64)ctx->args[0];
    pend_commit(p, id);
    return 0;
}
SYS_EXIT(unshare, LD_BPF_CALL_UNSHARE)

SEC("tracepoint/syscalls/sys_enter_setns")
int ld_enter_setns(struct tp_syscall_enter *ctx)
{
    __u64 id;
    struct pending *p = pend_begin(LD_BPF_CALL_SETNS, &id);
    if (!p)
        return 0;
    p->arg[0] = (long)ctx->args[0];
    p->arg[1] = (long)ctx->args[1];
    pend_commit(p, id);
    return 0;
}
SYS_EXIT(setns, LD_BPF_CALL_SETNS)

/* execveat: the entry marks the thread; sched_process_exec takes the mark
 * (the exec worked: an EXECVEAT exec record); an exit that still finds it
 * reports the failed call */
SEC("tracepoint/syscalls/sys_enter_execveat")
int ld_enter_execveat(struct tp_syscall_enter *ctx)
{
    __u64 id;
    struct pending *p = pend_begin(LD_BPF_CALL_EXECVEAT, &id);
    if (!p)
        return 0;
    p->len[0] = pend_str(p, 0, LD_BPF_PATH_MAX, (void *)ctx->args[1], LD_BPF_F_TRUNC0);
    p->arg[0] = (long)ctx->args[0];
    p->arg[1] = (long)ctx->args[4];
    pend_commit(p, id);
    return 0;
}
SYS_EXIT(execveat, LD_BPF_CALL_EXECVEAT)

#endif /* __bpf__ */
