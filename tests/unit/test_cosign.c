/* Unit tests for the cosign and Sigstore formats (trust/cosign.c,
 * cosign_sigs.c, sigstore_bundle.c): the signature tag; simple-signing
 * payloads (a real one written as containers/image writes it, cosign's
 * "optional": null form, and hostile ones: extra critical members, wrong
 * type, bad digests, duplicate keys, non-objects, huge); the deterministic
 * builder against the real payload's bytes; signature image manifests (the
 * real one from tests/fixtures/trust, rebuilt byte for byte; Docker v2s2;
 * missing annotation, bad base64, 10,000 layers); Sigstore bundles v0.1,
 * v0.2 and v0.3 written from the public specification (messageSignature
 * and DSSE) with hostile variants; and the DSSE PAE. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <openssl/evp.h>

#include "trust/cosign.h"
#include "util/mem.h"

#define FIXTURES LD_SOURCE_DIR "/tests/fixtures/trust/"

/* ---- helpers ---- */

static char *read_fixture(const char *name, size_t *len)
{
    char path[512];
    snprintf(path, sizeof(path), FIXTURES "%s", name);
    FILE *f = fopen(path, "rb");
    if (!f)
        fail_msg("cannot open fixture %s", path);
    char *buf = ld_xmalloc(1 << 20);
    size_t n = fread(buf, 1, (1 << 20) - 1, f);
    fclose(f);
    buf[n] = '\0';
    *len = n;
    return buf;
}

static char *sha256_digest(const void *data, size_t len)
{
    unsigned char md[32];
    unsigned int mdlen = 0;
    if (!EVP_Digest(data, len, md, &mdlen, EVP_sha256(), NULL))
        fail_msg("sha256 failed");
    char *out = ld_xmalloc(7 + 64 + 1);
    memcpy(out, "sha256:", 7);
    for (unsigned i = 0; i < mdlen; i++)
        snprintf(out + 7 + 2 * i, 3, "%02x", md[i]);
    return out;
}

/* Text with every "from" replaced by "to"; caller frees. */
static char *replace_all(const char *text, const char *from, const char *to)
{
    size_t fl = strlen(from), tl = strlen(to), n = 0;
    for (const char *p = strstr(text, from); p; p = strstr(p + fl, from))
        n++;
    char *out = ld_xmalloc(strlen(text) + n * (tl > fl ? tl - fl : 0) + 1);
    char *o = out;
    const char *s = text;
    for (const char *p = strstr(s, from); p; p = strstr(s, from)) {
        memcpy(o, s, (size_t)(p - s));
        o += p - s;
        memcpy(o, to, tl);
        o += tl;
        s = p + fl;
    }
    memcpy(o, s, strlen(s) + 1);
    return out;
}

static int payload_rc(const char *text, ld_error *err)
{
    ld_cosign_payload p;
    int rc = ld_cosign_payload_parse(text, strlen(text), &p, err);
    if (rc == 0)
        ld_cosign_payload_clear(&p);
    return rc;
}

#define DIGEST "sha256:817a12c32a39bbe394944ba49de563e085f1d3c5266eb8e9723256bc4448680e"
#define CRIT_OK                                                                                    \
    "\"critical\":{\"identity\":{\"docker-reference\":\"docker.io/library/busybox:latest\"},"      \
    "\"image\":{\"docker-manifest-digest\":\"" DIGEST "\"},"                                       \
    "\"type\":\"cosign container image signature\"}"

static void expect_corrupt(const char *text, const char *needle)
{
    ld_error err = LD_ERROR_INIT;
    int rc = payload_rc(text, &err);
    if (rc != LD_ERR_CORRUPT)
        fail_msg("expected corrupt for %s, got %d (%s)", text, rc, err.msg);
    if (needle && !strstr(err.msg, needle))
        fail_msg("message \"%s\" lacks \"%s\"", err.msg, needle);
}

/* ---- tag ---- */

static void test_sig_tag(void **state)
{
    (void)state;
    char *t = ld_cosign_sig_tag(DIGEST);
    assert_string_equal(t, "sha256-817a12c32a39bbe394944ba49de563e085f1d3c5266eb8e9723256bc4448680e"
                           ".sig");
    free(t);
    assert_null(ld_cosign_sig_tag("sha256:abc"));
    assert_null(ld_cosign_sig_tag("sha256:817A12C32A39BBE394944BA49DE563E085F1D3C5266EB8E9723256BC"
                                  "4448680E"));
    assert_null(ld_cosign_sig_tag("md5:d41d8cd98f00b204e9800998ecf8427e"));
    assert_null(ld_cosign_sig_tag(NULL));
    assert_true(
        ld_cosign_digest_valid("sha512:"
                               "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4"
                               "a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81"
                               "a538327af927da3e"));
    assert_false(ld_cosign_digest_valid(DIGEST "0"));
}

/* ---- payloads ---- */

static void test_payload_real_containers_image(void **state)
{
    (void)state;
    size_t len, dlen;
    char *text = read_fixture("payload-1.json", &len);
    char *digest = read_fixture("image-digest.txt", &dlen);
    digest[strcspn(digest, "\n")] = '\0';
    ld_cosign_payload p;
    ld_error err = LD_ERROR_INIT;
    assert_int_equal(ld_cosign_payload_parse(text, len, &p, &err), 0);
    assert_string_equal(p.manifest_digest, digest);
    assert_string_equal(p.type, "cosign container image signature");
    assert_true(strncmp(p.docker_reference, "127.0.0.1:", 10) == 0);
    assert_non_null(strstr(p.docker_reference, "/lockdown/busybox:1"));
    assert_string_equal(p.creator, "containers/image 5.23.1");
    assert_true(p.has_timestamp);
    assert_true(p.timestamp == 1764830000);
    assert_non_null(p.optional_json);
    ld_cosign_payload_clear(&p);
    free(text);
    free(digest);
}

