/* Unit tests for the AWS version data reader (aws/aws_versions.c): the
 * compiled-in data/aws-versions.yaml parsed in full and its facts spot
 * checked against the AWS pages it cites; lookups by the forms EKS and ECS
 * print ("1.31", "v1.31.4", "1.31.4-eks-..."; WINDOWS_SERVER_2022_CORE);
 * and malformed or hostile data files refused with the line named. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "aws/aws_versions.h"

static time_t midnight(const char *ymd)
{
    struct tm tm = {0};
    if (!strptime(ymd, "%Y-%m-%d", &tm))
        fail_msg("bad test date %s", ymd);
    return timegm(&tm);
}

static void test_builtin(void **state)
{
    (void)state;
    ld_error err = LD_ERROR_INIT;
    const ld_aws_versions *v = ld_aws_versions_builtin(&err);
    if (!v)
        fail_msg("built-in data: %s", err.msg);
    assert_ptr_equal(v, ld_aws_versions_builtin(&err)); /* parsed once */
    assert_int_equal(v->written, midnight("2026-12-04"));
    assert_int_equal(v->eks_as_of, midnight("2026-02-14"));
    assert_true(v->n_eks >= 8);
    const ld_eks_version *e = ld_aws_eks_version(v, "1.31");
    assert_non_null(e);
    assert_string_equal(e->version, "1.31");
    assert_int_equal(e->released, midnight("2024-09-26"));
    assert_int_equal(e->end_standard, midnight("2025-11-26"));
    assert_int_equal(e->end_extended, midnight("2026-11-26"));
    e = ld_aws_eks_version(v, "1.34");
    assert_non_null(e);
    assert_int_equal(e->end_standard, midnight("2026-12-02"));
    assert_int_equal(e->end_extended, midnight("2027-12-02"));
    /* every version: 14 months of standard support (the data file's dates,
     * checked for typos: 13 to 15 months), then 12 months extended */
    for (size_t i = 0; i < v->n_eks; i++) {
        const ld_eks_version *x = &v->eks[i];
        double std_days = difftime(x->end_standard, x->released) / 86400;
        double ext_days = difftime(x->end_extended, x->end_standard) / 86400;
        if (std_days < 395 || std_days > 460 || ext_days < 364 || ext_days > 367)
            fail_msg("%s: %.0f days of standard, %.0f of extended support", x->version, std_days,
                     ext_days);
    }
    const ld_fargate_platform *p = ld_aws_fargate_platform(v, NULL);
    assert_non_null(p);
    assert_string_equal(p->os_family, "LINUX");
    assert_string_equal(p->current, "1.4.0");
    assert_string_equal(p->deprecated, "1.3.0,1.2.0,1.1.0,1.0.0");
    p = ld_aws_fargate_platform(v, "WINDOWS_SERVER_2022_CORE");
    assert_non_null(p);
    assert_string_equal(p->current, "1.0.0");
    assert_null(p->deprecated);
    assert_null(ld_aws_fargate_platform(v, "MACOS"));
}

static void test_lookup_forms(void **state)
{
    (void)state;
    ld_error err = LD_ERROR_INIT;
    const ld_aws_versions *v = ld_aws_versions_builtin(&err);
    assert_non_null(v);
    static const char *const same[] = {"1.30", "v1.30", "1.30.14", "v1.30.2-eks-bc803b4", "1.30+"};
    for (size_t i = 0; i < sizeof(same) / sizeof(same[0]); i++) {
        const ld_eks_version *e = ld_aws_eks_version(v, same[i]);
        if (!e || strcmp(e->version, "1.30") != 0)
            fail_msg("\"%s\" did not find 1.30", same[i]);
    }
    static const char *const none[] = {"1.3",   "1.300", "1", "",       "x1.30",
                                       "1.30x", "1.99",  "v", "01.30.", "99999.1"};
    for (size_t i = 0; i < sizeof(none) / sizeof(none[0]); i++)
        if (ld_aws_eks_version(v, none[i]))
            fail_msg("\"%s\" found a version", none[i]);
    assert_null(ld_aws_eks_version(v, NULL));
    assert_null(ld_aws_eks_version(NULL, "1.30"));
}

#define GOOD_FARGATE                                                                               \
    "fargate:\n  as-of: 2026-01-01\n  platforms:\n    - os-family: LINUX\n      current: 1.4.0\n"

static void test_parse_small(void **state)
{
    (void)state;
    const char *text = "written: 2026-02-01\n"
                       "eks:\n  as-of: 2026-01-15\n  versions:\n"
                       "    - version: \"1.40\"\n      end-standard: 2027-01-01\n"
                       "      end-extended: 2028-01-01\n" GOOD_FARGATE;
    ld_error err = LD_ERROR_INIT;
    ld_aws_versions *v = ld_aws_versions_parse("t.yaml", text, strlen(text), &err);
    if (!v)
        fail_msg("%s", err.msg);
    assert_int_equal(v->n_eks, 1);
    assert_int_equal(v->eks[0].released, 0); /* optional: not known */
    assert_int_equal(v->n_fargate, 1);
    assert_null(v->fargate[0].deprecated);
    ld_aws_versions_free(v);
}

