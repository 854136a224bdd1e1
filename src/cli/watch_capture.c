/* lockdown watch's capture action: rule -> trigger -> `lockdown capture`. */
#include "cli/watch_capture.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/key_password.h"
#include "core/audit_log.h"
#include "runtime/containers.h"
#include "runtime/rules.h"
#include "util/term_text.h"

static void on_event(void *ctx, const char *what, const char *container_id, const char *bundle,
                     const char *detail)
{
    const cli_watch_capture *c = ctx;
    /* what: "started", "ended" (detail "succeeded ..." or "failed: ..."),
     * "refused" (a limit), or "failed" (could not spawn) */
    bool ok = strcmp(what, "refused") != 0 && strcmp(what, "failed") != 0 &&
              !(strcmp(what, "ended") == 0 && detail && strncmp(detail, "failed", 6) == 0);
    if (ld_audit_enabled() && strcmp(what, "refused") != 0) {
        ld_error err = LD_ERROR_INIT;
        char *d = NULL;
        if (detail)
            d = strdup(detail);
        (void)ld_audit_action("capture", bundle ? bundle : container_id, ok, d, &err);
        free(d);
    }
    if (c->quiet && ok)
        return;
    char *b = ld_term_clean(bundle ? bundle : "-"), *d = ld_term_clean(detail ? detail : "");
    fprintf(stderr, "lockdown watch: capture %s: container %.12s, %s%s%s\n", what,
            container_id ? container_id : "?", b, d[0] ? ": " : "", d);
    free(b);
    free(d);
}

int cli_watch_capture_open(cli_watch_capture *c, bool needs_it)
{
    c->trigger = NULL;
    if (!needs_it)
        return 0;
    ld_fx_trigger_options o = {.out_dir = c->dir ? c->dir : CLI_WATCH_CAPTURE_DIR,
                               .memory = c->memory,
                               .key = c->key,
                               .key_password_env = c->key ? CLI_KEY_PASSWORD_ENV : NULL,
                               .on_event = on_event,
                               .cb_ctx = c};
    ld_error err = LD_ERROR_INIT;
    c->trigger = ld_fx_trigger_new(&o, &err);
    if (!c->trigger) {
        cli_error(&err);
        return LD_EXIT_ERROR;
    }
    if (!c->quiet) {
        char *d = ld_term_clean(o.out_dir);
        fprintf(stderr, "lockdown watch: rules with action capture take evidence into %s\n", d);
        free(d);
    }
    return 0;
}

void cli_watch_capture_on_alert(cli_watch_capture *c, const ld_rt_alert *a)
{
    if (!c->trigger)
        return;
    ld_fx_trigger_poll(c->trigger);
    if (!a->rule->capture || !a->ctx || !a->ctx->container)
        return;
    const ld_rt_container *ct = a->ctx->container;
    if (strcmp(ct->id, LD_RT_HOST_ID) == 0)
        return; /* nothing to capture on the host */
    ld_error err = LD_ERROR_INIT;
    if (ld_fx_trigger_request(c->trigger, ct->id, ct->name, a->rule->name, &err) < 0)
        on_event(c, "failed", ct->id, NULL, err.msg);
}

void cli_watch_capture_tick(cli_watch_capture *c)
{
    if (c->trigger)
        ld_fx_trigger_poll(c->trigger);
}

void cli_watch_capture_close(cli_watch_capture *c)
{
    if (!c->trigger)
        return;
    ld_fx_trigger_drain(c->trigger, 60.0);
    ld_fx_trigger_stats st;
    ld_fx_trigger_stats_get(c->trigger, &st);
    if (!c->quiet || st.failed)
        fprintf(stderr,
                "lockdown watch: captures: %llu asked, %llu started, %llu written, %llu failed, "
                "%llu refused (%llu busy, %llu cooling down, %llu over the hourly limit)\n",
                (unsigned long long)st.requested, (unsigned long long)st.started,
                (unsigned long long)st.succeeded, (unsigned long long)st.failed,
                (unsigned long long)(st.refused_busy + st.refused_cooldown + st.refused_rate),
                (unsigned long long)st.refused_busy, (unsigned long long)st.refused_cooldown,
                (unsigned long long)st.refused_rate);
    ld_fx_trigger_free(c->trigger);
    c->trigger = NULL;
}
