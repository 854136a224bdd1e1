/* `lockdown registry audit URL [--config config.yml] [--htpasswd FILE]`:
 * a registry seen from outside (TLS, certificate, TLS versions, plain
 * HTTP, anonymous pull/push/catalog, v1 and delete APIs) and, when given,
 * its own config.yml and htpasswd file, reported against the controls
 * catalog. Only wiring: the checks are src/registry/audit*.c.
 *
 * A registry where nothing accepts a connection, a --config or --htpasswd
 * that cannot be read, or a --config that is not a registry configuration
 * is exit 3: the user named them, so a report without them would mislead.
 * The htpasswd file the config names (not named by the user) that cannot
 * be read only makes its checks not assessed. */
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"
#include "cli/cmd_registry.h"
#include "cli/registry_opts.h"
#include "registry/audit.h"
#include "util/cleanup.h"
#include "util/mem.h"

#define CMD "registry audit"

typedef struct {
    cli_registry_args reg;
    const char *config;
    const char *htpasswd;
} audit_args;

enum { OPT_CONFIG = 0x5100, OPT_HTPASSWD };

static const struct option audit_opts[] = {
    CLI_REGISTRY_OPTIONS,
    {"config", required_argument, NULL, OPT_CONFIG},
    {"htpasswd", required_argument, NULL, OPT_HTPASSWD},
    {NULL, 0, NULL, 0},
};

static int on_opt(int opt, const char *arg, void *ctx)
{
    audit_args *a = ctx;
    switch (opt) {
    case OPT_CONFIG:
        if (!*arg) {
            cli_usage_error(CMD, "--config needs a file name");
            return -1;
        }
        a->config = arg;
        return 0;
    case OPT_HTPASSWD:
        if (!*arg) {
            cli_usage_error(CMD, "--htpasswd needs a file name");
            return -1;
        }
        a->htpasswd = arg;
        return 0;
    default: return cli_registry_option(CMD, &a->reg, opt, arg);
    }
}

static void usage(void)
{
    printf("Usage: lockdown registry audit URL [--config config.yml] [--htpasswd FILE] "
           "[options]\n"
           "\n"
           "Audits a container registry (NIST SP 800-190 4.2: REG-01 encrypted channels,\n"
           "REG-04 authenticated access, REG-05 audited writes).\n"
           "\n"
           "From outside, at URL (https://HOST[:PORT] or HOST[:PORT]; http://HOST[:PORT] is\n"
           "audited as the plain-HTTP registry it says it is):\n"
           "  registry.tls                TLS with a certificate that verifies (--cacert, else\n"
           "                              /etc/docker/certs.d/HOST/*.crt and the system's),\n"
           "                              and no registry API over plain HTTP on that port\n"
           "  registry.tls-version        a handshake offering only TLS 1.0/1.1 is refused\n"
           "  registry.certificate        not expired, not expiring within 30 days, names the\n"
           "                              host, key and signature of at least 112-bit strength\n"
           "  registry.auth-required      anonymous pull (GET /v2/, HEAD of a manifest), push\n"
           "                              (POST of a blob upload, cancelled if opened) and\n"
           "                              catalog are refused; on a token registry an\n"
           "                              anonymous token is asked for, as docker pull does\n"
           "  registry.v1-api             /v1/_ping and /v1/search do not answer\n"
           "  registry.delete-api         DELETE of a made-up manifest digest: 405 means\n"
           "                              deletes are off; needs credentials on a registry\n"
           "                              that refuses anonymous clients\n"
           "  registry.insecure-transport clients need not name it insecure\n"
           "A refused probe is tried once more with a made-up token: a registry that lets it\n"
           "in checks no credential at all (distribution's auth: silly).\n"
           "Every probe is anonymous except listing one repository of the catalog and the\n"
           "DELETE of a made-up digest, which use your credentials where lockdown would send\n"
           "them anyway (verified TLS, or a host named with --insecure-registry).\n"
           "\n"
           "From its files (read here; URL may then be left out):\n"
           "      --config FILE          distribution's config.yml: registry.config.auth, .tls,\n"
           "                             .notifications, .storage-delete, .log-level,\n"
           "                             .http-secret\n"
           "      --htpasswd FILE        the htpasswd file (default: the config's\n"
           "                             auth.htpasswd.path): registry.htpasswd.mode (at most\n"
           "                             0640, owned by root or the registry's user) and\n"
           "                             registry.htpasswd.bcrypt (bcrypt of cost >= 10)\n"
           "\n"
           "Registry options:\n"
           "%s"
           "\n"
           "%s"
           "\n"
           "Exit codes: 0 gate passed, 1 gate failed, 2 usage error, 3 could not complete\n"
           "(nothing answers at URL, a --config or --htpasswd that cannot be read, a write\n"
           "error).\n",
           cli_registry_help, cli_common_help);
}

/* The htpasswd path the config names, relative paths taken from the
 * config's directory (distribution resolves them from its working
 * directory, which is not known here). */
static char *config_htpasswd(const char *config, const ld_reg_config *c)
{
    if (!c->htpasswd_path || !*c->htpasswd_path)
        return NULL;
    if (c->htpasswd_path[0] == '/')
        return ld_xstrdup(c->htpasswd_path);
    ld_autofree char *copy = ld_xstrdup(config);
    return ld_xasprintf("%s/%s", dirname(copy), c->htpasswd_path);
}

