/* Unit tests for what the registry client parses out of response headers
 * and token answers (registry/auth.c, retry.c, api.c): WWW-Authenticate
 * challenges as registries send them (distribution, Docker Hub, GHCR,
 * Harbor-style Basic) and hostile ones (unbalanced quotes, parameters
 * twice, control characters, floods, no realm), token answers (token vs
 * access_token, expires_in, tokens that would inject a header), scopes,
 * Retry-After (seconds, HTTP dates, nonsense, the 30 s cap) and Link
 * pagination headers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "registry/client_internal.h"
#include "util/mem.h"

static ld_reg_challenge parse_ok(const char *h)
{
    ld_reg_challenge ch;
    ld_error err = LD_ERROR_INIT;
    if (ld_reg_challenge_parse(h, &ch, &err) != 0)
        fail_msg("\"%s\" refused: %s", h, err.msg);
    return ch;
}

static void parse_refused(const char *h, int code)
{
    ld_reg_challenge ch;
    ld_error err = LD_ERROR_INIT;
    int rc = ld_reg_challenge_parse(h, &ch, &err);
    if (rc == 0)
        fail_msg("\"%.80s\" accepted (realm %s)", h, ch.realm ? ch.realm : "-");
    assert_int_equal(rc, code);
    assert_true(err.msg[0] != '\0');
    assert_null(ch.realm);
}

static void test_distribution_bearer(void **state)
{
    (void)state;
    ld_reg_challenge ch =
        parse_ok("Bearer realm=\"https://auth.docker.io/token\",service=\"registry.docker.io\","
                 "scope=\"repository:library/alpine:pull\"");
    assert_int_equal(ch.kind, REG_AUTH_BEARER);
    assert_string_equal(ch.realm, "https://auth.docker.io/token");
    assert_string_equal(ch.service, "registry.docker.io");
    assert_string_equal(ch.scope, "repository:library/alpine:pull");
    assert_null(ch.error);
    ld_reg_challenge_clear(&ch);

    ch = parse_ok("Bearer realm=\"https://r/token\",service=\"s\",scope=\"repository:a:pull\","
                  "error=\"insufficient_scope\"");
    assert_string_equal(ch.error, "insufficient_scope");
    ld_reg_challenge_clear(&ch);

    /* case-insensitive scheme and names, spaces around '=' and ',' , token values */
    ch = parse_ok("bEaReR   Realm = \"https://r.example/t\" ,  SERVICE=svc");
    assert_int_equal(ch.kind, REG_AUTH_BEARER);
    assert_string_equal(ch.realm, "https://r.example/t");
    ld_reg_challenge_clear(&ch);
    /* a URL is not a token: unquoted, it is malformed */
    parse_refused("Bearer realm=https://r.example/t", LD_ERR_CORRUPT);
    ch = parse_ok("Bearer realm=tok68/+=, service=svc");
    assert_string_equal(ch.realm, "tok68/+=");
    assert_string_equal(ch.service, "svc");
    ld_reg_challenge_clear(&ch);
}

static void test_basic_and_several(void **state)
{
    (void)state;
    ld_reg_challenge ch = parse_ok("Basic realm=\"Registry Realm\"");
    assert_int_equal(ch.kind, REG_AUTH_BASIC);
    assert_string_equal(ch.realm, "Registry Realm");
    ld_reg_challenge_clear(&ch);

    ch = parse_ok("Basic");
    assert_int_equal(ch.kind, REG_AUTH_BASIC);
    assert_null(ch.realm);
    ld_reg_challenge_clear(&ch);

    /* Bearer wins whatever the order; parameters stay with their scheme */
    ch = parse_ok("Basic realm=\"b\", Bearer realm=\"https://t/x\", service=\"s\"");
    assert_int_equal(ch.kind, REG_AUTH_BEARER);
    assert_string_equal(ch.realm, "https://t/x");
    assert_string_equal(ch.service, "s");
    ld_reg_challenge_clear(&ch);

    ch = parse_ok("Negotiate abc/+==, Basic realm=\"x\"");
    assert_int_equal(ch.kind, REG_AUTH_BASIC);
    assert_string_equal(ch.realm, "x");
    ld_reg_challenge_clear(&ch);

    ch = parse_ok("Basic, Bearer realm=\"https://a/b\"");
    assert_int_equal(ch.kind, REG_AUTH_BEARER);
    ld_reg_challenge_clear(&ch);

    /* a Basic challenge's parameters do not leak into the Bearer one */
    ch = parse_ok("Basic realm=\"r\", service=\"basic-svc\", Bearer realm=\"https://a/b\"");
    assert_int_equal(ch.kind, REG_AUTH_BEARER);
    assert_null(ch.service);
    ld_reg_challenge_clear(&ch);
}

