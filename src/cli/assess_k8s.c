/* The orchestrator tier of `lockdown assess`: the node checks when
 * Kubernetes is on this machine (ld_k8s_node_assess declares them not
 * applicable otherwise), and the cluster checks of `k8s scan` when a
 * kubeconfig is given or found ($KUBECONFIG, ~/.kube/config). Without a
 * kubeconfig the cluster's checks are not applicable; with one whose
 * cluster cannot be read they are not assessed, so the gate fails closed
 * on the required ones. Only wiring: the checks live in src/k8s. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "checks/image_scan.h"
#include "checks/secrets.h"
#include "cli/assess_k8s.h"
#include "k8s/api_lists.h"
#include "k8s/k8s_scan.h"
#include "k8s/node.h"
#include "util/cleanup.h"
#include "util/mem.h"

/* The check families `k8s scan` runs over a cluster's objects. */
static const char *const cluster_checks[] = {
    "pss.*", "k8s.workload.*", "k8s.network.*", "k8s.pinning.*", "k8s.rbac.*", "k8s.cluster.*",
};

static void cluster_scope(ld_findings *r, ld_scope_state kind, const char *why)
{
    for (size_t i = 0; i < sizeof(cluster_checks) / sizeof(cluster_checks[0]); i++)
        ld_findings_scope(r, kind, cluster_checks[i], "%s", why);
    ld_findings_note(r, "kubernetes cluster: %s", why);
}

/* The kubeconfig assess reads: the one given, else the one kubectl would
 * use on this machine (only when the host root is this machine's /). */
static const char *find_kubeconfig(const cli_assess_k8s *k, char **owned)
{
    *owned = NULL;
    if (k->kubeconfig)
        return k->kubeconfig;
    if (strcmp(k->host_root, "/") != 0)
        return NULL;
    const char *env = getenv("KUBECONFIG");
    if (env && env[0])
        return env; /* ld_k8s_load_cluster merges the list (NULL kubeconfig) */
    const char *home = getenv("HOME");
    if (!home || !home[0])
        return NULL;
    *owned = ld_xasprintf("%s/.kube/config", home);
    if (access(*owned, R_OK) == 0)
        return *owned;
    free(*owned);
    *owned = NULL;
    return NULL;
}

static void on_progress(void *ctx, const char *what)
{
    cli_progress(ctx, "%s", what);
}

/* How the cluster part went: none named, named and read, named and not read. */
typedef enum { CLUSTER_NONE, CLUSTER_READ, CLUSTER_NOT_READ } cluster_outcome;

static int assess_cluster(cli_session *s, ld_findings *r, const cli_assess_k8s *k,
                          char **scope, cluster_outcome *outcome, char **why_not, ld_error *err)
{
    ld_autofree char *owned = NULL;
    const char *kubeconfig = find_kubeconfig(k, &owned);
    if (!kubeconfig) {
        cluster_scope(r, LD_SCOPE_NOT_APPLICABLE,
                      "no kubeconfig (--kubeconfig, $KUBECONFIG, ~/.kube/config)");
        return 0;
    }
    int rc = -1;
    ld_k8s_set *set = ld_k8s_set_new(NULL);
    ld_k8s_cluster_info info = {0};
    ld_secret_ruleset *rules = NULL;
    ld_k8s_cluster_options co = {
        /* $KUBECONFIG may name several files: the loader merges them */
        .kubeconfig = k->kubeconfig || owned ? kubeconfig : NULL,
        .context = k->context,
        .info = &info,
        .progress = on_progress,
        .progress_ctx = s,
    };
    ld_error cerr = LD_ERROR_INIT;
    cli_progress(s, "reading the Kubernetes cluster of %s", kubeconfig);
    if (ld_k8s_load_cluster(set, &co, &cerr) < 0) {
        /* a cluster named but not read is not assessed, never skipped */
        ld_autofree char *why = ld_xasprintf("not read: %s", cerr.msg);
        cluster_scope(r, LD_SCOPE_NOT_ASSESSED, why);
        *outcome = CLUSTER_NOT_READ;
        *why_not = ld_xasprintf("the cluster of %s was %s", kubeconfig, why);
        rc = 0;
        goto out;
    }
    rules = ld_image_scan_rules(s->policy, err);
    if (!rules)
        goto out;
    ld_k8s_scan_options o = {
        .level = s->level,
        .trusted_registries = &s->policy->trusted_registries,
        .production_namespaces = &s->policy->k8s_production_namespaces,
        .developer_groups = &s->policy->k8s_developer_groups,
        .sensitivity_label = s->policy->k8s_sensitivity_label,
        .secret_rules = rules,
        .inputs = ld_k8s_set_inputs(set),
    };
    if (ld_k8s_cluster_findings(r, &info, err) < 0 || ld_k8s_scan(r, set, &o, err) < 0)
        goto out;
    *scope = ld_k8s_cluster_scope(&info);
    *outcome = CLUSTER_READ;
    rc = 0;
out:
    ld_secret_rules_free(rules);
    ld_k8s_cluster_info_clear(&info);
    ld_k8s_set_free(set);
    return rc;
}

