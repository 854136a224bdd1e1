/* `lockdown assess`: assess this machine — the host OS, when one answers,
 * the full Docker audit (ld_docker_audit: daemon, host files, containers;
 * the same entry point as `lockdown docker audit`), and the orchestrator
 * tier (assess_k8s.c: the Kubernetes node, and the cluster a kubeconfig
 * names), and the registry tier (assess_registry.c: the registries the
 * engine is configured for, and the containers trust policy) — and report
 * against the controls catalog. Only wiring: the checks live in src/host,
 * src/docker, src/k8s, src/registry and src/trust.
 *
 * An engine that does not answer is not an error of `assess` (it assesses
 * what it finds): where Docker is installed its controls are "not assessed"
 * (the gate fails closed on the required ones); where it is not, they are
 * "not applicable".
 * An engine that answers /_ping but then fails /version or /info is exit 3
 * (could not complete). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/assess_images.h"
#include "cli/assess_host.h"
#include "cli/assess_k8s.h"
#include "cli/assess_registry.h"
#include "cli/assess_runtime.h"
#include "cli/aws_run.h"
#include "cli/registry_opts.h"
#include "cli/cli.h"
#include "cli/progress.h"
#include "trust/signature_check.h"
#include "cli/container_opts.h"
#include "docker/engine.h"
#include "docker/audit.h"
#include "host/host_os.h"
#include "util/cleanup.h"
#include "util/mem.h"

typedef struct {
    const char *host_root;
    const char *docker_host;
    cli_container_selection select; /* --container, --exclude-container */
    ld_engine_timeouts timeouts;    /* --engine-timeout */
    const char *kubeconfig;         /* --kubeconfig */
    const char *context;            /* --context */
    bool skip_images;               /* --skip-images */
    cli_registry_args reg;          /* the shared registry options (the registry tier) */
    char *aws_paths[16];            /* --aws PATH (the cloud tier) */
    size_t n_aws_paths;
    const char *aws_region;         /* --aws-region */
    const char *aws_profile;        /* --aws-profile */
} assess_args;

enum {
    OPT_HOST_ROOT = 0x2200,
    OPT_DOCKER_HOST,
    OPT_CONTAINER,
    OPT_EXCLUDE_CONTAINER,
    OPT_ENGINE_TIMEOUT,
    OPT_KUBECONFIG,
    OPT_CONTEXT,
    OPT_SKIP_IMAGES,
    OPT_AWS,
    OPT_AWS_REGION,
    OPT_AWS_PROFILE,
};

static const struct option assess_opts[] = {
    {"host-root", required_argument, NULL, OPT_HOST_ROOT},
    {"docker-host", required_argument, NULL, OPT_DOCKER_HOST},
    {"container", required_argument, NULL, OPT_CONTAINER},
    {"exclude-container", required_argument, NULL, OPT_EXCLUDE_CONTAINER},
    {"engine-timeout", required_argument, NULL, OPT_ENGINE_TIMEOUT},
    {"kubeconfig", required_argument, NULL, OPT_KUBECONFIG},
    {"context", required_argument, NULL, OPT_CONTEXT},
    {"skip-images", no_argument, NULL, OPT_SKIP_IMAGES},
    {"aws", required_argument, NULL, OPT_AWS},
    {"aws-region", required_argument, NULL, OPT_AWS_REGION},
    {"aws-profile", required_argument, NULL, OPT_AWS_PROFILE},
    CLI_REGISTRY_OPTIONS,
    {NULL, 0, NULL, 0},
};

