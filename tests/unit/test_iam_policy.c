/* Unit tests for the IAM resource policy reader (aws/iam_policy.c): the
 * Statement as an object or an array, every Principal form ECR policies use
 * ("*", {"AWS": "*"}, account ids and ARNs, services), Action strings and
 * arrays with wildcards, NotPrincipal/NotAction, Conditions; hostile text
 * (wrong types, missing members, duplicate keys, deep nesting, too many
 * statements or elements, over the size limit) refused with a message. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "aws/iam_policy.h"
#include "util/mem.h"

static int parse(const char *text, ld_iam_policy *p, ld_error *err)
{
    return ld_iam_policy_parse("policyText", text, strlen(text), p, err);
}

static void test_statement_object_and_array(void **state)
{
    (void)state;
    ld_iam_policy p;
    ld_error err = LD_ERROR_INIT;
    assert_int_equal(parse("{\"Version\":\"2012-10-17\",\"Statement\":{\"Sid\":\"pull\","
                           "\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"ecr:*\"}}",
                           &p, &err),
                     0);
    assert_int_equal(p.n, 1);
    assert_true(p.v[0].allow);
    assert_true(p.v[0].anyone);
    assert_string_equal(p.v[0].sid, "pull");
    assert_int_equal(p.v[0].actions.n, 1);
    assert_int_equal(p.v[0].conditions.n, 0);
    ld_iam_policy_clear(&p);

    assert_int_equal(
        parse("{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Deny\",\"Principal\":"
              "{\"AWS\":\"*\"},\"Action\":[\"ecr:PutImage\"]},{\"Effect\":\"Allow\",\"Principal\":"
              "{\"AWS\":[\"arn:aws:iam::111122223333:root\",\"444455556666\","
              "\"arn:aws:iam::111122223333:role/ci\",\"arn:aws:sts::777788889999:assumed-role/r/s\""
              "],\"Service\":\"codebuild.amazonaws.com\"},\"Action\":[\"ecr:BatchGetImage\","
              "\"ecr:GetDownloadUrlForLayer\"],\"Condition\":{\"StringEquals\":"
              "{\"aws:PrincipalOrgID\":\"o-abc\",\"aws:SourceVpce\":\"vpce-1\"}}}]}",
              &p, &err),
        0);
    assert_int_equal(p.n, 2);
    assert_false(p.v[0].allow);
    assert_true(p.v[0].anyone);
    assert_true(p.v[1].allow);
    assert_false(p.v[1].anyone);
    /* deduplicated account ids from bare ids and ARNs (iam and sts) */
    assert_int_equal(p.v[1].accounts.n, 3);
    assert_string_equal(p.v[1].accounts.v[0], "111122223333");
    assert_string_equal(p.v[1].accounts.v[1], "444455556666");
    assert_string_equal(p.v[1].accounts.v[2], "777788889999");
    assert_int_equal(p.v[1].principals.n, 5);
    assert_true(ld_strlist_contains(&p.v[1].principals, "Service:codebuild.amazonaws.com"));
    assert_int_equal(p.v[1].conditions.n, 2);
    assert_string_equal(p.v[1].conditions.v[0], "StringEquals:aws:PrincipalOrgID");
    ld_iam_policy_clear(&p);
}

static void test_not_principal_not_action(void **state)
{
    (void)state;
    ld_iam_policy p;
    ld_error err = LD_ERROR_INIT;
    assert_int_equal(
        parse("{\"Statement\":[{\"Effect\":\"Allow\",\"NotPrincipal\":{\"AWS\":"
              "\"arn:aws:iam::111122223333:root\"},\"NotAction\":\"ecr:DeleteRepository\"}]}",
              &p, &err),
        0);
    assert_true(p.v[0].not_principal);
    assert_true(p.v[0].anyone); /* Allow to everyone but one */
    assert_int_equal(p.v[0].accounts.n, 0);
    assert_true(p.v[0].not_action);
    assert_true(ld_iam_statement_covers(&p.v[0], "ecr:PutImage"));
    assert_false(ld_iam_statement_covers(&p.v[0], "ecr:DeleteRepository"));
    ld_iam_policy_clear(&p);
}

static void test_action_matching(void **state)
{
    (void)state;
    assert_true(ld_iam_action_matches("*", "ecr:PutImage"));
    assert_true(ld_iam_action_matches("ecr:*", "ecr:PutImage"));
    assert_true(ld_iam_action_matches("ECR:putimage", "ecr:PutImage"));
    assert_true(ld_iam_action_matches("ecr:Put*", "ecr:PutImage"));
    assert_true(ld_iam_action_matches("ecr:*Layer*", "ecr:InitiateLayerUpload"));
    assert_true(ld_iam_action_matches("ecr:?utImage", "ecr:PutImage"));
    assert_false(ld_iam_action_matches("ecr:Get*", "ecr:PutImage"));
    assert_false(ld_iam_action_matches("s3:*", "ecr:PutImage"));
    assert_false(ld_iam_action_matches("ecr:PutImag", "ecr:PutImage"));
    assert_false(ld_iam_action_matches("", "ecr:PutImage"));
    /* many stars against a long action: no blow-up */
    char pat[401], act[401];
    for (int i = 0; i < 400; i++)
        pat[i] = i % 2 ? 'a' : '*', act[i] = 'a';
    pat[400] = act[400] = '\0';
    act[399] = 'b';
    assert_false(ld_iam_action_matches(pat, act));
}

