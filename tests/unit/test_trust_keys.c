/* Unit tests for signing keys (src/trust/keys.c, key_sigstore.c, key_pem.c,
 * key_files.c) and FIPS mode (crypto.c): the sigstore encrypted key format
 * round trip and a known-answer vector from go-securesystemslib, wrong
 * passwords, tampered and hostile envelopes (refused fast, never run),
 * malformed PEM/base64/JSON, PKCS#8 PBES2, public keys of every accepted
 * type with signatures made here by OpenSSL, and writing a key pair. */
#include <fcntl.h>
#include <jansson.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include "test_skip.h"
#include "trust/crypto.h"
#include "trust/key_internal.h"
#include "trust/key_sigstore.h"
#include "trust/keys.h"
#include "util/mem.h"

static const char PASSWORD[] = "correct horse battery staple";

/* One generated key and its sigstore PEM, shared (scrypt costs ~0.1 s). */
static ld_key *gen_key;
static char *gen_sigstore;

static int setup(void **state)
{
    (void)state;
    ld_error err = LD_ERROR_INIT;
    gen_key = ld_key_generate(&err);
    if (!gen_key)
        return -1;
    gen_sigstore = ld_key_private_sigstore_pem(gen_key, PASSWORD, &err);
    return gen_sigstore ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    ld_key_free(gen_key);
    free(gen_sigstore);
    return 0;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The body of the first PEM block, as text (the sigstore envelope JSON). */
static char *pem_body_text(const char *pem)
{
    ld_pem_block b;
    ld_error err = LD_ERROR_INIT;
    assert_int_equal(ld_pem_decode("t", pem, strlen(pem), &b, &err), 0);
    char *s = ld_xstrndup((const char *)b.der, b.der_len);
    ld_pem_block_clear(&b);
    return s;
}

static char *sigstore_pem_of(const char *json)
{
    return ld_pem_encode(LD_SIGSTORE_PEM_TYPE, (const uint8_t *)json, strlen(json));
}

/* Loads pem as a private key with PASSWORD; returns the error code (0
 * when it loaded) and keeps the message in err. */
static int load_code(const char *pem, ld_error *err)
{
    ld_key *k = ld_key_load_private("KEYFILE", pem, strlen(pem), PASSWORD, err);
    if (!k)
        return err->code;
    ld_key_free(k);
    return 0;
}

/* ---- the sigstore format ---- */

static void test_sigstore_round_trip(void **state)
{
    (void)state;
    assert_non_null(strstr(gen_sigstore, "-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----\n"));
    assert_non_null(strstr(gen_sigstore, "-----END ENCRYPTED SIGSTORE PRIVATE KEY-----\n"));
    /* what cosign writes: the JSON envelope, scrypt N=32768 r=8 p=1 */
    char *json = pem_body_text(gen_sigstore);
    json_error_t je;
    json_t *root = json_loads(json, 0, &je);
    assert_non_null(root);
    assert_string_equal(json_string_value(json_object_get(json_object_get(root, "kdf"), "name")),
                        "scrypt");
    json_t *params = json_object_get(json_object_get(root, "kdf"), "params");
    assert_int_equal(json_integer_value(json_object_get(params, "N")), 32768);
    assert_int_equal(json_integer_value(json_object_get(params, "r")), 8);
    assert_int_equal(json_integer_value(json_object_get(params, "p")), 1);
    assert_string_equal(json_string_value(json_object_get(json_object_get(root, "cipher"), "name")),
                        "nacl/secretbox");
    json_decref(root);
    free(json);

    ld_error err = LD_ERROR_INIT;
    ld_key *k = ld_key_load_private("k", gen_sigstore, strlen(gen_sigstore), PASSWORD, &err);
    assert_non_null(k);
    assert_true(ld_key_has_private(k));
    assert_string_equal(ld_key_algorithm(k), "ecdsa-p256-sha256");
    assert_string_equal(ld_key_fingerprint(k), ld_key_fingerprint(gen_key));
    /* the loaded key signs what the generated one verifies */
    static const char msg[] = "payload";
    uint8_t *sig = NULL;
    size_t n = 0;
    assert_int_equal(ld_key_sign(k, msg, sizeof(msg) - 1, &sig, &n, &err), 0);
    assert_int_equal(ld_key_verify(gen_key, msg, sizeof(msg) - 1, sig, n, &err), 0);
    free(sig);
    ld_key_free(k);
}

static void test_sigstore_wrong_password(void **state)
{
    (void)state;
    ld_error err = LD_ERROR_INIT;
    ld_key *k = ld_key_load_private("/keys/x.key", gen_sigstore, strlen(gen_sigstore),
                                    "not the password", &err);
    assert_null(k);
    assert_int_equal(err.code, LD_ERR_INVALID);
    assert_string_equal(err.msg, "wrong password for /keys/x.key");
    /* the cosign type name loads the same */
    char *json = pem_body_text(gen_sigstore);
    char *cosign = ld_pem_encode(LD_COSIGN_PEM_TYPE, (const uint8_t *)json, strlen(json));
    assert_int_equal(load_code(cosign, &err), 0);
    free(cosign);
    free(json);
}

/* go-securesystemslib's own test vector (encrypted_test.go TestDecrypt):
 * password "supersecret", plaintext "reallyimportant". */
static void test_sigstore_known_answer(void **state)
{
    (void)state;
    static const char vec[] =
        "{\"kdf\":{\"name\":\"scrypt\",\"params\":{\"N\":32768,\"r\":8,\"p\":1},\"salt\":"
        "\"N9a7x5JFGbrtB2uBR81jPwp0eiLR4A7FV3mjVAQrg1g=\"},\"cipher\":{\"name\":\"nacl/"
        "secretbox\",\"nonce\":\"2h8HxMmgRfuYdpswZBQaU3xJ1nkA/5Ik\"},\"ciphertext\":"
        "\"SEW6sUh0jf2wfdjJGPNS9+bkk2uB+Cxamf32zR8XkQ==\"}";
    ld_sigstore_envelope e;
    ld_error err = LD_ERROR_INIT;
    assert_int_equal(ld_sigstore_envelope_parse("vec", vec, strlen(vec), &e, &err), 0);
    uint8_t *plain = NULL;
    size_t n = 0;
    assert_int_equal(ld_sigstore_open("vec", &e, "supersecret", &plain, &n, &err), 0);
    assert_int_equal(n, 15);
    assert_memory_equal(plain, "reallyimportant", 15);
    ld_key_wipe_free(plain, n);
    assert_int_equal(ld_sigstore_open("vec", &e, "supersecreT", &plain, &n, &err), LD_ERR_INVALID);
    assert_null(plain);
    ld_sigstore_envelope_clear(&e);
}

/* Flips one byte of a base64 field (kdf.salt, cipher.nonce, ciphertext). */
static char *tampered(const char *object, const char *field)
{
    char *json = pem_body_text(gen_sigstore);
    json_error_t je;
    json_t *root = json_loads(json, 0, &je);
    free(json);
    json_t *holder = object ? json_object_get(root, object) : root;
    const char *b64 = json_string_value(json_object_get(holder, field));
    uint8_t *raw = NULL;
    size_t n = 0;
    assert_true(ld_b64_decode(b64, strlen(b64), &raw, &n));
    raw[n / 2] ^= 0x01;
    char *again = ld_b64_encode(raw, n);
    free(raw);
    json_object_set_new(holder, field, json_string(again));
    free(again);
    char *out = json_dumps(root, JSON_COMPACT);
    json_decref(root);
    char *pem = sigstore_pem_of(out);
    free(out);
    return pem;
}

static void test_sigstore_tampered(void **state)
{
    (void)state;
    const char *cases[][2] = {{NULL, "ciphertext"}, {"cipher", "nonce"}, {"kdf", "salt"}};
    for (size_t i = 0; i < 3; i++) {
        char *pem = tampered(cases[i][0], cases[i][1]);
        ld_error err = LD_ERROR_INIT;
        assert_int_equal(load_code(pem, &err), LD_ERR_INVALID);
        assert_null(strstr(err.msg, PASSWORD));
        free(pem);
    }
}

/* An envelope with the given params object text and valid-length fields. */
static char *envelope_with(const char *params)
{
    return ld_xasprintf("{\"kdf\":{\"name\":\"scrypt\",\"params\":%s,\"salt\":"
                        "\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\"},\"cipher\":{\"name\":"
                        "\"nacl/secretbox\",\"nonce\":\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\"},"
                        "\"ciphertext\":\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\"}",
                        params);
}

static void test_sigstore_hostile_params(void **state)
{
    (void)state;
    const char *hostile[] = {
        "{\"N\":1099511627776,\"r\":8,\"p\":1}", /* N = 2^40 */
        "{\"N\":32768,\"r\":0,\"p\":1}",
        "{\"N\":32768,\"r\":8,\"p\":0}",
        "{\"N\":32767,\"r\":8,\"p\":1}", /* not a power of two */
        "{\"N\":1,\"r\":8,\"p\":1}",
        "{\"N\":2097152,\"r\":1,\"p\":1}",  /* 2^21 */
        "{\"N\":1048576,\"r\":32,\"p\":1}", /* 4 GiB */
        "{\"N\":32768,\"r\":33,\"p\":1}",
        "{\"N\":32768,\"r\":8,\"p\":17}",
        "{\"N\":262144,\"r\":8,\"p\":16}", /* within each bound, too much work */
        "{\"N\":-32768,\"r\":8,\"p\":1}",
        "{\"N\":9223372036854775807,\"r\":8,\"p\":1}",
    };
    for (size_t i = 0; i < sizeof(hostile) / sizeof(hostile[0]); i++) {
        char *json = envelope_with(hostile[i]);
        char *pem = sigstore_pem_of(json);
        ld_error err = LD_ERROR_INIT;
        double t0 = now_s();
        int code = load_code(pem, &err);
        double took = now_s() - t0;
        if (code != LD_ERR_LIMIT)
            fail_msg("params %s: code %d (%s)", hostile[i], code, err.msg);
        assert_true(took < 0.05); /* refused before scrypt ran */
        free(pem);
        free(json);
    }
    const char *wrong_type[] = {"{\"N\":32768.0,\"r\":8,\"p\":1}",
                                "{\"N\":\"32768\",\"r\":8,\"p\":1}", "{\"r\":8,\"p\":1}",
                                "[32768,8,1]"};
    for (size_t i = 0; i < sizeof(wrong_type) / sizeof(wrong_type[0]); i++) {
        char *json = envelope_with(wrong_type[i]);
        ld_sigstore_envelope e;
        ld_error err = LD_ERROR_INIT;
        assert_int_equal(ld_sigstore_envelope_parse("x", json, strlen(json), &e, &err),
                         LD_ERR_CORRUPT);
        free(json);
    }
    /* the strongest setting go-securesystemslib writes still parses */
    char *json = envelope_with("{\"N\":131072,\"r\":8,\"p\":1}");
    ld_sigstore_envelope e;
    ld_error err = LD_ERROR_INIT;
    assert_int_equal(ld_sigstore_envelope_parse("x", json, strlen(json), &e, &err), 0);
    assert_int_equal(e.n, 131072);
    ld_sigstore_envelope_clear(&e);
    free(json);
}

static void test_sigstore_malformed(void **state)
{
    (void)state;
    static const char salt[] = "\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\"";
    struct {
        const char *json;
        int code;
    } cases[] = {
        {"", LD_ERR_CORRUPT},
        {"null", LD_ERR_CORRUPT},
        {"[]", LD_ERR_CORRUPT},
        {"{\"kdf\":1}", LD_ERR_CORRUPT},
        {"{\"kdf\":{\"name\":\"argon2\",\"params\":{}},\"cipher\":{\"name\":\"nacl/secretbox\"}}",
         LD_ERR_UNSUPPORTED},
        {"{\"kdf\":{\"name\":\"scrypt\",\"params\":{\"N\":32768,\"r\":8,\"p\":1}},\"cipher\":"
         "{\"name\":\"aes-gcm\"}}",
         LD_ERR_UNSUPPORTED},
        {"{\"kdf\":{\"name\":\"scrypt\",\"params\":{\"N\":32768,\"r\":8,\"p\":1},\"salt\":\"AAAA\"}"
         ","
         "\"cipher\":{\"name\":\"nacl/secretbox\",\"nonce\":\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\"},"
         "\"ciphertext\":\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\"}",
         LD_ERR_CORRUPT}, /* salt of 3 bytes */
        {NULL, 0},
    };
    for (size_t i = 0; cases[i].json; i++) {
        ld_sigstore_envelope e;
        ld_error err = LD_ERROR_INIT;
        int rc = ld_sigstore_envelope_parse("x", cases[i].json, strlen(cases[i].json), &e, &err);
        if (rc != cases[i].code)
            fail_msg("case %zu: %d (%s)", i, rc, err.msg);
        assert_true(err.msg[0] != '\0');
    }
    /* nonce one byte short, ciphertext only a tag, not base64, duplicate key */
    const char *fields[] = {
        "\"cipher\":{\"name\":\"nacl/secretbox\",\"nonce\":\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAA==\"},"
        "\"ciphertext\":\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\"",
        "\"cipher\":{\"name\":\"nacl/secretbox\",\"nonce\":\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\"},"
        "\"ciphertext\":\"AAAAAAAAAAAAAAAAAAAAAA==\"",
        "\"cipher\":{\"name\":\"nacl/secretbox\",\"nonce\":\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\"},"
        "\"ciphertext\":\"not base64!\"",
        "\"cipher\":{\"name\":\"nacl/secretbox\",\"nonce\":\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\"},"
        "\"ciphertext\":\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\",\"ciphertext\":\"AAAA\"",
        "\"cipher\":{\"name\":\"nacl/secretbox\",\"nonce\":\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\"},"
        "\"ciphertext\":\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAB=\"", /* padding bits */
    };
    for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
        char *json = ld_xasprintf("{\"kdf\":{\"name\":\"scrypt\",\"params\":{\"N\":32768,\"r\":8,"
                                  "\"p\":1},\"salt\":%s},%s}",
                                  salt, fields[i]);
        ld_sigstore_envelope e;
        ld_error err = LD_ERROR_INIT;
        int rc = ld_sigstore_envelope_parse("x", json, strlen(json), &e, &err);
        if (rc != LD_ERR_CORRUPT)
            fail_msg("field case %zu: %d (%s)", i, rc, err.msg);
        free(json);
    }
    /* deep nesting is refused by the budget, not by recursion */
    size_t depth = 100000;
    char *deep = ld_xmalloc(2 * depth + 1);
    memset(deep, '[', depth);
    memset(deep + depth, ']', depth);
    deep[2 * depth] = '\0';
    ld_sigstore_envelope e;
    ld_error err = LD_ERROR_INIT;
    assert_int_equal(ld_sigstore_envelope_parse("x", deep, 2 * depth, &e, &err), LD_ERR_CORRUPT);
    free(deep);
}