static void test_quoted_strings(void **state)
{
    (void)state;
    ld_reg_challenge ch = parse_ok("Bearer realm=\"https://r/t?a=1,b=2\",service=\"a\\\"b\\\\c\"");
    assert_string_equal(ch.realm, "https://r/t?a=1,b=2");
    assert_string_equal(ch.service, "a\"b\\c");
    ld_reg_challenge_clear(&ch);

    ch = parse_ok("Bearer realm=\"https://r/t\",scope=\"\"");
    assert_string_equal(ch.scope, "");
    ld_reg_challenge_clear(&ch);

    /* a comma and a scheme-looking word inside quotes are data */
    ch = parse_ok("Bearer realm=\"https://r/t\", service=\"x, Basic realm=y\"");
    assert_string_equal(ch.service, "x, Basic realm=y");
    ld_reg_challenge_clear(&ch);
}

static void test_hostile(void **state)
{
    (void)state;
    parse_refused("Bearer realm=\"https://r/t", LD_ERR_CORRUPT);
    parse_refused("Bearer realm=\"https://r/t\\", LD_ERR_CORRUPT);
    parse_refused("Bearer realm=\"a\",realm=\"b\"", LD_ERR_CORRUPT);
    parse_refused("Bearer REALM=\"a\",realm=\"b\"", LD_ERR_CORRUPT);
    parse_refused("Bearer realm=\"a\x01\"", LD_ERR_CORRUPT);
    parse_refused("Bearer realm=\"a\nb\"", LD_ERR_CORRUPT);
    parse_refused("Bearer realm=\"a\x7f\"", LD_ERR_CORRUPT);
    parse_refused("Bearer service=\"s\"", LD_ERR_CORRUPT); /* no realm */
    parse_refused("Bearer realm=\"\"", LD_ERR_CORRUPT);
    parse_refused("Bearer realm=\"a\" junk\"", LD_ERR_CORRUPT);
    parse_refused("Bearer realm=\"a\" ; x", LD_ERR_CORRUPT);
    parse_refused("Bearer realm=a\"b", LD_ERR_CORRUPT);
    parse_refused("\"Bearer\" realm=x", LD_ERR_CORRUPT);
    parse_refused("=", LD_ERR_CORRUPT);
    parse_refused("", LD_ERR_UNSUPPORTED);
    parse_refused(",,, ,", LD_ERR_UNSUPPORTED);
    parse_refused("Digest realm=\"x\", nonce=\"y\"", LD_ERR_UNSUPPORTED);
    parse_refused("Negotiate", LD_ERR_UNSUPPORTED);
    parse_refused(NULL, LD_ERR_UNSUPPORTED);

    /* floods: too many challenges, too many parameters, too long */
    char *many = ld_xstrdup("");
    for (int i = 0; i < 40; i++) {
        char *next = ld_xasprintf("%sX%d a=b, ", many, i);
        free(many);
        many = next;
    }
    parse_refused(many, LD_ERR_CORRUPT);
    free(many);
    char *params = ld_xstrdup("Bearer realm=\"https://r/t\"");
    for (int i = 0; i < 100; i++) {
        char *next = ld_xasprintf("%s, p%d=v", params, i);
        free(params);
        params = next;
    }
    parse_refused(params, LD_ERR_CORRUPT);
    free(params);
    size_t big = REG_HEADER_VALUE_MAX + 10;
    char *longv = ld_xmalloc(big + 1);
    memset(longv, 'a', big);
    memcpy(longv, "Bearer realm=\"", 14);
    longv[big - 1] = '"';
    longv[big] = '\0';
    parse_refused(longv, LD_ERR_CORRUPT);
    free(longv);
}

