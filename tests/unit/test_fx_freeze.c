/* Unit tests for freezing a container and its watchdog (forensics/freeze.c,
 * watchdog.c, freeze_cgroup.c, engine_pause.c), on this machine's real
 * cgroups and real engine.
 *
 * The cgroup tests make ld-test-<pid> under the v2 hierarchy and under the
 * v1 freezer, move a forked child there that counts in shared memory as
 * fast as it can, and point the freeze at it: frozen, the count stops;
 * thawed, it moves again. The watchdog tests kill a forked stand-in for
 * lockdown with SIGKILL while the child is frozen (the child must be
 * thawed within seconds, long before the deadline), and let the deadline
 * pass in this process. The engine tests run a busybox container
 * (ldfreeze-<pid>-N) and check State.Paused through `docker inspect`.
 * Needs root and the hierarchies (a missing one is named in the skip), the
 * engine and lockdown-test/busybox:1 for the engine part (a failure, not a
 * skip, under CI=true or with LOCKDOWN_TEST_ENGINE=1). Also the parsers on
 * hostile text and the walk beneath a mount refusing links. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "forensics/engine_pause.h"
#include "forensics/freeze.h"
#include "forensics/freeze_cgroup.h"
#include "util/child_run.h"
#include "util/mem.h"

#include "test_skip.h"

#define CGROUP2_MAGIC 0x63677270
#define ENGINE_SOCK "/var/run/docker.sock"
#define BUSYBOX "lockdown-test/busybox:1"

/* ---- small helpers ---------------------------------------------------------- */

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
        ;
}

static bool write_text(const char *path, const char *text)
{
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    ssize_t n = write(fd, text, strlen(text));
    close(fd);
    return n == (ssize_t)strlen(text);
}

static bool create_text(const char *path, const char *text)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        return false;
    ssize_t n = write(fd, text, strlen(text));
    close(fd);
    return n == (ssize_t)strlen(text);
}

/* The first bytes of a small file, "" when unreadable. */
static void read_text(const char *path, char *buf, size_t cap)
{
    buf[0] = '\0';
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return;
    ssize_t n = read(fd, buf, cap - 1);
    close(fd);
    buf[n > 0 ? n : 0] = '\0';
}

static bool is_cgroup2(const char *path)
{
    struct statfs sf;
    return statfs(path, &sf) == 0 && (long)sf.f_type == CGROUP2_MAGIC;
}

/* ---- the counting child in test cgroups --------------------------------- */

static volatile uint64_t *counter;
static pid_t busy = -1;
static pid_t standin = -1; /* a stand-in for lockdown (the watchdog tests) */

/* A test that failed before it killed its stand-in must not leave it behind. */
static void kill_standin(void)
{
    if (standin > 0) {
        kill(standin, SIGKILL);
        waitpid(standin, NULL, 0);
        standin = -1;
        /* its watchdog, if it has exited already, is ours now (subreaper) */
        while (waitpid(-1, NULL, WNOHANG) > 0)
            ;
    }
}
static char *v2_cg, *v1_cg; /* the test cgroups made, NULL: not made */

static const char *v2_root(void)
{
    if (is_cgroup2("/sys/fs/cgroup/unified"))
        return "/sys/fs/cgroup/unified";
    if (is_cgroup2("/sys/fs/cgroup"))
        return "/sys/fs/cgroup";
    return NULL;
}

static const char *v1_root(void)
{
    return access("/sys/fs/cgroup/freezer/cgroup.procs", F_OK) == 0 ? "/sys/fs/cgroup/freezer"
                                                                    : NULL;
}

static uint64_t count_now(void)
{
    return __atomic_load_n(counter, __ATOMIC_RELAXED);
}

/* True when the count does not move for ms milliseconds. */
static bool count_still(int ms)
{
    uint64_t a = count_now();
    sleep_ms(ms);
    return count_now() == a;
}

/* True when the count moves within s seconds. */
static bool count_moves(double s)
{
    uint64_t a = count_now();
    double stop = now_s() + s;
    while (now_s() < stop) {
        sleep_ms(5);
        if (count_now() != a)
            return true;
    }
    return false;
}

static void move_to(const char *cg, pid_t pid)
{
    char path[4200], text[32];
    snprintf(path, sizeof path, "%s/cgroup.procs", cg);
    snprintf(text, sizeof text, "%d", (int)pid);
    if (!write_text(path, text))
        fail_msg("move pid %d into %s: %s", (int)pid, cg, strerror(errno));
}

/* Makes the test cgroups (those asked for; a missing hierarchy is a skip)
 * and starts the counting child in them. v2_in_root: leave the child in
 * the v2 root cgroup instead (which cannot be frozen). */
static void start_busy(bool want_v2, bool want_v1, bool v2_in_root)
{
    if (geteuid() != 0)
        LD_SKIP_OPTIONAL("needs root: makes cgroups and freezes a process");
    const char *r2 = v2_root(), *r1 = v1_root();
    if (want_v2 && !r2)
        LD_SKIP_OPTIONAL("no cgroup2 hierarchy on this host (kernel or mount)");
    if (want_v1 && !r1)
        LD_SKIP_OPTIONAL("no cgroup v1 freezer hierarchy on this host (a pure cgroup v2 host)");
    if (want_v2 && !v2_in_root) {
        v2_cg = ld_xasprintf("%s/ld-test-%d", r2, (int)getpid());
        if (mkdir(v2_cg, 0755) < 0 && errno != EEXIST)
            fail_msg("mkdir %s: %s", v2_cg, strerror(errno));
        char p[4200];
        snprintf(p, sizeof p, "%s/cgroup.freeze", v2_cg);
        if (access(p, F_OK) != 0)
            LD_SKIP_OPTIONAL("%s: no cgroup.freeze (the cgroup v2 freezer needs Linux 5.2)", v2_cg);
    }
    if (want_v1) {
        v1_cg = ld_xasprintf("%s/ld-test-%d", r1, (int)getpid());
        if (mkdir(v1_cg, 0755) < 0 && errno != EEXIST)
            fail_msg("mkdir %s: %s", v1_cg, strerror(errno));
    }
    *counter = 0;
    busy = fork();
    assert_true(busy >= 0);
    if (busy == 0) {
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        for (;;)
            __atomic_add_fetch(counter, 1, __ATOMIC_RELAXED);
    }
    if (v2_cg)
        move_to(v2_cg, busy);
    else if (want_v2 && v2_in_root)
        move_to(r2, busy);
    if (v1_cg)
        move_to(v1_cg, busy);
    assert_true(count_moves(5));
}

