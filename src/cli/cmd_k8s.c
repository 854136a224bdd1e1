/* `lockdown k8s scan PATH...|-`: load Kubernetes manifests (files,
 * directories, stdin, multi-document YAML, JSON, List kinds, kubectl
 * output) into one object set and run every Kubernetes check family over
 * it (src/k8s/k8s_scan.c), reporting against the controls catalog. And
 * `lockdown k8s`'s subcommand table. Only wiring: loading and the checks
 * live in src/k8s.
 *
 * An input named on the command line that cannot be opened, read or parsed
 * stops the command (exit 3, one line naming it). A file found while
 * walking a directory that cannot be read is recorded instead: the report
 * lists it and every check files "not assessed" for the run, so the gate
 * fails closed (exit 1) unless --allow-incomplete.
 *
 * --kubeconfig FILE / --context NAME read a live cluster instead of (or as
 * well as) PATHs, through k8s/api_lists.h: a cluster that cannot be read
 * (kubeconfig, exec plugin, connection, TLS, timeout, 401) is exit 3; a
 * list the server refuses is recorded unread, as an unreadable file. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "checks/image_scan.h"
#include "checks/secrets.h"
#include "cli/cli.h"
#include "cli/cmd_k8s.h"
#include "k8s/api_lists.h"
#include "k8s/k8s_scan.h"
#include "k8s/manifest.h"
#include "util/mem.h"

/* ---- the subcommand table: one row per `lockdown k8s WORD` ---- */

static const cli_subcommand subcommands[] = {
    {"scan", cmd_k8s_scan,
     "check manifests (files, directories, kubectl output, stdin) or a live cluster\n"
     "            (--kubeconfig): Pod Security Standards, workload hygiene, RBAC, network\n"
     "            policies, host pinning"},
    {"node", cmd_k8s_node,
     "assess this node (control plane, kubelet) against the CIS Kubernetes Benchmark\n"
     "            sections 1-4: files, flags, kubelet config, OIDC, encryption, audit"},
    {"who-can", cmd_k8s_who_can,
     "who may do VERB on RESOURCE, through which binding, role and rule (RBAC)"},
    {"access", cmd_k8s_access,
     "everything a user, group or service account may do, rule by rule (RBAC)"},
    {NULL, NULL, NULL},
};

int cmd_k8s(int argc, char **argv)
{
    return cli_subcommand_run("k8s",
                              "The orchestrator tier: Kubernetes workloads, RBAC, network "
                              "segmentation, host\npinning and nodes (NIST SP 800-190 section "
                              "4.3, CIS Kubernetes Benchmark).\n",
                              subcommands, 9, argc, argv);
}

/* ---- k8s scan ---- */

enum {
    OPT_PSS = 0x4000,
    OPT_PSS_VERSION,
    OPT_EXIT_CODE,
    OPT_KUBECONFIG,
    OPT_CONTEXT,
    OPT_REQUEST_TIMEOUT,
};

static const struct option scan_opts[] = {
    {"pss", required_argument, NULL, OPT_PSS},
    {"pss-version", required_argument, NULL, OPT_PSS_VERSION},
    {"exit-code", required_argument, NULL, OPT_EXIT_CODE},
    {"kubeconfig", required_argument, NULL, OPT_KUBECONFIG},
    {"context", required_argument, NULL, OPT_CONTEXT},
    {"request-timeout", required_argument, NULL, OPT_REQUEST_TIMEOUT},
    {NULL, 0, NULL, 0},
};

typedef struct {
    const char *pss_level;   /* --pss */
    const char *pss_version; /* --pss-version */
    int exit_code;           /* --exit-code N; 0: not given */
    /* the live cluster (--kubeconfig and/or --context): read when either is given */
    bool cluster;
    const char *kubeconfig;  /* --kubeconfig FILE; NULL: $KUBECONFIG or ~/.kube/config */
    const char *context;     /* --context NAME; NULL: the current context */
    long request_timeout_ms; /* --request-timeout; 0: default, < 0: none (0 given) */
} scan_args;

/* "v1.N" (N a number of at most 3 digits) or "latest". */
static bool pss_version_ok(const char *v)
{
    if (strcmp(v, "latest") == 0)
        return true;
    if (strncmp(v, "v1.", 3) != 0)
        return false;
    size_t n = strspn(v + 3, "0123456789");
    return n >= 1 && n <= 3 && v[3 + n] == '\0';
}

