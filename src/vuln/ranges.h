/* OSV range evaluation: is an installed version inside an advisory's
 * affected ranges? Implements the evaluation of the OSV schema ("Evaluation"
 * in https://ossf.github.io/osv-schema/): the events of one ECOSYSTEM or
 * SEMVER range are sorted by version ("introduced": "0" first), then walked
 * in order — introduced makes the version affected when it is >= the event,
 * fixed clears it when >= the event, last_affected clears it when > the
 * event — and "limit" events, when present, bound the range from above (the
 * version must be below one of them). GIT ranges never match (commit hashes
 * do not order package versions). The explicit `versions` list matches by
 * equality under the scheme (or byte equality when a version is invalid).
 * Go versions compare with or without their leading 'v' (OSV publishes
 * "1.2.3" for the Go ecosystem, modules carry "v1.2.3").
 *
 * Not the database lookup and not fix-status logic: see match.c. */
#ifndef LD_VULN_RANGES_H
#define LD_VULN_RANGES_H

#include <stdbool.h>
#include <stddef.h>

#include "core/error.h"
#include "vuln/db.h"
#include "vuln/version.h"

/* Most events one range may have; more is LD_ERR_LIMIT (hostile feeds). */
#define LD_RANGE_MAX_EVENTS 4096

/* Is version inside range rg under scheme s? Returns 1 (affected), 0 (not),
 * or a negative ld_errcode with err filled when a version of the range or
 * the installed version cannot be compared (the caller skips that range and
 * may note it). A GIT range returns 0. Allocates only for ranges of more
 * than 16 events (an index array). */
int ld_range_affected(ld_version_scheme s, const ld_vuln_range *rg, const char *version,
                      ld_error *err);

/* Is version one of the explicit versions (scheme equality, byte equality
 * as a fallback for versions the scheme rejects)? */
bool ld_versions_list_contains(ld_version_scheme s, const char *const *versions, size_t n,
                               const char *version);

#endif
