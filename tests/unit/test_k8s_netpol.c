/* Unit tests for the label selector matcher (k8s/selector.c) and the
 * network segmentation family (k8s/netpol.c). The selector cases are the
 * apimachinery semantics written out (an empty selector selects all, a
 * null one nothing, NotIn and DoesNotExist match an absent label, Gt/Lt
 * only for node requirements, an empty node selector term matches no
 * node); the family cases are manifests written here, each check seen to
 * pass and to fail, with the NetworkPolicy defaulting rules (an absent
 * podSelector is {}, absent policyTypes is Ingress plus Egress when the
 * policy has egress rules). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "k8s/netpol.h"
#include "k8s/selector.h"
#include "test_k8s_family.h"
#include "util/yaml_doc.h"

/* ---- selector ---- */

static ld_yaml_node *yaml(const char *text)
{
    ld_error err = LD_ERROR_INIT;
    ld_yaml_node *n = ld_yaml_parse("t", text, strlen(text), NULL, &err);
    if (!n)
        fail_msg("yaml: %s", err.msg);
    return n;
}

/* Matches selector text (a YAML map, key "s") against labels text (key "l"). */
static ld_k8s_match sel(const char *selector, const char *labels)
{
    ld_yaml_node *s = yaml(selector);
    ld_yaml_node *l = yaml(labels);
    ld_k8s_labels lab = {.map = ld_yaml_get(l, "l")};
    ld_k8s_match m = ld_k8s_selector_match(ld_yaml_get(s, "s"), &lab);
    ld_yaml_free(s);
    ld_yaml_free(l);
    return m;
}

#define YES LD_K8S_MATCH_YES
#define NO LD_K8S_MATCH_NO
#define BAD LD_K8S_MATCH_INVALID

static void test_selector_match_labels(void **state)
{
    (void)state;
    const char *web = "l: {app: web, tier: front}";
    assert_int_equal(sel("s: {matchLabels: {app: web}}", web), YES);
    assert_int_equal(sel("s: {matchLabels: {app: web, tier: front}}", web), YES);
    assert_int_equal(sel("s: {matchLabels: {app: db}}", web), NO);
    assert_int_equal(sel("s: {matchLabels: {zone: a}}", web), NO);
    /* empty selects everything, even an object without labels */
    assert_int_equal(sel("s: {}", web), YES);
    assert_int_equal(sel("s: {}", "l: {}"), YES);
    assert_int_equal(sel("s: {matchLabels: {}, matchExpressions: []}", "x: 1"), YES);
    /* null selects nothing */
    assert_int_equal(sel("s: null", web), NO);
    assert_int_equal(sel("x: 1", web), NO);
    /* not a map */
    assert_int_equal(sel("s: [a]", web), BAD);
    assert_int_equal(sel("s: {matchLabels: [a]}", web), BAD);
    /* a null label value is the empty string */
    assert_int_equal(sel("s: {matchLabels: {flag: ''}}", "l: {flag: null}"), YES);
}

