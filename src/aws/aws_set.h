/* The AWS model: every resource lockdown judges, as the AWS APIs describe
 * it, gathered from the JSON the AWS CLI prints (files, directories, stdin)
 * or from the APIs themselves (aws/aws_live.h feeds the responses through
 * ld_aws_set_add_json, so both paths build the same set). A resource is a
 * borrowed jansson object inside a document the set owns, with its kind,
 * its ARN or name and where it came from. Loading is bounded (file size,
 * JSON values and nesting, resources per set) and never judges anything:
 * the checks are in aws/aws_scan.h.
 *
 * Shapes recognised (the services' own output members):
 *   ecs describe-task-definition   {"taskDefinition": {...}, "tags": [...]}
 *   a registered task definition   {"family": ..., "containerDefinitions": [...]}
 *   ecs describe-services          {"services": [...], "failures": [...]}
 *   ecs describe-clusters          {"clusters": [{...}], "failures": [...]}
 *   ecr describe-repositories      {"repositories": [...]}
 *   ecr get-lifecycle-policy       {"repositoryName", "lifecyclePolicyText", ...}
 *   ecr get-repository-policy      {"repositoryName", "policyText", ...}
 *   ecr get-registry-scanning-configuration {"registryId", "scanningConfiguration"}
 *   ecr describe-registry          {"registryId", "replicationConfiguration"}
 *   ecr describe-pull-through-cache-rules {"pullThroughCacheRules": [...]}
 *   eks describe-cluster           {"cluster": {...}}
 *   eks describe-nodegroup         {"nodegroup": {...}}
 *   eks describe-addon             {"addon": {...}}
 *   eks describe-addon-versions    {"addons": [{"addonName", "addonVersions"}]}
 *   ec2 describe-launch-template-versions {"LaunchTemplateVersions": [...]}
 *   a JSON array of any of these documents
 * and the AWS CLI's error line for a policy that does not exist ("An error
 * occurred (LifecyclePolicyNotFoundException) when calling the
 * GetLifecyclePolicy operation: ... repository with name 'R' in the
 * registry with id 'N'", same for RepositoryPolicyNotFoundException), or
 * the API's JSON error of the same type: an ABSENCE record, so a check can
 * tell "has no lifecycle policy" from "not exported". */
#ifndef LD_AWS_AWS_SET_H
#define LD_AWS_AWS_SET_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "core/error.h"
#include "util/strlist.h"

typedef enum {
    LD_AWS_TASK_DEFINITION,    /* obj: the task definition (containerDefinitions, ...) */
    LD_AWS_ECS_SERVICE,        /* obj: one element of describe-services' services */
    LD_AWS_ECS_CLUSTER,        /* obj: one element of describe-clusters' clusters */
    LD_AWS_ECR_REPOSITORY,     /* obj: one element of describe-repositories' repositories */
    LD_AWS_ECR_LIFECYCLE,      /* obj: the get-lifecycle-policy document; absent: no policy */
    LD_AWS_ECR_REPO_POLICY,    /* obj: the get-repository-policy document; absent: no policy */
    LD_AWS_ECR_SCANNING,       /* obj: the get-registry-scanning-configuration document */
    LD_AWS_ECR_REGISTRY,       /* obj: the describe-registry document */
    LD_AWS_ECR_PULL_THROUGH,   /* obj: one pull-through cache rule */
    LD_AWS_EKS_CLUSTER,        /* obj: describe-cluster's cluster */
    LD_AWS_EKS_NODEGROUP,      /* obj: describe-nodegroup's nodegroup */
    LD_AWS_EKS_ADDON,          /* obj: describe-addon's addon */
    LD_AWS_EKS_ADDON_VERSIONS, /* obj: one element of describe-addon-versions' addons */
    LD_AWS_LAUNCH_TEMPLATE,    /* obj: one element of LaunchTemplateVersions */
    LD_AWS_KIND_COUNT
} ld_aws_kind;

/* "task definition", "ECS service", ... for messages; "ecs-task-definition",
 * "ecs-service", ... as stable names (JSON, notes). */
const char *ld_aws_kind_title(ld_aws_kind k);
const char *ld_aws_kind_name(ld_aws_kind k);

typedef struct {
    ld_aws_kind kind;
    const json_t *obj; /* borrowed from a document the set owns; NULL when absent */
    bool absent;       /* an ABSENCE record (policy not found): obj NULL */
    char *id;          /* the resource's ARN when it has one, else "kind/name" as AWS names it
                          ("ecr-repository/REGISTRY/NAME" for ECR policies, ...) */
    char *name;        /* family:revision, service/cluster/repository/nodegroup/addon name */
    char *source;      /* the file it came from (or "-", or the API call, "ecs:DescribeServices
                          us-east-1") */
    char *registry_id; /* ECR: the registry (account) id; NULL when not known */
    char *cluster;     /* ECS service / EKS nodegroup and add-on: the cluster's name or ARN as
                          given; NULL otherwise */
} ld_aws_resource;

