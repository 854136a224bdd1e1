/* The sigstore encrypted private key envelope, on its own so that the
 * parsing stage can be tested and fuzzed without running scrypt. The PEM
 * body ("ENCRYPTED SIGSTORE PRIVATE KEY", or cosign's older "ENCRYPTED
 * COSIGN PRIVATE KEY") is the JSON of go-securesystemslib's "encrypted"
 * package:
 *   {"kdf":{"name":"scrypt","params":{"N":32768,"r":8,"p":1},"salt":B64},
 *    "cipher":{"name":"nacl/secretbox","nonce":B64},"ciphertext":B64}
 * (standard base64 with padding, a 32-byte salt, a 24-byte nonce); the
 * secretbox key is scrypt(password, salt, N, r, p) of 32 bytes and the
 * ciphertext is XSalsa20-Poly1305 (tag first) around the PKCS#8 DER of the
 * private key. scrypt parameters are bounded before any work: N a power of
 * two up to 2^20, r 1..32, p 1..16, memory (128*N*r) at most 256 MiB and
 * work (N*r*p) at most 2^22 -- what cosign writes (N=32768 r=8 p=1) and
 * go-securesystemslib's stronger settings (N up to 131072) pass, a
 * hostile key cannot take gigabytes or minutes. keys.c uses this; other
 * callers use keys.h. */
#ifndef LD_TRUST_KEY_SIGSTORE_H
#define LD_TRUST_KEY_SIGSTORE_H

#include <stddef.h>
#include <stdint.h>

#include "core/error.h"

#define LD_SIGSTORE_PEM_TYPE "ENCRYPTED SIGSTORE PRIVATE KEY"
#define LD_COSIGN_PEM_TYPE "ENCRYPTED COSIGN PRIVATE KEY"

#define LD_SIGSTORE_SALT_BYTES 32
#define LD_SIGSTORE_NONCE_BYTES 24
#define LD_SIGSTORE_MAX_CIPHERTEXT 16384
/* what lockdown writes, as cosign does */
#define LD_SIGSTORE_SCRYPT_N 32768
#define LD_SIGSTORE_SCRYPT_R 8
#define LD_SIGSTORE_SCRYPT_P 1
/* the bounds on what it reads */
#define LD_SIGSTORE_MAX_N ((uint64_t)1 << 20)
#define LD_SIGSTORE_MAX_R 32
#define LD_SIGSTORE_MAX_P 16
#define LD_SIGSTORE_MAX_NR ((uint64_t)1 << 21)  /* 128 * N * r <= 256 MiB */
#define LD_SIGSTORE_MAX_NRP ((uint64_t)1 << 22) /* 16 times cosign's work */

typedef struct {
    uint64_t n;
    uint32_t r, p;
    uint8_t salt[LD_SIGSTORE_SALT_BYTES];
    uint8_t nonce[LD_SIGSTORE_NONCE_BYTES];
    uint8_t *ciphertext; /* tag (16 bytes) then the encrypted DER */
    size_t ciphertext_len;
} ld_sigstore_envelope;

/* Parses the envelope JSON json[0..len): strict types, exact salt and
 * nonce lengths, bounded parameters, nothing run. Returns 0, or
 * LD_ERR_CORRUPT (malformed), LD_ERR_UNSUPPORTED (another KDF or cipher),
 * LD_ERR_LIMIT (parameters over the bounds) with err naming the file
 * (name). */
int ld_sigstore_envelope_parse(const char *name, const void *json, size_t len,
                               ld_sigstore_envelope *out, ld_error *err);
/* PEM text -> envelope: the first PEM block must be one of the two types
 * above; then as ld_sigstore_envelope_parse. No scrypt. */
int ld_sigstore_parse_pem(const char *name, const char *pem, size_t len, ld_sigstore_envelope *out,
                          ld_error *err);
void ld_sigstore_envelope_clear(ld_sigstore_envelope *e);

/* Opens the envelope with password: *plain is the PKCS#8 DER (a new
 * buffer; the caller wipes and frees it with ld_key_wipe_free). A wrong
 * password (or an altered ciphertext, nonce or salt: the secretbox tag
 * cannot tell them apart) is LD_ERR_INVALID "wrong password for NAME". */
int ld_sigstore_open(const char *name, const ld_sigstore_envelope *e, const char *password,
                     uint8_t **plain, size_t *plain_len, ld_error *err);
/* Seals der with password (new random salt and nonce, cosign's
 * parameters) and returns the envelope JSON (caller frees). */
char *ld_sigstore_seal(const uint8_t *der, size_t len, const char *password, ld_error *err);

#endif
