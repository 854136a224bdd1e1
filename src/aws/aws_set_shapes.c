/* Which AWS CLI output a JSON document is (aws/aws_set.h lists the shapes)
 * and the resources in it, with their ids, names, registries and
 * clusters. A member a shape needs as an object or an array, an
 * identifying member that is not a string, and an element of a resource
 * array that is not an object make the whole document LD_ERR_CORRUPT
 * (naming the member): such a file was not written by the AWS CLI, and a
 * check must never pass a resource because a hostile document hid a field
 * behind a wrong type. Members the checks read deeper are type-checked by
 * the checks (aws/aws_json.h). Not for error documents
 * (aws_set_errline.c) nor files (aws_set_walk.c). */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "aws/aws_set_internal.h"
#include "util/mem.h"

#define KEYS_SHOWN_MAX 8 /* top-level keys named when a document is not a shape */
#define KEY_SHOWN_MAX 64 /* bytes of each */

typedef struct {
    const char *source;
    ld_aws_pending *p;
    ld_error *err;
} reader;

static const char *json_kind(const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT: return "an object";
    case JSON_ARRAY: return "an array";
    case JSON_STRING: return "a string";
    case JSON_INTEGER:
    case JSON_REAL: return "a number";
    case JSON_TRUE:
    case JSON_FALSE: return "a boolean";
    default: return "null";
    }
}

static int wrong_type(reader *rd, const char *where, const char *key, const json_t *v,
                      const char *wanted)
{
    return ld_error_set(rd->err, LD_ERR_CORRUPT, "%s: %s%s%s is %s, not %s; not AWS CLI output",
                        rd->source, where, where[0] && key[0] ? "." : "", key, json_kind(v),
                        wanted);
}

/* obj[key] as an owned string: *out NULL when missing, null or "" (the
 * skeletons print ""); a member of another type is corrupt. */
static int opt_string(reader *rd, const char *where, const json_t *obj, const char *key, char **out)
{
    *out = NULL;
    const json_t *v = json_object_get(obj, key);
    if (!v || json_is_null(v))
        return 0;
    if (!json_is_string(v))
        return wrong_type(rd, where, key, v, "a string");
    const char *str = json_string_value(v);
    if (str[0])
        *out = ld_xstrndup(str, json_string_length(v));
    return 0;
}

/* A member that, when present, must be an object / an array. */
typedef struct {
    const char *key;
    json_type type;
} member_type;

static int check_members(reader *rd, const char *where, const json_t *obj,
                         const member_type *members)
{
    for (const member_type *m = members; m && m->key; m++) {
        const json_t *v = json_object_get(obj, m->key);
        if (!v || json_is_null(v) || json_typeof(v) == m->type)
            continue;
        return wrong_type(rd, where, m->key, v,
                          m->type == JSON_OBJECT  ? "an object"
                          : m->type == JSON_ARRAY ? "an array"
                                                  : "a string");
    }
    return 0;
}

/* Every element of arr must be an object (arr[i] named in the message). */
static int check_objects(reader *rd, const char *where, const char *key, const json_t *arr)
{
    size_t i;
    const json_t *e;
    json_array_foreach(arr, i, e)
    {
        if (json_is_object(e))
            continue;
        char *at = ld_xasprintf("%s[%zu]", key, i);
        int rc = wrong_type(rd, where, at, e, "an object");
        free(at);
        return rc;
    }
    return 0;
}

/* The account in an ARN (arn:PARTITION:SERVICE:REGION:ACCOUNT:...); NULL
 * when arn is not one. */
static char *arn_account(const char *arn)
{
    if (!arn || strncmp(arn, "arn:", 4) != 0)
        return NULL;
    const char *p = arn;
    for (int field = 0; field < 4; field++) {
        p = strchr(p, ':');
        if (!p)
            return NULL;
        p++;
    }
    const char *end = strchr(p, ':');
    if (!end || end == p)
        return NULL;
    return ld_xstrndup(p, (size_t)(end - p));
}

/* ---- one resource of each kind ---- */

typedef struct {
    ld_aws_kind kind;
    const char *arn_key;     /* the ARN member, or NULL */
    const char *name_key;    /* the name member */
    const char *cluster_key; /* ECS service / EKS nodegroup and add-on, or NULL */
    bool ecr;                /* has a registry id */
    bool named_by_registry;  /* the registry's own documents: name is registryId */
    const member_type *members;
} kind_shape;

