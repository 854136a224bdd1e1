/* A registry blob as a pull stream (ld_blob_read_fn) for the image
 * reader: GET /v2/REPO/blobs/DIGEST on a curl multi handle, started at the
 * first read, each curl chunk handed out before the next is taken (the
 * transfer is paused meanwhile), so memory is one chunk whatever the
 * layer's size. The registry's redirect to its storage is followed
 * (bounded, no loops, never from https to http, the Authorization header
 * only on the registry's own host); a 401 gets one fresh token; a
 * connection failure, 429 or 5xx is retried from the start with back-off
 * while nothing has been handed out yet. The server's pace is measured
 * only while the reader waits for it (a paused transfer is not the
 * server's fault), as in image/engine_source.c. The bytes are not hashed
 * here: the layer reader verifies the digest as it streams; the size is
 * held to expect_size when one is given. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "registry/client_internal.h"
#include "util/cleanup.h"
#include "util/mem.h"
#include "util/url_redact.h"

#define ERR_BODY_KEPT 4096

struct ld_reg_blob {
    ld_reg_client *c;
    char *repo, *digest, *what;
    uint64_t expect_size;
    uint64_t delivered;     /* handed to the reader */
    uint64_t body_received; /* of the current attempt */
    bool eof, failed, has_slot;
    ld_error failure;
    /* the current attempt */
    char *url;
    char *auth; /* Authorization line; secret */
    struct curl_slist *hdr;
    CURLM *multi;
    CURL *easy;
    bool added, xfer_done, size_wrong, err_dropped;
    CURLcode result;
    ld_reg_response resp;
    reg_recv rx;
    char errbuf[CURL_ERROR_SIZE];
    char errbody[ERR_BODY_KEPT + 1];
    size_t errlen;
    /* the chunk being handed out */
    uint8_t *buf;
    size_t len, pos, cap;
    bool paused;
    /* retries and redirects over the whole stream */
    int attempt, redirects;
    bool reauthed;
    ld_strlist seen;
    /* pace while waiting */
    long waited_ms;
    uint64_t window_start;
};

static long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

ld_reg_blob *ld_reg_blob_open(ld_reg_client *c, const char *repo, const char *digest,
                              uint64_t expect_size)
{
    ld_reg_blob *b = ld_xcalloc(1, sizeof(*b));
    b->c = c;
    b->repo = ld_xstrdup(repo);
    b->digest = ld_xstrdup(digest);
    b->what = ld_xasprintf("blob %s@%s", repo ? repo : "", digest ? digest : "");
    b->expect_size = expect_size;
    b->rx.resp = &b->resp;
    return b;
}

uint64_t ld_reg_blob_bytes(const ld_reg_blob *b)
{
    return b->delivered;
}

/* Ends the current attempt's transfer (keeps url, auth, counters). */
static void attempt_end(ld_reg_blob *b)
{
    if (b->added)
        curl_multi_remove_handle(b->multi, b->easy);
    b->added = false;
    if (b->easy)
        reg_handle_put(b->c, b->easy);
    b->easy = NULL;
    reg_headers_free(b->hdr);
    b->hdr = NULL;
    ld_reg_response_clear(&b->resp);
    b->len = b->pos = 0;
    b->paused = b->xfer_done = b->size_wrong = b->err_dropped = false;
    b->errlen = 0;
    b->errbody[0] = '\0';
    b->body_received = 0;
}

static void release(ld_reg_blob *b)
{
    attempt_end(b);
    if (b->multi)
        curl_multi_cleanup(b->multi);
    b->multi = NULL;
    if (b->has_slot)
        reg_slot_give(b->c);
    b->has_slot = false;
}

void ld_reg_blob_close(ld_reg_blob *b)
{
    if (!b)
        return;
    release(b);
    reg_secret_free(b->auth);
    free(b->url);
    free(b->repo);
    free(b->digest);
    free(b->what);
    free(b->buf);
    ld_strlist_clear(&b->seen);
    free(b);
}

