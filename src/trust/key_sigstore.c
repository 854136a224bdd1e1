/* The sigstore encrypted private key envelope (key_sigstore.h): parsing
 * with bounds, scrypt through OpenSSL's EVP_KDF "SCRYPT", XSalsa20-Poly1305
 * through libsodium's crypto_secretbox. Never shows key bytes or
 * passwords; every buffer that held a derived key or plaintext is wiped. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/kdf.h>
#include <openssl/params.h>
#include <openssl/rand.h>
#include <sodium.h>

#include "trust/key_internal.h"
#include "trust/key_sigstore.h"
#include "util/json_budget.h"
#include "util/mem.h"

#define BOX_KEY_BYTES 32

_Static_assert(crypto_secretbox_KEYBYTES == BOX_KEY_BYTES, "secretbox key size");
_Static_assert(crypto_secretbox_NONCEBYTES == LD_SIGSTORE_NONCE_BYTES, "secretbox nonce size");

/* An envelope is a handful of values; anything bigger is not one. */
static const ld_json_limits envelope_limits = {
    .max_values = 64, .max_containers = 16, .max_depth = 8};

static const json_t *want_object(const json_t *parent, const char *key)
{
    const json_t *v = json_object_get(parent, key);
    return json_is_object(v) ? v : NULL;
}