static const member_type task_def_members[] = {{"containerDefinitions", JSON_ARRAY},
                                               {"volumes", JSON_ARRAY},
                                               {"requiresCompatibilities", JSON_ARRAY},
                                               {"placementConstraints", JSON_ARRAY},
                                               {"runtimePlatform", JSON_OBJECT},
                                               {"ephemeralStorage", JSON_OBJECT},
                                               {"tags", JSON_ARRAY},
                                               {NULL, 0}};
static const member_type container_members[] = {{"environment", JSON_ARRAY},
                                                {"secrets", JSON_ARRAY},
                                                {"mountPoints", JSON_ARRAY},
                                                {"portMappings", JSON_ARRAY},
                                                {"linuxParameters", JSON_OBJECT},
                                                {"logConfiguration", JSON_OBJECT},
                                                {"environmentFiles", JSON_ARRAY},
                                                {"volumesFrom", JSON_ARRAY},
                                                {NULL, 0}};
static const member_type service_members[] = {{"networkConfiguration", JSON_OBJECT},
                                              {"deployments", JSON_ARRAY},
                                              {"loadBalancers", JSON_ARRAY},
                                              {"tags", JSON_ARRAY},
                                              {NULL, 0}};
static const member_type cluster_members[] = {
    {"configuration", JSON_OBJECT}, {"settings", JSON_ARRAY}, {"tags", JSON_ARRAY}, {NULL, 0}};
static const member_type repo_members[] = {{"imageScanningConfiguration", JSON_OBJECT},
                                           {"encryptionConfiguration", JSON_OBJECT},
                                           {NULL, 0}};
static const member_type scanning_members[] = {{"scanningConfiguration", JSON_OBJECT}, {NULL, 0}};
static const member_type registry_members[] = {{"replicationConfiguration", JSON_OBJECT},
                                               {NULL, 0}};
static const member_type eks_cluster_members[] = {{"resourcesVpcConfig", JSON_OBJECT},
                                                  {"logging", JSON_OBJECT},
                                                  {"encryptionConfig", JSON_ARRAY},
                                                  {"accessConfig", JSON_OBJECT},
                                                  {NULL, 0}};
static const member_type nodegroup_members[] = {{"remoteAccess", JSON_OBJECT},
                                                {"launchTemplate", JSON_OBJECT},
                                                {"resources", JSON_OBJECT},
                                                {"instanceTypes", JSON_ARRAY},
                                                {NULL, 0}};
static const member_type addon_versions_members[] = {{"addonVersions", JSON_ARRAY}, {NULL, 0}};
static const member_type lt_members[] = {{"LaunchTemplateData", JSON_OBJECT}, {NULL, 0}};

static const kind_shape shapes[LD_AWS_KIND_COUNT] = {
    [LD_AWS_TASK_DEFINITION] = {.kind = LD_AWS_TASK_DEFINITION,
                                .arn_key = "taskDefinitionArn",
                                .name_key = "family",
                                .members = task_def_members},
    [LD_AWS_ECS_SERVICE] = {.kind = LD_AWS_ECS_SERVICE,
                            .arn_key = "serviceArn",
                            .name_key = "serviceName",
                            .cluster_key = "clusterArn",
                            .members = service_members},
    [LD_AWS_ECS_CLUSTER] = {.kind = LD_AWS_ECS_CLUSTER,
                            .arn_key = "clusterArn",
                            .name_key = "clusterName",
                            .members = cluster_members},
    [LD_AWS_ECR_REPOSITORY] = {.kind = LD_AWS_ECR_REPOSITORY,
                               .arn_key = "repositoryArn",
                               .name_key = "repositoryName",
                               .ecr = true,
                               .members = repo_members},
    [LD_AWS_ECR_LIFECYCLE] = {.kind = LD_AWS_ECR_LIFECYCLE,
                              .name_key = "repositoryName",
                              .ecr = true},
    [LD_AWS_ECR_REPO_POLICY] = {.kind = LD_AWS_ECR_REPO_POLICY,
                                .name_key = "repositoryName",
                                .ecr = true},
    [LD_AWS_ECR_SCANNING] = {.kind = LD_AWS_ECR_SCANNING,
                             .name_key = "registryId",
                             .ecr = true,
                             .named_by_registry = true,
                             .members = scanning_members},
    [LD_AWS_ECR_REGISTRY] = {.kind = LD_AWS_ECR_REGISTRY,
                             .name_key = "registryId",
                             .ecr = true,
                             .named_by_registry = true,
                             .members = registry_members},
    [LD_AWS_ECR_PULL_THROUGH] = {.kind = LD_AWS_ECR_PULL_THROUGH,
                                 .name_key = "ecrRepositoryPrefix",
                                 .ecr = true},
    [LD_AWS_EKS_CLUSTER] = {.kind = LD_AWS_EKS_CLUSTER,
                            .arn_key = "arn",
                            .name_key = "name",
                            .members = eks_cluster_members},
    [LD_AWS_EKS_NODEGROUP] = {.kind = LD_AWS_EKS_NODEGROUP,
                              .arn_key = "nodegroupArn",
                              .name_key = "nodegroupName",
                              .cluster_key = "clusterName",
                              .members = nodegroup_members},
    [LD_AWS_EKS_ADDON] = {.kind = LD_AWS_EKS_ADDON,
                          .arn_key = "addonArn",
                          .name_key = "addonName",
                          .cluster_key = "clusterName"},
    [LD_AWS_EKS_ADDON_VERSIONS] = {.kind = LD_AWS_EKS_ADDON_VERSIONS,
                                   .name_key = "addonName",
                                   .members = addon_versions_members},
    [LD_AWS_LAUNCH_TEMPLATE] = {.kind = LD_AWS_LAUNCH_TEMPLATE,
                                .name_key = "LaunchTemplateName",
                                .members = lt_members},
};

