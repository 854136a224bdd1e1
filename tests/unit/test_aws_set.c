/* Unit tests for the AWS set and loader (aws/aws_set*.c).
 *
 * Every shape aws/aws_set.h lists, built from the Debian awscli's
 * `--generate-cli-skeleton output` (botocore's models) with the values
 * edited per case: ids, names, registries and clusters of each kind; the
 * AWS CLI's error lines and the API's JSON errors as ABSENCE records;
 * lookups (find, launch templates with $Default/$Latest); list-* outputs
 * and describe "failures" as notes; duplicates kept once; hostile input
 * (over the size, value and nesting limits, wrong types at every level,
 * invalid UTF-8, NUL bytes, empty, "null", "[]"); and the directory walk
 * (name order, hidden entries, a FIFO, a symbolic link out, an unreadable
 * file, depth over 16, .err and .txt files, stdin). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "aws/aws_set.h"
#include "util/mem.h"

#define ACCT "123456789012"

static int load(ld_aws_set *s, const char *src, const char *json, ld_error *err)
{
    ld_error_clear(err);
    return ld_aws_set_add_buffer(s, src, json, strlen(json), err);
}

static bool list_contains(const ld_strlist *l, const char *what)
{
    for (size_t i = 0; i < l->n; i++)
        if (strstr(l->v[i], what))
            return true;
    return false;
}

/* ---- shapes ---- */

static const char *task_def_doc =
    "{\"taskDefinition\": {\"taskDefinitionArn\": \"arn:aws:ecs:us-east-1:" ACCT
    ":task-definition/web:3\", \"containerDefinitions\": [{\"name\": \"app\", \"image\": "
    "\"nginx\", \"privileged\": true, \"environment\": [{\"name\": \"A\", \"value\": \"b\"}]}], "
    "\"family\": \"web\", \"revision\": 3, \"volumes\": [], \"status\": \"ACTIVE\", "
    "\"requiresCompatibilities\": [\"FARGATE\"], \"cpu\": \"256\", \"memory\": \"512\"}, "
    "\"tags\": [{\"key\": \"team\", \"value\": \"a\"}]}";

static void test_task_definitions(void **state)
{
    (void)state;
    ld_aws_set *s = ld_aws_set_new();
    ld_error err = LD_ERROR_INIT;
    assert_int_equal(load(s, "td.json", task_def_doc, &err), 1);
    const ld_aws_resource *r = ld_aws_set_get(s, LD_AWS_TASK_DEFINITION, 0);
    assert_non_null(r);
    assert_string_equal(r->id, "arn:aws:ecs:us-east-1:" ACCT ":task-definition/web:3");
    assert_string_equal(r->name, "web:3");
    assert_string_equal(r->source, "td.json");
    assert_false(r->absent);
    assert_null(r->registry_id);
    assert_null(r->cluster);
    assert_true(json_is_array(json_object_get(r->obj, "containerDefinitions")));
    /* describe-task-definition's tags are reachable from the task definition */
    const json_t *tags = json_object_get(r->obj, "tags");
    assert_true(json_is_array(tags));
    assert_string_equal(json_string_value(json_object_get(json_array_get(tags, 0), "key")), "team");

    /* a registered task definition (register-task-definition's input) */
    assert_int_equal(load(s, "reg.json",
                          "{\"family\": \"batch\", \"containerDefinitions\": [{\"name\": \"x\", "
                          "\"image\": \"" ACCT ".dkr.ecr.us-east-1.amazonaws.com/x@sha256:ab\"}]}",
                          &err),
                     1);
    r = ld_aws_set_get(s, LD_AWS_TASK_DEFINITION, 1);
    assert_string_equal(r->name, "batch");
    assert_string_equal(r->id, "ecs-task-definition/batch");
    assert_int_equal(ld_aws_set_count(s, LD_AWS_TASK_DEFINITION), 2);
    assert_int_equal(ld_aws_set_total(s), 2);
    assert_int_equal(ld_aws_set_files(s), 2);
    assert_string_equal(ld_aws_kind_name(LD_AWS_TASK_DEFINITION), "ecs-task-definition");
    assert_string_equal(ld_aws_kind_title(LD_AWS_EKS_NODEGROUP), "EKS node group");
    ld_aws_set_free(s);
}

static void test_ecs_services_and_clusters(void **state)
{
    (void)state;
    ld_aws_set *s = ld_aws_set_new();
    ld_error err = LD_ERROR_INIT;
    const char *services =
        "{\"services\": [{\"serviceArn\": \"arn:aws:ecs:us-east-1:" ACCT
        ":service/prod/api\", \"serviceName\": \"api\", \"clusterArn\": "
        "\"arn:aws:ecs:us-east-1:" ACCT
        ":cluster/prod\", \"launchType\": \"FARGATE\", \"platformVersion\": \"LATEST\", "
        "\"networkConfiguration\": {\"awsvpcConfiguration\": {\"assignPublicIp\": \"ENABLED\"}}, "
        "\"enableExecuteCommand\": true}, {\"serviceArn\": \"arn:aws:ecs:us-east-1:" ACCT
        ":service/prod/worker\", \"serviceName\": \"worker\", \"clusterArn\": "
        "\"arn:aws:ecs:us-east-1:" ACCT ":cluster/prod\"}], \"failures\": [{\"arn\": "
        "\"arn:aws:ecs:us-east-1:" ACCT ":service/prod/gone\", \"reason\": \"MISSING\"}]}";
    assert_int_equal(load(s, "services.json", services, &err), 2);
    const ld_aws_resource *r = ld_aws_set_get(s, LD_AWS_ECS_SERVICE, 1);
    assert_string_equal(r->name, "worker");
    assert_string_equal(r->id, "arn:aws:ecs:us-east-1:" ACCT ":service/prod/worker");
    assert_string_equal(r->cluster, "arn:aws:ecs:us-east-1:" ACCT ":cluster/prod");
    assert_true(list_contains(ld_aws_set_notes(s),
                              "services.json: ecs describe-services failure: "
                              "arn:aws:ecs:us-east-1:" ACCT ":service/prod/gone: MISSING"));
    const char *clusters =
        "{\"clusters\": [{\"clusterArn\": \"arn:aws:ecs:us-east-1:" ACCT
        ":cluster/prod\", \"clusterName\": \"prod\", \"configuration\": "
        "{\"executeCommandConfiguration\": {\"logging\": \"DEFAULT\"}}, \"settings\": "
        "[{\"name\": \"containerInsights\", \"value\": \"enabled\"}]}], \"failures\": []}";
    assert_int_equal(load(s, "clusters.json", clusters, &err), 1);
    r = ld_aws_set_get(s, LD_AWS_ECS_CLUSTER, 0);
    assert_string_equal(r->name, "prod");
    assert_null(r->cluster);
    assert_int_equal(ld_aws_set_count(s, LD_AWS_EKS_CLUSTER), 0);
    assert_int_equal(ld_aws_set_notes(s)->n, 1);
    ld_aws_set_free(s);
}

