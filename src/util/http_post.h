/* One HTTP POST of a body to a receiver (an OpenTelemetry collector,
 * Elasticsearch) with libcurl: bounded in time (util/http_timeouts.h) and
 * in the size of the answer read, no redirects followed (a redirect could
 * carry the Authorization header elsewhere: it is an answer like any
 * other), http and https only, TLS verified (against cacert when given),
 * and one retry after a back-off when the receiver says it is busy (429,
 * 502, 503, 504; Retry-After honoured up to max_backoff_ms). The
 * Authorization value is a secret: it is never put in a message, and the
 * copies made for the request are wiped before they are freed. Messages
 * name the URL without its credentials (util/url_redact.h). Not a general
 * HTTP client: no cookies, no proxies beyond libcurl's environment ones,
 * no streaming. */
#ifndef LD_UTIL_HTTP_POST_H
#define LD_UTIL_HTTP_POST_H

#include <stddef.h>

#include "core/error.h"
#include "util/http_timeouts.h"

#define LD_HTTP_POST_MAX_ANSWER ((size_t)16 * 1024 * 1024)

typedef struct {
    const char *url;          /* http:// or https:// */
    const char *label;        /* names the receiver in messages ("otlp"); NULL: the URL */
    const char *content_type; /* "application/json" */
    const char *body;
    size_t len;
    const char *authorization; /* the full header value ("Bearer ..."), or NULL */
    const char *cacert;        /* PEM file of CAs for https; NULL: the system's */
    ld_http_timeouts timeouts; /* zero fields: 10 s connect, 60 s in all, 1 KiB/s for 30 s */
    size_t max_answer;         /* bytes of answer read at most; 0: LD_HTTP_POST_MAX_ANSWER */
    long max_backoff_ms;       /* longest wait before the retry; 0: 10 s */
    long default_backoff_ms;   /* wait when no Retry-After is given; 0: 1 s */
} ld_http_post_request;

typedef struct {
    long status; /* the last answer's HTTP status */
    char *body;  /* the last answer's body, NUL-terminated (may be empty) */
    size_t len;
    int attempts; /* 1, or 2 after a retry */
} ld_http_post_response;

/* Sends req. Returns 0 when the receiver answered (whatever the status: the
 * caller reads it), after at most one retry of a busy answer; < 0 when no
 * answer came (LD_ERR_UNREACHABLE: could not connect, TLS failed, timed
 * out; LD_ERR_LIMIT: the answer was larger than max_answer; LD_ERR_INVALID:
 * the URL's scheme, or a line break in the Authorization value), with err
 * naming the receiver. res is filled either way; free it with
 * ld_http_post_response_clear. */
int ld_http_post(const ld_http_post_request *req, ld_http_post_response *res, ld_error *err);
void ld_http_post_response_clear(ld_http_post_response *res);

/* Seconds of a Retry-After header value (delta-seconds only; an HTTP date
 * is not read), or -1. Exposed for tests. */
long ld_http_retry_after_s(const char *value, size_t len);

#endif