/* The containers of a task definition: objects, with the members the
 * checks walk of the right type. */
static int check_containers(reader *rd, const char *where, const json_t *td)
{
    const json_t *defs = json_object_get(td, "containerDefinitions");
    if (!json_is_array(defs))
        return 0;
    int rc = check_objects(rd, where, "containerDefinitions", defs);
    size_t i;
    const json_t *c;
    json_array_foreach(defs, i, c)
    {
        if (rc < 0)
            break;
        char *at = ld_xasprintf("%s%scontainerDefinitions[%zu]", where, where[0] ? "." : "", i);
        rc = check_members(rd, at, c, container_members);
        free(at);
    }
    return rc;
}

/* The name of a resource: family:revision, LaunchTemplateName:VersionNumber,
 * or the kind's name member. */
static int resource_name(reader *rd, const kind_shape *k, const char *where, const json_t *obj,
                         char **out)
{
    int rc = opt_string(rd, where, obj, k->name_key, out);
    if (rc < 0 || !*out)
        return rc;
    const char *num_key = k->kind == LD_AWS_TASK_DEFINITION   ? "revision"
                          : k->kind == LD_AWS_LAUNCH_TEMPLATE ? "VersionNumber"
                                                              : NULL;
    if (!num_key)
        return 0;
    const json_t *n = json_object_get(obj, num_key);
    if (!n || json_is_null(n))
        return 0;
    if (!json_is_integer(n)) {
        free(*out);
        *out = NULL;
        return wrong_type(rd, where, num_key, n, "an integer");
    }
    char *named = ld_xasprintf("%s:%lld", *out, (long long)json_integer_value(n));
    free(*out);
    *out = named;
    return 0;
}

/* The id when the kind has no ARN member: as aws_set.h states. */
static char *composed_id(const kind_shape *k, const json_t *obj, const char *name,
                         const char *registry_id)
{
    const char *reg = registry_id ? registry_id : "-";
    switch (k->kind) {
    case LD_AWS_ECR_LIFECYCLE:
    case LD_AWS_ECR_REPO_POLICY: return name ? ld_aws_ecr_repo_id(registry_id, name) : NULL;
    case LD_AWS_ECR_SCANNING:
    case LD_AWS_ECR_REGISTRY: return registry_id ? ld_xasprintf("ecr-registry/%s", reg) : NULL;
    case LD_AWS_ECR_PULL_THROUGH:
        return name ? ld_xasprintf("ecr-pull-through-cache/%s/%s", reg, name) : NULL;
    case LD_AWS_LAUNCH_TEMPLATE: {
        const char *lt = json_string_value(json_object_get(obj, "LaunchTemplateId"));
        const json_t *v = json_object_get(obj, "VersionNumber");
        if (!lt || !lt[0] || !json_is_integer(v))
            return NULL;
        return ld_xasprintf("launch-template/%s:%lld", lt, (long long)json_integer_value(v));
    }
    default: return NULL;
    }
}

