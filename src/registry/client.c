/* The registry client object and its one request path, ld_reg_do: first
 * contact, the Authorization header (basic, or a bearer token for the
 * request's scope; again once with a fresh token after a 401), the manual
 * redirects (bounded, loops and https->http refused, credentials only
 * ever sent to the registry's own host), and the retries with back-off.
 * Transport details live in transport.c, authentication in auth.c. */
#include <ctype.h>
#include <jansson.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "registry/client_internal.h"
#include "trust/crypto.h"
#include "util/cleanup.h"
#include "util/input_file.h"
#include "util/mem.h"
#include "util/url_redact.h"

static const ld_http_timeouts default_timeouts = {
    .connect_ms = 10000,
    .request_ms = 0,
    .low_speed_bytes = 1024,
    .low_speed_s = 30,
};

/* ---- small shared helpers ------------------------------------------------------------ */

void reg_headers_free(struct curl_slist *l)
{
    for (struct curl_slist *h = l; h; h = h->next)
        explicit_bzero(h->data, strlen(h->data));
    curl_slist_free_all(l);
}

char *reg_error_message(const ld_reg_response *r)
{
    if (!r->body || !r->len || r->len > REG_ERROR_BODY_MAX)
        return ld_xstrdup("");
    json_t *doc = json_loadb((const char *)r->body, r->len, 0, NULL);
    json_t *first = json_array_get(json_object_get(doc, "errors"), 0);
    const char *code = json_string_value(json_object_get(first, "code"));
    const char *msg = json_string_value(json_object_get(first, "message"));
    char *out;
    if (code && msg)
        out = ld_xasprintf("%s: %s", code, msg);
    else
        out = ld_xstrdup(msg ? msg : code ? code : "");
    json_decref(doc);
    size_t n = strlen(out);
    if (n > 200) {
        out[200] = '\0';
        n = 200;
    }
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)out[i] < 0x20 || (unsigned char)out[i] >= 0x7F)
            out[i] = '?';
    return out;
}

char *reg_sha256_digest(const void *data, size_t len)
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int mdlen = 0;
    if (!EVP_Digest(data, len, md, &mdlen, EVP_sha256(), NULL))
        return NULL;
    ld_crypto_note("sha256");
    char *out = ld_xmalloc(7 + 2 * mdlen + 1);
    memcpy(out, "sha256:", 7);
    static const char hex[] = "0123456789abcdef";
    for (unsigned int i = 0; i < mdlen; i++) {
        out[7 + 2 * i] = hex[md[i] >> 4];
        out[7 + 2 * i + 1] = hex[md[i] & 15];
    }
    out[7 + 2 * mdlen] = '\0';
    return out;
}

void ld_reg_response_clear(ld_reg_response *r)
{
    if (!r)
        return;
    free(r->content_type);
    free(r->docker_content_digest);
    free(r->location);
    free(r->link);
    free(r->www_authenticate);
    free(r->allow);
    free(r->body);
    memset(r, 0, sizeof(*r));
}

/* ---- the client ------------------------------------------------------------------------ */

static void share_lock(CURL *h, curl_lock_data data, curl_lock_access access, void *ud)
{
    ld_reg_client *c = ud;
    if ((int)data >= 0 && data < CURL_LOCK_DATA_LAST)
        pthread_mutex_lock(&c->share_locks[data]);
}

static void share_unlock(CURL *h, curl_lock_data data, void *ud)
{
    ld_reg_client *c = ud;
    if ((int)data >= 0 && data < CURL_LOCK_DATA_LAST)
        pthread_mutex_unlock(&c->share_locks[data]);
}

static bool host_ok(const char *host)
{
    size_t n = strlen(host);
    if (n == 0 || n > 255)
        return false;
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)host[i];
        if (!isalnum(ch) && !strchr(".-:[]_", ch))
            return false;
    }
    return host[0] != '.' && host[0] != '-' && host[0] != ':';
}

