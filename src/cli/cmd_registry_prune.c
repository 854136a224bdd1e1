/* `lockdown registry prune URL [--apply]`: what the rules (flags, else the
 * policy's registry.prune) say must go from a registry, as a plan (dry run,
 * the default) or deleted (--apply), every deletion logged as a JSON line
 * (src/registry/prune.h). Argument handling and output only. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/cmd_registry.h"
#include "cli/registry_opts.h"
#include "core/audit_log.h"
#include "registry/prune.h"
#include "registry/registry_name.h"
#include "registry/scan.h"
#include "trust/keys.h"
#include "trust/verify.h"
#include "util/json_out.h"
#include "util/mem.h"
#include "util/term_text.h"
#include "vuln/db.h"
#include "vuln/match.h"

#define CMD "registry prune"
#define MAX_KEYS 64

enum {
    OPT_APPLY = 0x3500,
    OPT_SEVERITY,
    OPT_FIXABLE,
    OPT_UNSIGNED,
    OPT_OLDER_THAN,
    OPT_KEEP,
    OPT_KEY,
    OPT_LOG,
    OPT_REPO,
    OPT_DB,
};

static const struct option prune_opts[] = {
    {"apply", no_argument, NULL, OPT_APPLY},
    {"severity", required_argument, NULL, OPT_SEVERITY},
    {"fixable", no_argument, NULL, OPT_FIXABLE},
    {"unsigned", no_argument, NULL, OPT_UNSIGNED},
    {"older-than", required_argument, NULL, OPT_OLDER_THAN},
    {"keep", required_argument, NULL, OPT_KEEP},
    {"key", required_argument, NULL, OPT_KEY},
    {"log", required_argument, NULL, OPT_LOG},
    {"repo", required_argument, NULL, OPT_REPO},
    {"db", required_argument, NULL, OPT_DB},
    CLI_REGISTRY_OPTIONS,
    {NULL, 0, NULL, 0},
};

typedef struct {
    bool apply;
    bool has_severity;
    ld_severity severity;
    bool fixable, unsigned_rule;
    int older_than; /* -1: not given */
    int keep;       /* 0: not given */
    const char *keys[MAX_KEYS];
    size_t n_keys;
    const char *log;
    const char *db;
    ld_strlist repos;
    cli_registry_args reg;
} prune_args;

/* A whole number from lo to hi into *out; -1 after a usage error. */
static int count_arg(const char *opt, const char *arg, int lo, int hi, int *out)
{
    long n = 0;
    bool ok = *arg != '\0';
    for (const char *p = arg; *p && ok; p++)
        ok = *p >= '0' && *p <= '9' && (n = n * 10 + (*p - '0')) <= hi;
    if (!ok || n < lo) {
        cli_usage_error(CMD, "%s takes a whole number from %d to %d, not \"%s\"", opt, lo, hi, arg);
        return -1;
    }
    *out = (int)n;
    return 0;
}

