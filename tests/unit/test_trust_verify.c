/* Unit tests for the decisions of image signature verification
 * (trust/verify_decide.c, trust/verify_policy.c) and the parsers of where
 * Sigstore bundles are found (trust/referrers.c), with signatures made
 * here by freshly generated keys: a signature counts only when it
 * verifies with a trusted key, names the image's digest and an accepted
 * identity; containers-policy.json requirements all hold or the image is
 * refused; insecureAcceptAnything is "accepted", never "verified"; the
 * Sigstore bundle path (which distribution 2.8, the registry of the e2e
 * test, cannot serve: it has no referrers API) is exercised with bundles
 * built here. Also the trusted-keys of lockdown's own policy. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <openssl/evp.h>

#include "core/policy.h"
#include "trust/cosign.h"
#include "trust/verify_internal.h"
#include "util/mem.h"

#define IMG "127.0.0.1:5000/team/app"
#define REF IMG ":1"

static const char DIGEST[] =
    "sha256:1111111111111111111111111111111111111111111111111111111111111111";
static const char OTHER_DIGEST[] =
    "sha256:2222222222222222222222222222222222222222222222222222222222222222";

static ld_key *signer, *other_signer; /* private */
static ld_key *signer_pub, *other_pub;
static char tmpdir[64];
static char *signer_pub_path;

static ld_key *public_of(const ld_key *k)
{
    ld_error err = LD_ERROR_INIT;
    char *pem = ld_key_public_pem(k, &err);
    assert_non_null(pem);
    ld_key *pub = ld_key_load_public("test.pub", pem, strlen(pem), &err);
    assert_non_null(pub);
    free(pem);
    return pub;
}

static int setup(void **state)
{
    (void)state;
    ld_error err = LD_ERROR_INIT;
    signer = ld_key_generate(&err);
    other_signer = ld_key_generate(&err);
    if (!signer || !other_signer)
        return -1;
    signer_pub = public_of(signer);
    other_pub = public_of(other_signer);
    snprintf(tmpdir, sizeof(tmpdir), "/tmp/ld-trust-verify.XXXXXX");
    if (!mkdtemp(tmpdir))
        return -1;
    signer_pub_path = ld_xasprintf("%s/signer.pub", tmpdir);
    char *pem = ld_key_public_pem(signer, &err);
    FILE *f = fopen(signer_pub_path, "w");
    if (!f || !pem)
        return -1;
    fputs(pem, f);
    fclose(f);
    free(pem);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    ld_key_free(signer);
    ld_key_free(other_signer);
    ld_key_free(signer_pub);
    ld_key_free(other_pub);
    unlink(signer_pub_path);
    free(signer_pub_path);
    rmdir(tmpdir);
    return 0;
}

/* A simple-signing signature of (identity, digest) by key, as a layer of
 * the cosign signature image would give it. */
static void add_simple(ld_vsigs *l, const ld_key *key, const char *identity, const char *digest)
{
    size_t len = 0;
    char *payload = ld_cosign_payload_build(identity, digest, NULL, 0, &len);
    assert_non_null(payload);
    ld_vsig *s = ld_vsigs_add(l, LD_VSIG_SIMPLE, "sha256-1111.sig layer");
    ld_error err = LD_ERROR_INIT;
    assert_int_equal(ld_key_sign(key, payload, len, &s->signature, &s->signature_len, &err), 0);
    s->payload = (uint8_t *)payload;
    s->payload_len = len;
}

static ld_vcheck key_check(ld_key **keys, size_t n)
{
    return (ld_vcheck){.image_ref = REF, .image_digest = DIGEST, .keys = keys, .n_keys = n};
}

static ld_sig_result decide(const ld_vcheck *ctx, const ld_vsigs *sigs)
{
    ld_sig_result r = {0};
    ld_verify_decide_keys(ctx, sigs, &r);
    assert_non_null(r.reason);
    return r;
}

/* ---- --key verification ----------------------------------------------------- */

static void test_verified_with_the_signing_key(void **state)
{
    (void)state;
    ld_vsigs sigs = {0};
    add_simple(&sigs, signer, REF, DIGEST);
    ld_key *keys[] = {signer_pub};
    ld_vcheck ctx = key_check(keys, 1);
    ld_sig_result r = decide(&ctx, &sigs);
    assert_int_equal(r.state, LD_SIG_VERIFIED);
    assert_string_equal(r.key, ld_key_fingerprint(signer_pub));
    assert_string_equal(r.signed_identity, REF);
    assert_int_equal(r.n_signatures, 1);
    assert_string_equal(ld_sig_state_name(r.state), "verified");
    ld_sig_result_clear(&r);
    ld_vsigs_clear(&sigs);
}

static void test_another_key_is_invalid(void **state)
{
    (void)state;
    ld_vsigs sigs = {0};
    add_simple(&sigs, other_signer, REF, DIGEST);
    ld_key *keys[] = {signer_pub};
    ld_vcheck ctx = key_check(keys, 1);
    ld_sig_result r = decide(&ctx, &sigs);
    assert_int_equal(r.state, LD_SIG_INVALID);
    assert_null(r.key);
    assert_non_null(strstr(r.reason, "does not verify"));
    assert_non_null(strstr(r.reason, ld_key_fingerprint(signer_pub)));
    ld_sig_result_clear(&r);
    /* the other key verifies it: any one key of several suffices */
    ld_key *both[] = {signer_pub, other_pub};
    ctx = key_check(both, 2);
    r = decide(&ctx, &sigs);
    assert_int_equal(r.state, LD_SIG_VERIFIED);
    assert_string_equal(r.key, ld_key_fingerprint(other_pub));
    ld_sig_result_clear(&r);
    ld_vsigs_clear(&sigs);
}