static int fail(ld_reg_blob *b, ld_error *err)
{
    b->failed = true;
    b->failure = *err;
    release(b);
    return err->code;
}

static size_t on_chunk(reg_recv *rx, char *p, size_t n)
{
    ld_reg_blob *b = rx->sink_ud;
    long status = b->resp.status;
    if (status != 200) {
        size_t room = ERR_BODY_KEPT - b->errlen;
        size_t k = n < room ? n : room;
        memcpy(b->errbody + b->errlen, p, k);
        b->errlen += k;
        b->errbody[b->errlen] = '\0';
        if (b->errlen >= ERR_BODY_KEPT) {
            b->err_dropped = true;
            return 0; /* enough of an error answer */
        }
        return n;
    }
    if (b->pos < b->len) {
        b->paused = true;
        return CURL_WRITEFUNC_PAUSE;
    }
    if (b->expect_size && b->body_received + n > b->expect_size) {
        b->size_wrong = true;
        return 0;
    }
    if (n > b->cap) {
        free(b->buf);
        b->buf = ld_xmalloc(n);
        b->cap = n;
    }
    memcpy(b->buf, p, n);
    b->len = n;
    b->pos = 0;
    b->body_received += n;
    return n;
}

/* Starts an attempt at b->url. */
static int attempt_start(ld_reg_blob *b, ld_error *err)
{
    ld_reg_client *c = b->c;
    if (!b->multi && !(b->multi = curl_multi_init()))
        abort();
    bool on_host = reg_url_on_host(c, b->url);
    b->hdr = curl_slist_append(NULL, "Expect:");
    if (on_host && b->auth && *b->auth)
        b->hdr = curl_slist_append(b->hdr, b->auth);
    reg_call call = {.method = "GET",
                     .url = b->url,
                     .headers = b->hdr,
                     .verify =
                         !(on_host && ld_reg_transport_used(c) == LD_REG_TRANSPORT_TLS_UNVERIFIED)};
    reg_recv_reset(&b->rx);
    b->rx.max_body = SIZE_MAX;
    b->rx.sink = on_chunk;
    b->rx.sink_ud = b;
    b->easy = reg_handle_get(c);
    reg_easy_setup(c, b->easy, &call, &b->rx, b->errbuf, false);
    /* a stream has no total time limit: its pace is measured instead */
    curl_easy_setopt(b->easy, CURLOPT_TIMEOUT_MS, 0L);
    if (curl_multi_add_handle(b->multi, b->easy) != CURLM_OK)
        return ld_error_set(err, LD_ERR_GENERIC, "registry %s: %s: cannot start the request",
                            c->host, b->what);
    b->added = true;
    b->waited_ms = 0;
    b->window_start = 0;
    return 0;
}

/* The first read: contact, auth, URL. */
static int stream_begin(ld_reg_blob *b, ld_error *err)
{
    ld_reg_client *c = b->c;
    if (!reg_repo_valid(b->repo) || !reg_digest_valid(b->digest))
        return ld_error_set(err, LD_ERR_INVALID, "registry %s: %s: not a repository and digest",
                            c->host, b->what);
    int rc = reg_contact(c, err);
    if (rc < 0)
        return rc;
    ld_autofree char *path = ld_xasprintf("/v2/%s/blobs/%s", b->repo, b->digest);
    if ((rc = reg_url_for(c, path, &b->url, err)) < 0)
        return rc;
    if ((rc = reg_auth_header(c, b->repo, LD_REG_PULL, false, NULL, &b->auth, err)) < 0)
        return rc;
    ld_strlist_push(&b->seen, b->url);
    reg_slot_take(c);
    b->has_slot = true;
    return attempt_start(b, err);
}

static bool may_restart(const ld_reg_blob *b)
{
    return b->delivered == 0 && b->attempt < b->c->max_retries;
}

