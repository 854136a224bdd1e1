/* Unit tests for the RBAC model (k8s/rbac_model.c) and the k8s.rbac.*
 * checks (k8s/rbac.c): the authorizer's matching rules (wildcards,
 * "*\/subresource", resourceNames, nonResourceURLs), subjects (service
 * accounts as users and in their groups, the namespace a RoleBinding lends
 * its ServiceAccount subjects), ClusterRole aggregation (transitive, with
 * matchExpressions, a cycle), the built-in default roles, namespace versus
 * cluster scope, who-can and access answers compared with permissions
 * worked out by hand in each test, and every check seen to pass and to
 * fail on manifests written here. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/catalog.h"
#include "core/findings.h"
#include "k8s/k8s_scan.h"
#include "k8s/manifest.h"
#include "k8s/rbac.h"
#include "k8s/rbac_model.h"
#include "util/mem.h"

static ld_catalog *catalog;

static ld_k8s_set *load(const char *yaml)
{
    ld_error err = LD_ERROR_INIT;
    ld_k8s_set *s = ld_k8s_set_new(NULL);
    if (ld_k8s_load_buffer(s, "rbac.yaml", yaml, strlen(yaml), &err) < 0)
        fail_msg("load: %s", err.msg);
    return s;
}

static ld_rbac_model *model_of(const ld_k8s_set *s)
{
    ld_error err = LD_ERROR_INIT;
    ld_rbac_model *m = ld_rbac_model_build(s, &err);
    if (!m)
        fail_msg("model: %s", err.msg);
    return m;
}

/* ---- fixtures ---- */

#define ROLE(kind, ns, name, rules)                                                                \
    "---\napiVersion: rbac.authorization.k8s.io/v1\nkind: " kind "\nmetadata:\n  name: " name      \
    "\n" ns "rules:\n" rules
#define NS(n) "  namespace: " n "\n"
#define BINDING(kind, ns, name, rkind, rname, subjects)                                            \
    "---\napiVersion: rbac.authorization.k8s.io/v1\nkind: " kind "\nmetadata:\n  name: " name      \
    "\n" ns "roleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: " rkind "\n  name: " rname   \
    "\nsubjects:\n" subjects
#define USER(n) "- {kind: User, name: '" n "', apiGroup: rbac.authorization.k8s.io}\n"
#define GROUP(n) "- {kind: Group, name: '" n "', apiGroup: rbac.authorization.k8s.io}\n"
#define SA(ns, n) "- {kind: ServiceAccount, name: " n ", namespace: " ns "}\n"
#define SA_NONS(n) "- {kind: ServiceAccount, name: " n "}\n"

/* ---- rules ---- */

static const ld_rbac_rule *first_rule(const ld_rbac_model *m, const char *kind, const char *ns,
                                      const char *name)
{
    const ld_rbac_role *r = ld_rbac_find_role(m, kind, ns, name);
    assert_non_null(r);
    assert_true(r->n_rules > 0);
    return &r->rules[0];
}

static bool allows(const ld_rbac_rule *r, const char *verb, const char *group, const char *res,
                   const char *sub, const char *name, bool *limited)
{
    ld_rbac_request q = {
        .verb = verb, .api_group = group, .resource = res, .subresource = sub, .name = name};
    return ld_rbac_rule_allows(r, &q, limited);
}

static void test_rule_matching(void **state)
{
    (void)state;
    ld_k8s_set *s = load(
        ROLE("ClusterRole", "", "star", "- {apiGroups: ['*'], resources: ['*'], verbs: ['*']}\n")
            ROLE("ClusterRole", "", "pods-only",
                 "- {apiGroups: [''], resources: [pods], verbs: [get, create]}\n")
                ROLE("ClusterRole", "", "any-exec",
                     "- {apiGroups: [''], resources: ['*/exec'], verbs: [create]}\n")
                    ROLE("ClusterRole", "", "named",
                         "- {apiGroups: [''], resources: [secrets], resourceNames: [tls], verbs: "
                         "[get]}\n") ROLE("ClusterRole", "", "urls",
                                          "- {nonResourceURLs: ['/api/*', /healthz], verbs: "
                                          "[get]}\n"));
    ld_rbac_model *m = model_of(s);
    bool limited = false;
    const ld_rbac_rule *star = first_rule(m, "ClusterRole", NULL, "star");
    assert_true(allows(star, "delete", "apps", "deployments", NULL, NULL, NULL));
    assert_true(allows(star, "create", "", "pods", "exec", NULL, NULL));
    const ld_rbac_rule *pods = first_rule(m, "ClusterRole", NULL, "pods-only");
    assert_true(allows(pods, "get", "", "pods", NULL, NULL, NULL));
    assert_false(allows(pods, "delete", "", "pods", NULL, NULL, NULL));
    assert_false(allows(pods, "get", "apps", "pods", NULL, NULL, NULL));
    /* "pods" does not cover its subresources */
    assert_false(allows(pods, "create", "", "pods", "exec", NULL, NULL));
    const ld_rbac_rule *exec = first_rule(m, "ClusterRole", NULL, "any-exec");
    assert_true(allows(exec, "create", "", "pods", "exec", NULL, NULL));
    assert_false(allows(exec, "create", "", "pods", NULL, NULL, NULL));
    assert_false(allows(exec, "create", "", "pods", "attach", NULL, NULL));
    const ld_rbac_rule *named = first_rule(m, "ClusterRole", NULL, "named");
    assert_false(allows(named, "get", "", "secrets", NULL, NULL, &limited));
    assert_true(limited);
    assert_true(allows(named, "get", "", "secrets", NULL, "tls", &limited));
    assert_false(allows(named, "get", "", "secrets", NULL, "db", &limited));
    const ld_rbac_rule *urls = first_rule(m, "ClusterRole", NULL, "urls");
    ld_rbac_request q = {.verb = "get", .non_resource_url = "/api/v1"};
    assert_true(ld_rbac_rule_allows(urls, &q, NULL));
    q.non_resource_url = "/healthz";
    assert_true(ld_rbac_rule_allows(urls, &q, NULL));
    q.non_resource_url = "/healthz/etcd";
    assert_false(ld_rbac_rule_allows(urls, &q, NULL));
    q.verb = "post";
    q.non_resource_url = "/api/v1";
    assert_false(ld_rbac_rule_allows(urls, &q, NULL));
    /* a resource rule never grants a URL, nor a URL rule a resource */
    q.verb = "get";
    assert_false(ld_rbac_rule_allows(pods, &q, NULL));
    assert_false(allows(urls, "get", "", "pods", NULL, NULL, NULL));
    char *t = ld_rbac_rule_text(named);
    assert_string_equal(t, "ClusterRole/named rules[0]: apiGroups [\"\"] resources [secrets] "
                           "resourceNames [tls] verbs [get]");
    free(t);
    ld_rbac_model_free(m);
    ld_k8s_set_free(s);
}

