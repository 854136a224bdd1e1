/* Unit tests for the controls catalog: the built-in data/controls.yaml covers
 * every NIST SP 800-190 key of shared/guide/800-190-recommendations.md, and
 * the loader rejects malformed catalogs with line numbers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "core/catalog.h"

/* The 40 recommendation keys the catalog must carry (the spec, not the data). */
static const char *const keys[] = {
    "IMG-01", "IMG-02", "IMG-03", "IMG-04", "IMG-05", "IMG-06", "IMG-07", "IMG-08",
    "IMG-09", "IMG-10", "IMG-11", "IMG-12", "REG-01", "REG-02", "REG-03", "REG-04",
    "REG-05", "ORC-01", "ORC-02", "ORC-03", "ORC-04", "ORC-05", "ORC-06", "ORC-07",
    "ORC-08", "ORC-09", "CTR-01", "CTR-02", "CTR-03", "CTR-04", "CTR-05", "CTR-06",
    "CTR-07", "CTR-08", "CTR-09", "HOST-01", "HOST-02", "HOST-03", "HOST-04", "HOST-05",
};

static ld_catalog *builtin(void)
{
    ld_error err = LD_ERROR_INIT;
    ld_catalog *cat = ld_catalog_load_builtin(&err);
    if (!cat)
        fail_msg("%s", err.msg);
    return cat;
}

static void test_every_key_has_a_nist_control(void **state)
{
    (void)state;
    ld_catalog *cat = builtin();
    assert_int_equal(sizeof(keys) / sizeof(keys[0]), 40);
    for (size_t k = 0; k < 40; k++) {
        bool found = false;
        for (size_t i = 0; i < cat->n && !found; i++)
            found = cat->controls[i].framework == LD_FW_NIST_800_190 &&
                    ld_control_has_ref(&cat->controls[i], keys[k]);
        if (!found)
            fail_msg("no NIST control carries %s", keys[k]);
    }
    ld_catalog_free(cat);
}

static void test_nist_sections_well_formed(void **state)
{
    (void)state;
    ld_catalog *cat = builtin();
    for (size_t i = 0; i < cat->n; i++) {
        const ld_control *c = &cat->controls[i];
        const char *s = c->nist;
        if (strncmp(s, "4.", 2) != 0 || s[2] < '1' || s[2] > '5' || s[3] != '.' || s[4] < '1' ||
            s[4] > '5' || s[5] != '\0')
            fail_msg("%s: nist section \"%s\" is not 4.1.1 .. 4.5.5", c->id, s);
    }
    ld_catalog_free(cat);
}

static void test_cis_controls_linked(void **state)
{
    (void)state;
    ld_catalog *cat = builtin();
    size_t cis = 0;
    for (size_t i = 0; i < cat->n; i++) {
        const ld_control *c = &cat->controls[i];
        if (c->framework != LD_FW_CIS_DOCKER_16)
            continue;
        cis++;
        assert_true(c->refs.n > 0);
        assert_int_equal(c->cis.n, 1);
        char want[64];
        snprintf(want, sizeof(want), "CIS-DOCKER-%s", c->cis.v[0]);
        assert_string_equal(c->id, want);
    }
    /* CIS Docker Benchmark v1.6 has over 100 recommendations */
    assert_true(cis >= 100);
    assert_non_null(ld_catalog_find(cat, "CIS-DOCKER-5.4"));
    assert_non_null(ld_catalog_find(cat, "CIS-DOCKER-1.1.1"));
    assert_non_null(ld_catalog_find(cat, "CIS-DOCKER-7.1"));
    ld_catalog_free(cat);
}

static void test_levels_and_tiers_spread(void **state)
{
    (void)state;
    ld_catalog *cat = builtin();
    size_t per_level[LD_LEVEL_COUNT] = {0}, per_tier[LD_TIER_COUNT] = {0};
    for (size_t i = 0; i < cat->n; i++) {
        per_level[cat->controls[i].level]++;
        per_tier[cat->controls[i].tier]++;
    }
    for (int l = 0; l < LD_LEVEL_COUNT; l++)
        assert_true(per_level[l] > 0);
    for (int t = 0; t < LD_TIER_COUNT; t++)
        assert_true(per_tier[t] > 0);
    ld_catalog_free(cat);
}

