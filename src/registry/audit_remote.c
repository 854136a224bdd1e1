/* The registry audit from outside: what any client on the network sees.
 * The transport facts come from audit_tls.c (handshakes, certificate,
 * plain HTTP on the same port); the API probes go through the
 * distribution client, anonymously (never a credential, and a token only
 * when the registry's own token endpoint hands one to anyone), except the
 * catalog listing that picks a real repository and the DELETE of a
 * made-up digest, which use the user's credentials where the client
 * would send them anyway. Each check emits one finding (auth-required one
 * per operation: pull, push, catalog), or an error finding saying why it
 * could not look. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include <openssl/x509.h>

#include "registry/audit.h"
#include "registry/audit_internal.h"
#include "util/cleanup.h"
#include "util/mem.h"
#include "util/url_redact.h"

#define DEFAULT_TIMEOUT_MS 10000L
#define DEFAULT_WARN_DAYS 30
#define PROBE_BODY_MAX ((size_t)64 * 1024)
#define MIN_SECURITY_BITS 112 /* RSA 2048, P-256, SHA-256 signatures */

const char *const ld_reg_remote_checks[] = {
    "registry.tls",
    "registry.tls-version",
    "registry.certificate",
    "registry.auth-required",
    "registry.v1-api",
    "registry.delete-api",
    "registry.insecure-transport",
    NULL,
};

typedef struct {
    ld_findings *r;
    ld_error *err;
    const ld_reg_address *addr;
    const ld_reg_audit_options *o;
    ld_reg_options user; /* the user's options as given */
    long timeout_ms;
    time_t now;
    ld_tls_probe tls;
    ld_plain_probe plain;
    bool tls_verified;
    bool plain_api;      /* plain HTTP on the port serves the registry API */
    bool named_insecure; /* the user (or the engine) named the host insecure */
    ld_reg_client *anon; /* probes: never sends credentials */
    ld_reg_client *cred; /* the user's credentials, where the client sends them */
    char *api_error;     /* the API could not be asked at all: why */
    long v2_status;
    char *challenge;  /* "Basic", "Bearer (realm R)", or NULL (v2 open) */
    char *repo, *tag; /* probed repository and tag */
    bool repo_real;   /* from the catalog */
} probe;

