/* Shared scaffolding for the per-scheme version comparator tests
 * (tests/unit/test_version_<scheme>.c): the cmp() helper, the cmocka tests every
 * scheme runs (test_vectors, test_sorted_is_strictly_increasing, test_invalid,
 * test_hostile) and main(). Include it once, after the scheme's data.
 *
 * The including file must define, before the #include:
 *   SCHEME     the ld_version_scheme under test, e.g. LD_VER_DEB.
 *   vectors[]  array of structs with members `const char *a; char op; const char *b;`
 *              (op '<', '=' or '>'), at least 40; each is checked both ways round
 *              and each side against itself.
 *   sorted[]   `const char *const` versions in strictly increasing order, at least
 *              15; every pair is compared (transitivity).
 *   invalid[]  `const char *const`, NULL-terminated, versions the scheme rejects
 *              with "invalid <scheme> version \"..."; may be just {NULL} for a
 *              scheme that accepts every string (rpm).
 * and may define:
 *   VT_VALID       a valid version of the scheme, the other operand in
 *                  test_invalid/test_hostile (default "1.0").
 *   VT_RUN_PREFIX  what precedes the 200-digit runs in test_hostile, so that
 *                  the digit run lands in a part the scheme compares numerically
 *                  (default "1.").
 *   VT_EXTRA_TESTS extra cmocka_unit_test(...) entries, each preceded by a comma,
 *                  run after the common ones; declare those functions before the
 *                  #include, define them after it (they may use cmp()). */
#ifndef LD_VERSION_TEST_COMMON_H
#define LD_VERSION_TEST_COMMON_H

#ifndef SCHEME
#error "define SCHEME, vectors[], sorted[] and invalid[] before including version_test_common.h"
#endif
#ifndef VT_VALID
#define VT_VALID "1.0"
#endif
#ifndef VT_RUN_PREFIX
#define VT_RUN_PREFIX "1."
#endif
#ifndef VT_EXTRA_TESTS
#define VT_EXTRA_TESTS
#endif

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "vuln/version.h"

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
        const char *a = vectors[i].a, *b = vectors[i].b;
        char op = vectors[i].op;
        int want = op == '<' ? -1 : op == '>' ? 1 : 0;
        int got = cmp(a, b), back = cmp(b, a);
        if (got != want || back != -want)
            fail_msg("\"%s\" %c \"%s\": got %d, reversed %d", a, op, b, got, back);
        assert_int_equal(cmp(a, a), 0);
        assert_int_equal(cmp(b, b), 0);
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
        int rc = ld_version_compare(SCHEME, invalid[i], VT_VALID, &r, &err);
        if (rc >= 0)
            fail_msg("\"%s\" accepted as a %s version", invalid[i], ld_version_scheme_name(SCHEME));
        assert_int_equal(rc, LD_ERR_INVALID);
        assert_int_equal(r, 42); /* result untouched on error */
        assert_non_null(strstr(err.msg, want));
        rc = ld_version_compare(SCHEME, VT_VALID, invalid[i], &r, &err);
        assert_int_equal(rc, LD_ERR_INVALID);
        assert_int_equal(ld_version_validate(SCHEME, invalid[i], NULL), LD_ERR_INVALID);
    }
    assert_int_equal(ld_version_validate(SCHEME, VT_VALID, NULL), 0);
}

static void test_hostile(void **state)
{
    (void)state;
    static char big[10 * 1024 + 1];
    memset(big, '1', sizeof big - 1);
    ld_error err = LD_ERROR_INIT;
    int r = 0;
    assert_int_equal(ld_version_compare(SCHEME, big, VT_VALID, &r, &err), LD_ERR_LIMIT);
    assert_non_null(strstr(err.msg, "longer than 256 bytes"));
    assert_int_equal(ld_version_compare(SCHEME, VT_VALID, big, &r, NULL), LD_ERR_LIMIT);

    /* digit runs far beyond 64 bits compare by value */
    char lo[LD_VERSION_MAX + 1], hi[LD_VERSION_MAX + 1], run9[201], run1[202];
    memset(run9, '9', 200);
    run9[200] = '\0';
    run1[0] = '1';
    memset(run1 + 1, '0', 200);
    run1[201] = '\0';
    snprintf(lo, sizeof lo, VT_RUN_PREFIX "%s", run9);
    snprintf(hi, sizeof hi, VT_RUN_PREFIX "%s", run1);
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
    (void)ld_version_compare(SCHEME, edge, VT_VALID, &r, &err);

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
        cmocka_unit_test(test_hostile) VT_EXTRA_TESTS,
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

#endif /* LD_VERSION_TEST_COMMON_H */
