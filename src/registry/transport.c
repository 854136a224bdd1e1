/* The registry client's HTTP layer on libcurl easy handles: TLS 1.2 or
 * newer with the client's CA (--cacert alone, or the .crt files of
 * certs.d/HOST next to the system's) and client certificate, the
 * timeouts, no automatic redirects, response headers parsed into
 * ld_reg_response with every kept value and the whole header block
 * bounded, bodies capped; a pool of idle handles per client so that
 * connections are reused; the first contact (GET /v2/) that picks TLS, or
 * for an insecure host unverified TLS then plain HTTP. Authentication,
 * retries and redirects are client.c's. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/ssl.h>

#include "registry/client_internal.h"
#include "trust/crypto.h"
#include "util/cleanup.h"
#include "util/mem.h"
#include "util/url_redact.h"

/* ---- handles ------------------------------------------------------------------ */

CURL *reg_handle_get(ld_reg_client *c)
{
    CURL *h = NULL;
    pthread_mutex_lock(&c->mu);
    if (c->n_idle > 0)
        h = c->idle[--c->n_idle];
    pthread_mutex_unlock(&c->mu);
    if (!h)
        h = curl_easy_init();
    if (!h)
        abort(); /* allocation failure: the library's one exit (util/mem.h) */
    return h;
}

void reg_handle_put(ld_reg_client *c, CURL *h)
{
    if (!h)
        return;
    curl_easy_reset(h); /* keeps the connection cache; drops every pointer into the caller */
    pthread_mutex_lock(&c->mu);
    if (c->n_idle < (size_t)c->max_connections) {
        ld_xgrow(&c->idle, &c->idle_cap, c->n_idle + 1, sizeof(*c->idle));
        c->idle[c->n_idle++] = h;
        h = NULL;
    }
    pthread_mutex_unlock(&c->mu);
    if (h)
        curl_easy_cleanup(h);
}

void reg_slot_take(ld_reg_client *c)
{
    pthread_mutex_lock(&c->mu);
    while (c->in_flight >= c->max_connections)
        pthread_cond_wait(&c->slot_cv, &c->mu);
    c->in_flight++;
    pthread_mutex_unlock(&c->mu);
}

void reg_slot_give(ld_reg_client *c)
{
    pthread_mutex_lock(&c->mu);
    c->in_flight--;
    pthread_cond_signal(&c->slot_cv);
    pthread_mutex_unlock(&c->mu);
}

/* ---- receiving ---------------------------------------------------------------- */

void reg_recv_reset(reg_recv *rx)
{
    ld_reg_response_clear(rx->resp);
    rx->header_bytes = 0;
    rx->header_over = rx->header_bad = rx->body_over = false;
    rx->retry_after[0] = '\0';
    rx->body_cap = 0;
}

/* Keeps one header value in *slot (joining repeats with ", "), or flags
 * the response when it is over the cap. */
static void keep_value(reg_recv *rx, char **slot, const char *v, size_t n, size_t cap)
{
    size_t old = *slot ? strlen(*slot) : 0;
    if (n > cap || old + n + 2 > cap) {
        rx->header_bad = true;
        return;
    }
    if (*slot) {
        char *joined = ld_xasprintf("%s, %.*s", *slot, (int)n, v);
        free(*slot);
        *slot = joined;
    } else {
        *slot = ld_xstrndup(v, n);
    }
}

static bool header_is(const char *line, size_t n, const char *name, size_t *value_at)
{
    size_t k = strlen(name);
    if (n <= k || line[k] != ':' || strncasecmp(line, name, k) != 0)
        return false;
    *value_at = k + 1;
    return true;
}

/* The status of "HTTP/1.1 200 OK" or "HTTP/2 200"; 0 when not a status line. */
static long status_of(const char *line, size_t n)
{
    if (n < 12 || strncmp(line, "HTTP/", 5) != 0)
        return 0;
    const char *sp = memchr(line, ' ', n);
    if (!sp || (size_t)(sp - line) + 4 > n)
        return 0;
    long v = 0;
    for (int i = 1; i <= 3; i++) {
        if (!isdigit((unsigned char)sp[i]))
            return 0;
        v = v * 10 + (sp[i] - '0');
    }
    return v;
}

