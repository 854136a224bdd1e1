/* Unit tests for the Alpine (apk-tools) version comparator (src/vuln/version_apk.c):
 * vectors from apk-tools' test/version.data (one per line there, "a op b"),
 * plus suffix, revision, commit-hash and invalid-fallback cases.
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

#define SCHEME LD_VER_APK

typedef struct {
    const char *a;
    char op;
    const char *b;
} vec;

static const vec vectors[] = {
    {"2.34", '>', "0.1.0_alpha"},
    {"23_foo", '>', "4_beta"},
    {"1.0", '<', "1.0bc"},
    {"0.1.0_alpha", '=', "0.1.0_alpha"},
    {"0.1.0_alpha", '<', "0.1.3_alpha"},
    {"0.1.0_alpha2", '>', "0.1.0_alpha"},
    {"0.1.0_alpha", '<', "2.2.39-r1"},
    {"2.2.39-r1", '>', "1.0.4-r3"},
    {"1.0.4-r3", '<', "1.0.4-r4"},
    {"1.0.4-r4", '<', "1.6"},
    {"1.1", '>', "1.1_alpha1"},
    {"1.2.1", '>', "1.2"},
    {"1.2", '<', "1.3_alpha"},
    {"1.3_alpha", '<', "1.3_alpha2"},
    {"1.3_alpha2", '<', "1.3_alpha3"},
    {"0.7.0", '<', "0.8_beta1"},
    {"0.8_beta1", '<', "0.8_beta2"},
    {"0.8_beta4", '<', "4.8-r1"},
    {"3.10.18-r1", '>', "2.3.0b-r1"},
    {"2.3.0b-r1", '<', "2.3.0b-r2"},
    {"2.3.0b-r4", '>', "0.12.1"},
    {"0.12.3", '>', "0.12"},
    {"0.12", '<', "0.13_beta1"},
    {"0.13_beta5", '>', "0.9.12"},
    {"0.9.13", '>', "0.0.16"},
    {"0.0.16", '<', "0.6"},
    {"1.2.11", '<', "1.2.12.1"},
    {"1.2.12.1", '<', "1.2.13"},
    {"3.1_p16", '<', "3.1_p17"},
    {"3.1_p17", '>', "1.06-r6"},
    {"1.06-r6", '<', "006"},
    {"006", '>', "1.0.0"},
    {"1.2.2-r1", '>', "1.2.2"},
    {"9.3.4-r2", '>', "9.3.4"},
    {"2.59", '<', "20050718-r1"},
    {"20050718-r1", '<', "20050718-r2"},
    {"3.9.8-r5", '>', "2.01.01_alpha10"},
    {"2.01.01_alpha10", '>', "0.94"},
    {"1.0", '>', "0.99.3.20040818"},
    {"1.39", '>', "1.00_beta2"},
    {"7.15.1-r1", '>', "1.02"},
    {"1.02", '<', "1.03-r1"},
    {"0.5.2.7", '<', "4.2.52_p2-r1"},
    {"4.2.52_p2-r1", '<', "4.2.52_p4-r2"},
    {"4.2.52_p4-r2", '>', "1.02.07"},
    {"1.02.07", '<', "1.02.10-r1"},
    {"2.18.3-r10", '>', "1.05-r18"},
    {"1.05-r18", '<', "1.05-r19"},
    {"2.38", '<', "20050405"},
    {"10-r1", '>', "4"},
    {"0.7.3-r2", '>', "0.7.3"},
    {"2.4.2", '<', "20060720"},
    {"20060720", '>', "3.0.20060720"},
    {"3.0.20060720", '<', "20060720"},
    {"1.4.4-r1", '<', "2.1.9.200602141850"},
    {"2.5.1-r8", '<', "2.5.1a-r1"},
    {"1.3.5-r10", '>', "1.3.5-r8"},
    {"20040401", '>', "2.0.0_rc3-r1"},
    {"0.99.163", '<', "2.6.15.20060110"},
    {"3.0.0-r2", '<', "021109-r3"},
    {"021109-r3", '<', "20060512"},
    {"0.9.16-r1", '<', "3.9_pre20060124"},
    {"3.9_pre20060124", '>', "0.01"},
    {"0.01", '<', "0.06"},
    {"1.1.7", '<', "6b-r7"},
    {"0.10.0", '<', "0.10.1_rc1"},
    {"1.1a", '<', "1.3a"},
    {"1.0-r1", '>', "0.15.1b"},
    {"0.15.1b-r2", '>', "0.15.1b"},
    {"22.7-r1", '<', "22.7.3-r1"},
    {"22.7.3-r1", '>', "22.7"},
    {"22.7", '>', "2.1_pre20"},
    {"2.1_pre20", '<', "2.1_pre26"},
    {"2.10.1", '>', "02.08.01b"},
    {"1.2.07.8", '<', "1.2.12.04"},
    {"1.2.12.04", '<', "1.2.12.05"},
    {"3.81", '>', "1.6d"},
    {"1.6d", '>', "1.2.07.8"},
    {"1.07-r1", '<', "1.07.5"},
    {"1.07.5", '>', "1.07"},
    {"0.1_pre20060810", '<', "0.1_pre20060817"},
    {"3.3.17", '>', "0.59s-r11"},
    {"0.20070118", '<', "0.20070207_rc1"},
    {"0.20070207_rc1", '<', "1.0"},
    {"3.7_p1", '>', "1.3"},
    {"4.5_p1-r1", '>', "4.5_p1"},
    {"4.5_p1", '>', "0.9.8c-r1"},
    {"0.9.8c-r1", '<', "0.9.8d"},
    {"1.7", '<', "1.7b"},
    {"1.8.5", '<', "1.8.5_p2"},
    {"2.9.11_pre20051101-r3", '>', "2.9.11_pre20051101"},
    {"1.6.8_p12-r1", '>', "1.6.8_p9-r2"},
    {"0.9.28.1", '<', "087-r1"},
    {"104-r11", '>', "104-r9"},
    {"1.2.5_rc2", '>', "0.1"},
    {"2.12r-r4", '<', "2.12r-r5"},
    {"7.0.17", '<', "7.0.174"},
    {"0.3.4_pre20061029", '<', "0.4.0"},
    {"1.3-r0", '<', "1.3.1-r0"},
    {"1.3_pre1-r1", '<', "1.3.2"},
    {"1.0_p10-r0", '>', "1.0_p9-r0"},
    {"0.1.0_alpha_pre2", '<', "0.1.0_alpha"},
    {"1.0.0_pre20191002222144-r0", '<', "1.0.0_pre20210530193627-r0"},
    {"1.0_foo", '>', "1.0_bar"},
    {"1.0_bar", '<', "1.0"},
    {"1.0-x", '<', "1.0"},
    {"1.0-x", '>', "0.9"},
    {"", '<', "0"},
    {"1.0", '=', "1.0"},
    {"01", '=', "1"},
    {"1.01", '<', "1.1"},
    {"1.001", '<', "1.01"},
    {"1.0", '<', "1.0-r0"},
    {"1.0-r0", '<', "1.0-r1"},
    {"1.0-r9", '<', "1.0-r10"},
    {"1.0_p9", '<', "1.0_p10"},
    {"1.0_rc", '<', "1.0_rc0"},
    {"1.0~abc", '<', "1.0~abd"},
    {"1.0~abc", '>', "1.0_rc1"},
    {"1.0~abc-r1", '>', "1.0~abc"},
    {"1.0A", '<', "1.0"},
    {"1.0.A", '<', "1.0A"},
};

static const char *const sorted[] = {
    "0.1",     "0.9.28.1", "1.0_alpha", "1.0_alpha1", "1.0_beta", "1.0_pre1",
    "1.0_rc1", "1.0",      "1.0-r1",    "1.0_cvs1",   "1.0_svn1", "1.0_git20200101",
    "1.0_hg1", "1.0_p1",   "1.0_p2-r1", "1.0a",       "1.0b",     "1.0.1",
    "1.1",     "2.0",      "2.0-r1",    "2.0~abcd",   "2.0~abce", "10.0",
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