static int on_opt(int opt, const char *arg, void *ctx)
{
    assess_args *a = ctx;
    switch (opt) {
    case OPT_HOST_ROOT: a->host_root = arg; return 0;
    case OPT_DOCKER_HOST: a->docker_host = arg; return 0;
    case OPT_CONTAINER: return cli_container_option("assess", &a->select, false, arg);
    case OPT_EXCLUDE_CONTAINER: return cli_container_option("assess", &a->select, true, arg);
    case OPT_ENGINE_TIMEOUT: return cli_engine_timeout_option("assess", &a->timeouts, arg);
    case OPT_KUBECONFIG: a->kubeconfig = arg; return 0;
    case OPT_CONTEXT: a->context = arg; return 0;
    case OPT_SKIP_IMAGES: a->skip_images = true; return 0;
    case OPT_AWS:
        if (a->n_aws_paths == sizeof(a->aws_paths) / sizeof(a->aws_paths[0])) {
            cli_usage_error("assess", "--aws given more than %zu times",
                            sizeof(a->aws_paths) / sizeof(a->aws_paths[0]));
            return -1;
        }
        if (!*arg) {
            cli_usage_error("assess", "--aws needs a file or directory of AWS CLI output");
            return -1;
        }
        a->aws_paths[a->n_aws_paths++] = (char *)arg;
        return 0;
    case OPT_AWS_REGION:
        if (!cli_aws_region_ok(arg)) {
            cli_usage_error("assess",
                            "--aws-region must be an AWS region name such as us-east-1, not "
                            "\"%s\"",
                            arg);
            return -1;
        }
        a->aws_region = arg;
        return 0;
    case OPT_AWS_PROFILE:
        if (!*arg) {
            cli_usage_error("assess", "--aws-profile needs a profile name");
            return -1;
        }
        a->aws_profile = arg;
        return 0;
    default: return cli_registry_option("assess", &a->reg, opt, arg);
    }
}

static void usage(void)
{
    printf("Usage: lockdown assess [options]\n"
           "\n"
           "Assesses this machine against the controls catalog (NIST SP 800-190 and the CIS\n"
           "Docker Benchmark): the host operating system, read under --host-root, and, when a\n"
           "Docker engine answers, the full audit of 'lockdown docker audit' (the daemon as\n"
           "/info, daemon.json and dockerd's command line give it, the host's Docker files and\n"
           "audit rules, every running container). An engine that does not answer is not an\n"
           "error: on a host with Docker installed its controls are reported as not assessed,\n"
           "and the gate fails on the required ones (see --allow-incomplete); on a host\n"
           "without Docker they are not applicable. The orchestrator tier: the Kubernetes node\n"
           "checks of 'lockdown k8s node' when Kubernetes is on the host, and the checks of\n"
           "'lockdown k8s scan' on the cluster a kubeconfig names (--kubeconfig, else\n"
           "$KUBECONFIG or ~/.kube/config when present); no kubeconfig: not applicable; a\n"
           "cluster that cannot be read: not assessed. The registry tier: every registry the\n"
           "engine is configured for (its RegistryConfig; docker.io is not audited) is audited\n"
           "from outside as 'lockdown registry audit' does, each within --registry-timeout\n"
           "(default 10 s); a registry that does not answer is not assessed. The host's\n"
           "containers trust policy (/etc/containers/policy.json and registries.d under\n"
           "--host-root) is judged: a default of insecureAcceptAnything fails. The images tier:\n"
           "every image a running container uses is read from the engine by id and checked as\n"
           "'lockdown image scan' does (configuration, files, secrets, signatures, and\n"
           "vulnerabilities when a database is there; without one they are not assessed: run\n"
           "'lockdown db update'). The host tier also matches the host's own packages\n"
           "(dpkg, rpm, apk) against the database and reads its mount table, audit rules and\n"
           "container state directories. The report starts with one line per tier: assessed,\n"
           "partly assessed, not applicable or not assessed, and why.\n"
           "\n"
           "Options:\n"
           "      --host-root DIR    the host's root directory (default /)\n"
           "      --kubeconfig FILE  the cluster to assess (read with GET only)\n"
           "      --context NAME     the kubeconfig context (default: its current context)\n"
           "      --skip-images      read no image: the image checks are not assessed (the gate\n"
           "                         fails closed on the required ones unless --allow-incomplete)\n"
           "      --aws PATH         the cloud tier: AWS CLI output (a file or directory, as\n"
           "                         'lockdown aws scan' reads it; repeatable)\n"
           "      --aws-region R     the cloud tier read live from the AWS APIs in region R\n"
           "      --aws-profile P    the AWS profile for the live read (credentials, region)\n"
           "      --docker-host URL  the Docker engine: unix:///PATH or tcp://HOST:PORT\n"
           "                         (default $DOCKER_HOST, else unix:///var/run/docker.sock;\n"
           "                         TLS with $DOCKER_TLS_VERIFY and $DOCKER_CERT_PATH)\n"
           "%s"
           "%s"
           "\n"
           "Registry options:\n"
           "%s"
           "\n"
           "%s"
           "\n"
           "Exit codes: 0 gate passed, 1 gate failed, 2 usage error, 3 could not complete\n"
           "(unreadable policy, an engine that answers but fails, a write error).\n",
           cli_engine_timeout_help, cli_container_help, cli_registry_help, cli_common_help);
}