/* ---- identities and subjects ---- */

static void test_identity_parse(void **state)
{
    (void)state;
    ld_error err = LD_ERROR_INIT;
    ld_rbac_identity id;
    assert_int_equal(ld_rbac_identity_parse("serviceaccount:ci:deployer", NULL, &id, &err), 0);
    assert_string_equal(id.user, "system:serviceaccount:ci:deployer");
    assert_int_equal(id.groups.n, 3);
    assert_true(ld_strlist_contains(&id.groups, "system:serviceaccounts"));
    assert_true(ld_strlist_contains(&id.groups, "system:serviceaccounts:ci"));
    assert_true(ld_strlist_contains(&id.groups, "system:authenticated"));
    ld_rbac_identity_clear(&id);
    /* the raw user name a token carries is the same account */
    assert_int_equal(ld_rbac_identity_parse("system:serviceaccount:ci:deployer", NULL, &id, &err),
                     0);
    assert_string_equal(id.display, "ServiceAccount:ci:deployer");
    ld_rbac_identity_clear(&id);
    ld_strlist extra = {0};
    ld_strlist_push(&extra, "dev");
    assert_int_equal(ld_rbac_identity_parse("User:alice", &extra, &id, &err), 0);
    assert_string_equal(id.user, "alice");
    assert_true(ld_strlist_contains(&id.groups, "dev"));
    assert_true(ld_strlist_contains(&id.groups, "system:authenticated"));
    ld_rbac_identity_clear(&id);
    assert_int_equal(ld_rbac_identity_parse("user:system:anonymous", NULL, &id, &err), 0);
    assert_true(ld_strlist_contains(&id.groups, "system:unauthenticated"));
    assert_false(ld_strlist_contains(&id.groups, "system:authenticated"));
    ld_rbac_identity_clear(&id);
    /* a group query is the group alone */
    assert_int_equal(ld_rbac_identity_parse("group:dev", &extra, &id, &err), 0);
    assert_null(id.user);
    assert_int_equal(id.groups.n, 1);
    ld_rbac_identity_clear(&id);
    ld_strlist_clear(&extra);
    assert_true(ld_rbac_identity_parse("alice", NULL, &id, &err) < 0);
    assert_non_null(strstr(err.msg, "no kind"));
    assert_true(ld_rbac_identity_parse("serviceaccount:onlyname", NULL, &id, &err) < 0);
    assert_true(ld_rbac_identity_parse("robot:x", NULL, &id, &err) < 0);
    assert_non_null(strstr(err.msg, "unknown kind"));
}

/* The grants of an answer as "namespace|subject|binding|role rules[i]"
 * lines ("*" for cluster-wide, "-" for no subject), in the answer's
 * order. */
static char *grants_text(const ld_rbac_grants *g)
{
    ld_strlist lines = {0};
    for (size_t i = 0; i < g->n; i++) {
        const ld_rbac_grant *gr = &g->v[i];
        char *subj = gr->subject ? ld_rbac_subject_text(gr->subject) : ld_xstrdup("-");
        char *role = ld_rbac_role_id(gr->rule->role);
        ld_strlist_push_owned(&lines, ld_xasprintf("%s|%s|%s|%s[%zu]%s",
                                                   gr->namespace_ ? gr->namespace_ : "*", subj,
                                                   gr->binding->name, role, gr->rule->index,
                                                   gr->limited ? " names" : ""));
        free(subj);
        free(role);
    }
    char *out = ld_strlist_join(&lines, "\n");
    ld_strlist_clear(&lines);
    return out;
}

static char *who_can(const ld_rbac_model *m, const char *verb, const char *group, const char *res,
                     const char *sub, const char *ns)
{
    ld_error err = LD_ERROR_INIT;
    ld_rbac_grants g = {0};
    ld_rbac_request q = {.verb = verb, .api_group = group, .resource = res, .subresource = sub};
    assert_int_equal(ld_rbac_who_can(m, &q, ns, &g, &err), 0);
    char *t = grants_text(&g);
    ld_rbac_grants_clear(&g);
    return t;
}

static char *access_of(const ld_rbac_model *m, const char *spec, const char *ns)
{
    ld_error err = LD_ERROR_INIT;
    ld_rbac_identity id;
    assert_int_equal(ld_rbac_identity_parse(spec, NULL, &id, &err), 0);
    ld_rbac_grants g = {0};
    assert_int_equal(ld_rbac_access(m, &id, ns, &g, &err), 0);
    char *t = grants_text(&g);
    ld_rbac_grants_clear(&g);
    ld_rbac_identity_clear(&id);
    return t;
}

