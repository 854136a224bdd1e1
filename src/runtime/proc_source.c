/* The proc connector source of lockdown watch (source.h ld_rt_proc_open):
 * the fallback where eBPF cannot load. The kernel multicasts exec, fork,
 * exit and uid changes over netlink (NETLINK_CONNECTOR, CN_IDX_PROC, after
 * PROC_CN_MCAST_LISTEN; needs CAP_NET_ADMIN in the initial namespaces);
 * each becomes an ld_rt_event completed from /proc/PID (proc_read.h).
 *
 * What it cannot do, and says so (coverage): no file, network, ptrace,
 * mount or module events; the process may be gone before /proc is read
 * (the event is still delivered, with what the kernel said: pid, parent;
 * the missing fields empty, for the process table to complete); setuid is
 * seen after the fact, so the ids before it come from what this source
 * last saw of the process (a small pid-indexed memory seeded from /proc at
 * open; unknown ids are reported as (uint32_t)-1, never as root).
 *
 * Drops: the kernel drops messages when the socket's receive queue is
 * full and then fails the next receive with ENOBUFS, without saying how
 * many it dropped. Each ENOBUFS counts 1 in `dropped` (at least one event
 * was lost; the true number may be larger) under dropped_by_type[LD_EVT_NONE]
 * (the type is unknown), and doubles the receive buffer (SO_RCVBUFFORCE, up
 * to 64 MiB). Threads are not processes: forks of threads and exits of
 * threads other than the leader are not reported. */
#include "runtime/source.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/cn_proc.h>
#include <linux/connector.h>
#include <linux/netlink.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "runtime/proc_connector.h"
#include "runtime/proc_read.h"
#include "util/mem.h"

#define RCVBUF_START (4u << 20)
#define RCVBUF_MAX (64u << 20)
#define DATAGRAMS_PER_POLL 8192 /* then back to the loop, which polls again at once */
#define ACK_WAIT_MS 1000
#define CREDS_SLOTS 65536u /* pid-indexed (pid & mask): collisions only forget */
#define UID_UNKNOWN ((uint32_t)-1)

static const char coverage[] = "reduced: exec, fork, exit and setuid only (proc connector): no "
                               "file, network, ptrace, mount or module events";

/* What this source last saw of a process: its ids (for the ids before a
 * setuid) and whether it runs in a container (for host_events off). */
typedef struct {
    int32_t pid; /* 0: empty */
    uint32_t ruid, euid;
    uint8_t where; /* 0 unknown, 1 host, 2 container */
} creds_slot;

typedef struct {
    ld_rt_source base;
    int fd;
    bool listening; /* LISTEN sent: IGNORE at close keeps the kernel's listener count right */
    uint32_t nl_port;
    ld_rt_proc_reader reader;
    uint32_t self_pid;
    bool host_events;
    int rcvbuf;
    uint64_t received, dropped, lost_other;
    uint64_t dropped_by_type[LD_EVT_TYPE_COUNT];
    int64_t wall_offset_ns; /* realtime - monotonic, per poll */
    creds_slot *creds;
    /* the batch in progress */
    ld_rt_event_fn fn;
    void *fn_ctx;
    int delivered;
    ld_rt_proc_info info;
    ld_rt_event ev;
    union {
        struct nlmsghdr align;
        unsigned char bytes[16384];
    } buf;
} proc_source;

/* ---- what was seen of processes ------------------------------------------ */

static creds_slot *creds_at(proc_source *s, int32_t pid)
{
    return &s->creds[(uint32_t)pid & (CREDS_SLOTS - 1)];
}

static const creds_slot *creds_find(proc_source *s, int32_t pid)
{
    creds_slot *c = creds_at(s, pid);
    return c->pid == pid ? c : NULL;
}

static void creds_note(proc_source *s, int32_t pid, const ld_rt_proc_info *in)
{
    creds_slot *c = creds_at(s, pid);
    if (c->pid != pid)
        *c = (creds_slot){.pid = pid, .ruid = UID_UNKNOWN, .euid = UID_UNKNOWN};
    if (in->got & LD_RT_PR_STATUS) {
        c->ruid = in->p.uid;
        c->euid = in->p.euid;
    }
    if (in->got & LD_RT_PR_CGROUP)
        c->where = in->in_container ? 2 : 1;
}

static void creds_forget(proc_source *s, int32_t pid)
{
    creds_slot *c = creds_at(s, pid);
    if (c->pid == pid)
        c->pid = 0;
}

/* Every process there is when the source opens: a setuid of one of them
 * then has the ids it had before. */