static void test_payload_cosign_optional_null(void **state)
{
    (void)state;
    /* cosign writes "optional": null when no annotation is given */
    const char *text = "{" CRIT_OK ",\"optional\":null}";
    ld_cosign_payload p;
    ld_error err = LD_ERROR_INIT;
    assert_int_equal(ld_cosign_payload_parse(text, strlen(text), &p, &err), 0);
    assert_string_equal(p.docker_reference, "docker.io/library/busybox:latest");
    assert_string_equal(p.manifest_digest, DIGEST);
    assert_null(p.optional_json);
    assert_null(p.creator);
    assert_false(p.has_timestamp);
    ld_cosign_payload_clear(&p);
    /* annotations of any JSON type are kept unread */
    const char *with = "{" CRIT_OK ",\"optional\":{\"sbom\":{\"n\":[1,2]},\"timestamp\":1e3}}";
    assert_int_equal(ld_cosign_payload_parse(with, strlen(with), &p, &err), 0);
    assert_true(p.has_timestamp && p.timestamp == 1000);
    assert_non_null(strstr(p.optional_json, "sbom"));
    ld_cosign_payload_clear(&p);
}

static void test_payload_hostile_critical(void **state)
{
    (void)state;
    expect_corrupt("{\"critical\":{\"identity\":{\"docker-reference\":\"busybox:1\"},\"image\":{"
                   "\"docker-manifest-digest\":\"" DIGEST "\"},\"type\":\"cosign container image "
                   "signature\",\"extra\":1},\"optional\":null}",
                   "unknown member \"extra\"");
    expect_corrupt("{\"critical\":{\"identity\":{\"docker-reference\":\"busybox:1\",\"x\":\"y\"},"
                   "\"image\":{\"docker-manifest-digest\":\"" DIGEST "\"},\"type\":\"cosign "
                   "container image signature\"},\"optional\":null}",
                   "critical.identity");
    expect_corrupt("{\"critical\":{\"identity\":{\"docker-reference\":\"busybox:1\"},\"image\":{"
                   "\"docker-manifest-digest\":\"" DIGEST "\",\"size\":1},\"type\":\"cosign "
                   "container image signature\"},\"optional\":null}",
                   "critical.image");
    expect_corrupt("{\"critical\":{\"image\":{\"docker-manifest-digest\":\"" DIGEST
                   "\"},\"type\":\"cosign container image signature\"},\"optional\":null}",
                   "missing member \"identity\"");
    /* the type: exactly cosign's (not the GPG "atomic" one, not a number) */
    expect_corrupt("{\"critical\":{\"identity\":{\"docker-reference\":\"busybox:1\"},\"image\":{"
                   "\"docker-manifest-digest\":\"" DIGEST "\"},\"type\":\"atomic container "
                   "signature\"},\"optional\":null}",
                   "unrecognized signature type");
    expect_corrupt("{\"critical\":{\"identity\":{\"docker-reference\":\"busybox:1\"},\"image\":{"
                   "\"docker-manifest-digest\":\"" DIGEST "\"},\"type\":7},\"optional\":null}",
                   "must be a string");
    expect_corrupt("{\"critical\":{\"identity\":{\"docker-reference\":\"busybox:1\"},\"image\":{"
                   "\"docker-manifest-digest\":\"" DIGEST "\"},\"type\":\"cosign container image "
                   "signature \"},\"optional\":null}",
                   "unrecognized signature type");
}

static void test_payload_bad_digest_and_reference(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "sha256:xyz",
        "sha256:817A12C32A39BBE394944BA49DE563E085F1D3C5266EB8E9723256BC4448680E",
        "md5:d41d8cd98f00b204e9800998ecf8427e",
        "817a12c32a39bbe394944ba49de563e0",
        "",
        "sha256:"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        char *text =
            ld_xasprintf("{\"critical\":{\"identity\":{\"docker-reference\":\"busybox:1\"},"
                         "\"image\":{\"docker-manifest-digest\":\"%s\"},\"type\":\"cosign "
                         "container image signature\"},\"optional\":null}",
                         bad[i]);
        expect_corrupt(text, "docker-manifest-digest");
        free(text);
    }
    expect_corrupt("{\"critical\":{\"identity\":{\"docker-reference\":\"Docker.io/UPPER/x\"},"
                   "\"image\":{\"docker-manifest-digest\":\"" DIGEST "\"},\"type\":\"cosign "
                   "container image signature\"},\"optional\":null}",
                   "docker-reference");
    expect_corrupt("{\"critical\":{\"identity\":{\"docker-reference\":\"\"},"
                   "\"image\":{\"docker-manifest-digest\":\"" DIGEST "\"},\"type\":\"cosign "
                   "container image signature\"},\"optional\":null}",
                   "docker-reference");
}

static void test_payload_hostile_shape(void **state)
{
    (void)state;
    /* duplicate keys, at the top and inside optional */
    expect_corrupt("{" CRIT_OK "," CRIT_OK ",\"optional\":null}", NULL);
    expect_corrupt("{" CRIT_OK ",\"optional\":{\"creator\":\"a\",\"creator\":\"b\"}}", NULL);
    /* not an object, empty, trailing data, NUL */
    expect_corrupt("[]", "must be an object");
    expect_corrupt("\"critical\"", NULL);
    expect_corrupt("null", NULL);
    expect_corrupt("", NULL);
    expect_corrupt("{" CRIT_OK ",\"optional\":null} {}", NULL);
    expect_corrupt("{" CRIT_OK ",\"optional\":{\"creator\":\"a\\u0000b\"}}", NULL);
    /* members of the top level: exactly critical and optional */
    expect_corrupt("{" CRIT_OK "}", "missing member \"optional\"");
    expect_corrupt("{" CRIT_OK ",\"optional\":null,\"more\":1}", "unknown member \"more\"");
    /* optional's known members have types */
    expect_corrupt("{" CRIT_OK ",\"optional\":[]}", "optional");
    expect_corrupt("{" CRIT_OK ",\"optional\":{\"creator\":5}}", "optional.creator");
    expect_corrupt("{" CRIT_OK ",\"optional\":{\"timestamp\":1.5}}", "optional.timestamp");
    expect_corrupt("{" CRIT_OK ",\"optional\":{\"timestamp\":\"1\"}}", "optional.timestamp");
    expect_corrupt("{" CRIT_OK ",\"optional\":{\"timestamp\":1e300}}", "optional.timestamp");
}