/* One small cluster for the scope and subject tests:
 *   Role ci/deployer         rules[0] create,get pods; rules[1] get secrets (name "ci-token")
 *   ClusterRole secret-reader rules[0] get,list secrets
 *   ClusterRole node-reader  rules[0] get nodes
 *   RoleBinding ci/deploy    -> Role deployer       : SA "builder" (no namespace: ci's)
 *   RoleBinding ci/readers   -> ClusterRole secret-reader : Group system:serviceaccounts:ci
 *   RoleBinding web/readers  -> ClusterRole secret-reader : User bob
 *   RoleBinding web/nodes    -> ClusterRole node-reader   : User bob (grants nothing: nodes are
 *                                                          cluster-scoped)
 *   ClusterRoleBinding ops   -> ClusterRole secret-reader : Group ops, SA without namespace
 *                                                          (matches nobody) */
static const char cluster_yaml[] =
    ROLE("Role", NS("ci"), "deployer",
         "- {apiGroups: [''], resources: [pods], verbs: [create, get]}\n"
         "- {apiGroups: [''], resources: [secrets], resourceNames: [ci-token], verbs: [get]}\n")
        ROLE("ClusterRole", "", "secret-reader",
             "- {apiGroups: [''], resources: [secrets], verbs: [get, list]}\n")
            ROLE("ClusterRole", "", "node-reader",
                 "- {apiGroups: [''], resources: [nodes], verbs: [get]}\n")
                BINDING("RoleBinding", NS("ci"), "deploy", "Role", "deployer", SA_NONS("builder"))
                    BINDING("RoleBinding", NS("ci"), "readers", "ClusterRole", "secret-reader",
                            GROUP("system:serviceaccounts:ci"))
                        BINDING("RoleBinding", NS("web"), "readers", "ClusterRole", "secret-reader",
                                USER("bob")) BINDING("RoleBinding", NS("web"), "nodes",
                                                     "ClusterRole", "node-reader", USER("bob"))
                            BINDING("ClusterRoleBinding", "", "ops", "ClusterRole", "secret-reader",
                                    GROUP("ops") SA_NONS("orphan"));

static void test_who_can_scope(void **state)
{
    (void)state;
    ld_k8s_set *s = load(cluster_yaml);
    ld_rbac_model *m = model_of(s);
    /* get secrets anywhere: the ClusterRoleBinding first (Group ops; its
     * namespace-less ServiceAccount matches nobody), then ci (the group,
     * then the deployer's names-limited rule), then web */
    char *t = who_can(m, "get", "", "secrets", NULL, NULL);
    assert_string_equal(t,
                        "*|Group:ops|ops|ClusterRole/secret-reader[0]\n"
                        "ci|Group:system:serviceaccounts:ci|readers|ClusterRole/secret-reader[0]\n"
                        "ci|ServiceAccount:ci:builder|deploy|Role/ci/deployer[1] names\n"
                        "web|User:bob|readers|ClusterRole/secret-reader[0]");
    free(t);
    /* in namespace web: the cluster binding and web's own only */
    t = who_can(m, "list", "", "secrets", NULL, "web");
    assert_string_equal(t, "*|Group:ops|ops|ClusterRole/secret-reader[0]\n"
                           "web|User:bob|readers|ClusterRole/secret-reader[0]");
    free(t);
    /* nodes are cluster-scoped: the RoleBinding in web grants nothing */
    t = who_can(m, "get", "", "nodes", NULL, NULL);
    assert_string_equal(t, "");
    free(t);
    t = who_can(m, "create", "", "pods", NULL, "ci");
    assert_string_equal(t, "ci|ServiceAccount:ci:builder|deploy|Role/ci/deployer[0]");
    free(t);
    ld_rbac_model_free(m);
    ld_k8s_set_free(s);
}

static void test_access_subjects(void **state)
{
    (void)state;
    ld_k8s_set *s = load(cluster_yaml);
    ld_rbac_model *m = model_of(s);
    /* ci's builder: its own RoleBinding (SA subject defaulted to ci) and,
     * through system:serviceaccounts:ci, the readers binding */
    char *t = access_of(m, "serviceaccount:ci:builder", NULL);
    assert_string_equal(t, "ci|-|deploy|Role/ci/deployer[0]\n"
                           "ci|-|deploy|Role/ci/deployer[1] names\n"
                           "ci|-|readers|ClusterRole/secret-reader[0]");
    free(t);
    /* another account of ci gets the group's grant only */
    t = access_of(m, "serviceaccount:ci:other", NULL);
    assert_string_equal(t, "ci|-|readers|ClusterRole/secret-reader[0]");
    free(t);
    /* builder of web is another account: nothing */
    t = access_of(m, "sa:web:builder", NULL);
    assert_string_equal(t, "");
    free(t);
    /* the SA subject of the ClusterRoleBinding has no namespace: nobody */
    t = access_of(m, "serviceaccount:default:orphan", NULL);
    assert_string_equal(t, "");
    free(t);
    /* bob, limited to namespace web: his node-reader RoleBinding grants
     * nothing (nodes are cluster-scoped) */
    t = access_of(m, "user:bob", "web");
    assert_string_equal(t, "web|-|readers|ClusterRole/secret-reader[0]");
    free(t);
    t = access_of(m, "group:ops", "ci");
    assert_string_equal(t, "*|-|ops|ClusterRole/secret-reader[0]");
    free(t);
    ld_rbac_model_free(m);
    ld_k8s_set_free(s);
}

/* ---- aggregation ---- */

