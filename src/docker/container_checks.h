/* Runtime checks of one container (CIS Docker section 5, and 4.1 for the
 * user its init runs as), computed from its GET /containers/ID/json
 * document plus process facts read from /proc (proc_facts.h). Pure: the
 * caller fetches; tests feed hand-written inspect documents. A missing or
 * wrong-typed field turns into an error finding for that check only, naming
 * the field; nothing in the document can crash it.
 *
 * Check ids (one finding each per container): container.apparmor,
 * container.selinux, container.cap-add, container.privileged,
 * container.sensitive-mounts, container.sshd, container.privileged-ports,
 * container.open-ports, container.host-network, container.memory-limit,
 * container.cpu-shares, container.readonly-rootfs,
 * container.bind-all-interfaces, container.restart-policy,
 * container.host-pid, container.host-ipc, container.devices,
 * container.ulimits, container.mount-propagation, container.host-uts,
 * container.seccomp, container.cgroup-parent, container.no-new-privileges,
 * container.health, container.image-stale, container.pids-limit,
 * container.default-bridge, container.host-userns, container.docker-sock,
 * container.user-nonroot, container.log-driver (NIST SP 800-190 CTR-01). */
#ifndef LD_DOCKER_CONTAINER_CHECKS_H
#define LD_DOCKER_CONTAINER_CHECKS_H

#include <stdbool.h>

#include <jansson.h>

#include "core/error.h"
#include "core/report.h"
#include "docker/proc_facts.h"

/* Host paths whose bind mount fails container.sensitive-mounts (the path
 * itself or anything below it), as CIS 5.6 lists them. */
#define LD_SENSITIVE_HOST_PATHS "/", "/boot", "/dev", "/etc", "/lib", "/proc", "/sys", "/usr"

typedef struct {
    bool apparmor_host;   /* /info SecurityOptions names apparmor */
    bool selinux_host;    /* ... selinux */
    bool daemon_nnp;      /* daemon no-new-privileges = true */
    const json_t *images; /* GET /images/json (for container.image-stale), may be NULL */
} ld_container_env;

/* Emits one finding per check above for the container described by
 * inspect (LD_TARGET_CONTAINER, id = Id, name = Name without '/'). procs
 * may be NULL (process facts unknown: container.sshd is skipped and
 * container.user-nonroot falls back to Config.User). Returns 0 or what
 * ld_report_emit returned, with err set. */
int ld_container_checks(ld_report *r, const json_t *inspect, const ld_container_env *env,
                        const ld_container_procs *procs, ld_error *err);

#endif
