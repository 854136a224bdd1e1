/* Unit tests for CVSS base scores (src/vuln/cvss.c): vectors with the base
 * scores NVD / the FIRST v3.1 calculator publish for them, Roundup edge
 * cases, and invalid vectors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "vuln/cvss.h"

static const struct {
    const char *vector;
    double score;
} known[] = {
    /* CVE-2021-44228 (Log4Shell) */
    {"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H", 10.0},
    /* CVE-2014-0160-like AV:N C:H only -> 7.5 */
    {"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N", 7.5},
    {"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 9.8},
    /* CVE-2021-23337 lodash template (GHSA-35jh-r3h4-6jhm) */
    {"CVSS:3.1/AV:N/AC:L/PR:H/UI:N/S:U/C:H/I:H/A:H", 7.2},
    /* CVE-2020-28500 lodash ReDoS (GHSA-29mw-wpgm-hmr9) */
    {"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:L", 5.3},
    /* CVE-2020-8203 lodash zipObjectDeep (GHSA-p6mc-m468-83gw) */
    {"CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:N/I:H/A:H", 7.4},
    /* CVE-2023-4911 Looney Tunables */
    {"CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H", 7.8},
    /* reflected XSS shape */
    {"CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N", 6.1},
    {"CVSS:3.1/AV:P/AC:H/PR:H/UI:R/S:U/C:L/I:N/A:N", 1.6},
    {"CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:C/C:H/I:H/A:H", 9.9},
    {"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N", 0.0},
    /* 3.0 prefix, metrics reordered, temporal metrics ignored */
    {"CVSS:3.0/S:U/AV:N/AC:L/PR:N/UI:N/C:H/I:H/A:H/E:P/RL:O", 9.8},
    {"CVSS:3.1/AV:A/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N", 6.5},
    {"CVSS:3.1/AV:L/AC:H/PR:L/UI:N/S:U/C:H/I:N/A:N", 4.7},
};

static void test_known_scores(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
        double s = -1;
        ld_error err = LD_ERROR_INIT;
        int rc = ld_cvss3_base_score(known[i].vector, &s, &err);
        if (rc != 0 || s < known[i].score - 1e-9 || s > known[i].score + 1e-9)
            fail_msg("%s: got %.1f (rc %d, %s), want %.1f", known[i].vector, s, rc, err.msg,
                     known[i].score);
    }
}

static void test_invalid(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "",
        "CVSS:2.0/AV:N",
        "AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
        "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H",     /* missing A */
        "CVSS:3.1/AV:X/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", /* bad value */
        "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:Q/C:H/I:H/A:H",
        "CVSS:3.1/////",
        "CVSS:3.1/AV:",
        "CVSS:3.1/:N",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        double s = 42;
        ld_error err = LD_ERROR_INIT;
        assert_int_equal(ld_cvss3_base_score(bad[i], &s, &err), LD_ERR_INVALID);
        assert_true(s == 42);
        assert_non_null(strstr(err.msg, "cvss vector"));
    }
    assert_int_equal(ld_cvss3_base_score(NULL, &(double){0}, NULL), LD_ERR_INVALID);
}

/* v4.0 has its own tests (test_vuln_cvss4.c); here only the prefix split */
static void test_v4_prefix(void **state)
{
    (void)state;
    double s = 0;
    assert_int_equal(
        ld_cvss4_base_score("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", &s,
                            NULL),
        0);
    assert_true(s > 9.3 - 1e-9 && s < 9.3 + 1e-9);
    assert_int_equal(ld_cvss4_base_score("CVSS:3.1/AV:N", &s, NULL), LD_ERR_INVALID);
}

static void test_rating(void **state)
{
    (void)state;
    assert_string_equal(ld_cvss_rating(0), "none");
    assert_string_equal(ld_cvss_rating(3.9), "low");
    assert_string_equal(ld_cvss_rating(4.0), "medium");
    assert_string_equal(ld_cvss_rating(7.2), "high");
    assert_string_equal(ld_cvss_rating(9.0), "critical");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_known_scores),
        cmocka_unit_test(test_invalid),
        cmocka_unit_test(test_v4_prefix),
        cmocka_unit_test(test_rating),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
