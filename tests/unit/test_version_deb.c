/* Unit tests for the Debian (dpkg) version comparator (src/vuln/version_deb.c):
 * vectors are orderings reported by dpkg --compare-versions (dpkg 1.21) and Debian
 * Policy 5.6.12 examples.
 * Every vector is checked both ways round and against itself; the sorted
 * list must be strictly increasing pairwise (transitivity); hostile input
 * (empty, oversize, binary bytes, huge digit runs) must not crash. */
#include <stddef.h>

#define SCHEME LD_VER_DEB
#define VT_EXTRA_TESTS , cmocka_unit_test(test_dpkg_errors_and_warnings)

static void test_dpkg_errors_and_warnings(void **state);

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

#include "version_test_common.h"

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