static int on_opt(int opt, const char *arg, void *ctx)
{
    prune_args *a = ctx;
    switch (opt) {
    case OPT_APPLY: a->apply = true; return 0;
    case OPT_SEVERITY: {
        char word[16];
        size_t n = strlen(arg);
        if (n >= sizeof(word))
            n = sizeof(word) - 1;
        for (size_t i = 0; i < n; i++)
            word[i] = (char)(arg[i] >= 'A' && arg[i] <= 'Z' ? arg[i] - 'A' + 'a' : arg[i]);
        word[n] = '\0';
        if (ld_severity_parse(word, &a->severity) < 0 || strlen(arg) >= sizeof(word)) {
            cli_usage_error(CMD,
                            "--severity takes one severity (critical, high, medium, low, "
                            "info): images with a vulnerability at or above it go, not \"%s\"",
                            arg);
            return -1;
        }
        a->has_severity = true;
        return 0;
    }
    case OPT_FIXABLE: a->fixable = true; return 0;
    case OPT_UNSIGNED: a->unsigned_rule = true; return 0;
    case OPT_OLDER_THAN: return count_arg("--older-than", arg, 0, 36500, &a->older_than);
    case OPT_KEEP: return count_arg("--keep", arg, 1, 100000, &a->keep);
    case OPT_KEY:
        if (a->n_keys == MAX_KEYS) {
            cli_usage_error(CMD, "--key given more than %d times", MAX_KEYS);
            return -1;
        }
        a->keys[a->n_keys++] = arg;
        return 0;
    case OPT_LOG: a->log = arg; return 0;
    case OPT_REPO:
        if (!*arg || strlen(arg) > 255) {
            cli_usage_error(CMD, "--repo takes a repository name or glob, not \"%s\"", arg);
            return -1;
        }
        ld_strlist_push(&a->repos, arg);
        return 0;
    case OPT_DB: a->db = arg; return 0;
    default: return cli_registry_option(CMD, &a->reg, opt, arg);
    }
}

static void usage(void)
{
    fputs("Usage: lockdown registry prune URL [--apply] [rules] [options]\n"
          "\n"
          "Selects the images of the registry at URL that must go and prints the plan:\n"
          "repository, digest, tags, reason. Nothing is deleted without --apply.\n"
          "\n"
          "Rules (any one selects an image; the flags replace the policy's\n"
          "registry.prune keys of the same name):\n"
          "      --severity SEV         a vulnerability at SEV or above (reads every image\n"
          "                             and matches it against the vulnerability database)\n"
          "      --fixable              ... and only vulnerabilities with a fixed version\n"
          "      --unsigned             no signature that verifies with a trusted key\n"
          "                             (--key, or the policy's trusted-keys)\n"
          "      --older-than DAYS      created (config `created`) more than DAYS ago\n"
          "      --keep N               applied last: the N newest images of each\n"
          "                             repository always stay (never prunes below N)\n"
          "\n"
          "Options:\n"
          "      --apply                delete: by digest, once per digest (every tag\n"
          "                             naming it goes), with the index children nothing\n"
          "                             kept still lists and the cosign signatures\n"
          "                             (sha256-<hex>.sig) of what is deleted\n"
          "      --log FILE             append every deletion as one JSON line to FILE\n"
          "                             (created 0600); each line also goes to stderr\n"
          "      --key FILE             a trusted public key (PEM; repeatable)\n"
          "      --repo GLOB            only repositories matching GLOB (repeatable)\n"
          "      --db PATH              vulnerability database for --severity\n"
          "  -f, --format FORMAT        table (default) or json: the plan\n"
          "  -o, --output FILE          write the plan to FILE\n"
          "      --policy FILE          policy: registry.prune and trusted-keys\n",
          stdout);
    fputs(cli_registry_help, stdout);
    fputs("  -q, --quiet           no progress, warnings or deletion lines on stderr\n"
          "  -h, --help            show this help\n"
          "\nExit codes: 0 done (plan printed, or everything deleted), 2 usage error,\n"
          "3 could not complete (registry unreachable, deletes disabled: 405, a deletion\n"
          "failed).\n",
          stdout);
}

/* The rules in force and where each came from. */
typedef struct {
    ld_prune_rules rules;
    const char *src_severity, *src_signature, *src_age, *src_keep;
} rules_in_force;

