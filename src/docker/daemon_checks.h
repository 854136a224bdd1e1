/* Daemon checks computed from the effective daemon configuration
 * (daemon.json + dockerd command line, daemon_config.h) together with
 * /info and the way lockdown reached the engine: CIS Docker 2.1, 2.2, 2.3,
 * 2.4, 2.7, 2.8, 2.10, 2.11, 2.14, 2.16. Pure: the caller loads the
 * configuration, so tests feed hand-written ones. The /info-only daemon
 * checks stay in engine_info_checks.c.
 *
 * A setting is judged only when it is known (ld_dcfg_known): set in
 * daemon.json or on the command line, or unset while both were seen, so
 * dockerd's default applies. Otherwise its check is an error finding (not
 * assessed) saying which source could not be read; it never passes on an
 * assumed default.
 *
 * Check ids: daemon.rootless, daemon.icc, daemon.log-level, daemon.iptables,
 * daemon.tls, daemon.default-ulimits, daemon.cgroup-parent,
 * daemon.storage-opt-basesize, daemon.no-new-privileges,
 * daemon.userland-proxy. */
#ifndef LD_DOCKER_DAEMON_CHECKS_H
#define LD_DOCKER_DAEMON_CHECKS_H

#include <stdbool.h>

#include <jansson.h>

#include "core/error.h"
#include "core/findings.h"
#include "docker/daemon_config.h"
#include "docker/engine.h"

typedef struct {
    const char *target_id;   /* the engine (LD_TARGET_ENGINE): its endpoint */
    const char *target_name; /* "docker 27.5.1" */
    ld_engine_link link;     /* how lockdown reached the engine */
    bool client_cert;        /* LD_ENGINE_LINK_TCP_TLS: lockdown sent a client certificate */
    /* Non-NULL: the daemon's configuration is not visible from here (a
     * remote engine and no copy of its host): why, as evidence. */
    const char *unseen;
} ld_daemon_check_options;

/* Emits one finding per check above. daemon.tls: an engine lockdown
 * reached over plain tcp:// fails whatever the configuration says; over
 * TLS without a client certificate it fails (the engine does not verify
 * clients); otherwise the configuration's hosts and TLS settings decide.
 * info may be NULL or hostile (only daemon.rootless and daemon.log-level
 * read it). Returns 0 or what ld_findings_add returned, with err set. */
int ld_daemon_config_checks(ld_findings *r, const ld_daemon_config *cfg, const json_t *info,
                            const ld_daemon_check_options *o, ld_error *err);

#endif
