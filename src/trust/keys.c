/* Signing keys (trust/keys.h): generation, the private and public key
 * formats, signing and verification, all through OpenSSL's default
 * library context so that FIPS mode (trust/crypto.c) governs them. The
 * sigstore envelope is key_sigstore.c, PEM and base64 key_pem.c, writing
 * key files key_files.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/pkcs12.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include "trust/crypto.h"
#include "trust/key_internal.h"
#include "trust/key_sigstore.h"
#include "trust/keys.h"
#include "util/input_file.h"
#include "util/mem.h"

/* PBKDF2-HMAC-SHA256 iterations lockdown writes (OWASP's 2023 figure) and
 * the most it will run for a key it reads. */
#define PKCS8_WRITE_ITER 600000
#define PKCS8_MAX_ITER 10000000L

#define RSA_MIN_BITS 2048
#define RSA_MAX_BITS 8192

/* ---- key objects ---- */

static bool set_fingerprint(ld_key *k)
{
    unsigned char *der = NULL;
    int len = i2d_PUBKEY(k->pkey, &der);
    if (len <= 0)
        return false;
    unsigned char md[EVP_MAX_MD_SIZE];
    size_t mdlen = 0;
    int ok = EVP_Q_digest(NULL, "SHA256", NULL, der, (size_t)len, md, &mdlen);
    OPENSSL_free(der);
    if (!ok || mdlen != 32)
        return false;
    static const char hex[] = "0123456789abcdef";
    memcpy(k->fingerprint, "sha256:", 7);
    for (size_t i = 0; i < 32; i++) {
        k->fingerprint[7 + 2 * i] = hex[md[i] >> 4];
        k->fingerprint[8 + 2 * i] = hex[md[i] & 15];
    }
    k->fingerprint[7 + 64] = '\0';
    ld_crypto_note("sha256");
    return true;
}

/* ld_key_algorithm's name for pkey, or NULL with the reason in why. */
static const char *classify(EVP_PKEY *pkey, char *why, size_t why_size)
{
    if (EVP_PKEY_is_a(pkey, "EC")) {
        char group[64] = "";
        if (!EVP_PKEY_get_group_name(pkey, group, sizeof(group), NULL))
            group[0] = '\0';
        if (strcmp(group, "prime256v1") == 0 || strcmp(group, "P-256") == 0)
            return "ecdsa-p256-sha256";
        if (strcmp(group, "secp384r1") == 0 || strcmp(group, "P-384") == 0)
            return "ecdsa-p384-sha384";
        snprintf(why, why_size, "an ECDSA key on curve %s (lockdown reads P-256 and P-384)",
                 group[0] ? group : "(explicit parameters)");
        return NULL;
    }
    if (EVP_PKEY_is_a(pkey, "RSA")) {
        int bits = EVP_PKEY_get_bits(pkey);
        if (bits >= RSA_MIN_BITS && bits <= RSA_MAX_BITS)
            return "rsa-pkcs1-sha256";
        snprintf(why, why_size, "an RSA key of %d bits (lockdown reads %d to %d)", bits,
                 RSA_MIN_BITS, RSA_MAX_BITS);
        return NULL;
    }
    if (EVP_PKEY_is_a(pkey, "ED25519"))
        return "ed25519";
    snprintf(why, why_size, "a key of type %s (lockdown reads ECDSA P-256/P-384, RSA and Ed25519)",
             EVP_PKEY_get0_type_name(pkey) ? EVP_PKEY_get0_type_name(pkey) : "unknown");
    return NULL;
}

ld_key *ld_key_from_pkey(EVP_PKEY *pkey, bool has_private, const char *name, ld_error *err)
{
    char why[160] = "";
    const char *alg = classify(pkey, why, sizeof(why));
    if (!alg) {
        EVP_PKEY_free(pkey);
        ld_error_set(err, LD_ERR_UNSUPPORTED, "%s: %s", name, why);
        return NULL;
    }
    ld_key *k = ld_xcalloc(1, sizeof(*k));
    k->pkey = pkey;
    k->has_private = has_private;
    k->algorithm = alg;
    if (!set_fingerprint(k)) {
        ld_key_free(k);
        ld_error_set(err, LD_ERR_GENERIC, "%s: cannot encode the public key", name);
        return NULL;
    }
    return k;
}

