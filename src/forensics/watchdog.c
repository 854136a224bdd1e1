/* The freeze watchdog: the child that thaws the container when lockdown is
 * gone or the deadline passes (see watchdog.h). Everything the child runs
 * after fork is in the "child" section below: system calls and the
 * async-signal-safe helpers of freeze_cgroup.c and engine_pause.c only. */
#include "forensics/watchdog.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "forensics/freeze_cgroup.h"

enum { ARM_V2 = 1, ARM_V1 = 2, ARM_ENGINE = 4 };

static int64_t clock_ns(clockid_t c)
{
    struct timespec ts;
    clock_gettime(c, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* ---- child (async-signal-safe only) ---------------------------------------- */

static volatile sig_atomic_t wd_signalled;

static void wd_on_signal(int sig)
{
    (void)sig;
    wd_signalled = 1;
}

static void close_span(unsigned lo, unsigned hi)
{
    if (lo > hi)
        return;
    if (close_range(lo, hi, 0) == 0)
        return;
    /* a kernel without close_range (< 5.9): one by one up to the fd limit */
    struct rlimit rl;
    unsigned top = 65536;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY &&
        rl.rlim_cur < (rlim_t)top)
        top = (unsigned)rl.rlim_cur;
    for (unsigned fd = lo; fd <= hi && fd < top; fd++)
        close((int)fd);
}

/* Closes every fd but the (up to three) kept ones. */
static void close_all_but(int a, int b, int c)
{
    int keep[3] = {a, b, c};
    /* sort the three */
    for (int i = 0; i < 3; i++)
        for (int j = i + 1; j < 3; j++)
            if (keep[j] < keep[i]) {
                int t = keep[i];
                keep[i] = keep[j];
                keep[j] = t;
            }
    unsigned lo = 0;
    for (int i = 0; i < 3; i++) {
        if (keep[i] < 0 || (unsigned)keep[i] < lo)
            continue;
        if ((unsigned)keep[i] > lo)
            close_span(lo, (unsigned)keep[i] - 1);
        lo = (unsigned)keep[i] + 1;
    }
    close_span(lo, ~0u);
}

static void setup_signals(sigset_t *wait_mask)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sigemptyset(&sa.sa_mask);
    /* handlers lockdown installed must not run here */
    sa.sa_handler = SIG_DFL;
    for (int s = 1; s < NSIG; s++)
        if (s != SIGKILL && s != SIGSTOP)
            sigaction(s, &sa, NULL); /* glibc's reserved signals refuse: fine */
    sa.sa_handler = SIG_IGN;
    sigaction(SIGPIPE, &sa, NULL);
    sa.sa_handler = wd_on_signal;
    static const int thaw_on[] = {SIGTERM, SIGINT, SIGHUP, SIGQUIT};
    sigset_t block;
    sigemptyset(&block);
    for (size_t i = 0; i < sizeof thaw_on / sizeof *thaw_on; i++) {
        sigaction(thaw_on[i], &sa, NULL);
        sigaddset(&block, thaw_on[i]);
    }
    /* blocked except while waiting in ppoll, so none is lost between checks */
    sigprocmask(SIG_SETMASK, &block, NULL);
    sigemptyset(wait_mask);
}

static _Noreturn void fire(int sock, const ld_fx_watchdog_targets *t, unsigned armed,
                           uint32_t flags)
{
    ld_fx_watchdog_report rep;
    memset(&rep, 0, sizeof rep);
    rep.magic = LD_FX_WD_MAGIC;
    bool any_ok = false;
    if ((armed & ARM_V2) && t->v2_freeze_fd >= 0) {
        int rc = ld_fx_v2_write(t->v2_freeze_fd, false);
        if (rc < 0) {
            flags |= LD_FX_WD_V2_FAILED;
            if (!rep.sys_errno)
                rep.sys_errno = -rc;
        } else {
            any_ok = true;
        }
    }
    if ((armed & ARM_V1) && t->v1_state_fd >= 0) {
        int rc = ld_fx_v1_write(t->v1_state_fd, false);
        if (rc < 0) {
            flags |= LD_FX_WD_V1_FAILED;
            if (!rep.sys_errno)
                rep.sys_errno = -rc;
        } else {
            any_ok = true;
        }
    }
    if ((armed & ARM_ENGINE) && t->engine) {
        ld_fx_engine_answer a;
        int st = ld_fx_engine_post(t->engine, false, t->engine_timeout_ms, &a);
        rep.engine_status = st;
        if (st == 204 || (st >= 400 && ld_fx_engine_answer_already(a.text, a.text_len, false))) {
            any_ok = true;
        } else {
            flags |= LD_FX_WD_ENGINE_FAILED;
            if (!rep.sys_errno)
                rep.sys_errno = a.sys_errno ? a.sys_errno : EPROTO;
        }
    }
    if (any_ok)
        flags |= LD_FX_WD_THAWED;
    rep.mono_ns = clock_ns(CLOCK_MONOTONIC);
    rep.real_ns = clock_ns(CLOCK_REALTIME);
    rep.flags = flags;
    ssize_t n;
    do
        n = send(sock, &rep, sizeof rep, MSG_NOSIGNAL);
    while (n < 0 && errno == EINTR);
    _exit((flags & (LD_FX_WD_V2_FAILED | LD_FX_WD_V1_FAILED | LD_FX_WD_ENGINE_FAILED)) ? 2 : 1);
}

