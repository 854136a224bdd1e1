/* Unit tests for the ECS checks (aws/ecs_task_checks.c,
 * aws/ecs_service_checks.c) on the AWS CLI's own output shapes (`aws ecs
 * describe-task-definition / describe-services / describe-clusters
 * --generate-cli-skeleton output`, edited per case), loaded through the
 * set (ld_aws_set_add_buffer): every check seen to fail with the exact
 * field and value, and to pass with one summary verdict; Windows task
 * definitions not judged where the fields do not exist there; secrets in
 * the environment found by the secret rules (a real-looking AWS key) and
 * by their names, shown only masked; a cluster the inputs lack and unread
 * inputs give "not assessed", never a pass; the Fargate platform version
 * compared against version data given here, stale data needing review. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "aws/aws_scan.h"
#include "aws/ecs_internal.h"
#include "core/catalog.h"
#include "core/findings.h"
#include "util/mem.h"

#define NOW ((time_t)1767225600) /* 2026-01-01 */
#define DIGEST "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define ECR "123456789012.dkr.ecr.us-east-1.amazonaws.com"
#define AWS_KEY "AKIAZ7QRSTUVW2345XYJ"

/* A container definition that passes every check; extra members first
 * (JSON keeps the last duplicate, so extra can only add members: the
 * cases below override by writing a whole container). */
#define GOOD_CTR(name)                                                                             \
    "{\"name\": \"" name "\", \"image\": \"" ECR "/web:1.2@" DIGEST "\", \"cpu\": 256, "           \
    "\"memory\": 512, \"user\": \"1000:1000\", \"privileged\": false, "                            \
    "\"readonlyRootFilesystem\": true, \"essential\": true, "                                      \
    "\"linuxParameters\": {\"initProcessEnabled\": true, \"capabilities\": {\"add\": [], "         \
    "\"drop\": [\"ALL\"]}}, "                                                                      \
    "\"logConfiguration\": {\"logDriver\": \"awslogs\", \"options\": {\"awslogs-group\": "         \
    "\"/ecs/web\"}}, "                                                                             \
    "\"environment\": [{\"name\": \"LOG_LEVEL\", \"value\": \"info\"}], "                          \
    "\"secrets\": [{\"name\": \"DB_PASSWORD\", \"valueFrom\": "                                    \
    "\"arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf\"}], "                       \
    "\"mountPoints\": []}"

/* describe-task-definition output for family web revision 3 with the
 * given task-level members (each followed by a comma) and containers. */
static char *td_doc(const char *family, const char *task_members, const char *containers)
{
    return ld_xasprintf("{\"taskDefinition\": {\"taskDefinitionArn\": "
                        "\"arn:aws:ecs:us-east-1:123456789012:task-definition/%s:3\", "
                        "\"family\": \"%s\", \"revision\": 3, %s"
                        "\"containerDefinitions\": [%s], \"status\": \"ACTIVE\"}, "
                        "\"tags\": []}",
                        family, family, task_members, containers);
}

#define FARGATE_TASK                                                                               \
    "\"networkMode\": \"awsvpc\", \"requiresCompatibilities\": [\"FARGATE\"], \"cpu\": \"256\", "  \
    "\"memory\": \"512\", "

typedef struct {
    ld_catalog *cat;
    ld_aws_set *set;
    ld_findings *fs;
    ld_strlist trusted;
    ld_aws_scan_options o;
    ld_error err;
} run;

static void run_init(run *r)
{
    memset(r, 0, sizeof(*r));
    r->err = (ld_error)LD_ERROR_INIT;
    r->cat = ld_catalog_load_builtin(&r->err);
    if (!r->cat)
        fail_msg("catalog: %s", r->err.msg);
    r->set = ld_aws_set_new();
    r->fs = ld_findings_new(r->cat, NOW);
    r->o.secret_rules = ld_secret_rules_builtin(&r->err);
    assert_non_null(r->o.secret_rules);
    r->o.trusted_registries = &r->trusted;
    r->o.level = LD_LEVEL_MEDIUM;
    r->o.now = NOW;
}

static void add_doc(run *r, const char *name, const char *json)
{
    if (ld_aws_set_add_buffer(r->set, name, json, strlen(json), &r->err) < 0)
        fail_msg("load %s: %s", name, r->err.msg);
}

static void add_owned(run *r, const char *name, char *json)
{
    add_doc(r, name, json);
    free(json);
}

static void run_tasks(run *r)
{
    if (ld_aws_ecs_task_checks(r->fs, r->set, &r->o, &r->err) < 0)
        fail_msg("task checks: %s", r->err.msg);
}

static void run_services(run *r)
{
    if (ld_aws_ecs_service_checks(r->fs, r->set, &r->o, &r->err) < 0)
        fail_msg("service checks: %s", r->err.msg);
}

static void run_done(run *r)
{
    ld_findings_free(r->fs);
    ld_aws_set_free(r->set);
    ld_catalog_free(r->cat);
    ld_strlist_clear(&r->trusted);
}

/* Findings of check with status whose evidence or target id holds needle
 * (NULL: any). */
static size_t count(const run *r, const char *check, ld_status st, const char *needle)
{
    size_t n = 0;
    for (size_t i = 0; i < r->fs->n; i++) {
        const ld_finding *f = r->fs->v[i];
        if (strcmp(f->check_id, check) != 0 || f->status != st)
            continue;
        if (needle && !(f->evidence && strstr(f->evidence, needle)) &&
            !(f->target.id && strstr(f->target.id, needle)))
            continue;
        n++;
    }
    return n;
}

static size_t count_any(const run *r, const char *check)
{
    size_t n = 0;
    for (size_t i = 0; i < r->fs->n; i++)
        n += strcmp(r->fs->v[i]->check_id, check) == 0;
    return n;
}