static void test_pem_malformed(void **state)
{
    (void)state;
    const char *cases[] = {
        "",
        "just text\n",
        "-----BEGIN PUBLIC KEY-----\nAAAA\n",                            /* no END */
        "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PRIVATE KEY-----\n", /* END differs */
        "-----BEGIN PUBLIC KEY-----\nAA*A\n-----END PUBLIC KEY-----\n",  /* not base64 */
        "-----BEGIN PUBLIC KEY-----\nAAA\n-----END PUBLIC KEY-----\n",   /* length */
        "-----BEGIN PUBLIC KEY-----\nA=AA\n-----END PUBLIC KEY-----\n",  /* padding inside */
        "-----BEGIN PUBLIC KEY-----\n-----END PUBLIC KEY-----\n",        /* empty */
        "-----BEGIN public key-----\nAAAA\n-----END public key-----\n",  /* type */
        "-----BEGIN PUBLIC KEY----- junk\nAAAA\n-----END PUBLIC KEY-----\n",
        "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY",
        "-----BEGIN PUBLIC KEY-----\nMAA=\n-----END PUBLIC KEY-----\n", /* not SPKI */
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        ld_error err = LD_ERROR_INIT;
        ld_key *k = ld_key_load_public("pub", cases[i], strlen(cases[i]), &err);
        if (k || err.code != LD_ERR_CORRUPT)
            fail_msg("case %zu: %s (%d)", i, err.msg, err.code);
    }
    /* legacy PEM encryption headers are named as such */
    static const char legacy[] = "-----BEGIN EC PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\n"
                                 "DEK-Info: AES-128-CBC,00\n\nAAAA\n-----END EC PRIVATE KEY-----\n";
    ld_error err = LD_ERROR_INIT;
    assert_null(ld_key_load_private("k", legacy, strlen(legacy), "x", &err));
    assert_int_equal(err.code, LD_ERR_UNSUPPORTED);
    assert_non_null(strstr(err.msg, "PKCS#8"));
    /* a sigstore PEM whose body is not JSON, or not base64 */
    char *notjson = sigstore_pem_of("this is not json");
    assert_int_equal(load_code(notjson, &err), LD_ERR_CORRUPT);
    free(notjson);
    static const char bad64[] = "-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----\n@@@@\n"
                                "-----END ENCRYPTED SIGSTORE PRIVATE KEY-----\n";
    assert_int_equal(load_code(bad64, &err), LD_ERR_CORRUPT);
    /* text before the block is skipped, as OpenSSL and Go do */
    char *pub = ld_key_public_pem(gen_key, &err);
    char *prefixed = ld_xasprintf("comment line\n%s", pub);
    ld_key *k = ld_key_load_public("pub", prefixed, strlen(prefixed), &err);
    assert_non_null(k);
    ld_key_free(k);
    free(prefixed);
    /* CRLF line ends */
    ld_strlist l = {0};
    for (char *p = pub; *p; p++) {
        char s[3] = {*p, 0, 0};
        if (*p == '\n') {
            s[0] = '\r';
            s[1] = '\n';
        }
        ld_strlist_push(&l, s);
    }
    char *crlf = ld_strlist_join(&l, "");
    ld_strlist_clear(&l);
    k = ld_key_load_public("pub", crlf, strlen(crlf), &err);
    assert_non_null(k);
    ld_key_free(k);
    free(crlf);
    free(pub);
}

