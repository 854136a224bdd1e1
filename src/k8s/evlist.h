/* A bounded list of evidence items for one finding ("containers[0] (web):
 * no limits.memory; containers[1] (log): ..."): the first
 * LD_K8S_EVLIST_SHOWN items are kept, the rest only counted ("and 12
 * more"), so one object with thousands of containers or keys still gives
 * a finding of bounded size. Used by the workload, network and pinning
 * families. */
#ifndef LD_K8S_EVLIST_H
#define LD_K8S_EVLIST_H

#include <stddef.h>

#define LD_K8S_EVLIST_SHOWN 8
#define LD_K8S_EVLIST_ITEM_MAX 400 /* bytes of one item; longer ones end in "..." */

typedef struct {
    char *text; /* "" until the first item */
    size_t len, cap;
    size_t items; /* added, shown or not */
} ld_k8s_evlist;

#define LD_K8S_EVLIST_INIT                                                                         \
    {                                                                                              \
        NULL, 0, 0, 0                                                                              \
    }

void ld_k8s_evlist_add(ld_k8s_evlist *l, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* The items joined with "; ", plus " (and N more)" when some were not
 * kept. Valid until the next add or clear; "" when empty. */
const char *ld_k8s_evlist_text(ld_k8s_evlist *l);
void ld_k8s_evlist_clear(ld_k8s_evlist *l);

#endif
