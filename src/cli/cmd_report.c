/* `lockdown report merge REPORT.json|DIR|- ...`: the fleet view. Reads the
 * JSON reports many nodes wrote (core/fleet_read.c), merges them
 * (core/fleet.c) and writes the fleet view in one format
 * (core/fleet_<format>.c). Reports that cannot be read are named on stderr
 * and in the merged report; they make the exit code 3 unless
 * --allow-incomplete. */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"
#include "core/fleet.h"
#include "util/mem.h"
#include "util/strlist.h"

#define DIR_REPORTS_MAX 100000 /* *.json files read from one directory */

typedef struct {
    uint64_t max_size;
    bool have_max;
} merge_args;

enum { OPT_MAX_SIZE = 0x2600 };

static const struct option merge_opts[] = {
    {"max-report-size", required_argument, NULL, OPT_MAX_SIZE},
    {NULL, 0, NULL, 0},
};

static int on_opt(int opt, const char *arg, void *ctx)
{
    merge_args *a = ctx;
    switch (opt) {
    case OPT_MAX_SIZE:
        if (cli_size_arg(arg, &a->max_size) < 0 || a->max_size == 0 ||
            a->max_size > (uint64_t)SIZE_MAX / 4) {
            cli_usage_error("report merge",
                            "--max-report-size must be a size such as 64M or 1G, not \"%s\"", arg);
            return -1;
        }
        a->have_max = true;
        return 0;
    default: return 1;
    }
}

static void usage_report(FILE *f)
{
    fputs("usage: lockdown report merge [--format F] [-o FILE] REPORT.json|DIR|- ...\n"
          "\n"
          "  merge   the fleet view: many nodes' JSON reports (lockdown assess --format json)\n"
          "          as one, per host and per control across the fleet\n"
          "\n"
          "Run `lockdown report merge --help` for its options.\n",
          f);
}

static void usage_merge(void)
{
    printf("Usage: lockdown report merge [options] REPORT.json|DIR|- ...\n"
           "\n"
           "Merges the JSON reports of many nodes (written with --format json by lockdown\n"
           "assess, docker audit, k8s node, ...) into the fleet view: compliance per host\n"
           "(passed, failed, needs review, not assessed of the controls required at the\n"
           "host's own level, the gate and the tiers), and per control across the fleet (how\n"
           "many hosts fail it, and which), the worst hosts and the most failed controls\n"
           "first. A DIR argument reads every *.json file in it (not below); - reads one\n"
           "report from stdin. Two reports of one host: the one that started later is kept\n"
           "(a note says so). Reports at different levels are each counted at their own.\n"
           "\n"
           "  -f, --format F          table (default), json, html, sarif, junit or jsonl\n"
           "  -o, --output FILE       write the fleet view to FILE (replaced only when done)\n"
           "      --html FILE, --json FILE\n"
           "                          also write the fleet view in that format to FILE\n"
           "      --max-report-size SIZE\n"
           "                          refuse a report larger than SIZE (default 256M)\n"
           "      --allow-incomplete  exit 0 even when some reports could not be read\n"
           "  -q, --quiet             no warnings on stderr\n"
           "\n"
           "Exit codes: 0 merged; 2 usage error; 3 a report could not be read (the others\n"
           "are merged and the view names each unreadable one; --allow-incomplete makes\n"
           "this 0), no report could be read, or the view could not be written. The hosts'\n"
           "gates do not change the exit code: read them in the view.\n");
}

static int name_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The *.json files directly in dir, sorted, into out. 0, or -1 with a
 * message in *why (caller frees). */
static int list_dir(const char *dir, ld_strlist *out, char **why)
{
    DIR *d = opendir(dir);
    if (!d) {
        *why = ld_xasprintf("%s: cannot read the directory", dir);
        return -1;
    }
    ld_strlist names = {0};
    struct dirent *e;
    while ((e = readdir(d))) {
        size_t n = strlen(e->d_name);
        if (n <= 5 || strcmp(e->d_name + n - 5, ".json") != 0 || e->d_name[0] == '.')
            continue;
        if (names.n >= DIR_REPORTS_MAX) {
            *why = ld_xasprintf("%s: more than %d reports in one directory", dir, DIR_REPORTS_MAX);
            closedir(d);
            ld_strlist_clear(&names);
            return -1;
        }
        ld_strlist_push(&names, e->d_name);
    }
    closedir(d);
    if (names.n > 1)
        qsort(names.v, names.n, sizeof(*names.v), name_cmp);
    size_t len = strlen(dir);
    bool slash = len && dir[len - 1] == '/';
    for (size_t i = 0; i < names.n; i++)
        ld_strlist_push_owned(out, ld_xasprintf("%s%s%s", dir, slash ? "" : "/", names.v[i]));
    ld_strlist_clear(&names);
    return 0;
}

static void unreadable(ld_fleet *f, const cli_common *c, const char *msg)
{
    ld_fleet_unreadable(f, msg);
    ld_error e = LD_ERROR_INIT;
    ld_error_set(&e, LD_ERR_CORRUPT, "report merge: %s", msg);
    if (!c->quiet)
        cli_error(&e);
}

