/* Base64 as the signature formats spell it: the standard alphabet with
 * padding, as Go's base64.StdEncoding reads it (cosign's signature
 * annotation, containers-policy.json's keyData: CR and LF are skipped,
 * nothing else), and the protobuf JSON form of a bytes field (Sigstore
 * bundles: the standard or the URL-safe alphabet, padding optional).
 * Decoders for hostile text: every length is checked, padding bits must be
 * zero, nothing is read past len. Not for PEM bodies (trust/key_pem.c). */
#ifndef LD_TRUST_TRUST_B64_H
#define LD_TRUST_TRUST_B64_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Standard alphabet, '=' padding required, CR/LF skipped. *out is a new
 * buffer (never NULL on success, even for an empty input; caller frees),
 * *out_len its length. false (and *out NULL) for anything else. */
bool ld_trust_b64_decode_std(const char *s, size_t len, uint8_t **out, size_t *out_len);
/* protobuf JSON bytes: the standard or the URL-safe alphabet (not mixed),
 * padding optional but correct when present. Same contract. */
bool ld_trust_b64_decode_proto(const char *s, size_t len, uint8_t **out, size_t *out_len);
/* Standard alphabet with padding, NUL-terminated; caller frees. */
char *ld_trust_b64_encode(const uint8_t *in, size_t len);

#endif