static void test_refused(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        const char *why;
    } cases[] = {
        {"", "\"written\" must be a date"},
        {"- a\n- b\n", "expected a map"},
        {"written: 2026-02-30\n", "\"written\" must be a date"},
        {"written: 2026-02-01\nextra: 1\n", "unknown key \"extra\""},
        {"written: 2026-02-01\n" GOOD_FARGATE, "\"eks\" must be a map"},
        {"written: 2026-02-01\neks:\n  as-of: 2026-01-01\n  versions: []\n" GOOD_FARGATE,
         "non-empty list"},
        {"written: 2026-02-01\neks:\n  as-of: 2026-01-01\n  versions:\n    - version: 1.4\n"
         "      end-standard: 2027-01-01\n      end-extended: 2028-01-01\n" GOOD_FARGATE,
         "MAJOR.MINOR"},
        {"written: 2026-02-01\neks:\n  as-of: 2026-01-01\n  versions:\n    - version: \"1.40\"\n"
         "      end-standard: 2028-01-01\n      end-extended: 2027-01-01\n" GOOD_FARGATE,
         "dates out of order"},
        {"written: 2026-02-01\neks:\n  as-of: 2026-01-01\n  versions:\n    - version: \"1.40\"\n"
         "      end-standard: 2027-01-01\n" GOOD_FARGATE,
         "\"end-extended\" must be a date"},
        {"written: 2026-02-01\neks:\n  as-of: 2026-01-01\n  versions:\n    - version: \"1.40\"\n"
         "      end-standard: 2027-01-01\n      end-extended: 2028-01-01\n"
         "      end-standrd: 2027-01-01\n" GOOD_FARGATE,
         "unknown key \"end-standrd\""},
        {"written: 2026-02-01\neks:\n  as-of: 2026-01-01\n  versions:\n    - version: \"1.40\"\n"
         "      end-standard: 2027-01-01\n      end-extended: 2028-01-01\n"
         "    - version: \"1.40\"\n      end-standard: 2027-01-01\n      end-extended: "
         "2028-01-01\n" GOOD_FARGATE,
         "listed twice"},
        {"written: 2026-02-01\neks:\n  as-of: 2026-03-01\n  versions:\n    - version: \"1.40\"\n"
         "      end-standard: 2027-01-01\n      end-extended: 2028-01-01\n" GOOD_FARGATE,
         "later than \"written\""},
        {"written: 2026-02-01\neks:\n  as-of: 2026-01-01\n  versions:\n    - version: \"1.40\"\n"
         "      end-standard: 2027-01-01\n      end-extended: 2028-01-01\n"
         "fargate:\n  as-of: 2026-01-01\n  platforms:\n    - os-family: LINUX\n"
         "      current: latest\n",
         "\"current\" must be a platform version"},
        {"written: 2026-02-01\neks:\n  as-of: 2026-01-01\n  versions:\n    - version: \"1.40\"\n"
         "      end-standard: 2027-01-01\n      end-extended: 2028-01-01\n"
         "fargate:\n  as-of: 2026-01-01\n  platforms:\n    - os-family: LINUX\n"
         "      current: 1.4.0\n      deprecated: [1.3.0, \"1.3.0,9.9.9\"]\n",
         "entries must be X.Y.Z"},
        {"written: 2026-02-01\neks:\n  as-of: 2026-01-01\n  versions:\n    - version: \"1.40\"\n"
         "      end-standard: 2027-01-01\n      end-extended: 2028-01-01\n"
         "fargate:\n  as-of: 2026-01-01\n  platforms:\n    - os-family: BEOS\n"
         "      current: 1.4.0\n",
         "LINUX or WINDOWS_SERVER"},
        {"written: &a 2026-02-01\nx: *a\n", ""}, /* aliases: refused by the strict reader */
        {"written: 2026-02-01\n---\nwritten: 2026-02-01\n", ""}, /* a second document */
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        ld_error err = LD_ERROR_INIT;
        ld_aws_versions *v =
            ld_aws_versions_parse("bad.yaml", cases[i].text, strlen(cases[i].text), &err);
        if (v)
            fail_msg("case %zu was accepted", i);
        if (!strstr(err.msg, "bad.yaml") || !strstr(err.msg, cases[i].why))
            fail_msg("case %zu: expected \"%s\", got \"%s\"", i, cases[i].why, err.msg);
    }
}

static void test_limits(void **state)
{
    (void)state;
    /* more versions than the reader keeps: an error, not a truncation */
    size_t cap = 64 * 1024;
    char *text = malloc(cap);
    assert_non_null(text);
    size_t n = (size_t)snprintf(text, cap,
                                "written: 2026-02-01\neks:\n  as-of: 2026-01-01\n"
                                "  versions:\n");
    for (int i = 0; i < 300; i++)
        n += (size_t)snprintf(text + n, cap - n,
                              "    - {version: \"1.%d\", end-standard: 2027-01-01, "
                              "end-extended: 2028-01-01}\n",
                              i);
    snprintf(text + n, cap - n, GOOD_FARGATE);
    ld_error err = LD_ERROR_INIT;
    assert_null(ld_aws_versions_parse("big.yaml", text, strlen(text), &err));
    assert_non_null(strstr(err.msg, "too many EKS versions"));
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_builtin),     cmocka_unit_test(test_lookup_forms),
        cmocka_unit_test(test_parse_small), cmocka_unit_test(test_refused),
        cmocka_unit_test(test_limits),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
