/* Internal to the workload family (workload.c runs it; workload_images.c
 * and workload_secrets.c hold the image and secret checks): the run's
 * context, the tally per check, and what the files share. Not a public
 * API; use k8s/workload.h. */
#ifndef LD_K8S_WORKLOAD_INTERNAL_H
#define LD_K8S_WORKLOAD_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "checks/secrets.h"
#include "k8s/evlist.h"
#include "k8s/k8s_finding.h"
#include "k8s/pod.h"
#include "k8s/workload.h"
#include "util/strmap.h"

typedef enum {
    WL_REQUESTS,
    WL_LIMITS,
    WL_IMAGE_TAG,
    WL_IMAGE_DIGEST,
    WL_IMAGE_TRUSTED,
    WL_READONLY,
    WL_SA_AUTOMOUNT,
    WL_DEFAULT_SA,
    WL_PROBES,
    WL_LITERAL_SECRETS,
    WL_SECRET_ENV,
    WL_HOST_ALIASES,
    WL_PRIVILEGED_PORT,
    WL_SERVICE_EXPOSURE,
    WL_SECRET_MANIFEST,
    WL_DEFAULT_NAMESPACE,
    WL_COUNT
} wl_check;

/* Objects judged and objects that failed (or could not be fully judged:
 * a summary pass would then be a claim nobody observed). */
typedef struct {
    size_t judged, failed;
} wl_tally;

typedef struct {
    ld_findings *r;
    const ld_k8s_set *s;
    const ld_k8s_scan_options *o;
    ld_error *err;
    const ld_secret_ruleset *rules; /* o->secret_rules or the built-in rules */
    ld_strmap service_accounts;     /* "namespace/name" -> const ld_k8s_object * */
    ld_strmap limit_ranges;         /* namespace -> wl_defaults * (owned) */
    ld_strmap shown;                /* text -> its masked form (owned) */
    wl_tally tally[WL_COUNT];
    size_t containers; /* containers judged, for summaries */
    size_t pods;       /* pod specs judged */
} wl_ctx;

extern const char *const wl_check_ids[WL_COUNT];

/* One finding of check about o (at: the node the evidence points at, NULL:
 * the object), counted as a failure unless status is PASS. */
int wl_emit(wl_ctx *c, wl_check check, ld_status st, const ld_k8s_object *o, const ld_yaml_node *at,
            const char *fmt, ...) __attribute__((format(printf, 6, 7)));

/* "spec.template.spec.containers[1] (web)" for messages; caller frees. */
char *wl_container_path(const ld_k8s_pod *p, const ld_k8s_container *ct);

/* An image reference (or any text quoted from the input) masked for
 * evidence: ld_secret_mask_text with the run's rules, computed once per
 * distinct text (a cluster runs a few images many times). Borrowed from
 * the context: valid until the family returns. */
const char *wl_shown(wl_ctx *c, const char *text);

/* workload_images.c: image-tag, image-digest, image-trusted over one pod. */
int wl_check_images(wl_ctx *c, const ld_k8s_pod *p);

/* workload_secrets.c */
int wl_check_pod_secrets(wl_ctx *c, const ld_k8s_pod *p);      /* literal-secrets, secret-env */
int wl_check_configmap(wl_ctx *c, const ld_k8s_object *o);     /* literal-secrets in data */
int wl_check_secret_object(wl_ctx *c, const ld_k8s_object *o); /* secret.manifest */

#endif
