/* `lockdown db update|import|status`: the vulnerability database commands.
 * Argument parsing and printing only: which sources, downloading, building
 * and swapping the database are library calls (src/vuln/db_update.h,
 * src/vuln/db.h) that report progress to the callbacks here. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/cmd_db_oci.h"
#include "cli/progress.h"
#include "util/json_out.h"
#include "util/mem.h"
#include "util/term_text.h"
#include "vuln/db.h"
#include "vuln/db_update.h"

static bool is_help(const char *a)
{
    return strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0 || strcmp(a, "help") == 0;
}

static void usage(FILE *f)
{
    fputs("Usage: lockdown db SUBCOMMAND [OPTIONS]\n"
          "\n"
          "Manage the vulnerability database used by 'lockdown image scan'.\n"
          "\n"
          "Subcommands:\n"
          "  update     download the configured feeds over HTTPS and rebuild the database\n"
          "  import     build the database from local feed files (air-gapped sites)\n"
          "  status     show the database path, build time, sources and record counts\n"
          "  push       upload the database to a registry as a signed OCI artifact\n"
          "  pull       replace the database with a verified one from a registry\n"
          "\n"
          "The database is one SQLite file (schema: docs/vuln-db.md) at --db PATH, else\n"
          "$LOCKDOWN_DB, else $XDG_CACHE_HOME/lockdown/vuln.db, else\n"
          "~/.cache/lockdown/vuln.db, else (root without a home) /var/cache/lockdown/vuln.db.\n"
          "A directory writable by everyone (such as /tmp) is never used by default.\n"
          "\n"
          "Run 'lockdown db SUBCOMMAND --help' for the options of each.\n",
          f);
}

static void update_usage(FILE *f)
{
    fputs("Usage: lockdown db update [--db PATH] [--source NAME=URL]... [--config FILE]\n"
          "                          [--cacert FILE] [--timeout SECONDS] [--max-size MB]\n"
          "                          [--connect-timeout SECONDS] [--low-speed-limit BYTES]\n"
          "                          [--low-speed-time SECONDS]\n"
          "\n"
          "Downloads every configured feed over HTTPS and builds the new database beside\n"
          "the old one, replacing it only when everything succeeded: an interrupted or\n"
          "failed update leaves the old database intact (exit 3). Conditional requests\n"
          "(ETag, Last-Modified) keep a source that did not change (HTTP 304).\n"
          "\n"
          "Options:\n"
          "      --db PATH           database file (default: see 'lockdown db --help')\n"
          "      --source NAME=URL   feed to fetch (repeatable; replaces the configured list).\n"
          "                          The format is detected: OSV all.zip, Debian security\n"
          "                          tracker JSON, Alpine secdb JSON\n"
          "      --config FILE       YAML file with a 'sources:' list of NAME=URL strings or\n"
          "                          {name: NAME, url: URL} maps\n"
          "      --cacert FILE       CA bundle to verify the servers (private mirrors)\n"
          "      --timeout SECONDS   limit for each download (default 1800)\n"
          "      --connect-timeout SECONDS\n"
          "                          limit for connecting to a server (default 30)\n"
          "      --low-speed-limit BYTES\n"
          "      --low-speed-time SECONDS\n"
          "                          give up on a download that receives less than BYTES\n"
          "                          per second for SECONDS (default 1024 bytes/s for 30 s;\n"
          "                          a stalled or dripping server); --low-speed-limit 0\n"
          "                          turns the check off\n"
          "      --max-size MB       largest download accepted (default 2048)\n"
          "  -q, --quiet             no progress on stderr\n"
          "  -h, --help              show this help\n"
          "\n"
          "Without --source or --config, $LOCKDOWN_DB_SOURCES (NAME=URL entries separated\n"
          "by spaces or commas) is used, else the upstream feeds (OSV per ecosystem, the\n"
          "Debian security tracker, Alpine secdb v3.18-v3.20).\n",
          f);
}

static void import_usage(FILE *f)
{
    fputs("Usage: lockdown db import [--db PATH] [--type TYPE] [--name NAME] [--replace]\n"
          "                          PATH...\n"
          "\n"
          "Imports local feed files into the database (built beside the old one and\n"
          "swapped atomically). Sources already in the database are kept unless\n"
          "--replace; a source of the same name is replaced. A PATH holding no\n"
          "advisory (an empty directory or feed) is an error: nothing is changed.\n"
          "\n"
          "Each PATH is detected: a .zip is an OSV all.zip, a directory holds OSV .json\n"
          "records, a JSON object keyed by package names is the Debian security tracker\n"
          "JSON, a JSON object with 'distroversion' is an Alpine secdb file.\n"
          "\n"
          "Options:\n"
          "      --db PATH     database file (default: see 'lockdown db --help')\n"
          "      --type TYPE   force the format: osv-zip, osv-dir, osv, debian, alpine\n"
          "      --name NAME   source name (one PATH only; default from the feed)\n"
          "      --replace     start from an empty database\n"
          "  -q, --quiet       print nothing on success\n"
          "  -h, --help        show this help\n",
          f);
}

static void status_usage(FILE *f)
{
    fputs("Usage: lockdown db status [--db PATH] [--format table|json]\n"
          "\n"
          "Prints the database path, when it was built and its age, and per source the\n"
          "record count, fetch time, ETag and URL. Exit 3 when there is no database.\n"
          "\n"
          "Options:\n"
          "      --db PATH        database file (default: see 'lockdown db --help')\n"
          "  -f, --format FMT     table (default) or json\n"
          "  -h, --help           show this help\n",
          f);
}

enum {
    OPT_DB = 0x2000,
    OPT_SOURCE,
    OPT_CONFIG,
    OPT_CACERT,
    OPT_TIMEOUT,
    OPT_CONNECT_TIMEOUT,
    OPT_LOW_SPEED_LIMIT,
    OPT_LOW_SPEED_TIME,
    OPT_MAXSIZE,
    OPT_TYPE,
    OPT_NAME,
    OPT_REPLACE
};

typedef struct {
    const char *cmd;
    const char *db;
    ld_strlist sources;
    const char *config;
    const char *cacert;
    long timeout;
    long connect_timeout;
    long low_speed_bytes; /* 0: default; -1: --low-speed-limit 0 (off) */
    long low_speed_time;
    unsigned long long max_bytes;
    const char *type;
    const char *name;
    bool replace;
} db_opts;

