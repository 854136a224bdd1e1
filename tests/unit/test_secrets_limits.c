/* Unit tests of the secret scanner's bounds on hostile content
 * (src/checks/secrets.c, secret_rules.c, core/policy_secrets.c): a rule
 * whose regex hits its PCRE2 limit or its time budget stops on that file
 * and is named (never a silent pass) while the other rules go on; every
 * built-in rule is accepted by the exponential-shape check and custom ones
 * of that shape are refused (rule set and policy); hits are de-duplicated
 * in constant time and capped per file with the rest counted; a file of a
 * keyword repeated at every byte costs bounded memory. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "checks/image_scan.h"
#include "checks/secret_rules.h"
#include "checks/secrets.h"
#include "core/policy.h"

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* A rule set of the built-in rules plus one custom rule (NULL: none). */
static ld_secret_ruleset *rules_with(const char *id, const char *regex, const char *keyword)
{
    ld_error err = LD_ERROR_INIT;
    ld_secret_ruleset *rs = ld_secret_rules_new();
    if (ld_secret_rules_add_builtin(rs, &err) < 0)
        fail_msg("built-in rules: %s", err.msg);
    if (id) {
        ld_strlist kw = {0};
        ld_strlist_push(&kw, keyword);
        ld_secret_rule_spec spec = {
            .id = id, .regex = regex, .keywords = &kw, .group = -1, .severity = LD_SEV_HIGH};
        if (ld_secret_rules_add(rs, &spec, &err) < 0)
            fail_msg("rule %s: %s", id, err.msg);
        ld_strlist_clear(&kw);
    }
    if (ld_secret_rules_compile(rs, &err) < 0)
        fail_msg("compile: %s", err.msg);
    return rs;
}

/* n bytes of 'a' then "!\n", then a GitHub token line: another rule's hit
 * after the place where the hostile rule stops. */
static char *letters_then_token(size_t n, size_t *len)
{
    static const char token[] = "GITHUB_TOKEN=ghp_aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY3z5A\n";
    char *buf = malloc(n + 2 + sizeof(token));
    assert_non_null(buf);
    memset(buf, 'a', n);
    memcpy(buf + n, "!\n", 2);
    memcpy(buf + n + 2, token, sizeof(token));
    *len = n + 2 + sizeof(token) - 1;
    return buf;
}

static const ld_secret_stopped *stopped_rule(const ld_secret_hits *h, const char *id)
{
    for (size_t i = 0; i < h->n_stopped; i++)
        if (strcmp(h->stopped[i].rule_id, id) == 0)
            return &h->stopped[i];
    return NULL;
}

static bool has_hit(const ld_secret_hits *h, const char *rule_prefix)
{
    for (size_t i = 0; i < h->n; i++)
        if (strncmp(h->v[i].rule_id, rule_prefix, strlen(rule_prefix)) == 0)
            return true;
    return false;
}

static void test_match_limit_stops_the_rule(void **state)
{
    (void)state;
    /* (a+)+$ written so the load-time check cannot see it (\p is not
     * modelled): the runtime limit is what stops it */
    ld_secret_ruleset *rs = rules_with("nested-letters", "(\\p{Ll}+)+$", "aaaa");
    size_t len = 0;
    char *buf = letters_then_token(10u << 20, &len);
    ld_secret_hits h = {0};
    ld_error err = LD_ERROR_INIT;
    double t0 = now_s();
    assert_int_equal(ld_secret_scan(rs, "/big.txt", (const uint8_t *)buf, len, &h, &err), 0);
    double took = now_s() - t0;
    const ld_secret_stopped *st = stopped_rule(&h, "nested-letters");
    assert_non_null(st);
    assert_string_equal(st->reason, "match limit");
    assert_int_equal(h.incomplete, h.n_stopped);
    assert_int_equal(h.n_stopped, 1);   /* listed once, however many windows it had left */
    assert_true(has_hit(&h, "github")); /* the other rules went on */
    if (took > 5.0)
        fail_msg("the scan took %.1f s", took);
    ld_secret_hits_clear(&h);
    free(buf);
    ld_secret_rules_free(rs);
}