static void merge_rules(const prune_args *a, const ld_policy *p, rules_in_force *out)
{
    const ld_policy_registry_prune *pp = p ? &p->registry_prune : NULL;
    memset(out, 0, sizeof(*out));
    ld_prune_rules *r = &out->rules;
    r->older_than_days = -1;
    r->now = time(NULL);
    if (a->has_severity) {
        r->by_severity = true;
        r->severity = a->severity;
        out->src_severity = "--severity";
    } else if (pp && pp->has_severity) {
        r->by_severity = true;
        r->severity = pp->severity;
        out->src_severity = "policy";
    }
    r->fixable_only = a->fixable || (pp && pp->fixable_only);
    if (a->unsigned_rule || (pp && pp->unsigned_images)) {
        r->by_signature = true;
        out->src_signature = a->unsigned_rule ? "--unsigned" : "policy";
    }
    if (a->older_than >= 0) {
        r->older_than_days = a->older_than;
        out->src_age = "--older-than";
    } else if (pp && pp->has_older_than) {
        r->older_than_days = pp->older_than_days;
        out->src_age = "policy";
    }
    if (a->keep > 0) {
        r->keep_newest = a->keep;
        out->src_keep = "--keep";
    } else if (pp && pp->keep_newest > 0) {
        r->keep_newest = pp->keep_newest;
        out->src_keep = "policy";
    }
}

static char *rules_text(const rules_in_force *f)
{
    ld_strlist parts = {0};
    const ld_prune_rules *r = &f->rules;
    if (r->by_severity)
        ld_strlist_push_owned(&parts,
                              ld_xasprintf("vulnerabilities at or above %s%s (%s)",
                                           ld_severity_name(r->severity),
                                           r->fixable_only ? " with a fix" : "", f->src_severity));
    if (r->by_signature)
        ld_strlist_push_owned(&parts, ld_xasprintf("unsigned (%s)", f->src_signature));
    if (r->older_than_days >= 0)
        ld_strlist_push_owned(
            &parts, ld_xasprintf("older than %d days (%s)", r->older_than_days, f->src_age));
    if (r->keep_newest > 0)
        ld_strlist_push_owned(&parts, ld_xasprintf("keep the newest %d per repository (%s)",
                                                   r->keep_newest, f->src_keep));
    char *s = ld_strlist_join(&parts, "; ");
    ld_strlist_clear(&parts);
    return s;
}

/* ---- the log ---- */

typedef struct {
    int fd; /* --log FILE, or -1 */
    const char *path;
    bool quiet;
    int write_errno;
    const char *host; /* the registry, for the audit trail's records */
} log_ctx;

/* Opens --log FILE for appending: never through a symbolic link, created
 * 0600, an existing file narrowed to 0600. */
static int open_log(const char *path, log_ctx *l, ld_error *err)
{
    l->fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (l->fd < 0)
        return ld_error_set_errno(err, LD_ERR_INVALID, errno, "cannot open the log %s", path);
    struct stat st;
    if (fstat(l->fd, &st) < 0 || !S_ISREG(st.st_mode)) {
        close(l->fd);
        l->fd = -1;
        return ld_error_set(err, LD_ERR_INVALID, "the log %s is not a regular file", path);
    }
    if ((st.st_mode & 07777) != 0600 && fchmod(l->fd, 0600) < 0) {
        int e = errno;
        close(l->fd);
        l->fd = -1;
        return ld_error_set_errno(err, LD_ERR_INVALID, e, "cannot make the log %s private (0600)",
                                  path);
    }
    l->path = path;
    return 0;
}

/* One audit trail record per deletion attempt (core/audit_log.h): the
 * manifest as REGISTRY/REPO@DIGEST, its tags, kind and result. A record
 * that cannot be written makes the run end with exit 3 (main closes the
 * trail and says why). */
static void audit_deletion(const log_ctx *l, const ld_prune_action *a)
{
    if (!ld_audit_enabled())
        return;
    char *object = ld_xasprintf("%s/%s@%s", l->host ? l->host : "", a->repo, a->digest);
    char *tags = ld_strlist_join(&a->tags, ", ");
    char *detail = ld_xasprintf("%s%s%s; tags: %s; result: %s%s%s", ld_prune_kind_name(a->kind),
                                a->of ? " of " : "", a->of ? a->of : "", tags[0] ? tags : "-",
                                ld_prune_result_name(a->result), a->error ? "; error: " : "",
                                a->error ? a->error : "");
    bool done = a->result == LD_PRUNE_DELETED || a->result == LD_PRUNE_GONE;
    ld_error err = LD_ERROR_INIT;
    (void)ld_audit_action("registry.prune.delete", object, done, detail, &err);
    free(object);
    free(tags);
    free(detail);
}

