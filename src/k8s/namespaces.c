/* Namespace index of an object set (see k8s/namespaces.h). */
#include "k8s/namespaces.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "k8s/k8s_scan.h"
#include "util/mem.h"

static ld_k8s_ns *get_or_add(ld_k8s_namespaces *ix, const char *name)
{
    bool created = false;
    void **slot = ld_strmap_put(&ix->by_name, name, &created);
    if (!created)
        return &ix->v[(uintptr_t)*slot - 1];
    ld_xgrow(&ix->v, &ix->cap, ix->n + 1, sizeof(*ix->v));
    ld_k8s_ns *ns = &ix->v[ix->n++];
    memset(ns, 0, sizeof(*ns));
    ns->name = name;
    ns->labels.extra_key = LD_K8S_NAMESPACE_NAME_LABEL;
    ns->labels.extra_value = name;
    *slot = (void *)(uintptr_t)ix->n;
    return ns;
}

void ld_k8s_namespaces_build(ld_k8s_namespaces *ix, const ld_k8s_set *s, const char *label)
{
    ix->sensitivity_label = label && *label ? label : LD_K8S_DEFAULT_SENSITIVITY_LABEL;
    size_t n = ld_k8s_set_count(s);
    for (size_t i = 0; i < n; i++) {
        const ld_k8s_object *o = ld_k8s_set_object(s, i);
        if (strcmp(o->kind, "Namespace") == 0 && o->name[0]) {
            ld_k8s_ns *ns = get_or_add(ix, o->name);
            if (!ns->object) {
                ns->object = o;
                ns->labels.map = ld_k8s_at(o->root, "metadata.labels");
                ns->sensitivity = ld_k8s_labels_get(&ns->labels, ix->sensitivity_label);
                if (ns->sensitivity && !*ns->sensitivity)
                    ns->sensitivity = NULL;
            }
            continue;
        }
        const char *name = ld_k8s_namespace(o);
        if (!name || !*name)
            continue;
        ld_k8s_ns *ns = get_or_add(ix, name);
        if (!ns->first)
            ns->first = o;
    }
    for (size_t i = 0; i < ix->n; i++) {
        ld_k8s_ns *ns = &ix->v[i];
        const ld_k8s_object *where = ns->object ? ns->object : ns->first;
        ns->standin = (ld_k8s_object){
            .file = where ? where->file : "",
            .line = where ? where->line : 0,
            .root = where ? where->root : NULL,
            .api_version = "v1",
            .kind = "Namespace",
            .name = ns->name,
            .namespace_ = NULL,
        };
    }
}

void ld_k8s_namespaces_clear(ld_k8s_namespaces *ix)
{
    free(ix->v);
    ix->v = NULL;
    ix->n = ix->cap = 0;
    ld_strmap_clear(&ix->by_name);
}

const ld_k8s_ns *ld_k8s_namespaces_get(const ld_k8s_namespaces *ix, const char *name)
{
    void *slot = name ? ld_strmap_get(&ix->by_name, name) : NULL;
    return slot ? &ix->v[(uintptr_t)slot - 1] : NULL;
}

const ld_k8s_object *ld_k8s_ns_target(const ld_k8s_ns *ns)
{
    return ns->object ? ns->object : &ns->standin;
}

bool ld_k8s_system_namespace(const char *name)
{
    return strcmp(name, "kube-system") == 0 || strcmp(name, "kube-public") == 0 ||
           strcmp(name, "kube-node-lease") == 0;
}