static void test_selector_expressions(void **state)
{
    (void)state;
    const char *web = "l: {app: web, tier: front}";
    assert_int_equal(
        sel("s: {matchExpressions: [{key: app, operator: In, values: [web, api]}]}", web), YES);
    assert_int_equal(sel("s: {matchExpressions: [{key: app, operator: In, values: [db]}]}", web),
                     NO);
    assert_int_equal(sel("s: {matchExpressions: [{key: app, operator: NotIn, values: [db]}]}", web),
                     YES);
    assert_int_equal(
        sel("s: {matchExpressions: [{key: app, operator: NotIn, values: [web]}]}", web), NO);
    /* NotIn and DoesNotExist match an absent label */
    assert_int_equal(sel("s: {matchExpressions: [{key: zone, operator: NotIn, values: [a]}]}", web),
                     YES);
    assert_int_equal(sel("s: {matchExpressions: [{key: zone, operator: DoesNotExist}]}", web), YES);
    assert_int_equal(sel("s: {matchExpressions: [{key: app, operator: DoesNotExist}]}", web), NO);
    assert_int_equal(sel("s: {matchExpressions: [{key: app, operator: Exists}]}", web), YES);
    assert_int_equal(sel("s: {matchExpressions: [{key: zone, operator: Exists}]}", web), NO);
    /* matchLabels AND matchExpressions */
    assert_int_equal(sel("s: {matchLabels: {app: web}, matchExpressions: [{key: tier, operator: "
                         "In, values: [back]}]}",
                         web),
                     NO);
    /* refused by the API server */
    assert_int_equal(sel("s: {matchExpressions: [{key: app, operator: In, values: []}]}", web),
                     BAD);
    assert_int_equal(sel("s: {matchExpressions: [{key: app, operator: In}]}", web), BAD);
    assert_int_equal(sel("s: {matchExpressions: [{key: app, operator: Exists, values: [x]}]}", web),
                     BAD);
    assert_int_equal(sel("s: {matchExpressions: [{key: app, operator: in, values: [web]}]}", web),
                     BAD);
    assert_int_equal(sel("s: {matchExpressions: [{operator: Exists}]}", web), BAD);
    /* Gt is a node selector operator, not a label selector one */
    assert_int_equal(
        sel("s: {matchExpressions: [{key: n, operator: Gt, values: ['1']}]}", "l: {n: '5'}"), BAD);
    /* an invalid requirement after a failing one still invalidates */
    assert_int_equal(sel("s: {matchExpressions: [{key: app, operator: In, values: [db]}, {key: "
                         "x, operator: Bogus}]}",
                         web),
                     BAD);
    assert_false(ld_k8s_selector_selects_all(NULL));
}

static void test_selector_extra_label_and_text(void **state)
{
    (void)state;
    ld_yaml_node *s = yaml("s: {matchLabels: {kubernetes.io/metadata.name: prod}}");
    ld_k8s_labels ns = {
        .map = NULL, .extra_key = LD_K8S_NAMESPACE_NAME_LABEL, .extra_value = "prod"};
    assert_int_equal(ld_k8s_selector_match(ld_yaml_get(s, "s"), &ns), YES);
    ns.extra_value = "dev";
    assert_int_equal(ld_k8s_selector_match(ld_yaml_get(s, "s"), &ns), NO);
    ld_yaml_free(s);

    s = yaml("s: {matchLabels: {app: web}, matchExpressions: [{key: t, operator: In, values: [a, "
             "b]}, {key: z, operator: DoesNotExist}, {key: e, operator: Exists}]}");
    char *t = ld_k8s_selector_text(ld_yaml_get(s, "s"));
    assert_string_equal(t, "app=web,t in (a,b),!z,e");
    free(t);
    t = ld_k8s_selector_text(NULL);
    assert_string_equal(t, "null (nothing)");
    free(t);
    ld_yaml_free(s);
    s = yaml("s: {}");
    t = ld_k8s_selector_text(ld_yaml_get(s, "s"));
    assert_string_equal(t, "{} (everything)");
    free(t);
    ld_yaml_free(s);
}

static ld_k8s_match terms(const char *text, const char *labels, const char *name)
{
    ld_yaml_node *s = yaml(text);
    ld_yaml_node *l = yaml(labels);
    ld_k8s_labels lab = {.map = ld_yaml_get(l, "l")};
    ld_k8s_match m = ld_k8s_node_terms_match(ld_yaml_get(s, "t"), &lab, name);
    ld_yaml_free(s);
    ld_yaml_free(l);
    return m;
}

