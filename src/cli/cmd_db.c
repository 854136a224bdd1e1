/* `lockdown db update|import|status`: the vulnerability database commands.
 * Argument handling, source configuration (--source, --config, env
 * LOCKDOWN_DB_SOURCES, built-in defaults) and printing only; building,
 * importing and downloading live in src/vuln (db.h, fetch.h). */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "util/json_out.h"
#include "util/mem.h"
#include "util/yaml_doc.h"
#include "vuln/db.h"
#include "vuln/db_internal.h"
#include "vuln/fetch.h"


static const char *const default_sources[] = {
    "osv-debian=https://osv-vulnerabilities.storage.googleapis.com/Debian/all.zip",
    "osv-alpine=https://osv-vulnerabilities.storage.googleapis.com/Alpine/all.zip",
    "osv-ubuntu=https://osv-vulnerabilities.storage.googleapis.com/Ubuntu/all.zip",
    "osv-pypi=https://osv-vulnerabilities.storage.googleapis.com/PyPI/all.zip",
    "osv-npm=https://osv-vulnerabilities.storage.googleapis.com/npm/all.zip",
    "osv-go=https://osv-vulnerabilities.storage.googleapis.com/Go/all.zip",
    "osv-crates.io=https://osv-vulnerabilities.storage.googleapis.com/crates.io/all.zip",
    "osv-maven=https://osv-vulnerabilities.storage.googleapis.com/Maven/all.zip",
    "osv-rubygems=https://osv-vulnerabilities.storage.googleapis.com/RubyGems/all.zip",
    "osv-packagist=https://osv-vulnerabilities.storage.googleapis.com/Packagist/all.zip",
    "osv-nuget=https://osv-vulnerabilities.storage.googleapis.com/NuGet/all.zip",
    "debian-tracker=https://security-tracker.debian.org/tracker/data/json",
    "alpine-v3.18-main=https://secdb.alpinelinux.org/v3.18/main.json",
    "alpine-v3.18-community=https://secdb.alpinelinux.org/v3.18/community.json",
    "alpine-v3.19-main=https://secdb.alpinelinux.org/v3.19/main.json",
    "alpine-v3.19-community=https://secdb.alpinelinux.org/v3.19/community.json",
    "alpine-v3.20-main=https://secdb.alpinelinux.org/v3.20/main.json",
    "alpine-v3.20-community=https://secdb.alpinelinux.org/v3.20/community.json",
};

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
          "\n"
          "The database is one SQLite file (schema: docs/vuln-db.md) at --db PATH, else\n"
          "$LOCKDOWN_DB, else ~/.cache/lockdown/vuln.db ($XDG_CACHE_HOME honoured), or\n"
          "/var/lib/lockdown/vuln.db for root.\n"
          "\n"
          "Run 'lockdown db SUBCOMMAND --help' for the options of each.\n",
          f);
}

