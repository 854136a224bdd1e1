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

#include <stdbool.h>

#include <jansson.h>

#include "core/error.h"
#include "core/findings.h"
#include "docker/engine.h"

/* host.docker-version judges the engine's version against the release data
 * in data/docker-releases.yaml (docker/releases.h): an unmaintained release
 * line fails; a maintained one passes only at its latest known release.
 * daemon.live-restore is skipped on a swarm node (dockerd refuses live
 * restore in swarm mode).
 *
 * engine.image-sprawl warns above this many images (CIS 6.1: keep only the
 * images in use) and passes at or below it. */
#define LD_IMAGE_SPRAWL_MAX 100
/* engine.container-sprawl warns when more than LD_CONTAINER_SPRAWL_MIN
 * containers are stopped and stopped containers outnumber running ones by
 * more than LD_CONTAINER_SPRAWL_RATIO to one (CIS 6.2), and passes otherwise. */
#define LD_CONTAINER_SPRAWL_MIN 10
#define LD_CONTAINER_SPRAWL_RATIO 3

/* Emits one finding per check above into r. info is the /info document,
 * version the /version document (either may be NULL or hostile: a missing
 * field or a wrong type makes that check's finding status error with the
 * evidence "field X missing" / "field X is a T, expected a U"; it never
 * crashes). e gives the target id (its endpoint); it may be NULL (tests,
 * saved responses), then the target id is "docker". Target kind
 * LD_TARGET_ENGINE, name "docker <ServerVersion>". The release data is
 * judged at r->now.
 * Returns 0, or what ld_findings_add returned (past the findings limit) with err set. */
int ld_engine_info_checks(ld_findings *r, ld_engine *e, const json_t *info, const json_t *version,
                          ld_error *err);

/* Whether a log driver keeps logs on the host only, or nowhere ("",
 * json-file, local, none): CIS 2.13 wants a remote one. */
bool ld_log_driver_is_local(const char *driver);

#endif
