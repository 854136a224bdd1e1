/* GET-only Kubernetes API client on libcurl: TLS as the kubeconfig says,
 * credentials in memory, pagination with 410 handling, retries, bounds
 * (see api_client.h). */
#include "k8s/api_client.h"

#include <curl/curl.h>
#include <errno.h>
#include <jansson.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "k8s/manifest.h"
#include "util/cleanup.h"
#include "util/mem.h"
#include "util/url_redact.h"

/* Status bodies and /version: small. */
#define SMALL_BODY_MAX ((size_t)1 << 20)
/* Nesting of one API object (CRD schemas are the deepest real ones). */
#define PAGE_MAX_DEPTH 128
/* Characters of a server's message quoted in an error. */
#define MESSAGE_SHOWN 300
#define RETRY_AFTER_MAX 64

struct ld_k8s_api {
    CURL *curl;
    bool curl_global; /* curl_global_init succeeded: clean up on free */
    char errbuf[CURL_ERROR_SIZE];
    char *base;  /* URL requests are built on (the tls-server-name host when set) */
    char *shown; /* the server as the kubeconfig names it, credentials removed */
    bool tls;
    ld_http_timeouts t;
    ld_k8s_api_options o;
    struct curl_slist *headers;
    struct curl_slist *connect_to;
    /* secrets: masked in every quoted message */
    char *token;
    char *password;
    char *basic_b64; /* base64(user:password), as it travels */
    char *stalled;   /* why the server stopped answering; nothing more is asked */
    size_t requests;
    size_t bytes;
    /* the response being received */
    char *body;
    size_t body_len, body_cap, body_max;
    bool body_over;
    char retry_after[RETRY_AFTER_MAX];
};

/* ---- secrets in messages ---- */

/* Replaces each occurrence of secret in *s by "***". */
static void mask_one(char **s, const char *secret)
{
    if (!secret || strlen(secret) < 4) /* shorter than the mask: nothing to gain, much to garble */
        return;
    size_t sl = strlen(secret);
    char *p;
    while ((p = strstr(*s, secret))) {
        char *next = ld_xasprintf("%.*s***%s", (int)(p - *s), *s, p + sl);
        free(*s);
        *s = next;
    }
}

char *ld_k8s_api_mask(const ld_k8s_api *a, const char *text, size_t max)
{
    char *s = ld_xstrdup(text ? text : "");
    mask_one(&s, a->token);
    mask_one(&s, a->password);
    mask_one(&s, a->basic_b64);
    for (char *p = s; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7F)
            *p = '?';
    if (max && strlen(s) > max) {
        s[max] = '\0';
        /* do not end inside a UTF-8 sequence */
        size_t n = max;
        while (n > 0 && ((unsigned char)s[n - 1] & 0xC0) == 0x80)
            n--;
        if (n > 0 && ((unsigned char)s[n - 1] & 0x80))
            n--;
        s[n] = '\0';
        char *cut = ld_xasprintf("%s...", s);
        free(s);
        s = cut;
    }
    return s;
}

/* ---- setup ---- */

static size_t on_body(char *p, size_t sz, size_t nm, void *ud)
{
    ld_k8s_api *a = ud;
    size_t n = sz * nm;
    if (a->body_len + n > a->body_max) {
        a->body_over = true;
        return 0;
    }
    ld_xgrow(&a->body, &a->body_cap, a->body_len + n + 1, 1);
    memcpy(a->body + a->body_len, p, n);
    a->body_len += n;
    a->body[a->body_len] = '\0';
    return n;
}

static size_t on_header(char *p, size_t sz, size_t nm, void *ud)
{
    ld_k8s_api *a = ud;
    size_t n = sz * nm;
    static const char name[] = "retry-after:";
    if (n > sizeof(name) - 1 && strncasecmp(p, name, sizeof(name) - 1) == 0) {
        size_t b = sizeof(name) - 1, e = n;
        while (b < e && (p[b] == ' ' || p[b] == '\t'))
            b++;
        while (e > b && (p[e - 1] == '\r' || p[e - 1] == '\n' || p[e - 1] == ' '))
            e--;
        size_t len = e - b < RETRY_AFTER_MAX - 1 ? e - b : RETRY_AFTER_MAX - 1;
        memcpy(a->retry_after, p + b, len);
        a->retry_after[len] = '\0';
    }
    return n;
}