/* ---- PKCS#8 ---- */

static void test_pkcs8_encrypted_round_trip(void **state)
{
    (void)state;
    ld_error err = LD_ERROR_INIT;
    char *pem = ld_key_private_pkcs8_pem(gen_key, PASSWORD, &err);
    assert_non_null(pem);
    assert_int_equal(ld_key_pem_classify(pem, strlen(pem)), LD_KEY_PEM_PKCS8_ENCRYPTED);
    ld_key *k = ld_key_load_private("p8", pem, strlen(pem), PASSWORD, &err);
    assert_non_null(k);
    assert_string_equal(ld_key_fingerprint(k), ld_key_fingerprint(gen_key));
    ld_key_free(k);
    assert_null(ld_key_load_private("p8.key", pem, strlen(pem), "wrong", &err));
    assert_int_equal(err.code, LD_ERR_INVALID);
    assert_string_equal(err.msg, "wrong password for p8.key");
    /* OpenSSL's own reader opens what lockdown wrote: the format is standard */
    BIO *bio = BIO_new_mem_buf(pem, (int)strlen(pem));
    EVP_PKEY *pk = PEM_read_bio_PrivateKey(bio, NULL, NULL, (void *)PASSWORD);
    assert_non_null(pk);
    EVP_PKEY_free(pk);
    BIO_free(bio);
    /* the public half of an encrypted key cannot be read without it */
    assert_null(ld_key_load_public("p8", pem, strlen(pem), &err));
    assert_int_equal(err.code, LD_ERR_INVALID);
    free(pem);
}

