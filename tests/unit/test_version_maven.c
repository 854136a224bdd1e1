/* Unit tests for the Maven (ComparableVersion) version comparator (src/vuln/version_maven.c):
 * vectors are orderings reported by Maven 3.8.7's ComparableVersion
 * (maven-artifact) and its documented qualifier order.
 * Every vector is checked both ways round and against itself; the sorted
 * list must be strictly increasing pairwise (transitivity); hostile input
 * (empty, oversize, binary bytes, huge digit runs) must not crash. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "vuln/version.h"

#define SCHEME LD_VER_MAVEN

typedef struct {
    const char *a;
    char op;
    const char *b;
} vec;

static const vec vectors[] = {
    {"", '<', "-1"},
    {"-1", '<', ".1"},
    {".1", '<', "1-alpha"},
    {"1-alpha", '<', "1-alpha1"},
    {"1-alpha1", '=', "1-a1"},
    {"1-a1", '=', "1a1"},
    {"1a1", '=', "1-alpha-1"},
    {"1-alpha-1", '<', "1-alpha2"},
    {"1-alpha2", '<', "1-beta"},
    {"1-beta", '<', "1-b1"},
    {"1-b1", '<', "1-beta-2"},
    {"1-beta-2", '<', "1-milestone"},
    {"1-milestone", '<', "1-m1"},
    {"1-m1", '<', "1-M2"},
    {"1-M2", '<', "1-rc"},
    {"1-rc", '<', "1-RC1"},
    {"1-RC1", '=', "1-cr1"},
    {"1-cr1", '<', "1-cr2"},
    {"1-cr2", '<', "1-snapshot"},
    {"1-snapshot", '=', "1-SNAPSHOT"},
    {"1-SNAPSHOT", '<', "1"},
    {"1", '=', "1.0"},
    {"1.0", '=', "1.0.0"},
    {"1.0.0", '=', "1-0"},
    {"1-0", '=', "1-ga"},
    {"1-ga", '=', "1-final"},
    {"1-final", '=', "1.release"},
    {"1.release", '=', "1-GA"},
    {"1-GA", '<', "1.foo.2"},
    {"1.foo.2", '<', "1-sp"},
    {"1-sp", '<', "1-sp1"},
    {"1-sp1", '=', "1-sp-1"},
    {"1-sp-1", '<', "1a"},
    {"1a", '<', "1-abc"},
    {"1-abc", '<', "1b"},
    {"1b", '<', "1-bar"},
    {"1-bar", '<', "1-foo"},
    {"1-foo", '=', "1-FOO"},
    {"1-FOO", '<', "1-foo-2"},
    {"1-foo-2", '<', "1m"},
    {"1m", '<', "1x"},
    {"1x", '=', "1.x"},
    {"1.x", '=', "1-x"},
    {"1-x", '<', "1.0.0.x1"},
    {"1.0.0.x1", '<', "1.0.0-x2"},
    {"1.0.0-x2", '<', "1--1"},
    {"1--1", '<', "1-0.1"},
    {"1-0.1", '<', "1-1"},
    {"1-1", '=', "1.0-1"},
    {"1.0-1", '=', "1-1"},
    {"1-1", '<', "1-2"},
    {"1-2", '<', "1.0.1"},
    {"1.0.1", '=', "1..1"},
    {"1..1", '<', "1.1"},
    {"1.1", '<', "1.2.3-android"},
    {"1.2.3-android", '<', "1.2.3-jre"},
    {"1.2.3-jre", '<', "2.0-alpha"},
    {"2.0-alpha", '<', "2.0.0-SNAPSHOT"},
    {"2.0.0-SNAPSHOT", '<', "2.0"},
    {"2.0", '<', "2.0.a"},
    {"2.0.a", '<', "2.0.1"},
    {"2.0.1", '<', "2.13.4"},
    {"2.13.4", '<', "2.13.4.2"},
    {"2.13.4.2", '<', "5.3.20"},
    {"5.3.20", '=', "5.3.20.RELEASE"},
    {"5.3.20.RELEASE", '<', "9"},
    {"9", '<', "10"},
    {"10", '<', "31.1-jre"},
    {"31.1-jre", '<', "32.0.0-android"},
    {"32.0.0-android", '<', "32.0.0-jre"},
    {"32.0.0-jre", '<', "99999999999999999999"},
    {"99999999999999999999", '<', "100000000000000000000"},
    {"1-beta-2", '>', "1a1"},
    {"1-2", '>', "1-1"},
    {"1-sp", '>', "1-final"},
    {"1-ga", '>', "1-alpha"},
    {"1.0.0-x2", '>', "1-x"},
    {"99999999999999999999", '>', "1-sp1"},
    {"9", '>', "1-m1"},
    {"1-sp", '<', "1.2.3-android"},
    {"1-0", '>', "1a1"},
    {"32.0.0-jre", '>', "1-sp-1"},
    {"1-alpha2", '<', "1--1"},
    {"1-1", '>', "1-milestone"},
    {"1.2.3-android", '>', "1-alpha"},
    {"1x", '<', "2.0.a"},
    {"31.1-jre", '>', "2.13.4.2"},
    {"1-0.1", '>', "1-cr1"},
    {"1.2.3-jre", '>', "1x"},
    {"-1", '<', "1.2.3-jre"},
    {"5.3.20", '>', "1-beta-2"},
    {"1.1", '>', "1-m1"},
    {"1m", '>', "1-snapshot"},
    {"1", '=', "1.0.0"},
    {"1-alpha2", '<', "1.0.0"},
    {"1-SNAPSHOT", '<', "1-foo"},
    {"1-FOO", '<', "2.0"},
    {"1-m1", '<', "1"},
    {"5.3.20.RELEASE", '>', "1"},
    {"1-FOO", '>', "1-GA"},
    {"99999999999999999999", '>', "1-cr2"},
    {"1.0.0.x1", '>', "1-m1"},
    {"1-alpha", '<', "1-beta"},
    {"1-beta", '<', "1-milestone"},
    {"1-milestone", '<', "1-rc"},
    {"1-rc", '<', "1-snapshot"},
    {"1-snapshot", '<', "1"},
    {"1", '<', "1-sp"},
    {"1-sp", '<', "1-abc"},
    {"1-abc", '<', "1-1"},
    {"1-ga", '=', "1"},
    {"1-final", '=', "1"},
    {"1-release", '=', "1"},
    {"1-cr", '=', "1-rc"},
    {"1-a1", '=', "1-alpha-1"},
    {"1-b2", '=', "1-beta-2"},
    {"1-m3", '=', "1-milestone-3"},
    {"1.0.0-1", '=', "1-1"},
    {"1-1", '<', "1.1"},
    {"1-SNAPSHOT", '=', "1-snapshot"},
    {"1-0.1", '>', "1"},
};

static const char *const sorted[] = {
    "",
    "-1",
    ".1",
    "1-alpha",
    "1-alpha1",
    "1-alpha2",
    "1-beta",
    "1-b1",
    "1-beta-2",
    "1-milestone",
    "1-m1",
    "1-M2",
    "1-rc",
    "1-RC1",
    "1-cr2",
    "1-snapshot",
    "1",
    "1-sp",
    "1-sp1",
    "1a",
    "1-abc",
    "1b",
    "1-bar",
    "1-foo",
    "1-foo-2",
    "1m",
    "1x",
    "1.0.0.x1",
    "1.0.0-x2",
    "1--1",
    "1-0.1",
    "1-1",
    "1-2",
    "1.0.1",
    "1.1",
    "1.2.3-android",
    "1.2.3-jre",
    "2.0-alpha",
    "2.0.0-SNAPSHOT",
    "2.0",
    "2.0.a",
    "2.0.1",
    "2.13.4",
    "2.13.4.2",
    "5.3.20",
    "9",
    "10",
    "31.1-jre",
    "32.0.0-android",
    "32.0.0-jre",
    "99999999999999999999",
    "100000000000000000000",
};

static const char *const invalid[] = {

    NULL,
};

static int cmp(const char *a, const char *b)
{
    ld_error err = LD_ERROR_INIT;
    int r = 99;
    int rc = ld_version_compare(SCHEME, a, b, &r, &err);
    if (rc != 0)
        fail_msg("compare \"%s\" \"%s\" failed: %s", a, b, err.msg);
    assert_true(r == -1 || r == 0 || r == 1);
    return r;
}

static void test_vectors(void **state)
{
    (void)state;
    size_t n = sizeof vectors / sizeof vectors[0];
    assert_true(n >= 40);
    for (size_t i = 0; i < n; i++) {
        const vec *v = &vectors[i];
        int want = v->op == '<' ? -1 : v->op == '>' ? 1 : 0;
        int got = cmp(v->a, v->b), back = cmp(v->b, v->a);
        if (got != want || back != -want)
            fail_msg("\"%s\" %c \"%s\": got %d, reversed %d", v->a, v->op, v->b, got, back);
        assert_int_equal(cmp(v->a, v->a), 0);
        assert_int_equal(cmp(v->b, v->b), 0);
    }
}

static void test_sorted_is_strictly_increasing(void **state)
{
    (void)state;
    size_t n = sizeof sorted / sizeof sorted[0];
    assert_true(n >= 15);
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++) {
            int want = i < j ? -1 : i > j ? 1 : 0;
            if (cmp(sorted[i], sorted[j]) != want)
                fail_msg("\"%s\" vs \"%s\": expected %d", sorted[i], sorted[j], want);
        }
}

static void test_invalid(void **state)
{
    (void)state;
    char want[64];
    snprintf(want, sizeof want, "invalid %s version \"", ld_version_scheme_name(SCHEME));
    for (size_t i = 0; invalid[i]; i++) {
        ld_error err = LD_ERROR_INIT;
        int r = 42;
        int rc = ld_version_compare(SCHEME, invalid[i], "1.0", &r, &err);
        if (rc >= 0)
            fail_msg("\"%s\" accepted as a %s version", invalid[i], ld_version_scheme_name(SCHEME));
        assert_int_equal(rc, LD_ERR_INVALID);
        assert_int_equal(r, 42); /* result untouched on error */
        assert_non_null(strstr(err.msg, want));
        rc = ld_version_compare(SCHEME, "1.0", invalid[i], &r, &err);
        assert_int_equal(rc, LD_ERR_INVALID);
        assert_int_equal(ld_version_validate(SCHEME, invalid[i], NULL), LD_ERR_INVALID);
    }
    assert_int_equal(ld_version_validate(SCHEME, "1.0", NULL), 0);
}

