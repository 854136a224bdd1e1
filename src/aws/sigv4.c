/* AWS Signature Version 4 over OpenSSL (SHA-256, HMAC-SHA256): the
 * canonical request, the string to sign, the signing key and the headers
 * to send (aws/sigv4.h). Pure: no clock, no I/O, nothing printed; the
 * secret key only reaches HMAC and its derived keys are wiped. Not the
 * S3 variant (no single encoding of the path, no UNSIGNED-PAYLOAD), not
 * presigned URLs. */
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "aws/sigv4.h"
#include "util/cleanup.h"
#include "util/mem.h"

#define SHA256_LEN 32
#define ALGORITHM "AWS4-HMAC-SHA256"

/* ---- a tiny growable string (bounded by the request it describes) ---- */

typedef struct {
    char *s;
    size_t n, cap;
} sbuf;

static void sb_addn(sbuf *b, const char *s, size_t n)
{
    ld_xgrow(&b->s, &b->cap, b->n + n + 1, 1);
    memcpy(b->s + b->n, s, n);
    b->n += n;
    b->s[b->n] = '\0';
}

static void sb_add(sbuf *b, const char *s)
{
    sb_addn(b, s, strlen(s));
}

static void sb_addc(sbuf *b, char c)
{
    sb_addn(b, &c, 1);
}

static char *sb_steal(sbuf *b)
{
    if (!b->s)
        return ld_xstrdup("");
    char *s = b->s;
    b->s = NULL;
    b->n = b->cap = 0;
    return s;
}

/* ---- hashing ---- */

static void hex_of(const unsigned char *d, size_t n, char *out)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[d[i] >> 4];
        out[2 * i + 1] = digits[d[i] & 15];
    }
    out[2 * n] = '\0';
}

/* Lower-case hex SHA-256 of data into out[65]. */
static void sha256_hex(const void *data, size_t len, char out[2 * SHA256_LEN + 1])
{
    unsigned char md[SHA256_LEN];
    unsigned int mdlen = 0;
    if (!EVP_Digest(data ? data : "", len, md, &mdlen, EVP_sha256(), NULL) || mdlen != SHA256_LEN)
        abort(); /* SHA-256 is always there; a failure is a broken OpenSSL */
    hex_of(md, SHA256_LEN, out);
}

static void hmac256(const void *key, size_t keylen, const char *msg, unsigned char out[SHA256_LEN])
{
    unsigned int n = 0;
    if (!HMAC(EVP_sha256(), key, (int)keylen, (const unsigned char *)msg, strlen(msg), out, &n) ||
        n != SHA256_LEN)
        abort();
}

/* ---- canonical pieces ---- */

static bool unreserved(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_' || c == '.' || c == '~';
}

/* Percent-encodes s[0..n) the SigV4 way: unreserved bytes stay, '/' stays
 * when keep_slash, everything else becomes %XX (upper-case hex). */
static void encode_into(sbuf *b, const char *s, size_t n, bool keep_slash)
{
    static const char digits[] = "0123456789ABCDEF";
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (unreserved(c) || (keep_slash && c == '/')) {
            sb_addc(b, (char)c);
        } else {
            char e[3] = {'%', digits[c >> 4], digits[c & 15]};
            sb_addn(b, e, 3);
        }
    }
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* s[0..n) with each valid %XX decoded; a '%' not followed by two hex
 * digits stays a '%' (it is then encoded as %25). '+' is not a space. */
static char *percent_decode(const char *s, size_t n, size_t *outlen)
{
    char *d = ld_xmalloc(n + 1);
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        int hi, lo;
        if (s[i] == '%' && i + 2 < n && (hi = hexval(s[i + 1])) >= 0 &&
            (lo = hexval(s[i + 2])) >= 0) {
            d[o++] = (char)(hi * 16 + lo);
            i += 2;
        } else {
            d[o++] = s[i];
        }
    }
    d[o] = '\0';
    *outlen = o;
    return d;
}

/* The path with "." and ".." segments removed and runs of '/' folded (RFC
 * 3986 5.2.4, as AWS asks for every service but S3), then encoded once
 * more ('%' becomes "%25"): the wire path is already encoded once. */