static void test_signature_for_another_digest_is_invalid(void **state)
{
    (void)state;
    /* an authentic signature copied next to another image (or the tag
     * moved): the digest comparison is what refuses it */
    ld_vsigs sigs = {0};
    add_simple(&sigs, signer, REF, OTHER_DIGEST);
    ld_key *keys[] = {signer_pub};
    ld_vcheck ctx = key_check(keys, 1);
    ld_sig_result r = decide(&ctx, &sigs);
    assert_int_equal(r.state, LD_SIG_INVALID);
    assert_non_null(strstr(r.reason, OTHER_DIGEST));
    assert_non_null(strstr(r.reason, DIGEST));
    ld_sig_result_clear(&r);
    ld_vsigs_clear(&sigs);
}

static void test_altered_payload_or_signature_is_invalid(void **state)
{
    (void)state;
    ld_key *keys[] = {signer_pub};
    ld_vcheck ctx = key_check(keys, 1);
    /* a payload byte changed after signing (the digest it names rewritten) */
    ld_vsigs sigs = {0};
    add_simple(&sigs, signer, REF, OTHER_DIGEST);
    char *p = (char *)sigs.v[0].payload;
    char *d = strstr(p, OTHER_DIGEST);
    assert_non_null(d);
    memcpy(d, DIGEST, strlen(DIGEST));
    ld_sig_result r = decide(&ctx, &sigs);
    assert_int_equal(r.state, LD_SIG_INVALID);
    assert_non_null(strstr(r.reason, "does not verify"));
    ld_sig_result_clear(&r);
    ld_vsigs_clear(&sigs);
    /* a signature byte flipped */
    add_simple(&sigs, signer, REF, DIGEST);
    sigs.v[0].signature[sigs.v[0].signature_len / 2] ^= 0x01;
    r = decide(&ctx, &sigs);
    assert_int_equal(r.state, LD_SIG_INVALID);
    ld_sig_result_clear(&r);
    ld_vsigs_clear(&sigs);
}

static void test_cosign_identity_is_the_repository(void **state)
{
    (void)state;
    ld_key *keys[] = {signer_pub};
    ld_vcheck ctx = key_check(keys, 1);
    struct {
        const char *signed_for;
        ld_sig_state want;
    } cases[] = {
        {IMG ":1", LD_SIG_VERIFIED},
        {IMG ":other-tag", LD_SIG_VERIFIED}, /* cosign signs repositories */
        {IMG, LD_SIG_VERIFIED},
        {IMG "@"
             "sha256:1111111111111111111111111111111111111111111111111111111111111111",
         LD_SIG_VERIFIED},
        {"127.0.0.1:5000/team/other:1", LD_SIG_INVALID},
        {"127.0.0.1:5001/team/app:1", LD_SIG_INVALID},
        {"docker.io/team/app:1", LD_SIG_INVALID},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        ld_vsigs sigs = {0};
        add_simple(&sigs, signer, cases[i].signed_for, DIGEST);
        ld_sig_result r = decide(&ctx, &sigs);
        if (r.state != cases[i].want)
            fail_msg("signed for %s: %s (%s)", cases[i].signed_for, ld_sig_state_name(r.state),
                     r.reason);
        if (r.state == LD_SIG_INVALID)
            assert_non_null(strstr(r.reason, cases[i].signed_for));
        ld_sig_result_clear(&r);
        ld_vsigs_clear(&sigs);
    }
    assert_true(ld_verify_same_repository("busybox", "docker.io/library/busybox:1"));
    assert_false(ld_verify_same_repository("busybox", "docker.io/other/busybox:1"));
    assert_false(ld_verify_same_repository(REF, "not a reference"));
    assert_false(ld_verify_same_repository(REF, NULL));
}

static void test_unsigned_unreadable_keyless(void **state)
{
    (void)state;
    ld_key *keys[] = {signer_pub};
    ld_vcheck ctx = key_check(keys, 1);
    ld_vsigs sigs = {0};
    ld_sig_result r = decide(&ctx, &sigs);
    assert_int_equal(r.state, LD_SIG_UNSIGNED);
    assert_int_equal(r.n_signatures, 0);
    ld_sig_result_clear(&r);

    /* one bad, one that could not be fetched: it might have verified */
    add_simple(&sigs, other_signer, REF, DIGEST);
    ld_vsig *u = ld_vsigs_add(&sigs, LD_VSIG_SIMPLE, "sha256-1111.sig layer 2");
    u->unreadable = ld_xstrdup("blob sha256:3333: registry 127.0.0.1:5000 unreachable");
    r = decide(&ctx, &sigs);
    assert_int_equal(r.state, LD_SIG_NOT_ASSESSED);
    assert_non_null(strstr(r.reason, "unreachable"));
    ld_sig_result_clear(&r);

    /* ... and one that verifies: verified, whatever the others are */
    add_simple(&sigs, signer, REF, DIGEST);
    r = decide(&ctx, &sigs);
    assert_int_equal(r.state, LD_SIG_VERIFIED);
    assert_non_null(strstr(r.reason, "#3"));
    ld_sig_result_clear(&r);
    ld_vsigs_clear(&sigs);

    /* only keyless signatures: lockdown cannot say */
    add_simple(&sigs, other_signer, REF, DIGEST);
    sigs.v[0].keyless = true;
    r = decide(&ctx, &sigs);
    assert_int_equal(r.state, LD_SIG_NOT_ASSESSED);
    assert_non_null(strstr(r.reason, "keyless"));
    ld_sig_result_clear(&r);
    ld_vsigs_clear(&sigs);

    /* a broken layer is no signature that holds */
    ld_vsig *b = ld_vsigs_add(&sigs, LD_VSIG_SIMPLE, "sha256-1111.sig layer 1");
    b->broken = ld_xstrdup("blob sha256:4444: digest does not match");
    r = decide(&ctx, &sigs);
    assert_int_equal(r.state, LD_SIG_INVALID);
    assert_non_null(strstr(r.reason, "digest does not match"));
    ld_sig_result_clear(&r);
    ld_vsigs_clear(&sigs);
}