/* What was fetched from the engine, once each. */
typedef struct {
    ld_engine *engine;
    ld_docker_snapshot snap;
    char *unreachable; /* why no engine answered (then engine is NULL) */
    char *endpoint;    /* resolved endpoint for messages */
} engine_state;

static void engine_state_clear(engine_state *st)
{
    ld_engine_free(st->engine);
    ld_docker_snapshot_clear(&st->snap);
    free(st->unreachable);
    free(st->endpoint);
    memset(st, 0, sizeof(*st));
}

static const char *resolved_host(const char *docker_host)
{
    if (docker_host && docker_host[0])
        return docker_host;
    const char *env = getenv("DOCKER_HOST");
    return env && env[0] ? env : LD_ENGINE_DEFAULT_HOST;
}

/* Connects and fetches /version, /info, the container and image lists.
 * Returns 0 (also when no engine answered: st->unreachable says why), or
 * an exit code after printing the error. */
static int fetch_engine(const cli_session *s, const assess_args *a, engine_state *st)
{
    ld_error err = LD_ERROR_INIT;
    st->endpoint = ld_xstrdup(resolved_host(a->docker_host));
    cli_progress(s, "connecting to the docker engine at %s", st->endpoint);
    st->engine = ld_engine_connect_with(a->docker_host, &a->timeouts, &err);
    if (!st->engine) {
        if (err.code == LD_ERR_UNREACHABLE) {
            st->unreachable = ld_xstrdup(err.msg);
            return 0;
        }
        if (a->docker_host && err.code == LD_ERR_INVALID)
            return cli_usage_error("assess", "--docker-host: %s", err.msg);
        return cli_error_exit(&err);
    }
    free(st->endpoint);
    st->endpoint = ld_xstrdup(ld_engine_endpoint(st->engine));
    cli_progress(s, "reading the engine's version, configuration, containers and images");
    if (ld_docker_snapshot_fetch(st->engine, &st->snap, &err) < 0)
        return cli_error_exit(&err);
    return 0;
}

/* "host NAME, docker engine ENDPOINT (VERSION, API V): N containers (M running), K images" */
static char *scope_line(const char *host, const engine_state *st)
{
    if (!st->engine)
        return ld_xasprintf("host %s, docker engine %s (not answering)", host, st->endpoint);
    ld_autofree char *engine = ld_docker_scope(st->engine, &st->snap);
    return ld_xasprintf("host %s, %s", host, engine);
}

static void on_progress(void *ctx, const char *msg)
{
    cli_progress(ctx, "%s", msg);
}

