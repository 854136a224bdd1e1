/* libFuzzer target for image references (registry/reference.c): any
 * input parses or is refused with LD_ERR_INVALID and a message; a parsed
 * reference keeps the promises of client.h: a registry, an endpoint and a
 * repository of the grammar, a tag or a digest (a tag "latest" when
 * neither was written), a sha256 digest of 64 lowercase hex, and canonical
 * text that parses back to the same reference. The name checks the client
 * applies to what registries send back (tags, digests, repositories) are
 * fed the input as well and must agree with the parser.
 * Seeds: tests/fuzz/corpus/reg_reference/. Replay: ./fuzz_reg_reference FILE. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "registry/client.h"
#include "registry/client_internal.h"
#include "util/mem.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void same(const char *a, const char *b)
{
    if ((a == NULL) != (b == NULL) || (a && strcmp(a, b) != 0))
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = ld_xstrndup((const char *)data, size);
    ld_reg_ref r;
    ld_error err = LD_ERROR_INIT;
    int rc = ld_reg_ref_parse(s, &r, &err);
    if (rc < 0) {
        if (rc != LD_ERR_INVALID || !err.msg[0] || r.registry || r.repo || r.tag || r.digest)
            abort();
    } else {
        if (!r.registry || !r.endpoint || !r.repo || (!r.tag && !r.digest))
            abort();
        if (!reg_repo_valid(r.repo))
            abort();
        if (r.tag && !reg_tag_valid(r.tag))
            abort();
        if (r.digest && !reg_digest_valid(r.digest))
            abort();
        const char *ref = ld_reg_ref_reference(&r);
        if (!ref || strchr(ref, '/') || strchr(ref, '?') || strchr(ref, '#'))
            abort();
        char *canon = ld_reg_ref_string(&r);
        ld_reg_ref again;
        ld_error err2 = LD_ERROR_INIT;
        if (ld_reg_ref_parse(canon, &again, &err2) != 0)
            abort();
        same(again.registry, r.registry);
        same(again.endpoint, r.endpoint);
        same(again.repo, r.repo);
        same(again.tag, r.tag);
        same(again.digest, r.digest);
        ld_reg_ref_clear(&again);
        free(canon);
        ld_reg_ref_clear(&r);
    }
    /* the name checks never accept what could leave a URL path segment */
    if (reg_tag_valid(s) && strpbrk(s, "/?#%:@ "))
        abort();
    if (reg_digest_valid(s) && (strlen(s) != 71 || strpbrk(s, "/?#%")))
        abort();
    if (reg_repo_valid(s) && (strpbrk(s, "?#%:@ \\") || strstr(s, "..") || s[0] == '/'))
        abort();
    free(s);
    return 0;
}
