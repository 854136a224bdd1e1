/* Registry authentication: the WWW-Authenticate parser (RFC 9110
 * challenges: Basic and Bearer with realm, service, scope, error; quoted
 * strings with backslash escapes; anything malformed refused, never
 * guessed), the credentials (the --username pair, else config.json looked
 * up on the first challenge that needs them), and the bearer-token flow of
 * the distribution token spec: GET REALM?service=S&scope=repository:R:pull
 * with the basic credentials if any, or with an identity token a POST of
 * grant_type=refresh_token (the OAuth2 form); "token" or "access_token"
 * and "expires_in" of the answer cached per scope. A realm over plain HTTP
 * is refused unless the registry itself is plain HTTP: credentials never
 * travel in clear text to a registry the user reaches over TLS. */
#include <ctype.h>
#include <jansson.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "registry/client_internal.h"
#include "util/cleanup.h"
#include "util/json_budget.h"
#include "util/mem.h"
#include "util/url_redact.h"

#define CHALLENGES_MAX 16
#define PARAMS_MAX 64

/* ---- WWW-Authenticate ------------------------------------------------------------ */

static bool is_tchar(char ch)
{
    return isalnum((unsigned char)ch) || (ch && strchr("!#$%&'*+-.^_`|~", ch));
}

/* token68 adds '/', '=' to the tchars a bare value may hold ('=' only at its end) */
static bool is_value_char(char ch)
{
    return is_tchar(ch) || ch == '/' || ch == '=';
}

static void skip_ows(const char **p)
{
    while (**p == ' ' || **p == '\t')
        (*p)++;
}

static size_t token_len(const char *p)
{
    size_t n = 0;
    while (is_tchar(p[n]))
        n++;
    return n;
}

void ld_reg_challenge_clear(ld_reg_challenge *ch)
{
    if (!ch)
        return;
    free(ch->realm);
    free(ch->service);
    free(ch->scope);
    free(ch->error);
    memset(ch, 0, sizeof(*ch));
}

/* A quoted-string at *p (on the opening quote), unescaped into a new string. */
static int quoted_string(const char **p, char **out, ld_error *err)
{
    const char *s = *p + 1;
    size_t n = 0;
    for (const char *q = s; *q != '"'; q++) {
        if (!*q)
            return ld_error_set(err, LD_ERR_CORRUPT, "unterminated quoted string");
        if (*q == '\\') {
            q++;
            if (!*q)
                return ld_error_set(err, LD_ERR_CORRUPT, "unterminated quoted string");
        }
        if ((unsigned char)*q < 0x20 && *q != '\t')
            return ld_error_set(err, LD_ERR_CORRUPT, "control character in a quoted string");
        if (*q == 0x7F)
            return ld_error_set(err, LD_ERR_CORRUPT, "control character in a quoted string");
        n++;
    }
    char *v = ld_xmalloc(n + 1);
    size_t k = 0;
    const char *q = s;
    for (; *q != '"'; q++) {
        if (*q == '\\')
            q++;
        v[k++] = *q;
    }
    v[k] = '\0';
    *out = v;
    *p = q + 1;
    return 0;
}

typedef struct {
    reg_auth_kind kind; /* REG_AUTH_UNKNOWN for a scheme we do not speak */
    ld_reg_challenge ch;
} parsed_challenge;

static int set_param(ld_reg_challenge *ch, const char *name, size_t n, char *value, ld_error *err)
{
    char **slot = NULL;
    if (n == 5 && strncasecmp(name, "realm", 5) == 0)
        slot = &ch->realm;
    else if (n == 7 && strncasecmp(name, "service", 7) == 0)
        slot = &ch->service;
    else if (n == 5 && strncasecmp(name, "scope", 5) == 0)
        slot = &ch->scope;
    else if (n == 5 && strncasecmp(name, "error", 5) == 0)
        slot = &ch->error;
    if (!slot) {
        free(value);
        return 0;
    }
    if (*slot) {
        free(value);
        return ld_error_set(err, LD_ERR_CORRUPT, "parameter %.*s given twice", (int)n, name);
    }
    *slot = value;
    return 0;
}

