/* Docker Engine API client on libcurl's easy interface: endpoint parsing,
 * /_ping and version negotiation, capped GET + JSON parse. See engine.h.
 * Not for anything that writes to the engine or streams. */
#include "docker/engine.h"

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <curl/curl.h>

#include "util/cleanup.h"
#include "util/mem.h"

/* /_ping answers at once; the request limit applies if it is smaller. */
#define PING_TOTAL_MS 10000L
#define PING_MAX_BYTES 4096
#define PATH_MAX_LEN 2048
#define API_MAX_LEN 15
#define ENGINE_MSG_MAX 300
/* sun_path is 108 bytes including the NUL. */
#define UNIX_PATH_MAX_LEN 107

struct ld_engine {
    CURL *curl;
    bool curl_global;  /* curl_global_init succeeded: clean up on free */
    char *endpoint;    /* as given, normalised: unix:///p, tcp://h:port */
    char *socket_path; /* unix endpoints only */
    char *base_url;    /* http://localhost, http(s)://h:port */
    bool tls;
    char *ca_file, *cert_file, *key_file; /* TLS only; cert/key may be NULL */
    char api[API_MAX_LEN + 1];
    char hdr_api[API_MAX_LEN + 1]; /* Api-Version seen by the last request */
    char errbuf[CURL_ERROR_SIZE];
    ld_engine_timeouts t; /* every field set (defaults filled in) */
    char *stalled;        /* the request that timed out; later ones are not sent */
};

typedef struct {
    char *data;
    size_t len, cap, max;
    bool over;
} body_buf;

static size_t on_body(char *ptr, size_t size, size_t nmemb, void *ud)
{
    body_buf *b = ud;
    size_t n = size * nmemb; /* curl guarantees size == 1 */
    if (n > b->max - b->len) {
        b->over = true;
        return 0; /* aborts the transfer with CURLE_WRITE_ERROR */
    }
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 8192;
        while (cap < b->len + n + 1)
            cap *= 2;
        if (cap > b->max + 1)
            cap = b->max + 1;
        b->data = ld_xrealloc(b->data, cap);
        b->cap = cap;
    }
    memcpy(b->data + b->len, ptr, n);
    b->len += n;
    b->data[b->len] = '\0';
    return n;
}

/* Keeps the Api-Version header's value (trimmed, bounded) in e->hdr_api. */
static size_t on_header(char *ptr, size_t size, size_t nmemb, void *ud)
{
    ld_engine *e = ud;
    size_t n = size * nmemb;
    static const char name[] = "Api-Version:";
    size_t nl = sizeof(name) - 1;
    if (n > nl && strncasecmp(ptr, name, nl) == 0) {
        const char *v = ptr + nl;
        const char *end = ptr + n;
        while (v < end && (*v == ' ' || *v == '\t'))
            v++;
        while (end > v && (end[-1] == '\r' || end[-1] == '\n' || end[-1] == ' '))
            end--;
        size_t len = (size_t)(end - v);
        if (len > API_MAX_LEN)
            len = 0; /* implausible: ignore */
        memcpy(e->hdr_api, v, len);
        e->hdr_api[len] = '\0';
    }
    return n;
}

/* Parses "MAJOR.MINOR" (1-3 digits each). Returns 0 and the pair, else -1. */
static int parse_api(const char *s, int *major, int *minor)
{
    int parts[2] = {0, 0};
    for (int i = 0; i < 2; i++) {
        int digits = 0;
        while (*s >= '0' && *s <= '9') {
            if (++digits > 3)
                return -1;
            parts[i] = parts[i] * 10 + (*s - '0');
            s++;
        }
        if (digits == 0)
            return -1;
        if (i == 0 && *s++ != '.')
            return -1;
    }
    if (*s)
        return -1;
    *major = parts[0];
    *minor = parts[1];
    return 0;
}

static bool file_readable(const char *path)
{
    return access(path, R_OK) == 0;
}

