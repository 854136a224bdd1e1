/* `lockdown db push REF` and `lockdown db pull REF`: the vulnerability
 * database as a signed OCI artifact (library: src/vuln/db_oci.h). Argument
 * parsing, key loading, the progress bar and printing only. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/cmd_db_oci.h"
#include "cli/key_password.h"
#include "cli/progress.h"
#include "cli/registry_opts.h"
#include "core/policy.h"
#include "trust/verify.h"
#include "util/mem.h"
#include "util/term_text.h"
#include "vuln/db.h"
#include "vuln/db_oci.h"

#define MAX_KEYS 16

enum {
    OPT_DB = 0x2100,
    OPT_KEY,
    OPT_INSECURE_SKIP_VERIFY,
    OPT_MAX_SIZE,
    OPT_MAX_MANIFEST,
};

typedef struct {
    const char *cmd;
    const char *db;
    const char *keys[MAX_KEYS];
    size_t n_keys;
    bool insecure_skip_verify;
    uint64_t max_bytes;
    size_t max_manifest;
    cli_registry_args registry;
} oci_args;

static void push_usage(FILE *f)
{
    fprintf(f,
            "Usage: lockdown db push REF [--db PATH] [--key KEY] [registry options]\n"
            "\n"
            "Uploads the vulnerability database to a registry as an OCI artifact (artifact\n"
            "type %s): the SQLite file compressed with\n"
            "zstd as one layer, annotations with the schema version, build time, feeds and\n"
            "the sha256 of the file. With --key the manifest is signed the cosign way (the\n"
            "signature image at sha256-<hex>.sig), so 'db pull' and 'image verify' check it.\n"
            "Prints the manifest digest on stdout.\n"
            "\n"
            "Options:\n"
            "      --db PATH     database to push (default: see 'lockdown db --help')\n"
            "      --key KEY     private key to sign with ('lockdown key generate'); the\n"
            "                    password from LOCKDOWN_KEY_PASSWORD or the terminal\n"
            "  -q, --quiet       no progress and no summary on stderr\n"
            "  -h, --help        show this help\n"
            "%s",
            LD_VULNDB_ARTIFACT_TYPE, cli_registry_help);
}

static void pull_usage(FILE *f)
{
    fprintf(f,
            "Usage: lockdown db pull REF [--db PATH] [--key PUB]... [--policy FILE]\n"
            "                        [--insecure-skip-verify] [--max-size MB]\n"
            "                        [--max-manifest-size KB] [registry options]\n"
            "\n"
            "Replaces the local vulnerability database with the one 'db push' stored at\n"
            "REF. The signature is verified first (with --key, else the trusted-keys of\n"
            "the policy); then the manifest digest, and every blob's digest and size as it\n"
            "streams into a temporary file beside the database; the file must open as a\n"
            "database of a schema this lockdown reads. Only then is it renamed over the\n"
            "old one: any failure leaves the old database as it was (exit 3).\n"
            "\n"
            "Options:\n"
            "      --db PATH              database to replace (default: see 'lockdown db\n"
            "                             --help')\n"
            "      --key PUB              trusted public key (repeatable; any one verifying\n"
            "                             suffices)\n"
            "      --policy FILE          lockdown policy whose trusted-keys to use\n"
            "      --insecure-skip-verify take a database whose signature is missing or\n"
            "                             does not verify (says so on stderr; digests are\n"
            "                             still checked)\n"
            "      --max-size MB          largest database accepted, compressed and not\n"
            "                             (default 4096)\n"
            "      --max-manifest-size KB largest manifest accepted (default 64)\n"
            "  -q, --quiet                no progress and no summary\n"
            "  -h, --help                 show this help\n"
            "%s",
            cli_registry_help);
}

/* A plain decimal from lo to hi into *out; false when it is not one. */
static bool parse_count(const char *s, uint64_t lo, uint64_t hi, uint64_t *out)
{
    char *end = NULL;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || end == s || *end || *s == '-' || *s == '+' || v < lo || v > hi)
        return false;
    *out = v;
    return true;
}

static int on_opt(int opt, const char *arg, void *ctx)
{
    oci_args *a = ctx;
    uint64_t v = 0;
    switch (opt) {
    case OPT_DB: a->db = arg; return 0;
    case OPT_KEY:
        if (a->n_keys == MAX_KEYS)
            return cli_usage_error(a->cmd, "--key given more than %d times", MAX_KEYS), -1;
        a->keys[a->n_keys++] = arg;
        return 0;
    case OPT_INSECURE_SKIP_VERIFY: a->insecure_skip_verify = true; return 0;
    case OPT_MAX_SIZE:
        if (!parse_count(arg, 1, 1u << 20, &v))
            return cli_usage_error(a->cmd,
                                   "--max-size: expected megabytes from 1 to 1048576, "
                                   "got \"%s\"",
                                   arg),
                   -1;
        a->max_bytes = v << 20;
        return 0;
    case OPT_MAX_MANIFEST:
        if (!parse_count(arg, 1, 4096, &v))
            return cli_usage_error(a->cmd,
                                   "--max-manifest-size: expected kilobytes from 1 to "
                                   "4096, got \"%s\"",
                                   arg),
                   -1;
        a->max_manifest = (size_t)v << 10;
        return 0;
    default: return cli_registry_option(a->cmd, &a->registry, opt, arg);
    }
}