static int parse_long(const char *cmd, const char *opt, const char *s, long lo, long hi, long *out)
{
    char *end = NULL;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || end == s || *end || v < lo || v > hi)
        return cli_usage_error(cmd, "%s: expected a number from %ld to %ld, got \"%s\"", opt, lo,
                               hi, s);
    *out = v;
    return 0;
}

static int on_opt(int opt, const char *arg, void *ctx)
{
    db_opts *o = ctx;
    long v = 0;
    ld_error err = LD_ERROR_INIT;
    switch (opt) {
    case OPT_DB: o->db = arg; return 0;
    case OPT_SOURCE:
        if (ld_db_source_check(arg, &err) < 0) {
            cli_usage_error(o->cmd, "--source: %s", err.msg);
            return -1;
        }
        ld_strlist_push(&o->sources, arg);
        return 0;
    case OPT_CONFIG: o->config = arg; return 0;
    case OPT_CACERT: o->cacert = arg; return 0;
    case OPT_TIMEOUT:
        if (parse_long(o->cmd, "--timeout", arg, 1, 86400, &v))
            return -1;
        o->timeout = v;
        return 0;
    case OPT_CONNECT_TIMEOUT:
        if (parse_long(o->cmd, "--connect-timeout", arg, 1, 3600, &v))
            return -1;
        o->connect_timeout = v;
        return 0;
    case OPT_LOW_SPEED_LIMIT:
        if (parse_long(o->cmd, "--low-speed-limit", arg, 0, 1L << 30, &v))
            return -1;
        o->low_speed_bytes = v ? v : -1;
        return 0;
    case OPT_LOW_SPEED_TIME:
        if (parse_long(o->cmd, "--low-speed-time", arg, 1, 86400, &v))
            return -1;
        o->low_speed_time = v;
        return 0;
    case OPT_MAXSIZE:
        if (parse_long(o->cmd, "--max-size", arg, 1, 1L << 20, &v))
            return -1;
        o->max_bytes = (unsigned long long)v << 20;
        return 0;
    case OPT_TYPE: o->type = arg; return 0;
    case OPT_NAME: o->name = arg; return 0;
    case OPT_REPLACE: o->replace = true; return 0;
    default: return 1;
    }
}