void ld_key_free(ld_key *k)
{
    if (!k)
        return;
    EVP_PKEY_free(k->pkey); /* OpenSSL clears private key material it frees */
    free(k);
}

bool ld_key_has_private(const ld_key *k)
{
    return k && k->has_private;
}

const char *ld_key_algorithm(const ld_key *k)
{
    return k->algorithm;
}

const char *ld_key_fingerprint(const ld_key *k)
{
    return k->fingerprint;
}

/* A failure in OpenSSL: the message says what lockdown was doing; in FIPS
 * mode the likely cause is an algorithm the provider does not offer. */
static int openssl_failure(ld_error *err, const char *name, const char *what)
{
    ERR_clear_error();
    if (ld_crypto_fips())
        return ld_error_set(err, LD_ERR_UNSUPPORTED, "%s: %s is not available in FIPS mode", name,
                            what);
    return ld_error_set(err, LD_ERR_GENERIC, "%s: %s failed in OpenSSL", name, what);
}

ld_key *ld_key_generate(ld_error *err)
{
    EVP_PKEY *pkey = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
    if (!pkey) {
        openssl_failure(err, "new key", "ECDSA P-256 key generation");
        return NULL;
    }
    return ld_key_from_pkey(pkey, true, "new key", err);
}

/* ---- writing ---- */

/* The private key as PKCS#8 DER (caller wipes and frees). */
static int private_der(const ld_key *k, uint8_t **der, size_t *len, ld_error *err)
{
    *der = NULL;
    *len = 0;
    if (!k->has_private)
        return ld_error_set(err, LD_ERR_INVALID, "key %s has no private half", k->fingerprint);
    PKCS8_PRIV_KEY_INFO *p8 = EVP_PKEY2PKCS8(k->pkey);
    unsigned char *buf = NULL;
    int n = p8 ? i2d_PKCS8_PRIV_KEY_INFO(p8, &buf) : -1;
    PKCS8_PRIV_KEY_INFO_free(p8);
    if (n <= 0)
        return openssl_failure(err, k->fingerprint, "encoding the private key as PKCS#8");
    *der = ld_xmalloc((size_t)n);
    memcpy(*der, buf, (size_t)n);
    *len = (size_t)n;
    OPENSSL_clear_free(buf, (size_t)n);
    return 0;
}

char *ld_key_private_sigstore_pem(const ld_key *k, const char *password, ld_error *err)
{
    if (ld_crypto_fips()) {
        ld_error_set(err, LD_ERR_UNSUPPORTED,
                     "FIPS mode: the sigstore key format (scrypt and XSalsa20-Poly1305) is not "
                     "FIPS-approved; write a PKCS#8 key (lockdown key generate --pkcs8)");
        return NULL;
    }
    uint8_t *der = NULL;
    size_t len = 0;
    if (private_der(k, &der, &len, err) < 0)
        return NULL;
    char *json = ld_sigstore_seal(der, len, password, err);
    ld_key_wipe_free(der, len);
    if (!json)
        return NULL;
    char *pem = ld_pem_encode(LD_SIGSTORE_PEM_TYPE, (const uint8_t *)json, strlen(json));
    free(json);
    ld_crypto_note("scrypt+nacl-secretbox");
    return pem;
}

