/* libFuzzer target for the Kubernetes manifest loader (k8s/manifest.c) and
 * the pod spec views (k8s/pod.c): any input loads into a set of objects
 * with a kind, an apiVersion, a line inside the input and a map root, or is
 * refused with a message; the typed accessors, namespaces, ids and
 * container iteration never crash on whatever the objects hold.
 * Seeds: tests/fuzz/corpus/k8s_manifest/. Replay: ./fuzz_k8s_manifest FILE. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "k8s/manifest.h"
#include "k8s/pod.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void look_at(const ld_k8s_object *o, size_t lines)
{
    if (!o->root || o->root->kind != LD_YAML_MAP || !o->kind[0] || !o->api_version[0] ||
        !o->name || o->line < 1 || (size_t)o->line > lines)
        abort();
    char *id = ld_k8s_object_id(o);
    if (!id || !strchr(id, '/'))
        abort();
    free(id);
    const char *ns = ld_k8s_namespace(o);
    if (ns && !ns[0])
        abort();
    (void)ld_k8s_label(o, "app");
    (void)ld_k8s_annotation(o, "a");
    ld_k8s_pod p;
    if (!ld_k8s_pod_of(o, &p))
        return;
    if (!p.spec || p.spec->kind != LD_YAML_MAP || !p.path)
        abort();
    size_t n = ld_k8s_pod_container_count(&p);
    for (size_t i = 0; i < n; i++) {
        ld_k8s_container c;
        if (!ld_k8s_pod_container(&p, i, &c) || !c.node || c.node->kind != LD_YAML_MAP || !c.name)
            abort();
        bool b;
        long long v;
        (void)ld_k8s_bool(ld_k8s_at(c.node, "securityContext.privileged"), &b);
        (void)ld_k8s_int(ld_k8s_at(c.node, "securityContext.runAsUser"), &v);
        (void)ld_k8s_str(ld_k8s_at(c.node, "image"));
    }
    ld_k8s_container c;
    if (ld_k8s_pod_container(&p, n, &c))
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ld_k8s_limits lim = {.max_file_bytes = 1 << 20, .max_objects = 5000};
    ld_k8s_set *s = ld_k8s_set_new(&lim);
    ld_error err = LD_ERROR_INIT;
    int rc = ld_k8s_load_buffer(s, "fuzz.yaml", (const char *)data, size, &err);
    if (rc < 0 && (err.code == LD_OK || !err.msg[0]))
        abort();
    size_t lines = 1;
    for (size_t i = 0; i < size; i++)
        lines += data[i] == '\n' || data[i] == '\r';
    for (size_t i = 0; i < ld_k8s_set_count(s); i++)
        look_at(ld_k8s_set_object(s, i), lines);
    ld_k8s_set_free(s);
    return 0;
}
