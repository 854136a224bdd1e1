/* Unit tests for the package model (src/sbom/package.c): list operations and
 * package URLs per the purl specification, one case per type, plus the
 * percent-encoding rules (characters-and-encoding.md). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "sbom/catalogers_list.h"
#include "sbom/package.h"
#include "util/mem.h"

/* Builds a package, sets its purl, returns the purl (caller frees). */
static char *purl_of(ld_ecosystem eco, const char *name, const char *version, const char *arch,
                     const char *group, const char *ns, const char *distro)
{
    ld_package_list l = {0};
    ld_package *p = ld_package_list_add(&l, eco);
    p->name = ld_xstrdup(name);
    p->version = ld_xstrdup(version);
    p->arch = ld_xstrdup(arch);
    p->group = ld_xstrdup(group);
    ld_package_set_purl(p, ns, distro);
    char *r = ld_xstrdup(p->purl);
    ld_package_list_clear(&l);
    return r;
}

#define ASSERT_PURL(expect, ...)                                                                   \
    do {                                                                                           \
        char *got_ = purl_of(__VA_ARGS__);                                                         \
        assert_string_equal(got_, expect);                                                         \
        free(got_);                                                                                \
    } while (0)

static void test_deb(void **state)
{
    (void)state;
    ASSERT_PURL("pkg:deb/debian/libc6@2.36-9%2Bdeb12u4?arch=amd64&distro=debian-12", LD_ECO_DEB,
                "libc6", "2.36-9+deb12u4", "amd64", NULL, "debian", "debian-12");
    /* epoch colon is never encoded; tilde is unreserved */
    ASSERT_PURL("pkg:deb/debian/login@1:4.13%2Bdfsg1-1~b1?arch=amd64&distro=debian-12", LD_ECO_DEB,
                "login", "1:4.13+dfsg1-1~b1", "amd64", NULL, "debian", "debian-12");
    /* no os-release: debian namespace, no distro qualifier */
    ASSERT_PURL("pkg:deb/debian/bash@5.2.15-2?arch=amd64", LD_ECO_DEB, "bash", "5.2.15-2", "amd64",
                NULL, NULL, NULL);
    ASSERT_PURL("pkg:deb/ubuntu/bash@5.1-6ubuntu1?arch=arm64&distro=ubuntu-22.04", LD_ECO_DEB,
                "Bash", "5.1-6ubuntu1", "arm64", NULL, "ubuntu", "ubuntu-22.04");
}

static void test_apk_rpm(void **state)
{
    (void)state;
    ASSERT_PURL("pkg:apk/alpine/musl@1.2.4-r2?arch=x86_64&distro=alpine-3.19.1", LD_ECO_APK, "musl",
                "1.2.4-r2", "x86_64", NULL, "alpine", "alpine-3.19.1");
    /* rpm: epoch moves to a qualifier; qualifiers sorted by key; name case kept */
    ASSERT_PURL("pkg:rpm/fedora/NetworkManager@1.44.2-1.fc39?arch=x86_64&distro=fedora-39&epoch=1",
                LD_ECO_RPM, "NetworkManager", "1:1.44.2-1.fc39", "x86_64", NULL, "fedora",
                "fedora-39");
    ASSERT_PURL("pkg:rpm/bash@5.2.26-3.fc40?arch=x86_64", LD_ECO_RPM, "bash", "0:5.2.26-3.fc40",
                "x86_64", NULL, NULL, NULL);
}

static void test_languages(void **state)
{
    (void)state;
    ASSERT_PURL("pkg:pypi/django-rest-framework@3.14.0", LD_ECO_PYPI, "Django_Rest_Framework",
                "3.14.0", NULL, NULL, NULL, NULL);
    ASSERT_PURL("pkg:npm/%40babel/helper-plugin-utils@7.22.5", LD_ECO_NPM,
                "@babel/helper-plugin-utils", "7.22.5", NULL, NULL, NULL, NULL);
    ASSERT_PURL("pkg:npm/lodash@4.17.20", LD_ECO_NPM, "lodash", "4.17.20", NULL, NULL, NULL, NULL);
    ASSERT_PURL("pkg:golang/github.com/BurntSushi/toml@v1.3.2", LD_ECO_GO,
                "github.com/BurntSushi/toml", "v1.3.2", NULL, NULL, NULL, NULL);
    ASSERT_PURL("pkg:maven/org.apache.commons/commons-lang3@3.12.0", LD_ECO_MAVEN, "commons-lang3",
                "3.12.0", NULL, "org.apache.commons", NULL, NULL);
    ASSERT_PURL("pkg:cargo/serde@1.0.193", LD_ECO_CARGO, "serde", "1.0.193", NULL, NULL, NULL,
                NULL);
    ASSERT_PURL("pkg:gem/rails@7.1.2", LD_ECO_GEM, "rails", "7.1.2", NULL, NULL, NULL, NULL);
    ASSERT_PURL("pkg:composer/laravel/framework@v10.0.0", LD_ECO_COMPOSER, "Laravel/Framework",
                "v10.0.0", NULL, NULL, NULL, NULL);
}