static bool host_insecure(const char *host, const ld_strlist *list)
{
    if (!list)
        return false;
    for (size_t i = 0; i < list->n; i++)
        if (strcasecmp(list->v[i], host) == 0)
            return true;
    return false;
}

ld_reg_client *ld_reg_open(const char *host, const ld_reg_options *opt, ld_error *err)
{
    if (!host || !host_ok(host))
        return ld_error_set(err, LD_ERR_INVALID, "\"%.200s\" is not a registry host",
                            host ? host : ""),
               NULL;
    ld_reg_options none = {0};
    if (!opt)
        opt = &none;
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
        return ld_error_set(err, LD_ERR_GENERIC, "cannot initialise libcurl"), NULL;
    ld_reg_client *c = ld_xcalloc(1, sizeof(*c));
    c->host = ld_xstrdup(host);
    for (char *p = c->host; *p; p++)
        *p = (char)tolower((unsigned char)*p);
    if (strcmp(c->host, "registry-1.docker.io") == 0 || strcmp(c->host, "index.docker.io") == 0)
        c->cred_host = ld_xstrdup("docker.io");
    else
        c->cred_host = ld_xstrdup(c->host);
    c->username = ld_xstrdup(opt->username);
    c->password = ld_xstrdup(opt->password);
    c->docker_config = ld_xstrdup(opt->docker_config);
    c->insecure = host_insecure(c->host, opt->insecure);
    c->timeouts = ld_http_timeouts_or(&opt->timeouts, &default_timeouts);
    c->max_retries = opt->max_retries > 0 ? opt->max_retries : opt->max_retries < 0 ? 0 : 4;
    c->retry_base_ms = opt->retry_base_ms > 0 ? opt->retry_base_ms : 500;
    c->max_redirects = opt->max_redirects > 0 ? opt->max_redirects : 5;
    c->max_connections = opt->max_connections > 0 ? opt->max_connections : 4;
    pthread_mutex_init(&c->mu, NULL);
    pthread_mutex_init(&c->auth_mu, NULL);
    pthread_cond_init(&c->slot_cv, NULL);
    for (int i = 0; i < CURL_LOCK_DATA_LAST; i++)
        pthread_mutex_init(&c->share_locks[i], NULL);
    c->share = curl_share_init();
    if (!c->share)
        abort();
    curl_share_setopt(c->share, CURLSHOPT_LOCKFUNC, share_lock);
    curl_share_setopt(c->share, CURLSHOPT_UNLOCKFUNC, share_unlock);
    curl_share_setopt(c->share, CURLSHOPT_USERDATA, c);
    curl_share_setopt(c->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
    curl_share_setopt(c->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);
    if (opt->docker_config) {
        /* a config the user named must exist: never a silent anonymous pull */
        int fd = ld_input_open(opt->docker_config, "Docker config file", NULL, err);
        if (fd < 0) {
            ld_reg_close(c);
            return NULL;
        }
        close(fd);
    }
    if (reg_tls_load(c, opt->cacert, opt->certs_dir, err) < 0) {
        ld_error_wrap(err, "registry %s", c->host);
        ld_reg_close(c);
        return NULL;
    }
    return c;
}

void ld_reg_close(ld_reg_client *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < c->n_idle; i++)
        curl_easy_cleanup(c->idle[i]);
    free(c->idle);
    if (c->share)
        curl_share_cleanup(c->share);
    reg_auth_free(c);
    free(c->host);
    free(c->cred_host);
    free(c->base);
    reg_secret_free(c->username);
    reg_secret_free(c->password);
    free(c->docker_config);
    free(c->ca_pem);
    free(c->cert_pem);
    if (c->key_pem)
        explicit_bzero(c->key_pem, c->key_len);
    free(c->key_pem);
    free(c->ca_source);
    pthread_mutex_destroy(&c->mu);
    pthread_mutex_destroy(&c->auth_mu);
    pthread_cond_destroy(&c->slot_cv);
    for (int i = 0; i < CURL_LOCK_DATA_LAST; i++)
        pthread_mutex_destroy(&c->share_locks[i]);
    free(c);
    curl_global_cleanup();
}

