/* Unit tests for the ECR family (aws/ecr_checks.c) on the AWS CLI's own
 * output shapes (`aws ecr describe-repositories|get-lifecycle-policy|
 * get-repository-policy|get-registry-scanning-configuration|
 * describe-pull-through-cache-rules --generate-cli-skeleton output`, and the
 * botocore model for the two whose skeleton the CLI refuses), edited per
 * case and loaded through the real loader (aws/aws_set.c): each check seen
 * to pass and to fail, warnings where a human must look, ABSENCE records
 * (the CLI's ...NotFoundException line) told from documents not exported,
 * and malformed policy text as "not assessed". */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "aws/aws_scan.h"
#include "aws/ecr_internal.h"
#include "core/catalog.h"
#include "core/findings.h"

#define REG "111122223333"
#define OTHER "444455556666"

/* One describe-repositories element (skeleton shape, edited). */
#define REPO(name, mut, excl, scan, enc)                                                           \
    "{\"repositoryArn\": \"arn:aws:ecr:us-east-1:" REG ":repository/" name "\","                   \
    "\"registryId\": \"" REG "\", \"repositoryName\": \"" name "\","                               \
    "\"repositoryUri\": \"" REG ".dkr.ecr.us-east-1.amazonaws.com/" name "\","                     \
    "\"createdAt\": \"2024-01-01T00:00:00\", \"imageTagMutability\": \"" mut "\","                 \
    "\"imageTagMutabilityExclusionFilters\": [" excl "],"                                          \
    "\"imageScanningConfiguration\": {\"scanOnPush\": " scan "},"                                  \
    "\"encryptionConfiguration\": " enc "}"
/* repositories joined with "," (a macro argument cannot hold the comma) */
#define REPOS(list) "{\"repositories\": [" list "], \"nextToken\": null}"
#define KMS_CMK                                                                                    \
    "{\"encryptionType\": \"KMS\", \"kmsKey\": \"arn:aws:kms:us-east-1:" REG ":key/k1\"}"
#define GOOD(name) REPO(name, "IMMUTABLE", "", "true", KMS_CMK)

#define LIFECYCLE(name, text)                                                                      \
    "{\"registryId\": \"" REG "\", \"repositoryName\": \"" name                                    \
    "\", \"lifecyclePolicyText\": " text ", \"lastEvaluatedAt\": \"2024-01-01T00:00:00\"}"
#define EXPIRE_TAGGED                                                                              \
    "\"{\\\"rules\\\":[{\\\"rulePriority\\\":1,\\\"description\\\":\\\"old\\\",\\\"selection\\\":" \
    "{\\\"tagStatus\\\":\\\"any\\\",\\\"countType\\\":\\\"imageCountMoreThan\\\","                 \
    "\\\"countNumber\\\":50},\\\"action\\\":{\\\"type\\\":\\\"expire\\\"}}]}\""
#define EXPIRE_UNTAGGED                                                                            \
    "\"{\\\"rules\\\":[{\\\"rulePriority\\\":1,\\\"selection\\\":{\\\"tagStatus\\\":"              \
    "\\\"untagged\\\",\\\"countType\\\":\\\"sinceImagePushed\\\",\\\"countUnit\\\":\\\"days\\\","  \
    "\\\"countNumber\\\":14},\\\"action\\\":{\\\"type\\\":\\\"expire\\\"}}]}\""
#define POLICY(name, text)                                                                         \
    "{\"registryId\": \"" REG "\", \"repositoryName\": \"" name "\", \"policyText\": " text "}"
#define NO_LIFECYCLE(name)                                                                         \
    "An error occurred (LifecyclePolicyNotFoundException) when calling the GetLifecyclePolicy "    \
    "operation: Lifecycle policy does not exist for the repository with name '" name               \
    "' in the registry with id '" REG "'\n"
#define NO_POLICY(name)                                                                            \
    "An error occurred (RepositoryPolicyNotFoundException) when calling the GetRepositoryPolicy "  \
    "operation: Repository policy does not exist for the repository with name '" name              \
    "' in the registry with id '" REG "'\n"
