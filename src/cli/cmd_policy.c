/* `lockdown policy check FILE...` and `lockdown policy show [FILE]`: validate
 * a policy file (every problem with its line, attestations checked against
 * the built-in catalog) or print the effective policy. Parsing and rules live
 * in core/policy.c; this file only prints. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "k8s/k8s_scan.h"
#include "core/catalog.h"
#include "core/level.h"
#include "core/policy.h"
#include "util/mem.h"
#include "util/term_text.h"

/* One line on f, made terminal-safe: policy text (ids, targets, reasons,
 * names) is outside text. */
static void put_line(FILE *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put_line(FILE *f, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *line = ld_xvasprintf(fmt, ap);
    va_end(ap);
    char *clean = ld_term_clean(line);
    fputs(clean, f);
    fputc('\n', f);
    free(clean);
    free(line);
}

static void usage_policy(FILE *f)
{
    fputs("Usage: lockdown policy check FILE...\n"
          "       lockdown policy show [FILE]\n"
          "\n"
          "Policy files set the environment profile (or the level), the gate, exceptions,\n"
          "attestations and trusted registries and keys. Schema: docs/policy.md.\n"
          "\n"
          "Subcommands:\n"
          "  check   validate policy files and list every problem with its line\n"
          "  show    print the effective policy (the built-in one without FILE)\n"
          "\n"
          "Run 'lockdown policy check --help' or 'lockdown policy show --help' for details.\n",
          f);
}

static void usage_check(FILE *f)
{
    fputs("Usage: lockdown policy check FILE...\n"
          "\n"
          "Validates each policy file: YAML syntax, known keys, value types, allowed values,\n"
          "real dates, and attestations naming controls of the built-in catalog. Every\n"
          "problem is printed on stderr as FILE:LINE: message. Expired exceptions and\n"
          "attestations are warnings.\n"
          "\n"
          "  -h, --help   show this help\n"
          "\n"
          "Exit codes: 0 every file is valid, 2 usage error, 3 a file has problems.\n",
          f);
}

static void usage_show(FILE *f)
{
    fputs("Usage: lockdown policy show [FILE]\n"
          "\n"
          "Prints the effective policy: profile, the level with the reasoning that derives\n"
          "it, the gate, exceptions and attestations (expired ones marked), trusted\n"
          "registries and keys. Without FILE, shows the built-in default policy.\n"
          "A --level given to other commands overrides the level shown here.\n"
          "\n"
          "  -h, --help   show this help\n"
          "\n"
          "Exit codes: 0 shown, 2 usage error, 3 the file has problems.\n",
          f);
}

static bool is_help(const char *a)
{
    return strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0;
}

/* Moves the positional arguments of a subcommand to argv[1..1+*n) (after
 * "--" everything is positional). Returns 0, 1 if help was asked (after
 * printing it), or LD_EXIT_USAGE. */
static int sub_args(const char *cmd, int argc, char **argv, void (*usage)(FILE *), int *n)
{
    int out = 0;
    bool dashdash = false;
    for (int i = 1; i < argc; i++) {
        if (!dashdash && strcmp(argv[i], "--") == 0) {
            dashdash = true;
            continue;
        }
        if (!dashdash && is_help(argv[i])) {
            usage(stdout);
            return 1;
        }
        if (!dashdash && argv[i][0] == '-' && argv[i][1])
            return cli_usage_error(cmd, "unknown option '%s'", argv[i]);
        argv[1 + out++] = argv[i];
    }
    *n = out;
    return 0;
}

/* Loads path, printing every problem on stderr. NULL on failure. */
static ld_policy *load_or_report(const char *path)
{
    ld_strlist diags = {0};
    ld_error err = LD_ERROR_INIT;
    ld_policy *p = ld_policy_load(path, &diags, &err);
    if (!p) {
        for (size_t i = 0; i < diags.n; i++)
            put_line(stderr, "%s", diags.v[i]);
        if (diags.n == 0)
            cli_error(&err);
    }
    ld_strlist_clear(&diags);
    return p;
}

static const char *plural(size_t n, const char *one, const char *many)
{
    return n == 1 ? one : many;
}

/* Checks one file; returns true if it is valid. */
static bool check_one(const char *path, const ld_catalog *cat, time_t now)
{
    ld_policy *p = load_or_report(path);
    if (!p)
        return false;
    size_t errors = 0;
    for (size_t i = 0; i < p->n_attestations; i++) {
        const ld_attestation *a = &p->attestations[i];
        if (!ld_catalog_find(cat, a->control)) {
            put_line(stderr,
                     "%s:%d: attestation names unknown control \"%s\"; see 'lockdown controls'",
                     path, a->line, a->control);
            errors++;
        } else if (a->expires && ld_date_expired(a->expires, now)) {
            put_line(stderr, "%s:%d: warning: attestation of %s expired on %s", path, a->line,
                     a->control, a->expires);
        }
    }
    for (size_t i = 0; i < p->n_exceptions; i++) {
        const ld_exception *e = &p->exceptions[i];
        if (!ld_catalog_find(cat, e->id) && !ld_catalog_find_by_check(cat, e->id))
            put_line(stderr,
                     "%s:%d: warning: exception id \"%s\" is neither a control nor a check of the "
                     "catalog; it only matches findings with that id",
                     path, e->line, e->id);
        if (e->expires && ld_date_expired(e->expires, now))
            put_line(stderr, "%s:%d: warning: exception for %s expired on %s", path, e->line,
                     e->id, e->expires);
    }
    if (errors == 0) {
        printf("%s: ok (%zu %s, %zu %s, %zu %s, %zu %s)\n", path, p->n_exceptions,
               plural(p->n_exceptions, "exception", "exceptions"), p->n_attestations,
               plural(p->n_attestations, "attestation", "attestations"), p->trusted_registries.n,
               plural(p->trusted_registries.n, "trusted registry", "trusted registries"),
               p->n_trusted_keys, plural(p->n_trusted_keys, "trusted key", "trusted keys"));
    }
    ld_policy_free(p);
    return errors == 0;
}

static int policy_check(int argc, char **argv)
{
    int n = 0;
    int rc = sub_args("policy check", argc, argv, usage_check, &n);
    char **files = argv + 1;
    if (rc)
        return rc == 1 ? LD_EXIT_OK : rc;
    if (n == 0)
        return cli_usage_error("policy check", "no policy file given");
    ld_error err = LD_ERROR_INIT;
    ld_catalog *cat = ld_catalog_load_builtin(&err);
    if (!cat)
        return cli_error_exit(&err);
    time_t now = time(NULL);
    bool all_ok = true;
    for (int i = 0; i < n; i++)
        all_ok = check_one(files[i], cat, now) && all_ok;
    ld_catalog_free(cat);
    return all_ok ? LD_EXIT_OK : LD_EXIT_ERROR;
}

static void show_level(const ld_policy *p)
{
    ld_strlist why = {0};
    ld_level level = LD_LEVEL_MEDIUM;
    const char *source = "default: the policy sets neither profile nor level";
    if (p->has_profile) {
        level = ld_level_derive(&p->profile, &why);
        source = "derived from the profile";
    }
    if (p->has_level) {
        if (p->has_profile && level != p->level)
            ld_strlist_push(&why, "the policy fixes `level:`, which overrides the derived level");
        level = p->level;
        source = "set by `level:` in the policy";
    }
    printf("level: %s (%s)\n", ld_level_name(level), source);
    if (why.n) {
        printf("reasoning:\n");
        for (size_t i = 0; i < why.n; i++)
            printf("  - %s\n", why.v[i]);
    }
    ld_strlist_clear(&why);
}

/* " a, b" or " none" */
static void print_names(const ld_strlist *l)
{
    if (l->n == 0)
        printf(" none");
    for (size_t i = 0; i < l->n; i++)
        printf("%s %s", i ? "," : "", l->v[i]);
}

/* registry.prune: the rules `lockdown registry prune` applies when its
 * flags do not say. */
static void show_registry(const ld_policy *p)
{
    const ld_policy_registry_prune *r = &p->registry_prune;
    printf("registry:\n  prune:\n");
    if (r->has_severity)
        printf("    severity: %s (vulnerabilities at or above it select an image%s)\n",
               ld_severity_name(r->severity), r->fixable_only ? ", with a fix only" : "");
    else
        printf("    severity: not set\n");
    printf("    fixable-only: %s\n", r->fixable_only ? "true" : "false");
    printf("    unsigned: %s\n",
           r->unsigned_images ? "true (images without a valid signature go; needs trusted-keys)"
                              : "false");
    if (r->has_older_than)
        printf("    older-than-days: %d\n", r->older_than_days);
    else
        printf("    older-than-days: not set\n");
    if (r->keep_newest)
        printf("    keep-newest: %d (never prunes a repository below this)\n", r->keep_newest);
    else
        printf("    keep-newest: not set\n");
}

static void show_policy(const ld_policy *p, time_t now)
{
    printf("policy: %s\n", p->path);
    if (p->has_profile)
        printf("profile: data-classification=%s exposure=%s use-case=%s\n",
               ld_data_class_name(p->profile.data), ld_exposure_name(p->profile.exposure),
               ld_use_case_name(p->profile.use));
    else
        printf("profile: not set\n");
    show_level(p);
    printf("gate:\n");
    if (p->has_fail_on)
        printf("  fail-on: %s (a failing finding of this severity or above fails the gate)\n",
               ld_severity_name(p->fail_on));
    else
        printf("  fail-on: not set (severity alone does not fail the gate)\n");
    printf("  required-controls: %s\n",
           p->required_controls ? "true (controls required at the level must pass)" : "false");

    printf("exceptions: %zu\n", p->n_exceptions);
    for (size_t i = 0; i < p->n_exceptions; i++) {
        const ld_exception *e = &p->exceptions[i];
        printf("  - %s", e->id);
        if (e->target)
            printf(" target \"%s\"", e->target);
        if (e->expires)
            printf(ld_date_expired(e->expires, now) ? " EXPIRED on %s" : " expires %s", e->expires);
        printf(" (line %d)\n    reason: %s\n", e->line, e->reason);
    }
    printf("attestations: %zu\n", p->n_attestations);
    for (size_t i = 0; i < p->n_attestations; i++) {
        const ld_attestation *a = &p->attestations[i];
        printf("  - %s by %s on %s", a->control, a->by, a->date);
        if (a->expires)
            printf(ld_date_expired(a->expires, now) ? " EXPIRED on %s" : " expires %s", a->expires);
        printf(" (line %d)\n    evidence: %s\n", a->line, a->evidence);
    }
    printf("trusted-registries:");
    if (p->trusted_registries.n == 0)
        printf(" none");
    for (size_t i = 0; i < p->trusted_registries.n; i++)
        printf("%s %s", i ? "," : "", p->trusted_registries.v[i]);
    printf("\ntrusted-keys:");
    if (p->n_trusted_keys == 0)
        printf(" none");
    for (size_t i = 0; i < p->n_trusted_keys; i++) {
        const ld_trusted_key *k = &p->trusted_keys[i];
        printf("%s %s (%s)", i ? "," : "", k->name,
               strncmp(k->key, "file:", 5) == 0 ? k->key : "PEM");
    }
    printf("\nkubernetes:\n  production-namespaces:");
    print_names(&p->k8s_production_namespaces);
    printf("\n  developer-groups:");
    print_names(&p->k8s_developer_groups);
    printf("\n  sensitivity-label: %s\n",
           p->k8s_sensitivity_label ? p->k8s_sensitivity_label : LD_K8S_DEFAULT_SENSITIVITY_LABEL);
    show_registry(p);
}

static int policy_show(int argc, char **argv)
{
    int n = 0;
    int rc = sub_args("policy show", argc, argv, usage_show, &n);
    char **files = argv + 1;
    if (rc)
        return rc == 1 ? LD_EXIT_OK : rc;
    if (n > 1)
        return cli_usage_error("policy show", "one policy file at most, got %d", n);
    ld_policy *p = NULL;
    if (n == 1) {
        p = load_or_report(files[0]);
    } else {
        ld_error err = LD_ERROR_INIT;
        p = ld_policy_default(&err);
        if (!p)
            cli_error(&err);
    }
    if (!p)
        return LD_EXIT_ERROR;
    show_policy(p, time(NULL));
    ld_policy_free(p);
    return LD_EXIT_OK;
}

int cmd_policy(int argc, char **argv)
{
    if (argc < 2) {
        usage_policy(stderr);
        return LD_EXIT_USAGE;
    }
    const char *sub = argv[1];
    if (is_help(sub) || strcmp(sub, "help") == 0) {
        usage_policy(stdout);
        return LD_EXIT_OK;
    }
    if (strcmp(sub, "check") == 0)
        return policy_check(argc - 1, argv + 1);
    if (strcmp(sub, "show") == 0)
        return policy_show(argc - 1, argv + 1);
    static const char *const subs[] = {"check", "show", NULL};
    return cli_unknown_subcommand("policy", sub, subs);
}
