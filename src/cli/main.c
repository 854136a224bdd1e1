/* lockdown entry point: global options and subcommand dispatch, nothing else. */
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/cmd_k8s.h"
#include "cli/cmd_registry.h"
#include "core/audit_log.h"
#include "trust/crypto.h"
#include "util/suggest.h"
#include "util/term_text.h"

typedef struct {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
} command;

static const command commands[] = {
    {"assess", cmd_assess, "assess this machine: host and, when an engine answers, the docker audit"},
    {"aws", cmd_aws, "aws scan: ECS task definitions, services and clusters, ECR, EKS (files or live)"},
    {"capture", cmd_capture, "capture CONTAINER: forensic snapshot (memory, files, state), verify, show"},
    {"controls", cmd_controls, "list the controls catalog (NIST SP 800-190, CIS Docker)"},
    {"db", cmd_db, "vulnerability database: db update, db import, db status"},
    {"docker", cmd_docker, "docker audit: the CIS Docker Benchmark on a live engine"},
    {"dockerfile", cmd_dockerfile, "dockerfile lint: USER, secrets, ADD, curl | sh, pinning, base images"},
    {"image", cmd_image, "image scan (config, secrets, vulnerabilities), image sbom (packages)"},
    {"k8s", cmd_k8s, "k8s scan, node, who-can, access: Kubernetes manifests, clusters and nodes"},
    {"key", cmd_key, "key generate: a signing key pair (cosign/sigstore formats)"},
    {"level", cmd_level, "derive the security level from an environment profile"},
    {"policy", cmd_policy, "policy check, policy show: validate or show a policy file"},
    {"registry", cmd_registry, "registry audit, scan, prune: the registry tier"},
    {"report", cmd_report, "report merge: many nodes' JSON reports as one fleet view"},
    {"version", cmd_version, "print the version; version compare ECOSYSTEM A B"},
    {"watch", cmd_watch, "watch containers at run time: eBPF events, Falco-style rules, alerts"},
    {NULL, NULL, NULL},
};

static void usage(FILE *f)
{
    fputs("Usage: lockdown <command> [<subcommand>] [options] [target]\n"
          "\n"
          "Container security across images, registries, orchestrators, containers and hosts,\n"
          "following NIST SP 800-190 and the CIS Docker Benchmark.\n"
          "\n"
          "Commands:\n",
          f);
    for (const command *c = commands; c->name; c++)
        fprintf(f, "  %-10s %s\n", c->name, c->summary);
    fputs("\n"
          "Global options:\n"
          "  -h, --help     show this help (also after any command)\n"
          "  -v, --version  print the version\n"
          "      --fips     FIPS mode: every digest, signature and TLS operation through\n"
          "                 OpenSSL's FIPS provider, or refuse to run (also LOCKDOWN_FIPS=1\n"
          "                 or the policy's fips: true); before the command: lockdown --fips CMD\n"
          "      --audit-log FILE\n"
          "                 append lockdown's own audit trail (who ran what, on which targets,\n"
          "                 what it changed) to FILE as JSON lines; anywhere on the line (also\n"
          "                 LOCKDOWN_AUDIT_LOG=FILE, or the policy's logging.audit-log)\n"
          "\n"
          "Exit codes: 0 ran and the gate passed, 1 the gate failed, 2 usage error,\n"
          "3 could not complete (bad input, unreachable engine, missing database).\n"
          "See 'man lockdown' and 'lockdown <command> --help'.\n",
          f);
}

/* The library's one abort (allocation failure, src/util/mem.h) ends the
 * program; say so in one line instead of dying silently. */
static void on_abort(int sig)
{
    static const char msg[] = "lockdown: aborted: out of memory (or an internal error)\n";
    ssize_t w = write(STDERR_FILENO, msg, sizeof(msg) - 1);
    (void)w;
    signal(sig, SIG_DFL);
    raise(sig);
}

/* LOCKDOWN_FIPS=1 (or true/yes) asks for FIPS mode as --fips does. */
static bool fips_from_env(void)
{
    const char *v = getenv("LOCKDOWN_FIPS");
    return v && (strcmp(v, "1") == 0 || strcmp(v, "true") == 0 || strcmp(v, "yes") == 0);
}

/* Takes --audit-log FILE / --audit-log=FILE out of argv (anywhere before
 * a bare "--"), so that no command sees it; *path is the last one given.
 * Returns 0, or LD_EXIT_USAGE after the usage error. */