static void test_node_terms(void **state)
{
    (void)state;
    const char *node = "l: {zone: a, cpus: '16'}";
    assert_int_equal(
        terms("t: [{matchExpressions: [{key: zone, operator: In, values: [a]}]}]", node, "n1"),
        YES);
    /* terms are ORed */
    assert_int_equal(terms("t: [{matchExpressions: [{key: zone, operator: In, values: [b]}]}, "
                           "{matchExpressions: [{key: cpus, operator: Gt, values: ['8']}]}]",
                           node, "n1"),
                     YES);
    assert_int_equal(
        terms("t: [{matchExpressions: [{key: cpus, operator: Lt, values: ['8']}]}]", node, "n1"),
        NO);
    /* a label that is not an integer never matches Gt */
    assert_int_equal(
        terms("t: [{matchExpressions: [{key: zone, operator: Gt, values: ['1']}]}]", node, "n1"),
        NO);
    /* Gt needs exactly one integer */
    assert_int_equal(
        terms("t: [{matchExpressions: [{key: cpus, operator: Gt, values: [x]}]}]", node, "n1"),
        BAD);
    /* an empty term, and an empty list, match no node */
    assert_int_equal(terms("t: [{}]", node, "n1"), NO);
    assert_int_equal(terms("t: []", node, "n1"), NO);
    /* matchFields on metadata.name */
    assert_int_equal(
        terms("t: [{matchFields: [{key: metadata.name, operator: In, values: [n1]}]}]", node, "n1"),
        YES);
    assert_int_equal(terms("t: [{matchFields: [{key: metadata.name, operator: NotIn, values: "
                           "[n1]}]}]",
                           node, "n1"),
                     NO);
    assert_int_equal(terms("t: [{matchFields: [{key: metadata.labels, operator: In, values: "
                           "[x]}]}]",
                           node, "n1"),
                     BAD);
    /* nodeSelector maps */
    ld_yaml_node *s = yaml("s: {zone: a}\nt: {zone: b}");
    ld_yaml_node *l = yaml(node);
    ld_k8s_labels lab = {.map = ld_yaml_get(l, "l")};
    assert_int_equal(ld_k8s_node_selector_match(ld_yaml_get(s, "s"), &lab), YES);
    assert_int_equal(ld_k8s_node_selector_match(ld_yaml_get(s, "t"), &lab), NO);
    assert_int_equal(ld_k8s_node_selector_match(NULL, &lab), YES);
    ld_yaml_free(s);
    ld_yaml_free(l);
}

/* ---- the family ---- */

#define NS(name, labels)                                                                           \
    "---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: " name "\n  labels: " labels "\n"
#define DEPLOY(ns, name, labels)                                                                   \
    "---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: " name "\n  namespace: " ns    \
    "\nspec:\n  template:\n    metadata:\n      labels: " labels                                   \
    "\n    spec:\n      containers:\n      - {name: c, image: x}\n"
#define NETPOL(ns, name, spec)                                                                     \
    "---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: " name         \
    "\n  namespace: " ns "\nspec:\n" spec
#define DENY_ALL(ns) NETPOL(ns, "deny-all", "  podSelector: {}\n  policyTypes: [Ingress, Egress]\n")

static run net(const char *yaml_text)
{
    return run_family(ld_k8s_network_family, yaml_text, NULL);
}