static void thaw_test_cgroups(void)
{
    char p[4200];
    if (v2_cg) {
        snprintf(p, sizeof p, "%s/cgroup.freeze", v2_cg);
        write_text(p, "0");
    }
    if (v1_cg) {
        snprintf(p, sizeof p, "%s/freezer.state", v1_cg);
        write_text(p, "THAWED");
    }
}

static void rmdir_retry(const char *dir)
{
    for (int i = 0; i < 200; i++) {
        if (rmdir(dir) == 0 || errno == ENOENT)
            return;
        sleep_ms(10); /* the killed child leaves the cgroup a moment later */
    }
}

static int stop_busy(void **state)
{
    (void)state;
    kill_standin();
    thaw_test_cgroups();
    if (busy > 0) {
        kill(busy, SIGKILL);
        waitpid(busy, NULL, 0);
        busy = -1;
    }
    if (v2_cg)
        rmdir_retry(v2_cg);
    if (v1_cg)
        rmdir_retry(v1_cg);
    free(v2_cg);
    free(v1_cg);
    v2_cg = v1_cg = NULL;
    return 0;
}

static int v2_frozen_now(void)
{
    char p[4200], buf[256];
    snprintf(p, sizeof p, "%s/cgroup.events", v2_cg);
    read_text(p, buf, sizeof buf);
    return ld_fx_parse_cgroup_events_frozen(buf, strlen(buf));
}

static ld_fx_v1_state v1_state_now(void)
{
    char p[4200], buf[64];
    snprintf(p, sizeof p, "%s/freezer.state", v1_cg);
    read_text(p, buf, sizeof buf);
    return ld_fx_parse_freezer_state(buf, strlen(buf));
}

static ld_fx_freeze_options busy_options(ld_fx_freeze_method only)
{
    ld_fx_freeze_options o;
    memset(&o, 0, sizeof o);
    o.init_pid = busy;
    o.only = only;
    o.deadline_s = 30;
    o.settle_timeout_s = 5;
    return o;
}

static int64_t realtime_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* Freeze with o, check the count stops while frozen and moves after, and
 * the record: method, lockdown thawed, interval and stamps plausible. */
static void freeze_and_check(const ld_fx_freeze_options *o, ld_fx_freeze_method expect)
{
    ld_error err = LD_ERROR_INIT;
    ld_fx_freeze *f = NULL;
    int64_t before = realtime_ns();
    double t0 = now_s();
    assert_int_equal(ld_fx_freeze_begin(o, &f, &err), 0);
    assert_non_null(f);
    assert_int_equal(ld_fx_freeze_method_of(f), expect);
    assert_true(ld_fx_freeze_active(f));
    assert_true(count_still(150));
    if (expect == LD_FX_FREEZE_CGROUP_V2 && v2_cg)
        assert_int_equal(v2_frozen_now(), 1);
    if (expect == LD_FX_FREEZE_CGROUP_V1 && v1_cg)
        assert_int_equal(v1_state_now(), LD_FX_V1_FROZEN);
    ld_fx_freeze_record rec;
    assert_int_equal(ld_fx_freeze_end(f, &rec, &err), 0);
    double took = now_s() - t0;
    int64_t after = realtime_ns();
    assert_true(count_moves(3));
    assert_int_equal(rec.method, expect);
    assert_string_equal(rec.thawed_by, "lockdown");
    /* at least the 150 ms the count stood still, at most the whole call */
    assert_true(rec.interval_ns >= 140 * 1000000LL);
    assert_true((double)rec.interval_ns / 1e9 <= took);
    assert_true(rec.frozen_ns >= before && rec.frozen_ns <= after);
    assert_true(rec.thawed_ns >= rec.frozen_ns && rec.thawed_ns <= after);
    if (expect == LD_FX_FREEZE_CGROUP_V2 && v2_cg)
        assert_int_equal(v2_frozen_now(), 0);
    if (expect == LD_FX_FREEZE_CGROUP_V1 && v1_cg)
        assert_int_equal(v1_state_now(), LD_FX_V1_THAWED);
}

/* ---- parsers ------------------------------------------------------------------ */

static void test_parse_proc_cgroup(void **state)
{
    (void)state;
    char v2[256], v1[256];
    const char *hybrid = "9:name=systemd:/docker/abc\n8:pids:/docker/abc\n"
                         "6:freezer:/docker/abc\n0::/docker/abc\n";
    assert_int_equal(ld_fx_parse_proc_cgroup(hybrid, strlen(hybrid), v2, sizeof v2, v1, sizeof v1),
                     LD_FX_CG_HAVE_V2 | LD_FX_CG_HAVE_FREEZER);
    assert_string_equal(v2, "/docker/abc");
    assert_string_equal(v1, "/docker/abc");
    /* freezer among other controllers, no newline at the end */
    const char *joined = "3:cpu,freezer,cpuacct:/a/b\n0::/x";
    assert_int_equal(ld_fx_parse_proc_cgroup(joined, strlen(joined), v2, sizeof v2, v1, sizeof v1),
                     3);
    assert_string_equal(v1, "/a/b");
    assert_string_equal(v2, "/x");
    /* "freezerx" is not freezer; name=freezer is not the controller either */
    const char *lookalike = "3:freezerx:/a\n4:name=freezer:/b\n";
    assert_int_equal(
        ld_fx_parse_proc_cgroup(lookalike, strlen(lookalike), v2, sizeof v2, v1, sizeof v1), 0);
    assert_string_equal(v1, "");
    /* hostile paths: "..", ".", empty components, relative, NUL, too long */
    const char *dots = "0::/docker/../../etc\n6:freezer:/a/./b\n";
    assert_int_equal(ld_fx_parse_proc_cgroup(dots, strlen(dots), v2, sizeof v2, v1, sizeof v1), 0);
    const char *empties = "0::/a//b\n6:freezer:relative\n";
    assert_int_equal(
        ld_fx_parse_proc_cgroup(empties, strlen(empties), v2, sizeof v2, v1, sizeof v1), 0);
    const char with_nul[] = "0::/a\0b\n";
    assert_int_equal(
        ld_fx_parse_proc_cgroup(with_nul, sizeof with_nul - 1, v2, sizeof v2, v1, sizeof v1), 0);
    char big[600];
    memset(big, 'a', sizeof big);
    memcpy(big, "0::/", 4);
    assert_int_equal(ld_fx_parse_proc_cgroup(big, sizeof big, v2, sizeof v2, v1, sizeof v1), 0);
    /* a bad first line does not hide a good later one; the first good one wins */
    const char *later = "0::/a/../b\n0::/good\n0::/second\n";
    assert_int_equal(ld_fx_parse_proc_cgroup(later, strlen(later), v2, sizeof v2, v1, sizeof v1),
                     LD_FX_CG_HAVE_V2);
    assert_string_equal(v2, "/good");
    /* a hierarchy id that is not a number; "0:freezer:" is no v1 line */
    const char *odd = "x:freezer:/a\n0:freezer:/b\n:freezer:/c\n";
    assert_int_equal(ld_fx_parse_proc_cgroup(odd, strlen(odd), v2, sizeof v2, v1, sizeof v1), 0);
    /* the root is kept (the caller refuses to freeze it) */
    assert_int_equal(ld_fx_parse_proc_cgroup("0::/\n", 5, v2, sizeof v2, v1, sizeof v1), 1);
    assert_string_equal(v2, "/");
    /* a path that just fits the buffer, and one byte more */
    char fit[16] = "0::/abcdefghij";
    assert_int_equal(ld_fx_parse_proc_cgroup(fit, strlen(fit), v2, 12, v1, sizeof v1), 1);
    assert_int_equal(ld_fx_parse_proc_cgroup(fit, strlen(fit), v2, 11, v1, sizeof v1), 0);
    assert_int_equal(ld_fx_parse_proc_cgroup("", 0, v2, sizeof v2, v1, sizeof v1), 0);
}