/* --request-timeout as kubectl takes it: a number of seconds, or a Go-style
 * duration of whole numbers with units ("30s", "2m", "1m30s", "500ms",
 * "1h"); 0 means no limit per request. At most 24 h. Returns false when
 * arg is none of these. */
static bool parse_timeout_ms(const char *arg, long *out)
{
    const long long max_ms = 24LL * 3600 * 1000;
    if (!*arg)
        return false;
    if (strspn(arg, "0123456789") == strlen(arg)) {
        if (strlen(arg) > 6)
            return false;
        long long v = strtoll(arg, NULL, 10) * 1000;
        *out = v == 0 ? -1 : (long)v;
        return v <= max_ms;
    }
    long long total = 0;
    const char *p = arg;
    while (*p) {
        size_t digits = strspn(p, "0123456789");
        if (digits == 0 || digits > 9)
            return false;
        long long v = strtoll(p, NULL, 10);
        p += digits;
        long long unit;
        if (strncmp(p, "ms", 2) == 0) {
            unit = 1;
            p += 2;
        } else if (*p == 'h') {
            unit = 3600000;
            p++;
        } else if (*p == 'm') {
            unit = 60000;
            p++;
        } else if (*p == 's') {
            unit = 1000;
            p++;
        } else {
            return false;
        }
        total += v * unit;
        if (total > max_ms)
            return false;
    }
    *out = total == 0 ? -1 : (long)total;
    return true;
}

static int on_scan_opt(int opt, const char *arg, void *ctx)
{
    scan_args *a = ctx;
    switch (opt) {
    case OPT_PSS:
        if (strcmp(arg, "privileged") != 0 && strcmp(arg, "baseline") != 0 &&
            strcmp(arg, "restricted") != 0) {
            cli_usage_error("k8s scan",
                            "--pss must be privileged, baseline or restricted, not \"%s\"", arg);
            return -1;
        }
        a->pss_level = arg;
        return 0;
    case OPT_PSS_VERSION:
        if (!pss_version_ok(arg)) {
            cli_usage_error("k8s scan",
                            "--pss-version must be latest or a Kubernetes minor version such as "
                            "v1.30, not \"%s\"",
                            arg);
            return -1;
        }
        a->pss_version = arg;
        return 0;
    case OPT_EXIT_CODE: return cli_exit_code_option("k8s scan", arg, &a->exit_code);
    case OPT_KUBECONFIG:
        if (!*arg) {
            cli_usage_error("k8s scan", "--kubeconfig needs a file name");
            return -1;
        }
        a->kubeconfig = arg;
        a->cluster = true;
        return 0;
    case OPT_CONTEXT:
        if (!*arg) {
            cli_usage_error("k8s scan", "--context needs a context name");
            return -1;
        }
        a->context = arg;
        a->cluster = true;
        return 0;
    case OPT_REQUEST_TIMEOUT:
        if (!parse_timeout_ms(arg, &a->request_timeout_ms)) {
            cli_usage_error("k8s scan",
                            "--request-timeout must be a number of seconds or a duration such "
                            "as 30s, 2m or 1m30s (at most 24h; 0: no limit), not \"%s\"",
                            arg);
            return -1;
        }
        return 0;
    default: return 1;
    }
}

