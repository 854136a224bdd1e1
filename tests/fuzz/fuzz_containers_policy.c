/* libFuzzer target for containers-policy.json (trust/containers_policy.c,
 * containers_policy_identity.c): any input parses or is refused with a
 * message; a policy that parses has a non-empty default, every docker
 * scope a non-empty list, and the lookup of a few references (and of the
 * input itself taken as a reference) gives a non-empty list or NULL only
 * for a non-reference; every requirement's signedIdentity is evaluated
 * against references without crashing. Seeds:
 * tests/fuzz/corpus/containers_policy/. Replay: ./fuzz_containers_policy FILE. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "trust/containers_policy.h"
#include "util/mem.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const refs[] = {
    "busybox",
    "docker.io/library/busybox:1",
    ("registry.example.com:5000/team/app@sha256:"
     "817a12c32a39bbe394944ba49de563e085f1d3c5266eb8e9723256bc4448680e"),
    "a.b.example.com/x:1",
};

static void lookup(const ld_cpol *p, const char *ref, bool must)
{
    size_t n = 0;
    const char *scope = NULL;
    const ld_cpol_requirement *r = ld_cpol_requirements(p, ref, &n, &scope);
    if (!r) {
        if (must || n)
            abort();
        return;
    }
    if (!n || !scope)
        abort();
    for (size_t i = 0; i < n; i++) {
        if (r[i].type == LD_CPOL_SIGSTORE_SIGNED &&
            !r[i].n_key_paths + !r[i].key_data + !r[i].fulcio != 2)
            abort(); /* exactly one key source */
        (void)ld_cpol_identity_matches(&r[i].identity, ref, refs[1]);
        (void)ld_cpol_identity_matches(&r[i].identity, ref, ref);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ld_cpol p;
    ld_error err = LD_ERROR_INIT;
    char *text = ld_xstrndup((const char *)data, size);
    if (ld_cpol_parse("fuzz.json", data, size, &p, &err) < 0) {
        if (err.code == LD_OK || !err.msg[0] || p.default_reqs || p.docker)
            abort();
    } else {
        if (!p.n_default || !p.default_reqs)
            abort();
        for (size_t i = 0; i < p.n_docker; i++)
            if (!p.docker[i].scope || !p.docker[i].n_reqs)
                abort();
        for (size_t i = 0; i < sizeof(refs) / sizeof(refs[0]); i++)
            lookup(&p, refs[i], true);
        lookup(&p, text, false);
        ld_cpol_clear(&p);
    }
    /* the input as a reference and as identity arguments */
    ld_cpol_identity ids[] = {
        {.type = LD_CPOL_ID_MATCH_EXACT},
        {.type = LD_CPOL_ID_MATCH_REPO_DIGEST_OR_EXACT},
        {.type = LD_CPOL_ID_MATCH_REPOSITORY},
        {.type = LD_CPOL_ID_EXACT_REFERENCE, .reference = text},
        {.type = LD_CPOL_ID_EXACT_REPOSITORY, .reference = text},
        {.type = LD_CPOL_ID_REMAP_IDENTITY, .prefix = (char *)"docker.io", .signed_prefix = text},
        {.type = LD_CPOL_ID_REMAP_IDENTITY, .prefix = text, .signed_prefix = (char *)"quay.io"},
    };
    for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
        (void)ld_cpol_identity_matches(&ids[i], text, refs[1]);
        (void)ld_cpol_identity_matches(&ids[i], refs[1], text);
    }
    free(text);
    return 0;
}
