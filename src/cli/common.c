/* Common option parsing, error printing and the reporting session shared by
 * every subcommand. See cli.h. */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "util/mem.h"

const char cli_common_help[] =
    "Common options:\n"
    "  -f, --format FORMAT   report format: table (default), json, sarif, junit\n"
    "  -o, --output FILE     write the report to FILE instead of stdout\n"
    "      --level LEVEL     security level: low, medium, high (overrides the policy)\n"
    "      --policy FILE     policy file (default: the built-in policy)\n"
    "      --fail-on SEV     gate: fail on findings of severity SEV or above\n"
    "                        (critical, high, medium, low, info)\n"
    "  -q, --quiet           no progress or warnings on stderr\n"
    "  -h, --help            show this help\n";

enum { OPT_LEVEL = 0x1000, OPT_POLICY, OPT_FAIL_ON };

static const struct option common_opts[] = {
    {"format", required_argument, NULL, 'f'}, {"output", required_argument, NULL, 'o'},
    {"level", required_argument, NULL, OPT_LEVEL}, {"policy", required_argument, NULL, OPT_POLICY},
    {"fail-on", required_argument, NULL, OPT_FAIL_ON}, {"quiet", no_argument, NULL, 'q'},
    {"help", no_argument, NULL, 'h'},
};
#define N_COMMON (sizeof(common_opts) / sizeof(common_opts[0]))

int cli_usage_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "lockdown %s: ", cmd);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\nRun 'lockdown %s --help' for usage.\n", cmd);
    return LD_EXIT_USAGE;
}

void cli_error(const ld_error *err)
{
    fprintf(stderr, "lockdown: %s\n", err->msg[0] ? err->msg : "unknown error");
}

int cli_error_exit(const ld_error *err)
{
    cli_error(err);
    return LD_EXIT_ERROR;
}