int ld_engine_tls_from_env(ld_engine_tls *out, ld_error *err)
{
    memset(out, 0, sizeof *out);
    const char *verify = getenv("DOCKER_TLS_VERIFY");
    if (!verify || !verify[0])
        return 0;
    const char *dir = getenv("DOCKER_CERT_PATH");
    ld_autofree char *home_dir = NULL;
    if (!dir || !dir[0]) {
        const char *home = getenv("HOME");
        if (!home || !home[0])
            return ld_error_set(err, LD_ERR_NOT_FOUND,
                                "DOCKER_TLS_VERIFY is set but neither DOCKER_CERT_PATH nor HOME "
                                "is; set DOCKER_CERT_PATH to the directory holding ca.pem");
        home_dir = ld_xasprintf("%s/.docker", home);
        dir = home_dir;
    }
    ld_autofree char *ca = ld_xasprintf("%s/ca.pem", dir);
    if (!file_readable(ca))
        return ld_error_set_errno(err, LD_ERR_NOT_FOUND, errno,
                                  "DOCKER_TLS_VERIFY is set but \"%s\" cannot be read", ca);
    ld_autofree char *cert = ld_xasprintf("%s/cert.pem", dir);
    ld_autofree char *key = ld_xasprintf("%s/key.pem", dir);
    bool has_cert = file_readable(cert), has_key = file_readable(key);
    if (has_cert != has_key)
        return ld_error_set(err, LD_ERR_NOT_FOUND,
                            "\"%s\" needs both cert.pem and key.pem for a client certificate, "
                            "or neither",
                            dir);
    out->tls = true;
    out->ca_file = ld_steal_ptr(&ca);
    if (has_cert) {
        out->cert_file = ld_steal_ptr(&cert);
        out->key_file = ld_steal_ptr(&key);
    }
    return 0;
}

void ld_engine_tls_clear(ld_engine_tls *t)
{
    free(t->ca_file);
    free(t->cert_file);
    free(t->key_file);
    memset(t, 0, sizeof *t);
}

/* TLS settings from $DOCKER_TLS_VERIFY / $DOCKER_CERT_PATH. */
static int setup_tls(ld_engine *e, ld_error *err)
{
    ld_engine_tls t;
    int rc = ld_engine_tls_from_env(&t, err);
    if (rc < 0)
        return rc;
    e->tls = t.tls;
    e->ca_file = t.ca_file;
    e->cert_file = t.cert_file;
    e->key_file = t.key_file;
    return 0;
}

static bool host_char_ok(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '-' || c == '_' || c == ':' || c == '[' || c == ']' || c == '%';
}

/* tcp://host[:port][/] -> e->endpoint, e->base_url. */
static int parse_tcp(ld_engine *e, const char *host, const char *rest, ld_error *err)
{
    size_t len = strlen(rest);
    if (len > 0 && rest[len - 1] == '/')
        len--;
    if (len == 0 || len > 255)
        return ld_error_set(err, LD_ERR_INVALID, "docker host \"%s\": expected tcp://HOST:PORT",
                            host);
    for (size_t i = 0; i < len; i++)
        if (!host_char_ok(rest[i]))
            return ld_error_set(err, LD_ERR_INVALID,
                                "docker host \"%s\": unexpected character in host name; expected "
                                "tcp://HOST:PORT",
                                host);
    ld_autofree char *hp = ld_xstrndup(rest, len);
    const char *port_sep = NULL;
    if (hp[0] == '[') {
        char *close = strchr(hp, ']');
        if (!close || (close[1] && close[1] != ':'))
            return ld_error_set(err, LD_ERR_INVALID, "docker host \"%s\": malformed IPv6 address",
                                host);
        port_sep = close[1] == ':' ? close + 1 : NULL;
    } else {
        port_sep = strchr(hp, ':');
        if (port_sep && strchr(port_sep + 1, ':'))
            return ld_error_set(err, LD_ERR_INVALID,
                                "docker host \"%s\": put an IPv6 address in brackets, "
                                "tcp://[ADDR]:PORT",
                                host);
    }
    int rc = setup_tls(e, err);
    if (rc < 0)
        return rc;
    long port = e->tls ? 2376 : 2375;
    if (port_sep) {
        const char *p = port_sep + 1;
        long v = 0;
        if (!*p)
            return ld_error_set(err, LD_ERR_INVALID, "docker host \"%s\": empty port", host);
        for (; *p; p++) {
            if (*p < '0' || *p > '9' || (v = v * 10 + (*p - '0')) > 65535)
                return ld_error_set(err, LD_ERR_INVALID,
                                    "docker host \"%s\": port must be a number from 1 to 65535",
                                    host);
        }
        if (v == 0)
            return ld_error_set(err, LD_ERR_INVALID,
                                "docker host \"%s\": port must be a number from 1 to 65535", host);
        port = v;
        hp[port_sep - hp] = '\0';
    }
    if (!hp[0] || strcmp(hp, "[]") == 0)
        return ld_error_set(err, LD_ERR_INVALID, "docker host \"%s\": empty host name", host);
    e->endpoint = ld_xasprintf("tcp://%s:%ld", hp, port);
    e->base_url = ld_xasprintf("%s://%s:%ld", e->tls ? "https" : "http", hp, port);
    return 0;
}

