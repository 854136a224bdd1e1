/* `lockdown image sign` and `lockdown image verify`: wiring of the
 * library's signing and verification (trust/verify.h) to the command
 * line. sign reads the private key (its password from
 * LOCKDOWN_KEY_PASSWORD or the terminal) and prints the signed digest;
 * verify is a reporting command with one finding, image.signature, whose
 * evidence says what was seen (the state, the reason, the key, the signed
 * identity, the policy scope). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/cmd_registry.h"
#include "cli/key_password.h"
#include "cli/registry_opts.h"
#include "core/audit_log.h"
#include "trust/containers_policy.h"
#include "trust/keys.h"
#include "trust/verify.h"
#include "util/input_file.h"
#include "util/mem.h"

#define MAX_KEYS 32
#define MAX_ANNOTATIONS 64

enum {
    OPT_KEY = 0x6000,
    OPT_IDENTITY,
    OPT_ANNOTATION,
    OPT_CONTAINERS_POLICY,
    OPT_REGISTRIES_D,
};

/* ---- the private key -------------------------------------------------------------- */

/* ---- image sign ------------------------------------------------------------------ */

typedef struct {
    const char *key;
    const char *identity;
    const char *annotations[2 * MAX_ANNOTATIONS];
    char *annotation_copies[MAX_ANNOTATIONS];
    size_t n_annotations;
    cli_registry_args registry;
} sign_args;

static const struct option sign_opts[] = {
    {"key", required_argument, NULL, OPT_KEY},
    {"identity", required_argument, NULL, OPT_IDENTITY},
    {"annotation", required_argument, NULL, 'a'},
    CLI_REGISTRY_OPTIONS,
    {0},
};

static int on_sign_opt(int opt, const char *arg, void *ctx)
{
    sign_args *a = ctx;
    switch (opt) {
    case OPT_KEY:
        if (a->key) {
            cli_usage_error("image sign", "--key given twice: one private key signs");
            return -1;
        }
        a->key = arg;
        return 0;
    case OPT_IDENTITY: a->identity = arg; return 0;
    case 'a': {
        const char *eq = strchr(arg, '=');
        if (!eq || eq == arg) {
            cli_usage_error("image sign", "-a takes KEY=VALUE, not \"%s\"", arg);
            return -1;
        }
        if (a->n_annotations == MAX_ANNOTATIONS) {
            cli_usage_error("image sign", "at most %d annotations", MAX_ANNOTATIONS);
            return -1;
        }
        char *copy = ld_xstrdup(arg);
        copy[eq - arg] = '\0';
        bool taken = strcmp(copy, "creator") == 0 || strcmp(copy, "timestamp") == 0;
        for (size_t i = 0; i < a->n_annotations && !taken; i++)
            taken = strcmp(a->annotations[2 * i], copy) == 0;
        if (taken) {
            cli_usage_error("image sign",
                            "-a %s: given twice, or a key the payload gives a meaning of its own "
                            "(creator, timestamp)",
                            copy);
            free(copy);
            return -1;
        }
        a->annotation_copies[a->n_annotations] = copy;
        a->annotations[2 * a->n_annotations] = copy;
        a->annotations[2 * a->n_annotations + 1] = copy + (eq - arg) + 1;
        a->n_annotations++;
        return 0;
    }
    default: return cli_registry_option("image sign", &a->registry, opt, arg);
    }
}

static void usage_sign(void)
{
    printf("Usage: lockdown image sign REF --key KEY [options]\n"
           "\n"
           "Signs the image REF names in its registry the way cosign does: REF is resolved to\n"
           "its manifest digest, a simple-signing payload naming that digest and REF is signed\n"
           "with KEY (ECDSA P-256), and the signature is added to the signature image at the\n"
           "tag sha256-<digest>.sig of the same repository (signatures already there are\n"
           "kept). Prints the signed digest. cosign, podman, skopeo and CRI-O read it\n"
           "(containers-registries.d: use-sigstore-attachments: true).\n"
           "\n"
           "Options:\n"
           "      --key FILE             private key from 'lockdown key generate' (or cosign's);\n"
           "                             its password from LOCKDOWN_KEY_PASSWORD, else asked on\n"
           "                             the terminal\n"
           "      --identity REF         the docker-reference to sign for (default: REF as given,\n"
           "                             with its tag; a repository alone signs for any tag)\n"
           "  -a, --annotation KEY=VALUE\n"
           "                             add KEY=VALUE to the payload's optional section\n"
           "                             (repeatable)\n"
           "  -q, --quiet                print only the digest\n"
           "%s"
           "\n"
           "Exit codes: 0 signed, 2 usage error, 3 the key or the registry failed.\n",
           cli_registry_help);
}

