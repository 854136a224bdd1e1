/* The anonymous side of the bearer-token flow, for the audit's probes: a
 * token registry answers 401 to every request without a token, also when
 * it lets anyone pull, so "401" alone proves nothing there. What `docker
 * pull` does without credentials is asked instead: GET REALM?service=..
 * &scope=.. with no Authorization header. A token issued is then tried on
 * the probe (the registry decides what it grants). Sends no credentials,
 * follows no redirect to another scheme, reads a bounded answer, and
 * wipes the token's bytes. The challenge and the JSON answer are parsed by
 * the client's parsers (auth.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "registry/audit_internal.h"
#include "util/cleanup.h"
#include "util/http_timeouts.h"
#include "util/mem.h"
#include "util/url_redact.h"

#define TOKEN_BODY_MAX ((size_t)256 * 1024)

typedef struct {
    char *buf;
    size_t len, cap;
    bool over;
} body_buf;

static size_t on_body(char *data, size_t size, size_t n, void *p)
{
    body_buf *b = p;
    size_t len = size * n;
    if (b->len + len > TOKEN_BODY_MAX) {
        b->over = true;
        return 0;
    }
    if (b->len + len + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        while (cap < b->len + len + 1)
            cap *= 2;
        char *nb = ld_xmalloc(cap);
        if (b->buf) {
            memcpy(nb, b->buf, b->len);
            explicit_bzero(b->buf, b->cap);
            free(b->buf);
        }
        b->buf = nb;
        b->cap = cap;
    }
    memcpy(b->buf + b->len, data, len);
    b->len += len;
    b->buf[b->len] = '\0';
    return len;
}

static char *query_url(CURL *c, const char *realm, const char *service, const char *scope)
{
    ld_autofree char *svc = NULL;
    ld_autofree char *scp = NULL;
    if (service) {
        char *e = curl_easy_escape(c, service, 0);
        svc = ld_xstrdup(e ? e : "");
        curl_free(e);
    }
    if (scope) {
        char *e = curl_easy_escape(c, scope, 0);
        scp = ld_xstrdup(e ? e : "");
        curl_free(e);
    }
    const char *sep = strchr(realm, '?') ? "&" : "?";
    if (svc && scp)
        return ld_xasprintf("%s%sservice=%s&scope=%s", realm, sep, svc, scp);
    if (svc)
        return ld_xasprintf("%s%sservice=%s", realm, sep, svc);
    if (scp)
        return ld_xasprintf("%s%sscope=%s", realm, sep, scp);
    return ld_xstrdup(realm);
}

int ld_bearer_anonymous_token(const ld_reg_challenge *ch, const char *scope, bool allow_http,
                              const char *cacert, long timeout_ms, char **token, char **why,
                              ld_error *err)
{
    *token = NULL;
    *why = NULL;
    if (!ch->realm || !ch->realm[0])
        return ld_error_set(err, LD_ERR_CORRUPT, "the Bearer challenge names no realm");
    ld_autofree char *shown = ld_url_redact(ch->realm);
    bool https = strncasecmp(ch->realm, "https://", 8) == 0;
    bool http = strncasecmp(ch->realm, "http://", 7) == 0;
    if (!https && !(http && allow_http))
        return ld_error_set(err, LD_ERR_CORRUPT,
                            "the token realm %.200s is not an https URL: not asked", shown);
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
        return ld_error_set(err, LD_ERR_GENERIC, "cannot initialise libcurl");
    CURL *c = curl_easy_init();
    if (!c) {
        curl_global_cleanup();
        return ld_error_set(err, LD_ERR_GENERIC, "cannot initialise libcurl");
    }
    ld_autofree char *url = query_url(c, ch->realm, ch->service, scope ? scope : ch->scope);
    const char *protos = allow_http ? "http,https" : "https";
    body_buf body = {0};
    long t = timeout_ms > 0 ? timeout_ms : 10000;
    ld_http_timeouts to = {
        .connect_ms = t, .request_ms = t, .low_speed_bytes = 1, .low_speed_s = (t + 999) / 1000};
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, protos);
    curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, protos);
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(c, CURLOPT_MAXREDIRS, 3L);
    curl_easy_setopt(c, CURLOPT_SSLVERSION, (long)CURL_SSLVERSION_TLSv1_2);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &body);
    curl_easy_setopt(c, CURLOPT_USERAGENT, "lockdown-registry-audit");
    if (cacert)
        curl_easy_setopt(c, CURLOPT_CAINFO, cacert);
    ld_http_timeouts_apply(c, &to);
    CURLcode rc = curl_easy_perform(c);
    long status = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    curl_easy_cleanup(c);
    curl_global_cleanup();
    int ret;
    if (body.over) {
        ret = ld_error_set(err, LD_ERR_LIMIT, "token endpoint %.200s: answer over %zu bytes", shown,
                           TOKEN_BODY_MAX);
    } else if (rc != CURLE_OK) {
        ret = ld_error_set(err, LD_ERR_UNREACHABLE, "token endpoint %.200s: %s", shown,
                           curl_easy_strerror(rc));
    } else if (status == 401 || status == 403) {
        *why = ld_xasprintf("the token endpoint %.200s refused an anonymous token (%ld)", shown,
                            status);
        ret = 0;
    } else if (status != 200) {
        ret =
            ld_error_set(err, LD_ERR_GENERIC, "token endpoint %.200s answered %ld", shown, status);
    } else {
        long ttl = 0;
        ret = ld_reg_token_parse(body.buf ? body.buf : "", body.len, token, &ttl, err);
        if (ret < 0)
            ld_error_wrap(err, "token endpoint %.200s", shown);
        else
            ret = 1;
    }
    if (body.buf) {
        explicit_bzero(body.buf, body.cap);
        free(body.buf);
    }
    return ret;
}