static int parse_host(ld_engine *e, const char *host, ld_error *err)
{
    if (strncmp(host, "unix://", 7) == 0) {
        const char *path = host + 7;
        size_t len = strlen(path);
        if (path[0] != '/' || len > UNIX_PATH_MAX_LEN)
            return ld_error_set(err, LD_ERR_INVALID,
                                "docker host \"%s\": expected unix:///ABSOLUTE/PATH of at most "
                                "%d bytes",
                                host, UNIX_PATH_MAX_LEN);
        e->socket_path = ld_xstrdup(path);
        e->endpoint = ld_xstrdup(host);
        /* The host name is never resolved: the socket is the connection. */
        e->base_url = ld_xstrdup("http://localhost");
        return 0;
    }
    if (strncmp(host, "tcp://", 6) == 0)
        return parse_tcp(e, host, host + 6, err);
    static const char *const unsupported[] = {"ssh://", "npipe://", "fd://", NULL};
    for (const char *const *u = unsupported; *u; u++)
        if (strncmp(host, *u, strlen(*u)) == 0)
            return ld_error_set(err, LD_ERR_UNSUPPORTED,
                                "docker host \"%s\": %.*s endpoints are not supported; forward "
                                "the engine's socket and use unix:// or tcp://",
                                host, (int)(strlen(*u) - 3), *u);
    return ld_error_set(err, LD_ERR_INVALID,
                        "docker host \"%s\": expected unix:///PATH or tcp://HOST:PORT", host);
}

/* Sets the options every request shares on handle c (the engine's own or
 * one of a batch's); the handle keeps its connection. total_ms bounds the
 * request; the connect timeout and the low-speed limit are e's. */
static void setup_handle(ld_engine *e, CURL *c, const char *url, long total_ms, body_buf *b,
                         size_t max, char *errbuf)
{
    curl_easy_reset(c);
    errbuf[0] = '\0';
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
#if LIBCURL_VERSION_NUM >= 0x075500
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
#else
    curl_easy_setopt(c, CURLOPT_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, e->t.connect_ms);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, total_ms);
    /* a stalled or dripping engine: below low_speed_bytes/s for
     * low_speed_s (curl checks this while waiting for the answer too) */
    curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, e->t.low_speed_bytes);
    curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, e->t.low_speed_s);
    curl_easy_setopt(c, CURLOPT_USERAGENT, "lockdown/" LOCKDOWN_VERSION);
    curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)max);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, b);
    if (e->socket_path)
        curl_easy_setopt(c, CURLOPT_UNIX_SOCKET_PATH, e->socket_path);
    if (e->tls) {
        curl_easy_setopt(c, CURLOPT_CAINFO, e->ca_file);
        curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
        curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
        if (e->cert_file) {
            curl_easy_setopt(c, CURLOPT_SSLCERT, e->cert_file);
            curl_easy_setopt(c, CURLOPT_SSLKEY, e->key_file);
        }
    }
}