char *ld_key_private_pkcs8_pem(const ld_key *k, const char *password, ld_error *err)
{
    PKCS8_PRIV_KEY_INFO *p8 = k->has_private ? EVP_PKEY2PKCS8(k->pkey) : NULL;
    if (!k->has_private) {
        ld_error_set(err, LD_ERR_INVALID, "key %s has no private half", k->fingerprint);
        return NULL;
    }
    EVP_CIPHER *aes = EVP_CIPHER_fetch(NULL, "AES-256-CBC", NULL);
    X509_ALGOR *pbe = aes && p8 ? PKCS5_pbe2_set_iv_ex(aes, PKCS8_WRITE_ITER, NULL, 0, NULL,
                                                       NID_hmacWithSHA256, NULL)
                                : NULL;
    EVP_CIPHER_free(aes);
    const char *pass = password ? password : "";
    X509_SIG *sig = pbe ? PKCS8_set0_pbe_ex(pass, (int)strlen(pass), p8, pbe, NULL, NULL) : NULL;
    if (!sig)
        X509_ALGOR_free(pbe);
    PKCS8_PRIV_KEY_INFO_free(p8);
    unsigned char *der = NULL;
    int n = sig ? i2d_X509_SIG(sig, &der) : -1;
    X509_SIG_free(sig);
    if (n <= 0) {
        openssl_failure(err, k->fingerprint,
                        "PKCS#8 PBES2 encryption (PBKDF2-HMAC-SHA256, AES-256-CBC)");
        return NULL;
    }
    char *pem = ld_pem_encode("ENCRYPTED PRIVATE KEY", der, (size_t)n);
    OPENSSL_free(der);
    ld_crypto_note("pbkdf2-hmac-sha256+aes-256-cbc");
    return pem;
}

char *ld_key_public_pem(const ld_key *k, ld_error *err)
{
    unsigned char *der = NULL;
    int n = i2d_PUBKEY(k->pkey, &der);
    if (n <= 0) {
        openssl_failure(err, k->fingerprint, "encoding the public key");
        return NULL;
    }
    char *pem = ld_pem_encode("PUBLIC KEY", der, (size_t)n);
    OPENSSL_free(der);
    return pem;
}

/* ---- reading ---- */

ld_key_pem_kind ld_key_pem_classify(const char *pem, size_t len)
{
    char type[LD_PEM_TYPE_MAX];
    if (!ld_pem_peek_type(pem, len, type))
        return LD_KEY_PEM_NONE;
    if (strcmp(type, "PUBLIC KEY") == 0)
        return LD_KEY_PEM_PUBLIC;
    if (strcmp(type, "PRIVATE KEY") == 0)
        return LD_KEY_PEM_PKCS8;
    if (strcmp(type, "ENCRYPTED PRIVATE KEY") == 0)
        return LD_KEY_PEM_PKCS8_ENCRYPTED;
    if (strcmp(type, LD_SIGSTORE_PEM_TYPE) == 0 || strcmp(type, LD_COSIGN_PEM_TYPE) == 0)
        return LD_KEY_PEM_SIGSTORE;
    return LD_KEY_PEM_OTHER;
}

const char *ld_key_pem_kind_name(ld_key_pem_kind kind)
{
    switch (kind) {
    case LD_KEY_PEM_NONE: return "not a PEM file";
    case LD_KEY_PEM_OTHER: return "a PEM block lockdown does not read as a key";
    case LD_KEY_PEM_PUBLIC: return "public key (PEM SubjectPublicKeyInfo)";
    case LD_KEY_PEM_PKCS8: return "private key (PKCS#8, not encrypted)";
    case LD_KEY_PEM_PKCS8_ENCRYPTED: return "private key (PKCS#8, PBES2 encrypted)";
    case LD_KEY_PEM_SIGSTORE: return "private key (sigstore encrypted: scrypt + nacl/secretbox)";
    }
    return "unknown";
}