const char *ld_reg_host(const ld_reg_client *c)
{
    return c->host;
}

ld_reg_transport ld_reg_transport_used(const ld_reg_client *c)
{
    ld_reg_client *m = (ld_reg_client *)c;
    pthread_mutex_lock(&m->mu);
    ld_reg_transport t = c->transport;
    pthread_mutex_unlock(&m->mu);
    return t;
}

const char *ld_reg_auth_scheme(const ld_reg_client *c)
{
    ld_reg_client *m = (ld_reg_client *)c;
    pthread_mutex_lock(&m->mu);
    const char *s = c->scheme_used ? c->scheme_used : "anonymous";
    pthread_mutex_unlock(&m->mu);
    return s;
}

const char *ld_reg_credential_source(const ld_reg_client *c)
{
    ld_reg_client *m = (ld_reg_client *)c;
    pthread_mutex_lock(&m->auth_mu);
    const char *s = reg_cred_words(m);
    pthread_mutex_unlock(&m->auth_mu);
    return s;
}

/* ---- one request ------------------------------------------------------------------------- */

/* The request line for messages: "GET /v2/x/manifests/1" (no query secrets). */
static char *describe(const char *method, const char *path)
{
    ld_autofree char *shown = ld_url_redact(path);
    return ld_xasprintf("%s %.300s", method, shown);
}

static struct curl_slist *request_headers(const ld_reg_request *rq, const char *auth,
                                          bool send_auth, bool has_body)
{
    struct curl_slist *l = NULL;
    bool content_type = false;
    for (size_t i = 0; rq->headers && rq->headers[i]; i++) {
        l = curl_slist_append(l, rq->headers[i]);
        if (strncasecmp(rq->headers[i], "content-type:", 13) == 0)
            content_type = true;
    }
    if (has_body && !content_type)
        l = curl_slist_append(l, "Content-Type: application/octet-stream");
    l = curl_slist_append(l, "Expect:"); /* no 100-continue round trip */
    if (send_auth && auth && *auth)
        l = curl_slist_append(l, auth);
    return l;
}