static void test_parse_states(void **state)
{
    (void)state;
    const char *ev = "populated 1\nfrozen 1\n";
    assert_int_equal(ld_fx_parse_cgroup_events_frozen(ev, strlen(ev)), 1);
    ev = "populated 1\nfrozen 0\n";
    assert_int_equal(ld_fx_parse_cgroup_events_frozen(ev, strlen(ev)), 0);
    ev = "frozen 0";
    assert_int_equal(ld_fx_parse_cgroup_events_frozen(ev, strlen(ev)), 0);
    ev = "populated 1\nfrozen 10\n";
    assert_int_equal(ld_fx_parse_cgroup_events_frozen(ev, strlen(ev)), -1);
    ev = "populated 1\nnotfrozen 1\nfrozen\n";
    assert_int_equal(ld_fx_parse_cgroup_events_frozen(ev, strlen(ev)), -1);
    /* cut in the middle of the value */
    assert_int_equal(ld_fx_parse_cgroup_events_frozen("frozen 1", 7), -1);
    assert_int_equal(ld_fx_parse_freezer_state("FROZEN\n", 7), LD_FX_V1_FROZEN);
    assert_int_equal(ld_fx_parse_freezer_state("FREEZING\n", 9), LD_FX_V1_FREEZING);
    assert_int_equal(ld_fx_parse_freezer_state("THAWED", 6), LD_FX_V1_THAWED);
    assert_int_equal(ld_fx_parse_freezer_state("FROZENX\n", 8), LD_FX_V1_UNKNOWN);
    assert_int_equal(ld_fx_parse_freezer_state("FROZ", 4), LD_FX_V1_UNKNOWN);
    assert_int_equal(ld_fx_parse_freezer_state("", 0), LD_FX_V1_UNKNOWN);
    assert_int_equal(ld_fx_parse_freezer_state("\n", 1), LD_FX_V1_UNKNOWN);
}

static void test_http_status(void **state)
{
    (void)state;
    const char *ok = "HTTP/1.1 204 No Content\r\n\r\n";
    assert_int_equal(ld_fx_http_status_parse(ok, strlen(ok)), 204);
    assert_int_equal(ld_fx_http_status_parse("HTTP/1.0 409 Conflict\r\n", 23), 409);
    assert_int_equal(ld_fx_http_status_parse("HTTP/1.1 500\r\n", 14), 500);
    /* not (yet) a status line */
    assert_int_equal(ld_fx_http_status_parse("HTTP/1.1 20", 11), -1);
    assert_int_equal(ld_fx_http_status_parse("HTTP/1.1 204", 12), -1);
    assert_int_equal(ld_fx_http_status_parse("HTTP/2 204 \r\n", 13), -1);
    assert_int_equal(ld_fx_http_status_parse("HTTP/1.1 2x4 \r\n", 15), -1);
    assert_int_equal(ld_fx_http_status_parse("HTTP/1.1 2040 \r\n", 16), -1);
    assert_int_equal(ld_fx_http_status_parse("HTTP/1.1 099 \r\n", 15), -1);
    assert_int_equal(ld_fx_http_status_parse("HTTP/1.1 600 \r\n", 15), -1);
    assert_int_equal(ld_fx_http_status_parse(" HTTP/1.1 204 \r\n", 16), -1);
    assert_int_equal(ld_fx_http_status_parse("", 0), -1);
    const char *already = "HTTP/1.1 409 Conflict\r\n\r\n{\"message\":\"Container 0123 is "
                          "already paused\"}";
    assert_true(ld_fx_engine_answer_already(already, strlen(already), true));
    assert_false(ld_fx_engine_answer_already(already, strlen(already), false));
    const char *notp =
        "HTTP/1.1 500 Internal\r\n\r\n{\"message\":\"Container 0123 is not paused\"}";
    assert_true(ld_fx_engine_answer_already(notp, strlen(notp), false));
    assert_false(ld_fx_engine_answer_already(notp, strlen(notp), true));
    /* cut just before the end of the phrase */
    assert_false(ld_fx_engine_answer_already(notp, strlen(notp) - 3, false));
    assert_false(ld_fx_engine_answer_already("", 0, true));
}

static void test_engine_prepare(void **state)
{
    (void)state;
    ld_fx_engine_pause e;
    ld_error err = LD_ERROR_INIT;
    assert_int_equal(ld_fx_engine_pause_prepare(&e, "/run/docker.sock", "1.41", "abc123", &err), 0);
    assert_non_null(strstr(e.pause_req, "POST /v1.41/containers/abc123/pause HTTP/1.1\r\n"));
    assert_non_null(strstr(e.unpause_req, "POST /v1.41/containers/abc123/unpause HTTP/1.1\r\n"));
    assert_int_equal(e.pause_len, strlen(e.pause_req));
    /* ids and versions that would change the request */
    assert_int_equal(ld_fx_engine_pause_prepare(&e, "/run/d.sock", "1.41", "../images/x", &err),
                     LD_ERR_INVALID);
    assert_int_equal(
        ld_fx_engine_pause_prepare(&e, "/run/d.sock", "1.41", "a HTTP/1.1\r\nX: y", &err),
        LD_ERR_INVALID);
    assert_int_equal(ld_fx_engine_pause_prepare(&e, "/run/d.sock", "1.41", "", &err),
                     LD_ERR_INVALID);
    assert_int_equal(ld_fx_engine_pause_prepare(&e, "/run/d.sock", "1.41/../", "abc", &err),
                     LD_ERR_INVALID);
    assert_int_equal(ld_fx_engine_pause_prepare(&e, "/run/d.sock", NULL, "abc", &err),
                     LD_ERR_INVALID);
    char longid[200];
    memset(longid, 'a', sizeof longid - 1);
    longid[sizeof longid - 1] = '\0';
    assert_int_equal(ld_fx_engine_pause_prepare(&e, "/run/d.sock", "1.41", longid, &err),
                     LD_ERR_INVALID);
    /* socket paths: relative, too long for sun_path */
    assert_int_equal(ld_fx_engine_pause_prepare(&e, "docker.sock", "1.41", "abc", &err),
                     LD_ERR_INVALID);
    char longpath[200];
    memset(longpath, 'a', sizeof longpath - 1);
    longpath[0] = '/';
    longpath[sizeof longpath - 1] = '\0';
    assert_int_equal(ld_fx_engine_pause_prepare(&e, longpath, "1.41", "abc", &err), LD_ERR_INVALID);
}