static void test_signed_garbage_payload_is_invalid(void **state)
{
    (void)state;
    ld_key *keys[] = {signer_pub};
    ld_vcheck ctx = key_check(keys, 1);
    ld_vsigs sigs = {0};
    ld_vsig *s = ld_vsigs_add(&sigs, LD_VSIG_SIMPLE, "layer");
    const char *garbage = "{\"critical\":{\"type\":\"something else\"}}";
    s->payload = (uint8_t *)ld_xstrdup(garbage);
    s->payload_len = strlen(garbage);
    ld_error err = LD_ERROR_INIT;
    assert_int_equal(
        ld_key_sign(signer, s->payload, s->payload_len, &s->signature, &s->signature_len, &err), 0);
    ld_sig_result r = decide(&ctx, &sigs);
    assert_int_equal(r.state, LD_SIG_INVALID);
    assert_non_null(strstr(r.reason, "not a cosign simple-signing payload"));
    ld_sig_result_clear(&r);
    ld_vsigs_clear(&sigs);
}

/* ---- Sigstore bundles ----------------------------------------------------------- */

static char *b64(const uint8_t *data, size_t len)
{
    char *out = ld_xmalloc(4 * ((len + 2) / 3) + 1);
    EVP_EncodeBlock((unsigned char *)out, data, (int)len);
    return out;
}

static void sha256(const void *data, size_t len, uint8_t md[32])
{
    unsigned int n = 0;
    assert_int_equal(EVP_Digest(data, len, md, &n, EVP_sha256(), NULL), 1);
}

static const char manifest_bytes[] =
    "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\"}";

/* The image digest of manifest_bytes. */
static char *manifest_digest(void)
{
    uint8_t md[32];
    sha256(manifest_bytes, strlen(manifest_bytes), md);
    char *s = ld_xmalloc(7 + 65);
    memcpy(s, "sha256:", 7);
    for (int i = 0; i < 32; i++)
        snprintf(s + 7 + 2 * i, 3, "%02x", md[i]);
    return s;
}

/* A v0.3 message-signature bundle: key signs msg, the bundle names digest
 * md_of (sha256 of what it claims to sign). */
static void add_message_bundle(ld_vsigs *l, const ld_key *key, const void *msg, size_t len,
                               const void *claimed, size_t claimed_len)
{
    uint8_t md[32];
    sha256(claimed, claimed_len, md);
    uint8_t *sig = NULL;
    size_t sig_len = 0;
    ld_error err = LD_ERROR_INIT;
    assert_int_equal(ld_key_sign(key, msg, len, &sig, &sig_len, &err), 0);
    char *md64 = b64(md, 32), *sig64 = b64(sig, sig_len);
    char *json = ld_xasprintf(
        "{\"mediaType\":\"application/vnd.dev.sigstore.bundle.v0.3+json\","
        "\"verificationMaterial\":{\"publicKey\":{\"hint\":\"test\"}},"
        "\"messageSignature\":{\"messageDigest\":{\"algorithm\":\"SHA2_256\",\"digest\":\"%s\"},"
        "\"signature\":\"%s\"}}",
        md64, sig64);
    ld_vsig *s = ld_vsigs_add(l, LD_VSIG_BUNDLE, "bundle sha256:5555");
    s->payload = (uint8_t *)json;
    s->payload_len = strlen(json);
    free(md64);
    free(sig64);
    free(sig);
}

/* A v0.3 DSSE bundle around an in-toto statement of predicate for subject
 * hex, signed by key. */
static void add_dsse_bundle(ld_vsigs *l, const ld_key *key, const char *predicate,
                            const char *subject_hex)
{
    char *statement =
        ld_xasprintf("{\"_type\":\"https://in-toto.io/Statement/v1\","
                     "\"subject\":[{\"name\":\"" IMG "\",\"digest\":{\"sha256\":\"%s\"}}],"
                     "\"predicateType\":\"%s\",\"predicate\":{}}",
                     subject_hex, predicate);
    size_t pae_len = 0;
    uint8_t *pae = ld_dsse_pae(LD_INTOTO_PAYLOAD_TYPE, (const uint8_t *)statement,
                               strlen(statement), &pae_len);
    assert_non_null(pae);
    uint8_t *sig = NULL;
    size_t sig_len = 0;
    ld_error err = LD_ERROR_INIT;
    assert_int_equal(ld_key_sign(key, pae, pae_len, &sig, &sig_len, &err), 0);
    char *p64 = b64((const uint8_t *)statement, strlen(statement)), *sig64 = b64(sig, sig_len);
    char *json = ld_xasprintf(
        "{\"mediaType\":\"application/vnd.dev.sigstore.bundle.v0.3+json\","
        "\"verificationMaterial\":{\"publicKey\":{\"hint\":\"test\"}},"
        "\"dsseEnvelope\":{\"payload\":\"%s\",\"payloadType\":\"" LD_INTOTO_PAYLOAD_TYPE "\","
        "\"signatures\":[{\"sig\":\"%s\"}]}}",
        p64, sig64);
    ld_vsig *s = ld_vsigs_add(l, LD_VSIG_BUNDLE, "bundle sha256:6666");
    s->payload = (uint8_t *)json;
    s->payload_len = strlen(json);
    free(statement);
    free(pae);
    free(sig);
    free(p64);
    free(sig64);
}