/* Drops the body received (wiped: it may hold Secrets). */
static void body_reset(ld_k8s_api *a)
{
    if (a->body)
        explicit_bzero(a->body, a->body_len);
    a->body_len = 0;
    a->body_over = false;
    a->retry_after[0] = '\0';
    if (a->body)
        a->body[0] = '\0';
}

static void set_auth_header(ld_k8s_api *a)
{
    /* rebuilt whenever the token changes; the old list is wiped */
    for (struct curl_slist *h = a->headers; h; h = h->next)
        explicit_bzero(h->data, strlen(h->data));
    curl_slist_free_all(a->headers);
    a->headers = curl_slist_append(NULL, "Accept: application/json");
    if (a->token) {
        char *h = ld_xasprintf("Authorization: Bearer %s", a->token);
        a->headers = curl_slist_append(a->headers, h);
        ld_k8s_free_secret(h);
    }
    curl_easy_setopt(a->curl, CURLOPT_HTTPHEADER, a->headers);
}

static void set_blob(CURL *c, CURLoption opt, const char *data, size_t len)
{
    struct curl_blob blob = {.data = (void *)data, .len = len, .flags = CURL_BLOB_COPY};
    curl_easy_setopt(c, opt, &blob);
}

void ld_k8s_api_set_credentials(ld_k8s_api *a, const char *token, const char *cert_pem,
                                const char *key_pem)
{
    if (token) {
        ld_k8s_free_secret(a->token);
        a->token = ld_xstrdup(token);
    }
    if (cert_pem && key_pem) {
        set_blob(a->curl, CURLOPT_SSLCERT_BLOB, cert_pem, strlen(cert_pem));
        set_blob(a->curl, CURLOPT_SSLKEY_BLOB, key_pem, strlen(key_pem));
        curl_easy_setopt(a->curl, CURLOPT_SSLCERTTYPE, "PEM");
        curl_easy_setopt(a->curl, CURLOPT_SSLKEYTYPE, "PEM");
    }
    set_auth_header(a);
}

/* Host and port of url ("https://h:p/x"), for tls-server-name. */
static int split_server(const char *url, char **scheme, char **host, long *port, char **rest)
{
    CURLU *u = curl_url();
    if (!u)
        return -1;
    char *s = NULL, *h = NULL, *p = NULL, *path = NULL;
    int rc = -1;
    if (curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
        curl_url_get(u, CURLUPART_SCHEME, &s, 0) == CURLUE_OK &&
        curl_url_get(u, CURLUPART_HOST, &h, 0) == CURLUE_OK &&
        curl_url_get(u, CURLUPART_PORT, &p, CURLU_DEFAULT_PORT) == CURLUE_OK &&
        curl_url_get(u, CURLUPART_PATH, &path, 0) == CURLUE_OK) {
        *scheme = ld_xstrdup(s);
        *host = ld_xstrdup(h);
        *port = strtol(p, NULL, 10);
        *rest = ld_xstrdup(strcmp(path, "/") == 0 ? "" : path);
        rc = 0;
    }
    curl_free(s);
    curl_free(h);
    curl_free(p);
    curl_free(path);
    curl_url_cleanup(u);
    return rc;
}

