/* Common option parsing, error printing and the reporting session shared by
 * every subcommand. See cli.h. */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/progress.h"
#include "core/audit_log.h"
#include "trust/crypto.h"
#include "util/mem.h"
#include "util/suggest.h"
#include "util/term_text.h"

const char cli_common_help[] =
    "Common options:\n"
    "  -f, --format FORMAT   report format: table (default), json, sarif, junit, html, jsonl\n"
    "  -o, --output FILE     write the report to FILE instead of stdout\n"
    "      --html FILE       also write the report as a self-contained HTML page to FILE\n"
    "      --json FILE       also write the report as JSON to FILE\n"
    "      --level LEVEL     security level: low, medium, high (overrides the policy)\n"
    "      --policy FILE     policy file (default: the built-in policy)\n"
    "      --fail-on SEV     gate: fail on findings of severity SEV or above\n"
    "                        (critical, high, medium, low, info; none turns the\n"
    "                        policy's gate.fail-on off for this run)\n"
    "      --allow-incomplete  gate: required controls this run could not assess\n"
    "                        do not fail it (they are still listed)\n"
    "      --check PATTERN   run and report only these checks: check ids, control ids\n"
    "                        or CIS ids, globs, comma lists (e.g. 'container.*,5.4')\n"
    "      --exclude PATTERN leave these checks out (same patterns)\n"
    "      --send KIND=URL   also send the findings and the summary to a log receiver:\n"
    "                        otlp=http://COLLECTOR:4318 (OpenTelemetry logs, OTLP/HTTP\n"
    "                        JSON) or elasticsearch=https://HOST:9200/INDEX (_bulk);\n"
    "                        repeatable; credential: $LOCKDOWN_SEND_AUTHORIZATION (a full\n"
    "                        Authorization value, e.g. 'ApiKey ...'); failure: exit 3\n"
    "      --send-ca FILE    CA certificates (PEM) for https --send receivers\n"
    "  -q, --quiet           no progress or warnings on stderr\n"
    "  -h, --help            show this help\n";

enum {
    OPT_LEVEL = 0x1000,
    OPT_POLICY,
    OPT_FAIL_ON,
    OPT_ALLOW_INCOMPLETE,
    OPT_CHECK,
    OPT_EXCLUDE,
    OPT_ALSO_HTML,
    OPT_ALSO_JSON,
    OPT_SEND,
    OPT_SEND_CA
};

static const struct option common_opts[] = {
    {"format", required_argument, NULL, 'f'}, {"output", required_argument, NULL, 'o'},
    {"level", required_argument, NULL, OPT_LEVEL}, {"policy", required_argument, NULL, OPT_POLICY},
    {"fail-on", required_argument, NULL, OPT_FAIL_ON}, {"quiet", no_argument, NULL, 'q'},
    {"allow-incomplete", no_argument, NULL, OPT_ALLOW_INCOMPLETE},
    {"check", required_argument, NULL, OPT_CHECK}, {"exclude", required_argument, NULL, OPT_EXCLUDE},
    {"html", required_argument, NULL, OPT_ALSO_HTML}, {"json", required_argument, NULL, OPT_ALSO_JSON},
    {"send", required_argument, NULL, OPT_SEND}, {"send-ca", required_argument, NULL, OPT_SEND_CA},
    {"help", no_argument, NULL, 'h'},
};
#define N_COMMON (sizeof(common_opts) / sizeof(common_opts[0]))

/* Every message line on stderr goes out through here: messages quote
 * outside text (file names, image tags, feed ids, VEX justifications, policy
 * text), so the whole line is made terminal-safe (util/term_text.h) and
 * stays one line. Takes ownership of line. */
static void put_message_line(char *line)
{
    char *clean = ld_term_clean(line);
    fputs(clean, stderr);
    fputc('\n', stderr);
    free(clean);
    free(line);
}

/* "HEAD" followed by the formatted message, as one clean line. */
static void put_message_v(const char *head, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));
static void put_message_v(const char *head, const char *fmt, va_list ap)
{
    char *msg = ld_xvasprintf(fmt, ap);
    put_message_line(ld_xasprintf("%s%s", head, msg));
    free(msg);
}