/* An EncryptedPrivateKeyInfo with these PBES2 parameters around 16 junk
 * bytes, as PEM (caller frees). PKCS5_pbe2_set_iv_ex only writes the
 * parameters: no PBKDF2 runs here. */
static char *pbes2_junk_pem(int cipher_nid, int iter)
{
    X509_ALGOR *pbe =
        PKCS5_pbe2_set_iv_ex(EVP_aes_256_cbc(), iter, NULL, 0, NULL, NID_hmacWithSHA256, NULL);
    assert_non_null(pbe);
    if (cipher_nid != NID_undef) { /* name another cipher in the parameters */
        PBE2PARAM *p2 = ASN1_TYPE_unpack_sequence(ASN1_ITEM_rptr(PBE2PARAM), pbe->parameter);
        assert_non_null(p2);
        assert_int_equal(X509_ALGOR_set0(p2->encryption, OBJ_nid2obj(cipher_nid), 0, NULL), 1);
        assert_non_null(ASN1_TYPE_pack_sequence(ASN1_ITEM_rptr(PBE2PARAM), p2, &pbe->parameter));
        PBE2PARAM_free(p2);
    }
    unsigned char *alg_der = NULL;
    int alen = i2d_X509_ALGOR(pbe, &alg_der);
    assert_true(alen > 0 && alen + 18 < 128);
    /* SEQUENCE { algorithm, OCTET STRING (16 bytes) } */
    size_t total = 2 + (size_t)alen + 18;
    uint8_t *der = ld_xmalloc(total);
    der[0] = 0x30;
    der[1] = (uint8_t)(alen + 18);
    memcpy(der + 2, alg_der, (size_t)alen);
    der[2 + alen] = 0x04;
    der[3 + alen] = 16;
    memcpy(der + 4 + alen, "0123456789abcdef", 16);
    char *pem = ld_pem_encode("ENCRYPTED PRIVATE KEY", der, total);
    free(der);
    OPENSSL_free(alg_der);
    X509_ALGOR_free(pbe);
    return pem;
}

