/* Network segmentation, one family of `lockdown k8s scan` (NIST 800-190
 * 4.3.3 and the container egress control of 4.4.2; CIS Kubernetes 5.3.2),
 * judged from the NetworkPolicy objects as a policy-enforcing CNI applies
 * them:
 *  - k8s.network.default-deny-ingress / -egress: every namespace (seen
 *    through any object in it, or a Namespace object; not kube-system,
 *    kube-public, kube-node-lease) has a policy selecting every pod
 *    (podSelector {}) for Ingress (Egress) with no rule that admits
 *    everything (a rule without ports whose peers are absent, or include
 *    every pod of every namespace, or a /0 ipBlock without except);
 *  - k8s.network.unselected-pods: every pod (template) is selected by at
 *    least one policy of its namespace (label selector evaluation:
 *    k8s/selector.h);
 *  - k8s.network.egress-open: no egress rule allows 0.0.0.0/0 or ::/0
 *    (any /0 ipBlock) without except, nor every destination on every port;
 *  - k8s.network.cross-sensitivity: no policy of a namespace labelled with
 *    a sensitivity (the policy's sensitivity label, default
 *    LD_K8S_DEFAULT_SENSITIVITY_LABEL) admits traffic from or to a
 *    namespace whose sensitivity differs (or which has none) through a
 *    namespaceSelector.
 * Policies whose selectors the API server would refuse are left out, with
 * a note. Cost: linear in objects plus pods times the policies of their
 * namespace, and policies times namespaces for namespace selectors. */
#ifndef LD_K8S_NETPOL_H
#define LD_K8S_NETPOL_H

#include "k8s/k8s_scan.h"

#define LD_K8S_NETWORK_CHECKS                                                                      \
    "k8s.network.default-deny-ingress", "k8s.network.default-deny-egress",                         \
        "k8s.network.unselected-pods", "k8s.network.egress-open", "k8s.network.cross-sensitivity"

int ld_k8s_network_family(ld_findings *r, const ld_k8s_set *s, const ld_k8s_scan_options *o,
                          ld_error *err);

#endif
