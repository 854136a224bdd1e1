/* What the engine says about one container (GET /containers/{id}/json),
 * taken into an ld_rt_container: name, image, labels, privileged, host
 * namespaces, the writable layer. The document is hostile input: only the
 * fields named are read, each checked for its type and bounded. Not for
 * choosing the egress policy (ld_rt_container_choose_egress, containers.c). */
#include <stdlib.h>
#include <string.h>

#include "runtime/containers_internal.h"
#include "util/mem.h"

#define NAME_MAX_LEN 512
#define IMAGE_MAX_LEN 1024
#define UPPERDIR_MAX_LEN 4096

static char *take(const json_t *v, size_t max)
{
    if (!json_is_string(v))
        return NULL;
    size_t n = json_string_length(v);
    const char *s = json_string_value(v);
    if (n == 0 || n > max || strlen(s) != n)
        return NULL; /* empty, too long, or a NUL inside */
    return ld_xstrndup(s, n);
}

static bool truthy(const json_t *v)
{
    return json_is_true(v);
}

static bool is_host_mode(const json_t *v)
{
    return json_is_string(v) && strcmp(json_string_value(v), "host") == 0;
}

static void free_labels(ld_rt_container *ct)
{
    for (size_t i = 0; i < ct->n_labels; i++) {
        free(ct->label_keys[i]);
        free(ct->label_values[i]);
    }
    free(ct->label_keys);
    free(ct->label_values);
    ct->label_keys = ct->label_values = NULL;
    ct->n_labels = 0;
}

void ld_rt_container_clear(ld_rt_container *ct)
{
    free(ct->name);
    free(ct->image);
    free(ct->image_id);
    free(ct->runtime);
    free(ct->k8s_ns);
    free(ct->k8s_pod);
    free(ct->upperdir);
    free(ct->egress);
    free(ct->egress_note);
    free_labels(ct);
    char id[sizeof ct->id];
    memcpy(id, ct->id, sizeof id);
    memset(ct, 0, sizeof *ct);
    memcpy(ct->id, id, sizeof id);
}

static void take_labels(ld_rt_container *ct, const json_t *labels)
{
    if (!json_is_object(labels))
        return;
    size_t n = json_object_size(labels);
    if (n > LD_RT_MAX_LABELS)
        n = LD_RT_MAX_LABELS;
    ct->label_keys = ld_xcalloc(n + 1, sizeof *ct->label_keys);
    ct->label_values = ld_xcalloc(n + 1, sizeof *ct->label_values);
    const char *key;
    json_t *val;
    json_object_foreach((json_t *)labels, key, val)
    {
        if (ct->n_labels == n)
            break;
        size_t kn = strlen(key);
        if (kn == 0 || kn > LD_RT_LABEL_KEY_MAX)
            continue;
        char *v = take(val, LD_RT_LABEL_VALUE_MAX);
        if (!v && !(json_is_string(val) && json_string_length(val) == 0))
            continue;
        ct->label_keys[ct->n_labels] = ld_xstrdup(key);
        ct->label_values[ct->n_labels] = v ? v : ld_xstrdup("");
        ct->n_labels++;
    }
}

const char *ld_rt_container_label(const ld_rt_container *ct, const char *key)
{
    for (size_t i = 0; i < ct->n_labels; i++)
        if (strcmp(ct->label_keys[i], key) == 0)
            return ct->label_values[i];
    return NULL;
}

int ld_rt_container_from_inspect(ld_rt_container *ct, const json_t *doc, ld_error *err)
{
    if (!json_is_object(doc))
        return ld_error_set(err, LD_ERR_CORRUPT, "container %.12s: inspect answer is not an object",
                            ct->id);
    const char *id = json_string_value(json_object_get(doc, "Id"));
    if (!id || strcmp(id, ct->id) != 0)
        return ld_error_set(err, LD_ERR_CORRUPT,
                            "container %.12s: inspect answer is about another container", ct->id);
    char *runtime = ct->runtime;
    ct->runtime = NULL;
    ld_rt_egress_rule *egress = ct->egress;
    size_t n_egress = ct->n_egress;
    bool has_egress = ct->has_egress;
    char *note = ct->egress_note;
    ct->egress = NULL;
    ct->egress_note = NULL;
    ld_rt_container_clear(ct);
    ct->runtime = runtime;
    ct->egress = egress;
    ct->n_egress = n_egress;
    ct->has_egress = has_egress;
    ct->egress_note = note;

    char *name = take(json_object_get(doc, "Name"), NAME_MAX_LEN);
    if (name && name[0] == '/')
        memmove(name, name + 1, strlen(name));
    if (name && !name[0]) {
        free(name);
        name = NULL;
    }
    ct->name = name;
    const json_t *config = json_object_get(doc, "Config");
    ct->image = take(json_object_get(config, "Image"), IMAGE_MAX_LEN);
    ct->image_id = take(json_object_get(doc, "Image"), IMAGE_MAX_LEN);
    take_labels(ct, json_object_get(config, "Labels"));
    const char *ns = ld_rt_container_label(ct, "io.kubernetes.pod.namespace");
    const char *pod = ld_rt_container_label(ct, "io.kubernetes.pod.name");
    ct->k8s_ns = ns && ns[0] ? ld_xstrdup(ns) : NULL;
    ct->k8s_pod = pod && pod[0] ? ld_xstrdup(pod) : NULL;
    const json_t *hc = json_object_get(doc, "HostConfig");
    ct->privileged = truthy(json_object_get(hc, "Privileged"));
    ct->host_network = is_host_mode(json_object_get(hc, "NetworkMode"));
    ct->host_pid = is_host_mode(json_object_get(hc, "PidMode"));
    ct->host_ipc = is_host_mode(json_object_get(hc, "IpcMode"));
    const json_t *gd = json_object_get(json_object_get(doc, "GraphDriver"), "Data");
    char *upper = take(json_object_get(gd, "UpperDir"), UPPERDIR_MAX_LEN);
    if (upper && upper[0] != '/') {
        free(upper);
        upper = NULL;
    }
    ct->upperdir = upper;
    ct->known = true;
    return 0;
}
