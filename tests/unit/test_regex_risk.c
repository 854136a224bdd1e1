/* Unit tests of the exponential-regex recogniser (src/util/regex_risk.c):
 * the catastrophic shapes are refused with the offset of the repeat that
 * nests, and realistic secret rules (and every built-in one, checked where
 * the rule set is built: test_secrets_limits.c) are accepted. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "util/regex_risk.h"

/* The offset expected is where marker (the outer quantifier and what
 * follows it) first occurs in the pattern. */
static void expect_refused(const char *re, const char *marker, const char *what)
{
    ld_regex_risk why = {0};
    if (!ld_regex_exponential(re, &why))
        fail_msg("not refused: %s", re);
    const char *at = strstr(re, marker);
    assert_non_null(at);
    if (why.offset != (size_t)(at - re))
        fail_msg("%s: offset %zu, expected %zu (%s)", re, why.offset, (size_t)(at - re), marker);
    assert_non_null(why.what);
    if (!strstr(why.what, what))
        fail_msg("%s: \"%s\", expected \"%s\"", re, why.what, what);
}

static void expect_accepted(const char *re)
{
    ld_regex_risk why = {0};
    if (ld_regex_exponential(re, &why))
        fail_msg("refused: %s (%s at offset %zu)", re, why.what, why.offset);
}

static void test_catastrophic_refused(void **state)
{
    (void)state;
    expect_refused("(a+)+$", "+$", "nested quantifier");
    expect_refused("(a*)*b", "*b", "nested quantifier");
    expect_refused("(.*)*$", "*$", "nested quantifier");
    expect_refused("(a|a)*$", "*$", "overlapping alternatives");
    expect_refused("(a|aa)*c", "*c", "overlapping alternatives");
    expect_refused("(\\d|\\w)+$", "+$", "overlapping alternatives");
    expect_refused("(\\w+\\s?)+$", "+$", "nested quantifier");
    expect_refused("(?:[a-z]+\\s*)+=", "+=", "nested quantifier");
    expect_refused("(x+x+)+y", "+y", "adjacent quantifiers");
    expect_refused("(\\w+\\d+)+$", "+$", "adjacent quantifiers");
    expect_refused("(a{1,3})+$", "+$", "nested quantifier");
    expect_refused("(.*a)*$", "*$", "nested quantifier");
    /* the classic CSV field and string-literal mistakes */
    expect_refused("(?:\"[^\"]*\"|[^,]*)*$", "*$", "overlapping alternatives");
    expect_refused("\"(?:\\\\.|[^\"])*\"", "*\"", "overlapping alternatives");
    /* the outer repeat is reported when two nest */
    expect_refused("((a+)+)*$", "*$", "nested quantifier");
    /* syntax around it: options, names, comments, classes, escapes */
    expect_refused("(?i)(A+a+)+$", "+$", "adjacent quantifiers");
    expect_refused("(?i:(a+)+)$", "+)$", "nested quantifier");
    expect_refused("(?x) ( a + ) + $  # spaced out", "+ $", "nested quantifier");
    expect_refused("(?<name>a+)+$", "+$", "nested quantifier");
    expect_refused("(?P<name>a+)+$", "+$", "nested quantifier");
    expect_refused("(?'name'a+)+$", "+$", "nested quantifier");
    expect_refused("(?#note)(a+)+$", "+$", "nested quantifier");
    expect_refused("([[:alpha:]]+\\s?)+$", "+$", "nested quantifier");
    expect_refused("([\\x41-\\x5a]+a?)+$", "+$", "nested quantifier");
    expect_refused("(?s)(.*\\n)*x", "*x", "nested quantifier");
    expect_refused("(a+){10}$", "{10}", "nested quantifier");
    /* inside a lookahead or an atomic group, their own tail fails */
    expect_refused("(?=(a+)+$)", "+$", "nested quantifier");
    expect_refused("(?>(a+)+b)", "+b", "nested quantifier");
}