/* Claiming 20 million PBKDF2 iterations: refused before any is run; a sane
 * count gets as far as the (wrong) password; a cipher this OpenSSL does
 * not offer is named, not taken for a wrong password. */
static void test_pkcs8_hostile_parameters(void **state)
{
    (void)state;
    ld_error err = LD_ERROR_INIT;
    char *pem = pbes2_junk_pem(NID_undef, 20000000);
    double t0 = now_s();
    assert_null(ld_key_load_private("k", pem, strlen(pem), "pw", &err));
    assert_true(now_s() - t0 < 0.05);
    if (err.code != LD_ERR_LIMIT)
        fail_msg("%d: %s", err.code, err.msg);
    free(pem);

    pem = pbes2_junk_pem(NID_undef, 1000);
    assert_null(ld_key_load_private("k", pem, strlen(pem), "pw", &err));
    assert_int_equal(err.code, LD_ERR_INVALID);
    free(pem);

    /* DES lives in OpenSSL 3's legacy provider, which lockdown does not load */
    pem = pbes2_junk_pem(NID_des_cbc, 1000);
    assert_null(ld_key_load_private("k", pem, strlen(pem), "pw", &err));
    if (err.code != LD_ERR_UNSUPPORTED || !strstr(err.msg, "DES-CBC"))
        fail_msg("%d: %s", err.code, err.msg);
    free(pem);
}

/* A key made by OpenSSL in the test, as PKCS#8 PEM text (unencrypted). */
static char *pkcs8_pem_of(EVP_PKEY *pk)
{
    BIO *bio = BIO_new(BIO_s_mem());
    assert_int_equal(PEM_write_bio_PKCS8PrivateKey(bio, pk, NULL, NULL, 0, NULL, NULL), 1);
    char *data = NULL;
    long n = BIO_get_mem_data(bio, &data);
    char *out = ld_xstrndup(data, (size_t)n);
    BIO_free(bio);
    return out;
}

static char *spki_pem_of(EVP_PKEY *pk)
{
    BIO *bio = BIO_new(BIO_s_mem());
    assert_int_equal(PEM_write_bio_PUBKEY(bio, pk), 1);
    char *data = NULL;
    long n = BIO_get_mem_data(bio, &data);
    char *out = ld_xstrndup(data, (size_t)n);
    BIO_free(bio);
    return out;
}

static void test_pkcs8_plain_and_public_half(void **state)
{
    (void)state;
    EVP_PKEY *pk = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
    char *pem = pkcs8_pem_of(pk);
    ld_error err = LD_ERROR_INIT;
    ld_key *priv = ld_key_load_private("p", pem, strlen(pem), NULL, &err);
    assert_non_null(priv);
    ld_key *pub = ld_key_load_public("p", pem, strlen(pem), &err);
    assert_non_null(pub);
    assert_false(ld_key_has_private(pub));
    assert_string_equal(ld_key_fingerprint(pub), ld_key_fingerprint(priv));
    uint8_t *sig = NULL;
    size_t n = 0;
    assert_int_equal(ld_key_sign(pub, "m", 1, &sig, &n, &err), LD_ERR_INVALID);
    ld_key_free(pub);
    ld_key_free(priv);
    free(pem);
    EVP_PKEY_free(pk);
}