static void test_default_deny(void **state)
{
    (void)state;
    /* one policy denying both */
    run r = net(DEPLOY("a", "web", "{app: web}") DENY_ALL("a"));
    EXPECT_PASS(r, "k8s.network.default-deny-ingress");
    EXPECT_PASS(r, "k8s.network.default-deny-egress");
    done(&r);

    /* two policies, one per direction; an absent podSelector is {} */
    r = net(DEPLOY("a", "web", "{app: web}") NETPOL("a", "in", "  policyTypes: [Ingress]\n")
                NETPOL("a", "out", "  podSelector: {}\n  policyTypes: [Egress]\n  egress: []\n"));
    EXPECT_PASS(r, "k8s.network.default-deny-ingress");
    EXPECT_PASS(r, "k8s.network.default-deny-egress");
    done(&r);

    /* no policy at all: both fail, against the namespace (no Namespace
     * object: a stand-in at the first object's line) */
    r = net(DEPLOY("a", "web", "{app: web}"));
    assert_int_equal(
        count(&r, "k8s.network.default-deny-ingress", LD_STATUS_FAIL, "no NetworkPolicy at all"),
        1);
    assert_int_equal(count(&r, "k8s.network.default-deny-egress", LD_STATUS_FAIL, "Namespace/a"),
                     1);
    const ld_finding *f = first(&r, "k8s.network.default-deny-ingress", LD_STATUS_FAIL);
    assert_string_equal(f->target.id, "Namespace/a");
    assert_int_equal(f->target.line, 2);
    done(&r);

    /* absent policyTypes: Ingress only (no egress section) */
    r = net(DEPLOY("a", "web", "{app: web}") NETPOL("a", "p", "  podSelector: {}\n"));
    EXPECT_PASS(r, "k8s.network.default-deny-ingress");
    assert_int_equal(count(&r, "k8s.network.default-deny-egress", LD_STATUS_FAIL,
                           "none of its 1 NetworkPolicy denies all egress"),
                     1);
    done(&r);

    /* absent policyTypes with an egress section: Egress too */
    r = net(DEPLOY("a", "web", "{app: web}")
                NETPOL("a", "p", "  podSelector: {}\n  egress:\n  - to: [{podSelector: {}}]\n"));
    EXPECT_PASS(r, "k8s.network.default-deny-egress");
    done(&r);

    /* rules that admit everything: {} , namespaceSelector {} , a /0 block */
    r = net(NS("a", "{}") DEPLOY("a", "web", "{app: web}")
                NETPOL("a", "p",
                       "  podSelector: {}\n  policyTypes: [Ingress, Egress]\n"
                       "  ingress:\n  - {}\n  egress:\n  - to: [{ipBlock: {cidr: "
                       "0.0.0.0/0}}]\n") NS("b", "{}")
                    NETPOL("b", "p",
                           "  podSelector: {}\n  policyTypes: [Ingress, Egress]\n"
                           "  ingress:\n  - from: [{namespaceSelector: {}}]\n"
                           "  egress:\n  - to: [{namespaceSelector: {}}]\n    ports: "
                           "[{port: 53, protocol: UDP}]\n"));
    assert_int_equal(count(&r, "k8s.network.default-deny-ingress", LD_STATUS_FAIL, "Namespace/a"),
                     1);
    assert_int_equal(count(&r, "k8s.network.default-deny-egress", LD_STATUS_FAIL, "Namespace/a"),
                     1);
    assert_int_equal(count(&r, "k8s.network.default-deny-ingress", LD_STATUS_FAIL, "Namespace/b"),
                     1);
    /* egress limited to port 53: not everything */
    assert_int_equal(count(&r, "k8s.network.default-deny-egress", LD_STATUS_FAIL, "Namespace/b"),
                     0);
    done(&r);

    /* a policy selecting some pods is no default */
    r = net(DEPLOY("a", "web", "{app: web}") NETPOL("a", "p",
                                                    "  podSelector: {matchLabels: {app: web}}\n"
                                                    "  policyTypes: [Ingress, Egress]\n"));
    assert_int_equal(count(&r, "k8s.network.default-deny-ingress", LD_STATUS_FAIL, NULL), 1);
    done(&r);

    /* the control plane's namespaces are not judged; nothing else: n/a */
    r = net(DEPLOY("kube-system", "dns", "{app: dns}"));
    EXPECT_SKIP(r, "k8s.network.default-deny-ingress");
    EXPECT_SKIP(r, "k8s.network.unselected-pods");
    done(&r);
}