static void test_realistic_rules_accepted(void **state)
{
    (void)state;
    static const char *const rules[] = {
        "(acme_[0-9a-f]{32})",
        "(AKIA[0-9A-Z]{16})",
        "(xox[baprs]-[0-9]{10,13}-[0-9]{10,13}-[A-Za-z0-9-]{24,34})",
        "eyJ[A-Za-z0-9_-]+\\.eyJ[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+",
        "(?i)\\b(?:api[_-]?key|token)[\"']?\\s*(?::=|=|:)\\s*[\"']([A-Za-z0-9_+/"
        "=.~-]{16,128})[\"']",
        "-----BEGIN RSA PRIVATE "
        "KEY-----\\s*(?:[A-Za-z-]+:[^\\n]*\\n\\s*)*([A-Za-z0-9+/=\\s\\\\]{64,})",
        "(?i)(?:https?|ftp)://[^\\s:@/]+:([^\\s:@/]+)@[^\\s/]+",
        "mongodb(?:\\+srv)?://[^:\\s]+:([^@\\s]+)@",
        "(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]{2,}",
        "^(\\w+\\.)*\\w+$",
        "([a-z0-9]+(-[a-z0-9]+)*)",
        "[\\w.+-]+@[\\w-]+\\.[\\w.-]+",
        "(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?",
        "(?:(?:25[0-5]|2[0-4]\\d|1?\\d?\\d)\\.){3}(?:25[0-5]|2[0-4]\\d|1?\\d?\\d)",
        "\"(?:\\\\.|[^\"\\\\])*\"",
        "(?:[0-9a-f]{2}:?)+$",
        "(?:key|secret)\\s*=\\s*\"([^\"]{8,})\"",
        "(?x) acme_ ( [0-9a-f]{32} )  # the token",
        "(?:\\.[a-z]+|-[a-z]+)*$",
        "(?:.*\\n)*x",
        "(?:[^,]*,)*x",
    };
    for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++)
        expect_accepted(rules[i]);
}

static void test_safe_shapes_accepted(void **state)
{
    (void)state;
    expect_accepted("(a+)+");      /* nothing after it can fail: the first try matches */
    expect_accepted("(a+)++$");    /* a possessive outer repeat never re-splits */
    expect_accepted("(a++)+$");    /* nor does an inner one */
    expect_accepted("((?>a+))+$"); /* nor an atomic group */
    expect_accepted("(?:a|ab)*c"); /* one way to read any text */
    expect_accepted("(a\\d+|b\\d+)+$");
    expect_accepted("(?:[a-z]|\\d)+!");
    expect_accepted("(a+){2,9}$"); /* a small bounded repeat: the match limit's business */
    expect_accepted("\\w+\\d");    /* quadratic, not exponential: the time budget's */
    expect_accepted("(?:ab)+(?:cd)+$");
    /* what it does not model is not refused */
    expect_accepted("(\\p{Ll}+)+$");
    expect_accepted("(a)(?:\\1+)+$");
    expect_accepted("(*UTF)(a+)+$");
    expect_accepted(NULL);
    expect_accepted("");
}

static void test_hostile_patterns_end(void **state)
{
    (void)state;
    /* deep nesting past the limit, long alternations, many repeats: each
     * answered (either way) without blowing up */
    size_t n = 4096;
    char *re = malloc(n + 1);
    assert_non_null(re);
    size_t o = 0;
    while (o + 8 < n / 2)
        o += (size_t)snprintf(re + o, n - o, "(?:");
    re[o++] = 'a';
    while (o + 3 < n) {
        memcpy(re + o, ")*", 2);
        o += 2;
    }
    re[o] = '\0';
    (void)ld_regex_exponential(re, NULL);
    o = 0;
    re[o++] = '(';
    while (o + 8 < n) {
        memcpy(re + o, "a*b|", 4);
        o += 4;
    }
    memcpy(re + o, "c)+$", 5);
    (void)ld_regex_exponential(re, NULL);
    free(re);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_catastrophic_refused),
        cmocka_unit_test(test_realistic_rules_accepted),
        cmocka_unit_test(test_safe_shapes_accepted),
        cmocka_unit_test(test_hostile_patterns_end),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