static size_t on_header(char *p, size_t sz, size_t nm, void *ud)
{
    reg_recv *rx = ud;
    size_t n = sz * nm;
    long status = status_of(p, n);
    if (status) { /* a new response (after a 100 Continue): start over */
        ld_reg_response *r = rx->resp;
        uint8_t *body = r->body;
        size_t len = r->len;
        r->body = NULL;
        r->len = 0;
        ld_reg_response_clear(r);
        r->body = body;
        r->len = len;
        r->status = status;
        rx->header_bytes = 0;
        rx->retry_after[0] = '\0';
    }
    rx->header_bytes += n;
    if (rx->header_bytes > REG_HEADERS_MAX) {
        rx->header_over = true;
        return 0;
    }
    if (status)
        return n;
    size_t at = 0;
    ld_reg_response *r = rx->resp;
    char **slot = NULL;
    size_t cap = REG_HEADER_VALUE_MAX;
    bool retry_after = false, content_length = false;
    if (header_is(p, n, "content-type", &at))
        slot = &r->content_type, cap = 256;
    else if (header_is(p, n, "docker-content-digest", &at))
        slot = &r->docker_content_digest, cap = 256;
    else if (header_is(p, n, "location", &at))
        slot = &r->location;
    else if (header_is(p, n, "link", &at))
        slot = &r->link;
    else if (header_is(p, n, "www-authenticate", &at))
        slot = &r->www_authenticate;
    else if (header_is(p, n, "allow", &at))
        slot = &r->allow, cap = 1024;
    else if (header_is(p, n, "retry-after", &at))
        retry_after = true;
    else if (header_is(p, n, "content-length", &at))
        content_length = true;
    else
        return n;
    size_t b = at, e = n;
    while (b < e && (p[b] == ' ' || p[b] == '\t'))
        b++;
    while (e > b && (p[e - 1] == '\r' || p[e - 1] == '\n' || p[e - 1] == ' ' || p[e - 1] == '\t'))
        e--;
    for (size_t i = b; i < e; i++)
        if ((unsigned char)p[i] < 0x20 && p[i] != '\t') {
            rx->header_bad = true; /* a bare CR or a NUL inside a value */
            return n;
        }
    if (slot) {
        /* Location, Content-Type, Docker-Content-Digest: one value only */
        if (*slot && (slot == &r->location || slot == &r->docker_content_digest ||
                      slot == &r->content_type)) {
            rx->header_bad = true;
            return n;
        }
        keep_value(rx, slot, p + b, e - b, cap);
    } else if (retry_after) {
        size_t len = e - b < sizeof(rx->retry_after) - 1 ? e - b : sizeof(rx->retry_after) - 1;
        memcpy(rx->retry_after, p + b, len);
        rx->retry_after[len] = '\0';
    } else if (content_length) {
        uint64_t v = 0;
        bool ok = e > b && e - b <= 19;
        for (size_t i = b; ok && i < e; i++) {
            if (!isdigit((unsigned char)p[i]))
                ok = false;
            else
                v = v * 10 + (uint64_t)(p[i] - '0');
        }
        if (!ok) {
            rx->header_bad = true;
            return n;
        }
        r->content_length = v;
        /* an answer announced over the cap is refused before it is read */
        if (!rx->is_head && !rx->sink && r->status >= 200 && r->status < 300 && v > rx->max_body) {
            rx->body_over = true;
            return 0;
        }
    }
    return n;
}

static size_t on_body(char *p, size_t sz, size_t nm, void *ud)
{
    reg_recv *rx = ud;
    size_t n = sz * nm;
    if (rx->sink)
        return rx->sink(rx, p, n);
    ld_reg_response *r = rx->resp;
    if (n > rx->max_body - r->len) {
        rx->body_over = true;
        return 0;
    }
    ld_xgrow(&r->body, &rx->body_cap, r->len + n + 1, 1);
    memcpy(r->body + r->len, p, n);
    r->len += n;
    r->body[r->len] = '\0';
    return n;
}

