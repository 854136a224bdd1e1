/* libFuzzer target for cosign signature image manifests
 * (trust/cosign_sigs.c): any input parses or is refused with a message; a
 * manifest that parses holds at most LD_COSIGN_MAX_LAYERS layers, every
 * signature is non-empty, and rebuilding the config and the manifest from
 * what was read gives a manifest that parses back to the same signatures
 * (digests, sizes, signature bytes and other layers).
 * Seeds: tests/fuzz/corpus/cosign_sigs/. Replay: ./fuzz_cosign_sigs FILE. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "trust/cosign.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void same(const ld_cosign_sig *a, const ld_cosign_sig *b, bool sig)
{
    if (strcmp(a->payload_digest, b->payload_digest) != 0 || a->payload_size != b->payload_size)
        abort();
    if (sig && (a->signature_len != b->signature_len ||
                memcmp(a->signature, b->signature, a->signature_len) != 0))
        abort();
    if (!a->other_annotations != !b->other_annotations ||
        (a->other_annotations && strcmp(a->other_annotations, b->other_annotations) != 0))
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ld_cosign_sigs s;
    ld_error err = LD_ERROR_INIT;
    if (ld_cosign_sigs_parse(data, size, &s, &err) < 0) {
        if (err.code == LD_OK || !err.msg[0] || s.v || s.n || s.other)
            abort();
        return 0;
    }
    if (s.n + s.n_other > LD_COSIGN_MAX_LAYERS)
        abort();
    for (size_t i = 0; i < s.n; i++)
        if (!s.v[i].signature || !s.v[i].signature_len ||
            !ld_cosign_digest_valid(s.v[i].payload_digest))
            abort();
    size_t clen = 0, mlen = 0;
    char *cfg = ld_cosign_sig_config_build(&s, &clen);
    if (!cfg)
        abort();
    char *man = ld_cosign_sig_manifest_build(
        &s, "sha256:0000000000000000000000000000000000000000000000000000000000000000", clen, &mlen);
    if (!man)
        abort();
    ld_cosign_sigs back;
    if (ld_cosign_sigs_parse(man, mlen, &back, &err) < 0 || back.n != s.n ||
        back.n_other != s.n_other)
        abort();
    for (size_t i = 0; i < s.n; i++)
        same(&s.v[i], &back.v[i], true);
    for (size_t i = 0; i < s.n_other; i++)
        same(&s.other[i], &back.other[i], false);
    ld_cosign_sigs_clear(&back);
    free(man);
    free(cfg);
    ld_cosign_sigs_clear(&s);
    return 0;
}
