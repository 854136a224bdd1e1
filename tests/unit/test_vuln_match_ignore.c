/* Unit tests for the ignore file (src/vuln/ignore_file.c): ids, comments,
 * exp: dates, CRLF, errors with line numbers, limits. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "vuln/ignore_file.h"

static void test_parse(void **state)
{
    (void)state;
    const char *text = "# header comment\n"
                       "CVE-2023-7008\n"
                       "\n"
                       "   GHSA-35jh-r3h4-6jhm   # trailing comment\r\n"
                       "CVE-2023-45853 exp:2024-02-29\n"
                       "\tDSA-5514-1\texp:2099-01-01 # both\n"
                       "CVE-2020-8203";
    ld_ignore_list l;
    ld_error err = LD_ERROR_INIT;
    assert_int_equal(ld_ignore_parse("t", text, strlen(text), &l, &err), 0);
    assert_int_equal(l.n, 5);
    assert_string_equal(l.entries[0].id, "CVE-2023-7008");
    assert_int_equal(l.entries[0].line, 2);
    assert_null(l.entries[0].expires);
    assert_string_equal(l.entries[1].id, "GHSA-35jh-r3h4-6jhm");
    assert_string_equal(l.entries[2].expires, "2024-02-29");
    assert_string_equal(l.entries[3].id, "DSA-5514-1");
    assert_string_equal(l.entries[3].expires, "2099-01-01");
    assert_string_equal(l.entries[4].id, "CVE-2020-8203");
    assert_int_equal(l.entries[4].line, 7);
    assert_non_null(ld_ignore_find(&l, "DSA-5514-1"));
    assert_null(ld_ignore_find(&l, "CVE-2023-700"));
    assert_null(ld_ignore_find(&l, NULL));
    ld_ignore_clear(&l);
    assert_int_equal(ld_ignore_parse("e", "", 0, &l, &err), 0);
    assert_int_equal(l.n, 0);
    ld_ignore_clear(&l);
}

static void bad(const char *text, const char *want)
{
    ld_ignore_list l;
    ld_error err = LD_ERROR_INIT;
    int rc = ld_ignore_parse("f", text, strlen(text), &l, &err);
    if (rc == 0)
        fail_msg("accepted: %s", text);
    if (!strstr(err.msg, want))
        fail_msg("%s: message \"%s\" lacks \"%s\"", text, err.msg, want);
    assert_int_equal(l.n, 0);
    assert_null(l.entries);
}

static void test_errors(void **state)
{
    (void)state;
    bad("CVE-1\nCVE-2 exp:2024-13-01\n", "f:2:");
    bad("CVE-1 exp:24-01-01\n", "f:1:");
    bad("CVE-1 extra\n", "unexpected \"extra\"");
    bad("CVE-1 exp:2024-01-01 exp:2025-01-01\n", "f:1:");
    bad("CVE\"x\n", "invalid vulnerability id");
    bad("CVE-\xff\n", "invalid vulnerability id");
    char big[400];
    memset(big, 'A', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    bad(big, "longer than");
    ld_ignore_list l;
    ld_error err = LD_ERROR_INIT;
    assert_int_equal(ld_ignore_parse("n", "CVE-1\0x", 7, &l, &err), LD_ERR_INVALID);
    assert_int_equal(ld_ignore_parse("n", "x", LD_IGNORE_FILE_MAX_BYTES + 1, &l, &err),
                     LD_ERR_LIMIT);
    assert_int_equal(ld_ignore_load("/nonexistent/.lockdownignore", &l, &err), LD_ERR_NOT_FOUND);
    assert_non_null(strstr(err.msg, "/nonexistent/.lockdownignore"));
}

static void test_load(void **state)
{
    (void)state;
    ld_ignore_list l;
    ld_error err = LD_ERROR_INIT;
    int rc = ld_ignore_load(LD_SOURCE_DIR "/tests/fixtures/feeds/match/ignore-bookworm", &l, &err);
    if (rc)
        fail_msg("%s", err.msg);
    assert_int_equal(l.n, 3);
    assert_string_equal(l.entries[1].id, "CVE-2023-45853");
    assert_string_equal(l.entries[1].expires, "2020-01-31");
    assert_non_null(strstr(l.path, "ignore-bookworm"));
    ld_ignore_clear(&l);
    ld_ignore_clear(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_load),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