static void test_token_answers(void **state)
{
    (void)state;
    char *tok = NULL;
    long ttl = 0;
    ld_error err = LD_ERROR_INIT;
    const char *a =
        "{\"token\":\"abc.def.ghi\",\"expires_in\":300,\"issued_at\":\"2024-01-01T00:00:00Z\"}";
    assert_int_equal(ld_reg_token_parse(a, strlen(a), &tok, &ttl, &err), 0);
    assert_string_equal(tok, "abc.def.ghi");
    assert_int_equal(ttl, 300);
    free(tok);

    const char *b = "{\"access_token\":\"xyz\"}";
    assert_int_equal(ld_reg_token_parse(b, strlen(b), &tok, &ttl, &err), 0);
    assert_string_equal(tok, "xyz");
    assert_int_equal(ttl, REG_TOKEN_DEFAULT_TTL_S);
    free(tok);

    /* "token" first; an expires_in under 60 s counts as 60 */
    const char *c = "{\"access_token\":\"second\",\"token\":\"first\",\"expires_in\":5}";
    assert_int_equal(ld_reg_token_parse(c, strlen(c), &tok, &ttl, &err), 0);
    assert_string_equal(tok, "first");
    assert_int_equal(ttl, 60);
    free(tok);

    /* an empty token falls back to access_token */
    const char *d = "{\"token\":\"\",\"access_token\":\"acc\",\"expires_in\":99999999999}";
    assert_int_equal(ld_reg_token_parse(d, strlen(d), &tok, &ttl, &err), 0);
    assert_string_equal(tok, "acc");
    assert_int_equal(ttl, 365L * 86400);
    free(tok);

    const char *bad[] = {
        "{}",
        "[]",
        "{\"token\":null}",
        "{\"token\":42}",
        "{\"token\":\"a b\"}",
        "{\"token\":\"abc\\r\\nX-Injected: 1\"}",
        "{\"token\":\"abc\\u0000def\"}",
        "{\"token\":\"t\\u00e9\"}",
        "not json",
        "{\"token\":\"abc\"",
        "",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        tok = NULL;
        ld_error e = LD_ERROR_INIT;
        int rc = ld_reg_token_parse(bad[i], strlen(bad[i]), &tok, &ttl, &e);
        if (rc == 0)
            fail_msg("token answer %zu accepted: %s", i, tok);
        assert_null(tok);
        assert_true(e.msg[0] != '\0');
    }
    /* a token over the cap */
    size_t n = REG_TOKEN_MAX + 1;
    char *big = ld_xmalloc(n + 20);
    memcpy(big, "{\"token\":\"", 10);
    memset(big + 10, 'a', n);
    memcpy(big + 10 + n, "\"}", 3);
    tok = NULL;
    assert_int_equal(ld_reg_token_parse(big, strlen(big), &tok, &ttl, &err), LD_ERR_LIMIT);
    assert_null(tok);
    free(big);
    /* deep nesting is refused before it is built */
    char deep[4000];
    size_t k = 0;
    k += (size_t)snprintf(deep, sizeof(deep), "{\"token\":\"a\",\"x\":");
    for (int i = 0; i < 1000; i++)
        deep[k++] = '[';
    deep[k] = '\0';
    assert_int_equal(ld_reg_token_parse(deep, k, &tok, &ttl, &err), LD_ERR_LIMIT);
}

static void test_scopes(void **state)
{
    (void)state;
    char *s = reg_scope_for("library/alpine", LD_REG_PULL);
    assert_string_equal(s, "repository:library/alpine:pull");
    free(s);
    s = reg_scope_for("a/b", LD_REG_PULL | LD_REG_PUSH);
    assert_string_equal(s, "repository:a/b:pull,push");
    free(s);
    s = reg_scope_for("a/b", LD_REG_PULL | LD_REG_DELETE);
    assert_string_equal(s, "repository:a/b:pull,delete");
    free(s);
    s = reg_scope_for("a", 0);
    assert_string_equal(s, "repository:a:pull");
    free(s);
    s = reg_scope_for(NULL, LD_REG_CATALOG);
    assert_string_equal(s, "registry:catalog:*");
    free(s);
    assert_null(reg_scope_for(NULL, LD_REG_PULL));
}