static _Noreturn void watchdog_main(int sock, const ld_fx_watchdog_targets *t)
{
    setsid(); /* out of lockdown's process group and terminal */
    sigset_t wait_mask;
    setup_signals(&wait_mask);
    close_all_but(sock, t->v2_freeze_fd, t->v1_state_fd);

    unsigned armed = 0;
    int64_t deadline = 0;
    for (;;) {
        struct timespec ts, *tsp = NULL;
        if (armed) {
            int64_t left = deadline - clock_ns(CLOCK_MONOTONIC);
            if (left <= 0)
                fire(sock, t, armed, 0);
            ts.tv_sec = (time_t)(left / 1000000000);
            ts.tv_nsec = (long)(left % 1000000000);
            tsp = &ts;
        }
        struct pollfd p = {.fd = sock, .events = POLLIN};
        int r = ppoll(&p, 1, tsp, &wait_mask);
        if (r < 0 && errno == EINTR) {
            if (wd_signalled) {
                if (armed)
                    fire(sock, t, armed, LD_FX_WD_BY_SIGNAL);
                _exit(0);
            }
            continue;
        }
        if (r == 0)
            continue; /* the deadline: checked at the top */
        char buf[64];
        ssize_t n = r < 0 ? -1 : recv(sock, buf, sizeof buf, MSG_DONTWAIT);
        if (n < 0 && (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK) && r > 0)
            continue;
        if (n <= 0) {
            /* EOF (or a broken socket): lockdown is gone */
            if (armed)
                fire(sock, t, armed, LD_FX_WD_BY_EOF);
            _exit(0);
        }
        for (ssize_t i = 0; i < n; i++) {
            unsigned bit = 0;
            switch (buf[i]) {
            case '2': bit = ARM_V2; break;
            case '1': bit = ARM_V1; break;
            case 'e': bit = ARM_ENGINE; break;
            case 'r': armed = 0; break;
            case 'd': _exit(0);
            default: break;
            }
            if (bit) {
                if (!armed)
                    deadline = clock_ns(CLOCK_MONOTONIC) + t->deadline_ns;
                armed |= bit;
            }
        }
    }
}

/* ---- lockdown's side -------------------------------------------------------- */

int ld_fx_watchdog_start(ld_fx_watchdog *w, const ld_fx_watchdog_targets *t, ld_error *err)
{
    w->pid = -1;
    w->sock = -1;
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
        return ld_error_set_errno(err, LD_ERR_GENERIC, errno, "freeze watchdog: socketpair");
    pid_t pid = fork();
    if (pid < 0) {
        int saved = errno;
        close(sv[0]);
        close(sv[1]);
        return ld_error_set_errno(err, LD_ERR_GENERIC, saved, "freeze watchdog: fork");
    }
    if (pid == 0)
        watchdog_main(sv[1], t);
    close(sv[1]);
    w->pid = pid;
    w->sock = sv[0];
    return 0;
}

int ld_fx_watchdog_send(ld_fx_watchdog *w, char cmd)
{
    if (w->sock < 0)
        return -EBADF;
    ssize_t n;
    do
        n = send(w->sock, &cmd, 1, MSG_NOSIGNAL);
    while (n < 0 && errno == EINTR);
    if (n < 0)
        return -errno;
    return n == 1 ? 0 : -EIO;
}

bool ld_fx_watchdog_peek(const ld_fx_watchdog *w, ld_fx_watchdog_report *rep)
{
    if (w->sock < 0)
        return false;
    ssize_t n;
    do
        n = recv(w->sock, rep, sizeof *rep, MSG_PEEK | MSG_DONTWAIT);
    while (n < 0 && errno == EINTR);
    return n == (ssize_t)sizeof *rep && rep->magic == LD_FX_WD_MAGIC;
}

static void reap(pid_t pid, int64_t stop_ns)
{
    for (;;) {
        int st;
        pid_t r = waitpid(pid, &st, WNOHANG);
        if (r == pid || (r < 0 && errno != EINTR))
            return; /* reaped, or not ours to reap (SIGCHLD ignored) */
        if (r == 0 && clock_ns(CLOCK_MONOTONIC) >= stop_ns)
            return; /* still busy thawing: it exits by itself; init reaps it */
        struct timespec nap = {0, 2 * 1000 * 1000};
        nanosleep(&nap, NULL);
    }
}

int ld_fx_watchdog_finish(ld_fx_watchdog *w, bool done, int wait_ms, ld_fx_watchdog_report *rep,
                          bool *got_report)
{
    *got_report = false;
    memset(rep, 0, sizeof *rep);
    if (w->pid < 0)
        return 0;
    int64_t stop = clock_ns(CLOCK_MONOTONIC) + (int64_t)wait_ms * 1000000;
    if (done)
        ld_fx_watchdog_send(w, 'd');
    /* EOF for the watchdog even if a copy of our end leaked into a child */
    shutdown(w->sock, SHUT_WR);
    int rc = 0;
    size_t got = 0;
    unsigned char *buf = (unsigned char *)rep;
    while (got < sizeof *rep) {
        int64_t left = stop - clock_ns(CLOCK_MONOTONIC);
        if (left <= 0)
            break;
        struct pollfd p = {.fd = w->sock, .events = POLLIN};
        int r = poll(&p, 1, (int)(left / 1000000) + 1);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        ssize_t n = recv(w->sock, buf + got, sizeof *rep - got, MSG_DONTWAIT);
        if (n < 0 && (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK))
            continue;
        if (n < 0) {
            rc = -errno;
            break;
        }
        if (n == 0)
            break; /* exited without a report: "done" taken, nothing armed */
        got += (size_t)n;
    }
    if (got == sizeof *rep && rep->magic == LD_FX_WD_MAGIC)
        *got_report = true;
    else
        memset(rep, 0, sizeof *rep);
    close(w->sock);
    w->sock = -1;
    reap(w->pid, stop);
    w->pid = -1;
    return rc;
}
