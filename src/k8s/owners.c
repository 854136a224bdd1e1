/* Controllers of objects within one set (see k8s/owners.h). */
#include "k8s/owners.h"

#include <stdlib.h>
#include <string.h>

#include "util/cleanup.h"
#include "util/mem.h"

static char *name_key(const char *kind, const char *ns, const char *name)
{
    return ld_xasprintf("%s/%s/%s", kind, ns ? ns : "", name);
}

void ld_k8s_owners_build(ld_k8s_owners *ix, const ld_k8s_set *s)
{
    size_t n = ld_k8s_set_count(s);
    for (size_t i = 0; i < n; i++) {
        const ld_k8s_object *o = ld_k8s_set_object(s, i);
        if (!o->kind[0] || !o->name[0])
            continue;
        const char *uid = ld_k8s_str(ld_k8s_at(o->root, "metadata.uid"));
        bool created = false;
        if (uid && *uid) {
            void **slot = ld_strmap_put(&ix->by_uid, uid, &created);
            if (created)
                *slot = (void *)o;
        }
        ld_autofree char *key = name_key(o->kind, ld_k8s_namespace(o), o->name);
        void **slot = ld_strmap_put(&ix->by_name, key, &created);
        if (created)
            *slot = (void *)o;
    }
}

void ld_k8s_owners_clear(ld_k8s_owners *ix)
{
    ld_strmap_clear(&ix->by_uid);
    ld_strmap_clear(&ix->by_name);
}

const ld_k8s_object *ld_k8s_controller_in_set(const ld_k8s_owners *ix, const ld_k8s_object *o)
{
    const ld_yaml_node *refs = ld_k8s_at(o->root, "metadata.ownerReferences");
    if (!refs || refs->kind != LD_YAML_SEQ)
        return NULL;
    for (size_t i = 0; i < refs->n; i++) {
        const ld_yaml_node *ref = refs->items[i];
        bool controller = false;
        if (!ref || ref->kind != LD_YAML_MAP ||
            !ld_k8s_bool(ld_yaml_get(ref, "controller"), &controller) || !controller)
            continue;
        const char *uid = ld_k8s_str(ld_yaml_get(ref, "uid"));
        const char *kind = ld_k8s_str(ld_yaml_get(ref, "kind"));
        const char *name = ld_k8s_str(ld_yaml_get(ref, "name"));
        const ld_k8s_object *owner = NULL;
        if (uid && *uid)
            owner = ld_strmap_get(&ix->by_uid, uid);
        if (!owner && kind && name) {
            /* an owner is in the object's namespace, or cluster-scoped */
            ld_autofree char *key = name_key(kind, ld_k8s_namespace(o), name);
            owner = ld_strmap_get(&ix->by_name, key);
            if (!owner) {
                ld_autofree char *ckey = name_key(kind, NULL, name);
                owner = ld_strmap_get(&ix->by_name, ckey);
            }
        }
        if (owner && owner != o)
            return owner;
    }
    return NULL;
}
