/* eBPF ring-buffer records -> ld_rt_event (see bpf_decode.h). Every read
 * of the record is checked against its length first. */
#include "runtime/bpf_decode.h"

#include <arpa/inet.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/sysmacros.h>

#include "runtime/bpf/abi.h"

static const struct {
    ld_rt_evtype type;
    const char *name;
} calls[LD_BPF_CALL_COUNT] = {
    [LD_BPF_CALL_NONE] = {LD_EVT_NONE, ""},
    [LD_BPF_CALL_EXECVE] = {LD_EVT_EXECVE, "execve"},
    [LD_BPF_CALL_EXECVEAT] = {LD_EVT_EXECVEAT, "execveat"},
    [LD_BPF_CALL_FORK] = {LD_EVT_CLONE, ""},
    [LD_BPF_CALL_EXIT] = {LD_EVT_PROCEXIT, ""},
    [LD_BPF_CALL_OPEN] = {LD_EVT_OPENAT, "open"},
    [LD_BPF_CALL_CREAT] = {LD_EVT_OPENAT, "creat"},
    [LD_BPF_CALL_OPENAT] = {LD_EVT_OPENAT, "openat"},
    [LD_BPF_CALL_OPENAT2] = {LD_EVT_OPENAT2, "openat2"},
    [LD_BPF_CALL_CONNECT] = {LD_EVT_CONNECT, "connect"},
    [LD_BPF_CALL_ACCEPT] = {LD_EVT_ACCEPT, "accept"},
    [LD_BPF_CALL_ACCEPT4] = {LD_EVT_ACCEPT, "accept4"},
    [LD_BPF_CALL_BIND] = {LD_EVT_BIND, "bind"},
    [LD_BPF_CALL_LISTEN] = {LD_EVT_LISTEN, "listen"},
    [LD_BPF_CALL_PTRACE] = {LD_EVT_PTRACE, "ptrace"},
    [LD_BPF_CALL_SETUID] = {LD_EVT_SETUID, "setuid"},
    [LD_BPF_CALL_SETREUID] = {LD_EVT_SETUID, "setreuid"},
    [LD_BPF_CALL_SETRESUID] = {LD_EVT_SETUID, "setresuid"},
    [LD_BPF_CALL_SETGID] = {LD_EVT_SETGID, "setgid"},
    [LD_BPF_CALL_SETREGID] = {LD_EVT_SETGID, "setregid"},
    [LD_BPF_CALL_SETRESGID] = {LD_EVT_SETGID, "setresgid"},
    [LD_BPF_CALL_MOUNT] = {LD_EVT_MOUNT, "mount"},
    [LD_BPF_CALL_MOVE_MOUNT] = {LD_EVT_MOUNT, "move_mount"},
    [LD_BPF_CALL_UMOUNT2] = {LD_EVT_UMOUNT, "umount2"},
    [LD_BPF_CALL_INIT_MODULE] = {LD_EVT_INIT_MODULE, "init_module"},
    [LD_BPF_CALL_FINIT_MODULE] = {LD_EVT_FINIT_MODULE, "finit_module"},
    [LD_BPF_CALL_MEMFD_CREATE] = {LD_EVT_MEMFD_CREATE, "memfd_create"},
    [LD_BPF_CALL_UNSHARE] = {LD_EVT_UNSHARE, "unshare"},
    [LD_BPF_CALL_SETNS] = {LD_EVT_SETNS, "setns"},
};

ld_rt_evtype ld_rt_bpf_call_type(unsigned call)
{
    return call < LD_BPF_CALL_COUNT ? calls[call].type : LD_EVT_NONE;
}

const char *ld_rt_bpf_call_name(unsigned call)
{
    return call < LD_BPF_CALL_COUNT && calls[call].name ? calls[call].name : "";
}

/* A blob of the record. */
typedef struct {
    const uint8_t *p;
    size_t n;
} blob;

