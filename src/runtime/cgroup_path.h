/* Which container owns a cgroup, read from the cgroup's path alone: a pure
 * function over the path text (no file system access), so the table
 * (containers.c) and the fuzzer share it. Not for walking the hierarchy
 * (cgroup_scan.c) or asking the engine (containers.c).
 *
 * Forms recognised, with the runtime they name (the innermost container id
 * wins, so docker-in-docker and a container's own sub-cgroups resolve to
 * the container the process runs in):
 *   .../docker/<id>                       docker (cgroupfs driver; v1 and v2)
 *   .../docker-<id>.scope                 docker (systemd driver)
 *   .../cri-containerd-<id>.scope         containerd (CRI, systemd driver)
 *   .../<namespace>/<id>                  containerd (cgroupfs: "/default/<id>", "/k8s.io/<id>")
 *   .../crio-<id>.scope, .../crio-<id>    cri-o ("crio-conmon-<id>" is the monitor: no container)
 *   .../libpod-<id>.scope                 podman (systemd; "libpod-conmon-<id>" is the monitor)
 *   .../libpod_parent/libpod-<id>         podman (cgroupfs)
 *   any of these below a "kubepods" component ("/kubepods/burstable/pod<uid>/<id>",
 *   "kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod<uid>.slice/
 *   cri-containerd-<id>.scope"): kubernetes
 * <id> is exactly 64 lowercase hex digits (what Docker, containerd's CRI,
 * CRI-O and Podman use); other names, a pod's own cgroup and the host's
 * slices are no container. Any bytes are accepted: a path with odd bytes or
 * of any length is read component by component, nothing is copied. */
#ifndef LD_RUNTIME_CGROUP_PATH_H
#define LD_RUNTIME_CGROUP_PATH_H

#include <stddef.h>

#define LD_RT_CONTAINER_ID_LEN 64

typedef enum {
    LD_RT_CG_NONE = 0, /* not a container's cgroup */
    LD_RT_CG_DOCKER,
    LD_RT_CG_CONTAINERD,
    LD_RT_CG_CRIO,
    LD_RT_CG_PODMAN,
    LD_RT_CG_KUBERNETES,
} ld_rt_cgroup_runtime;

/* "docker", "containerd", "cri-o", "podman", "kubernetes"; NULL for NONE. */
const char *ld_rt_cgroup_runtime_name(ld_rt_cgroup_runtime r);

/* path[0..len): a cgroup path relative to its hierarchy's root, with or
 * without the leading '/' (as in /proc/PID/cgroup or a directory walk).
 * Writes the innermost container id (64 hex + NUL) to id and returns its
 * runtime; LD_RT_CG_NONE with id "" when the path names no container.
 * outer_id (may be NULL): the outermost container id in the path (the same
 * as id unless containers nest), so a caller can tell a real nested
 * engine's container from a sub-cgroup named after a container it knows. */
ld_rt_cgroup_runtime ld_rt_cgroup_path_container(const char *path, size_t len,
                                                 char id[LD_RT_CONTAINER_ID_LEN + 1],
                                                 char *outer_id);

#endif
