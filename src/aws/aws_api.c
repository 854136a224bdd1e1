/* One signed AWS API request with retries (see aws_api.h). */
#include "aws/aws_api.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <time.h>

#include <curl/curl.h>
#include <jansson.h>

#include "aws/ec2_xml.h"
#include "aws/sigv4.h"
#include "util/http_post.h"
#include "util/http_timeouts.h"
#include "util/mem.h"
#include "util/term_text.h"

#define DEFAULT_TIMEOUT_MS 30000L
#define DEFAULT_ATTEMPTS 5
#define MAX_ATTEMPTS 20
#define HEADER_VALUE_MAX 256

/* ---- pure parts ---- */

char *ld_aws_endpoint_host(const char *service, const char *region)
{
    const char *suffix = strncmp(region, "cn-", 3) == 0 ? "amazonaws.com.cn" : "amazonaws.com";
    if (strcmp(service, "ecr") == 0)
        return ld_xasprintf("api.ecr.%s.%s", region, suffix);
    return ld_xasprintf("%s.%s.%s", service, region, suffix);
}

/* A server's text as it may appear in a message: cut, one line, escaped. */
static char *clean_message(const char *s, size_t n)
{
    if (!s)
        return NULL;
    char *raw = ld_xstrndup(s, n > LD_AWS_MESSAGE_MAX * 4 ? LD_AWS_MESSAGE_MAX * 4 : n);
    ld_term_opts o = {.multiline = false, .max = LD_AWS_MESSAGE_MAX};
    char *c = ld_term_clean_opts(raw, &o);
    free(raw);
    if (o.left_out || n > LD_AWS_MESSAGE_MAX * 4) {
        char *t = ld_xasprintf("%s...", c);
        free(c);
        c = t;
    }
    return c;
}

/* "com.amazonaws.ecs#ClientException" -> "ClientException";
 * "ResourceNotFoundException:http://internal..." -> "ResourceNotFoundException". */
static char *code_of(const char *s)
{
    if (!s)
        return NULL;
    const char *hash = strrchr(s, '#');
    if (hash)
        s = hash + 1;
    size_t n = strcspn(s, ":");
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\r' || s[n - 1] == '\n'))
        n--;
    if (n == 0)
        return NULL;
    return clean_message(s, n);
}