#define SCANNING(type, rules)                                                                      \
    "{\"registryId\": \"" REG "\", \"scanningConfiguration\": {\"scanType\": \"" type              \
    "\", \"rules\": [" rules "]}}"
#define RULE(freq, filter)                                                                         \
    "{\"scanFrequency\": \"" freq "\", \"repositoryFilters\": [{\"filter\": \"" filter             \
    "\", \"filterType\": \"WILDCARD\"}]}"
#define PTC(prefix, url)                                                                           \
    "{\"pullThroughCacheRules\": [{\"ecrRepositoryPrefix\": \"" prefix "\","                       \
    "\"upstreamRegistryUrl\": \"" url "\", \"createdAt\": \"2024-01-01T00:00:00\","                \
    "\"registryId\": \"" REG "\", \"upstreamRegistry\": \"docker-hub\"}]}"

typedef struct {
    ld_catalog *cat;
    ld_aws_set *set;
    ld_findings *fs;
} run;

/* Loads the documents (NULL-terminated; each its own file) and runs the
 * family with trusted registries `trusted` (NULL: none). */
static run run_ecr(const char *const *docs, const ld_strlist *trusted)
{
    run r = {0};
    ld_error err = LD_ERROR_INIT;
    r.cat = ld_catalog_load_builtin(&err);
    if (!r.cat)
        fail_msg("catalog: %s", err.msg);
    r.set = ld_aws_set_new();
    for (size_t i = 0; docs[i]; i++) {
        char name[32];
        snprintf(name, sizeof(name), "doc%zu.json", i);
        if (ld_aws_set_add_buffer(r.set, name, docs[i], strlen(docs[i]), &err) < 0)
            fail_msg("load %s: %s", name, err.msg);
    }
    r.fs = ld_findings_new(r.cat, 0);
    ld_aws_scan_options o = {.level = LD_LEVEL_HIGH, .trusted_registries = trusted};
    if (ld_aws_ecr_checks(r.fs, r.set, &o, &err) < 0)
        fail_msg("ecr checks: %s", err.msg);
    return r;
}

static void done(run *r)
{
    ld_findings_free(r->fs);
    ld_aws_set_free(r->set);
    ld_catalog_free(r->cat);
}

/* Findings of check with status whose target id or evidence holds needle
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

static size_t count_all(const run *r, const char *check)
{
    size_t n = 0;
    for (size_t i = 0; i < r->fs->n; i++)
        n += strcmp(r->fs->v[i]->check_id, check) == 0;
    return n;
}

/* Exactly one finding of check: status st with needle. */
static void expect_only(const run *r, const char *check, ld_status st, const char *needle)
{
    if (count_all(r, check) != 1 || count(r, check, st, needle) != 1) {
        for (size_t i = 0; i < r->fs->n; i++)
            if (strcmp(r->fs->v[i]->check_id, check) == 0)
                fprintf(stderr, "  %s %s %s: %s\n", check, ld_status_name(r->fs->v[i]->status),
                        r->fs->v[i]->target.id, r->fs->v[i]->evidence);
        fail_msg("%s: want one %s with \"%s\"", check, ld_status_name(st), needle ? needle : "");
    }
}

static void test_good_registry_passes_everything(void **state)
{
    (void)state;
    ld_strlist trusted = {0};
    ld_strlist_push(&trusted, "public.ecr.aws");
    const char *docs[] = {REPOS(GOOD("app")),
                          LIFECYCLE("app", EXPIRE_TAGGED),
                          NO_POLICY("app"),
                          SCANNING("ENHANCED", RULE("CONTINUOUS_SCAN", "*")),
                          PTC("ecr-public", "public.ecr.aws"),
                          NULL};
    run r = run_ecr(docs, &trusted);
    expect_only(&r, AWS_ECR_SCAN_ON_PUSH, LD_STATUS_PASS, "1 ECR repository");
    expect_only(&r, AWS_ECR_TAG_IMMUTABILITY, LD_STATUS_PASS, "IMMUTABLE");
    expect_only(&r, AWS_ECR_LIFECYCLE, LD_STATUS_PASS, "expires images");
    expect_only(&r, AWS_ECR_KMS, LD_STATUS_PASS, "customer managed");
    expect_only(&r, AWS_ECR_REPO_POLICY, LD_STATUS_PASS, "1 ECR repository");
    expect_only(&r, AWS_ECR_PULL_THROUGH, LD_STATUS_PASS, "1 pull-through cache rule");
    done(&r);
    ld_strlist_clear(&trusted);
}

