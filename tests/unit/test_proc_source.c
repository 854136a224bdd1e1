/* Unit tests for lockdown watch's proc connector fallback: the datagram
 * decoder (runtime/proc_connector.c) on messages built here the way the
 * kernel lays them out and on hostile ones (lengths that do not add up, a
 * payload too short for its event, foreign connector ids, a stop in the
 * middle of a datagram), and the source (runtime/proc_source.c) on the
 * real kernel: a child this test forks is seen to fork, exec (with its
 * command line, executable, parent and cgroup) and exit; a setuid to root
 * by a process that had dropped to uid 1000 is reported with the ids from
 * before; lockdown's own forks are not reported; host_events off drops
 * processes outside containers; a receive queue overflow is counted as a
 * drop, never silent. Needs root (CAP_NET_ADMIN) for the real source. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <errno.h>
#include <linux/cn_proc.h>
#include <linux/connector.h>
#include <linux/netlink.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "test_skip.h"

#include "runtime/proc_connector.h"
#include "runtime/proc_read.h"
#include "runtime/source.h"

/* ---- the decoder ---- */

typedef struct {
    ld_rt_cn_msg m[16];
    int n;
    int stop_after; /* 0: never */
} seen;

static int collect(const ld_rt_cn_msg *m, void *ctx)
{
    seen *s = ctx;
    if (s->n < 16)
        s->m[s->n] = *m;
    s->n++;
    return s->stop_after && s->n >= s->stop_after ? 7 : 0;
}

/* Appends one netlink message holding a cn_msg whose data is ev (ev_len
 * bytes) to buf at *off; cn_len_override (if nonzero) is put in cn.len. */
static void add_msg(unsigned char *buf, size_t *off, const void *ev, size_t ev_len, uint32_t idx,
                    uint16_t cn_len_override)
{
    struct nlmsghdr nh = {.nlmsg_len = (uint32_t)(NLMSG_HDRLEN + sizeof(struct cn_msg) + ev_len),
                          .nlmsg_type = NLMSG_DONE};
    struct cn_msg cn = {.id = {.idx = idx, .val = CN_VAL_PROC},
                        .len = cn_len_override ? cn_len_override : (uint16_t)ev_len};
    memcpy(buf + *off, &nh, sizeof nh);
    memcpy(buf + *off + NLMSG_HDRLEN, &cn, sizeof cn);
    memcpy(buf + *off + NLMSG_HDRLEN + sizeof cn, ev, ev_len);
    *off += NLMSG_ALIGN(nh.nlmsg_len);
}

static struct proc_event make_event(uint32_t what)
{
    struct proc_event ev;
    memset(&ev, 0, sizeof ev);
    ev.what = what;
    ev.timestamp_ns = 123456789;
    return ev;
}

