/* Unit tests for the host pinning family (k8s/pinning.c) on manifests
 * written here: where a workload's sensitivity comes from (pod template,
 * workload, namespace label), what pins it (nodeSelector, every required
 * affinity term, nodeName of a labelled Node; not a toleration), and when
 * two sensitivities may share a node: decided on the constraints alone
 * requirement by requirement (In, NotIn, Exists, DoesNotExist, Gt, Lt,
 * nodeName, unsatisfiable affinity), with tolerations making it a warning,
 * and decided on Node objects (labels, taints) when the inputs hold them.
 * Also: many workloads of a few placements are compared per placement,
 * and the pair budget ends in an error, never in a guess. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "k8s/pinning.h"
#include "test_k8s_family.h"

#define S "lockdown.io/sensitivity"
/* A Deployment whose pod template carries labels and whose pod spec has
 * the given placement lines (indented 6) before its one container. */
#define DEPLOY(ns, name, labels, place)                                                            \
    "---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: " name "\n  namespace: " ns    \
    "\nspec:\n  template:\n    metadata:\n      labels: " labels "\n    spec:\n" place             \
    "      containers: [{name: c, image: x}]\n"
#define HIGH "{" S ": high}"
#define LOW "{" S ": low}"
#define PIN(v) "      nodeSelector: {" S ": " v "}\n"
#define TOLERATE(v)                                                                                \
    "      tolerations: [{key: " S ", operator: Equal, value: " v ", effect: NoSchedule}]\n"
#define NODE(name, labels, taints)                                                                 \
    "---\napiVersion: v1\nkind: Node\nmetadata:\n  name: " name "\n  labels: " labels              \
    "\nspec:\n  taints: " taints "\n"

static const char *const UNPINNED = "k8s.pinning.unpinned", *const MIXING = "k8s.pinning.mixing";

static run pin(const char *yaml_text)
{
    return run_family(ld_k8s_pinning_family, yaml_text, NULL);
}

static void test_no_sensitivity_is_not_applicable(void **state)
{
    (void)state;
    run r = pin(DEPLOY("a", "web", "{app: web}", "") DEPLOY("b", "db", "{app: db}", ""));
    EXPECT_SKIP(r, UNPINNED);
    EXPECT_SKIP(r, MIXING);
    done(&r);
}

static void test_unpinned(void **state)
{
    (void)state;
    run r = pin(
        DEPLOY("a", "selector", HIGH, PIN("high")) DEPLOY(
            "a", "affinity", HIGH,
            "      affinity:\n        nodeAffinity:\n          "
            "requiredDuringSchedulingIgnoredDuringExecution:\n            nodeSelectorTerms:\n"
            "            - matchExpressions: [{key: " S ", operator: In, values: [high]}, "
            "{key: zone, operator: In, values: [a]}]\n"
            "            - matchExpressions: [{key: " S ", operator: In, values: [high]}]\n")
            DEPLOY("a", "one-term-open", HIGH,
                   "      affinity:\n        nodeAffinity:\n          "
                   "requiredDuringSchedulingIgnoredDuringExecution:\n            "
                   "nodeSelectorTerms:\n"
                   "            - matchExpressions: [{key: " S ", operator: In, values: [high]}]\n"
                   "            - matchExpressions: [{key: zone, operator: In, values: [a]}]\n")
                DEPLOY("a", "two-values", HIGH,
                       "      affinity:\n        nodeAffinity:\n          "
                       "requiredDuringSchedulingIgnoredDuringExecution:\n            "
                       "nodeSelectorTerms:\n"
                       "            - matchExpressions: [{key: " S ", operator: In, values: "
                       "[high, low]}]\n") DEPLOY("a", "toleration-only", HIGH, TOLERATE("high"))
                    DEPLOY("a", "wrong-value", HIGH, PIN("low")));
    assert_int_equal(count(&r, UNPINNED, LD_STATUS_FAIL, "Deployment/a/selector"), 0);
    assert_int_equal(count(&r, UNPINNED, LD_STATUS_FAIL, "Deployment/a/affinity"), 0);
    assert_int_equal(count(&r, UNPINNED, LD_STATUS_FAIL, "one-term-open"), 1);
    assert_int_equal(count(&r, UNPINNED, LD_STATUS_FAIL, "two-values"), 1);
    assert_int_equal(count(&r, UNPINNED, LD_STATUS_FAIL, "a toleration admits a node"), 1);
    assert_int_equal(count(&r, UNPINNED, LD_STATUS_FAIL, "wrong-value"), 1);
    assert_int_equal(count(&r, UNPINNED, LD_STATUS_FAIL, NULL), 4);
    done(&r);

    /* all pinned: one pass summary */
    r = pin(DEPLOY("a", "h", HIGH, PIN("high")) DEPLOY("a", "l", LOW, PIN("low")));
    EXPECT_PASS(r, UNPINNED);
    EXPECT_PASS(r, MIXING);
    done(&r);
}