/* A server that answers one connection with canned bytes, for the client's
 * handling of slow, cut and odd answers. */
static void test_engine_post_odd_answers(void **state)
{
    (void)state;
    char dir[] = "/tmp/ld-fx-sock-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[128];
    snprintf(path, sizeof path, "%s/s", dir);
    static const char *const answers[] = {
        "HTTP/1.1 204 No Content\r\n\r\n",
        "garbage\r\n\r\n",
        "",           /* closes without a word */
        "HTTP/1.1 2", /* cut */
        NULL,         /* never answers: the timeout */
    };
    static const int expect[] = {204, -1, -1, -1, -1};
    for (size_t i = 0; i < sizeof expect / sizeof *expect; i++) {
        int ls = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        struct sockaddr_un a = {.sun_family = AF_UNIX};
        assert_true(strlen(path) < sizeof a.sun_path);
        memcpy(a.sun_path, path, strlen(path) + 1);
        unlink(path);
        assert_int_equal(bind(ls, (struct sockaddr *)&a, sizeof a), 0);
        assert_int_equal(listen(ls, 1), 0);
        pid_t srv = fork();
        assert_true(srv >= 0);
        if (srv == 0) {
            int c = accept(ls, NULL, NULL);
            char req[1024];
            ssize_t n = read(c, req, sizeof req);
            (void)n;
            if (answers[i]) {
                ssize_t w = write(c, answers[i], strlen(answers[i]));
                (void)w;
                close(c);
            } else {
                sleep_ms(3000);
            }
            _exit(0);
        }
        close(ls);
        ld_fx_engine_pause e;
        ld_error err = LD_ERROR_INIT;
        assert_int_equal(ld_fx_engine_pause_prepare(&e, path, "1.41", "abc", &err), 0);
        ld_fx_engine_answer ans;
        double t0 = now_s();
        int st = ld_fx_engine_post(&e, true, 400, &ans);
        assert_int_equal(st, expect[i]);
        assert_true(now_s() - t0 < 2.0); /* bounded by the timeout */
        if (st < 0)
            assert_non_null(ans.step);
        kill(srv, SIGKILL);
        waitpid(srv, NULL, 0);
    }
    /* nobody listening */
    unlink(path);
    ld_fx_engine_pause e;
    ld_error err = LD_ERROR_INIT;
    assert_int_equal(ld_fx_engine_pause_prepare(&e, path, "1.41", "abc", &err), 0);
    ld_fx_engine_answer ans;
    assert_int_equal(ld_fx_engine_post(&e, false, 400, &ans), -1);
    assert_string_equal(ans.step, "connect");
    assert_int_equal(ans.sys_errno, ENOENT);
    rmdir(dir);
}

static void test_open_beneath(void **state)
{
    (void)state;
    char dir[] = "/tmp/ld-fx-beneath-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char p[256];
    snprintf(p, sizeof p, "%s/a", dir);
    assert_int_equal(mkdir(p, 0755), 0);
    snprintf(p, sizeof p, "%s/a/b", dir);
    assert_int_equal(mkdir(p, 0755), 0);
    snprintf(p, sizeof p, "%s/link", dir);
    assert_int_equal(symlink("a", p), 0);
    snprintf(p, sizeof p, "%s/a/f", dir);
    assert_true(create_text(p, "x"));
    int root = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
    assert_true(root >= 0);
    int fd = ld_fx_cgroup_open_beneath(root, "/a/b");
    assert_true(fd >= 0);
    close(fd);
    fd = ld_fx_cgroup_open_beneath(root, "/");
    assert_true(fd >= 0);
    close(fd);
    int rc = ld_fx_cgroup_open_beneath(root, "/link/b"); /* a link on the way */
    assert_true(rc == -ELOOP || rc == -ENOTDIR);
    assert_int_equal(ld_fx_cgroup_open_beneath(root, "/link"), rc);
    assert_int_equal(ld_fx_cgroup_open_beneath(root, "/a/../a"), -EINVAL);
    assert_int_equal(ld_fx_cgroup_open_beneath(root, "a/b"), -EINVAL);
    assert_int_equal(ld_fx_cgroup_open_beneath(root, "/a/f"), -ENOTDIR);
    assert_int_equal(ld_fx_cgroup_open_beneath(root, "/a/nothere"), -ENOENT);
    close(root);
    snprintf(p, sizeof p, "%s/a/f", dir);
    unlink(p);
    snprintf(p, sizeof p, "%s/link", dir);
    unlink(p);
    snprintf(p, sizeof p, "%s/a/b", dir);
    rmdir(p);
    snprintf(p, sizeof p, "%s/a", dir);
    rmdir(p);
    rmdir(dir);
}

/* ---- freezing real cgroups -------------------------------------------------- */

static void test_v2_freeze_thaw(void **state)
{
    (void)state;
    start_busy(true, false, false);
    ld_fx_freeze_options o = busy_options(LD_FX_FREEZE_CGROUP_V2);
    freeze_and_check(&o, LD_FX_FREEZE_CGROUP_V2);
}

static void test_v1_freeze_thaw(void **state)
{
    (void)state;
    start_busy(false, true, false);
    ld_fx_freeze_options o = busy_options(LD_FX_FREEZE_CGROUP_V1);
    freeze_and_check(&o, LD_FX_FREEZE_CGROUP_V1);
}

/* In both hierarchies (as Docker puts a container on a hybrid host), the
 * first method that works is cgroup v2. */
static void test_order_prefers_v2(void **state)
{
    (void)state;
    start_busy(true, true, false);
    ld_fx_freeze_options o = busy_options(LD_FX_FREEZE_NONE);
    freeze_and_check(&o, LD_FX_FREEZE_CGROUP_V2);
    assert_int_equal(v1_state_now(), LD_FX_V1_THAWED); /* v1 was never touched */
}

/* In the v2 root cgroup (no cgroup.freeze there): the v1 freezer, also
 * for "cgroup" (only = CGROUP_V2: v2, else v1); in the root of both,
 * nothing, and the record says why. */
