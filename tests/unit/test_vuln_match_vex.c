/* Unit tests for OpenVEX documents (src/vuln/vex.c): 0.2.0 and 0.0.x shapes,
 * statement matching (ids, @id URLs, aliases, purls without qualifiers or
 * version, image digests and references with subcomponents, last statement
 * wins) and hostile documents (wrong context, missing fields, bad types,
 * limits, deep nesting, invalid UTF-8). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "util/mem.h"
#include "vuln/vex.h"

static const char doc[] =
    "{\"@context\": \"https://openvex.dev/ns/v0.2.0\", \"@id\": \"https://x/vex-1\",\n"
    " \"author\": \"a\", \"timestamp\": \"2026-01-01T00:00:00Z\", \"version\": 1,\n"
    " \"statements\": [\n"
    "  {\"vulnerability\": {\"@id\": \"https://nvd.nist.gov/vuln/detail/CVE-2021-23337\"},\n"
    "   \"products\": [{\"@id\": \"pkg:npm/lodash@4.17.20?foo=bar#sub\"}],\n"
    "   \"status\": \"not_affected\", \"justification\": \"vulnerable_code_not_in_execute_path\"},\n"
    "  {\"vulnerability\": {\"name\": \"CVE-2023-7008\", \"aliases\": [\"DEBIAN-CVE-2023-7008\"]},\n"
    "   \"products\": [{\"@id\": \"sha256:aaaa\", \"subcomponents\": [{\"@id\": \"pkg:deb/debian/libudev1\"}]}],\n"
    "   \"status\": \"affected\", \"action_statement\": \"upgrade when fixed\"},\n"
    "  {\"vulnerability\": {\"name\": \"CVE-2023-7008\"},\n"
    "   \"products\": [{\"identifiers\": {\"purl\": \"pkg:oci/app@sha256%3Abbbb?repository_url=r\"}}],\n"
    "   \"status\": \"under_investigation\"},\n"
    "  {\"vulnerability\": {\"name\": \"CVE-2023-7008\"},\n"
    "   \"products\": [{\"@id\": \"pkg:deb/debian/libudev1@252.39-1~deb12u2\"}],\n"
    "   \"status\": \"fixed\"}\n"
    " ]}";

static ld_vex_doc parse_ok(const char *text)
{
    ld_vex_doc d;
    ld_error err = LD_ERROR_INIT;
    if (ld_vex_parse("doc", text, strlen(text), &d, &err) != 0)
        fail_msg("%s", err.msg);
    return d;
}

static void test_parse_and_match(void **state)
{
    (void)state;
    ld_vex_doc d = parse_ok(doc);
    assert_int_equal(d.n, 4);
    assert_string_equal(d.id, "https://x/vex-1");
    assert_int_equal(d.statements[0].status, LD_VEX_NOT_AFFECTED);
    assert_string_equal(d.statements[1].statement, "upgrade when fixed");

    const char *ids[] = {"CVE-2021-23337", "GHSA-35jh-r3h4-6jhm"};
    ld_vex_subject s = {.ids = ids, .n_ids = 2, .purl = "pkg:npm/lodash@4.17.20"};
    const ld_vex_statement *st = ld_vex_find(&d, &s);
    assert_non_null(st);
    assert_int_equal(st->status, LD_VEX_NOT_AFFECTED);
    assert_string_equal(st->justification, "vulnerable_code_not_in_execute_path");
    s.purl = "pkg:npm/lodash@4.17.21";
    assert_null(ld_vex_find(&d, &s)); /* the statement names a version */
    const char *ghsa[] = {"GHSA-35jh-r3h4-6jhm"};
    s = (ld_vex_subject){.ids = ghsa, .n_ids = 1, .purl = "pkg:npm/lodash@4.17.20"};
    assert_null(ld_vex_find(&d, &s)); /* different id, no alias in the statement */

    /* image digest + subcomponent; a later statement for the package wins */
    const char *cve[] = {"CVE-2023-7008"};
    const char *refs[] = {"sha256:aaaa", NULL, "lockdown-test/x:1"};
    s = (ld_vex_subject){.ids = cve, .n_ids = 1,
                         .purl = "pkg:deb/debian/libudev1@252.39-1~deb12u2?arch=amd64&distro=debian-12",
                         .image_refs = refs, .n_image_refs = 3};
    st = ld_vex_find(&d, &s);
    assert_non_null(st);
    assert_int_equal(st->status, LD_VEX_FIXED);
    s.purl = "pkg:deb/debian/libudev1@252.38-1?arch=amd64";
    st = ld_vex_find(&d, &s);
    assert_non_null(st);
    assert_int_equal(st->status, LD_VEX_AFFECTED); /* subcomponent without a version */
    s.purl = "pkg:deb/debian/libsystemd0@252.38-1";
    assert_null(ld_vex_find(&d, &s)); /* not a listed subcomponent */
    /* pkg:oci purl naming the image by digest, no subcomponents: any package */
    const char *refs2[] = {"sha256:bbbb"};
    s.image_refs = refs2;
    s.n_image_refs = 1;
    st = ld_vex_find(&d, &s);
    assert_non_null(st);
    assert_int_equal(st->status, LD_VEX_UNDER_INVESTIGATION);
    const char *alias[] = {"DEBIAN-CVE-2023-7008"};
    s.ids = alias;
    s.image_refs = refs;
    s.n_image_refs = 3;
    s.purl = "pkg:deb/debian/libudev1@1";
    assert_non_null(ld_vex_find(&d, &s)); /* statement alias */
    ld_vex_clear(&d);
}

