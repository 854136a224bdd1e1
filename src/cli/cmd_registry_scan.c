/* `lockdown registry scan URL [--repo GLOB] [--since DATE]`: every image of
 * a registry through the image checks and the vulnerability database, one
 * report with a summary row per image (src/registry/scan.h). Argument
 * handling and output only. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "checks/image_scan.h"
#include "cli/cli.h"
#include "cli/cmd_registry.h"
#include "cli/registry_opts.h"
#include "registry/manifest_info.h"
#include "registry/prune.h"
#include "registry/registry_name.h"
#include "registry/scan.h"
#include "trust/signature_check.h"
#include "trust/verify.h"
#include "util/mem.h"
#include "vuln/db.h"
#include "vuln/match.h"

#define CMD "registry scan"

enum {
    OPT_REPO = 0x3400,
    OPT_SINCE,
    OPT_PLATFORM,
    OPT_CHECKS,
    OPT_DB,
    OPT_SEVERITY,
    OPT_IGNORE_UNFIXED,
    OPT_EXIT_CODE,
};

static const struct option scan_opts[] = {
    {"repo", required_argument, NULL, OPT_REPO},
    {"since", required_argument, NULL, OPT_SINCE},
    {"platform", required_argument, NULL, OPT_PLATFORM},
    {"checks", required_argument, NULL, OPT_CHECKS},
    {"db", required_argument, NULL, OPT_DB},
    {"severity", required_argument, NULL, OPT_SEVERITY},
    {"ignore-unfixed", no_argument, NULL, OPT_IGNORE_UNFIXED},
    {"exit-code", required_argument, NULL, OPT_EXIT_CODE},
    CLI_REGISTRY_OPTIONS,
    {NULL, 0, NULL, 0},
};

typedef struct {
    ld_strlist repos;
    time_t since;
    const char *platform;
    bool checks_given;
    bool config, secrets, vuln;
    const char *db;
    int exit_code;
    ld_vuln_options vopt;
    cli_registry_args reg;
} scan_args;

static int on_opt(int opt, const char *arg, void *ctx)
{
    scan_args *a = ctx;
    switch (opt) {
    case OPT_REPO:
        if (!*arg || strlen(arg) > 255) {
            cli_usage_error(CMD, "--repo takes a repository name or glob (team/*), not \"%s\"",
                            arg);
            return -1;
        }
        ld_strlist_push(&a->repos, arg);
        return 0;
    case OPT_SINCE:
        if (ld_reg_parse_since(arg, &a->since) < 0) {
            cli_usage_error(CMD,
                            "--since takes a date (2024-05-01) or an RFC 3339 time "
                            "(2024-05-01T12:00:00Z), not \"%s\"",
                            arg);
            return -1;
        }
        return 0;
    case OPT_PLATFORM: a->platform = arg; return 0;
    case OPT_CHECKS:
        a->checks_given = true;
        return cli_checks_option(CMD, arg, &a->config, &a->secrets, &a->vuln);
    case OPT_DB: a->db = arg; return 0;
    case OPT_SEVERITY:
        if (ld_severity_set_parse(arg, false, &a->vopt.severity_set) < 0) {
            cli_usage_error(CMD,
                            "--severity takes critical, high, medium, low, info (or unknown), "
                            "as a comma list (HIGH,CRITICAL) or one severity (and above), not "
                            "\"%s\"",
                            arg);
            return -1;
        }
        return 0;
    case OPT_IGNORE_UNFIXED: a->vopt.ignore_unfixed = true; return 0;
    case OPT_EXIT_CODE: return cli_exit_code_option(CMD, arg, &a->exit_code);
    default: return cli_registry_option(CMD, &a->reg, opt, arg);
    }
}

static void usage(void)
{
    fputs("Usage: lockdown registry scan URL [--repo GLOB]... [--since DATE] [options]\n"
          "\n"
          "Lists the registry at URL (HOST[:PORT], https:// optional): its catalog,\n"
          "every tag of every repository, each tag's digest (tags sharing a digest are\n"
          "one image), the platforms of multi-platform indexes; then reads every image\n"
          "once through the checks of 'lockdown image scan' (configuration, secrets,\n"
          "vulnerabilities, signature) into one report, with a summary per image.\n"
          "Layers shared by several images are read once (the layer cache). An image\n"
          "that cannot be read is noted and its checks are not assessed: the gate fails\n"
          "closed, and the scan goes on with the next image.\n"
          "\n"
          "Options:\n"
          "      --repo GLOB            only repositories matching GLOB (repeatable; '*'\n"
          "                             stops at '/': team/*). Names without wildcards\n"
          "                             are read without the catalog\n"
          "      --since DATE           only images created on or after DATE (YYYY-MM-DD,\n"
          "                             or an RFC 3339 time), by their config's `created`\n"
          "      --platform P           of a multi-platform index, read only P\n"
          "                             (linux/arm64); default: every platform\n"
          "      --checks LIST          config, secrets, vuln (default: all three)\n"
          "      --db PATH              vulnerability database (default: $LOCKDOWN_DB or\n"
          "                             the per-user cache; see 'lockdown db')\n"
          "      --severity SEVS        vulnerabilities of these severities only\n"
          "      --ignore-unfixed       drop vulnerabilities without a fixed version\n"
          "      --exit-code N          exit N when a failing finding of a --severity\n"
          "                             severity remains (the gate's exit 1 comes first)\n",
          stdout);
    fputs(cli_registry_help, stdout);
    fputs("\n", stdout);
    fputs(cli_common_help, stdout);
    fputs("\nExit codes: 0 gate passed, 1 gate failed, 2 usage error, 3 could not complete\n"
          "(the registry could not be listed, or --db names a missing database).\n",
          stdout);
}

typedef struct {
    const cli_session *s;
} progress_ctx;

static void on_progress(void *ctx, const char *line)
{
    const progress_ctx *p = ctx;
    cli_progress(p->s, "%s", line);
}

/* One note for the whole run: how the layer cache and the registry served
 * the layers. */