static void test_unselected_pods(void **state)
{
    (void)state;
    const char *pols =
        NETPOL("a", "web",
               "  podSelector: {matchExpressions: [{key: app, operator: In, values: "
               "[web, api]}]}\n") NETPOL("a", "broken",
                                         "  podSelector: {matchExpressions: [{key: app, operator: "
                                         "Bogus}]}\n");
    char *yaml_text = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&yaml_text, &n);
    fprintf(f, "%s%s%s%s", DEPLOY("a", "web", "{app: web}"), DEPLOY("a", "db", "{app: db}"),
            DEPLOY("a", "nolabels", "{}"), pols);
    fclose(f);
    run r = net(yaml_text);
    assert_int_equal(count(&r, "k8s.network.unselected-pods", LD_STATUS_FAIL, "Deployment/a/db"),
                     1);
    assert_int_equal(
        count(&r, "k8s.network.unselected-pods", LD_STATUS_FAIL, "Deployment/a/nolabels"), 1);
    assert_int_equal(count(&r, "k8s.network.unselected-pods", LD_STATUS_FAIL, "Deployment/a/web"),
                     0);
    assert_int_equal(count(&r, "k8s.network.unselected-pods", LD_STATUS_FAIL,
                           "spec.template.metadata.labels {app=db}"),
                     1);
    /* the refused policy is left out (1 policy counted), with a note */
    assert_int_equal(
        count(&r, "k8s.network.unselected-pods", LD_STATUS_FAIL, "none of the 1 NetworkPolicy of"),
        2);
    bool noted = false;
    for (size_t i = 0; i < r.fs->notes.n; i++)
        noted = noted || strstr(r.fs->notes.v[i], "NetworkPolicy/a/broken");
    assert_true(noted);
    assert_int_equal(count(&r, "k8s.network.unselected-pods", LD_STATUS_PASS, NULL), 0);
    done(&r);
    free(yaml_text);

    /* every pod selected: a pass summary naming how many were judged */
    r = net(DEPLOY("a", "web", "{app: web}") DEPLOY("a", "api", "{app: api}")
                NETPOL("a", "web",
                       "  podSelector: {matchExpressions: [{key: app, operator: In, "
                       "values: [web, api]}]}\n"));
    EXPECT_PASS(r, "k8s.network.unselected-pods");
    assert_int_equal(count(&r, "k8s.network.unselected-pods", LD_STATUS_PASS, "2 pod specs"), 1);
    done(&r);

    /* a bare Pod: its own metadata labels */
    r = net("apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: a, labels: {app: x}}\n"
            "spec: {containers: [{name: c, image: x}]}\n" NETPOL(
                "a", "x", "  podSelector: {matchLabels: {app: y}}\n"));
    assert_int_equal(
        count(&r, "k8s.network.unselected-pods", LD_STATUS_FAIL, "(metadata.labels {app=x})"), 1);
    done(&r);
}

