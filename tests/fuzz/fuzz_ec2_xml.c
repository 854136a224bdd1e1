/* libFuzzer target for the EC2 XML readers (aws/ec2_xml.c) and the AWS
 * error reader over them (ld_aws_parse_error, aws/aws_api.c): any input
 * gives the CLI's {"LaunchTemplateVersions": [...]} with members of the
 * right types, or NULL with an error message (LD_ERR_CORRUPT or
 * LD_ERR_LIMIT); an error code and message hold no control character;
 * never a crash, leak, read out of bounds or a file/network access (no
 * entities, no DTD). Seeds: tests/fuzz/corpus/ec2_xml/. Replay one file:
 * ./fuzz_ec2_xml FILE. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "aws/aws_api.h"
#include "aws/ec2_xml.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_string_member(const json_t *o, const char *key)
{
    const json_t *v = json_object_get(o, key);
    if (v && !json_is_string(v))
        abort();
}

static void check_version(const json_t *v)
{
    if (!json_is_object(v))
        abort();
    check_string_member(v, "LaunchTemplateId");
    check_string_member(v, "LaunchTemplateName");
    const json_t *n = json_object_get(v, "VersionNumber");
    if (n && (!json_is_integer(n) || json_integer_value(n) < 0))
        abort();
    const json_t *d = json_object_get(v, "DefaultVersion");
    if (d && !json_is_boolean(d))
        abort();
    const json_t *mo = json_object_get(json_object_get(v, "LaunchTemplateData"), "MetadataOptions");
    if (mo) {
        check_string_member(mo, "HttpTokens");
        check_string_member(mo, "HttpEndpoint");
        const json_t *h = json_object_get(mo, "HttpPutResponseHopLimit");
        if (h && !json_is_integer(h))
            abort();
    }
}

static void check_clean(const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; p && *p; p++)
        if (*p < 0x20 || *p == 0x7f)
            abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ld_error err = LD_ERROR_INIT;
    char *next = NULL;
    json_t *doc = ld_ec2_launch_template_versions("fuzz", (const char *)data, size, &next, &err);
    if (doc) {
        const json_t *a = json_object_get(doc, "LaunchTemplateVersions");
        if (!json_is_array(a) || json_object_size(doc) != 1)
            abort();
        size_t i;
        const json_t *v;
        json_array_foreach(a, i, v) check_version(v);
        if (next && !*next)
            abort();
        json_decref(doc);
        free(next);
    } else if (next || (err.code != LD_ERR_CORRUPT && err.code != LD_ERR_LIMIT) || !err.msg[0]) {
        abort();
    }
    char *code = NULL, *msg = NULL;
    ld_ec2_xml_error((const char *)data, size, &code, &msg);
    free(code);
    free(msg);
    ld_aws_parse_error((const char *)data, size, "Hdr\x1b:x", &code, &msg);
    check_clean(code);
    check_clean(msg);
    if (msg && strlen(msg) > LD_AWS_MESSAGE_MAX * 6 + 3)
        abort();
    free(code);
    free(msg);
    return 0;
}
