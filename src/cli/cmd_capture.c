/* `lockdown capture CONTAINER`, `capture verify BUNDLE`, `capture show
 * BUNDLE`: incident response evidence. The work is in src/forensics; this
 * file parses arguments, loads keys, prints progress and results, and
 * writes the audit trail's record of a capture. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/key_password.h"
#include "cli/progress.h"
#include "core/argv_redact.h"
#include "core/audit_log.h"
#include "docker/engine.h"
#include "forensics/capture.h"
#include "forensics/show.h"
#include "forensics/verify.h"
#include "trust/keys.h"
#include "util/json_out.h"
#include "util/mem.h"
#include "util/term_text.h"

static void usage_capture(FILE *f)
{
    fputs("Usage: lockdown capture CONTAINER [-o BUNDLE] [--no-freeze] [--memory all|anon|none]\n"
          "                        [--volumes] [--key KEY] [--max-memory SIZE] [--max-fs SIZE]\n"
          "                        [--max-logs SIZE] [--freeze-deadline S]\n"
          "                        [--freeze-method auto|cgroup|engine] [--quiet]\n"
          "       lockdown capture verify BUNDLE [--key PUB] [--format text|json]\n"
          "       lockdown capture show BUNDLE [--format text|json] [--all]\n"
          "\n"
          "Takes a forensically sound snapshot of a running container on this host into a new\n"
          "directory BUNDLE (default ./capture-NAME-TIME): the container is frozen (cgroup\n"
          "freezer, else the engine's pause) while its processes' state, sockets, memory (ELF\n"
          "core files gdb opens) and file system changes (the overlay upper layer as a tar,\n"
          "with the list of added, changed and deleted paths) are copied, then thawed; then\n"
          "its logs, mounts, the engine's inspect and the host context. A watchdog process\n"
          "thaws the container if lockdown dies. Every file is hashed (SHA-256) into\n"
          "manifest.json with chain-of-custody fields; --key signs the manifest\n"
          "(manifest.json.sig, what cosign sign-blob writes).\n"
          "\n"
          "Options:\n"
          "  -o, --output BUNDLE      the bundle directory (must not exist, or be empty)\n"
          "      --no-freeze          do not freeze: the container runs during the capture\n"
          "      --memory MODE        all: every readable mapping; anon (default): private\n"
          "                           writable memory only (heap, stacks, data); none: no cores\n"
          "      --volumes            also copy the contents of the container's mounts\n"
          "      --key KEY            sign the manifest with this private key (password from\n"
          "                           LOCKDOWN_KEY_PASSWORD, else asked on the terminal)\n"
          "      --max-memory SIZE    per process memory (default 8G); the rest is listed empty\n"
          "      --max-fs SIZE        the upper layer tar and each volume tar (default 8G)\n"
          "      --max-logs SIZE      the container logs (default 256M)\n"
          "      --freeze-deadline S  the watchdog thaws after S seconds frozen (default 30)\n"
          "      --freeze-method M    auto (default), cgroup, or engine (pause/unpause)\n"
          "  -q, --quiet              no progress on stderr\n"
          "  -h, --help               show this help\n"
          "\n"
          "verify re-hashes every file of BUNDLE against its manifest and names each added,\n"
          "missing or altered file; with --key PUB the manifest's signature must verify.\n"
          "show summarises a bundle: custody, processes, connections, changed files and\n"
          "suspicious findings.\n"
          "\n"
          "Exit codes: capture 0 written, 2 usage, 3 could not capture (not found, not\n"
          "running, engine on another host, bundle not writable); verify 0 verified, 1 a\n"
          "difference or a bad signature, 3 could not read; show 0, 3 could not read.\n"
          "See docs/forensics.md for the bundle layout.\n",
          f);
}

enum {
    OPT_NO_FREEZE = 0x1000,
    OPT_MEMORY,
    OPT_VOLUMES,
    OPT_KEY,
    OPT_MAX_MEMORY,
    OPT_MAX_FS,
    OPT_MAX_LOGS,
    OPT_DEADLINE,
    OPT_FREEZE_METHOD,
    OPT_FORMAT,
    OPT_ALL,
};

typedef struct {
    const char *target; /* CONTAINER or BUNDLE */
    const char *output;
    const char *key;
    const char *format;
    bool no_freeze, volumes, quiet, all;
    ld_fx_mem_mode memory;
    uint64_t max_memory, max_fs, max_logs;
    double deadline;
    ld_fx_freeze_method method;
} capture_args;

static int size_opt(const char *cmd, const char *name, const char *arg, uint64_t *out)
{
    if (cli_size_arg(arg, out) < 0 || *out == 0)
        return cli_usage_error(cmd, "--%s takes a size such as 512M or 8G, not \"%s\"", name, arg);
    return 0;
}

