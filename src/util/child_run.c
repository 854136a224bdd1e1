/* Running a helper program under a deadline with bounded captures (see
 * child_run.h): posix_spawn, a poll loop over its stdin, stdout and
 * stderr, and a SIGKILL of its process group when it overstays. */
#include "util/child_run.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "util/mem.h"

extern char **environ;

/* chunks read from one pipe before the loop looks at the clock again */
#define READS_PER_TURN 16

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

typedef struct {
    int *fd; /* the parent's end, in child_fds; -1 once done with */
    char *buf;
    size_t len, cap, max;
    bool over; /* more than max arrived (the rest was read and dropped) */
} capture;

/* Appends n bytes; a larger buffer is a fresh one and the old is wiped
 * (realloc would leave a copy of what may be a secret behind). */
static void capture_append(capture *c, const char *p, size_t n)
{
    if (c->len + n + 1 > c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 4096;
        if (cap < c->len + n + 1)
            cap = c->len + n + 1;
        if (cap > c->max + 1)
            cap = c->max + 1;
        char *grown = ld_xmalloc(cap);
        if (c->buf) {
            memcpy(grown, c->buf, c->len);
            explicit_bzero(c->buf, c->len);
            free(c->buf);
        }
        c->buf = grown;
        c->cap = cap;
    }
    memcpy(c->buf + c->len, p, n);
    c->len += n;
    c->buf[c->len] = '\0';
}

/* Reads what *c->fd has, a bounded number of chunks; false at end of file
 * or on an error (the pipe is done with). */
static bool drain(capture *c)
{
    char chunk[16384];
    bool open = true;
    for (int turn = 0; turn < READS_PER_TURN; turn++) {
        ssize_t r = read(*c->fd, chunk, sizeof(chunk));
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0) {
            open = r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
            break;
        }
        size_t take = (size_t)r;
        if (c->len + take > c->max) {
            c->over = true;
            take = c->max - c->len;
        }
        if (take)
            capture_append(c, chunk, take);
        explicit_bzero(chunk, (size_t)r);
    }
    return open;
}

static void close_fd(int *fd)
{
    if (*fd >= 0)
        close(*fd);
    *fd = -1;
}

/* Sends what the child has not yet read of its stdin; closes it when all
 * is sent, or when the child will not read (it exited, or closed it). */
static void feed(int *fd, const char *data, size_t len, size_t *sent)
{
    while (*sent < len) {
        ssize_t w = send(*fd, data + *sent, len - *sent, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            return;
        if (w <= 0)
            break; /* it does not read: its answer tells */
        *sent += (size_t)w;
    }
    close_fd(fd);
}

/* The pipes (and the stdin socket) of a run; parent ends [0], child [1]. */
typedef struct {
    int in[2], out[2], err[2];
} child_fds;

static void close_all(child_fds *f)
{
    for (int i = 0; i < 2; i++) {
        close_fd(&f->in[i]);
        close_fd(&f->out[i]);
        close_fd(&f->err[i]);
    }
}

static int open_fds(const ld_child_spec *spec, child_fds *f)
{
    /* stdin is a socket so that a child that exits without reading cannot
     * raise SIGPIPE here (send with MSG_NOSIGNAL) */
    if ((spec->stdin_data && socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, f->in) < 0) ||
        pipe2(f->out, O_CLOEXEC) < 0 || pipe2(f->err, O_CLOEXEC) < 0) {
        int e = errno;
        close_all(f);
        return e;
    }
    return 0;
}

