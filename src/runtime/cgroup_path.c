/* The container id and runtime in one cgroup path (cgroup_path.h): a walk
 * over the path's components, no allocation, no file system access. */
#include "runtime/cgroup_path.h"

#include <stdbool.h>
#include <string.h>

/* kernfs names are at most 255 bytes: a longer component is no cgroup */
#define COMPONENT_MAX 255

typedef struct {
    const char *s;
    size_t n;
} span;

const char *ld_rt_cgroup_runtime_name(ld_rt_cgroup_runtime r)
{
    switch (r) {
    case LD_RT_CG_DOCKER: return "docker";
    case LD_RT_CG_CONTAINERD: return "containerd";
    case LD_RT_CG_CRIO: return "cri-o";
    case LD_RT_CG_PODMAN: return "podman";
    case LD_RT_CG_KUBERNETES: return "kubernetes";
    case LD_RT_CG_NONE: break;
    }
    return NULL;
}

static bool is_hex_id(const char *s, size_t n)
{
    if (n != LD_RT_CONTAINER_ID_LEN)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
            return false;
    return true;
}

static bool span_is(span c, const char *lit)
{
    size_t n = strlen(lit);
    return c.n == n && memcmp(c.s, lit, n) == 0;
}

static bool span_starts(span c, const char *lit)
{
    size_t n = strlen(lit);
    return c.n >= n && memcmp(c.s, lit, n) == 0;
}

/* "<prefix><64hex>" followed by ".scope" (scope_required) or optionally
 * by it; the id's start in *id_at. */
static bool prefixed_id(span c, const char *prefix, bool scope_required, const char **id_at)
{
    size_t pn = strlen(prefix);
    if (!span_starts(c, prefix))
        return false;
    const char *rest = c.s + pn;
    size_t rn = c.n - pn;
    static const char scope[] = ".scope";
    size_t sn = sizeof scope - 1;
    if (rn == LD_RT_CONTAINER_ID_LEN + sn && memcmp(rest + LD_RT_CONTAINER_ID_LEN, scope, sn) == 0)
        rn -= sn;
    else if (scope_required)
        return false;
    if (!is_hex_id(rest, rn))
        return false;
    *id_at = rest;
    return true;
}

/* The container a component names, given its parent; NONE if it names none. */
static ld_rt_cgroup_runtime component_container(span c, span parent, const char **id_at)
{
    if (is_hex_id(c.s, c.n)) {
        if (parent.n == 0)
            return LD_RT_CG_NONE; /* a bare id at the root: no known layout */
        *id_at = c.s;
        return span_is(parent, "docker") ? LD_RT_CG_DOCKER : LD_RT_CG_CONTAINERD;
    }
    /* the monitors of CRI-O and Podman run on the host's side */
    if (span_starts(c, "crio-conmon-") || span_starts(c, "libpod-conmon-"))
        return LD_RT_CG_NONE;
    if (prefixed_id(c, "docker-", true, id_at))
        return LD_RT_CG_DOCKER;
    if (prefixed_id(c, "cri-containerd-", true, id_at))
        return LD_RT_CG_CONTAINERD;
    if (prefixed_id(c, "crio-", false, id_at))
        return LD_RT_CG_CRIO;
    if (prefixed_id(c, "libpod-", span_is(parent, "libpod_parent") ? false : true, id_at))
        return LD_RT_CG_PODMAN;
    return LD_RT_CG_NONE;
}

ld_rt_cgroup_runtime ld_rt_cgroup_path_container(const char *path, size_t len,
                                                 char id[LD_RT_CONTAINER_ID_LEN + 1],
                                                 char *outer_id)
{
    id[0] = '\0';
    if (outer_id)
        outer_id[0] = '\0';
    if (!path)
        return LD_RT_CG_NONE;
    ld_rt_cgroup_runtime found = LD_RT_CG_NONE;
    const char *found_id = NULL, *first_id = NULL;
    bool kubepods = false, found_in_kubepods = false;
    span parent = {NULL, 0};
    size_t i = 0;
    while (i < len) {
        while (i < len && path[i] == '/')
            i++;
        size_t start = i;
        while (i < len && path[i] != '/')
            i++;
        span c = {path + start, i - start};
        if (c.n == 0)
            break;
        if (c.n > COMPONENT_MAX || memchr(c.s, '\0', c.n))
            return LD_RT_CG_NONE; /* not a kernfs name: no cgroup at or below it */
        if (span_is(c, "kubepods") || span_starts(c, "kubepods.") || span_starts(c, "kubepods-"))
            kubepods = true;
        const char *id_at = NULL;
        ld_rt_cgroup_runtime r = component_container(c, parent, &id_at);
        if (r != LD_RT_CG_NONE) {
            found = r;
            found_id = id_at;
            found_in_kubepods = kubepods;
            if (!first_id)
                first_id = id_at;
        }
        parent = c;
    }
    if (found == LD_RT_CG_NONE)
        return LD_RT_CG_NONE;
    memcpy(id, found_id, LD_RT_CONTAINER_ID_LEN);
    id[LD_RT_CONTAINER_ID_LEN] = '\0';
    if (outer_id) {
        memcpy(outer_id, first_id, LD_RT_CONTAINER_ID_LEN);
        outer_id[LD_RT_CONTAINER_ID_LEN] = '\0';
    }
    return found_in_kubepods ? LD_RT_CG_KUBERNETES : found;
}