static bool any_evidence_has(const run *r, const char *text)
{
    for (size_t i = 0; i < r->fs->n; i++)
        if (r->fs->v[i]->evidence && strstr(r->fs->v[i]->evidence, text))
            return true;
    return false;
}

/* Exactly one finding of check: a pass (the summary verdict). */
static void expect_pass(const run *r, const char *check)
{
    if (count_any(r, check) != 1 || count(r, check, LD_STATUS_PASS, NULL) != 1) {
        for (size_t i = 0; i < r->fs->n; i++)
            if (strcmp(r->fs->v[i]->check_id, check) == 0)
                print_message("  %s: status %d: %s\n", check, (int)r->fs->v[i]->status,
                              r->fs->v[i]->evidence ? r->fs->v[i]->evidence : "");
        fail_msg("%s: expected one pass", check);
    }
}

/* Exactly one failure of check (about the resource) holding needle, and no pass. */
static void expect_fail(const run *r, const char *check, const char *needle)
{
    if (count(r, check, LD_STATUS_FAIL, needle) != 1 || count(r, check, LD_STATUS_PASS, NULL)) {
        for (size_t i = 0; i < r->fs->n; i++)
            if (strcmp(r->fs->v[i]->check_id, check) == 0)
                print_message("  %s: status %d: %s\n", check, (int)r->fs->v[i]->status,
                              r->fs->v[i]->evidence ? r->fs->v[i]->evidence : "");
        fail_msg("%s: expected one failure holding \"%s\"", check, needle);
    }
}

/* A task definition of one container, the checks run over it. */
static void run_one_container(run *r, const char *task_members, const char *container)
{
    run_init(r);
    ld_strlist_push(&r->trusted, ECR);
    add_owned(r, "td.json", td_doc("web", task_members, container));
    run_tasks(r);
}

static const char *const task_checks[] = {
    AWS_ECS_PRIVILEGED,      AWS_ECS_ROOT_USER,    AWS_ECS_READONLY_ROOTFS, AWS_ECS_CAPABILITIES,
    AWS_ECS_HOST_NAMESPACES, AWS_ECS_INIT_PROCESS, AWS_ECS_ENV_SECRETS,     AWS_ECS_LOGGING,
    AWS_ECS_IMAGE_TRUSTED,   AWS_ECS_IMAGE_DIGEST, AWS_ECS_RESOURCE_LIMITS, AWS_ECS_HOST_MOUNTS,
};
#define N_TASK_CHECKS (sizeof(task_checks) / sizeof(task_checks[0]))

static void test_good_task_definition_passes_everything(void **state)
{
    (void)state;
    run r;
    run_one_container(&r, FARGATE_TASK, GOOD_CTR("web") ", " GOOD_CTR("side"));
    for (size_t i = 0; i < N_TASK_CHECKS; i++)
        expect_pass(&r, task_checks[i]);
    assert_true(any_evidence_has(&r, "1 task definition, 2 container definitions"));
    run_done(&r);
}

static void test_no_task_definition_is_skipped(void **state)
{
    (void)state;
    run r;
    run_init(&r);
    run_tasks(&r);
    for (size_t i = 0; i < N_TASK_CHECKS; i++) {
        assert_int_equal(count_any(&r, task_checks[i]), 1);
        assert_int_equal(count(&r, task_checks[i], LD_STATUS_SKIPPED, NULL), 1);
    }
    run_done(&r);
}

/* The second container fails; the evidence names it by index and name. */
static void test_privileged(void **state)
{
    (void)state;
    run r;
    run_one_container(&r, FARGATE_TASK,
                      GOOD_CTR("web") ", {\"name\": \"side\", \"image\": \"" ECR "/s@" DIGEST
                                      "\", \"privileged\": true}");
    expect_fail(&r, AWS_ECS_PRIVILEGED, "containerDefinitions[1] (name \"side\").privileged: true");
    assert_int_equal(count(&r, AWS_ECS_PRIVILEGED, LD_STATUS_FAIL, "web:3"), 1);
    assert_int_equal(count(&r, AWS_ECS_PRIVILEGED, LD_STATUS_FAIL, "containerDefinitions[0]"), 0);
    run_done(&r);
}

static void root_case(const char *user_member, bool fails, const char *needle)
{
    run r;
    char *ctr =
        ld_xasprintf("{\"name\": \"web\", \"image\": \"" ECR "/w@" DIGEST "\"%s}", user_member);
    run_one_container(&r, FARGATE_TASK, ctr);
    free(ctr);
    if (fails)
        expect_fail(&r, AWS_ECS_ROOT_USER, needle);
    else
        expect_pass(&r, AWS_ECS_ROOT_USER);
    run_done(&r);
}

static void test_root_user(void **state)
{
    (void)state;
    root_case("", true, ".user: absent (the image's USER decides, which this check cannot see");
    root_case(", \"user\": \"root\"", true, ".user: \"root\" (UID 0)");
    root_case(", \"user\": \"0\"", true, ".user: \"0\" (UID 0)");
    root_case(", \"user\": \"0:0\"", true, ".user: \"0:0\"");
    root_case(", \"user\": \"root:wheel\"", true, ".user: \"root:wheel\"");
    root_case(", \"user\": \"1000\"", false, NULL);
    root_case(", \"user\": \"100:0\"", false, NULL); /* group root, user not */
    root_case(", \"user\": \"app\"", false, NULL);
}