static int spawn(const ld_child_spec *spec, child_fds *f, pid_t *pid)
{
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    if (f->in[1] >= 0)
        posix_spawn_file_actions_adddup2(&fa, f->in[1], 0);
    else
        posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&fa, f->out[1], 1);
    posix_spawn_file_actions_adddup2(&fa, f->err[1], 2);
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    sigset_t none, dflt;
    sigemptyset(&none);
    sigemptyset(&dflt);
    sigaddset(&dflt, SIGPIPE);
    sigaddset(&dflt, SIGINT);
    sigaddset(&dflt, SIGTERM);
    posix_spawnattr_setsigmask(&attr, &none);
    posix_spawnattr_setsigdefault(&attr, &dflt);
    posix_spawnattr_setpgroup(&attr, 0); /* its own group: killed as one */
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK |
                                        POSIX_SPAWN_SETSIGDEF);
    char *const *envp = spec->envp ? spec->envp : environ;
    int rc = strchr(spec->program, '/')
                 ? posix_spawn(pid, spec->program, &fa, &attr, spec->argv, envp)
                 : posix_spawnp(pid, spec->program, &fa, &attr, spec->argv, envp);
    posix_spawn_file_actions_destroy(&fa);
    posix_spawnattr_destroy(&attr);
    close_fd(&f->in[1]);
    close_fd(&f->out[1]);
    close_fd(&f->err[1]);
    return rc;
}

int ld_child_run(const ld_child_spec *spec, ld_child_result *res)
{
    memset(res, 0, sizeof(*res));
    child_fds f = {{-1, -1}, {-1, -1}, {-1, -1}};
    pid_t pid = -1;
    int e = open_fds(spec, &f);
    if (e == 0 && (e = spawn(spec, &f, &pid)) != 0)
        close_all(&f);
    if (e != 0)
        return res->spawn_errno = e;
    long long deadline = now_ms() + spec->timeout_ms;
    capture out = {.fd = &f.out[0], .max = spec->stdout_max};
    capture err = {.fd = &f.err[0], .max = spec->stderr_max};
    size_t sent = 0;
    for (int fd = 0; fd < 3; fd++) {
        int pfd = fd == 0 ? f.in[0] : fd == 1 ? f.out[0] : f.err[0];
        if (pfd >= 0)
            fcntl(pfd, F_SETFL, O_NONBLOCK);
    }
    while (!res->exited) {
        if (f.in[0] >= 0)
            feed(&f.in[0], spec->stdin_data, spec->stdin_len, &sent);
        struct pollfd p[3];
        capture *which[3];
        nfds_t np = 0, nread;
        if (*out.fd >= 0) {
            p[np] = (struct pollfd){.fd = *out.fd, .events = POLLIN};
            which[np++] = &out;
        }
        if (*err.fd >= 0) {
            p[np] = (struct pollfd){.fd = *err.fd, .events = POLLIN};
            which[np++] = &err;
        }
        nread = np;
        if (f.in[0] >= 0)
            p[np++] = (struct pollfd){.fd = f.in[0], .events = POLLOUT};
        long long left = deadline - now_ms();
        if (left <= 0) {
            res->timed_out = true;
            break;
        }
        /* with both output pipes closed, poll only waits: look at the
         * process every 50 ms (a child that closed its output and goes on) */
        int wait_ms = nread ? (int)(left < 200 ? left : 200) : (int)(left < 50 ? left : 50);
        int n = poll(p, np, wait_ms);
        if (n < 0 && errno != EINTR)
            break;
        for (nfds_t i = 0; n > 0 && i < nread; i++)
            if (p[i].revents && !drain(which[i]))
                close_fd(which[i]->fd);
        if (out.over)
            break; /* more than asked for: no need to hear the rest */
        if (waitpid(pid, &res->status, WNOHANG) == pid) {
            res->exited = true;
            /* what it wrote before it exited; a child it left behind may
             * hold the pipes open: do not wait for them */
            if (*out.fd >= 0)
                (void)drain(&out);
            if (*err.fd >= 0)
                (void)drain(&err);
        }
    }
    if (!res->exited) { /* the deadline, too much output, or poll failed */
        kill(-pid, SIGKILL);
        while (waitpid(pid, &res->status, 0) < 0 && errno == EINTR) {
        }
    }
    close_all(&f);
    res->stdout_over = out.over;
    res->out = out.buf;
    res->out_len = out.len;
    res->err = err.buf;
    res->err_len = err.len;
    return 0;
}

void ld_child_result_clear(ld_child_result *res)
{
    if (!res)
        return;
    if (res->out)
        explicit_bzero(res->out, res->out_len);
    if (res->err)
        explicit_bzero(res->err, res->err_len);
    free(res->out);
    free(res->err);
    memset(res, 0, sizeof(*res));
}