static ld_k8s_api_options options_or_defaults(const ld_k8s_api_options *o)
{
    ld_k8s_api_options r = o ? *o : (ld_k8s_api_options){0};
    static const ld_http_timeouts dflt = {
        .connect_ms = LD_K8S_API_CONNECT_MS,
        .request_ms = LD_K8S_API_REQUEST_MS,
        .low_speed_bytes = LD_K8S_API_LOW_SPEED_BYTES,
        .low_speed_s = LD_K8S_API_LOW_SPEED_S,
    };
    ld_http_timeouts t = r.timeouts;
    /* here 0 means "the default" and < 0 "no total limit" */
    t.request_ms = t.request_ms == 0 ? LD_K8S_API_REQUEST_MS : t.request_ms < 0 ? 0 : t.request_ms;
    r.timeouts = ld_http_timeouts_or(&t, &dflt);
    if (!r.max_page_bytes)
        r.max_page_bytes = LD_K8S_API_MAX_PAGE_BYTES;
    if (!r.max_total_bytes)
        r.max_total_bytes = LD_K8S_API_MAX_TOTAL_BYTES;
    if (!r.max_pages)
        r.max_pages = LD_K8S_API_MAX_PAGES;
    if (r.max_retries == 0)
        r.max_retries = LD_K8S_API_RETRIES;
    else if (r.max_retries < 0)
        r.max_retries = 0;
    if (r.retry_base_ms <= 0)
        r.retry_base_ms = LD_K8S_API_RETRY_BASE_MS;
    if (r.retry_max_wait_ms <= 0)
        r.retry_max_wait_ms = LD_K8S_API_RETRY_MAX_WAIT_MS;
    return r;
}