static void canonical_uri_into(sbuf *b, const char *path)
{
    if (!path || !*path) {
        sb_addc(b, '/');
        return;
    }
    size_t len = strlen(path);
    /* segments kept: (start, length) pairs into path */
    size_t *seg = ld_xcalloc(len + 1, 2 * sizeof(size_t));
    size_t nseg = 0;
    size_t i = 0;
    while (i <= len) {
        size_t j = i;
        while (j < len && path[j] != '/')
            j++;
        size_t n = j - i;
        if (n == 0 || (n == 1 && path[i] == '.')) {
            /* empty or "." segment: dropped */
        } else if (n == 2 && path[i] == '.' && path[i + 1] == '.') {
            if (nseg)
                nseg--;
        } else {
            seg[2 * nseg] = i;
            seg[2 * nseg + 1] = n;
            nseg++;
        }
        i = j + 1;
    }
    sbuf norm = {0};
    if (path[0] == '/')
        sb_addc(&norm, '/');
    for (size_t k = 0; k < nseg; k++) {
        if (k)
            sb_addc(&norm, '/');
        sb_addn(&norm, path + seg[2 * k], seg[2 * k + 1]);
    }
    if (len && path[len - 1] == '/' && nseg)
        sb_addc(&norm, '/');
    free(seg);
    if (norm.n == 0)
        sb_addc(b, '/');
    else
        encode_into(b, norm.s, norm.n, true);
    free(norm.s);
}

typedef struct {
    char *name, *value; /* encoded */
} qparam;

static int qparam_cmp(const void *a, const void *b)
{
    const qparam *x = a, *y = b;
    int c = strcmp(x->name, y->name);
    return c ? c : strcmp(x->value, y->value);
}

static char *encode_component(const char *s, size_t n)
{
    size_t dn = 0;
    ld_autofree char *d = percent_decode(s, n, &dn);
    sbuf b = {0};
    encode_into(&b, d, dn, false);
    return sb_steal(&b);
}

/* name=value pairs split on '&' (empty pairs dropped; a pair without '='
 * has an empty value), each side decoded then encoded, sorted by name
 * then value, joined with '&'. */
static void canonical_query_into(sbuf *b, const char *query)
{
    if (!query || !*query)
        return;
    size_t len = strlen(query), cap = 0, n = 0;
    qparam *v = NULL;
    size_t i = 0;
    while (i <= len) {
        const char *amp = memchr(query + i, '&', len - i);
        size_t end = amp ? (size_t)(amp - query) : len;
        if (end > i) {
            const char *eq = memchr(query + i, '=', end - i);
            size_t nl = eq ? (size_t)(eq - (query + i)) : end - i;
            ld_xgrow(&v, &cap, n + 1, sizeof(*v));
            v[n].name = encode_component(query + i, nl);
            v[n].value =
                eq ? encode_component(eq + 1, end - (size_t)(eq + 1 - query)) : ld_xstrdup("");
            n++;
        }
        i = end + 1;
    }
    qsort(v, n, sizeof(*v), qparam_cmp);
    for (size_t k = 0; k < n; k++) {
        if (k)
            sb_addc(b, '&');
        sb_add(b, v[k].name);
        sb_addc(b, '=');
        sb_add(b, v[k].value);
        free(v[k].name);
        free(v[k].value);
    }
    free(v);
}

typedef struct {
    char *name;  /* lower-case */
    char *value; /* trimmed, inner blank runs folded */
    size_t order;
} cheader;

static int cheader_cmp(const void *a, const void *b)
{
    const cheader *x = a, *y = b;
    int c = strcmp(x->name, y->name);
    if (c)
        return c;
    return x->order < y->order ? -1 : x->order > y->order;
}

static bool is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

static char *trimall(const char *s)
{
    sbuf b = {0};
    bool pending = false;
    for (; *s; s++) {
        if (is_blank(*s)) {
            pending = b.n > 0;
            continue;
        }
        if (pending)
            sb_addc(&b, ' ');
        pending = false;
        sb_addc(&b, *s);
    }
    return sb_steal(&b);
}

static char *lower_dup(const char *s)
{
    char *d = ld_xstrdup(s);
    for (char *p = d; *p; p++)
        if (*p >= 'A' && *p <= 'Z')
            *p = (char)(*p - 'A' + 'a');
    return d;
}

/* Headers lockdown sets itself: a caller's copy is ignored. */
static bool reserved_header(const char *name)
{
    return !strcasecmp(name, "host") || !strcasecmp(name, "x-amz-date") ||
           !strcasecmp(name, "x-amz-security-token") || !strcasecmp(name, "authorization");
}

static void amz_date(time_t when, char out[17])
{
    struct tm tm;
    if (!gmtime_r(&when, &tm) || strftime(out, 17, "%Y%m%dT%H%M%SZ", &tm) != 16)
        memcpy(out, "19700101T000000Z", 17);
}