static void test_sensitivity_sources(void **state)
{
    (void)state;
    run r =
        pin("---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: vault\n  labels: " HIGH
            "\n" DEPLOY(
                "vault", "from-ns", "{app: v}",
                "") "---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: from-object\n"
                    "  namespace: x\n  labels: " LOW "\nspec:\n  template:\n    spec:\n"
                    "      containers: [{name: c, image: x}]\n" DEPLOY("vault", "template-wins",
                                                                       LOW, ""));
    assert_int_equal(count(&r, UNPINNED, LD_STATUS_FAIL, "sensitivity high (namespace label"), 1);
    assert_int_equal(count(&r, UNPINNED, LD_STATUS_FAIL, "sensitivity low (label"), 1);
    assert_int_equal(count(&r, UNPINNED, LD_STATUS_FAIL, "sensitivity low (pod template label"), 1);
    /* the control plane's namespaces are not judged */
    done(&r);
    r = pin(DEPLOY("kube-system", "proxy", HIGH, ""));
    EXPECT_SKIP(r, UNPINNED);
    done(&r);

    /* the policy's own label name */
    ld_k8s_scan_options o = {.level = LD_LEVEL_MEDIUM, .sensitivity_label = "tier"};
    r = run_family(ld_k8s_pinning_family,
                   DEPLOY("a", "x", "{tier: secret}", "      nodeSelector: {tier: secret}\n")
                       DEPLOY("a", "y", "{tier: public}", ""),
                   &o);
    assert_int_equal(count(&r, UNPINNED, LD_STATUS_FAIL, NULL), 1);
    assert_int_equal(count(&r, UNPINNED, LD_STATUS_FAIL, "Deployment/a/y"), 1);
    /* x is pinned to tier=secret nodes, y may land there too: each is told */
    assert_int_equal(count(&r, MIXING, LD_STATUS_FAIL, "Deployment/a/y (sensitivity public)"), 1);
    assert_int_equal(count(&r, MIXING, LD_STATUS_FAIL, "Deployment/a/x (sensitivity secret)"), 1);
    assert_int_equal(
        count(&r, MIXING, LD_STATUS_FAIL, "sensitivity secret (pod template label tier)"), 1);
    done(&r);
}