ld_k8s_api *ld_k8s_api_new(const ld_k8s_endpoint *ep, const ld_k8s_api_options *o, ld_error *err)
{
    bool tls = strncmp(ep->server, "https://", 8) == 0;
    ld_autofree char *shown = ld_url_redact(ep->server);
    bool has_credentials = ep->token || ep->username || ep->client_cert_pem || ep->exec ||
                           ld_url_has_secrets(ep->server);
    if (!tls && has_credentials)
        return ld_error_set(err, LD_ERR_INVALID,
                            "kubeconfig %s: context \"%s\": server %s is plain http://, and its "
                            "user has credentials: lockdown does not send credentials in clear "
                            "text (use https://, or a context without a user for kubectl proxy)",
                            ep->kubeconfig, ep->context, shown),
               NULL;
    ld_k8s_api *a = ld_xcalloc(1, sizeof(*a));
    /* reference-counted; paired with curl_global_cleanup in ld_k8s_api_free */
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        free(a);
        return ld_error_set(err, LD_ERR_GENERIC, "cannot initialise libcurl"), NULL;
    }
    a->curl_global = true;
    a->o = options_or_defaults(o);
    a->t = a->o.timeouts;
    a->tls = tls;
    a->shown = ld_steal_ptr(&shown);
    a->curl = curl_easy_init();
    if (!a->curl) {
        ld_k8s_api_free(a);
        return ld_error_set(err, LD_ERR_NOMEM, "libcurl: cannot create a handle"), NULL;
    }
    CURL *c = a->curl;
    a->base = ld_xstrdup(ep->server);
    if (ep->tls_server_name && tls) {
        /* verify and send SNI for tls-server-name, connect to the server */
        char *scheme = NULL, *host = NULL, *rest = NULL;
        long port = 0;
        if (split_server(ep->server, &scheme, &host, &port, &rest) < 0) {
            ld_k8s_api_free(a);
            return ld_error_set(err, LD_ERR_INVALID, "kubeconfig %s: server %s is not a URL",
                                ep->kubeconfig, a->shown ? a->shown : "?"),
                   NULL;
        }
        free(a->base);
        a->base = ld_xasprintf("%s://%s:%ld%s", scheme, ep->tls_server_name, port, rest);
        bool v6 = strchr(host, ':') != NULL;
        char *entry = ld_xasprintf("%s:%ld:%s%s%s:%ld", ep->tls_server_name, port, v6 ? "[" : "",
                                   host, v6 ? "]" : "", port);
        a->connect_to = curl_slist_append(NULL, entry);
        free(entry);
        curl_easy_setopt(c, CURLOPT_CONNECT_TO, a->connect_to);
        free(scheme);
        free(host);
        free(rest);
    }
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, a->errbuf);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, tls ? "https" : "http");
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(c, CURLOPT_USERAGENT, "lockdown/" LOCKDOWN_VERSION);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, a);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, a);
    curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
    if (!ep->disable_compression)
        curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "");
    ld_http_timeouts_apply(c, &a->t);
    if (ep->proxy_url)
        curl_easy_setopt(c, CURLOPT_PROXY, ep->proxy_url);
    if (tls) {
        if (ep->insecure_skip_tls_verify) {
            curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 0L);
            curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 0L);
        } else {
            curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
            curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
            if (ep->ca_pem) {
                /* that CA only, as kubectl: not the system's as well */
                set_blob(c, CURLOPT_CAINFO_BLOB, ep->ca_pem, ep->ca_len);
                curl_easy_setopt(c, CURLOPT_CAINFO, NULL);
                curl_easy_setopt(c, CURLOPT_CAPATH, NULL);
            }
        }
        if (ep->client_cert_pem) {
            set_blob(c, CURLOPT_SSLCERT_BLOB, ep->client_cert_pem, ep->client_cert_len);
            set_blob(c, CURLOPT_SSLKEY_BLOB, ep->client_key_pem, ep->client_key_len);
            curl_easy_setopt(c, CURLOPT_SSLCERTTYPE, "PEM");
            curl_easy_setopt(c, CURLOPT_SSLKEYTYPE, "PEM");
        }
    }
    if (ep->username) {
        a->password = ld_xstrdup(ep->password);
        curl_easy_setopt(c, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
        curl_easy_setopt(c, CURLOPT_USERNAME, ep->username);
        curl_easy_setopt(c, CURLOPT_PASSWORD, ep->password);
        char *pair = ld_xasprintf("%s:%s", ep->username, ep->password);
        size_t n = strlen(pair);
        a->basic_b64 = ld_xmalloc(4 * ((n + 2) / 3) + 1);
        EVP_EncodeBlock((unsigned char *)a->basic_b64, (const unsigned char *)pair, (int)n);
        ld_k8s_free_secret(pair);
    }
    a->token = ld_xstrdup(ep->token);
    set_auth_header(a);
    if (ep->impersonate_user) {
        char *h = ld_xasprintf("Impersonate-User: %s", ep->impersonate_user);
        a->headers = curl_slist_append(a->headers, h);
        free(h);
        for (size_t i = 0; i < ep->impersonate_groups.n; i++) {
            h = ld_xasprintf("Impersonate-Group: %s", ep->impersonate_groups.v[i]);
            a->headers = curl_slist_append(a->headers, h);
            free(h);
        }
        if (ep->impersonate_uid) {
            h = ld_xasprintf("Impersonate-Uid: %s", ep->impersonate_uid);
            a->headers = curl_slist_append(a->headers, h);
            free(h);
        }
        curl_easy_setopt(c, CURLOPT_HTTPHEADER, a->headers);
    }
    return a;
}

void ld_k8s_api_free(ld_k8s_api *a)
{
    if (!a)
        return;
    if (a->curl)
        curl_easy_cleanup(a->curl);
    for (struct curl_slist *h = a->headers; h; h = h->next)
        explicit_bzero(h->data, strlen(h->data));
    curl_slist_free_all(a->headers);
    curl_slist_free_all(a->connect_to);
    body_reset(a);
    free(a->body);
    free(a->base);
    free(a->shown);
    ld_k8s_free_secret(a->token);
    ld_k8s_free_secret(a->password);
    ld_k8s_free_secret(a->basic_b64);
    free(a->stalled);
    if (a->curl_global)
        curl_global_cleanup();
    free(a);
}

const char *ld_k8s_api_server(const ld_k8s_api *a)
{
    return a->shown;
}

size_t ld_k8s_api_requests(const ld_k8s_api *a)
{
    return a->requests;
}