int cli_checks_option(const char *cmd, const char *arg, bool *config, bool *secrets, bool *vuln)
{
    *config = *secrets = *vuln = false;
    char *copy = ld_xstrdup(arg), *save = NULL;
    int rc = 0;
    size_t n = 0;
    for (char *w = strtok_r(copy, ",", &save); w; w = strtok_r(NULL, ",", &save), n++) {
        if (strcmp(w, "config") == 0)
            *config = true;
        else if (strcmp(w, "secrets") == 0 || strcmp(w, "secret") == 0)
            *secrets = true;
        else if (strcmp(w, "vuln") == 0 || strcmp(w, "vulns") == 0)
            *vuln = true;
        else {
            rc = cli_usage_error(cmd,
                                 "--checks takes config, secrets and vuln, comma-separated, "
                                 "not \"%s\"",
                                 w);
            break;
        }
    }
    if (rc == 0 && n == 0)
        rc = cli_usage_error(cmd, "--checks needs at least one of config, secrets, vuln");
    free(copy);
    return rc ? -1 : 0;
}

int cli_exit_code_option(const char *cmd, const char *arg, int *out)
{
    int n = 0;
    bool ok = *arg != '\0';
    for (const char *p = arg; *p && ok; p++)
        ok = *p >= '0' && *p <= '9' && !__builtin_mul_overflow(n, 10, &n) &&
             !__builtin_add_overflow(n, *p - '0', &n);
    if (!ok || n < 1 || n > 255 || n == LD_EXIT_USAGE || n == LD_EXIT_ERROR) {
        cli_usage_error(cmd,
                        "--exit-code must be a number from 1 to 255 other than 2 and 3 "
                        "(lockdown's usage and could-not-complete codes), not \"%s\"",
                        arg);
        return -1;
    }
    *out = n;
    return 0;
}

int cli_usage_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *head = ld_xasprintf("lockdown %s: ", cmd);
    put_message_v(head, fmt, ap);
    free(head);
    va_end(ap);
    fprintf(stderr, "Run 'lockdown %s --help' for usage.\n", cmd);
    return LD_EXIT_USAGE;
}

void cli_error(const ld_error *err)
{
    put_message_line(ld_xasprintf("lockdown: %s", err->msg[0] ? err->msg : "unknown error"));
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
    put_message_v("lockdown: warning: ", fmt, ap);
    va_end(ap);
}

int cli_unknown_subcommand(const char *cmd, const char *word, const char *const *subcommands)
{
    const char *near = ld_suggest(word, subcommands, -1);
    ld_strlist l = {0};
    for (const char *const *s = subcommands; *s; s++)
        ld_strlist_push(&l, *s);
    char *list = ld_strlist_join(&l, ", ");
    ld_strlist_clear(&l);
    if (near)
        put_message_line(ld_xasprintf(
            "lockdown %s: unknown subcommand \"%s\"; did you mean \"%s\"?", cmd, word, near));
    else
        put_message_line(
            ld_xasprintf("lockdown %s: unknown subcommand \"%s\" (one of: %s)", cmd, word, list));
    fprintf(stderr, "Run 'lockdown %s --help' for usage.\n", cmd);
    free(list);
    return LD_EXIT_USAGE;
}

void cli_note_inputs(ld_findings *r, const ld_strlist *notes, const ld_strlist *unread)
{
    const size_t shown = 50;
    for (size_t i = 0; i < notes->n && i < shown; i++)
        ld_findings_note(r, "%s", notes->v[i]);
    if (notes->n > shown)
        ld_findings_note(r, "%zu more notes about the inputs not shown", notes->n - shown);
    for (size_t i = 0; i < unread->n && i < shown; i++)
        ld_findings_note(r, "not read: %s", unread->v[i]);
    if (unread->n > shown)
        ld_findings_note(r, "%zu more inputs not read", unread->n - shown);
}

static void subcommand_usage(FILE *f, const char *cmd, const char *intro,
                             const cli_subcommand *table, int width)
{
    fprintf(f, "Usage: lockdown %s <subcommand> [options]\n\n%s\nSubcommands:\n", cmd, intro);
    for (const cli_subcommand *c = table; c->name; c++)
        fprintf(f, "  %-*s %s\n", width, c->name, c->summary);
    fprintf(f, "\nRun 'lockdown %s <subcommand> --help' for its options.\n", cmd);
}