static void test_windows_not_judged_for_linux_fields(void **state)
{
    (void)state;
    run r;
    run_one_container(&r,
                      "\"runtimePlatform\": {\"operatingSystemFamily\": "
                      "\"WINDOWS_SERVER_2022_CORE\", \"cpuArchitecture\": \"X86_64\"}, "
                      "\"cpu\": \"1024\", \"memory\": \"2048\", ",
                      "{\"name\": \"iis\", \"image\": \"" ECR "/iis@" DIGEST "\"}");
    static const char *const linux_only[] = {AWS_ECS_ROOT_USER, AWS_ECS_READONLY_ROOTFS,
                                             AWS_ECS_CAPABILITIES, AWS_ECS_INIT_PROCESS};
    for (size_t i = 0; i < 4; i++) {
        assert_int_equal(count_any(&r, linux_only[i]), 1);
        assert_int_equal(count(&r, linux_only[i], LD_STATUS_SKIPPED, "1 Windows task definition"),
                         1);
    }
    /* still judged there: a Windows container without logging fails */
    expect_fail(&r, AWS_ECS_LOGGING, "logConfiguration: absent");
    run_done(&r);
}

static void test_readonly_rootfs(void **state)
{
    (void)state;
    run r;
    run_one_container(&r, FARGATE_TASK,
                      "{\"name\": \"a\", \"image\": \"x\", \"readonlyRootFilesystem\": false}, "
                      "{\"name\": \"b\", \"image\": \"x\"}");
    expect_fail(&r, AWS_ECS_READONLY_ROOTFS,
                "containerDefinitions[0] (name \"a\").readonlyRootFilesystem: false; "
                "containerDefinitions[1] (name \"b\").readonlyRootFilesystem: absent (default "
                "false)");
    run_done(&r);
}

static void test_capabilities(void **state)
{
    (void)state;
    run r;
    run_one_container(&r, FARGATE_TASK,
                      "{\"name\": \"a\", \"image\": \"x\", \"linuxParameters\": {\"capabilities\": "
                      "{\"add\": [\"NET_ADMIN\", \"SYS_ADMIN\"]}}}");
    expect_fail(&r, AWS_ECS_CAPABILITIES,
                "linuxParameters.capabilities.add: [NET_ADMIN, SYS_ADMIN] (SYS_ADMIN:");
    run_done(&r);
    run_one_container(&r, FARGATE_TASK,
                      "{\"name\": \"a\", \"image\": \"x\", \"linuxParameters\": {\"capabilities\": "
                      "{\"add\": [\"ALL\"]}}}");
    expect_fail(&r, AWS_ECS_CAPABILITIES, "[ALL] (ALL: every capability");
    run_done(&r);
    run_one_container(&r, FARGATE_TASK,
                      "{\"name\": \"a\", \"image\": \"x\", \"linuxParameters\": {\"capabilities\": "
                      "{\"drop\": [\"ALL\"]}}}");
    expect_pass(&r, AWS_ECS_CAPABILITIES);
    run_done(&r);
}

static void test_host_namespaces(void **state)
{
    (void)state;
    run r;
    run_one_container(&r,
                      "\"networkMode\": \"host\", \"pidMode\": \"host\", \"ipcMode\": \"task\", "
                      "\"memory\": \"512\", ",
                      GOOD_CTR("web"));
    expect_fail(&r, AWS_ECS_HOST_NAMESPACES, "networkMode: \"host\"; pidMode: \"host\"");
    assert_false(any_evidence_has(&r, "ipcMode"));
    run_done(&r);
    run_one_container(&r, "\"networkMode\": \"bridge\", \"ipcMode\": \"host\", ", GOOD_CTR("w"));
    expect_fail(&r, AWS_ECS_HOST_NAMESPACES, "ipcMode: \"host\"");
    run_done(&r);
}

static void test_init_process(void **state)
{
    (void)state;
    run r;
    run_one_container(&r, FARGATE_TASK,
                      "{\"name\": \"a\", \"image\": \"x\", \"linuxParameters\": "
                      "{\"initProcessEnabled\": false}}, {\"name\": \"b\", \"image\": \"x\"}");
    expect_fail(&r, AWS_ECS_INIT_PROCESS,
                "(name \"a\").linuxParameters.initProcessEnabled: false; "
                "containerDefinitions[1] (name \"b\").linuxParameters.initProcessEnabled: absent");
    assert_int_equal(count(&r, AWS_ECS_INIT_PROCESS, LD_STATUS_FAIL, "zombies"), 1);
    run_done(&r);
}

