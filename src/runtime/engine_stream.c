/* The engine's /events stream read by a thread of its own (engine_stream.h):
 * libcurl (multi interface, so that closing wakes it at once) streams the
 * response; complete lines and news of the connection go to the caller's
 * thread as SOCK_SEQPACKET messages, one record per message: a kind byte,
 * then the text. The caller's side never blocks; the thread blocks on a
 * full socket (backpressure) and is released by close. */
#include <curl/curl.h>
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "runtime/engine_stream.h"

#include "docker/engine.h"
#include "util/cleanup.h"
#include "util/mem.h"

#define BACKOFF_FIRST_MS 250
#define BACKOFF_MAX_MS 5000
#define CONNECT_MS 2000L
#define POLL_MS 1000
#define ERR_BODY_MAX 300 /* of an error answer's body, for the LOST text */
#define UNIX_PATH_MAX_LEN 107
#define RECORD_MAX (LD_RT_ENGINE_LINE_MAX + 1)

struct ld_rt_engine_stream {
    int rd, wr; /* rd: the caller's end; wr: the thread's */
    CURLM *multi;
    pthread_t thread;
    bool started;
    atomic_bool stop;
    _Atomic uint64_t since_ns;
    char *url;         /* up to and including the query */
    char *socket_path; /* unix endpoints */
    bool tls;
    char *ca_file, *cert_file, *key_file;
    char *rbuf; /* the caller's receive buffer (RECORD_MAX) */
    /* the thread's own */
    CURL *cur; /* the connection in progress */
    ld_rt_line_splitter split;
    uint64_t skipped_sent;
    long status;
    bool headers_done, send_failed;
    char body[ERR_BODY_MAX + 1];
    size_t body_len;
    char errbuf[CURL_ERROR_SIZE];
};

/* ---- the thread's side ---- */

static void send_record(ld_rt_engine_stream *s, ld_rt_stream_record kind, const char *text,
                        size_t len)
{
    if (s->send_failed)
        return;
    unsigned char k = (unsigned char)kind;
    struct iovec iov[2] = {{&k, 1}, {(void *)text, len}};
    struct msghdr mh = {.msg_iov = iov, .msg_iovlen = text && len ? 2 : 1};
    ssize_t rc;
    do
        rc = sendmsg(s->wr, &mh, MSG_NOSIGNAL);
    while (rc < 0 && errno == EINTR);
    if (rc < 0)
        s->send_failed = true; /* the caller's end is closed: stopping */
}

static int send_line(const char *line, size_t len, void *ctx)
{
    ld_rt_engine_stream *s = ctx;
    if (line[0] == '\x01')
        return 0; /* not JSON; never confused with anything */
    send_record(s, LD_RT_STREAM_LINE, line, len);
    return s->send_failed ? -1 : 0;
}

/* The status is known once the headers are: news for the caller. */
static void note_status(ld_rt_engine_stream *s)
{
    if (s->headers_done)
        return;
    long status = 0;
    curl_easy_getinfo(s->cur, CURLINFO_RESPONSE_CODE, &status);
    if (status < 200)
        return; /* none yet, or an interim 1xx */
    s->headers_done = true;
    s->status = status;
    if (status <= 299)
        send_record(s, LD_RT_STREAM_UP, NULL, 0);
}

static size_t on_header(char *ptr, size_t size, size_t nmemb, void *ud)
{
    ld_rt_engine_stream *s = ud;
    size_t n = size * nmemb;
    if (atomic_load(&s->stop))
        return 0;
    if ((n == 2 && ptr[0] == '\r' && ptr[1] == '\n') || (n == 1 && ptr[0] == '\n'))
        note_status(s);
    return n;
}

static size_t on_data(char *ptr, size_t size, size_t nmemb, void *ud)
{
    ld_rt_engine_stream *s = ud;
    size_t n = size * nmemb;
    if (atomic_load(&s->stop) || s->send_failed)
        return 0;
    note_status(s);
    if (s->status < 200 || s->status > 299) {
        size_t room = ERR_BODY_MAX - s->body_len;
        size_t take = n < room ? n : room;
        memcpy(s->body + s->body_len, ptr, take);
        s->body_len += take;
        s->body[s->body_len] = '\0';
        return n;
    }
    if (ld_rt_line_splitter_feed(&s->split, ptr, n, send_line, s) != 0)
        return 0;
    if (s->split.skipped != s->skipped_sent) {
        s->skipped_sent = s->split.skipped;
        char num[24];
        int k = snprintf(num, sizeof num, "%" PRIu64, s->skipped_sent);
        send_record(s, LD_RT_STREAM_SKIPPED, num, (size_t)k);
    }
    return s->send_failed ? 0 : n;
}

