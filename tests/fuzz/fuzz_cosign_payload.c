/* libFuzzer target for cosign simple-signing payloads (trust/cosign.c):
 * any input parses or is refused with a message; a payload that parses has
 * the exact type, a valid digest and a reference, and the builder's payload
 * for the same reference, digest and timestamp parses back to the same
 * values (the optional member is rebuilt, so its text may differ). The
 * input is also tried as a digest for the signature tag.
 * Seeds: tests/fuzz/corpus/cosign_payload/. Replay: ./fuzz_cosign_payload FILE. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "trust/cosign.h"
#include "util/mem.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ld_cosign_payload p;
    ld_error err = LD_ERROR_INIT;
    if (ld_cosign_payload_parse(data, size, &p, &err) < 0) {
        if (err.code == LD_OK || !err.msg[0] || p.docker_reference || p.optional_json)
            abort();
    } else {
        if (!p.docker_reference || !p.type || strcmp(p.type, LD_COSIGN_SIGNATURE_TYPE) != 0 ||
            !ld_cosign_digest_valid(p.manifest_digest))
            abort();
        size_t len = 0;
        char *again = ld_cosign_payload_build_ts(p.docker_reference, p.manifest_digest, NULL, 0,
                                                 p.has_timestamp ? p.timestamp : -1, &len);
        /* a negative timestamp is not written again; anything else must round-trip */
        if (!again)
            abort();
        ld_cosign_payload q;
        if (ld_cosign_payload_parse(again, len, &q, &err) < 0)
            abort();
        if (strcmp(q.docker_reference, p.docker_reference) != 0 ||
            strcmp(q.manifest_digest, p.manifest_digest) != 0 ||
            (p.has_timestamp && p.timestamp >= 0 && q.timestamp != p.timestamp))
            abort();
        ld_cosign_payload_clear(&q);
        free(again);
        ld_cosign_payload_clear(&p);
    }
    char *text = ld_xstrndup((const char *)data, size);
    char *tag = ld_cosign_sig_tag(text);
    if (tag && (!ld_cosign_digest_valid(text) || strlen(tag) != strlen(text) + 4))
        abort();
    free(tag);
    free(text);
    return 0;
}
