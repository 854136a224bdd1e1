/* Unit tests of the policy's secrets section (src/core/policy.c): custom
 * rules, allow rules, max-file-bytes and skip-binary parse strictly (unknown
 * keys, bad regexes, missing keywords, duplicates are problems with line
 * numbers), and a parsed policy's rules take effect in the scanner's rule
 * set (src/checks/image_scan.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "checks/image_scan.h"
#include "checks/secrets.h"
#include "core/policy.h"

static ld_policy *parse(const char *text, ld_strlist *diags, ld_error *err)
{
    return ld_policy_parse("p.yaml", text, strlen(text), diags, err);
}

static void test_full_section(void **state)
{
    (void)state;
    const char *text = "version: 1\n"
                       "secrets:\n"
                       "  max-file-bytes: 2048\n"
                       "  skip-binary: false\n"
                       "  rules:\n"
                       "    - id: acme-token\n"
                       "      description: ACME internal token\n"
                       "      regex: '(acme_[0-9a-f]{32})'\n"
                       "      keywords: [acme_]\n"
                       "      severity: critical\n"
                       "  allow:\n"
                       "    - id: acme-token\n"
                       "      regex: '^acme_0{32}$'\n"
                       "    - path: '^/opt/fixtures/'\n";
    ld_error err = LD_ERROR_INIT;
    ld_policy *p = parse(text, NULL, &err);
    if (!p)
        fail_msg("%s", err.msg);
    assert_int_equal(p->secret_max_bytes, 2048);
    assert_true(p->has_secret_skip_binary);
    assert_false(p->secret_skip_binary);
    assert_int_equal(p->n_secret_rules, 1);
    assert_string_equal(p->secret_rules[0].id, "acme-token");
    assert_int_equal(p->secret_rules[0].severity, LD_SEV_CRITICAL);
    assert_int_equal(p->secret_rules[0].line, 6);
    assert_int_equal(p->n_secret_allow, 2);
    assert_null(p->secret_allow[1].id);

    /* the rules take effect */
    ld_secret_ruleset *rs = ld_image_scan_rules(p, &err);
    assert_non_null(rs);
    const char *t = "a=acme_0123456789abcdef0123456789abcdef\nb=acme_00000000000000000000000000000000\n";
    ld_secret_hits h = {0};
    assert_int_equal(ld_secret_scan(rs, "/app/x", (const uint8_t *)t, strlen(t), &h, &err), 0);
    assert_int_equal(h.n, 1);
    assert_string_equal(h.v[0].rule_id, "acme-token");
    assert_int_equal(h.v[0].severity, LD_SEV_CRITICAL);
    ld_secret_hits_clear(&h);
    assert_int_equal(ld_secret_scan(rs, "/opt/fixtures/x", (const uint8_t *)t, strlen(t), &h, &err),
                     0);
    assert_int_equal(h.n, 0);
    ld_secret_rules_free(rs);
    ld_policy_free(p);
}

static void expect_problem(const char *text, const char *needle)
{
    ld_strlist diags = {0};
    ld_error err = LD_ERROR_INIT;
    ld_policy *p = parse(text, &diags, &err);
    assert_null(p);
    bool found = false;
    for (size_t i = 0; i < diags.n; i++)
        found = found || strstr(diags.v[i], needle);
    if (!found) {
        for (size_t i = 0; i < diags.n; i++)
            fprintf(stderr, "  diag: %s\n", diags.v[i]);
        fail_msg("no problem mentioning \"%s\"", needle);
    }
    ld_strlist_clear(&diags);
}

static void test_strict(void **state)
{
    (void)state;
    expect_problem("version: 1\nsecrets:\n  rulez: []\n", "p.yaml:3: unknown key \"rulez\"");
    expect_problem("version: 1\nsecrets:\n  rules:\n    - id: x\n      regex: '(unclosed'\n"
                   "      keywords: [x]\n",
                   "p.yaml:5: \"regex\" \"(unclosed\" is not a valid regular expression");
    expect_problem("version: 1\nsecrets:\n  rules:\n    - id: x\n      regex: 'x'\n",
                   "needs \"keywords\"");
    expect_problem("version: 1\nsecrets:\n  rules:\n    - regex: 'x'\n      keywords: [x]\n",
                   "needs an \"id\"");
    expect_problem("version: 1\nsecrets:\n  rules:\n    - id: Bad Id\n      regex: 'x'\n"
                   "      keywords: [x]\n",
                   "lowercase");
    expect_problem("version: 1\nsecrets:\n  rules:\n"
                   "    - {id: a, regex: 'x', keywords: [x]}\n"
                   "    - {id: a, regex: 'y', keywords: [y]}\n",
                   "used twice");
    expect_problem("version: 1\nsecrets:\n  rules:\n    - {id: a, regex: 'x', keywords: [x], "
                   "severity: severe}\n",
                   "invalid severity");
    expect_problem("version: 1\nsecrets:\n  rules:\n    - {id: a, regex: 'x', keywords: []}\n",
                   "list of 1 to");
    expect_problem("version: 1\nsecrets:\n  allow:\n    - id: a\n", "needs a \"path\" or a \"regex\"");
    expect_problem("version: 1\nsecrets:\n  allow:\n    - {path: '[z-a]'}\n",
                   "not a valid regular expression");
    expect_problem("version: 1\nsecrets:\n  max-file-bytes: 0\n", "max-file-bytes");
    expect_problem("version: 1\nsecrets:\n  max-file-bytes: 99999999999999999999999\n",
                   "max-file-bytes");
    expect_problem("version: 1\nsecrets:\n  max-file-bytes: 10MB\n", "max-file-bytes");
    expect_problem("version: 1\nsecrets:\n  skip-binary: maybe\n", "skip-binary");
    expect_problem("version: 1\nsecrets: [1]\n", "\"secrets\" must be");
}

static void test_default_policy_has_no_secrets_section(void **state)
{
    (void)state;
    ld_error err = LD_ERROR_INIT;
    ld_policy *p = ld_policy_default(&err);
    assert_non_null(p);
    assert_int_equal(p->n_secret_rules, 0);
    assert_int_equal(p->secret_max_bytes, 0);
    ld_policy_free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_full_section),
        cmocka_unit_test(test_strict),
        cmocka_unit_test(test_default_policy_has_no_secrets_section),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