static void test_v2_root_falls_back_to_v1(void **state)
{
    (void)state;
    start_busy(true, true, true);
    ld_fx_freeze_options o = busy_options(LD_FX_FREEZE_NONE);
    freeze_and_check(&o, LD_FX_FREEZE_CGROUP_V1);
    o.only = LD_FX_FREEZE_CGROUP_V2;
    freeze_and_check(&o, LD_FX_FREEZE_CGROUP_V1);
    move_to(v1_root(), busy);
    o.only = LD_FX_FREEZE_NONE;
    ld_error err = LD_ERROR_INIT;
    ld_fx_freeze *f = NULL;
    assert_int_equal(ld_fx_freeze_begin(&o, &f, &err), 0);
    assert_int_equal(ld_fx_freeze_method_of(f), LD_FX_FREEZE_NONE);
    assert_false(ld_fx_freeze_active(f));
    assert_true(count_moves(2));
    ld_fx_freeze_record rec;
    assert_int_equal(ld_fx_freeze_end(f, &rec, &err), 0);
    assert_int_equal(rec.method, LD_FX_FREEZE_NONE);
    assert_string_equal(rec.thawed_by, "none");
    assert_non_null(strstr(rec.note, "cgroup v2: the process is in the root cgroup"));
    assert_non_null(strstr(rec.note, "freezer: the process is in the root cgroup"));
    assert_non_null(strstr(rec.note, "engine: no unix socket"));
    assert_int_equal(rec.interval_ns, 0);
}

/* A fake cgroup tree (cgroup_root elsewhere): its v2 side is plain files or
 * a link; its freezer is the real one. */
static char fake_buf[64];
static char *fake;

static char *fake_path(const char *rel)
{
    return ld_xasprintf("%s/%s", fake, rel);
}

static void make_fake_root(void)
{
    snprintf(fake_buf, sizeof fake_buf, "/tmp/ld-fx-cgroot-XXXXXX");
    fake = mkdtemp(fake_buf);
    assert_non_null(fake);
    char *p = fake_path("unified");
    assert_int_equal(mkdir(p, 0755), 0);
    free(p);
    p = fake_path("unified/cgroup.controllers");
    assert_true(create_text(p, ""));
    free(p);
    p = fake_path("freezer");
    assert_int_equal(symlink(v1_root(), p), 0);
    free(p);
}

static char *fake_cg(const char *file);

static void remove_path(char *p)
{
    if (unlink(p) < 0)
        rmdir(p);
    free(p);
}

static int remove_fake_root(void **state)
{
    stop_busy(state);
    if (!fake)
        return 0;
    remove_path(fake_cg("cgroup.freeze"));
    remove_path(fake_cg("cgroup.events"));
    remove_path(fake_cg(NULL)); /* a directory or a link */
    remove_path(fake_path("unified/cgroup.controllers"));
    remove_path(fake_path("unified"));
    remove_path(fake_path("freezer"));
    rmdir(fake);
    fake = NULL;
    return 0;
}

static char *fake_cg(const char *file)
{
    return ld_xasprintf("%s/unified/ld-test-%d%s%s", fake, (int)getpid(), file ? "/" : "",
                        file ? file : "");
}

/* The container's v2 cgroup has no cgroup.freeze: fall back to the freezer. */
static void test_no_freeze_file_falls_back(void **state)
{
    (void)state;
    start_busy(true, true, false);
    make_fake_root();
    char *d = fake_cg(NULL);
    assert_int_equal(mkdir(d, 0755), 0);
    free(d);
    ld_fx_freeze_options o = busy_options(LD_FX_FREEZE_NONE);
    o.cgroup_root = fake;
    freeze_and_check(&o, LD_FX_FREEZE_CGROUP_V1);
}

/* A v2 freeze that never reports frozen is undone after the settle time,
 * noted, and the next method used. */
static void test_unsettled_freeze_undone(void **state)
{
    (void)state;
    start_busy(true, true, false);
    make_fake_root();
    char *d = fake_cg(NULL);
    assert_int_equal(mkdir(d, 0755), 0);
    free(d);
    char *fz = fake_cg("cgroup.freeze"), *ev = fake_cg("cgroup.events");
    assert_true(create_text(fz, "0\n"));
    assert_true(create_text(ev, "populated 1\nfrozen 0\n"));
    ld_fx_freeze_options o = busy_options(LD_FX_FREEZE_NONE);
    o.cgroup_root = fake;
    o.settle_timeout_s = 0.3;
    ld_error err = LD_ERROR_INIT;
    ld_fx_freeze *f = NULL;
    double t0 = now_s();
    assert_int_equal(ld_fx_freeze_begin(&o, &f, &err), 0);
    assert_true(now_s() - t0 >= 0.3);
    assert_int_equal(ld_fx_freeze_method_of(f), LD_FX_FREEZE_CGROUP_V1);
    char buf[16];
    read_text(fz, buf, sizeof buf);
    assert_int_equal(buf[0], '0'); /* the freeze was undone */
    assert_true(count_still(100));
    ld_fx_freeze_record rec;
    assert_int_equal(ld_fx_freeze_end(f, &rec, &err), 0);
    assert_int_equal(rec.method, LD_FX_FREEZE_CGROUP_V1);
    assert_non_null(strstr(rec.note, "did not report frozen"));
    assert_true(count_moves(3));
    free(fz);
    free(ev);
}

/* The container's v2 cgroup, as the tree names it, is a link to a real
 * cgroup: the walk refuses it and nothing is frozen through it. */
static void test_linked_cgroup_refused(void **state)
{
    (void)state;
    start_busy(true, true, false);
    move_to(v1_root(), busy); /* no v1 cgroup to fall back to */
    make_fake_root();
    char *d = fake_cg(NULL);
    assert_int_equal(symlink(v2_cg, d), 0);
    free(d);
    ld_fx_freeze_options o = busy_options(LD_FX_FREEZE_CGROUP_V2);
    o.cgroup_root = fake;
    ld_error err = LD_ERROR_INIT;
    ld_fx_freeze *f = NULL;
    assert_int_equal(ld_fx_freeze_begin(&o, &f, &err), 0);
    assert_int_equal(ld_fx_freeze_method_of(f), LD_FX_FREEZE_NONE);
    assert_int_equal(v2_frozen_now(), 0);
    assert_true(count_moves(2));
    ld_fx_freeze_record rec;
    assert_int_equal(ld_fx_freeze_end(f, &rec, &err), 0);
    /* "cgroup v2: FAKE/unified/ld-test-PID: Not a directory" (or a loop) */
    assert_non_null(strstr(rec.note, "cgroup v2: "));
    assert_non_null(strstr(rec.note, fake));
    assert_true(strstr(rec.note, strerror(ENOTDIR)) || strstr(rec.note, strerror(ELOOP)));
}