/* Decides what an ended attempt means: 1 restarted, 0 end of stream, < 0 error. */
static int attempt_outcome(ld_reg_blob *b, ld_error *err)
{
    ld_reg_client *c = b->c;
    long status = b->resp.status;
    CURLcode cc = b->result;
    if (b->size_wrong)
        return ld_error_set(err, LD_ERR_CORRUPT,
                            "registry %s: %s: more bytes than the %llu the manifest gives; "
                            "refused",
                            c->host, b->what, (unsigned long long)b->expect_size);
    if (b->rx.header_bad)
        return ld_error_set(err, LD_ERR_CORRUPT,
                            "registry %s: %s: malformed or oversized response headers", c->host,
                            b->what);
    if (cc != CURLE_OK && !(cc == CURLE_WRITE_ERROR && b->err_dropped)) {
        if (may_restart(b) && reg_curl_retryable(cc)) {
            reg_sleep_ms(reg_backoff_ms(c, b->attempt++, NULL));
            attempt_end(b);
            return 1;
        }
        int rc = reg_exchange_error(c, cc, &b->rx, b->errbuf, b->what, err);
        if (b->delivered)
            ld_error_wrap(err, "after %llu bytes", (unsigned long long)b->delivered);
        return rc;
    }
    if (status == 200) {
        if (b->expect_size && b->body_received != b->expect_size)
            return ld_error_set(err, LD_ERR_CORRUPT,
                                "registry %s: %s: %llu bytes, not the %llu the manifest gives",
                                c->host, b->what, (unsigned long long)b->body_received,
                                (unsigned long long)b->expect_size);
        return 0;
    }
    bool on_host = reg_url_on_host(c, b->url);
    if ((status == 301 || status == 302 || status == 303 || status == 307 || status == 308) &&
        b->resp.location) {
        if (++b->redirects > c->max_redirects)
            return ld_error_set(err, LD_ERR_CORRUPT, "registry %s: %s: more than %d redirects",
                                c->host, b->what, c->max_redirects);
        char *next = NULL;
        int rc = reg_redirect_target(c, b->url, b->resp.location, &next, err);
        if (rc < 0)
            return rc;
        if (ld_strlist_contains(&b->seen, next)) {
            ld_autofree char *shown = ld_url_redact(next);
            free(next);
            return ld_error_set(err, LD_ERR_CORRUPT, "registry %s: %s: redirect loop (%.200s)",
                                c->host, b->what, shown);
        }
        ld_strlist_push(&b->seen, next);
        free(b->url);
        b->url = next;
        attempt_end(b);
        return 1;
    }
    if (status == 401 && on_host && !b->reauthed && b->resp.www_authenticate) {
        ld_reg_challenge ch = {0};
        ld_error perr = LD_ERROR_INIT;
        if (ld_reg_challenge_parse(b->resp.www_authenticate, &ch, &perr) == 0) {
            b->reauthed = true;
            char *fresh = NULL;
            int rc = reg_auth_header(c, b->repo, LD_REG_PULL, true, &ch, &fresh, err);
            ld_reg_challenge_clear(&ch);
            if (rc < 0)
                return rc;
            bool changed = fresh && (!b->auth || strcmp(fresh, b->auth) != 0);
            reg_secret_free(b->auth);
            b->auth = fresh;
            if (changed) {
                attempt_end(b);
                return 1;
            }
        }
    }
    if (may_restart(b) && reg_status_retryable(status)) {
        reg_sleep_ms(reg_backoff_ms(c, b->attempt++, b->rx.retry_after));
        attempt_end(b);
        return 1;
    }
    ld_reg_response r = {.status = status, .body = (uint8_t *)b->errbody, .len = b->errlen};
    ld_autofree char *msg = reg_error_message(&r);
    const char *sep = msg[0] ? ": " : "";
    if (status == 404)
        return ld_error_set(err, LD_ERR_NOT_FOUND, "registry %s: %s not found%s%s", c->host,
                            b->what, sep, msg);
    if (status == 401 || status == 403)
        return ld_error_set(err, LD_ERR_INVALID, "registry %s: %s: access denied (HTTP %ld)%s%s",
                            c->host, b->what, status, sep, msg);
    return ld_error_set(err, LD_ERR_GENERIC, "registry %s: %s: HTTP %ld%s%s", c->host, b->what,
                        status, sep, msg);
}

