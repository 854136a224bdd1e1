/* Unit tests for image references (registry/reference.c): the forms users
 * write, docker.io normalisation (endpoint registry-1.docker.io, the
 * library/ prefix, index.docker.io), the default tag, canonical text, and
 * hostile or malformed references refused with a message. Also the name
 * checks the client applies to what a registry sends back (tags,
 * repositories, digests) before they reach a URL. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "registry/client.h"
#include "registry/client_internal.h"
#include "util/mem.h"

#define D64 "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

static void expect_ref(const char *in, const char *registry, const char *endpoint, const char *repo,
                       const char *tag, const char *digest, const char *canonical)
{
    ld_reg_ref r;
    ld_error err = LD_ERROR_INIT;
    int rc = ld_reg_ref_parse(in, &r, &err);
    if (rc != 0)
        fail_msg("\"%s\" refused: %s", in, err.msg);
    assert_string_equal(r.registry, registry);
    assert_string_equal(r.endpoint, endpoint);
    assert_string_equal(r.repo, repo);
    if (tag)
        assert_string_equal(r.tag, tag);
    else
        assert_null(r.tag);
    if (digest)
        assert_string_equal(r.digest, digest);
    else
        assert_null(r.digest);
    char *s = ld_reg_ref_string(&r);
    assert_string_equal(s, canonical);
    free(s);
    assert_string_equal(ld_reg_ref_reference(&r), digest ? digest : tag);
    /* the canonical text parses to the same reference */
    ld_reg_ref again;
    assert_int_equal(ld_reg_ref_parse(canonical, &again, &err), 0);
    assert_string_equal(again.registry, r.registry);
    assert_string_equal(again.repo, r.repo);
    ld_reg_ref_clear(&again);
    ld_reg_ref_clear(&r);
}

static void expect_refused(const char *in, const char *words)
{
    ld_reg_ref r;
    ld_error err = LD_ERROR_INIT;
    int rc = ld_reg_ref_parse(in, &r, &err);
    if (rc == 0)
        fail_msg("\"%s\" accepted as %s/%s", in, r.registry, r.repo);
    assert_int_equal(rc, LD_ERR_INVALID);
    assert_null(r.registry);
    assert_null(r.repo);
    if (words && !strstr(err.msg, words))
        fail_msg("\"%s\": message \"%s\" does not say \"%s\"", in, err.msg, words);
}

static void test_docker_hub_names(void **state)
{
    (void)state;
    expect_ref("alpine", "docker.io", "registry-1.docker.io", "library/alpine", "latest", NULL,
               "docker.io/library/alpine:latest");
    expect_ref("alpine:3.19", "docker.io", "registry-1.docker.io", "library/alpine", "3.19", NULL,
               "docker.io/library/alpine:3.19");
    expect_ref("bitnami/redis:7", "docker.io", "registry-1.docker.io", "bitnami/redis", "7", NULL,
               "docker.io/bitnami/redis:7");
    expect_ref("docker.io/alpine", "docker.io", "registry-1.docker.io", "library/alpine", "latest",
               NULL, "docker.io/library/alpine:latest");
    expect_ref("index.docker.io/library/alpine:edge", "docker.io", "registry-1.docker.io",
               "library/alpine", "edge", NULL, "docker.io/library/alpine:edge");
    /* "localhost:5000" without a slash is a name and a tag, as docker reads it */
    expect_ref("localhost:5000", "docker.io", "registry-1.docker.io", "library/localhost", "5000",
               NULL, "docker.io/library/localhost:5000");
}

static void test_other_registries(void **state)
{
    (void)state;
    expect_ref("ghcr.io/org/app@sha256:" D64, "ghcr.io", "ghcr.io", "org/app", NULL, "sha256:" D64,
               "ghcr.io/org/app@sha256:" D64);
    expect_ref("ghcr.io/org/app:1.2@sha256:" D64, "ghcr.io", "ghcr.io", "org/app", "1.2",
               "sha256:" D64, "ghcr.io/org/app:1.2@sha256:" D64);
    expect_ref("localhost:5000/x", "localhost:5000", "localhost:5000", "x", "latest", NULL,
               "localhost:5000/x:latest");
    expect_ref("localhost/x:y", "localhost", "localhost", "x", "y", NULL, "localhost/x:y");
    expect_ref("127.0.0.1:5000/a/b/c:v_1.0-rc", "127.0.0.1:5000", "127.0.0.1:5000", "a/b/c",
               "v_1.0-rc", NULL, "127.0.0.1:5000/a/b/c:v_1.0-rc");
    expect_ref("[::1]:5000/x:1", "[::1]:5000", "[::1]:5000", "x", "1", NULL, "[::1]:5000/x:1");
    expect_ref("Registry.Example.COM/team/app", "Registry.Example.COM", "Registry.Example.COM",
               "team/app", "latest", NULL, "Registry.Example.COM/team/app:latest");
    /* separators: '.', '_', '__', runs of '-' */
    expect_ref("r.io/a.b/c_d/e__f/g---h", "r.io", "r.io", "a.b/c_d/e__f/g---h", "latest", NULL,
               "r.io/a.b/c_d/e__f/g---h:latest");
}