static void test_aggregation(void **state)
{
    (void)state;
    /* top aggregates (label tier=a) mid and leaf-a; mid aggregates
     * (matchExpressions tier In [b]) leaf-b; loop-1 and loop-2 pick each
     * other. Hand-computed: top grants leaf-a's, mid's own (none), and
     * leaf-b's through mid; mid grants leaf-b's. */
    ld_k8s_set *s =
        load("apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: top}\n"
             "aggregationRule:\n  clusterRoleSelectors:\n  - matchLabels: {tier: a}\n"
             "rules:\n- {apiGroups: [''], resources: [namespaces], verbs: [delete]}\n"
             "---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\n"
             "metadata: {name: mid, labels: {tier: a}}\n"
             "aggregationRule:\n  clusterRoleSelectors:\n"
             "  - matchExpressions: [{key: tier, operator: In, values: [b]}]\nrules: []\n"
             "---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\n"
             "metadata: {name: leaf-a, labels: {tier: a}}\n"
             "rules:\n- {apiGroups: [''], resources: [configmaps], verbs: [get]}\n"
             "---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\n"
             "metadata: {name: leaf-b, labels: {tier: b}}\n"
             "rules:\n- {apiGroups: [''], resources: [secrets], verbs: [list]}\n"
             "---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\n"
             "metadata: {name: loop-1, labels: {loop: '2'}}\n"
             "aggregationRule:\n  clusterRoleSelectors:\n  - matchLabels: {loop: '1'}\n"
             "rules:\n- {apiGroups: [''], resources: [events], verbs: [get]}\n"
             "---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\n"
             "metadata: {name: loop-2, labels: {loop: '1'}}\n"
             "aggregationRule:\n  clusterRoleSelectors:\n  - matchLabels: {loop: '2'}\n"
             "rules:\n- {apiGroups: [''], resources: [endpoints], verbs: [get]}\n" BINDING(
                 "ClusterRoleBinding", "", "top-to-dev", "ClusterRole", "top", GROUP("dev")));
    ld_rbac_model *m = model_of(s);
    char *t = NULL;
    const ld_rbac_role *top = ld_rbac_find_role(m, "ClusterRole", NULL, "top");
    assert_non_null(top);
    assert_true(top->aggregated);
    assert_int_equal(top->n_effective, 2);
    assert_int_equal(top->n_aggregated_from, 2); /* leaf-a, mid (by name) */
    assert_string_equal(top->aggregated_from[0]->name, "leaf-a");
    assert_string_equal(top->aggregated_from[1]->name, "mid");
    const ld_rbac_role *mid = ld_rbac_find_role(m, "ClusterRole", NULL, "mid");
    assert_int_equal(mid->n_effective, 1);
    assert_string_equal(mid->effective[0]->role->name, "leaf-b");
    /* the loop ends (loop-1 is computed first: loop-2 takes loop-1's own
     * rule, and loop-1 takes loop-2's result) */
    const ld_rbac_role *l1 = ld_rbac_find_role(m, "ClusterRole", NULL, "loop-1");
    const ld_rbac_role *l2 = ld_rbac_find_role(m, "ClusterRole", NULL, "loop-2");
    assert_int_equal(l1->n_effective, 1);
    assert_int_equal(l2->n_effective, 1);
    assert_ptr_equal(l1->effective[0], l2->effective[0]);
    assert_string_equal(l1->effective[0]->role->name, "loop-1");
    /* top's own rule is overwritten by the aggregation controller */
    t = who_can(m, "delete", "", "namespaces", NULL, NULL);
    assert_string_equal(t, "");
    free(t);
    t = who_can(m, "list", "", "secrets", NULL, "anywhere");
    assert_string_equal(t, "*|Group:dev|top-to-dev|ClusterRole/leaf-b[0]");
    free(t);
    t = who_can(m, "get", "", "configmaps", NULL, NULL);
    assert_string_equal(t, "*|Group:dev|top-to-dev|ClusterRole/leaf-a[0]");
    free(t);
    ld_rbac_model_free(m);
    ld_k8s_set_free(s);
}

/* A binding to edit, which the inputs do not define, resolves to the
 * built-in default; an input ClusterRole labelled aggregate-to-edit joins
 * it; a binding to an unknown role is reported missing. */
static void test_builtin_and_missing(void **state)
{
    (void)state;
    ld_k8s_set *s = load(
        "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\n"
        "metadata: {name: crd-editor, labels: {rbac.authorization.k8s.io/aggregate-to-edit: "
        "'true'}}\n"
        "rules:\n- {apiGroups: [example.com], resources: [widgets], verbs: [create]}\n" BINDING(
            "RoleBinding", NS("prod"), "dev-edit", "ClusterRole", "edit", GROUP("dev"))
            BINDING("RoleBinding", NS("prod"), "dev-custom", "ClusterRole", "custom-role",
                    GROUP("dev")));
    ld_rbac_model *m = model_of(s);
    const ld_strlist *missing = ld_rbac_model_missing(m);
    assert_int_equal(missing->n, 1);
    assert_string_equal(missing->v[0], "ClusterRole/custom-role");
    assert_true(ld_strlist_contains(ld_rbac_model_builtin_used(m), "ClusterRole/edit"));
    /* edit = system:aggregate-to-edit + view's aggregation + crd-editor;
     * create pods is system:aggregate-to-edit rules[2] (facts of the
     * Kubernetes bootstrap policy) */
    char *t = who_can(m, "create", "", "pods", NULL, "prod");
    assert_string_equal(t, "prod|Group:dev|dev-edit|ClusterRole/system:aggregate-to-edit[2]");
    free(t);
    t = who_can(m, "create", "example.com", "widgets", NULL, "prod");
    assert_string_equal(t, "prod|Group:dev|dev-edit|ClusterRole/crd-editor[0]");
    free(t);
    /* view's rules reach edit: get pods is system:aggregate-to-view rules[0] */
    t = who_can(m, "get", "", "pods", NULL, "prod");
    assert_string_equal(t, "prod|Group:dev|dev-edit|ClusterRole/system:aggregate-to-view[0]");
    free(t);
    ld_error err = LD_ERROR_INIT;
    ld_rbac_identity id;
    assert_int_equal(ld_rbac_identity_parse("group:dev", NULL, &id, &err), 0);
    ld_rbac_grants g = {0};
    assert_int_equal(ld_rbac_access(m, &id, NULL, &g, &err), 0);
    assert_int_equal(g.unresolved.n, 1);
    assert_non_null(
        strstr(g.unresolved.v[0], "RoleBinding/prod/dev-custom -> ClusterRole/custom-role"));
    ld_rbac_grants_clear(&g);
    ld_rbac_identity_clear(&id);
    ld_rbac_model_free(m);
    ld_k8s_set_free(s);
}

