/* Daemon checks computed from the effective daemon configuration
 * (daemon.json + dockerd command line, daemon_config.h) together with
 * /info: CIS Docker 2.1, 2.2, 2.3, 2.4, 2.7, 2.8, 2.10, 2.11, 2.14, 2.16.
 * Pure: the caller loads the configuration, so tests feed hand-written ones.
 * The /info-only daemon checks stay in engine_info_checks.c.
 *
 * Check ids: daemon.rootless, daemon.icc, daemon.log-level, daemon.iptables,
 * daemon.tls, daemon.default-ulimits, daemon.cgroup-parent,
 * daemon.storage-opt-basesize, daemon.no-new-privileges,
 * daemon.userland-proxy. */
#ifndef LD_DOCKER_DAEMON_CHECKS_H
#define LD_DOCKER_DAEMON_CHECKS_H

#include <jansson.h>

#include "core/error.h"
#include "core/report.h"
#include "docker/daemon_config.h"

/* Emits one finding per check above. cfg is the effective configuration
 * (settings never set are the dockerd defaults; when neither the command
 * line nor daemon.json could be read the evidence says so). info may be
 * NULL or hostile (only daemon.rootless and daemon.log-level read it).
 * target_id / target_name name the engine (LD_TARGET_ENGINE).
 * Returns 0 or what ld_report_emit returned, with err set. */
int ld_daemon_config_checks(ld_report *r, const ld_daemon_config *cfg, const json_t *info,
                            const char *target_id, const char *target_name, ld_error *err);

#endif
