/* libFuzzer target for what image verification reads from a registry
 * beside the cosign formats (trust/referrers.c, trust/verify_decide.c):
 * the input is parsed as an OCI referrers index, as a bundle artifact's
 * manifest and as an in-toto statement (each accepted with the promises of
 * verify_internal.h, or refused with a message), then checked as a
 * simple-signing payload and as a Sigstore bundle against a key made once
 * per process: never "verified" (nothing here is signed by that key), never
 * a crash. Seeds: tests/fuzz/corpus/trust_referrers/. Replay:
 * ./fuzz_trust_referrers FILE. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "trust/verify_internal.h"
#include "util/mem.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char DIGEST[] =
    "sha256:1111111111111111111111111111111111111111111111111111111111111111";

static ld_key *fuzz_key(void)
{
    static ld_key *key;
    if (!key) {
        ld_error err = LD_ERROR_INIT;
        key = ld_key_generate(&err);
        if (!key)
            abort();
    }
    return key;
}

static void referrers(const uint8_t *data, size_t size)
{
    ld_referrers r;
    ld_error err = LD_ERROR_INIT;
    if (ld_referrers_parse(data, size, &r, &err) < 0) {
        if (!err.msg[0] || r.n || r.v)
            abort();
        return;
    }
    for (size_t i = 0; i < r.n; i++) {
        if (!r.v[i].digest || strncmp(r.v[i].digest, "sha256:", 7) != 0 ||
            strlen(r.v[i].digest) != 71)
            abort();
        (void)ld_referrer_is_bundle(&r.v[i]);
    }
    ld_referrers_clear(&r);
}

static void bundle_layer(const uint8_t *data, size_t size)
{
    char *digest = NULL;
    uint64_t len = 0;
    ld_error err = LD_ERROR_INIT;
    if (ld_referrer_bundle_layer(data, size, DIGEST, &digest, &len, &err) < 0) {
        if (!err.msg[0] || digest)
            abort();
        return;
    }
    if (!digest || strncmp(digest, "sha256:", 7) != 0 || strlen(digest) != 71)
        abort();
    free(digest);
}

static void intoto(const uint8_t *data, size_t size)
{
    ld_intoto st;
    ld_error err = LD_ERROR_INIT;
    if (ld_intoto_parse(data, size, &st, &err) < 0) {
        if (!err.msg[0] || st.predicate_type)
            abort();
        return;
    }
    if (!st.predicate_type)
        abort();
    (void)ld_intoto_names(&st, DIGEST);
    ld_intoto_clear(&st);
}

static void check_as(ld_vsig_kind kind, const uint8_t *data, size_t size)
{
    ld_key *keys[] = {fuzz_key()};
    ld_vcheck ctx = {.image_ref = "127.0.0.1:5000/x:1",
                     .image_digest = DIGEST,
                     .manifest = data,
                     .manifest_len = size,
                     .keys = keys,
                     .n_keys = 1};
    ld_vsigs sigs = {0};
    ld_vsig *s = ld_vsigs_add(&sigs, kind, "fuzz");
    s->payload = ld_xmalloc(size ? size : 1);
    if (size)
        memcpy(s->payload, data, size);
    s->payload_len = size;
    if (kind == LD_VSIG_SIMPLE) {
        size_t n = size < 72 ? size : 72; /* the input's head as the signature */
        s->signature = ld_xmalloc(n ? n : 1);
        if (n)
            memcpy(s->signature, data, n);
        s->signature_len = n;
    }
    ld_sig_result r = {0};
    ld_verify_decide_keys(&ctx, &sigs, &r);
    if (r.state == LD_SIG_VERIFIED || !r.reason)
        abort();
    ld_sig_result_clear(&r);
    ld_vsigs_clear(&sigs);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 256 * 1024)
        return 0;
    referrers(data, size);
    bundle_layer(data, size);
    intoto(data, size);
    check_as(LD_VSIG_SIMPLE, data, size);
    check_as(LD_VSIG_BUNDLE, data, size);
    return 0;
}