/* Copies text (up to its first NUL) into dst[size], NUL-terminated;
 * true when it had to be cut. */
static bool copy_text(char *dst, size_t size, blob b)
{
    const uint8_t *nul = memchr(b.p, '\0', b.n);
    size_t n = nul ? (size_t)(nul - b.p) : b.n;
    bool cut = n > size - 1;
    if (cut)
        n = size - 1;
    memcpy(dst, b.p, n);
    dst[n] = '\0';
    return cut;
}

/* argv bytes (NUL-separated) joined by single spaces; true when cut */
static bool join_args(char *dst, size_t size, blob b)
{
    size_t n = b.n;
    while (n > 0 && b.p[n - 1] == '\0')
        n--; /* the terminator of the last argument */
    bool cut = n > size - 1;
    if (cut)
        n = size - 1;
    for (size_t i = 0; i < n; i++)
        dst[i] = b.p[i] == '\0' ? ' ' : (char)b.p[i];
    dst[n] = '\0';
    return cut;
}

static void append_text(char *dst, size_t size, const char *tail)
{
    size_t have = strlen(dst), add = strlen(tail);
    if (have + add < size)
        memcpy(dst + have, tail, add + 1);
}

/* A struct sockaddr as the caller passed it (native-endian family). */
static void parse_sockaddr(blob b, ld_rt_sockaddr *out)
{
    memset(out, 0, sizeof *out);
    uint16_t family;
    if (b.n < sizeof family)
        return;
    memcpy(&family, b.p, sizeof family);
    if (family == AF_INET && b.n >= 8) {
        uint16_t port;
        memcpy(&port, b.p + 2, sizeof port);
        out->family = AF_INET;
        out->port = ntohs(port);
        memcpy(out->addr, b.p + 4, 4);
    } else if (family == AF_INET6 && b.n >= 24) {
        uint16_t port;
        memcpy(&port, b.p + 2, sizeof port);
        out->family = AF_INET6;
        out->port = ntohs(port);
        memcpy(out->addr, b.p + 8, 16);
    } else if (family == AF_UNIX) {
        out->family = AF_UNIX;
        blob path = {b.p + 2, b.n - 2};
        if (path.n > 0 && path.p[0] == '\0') {
            /* abstract: "@name", its NULs shown as '@' as /proc/net/unix does */
            size_t n = path.n - 1;
            if (n > sizeof out->unix_path - 2)
                n = sizeof out->unix_path - 2;
            out->unix_path[0] = '@';
            for (size_t i = 0; i < n; i++)
                out->unix_path[1 + i] = path.p[1 + i] ? (char)path.p[1 + i] : '@';
            out->unix_path[1 + n] = '\0';
        } else {
            copy_text(out->unix_path, sizeof out->unix_path, path);
        }
    } else if (family != AF_INET && family != AF_INET6) {
        out->family = family; /* another family: no address */
    }                         /* an IP address too short to hold one: nothing is known */
}

static void sockinfo_to(const struct ld_bpf_sockinfo *si, bool remote, ld_rt_sockaddr *out)
{
    memset(out, 0, sizeof *out);
    out->family = si->family;
    if (si->family == AF_INET || si->family == AF_INET6) {
        out->port = remote ? si->rport : si->lport;
        memcpy(out->addr, remote ? si->raddr : si->laddr, si->family == AF_INET ? 4 : 16);
    }
}

/* "/lib/modules/x/kernel/foo.ko.zst" -> "foo" */
static void module_name(char *dst, size_t size, const char *path)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    size_t n = strlen(base);
    static const char *const suffixes[] = {".ko.zst", ".ko.xz", ".ko.gz", ".ko"};
    for (size_t i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++) {
        size_t s = strlen(suffixes[i]);
        if (n > s && strcmp(base + n - s, suffixes[i]) == 0) {
            n -= s;
            break;
        }
    }
    if (n > size - 1)
        n = size - 1;
    memcpy(dst, base, n);
    dst[n] = '\0';
}