/* An unencrypted PKCS#8 DER private key. */
static ld_key *from_pkcs8_der(const char *name, const uint8_t *der, size_t len, ld_error *err)
{
    const unsigned char *p = der;
    PKCS8_PRIV_KEY_INFO *p8 = d2i_PKCS8_PRIV_KEY_INFO(NULL, &p, (long)len);
    if (!p8 || p != der + len) {
        PKCS8_PRIV_KEY_INFO_free(p8);
        ERR_clear_error();
        ld_error_set(err, LD_ERR_CORRUPT, "%s: the private key is not valid PKCS#8 DER", name);
        return NULL;
    }
    EVP_PKEY *pkey = EVP_PKCS82PKEY_ex(p8, NULL, NULL);
    PKCS8_PRIV_KEY_INFO_free(p8);
    if (!pkey) {
        if (ld_crypto_fips()) {
            openssl_failure(err, name, "this private key's algorithm");
            return NULL;
        }
        ERR_clear_error();
        ld_error_set(err, LD_ERR_CORRUPT, "%s: the PKCS#8 private key does not decode", name);
        return NULL;
    }
    return ld_key_from_pkey(pkey, true, name, err);
}

/* Checks the PBES2 parameters of an encrypted PKCS#8 key before any work:
 * PBKDF2 with at most PKCS8_MAX_ITER iterations. */
static int check_pbes2(const char *name, const X509_SIG *sig, ld_error *err)
{
    const X509_ALGOR *alg = NULL;
    X509_SIG_get0(sig, &alg, NULL);
    if (!alg || OBJ_obj2nid(alg->algorithm) != NID_pbes2)
        return ld_error_set(err, LD_ERR_UNSUPPORTED,
                            "%s: the private key is encrypted with an old PKCS#5 v1.5/PKCS#12 "
                            "scheme; lockdown reads PBES2 (openssl pkcs8 -topk8 -v2 aes-256-cbc)",
                            name);
    PBE2PARAM *pbe2 = ASN1_TYPE_unpack_sequence(ASN1_ITEM_rptr(PBE2PARAM), alg->parameter);
    int rc = 0;
    if (!pbe2 || !pbe2->keyfunc || OBJ_obj2nid(pbe2->keyfunc->algorithm) != NID_id_pbkdf2) {
        rc = ld_error_set(err, LD_ERR_UNSUPPORTED,
                          "%s: the private key's PBES2 key derivation is not PBKDF2", name);
        goto out;
    }
    PBKDF2PARAM *kdf =
        ASN1_TYPE_unpack_sequence(ASN1_ITEM_rptr(PBKDF2PARAM), pbe2->keyfunc->parameter);
    long iter = kdf && kdf->iter ? ASN1_INTEGER_get(kdf->iter) : -1;
    int prf = kdf && kdf->prf ? OBJ_obj2nid(kdf->prf->algorithm) : NID_hmacWithSHA1;
    PBKDF2PARAM_free(kdf);
    if (iter < 1 || iter > PKCS8_MAX_ITER) {
        rc = ld_error_set(err, LD_ERR_LIMIT,
                          "%s: the private key's PBKDF2 iteration count is outside 1..%ld; not "
                          "decrypted",
                          name, PKCS8_MAX_ITER);
        goto out;
    }
    /* an algorithm OpenSSL (or the FIPS provider) does not offer is said
     * so, not taken for a wrong password */
    int md_nid = NID_undef;
    int cipher_nid = pbe2->encryption ? OBJ_obj2nid(pbe2->encryption->algorithm) : NID_undef;
    EVP_CIPHER *cipher =
        cipher_nid != NID_undef ? EVP_CIPHER_fetch(NULL, OBJ_nid2sn(cipher_nid), NULL) : NULL;
    EVP_MD *md = EVP_PBE_find(EVP_PBE_TYPE_PRF, prf, NULL, &md_nid, NULL) && md_nid != NID_undef
                     ? EVP_MD_fetch(NULL, OBJ_nid2sn(md_nid), NULL)
                     : NULL;
    if (!cipher || !md)
        rc = ld_error_set(
            err, LD_ERR_UNSUPPORTED, "%s: the private key is encrypted with %s and %s, which %s",
            name, cipher_nid != NID_undef ? OBJ_nid2sn(cipher_nid) : "an unknown cipher",
            prf != NID_undef ? OBJ_nid2sn(prf) : "an unknown PRF",
            ld_crypto_fips() ? "FIPS mode does not offer" : "this OpenSSL does not offer");
    EVP_CIPHER_free(cipher);
    EVP_MD_free(md);
out:
    PBE2PARAM_free(pbe2);
    ERR_clear_error();
    return rc;
}

