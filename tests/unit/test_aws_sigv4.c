/* Unit tests for the SigV4 signer (src/aws/sigv4.c): the AWS General
 * Reference's examples (the signing key derived for
 * wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY / 20120215 / us-east-1 / iam,
 * and the IAM ListUsers GET signed at 20150830T123600Z), the canonical
 * forms (query decoded then encoded and sorted, header values trimmed and
 * folded, repeated headers joined, the path normalised and encoded once
 * more), the session token signed and sent, and malformed requests refused
 * without the secret in the message.
 *
 * Cross-check: with LD_SIGV4_VECTORS=FILE set, every line of FILE (JSON:
 * a request, the credentials and the Authorization header expected) is
 * signed here and compared. tests/e2e/test_aws_sigv4.sh writes FILE with
 * botocore.auth.SigV4Auth, the reference signer, over generated requests. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "test_skip.h"

#include <jansson.h>

#include "aws/sigv4.h"
#include "util/mem.h"

/* In sigv4.c, exposed for this test only. */
void ld_sigv4_signing_key_hex(const char *secret, const char *date8, const char *region,
                              const char *service, char out[65]);

#define EXAMPLE_SECRET "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
#define T_20150830_123600 ((time_t)1440938160)

static ld_aws_credentials example_creds(void)
{
    ld_aws_credentials c = {0};
    c.access_key_id = "AKIDEXAMPLE";
    c.secret_access_key = EXAMPLE_SECRET;
    return c;
}

static void free_out(char *out[3], size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(out[i]);
}

/* The header "Name: value" among out, or NULL. */
static const char *find_out(char *out[3], size_t n, const char *name)
{
    size_t nl = strlen(name);
    for (size_t i = 0; i < n; i++)
        if (!strncmp(out[i], name, nl) && out[i][nl] == ':')
            return out[i] + nl + 2;
    return NULL;
}

static void signing_key_example(void **state)
{
    (void)state;
    char hex[65];
    ld_sigv4_signing_key_hex(EXAMPLE_SECRET, "20120215", "us-east-1", "iam", hex);
    assert_string_equal(hex, "f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d");
}

static const ld_sigv4_header listusers_headers[] = {
    {"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"},
};

static ld_sigv4_request listusers_request(void)
{
    ld_sigv4_request rq = {0};
    rq.method = "GET";
    rq.host = "iam.amazonaws.com";
    rq.path = "/";
    rq.query = "Action=ListUsers&Version=2010-05-08";
    rq.headers = listusers_headers;
    rq.n_headers = 1;
    rq.service = "iam";
    rq.region = "us-east-1";
    rq.when = T_20150830_123600;
    return rq;
}

/* AWS General Reference, "Signature Version 4 signing process": the IAM
 * ListUsers example, canonical request hash and final signature. */