/* ---- public keys, signing, verifying ---- */

static void test_fingerprint_is_sha256_of_spki(void **state)
{
    (void)state;
    ld_error err = LD_ERROR_INIT;
    char *pem = ld_key_public_pem(gen_key, &err);
    assert_non_null(strstr(pem, "-----BEGIN PUBLIC KEY-----"));
    /* computed here apart from the library: DER of the PEM body, SHA-256 */
    ld_pem_block b;
    assert_int_equal(ld_pem_decode("p", pem, strlen(pem), &b, &err), 0);
    unsigned char md[32];
    unsigned int mdlen = 0;
    assert_int_equal(EVP_Digest(b.der, b.der_len, md, &mdlen, EVP_sha256(), NULL), 1);
    char expect[72] = "sha256:";
    for (size_t i = 0; i < 32; i++)
        snprintf(expect + 7 + 2 * i, 3, "%02x", md[i]);
    assert_string_equal(ld_key_fingerprint(gen_key), expect);
    ld_key *pub = ld_key_load_public("p", pem, strlen(pem), &err);
    assert_string_equal(ld_key_fingerprint(pub), expect);
    ld_key_free(pub);
    ld_pem_block_clear(&b);
    free(pem);
}

static void test_sign_verify(void **state)
{
    (void)state;
    ld_error err = LD_ERROR_INIT;
    char *pem = ld_key_public_pem(gen_key, &err);
    ld_key *pub = ld_key_load_public("pub", pem, strlen(pem), &err);
    free(pem);
    assert_non_null(pub);
    char msg[] = "{\"critical\":{}}";
    uint8_t *sig = NULL;
    size_t n = 0;
    assert_int_equal(ld_key_sign(gen_key, msg, strlen(msg), &sig, &n, &err), 0);
    assert_true(sig[0] == 0x30); /* DER */
    assert_int_equal(ld_key_verify(pub, msg, strlen(msg), sig, n, &err), 0);
    msg[0] = '[';
    assert_int_equal(ld_key_verify(pub, msg, strlen(msg), sig, n, &err), LD_ERR_CORRUPT);
    assert_non_null(strstr(err.msg, ld_key_fingerprint(pub)));
    msg[0] = '{';
    sig[n - 1] ^= 1;
    assert_int_equal(ld_key_verify(pub, msg, strlen(msg), sig, n, &err), LD_ERR_CORRUPT);
    sig[n - 1] ^= 1;
    assert_int_equal(ld_key_verify(pub, msg, strlen(msg), sig, n - 1, &err), LD_ERR_CORRUPT);
    assert_int_equal(ld_key_verify(pub, msg, strlen(msg), sig, 0, &err), LD_ERR_CORRUPT);
    /* another key */
    ld_key *other = ld_key_generate(&err);
    assert_int_equal(ld_key_verify(other, msg, strlen(msg), sig, n, &err), LD_ERR_CORRUPT);
    ld_key_free(other);
    free(sig);
    ld_key_free(pub);
}

/* Signs msg with pk the way the test says (md, RSA padding) in OpenSSL. */
static uint8_t *openssl_sign(EVP_PKEY *pk, const char *md, int padding, const char *msg, size_t *n)
{
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    EVP_PKEY_CTX *pctx = NULL;
    assert_int_equal(EVP_DigestSignInit_ex(ctx, &pctx, md, NULL, NULL, pk, NULL), 1);
    if (padding)
        assert_int_equal(EVP_PKEY_CTX_set_rsa_padding(pctx, padding), 1);
    assert_int_equal(EVP_DigestSign(ctx, NULL, n, (const uint8_t *)msg, strlen(msg)), 1);
    uint8_t *sig = ld_xmalloc(*n);
    assert_int_equal(EVP_DigestSign(ctx, sig, n, (const uint8_t *)msg, strlen(msg)), 1);
    EVP_MD_CTX_free(ctx);
    return sig;
}

static void verify_case(EVP_PKEY *pk, const char *md, int padding, const char *alg)
{
    char *pem = spki_pem_of(pk);
    ld_error err = LD_ERROR_INIT;
    ld_key *pub = ld_key_load_public("pub", pem, strlen(pem), &err);
    if (!pub)
        fail_msg("%s: %s", alg, err.msg);
    assert_string_equal(ld_key_algorithm(pub), alg);
    const char *msg = "signed payload";
    size_t n = 0;
    uint8_t *sig = openssl_sign(pk, md, padding, msg, &n);
    if (ld_key_verify(pub, msg, strlen(msg), sig, n, &err) != 0)
        fail_msg("%s with %s: %s", alg, md ? md : "-", err.msg);
    assert_int_equal(ld_key_verify(pub, "signed payloaD", 14, sig, n, &err), LD_ERR_CORRUPT);
    sig[n / 2] ^= 0x10;
    assert_int_equal(ld_key_verify(pub, msg, strlen(msg), sig, n, &err), LD_ERR_CORRUPT);
    free(sig);
    ld_key_free(pub);
    free(pem);
}