static void test_message_signature_bundle(void **state)
{
    (void)state;
    char *digest = manifest_digest();
    ld_key *keys[] = {signer_pub};
    ld_vcheck ctx = {.image_ref = REF,
                     .image_digest = digest,
                     .manifest = (const uint8_t *)manifest_bytes,
                     .manifest_len = strlen(manifest_bytes),
                     .keys = keys,
                     .n_keys = 1};
    size_t mlen = strlen(manifest_bytes);
    ld_vsigs sigs = {0};
    add_message_bundle(&sigs, signer, manifest_bytes, mlen, manifest_bytes, mlen);
    ld_sig_result r = decide(&ctx, &sigs);
    assert_int_equal(r.state, LD_SIG_VERIFIED);
    assert_string_equal(r.key, ld_key_fingerprint(signer_pub));
    assert_null(r.signed_identity);
    ld_sig_result_clear(&r);

    /* the wrong key */
    ld_key *wrong[] = {other_pub};
    ld_vcheck w = ctx;
    w.keys = wrong;
    r = decide(&w, &sigs);
    assert_int_equal(r.state, LD_SIG_INVALID);
    ld_sig_result_clear(&r);

    /* the manifest it signed is not the image's (another digest) */
    w = ctx;
    w.image_digest = OTHER_DIGEST;
    r = decide(&w, &sigs);
    assert_int_equal(r.state, LD_SIG_INVALID);
    assert_non_null(strstr(r.reason, "message signature over"));
    ld_sig_result_clear(&r);

    /* the manifest could not be read: not assessed, never verified */
    w = ctx;
    w.manifest = NULL;
    r = decide(&w, &sigs);
    assert_int_equal(r.state, LD_SIG_NOT_ASSESSED);
    ld_sig_result_clear(&r);
    ld_vsigs_clear(&sigs);

    /* a bundle that claims the image's digest but signs other bytes */
    const char *other = "{\"schemaVersion\":2}";
    add_message_bundle(&sigs, signer, other, strlen(other), manifest_bytes, mlen);
    r = decide(&ctx, &sigs);
    assert_int_equal(r.state, LD_SIG_INVALID);
    ld_sig_result_clear(&r);
    ld_vsigs_clear(&sigs);

    /* policy identity rules cannot accept a bundle (it names no reference) */
    ld_cpol_identity id = {.type = LD_CPOL_ID_MATCH_REPOSITORY};
    add_message_bundle(&sigs, signer, manifest_bytes, mlen, manifest_bytes, mlen);
    w = ctx;
    w.identity = &id;
    r = decide(&w, &sigs);
    assert_int_equal(r.state, LD_SIG_INVALID);
    ld_sig_result_clear(&r);
    ld_vsigs_clear(&sigs);
    free(digest);
}

static void test_dsse_bundle(void **state)
{
    (void)state;
    ld_key *keys[] = {signer_pub};
    ld_vcheck ctx = key_check(keys, 1);
    ld_vsigs sigs = {0};
    add_dsse_bundle(&sigs, signer, LD_COSIGN_SIGN_PREDICATE, DIGEST + 7);
    ld_sig_result r = decide(&ctx, &sigs);
    assert_int_equal(r.state, LD_SIG_VERIFIED);
    ld_sig_result_clear(&r);
    ld_vsigs_clear(&sigs);

    /* a statement about another image */
    add_dsse_bundle(&sigs, signer, LD_COSIGN_SIGN_PREDICATE, OTHER_DIGEST + 7);
    r = decide(&ctx, &sigs);
    assert_int_equal(r.state, LD_SIG_INVALID);
    assert_non_null(strstr(r.reason, "subjects"));
    ld_sig_result_clear(&r);
    ld_vsigs_clear(&sigs);

    /* signed by another key */
    add_dsse_bundle(&sigs, other_signer, LD_COSIGN_SIGN_PREDICATE, DIGEST + 7);
    r = decide(&ctx, &sigs);
    assert_int_equal(r.state, LD_SIG_INVALID);
    ld_sig_result_clear(&r);
    ld_vsigs_clear(&sigs);

    /* an attestation is no signature: alone, the image is unsigned */
    add_dsse_bundle(&sigs, signer, "https://slsa.dev/provenance/v1", DIGEST + 7);
    r = decide(&ctx, &sigs);
    assert_int_equal(r.state, LD_SIG_UNSIGNED);
    assert_non_null(strstr(r.reason, "attestation"));
    ld_sig_result_clear(&r);

    /* a bundle that is not JSON */
    ld_vsig *s = ld_vsigs_add(&sigs, LD_VSIG_BUNDLE, "bundle sha256:7777");
    s->payload = (uint8_t *)ld_xstrdup("not json");
    s->payload_len = 8;
    r = decide(&ctx, &sigs);
    assert_int_equal(r.state, LD_SIG_INVALID);
    assert_non_null(strstr(r.reason, "Sigstore bundle"));
    ld_sig_result_clear(&r);
    ld_vsigs_clear(&sigs);
}

/* ---- containers-policy.json ------------------------------------------------------ */

static ld_sig_result policy_decide(const char *policy_json, const char *image_ref,
                                   const ld_vsigs *sigs, const ld_verify_attachments *att)
{
    ld_cpol p;
    ld_error err = LD_ERROR_INIT;
    if (ld_cpol_parse("policy.json", policy_json, strlen(policy_json), &p, &err) < 0)
        fail_msg("policy does not parse: %s", err.msg);
    size_t n = 0;
    const char *scope = NULL;
    const ld_cpol_requirement *reqs = ld_cpol_requirements(&p, image_ref, &n, &scope);
    ld_vcheck ctx = {.image_ref = image_ref, .image_digest = DIGEST};
    ld_sig_result r = {0};
    static const ld_verify_attachments on = {.use_attachments = true, .source = "test.yaml"};
    ld_verify_decide_policy(&ctx, reqs, n, scope, sigs, true, att ? att : &on, &r);
    assert_non_null(r.reason);
    ld_cpol_clear(&p);
    return r;
}

/* A policy: default reject, scope IMG requiring REQ. */
static char *policy_with(const char *req)
{
    return ld_xasprintf("{\"default\":[{\"type\":\"reject\"}],\"transports\":{\"docker\":{"
                        "\"" IMG "\":[%s]}}}",
                        req);
}

static char *sigstore_req(const char *identity)
{
    return ld_xasprintf("{\"type\":\"sigstoreSigned\",\"keyPath\":\"%s\"%s%s}", signer_pub_path,
                        identity ? ",\"signedIdentity\":" : "", identity ? identity : "");
}

