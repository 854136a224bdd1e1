/* Workload hygiene beyond the Pod Security Standards (what kube-score,
 * kubesec, Polaris and Checkov users expect), one family of `lockdown k8s
 * scan`: resource requests and limits, image tags, digests and trusted
 * registries, read-only root file systems, service account tokens and the
 * default service account, probes, literal secrets in env / args /
 * command / ConfigMaps, Secrets consumed as env vars (CIS 5.4.1),
 * NodePort / LoadBalancer / externalIPs Services, hostAliases, privileged
 * container ports, Secret objects committed with their data, and objects
 * in the default namespace (CIS 5.7.1 / 5.7.4). Checks: the ids below,
 * each with one summary verdict (k8s/k8s_finding.h). */
#ifndef LD_K8S_WORKLOAD_H
#define LD_K8S_WORKLOAD_H

#include "k8s/k8s_scan.h"

/* Check ids of the family (each also listed in core/check_registry.c). */
#define LD_K8S_WORKLOAD_CHECKS                                                                     \
    "k8s.workload.resource-requests", "k8s.workload.resource-limits", "k8s.workload.image-tag",    \
        "k8s.workload.image-digest", "k8s.workload.image-trusted", "k8s.workload.readonly-rootfs", \
        "k8s.workload.sa-token-automount", "k8s.workload.default-service-account",                 \
        "k8s.workload.probes", "k8s.workload.literal-secrets", "k8s.workload.secret-env",          \
        "k8s.workload.host-aliases", "k8s.workload.privileged-port",                               \
        "k8s.workload.service-exposure", "k8s.workload.secret-object",                             \
        "k8s.workload.default-namespace"

int ld_k8s_workload_family(ld_findings *r, const ld_k8s_set *s, const ld_k8s_scan_options *o,
                           ld_error *err);

#endif