int ld_reg_challenge_parse(const char *header, ld_reg_challenge *out, ld_error *err)
{
    memset(out, 0, sizeof(*out));
    if (!header)
        return ld_error_set(err, LD_ERR_UNSUPPORTED, "no WWW-Authenticate challenge");
    if (strlen(header) > REG_HEADER_VALUE_MAX)
        return ld_error_set(err, LD_ERR_CORRUPT, "WWW-Authenticate header over %zu bytes",
                            REG_HEADER_VALUE_MAX);
    parsed_challenge list[CHALLENGES_MAX];
    size_t n = 0, params = 0;
    int rc = 0;
    const char *p = header;
    for (;;) {
        while (*p == ' ' || *p == '\t' || *p == ',')
            p++;
        if (!*p)
            break;
        size_t sl = token_len(p);
        if (sl == 0) {
            rc = ld_error_set(err, LD_ERR_CORRUPT,
                              "WWW-Authenticate: expected a scheme at \"%.20s\"", p);
            goto fail;
        }
        if (n == CHALLENGES_MAX) {
            rc = ld_error_set(err, LD_ERR_CORRUPT, "WWW-Authenticate: more than %d challenges",
                              CHALLENGES_MAX);
            goto fail;
        }
        parsed_challenge *pc = &list[n++];
        memset(pc, 0, sizeof(*pc));
        if (sl == 5 && strncasecmp(p, "basic", 5) == 0)
            pc->kind = REG_AUTH_BASIC;
        else if (sl == 6 && strncasecmp(p, "bearer", 6) == 0)
            pc->kind = REG_AUTH_BEARER;
        else
            pc->kind = REG_AUTH_UNKNOWN;
        p += sl;
        if (*p && *p != ' ' && *p != '\t' && *p != ',') {
            rc = ld_error_set(err, LD_ERR_CORRUPT, "WWW-Authenticate: malformed scheme");
            goto fail;
        }
        /* the parameters of this challenge, up to the next scheme */
        bool after_comma = false;
        for (;;) {
            while (*p == ' ' || *p == '\t' || *p == ',') {
                if (*p == ',')
                    after_comma = true;
                p++;
            }
            if (!*p)
                break;
            size_t nl = token_len(p);
            const char *q = p + nl;
            skip_ows(&q);
            if (nl == 0 || *q != '=') {
                if (nl > 0 && after_comma)
                    break; /* the next challenge's scheme */
                /* a token68 right after the scheme ("Negotiate abc/+==") */
                size_t vl = 0;
                while (is_value_char(p[vl]))
                    vl++;
                if (vl == 0) {
                    rc = ld_error_set(err, LD_ERR_CORRUPT,
                                      "WWW-Authenticate: unexpected character at \"%.20s\"", p);
                    goto fail;
                }
                p += vl;
                continue;
            }
            after_comma = false;
            if (++params > PARAMS_MAX) {
                rc = ld_error_set(err, LD_ERR_CORRUPT, "WWW-Authenticate: more than %d parameters",
                                  PARAMS_MAX);
                goto fail;
            }
            q++;
            skip_ows(&q);
            char *value = NULL;
            if (*q == '"') {
                if ((rc = quoted_string(&q, &value, err)) < 0) {
                    ld_error_wrap(err, "WWW-Authenticate");
                    goto fail;
                }
            } else {
                size_t vl = 0;
                while (is_value_char(q[vl]))
                    vl++;
                value = ld_xstrndup(q, vl);
                q += vl;
            }
            if (pc->kind != REG_AUTH_UNKNOWN && (rc = set_param(&pc->ch, p, nl, value, err)) < 0) {
                ld_error_wrap(err, "WWW-Authenticate");
                goto fail;
            }
            if (pc->kind == REG_AUTH_UNKNOWN)
                free(value);
            p = q;
            skip_ows(&p);
            if (*p && *p != ',') {
                rc = ld_error_set(err, LD_ERR_CORRUPT,
                                  "WWW-Authenticate: expected ',' at \"%.20s\"", p);
                goto fail;
            }
        }
    }
    /* Bearer first (a registry offering both prefers tokens), else Basic */
    parsed_challenge *pick = NULL;
    for (size_t i = 0; i < n && !pick; i++)
        if (list[i].kind == REG_AUTH_BEARER)
            pick = &list[i];
    for (size_t i = 0; i < n && !pick; i++)
        if (list[i].kind == REG_AUTH_BASIC)
            pick = &list[i];
    if (!pick) {
        rc = ld_error_set(err, LD_ERR_UNSUPPORTED,
                          "WWW-Authenticate names no Basic or Bearer challenge");
        goto fail;
    }
    if (pick->kind == REG_AUTH_BEARER && (!pick->ch.realm || !pick->ch.realm[0])) {
        rc =
            ld_error_set(err, LD_ERR_CORRUPT, "WWW-Authenticate: Bearer challenge without a realm");
        goto fail;
    }
    *out = pick->ch;
    out->kind = pick->kind;
    memset(&pick->ch, 0, sizeof(pick->ch));
    for (size_t i = 0; i < n; i++)
        ld_reg_challenge_clear(&list[i].ch);
    return 0;
fail:
    for (size_t i = 0; i < n; i++)
        ld_reg_challenge_clear(&list[i].ch);
    return rc;
}