/* The audit trail's record of a signature (core/audit_log.h): the image
 * signed and the signature tag written (cosign's sha256-<hex>.sig), or the
 * failure. A record that cannot be written ends the run with exit 3 (main). */
static void audit_signature(const char *ref, const char *digest, const ld_key *key,
                            const ld_error *failed)
{
    if (!ld_audit_enabled())
        return;
    ld_error err = LD_ERROR_INIT;
    if (failed) {
        (void)ld_audit_action("image.sign", ref, false, failed->msg, &err);
        return;
    }
    char *object = ld_xasprintf("%s@%s", ref, digest ? digest : "?");
    const char *hex = digest && strncmp(digest, "sha256:", 7) == 0 ? digest + 7 : NULL;
    char *detail = hex ? ld_xasprintf("signature sha256-%s.sig written, key %s", hex,
                                      ld_key_fingerprint(key))
                       : ld_xasprintf("signature written, key %s", ld_key_fingerprint(key));
    (void)ld_audit_action("image.sign", object, true, detail, &err);
    free(object);
    free(detail);
}

int cmd_image_sign(int argc, char **argv)
{
    cli_common common = {0};
    sign_args a = {0};
    int first = 0;
    int rc = cli_parse("image sign", argc, argv, sign_opts, "a:", on_sign_opt, &a, &common, &first);
    ld_key *key = NULL;
    char *digest = NULL;
    if (rc)
        goto out;
    if (common.help) {
        usage_sign();
        goto out;
    }
    if (common.format || common.output || common.level || common.policy || common.fail_on ||
        common.n_check || common.n_exclude || common.allow_incomplete) {
        rc = cli_usage_error("image sign", "image sign writes no report: the report options "
                                           "(--format, --output, --policy, ...) do not apply");
        goto out;
    }
    if (first >= argc) {
        rc = cli_usage_error("image sign", "missing REF (the image to sign, e.g. "
                                           "registry.example.com/app:1.0)");
        goto out;
    }
    if (argc - first > 1) {
        rc = cli_usage_error("image sign", "one REF expected, got \"%s\" and \"%s\"", argv[first],
                             argv[first + 1]);
        goto out;
    }
    if (!a.key) {
        rc = cli_usage_error("image sign", "missing --key FILE (a private key: 'lockdown key "
                                           "generate PREFIX' makes one)");
        goto out;
    }
    if ((rc = cli_registry_finish("image sign", &a.registry)) != 0)
        goto out;
    const char *ref = argv[first];
    ld_reg_ref parsed;
    ld_error perr = LD_ERROR_INIT;
    if (ld_reg_ref_parse(ref, &parsed, &perr) < 0) { /* before asking for a password */
        rc = cli_usage_error("image sign", "%s", perr.msg);
        goto out;
    }
    ld_reg_ref_clear(&parsed);
    key = cli_load_signing_key(a.key, &rc);
    if (!key)
        goto out;
    ld_reg_options reg = cli_registry_client_options(&a.registry);
    ld_sign_options so = {.key = key,
                          .registry = &reg,
                          .identity = a.identity,
                          .annotations = a.n_annotations ? a.annotations : NULL,
                          .n_annotations = a.n_annotations};
    ld_error err = LD_ERROR_INIT;
    int sign_rc = ld_trust_sign_image(ref, &so, &digest, &err);
    audit_signature(ref, digest, key, sign_rc < 0 ? &err : NULL);
    if (sign_rc < 0) {
        rc = err.code == LD_ERR_INVALID && strstr(err.msg, "--identity")
                 ? cli_usage_error("image sign", "%s", err.msg)
                 : cli_error_exit(&err);
        goto out;
    }
    printf("%s\n", digest);
    if (!common.quiet)
        fprintf(stderr, "lockdown: signed %s (%s) with key %s\n", ref, digest,
                ld_key_fingerprint(key));
    rc = fflush(stdout) == 0 ? LD_EXIT_OK : LD_EXIT_ERROR;
out:
    free(digest);
    ld_key_free(key);
    for (size_t i = 0; i < a.n_annotations; i++)
        free(a.annotation_copies[i]);
    cli_registry_clear(&a.registry);
    return rc;
}