int cli_subcommand_run(const char *cmd, const char *intro, const cli_subcommand *table,
                       int width, int argc, char **argv)
{
    if (argc < 2) {
        subcommand_usage(stderr, cmd, intro, table, width);
        return LD_EXIT_USAGE;
    }
    const char *sub = argv[1];
    if (strcmp(sub, "-h") == 0 || strcmp(sub, "--help") == 0 || strcmp(sub, "help") == 0) {
        subcommand_usage(stdout, cmd, intro, table, width);
        return LD_EXIT_OK;
    }
    size_t n = 0;
    while (table[n].name)
        n++;
    const char **names = ld_xcalloc(n + 1, sizeof(*names));
    for (size_t i = 0; i < n; i++) {
        if (strcmp(table[i].name, sub) == 0) {
            free(names);
            return table[i].run(argc - 1, argv + 1);
        }
        names[i] = table[i].name;
    }
    int rc = cli_unknown_subcommand(cmd, sub, names);
    free(names);
    return rc;
}

/* "unknown option '--levle'; did you mean '--level'?" from the long options
 * of the table. */
static int unknown_option(const char *cmd, const char *arg, const struct option *all)
{
    const char *name = arg;
    while (*name == '-')
        name++;
    size_t n = 0;
    while (all[n].name)
        n++;
    const char **names = ld_xcalloc(n + 1, sizeof(*names));
    for (size_t i = 0; i < n; i++)
        names[i] = all[i].name;
    char word[128];
    snprintf(word, sizeof(word), "%.*s", (int)strcspn(name, "="), name);
    const char *near = arg[0] == '-' && arg[1] == '-' ? ld_suggest(word, names, (long)n) : NULL;
    int rc = near ? cli_usage_error(cmd, "unknown option '%s'; did you mean '--%s'?", arg, near)
                  : cli_usage_error(cmd, "unknown option '%s'", arg);
    free(names);
    return rc;
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
    ld_audit_command(cmd); /* the audit trail's name of the command */
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
        case OPT_ALLOW_INCOMPLETE: common->allow_incomplete = true; continue;
        case OPT_ALSO_HTML: common->also[LD_FORMAT_HTML] = optarg; continue;
        case OPT_ALSO_JSON: common->also[LD_FORMAT_JSON] = optarg; continue;
        case OPT_SEND_CA: common->send_ca = optarg; continue;
        case OPT_SEND:
            if (common->n_send >= CLI_SEND_MAX) {
                rc = cli_usage_error(cmd, "--send given more than %d times", CLI_SEND_MAX);
                goto out;
            }
            common->send[common->n_send++] = optarg;
            continue;
        case OPT_CHECK:
        case OPT_EXCLUDE: {
            const char **v = opt == OPT_CHECK ? common->check : common->exclude;
            size_t *n = opt == OPT_CHECK ? &common->n_check : &common->n_exclude;
            if (*n >= CLI_SELECT_MAX) {
                rc = cli_usage_error(cmd, "--%s given more than %d times; use comma lists",
                                     opt == OPT_CHECK ? "check" : "exclude", CLI_SELECT_MAX);
                goto out;
            }
            v[(*n)++] = optarg;
            continue;
        }
        case ':':
            rc = cli_usage_error(cmd, "option '%s' needs a value", argv[optind - 1]);
            goto out;
        case '?':
            rc = unknown_option(cmd, argv[optind - 1], all);
            goto out;
        default: break;
        }
        int h = handler ? handler(opt, optarg, ctx) : 1;
        if (h < 0) {
            rc = LD_EXIT_USAGE;
            goto out;
        }
        if (h > 0) {
            rc = unknown_option(cmd, argv[optind - 1], all);
            goto out;
        }
    }
    *first_arg = optind;
    common->argc = argc;
    common->argv = argv;
    /* the audit trail's targets: the operands left after the options (an
     * image, a registry, a file) */
    for (int i = optind; i < argc; i++)
        ld_audit_target(argv[i]);
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

static void push_patterns(ld_strlist *l, const char *const *v, size_t n);

/* Each --check/--exclude pattern must name at least one implemented check
 * (directly, or through a control or CIS id): a typo must not silently
 * select nothing. */