static void test_mixing_symbolic(void **state)
{
    (void)state;
    /* pinned apart: no mixing */
    run r = pin(DEPLOY("a", "h", HIGH, PIN("high")) DEPLOY("a", "l", LOW, PIN("low")));
    EXPECT_PASS(r, MIXING);
    done(&r);

    /* a pinned high and an unconstrained unlabelled workload: a high node
     * can host both */
    r = pin(DEPLOY("a", "h", HIGH, PIN("high")) DEPLOY("a", "free", "{app: x}", ""));
    assert_int_equal(count(&r, MIXING, LD_STATUS_FAIL,
                           "can share a node with Deployment/a/free (no sensitivity label)"),
                     1);
    done(&r);

    /* both unconstrained and labelled: each sees the other */
    r = pin(DEPLOY("a", "h", HIGH, "") DEPLOY("a", "l", LOW, ""));
    assert_int_equal(count(&r, MIXING, LD_STATUS_FAIL, "Deployment/a/l (sensitivity low)"), 1);
    assert_int_equal(count(&r, MIXING, LD_STATUS_FAIL, "Deployment/a/h (sensitivity high)"), 1);
    done(&r);

    /* tolerations differ: a taint the inputs do not show could keep them
     * apart: needs review, not a failure */
    r = pin(DEPLOY("a", "h", HIGH, PIN("high") TOLERATE("high"))
                DEPLOY("a", "free", "{app: x}", ""));
    assert_int_equal(count(&r, MIXING, LD_STATUS_WARN, "unless taints keep them apart"), 1);
    assert_int_equal(count(&r, MIXING, LD_STATUS_FAIL, NULL), 0);
    done(&r);

    /* the same toleration on both: no taint could separate them */
    r = pin(DEPLOY("a", "h", HIGH, PIN("high") TOLERATE("high"))
                DEPLOY("a", "free", "{app: x}", TOLERATE("high")));
    assert_int_equal(count(&r, MIXING, LD_STATUS_FAIL, "Deployment/a/free"), 1);
    done(&r);

    /* operators: NotIn high, DoesNotExist and Gt/Lt ranges */
    const char *aff_head = "      affinity:\n        nodeAffinity:\n          "
                           "requiredDuringSchedulingIgnoredDuringExecution:\n            "
                           "nodeSelectorTerms:\n            - matchExpressions: ";
    char text[4096];
    snprintf(text, sizeof(text), "%s%s%s%s",
             DEPLOY("a", "h", HIGH, PIN("high") "      nodeName: null\n"),
             "---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: notin, namespace: a}\n"
             "spec:\n  template:\n    metadata:\n      labels: " LOW "\n    spec:\n",
             aff_head,
             "[{key: " S ", operator: NotIn, values: [high]}]\n"
             "      containers: [{name: c, image: x}]\n");
    r = pin(text);
    EXPECT_PASS(r, MIXING);
    done(&r);

    snprintf(text, sizeof(text), "%s%s%s%s%s%s%s", DEPLOY("a", "h", HIGH, PIN("high")),
             "---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: dne, namespace: a}\n"
             "spec:\n  template:\n    metadata:\n      labels: " LOW "\n    spec:\n",
             aff_head,
             "[{key: " S ", operator: DoesNotExist}]\n      containers: [{name: c, image: x}]\n",
             "---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: big, namespace: a}\n"
             "spec:\n  template:\n    metadata:\n      labels: {" S ": mid}\n    spec:\n"
             "      nodeSelector: {" S ": high}\n",
             aff_head,
             "[{key: cpus, operator: Gt, values: ['64']}, {key: cpus, operator: Lt, values: "
             "['66']}]\n      containers: [{name: c, image: x}]\n");
    r = pin(text);
    /* DoesNotExist vs In: apart; mid requires high nodes with 65 cpus:
     * shares them with h */
    assert_int_equal(count(&r, MIXING, LD_STATUS_FAIL, "Deployment/a/dne"), 0);
    assert_int_equal(count(&r, MIXING, LD_STATUS_FAIL, "Deployment/a/big (sensitivity mid)"), 1);
    done(&r);

    /* a Gt/Lt range with no integer in it fits no node */
    snprintf(text, sizeof(text), "%s%s%s%s", DEPLOY("a", "h", HIGH, ""),
             "---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: empty, namespace: a}\n"
             "spec:\n  template:\n    metadata:\n      labels: " LOW "\n    spec:\n",
             aff_head,
             "[{key: cpus, operator: Gt, values: ['4']}, {key: cpus, operator: Lt, values: "
             "['5']}]\n      containers: [{name: c, image: x}]\n");
    r = pin(text);
    assert_int_equal(count(&r, MIXING, LD_STATUS_FAIL, "Deployment/a/empty"), 0);
    done(&r);

    /* nodeName: different nodes never meet, the same one does */
    r = pin(DEPLOY("a", "h", HIGH, "      nodeName: n1\n")
                DEPLOY("a", "l", LOW, "      nodeName: n2\n")
                    DEPLOY("a", "x", "{app: x}", "      nodeName: n1\n"));
    assert_int_equal(count(&r, MIXING, LD_STATUS_FAIL, "Deployment/a/l"), 0);
    assert_int_equal(count(&r, MIXING, LD_STATUS_FAIL, "Deployment/a/x"), 1);
    done(&r);
}