/* Frozen before lockdown: left frozen, never thawed, and recorded so. */
static void pre_frozen_case(bool v2)
{
    start_busy(v2, !v2, false);
    char p[4200];
    snprintf(p, sizeof p, v2 ? "%s/cgroup.freeze" : "%s/freezer.state", v2 ? v2_cg : v1_cg);
    assert_true(write_text(p, v2 ? "1" : "FROZEN"));
    for (int i = 0; i < 500 && (v2 ? v2_frozen_now() != 1 : v1_state_now() != LD_FX_V1_FROZEN); i++)
        sleep_ms(2);
    assert_true(count_still(100));
    ld_fx_freeze_options o = busy_options(LD_FX_FREEZE_NONE);
    ld_error err = LD_ERROR_INIT;
    ld_fx_freeze *f = NULL;
    assert_int_equal(ld_fx_freeze_begin(&o, &f, &err), 0);
    ld_fx_freeze_method m = v2 ? LD_FX_FREEZE_CGROUP_V2 : LD_FX_FREEZE_CGROUP_V1;
    assert_int_equal(ld_fx_freeze_method_of(f), m);
    assert_true(ld_fx_freeze_active(f)); /* the view is a frozen one */
    ld_fx_freeze_record rec;
    assert_int_equal(ld_fx_freeze_end(f, &rec, &err), 0);
    assert_int_equal(rec.method, m);
    assert_string_equal(rec.thawed_by, "none");
    assert_int_equal(rec.frozen_ns, 0);
    assert_int_equal(rec.interval_ns, 0);
    assert_non_null(strstr(rec.note, "already"));
    /* still frozen after lockdown is done */
    sleep_ms(100);
    if (v2)
        assert_int_equal(v2_frozen_now(), 1);
    else
        assert_int_equal(v1_state_now(), LD_FX_V1_FROZEN);
    assert_true(count_still(100));
}

static void test_pre_frozen_v1_left_frozen(void **state)
{
    (void)state;
    pre_frozen_case(false);
}

static void test_pre_frozen_v2_left_frozen(void **state)
{
    (void)state;
    pre_frozen_case(true);
}

static void test_nothing_to_freeze(void **state)
{
    (void)state;
    ld_fx_freeze_options o;
    memset(&o, 0, sizeof o);
    o.init_pid = 0;
    ld_error err = LD_ERROR_INIT;
    ld_fx_freeze *f = NULL;
    assert_int_equal(ld_fx_freeze_begin(&o, &f, &err), 0);
    assert_non_null(f);
    assert_int_equal(ld_fx_freeze_method_of(f), LD_FX_FREEZE_NONE);
    assert_false(ld_fx_freeze_active(f));
    ld_fx_freeze_record rec;
    assert_int_equal(ld_fx_freeze_end(f, &rec, &err), 0);
    assert_int_equal(rec.method, LD_FX_FREEZE_NONE);
    assert_string_equal(rec.thawed_by, "none");
    assert_non_null(strstr(rec.note, "no init pid"));
    assert_non_null(strstr(rec.note, "engine: no unix socket"));
}

/* ---- the watchdog ------------------------------------------------------------ */

/* A stand-in for lockdown: freezes with o, says 'y' (frozen) or 'n' on the
 * pipe, then waits to be killed. */
static pid_t start_standin(const ld_fx_freeze_options *o, int *ready_fd)
{
    int p[2];
    assert_int_equal(pipe(p), 0); /* not O_CLOEXEC: the watchdog must close it itself */
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        close(p[0]);
        ld_fx_freeze *f = NULL;
        ld_error err = LD_ERROR_INIT;
        char c = 'n';
        if (ld_fx_freeze_begin(o, &f, &err) == 0 && ld_fx_freeze_active(f))
            c = 'y';
        ssize_t n = write(p[1], &c, 1);
        (void)n;
        for (;;)
            pause();
    }
    close(p[1]);
    *ready_fd = p[0];
    standin = pid;
    return pid;
}

/* The stand-in's one child: the watchdog. */
static pid_t child_of(pid_t parent)
{
    char p[64], buf[64];
    snprintf(p, sizeof p, "/proc/%d/task/%d/children", (int)parent, (int)parent);
    read_text(p, buf, sizeof buf);
    char *end;
    long v = strtol(buf, &end, 10);
    return end != buf && v > 0 ? (pid_t)v : -1;
}

/* The watchdog holds its socket and the freeze files, nothing else, in a
 * session of its own. */
static void check_watchdog_fds(pid_t wd)
{
    assert_true(wd > 0);
    assert_int_equal(getsid(wd), wd);
    char dir[64];
    snprintf(dir, sizeof dir, "/proc/%d/fd", (int)wd);
    DIR *d = opendir(dir);
    assert_non_null(d);
    struct dirent *e;
    int n = 0;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        char lp[400], target[512];
        snprintf(lp, sizeof lp, "%s/%s", dir, e->d_name);
        ssize_t len = readlink(lp, target, sizeof target - 1);
        assert_true(len > 0);
        target[len] = '\0';
        bool ok = strncmp(target, "socket:[", 8) == 0 || strstr(target, "/cgroup.freeze") ||
                  strstr(target, "/freezer.state");
        if (!ok)
            fail_msg("the watchdog holds fd %s -> %s", e->d_name, target);
        n++;
    }
    closedir(d);
    assert_true(n >= 1 && n <= 3);
}

/* The watchdog, orphaned when its lockdown was killed, comes to this
 * process (a child subreaper, group_setup): it must exit soon, and is
 * reaped here. */
static void wait_gone(pid_t pid, double s)
{
    double stop = now_s() + s;
    while (now_s() < stop) {
        pid_t r = waitpid(pid, NULL, WNOHANG);
        if (r == pid || (r < 0 && errno == ECHILD && kill(pid, 0) < 0))
            return;
        sleep_ms(10);
    }
    fail_msg("watchdog %d still running after %.1f s", (int)pid, s);
}

static void sigkill_case(ld_fx_freeze_method m)
{
    start_busy(m == LD_FX_FREEZE_CGROUP_V2, m == LD_FX_FREEZE_CGROUP_V1, false);
    ld_fx_freeze_options o = busy_options(m);
    o.deadline_s = 30; /* far away: only lockdown's death may thaw */
    int ready;
    start_standin(&o, &ready);
    char c = 0;
    assert_int_equal(read(ready, &c, 1), 1);
    assert_int_equal(c, 'y');
    assert_true(count_still(150));
    pid_t wd = child_of(standin);
    check_watchdog_fds(wd);
    double t0 = now_s();
    kill_standin();
    assert_true(count_moves(5));
    double took = now_s() - t0;
    assert_true(took < 5.0);
    if (m == LD_FX_FREEZE_CGROUP_V2)
        assert_int_equal(v2_frozen_now(), 0);
    else
        assert_int_equal(v1_state_now(), LD_FX_V1_THAWED);
    wait_gone(wd, 5);
    /* nobody holds the stand-in's pipe any more: the watchdog had closed it */
    assert_int_equal(read(ready, &c, 1), 0);
    close(ready);
}