static int run(cli_session *s, const assess_args *a)
{
    cli_bar *bar = NULL; /* one step per tier, on a terminal */
    engine_state st = {0};
    ld_findings *r = NULL;
    ld_autofree char *host = ld_host_name(a->host_root);
    ld_autofree char *scope = NULL;
    ld_autofree char *k8s_scope = NULL; /* before any goto out: freed there */
    ld_autofree char *registry_scope = NULL;
    ld_autofree char *runtime_scope = NULL;
    ld_error err = LD_ERROR_INIT;
    ld_signature_check sigs; /* running images' signatures, with the policy's trusted keys */
    ld_signature_check_init(&sigs, s->policy, NULL);
    int rc = fetch_engine(s, a, &st);
    if (rc)
        goto out;
    scope = scope_line(host, &st);
    r = cli_session_findings(s);
    /* looked up once: every tier that depends on the engine asks */
    bool docker_installed = ld_docker_installed(a->host_root);
    /* every tier in the report's order, not assessed until its part says
     * otherwise: a tier no part recorded can never read as assessed */
    static const char *const tiers[] = {"host",         "containers", "images",
                                        "orchestrator", "registries", "runtime"};
    for (size_t i = 0; i < sizeof(tiers) / sizeof(tiers[0]); i++)
        ld_findings_tier(r, tiers[i], LD_TIER_NOT_ASSESSED, NULL, "not reached by this run");
    bar = cli_bar_start(s->progress, "assess", sizeof(tiers) / sizeof(tiers[0]), CLI_BAR_ITEMS,
                        "tiers");
    cli_bar_set(bar, 0, "host");
    if (st.unreachable) {
        ld_autofree char *why = NULL;
        if (docker_installed) {
            why = ld_xstrdup(st.unreachable);
            ld_docker_audit_scope(r, LD_SCOPE_NOT_ASSESSED, why);
        } else {
            why = ld_xasprintf("Docker is not installed under %s", a->host_root);
            ld_docker_audit_scope(r, LD_SCOPE_NOT_APPLICABLE, why);
        }
        ld_findings_note(r, "%s", why);
        ld_findings_tier(r, "containers",
                         docker_installed ? LD_TIER_NOT_ASSESSED : LD_TIER_NOT_APPLICABLE, NULL,
                         "%s", why);
    }
    for (size_t i = 0; i < st.snap.notes.n; i++)
        ld_findings_note(r, "%s", st.snap.notes.v[i]);

    const char *data_root =
        st.engine ? json_string_value(json_object_get(st.snap.info, "DockerRootDir")) : NULL;
    if (cli_assess_host_run(s, r, a->host_root, host, data_root, &err) < 0) {
        rc = cli_error_exit(&err);
        goto out;
    }
    cli_bar_add(bar, 1, "containers");
    if (st.engine) {
        ld_docker_audit_options o = {
            .host_root = a->host_root,
            .host_name = host,
            .all = false,
            .containers = &a->select.include,
            .exclude_containers = &a->select.exclude,
            .snapshot = &st.snap,
            .trusted_registries = &s->policy->trusted_registries,
            .signatures = &sigs,
            .progress = on_progress,
            .progress_ctx = s,
        };
        if (ld_docker_audit(r, st.engine, &o, &err) < 0) {
            rc = cli_error_exit(&err);
            goto out;
        }
        char *what = ld_docker_scope(st.engine, &st.snap);
        ld_findings_tier(r, "containers", LD_TIER_ASSESSED, what, NULL);
        free(what);
    }
    cli_bar_add(bar, 1, "images");
    { /* the images tier: every image a selected running container uses */
        cli_assess_images im = {.engine = st.engine,
                                .unreachable = st.unreachable,
                                .docker_installed = docker_installed,
                                .containers = st.snap.containers,
                                .images = st.snap.images,
                                .include = &a->select.include,
                                .exclude = &a->select.exclude,
                                .docker_host = a->docker_host,
                                .engine_timeout_ms = a->timeouts.request_ms,
                                .cache_dir = cli_registry_cache_dir((cli_registry_args *)&a->reg),
                                .signatures = &sigs,
                                .skip = a->skip_images};
        char *images_scope = NULL;
        int e = cli_assess_images_run(s, r, &im, &images_scope, &err);
        if (images_scope) {
            char *both = ld_xasprintf("%s; %s", scope, images_scope);
            free(scope);
            scope = both;
            free(images_scope);
        }
        if (e < 0) {
            rc = cli_error_exit(&err);
            goto out;
        }
    }
    cli_bar_add(bar, 1, "orchestrator");
    cli_assess_k8s k = {.host_root = a->host_root,
                        .host_name = host,
                        .kubeconfig = a->kubeconfig,
                        .context = a->context};
    if (cli_assess_k8s_run(s, r, &k, &k8s_scope, &err) < 0) {
        rc = cli_error_exit(&err);
        goto out;
    }
    cli_bar_add(bar, 1, "registries");
    if (k8s_scope) {
        char *both = ld_xasprintf("%s; %s", scope, k8s_scope);
        free(scope);
        scope = both;
    }
    cli_assess_registry reg = {.host_root = a->host_root,
                               .info = st.engine ? st.snap.info : NULL,
                               .engine_unreachable = st.unreachable,
                               .docker_installed = docker_installed,
                               .reg = &a->reg};
    if (cli_assess_registry_run(s, r, &reg, &registry_scope, &err) < 0) {
        rc = cli_error_exit(&err);
        goto out;
    }
    cli_bar_add(bar, 1, "runtime");
    if (registry_scope) {
        char *both = ld_xasprintf("%s; %s", scope, registry_scope);
        free(scope);
        scope = both;
    }
    ld_fx_readiness_engine rt_engine = {
        .installed = docker_installed,
        .unreachable = st.unreachable,
        .endpoint = st.endpoint,
        .remote = st.engine && ld_engine_link_of(st.engine) != LD_ENGINE_LINK_UNIX,
        .driver = st.engine ? json_string_value(json_object_get(st.snap.info, "Driver")) : NULL};
    if (cli_assess_runtime_run(s, r, a->host_root, &rt_engine, &runtime_scope, &err) < 0) {
        rc = cli_error_exit(&err);
        goto out;
    }
    if (runtime_scope) {
        char *both = ld_xasprintf("%s; %s", scope, runtime_scope);
        free(scope);
        scope = both;
    }
    if (a->n_aws_paths || a->aws_region || a->aws_profile) {
        /* the cloud tier, only when asked: lockdown cannot tell whether an
         * organisation uses AWS */
        cli_aws_inputs in = {.paths = (char **)a->aws_paths,
                             .n_paths = a->n_aws_paths,
                             .live = a->aws_region || a->aws_profile,
                             .region = a->aws_region,
                             .profile = a->aws_profile};
        char *what = NULL;
        bool partly = false;
        if (cli_aws_scan_into(s, r, &in, &what, &partly, &err) < 0) {
            rc = cli_error_exit(&err);
            goto out;
        }
        ld_findings_tier(r, "cloud", partly ? LD_TIER_PARTLY_ASSESSED : LD_TIER_ASSESSED, what,
                         partly ? "some AWS inputs could not be read (see the notes)" : NULL);
        char *both = ld_xasprintf("%s; aws: %s", scope, what);
        free(scope);
        scope = both;
        free(what);
    }
    cli_bar_finish(bar, NULL); /* the line is clear before the report and the gate */
    bar = NULL;
    rc = cli_session_finish(s, r, "assess", scope);
out:
    cli_bar_finish(bar, NULL);
    ld_findings_free(r);
    engine_state_clear(&st);
    ld_signature_check_clear(&sigs);
    return rc;
}

int cmd_assess(int argc, char **argv)
{
    assess_args a = {.host_root = "/"};
    cli_common common = {0};
    int first = 0;
    int rc = cli_parse("assess", argc, argv, assess_opts, "", on_opt, &a, &common, &first);
    struct stat st;
    if (rc) {
        /* usage error, already printed */
    } else if (common.help) {
        usage();
    } else if (first < argc) {
        rc = cli_usage_error("assess", "unexpected argument \"%s\"", argv[first]);
    } else if (!a.host_root[0] || stat(a.host_root, &st) < 0 || !S_ISDIR(st.st_mode)) {
        rc = cli_usage_error("assess", "--host-root \"%s\" is not a directory", a.host_root);
    } else if ((rc = cli_registry_finish("assess", &a.reg)) != 0) {
        /* usage error or unreadable password, already printed */
    } else {
        cli_session s;
        rc = cli_session_open(&s, "assess", &common);
        if (rc == 0)
            rc = run(&s, &a);
        cli_session_close(&s);
    }
    cli_container_selection_clear(&a.select);
    cli_registry_clear(&a.reg);
    return rc;
}