static void test_ecr_shapes(void **state)
{
    (void)state;
    ld_aws_set *s = ld_aws_set_new();
    ld_error err = LD_ERROR_INIT;
    const char *repos =
        "{\"repositories\": [{\"repositoryArn\": \"arn:aws:ecr:us-east-1:" ACCT
        ":repository/team/app\", \"registryId\": \"" ACCT "\", \"repositoryName\": \"team/app\", "
        "\"imageTagMutability\": \"MUTABLE\", \"imageScanningConfiguration\": {\"scanOnPush\": "
        "false}, \"encryptionConfiguration\": {\"encryptionType\": \"AES256\"}}, "
        "{\"repositoryArn\": \"arn:aws:ecr:us-east-1:210987654321:repository/other\", "
        "\"repositoryName\": \"other\"}], \"nextToken\": \"\"}";
    assert_int_equal(load(s, "repos.json", repos, &err), 2);
    assert_string_equal(ld_aws_set_get(s, LD_AWS_ECR_REPOSITORY, 0)->registry_id, ACCT);
    /* no registryId member: the account of the ARN */
    assert_string_equal(ld_aws_set_get(s, LD_AWS_ECR_REPOSITORY, 1)->registry_id, "210987654321");

    assert_int_equal(load(s, "lc.json",
                          "{\"registryId\": \"" ACCT "\", \"repositoryName\": \"team/app\", "
                          "\"lifecyclePolicyText\": \"{\\\"rules\\\": []}\", \"lastEvaluatedAt\": "
                          "\"1970-01-01T00:00:00\"}",
                          &err),
                     1);
    const ld_aws_resource *r = ld_aws_set_get(s, LD_AWS_ECR_LIFECYCLE, 0);
    assert_string_equal(r->id, "ecr-repository/" ACCT "/team/app");
    assert_string_equal(r->name, "team/app");
    assert_false(r->absent);
    assert_int_equal(load(s, "pol.json",
                          "{\"registryId\": \"" ACCT "\", \"repositoryName\": \"team/app\", "
                          "\"policyText\": \"{}\"}",
                          &err),
                     1);
    assert_string_equal(ld_aws_set_get(s, LD_AWS_ECR_REPO_POLICY, 0)->id,
                        "ecr-repository/" ACCT "/team/app");
    assert_int_equal(load(s, "scan.json",
                          "{\"registryId\": \"" ACCT
                          "\", \"scanningConfiguration\": {\"scanType\": "
                          "\"ENHANCED\", \"rules\": [{\"scanFrequency\": \"SCAN_ON_PUSH\", "
                          "\"repositoryFilters\": [{\"filter\": \"*\", \"filterType\": "
                          "\"WILDCARD\"}]}]}}",
                          &err),
                     1);
    r = ld_aws_set_get(s, LD_AWS_ECR_SCANNING, 0);
    assert_string_equal(r->id, "ecr-registry/" ACCT);
    assert_string_equal(r->registry_id, ACCT);
    assert_int_equal(load(s, "registry.json",
                          "{\"registryId\": \"" ACCT "\", \"replicationConfiguration\": "
                          "{\"rules\": []}}",
                          &err),
                     1);
    assert_string_equal(ld_aws_set_get(s, LD_AWS_ECR_REGISTRY, 0)->id, "ecr-registry/" ACCT);
    assert_int_equal(load(s, "ptc.json",
                          "{\"pullThroughCacheRules\": [{\"ecrRepositoryPrefix\": \"docker-hub\", "
                          "\"upstreamRegistryUrl\": \"registry-1.docker.io\", \"createdAt\": "
                          "\"1970-01-01T00:00:00\", \"registryId\": \"" ACCT "\"}]}",
                          &err),
                     1);
    r = ld_aws_set_get(s, LD_AWS_ECR_PULL_THROUGH, 0);
    assert_string_equal(r->id, "ecr-pull-through-cache/" ACCT "/docker-hub");
    assert_string_equal(r->name, "docker-hub");
    /* lookups: by name, registry NULL matches any, another registry none */
    assert_ptr_equal(ld_aws_set_find(s, LD_AWS_ECR_LIFECYCLE, ACCT, "team/app"),
                     ld_aws_set_get(s, LD_AWS_ECR_LIFECYCLE, 0));
    assert_non_null(ld_aws_set_find(s, LD_AWS_ECR_REPO_POLICY, NULL, "team/app"));
    assert_null(ld_aws_set_find(s, LD_AWS_ECR_LIFECYCLE, "210987654321", "team/app"));
    assert_null(ld_aws_set_find(s, LD_AWS_ECR_LIFECYCLE, NULL, "other"));
    assert_int_equal(ld_aws_set_total(s), 7);
    ld_aws_set_free(s);
}

