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
#include "util/url_redact.h"

#define HEADER_VALUE_MAX 1024

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

bool ld_fetch_header_value_ok(const char *v)
{
    size_t n = 0;
    for (const unsigned char *p = (const unsigned char *)v; *p; p++, n++)
        if (!(*p == '\t' || (*p >= 0x20 && *p != 0x7F)) || n >= HEADER_VALUE_MAX)
            return false;
    return n > 0;
}

/* Adds a sentence to res->note. */
static void add_note(ld_fetch_result *res, const char *sentence)
{
    char *note = res->note ? ld_xasprintf("%s; %s", res->note, sentence) : ld_xstrdup(sentence);
    free(res->note);
    res->note = note;
}

/* The value of a validator header line (without the name and the colon),
 * without surrounding blanks and the line's CRLF; NULL with a note when the
 * rest is not a valid field value (a bare CR inside would become a header
 * of its own when sent back). */
static char *header_value(ld_fetch_result *res, const char *name, const char *v, size_t n)
{
    while (n && (*v == ' ' || *v == '\t')) {
        v++;
        n--;
    }
    if (n && v[n - 1] == '\n')
        n--;
    if (n && v[n - 1] == '\r')
        n--;
    while (n && (v[n - 1] == ' ' || v[n - 1] == '\t'))
        n--;
    char *value = memchr(v, '\0', n) ? NULL : ld_xstrndup(v, n);
    if (value && ld_fetch_header_value_ok(value))
        return value;
    free(value);
    char *sentence = ld_xasprintf("the server's %s header is not a valid HTTP header value "
                                  "(a control character, or empty, or over %d bytes): not kept",
                                  name, HEADER_VALUE_MAX);
    add_note(res, sentence);
    free(sentence);
    return NULL;
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
        x->res->etag = header_value(x->res, "ETag", p + 5, n - 5);
    } else if (n > 14 && strncasecmp(p, "last-modified:", 14) == 0) {
        free(x->res->last_modified);
        x->res->last_modified = header_value(x->res, "Last-Modified", p + 14, n - 14);
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
    free(r->note);
    r->etag = r->last_modified = r->note = NULL;
}

int ld_fetch_to_file(const ld_fetch_request *req, const char *dest_path, ld_fetch_result *res,
                     ld_error *err)
{
    memset(res, 0, sizeof(*res));
    char *shown_url = ld_url_redact(req->url); /* for messages: no credentials */
    const char *label = req->label ? req->label : shown_url;
    if (strncmp(req->url, "https://", 8) != 0) {
        int rc = ld_error_set(err, LD_ERR_INVALID, "%s: %s: only https:// URLs are supported",
                              label, shown_url);
        free(shown_url);
        return rc;
    }
    int fd = open(dest_path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) {
        int rc = ld_error_set_errno(err, LD_ERR_GENERIC, errno, "cannot create %s", dest_path);
        free(shown_url);
        return rc;
    }
    CURL *c = curl_easy_init();
    if (!c) {
        close(fd);
        unlink(dest_path);
        int rc = ld_error_set(err, LD_ERR_NOMEM, "%s: cannot initialise libcurl", label);
        free(shown_url);
        return rc;
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
    /* a validator recorded by an older version may hold what the check
     * above now refuses: it is not sent (an unconditional request) */
    if (req->etag && *req->etag && ld_fetch_header_value_ok(req->etag)) {
        inm = ld_xasprintf("If-None-Match: %s", req->etag);
        hdrs = curl_slist_append(hdrs, inm);
    } else if (req->etag && *req->etag) {
        add_note(res, "the recorded ETag is not a valid HTTP header value: not sent");
    }
    if (req->last_modified && *req->last_modified && ld_fetch_header_value_ok(req->last_modified)) {
        ims = ld_xasprintf("If-Modified-Since: %s", req->last_modified);
        hdrs = curl_slist_append(hdrs, ims);
    } else if (req->last_modified && *req->last_modified) {
        add_note(res, "the recorded Last-Modified is not a valid HTTP header value: not sent");
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
    /* A limit of 1 B/s never fired against a server sending exactly that:
     * the limit is a rate a real download never falls under for long. */
    long connect_s = req->connect_timeout_s > 0 ? req->connect_timeout_s : LD_FETCH_CONNECT_S;
    long total_s = req->timeout_s > 0 ? req->timeout_s : LD_FETCH_TOTAL_S;
    long slow_bytes = req->low_speed_bytes ? req->low_speed_bytes : LD_FETCH_LOW_SPEED_BYTES;
    long slow_s = req->low_speed_s > 0 ? req->low_speed_s : LD_FETCH_LOW_SPEED_S;
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, connect_s);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, total_s);
    if (slow_bytes > 0) {
        curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, slow_bytes);
        curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, slow_s);
    }
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
        rc = ld_error_set(err, LD_ERR_CORRUPT, "%s: %s: truncated download (%s)", label, shown_url,
                          errbuf[0] ? errbuf : curl_easy_strerror(cc));
    else if (cc == CURLE_OPERATION_TIMEDOUT) {
        /* connected: TCP and TLS both done (https only) */
        double connected = 0, elapsed = 0;
        curl_easy_getinfo(c, CURLINFO_APPCONNECT_TIME, &connected);
        curl_easy_getinfo(c, CURLINFO_TOTAL_TIME, &elapsed);
        if (connected <= 0)
            rc = ld_error_set(err, LD_ERR_UNREACHABLE, "%s: %s: could not connect within %ld s",
                              label, shown_url, connect_s);
        else if (slow_bytes > 0 && elapsed + 0.5 < (double)total_s)
            rc = ld_error_set(err, LD_ERR_UNREACHABLE,
                              "%s: %s: the server sent less than %ld bytes/s for %ld s; gave up",
                              label, shown_url, slow_bytes, slow_s);
        else
            rc = ld_error_set(err, LD_ERR_UNREACHABLE,
                              "%s: %s: no complete download within %ld s; gave up", label,
                              shown_url, total_s);
    } else if (cc != CURLE_OK)
        rc = ld_error_set(err, LD_ERR_UNREACHABLE, "%s: %s: %s", label, shown_url,
                          errbuf[0] ? errbuf : curl_easy_strerror(cc));
    else if (res->status == 304)
        res->not_modified = true;
    else if (res->status != 200)
        rc = ld_error_set(err, LD_ERR_UNREACHABLE, "%s: %s: HTTP status %ld", label, shown_url,
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
    free(shown_url);
    return rc;
}
