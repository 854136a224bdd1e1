/* The Docker credential-helper protocol, client side: runs
 * docker-credential-NAME get (found on PATH, executed directly with an
 * argv, never through a shell; NAME limited to [A-Za-z0-9._-]) in its own
 * process group, writes the server URL on its stdin, reads at most 64 KiB
 * of JSON ({"ServerURL","Username","Secret"}) from its stdout within a
 * time limit (the group is killed at the deadline), and maps the
 * protocol's "credentials not found" answer to LD_ERR_NOT_FOUND. Secrets
 * are wiped from every buffer that held them. config.json itself is
 * docker_config.c's. */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "registry/client_internal.h"
#include "registry/credentials.h"
#include "util/cleanup.h"
#include "util/json_budget.h"
#include "util/mem.h"

extern char **environ;

#define HELPER_OUTPUT_MAX ((size_t)64 * 1024)
#define HELPER_STDERR_KEPT ((size_t)4096)
#define HELPER_NAME_MAX 64
#define MESSAGE_SHOWN 200

void ld_reg_cred_clear(ld_reg_cred *c)
{
    if (!c)
        return;
    reg_secret_free(c->username);
    reg_secret_free(c->password);
    reg_secret_free(c->identity_token);
    free(c->source);
    memset(c, 0, sizeof(*c));
}

bool reg_cred_helper_name_ok(const char *name)
{
    size_t n = name ? strlen(name) : 0;
    if (n == 0 || n > HELPER_NAME_MAX || name[0] == '.' || name[0] == '-')
        return false;
    for (size_t i = 0; i < n; i++) {
        char ch = name[i];
        bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
                  (ch >= '0' && ch <= '9') || ch == '.' || ch == '_' || ch == '-';
        if (!ok)
            return false;
    }
    return true;
}

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

typedef struct {
    char *buf;
    size_t len, max;
    bool open, over;
} capture;

/* Reads what fd has; false at EOF or error. */
static bool drain(int fd, capture *c)
{
    char chunk[4096];
    for (;;) {
        ssize_t r = read(fd, chunk, sizeof(chunk));
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            return errno == EAGAIN;
        if (r == 0)
            return false;
        size_t n = (size_t)r;
        if (c->len + n > c->max) {
            c->over = true;
            n = c->max - c->len;
        }
        if (n) {
            c->buf = ld_xrealloc(c->buf, c->len + n + 1);
            memcpy(c->buf + c->len, chunk, n);
            c->len += n;
            c->buf[c->len] = '\0';
        }
        explicit_bzero(chunk, sizeof(chunk));
        if (c->over)
            return false;
    }
}

static void capture_free(capture *c)
{
    if (c->buf)
        explicit_bzero(c->buf, c->len);
    free(c->buf);
    memset(c, 0, sizeof(*c));
}

/* Printable first line of text, at most MESSAGE_SHOWN characters. */
static char *shown_line(const char *text, size_t len)
{
    size_t n = 0;
    while (n < len && n < MESSAGE_SHOWN && text[n] != '\n')
        n++;
    char *s = ld_xstrndup(text ? text : "", n);
    for (char *p = s; *p; p++)
        if ((unsigned char)*p < 0x20 || (unsigned char)*p >= 0x7F)
            *p = '?';
    return s;
}

typedef struct {
    int status;
    bool exited, timed_out;
    capture out, err;
} helper_run;

/* Runs program get with input on stdin; fills run. Returns 0 or an errno
 * of the spawn. */
static int run_helper(const char *program, const char *input, long timeout_ms, helper_run *run)
{
    int in_sock[2] = {-1, -1}, out_pipe[2] = {-1, -1}, err_pipe[2] = {-1, -1};
    /* stdin is a socket so that a helper that exits without reading
     * cannot raise SIGPIPE here (send with MSG_NOSIGNAL) */
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, in_sock) < 0)
        return errno;
    if (pipe2(out_pipe, O_CLOEXEC) < 0 || pipe2(err_pipe, O_CLOEXEC) < 0) {
        int e = errno;
        for (int i = 0; i < 2; i++) {
            if (in_sock[i] >= 0)
                close(in_sock[i]);
            if (out_pipe[i] >= 0)
                close(out_pipe[i]);
            if (err_pipe[i] >= 0)
                close(err_pipe[i]);
        }
        return e;
    }
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, in_sock[1], 0);
    posix_spawn_file_actions_adddup2(&fa, out_pipe[1], 1);
    posix_spawn_file_actions_adddup2(&fa, err_pipe[1], 2);
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
    posix_spawnattr_setpgroup(&attr, 0);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK |
                                        POSIX_SPAWN_SETSIGDEF);
    char *argv[] = {(char *)program, (char *)"get", NULL};
    pid_t pid = -1;
    int rc = posix_spawnp(&pid, program, &fa, &attr, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    posix_spawnattr_destroy(&attr);
    close(in_sock[1]);
    close(out_pipe[1]);
    close(err_pipe[1]);
    if (rc != 0) {
        close(in_sock[0]);
        close(out_pipe[0]);
        close(err_pipe[0]);
        return rc;
    }
    size_t inlen = strlen(input), sent = 0;
    while (sent < inlen) {
        ssize_t w = send(in_sock[0], input + sent, inlen - sent, MSG_NOSIGNAL);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            break; /* it does not read: its answer tells */
        sent += (size_t)w;
    }
    close(in_sock[0]);
    fcntl(out_pipe[0], F_SETFL, O_NONBLOCK);
    fcntl(err_pipe[0], F_SETFL, O_NONBLOCK);
    run->out = (capture){.max = HELPER_OUTPUT_MAX, .open = true};
    run->err = (capture){.max = HELPER_STDERR_KEPT, .open = true};
    long long deadline = now_ms() + timeout_ms;
    while (!run->exited) {
        struct pollfd p[2];
        capture *which[2];
        nfds_t np = 0;
        if (run->out.open) {
            p[np] = (struct pollfd){.fd = out_pipe[0], .events = POLLIN};
            which[np++] = &run->out;
        }
        if (run->err.open) {
            p[np] = (struct pollfd){.fd = err_pipe[0], .events = POLLIN};
            which[np++] = &run->err;
        }
        long long left = deadline - now_ms();
        if (left <= 0) {
            run->timed_out = true;
            break;
        }
        int wait_ms = np ? (int)(left < 200 ? left : 200) : (int)(left < 50 ? left : 50);
        int n = poll(p, np, wait_ms);
        if (n < 0 && errno != EINTR)
            break;
        for (nfds_t i = 0; n > 0 && i < np; i++)
            if (p[i].revents)
                which[i]->open = drain(p[i].fd, which[i]);
        if (run->out.over)
            break;
        if (waitpid(pid, &run->status, WNOHANG) == pid) {
            run->exited = true;
            if (run->out.open)
                (void)drain(out_pipe[0], &run->out);
            if (run->err.open)
                (void)drain(err_pipe[0], &run->err);
        }
    }
    if (!run->exited) {
        kill(-pid, SIGKILL);
        while (waitpid(pid, &run->status, 0) < 0 && errno == EINTR) {
        }
    }
    close(out_pipe[0]);
    close(err_pipe[0]);
    return 0;
}

