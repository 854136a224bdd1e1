/* Unit tests for ecosystem mapping (src/vuln/distro.c): os-release to the
 * database's release ecosystems, language ecosystems, lookup names (source
 * package, PEP 503, Maven group:artifact) and unsupported distributions. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "vuln/distro.h"

static void check(ld_ecosystem eco, const char *id, const char *vid, const char *code,
                  const char *want0, const char *want1, const char *want_rel)
{
    char *out[LD_DISTRO_MAX_ECOSYSTEMS];
    size_t n = 0;
    char *rel = NULL;
    ld_error err = LD_ERROR_INIT;
    int rc = ld_distro_ecosystems(eco, id, vid, code, out, &n, &rel, &err);
    if (rc != 0)
        fail_msg("%s %s: %s", id ? id : "-", vid ? vid : "-", err.msg);
    assert_true(n >= 1);
    assert_string_equal(out[0], want0);
    if (want1) {
        assert_int_equal(n, 2);
        assert_string_equal(out[1], want1);
    } else {
        assert_int_equal(n, 1);
    }
    assert_string_equal(rel, want_rel);
    for (size_t i = 0; i < n; i++)
        free(out[i]);
    free(rel);
}

static void test_distros(void **state)
{
    (void)state;
    check(LD_ECO_DEB, "debian", "12", "bookworm", "Debian:12", NULL, "bookworm");
    check(LD_ECO_DEB, "debian", "11", NULL, "Debian:11", NULL, "bullseye");
    check(LD_ECO_DEB, "debian", NULL, "trixie", "Debian:13", NULL, "trixie"); /* testing: no VERSION_ID */
    check(LD_ECO_DEB, "ubuntu", "22.04", "jammy", "Ubuntu:22.04", "Ubuntu:22.04:LTS", "22.04");
    check(LD_ECO_DEB, "ubuntu", "23.10", "mantic", "Ubuntu:23.10", NULL, "23.10");
    check(LD_ECO_APK, "alpine", "3.19.1", NULL, "Alpine:v3.19", NULL, "v3.19");
    check(LD_ECO_APK, "alpine", "3.20.0_alpha20240315", NULL, "Alpine:v3.20", NULL, "v3.20");
    check(LD_ECO_RPM, "rocky", "9.3", NULL, "Rocky Linux:9", NULL, "9");
    check(LD_ECO_RPM, "almalinux", "8.9", NULL, "AlmaLinux:8", NULL, "8");
    check(LD_ECO_NPM, NULL, NULL, NULL, "npm", NULL, "npm");
    check(LD_ECO_PYPI, "debian", "12", NULL, "PyPI", NULL, "PyPI");
    check(LD_ECO_GO, NULL, NULL, NULL, "Go", NULL, "Go");
    check(LD_ECO_MAVEN, NULL, NULL, NULL, "Maven", NULL, "Maven");
    check(LD_ECO_CARGO, NULL, NULL, NULL, "crates.io", NULL, "crates.io");
    check(LD_ECO_GEM, NULL, NULL, NULL, "RubyGems", NULL, "RubyGems");
    check(LD_ECO_COMPOSER, NULL, NULL, NULL, "Packagist", NULL, "Packagist");
}

static void test_unsupported(void **state)
{
    (void)state;
    char *out[LD_DISTRO_MAX_ECOSYSTEMS];
    size_t n = 9;
    ld_error err = LD_ERROR_INIT;
    assert_int_equal(ld_distro_ecosystems(LD_ECO_DEB, NULL, NULL, NULL, out, &n, NULL, &err),
                     LD_ERR_UNSUPPORTED);
    assert_int_equal(n, 0);
    assert_non_null(strstr(err.msg, "no os-release"));
    assert_int_equal(ld_distro_ecosystems(LD_ECO_RPM, "fedora", "39", NULL, out, &n, NULL, &err),
                     LD_ERR_UNSUPPORTED);
    assert_non_null(strstr(err.msg, "fedora"));
    assert_int_equal(ld_distro_ecosystems(LD_ECO_APK, "alpine", "edge", NULL, out, &n, NULL, &err),
                     LD_ERR_UNSUPPORTED);
    assert_int_equal(ld_distro_ecosystems(LD_ECO_DEB, "debian", NULL, "hamm", out, &n, NULL, &err),
                     LD_ERR_UNSUPPORTED);
    /* apk packages on a "debian" (mixed rootfs) are not guessed */
    assert_int_equal(ld_distro_ecosystems(LD_ECO_APK, "debian", "12", NULL, out, &n, NULL, &err),
                     LD_ERR_UNSUPPORTED);
}

static void test_names(void **state)
{
    (void)state;
    const char *cases[][2] = {
        {"Django", "django"},          {"zope.interface", "zope-interface"},
        {"Foo__Bar--baz", "foo-bar-baz"}, {"a._-b", "a-b"},
        {"PyYAML", "pyyaml"},          {"_x_", "x"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *s = ld_pep503_normalize(cases[i][0]);
        assert_string_equal(s, cases[i][1]);
        free(s);
    }
    assert_null(ld_pep503_normalize(NULL));
    ld_package p = {.eco = LD_ECO_DEB, .name = "libc6", .source_name = "glibc"};
    char *s = ld_distro_lookup_name(&p);
    assert_string_equal(s, "glibc");
    free(s);
    p.source_name = NULL;
    s = ld_distro_lookup_name(&p);
    assert_string_equal(s, "libc6");
    free(s);
    ld_package m = {.eco = LD_ECO_MAVEN, .name = "log4j-core", .group = "org.apache.logging.log4j"};
    s = ld_distro_lookup_name(&m);
    assert_string_equal(s, "org.apache.logging.log4j:log4j-core");
    free(s);
    ld_package py = {.eco = LD_ECO_PYPI, .name = "Jinja2"};
    s = ld_distro_lookup_name(&py);
    assert_string_equal(s, "jinja2");
    free(s);
    ld_package npm = {.eco = LD_ECO_NPM, .name = "@Babel/Core"};
    s = ld_distro_lookup_name(&npm); /* npm: exact */
    assert_string_equal(s, "@Babel/Core");
    free(s);
    assert_string_equal(ld_debian_codename("12"), "bookworm");
    assert_string_equal(ld_debian_codename("12.5"), "bookworm");
    assert_null(ld_debian_codename("99"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_distros),
        cmocka_unit_test(test_unsupported),
        cmocka_unit_test(test_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
