/* `lockdown watch`: the runtime monitor. Loads the rules (the default set
 * and --rules files, merged in order), opens the outputs, runs the watch
 * loop (src/runtime/watch.c) until SIGINT/SIGTERM or --duration, then
 * prints its statistics. `--validate FILE...` checks rule files and exits.
 * Argument handling and printing only. */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/watch_capture.h"
#include "core/policy_runtime.h"
#include "runtime/fields.h"
#include "runtime/rules.h"
#include "runtime/sink.h"
#include "runtime/watch.h"
#include "util/mem.h"
#include "util/term_text.h"

#define CMD "watch"
#define MAX_FILES 64

enum {
    OPT_RULES = 0x3800,
    OPT_OUTPUT,
    OPT_FORMAT,
    OPT_DURATION,
    OPT_RING,
    OPT_NO_EBPF,
    OPT_VALIDATE,
    OPT_STATS,
    OPT_ROTATE_SIZE,
    OPT_ROTATE_KEEP,
    OPT_NO_DEFAULT,
    OPT_CONTAINERS_ONLY,
    OPT_LIST_RULES,
    OPT_LIST_FIELDS,
    OPT_POLICY,
    OPT_QUIET,
    OPT_HELP,
    OPT_CAPTURE_DIR,
    OPT_CAPTURE_MEMORY,
    OPT_CAPTURE_KEY,
};

static const struct option watch_opts[] = {
    {"rules", required_argument, NULL, OPT_RULES},
    {"output", required_argument, NULL, OPT_OUTPUT},
    {"format", required_argument, NULL, OPT_FORMAT},
    {"duration", required_argument, NULL, OPT_DURATION},
    {"ring-bytes", required_argument, NULL, OPT_RING},
    {"no-ebpf", no_argument, NULL, OPT_NO_EBPF},
    {"validate", required_argument, NULL, OPT_VALIDATE},
    {"stats-interval", required_argument, NULL, OPT_STATS},
    {"rotate-size", required_argument, NULL, OPT_ROTATE_SIZE},
    {"rotate-keep", required_argument, NULL, OPT_ROTATE_KEEP},
    {"no-default-rules", no_argument, NULL, OPT_NO_DEFAULT},
    {"containers-only", no_argument, NULL, OPT_CONTAINERS_ONLY},
    {"list-rules", no_argument, NULL, OPT_LIST_RULES},
    {"list-fields", no_argument, NULL, OPT_LIST_FIELDS},
    {"policy", required_argument, NULL, OPT_POLICY},
    {"quiet", no_argument, NULL, OPT_QUIET},
    {"help", no_argument, NULL, OPT_HELP},
    {"capture-dir", required_argument, NULL, OPT_CAPTURE_DIR},
    {"capture-memory", required_argument, NULL, OPT_CAPTURE_MEMORY},
    {"capture-key", required_argument, NULL, OPT_CAPTURE_KEY},
    {NULL, 0, NULL, 0},
};

typedef struct {
    const char *rules[MAX_FILES];
    size_t n_rules;
    const char *outputs[MAX_FILES];
    size_t n_outputs;
    const char *validate[MAX_FILES];
    size_t n_validate;
    ld_rt_format format;
    double duration, stats_interval;
    uint64_t ring_bytes, rotate_size;
    unsigned rotate_keep;
    bool no_ebpf, no_default, containers_only, list_rules, list_fields, quiet, help;
    const char *policy;
    cli_watch_capture capture; /* the capture action's options */
} watch_args;

