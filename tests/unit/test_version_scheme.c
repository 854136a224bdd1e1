/* Unit tests for the version-comparison front end (src/vuln/version.c):
 * scheme names, OSV ecosystem names, error messages and the length limit. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "vuln/version.h"

static void test_scheme_names(void **state)
{
    (void)state;
    static const char *const names[] = {"deb",   "apk", "rpm", "pypi",  "npm",     "semver",
                                        "maven", "go",  "gem", "nuget", "composer"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        ld_version_scheme s = LD_VER_COUNT;
        assert_int_equal(ld_version_scheme_parse(names[i], &s), 0);
        assert_string_equal(ld_version_scheme_name(s), names[i]);
        ld_version_scheme t = LD_VER_COUNT;
        assert_int_equal(ld_version_scheme_for_ecosystem(names[i], &t), 0);
        assert_int_equal(s, t);
    }
    ld_version_scheme s = LD_VER_DEB;
    assert_int_equal(ld_version_scheme_parse("Deb", &s), LD_ERR_NOT_FOUND);
    assert_int_equal(ld_version_scheme_parse("", &s), LD_ERR_NOT_FOUND);
    assert_int_equal(ld_version_scheme_parse(NULL, &s), LD_ERR_NOT_FOUND);
    assert_string_equal(ld_version_scheme_name(LD_VER_COUNT), "?");
}

static void test_osv_ecosystems(void **state)
{
    (void)state;
    static const struct {
        const char *eco;
        ld_version_scheme want;
    } cases[] = {
        {"Debian", LD_VER_DEB},    {"Debian:12", LD_VER_DEB},
        {"Ubuntu", LD_VER_DEB},    {"Ubuntu:22.04:LTS", LD_VER_DEB},
        {"Alpine", LD_VER_APK},    {"Alpine:v3.19", LD_VER_APK},
        {"PyPI", LD_VER_PYPI},     {"npm", LD_VER_NPM},
        {"Go", LD_VER_GO},         {"crates.io", LD_VER_SEMVER},
        {"Maven", LD_VER_MAVEN},   {"RubyGems", LD_VER_GEM},
        {"NuGet", LD_VER_NUGET},   {"Packagist", LD_VER_COMPOSER},
        {"Red Hat", LD_VER_RPM},   {"Rocky Linux:9", LD_VER_RPM},
        {"AlmaLinux", LD_VER_RPM}, {"SUSE", LD_VER_RPM},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        ld_version_scheme s = LD_VER_COUNT;
        if (ld_version_scheme_for_ecosystem(cases[i].eco, &s) != 0 || s != cases[i].want)
            fail_msg("%s: got %d", cases[i].eco, (int)s);
    }
    ld_version_scheme s;
    assert_int_equal(ld_version_scheme_for_ecosystem("Hex", &s), LD_ERR_NOT_FOUND);
    assert_int_equal(ld_version_scheme_for_ecosystem("debian", &s), LD_ERR_NOT_FOUND);
    assert_int_equal(ld_version_scheme_for_ecosystem(NULL, &s), LD_ERR_NOT_FOUND);
}

static void test_errors(void **state)
{
    (void)state;
    ld_error err = LD_ERROR_INIT;
    int r = 7;
    assert_int_equal(ld_version_compare(LD_VER_PYPI, "x", "1.0", &r, &err), LD_ERR_INVALID);
    assert_non_null(strstr(err.msg, "invalid pypi version \"x\""));
    assert_int_equal(r, 7);
    /* control bytes are escaped and long versions cut in messages */
    assert_int_equal(ld_version_compare(LD_VER_GO, "v1\n\"", "v1.0.0", &r, &err), LD_ERR_INVALID);
    assert_non_null(strstr(err.msg, "\"v1\\x0a\\x22\""));
    char v[LD_VERSION_MAX + 2];
    memset(v, 'x', sizeof v - 1);
    v[sizeof v - 1] = '\0';
    assert_int_equal(ld_version_compare(LD_VER_MAVEN, "1", v, &r, &err), LD_ERR_LIMIT);
    assert_true(strlen(err.msg) < 200);
    v[LD_VERSION_MAX] = '\0'; /* exactly the limit: a (strange) maven version */
    assert_int_equal(ld_version_compare(LD_VER_MAVEN, "1", v, &r, &err), 0);
    assert_int_equal(ld_version_compare(LD_VER_COUNT, "1", "1", &r, &err), LD_ERR_INVALID);
    assert_int_equal(ld_version_compare(LD_VER_DEB, NULL, "1", &r, &err), LD_ERR_INVALID);
    /* err may be NULL */
    assert_int_equal(ld_version_compare(LD_VER_SEMVER, "1", "1.0.0", &r, NULL), LD_ERR_INVALID);
    assert_int_equal(ld_version_compare(LD_VER_SEMVER, "1.0.1", "1.0.0", &r, NULL), 0);
    assert_int_equal(r, 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_scheme_names),
        cmocka_unit_test(test_osv_ecosystems),
        cmocka_unit_test(test_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