/* Progress of the library onto one bar per phase. */
typedef struct {
    bool enabled;
    cli_bar *bar;
    const char *phase;
} oci_progress;

static void on_progress(const char *phase, uint64_t done, uint64_t total, void *ctx)
{
    oci_progress *p = ctx;
    if (!p->phase || strcmp(p->phase, phase) != 0) {
        cli_bar_finish(p->bar, NULL);
        p->bar = cli_bar_start(p->enabled, phase, total, CLI_BAR_BYTES, NULL);
        p->phase = phase;
    }
    cli_bar_set(p->bar, done, NULL);
}

static void end_progress(oci_progress *p)
{
    cli_bar_finish(p->bar, NULL);
    p->bar = NULL;
    p->phase = NULL;
}

/* The common parse: one REF, no report options. 0 or an exit code. */
static int parse(const char *cmd, int argc, char **argv, oci_args *a, cli_common *c,
                 const char **ref, bool allow_policy)
{
    static const struct option extra[] = {
        {"db", required_argument, NULL, OPT_DB},
        {"key", required_argument, NULL, OPT_KEY},
        {"insecure-skip-verify", no_argument, NULL, OPT_INSECURE_SKIP_VERIFY},
        {"max-size", required_argument, NULL, OPT_MAX_SIZE},
        {"max-manifest-size", required_argument, NULL, OPT_MAX_MANIFEST},
        CLI_REGISTRY_OPTIONS,
        {0}};
    int first = 0;
    int rc = cli_parse(cmd, argc, argv, extra, "", on_opt, a, c, &first);
    if (rc || c->help)
        return rc;
    if (c->format || c->output || c->level || c->fail_on || c->n_check || c->n_exclude ||
        c->allow_incomplete || (c->policy && !allow_policy))
        return cli_usage_error(cmd,
                               "%s writes no report: the report options (--format, "
                               "--output, ...) do not apply",
                               cmd);
    if (first >= argc)
        return cli_usage_error(cmd,
                               "missing REF (e.g. registry.example.com/lockdown/vulndb:latest)");
    if (argc - first > 1)
        return cli_usage_error(cmd, "one REF expected, got \"%s\" and \"%s\"", argv[first],
                               argv[first + 1]);
    *ref = argv[first];
    ld_reg_ref parsed;
    ld_error perr = LD_ERROR_INIT;
    if (ld_reg_ref_parse(*ref, &parsed, &perr) < 0)
        return cli_usage_error(cmd, "%s", perr.msg);
    ld_reg_ref_clear(&parsed);
    return cli_registry_finish(cmd, &a->registry);
}

int cmd_db_push(int argc, char **argv)
{
    oci_args a = {.cmd = "db push"};
    cli_common c = {0};
    const char *ref = NULL;
    ld_key *key = NULL;
    char *path = NULL;
    ld_vulndb_push_result res = {0};
    int rc = parse("db push", argc, argv, &a, &c, &ref, false);
    if (rc || c.help) {
        if (!rc)
            push_usage(stdout);
        goto out;
    }
    if (a.n_keys > 1 || a.insecure_skip_verify || a.max_bytes || a.max_manifest) {
        rc = cli_usage_error("db push", "db push takes one --key (a private key) and none of "
                                        "the pull options");
        goto out;
    }
    ld_error err = LD_ERROR_INIT;
    path = a.db ? ld_xstrdup(a.db) : ld_vulndb_default_path(&err);
    if (!path) {
        rc = cli_error_exit(&err);
        goto out;
    }
    if (a.n_keys && !(key = cli_load_signing_key(a.keys[0], &rc)))
        goto out;
    ld_reg_options reg = cli_registry_client_options(&a.registry);
    oci_progress pg = {.enabled = !c.quiet};
    ld_vulndb_push_options po = {.db_path = path,
                                 .ref = ref,
                                 .registry = &reg,
                                 .key = key,
                                 .progress = on_progress,
                                 .progress_ctx = &pg};
    int prc = ld_vulndb_push(&po, &res, &err);
    end_progress(&pg);
    if (prc < 0) {
        rc = cli_error_exit(&err);
        goto out;
    }
    printf("%s\n", res.digest);
    if (!c.quiet) {
        char *ref_clean = ld_term_clean(res.reference);
        if (key)
            fprintf(stderr, "lockdown: pushed %s to %s (%s), signed with key %s\n", path, ref_clean,
                    res.digest, ld_key_fingerprint(key));
        else
            fprintf(stderr,
                    "lockdown: pushed %s to %s (%s), unsigned: 'db pull' refuses it unless "
                    "--insecure-skip-verify\n",
                    path, ref_clean, res.digest);
        free(ref_clean);
    }
    rc = fflush(stdout) == 0 ? LD_EXIT_OK : LD_EXIT_ERROR;
out:
    ld_vulndb_push_result_clear(&res);
    ld_key_free(key);
    free(path);
    cli_registry_clear(&a.registry);
    return rc;
}