/* Reads one resource object (where: its path in the document, "" for the
 * document itself). */
static int read_resource(reader *rd, ld_aws_kind kind, const char *where, const json_t *obj)
{
    const kind_shape *k = &shapes[kind];
    char *arn = NULL, *name = NULL, *registry = NULL, *cluster = NULL, *lt_id = NULL;
    int rc = check_members(rd, where, obj, k->members);
    if (rc == 0 && kind == LD_AWS_TASK_DEFINITION)
        rc = check_containers(rd, where, obj);
    if (rc == 0 && k->arn_key)
        rc = opt_string(rd, where, obj, k->arn_key, &arn);
    if (rc == 0)
        rc = resource_name(rd, k, where, obj, &name);
    if (rc == 0 && k->ecr && !k->named_by_registry)
        rc = opt_string(rd, where, obj, "registryId", &registry);
    if (rc == 0 && k->cluster_key)
        rc = opt_string(rd, where, obj, k->cluster_key, &cluster);
    if (rc == 0 && kind == LD_AWS_LAUNCH_TEMPLATE) /* type-checked: the id is made of it */
        rc = opt_string(rd, where, obj, "LaunchTemplateId", &lt_id);
    free(lt_id);
    if (rc < 0) {
        free(arn), free(name), free(registry), free(cluster);
        return rc;
    }
    if (k->named_by_registry)
        registry = ld_xstrdup(name);
    if (k->ecr && !registry)
        registry = arn_account(arn);
    char *id = arn ? arn : composed_id(k, obj, name, registry);
    if (!id)
        id = ld_xasprintf("%s/%s", ld_aws_kind_name(kind), name ? name : "(unnamed)");
    ld_aws_pending_push(rd->p, kind, obj, id, name, registry, cluster);
    return 0;
}

/* Every element of doc[key] (an array of objects) as a resource. */
static int read_array(reader *rd, ld_aws_kind kind, const json_t *doc, const char *key)
{
    const json_t *arr = json_object_get(doc, key);
    if (!json_is_array(arr))
        return wrong_type(rd, "", key, arr, "an array");
    int rc = check_objects(rd, "", key, arr);
    size_t i;
    const json_t *e;
    json_array_foreach(arr, i, e)
    {
        if (rc < 0)
            break;
        char *where = ld_xasprintf("%s[%zu]", key, i);
        rc = read_resource(rd, kind, where, e);
        free(where);
    }
    return rc;
}

static int read_member(reader *rd, ld_aws_kind kind, const json_t *doc, const char *key)
{
    const json_t *v = json_object_get(doc, key);
    if (!json_is_object(v))
        return wrong_type(rd, "", key, v, "an object");
    return read_resource(rd, kind, key, v);
}

/* describe-services / describe-clusters "failures": a note each. */
static int read_failures(reader *rd, const char *operation, const json_t *doc)
{
    const json_t *f = json_object_get(doc, "failures");
    if (!f || json_is_null(f))
        return 0;
    if (!json_is_array(f))
        return wrong_type(rd, "", "failures", f, "an array");
    int rc = check_objects(rd, "", "failures", f);
    size_t i;
    const json_t *e;
    json_array_foreach(f, i, e)
    {
        if (rc < 0)
            break;
        char *where = ld_xasprintf("failures[%zu]", i);
        char *arn = NULL, *reason = NULL, *detail = NULL;
        rc = opt_string(rd, where, e, "arn", &arn);
        if (rc == 0)
            rc = opt_string(rd, where, e, "reason", &reason);
        if (rc == 0)
            rc = opt_string(rd, where, e, "detail", &detail);
        if (rc == 0)
            ld_aws_pending_note(rd->p, "%s: %s failure: %s: %s%s%s%s; not assessed", rd->source,
                                operation, arn ? arn : "(no arn)", reason ? reason : "(no reason)",
                                detail ? " (" : "", detail ? detail : "", detail ? ")" : "");
        free(where), free(arn), free(reason), free(detail);
    }
    return rc;
}

/* Whether doc[key] is an array of strings only (a list-* output). */
static bool string_array(const json_t *doc, const char *key)
{
    const json_t *arr = json_object_get(doc, key);
    if (!json_is_array(arr))
        return false;
    size_t i;
    const json_t *e;
    json_array_foreach(arr, i, e)
    {
        if (!json_is_string(e))
            return false;
    }
    return true;
}