/* ---- the checks ---- */

typedef struct {
    ld_strlist prod, devs;
    ld_k8s_scan_options o;
} opts_holder;

static ld_findings *scan(const char *yaml, const ld_k8s_scan_options *o)
{
    ld_error err = LD_ERROR_INIT;
    ld_k8s_set *s = load(yaml);
    ld_findings *fs = ld_findings_new(catalog, 1700000000);
    ld_k8s_scan_options none = {0};
    if (ld_k8s_rbac_checks(fs, s, o ? o : &none, &err) < 0)
        fail_msg("rbac checks: %s", err.msg);
    ld_k8s_set_free(s);
    return fs;
}

static size_t count(const ld_findings *fs, const char *check, ld_status st)
{
    size_t n = 0;
    for (size_t i = 0; i < fs->n; i++)
        n += strcmp(fs->v[i]->check_id, check) == 0 && fs->v[i]->status == st;
    return n;
}

static const ld_finding *find(const ld_findings *fs, const char *check, ld_status st)
{
    for (size_t i = 0; i < fs->n; i++)
        if (strcmp(fs->v[i]->check_id, check) == 0 && fs->v[i]->status == st)
            return fs->v[i];
    fail_msg("no %s finding of %s", ld_status_name(st), check);
    return NULL;
}

/* Each check sees the failing manifests fail (with the binding or role
 * named and its line) and the passing ones pass. */
typedef struct {
    const char *check;
    const char *failing;
    const char *target;   /* the failing finding's target id */
    int line;             /* its line in rbac.yaml */
    const char *evidence; /* a part of its evidence */
    const char *passing;
} check_case;

#define SECRET_READER                                                                              \
    ROLE("ClusterRole", "", "reader", "- {apiGroups: [''], resources: [secrets], verbs: [list]}\n")