static void prepare(ld_engine *e, const char *url, long total_ms, body_buf *b, size_t max)
{
    setup_handle(e, e->curl, url, total_ms, b, max, e->errbuf);
    e->hdr_api[0] = '\0';
    curl_easy_setopt(e->curl, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(e->curl, CURLOPT_HEADERDATA, e);
}

/* A one-line description of a transport failure. For unix sockets curl's
 * own message talks about "localhost port 80", so use the code and errno. */
static void describe_curl_error(ld_engine *e, CURLcode rc, char *out, size_t outlen)
{
    long os_errno = 0;
    curl_easy_getinfo(e->curl, CURLINFO_OS_ERRNO, &os_errno);
    if (e->socket_path || !e->errbuf[0]) {
        if (os_errno)
            snprintf(out, outlen, "%s (%s)", curl_easy_strerror(rc), strerror((int)os_errno));
        else
            snprintf(out, outlen, "%s", curl_easy_strerror(rc));
    } else {
        snprintf(out, outlen, "%s", e->errbuf);
    }
}

/* What the timed-out request on handle c ran into, for messages: "could
 * not connect within 2 s", "no complete answer within 3 s" or "less than
 * 1024 bytes/s for 3 s". */
static void describe_timeout(const ld_engine *e, CURL *c, long total_ms, char *out, size_t outlen)
{
    double elapsed_s = 0, connected_s = 0;
    curl_easy_getinfo(c, CURLINFO_TOTAL_TIME, &elapsed_s);
    curl_easy_getinfo(c, e->tls ? CURLINFO_APPCONNECT_TIME : CURLINFO_CONNECT_TIME, &connected_s);
    if (connected_s <= 0 && !e->socket_path)
        snprintf(out, outlen, "could not connect within %.0f s", (double)e->t.connect_ms / 1000.0);
    else if (elapsed_s * 1000.0 + 250.0 >= (double)total_ms)
        snprintf(out, outlen, "no complete answer within %.0f s", (double)total_ms / 1000.0);
    else
        snprintf(out, outlen, "less than %ld bytes/s for %ld s", e->t.low_speed_bytes,
                 e->t.low_speed_s);
}

/* Records that the engine stopped answering: what timed out, and why. */
static void mark_stalled(ld_engine *e, const char *what, const char *why)
{
    if (!e->stalled)
        e->stalled = ld_xasprintf("%s: %s", what, why);
}

/* The error of a request not sent because an earlier one timed out. */
static char *stalled_message(const ld_engine *e, const char *what)
{
    return ld_xasprintf("docker engine at %s: %s: not sent: the engine stopped answering (%s)",
                        e->endpoint, what, e->stalled);
}

/* Performs the prepared request. Returns 0 and the HTTP status, or an error:
 * LD_ERR_LIMIT when the body passed max, LD_ERR_UNREACHABLE otherwise. */
static int perform(ld_engine *e, const char *what, const body_buf *b, long total_ms, long *status,
                   ld_error *err)
{
    CURLcode rc = curl_easy_perform(e->curl);
    if (b->over || rc == CURLE_FILESIZE_EXCEEDED)
        return ld_error_set(err, LD_ERR_LIMIT,
                            "docker engine at %s: %s: response larger than %zu bytes", e->endpoint,
                            what, b->max);
    if (rc == CURLE_OPERATION_TIMEDOUT) {
        char why[128];
        describe_timeout(e, e->curl, total_ms, why, sizeof(why));
        mark_stalled(e, what, why);
        return ld_error_set(err, LD_ERR_UNREACHABLE, "docker engine at %s: %s: %s; gave up",
                            e->endpoint, what, why);
    }
    if (rc != CURLE_OK) {
        char why[CURL_ERROR_SIZE + 128];
        describe_curl_error(e, rc, why, sizeof(why));
        return ld_error_set(err, LD_ERR_UNREACHABLE, "docker engine at %s: %s: %s", e->endpoint,
                            what, why);
    }
    curl_easy_getinfo(e->curl, CURLINFO_RESPONSE_CODE, status);
    return 0;
}

static int ping(ld_engine *e, ld_error *err)
{
    ld_autofree char *url = ld_xasprintf("%s/_ping", e->base_url);
    body_buf b = {.max = PING_MAX_BYTES};
    long total_ms = e->t.request_ms < PING_TOTAL_MS ? e->t.request_ms : PING_TOTAL_MS;
    prepare(e, url, total_ms, &b, b.max);
    CURLcode rc = curl_easy_perform(e->curl);
    free(b.data);
    if (rc != CURLE_OK && !b.over && rc != CURLE_FILESIZE_EXCEEDED) {
        char why[CURL_ERROR_SIZE + 128];
        if (rc == CURLE_OPERATION_TIMEDOUT) {
            describe_timeout(e, e->curl, total_ms, why, sizeof(why));
        } else {
            describe_curl_error(e, rc, why, sizeof(why));
        }
        return ld_error_set(err, LD_ERR_UNREACHABLE,
                            "docker engine at %s did not answer: %s; start dockerd or set "
                            "DOCKER_HOST",
                            e->endpoint, why);
    }
    if (rc != CURLE_OK)
        return ld_error_set(err, LD_ERR_UNREACHABLE,
                            "docker engine at %s did not answer: /_ping sent more than %d bytes, "
                            "not a Docker engine?; start dockerd or set DOCKER_HOST",
                            e->endpoint, PING_MAX_BYTES);
    long status = 0;
    curl_easy_getinfo(e->curl, CURLINFO_RESPONSE_CODE, &status);
    if (status < 200 || status > 299)
        return ld_error_set(err, LD_ERR_UNREACHABLE,
                            "docker engine at %s did not answer: /_ping returned HTTP %ld, not a "
                            "Docker engine?; start dockerd or set DOCKER_HOST",
                            e->endpoint, status);
    int major, minor, min_major, min_minor;
    parse_api(LD_ENGINE_MIN_API, &min_major, &min_minor);
    if (e->hdr_api[0] == '\0' || parse_api(e->hdr_api, &major, &minor) < 0) {
        /* Engines before API 1.25 sent no Api-Version on /_ping. */
        snprintf(e->api, sizeof(e->api), "%s", LD_ENGINE_MIN_API);
        return 0;
    }
    if (major < min_major || (major == min_major && minor < min_minor))
        return ld_error_set(err, LD_ERR_UNSUPPORTED,
                            "docker engine at %s speaks API %s; lockdown needs %s or newer "
                            "(Docker 1.12)",
                            e->endpoint, e->hdr_api, LD_ENGINE_MIN_API);
    snprintf(e->api, sizeof(e->api), "%d.%d", major, minor);
    return 0;
}

/* t with every zero field replaced by its default. */
static ld_engine_timeouts timeouts_or_defaults(const ld_engine_timeouts *t)
{
    ld_engine_timeouts r = t ? *t : (ld_engine_timeouts){0};
    if (r.connect_ms <= 0)
        r.connect_ms = LD_ENGINE_CONNECT_MS;
    if (r.request_ms <= 0)
        r.request_ms = LD_ENGINE_REQUEST_MS;
    if (r.low_speed_bytes <= 0)
        r.low_speed_bytes = LD_ENGINE_LOW_SPEED_BYTES;
    if (r.low_speed_s <= 0)
        r.low_speed_s = LD_ENGINE_LOW_SPEED_S;
    long request_s = (r.request_ms + 999) / 1000;
    if (r.low_speed_s > request_s)
        r.low_speed_s = request_s;
    if (r.connect_ms > r.request_ms)
        r.connect_ms = r.request_ms;
    return r;
}

static ld_engine *connect_one(const char *host, const ld_engine_timeouts *t, ld_error *err)
{
    ld_engine *e = ld_xcalloc(1, sizeof(*e));
    e->t = timeouts_or_defaults(t);
    /* Reference-counted; paired with curl_global_cleanup in ld_engine_free. */
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        free(e);
        ld_error_set(err, LD_ERR_GENERIC, "cannot initialise libcurl");
        return NULL;
    }
    e->curl_global = true;
    e->curl = curl_easy_init();
    if (!e->curl) {
        ld_engine_free(e);
        ld_error_set(err, LD_ERR_NOMEM, "cannot create a libcurl handle");
        return NULL;
    }
    if (parse_host(e, host, err) < 0 || ping(e, err) < 0) {
        ld_engine_free(e);
        return NULL;
    }
    return e;
}