static void test_payload_huge(void **state)
{
    (void)state;
    /* over the 4 MiB bound: refused before parsing */
    size_t n = LD_COSIGN_MAX_PAYLOAD_BYTES + 10;
    char *big = ld_xmalloc(n + 1);
    memset(big, ' ', n);
    big[n] = '\0';
    memcpy(big, "{" CRIT_OK ",\"optional\":null}", strlen("{" CRIT_OK ",\"optional\":null}"));
    ld_cosign_payload p;
    ld_error err = LD_ERROR_INIT;
    assert_int_equal(ld_cosign_payload_parse(big, n, &p, &err), LD_ERR_LIMIT);
    free(big);
    /* within the size but nested deeper than the budget */
    size_t depth = 10000;
    char *deep = ld_xmalloc(2 * depth + 400);
    int o = snprintf(deep, 400, "{" CRIT_OK ",\"optional\":{\"x\":");
    for (size_t i = 0; i < depth; i++)
        deep[o++] = '[';
    for (size_t i = 0; i < depth; i++)
        deep[o++] = ']';
    deep[o++] = '}';
    deep[o++] = '}';
    ld_error_clear(&err);
    assert_int_equal(ld_cosign_payload_parse(deep, (size_t)o, &p, &err), LD_ERR_LIMIT);
    free(deep);
}

static void test_payload_build_matches_containers_image(void **state)
{
    (void)state;
    size_t len;
    char *real = read_fixture("payload-1.json", &len);
    ld_cosign_payload p;
    ld_error err = LD_ERROR_INIT;
    assert_int_equal(ld_cosign_payload_parse(real, len, &p, &err), 0);
    /* same reference, digest and timestamp: containers/image's bytes but
     * for the creator */
    size_t blen = 0;
    char *built = ld_cosign_payload_build_ts(p.docker_reference, p.manifest_digest, NULL, 0,
                                             p.timestamp, &blen);
    assert_non_null(built);
    char *expected =
        replace_all(real, "\"containers/image 5.23.1\"", "\"lockdown " LOCKDOWN_VERSION "\"");
    assert_string_equal(built, expected);
    assert_int_equal(blen, strlen(expected));
    free(expected);
    free(built);
    ld_cosign_payload_clear(&p);
    free(real);
}

static void test_payload_build_round_trip(void **state)
{
    (void)state;
    const char *ann[] = {"zeta", "last", "a&b", "<script>", "env", "prod"};
    size_t len1 = 0, len2 = 0;
    char *one =
        ld_cosign_payload_build("registry.example.com:5000/team/app:v1", DIGEST, ann, 3, &len1);
    char *two =
        ld_cosign_payload_build("registry.example.com:5000/team/app:v1", DIGEST, ann, 3, &len2);
    assert_non_null(one);
    assert_string_equal(one, two); /* deterministic */
    /* Go's escaping of HTML characters, keys sorted */
    assert_non_null(strstr(one, "\"a\\u0026b\":\"\\u003cscript\\u003e\""));
    assert_true(strstr(one, "\"a\\u0026b\"") < strstr(one, "\"creator\"") &&
                strstr(one, "\"creator\"") < strstr(one, "\"env\"") &&
                strstr(one, "\"env\"") < strstr(one, "\"zeta\""));
    assert_null(strstr(one, "timestamp"));
    ld_cosign_payload p;
    ld_error err = LD_ERROR_INIT;
    assert_int_equal(ld_cosign_payload_parse(one, len1, &p, &err), 0);
    assert_string_equal(p.docker_reference, "registry.example.com:5000/team/app:v1");
    assert_string_equal(p.manifest_digest, DIGEST);
    assert_string_equal(p.creator, "lockdown " LOCKDOWN_VERSION);
    assert_false(p.has_timestamp);
    assert_non_null(strstr(p.optional_json, "\"zeta\":\"last\""));
    ld_cosign_payload_clear(&p);
    free(one);
    free(two);
    /* refused inputs */
    const char *creator[] = {"creator", "me"};
    const char *stamp[] = {"timestamp", "1"};
    const char *dup[] = {"k", "1", "k", "2"};
    size_t l;
    assert_null(ld_cosign_payload_build("busybox:1", DIGEST, creator, 1, &l));
    assert_null(ld_cosign_payload_build("busybox:1", DIGEST, stamp, 1, &l));
    assert_null(ld_cosign_payload_build("busybox:1", DIGEST, dup, 2, &l));
    assert_null(ld_cosign_payload_build("busybox:1", "sha256:00", NULL, 0, &l));
    assert_null(ld_cosign_payload_build("", DIGEST, NULL, 0, &l));
    assert_null(ld_cosign_payload_build("UP/Per", DIGEST, NULL, 0, &l));
}

/* ---- signature manifests ---- */