/* The engine's "message" of an error answer, printable ASCII only. */
static void describe_body(const ld_rt_engine_stream *s, char *out, size_t size)
{
    const char *m = strstr(s->body, "\"message\":\"");
    const char *p = m ? m + 11 : s->body;
    size_t o = 0;
    for (; *p && o + 1 < size; p++) {
        if (m && *p == '"')
            break;
        out[o++] = (*p >= 0x20 && *p < 0x7f) ? *p : ' ';
    }
    while (o > 0 && out[o - 1] == ' ')
        o--;
    out[o] = '\0';
}

static CURL *make_handle(ld_rt_engine_stream *s)
{
    CURL *h = curl_easy_init();
    if (!h)
        return NULL;
    uint64_t since = atomic_load(&s->since_ns);
    ld_autofree char *url = since ? ld_xasprintf("%s&since=%" PRIu64 ".%09" PRIu64, s->url,
                                                 since / 1000000000u, since % 1000000000u)
                                  : ld_xstrdup(s->url);
    curl_easy_setopt(h, CURLOPT_URL, url); /* libcurl copies it */
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, s->errbuf);
#if LIBCURL_VERSION_NUM >= 0x075500
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
#else
    curl_easy_setopt(h, CURLOPT_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
    curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, CONNECT_MS);
    curl_easy_setopt(h, CURLOPT_TCP_KEEPALIVE, 1L);
    curl_easy_setopt(h, CURLOPT_USERAGENT, "lockdown/" LOCKDOWN_VERSION);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_data);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, s);
    curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(h, CURLOPT_HEADERDATA, s);
    if (s->socket_path)
        curl_easy_setopt(h, CURLOPT_UNIX_SOCKET_PATH, s->socket_path);
    if (s->tls) {
        curl_easy_setopt(h, CURLOPT_CAINFO, s->ca_file);
        curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
        curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
        if (s->cert_file) {
            curl_easy_setopt(h, CURLOPT_SSLCERT, s->cert_file);
            curl_easy_setopt(h, CURLOPT_SSLKEY, s->key_file);
        }
    }
    return h;
}

static uint64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* Sleeps ms, woken early by close. */
static void pause_ms(ld_rt_engine_stream *s, unsigned ms)
{
    uint64_t end = mono_ms() + ms;
    while (!atomic_load(&s->stop)) {
        uint64_t now = mono_ms();
        if (now >= end)
            break;
        curl_multi_poll(s->multi, NULL, 0, (int)(end - now), NULL);
    }
}

/* One connection: until it ends or close. Returns the curl result. */
static CURLcode run_connection(ld_rt_engine_stream *s, CURL *h)
{
    s->status = 0;
    s->headers_done = false;
    s->body_len = 0;
    s->body[0] = '\0';
    s->errbuf[0] = '\0';
    ld_rt_line_splitter_reset(&s->split);
    s->cur = h;
    curl_multi_add_handle(s->multi, h);
    CURLcode result = CURLE_OK;
    bool done = false;
    while (!done && !atomic_load(&s->stop)) {
        int running = 0;
        if (curl_multi_perform(s->multi, &running) != CURLM_OK)
            break;
        int left = 0;
        CURLMsg *m;
        while ((m = curl_multi_info_read(s->multi, &left)))
            if (m->msg == CURLMSG_DONE) {
                result = m->data.result;
                done = true;
            }
        if (!done && !running)
            done = true;
        if (!done)
            curl_multi_poll(s->multi, NULL, 0, POLL_MS, NULL);
    }
    curl_multi_remove_handle(s->multi, h);
    s->cur = NULL;
    return result;
}