static void test_retry_after(void **state)
{
    (void)state;
    long now = 784111777; /* Sun, 06 Nov 1994 08:49:37 GMT */
    assert_int_equal(reg_retry_after_ms("2", now), 2000);
    assert_int_equal(reg_retry_after_ms("0", now), 0);
    assert_int_equal(reg_retry_after_ms("3600", now), REG_RETRY_AFTER_MAX_MS);
    assert_int_equal(reg_retry_after_ms("99999999999999999999999", now), -1);
    assert_int_equal(reg_retry_after_ms("-1", now), -1);
    assert_int_equal(reg_retry_after_ms("2s", now), -1);
    assert_int_equal(reg_retry_after_ms("", now), -1);
    assert_int_equal(reg_retry_after_ms(NULL, now), -1);
    assert_int_equal(reg_retry_after_ms("Sun, 06 Nov 1994 08:49:42 GMT", now), 5000);
    assert_int_equal(reg_retry_after_ms("Sun, 06 Nov 1994 08:49:30 GMT", now), 0);
    assert_int_equal(reg_retry_after_ms("Mon, 07 Nov 1994 08:49:37 GMT", now),
                     REG_RETRY_AFTER_MAX_MS);
    assert_int_equal(reg_retry_after_ms("Sun, 06 Nov 1994 08:49:42 GMT junk", now), -1);
    assert_int_equal(reg_retry_after_ms("yesterday", now), -1);

    ld_reg_client c = {.retry_base_ms = 500};
    assert_int_equal(reg_backoff_ms(&c, 0, NULL), 500);
    assert_int_equal(reg_backoff_ms(&c, 1, NULL), 1000);
    assert_int_equal(reg_backoff_ms(&c, 3, NULL), 4000);
    assert_int_equal(reg_backoff_ms(&c, 40, NULL), REG_BACKOFF_MAX_MS);
    assert_int_equal(reg_backoff_ms(&c, 0, "1"), 1000);
    assert_int_equal(reg_backoff_ms(&c, 2, "junk"), 2000);

    assert_true(reg_status_retryable(429));
    assert_true(reg_status_retryable(503));
    assert_false(reg_status_retryable(501));
    assert_false(reg_status_retryable(404));
    assert_true(reg_curl_retryable(CURLE_COULDNT_CONNECT));
    assert_false(reg_curl_retryable(CURLE_PEER_FAILED_VERIFICATION));
    assert_false(reg_curl_retryable(CURLE_COULDNT_RESOLVE_HOST));
}

static void expect_next(const char *link, const char *want)
{
    char *got = reg_link_next(link);
    if (want) {
        if (!got)
            fail_msg("no next in \"%s\"", link);
        assert_string_equal(got, want);
    } else if (got) {
        fail_msg("next \"%s\" found in \"%s\"", got, link);
    }
    free(got);
}

static void test_link_headers(void **state)
{
    (void)state;
    expect_next("</v2/_catalog?last=b&n=2>; rel=\"next\"", "/v2/_catalog?last=b&n=2");
    expect_next("</v2/x/tags/list?n=1&last=a>; rel=next", "/v2/x/tags/list?n=1&last=a");
    expect_next("<https://r/p1>; rel=\"prev\", <https://r/p3>; rel=\"next\"", "https://r/p3");
    expect_next("<https://r/p3>; REL=\"Next\"", "https://r/p3");
    expect_next("<https://r/p1>; rel=\"prev\"", NULL);
    expect_next("<https://r/p1>; rel=\"nextish\"", NULL);
    expect_next("<https://r/p1", NULL);
    expect_next("rel=\"next\"", NULL);
    expect_next("", NULL);
    expect_next("<>; rel=\"next\"", "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_distribution_bearer), cmocka_unit_test(test_basic_and_several),
        cmocka_unit_test(test_quoted_strings),      cmocka_unit_test(test_hostile),
        cmocka_unit_test(test_token_answers),       cmocka_unit_test(test_scopes),
        cmocka_unit_test(test_retry_after),         cmocka_unit_test(test_link_headers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