/* --db, else the default path: a new string (caller frees), or NULL with
 * err filled when there is no usable default location. */
static char *db_path(const db_opts *o, ld_error *err)
{
    return o->db ? ld_xstrdup(o->db) : ld_vulndb_default_path(err);
}

static void fmt_time(time_t t, char *buf, size_t n)
{
    struct tm tm;
    if (!t || !gmtime_r(&t, &tm) || !strftime(buf, n, "%Y-%m-%dT%H:%M:%SZ", &tm))
        snprintf(buf, n, "-");
}

static void fmt_age(long long s, char *buf, size_t n)
{
    if (s < 0)
        s = 0;
    if (s < 120)
        snprintf(buf, n, "%lld seconds", s);
    else if (s < 7200)
        snprintf(buf, n, "%lld minutes", s / 60);
    else if (s < 172800)
        snprintf(buf, n, "%lld hours", s / 3600);
    else
        snprintf(buf, n, "%lld days", s / 86400);
}

/* Prints what the library reports: a download progress bar on stderr
 * (cli/progress.h: only on a terminal, never with --quiet), one result
 * line per source on stdout. */
typedef struct {
    bool quiet;
    cli_bar *bar; /* the download under way, NULL when none */
    char *bar_source;
} progress_printer;

static void end_progress_line(progress_printer *pp)
{
    cli_bar_finish(pp->bar, NULL);
    pp->bar = NULL;
    free(pp->bar_source);
    pp->bar_source = NULL;
}

static void print_progress(const ld_db_event *ev, void *ctx)
{
    progress_printer *pp = ctx;
    char *source = ld_term_clean(ev->source); /* a path or a source name: outside text */
    switch (ev->kind) {
    case LD_DB_EVENT_DOWNLOAD:
        if (!pp->bar_source || strcmp(pp->bar_source, source) != 0) {
            end_progress_line(pp);
            pp->bar = cli_bar_start(!pp->quiet, source, ev->total, CLI_BAR_BYTES, NULL);
            pp->bar_source = ld_xstrdup(source);
        }
        cli_bar_set_total(pp->bar, ev->total);
        cli_bar_set(pp->bar, ev->bytes, NULL);
        break;
    case LD_DB_EVENT_UNCHANGED:
        end_progress_line(pp);
        if (!pp->quiet)
            printf("%s: unchanged (HTTP 304)\n", source);
        break;
    case LD_DB_EVENT_IMPORTED:
        end_progress_line(pp);
        if (pp->quiet)
            break;
        if (ev->url)
            printf("%s: %lld records (%llu bytes)\n", source, ev->records, ev->bytes);
        else
            printf("%s: %lld records\n", source, ev->records);
        break;
    case LD_DB_EVENT_NOTE:
        end_progress_line(pp);
        if (!pp->quiet)
            cli_warn(NULL, "%s", ev->note);
        break;
    }
    free(source);
}

/* ---- SIGINT, SIGTERM, SIGHUP during update and import ----
 * The handler only records the signal; the library polls the flag at its
 * check points (each download's progress callback, SQLite's progress
 * handler, between feeds) and fails there, which removes the temporary
 * database and download directory through the ordinary error path. Then
 * the process dies of the same signal, as a shell expects. A second signal
 * kills at once (SA_RESETHAND): what it leaves, the next update or import
 * removes (ldb_remove_stale). The flag is main's: the library keeps no
 * global state. */
static volatile sig_atomic_t stop_signal;

