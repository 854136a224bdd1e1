/* Unit tests for the policy's `kubernetes` section (src/core/policy_kubernetes.c):
 * production namespaces (names and globs), developer groups, the
 * sensitivity label, and the strict errors with lines. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/policy.h"

static ld_policy *parse(const char *text, ld_strlist *diags, ld_error *err)
{
    return ld_policy_parse("p.yaml", text, strlen(text), diags, err);
}

static void test_section(void **state)
{
    (void)state;
    ld_error err = LD_ERROR_INIT;
    ld_policy *p = parse("version: 1\n"
                         "kubernetes:\n"
                         "  production-namespaces: [prod, payments, \"prod-*\"]\n"
                         "  developer-groups: [\"oidc:developers\", dev-team]\n"
                         "  sensitivity-label: example.com/sensitivity\n",
                         NULL, &err);
    if (!p)
        fail_msg("refused: %s", err.msg);
    assert_int_equal(p->k8s_production_namespaces.n, 3);
    assert_int_equal(p->k8s_developer_groups.n, 2);
    assert_string_equal(p->k8s_developer_groups.v[0], "oidc:developers");
    assert_string_equal(p->k8s_sensitivity_label, "example.com/sensitivity");
    assert_true(ld_policy_production_namespace(p, "prod"));
    assert_true(ld_policy_production_namespace(p, "prod-eu"));
    assert_true(ld_policy_production_namespace(p, "payments"));
    assert_false(ld_policy_production_namespace(p, "staging"));
    assert_false(ld_policy_production_namespace(p, "production"));
    assert_false(ld_policy_production_namespace(p, NULL));
    ld_policy_free(p);
}

static void test_default_and_empty(void **state)
{
    (void)state;
    ld_error err = LD_ERROR_INIT;
    ld_policy *p = ld_policy_default(&err);
    assert_non_null(p);
    assert_int_equal(p->k8s_production_namespaces.n, 0);
    assert_int_equal(p->k8s_developer_groups.n, 0);
    assert_null(p->k8s_sensitivity_label);
    assert_false(ld_policy_production_namespace(p, "default"));
    ld_policy_free(p);
    p = parse("version: 1\nkubernetes:\n", NULL, &err);
    assert_non_null(p);
    ld_policy_free(p);
}

static void test_errors(void **state)
{
    (void)state;
    static const struct {
        const char *text, *want;
    } cases[] = {
        {"version: 1\nkubernetes: [a]\n", "p.yaml:2: \"kubernetes\" must be a mapping"},
        {"version: 1\nkubernetes:\n  production-namespace: [a]\n",
         "p.yaml:3: unknown key \"production-namespace\" in kubernetes"},
        {"version: 1\nkubernetes:\n  production-namespaces: [Prod_1]\n",
         "p.yaml:3: production namespace \"Prod_1\" must be a namespace name"},
        {"version: 1\nkubernetes:\n  production-namespaces: [a, a]\n",
         "production namespace \"a\" is listed twice"},
        {"version: 1\nkubernetes:\n  production-namespaces: prod\n",
         "\"production-namespaces\" must be a list"},
        {"version: 1\nkubernetes:\n  developer-groups: [\"dev team\"]\n",
         "developer group \"dev team\" must not contain spaces"},
        {"version: 1\nkubernetes:\n  developer-groups: [[x]]\n", "must be a string"},
        {"version: 1\nkubernetes:\n  sensitivity-label: \"not a label\"\n",
         "is not a Kubernetes label key"},
        {"version: 1\nkubernetes:\n  sensitivity-label: /x\n", "is not a Kubernetes label key"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        ld_error err = LD_ERROR_INIT;
        ld_strlist diags = {0};
        ld_policy *p = parse(cases[i].text, &diags, &err);
        if (p)
            fail_msg("\"%s\" accepted", cases[i].text);
        if (!strstr(err.msg, cases[i].want))
            fail_msg("\"%s\": \"%s\" lacks \"%s\"", cases[i].text, err.msg, cases[i].want);
        ld_strlist_clear(&diags);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_section),
        cmocka_unit_test(test_default_and_empty),
        cmocka_unit_test(test_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
