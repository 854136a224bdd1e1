/* POST /containers/ID/pause and /unpause over the engine's unix socket with
 * plain system calls, for the freeze and for the watchdog after fork (see
 * engine_pause.h). */
#include "forensics/engine_pause.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#define ID_MAX 128
#define VERSION_MAX 16

static bool id_ok(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > ID_MAX)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '.' || c == '-'))
            return false;
    }
    return true;
}

static bool version_ok(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > VERSION_MAX || s[0] == '.')
        return false;
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || s[i] == '.'))
            return false;
    return true;
}

static size_t build_request(char *out, size_t cap, const char *version, const char *id,
                            const char *verb)
{
    int n = snprintf(out, cap,
                     "POST /v%s/containers/%s/%s HTTP/1.1\r\n"
                     "Host: docker\r\n"
                     "User-Agent: lockdown\r\n"
                     "Content-Length: 0\r\n"
                     "Connection: close\r\n"
                     "\r\n",
                     version, id, verb);
    return n > 0 && (size_t)n < cap ? (size_t)n : 0;
}

int ld_fx_engine_pause_prepare(ld_fx_engine_pause *e, const char *socket_path,
                               const char *api_version, const char *container_id, ld_error *err)
{
    memset(e, 0, sizeof *e);
    if (!socket_path || socket_path[0] != '/' || strlen(socket_path) >= sizeof e->addr.sun_path)
        return ld_error_set(err, LD_ERR_INVALID,
                            "engine socket \"%s\": not an absolute path of at most %zu bytes",
                            socket_path ? socket_path : "", sizeof e->addr.sun_path - 1);
    if (!container_id || !id_ok(container_id))
        return ld_error_set(err, LD_ERR_INVALID,
                            "container id: not 1 to %d letters, digits, '_', '.' or '-'", ID_MAX);
    if (!api_version || !version_ok(api_version))
        return ld_error_set(err, LD_ERR_INVALID, "engine API version \"%.*s\": not digits and dots",
                            VERSION_MAX, api_version ? api_version : "");
    e->addr.sun_family = AF_UNIX;
    memcpy(e->addr.sun_path, socket_path, strlen(socket_path) + 1);
    e->addr_len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + strlen(socket_path) + 1);
    e->pause_len =
        build_request(e->pause_req, sizeof e->pause_req, api_version, container_id, "pause");
    e->unpause_len =
        build_request(e->unpause_req, sizeof e->unpause_req, api_version, container_id, "unpause");
    if (!e->pause_len || !e->unpause_len)
        return ld_error_set(err, LD_ERR_INVALID, "engine pause request: too long");
    return 0;
}

/* ---- the exchange (async-signal-safe from here on) ------------------------- */

static int64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int fail_step(ld_fx_engine_answer *a, const char *step, int errnum)
{
    a->step = step;
    a->sys_errno = errnum;
    return -1;
}

int ld_fx_engine_post(const ld_fx_engine_pause *e, bool pause, int timeout_ms,
                      ld_fx_engine_answer *a)
{
    a->status = 0;
    a->sys_errno = 0;
    a->step = NULL;
    a->text[0] = '\0';
    a->text_len = 0;
    if (timeout_ms <= 0)
        timeout_ms = 1;
    const char *req = pause ? e->pause_req : e->unpause_req;
    size_t req_len = pause ? e->pause_len : e->unpause_len;
    int64_t stop = mono_ms() + timeout_ms;

    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return fail_step(a, "socket", errno);
    struct timeval tv = {.tv_sec = timeout_ms / 1000, .tv_usec = (timeout_ms % 1000) * 1000};
    /* SO_SNDTIMEO also bounds connect() on a unix socket */
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    int rc;
    do
        rc = connect(fd, (const struct sockaddr *)&e->addr, e->addr_len);
    while (rc < 0 && errno == EINTR && mono_ms() < stop);
    if (rc < 0) {
        int saved = errno;
        close(fd);
        return fail_step(a, "connect", saved);
    }
    for (size_t sent = 0; sent < req_len;) {
        ssize_t n = send(fd, req + sent, req_len - sent, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR && mono_ms() < stop)
            continue;
        if (n <= 0) {
            int saved = n < 0 ? errno : EIO;
            close(fd);
            return fail_step(a, "send", saved);
        }
        sent += (size_t)n;
    }
    size_t got = 0, cap = sizeof a->text - 1;
    while (got < cap) {
        if (mono_ms() >= stop) {
            if (ld_fx_http_status_parse(a->text, got) > 0)
                break; /* the status came; the rest does not matter */
            close(fd);
            a->text[got] = '\0';
            a->text_len = got;
            return fail_step(a, "recv", ETIMEDOUT);
        }
        ssize_t n = recv(fd, a->text + got, cap - got, 0);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            int saved = errno == EAGAIN || errno == EWOULDBLOCK ? ETIMEDOUT : errno;
            a->text[got] = '\0';
            a->text_len = got;
            if (ld_fx_http_status_parse(a->text, got) > 0)
                break;
            close(fd);
            return fail_step(a, "recv", saved);
        }
        if (n == 0)
            break;
        got += (size_t)n;
    }
    close(fd);
    a->text[got] = '\0';
    a->text_len = got;
    int status = ld_fx_http_status_parse(a->text, got);
    if (status < 0)
        return fail_step(a, "status line", EPROTO);
    a->status = status;
    return status;
}

int ld_fx_http_status_parse(const char *buf, size_t len)
{
    /* "HTTP/1.x NNN" then a space or the end of the line */
    static const char prefix[] = "HTTP/1.";
    const size_t plen = sizeof prefix - 1;
    if (len < plen + 5 || memcmp(buf, prefix, plen) != 0)
        return -1;
    if (buf[plen] < '0' || buf[plen] > '9' || buf[plen + 1] != ' ')
        return -1;
    const char *d = buf + plen + 2;
    size_t left = len - plen - 2;
    if (left < 3)
        return -1;
    int status = 0;
    for (int i = 0; i < 3; i++) {
        if (d[i] < '0' || d[i] > '9')
            return -1;
        status = status * 10 + (d[i] - '0');
    }
    if (left > 3 && d[3] != ' ' && d[3] != '\r' && d[3] != '\n')
        return -1;
    if (left == 3)
        return -1; /* the line may go on: not yet a status */
    if (status < 100 || status > 599)
        return -1;
    return status;
}

static bool contains(const char *hay, size_t hay_len, const char *needle)
{
    size_t n = strlen(needle);
    if (n == 0 || hay_len < n)
        return n == 0;
    for (size_t i = 0; i + n <= hay_len; i++)
        if (hay[i] == needle[0] && memcmp(hay + i, needle, n) == 0)
            return true;
    return false;
}

bool ld_fx_engine_answer_already(const char *buf, size_t len, bool pause)
{
    return contains(buf, len, pause ? "is already paused" : "is not paused");
}