static void iam_listusers_example(void **state)
{
    (void)state;
    ld_sigv4_request rq = listusers_request();
    char *creq = ld_sigv4_canonical_request(&rq);
    assert_string_equal(creq, "GET\n/\nAction=ListUsers&Version=2010-05-08\n"
                              "content-type:application/x-www-form-urlencoded; charset=utf-8\n"
                              "host:iam.amazonaws.com\nx-amz-date:20150830T123600Z\n\n"
                              "content-type;host;x-amz-date\n"
                              "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    char *sts = ld_sigv4_string_to_sign(&rq, creq);
    assert_string_equal(sts, "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/iam/"
                             "aws4_request\n"
                             "f536975d06c0309214f805bb90ccff089219ecd68b2577efef23edd43b7e1a59");
    free(sts);
    free(creq);

    ld_aws_credentials c = example_creds();
    char *out[3] = {0};
    size_t n = 0;
    ld_error err = LD_ERROR_INIT;
    assert_int_equal(ld_sigv4_sign(&rq, &c, out, &n, &err), 0);
    assert_int_equal(n, 2);
    assert_string_equal(find_out(out, n, "X-Amz-Date"), "20150830T123600Z");
    assert_string_equal(
        find_out(out, n, "Authorization"),
        "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/"
        "aws4_request, SignedHeaders=content-type;host;x-amz-date, "
        "Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7");
    assert_null(find_out(out, n, "X-Amz-Security-Token"));
    free_out(out, n);
}

/* The canonical request's second to fourth lines for rq. */
static char *canon_of(const ld_sigv4_request *rq)
{
    return ld_sigv4_canonical_request(rq);
}

static void query_decoded_encoded_sorted(void **state)
{
    (void)state;
    ld_sigv4_request rq = listusers_request();
    rq.headers = NULL;
    rq.n_headers = 0;
    /* raw reserved characters, an already-encoded value (not encoded twice),
       '+' kept as a plus, a lone '%', a name without '=', repeated names
       sorted by value, an empty pair dropped */
    rq.query = "b=2&a=z&a=%41&c=x y/+:&&d&e=100%&f=%7e%2F";
    char *creq = canon_of(&rq);
    const char *q = strchr(strchr(creq, '\n') + 1, '\n') + 1;
    assert_memory_equal(q, "a=A&a=z&b=2&c=x%20y%2F%2B%3A&d=&e=100%25&f=~%2F\n",
                        strlen("a=A&a=z&b=2&c=x%20y%2F%2B%3A&d=&e=100%25&f=~%2F\n"));
    free(creq);
}

static void path_normalised_and_encoded_again(void **state)
{
    (void)state;
    ld_sigv4_request rq = listusers_request();
    rq.query = NULL;
    struct {
        const char *in, *want;
    } cases[] = {
        {"", "/"},
        {"/", "/"},
        {"/clusters/a%20b", "/clusters/a%2520b"},
        {"/a/./b/../c//d/", "/a/c/d/"},
        {"/..", "/"},
        {"/x:y@z=1,", "/x%3Ay%40z%3D1%2C"},
        {"/~tilde-_.", "/~tilde-_."},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        rq.path = cases[i].in;
        char *creq = canon_of(&rq);
        char want[256];
        snprintf(want, sizeof(want), "GET\n%s\n\n", cases[i].want);
        if (strncmp(creq, want, strlen(want)))
            fail_msg("path '%s': got\n%s", cases[i].in, creq);
        free(creq);
    }
}

static void headers_trimmed_folded_joined(void **state)
{
    (void)state;
    const ld_sigv4_header h[] = {
        {"X-Amz-Target", "  AmazonEC2ContainerServiceV20141113.ListClusters  "},
        {"My-Header", "a   b \t c"},
        {"my-header", " second "},
        {"HOST", "evil.example"},           /* ignored: host is the request's */
        {"X-Amz-Date", "19990101T000000Z"}, /* ignored: the request's time */
    };
    ld_sigv4_request rq = listusers_request();
    rq.query = NULL;
    rq.headers = h;
    rq.n_headers = sizeof(h) / sizeof(h[0]);
    char *creq = canon_of(&rq);
    assert_non_null(strstr(creq, "\nhost:iam.amazonaws.com\nmy-header:a b c,second\n"
                                 "x-amz-date:20150830T123600Z\n"
                                 "x-amz-target:AmazonEC2ContainerServiceV20141113.ListClusters\n\n"
                                 "host;my-header;x-amz-date;x-amz-target\n"));
    assert_null(strstr(creq, "evil"));
    free(creq);
}

static void body_hashed(void **state)
{
    (void)state;
    ld_sigv4_request rq = listusers_request();
    rq.method = "post";
    rq.body = (const uint8_t *)"{}";
    rq.body_len = 2;
    char *creq = canon_of(&rq);
    assert_true(!strncmp(creq, "POST\n", 5));
    size_t len = strlen(creq);
    assert_string_equal(creq + len - 64,
                        "44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a");
    free(creq);
}

static void session_token_signed_and_sent(void **state)
{
    (void)state;
    ld_sigv4_request rq = listusers_request();
    ld_aws_credentials c = example_creds();
    c.session_token = "FwoGZXIvYXdzEXAMPLETOKEN==";
    char *out[3] = {0};
    size_t n = 0;
    ld_error err = LD_ERROR_INIT;
    assert_int_equal(ld_sigv4_sign(&rq, &c, out, &n, &err), 0);
    assert_int_equal(n, 3);
    assert_string_equal(find_out(out, n, "X-Amz-Security-Token"), c.session_token);
    const char *auth = find_out(out, n, "Authorization");
    assert_non_null(
        strstr(auth, "SignedHeaders=content-type;host;x-amz-date;x-amz-security-token,"));
    /* and the signature differs from the one without the token */
    assert_null(strstr(auth, "5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7"));
    free_out(out, n);
}

static void malformed_refused_without_secret(void **state)
{
    (void)state;
    ld_aws_credentials c = example_creds();
    char *out[3] = {0};
    size_t n = 9;
    ld_error err = LD_ERROR_INIT;

    ld_sigv4_request rq = listusers_request();
    const ld_sigv4_header bad[] = {{"X-Evil", "a\r\nAuthorization: x"}};
    rq.headers = bad;
    assert_int_equal(ld_sigv4_sign(&rq, &c, out, &n, &err), LD_ERR_INVALID);
    assert_int_equal(n, 0);
    assert_non_null(strstr(err.msg, "X-Evil"));

    rq = listusers_request();
    rq.region = NULL;
    assert_int_equal(ld_sigv4_sign(&rq, &c, out, &n, &err), LD_ERR_INVALID);
    assert_non_null(strstr(err.msg, "region"));

    rq = listusers_request();
    rq.service = "ecs/../x";
    assert_int_equal(ld_sigv4_sign(&rq, &c, out, &n, &err), LD_ERR_INVALID);

    rq = listusers_request();
    c.session_token = "SECRETTOK\nX: y";
    assert_int_equal(ld_sigv4_sign(&rq, &c, out, &n, &err), LD_ERR_INVALID);
    assert_null(strstr(err.msg, EXAMPLE_SECRET));
    assert_null(strstr(err.msg, "SECRETTOK"));
    c.session_token = NULL;
    c.secret_access_key = "";
    assert_int_equal(ld_sigv4_sign(&rq, &c, out, &n, &err), LD_ERR_INVALID);
    assert_int_equal(n, 0);
}

/* ---- the botocore cross-check (LD_SIGV4_VECTORS) ---- */

static const char *jstr(json_t *o, const char *k)
{
    json_t *v = json_object_get(o, k);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

static uint8_t *unhex(const char *h, size_t *len)
{
    size_t n = h ? strlen(h) / 2 : 0;
    uint8_t *d = ld_xmalloc(n + 1);
    for (size_t i = 0; i < n; i++) {
        unsigned int b = 0;
        if (sscanf(h + 2 * i, "%2x", &b) != 1)
            fail_msg("bad hex body");
        d[i] = (uint8_t)b;
    }
    *len = n;
    return d;
}

/* One vector line: 0 when our Authorization equals botocore's. */
static int check_vector(json_t *v, size_t lineno)
{
    json_t *hs = json_object_get(v, "headers");
    size_t nh = json_array_size(hs);
    ld_sigv4_header *h = ld_xcalloc(nh + 1, sizeof(*h));
    for (size_t i = 0; i < nh; i++) {
        h[i].name = json_string_value(json_array_get(json_array_get(hs, i), 0));
        h[i].value = json_string_value(json_array_get(json_array_get(hs, i), 1));
    }
    size_t blen = 0;
    uint8_t *body = unhex(jstr(v, "body_hex"), &blen);
    ld_sigv4_request rq = {0};
    rq.method = jstr(v, "method");
    rq.host = jstr(v, "host");
    rq.path = jstr(v, "path");
    rq.query = jstr(v, "query");
    rq.headers = h;
    rq.n_headers = nh;
    rq.body = blen ? body : NULL;
    rq.body_len = blen;
    rq.service = jstr(v, "service");
    rq.region = jstr(v, "region");
    rq.when = (time_t)json_integer_value(json_object_get(v, "when"));
    ld_aws_credentials c = {0};
    c.access_key_id = (char *)jstr(v, "akid");
    c.secret_access_key = (char *)jstr(v, "secret");
    c.session_token = (char *)jstr(v, "token");
    char *out[3] = {0};
    size_t n = 0;
    ld_error err = LD_ERROR_INIT;
    int bad = 0;
    if (ld_sigv4_sign(&rq, &c, out, &n, &err) < 0) {
        print_error("vector %zu: sign failed: %s\n", lineno, err.msg);
        bad = 1;
    } else {
        const char *got = find_out(out, n, "Authorization");
        const char *want = jstr(v, "authorization");
        if (!got || !want || strcmp(got, want)) {
            char *creq = ld_sigv4_canonical_request(&rq);
            print_error("vector %zu: Authorization differs from botocore's\n  got:  %s\n"
                        "  want: %s\n  our canonical request (without the token):\n%s\n"
                        "  botocore's:\n%s\n",
                        lineno, got ? got : "(none)", want ? want : "(none)", creq,
                        jstr(v, "canonical") ? jstr(v, "canonical") : "?");
            free(creq);
            bad = 1;
        }
        const char *tok = find_out(out, n, "X-Amz-Security-Token");
        if ((c.session_token && *c.session_token) != (tok != NULL)) {
            print_error("vector %zu: X-Amz-Security-Token sent wrongly\n", lineno);
            bad = 1;
        }
    }
    free_out(out, n);
    free(body);
    free(h);
    return bad;
}

static void botocore_vectors(void **state)
{
    (void)state;
    const char *path = getenv("LD_SIGV4_VECTORS");
    FILE *f = fopen(path, "r");
    if (!f)
        fail_msg("cannot open %s", path);
    char *line = NULL;
    size_t cap = 0, lineno = 0, failed = 0, checked = 0;
    while (getline(&line, &cap, f) > 0) {
        lineno++;
        json_error_t je;
        json_t *v = json_loads(line, 0, &je);
        if (!v)
            fail_msg("%s:%zu: not JSON: %s", path, lineno, je.text);
        failed += (size_t)check_vector(v, lineno);
        checked++;
        json_decref(v);
    }
    free(line);
    fclose(f);
    print_message("sigv4: %zu botocore vectors checked, %zu differ\n", checked, failed);
    assert_true(checked > 0);
    assert_int_equal(failed, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(signing_key_example),
        cmocka_unit_test(iam_listusers_example),
        cmocka_unit_test(query_decoded_encoded_sorted),
        cmocka_unit_test(path_normalised_and_encoded_again),
        cmocka_unit_test(headers_trimmed_folded_joined),
        cmocka_unit_test(body_hashed),
        cmocka_unit_test(session_token_signed_and_sent),
        cmocka_unit_test(malformed_refused_without_secret),
    };
    /* the cross-check is a mode of this binary, run by the e2e script; it is
       not registered (nor counted as skipped) in a plain unit run */
    const struct CMUnitTest vectors[] = {
        cmocka_unit_test(botocore_vectors),
    };
    const char *v = getenv("LD_SIGV4_VECTORS");
    if (v && *v)
        return cmocka_run_group_tests(vectors, NULL, NULL);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
