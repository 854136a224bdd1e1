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
#include "core/findings.h"
#include "docker/proc_facts.h"

/* Host paths whose bind mount fails container.sensitive-mounts (the path
 * itself or anything below it), as CIS 5.6 lists them. */
#define LD_SENSITIVE_HOST_PATHS "/", "/boot", "/dev", "/etc", "/lib", "/proc", "/sys", "/usr"

/* What the daemon contributes to each container's checks. A daemon
 * setting that is not known carries the reason (…_unknown non-NULL), and
 * the check that needs it is not assessed rather than guessed. */
typedef struct {
    bool apparmor_host; /* /info SecurityOptions names apparmor */
    bool selinux_host;  /* ... selinux */
    bool daemon_nnp;    /* daemon no-new-privileges = true */
    const char *daemon_nnp_unknown;
    bool daemon_ulimits; /* daemon default-ulimits configured */
    const char *daemon_ulimits_unknown;
    const char *daemon_log_driver; /* /info LoggingDriver; NULL when unknown */
    const json_t *images; /* GET /images/json (for container.image-stale); NULL: not read */
} ld_container_env;

/* Emits one finding per check above for the container described by
 * inspect (LD_TARGET_CONTAINER, id = Id, name = Name without '/'). procs
 * are its process facts (proc_facts.h): container.sshd passes or fails only
 * on LD_PROCS_KNOWN, is skipped when the container is not running and is
 * not assessed (error) when its processes could not be observed or procs
 * is NULL; container.user-nonroot then falls back to Config.User.
 * container.cap-add judges the effective capability set against Docker's
 * default set. Returns 0 or what ld_findings_add returned, with err set. */
int ld_container_checks(ld_findings *r, const json_t *inspect, const ld_container_env *env,
                        const ld_container_procs *procs, ld_error *err);

#endif