static void usage(void)
{
    printf("Usage: lockdown watch [options]\n"
           "       lockdown watch --validate FILE [--validate FILE...]\n"
           "\n"
           "Watches what runs inside containers (and on the host): process starts, file\n"
           "opens below system directories and of sensitive files, connections, ptrace,\n"
           "mounts, module loads, namespace changes, setuid, and containers started\n"
           "privileged. Events come from eBPF tracepoints (as root); where eBPF cannot load,\n"
           "from the kernel's proc connector (exec, fork, exit, setuid only), announced as\n"
           "reduced coverage. Each event meets Falco-style rules; every rule that fires is\n"
           "an alert on every output. Runs until SIGINT/SIGTERM or --duration, then prints\n"
           "its statistics (events, alerts, drops, rules fired) and exits 0. Drops are\n"
           "never silent: counted by the kernel per event type, reported in every\n"
           "statistics record.\n"
           "\n"
           "Options:\n"
           "      --rules FILE        a rule file merged after the default rules (repeat;\n"
           "                          append/override work across files)\n"
           "      --no-default-rules  only the --rules files\n"
           "      --validate FILE     check rule files (with the default rules) and exit:\n"
           "                          errors with file:line, exit 1 if any\n"
           "      --output SPEC       where alerts go (repeat for several): - (stdout, the\n"
           "                          default), FILE, unix:/dev/log, udp://HOST:PORT,\n"
           "                          tcp://HOST:PORT (syslog transports: RFC 5424)\n"
           "      --format json|syslog  stdout and files: JSON lines with ECS fields (default)\n"
           "                          or RFC 5424 syslog lines\n"
           "      --rotate-size BYTES rotate an output file at this size (default 100M;\n"
           "                          K, M, G suffixes)\n"
           "      --rotate-keep N     rotated files kept (default 5)\n"
           "      --duration SECONDS  stop after this long (default: until interrupted)\n"
           "      --stats-interval S  a statistics record every S seconds (default 60; 0: only\n"
           "                          at exit)\n"
           "      --ring-bytes N      eBPF ring buffer size (default 16M; power of two)\n"
           "      --no-ebpf           use the proc connector even where eBPF loads\n"
           "      --containers-only   ignore events of processes outside containers\n"
           "      --policy FILE       the policy's runtime section (egress allowed per image)\n"
           "      --capture-dir DIR   where rules with `action: capture` put their bundles\n"
           "                          (default /var/lib/lockdown/captures)\n"
           "      --capture-memory M  the captures' --memory (all, anon, none)\n"
           "      --capture-key KEY   sign the captures' manifests (password from\n"
           "                          LOCKDOWN_KEY_PASSWORD)\n"
           "      --list-rules        print the rules (after merging) and exit\n"
           "      --list-fields       print the fields rules may use and exit\n"
           "  -q, --quiet             no readiness or statistics lines on stderr\n"
           "  -h, --help              this help\n"
           "\n"
           "Exit codes: 0 stopped normally (whatever fired), 1 --validate found errors,\n"
           "2 usage error, 3 could not start (no event source, bad rules, unusable output).\n"
           "See docs/runtime.md for the rule language, the fields and the outputs.\n");
}

static int add_file(const char *opt, const char **v, size_t *n, const char *arg)
{
    if (*n >= MAX_FILES)
        return cli_usage_error(CMD, "--%s given more than %d times", opt, MAX_FILES);
    v[(*n)++] = arg;
    return 0;
}