static void test_environment_secrets(void **state)
{
    (void)state;
    run r;
    run_one_container(&r, FARGATE_TASK,
                      "{\"name\": \"web\", \"image\": \"x\", \"environment\": ["
                      "{\"name\": \"AWS_ACCESS_KEY_ID\", \"value\": \"" AWS_KEY "\"}, "
                      "{\"name\": \"DB_PASSWORD\", \"value\": \"Tr0ub4dor-and-3\"}, "
                      "{\"name\": \"API_TOKEN\", \"value\": \"${API_TOKEN}\"}, "
                      "{\"name\": \"LOG_LEVEL\", \"value\": \"debug\"}], "
                      "\"environmentFiles\": [{\"value\": \"arn:aws:s3:::cfg/web.env\", "
                      "\"type\": \"s3\"}]}");
    expect_fail(&r, AWS_ECS_ENV_SECRETS,
                "containerDefinitions[0] (name \"web\").environment[0] AWS_ACCESS_KEY_ID holds "
                "AKIA*");
    assert_int_equal(count(&r, AWS_ECS_ENV_SECRETS, LD_STATUS_FAIL, "rule aws-access-key-id"), 1);
    assert_int_equal(
        count(&r, AWS_ECS_ENV_SECRETS, LD_STATUS_FAIL, "environment[1] DB_PASSWORD holds "), 1);
    assert_int_equal(count(&r, AWS_ECS_ENV_SECRETS, LD_STATUS_FAIL, "API_TOKEN"), 0);
    assert_int_equal(count(&r, AWS_ECS_ENV_SECRETS, LD_STATUS_FAIL, "LOG_LEVEL"), 0);
    /* masked only: neither secret, nor its tail, appears anywhere */
    assert_false(any_evidence_has(&r, AWS_KEY));
    assert_false(any_evidence_has(&r, "W2345XYJ"));
    assert_false(any_evidence_has(&r, "Tr0ub4dor"));
    assert_false(any_evidence_has(&r, "and-3"));
    run_done(&r);
    /* values from Secrets Manager / SSM ("secrets") pass */
    run_one_container(&r, FARGATE_TASK, GOOD_CTR("web"));
    expect_pass(&r, AWS_ECS_ENV_SECRETS);
    run_done(&r);
    /* the command line, the entry point and Docker labels are read too */
    run_one_container(&r, FARGATE_TASK,
                      "{\"name\": \"web\", \"image\": \"x\", "
                      "\"command\": [\"serve\", \"--db-password=Tr0ub4dor-and-3\", \"--port\", "
                      "\"80\"], \"entryPoint\": [\"sh\", \"-c\", \"export K=" AWS_KEY "\"], "
                      "\"dockerLabels\": {\"API_TOKEN\": \"zq8Vw2Lr5Tx1Mn\", \"team\": \"web\"}}");
    assert_int_equal(count(&r, AWS_ECS_ENV_SECRETS, LD_STATUS_FAIL,
                           "command[1]: flag --db-password has the literal value"),
                     1);
    assert_int_equal(count(&r, AWS_ECS_ENV_SECRETS, LD_STATUS_FAIL, "entryPoint[2] holds AKIA"), 1);
    assert_int_equal(count(&r, AWS_ECS_ENV_SECRETS, LD_STATUS_FAIL, "dockerLabels API_TOKEN holds"),
                     1);
    assert_int_equal(count(&r, AWS_ECS_ENV_SECRETS, LD_STATUS_FAIL, "--port"), 0);
    assert_false(any_evidence_has(&r, AWS_KEY));
    assert_false(any_evidence_has(&r, "Tr0ub4dor"));
    assert_false(any_evidence_has(&r, "zq8Vw2Lr5Tx1Mn"));
    run_done(&r);
}

/* A rule that stops before it has searched a value: not assessed. */
static void test_environment_secrets_rule_stopped(void **state)
{
    (void)state;
    ld_error err = LD_ERROR_INIT;
    ld_secret_ruleset *rs = ld_secret_rules_new();
    ld_strlist kw = {0};
    ld_strlist_push(&kw, "aaaa");
    /* (a+)+$ written so the load-time check cannot see it (\p is not
     * modelled, as in test_secrets_limits.c): PCRE2's match limit stops it
     * on a run of letters followed by '!' */
    ld_secret_rule_spec spec = {.id = "slow",
                                .description = "slow rule",
                                .severity = LD_SEV_HIGH,
                                .keywords = &kw,
                                .regex = "(\\p{Ll}+)+$",
                                .group = -1};
    int rc = ld_secret_rules_add(rs, &spec, &err);
    ld_strlist_clear(&kw);
    if (rc < 0) {
        ld_secret_rules_free(rs);
        fail_msg("rule refused: %s", err.msg);
    }
    assert_int_equal(ld_secret_rules_compile(rs, &err), 0);
    char value[200];
    memset(value, 'a', sizeof(value) - 2);
    value[sizeof(value) - 2] = '!', value[sizeof(value) - 1] = '\0';
    char *ctr = ld_xasprintf("{\"name\": \"web\", \"image\": \"x\", \"environment\": "
                             "[{\"name\": \"BLOB\", \"value\": \"%s\"}]}",
                             value);
    run r;
    run_init(&r);
    r.o.secret_rules = rs;
    add_owned(&r, "td.json", td_doc("web", FARGATE_TASK, ctr));
    free(ctr);
    run_tasks(&r);
    assert_int_equal(count(&r, AWS_ECS_ENV_SECRETS, LD_STATUS_ERROR,
                           "not fully searched for secrets: containerDefinitions[0] (name "
                           "\"web\").environment[0] BLOB: rule slow stopped"),
                     1);
    assert_int_equal(count(&r, AWS_ECS_ENV_SECRETS, LD_STATUS_PASS, NULL), 0);
    run_done(&r);
    ld_secret_rules_free(rs);
}

static void test_log_configuration(void **state)
{
    (void)state;
    run r;
    run_one_container(&r, FARGATE_TASK,
                      "{\"name\": \"a\", \"image\": \"x\"}, "
                      "{\"name\": \"b\", \"image\": \"x\", \"logConfiguration\": {\"logDriver\": "
                      "\"none\"}}, "
                      "{\"name\": \"c\", \"image\": \"x\", \"logConfiguration\": {\"logDriver\": "
                      "\"json-file\"}}, "
                      "{\"name\": \"d\", \"image\": \"x\", \"logConfiguration\": {\"logDriver\": "
                      "\"awsfirelens\"}}, "
                      "{\"name\": \"e\", \"image\": \"x\", \"logConfiguration\": {\"logDriver\": "
                      "\"splunk\"}}");
    expect_fail(&r, AWS_ECS_LOGGING, "(name \"a\").logConfiguration: absent");
    expect_fail(&r, AWS_ECS_LOGGING, "(name \"b\").logConfiguration.logDriver: \"none\"");
    expect_fail(&r, AWS_ECS_LOGGING, "(name \"c\").logConfiguration.logDriver: \"json-file\"");
    assert_int_equal(count(&r, AWS_ECS_LOGGING, LD_STATUS_FAIL, "(name \"d\")"), 0);
    assert_int_equal(count(&r, AWS_ECS_LOGGING, LD_STATUS_FAIL, "(name \"e\")"), 0);
    run_done(&r);
}