static void test_verify_other_key_types(void **state)
{
    (void)state;
    EVP_PKEY *rsa = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048);
    verify_case(rsa, "SHA256", RSA_PKCS1_PADDING, "rsa-pkcs1-sha256");
    verify_case(rsa, "SHA256", RSA_PKCS1_PSS_PADDING, "rsa-pkcs1-sha256");
    /* an RSA private key signs too (PKCS#1 v1.5, SHA-256) */
    char *pem = pkcs8_pem_of(rsa);
    ld_error err = LD_ERROR_INIT;
    ld_key *k = ld_key_load_private("rsa", pem, strlen(pem), NULL, &err);
    uint8_t *sig = NULL;
    size_t n = 0;
    assert_int_equal(ld_key_sign(k, "x", 1, &sig, &n, &err), 0);
    assert_int_equal(ld_key_verify(k, "x", 1, sig, n, &err), 0);
    free(sig);
    ld_key_free(k);
    free(pem);
    EVP_PKEY_free(rsa);

    EVP_PKEY *ed = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
    verify_case(ed, NULL, 0, "ed25519");
    EVP_PKEY_free(ed);

    EVP_PKEY *p384 = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-384");
    verify_case(p384, "SHA384", 0, "ecdsa-p384-sha384");
    verify_case(p384, "SHA256", 0, "ecdsa-p384-sha384"); /* cosign and containers/image */
    EVP_PKEY_free(p384);
}

static void test_refused_key_types(void **state)
{
    (void)state;
    EVP_PKEY *small = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)1024);
    EVP_PKEY *p521 = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-521");
    EVP_PKEY *x25519 = EVP_PKEY_Q_keygen(NULL, NULL, "X25519");
    EVP_PKEY *keys[] = {small, p521, x25519};
    for (size_t i = 0; i < 3; i++) {
        char *pem = spki_pem_of(keys[i]);
        ld_error err = LD_ERROR_INIT;
        assert_null(ld_key_load_public("pub", pem, strlen(pem), &err));
        assert_int_equal(err.code, LD_ERR_UNSUPPORTED);
        free(pem);
        EVP_PKEY_free(keys[i]);
    }
}

static void test_errors_never_show_secrets(void **state)
{
    (void)state;
    /* every way a load of the generated key can fail keeps the password
     * and the key bytes out of the message */
    char *body = pem_body_text(gen_sigstore);
    const char *needle_ct = strstr(body, "\"ciphertext\":\"") + 14;
    char ct_prefix[17];
    snprintf(ct_prefix, sizeof(ct_prefix), "%s", needle_ct);
    const char *passwords[] = {PASSWORD, "Zq9-not-it", ""};
    for (size_t i = 0; i < 3; i++) {
        ld_error err = LD_ERROR_INIT;
        ld_key *k =
            ld_key_load_private("f", gen_sigstore, strlen(gen_sigstore), passwords[i], &err);
        ld_key_free(k);
        if (passwords[i][0])
            assert_null(strstr(err.msg, passwords[i]));
        assert_null(strstr(err.msg, ct_prefix));
    }
    free(body);
}

/* ---- files ---- */

static void test_write_pair(void **state)
{
    (void)state;
    char dir[] = "/tmp/ld-keys-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char *prefix = ld_xasprintf("%s/k", dir);
    char *kp = NULL, *pp = NULL;
    ld_error err = LD_ERROR_INIT;
    mode_t old = umask(0);
    assert_int_equal(ld_key_write_pair(prefix, "PRIV\n", "PUB\n", false, &kp, &pp, &err), 0);
    umask(old);
    struct stat st;
    assert_int_equal(stat(kp, &st), 0);
    assert_int_equal(st.st_mode & 07777, 0600);
    assert_int_equal(stat(pp, &st), 0);
    assert_int_equal(st.st_mode & 07777, 0644);
    /* no overwrite without force, both paths checked before writing */
    assert_int_equal(ld_key_write_pair(prefix, "X", "Y", false, NULL, NULL, &err), LD_ERR_INVALID);
    assert_non_null(strstr(err.msg, "exists"));
    char buf[16] = "";
    FILE *f = fopen(kp, "r");
    assert_non_null(fgets(buf, sizeof(buf), f));
    fclose(f);
    assert_string_equal(buf, "PRIV\n");
    /* force replaces regular files */
    assert_int_equal(ld_key_write_pair(prefix, "NEW\n", "NEWPUB\n", true, NULL, NULL, &err), 0);
    f = fopen(kp, "r");
    assert_non_null(fgets(buf, sizeof(buf), f));
    fclose(f);
    assert_string_equal(buf, "NEW\n");
    assert_int_equal(stat(kp, &st), 0);
    assert_int_equal(st.st_mode & 07777, 0600);
    /* a symbolic link is never written through, with or without force */
    char *target = ld_xasprintf("%s/target", dir);
    char *lprefix = ld_xasprintf("%s/l", dir);
    char *lkey = ld_xasprintf("%s/l.key", dir);
    assert_int_equal(symlink(target, lkey), 0);
    assert_int_equal(ld_key_write_pair(lprefix, "S", "P", false, NULL, NULL, &err), LD_ERR_INVALID);
    assert_non_null(strstr(err.msg, "symbolic link"));
    assert_int_equal(ld_key_write_pair(lprefix, "S", "P", true, NULL, NULL, &err), LD_ERR_INVALID);
    assert_int_equal(lstat(target, &st), -1); /* nothing created through it */
    char *lpub = ld_xasprintf("%s/l.pub", dir);
    assert_int_equal(lstat(lpub, &st), -1); /* neither file written */
    unlink(lkey);
    unlink(kp);
    unlink(pp);
    rmdir(dir);
    free(kp);
    free(pp);
    free(prefix);
    free(target);
    free(lprefix);
    free(lkey);
    free(lpub);
}

