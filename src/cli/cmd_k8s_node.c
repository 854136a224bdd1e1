/* `lockdown k8s node [--host-root DIR]`: assess a Kubernetes control-plane
 * or worker node from its files and processes against the CIS Kubernetes
 * Benchmark v1.10 (sections 1 to 4) and NIST SP 800-190's node trust
 * countermeasures. Only wiring: the assessment is ld_k8s_node_assess
 * (src/k8s/node.c).
 *
 * A machine without Kubernetes is not an error: every k8s.node check is
 * then not applicable and the gate passes (exit 0), which is what `assess`
 * relies on. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"
#include "cli/cmd_k8s.h"
#include "host/host_os.h"
#include "k8s/node.h"
#include "util/cleanup.h"
#include "util/mem.h"

typedef struct {
    const char *host_root;
} node_args;

enum { OPT_HOST_ROOT = 0x4100 };

static const struct option node_opts[] = {
    {"host-root", required_argument, NULL, OPT_HOST_ROOT},
    {NULL, 0, NULL, 0},
};

static int on_opt(int opt, const char *arg, void *ctx)
{
    node_args *a = ctx;
    switch (opt) {
    case OPT_HOST_ROOT: a->host_root = arg; return 0;
    default: return 1;
    }
}

static void usage_node(void)
{
    printf("Usage: lockdown k8s node [--host-root DIR] [options]\n"
           "\n"
           "Assesses this Kubernetes node (control plane and/or worker) from its files and\n"
           "processes against the CIS Kubernetes Benchmark v1.10 (1.1 control-plane files,\n"
           "1.2 API server, 1.3 controller manager, 1.4 scheduler, 2 etcd, 3.2 audit policy,\n"
           "4.1 worker files, 4.2 kubelet, 4.3 kube-proxy) and NIST SP 800-190 node trust\n"
           "(OIDC on the API server, Secrets encrypted at rest, TLS between the components,\n"
           "kubelet certificate rotation, audit logging).\n"
           "\n"
           "Components are found as static pod manifests (the kubelet's staticPodPath,\n"
           "default /etc/kubernetes/manifests), as processes (DIR/proc) and as systemd units\n"
           "with their drop-ins and environment files (kubeadm's 10-kubeadm.conf); the\n"
           "kubelet's config file (--config) and drop-ins (--config-dir) are read, and a flag\n"
           "on its command line wins over them. A setting that is not given is judged by the\n"
           "component's default, and the evidence says so. A component that is not on the\n"
           "node makes its checks not applicable; no Kubernetes at all: every check is not\n"
           "applicable and the gate passes.\n"
           "\n"
           "Options:\n"
           "      --host-root DIR    the node's root directory (default /): every file and\n"
           "                         DIR/proc are read there; symlinks never lead out of it\n"
           "\n"
           "Checks are selected with --check and --exclude: check ids (k8s.node.kubelet.*),\n"
           "control ids or CIS ids (--check '4.2.*').\n"
           "\n"
           "%s"
           "\n"
           "Exit codes: 0 gate passed, 1 gate failed, 2 usage error, 3 could not complete\n"
           "(unreadable policy, a write error).\n",
           cli_common_help);
}

static int run_node(cli_session *s, const node_args *a)
{
    ld_error err = LD_ERROR_INIT;
    ld_findings *r = cli_session_findings(s);
    ld_autofree char *summary = NULL;
    ld_autofree char *host = ld_host_name(a->host_root);
    cli_progress(s, "looking for Kubernetes components under %s", a->host_root);
    ld_k8s_node_options o = {.root = a->host_root, .host_name = host};
    int rc;
    if (ld_k8s_node_assess(r, &o, &summary, &err) < 0) {
        rc = cli_error_exit(&err);
    } else {
        bool slash = strcmp(a->host_root, "/") == 0;
        ld_autofree char *scope = ld_xasprintf("node %s%s%s: %s", host, slash ? "" : ", root ",
                                               slash ? "" : a->host_root, summary);
        rc = cli_session_finish(s, r, "k8s node", scope);
    }
    ld_findings_free(r);
    return rc;
}

int cmd_k8s_node(int argc, char **argv)
{
    node_args a = {.host_root = "/"};
    cli_common common = {0};
    int first = 0;
    int rc = cli_parse("k8s node", argc, argv, node_opts, "", on_opt, &a, &common, &first);
    struct stat st;
    if (rc) {
        /* usage error, already printed */
    } else if (common.help) {
        usage_node();
    } else if (first < argc) {
        rc = cli_usage_error("k8s node", "unexpected argument \"%s\"", argv[first]);
    } else if (!a.host_root[0] || stat(a.host_root, &st) < 0 || !S_ISDIR(st.st_mode)) {
        rc = cli_usage_error("k8s node", "--host-root \"%s\" is not a directory", a.host_root);
    } else {
        cli_session s;
        rc = cli_session_open(&s, "k8s node", &common);
        if (rc == 0)
            rc = run_node(&s, &a);
        cli_session_close(&s);
    }
    return rc;
}