/* ---- token answers ------------------------------------------------------------------ */

static const ld_json_limits token_limits = {
    .max_values = 4096, .max_containers = 512, .max_depth = 32};

int ld_reg_token_parse(const char *body, size_t len, char **token, long *expires_in, ld_error *err)
{
    *token = NULL;
    *expires_in = REG_TOKEN_DEFAULT_TTL_S;
    json_t *doc = ld_json_load_bounded("token answer", body, len, 0, &token_limits, err);
    if (!doc)
        return err->code;
    int rc = 0;
    if (!json_is_object(doc)) {
        rc = ld_error_set(err, LD_ERR_CORRUPT, "token answer is not a JSON object");
        goto out;
    }
    const char *t = json_string_value(json_object_get(doc, "token"));
    if (!t || !*t)
        t = json_string_value(json_object_get(doc, "access_token"));
    if (!t || !*t) {
        rc = ld_error_set(err, LD_ERR_CORRUPT, "token answer holds no token");
        goto out;
    }
    size_t tl = strlen(t);
    if (tl > REG_TOKEN_MAX) {
        rc = ld_error_set(err, LD_ERR_LIMIT, "token answer: the token is over %zu bytes",
                          REG_TOKEN_MAX);
        goto out;
    }
    for (size_t i = 0; i < tl; i++)
        if ((unsigned char)t[i] < 0x21 || (unsigned char)t[i] > 0x7E) {
            rc = ld_error_set(err, LD_ERR_CORRUPT,
                              "token answer: the token holds a space or a control character");
            goto out;
        }
    json_t *e = json_object_get(doc, "expires_in");
    if (json_is_integer(e)) {
        json_int_t v = json_integer_value(e);
        if (v > 365L * 86400)
            v = 365L * 86400;
        if (v > REG_TOKEN_DEFAULT_TTL_S)
            *expires_in = (long)v;
    }
    *token = ld_xstrdup(t);
out:
    /* the document held the token: wipe jansson's copy */
    {
        json_t *tv = json_object_get(doc, "token");
        json_t *av = json_object_get(doc, "access_token");
        json_t *rv = json_object_get(doc, "refresh_token");
        json_t *vals[] = {tv, av, rv};
        for (size_t i = 0; i < 3; i++)
            if (json_is_string(vals[i]))
                explicit_bzero((char *)json_string_value(vals[i]), json_string_length(vals[i]));
    }
    json_decref(doc);
    return rc;
}

char *reg_scope_for(const char *repo, unsigned actions)
{
    if (actions & LD_REG_CATALOG)
        return ld_xstrdup("registry:catalog:*");
    if (!repo)
        return NULL;
    char acts[32] = "";
    size_t k = 0;
    const char *names[] = {"pull", "push", "delete"};
    unsigned bits[] = {LD_REG_PULL, LD_REG_PUSH, LD_REG_DELETE};
    if (!(actions & (LD_REG_PULL | LD_REG_PUSH | LD_REG_DELETE)))
        actions |= LD_REG_PULL;
    for (size_t i = 0; i < 3; i++)
        if (actions & bits[i]) {
            size_t nl = strlen(names[i]);
            if (k)
                acts[k++] = ',';
            memcpy(acts + k, names[i], nl);
            k += nl;
            acts[k] = '\0';
        }
    return ld_xasprintf("repository:%s:%s", repo, acts);
}

/* ---- credentials ------------------------------------------------------------------- */

void reg_secret_free(char *s)
{
    if (!s)
        return;
    explicit_bzero(s, strlen(s));
    free(s);
}