static bool is_socket(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISSOCK(st.st_mode);
}

void ld_engine_candidates(ld_strlist *out)
{
    ld_strlist_push(out, LD_ENGINE_DEFAULT_HOST);
    const char *xdg = getenv("XDG_RUNTIME_DIR");
    ld_autofree char *run_user = NULL;
    if (!xdg || xdg[0] != '/') {
        run_user = ld_xasprintf("/run/user/%lu", (unsigned long)getuid());
        xdg = run_user;
    }
    ld_strlist_push_owned(out, ld_xasprintf("unix://%s/docker.sock", xdg));
    ld_strlist_push_owned(out, ld_xasprintf("unix://%s/podman/podman.sock", xdg));
    ld_strlist_push(out, "unix:///run/podman/podman.sock");
}

ld_engine *ld_engine_connect(const char *host, ld_error *err)
{
    return ld_engine_connect_with(host, NULL, err);
}

ld_engine *ld_engine_connect_with(const char *host, const ld_engine_timeouts *t, ld_error *err)
{
    if (!host || !host[0])
        host = getenv("DOCKER_HOST");
    if (host && host[0])
        return connect_one(host, t, err);
    /* No endpoint named: the rootful socket, the rootless one under
     * $XDG_RUNTIME_DIR, then Podman's Docker-compatible sockets. The first
     * that exists and answers wins; the default's error is reported when
     * none does. */
    ld_strlist cands = {0};
    ld_engine_candidates(&cands);
    ld_engine *e = NULL;
    ld_error first = LD_ERROR_INIT;
    bool have_first = false;
    for (size_t i = 0; !e && i < cands.n; i++) {
        const char *path = cands.v[i] + strlen("unix://");
        if (i > 0 && !is_socket(path))
            continue;
        if (strlen(path) > UNIX_PATH_MAX_LEN)
            continue;
        ld_error e2 = LD_ERROR_INIT;
        e = connect_one(cands.v[i], t, &e2);
        if (!e && !have_first) {
            first = e2;
            have_first = true;
        }
    }
    ld_strlist_clear(&cands);
    if (!e && err)
        *err = first;
    return e;
}

/* Copies the engine's "message" from an error body, with control bytes
 * replaced and the length capped, so it is safe on a terminal. */
static void engine_message(const body_buf *b, char *out, size_t outlen)
{
    out[0] = '\0';
    if (!b->data || b->len == 0)
        return;
    json_error_t jerr;
    json_t *doc = json_loadb(b->data, b->len, 0, &jerr);
    const char *msg = doc ? json_string_value(json_object_get(doc, "message")) : NULL;
    size_t n = 0;
    if (msg) {
        for (const char *p = msg; *p && n + 1 < outlen && n < ENGINE_MSG_MAX; p++)
            out[n++] = ((unsigned char)*p < 0x20 || *p == 0x7f) ? '?' : *p;
        out[n] = '\0';
    }
    json_decref(doc);
}

static bool path_ok(const char *path)
{
    size_t n = 0;
    if (path[0] != '/')
        return false;
    for (const char *p = path; *p; p++, n++)
        if ((unsigned char)*p <= 0x20 || (unsigned char)*p >= 0x7f || n >= PATH_MAX_LEN)
            return false;
    return true;
}