static void test_encoding(void **state)
{
    (void)state;
    /* space, '@', '?', '#', '/', '%', '&', '=' and non-ASCII bytes are encoded */
    ASSERT_PURL("pkg:gem/a%20b%40c@1%3F2%233%2F4%255%266%3D7", LD_ECO_GEM, "a b@c", "1?2#3/4%5&6=7",
                NULL, NULL, NULL, NULL);
    ASSERT_PURL("pkg:gem/caf%C3%A9@1", LD_ECO_GEM, "caf\xc3\xa9", "1", NULL, NULL, NULL, NULL);
    /* qualifier values are encoded too */
    ASSERT_PURL("pkg:deb/debian/x@1?arch=a%26b&distro=d%3Dx", LD_ECO_DEB, "x", "1", "a&b", NULL,
                NULL, "d=x");
    /* empty namespace segments are dropped */
    ASSERT_PURL("pkg:golang/example.com/a/b@v1", LD_ECO_GO, "example.com//a/b", "v1", NULL, NULL,
                NULL, NULL);
    /* no version: no '@' */
    ASSERT_PURL("pkg:cargo/x", LD_ECO_CARGO, "x", "", NULL, NULL, NULL, NULL);
}

static void test_list_ops(void **state)
{
    (void)state;
    ld_package_list l = {0};
    for (int i = 0; i < 1000; i++) {
        ld_package *p = ld_package_list_add(&l, LD_ECO_NPM);
        assert_int_equal(p->layer, -1);
        assert_null(p->name);
        p->name = ld_xasprintf("p%d", i);
        ld_strlist_push(&p->licenses, "MIT");
    }
    assert_int_equal(l.n, 1000);
    assert_string_equal(l.items[999].name, "p999");
    ld_package_clear(&l.items[0]);
    assert_null(l.items[0].name);
    assert_int_equal(l.items[0].layer, -1);
    ld_package_list_clear(&l);
    assert_int_equal(l.n, 0);
    assert_null(l.items);
    /* a package without a name gets no purl */
    ld_package *p = ld_package_list_add(&l, LD_ECO_DEB);
    ld_package_set_purl(p, NULL, NULL);
    assert_null(p->purl);
    ld_package_list_clear(&l);
}

static void test_ecosystem_names(void **state)
{
    (void)state;
    static const char *const want[] = {"deb", "apk",   "rpm",   "pypi", "npm",
                                       "go",  "maven", "cargo", "gem",  "composer"};
    for (int i = 0; i < LD_ECO_COUNT; i++)
        assert_string_equal(ld_ecosystem_name((ld_ecosystem)i), want[i]);
    assert_string_equal(ld_ecosystem_name(LD_ECO_COUNT), "unknown");
}

static void test_registry(void **state)
{
    (void)state;
    const ld_cataloger *const *c = ld_catalogers();
    size_t n = 0;
    bool seen_dpkg = false, seen_npm = false;
    for (; c[n]; n++) {
        assert_non_null(c[n]->name);
        assert_non_null(c[n]->wants);
        assert_non_null(c[n]->parse);
        assert_true(c[n]->max_bytes > 0);
        seen_dpkg |= strcmp(c[n]->name, "dpkg") == 0;
        seen_npm |= strcmp(c[n]->name, "npm") == 0;
    }
    assert_true(n >= 4);
    assert_true(seen_dpkg && seen_npm);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_deb),       cmocka_unit_test(test_apk_rpm),
        cmocka_unit_test(test_languages), cmocka_unit_test(test_encoding),
        cmocka_unit_test(test_list_ops),  cmocka_unit_test(test_ecosystem_names),
        cmocka_unit_test(test_registry),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