static void test_sigs_real_manifest(void **state)
{
    (void)state;
    size_t mlen, p1len, p2len, clen;
    char *man = read_fixture("sig-manifest-oci.json", &mlen);
    char *p1 = read_fixture("payload-1.json", &p1len);
    char *p2 = read_fixture("payload-2.json", &p2len);
    char *cfg = read_fixture("sig-config.json", &clen);
    ld_cosign_sigs s;
    ld_error err = LD_ERROR_INIT;
    assert_int_equal(ld_cosign_sigs_parse(man, mlen, &s, &err), 0);
    assert_int_equal(s.n, 2);
    assert_int_equal(s.n_other, 0);
    char *d1 = sha256_digest(p1, p1len), *d2 = sha256_digest(p2, p2len);
    assert_string_equal(s.v[0].payload_digest, d1);
    assert_string_equal(s.v[1].payload_digest, d2);
    assert_int_equal(s.v[0].payload_size, p1len);
    assert_string_equal(s.v[0].media_type, LD_COSIGN_PAYLOAD_TYPE);
    for (size_t i = 0; i < 2; i++) {
        /* an ECDSA signature in DER: a SEQUENCE of about 70 bytes */
        assert_true(s.v[i].signature_len >= 64 && s.v[i].signature_len <= 72);
        assert_int_equal(s.v[i].signature[0], 0x30);
        assert_null(s.v[i].certificate);
        assert_null(s.v[i].other_annotations);
    }
    /* rebuilt byte for byte as containers/image wrote them */
    size_t blen = 0, bmlen = 0;
    char *bcfg = ld_cosign_sig_config_build(&s, &blen);
    assert_string_equal(bcfg, cfg);
    char *cfg_digest = sha256_digest(bcfg, blen);
    char *bman = ld_cosign_sig_manifest_build(&s, cfg_digest, blen, &bmlen);
    assert_string_equal(bman, man);
    assert_int_equal(bmlen, mlen);
    free(bcfg);
    free(bman);
    free(cfg_digest);
    /* a third signature is appended after those already there */
    s.v = ld_xrealloc(s.v, 3 * sizeof(*s.v));
    memset(&s.v[2], 0, sizeof(s.v[2]));
    s.v[2].payload_digest = ld_xstrdup(DIGEST);
    s.v[2].payload_size = 42;
    s.v[2].signature = (uint8_t *)ld_xstrdup("\x30\x01\x02");
    s.v[2].signature_len = 3;
    s.v[2].certificate =
        ld_xstrdup("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n");
    s.n = 3;
    bcfg = ld_cosign_sig_config_build(&s, &blen);
    cfg_digest = sha256_digest(bcfg, blen);
    bman = ld_cosign_sig_manifest_build(&s, cfg_digest, blen, &bmlen);
    assert_non_null(bman);
    ld_cosign_sigs again;
    assert_int_equal(ld_cosign_sigs_parse(bman, bmlen, &again, &err), 0);
    assert_int_equal(again.n, 3);
    assert_string_equal(again.v[0].payload_digest, d1);
    assert_string_equal(again.v[2].payload_digest, DIGEST);
    assert_int_equal(again.v[2].signature_len, 3);
    assert_memory_equal(again.v[2].signature, "\x30\x01\x02", 3);
    assert_string_equal(again.v[2].certificate, s.v[2].certificate);
    assert_non_null(strstr(bcfg, DIGEST));
    ld_cosign_sigs_clear(&again);
    free(bcfg);
    free(bman);
    free(cfg_digest);
    ld_cosign_sigs_clear(&s);
    free(d1);
    free(d2);
    free(man);
    free(p1);
    free(p2);
    free(cfg);
}

#define LAYER_SIG(ann)                                                                             \
    "{\"mediaType\":\"application/vnd.dev.cosign.simplesigning.v1+json\",\"size\":250,"            \
    "\"digest\":\"" DIGEST "\",\"annotations\":{" ann "}}"
#define SIG_ANN "\"dev.cosignproject.cosign/signature\":\"MEUCIQDx\""
#define MANIFEST(mt, layers)                                                                       \
    "{\"schemaVersion\":2," mt "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1"   \
    "+json\",\"size\":233,\"digest\":\"" DIGEST "\"},\"layers\":[" layers "]}"

static int sigs_rc(const char *text, ld_cosign_sigs *s, ld_error *err)
{
    int rc = ld_cosign_sigs_parse(text, strlen(text), s, err);
    return rc;
}

static void expect_sigs_error(const char *text, int code, const char *needle)
{
    ld_cosign_sigs s;
    ld_error err = LD_ERROR_INIT;
    int rc = sigs_rc(text, &s, &err);
    if (rc != code)
        fail_msg("expected %d, got %d (%s) for %.300s", code, rc, err.msg, text);
    if (needle && !strstr(err.msg, needle))
        fail_msg("message \"%s\" lacks \"%s\"", err.msg, needle);
    assert_int_equal(s.n, 0);
    assert_null(s.v);
}