static char *base64(const char *s)
{
    size_t n = strlen(s);
    char *out = ld_xmalloc(4 * ((n + 2) / 3) + 1);
    EVP_EncodeBlock((unsigned char *)out, (const unsigned char *)s, (int)n);
    return out;
}

int reg_cred_get(ld_reg_client *c, ld_error *err)
{
    if (!c->cred_looked) {
        c->cred_looked = true;
        if (c->username) {
            c->cred.username = ld_xstrdup(c->username);
            c->cred.password = ld_xstrdup(c->password ? c->password : "");
            c->cred.source = ld_xstrdup("--username");
            c->cred_rc = 0;
        } else {
            c->cred_rc = ld_reg_cred_lookup(c->cred_host, c->docker_config, &c->cred, &c->cred_err);
        }
        if (c->cred_rc == 0 && c->cred.username && c->cred.password) {
            char *pair = ld_xasprintf("%s:%s", c->cred.username, c->cred.password);
            c->basic_b64 = base64(pair);
            reg_secret_free(pair);
        }
    }
    if (c->cred_rc < 0 && c->cred_rc != LD_ERR_NOT_FOUND)
        *err = c->cred_err;
    return c->cred_rc;
}

const char *reg_cred_words(ld_reg_client *c)
{
    /* cred.source is set once and never changes afterwards */
    if (c->cred_looked && c->cred_rc == 0 && c->cred.source)
        return c->cred.source;
    return NULL;
}

/* ---- tokens ----------------------------------------------------------------------------- */

static long now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long)ts.tv_sec;
}

/* A cached token for scope, still valid for 10 s (caller wipes and frees). */
static char *token_cached(ld_reg_client *c, const char *scope)
{
    char *t = NULL;
    long now = now_s();
    pthread_mutex_lock(&c->mu);
    for (size_t i = 0; i < c->n_tokens; i++)
        if (strcmp(c->tokens[i].scope, scope) == 0 && c->tokens[i].expires_at_s > now + 10)
            t = ld_xstrdup(c->tokens[i].token);
    pthread_mutex_unlock(&c->mu);
    return t;
}

static void token_store(ld_reg_client *c, const char *scope, const char *token, long ttl)
{
    pthread_mutex_lock(&c->mu);
    reg_token *slot = NULL;
    for (size_t i = 0; i < c->n_tokens && !slot; i++)
        if (strcmp(c->tokens[i].scope, scope) == 0)
            slot = &c->tokens[i];
    if (!slot) {
        ld_xgrow(&c->tokens, &c->tokens_cap, c->n_tokens + 1, sizeof(*c->tokens));
        slot = &c->tokens[c->n_tokens++];
        slot->scope = ld_xstrdup(scope);
        slot->token = NULL;
    }
    reg_secret_free(slot->token);
    slot->token = ld_xstrdup(token);
    slot->expires_at_s = now_s() + ttl;
    pthread_mutex_unlock(&c->mu);
}

void reg_token_forget(ld_reg_client *c, const char *scope)
{
    pthread_mutex_lock(&c->mu);
    for (size_t i = 0; i < c->n_tokens; i++)
        if (strcmp(c->tokens[i].scope, scope) == 0)
            c->tokens[i].expires_at_s = 0;
    pthread_mutex_unlock(&c->mu);
}

void reg_auth_free(ld_reg_client *c)
{
    for (size_t i = 0; i < c->n_tokens; i++) {
        free(c->tokens[i].scope);
        reg_secret_free(c->tokens[i].token);
    }
    free(c->tokens);
    c->tokens = NULL;
    c->n_tokens = c->tokens_cap = 0;
    ld_reg_cred_clear(&c->cred);
    reg_secret_free(c->basic_b64);
    c->basic_b64 = NULL;
    ld_reg_challenge_clear(&c->challenge);
}

/* x-www-form-urlencoded "name=value" appended to *form. */
static void form_add(char **form, const char *name, const char *value)
{
    char *esc = curl_easy_escape(NULL, value, 0);
    if (!esc)
        abort();
    char *next = ld_xasprintf("%s%s%s=%s", *form ? *form : "", *form ? "&" : "", name, esc);
    explicit_bzero(esc, strlen(esc));
    curl_free(esc);
    reg_secret_free(*form);
    *form = next;
}