static const char *json_str_member(const json_t *o, const char *a, const char *b)
{
    const json_t *v = json_object_get(o, a);
    if (!json_is_string(v) && b)
        v = json_object_get(o, b);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

void ld_aws_parse_error(const char *body, size_t len, const char *error_type_header, char **code,
                        char **message)
{
    *code = NULL;
    *message = NULL;
    size_t i = 0;
    while (i < len && strchr(" \t\r\n", body[i]))
        i++;
    if (i < len && body[i] == '{') {
        json_t *doc = json_loadb(body, len, JSON_DISABLE_EOF_CHECK, NULL);
        if (json_is_object(doc)) {
            *code = code_of(json_str_member(doc, "__type", NULL));
            if (!*code)
                *code = code_of(json_str_member(doc, "code", "Code"));
            const char *m = json_str_member(doc, "message", "Message");
            if (m)
                *message = clean_message(m, strlen(m));
        }
        json_decref(doc);
    } else if (i < len && body[i] == '<') {
        char *c = NULL, *m = NULL;
        ld_ec2_xml_error(body, len, &c, &m);
        *code = c ? code_of(c) : NULL;
        *message = m ? clean_message(m, strlen(m)) : NULL;
        free(c);
        free(m);
    }
    if (!*code && error_type_header && *error_type_header)
        *code = code_of(error_type_header);
}

static bool code_in(const char *code, const char *const *list)
{
    for (size_t i = 0; code && list[i]; i++)
        if (strcmp(code, list[i]) == 0)
            return true;
    return false;
}

ld_aws_err_class ld_aws_classify(long status, const char *code)
{
    static const char *const retry[] = {"ThrottlingException",
                                        "TooManyRequestsException",
                                        "ProvisionedThroughputExceededException",
                                        "RequestLimitExceeded",
                                        "Throttling",
                                        "ThrottledException",
                                        "RequestThrottled",
                                        "RequestThrottledException",
                                        "SlowDown",
                                        NULL};
    static const char *const creds[] = {"ExpiredToken",
                                        "ExpiredTokenException",
                                        "UnrecognizedClientException",
                                        "InvalidClientTokenId",
                                        "InvalidSignatureException",
                                        "SignatureDoesNotMatch",
                                        "AuthFailure",
                                        "IncompleteSignature",
                                        "MissingAuthenticationToken",
                                        "InvalidAccessKeyId",
                                        "RequestExpired",
                                        NULL};
    static const char *const denied[] = {"AccessDenied", "AccessDeniedException",
                                         "UnauthorizedOperation", NULL};
    static const char *const absent[] = {"LifecyclePolicyNotFoundException",
                                         "RepositoryPolicyNotFoundException",
                                         "ScanNotFoundException", NULL};
    if (status >= 200 && status < 300)
        return LD_AWS_ERR_NONE;
    if (code_in(code, creds))
        return LD_AWS_ERR_CREDENTIALS;
    if (status == 429 || status >= 500 || code_in(code, retry))
        return LD_AWS_ERR_RETRY;
    if (code_in(code, denied))
        return LD_AWS_ERR_DENIED;
    if (code_in(code, absent))
        return LD_AWS_ERR_NOT_FOUND;
    if (status == 401)
        return LD_AWS_ERR_CREDENTIALS;
    if (status == 403)
        return LD_AWS_ERR_DENIED;
    return LD_AWS_ERR_OTHER;
}

long ld_aws_backoff_ms(int retry, long retry_after_s, uint32_t r)
{
    if (retry_after_s >= 0)
        return retry_after_s > LD_AWS_BACKOFF_CAP_MS / 1000 ? LD_AWS_BACKOFF_CAP_MS
                                                            : retry_after_s * 1000;
    long ceiling = LD_AWS_BACKOFF_BASE_MS;
    for (int i = 0; i < retry && ceiling < LD_AWS_BACKOFF_CAP_MS; i++)
        ceiling *= 2;
    if (ceiling > LD_AWS_BACKOFF_CAP_MS)
        ceiling = LD_AWS_BACKOFF_CAP_MS;
    return (long)(((uint64_t)r * (uint64_t)ceiling) / UINT32_MAX);
}

char *ld_aws_arn_account(const char *arn)
{
    if (!arn || strncmp(arn, "arn:", 4) != 0)
        return NULL;
    const char *p = arn;
    for (int field = 0; field < 4; field++) {
        p = strchr(p, ':');
        if (!p)
            return NULL;
        p++;
    }
    size_t n = strcspn(p, ":");
    if (n != 12)
        return NULL;
    for (size_t i = 0; i < n; i++)
        if (p[i] < '0' || p[i] > '9')
            return NULL;
    return ld_xstrndup(p, n);
}

/* ---- the request ---- */

typedef struct {
    ld_aws_response *res;
    size_t cap;
    bool too_big;
    long retry_after_s;
    bool transient; /* the attempt failed in a way worth trying again */
    char error_type[HEADER_VALUE_MAX];
} rx;

static size_t on_body(char *p, size_t size, size_t nmemb, void *ud)
{
    rx *x = ud;
    size_t n = size * nmemb;
    if (n > LD_AWS_ANSWER_MAX - x->res->len) {
        x->too_big = true;
        return 0; /* libcurl ends the transfer */
    }
    ld_xgrow(&x->res->body, &x->cap, x->res->len + n + 1, 1);
    memcpy(x->res->body + x->res->len, p, n);
    x->res->len += n;
    x->res->body[x->res->len] = '\0';
    return n;
}

static size_t on_header(char *p, size_t size, size_t nmemb, void *ud)
{
    rx *x = ud;
    size_t n = size * nmemb;
    static const char et[] = "x-amzn-errortype:";
    if (n >= 5 && memcmp(p, "HTTP/", 5) == 0) {
        x->retry_after_s = -1;
        x->error_type[0] = '\0';
    } else if (n > 12 && strncasecmp(p, "retry-after:", 12) == 0) {
        x->retry_after_s = ld_http_retry_after_s(p + 12, n - 12);
    } else if (n > sizeof(et) - 1 && strncasecmp(p, et, sizeof(et) - 1) == 0) {
        size_t b = sizeof(et) - 1;
        while (b < n && (p[b] == ' ' || p[b] == '\t'))
            b++;
        size_t k = n - b;
        while (k && (p[b + k - 1] == '\r' || p[b + k - 1] == '\n'))
            k--;
        if (k >= sizeof(x->error_type))
            k = sizeof(x->error_type) - 1;
        memcpy(x->error_type, p + b, k);
        x->error_type[k] = '\0';
    }
    return n;
}

/* Where requests go: the URL prefix ("https://host:port") and the Host
 * header's value. An override must be http(s) with no path, query or
 * credentials. */
typedef struct {
    char *base;
    char *host;
} endpoint;

static void endpoint_clear(endpoint *e)
{
    free(e->base);
    free(e->host);
    memset(e, 0, sizeof(*e));
}

static int resolve_endpoint(const ld_aws_client *cl, const char *service, endpoint *e,
                            ld_error *err)
{
    memset(e, 0, sizeof(*e));
    if (!cl->endpoint_url) {
        e->host = ld_aws_endpoint_host(service, cl->region);
        e->base = ld_xasprintf("https://%s", e->host);
        return 0;
    }
    CURLU *u = curl_url();
    char *scheme = NULL, *host = NULL, *port = NULL, *path = NULL, *query = NULL, *user = NULL;
    int rc = 0;
    if (!u || curl_url_set(u, CURLUPART_URL, cl->endpoint_url, 0) != CURLUE_OK ||
        curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
        curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK) {
        rc = ld_error_set(err, LD_ERR_INVALID, "--endpoint-url: not a URL");
        goto out;
    }
    curl_url_get(u, CURLUPART_PORT, &port, 0);
    curl_url_get(u, CURLUPART_PATH, &path, 0);
    curl_url_get(u, CURLUPART_QUERY, &query, 0);
    curl_url_get(u, CURLUPART_USER, &user, 0);
    if (strcasecmp(scheme, "https") != 0 && strcasecmp(scheme, "http") != 0) {
        rc = ld_error_set(err, LD_ERR_INVALID, "--endpoint-url: only https:// and http:// URLs");
    } else if ((path && strcmp(path, "/") != 0 && *path) || query || user) {
        rc = ld_error_set(err, LD_ERR_INVALID,
                          "--endpoint-url: give scheme, host and port only (no path, query or "
                          "user)");
    } else {
        e->host = port ? ld_xasprintf("%s:%s", host, port) : ld_xstrdup(host);
        e->base = ld_xasprintf("%s://%s", scheme, e->host);
    }
out:
    curl_free(scheme);
    curl_free(host);
    curl_free(port);
    curl_free(path);
    curl_free(query);
    curl_free(user);
    curl_url_cleanup(u);
    return rc;
}

static bool add_header(struct curl_slist **h, const char *line)
{
    struct curl_slist *n = curl_slist_append(*h, line);
    if (!n)
        return false;
    *h = n;
    return true;
}

/* Frees a header list after wiping it (the Authorization and token lines). */
static void free_headers(struct curl_slist *h)
{
    for (struct curl_slist *s = h; s; s = s->next)
        explicit_bzero(s->data, strlen(s->data));
    curl_slist_free_all(h);
}

/* The signed headers of one attempt (signed at time now), or NULL with err set. */
static struct curl_slist *signed_headers(const ld_aws_client *cl, const ld_aws_call *call,
                                         const endpoint *e, time_t now, ld_error *err)
{
    ld_sigv4_header h[2];
    size_t nh = 0;
    char *target = NULL;
    const char *ctype = NULL;
    if (call->proto == LD_AWS_PROTO_JSON) {
        ctype = "application/x-amz-json-1.1";
        target = ld_xasprintf("%s.%s", call->target, call->operation);
        h[nh++] = (ld_sigv4_header){"Content-Type", ctype};
        h[nh++] = (ld_sigv4_header){"X-Amz-Target", target};
    } else if (call->proto == LD_AWS_PROTO_EC2_QUERY) {
        ctype = "application/x-www-form-urlencoded; charset=utf-8";
        h[nh++] = (ld_sigv4_header){"Content-Type", ctype};
    }
    ld_sigv4_request rq = {
        .method = call->proto == LD_AWS_PROTO_REST_JSON ? "GET" : "POST",
        .host = e->host,
        .path = call->proto == LD_AWS_PROTO_REST_JSON ? call->path : "/",
        .query = call->proto == LD_AWS_PROTO_REST_JSON ? call->query : NULL,
        .headers = h,
        .n_headers = nh,
        .body = (const uint8_t *)(call->body ? call->body : ""),
        .body_len = call->body ? call->body_len : 0,
        .service = call->service,
        .region = cl->region,
        .when = now,
    };
    char *auth[3] = {NULL, NULL, NULL};
    size_t na = 0;
    struct curl_slist *list = NULL;
    if (ld_sigv4_sign(&rq, cl->creds, auth, &na, err) < 0) {
        free(target);
        return NULL;
    }
    char *host_line = ld_xasprintf("Host: %s", e->host);
    bool ok = add_header(&list, host_line) && add_header(&list, "Expect:") &&
              add_header(&list, "Accept: application/json");
    free(host_line);
    for (size_t i = 0; i < nh && ok; i++) {
        char *line = ld_xasprintf("%s: %s", h[i].name, h[i].value);
        ok = add_header(&list, line);
        free(line);
    }
    for (size_t i = 0; i < na; i++) {
        if (ok)
            ok = add_header(&list, auth[i]);
        explicit_bzero(auth[i], strlen(auth[i]));
        free(auth[i]);
    }
    free(target);
    if (!ok) {
        free_headers(list);
        ld_error_set(err, LD_ERR_NOMEM, "out of memory for the request headers");
        return NULL;
    }
    return list;
}

static void reset_response(ld_aws_response *res)
{
    free(res->body);
    free(res->error_code);
    free(res->error_message);
    res->body = NULL;
    res->error_code = res->error_message = NULL;
    res->len = 0;
    res->status = 0;
    res->err_class = LD_AWS_ERR_NONE;
}

/* One attempt; 0 with res->status set (any status), or < 0 (no answer). */
static int attempt(ld_aws_client *cl, const ld_aws_call *call, const endpoint *e, const char *what,
                   rx *x, ld_error *err)
{
    ld_aws_response *res = x->res;
    reset_response(res);
    x->cap = 0;
    x->too_big = false;
    x->retry_after_s = -1;
    x->transient = false;
    x->error_type[0] = '\0';
    struct curl_slist *hdrs = signed_headers(cl, call, e, time(NULL), err);
    if (!hdrs)
        return ld_error_wrap(err, "%s", what);
    char *url = call->proto == LD_AWS_PROTO_REST_JSON
                    ? ld_xasprintf("%s%s%s%s", e->base, call->path, call->query ? "?" : "",
                                   call->query ? call->query : "")
                    : ld_xasprintf("%s/", e->base);
    CURL *c = curl_easy_init();
    if (!c) {
        free(url);
        free_headers(hdrs);
        return ld_error_set(err, LD_ERR_GENERIC, "%s: cannot start an HTTP client", what);
    }
    char errbuf[CURL_ERROR_SIZE] = "";
    long ms = cl->timeout_ms > 0 ? cl->timeout_ms : DEFAULT_TIMEOUT_MS;
    ld_http_timeouts t = {.connect_ms = ms < 10000 ? ms : 10000,
                          .request_ms = ms,
                          .low_speed_bytes = 1,
                          .low_speed_s = (ms + 999) / 1000};
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_USERAGENT, "lockdown/" LOCKDOWN_VERSION);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
    curl_easy_setopt(c, CURLOPT_SSLVERSION, (long)CURL_SSLVERSION_TLSv1_2);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
    if (cl->ca_bundle)
        curl_easy_setopt(c, CURLOPT_CAINFO, cl->ca_bundle);
    if (call->proto == LD_AWS_PROTO_REST_JSON) {
        curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
    } else {
        curl_easy_setopt(c, CURLOPT_POST, 1L);
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, call->body ? call->body : "");
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE,
                         (curl_off_t)(call->body ? call->body_len : 0));
    }
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, x);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, x);
    curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)LD_AWS_ANSWER_MAX);
    ld_http_timeouts_apply(c, &t);
    CURLcode cc = curl_easy_perform(c);
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &res->status);
    int rc = 0;
    if (x->too_big || cc == CURLE_FILESIZE_EXCEEDED) {
        rc = ld_error_set(err, LD_ERR_LIMIT, "%s: the answer is larger than %zu bytes", what,
                          LD_AWS_ANSWER_MAX);
    } else if (cc == CURLE_OPERATION_TIMEDOUT) {
        char why[128];
        ld_http_timeout_describe(c, &t, strncasecmp(url, "https://", 8) == 0, why, sizeof(why));
        rc = ld_error_set(err, LD_ERR_UNREACHABLE, "%s: %s", what, why);
    } else if (cc != CURLE_OK) {
        rc = ld_error_set(err, LD_ERR_UNREACHABLE, "%s: %s", what,
                          errbuf[0] ? errbuf : curl_easy_strerror(cc));
        /* a connection that could not be made, or broke: the SDKs'
         * standard retry mode tries those again (a timeout is not, it
         * would cost the whole limit again) */
        x->transient = cc == CURLE_COULDNT_CONNECT || cc == CURLE_SEND_ERROR ||
                       cc == CURLE_RECV_ERROR || cc == CURLE_GOT_NOTHING ||
                       cc == CURLE_PARTIAL_FILE;
    }
    curl_easy_cleanup(c);
    free_headers(hdrs);
    free(url);
    if (!res->body)
        res->body = ld_xstrdup("");
    cl->requests++;
    return rc;
}