static void test_decode_kinds(void **state)
{
    (void)state;
    unsigned char buf[2048];
    size_t off = 0;
    struct proc_event ev = make_event(PROC_EVENT_FORK);
    ev.event_data.fork.parent_pid = 10;
    ev.event_data.fork.parent_tgid = 10;
    ev.event_data.fork.child_pid = 11;
    ev.event_data.fork.child_tgid = 11;
    add_msg(buf, &off, &ev, sizeof ev, CN_IDX_PROC, 0);
    ev = make_event(PROC_EVENT_EXEC);
    ev.event_data.exec.process_pid = 12;
    ev.event_data.exec.process_tgid = 11;
    add_msg(buf, &off, &ev, sizeof ev, CN_IDX_PROC, 0);
    ev = make_event(PROC_EVENT_UID);
    ev.event_data.id.process_pid = 11;
    ev.event_data.id.process_tgid = 11;
    ev.event_data.id.r.ruid = 1000;
    ev.event_data.id.e.euid = 0;
    add_msg(buf, &off, &ev, sizeof ev, CN_IDX_PROC, 0);
    ev = make_event(PROC_EVENT_EXIT);
    ev.event_data.exit.process_pid = 11;
    ev.event_data.exit.process_tgid = 11;
    ev.event_data.exit.exit_code = 256;
    ev.event_data.exit.parent_pid = 10;
    ev.event_data.exit.parent_tgid = 10;
    add_msg(buf, &off, &ev, sizeof ev, CN_IDX_PROC, 0);
    /* an exit as kernels before 4.17 sent it: no parent */
    add_msg(buf, &off, &ev, offsetof(struct proc_event, event_data.exit.parent_pid), CN_IDX_PROC,
            0);
    ev = make_event(PROC_EVENT_COMM);
    add_msg(buf, &off, &ev, sizeof ev, CN_IDX_PROC, 0);
    ev = make_event(PROC_EVENT_NONE);
    ev.event_data.ack.err = 1;
    add_msg(buf, &off, &ev, sizeof ev, CN_IDX_PROC, 0);

    seen s = {0};
    uint64_t bad = 0, left = 0;
    assert_int_equal(ld_rt_cn_decode(buf, off, collect, &s, &bad, &left), 0);
    assert_int_equal(bad, 0);
    assert_int_equal(s.n, 7);
    assert_int_equal(s.m[0].kind, LD_RT_CN_FORK);
    assert_int_equal(s.m[0].pid, 11);
    assert_int_equal(s.m[0].ppid, 10);
    assert_int_equal(s.m[0].ts_boot_ns, 123456789);
    assert_int_equal(s.m[1].kind, LD_RT_CN_EXEC);
    assert_int_equal(s.m[1].pid, 11);
    assert_int_equal(s.m[1].tid, 12);
    assert_int_equal(s.m[2].kind, LD_RT_CN_UID);
    assert_int_equal(s.m[2].ruid, 1000);
    assert_int_equal(s.m[2].euid, 0);
    assert_int_equal(s.m[3].kind, LD_RT_CN_EXIT);
    assert_int_equal(s.m[3].ppid, 10);
    assert_int_equal(s.m[3].exit_code, 256);
    assert_int_equal(s.m[4].kind, LD_RT_CN_EXIT);
    assert_int_equal(s.m[4].ppid, 0);
    assert_int_equal(s.m[5].kind, LD_RT_CN_OTHER);
    assert_int_equal(s.m[6].kind, LD_RT_CN_ACK);
    assert_int_equal(s.m[6].ack_err, 1);
}

static void test_decode_hostile(void **state)
{
    (void)state;
    unsigned char buf[2048];
    struct proc_event ev = make_event(PROC_EVENT_FORK);
    ev.event_data.fork.child_tgid = 5;
    seen s = {0};
    uint64_t bad = 0;

    /* a fork payload too short for a fork */
    size_t off = 0;
    add_msg(buf, &off, &ev, offsetof(struct proc_event, event_data) + 8, CN_IDX_PROC, 0);
    /* cn.len larger than what the message holds */
    add_msg(buf, &off, &ev, sizeof ev, CN_IDX_PROC, sizeof ev + 100);
    /* another connector's message: skipped, not counted */
    add_msg(buf, &off, &ev, sizeof ev, 0x7, 0);
    /* shorter than the event header */
    add_msg(buf, &off, &ev, 4, CN_IDX_PROC, 0);
    /* a good one after all that */
    add_msg(buf, &off, &ev, sizeof ev, CN_IDX_PROC, 0);
    assert_int_equal(ld_rt_cn_decode(buf, off, collect, &s, &bad, NULL), 0);
    assert_int_equal(bad, 3);
    assert_int_equal(s.n, 1);
    assert_int_equal(s.m[0].pid, 5);

    /* nlmsg_len past the datagram: the rest cannot be framed */
    memset(&s, 0, sizeof s);
    bad = 0;
    off = 0;
    add_msg(buf, &off, &ev, sizeof ev, CN_IDX_PROC, 0);
    struct nlmsghdr nh;
    memcpy(&nh, buf, sizeof nh);
    nh.nlmsg_len = 4000;
    memcpy(buf, &nh, sizeof nh);
    assert_int_equal(ld_rt_cn_decode(buf, off, collect, &s, &bad, NULL), 0);
    assert_int_equal(s.n, 0);
    assert_int_equal(bad, 1);
    /* nlmsg_len smaller than its own header */
    nh.nlmsg_len = 3;
    memcpy(buf, &nh, sizeof nh);
    bad = 0;
    assert_int_equal(ld_rt_cn_decode(buf, off, collect, &s, &bad, NULL), 0);
    assert_int_equal(bad, 1);
    /* a NLMSG_ERROR, and bytes too few for a header */
    off = 0;
    add_msg(buf, &off, &ev, sizeof ev, CN_IDX_PROC, 0);
    memcpy(&nh, buf, sizeof nh);
    nh.nlmsg_type = NLMSG_ERROR;
    memcpy(buf, &nh, sizeof nh);
    bad = 0;
    assert_int_equal(ld_rt_cn_decode(buf, off + 5, collect, &s, &bad, NULL), 0);
    assert_int_equal(bad, 2);
    assert_int_equal(s.n, 0);
    bad = 0;
    assert_int_equal(ld_rt_cn_decode(buf, 0, collect, &s, &bad, NULL), 0);
    assert_int_equal(bad, 0);
}