/* ---- image verify ---------------------------------------------------------------- */

typedef struct {
    const char *keys[MAX_KEYS];
    size_t n_keys;
    const char *containers_policy;
    const char *registries_d;
    cli_registry_args registry;
} verify_args;

static const struct option verify_opts[] = {
    {"key", required_argument, NULL, OPT_KEY},
    {"containers-policy", required_argument, NULL, OPT_CONTAINERS_POLICY},
    {"registries-d", required_argument, NULL, OPT_REGISTRIES_D},
    CLI_REGISTRY_OPTIONS,
    {0},
};

static int on_verify_opt(int opt, const char *arg, void *ctx)
{
    verify_args *a = ctx;
    switch (opt) {
    case OPT_KEY:
        if (a->n_keys == MAX_KEYS) {
            cli_usage_error("image verify", "at most %d --key options", MAX_KEYS);
            return -1;
        }
        a->keys[a->n_keys++] = arg;
        return 0;
    case OPT_CONTAINERS_POLICY: a->containers_policy = arg; return 0;
    case OPT_REGISTRIES_D: a->registries_d = arg; return 0;
    default: return cli_registry_option("image verify", &a->registry, opt, arg);
    }
}

static void usage_verify(void)
{
    printf("Usage: lockdown image verify REF [--key PUB]... [options]\n"
           "       lockdown image verify REF --policy policy.json [options]\n"
           "\n"
           "Verifies the signatures of the image REF names in its registry: the cosign\n"
           "signatures at the tag sha256-<digest>.sig (cosign, skopeo, podman and lockdown\n"
           "make them) and, with keys, Sigstore bundles among the image's OCI referrers. A\n"
           "signature counts when it verifies with a trusted key, its payload names the\n"
           "image's current manifest digest and its identity is the image's repository\n"
           "(with --key) or passes the policy's signedIdentity (with a containers-policy.json).\n"
           "\n"
           "Trusted keys, in this order: --key PUB (repeatable: any one verifying suffices);\n"
           "a containers-policy.json (--policy FILE.json or --containers-policy FILE), read as\n"
           "podman and skopeo read it: the most specific scope for REF applies and every\n"
           "requirement in it must hold; else the trusted-keys of lockdown's policy.\n"
           "\n"
           "Options:\n"
           "      --key FILE             a trusted public key (PEM; repeatable)\n"
           "      --containers-policy FILE\n"
           "                             a containers-policy.json; --policy FILE means the same\n"
           "                             when FILE holds a JSON object\n"
           "      --registries-d DIR     containers-registries.d directory for the policy's\n"
           "                             use-sigstore-attachments (default\n"
           "                             /etc/containers/registries.d)\n"
           "%s"
           "\n"
           "%s"
           "\n"
           "States: verified; unsigned; invalid (signatures exist, none holds: wrong key,\n"
           "altered manifest or signature, identity refused, the policy rejects); accepted\n"
           "without signature (the policy's scope is insecureAcceptAnything: not a\n"
           "verification, and failed here); not assessed (the registry could not be asked,\n"
           "keyless, GPG or Rekor requirements lockdown does not check). Anything but\n"
           "verified fails the gate at every level (--fail-on defaults to info here; the\n"
           "policy's exceptions apply).\n"
           "\n"
           "Exit codes: 0 verified, 1 gate failed (unsigned, invalid, accepted without\n"
           "signature), 2 usage error, 3 could not complete (not assessed: the gate fails\n"
           "closed).\n",
           cli_registry_help, cli_common_help);
}