static void test_eks_shapes(void **state)
{
    (void)state;
    ld_aws_set *s = ld_aws_set_new();
    ld_error err = LD_ERROR_INIT;
    const char *cluster_arn = "arn:aws:eks:us-east-1:" ACCT ":cluster/prod";
    assert_int_equal(
        load(s, "c.json",
             "{\"cluster\": {\"name\": \"prod\", \"arn\": \"arn:aws:eks:us-east-1:" ACCT
             ":cluster/prod\", \"version\": \"1.29\", \"resourcesVpcConfig\": "
             "{\"endpointPublicAccess\": true, \"publicAccessCidrs\": "
             "[\"0.0.0.0/0\"]}, \"logging\": {\"clusterLogging\": []}}}",
             &err),
        1);
    const ld_aws_resource *r = ld_aws_set_find(s, LD_AWS_EKS_CLUSTER, NULL, "prod");
    assert_non_null(r);
    assert_string_equal(r->id, cluster_arn);
    assert_ptr_equal(ld_aws_set_find(s, LD_AWS_EKS_CLUSTER, NULL, cluster_arn), r);
    assert_null(ld_aws_set_find(s, LD_AWS_EKS_CLUSTER, NULL, "staging"));
    assert_int_equal(load(s, "ng.json",
                          "{\"nodegroup\": {\"nodegroupName\": \"ng1\", \"nodegroupArn\": "
                          "\"arn:aws:eks:us-east-1:" ACCT ":nodegroup/prod/ng1/abc\", "
                          "\"clusterName\": \"prod\", \"remoteAccess\": {\"ec2SshKey\": \"k\"}, "
                          "\"launchTemplate\": {\"name\": \"lt\", \"version\": \"2\", \"id\": "
                          "\"lt-0abc\"}}}",
                          &err),
                     1);
    r = ld_aws_set_get(s, LD_AWS_EKS_NODEGROUP, 0);
    assert_string_equal(r->name, "ng1");
    assert_string_equal(r->cluster, "prod");
    assert_string_equal(r->id, "arn:aws:eks:us-east-1:" ACCT ":nodegroup/prod/ng1/abc");
    assert_int_equal(load(s, "addon.json",
                          "{\"addon\": {\"addonName\": \"vpc-cni\", \"clusterName\": \"prod\", "
                          "\"addonVersion\": \"v1.12.0-eksbuild.1\", \"addonArn\": "
                          "\"arn:aws:eks:us-east-1:" ACCT ":addon/prod/vpc-cni/x\"}}",
                          &err),
                     1);
    r = ld_aws_set_get(s, LD_AWS_EKS_ADDON, 0);
    assert_string_equal(r->name, "vpc-cni");
    assert_string_equal(r->cluster, "prod");
    assert_int_equal(load(s, "av.json",
                          "{\"addons\": [{\"addonName\": \"vpc-cni\", \"type\": \"networking\", "
                          "\"addonVersions\": [{\"addonVersion\": \"v1.18.0-eksbuild.1\", "
                          "\"compatibilities\": [{\"clusterVersion\": \"1.29\", "
                          "\"defaultVersion\": true}]}]}], \"nextToken\": \"\"}",
                          &err),
                     1);
    r = ld_aws_set_get(s, LD_AWS_EKS_ADDON_VERSIONS, 0);
    assert_string_equal(r->name, "vpc-cni");
    assert_string_equal(r->id, "eks-addon-versions/vpc-cni");
    assert_ptr_equal(ld_aws_set_find(s, LD_AWS_EKS_ADDON_VERSIONS, NULL, "vpc-cni"), r);
    ld_aws_set_free(s);
}

static void test_launch_templates(void **state)
{
    (void)state;
    ld_aws_set *s = ld_aws_set_new();
    ld_error err = LD_ERROR_INIT;
    const char *doc =
        "{\"LaunchTemplateVersions\": ["
        "{\"LaunchTemplateId\": \"lt-0abc\", \"LaunchTemplateName\": \"nodes\", "
        "\"VersionNumber\": 1, \"DefaultVersion\": false, \"LaunchTemplateData\": "
        "{\"MetadataOptions\": {\"HttpTokens\": \"optional\"}}},"
        "{\"LaunchTemplateId\": \"lt-0abc\", \"LaunchTemplateName\": \"nodes\", "
        "\"VersionNumber\": 3, \"DefaultVersion\": false, \"LaunchTemplateData\": {}},"
        "{\"LaunchTemplateId\": \"lt-0abc\", \"LaunchTemplateName\": \"nodes\", "
        "\"VersionNumber\": 2, \"DefaultVersion\": true, \"LaunchTemplateData\": "
        "{\"MetadataOptions\": {\"HttpTokens\": \"required\"}}},"
        "{\"LaunchTemplateId\": \"lt-0def\", \"LaunchTemplateName\": \"other\", "
        "\"VersionNumber\": 7, \"DefaultVersion\": true}]}";
    assert_int_equal(load(s, "lt.json", doc, &err), 4);
    const ld_aws_resource *r = ld_aws_set_get(s, LD_AWS_LAUNCH_TEMPLATE, 0);
    assert_string_equal(r->id, "launch-template/lt-0abc:1");
    assert_string_equal(r->name, "nodes:1");
    r = ld_aws_set_launch_template(s, "lt-0abc", NULL, "$Default");
    assert_non_null(r);
    assert_string_equal(r->name, "nodes:2");
    r = ld_aws_set_launch_template(s, NULL, "nodes", "$Latest");
    assert_string_equal(r->name, "nodes:3");
    r = ld_aws_set_launch_template(s, NULL, "nodes", "1");
    assert_string_equal(r->name, "nodes:1");
    r = ld_aws_set_launch_template(s, "lt-0abc", "ignored", NULL); /* no version: default */
    assert_string_equal(r->name, "nodes:2");
    r = ld_aws_set_launch_template(s, "lt-0def", NULL, "$Default");
    assert_string_equal(r->name, "other:7");
    assert_null(ld_aws_set_launch_template(s, "lt-0abc", NULL, "9"));
    assert_null(ld_aws_set_launch_template(s, "lt-0abc", NULL, "x1"));
    assert_null(ld_aws_set_launch_template(s, "lt-missing", NULL, "$Latest"));
    assert_null(ld_aws_set_launch_template(s, NULL, NULL, "$Latest"));
    ld_aws_set_free(s);
}