static int check_patterns(const cli_session *s, const char *cmd)
{
    ld_strlist all = {0};
    push_patterns(&all, s->opt.check, s->opt.n_check);
    push_patterns(&all, s->opt.exclude, s->opt.n_exclude);
    int rc = 0;
    for (size_t i = 0; i < all.n && rc == 0; i++) {
        ld_strlist one = {0};
        ld_strlist_push(&one, all.v[i]);
        ld_findings *probe = ld_findings_new(s->catalog, 1);
        ld_findings_select(probe, &one, NULL);
        bool any = false;
        for (const char *const *c = ld_implemented_checks(); *c && !any; c++)
            any = ld_findings_selected(probe, *c);
        ld_findings_free(probe);
        ld_strlist_clear(&one);
        if (!any)
            rc = cli_usage_error(cmd,
                                 "\"%s\" names no check of this build (check ids like "
                                 "container.privileged, control ids like CIS-DOCKER-5.5, CIS ids "
                                 "like 5.5; globs allowed); see 'lockdown controls'",
                                 all.v[i]);
    }
    ld_strlist_clear(&all);
    return rc;
}

/* Whether two output paths name the same file (as written, or the same
 * existing file). */
static bool same_output(const char *a, const char *b)
{
    struct stat sa, sb;
    if (!a || !b)
        return false;
    if (strcmp(a, b) == 0)
        return true;
    return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev &&
           sa.st_ino == sb.st_ino && !S_ISCHR(sa.st_mode);
}

/* Opens --html FILE and --json FILE like -o (refused before any work). */
static int open_also(cli_session *s, const char *cmd)
{
    ld_error err = LD_ERROR_INIT;
    const char *out = s->opt.output && strcmp(s->opt.output, "-") != 0 ? s->opt.output : NULL;
    for (size_t i = 0; i < LD_FORMAT_COUNT; i++) {
        const char *path = s->opt.also[i];
        if (!path)
            continue;
        if (!path[0] || strcmp(path, "-") == 0)
            return cli_usage_error(cmd, "--%s needs a file name (stdout is -o's)",
                                   ld_format_name((ld_format)i));
        if (same_output(path, out))
            return cli_usage_error(cmd, "--%s and --output name the same file \"%s\"",
                                   ld_format_name((ld_format)i), path);
        for (size_t k = 0; k < i; k++)
            if (same_output(path, s->opt.also[k]))
                return cli_usage_error(cmd, "--%s and --%s name the same file \"%s\"",
                                       ld_format_name((ld_format)k),
                                       ld_format_name((ld_format)i), path);
        if (cli_output_open_path(&s->also[i], cmd, &s->opt, path, &err) < 0)
            return cli_error_exit(&err);
    }
    return 0;
}

/* Renders the report again for each --html/--json FILE and commits it.
 * Returns 0, or an exit code after printing the error. */
static int write_also(cli_session *s, const ld_report_options *base, const ld_findings *fs,
                      const ld_evaluation *ev)
{
    ld_error err = LD_ERROR_INIT;
    for (size_t i = 0; i < LD_FORMAT_COUNT; i++) {
        cli_output *o = &s->also[i];
        if (!o->path)
            continue;
        ld_report_options ro = *base;
        ro.format = (ld_format)i;
        ro.out = o->f;
        ro.color = false;
        if (ld_report_render(&ro, fs, ev, &err) < 0 || cli_output_commit(o, &err) < 0) {
            cli_output_abort(o);
            ld_error_wrap(&err, "--%s %s", ld_format_name((ld_format)i), o->path);
            return cli_error_exit(&err);
        }
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
        return cli_usage_error(cmd,
                               "--format must be table, json, sarif, junit, html or jsonl, not "
                               "\"%s\"",
                               opt->format);
    ld_severity sev;
    if (opt->fail_on && strcmp(opt->fail_on, "none") != 0 &&
        ld_severity_parse(opt->fail_on, &sev) < 0)
        return cli_usage_error(cmd,
                               "--fail-on must be critical, high, medium, low, info or none, not \"%s\"",
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
                put_message_line(
                    ld_xasprintf("lockdown: %s; run 'lockdown policy check %s' to see them all",
                                 err.msg, opt->policy));
            else
                cli_error(&err);
            return LD_EXIT_ERROR;
        }
    } else {
        s->policy = ld_policy_default(&err);
        if (!s->policy)
            return cli_error_exit(&err);
    }
    /* fips: true in the policy: FIPS mode before any crypto or TLS, or no run */
    if (s->policy->fips && !ld_crypto_fips() && ld_crypto_fips_enable(&err) < 0) {
        ld_error_wrap(&err, "policy %s sets fips: true", s->policy->path);
        return cli_error_exit(&err);
    }
    /* logging.audit-log: the trail, unless --audit-log or LOCKDOWN_AUDIT_LOG opened one */
    if (s->policy->audit_log && !ld_audit_enabled() &&
        ld_audit_open(s->policy->audit_log, 0, NULL, &err) < 0) {
        ld_error_wrap(&err, "policy %s logging.audit-log", s->policy->path);
        return cli_error_exit(&err);
    }
    int rc = resolve_level(s, cmd);
    if (rc)
        return rc;
    rc = check_patterns(s, cmd);
    if (rc)
        return rc;
    rc = cli_send_check(cmd, &s->opt);
    if (rc)
        return rc;
    /* opened before the work so that a refused FILE costs nothing; written
     * to a temporary file that replaces FILE only in cli_session_finish */
    if (cli_output_open(&s->output, cmd, &s->opt, &err) < 0)
        return cli_error_exit(&err);
    rc = open_also(s, cmd);
    if (rc)
        return rc;
    s->out = s->output.f;
    s->out_is_file = s->output.path != NULL;
    s->color = want_color(s->out, s->out_is_file);
    s->progress = !opt->quiet && isatty(STDERR_FILENO);
    return 0;
}