size_t ld_k8s_api_bytes(const ld_k8s_api *a)
{
    return a->bytes;
}

/* ---- one request ---- */

/* The "message" of a Status body, masked and short; "" when none. */
static char *status_message(const ld_k8s_api *a)
{
    if (!a->body_len)
        return ld_xstrdup("");
    json_error_t jerr;
    json_t *doc =
        json_loadb(a->body, a->body_len < SMALL_BODY_MAX ? a->body_len : SMALL_BODY_MAX, 0, &jerr);
    const char *msg = json_string_value(json_object_get(doc, "message"));
    char *out = msg && msg[0] ? ld_k8s_api_mask(a, msg, MESSAGE_SHOWN) : ld_xstrdup("");
    json_decref(doc);
    return out;
}

static const char *reason_phrase(long status)
{
    switch (status) {
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 406: return "Not Acceptable";
    case 410: return "Gone";
    case 429: return "Too Many Requests";
    case 500: return "Internal Server Error";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    default: return "";
    }
}

static bool retryable_status(long s)
{
    return s == 429 || s == 500 || s == 502 || s == 503 || s == 504;
}

/* The wait Retry-After asks for, in ms; -1 when absent or unreadable. */
static long retry_after_ms(const ld_k8s_api *a)
{
    const char *v = a->retry_after;
    if (!v[0])
        return -1;
    if (strspn(v, "0123456789") == strlen(v)) {
        if (strlen(v) > 6)
            return 1000L * 1000000L; /* a million seconds or more: never */
        return strtol(v, NULL, 10) * 1000L;
    }
    time_t when = curl_getdate(v, NULL);
    if (when < 0)
        return -1;
    time_t now = time(NULL);
    return when <= now ? 0 : (long)(when - now) * 1000L;
}

static void sleep_ms(long ms)
{
    struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
        ;
}

/* "GET /api/v1/pods" (page N) for messages. */
typedef struct {
    const char *path;
    size_t page; /* 0: not a list */
} req_label;

static char *what_of(const ld_k8s_api *a, req_label l)
{
    return l.page > 1
               ? ld_xasprintf("kubernetes API %s: GET %s (page %zu)", a->shown, l.path, l.page)
               : ld_xasprintf("kubernetes API %s: GET %s", a->shown, l.path);
}

/* Sends GET url with retries. On LD_K8S_API_OK the body is in a->body and
 * *status is 2xx or one the caller handles (404, 410, ...); otherwise err
 * is set. */