/* Parses the options of one subcommand ("capture", "capture verify",
 * "capture show"); 0, 1 for --help shown, or the usage exit code. */
static int parse(const char *cmd, int argc, char **argv, const struct option *opts,
                 capture_args *a)
{
    optind = 1;
    opterr = 0;
    for (;;) {
        int opt = getopt_long(argc, argv, ":ho:q", opts, NULL);
        if (opt == -1)
            break;
        switch (opt) {
        case 'h': usage_capture(stdout); return 1;
        case 'o': a->output = optarg; break;
        case 'q': a->quiet = true; break;
        case OPT_NO_FREEZE: a->no_freeze = true; break;
        case OPT_VOLUMES: a->volumes = true; break;
        case OPT_ALL: a->all = true; break;
        case OPT_KEY: a->key = optarg; break;
        case OPT_FORMAT:
            if (strcmp(optarg, "text") != 0 && strcmp(optarg, "json") != 0)
                return cli_usage_error(cmd, "--format takes text or json, not \"%s\"", optarg);
            a->format = optarg;
            break;
        case OPT_MEMORY: {
            int m = ld_fx_mem_mode_parse(optarg);
            if (m < 0)
                return cli_usage_error(cmd, "--memory takes all, anon or none, not \"%s\"", optarg);
            a->memory = (ld_fx_mem_mode)m;
            break;
        }
        case OPT_MAX_MEMORY:
            if (size_opt(cmd, "max-memory", optarg, &a->max_memory))
                return LD_EXIT_USAGE;
            break;
        case OPT_MAX_FS:
            if (size_opt(cmd, "max-fs", optarg, &a->max_fs))
                return LD_EXIT_USAGE;
            break;
        case OPT_MAX_LOGS:
            if (size_opt(cmd, "max-logs", optarg, &a->max_logs))
                return LD_EXIT_USAGE;
            break;
        case OPT_DEADLINE:
            if (cli_seconds_arg(optarg, &a->deadline) < 0 || a->deadline < 0.1 ||
                a->deadline > 3600)
                return cli_usage_error(cmd, "--freeze-deadline takes 0.1 to 3600 seconds, not "
                                            "\"%s\"",
                                       optarg);
            break;
        case OPT_FREEZE_METHOD:
            if (strcmp(optarg, "auto") == 0)
                a->method = LD_FX_FREEZE_NONE;
            else if (strcmp(optarg, "cgroup") == 0)
                a->method = LD_FX_FREEZE_CGROUP_V2; /* freeze.c: v2, else v1 */
            else if (strcmp(optarg, "engine") == 0)
                a->method = LD_FX_FREEZE_ENGINE;
            else
                return cli_usage_error(cmd, "--freeze-method takes auto, cgroup or engine, not "
                                            "\"%s\"",
                                       optarg);
            break;
        case ':':
            return cli_usage_error(cmd, "option '%s' needs a value", argv[optind - 1]);
        default: return cli_usage_error(cmd, "unknown option '%s'", argv[optind - 1]);
        }
    }
    const char *what = strcmp(cmd, "capture") == 0 ? "CONTAINER" : "BUNDLE";
    if (optind >= argc)
        return cli_usage_error(cmd, "missing %s", what);
    if (optind + 1 < argc)
        return cli_usage_error(cmd, "one %s only (\"%s\" is extra)", what, argv[optind + 1]);
    a->target = argv[optind];
    ld_audit_command(cmd);
    ld_audit_target(a->target);
    return 0;
}

/* ---- capture ------------------------------------------------------------------------ */

/* Each step the library starts advances the bar (cli/progress.h) by one
 * and names it ("freeze", "processes", "memory 3/7", ...). */
static void on_step(void *ctx, const char *step)
{
    cli_bar_add(ctx, 1, step);
}

static void print_capture(const ld_fx_capture_result *r, const ld_key *key)
{
    char *dir = ld_term_clean(r->bundle_dir), *name = ld_term_clean(r->container_name);
    printf("captured %s (%.12s) into %s\n", name, r->container_id, dir);
    const ld_fx_freeze_record *f = &r->freeze;
    if (f->method != LD_FX_FREEZE_NONE)
        printf("  frozen:      %.0f ms (%s), thawed by %s\n", (double)f->interval_ns / 1e6,
               ld_fx_freeze_method_name(f->method), f->thawed_by);
    else
        printf("  frozen:      no (%s)\n", f->note[0] ? f->note : "not asked");
    printf("  processes:   %zu (%zu exited during the capture), memory cores: %zu (%.1f MiB)\n",
           r->processes, r->processes_exited, r->cores, (double)r->memory_bytes / 1048576.0);
    printf("  file system: %llu added, %llu changed, %llu deleted\n",
           (unsigned long long)r->fs_added, (unsigned long long)r->fs_changed,
           (unsigned long long)r->fs_deleted);
    printf("  bundle:      %zu files, %.1f MiB, %zu notes, %s\n", r->artifacts,
           (double)r->bundle_bytes / 1048576.0, r->notes,
           key ? ld_key_fingerprint(key) : "unsigned (no --key)");
    printf("  %.1f s; check it with: lockdown capture verify %s%s\n", r->seconds, dir,
           key ? " --key PUB" : "");
    free(dir);
    free(name);
}