static int take_audit_log_option(int *argc, char **argv, const char **path)
{
    int out = 1;
    bool operands = false;
    for (int i = 1; i < *argc; i++) {
        const char *a = argv[i];
        if (!operands && strcmp(a, "--") == 0)
            operands = true;
        if (!operands && strcmp(a, "--audit-log") == 0) {
            if (i + 1 >= *argc || !argv[i + 1][0]) {
                fputs("lockdown: --audit-log needs a FILE\n"
                      "Run 'lockdown --help' for the global options.\n",
                      stderr);
                return LD_EXIT_USAGE;
            }
            *path = argv[++i];
            continue;
        }
        if (!operands && strncmp(a, "--audit-log=", 12) == 0) {
            if (!a[12]) {
                fputs("lockdown: --audit-log= needs a FILE\n", stderr);
                return LD_EXIT_USAGE;
            }
            *path = a + 12;
            continue;
        }
        argv[out++] = argv[i];
    }
    argv[out] = NULL;
    *argc = out;
    return 0;
}

static int dispatch(int argc, char **argv);

/* The audit trail (core/audit_log.h) around the command: opened before
 * it runs when asked for (--audit-log, LOCKDOWN_AUDIT_LOG; the policy's
 * logging.audit-log opens it in cli_session_open), closed with its exit
 * code. A trail that cannot be written ends the run with exit 3. */
int main(int argc, char **argv)
{
    signal(SIGABRT, on_abort);
    /* a file size limit (ulimit -f) makes writes fail with EFBIG, which
     * lockdown reports (the audit trail: exit 3), instead of killing it */
    signal(SIGXFSZ, SIG_IGN);
    ld_audit_begin(argc, argv);
    const char *audit_path = NULL;
    int rc = take_audit_log_option(&argc, argv, &audit_path);
    if (rc)
        return rc;
    if (!audit_path) {
        const char *env = getenv("LOCKDOWN_AUDIT_LOG");
        if (env && env[0])
            audit_path = env;
    }
    ld_error err = LD_ERROR_INIT;
    if (audit_path && ld_audit_open(audit_path, 0, NULL, &err) < 0)
        return cli_error_exit(&err);
    rc = dispatch(argc, argv);
    if (ld_audit_enabled() && ld_audit_close(rc, &err) < 0)
        return cli_error_exit(&err);
    return rc;
}

static int dispatch(int argc, char **argv)
{
    bool fips = fips_from_env();
    if (argc >= 2 && strcmp(argv[1], "--fips") == 0) {
        fips = true;
        argc--;
        argv++;
        argv[0] = argv[-1]; /* the program name stays first */
    }
    if (argc < 2) {
        usage(stderr);
        return LD_EXIT_USAGE;
    }
    const char *name = argv[1];
    if (strcmp(name, "-h") == 0 || strcmp(name, "--help") == 0 || strcmp(name, "help") == 0) {
        usage(stdout);
        return LD_EXIT_OK;
    }
    if (strcmp(name, "-v") == 0 || strcmp(name, "--version") == 0) {
        printf("lockdown %s\n", LOCKDOWN_VERSION);
        return LD_EXIT_OK;
    }
    for (const command *c = commands; c->name; c++) {
        if (strcmp(c->name, name) != 0)
            continue;
        if (fips) {
            /* before any crypto or TLS: the default library context changes */
            ld_error err = LD_ERROR_INIT;
            if (ld_crypto_fips_enable(&err) < 0)
                return cli_error_exit(&err); /* one line, exit 3 */
        }
        return c->run(argc - 1, argv + 1);
    }
    const char *names[sizeof(commands) / sizeof(commands[0])];
    size_t n = 0;
    for (const command *c = commands; c->name; c++)
        names[n++] = c->name;
    const char *near = ld_suggest(name, names, (long)n);
    char *shown = ld_term_clean(name); /* what the user typed can hold escapes */
    if (near)
        fprintf(stderr, "lockdown: unknown command \"%s\"; did you mean \"%s\"?\n", shown, near);
    else
        fprintf(stderr, "lockdown: unknown command \"%s\"\n", shown);
    free(shown);
    fputs("Run 'lockdown --help' for the list.\n", stderr);
    return LD_EXIT_USAGE;
}