static ld_k8s_api_outcome get_once(ld_k8s_api *a, const char *url, size_t max, req_label l,
                                   long *status, size_t *requests, ld_error *err)
{
    ld_autofree char *what = what_of(a, l);
    if (a->stalled)
        return ld_error_set(err, LD_ERR_UNREACHABLE,
                            "%s: not sent: the server stopped answering (%s)", what, a->stalled),
               LD_K8S_API_FAILED;
    size_t left = a->o.max_total_bytes > a->bytes ? a->o.max_total_bytes - a->bytes : 0;
    if (left == 0)
        return ld_error_set(err, LD_ERR_LIMIT,
                            "%s: not sent: the answers of this run passed %zu bytes in all", what,
                            a->o.max_total_bytes),
               LD_K8S_API_UNREAD;
    bool total_limit = left < max;
    if (total_limit)
        max = left;
    for (int attempt = 0;; attempt++) {
        body_reset(a);
        a->body_max = max;
        curl_easy_setopt(a->curl, CURLOPT_URL, url);
        curl_easy_setopt(a->curl, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)max);
        a->errbuf[0] = '\0';
        a->requests++;
        (*requests)++;
        CURLcode cc = curl_easy_perform(a->curl);
        a->bytes += a->body_len;
        *status = 0;
        curl_easy_getinfo(a->curl, CURLINFO_RESPONSE_CODE, status);
        if (a->body_over || cc == CURLE_FILESIZE_EXCEEDED) {
            body_reset(a);
            if (total_limit)
                return ld_error_set(err, LD_ERR_LIMIT,
                                    "%s: the answers of this run passed %zu bytes in all; "
                                    "the rest was not read",
                                    what, a->o.max_total_bytes),
                       LD_K8S_API_UNREAD;
            return ld_error_set(err, LD_ERR_LIMIT, "%s: answer larger than %zu bytes; not read",
                                what, max),
                   LD_K8S_API_UNREAD;
        }
        if (cc == CURLE_OPERATION_TIMEDOUT) {
            char why[128];
            ld_http_timeout_describe(a->curl, &a->t, a->tls, why, sizeof(why));
            a->stalled = ld_xasprintf("GET %s: %s", l.path, why);
            body_reset(a);
            return ld_error_set(err, LD_ERR_UNREACHABLE, "%s: %s; gave up", what, why),
                   LD_K8S_API_FAILED;
        }
        bool transient = cc == CURLE_GOT_NOTHING || cc == CURLE_RECV_ERROR ||
                         cc == CURLE_SEND_ERROR || cc == CURLE_PARTIAL_FILE;
        if (cc != CURLE_OK && !(transient && attempt < a->o.max_retries)) {
            ld_autofree char *why = ld_k8s_api_mask(
                a, a->errbuf[0] ? a->errbuf : curl_easy_strerror(cc), MESSAGE_SHOWN);
            body_reset(a);
            return ld_error_set(err, LD_ERR_UNREACHABLE, "%s: %s", what, why), LD_K8S_API_FAILED;
        }
        if (cc == CURLE_OK && !(retryable_status(*status) && attempt < a->o.max_retries))
            return LD_K8S_API_OK;
        if (cc == CURLE_OK && retryable_status(*status)) {
            long wait = retry_after_ms(a);
            if (wait > a->o.retry_max_wait_ms) {
                ld_autofree char *msg = status_message(a);
                body_reset(a);
                return ld_error_set(err, LD_ERR_UNREACHABLE,
                                    "%s: HTTP %ld %s, and the server asks to wait %ld s before "
                                    "trying again; gave up%s%s",
                                    what, *status, reason_phrase(*status), wait / 1000,
                                    msg[0] ? ": " : "", msg),
                       LD_K8S_API_UNREAD;
            }
            long backoff = a->o.retry_base_ms << (attempt < 16 ? attempt : 16);
            if (backoff > a->o.retry_max_wait_ms)
                backoff = a->o.retry_max_wait_ms;
            sleep_ms(wait >= 0 ? wait : backoff);
        } else {
            long backoff = a->o.retry_base_ms << (attempt < 16 ? attempt : 16);
            sleep_ms(backoff > a->o.retry_max_wait_ms ? a->o.retry_max_wait_ms : backoff);
        }
    }
}

/* The outcome of a non-2xx status the caller does not handle itself. */
static ld_k8s_api_outcome status_outcome(ld_k8s_api *a, req_label l, long status, int retries,
                                         ld_error *err)
{
    ld_autofree char *what = what_of(a, l);
    ld_autofree char *msg = status_message(a);
    const char *sep = msg[0] ? ": " : "";
    ld_k8s_api_outcome out = LD_K8S_API_UNREAD;
    switch (status) {
    case 401:
        ld_error_set(err, LD_ERR_UNREACHABLE,
                     "%s: HTTP 401 Unauthorized: the server did not accept the credentials%s%s",
                     what, sep, msg);
        out = LD_K8S_API_UNAUTHORIZED;
        break;
    case 403:
        ld_error_set(err, LD_ERR_INVALID, "%s: HTTP 403 Forbidden%s%s", what, sep, msg);
        out = LD_K8S_API_REFUSED;
        break;
    case 404:
        ld_error_set(err, LD_ERR_NOT_FOUND, "%s: HTTP 404 Not Found: the server does not serve it",
                     what);
        out = LD_K8S_API_NOT_SERVED;
        break;
    default:
        if (retryable_status(status))
            ld_error_set(err, LD_ERR_UNREACHABLE, "%s: HTTP %ld %s after %d retries%s%s", what,
                         status, reason_phrase(status), retries, sep, msg);
        else if (status >= 300 && status < 400)
            ld_error_set(err, LD_ERR_UNREACHABLE,
                         "%s: HTTP %ld: a redirect, which lockdown does not follow (is the server "
                         "URL in the kubeconfig right?)",
                         what, status);
        else
            ld_error_set(err, LD_ERR_UNREACHABLE, "%s: HTTP %ld %s%s%s", what, status,
                         reason_phrase(status), sep, msg);
    }
    body_reset(a);
    return out;
}