static void test_decode_stop(void **state)
{
    (void)state;
    unsigned char buf[2048];
    size_t off = 0;
    struct proc_event ev = make_event(PROC_EVENT_EXEC);
    for (int i = 0; i < 4; i++) {
        ev.event_data.exec.process_tgid = 100 + i;
        add_msg(buf, &off, &ev, sizeof ev, CN_IDX_PROC, 0);
    }
    seen s = {.stop_after = 2};
    uint64_t bad = 0, left = 0;
    assert_int_equal(ld_rt_cn_decode(buf, off, collect, &s, &bad, &left), 7);
    assert_int_equal(s.n, 2);
    assert_int_equal(left, 2); /* counted, not silently gone */
}

/* ---- the real source ---- */

typedef struct {
    ld_rt_event ev[4096];
    size_t n;
} events;

/* Keeps the events of this test's own process tree only: a busy host
 * (other tests, exec storms) must not fill the buffer. */
static bool ours(const events *v, const ld_rt_event *e)
{
    pid_t me = getpid();
    if (e->pid == me || e->ppid == me)
        return true;
    for (size_t i = 0; i < v->n; i++)
        if (v->ev[i].pid == e->ppid || v->ev[i].pid == e->pid)
            return true;
    return false;
}

static int keep(const ld_rt_event *e, void *ctx)
{
    events *v = ctx;
    if (v->n < sizeof v->ev / sizeof v->ev[0] && ours(v, e))
        v->ev[v->n++] = *e;
    return 0;
}

static ld_rt_source *open_or_skip(const ld_rt_source_options *o)
{
    ld_error err = LD_ERROR_INIT;
    ld_rt_source *s = ld_rt_proc_open(o, &err);
    if (!s) {
        if (geteuid() != 0)
            LD_SKIP_OPTIONAL("the proc connector needs root (CAP_NET_ADMIN): %s", err.msg);
        fail_msg("ld_rt_proc_open as root: %s", err.msg);
    }
    return s;
}

static const ld_rt_event *find_event(const events *v, ld_rt_evtype type, int32_t pid)
{
    for (size_t i = 0; i < v->n; i++)
        if (v->ev[i].type == type && v->ev[i].pid == pid)
            return &v->ev[i];
    return NULL;
}