/* list-* outputs name resources and describe none: a note each */
static void test_listings(void **state)
{
    (void)state;
    static const struct {
        const char *doc, *note;
    } cases[] = {
        {"{\"clusterArns\": [\"arn:aws:ecs:us-east-1:" ACCT ":cluster/a\"], \"nextToken\": \"\"}",
         "ecs list-clusters output lists 1 cluster ARNs"},
        {"{\"serviceArns\": [\"a\", \"b\"]}", "ecs list-services output lists 2"},
        {"{\"taskDefinitionArns\": []}", "ecs list-task-definitions"},
        {"{\"clusters\": [\"prod\"], \"nextToken\": \"nextToken\"}", "eks list-clusters"},
        {"{\"nodegroups\": [\"ng\"]}", "eks list-nodegroups"},
        {"{\"addons\": [\"vpc-cni\", \"coredns\"]}", "eks list-addons output lists 2"},
        {"{\"imageDetails\": [{\"registryId\": \"" ACCT "\", \"imageDigest\": \"sha256:ab\"}]}",
         "ecr describe-images"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        ld_aws_set *s = ld_aws_set_new();
        ld_error err = LD_ERROR_INIT;
        assert_int_equal(load(s, "list.json", cases[i].doc, &err), 0);
        assert_int_equal(ld_aws_set_total(s), 0);
        if (!list_contains(ld_aws_set_notes(s), cases[i].note))
            fail_msg("case %zu: no note \"%s\"", i, cases[i].note);
        assert_true(list_contains(ld_aws_set_notes(s), "docs/aws.md"));
        ld_aws_set_free(s);
    }
}

/* ---- absences ---- */

static const char *lifecycle_err_line =
    "\nAn error occurred (LifecyclePolicyNotFoundException) when calling the GetLifecyclePolicy "
    "operation: Lifecycle policy does not exist for the repository with name 'team/app' in the "
    "registry with id '" ACCT "'\n";

static void test_absences(void **state)
{
    (void)state;
    ld_aws_set *s = ld_aws_set_new();
    ld_error err = LD_ERROR_INIT;
    assert_int_equal(load(s, "lc.err", lifecycle_err_line, &err), 1);
    const ld_aws_resource *r = ld_aws_set_find(s, LD_AWS_ECR_LIFECYCLE, ACCT, "team/app");
    assert_non_null(r);
    assert_true(r->absent);
    assert_null(r->obj);
    assert_string_equal(r->id, "ecr-repository/" ACCT "/team/app");
    assert_string_equal(r->registry_id, ACCT);
    assert_string_equal(r->source, "lc.err");
    assert_int_equal(load(s, "pol.err",
                          "An error occurred (RepositoryPolicyNotFoundException) when calling the "
                          "GetRepositoryPolicy operation: Repository policy does not exist for the "
                          "repository with name 'team/app' in the registry with id '" ACCT "'",
                          &err),
                     1);
    r = ld_aws_set_find(s, LD_AWS_ECR_REPO_POLICY, NULL, "team/app");
    assert_true(r && r->absent);
    /* the API's JSON error */
    assert_int_equal(load(s, "api.json",
                          "{\"__type\": \"LifecyclePolicyNotFoundException\", \"message\": "
                          "\"Lifecycle policy does not exist for the repository with name "
                          "'other' in the registry with id '" ACCT "'\"}",
                          &err),
                     1);
    r = ld_aws_set_find(s, LD_AWS_ECR_LIFECYCLE, ACCT, "other");
    assert_true(r && r->absent);
    assert_int_equal(load(s, "api2.json",
                          "{\"__type\": \"com.amazonaws.ecr#RepositoryPolicyNotFoundException\", "
                          "\"message\": \"no policy\", \"repositoryName\": \"third\"}",
                          &err),
                     1);
    r = ld_aws_set_find(s, LD_AWS_ECR_REPO_POLICY, NULL, "third");
    assert_true(r && r->absent);
    assert_string_equal(r->id, "ecr-repository/third");
    /* the live path */
    ld_aws_set_add_absent(s, LD_AWS_ECR_LIFECYCLE, "ecr:GetLifecyclePolicy us-east-1", ACCT,
                          "live");
    r = ld_aws_set_find(s, LD_AWS_ECR_LIFECYCLE, ACCT, "live");
    assert_true(r && r->absent);
    assert_string_equal(r->source, "ecr:GetLifecyclePolicy us-east-1");
    assert_int_equal(ld_aws_set_total(s), 5);

    /* other errors are a failed export, not an absence */
    assert_int_equal(load(s, "denied.err",
                          "\nAn error occurred (AccessDeniedException) when calling the "
                          "GetLifecyclePolicy operation: User: x is not authorized\n",
                          &err),
                     LD_ERR_UNSUPPORTED);
    assert_non_null(
        strstr(err.msg, "denied.err: the AWS CLI export failed (AccessDeniedException)"));
    assert_int_equal(load(s, "denied.json",
                          "{\"__type\": \"AccessDeniedException\", \"message\": \"no\"}", &err),
                     LD_ERR_UNSUPPORTED);
    /* an absence that does not say of which repository */
    assert_int_equal(load(s, "vague.err",
                          "An error occurred (LifecyclePolicyNotFoundException) when calling the "
                          "GetLifecyclePolicy operation: not found",
                          &err),
                     LD_ERR_CORRUPT);
    assert_non_null(strstr(err.msg, "vague.err"));
    assert_int_equal(load(s, "cut.err", "An error occurred (LifecyclePolicyNotFound", &err),
                     LD_ERR_CORRUPT);
    assert_int_equal(ld_aws_set_total(s), 5);
    ld_aws_set_free(s);
}

/* ---- duplicates, arrays of documents, inputs ---- */

static void test_duplicates_and_arrays(void **state)
{
    (void)state;
    ld_aws_set *s = ld_aws_set_new();
    ld_error err = LD_ERROR_INIT;
    assert_int_equal(load(s, "a.json", task_def_doc, &err), 1);
    assert_int_equal(load(s, "b.json", task_def_doc, &err), 0);
    assert_int_equal(ld_aws_set_count(s, LD_AWS_TASK_DEFINITION), 1);
    assert_string_equal(ld_aws_set_get(s, LD_AWS_TASK_DEFINITION, 0)->source, "a.json");
    assert_true(list_contains(ld_aws_set_notes(s),
                              "b.json: task definition arn:aws:ecs:us-east-1:" ACCT
                              ":task-definition/web:3 read again (first from a.json)"));
    /* an array of documents, a duplicate absence inside it */
    char *arr = ld_xasprintf("[%s, {\"cluster\": {\"name\": \"c1\", \"arn\": \"arn:c1\"}}, "
                             "{\"__type\": \"LifecyclePolicyNotFoundException\", \"message\": "
                             "\"the repository with name 'r'\"}, {\"__type\": "
                             "\"LifecyclePolicyNotFoundException\", \"message\": \"the "
                             "repository with name 'r'\"}]",
                             task_def_doc);
    assert_int_equal(load(s, "all.json", arr, &err), 2);
    free(arr);
    assert_int_equal(ld_aws_set_count(s, LD_AWS_EKS_CLUSTER), 1);
    assert_string_equal(ld_aws_set_get(s, LD_AWS_EKS_CLUSTER, 0)->source, "all.json[1]");
    assert_true(list_contains(ld_aws_set_notes(s), "all.json[3]: ECR lifecycle policy "
                                                   "ecr-repository/r read again"));
    assert_int_equal(ld_aws_set_total(s), 3);
    assert_int_equal(ld_aws_set_files(s), 3);
    assert_string_equal(ld_aws_set_inputs(s), "a.json, b.json, all.json");
    assert_int_equal(load(s, "d.json", task_def_doc, &err), 0);
    assert_string_equal(ld_aws_set_inputs(s), "a.json, b.json, all.json and 1 more");

    /* the live path hands a parsed document over; the set takes a reference */
    json_t *doc = json_loads("{\"nodegroup\": {\"nodegroupName\": \"n\", \"clusterName\": "
                             "\"c1\"}}",
                             0, NULL);
    assert_int_equal(ld_aws_set_add_json(s, "eks:DescribeNodegroup us-east-1", doc, &err), 1);
    json_decref(doc);
    const ld_aws_resource *r = ld_aws_set_get(s, LD_AWS_EKS_NODEGROUP, 0);
    assert_string_equal(r->id, "eks-nodegroup/n"); /* no ARN member: kind/name */
    assert_string_equal(json_string_value(json_object_get(r->obj, "clusterName")), "c1");
    ld_aws_set_add_unread(s, "ecs:ListClusters us-east-1: throttled");
    assert_int_equal(ld_aws_set_unread(s)->n, 1);
    ld_aws_set_free(s);
}

/* ---- hostile input ---- */

static void expect(const char *doc, int code, const char *in_msg)
{
    ld_aws_set *s = ld_aws_set_new();
    ld_error err = LD_ERROR_INIT;
    int rc = load(s, "bad.json", doc, &err);
    if (rc != code)
        fail_msg("%s: rc %d (%s), want %d", doc, rc, err.msg, code);
    if (in_msg && !strstr(err.msg, in_msg))
        fail_msg("%s: message \"%s\" lacks \"%s\"", doc, err.msg, in_msg);
    assert_non_null(strstr(err.msg, "bad.json"));
    assert_int_equal(ld_aws_set_total(s), 0);
    ld_aws_set_free(s);
}

static void test_wrong_types(void **state)
{
    (void)state;
    expect("{\"services\": \"x\"}", LD_ERR_CORRUPT, "services is a string, not an array");
    expect("{\"services\": [{\"serviceName\": \"a\"}, 7]}", LD_ERR_CORRUPT,
           "services[1] is a number, not an object");
    expect("{\"services\": [{\"serviceArn\": 5}]}", LD_ERR_CORRUPT,
           "services[0].serviceArn is a number");
    expect("{\"services\": [{\"networkConfiguration\": []}]}", LD_ERR_CORRUPT,
           "services[0].networkConfiguration is an array, not an object");
    expect("{\"services\": [], \"failures\": {}}", LD_ERR_CORRUPT, "failures is an object");
    expect("{\"services\": [], \"failures\": [{\"arn\": [], \"reason\": \"x\"}]}", LD_ERR_CORRUPT,
           "failures[0].arn");
    expect("{\"taskDefinition\": []}", LD_ERR_CORRUPT, "taskDefinition is an array, not an object");
    expect("{\"taskDefinition\": {\"family\": \"f\"}, \"tags\": {}}", LD_ERR_CORRUPT, "tags");
    expect("{\"taskDefinition\": {\"family\": \"f\", \"revision\": \"1\"}}", LD_ERR_CORRUPT,
           "taskDefinition.revision is a string, not an integer");
    expect("{\"taskDefinition\": {\"containerDefinitions\": {}}}", LD_ERR_CORRUPT,
           "taskDefinition.containerDefinitions is an object, not an array");
    expect("{\"taskDefinition\": {\"containerDefinitions\": [null]}}", LD_ERR_CORRUPT,
           "taskDefinition.containerDefinitions[0] is null");
    expect("{\"taskDefinition\": {\"containerDefinitions\": [{\"linuxParameters\": true}]}}",
           LD_ERR_CORRUPT, "containerDefinitions[0].linuxParameters is a boolean");
    expect("{\"family\": \"f\", \"containerDefinitions\": \"x\"}", LD_ERR_CORRUPT,
           "containerDefinitions is a string");
    expect("{\"clusters\": [\"a\", {}]}", LD_ERR_CORRUPT, "clusters[0] is a string");
    expect("{\"clusters\": {}}", LD_ERR_CORRUPT, "clusters is an object");
    expect("{\"repositories\": [{\"registryId\": 12}]}", LD_ERR_CORRUPT,
           "repositories[0].registryId");
    expect("{\"repositoryName\": \"r\", \"lifecyclePolicyText\": \"x\", \"registryId\": false}",
           LD_ERR_CORRUPT, "registryId is a boolean");
    expect("{\"registryId\": \"1\", \"scanningConfiguration\": \"x\"}", LD_ERR_CORRUPT,
           "scanningConfiguration is a string");
    expect("{\"pullThroughCacheRules\": 1}", LD_ERR_CORRUPT, "pullThroughCacheRules");
    expect("{\"cluster\": \"prod\"}", LD_ERR_CORRUPT, "cluster is a string, not an object");
    expect("{\"cluster\": {\"name\": \"p\", \"resourcesVpcConfig\": []}}", LD_ERR_CORRUPT,
           "cluster.resourcesVpcConfig");
    expect("{\"nodegroup\": {\"nodegroupName\": \"n\", \"clusterName\": 3}}", LD_ERR_CORRUPT,
           "nodegroup.clusterName is a number");
    expect("{\"addon\": null}", LD_ERR_CORRUPT, "addon is null");
    expect("{\"addons\": [{\"addonName\": \"a\", \"addonVersions\": {}}]}", LD_ERR_CORRUPT,
           "addons[0].addonVersions");
    expect("{\"LaunchTemplateVersions\": [{\"VersionNumber\": \"1\", \"LaunchTemplateName\": "
           "\"n\"}]}",
           LD_ERR_CORRUPT, "VersionNumber is a string");
    expect("[{\"cluster\": {\"name\": \"a\"}}, [1]]", LD_ERR_CORRUPT, "[1] is an array");
    expect("{\"__type\": \"LifecyclePolicyNotFoundException\", \"message\": 4}", LD_ERR_CORRUPT,
           "message");
}

static void test_not_shapes(void **state)
{
    (void)state;
    expect("", LD_ERR_CORRUPT, NULL);
    expect("   \n", LD_ERR_CORRUPT, NULL);
    expect("null", LD_ERR_UNSUPPORTED, "the document is null");
    expect("[]", LD_ERR_UNSUPPORTED, "empty JSON array");
    expect("{}", LD_ERR_UNSUPPORTED, "top-level keys: none");
    expect("{\"apiVersion\": \"v1\", \"kind\": \"Pod\"}", LD_ERR_UNSUPPORTED,
           "not AWS CLI output lockdown reads (top-level keys: apiVersion, kind)");
    expect("\"taskDefinition\"", LD_ERR_UNSUPPORTED, "a string");
    expect("{\"services\": [}", LD_ERR_CORRUPT, NULL);
    expect("{\"services\": [], \"x\": \"\xff\xfe\"}", LD_ERR_CORRUPT, NULL); /* invalid UTF-8 */
    expect("{\"services\": [{\"serviceName\": \"a\\u0000b\"}]}", LD_ERR_CORRUPT, NULL);
    ld_aws_set *s = ld_aws_set_new();
    ld_error err = LD_ERROR_INIT;
    static const char nul[] = "{\"services\": []}\0{}";
    assert_int_equal(ld_aws_set_add_buffer(s, "nul.json", nul, sizeof(nul) - 1, &err),
                     LD_ERR_CORRUPT);
    assert_non_null(strstr(err.msg, "nul.json: contains a NUL byte"));
    ld_aws_set_free(s);
}

static void expect_limit(const char *buf, size_t len)
{
    ld_aws_set *s = ld_aws_set_new();
    ld_error err = LD_ERROR_INIT;
    assert_int_equal(ld_aws_set_add_buffer(s, "big.json", buf, len, &err), LD_ERR_LIMIT);
    assert_non_null(strstr(err.msg, "big.json"));
    assert_int_equal(ld_aws_set_total(s), 0);
    ld_aws_set_free(s);
}

static void test_limits(void **state)
{
    (void)state;
    /* 64 MiB + 1: refused before parsing */
    size_t n = LD_AWS_INPUT_MAX + 1;
    char *buf = ld_xmalloc(n + 1);
    memset(buf, ' ', n);
    memcpy(buf, "{\"services\": []}", 16);
    buf[n] = '\0';
    expect_limit(buf, n);
    free(buf);
    /* 10,000 deep */
    size_t depth = 10000;
    buf = ld_xmalloc(2 * depth + 32);
    size_t k = (size_t)snprintf(buf, 2 * depth + 32, "{\"services\": [");
    for (size_t i = 0; i < depth; i++)
        buf[k++] = '[';
    for (size_t i = 0; i < depth; i++)
        buf[k++] = ']';
    k += (size_t)snprintf(buf + k, 2 * depth + 32 - k, "]}");
    expect_limit(buf, k);
    free(buf);
    /* 257 deep: just over the limit of 256; 200 deep loads */
    buf = ld_xmalloc(2 * 300 + 64);
    for (size_t d = 200; d <= 257; d += 57) {
        k = (size_t)snprintf(buf, 2 * 300 + 64, "{\"services\": [{\"serviceName\": \"a\", \"x\": ");
        for (size_t i = 0; i < d - 3; i++)
            buf[k++] = '[';
        for (size_t i = 0; i < d - 3; i++)
            buf[k++] = ']';
        k += (size_t)snprintf(buf + k, 2 * 300 + 64 - k, "}]}");
        ld_aws_set *s = ld_aws_set_new();
        ld_error err = LD_ERROR_INIT;
        int rc = ld_aws_set_add_buffer(s, "deep.json", buf, k, &err);
        if (d == 200)
            assert_int_equal(rc, 1);
        else
            assert_int_equal(rc, LD_ERR_LIMIT);
        ld_aws_set_free(s);
    }
    free(buf);
    /* 3 million values */
    size_t values = 3000000;
    buf = ld_xmalloc(values * 2 + 64);
    k = (size_t)snprintf(buf, values * 2 + 64, "{\"serviceArns\": [");
    for (size_t i = 0; i < values; i++) {
        buf[k++] = '1';
        buf[k++] = ',';
    }
    k += (size_t)snprintf(buf + k, values * 2 + 64 - k, "1]}");
    expect_limit(buf, k);
    free(buf);
}

/* The pull-through cache rules of prefixes "pR-0" ... "pR-N-1". */
static size_t rules_doc(char *buf, size_t cap, int round, size_t n)
{
    size_t k = (size_t)snprintf(buf, cap, "{\"pullThroughCacheRules\": [");
    for (size_t i = 0; i < n; i++)
        k += (size_t)snprintf(buf + k, cap - k, "%s{\"ecrRepositoryPrefix\": \"p%d-%zu\"}",
                              i ? "," : "", round, i);
    k += (size_t)snprintf(buf + k, cap - k, "]}");
    return k;
}

/* More resources than a set holds: the document over it is refused
 * whole, nothing of it added. */
static void test_resource_limit(void **state)
{
    (void)state;
    size_t per = 150000;
    size_t cap = per * 40 + 64;
    char *buf = ld_xmalloc(cap);
    size_t k = rules_doc(buf, cap, 0, per);
    ld_aws_set *s = ld_aws_set_new();
    ld_error err = LD_ERROR_INIT;
    assert_int_equal(ld_aws_set_add_buffer(s, "r0.json", buf, k, &err), (int)per);
    /* other rules: the set would pass 200,000 */
    k = rules_doc(buf, cap, 1, per);
    assert_int_equal(ld_aws_set_add_buffer(s, "r1.json", buf, k, &err), LD_ERR_LIMIT);
    assert_non_null(strstr(err.msg, "r1.json: more than 200000 AWS resources"));
    assert_int_equal(ld_aws_set_total(s), per);
    /* up to the limit exactly */
    k = rules_doc(buf, cap, 2, LD_AWS_RESOURCES_MAX - per);
    assert_int_equal(ld_aws_set_add_buffer(s, "r2.json", buf, k, &err),
                     (int)(LD_AWS_RESOURCES_MAX - per));
    assert_int_equal(ld_aws_set_total(s), LD_AWS_RESOURCES_MAX);
    ld_aws_set_free(s);
    free(buf);
}

/* ---- files, directories, stdin ---- */

static char tmpdir[64];

static int make_tree(void **state)
{
    (void)state;
    snprintf(tmpdir, sizeof(tmpdir), "/tmp/ld-aws-set-test-XXXXXX");
    return mkdtemp(tmpdir) ? 0 : -1;
}

static int remove_tree(void **state)
{
    (void)state;
    char *argv[] = {"rm", "-rf", tmpdir, NULL};
    pid_t pid = fork();
    if (pid == 0) {
        execvp("rm", argv);
        _exit(127);
    }
    int st;
    waitpid(pid, &st, 0);
    return 0;
}

static char *at(const char *rel)
{
    return ld_xasprintf("%s/%s", tmpdir, rel);
}

static void sub(const char *rel)
{
    char *p = at(rel);
    assert_int_equal(mkdir(p, 0755), 0);
    free(p);
}

static void put(const char *rel, const char *text)
{
    char *p = at(rel);
    FILE *f = fopen(p, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    free(p);
}

static const char *eks_doc(const char *name)
{
    static char buf[256];
    snprintf(buf, sizeof(buf),
             "{\"cluster\": {\"name\": \"%s\", \"arn\": \"arn:aws:eks:us-east-1:" ACCT
             ":cluster/%s\"}}",
             name, name);
    return buf;
}

static void test_directory_walk(void **state)
{
    (void)state;
    sub("export");
    sub("export/ecr");
    sub("export/.cache");
    sub("outside");
    put("export/b.json", eks_doc("b"));
    put("export/a.json", eks_doc("a"));
    put("export/ecr/lc-team-app.err", lifecycle_err_line);
    put("export/ecr/denied.txt", "An error occurred (AccessDeniedException) when calling the "
                                 "DescribeRepositories operation: no\n");
    put("export/c.txt", eks_doc("c"));
    put("export/notes.md", eks_doc("md"));
    put("export/.hidden.json", eks_doc("hidden"));
    put("export/.cache/x.json", eks_doc("cached"));
    put("export/pod.json", "{\"apiVersion\": \"v1\", \"kind\": \"Pod\"}");
    put("export/broken.json", "{\"cluster\": {");
    put("export/wrong.json", "{\"services\": 3}");
    put("export/list.json", "{\"clusters\": [\"a\", \"b\"]}");
    put("outside/o.json", eks_doc("outside"));
    char *p = at("export/link.json");
    char *target = at("outside/o.json");
    assert_int_equal(symlink(target, p), 0);
    free(p), free(target);
    p = at("export/outdir");
    target = at("outside");
    assert_int_equal(symlink(target, p), 0);
    free(p), free(target);
    p = at("export/fifo.json");
    assert_int_equal(mkfifo(p, 0644), 0);
    free(p);
    /* 17 levels of directories, a file at the bottom */
    char rel[256] = "export/d";
    sub(rel);
    for (int i = 1; i < 17; i++) {
        size_t len = strlen(rel);
        snprintf(rel + len, sizeof(rel) - len, "/d");
        sub(rel);
    }
    char deep[300];
    snprintf(deep, sizeof(deep), "%s/deep.json", rel);
    put(deep, eks_doc("deep"));
    char mid[300] = "export/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/mid.json"; /* 15 below export/ */
    put(mid, eks_doc("mid"));

    ld_aws_set *s = ld_aws_set_new();
    ld_error err = LD_ERROR_INIT;
    char *dir = at("export");
    assert_int_equal(ld_aws_load_named(s, dir, &err), 0);
    /* name order: a, b, c (a .txt file), mid; the hidden, the linked and
     * the deepest are not read */
    assert_int_equal(ld_aws_set_count(s, LD_AWS_EKS_CLUSTER), 4);
    assert_string_equal(ld_aws_set_get(s, LD_AWS_EKS_CLUSTER, 0)->name, "a");
    assert_string_equal(ld_aws_set_get(s, LD_AWS_EKS_CLUSTER, 1)->name, "b");
    assert_string_equal(ld_aws_set_get(s, LD_AWS_EKS_CLUSTER, 2)->name, "c");
    assert_string_equal(ld_aws_set_get(s, LD_AWS_EKS_CLUSTER, 3)->name, "mid");
    assert_non_null(strstr(ld_aws_set_get(s, LD_AWS_EKS_CLUSTER, 1)->source, "/export/b.json"));
    const ld_aws_resource *lc = ld_aws_set_find(s, LD_AWS_ECR_LIFECYCLE, ACCT, "team/app");
    assert_true(lc && lc->absent);
    assert_non_null(strstr(lc->source, "/export/ecr/lc-team-app.err"));
    const ld_strlist *unread = ld_aws_set_unread(s);
    const ld_strlist *notes = ld_aws_set_notes(s);
    assert_true(list_contains(unread, "/export/broken.json: invalid JSON"));
    assert_true(list_contains(unread, "/export/wrong.json: services is a number"));
    assert_true(list_contains(unread, "denied.txt: the AWS CLI export failed (AccessDenied"));
    assert_true(list_contains(unread, "deeper than 16 levels"));
    assert_int_equal(unread->n, 4);
    assert_true(list_contains(notes, "/export/pod.json: not AWS CLI output lockdown reads "
                                     "(top-level keys: apiVersion, kind); skipped"));
    assert_true(list_contains(notes, "/export/list.json: eks list-clusters output lists 2"));
    assert_true(list_contains(notes, "/export/link.json: symbolic link not followed"));
    assert_true(list_contains(notes, "/export/outdir: symbolic link not followed"));
    assert_true(list_contains(notes, "fifo.json: a FIFO, not a regular file"));
    assert_false(list_contains(notes, "hidden"));
    assert_false(list_contains(notes, "notes.md"));
    /* a, b, c, mid, the .err and list.json; pod.json is not AWS output */
    assert_int_equal(ld_aws_set_files(s), 6);
    assert_string_equal(ld_aws_set_inputs(s), dir);
    assert_false(list_contains(notes, "no AWS CLI output read in it"));
    /* a directory without any: a note, not an error */
    char *empty = at("outside/empty");
    assert_int_equal(mkdir(empty, 0755), 0);
    assert_int_equal(ld_aws_load_named(s, empty, &err), 0);
    assert_true(list_contains(notes, "/outside/empty: no AWS CLI output read in it"));
    free(empty);

    /* named inputs: every failure is the caller's error */
    char *f = at("export/broken.json");
    assert_true(ld_aws_load_named(s, f, &err) < 0);
    assert_int_equal(err.code, LD_ERR_CORRUPT);
    assert_non_null(strstr(err.msg, "broken.json"));
    free(f);
    f = at("export/pod.json");
    assert_int_equal(ld_aws_load_named(s, f, &err), LD_ERR_UNSUPPORTED);
    assert_non_null(strstr(err.msg, "pod.json: not AWS CLI output lockdown reads"));
    free(f);
    f = at("export/nope.json");
    assert_int_equal(ld_aws_load_named(s, f, &err), LD_ERR_NOT_FOUND);
    free(f);
    assert_int_equal(ld_aws_load_named(s, "/dev/null", &err), LD_ERR_INVALID);
    assert_non_null(strstr(err.msg, "/dev/null: is a character device"));
    /* a symlink named on the command line is followed */
    f = at("export/link.json");
    assert_int_equal(ld_aws_load_named(s, f, &err), 0);
    assert_non_null(ld_aws_set_find(s, LD_AWS_EKS_CLUSTER, NULL, "outside"));
    free(f);
    ld_aws_set_free(s);
    free(dir);
}

/* What the walk records of a directory holding an unreadable file and
 * one over 64 MiB: 0 when as expected. */
static int walk_unreadable(const char *dir)
{
    ld_aws_set *s = ld_aws_set_new();
    ld_error err = LD_ERROR_INIT;
    int bad = ld_aws_load_named(s, dir, &err) != 0;
    bad |= ld_aws_set_count(s, LD_AWS_EKS_CLUSTER) != 1;
    bad |= !list_contains(ld_aws_set_unread(s), "locked.json: cannot open: Permission denied");
    bad |= !list_contains(ld_aws_set_unread(s), "big.json: AWS CLI output is larger than");
    bad |= ld_aws_set_unread(s)->n != 2;
    ld_aws_set_free(s);
    return bad;
}

/* An unreadable file is recorded unread and the walk goes on. Mode 000
 * stops only a user without CAP_DAC_OVERRIDE: as root the walk runs in a
 * child that has become nobody (65534). */
static void test_unreadable_files(void **state)
{
    (void)state;
    sub("ex");
    put("ex/ok.json", eks_doc("ok"));
    put("ex/locked.json", eks_doc("locked"));
    char *p = at("ex/locked.json");
    assert_int_equal(chmod(p, 0), 0);
    free(p);
    p = at("ex/big.json");
    int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    assert_true(fd >= 0);
    assert_int_equal(ftruncate(fd, (off_t)LD_AWS_INPUT_MAX + 1), 0); /* sparse */
    close(fd);
    free(p);
    char *dir = at("ex");
    if (geteuid() != 0) {
        assert_int_equal(walk_unreadable(dir), 0);
        free(dir);
        return;
    }
    assert_int_equal(chmod(tmpdir, 0755), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        if (setgid(65534) != 0 || setuid(65534) != 0)
            _exit(2);
        _exit(walk_unreadable(dir));
    }
    int st = 0;
    assert_int_equal(waitpid(pid, &st, 0), pid);
    assert_true(WIFEXITED(st));
    assert_int_equal(WEXITSTATUS(st), 0);
    free(dir);
}

static void test_stdin(void **state)
{
    (void)state;
    put("in.json", task_def_doc);
    char *p = at("in.json");
    int saved = dup(STDIN_FILENO);
    int fd = open(p, O_RDONLY);
    assert_true(saved >= 0 && fd >= 0);
    assert_int_equal(dup2(fd, STDIN_FILENO), STDIN_FILENO);
    close(fd);
    ld_aws_set *s = ld_aws_set_new();
    ld_error err = LD_ERROR_INIT;
    int rc = ld_aws_load_named(s, "-", &err);
    dup2(saved, STDIN_FILENO);
    close(saved);
    assert_int_equal(rc, 0);
    assert_int_equal(ld_aws_set_count(s, LD_AWS_TASK_DEFINITION), 1);
    assert_string_equal(ld_aws_set_get(s, LD_AWS_TASK_DEFINITION, 0)->source, "-");
    assert_string_equal(ld_aws_set_inputs(s), "-");
    ld_aws_set_free(s);
    free(p);
}

/* The AWS CLI's own skeletons (`aws ... --generate-cli-skeleton output`,
 * botocore's models where the CLI's validation refuses its own skeleton),
 * kept as the fuzz seeds: every kind is read from them, nothing unread. */
static void test_cli_skeletons(void **state)
{
    (void)state;
    ld_aws_set *s = ld_aws_set_new();
    ld_error err = LD_ERROR_INIT;
    const char *dir = LD_SOURCE_DIR "/tests/fuzz/corpus/aws_set";
    assert_int_equal(ld_aws_load_named(s, dir, &err), 0);
    for (size_t i = 0; i < ld_aws_set_unread(s)->n; i++)
        print_message("unread: %s\n", ld_aws_set_unread(s)->v[i]);
    assert_int_equal(ld_aws_set_unread(s)->n, 0);
    for (int k = 0; k < LD_AWS_KIND_COUNT; k++)
        if (ld_aws_set_count(s, (ld_aws_kind)k) == 0)
            fail_msg("no %s read from the skeletons", ld_aws_kind_title((ld_aws_kind)k));
    const ld_aws_resource *r = ld_aws_set_get(s, LD_AWS_ECS_CLUSTER, 0);
    assert_string_equal(r->id, "clusterArn");
    assert_string_equal(r->name, "clusterName");
    /* botocore's skeletons hold "": no ARN, no name */
    r = ld_aws_set_get(s, LD_AWS_ECS_SERVICE, 0);
    assert_string_equal(r->id, "ecs-service/(unnamed)");
    assert_null(r->name);
    assert_null(r->cluster);
    r = ld_aws_set_get(s, LD_AWS_TASK_DEFINITION, 0);
    assert_string_equal(r->name, "family:0");
    r = ld_aws_set_get(s, LD_AWS_LAUNCH_TEMPLATE, 0);
    assert_string_equal(r->id, "launch-template/LaunchTemplateId:0");
    assert_true(list_contains(ld_aws_set_notes(s), "ecs list-clusters output lists 1"));
    assert_true(list_contains(ld_aws_set_notes(s), "ecs describe-clusters failure: arn: reason "
                                                   "(detail)"));
    ld_aws_set_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_task_definitions),
        cmocka_unit_test(test_ecs_services_and_clusters),
        cmocka_unit_test(test_ecr_shapes),
        cmocka_unit_test(test_eks_shapes),
        cmocka_unit_test(test_launch_templates),
        cmocka_unit_test(test_listings),
        cmocka_unit_test(test_absences),
        cmocka_unit_test(test_duplicates_and_arrays),
        cmocka_unit_test(test_wrong_types),
        cmocka_unit_test(test_not_shapes),
        cmocka_unit_test(test_limits),
        cmocka_unit_test(test_resource_limit),
        cmocka_unit_test(test_cli_skeletons),
        cmocka_unit_test_setup_teardown(test_directory_walk, make_tree, remove_tree),
        cmocka_unit_test_setup_teardown(test_unreadable_files, make_tree, remove_tree),
        cmocka_unit_test_setup_teardown(test_stdin, make_tree, remove_tree),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