static void test_time_budget_stops_a_quadratic_rule(void **state)
{
    (void)state;
    /* linear per start position, so never at the match limit on a short
     * window, but quadratic over a long line: 10 MiB of letters on one line
     * would take minutes. It stops at the match limit or at its time budget
     * (which one depends on how PCRE2 counts), in either case named. */
    ld_secret_ruleset *rs = rules_with("slow-words", "(?:\\w|-)+\\d", "aaaa");
    size_t len = 0;
    char *buf = letters_then_token(10u << 20, &len);
    ld_secret_hits h = {0};
    ld_error err = LD_ERROR_INIT;
    double t0 = now_s();
    assert_int_equal(ld_secret_scan(rs, "/big.txt", (const uint8_t *)buf, len, &h, &err), 0);
    double took = now_s() - t0;
    const ld_secret_stopped *st = stopped_rule(&h, "slow-words");
    assert_non_null(st);
    assert_true(strcmp(st->reason, "time budget") == 0 || strcmp(st->reason, "match limit") == 0);
    assert_true(has_hit(&h, "github"));
    if (took > 3.0 * SECRET_RULE_TIME_BUDGET_MS / 1000.0 + 2.0)
        fail_msg("the scan took %.1f s", took);
    ld_secret_hits_clear(&h);
    free(buf);
    ld_secret_rules_free(rs);
}

static void test_real_rules_finish_on_long_lines(void **state)
{
    (void)state;
    /* a group repeated over a whole long line (a backtracking frame or two
     * per byte) needs a deep stack: the limits are sized for the longest
     * window, so a rule like this one is not "not fully searched" on an
     * ordinary long line */
    ld_secret_ruleset *rs = rules_with("long-ids", "((?:[a-z]|\\d)+id=(?:[a-z]|\\d)+)!", "id=");
    size_t half = SECRET_LINE_MAX - 96; /* the window reaches this far either side */
    size_t n = 2 * half + 3;
    char *buf = malloc(n + 3);
    assert_non_null(buf);
    for (size_t i = 0; i < n; i++)
        buf[i] = "q7w3e9r1t5y2u8i4o6p0"[i % 20];
    memcpy(buf + half, "id=", 3);
    memcpy(buf + n, "!\n", 3);
    ld_secret_hits h = {0};
    ld_error err = LD_ERROR_INIT;
    assert_int_equal(ld_secret_scan(rs, "/ids", (const uint8_t *)buf, n + 2, &h, &err), 0);
    assert_int_equal(h.n_stopped, 0);
    assert_true(has_hit(&h, "long-ids"));
    ld_secret_hits_clear(&h);
    free(buf);
    ld_secret_rules_free(rs);
}

