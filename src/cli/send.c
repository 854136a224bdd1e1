/* --send KIND=URL and --send-ca FILE: the evaluated report also sent to
 * log receivers (core/export_send.h) after it was written. The credential
 * comes from the environment only (LOCKDOWN_SEND_AUTHORIZATION, a full
 * Authorization header value) and is never printed. A failed send is one
 * line on stderr and exit 3; the report itself stays written. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "cli/cli.h"
#include "core/export_send.h"

#define SEND_AUTH_ENV "LOCKDOWN_SEND_AUTHORIZATION"

int cli_send_check(const char *cmd, const cli_common *opt)
{
    ld_error err = LD_ERROR_INIT;
    for (size_t i = 0; i < opt->n_send; i++) {
        ld_export_target t;
        if (ld_export_target_parse(opt->send[i], &t, &err) < 0)
            return cli_usage_error(cmd, "%s", err.msg);
        ld_export_target_clear(&t);
    }
    if (opt->send_ca && !opt->n_send)
        return cli_usage_error(cmd, "--send-ca is for --send receivers; none was given");
    if (opt->send_ca && access(opt->send_ca, R_OK) != 0) {
        ld_error_set_errno(&err, LD_ERR_INVALID, errno, "--send-ca %s: cannot read it",
                           opt->send_ca);
        return cli_error_exit(&err);
    }
    return 0;
}

int cli_send_reports(const cli_session *s, const ld_report_options *ro, const ld_findings *fs,
                     const ld_evaluation *ev, int rc)
{
    if (!s->opt.n_send)
        return rc;
    const char *auth = getenv(SEND_AUTH_ENV);
    if (auth && !auth[0])
        auth = NULL;
    ld_report r;
    ld_export_report_init(&r, ro, fs, ev);
    ld_run_identity id;
    ld_run_identity_init(&id, r.now);
    ld_export_send_options o = {.authorization = auth, .cacert = s->opt.send_ca};
    bool failed = false;
    for (size_t i = 0; i < s->opt.n_send; i++) {
        ld_error err = LD_ERROR_INIT;
        ld_export_target t;
        ld_export_sent sent;
        if (ld_export_target_parse(s->opt.send[i], &t, &err) < 0) { /* checked at open */
            ld_error_wrap(&err, "--send");
            cli_error(&err);
            failed = true;
            continue;
        }
        if (auth && strncasecmp(t.post_url, "http://", 7) == 0)
            cli_warn(&s->opt, "%s: sending the %s credential over plain http to %s",
                     ld_export_kind_name(t.kind), SEND_AUTH_ENV, t.shown);
        if (ld_export_send(&t, &r, &id, &o, &sent, &err) < 0) {
            ld_error_wrap(&err, "could not send the report (it was written)");
            cli_error(&err);
            failed = true;
        } else {
            cli_progress(s,
                         "sent %zu findings and the summary to %s receiver %s in %zu "
                         "request%s",
                         sent.findings, ld_export_kind_name(t.kind), t.shown, sent.requests,
                         sent.requests == 1 ? "" : "s");
        }
        ld_export_target_clear(&t);
    }
    return failed ? LD_EXIT_ERROR : rc;
}