/* The trusted keys: --key files, else the policy's trusted-keys (--policy
 * FILE, else the built-in policy). 0 with the keys and their count (maybe none), or an
 * exit code after printing. */
static int trusted_keys(const oci_args *a, const cli_common *c, ld_key ***keys, size_t *n)
{
    ld_error err = LD_ERROR_INIT;
    *keys = NULL;
    *n = 0;
    if (a->n_keys) {
        *keys = ld_xcalloc(a->n_keys, sizeof(**keys));
        for (size_t i = 0; i < a->n_keys; i++) {
            (*keys)[i] = ld_key_read_file(a->keys[i], false, NULL, &err);
            if (!(*keys)[i])
                return cli_error_exit(&err);
            (*n)++;
        }
        return 0;
    }
    ld_strlist diags = {0};
    ld_policy *p = c->policy ? ld_policy_load(c->policy, &diags, &err) : ld_policy_default(&err);
    ld_strlist_clear(&diags);
    if (!p)
        return cli_error_exit(&err);
    int rc = ld_trust_policy_keys(p, keys, n, &err);
    ld_policy_free(p);
    return rc < 0 ? cli_error_exit(&err) : 0;
}

int cmd_db_pull(int argc, char **argv)
{
    oci_args a = {.cmd = "db pull"};
    cli_common c = {0};
    const char *ref = NULL;
    char *path = NULL;
    ld_key **keys = NULL;
    size_t n_keys = 0;
    ld_vulndb_pull_result res = {0};
    int rc = parse("db pull", argc, argv, &a, &c, &ref, true);
    if (rc || c.help) {
        if (!rc)
            pull_usage(stdout);
        goto out;
    }
    ld_error err = LD_ERROR_INIT;
    path = a.db ? ld_xstrdup(a.db) : ld_vulndb_default_path(&err);
    if (!path) {
        rc = cli_error_exit(&err);
        goto out;
    }
    if ((rc = trusted_keys(&a, &c, &keys, &n_keys)) != 0)
        goto out;
    if (n_keys == 0 && !a.insecure_skip_verify) {
        rc = cli_usage_error("db pull", "no trusted key to verify the database's signature: give "
                                        "--key PUB or list trusted-keys in the policy (--policy "
                                        "FILE)");
        goto out;
    }
    ld_reg_options reg = cli_registry_client_options(&a.registry);
    oci_progress pg = {.enabled = !c.quiet};
    ld_vulndb_pull_options po = {.ref = ref,
                                 .dest = path,
                                 .registry = &reg,
                                 .keys = keys,
                                 .n_keys = n_keys,
                                 .insecure_skip_verify = a.insecure_skip_verify,
                                 .max_manifest = a.max_manifest,
                                 .max_bytes = a.max_bytes,
                                 .progress = on_progress,
                                 .progress_ctx = &pg};
    int prc = ld_vulndb_pull(&po, &res, &err);
    end_progress(&pg);
    if (res.verify_note) {
        /* loudly, --quiet or not: the database was not verified */
        char *note = ld_term_clean(res.verify_note);
        fprintf(stderr,
                "lockdown: WARNING: --insecure-skip-verify: %s taken WITHOUT a verified "
                "signature (%s)\n",
                ref, note);
        free(note);
    }
    if (prc < 0) {
        rc = cli_error_exit(&err);
        goto out;
    }
    if (!c.quiet) {
        char *feeds = ld_term_clean(res.artifact.feeds);
        char *ref_clean = ld_term_clean(res.reference);
        printf("database %s replaced by %s@%s (schema %ld, %llu bytes, feeds: %s)%s%s\n", path,
               ref_clean, res.digest, res.artifact.schema_version,
               (unsigned long long)res.artifact.db_size, *feeds ? feeds : "none",
               res.key ? ", signature verified with key " : ", signature NOT verified",
               res.key ? res.key : "");
        free(feeds);
        free(ref_clean);
    }
    rc = fflush(stdout) == 0 ? LD_EXIT_OK : LD_EXIT_ERROR;
out:
    ld_vulndb_pull_result_clear(&res);
    for (size_t i = 0; i < n_keys; i++)
        ld_key_free(keys[i]);
    free(keys);
    free(path);
    cli_registry_clear(&a.registry);
    return rc;
}