static void test_egress_open(void **state)
{
    (void)state;
    run r = net(
        DEPLOY("a", "web", "{app: web}")
            NETPOL("a", "v4",
                   "  podSelector: {}\n  policyTypes: [Egress]\n  egress:\n"
                   "  - to: [{ipBlock: {cidr: 0.0.0.0/0}}]\n    ports: [{port: "
                   "443}]\n") NETPOL("a", "v6",
                                     "  podSelector: {}\n  policyTypes: [Egress]\n  egress:\n"
                                     "  - to: [{ipBlock: {cidr: '::/0'}}]\n")
                NETPOL("a", "all",
                       "  podSelector: {}\n  policyTypes: [Egress]\n"
                       "  egress:\n  - {}\n")
                    NETPOL("a", "except",
                           "  podSelector: {}\n  policyTypes: [Egress]\n  egress:\n"
                           "  - to: [{ipBlock: {cidr: 0.0.0.0/0, except: "
                           "[10.0.0.0/8]}}]\n") NETPOL("a", "dns",
                                                       "  podSelector: {}\n  policyTypes: "
                                                       "[Egress]\n  egress:\n  - ports: [{port: "
                                                       "53, protocol: UDP}]\n")
                        NETPOL("a", "ingress-only",
                               "  podSelector: {}\n  policyTypes: [Ingress]\n"
                               "  egress:\n  - {}\n"));
    assert_int_equal(count(&r, "k8s.network.egress-open", LD_STATUS_FAIL, "NetworkPolicy/a/v4"), 1);
    assert_int_equal(
        count(&r, "k8s.network.egress-open", LD_STATUS_FAIL, "0.0.0.0/0 without except (443/TCP)"),
        1);
    assert_int_equal(count(&r, "k8s.network.egress-open", LD_STATUS_FAIL, "NetworkPolicy/a/v6"), 1);
    assert_int_equal(
        count(&r, "k8s.network.egress-open", LD_STATUS_FAIL, "every destination on every port"), 1);
    assert_int_equal(count(&r, "k8s.network.egress-open", LD_STATUS_FAIL, "NetworkPolicy/a/except"),
                     0);
    assert_int_equal(count(&r, "k8s.network.egress-open", LD_STATUS_FAIL, "NetworkPolicy/a/dns"),
                     0);
    /* egress rules of an Ingress-only policy are not in force */
    assert_int_equal(count(&r, "k8s.network.egress-open", LD_STATUS_FAIL, "ingress-only"), 0);
    assert_int_equal(count(&r, "k8s.network.egress-open", LD_STATUS_FAIL, NULL), 3);
    const ld_finding *f = first(&r, "k8s.network.egress-open", LD_STATUS_FAIL);
    assert_string_equal(f->target.path, "m.yaml");
    assert_true(f->target.line > 0);
    done(&r);

    r = net(DEPLOY("a", "web", "{app: web}") NETPOL("a", "dns",
                                                    "  podSelector: {}\n  policyTypes: "
                                                    "[Egress]\n  egress:\n  - ports: "
                                                    "[{port: 53}]\n"));
    EXPECT_PASS(r, "k8s.network.egress-open");
    done(&r);
    r = net(DEPLOY("a", "web", "{app: web}"));
    EXPECT_SKIP(r, "k8s.network.egress-open");
    done(&r);
}

#define SENS(v) "{lockdown.io/sensitivity: " v "}"

static void test_cross_sensitivity(void **state)
{
    (void)state;
    const char *nss = NS("prod", SENS("high")) NS("vault", SENS("high")) NS("dev", SENS("low"))
        NS("misc", "{team: misc}");
    char *text = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&text, &n);
    fprintf(f, "%s%s%s%s%s", nss,
            NETPOL("prod", "from-high",
                   "  podSelector: {}\n  ingress:\n  - from: "
                   "[{namespaceSelector: {matchLabels: "
                   "{lockdown.io/sensitivity: high}}}]\n"),
            NETPOL("prod", "from-dev",
                   "  podSelector: {}\n  ingress:\n  - from: "
                   "[{namespaceSelector: {matchLabels: "
                   "{kubernetes.io/metadata.name: dev}}}]\n"),
            NETPOL("prod", "to-misc",
                   "  podSelector: {}\n  policyTypes: [Egress]\n  egress:\n  - "
                   "to: [{namespaceSelector: {matchExpressions: [{key: team, "
                   "operator: Exists}]}, podSelector: {matchLabels: {a: "
                   "b}}}]\n"),
            NETPOL("prod", "any-ns",
                   "  podSelector: {}\n  ingress:\n  - from: "
                   "[{namespaceSelector: {}}]\n"));
    fclose(f);
    run r = net(text);
    free(text);
    const char *id = "k8s.network.cross-sensitivity";
    assert_int_equal(count(&r, id, LD_STATUS_FAIL, "NetworkPolicy/prod/from-high"), 0);
    assert_int_equal(count(&r, id, LD_STATUS_FAIL, "admits namespace dev (sensitivity low)"), 1);
    assert_int_equal(count(&r, id, LD_STATUS_FAIL, "admits namespace misc (no sensitivity label)"),
                     1);
    assert_int_equal(count(&r, id, LD_STATUS_FAIL, "spec.egress[0].to[0].namespaceSelector (team)"),
                     1);
    assert_int_equal(count(&r, id, LD_STATUS_FAIL, "namespaceSelector {} admits every namespace"),
                     1);
    assert_int_equal(count(&r, id, LD_STATUS_FAIL, NULL), 3);
    done(&r);

    /* only same-sensitivity peers: pass */
    r = net(NS("prod", SENS("high")) NS("vault", SENS("high")) NS("dev", SENS("low"))
                NETPOL("prod", "p",
                       "  podSelector: {}\n  ingress:\n  - from: "
                       "[{namespaceSelector: {matchLabels: {lockdown.io/sensitivity: "
                       "high}}}, {podSelector: {}}]\n"));
    EXPECT_PASS(r, id);
    done(&r);

    /* nobody labelled: not applicable, whatever the policies say */
    r = net(NS("prod", "{}") NETPOL("prod", "p",
                                    "  podSelector: {}\n  ingress:\n  - from: "
                                    "[{namespaceSelector: {}}]\n"));
    EXPECT_SKIP(r, id);
    done(&r);

    /* the policy's own label name */
    ld_k8s_scan_options o = {.level = LD_LEVEL_MEDIUM, .sensitivity_label = "zone"};
    r = run_family(ld_k8s_network_family,
                   NS("prod", "{zone: red}") NS("dev", "{zone: green}")
                       NETPOL("prod", "p",
                              "  podSelector: {}\n  ingress:\n  - from: "
                              "[{namespaceSelector: {matchLabels: {zone: green}}}]\n"),
                   &o);
    assert_int_equal(count(&r, id, LD_STATUS_FAIL, "namespace prod has zone red"), 1);
    done(&r);
}