static int run(cli_session *s, audit_args *a, const ld_reg_address *addr)
{
    ld_error err = LD_ERROR_INIT;
    ld_findings *r = cli_session_findings(s);
    ld_strlist scope = {0};
    ld_reg_config cfg = {0};
    ld_autofree char *htpasswd = NULL;
    ld_autofree char *line = NULL; /* before any goto out: freed there */
    int rc = 0;
    if (addr->name) {
        ld_reg_audit_scope(r, ld_reg_remote_checks, LD_SCOPE_OWED, NULL);
        ld_reg_options client = cli_registry_client_options(&a->reg);
        ld_reg_audit_options o = {.client = &client,
                                  .timeout_ms = a->reg.timeout_s > 0 ? a->reg.timeout_s * 1000 : 0};
        char *summary = NULL;
        cli_progress(s, "probing the registry at %s", addr->name);
        if (addr->plain)
            ld_findings_note(r, "%s was given as http://: audited as a plain-HTTP registry",
                             addr->name);
        if (ld_reg_audit_remote(r, addr, &o, &summary, &err) < 0) {
            if (err.code == LD_ERR_UNREACHABLE) {
                char msg[LD_ERROR_MSG_MAX];
                snprintf(msg, sizeof(msg), "%s", err.msg);
                ld_error_set(&err, LD_ERR_UNREACHABLE,
                             "%s; check the address and that the registry runs", msg);
            }
            rc = cli_error_exit(&err);
            goto out;
        }
        ld_strlist_push_owned(&scope, summary);
    }
    long config_uid = -1;
    if (a->config) {
        ld_reg_audit_scope(r, ld_reg_config_checks, LD_SCOPE_OWED, NULL);
        cli_progress(s, "reading the registry config %s", a->config);
        if (ld_reg_audit_config(r, a->config, &cfg, &err) < 0) {
            rc = cli_error_exit(&err);
            goto out;
        }
        struct stat st;
        if (stat(a->config, &st) == 0)
            config_uid = (long)st.st_uid;
        ld_strlist_push_owned(&scope, ld_xasprintf("config %s", a->config));
        ld_findings_note(r,
                         "%s: REGISTRY_* environment variables of the registry's process "
                         "override the file; they were not seen",
                         a->config);
    }
    if (a->htpasswd) {
        ld_reg_audit_scope(r, ld_htpasswd_checks, LD_SCOPE_OWED, NULL);
        if (ld_reg_audit_htpasswd(r, a->htpasswd, config_uid, &err) < 0) {
            rc = cli_error_exit(&err);
            goto out;
        }
        ld_strlist_push_owned(&scope, ld_xasprintf("htpasswd %s", a->htpasswd));
    } else if (a->config && cfg.auth == LD_REGCFG_AUTH_HTPASSWD &&
               (htpasswd = config_htpasswd(a->config, &cfg))) {
        ld_reg_audit_scope(r, ld_htpasswd_checks, LD_SCOPE_OWED, NULL);
        ld_error herr = LD_ERROR_INIT;
        if (ld_reg_audit_htpasswd(r, htpasswd, config_uid, &herr) < 0) {
            ld_autofree char *why = ld_xasprintf("the config's auth.htpasswd.path: %s (give "
                                                 "the file with --htpasswd)",
                                                 herr.msg);
            if (ld_reg_audit_unassessed(r, ld_htpasswd_checks, LD_TARGET_FILE, htpasswd, why,
                                        &err) < 0) {
                rc = cli_error_exit(&err);
                goto out;
            }
        }
        ld_strlist_push_owned(&scope, ld_xasprintf("htpasswd %s", htpasswd));
    } else if (a->config) {
        ld_reg_audit_scope(r, ld_htpasswd_checks, LD_SCOPE_NOT_APPLICABLE,
                           cfg.auth == LD_REGCFG_AUTH_HTPASSWD
                               ? "the config's htpasswd auth names no path"
                               : "the config does not use htpasswd authentication");
    }
    line = ld_strlist_join(&scope, "; ");
    rc = cli_session_finish(s, r, CMD, line);
out:
    ld_reg_config_clear(&cfg);
    ld_strlist_clear(&scope);
    ld_findings_free(r);
    return rc;
}

int cmd_registry_audit(int argc, char **argv)
{
    audit_args a = {0};
    cli_common common = {0};
    int first = 0;
    ld_reg_address addr = {0};
    int rc = cli_parse(CMD, argc, argv, audit_opts, "", on_opt, &a, &common, &first);
    if (rc) {
        /* usage error, already printed */
    } else if (common.help) {
        usage();
    } else if (argc - first > 1) {
        rc = cli_usage_error(CMD, "one registry at a time, not \"%s\" as well", argv[first + 1]);
    } else if (first == argc && !a.config && !a.htpasswd) {
        rc = cli_usage_error(CMD, "name the registry (https://HOST[:PORT]) or give --config");
    } else if ((rc = cli_registry_finish(CMD, &a.reg)) != 0) {
        /* printed */
    } else {
        ld_error err = LD_ERROR_INIT;
        if (first < argc && ld_reg_address_parse(argv[first], &addr, &err) < 0) {
            rc = cli_usage_error(CMD, "%s", err.msg);
        } else {
            cli_session s;
            rc = cli_session_open(&s, CMD, &common);
            if (rc == 0)
                rc = run(&s, &a, &addr);
            cli_session_close(&s);
        }
    }
    ld_reg_address_clear(&addr);
    cli_registry_clear(&a.reg);
    return rc;
}