static const char *want_string(const json_t *parent, const char *key)
{
    const json_t *v = json_object_get(parent, key);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

static int corrupt(ld_error *err, const char *name, const char *what)
{
    return ld_error_set(err, LD_ERR_CORRUPT, "%s: encrypted sigstore key: %s", name, what);
}

/* A base64 field of exactly want bytes (want 0: any length up to max). */
static int want_bytes(const json_t *parent, const char *key, size_t want, size_t max, uint8_t **out,
                      size_t *out_len, const char *name, ld_error *err)
{
    const json_t *v = json_object_get(parent, key);
    if (!json_is_string(v))
        return ld_error_set(err, LD_ERR_CORRUPT, "%s: encrypted sigstore key: \"%s\" is missing",
                            name, key);
    size_t slen = json_string_length(v);
    if (slen > (max + 2) / 3 * 4)
        return ld_error_set(err, LD_ERR_LIMIT, "%s: encrypted sigstore key: \"%s\" is too long",
                            name, key);
    if (!ld_b64_decode(json_string_value(v), slen, out, out_len))
        return ld_error_set(err, LD_ERR_CORRUPT, "%s: encrypted sigstore key: \"%s\" is not base64",
                            name, key);
    if ((want && *out_len != want) ||
        (!want && (*out_len <= crypto_secretbox_MACBYTES || *out_len > max))) {
        size_t got = *out_len;
        free(*out);
        *out = NULL;
        if (want)
            return ld_error_set(err, LD_ERR_CORRUPT,
                                "%s: encrypted sigstore key: \"%s\" is %zu bytes, not %zu", name,
                                key, got, want);
        return ld_error_set(err, LD_ERR_CORRUPT,
                            "%s: encrypted sigstore key: \"%s\" has an impossible length (%zu "
                            "bytes)",
                            name, key, got);
    }
    return 0;
}

/* A positive JSON integer no greater than max. */
static bool want_uint(const json_t *params, const char *key, uint64_t max, uint64_t *out)
{
    const json_t *v = json_object_get(params, key);
    if (!json_is_integer(v))
        return false;
    json_int_t i = json_integer_value(v);
    if (i < 1 || (uint64_t)i > max)
        return false;
    *out = (uint64_t)i;
    return true;
}

static int check_params(const char *name, const json_t *params, ld_sigstore_envelope *out,
                        ld_error *err)
{
    const json_t *jn = json_object_get(params, "N"), *jr = json_object_get(params, "r"),
                 *jp = json_object_get(params, "p");
    if (!json_is_integer(jn) || !json_is_integer(jr) || !json_is_integer(jp))
        return corrupt(err, name, "scrypt parameters N, r and p must be integers");
    uint64_t n = 0, r = 0, p = 0;
    bool ok = want_uint(params, "N", LD_SIGSTORE_MAX_N, &n) && (n & (n - 1)) == 0 && n >= 2 &&
              want_uint(params, "r", LD_SIGSTORE_MAX_R, &r) &&
              want_uint(params, "p", LD_SIGSTORE_MAX_P, &p) && n * r <= LD_SIGSTORE_MAX_NR &&
              n * r * p <= LD_SIGSTORE_MAX_NRP;
    if (!ok)
        return ld_error_set(err, LD_ERR_LIMIT,
                            "%s: encrypted sigstore key: scrypt parameters N=%lld r=%lld p=%lld "
                            "are outside what lockdown accepts (N a power of two up to 2^20, r up "
                            "to 32, p up to 16, at most 256 MiB and 16 times cosign's work); "
                            "not decrypted",
                            name, (long long)json_integer_value(jn),
                            (long long)json_integer_value(jr), (long long)json_integer_value(jp));
    out->n = n;
    out->r = (uint32_t)r;
    out->p = (uint32_t)p;
    return 0;
}

int ld_sigstore_envelope_parse(const char *name, const void *json, size_t len,
                               ld_sigstore_envelope *out, ld_error *err)
{
    memset(out, 0, sizeof(*out));
    ld_error jerr = LD_ERROR_INIT;
    json_t *root =
        ld_json_load_bounded(name, json, len, JSON_REJECT_DUPLICATES, &envelope_limits, &jerr);
    if (!root)
        return corrupt(err, name, "the PEM body is not the JSON envelope");
    int rc = 0;
    uint8_t *salt = NULL, *nonce = NULL;
    size_t salt_len = 0, nonce_len = 0;
    const json_t *kdf = want_object(root, "kdf"), *cipher = want_object(root, "cipher");
    const json_t *params = kdf ? want_object(kdf, "params") : NULL;
    const char *kdf_name = kdf ? want_string(kdf, "name") : NULL;
    const char *cipher_name = cipher ? want_string(cipher, "name") : NULL;
    if (!json_is_object(root) || !kdf || !cipher || !params || !kdf_name || !cipher_name) {
        rc = corrupt(err, name,
                     "\"kdf\" (name, params, salt) or \"cipher\" (name, nonce) is missing");
        goto out;
    }
    if (strcmp(kdf_name, "scrypt") != 0 || strcmp(cipher_name, "nacl/secretbox") != 0) {
        rc = ld_error_set(err, LD_ERR_UNSUPPORTED,
                          "%s: encrypted sigstore key uses an unknown KDF or cipher (lockdown "
                          "reads scrypt with nacl/secretbox)",
                          name);
        goto out;
    }
    if ((rc = check_params(name, params, out, err)) < 0)
        goto out;
    if ((rc = want_bytes(kdf, "salt", LD_SIGSTORE_SALT_BYTES, LD_SIGSTORE_SALT_BYTES, &salt,
                         &salt_len, name, err)) < 0 ||
        (rc = want_bytes(cipher, "nonce", LD_SIGSTORE_NONCE_BYTES, LD_SIGSTORE_NONCE_BYTES, &nonce,
                         &nonce_len, name, err)) < 0 ||
        (rc = want_bytes(root, "ciphertext", 0, LD_SIGSTORE_MAX_CIPHERTEXT, &out->ciphertext,
                         &out->ciphertext_len, name, err)) < 0)
        goto out;
    memcpy(out->salt, salt, sizeof(out->salt));
    memcpy(out->nonce, nonce, sizeof(out->nonce));
out:
    free(salt);
    free(nonce);
    json_decref(root);
    if (rc < 0)
        ld_sigstore_envelope_clear(out);
    return rc;
}

int ld_sigstore_parse_pem(const char *name, const char *pem, size_t len, ld_sigstore_envelope *out,
                          ld_error *err)
{
    memset(out, 0, sizeof(*out));
    ld_pem_block b;
    int rc = ld_pem_decode(name, pem, len, &b, err);
    if (rc < 0)
        return rc;
    if (strcmp(b.type, LD_SIGSTORE_PEM_TYPE) != 0 && strcmp(b.type, LD_COSIGN_PEM_TYPE) != 0)
        rc = ld_error_set(err, LD_ERR_CORRUPT,
                          "%s: PEM block \"%s\" is not an encrypted sigstore or cosign key", name,
                          b.type);
    else
        rc = ld_sigstore_envelope_parse(name, b.der, b.der_len, out, err);
    ld_pem_block_clear(&b);
    return rc;
}

void ld_sigstore_envelope_clear(ld_sigstore_envelope *e)
{
    free(e->ciphertext);
    memset(e, 0, sizeof(*e));
}

static pthread_once_t sodium_once = PTHREAD_ONCE_INIT;
static int sodium_state;
static void init_sodium(void)
{
    sodium_state = sodium_init() < 0 ? -1 : 0;
}

/* scrypt(password, salt, N, r, p) -> key[32] through OpenSSL. */
static int derive(const char *name, const ld_sigstore_envelope *e, const char *password,
                  uint8_t key[BOX_KEY_BYTES], ld_error *err)
{
    EVP_KDF *kdf = EVP_KDF_fetch(NULL, "SCRYPT", NULL);
    EVP_KDF_CTX *ctx = kdf ? EVP_KDF_CTX_new(kdf) : NULL;
    EVP_KDF_free(kdf);
    if (!ctx)
        return ld_error_set(err, LD_ERR_UNSUPPORTED,
                            "%s: scrypt is not available from OpenSSL (in FIPS mode it is not "
                            "approved)",
                            name);
    uint64_t n = e->n, maxmem = 128 * e->n * e->r + ((uint64_t)4 << 20);
    uint32_t r = e->r, p = e->p;
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_PASSWORD, (void *)password,
                                          strlen(password)),
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT, (void *)e->salt, sizeof(e->salt)),
        OSSL_PARAM_construct_uint64(OSSL_KDF_PARAM_SCRYPT_N, &n),
        OSSL_PARAM_construct_uint32(OSSL_KDF_PARAM_SCRYPT_R, &r),
        OSSL_PARAM_construct_uint32(OSSL_KDF_PARAM_SCRYPT_P, &p),
        OSSL_PARAM_construct_uint64(OSSL_KDF_PARAM_SCRYPT_MAXMEM, &maxmem),
        OSSL_PARAM_construct_end(),
    };
    int ok = EVP_KDF_derive(ctx, key, BOX_KEY_BYTES, params);
    EVP_KDF_CTX_free(ctx);
    if (ok != 1)
        return ld_error_set(err, LD_ERR_GENERIC, "%s: scrypt key derivation failed", name);
    return 0;
}