static void cache_note(ld_findings *r, const ld_reg_inventory *inv, const char *cache_dir)
{
    size_t layers = 0, hits = 0, scanned = 0;
    uint64_t fetched = 0;
    for (size_t i = 0; i < inv->n_images; i++) {
        const ld_reg_image *m = &inv->images[i];
        if (m->state != LD_REG_IMG_SCANNED)
            continue;
        scanned++;
        layers += m->layers;
        hits += m->cache_hits;
        fetched += m->bytes_fetched;
    }
    if (!scanned)
        return;
    if (cache_dir)
        ld_findings_note(r,
                         "layer cache %s: %zu of %zu layers of %zu images served from the cache; "
                         "%llu bytes of layer blobs fetched from the registry",
                         cache_dir, hits, layers, scanned, (unsigned long long)fetched);
    else
        ld_findings_note(r,
                         "no layer cache (--no-cache): %zu layers of %zu images read, %llu "
                         "bytes of layer blobs fetched from the registry",
                         layers, scanned, (unsigned long long)fetched);
}

/* registry.stale-images: what the policy's registry.prune rules would
 * delete, as findings (none when the policy sets no rule). */
static int stale_images(ld_findings *r, ld_reg_inventory *inv, const ld_policy *policy,
                        const ld_reg_options *ropt, ld_error *err)
{
    ld_prune_rules rules;
    ld_prune_rules_from_policy(policy, time(NULL), &rules);
    if (!ld_prune_rules_any(&rules))
        return 0;
    if (rules.by_signature) {
        ld_key **keys = NULL;
        size_t n = 0;
        ld_error kerr = LD_ERROR_INIT;
        if (policy->n_trusted_keys && ld_trust_policy_keys(policy, &keys, &n, &kerr) == 0 && n) {
            ld_prune_check_signatures(inv, keys, n, ropt);
        } else {
            for (size_t i = 0; i < inv->n_images; i++) {
                ld_reg_image *m = &inv->images[i];
                m->sig = LD_REG_SIG_NOT_ASSESSED;
                free(m->sig_reason);
                m->sig_reason =
                    ld_xstrdup(kerr.msg[0] ? kerr.msg : "the policy lists no trusted-keys");
            }
        }
        for (size_t i = 0; i < n; i++)
            ld_key_free(keys[i]);
        free(keys);
    }
    return ld_prune_report(r, inv, &rules, err);
}

static int run(int argc, char **argv, scan_args *a);

int cmd_registry_scan(int argc, char **argv)
{
    scan_args a = {.config = true, .secrets = true, .vuln = true};
    int rc = run(argc, argv, &a);
    ld_strlist_clear(&a.repos);
    ld_strlist_clear(&a.vopt.ignore_status);
    ld_strlist_clear(&a.vopt.vex_files);
    cli_registry_clear(&a.reg);
    return rc;
}

