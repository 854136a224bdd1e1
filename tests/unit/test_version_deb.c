/* Unit tests for the Debian (dpkg) version comparator (src/vuln/version_deb.c):
 * vectors are orderings reported by dpkg --compare-versions (dpkg 1.21) and Debian
 * Policy 5.6.12 examples.
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

#define SCHEME LD_VER_DEB

typedef struct {
    const char *a;
    char op;
    const char *b;
} vec;

static const vec vectors[] = {
    {"0", '<', "0.9999999999999999999999"},
    {"0.9999999999999999999999", '<', "1"},
    {"1", '<', "1.0~~"},
    {"1.0~~", '<', "1.0~~a"},
    {"1.0~~a", '<', "1.0~"},
    {"1.0~", '<', "1.0~git20200101"},
    {"1.0~git20200101", '<', "1.0~rc1"},
    {"1.0~rc1", '<', "1.0~rc1-1"},
    {"1.0~rc1-1", '<', "1.0"},
    {"1.0", '=', "1.0-0"},
    {"1.0-0", '=', "1.00"},
    {"1.00", '=', "0:1.0"},
    {"0:1.0", '<', "1.0-0.1"},
    {"1.0-0.1", '<', "1.0-1~bpo1"},
    {"1.0-1~bpo1", '<', "1.0-1"},
    {"1.0-1", '<', "1.0-1a"},
    {"1.0-1a", '<', "1.0-1build1"},
    {"1.0-1build1", '<', "1.0-1ubuntu1"},
    {"1.0-1ubuntu1", '<', "1.0-1+deb12u1"},
    {"1.0-1+deb12u1", '<', "1.0-1.1"},
    {"1.0-1.1", '<', "1.0-9"},
    {"1.0-9", '<', "1.0-10"},
    {"1.0-10", '<', "1.0-a"},
    {"1.0-a", '<', "1.0A"},
    {"1.0A", '<', "1.0a"},
    {"1.0a", '<', "1.0a-1"},
    {"1.0a-1", '<', "1.0+"},
    {"1.0+", '<', "1.0+b1"},
    {"1.0+b1", '<', "1.0+dfsg-1"},
    {"1.0+dfsg-1", '<', "1.0+git20200101"},
    {"1.0+git20200101", '<', "1.0-1-1"},
    {"1.0-1-1", '<', "1.0."},
    {"1.0.", '<', "1.0.1"},
    {"1.0.1", '<', "1.0.a"},
    {"1.0.a", '<', "1.001"},
    {"1.001", '=', "1.000000000000000000000000001"},
    {"1.000000000000000000000000001", '<', "1.2.3-4"},
    {"1.2.3-4", '<', "1..0"},
    {"1..0", '<', "2.4.54-1~deb11u1"},
    {"2.4.54-1~deb11u1", '<', "2.30-1"},
    {"2.30-1", '<', "3.0~alpha"},
    {"3.0~alpha", '<', "3.0~beta1"},
    {"3.0~beta1", '<', "3.0~beta1+dfsg"},
    {"3.0~beta1+dfsg", '<', "7.88.1-10+deb12u5"},
    {"7.88.1-10+deb12u5", '<', "9"},
    {"9", '<', "10"},
    {"10", '<', "18446744073709551615"},
    {"18446744073709551615", '<', "18446744073709551616"},
    {"18446744073709551616", '<', "a"},
    {"a", '<', "1:0.1"},
    {"1:0.1", '<', "1:1.0"},
    {"1:1.0", '<', "1:2.3~"},
    {"1:2.3~", '<', "2:0"},
    {"1.0~rc1-1", '>', "1.0~git20200101"},
    {"1.0-1~bpo1", '<', "a"},
    {"1:0.1", '>', "1.0-1+deb12u1"},
    {"1.0.1", '>', "1.0+dfsg-1"},
    {"1.0+", '>', "1.0-0"},
    {"1:1.0", '>', "1.0-a"},
    {"0.9999999999999999999999", '<', "1.0-1a"},
    {"1.00", '<', "1.0-10"},
    {"1.2.3-4", '>', "1.000000000000000000000000001"},
    {"1.0~~", '<', "1.0.1"},
    {"1.0-1.1", '<', "2.30-1"},
    {"1", '<', "1.0-1~bpo1"},
    {"2.4.54-1~deb11u1", '>', "1.00"},
    {"1.0~rc1", '<', "1.0-1build1"},
    {"1.0-1+deb12u1", '>', "1.0~~"},
    {"2.30-1", '>', "1.0-0"},
    {"1.0.a", '<', "3.0~alpha"},
    {"1.000000000000000000000000001", '<', "a"},
    {"0:1.0", '<', "2.30-1"},
    {"1.0+git20200101", '>', "1.0+b1"},
    {"18446744073709551615", '<', "1:0.1"},
    {"0.9999999999999999999999", '<', "1.0~"},
    {"1.2.3-4", '>', "1.0.a"},
    {"3.0~beta1+dfsg", '<', "10"},
    {"1.2.3-4", '<', "7.88.1-10+deb12u5"},
    {"1.0~~", '<', "1.0A"},
    {"18446744073709551616", '>', "1.0+git20200101"},
    {"3.0~beta1", '>', "1.0a"},
    {"0", '<', "1"},
    {"1.0~rc1", '<', "1.0"},
    {"1.0~", '<', "1.0"},
    {"1.0", '<', "1.0a"},
    {"1.0a", '<', "1.0+"},
    {"1:0.1", '>', "9.9"},
    {"0:1.0", '=', "1.0"},
    {"1.00", '=', "1.0"},
    {"1.0-1", '<', "1.0-1+deb12u1"},
    {"7.88.1-10+deb12u5", '>', "7.88.1-10+deb12u4"},
    {"2.36-9+deb12u4", '<', "2.36-9+deb12u10"},
    {"1.2.3-1ubuntu0.1", '>', "1.2.3-1"},
    {"1.0", '<', "1.0.0"},
};

static const char *const sorted[] = {
    "0",
    "0.9999999999999999999999",
    "1",
    "1.0~~",
    "1.0~~a",
    "1.0~",
    "1.0~git20200101",
    "1.0~rc1",
    "1.0~rc1-1",
    "1.0",
    "1.0-0.1",
    "1.0-1~bpo1",
    "1.0-1",
    "1.0-1a",
    "1.0-1build1",
    "1.0-1ubuntu1",
    "1.0-1+deb12u1",
    "1.0-1.1",
    "1.0-9",
    "1.0-10",
    "1.0-a",
    "1.0A",
    "1.0a",
    "1.0a-1",
    "1.0+",
    "1.0+b1",
    "1.0+dfsg-1",
    "1.0+git20200101",
    "1.0-1-1",
    "1.0.",
    "1.0.1",
    "1.0.a",
    "1.001",
    "1.2.3-4",
    "1..0",
    "2.4.54-1~deb11u1",
    "2.30-1",
    "3.0~alpha",
    "3.0~beta1",
    "3.0~beta1+dfsg",
    "7.88.1-10+deb12u5",
    "9",
    "10",
    "18446744073709551615",
    "18446744073709551616",
    "a",
    "1:0.1",
    "1:1.0",
    "1:2.3~",
    "2:0",
};

static const char *const invalid[] = {
    "1.0:1", ":1.0", "1:", "1.0-", "-1:1.0", "1.0 1",

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

static void expect_reason(const char *v, const char *reason)
{
    ld_error err = LD_ERROR_INIT;
    int r = 0;
    assert_int_equal(ld_version_compare(LD_VER_DEB, v, "1.0", &r, &err), LD_ERR_INVALID);
    if (!strstr(err.msg, reason))
        fail_msg("\"%s\": expected \"%s\" in \"%s\"", v, reason, err.msg);
}

/* dpkg's parseversion() messages; what dpkg only warns about still compares */
static void test_dpkg_errors_and_warnings(void **state)
{
    (void)state;
    expect_reason("", "version string is empty");
    expect_reason("  ", "version string is empty");
    expect_reason("1.0 1", "embedded spaces");
    expect_reason(":1.0", "epoch in version is empty");
    expect_reason("a:1.0", "epoch in version is empty");
    expect_reason("1a:1.0", "epoch in version is not number");
    expect_reason("-1:1.0", "epoch in version is negative");
    expect_reason("99999999999:1.0", "epoch in version is too big");
    expect_reason("2147483648:1.0", "epoch in version is too big");
    expect_reason("1:", "nothing after colon");
    expect_reason("1.0-", "revision number is empty");
    expect_reason("-1", "version number is empty");
    expect_reason("1:-1", "version number is empty");
    assert_int_equal(cmp("2147483647:1.0", "2147483646:9"), 1);
    assert_int_equal(cmp(" 1.0 ", "1.0"), 0); /* surrounding blanks trimmed */
    assert_int_equal(cmp("a", "1"), 1);       /* warning only: letters sort after digits */
    assert_int_equal(cmp("1.0_1", "1.0"), 1); /* invalid character: warning only */
    assert_int_equal(cmp("1.0-a_b", "1.0-a"), 1);
    assert_int_equal(cmp("1.0\x80", "1.0+"), -1); /* high bytes weigh as signed char */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_vectors),
        cmocka_unit_test(test_sorted_is_strictly_increasing),
        cmocka_unit_test(test_invalid),
        cmocka_unit_test(test_hostile),
        cmocka_unit_test(test_dpkg_errors_and_warnings),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