static void test_nothing_to_judge_is_skipped(void **state)
{
    (void)state;
    const char *docs[] = {REPOS(), NULL};
    run r = run_ecr(docs, NULL);
    expect_only(&r, AWS_ECR_SCAN_ON_PUSH, LD_STATUS_SKIPPED, "no ECR repository");
    expect_only(&r, AWS_ECR_REPO_POLICY, LD_STATUS_SKIPPED, "in the inputs");
    expect_only(&r, AWS_ECR_PULL_THROUGH, LD_STATUS_SKIPPED, "0 pull-through");
    done(&r);
}

static void test_scan_on_push_registry_level(void **state)
{
    (void)state;
    /* the registry document decides: 'prod*' covers prod-api, not web (even with scanOnPush
     * true on web), MANUAL rules never count */
    const char *docs[] = {
        REPOS(GOOD("prod-api") "," REPO("web", "IMMUTABLE", "", "true", KMS_CMK) "," REPO(
            "batch", "IMMUTABLE", "", "false", KMS_CMK)),
        SCANNING("BASIC", RULE("SCAN_ON_PUSH", "prod*") "," RULE("MANUAL", "*")), NULL};
    run r = run_ecr(docs, NULL);
    assert_int_equal(count(&r, AWS_ECR_SCAN_ON_PUSH, LD_STATUS_FAIL, NULL), 2);
    assert_int_equal(count(&r, AWS_ECR_SCAN_ON_PUSH, LD_STATUS_FAIL, "prod-api"), 0);
    assert_int_equal(count(&r, AWS_ECR_SCAN_ON_PUSH, LD_STATUS_FAIL,
                           "scanOnPush true is superseded by the registry configuration"),
                     1);
    assert_int_equal(count(&r, AWS_ECR_SCAN_ON_PUSH, LD_STATUS_FAIL, "scanned only manually"), 2);
    assert_int_equal(count(&r, AWS_ECR_SCAN_ON_PUSH, LD_STATUS_PASS, NULL), 0);
    done(&r);

    /* basic without any scan-on-push filter (the registry's default): the repository's
     * scanOnPush true needs review, false fails */
    const char *docs3[] = {REPOS(REPO("legacy", "IMMUTABLE", "", "true", KMS_CMK) "," REPO(
                               "plain", "IMMUTABLE", "", "false", KMS_CMK)),
                           SCANNING("BASIC", ""), NULL};
    r = run_ecr(docs3, NULL);
    assert_int_equal(count_all(&r, AWS_ECR_SCAN_ON_PUSH), 2);
    assert_int_equal(count(&r, AWS_ECR_SCAN_ON_PUSH, LD_STATUS_WARN, "repository/legacy"), 1);
    assert_int_equal(count(&r, AWS_ECR_SCAN_ON_PUSH, LD_STATUS_WARN, "has no scan-on-push filter"),
                     1);
    assert_int_equal(count(&r, AWS_ECR_SCAN_ON_PUSH, LD_STATUS_FAIL, "repository/plain"), 1);
    done(&r);

    /* enhanced: a filter without wildcard matches names containing it */
    const char *docs2[] = {REPOS(REPO("team/prod-api", "IMMUTABLE", "", "false", KMS_CMK) "," REPO(
                               "team/dev", "IMMUTABLE", "", "false", KMS_CMK)),
                           SCANNING("ENHANCED", RULE("SCAN_ON_PUSH", "prod")), NULL};
    r = run_ecr(docs2, NULL);
    expect_only(&r, AWS_ECR_SCAN_ON_PUSH, LD_STATUS_FAIL, "team/dev");
    assert_int_equal(count(&r, AWS_ECR_SCAN_ON_PUSH, LD_STATUS_FAIL, "not scanned"), 1);
    done(&r);
}

