/* The policy's `runtime:` section (lockdown watch): egress allowed per
 * image or container name glob. Owned by the containers work of issue 14;
 * the lead's cmd_watch.c needs ld_policy_runtime_egress_pairs below (keep
 * it; add what the section needs).
 *
 *   runtime:
 *     egress:
 *       - match: "payments-*"                        # the image, then the name
 *         allow: ["10.20.0.0/16:5432", "*:53"]
 *       - match: "batch-*"
 *         allow: []                                  # nothing but loopback
 *     capture: {...}   # reserved for forensic capture (issue 15): accepted, not read
 *
 * Schema: docs/policy.md. Not for applying it (runtime/containers.c). */
#ifndef LD_CORE_POLICY_RUNTIME_H
#define LD_CORE_POLICY_RUNTIME_H

#include "core/policy.h"

/* The egress entries as ld_rt_containers_options.egress_policy takes them:
 * a NULL-terminated array of (glob, "dest,dest,...") string pairs, newly
 * allocated (caller frees each string and the array); NULL when the policy
 * has no runtime egress. */
char **ld_policy_runtime_egress_pairs(const ld_policy *p);

#endif