static void test_images(void **state)
{
    (void)state;
    run r;
    run_one_container(&r, FARGATE_TASK,
                      "{\"name\": \"a\", \"image\": \"nginx:1.27\"}, "
                      "{\"name\": \"b\", \"image\": \"" ECR "/web@" DIGEST "\"}");
    expect_fail(&r, AWS_ECS_IMAGE_TRUSTED,
                "containerDefinitions[0] (name \"a\").image: \"nginx:1.27\" is from docker.io");
    assert_int_equal(count(&r, AWS_ECS_IMAGE_TRUSTED, LD_STATUS_FAIL, "(name \"b\")"), 0);
    expect_fail(&r, AWS_ECS_IMAGE_DIGEST,
                "(name \"a\").image: \"nginx:1.27\" is not pinned by digest");
    assert_int_equal(count(&r, AWS_ECS_IMAGE_DIGEST, LD_STATUS_FAIL, "(name \"b\")"), 0);
    run_done(&r);
    /* no trusted registries in the policy: not judged, with the reason */
    run_init(&r);
    add_owned(&r, "td.json", td_doc("web", FARGATE_TASK, GOOD_CTR("web")));
    run_tasks(&r);
    assert_int_equal(count_any(&r, AWS_ECS_IMAGE_TRUSTED), 1);
    assert_int_equal(count(&r, AWS_ECS_IMAGE_TRUSTED, LD_STATUS_SKIPPED,
                           "the policy lists no trusted-registries"),
                     1);
    run_done(&r);
}

static void test_resource_limits(void **state)
{
    (void)state;
    run r;
    /* EC2: no task-level sizes; a soft reservation only, and no cpu */
    run_one_container(&r, "\"networkMode\": \"bridge\", ",
                      "{\"name\": \"a\", \"image\": \"x\", \"memoryReservation\": 256}, "
                      "{\"name\": \"b\", \"image\": \"x\", \"memory\": 512, \"cpu\": 128}, "
                      "{\"name\": \"c\", \"image\": \"x\", \"cpu\": 0}");
    expect_fail(&r, AWS_ECS_RESOURCE_LIMITS,
                "(name \"a\"): no hard memory limit (task memory absent, memory absent; "
                "memoryReservation 256 MiB is a soft limit)");
    assert_int_equal(
        count(&r, AWS_ECS_RESOURCE_LIMITS, LD_STATUS_FAIL, "(name \"a\"): no CPU limit"), 1);
    assert_int_equal(count(&r, AWS_ECS_RESOURCE_LIMITS, LD_STATUS_FAIL, "(name \"b\")"), 0);
    assert_int_equal(
        count(&r, AWS_ECS_RESOURCE_LIMITS, LD_STATUS_FAIL, "(name \"c\"): no memory limit"), 1);
    run_done(&r);
    /* task-level cpu and memory cover every container (Fargate) */
    run_one_container(&r, FARGATE_TASK, "{\"name\": \"a\", \"image\": \"x\"}");
    expect_pass(&r, AWS_ECS_RESOURCE_LIMITS);
    run_done(&r);
}

#define VOLUMES                                                                                    \
    "\"volumes\": [{\"name\": \"sock\", \"host\": {\"sourcePath\": \"/var/run/docker.sock\"}}, "   \
    "{\"name\": \"etc\", \"host\": {\"sourcePath\": \"/etc/\"}}, "                                 \
    "{\"name\": \"data\", \"host\": {\"sourcePath\": \"/srv/data\"}}, "                            \
    "{\"name\": \"scratch\", \"host\": {}}], \"networkMode\": \"bridge\", "

static void test_host_bind_mounts(void **state)
{
    (void)state;
    run r;
    run_one_container(
        &r, VOLUMES,
        "{\"name\": \"a\", \"image\": \"x\", \"mountPoints\": ["
        "{\"sourceVolume\": \"sock\", \"containerPath\": \"/var/run/docker.sock\", "
        "\"readOnly\": true}, "
        "{\"sourceVolume\": \"etc\", \"containerPath\": \"/host/etc\"}, "
        "{\"sourceVolume\": \"data\", \"containerPath\": \"/data\", \"readOnly\": true}, "
        "{\"sourceVolume\": \"scratch\", \"containerPath\": \"/tmp\"}]}");
    expect_fail(&r, AWS_ECS_HOST_MOUNTS,
                "containerDefinitions[0] (name \"a\").mountPoints[0]: host path "
                "\"/var/run/docker.sock\" (the Docker socket: root on the instance, read-only or "
                "not) (volume \"sock\") at /var/run/docker.sock, readOnly: true");
    expect_fail(&r, AWS_ECS_HOST_MOUNTS,
                "mountPoints[1]: host path \"/etc/\" (a path that controls the host) (volume "
                "\"etc\") at /host/etc, readOnly: absent (default false)");
    assert_int_equal(count(&r, AWS_ECS_HOST_MOUNTS, LD_STATUS_FAIL, "mountPoints[2]"), 0);
    assert_int_equal(count(&r, AWS_ECS_HOST_MOUNTS, LD_STATUS_FAIL, "mountPoints[3]"), 0);
    run_done(&r);
    /* the same volumes mounted read-only, the socket not at all */
    run_one_container(&r, VOLUMES,
                      "{\"name\": \"a\", \"image\": \"x\", \"mountPoints\": ["
                      "{\"sourceVolume\": \"etc\", \"containerPath\": \"/h\", \"readOnly\": true}, "
                      "{\"sourceVolume\": \"data\", \"containerPath\": \"/d\", \"readOnly\": "
                      "true}]}");
    expect_pass(&r, AWS_ECS_HOST_MOUNTS);
    run_done(&r);
}

/* Members of the wrong type count as absent (aws_json.h): no crash, no
 * pass they did not earn, a secret still masked (control bytes in names
 * are left to the writers' escaping, util/term_text.h). */