static void test_sigs_docker_v2s2_and_extras(void **state)
{
    (void)state;
    /* older cosign: a Docker v2 schema 2 manifest */
    const char *docker =
        "{\"schemaVersion\":2,\"mediaType\":\"application/"
        "vnd.docker.distribution.manifest.v2+json\","
        "\"config\":{\"mediaType\":\"application/vnd.docker.container.image.v1+json\",\"size\":"
        "233,\"digest\":\"" DIGEST "\"},\"layers\":[" LAYER_SIG(
            SIG_ANN ",\"dev.sigstore.cosign/certificate\":\"CERT\",\"dev.sigstore.cosign/chain\":"
                    "\"CHAIN\",\"dev.sigstore.cosign/bundle\":\"{\\\"SignedEntryTimestamp\\\":"
                    "\\\"x\\\"}\",\"org.example/note\":\"kept\"") "]}";
    ld_cosign_sigs s;
    ld_error err = LD_ERROR_INIT;
    assert_int_equal(sigs_rc(docker, &s, &err), 0);
    assert_int_equal(s.n, 1);
    assert_int_equal(s.v[0].signature_len, 6); /* MEUCIQDx */
    assert_string_equal(s.v[0].certificate, "CERT");
    assert_string_equal(s.v[0].chain, "CHAIN");
    assert_string_equal(s.v[0].bundle_json, "{\"SignedEntryTimestamp\":\"x\"}");
    assert_string_equal(s.v[0].other_annotations, "{\"org.example/note\":\"kept\"}");
    /* rebuilt as OCI with every annotation, sorted */
    size_t clen, mlen;
    char *cfg = ld_cosign_sig_config_build(&s, &clen);
    char *man = ld_cosign_sig_manifest_build(&s, DIGEST, clen, &mlen);
    assert_non_null(strstr(man, "\"annotations\":{\"dev.cosignproject.cosign/signature\":"
                                "\"MEUCIQDx\",\"dev.sigstore.cosign/bundle\":"));
    assert_non_null(strstr(man, "\"org.example/note\":\"kept\"}"));
    free(cfg);
    free(man);
    ld_cosign_sigs_clear(&s);
    /* OCI without mediaType; another attachment kind is skipped and kept */
    const char *mixed = MANIFEST("", "{\"mediaType\":\"text/plain\",\"size\":5,\"digest\":\"" DIGEST
                                     "\",\"annotations\":{\"a\":\"b\"}}," LAYER_SIG(SIG_ANN));
    assert_int_equal(sigs_rc(mixed, &s, &err), 0);
    assert_int_equal(s.n, 1);
    assert_int_equal(s.n_other, 1);
    assert_string_equal(s.other[0].media_type, "text/plain");
    cfg = ld_cosign_sig_config_build(&s, &clen);
    man = ld_cosign_sig_manifest_build(&s, DIGEST, clen, &mlen);
    ld_cosign_sigs back;
    assert_int_equal(ld_cosign_sigs_parse(man, mlen, &back, &err), 0);
    assert_int_equal(back.n, 1);
    assert_int_equal(back.n_other, 1);
    assert_string_equal(back.other[0].other_annotations, "{\"a\":\"b\"}");
    ld_cosign_sigs_clear(&back);
    free(cfg);
    free(man);
    ld_cosign_sigs_clear(&s);
    /* no layers at all: no signatures, not an error */
    assert_int_equal(sigs_rc(MANIFEST("", ""), &s, &err), 0);
    assert_int_equal(s.n, 0);
    ld_cosign_sigs_clear(&s);
}

static void test_sigs_hostile(void **state)
{
    (void)state;
    expect_sigs_error(MANIFEST("", LAYER_SIG("\"other\":\"x\"")), LD_ERR_CORRUPT,
                      "without the annotation");
    expect_sigs_error(MANIFEST("", "{\"mediaType\":\"application/vnd.dev.cosign.simplesigning.v1+"
                                   "json\",\"size\":250,\"digest\":\"" DIGEST "\"}"),
                      LD_ERR_CORRUPT, "without the annotation");
    expect_sigs_error(MANIFEST("", LAYER_SIG("\"dev.cosignproject.cosign/signature\":\"MEU!CIQ\"")),
                      LD_ERR_CORRUPT, "not base64");
    expect_sigs_error(MANIFEST("", LAYER_SIG("\"dev.cosignproject.cosign/signature\":\"MEUCIQA\"")),
                      LD_ERR_CORRUPT, "not base64"); /* padding missing */
    expect_sigs_error(MANIFEST("", LAYER_SIG("\"dev.cosignproject.cosign/signature\":\"\"")),
                      LD_ERR_CORRUPT, "empty");
    expect_sigs_error(MANIFEST("", LAYER_SIG("\"dev.cosignproject.cosign/signature\":5")),
                      LD_ERR_CORRUPT, NULL);
    expect_sigs_error(MANIFEST("", LAYER_SIG(SIG_ANN ",\"k\":[]")), LD_ERR_CORRUPT,
                      "must be a string");
    expect_sigs_error(MANIFEST("", LAYER_SIG(SIG_ANN "," SIG_ANN)), LD_ERR_CORRUPT, NULL);
    expect_sigs_error(
        MANIFEST("\"mediaType\":\"application/vnd.oci.image.index.v1+json\",", LAYER_SIG(SIG_ANN)),
        LD_ERR_CORRUPT, "not an image manifest");
    expect_sigs_error("{\"schemaVersion\":2,\"manifests\":[]}", LD_ERR_CORRUPT, "index");
    expect_sigs_error("{\"schemaVersion\":1,\"layers\":[]}", LD_ERR_CORRUPT, "schemaVersion");
    expect_sigs_error("{\"schemaVersion\":2,\"config\":{\"mediaType\":\"x\",\"size\":1,\"digest\":"
                      "\"" DIGEST "\"}}",
                      LD_ERR_CORRUPT, "layers");
    expect_sigs_error(
        MANIFEST("", "{\"mediaType\":\"text/plain\",\"size\":-1,\"digest\":\"" DIGEST "\"}"),
        LD_ERR_CORRUPT, "size");
    expect_sigs_error(MANIFEST("", "{\"mediaType\":\"text/plain\",\"size\":1,\"digest\":\"sha256:"
                                   "00\"}"),
                      LD_ERR_CORRUPT, "digest");
    expect_sigs_error("[]", LD_ERR_CORRUPT, "must be an object");
    expect_sigs_error("", LD_ERR_CORRUPT, NULL);
    /* a payload layer claiming more than containers/image would fetch */
    expect_sigs_error(MANIFEST("", "{\"mediaType\":\"application/vnd.dev.cosign.simplesigning.v1+"
                                   "json\",\"size\":99999999,\"digest\":\"" DIGEST
                                   "\",\"annotations\":{" SIG_ANN "}}"),
                      LD_ERR_LIMIT, "limit");
}

