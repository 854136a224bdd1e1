/* The registry tier of `lockdown assess` (assess_registry.c). */
#ifndef LD_CLI_ASSESS_REGISTRY_H
#define LD_CLI_ASSESS_REGISTRY_H

#include <stdbool.h>

#include <jansson.h>

#include "cli/cli.h"
#include "cli/registry_opts.h"
#include "core/findings.h"

typedef struct {
    const char *host_root;          /* policy.json and registries.d are read below it */
    const json_t *info;             /* the engine's /info; NULL when no engine answered */
    const char *engine_unreachable; /* why no engine answered (with info NULL) */
    bool docker_installed;          /* Docker is installed under host_root */
    const cli_registry_args *reg;   /* the shared registry options of assess */
} cli_assess_registry;

/* Audits every registry the engine is configured for (RegistryConfig:
 * IndexConfigs and mirrors; docker.io is not audited) from outside, with
 * a bounded time each (--registry-timeout, default 10 s), and judges the
 * host's containers policy (policy.json, registries.d). Declares the
 * scope: assessed, not applicable (no engine installed, no registry
 * besides docker.io, no policy.json) or not assessed (engine down, a
 * registry that does not answer: its checks are errors naming it).
 * *scope receives one line for the report's scope (caller frees).
 * Returns < 0 only when a finding could not be added (err set). */
int cli_assess_registry_run(cli_session *s, ld_findings *r, const cli_assess_registry *a,
                            char **scope, ld_error *err);

#endif