/* The outputs that only list names or ARNs. */
static const struct {
    const char *key, *operation, *what, *describe;
} listings[] = {
    {"clusterArns", "ecs list-clusters", "cluster ARNs", "aws ecs describe-clusters --clusters"},
    {"serviceArns", "ecs list-services", "service ARNs",
     "aws ecs describe-services --cluster C --services"},
    {"taskDefinitionArns", "ecs list-task-definitions", "task definition ARNs",
     "aws ecs describe-task-definition --task-definition"},
    {"nodegroups", "eks list-nodegroups", "node group names",
     "aws eks describe-nodegroup --cluster-name C --nodegroup-name"},
    {"imageDetails", "ecr describe-images", "image details",
     "aws ecr describe-repositories and get-lifecycle-policy for"},
    {"imageIds", "ecr list-images", "image ids",
     "aws ecr describe-repositories and get-lifecycle-policy for"},
};

static bool read_listing(reader *rd, const json_t *doc, const char *key, const char *operation,
                         const char *what, const char *describe)
{
    const json_t *arr = json_object_get(doc, key);
    if (!json_is_array(arr))
        return false;
    ld_aws_pending_note(rd->p,
                        "%s: %s output lists %zu %s and describes none; export `%s ...` for "
                        "them to be checked (see docs/aws.md)",
                        rd->source, operation, json_array_size(arr), what, describe);
    return true;
}

/* Whether doc is a list-* output (its note added). "clusters" and
 * "addons" holding strings are eks list-clusters / list-addons; holding
 * objects, describe-clusters / describe-addon-versions. */
static bool listing(reader *rd, const json_t *doc)
{
    for (size_t i = 0; i < sizeof(listings) / sizeof(listings[0]); i++)
        if (read_listing(rd, doc, listings[i].key, listings[i].operation, listings[i].what,
                         listings[i].describe))
            return true;
    if (string_array(doc, "clusters") && !json_object_get(doc, "failures"))
        return read_listing(rd, doc, "clusters", "eks list-clusters", "cluster names",
                            "aws eks describe-cluster --name");
    if (string_array(doc, "addons"))
        return read_listing(rd, doc, "addons", "eks list-addons", "add-on names",
                            "aws eks describe-addon --cluster-name C --addon-name");
    return false;
}

static bool has(const json_t *doc, const char *key)
{
    return json_object_get(doc, key) != NULL;
}

/* describe-task-definition's "tags" sit beside the task definition; a
 * registered task definition carries them inside. So that the checks find
 * them in one place, they are linked into the task definition as its
 * "tags" when it has none (the one change made to a document; the set
 * owns a reference of it). */
static void attach_tags(const json_t *doc)
{
    json_t *td = json_object_get(doc, "taskDefinition");
    json_t *tags = json_object_get(doc, "tags");
    if (json_is_object(td) && json_is_array(tags) && !json_object_get(td, "tags"))
        json_object_set(td, "tags", tags);
}