void cli_warn(const cli_common *c, const char *fmt, ...)
{
    if (c && c->quiet)
        return;
    va_list ap;
    va_start(ap, fmt);
    fputs("lockdown: warning: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

int cli_parse(const char *cmd, int argc, char **argv, const struct option *extra,
              const char *extra_short, cli_opt_handler handler, void *ctx, cli_common *common,
              int *first_arg)
{
    size_t n_extra = 0;
    while (extra && extra[n_extra].name)
        n_extra++;
    struct option *all = ld_xcalloc(N_COMMON + n_extra + 1, sizeof(*all));
    memcpy(all, common_opts, sizeof(common_opts));
    if (n_extra)
        memcpy(all + N_COMMON, extra, n_extra * sizeof(*all));
    char *shortopts = ld_xasprintf(":f:o:qh%s", extra_short ? extra_short : "");
    int rc = 0;
    optind = 1;
    opterr = 0;
    for (;;) {
        int opt = getopt_long(argc, argv, shortopts, all, NULL);
        if (opt == -1)
            break;
        switch (opt) {
        case 'f': common->format = optarg; continue;
        case 'o': common->output = optarg; continue;
        case 'q': common->quiet = true; continue;
        case 'h': common->help = true; continue;
        case OPT_LEVEL: common->level = optarg; continue;
        case OPT_POLICY: common->policy = optarg; continue;
        case OPT_FAIL_ON: common->fail_on = optarg; continue;
        case ':':
            rc = cli_usage_error(cmd, "option '%s' needs a value", argv[optind - 1]);
            goto out;
        case '?':
            rc = cli_usage_error(cmd, "unknown option '%s'", argv[optind - 1]);
            goto out;
        default: break;
        }
        int h = handler ? handler(opt, optarg, ctx) : 1;
        if (h < 0) {
            rc = LD_EXIT_USAGE;
            goto out;
        }
        if (h > 0) {
            rc = cli_usage_error(cmd, "unknown option '%s'", argv[optind - 1]);
            goto out;
        }
    }
    *first_arg = optind;
out:
    free(all);
    free(shortopts);
    return rc;
}

static bool want_color(FILE *out, bool is_file)
{
    const char *no = getenv("NO_COLOR");
    if (no && no[0])
        return false;
    return !is_file && isatty(fileno(out));
}

static int resolve_level(cli_session *s, const char *cmd)
{
    if (s->opt.level) {
        if (ld_level_parse(s->opt.level, &s->level) < 0)
            return cli_usage_error(cmd, "--level must be low, medium or high, not \"%s\"",
                                   s->opt.level);
        s->level_source = "--level";
    } else if (s->policy->has_level) {
        s->level = s->policy->level;
        s->level_source = "policy level";
    } else if (s->policy->has_profile) {
        s->level = ld_level_derive(&s->policy->profile, &s->level_reasoning);
        s->level_source = "policy profile";
    } else {
        s->level = LD_LEVEL_MEDIUM;
        s->level_source = "default";
    }
    return 0;
}

int cli_session_open(cli_session *s, const char *cmd, const cli_common *opt)
{
    memset(s, 0, sizeof(*s));
    s->opt = *opt;
    s->out = stdout;
    ld_error err = LD_ERROR_INIT;
    if (ld_format_parse(opt->format ? opt->format : "table", &s->format) < 0)
        return cli_usage_error(cmd, "--format must be table, json, sarif or junit, not \"%s\"",
                               opt->format);
    ld_severity sev;
    if (opt->fail_on && ld_severity_parse(opt->fail_on, &sev) < 0)
        return cli_usage_error(cmd,
                               "--fail-on must be critical, high, medium, low or info, not \"%s\"",
                               opt->fail_on);
    s->catalog = ld_catalog_load_builtin(&err);
    if (!s->catalog)
        return cli_error_exit(&err);
    if (opt->policy) {
        ld_strlist diags = {0};
        s->policy = ld_policy_load(opt->policy, &diags, &err);
        size_t problems = diags.n;
        ld_strlist_clear(&diags);
        if (!s->policy) {
            ld_error_wrap(&err, "policy");
            if (problems > 1)
                fprintf(stderr, "lockdown: %s; run 'lockdown policy check %s' to see them all\n",
                        err.msg, opt->policy);
            else
                cli_error(&err);
            return LD_EXIT_ERROR;
        }
    } else {
        s->policy = ld_policy_default(&err);
        if (!s->policy)
            return cli_error_exit(&err);
    }
    int rc = resolve_level(s, cmd);
    if (rc)
        return rc;
    if (opt->output && strcmp(opt->output, "-") != 0) {
        s->out = fopen(opt->output, "we");
        if (!s->out) {
            s->out = stdout;
            ld_error_set_errno(&err, LD_ERR_INVALID, errno, "cannot write report to \"%s\"",
                               opt->output);
            return cli_error_exit(&err);
        }
        s->out_is_file = true;
    }
    s->color = want_color(s->out, s->out_is_file);
    s->progress = !opt->quiet && isatty(STDERR_FILENO);
    return 0;
}

ld_report *cli_session_report(cli_session *s, const char *command, const char *scope)
{
    ld_report_options ro = {
        .format = s->format,
        .out = s->out,
        .color = s->color,
        .command = command,
        .scope = scope,
        .level = s->level,
        .level_source = s->level_source,
    };
    ld_severity sev;
    if (s->opt.fail_on && ld_severity_parse(s->opt.fail_on, &sev) == 0) {
        ro.has_fail_on = true;
        ro.fail_on = sev;
    } else if (s->policy->has_fail_on) {
        ro.has_fail_on = true;
        ro.fail_on = s->policy->fail_on;
    }
    return ld_report_open(&ro, s->catalog, s->policy, NULL);
}

int cli_session_finish(cli_session *s, ld_report *r)
{
    ld_error err = LD_ERROR_INIT;
    if (ld_report_finish(r, &err) < 0)
        return cli_error_exit(&err);
    if (fflush(s->out) != 0 || ferror(s->out)) {
        ld_error_set_errno(&err, LD_ERR_GENERIC, errno, "cannot write report to \"%s\"",
                           s->opt.output ? s->opt.output : "stdout");
        return cli_error_exit(&err);
    }
    for (size_t i = 0; i < r->notes.n; i++)
        cli_warn(&s->opt, "%s", r->notes.v[i]);
    if (ld_report_gate_failed(r)) {
        if (!s->opt.quiet)
            for (size_t i = 0; i < r->gate_reasons.n; i++)
                fprintf(stderr, "lockdown: gate failed: %s\n", r->gate_reasons.v[i]);
        return LD_EXIT_GATE;
    }
    return LD_EXIT_OK;
}

void cli_session_close(cli_session *s)
{
    if (s->out_is_file && s->out)
        fclose(s->out);
    s->out = NULL;
    ld_catalog_free(s->catalog);
    ld_policy_free(s->policy);
    ld_strlist_clear(&s->level_reasoning);
    s->catalog = NULL;
    s->policy = NULL;
}

void cli_progress(const cli_session *s, const char *fmt, ...)
{
    if (!s->progress)
        return;
    va_list ap;
    va_start(ap, fmt);
    fputs("lockdown: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}