/* Canonical headers and signed headers of rq (plus token when not NULL). */
static void headers_into(const ld_sigv4_request *rq, const char *token, sbuf *canon,
                         sbuf *signed_names)
{
    size_t n = 0, cap = rq->n_headers + 3;
    cheader *h = ld_xcalloc(cap, sizeof(*h));
    char date[17];
    amz_date(rq->when, date);
    h[n++] = (cheader){ld_xstrdup("host"), trimall(rq->host ? rq->host : ""), 0};
    h[n++] = (cheader){ld_xstrdup("x-amz-date"), ld_xstrdup(date), 1};
    if (token)
        h[n++] = (cheader){ld_xstrdup("x-amz-security-token"), trimall(token), 2};
    for (size_t i = 0; rq->headers && i < rq->n_headers; i++) {
        const ld_sigv4_header *x = &rq->headers[i];
        if (!x->name || reserved_header(x->name))
            continue;
        h[n] = (cheader){lower_dup(x->name), trimall(x->value ? x->value : ""), 3 + i};
        n++;
    }
    qsort(h, n, sizeof(*h), cheader_cmp);
    for (size_t i = 0; i < n; i++) {
        bool same = i > 0 && !strcmp(h[i].name, h[i - 1].name);
        if (same) {
            /* repeated header: values joined with ',' in the order given */
            canon->n--; /* drop the '\n' of the previous line */
            sb_addc(canon, ',');
        } else {
            if (signed_names->n)
                sb_addc(signed_names, ';');
            sb_add(signed_names, h[i].name);
            sb_add(canon, h[i].name);
            sb_addc(canon, ':');
        }
        sb_add(canon, h[i].value);
        sb_addc(canon, '\n');
    }
    for (size_t i = 0; i < n; i++) {
        free(h[i].name);
        free(h[i].value);
    }
    free(h);
}

static char *canonical_request_with(const ld_sigv4_request *rq, const char *token,
                                    char **signed_headers_out)
{
    sbuf b = {0}, canon = {0}, names = {0};
    for (const char *m = rq->method ? rq->method : ""; *m; m++)
        sb_addc(&b, (*m >= 'a' && *m <= 'z') ? (char)(*m - 'a' + 'A') : *m);
    sb_addc(&b, '\n');
    canonical_uri_into(&b, rq->path);
    sb_addc(&b, '\n');
    canonical_query_into(&b, rq->query);
    sb_addc(&b, '\n');
    headers_into(rq, token, &canon, &names);
    sb_addn(&b, canon.s, canon.n);
    sb_addc(&b, '\n');
    sb_addn(&b, names.s, names.n);
    sb_addc(&b, '\n');
    char hash[2 * SHA256_LEN + 1];
    sha256_hex(rq->body, rq->body ? rq->body_len : 0, hash);
    sb_add(&b, hash);
    free(canon.s);
    if (signed_headers_out)
        *signed_headers_out = sb_steal(&names);
    else
        free(names.s);
    return sb_steal(&b);
}

char *ld_sigv4_canonical_request(const ld_sigv4_request *rq)
{
    return canonical_request_with(rq, NULL, NULL);
}

static char *scope_of(const ld_sigv4_request *rq)
{
    char date[17];
    amz_date(rq->when, date);
    return ld_xasprintf("%.8s/%s/%s/aws4_request", date, rq->region ? rq->region : "",
                        rq->service ? rq->service : "");
}

char *ld_sigv4_string_to_sign(const ld_sigv4_request *rq, const char *canonical_request)
{
    char date[17], hash[2 * SHA256_LEN + 1];
    amz_date(rq->when, date);
    sha256_hex(canonical_request, strlen(canonical_request), hash);
    ld_autofree char *scope = scope_of(rq);
    return ld_xasprintf(ALGORITHM "\n%s\n%s\n%s", date, scope, hash);
}

/* kSigning = HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service),
 * "aws4_request"); every intermediate key is wiped. */
static void signing_key(const char *secret, const char *date8, const char *region,
                        const char *service, unsigned char out[SHA256_LEN])
{
    size_t sl = strlen(secret);
    char *k0 = ld_xmalloc(sl + 5);
    memcpy(k0, "AWS4", 4);
    memcpy(k0 + 4, secret, sl + 1);
    unsigned char k1[SHA256_LEN], k2[SHA256_LEN], k3[SHA256_LEN];
    hmac256(k0, sl + 4, date8, k1);
    hmac256(k1, SHA256_LEN, region, k2);
    hmac256(k2, SHA256_LEN, service, k3);
    hmac256(k3, SHA256_LEN, "aws4_request", out);
    OPENSSL_cleanse(k0, sl + 5);
    OPENSSL_cleanse(k1, sizeof(k1));
    OPENSSL_cleanse(k2, sizeof(k2));
    OPENSSL_cleanse(k3, sizeof(k3));
    free(k0);
}

/* Exposed for the unit tests (the AWS General Reference's signing-key
 * example); not in the header on purpose. */
void ld_sigv4_signing_key_hex(const char *secret, const char *date8, const char *region,
                              const char *service, char out[2 * SHA256_LEN + 1]);