int ld_sigstore_open(const char *name, const ld_sigstore_envelope *e, const char *password,
                     uint8_t **plain, size_t *plain_len, ld_error *err)
{
    *plain = NULL;
    *plain_len = 0;
    pthread_once(&sodium_once, init_sodium);
    if (sodium_state < 0)
        return ld_error_set(err, LD_ERR_GENERIC, "libsodium did not initialise");
    if (e->ciphertext_len <= crypto_secretbox_MACBYTES)
        return corrupt(err, name, "ciphertext too short");
    uint8_t key[BOX_KEY_BYTES];
    int rc = derive(name, e, password ? password : "", key, err);
    if (rc < 0)
        return rc;
    size_t n = e->ciphertext_len - crypto_secretbox_MACBYTES;
    uint8_t *out = ld_xmalloc(n);
    if (crypto_secretbox_open_easy(out, e->ciphertext, e->ciphertext_len, e->nonce, key) != 0) {
        OPENSSL_cleanse(key, sizeof(key));
        ld_key_wipe_free(out, n);
        return ld_error_set(err, LD_ERR_INVALID, "wrong password for %s", name);
    }
    OPENSSL_cleanse(key, sizeof(key));
    *plain = out;
    *plain_len = n;
    return 0;
}

char *ld_sigstore_seal(const uint8_t *der, size_t len, const char *password, ld_error *err)
{
    pthread_once(&sodium_once, init_sodium);
    if (sodium_state < 0) {
        ld_error_set(err, LD_ERR_GENERIC, "libsodium did not initialise");
        return NULL;
    }
    ld_sigstore_envelope e = {
        .n = LD_SIGSTORE_SCRYPT_N, .r = LD_SIGSTORE_SCRYPT_R, .p = LD_SIGSTORE_SCRYPT_P};
    if (RAND_bytes(e.salt, sizeof(e.salt)) != 1 || RAND_bytes(e.nonce, sizeof(e.nonce)) != 1) {
        ld_error_set(err, LD_ERR_GENERIC, "no random bytes from OpenSSL for the key's salt");
        return NULL;
    }
    uint8_t key[BOX_KEY_BYTES];
    if (derive("new key", &e, password ? password : "", key, err) < 0)
        return NULL;
    size_t clen = len + crypto_secretbox_MACBYTES;
    uint8_t *ct = ld_xmalloc(clen);
    crypto_secretbox_easy(ct, der, len, e.nonce, key);
    OPENSSL_cleanse(key, sizeof(key));
    char *salt = ld_b64_encode(e.salt, sizeof(e.salt));
    char *nonce = ld_b64_encode(e.nonce, sizeof(e.nonce));
    char *ctext = ld_b64_encode(ct, clen);
    char *json = ld_xasprintf(
        "{\"kdf\":{\"name\":\"scrypt\",\"params\":{\"N\":%d,\"r\":%d,\"p\":%d},"
        "\"salt\":\"%s\"},\"cipher\":{\"name\":\"nacl/secretbox\","
        "\"nonce\":\"%s\"},\"ciphertext\":\"%s\"}",
        LD_SIGSTORE_SCRYPT_N, LD_SIGSTORE_SCRYPT_R, LD_SIGSTORE_SCRYPT_P, salt, nonce, ctext);
    free(salt);
    free(nonce);
    free(ctext);
    free(ct);
    return json;
}