static void usage_scan(void)
{
    printf("Usage: lockdown k8s scan [--pss LEVEL] [--pss-version VERSION] [options] PATH...\n"
           "       kubectl get -A -o yaml ... | lockdown k8s scan [options] -\n"
           "       lockdown k8s scan --kubeconfig FILE [--context NAME] [options] [PATH...]\n"
           "\n"
           "Loads Kubernetes objects from YAML and JSON manifests and checks them: Pod Security\n"
           "Standards (pss.*), workload hygiene beyond them, RBAC least privilege, network\n"
           "segmentation and host pinning, against NIST SP 800-190 and the CIS Kubernetes\n"
           "Benchmark. Findings point at the file and line of what they judge.\n"
           "\n"
           "PATH: a manifest file (multi-document YAML with anchors and merge keys, JSON,\n"
           "'kind: List', 'kubectl get -o yaml|json' output, 'helm template' or 'kustomize\n"
           "build' output), a directory (every .yaml, .yml and .json file under it, in name\n"
           "order; symbolic links are not followed and hidden entries are skipped), or -\n"
           "for standard input. Render Helm charts and kustomizations first.\n"
           "\n"
           "A live cluster (--kubeconfig and/or --context): its objects are read through the\n"
           "API with GET only (list in every namespace: pods, workloads, namespaces, nodes,\n"
           "services, ingresses, configmaps, secrets, RBAC, network policies, PDBs), as the\n"
           "kubeconfig's context says: CA, client certificate, token, exec credential plugin.\n"
           "Secret values are erased on receipt. A list the server refuses (403) is not\n"
           "assessed: the gate fails closed. With PATHs too, both are checked together.\n"
           "\n"
           "Options:\n"
           "      --pss LEVEL          judge every namespace at this Pod Security Standards\n"
           "                           level (privileged, baseline, restricted), as admission\n"
           "                           would with that enforce label; default: each\n"
           "                           namespace's pod-security.kubernetes.io/enforce label,\n"
           "                           else the level lockdown's security level maps to\n"
           "      --pss-version V      the standards' version: latest (default) or v1.N\n"
           "      --exit-code N        exit N when a failing finding remains after exceptions\n"
           "                           (the compliance gate's exit 1 comes first)\n"
           "      --kubeconfig FILE    read the cluster of this kubeconfig (without it but\n"
           "                           with --context: $KUBECONFIG, else ~/.kube/config)\n"
           "      --context NAME       the kubeconfig context to use (default: current-context)\n"
           "      --request-timeout T  give up on one API request after T (30s, 2m, or seconds;\n"
           "                           default 60s; 0: no limit, the stall limit still applies)\n"
           "\n"
           "'--check \"pss.*\"' gives exactly the admission verdict: exit 1 when any object\n"
           "would be denied. The policy's kubernetes section names production namespaces,\n"
           "developer groups and the sensitivity label; trusted-registries and the secret\n"
           "rules apply to images and literal secrets (see docs/kubernetes.md).\n"
           "\n"
           "%s"
           "\n"
           "Exit codes: 0 gate passed, 1 gate failed (a file under a directory that could\n"
           "not be read, or an API list the server refused, makes the checks not assessed:\n"
           "the gate fails closed unless --allow-incomplete), 2 usage error, 3 an input\n"
           "named on the command line could not be opened, read or parsed, the cluster\n"
           "could not be read (kubeconfig, exec plugin, connection, TLS, timeout, 401), the\n"
           "inputs hold no Kubernetes object, or the report could not be written.\n",
           cli_common_help);
}

/* Loads every PATH; an input named here that fails is fatal (err). */
static int load_inputs(ld_k8s_set *set, char **paths, size_t n, const cli_session *s,
                       ld_error *err)
{
    for (size_t i = 0; i < n; i++) {
        cli_progress(s, "reading %s", paths[i]);
        if (ld_k8s_load_named(set, paths[i], err) < 0)
            return -1;
    }
    return 0;
}

/* Progress of the cluster read on stderr ("listing pods"). */
static void cluster_progress(void *ctx, const char *what)
{
    cli_progress(ctx, "%s", what);
}

static char *scope_of(const ld_k8s_set *set)
{
    size_t n = ld_k8s_set_count(set), files = ld_k8s_set_files(set);
    size_t unread = ld_k8s_set_unread(set)->n;
    char *tail = unread ? ld_xasprintf(", %zu not read", unread) : ld_xstrdup("");
    char *scope = ld_xasprintf("kubernetes manifests %s: %zu object%s in %zu file%s%s",
                               ld_k8s_set_inputs(set), n, n == 1 ? "" : "s", files,
                               files == 1 ? "" : "s", tail);
    free(tail);
    return scope;
}