static void test_scan_on_push_repository_level(void **state)
{
    (void)state;
    const char *docs[] = {REPOS(REPO("on", "IMMUTABLE", "", "true",
                                     KMS_CMK) "," REPO("off", "IMMUTABLE", "", "false", KMS_CMK)),
                          NULL};
    run r = run_ecr(docs, NULL);
    expect_only(&r, AWS_ECR_SCAN_ON_PUSH, LD_STATUS_FAIL,
                "imageScanningConfiguration.scanOnPush: false; the registry scanning "
                "configuration (get-registry-scanning-configuration) was not exported");
    assert_int_equal(count(&r, AWS_ECR_SCAN_ON_PUSH, LD_STATUS_FAIL, "repository/off"), 1);
    done(&r);

    const char *docs2[] = {REPOS(REPO("on", "IMMUTABLE", "", "true", KMS_CMK)), NULL};
    r = run_ecr(docs2, NULL);
    expect_only(&r, AWS_ECR_SCAN_ON_PUSH, LD_STATUS_PASS, "was not exported and may override");
    done(&r);
}

static void test_filter_semantics(void **state)
{
    (void)state;
    /* the table of the ECR User Guide (image-scanning-filters.html) */
    static const char *const names[] = {"prod", "repo-prod", "prod-repo", "repo-prod-repo",
                                        "prodrepo"};
    static const struct {
        const char *filter;
        bool want[5];
    } table[] = {
        {"prod", {true, true, true, true, true}},
        {"*prod", {true, true, false, false, false}},
        {"prod*", {true, false, true, false, true}},
        {"*prod*", {true, true, true, true, true}},
        {"prod*repo", {false, false, true, false, true}},
    };
    for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++)
        for (size_t j = 0; j < 5; j++)
            if (ld_ecr_filter_matches(table[i].filter, names[j]) != table[i].want[j])
                fail_msg("filter %s vs %s: want %d", table[i].filter, names[j], table[i].want[j]);
    assert_true(ld_ecr_filter_matches("*", "anything/at-all"));
    assert_false(ld_ecr_filter_matches("a?c", "abc")); /* '?' is no wildcard in ECR */
    assert_false(ld_ecr_filter_matches("", "abc"));
}

static void test_tag_immutability(void **state)
{
    (void)state;
    const char *docs[] = {
        REPOS(GOOD("fixed") "," REPO("loose", "MUTABLE", "", "true", KMS_CMK) "," REPO(
            "mostly", "IMMUTABLE_WITH_EXCLUSION",
            "{\"filterType\": \"WILDCARD\", \"filter\": \"latest\"}", "true",
            KMS_CMK) "," REPO("some", "MUTABLE_WITH_EXCLUSION",
                              "{\"filterType\": \"WILDCARD\", \"filter\": \"v*\"}", "true",
                              KMS_CMK)),
        NULL};
    run r = run_ecr(docs, NULL);
    assert_int_equal(count_all(&r, AWS_ECR_TAG_IMMUTABILITY), 3);
    assert_int_equal(count(&r, AWS_ECR_TAG_IMMUTABILITY, LD_STATUS_FAIL,
                           "imageTagMutability: MUTABLE; a pushed tag can be overwritten"),
                     1);
    assert_int_equal(count(&r, AWS_ECR_TAG_IMMUTABILITY, LD_STATUS_WARN,
                           "IMMUTABLE_WITH_EXCLUSION; tags matching "
                           "imageTagMutabilityExclusionFilters 'latest'"),
                     1);
    assert_int_equal(count(&r, AWS_ECR_TAG_IMMUTABILITY, LD_STATUS_FAIL,
                           "MUTABLE_WITH_EXCLUSION; every tag except those matching 'v*'"),
                     1);
    assert_int_equal(count(&r, AWS_ECR_TAG_IMMUTABILITY, LD_STATUS_FAIL, "repository/loose"), 1);
    done(&r);
}

