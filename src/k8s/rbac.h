/* The RBAC least-privilege check family (k8s.rbac.*, CIS Kubernetes 5.1
 * and NIST SP 800-190 4.3.1): wildcards, cluster-admin and its
 * equivalents, secrets, pod creation and exec, escalate/bind/impersonate,
 * nodes/proxy, token creation, webhook configurations, persistent volumes,
 * CSR approval, anonymous access, default service accounts, token
 * mounting, and developers' access to production namespaces. Judged on
 * the effective permissions of k8s/rbac_model.h. Checks only add findings. */
#ifndef LD_K8S_RBAC_H
#define LD_K8S_RBAC_H

#include "core/findings.h"
#include "k8s/k8s_scan.h"
#include "k8s/manifest.h"

/* Every k8s.rbac.* check over s: failing (or needs-review) findings per
 * binding or role, one summary verdict per check. Returns 0, or < 0 with
 * err set when a finding could not be added. */
int ld_k8s_rbac_checks(ld_findings *r, const ld_k8s_set *s, const ld_k8s_scan_options *o,
                       ld_error *err);

#endif
