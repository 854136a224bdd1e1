/* The runtime tier of `lockdown assess` (assess_runtime.c): whether a
 * runtime monitor watches this host (CTR-01) and whether its logs leave
 * it (journald / rsyslog / syslog-ng forwarding). */
#ifndef LD_CLI_ASSESS_RUNTIME_H
#define LD_CLI_ASSESS_RUNTIME_H

#include "cli/cli.h"
#include "core/findings.h"

/* Owes host.runtime-monitor and host.log-forwarding and runs both checks
 * on host_root (each says itself when it could not look). *scope receives
 * one line for the report's scope (caller frees). Returns < 0 only when a
 * finding could not be added (err set). */
int cli_assess_runtime_run(cli_session *s, ld_findings *r, const char *host_root, char **scope,
                           ld_error *err);

#endif