static void on_stop_signal(int sig)
{
    stop_signal = sig;
}

static const int stop_signals[] = {SIGINT, SIGTERM, SIGHUP};

static void catch_stop_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_stop_signal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESETHAND | SA_RESTART;
    for (size_t i = 0; i < sizeof(stop_signals) / sizeof(stop_signals[0]); i++) {
        struct sigaction old;
        /* a signal the caller ignores (nohup, a background job) stays ignored */
        if (sigaction(stop_signals[i], NULL, &old) == 0 && old.sa_handler != SIG_IGN)
            sigaction(stop_signals[i], &sa, NULL);
    }
}

static const char *signal_name(int sig)
{
    return sig == SIGINT    ? "SIGINT"
           : sig == SIGTERM ? "SIGTERM"
           : sig == SIGHUP  ? "SIGHUP"
                            : "a signal";
}

/* After a run during which a signal came: says so when the run failed
 * (one line, instead of the library's "interrupted" chain) and dies of
 * that signal, also when the signal came too late to stop the swap.
 * Returns only if the signal cannot be raised. */
static int die_of_stop_signal(bool failed, const char *dest)
{
    int sig = stop_signal;
    if (failed) {
        ld_error err = LD_ERROR_INIT;
        ld_error_set(&err, LD_ERR_GENERIC,
                     "interrupted by %s: database %s left unchanged, temporary files removed",
                     signal_name(sig), dest);
        cli_error(&err);
    }
    fflush(stdout);
    fflush(stderr);
    signal(sig, SIG_DFL);
    raise(sig);
    return 128 + sig;
}

static int status(int argc, char **argv)
{
    static const struct option extra[] = {{"db", required_argument, NULL, OPT_DB}, {0}};
    db_opts o = {.cmd = "db status"};
    cli_common c = {0};
    int first = 0;
    int rc = cli_parse("db status", argc, argv, extra, "", on_opt, &o, &c, &first);
    if (rc)
        return rc;
    if (c.help) {
        status_usage(stdout);
        return LD_EXIT_OK;
    }
    if (first < argc)
        return cli_usage_error("db status", "unexpected argument \"%s\"", argv[first]);
    bool json = false;
    if (c.format && strcmp(c.format, "json") == 0)
        json = true;
    else if (c.format && strcmp(c.format, "table") != 0)
        return cli_usage_error("db status", "unknown format \"%s\" (table, json)", c.format);
    ld_error err = LD_ERROR_INIT;
    char *path = db_path(&o, &err);
    ld_vulndb *db = path ? ld_vulndb_open(path, &err) : NULL;
    free(path);
    if (!db)
        return cli_error_exit(&err);
    time_t built = 0;
    ld_vulndb_built_at(db, &built);
    ld_vulndb_source *src = NULL;
    size_t n = 0;
    if (ld_vulndb_sources(db, &src, &n, &err) < 0) {
        ld_vulndb_close(db);
        return cli_error_exit(&err);
    }
    long long age = (long long)(time(NULL) - built);
    long long total = 0;
    for (size_t i = 0; i < n; i++)
        total += src[i].records;
    char tb[64], ab[64];
    if (json) {
        ld_json j;
        ld_json_init(&j, stdout, true);
        ld_json_object_begin(&j);
        ld_json_kv_string(&j, "path", ld_vulndb_path(db));
        ld_json_kv_int(&j, "schema_version", LD_VULNDB_SCHEMA_VERSION);
        fmt_time(built, tb, sizeof(tb));
        ld_json_kv_string(&j, "built_at", tb);
        ld_json_kv_int(&j, "age_seconds", age);
        ld_json_kv_int(&j, "records", total);
        ld_json_key(&j, "sources");
        ld_json_array_begin(&j);
        for (size_t i = 0; i < n; i++) {
            ld_json_object_begin(&j);
            ld_json_kv_string(&j, "name", src[i].name);
            ld_json_kv_string(&j, "kind", src[i].kind);
            ld_json_kv_string(&j, "url", src[i].url);
            ld_json_kv_int(&j, "records", src[i].records);
            fmt_time(src[i].fetched_at, tb, sizeof(tb));
            ld_json_kv_string(&j, "fetched_at", tb);
            ld_json_kv_string(&j, "etag", src[i].etag);
            ld_json_kv_string(&j, "last_modified", src[i].last_modified);
            ld_json_object_end(&j);
        }
        ld_json_array_end(&j);
        ld_json_object_end(&j);
        fputc('\n', stdout);
    } else {
        fmt_time(built, tb, sizeof(tb));
        fmt_age(age, ab, sizeof(ab));
        /* every text column comes from the database file, which feeds and
         * servers filled: printed through the terminal escaping (the URL
         * was stored without credentials, see vuln/db.h) */
        char *db_shown = ld_term_clean(ld_vulndb_path(db));
        printf("database:  %s\nschema:    %d\nbuilt:     %s (%s ago)\nrecords:   %lld\n", db_shown,
               LD_VULNDB_SCHEMA_VERSION, tb, ab, total);
        free(db_shown);
        printf("\n%-24s %-7s %9s  %-20s  %-20s  %s\n", "SOURCE", "KIND", "RECORDS", "FETCHED",
               "ETAG", "URL");
        for (size_t i = 0; i < n; i++) {
            fmt_time(src[i].fetched_at, tb, sizeof(tb));
            char *name = ld_term_clean(src[i].name);
            char *kind = ld_term_clean(src[i].kind ? src[i].kind : "-");
            char *etag = ld_term_clean(src[i].etag ? src[i].etag : "-");
            char *url = ld_term_clean(src[i].url ? src[i].url : "-");
            printf("%-24s %-7s %9lld  %-20s  %-20s  %s\n", name, kind, src[i].records, tb, etag,
                   url);
            free(name);
            free(kind);
            free(etag);
            free(url);
        }
    }
    ld_vulndb_sources_free(src, n);
    ld_vulndb_close(db);
    return fflush(stdout) == 0 ? LD_EXIT_OK : LD_EXIT_ERROR;
}

