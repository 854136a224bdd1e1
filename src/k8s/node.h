/* `lockdown k8s node`: assess a Kubernetes control-plane or worker node
 * from its files and processes, read under a host root ("/" for this
 * machine, or a mounted copy of a node): the automated checks of the CIS
 * Kubernetes Benchmark v1.10 sections 1 (control plane files, API server,
 * controller manager, scheduler), 2 (etcd), 3 (authentication, audit
 * logging) and 4 (worker files, kubelet, kube-proxy), plus the node-trust
 * checks of NIST SP 800-190 4.3.5 (OIDC on the API server, Secrets
 * encrypted at rest). Check ids start with `k8s.node.`; the catalog maps
 * them to their CIS ids and NIST controls.
 *
 * Components are found as static pod manifests (the kubelet's
 * staticPodPath, default /etc/kubernetes/manifests), as processes in
 * ROOT/proc (argv[0] basename kube-apiserver, kube-controller-manager,
 * kube-scheduler, etcd, kubelet, kube-proxy) and as systemd units with
 * their drop-ins. A component that is absent makes its checks not
 * applicable; one that is present but cannot be read makes them errors
 * (not assessed), never passes. Flags are judged with the component's
 * defaults when not given. Not for cluster objects (k8s scan) or a live
 * API server (--kubeconfig). */
#ifndef LD_K8S_NODE_H
#define LD_K8S_NODE_H

#include <stdbool.h>

#include "core/error.h"
#include "core/findings.h"

typedef struct {
    const char *root;      /* host root; NULL or "" mean "/" */
    const char *host_name; /* target id of process findings; NULL: ld_host_name(root) */
} ld_k8s_node_options;

/* Runs every k8s.node check into r: declares them owed, and not
 * applicable per component absent from the node (all of them when there
 * is no Kubernetes under the root at all). *summary (may be NULL) receives
 * one line naming the node's roles and where each component was read
 * ("control plane: kube-apiserver (manifest /etc/kubernetes/manifests/
 * kube-apiserver.yaml), ...; worker: kubelet (pid 812)"; caller frees).
 * Returns 0, or < 0 when a finding could not be added (err set). */
int ld_k8s_node_assess(ld_findings *r, const ld_k8s_node_options *o, char **summary, ld_error *err);

/* Whether anything of Kubernetes is on the node under root: a component
 * process, a static pod manifest, a kubelet unit or config, or
 * /etc/kubernetes. For `assess`, which adds the node checks only then. */
bool ld_k8s_node_present(const char *root);

#endif