static void test_hostile_types(void **state)
{
    (void)state;
    static const char doc[] =
        "{\"taskDefinition\": {\"taskDefinitionArn\": "
        "\"arn:aws:ecs:us-east-1:1:task-definition/h:1\", \"family\": \"h\", "
        "\"revision\": 1, \"networkMode\": 7, \"pidMode\": null, \"cpu\": 256, "
        "\"memory\": \"0\", \"volumes\": [{\"name\": \"v\", \"host\": {\"sourcePath\": 5}}, 3, "
        "{\"name\": \"w\", \"host\": \"x\"}], \"containerDefinitions\": [{\"name\": "
        "\"a\\u0001\\nb\", \"image\": \"\", \"privileged\": \"true\", \"user\": 0, "
        "\"readonlyRootFilesystem\": \"yes\", \"linuxParameters\": {\"capabilities\": "
        "{\"add\": \"SYS_ADMIN\"}, \"initProcessEnabled\": 1}, \"environment\": "
        "[{\"name\": 5, \"value\": \"x\"}, {\"value\": \"" AWS_KEY "\"}, 4, "
        "{\"name\": \"PASSWORD\"}], \"logConfiguration\": {\"logDriver\": null}, "
        "\"mountPoints\": [{\"sourceVolume\": \"v\"}, {\"sourceVolume\": null}, 1]}]}}";
    run r;
    run_init(&r);
    ld_strlist_push(&r.trusted, ECR);
    add_doc(&r, "h.json", doc); /* the loader keeps it: the checks must cope */
    run_tasks(&r);
    expect_fail(&r, AWS_ECS_READONLY_ROOTFS, "readonlyRootFilesystem: absent");
    expect_fail(&r, AWS_ECS_ROOT_USER, ".user: absent");
    expect_fail(&r, AWS_ECS_RESOURCE_LIMITS, "no memory limit (task memory \"0\", memory absent)");
    expect_fail(&r, AWS_ECS_LOGGING, "logConfiguration.logDriver: absent");
    expect_fail(&r, AWS_ECS_IMAGE_DIGEST, ".image: absent");
    expect_fail(&r, AWS_ECS_ENV_SECRETS, "environment[1] ? holds AKIA*");
    assert_false(any_evidence_has(&r, AWS_KEY));
    run_done(&r);
}

/* An input that could not be read: no check passes (not assessed). */
static void test_unread_input_is_never_a_pass(void **state)
{
    (void)state;
    run r;
    run_init(&r);
    ld_strlist_push(&r.trusted, ECR);
    add_owned(&r, "td.json", td_doc("web", FARGATE_TASK, GOOD_CTR("web")));
    ld_aws_set_add_unread(r.set, "export/broken.json: truncated JSON");
    run_tasks(&r);
    run_services(&r);
    for (size_t i = 0; i < N_TASK_CHECKS; i++) {
        assert_int_equal(count(&r, task_checks[i], LD_STATUS_PASS, NULL), 0);
        assert_int_equal(count(&r, task_checks[i], LD_STATUS_ERROR, "export/broken.json"), 1);
    }
    assert_int_equal(count(&r, AWS_ECS_EXEC_AUDIT, LD_STATUS_PASS, NULL), 0);
    run_done(&r);
}

/* ---- services and clusters ---- */

#define CLUSTER_ARN "arn:aws:ecs:us-east-1:123456789012:cluster/prod"

/* describe-services output: one service with the given members. */
static char *svc_doc(const char *name, const char *members)
{
    return ld_xasprintf("{\"services\": [{\"serviceArn\": "
                        "\"arn:aws:ecs:us-east-1:123456789012:service/prod/%s\", "
                        "\"serviceName\": \"%s\", \"clusterArn\": \"" CLUSTER_ARN "\", "
                        "\"status\": \"ACTIVE\", \"desiredCount\": 2, "
                        "\"taskDefinition\": "
                        "\"arn:aws:ecs:us-east-1:123456789012:task-definition/web:3\"%s}], "
                        "\"failures\": []}",
                        name, name, members);
}

/* describe-clusters output (--include SETTINGS CONFIGURATIONS). */
static char *cluster_doc(const char *members)
{
    return ld_xasprintf("{\"clusters\": [{\"clusterArn\": \"" CLUSTER_ARN "\", "
                        "\"clusterName\": \"prod\", \"status\": \"ACTIVE\"%s}], "
                        "\"failures\": []}",
                        members);
}

#define INSIGHTS_ON ", \"settings\": [{\"name\": \"containerInsights\", \"value\": \"enabled\"}]"
#define AWSVPC(ip)                                                                                 \
    ", \"networkConfiguration\": {\"awsvpcConfiguration\": {\"subnets\": [\"subnet-1\"], "         \
    "\"securityGroups\": [\"sg-1\"], \"assignPublicIp\": \"" ip "\"}}"

static void test_public_ip(void **state)
{
    (void)state;
    run r;
    run_init(&r);
    add_owned(&r, "svc-a.json", svc_doc("api", ", \"launchType\": \"EC2\"" AWSVPC("ENABLED")));
    add_owned(&r, "svc-b.json", svc_doc("worker", ", \"launchType\": \"EC2\"" AWSVPC("DISABLED")));
    run_services(&r);
    expect_fail(&r, AWS_ECS_PUBLIC_IP,
                "networkConfiguration.awsvpcConfiguration.assignPublicIp: \"ENABLED\"");
    assert_int_equal(count(&r, AWS_ECS_PUBLIC_IP, LD_STATUS_FAIL, "service/prod/api"), 1);
    assert_int_equal(count(&r, AWS_ECS_PUBLIC_IP, LD_STATUS_FAIL, "service/prod/worker"), 0);
    run_done(&r);
    run_init(&r);
    add_owned(&r, "svc-b.json", svc_doc("worker", ", \"launchType\": \"EC2\"" AWSVPC("DISABLED")));
    run_services(&r);
    expect_pass(&r, AWS_ECS_PUBLIC_IP);
    run_done(&r);
}

