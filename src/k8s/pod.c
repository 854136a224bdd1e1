/* Where each workload kind carries its pod spec, and the containers of a
 * pod spec in order (containers, initContainers, ephemeralContainers). See
 * pod.h. Not for judging the spec: that is the check families' work. */
#include "k8s/pod.h"

#include <string.h>

typedef struct {
    const char *kind;
    const char *groups; /* API groups the kind is served by, "|"-separated; "" is core */
    const char *spec;   /* dotted path of the pod spec */
    const char *meta;   /* dotted path of the pod (template) metadata */
} pod_carrier;

static const pod_carrier carriers[] = {
    {"Pod", "", "spec", "metadata"},
    {"PodTemplate", "", "template.spec", "template.metadata"},
    {"ReplicationController", "", "spec.template.spec", "spec.template.metadata"},
    {"Deployment", "apps|extensions", "spec.template.spec", "spec.template.metadata"},
    {"ReplicaSet", "apps|extensions", "spec.template.spec", "spec.template.metadata"},
    {"StatefulSet", "apps", "spec.template.spec", "spec.template.metadata"},
    {"DaemonSet", "apps|extensions", "spec.template.spec", "spec.template.metadata"},
    {"Job", "batch", "spec.template.spec", "spec.template.metadata"},
    /* batch/v1, batch/v1beta1 and batch/v2alpha1 share the shape */
    {"CronJob", "batch", "spec.jobTemplate.spec.template.spec",
     "spec.jobTemplate.spec.template.metadata"},
};

/* Is the group of apiVersion ("apps/v1" -> apps, "v1" -> core) one of
 * groups? */
static bool group_ok(const char *api_version, const char *groups)
{
    const char *slash = strchr(api_version, '/');
    size_t glen = slash ? (size_t)(slash - api_version) : 0;
    if (!slash && !api_version[0])
        return false;
    const char *p = groups;
    for (;;) {
        const char *bar = strchr(p, '|');
        size_t len = bar ? (size_t)(bar - p) : strlen(p);
        if (len == glen && strncmp(p, api_version, len) == 0)
            return true;
        if (!bar)
            return false;
        p = bar + 1;
    }
}

bool ld_k8s_pod_of(const ld_k8s_object *o, ld_k8s_pod *out)
{
    if (!o || !o->kind)
        return false;
    for (size_t i = 0; i < sizeof(carriers) / sizeof(carriers[0]); i++) {
        const pod_carrier *c = &carriers[i];
        if (strcmp(o->kind, c->kind) != 0 || !group_ok(o->api_version, c->groups))
            continue;
        const ld_yaml_node *spec = ld_k8s_at(o->root, c->spec);
        if (!spec || spec->kind != LD_YAML_MAP)
            return false;
        const ld_yaml_node *meta = ld_k8s_at(o->root, c->meta);
        out->obj = o;
        out->spec = spec;
        out->metadata = meta && meta->kind == LD_YAML_MAP ? meta : NULL;
        out->path = c->spec;
        return true;
    }
    return false;
}

static const struct {
    const char *field;
    ld_k8s_ctr_kind kind;
} container_lists[] = {
    {"containers", LD_K8S_CONTAINER},
    {"initContainers", LD_K8S_INIT_CONTAINER},
    {"ephemeralContainers", LD_K8S_EPHEMERAL_CONTAINER},
};

static const ld_yaml_node *container_list(const ld_k8s_pod *p, size_t which)
{
    const ld_yaml_node *l = ld_k8s_at(p->spec, container_lists[which].field);
    return l && l->kind == LD_YAML_SEQ ? l : NULL;
}

size_t ld_k8s_pod_container_count(const ld_k8s_pod *p)
{
    size_t n = 0;
    for (size_t w = 0; w < 3; w++) {
        const ld_yaml_node *l = container_list(p, w);
        for (size_t i = 0; l && i < l->n; i++)
            n += l->items[i]->kind == LD_YAML_MAP;
    }
    return n;
}

bool ld_k8s_pod_container(const ld_k8s_pod *p, size_t i, ld_k8s_container *out)
{
    for (size_t w = 0; w < 3; w++) {
        const ld_yaml_node *l = container_list(p, w);
        for (size_t k = 0; l && k < l->n; k++) {
            const ld_yaml_node *c = l->items[k];
            if (c->kind != LD_YAML_MAP)
                continue;
            if (i-- > 0)
                continue;
            const char *name = ld_k8s_str(ld_yaml_get(c, "name"));
            out->kind = container_lists[w].kind;
            out->index = k;
            out->node = c;
            out->name = name ? name : "";
            out->field = container_lists[w].field;
            return true;
        }
    }
    return false;
}
