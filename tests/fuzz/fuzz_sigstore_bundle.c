/* libFuzzer target for Sigstore bundles (trust/sigstore_bundle.c): any
 * input parses or is refused with a message; a bundle that parses has a
 * known media type, one content (a DSSE envelope with its payload type, or
 * a message signature whose digest length fits its algorithm) and a
 * non-empty signature; the DSSE PAE of its payload has the length the
 * encoding implies. Seeds: tests/fuzz/corpus/sigstore_bundle/.
 * Replay: ./fuzz_sigstore_bundle FILE. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "trust/cosign.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ld_sigstore_bundle b;
    ld_error err = LD_ERROR_INIT;
    if (ld_sigstore_bundle_parse(data, size, &b, &err) < 0) {
        if (err.code == LD_OK || !err.msg[0] || b.media_type || b.signature)
            abort();
        return 0;
    }
    if (!b.media_type || !b.signature || !b.signature_len)
        abort();
    if (b.dsse) {
        if (!b.dsse_payload_type || !b.dsse_payload || b.message_digest)
            abort();
        size_t len = 0;
        uint8_t *pae = ld_dsse_pae(b.dsse_payload_type, b.dsse_payload, b.dsse_payload_len, &len);
        char head[64];
        int h = snprintf(head, sizeof(head), "DSSEv1 %zu ", strlen(b.dsse_payload_type));
        char mid[32];
        int m = snprintf(mid, sizeof(mid), " %zu ", b.dsse_payload_len);
        if (len != (size_t)h + strlen(b.dsse_payload_type) + (size_t)m + b.dsse_payload_len ||
            memcmp(pae, head, (size_t)h) != 0)
            abort();
        free(pae);
    } else {
        if (b.dsse_payload || (b.message_digest && !b.message_digest_alg))
            abort();
        if (b.message_digest && b.message_digest_len != 32 && b.message_digest_len != 48 &&
            b.message_digest_len != 64)
            abort();
    }
    ld_sigstore_bundle_clear(&b);
    return 0;
}