static void *stream_main(void *arg)
{
    ld_rt_engine_stream *s = arg;
    unsigned backoff = BACKOFF_FIRST_MS;
    while (!atomic_load(&s->stop) && !s->send_failed) {
        CURL *h = make_handle(s);
        if (!h) {
            send_record(s, LD_RT_STREAM_LOST, "cannot create a libcurl handle", 30);
            pause_ms(s, BACKOFF_MAX_MS);
            continue;
        }
        CURLcode rc = run_connection(s, h);
        bool was_up = s->headers_done && s->status >= 200 && s->status <= 299;
        curl_easy_cleanup(h);
        if (atomic_load(&s->stop) || s->send_failed)
            break;
        char why[CURL_ERROR_SIZE + ERR_BODY_MAX + 64];
        if (s->headers_done && !was_up) {
            char msg[ERR_BODY_MAX + 1];
            describe_body(s, msg, sizeof msg);
            snprintf(why, sizeof why, "HTTP %ld%s%s", s->status, msg[0] ? ": " : "", msg);
        } else if (rc == CURLE_OK ||
                   (was_up && (rc == CURLE_PARTIAL_FILE || rc == CURLE_RECV_ERROR))) {
            /* a restart or a stop of the engine closes the connection */
            snprintf(why, sizeof why, "the engine ended the event stream");
        } else {
            snprintf(why, sizeof why, "%s", s->errbuf[0] ? s->errbuf : curl_easy_strerror(rc));
        }
        send_record(s, LD_RT_STREAM_LOST, why, strlen(why));
        if (was_up)
            backoff = BACKOFF_FIRST_MS; /* it worked until now: retry soon */
        pause_ms(s, backoff);
        backoff = backoff * 2 > BACKOFF_MAX_MS ? BACKOFF_MAX_MS : backoff * 2;
    }
    return NULL;
}

/* ---- setup, the caller's side ---- */

/* $DOCKER_TLS_VERIFY / $DOCKER_CERT_PATH, exactly as the API client reads them. */
static int setup_tls(ld_rt_engine_stream *s, ld_error *err)
{
    ld_engine_tls t;
    int rc = ld_engine_tls_from_env(&t, err);
    if (rc < 0)
        return rc;
    s->tls = t.tls;
    s->ca_file = t.ca_file;
    s->cert_file = t.cert_file;
    s->key_file = t.key_file;
    return 0;
}

static bool host_char_ok(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '-' || c == '_' || c == ':' || c == '[' || c == ']' || c == '%';
}

static bool api_ok(const char *api)
{
    size_t n = strlen(api);
    if (n == 0 || n > 15)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!((api[i] >= '0' && api[i] <= '9') || api[i] == '.'))
            return false;
    return true;
}

static bool query_ok(const char *q)
{
    for (; *q; q++)
        if (*q <= 0x20 || *q >= 0x7f || *q == '#')
            return false;
    return true;
}

/* host -> s->url base and transport. */
static int parse_host(ld_rt_engine_stream *s, const char *host, char **base, ld_error *err)
{
    if (strncmp(host, "unix://", 7) == 0) {
        const char *path = host + 7;
        if (path[0] != '/' || strlen(path) > UNIX_PATH_MAX_LEN)
            return ld_error_set(err, LD_ERR_INVALID,
                                "docker host \"%s\": expected unix:///ABSOLUTE/PATH", host);
        s->socket_path = ld_xstrdup(path);
        *base = ld_xstrdup("http://localhost");
        return 0;
    }
    if (strncmp(host, "tcp://", 6) != 0)
        return ld_error_set(err, LD_ERR_UNSUPPORTED,
                            "docker host \"%s\": the event stream needs unix:// or tcp://", host);
    const char *hp = host + 6;
    size_t n = strlen(hp);
    if (n > 0 && hp[n - 1] == '/')
        n--;
    if (n == 0 || n > 255)
        return ld_error_set(err, LD_ERR_INVALID, "docker host \"%s\": expected tcp://HOST:PORT",
                            host);
    for (size_t i = 0; i < n; i++)
        if (!host_char_ok(hp[i]))
            return ld_error_set(err, LD_ERR_INVALID,
                                "docker host \"%s\": unexpected character in host name", host);
    int rc = setup_tls(s, err);
    if (rc < 0)
        return rc;
    /* a port given? after "]" for IPv6 literals, else after the one ':' */
    const char *close = memchr(hp, ']', n);
    const char *after = close ? close + 1 : hp;
    bool has_port = memchr(after, ':', n - (size_t)(after - hp)) != NULL;
    *base = ld_xasprintf("%s://%.*s%s", s->tls ? "https" : "http", (int)n, hp,
                         has_port ? "" : (s->tls ? ":2376" : ":2375"));
    return 0;
}

