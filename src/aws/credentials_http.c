/* The two metadata endpoints of the AWS credentials chain, over libcurl
 * with 1 s limits, no proxy, no redirect, answers capped at 64 KiB and
 * wiped after use:
 *   - container credentials (ECS task roles, EKS Pod Identity):
 *     AWS_CONTAINER_CREDENTIALS_RELATIVE_URI on http://169.254.170.2, or
 *     AWS_CONTAINER_CREDENTIALS_FULL_URI, which must be https or http to a
 *     loopback address or one of the link-local addresses AWS serves it on
 *     (169.254.170.2, 169.254.170.23, fd00:ec2::23); the Authorization
 *     header from AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE or _TOKEN;
 *   - instance metadata, IMDSv2 only: PUT /latest/api/token, then
 *     /latest/meta-data/iam/security-credentials/ and .../ROLE.
 * Tokens and keys never reach a message. */
#include <curl/curl.h>
#include <openssl/crypto.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "aws/credentials_internal.h"
#include "util/cleanup.h"
#include "util/input_file.h"
#include "util/mem.h"

#define ECS_HOST_URL "http://169.254.170.2"
#define IMDS_DEFAULT "http://169.254.169.254"
#define IMDS_TTL_HEADER "X-aws-ec2-metadata-token-ttl-seconds: 21600"
#define TOKEN_FILE_MAX 16384

typedef struct {
    char *buf;
    size_t len, cap;
    bool over;
} answer;

static size_t on_body(char *p, size_t size, size_t nmemb, void *ud)
{
    answer *a = ud;
    size_t n = size * nmemb;
    if (a->len + n > LD_AWS_CRED_MAX_ANSWER) {
        a->over = true;
        return 0;
    }
    if (a->len + n + 1 > a->cap) {
        size_t cap = a->len + n + 1 < 4096 ? 4096 : (a->len + n + 1) * 2;
        char *nb = ld_xmalloc(cap);
        if (a->buf) {
            memcpy(nb, a->buf, a->len);
            OPENSSL_cleanse(a->buf, a->len);
            free(a->buf);
        }
        a->buf = nb;
        a->cap = cap;
    }
    memcpy(a->buf + a->len, p, n);
    a->len += n;
    a->buf[a->len] = '\0';
    return n;
}

static void answer_clear(answer *a)
{
    if (a->buf) {
        OPENSSL_cleanse(a->buf, a->len);
        free(a->buf);
    }
    memset(a, 0, sizeof(*a));
}

/* One request; 0 with *status and a (NUL-terminated) on an answer, else
 * LD_ERR_UNREACHABLE / LD_ERR_LIMIT with err naming label (never header
 * values). headers: "Name: value" strings. */
static int http_call(const char *label, const char *method, const char *url,
                     const char *const *headers, size_t nh, answer *a, long *status, ld_error *err)
{
    memset(a, 0, sizeof(*a));
    *status = 0;
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
        return ld_error_set(err, LD_ERR_GENERIC, "%s: libcurl did not initialise", label);
    CURL *c = curl_easy_init();
    if (!c) {
        curl_global_cleanup();
        return ld_error_set(err, LD_ERR_GENERIC, "%s: libcurl did not initialise", label);
    }
    struct curl_slist *hl = NULL;
    for (size_t i = 0; i < nh; i++)
        hl = curl_slist_append(hl, headers[i]);
    char ebuf[CURL_ERROR_SIZE] = "";
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(c, CURLOPT_PROXY, ""); /* metadata is never behind a proxy */
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, LD_AWS_CRED_HTTP_TIMEOUT_MS);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, LD_AWS_CRED_HTTP_TIMEOUT_MS);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, ebuf);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, hl);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, a);
    if (!strcmp(method, "PUT")) {
        curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, "PUT");
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, "");
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, 0L);
    }
    CURLcode cc = curl_easy_perform(c);
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, status);
    curl_slist_free_all(hl); /* the header copies may hold a token: libcurl's own */
    curl_easy_cleanup(c);
    curl_global_cleanup();
    if (a->over) {
        answer_clear(a);
        return ld_error_set(err, LD_ERR_LIMIT, "%s: answer larger than %zu bytes", label,
                            LD_AWS_CRED_MAX_ANSWER);
    }
    if (cc != CURLE_OK) {
        answer_clear(a);
        return ld_error_set(err, LD_ERR_UNREACHABLE, "%s: %s", label,
                            ebuf[0] ? ebuf : curl_easy_strerror(cc));
    }
    if (!a->buf) {
        a->buf = ld_xstrdup("");
        a->cap = 1;
    }
    return 0;
}

