/* Unit tests for the pure parts of the AWS live path: the error of an
 * answer (JSON 1.1 "__type", EKS's x-amzn-ErrorType header, EC2's XML
 * <Errors>), its class (retry, credentials, denied, absent, other), the
 * back-off's bounds (full jitter under min(cap, base * 2^n), Retry-After
 * honoured up to the cap), endpoints, ARN accounts, and the EC2
 * DescribeLaunchTemplateVersions XML turned into the CLI's JSON, with
 * hostile XML (a DTD with entities, external entities, bad numbers,
 * another document, not XML, oversize). The request itself is tested end
 * to end against the SigV4-verifying stand-in (tests/e2e/test_aws_live.sh). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "aws/aws_api.h"
#include "aws/ec2_xml.h"

/* ---- errors and classes ---- */

static void parse(const char *body, const char *hdr, char **code, char **msg)
{
    ld_aws_parse_error(body, strlen(body), hdr, code, msg);
}

static void test_error_json_type(void **state)
{
    (void)state;
    char *code, *msg;
    parse("{\"__type\":\"com.amazonaws.ecs#ClientException\",\"message\":\"bad cluster\"}", NULL,
          &code, &msg);
    assert_string_equal(code, "ClientException");
    assert_string_equal(msg, "bad cluster");
    free(code);
    free(msg);
    parse("{\"__type\":\"ExpiredTokenException\",\"Message\":\"The security token included in "
          "the request is expired\"}",
          NULL, &code, &msg);
    assert_string_equal(code, "ExpiredTokenException");
    assert_string_equal(msg, "The security token included in the request is expired");
    free(code);
    free(msg);
}

static void test_error_eks_header(void **state)
{
    (void)state;
    char *code, *msg;
    parse("{\"message\":\"No cluster found for name: x.\"}",
          "ResourceNotFoundException:http://internal.amazon.com/coral/com.amazon.eks/", &code,
          &msg);
    assert_string_equal(code, "ResourceNotFoundException");
    assert_string_equal(msg, "No cluster found for name: x.");
    free(code);
    free(msg);
}

static void test_error_ec2_xml(void **state)
{
    (void)state;
    char *code, *msg;
    parse("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Response><Errors><Error><Code>"
          "RequestLimitExceeded</Code><Message>Request limit exceeded.</Message></Error>"
          "</Errors><RequestID>ab-12</RequestID></Response>",
          NULL, &code, &msg);
    assert_string_equal(code, "RequestLimitExceeded");
    assert_string_equal(msg, "Request limit exceeded.");
    free(code);
    free(msg);
}