/* the id a setuid-family call asks for: see bpf_decode.h */
static uint32_t asked_id(unsigned call, const __s64 *arg, uint32_t current)
{
    const uint32_t unchanged = (uint32_t)-1;
    uint32_t a0 = (uint32_t)arg[0], a1 = (uint32_t)arg[1];
    switch (call) {
    case LD_BPF_CALL_SETUID:
    case LD_BPF_CALL_SETGID: return a0;
    default: /* setre*, setres*: (real, effective[, saved]) */
        if (a1 != unchanged)
            return a1;
        if (a0 != unchanged)
            return a0;
        return current;
    }
}

static int fail(ld_rt_event *e, const char **why, const char *msg)
{
    ld_rt_event_reset(e);
    if (why)
        *why = msg;
    return -1;
}

int ld_rt_bpf_decode(const void *rec, size_t len, int64_t wall_offset_ns, ld_rt_event *e,
                     const char **why)
{
    struct ld_bpf_hdr h;
    if (!rec || len < sizeof h)
        return fail(e, why, "record shorter than its header");
    memcpy(&h, rec, sizeof h);
    if (h.abi != LD_BPF_ABI_VERSION)
        return fail(e, why, "record of another ABI version (program and lockdown do not match)");
    if (h.call == LD_BPF_CALL_NONE || h.call >= LD_BPF_CALL_COUNT)
        return fail(e, why, "record of an unknown call");
    size_t total = (size_t)h.len[0] + h.len[1] + h.len[2];
    if (total > len - sizeof h)
        return fail(e, why, "record blobs longer than the record");
    blob b[LD_BPF_NBLOBS];
    const uint8_t *p = (const uint8_t *)rec + sizeof h;
    for (int i = 0; i < LD_BPF_NBLOBS; i++) {
        b[i] = (blob){p, h.len[i]};
        p += h.len[i];
    }

    ld_rt_event_reset(e);
    e->type = ld_rt_bpf_call_type(h.call);
    e->source = LD_RT_SRC_BPF;
    snprintf(e->syscall, sizeof e->syscall, "%s", ld_rt_bpf_call_name(h.call));
    int64_t ts = (int64_t)h.ts_boot_ns;
    if (ts >= 0 && wall_offset_ns > 0 && ts <= INT64_MAX - wall_offset_ns)
        ts += wall_offset_ns;
    e->ts_ns = ts > 0 ? (uint64_t)ts : 0;
    e->ret = h.ret;
    e->pid = (int32_t)h.pid;
    e->tid = (int32_t)h.tid;
    e->ppid = (int32_t)h.ppid;
    e->uid = h.uid;
    e->gid = h.gid;
    e->euid = h.euid;
    e->loginuid = h.loginuid;
    e->tty = (h.tty_major || h.tty_minor) ? (uint32_t)makedev(h.tty_major, h.tty_minor) : 0;
    copy_text(e->comm, sizeof e->comm, (blob){(const uint8_t *)h.comm, sizeof h.comm});
    e->cgroup_id = h.cgroup_id;
    e->cgroup_v1_id = h.cgroup_v1_id;
    if (h.flags & LD_BPF_F_NOARGS)
        return 0; /* seen at its exit only: nothing more is known */

    switch (h.call) {
    case LD_BPF_CALL_EXECVE:
    case LD_BPF_CALL_EXECVEAT:
        e->path_truncated = copy_text(e->path, sizeof e->path, b[0]) || (h.flags & LD_BPF_F_TRUNC0);
        if (h.call == LD_BPF_CALL_EXECVEAT && h.ret != 0)
            break; /* a failed execveat: path = the argument, no new program */
        copy_text(e->exepath, sizeof e->exepath, b[1]);
        e->exe_from_memfd = (h.flags & LD_BPF_F_EXE_MEMFD) != 0;
        e->exe_upper_layer = (h.flags & LD_BPF_F_EXE_UPPER) != 0;
        if (e->exe_from_memfd && e->exepath[0])
            append_text(e->exepath, sizeof e->exepath, " (deleted)");
        e->cmdline_truncated = join_args(e->cmdline, sizeof e->cmdline, b[2]) ||
                               (h.flags & LD_BPF_F_TRUNC2) ||
                               (h.arg[0] > 0 && (uint64_t)h.arg[0] > b[2].n);
        break;
    case LD_BPF_CALL_FORK:
        e->ppid = (int32_t)h.pid;
        e->pid = (int32_t)h.arg[0];
        e->tid = (int32_t)h.arg[1];
        break;
    case LD_BPF_CALL_EXIT: break;
    case LD_BPF_CALL_OPEN:
    case LD_BPF_CALL_CREAT:
    case LD_BPF_CALL_OPENAT:
    case LD_BPF_CALL_OPENAT2:
        e->path_truncated = copy_text(e->path, sizeof e->path, b[0]) || (h.flags & LD_BPF_F_TRUNC0);
        e->open_flags = (uint32_t)h.arg[0];
        break;
    case LD_BPF_CALL_CONNECT:
    case LD_BPF_CALL_BIND: parse_sockaddr(b[0], &e->sock); break;
    case LD_BPF_CALL_ACCEPT:
    case LD_BPF_CALL_ACCEPT4:
    case LD_BPF_CALL_LISTEN: {
        if (b[0].n != sizeof(struct ld_bpf_sockinfo))
            return fail(e, why, "socket record of the wrong size");
        struct ld_bpf_sockinfo si;
        memcpy(&si, b[0].p, sizeof si);
        bool accept = h.call != LD_BPF_CALL_LISTEN;
        sockinfo_to(&si, accept, &e->sock);
        sockinfo_to(&si, false, &e->sock_local);
        break;
    }
    case LD_BPF_CALL_PTRACE:
        e->request = h.arg[0];
        e->target_pid = (int32_t)h.arg[1];
        break;
    case LD_BPF_CALL_SETUID:
    case LD_BPF_CALL_SETREUID:
    case LD_BPF_CALL_SETRESUID: e->target_uid = asked_id(h.call, h.arg, h.euid); break;
    case LD_BPF_CALL_SETGID:
    case LD_BPF_CALL_SETREGID:
    case LD_BPF_CALL_SETRESGID: e->target_uid = asked_id(h.call, h.arg, h.gid); break;
    case LD_BPF_CALL_MOUNT:
    case LD_BPF_CALL_MOVE_MOUNT:
        e->path_truncated = copy_text(e->path, sizeof e->path, b[0]) || (h.flags & LD_BPF_F_TRUNC0);
        copy_text(e->source_path, sizeof e->source_path, b[1]);
        copy_text(e->fstype, sizeof e->fstype, b[2]);
        e->request = h.arg[0];
        break;
    case LD_BPF_CALL_UMOUNT2:
        e->path_truncated = copy_text(e->path, sizeof e->path, b[0]) || (h.flags & LD_BPF_F_TRUNC0);
        break;
    case LD_BPF_CALL_INIT_MODULE: break;
    case LD_BPF_CALL_FINIT_MODULE:
        e->path_truncated = copy_text(e->path, sizeof e->path, b[0]) || (h.flags & LD_BPF_F_TRUNC0);
        if (e->path[0])
            module_name(e->module, sizeof e->module, e->path);
        break;
    case LD_BPF_CALL_MEMFD_CREATE:
        e->path_truncated = copy_text(e->path, sizeof e->path, b[0]);
        break;
    case LD_BPF_CALL_UNSHARE: e->request = h.arg[0]; break;
    case LD_BPF_CALL_SETNS: e->request = h.arg[1]; break;
    default: break;
    }
    return 0;
}