static void test_policy_scope_and_requirements(void **state)
{
    (void)state;
    ld_vsigs sigs = {0};
    add_simple(&sigs, signer, REF, DIGEST);
    char *req = sigstore_req(NULL);
    char *pol = policy_with(req);

    ld_sig_result r = policy_decide(pol, REF, &sigs, NULL);
    assert_int_equal(r.state, LD_SIG_VERIFIED);
    assert_string_equal(r.policy_scope, IMG);
    assert_string_equal(r.key, ld_key_fingerprint(signer_pub));
    assert_string_equal(r.signed_identity, REF);
    ld_sig_result_clear(&r);

    /* another repository falls to the default: reject */
    r = policy_decide(pol, "127.0.0.1:5000/team/other:1", &sigs, NULL);
    assert_int_equal(r.state, LD_SIG_INVALID);
    assert_non_null(strstr(r.reason, "reject"));
    assert_null(r.key);
    ld_sig_result_clear(&r);

    /* signed by a key the requirement does not name */
    ld_vsigs others = {0};
    add_simple(&others, other_signer, REF, DIGEST);
    r = policy_decide(pol, REF, &others, NULL);
    assert_int_equal(r.state, LD_SIG_INVALID);
    ld_sig_result_clear(&r);
    ld_vsigs_clear(&others);

    /* no signature at all */
    ld_vsigs none = {0};
    r = policy_decide(pol, REF, &none, NULL);
    assert_int_equal(r.state, LD_SIG_UNSIGNED);
    ld_sig_result_clear(&r);

    /* a signature for another digest */
    add_simple(&others, signer, REF, OTHER_DIGEST);
    r = policy_decide(pol, REF, &others, NULL);
    assert_int_equal(r.state, LD_SIG_INVALID);
    assert_non_null(strstr(r.reason, OTHER_DIGEST));
    ld_sig_result_clear(&r);
    ld_vsigs_clear(&others);
    free(pol);
    free(req);
    ld_vsigs_clear(&sigs);
}

static void test_policy_signed_identity(void **state)
{
    (void)state;
    ld_vsigs sigs = {0};
    add_simple(&sigs, signer, IMG ":1", DIGEST);
    struct {
        const char *identity; /* signedIdentity JSON, NULL: the default */
        const char *image;
        ld_sig_state want;
    } cases[] = {
        {NULL, IMG ":1", LD_SIG_VERIFIED},
        {NULL, IMG ":2", LD_SIG_INVALID}, /* matchRepoDigestOrExact: a tag must match */
        {"{\"type\":\"matchExact\"}", IMG ":2", LD_SIG_INVALID},
        {"{\"type\":\"matchRepository\"}", IMG ":2", LD_SIG_VERIFIED},
        {"{\"type\":\"exactReference\",\"dockerReference\":\"" IMG ":1\"}", IMG ":2",
         LD_SIG_VERIFIED},
        {"{\"type\":\"exactReference\",\"dockerReference\":\"" IMG ":3\"}", IMG ":1",
         LD_SIG_INVALID},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char *req = sigstore_req(cases[i].identity);
        char *pol = policy_with(req);
        ld_sig_result r = policy_decide(pol, cases[i].image, &sigs, NULL);
        if (r.state != cases[i].want)
            fail_msg("case %zu (%s for %s): %s: %s", i,
                     cases[i].identity ? cases[i].identity : "default", cases[i].image,
                     ld_sig_state_name(r.state), r.reason);
        ld_sig_result_clear(&r);
        free(pol);
        free(req);
    }
    ld_vsigs_clear(&sigs);
}

static void test_policy_accept_anything_is_not_verified(void **state)
{
    (void)state;
    ld_vsigs sigs = {0};
    char *pol = policy_with("{\"type\":\"insecureAcceptAnything\"}");
    ld_sig_result r = policy_decide(pol, REF, &sigs, NULL);
    assert_int_equal(r.state, LD_SIG_ACCEPTED);
    assert_non_null(strstr(r.reason, "insecureAcceptAnything"));
    assert_null(r.key);
    assert_string_equal(ld_sig_state_name(r.state), "accepted without signature");
    ld_sig_result_clear(&r);
    free(pol);

    /* with a sigstoreSigned beside it, the signature decides */
    add_simple(&sigs, signer, REF, DIGEST);
    char *req = sigstore_req(NULL);
    char *both = ld_xasprintf("{\"type\":\"insecureAcceptAnything\"},%s", req);
    pol = policy_with(both);
    r = policy_decide(pol, REF, &sigs, NULL);
    assert_int_equal(r.state, LD_SIG_VERIFIED);
    ld_sig_result_clear(&r);
    free(pol);
    free(both);

    /* every requirement must hold: reject beside a valid signature */
    both = ld_xasprintf("%s,{\"type\":\"reject\"}", req);
    pol = policy_with(both);
    r = policy_decide(pol, REF, &sigs, NULL);
    assert_int_equal(r.state, LD_SIG_INVALID);
    ld_sig_result_clear(&r);
    free(pol);
    free(both);
    free(req);
    ld_vsigs_clear(&sigs);
}

static void test_policy_what_lockdown_cannot_check(void **state)
{
    (void)state;
    ld_vsigs sigs = {0};
    add_simple(&sigs, signer, REF, DIGEST);
    char *pol = policy_with("{\"type\":\"signedBy\",\"keyType\":\"GPGKeys\","
                            "\"keyPath\":\"/nonexistent/pubring.gpg\"}");
    ld_sig_result r = policy_decide(pol, REF, &sigs, NULL);
    assert_int_equal(r.state, LD_SIG_NOT_ASSESSED);
    assert_non_null(strstr(r.reason, "GPG"));
    ld_sig_result_clear(&r);
    free(pol);

    /* GPG unknown, but a reject beside it settles it */
    pol = policy_with("{\"type\":\"signedBy\",\"keyType\":\"GPGKeys\","
                      "\"keyPath\":\"/nonexistent/pubring.gpg\"},{\"type\":\"reject\"}");
    r = policy_decide(pol, REF, &sigs, NULL);
    assert_int_equal(r.state, LD_SIG_INVALID);
    ld_sig_result_clear(&r);
    free(pol);

    /* a key path that cannot be read */
    pol = policy_with("{\"type\":\"sigstoreSigned\",\"keyPath\":\"/nonexistent/key.pub\"}");
    r = policy_decide(pol, REF, &sigs, NULL);
    assert_int_equal(r.state, LD_SIG_NOT_ASSESSED);
    assert_non_null(strstr(r.reason, "/nonexistent/key.pub"));
    ld_sig_result_clear(&r);
    free(pol);
    ld_vsigs_clear(&sigs);
}

