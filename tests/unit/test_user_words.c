/* Unit tests for what users type: "did you mean" (src/util/suggest.c) and
 * severity sets as Trivy users write them (ld_severity_set_parse in
 * src/core/types.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/types.h"
#include "util/suggest.h"

static void test_edit_distance(void **state)
{
    (void)state;
    assert_int_equal(ld_edit_distance("scan", "scan"), 0);
    assert_int_equal(ld_edit_distance("scna", "scan"), 1); /* a swap is one edit */
    assert_int_equal(ld_edit_distance("SCAN", "scan"), 0); /* case folded */
    assert_int_equal(ld_edit_distance("sca", "scan"), 1);
    assert_int_equal(ld_edit_distance("level", "levle"), 1);
    assert_int_equal(ld_edit_distance("", "abc"), 3);
    assert_int_equal(ld_edit_distance("kitten", "sitting"), 3);
    char longw[100];
    memset(longw, 'a', sizeof(longw) - 1);
    longw[sizeof(longw) - 1] = '\0';
    assert_true(ld_edit_distance(longw, "a") == (size_t)-1);
}

static void test_suggest(void **state)
{
    (void)state;
    static const char *const cmds[] = {"assess", "controls", "db", "docker", "dockerfile",
                                       "image", "level", "policy", "version", NULL};
    assert_string_equal(ld_suggest("imag", cmds, -1), "image");
    assert_string_equal(ld_suggest("dokcer", cmds, -1), "docker");
    assert_string_equal(ld_suggest("polcy", cmds, -1), "policy");
    assert_null(ld_suggest("frobnicate", cmds, -1));
    assert_null(ld_suggest("x", cmds, -1));      /* too short to guess */
    assert_null(ld_suggest("dbx", cmds, -1));    /* "db" is too short for 1 edit of 2 */
    assert_string_equal(ld_suggest("levle", cmds, 7), "level"); /* within the first 7 */
    assert_null(ld_suggest("versoin", cmds, 7));                /* "version" is 9th */
}

static unsigned set(const char *s, bool exact)
{
    unsigned m = 0;
    assert_int_equal(ld_severity_set_parse(s, exact, &m), 0);
    return m;
}

static void test_severity_sets(void **state)
{
    (void)state;
    const unsigned crit = LD_SEV_BIT(LD_SEV_CRITICAL), high = LD_SEV_BIT(LD_SEV_HIGH),
                   med = LD_SEV_BIT(LD_SEV_MEDIUM), low = LD_SEV_BIT(LD_SEV_LOW),
                   info = LD_SEV_BIT(LD_SEV_INFO);
    assert_int_equal(set("HIGH,CRITICAL", false), high | crit);
    assert_int_equal(set("critical,High", false), high | crit);
    assert_int_equal(set("UNKNOWN,LOW", false), info | low);
    assert_int_equal(set("medium", false), med | high | crit); /* one: it and above */
    assert_int_equal(set("medium", true), med);                /* exact when asked */
    assert_int_equal(set("medium+", true), med | high | crit);
    assert_int_equal(set("LOW,high+", false), low | high | crit);
    assert_int_equal(set("info", false), LD_SEV_ALL);
    unsigned m = 0;
    assert_int_equal(ld_severity_set_parse("", false, &m), -1);
    assert_int_equal(ld_severity_set_parse("HIGH,,LOW", false, &m), -1);
    assert_int_equal(ld_severity_set_parse("HIGH,", false, &m), -1);
    assert_int_equal(ld_severity_set_parse("extreme", false, &m), -1);
    assert_int_equal(ld_severity_set_parse("+", false, &m), -1);
    assert_int_equal(ld_severity_set_parse("criticalcriticalcritical", false, &m), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_edit_distance),
        cmocka_unit_test(test_suggest),
        cmocka_unit_test(test_severity_sets),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
