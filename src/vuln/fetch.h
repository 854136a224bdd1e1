/* HTTPS download of one feed file for `lockdown db update` (libcurl):
 * conditional requests (If-None-Match / If-Modified-Since), a private CA
 * bundle, a size cap, connect/low-speed/total timeouts, progress reported
 * to a callback (this file prints nothing). HTTPS only (redirects too). Not
 * a general HTTP client and no retries: the caller keeps the old data when
 * a download fails. */
#ifndef LD_VULN_FETCH_H
#define LD_VULN_FETCH_H

#include <stdbool.h>

#include "core/error.h"

/* Called while the body arrives: bytes so far and the announced total (0
 * when unknown). Return 0 to go on, non-zero to cancel the download
 * (LD_ERR_GENERIC "cancelled"). */
typedef int (*ld_fetch_progress_cb)(const char *label, unsigned long long now,
                                    unsigned long long total, void *ctx);

typedef struct {
    const char *url;               /* https://... */
    const char *cacert;            /* CA bundle file; NULL: the system store */
    const char *etag;              /* sent as If-None-Match; NULL: none */
    const char *last_modified;     /* sent as If-Modified-Since; NULL: none */
    unsigned long long max_bytes;  /* body size cap; 0: 2 GiB */
    long connect_timeout_s;        /* 0: 30 s */
    long timeout_s;                /* whole transfer; 0: 1800 s */
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
} ld_fetch_result;

/* Downloads req->url into dest_path (created with O_EXCL; must not exist).
 * Returns 0 with *res filled (200 or 304), or a negative ld_errcode:
 * LD_ERR_UNREACHABLE (connection, TLS, timeout, HTTP error status),
 * LD_ERR_CORRUPT (truncated body), LD_ERR_LIMIT (size cap). On failure
 * dest_path is removed. */
int ld_fetch_to_file(const ld_fetch_request *req, const char *dest_path, ld_fetch_result *res,
                     ld_error *err);
void ld_fetch_result_free(ld_fetch_result *r);

#endif