static uint32_t next_random(ld_aws_client *cl)
{
    if (cl->rng == 0) {
        if (getrandom(&cl->rng, sizeof(cl->rng), 0) != (ssize_t)sizeof(cl->rng) || !cl->rng)
            cl->rng = (uint64_t)time(NULL) | 1u;
    }
    /* xorshift64* */
    cl->rng ^= cl->rng >> 12;
    cl->rng ^= cl->rng << 25;
    cl->rng ^= cl->rng >> 27;
    return (uint32_t)((cl->rng * 0x2545F4914F6CDD1DULL) >> 32);
}

static void sleep_for(ld_aws_client *cl, long ms)
{
    if (cl->sleep_ms) {
        cl->sleep_ms(cl->sleep_ctx, ms);
        return;
    }
    struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0)
        ;
}

/* The error of a finished attempt, from its body and headers. */
static void read_error(rx *x)
{
    ld_aws_response *res = x->res;
    if (res->status >= 200 && res->status < 300)
        return;
    ld_aws_parse_error(res->body, res->len, x->error_type, &res->error_code, &res->error_message);
    res->err_class = ld_aws_classify(res->status, res->error_code);
}

static int refused_credentials(const ld_aws_client *cl, const ld_aws_response *res, ld_error *err)
{
    const char *src = cl->creds && cl->creds->source ? cl->creds->source : "the chain";
    return ld_error_set(err, LD_ERR_INVALID, "AWS refused the credentials from %s: %s%s%s", src,
                        res->error_code ? res->error_code : "HTTP error",
                        res->error_message ? ": " : "",
                        res->error_message ? res->error_message : "");
}

