/* libFuzzer target for the AWS set loader (aws/aws_set*.c): any input
 * (JSON of any shape, an AWS CLI error line, garbage) is added to a set or
 * refused with a code and a message; every resource added has a kind, an
 * id, a source, an object unless it is an absence, and is found again by
 * the lookups; nothing is added by a refused input.
 * Seeds: tests/fuzz/corpus/aws_set/. Replay: ./fuzz_aws_set FILE. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "aws/aws_set.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void look_at(const ld_aws_set *s, const ld_aws_resource *r, ld_aws_kind k)
{
    if (r->kind != k || !r->id || !r->source || r->absent != (r->obj == NULL))
        abort();
    if (r->obj && !json_is_object(r->obj))
        abort();
    if (r->absent && k != LD_AWS_ECR_LIFECYCLE && k != LD_AWS_ECR_REPO_POLICY)
        abort();
    if (r->name && !ld_aws_set_find(s, k, r->registry_id, r->name))
        abort();
    if (r->id[0] && !ld_aws_set_find(s, k, NULL, r->id))
        abort();
    if (k == LD_AWS_LAUNCH_TEMPLATE) {
        const char *id = json_string_value(json_object_get(r->obj, "LaunchTemplateId"));
        const char *name = json_string_value(json_object_get(r->obj, "LaunchTemplateName"));
        (void)ld_aws_set_launch_template(s, id, name, "$Default");
        (void)ld_aws_set_launch_template(s, id, name, "$Latest");
        (void)ld_aws_set_launch_template(s, id, name, "1");
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ld_aws_set *s = ld_aws_set_new();
    ld_error err = LD_ERROR_INIT;
    int rc = ld_aws_set_add_buffer(s, "fuzz.json", (const char *)data, size, &err);
    if (rc < 0 && (err.code == LD_OK || !err.msg[0] || ld_aws_set_total(s) != 0))
        abort();
    if (rc >= 0 && (size_t)rc != ld_aws_set_total(s))
        abort();
    size_t total = 0;
    for (int k = 0; k < LD_AWS_KIND_COUNT; k++) {
        size_t n = ld_aws_set_count(s, (ld_aws_kind)k);
        total += n;
        for (size_t i = 0; i < n; i++)
            look_at(s, ld_aws_set_get(s, (ld_aws_kind)k, i), (ld_aws_kind)k);
        if (ld_aws_set_get(s, (ld_aws_kind)k, n))
            abort();
    }
    if (total != ld_aws_set_total(s))
        abort();
    (void)ld_aws_set_notes(s);
    ld_aws_set_free(s);
    return 0;
}