/* Splits comma lists of patterns into l. */
static void push_patterns(ld_strlist *l, const char *const *v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const char *p = v[i];
        while (*p) {
            size_t len = strcspn(p, ",");
            if (len)
                ld_strlist_push_owned(l, ld_xstrndup(p, len));
            p += len;
            if (*p == ',')
                p++;
        }
    }
}

ld_findings *cli_session_findings(const cli_session *s)
{
    ld_findings *fs = ld_findings_new(s->catalog, 0);
    if (s->opt.n_check || s->opt.n_exclude) {
        ld_strlist sel = {0}, exc = {0};
        push_patterns(&sel, s->opt.check, s->opt.n_check);
        push_patterns(&exc, s->opt.exclude, s->opt.n_exclude);
        ld_findings_select(fs, &sel, &exc);
        char *a = ld_strlist_join(&sel, ","), *b = ld_strlist_join(&exc, ",");
        ld_findings_note(fs, "selection: %s%s%s%s%s: other checks are out of scope", sel.n ? "--check " : "",
                         a, sel.n && exc.n ? ", " : "", exc.n ? "--exclude " : "", b);
        free(a);
        free(b);
        ld_strlist_clear(&sel);
        ld_strlist_clear(&exc);
    }
    return fs;
}

/* --exit-code N: N when a failing, non-excepted finding of one of the
 * chosen severities remains (Trivy's habit), else 0. */
static int severity_exit(const cli_session *s, const ld_findings *fs, const ld_evaluation *ev)
{
    size_t n = 0;
    for (size_t i = 0; i < fs->n; i++) {
        const ld_finding *f = fs->v[i];
        if (f->status == LD_STATUS_FAIL && !ev->exception[i] &&
            (s->exit_severities & LD_SEV_BIT(f->severity)))
            n++;
    }
    if (!n)
        return LD_EXIT_OK;
    if (!s->opt.quiet)
        fprintf(stderr, "lockdown: exit %d: %zu failing finding%s of the chosen severities remain "
                        "(--exit-code)\n",
                s->exit_code, n, n == 1 ? "" : "s");
    return s->exit_code;
}

