/* The host tier of `lockdown assess`: the OS line (src/host/host_os.c, HOST-01),
 * the host's own packages against the vulnerability database and updates
 * waiting for a reboot (src/host/host_packages.c, HOST-02), immutability,
 * authentication auditing and container state permissions
 * (src/host/host_hardening.h: HOST-03, HOST-04, HOST-05). Only wiring and
 * the tier record; the checks live in src/host. */
#include "cli/assess_host.h"

#include <stdlib.h>
#include <string.h>

#include "host/host_hardening.h"
#include "host/host_os.h"
#include "host/host_packages.h"
#include "util/mem.h"
#include "util/strlist.h"

static void on_progress(void *ctx, const char *msg)
{
    cli_progress(ctx, "%s", msg);
}

/* "debian 12: 412 deb packages matched against the vulnerability database" */
static char *packages_line(const ld_host_packages_summary *hs)
{
    if (hs->packages == 0)
        return ld_xasprintf("%s: no installed package read", hs->release ? hs->release : "?");
    return ld_xasprintf("%s: %zu %s package%s%s", hs->release ? hs->release : "unknown release",
                        hs->packages, hs->ecosystems ? hs->ecosystems : "OS",
                        hs->packages == 1 ? "" : "s",
                        hs->matched ? " matched against the vulnerability database"
                                    : " (not matched)");
}

/* Why the packages were not matched: the first package check that could
 * not look, as the check said it. */
static const char *unmatched_reason(const ld_findings *r, size_t from)
{
    for (size_t i = from; i < r->n; i++) {
        const ld_finding *f = r->v[i];
        if (f->status == LD_STATUS_ERROR && f->check_id &&
            strcmp(f->check_id, LD_HOST_PACKAGES_CHECK) == 0)
            return f->evidence;
    }
    return NULL;
}

int cli_assess_host_run(cli_session *s, ld_findings *r, const char *host_root,
                        const char *host_name, const char *docker_data_root, ld_error *err)
{
    cli_progress(s, "checking the host under %s", host_root);
    if (ld_host_os_check(r, host_root, err) < 0)
        return -1;
    cli_progress(s, "reading the host's mounts, audit rules and container state directories");
    if (ld_host_hardening_check(r, host_root, docker_data_root, err) < 0)
        return -1;
    size_t before = r->n;
    ld_host_packages_summary hs = {0};
    ld_host_packages_options hp = {
        .host_name = host_name,
        .progress = on_progress,
        .progress_ctx = s,
        .summary = &hs,
    };
    cli_progress(s, "matching the host's packages against the vulnerability database");
    if (ld_host_packages_check(r, host_root, &hp, err) < 0) {
        ld_host_packages_summary_clear(&hs);
        return -1;
    }
    char *line = packages_line(&hs);
    char *what = ld_xasprintf("operating system; %s", line);
    free(line);
    if (hs.matched) {
        ld_findings_tier(r, "host", LD_TIER_ASSESSED, what, NULL);
    } else {
        const char *why = unmatched_reason(r, before);
        ld_findings_tier(r, "host", LD_TIER_PARTLY_ASSESSED, what,
                         "the host's packages were not matched: %s",
                         why ? why : "see the host.package-vulnerabilities finding");
    }
    free(what);
    ld_host_packages_summary_clear(&hs);
    return 0;
}