static void test_lifecycle(void **state)
{
    (void)state;
    const char *docs[] = {REPOS(GOOD("tagged") "," GOOD("untagged") "," GOOD("none") "," GOOD(
                              "unknown") "," GOOD("broken") "," GOOD("noexpire")),
                          LIFECYCLE("tagged", EXPIRE_TAGGED),
                          LIFECYCLE("untagged", EXPIRE_UNTAGGED),
                          NO_LIFECYCLE("none"),
                          LIFECYCLE("broken", "\"{\\\"rules\\\": [\""),
                          LIFECYCLE("noexpire", "\"{\\\"rules\\\": [{\\\"rulePriority\\\": 1, "
                                                "\\\"selection\\\": {\\\"tagStatus\\\": "
                                                "\\\"any\\\"}, \\\"action\\\": {\\\"type\\\": "
                                                "\\\"transition\\\"}}]}\""),
                          NULL};
    run r = run_ecr(docs, NULL);
    assert_int_equal(count_all(&r, AWS_ECR_LIFECYCLE), 5);
    assert_int_equal(
        count(&r, AWS_ECR_LIFECYCLE, LD_STATUS_WARN,
              "expire rule selects only tagStatus untagged: stale tagged images are never pruned"),
        1);
    assert_int_equal(count(&r, AWS_ECR_LIFECYCLE, LD_STATUS_FAIL,
                           "no lifecycle policy (LifecyclePolicyNotFoundException"),
                     1);
    assert_int_equal(count(&r, AWS_ECR_LIFECYCLE, LD_STATUS_FAIL, "repository/none"), 1);
    assert_int_equal(count(&r, AWS_ECR_LIFECYCLE, LD_STATUS_ERROR,
                           "get-lifecycle-policy for unknown not in the inputs"),
                     1);
    assert_int_equal(count(&r, AWS_ECR_LIFECYCLE, LD_STATUS_ERROR,
                           "lifecyclePolicyText is not a lifecycle policy"),
                     1);
    assert_int_equal(
        count(&r, AWS_ECR_LIFECYCLE, LD_STATUS_FAIL, "none of its 1 rules has action type expire"),
        1);
    assert_int_equal(count(&r, AWS_ECR_LIFECYCLE, LD_STATUS_FAIL, "repository/tagged"), 0);
    done(&r);

    ld_status st;
    char *m = ld_ecr_lifecycle_judge("[1,2]", &st);
    assert_int_equal(st, LD_STATUS_ERROR);
    free(m);
    m = ld_ecr_lifecycle_judge(NULL, &st);
    assert_int_equal(st, LD_STATUS_ERROR);
    free(m);
}

static void test_kms(void **state)
{
    (void)state;
    const char *docs[] = {
        REPOS(GOOD("cmk") "," REPO(
            "aes", "IMMUTABLE", "", "true",
            "{\"encryptionType\": \"AES256\"}") "," REPO("managed", "IMMUTABLE", "", "true",
                                                         "{\"encryptionType\": "
                                                         "\"KMS\"}") "," REPO("dsse",
                                                                              "IMMUTABL"
                                                                              "E",
                                                                              "", "true",
                                                                              "{\"encry"
                                                                              "ptionTyp"
                                                                              "e\": "
                                                                              "\"KMS_"
                                                                              "DSSE\", "
                                                                              "\"kmsKey"
                                                                              "\": "
                                                                              "\"arn:"
                                                                              "aws:kms:"
                                                                              "us-east-"
                                                                              "1:" REG ":key/"
                                                                              "k2\"}")),
        NULL};
    run r = run_ecr(docs, NULL);
    assert_int_equal(count_all(&r, AWS_ECR_KMS), 2);
    assert_int_equal(
        count(&r, AWS_ECR_KMS, LD_STATUS_FAIL, "encryptionConfiguration.encryptionType: AES256"),
        1);
    assert_int_equal(count(&r, AWS_ECR_KMS, LD_STATUS_WARN,
                           "KMS without kmsKey: the AWS managed "
                           "key aws/ecr"),
                     1);
    assert_int_equal(count(&r, AWS_ECR_KMS, LD_STATUS_WARN, "repository/managed"), 1);
    done(&r);
}