json_t *ld_engine_get_json(ld_engine *e, const char *path, size_t max_bytes, ld_error *err)
{
    if (!path_ok(path)) {
        ld_error_set(err, LD_ERR_INVALID,
                     "docker engine request path \"%.200s\" must start with '/' and be "
                     "URL-escaped printable ASCII of at most %d bytes",
                     path, PATH_MAX_LEN);
        return NULL;
    }
    ld_autofree char *what = ld_xasprintf("GET /v%s%s", e->api, path);
    if (e->stalled) {
        ld_autofree char *msg = stalled_message(e, what);
        ld_error_set(err, LD_ERR_UNREACHABLE, "%s", msg);
        return NULL;
    }
    ld_autofree char *url = ld_xasprintf("%s/v%s%s", e->base_url, e->api, path);
    body_buf b = {.max = max_bytes ? max_bytes : LD_ENGINE_DEFAULT_MAX_BYTES};
    prepare(e, url, e->t.request_ms, &b, b.max);
    long status = 0;
    json_t *doc = NULL;
    if (perform(e, what, &b, e->t.request_ms, &status, err) < 0)
        goto out;
    if (status < 200 || status > 299) {
        char msg[ENGINE_MSG_MAX + 1];
        engine_message(&b, msg, sizeof(msg));
        ld_error_set(err, status == 404 ? LD_ERR_NOT_FOUND : LD_ERR_GENERIC,
                     "docker engine at %s: %s: HTTP %ld%s%s", e->endpoint, what, status,
                     msg[0] ? ": " : "", msg);
        goto out;
    }
    json_error_t jerr;
    doc = json_loadb(b.data ? b.data : "", b.len, JSON_ALLOW_NUL, &jerr);
    if (!doc)
        ld_error_set(err, LD_ERR_CORRUPT,
                     "docker engine at %s: %s: invalid JSON at line %d column %d: %s", e->endpoint,
                     what, jerr.line, jerr.column, jerr.text);
out:
    free(b.data);
    return doc;
}

/* ld_engine_get_stream's state: the status is checked on the first body
 * bytes; an error answer is kept (bounded) for its message. */
typedef struct {
    ld_engine *e;
    ld_engine_stream_fn fn;
    void *ctx;
    ld_error *err;
    uint64_t max, seen;
    bool cut, fn_failed, checked, ok_status;
    body_buf errbody;
} stream_state;

static size_t on_stream(char *ptr, size_t size, size_t nmemb, void *ud)
{
    stream_state *st = ud;
    size_t n = size * nmemb;
    if (!st->checked) {
        long status = 0;
        curl_easy_getinfo(st->e->curl, CURLINFO_RESPONSE_CODE, &status);
        st->ok_status = status >= 200 && status <= 299;
        st->checked = true;
    }
    if (!st->ok_status) {
        size_t room = st->errbody.max - st->errbody.len;
        on_body(ptr, 1, n < room ? n : room, &st->errbody);
        return n;
    }
    size_t give = n;
    if (st->max && st->seen + give > st->max) {
        give = (size_t)(st->max - st->seen);
        st->cut = true;
    }
    if (give && st->fn(ptr, give, st->ctx, st->err) < 0) {
        st->fn_failed = true;
        return 0;
    }
    st->seen += give;
    return st->cut ? 0 : n;
}