static bool is_redirect(long status)
{
    return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

int ld_reg_do(ld_reg_client *c, const ld_reg_request *rq, ld_reg_response *resp, ld_error *err)
{
    memset(resp, 0, sizeof(*resp));
    int rc = reg_contact(c, err);
    if (rc < 0)
        return rc;
    char *url = NULL, *auth = NULL;
    ld_autofree char *what = describe(rq->method, rq->path);
    if ((rc = reg_url_for(c, rq->path, &url, err)) < 0)
        return rc;
    if (!rq->anonymous &&
        (rc = reg_auth_header(c, rq->repo, rq->actions, false, NULL, &auth, err)) < 0) {
        free(url);
        return rc;
    }
    ld_strlist seen = {0};
    ld_strlist_push(&seen, url);
    const char *method = rq->method;
    const void *body = rq->body;
    size_t body_len = rq->body_len;
    int attempt = 0, redirects = 0;
    bool reauthed = false;
    reg_recv rx = {.resp = resp,
                   .max_body = rq->max_body ? rq->max_body : LD_REG_MAX_MANIFEST_BYTES};
    char errbuf[CURL_ERROR_SIZE];
    reg_slot_take(c);
    for (;;) {
        bool on_host = reg_url_on_host(c, url);
        bool sends_body = body || strcmp(method, "POST") == 0 || strcmp(method, "PUT") == 0 ||
                          strcmp(method, "PATCH") == 0;
        struct curl_slist *hdr = request_headers(rq, auth, on_host, sends_body);
        reg_call call = {
            .method = method,
            .url = url,
            .headers = hdr,
            .body = body,
            .body_len = body_len,
            .verify = !(on_host && ld_reg_transport_used(c) == LD_REG_TRANSPORT_TLS_UNVERIFIED)};
        CURLcode cc = reg_exchange(c, &call, &rx, errbuf);
        reg_headers_free(hdr);
        bool may_retry = !rq->no_retry && attempt < c->max_retries;
        if (cc != CURLE_OK || rx.header_bad) {
            if (cc == CURLE_OK) {
                rc = ld_error_set(err, LD_ERR_CORRUPT,
                                  "registry %s: %s: malformed or oversized response headers",
                                  c->host, what);
                break;
            }
            if (may_retry && reg_curl_retryable(cc) && !rx.body_over && !rx.header_over) {
                reg_sleep_ms(reg_backoff_ms(c, attempt++, NULL));
                continue;
            }
            rc = reg_exchange_error(c, cc, &rx, errbuf, what, err);
            reg_error_attempts(err, attempt + 1);
            break;
        }
        long status = resp->status;
        if (status == 401 && !rq->anonymous && !reauthed && on_host && resp->www_authenticate) {
            ld_reg_challenge ch = {0};
            ld_error perr = LD_ERROR_INIT;
            if (ld_reg_challenge_parse(resp->www_authenticate, &ch, &perr) == 0) {
                reauthed = true;
                pthread_mutex_lock(&c->mu);
                if (c->auth_kind == REG_AUTH_NONE || c->auth_kind == REG_AUTH_UNKNOWN) {
                    /* /v2/ was open, the repository is not: remember its challenge */
                    c->auth_kind = ch.kind;
                    ld_reg_challenge_clear(&c->challenge);
                    c->challenge.kind = ch.kind;
                    c->challenge.realm = ld_xstrdup(ch.realm);
                    c->challenge.service = ld_xstrdup(ch.service);
                }
                pthread_mutex_unlock(&c->mu);
                char *fresh = NULL;
                rc = reg_auth_header(c, rq->repo, rq->actions, true, &ch, &fresh, err);
                ld_reg_challenge_clear(&ch);
                if (rc < 0)
                    break;
                bool changed = fresh && (!auth || strcmp(fresh, auth) != 0);
                reg_secret_free(auth);
                auth = fresh;
                if (changed)
                    continue;
            }
            rc = 0;
            break; /* nothing new to offer: the 401 is the answer */
        }
        if (is_redirect(status) && !rq->no_redirect && resp->location) {
            char *next = NULL;
            if (++redirects > c->max_redirects) {
                rc = ld_error_set(err, LD_ERR_CORRUPT, "registry %s: %s: more than %d redirects",
                                  c->host, what, c->max_redirects);
                break;
            }
            if ((rc = reg_redirect_target(c, url, resp->location, &next, err)) < 0)
                break;
            if (ld_strlist_contains(&seen, next)) {
                ld_autofree char *shown = ld_url_redact(next);
                rc = ld_error_set(err, LD_ERR_CORRUPT,
                                  "registry %s: %s: redirect loop (back to %.200s)", c->host, what,
                                  shown);
                free(next);
                break;
            }
            ld_strlist_push(&seen, next);
            free(url);
            url = next;
            if (status == 303 ||
                ((status == 301 || status == 302) && strcmp(method, "POST") == 0)) {
                method = "GET";
                body = NULL;
                body_len = 0;
            }
            continue;
        }
        if (may_retry && reg_status_retryable(status)) {
            reg_sleep_ms(reg_backoff_ms(c, attempt++, rx.retry_after));
            continue;
        }
        rc = 0;
        break;
    }
    reg_slot_give(c);
    if (rc < 0)
        ld_reg_response_clear(resp);
    ld_strlist_clear(&seen);
    reg_secret_free(auth);
    free(url);
    return rc;
}