static void update_usage(FILE *f)
{
    fputs("Usage: lockdown db update [--db PATH] [--source NAME=URL]... [--config FILE]\n"
          "                          [--cacert FILE] [--timeout SECONDS] [--max-size MB]\n"
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
          "--replace; a source of the same name is replaced.\n"
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
    long v;
    switch (opt) {
    case OPT_DB: o->db = arg; return 0;
    case OPT_SOURCE:
        if (!strchr(arg, '=') || arg[0] == '=') {
            cli_usage_error(o->cmd, "--source: expected NAME=URL, got \"%s\"", arg);
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

static const char *db_path(const db_opts *o)
{
    return o->db ? o->db : ld_vulndb_default_path();
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
    ld_vulndb *db = ld_vulndb_open(db_path(&o), &err);
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
        printf("database:  %s\nschema:    %d\nbuilt:     %s (%s ago)\nrecords:   %lld\n",
               ld_vulndb_path(db), LD_VULNDB_SCHEMA_VERSION, tb, ab, total);
        printf("\n%-24s %-7s %9s  %-20s  %-20s  %s\n", "SOURCE", "KIND", "RECORDS", "FETCHED",
               "ETAG", "URL");
        for (size_t i = 0; i < n; i++) {
            fmt_time(src[i].fetched_at, tb, sizeof(tb));
            printf("%-24s %-7s %9lld  %-20s  %-20s  %s\n", src[i].name,
                   src[i].kind ? src[i].kind : "-", src[i].records, tb,
                   src[i].etag ? src[i].etag : "-", src[i].url ? src[i].url : "-");
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
    const char *dest = db_path(&o);
    ld_vulndb_builder *b = ld_vulndb_builder_new(dest, !o.replace, NULL, &err);
    if (!b)
        return cli_error_exit(&err);
    for (int i = first; i < argc; i++) {
        long long n = 0;
        ld_feed_meta meta = {.name = o.name};
        if (ld_vulndb_builder_import(b, argv[i], type, &meta, &n, &err) < 0) {
            ld_vulndb_builder_abort(b);
            ld_error_wrap(&err, "importing %s (database %s left unchanged)", argv[i], dest);
            return cli_error_exit(&err);
        }
        if (!c.quiet)
            printf("%s: %lld records\n", argv[i], n);
    }
    if (ld_vulndb_builder_commit(b, &err) < 0)
        return cli_error_exit(&err);
    if (!c.quiet)
        printf("database %s updated\n", dest);
    return LD_EXIT_OK;
}

/* Appends NAME=URL entries of s (separated by blanks or commas). */
static void split_sources(ld_strlist *l, const char *s)
{
    char *copy = ld_xstrdup(s), *save = NULL;
    for (char *t = strtok_r(copy, " \t\n,", &save); t; t = strtok_r(NULL, " \t\n,", &save))
        ld_strlist_push(l, t);
    free(copy);
}

static int load_config(db_opts *o, ld_error *err)
{
    char *buf = NULL;
    size_t len = 0;
    int rc = ldb_read_file(o->config, 1 << 20, &buf, &len, err);
    if (rc < 0)
        return rc;
    ld_yaml_node *root = ld_yaml_parse(o->config, buf, len, NULL, err);
    free(buf);
    if (!root)
        return LD_ERR_INVALID;
    const ld_yaml_node *list = ld_yaml_get(root, "sources");
    if (!list || list->kind != LD_YAML_SEQ) {
        ld_yaml_free(root);
        return ld_error_set(err, LD_ERR_INVALID, "%s: expected a 'sources:' list", o->config);
    }
    for (size_t i = 0; i < list->n; i++) {
        const ld_yaml_node *it = list->items[i];
        const char *s = ld_yaml_str(it);
        if (s && strchr(s, '=')) {
            ld_strlist_push(&o->sources, s);
            continue;
        }
        const char *nm = ld_yaml_str(ld_yaml_get(it, "name")),
                   *url = ld_yaml_str(ld_yaml_get(it, "url"));
        if (!nm || !url || !*nm) {
            rc = ld_error_set(err, LD_ERR_INVALID,
                              "%s: line %d: a source is NAME=URL or {name: NAME, url: URL}",
                              o->config, it->line);
            break;
        }
        ld_strlist_push_owned(&o->sources, ld_xasprintf("%s=%s", nm, url));
    }
    ld_yaml_free(root);
    return rc;
}

/* A source name is also a file name in the download directory. */
static bool valid_name(const char *s, size_t n)
{
    if (n == 0 || n > 64 || s[0] == '.')
        return false;
    for (size_t i = 0; i < n; i++)
        if (!isalnum((unsigned char)s[i]) && s[i] != '.' && s[i] != '-' && s[i] != '_')
            return false;
    return true;
}

static int update_one(ld_vulndb_builder *b, const char *spec, const char *dir, const db_opts *o,
                      const cli_common *c, ld_error *err)
{
    const char *eq = strchr(spec, '=');
    char *name = ld_xstrndup(spec, (size_t)(eq - spec));
    const char *url = eq + 1;
    char *etag = NULL, *lm = NULL;
    ld_error ignore = LD_ERROR_INIT;
    ld_vulndb_builder_source_info(b, name, &etag, &lm, &ignore);
    char *file = ld_xasprintf("%s/%s", dir, name);
    ld_fetch_request req = {.url = url,
                            .cacert = o->cacert,
                            .etag = etag,
                            .last_modified = lm,
                            .max_bytes = o->max_bytes,
                            .timeout_s = o->timeout,
                            .progress = !c->quiet && isatty(STDERR_FILENO),
                            .label = name};
    ld_fetch_result res;
    time_t now = time(NULL);
    int rc = ld_fetch_to_file(&req, file, &res, err);
    if (rc == 0 && res.not_modified) {
        rc = ld_vulndb_builder_touch_source(b, name, now, err);
        if (rc == 0 && !c->quiet)
            printf("%s: unchanged (HTTP 304)\n", name);
    } else if (rc == 0) {
        long long n = 0;
        ld_feed_meta meta = {.name = name,
                             .url = url,
                             .etag = res.etag,
                             .last_modified = res.last_modified,
                             .fetched_at = now};
        rc = ld_vulndb_builder_import(b, file, LD_FEED_AUTO, &meta, &n, err);
        if (rc == 0 && !c->quiet)
            printf("%s: %lld records (%llu bytes)\n", name, n, res.bytes);
        if (rc < 0)
            ld_error_wrap(err, "source %s (%s)", name, url);
    }
    unlink(file);
    ld_fetch_result_free(&res);
    free(file);
    free(etag);
    free(lm);
    free(name);
    return rc;
}

static int update(int argc, char **argv)
{
    static const struct option extra[] = {{"db", required_argument, NULL, OPT_DB},
                                          {"source", required_argument, NULL, OPT_SOURCE},
                                          {"config", required_argument, NULL, OPT_CONFIG},
                                          {"cacert", required_argument, NULL, OPT_CACERT},
                                          {"timeout", required_argument, NULL, OPT_TIMEOUT},
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
    if (o.sources.n == 0 && o.config && load_config(&o, &err) < 0) {
        ld_strlist_clear(&o.sources);
        return cli_error_exit(&err);
    }
    const char *env = getenv("LOCKDOWN_DB_SOURCES");
    if (o.sources.n == 0 && env && *env)
        split_sources(&o.sources, env);
    if (o.sources.n == 0)
        for (size_t i = 0; i < sizeof(default_sources) / sizeof(default_sources[0]); i++)
            ld_strlist_push(&o.sources, default_sources[i]);
    for (size_t i = 0; i < o.sources.n; i++) {
        const char *eq = strchr(o.sources.v[i], '=');
        if (!eq || !valid_name(o.sources.v[i], (size_t)(eq - o.sources.v[i]))) {
            rc = cli_usage_error("db update",
                                 "source \"%s\": expected NAME=URL (NAME: letters, digits, '.', "
                                 "'-', '_', not starting with '.')",
                                 o.sources.v[i]);
            ld_strlist_clear(&o.sources);
            return rc;
        }
    }
    const char *dest = db_path(&o);
    ld_vulndb_builder *b = ld_vulndb_builder_new(dest, true, NULL, &err);
    if (!b) {
        ld_strlist_clear(&o.sources);
        return cli_error_exit(&err);
    }
    char *dir = ld_xasprintf("%s.dl-XXXXXX", dest);
    if (!mkdtemp(dir)) {
        ld_error_set_errno(&err, LD_ERR_GENERIC, errno, "cannot create %s", dir);
        rc = -1;
    }
    for (size_t i = 0; rc == 0 && i < o.sources.n; i++)
        rc = update_one(b, o.sources.v[i], dir, &o, &c, &err);
    if (rc == 0)
        rc = ld_vulndb_builder_commit(b, &err);
    else {
        ld_vulndb_builder_abort(b);
        ld_error_wrap(&err, "update failed, database %s left unchanged", dest);
    }
    rmdir(dir);
    free(dir);
    ld_strlist_clear(&o.sources);
    if (rc < 0)
        return cli_error_exit(&err);
    if (!c.quiet)
        printf("database %s updated\n", dest);
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
    return cli_usage_error("db", "unknown subcommand \"%s\"", argv[1]);
}