static void test_implemented_checks_are_in_catalog(void **state)
{
    (void)state;
    ld_catalog *cat = builtin();
    for (const char *const *c = ld_implemented_checks(); *c; c++)
        if (!ld_catalog_find_by_check(cat, *c))
            fail_msg("implemented check %s is not in data/controls.yaml", *c);
    ld_catalog_free(cat);
}

/* "automated" is a claim: at least one of the control's checks is
 * implemented in this build. Controls whose checks are all still to come
 * are "planned", and a planned control has no implemented check (else it
 * would be automated). */
static void test_automated_means_implemented(void **state)
{
    (void)state;
    ld_catalog *cat = builtin();
    for (size_t i = 0; i < cat->n; i++) {
        const ld_control *c = &cat->controls[i];
        bool any = false;
        for (size_t k = 0; k < c->checks.n; k++)
            any |= ld_check_implemented(c->checks.v[k]);
        if (c->automated && !any)
            fail_msg("%s is automated but none of its checks is implemented", c->id);
        if (c->planned && any)
            fail_msg("%s is planned but a check of it is implemented: mark it automated", c->id);
        if (!c->automated && !c->planned && c->checks.n)
            fail_msg("%s is attested but lists checks", c->id);
    }
    ld_catalog_free(cat);
}

static const char good_control[] = "controls:\n"
                                   "  - id: T-1\n"
                                   "    framework: nist-800-190\n"
                                   "    refs: [IMG-01]\n"
                                   "    title: t\n"
                                   "    tier: image\n"
                                   "    nist: \"4.1.1\"\n"
                                   "    cis: []\n"
                                   "    automation: attested\n"
                                   "    checks: []\n"
                                   "    level: low\n"
                                   "    severity: high\n"
                                   "    description: d\n"
                                   "    remediation: r\n";

static void test_parse_minimal(void **state)
{
    (void)state;
    ld_error err = LD_ERROR_INIT;
    ld_catalog *cat = ld_catalog_parse("c.yaml", good_control, strlen(good_control), &err);
    assert_non_null(cat);
    assert_int_equal(cat->n, 1);
    assert_false(cat->controls[0].automated);
    ld_catalog_free(cat);
}

static void expect_error(const char *from, const char *to, const char *msg_part)
{
    char doc[2048];
    const char *at = strstr(good_control, from);
    assert_non_null(at);
    snprintf(doc, sizeof(doc), "%.*s%s%s", (int)(at - good_control), good_control, to,
             at + strlen(from));
    ld_error err = LD_ERROR_INIT;
    ld_catalog *cat = ld_catalog_parse("c.yaml", doc, strlen(doc), &err);
    if (cat)
        fail_msg("accepted: %s", doc);
    if (!strstr(err.msg, msg_part))
        fail_msg("error \"%s\" lacks \"%s\"", err.msg, msg_part);
}

static void test_parse_errors(void **state)
{
    (void)state;
    expect_error("tier: image", "tier: cloud", "line 2: tier must be");
    expect_error("level: low", "level: extreme", "level must be");
    expect_error("severity: high", "severity: urgent", "severity must be");
    expect_error("refs: [IMG-01]", "refs: []", "at least one 800-190 key");
    expect_error("automation: attested", "automation: automated", "needs at least one check");
    expect_error("title: t\n", "title: t\n    colour: red\n", "line 6: unknown key \"colour\"");
    expect_error("checks: []", "checks: nope", "\"checks\" must be a list");
    expect_error("    description: d\n", "", "non-empty \"description\"");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_key_has_a_nist_control),
        cmocka_unit_test(test_nist_sections_well_formed),
        cmocka_unit_test(test_cis_controls_linked),
        cmocka_unit_test(test_levels_and_tiers_spread),
        cmocka_unit_test(test_implemented_checks_are_in_catalog),
        cmocka_unit_test(test_automated_means_implemented),
        cmocka_unit_test(test_parse_minimal),
        cmocka_unit_test(test_parse_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
