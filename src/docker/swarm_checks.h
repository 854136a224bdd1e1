/* Swarm checks (CIS Docker section 7) from /info's Swarm object, the
 * overlay network list (GET /networks, fetched only on a swarm manager) and
 * the host's listening sockets (ROOT/proc/net/tcp, tcp6) for the swarm
 * management port 2377. On a node outside a swarm each check is skipped
 * with the state seen. Pure apart from the /proc/net read.
 *
 * Check ids: engine.swarm-managers (7.1), engine.swarm-listen-addr (7.2),
 * engine.swarm-overlay-encryption (7.3), engine.swarm-autolock (7.5),
 * engine.swarm-cert-expiry (7.7). */
#ifndef LD_DOCKER_SWARM_CHECKS_H
#define LD_DOCKER_SWARM_CHECKS_H

#include <stdbool.h>

#include <jansson.h>

#include "core/error.h"
#include "core/findings.h"

/* Longest node certificate lifetime that passes engine.swarm-cert-expiry
 * (90 days, Docker's default), in nanoseconds as the API gives it. */
#define LD_SWARM_CERT_EXPIRY_MAX_NS (90LL * 24 * 3600 * 1000000000LL)
#define LD_SWARM_PORT 2377

/* Whether /info says this node is an active swarm manager. */
bool ld_swarm_is_manager(const json_t *info);

/* Emits the five checks above (target: the engine). networks is the
 * GET /networks answer for a manager (NULL: it could not be read, 7.3 not
 * assessed); proc_net_dir is ROOT/proc/net ("/proc/net"), or NULL when the
 * engine host's sockets are not visible (7.2 not assessed, proc_unseen
 * saying why). Returns 0 or an emit error. */
int ld_swarm_checks(ld_findings *r, const json_t *info, const json_t *networks,
                    const char *proc_net_dir, const char *proc_unseen, const char *target_id,
                    const char *target_name, ld_error *err);

#endif
