/* The runtime tier of `lockdown assess`: a runtime monitor active on the
 * host (lockdown watch, Falco, Tetragon, Tracee: src/runtime/monitor_detect.c)
 * host log forwarding (src/host/log_forwarding.c) and whether lockdown
 * capture can work here (src/forensics/readiness.c). */
#include "cli/assess_runtime.h"

#include "forensics/readiness.h"
#include "host/log_forwarding.h"
#include "runtime/monitor_detect.h"
#include "util/mem.h"

int cli_assess_runtime_run(cli_session *s, ld_findings *r, const char *host_root,
                           const ld_fx_readiness_engine *engine, char **scope, ld_error *err)
{
    *scope = NULL;
    cli_progress(s, "looking for a runtime monitor and log forwarding under %s", host_root);
    ld_findings_scope(r, LD_SCOPE_OWED, "host.runtime-monitor", NULL);
    ld_findings_scope(r, LD_SCOPE_OWED, "host.log-forwarding", NULL);
    if (ld_runtime_monitor_check(r, host_root, err) < 0)
        return -1;
    if (ld_host_log_forwarding_check(r, host_root, err) < 0)
        return -1;
    if (ld_fx_readiness_check(r, host_root, engine, err) < 0)
        return -1;
    *scope = ld_xstrdup("runtime: monitor, log forwarding, forensic capture readiness");
    ld_findings_tier(r, "runtime", LD_TIER_ASSESSED,
                     "runtime monitor, host log forwarding, forensic capture readiness", NULL);
    return 0;
}