int cli_session_finish(cli_session *s, const ld_findings *fs, const char *command,
                       const char *scope)
{
    ld_error err = LD_ERROR_INIT;
    ld_eval_options eo = {.level = s->level, .allow_incomplete = s->opt.allow_incomplete};
    ld_severity sev;
    if (s->opt.fail_on && strcmp(s->opt.fail_on, "none") == 0) {
        eo.has_fail_on = false; /* the policy's fail-on is turned off for this run */
    } else if (s->opt.fail_on && ld_severity_parse(s->opt.fail_on, &sev) == 0) {
        eo.has_fail_on = true;
        eo.fail_on = sev;
    } else if (s->policy->has_fail_on) {
        eo.has_fail_on = true;
        eo.fail_on = s->policy->fail_on;
    }
    ld_evaluation *ev = ld_evaluate(fs, s->policy, &eo);
    /* the report records the algorithms the run used (trust/crypto.h); a
     * note for the report, not a warning on stderr */
    size_t warn_notes = ev->notes.n;
    ld_strlist algorithms = {0};
    ld_crypto_used(&algorithms);
    if (algorithms.n) {
        char *list = ld_strlist_join(&algorithms, ", ");
        ld_strlist_push_owned(&ev->notes, ld_xasprintf("algorithms used: %s%s", list,
                                                       ld_crypto_fips() ? " (FIPS mode)" : ""));
        free(list);
    }
    ld_strlist_clear(&algorithms);
    ld_report_options ro = {
        .format = s->format,
        .out = s->out,
        .color = s->color,
        .command = command,
        .scope = scope,
        .level_source = s->level_source,
        .level_reasoning = &s->level_reasoning,
    };
    int rc = LD_EXIT_OK;
    s->finished = true;
    if (ld_report_render(&ro, fs, ev, &err) < 0) {
        cli_output_abort(&s->output); /* FILE keeps the previous report */
        rc = cli_error_exit(&err);
        goto out;
    }
    if (cli_output_commit(&s->output, &err) < 0) {
        rc = cli_error_exit(&err);
        goto out;
    }
    rc = write_also(s, &ro, fs, ev);
    if (rc)
        goto out;
    for (size_t i = 0; i < warn_notes; i++)
        cli_warn(&s->opt, "%s", ev->notes.v[i]);
    for (size_t i = 0; i < ev->gate_notes.n; i++)
        cli_warn(&s->opt, "gate: %s", ev->gate_notes.v[i]);
    if (ev->gate_failed) {
        if (!s->opt.quiet)
            for (size_t i = 0; i < ev->gate_reasons.n; i++)
                put_message_line(ld_xasprintf("lockdown: gate failed: %s", ev->gate_reasons.v[i]));
        rc = LD_EXIT_GATE;
    }
    else if (s->exit_code)
        rc = severity_exit(s, fs, ev);
    rc = cli_send_reports(s, &ro, fs, ev, rc); /* after the report is committed */
out:
    ld_evaluation_free(ev);
    return rc;
}

int cli_session_commit(cli_session *s)
{
    ld_error err = LD_ERROR_INIT;
    if (s->opt.n_send) /* only cli_session_finish has findings to send */
        cli_warn(&s->opt, "--send ignored: this command reports no findings to send");
    s->finished = true;
    if (cli_output_commit(&s->output, &err) < 0)
        return cli_error_exit(&err);
    return LD_EXIT_OK;
}

void cli_session_close(cli_session *s)
{
    /* a command that wrote its own output and did not commit it: what it
     * wrote is its report; a command that stopped before writing anything
     * (an error before cli_session_finish) leaves FILE as it was */
    if (!s->finished && s->output.state == 0 && s->output.f && ftell(s->output.f) > 0)
        cli_session_commit(s);
    cli_output_abort(&s->output);
    for (size_t i = 0; i < LD_FORMAT_COUNT; i++)
        cli_output_abort(&s->also[i]);
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
    char *msg = ld_xvasprintf(fmt, ap);
    va_end(ap);
    /* a running bar shows it in place; otherwise a line of its own */
    if (!cli_bar_message(msg))
        put_message_line(ld_xasprintf("lockdown: %s", msg));
    free(msg);
}

/* "16M", "4096", "1G" into bytes; -1 if not a size. */
int cli_size_arg(const char *arg, uint64_t *out)
{
    char *end = NULL;
    errno = 0;
    unsigned long long v = strtoull(arg, &end, 10);
    if (errno || end == arg || arg[0] == '-')
        return -1;
    uint64_t mult = 1;
    if (*end == 'K' || *end == 'k')
        mult = 1024, end++;
    else if (*end == 'M' || *end == 'm')
        mult = 1024 * 1024, end++;
    else if (*end == 'G' || *end == 'g')
        mult = 1024ull * 1024 * 1024, end++;
    if (*end || v > UINT64_MAX / mult)
        return -1;
    *out = v * mult;
    return 0;
}

int cli_seconds_arg(const char *arg, double *out)
{
    char *end = NULL;
    errno = 0;
    double v = strtod(arg, &end);
    if (errno || end == arg || *end || v < 0 || v > 1e9)
        return -1;
    *out = v;
    return 0;
}
