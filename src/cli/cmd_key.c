/* `lockdown key generate PREFIX` and `lockdown key show FILE`: a signing
 * key pair in the formats cosign and containers/image read, and what a key
 * file holds. Keys, formats and file writing live in src/trust (keys.h);
 * this file parses arguments, gets the password and prints. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "cli/cli.h"
#include "cli/cmd_registry.h"
#include "cli/key_password.h"
#include "core/audit_log.h"
#include "trust/crypto.h"
#include "trust/keys.h"
#include "util/input_file.h"
#include "util/mem.h"
#include "util/term_text.h"

static void usage_key(FILE *f)
{
    fputs("Usage: lockdown key generate PREFIX [--pkcs8] [--force]\n"
          "       lockdown key show FILE\n"
          "\n"
          "Signing keys for image signatures (ECDSA P-256), in the formats cosign, skopeo\n"
          "and podman read.\n"
          "\n"
          "Subcommands:\n"
          "  generate   write PREFIX.key (encrypted private key) and PREFIX.pub (public key)\n"
          "  show       print a key file's kind, algorithm and fingerprint\n"
          "\n"
          "Run 'lockdown key generate --help' or 'lockdown key show --help' for details.\n",
          f);
}

static void usage_generate(FILE *f)
{
    fputs("Usage: lockdown key generate PREFIX [--pkcs8] [--force]\n"
          "\n"
          "Generates an ECDSA P-256 key pair and writes:\n"
          "  PREFIX.key  the private key, mode 0600, encrypted with a password: the sigstore\n"
          "              format (scrypt + NaCl secretbox, what `cosign generate-key-pair`\n"
          "              writes and `skopeo --sign-by-sigstore-private-key` reads), or PKCS#8\n"
          "              PBES2 (PBKDF2-HMAC-SHA256, AES-256-CBC) with --pkcs8 or in FIPS mode\n"
          "  PREFIX.pub  the public key (PEM SubjectPublicKeyInfo), mode 0644: the keyPath of\n"
          "              a containers-policy.json sigstoreSigned rule, cosign verify --key\n"
          "The fingerprint (sha256 of the public key) and the paths are printed on stderr.\n"
          "\n"
          "The password comes from LOCKDOWN_KEY_PASSWORD, else it is asked twice on the\n"
          "terminal. Existing files are never overwritten without --force, and never written\n"
          "through a symbolic link.\n"
          "\n"
          "Options:\n"
          "      --pkcs8   write PKCS#8 PBES2 instead of the sigstore format\n"
          "      --force   replace existing PREFIX.key and PREFIX.pub (regular files only)\n"
          "  -h, --help    show this help\n"
          "\n"
          "Exit codes: 0 written, 2 usage error (also: no password source), 3 not written.\n",
          f);
}

static void usage_show(FILE *f)
{
    fputs("Usage: lockdown key show FILE\n"
          "\n"
          "Prints what a key file holds: its kind (public key, sigstore or PKCS#8 private\n"
          "key), algorithm and fingerprint (sha256 of the public key, the name lockdown's\n"
          "reports give a key). An encrypted private key is opened to check the password\n"
          "(LOCKDOWN_KEY_PASSWORD, else asked on the terminal).\n"
          "\n"
          "  -h, --help   show this help\n"
          "\n"
          "Exit codes: 0 shown, 2 usage error, 3 the file could not be read or opened.\n",
          f);
}

/* Parses "[--pkcs8] [--force] [-h] ARG" (generate) or "[-h] ARG" (show). */
static int parse(const char *cmd, int argc, char **argv, bool generate, bool *pkcs8, bool *force,
                 const char **arg, void (*usage)(FILE *))
{
    enum { OPT_PKCS8 = 0x1000, OPT_FORCE };
    static const struct option gen_opts[] = {{"pkcs8", no_argument, NULL, OPT_PKCS8},
                                             {"force", no_argument, NULL, OPT_FORCE},
                                             {"help", no_argument, NULL, 'h'},
                                             {NULL, 0, NULL, 0}};
    static const struct option show_opts[] = {{"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
    optind = 1;
    opterr = 0;
    for (;;) {
        int opt = getopt_long(argc, argv, ":h", generate ? gen_opts : show_opts, NULL);
        if (opt == -1)
            break;
        switch (opt) {
        case 'h': usage(stdout); return -1;
        case OPT_PKCS8: *pkcs8 = true; break;
        case OPT_FORCE: *force = true; break;
        default: return cli_usage_error(cmd, "unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind >= argc)
        return cli_usage_error(cmd, "missing %s", generate ? "PREFIX" : "FILE");
    if (optind + 1 < argc)
        return cli_usage_error(cmd, "one %s only (\"%s\" is extra)", generate ? "PREFIX" : "FILE",
                               argv[optind + 1]);
    *arg = argv[optind];
    ld_audit_command(cmd); /* the audit trail's command and target */
    ld_audit_target(*arg);
    return 0;
}

/* The audit trail's records of a key pair written (core/audit_log.h): one
 * per file, or the failure. A record that cannot be written ends the run
 * with exit 3 (main). */
static void audit_key_files(const char *prefix, const char *key_path, const char *pub_path,
                            const ld_key *key, bool pkcs8, const ld_error *failed)
{
    if (!ld_audit_enabled())
        return;
    ld_error err = LD_ERROR_INIT;
    if (failed) {
        (void)ld_audit_action("key.generate", prefix, false, failed->msg, &err);
        return;
    }
    char *detail = ld_xasprintf("private key (%s, mode 0600), fingerprint %s",
                                pkcs8 ? "PKCS#8 PBES2 encrypted" : "sigstore encrypted",
                                ld_key_fingerprint(key));
    (void)ld_audit_action("key.generate", key_path, true, detail, &err);
    free(detail);
    detail = ld_xasprintf("public key, fingerprint %s", ld_key_fingerprint(key));
    (void)ld_audit_action("key.generate", pub_path, true, detail, &err);
    free(detail);
}

static int key_generate(int argc, char **argv)
{
    const char *cmd = "key generate";
    bool pkcs8 = false, force = false;
    const char *prefix = NULL;
    int rc = parse(cmd, argc, argv, true, &pkcs8, &force, &prefix, usage_generate);
    if (rc)
        return rc < 0 ? LD_EXIT_OK : rc;
    ld_error err = LD_ERROR_INIT;
    if (ld_key_pair_check(prefix, force, &err) < 0)
        return cli_error_exit(&err);
    bool fips = ld_crypto_fips();
    if (fips && !pkcs8)
        fputs("lockdown: FIPS mode: writing the private key as PKCS#8 PBES2 (the sigstore format "
              "is not FIPS-approved)\n",
              stderr);
    pkcs8 = pkcs8 || fips;

    char *what = ld_xasprintf("new key %s.key", prefix);
    char *password = NULL;
    rc = cli_key_password(what, true, &password, &err);
    free(what);
    if (rc < 0) {
        cli_error(&err);
        return LD_EXIT_USAGE;
    }
    if (!password[0]) {
        cli_key_password_free(password);
        return cli_usage_error(cmd, "the password is empty: anyone with a copy of the key file "
                                    "could sign with it; choose a password");
    }
    ld_key *key = ld_key_generate(&err);
    char *priv = NULL, *pub = NULL, *key_path = NULL, *pub_path = NULL;
    rc = LD_EXIT_ERROR;
    if (!key)
        goto fail;
    priv = pkcs8 ? ld_key_private_pkcs8_pem(key, password, &err)
                 : ld_key_private_sigstore_pem(key, password, &err);
    if (!priv || !(pub = ld_key_public_pem(key, &err)) ||
        ld_key_write_pair(prefix, priv, pub, force, &key_path, &pub_path, &err) < 0)
        goto fail;
    audit_key_files(prefix, key_path, pub_path, key, pkcs8, NULL);
    char *shown_key = ld_term_clean(key_path), *shown_pub = ld_term_clean(pub_path);
    fprintf(stderr, "lockdown: private key: %s (%s, mode 0600)\n", shown_key,
            pkcs8 ? "PKCS#8 PBES2 encrypted" : "sigstore encrypted");
    fprintf(stderr, "lockdown: public key:  %s\n", shown_pub);
    fprintf(stderr, "lockdown: fingerprint: %s\n", ld_key_fingerprint(key));
    free(shown_key);
    free(shown_pub);
    rc = LD_EXIT_OK;
    goto out;
fail:
    audit_key_files(prefix, NULL, NULL, NULL, pkcs8, &err);
    cli_error(&err);
out:
    cli_key_password_free(password);
    cli_key_password_free(priv); /* encrypted, but not left in memory either */
    free(pub);
    free(key_path);
    free(pub_path);
    ld_key_free(key);
    return rc;
}

static int key_show(int argc, char **argv)
{
    const char *cmd = "key show";
    bool unused_a = false, unused_b = false;
    const char *path = NULL;
    int rc = parse(cmd, argc, argv, false, &unused_a, &unused_b, &path, usage_show);
    if (rc)
        return rc < 0 ? LD_EXIT_OK : rc;
    ld_error err = LD_ERROR_INIT;
    char *text = NULL;
    size_t len = 0;
    if (ld_input_read(path, "key file", LD_KEY_MAX_FILE_BYTES, &text, &len, &err) < 0)
        return cli_error_exit(&err);
    ld_key_pem_kind kind = ld_key_pem_classify(text, len);
    char *password = NULL;
    ld_key *key = NULL;
    rc = LD_EXIT_ERROR;
    if (kind == LD_KEY_PEM_SIGSTORE || kind == LD_KEY_PEM_PKCS8_ENCRYPTED) {
        if (cli_key_password(path, false, &password, &err) < 0) {
            cli_error(&err);
            rc = LD_EXIT_USAGE;
            goto out;
        }
    }
    key = kind == LD_KEY_PEM_PUBLIC ? ld_key_load_public(path, text, len, &err)
                                    : ld_key_load_private(path, text, len, password, &err);
    if (!key) {
        cli_error(&err);
        goto out;
    }
    char *shown = ld_term_clean(path);
    printf("file:        %s\n"
           "kind:        %s\n"
           "algorithm:   %s\n"
           "fingerprint: %s\n",
           shown, ld_key_pem_kind_name(kind), ld_key_algorithm(key), ld_key_fingerprint(key));
    free(shown);
    rc = LD_EXIT_OK;
out:
    ld_key_free(key);
    cli_key_password_free(password);
    OPENSSL_cleanse(text, len); /* an unencrypted private key is a secret */
    free(text);
    return rc;
}

int cmd_key(int argc, char **argv)
{
    if (argc < 2) {
        usage_key(stderr);
        return LD_EXIT_USAGE;
    }
    const char *sub = argv[1];
    if (strcmp(sub, "-h") == 0 || strcmp(sub, "--help") == 0 || strcmp(sub, "help") == 0) {
        usage_key(stdout);
        return LD_EXIT_OK;
    }
    if (strcmp(sub, "generate") == 0)
        return key_generate(argc - 1, argv + 1);
    if (strcmp(sub, "show") == 0)
        return key_show(argc - 1, argv + 1);
    static const char *const names[] = {"generate", "show", NULL};
    return cli_unknown_subcommand("key", sub, names);
}
