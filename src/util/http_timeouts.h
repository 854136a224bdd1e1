/* How long a libcurl request may take, set and explained in one place: a
 * connect timeout, a total timeout per request, and a low-speed limit
 * (less than low_speed_bytes per second for low_speed_s seconds ends the
 * request: a stalled or dripping server gives up long before the total).
 * The same three limits the Docker engine client (docker/engine.c) and the
 * feed download (vuln/fetch.c) set, with the same wording in messages;
 * new HTTP clients (the Kubernetes API client) use this instead of a copy.
 * Not an HTTP client. */
#ifndef LD_UTIL_HTTP_TIMEOUTS_H
#define LD_UTIL_HTTP_TIMEOUTS_H

#include <stdbool.h>
#include <stddef.h>

#include <curl/curl.h>

typedef struct {
    long connect_ms;      /* TCP + TLS handshake; > 0 */
    long request_ms;      /* one request in all; 0: no total limit (the others still apply) */
    long low_speed_bytes; /* > 0 */
    long low_speed_s;     /* > 0; never more than request_ms when that is set */
} ld_http_timeouts;

/* t with every field <= 0 replaced by the given defaults (request_ms: a
 * negative value takes the default, 0 stays "no total limit"), and
 * low_speed_s capped at request_ms rounded up to whole seconds. */
ld_http_timeouts ld_http_timeouts_or(const ld_http_timeouts *t, const ld_http_timeouts *defaults);

/* Sets CURLOPT_CONNECTTIMEOUT_MS, CURLOPT_TIMEOUT_MS, CURLOPT_LOW_SPEED_LIMIT
 * and CURLOPT_LOW_SPEED_TIME on c. */
void ld_http_timeouts_apply(CURL *c, const ld_http_timeouts *t);

/* What the request on c that ended in CURLE_OPERATION_TIMEDOUT ran into, in
 * words for a message: "could not connect within 10 s", "no complete
 * answer within 60 s" or "less than 1024 bytes/s for 20 s". tls: whether
 * the connection was TLS (then "connected" means the handshake finished). */
void ld_http_timeout_describe(CURL *c, const ld_http_timeouts *t, bool tls, char *out,
                              size_t outlen);

#endif