static char *many_layers(size_t n)
{
    const char *layer = LAYER_SIG(SIG_ANN);
    size_t ll = strlen(layer);
    char *buf = ld_xmalloc(n * (ll + 1) + 512);
    int o = snprintf(buf, 512,
                     "{\"schemaVersion\":2,\"config\":{\"mediaType\":\"x\",\"size\":1,"
                     "\"digest\":\"" DIGEST "\"},\"layers\":[");
    size_t off = (size_t)o;
    for (size_t i = 0; i < n; i++) {
        if (i)
            buf[off++] = ',';
        memcpy(buf + off, layer, ll);
        off += ll;
    }
    memcpy(buf + off, "]}", 3);
    return buf;
}

static void test_sigs_layer_limit(void **state)
{
    (void)state;
    char *ok = many_layers(LD_COSIGN_MAX_LAYERS);
    ld_cosign_sigs s;
    ld_error err = LD_ERROR_INIT;
    assert_int_equal(sigs_rc(ok, &s, &err), 0);
    assert_int_equal(s.n, LD_COSIGN_MAX_LAYERS);
    ld_cosign_sigs_clear(&s);
    free(ok);
    char *over = many_layers(LD_COSIGN_MAX_LAYERS + 1);
    expect_sigs_error(over, LD_ERR_LIMIT, "layers");
    free(over);
    char *huge = many_layers(10000);
    expect_sigs_error(huge, LD_ERR_LIMIT, NULL);
    free(huge);
    /* over the manifest size bound */
    size_t n = LD_COSIGN_MAX_MANIFEST_BYTES + 1;
    char *big = ld_xcalloc(n + 1, 1);
    memset(big, ' ', n);
    assert_int_equal(ld_cosign_sigs_parse(big, n, &s, &err), LD_ERR_LIMIT);
    free(big);
}

static void test_sigs_build_refuses_bad_input(void **state)
{
    (void)state;
    ld_cosign_sig sig = {.payload_digest = (char *)"sha256:00",
                         .payload_size = 1,
                         .signature = (uint8_t *)"x",
                         .signature_len = 1};
    ld_cosign_sigs s = {.v = &sig, .n = 1};
    size_t len;
    assert_null(ld_cosign_sig_config_build(&s, &len));
    sig.payload_digest = (char *)DIGEST;
    assert_null(ld_cosign_sig_manifest_build(&s, "sha256:nope", 10, &len));
    sig.signature_len = 0;
    assert_null(ld_cosign_sig_manifest_build(&s, DIGEST, 10, &len));
    sig.signature_len = 1;
    sig.other_annotations = (char *)"[1]";
    assert_null(ld_cosign_sig_manifest_build(&s, DIGEST, 10, &len));
    sig.other_annotations = NULL;
    char *m = ld_cosign_sig_manifest_build(&s, DIGEST, 10, &len);
    assert_non_null(m);
    free(m);
}

/* ---- Sigstore bundles (from the protobuf-specs JSON form) ---- */

/* 32 bytes of digest, base64 */
#define B64_32 "Fn/TYRXpoiS/pnq8aQcr0kbbUe4uJmbd8I8gcUnz63s="
#define B64_SIG                                                                                    \
    "MEUCIQDx3vrbHbtaHAdyfN1mX0+hs0gFvxOZlzrqwE5wh3P1OgIgH2l+2B0b/"                                \
    "DXRyVVhsXUaRjXxiA1twQa1W1a6DYLV5NE="
#define CERT_B64 "MIIBszCCAVmgAwIBAgIUYJ0Q"

static int bundle_rc(const char *text, ld_sigstore_bundle *b, ld_error *err)
{
    return ld_sigstore_bundle_parse(text, strlen(text), b, err);
}

static void test_bundle_v01_message_signature(void **state)
{
    (void)state;
    const char *v01 =
        "{\"mediaType\":\"application/vnd.dev.sigstore.bundle+json;version=0.1\","
        "\"verificationMaterial\":{\"x509CertificateChain\":{\"certificates\":[{\"rawBytes\":"
        "\"" CERT_B64
        "\"}]},\"tlogEntries\":[{\"logIndex\":\"25579\",\"logId\":{\"keyId\":\"wNI9\"},"
        "\"kindVersion\":{\"kind\":\"hashedrekord\",\"version\":\"0.0.1\"},\"integratedTime\":"
        "\"1677254373\"}],\"timestampVerificationData\":{\"rfc3161Timestamps\":[]}},"
        "\"messageSignature\":{\"messageDigest\":{\"algorithm\":\"SHA2_256\",\"digest\":\"" B64_32
        "\"},\"signature\":\"" B64_SIG "\"}}";
    ld_sigstore_bundle b;
    ld_error err = LD_ERROR_INIT;
    assert_int_equal(bundle_rc(v01, &b, &err), 0);
    assert_false(b.dsse);
    assert_true(b.has_certificate);
    assert_string_equal(b.message_digest_alg, "SHA2_256");
    assert_int_equal(b.message_digest_len, 32);
    assert_int_equal(b.message_digest[0], 0x16); /* 'F' 'n' -> 0x16 0x7f */
    assert_int_equal(b.message_digest[1], 0x7f);
    assert_int_equal(b.signature[0], 0x30);
    assert_null(b.public_key_hint);
    ld_sigstore_bundle_clear(&b);
}