/* ---- one exchange ------------------------------------------------------------- */

static void set_blob(CURL *h, CURLoption opt, const char *data, size_t len)
{
    struct curl_blob blob = {.data = (void *)data, .len = len, .flags = CURL_BLOB_COPY};
    curl_easy_setopt(h, opt, &blob);
}

void reg_easy_setup(ld_reg_client *c, CURL *h, const reg_call *call, reg_recv *rx, char *errbuf,
                    bool low_speed)
{
    curl_easy_setopt(h, CURLOPT_URL, call->url);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_SHARE, c->share);
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(h, CURLOPT_USERAGENT, "lockdown/" LOCKDOWN_VERSION);
    curl_easy_setopt(h, CURLOPT_TCP_KEEPALIVE, 1L);
    if (errbuf) {
        errbuf[0] = '\0';
        curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
    }
    rx->is_head = strcmp(call->method, "HEAD") == 0;
    if (rx->is_head) {
        curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
    } else if (strcmp(call->method, "GET") == 0) {
        curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
    } else {
        bool sends = call->body || strcmp(call->method, "POST") == 0 ||
                     strcmp(call->method, "PUT") == 0 || strcmp(call->method, "PATCH") == 0;
        if (sends) {
            curl_easy_setopt(h, CURLOPT_POST, 1L);
            curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)call->body_len);
            curl_easy_setopt(h, CURLOPT_POSTFIELDS, call->body ? call->body : (const void *)"");
        }
        if (strcmp(call->method, "POST") != 0)
            curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, call->method);
    }
    if (call->headers)
        curl_easy_setopt(h, CURLOPT_HTTPHEADER, call->headers);
    curl_easy_setopt(h, CURLOPT_SSLVERSION, (long)CURL_SSLVERSION_TLSv1_2);
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, call->verify ? 1L : 0L);
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, call->verify ? 2L : 0L);
    if (c->ca_pem) {
        set_blob(h, CURLOPT_CAINFO_BLOB, c->ca_pem, c->ca_len);
        if (c->ca_only) { /* --cacert: that bundle only, as curl --cacert */
            curl_easy_setopt(h, CURLOPT_CAINFO, NULL);
            curl_easy_setopt(h, CURLOPT_CAPATH, NULL);
        }
    }
    if (c->cert_pem && c->key_pem) {
        set_blob(h, CURLOPT_SSLCERT_BLOB, c->cert_pem, c->cert_len);
        set_blob(h, CURLOPT_SSLKEY_BLOB, c->key_pem, c->key_len);
        curl_easy_setopt(h, CURLOPT_SSLCERTTYPE, "PEM");
        curl_easy_setopt(h, CURLOPT_SSLKEYTYPE, "PEM");
    }
    ld_http_timeouts_apply(h, &c->timeouts);
    if (!low_speed) {
        curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, 0L);
        curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME, 0L);
    }
    curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(h, CURLOPT_HEADERDATA, rx);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, rx);
}

/* The TLS version of the connection h used, for the report's list of
 * algorithms (trust/crypto.h). */
static void note_tls_version(CURL *h)
{
    struct curl_tlssessioninfo *info = NULL;
    if (curl_easy_getinfo(h, CURLINFO_TLS_SSL_PTR, &info) != CURLE_OK || !info ||
        info->backend != CURLSSLBACKEND_OPENSSL || !info->internals)
        return;
    const char *v = SSL_get_version((const SSL *)info->internals);
    if (v && strncmp(v, "TLS", 3) == 0)
        ld_crypto_note(v);
}