static void test_hostile(void **state)
{
    (void)state;
    static char big[10 * 1024 + 1];
    memset(big, '1', sizeof big - 1);
    ld_error err = LD_ERROR_INIT;
    int r = 0;
    assert_int_equal(ld_version_compare(SCHEME, big, "1.0", &r, &err), LD_ERR_LIMIT);
    assert_non_null(strstr(err.msg, "longer than 256 bytes"));
    assert_int_equal(ld_version_compare(SCHEME, "1.0", big, &r, NULL), LD_ERR_LIMIT);

    /* digit runs far beyond 64 bits compare by value */
    char lo[LD_VERSION_MAX + 1], hi[LD_VERSION_MAX + 1], run9[201], run1[202];
    memset(run9, '9', 200);
    run9[200] = '\0';
    run1[0] = '1';
    memset(run1 + 1, '0', 200);
    run1[201] = '\0';
    snprintf(lo, sizeof lo, "1.%s", run9);
    snprintf(hi, sizeof hi, "1.%s", run1);
    assert_int_equal(cmp(lo, hi), -1);
    assert_int_equal(cmp(hi, lo), 1);
    assert_int_equal(cmp(hi, hi), 0);

    /* exactly the limit is accepted (may be invalid, must not crash) */
    char edge[LD_VERSION_MAX + 1];
    memset(edge, '7', LD_VERSION_MAX);
    edge[LD_VERSION_MAX] = '\0';
    int rc = ld_version_compare(SCHEME, edge, edge, &r, &err);
    assert_true(rc == 0 || rc == LD_ERR_INVALID);
    edge[LD_VERSION_MAX - 1] = '\0';
    memset(edge, '.', 100);
    (void)ld_version_compare(SCHEME, edge, "1.0", &r, &err);

    /* every byte value, alone and inside a version */
    for (int c = 1; c < 256; c++) {
        char one[2] = {(char)c, '\0'};
        char mid[32];
        snprintf(mid, sizeof mid, "1.%c.2%c", c, c);
        int r1 = 0, r2 = 0;
        int a = ld_version_compare(SCHEME, one, mid, &r1, &err);
        int b = ld_version_compare(SCHEME, mid, one, &r2, &err);
        assert_int_equal(a, b);
        if (a == 0)
            assert_int_equal(r1, -r2);
    }
    static const char *const odd[] = {"",       " ",
                                      "\t",     ".",
                                      "-",      "+",
                                      "~",      "^",
                                      ":",      "_",
                                      "!",      "v",
                                      "=",      "..",
                                      "--",     "1..",
                                      "1--",    "1~~",
                                      "1^^",    "1::",
                                      "1!!",    "\xff\xfe",
                                      "1.\x80", "0",
                                      "00",     "0.0.0.0.0.0.0.0.0.0",
                                      NULL};
    for (size_t i = 0; odd[i]; i++)
        for (size_t j = 0; odd[j]; j++) {
            int r1 = 0, r2 = 0;
            int a = ld_version_compare(SCHEME, odd[i], odd[j], &r1, &err);
            int b = ld_version_compare(SCHEME, odd[j], odd[i], &r2, &err);
            assert_int_equal(a < 0, b < 0);
            if (a == 0 && b == 0)
                assert_int_equal(r1, -r2);
        }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_vectors),
        cmocka_unit_test(test_sorted_is_strictly_increasing),
        cmocka_unit_test(test_invalid),
        cmocka_unit_test(test_hostile),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