static void test_bundle_v02_dsse_public_key(void **state)
{
    (void)state;
    /* DSSE payload: {"_type":"https://in-toto.io/Statement/v1"} */
    const char *v02 =
        "{\"mediaType\":\"application/vnd.dev.sigstore.bundle+json;version=0.2\","
        "\"verificationMaterial\":{\"publicKey\":{\"hint\":\"key-hint-1\"},\"tlogEntries\":[]},"
        "\"dsseEnvelope\":{\"payload\":\"eyJfdHlwZSI6Imh0dHBzOi8vaW4tdG90by5pby9TdGF0ZW1lbnQvdjEifQ"
        "==\",\"payloadType\":\"application/vnd.in-toto+json\",\"signatures\":[{\"sig\":\"" B64_SIG
        "\",\"keyid\":\"\"}]}}";
    ld_sigstore_bundle b;
    ld_error err = LD_ERROR_INIT;
    assert_int_equal(bundle_rc(v02, &b, &err), 0);
    assert_true(b.dsse);
    assert_false(b.has_certificate);
    assert_string_equal(b.public_key_hint, "key-hint-1");
    assert_string_equal(b.dsse_payload_type, "application/vnd.in-toto+json");
    assert_int_equal(b.dsse_payload_len, strlen("{\"_type\":\"https://in-toto.io/Statement/v1\"}"));
    assert_memory_equal(b.dsse_payload, "{\"_type\":\"https://in-toto.io/Statement/v1\"}",
                        b.dsse_payload_len);
    assert_true(b.signature_len > 60);
    assert_null(b.message_digest);
    ld_sigstore_bundle_clear(&b);
}

static void test_bundle_v03(void **state)
{
    (void)state;
    /* v0.3: a single certificate; snake_case field names (protobuf JSON
     * accepts both), URL-safe unpadded base64, the algorithm by number */
    const char *v03 =
        "{\"media_type\":\"application/vnd.dev.sigstore.bundle.v0.3+json\","
        "\"verification_material\":{\"certificate\":{\"raw_bytes\":\"" CERT_B64 "\"}},"
        "\"message_signature\":{\"message_digest\":{\"algorithm\":1,\"digest\":"
        "\"Fn_TYRXpoiS_pnq8aQcr0kbbUe4uJmbd8I8gcUnz63s\"},\"signature\":\"" B64_SIG "\"}}";
    ld_sigstore_bundle b;
    ld_error err = LD_ERROR_INIT;
    assert_int_equal(bundle_rc(v03, &b, &err), 0);
    assert_true(b.has_certificate);
    assert_string_equal(b.media_type, "application/vnd.dev.sigstore.bundle.v0.3+json");
    assert_string_equal(b.message_digest_alg, "SHA2_256");
    assert_int_equal(b.message_digest[1], 0x7f);
    ld_sigstore_bundle_clear(&b);
    /* v0.3 DSSE with a public key */
    const char *v03_dsse =
        "{\"mediaType\":\"application/vnd.dev.sigstore.bundle.v0.3+json\","
        "\"verificationMaterial\":{\"publicKey\":{}},\"dsseEnvelope\":{\"payload\":\"aGk=\","
        "\"payloadType\":\"text/plain\",\"signatures\":[{\"sig\":\"" B64_SIG "\"}]}}";
    assert_int_equal(bundle_rc(v03_dsse, &b, &err), 0);
    assert_true(b.dsse);
    assert_null(b.public_key_hint);
    assert_int_equal(b.dsse_payload_len, 2);
    ld_sigstore_bundle_clear(&b);
}

static void expect_bundle_error(const char *text, int code, const char *needle)
{
    ld_sigstore_bundle b;
    ld_error err = LD_ERROR_INIT;
    int rc = bundle_rc(text, &b, &err);
    if (rc != code)
        fail_msg("expected %d, got %d (%s) for %.300s", code, rc, err.msg, text);
    if (needle && !strstr(err.msg, needle))
        fail_msg("message \"%s\" lacks \"%s\"", err.msg, needle);
    assert_null(b.media_type);
    assert_null(b.signature);
}

#define MT01 "\"mediaType\":\"application/vnd.dev.sigstore.bundle+json;version=0.1\","
#define MT03 "\"mediaType\":\"application/vnd.dev.sigstore.bundle.v0.3+json\","
#define PK "\"verificationMaterial\":{\"publicKey\":{\"hint\":\"h\"}},"
#define MSG "\"messageSignature\":{\"signature\":\"" B64_SIG "\"}"
#define DSSE1                                                                                      \
    "\"dsseEnvelope\":{\"payload\":\"aGk=\",\"payloadType\":\"t\",\"signatures\":[{\"sig\":"       \
    "\"" B64_SIG "\"}]}"