static int run(int argc, char **argv, scan_args *a)
{
    cli_common common = {0};
    int first = 0;
    int rc = cli_parse(CMD, argc, argv, scan_opts, "", on_opt, a, &common, &first);
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
    ld_error err = LD_ERROR_INIT;
    ld_reg_name name = {0};
    if (ld_reg_name_parse(argv[first], &name, &err) < 0)
        return cli_usage_error(CMD, "%s", err.msg);
    if (name.http && !ld_strlist_contains(&a->reg.insecure, name.name)) {
        rc = cli_usage_error(CMD,
                             "%s is named with http://: plain HTTP is only spoken to a "
                             "registry named with --insecure-registry %s",
                             name.name, name.name);
        ld_reg_name_clear(&name);
        return rc;
    }
    if ((rc = cli_registry_finish(CMD, &a->reg)) != 0) {
        ld_reg_name_clear(&name);
        return rc;
    }
    ld_reg_options ropt = cli_registry_client_options(&a->reg);

    cli_session s;
    rc = cli_session_open(&s, CMD, &common);
    if (rc) {
        cli_session_close(&s);
        ld_reg_name_clear(&name);
        return rc;
    }
    s.exit_code = a->exit_code;
    s.exit_severities = a->vopt.severity_set ? a->vopt.severity_set : LD_SEV_ALL;

    ld_reg_inventory inv = {0};
    ld_findings *r = NULL;
    ld_signature_check sigs;
    bool have_sigs = false;
    char *scope = NULL;
    /* the database is checked before the (long) listing: named, it must be
     * there; the default one missing makes the vulnerability controls "not
     * assessed" (the gate fails closed) */
    char *db = a->db ? ld_xstrdup(a->db) : ld_vulndb_default_path(&err);
    if (a->vuln && (!db || access(db, R_OK) != 0) && (a->checks_given || a->db)) {
        if (db)
            ld_error_set(&err, LD_ERR_NOT_FOUND,
                         "no vulnerability database at %s: run 'lockdown db update' (or "
                         "'lockdown db import FILES' offline), or leave vuln out of --checks",
                         db);
        rc = cli_error_exit(&err);
        goto done;
    }
    a->vopt.db_optional = !(a->checks_given || a->db);
    a->vopt.db_path = db;

    progress_ctx pc = {.s = &s};
    ld_reg_list_options lopt = {
        .registry = &ropt,
        .repo_globs = &a->repos,
        .progress = on_progress,
        .progress_ctx = &pc,
    };
    cli_progress(&s, "listing %s", name.name);
    if (ld_reg_inventory_list(&name, &lopt, &inv, &err) < 0) {
        rc = cli_error_exit(&err);
        goto done;
    }
    r = cli_session_findings(&s);
    ld_reg_scan_options sopt = {
        .scan = {.config = a->config, .secrets = a->secrets, .policy = s.policy},
        .vuln = a->vuln ? &a->vopt : NULL,
        .since = a->since,
        .platform = a->platform,
        .progress = on_progress,
        .progress_ctx = &pc,
    };
    sopt.scan.image.registry = &ropt;
    sopt.scan.image.cache_dir = cli_registry_cache_dir(&a->reg);
    if (a->config) { /* image.signature, with the policy's trusted keys */
        ld_signature_check_init(&sigs, s.policy, &ropt);
        have_sigs = true;
        sopt.scan.signatures = &sigs;
    }
    if (ld_reg_scan_images(&inv, &sopt, r, &err) < 0 ||
        stale_images(r, &inv, s.policy, &ropt, &err) < 0) {
        rc = cli_error_exit(&err);
        goto done;
    }
    size_t images = 0, skipped = 0;
    for (size_t i = 0; i < inv.n_images; i++) {
        images += !inv.images[i].is_index && inv.images[i].state == LD_REG_IMG_SCANNED;
        skipped += inv.images[i].state == LD_REG_IMG_SKIPPED;
    }
    if (skipped && (a->since || a->platform))
        ld_findings_note(r, "%zu image%s left out by --since/--platform", skipped,
                         skipped == 1 ? "" : "s");
    if (inv.repos.n == 0)
        ld_findings_note(r, "no repository of %s matched%s", name.name,
                         a->repos.n ? " --repo" : " (the catalog is empty)");
    cache_note(r, &inv, sopt.scan.image.cache_dir);
    scope = ld_xasprintf("registry %s: %zu image%s read in %zu repositor%s", name.name, images,
                         images == 1 ? "" : "s", inv.repos.n, inv.repos.n == 1 ? "y" : "ies");
    rc = cli_session_finish(&s, r, CMD, scope);
done:
    ld_findings_free(r);
    free(scope);
    free(db);
    if (have_sigs)
        ld_signature_check_clear(&sigs);
    ld_reg_inventory_clear(&inv);
    cli_session_close(&s);
    ld_reg_name_clear(&name);
    return rc;
}
