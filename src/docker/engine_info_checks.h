/* Daemon and engine checks computed from one GET /info and one GET /version
 * (CIS Docker Benchmark sections 1.2, 2, 5.1 and 6; NIST SP 800-190 4.3,
 * 4.4, 4.5). Pure functions of the two documents: the caller fetches them,
 * so the checks run the same on a live engine, in tests and on saved
 * responses. Not for the daemon's configuration files or command line
 * (daemon.json, systemd units): those are file checks.
 *
 * Check ids: daemon.live-restore, daemon.experimental, daemon.userns-remap,
 * daemon.seccomp-profile, daemon.insecure-registries,
 * daemon.storage-driver-aufs, daemon.authz-plugin, daemon.remote-logging,
 * engine.image-sprawl, engine.container-sprawl, engine.swarm-mode,
 * host.docker-version. */
#ifndef LD_DOCKER_ENGINE_INFO_CHECKS_H
#define LD_DOCKER_ENGINE_INFO_CHECKS_H

#include <jansson.h>

#include "core/error.h"
#include "core/report.h"
#include "docker/engine.h"

/* Oldest Docker Engine release treated as supported by host.docker-version:
 * older engines fail the check, newer ones get an info finding naming the
 * version (whether a release still gets fixes changes over time; this
 * constant is the floor below which no maintained release line remains). */
#define LD_DOCKER_MIN_MAJOR 20
#define LD_DOCKER_MIN_MINOR 10

/* engine.image-sprawl warns above this many images (CIS 6.1: keep only the
 * images in use). */
#define LD_IMAGE_SPRAWL_MAX 100
/* engine.container-sprawl warns when more than LD_CONTAINER_SPRAWL_MIN
 * containers are stopped and stopped containers outnumber running ones by
 * more than LD_CONTAINER_SPRAWL_RATIO to one (CIS 6.2). */
#define LD_CONTAINER_SPRAWL_MIN 10
#define LD_CONTAINER_SPRAWL_RATIO 3

/* Emits one finding per check above into r. info is the /info document,
 * version the /version document (either may be NULL or hostile: a missing
 * field or a wrong type makes that check's finding status error with the
 * evidence "field X missing" / "field X is a T, expected a U"; it never
 * crashes). e gives the target id (its endpoint); it may be NULL (tests,
 * saved responses), then the target id is "docker". Target kind
 * LD_TARGET_ENGINE, name "docker <ServerVersion>".
 * Returns 0, or what ld_report_emit returned (a writer error) with err set. */
int ld_engine_info_checks(ld_report *r, ld_engine *e, const json_t *info, const json_t *version,
                          ld_error *err);

#endif