/* Reads every argument (files, directories, "-") into f. */
static void read_all(ld_fleet *f, const cli_common *c, char **args, int n,
                     const ld_fleet_limits *lim)
{
    for (int i = 0; i < n; i++) {
        ld_strlist files = {0};
        struct stat st;
        if (strcmp(args[i], "-") != 0 && stat(args[i], &st) == 0 && S_ISDIR(st.st_mode)) {
            char *why = NULL;
            if (list_dir(args[i], &files, &why) < 0) {
                unreadable(f, c, why);
                free(why);
                continue;
            }
            if (!files.n) {
                char *msg = ld_xasprintf("%s: no *.json report in this directory", args[i]);
                unreadable(f, c, msg);
                free(msg);
            }
        } else {
            ld_strlist_push(&files, args[i]);
        }
        for (size_t k = 0; k < files.n; k++) {
            ld_error err = LD_ERROR_INIT;
            if (ld_fleet_read_file(f, files.v[k], lim, &err) < 0)
                unreadable(f, c, err.msg);
        }
        ld_strlist_clear(&files);
    }
}

static int write_also(cli_session *s, const ld_fleet *f)
{
    for (int fmt = 0; fmt < LD_FORMAT_COUNT; fmt++) {
        cli_output *o = &s->also[fmt];
        if (!o->f)
            continue;
        ld_error err = LD_ERROR_INIT;
        if (ld_fleet_write(f, (ld_format)fmt, o->f, s->catalog, &err) < 0 ||
            cli_output_commit(o, &err) < 0)
            return cli_error_exit(&err);
    }
    return 0;
}

static int merge(int argc, char **argv)
{
    cli_common common = {0};
    merge_args a = {0};
    int first = 0;
    int rc = cli_parse("report merge", argc, argv, merge_opts, "", on_opt, &a, &common, &first);
    if (rc)
        return rc;
    if (common.help) {
        usage_merge();
        return LD_EXIT_OK;
    }
    if (common.level || common.fail_on || common.n_check || common.n_exclude)
        return cli_usage_error("report merge",
                               "--level, --fail-on, --check and --exclude do not apply: each "
                               "report keeps its own level and gate");
    if (first >= argc)
        return cli_usage_error("report merge", "name the reports to merge (files, directories "
                                               "of *.json, or - for stdin)");
    int stdin_args = 0;
    for (int i = first; i < argc; i++)
        stdin_args += strcmp(argv[i], "-") == 0;
    if (stdin_args > 1)
        return cli_usage_error("report merge", "- (stdin) given more than once");
    cli_session s;
    rc = cli_session_open(&s, "report merge", &common);
    if (rc) {
        cli_session_close(&s);
        return rc;
    }
    ld_fleet_limits lim;
    ld_fleet_limits_default(&lim);
    if (a.have_max)
        lim.max_bytes = (size_t)a.max_size;
    ld_fleet *f = ld_fleet_new();
    read_all(f, &common, argv + first, argc - first, &lim);
    ld_fleet_finish(f, 0);
    if (!f->n_hosts) {
        ld_error err = LD_ERROR_INIT;
        ld_error_set(&err, LD_ERR_CORRUPT,
                     "report merge: no report could be read (%zu "
                     "unreadable); nothing to merge",
                     f->unreadable.n);
        cli_error(&err);
        ld_fleet_free(f);
        s.finished = true; /* FILE keeps what it held */
        cli_session_close(&s);
        return LD_EXIT_ERROR;
    }
    ld_error err = LD_ERROR_INIT;
    if (ld_fleet_write(f, s.format, s.out, s.catalog, &err) < 0) {
        cli_error(&err);
        rc = LD_EXIT_ERROR;
        s.finished = true;
    } else {
        rc = write_also(&s, f);
        if (!rc)
            rc = cli_session_commit(&s);
    }
    if (!rc && f->unreadable.n) {
        if (!common.quiet)
            fprintf(stderr, "lockdown: report merge: %zu of %zu report%s could not be read%s\n",
                    f->unreadable.n, f->unreadable.n + f->reports_read,
                    f->unreadable.n + f->reports_read == 1 ? "" : "s",
                    common.allow_incomplete ? " (--allow-incomplete: exit 0)"
                                            : "; merged the others");
        if (!common.allow_incomplete)
            rc = LD_EXIT_ERROR;
    }
    ld_fleet_free(f);
    cli_session_close(&s);
    return rc;
}

int cmd_report(int argc, char **argv)
{
    if (argc < 2) {
        usage_report(stderr);
        return LD_EXIT_USAGE;
    }
    const char *sub = argv[1];
    if (strcmp(sub, "-h") == 0 || strcmp(sub, "--help") == 0 || strcmp(sub, "help") == 0) {
        usage_report(stdout);
        return LD_EXIT_OK;
    }
    if (strcmp(sub, "merge") == 0)
        return merge(argc - 1, argv + 1);
    static const char *const names[] = {"merge", NULL};
    return cli_unknown_subcommand("report", sub, names);
}