/* The helper's JSON answer into out. */
static int parse_answer(const char *what, const char *text, size_t len, ld_reg_cred *out,
                        ld_error *err)
{
    static const ld_json_limits lim = {.max_values = 256, .max_containers = 16, .max_depth = 4};
    json_t *doc = ld_json_load_bounded(what, text, len, 0, &lim, err);
    if (!doc) /* jansson's message may quote the secret: not shown */
        return ld_error_set(err, err->code == LD_ERR_LIMIT ? LD_ERR_LIMIT : LD_ERR_CORRUPT,
                            "%s: the answer is not the JSON the protocol asks for", what);
    int rc = 0;
    const char *user = json_string_value(json_object_get(doc, "Username"));
    const char *secret = json_string_value(json_object_get(doc, "Secret"));
    if (!json_is_object(doc) || !secret) {
        rc = ld_error_set(err, LD_ERR_CORRUPT, "%s: the answer holds no \"Secret\"", what);
    } else if (user && strcmp(user, "<token>") == 0) {
        /* the protocol's marker for an identity token */
        out->identity_token = ld_xstrdup(secret);
    } else {
        out->username = ld_xstrdup(user ? user : "");
        out->password = ld_xstrdup(secret);
    }
    json_t *s = json_object_get(doc, "Secret");
    if (json_is_string(s))
        explicit_bzero((char *)json_string_value(s), json_string_length(s));
    json_decref(doc);
    return rc;
}

int reg_cred_helper_get(const char *name, const char *server_url, long timeout_ms, ld_reg_cred *out,
                        ld_error *err)
{
    memset(out, 0, sizeof(*out));
    if (!reg_cred_helper_name_ok(name))
        return ld_error_set(err, LD_ERR_INVALID,
                            "credential helper name \"%.64s\" is not allowed (letters, digits, "
                            "'.', '_' and '-' only)",
                            name ? name : "");
    ld_autofree char *program = ld_xasprintf("docker-credential-%s", name);
    helper_run run = {0};
    int e = run_helper(program, server_url, timeout_ms, &run);
    if (e != 0) {
        capture_free(&run.out);
        capture_free(&run.err);
        return ld_error_set_errno(err, LD_ERR_INVALID, e,
                                  "credential helper %s: cannot run it (is it on PATH?)", program);
    }
    int rc = 0;
    if (run.timed_out) {
        rc = ld_error_set(err, LD_ERR_UNREACHABLE,
                          "credential helper %s: no answer within %ld s; killed", program,
                          timeout_ms / 1000);
    } else if (run.out.over) {
        rc = ld_error_set(err, LD_ERR_LIMIT,
                          "credential helper %s: more than %zu KiB of output; killed", program,
                          HELPER_OUTPUT_MAX / 1024);
    } else if (!run.exited) {
        rc = ld_error_set(err, LD_ERR_GENERIC, "credential helper %s: lost its output", program);
    } else if (!WIFEXITED(run.status) || WEXITSTATUS(run.status) != 0) {
        /* the protocol: the error message on stdout */
        const char *text = run.out.len ? run.out.buf : run.err.buf;
        size_t tlen = run.out.len ? run.out.len : run.err.len;
        if (text && strstr(text, "credentials not found")) {
            rc = ld_error_set(err, LD_ERR_NOT_FOUND, "credential helper %s: no credentials for %s",
                              program, server_url);
        } else {
            ld_autofree char *msg = shown_line(text, tlen);
            if (WIFSIGNALED(run.status))
                rc = ld_error_set(err, LD_ERR_GENERIC, "credential helper %s: killed by signal %d",
                                  program, WTERMSIG(run.status));
            else
                rc = ld_error_set(err, LD_ERR_GENERIC, "credential helper %s: exit status %d%s%s",
                                  program, WEXITSTATUS(run.status), msg[0] ? ": " : "", msg);
        }
    } else {
        ld_autofree char *what = ld_xasprintf("credential helper %s", program);
        rc = parse_answer(what, run.out.buf ? run.out.buf : "", run.out.len, out, err);
        if (rc == 0)
            out->source = ld_xasprintf("credential helper %s", program);
    }
    capture_free(&run.out);
    capture_free(&run.err);
    if (rc < 0)
        ld_reg_cred_clear(out);
    return rc;
}