/* The realm URL with service and scope in its query. */
static int token_url(ld_reg_client *c, const ld_reg_challenge *ch, const char *scope,
                     bool with_query, char **url, ld_error *err)
{
    *url = NULL;
    CURLU *u = curl_url();
    if (!u)
        abort();
    char *scheme = NULL, *out = NULL;
    int rc = 0;
    ld_autofree char *shown = ld_url_redact(ch->realm);
    if (curl_url_set(u, CURLUPART_URL, ch->realm, CURLU_NON_SUPPORT_SCHEME) != CURLUE_OK ||
        curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK) {
        rc = ld_error_set(err, LD_ERR_CORRUPT, "registry %s: token realm \"%.200s\" is not a URL",
                          c->host, shown);
        goto out;
    }
    bool plain_registry = c->transport == LD_REG_TRANSPORT_PLAIN;
    if (strcmp(scheme, "https") != 0 && !(plain_registry && strcmp(scheme, "http") == 0)) {
        rc = ld_error_set(err, LD_ERR_CORRUPT,
                          "registry %s: token realm %.200s is not https; refused (credentials "
                          "are never sent in clear text)",
                          c->host, shown);
        goto out;
    }
    if (with_query) {
        if (ch->service) {
            char *q = ld_xasprintf("service=%s", ch->service);
            curl_url_set(u, CURLUPART_QUERY, q, CURLU_APPENDQUERY | CURLU_URLENCODE);
            free(q);
        }
        if (scope) {
            char *q = ld_xasprintf("scope=%s", scope);
            curl_url_set(u, CURLUPART_QUERY, q, CURLU_APPENDQUERY | CURLU_URLENCODE);
            free(q);
        }
    }
    if (curl_url_get(u, CURLUPART_URL, &out, 0) != CURLUE_OK) {
        rc = ld_error_set(err, LD_ERR_CORRUPT, "registry %s: token realm %.200s: bad URL", c->host,
                          shown);
        goto out;
    }
    *url = ld_xstrdup(out);
out:
    curl_free(scheme);
    curl_free(out);
    curl_url_cleanup(u);
    return rc;
}

/* Asks the token endpoint; auth_mu held. */
static int fetch_token(ld_reg_client *c, const ld_reg_challenge *ch, const char *scope,
                       char **token, long *ttl, ld_error *err)
{
    *token = NULL;
    ld_error cred_err = LD_ERROR_INIT;
    int crc = reg_cred_get(c, &cred_err);
    if (crc < 0 && crc != LD_ERR_NOT_FOUND) {
        *err = cred_err;
        return ld_error_wrap(err, "registry %s", c->host);
    }
    bool refresh = crc == 0 && c->cred.identity_token && c->cred.identity_token[0];
    char *url = NULL;
    int rc = token_url(c, ch, scope, !refresh, &url, err);
    if (rc < 0)
        return rc;
    struct curl_slist *hdr = NULL;
    char *form = NULL;
    if (refresh) {
        form_add(&form, "grant_type", "refresh_token");
        form_add(&form, "refresh_token", c->cred.identity_token);
        if (ch->service)
            form_add(&form, "service", ch->service);
        if (scope)
            form_add(&form, "scope", scope);
        form_add(&form, "client_id", "lockdown");
        hdr = curl_slist_append(hdr, "Content-Type: application/x-www-form-urlencoded");
    } else if (crc == 0 && c->basic_b64) {
        char *line = ld_xasprintf("Authorization: Basic %s", c->basic_b64);
        hdr = curl_slist_append(hdr, line);
        reg_secret_free(line);
    }
    hdr = curl_slist_append(hdr, "Accept: application/json");
    bool verify = c->transport != LD_REG_TRANSPORT_TLS_UNVERIFIED || !reg_url_on_host(c, url);
    reg_call call = {.method = refresh ? "POST" : "GET",
                     .url = url,
                     .headers = hdr,
                     .body = form,
                     .body_len = form ? strlen(form) : 0,
                     .verify = verify};
    ld_reg_response resp = {0};
    reg_recv rx = {.resp = &resp, .max_body = REG_TOKEN_BODY_MAX};
    char errbuf[CURL_ERROR_SIZE];
    ld_autofree char *shown = ld_url_redact(ch->realm);
    for (int attempt = 0;; attempt++) {
        CURLcode cc = reg_exchange(c, &call, &rx, errbuf);
        bool more = attempt < c->max_retries;
        if (cc != CURLE_OK || rx.header_bad) {
            if (cc != CURLE_OK && more && reg_curl_retryable(cc)) {
                reg_sleep_ms(reg_backoff_ms(c, attempt, NULL));
                continue;
            }
            if (rx.header_bad)
                rc = ld_error_set(err, LD_ERR_CORRUPT,
                                  "registry %s: token service %.200s: malformed headers", c->host,
                                  shown);
            else {
                rc = reg_exchange_error(c, cc, &rx, errbuf, "token request", err);
                ld_error_wrap(err, "token service %.200s", shown);
            }
            goto out;
        }
        if (more && reg_status_retryable(resp.status)) {
            reg_sleep_ms(reg_backoff_ms(c, attempt, rx.retry_after));
            continue;
        }
        break;
    }
    const char *src = reg_cred_words(c);
    if (resp.status == 401 || resp.status == 403) {
        rc = ld_error_set(err, LD_ERR_INVALID,
                          "registry %s: the token service %.200s refused %s%s (HTTP %ld)", c->host,
                          shown, src ? "the credentials from " : "anonymous access", src ? src : "",
                          resp.status);
        goto out;
    }
    if (resp.status != 200) {
        rc = ld_error_set(err, LD_ERR_GENERIC,
                          "registry %s: the token service %.200s answered HTTP %ld", c->host, shown,
                          resp.status);
        goto out;
    }
    rc = ld_reg_token_parse((const char *)resp.body, resp.len, token, ttl, err);
    if (rc < 0)
        ld_error_wrap(err, "registry %s: token service %.200s", c->host, shown);
out:
    if (resp.body)
        explicit_bzero(resp.body, resp.len);
    ld_reg_response_clear(&resp);
    reg_headers_free(hdr);
    reg_secret_free(form);
    free(url);
    return rc;
}