/* Parses the body as one JSON text (bounded) into a tree; wipes the body. */
static ld_yaml_node *parse_body(ld_k8s_api *a, const char *what, size_t max, ld_error *err)
{
    size_t nodes = a->body_len / 5;
    if (nodes < 1000000)
        nodes = 1000000;
    ld_yaml_limits lim = {.max_bytes = max, .max_depth = PAGE_MAX_DEPTH, .max_nodes = nodes};
    ld_error perr = LD_ERROR_INIT;
    ld_yaml_node *root = ld_yaml_parse_json(what, a->body, a->body_len, &lim, &perr);
    body_reset(a);
    if (!root)
        ld_error_set(err, perr.code, "%s", perr.msg);
    return root;
}

static char *url_of(const ld_k8s_api *a, const char *path)
{
    return ld_xasprintf("%s%s", a->base, path);
}

ld_k8s_api_outcome ld_k8s_api_get(ld_k8s_api *a, const char *path, ld_yaml_node **out,
                                  ld_error *err)
{
    *out = NULL;
    req_label l = {.path = path};
    ld_autofree char *url = url_of(a, path);
    long status = 0;
    size_t requests = 0;
    ld_k8s_api_outcome rc = get_once(a, url, SMALL_BODY_MAX, l, &status, &requests, err);
    if (rc != LD_K8S_API_OK)
        return rc;
    if (status < 200 || status > 299)
        return status_outcome(a, l, status, a->o.max_retries, err);
    ld_autofree char *what = what_of(a, l);
    *out = parse_body(a, what, SMALL_BODY_MAX, err);
    return *out ? LD_K8S_API_OK : LD_K8S_API_UNREAD;
}

static void free_page(ld_yaml_node *page)
{
    /* a page dropped (a restart, a failure, a list the caller did not
     * take) may hold Secret values */
    ld_yaml_wipe(page, PAGE_MAX_DEPTH + 2);
    ld_yaml_free(page);
}

void ld_k8s_api_list_result_clear(ld_k8s_api_list_result *r)
{
    for (size_t i = 0; i < r->n; i++)
        free_page(r->pages[i]);
    free(r->pages);
    memset(r, 0, sizeof(*r));
}

/* Drops the pages read so far (a restart, or a failure). */
static void drop_pages(ld_k8s_api_list_result *r)
{
    for (size_t i = 0; i < r->n; i++)
        free_page(r->pages[i]);
    r->n = 0;
    r->items = 0;
}