static void creds_seed(proc_source *s)
{
    int dfd = openat(s->reader.proc_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    DIR *d = dfd >= 0 ? fdopendir(dfd) : NULL;
    if (!d) {
        if (dfd >= 0)
            close(dfd);
        return;
    }
    struct dirent *de;
    while ((de = readdir(d))) {
        char *end = NULL;
        long pid = strtol(de->d_name, &end, 10);
        if (!de->d_name[0] || *end || pid <= 0 || pid > INT32_MAX)
            continue;
        if (ld_rt_proc_reader_read(&s->reader, (int32_t)pid, LD_RT_PR_STATUS | LD_RT_PR_CGROUP,
                                   &s->info) == 0)
            creds_note(s, (int32_t)pid, &s->info);
    }
    closedir(d);
}

/* ---- events ------------------------------------------------------------------- */

static void fill_from_proc(ld_rt_event *e, const ld_rt_proc_info *in)
{
    const ld_rt_proc *p = &in->p;
    if (in->got & LD_RT_PR_STAT) {
        memcpy(e->comm, p->comm, sizeof e->comm);
        e->ppid = p->ppid;
        e->tty = p->tty;
    }
    if (in->got & LD_RT_PR_STATUS) {
        e->uid = p->uid;
        e->euid = p->euid;
        e->gid = p->gid;
    }
    if (in->got & LD_RT_PR_LOGINUID)
        e->loginuid = p->loginuid;
    if (in->got & LD_RT_PR_EXE) {
        memcpy(e->exepath, p->exepath, sizeof e->exepath);
        e->exe_from_memfd = p->exe_from_memfd;
    }
    if (in->got & LD_RT_PR_CMDLINE) {
        memcpy(e->cmdline, p->cmdline, sizeof e->cmdline);
        e->cmdline_truncated = p->cmdline_truncated;
    }
    if (in->got & LD_RT_PR_CGROUP) {
        e->cgroup_id = p->cgroup_id;
        e->cgroup_v1_id = p->cgroup_v1_id;
    }
}

/* Reads the parts of pid into s->info and the event; the process's place
 * (host or container) as far as known: 0 unknown, 1 host, 2 container. */
static int complete(proc_source *s, ld_rt_event *e, int32_t pid, unsigned parts)
{
    if (ld_rt_proc_reader_read(&s->reader, pid, parts, &s->info) < 0) {
        const creds_slot *c = creds_find(s, pid);
        return c ? c->where : 0; /* gone: what the kernel said is all */
    }
    fill_from_proc(e, &s->info);
    creds_note(s, pid, &s->info);
    return (s->info.got & LD_RT_PR_CGROUP) ? (s->info.in_container ? 2 : 1) : 0;
}

static int deliver(proc_source *s, int where)
{
    if (!s->host_events && where == 1)
        return 0;
    s->received++;
    s->delivered++;
    return s->fn(&s->ev, s->fn_ctx);
}

static int on_exec(proc_source *s, const ld_rt_cn_msg *m, ld_rt_event *e)
{
    e->type = LD_EVT_EXECVE;
    e->pid = m->pid;
    e->tid = m->tid;
    int where = complete(s, e, m->pid, LD_RT_PR_ALL);
    memcpy(e->path, e->exepath, sizeof e->path); /* exec: the file executed */
    return deliver(s, where);
}

/* A new process (threads are not reported). Only its cgroup is read: the
 * child may have exec'd already, and its name, program and ids at the fork
 * are its parent's, which the process table copies (the event leaves them
 * empty). */
static int on_fork(proc_source *s, const ld_rt_cn_msg *m, ld_rt_event *e)
{
    if (m->tid != m->pid || m->ppid == (int32_t)s->self_pid)
        return 0;
    e->type = LD_EVT_CLONE;
    e->pid = m->pid;
    e->tid = m->tid;
    e->ppid = m->ppid; /* the kernel's word, even if the child was reparented since */
    int where = 0;
    if (ld_rt_proc_reader_read(&s->reader, m->pid, LD_RT_PR_CGROUP, &s->info) == 0) {
        e->cgroup_id = s->info.p.cgroup_id;
        e->cgroup_v1_id = s->info.p.cgroup_v1_id;
        where = s->info.in_container ? 2 : 1;
    }
    const creds_slot *pc = creds_find(s, m->ppid);
    creds_slot *c = creds_at(s, m->pid);
    *c = (creds_slot){.pid = m->pid,
                      .ruid = pc ? pc->ruid : UID_UNKNOWN,
                      .euid = pc ? pc->euid : UID_UNKNOWN,
                      .where = (uint8_t)(where ? where
                                         : pc  ? pc->where
                                               : 0)};
    return deliver(s, c->where);
}

static int on_exit_msg(proc_source *s, const ld_rt_cn_msg *m, ld_rt_event *e)
{
    if (m->tid != m->pid)
        return 0; /* a thread other than the leader */
    e->type = LD_EVT_PROCEXIT;
    e->pid = m->pid;
    e->tid = m->tid;
    e->ppid = m->ppid;
    const creds_slot *c = creds_find(s, m->pid);
    int where = c ? c->where : 0;
    creds_forget(s, m->pid);
    return deliver(s, where);
}

/* A uid change. Reported (as LD_EVT_SETUID, the call unknown) when the new
 * effective uid is 0, with the ids the process had before as far as this
 * source saw them; other changes only update what is known. glibc makes
 * every thread of a process call setuid: the leader's change is reported,
 * another thread's only when it changed something first. */
static int on_uid(proc_source *s, const ld_rt_cn_msg *m, ld_rt_event *e)
{
    creds_slot *c = creds_at(s, m->pid);
    bool known = c->pid == m->pid && c->ruid != UID_UNKNOWN;
    uint32_t before_ruid = known ? c->ruid : UID_UNKNOWN;
    uint32_t before_euid = known ? c->euid : UID_UNKNOWN;
    bool changed = !known || c->ruid != m->ruid || c->euid != m->euid;
    uint8_t where = c->pid == m->pid ? c->where : 0;
    *c = (creds_slot){.pid = m->pid, .ruid = m->ruid, .euid = m->euid, .where = where};
    if (m->euid != 0 || (m->tid != m->pid && !changed))
        return 0;
    e->type = LD_EVT_SETUID;
    e->pid = m->pid;
    e->tid = m->tid;
    e->target_uid = m->euid;
    int w = complete(s, e, m->pid,
                     LD_RT_PR_STAT | LD_RT_PR_EXE | LD_RT_PR_CMDLINE | LD_RT_PR_CGROUP |
                         LD_RT_PR_LOGINUID);
    /* complete() noted the place; the ids are the ones from before */
    c->ruid = m->ruid;
    c->euid = m->euid;
    e->uid = before_ruid;
    e->euid = before_euid;
    return deliver(s, w ? w : where);
}

static int on_message(const ld_rt_cn_msg *m, void *ctx)
{
    proc_source *s = ctx;
    if (m->kind == LD_RT_CN_ACK || m->kind == LD_RT_CN_OTHER)
        return 0;
    if (m->pid <= 0 || (s->self_pid && m->pid == (int32_t)s->self_pid))
        return 0;
    ld_rt_event *e = &s->ev;
    ld_rt_event_reset(e);
    e->source = LD_RT_SRC_PROC_CONNECTOR;
    e->ts_ns = m->ts_boot_ns + (uint64_t)s->wall_offset_ns;
    switch (m->kind) {
    case LD_RT_CN_EXEC: return on_exec(s, m, e);
    case LD_RT_CN_FORK: return on_fork(s, m, e);
    case LD_RT_CN_EXIT: return on_exit_msg(s, m, e);
    case LD_RT_CN_UID: return on_uid(s, m, e);
    default: return 0;
    }
}

/* ---- the socket ------------------------------------------------------------- */

static int64_t wall_offset_ns(void)
{
    struct timespec rt, mono;
    clock_gettime(CLOCK_REALTIME, &rt);
    clock_gettime(CLOCK_MONOTONIC, &mono);
    return ((int64_t)rt.tv_sec - (int64_t)mono.tv_sec) * 1000000000ll +
           ((int64_t)rt.tv_nsec - (int64_t)mono.tv_nsec);
}

static void set_rcvbuf(proc_source *s, int bytes)
{
    if (setsockopt(s->fd, SOL_SOCKET, SO_RCVBUFFORCE, &bytes, sizeof bytes) < 0)
        setsockopt(s->fd, SOL_SOCKET, SO_RCVBUF, &bytes, sizeof bytes);
    s->rcvbuf = bytes;
}

/* Sends LISTEN or IGNORE; seq is the request's number (the ack echoes it). */
static int send_op(proc_source *s, enum proc_cn_mcast_op op, uint32_t seq)
{
    /* netlink header, cn_msg, the operation: laid out byte by byte (cn_msg
     * ends in a flexible array, so it cannot sit inside a struct) */
    unsigned char req[NLMSG_HDRLEN + sizeof(struct cn_msg) + sizeof op];
    memset(req, 0, sizeof req);
    struct nlmsghdr nh = {
        .nlmsg_len = sizeof req, .nlmsg_type = NLMSG_DONE, .nlmsg_pid = s->nl_port};
    struct cn_msg cn = {
        .id = {.idx = CN_IDX_PROC, .val = CN_VAL_PROC}, .seq = seq, .ack = seq, .len = sizeof op};
    memcpy(req, &nh, sizeof nh);
    memcpy(req + NLMSG_HDRLEN, &cn, sizeof cn);
    memcpy(req + NLMSG_HDRLEN + sizeof cn, &op, sizeof op);
    struct sockaddr_nl to = {.nl_family = AF_NETLINK};
    ssize_t n;
    do
        n = sendto(s->fd, req, sizeof req, 0, (struct sockaddr *)&to, sizeof to);
    while (n < 0 && errno == EINTR);
    return n == (ssize_t)sizeof req ? 0 : -1;
}

/* Receives one datagram from the kernel into s->buf. Its length; 0 when
 * none waits; -1 with errno on failure (ENOBUFS: messages were dropped). */
static ssize_t receive(proc_source *s)
{
    for (;;) {
        struct sockaddr_nl from;
        struct iovec iov = {.iov_base = s->buf.bytes, .iov_len = sizeof s->buf.bytes};
        struct msghdr mh = {
            .msg_name = &from, .msg_namelen = sizeof from, .msg_iov = &iov, .msg_iovlen = 1};
        ssize_t n = recvmsg(s->fd, &mh, MSG_DONTWAIT);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            return 0;
        if (n < 0)
            return -1;
        if (mh.msg_namelen < sizeof from || from.nl_pid != 0 || (mh.msg_flags & MSG_TRUNC)) {
            s->lost_other++; /* not from the kernel, or cut */
            continue;
        }
        return n;
    }
}

static void note_enobufs(proc_source *s)
{
    s->dropped++;
    s->dropped_by_type[LD_EVT_NONE]++;
    if ((unsigned)s->rcvbuf < RCVBUF_MAX)
        set_rcvbuf(s, s->rcvbuf * 2);
}

typedef struct {
    uint32_t seq;
    bool answered;
    uint32_t err;
} ack_wait;

static int on_ack(const ld_rt_cn_msg *m, void *ctx)
{
    ack_wait *w = ctx;
    /* the kernel answers with ack = our ack + 1 (its seq is its own counter) */
    if (m->kind == LD_RT_CN_ACK && m->ack_ack == w->seq + 1) {
        w->answered = true;
        w->err = m->ack_err;
        return 1;
    }
    return 0; /* events before the source is ready are not the run's */
}

/* Waits for the kernel's answer to LISTEN. 0 accepted; -1 refused or no
 * answer (err set); 1 no answer but messages were dropped meanwhile (the
 * answer may have been among them: go on). */
static int wait_ack(proc_source *s, uint32_t seq, ld_error *err)
{
    ack_wait w = {.seq = seq};
    struct timespec start, now;
    clock_gettime(CLOCK_MONOTONIC, &start);
    bool lost = false;
    for (;;) {
        clock_gettime(CLOCK_MONOTONIC, &now);
        long spent = (now.tv_sec - start.tv_sec) * 1000 + (now.tv_nsec - start.tv_nsec) / 1000000;
        if (spent >= ACK_WAIT_MS)
            break;
        struct pollfd pf = {.fd = s->fd, .events = POLLIN};
        if (poll(&pf, 1, (int)(ACK_WAIT_MS - spent)) <= 0)
            continue;
        ssize_t n;
        while ((n = receive(s)) != 0) {
            if (n < 0) {
                if (errno != ENOBUFS)
                    return ld_error_set_errno(err, LD_ERR_GENERIC, errno,
                                              "proc connector: receive"),
                           -1;
                lost = true;
                continue;
            }
            uint64_t bad = 0;
            ld_rt_cn_decode(s->buf.bytes, (size_t)n, on_ack, &w, &bad, NULL);
            if (w.answered) {
                if (!w.err)
                    return 0;
                ld_error_set_errno(err, LD_ERR_UNSUPPORTED, (int)w.err,
                                   "proc connector: the kernel refused the subscription");
                return -1;
            }
        }
    }
    if (lost)
        return 1;
    ld_error_set(err, LD_ERR_UNSUPPORTED,
                 "proc connector: the kernel did not answer the subscription within %d ms "
                 "(lockdown must run in the initial pid and user namespaces)",
                 ACK_WAIT_MS);
    return -1;
}

/* ---- the vtable ----------------------------------------------------------------- */

static int proc_poll(ld_rt_source *base, int timeout_ms, ld_rt_event_fn fn, void *ctx,
                     ld_error *err)
{
    proc_source *s = (proc_source *)base;
    if (timeout_ms != 0) {
        struct pollfd pf = {.fd = s->fd, .events = POLLIN};
        int r = poll(&pf, 1, timeout_ms);
        if (r < 0 && errno == EINTR)
            return 0;
        if (r < 0)
            return ld_error_set_errno(err, LD_ERR_GENERIC, errno, "proc connector: poll");
        if (r == 0)
            return 0;
    }
    s->wall_offset_ns = wall_offset_ns();
    s->fn = fn;
    s->fn_ctx = ctx;
    s->delivered = 0;
    for (int i = 0; i < DATAGRAMS_PER_POLL; i++) {
        ssize_t n = receive(s);
        if (n == 0)
            break;
        if (n < 0) {
            if (errno == ENOBUFS) {
                note_enobufs(s);
                continue;
            }
            return ld_error_set_errno(err, LD_ERR_GENERIC, errno, "proc connector: receive");
        }
        int rc =
            ld_rt_cn_decode(s->buf.bytes, (size_t)n, on_message, s, &s->lost_other, &s->lost_other);
        if (rc)
            return rc;
    }
    return s->delivered;
}

static int proc_fd(const ld_rt_source *base)
{
    return ((const proc_source *)base)->fd;
}

static void proc_stats(const ld_rt_source *base, ld_rt_source_stats *out)
{
    const proc_source *s = (const proc_source *)base;
    memset(out, 0, sizeof *out);
    out->name = "proc-connector";
    out->received = s->received;
    out->dropped = s->dropped;
    out->lost_other = s->lost_other;
    out->ring_bytes = 0;
    memcpy(out->dropped_by_type, s->dropped_by_type, sizeof out->dropped_by_type);
    out->coverage = coverage;
    out->reduced = true;
}

static void proc_close(ld_rt_source *base)
{
    proc_source *s = (proc_source *)base;
    if (!s)
        return;
    if (s->fd >= 0) {
        if (s->listening)
            send_op(s, PROC_CN_MCAST_IGNORE, 0);
        close(s->fd);
    }
    ld_rt_proc_reader_close(&s->reader);
    free(s->creds);
    free(s);
}

static const ld_rt_source_ops proc_ops = {
    .poll = proc_poll,
    .fd = proc_fd,
    .stats = proc_stats,
    .close = proc_close,
};

/* Opens the socket, subscribes and waits for the kernel to accept. */
static int subscribe(proc_source *s, ld_error *err)
{
    s->fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, NETLINK_CONNECTOR);
    if (s->fd < 0)
        return ld_error_set_errno(err, LD_ERR_UNSUPPORTED, errno,
                                  "proc connector: no netlink connector socket "
                                  "(kernel without CONFIG_PROC_EVENTS?)");
    set_rcvbuf(s, RCVBUF_START);
    struct sockaddr_nl sa = {.nl_family = AF_NETLINK, .nl_groups = CN_IDX_PROC};
    if (bind(s->fd, (struct sockaddr *)&sa, sizeof sa) < 0) {
        int e = errno;
        return ld_error_set_errno(err, LD_ERR_UNSUPPORTED, e,
                                  "proc connector: cannot join the process events group%s",
                                  e == EPERM ? " (needs root or CAP_NET_ADMIN)" : "");
    }
    socklen_t len = sizeof sa;
    if (getsockname(s->fd, (struct sockaddr *)&sa, &len) == 0)
        s->nl_port = sa.nl_pid;
    uint32_t seq = (uint32_t)getpid() ^ 0x6c6b6400u;
    if (send_op(s, PROC_CN_MCAST_LISTEN, seq) < 0)
        return ld_error_set_errno(err, LD_ERR_UNSUPPORTED, errno,
                                  "proc connector: cannot subscribe to process events");
    s->listening = true;
    return wait_ack(s, seq, err) < 0 ? err->code : 0;
}

ld_rt_source *ld_rt_proc_open(const ld_rt_source_options *o, ld_error *err)
{
    proc_source *s = ld_xcalloc(1, sizeof *s);
    s->base.ops = &proc_ops;
    s->fd = -1;
    s->self_pid = o ? o->self_pid : 0;
    s->host_events = o ? o->host_events : true;
    s->creds = ld_xcalloc(CREDS_SLOTS, sizeof *s->creds);
    if (ld_rt_proc_reader_open(&s->reader, "/proc", "/sys/fs/cgroup", err) < 0) {
        ld_error_wrap(err, "proc connector");
        proc_close(&s->base);
        return NULL;
    }
    if (subscribe(s, err) < 0) {
        proc_close(&s->base);
        return NULL;
    }
    creds_seed(s);
    return &s->base;
}