#define STMT(effect, principal, action, cond)                                                      \
    "{\\\"Sid\\\":\\\"s\\\",\\\"Effect\\\":\\\"" effect "\\\",\\\"Principal\\\":" principal        \
    ",\\\"Action\\\":" action cond "}"
#define POLICY_TEXT(...)                                                                           \
    "\"{\\\"Version\\\":\\\"2012-10-17\\\",\\\"Statement\\\":[" __VA_ARGS__ "]}\""
#define ANYONE "\\\"*\\\""
#define AWS_ANY "{\\\"AWS\\\":\\\"*\\\"}"
#define ACCT(a) "{\\\"AWS\\\":[\\\"arn:aws:iam::" a ":root\\\"]}"
#define PULL "[\\\"ecr:BatchGetImage\\\",\\\"ecr:GetDownloadUrlForLayer\\\"]"
#define ORG_COND                                                                                   \
    ",\\\"Condition\\\":{\\\"StringEquals\\\":{\\\"aws:PrincipalOrgID\\\":\\\"o-1\\\"}}"

static void test_repository_policy(void **state)
{
    (void)state;
    const char *docs[] = {
        REPOS(GOOD("public") "," GOOD("org") "," GOOD("xpush") "," GOOD("xpull") "," GOOD("own") "," GOOD(
            "xcond") "," GOOD("deny") "," GOOD("nopol") "," GOOD("unknown") "," GOOD("broken") "," GOOD("star")),
        POLICY("public", POLICY_TEXT(STMT("Allow", ANYONE, PULL, ""))),
        POLICY("org", POLICY_TEXT(STMT("Allow", AWS_ANY, "\\\"ecr:*\\\"", ORG_COND))),
        POLICY("xpush", POLICY_TEXT(STMT("Allow", ACCT(OTHER), "\\\"ecr:PutImage\\\"", ""))),
        POLICY("xpull", POLICY_TEXT(STMT("Allow", ACCT(OTHER), PULL, ""))),
        POLICY("own", POLICY_TEXT(STMT("Allow", ACCT(REG), "\\\"*\\\"", ""))),
        POLICY("xcond", POLICY_TEXT(STMT("Allow", ACCT(OTHER), "\\\"ecr:*\\\"", ORG_COND))),
        POLICY("deny", POLICY_TEXT(STMT("Deny", ANYONE, "\\\"*\\\"", ""))),
        NO_POLICY("nopol"),
        POLICY("broken", "\"{\\\"Statement\\\": 5}\""),
        POLICY("star", POLICY_TEXT(STMT("Allow", ACCT(OTHER), "\\\"*\\\"", ""))),
        NULL};
    run r = run_ecr(docs, NULL);
    assert_int_equal(count(&r, AWS_ECR_REPO_POLICY, LD_STATUS_FAIL,
                           "Statement[0] (Sid s): Effect Allow, Principal *, Action "
                           "[ecr:BatchGetImage, ecr:GetDownloadUrlForLayer] (pull) to anyone"),
                     1);
    assert_int_equal(count(&r, AWS_ECR_REPO_POLICY, LD_STATUS_FAIL, "repository/public"), 1);
    assert_int_equal(count(&r, AWS_ECR_REPO_POLICY, LD_STATUS_WARN,
                           "limited only by Condition StringEquals:aws:PrincipalOrgID"),
                     1);
    assert_int_equal(count(&r, AWS_ECR_REPO_POLICY, LD_STATUS_FAIL,
                           "other account " OTHER ", Action [ecr:PutImage] (push) without a "
                           "Condition"),
                     1);
    assert_int_equal(
        count(&r, AWS_ECR_REPO_POLICY, LD_STATUS_WARN, "cross-account pull, needs review"), 1);
    assert_int_equal(count(&r, AWS_ECR_REPO_POLICY, LD_STATUS_WARN, "repository/xpull"), 1);
    assert_int_equal(count(&r, AWS_ECR_REPO_POLICY, LD_STATUS_FAIL, "repository/star"), 1);
    assert_int_equal(count(&r, AWS_ECR_REPO_POLICY, LD_STATUS_ERROR,
                           "get-repository-policy for unknown not in the inputs"),
                     1);
    assert_int_equal(count(&r, AWS_ECR_REPO_POLICY, LD_STATUS_ERROR,
                           "Statement is neither an object nor an array: not assessed"),
                     1);
    /* own account, conditioned cross-account, Deny, no policy: nothing filed */
    static const char *const quiet[] = {"repository/own", "repository/xcond", "repository/deny",
                                        "repository/nopol"};
    for (size_t i = 0; i < 4; i++)
        for (int st = 0; st < LD_STATUS_COUNT; st++)
            if (count(&r, AWS_ECR_REPO_POLICY, (ld_status)st, quiet[i]))
                fail_msg("%s: a finding filed", quiet[i]);
    assert_int_equal(count(&r, AWS_ECR_REPO_POLICY, LD_STATUS_PASS, NULL), 0);
    done(&r);
}