CURLcode reg_exchange(ld_reg_client *c, const reg_call *call, reg_recv *rx, char *errbuf)
{
    reg_recv_reset(rx);
    CURL *h = reg_handle_get(c);
    reg_easy_setup(c, h, call, rx, errbuf, true);
    CURLcode rc = curl_easy_perform(h);
    long status = 0;
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
    if (status)
        rx->resp->status = status;
    if (rc == CURLE_OK)
        note_tls_version(h);
    if (rc == CURLE_OK && !rx->is_head && !rx->sink && !rx->resp->body)
        rx->resp->body = ld_xcalloc(1, 1); /* an empty body: "", never NULL */
    if (rc == CURLE_OPERATION_TIMEDOUT && errbuf) {
        char words[160];
        ld_http_timeout_describe(h, &c->timeouts, strncmp(call->url, "https:", 6) == 0, words,
                                 sizeof(words));
        size_t n = strlen(words);
        memcpy(errbuf, words, n + 1 < CURL_ERROR_SIZE ? n + 1 : CURL_ERROR_SIZE);
        errbuf[CURL_ERROR_SIZE - 1] = '\0';
    }
    reg_handle_put(c, h);
    return rc;
}

static bool tls_verify_failure(CURLcode rc)
{
    return rc == CURLE_PEER_FAILED_VERIFICATION
#if LIBCURL_VERSION_NUM < 0x073e00
           || rc == CURLE_SSL_CACERT
#endif
        ;
}

int reg_exchange_error(ld_reg_client *c, CURLcode rc, const reg_recv *rx, const char *errbuf,
                       const char *what, ld_error *err)
{
    const char *detail = errbuf && errbuf[0] ? errbuf : curl_easy_strerror(rc);
    if (rx->header_over)
        return ld_error_set(err, LD_ERR_LIMIT,
                            "registry %s: %s: the response headers are larger than %zu KiB",
                            c->host, what, REG_HEADERS_MAX / 1024);
    if (rx->body_over)
        return ld_error_set(err, LD_ERR_LIMIT,
                            "registry %s: %s: the response is larger than %zu bytes; refused",
                            c->host, what, rx->max_body);
    if (tls_verify_failure(rc)) {
        const char *trusted = c->ca_source ? c->ca_source : "the system's CA store";
        return ld_error_set(err, LD_ERR_UNREACHABLE,
                            "registry %s: TLS certificate not trusted (%s; trusted: %s): give "
                            "its CA with --cacert FILE or in /etc/docker/certs.d/%s/ca.crt",
                            c->host, detail, trusted, c->host);
    }
    if (rc == CURLE_SSL_CONNECT_ERROR && strstr(detail, "wrong version number"))
        return ld_error_set(err, LD_ERR_UNREACHABLE,
                            "registry %s: does not answer TLS (%s); a plain-HTTP registry is "
                            "used only when named with --insecure-registry %s",
                            c->host, detail, c->host);
    if (rc == CURLE_OPERATION_TIMEDOUT)
        return ld_error_set(err, LD_ERR_UNREACHABLE, "registry %s: %s: %s; gave up", c->host, what,
                            detail);
    return ld_error_set(err, LD_ERR_UNREACHABLE, "registry %s: %s: %s", c->host, what, detail);
}

/* ---- URLs ----------------------------------------------------------------------- */

/* scheme, and host[:port] as written in url (lowercased host); false when url is not a URL. */
static bool url_parts(const char *url, char **scheme, char **hostport)
{
    CURLU *u = curl_url();
    if (!u)
        abort();
    char *s = NULL, *h = NULL, *p = NULL;
    bool ok = false;
    if (curl_url_set(u, CURLUPART_URL, url, CURLU_NON_SUPPORT_SCHEME) == CURLUE_OK &&
        curl_url_get(u, CURLUPART_SCHEME, &s, 0) == CURLUE_OK &&
        curl_url_get(u, CURLUPART_HOST, &h, 0) == CURLUE_OK) {
        if (curl_url_get(u, CURLUPART_PORT, &p, 0) != CURLUE_OK)
            p = NULL;
        for (char *q = h; *q; q++)
            *q = (char)tolower((unsigned char)*q);
        *scheme = ld_xstrdup(s);
        *hostport = p ? ld_xasprintf("%s:%s", h, p) : ld_xstrdup(h);
        ok = true;
    }
    curl_free(s);
    curl_free(h);
    curl_free(p);
    curl_url_cleanup(u);
    return ok;
}

static bool same_host(const char *a, const char *b)
{
    return strcasecmp(a, b) == 0;
}