static void insights_case(const char *members, ld_status st, const char *needle)
{
    run r;
    run_init(&r);
    add_owned(&r, "clusters.json", cluster_doc(members));
    run_services(&r);
    if (st == LD_STATUS_PASS)
        expect_pass(&r, AWS_ECS_CONTAINER_INSIGHTS);
    else {
        assert_int_equal(count_any(&r, AWS_ECS_CONTAINER_INSIGHTS), 1);
        assert_int_equal(count(&r, AWS_ECS_CONTAINER_INSIGHTS, st, needle), 1);
    }
    run_done(&r);
}

static void test_container_insights(void **state)
{
    (void)state;
    insights_case(INSIGHTS_ON, LD_STATUS_PASS, NULL);
    insights_case(", \"settings\": [{\"name\": \"containerInsights\", \"value\": \"enhanced\"}]",
                  LD_STATUS_PASS, NULL);
    insights_case(", \"settings\": [{\"name\": \"containerInsights\", \"value\": \"disabled\"}]",
                  LD_STATUS_FAIL, "settings containerInsights: \"disabled\"");
    insights_case(", \"settings\": []", LD_STATUS_FAIL, "settings containerInsights: absent");
    insights_case("", LD_STATUS_ERROR, "--include SETTINGS");
}

#define EXEC_CFG(cfg) ", \"configuration\": {\"executeCommandConfiguration\": " cfg "}"
#define KMS "\"kmsKeyId\": \"arn:aws:kms:us-east-1:123456789012:key/abcd\""

static void exec_case(const char *svc_members, const char *cluster_members, ld_status st,
                      const char *needle)
{
    run r;
    run_init(&r);
    add_owned(&r, "svc.json", svc_doc("api", svc_members));
    if (cluster_members)
        add_owned(&r, "clusters.json", cluster_doc(cluster_members));
    run_services(&r);
    if (st == LD_STATUS_PASS)
        expect_pass(&r, AWS_ECS_EXEC_AUDIT);
    else {
        assert_int_equal(count_any(&r, AWS_ECS_EXEC_AUDIT), 1);
        if (count(&r, AWS_ECS_EXEC_AUDIT, st, needle) != 1)
            fail_msg("exec-audit: no finding of status %d holding \"%s\"", (int)st, needle);
    }
    run_done(&r);
}

static void test_exec_audit(void **state)
{
    (void)state;
    const char *on = ", \"enableExecuteCommand\": true, \"launchType\": \"EC2\"";
    exec_case(on, EXEC_CFG("{\"logging\": \"NONE\", " KMS "}"), LD_STATUS_FAIL,
              "executeCommandConfiguration.logging: \"NONE\"");
    exec_case(on, EXEC_CFG("{\"logging\": \"DEFAULT\"}"), LD_STATUS_FAIL,
              "executeCommandConfiguration.kmsKeyId: absent");
    exec_case(on, EXEC_CFG("{\"logging\": \"DEFAULT\", " KMS "}"), LD_STATUS_PASS, NULL);
    exec_case(on,
              EXEC_CFG("{\"logging\": \"OVERRIDE\", " KMS ", \"logConfiguration\": "
                       "{\"cloudWatchLogGroupName\": \"/ecs/exec\", "
                       "\"cloudWatchEncryptionEnabled\": true}}"),
              LD_STATUS_PASS, NULL);
    exec_case(on,
              EXEC_CFG("{\"logging\": \"OVERRIDE\", " KMS ", \"logConfiguration\": "
                       "{\"s3KeyPrefix\": \"exec/\"}}"),
              LD_STATUS_FAIL, "\"OVERRIDE\" with no logConfiguration.cloudWatchLogGroupName");
    exec_case(on, INSIGHTS_ON, LD_STATUS_FAIL,
              "shows no configuration.executeCommandConfiguration");
    exec_case(on, NULL, LD_STATUS_ERROR, "cluster " CLUSTER_ARN " not in the inputs");
    /* neither settings nor configuration: exported without --include, unknown */
    exec_case(on, "", LD_STATUS_ERROR, "exported without its configuration");
    exec_case(", \"enableExecuteCommand\": false", NULL, LD_STATUS_PASS, NULL);
    exec_case("", EXEC_CFG("{\"logging\": \"NONE\"}"), LD_STATUS_PASS, NULL);
}

/* logging DEFAULT sends sessions to the task definition's awslogs: none there, nothing logged. */
static void test_exec_audit_default_needs_awslogs(void **state)
{
    (void)state;
    run r;
    run_init(&r);
    add_owned(&r, "svc.json", svc_doc("api", ", \"enableExecuteCommand\": true"));
    add_owned(&r, "clusters.json", cluster_doc(EXEC_CFG("{\"logging\": \"DEFAULT\", " KMS "}")));
    add_owned(&r, "td.json",
              td_doc("web", FARGATE_TASK,
                     "{\"name\": \"a\", \"image\": \"x\", \"logConfiguration\": "
                     "{\"logDriver\": \"splunk\"}}"));
    run_services(&r);
    assert_int_equal(count(&r, AWS_ECS_EXEC_AUDIT, LD_STATUS_FAIL,
                           "task definition web:3 has no awslogs container"),
                     1);
    run_done(&r);
}