/* Whether the file at path holds a JSON object (a containers-policy.json
 * rather than lockdown's YAML policy): its first non-blank byte is '{'. */
static bool looks_like_json_object(const char *path)
{
    ld_error err = LD_ERROR_INIT;
    int fd = ld_input_open(path, "policy", NULL, &err);
    if (fd < 0)
        return false;
    char buf[512];
    ssize_t n;
    do
        n = read(fd, buf, sizeof(buf));
    while (n < 0 && errno == EINTR);
    close(fd);
    size_t i = 0;
    if (n >= 3 && (unsigned char)buf[0] == 0xEF && (unsigned char)buf[1] == 0xBB &&
        (unsigned char)buf[2] == 0xBF)
        i = 3; /* a UTF-8 byte order mark */
    for (; n > 0 && i < (size_t)n; i++)
        if (buf[i] != ' ' && buf[i] != '\t' && buf[i] != '\r' && buf[i] != '\n')
            return buf[i] == '{';
    return false;
}

static ld_status status_of(ld_sig_state s)
{
    switch (s) {
    case LD_SIG_VERIFIED: return LD_STATUS_PASS;
    case LD_SIG_NOT_ASSESSED: return LD_STATUS_ERROR;
    case LD_SIG_UNSIGNED:
    case LD_SIG_INVALID:
    case LD_SIG_ACCEPTED: break;
    }
    return LD_STATUS_FAIL;
}

/* The finding's evidence: state, reason, key, identity, scope. */
static char *evidence_of(const ld_sig_result *res)
{
    char *s = ld_xasprintf("%s: %s", ld_sig_state_name(res->state), res->reason ? res->reason : "");
    if (res->key) {
        char *t = ld_xasprintf("%s; key %s", s, res->key);
        free(s);
        s = t;
    }
    if (res->signed_identity) {
        char *t = ld_xasprintf("%s; signed identity %s", s, res->signed_identity);
        free(s);
        s = t;
    }
    if (res->policy_scope) {
        char *t = ld_xasprintf("%s; containers-policy scope \"%s\"", s, res->policy_scope);
        free(s);
        s = t;
    }
    return s;
}

/* The keys of --key, read; NULL after printing the error (*rc). */
static ld_key **read_keys(const verify_args *a, int *rc)
{
    ld_key **keys = ld_xcalloc(a->n_keys, sizeof(*keys));
    for (size_t i = 0; i < a->n_keys; i++) {
        ld_error err = LD_ERROR_INIT;
        keys[i] = ld_key_read_file(a->keys[i], false, NULL, &err);
        if (!keys[i]) {
            *rc = cli_error_exit(&err);
            for (size_t j = 0; j < i; j++)
                ld_key_free(keys[j]);
            free(keys);
            return NULL;
        }
    }
    return keys;
}