bool reg_url_on_host(const ld_reg_client *c, const char *url)
{
    char *scheme = NULL, *hostport = NULL;
    if (!url_parts(url, &scheme, &hostport))
        return false;
    bool on = same_host(hostport, c->host);
    if (!on) { /* "host:443" for https, "host:80" for http, written out */
        bool https = strcmp(scheme, "https") == 0;
        char *with = ld_xasprintf("%s:%s", c->host, https ? "443" : "80");
        on = same_host(hostport, with);
        free(with);
        if (!on && strchr(hostport, ':') && !strchr(c->host, ':')) {
            size_t hl = strlen(c->host);
            on = strncasecmp(hostport, c->host, hl) == 0 &&
                 strcmp(hostport + hl, https ? ":443" : ":80") == 0;
        }
    }
    free(scheme);
    free(hostport);
    return on;
}

int reg_url_for(ld_reg_client *c, const char *path, char **url, ld_error *err)
{
    *url = NULL;
    int rc = reg_contact(c, err);
    if (rc < 0)
        return rc;
    if (path[0] == '/') {
        *url = ld_xasprintf("%s%s", c->base, path);
        return 0;
    }
    char *scheme = NULL, *hostport = NULL;
    if (!url_parts(path, &scheme, &hostport)) {
        ld_autofree char *shown = ld_url_redact(path);
        return ld_error_set(err, LD_ERR_CORRUPT, "registry %s: \"%.200s\" is not a URL", c->host,
                            shown);
    }
    bool scheme_ok =
        strncmp(c->base, scheme, strlen(scheme)) == 0 && c->base[strlen(scheme)] == ':';
    bool host_ok = reg_url_on_host(c, path);
    free(scheme);
    free(hostport);
    if (!scheme_ok || !host_ok) {
        ld_autofree char *shown = ld_url_redact(path);
        return ld_error_set(err, LD_ERR_CORRUPT,
                            "registry %s: sent the URL %.200s, which is not on %s; refused",
                            c->host, shown, c->base);
    }
    *url = ld_xstrdup(path);
    return 0;
}

int reg_redirect_target(ld_reg_client *c, const char *from, const char *location, char **to,
                        ld_error *err)
{
    *to = NULL;
    CURLU *u = curl_url();
    if (!u)
        abort();
    char *out = NULL, *scheme = NULL;
    int rc = 0;
    if (curl_url_set(u, CURLUPART_URL, from, 0) != CURLUE_OK ||
        curl_url_set(u, CURLUPART_URL, location, CURLU_NON_SUPPORT_SCHEME) != CURLUE_OK ||
        curl_url_get(u, CURLUPART_URL, &out, 0) != CURLUE_OK ||
        curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK) {
        ld_autofree char *shown = ld_url_redact(location);
        rc =
            ld_error_set(err, LD_ERR_CORRUPT,
                         "registry %s: redirect to \"%.200s\", which is not a URL", c->host, shown);
        goto done;
    }
    bool plain_ok = strncmp(c->base, "http:", 5) == 0;
    if (strcmp(scheme, "https") != 0 && !(plain_ok && strcmp(scheme, "http") == 0)) {
        ld_autofree char *shown = ld_url_redact(out);
        rc = ld_error_set(err, LD_ERR_CORRUPT,
                          "registry %s: redirect from https to %s (%.200s); refused", c->host,
                          scheme, shown);
        goto done;
    }
    *to = ld_xstrdup(out);
done:
    curl_free(out);
    curl_free(scheme);
    curl_url_cleanup(u);
    return rc;
}

/* ---- first contact ---------------------------------------------------------------- */