static void on_deletion(void *ctx, const ld_prune_action *a, const char *line)
{
    log_ctx *l = ctx;
    audit_deletion(l, a);
    if (l->fd >= 0) {
        size_t n = strlen(line);
        char *buf = ld_xasprintf("%s\n", line);
        const char *p = buf;
        size_t left = n + 1;
        while (left > 0) {
            ssize_t w = write(l->fd, p, left);
            if (w < 0 && errno == EINTR)
                continue;
            if (w <= 0) {
                l->write_errno = w < 0 ? errno : EIO;
                break;
            }
            p += w;
            left -= (size_t)w;
        }
        free(buf);
    }
    if (!l->quiet)
        fprintf(stderr, "%s\n", line);
}

/* ---- the plan ---- */

static void put_tags(FILE *o, const ld_strlist *tags)
{
    if (tags->n == 0) {
        fputs("-", o);
        return;
    }
    for (size_t i = 0; i < tags->n; i++) {
        if (i)
            fputs(", ", o);
        ld_term_put(o, tags->v[i]);
    }
}

static void write_table(FILE *o, const char *host, const rules_in_force *f, const ld_prune_plan *p,
                        const ld_reg_inventory *inv, bool applied)
{
    fputs("lockdown registry prune: ", o);
    ld_term_put(o, host);
    fputs(applied ? "\n" : " (dry run: nothing deleted; --apply deletes)\n", o);
    char *rules = rules_text(f);
    fprintf(o, "rules: %s\n", rules);
    free(rules);
    fprintf(o, "judged: %zu tagged manifest%s in %zu repositor%s\n\n", p->judged,
            p->judged == 1 ? "" : "s", inv->repos.n, inv->repos.n == 1 ? "y" : "ies");
    fprintf(o, "%s (%zu):\n", applied ? "Deletions" : "Would delete", p->n);
    if (p->n == 0)
        fputs("  nothing\n", o);
    for (size_t i = 0; i < p->n; i++) {
        const ld_prune_action *a = &p->v[i];
        fputs("  ", o);
        ld_term_put(o, a->repo);
        fputc('@', o);
        ld_term_put(o, a->digest);
        fprintf(o, "  [%s]", ld_prune_kind_name(a->kind));
        if (applied)
            fprintf(o, "  %s", ld_prune_result_name(a->result));
        fputs("\n      tags: ", o);
        put_tags(o, &a->tags);
        fputs("\n      reason: ", o);
        ld_term_put(o, a->reason ? a->reason : "-");
        fputc('\n', o);
        if (a->error) {
            fputs("      error: ", o);
            ld_term_put(o, a->error);
            fputc('\n', o);
        }
    }
    if (p->n_kept) {
        fprintf(o, "\nKept although a rule selected them or could not judge them (%zu):\n",
                p->n_kept);
        for (size_t i = 0; i < p->n_kept; i++) {
            const ld_prune_kept *k = &p->kept[i];
            fputs("  ", o);
            ld_term_put(o, k->repo);
            fputc('@', o);
            ld_term_put(o, k->digest);
            fputs("\n      tags: ", o);
            put_tags(o, &k->tags);
            fputs("\n      reason: ", o);
            ld_term_put(o, k->reason);
            fputc('\n', o);
        }
    }
    if (inv->notes.n) {
        fputs("\nNotes:\n", o);
        for (size_t i = 0; i < inv->notes.n; i++) {
            fputs("  - ", o);
            ld_term_put(o, inv->notes.v[i]);
            fputc('\n', o);
        }
    }
}