/* Polls for up to ms, until an event of type for pid is there. */
static const ld_rt_event *wait_for(ld_rt_source *s, events *v, ld_rt_evtype type, int32_t pid,
                                   int ms)
{
    ld_error err = LD_ERROR_INIT;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (;;) {
        const ld_rt_event *e = find_event(v, type, pid);
        if (e)
            return e;
        clock_gettime(CLOCK_MONOTONIC, &t1);
        if ((t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000 >= ms)
            return NULL;
        assert_true(ld_rt_source_poll(s, 50, keep, v, &err) >= 0);
    }
}

/* A child that waits for a byte, then execs argv; returns its pid. */
static pid_t spawn_waiting(int *go_fd, char *const argv[])
{
    int p[2];
    assert_int_equal(pipe(p), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        close(p[1]);
        char c;
        if (read(p[0], &c, 1) != 1)
            _exit(126);
        close(p[0]);
        execv(argv[0], argv);
        _exit(127);
    }
    close(p[0]);
    *go_fd = p[1];
    return pid;
}

static uint64_t my_cgroup_id(void)
{
    ld_rt_proc_reader r;
    ld_error err = LD_ERROR_INIT;
    assert_int_equal(ld_rt_proc_reader_open(&r, "/proc", "/sys/fs/cgroup", &err), 0);
    ld_rt_proc_info in;
    assert_int_equal(ld_rt_proc_reader_read(&r, getpid(), LD_RT_PR_CGROUP, &in), 0);
    ld_rt_proc_reader_close(&r);
    return in.p.cgroup_id;
}

static void test_source_fork_exec_exit(void **state)
{
    (void)state;
    ld_rt_source_options o = {.host_events = true};
    ld_rt_source *s = open_or_skip(&o);
    ld_rt_source_stats st;
    ld_rt_source_stats_get(s, &st);
    assert_string_equal(st.name, "proc-connector");
    assert_true(st.reduced);
    assert_non_null(strstr(st.coverage, "reduced: exec, fork, exit and setuid only"));
    assert_true(ld_rt_source_fd(s) >= 0);

    static events v;
    v.n = 0;
    int go;
    char *argv[] = {"/bin/sh", "-c", "sleep 0.3; exit 3", "marker-arg", NULL};
    struct timespec before;
    clock_gettime(CLOCK_REALTIME, &before);
    pid_t child = spawn_waiting(&go, argv);
    assert_int_equal(write(go, "x", 1), 1);
    close(go);
    const ld_rt_event *e = wait_for(s, &v, LD_EVT_EXECVE, child, 5000);
    assert_non_null(e);
    assert_int_equal(e->source, LD_RT_SRC_PROC_CONNECTOR);
    assert_int_equal(e->ppid, getpid());
    assert_string_equal(e->cmdline, "/bin/sh -c sleep 0.3; exit 3 marker-arg");
    char real[4096];
    assert_non_null(realpath("/bin/sh", real));
    assert_string_equal(e->exepath, real);
    assert_string_equal(e->path, real);
    assert_int_equal(e->uid, getuid());
    assert_int_equal(e->cgroup_id, my_cgroup_id());
    uint64_t before_ns = (uint64_t)before.tv_sec * 1000000000ull + (uint64_t)before.tv_nsec;
    assert_true(e->ts_ns + 1000000000ull > before_ns); /* wall clock, not boot time */
    assert_true(e->ts_ns < before_ns + 60000000000ull);

    const ld_rt_event *f = find_event(&v, LD_EVT_CLONE, child);
    assert_non_null(f);
    assert_int_equal(f->ppid, getpid());
    /* the shell's own child (sleep) forks and execs too: keep reading
     * while it runs, as the watch loop does (a process is read when its
     * event is taken, and a short one may be gone by then) */
    int status = 0;
    ld_error err = LD_ERROR_INIT;
    /* bounded by time, not by polls: a busy host returns from each poll at once */
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (;;) {
        if (waitpid(child, &status, WNOHANG) == child)
            break;
        clock_gettime(CLOCK_MONOTONIC, &t1);
        assert_true(t1.tv_sec - t0.tv_sec < 10);
        assert_true(ld_rt_source_poll(s, 25, keep, &v, &err) >= 0);
    }
    assert_int_equal(WEXITSTATUS(status), 3);
    const ld_rt_event *x = wait_for(s, &v, LD_EVT_PROCEXIT, child, 5000);
    assert_non_null(x);
    assert_int_equal(x->ppid, getpid());
    int sleeps = 0;
    for (size_t i = 0; i < v.n; i++)
        if (v.ev[i].type == LD_EVT_EXECVE && v.ev[i].ppid == child)
            sleeps++;
    if (sleeps != 1)
        for (size_t i = 0; i < v.n; i++)
            print_message("%s pid %d ppid %d comm %s cmd %s\n", ld_rt_evtype_name(v.ev[i].type),
                          v.ev[i].pid, v.ev[i].ppid, v.ev[i].comm, v.ev[i].cmdline);
    assert_int_equal(sleeps, 1);

    ld_rt_source_stats_get(s, &st);
    assert_true(st.received >= 4);
    assert_int_equal(st.dropped, 0);
    ld_rt_source_close(s);
}

static void test_source_setuid(void **state)
{
    (void)state;
    if (geteuid() != 0)
        LD_SKIP_OPTIONAL("setresuid to another user and back needs root");
    ld_rt_source_options o = {.host_events = true};
    ld_rt_source *s = open_or_skip(&o);
    static events v;
    v.n = 0;
    int p[2];
    assert_int_equal(pipe(p), 0);
    pid_t child = fork();
    assert_true(child >= 0);
    if (child == 0) {
        close(p[1]);
        char c;
        if (read(p[0], &c, 1) != 1)
            _exit(126);
        /* drop to 1000 keeping root as the saved uid, then take root back */
        if (setresuid(1000, 1000, 0) < 0)
            _exit(125);
        usleep(100000);
        if (setresuid(0, 0, 0) < 0)
            _exit(124);
        usleep(300000);
        _exit(0);
    }
    close(p[0]);
    usleep(50000); /* the seed of the source saw the child as root */
    assert_int_equal(write(p[1], "x", 1), 1);
    close(p[1]);
    const ld_rt_event *e = wait_for(s, &v, LD_EVT_SETUID, child, 5000);
    assert_non_null(e);
    assert_int_equal(e->uid, 1000); /* the ids before the call */
    assert_int_equal(e->euid, 1000);
    assert_int_equal(e->target_uid, 0);
    /* the drop to 1000 itself is not reported */
    int n = 0;
    for (size_t i = 0; i < v.n; i++)
        if (v.ev[i].type == LD_EVT_SETUID && v.ev[i].pid == child)
            n++;
    assert_int_equal(n, 1);
    int status;
    waitpid(child, &status, 0);
    assert_int_equal(WEXITSTATUS(status), 0);
    ld_rt_source_close(s);
}

static void test_source_filters(void **state)
{
    (void)state;
    /* lockdown's own forks are not reported; its children's execs are */
    ld_rt_source_options o = {.host_events = true, .self_pid = (uint32_t)getpid()};
    ld_rt_source *s = open_or_skip(&o);
    static events v;
    v.n = 0;
    int go;
    char *argv[] = {"/bin/true", NULL};
    pid_t child = spawn_waiting(&go, argv);
    assert_int_equal(write(go, "x", 1), 1);
    close(go);
    assert_non_null(wait_for(s, &v, LD_EVT_EXECVE, child, 5000));
    waitpid(child, NULL, 0);
    wait_for(s, &v, LD_EVT_PROCEXIT, child, 2000);
    assert_null(find_event(&v, LD_EVT_CLONE, child));
    ld_rt_source_close(s);

    /* host_events off: a process outside containers is not reported (a
     * test run inside a container sees its child reported instead) */
    ld_rt_proc_reader r;
    ld_error err = LD_ERROR_INIT;
    assert_int_equal(ld_rt_proc_reader_open(&r, "/proc", "/sys/fs/cgroup", &err), 0);
    ld_rt_proc_info in;
    assert_int_equal(ld_rt_proc_reader_read(&r, getpid(), LD_RT_PR_CGROUP, &in), 0);
    ld_rt_proc_reader_close(&r);
    o.host_events = false;
    o.self_pid = 0;
    s = open_or_skip(&o);
    v.n = 0;
    char *argv2[] = {"/bin/sleep", "0.2", NULL};
    child = spawn_waiting(&go, argv2);
    assert_int_equal(write(go, "x", 1), 1);
    close(go);
    waitpid(child, NULL, 0);
    const ld_rt_event *e = wait_for(s, &v, LD_EVT_PROCEXIT, child, 1500);
    if (in.in_container)
        assert_non_null(e);
    else {
        assert_null(e);
        assert_null(find_event(&v, LD_EVT_EXECVE, child));
        assert_null(find_event(&v, LD_EVT_CLONE, child));
    }
    ld_rt_source_close(s);
}

static void test_source_overflow_counted(void **state)
{
    (void)state;
    ld_rt_source_options o = {.host_events = true};
    ld_rt_source *s = open_or_skip(&o);
    int fd = ld_rt_source_fd(s);
    int tiny = 1; /* the kernel rounds it up to its minimum: a few messages */
    assert_int_equal(setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &tiny, sizeof tiny), 0);
    /* 200 processes start and end while nobody reads */
    for (int i = 0; i < 200; i++) {
        pid_t c = fork();
        assert_true(c >= 0);
        if (c == 0)
            _exit(0);
        waitpid(c, NULL, 0);
    }
    static events v;
    v.n = 0;
    ld_error err = LD_ERROR_INIT;
    for (int i = 0; i < 10; i++)
        assert_true(ld_rt_source_poll(s, 20, keep, &v, &err) >= 0);
    ld_rt_source_stats st;
    ld_rt_source_stats_get(s, &st);
    assert_true(st.dropped >= 1);
    assert_int_equal(st.dropped_by_type[LD_EVT_NONE], st.dropped);
    uint64_t sum = 0;
    for (int t = 0; t < LD_EVT_TYPE_COUNT; t++)
        sum += st.dropped_by_type[t];
    assert_int_equal(sum, st.dropped);
    /* the buffer was enlarged past the tiny one */
    int now = 0;
    socklen_t len = sizeof now;
    assert_int_equal(getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &now, &len), 0);
    assert_true(now > 8192);
    ld_rt_source_close(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_decode_kinds),
        cmocka_unit_test(test_decode_hostile),
        cmocka_unit_test(test_decode_stop),
        cmocka_unit_test(test_source_fork_exec_exit),
        cmocka_unit_test(test_source_setuid),
        cmocka_unit_test(test_source_filters),
        cmocka_unit_test(test_source_overflow_counted),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