/* A file of distinct GitHub tokens, one a line; *count: how many. */
static char *tokens_file(size_t bytes, size_t *len, size_t *count)
{
    static const char alnum[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    char *buf = malloc(bytes + 64);
    assert_non_null(buf);
    size_t o = 0, k = 0;
    uint64_t x = 88172645463325252ull;
    while (o + 41 <= bytes) {
        memcpy(buf + o, "ghp_", 4);
        for (int i = 0; i < 36; i++) {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            buf[o + 4 + (size_t)i] = alnum[x % 62];
        }
        buf[o + 40] = '\n';
        o += 41;
        k++;
    }
    *len = o;
    *count = k;
    return buf;
}

static void test_hits_capped_per_file(void **state)
{
    (void)state;
    ld_secret_ruleset *rs = rules_with(NULL, NULL, NULL);
    size_t len = 0, count = 0;
    char *buf = tokens_file(10u << 20, &len, &count);
    ld_secret_hits h = {0};
    ld_error err = LD_ERROR_INIT;
    double t0 = now_s();
    assert_int_equal(ld_secret_scan(rs, "/tokens", (const uint8_t *)buf, len, &h, &err), 0);
    double took = now_s() - t0;
    assert_int_equal(h.n, LD_SECRET_HITS_PER_FILE);
    assert_int_equal(h.n + h.more, count); /* every token, listed or counted, once */
    assert_int_equal(h.n_unlisted, 1);
    assert_string_equal(h.unlisted[0].rule_id, "github-pat");
    assert_int_equal(h.unlisted[0].count, h.more);
    assert_int_equal(h.n_stopped, 0);
    for (size_t i = 0; i < h.n; i++) {
        assert_memory_equal(h.v[i].masked, "ghp_", 4);
        if (i > 0)
            assert_true(h.v[i].offset > h.v[i - 1].offset);
        assert_int_equal(h.v[i].line, (int)(h.v[i].offset / 41) + 1);
    }
    if (took > 5.0)
        fail_msg("the scan took %.1f s", took);

    /* a second file into the same hits has its own cap and its own lines */
    size_t len2 = 0, count2 = 0;
    char *small = tokens_file(41 * 10, &len2, &count2);
    assert_int_equal(ld_secret_scan(rs, "/few", (const uint8_t *)small, len2, &h, &err), 0);
    assert_int_equal(h.n, LD_SECRET_HITS_PER_FILE + count2);
    assert_int_equal(h.more, count - LD_SECRET_HITS_PER_FILE);
    assert_int_equal(h.n_unlisted, 1); /* the small file has nothing unlisted */
    assert_int_equal(h.v[LD_SECRET_HITS_PER_FILE].line, 1);
    ld_secret_hits_clear(&h);
    free(small);
    free(buf);
    ld_secret_rules_free(rs);
}

/* Two rules finding the same secret: the one earlier in the set names it,
 * whichever of them runs first. */
static void test_one_hit_per_secret(void **state)
{
    (void)state;
    static const char text[] = "token=ghp_aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY3z5A\n";
    for (int order = 0; order < 2; order++) {
        ld_error err = LD_ERROR_INIT;
        ld_secret_ruleset *rs = ld_secret_rules_new();
        ld_strlist k1 = {0}, k2 = {0};
        ld_strlist_push(&k1, "ghp_");
        ld_strlist_push(&k2, "token");
        ld_secret_rule_spec specific = {
            .id = "specific", .regex = "(ghp_[A-Za-z0-9]{36})", .keywords = &k1, .group = -1};
        ld_secret_rule_spec generic = {
            .id = "generic", .regex = "token=(\\S+)", .keywords = &k2, .group = -1};
        /* "token" ends before "ghp_": the generic rule runs first */
        assert_int_equal(ld_secret_rules_add(rs, order ? &generic : &specific, &err), 0);
        assert_int_equal(ld_secret_rules_add(rs, order ? &specific : &generic, &err), 0);
        assert_int_equal(ld_secret_rules_compile(rs, &err), 0);
        ld_secret_hits h = {0};
        assert_int_equal(ld_secret_scan(rs, "/env", (const uint8_t *)text, strlen(text), &h, &err),
                         0);
        assert_int_equal(h.n, 1);
        assert_string_equal(h.v[0].rule_id, order ? "generic" : "specific");
        ld_secret_hits_clear(&h);
        ld_strlist_clear(&k1);
        ld_strlist_clear(&k2);
        ld_secret_rules_free(rs);
    }
}

static void test_dense_keywords_bounded(void **state)
{
    (void)state;
    /* a keyword at every byte: the scan ends and holds the keyword hits a
     * block at a time (measured by the caller's RSS in the e2e test) */
    ld_secret_ruleset *rs = rules_with("aaaa-rule", "aaaa(\\d{8})", "aaaa");
    size_t len = 8u << 20;
    char *buf = malloc(len);
    assert_non_null(buf);
    memset(buf, 'a', len);
    memcpy(buf + len / 2, "\naaaa12345678\n", 14); /* windows end at line ends */
    ld_secret_hits h = {0};
    ld_error err = LD_ERROR_INIT;
    assert_int_equal(ld_secret_scan(rs, "/aaaa", (const uint8_t *)buf, len, &h, &err), 0);
    assert_true(has_hit(&h, "aaaa-rule"));
    ld_secret_hits_clear(&h);
    free(buf);
    ld_secret_rules_free(rs);
}

static void test_exponential_rules_refused(void **state)
{
    (void)state;
    /* every built-in rule passes the check (rules_with would fail) */
    ld_secret_ruleset *rs = rules_with(NULL, NULL, NULL);
    ld_strlist kw = {0};
    ld_strlist_push(&kw, "aaaa");
    ld_secret_rule_spec spec = {.id = "evil", .regex = "(a+)+$", .keywords = &kw, .group = -1};
    ld_error err = LD_ERROR_INIT;
    size_t before = ld_secret_rules_count(rs);
    assert_true(ld_secret_rules_add(rs, &spec, &err) < 0);
    assert_non_null(strstr(err.msg, "evil"));
    assert_non_null(strstr(err.msg, "exponential time (nested quantifier at offset 4)"));
    assert_int_equal(ld_secret_rules_count(rs), before);
    ld_strlist_clear(&kw);
    ld_secret_rules_free(rs);
}

static void expect_policy_problem(const char *text, const char *needle)
{
    ld_strlist diags = {0};
    ld_error err = LD_ERROR_INIT;
    ld_policy *p = ld_policy_parse("p.yaml", text, strlen(text), &diags, &err);
    assert_null(p);
    bool found = false;
    for (size_t i = 0; i < diags.n; i++)
        found = found || strstr(diags.v[i], needle);
    if (!found) {
        for (size_t i = 0; i < diags.n; i++)
            fprintf(stderr, "  diag: %s\n", diags.v[i]);
        fail_msg("no problem \"%s\"", needle);
    }
    ld_strlist_clear(&diags);
}

static void test_policy_refuses_exponential(void **state)
{
    (void)state;
    expect_policy_problem("version: 1\nsecrets:\n  rules:\n    - id: evil\n"
                          "      regex: '(a*)*b'\n      keywords: [aaaa]\n",
                          "p.yaml:5: regex of rule evil can take exponential time (nested "
                          "quantifier at offset 4)");
    /* the id may come after the regex */
    expect_policy_problem("version: 1\nsecrets:\n  rules:\n    - regex: '(a|a)*$'\n"
                          "      keywords: [aaaa]\n      id: later\n",
                          "p.yaml:4: regex of rule later can take exponential time "
                          "(overlapping alternatives in a repeated group at offset 5)");
    expect_policy_problem("version: 1\nsecrets:\n  allow:\n    - path: '^(/?[a-z]+)+$'\n",
                          "p.yaml:4: \"path\" of this allow rule can take exponential time");
    expect_policy_problem("version: 1\nsecrets:\n  allow:\n    - regex: '(.*)*x'\n",
                          "p.yaml:4: \"regex\" of this allow rule can take exponential time");

    /* realistic rules load, and take effect */
    const char *ok = "version: 1\n"
                     "secrets:\n"
                     "  rules:\n"
                     "    - id: acme-token\n"
                     "      regex: '(acme_[0-9a-f]{32})'\n"
                     "      keywords: [acme_]\n"
                     "    - id: internal-url\n"
                     "      regex: 'https://[^\\s:@/]+:([^\\s:@/]+)@(?:[a-z0-9-]+\\.)+[a-z]{2,}'\n"
                     "      keywords: ['https://']\n"
                     "  allow:\n"
                     "    - path: '^/usr/share/(?:doc|man)/'\n";
    ld_error err = LD_ERROR_INIT;
    ld_policy *p = ld_policy_parse("p.yaml", ok, strlen(ok), NULL, &err);
    if (!p)
        fail_msg("%s", err.msg);
    ld_secret_ruleset *rs = ld_image_scan_rules(p, &err);
    if (!rs)
        fail_msg("%s", err.msg);
    assert_non_null(rs);
    ld_secret_rules_free(rs);
    ld_policy_free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_match_limit_stops_the_rule),
        cmocka_unit_test(test_time_budget_stops_a_quadratic_rule),
        cmocka_unit_test(test_real_rules_finish_on_long_lines),
        cmocka_unit_test(test_hits_capped_per_file),
        cmocka_unit_test(test_one_hit_per_secret),
        cmocka_unit_test(test_dense_keywords_bounded),
        cmocka_unit_test(test_exponential_rules_refused),
        cmocka_unit_test(test_policy_refuses_exponential),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
