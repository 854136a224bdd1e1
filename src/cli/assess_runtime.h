/* The runtime tier of `lockdown assess` (assess_runtime.c): whether a
 * runtime monitor watches this host (CTR-01) and whether its logs leave
 * it (journald / rsyslog / syslog-ng forwarding), and whether a forensic
 * capture can be taken here. */
#ifndef LD_CLI_ASSESS_RUNTIME_H
#define LD_CLI_ASSESS_RUNTIME_H

#include "cli/cli.h"
#include "core/findings.h"
#include "forensics/readiness.h"

/* Owes host.runtime-monitor, host.log-forwarding and host.forensics-ready
 * and runs the three checks
 * on host_root (each says itself when it could not look). *scope receives
 * one line for the report's scope (caller frees). Returns < 0 only when a
 * finding could not be added (err set). */
int cli_assess_runtime_run(cli_session *s, ld_findings *r, const char *host_root,
                           const ld_fx_readiness_engine *engine, char **scope, ld_error *err);

#endif
