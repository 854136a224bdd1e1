/* Pod specs wherever a workload carries one: a Pod's spec, the pod
 * template of Deployment, ReplicaSet, StatefulSet, DaemonSet, Job,
 * ReplicationController, and CronJob's job template (batch/v1 and
 * v1beta1), PodTemplate's template; and the containers inside them
 * (containers, initContainers, ephemeralContainers) with their path in
 * the object for messages. Borrowed views into the set's trees. */
#ifndef LD_K8S_POD_H
#define LD_K8S_POD_H

#include <stdbool.h>
#include <stddef.h>

#include "k8s/manifest.h"

typedef struct {
    const ld_k8s_object *obj;
    const ld_yaml_node *metadata; /* the pod's (template's) metadata map; may be NULL */
    const ld_yaml_node *spec;     /* the pod spec map; never NULL when found */
    const char *path;             /* where the spec sits: "spec", "spec.template.spec",
                                     "spec.jobTemplate.spec.template.spec", "template.spec" */
} ld_k8s_pod;

/* The pod spec the object carries; false for kinds without one (or a
 * workload whose template has no spec map). */
bool ld_k8s_pod_of(const ld_k8s_object *o, ld_k8s_pod *out);

typedef enum { LD_K8S_CONTAINER, LD_K8S_INIT_CONTAINER, LD_K8S_EPHEMERAL_CONTAINER } ld_k8s_ctr_kind;

typedef struct {
    ld_k8s_ctr_kind kind;
    size_t index;              /* position in its list */
    const ld_yaml_node *node;  /* the container map */
    const char *name;          /* "" if absent */
    const char *field;         /* "containers", "initContainers", "ephemeralContainers" */
} ld_k8s_container;

/* Number of containers of every kind in the pod spec; ld_k8s_pod_container
 * gives the i-th (containers first, then init, then ephemeral; entries
 * that are not maps are left out). */
size_t ld_k8s_pod_container_count(const ld_k8s_pod *p);
bool ld_k8s_pod_container(const ld_k8s_pod *p, size_t i, ld_k8s_container *out);

#endif