int ld_aws_request(ld_aws_client *cl, const ld_aws_call *call, ld_aws_response *res, ld_error *err)
{
    memset(res, 0, sizeof(*res));
    char *what = ld_xasprintf("%s:%s %s", call->service, call->operation, cl->region);
    endpoint e;
    int rc = resolve_endpoint(cl, call->service, &e, err);
    if (rc < 0)
        goto out;
    int max = cl->max_attempts > 0 ? cl->max_attempts : DEFAULT_ATTEMPTS;
    if (max > MAX_ATTEMPTS)
        max = MAX_ATTEMPTS;
    rx x = {.res = res, .retry_after_s = -1};
    for (int i = 0; i < max; i++) {
        res->attempts = i + 1;
        rc = attempt(cl, call, &e, what, &x, err);
        if (rc < 0 && x.transient && i + 1 < max) {
            cl->retries++;
            sleep_for(cl, ld_aws_backoff_ms(i, -1, next_random(cl)));
            ld_error_clear(err);
            continue;
        }
        if (rc < 0) {
            if (i > 0) {
                char first[LD_ERROR_MSG_MAX];
                snprintf(first, sizeof(first), "%s", err->msg);
                ld_error_set(err, err->code, "%s (after %d attempts)", first, i + 1);
            }
            goto out;
        }
        read_error(&x);
        if (res->err_class != LD_AWS_ERR_RETRY)
            break;
        if (i + 1 == max) {
            rc = ld_error_set(err, LD_ERR_UNREACHABLE,
                              "%s: still refused after %d attempts: HTTP %ld %s%s%s: try again "
                              "later or raise the attempts",
                              what, max, res->status, res->error_code ? res->error_code : "",
                              res->error_message ? ": " : "",
                              res->error_message ? res->error_message : "");
            goto out;
        }
        cl->retries++;
        sleep_for(cl, ld_aws_backoff_ms(i, x.retry_after_s, next_random(cl)));
    }
    if (res->status >= 300 && res->status < 400) {
        rc = ld_error_set(err, LD_ERR_UNREACHABLE,
                          "%s: HTTP %ld: a redirect, not followed (check --endpoint-url)", what,
                          res->status);
    } else if (res->err_class == LD_AWS_ERR_CREDENTIALS) {
        rc = refused_credentials(cl, res, err);
    }
out:
    endpoint_clear(&e);
    free(what);
    return rc;
}

void ld_aws_response_clear(ld_aws_response *res)
{
    reset_response(res);
    memset(res, 0, sizeof(*res));
}