static void test_mixing_on_nodes(void **state)
{
    (void)state;
    const char *nodes_tainted =
        NODE("n-high", HIGH, "[{key: " S ", value: high, effect: NoSchedule}]")
            NODE("n-low", LOW, "[]");
    const char *workloads =
        DEPLOY("a", "h", HIGH, PIN("high") TOLERATE("high")) DEPLOY("a", "free", "{app: x}", "");
    char text[4096];
    snprintf(text, sizeof(text), "%s%s", nodes_tainted, workloads);
    /* the taint keeps the unlabelled workload off the high node */
    run r = pin(text);
    EXPECT_PASS(r, MIXING);
    assert_int_equal(count(&r, MIXING, LD_STATUS_PASS, "on 2 Nodes"), 1);
    done(&r);

    /* without the taint it may land there: a failure naming the node */
    snprintf(text, sizeof(text), "%s%s%s", NODE("n-high", HIGH, "[]"), NODE("n-low", LOW, "[]"),
             workloads);
    r = pin(text);
    assert_int_equal(count(&r, MIXING, LD_STATUS_FAIL,
                           "Deployment/a/free (no sensitivity label) on node n-high"),
                     1);
    done(&r);

    /* a PreferNoSchedule taint keeps nobody off */
    snprintf(text, sizeof(text), "%s%s%s",
             NODE("n-high", HIGH, "[{key: " S ", value: high, effect: PreferNoSchedule}]"),
             NODE("n-low", LOW, "[]"), workloads);
    r = pin(text);
    assert_int_equal(count(&r, MIXING, LD_STATUS_FAIL, "on node n-high"), 1);
    done(&r);

    /* a wildcard toleration (operator Exists, no key) passes every taint */
    snprintf(text, sizeof(text), "%s%s%s", nodes_tainted,
             DEPLOY("a", "h", HIGH, PIN("high") TOLERATE("high")),
             DEPLOY("a", "agent", "{app: agent}", "      tolerations: [{operator: Exists}]\n"));
    r = pin(text);
    assert_int_equal(count(&r, MIXING, LD_STATUS_FAIL, "Deployment/a/agent"), 1);
    done(&r);

    /* nodeName of a labelled Node pins */
    snprintf(text, sizeof(text), "%s%s", NODE("n-high", HIGH, "[]"),
             DEPLOY("a", "h", HIGH, "      nodeName: n-high\n"));
    r = pin(text);
    EXPECT_PASS(r, UNPINNED);
    done(&r);
}