static const check_case cases[] = {
    {"k8s.rbac.cluster-admin",
     BINDING("ClusterRoleBinding", "", "ci-admin", "ClusterRole", "cluster-admin",
             SA("ci", "deployer")),
     "ClusterRoleBinding/ci-admin", 7, "ServiceAccount:ci:deployer",
     BINDING("ClusterRoleBinding", "", "ci-view", "ClusterRole", "view", SA("ci", "deployer"))},
    {"k8s.rbac.wildcards",
     ROLE("Role", NS("app"), "lazy",
          "- {apiGroups: [apps], resources: [deployments], verbs: [get]}\n"
          "- {apiGroups: [''], resources: ['*'], verbs: [get]}\n"),
     "Role/app/lazy", 9, "\"*\" in resources: Role/app/lazy rules[1]",
     ROLE("Role", NS("app"), "tidy",
          "- {apiGroups: [apps], resources: [deployments], verbs: [get]}\n")},
    {"k8s.rbac.secrets-read",
     SECRET_READER BINDING("ClusterRoleBinding", "", "all-read", "ClusterRole", "reader",
                           USER("carol")),
     "ClusterRoleBinding/all-read", 14, "read of Secrets",
     SECRET_READER BINDING("ClusterRoleBinding", "", "all-read", "ClusterRole", "view",
                           USER("carol"))},
    {"k8s.rbac.create-pods",
     BINDING("RoleBinding", NS("kube-system"), "ks-edit", "ClusterRole", "edit", USER("dave")),
     "RoleBinding/kube-system/ks-edit", 8, "privileged: the control plane's namespace",
     /* edit in an ordinary namespace: judged, nothing to say */
     BINDING("RoleBinding", NS("team"), "team-edit", "ClusterRole", "edit", USER("dave"))},
    {"k8s.rbac.pod-exec",
     "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: infra\n  labels:\n"
     "    pod-security.kubernetes.io/enforce: privileged\n" ROLE(
         "Role", NS("infra"), "shell",
         "- {apiGroups: [''], resources: [pods/exec], verbs: [create]}\n")
         BINDING("RoleBinding", NS("infra"), "shell", "Role", "shell", USER("erin")),
     "RoleBinding/infra/shell", 22, "pod-security.kubernetes.io/enforce=privileged",
     "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: infra\n  labels:\n"
     "    pod-security.kubernetes.io/enforce: restricted\n" ROLE(
         "Role", NS("infra"), "shell",
         "- {apiGroups: [''], resources: [pods/exec], verbs: [create]}\n")
         BINDING("RoleBinding", NS("infra"), "shell", "Role", "shell", USER("erin"))},
    {"k8s.rbac.escalate-bind-impersonate",
     ROLE("ClusterRole", "", "imp",
          "- {apiGroups: [''], resources: [users], resourceNames: [admin], verbs: [impersonate]}\n")
         BINDING("ClusterRoleBinding", "", "imp", "ClusterRole", "imp", USER("frank")),
     "ClusterRoleBinding/imp", 14, "escalate, bind or impersonate",
     /* bind limited to named roles is the pattern the benchmark recommends */
     ROLE("ClusterRole", "", "binder",
          "- {apiGroups: [rbac.authorization.k8s.io], resources: [clusterroles], resourceNames: "
          "[view], verbs: [bind]}\n")
         BINDING("ClusterRoleBinding", "", "binder", "ClusterRole", "binder", USER("frank"))},
    {"k8s.rbac.pv-create",
     ROLE("ClusterRole", "", "pv",
          "- {apiGroups: [''], resources: [persistentvolumes], verbs: [create]}\n")
         BINDING("ClusterRoleBinding", "", "pv", "ClusterRole", "pv", USER("gina")),
     "ClusterRoleBinding/pv", 14, "create persistentvolumes",
     /* a RoleBinding cannot grant a cluster-scoped resource */
     ROLE("ClusterRole", "", "pv",
          "- {apiGroups: [''], resources: [persistentvolumes], verbs: [create]}\n")
         BINDING("RoleBinding", NS("x"), "pv", "ClusterRole", "pv", USER("gina"))},
    {"k8s.rbac.nodes-proxy",
     ROLE("ClusterRole", "", "np", "- {apiGroups: [''], resources: [nodes/proxy], verbs: [get]}\n")
         BINDING("ClusterRoleBinding", "", "np", "ClusterRole", "np", SA("monitoring", "scraper")),
     "ClusterRoleBinding/np", 14, "nodes/proxy",
     ROLE("ClusterRole", "", "np",
          "- {apiGroups: [''], resources: [nodes/metrics], verbs: [get]}\n")
         BINDING("ClusterRoleBinding", "", "np", "ClusterRole", "np", SA("monitoring", "scraper"))},
    {"k8s.rbac.csr-approval",
     ROLE("ClusterRole", "", "approver",
          "- {apiGroups: [certificates.k8s.io], resources: [certificatesigningrequests/approval], "
          "verbs: [update]}\n")
         BINDING("ClusterRoleBinding", "", "approver", "ClusterRole", "approver", USER("hank")),
     "ClusterRoleBinding/approver", 14, "certificatesigningrequests/approval",
     ROLE("ClusterRole", "", "approver",
          "- {apiGroups: [certificates.k8s.io], resources: [certificatesigningrequests], verbs: "
          "[get]}\n")
         BINDING("ClusterRoleBinding", "", "approver", "ClusterRole", "approver", USER("hank"))},
    {"k8s.rbac.webhook-config",
     ROLE("ClusterRole", "", "hooks",
          "- {apiGroups: [admissionregistration.k8s.io], resources: "
          "[validatingwebhookconfigurations], verbs: [patch]}\n")
         BINDING("ClusterRoleBinding", "", "hooks", "ClusterRole", "hooks", SA("cert", "injector")),
     "ClusterRoleBinding/hooks", 14, "webhook configurations",
     ROLE("ClusterRole", "", "hooks",
          "- {apiGroups: [admissionregistration.k8s.io], resources: "
          "[validatingwebhookconfigurations], verbs: [get, list]}\n")
         BINDING("ClusterRoleBinding", "", "hooks", "ClusterRole", "hooks",
                 SA("cert", "injector"))},
    {"k8s.rbac.sa-token-create",
     ROLE("Role", NS("ci"), "minter",
          "- {apiGroups: [''], resources: [serviceaccounts/token], verbs: [create]}\n")
         BINDING("RoleBinding", NS("ci"), "minter", "Role", "minter", SA("ci", "runner")),
     "RoleBinding/ci/minter", 16, "serviceaccounts/token",
     ROLE("Role", NS("ci"), "minter",
          "- {apiGroups: [''], resources: [serviceaccounts], verbs: [get]}\n")
         BINDING("RoleBinding", NS("ci"), "minter", "Role", "minter", SA("ci", "runner"))},
    {"k8s.rbac.anonymous",
     ROLE("ClusterRole", "", "open", "- {apiGroups: [''], resources: [configmaps], verbs: [get]}\n")
         BINDING("ClusterRoleBinding", "", "open", "ClusterRole", "open",
                 GROUP("system:unauthenticated")),
     "ClusterRoleBinding/open", 14, "Group:system:unauthenticated",
     /* health and version endpoints only, as the Kubernetes defaults */
     ROLE("ClusterRole", "", "open", "- {nonResourceURLs: [/healthz, /version], verbs: [get]}\n")
         BINDING("ClusterRoleBinding", "", "open", "ClusterRole", "open",
                 GROUP("system:unauthenticated"))},
    {"k8s.rbac.default-service-account",
     "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: default, namespace: shop}\n",
     "ServiceAccount/shop/default", 1, "automountServiceAccountToken is not set",
     "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: default, namespace: shop}\n"
     "automountServiceAccountToken: false\n"},
    {"k8s.rbac.sa-token-automount",
     "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: idle, namespace: shop}\n"
     "automountServiceAccountToken: true\n" BINDING("RoleBinding", NS("shop"), "other",
                                                    "ClusterRole", "view", SA("shop", "busy")),
     "ServiceAccount/shop/idle", 4, "grants this account anything",
     "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: busy, namespace: shop}\n" BINDING(
         "RoleBinding", NS("shop"), "other", "ClusterRole", "view", SA("shop", "busy"))},
};

static void test_each_check_fails_and_passes(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const check_case *c = &cases[i];
        ld_findings *fs = scan(c->failing, NULL);
        if (count(fs, c->check, LD_STATUS_FAIL) != 1)
            fail_msg("%s: %zu failures on its failing case", c->check,
                     count(fs, c->check, LD_STATUS_FAIL));
        const ld_finding *f = find(fs, c->check, LD_STATUS_FAIL);
        assert_string_equal(f->target.id, c->target);
        assert_string_equal(f->target.path, "rbac.yaml");
        if (f->target.line != c->line)
            fail_msg("%s: line %d, expected %d (%s)", c->check, f->target.line, c->line,
                     f->evidence);
        if (!strstr(f->evidence, c->evidence))
            fail_msg("%s: evidence \"%s\" lacks \"%s\"", c->check, f->evidence, c->evidence);
        assert_int_equal(count(fs, c->check, LD_STATUS_PASS), 0);
        ld_findings_free(fs);
        fs = scan(c->passing, NULL);
        if (count(fs, c->check, LD_STATUS_PASS) != 1 || count(fs, c->check, LD_STATUS_FAIL) ||
            count(fs, c->check, LD_STATUS_WARN))
            fail_msg("%s: the passing case did not pass", c->check);
        ld_findings_free(fs);
    }
}

