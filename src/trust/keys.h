/* Signing keys in the formats the container tools share: a private key
 * encrypted the sigstore way (PEM "ENCRYPTED SIGSTORE PRIVATE KEY", also
 * cosign's older "ENCRYPTED COSIGN PRIVATE KEY": JSON with an scrypt KDF and
 * a NaCl secretbox around the PKCS#8 DER), a PKCS#8 key encrypted with PBES2
 * ("ENCRYPTED PRIVATE KEY", the FIPS way) or unencrypted ("PRIVATE KEY"),
 * and a PEM public key ("PUBLIC KEY", SubjectPublicKeyInfo). Signing is
 * ECDSA P-256 with SHA-256 (DER signature), what cosign and containers/image
 * make; verification also takes P-384, RSA (PKCS#1 v1.5 and PSS) and
 * Ed25519 public keys. Every operation goes through OpenSSL's default
 * library context, so FIPS mode (trust/crypto.h) applies to it. Key files
 * are hostile input: bounded sizes, strict PEM, scrypt parameters within
 * limits, errors that never show key material. */
#ifndef LD_TRUST_KEYS_H
#define LD_TRUST_KEYS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"

#define LD_KEY_MAX_FILE_BYTES ((size_t)64 * 1024)

typedef struct ld_key ld_key;

/* A new ECDSA P-256 key pair. */
ld_key *ld_key_generate(ld_error *err);
/* The private key encrypted with password in the sigstore format (scrypt
 * N=32768 r=8 p=1, 32-byte salt, secretbox with a 24-byte nonce), PEM
 * text (caller frees). In FIPS mode: LD_ERR_UNSUPPORTED (scrypt and
 * XSalsa20-Poly1305 are not approved); use ld_key_private_pkcs8_pem. */
char *ld_key_private_sigstore_pem(const ld_key *k, const char *password, ld_error *err);
/* The private key as PKCS#8 encrypted with PBES2 (PBKDF2-HMAC-SHA256,
 * AES-256-CBC), PEM text (caller frees). */
char *ld_key_private_pkcs8_pem(const ld_key *k, const char *password, ld_error *err);
/* The public key as PEM SubjectPublicKeyInfo (caller frees). */
char *ld_key_public_pem(const ld_key *k, ld_error *err);

/* Reads a private key from PEM text in any of the formats above; password
 * may be NULL for an unencrypted one. A wrong password is LD_ERR_INVALID
 * ("wrong password for KEY"), a malformed file LD_ERR_CORRUPT; name
 * (a path) goes into messages. In FIPS mode a sigstore-encrypted key is
 * LD_ERR_UNSUPPORTED with a line saying why. */
ld_key *ld_key_load_private(const char *name, const char *pem, size_t len, const char *password,
                            ld_error *err);
/* Reads a public key (PEM "PUBLIC KEY"; a private key's PEM gives its
 * public half too). */
ld_key *ld_key_load_public(const char *name, const char *pem, size_t len, ld_error *err);
/* The same from a file (a regular file of at most LD_KEY_MAX_FILE_BYTES,
 * read through util/input_file.h). */
ld_key *ld_key_read_file(const char *path, bool private_key, const char *password, ld_error *err);
void ld_key_free(ld_key *k);

bool ld_key_has_private(const ld_key *k);
/* "ecdsa-p256-sha256", "ecdsa-p384-sha384", "rsa-pkcs1-sha256", "ed25519" */
const char *ld_key_algorithm(const ld_key *k);
/* "sha256:" + hex of the SubjectPublicKeyInfo DER: names a key in reports. */
const char *ld_key_fingerprint(const ld_key *k);

/* Signs msg (ECDSA over SHA-256 of msg; Ed25519 over msg). *sig is a new
 * buffer (DER for ECDSA). */
int ld_key_sign(const ld_key *k, const void *msg, size_t len, uint8_t **sig, size_t *sig_len,
                ld_error *err);
/* 0 when sig is a valid signature of msg by k; LD_ERR_CORRUPT ("signature
 * does not verify with KEY-FINGERPRINT") when not; another code when it
 * could not be checked (an algorithm FIPS refuses: LD_ERR_UNSUPPORTED). */
int ld_key_verify(const ld_key *k, const void *msg, size_t len, const uint8_t *sig,
                  size_t sig_len, ld_error *err);

/* What the first PEM block of a key file is, from its type line alone
 * (nothing decoded): for `key show` and for callers that must know
 * whether to ask for a password. */
typedef enum {
    LD_KEY_PEM_NONE,            /* no PEM block */
    LD_KEY_PEM_OTHER,           /* a type lockdown does not read */
    LD_KEY_PEM_PUBLIC,          /* "PUBLIC KEY" */
    LD_KEY_PEM_PKCS8,           /* "PRIVATE KEY", not encrypted */
    LD_KEY_PEM_PKCS8_ENCRYPTED, /* "ENCRYPTED PRIVATE KEY" (PBES2) */
    LD_KEY_PEM_SIGSTORE,        /* "ENCRYPTED SIGSTORE PRIVATE KEY" or cosign's older type */
} ld_key_pem_kind;
ld_key_pem_kind ld_key_pem_classify(const char *pem, size_t len);
/* "public key", "PKCS#8 private key", "PKCS#8 private key (PBES2
 * encrypted)", "sigstore encrypted private key (scrypt + nacl/secretbox)",
 * ... for messages. */
const char *ld_key_pem_kind_name(ld_key_pem_kind kind);

/* Writes a key pair: PREFIX.key (private_pem, mode 0600) and PREFIX.pub
 * (public_pem, mode 0644), both or neither. Without force an existing
 * file at either path is refused (O_EXCL: never replaced, never followed
 * if it is a symbolic link); with force a regular file is replaced
 * atomically (a temporary file renamed over it), while a symbolic link or
 * anything but a regular file is still refused. *key_path and *pub_path
 * receive the paths (caller frees; may be NULL). Returns 0 or < 0 with err
 * naming the path. */
int ld_key_write_pair(const char *prefix, const char *private_pem, const char *public_pem,
                      bool force, char **key_path, char **pub_path, ld_error *err);
/* The checks ld_key_write_pair makes before writing, alone: so that a
 * command can refuse before it asks for a password. 0 or < 0 with err. */
int ld_key_pair_check(const char *prefix, bool force, ld_error *err);

#endif