static int read_object_document(reader *rd, const json_t *doc)
{
    if (has(doc, "taskDefinition")) {
        const json_t *tags = json_object_get(doc, "tags");
        if (tags && !json_is_null(tags) && !json_is_array(tags))
            return wrong_type(rd, "", "tags", tags, "an array");
        int rc = read_member(rd, LD_AWS_TASK_DEFINITION, doc, "taskDefinition");
        if (rc == 0)
            attach_tags(doc);
        return rc;
    }
    if (has(doc, "family") && has(doc, "containerDefinitions")) {
        const json_t *cd = json_object_get(doc, "containerDefinitions");
        if (!json_is_array(cd))
            return wrong_type(rd, "", "containerDefinitions", cd, "an array");
        return read_resource(rd, LD_AWS_TASK_DEFINITION, "", doc);
    }
    if (has(doc, "services")) {
        int rc = read_array(rd, LD_AWS_ECS_SERVICE, doc, "services");
        return rc < 0 ? rc : read_failures(rd, "ecs describe-services", doc);
    }
    if (listing(rd, doc))
        return 0;
    if (has(doc, "clusters")) {
        int rc = read_array(rd, LD_AWS_ECS_CLUSTER, doc, "clusters");
        return rc < 0 ? rc : read_failures(rd, "ecs describe-clusters", doc);
    }
    if (has(doc, "repositories"))
        return read_array(rd, LD_AWS_ECR_REPOSITORY, doc, "repositories");
    if (has(doc, "lifecyclePolicyText"))
        return read_resource(rd, LD_AWS_ECR_LIFECYCLE, "", doc);
    if (has(doc, "policyText") && has(doc, "repositoryName"))
        return read_resource(rd, LD_AWS_ECR_REPO_POLICY, "", doc);
    if (has(doc, "scanningConfiguration"))
        return read_resource(rd, LD_AWS_ECR_SCANNING, "", doc);
    if (has(doc, "replicationConfiguration") && has(doc, "registryId"))
        return read_resource(rd, LD_AWS_ECR_REGISTRY, "", doc);
    if (has(doc, "pullThroughCacheRules"))
        return read_array(rd, LD_AWS_ECR_PULL_THROUGH, doc, "pullThroughCacheRules");
    if (has(doc, "cluster"))
        return read_member(rd, LD_AWS_EKS_CLUSTER, doc, "cluster");
    if (has(doc, "nodegroup"))
        return read_member(rd, LD_AWS_EKS_NODEGROUP, doc, "nodegroup");
    if (has(doc, "addon"))
        return read_member(rd, LD_AWS_EKS_ADDON, doc, "addon");
    if (has(doc, "addons"))
        return read_array(rd, LD_AWS_EKS_ADDON_VERSIONS, doc, "addons");
    if (has(doc, "LaunchTemplateVersions"))
        return read_array(rd, LD_AWS_LAUNCH_TEMPLATE, doc, "LaunchTemplateVersions");
    return LD_ERR_UNSUPPORTED;
}

/* "SOURCE: not AWS CLI output lockdown reads (top-level keys: ...)". */
static int not_a_shape(reader *rd, const json_t *doc)
{
    if (!json_is_object(doc))
        return ld_error_set(rd->err, LD_ERR_UNSUPPORTED,
                            "%s: not AWS CLI output lockdown reads (the document is %s)",
                            rd->source, json_kind(doc));
    ld_strlist keys = {0};
    const char *key;
    const json_t *v;
    json_object_foreach((json_t *)doc, key, v)
    {
        (void)v;
        if (keys.n == KEYS_SHOWN_MAX) {
            ld_strlist_push(&keys, "...");
            break;
        }
        /* a hostile key can be megabytes long: show its start */
        ld_strlist_push_owned(&keys, strlen(key) > KEY_SHOWN_MAX
                                         ? ld_xasprintf("%.*s...", KEY_SHOWN_MAX, key)
                                         : ld_xstrdup(key));
    }
    char *list = ld_strlist_join(&keys, ", ");
    ld_strlist_clear(&keys);
    int rc = ld_error_set(rd->err, LD_ERR_UNSUPPORTED,
                          "%s: not AWS CLI output lockdown reads (top-level keys: %s)", rd->source,
                          list[0] ? list : "none");
    free(list);
    return rc;
}

static int read_document(reader *rd, const json_t *doc)
{
    if (!json_is_object(doc))
        return not_a_shape(rd, doc);
    if (ld_aws_is_api_error(doc))
        return ld_aws_api_error_read(rd->source, doc, rd->p, rd->err);
    int rc = read_object_document(rd, doc);
    return rc == LD_ERR_UNSUPPORTED ? not_a_shape(rd, doc) : rc;
}

int ld_aws_shapes_read(const char *source, const json_t *doc, ld_aws_pending *p, ld_error *err)
{
    reader rd = {source, p, err};
    if (!json_is_array(doc))
        return read_document(&rd, doc);
    /* a JSON array of documents (one level: an array in it is corrupt) */
    if (json_array_size(doc) == 0)
        return ld_error_set(err, LD_ERR_UNSUPPORTED,
                            "%s: an empty JSON array; no AWS CLI output in it", source);
    size_t i;
    const json_t *e;
    json_array_foreach(doc, i, e)
    {
        if (!json_is_object(e)) {
            char *at = ld_xasprintf("[%zu]", i);
            int rc = wrong_type(&rd, "", at, e, "an object (an AWS CLI output)");
            free(at);
            return rc;
        }
        char *src = ld_xasprintf("%s[%zu]", source, i);
        reader inner = {src, p, err};
        p->source = src;
        int rc = read_document(&inner, e);
        p->source = NULL;
        free(src);
        if (rc < 0)
            return rc;
    }
    return 0;
}
