/* Pod Security Standards exactly as the Kubernetes Pod Security admission
 * judges them: the baseline and restricted policies, every policy version
 * from v1.0 to the newest lockdown knows (LD_PSS_LATEST_MINOR), one lockdown
 * check (pss.*) per policy. pss_rules.c holds the per-version rules (pure
 * functions of one pod spec); pss.c is the check family: it picks each
 * namespace's level and version (labels, --pss, lockdown's level) and files
 * the findings. Not for workload hygiene beyond the standards (workload.c).
 *
 * Semantics followed (k8s.io/pod-security-admission, policy/registry.go):
 * a namespace's policy is a level and a version; "latest", and any version
 * newer than the newest check, is the newest check version; each policy
 * runs the newest of its rule versions that is not newer than the policy
 * version; a restricted policy may override a baseline one from some
 * version on (restrictedVolumes -> hostPathVolumes, seccompProfile_restricted
 * -> seccompProfile_baseline, capabilities_restricted -> capabilities_baseline,
 * procMount_restricted -> procMount). lockdown still reports the overridden
 * baseline policy at restricted level, but only when the overriding one
 * denies the pod too, so the union of pss.* failures is the admission
 * verdict and the CIS controls of the baseline policies see restricted
 * namespaces as well. */
#ifndef LD_K8S_PSS_H
#define LD_K8S_PSS_H

#include <stdbool.h>
#include <stddef.h>

#include "core/findings.h"
#include "core/types.h"
#include "k8s/k8s_scan.h"
#include "k8s/manifest.h"
#include "k8s/pod.h"

typedef enum { LD_PSS_PRIVILEGED, LD_PSS_BASELINE, LD_PSS_RESTRICTED } ld_pss_level;

/* The newest policy version whose rules lockdown holds: v1.37 (the sysctls
 * added then are the newest rule change of a released Kubernetes).
 * "latest", and any newer "v1.N", are judged as this version, as an
 * admission controller of that release would judge them. */
#define LD_PSS_LATEST_MINOR 37
#define LD_PSS_VERSION_LATEST (-1)

const char *ld_pss_level_name(ld_pss_level l);
/* "privileged", "baseline", "restricted" (exact, as the label takes them):
 * 0 and *out set, or -1. */
int ld_pss_level_parse(const char *s, ld_pss_level *out);
/* "latest" (*minor = LD_PSS_VERSION_LATEST) or "v1.N" as the admission
 * reads its enforce-version label (^v1\.(0|[1-9][0-9]*)$): 0, or -1. */
int ld_pss_version_parse(const char *s, int *minor);
/* The version the rules run at: LD_PSS_VERSION_LATEST and anything newer
 * than LD_PSS_LATEST_MINOR become LD_PSS_LATEST_MINOR. */
int ld_pss_effective_minor(int minor);
/* The level a namespace without an enforce label is judged at: low and
 * medium -> baseline, high -> restricted (docs/kubernetes.md). */
ld_pss_level ld_pss_level_for(ld_level level);

/* ---- the policies ---- */

typedef struct {
    const char *check_id;     /* "pss.host-namespaces" */
    const char *title;        /* the standard's control name: "Host Namespaces" */
    const char *admission_id; /* the admission's check id: "hostNamespaces" */
    ld_pss_level level;       /* lowest level that includes it */
    int since_minor;          /* first policy version that has it (0: v1.0) */
} ld_pss_policy;

size_t ld_pss_policy_count(void);
const ld_pss_policy *ld_pss_policy_at(size_t i);
/* Index of the policy with that check id, or -1. */
int ld_pss_policy_index(const char *check_id);

typedef enum {
    LD_PSS_NOT_APPLICABLE, /* the policy is not part of this level or version */
    LD_PSS_ALLOWED,
    LD_PSS_DENIED,
    LD_PSS_UNDECIDED, /* a field it judges could not be decoded (see .undecided) */
} ld_pss_outcome;

typedef struct {
    const ld_yaml_node *at; /* the node the violation is at (its line); never NULL */
    char *what;             /* "spec.containers[0].securityContext.privileged: true" */
} ld_pss_violation;

/* At most this many violations are kept per result; .more counts the rest. */
#define LD_PSS_MAX_VIOLATIONS 16

typedef struct {
    ld_pss_outcome outcome;
    const char *reason; /* denied: the admission's reason ("privileged", "host namespaces") */
    ld_pss_violation v[LD_PSS_MAX_VIOLATIONS];
    size_t n;
    size_t more;
    char *undecided;                  /* undecided: "spec.hostPID: \"yes\" is not a boolean" */
    const ld_yaml_node *undecided_at; /* its node */
    const char *note; /* allowed or not applicable for a reason worth saying, or NULL */
} ld_pss_result;

/* Judges one pod spec against policy i at level and (effective) minor, as
 * the admission would; *out is overwritten (clear it afterwards). A policy
 * above the level or newer than the version is LD_PSS_NOT_APPLICABLE. */
void ld_pss_judge(size_t i, const ld_k8s_pod *pod, ld_pss_level level, int minor,
                  ld_pss_result *out);
void ld_pss_result_clear(ld_pss_result *r);

/* ---- the check family (k8s_scan.c's table) ---- */

/* Every pss.* check over the pod specs of s. Each namespace is judged at
 * o->pss_level when given (--pss), else at the level its
 * pod-security.kubernetes.io/enforce label names (a Namespace object in s;
 * an invalid value is restricted, as the admission fails closed), else at
 * the level o->level maps to (ld_pss_level_for); and at o->pss_version
 * when given (--pss-version), else its enforce-version label (invalid:
 * latest), else latest. A
 * failing finding per object and policy that would be denied, an error
 * finding where a judged field could not be decoded, one summary verdict
 * per check. Returns 0, or < 0 with err set (an invalid o->pss_level or
 * o->pss_version is LD_ERR_INVALID). */
int ld_k8s_pss_checks(ld_findings *r, const ld_k8s_set *s, const ld_k8s_scan_options *o,
                      ld_error *err);

#endif