static void test_policy_key_data(void **state)
{
    (void)state;
    ld_error err = LD_ERROR_INIT;
    char *pem = ld_key_public_pem(signer, &err);
    char *data = b64((const uint8_t *)pem, strlen(pem));
    char *req = ld_xasprintf("{\"type\":\"sigstoreSigned\",\"keyData\":\"%s\"}", data);
    char *pol = policy_with(req);
    ld_vsigs sigs = {0};
    add_simple(&sigs, signer, REF, DIGEST);
    ld_sig_result r = policy_decide(pol, REF, &sigs, NULL);
    assert_int_equal(r.state, LD_SIG_VERIFIED);
    ld_sig_result_clear(&r);
    ld_vsigs_clear(&sigs);
    add_simple(&sigs, other_signer, REF, DIGEST);
    r = policy_decide(pol, REF, &sigs, NULL);
    assert_int_equal(r.state, LD_SIG_INVALID);
    ld_sig_result_clear(&r);
    ld_vsigs_clear(&sigs);
    free(pol);
    free(req);
    free(data);
    free(pem);
}

static void test_policy_needs_sigstore_attachments(void **state)
{
    (void)state;
    ld_vsigs sigs = {0};
    add_simple(&sigs, signer, REF, DIGEST);
    char *req = sigstore_req(NULL);
    char *pol = policy_with(req);
    /* registries.d turns them off: containers/image would see no signature */
    ld_verify_attachments off = {.use_attachments = false, .source = "/etc/x/registries.d/a.yaml"};
    ld_sig_result r = policy_decide(pol, REF, &sigs, &off);
    assert_int_equal(r.state, LD_SIG_INVALID);
    assert_non_null(strstr(r.reason, "does not set use-sigstore-attachments: true"));
    assert_non_null(strstr(r.reason, "/etc/x/registries.d/a.yaml"));
    assert_null(r.key);
    ld_sig_result_clear(&r);
    /* nothing configured: off by default */
    ld_verify_attachments unset = {.use_attachments = false};
    r = policy_decide(pol, REF, &sigs, &unset);
    assert_int_equal(r.state, LD_SIG_INVALID);
    assert_non_null(strstr(r.reason, "off by default"));
    ld_sig_result_clear(&r);
    /* registries.d unreadable */
    ld_verify_attachments broken = {.error = "a.yaml: line 2: bad indentation"};
    r = policy_decide(pol, REF, &sigs, &broken);
    assert_int_equal(r.state, LD_SIG_NOT_ASSESSED);
    ld_sig_result_clear(&r);
    free(pol);
    free(req);
    ld_vsigs_clear(&sigs);
}

static void test_policy_reads_no_bundles(void **state)
{
    (void)state;
    /* containers/image reads the cosign tag only: a bundle is not counted */
    ld_vsigs sigs = {0};
    add_dsse_bundle(&sigs, signer, LD_COSIGN_SIGN_PREDICATE, DIGEST + 7);
    char *req = sigstore_req(NULL);
    char *pol = policy_with(req);
    ld_sig_result r = policy_decide(pol, REF, &sigs, NULL);
    assert_int_equal(r.state, LD_SIG_UNSIGNED);
    ld_sig_result_clear(&r);
    free(pol);
    free(req);
    ld_vsigs_clear(&sigs);
}

static void test_policy_short_circuits(void **state)
{
    (void)state;
    ld_cpol_requirement reject = {.type = LD_CPOL_REJECT};
    ld_cpol_requirement accept = {.type = LD_CPOL_ACCEPT_ANYTHING};
    ld_cpol_requirement sig = {.type = LD_CPOL_SIGSTORE_SIGNED};
    ld_cpol_requirement fulcio = {.type = LD_CPOL_SIGSTORE_SIGNED, .fulcio = true};
    assert_true(ld_verify_policy_rejects(&reject, 1));
    assert_false(ld_verify_policy_rejects(&accept, 1));
    assert_true(ld_verify_policy_needs_signatures(&sig, 1));
    assert_false(ld_verify_policy_needs_signatures(&fulcio, 1));
    assert_false(ld_verify_policy_needs_signatures(&accept, 1));
    /* fulcio: not assessed, and never verified */
    ld_vcheck ctx = {.image_ref = REF, .image_digest = DIGEST};
    ld_sig_result r = {0};
    ld_verify_decide_policy(&ctx, &fulcio, 1, IMG, NULL, false, NULL, &r);
    assert_int_equal(r.state, LD_SIG_NOT_ASSESSED);
    assert_non_null(strstr(r.reason, "fulcio"));
    ld_sig_result_clear(&r);
    /* an empty requirement list is nothing to stand on */
    ld_verify_decide_policy(&ctx, NULL, 0, IMG, NULL, false, NULL, &r);
    assert_int_equal(r.state, LD_SIG_NOT_ASSESSED);
    ld_sig_result_clear(&r);
}

/* ---- referrers, bundle manifests, in-toto statements ----------------------------- */

#define H64 "abababababababababababababababababababababababababababababababab"