static void test_watchdog_sigkill_v2(void **state)
{
    (void)state;
    sigkill_case(LD_FX_FREEZE_CGROUP_V2);
}

static void test_watchdog_sigkill_v1(void **state)
{
    (void)state;
    sigkill_case(LD_FX_FREEZE_CGROUP_V1);
}

/* SIGTERM to the watchdog (a shutdown, an admin's kill) thaws too. */
static void test_watchdog_sigterm_thaws(void **state)
{
    (void)state;
    start_busy(true, false, false);
    ld_fx_freeze_options o = busy_options(LD_FX_FREEZE_CGROUP_V2);
    int ready;
    start_standin(&o, &ready);
    char c = 0;
    assert_int_equal(read(ready, &c, 1), 1);
    assert_int_equal(c, 'y');
    assert_true(count_still(100));
    pid_t wd = child_of(standin);
    assert_true(wd > 0);
    assert_int_equal(kill(wd, SIGTERM), 0);
    assert_true(count_moves(5));
    assert_int_equal(v2_frozen_now(), 0);
    close(ready);
}

static void test_watchdog_deadline(void **state)
{
    (void)state;
    start_busy(true, true, false);
    ld_fx_freeze_options o = busy_options(LD_FX_FREEZE_NONE);
    o.deadline_s = 0.5;
    ld_error err = LD_ERROR_INIT;
    ld_fx_freeze *f = NULL;
    assert_int_equal(ld_fx_freeze_begin(&o, &f, &err), 0);
    assert_true(ld_fx_freeze_active(f));
    assert_true(count_still(100));
    sleep_ms(1500);
    assert_true(count_moves(1));
    assert_int_equal(v2_frozen_now(), 0);
    assert_false(ld_fx_freeze_active(f));
    ld_fx_freeze_record rec;
    assert_int_equal(ld_fx_freeze_end(f, &rec, &err), 0);
    assert_string_equal(rec.thawed_by, "watchdog");
    assert_true(rec.interval_ns > 300 * 1000000LL && rec.interval_ns < 1400 * 1000000LL);
    assert_true(rec.thawed_ns > rec.frozen_ns);
    assert_non_null(strstr(rec.note, "deadline"));
}

/* ---- the engine --------------------------------------------------------------- */

static char engine_ct[64]; /* the container made, "" none */
static char engine_id[300];
static pid_t engine_pid;

static int docker(char *out, size_t cap, const char *a1, const char *a2, const char *a3,
                  const char *a4, const char *a5, const char *a6, const char *a7)
{
    char *argv[9] = {"docker",   (char *)a1, (char *)a2, (char *)a3, (char *)a4,
                     (char *)a5, (char *)a6, (char *)a7, NULL};
    ld_child_spec spec = {.program = "docker",
                          .argv = argv,
                          .stdout_max = 64 * 1024,
                          .stderr_max = 4096,
                          .timeout_ms = 60000};
    ld_child_result r;
    int rc = ld_child_run(&spec, &r);
    int status = rc == 0 && r.exited && WIFEXITED(r.status) ? WEXITSTATUS(r.status) : -1;
    if (out && cap) {
        out[0] = '\0';
        if (r.out)
            snprintf(out, cap, "%s", r.out);
        size_t n = strlen(out);
        while (n && (out[n - 1] == '\n' || out[n - 1] == '\r'))
            out[--n] = '\0';
    }
    ld_child_result_clear(&r);
    return status;
}

static bool engine_expected(void)
{
    const char *e = getenv("LOCKDOWN_TEST_ENGINE");
    return e && strcmp(e, "1") == 0;
}

static void need_engine_container(void)
{
    if (engine_ct[0])
        return;
    char out[256];
    if (access(ENGINE_SOCK, F_OK) != 0 ||
        docker(out, sizeof out, "version", "--format", "{{.Server.APIVersion}}", NULL, NULL, NULL,
               NULL) != 0) {
        if (engine_expected())
            fail_msg("Docker engine expected (LOCKDOWN_TEST_ENGINE=1) but %s does not answer",
                     ENGINE_SOCK);
        LD_SKIP_IF_MISSING("no Docker engine on %s (tests/harness/engine-up.sh)", ENGINE_SOCK);
    }
    if (docker(NULL, 0, "image", "inspect", BUSYBOX, NULL, NULL, NULL, NULL) != 0) {
        const char *im = getenv("LOCKDOWN_TEST_IMAGES");
        if (im && strcmp(im, "1") == 0)
            fail_msg("test image %s missing although LOCKDOWN_TEST_IMAGES=1", BUSYBOX);
        LD_SKIP_IF_MISSING("test image %s missing (tests/harness/images.sh)", BUSYBOX);
    }
    snprintf(engine_ct, sizeof engine_ct, "ldfreeze-%d", (int)getpid());
    docker(NULL, 0, "rm", "-f", engine_ct, NULL, NULL, NULL, NULL);
    if (docker(out, sizeof out, "run", "-d", "--name", engine_ct, BUSYBOX, "sleep", "600") != 0)
        fail_msg("docker run %s failed", engine_ct);
    assert_int_equal(docker(out, sizeof out, "inspect", "-f", "{{.Id}} {{.State.Pid}}", engine_ct,
                            NULL, NULL, NULL),
                     0);
    char *sp = strchr(out, ' ');
    assert_non_null(sp);
    *sp = '\0';
    snprintf(engine_id, sizeof engine_id, "%s", out);
    engine_pid = (pid_t)strtol(sp + 1, NULL, 10);
    assert_true(engine_pid > 0);
}

static bool engine_paused(void)
{
    char out[64];
    assert_int_equal(
        docker(out, sizeof out, "inspect", "-f", "{{.State.Paused}}", engine_ct, NULL, NULL, NULL),
        0);
    return strcmp(out, "true") == 0;
}

static ld_fx_freeze_options engine_options(void)
{
    ld_fx_freeze_options o;
    memset(&o, 0, sizeof o);
    o.init_pid = engine_pid;
    o.container_id = engine_id;
    o.engine_socket = ENGINE_SOCK;
    o.api_version = "1.41";
    o.only = LD_FX_FREEZE_ENGINE;
    o.deadline_s = 30;
    return o;
}

static int engine_reset(void **state)
{
    (void)state;
    kill_standin();
    if (engine_ct[0])
        docker(NULL, 0, "unpause", engine_ct, NULL, NULL, NULL, NULL, NULL);
    return 0;
}