/* GET base/v2/ with the client's retries. 0 when it answered (resp). */
static int ping(ld_reg_client *c, const char *base, bool verify, bool retry, ld_reg_response *resp,
                ld_error *err)
{
    ld_autofree char *url = ld_xasprintf("%s/v2/", base);
    reg_recv rx = {.resp = resp, .max_body = REG_ERROR_BODY_MAX};
    reg_call call = {.method = "GET", .url = url, .verify = verify};
    char errbuf[CURL_ERROR_SIZE];
    for (int attempt = 0;; attempt++) {
        CURLcode rc = reg_exchange(c, &call, &rx, errbuf);
        bool more = retry && attempt < c->max_retries;
        if (rc == CURLE_OK && !rx.header_bad) {
            if (more && reg_status_retryable(resp->status)) {
                reg_sleep_ms(reg_backoff_ms(c, attempt, rx.retry_after));
                continue;
            }
            return 0;
        }
        if (rc == CURLE_OK && rx.header_bad)
            return ld_error_set(err, LD_ERR_CORRUPT,
                                "registry %s: GET /v2/: malformed or oversized response headers",
                                c->host);
        if (more && reg_curl_retryable(rc) && !rx.body_over && !rx.header_over) {
            reg_sleep_ms(reg_backoff_ms(c, attempt, NULL));
            continue;
        }
        reg_exchange_error(c, rc, &rx, errbuf, "GET /v2/", err);
        reg_error_attempts(err, attempt + 1);
        return err->code;
    }
}

/* Records what GET /v2/ answered: the challenge of a 401. */
static void note_contact(ld_reg_client *c, const char *base, ld_reg_transport t,
                         const ld_reg_response *resp)
{
    ld_reg_challenge ch = {0};
    reg_auth_kind kind = REG_AUTH_NONE;
    if (resp->status == 401 && resp->www_authenticate) {
        ld_error ignored = LD_ERROR_INIT;
        if (ld_reg_challenge_parse(resp->www_authenticate, &ch, &ignored) == 0)
            kind = ch.kind;
    }
    pthread_mutex_lock(&c->mu);
    free(c->base);
    c->base = ld_xstrdup(base);
    c->transport = t;
    c->auth_kind = kind;
    ld_reg_challenge_clear(&c->challenge);
    c->challenge = ch;
    c->contacted = true;
    pthread_mutex_unlock(&c->mu);
}

/* The GET /v2/ of reg_contact, with auth_mu held. */
static int contact_locked(ld_reg_client *c, ld_error *err)
{
    ld_reg_response resp = {0};
    ld_autofree char *https = ld_xasprintf("https://%s", c->host);
    ld_autofree char *http = ld_xasprintf("http://%s", c->host);
    int rc;
    if (!c->insecure) {
        rc = ping(c, https, true, true, &resp, err);
        if (rc == 0)
            note_contact(c, https, LD_REG_TRANSPORT_TLS, &resp);
        ld_reg_response_clear(&resp);
        return rc;
    }
    /* an insecure host: TLS without verification first, then plain HTTP */
    ld_error tls_err = LD_ERROR_INIT;
    rc = ping(c, https, false, false, &resp, &tls_err);
    if (rc == 0) {
        note_contact(c, https, LD_REG_TRANSPORT_TLS_UNVERIFIED, &resp);
        ld_reg_response_clear(&resp);
        return 0;
    }
    ld_reg_response_clear(&resp);
    rc = ping(c, http, false, true, &resp, err);
    if (rc == 0)
        note_contact(c, http, LD_REG_TRANSPORT_PLAIN, &resp);
    else {
        char http_msg[LD_ERROR_MSG_MAX];
        size_t skip = strncmp(err->msg, "registry ", 9) == 0 ? 9 + strlen(c->host) + 2 : 0;
        snprintf(http_msg, sizeof(http_msg), "%s", err->msg + (skip < strlen(err->msg) ? skip : 0));
        ld_error_set(err, err->code, "%s; over plain HTTP as well: %s", tls_err.msg, http_msg);
    }
    ld_reg_response_clear(&resp);
    return rc;
}

int reg_contact(ld_reg_client *c, ld_error *err)
{
    pthread_mutex_lock(&c->mu);
    bool done = c->contacted;
    pthread_mutex_unlock(&c->mu);
    if (done)
        return 0;
    pthread_mutex_lock(&c->auth_mu);
    pthread_mutex_lock(&c->mu);
    done = c->contacted;
    pthread_mutex_unlock(&c->mu);
    int rc = done ? 0 : contact_locked(c, err);
    pthread_mutex_unlock(&c->auth_mu);
    return rc;
}