static void json_tags(ld_json *j, const ld_strlist *tags)
{
    ld_json_key(j, "tags");
    ld_json_array_begin(j);
    for (size_t i = 0; i < tags->n; i++)
        ld_json_string(j, tags->v[i]);
    ld_json_array_end(j);
}

static void write_json(FILE *o, const char *host, const rules_in_force *f, const ld_prune_plan *p,
                       const ld_reg_inventory *inv, bool applied)
{
    ld_json j;
    ld_json_init(&j, o, true);
    ld_json_object_begin(&j);
    ld_json_kv_string(&j, "registry", host);
    ld_json_kv_bool(&j, "applied", applied);
    ld_json_key(&j, "rules");
    ld_json_object_begin(&j);
    const ld_prune_rules *r = &f->rules;
    ld_json_kv_string(&j, "severity", r->by_severity ? ld_severity_name(r->severity) : NULL);
    ld_json_kv_bool(&j, "fixable_only", r->fixable_only);
    ld_json_kv_bool(&j, "unsigned", r->by_signature);
    ld_json_key(&j, "older_than_days");
    if (r->older_than_days >= 0)
        ld_json_int(&j, r->older_than_days);
    else
        ld_json_null(&j);
    ld_json_kv_int(&j, "keep_newest", r->keep_newest);
    ld_json_object_end(&j);
    ld_json_kv_int(&j, "judged", (int64_t)p->judged);
    ld_json_key(&j, "delete");
    ld_json_array_begin(&j);
    for (size_t i = 0; i < p->n; i++) {
        const ld_prune_action *a = &p->v[i];
        ld_json_object_begin(&j);
        ld_json_kv_string(&j, "repository", a->repo);
        ld_json_kv_string(&j, "digest", a->digest);
        json_tags(&j, &a->tags);
        ld_json_kv_string(&j, "kind", ld_prune_kind_name(a->kind));
        ld_json_kv_string(&j, "of", a->of);
        ld_json_kv_string(&j, "reason", a->reason);
        ld_json_kv_string(&j, "result", ld_prune_result_name(a->result));
        ld_json_kv_string(&j, "error", a->error);
        ld_json_object_end(&j);
    }
    ld_json_array_end(&j);
    ld_json_key(&j, "kept");
    ld_json_array_begin(&j);
    for (size_t i = 0; i < p->n_kept; i++) {
        ld_json_object_begin(&j);
        ld_json_kv_string(&j, "repository", p->kept[i].repo);
        ld_json_kv_string(&j, "digest", p->kept[i].digest);
        json_tags(&j, &p->kept[i].tags);
        ld_json_kv_string(&j, "reason", p->kept[i].reason);
        ld_json_object_end(&j);
    }
    ld_json_array_end(&j);
    ld_json_key(&j, "notes");
    ld_json_array_begin(&j);
    for (size_t i = 0; i < inv->notes.n; i++)
        ld_json_string(&j, inv->notes.v[i]);
    ld_json_array_end(&j);
    ld_json_object_end(&j);
    fputc('\n', o);
}

/* ---- run ---- */

typedef struct {
    const cli_session *s;
} progress_ctx;

static void on_progress(void *ctx, const char *line)
{
    const progress_ctx *p = ctx;
    cli_progress(p->s, "%s", line);
}

/* The trusted keys: --key files, then the policy's. */
static int load_keys(const prune_args *a, const ld_policy *policy, ld_key ***keys, size_t *n,
                     ld_error *err)
{
    ld_key **pk = NULL;
    size_t npk = 0;
    if (policy && policy->n_trusted_keys && ld_trust_policy_keys(policy, &pk, &npk, err) < 0)
        return -1;
    *keys = ld_xcalloc(a->n_keys + npk + 1, sizeof(**keys));
    *n = 0;
    for (size_t i = 0; i < a->n_keys; i++) {
        ld_key *k = ld_key_read_file(a->keys[i], false, NULL, err);
        if (!k) {
            for (size_t j = 0; j < npk; j++)
                ld_key_free(pk[j]);
            free(pk);
            return -1;
        }
        (*keys)[(*n)++] = k;
    }
    for (size_t j = 0; j < npk; j++)
        (*keys)[(*n)++] = pk[j];
    free(pk);
    return 0;
}

