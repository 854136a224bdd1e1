/* POSTing a body to a receiver with libcurl (see http_post.h). */
#include "util/http_post.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <curl/curl.h>

#include "util/mem.h"
#include "util/url_redact.h"

#define DEFAULT_BACKOFF_MS 1000L
#define DEFAULT_MAX_BACKOFF_MS 10000L

static const ld_http_timeouts default_timeouts = {
    .connect_ms = 10000, .request_ms = 60000, .low_speed_bytes = 1024, .low_speed_s = 30};

typedef struct {
    ld_http_post_response *res;
    size_t cap; /* of res->body */
    size_t max;
    bool too_big;
    long retry_after_s; /* -1: none */
} xfer;

static size_t on_body(char *p, size_t size, size_t nmemb, void *ud)
{
    xfer *x = ud;
    size_t n = size * nmemb;
    if (n > x->max - x->res->len) {
        x->too_big = true;
        return 0; /* libcurl ends the transfer */
    }
    ld_xgrow(&x->res->body, &x->cap, x->res->len + n + 1, 1);
    memcpy(x->res->body + x->res->len, p, n);
    x->res->len += n;
    x->res->body[x->res->len] = '\0';
    return n;
}

long ld_http_retry_after_s(const char *value, size_t len)
{
    size_t i = 0;
    while (i < len && (value[i] == ' ' || value[i] == '\t'))
        i++;
    if (i == len)
        return -1;
    long v = 0;
    size_t digits = 0;
    for (; i < len && value[i] >= '0' && value[i] <= '9'; i++, digits++)
        if (__builtin_mul_overflow(v, 10, &v) || __builtin_add_overflow(v, value[i] - '0', &v))
            return -1;
    while (i < len && (value[i] == ' ' || value[i] == '\t' || value[i] == '\r' || value[i] == '\n'))
        i++;
    return digits && i == len ? v : -1;
}

static size_t on_header(char *p, size_t size, size_t nmemb, void *ud)
{
    xfer *x = ud;
    size_t n = size * nmemb;
    if (n >= 5 && memcmp(p, "HTTP/", 5) == 0)
        x->retry_after_s = -1; /* a new answer */
    else if (n > 12 && strncasecmp(p, "retry-after:", 12) == 0)
        x->retry_after_s = ld_http_retry_after_s(p + 12, n - 12);
    return n;
}

/* Frees a header list after wiping its strings (one holds the secret). */
static void free_headers(struct curl_slist *h)
{
    for (struct curl_slist *s = h; s; s = s->next)
        explicit_bzero(s->data, strlen(s->data));
    curl_slist_free_all(h);
}

/* Appends a copy of line to *h; false (and *h kept) when libcurl cannot. */
static bool add_header(struct curl_slist **h, const char *line)
{
    struct curl_slist *n = curl_slist_append(*h, line);
    if (!n)
        return false;
    *h = n;
    return true;
}

static bool busy(long status)
{
    return status == 429 || status == 502 || status == 503 || status == 504;
}

static void sleep_ms(long ms)
{
    struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0)
        ;
}