int cmd_image_verify(int argc, char **argv)
{
    cli_common common = {0};
    verify_args a = {0};
    int first = 0;
    int rc =
        cli_parse("image verify", argc, argv, verify_opts, "", on_verify_opt, &a, &common, &first);
    bool session = false, have_cpol = false;
    cli_session s;
    ld_cpol cpol = {0};
    ld_key **keys = NULL;
    size_t n_keys = 0;
    ld_findings *r = NULL;
    ld_sig_result res = {0};
    char *scope = NULL, *evidence = NULL;
    ld_error err = LD_ERROR_INIT;
    if (rc)
        goto out;
    if (common.help) {
        usage_verify();
        goto out;
    }
    if (first >= argc) {
        rc = cli_usage_error("image verify", "missing REF (the image to verify, e.g. "
                                             "registry.example.com/app:1.0)");
        goto out;
    }
    if (argc - first > 1) {
        rc = cli_usage_error("image verify", "one REF expected, got \"%s\" and \"%s\"", argv[first],
                             argv[first + 1]);
        goto out;
    }
    const char *ref = argv[first];
    /* --policy FILE.json: the containers-policy.json; lockdown's own
     * policy is YAML and can never be a JSON object with a "default" */
    if (common.policy && !a.containers_policy && looks_like_json_object(common.policy)) {
        a.containers_policy = common.policy;
        common.policy = NULL;
    }
    if (a.containers_policy && a.n_keys) {
        rc = cli_usage_error("image verify",
                             "--key and a containers-policy.json are two ways to say what to "
                             "trust: give one (the policy names its keys in keyPath/keyData)");
        goto out;
    }
    if ((rc = cli_registry_finish("image verify", &a.registry)) != 0)
        goto out;
    /* a signature that does not verify fails this command's gate at every
     * level (image.signature serves a control of level high only): the
     * policy's exceptions still apply, --fail-on SEV|none overrides */
    if (!common.fail_on)
        common.fail_on = "info";
    rc = cli_session_open(&s, "image verify", &common);
    session = true;
    if (rc)
        goto out;

    const char *trust_words = NULL;
    char *trust_owned = NULL;
    if (a.containers_policy) {
        if (ld_cpol_load(a.containers_policy, &cpol, &err) < 0) {
            rc = cli_error_exit(&err);
            goto out;
        }
        have_cpol = true;
        trust_owned = ld_xasprintf("containers-policy.json %s", a.containers_policy);
    } else if (a.n_keys) {
        if (!(keys = read_keys(&a, &rc)))
            goto out;
        n_keys = a.n_keys;
        trust_words = n_keys == 1 ? "the key of --key" : "the keys of --key";
    } else {
        if (ld_trust_policy_keys(s.policy, &keys, &n_keys, &err) < 0) {
            rc = cli_error_exit(&err);
            goto out;
        }
        if (n_keys == 0) {
            rc = cli_usage_error("image verify",
                                 "no trusted key: give --key PUB, a containers-policy.json "
                                 "(--policy policy.json), or list trusted-keys in lockdown's "
                                 "policy (--policy lockdown.yaml)");
            goto out;
        }
        trust_owned = ld_xasprintf("the trusted-keys of policy %s", s.policy->path);
    }
    ld_reg_options reg = cli_registry_client_options(&a.registry);
    ld_verify_options vo = {.keys = keys,
                            .n_keys = n_keys,
                            .policy = have_cpol ? &cpol : NULL,
                            .registries_d = a.registries_d,
                            .registry = &reg};
    cli_progress(&s, "verifying %s", ref);
    if (ld_trust_verify_image(ref, &vo, &res, &err) < 0) {
        free(trust_owned);
        rc = cli_usage_error("image verify", "%s", err.msg);
        goto out;
    }
    scope = ld_xasprintf("image %s (signatures, checked with %s)", ref,
                         trust_owned ? trust_owned : trust_words);
    free(trust_owned);
    r = cli_session_findings(&s);
    ld_findings_scope(r, LD_SCOPE_OWED, "image.signature", NULL);
    evidence = evidence_of(&res);
    if (ld_findings_check(r, "image.signature", status_of(res.state), LD_TARGET_IMAGE,
                          res.manifest_digest ? res.manifest_digest : res.reference, ref, &err,
                          "%s", evidence) < 0) {
        rc = cli_error_exit(&err);
        goto out;
    }
    rc = cli_session_finish(&s, r, "image verify", scope);
    /* a verification that could not be made is "could not complete",
     * whatever the gate made of the not-assessed finding (its control is
     * required at level high only) */
    if (res.state == LD_SIG_NOT_ASSESSED && rc != LD_EXIT_ERROR) {
        ld_error why = LD_ERROR_INIT;
        ld_error_set(&why, LD_ERR_UNREACHABLE, "%s: signatures not assessed: %s", ref,
                     res.reason ? res.reason : "");
        cli_error(&why);
        rc = LD_EXIT_ERROR;
    }
out:
    ld_findings_free(r);
    free(scope);
    free(evidence);
    ld_sig_result_clear(&res);
    for (size_t i = 0; i < n_keys; i++)
        ld_key_free(keys[i]);
    free(keys);
    if (have_cpol)
        ld_cpol_clear(&cpol);
    if (session)
        cli_session_close(&s);
    cli_registry_clear(&a.registry);
    return rc;
}
