/* Which objects of a set another object of the same set controls: a
 * cluster dump holds a Deployment, its ReplicaSets and their Pods (a
 * CronJob, its Jobs and their Pods), the same pod template three times.
 * Checks that judge pod templates judge the controller and skip the
 * objects it controls, so one setting gives one finding; an object whose
 * controller is not in the inputs is judged itself. */
#ifndef LD_K8S_OWNERS_H
#define LD_K8S_OWNERS_H

#include <stdbool.h>

#include "k8s/manifest.h"
#include "util/strmap.h"

typedef struct {
    ld_strmap by_uid;  /* metadata.uid -> object */
    ld_strmap by_name; /* "Kind/namespace/name" -> object */
} ld_k8s_owners;

#define LD_K8S_OWNERS_INIT                                                                         \
    {                                                                                              \
        LD_STRMAP_INIT, LD_STRMAP_INIT                                                             \
    }

/* Indexes every object of s by uid and by kind, namespace and name. */
void ld_k8s_owners_build(ld_k8s_owners *ix, const ld_k8s_set *s);
void ld_k8s_owners_clear(ld_k8s_owners *ix);

/* The controller of o (metadata.ownerReferences entry with controller:
 * true, matched by uid when both have one, else by kind and name in o's
 * namespace) when it is in the set; NULL otherwise. */
const ld_k8s_object *ld_k8s_controller_in_set(const ld_k8s_owners *ix, const ld_k8s_object *o);

#endif