static void test_engine_pause_unpause(void **state)
{
    (void)state;
    need_engine_container();
    ld_fx_freeze_options o = engine_options();
    ld_error err = LD_ERROR_INIT;
    ld_fx_freeze *f = NULL;
    assert_int_equal(ld_fx_freeze_begin(&o, &f, &err), 0);
    assert_int_equal(ld_fx_freeze_method_of(f), LD_FX_FREEZE_ENGINE);
    assert_true(ld_fx_freeze_active(f));
    assert_true(engine_paused());
    ld_fx_freeze_record rec;
    assert_int_equal(ld_fx_freeze_end(f, &rec, &err), 0);
    assert_false(engine_paused());
    assert_int_equal(rec.method, LD_FX_FREEZE_ENGINE);
    assert_string_equal(rec.thawed_by, "lockdown");
    assert_true(rec.interval_ns > 0 && rec.interval_ns < 60 * 1000000000LL);
}

static void test_engine_sigkill(void **state)
{
    (void)state;
    need_engine_container();
    ld_fx_freeze_options o = engine_options();
    int ready;
    start_standin(&o, &ready);
    char c = 0;
    assert_int_equal(read(ready, &c, 1), 1);
    assert_int_equal(c, 'y');
    assert_true(engine_paused());
    pid_t wd = child_of(standin);
    assert_true(wd > 0);
    assert_int_equal(getsid(wd), wd);
    double t0 = now_s();
    kill_standin();
    bool paused = true;
    while (paused && now_s() - t0 < 10)
        if ((paused = engine_paused()))
            sleep_ms(50);
    assert_false(paused);
    wait_gone(wd, 10);
    close(ready);
}

static void test_engine_pre_paused(void **state)
{
    (void)state;
    need_engine_container();
    assert_int_equal(docker(NULL, 0, "pause", engine_ct, NULL, NULL, NULL, NULL, NULL), 0);
    assert_true(engine_paused());
    /* with the cgroups readable: seen in the freezer (or v2) before any pause */
    ld_fx_freeze_options o = engine_options();
    o.only = LD_FX_FREEZE_NONE;
    ld_error err = LD_ERROR_INIT;
    ld_fx_freeze *f = NULL;
    assert_int_equal(ld_fx_freeze_begin(&o, &f, &err), 0);
    assert_true(ld_fx_freeze_active(f));
    ld_fx_freeze_record rec;
    assert_int_equal(ld_fx_freeze_end(f, &rec, &err), 0);
    assert_string_equal(rec.thawed_by, "none");
    assert_non_null(strstr(rec.note, "already"));
    assert_true(engine_paused());
    /* without them (no init pid): the engine's own "already paused" */
    o = engine_options();
    o.init_pid = 0;
    assert_int_equal(ld_fx_freeze_begin(&o, &f, &err), 0);
    assert_int_equal(ld_fx_freeze_method_of(f), LD_FX_FREEZE_ENGINE);
    assert_int_equal(ld_fx_freeze_end(f, &rec, &err), 0);
    assert_string_equal(rec.thawed_by, "none");
    assert_non_null(strstr(rec.note, "already paused"));
    assert_true(engine_paused());
    assert_int_equal(docker(NULL, 0, "unpause", engine_ct, NULL, NULL, NULL, NULL, NULL), 0);
}

/* An engine socket nobody listens on: nothing frozen, the note says why. */
static void test_engine_unreachable(void **state)
{
    (void)state;
    ld_fx_freeze_options o;
    memset(&o, 0, sizeof o);
    o.container_id = "0123abcd";
    o.engine_socket = "/nonexistent/ld-fx-docker.sock";
    o.api_version = "1.41";
    o.only = LD_FX_FREEZE_ENGINE;
    ld_error err = LD_ERROR_INIT;
    ld_fx_freeze *f = NULL;
    assert_int_equal(ld_fx_freeze_begin(&o, &f, &err), 0);
    assert_int_equal(ld_fx_freeze_method_of(f), LD_FX_FREEZE_NONE);
    ld_fx_freeze_record rec;
    assert_int_equal(ld_fx_freeze_end(f, &rec, &err), 0);
    assert_non_null(strstr(rec.note, "engine: pause: connect"));
}

static int group_teardown(void **state)
{
    (void)state;
    if (engine_ct[0])
        docker(NULL, 0, "rm", "-f", engine_ct, NULL, NULL, NULL, NULL);
    if (counter)
        munmap((void *)counter, sizeof *counter);
    return 0;
}

static int group_setup(void **state)
{
    (void)state;
    void *m =
        mmap(NULL, sizeof *counter, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (m == MAP_FAILED)
        return -1;
    counter = m;
    /* orphaned watchdogs come here to be reaped, not to a pid 1 that may not reap */
    prctl(PR_SET_CHILD_SUBREAPER, 1);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_proc_cgroup),
        cmocka_unit_test(test_parse_states),
        cmocka_unit_test(test_http_status),
        cmocka_unit_test(test_engine_prepare),
        cmocka_unit_test(test_engine_post_odd_answers),
        cmocka_unit_test(test_open_beneath),
        cmocka_unit_test(test_nothing_to_freeze),
        cmocka_unit_test_teardown(test_v2_freeze_thaw, stop_busy),
        cmocka_unit_test_teardown(test_v1_freeze_thaw, stop_busy),
        cmocka_unit_test_teardown(test_order_prefers_v2, stop_busy),
        cmocka_unit_test_teardown(test_v2_root_falls_back_to_v1, stop_busy),
        cmocka_unit_test_teardown(test_no_freeze_file_falls_back, remove_fake_root),
        cmocka_unit_test_teardown(test_unsettled_freeze_undone, remove_fake_root),
        cmocka_unit_test_teardown(test_linked_cgroup_refused, remove_fake_root),
        cmocka_unit_test_teardown(test_pre_frozen_v1_left_frozen, stop_busy),
        cmocka_unit_test_teardown(test_pre_frozen_v2_left_frozen, stop_busy),
        cmocka_unit_test_teardown(test_watchdog_sigkill_v2, stop_busy),
        cmocka_unit_test_teardown(test_watchdog_sigkill_v1, stop_busy),
        cmocka_unit_test_teardown(test_watchdog_sigterm_thaws, stop_busy),
        cmocka_unit_test_teardown(test_watchdog_deadline, stop_busy),
        cmocka_unit_test_teardown(test_engine_pause_unpause, engine_reset),
        cmocka_unit_test_teardown(test_engine_sigkill, engine_reset),
        cmocka_unit_test_teardown(test_engine_pre_paused, engine_reset),
        cmocka_unit_test(test_engine_unreachable),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