/* What the run made of the orchestrator tier: the node's files and the
 * cluster a kubeconfig names. */
static void record_tier(ld_findings *r, bool node_present, const char *node, const char *cluster,
                        cluster_outcome outcome, const char *why_not)
{
    ld_autofree char *what = NULL;
    if (node_present && cluster)
        what = ld_xasprintf("node: %s; %s", node ? node : "?", cluster);
    else if (node_present)
        what = ld_xasprintf("node: %s", node ? node : "?");
    else if (cluster)
        what = ld_xstrdup(cluster);
    if (outcome == CLUSTER_NOT_READ)
        ld_findings_tier(r, "orchestrator",
                         node_present ? LD_TIER_PARTLY_ASSESSED : LD_TIER_NOT_ASSESSED, what, "%s",
                         why_not);
    else if (node_present || outcome == CLUSTER_READ)
        ld_findings_tier(r, "orchestrator", LD_TIER_ASSESSED, what, NULL);
    else
        ld_findings_tier(r, "orchestrator", LD_TIER_NOT_APPLICABLE, NULL,
                         "no Kubernetes component on this host and no kubeconfig "
                         "(--kubeconfig, $KUBECONFIG, ~/.kube/config)");
}

int cli_assess_k8s_run(cli_session *s, ld_findings *r, const cli_assess_k8s *k, char **scope,
                       ld_error *err)
{
    *scope = NULL;
    ld_k8s_node_options no = {.root = k->host_root, .host_name = k->host_name};
    ld_autofree char *node = NULL;
    if (ld_k8s_node_present(k->host_root))
        cli_progress(s, "checking the Kubernetes node under %s", k->host_root);
    size_t before = r->n;
    if (ld_k8s_node_assess(r, &no, &node, err) < 0)
        return -1;
    /* the node part counts as assessed when a node check observed
     * something: an empty CNI directory alone is not a Kubernetes node */
    bool node_observed = false;
    for (size_t i = before; i < r->n && !node_observed; i++)
        node_observed = r->v[i]->status != LD_STATUS_SKIPPED;
    ld_autofree char *cluster = NULL;
    ld_autofree char *why_not = NULL;
    cluster_outcome outcome = CLUSTER_NONE;
    if (assess_cluster(s, r, k, &cluster, &outcome, &why_not, err) < 0)
        return -1;
    record_tier(r, node_observed, node, cluster, outcome, why_not);
    if (node && node[0] && cluster)
        *scope = ld_xasprintf("kubernetes node: %s; %s", node, cluster);
    else if (node && node[0])
        *scope = ld_xasprintf("kubernetes node: %s", node);
    else if (cluster)
        *scope = ld_xstrdup(cluster);
    return 0;
}