static int emit(probe *p, const char *check, ld_status st, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static int emit(probe *p, const char *check, ld_status st, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *ev = ld_xvasprintf(fmt, ap);
    va_end(ap);
    int rc = ld_findings_check(p->r, check, st, LD_TARGET_REGISTRY, p->addr->name, NULL, p->err,
                               "%s", ev);
    free(ev);
    return rc;
}

static char *random_hex(size_t bytes)
{
    unsigned char buf[32];
    if (bytes > sizeof(buf))
        bytes = sizeof(buf);
    size_t got = 0;
    while (got < bytes) {
        ssize_t n = getrandom(buf + got, bytes - got, 0);
        if (n <= 0)
            break;
        got += (size_t)n;
    }
    for (size_t i = got; i < bytes; i++) /* no entropy source: still a made-up name */
        buf[i] = (unsigned char)(i * 37 + 11);
    char *s = ld_xmalloc(bytes * 2 + 1);
    for (size_t i = 0; i < bytes; i++)
        snprintf(s + i * 2, 3, "%02x", buf[i]);
    return s;
}

static bool host_named_insecure(const ld_reg_options *o, const ld_reg_address *a)
{
    if (!o || !o->insecure)
        return false;
    ld_autofree char *hp = ld_xasprintf("%s:%u", a->host, a->port);
    for (size_t i = 0; i < o->insecure->n; i++) {
        const char *s = o->insecure->v[i];
        if (strcasecmp(s, a->name) == 0 || strcasecmp(s, hp) == 0 || strcasecmp(s, a->host) == 0)
            return true;
    }
    return false;
}

/* ---- API requests ------------------------------------------------------- */

typedef struct {
    long status;        /* the final answer (after an anonymous or made-up token) */
    char *location;     /* an upload's Location */
    char *via;          /* how: "with an anonymous token from R", "the token endpoint refused.." */
    char *inconclusive; /* a token endpoint that could not be asked: the status proves nothing */
    char *auth_header;  /* the Authorization line that got the answer (secret), or NULL */
} answer;

static void answer_clear(answer *a)
{
    free(a->location);
    free(a->via);
    free(a->inconclusive);
    if (a->auth_header) {
        explicit_bzero(a->auth_header, strlen(a->auth_header));
        free(a->auth_header);
    }
    memset(a, 0, sizeof(*a));
}

static bool refused(long status)
{
    return status == 401 || status == 403;
}

/* The request of a once more with the Authorization line hdr (taken:
 * kept in a when it changed the answer, else wiped). Returns 1 when the
 * registry then let the client in (not 401/403), 0 when not, < 0 when it
 * could not be asked. */
static int retry_with(probe *p, ld_reg_request rq, char *hdr, answer *a, ld_error *err)
{
    const char *headers[] = {hdr, NULL};
    rq.headers = headers;
    ld_reg_response resp = {0};
    int rc = ld_reg_do(p->anon, &rq, &resp, err);
    if (rc < 0 || refused(resp.status)) {
        explicit_bzero(hdr, strlen(hdr));
        free(hdr);
        ld_reg_response_clear(&resp);
        return rc < 0 ? rc : 0;
    }
    a->status = resp.status;
    free(a->location);
    a->location = resp.location ? ld_xstrdup(resp.location) : NULL;
    a->auth_header = hdr;
    ld_reg_response_clear(&resp);
    return 1;
}

/* On a 401 with a Bearer challenge: asks for an anonymous token for scope
 * (as docker pull does without credentials) and tries it. Returns 1 when
 * that let the client in, 0 when not (a->via or a->inconclusive say why),
 * < 0 when the registry could not be asked. */
static int anonymous_token(probe *p, const ld_reg_request *rq, const char *challenge,
                           const char *scope, answer *a, ld_error *err)
{
    ld_reg_challenge ch = {0};
    ld_error perr = LD_ERROR_INIT;
    if (ld_reg_challenge_parse(challenge, &ch, &perr) < 0 || ch.kind != REG_AUTH_BEARER) {
        ld_reg_challenge_clear(&ch);
        return 0; /* Basic (or unknown): no anonymous token to ask for */
    }
    char *token = NULL, *why = NULL;
    ld_error terr = LD_ERROR_INIT;
    bool plain = ld_reg_transport_used(p->anon) == LD_REG_TRANSPORT_PLAIN;
    int t = ld_bearer_anonymous_token(&ch, scope, plain, p->user.cacert, p->timeout_ms, &token,
                                      &why, &terr);
    ld_autofree char *realm = ch.realm ? ld_url_redact(ch.realm) : ld_xstrdup("(none)");
    ld_reg_challenge_clear(&ch);
    if (t < 0) {
        /* a realm no client can use leaves anonymous clients out; a token
           service that does not answer proves nothing */
        if (terr.code == LD_ERR_CORRUPT)
            a->via = ld_xasprintf("no anonymous token: %s", terr.msg);
        else
            a->inconclusive = ld_xasprintf("401 with a Bearer challenge, and %s", terr.msg);
        return 0;
    }
    if (t == 0) {
        a->via = why;
        return 0;
    }
    size_t hl = strlen(token) + 32;
    char *hdr = ld_xmalloc(hl);
    snprintf(hdr, hl, "Authorization: Bearer %s", token);
    explicit_bzero(token, strlen(token));
    free(token);
    int rc = retry_with(p, *rq, hdr, a, err);
    if (rc < 0)
        return rc;
    free(a->via);
    a->via = ld_xasprintf("with an anonymous token from %.200s", realm);
    return rc;
}

/* One anonymous request. When it is refused (401/403): on a Bearer
 * challenge an anonymous token is asked for and tried; then a made-up
 * Bearer token is tried (a registry that lets it in checks no
 * credential at all: distribution's "silly" auth). Returns 0 with a, or
 * < 0 with err when the registry could not be asked. */
static int anon_request(probe *p, const char *method, const char *path, const char *scope,
                        answer *a, ld_error *err)
{
    memset(a, 0, sizeof(*a));
    ld_reg_request rq = {.method = method,
                         .path = path,
                         .anonymous = true,
                         .no_retry = true,
                         .no_redirect = true,
                         .max_body = PROBE_BODY_MAX};
    ld_reg_response resp = {0};
    int rc = ld_reg_do(p->anon, &rq, &resp, err);
    if (rc < 0)
        return rc;
    a->status = resp.status;
    if (resp.location)
        a->location = ld_xstrdup(resp.location);
    ld_autofree char *challenge = resp.www_authenticate ? ld_xstrdup(resp.www_authenticate) : NULL;
    ld_reg_response_clear(&resp);
    if (!scope || !refused(a->status))
        return 0;
    if (a->status == 401 && challenge) {
        rc = anonymous_token(p, &rq, challenge, scope, a, err);
        if (rc != 0)
            return rc < 0 ? rc : 0;
    }
    ld_autofree char *junk = random_hex(16);
    char *hdr = ld_xasprintf("Authorization: Bearer lockdown-audit-made-up-%s", junk);
    rc = retry_with(p, rq, hdr, a, err);
    if (rc < 0)
        return rc;
    if (rc == 1) {
        free(a->inconclusive);
        a->inconclusive = NULL;
        free(a->via);
        a->via = ld_xstrdup("with a made-up Bearer token: the registry checks no credential");
    }
    return 0;
}

static const char *via_words(const answer *a)
{
    return a->via ? a->via : "";
}

/* ---- transport checks ------------------------------------------------------ */

static int check_tls(probe *p)
{
    const ld_tls_probe *t = &p->tls;
    const ld_plain_probe *pl = &p->plain;
    ld_autofree char *plain_words =
        pl->answered
            ? ld_xasprintf("plain HTTP GET /v2/ on the same port answered %ld%s", pl->status,
                           pl->api_header ? " with Docker-Distribution-API-Version" : "")
            : ld_xasprintf("plain HTTP on the same port: no answer (%s)",
                           pl->error ? pl->error : "none");
    const char *said = p->addr->plain ? "; the address was given as http://" : "";
    if (t->handshake && p->tls_verified && !p->plain_api)
        return emit(p, "registry.tls", LD_STATUS_PASS,
                    "%s with %s; the certificate verifies against %s; %s (not the API)%s",
                    t->version, t->cipher, t->trust_source, plain_words, said);
    if (t->handshake && p->tls_verified)
        return emit(p, "registry.tls", LD_STATUS_FAIL,
                    "TLS verifies (%s), but %s: the registry API is served in clear text too%s",
                    t->version, plain_words, said);
    if (t->handshake)
        return emit(p, "registry.tls", LD_STATUS_FAIL,
                    "%s answers, but its certificate does not verify against %s: %s; clients "
                    "must skip verification; %s%s",
                    t->version, t->trust_source, t->verify_error, plain_words, said);
    if (p->plain_api)
        return emit(p, "registry.tls", LD_STATUS_FAIL,
                    "no TLS: the TLS handshake failed (%s) and %s: the registry speaks plain "
                    "HTTP%s",
                    t->error, plain_words, said);
    return emit(p, "registry.tls", LD_STATUS_ERROR,
                "the TLS handshake failed (%s) and %s: not a registry this audit can judge%s",
                t->error, plain_words, said);
}

static bool legacy_version(const char *v)
{
    return v && (strcmp(v, "TLSv1") == 0 || strcmp(v, "TLSv1.1") == 0 || strcmp(v, "SSLv3") == 0);
}

static int check_tls_version(probe *p)
{
    if (!p->tls.handshake)
        return emit(p, "registry.tls-version", LD_STATUS_ERROR,
                    "no TLS handshake completed (%s): no version to judge",
                    p->tls.error ? p->tls.error : "no TLS");
    if (legacy_version(p->tls.version))
        return emit(p, "registry.tls-version", LD_STATUS_FAIL,
                    "negotiates %s even when TLS 1.2 and 1.3 are offered", p->tls.version);
    ld_autofree char *why = NULL;
    if (!ld_tls_can_offer_legacy(&why))
        return emit(p, "registry.tls-version", LD_STATUS_ERROR,
                    "whether TLS 1.0/1.1 are refused cannot be tested here: %s", why);
    ld_tls_probe legacy = {0};
    ld_tls_probe_options lo = {.host = p->addr->host,
                               .port = p->addr->port,
                               .name = p->addr->name,
                               .cacert = p->user.cacert,
                               .certs_dir = p->user.certs_dir,
                               .legacy_only = true,
                               .timeout_ms = p->timeout_ms};
    ld_error lerr = LD_ERROR_INIT;
    int rc;
    if (ld_tls_probe_run(&lo, &legacy, &lerr) < 0)
        rc = emit(p, "registry.tls-version", LD_STATUS_ERROR,
                  "a second connection for a TLS 1.1 handshake failed: %s", lerr.msg);
    else if (legacy.handshake)
        rc = emit(p, "registry.tls-version", LD_STATUS_FAIL,
                  "accepted a handshake that offered only TLS 1.0 and 1.1: negotiated %s with %s",
                  legacy.version, legacy.cipher);
    else if (legacy.client_cannot || legacy.timed_out)
        rc = emit(p, "registry.tls-version", LD_STATUS_ERROR,
                  "a handshake offering only TLS 1.0 and 1.1 could not be made: %s", legacy.error);
    else
        rc = emit(p, "registry.tls-version", LD_STATUS_PASS,
                  "refused a handshake that offered only TLS 1.0 and 1.1 (%s); negotiates %s "
                  "otherwise",
                  legacy.error, p->tls.version);
    ld_tls_probe_clear(&legacy);
    return rc;
}

static void utc_date(time_t t, char *buf, size_t n)
{
    struct tm tm;
    if (gmtime_r(&t, &tm))
        strftime(buf, n, "%Y-%m-%d %H:%M UTC", &tm);
    else
        snprintf(buf, n, "(unrepresentable)");
}

static int check_certificate(probe *p)
{
    if (!p->tls.handshake || !p->tls.have_cert)
        return emit(p, "registry.certificate", LD_STATUS_ERROR, "no certificate: %s",
                    p->tls.handshake ? "the server sent none"
                                     : (p->tls.error ? p->tls.error : "no TLS"));
    const ld_cert_facts *f = &p->tls.cert;
    ld_strlist bad = {0}, warn = {0};
    char nb[64], na[64];
    long days_left = 0;
    if (!f->times_ok) {
        ld_strlist_push(&bad, "its validity dates cannot be read");
        snprintf(nb, sizeof(nb), "?");
        snprintf(na, sizeof(na), "?");
    } else {
        utc_date(f->not_before, nb, sizeof(nb));
        utc_date(f->not_after, na, sizeof(na));
        double secs = difftime(f->not_after, p->now);
        days_left = (long)(secs / 86400.0);
        int warn_days = p->o->expiry_warn_days > 0 ? p->o->expiry_warn_days : DEFAULT_WARN_DAYS;
        if (secs < 0)
            ld_strlist_push_owned(&bad, ld_xasprintf("it expired on %s", na));
        else if (days_left < warn_days)
            ld_strlist_push_owned(&warn, ld_xasprintf("it expires in %ld day%s (%s), within %d "
                                                      "days",
                                                      days_left, days_left == 1 ? "" : "s", na,
                                                      warn_days));
        if (difftime(f->not_before, p->now) > 0)
            ld_strlist_push_owned(&bad, ld_xasprintf("it is not valid before %s", nb));
    }
    if (!f->host_match)
        ld_strlist_push_owned(&bad, ld_xasprintf("it does not name the host %s", p->addr->host));
    if (f->key_secbits < MIN_SECURITY_BITS)
        ld_strlist_push_owned(&bad, ld_xasprintf("its %s key of %d bits gives %d bits of "
                                                 "security (at least %d wanted: RSA 2048, "
                                                 "P-256)",
                                                 f->key_type, f->key_bits, f->key_secbits,
                                                 MIN_SECURITY_BITS));
    if (f->sig_secbits >= 0 && f->sig_secbits < MIN_SECURITY_BITS)
        ld_strlist_push_owned(&bad, ld_xasprintf("its signature algorithm %s gives %d bits of "
                                                 "security",
                                                 f->sig_alg, f->sig_secbits));
    ld_autofree char *facts = ld_xasprintf(
        "subject %s; issuer %s%s; valid %s to %s; %s %d-bit key; signed with %s; %s the host "
        "%s",
        f->subject, f->issuer, f->self_signed ? " (self-signed)" : "", nb, na, f->key_type,
        f->key_bits, f->sig_alg, f->host_match ? "names" : "does not name", p->addr->host);
    int rc;
    if (bad.n) {
        ld_autofree char *why = ld_strlist_join(&bad, "; ");
        rc = emit(p, "registry.certificate", LD_STATUS_FAIL, "%s; %s", why, facts);
    } else if (warn.n) {
        ld_autofree char *why = ld_strlist_join(&warn, "; ");
        rc = emit(p, "registry.certificate", LD_STATUS_WARN, "%s; %s", why, facts);
    } else {
        rc = emit(p, "registry.certificate", LD_STATUS_PASS, "%ld days left; %s", days_left, facts);
    }
    ld_strlist_clear(&bad);
    ld_strlist_clear(&warn);
    return rc;
}

static int check_insecure_transport(probe *p)
{
    const char *by = p->o->insecure_named_by ? p->o->insecure_named_by : "--insecure-registry";
    if (!p->tls.handshake && !p->plain_api)
        return emit(p, "registry.insecure-transport", LD_STATUS_ERROR,
                    "neither TLS (%s) nor plain HTTP answered as a registry",
                    p->tls.error ? p->tls.error : "no handshake");
    if (p->tls_verified && p->named_insecure)
        return emit(p, "registry.insecure-transport", LD_STATUS_PASS,
                    "named insecure by %s, but its certificate verifies (%s): clients do not "
                    "need to skip verification; drop the insecure setting",
                    by, p->tls.trust_source);
    if (p->tls_verified)
        return emit(p, "registry.insecure-transport", LD_STATUS_PASS,
                    "clients reach it over verified TLS without naming it insecure");
    const char *how = p->tls.handshake ? "skip certificate verification" : "use plain HTTP";
    if (p->named_insecure)
        return emit(p, "registry.insecure-transport", LD_STATUS_FAIL,
                    "it had to be named insecure (%s): clients must %s to use it, so a "
                    "man in the middle can serve any image",
                    by, how);
    return emit(p, "registry.insecure-transport", LD_STATUS_FAIL,
                "clients must name it insecure (%s) and %s to use it, so a man in the middle "
                "can serve any image; the audit probed it anonymously",
                by, how);
}

/* ---- API checks ------------------------------------------------------------ */

static int api_unassessed(probe *p, const char *check)
{
    return emit(p, check, LD_STATUS_ERROR, "the registry API could not be asked: %s", p->api_error);
}

typedef enum { ACCESS_REFUSED, ACCESS_ALLOWED, ACCESS_UNKNOWN } access_verdict;

static int auth_finding(probe *p, const char *what, access_verdict v, const char *evidence)
{
    ld_status st = v == ACCESS_REFUSED   ? LD_STATUS_PASS
                   : v == ACCESS_ALLOWED ? LD_STATUS_FAIL
                                         : LD_STATUS_ERROR;
    return emit(p, "registry.auth-required", st, "%s: %s", what, evidence);
}

static int check_auth_pull(probe *p)
{
    ld_autofree char *path = ld_xasprintf("/v2/%s/manifests/%s", p->repo, p->tag);
    ld_autofree char *scope = ld_xasprintf("repository:%s:pull", p->repo);
    answer a;
    ld_error e = LD_ERROR_INIT;
    if (anon_request(p, "HEAD", path, scope, &a, &e) < 0)
        return auth_finding(p, "pull", ACCESS_UNKNOWN, e.msg);
    ld_autofree char *v2 = ld_xasprintf("anonymous GET /v2/ answered %ld%s%s%s", p->v2_status,
                                        p->challenge ? " (" : "", p->challenge ? p->challenge : "",
                                        p->challenge ? ")" : "");
    const char *which =
        p->repo_real ? "of a repository from the catalog" : "of a made-up repository";
    access_verdict v;
    ld_autofree char *ev = NULL;
    if (a.inconclusive) {
        v = p->v2_status == 200 ? ACCESS_ALLOWED : ACCESS_UNKNOWN;
        ev = ld_xasprintf("%s; anonymous HEAD %s %s: %s", v2, path, which, a.inconclusive);
    } else {
        bool head_in = a.status == 200 || a.status == 404;
        bool head_out = a.status == 401 || a.status == 403;
        v = (p->v2_status == 200 || head_in) ? ACCESS_ALLOWED
            : head_out                       ? ACCESS_REFUSED
                                             : ACCESS_UNKNOWN;
        ev = ld_xasprintf("%s; anonymous HEAD %s %s answered %ld%s%s%s", v2, path, which, a.status,
                          a.via ? " " : "", via_words(&a),
                          a.status == 404   ? " (the registry looked the manifest up for an "
                                              "anonymous client)"
                          : a.status == 200 ? " (an anonymous client can pull it)"
                                            : "");
    }
    answer_clear(&a);
    return auth_finding(p, "pull", v, ev);
}

static int check_auth_push(probe *p)
{
    ld_autofree char *rnd = random_hex(8);
    ld_autofree char *repo = ld_xasprintf("lockdown-audit/probe-%s", rnd);
    ld_autofree char *path = ld_xasprintf("/v2/%s/blobs/uploads/", repo);
    ld_autofree char *scope = ld_xasprintf("repository:%s:pull,push", repo);
    answer a;
    ld_error e = LD_ERROR_INIT;
    if (anon_request(p, "POST", path, scope, &a, &e) < 0)
        return auth_finding(p, "push", ACCESS_UNKNOWN, e.msg);
    access_verdict v;
    ld_autofree char *ev = NULL;
    if (a.inconclusive) {
        v = ACCESS_UNKNOWN;
        ev = ld_xstrdup(a.inconclusive);
    } else if (a.status == 202) {
        /* an upload was opened for an anonymous client: cancel it */
        ld_autofree char *cancel = NULL;
        if (a.location) {
            const char *headers[] = {a.auth_header, NULL};
            ld_reg_request rq = {.method = "DELETE",
                                 .path = a.location,
                                 .headers = a.auth_header ? headers : NULL,
                                 .anonymous = true,
                                 .no_retry = true,
                                 .no_redirect = true,
                                 .max_body = PROBE_BODY_MAX};
            ld_reg_response resp = {0};
            ld_error de = LD_ERROR_INIT;
            if (ld_reg_do(p->anon, &rq, &resp, &de) < 0)
                cancel = ld_xasprintf("cancelling it failed: %s", de.msg);
            else
                cancel = ld_xasprintf("cancelled with DELETE of its Location (%ld)", resp.status);
            ld_reg_response_clear(&resp);
        } else {
            cancel = ld_xstrdup("no Location to cancel it with");
        }
        v = ACCESS_ALLOWED;
        ev = ld_xasprintf("anonymous POST %s answered 202%s%s: an upload was opened for an "
                          "anonymous client (%s)",
                          path, a.via ? " " : "", via_words(&a), cancel);
    } else if (a.status == 401 || a.status == 403 || a.status == 405 || a.status == 404) {
        v = ACCESS_REFUSED;
        ev = ld_xasprintf("anonymous POST %s answered %ld%s%s%s", path, a.status, a.via ? " (" : "",
                          via_words(&a), a.via ? ")" : "");
    } else {
        v = ACCESS_UNKNOWN;
        ev = ld_xasprintf("anonymous POST %s answered %ld", path, a.status);
    }
    int rc = auth_finding(p, "push", v, ev);
    answer_clear(&a);
    return rc;
}

static int check_auth_catalog(probe *p)
{
    answer a;
    ld_error e = LD_ERROR_INIT;
    if (anon_request(p, "GET", "/v2/_catalog?n=1", "registry:catalog:*", &a, &e) < 0)
        return auth_finding(p, "catalog", ACCESS_UNKNOWN, e.msg);
    access_verdict v = a.inconclusive                                            ? ACCESS_UNKNOWN
                       : a.status == 200                                         ? ACCESS_ALLOWED
                       : (a.status == 401 || a.status == 403 || a.status == 404) ? ACCESS_REFUSED
                                                                                 : ACCESS_UNKNOWN;
    ld_autofree char *ev =
        a.inconclusive ? ld_xasprintf("anonymous GET /v2/_catalog: %s", a.inconclusive)
                       : ld_xasprintf("anonymous GET /v2/_catalog answered %ld%s%s%s%s", a.status,
                                      a.via ? " (" : "", via_words(&a), a.via ? ")" : "",
                                      a.status == 200   ? ": anyone can list the repositories"
                                      : a.status == 404 ? ": no catalog endpoint"
                                                        : "");
    answer_clear(&a);
    return auth_finding(p, "catalog", v, ev);
}

static int check_v1(probe *p)
{
    static const char *const paths[] = {"/v1/_ping", "/v1/search?q=lockdown"};
    long st[2] = {0, 0};
    for (size_t i = 0; i < 2; i++) {
        answer a;
        ld_error e = LD_ERROR_INIT;
        if (anon_request(p, "GET", paths[i], NULL, &a, &e) < 0)
            return emit(p, "registry.v1-api", LD_STATUS_ERROR, "GET %s: %s", paths[i], e.msg);
        st[i] = a.status;
        answer_clear(&a);
    }
    bool served = (st[0] >= 200 && st[0] < 300) || (st[1] >= 200 && st[1] < 300);
    bool guarded = st[0] == 401 || st[0] == 403 || st[1] == 401 || st[1] == 403;
    bool server_error = st[0] >= 500 || st[1] >= 500;
    ld_status s = served         ? LD_STATUS_FAIL
                  : guarded      ? LD_STATUS_WARN
                  : server_error ? LD_STATUS_ERROR
                                 : LD_STATUS_PASS;
    const char *why = served         ? ": the legacy v1 API answers"
                      : guarded      ? ": a v1 endpoint exists behind authentication"
                      : server_error ? ": server errors say nothing either way"
                                     : ": no v1 API";
    return emit(p, "registry.v1-api", s,
                "GET /v1/_ping answered %ld, GET /v1/search answered %ld%s", st[0], st[1], why);
}

static int check_delete(probe *p)
{
    ld_autofree char *hex = random_hex(32);
    ld_autofree char *digest = ld_xasprintf("sha256:%s", hex);
    ld_autofree char *path = ld_xasprintf("/v2/%s/manifests/%s", p->repo, digest);
    ld_autofree char *scope = ld_xasprintf("repository:%s:delete", p->repo);
    const char *policy = "REG-03 pruning needs deletes; REG-04 wants every delete tied to an "
                         "identity and logged";
    answer a;
    ld_error e = LD_ERROR_INIT;
    if (anon_request(p, "DELETE", path, scope, &a, &e) < 0)
        return emit(p, "registry.delete-api", LD_STATUS_ERROR, "DELETE of a made-up digest: %s",
                    e.msg);
    long anon_status = a.status;
    ld_autofree char *anon_via = a.via ? ld_xstrdup(a.via) : NULL;
    ld_autofree char *anon_inc = a.inconclusive ? ld_xstrdup(a.inconclusive) : NULL;
    answer_clear(&a);
    if (!anon_inc && anon_status == 405)
        return emit(p, "registry.delete-api", LD_STATUS_PASS,
                    "anonymous DELETE of a made-up manifest digest answered 405: manifest "
                    "deletes are disabled (%s)",
                    policy);
    if (!anon_inc && (anon_status == 202 || anon_status == 404))
        return emit(p, "registry.delete-api", LD_STATUS_FAIL,
                    "anonymous DELETE of a made-up manifest digest answered %ld%s%s: deletes are "
                    "enabled and an anonymous client may delete any manifest by digest (%s)",
                    anon_status, anon_via ? " " : "", anon_via ? anon_via : "", policy);
    ld_autofree char *anon_words = anon_inc
                                       ? ld_xasprintf("anonymous: %s", anon_inc)
                                       : ld_xasprintf("anonymous DELETE answered %ld", anon_status);
    if (!p->cred)
        return emit(p, "registry.delete-api", LD_STATUS_ERROR,
                    "%s; the user's credentials are not sent to this registry (%s), so whether "
                    "deletes are enabled is unknown",
                    anon_words, p->tls_verified ? "none" : "its certificate does not verify");
    ld_reg_request rq = {.method = "DELETE",
                         .path = path,
                         .repo = p->repo,
                         .actions = LD_REG_DELETE | LD_REG_PULL,
                         .no_retry = true,
                         .no_redirect = true,
                         .max_body = PROBE_BODY_MAX};
    ld_reg_response resp = {0};
    ld_error ce = LD_ERROR_INIT;
    int rc;
    if (ld_reg_do(p->cred, &rq, &resp, &ce) < 0) {
        rc = emit(p, "registry.delete-api", LD_STATUS_ERROR, "%s; with credentials: %s", anon_words,
                  ce.msg);
    } else {
        const char *source = ld_reg_credential_source(p->cred);
        long s = resp.status;
        if (!source && (s == 401 || s == 403))
            rc = emit(p, "registry.delete-api", LD_STATUS_ERROR,
                      "%s; no credentials for this registry (--username with --password-stdin, "
                      "or config.json): whether deletes are enabled is unknown",
                      anon_words);
        else if (s == 405)
            rc = emit(p, "registry.delete-api", LD_STATUS_PASS,
                      "%s; with credentials (%s) it answered 405: manifest deletes are disabled "
                      "(%s)",
                      anon_words, source ? source : "none", policy);
        else if (s == 202 || s == 404)
            rc = emit(p, "registry.delete-api", LD_STATUS_WARN,
                      "%s; with credentials (%s) it answered %ld: manifest deletes are enabled, "
                      "so a client with delete rights (on an htpasswd registry: every user) can "
                      "delete any manifest by digest and the images that use it stop resolving "
                      "(%s)",
                      anon_words, source ? source : "none", s, policy);
        else
            rc = emit(p, "registry.delete-api", LD_STATUS_ERROR,
                      "%s; with credentials (%s) it answered %ld: whether deletes are enabled is "
                      "unknown",
                      anon_words, source ? source : "none", s);
    }
    ld_reg_response_clear(&resp);
    return rc;
}

/* ---- set-up -------------------------------------------------------------------- */

/* The repository (and a tag) the pull probe asks for: one from the
 * catalog when the user's credentials (or anonymous access) list one. */
static void pick_repository(probe *p)
{
    if (p->cred) {
        ld_strlist repos = {0};
        ld_error e = LD_ERROR_INIT;
        if (ld_reg_catalog_paged(p->cred, 1, 1, &repos, &e) == 0 && repos.n > 0) {
            ld_strlist tags = {0};
            if (ld_reg_list_tags_paged(p->cred, repos.v[0], 1, 1, &tags, &e) == 0 && tags.n > 0) {
                p->repo = ld_xstrdup(repos.v[0]);
                p->tag = ld_xstrdup(tags.v[0]);
                p->repo_real = true;
            }
            ld_strlist_clear(&tags);
        }
        ld_strlist_clear(&repos);
    }
    if (!p->repo) {
        ld_autofree char *rnd = random_hex(8);
        p->repo = ld_xasprintf("lockdown-audit/absent-%s", rnd);
        p->tag = ld_xstrdup("latest");
    }
}

/* GET /v2/ anonymously: whether the API answers at all, and its challenge. */
static void contact(probe *p)
{
    ld_reg_request rq = {.method = "GET",
                         .path = "/v2/",
                         .anonymous = true,
                         .no_retry = true,
                         .no_redirect = true,
                         .max_body = PROBE_BODY_MAX};
    ld_reg_response resp = {0};
    ld_error e = LD_ERROR_INIT;
    if (ld_reg_do(p->anon, &rq, &resp, &e) < 0) {
        p->api_error = ld_xstrdup(e.msg);
        return;
    }
    p->v2_status = resp.status;
    if (resp.status == 401 && resp.www_authenticate) {
        ld_reg_challenge ch = {0};
        ld_error pe = LD_ERROR_INIT;
        if (ld_reg_challenge_parse(resp.www_authenticate, &ch, &pe) == 0) {
            ld_autofree char *realm = ch.realm ? ld_url_redact(ch.realm) : NULL;
            p->challenge = ch.kind == REG_AUTH_BEARER
                               ? ld_xasprintf("Bearer, realm %.200s", realm ? realm : "none")
                               : ld_xstrdup("Basic");
        }
        ld_reg_challenge_clear(&ch);
    }
    if (resp.status != 200 && resp.status != 401 && resp.status != 403)
        p->api_error =
            ld_xasprintf("GET /v2/ answered %ld: not the registry API (v2)", resp.status);
    ld_reg_response_clear(&resp);
}

static void open_clients(probe *p, ld_strlist *insecure)
{
    ld_reg_options ao = p->user;
    ao.username = NULL;
    ao.password = NULL;
    /* probes are anonymous: unverified TLS or plain HTTP leaks nothing */
    for (size_t i = 0; p->user.insecure && i < p->user.insecure->n; i++)
        ld_strlist_push(insecure, p->user.insecure->v[i]);
    if (!p->tls_verified)
        ld_strlist_push(insecure, p->addr->name);
    ao.insecure = insecure;
    if (ao.timeouts.connect_ms <= 0)
        ao.timeouts.connect_ms = p->timeout_ms;
    if (ao.timeouts.request_ms <= 0)
        ao.timeouts.request_ms = p->timeout_ms;
    ao.max_retries = 0;
    ld_error e = LD_ERROR_INIT;
    p->anon = ld_reg_open(p->addr->name, &ao, &e);
    if (!p->anon) {
        p->api_error = ld_xstrdup(e.msg);
        return;
    }
    /* credentials only where the client would send them anyway */
    if (p->tls_verified || p->named_insecure) {
        ld_reg_options co = p->user;
        co.timeouts = ao.timeouts;
        ld_error ce = LD_ERROR_INIT;
        p->cred = ld_reg_open(p->addr->name, &co, &ce);
    }
}

static char *summary_line(const probe *p)
{
    const char *transport = p->tls_verified    ? "certificate verified"
                            : p->tls.handshake ? "certificate NOT verified"
                                               : "plain HTTP";
    ld_autofree char *auth = p->api_error ? ld_xasprintf("API not asked: %s", p->api_error)
                             : p->v2_status == 200
                                 ? ld_xstrdup("GET /v2/ open to anonymous clients")
                                 : ld_xasprintf("GET /v2/ %ld (%s)", p->v2_status,
                                                p->challenge ? p->challenge : "no challenge");
    return ld_xasprintf("registry %s: %s%s%s; %s", p->addr->name,
                        p->tls.handshake ? p->tls.version : "", p->tls.handshake ? ", " : "",
                        transport, auth);
}

int ld_reg_audit_remote(ld_findings *r, const ld_reg_address *addr, const ld_reg_audit_options *o,
                        char **summary, ld_error *err)
{
    static const ld_reg_audit_options none = {0};
    if (!o)
        o = &none;
    if (summary)
        *summary = NULL;
    probe p = {.r = r, .err = err, .addr = addr, .o = o};
    if (o->client)
        p.user = *o->client;
    p.timeout_ms = o->timeout_ms > 0 ? o->timeout_ms : DEFAULT_TIMEOUT_MS;
    p.now = o->now ? o->now : time(NULL);
    p.named_insecure = host_named_insecure(o->client, addr);
    ld_strlist insecure = {0};
    ld_tls_probe_options to = {.host = addr->host,
                               .port = addr->port,
                               .name = addr->name,
                               .cacert = p.user.cacert,
                               .certs_dir = p.user.certs_dir,
                               .timeout_ms = p.timeout_ms};
    int rc = ld_tls_probe_run(&to, &p.tls, err);
    if (rc < 0) {
        ld_error_wrap(err, "registry %s", addr->name);
        goto out;
    }
    ld_plain_probe_run(addr->host, addr->port, p.timeout_ms, &p.plain);
    p.tls_verified = p.tls.handshake && p.tls.verify_result == X509_V_OK;
    p.plain_api =
        p.plain.answered && (p.plain.api_header || p.plain.status == 200 || p.plain.status == 401);
    if (!p.tls.handshake && !p.plain.answered) {
        /* something accepts connections but neither TLS nor HTTP answers */
        p.api_error =
            ld_xasprintf("neither TLS (%s) nor plain HTTP (%s) answered",
                         p.tls.error ? p.tls.error : "?", p.plain.error ? p.plain.error : "?");
    } else {
        open_clients(&p, &insecure);
        if (!p.api_error)
            contact(&p);
    }
    if ((rc = check_tls(&p)) < 0 || (rc = check_tls_version(&p)) < 0 ||
        (rc = check_certificate(&p)) < 0 || (rc = check_insecure_transport(&p)) < 0)
        goto out;
    if (p.api_error) {
        static const char *const api_checks[] = {"registry.auth-required", "registry.v1-api",
                                                 "registry.delete-api", NULL};
        for (const char *const *c = api_checks; *c; c++)
            if ((rc = api_unassessed(&p, *c)) < 0)
                goto out;
    } else {
        pick_repository(&p);
        if ((rc = check_auth_pull(&p)) < 0 || (rc = check_auth_push(&p)) < 0 ||
            (rc = check_auth_catalog(&p)) < 0 || (rc = check_v1(&p)) < 0 ||
            (rc = check_delete(&p)) < 0)
            goto out;
    }
    if (summary)
        *summary = summary_line(&p);
    rc = 0;
out:
    ld_reg_close(p.anon);
    ld_reg_close(p.cred);
    ld_strlist_clear(&insecure);
    ld_tls_probe_clear(&p.tls);
    ld_plain_probe_clear(&p.plain);
    free(p.api_error);
    free(p.challenge);
    free(p.repo);
    free(p.tag);
    return rc;
}

int ld_reg_audit_unassessed(ld_findings *r, const char *const *checks, ld_target_kind kind,
                            const char *target, const char *why, ld_error *err)
{
    for (const char *const *c = checks; *c; c++) {
        int rc = ld_findings_check(r, *c, LD_STATUS_ERROR, kind, target, NULL, err, "%s", why);
        if (rc < 0)
            return rc;
    }
    return 0;
}