void ld_sigv4_signing_key_hex(const char *secret, const char *date8, const char *region,
                              const char *service, char out[2 * SHA256_LEN + 1])
{
    unsigned char k[SHA256_LEN];
    signing_key(secret, date8, region, service, k);
    hex_of(k, SHA256_LEN, out);
    OPENSSL_cleanse(k, sizeof(k));
}

static bool has_ctl(const char *s)
{
    for (; s && *s; s++)
        if ((unsigned char)*s < 0x20 || *s == 0x7f)
            return true;
    return false;
}

/* A scope part: non-empty, no '/', no blank or control byte. */
static bool scope_part_ok(const char *s)
{
    if (!s || !*s)
        return false;
    for (; *s; s++)
        if (*s == '/' || *s == ' ' || (unsigned char)*s < 0x20 || *s == 0x7f)
            return false;
    return true;
}

static int validate(const ld_sigv4_request *rq, const ld_aws_credentials *c, ld_error *err)
{
    if (!rq->method || !*rq->method || has_ctl(rq->method) || strchr(rq->method, ' '))
        return ld_error_set(err, LD_ERR_INVALID, "sigv4: no HTTP method");
    if (!rq->host || !*rq->host || has_ctl(rq->host))
        return ld_error_set(err, LD_ERR_INVALID, "sigv4: no host, or a control character in it");
    if (!scope_part_ok(rq->service))
        return ld_error_set(err, LD_ERR_INVALID, "sigv4: missing or malformed service name");
    if (!scope_part_ok(rq->region))
        return ld_error_set(err, LD_ERR_INVALID, "sigv4: missing or malformed region");
    if (!c || !scope_part_ok(c->access_key_id))
        return ld_error_set(err, LD_ERR_INVALID, "sigv4: missing or malformed access key id");
    if (!c->secret_access_key || !*c->secret_access_key)
        return ld_error_set(err, LD_ERR_INVALID, "sigv4: no secret access key for %s",
                            c->access_key_id);
    if (c->session_token && has_ctl(c->session_token))
        return ld_error_set(err, LD_ERR_INVALID,
                            "sigv4: control character in the session token of %s",
                            c->access_key_id);
    if (rq->path && has_ctl(rq->path))
        return ld_error_set(err, LD_ERR_INVALID, "sigv4: control character in the path");
    if (rq->query && has_ctl(rq->query))
        return ld_error_set(err, LD_ERR_INVALID, "sigv4: control character in the query");
    for (size_t i = 0; rq->headers && i < rq->n_headers; i++) {
        const ld_sigv4_header *h = &rq->headers[i];
        if (!h->name || !*h->name || has_ctl(h->name) || strchr(h->name, ':') ||
            strchr(h->name, ' '))
            return ld_error_set(err, LD_ERR_INVALID, "sigv4: malformed header name (header %zu)",
                                i + 1);
        /* a line break would let a value forge another header */
        if (h->value && (strchr(h->value, '\r') || strchr(h->value, '\n')))
            return ld_error_set(err, LD_ERR_INVALID, "sigv4: line break in the value of header %s",
                                h->name);
    }
    return 0;
}

int ld_sigv4_sign(const ld_sigv4_request *rq, const ld_aws_credentials *c, char *out[3], size_t *n,
                  ld_error *err)
{
    *n = 0;
    int rc = validate(rq, c, err);
    if (rc < 0)
        return rc;
    const char *token = c->session_token && *c->session_token ? c->session_token : NULL;
    ld_autofree char *signed_headers = NULL;
    ld_autofree char *creq = canonical_request_with(rq, token, &signed_headers);
    ld_autofree char *sts = ld_sigv4_string_to_sign(rq, creq);
    char date[17];
    amz_date(rq->when, date);
    char date8[9];
    memcpy(date8, date, 8);
    date8[8] = '\0';
    unsigned char key[SHA256_LEN], sig[SHA256_LEN];
    signing_key(c->secret_access_key, date8, rq->region, rq->service, key);
    hmac256(key, SHA256_LEN, sts, sig);
    OPENSSL_cleanse(key, sizeof(key));
    char sighex[2 * SHA256_LEN + 1];
    hex_of(sig, SHA256_LEN, sighex);
    ld_autofree char *scope = scope_of(rq);
    out[(*n)++] = ld_xasprintf("X-Amz-Date: %s", date);
    if (token)
        out[(*n)++] = ld_xasprintf("X-Amz-Security-Token: %s", token);
    out[(*n)++] = ld_xasprintf("Authorization: " ALGORITHM
                               " Credential=%s/%s, SignedHeaders=%s, Signature=%s",
                               c->access_key_id, scope, signed_headers, sighex);
    return 0;
}