ld_k8s_api_outcome ld_k8s_api_list(ld_k8s_api *a, const char *path, const char *api_version,
                                   const char *list_kind, size_t page_limit,
                                   ld_k8s_api_list_result *out, ld_error *err)
{
    memset(out, 0, sizeof(*out));
    if (!page_limit)
        page_limit = LD_K8S_API_PAGE_LIMIT;
    char *cont = NULL; /* the continue token of the last page */
    ld_k8s_api_outcome rc = LD_K8S_API_OK;
    size_t page = 0;
    for (;;) {
        page++;
        req_label l = {.path = path, .page = page};
        ld_autofree char *what = what_of(a, l);
        if (page > a->o.max_pages) {
            rc = LD_K8S_API_UNREAD;
            ld_error_set(err, LD_ERR_LIMIT,
                         "kubernetes API %s: GET %s: more than %zu pages; the list was not read "
                         "(a server that never ends the list?)",
                         a->shown, path, a->o.max_pages);
            break;
        }
        char *url;
        if (cont) {
            char *esc = curl_easy_escape(a->curl, cont, 0);
            url = ld_xasprintf("%s%s?limit=%zu&continue=%s", a->base, path, page_limit,
                               esc ? esc : "");
            curl_free(esc);
        } else {
            url = ld_xasprintf("%s%s?limit=%zu", a->base, path, page_limit);
        }
        long status = 0;
        rc = get_once(a, url, a->o.max_page_bytes, l, &status, &out->requests, err);
        free(url);
        if (rc != LD_K8S_API_OK)
            break;
        if (status == 410 && cont) {
            /* the continue token expired (the server compacted past its
             * snapshot): start again, once */
            ld_autofree char *msg = status_message(a);
            body_reset(a);
            if (out->restarts >= 1) {
                rc = LD_K8S_API_UNREAD;
                ld_error_set(err, LD_ERR_UNREACHABLE,
                             "%s: HTTP 410 Gone again after a restart: the list changes faster "
                             "than it can be read%s%s",
                             what, msg[0] ? ": " : "", msg);
                break;
            }
            out->restarts++;
            drop_pages(out);
            free(cont);
            cont = NULL;
            page = 0;
            continue;
        }
        if (status < 200 || status > 299) {
            rc = status_outcome(a, l, status, a->o.max_retries, err);
            break;
        }
        ld_yaml_node *root = parse_body(a, what, a->o.max_page_bytes, err);
        if (!root) {
            rc = LD_K8S_API_UNREAD;
            break;
        }
        const char *kind = ld_k8s_str(ld_yaml_get(root, "kind"));
        const char *api = ld_k8s_str(ld_yaml_get(root, "apiVersion"));
        const ld_yaml_node *items = ld_yaml_get(root, "items");
        if (root->kind != LD_YAML_MAP || !kind || strcmp(kind, list_kind) != 0 || !api ||
            strcmp(api, api_version) != 0 ||
            !(ld_k8s_is_null(items) || items->kind == LD_YAML_SEQ)) {
            ld_autofree char *k = ld_k8s_api_mask(a, kind ? kind : "(none)", 60);
            ld_autofree char *v = ld_k8s_api_mask(a, api ? api : "(none)", 60);
            ld_error_set(
                err, LD_ERR_CORRUPT, "%s: the answer is not a %s of %s (kind %s, apiVersion %s%s)",
                what, list_kind, api_version, k, v,
                ld_k8s_is_null(items) || items->kind == LD_YAML_SEQ ? "" : ", items not a list");
            free_page(root);
            rc = LD_K8S_API_UNREAD;
            break;
        }
        ld_xgrow(&out->pages, &out->cap, out->n + 1, sizeof(*out->pages));
        out->pages[out->n++] = root;
        out->items += ld_k8s_is_null(items) ? 0 : items->n;
        const char *next = ld_k8s_str(ld_k8s_at(root, "metadata.continue"));
        if (!next || !next[0])
            break;
        if (cont && strcmp(cont, next) == 0) {
            rc = LD_K8S_API_UNREAD;
            ld_error_set(err, LD_ERR_CORRUPT,
                         "%s: the server sent the same continue token twice; the list would "
                         "never end",
                         what);
            break;
        }
        if (strlen(next) > 64 * 1024) {
            rc = LD_K8S_API_UNREAD;
            ld_error_set(err, LD_ERR_LIMIT, "%s: a continue token longer than 64 KiB", what);
            break;
        }
        free(cont);
        cont = ld_xstrdup(next);
    }
    free(cont);
    if (rc != LD_K8S_API_OK) {
        size_t requests = out->requests;
        ld_k8s_api_list_result_clear(out);
        out->requests = requests;
    }
    return rc;
}