/* The cluster-admin binding findings name the role's rule; a user is
 * asked to review (warn), system:masters and the API server's own
 * component bindings are left alone, broad groups fail. */
static void test_cluster_admin_subjects(void **state)
{
    (void)state;
    ld_findings *fs =
        scan(BINDING("ClusterRoleBinding", "", "alice-admin", "ClusterRole", "cluster-admin",
                     USER("alice")) "---\napiVersion: rbac.authorization.k8s.io/v1\nkind: "
                                    "ClusterRoleBinding\n"
                                    "metadata:\n  name: cluster-admin\n  labels: "
                                    "{kubernetes.io/bootstrapping: rbac-defaults}\n"
                                    "roleRef: {apiGroup: rbac.authorization.k8s.io, kind: "
                                    "ClusterRole, name: cluster-admin}\n"
                                    "subjects:\n" GROUP("system:masters")
                                        BINDING("ClusterRoleBinding", "", "everyone", "ClusterRole",
                                                "cluster-admin", GROUP("system:authenticated")),
             NULL);
    assert_int_equal(count(fs, "k8s.rbac.cluster-admin", LD_STATUS_WARN), 1);
    assert_int_equal(count(fs, "k8s.rbac.cluster-admin", LD_STATUS_FAIL), 1);
    const ld_finding *w = find(fs, "k8s.rbac.cluster-admin", LD_STATUS_WARN);
    assert_string_equal(w->target.id, "ClusterRoleBinding/alice-admin");
    assert_non_null(strstr(w->evidence, "ClusterRole/cluster-admin rules[0]: apiGroups [*] "
                                        "resources [*] verbs [*]"));
    const ld_finding *f = find(fs, "k8s.rbac.cluster-admin", LD_STATUS_FAIL);
    assert_string_equal(f->target.id, "ClusterRoleBinding/everyone");
    /* both bindings also read every Secret cluster-wide; system:masters'
     * does too, but it is left alone */
    assert_int_equal(count(fs, "k8s.rbac.secrets-read", LD_STATUS_FAIL), 2);
    assert_int_equal(count(fs, "k8s.rbac.anonymous", LD_STATUS_FAIL), 0);
    ld_findings_free(fs);
}

/* A namespaced secrets read by one user: needs review, not a failure. */
static void test_secrets_namespaced_review(void **state)
{
    (void)state;
    ld_findings *fs = scan(SECRET_READER BINDING("RoleBinding", NS("shop"), "r", "ClusterRole",
                                                 "reader", USER("ivan")),
                           NULL);
    assert_int_equal(count(fs, "k8s.rbac.secrets-read", LD_STATUS_WARN), 1);
    assert_int_equal(count(fs, "k8s.rbac.secrets-read", LD_STATUS_FAIL), 0);
    assert_int_equal(count(fs, "k8s.rbac.secrets-read", LD_STATUS_PASS), 0);
    ld_findings_free(fs);
}

/* A binding to a role the inputs do not hold: no check passes on it; each
 * says the permission set is incomplete and names the binding. */
static void test_unresolved_is_not_a_pass(void **state)
{
    (void)state;
    ld_findings *fs = scan(BINDING("ClusterRoleBinding", "", "mystery", "ClusterRole",
                                   "vendor-operator", SA("vendor", "operator")),
                           NULL);
    const char *checks[] = {"k8s.rbac.cluster-admin", "k8s.rbac.secrets-read",
                            "k8s.rbac.nodes-proxy", "k8s.rbac.webhook-config"};
    for (size_t i = 0; i < 4; i++) {
        assert_int_equal(count(fs, checks[i], LD_STATUS_PASS), 0);
        const ld_finding *w = find(fs, checks[i], LD_STATUS_WARN);
        assert_non_null(strstr(w->evidence, "incomplete"));
        assert_non_null(strstr(w->evidence, "ClusterRoleBinding/mystery"));
        assert_non_null(strstr(w->evidence, "ClusterRole/vendor-operator"));
    }
    bool noted = false;
    for (size_t i = 0; i < fs->notes.n; i++)
        noted |= strstr(fs->notes.v[i], "ClusterRole/vendor-operator") != NULL;
    assert_true(noted);
    ld_findings_free(fs);
}

static void test_nothing_to_judge(void **state)
{
    (void)state;
    ld_findings *fs = scan("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n", NULL);
    assert_int_equal(count(fs, "k8s.rbac.secrets-read", LD_STATUS_SKIPPED), 1);
    assert_int_equal(count(fs, "k8s.rbac.wildcards", LD_STATUS_SKIPPED), 1);
    assert_int_equal(count(fs, "k8s.rbac.secrets-read", LD_STATUS_PASS), 0);
    ld_findings_free(fs);
}

/* ---- developers and production ---- */

static void prod_opts(opts_holder *h, const char *const *prod, const char *const *devs)
{
    memset(h, 0, sizeof(*h));
    for (; prod && *prod; prod++)
        ld_strlist_push(&h->prod, *prod);
    for (; devs && *devs; devs++)
        ld_strlist_push(&h->devs, *devs);
    h->o.production_namespaces = &h->prod;
    h->o.developer_groups = &h->devs;
}

static void prod_clear(opts_holder *h)
{
    ld_strlist_clear(&h->prod);
    ld_strlist_clear(&h->devs);
}

static const char prod_yaml[] = BINDING("RoleBinding", NS("prod"), "dev-view", "ClusterRole",
                                        "view", GROUP("developers"))
    BINDING("RoleBinding", NS("staging"), "dev-edit", "ClusterRole", "edit", GROUP("developers"));