int ld_engine_get_stream(ld_engine *e, const char *path, uint64_t max_bytes, ld_engine_stream_fn fn,
                         void *ctx, ld_error *err)
{
    if (!path_ok(path))
        return ld_error_set(err, LD_ERR_INVALID,
                            "docker engine request path \"%.200s\" must start with '/' and be "
                            "URL-escaped printable ASCII of at most %d bytes",
                            path, PATH_MAX_LEN);
    ld_autofree char *what = ld_xasprintf("GET /v%s%s", e->api, path);
    if (e->stalled) {
        ld_autofree char *msg = stalled_message(e, what);
        return ld_error_set(err, LD_ERR_UNREACHABLE, "%s", msg);
    }
    ld_autofree char *url = ld_xasprintf("%s/v%s%s", e->base_url, e->api, path);
    body_buf unused = {.max = SIZE_MAX - 1};
    prepare(e, url, e->t.request_ms, &unused, unused.max);
    curl_easy_setopt(e->curl, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)0);
    stream_state st = {.e = e, .fn = fn, .ctx = ctx, .err = err, .max = max_bytes,
                       .errbody = {.max = 64 * 1024}};
    curl_easy_setopt(e->curl, CURLOPT_WRITEFUNCTION, on_stream);
    curl_easy_setopt(e->curl, CURLOPT_WRITEDATA, &st);
    CURLcode rc = curl_easy_perform(e->curl);
    int ret = 0;
    if (st.fn_failed) {
        ret = ld_error_wrap(err, "docker engine at %s: %s", e->endpoint, what);
    } else if (st.cut && rc == CURLE_WRITE_ERROR) {
        ret = 1;
    } else if (rc == CURLE_OPERATION_TIMEDOUT) {
        char why[128];
        describe_timeout(e, e->curl, e->t.request_ms, why, sizeof(why));
        mark_stalled(e, what, why);
        ret = ld_error_set(err, LD_ERR_UNREACHABLE, "docker engine at %s: %s: %s; gave up",
                           e->endpoint, what, why);
    } else if (rc != CURLE_OK) {
        char why[CURL_ERROR_SIZE + 128];
        describe_curl_error(e, rc, why, sizeof(why));
        ret = ld_error_set(err, LD_ERR_UNREACHABLE, "docker engine at %s: %s: %s", e->endpoint,
                           what, why);
    } else {
        long status = 0;
        curl_easy_getinfo(e->curl, CURLINFO_RESPONSE_CODE, &status);
        if (status < 200 || status > 299) {
            char msg[ENGINE_MSG_MAX + 1];
            engine_message(&st.errbody, msg, sizeof(msg));
            ret = ld_error_set(err, status == 404 ? LD_ERR_NOT_FOUND : LD_ERR_GENERIC,
                               "docker engine at %s: %s: HTTP %ld%s%s", e->endpoint, what, status,
                               msg[0] ? ": " : "", msg);
        }
    }
    free(st.errbody.data);
    free(unused.data);
    return ret;
}

/* One concurrent transfer of a batch. */
typedef struct {
    CURL *h;
    body_buf b;
    size_t idx;
    char errbuf[CURL_ERROR_SIZE];
    bool busy;
    bool used; /* has a connection of its own: later transfers may reuse one */
} batch_slot;

/* Turns a finished transfer into docs[idx] or errs[idx]. */
static void batch_finish(ld_engine *e, batch_slot *s, CURLcode rc, const char *path, json_t **docs,
                         char **errs)
{
    size_t i = s->idx;
    if (s->b.over || rc == CURLE_FILESIZE_EXCEEDED) {
        errs[i] = ld_xasprintf("docker engine at %s: GET %s: response larger than %zu bytes",
                               e->endpoint, path, s->b.max);
        return;
    }
    if (rc == CURLE_OPERATION_TIMEDOUT) {
        char why[128];
        describe_timeout(e, s->h, e->t.request_ms, why, sizeof(why));
        ld_autofree char *what = ld_xasprintf("GET %s", path);
        mark_stalled(e, what, why);
        errs[i] = ld_xasprintf("docker engine at %s: GET %s: %s; gave up", e->endpoint, path, why);
        return;
    }
    if (rc != CURLE_OK) {
        errs[i] = ld_xasprintf("docker engine at %s: GET %s: %s", e->endpoint, path,
                               s->errbuf[0] ? s->errbuf : curl_easy_strerror(rc));
        return;
    }
    long status = 0;
    curl_easy_getinfo(s->h, CURLINFO_RESPONSE_CODE, &status);
    if (status < 200 || status > 299) {
        char msg[ENGINE_MSG_MAX + 1];
        engine_message(&s->b, msg, sizeof(msg));
        errs[i] = ld_xasprintf("docker engine at %s: GET %s: HTTP %ld%s%s", e->endpoint, path,
                               status, msg[0] ? ": " : "", msg);
        return;
    }
    json_error_t jerr;
    docs[i] = json_loadb(s->b.data ? s->b.data : "", s->b.len, JSON_ALLOW_NUL, &jerr);
    if (!docs[i])
        errs[i] = ld_xasprintf("docker engine at %s: GET %s: invalid JSON at line %d column %d: "
                               "%s",
                               e->endpoint, path, jerr.line, jerr.column, jerr.text);
}