typedef struct {
    ld_reg_name name;
    ld_reg_inventory inv;
    ld_prune_plan plan;
    ld_key **keys;
    size_t n_keys;
    ld_findings *scan_findings;
    char *db;
    log_ctx log;
} prune_state;

static void state_clear(prune_state *st)
{
    ld_reg_name_clear(&st->name);
    ld_reg_inventory_clear(&st->inv);
    ld_prune_plan_clear(&st->plan);
    for (size_t i = 0; i < st->n_keys; i++)
        ld_key_free(st->keys[i]);
    free(st->keys);
    ld_findings_free(st->scan_findings);
    free(st->db);
    if (st->log.fd >= 0)
        close(st->log.fd);
}

static int run(int argc, char **argv, prune_args *a, prune_state *st);

int cmd_registry_prune(int argc, char **argv)
{
    prune_args a = {.older_than = -1};
    prune_state st = {.log = {.fd = -1}};
    int rc = run(argc, argv, &a, &st);
    state_clear(&st);
    ld_strlist_clear(&a.repos);
    cli_registry_clear(&a.reg);
    return rc;
}

static int run(int argc, char **argv, prune_args *a, prune_state *st)
{
    cli_common common = {0};
    int first = 0;
    int rc = cli_parse(CMD, argc, argv, prune_opts, "", on_opt, a, &common, &first);
    if (rc)
        return rc;
    if (common.help) {
        usage();
        return LD_EXIT_OK;
    }
    if (first >= argc)
        return cli_usage_error(CMD, "missing URL (the registry: HOST[:PORT])");
    if (argc - first > 1)
        return cli_usage_error(CMD, "one URL expected, got \"%s\" and \"%s\"", argv[first],
                               argv[first + 1]);
    bool json = common.format && strcmp(common.format, "json") == 0;
    if (common.format && !json && strcmp(common.format, "table") != 0)
        return cli_usage_error(CMD, "--format must be table or json (the plan)");
    if (common.level || common.fail_on || common.allow_incomplete || common.n_check ||
        common.n_exclude)
        return cli_usage_error(CMD, "--level, --fail-on, --allow-incomplete, --check and "
                                    "--exclude are for reports: prune prints a plan");
    ld_error err = LD_ERROR_INIT;
    if (ld_reg_name_parse(argv[first], &st->name, &err) < 0)
        return cli_usage_error(CMD, "%s", err.msg);
    if (st->name.http && !ld_strlist_contains(&a->reg.insecure, st->name.name))
        return cli_usage_error(CMD,
                               "%s is named with http://: plain HTTP is only spoken to a "
                               "registry named with --insecure-registry %s",
                               st->name.name, st->name.name);
    if (a->log && !a->apply)
        return cli_usage_error(CMD, "--log records deletions: it needs --apply");
    if ((rc = cli_registry_finish(CMD, &a->reg)) != 0)
        return rc;
    ld_reg_options ropt = cli_registry_client_options(&a->reg);

    cli_session s;
    rc = cli_session_open(&s, CMD, &common);
    if (rc) {
        cli_session_close(&s);
        return rc;
    }
    rules_in_force f;
    merge_rules(a, s.policy, &f);
    if (!ld_prune_rules_any(&f.rules)) {
        rc = cli_usage_error(CMD, "no rule selects anything: give --severity, --unsigned or "
                                  "--older-than (or registry.prune in the policy); --keep only "
                                  "protects");
        goto out;
    }
    if (f.rules.by_signature) {
        if (load_keys(a, s.policy, &st->keys, &st->n_keys, &err) < 0) {
            rc = cli_error_exit(&err);
            goto out;
        }
        if (st->n_keys == 0) {
            rc = cli_usage_error(CMD, "the unsigned rule needs trusted keys: --key FILE, or "
                                      "trusted-keys in the policy");
            goto out;
        }
    }
    ld_vuln_options vopt = {0};
    if (f.rules.by_severity) {
        st->db = a->db ? ld_xstrdup(a->db) : ld_vulndb_default_path(&err);
        if (!st->db || access(st->db, R_OK) != 0) {
            if (st->db)
                ld_error_set(&err, LD_ERR_NOT_FOUND,
                             "the severity rule needs a vulnerability database, and there is "
                             "none at %s: run 'lockdown db update' (or 'lockdown db import "
                             "FILES' offline), or give --db",
                             st->db);
            rc = cli_error_exit(&err);
            goto out;
        }
        vopt.db_path = st->db;
    }
    st->log.quiet = common.quiet;
    st->log.host = st->name.name;
    if (a->log && open_log(a->log, &st->log, &err) < 0) {
        rc = cli_error_exit(&err);
        goto out;
    }

    progress_ctx pc = {.s = &s};
    ld_reg_list_options lopt = {
        .registry = &ropt,
        .repo_globs = &a->repos,
        .attachments = true,
        .progress = on_progress,
        .progress_ctx = &pc,
    };
    cli_progress(&s, "listing %s", st->name.name);
    if (ld_reg_inventory_list(&st->name, &lopt, &st->inv, &err) < 0) {
        rc = cli_error_exit(&err);
        goto out;
    }
    if (f.rules.by_severity) {
        /* the vulnerability facts: each image read once, matched */
        st->scan_findings = cli_session_findings(&s);
        ld_reg_scan_options sopt = {
            .vuln = &vopt,
            .progress = on_progress,
            .progress_ctx = &pc,
        };
        sopt.scan.policy = s.policy;
        sopt.scan.image.registry = &ropt;
        sopt.scan.image.cache_dir = cli_registry_cache_dir(&a->reg);
        if (ld_reg_scan_images(&st->inv, &sopt, st->scan_findings, &err) < 0) {
            rc = cli_error_exit(&err);
            goto out;
        }
    }
    if (f.rules.by_signature) {
        cli_progress(&s, "verifying signatures");
        ld_prune_check_signatures(&st->inv, st->keys, st->n_keys, &ropt);
    }
    ld_prune_select(&st->inv, &f.rules, &st->plan);

    int apply_rc = 0;
    if (a->apply && st->plan.n > 0) {
        ld_reg_client *c = ld_reg_open(st->name.endpoint, &ropt, &err);
        if (!c) {
            rc = cli_error_exit(&err);
            goto out;
        }
        apply_rc = ld_prune_apply(c, st->name.name, &st->plan, on_deletion, &st->log, &err);
        ld_reg_close(c);
        if (st->log.fd >= 0 && fsync(st->log.fd) < 0 && !st->log.write_errno)
            st->log.write_errno = errno;
    }
    if (json)
        write_json(s.out, st->name.name, &f, &st->plan, &st->inv, a->apply);
    else
        write_table(s.out, st->name.name, &f, &st->plan, &st->inv, a->apply);
    rc = cli_session_commit(&s);
    if (apply_rc == LD_ERR_UNSUPPORTED) {
        fprintf(stderr,
                "lockdown: %s does not allow deletes (HTTP 405: the registry's "
                "storage.delete.enabled is off); nothing more was deleted\n",
                st->name.name);
        rc = LD_EXIT_ERROR;
    } else if (apply_rc < 0) {
        cli_error(&err);
        rc = LD_EXIT_ERROR;
    }
    if (st->log.write_errno) {
        fprintf(stderr, "lockdown: cannot write the log %s: %s\n", st->log.path,
                strerror(st->log.write_errno));
        rc = LD_EXIT_ERROR;
    }
out:
    cli_session_close(&s);
    return rc;
}
