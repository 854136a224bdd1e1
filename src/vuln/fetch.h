/* HTTPS download of one feed file for `lockdown db update` (libcurl):
 * conditional requests (If-None-Match / If-Modified-Since), a private CA
 * bundle, a size cap, connect/low-speed/total timeouts, progress reported
 * to a callback (this file prints nothing). HTTPS only (redirects too). Not
 * a general HTTP client and no retries: the caller keeps the old data when
 * a download fails. Validators (ETag, Last-Modified) are header values a
 * server chose: one that is not a valid HTTP field value (RFC 9110: visible
 * ASCII, space, tab, obs-text; no CR, LF or other control) is neither
 * returned nor sent, so it cannot inject a header. Messages show the URL
 * without credentials (util/url_redact.h). */
#ifndef LD_VULN_FETCH_H
#define LD_VULN_FETCH_H

#include <stdbool.h>

#include "core/error.h"

/* Called while the body arrives: bytes so far and the announced total (0
 * when unknown). Return 0 to go on, non-zero to cancel the download
 * (LD_ERR_GENERIC "cancelled"). */
typedef int (*ld_fetch_progress_cb)(const char *label, unsigned long long now,
                                    unsigned long long total, void *ctx);

#define LD_FETCH_CONNECT_S 30L
#define LD_FETCH_TOTAL_S 1800L
#define LD_FETCH_LOW_SPEED_BYTES 1024L
#define LD_FETCH_LOW_SPEED_S 30L

typedef struct {
    const char *url;               /* https://... */
    const char *cacert;            /* CA bundle file; NULL: the system store */
    const char *etag;              /* sent as If-None-Match; NULL: none; refused if not valid */
    const char *last_modified;     /* sent as If-Modified-Since; NULL: none; same */
    unsigned long long max_bytes;  /* body size cap; 0: 2 GiB */
    long connect_timeout_s;        /* 0: LD_FETCH_CONNECT_S */
    long timeout_s;                /* whole transfer; 0: LD_FETCH_TOTAL_S */
    /* A server that sends less than low_speed_bytes per second for
     * low_speed_s seconds is given up on (a stalled or dripping server,
     * long before timeout_s). 0: the defaults; low_speed_bytes < 0: none. */
    long low_speed_bytes;
    long low_speed_s;
    ld_fetch_progress_cb progress; /* NULL: none */
    void *progress_ctx;
    const char *label; /* name shown in progress and errors; NULL: url */
} ld_fetch_request;

typedef struct {
    long status;         /* final HTTP status */
    bool not_modified;   /* 304: dest_path was not written */
    char *etag;          /* ETag of the response, or NULL (caller frees via ld_fetch_result_free) */
    char *last_modified; /* Last-Modified of the response, or NULL */
    unsigned long long bytes;
    char *note; /* a validator refused (not a valid header value), said in a sentence; or NULL */
} ld_fetch_result;

/* Downloads req->url into dest_path (created with O_EXCL; must not exist).
 * Returns 0 with *res filled (200 or 304), or a negative ld_errcode:
 * LD_ERR_UNREACHABLE (connection, TLS, HTTP error status; a timeout, said
 * as "could not connect within N s", "less than N bytes/s for N s" or "no
 * complete download within N s"),
 * LD_ERR_CORRUPT (truncated body), LD_ERR_LIMIT (size cap). On failure
 * dest_path is removed. */
int ld_fetch_to_file(const ld_fetch_request *req, const char *dest_path, ld_fetch_result *res,
                     ld_error *err);
void ld_fetch_result_free(ld_fetch_result *r);

/* True when v may be sent as an HTTP header field value (RFC 9110
 * field-value: VCHAR, SP, HTAB, obs-text 0x80-0xFF), not empty, at most
 * 1024 bytes: no CR or LF that would end the header and start another. */
bool ld_fetch_header_value_ok(const char *v);

#endif
