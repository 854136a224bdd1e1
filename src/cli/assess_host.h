/* The host tier of `lockdown assess` (assess_host.c). */
#ifndef LD_CLI_ASSESS_HOST_H
#define LD_CLI_ASSESS_HOST_H

#include "cli/cli.h"
#include "core/findings.h"

/* Adds the host checks under host_root to r — the OS line, the host's
 * packages against the vulnerability database and pending reboots,
 * immutability, authentication auditing and the permissions of the
 * engines' state directories (docker_data_root: the engine's DockerRootDir,
 * NULL: /var/lib/docker) — and
 * records the "host" tier: assessed, or partly assessed with the reason
 * when the packages could not be matched. Returns < 0 only when a finding
 * could not be added (err set). */
int cli_assess_host_run(cli_session *s, ld_findings *r, const char *host_root,
                        const char *host_name, const char *docker_data_root, ld_error *err);

#endif
