/* The Docker audit: every CIS Docker Benchmark control lockdown can observe
 * on a live engine and its host, in one pass, shared by `lockdown docker
 * audit` and `lockdown assess`.
 *
 *   one GET /version, one /info, one /containers/json?all=1, one /images/json,
 *   one GET /containers/ID/json per audited container (8 in flight), one
 *   scan of /proc, dockerd's /proc/PID/cmdline, daemon.json, the host's
 *   files (systemd units, sockets, certificates, audit rules, group file).
 *
 * Checks: engine_info_checks.h (/info + /version), daemon_checks.h
 * (effective daemon configuration), host_checks.h (sections 1 and 3),
 * container_checks.h (section 5). Never runs the docker CLI or a shell
 * (auditctl -l runs with posix_spawn, argv only).
 * Not for: image contents (images are counted and handed to
 * opt->image_hook when set), Kubernetes, swarm services. */
#ifndef LD_DOCKER_AUDIT_H
#define LD_DOCKER_AUDIT_H

#include <stdbool.h>

#include <jansson.h>

#include "core/error.h"
#include "core/findings.h"
#include "docker/engine.h"
#include "util/strlist.h"

/* What was fetched from the engine, once each. */
typedef struct {
    json_t *version;    /* GET /version */
    json_t *info;       /* GET /info */
    json_t *containers; /* GET /containers/json?all=1 (array) or NULL */
    json_t *images;     /* GET /images/json (array) or NULL */
    ld_strlist notes;   /* list failures, carried into the report as notes */
} ld_docker_snapshot;

/* Fetches the four documents. /version and /info failing is an error
 * (returned, err set, snap cleared); a failed or malformed container or
 * image list is a note and NULL. snap is cleared first. */
int ld_docker_snapshot_fetch(ld_engine *e, ld_docker_snapshot *snap, ld_error *err);
void ld_docker_snapshot_clear(ld_docker_snapshot *snap);

/* Called once per local image (an element of /images/json) when set:
 * where image checks plug in. Returns 0 or < 0 with err set (stops the audit). */
typedef int (*ld_docker_image_fn)(ld_findings *r, const json_t *image, void *ctx, ld_error *err);

typedef struct {
    const char *host_root; /* the engine's host file system; NULL: "/" */
    const char *host_name; /* target id of host findings; NULL: derived from host_root */
    bool all;              /* also created, exited and paused containers (default: running) */
    /* Container selection (docker-bench -i / -x): patterns of
     * container_select.h, one per element (split comma lists with
     * ld_container_patterns_push). NULL or empty: every container. A
     * container left out is not inspected; a note counts them. */
    const ld_strlist *containers;
    const ld_strlist *exclude_containers;
    const ld_docker_snapshot *snapshot; /* already fetched (assess), or NULL: fetched here */
    ld_docker_image_fn image_hook;
    void *image_ctx;
    /* Where running images come from (container_trust.h): the policy's
     * trusted registries (NULL or empty: container.image-trusted is not
     * assessed) and the signature verifier (NULL: container.image-signed
     * is not assessed). */
    const ld_strlist *trusted_registries;
    struct ld_signature_check_s *signatures;
    /* Progress lines ("inspecting 50 containers"); may be NULL. */
    void (*progress)(void *ctx, const char *msg);
    void *progress_ctx;
} ld_docker_audit_options;

/* Runs the whole audit against engine e into r. When lockdown runs inside
 * a container, that container is left out (a note says so). Containers
 * the selection (opt->containers, opt->exclude_containers) leaves out are
 * counted in a note, as is each pattern that matches no container; when no
 * container is left to audit, the container checks are not applicable
 * ("no container matches --container ..."). Every check
 * the audit owes gets a finding: what could not be observed (a list that
 * failed, an inspect of a container that vanished, an unreadable
 * daemon.json or group file, a container pid not proven to be the
 * container's by its cgroup) is an error finding (not assessed) saying
 * why, never a pass. An engine reached over TCP while host_root is "/" is
 * remote: this machine's /proc, daemon configuration and files say nothing
 * about it, so the daemon-configuration, host, file and process checks are
 * not assessed ("pass --host-root with a copy of the engine's host");
 * daemon.tls fails when lockdown reached it over plain TCP.
 * Returns 0, or < 0 with err set: /version or /info failed
 * (LD_ERR_UNREACHABLE / as returned), a malformed container pattern
 * (LD_ERR_INVALID, before anything is read), or past the findings limit. */
int ld_docker_audit(ld_findings *r, ld_engine *e, const ld_docker_audit_options *opt,
                    ld_error *err);

/* Declares every check the audit runs (daemon.*, engine.*, host.docker-*,
 * host.audit-rule.*, file.*, container.*) as state in r's scope, with
 * reason (NULL for owed). ld_docker_audit declares them owed itself; a
 * caller whose engine did not answer declares them not assessed (Docker
 * installed) or not applicable (no Docker here). */
void ld_docker_audit_scope(ld_findings *r, ld_scope_state state, const char *reason);
/* True when host_root shows signs of a Docker installation (dockerd, its
 * data or configuration directory, its systemd unit). */
bool ld_docker_installed(const char *host_root);

/* One line naming what an audit covers, for the report scope:
 * "docker engine unix:///var/run/docker.sock (27.5.1, API 1.47): 12
 * containers (3 running), 4 images". Caller frees. */
char *ld_docker_scope(const ld_engine *e, const ld_docker_snapshot *snap);

#endif