static char **custody_command_line(int argc, char **argv, size_t *n)
{
    char **full = ld_xcalloc((size_t)argc + 2, sizeof *full);
    full[0] = "lockdown";
    for (int i = 0; i < argc; i++)
        full[i + 1] = argv[i];
    char **red = ld_argv_redact(argc + 1, full);
    free(full);
    *n = (size_t)argc + 1;
    return red;
}

static int run_capture(int argc, char **argv)
{
    static const struct option opts[] = {
        {"output", required_argument, NULL, 'o'},
        {"no-freeze", no_argument, NULL, OPT_NO_FREEZE},
        {"memory", required_argument, NULL, OPT_MEMORY},
        {"volumes", no_argument, NULL, OPT_VOLUMES},
        {"key", required_argument, NULL, OPT_KEY},
        {"max-memory", required_argument, NULL, OPT_MAX_MEMORY},
        {"max-fs", required_argument, NULL, OPT_MAX_FS},
        {"max-logs", required_argument, NULL, OPT_MAX_LOGS},
        {"freeze-deadline", required_argument, NULL, OPT_DEADLINE},
        {"freeze-method", required_argument, NULL, OPT_FREEZE_METHOD},
        {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    capture_args a = {.memory = LD_FX_MEM_ANON};
    int rc = parse("capture", argc, argv, opts, &a);
    if (rc)
        return rc == 1 ? LD_EXIT_OK : rc;
    ld_key *key = NULL;
    if (a.key && !(key = cli_load_signing_key(a.key, &rc)))
        return rc;
    ld_error err = LD_ERROR_INIT;
    ld_engine *engine = ld_engine_connect(NULL, &err);
    if (!engine) {
        ld_key_free(key);
        return cli_error_exit(&err);
    }
    size_t n_cmd = 0;
    char **cmdline = custody_command_line(argc, argv, &n_cmd);
    cli_bar *bar = cli_bar_start(!a.quiet, "capture", 0, CLI_BAR_ITEMS, "steps");
    ld_fx_capture_options o = {.container = a.target,
                               .bundle_dir = a.output,
                               .freeze = !a.no_freeze,
                               .memory = a.memory,
                               .volumes = a.volumes,
                               .max_memory = a.max_memory,
                               .max_fs = a.max_fs,
                               .max_logs = a.max_logs,
                               .freeze_deadline_s = a.deadline,
                               .freeze_method = a.method,
                               .key = key,
                               .command_line = cmdline,
                               .n_command_line = n_cmd,
                               .on_step = bar ? on_step : NULL,
                               .cb_ctx = bar};
    ld_fx_capture_result res;
    rc = ld_fx_capture(engine, &o, &res, &err);
    cli_bar_finish(bar, NULL);
    ld_error aerr = LD_ERROR_INIT;
    if (rc < 0) {
        if (ld_audit_enabled())
            (void)ld_audit_action("capture", res.bundle_dir ? res.bundle_dir : a.target, false,
                                  err.msg, &aerr);
        rc = cli_error_exit(&err); /* prints the error */
        if (res.bundle_dir)
            fprintf(stderr, "lockdown: the incomplete bundle is left in %s (no manifest)\n",
                    res.bundle_dir);
    } else {
        if (ld_audit_enabled()) {
            char *detail = ld_xasprintf("container %s (%s): %zu files, %llu bytes, frozen %lld ns (%s)",
                                        res.container_name, res.container_id, res.artifacts,
                                        (unsigned long long)res.bundle_bytes,
                                        (long long)res.freeze.interval_ns,
                                        ld_fx_freeze_method_name(res.freeze.method));
            (void)ld_audit_action("capture", res.bundle_dir, true, detail, &aerr);
            free(detail);
        }
        if (!a.quiet)
            print_capture(&res, key);
        else
            printf("%s\n", res.bundle_dir);
        rc = LD_EXIT_OK;
    }
    ld_fx_capture_result_clear(&res);
    ld_argv_free(cmdline);
    ld_engine_free(engine);
    ld_key_free(key);
    return rc;
}

/* ---- verify ------------------------------------------------------------------------- */

static void print_verify_json(const ld_fx_verify_result *r, bool ok)
{
    ld_json j;
    ld_json_init(&j, stdout, false);
    ld_json_object_begin(&j);
    ld_json_kv_bool(&j, "verified", ok);
    ld_json_kv_int(&j, "files_checked", (int64_t)r->files_checked);
    ld_json_kv_int(&j, "bytes_hashed", (int64_t)r->bytes_hashed);
    ld_json_kv_string(&j, "signature", ld_fx_sig_state_name(r->signature));
    ld_json_key(&j, "differences");
    ld_json_array_begin(&j);
    for (size_t i = 0; i < r->n_diffs; i++) {
        ld_json_object_begin(&j);
        ld_json_kv_string(&j, "kind", ld_fx_diff_kind_name(r->diffs[i].kind));
        ld_json_kv_string(&j, "path", r->diffs[i].path);
        ld_json_kv_string(&j, "detail", r->diffs[i].detail ? r->diffs[i].detail : "");
        ld_json_object_end(&j);
    }
    ld_json_array_end(&j);
    ld_json_kv_string(&j, "signature_detail", r->signature_detail ? r->signature_detail : "");
    ld_json_object_end(&j);
    fputc('\n', stdout);
}

static void print_verify_text(const ld_fx_verify_result *r, bool ok, const char *bundle)
{
    for (size_t i = 0; i < r->n_diffs; i++) {
        char *p = ld_term_clean(r->diffs[i].path);
        char *d = ld_term_clean(r->diffs[i].detail ? r->diffs[i].detail : "");
        printf("%s: %s%s%s\n", ld_fx_diff_kind_name(r->diffs[i].kind), p, d[0] ? ": " : "", d);
        free(p);
        free(d);
    }
    char *b = ld_term_clean(bundle);
    char *sd = ld_term_clean(r->signature_detail ? r->signature_detail : "");
    printf("%s %s: %zu files (%.1f MiB) checked, %zu difference%s; signature: %s%s%s\n",
           ok ? "verified" : "NOT VERIFIED", b, r->files_checked,
           (double)r->bytes_hashed / 1048576.0, r->n_diffs, r->n_diffs == 1 ? "" : "s",
           ld_fx_sig_state_name(r->signature), sd[0] ? " " : "", sd);
    free(b);
    free(sd);
}

static int run_verify(int argc, char **argv)
{
    static const struct option opts[] = {{"key", required_argument, NULL, OPT_KEY},
                                         {"format", required_argument, NULL, OPT_FORMAT},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    capture_args a = {0};
    int rc = parse("capture verify", argc, argv, opts, &a);
    if (rc)
        return rc == 1 ? LD_EXIT_OK : rc;
    ld_error err = LD_ERROR_INIT;
    ld_key *key = NULL;
    if (a.key && !(key = ld_key_read_file(a.key, false, NULL, &err)))
        return cli_error_exit(&err);
    ld_fx_verify_options o = {.key = key};
    ld_fx_verify_result res;
    memset(&res, 0, sizeof res);
    if (ld_fx_verify(a.target, &o, &res, &err) < 0) {
        ld_key_free(key);
        return cli_error_exit(&err);
    }
    bool ok = ld_fx_verify_ok(&res, key != NULL);
    if (a.format && strcmp(a.format, "json") == 0)
        print_verify_json(&res, ok);
    else
        print_verify_text(&res, ok, a.target);
    ld_fx_verify_result_clear(&res);
    ld_key_free(key);
    return ok ? LD_EXIT_OK : LD_EXIT_GATE;
}

/* ---- show --------------------------------------------------------------------------- */

static int run_show(int argc, char **argv)
{
    static const struct option opts[] = {{"format", required_argument, NULL, OPT_FORMAT},
                                         {"all", no_argument, NULL, OPT_ALL},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    capture_args a = {0};
    int rc = parse("capture show", argc, argv, opts, &a);
    if (rc)
        return rc == 1 ? LD_EXIT_OK : rc;
    ld_error err = LD_ERROR_INIT;
    ld_fx_show s;
    memset(&s, 0, sizeof s);
    if (ld_fx_show_load(a.target, &s, &err) < 0)
        return cli_error_exit(&err);
    if (a.format && strcmp(a.format, "json") == 0)
        ld_fx_show_render_json(&s, stdout);
    else
        ld_fx_show_render_text(&s, stdout, a.all ? 0 : 50);
    ld_fx_show_clear(&s);
    return LD_EXIT_OK;
}

int cmd_capture(int argc, char **argv)
{
    if (argc >= 2 && strcmp(argv[1], "verify") == 0)
        return run_verify(argc - 1, argv + 1);
    if (argc >= 2 && strcmp(argv[1], "show") == 0)
        return run_show(argc - 1, argv + 1);
    return run_capture(argc, argv);
}
