/* Container attribution for lockdown watch: the kernel gives a cgroup id;
 * this maps it to the container that owns the cgroup and what the engine
 * says about it (name, image, labels, Kubernetes pod and namespace,
 * privileged, host namespaces, the writable layer, the egress policy).
 *
 * Cgroup ids are the inode numbers of cgroup directories: the table walks
 * the cgroup v2 hierarchy (/sys/fs/cgroup, or /sys/fs/cgroup/unified on
 * hybrid hosts) and the v1 hierarchies, recognises container ids in the
 * paths (Docker "docker/<id>" and "docker-<id>.scope", containerd and CRI
 * "cri-containerd-<id>.scope", ".../<ns>/<id>", Podman "libpod-<id>.scope",
 * Kubernetes "kubepods/.../pod<uid>/<id>" and the systemd slice forms),
 * and asks the engine (Engine API) for the rest. It stays current from the
 * engine's event stream (/events: start, die, destroy, rename), which also
 * yields LD_EVT_CONTAINER events for started containers. An unknown cgroup
 * is looked up again (rescan of its path) at most once per second.
 *
 * Events from processes not in a container carry container.id "host". */
#ifndef LD_RUNTIME_CONTAINERS_H
#define LD_RUNTIME_CONTAINERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "runtime/event.h"

#define LD_RT_HOST_ID "host"

/* One allowed egress destination: addr/prefix (family AF_INET/AF_INET6;
 * family 0: any address, the "*" entry), port 0: any. */
typedef struct {
    uint16_t family;
    uint8_t addr[16];
    uint8_t prefix;
    uint16_t port;
} ld_rt_egress_rule;

typedef struct {
    char id[65];        /* full container id; LD_RT_HOST_ID for the host */
    char *name;         /* without the leading '/'; NULL if unknown */
    char *image;        /* as the container was created from (Config.Image) */
    char *image_id;     /* sha256:... */
    char *runtime;      /* "docker", "containerd", "podman", "cri-o", "kubernetes" (from the cgroup path) */
    char *k8s_ns, *k8s_pod; /* io.kubernetes.pod.namespace / .name labels; NULL if absent */
    char *upperdir;     /* the overlay writable layer (GraphDriver.Data.UpperDir); NULL if unknown */
    bool privileged, host_network, host_pid, host_ipc;
    bool known;         /* the engine described it (else only the id from the cgroup path is known) */
    /* egress policy: label io.lockdown.egress ("10.0.0.0/8:443,192.168.1.5") or the
     * policy file's runtime.egress; has_egress false: no policy, egress rules cannot judge */
    bool has_egress;
    ld_rt_egress_rule *egress;
    size_t n_egress;
    /* why the policy allows nothing although one was given (a malformed
     * label: fail closed, every connection is flagged); NULL otherwise */
    char *egress_note;
    char **label_keys, **label_values; /* every label (bounded) */
    size_t n_labels;
} ld_rt_container;

typedef struct ld_rt_containers ld_rt_containers;

typedef struct {
    const char *cgroup_root;   /* "/sys/fs/cgroup" (tests may pass another tree) */
    const char *engine_host;   /* Engine API address (DOCKER_HOST form); NULL: the default socket */
    bool no_engine;            /* do not ask the engine (ids from cgroup paths only) */
    /* egress policy from the policy file: image or name glob -> allowed
     * destinations ("10.0.0.0/8:443"); NULL-terminated pairs, may be NULL */
    const char *const *egress_policy;
} ld_rt_containers_options;

/* Scans the cgroup trees and, unless no_engine, lists the running
 * containers. An engine that does not answer is not an error: err is set
 * to why (for the coverage note) and names stay unknown. NULL only on a
 * fatal error (no cgroup file system). */
ld_rt_containers *ld_rt_containers_new(const ld_rt_containers_options *o, ld_error *err);
void ld_rt_containers_free(ld_rt_containers *c);

/* The container of a cgroup (v2 id, else the v1 id); the host entry when
 * the cgroup belongs to no container. Never NULL. Valid until the next
 * call that updates the table. */
const ld_rt_container *ld_rt_containers_lookup(ld_rt_containers *c, uint64_t cgroup_id,
                                               uint64_t cgroup_v1_id);
/* By container id (full or a unique 12+ character prefix); NULL if unknown. */
const ld_rt_container *ld_rt_containers_by_id(ld_rt_containers *c, const char *id);

/* The containers the table holds (not the host entry), in no particular
 * order, for listings and tests; valid until the next call that updates
 * the table. */
size_t ld_rt_containers_count(const ld_rt_containers *c);
const ld_rt_container *ld_rt_containers_get(const ld_rt_containers *c, size_t i);

/* The engine's event stream: a file descriptor to poll (-1 without an
 * engine), and the step that reads what is pending, updates the table and
 * delivers LD_EVT_CONTAINER events (a container started) to fn. The stream
 * reconnects by itself after an engine restart (backoff up to 5 s; events
 * of the gap are replayed). pump never blocks on the stream (it may ask
 * the engine to inspect a started container) and may be called at any
 * time. Returns the number of events delivered, or a negative code with
 * err holding what the user should be told once (the stream was lost or
 * is back, a container's egress label is malformed, an engine line over
 * 64 KiB was skipped): the table stays usable, call it again. */
int ld_rt_containers_fd(const ld_rt_containers *c);
int ld_rt_containers_pump(ld_rt_containers *c, ld_rt_event_fn fn, void *ctx, ld_error *err);

/* Was path (absolute, as the container sees it) written into the
 * container's writable layer, i.e. not part of its image? Checked under
 * upperdir without following any symbolic link out of it (openat2
 * RESOLVE_BENEATH|RESOLVE_NO_SYMLINKS); false when unknown (no upperdir). */
bool ld_rt_container_file_in_upper(const ld_rt_container *ct, const char *path);

/* Is the destination allowed by the container's egress policy? Only
 * meaningful when ct->has_egress. Loopback is always allowed. */
bool ld_rt_egress_allows(const ld_rt_container *ct, const ld_rt_sockaddr *dst);
/* Parses one egress entry ("10.0.0.0/8:443", "192.168.1.5", "[2001:db8::]/32:53",
 * "2001:db8::/32", "*:443", "*"); 0 or a negative code with err. Host names
 * are refused (never resolved), as are host bits set past the prefix. */
int ld_rt_egress_parse(const char *text, ld_rt_egress_rule *out, ld_error *err);
/* A comma-separated list of entries (the label's form; spaces around
 * entries ignored; "" allows nothing). *out (caller frees) and *n; on
 * error (the first bad entry named in err) *out NULL and *n 0. */
#define LD_RT_EGRESS_MAX_ENTRIES 256
int ld_rt_egress_parse_list(const char *text, ld_rt_egress_rule **out, size_t *n, ld_error *err);

#endif
