/* The live path of `lockdown aws scan --region R [--profile P]`: the same
 * resources the file path reads, from the AWS APIs, signed with SigV4
 * (aws/sigv4.h) with credentials from the standard chain
 * (aws/credentials.h). Read-only calls only:
 *   ECS (JSON 1.1, X-Amz-Target AmazonEC2ContainerServiceV20141113.*):
 *     ListClusters, DescribeClusters (include SETTINGS, CONFIGURATIONS),
 *     ListServices, DescribeServices, ListTaskDefinitions (ACTIVE; the
 *     newest revision per family), DescribeTaskDefinition
 *   ECR (JSON 1.1, AmazonEC2ContainerRegistry_V20150921.*):
 *     DescribeRepositories, GetLifecyclePolicy, GetRepositoryPolicy,
 *     GetRegistryScanningConfiguration, DescribeRegistry,
 *     DescribePullThroughCacheRules
 *   EKS (REST JSON): ListClusters, DescribeCluster, ListNodegroups,
 *     DescribeNodegroup, ListAddons, DescribeAddon, DescribeAddonVersions
 *   EC2 (query, XML): DescribeLaunchTemplateVersions for the templates
 *     node groups name
 * Every response is bounded (16 MiB), paginated (nextToken / NextToken,
 * at most 1,000 pages per list) and fed to the set as the CLI would print
 * it (ld_aws_set_add_json). Throttling (HTTP 429, ThrottlingException,
 * TooManyRequestsException, RequestLimitExceeded, 5xx) is retried with
 * exponential back-off and full jitter (base 200 ms, cap 20 s, at most
 * max_attempts tries, Retry-After honoured up to the cap). Expired or
 * invalid credentials (ExpiredToken*, UnrecognizedClientException,
 * InvalidSignatureException, 401/403 on every call) stop the scan: exit 3
 * with one line. AccessDenied on one call: that call's data is recorded
 * unread (the checks that needed it say not assessed) and the scan goes on. */
#ifndef LD_AWS_AWS_LIVE_H
#define LD_AWS_AWS_LIVE_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "aws/aws_set.h"
#include "core/error.h"

enum {
    LD_AWS_SVC_ECS = 1u << 0,
    LD_AWS_SVC_ECR = 1u << 1,
    LD_AWS_SVC_EKS = 1u << 2,
    LD_AWS_SVC_ALL = LD_AWS_SVC_ECS | LD_AWS_SVC_ECR | LD_AWS_SVC_EKS,
};

typedef struct {
    const char *region;       /* required */
    const char *profile;      /* NULL: $AWS_PROFILE, else default */
    const char *endpoint_url; /* NULL: https://SERVICE.REGION.amazonaws.com; else every
                                 service at this URL (VPC endpoints, a test stand-in);
                                 the signature still names the real service */
    const char *ca_bundle;    /* NULL: $AWS_CA_BUNDLE, else the system's CAs */
    unsigned services;        /* LD_AWS_SVC_*; 0: all */
    long timeout_ms;          /* per request; 0: 30 s */
    int max_attempts;         /* per request; 0: 5 */
    bool no_metadata;         /* credentials: skip container/instance metadata */
    void (*progress)(void *ctx, const char *what);
    void *progress_ctx;
} ld_aws_live_options;

/* What the live read saw, for the report's scope. */
typedef struct {
    char *account;            /* from the first ARN seen; NULL if none */
    char *credentials_source; /* ld_aws_credentials.source */
    size_t requests, retries;
} ld_aws_live_info;

/* Reads the account's resources into s. Returns 0 (calls refused one by
 * one are unread records in s), or < 0 with err set: LD_ERR_INVALID
 * (credentials missing, expired or rejected), LD_ERR_UNREACHABLE
 * (connection, TLS, timeout, throttled past max_attempts), LD_ERR_CORRUPT
 * (a response that is not the service's JSON), LD_ERR_LIMIT. */
int ld_aws_load_live(ld_aws_set *s, const ld_aws_live_options *o, ld_aws_live_info *info,
                     ld_error *err);
void ld_aws_live_info_clear(ld_aws_live_info *info);

#endif