static void test_pull_through_cache(void **state)
{
    (void)state;
    ld_strlist trusted = {0};
    ld_strlist_push(&trusted, "public.ecr.aws");
    const char *docs[] = {PTC("docker-hub", "registry-1.docker.io"),
                          SCANNING("ENHANCED", RULE("SCAN_ON_PUSH", "docker-hub/*")), NULL};
    run r = run_ecr(docs, &trusted);
    expect_only(&r, AWS_ECR_PULL_THROUGH, LD_STATUS_FAIL,
                "upstreamRegistryUrl: registry-1.docker.io is not a trusted registry "
                "(public.ecr.aws); its images enter the registry under docker-hub/; the registry "
                "scanning configuration covers them");
    done(&r);

    /* docker.io in the list covers Docker Hub's registry-1.docker.io */
    ld_strlist_push(&trusted, "docker.io");
    r = run_ecr(docs, &trusted);
    expect_only(&r, AWS_ECR_PULL_THROUGH, LD_STATUS_PASS, "trusted upstream");
    done(&r);
    ld_strlist_clear(&trusted);

    /* no trusted list: a warning naming the upstream and the scanning gap */
    const char *docs2[] = {PTC("quay", "quay.io"), SCANNING("BASIC", RULE("SCAN_ON_PUSH", "app*")),
                           NULL};
    r = run_ecr(docs2, NULL);
    expect_only(&r, AWS_ECR_PULL_THROUGH, LD_STATUS_WARN,
                "images from quay.io enter the registry under quay/ unscanned unless scanning "
                "covers it; the registry scanning configuration does not cover this prefix");
    done(&r);
    const char *docs3[] = {PTC("quay", "quay.io"), NULL};
    r = run_ecr(docs3, NULL);
    expect_only(&r, AWS_ECR_PULL_THROUGH, LD_STATUS_WARN, "was not exported");
    done(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_good_registry_passes_everything),
        cmocka_unit_test(test_nothing_to_judge_is_skipped),
        cmocka_unit_test(test_scan_on_push_registry_level),
        cmocka_unit_test(test_scan_on_push_repository_level),
        cmocka_unit_test(test_filter_semantics),
        cmocka_unit_test(test_tag_immutability),
        cmocka_unit_test(test_lifecycle),
        cmocka_unit_test(test_kms),
        cmocka_unit_test(test_repository_policy),
        cmocka_unit_test(test_pull_through_cache),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
