/* Unit tests for the one YYYY-MM-DD parser (src/util/date.c) and its two
 * users: the policy (exception/attestation expiry) and the ignore file
 * (exp:DATE) accept and refuse the same dates — an impossible day
 * (2023-02-31, 2023-04-31, 2100-02-29) is refused by both, a real leap day
 * (2024-02-29, 2000-02-29) accepted by both. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/policy.h"
#include "util/date.h"
#include "util/strlist.h"
#include "vuln/ignore_file.h"

static ld_date_result parse(const char *s)
{
    int y = 0, m = 0, d = 0;
    return ld_date_parse(s, strlen(s), &y, &m, &d);
}

static void test_parse(void **state)
{
    (void)state;
    assert_int_equal(parse("2026-06-30"), LD_DATE_OK);
    assert_int_equal(parse("2024-02-29"), LD_DATE_OK);
    assert_int_equal(parse("2000-02-29"), LD_DATE_OK);
    assert_int_equal(parse("1900-01-01"), LD_DATE_OK);
    assert_int_equal(parse("9999-12-31"), LD_DATE_OK);
    assert_int_equal(parse("2023-02-29"), LD_DATE_RANGE);
    assert_int_equal(parse("2023-02-31"), LD_DATE_RANGE);
    assert_int_equal(parse("2023-04-31"), LD_DATE_RANGE);
    assert_int_equal(parse("2100-02-29"), LD_DATE_RANGE);
    assert_int_equal(parse("2023-13-01"), LD_DATE_RANGE);
    assert_int_equal(parse("2023-00-10"), LD_DATE_RANGE);
    assert_int_equal(parse("2023-01-00"), LD_DATE_RANGE);
    assert_int_equal(parse("1899-12-31"), LD_DATE_RANGE);
    assert_int_equal(parse("2023-1-01"), LD_DATE_FORMAT);
    assert_int_equal(parse("2023-01-01 "), LD_DATE_FORMAT);
    assert_int_equal(parse("2023/01/01"), LD_DATE_FORMAT);
    assert_int_equal(parse("+023-01-01"), LD_DATE_FORMAT);
    assert_int_equal(parse(""), LD_DATE_FORMAT);
    int y, m, d;
    assert_int_equal(ld_date_parse(NULL, 10, &y, &m, &d), LD_DATE_FORMAT);
    /* only len bytes are read: a date inside a longer line */
    assert_int_equal(ld_date_parse("2026-06-30 # why", 10, &y, &m, &d), LD_DATE_OK);
    assert_int_equal(y * 10000 + m * 100 + d, 20260630);
    assert_int_equal(ld_date_days_in_month(2024, 2), 29);
    assert_int_equal(ld_date_days_in_month(1900, 2), 28);
    assert_int_equal(ld_date_days_in_month(2023, 12), 31);
}

/* Whether the ignore file accepts "CVE-1 exp:DATE". */
static bool ignore_accepts(const char *date, char *msg, size_t msglen)
{
    char line[64];
    snprintf(line, sizeof(line), "CVE-2024-1 exp:%s\n", date);
    ld_ignore_list l;
    ld_error err = LD_ERROR_INIT;
    int rc = ld_ignore_parse(".lockdownignore", line, strlen(line), &l, &err);
    snprintf(msg, msglen, "%.400s", rc == 0 ? "" : err.msg);
    ld_ignore_clear(&l);
    return rc == 0;
}

/* Whether a policy with an exception expiring on DATE loads. */
static bool policy_accepts(const char *date)
{
    char text[256];
    snprintf(text, sizeof(text),
             "version: 1\nexceptions:\n  - id: CVE-2024-1\n    reason: not reachable\n"
             "    expires: %s\n",
             date);
    ld_strlist diags = {0};
    ld_error err = LD_ERROR_INIT;
    ld_policy *p = ld_policy_parse("policy.yaml", text, strlen(text), &diags, &err);
    bool ok = p != NULL;
    ld_policy_free(p);
    ld_strlist_clear(&diags);
    return ok;
}

static void test_policy_and_ignore_agree(void **state)
{
    (void)state;
    static const char *const dates[] = {"2026-06-30", "2024-02-29", "2000-02-29", "2023-02-31",
                                        "2023-02-29", "2023-04-31", "2100-02-29", "2023-13-01",
                                        "2023-00-10", "1899-12-31", "2023-1-01",  "20230101"};
    size_t accepted = 0;
    for (size_t i = 0; i < sizeof(dates) / sizeof(dates[0]); i++) {
        char msg[512];
        bool by_ignore = ignore_accepts(dates[i], msg, sizeof(msg));
        bool by_policy = policy_accepts(dates[i]);
        if (by_ignore != by_policy)
            fail_msg("%s: policy %s it, the ignore file %s it (%s)", dates[i],
                     by_policy ? "accepts" : "refuses", by_ignore ? "accepts" : "refuses", msg);
        accepted += by_ignore;
    }
    assert_int_equal(accepted, 3);
    char msg[512];
    assert_false(ignore_accepts("2023-02-31", msg, sizeof(msg)));
    assert_non_null(strstr(msg, ".lockdownignore:1: exp:2023-02-31 is not a real date"));
    assert_non_null(strstr(msg, "2023-02 has 28 days"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse),
        cmocka_unit_test(test_policy_and_ignore_agree),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