static void note_scheme(ld_reg_client *c, const char *scheme)
{
    pthread_mutex_lock(&c->mu);
    if (!c->scheme_used || strcmp(c->scheme_used, "anonymous") == 0)
        c->scheme_used = scheme;
    pthread_mutex_unlock(&c->mu);
}

int reg_auth_header(ld_reg_client *c, const char *repo, unsigned actions, bool fresh,
                    const ld_reg_challenge *ch_in, char **line, ld_error *err)
{
    *line = NULL;
    ld_reg_challenge ch = {0};
    pthread_mutex_lock(&c->mu);
    const ld_reg_challenge *src = ch_in ? ch_in : &c->challenge;
    reg_auth_kind kind = ch_in ? ch_in->kind : c->auth_kind;
    ch.kind = src->kind;
    ch.realm = ld_xstrdup(src->realm);
    ch.service = ld_xstrdup(src->service);
    ch.scope = ld_xstrdup(src->scope);
    pthread_mutex_unlock(&c->mu);
    int rc = 0;
    if (kind == REG_AUTH_BASIC) {
        pthread_mutex_lock(&c->auth_mu);
        rc = reg_cred_get(c, err);
        if (rc == 0 && c->basic_b64) {
            *line = ld_xasprintf("Authorization: Basic %s", c->basic_b64);
            note_scheme(c, "basic");
        } else if (rc == 0 || rc == LD_ERR_NOT_FOUND) {
            rc = 0; /* no credentials: the request goes anonymous and gets its 401 */
        } else {
            ld_error_wrap(err, "registry %s", c->host);
        }
        pthread_mutex_unlock(&c->auth_mu);
    } else if (kind == REG_AUTH_BEARER) {
        ld_autofree char *scope = reg_scope_for(repo, actions);
        const char *key = scope ? scope : "";
        char *token = fresh ? NULL : token_cached(c, key);
        if (!token) {
            pthread_mutex_lock(&c->auth_mu);
            if (!fresh) /* another thread may have fetched it meanwhile */
                token = token_cached(c, key);
            long ttl = 0;
            if (!token && (rc = fetch_token(c, &ch, scope, &token, &ttl, err)) == 0)
                token_store(c, key, token, ttl);
            pthread_mutex_unlock(&c->auth_mu);
        }
        if (rc == 0) {
            *line = ld_xasprintf("Authorization: Bearer %s", token);
            note_scheme(c, "bearer");
        }
        reg_secret_free(token);
    }
    if (rc == 0 && !*line)
        note_scheme(c, "anonymous");
    ld_reg_challenge_clear(&ch);
    return rc;
}