static int parse(int argc, char **argv, watch_args *a)
{
    a->format = LD_RT_FMT_JSON;
    optind = 1;
    opterr = 0;
    int opt;
    while ((opt = getopt_long(argc, argv, ":qh", watch_opts, NULL)) != -1) {
        const char *arg = optarg;
        switch (opt) {
        case OPT_RULES:
            if (add_file("rules", a->rules, &a->n_rules, arg))
                return LD_EXIT_USAGE;
            break;
        case OPT_OUTPUT:
            if (add_file("output", a->outputs, &a->n_outputs, arg))
                return LD_EXIT_USAGE;
            break;
        case OPT_VALIDATE:
            if (add_file("validate", a->validate, &a->n_validate, arg))
                return LD_EXIT_USAGE;
            break;
        case OPT_FORMAT:
            if (strcmp(arg, "json") == 0)
                a->format = LD_RT_FMT_JSON;
            else if (strcmp(arg, "syslog") == 0)
                a->format = LD_RT_FMT_SYSLOG;
            else
                return cli_usage_error(CMD, "--format takes json or syslog, not \"%s\"", arg);
            break;
        case OPT_DURATION:
            if (cli_seconds_arg(arg, &a->duration) < 0)
                return cli_usage_error(CMD, "--duration takes seconds, not \"%s\"", arg);
            break;
        case OPT_STATS:
            if (cli_seconds_arg(arg, &a->stats_interval) < 0)
                return cli_usage_error(CMD, "--stats-interval takes seconds, not \"%s\"", arg);
            if (a->stats_interval == 0)
                a->stats_interval = -1; /* only at exit */
            break;
        case OPT_RING:
            if (cli_size_arg(arg, &a->ring_bytes) < 0 || a->ring_bytes < 4096 ||
                a->ring_bytes > (1ull << 30))
                return cli_usage_error(CMD, "--ring-bytes takes a size from 4K to 1G, not \"%s\"",
                                       arg);
            break;
        case OPT_ROTATE_SIZE:
            if (cli_size_arg(arg, &a->rotate_size) < 0 || a->rotate_size < 4096)
                return cli_usage_error(CMD, "--rotate-size takes a size of at least 4K, not \"%s\"",
                                       arg);
            break;
        case OPT_ROTATE_KEEP: {
            uint64_t k = 0;
            if (cli_size_arg(arg, &k) < 0 || k < 1 || k > 1000)
                return cli_usage_error(CMD, "--rotate-keep takes 1 to 1000, not \"%s\"", arg);
            a->rotate_keep = (unsigned)k;
            break;
        }
        case OPT_NO_EBPF: a->no_ebpf = true; break;
        case OPT_NO_DEFAULT: a->no_default = true; break;
        case OPT_CONTAINERS_ONLY: a->containers_only = true; break;
        case OPT_LIST_RULES: a->list_rules = true; break;
        case OPT_LIST_FIELDS: a->list_fields = true; break;
        case OPT_POLICY: a->policy = arg; break;
        case OPT_CAPTURE_DIR: a->capture.dir = arg; break;
        case OPT_CAPTURE_MEMORY:
            if (strcmp(arg, "all") != 0 && strcmp(arg, "anon") != 0 && strcmp(arg, "none") != 0)
                return cli_usage_error(CMD, "--capture-memory takes all, anon or none, not \"%s\"",
                                       arg);
            a->capture.memory = arg;
            break;
        case OPT_CAPTURE_KEY: a->capture.key = arg; break;
        case 'q':
        case OPT_QUIET: a->quiet = true; break;
        case 'h':
        case OPT_HELP: a->help = true; break;
        case ':': return cli_usage_error(CMD, "%s needs a value", argv[optind - 1]);
        default: return cli_usage_error(CMD, "unknown option %s", argv[optind - 1]);
        }
    }
    if (optind < argc)
        return cli_usage_error(CMD, "unexpected argument \"%s\"", argv[optind]);
    return 0;
}

/* Loads the default rules (unless told not to) and files, compiles; prints
 * every problem. Returns the rule set, or NULL (errors printed) with
 * *failed_validation set when the files were read but are wrong. */
static ld_rt_ruleset *load_rules(const watch_args *a, const char *const *files, size_t n,
                                 bool *failed_validation)
{
    *failed_validation = false;
    ld_rt_ruleset *rs = ld_rt_rules_new();
    ld_error err = LD_ERROR_INIT;
    if (!a->no_default && ld_rt_rules_load_default(rs, &err) < 0)
        goto fail;
    for (size_t i = 0; i < n; i++)
        if (ld_rt_rules_load_file(rs, files[i], &err) < 0) {
            *failed_validation = err.code == LD_ERR_INVALID;
            goto fail;
        }
    ld_strlist diags = {0}, warnings = {0};
    int rc = ld_rt_rules_compile(rs, &diags, &warnings, &err);
    for (size_t i = 0; i < warnings.n; i++)
        if (!a->quiet) {
            char *w = ld_term_clean(warnings.v[i]);
            fprintf(stderr, "lockdown watch: warning: %s\n", w);
            free(w);
        }
    for (size_t i = 0; i < diags.n; i++) {
        char *d = ld_term_clean(diags.v[i]);
        fprintf(stderr, "lockdown watch: %s\n", d);
        free(d);
    }
    ld_strlist_clear(&diags);
    ld_strlist_clear(&warnings);
    if (rc < 0) {
        *failed_validation = true;
        ld_rt_rules_free(rs);
        return NULL;
    }
    return rs;
fail:
    cli_error(&err);
    ld_rt_rules_free(rs);
    return NULL;
}

