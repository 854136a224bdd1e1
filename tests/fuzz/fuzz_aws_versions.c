/* libFuzzer target for the AWS version data reader (aws/aws_versions.c):
 * any input parses into data whose every EKS version is MAJOR.MINOR with
 * dates in order and whose Fargate platforms name a known OS family and an
 * X.Y.Z version, or fails with LD_ERR_CORRUPT / LD_ERR_LIMIT (or
 * LD_ERR_UNSUPPORTED: YAML the strict reader refuses, as aliases) and a message;
 * lookups on the result by the input's own bytes never crash.
 * Seeds: tests/fuzz/corpus/aws_versions/. Replay one file: ./fuzz_aws_versions FILE. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "aws/aws_versions.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(const ld_aws_versions *v)
{
    if (v->n_eks == 0 || v->n_fargate == 0 || v->written <= 0 || v->eks_as_of > v->written ||
        v->fargate_as_of > v->written)
        abort();
    for (size_t i = 0; i < v->n_eks; i++) {
        const ld_eks_version *e = &v->eks[i];
        if (!e->version || !strchr(e->version, '.') || e->end_standard > e->end_extended ||
            (e->released && e->released > e->end_standard))
            abort();
        if (ld_aws_eks_version(v, e->version) != e) /* versions are unique */
            abort();
    }
    for (size_t i = 0; i < v->n_fargate; i++) {
        const ld_fargate_platform *p = &v->fargate[i];
        if (!p->os_family || !p->current || strlen(p->current) > 16)
            abort();
        if (ld_aws_fargate_platform(v, p->os_family) != p)
            abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ld_error err = LD_ERROR_INIT;
    ld_aws_versions *v = ld_aws_versions_parse("fuzz", (const char *)data, size, &err);
    if (!v) {
        if ((err.code != LD_ERR_CORRUPT && err.code != LD_ERR_LIMIT &&
             err.code != LD_ERR_UNSUPPORTED) ||
            !err.msg[0])
            abort();
        return 0;
    }
    check(v);
    /* lookups by arbitrary text: the input's first line */
    char key[64];
    size_t n = 0;
    while (n < size && n < sizeof(key) - 1 && data[n] != '\n')
        n++;
    memcpy(key, data, n);
    key[n] = '\0';
    (void)ld_aws_eks_version(v, key);
    (void)ld_aws_fargate_platform(v, key);
    ld_aws_versions_free(v);
    return 0;
}