static int import(int argc, char **argv)
{
    static const struct option extra[] = {{"db", required_argument, NULL, OPT_DB},
                                          {"type", required_argument, NULL, OPT_TYPE},
                                          {"name", required_argument, NULL, OPT_NAME},
                                          {"replace", no_argument, NULL, OPT_REPLACE},
                                          {0}};
    db_opts o = {.cmd = "db import"};
    cli_common c = {0};
    int first = 0;
    int rc = cli_parse("db import", argc, argv, extra, "", on_opt, &o, &c, &first);
    if (rc)
        return rc;
    if (c.help) {
        import_usage(stdout);
        return LD_EXIT_OK;
    }
    if (first >= argc)
        return cli_usage_error("db import", "expected one or more feed PATHs");
    if (o.name && argc - first > 1)
        return cli_usage_error("db import", "--name needs exactly one PATH");
    ld_feed_type type = LD_FEED_AUTO;
    if (o.type && ld_feed_type_parse(o.type, &type) < 0)
        return cli_usage_error(
            "db import", "unknown --type \"%s\" (osv-zip, osv-dir, osv, debian, alpine)", o.type);
    ld_error err = LD_ERROR_INIT;
    char *dest = db_path(&o, &err);
    if (!dest)
        return cli_error_exit(&err);
    progress_printer pp = {.quiet = c.quiet};
    ld_db_import_options io = {.db_path = dest,
                               .paths = (const char *const *)argv + first,
                               .n_paths = (size_t)(argc - first),
                               .type = type,
                               .name = o.name,
                               .replace = o.replace,
                               .progress = print_progress,
                               .progress_ctx = &pp,
                               .cancel = &stop_signal};
    catch_stop_signals();
    int failed = ld_db_import(&io, &err) < 0;
    if (!failed && !c.quiet)
        printf("database %s updated\n", dest);
    if (stop_signal) {
        rc = die_of_stop_signal(failed, dest);
        free(dest);
        return rc;
    }
    if (failed)
        rc = cli_error_exit(&err);
    free(dest);
    return rc ? rc : LD_EXIT_OK;
}