static void test_classify(void **state)
{
    (void)state;
    assert_int_equal(ld_key_pem_classify(gen_sigstore, strlen(gen_sigstore)), LD_KEY_PEM_SIGSTORE);
    assert_int_equal(ld_key_pem_classify("x", 1), LD_KEY_PEM_NONE);
    static const char cert[] = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n";
    assert_int_equal(ld_key_pem_classify(cert, strlen(cert)), LD_KEY_PEM_OTHER);
}

/* ---- FIPS mode and the algorithm record ---- */

static void test_fips_refused_without_provider(void **state)
{
    (void)state;
    const char *dir = getenv("OPENSSL_MODULES");
    if (!dir || !dir[0])
        dir = OPENSSL_info(OPENSSL_INFO_MODULES_DIR);
    char *module = ld_xasprintf("%s/fips.so", dir);
    struct stat st;
    bool present = stat(module, &st) == 0;
    free(module);
    if (present) {
        LD_SKIP_OPTIONAL("a FIPS provider is installed in %s: the refusal cannot be shown here",
                         dir);
        return;
    }
    ld_error err = LD_ERROR_INIT;
    assert_int_equal(ld_crypto_fips_enable(&err), LD_ERR_UNSUPPORTED);
    assert_non_null(strstr(err.msg, "FIPS mode: no FIPS provider (fips.so) in "));
    assert_non_null(strstr(err.msg, dir));
    assert_null(strchr(err.msg, '\n'));
    assert_false(ld_crypto_fips());
    /* the process still works as before */
    ld_key *k = ld_key_generate(&err);
    assert_non_null(k);
    ld_key_free(k);
}

static void *note_many(void *arg)
{
    const char *name = arg;
    for (int i = 0; i < 1000; i++) {
        ld_crypto_note(name);
        ld_crypto_note("shared-algorithm");
    }
    return NULL;
}

static void test_crypto_used(void **state)
{
    (void)state;
    pthread_t t[4];
    const char *names[] = {"alg-a", "alg-b", "alg-c", "alg-d"};
    for (int i = 0; i < 4; i++)
        pthread_create(&t[i], NULL, note_many, (void *)names[i]);
    for (int i = 0; i < 4; i++)
        pthread_join(t[i], NULL);
    ld_strlist used = {0};
    ld_crypto_used(&used);
    size_t shared = 0;
    for (size_t i = 0; i < used.n; i++)
        shared += strcmp(used.v[i], "shared-algorithm") == 0;
    assert_int_equal(shared, 1);
    for (int i = 0; i < 4; i++)
        assert_true(ld_strlist_contains(&used, names[i]));
    /* what the earlier tests used is there too */
    assert_true(ld_strlist_contains(&used, "ecdsa-p256-sha256"));
    assert_true(ld_strlist_contains(&used, "scrypt+nacl-secretbox"));
    ld_strlist_clear(&used);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sigstore_round_trip),
        cmocka_unit_test(test_sigstore_wrong_password),
        cmocka_unit_test(test_sigstore_known_answer),
        cmocka_unit_test(test_sigstore_tampered),
        cmocka_unit_test(test_sigstore_hostile_params),
        cmocka_unit_test(test_sigstore_malformed),
        cmocka_unit_test(test_pem_malformed),
        cmocka_unit_test(test_pkcs8_encrypted_round_trip),
        cmocka_unit_test(test_pkcs8_hostile_parameters),
        cmocka_unit_test(test_pkcs8_plain_and_public_half),
        cmocka_unit_test(test_fingerprint_is_sha256_of_spki),
        cmocka_unit_test(test_sign_verify),
        cmocka_unit_test(test_verify_other_key_types),
        cmocka_unit_test(test_refused_key_types),
        cmocka_unit_test(test_errors_never_show_secrets),
        cmocka_unit_test(test_write_pair),
        cmocka_unit_test(test_classify),
        cmocka_unit_test(test_fips_refused_without_provider),
        cmocka_unit_test(test_crypto_used),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