static void test_referrers_index(void **state)
{
    (void)state;
    const char *index =
        "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\","
        "\"manifests\":[{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
        "\"digest\":\"sha256:" H64 "\",\"size\":779,"
        "\"artifactType\":\"application/vnd.dev.sigstore.bundle.v0.3+json\"},"
        "{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
        "\"digest\":\"sha256:" H64 "\",\"size\":5,\"artifactType\":\"application/spdx+json\"},"
        "{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
        "\"digest\":\"sha256:" H64 "\",\"size\":5}]}";
    ld_referrers r;
    ld_error err = LD_ERROR_INIT;
    assert_int_equal(ld_referrers_parse(index, strlen(index), &r, &err), 0);
    assert_int_equal(r.n, 3);
    assert_true(ld_referrer_is_bundle(&r.v[0]));
    assert_false(ld_referrer_is_bundle(&r.v[1]));
    assert_false(ld_referrer_is_bundle(&r.v[2]));
    assert_null(r.v[2].artifact_type);
    ld_referrers_clear(&r);

    const char *empty = "{\"schemaVersion\":2,\"manifests\":[]}";
    assert_int_equal(ld_referrers_parse(empty, strlen(empty), &r, &err), 0);
    assert_int_equal(r.n, 0);
    ld_referrers_clear(&r);

    const char *hostile[] = {
        "",
        "[]",
        "{\"manifests\":{}}",
        "{\"manifests\":[{\"digest\":\"sha256:abc\"}]}",
        "{\"manifests\":[{\"digest\":\"sha512:" H64 "\"}]}",
        "{\"manifests\":[{\"digest\":\"sha256:" H64 "\",\"artifactType\":7}]}",
        "{\"manifests\":[{\"digest\":\"sha256:" H64 "\",\"mediaType\":\"a\\u0000b\"}]}",
        "{\"manifests\":[1]}",
        "{\"mediaType\":\"application/vnd.docker.distribution.manifest.v2+json\","
        "\"manifests\":[]}",
        "{\"manifests\":[],\"manifests\":[]}",
        "{\"manifests\":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["
        "]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}",
    };
    for (size_t i = 0; i < sizeof(hostile) / sizeof(hostile[0]); i++) {
        ld_error e = LD_ERROR_INIT;
        if (ld_referrers_parse(hostile[i], strlen(hostile[i]), &r, &e) == 0)
            fail_msg("accepted hostile index %zu: %s", i, hostile[i]);
        assert_true(e.msg[0] != '\0');
        assert_int_equal(r.n, 0);
    }
    /* too many descriptors */
    size_t n = LD_COSIGN_MAX_LAYERS * 4 + 1;
    char *big = ld_xmalloc(n * 100 + 64);
    size_t off = (size_t)snprintf(big, 64, "{\"manifests\":[");
    for (size_t i = 0; i < n; i++)
        off += (size_t)snprintf(big + off, 100, "%s{\"digest\":\"sha256:" H64 "\"}", i ? "," : "");
    memcpy(big + off, "]}", 3);
    err = (ld_error)LD_ERROR_INIT;
    assert_int_equal(ld_referrers_parse(big, strlen(big), &r, &err), LD_ERR_LIMIT);
    free(big);
}

static void test_bundle_manifest(void **state)
{
    (void)state;
    const char *m =
        "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
        "\"artifactType\":\"application/vnd.dev.sigstore.bundle.v0.3+json\","
        "\"config\":{\"mediaType\":\"application/vnd.oci.empty.v1+json\","
        "\"digest\":\"sha256:" H64 "\",\"size\":2},"
        "\"layers\":[{\"mediaType\":\"application/vnd.dev.sigstore.bundle.v0.3+json\","
        "\"digest\":\"sha256:cdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcd\","
        "\"size\":4971}],"
        "\"subject\":{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
        "\"digest\":\"sha256:1111111111111111111111111111111111111111111111111111111111111111\","
        "\"size\":10}}";
    char *digest = NULL;
    uint64_t size = 0;
    ld_error err = LD_ERROR_INIT;
    assert_int_equal(ld_referrer_bundle_layer(m, strlen(m), DIGEST, &digest, &size, &err), 0);
    assert_string_equal(digest,
                        "sha256:cdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcd");
    assert_int_equal(size, 4971);
    free(digest);
    /* a manifest about another image is not this image's bundle */
    assert_int_equal(ld_referrer_bundle_layer(m, strlen(m), OTHER_DIGEST, &digest, &size, &err),
                     LD_ERR_CORRUPT);
    assert_null(digest);
    assert_non_null(strstr(err.msg, "subject"));

    const char *hostile[] = {
        "{\"layers\":[]}",
        "{\"layers\":[{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar\","
        "\"digest\":\"sha256:" H64 "\",\"size\":1}]}",
        "{\"layers\":[{\"mediaType\":\"application/vnd.dev.sigstore.bundle.v0.3+json\","
        "\"digest\":\"sha256:" H64 "\",\"size\":-1}]}",
        "{\"layers\":[{\"mediaType\":\"application/vnd.dev.sigstore.bundle.v0.3+json\","
        "\"digest\":\"../../etc/passwd\",\"size\":1}]}",
        "{\"layers\":[{\"mediaType\":\"application/vnd.dev.sigstore.bundle.v0.3+json\","
        "\"digest\":\"sha256:" H64 "\"}]}",
        "{\"layers\":{}}",
        "{\"subject\":\"sha256:" H64 "\",\"layers\":[]}",
        "null",
    };
    for (size_t i = 0; i < sizeof(hostile) / sizeof(hostile[0]); i++) {
        ld_error e = LD_ERROR_INIT;
        if (ld_referrer_bundle_layer(hostile[i], strlen(hostile[i]), NULL, &digest, &size, &e) == 0)
            fail_msg("accepted hostile manifest %zu: %s", i, hostile[i]);
        assert_null(digest);
        assert_true(e.msg[0] != '\0');
    }
}