static void test_production_access(void **state)
{
    (void)state;
    const char *prod[] = {"prod", NULL}, *devs[] = {"developers", NULL};
    opts_holder h;
    /* no production namespaces in the policy: not applicable, never a pass */
    prod_opts(&h, NULL, devs);
    ld_findings *fs = scan(prod_yaml, &h.o);
    const ld_finding *na = find(fs, "k8s.rbac.production-access", LD_STATUS_SKIPPED);
    assert_string_equal(na->evidence, "the policy names no production namespaces "
                                      "(kubernetes.production-namespaces)");
    assert_int_equal(count(fs, "k8s.rbac.production-access", LD_STATUS_PASS), 0);
    ld_findings_free(fs);
    prod_clear(&h);
    /* view in prod, edit in staging: passes */
    prod_opts(&h, prod, devs);
    fs = scan(prod_yaml, &h.o);
    assert_int_equal(count(fs, "k8s.rbac.production-access", LD_STATUS_PASS), 1);
    assert_int_equal(count(fs, "k8s.rbac.production-access", LD_STATUS_FAIL), 0);
    ld_findings_free(fs);
    /* edit in prod fails, naming the binding and a write rule */
    fs = scan(
        BINDING("RoleBinding", NS("prod"), "dev-edit", "ClusterRole", "edit", GROUP("developers")),
        &h.o);
    const ld_finding *f = find(fs, "k8s.rbac.production-access", LD_STATUS_FAIL);
    assert_string_equal(f->target.id, "RoleBinding/prod/dev-edit");
    assert_non_null(strstr(f->evidence, "Group:developers"));
    assert_non_null(strstr(f->evidence, "ClusterRole/system:aggregate-to-edit rules["));
    assert_non_null(strstr(f->evidence, "write"));
    ld_findings_free(fs);
    /* a ClusterRoleBinding reaches production too; exec alone counts */
    fs = scan(ROLE("ClusterRole", "", "debug",
                   "- {apiGroups: [''], resources: [pods/exec], verbs: [create]}\n")
                  BINDING("ClusterRoleBinding", "", "dev-debug", "ClusterRole", "debug",
                          GROUP("developers")),
              &h.o);
    f = find(fs, "k8s.rbac.production-access", LD_STATUS_FAIL);
    assert_non_null(strstr(f->evidence, "exec"));
    assert_non_null(strstr(f->evidence, "production namespaces prod included"));
    ld_findings_free(fs);
    /* a write on a cluster-scoped resource is not access to production */
    fs = scan(ROLE("ClusterRole", "", "nodes",
                   "- {apiGroups: [''], resources: [nodes], verbs: [patch]}\n")
                  BINDING("ClusterRoleBinding", "", "dev-nodes", "ClusterRole", "nodes",
                          GROUP("developers")),
              &h.o);
    assert_int_equal(count(fs, "k8s.rbac.production-access", LD_STATUS_PASS), 1);
    ld_findings_free(fs);
    prod_clear(&h);
    /* production namespaces may be globs */
    const char *globs[] = {"prod-*", NULL};
    prod_opts(&h, globs, devs);
    fs = scan(BINDING("RoleBinding", NS("prod-eu"), "dev-edit", "ClusterRole", "edit",
                      GROUP("developers")) BINDING("RoleBinding", NS("preprod"), "dev-edit",
                                                   "ClusterRole", "edit", GROUP("developers")),
              &h.o);
    assert_int_equal(count(fs, "k8s.rbac.production-access", LD_STATUS_FAIL), 1);
    assert_string_equal(find(fs, "k8s.rbac.production-access", LD_STATUS_FAIL)->target.id,
                        "RoleBinding/prod-eu/dev-edit");
    ld_findings_free(fs);
    prod_clear(&h);
    prod_opts(&h, prod, devs);
    /* another group's edit in prod is not the developers' */
    fs = scan(BINDING("RoleBinding", NS("prod"), "sre-edit", "ClusterRole", "edit", GROUP("sre")),
              &h.o);
    assert_int_equal(count(fs, "k8s.rbac.production-access", LD_STATUS_PASS), 1);
    ld_findings_free(fs);
    /* system:authenticated includes every developer */
    fs = scan(BINDING("RoleBinding", NS("prod"), "all-edit", "ClusterRole", "edit",
                      GROUP("system:authenticated")),
              &h.o);
    assert_int_equal(count(fs, "k8s.rbac.production-access", LD_STATUS_FAIL), 1);
    ld_findings_free(fs);
    /* an unknown role for developers in prod: needs review */
    fs = scan(BINDING("RoleBinding", NS("prod"), "dev-x", "ClusterRole", "x", GROUP("developers")),
              &h.o);
    assert_int_equal(count(fs, "k8s.rbac.production-access", LD_STATUS_WARN), 1);
    assert_int_equal(count(fs, "k8s.rbac.production-access", LD_STATUS_PASS), 0);
    ld_findings_free(fs);
    prod_clear(&h);
}

static int setup(void **state)
{
    (void)state;
    ld_error err = LD_ERROR_INIT;
    catalog = ld_catalog_load_builtin(&err);
    if (!catalog)
        fail_msg("catalog: %s", err.msg);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    ld_catalog_free(catalog);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rule_matching),
        cmocka_unit_test(test_identity_parse),
        cmocka_unit_test(test_who_can_scope),
        cmocka_unit_test(test_access_subjects),
        cmocka_unit_test(test_aggregation),
        cmocka_unit_test(test_builtin_and_missing),
        cmocka_unit_test(test_each_check_fails_and_passes),
        cmocka_unit_test(test_cluster_admin_subjects),
        cmocka_unit_test(test_secrets_namespaced_review),
        cmocka_unit_test(test_unresolved_is_not_a_pass),
        cmocka_unit_test(test_nothing_to_judge),
        cmocka_unit_test(test_production_access),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
