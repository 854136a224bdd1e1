/* libcurl download of one feed file (see fetch.h). */
#include "vuln/fetch.h"

#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "util/mem.h"

typedef struct {
    int fd;
    unsigned long long bytes, max;
    bool over;
    int werr;
    ld_fetch_result *res;
    const char *label;
    ld_fetch_progress_cb progress;
    void *progress_ctx;
    bool cancelled;
} xfer;

static size_t on_body(char *p, size_t sz, size_t nm, void *ud)
{
    xfer *x = ud;
    size_t n = sz * nm;
    if (x->bytes + n > x->max) {
        x->over = true;
        return 0;
    }
    for (size_t off = 0; off < n;) {
        ssize_t w = write(x->fd, p + off, n - off);
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0) {
            x->werr = errno;
            return 0;
        }
        off += (size_t)w;
    }
    x->bytes += n;
    return n;
}

/* Copies a header value without surrounding blanks / CRLF. */
static char *header_value(const char *v, size_t n)
{
    while (n && (*v == ' ' || *v == '\t')) {
        v++;
        n--;
    }
    while (n && (v[n - 1] == '\r' || v[n - 1] == '\n' || v[n - 1] == ' '))
        n--;
    if (n > 1024)
        return NULL;
    return ld_xstrndup(v, n);
}

static size_t on_header(char *p, size_t sz, size_t nm, void *ud)
{
    xfer *x = ud;
    size_t n = sz * nm;
    if (n >= 5 && memcmp(p, "HTTP/", 5) == 0) {
        /* a new response (redirect): forget the previous one's headers */
        free(x->res->etag);
        free(x->res->last_modified);
        x->res->etag = x->res->last_modified = NULL;
    } else if (n > 5 && strncasecmp(p, "etag:", 5) == 0) {
        free(x->res->etag);
        x->res->etag = header_value(p + 5, n - 5);
    } else if (n > 14 && strncasecmp(p, "last-modified:", 14) == 0) {
        free(x->res->last_modified);
        x->res->last_modified = header_value(p + 14, n - 14);
    }
    return n;
}

static int on_progress(void *ud, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
                       curl_off_t ulnow)
{
    (void)ultotal;
    (void)ulnow;
    xfer *x = ud;
    unsigned long long now = dlnow > 0 ? (unsigned long long)dlnow : 0;
    unsigned long long total = dltotal > 0 ? (unsigned long long)dltotal : 0;
    if (x->progress(x->label, now, total, x->progress_ctx) != 0) {
        x->cancelled = true;
        return 1; /* libcurl aborts the transfer */
    }
    return 0;
}

void ld_fetch_result_free(ld_fetch_result *r)
{
    if (!r)
        return;
    free(r->etag);
    free(r->last_modified);
    r->etag = r->last_modified = NULL;
}

int ld_fetch_to_file(const ld_fetch_request *req, const char *dest_path, ld_fetch_result *res,
                     ld_error *err)
{
    memset(res, 0, sizeof(*res));
    const char *label = req->label ? req->label : req->url;
    if (strncmp(req->url, "https://", 8) != 0)
        return ld_error_set(err, LD_ERR_INVALID, "%s: %s: only https:// URLs are supported", label,
                            req->url);
    int fd = open(dest_path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0)
        return ld_error_set_errno(err, LD_ERR_GENERIC, errno, "cannot create %s", dest_path);
    CURL *c = curl_easy_init();
    if (!c) {
        close(fd);
        unlink(dest_path);
        return ld_error_set(err, LD_ERR_NOMEM, "%s: cannot initialise libcurl", label);
    }
    xfer x = {.fd = fd,
              .max = req->max_bytes ? req->max_bytes : (2ULL << 30),
              .res = res,
              .label = label,
              .progress = req->progress,
              .progress_ctx = req->progress_ctx};
    char errbuf[CURL_ERROR_SIZE] = "";
    struct curl_slist *hdrs = NULL;
    char *inm = NULL, *ims = NULL;
    if (req->etag && *req->etag) {
        inm = ld_xasprintf("If-None-Match: %s", req->etag);
        hdrs = curl_slist_append(hdrs, inm);
    }
    if (req->last_modified && *req->last_modified) {
        ims = ld_xasprintf("If-Modified-Since: %s", req->last_modified);
        hdrs = curl_slist_append(hdrs, ims);
    }
    curl_easy_setopt(c, CURLOPT_URL, req->url);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "https");
    curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "https");
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(c, CURLOPT_MAXREDIRS, 5L);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_USERAGENT, "lockdown/" LOCKDOWN_VERSION);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &x);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, &x);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT,
                     req->connect_timeout_s ? req->connect_timeout_s : 30L);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, req->timeout_s ? req->timeout_s : 1800L);
    curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1L);
    curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, 60L);
    curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)x.max);
    curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, ""); /* gzip etc. if the server offers */
    if (req->cacert)
        curl_easy_setopt(c, CURLOPT_CAINFO, req->cacert);
    if (req->progress) {
        curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
        curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, on_progress);
        curl_easy_setopt(c, CURLOPT_XFERINFODATA, &x);
    }
    CURLcode cc = curl_easy_perform(c);
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &res->status);
    int rc = 0;
    if (x.cancelled)
        rc = ld_error_set(err, LD_ERR_GENERIC, "%s: download cancelled", label);
    else if (x.over || cc == CURLE_FILESIZE_EXCEEDED)
        rc = ld_error_set(err, LD_ERR_LIMIT, "%s: download larger than the limit of %llu bytes",
                          label, x.max);
    else if (x.werr)
        rc = ld_error_set_errno(err, LD_ERR_GENERIC, x.werr, "%s: writing %s", label, dest_path);
    else if (cc == CURLE_PARTIAL_FILE || cc == CURLE_RECV_ERROR || cc == CURLE_BAD_CONTENT_ENCODING)
        rc = ld_error_set(err, LD_ERR_CORRUPT, "%s: %s: truncated download (%s)", label, req->url,
                          errbuf[0] ? errbuf : curl_easy_strerror(cc));
    else if (cc != CURLE_OK)
        rc = ld_error_set(err, LD_ERR_UNREACHABLE, "%s: %s: %s", label, req->url,
                          errbuf[0] ? errbuf : curl_easy_strerror(cc));
    else if (res->status == 304)
        res->not_modified = true;
    else if (res->status != 200)
        rc = ld_error_set(err, LD_ERR_UNREACHABLE, "%s: %s: HTTP status %ld", label, req->url,
                          res->status);
    res->bytes = x.bytes;
    curl_easy_cleanup(c);
    curl_slist_free_all(hdrs);
    free(inm);
    free(ims);
    if (close(fd) != 0 && rc == 0)
        rc = ld_error_set_errno(err, LD_ERR_GENERIC, errno, "%s: writing %s", label, dest_path);
    if (rc < 0 || res->not_modified)
        unlink(dest_path);
    if (rc < 0)
        ld_fetch_result_free(res);
    return rc;
}