/* Has the server kept pace while the reader waited? */
static int keeps_pace(ld_reg_blob *b, ld_error *err)
{
    const ld_http_timeouts *t = &b->c->timeouts;
    uint64_t got = b->rx.header_bytes + b->body_received;
    bool any = got > 0;
    long window_ms = t->low_speed_s * 1000;
    if (!any && t->request_ms > window_ms)
        window_ms = t->request_ms;
    if (b->waited_ms < window_ms)
        return 0;
    uint64_t need = any ? (uint64_t)t->low_speed_bytes * (uint64_t)t->low_speed_s : 1;
    if (got - b->window_start >= need) {
        b->waited_ms = 0;
        b->window_start = got;
        return 0;
    }
    if (!any)
        return ld_error_set(err, LD_ERR_UNREACHABLE,
                            "registry %s: %s: no answer within %ld s; gave up", b->c->host, b->what,
                            window_ms / 1000);
    return ld_error_set(err, LD_ERR_UNREACHABLE,
                        "registry %s: %s: less than %ld bytes/s for %ld s; gave up", b->c->host,
                        b->what, t->low_speed_bytes, t->low_speed_s);
}

ssize_t ld_reg_blob_read(void *blob, uint8_t *out, size_t outlen, ld_error *err)
{
    ld_reg_blob *b = blob;
    if (b->eof)
        return 0;
    if (b->failed) {
        *err = b->failure;
        return err->code;
    }
    if (!b->url && stream_begin(b, err) < 0)
        return fail(b, err);
    for (;;) {
        if (b->pos < b->len) {
            size_t n = b->len - b->pos;
            if (n > outlen)
                n = outlen;
            memcpy(out, b->buf + b->pos, n);
            b->pos += n;
            b->delivered += n;
            return (ssize_t)n;
        }
        if (!b->easy && attempt_start(b, err) < 0)
            return fail(b, err);
        if (b->xfer_done) {
            int rc = attempt_outcome(b, err);
            if (rc < 0)
                return fail(b, err);
            if (rc == 0) {
                b->eof = true;
                release(b);
                return 0;
            }
            continue; /* restarted */
        }
        if (b->paused) {
            b->paused = false;
            curl_easy_pause(b->easy, CURLPAUSE_CONT);
            if (b->pos < b->len)
                continue;
        }
        long began = now_ms();
        int running = 0;
        CURLMcode mc = curl_multi_perform(b->multi, &running);
        if (mc != CURLM_OK) {
            ld_error_set(err, LD_ERR_UNREACHABLE, "registry %s: %s: %s", b->c->host, b->what,
                         curl_multi_strerror(mc));
            return fail(b, err);
        }
        CURLMsg *m;
        int left;
        while ((m = curl_multi_info_read(b->multi, &left)))
            if (m->msg == CURLMSG_DONE) {
                b->xfer_done = true;
                b->result = m->data.result;
                long st = 0;
                curl_easy_getinfo(b->easy, CURLINFO_RESPONSE_CODE, &st);
                if (st)
                    b->resp.status = st;
            }
        if (b->pos < b->len || b->xfer_done)
            continue;
        if (!running && !b->paused) {
            b->xfer_done = true;
            continue;
        }
        curl_multi_poll(b->multi, NULL, 0, 250, NULL);
        b->waited_ms += now_ms() - began;
        if (b->pos == b->len && keeps_pace(b, err) < 0)
            return fail(b, err);
    }
}