static void test_bundle_hostile(void **state)
{
    (void)state;
    expect_bundle_error("{" MT01 PK MSG ",\"extra\":1}", LD_ERR_CORRUPT, "unknown field \"extra\"");
    expect_bundle_error("{" MT01 PK MSG "," DSSE1 "}", LD_ERR_CORRUPT, "exactly one");
    expect_bundle_error("{" MT01 "\"verificationMaterial\":{\"publicKey\":{}}}", LD_ERR_CORRUPT,
                        "exactly one");
    expect_bundle_error("{" MT01
                        "\"verificationMaterial\":{\"publicKey\":{},\"x509CertificateChain\":"
                        "{\"certificates\":[{\"rawBytes\":\"" CERT_B64 "\"}]}}," MSG "}",
                        LD_ERR_CORRUPT, "exactly one of publicKey");
    expect_bundle_error("{" MT01 "\"verificationMaterial\":{}," MSG "}", LD_ERR_CORRUPT,
                        "exactly one of publicKey");
    expect_bundle_error("{" MT03 "\"verificationMaterial\":{\"x509CertificateChain\":{"
                        "\"certificates\":[{\"rawBytes\":\"" CERT_B64 "\"}]}}," MSG "}",
                        LD_ERR_CORRUPT, "not a chain");
    expect_bundle_error("{" MT01
                        "\"verificationMaterial\":{\"certificate\":{\"rawBytes\":\"" CERT_B64
                        "\"}}," MSG "}",
                        LD_ERR_CORRUPT, "v0.3");
    expect_bundle_error("{" MT01 PK "\"dsseEnvelope\":{\"payload\":\"aGk=\",\"payloadType\":\"t\","
                        "\"signatures\":[{\"sig\":\"" B64_SIG "\"},{\"sig\":\"" B64_SIG "\"}]}}",
                        LD_ERR_CORRUPT, "exactly one signature");
    expect_bundle_error("{" MT01 PK "\"dsseEnvelope\":{\"payload\":\"aGk=\",\"payloadType\":\"t\","
                        "\"signatures\":[]}}",
                        LD_ERR_CORRUPT, "exactly one signature");
    expect_bundle_error("{" MT01 PK "\"messageSignature\":{\"messageDigest\":{\"algorithm\":"
                        "\"SHA2_512\",\"digest\":\"" B64_32 "\"},\"signature\":\"" B64_SIG "\"}}",
                        LD_ERR_CORRUPT, "SHA2_512 digests are 64");
    expect_bundle_error("{" MT01 PK "\"messageSignature\":{\"messageDigest\":{\"algorithm\":"
                        "\"MD5\",\"digest\":\"" B64_32 "\"},\"signature\":\"" B64_SIG "\"}}",
                        LD_ERR_CORRUPT, "hash algorithm");
    expect_bundle_error("{" MT01 PK "\"messageSignature\":{\"signature\":\"not base64!\"}}",
                        LD_ERR_CORRUPT, "not base64");
    expect_bundle_error("{" MT01 PK "\"messageSignature\":{\"signature\":\"\"}}", LD_ERR_CORRUPT,
                        "signature");
    expect_bundle_error("{" MT01 PK "\"messageSignature\":{\"signature\":\"" B64_SIG
                        "\",\"message_signature\":1}}",
                        LD_ERR_CORRUPT, "unknown field");
    /* one field in both spellings */
    expect_bundle_error("{" MT01 PK MSG ",\"message_signature\":{\"signature\":\"" B64_SIG "\"}}",
                        LD_ERR_CORRUPT, "given twice");
    expect_bundle_error("{\"mediaType\":\"application/vnd.dev.sigstore.bundle.v0.9+json\"," PK MSG
                        "}",
                        LD_ERR_UNSUPPORTED, "v0.9");
    expect_bundle_error("{" PK MSG "}", LD_ERR_UNSUPPORTED, NULL);
    expect_bundle_error("{" MT01 MSG "}", LD_ERR_CORRUPT, "verificationMaterial");
    expect_bundle_error("{" MT01 PK MSG "," MSG "}", LD_ERR_CORRUPT, NULL); /* duplicate key */
    expect_bundle_error("[]", LD_ERR_CORRUPT, NULL);
    expect_bundle_error("{" MT01 "\"verificationMaterial\":{\"publicKey\":{\"hint\":3}}," MSG "}",
                        LD_ERR_CORRUPT, "hint");
    expect_bundle_error("{" MT01
                        "\"verificationMaterial\":{\"publicKey\":{},\"tlogEntries\":{}}," MSG "}",
                        LD_ERR_CORRUPT, "tlogEntries");
    size_t n = LD_SIGSTORE_BUNDLE_MAX_BYTES + 1;
    char *big = ld_xcalloc(n + 1, 1);
    memset(big, ' ', n);
    ld_sigstore_bundle b;
    ld_error err = LD_ERROR_INIT;
    assert_int_equal(ld_sigstore_bundle_parse(big, n, &b, &err), LD_ERR_LIMIT);
    free(big);
}

static void test_dsse_pae(void **state)
{
    (void)state;
    /* the DSSE protocol's own example */
    size_t len = 0;
    uint8_t *pae =
        ld_dsse_pae("http://example.com/HelloWorld", (const uint8_t *)"hello world", 11, &len);
    const char *want = "DSSEv1 29 http://example.com/HelloWorld 11 hello world";
    assert_int_equal(len, strlen(want));
    assert_memory_equal(pae, want, len);
    free(pae);
    pae = ld_dsse_pae("", NULL, 0, &len);
    assert_int_equal(len, strlen("DSSEv1 0  0 "));
    assert_memory_equal(pae, "DSSEv1 0  0 ", len);
    free(pae);
    /* the payload is taken as bytes, NUL included */
    pae = ld_dsse_pae("t", (const uint8_t *)"a\0b", 3, &len);
    assert_int_equal(len, strlen("DSSEv1 1 t 3 ") + 3);
    assert_memory_equal(pae + len - 3, "a\0b", 3);
    free(pae);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sig_tag),
        cmocka_unit_test(test_payload_real_containers_image),
        cmocka_unit_test(test_payload_cosign_optional_null),
        cmocka_unit_test(test_payload_hostile_critical),
        cmocka_unit_test(test_payload_bad_digest_and_reference),
        cmocka_unit_test(test_payload_hostile_shape),
        cmocka_unit_test(test_payload_huge),
        cmocka_unit_test(test_payload_build_matches_containers_image),
        cmocka_unit_test(test_payload_build_round_trip),
        cmocka_unit_test(test_sigs_real_manifest),
        cmocka_unit_test(test_sigs_docker_v2s2_and_extras),
        cmocka_unit_test(test_sigs_hostile),
        cmocka_unit_test(test_sigs_layer_limit),
        cmocka_unit_test(test_sigs_build_refuses_bad_input),
        cmocka_unit_test(test_bundle_v01_message_signature),
        cmocka_unit_test(test_bundle_v02_dsse_public_key),
        cmocka_unit_test(test_bundle_v03),
        cmocka_unit_test(test_bundle_hostile),
        cmocka_unit_test(test_dsse_pae),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
