/* Shared inside src/trust/key*.c only: the key object, strict PEM and
 * base64 helpers, and the step that turns an OpenSSL key into an ld_key
 * (accepted types and sizes). Not a public interface: callers use keys.h. */
#ifndef LD_TRUST_KEY_INTERNAL_H
#define LD_TRUST_KEY_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>

#include "core/error.h"

struct ld_key {
    EVP_PKEY *pkey;
    bool has_private;
    const char *algorithm;        /* static string, see ld_key_algorithm */
    char fingerprint[7 + 64 + 1]; /* "sha256:" + 64 hex */
};

#define LD_PEM_TYPE_MAX 64

/* One PEM block: its type ("PUBLIC KEY") and the decoded body. */
typedef struct {
    char type[LD_PEM_TYPE_MAX];
    uint8_t *der; /* wiped and freed by ld_pem_block_clear */
    size_t der_len;
} ld_pem_block;

/* The first PEM block of text[0..len): text before "-----BEGIN TYPE-----"
 * is skipped (as OpenSSL and Go do), the END line must name the same type,
 * the body must be base64 (standard alphabet, correct padding) in lines,
 * without RFC 1421 headers (Proc-Type:, the legacy encryption OpenSSL
 * wrote before PKCS#8). Text after END is ignored. name (a path) goes into
 * messages, key bytes never do. Returns 0 or LD_ERR_CORRUPT /
 * LD_ERR_LIMIT with err set. */
int ld_pem_decode(const char *name, const char *text, size_t len, ld_pem_block *out, ld_error *err);
/* The type of the first PEM block, without decoding its body; false when
 * there is no BEGIN line. */
bool ld_pem_peek_type(const char *text, size_t len, char type[LD_PEM_TYPE_MAX]);
void ld_pem_block_clear(ld_pem_block *b);
/* "-----BEGIN TYPE-----\n" + base64 in 64-column lines + END line; caller
 * frees. */
char *ld_pem_encode(const char *type, const uint8_t *der, size_t len);

/* Standard base64 with padding, no whitespace: *out is a new buffer
 * (caller frees; an empty input gives a 1-byte buffer and *out_len 0).
 * Returns false for any other character, bad padding or non-zero padding
 * bits. */
bool ld_b64_decode(const char *s, size_t len, uint8_t **out, size_t *out_len);
/* Standard base64 with padding, NUL-terminated; caller frees. */
char *ld_b64_encode(const uint8_t *in, size_t len);

/* Takes pkey (freed on failure too) and makes a key of it when its type
 * and size are ones lockdown accepts (ECDSA P-256/P-384, RSA 2048-8192
 * bits, Ed25519); has_private says whether it holds the private half.
 * name goes into messages. NULL with err set (LD_ERR_UNSUPPORTED) when
 * not. */
struct ld_key *ld_key_from_pkey(EVP_PKEY *pkey, bool has_private, const char *name, ld_error *err);

/* Frees a buffer that held secret bytes after zeroing it. */
void ld_key_wipe_free(void *p, size_t len);

#endif