static void test_old_shapes_and_refs(void **state)
{
    (void)state;
    ld_vex_doc d = parse_ok(
        "{\"@context\": \"https://openvex.dev/ns\", \"statements\": ["
        "{\"vulnerability\": \"CVE-1\", \"products\": [\"lockdown-test/app:1\"], \"status\": \"fixed\"},"
        "{\"vulnerability\": \"CVE-2\", \"products\": [\"docker.io/x/app@sha256:cccc\"], \"status\": \"not_affected\"}]}");
    const char *one[] = {"CVE-1"}, *two[] = {"CVE-2"};
    const char *refs[] = {"sha256:cccc", "lockdown-test/app:1"};
    ld_vex_subject s = {.ids = one, .n_ids = 1, .purl = "pkg:npm/a@1", .image_refs = refs,
                        .n_image_refs = 2};
    assert_non_null(ld_vex_find(&d, &s));
    s.ids = two;
    assert_non_null(ld_vex_find(&d, &s));
    s.n_image_refs = 0;
    assert_null(ld_vex_find(&d, &s));
    ld_vex_clear(&d);
}

static void test_purls(void **state)
{
    (void)state;
    assert_true(ld_vex_purl_matches("pkg:npm/%40babel/core@7.0.0", "pkg:npm/@babel/core@7.0.0"));
    assert_true(ld_vex_purl_matches("pkg:npm/@babel/core", "pkg:npm/%40babel/core@7.0.0"));
    assert_true(ld_vex_purl_matches("PKG:NPM/x@1", "pkg:npm/x@1") == false); /* scheme is lower case */
    assert_true(ld_vex_purl_matches("pkg:NPM/x@1", "pkg:npm/x@1"));
    assert_true(ld_vex_purl_matches("pkg:deb/debian/tar@1.34%2Bdfsg-1", "pkg:deb/debian/tar@1.34+dfsg-1?arch=amd64"));
    assert_false(ld_vex_purl_matches("pkg:deb/debian/tar@1.34", "pkg:deb/debian/tar@1.35"));
    assert_false(ld_vex_purl_matches("pkg:deb/debian/tar", "pkg:deb/ubuntu/tar@1"));
    assert_false(ld_vex_purl_matches("pkg:npm/x@1", NULL));
    assert_false(ld_vex_purl_matches("sha256:abc", "pkg:npm/x@1"));
    assert_true(ld_vex_purl_matches("pkg:npm/x@%", "pkg:npm/x@%")); /* truncated escape kept */
}

static void bad(const char *text, int code, const char *want)
{
    ld_vex_doc d;
    ld_error err = LD_ERROR_INIT;
    int rc = ld_vex_parse("bad.json", text, strlen(text), &d, &err);
    if (rc != code)
        fail_msg("%s: rc %d (%s)", text, rc, err.msg);
    if (!strstr(err.msg, want))
        fail_msg("%s: message \"%s\" lacks \"%s\"", text, err.msg, want);
    assert_int_equal(d.n, 0);
    assert_null(d.statements);
}