int cmd_k8s_scan(int argc, char **argv)
{
    cli_common common = {0};
    scan_args args = {0};
    int first = 0;
    int rc = cli_parse("k8s scan", argc, argv, scan_opts, "", on_scan_opt, &args, &common,
                       &first);
    if (rc)
        return rc;
    if (common.help) {
        usage_scan();
        return LD_EXIT_OK;
    }
    if (first >= argc && !args.cluster)
        return cli_usage_error("k8s scan", "missing PATH (manifest files or directories, or - "
                                           "for stdin), or --kubeconfig FILE for a cluster");
    size_t npaths = (size_t)(argc - first);
    size_t stdin_uses = 0;
    for (size_t i = 0; i < npaths; i++)
        stdin_uses += strcmp(argv[first + (int)i], "-") == 0;
    if (stdin_uses > 1)
        return cli_usage_error("k8s scan", "'-' (standard input) given more than once");

    cli_session s;
    rc = cli_session_open(&s, "k8s scan", &common);
    if (rc) {
        cli_session_close(&s);
        return rc;
    }
    s.exit_code = args.exit_code;
    s.exit_severities = LD_SEV_ALL;
    ld_error err = LD_ERROR_INIT;
    ld_findings *r = NULL;
    ld_secret_ruleset *rules = NULL;
    char *scope = NULL;
    ld_k8s_set *set = ld_k8s_set_new(NULL);
    ld_k8s_cluster_info cluster = {0};
    if (load_inputs(set, argv + first, npaths, &s, &err) < 0) {
        rc = cli_error_exit(&err);
        goto out;
    }
    if (npaths)
        scope = scope_of(set); /* before the cluster's lists join the set */
    if (args.cluster) {
        ld_k8s_cluster_options co = {
            .kubeconfig = args.kubeconfig,
            .context = args.context,
            .request_timeout_ms = args.request_timeout_ms,
            .info = &cluster,
            .progress = cluster_progress,
            .progress_ctx = &s,
        };
        if (ld_k8s_load_cluster(set, &co, &err) < 0) {
            rc = cli_error_exit(&err);
            goto out;
        }
    }
    if (ld_k8s_set_count(set) == 0) {
        /* an empty pipe (kubectl failed) must not look like a clean cluster */
        const ld_strlist *unread = ld_k8s_set_unread(set);
        if (unread->n)
            ld_error_set(&err, LD_ERR_CORRUPT, "nothing could be read: %s%s", unread->v[0],
                         unread->n > 1 ? " (and more)" : "");
        else
            ld_error_set(&err, LD_ERR_NOT_FOUND,
                         "no Kubernetes object in %s (empty input, or documents without kind "
                         "and apiVersion): nothing to check",
                         ld_k8s_set_inputs(set));
        rc = cli_error_exit(&err);
        goto out;
    }
    rules = ld_image_scan_rules(s.policy, &err);
    if (!rules) {
        rc = cli_error_exit(&err);
        goto out;
    }
    ld_k8s_scan_options o = {
        .pss_level = args.pss_level,
        .pss_version = args.pss_version,
        .level = s.level,
        .trusted_registries = &s.policy->trusted_registries,
        .production_namespaces = &s.policy->k8s_production_namespaces,
        .developer_groups = &s.policy->k8s_developer_groups,
        .sensitivity_label = s.policy->k8s_sensitivity_label,
        .secret_rules = rules,
        .inputs = ld_k8s_set_inputs(set),
    };
    r = cli_session_findings(&s);
    cli_note_inputs(r, ld_k8s_set_notes(set), ld_k8s_set_unread(set));
    if (args.cluster && ld_k8s_cluster_findings(r, &cluster, &err) < 0) {
        rc = cli_error_exit(&err);
        goto out;
    }
    cli_progress(&s, "checking %zu objects", ld_k8s_set_count(set));
    if (ld_k8s_scan(r, set, &o, &err) < 0) {
        rc = cli_error_exit(&err);
        goto out;
    }
    if (args.cluster) {
        char *live = ld_k8s_cluster_scope(&cluster);
        char *both = scope ? ld_xasprintf("%s; %s", scope, live) : ld_xstrdup(live);
        free(live);
        free(scope);
        scope = both;
    }
    rc = cli_session_finish(&s, r, "k8s scan", scope);
out:
    ld_k8s_cluster_info_clear(&cluster);
    free(scope);
    ld_findings_free(r);
    ld_secret_rules_free(rules);
    ld_k8s_set_free(set);
    cli_session_close(&s);
    return rc;
}