static void test_unread_is_error(void **state)
{
    (void)state;
    ld_error err = LD_ERROR_INIT;
    ld_catalog *cat = ld_catalog_load_builtin(&err);
    ld_k8s_set *s = ld_k8s_set_new(NULL);
    const char *good = DEPLOY("a", "web", "{app: web}") DENY_ALL("a");
    assert_int_equal(ld_k8s_load_buffer(s, "m.yaml", good, strlen(good), &err), 0);
    /* a directory with a file that does not parse: recorded as unread */
    char dir[] = "/tmp/lockdown-netpol-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[64];
    snprintf(path, sizeof(path), "%s/bad.yaml", dir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs("kind: [unclosed\n", f);
    fclose(f);
    assert_int_equal(ld_k8s_load_path(s, dir, &err), 0);
    unlink(path);
    rmdir(dir);
    assert_int_equal(ld_k8s_set_unread(s)->n, 1);
    ld_findings *fs = ld_findings_new(cat, 0);
    ld_k8s_scan_options o = {.level = LD_LEVEL_MEDIUM};
    assert_int_equal(ld_k8s_network_family(fs, s, &o, &err), 0);
    /* everything judged passed, yet no check may claim a pass */
    size_t errors = 0, passes = 0;
    for (size_t i = 0; i < fs->n; i++) {
        errors += fs->v[i]->status == LD_STATUS_ERROR;
        passes += fs->v[i]->status == LD_STATUS_PASS;
    }
    assert_int_equal(passes, 0);
    assert_int_equal(errors, 5); /* every check of the family, cross-sensitivity too */
    ld_findings_free(fs);
    ld_k8s_set_free(s);
    ld_catalog_free(cat);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_selector_match_labels),
        cmocka_unit_test(test_selector_expressions),
        cmocka_unit_test(test_selector_extra_label_and_text),
        cmocka_unit_test(test_node_terms),
        cmocka_unit_test(test_default_deny),
        cmocka_unit_test(test_unselected_pods),
        cmocka_unit_test(test_egress_open),
        cmocka_unit_test(test_cross_sensitivity),
        cmocka_unit_test(test_unread_is_error),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