static void expect_refused(const char *text, ld_errcode code, const char *needle)
{
    ld_iam_policy p = {(ld_iam_statement *)1, 7};
    ld_error err = LD_ERROR_INIT;
    int rc = parse(text, &p, &err);
    if (rc != (int)code || !strstr(err.msg, needle))
        fail_msg("%.60s: rc %d (want %d), msg \"%s\" (want \"%s\")", text, rc, code, err.msg,
                 needle);
    assert_null(p.v);
    assert_int_equal(p.n, 0);
}

static void test_hostile(void **state)
{
    (void)state;
    expect_refused("", LD_ERR_CORRUPT, "policyText");
    expect_refused("{\"Statement\":", LD_ERR_CORRUPT, "policyText");
    expect_refused("[]", LD_ERR_CORRUPT, "not a JSON object");
    expect_refused("{}", LD_ERR_CORRUPT, "no Statement");
    expect_refused("{\"Statement\":\"x\"}", LD_ERR_CORRUPT, "neither an object nor an array");
    expect_refused("{\"Statement\":[1]}", LD_ERR_CORRUPT, "Statement[0] is not an object");
    expect_refused("{\"Statement\":[{\"Principal\":\"*\",\"Action\":\"*\"}]}", LD_ERR_CORRUPT,
                   "no Effect");
    expect_refused("{\"Statement\":[{\"Effect\":\"Maybe\",\"Principal\":\"*\",\"Action\":\"*\"}]}",
                   LD_ERR_CORRUPT, "neither Allow nor Deny");
    expect_refused("{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"*\"}]}", LD_ERR_CORRUPT,
                   "exactly one of Principal and NotPrincipal");
    expect_refused("{\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\"}]}", LD_ERR_CORRUPT,
                   "exactly one of Action and NotAction");
    expect_refused(
        "{\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"bob\",\"Action\":\"*\"}]}",
        LD_ERR_CORRUPT, "only \"*\"");
    expect_refused("{\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":[1]},"
                   "\"Action\":\"*\"}]}",
                   LD_ERR_CORRUPT, "Statement[0].Principal.AWS[0] is not a string");
    expect_refused("{\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":[]}]}",
                   LD_ERR_CORRUPT, "Statement[0].Action is empty");
    expect_refused("{\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":7}]}",
                   LD_ERR_CORRUPT, "Statement[0].Action is neither a string nor an array");
    expect_refused("{\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"*\","
                   "\"Condition\":{\"StringEquals\":\"x\"}}]}",
                   LD_ERR_CORRUPT, "Condition.StringEquals is not an object");
    expect_refused("{\"Statement\":[],\"Statement\":[]}", LD_ERR_CORRUPT, "policyText");

    /* nesting far past the limit */
    size_t depth = 5000;
    char *deep = ld_xmalloc(2 * depth + 64);
    size_t n = (size_t)snprintf(deep, 2 * depth + 64, "{\"Statement\":{\"Condition\":");
    for (size_t i = 0; i < depth; i++)
        deep[n++] = '[';
    for (size_t i = 0; i < depth; i++)
        deep[n++] = ']';
    snprintf(deep + n, 2 * depth + 64 - n, "}}");
    expect_refused(deep, LD_ERR_LIMIT, "policyText");
    free(deep);

    /* 1001 statements; an Action list of 1001 */
    ld_strlist parts = {0};
    for (int i = 0; i < 1001; i++)
        ld_strlist_push(&parts, "{\"Effect\":\"Deny\",\"Principal\":\"*\",\"Action\":\"*\"}");
    char *body = ld_strlist_join(&parts, ",");
    char *text = ld_xasprintf("{\"Statement\":[%s]}", body);
    expect_refused(text, LD_ERR_LIMIT, "1001 statements, over the limit of 1000");
    free(text);
    free(body);
    ld_strlist_clear(&parts);
    for (int i = 0; i < 1001; i++)
        ld_strlist_push(&parts, "\"ecr:PutImage\"");
    body = ld_strlist_join(&parts, ",");
    text = ld_xasprintf("{\"Statement\":{\"Effect\":\"Allow\",\"Principal\":\"*\","
                        "\"Action\":[%s]}}",
                        body);
    expect_refused(text, LD_ERR_LIMIT, "Statement[0].Action has 1001 elements");
    free(text);
    free(body);
    ld_strlist_clear(&parts);

    /* over the size limit: refused before parsing */
    size_t big = LD_IAM_TEXT_MAX + 1;
    char *huge = ld_xmalloc(big + 1);
    memset(huge, ' ', big);
    huge[big] = '\0';
    expect_refused(huge, LD_ERR_LIMIT, "over the limit");
    free(huge);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_statement_object_and_array),
        cmocka_unit_test(test_not_principal_not_action),
        cmocka_unit_test(test_action_matching),
        cmocka_unit_test(test_hostile),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