static void stream_free(ld_rt_engine_stream *s)
{
    if (s->rd >= 0)
        close(s->rd);
    if (s->wr >= 0)
        close(s->wr);
    if (s->multi)
        curl_multi_cleanup(s->multi);
    ld_rt_line_splitter_free(&s->split);
    free(s->url);
    free(s->socket_path);
    free(s->ca_file);
    free(s->cert_file);
    free(s->key_file);
    free(s->rbuf);
    free(s);
    curl_global_cleanup();
}

ld_rt_engine_stream *ld_rt_engine_stream_open(const char *host, const char *api, const char *query,
                                              uint64_t since_ns, ld_error *err)
{
    if (!host || !api || !api_ok(api) || !query || !query_ok(query)) {
        ld_error_set(err, LD_ERR_INVALID,
                     "engine event stream: invalid host, API version or query");
        return NULL;
    }
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        ld_error_set(err, LD_ERR_GENERIC, "cannot initialise libcurl");
        return NULL;
    }
    ld_rt_engine_stream *s = ld_xcalloc(1, sizeof *s);
    s->rd = s->wr = -1;
    atomic_init(&s->stop, false);
    atomic_init(&s->since_ns, since_ns);
    ld_rt_line_splitter_init(&s->split, LD_RT_ENGINE_LINE_MAX);
    ld_autofree char *base = NULL;
    if (parse_host(s, host, &base, err) < 0) {
        stream_free(s);
        return NULL;
    }
    s->url = ld_xasprintf("%s/v%s/events?%s", base, api, query);
    s->rbuf = ld_xmalloc(RECORD_MAX + 1);
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) {
        ld_error_set_errno(err, LD_ERR_GENERIC, errno, "engine event stream: socketpair");
        stream_free(s);
        return NULL;
    }
    s->rd = sv[0];
    s->wr = sv[1];
    int sndbuf = 1 << 20; /* a 64 KiB line always fits one message */
    setsockopt(s->wr, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof sndbuf);
    s->multi = curl_multi_init();
    if (!s->multi) {
        ld_error_set(err, LD_ERR_NOMEM, "engine event stream: cannot create a libcurl handle");
        stream_free(s);
        return NULL;
    }
    /* signals are the caller's thread's business (its poll wakes on them) */
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    int rc = pthread_create(&s->thread, NULL, stream_main, s);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (rc != 0) {
        ld_error_set_errno(err, LD_ERR_GENERIC, rc, "engine event stream: cannot start a thread");
        stream_free(s);
        return NULL;
    }
    s->started = true;
    return s;
}

int ld_rt_engine_stream_fd(const ld_rt_engine_stream *s)
{
    return s ? s->rd : -1;
}

int ld_rt_engine_stream_read(ld_rt_engine_stream *s, size_t max, ld_rt_stream_fn fn, void *ctx)
{
    int delivered = 0;
    while (!max || (size_t)delivered < max) {
        ssize_t n = recv(s->rd, s->rbuf, RECORD_MAX + 1, MSG_DONTWAIT | MSG_TRUNC);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break; /* nothing waiting (EAGAIN), or the thread is gone */
        if ((size_t)n > RECORD_MAX || n < 1)
            continue; /* cannot happen: the thread sends at most RECORD_MAX */
        s->rbuf[n] = '\0';
        int rc =
            fn((ld_rt_stream_record)(unsigned char)s->rbuf[0], s->rbuf + 1, (size_t)n - 1, ctx);
        delivered++;
        if (rc)
            return rc;
    }
    return delivered;
}

void ld_rt_engine_stream_seen(ld_rt_engine_stream *s, uint64_t time_nano)
{
    if (s && time_nano)
        atomic_store(&s->since_ns, time_nano);
}

void ld_rt_engine_stream_close(ld_rt_engine_stream *s)
{
    if (!s)
        return;
    atomic_store(&s->stop, true);
    if (s->started) {
        curl_multi_wakeup(s->multi);
        /* a thread blocked on a full socket gets EPIPE */
        close(s->rd);
        s->rd = -1;
        pthread_join(s->thread, NULL);
    }
    stream_free(s);
}