static ld_key *from_pkcs8_encrypted(const char *name, const uint8_t *der, size_t len,
                                    const char *password, ld_error *err)
{
    const unsigned char *p = der;
    X509_SIG *sig = d2i_X509_SIG(NULL, &p, (long)len);
    if (!sig || p != der + len) {
        X509_SIG_free(sig);
        ERR_clear_error();
        ld_error_set(err, LD_ERR_CORRUPT, "%s: the encrypted private key is not valid DER", name);
        return NULL;
    }
    if (check_pbes2(name, sig, err) < 0) {
        X509_SIG_free(sig);
        return NULL;
    }
    const char *pass = password ? password : "";
    PKCS8_PRIV_KEY_INFO *p8 = PKCS8_decrypt_ex(sig, pass, (int)strlen(pass), NULL, NULL);
    X509_SIG_free(sig);
    if (!p8) {
        ERR_clear_error(); /* the algorithms were checked: a wrong password */
        ld_error_set(err, LD_ERR_INVALID, "wrong password for %s", name);
        return NULL;
    }
    ld_crypto_note("pbes2-pbkdf2");
    EVP_PKEY *pkey = EVP_PKCS82PKEY_ex(p8, NULL, NULL);
    PKCS8_PRIV_KEY_INFO_free(p8);
    if (!pkey) {
        ERR_clear_error();
        /* the padding check passes for about 1 wrong password in 256 */
        ld_error_set(err, LD_ERR_INVALID, "wrong password for %s", name);
        return NULL;
    }
    return ld_key_from_pkey(pkey, true, name, err);
}

static ld_key *from_sigstore(const char *name, const char *pem, size_t len, const char *password,
                             ld_error *err)
{
    if (ld_crypto_fips()) {
        ld_error_set(err, LD_ERR_UNSUPPORTED,
                     "%s: FIPS mode: a sigstore-encrypted key (scrypt and XSalsa20-Poly1305) is "
                     "not FIPS-approved; convert it to PKCS#8 PBES2 outside FIPS mode",
                     name);
        return NULL;
    }
    ld_sigstore_envelope env;
    if (ld_sigstore_parse_pem(name, pem, len, &env, err) < 0)
        return NULL;
    uint8_t *der = NULL;
    size_t der_len = 0;
    int rc = ld_sigstore_open(name, &env, password, &der, &der_len, err);
    ld_sigstore_envelope_clear(&env);
    if (rc < 0)
        return NULL;
    ld_crypto_note("scrypt+nacl-secretbox");
    ld_key *k = from_pkcs8_der(name, der, der_len, err);
    ld_key_wipe_free(der, der_len);
    return k;
}

ld_key *ld_key_load_private(const char *name, const char *pem, size_t len, const char *password,
                            ld_error *err)
{
    name = name ? name : "key";
    if (len > LD_KEY_MAX_FILE_BYTES) {
        ld_error_set(err, LD_ERR_LIMIT, "%s: key file is larger than %zu KiB; is this a key?", name,
                     LD_KEY_MAX_FILE_BYTES / 1024);
        return NULL;
    }
    ld_key_pem_kind kind = ld_key_pem_classify(pem, len);
    if (kind == LD_KEY_PEM_SIGSTORE)
        return from_sigstore(name, pem, len, password, err);
    ld_pem_block b;
    if (ld_pem_decode(name, pem, len, &b, err) < 0)
        return NULL;
    ld_key *k = NULL;
    if (kind == LD_KEY_PEM_PKCS8)
        k = from_pkcs8_der(name, b.der, b.der_len, err);
    else if (kind == LD_KEY_PEM_PKCS8_ENCRYPTED)
        k = from_pkcs8_encrypted(name, b.der, b.der_len, password, err);
    else if (kind == LD_KEY_PEM_PUBLIC)
        ld_error_set(err, LD_ERR_INVALID, "%s is a public key; signing needs the private key",
                     name);
    else
        ld_error_set(err, LD_ERR_UNSUPPORTED,
                     "%s: PEM block \"%s\" is not a private key lockdown reads (sigstore/cosign "
                     "encrypted, PKCS#8 \"PRIVATE KEY\" or \"ENCRYPTED PRIVATE KEY\")",
                     name, b.type);
    ld_pem_block_clear(&b);
    return k;
}

