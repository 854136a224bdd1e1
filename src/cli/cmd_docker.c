/* `lockdown docker audit`: audit a live Docker engine, its daemon
 * configuration, its host's Docker files and its containers against the CIS
 * Docker Benchmark. Only wiring: the audit is ld_docker_audit (src/docker).
 *
 * Unlike `assess`, an engine that does not answer is exit 3 with one line
 * on stderr: this command has nothing else to assess. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"
#include "trust/signature_check.h"
#include "cli/container_opts.h"
#include "docker/audit.h"
#include "docker/container_select.h"
#include "docker/engine.h"
#include "checks/image_scan.h"
#include "host/host_os.h"
#include "util/cleanup.h"
#include "util/mem.h"

typedef struct {
    const char *host_root;
    const char *docker_host;
    bool all;
    bool images;
    cli_container_selection select; /* --container, --exclude-container */
    ld_engine_timeouts timeouts;    /* --engine-timeout */
} docker_args;

enum {
    OPT_HOST_ROOT = 0x2300,
    OPT_DOCKER_HOST,
    OPT_ALL,
    OPT_IMAGES,
    OPT_CONTAINER,
    OPT_EXCLUDE_CONTAINER,
    OPT_ENGINE_TIMEOUT
};

static const struct option docker_opts[] = {
    {"host-root", required_argument, NULL, OPT_HOST_ROOT},
    {"docker-host", required_argument, NULL, OPT_DOCKER_HOST},
    {"all", no_argument, NULL, OPT_ALL},
    {"images", no_argument, NULL, OPT_IMAGES},
    {"container", required_argument, NULL, OPT_CONTAINER},
    {"exclude-container", required_argument, NULL, OPT_EXCLUDE_CONTAINER},
    {"engine-timeout", required_argument, NULL, OPT_ENGINE_TIMEOUT},
    {NULL, 0, NULL, 0},
};

static int on_opt(int opt, const char *arg, void *ctx)
{
    docker_args *a = ctx;
    switch (opt) {
    case OPT_HOST_ROOT: a->host_root = arg; return 0;
    case OPT_DOCKER_HOST: a->docker_host = arg; return 0;
    case OPT_ALL: a->all = true; return 0;
    case OPT_IMAGES: a->images = true; return 0;
    case OPT_CONTAINER: return cli_container_option("docker audit", &a->select, false, arg);
    case OPT_EXCLUDE_CONTAINER: return cli_container_option("docker audit", &a->select, true, arg);
    case OPT_ENGINE_TIMEOUT: return cli_engine_timeout_option("docker audit", &a->timeouts, arg);
    default: return 1;
    }
}

static void usage_docker(FILE *f)
{
    fputs("Usage: lockdown docker <subcommand> [options]\n"
          "\n"
          "Docker engine commands.\n"
          "\n"
          "Subcommands:\n"
          "  audit    audit the engine, its daemon configuration, host files and containers\n"
          "           against the CIS Docker Benchmark\n"
          "\n"
          "Run 'lockdown docker audit --help' for its options.\n",
          f);
}

static void usage_audit(void)
{
    printf("Usage: lockdown docker audit [--all] [--images] [--container PATTERN]\n"
           "                             [--exclude-container PATTERN] [--docker-host URL]\n"
           "                             [--engine-timeout SECONDS] [--host-root DIR]\n"
           "                             [options]\n"
           "\n"
           "Audits a live Docker engine against the CIS Docker Benchmark (v1.6 ids) and NIST\n"
           "SP 800-190: the daemon as /info and /version report it, its effective configuration\n"
           "(daemon.json and the dockerd command line), the host's Docker files (systemd units,\n"
           "sockets, certificates; owner and mode), audit rules for Docker's files (auditctl -l,\n"
           "else /etc/audit rules files), the docker group, and every running container (its\n"
           "inspect document and its processes in /proc). One request per document; container\n"
           "inspects run in parallel. lockdown leaves out its own container.\n"
           "\n"
           "Options:\n"
           "      --all              also audit created, exited and paused containers\n"
           "%s"
           "      --images           also stream every local image from the engine through the\n"
           "                         image checks (configuration, file system and secrets: CIS\n"
           "                         section 4); an image that cannot be read becomes a note\n"
           "      --docker-host URL  the Docker engine: unix:///PATH or tcp://HOST:PORT\n"
           "                         (default $DOCKER_HOST, else /var/run/docker.sock, then the\n"
           "                         rootless $XDG_RUNTIME_DIR/docker.sock and Podman's socket;\n"
           "                         TLS with $DOCKER_TLS_VERIFY and $DOCKER_CERT_PATH)\n"
           "%s"
           "      --host-root DIR    the engine host's root filesystem (default /): files,\n"
           "                         audit rules and DIR/proc are read there\n"
           "\n"
           "Checks are selected with the common options --check and --exclude (docker-bench -c\n"
           "and -e): check ids, control ids or CIS ids, globs (e.g. --check '5.*' --exclude\n"
           "container.health).\n"
           "\n"
           "%s"
           "\n"
           "Exit codes: 0 gate passed, 1 gate failed, 2 usage error, 3 could not complete\n"
           "(no engine answered, unreadable policy, a write error).\n",
           cli_container_help, cli_engine_timeout_help, cli_common_help);
}

