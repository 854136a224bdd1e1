/* Host pinning of sensitivity levels, one family of `lockdown k8s scan`
 * (NIST 800-190 4.3.4: high and low sensitivity workloads never share a
 * node). A workload's sensitivity is the value of the policy's sensitivity
 * label (default LD_K8S_DEFAULT_SENSITIVITY_LABEL) on its pod template,
 * else on the workload object, else on its Namespace object; nodes carry
 * the same label key.
 *  - k8s.pinning.unpinned: a workload with a sensitivity S is pinned to
 *    nodes labelled S: nodeSelector {label: S}, or required node affinity
 *    whose every nodeSelectorTerm holds label In [S] (or nodeName of a Node
 *    in the inputs labelled S);
 *  - k8s.pinning.mixing: no workload with a sensitivity can land on a node
 *    a workload of another sensitivity (or of none) can land on. With Node
 *    objects in the inputs this is decided on them (labels, names, taints
 *    with effect NoSchedule/NoExecute against tolerations). Without them
 *    it is decided on the constraints: two placements mix when one node
 *    could satisfy both (nodeSelector, nodeName and one required
 *    affinity term of each, requirement by requirement: In, NotIn,
 *    Exists, DoesNotExist, Gt, Lt); that is a failure when their
 *    tolerations are equal in power (no taint could keep one off the
 *    other's nodes), and needs review (warn) when a taint the inputs do
 *    not show could separate them.
 * Workloads in kube-system, kube-public and kube-node-lease (the control
 * plane's, which runs on every node by design) are not judged. Cost:
 * workloads are grouped by placement signature; the pair work is over
 * distinct placements, the node work distinct placements times Nodes
 * (each capped: past LD_K8S_PINNING_PAIR_BUDGET or _NODE_BUDGET the
 * mixing check reports an error instead of guessing). */
#ifndef LD_K8S_PINNING_H
#define LD_K8S_PINNING_H

#include "k8s/k8s_scan.h"

#define LD_K8S_PINNING_CHECKS "k8s.pinning.unpinned", "k8s.pinning.mixing"

/* Placement pairs compared at most (without Node objects), and placement
 * and Node pairs matched at most (with them). */
#define LD_K8S_PINNING_PAIR_BUDGET ((size_t)1000000)
#define LD_K8S_PINNING_NODE_BUDGET ((size_t)4000000)

int ld_k8s_pinning_family(ld_findings *r, const ld_k8s_set *s, const ld_k8s_scan_options *o,
                          ld_error *err);

#endif
