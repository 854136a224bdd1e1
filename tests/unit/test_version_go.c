/* Unit tests for the Go modules version comparator (src/vuln/version_go.c):
 * vectors from golang.org/x/mod/semver's test list, pseudo-version and
 * +incompatible rules (go.dev/ref/mod).
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

#define SCHEME LD_VER_GO

typedef struct {
    const char *a;
    char op;
    const char *b;
} vec;

static const vec vectors[] = {
    {"v1", '=', "v1.0.0"},
    {"v1.0", '=', "v1.0.0"},
    {"v1.2", '=', "v1.2.0"},
    {"v1.2.3-pre+meta", '=', "v1.2.3-pre"},
    {"v1.2.3+meta", '=', "v1.2.3"},
    {"v1.2.3+meta-pre", '=', "v1.2.3"},
    {"v1.2.3+meta-pre.sha.256a", '=', "v1.2.3"},
    {"v2.0.0+incompatible", '=', "v2.0.0"},
    {"v2.0.0+incompatible", '>', "v1.9.9"},
    {"v2.0.0+incompatible", '<', "v2.0.1"},
    {"v1.2.4-0.20191109021931-daa7c04131f5", '>', "v1.2.3"},
    {"v1.2.4-0.20191109021931-daa7c04131f5", '<', "v1.2.4"},
    {"v1.2.4-0.20191109021931-daa7c04131f5", '<', "v1.2.4-pre"},
    {"v0.0.0-20191109021931-daa7c04131f5", '<', "v0.0.1"},
    {"v0.0.0-20191109021931-daa7c04131f5", '<', "v0.0.0-20191109021932-000000000000"},
    {"v1.2.4-pre.0.20191109021931-daa7c04131f5", '>', "v1.2.4-pre"},
    {"v1.2.4-pre.0.20191109021931-daa7c04131f5", '<', "v1.2.4-pre.1"},
    {"v1.0.0-alpha", '<', "v1.0.0"},
    {"v1.0.0-1", '<', "v1.0.0-a"},
    {"v1.0.0-2", '<', "v1.0.0-10"},
    {"v1.0.0-a10", '<', "v1.0.0-a9"},
    {"v1.0.0-A", '<', "v1.0.0-a"},
    {"v1.0.0-alpha", '<', "v1.0.0-alpha.0"},
    {"v1.10.0", '>', "v1.9.0"},
    {"v1.0.10", '>', "v1.0.9"},
    {"v2.0.0", '>', "v1.99.99"},
    {"v0.0.0", '<', "v0.0.1"},
    {"v1.0.0-x.7.z.92", '>', "v1.0.0-x.7.z.9"},
    {"v1.0.0--", '<', "v1.0.0-0a"},
    {"v1.0.0-0a", '<', "v1.0.0-a"},
    {"v1.2.3-rc.1+build.5", '=', "v1.2.3-rc.1"},
    {"v1.0.0+a", '=', "v1.0.0+b"},
    {"v3.0.0-20210101000000-abcdefabcdef", '<', "v3.0.0"},
    {"v1.18.0", '<', "v1.18.1"},
    {"v0.3.0", '<', "v0.20.0"},
    {"v0.0.0-20200101000000-aaaaaaaaaaaa", '<', "v0.0.0-20200101000000-bbbbbbbbbbbb"},
    {"v1.2", '<', "v1.2.1"},
    {"v1", '<', "v1.0.1"},
    {"v1", '>', "v1.0.0-rc.1"},
    {"v2", '>', "v1.99.0"},
    {"v0.0.0-20191109021931-daa7c04131f5", '<', "v0.0.0-20191110000000-aaaaaaaaaaaa"},
    {"v0.0.0-20191110000000-aaaaaaaaaaaa", '<', "v0.0.1-alpha"},
    {"v0.0.1-alpha", '<', "v0.0.1"},
    {"v0.0.1", '<', "v0.1.0"},
    {"v0.1.0", '<', "v1.0.0-alpha"},
    {"v1.0.0-alpha", '<', "v1.0.0-alpha.1"},
    {"v1.0.0-alpha.1", '<', "v1.0.0-alpha.beta"},
    {"v1.0.0-alpha.beta", '<', "v1.0.0-beta"},
    {"v1.0.0-beta", '<', "v1.0.0-beta.2"},
    {"v1.0.0-beta.2", '<', "v1.0.0-beta.11"},
    {"v1.0.0-beta.11", '<', "v1.0.0-rc.1"},
    {"v1.0.0-rc.1", '<', "v1.0.0"},
    {"v1.0.0", '<', "v1.2.0"},
    {"v1.2.0", '<', "v1.2.3-456"},
    {"v1.2.3-456", '<', "v1.2.3-456.789"},
    {"v1.2.3-456.789", '<', "v1.2.3-456-789"},
    {"v1.2.3-456-789", '<', "v1.2.3-456a"},
    {"v1.2.3-456a", '<', "v1.2.3-pre"},
    {"v1.2.3-pre", '<', "v1.2.3-pre.1"},
    {"v1.2.3-pre.1", '<', "v1.2.3-zzz"},
    {"v1.2.3-zzz", '<', "v1.2.3"},
    {"v1.2.3", '<', "v1.2.4-0.20191109021931-daa7c04131f5"},
    {"v1.2.4-0.20191109021931-daa7c04131f5", '<', "v1.2.4-0.20200101000000-aaaaaaaaaaaa"},
    {"v1.2.4-0.20200101000000-aaaaaaaaaaaa", '<', "v1.2.4-pre"},
    {"v1.2.4-pre", '<', "v1.2.4-pre.0.20191109021931-daa7c04131f5"},
    {"v1.2.4-pre.0.20191109021931-daa7c04131f5", '<', "v1.2.4"},
    {"v1.2.4", '<', "v2.0.0+incompatible"},
    {"v2.0.0+incompatible", '<', "v2.0.1+incompatible"},
    {"v2.0.1+incompatible", '<', "v10.0.0"},
};

static const char *const sorted[] = {
    "v0.0.0-20191109021931-daa7c04131f5",
    "v0.0.0-20191110000000-aaaaaaaaaaaa",
    "v0.0.1-alpha",
    "v0.0.1",
    "v0.1.0",
    "v1.0.0-alpha",
    "v1.0.0-alpha.1",
    "v1.0.0-alpha.beta",
    "v1.0.0-beta",
    "v1.0.0-beta.2",
    "v1.0.0-beta.11",
    "v1.0.0-rc.1",
    "v1.0.0",
    "v1.2.0",
    "v1.2.3-456",
    "v1.2.3-456.789",
    "v1.2.3-456-789",
    "v1.2.3-456a",
    "v1.2.3-pre",
    "v1.2.3-pre.1",
    "v1.2.3-zzz",
    "v1.2.3",
    "v1.2.4-0.20191109021931-daa7c04131f5",
    "v1.2.4-0.20200101000000-aaaaaaaaaaaa",
    "v1.2.4-pre",
    "v1.2.4-pre.0.20191109021931-daa7c04131f5",
    "v1.2.4",
    "v2.0.0+incompatible",
    "v2.0.1+incompatible",
    "v10.0.0",
};

static const char *const invalid[] = {
    "1.2.3",    "bad",         "v1-alpha.beta.gamma",
    "v1-pre",   "v1+meta",     "v1-pre+meta",
    "v1.2-pre", "v1.2+meta",   "v1.2-pre+meta",
    "v1.2.3.4", "v01.2.3",     "v1.02.3",
    "v1.2.03",  "v1.2.3-01",   "v1.2.3-",
    "v1.2.3+",  "v1.2.3-a..b", "v",
    "",         "V1.2.3",      "v1.2.3 ",

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
        int rc = ld_version_compare(SCHEME, invalid[i], "v1.0.0", &r, &err);
        if (rc >= 0)
            fail_msg("\"%s\" accepted as a %s version", invalid[i], ld_version_scheme_name(SCHEME));
        assert_int_equal(rc, LD_ERR_INVALID);
        assert_int_equal(r, 42); /* result untouched on error */
        assert_non_null(strstr(err.msg, want));
        rc = ld_version_compare(SCHEME, "v1.0.0", invalid[i], &r, &err);
        assert_int_equal(rc, LD_ERR_INVALID);
        assert_int_equal(ld_version_validate(SCHEME, invalid[i], NULL), LD_ERR_INVALID);
    }
    assert_int_equal(ld_version_validate(SCHEME, "v1.0.0", NULL), 0);
}

static void test_hostile(void **state)
{
    (void)state;
    static char big[10 * 1024 + 1];
    memset(big, '1', sizeof big - 1);
    ld_error err = LD_ERROR_INIT;
    int r = 0;
    assert_int_equal(ld_version_compare(SCHEME, big, "v1.0.0", &r, &err), LD_ERR_LIMIT);
    assert_non_null(strstr(err.msg, "longer than 256 bytes"));
    assert_int_equal(ld_version_compare(SCHEME, "v1.0.0", big, &r, NULL), LD_ERR_LIMIT);

    /* digit runs far beyond 64 bits compare by value */
    char lo[LD_VERSION_MAX + 1], hi[LD_VERSION_MAX + 1], run9[201], run1[202];
    memset(run9, '9', 200);
    run9[200] = '\0';
    run1[0] = '1';
    memset(run1 + 1, '0', 200);
    run1[201] = '\0';
    snprintf(lo, sizeof lo, "v1.2.3-%s", run9);
    snprintf(hi, sizeof hi, "v1.2.3-%s", run1);
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
    (void)ld_version_compare(SCHEME, edge, "v1.0.0", &r, &err);

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