static void test_many_workloads_few_placements(void **state)
{
    (void)state;
    /* 3000 workloads in 3 placements: compared per placement */
    size_t cap = 4 << 20, len = 0;
    char *text = malloc(cap);
    for (int i = 0; i < 1000; i++) {
        len += (size_t)snprintf(text + len, cap - len, "%s",
                                "---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: h");
        len += (size_t)snprintf(
            text + len, cap - len,
            "%d, namespace: a}\nspec:\n  template:\n    metadata:\n      "
            "labels: " HIGH "\n    spec:\n" PIN("high") TOLERATE(
                "high") "      containers: [{name: c, image: x}]\n"
                        "---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: l%d, "
                        "namespace: a}\nspec:\n  template:\n    metadata:\n      labels: " LOW
                        "\n    spec:\n" PIN("low") "      containers: [{name: c, image: x}]\n"
                                                   "---\napiVersion: apps/v1\nkind: "
                                                   "Deployment\nmetadata: {name: u%d, "
                                                   "namespace: a}\nspec:\n  template:\n    spec:\n "
                                                   "     containers: "
                                                   "[{name: c, image: x}]\n",
            i, i, i);
    }
    /* compared per placement: 3000 workloads pairwise would be 9M pairs,
     * past LD_K8S_PINNING_PAIR_BUDGET, and end in an error finding */
    assert_true((size_t)3000 * 3000 > LD_K8S_PINNING_PAIR_BUDGET);
    run r = pin(text);
    assert_int_equal(count(&r, MIXING, LD_STATUS_ERROR, NULL), 0);
    /* every high and low workload may share a node with the unlabelled ones
     * (their tolerations differ: warn for high, fail for low) */
    assert_int_equal(count(&r, MIXING, LD_STATUS_WARN, NULL), 1000);
    assert_int_equal(count(&r, MIXING, LD_STATUS_FAIL, NULL), 1000);
    assert_int_equal(count(&r, MIXING, LD_STATUS_FAIL, "sensitivity high"), 0);
    EXPECT_PASS(r, UNPINNED);
    done(&r);
    free(text);
}

static void test_pair_budget(void **state)
{
    (void)state;
    /* distinct placements past the budget: an error, never a pass. Half
     * high, half low, each in its own zone: high x low pairs are compared */
    size_t n = 2100;
    assert_true((n / 2) * (n / 2) > LD_K8S_PINNING_PAIR_BUDGET);
    size_t cap = 8 << 20, len = 0;
    char *text = malloc(cap);
    for (size_t i = 0; i < n; i++)
        len += (size_t)snprintf(text + len, cap - len,
                                "---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: "
                                "w%zu, namespace: a}\nspec:\n  template:\n    metadata:\n      "
                                "labels: {" S ": %s}\n    spec:\n      nodeSelector: {zone: z%zu}\n"
                                "      containers: [{name: c, image: x}]\n",
                                i, i % 2 ? "high" : "low", i);
    assert_true(len < cap - 1);
    run r = pin(text);
    assert_int_equal(count(&r, MIXING, LD_STATUS_ERROR, "distinct placements"), 1);
    assert_int_equal(count(&r, MIXING, LD_STATUS_PASS, NULL), 0);
    assert_int_equal(count(&r, MIXING, LD_STATUS_FAIL, NULL), 0);
    done(&r);

    /* the same with Nodes: placements x Nodes past their budget */
    len = 0;
    size_t nodes = LD_K8S_PINNING_NODE_BUDGET / n + 1;
    for (size_t i = 0; i < n; i++)
        len += (size_t)snprintf(text + len, cap - len,
                                "---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: "
                                "w%zu, namespace: a}\nspec:\n  template:\n    metadata:\n      "
                                "labels: {" S ": high}\n    spec:\n      nodeSelector: {zone: "
                                "z%zu}\n      containers: [{name: c, image: x}]\n",
                                i, i);
    for (size_t i = 0; i < nodes; i++)
        len += (size_t)snprintf(text + len, cap - len,
                                "---\napiVersion: v1\nkind: Node\nmetadata: {name: n%zu}\n", i);
    assert_true(len < cap - 1);
    r = pin(text);
    assert_int_equal(count(&r, MIXING, LD_STATUS_ERROR, "Nodes are more than lockdown matches"), 1);
    assert_int_equal(count(&r, MIXING, LD_STATUS_PASS, NULL), 0);
    done(&r);
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_no_sensitivity_is_not_applicable),
        cmocka_unit_test(test_unpinned),
        cmocka_unit_test(test_sensitivity_sources),
        cmocka_unit_test(test_mixing_symbolic),
        cmocka_unit_test(test_mixing_on_nodes),
        cmocka_unit_test(test_many_workloads_few_placements),
        cmocka_unit_test(test_pair_budget),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