static volatile sig_atomic_t stop_flag;

static void on_signal(int sig)
{
    (void)sig;
    stop_flag = 1;
}

static void install_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal; /* no SA_RESTART: poll returns at once */
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    signal(SIGPIPE, SIG_IGN); /* a sink's peer gone is an error, not a death */
}

typedef struct {
    const watch_args *a;
    size_t n_rules;
} cb_ctx;

static void on_ready(void *ctx, const ld_rt_source_stats *st, const char *note)
{
    const cb_ctx *c = ctx;
    if (note)
        fprintf(stderr, "lockdown watch: %s\n", note); /* reduced coverage: always said */
    if (c->a->quiet)
        return;
    fprintf(stderr, "lockdown watch: watching with %s, %zu rules; %s\n", st->name, c->n_rules,
            st->coverage ? st->coverage : "");
}

static void on_alert(void *ctx, const ld_rt_alert *alert)
{
    const cb_ctx *c = ctx;
    cli_watch_capture_on_alert(&((watch_args *)c->a)->capture, alert);
}

static void on_tick(void *ctx)
{
    const cb_ctx *c = ctx;
    cli_watch_capture_tick(&((watch_args *)c->a)->capture);
}

/* Does a rule of the set take captures? */
static bool rules_capture(const ld_rt_ruleset *rs)
{
    for (size_t i = 0; i < ld_rt_rules_count(rs); i++)
        if (ld_rt_rules_get(rs, i)->capture)
            return true;
    return false;
}

static void on_warning(void *ctx, const char *msg)
{
    (void)ctx;
    char *m = ld_term_clean(msg);
    fprintf(stderr, "lockdown watch: warning: %s\n", m);
    free(m);
}

static void print_result(const ld_rt_watch_result *r)
{
    const ld_rt_watch_stats *st = &r->stats;
    fprintf(stderr,
            "lockdown watch: %.1f s, %llu events seen, %llu alerts emitted, %llu dropped "
            "(kernel queue full), %llu lost, %llu output errors; source %s\n",
            st->uptime_s, (unsigned long long)st->events, (unsigned long long)st->emitted,
            (unsigned long long)st->dropped, (unsigned long long)st->lost,
            (unsigned long long)st->sink_errors, st->source ? st->source : "?");
    bool any = false;
    for (size_t i = 0; i < r->n_rules; i++) {
        if (!r->rule_counts[i])
            continue;
        fprintf(stderr, "%s  %6llu  %s\n", any ? "" : "lockdown watch: rules fired:\n",
                (unsigned long long)r->rule_counts[i], r->rule_names[i]);
        any = true;
    }
    if (!any)
        fprintf(stderr, "lockdown watch: no rule fired\n");
}

static int list_fields(void)
{
    for (const char *const *f = ld_rt_field_names(); *f; f++)
        printf("%s\n", *f);
    return LD_EXIT_OK;
}

static int list_rules(const ld_rt_ruleset *rs)
{
    for (size_t i = 0; i < ld_rt_rules_count(rs); i++) {
        const ld_rt_rule *r = ld_rt_rules_get(rs, i);
        printf("%-14s %-16s %s\n", ld_rt_priority_name(r->priority),
               r->control ? r->control : "-", r->name);
    }
    return LD_EXIT_OK;
}

/* Egress destinations from the policy's runtime section, as containers.h
 * takes them: NULL-terminated (glob, destinations) pairs. */
static int load_policy(const watch_args *a, ld_policy **policy, char ***egress)
{
    *policy = NULL;
    *egress = NULL;
    if (!a->policy)
        return 0;
    ld_error err = LD_ERROR_INIT;
    ld_strlist diags = {0};
    *policy = ld_policy_load(a->policy, &diags, &err);
    for (size_t i = 0; i < diags.n; i++)
        fprintf(stderr, "lockdown watch: %s\n", diags.v[i]);
    ld_strlist_clear(&diags);
    if (!*policy) {
        cli_error(&err);
        return LD_EXIT_ERROR;
    }
    *egress = ld_policy_runtime_egress_pairs(*policy);
    return 0;
}