static int update(int argc, char **argv)
{
    static const struct option extra[] = {{"db", required_argument, NULL, OPT_DB},
                                          {"source", required_argument, NULL, OPT_SOURCE},
                                          {"config", required_argument, NULL, OPT_CONFIG},
                                          {"cacert", required_argument, NULL, OPT_CACERT},
                                          {"timeout", required_argument, NULL, OPT_TIMEOUT},
                                          {"connect-timeout", required_argument, NULL,
                                           OPT_CONNECT_TIMEOUT},
                                          {"low-speed-limit", required_argument, NULL,
                                           OPT_LOW_SPEED_LIMIT},
                                          {"low-speed-time", required_argument, NULL,
                                           OPT_LOW_SPEED_TIME},
                                          {"max-size", required_argument, NULL, OPT_MAXSIZE},
                                          {0}};
    db_opts o = {.cmd = "db update"};
    cli_common c = {0};
    int first = 0;
    int rc = cli_parse("db update", argc, argv, extra, "", on_opt, &o, &c, &first);
    if (rc) {
        ld_strlist_clear(&o.sources);
        return rc;
    }
    if (c.help) {
        update_usage(stdout);
        ld_strlist_clear(&o.sources);
        return LD_EXIT_OK;
    }
    if (first < argc) {
        ld_strlist_clear(&o.sources);
        return cli_usage_error("db update", "unexpected argument \"%s\"", argv[first]);
    }
    ld_error err = LD_ERROR_INIT;
    ld_strlist sources = {0};
    char *dest = NULL;
    rc = ld_db_sources_resolve(&o.sources, o.config, getenv("LOCKDOWN_DB_SOURCES"), &sources, &err);
    if (rc == 0)
        rc = (dest = db_path(&o, &err)) ? 0 : LD_ERR_NOT_FOUND;
    progress_printer pp = {.quiet = c.quiet};
    if (rc == 0) {
        ld_db_update_options uo = {.db_path = dest,
                                   .sources = &sources,
                                   .cacert = o.cacert,
                                   .timeout_s = o.timeout,
                                   .connect_timeout_s = o.connect_timeout,
                                   .low_speed_bytes = o.low_speed_bytes,
                                   .low_speed_s = o.low_speed_time,
                                   .max_bytes = o.max_bytes,
                                   .download_progress = !c.quiet && isatty(STDERR_FILENO),
                                   .progress = print_progress,
                                   .progress_ctx = &pp,
                                   .cancel = &stop_signal};
        catch_stop_signals();
        rc = ld_db_update(&uo, &err);
    }
    end_progress_line(&pp);
    ld_strlist_clear(&sources);
    ld_strlist_clear(&o.sources);
    if (stop_signal) {
        if (rc == 0 && !c.quiet) /* the signal came after the swap: it is done */
            printf("database %s updated\n", dest);
        rc = die_of_stop_signal(rc < 0, dest ? dest : "");
        free(dest);
        return rc;
    }
    if (rc < 0) {
        free(dest);
        return cli_error_exit(&err);
    }
    if (!c.quiet)
        printf("database %s updated\n", dest);
    free(dest);
    return LD_EXIT_OK;
}

int cmd_db(int argc, char **argv)
{
    if (argc < 2 || is_help(argv[1])) {
        usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? LD_EXIT_USAGE : LD_EXIT_OK;
    }
    if (strcmp(argv[1], "update") == 0)
        return update(argc - 1, argv + 1);
    if (strcmp(argv[1], "import") == 0)
        return import(argc - 1, argv + 1);
    if (strcmp(argv[1], "status") == 0)
        return status(argc - 1, argv + 1);
    if (strcmp(argv[1], "push") == 0)
        return cmd_db_push(argc - 1, argv + 1);
    if (strcmp(argv[1], "pull") == 0)
        return cmd_db_pull(argc - 1, argv + 1);
    return cli_usage_error("db", "unknown subcommand \"%s\"", argv[1]);
}
