/* `lockdown aws scan [PATH...|-] [--region R] [--profile P]`: AWS container
 * services (ECS task definitions, services and clusters; ECR; EKS) judged
 * against the controls catalog, from the JSON the AWS CLI prints (files,
 * directories, stdin) or read live through the APIs with SigV4. Only
 * wiring: loading is src/aws/aws_set.c and aws_live.c, the checks are the
 * check families of src/aws (ecs_task_checks.c and its siblings).
 *
 * An input named on the command line that cannot be opened, read or parsed,
 * or that holds no AWS CLI output lockdown reads, stops the command (exit
 * 3). A file under a directory that cannot be read is recorded: every check
 * files "not assessed", so the gate fails closed unless --allow-incomplete.
 * Live: credentials missing, expired or refused, an endpoint that cannot be
 * reached, throttling past the retries: exit 3 with one line; one call
 * refused (AccessDenied) is recorded unread like a file. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws/aws_live.h"
#include "cli/aws_run.h"
#include "cli/cli.h"
#include "util/cleanup.h"
#include "util/mem.h"

int cmd_aws_scan(int argc, char **argv);

static const cli_subcommand subcommands[] = {
    {"scan", cmd_aws_scan,
     "check AWS container services: ECS task definitions, services and clusters, ECR\n"
     "         repositories and registry, EKS clusters, node groups and add-ons; from AWS\n"
     "         CLI JSON (files, directories, stdin) or live (--region, --profile)"},
    {NULL, NULL, NULL},
};

int cmd_aws(int argc, char **argv)
{
    return cli_subcommand_run("aws",
                              "AWS container services (ECS, ECR, EKS, Fargate): the same NIST SP "
                              "800-190 controls,\nimplemented the AWS way.\n",
                              subcommands, 6, argc, argv);
}

/* ---- aws scan ---- */

enum {
    OPT_REGION = 0x4100,
    OPT_PROFILE,
    OPT_ENDPOINT_URL,
    OPT_CA_BUNDLE,
    OPT_SERVICES,
    OPT_EXIT_CODE,
    OPT_NO_METADATA,
};

static const struct option scan_opts[] = {
    {"region", required_argument, NULL, OPT_REGION},
    {"profile", required_argument, NULL, OPT_PROFILE},
    {"endpoint-url", required_argument, NULL, OPT_ENDPOINT_URL},
    {"ca-bundle", required_argument, NULL, OPT_CA_BUNDLE},
    {"services", required_argument, NULL, OPT_SERVICES},
    {"exit-code", required_argument, NULL, OPT_EXIT_CODE},
    {"no-metadata", no_argument, NULL, OPT_NO_METADATA},
    {NULL, 0, NULL, 0},
};

typedef struct {
    const char *region;
    const char *profile;
    const char *endpoint_url;
    const char *ca_bundle;
    unsigned services;
    int exit_code;
    bool no_metadata;
    bool live; /* --region or --profile given */
} scan_args;