static void test_tags(void **state)
{
    (void)state;
    char tag128[129];
    memset(tag128, 'a', 128);
    tag128[128] = '\0';
    char *in = ld_xasprintf("x:%s", tag128);
    char *canonical = ld_xasprintf("docker.io/library/x:%s", tag128);
    expect_ref(in, "docker.io", "registry-1.docker.io", "library/x", tag128, NULL, canonical);
    free(in);
    free(canonical);
}

static void test_tags_canonical(void **state)
{
    (void)state;
    expect_ref("x:_under", "docker.io", "registry-1.docker.io", "library/x", "_under", NULL,
               "docker.io/library/x:_under");
    expect_ref("x:UPPER.case-1", "docker.io", "registry-1.docker.io", "library/x", "UPPER.case-1",
               NULL, "docker.io/library/x:UPPER.case-1");
}

static void test_refused(void **state)
{
    (void)state;
    expect_refused("", "empty");
    expect_refused("Alpine", "lowercase");
    expect_refused("ghcr.io/Org/app", "lowercase");
    expect_refused("alpine:", "invalid tag");
    expect_refused("alpine:.hidden", "invalid tag");
    expect_refused("alpine:-x", "invalid tag");
    expect_refused("alpine:a/b", NULL);
    expect_refused("alpine@sha256:abc", "64");
    expect_refused("alpine@sha256:" D64 "00", "64");
    expect_refused("alpine@sha256:"
                   "0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef",
                   "lowercase");
    expect_refused("alpine@sha512:" D64 D64, "sha256");
    expect_refused("alpine@", NULL);
    expect_refused("@sha256:" D64, NULL);
    expect_refused("a//b", "component");
    expect_refused("a/", "component");
    expect_refused("/a", NULL);
    expect_refused("a/-b", "component");
    expect_refused("a/b-", "component");
    expect_refused("a/b___c", "component");
    expect_refused("a/.b", "component");
    expect_refused("a/b..c", "component");
    expect_refused("r.io/../etc", "component");
    expect_refused("r.io/a/..", "component");
    expect_refused("alpine latest", "space");
    expect_refused("alpine\n:3", "control");
    expect_refused("alp\xc3\xa9ine", "non-ASCII");
    expect_refused("r.io:/x", "invalid registry");
    expect_refused("r.io:0/x", "invalid registry");
    expect_refused("r.io:65536/x", "invalid registry");
    expect_refused("r.io:12a/x", "invalid registry");
    expect_refused("-r.io/x", "invalid registry");
    expect_refused("r..io/x", "invalid registry");
    expect_refused("r_x.io/x", "invalid registry");
    expect_refused("[]/x", "invalid registry");
    expect_refused("[::1/x", "invalid registry");
    expect_refused("[zz::1]/x", "invalid registry");
    expect_refused("r.io/x?y", NULL);
    expect_refused("r.io/x#y", NULL);
    expect_refused("r.io/x%2f", NULL);
    expect_refused("https://r.io/x", NULL);
    expect_refused("user:pass@r.io/x", NULL);
}

static void test_lengths(void **state)
{
    (void)state;
    /* a 129-character tag */
    char tag[130];
    memset(tag, 'b', 129);
    tag[129] = '\0';
    char *s = ld_xasprintf("x:%s", tag);
    expect_refused(s, "invalid tag");
    free(s);
    /* a name over 255 characters */
    char name[300];
    memset(name, 'a', 299);
    name[299] = '\0';
    expect_refused(name, "longer than 255");
    /* under 255 as written, over it once normalised to docker.io/library/ */
    char one[251];
    memset(one, 'c', 250);
    one[250] = '\0';
    expect_refused(one, "with its registry");
    /* huge input refused before any work */
    size_t big = 1 << 20;
    char *huge = ld_xmalloc(big + 1);
    memset(huge, 'a', big);
    huge[big] = '\0';
    expect_refused(huge, "longer than");
    free(huge);
}

static void test_name_checks(void **state)
{
    (void)state;
    assert_true(reg_tag_valid("1.2.3"));
    assert_false(reg_tag_valid("../x"));
    assert_false(reg_tag_valid("a/b"));
    assert_false(reg_tag_valid("a?b"));
    assert_false(reg_tag_valid(""));
    assert_false(reg_tag_valid(NULL));
    assert_true(reg_digest_valid("sha256:" D64));
    assert_false(reg_digest_valid("sha256:" D64 "/../x"));
    assert_false(reg_digest_valid("md5:abc"));
    assert_true(reg_repo_valid("library/alpine"));
    assert_true(reg_repo_valid("a/b/c"));
    assert_false(reg_repo_valid("a/../b"));
    assert_false(reg_repo_valid("a/b/"));
    assert_false(reg_repo_valid("A/b"));
    assert_false(reg_repo_valid("a b"));
    assert_false(reg_repo_valid(""));
    assert_false(reg_repo_valid(NULL));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_docker_hub_names),
        cmocka_unit_test(test_other_registries),
        cmocka_unit_test(test_tags_canonical),
        cmocka_unit_test(test_refused),
        cmocka_unit_test(test_lengths),
        cmocka_unit_test(test_name_checks),
        cmocka_unit_test(test_tags),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