static void free_pairs(char **v)
{
    for (size_t i = 0; v && v[i]; i++)
        free(v[i]);
    free(v);
}

int cmd_watch(int argc, char **argv)
{
    watch_args a;
    memset(&a, 0, sizeof a);
    int rc = parse(argc, argv, &a);
    if (rc)
        return rc;
    if (a.help) {
        usage();
        return LD_EXIT_OK;
    }
    if (a.list_fields)
        return list_fields();
    bool invalid = false;
    if (a.n_validate) {
        ld_rt_ruleset *rs = load_rules(&a, a.validate, a.n_validate, &invalid);
        if (!rs)
            return invalid ? LD_EXIT_GATE : LD_EXIT_ERROR;
        printf("%zu rules valid (%zu file%s checked)\n", ld_rt_rules_count(rs), a.n_validate,
               a.n_validate == 1 ? "" : "s");
        ld_rt_rules_free(rs);
        return LD_EXIT_OK;
    }
    ld_rt_ruleset *rs = load_rules(&a, a.rules, a.n_rules, &invalid);
    if (!rs)
        return LD_EXIT_ERROR;
    if (a.list_rules) {
        rc = list_rules(rs);
        ld_rt_rules_free(rs);
        return rc;
    }
    ld_policy *policy = NULL;
    char **egress = NULL;
    if ((rc = load_policy(&a, &policy, &egress)) != 0) {
        ld_rt_rules_free(rs);
        return rc;
    }

    if (a.n_outputs == 0)
        a.outputs[a.n_outputs++] = "-";
    ld_rt_sink *sinks[MAX_FILES];
    size_t n_sinks = 0;
    for (size_t i = 0; i < a.n_outputs; i++) {
        ld_error err = LD_ERROR_INIT;
        ld_rt_sink_options so = {.spec = a.outputs[i],
                                 .format = a.format,
                                 .max_bytes = a.rotate_size,
                                 .keep = a.rotate_keep};
        ld_rt_sink *s = ld_rt_sink_open(&so, &err);
        if (!s) {
            cli_error(&err);
            rc = LD_EXIT_ERROR;
            goto out;
        }
        sinks[n_sinks++] = s;
    }

    a.capture.quiet = a.quiet;
    if ((rc = cli_watch_capture_open(&a.capture, rules_capture(rs))) != 0)
        goto out;
    install_signals();
    cb_ctx cb = {.a = &a, .n_rules = ld_rt_rules_count(rs)};
    ld_rt_watch_options o = {
        .rules = rs,
        .sinks = sinks,
        .n_sinks = n_sinks,
        .source = {.ring_bytes = a.ring_bytes,
                   .trace_opens = true,
                   .trace_reads = true,
                   .host_events = !a.containers_only,
                   .self_pid = (uint32_t)getpid()},
        .containers = {.cgroup_root = "/sys/fs/cgroup",
                       .engine_host = getenv("DOCKER_HOST"),
                       .egress_policy = (const char *const *)egress},
        .force_proc_connector = a.no_ebpf,
        .duration_s = a.duration,
        .stats_interval_s = a.stats_interval,
        .stop = &stop_flag,
        .on_ready = on_ready,
        .on_alert = on_alert,
        .on_tick = on_tick,
        .on_warning = on_warning,
        .cb_ctx = &cb,
    };
    ld_rt_watch_result res;
    ld_error err = LD_ERROR_INIT;
    if (ld_rt_watch_run(&o, &res, &err) < 0) {
        cli_error(&err);
        rc = LD_EXIT_ERROR;
    } else {
        if (!a.quiet)
            print_result(&res);
        rc = LD_EXIT_OK;
    }
    ld_rt_watch_result_clear(&res);
out:
    cli_watch_capture_close(&a.capture);
    for (size_t i = 0; i < n_sinks; i++)
        ld_rt_sink_close(sinks[i]);
    free_pairs(egress);
    ld_policy_free(policy);
    ld_rt_rules_free(rs);
    return rc;
}