/* ---- container credentials ---- */

static bool loopback_or_aws_host(const char *host)
{
    if (!strcasecmp(host, "localhost") || !strcmp(host, "[::1]") || !strcmp(host, "::1") ||
        !strcmp(host, "169.254.170.2") || !strcmp(host, "169.254.170.23") ||
        !strcasecmp(host, "[fd00:ec2::23]") || !strcasecmp(host, "fd00:ec2::23"))
        return true;
    /* 127.0.0.0/8, written as a dotted quad */
    unsigned a, b, c, d;
    char extra;
    return sscanf(host, "%u.%u.%u.%u%c", &a, &b, &c, &d, &extra) == 4 && a == 127 && b < 256 &&
           c < 256 && d < 256;
}

/* 0 when url may carry container credentials, else LD_ERR_INVALID. */
static int check_full_uri(const char *url, ld_error *err)
{
    CURLU *u = curl_url();
    char *scheme = NULL, *host = NULL;
    int rc = 0;
    if (!u || curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK ||
        curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
        curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK)
        rc = ld_error_set(err, LD_ERR_INVALID, "AWS_CONTAINER_CREDENTIALS_FULL_URI is not a URL");
    else if (strcasecmp(scheme, "https") &&
             !(!strcasecmp(scheme, "http") && loopback_or_aws_host(host)))
        rc = ld_error_set(err, LD_ERR_INVALID,
                          "AWS_CONTAINER_CREDENTIALS_FULL_URI: %s://%s is neither https nor "
                          "http to a loopback address (or 169.254.170.2/.23); refused, as the "
                          "AWS SDKs refuse it",
                          scheme, host);
    curl_free(scheme);
    curl_free(host);
    curl_url_cleanup(u);
    return rc;
}

/* The Authorization token, or NULL when none is configured; < 0 on a bad one. */
static int container_token(char **out, ld_error *err)
{
    *out = NULL;
    const char *file = getenv("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE");
    const char *tok = getenv("AWS_CONTAINER_AUTHORIZATION_TOKEN");
    char *t = NULL;
    if (file && *file) {
        size_t len = 0;
        int rc = ld_input_read(file, "container authorization token file", TOKEN_FILE_MAX, &t, &len,
                               err);
        if (rc < 0)
            return rc;
        while (len && (t[len - 1] == '\n' || t[len - 1] == '\r' || t[len - 1] == ' '))
            t[--len] = '\0';
    } else if (tok && *tok) {
        t = ld_xstrdup(tok);
    } else {
        return 0;
    }
    for (const char *p = t; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7f) {
            OPENSSL_cleanse(t, strlen(t));
            free(t);
            return ld_error_set(err, LD_ERR_INVALID,
                                "the container authorization token holds a control character "
                                "(a line break?); refused");
        }
    *out = t;
    return 0;
}