static void test_fargate_version_cmp(void **state)
{
    (void)state;
    int c = 9;
    assert_true(ld_aws_fargate_version_cmp("1.3.0", "1.4.0", &c));
    assert_true(c < 0);
    assert_true(ld_aws_fargate_version_cmp("1.4.0", "1.4", &c));
    assert_int_equal(c, 0);
    assert_true(ld_aws_fargate_version_cmp("1.10.0", "1.4.0", &c));
    assert_true(c > 0);
    assert_false(ld_aws_fargate_version_cmp("LATEST", "1.4.0", &c));
    assert_false(ld_aws_fargate_version_cmp("1.4.0-beta", "1.4.0", &c));
    assert_false(ld_aws_fargate_version_cmp("", "1.4.0", &c));
    assert_false(ld_aws_fargate_version_cmp("1..4", "1.4.0", &c));
    assert_false(ld_aws_fargate_version_cmp("1.9999999999", "1.4.0", &c));
}

/* Services judged against version data written `age_days` before NOW. */
static void fargate_case(const char *svc_members, int age_days, ld_status st, const char *needle)
{
    ld_fargate_platform pf[2] = {
        {.os_family = "LINUX", .current = "1.4.0", .deprecated = "1.3.0,1.2.0,1.1.0,1.0.0"},
        {.os_family = "WINDOWS_SERVER", .current = "1.0.0", .deprecated = NULL}};
    ld_aws_versions v = {.written = NOW - (time_t)age_days * 86400, .fargate = pf, .n_fargate = 2};
    run r;
    run_init(&r);
    add_owned(&r, "svc.json", svc_doc("api", svc_members));
    if (ld_aws_ecs_fargate_check(r.fs, r.set, &r.o, &v, &r.err) < 0)
        fail_msg("fargate: %s", r.err.msg);
    if (st == LD_STATUS_PASS)
        expect_pass(&r, AWS_ECS_FARGATE_PLATFORM);
    else {
        assert_int_equal(count_any(&r, AWS_ECS_FARGATE_PLATFORM), 1);
        if (count(&r, AWS_ECS_FARGATE_PLATFORM, st, needle) != 1)
            fail_msg("fargate: no finding of status %d holding \"%s\"", (int)st, needle);
    }
    run_done(&r);
}

static void test_fargate_platform_version(void **state)
{
    (void)state;
    fargate_case(", \"launchType\": \"FARGATE\", \"platformVersion\": \"LATEST\"", 30,
                 LD_STATUS_PASS, NULL);
    fargate_case(", \"launchType\": \"FARGATE\"", 30, LD_STATUS_PASS, NULL);
    fargate_case(", \"launchType\": \"FARGATE\", \"platformVersion\": \"1.4.0\"", 30,
                 LD_STATUS_PASS, NULL);
    fargate_case(", \"launchType\": \"FARGATE\", \"platformVersion\": \"1.3.0\"", 30,
                 LD_STATUS_FAIL,
                 "platformVersion: \"1.3.0\" is older than the current LINUX platform version "
                 "1.4.0 (version data of 2025-12-02), and retired");
    /* a capacity provider strategy on FARGATE_SPOT is Fargate too */
    fargate_case(", \"capacityProviderStrategy\": [{\"capacityProvider\": \"FARGATE_SPOT\", "
                 "\"weight\": 1, \"base\": 0}], \"platformVersion\": \"1.3.0\"",
                 30, LD_STATUS_FAIL, "\"1.3.0\" is older");
    /* Windows: its own platform line */
    fargate_case(", \"launchType\": \"FARGATE\", \"platformFamily\": "
                 "\"WINDOWS_SERVER_2019_CORE\", \"platformVersion\": \"1.0.0\"",
                 30, LD_STATUS_PASS, NULL);
    /* stale data: needs review, never a pass */
    fargate_case(", \"launchType\": \"FARGATE\", \"platformVersion\": \"LATEST\"", 200,
                 LD_STATUS_WARN, "more than 6 months old: needs review");
    fargate_case(", \"launchType\": \"FARGATE\", \"platformVersion\": \"1.5.0\"", 30,
                 LD_STATUS_WARN, "newer than the current LINUX platform 1.4.0");
    /* EC2 services are not judged */
    fargate_case(", \"launchType\": \"EC2\"", 30, LD_STATUS_SKIPPED, "no ECS service on Fargate");
}

/* The family with the built-in version data (data/aws-versions.yaml). */
static void test_fargate_builtin_data(void **state)
{
    (void)state;
    run r;
    run_init(&r);
    add_owned(&r, "svc.json",
              svc_doc("api", ", \"launchType\": \"FARGATE\", \"platformVersion\": \"1.0.0\""));
    run_services(&r);
    expect_fail(&r, AWS_ECS_FARGATE_PLATFORM, "platformVersion: \"1.0.0\" is older than");
    run_done(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_good_task_definition_passes_everything),
        cmocka_unit_test(test_no_task_definition_is_skipped),
        cmocka_unit_test(test_privileged),
        cmocka_unit_test(test_root_user),
        cmocka_unit_test(test_windows_not_judged_for_linux_fields),
        cmocka_unit_test(test_readonly_rootfs),
        cmocka_unit_test(test_capabilities),
        cmocka_unit_test(test_host_namespaces),
        cmocka_unit_test(test_init_process),
        cmocka_unit_test(test_environment_secrets),
        cmocka_unit_test(test_environment_secrets_rule_stopped),
        cmocka_unit_test(test_log_configuration),
        cmocka_unit_test(test_images),
        cmocka_unit_test(test_resource_limits),
        cmocka_unit_test(test_host_bind_mounts),
        cmocka_unit_test(test_hostile_types),
        cmocka_unit_test(test_unread_input_is_never_a_pass),
        cmocka_unit_test(test_public_ip),
        cmocka_unit_test(test_container_insights),
        cmocka_unit_test(test_exec_audit),
        cmocka_unit_test(test_exec_audit_default_needs_awslogs),
        cmocka_unit_test(test_fargate_version_cmp),
        cmocka_unit_test(test_fargate_platform_version),
        cmocka_unit_test(test_fargate_builtin_data),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