/* Limits: one input at most 64 MiB, 2,000,000 JSON values, nesting 256;
 * at most 200,000 resources in a set. Over a limit is LD_ERR_LIMIT. */
#define LD_AWS_INPUT_MAX ((size_t)64 << 20)
#define LD_AWS_RESOURCES_MAX ((size_t)200000)

typedef struct ld_aws_set ld_aws_set;

ld_aws_set *ld_aws_set_new(void);
void ld_aws_set_free(ld_aws_set *s);

/* Loads one input named on the command line: a file, a directory (every
 * *.json, *.err and *.txt file under it, in name order, no symbolic link
 * followed, hidden entries skipped, depth at most 16), or "-" (stdin).
 * A named input that cannot be opened, read or parsed, or holds no shape
 * above, is an error (err names it). A file under a directory that cannot
 * be read or parsed is recorded unread (ld_aws_set_unread) and loading
 * goes on; a JSON file of another shape is a note ("FILE: not AWS CLI
 * output lockdown reads (top-level keys: ...); skipped"). */
int ld_aws_load_named(ld_aws_set *s, const char *path, ld_error *err);

/* Adds the resources of one document (buf: JSON or an AWS CLI error
 * line), named source in messages. Returns the number of resources added
 * (0: a recognised shape holding none, e.g. "repositories": []), or < 0:
 * LD_ERR_CORRUPT (malformed, wrong types where a shape needs an object or
 * an array), LD_ERR_UNSUPPORTED (no known shape), LD_ERR_LIMIT. */
int ld_aws_set_add_buffer(ld_aws_set *s, const char *source, const char *buf, size_t len,
                          ld_error *err);
/* The same for an already parsed document (the live path); takes a
 * reference of doc. */
int ld_aws_set_add_json(ld_aws_set *s, const char *source, json_t *doc, ld_error *err);
/* Records an ABSENCE (the live path: the API answered ...NotFoundException). */
void ld_aws_set_add_absent(ld_aws_set *s, ld_aws_kind kind, const char *source,
                           const char *registry_id, const char *name);
/* Records an input or API call that could not be read ("FILE: why"). An
 * unread file could have held anything: every check is then not assessed. */
void ld_aws_set_add_unread(ld_aws_set *s, const char *what_and_why);
/* The same for one API call of service ("ecs", "ecr", "eks", "ec2"): only
 * the checks of that service are then not assessed (ec2: the EKS checks,
 * which read node groups' launch templates). */
void ld_aws_set_add_unread_service(ld_aws_set *s, const char *service, const char *what_and_why);
/* How many unread records bear on the checks of service ("ecs", "ecr",
 * "eks"): untagged ones and those of that service; *first (may be NULL)
 * receives the first. */
size_t ld_aws_set_unread_for(const ld_aws_set *s, const char *service, const char **first);
/* A note for the report ("ecs describe-services: 2 failures: MISSING ..."). */
void ld_aws_set_add_note(ld_aws_set *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

size_t ld_aws_set_count(const ld_aws_set *s, ld_aws_kind kind);
const ld_aws_resource *ld_aws_set_get(const ld_aws_set *s, ld_aws_kind kind, size_t i);
/* Every resource of every kind. */
size_t ld_aws_set_total(const ld_aws_set *s);
/* Lookups (NULL when none): the lifecycle policy / repository policy
 * record (present or absent) of an ECR repository; the EKS cluster of a
 * name or ARN; the launch template version a nodegroup names (id or name,
 * and version: "$Default"/"$Latest" match the one marked default / the
 * highest number present). registry_id NULL matches any registry. */
const ld_aws_resource *ld_aws_set_find(const ld_aws_set *s, ld_aws_kind kind,
                                       const char *registry_id, const char *name);
const ld_aws_resource *ld_aws_set_launch_template(const ld_aws_set *s, const char *id,
                                                  const char *name, const char *version);

const ld_strlist *ld_aws_set_unread(const ld_aws_set *s);
const ld_strlist *ld_aws_set_notes(const ld_aws_set *s);
/* The inputs as given, for the report's scope ("aws-export/", "-"). */
const char *ld_aws_set_inputs(const ld_aws_set *s);
size_t ld_aws_set_files(const ld_aws_set *s); /* documents read */

#endif