ld_key *ld_key_load_public(const char *name, const char *pem, size_t len, ld_error *err)
{
    name = name ? name : "key";
    ld_key_pem_kind kind = ld_key_pem_classify(pem, len);
    if (kind == LD_KEY_PEM_PKCS8) {
        ld_key *k = ld_key_load_private(name, pem, len, NULL, err);
        if (k) {
            /* only the public half leaves this function */
            unsigned char *der = NULL;
            int n = i2d_PUBKEY(k->pkey, &der);
            const unsigned char *p = der;
            EVP_PKEY *pub = n > 0 ? d2i_PUBKEY(NULL, &p, n) : NULL;
            OPENSSL_free(der);
            ld_key_free(k);
            if (!pub) {
                openssl_failure(err, name, "taking the public half of the key");
                return NULL;
            }
            return ld_key_from_pkey(pub, false, name, err);
        }
        return NULL;
    }
    if (kind == LD_KEY_PEM_PKCS8_ENCRYPTED || kind == LD_KEY_PEM_SIGSTORE) {
        ld_error_set(err, LD_ERR_INVALID,
                     "%s is an encrypted private key; give its public key (the .pub file)", name);
        return NULL;
    }
    ld_pem_block b;
    if (ld_pem_decode(name, pem, len, &b, err) < 0)
        return NULL;
    if (strcmp(b.type, "PUBLIC KEY") != 0) {
        ld_error_set(err, LD_ERR_UNSUPPORTED,
                     "%s: PEM block \"%s\" is not a public key (lockdown reads \"PUBLIC KEY\")",
                     name, b.type);
        ld_pem_block_clear(&b);
        return NULL;
    }
    const unsigned char *p = b.der;
    EVP_PKEY *pkey = d2i_PUBKEY(NULL, &p, (long)b.der_len);
    bool whole = p == b.der + b.der_len;
    ld_pem_block_clear(&b);
    if (!pkey || !whole) {
        EVP_PKEY_free(pkey);
        if (ld_crypto_fips())
            openssl_failure(err, name, "this public key's algorithm");
        else
            ld_error_set(err, LD_ERR_CORRUPT,
                         "%s: the public key is not valid SubjectPublicKeyInfo", name);
        ERR_clear_error();
        return NULL;
    }
    return ld_key_from_pkey(pkey, false, name, err);
}

ld_key *ld_key_read_file(const char *path, bool private_key, const char *password, ld_error *err)
{
    char *buf = NULL;
    size_t len = 0;
    if (ld_input_read(path, private_key ? "private key" : "public key", LD_KEY_MAX_FILE_BYTES, &buf,
                      &len, err) < 0)
        return NULL;
    ld_key *k = private_key ? ld_key_load_private(path, buf, len, password, err)
                            : ld_key_load_public(path, buf, len, err);
    ld_key_wipe_free(buf, len + 1);
    return k;
}

/* ---- signing and verifying ---- */

/* The digest a key signs with: SHA-256 (cosign's and containers/image's
 * choice for ECDSA P-256 and RSA), SHA-384 for P-384 (the sigstore
 * algorithm registry), none for Ed25519. */
static const char *sign_digest(const ld_key *k)
{
    if (strcmp(k->algorithm, "ed25519") == 0)
        return NULL;
    if (strcmp(k->algorithm, "ecdsa-p384-sha384") == 0)
        return "SHA384";
    return "SHA256";
}