static void test_intoto_statement(void **state)
{
    (void)state;
    const char *st = "{\"_type\":\"https://in-toto.io/Statement/v1\","
                     "\"subject\":[{\"name\":\"x\",\"digest\":{\"sha512\":\"ff\"}},"
                     "{\"digest\":{\"sha256\":\"1111111111111111111111111111111111111111111111111"
                     "111111111111111\"}}],"
                     "\"predicateType\":\"" LD_COSIGN_SIGN_PREDICATE "\",\"predicate\":{}}";
    ld_intoto s;
    ld_error err = LD_ERROR_INIT;
    assert_int_equal(ld_intoto_parse(st, strlen(st), &s, &err), 0);
    assert_string_equal(s.predicate_type, LD_COSIGN_SIGN_PREDICATE);
    assert_int_equal(s.n_subjects, 1);
    assert_true(ld_intoto_names(&s, DIGEST));
    assert_false(ld_intoto_names(&s, OTHER_DIGEST));
    assert_false(ld_intoto_names(&s, DIGEST + 7));
    ld_intoto_clear(&s);
    const char *hostile[] = {
        "{}",
        "{\"_type\":\"https://example.com/\",\"subject\":[{\"digest\":{}}],"
        "\"predicateType\":\"p\"}",
        "{\"_type\":\"https://in-toto.io/Statement/v1\",\"subject\":[],\"predicateType\":\"p\"}",
        "{\"_type\":\"https://in-toto.io/Statement/v1\",\"subject\":[{}],\"predicateType\":\"p\"}",
        "{\"_type\":\"https://in-toto.io/Statement/v1\",\"subject\":[{\"digest\":{\"sha256\":1}}],"
        "\"predicateType\":\"p\"}",
        "{\"_type\":\"https://in-toto.io/Statement/v1\",\"subject\":[{\"digest\":{}}]}",
        "[1]",
    };
    for (size_t i = 0; i < sizeof(hostile) / sizeof(hostile[0]); i++) {
        ld_error e = LD_ERROR_INIT;
        if (ld_intoto_parse(hostile[i], strlen(hostile[i]), &s, &e) == 0)
            fail_msg("accepted hostile statement %zu: %s", i, hostile[i]);
        assert_null(s.predicate_type);
    }
}

/* ---- lockdown's policy: trusted-keys ------------------------------------------------ */

static void test_policy_trusted_keys(void **state)
{
    (void)state;
    ld_error err = LD_ERROR_INIT;
    char *pem = ld_key_public_pem(other_signer, &err);
    /* the PEM inline, indented as YAML block text */
    ld_strlist lines = {0};
    char *copy = ld_xstrdup(pem), *save = NULL;
    for (char *l = strtok_r(copy, "\n", &save); l; l = strtok_r(NULL, "\n", &save))
        ld_strlist_push_owned(&lines, ld_xasprintf("      %s", l));
    char *block = ld_strlist_join(&lines, "\n");
    ld_strlist_clear(&lines);
    free(copy);
    /* a relative file: path is taken from the policy file's directory */
    char *policy_path = ld_xasprintf("%s/policy.yaml", tmpdir);
    char *yaml = ld_xasprintf("version: 1\n"
                              "trusted-keys:\n"
                              "  - name: release\n"
                              "    key: file:signer.pub\n"
                              "  - name: ci\n"
                              "    key: |\n%s\n",
                              block);
    ld_policy *p = ld_policy_parse(policy_path, yaml, strlen(yaml), NULL, &err);
    if (!p)
        fail_msg("policy: %s", err.msg);
    ld_key **keys = NULL;
    size_t n = 0;
    assert_int_equal(ld_trust_policy_keys(p, &keys, &n, &err), 0);
    assert_int_equal(n, 2);
    assert_string_equal(ld_key_fingerprint(keys[0]), ld_key_fingerprint(signer_pub));
    assert_string_equal(ld_key_fingerprint(keys[1]), ld_key_fingerprint(other_pub));
    for (size_t i = 0; i < n; i++)
        ld_key_free(keys[i]);
    free(keys);
    ld_policy_free(p);
    free(yaml);

    /* a key file that is not there: an error naming the policy line */
    yaml = ld_xstrdup("version: 1\n"
                      "trusted-keys:\n"
                      "  - name: gone\n"
                      "    key: file:/nonexistent/gone.pub\n");
    p = ld_policy_parse(policy_path, yaml, strlen(yaml), NULL, &err);
    assert_non_null(p);
    err = (ld_error)LD_ERROR_INIT;
    assert_true(ld_trust_policy_keys(p, &keys, &n, &err) < 0);
    assert_null(keys);
    assert_int_equal(n, 0);
    assert_non_null(strstr(err.msg, "\"gone\""));
    assert_non_null(strstr(err.msg, "/nonexistent/gone.pub"));
    char *where = ld_xasprintf("%s:%d", policy_path, p->trusted_keys[0].line);
    assert_non_null(strstr(err.msg, where));
    free(where);
    ld_policy_free(p);
    free(yaml);

    /* none listed: none, no error */
    p = ld_policy_parse(policy_path, "version: 1\n", 11, NULL, &err);
    assert_non_null(p);
    assert_int_equal(ld_trust_policy_keys(p, &keys, &n, &err), 0);
    assert_int_equal(n, 0);
    ld_policy_free(p);
    free(policy_path);
    free(block);
    free(pem);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_verified_with_the_signing_key),
        cmocka_unit_test(test_another_key_is_invalid),
        cmocka_unit_test(test_signature_for_another_digest_is_invalid),
        cmocka_unit_test(test_altered_payload_or_signature_is_invalid),
        cmocka_unit_test(test_cosign_identity_is_the_repository),
        cmocka_unit_test(test_unsigned_unreadable_keyless),
        cmocka_unit_test(test_signed_garbage_payload_is_invalid),
        cmocka_unit_test(test_message_signature_bundle),
        cmocka_unit_test(test_dsse_bundle),
        cmocka_unit_test(test_policy_scope_and_requirements),
        cmocka_unit_test(test_policy_signed_identity),
        cmocka_unit_test(test_policy_accept_anything_is_not_verified),
        cmocka_unit_test(test_policy_what_lockdown_cannot_check),
        cmocka_unit_test(test_policy_key_data),
        cmocka_unit_test(test_policy_needs_sigstore_attachments),
        cmocka_unit_test(test_policy_reads_no_bundles),
        cmocka_unit_test(test_policy_short_circuits),
        cmocka_unit_test(test_referrers_index),
        cmocka_unit_test(test_bundle_manifest),
        cmocka_unit_test(test_intoto_statement),
        cmocka_unit_test(test_policy_trusted_keys),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