static void on_progress(void *ctx, const char *msg)
{
    cli_progress(ctx, "%s", msg);
}

static int run_audit(cli_session *s, const docker_args *a)
{
    ld_error err = LD_ERROR_INIT;
    ld_findings *r = NULL;
    ld_docker_snapshot snap = {0};
    ld_autofree char *scope = NULL;
    ld_autofree char *host = NULL;
    ld_autofree char *engine_scope = NULL;
    ld_autofree char *selection = NULL;
    int rc = 0;
    cli_progress(s, "connecting to the docker engine");
    ld_engine *e = ld_engine_connect_with(a->docker_host, &a->timeouts, &err);
    if (!e) {
        if (a->docker_host && err.code == LD_ERR_INVALID)
            return cli_usage_error("docker audit", "--docker-host: %s", err.msg);
        return cli_error_exit(&err);
    }
    /* running images' signatures, with the policy's trusted keys */
    ld_signature_check sigs;
    ld_signature_check_init(&sigs, s->policy, NULL);
    cli_progress(s, "reading the engine's version, configuration, containers and images");
    if (ld_docker_snapshot_fetch(e, &snap, &err) < 0) {
        rc = cli_error_exit(&err);
        goto out;
    }
    host = ld_host_name(a->host_root);
    engine_scope = ld_docker_scope(e, &snap);
    ld_container_selector sel;
    ld_container_selector_init(&sel, &a->select.include, &a->select.exclude);
    selection = ld_container_selector_describe(&sel);
    ld_container_selector_clear(&sel);
    scope =
        ld_xasprintf("host %s, %s (%s containers%s%s)", host, engine_scope,
                     a->all ? "all" : "running", selection[0] ? " selected by " : "", selection);
    r = cli_session_findings(s);
    for (size_t i = 0; i < snap.notes.n; i++)
        ld_findings_note(r, "%s", snap.notes.v[i]);
    ld_image_scan_engine_ctx images = {
        .scan = {.config = true, .secrets = true, .policy = s->policy},
    };
    images.scan.image.docker_host = a->docker_host;
    ld_docker_audit_options o = {
        .host_root = a->host_root,
        .host_name = host,
        .all = a->all,
        .containers = &a->select.include,
        .exclude_containers = &a->select.exclude,
        .snapshot = &snap,
        .image_hook = a->images ? ld_image_scan_engine_image : NULL,
        .image_ctx = &images,
        .trusted_registries = &s->policy->trusted_registries,
        .signatures = &sigs,
        .progress = on_progress,
        .progress_ctx = s,
    };
    if (ld_docker_audit(r, e, &o, &err) < 0) {
        rc = cli_error_exit(&err);
        goto out;
    }
    rc = cli_session_finish(s, r, "docker audit", scope);
out:
    ld_findings_free(r);
    ld_docker_snapshot_clear(&snap);
    ld_signature_check_clear(&sigs);
    ld_engine_free(e);
    return rc;
}

static int cmd_docker_audit(int argc, char **argv)
{
    docker_args a = {.host_root = "/"};
    cli_common common = {0};
    int first = 0;
    int rc = cli_parse("docker audit", argc, argv, docker_opts, "", on_opt, &a, &common, &first);
    struct stat st;
    if (rc) {
        /* usage error, already printed */
    } else if (common.help) {
        usage_audit();
    } else if (first < argc) {
        rc = cli_usage_error("docker audit", "unexpected argument \"%s\"", argv[first]);
    } else if (!a.host_root[0] || stat(a.host_root, &st) < 0 || !S_ISDIR(st.st_mode)) {
        rc = cli_usage_error("docker audit", "--host-root \"%s\" is not a directory", a.host_root);
    } else {
        cli_session s;
        rc = cli_session_open(&s, "docker audit", &common);
        if (rc == 0)
            rc = run_audit(&s, &a);
        cli_session_close(&s);
    }
    cli_container_selection_clear(&a.select);
    return rc;
}

/* Declared in cli.h once `docker` is registered in main.c. */

int cmd_docker(int argc, char **argv)
{
    if (argc < 2) {
        usage_docker(stderr);
        return LD_EXIT_USAGE;
    }
    const char *sub = argv[1];
    if (strcmp(sub, "-h") == 0 || strcmp(sub, "--help") == 0 || strcmp(sub, "help") == 0) {
        usage_docker(stdout);
        return LD_EXIT_OK;
    }
    if (strcmp(sub, "audit") == 0)
        return cmd_docker_audit(argc - 1, argv + 1);
    static const char *const subs[] = {"audit", NULL};
    return cli_unknown_subcommand("docker", sub, subs);
}