static void test_error_hostile_message(void **state)
{
    (void)state;
    char *code, *msg;
    /* escape sequences and a very long message from the server */
    char body[5000];
    char big[3000];
    memset(big, 'A', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    snprintf(body, sizeof(body),
             "{\"__type\":\"X\\u001b[31m#Throttling\",\"message\":\"\\u001b]0;owned\\u0007%s\"}",
             big);
    parse(body, NULL, &code, &msg);
    assert_string_equal(code, "Throttling");
    assert_null(strchr(msg, 0x1b));
    assert_null(strchr(msg, 0x07));
    assert_true(strlen(msg) < LD_AWS_MESSAGE_MAX + 64);
    assert_non_null(strstr(msg, "..."));
    free(code);
    free(msg);
    /* a code with a control character is escaped too */
    parse("{\"__type\":\"Bad\\nCode\"}", NULL, &code, &msg);
    assert_null(strchr(code, '\n'));
    assert_null(msg);
    free(code);
    /* not JSON, not XML: no code */
    parse("<html>gateway</html>", NULL, &code, &msg);
    assert_null(code);
    assert_null(msg);
    parse("", NULL, &code, &msg);
    assert_null(code);
}

static void test_classify(void **state)
{
    (void)state;
    assert_int_equal(ld_aws_classify(200, NULL), LD_AWS_ERR_NONE);
    assert_int_equal(ld_aws_classify(429, NULL), LD_AWS_ERR_RETRY);
    assert_int_equal(ld_aws_classify(503, NULL), LD_AWS_ERR_RETRY);
    assert_int_equal(ld_aws_classify(500, "InternalFailure"), LD_AWS_ERR_RETRY);
    assert_int_equal(ld_aws_classify(400, "ThrottlingException"), LD_AWS_ERR_RETRY);
    assert_int_equal(ld_aws_classify(400, "TooManyRequestsException"), LD_AWS_ERR_RETRY);
    assert_int_equal(ld_aws_classify(400, "ProvisionedThroughputExceededException"),
                     LD_AWS_ERR_RETRY);
    assert_int_equal(ld_aws_classify(503, "RequestLimitExceeded"), LD_AWS_ERR_RETRY);
    assert_int_equal(ld_aws_classify(400, "Throttling"), LD_AWS_ERR_RETRY);
    static const char *const creds[] = {
        "ExpiredToken",         "ExpiredTokenException",     "UnrecognizedClientException",
        "InvalidClientTokenId", "InvalidSignatureException", "SignatureDoesNotMatch",
        "AuthFailure"};
    for (size_t i = 0; i < sizeof(creds) / sizeof(*creds); i++)
        assert_int_equal(ld_aws_classify(i % 2 ? 403 : 400, creds[i]), LD_AWS_ERR_CREDENTIALS);
    assert_int_equal(ld_aws_classify(401, NULL), LD_AWS_ERR_CREDENTIALS);
    assert_int_equal(ld_aws_classify(400, "AccessDeniedException"), LD_AWS_ERR_DENIED);
    assert_int_equal(ld_aws_classify(403, "AccessDenied"), LD_AWS_ERR_DENIED);
    assert_int_equal(ld_aws_classify(403, NULL), LD_AWS_ERR_DENIED);
    assert_int_equal(ld_aws_classify(400, "LifecyclePolicyNotFoundException"),
                     LD_AWS_ERR_NOT_FOUND);
    assert_int_equal(ld_aws_classify(400, "RepositoryPolicyNotFoundException"),
                     LD_AWS_ERR_NOT_FOUND);
    assert_int_equal(ld_aws_classify(400, "ClusterNotFoundException"), LD_AWS_ERR_OTHER);
    assert_int_equal(ld_aws_classify(404, "ResourceNotFoundException"), LD_AWS_ERR_OTHER);
}

/* ---- back-off ---- */

static void test_backoff_bounds(void **state)
{
    (void)state;
    /* the top of each window: 200, 400, 800, ... capped at 20 s */
    long expect = LD_AWS_BACKOFF_BASE_MS;
    for (int n = 0; n < 40; n++) {
        long top = ld_aws_backoff_ms(n, -1, UINT32_MAX);
        long want = expect > LD_AWS_BACKOFF_CAP_MS ? LD_AWS_BACKOFF_CAP_MS : expect;
        assert_int_equal(top, want);
        assert_int_equal(ld_aws_backoff_ms(n, -1, 0), 0);
        long mid = ld_aws_backoff_ms(n, -1, UINT32_MAX / 2);
        assert_true(mid >= want / 2 - 1 && mid <= want / 2 + 1);
        if (expect < LD_AWS_BACKOFF_CAP_MS)
            expect *= 2;
    }
    /* a huge retry number never overflows */
    assert_int_equal(ld_aws_backoff_ms(1000000, -1, UINT32_MAX), LD_AWS_BACKOFF_CAP_MS);
    /* Retry-After honoured, up to the cap */
    assert_int_equal(ld_aws_backoff_ms(0, 3, 0), 3000);
    assert_int_equal(ld_aws_backoff_ms(5, 0, UINT32_MAX), 0);
    assert_int_equal(ld_aws_backoff_ms(0, 3600, 0), LD_AWS_BACKOFF_CAP_MS);
    assert_int_equal(ld_aws_backoff_ms(0, 9223372036854775807L, 0), LD_AWS_BACKOFF_CAP_MS);
}

/* ---- endpoints and ARNs ---- */

static void test_endpoint_host(void **state)
{
    (void)state;
    char *h = ld_aws_endpoint_host("ecs", "us-east-1");
    assert_string_equal(h, "ecs.us-east-1.amazonaws.com");
    free(h);
    h = ld_aws_endpoint_host("ecr", "eu-west-1");
    assert_string_equal(h, "api.ecr.eu-west-1.amazonaws.com");
    free(h);
    h = ld_aws_endpoint_host("eks", "cn-north-1");
    assert_string_equal(h, "eks.cn-north-1.amazonaws.com.cn");
    free(h);
}

static void test_arn_account(void **state)
{
    (void)state;
    char *a = ld_aws_arn_account("arn:aws:ecs:us-east-1:123456789012:cluster/prod");
    assert_string_equal(a, "123456789012");
    free(a);
    assert_null(ld_aws_arn_account("arn:aws:s3:::bucket"));
    assert_null(ld_aws_arn_account("arn:aws:ecs:us-east-1:12345678901x:cluster/p"));
    assert_null(ld_aws_arn_account("cluster/prod"));
    assert_null(ld_aws_arn_account(NULL));
}

/* ---- EC2 XML ---- */

static const char ltv_xml[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<DescribeLaunchTemplateVersionsResponse xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\">\n"
    "    <requestId>65cadec1-b364-4354-8ca8-4176dexample</requestId>\n"
    "    <launchTemplateVersionSet>\n"
    "        <item>\n"
    "            <createTime>2017-10-31T11:38:52.000Z</createTime>\n"
    "            <createdBy>arn:aws:iam::123456789012:root</createdBy>\n"
    "            <defaultVersion>true</defaultVersion>\n"
    "            <launchTemplateData>\n"
    "                <imageId>ami-8c1be5f6</imageId>\n"
    "                <metadataOptions>\n"
    "                    <state>applied</state>\n"
    "                    <httpTokens>required</httpTokens>\n"
    "                    <httpPutResponseHopLimit>2</httpPutResponseHopLimit>\n"
    "                    <httpEndpoint>enabled</httpEndpoint>\n"
    "                </metadataOptions>\n"
    "            </launchTemplateData>\n"
    "            <launchTemplateId>lt-0a20c965061f64abc</launchTemplateId>\n"
    "            <launchTemplateName>eks-nodes</launchTemplateName>\n"
    "            <versionDescription>v2</versionDescription>\n"
    "            <versionNumber>2</versionNumber>\n"
    "        </item>\n"
    "        <item>\n"
    "            <defaultVersion>false</defaultVersion>\n"
    "            <launchTemplateData><imageId>ami-1</imageId></launchTemplateData>\n"
    "            <launchTemplateId>lt-0a20c965061f64abc</launchTemplateId>\n"
    "            <launchTemplateName>eks-nodes</launchTemplateName>\n"
    "            <versionNumber>1</versionNumber>\n"
    "        </item>\n"
    "    </launchTemplateVersionSet>\n"
    "    <nextToken>eyJ2IjoiMiJ9</nextToken>\n"
    "</DescribeLaunchTemplateVersionsResponse>\n";

static json_t *convert(const char *xml, char **next, ld_error *err)
{
    return ld_ec2_launch_template_versions("t", xml, strlen(xml), next, err);
}

static void test_xml_real(void **state)
{
    (void)state;
    ld_error err = LD_ERROR_INIT;
    char *next = NULL;
    json_t *doc = convert(ltv_xml, &next, &err);
    assert_non_null(doc);
    assert_string_equal(next, "eyJ2IjoiMiJ9");
    free(next);
    json_t *want = json_loads(
        "{\"LaunchTemplateVersions\":["
        "{\"LaunchTemplateId\":\"lt-0a20c965061f64abc\",\"LaunchTemplateName\":\"eks-nodes\","
        "\"VersionNumber\":2,\"DefaultVersion\":true,\"LaunchTemplateData\":{\"MetadataOptions\":"
        "{\"HttpTokens\":\"required\",\"HttpPutResponseHopLimit\":2,\"HttpEndpoint\":"
        "\"enabled\"}}},"
        "{\"LaunchTemplateId\":\"lt-0a20c965061f64abc\",\"LaunchTemplateName\":\"eks-nodes\","
        "\"VersionNumber\":1,\"DefaultVersion\":false,\"LaunchTemplateData\":{}}]}",
        0, NULL);
    assert_non_null(want);
    if (!json_equal(doc, want)) {
        char *got = json_dumps(doc, JSON_SORT_KEYS);
        fail_msg("converted: %s", got);
    }
    json_decref(want);
    json_decref(doc);
}

static void test_xml_empty_set(void **state)
{
    (void)state;
    ld_error err = LD_ERROR_INIT;
    char *next = NULL;
    json_t *doc = convert("<DescribeLaunchTemplateVersionsResponse><launchTemplateVersionSet/>"
                          "</DescribeLaunchTemplateVersionsResponse>",
                          &next, &err);
    assert_non_null(doc);
    assert_null(next);
    assert_int_equal(json_array_size(json_object_get(doc, "LaunchTemplateVersions")), 0);
    json_decref(doc);
}

static void expect_refused(const char *xml, ld_errcode code)
{
    ld_error err = LD_ERROR_INIT;
    char *next = NULL;
    json_t *doc = convert(xml, &next, &err);
    if (doc) {
        char *s = json_dumps(doc, 0);
        fail_msg("accepted: %s", s);
    }
    assert_null(next);
    assert_int_equal(err.code, code);
    assert_non_null(strstr(err.msg, "t: "));
}

static void test_xml_hostile(void **state)
{
    (void)state;
    /* internal entities (billion laughs shape) and an external entity */
    expect_refused("<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY a \"aaaa\"><!ENTITY b "
                   "\"&a;&a;&a;&a;\">]><DescribeLaunchTemplateVersionsResponse>"
                   "<launchTemplateVersionSet><item><launchTemplateName>&b;</launchTemplateName>"
                   "</item></launchTemplateVersionSet></DescribeLaunchTemplateVersionsResponse>",
                   LD_ERR_CORRUPT);
    expect_refused("<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY x SYSTEM "
                   "\"file:///etc/passwd\">]><DescribeLaunchTemplateVersionsResponse>"
                   "<launchTemplateVersionSet><item><launchTemplateName>&x;</launchTemplateName>"
                   "</item></launchTemplateVersionSet></DescribeLaunchTemplateVersionsResponse>",
                   LD_ERR_CORRUPT);
    /* numbers and flags that are not */
    expect_refused("<DescribeLaunchTemplateVersionsResponse><launchTemplateVersionSet><item>"
                   "<versionNumber>-1</versionNumber></item></launchTemplateVersionSet>"
                   "</DescribeLaunchTemplateVersionsResponse>",
                   LD_ERR_CORRUPT);
    expect_refused("<DescribeLaunchTemplateVersionsResponse><launchTemplateVersionSet><item>"
                   "<versionNumber>99999999999999999999999</versionNumber></item>"
                   "</launchTemplateVersionSet></DescribeLaunchTemplateVersionsResponse>",
                   LD_ERR_CORRUPT);
    expect_refused("<DescribeLaunchTemplateVersionsResponse><launchTemplateVersionSet><item>"
                   "<defaultVersion>yes</defaultVersion></item></launchTemplateVersionSet>"
                   "</DescribeLaunchTemplateVersionsResponse>",
                   LD_ERR_CORRUPT);
    expect_refused("<DescribeLaunchTemplateVersionsResponse><launchTemplateVersionSet><item>"
                   "<launchTemplateData><metadataOptions><httpPutResponseHopLimit>2x"
                   "</httpPutResponseHopLimit></metadataOptions></launchTemplateData></item>"
                   "</launchTemplateVersionSet></DescribeLaunchTemplateVersionsResponse>",
                   LD_ERR_CORRUPT);
    /* another document, an error document, not XML, truncated */
    expect_refused("<DescribeInstancesResponse><reservationSet/></DescribeInstancesResponse>",
                   LD_ERR_CORRUPT);
    expect_refused("<Response><Errors><Error><Code>AuthFailure</Code></Error></Errors>"
                   "</Response>",
                   LD_ERR_CORRUPT);
    expect_refused("{\"LaunchTemplateVersions\":[]}", LD_ERR_CORRUPT);
    expect_refused("<DescribeLaunchTemplateVersionsResponse><launchTemplateVersionSet><item>",
                   LD_ERR_CORRUPT);
    expect_refused("", LD_ERR_CORRUPT);
}

static void test_xml_oversize_and_deep(void **state)
{
    (void)state;
    ld_error err = LD_ERROR_INIT;
    char *next = NULL;
    size_t n = LD_EC2_XML_MAX + 1;
    char *big = malloc(n);
    assert_non_null(big);
    memset(big, ' ', n);
    assert_null(ld_ec2_launch_template_versions("t", big, n, &next, &err));
    assert_int_equal(err.code, LD_ERR_LIMIT);
    free(big);
    /* 100,000 nested elements: libxml2's depth limit refuses it, no crash */
    size_t depth = 100000;
    char *deep = malloc(depth * 7 + 1);
    assert_non_null(deep);
    for (size_t i = 0; i < depth; i++)
        memcpy(deep + i * 3, "<a>", 3);
    for (size_t i = 0; i < depth; i++)
        memcpy(deep + depth * 3 + i * 4, "</a>", 4);
    deep[depth * 7] = '\0';
    ld_error_clear(&err);
    assert_null(ld_ec2_launch_template_versions("t", deep, depth * 7, &next, &err));
    assert_int_equal(err.code, LD_ERR_CORRUPT);
    free(deep);
}

static void test_xml_text_bounded(void **state)
{
    (void)state;
    /* a name longer than the per-member bound is left out, not cut */
    size_t n = 10000;
    char *name = malloc(n + 1);
    assert_non_null(name);
    memset(name, 'x', n);
    name[n] = '\0';
    char *xml = NULL;
    int len = asprintf(&xml,
                       "<DescribeLaunchTemplateVersionsResponse><launchTemplateVersionSet><item>"
                       "<launchTemplateName>%s</launchTemplateName><versionNumber>1"
                       "</versionNumber></item></launchTemplateVersionSet>"
                       "</DescribeLaunchTemplateVersionsResponse>",
                       name);
    assert_true(len > 0);
    ld_error err = LD_ERROR_INIT;
    char *next = NULL;
    json_t *doc = convert(xml, &next, &err);
    assert_non_null(doc);
    const json_t *v = json_array_get(json_object_get(doc, "LaunchTemplateVersions"), 0);
    assert_null(json_object_get(v, "LaunchTemplateName"));
    assert_int_equal(json_integer_value(json_object_get(v, "VersionNumber")), 1);
    json_decref(doc);
    free(xml);
    free(name);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_error_json_type),  cmocka_unit_test(test_error_eks_header),
        cmocka_unit_test(test_error_ec2_xml),    cmocka_unit_test(test_error_hostile_message),
        cmocka_unit_test(test_classify),         cmocka_unit_test(test_backoff_bounds),
        cmocka_unit_test(test_endpoint_host),    cmocka_unit_test(test_arn_account),
        cmocka_unit_test(test_xml_real),         cmocka_unit_test(test_xml_empty_set),
        cmocka_unit_test(test_xml_hostile),      cmocka_unit_test(test_xml_oversize_and_deep),
        cmocka_unit_test(test_xml_text_bounded),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
