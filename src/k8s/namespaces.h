/* The namespaces of an object set: every Namespace object, and every
 * namespace an object is placed in (metadata.namespace, or default for a
 * namespaced kind without one), each with its labels (plus the
 * kubernetes.io/metadata.name label the API server sets) and its
 * sensitivity (the policy's sensitivity label on the Namespace object).
 * Indexed by name, so families look a namespace up in constant time. The
 * index borrows the set's trees. */
#ifndef LD_K8S_NAMESPACES_H
#define LD_K8S_NAMESPACES_H

#include <stdbool.h>
#include <stddef.h>

#include "k8s/manifest.h"
#include "k8s/selector.h"
#include "util/strmap.h"

typedef struct {
    const char *name;            /* borrowed from the set */
    const ld_k8s_object *object; /* the Namespace object; NULL when only seen through objects */
    const ld_k8s_object *first;  /* the first object of the set in it (NULL: none) */
    ld_k8s_labels labels;        /* the Namespace object's labels, and the name label */
    const char *sensitivity;     /* value of the sensitivity label; NULL: unlabelled */
    /* a stand-in Namespace object for findings about a namespace the
     * inputs hold no Namespace object of ("Namespace/NAME", file and line
     * of the first object seen in it) */
    ld_k8s_object standin;
} ld_k8s_ns;

typedef struct {
    ld_k8s_ns *v; /* in order of first appearance */
    size_t n, cap;
    ld_strmap by_name; /* name -> index + 1 */
    const char *sensitivity_label;
} ld_k8s_namespaces;

/* Builds the index; label NULL: LD_K8S_DEFAULT_SENSITIVITY_LABEL. */
void ld_k8s_namespaces_build(ld_k8s_namespaces *ix, const ld_k8s_set *s, const char *label);
void ld_k8s_namespaces_clear(ld_k8s_namespaces *ix);
/* The namespace named name, or NULL. */
const ld_k8s_ns *ld_k8s_namespaces_get(const ld_k8s_namespaces *ix, const char *name);
/* The object findings about ns are filed against: its Namespace object,
 * else the stand-in. */
const ld_k8s_object *ld_k8s_ns_target(const ld_k8s_ns *ns);
/* kube-system, kube-public, kube-node-lease: the control plane's own. */
bool ld_k8s_system_namespace(const char *name);

#endif