/* --services ecs,ecr,eks */
static int parse_services(const char *arg, unsigned *out)
{
    unsigned v = 0;
    ld_autofree char *copy = ld_xstrdup(arg);
    char *save = NULL;
    for (char *w = strtok_r(copy, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
        if (strcmp(w, "ecs") == 0)
            v |= LD_AWS_SVC_ECS;
        else if (strcmp(w, "ecr") == 0)
            v |= LD_AWS_SVC_ECR;
        else if (strcmp(w, "eks") == 0)
            v |= LD_AWS_SVC_EKS;
        else
            return -1;
    }
    if (!v)
        return -1;
    *out = v;
    return 0;
}

static int on_scan_opt(int opt, const char *arg, void *ctx)
{
    scan_args *a = ctx;
    switch (opt) {
    case OPT_REGION:
        if (!cli_aws_region_ok(arg)) {
            cli_usage_error("aws scan",
                            "--region must be an AWS region name such as us-east-1, not \"%s\"",
                            arg);
            return -1;
        }
        a->region = arg;
        a->live = true;
        return 0;
    case OPT_PROFILE:
        if (!*arg) {
            cli_usage_error("aws scan", "--profile needs a profile name");
            return -1;
        }
        a->profile = arg;
        a->live = true;
        return 0;
    case OPT_ENDPOINT_URL:
        if (strncmp(arg, "https://", 8) != 0 && strncmp(arg, "http://", 7) != 0) {
            cli_usage_error("aws scan", "--endpoint-url must be an http(s) URL, not \"%s\"", arg);
            return -1;
        }
        a->endpoint_url = arg;
        return 0;
    case OPT_CA_BUNDLE:
        if (!*arg) {
            cli_usage_error("aws scan", "--ca-bundle needs a file name");
            return -1;
        }
        a->ca_bundle = arg;
        return 0;
    case OPT_SERVICES:
        if (parse_services(arg, &a->services) < 0) {
            cli_usage_error("aws scan",
                            "--services takes a comma list of ecs, ecr and eks, not \"%s\"", arg);
            return -1;
        }
        return 0;
    case OPT_EXIT_CODE: return cli_exit_code_option("aws scan", arg, &a->exit_code);
    case OPT_NO_METADATA: a->no_metadata = true; return 0;
    default: return 1;
    }
}

static void usage_scan(void)
{
    printf("Usage: lockdown aws scan [options] PATH...\n"
           "       aws ecs describe-task-definition --task-definition web | lockdown aws scan -\n"
           "       lockdown aws scan --region REGION [--profile PROFILE] [options]\n"
           "\n"
           "Checks AWS container services against NIST SP 800-190: ECS task definitions (the\n"
           "container tier: privileged, user, read-only root, capabilities, host namespaces,\n"
           "init process, secrets in environment, logging, image registry and digest, limits,\n"
           "host bind mounts), ECS services and clusters (Fargate platform version, public IP,\n"
           "Container Insights, ECS Exec audit), ECR (scan on push, tag immutability,\n"
           "lifecycle policy, KMS encryption, repository policy, pull-through cache rules) and\n"
           "EKS (public endpoint, control plane logs, secrets encryption, Kubernetes version\n"
           "support, node group SSH, IMDSv2, add-on versions). Each finding names its\n"
           "control, the resource (ARN or name) and the field and value seen.\n"
           "\n"
           "PATH: a file of AWS CLI JSON output (describe-task-definition, describe-services,\n"
           "describe-clusters, ecr describe-repositories, get-lifecycle-policy,\n"
           "get-repository-policy, get-registry-scanning-configuration, describe-registry,\n"
           "describe-pull-through-cache-rules, eks describe-cluster, describe-nodegroup,\n"
           "describe-addon, describe-addon-versions, ec2 describe-launch-template-versions, a\n"
           "registered task definition), the AWS CLI's error text for a policy that does not\n"
           "exist, a directory of them (every .json, .err and .txt file; symbolic links are\n"
           "not followed), or - for standard input. scripts/aws-export.sh writes such a\n"
           "directory (docs/aws.md).\n"
           "\n"
           "Live (--region and/or --profile): the same resources read through the AWS APIs\n"
           "with read-only calls, signed with SigV4; credentials from the standard chain\n"
           "(environment, shared credentials and config files, credential_process, container\n"
           "and instance metadata). With PATHs too, both are checked together.\n"
           "\n"
           "Options:\n"
           "      --region REGION      read this region live (default with --profile: the\n"
           "                           profile's region, $AWS_REGION, $AWS_DEFAULT_REGION)\n"
           "      --profile NAME       credentials and region of this profile (default:\n"
           "                           $AWS_PROFILE, else the environment's keys, else default)\n"
           "      --services LIST      read only these services live: ecs,ecr,eks (default all)\n"
           "      --endpoint-url URL   send every API request to URL (a VPC endpoint or proxy);\n"
           "                           requests are still signed for the real service\n"
           "      --ca-bundle FILE     CA certificates for the endpoints (default:\n"
           "                           $AWS_CA_BUNDLE, else the system's)\n"
           "      --no-metadata        do not ask the container or instance metadata endpoints\n"
           "                           for credentials\n"
           "      --exit-code N        exit N when a failing finding remains after exceptions\n"
           "                           (the compliance gate's exit 1 comes first)\n"
           "\n"
           "The policy's trusted-registries decide aws.ecs.image-trusted and the pull-through\n"
           "cache check; its secret rules search task definition environments.\n"
           "\n"
           "%s"
           "\n"
           "Exit codes: 0 gate passed, 1 gate failed (an input under a directory that could\n"
           "not be read, or an API call refused, makes the checks not assessed: the gate fails\n"
           "closed unless --allow-incomplete), 2 usage error, 3 an input named on the command\n"
           "line could not be opened, read or parsed, holds no AWS output lockdown reads, the\n"
           "credentials are missing, expired or refused, an endpoint could not be reached or\n"
           "kept throttling, or the report could not be written.\n",
           cli_common_help);
}

int cmd_aws_scan(int argc, char **argv)
{
    cli_common common = {0};
    scan_args args = {0};
    int first = 0;
    int rc = cli_parse("aws scan", argc, argv, scan_opts, "", on_scan_opt, &args, &common,
                       &first);
    if (rc)
        return rc;
    if (common.help) {
        usage_scan();
        return LD_EXIT_OK;
    }
    if (first >= argc && !args.live)
        return cli_usage_error("aws scan", "missing PATH (AWS CLI JSON files or directories, or "
                                           "- for stdin), or --region REGION to read the APIs");
    if (!args.live && (args.endpoint_url || args.ca_bundle || args.services || args.no_metadata))
        return cli_usage_error("aws scan", "--endpoint-url, --ca-bundle, --services and "
                                           "--no-metadata apply to a live read: add --region");
    size_t npaths = (size_t)(argc - first);
    size_t stdin_uses = 0;
    for (size_t i = 0; i < npaths; i++)
        stdin_uses += strcmp(argv[first + (int)i], "-") == 0;
    if (stdin_uses > 1)
        return cli_usage_error("aws scan", "'-' (standard input) given more than once");

    cli_session s;
    rc = cli_session_open(&s, "aws scan", &common);
    if (rc) {
        cli_session_close(&s);
        return rc;
    }
    s.exit_code = args.exit_code;
    s.exit_severities = LD_SEV_ALL;
    cli_aws_inputs in = {
        .paths = argv + first,
        .n_paths = npaths,
        .live = args.live,
        .region = args.region,
        .profile = args.profile,
        .endpoint_url = args.endpoint_url,
        .ca_bundle = args.ca_bundle,
        .services = args.services,
        .no_metadata = args.no_metadata,
    };
    ld_error err = LD_ERROR_INIT;
    ld_findings *r = cli_session_findings(&s);
    char *what = NULL;
    bool partly = false;
    if (cli_aws_scan_into(&s, r, &in, &what, &partly, &err) < 0) {
        rc = cli_error_exit(&err);
    } else {
        ld_autofree char *scope = ld_xasprintf("aws: %s%s", what,
                                               partly ? " (some inputs not read)" : "");
        rc = cli_session_finish(&s, r, "aws scan", scope);
    }
    free(what);
    ld_findings_free(r);
    cli_session_close(&s);
    return rc;
}