int ld_key_sign(const ld_key *k, const void *msg, size_t len, uint8_t **sig, size_t *sig_len,
                ld_error *err)
{
    *sig = NULL;
    *sig_len = 0;
    if (!k->has_private)
        return ld_error_set(err, LD_ERR_INVALID,
                            "key %s is a public key; signing needs the private key",
                            k->fingerprint);
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    EVP_PKEY_CTX *pctx = NULL;
    size_t n = 0;
    int rc = 0;
    if (!ctx || EVP_DigestSignInit_ex(ctx, &pctx, sign_digest(k), NULL, NULL, k->pkey, NULL) != 1 ||
        (EVP_PKEY_is_a(k->pkey, "RSA") &&
         EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) != 1) ||
        EVP_DigestSign(ctx, NULL, &n, msg, len) != 1) {
        rc = openssl_failure(err, k->fingerprint, k->algorithm);
        goto out;
    }
    uint8_t *buf = ld_xmalloc(n ? n : 1);
    if (EVP_DigestSign(ctx, buf, &n, msg, len) != 1) {
        free(buf);
        rc = openssl_failure(err, k->fingerprint, k->algorithm);
        goto out;
    }
    *sig = buf;
    *sig_len = n;
    ld_crypto_note(k->algorithm);
out:
    EVP_MD_CTX_free(ctx);
    return rc;
}

/* One verification: 1 valid, 0 not valid, -1 could not be set up. */
static int verify_with(const ld_key *k, const char *md, int rsa_padding, const void *msg,
                       size_t len, const uint8_t *sig, size_t sig_len)
{
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    EVP_PKEY_CTX *pctx = NULL;
    int rc = -1;
    if (!ctx || EVP_DigestVerifyInit_ex(ctx, &pctx, md, NULL, NULL, k->pkey, NULL) != 1)
        goto out;
    if (rsa_padding && EVP_PKEY_CTX_set_rsa_padding(pctx, rsa_padding) != 1)
        goto out;
    if (rsa_padding == RSA_PKCS1_PSS_PADDING &&
        EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_AUTO) != 1)
        goto out;
    rc = EVP_DigestVerify(ctx, sig, sig_len, msg, len) == 1 ? 1 : 0;
out:
    EVP_MD_CTX_free(ctx);
    ERR_clear_error();
    return rc;
}

int ld_key_verify(const ld_key *k, const void *msg, size_t len, const uint8_t *sig, size_t sig_len,
                  ld_error *err)
{
    /* what each key type is checked with, in order; the first that holds
     * is the one noted */
    struct attempt {
        const char *md;
        int padding;
        const char *noted;
    } tries[2];
    size_t n = 0;
    if (strcmp(k->algorithm, "ecdsa-p256-sha256") == 0) {
        tries[n++] = (struct attempt){"SHA256", 0, "ecdsa-p256-sha256"};
    } else if (strcmp(k->algorithm, "ecdsa-p384-sha384") == 0) {
        tries[n++] = (struct attempt){"SHA384", 0, "ecdsa-p384-sha384"};
        tries[n++] =
            (struct attempt){"SHA256", 0, "ecdsa-p384-sha256"}; /* cosign, containers/image */
    } else if (strcmp(k->algorithm, "rsa-pkcs1-sha256") == 0) {
        tries[n++] = (struct attempt){"SHA256", RSA_PKCS1_PADDING, "rsa-pkcs1-sha256"};
        tries[n++] = (struct attempt){"SHA256", RSA_PKCS1_PSS_PADDING, "rsa-pss-sha256"};
    } else {
        tries[n++] = (struct attempt){NULL, 0, "ed25519"};
    }
    bool checked = false;
    for (size_t i = 0; i < n; i++) {
        int r = verify_with(k, tries[i].md, tries[i].padding, msg, len, sig, sig_len);
        if (r == 1) {
            ld_crypto_note(tries[i].noted);
            return 0;
        }
        checked = checked || r == 0;
    }
    if (!checked)
        return openssl_failure(err, k->fingerprint, k->algorithm);
    return ld_error_set(err, LD_ERR_CORRUPT, "signature does not verify with %s", k->fingerprint);
}