int ld_aws_container_credentials(ld_aws_credentials *out, ld_error *err)
{
    const char *rel = getenv("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI");
    const char *full = getenv("AWS_CONTAINER_CREDENTIALS_FULL_URI");
    ld_autofree char *url = NULL;
    if (rel && *rel) {
        if (rel[0] != '/')
            return ld_error_set(err, LD_ERR_INVALID,
                                "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI must start with '/'");
        url = ld_xasprintf("%s%s", ECS_HOST_URL, rel);
    } else if (full && *full) {
        int rc = check_full_uri(full, err);
        if (rc < 0)
            return rc;
        url = ld_xstrdup(full);
    } else {
        return LD_ERR_NOT_FOUND;
    }
    char *token = NULL;
    int rc = container_token(&token, err);
    if (rc < 0)
        return rc;
    char *hdr = token ? ld_xasprintf("Authorization: %s", token) : NULL;
    const char *headers[1] = {hdr};
    answer a;
    long status = 0;
    ld_autofree char *label = ld_xasprintf("container credentials endpoint %s", url);
    rc = http_call(label, "GET", url, headers, hdr ? 1 : 0, &a, &status, err);
    if (hdr) {
        OPENSSL_cleanse(hdr, strlen(hdr));
        OPENSSL_cleanse(token, strlen(token));
    }
    free(hdr);
    free(token);
    if (rc < 0)
        return rc;
    if (status != 200)
        rc = ld_error_set(err, status == 401 || status == 403 ? LD_ERR_INVALID : LD_ERR_UNREACHABLE,
                          "%s: HTTP status %ld%s", label, status,
                          status == 401 || status == 403 ? " (check the authorization token)" : "");
    else
        rc = ld_aws_creds_from_json(label, a.buf, a.len, false, "Token", out, err);
    answer_clear(&a);
    if (rc == 0)
        out->source = ld_steal_ptr(&label);
    return rc;
}

/* ---- instance metadata (IMDSv2) ---- */

static int imds_none(ld_error *err, const char *base, const char *why)
{
    return ld_error_set(err, LD_ERR_NOT_FOUND, "instance metadata at %s (%s)", base, why);
}

int ld_aws_imds_credentials(ld_aws_credentials *out, ld_error *err)
{
    const char *env = getenv("AWS_EC2_METADATA_SERVICE_ENDPOINT");
    ld_autofree char *base = ld_xstrdup(env && *env ? env : IMDS_DEFAULT);
    size_t bl = strlen(base);
    while (bl && base[bl - 1] == '/')
        base[--bl] = '\0';
    ld_autofree char *turl = ld_xasprintf("%s/latest/api/token", base);
    const char *th[1] = {IMDS_TTL_HEADER};
    answer a;
    long status = 0;
    ld_error e = LD_ERROR_INIT;
    if (http_call("instance metadata", "PUT", turl, th, 1, &a, &status, &e) < 0)
        return imds_none(err, base, "no answer within 1 s");
    if (status != 200 || a.len == 0 || memchr(a.buf, '\n', a.len) || memchr(a.buf, '\r', a.len)) {
        answer_clear(&a);
        return imds_none(err, base, "no IMDSv2 session token");
    }
    char *hdr = ld_xasprintf("X-aws-ec2-metadata-token: %s", a.buf);
    answer_clear(&a);
    const char *gh[1] = {hdr};
    ld_autofree char *rurl = ld_xasprintf("%s/latest/meta-data/iam/security-credentials/", base);
    int rc = http_call("instance metadata", "GET", rurl, gh, 1, &a, &status, &e);
    ld_autofree char *role = NULL;
    if (rc == 0 && status == 200) {
        size_t n = strcspn(a.buf, "\r\n");
        role = ld_xstrndup(a.buf, n);
    }
    answer_clear(&a);
    if (!role || !role[0] || strchr(role, '/') || strchr(role, '?') || strchr(role, '#')) {
        OPENSSL_cleanse(hdr, strlen(hdr));
        free(hdr);
        return imds_none(err, base, "no IAM role attached to the instance");
    }
    ld_autofree char *curl_ = ld_xasprintf("%s%s", rurl, role);
    rc = http_call("instance metadata", "GET", curl_, gh, 1, &a, &status, &e);
    OPENSSL_cleanse(hdr, strlen(hdr));
    free(hdr);
    ld_autofree char *label = ld_xasprintf("instance metadata (IMDSv2) at %s, role %s", base, role);
    if (rc < 0)
        return ld_error_set(err, LD_ERR_UNREACHABLE, "%s: %s", label, e.msg);
    if (status != 200) {
        answer_clear(&a);
        return ld_error_set(err, LD_ERR_UNREACHABLE, "%s: HTTP status %ld", label, status);
    }
    rc = ld_aws_creds_from_json(label, a.buf, a.len, false, "Token", out, err);
    answer_clear(&a);
    if (rc == 0)
        out->source = ld_steal_ptr(&label);
    return rc;
}