int ld_engine_get_json_batch(ld_engine *e, const char *const *paths, size_t n, size_t max_bytes,
                             json_t **docs, char **errs, ld_error *err)
{
    for (size_t i = 0; i < n; i++) {
        docs[i] = NULL;
        errs[i] = NULL;
    }
    for (size_t i = 0; i < n; i++)
        if (!path_ok(paths[i]))
            return ld_error_set(err, LD_ERR_INVALID,
                                "docker engine request path \"%.200s\" must start with '/' and "
                                "be URL-escaped printable ASCII",
                                paths[i]);
    if (n == 0)
        return 0;
    if (e->stalled) { /* asked nothing more: every path gets the earlier timeout */
        for (size_t i = 0; i < n; i++) {
            ld_autofree char *what = ld_xasprintf("GET %s", paths[i]);
            errs[i] = stalled_message(e, what);
        }
        return 0;
    }
    size_t max = max_bytes ? max_bytes : LD_ENGINE_DEFAULT_MAX_BYTES;
    size_t k = n < LD_ENGINE_PARALLEL ? n : LD_ENGINE_PARALLEL;
    CURLM *m = curl_multi_init();
    if (!m)
        return ld_error_set(err, LD_ERR_NOMEM, "cannot create a libcurl multi handle");
    batch_slot *slots = ld_xcalloc(k, sizeof(*slots));
    int rc = 0;
    size_t next = 0, done = 0;
    for (size_t j = 0; j < k; j++) {
        slots[j].h = curl_easy_init();
        if (!slots[j].h) {
            rc = ld_error_set(err, LD_ERR_NOMEM, "cannot create a libcurl handle");
            goto out;
        }
    }
    /* Starts the next pending request on slot s. */
#define START(s)                                                                                   \
    do {                                                                                           \
        ld_autofree char *url_ = ld_xasprintf("%s/v%s%s", e->base_url, e->api, paths[next]);       \
        free((s)->b.data);                                                                         \
        (s)->b = (body_buf){.max = max};                                                           \
        setup_handle(e, (s)->h, url_, e->t.request_ms, &(s)->b, max, (s)->errbuf);                 \
        curl_easy_setopt((s)->h, CURLOPT_PRIVATE, (void *)(s));                                    \
        curl_easy_setopt((s)->h, CURLOPT_FRESH_CONNECT, (long)!(s)->used);                         \
        (s)->used = true;                                                                          \
        (s)->idx = next++;                                                                         \
        (s)->busy = true;                                                                          \
        curl_multi_add_handle(m, (s)->h);                                                          \
    } while (0)
    for (size_t j = 0; j < k; j++)
        START(&slots[j]);
    while (done < n) {
        int running = 0;
        CURLMcode mc = curl_multi_perform(m, &running);
        if (mc != CURLM_OK) {
            rc = ld_error_set(err, LD_ERR_GENERIC, "docker engine at %s: %s", e->endpoint,
                              curl_multi_strerror(mc));
            goto out;
        }
        CURLMsg *msg;
        int left;
        while ((msg = curl_multi_info_read(m, &left))) {
            if (msg->msg != CURLMSG_DONE)
                continue;
            batch_slot *s = NULL;
            curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&s);
            CURLcode res = msg->data.result;
            curl_multi_remove_handle(m, s->h);
            s->busy = false;
            batch_finish(e, s, res, paths[s->idx], docs, errs);
            done++;
            /* an engine that timed out is not asked the rest */
            for (; e->stalled && next < n; next++, done++) {
                ld_autofree char *what = ld_xasprintf("GET %s", paths[next]);
                errs[next] = stalled_message(e, what);
            }
            if (next < n)
                START(s);
        }
        if (done < n) {
            mc = curl_multi_poll(m, NULL, 0, 1000, NULL);
            if (mc != CURLM_OK) {
                rc = ld_error_set(err, LD_ERR_GENERIC, "docker engine at %s: %s", e->endpoint,
                                  curl_multi_strerror(mc));
                goto out;
            }
        }
    }
#undef START
out:
    for (size_t j = 0; j < k; j++) {
        if (slots[j].h) {
            if (slots[j].busy)
                curl_multi_remove_handle(m, slots[j].h);
            curl_easy_cleanup(slots[j].h);
        }
        free(slots[j].b.data);
    }
    free(slots);
    curl_multi_cleanup(m);
    if (rc < 0)
        for (size_t i = 0; i < n; i++) {
            json_decref(docs[i]);
            docs[i] = NULL;
            free(errs[i]);
            errs[i] = NULL;
        }
    return rc;
}

const char *ld_engine_endpoint(const ld_engine *e)
{
    return e->endpoint;
}

ld_engine_link ld_engine_link_of(const ld_engine *e)
{
    if (e->socket_path)
        return LD_ENGINE_LINK_UNIX;
    return e->tls ? LD_ENGINE_LINK_TCP_TLS : LD_ENGINE_LINK_TCP_PLAIN;
}

bool ld_engine_sends_client_cert(const ld_engine *e)
{
    return e->tls && e->cert_file != NULL;
}

const char *ld_engine_api_version(const ld_engine *e)
{
    return e->api;
}

void ld_engine_free(ld_engine *e)
{
    if (!e)
        return;
    if (e->curl)
        curl_easy_cleanup(e->curl);
    if (e->curl_global)
        curl_global_cleanup();
    free(e->endpoint);
    free(e->socket_path);
    free(e->base_url);
    free(e->ca_file);
    free(e->cert_file);
    free(e->key_file);
    free(e->stalled);
    free(e);
}
