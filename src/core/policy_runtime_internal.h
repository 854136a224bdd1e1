/* The runtime section's hooks for the policy parser (policy.c calls them
 * the way it calls the registry section's). Private to src/core/policy*.c:
 * not an API (core/policy_runtime.h is). */
#ifndef LD_CORE_POLICY_RUNTIME_INTERNAL_H
#define LD_CORE_POLICY_RUNTIME_INTERNAL_H

#include "core/policy_internal.h"

/* Parses the runtime section into p; problems go to c. */
void pol_parse_runtime(pol_ctx *c, const ld_yaml_node *key, const ld_yaml_node *v, ld_policy *p);
/* Frees what the runtime section put into p. */
void pol_free_runtime(ld_policy *p);

#endif