/* One attempt. 0 with res->status set, or < 0 with err set. */
static int attempt(const ld_http_post_request *req, struct curl_slist *hdrs, const char *label,
                   xfer *x, ld_error *err)
{
    ld_http_post_response *res = x->res;
    free(res->body);
    res->body = NULL;
    res->len = 0;
    res->status = 0;
    x->cap = 0;
    x->too_big = false;
    x->retry_after_s = -1;
    CURL *c = curl_easy_init();
    if (!c)
        return ld_error_set(err, LD_ERR_GENERIC, "%s: cannot start an HTTP client", label);
    char errbuf[CURL_ERROR_SIZE] = "";
    ld_http_timeouts t = ld_http_timeouts_or(&req->timeouts, &default_timeouts);
    curl_easy_setopt(c, CURLOPT_URL, req->url);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_USERAGENT, "lockdown/" LOCKDOWN_VERSION);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
    curl_easy_setopt(c, CURLOPT_POST, 1L);
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, req->body);
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)req->len);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, x);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, x);
    curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)x->max);
    if (req->cacert)
        curl_easy_setopt(c, CURLOPT_CAINFO, req->cacert);
    ld_http_timeouts_apply(c, &t);
    CURLcode cc = curl_easy_perform(c);
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &res->status);
    int rc = 0;
    if (x->too_big || cc == CURLE_FILESIZE_EXCEEDED) {
        rc = ld_error_set(err, LD_ERR_LIMIT, "%s: the answer is larger than %zu bytes", label,
                          x->max);
    } else if (cc == CURLE_OPERATION_TIMEDOUT) {
        char why[128];
        ld_http_timeout_describe(c, &t, strncasecmp(req->url, "https://", 8) == 0, why,
                                 sizeof(why));
        rc = ld_error_set(err, LD_ERR_UNREACHABLE, "%s: %s", label, why);
    } else if (cc != CURLE_OK) {
        rc = ld_error_set(err, LD_ERR_UNREACHABLE, "%s: %s", label,
                          errbuf[0] ? errbuf : curl_easy_strerror(cc));
    }
    curl_easy_cleanup(c);
    if (!res->body)
        res->body = ld_xstrdup("");
    return rc;
}

int ld_http_post(const ld_http_post_request *req, ld_http_post_response *res, ld_error *err)
{
    memset(res, 0, sizeof(*res));
    char *shown = ld_url_redact(req->url);
    const char *label = req->label ? req->label : shown;
    int rc = 0;
    struct curl_slist *hdrs = NULL;
    if (strncasecmp(req->url, "http://", 7) != 0 && strncasecmp(req->url, "https://", 8) != 0) {
        rc = ld_error_set(err, LD_ERR_INVALID,
                          "%s: %s: only http:// and https:// URLs are supported", label, shown);
        goto out;
    }
    if (req->authorization && strpbrk(req->authorization, "\r\n")) {
        rc = ld_error_set(err, LD_ERR_INVALID,
                          "%s: the Authorization value holds a line break; refusing to send it",
                          label);
        goto out;
    }
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        rc = ld_error_set(err, LD_ERR_GENERIC, "%s: cannot initialise libcurl", label);
        goto out;
    }
    char *ct = ld_xasprintf("Content-Type: %s",
                            req->content_type ? req->content_type : "application/octet-stream");
    bool ok = add_header(&hdrs, ct) && add_header(&hdrs, "Expect:"); /* no 100-continue wait */
    free(ct);
    if (ok && req->authorization) {
        size_t n = strlen("Authorization: ") + strlen(req->authorization) + 1;
        char *h = ld_xmalloc(n);
        snprintf(h, n, "Authorization: %s", req->authorization);
        ok = add_header(&hdrs, h);
        explicit_bzero(h, n);
        free(h);
    }
    if (!ok) {
        rc = ld_error_set(err, LD_ERR_GENERIC, "%s: out of memory for the request headers", label);
        curl_global_cleanup();
        goto out;
    }
    xfer x = {.res = res,
              .max = req->max_answer ? req->max_answer : LD_HTTP_POST_MAX_ANSWER,
              .retry_after_s = -1};
    long max_backoff = req->max_backoff_ms > 0 ? req->max_backoff_ms : DEFAULT_MAX_BACKOFF_MS;
    long backoff = req->default_backoff_ms > 0 ? req->default_backoff_ms : DEFAULT_BACKOFF_MS;
    for (int i = 0; i < 2; i++) {
        res->attempts = i + 1;
        rc = attempt(req, hdrs, label, &x, err);
        if (rc < 0 || !busy(res->status) || i == 1)
            break;
        long wait = backoff;
        if (x.retry_after_s >= 0)
            wait = x.retry_after_s > max_backoff / 1000 ? max_backoff : x.retry_after_s * 1000;
        sleep_ms(wait > max_backoff ? max_backoff : wait);
    }
    curl_global_cleanup();
out:
    free_headers(hdrs);
    free(shown);
    return rc;
}

void ld_http_post_response_clear(ld_http_post_response *res)
{
    free(res->body);
    memset(res, 0, sizeof(*res));
}