static void test_hostile(void **state)
{
    (void)state;
    bad("", LD_ERR_CORRUPT, "malformed JSON");
    bad("[]", LD_ERR_CORRUPT, "not an OpenVEX document");
    bad("{\"@context\": \"https://example.com\"}", LD_ERR_CORRUPT, "not an OpenVEX");
    bad("{\"@context\": 5}", LD_ERR_CORRUPT, "not an OpenVEX");
    bad("{\"@context\": \"https://openvex.dev/ns/v0.2.0\"}", LD_ERR_CORRUPT, "\"statements\" is not an array");
    bad("{\"@context\": \"https://openvex.dev/ns/v0.2.0\", \"statements\": [1]}", LD_ERR_CORRUPT,
        "statement 0 is not an object");
    bad("{\"@context\": \"https://openvex.dev/ns/v0.2.0\", \"statements\": [{\"products\": [\"x\"], \"status\": \"fixed\"}]}",
        LD_ERR_CORRUPT, "no vulnerability");
    bad("{\"@context\": \"https://openvex.dev/ns/v0.2.0\", \"statements\": [{\"vulnerability\": {\"name\": \"\"}, \"products\": [\"x\"], \"status\": \"fixed\"}]}",
        LD_ERR_CORRUPT, "no vulnerability");
    bad("{\"@context\": \"https://openvex.dev/ns/v0.2.0\", \"statements\": [{\"vulnerability\": \"C\", \"products\": [], \"status\": \"fixed\"}]}",
        LD_ERR_CORRUPT, "no products");
    bad("{\"@context\": \"https://openvex.dev/ns/v0.2.0\", \"statements\": [{\"vulnerability\": \"C\", \"products\": [{}], \"status\": \"fixed\"}]}",
        LD_ERR_CORRUPT, "product 0 has no @id");
    bad("{\"@context\": \"https://openvex.dev/ns/v0.2.0\", \"statements\": [{\"vulnerability\": \"C\", \"products\": [{\"@id\": \"x\", \"subcomponents\": [7]}], \"status\": \"fixed\"}]}",
        LD_ERR_CORRUPT, "subcomponent 0");
    bad("{\"@context\": \"https://openvex.dev/ns/v0.2.0\", \"statements\": [{\"vulnerability\": \"C\", \"products\": [\"x\"], \"status\": \"maybe\"}]}",
        LD_ERR_CORRUPT, "status must be");
    bad("{\"@context\": \"https://openvex.dev/ns/v0.2.0\", \"@context\": \"https://openvex.dev/ns/v0.2.0\", \"statements\": []}",
        LD_ERR_CORRUPT, "malformed JSON");
    bad("{\"@context\": \"https://openvex.dev/ns/v0.2.0\", \"statements\": [], \"x\": \"\xff\"}",
        LD_ERR_CORRUPT, "malformed JSON");
    /* deep nesting: rejected by the parser's depth limit, no crash */
    size_t depth = 100000;
    char *deep = ld_xmalloc(2 * depth + 1);
    memset(deep, '[', depth);
    memset(deep + depth, ']', depth);
    deep[2 * depth] = '\0';
    bad(deep, LD_ERR_CORRUPT, "malformed JSON");
    free(deep);
    /* too many statements */
    size_t n = LD_VEX_MAX_STATEMENTS + 1;
    size_t cap = 64 + n * 3;
    char *many = ld_xmalloc(cap);
    size_t off = (size_t)snprintf(many, cap, "{\"@context\":\"https://openvex.dev/ns\",\"statements\":[");
    for (size_t i = 0; i < n; i++) {
        memcpy(many + off, i ? ",{}" : "{}", i ? 3 : 2);
        off += i ? 3 : 2;
    }
    memcpy(many + off, "]}", 3);
    bad(many, LD_ERR_LIMIT, "statements (limit");
    free(many);
    ld_vex_doc d;
    ld_error err = LD_ERROR_INIT;
    assert_int_equal(ld_vex_parse("big", "{}", LD_VEX_MAX_BYTES + 1, &d, &err), LD_ERR_LIMIT);
    assert_int_equal(ld_vex_load("/nonexistent/vex.json", &d, &err), LD_ERR_NOT_FOUND);
    assert_non_null(strstr(err.msg, "/nonexistent/vex.json"));
    ld_vex_clear(NULL);
}

static void test_fixture(void **state)
{
    (void)state;
    ld_vex_doc d;
    ld_error err = LD_ERROR_INIT;
    if (ld_vex_load(LD_SOURCE_DIR "/tests/fixtures/feeds/match/vex-lodash.json", &d, &err) != 0)
        fail_msg("%s", err.msg);
    assert_int_equal(d.n, 2);
    assert_int_equal(d.statements[1].status, LD_VEX_UNDER_INVESTIGATION);
    assert_string_equal(ld_vex_status_name(d.statements[1].status), "under_investigation");
    ld_vex_clear(&d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_and_match),
        cmocka_unit_test(test_old_shapes_and_refs),
        cmocka_unit_test(test_purls),
        cmocka_unit_test(test_hostile),
        cmocka_unit_test(test_fixture),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
