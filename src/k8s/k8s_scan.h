/* `lockdown k8s scan`: every Kubernetes check family run over one object
 * set. Each family lives in its own file (pss.c, workload.c, rbac.c,
 * netpol.c, pinning.c, ...) with the one signature below and a line in the
 * family table of k8s_scan.c; families only add findings, they never
 * print. */
#ifndef LD_K8S_K8S_SCAN_H
#define LD_K8S_K8S_SCAN_H

#include "checks/secrets.h"
#include "core/findings.h"
#include "core/types.h"
#include "k8s/manifest.h"
#include "util/strlist.h"

typedef struct {
    /* Pod Security Standards: NULL judges each namespace at the level its
     * pod-security.kubernetes.io/enforce label names (and, without one, at
     * the level lockdown's security level maps to); "privileged",
     * "baseline" or "restricted" forces that level everywhere (--pss). */
    const char *pss_level;
    const char *pss_version;   /* "latest" or "v1.N" (--pss-version); NULL: latest */
    ld_level level;            /* lockdown's security level in force */
    /* from the policy (all borrowed, may be NULL or empty) */
    const ld_strlist *trusted_registries;
    const ld_strlist *production_namespaces; /* kubernetes.production-namespaces */
    const ld_strlist *developer_groups;      /* kubernetes.developer-groups */
    const char *sensitivity_label;           /* kubernetes.sensitivity-label; NULL: default */
    const ld_secret_ruleset *secret_rules;   /* literal secrets in env/args/ConfigMaps */
    const char *inputs;                      /* the inputs as given, for summary targets */
} ld_k8s_scan_options;

/* The label that names a workload's or namespace's sensitivity when the
 * policy names none. */
#define LD_K8S_DEFAULT_SENSITIVITY_LABEL "lockdown.io/sensitivity"

typedef int (*ld_k8s_family_fn)(ld_findings *r, const ld_k8s_set *s,
                                const ld_k8s_scan_options *o, ld_error *err);

/* Runs every family; declares the scope of each (owed, or not applicable
 * when the set holds nothing the family looks at). */
int ld_k8s_scan(ld_findings *r, const ld_k8s_set *s, const ld_k8s_scan_options *o, ld_error *err);

#endif
