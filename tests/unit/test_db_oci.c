/* Unit tests for the vulnerability database artifact's documents
 * (src/vuln/db_oci_manifest.c): the manifest the builder writes reads back
 * to the same values and has the OCI shape registries and other tools
 * expect (checked with jansson, not with the reader); the reader refuses
 * hostile manifests member by member: another artifact type, another
 * layer type, two layers, bad digests, signed or junk numbers, a size
 * past 2^53, a missing annotation, feeds over the limit, duplicate keys,
 * deep nesting and a document over 1 MiB. The config is plain JSON. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "util/mem.h"
#include "vuln/db_oci.h"

#define HEX64(c)                                                                                   \
    c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c  \
        c c c c c c c c c c c c c c c c c

static ld_vulndb_artifact sample(void)
{
    ld_vulndb_artifact a = {
        .schema_version = 1,
        .built_at = 1764866000,
        .feeds = ld_xstrdup("debian-tracker,osv-npm"),
        .db_sha256 = ld_xstrdup("sha256:" HEX64("a")),
        .db_size = 90112,
        .config_digest = ld_xstrdup("sha256:" HEX64("b")),
        .config_size = 140,
        .layer_digest = ld_xstrdup("sha256:" HEX64("c")),
        .layer_size = 4435,
    };
    return a;
}

static char *build(size_t *len)
{
    ld_vulndb_artifact a = sample();
    char *m = ld_vulndb_artifact_manifest_build(&a, len);
    ld_vulndb_artifact_clear(&a);
    assert_non_null(m);
    return m;
}

static void round_trip(void **state)
{
    (void)state;
    ld_vulndb_artifact a = sample();
    size_t len = 0;
    char *m = ld_vulndb_artifact_manifest_build(&a, &len);
    assert_non_null(m);
    assert_int_equal(strlen(m), len);
    /* deterministic: the same values, the same bytes (the same digest) */
    size_t len2 = 0;
    char *m2 = ld_vulndb_artifact_manifest_build(&a, &len2);
    assert_string_equal(m, m2);
    free(m2);
    ld_vulndb_artifact b;
    ld_error err = LD_ERROR_INIT;
    assert_int_equal(ld_vulndb_artifact_manifest_parse(m, len, &b, &err), 0);
    assert_int_equal(b.schema_version, a.schema_version);
    assert_int_equal(b.built_at, a.built_at);
    assert_string_equal(b.feeds, a.feeds);
    assert_string_equal(b.db_sha256, a.db_sha256);
    assert_int_equal(b.db_size, a.db_size);
    assert_string_equal(b.config_digest, a.config_digest);
    assert_int_equal(b.config_size, a.config_size);
    assert_string_equal(b.layer_digest, a.layer_digest);
    assert_int_equal(b.layer_size, a.layer_size);
    ld_vulndb_artifact_clear(&b);
    ld_vulndb_artifact_clear(&a);
    free(m);
}

/* The OCI shape, read with jansson: what registries and oras/crane see. */
static void oci_shape(void **state)
{
    (void)state;
    size_t len = 0;
    char *m = build(&len);
    json_error_t je;
    json_t *j = json_loadb(m, len, 0, &je);
    assert_non_null(j);
    assert_int_equal(json_integer_value(json_object_get(j, "schemaVersion")), 2);
    assert_string_equal(json_string_value(json_object_get(j, "mediaType")),
                        "application/vnd.oci.image.manifest.v1+json");
    assert_string_equal(json_string_value(json_object_get(j, "artifactType")),
                        LD_VULNDB_ARTIFACT_TYPE);
    json_t *cfg = json_object_get(j, "config");
    assert_string_equal(json_string_value(json_object_get(cfg, "mediaType")),
                        LD_VULNDB_CONFIG_TYPE);
    json_t *layers = json_object_get(j, "layers");
    assert_int_equal(json_array_size(layers), 1);
    json_t *l0 = json_array_get(layers, 0);
    assert_string_equal(json_string_value(json_object_get(l0, "mediaType")), LD_VULNDB_LAYER_TYPE);
    assert_int_equal(json_integer_value(json_object_get(l0, "size")), 4435);
    json_t *ann = json_object_get(j, "annotations");
    assert_string_equal(json_string_value(json_object_get(ann, LD_VULNDB_ANN_SCHEMA)), "1");
    assert_string_equal(json_string_value(json_object_get(ann, LD_VULNDB_ANN_BUILT)), "1764866000");
    assert_string_equal(json_string_value(json_object_get(ann, LD_OCI_ANN_CREATED)),
                        "2025-12-04T16:33:20Z");
    assert_string_equal(json_string_value(json_object_get(ann, LD_VULNDB_ANN_SIZE)), "90112");
    json_decref(j);
    free(m);

    ld_vulndb_artifact a = sample();
    size_t clen = 0;
    char *c = ld_vulndb_artifact_config_build(&a, &clen);
    assert_non_null(c);
    json_t *cj = json_loadb(c, clen, 0, &je);
    assert_non_null(cj);
    assert_string_equal(json_string_value(json_object_get(cj, "feeds")), a.feeds);
    json_decref(cj);
    free(c);
    ld_vulndb_artifact_clear(&a);
}

static void builder_refuses_bad_digests(void **state)
{
    (void)state;
    ld_vulndb_artifact a = sample();
    free(a.layer_digest);
    a.layer_digest = ld_xstrdup("sha256:" HEX64("C"));
    assert_null(ld_vulndb_artifact_manifest_build(&a, NULL));
    ld_vulndb_artifact_clear(&a);
}

/* The sample manifest edited by fn, then parsed: the error code and a
 * word of the message. */
typedef void (*edit_fn)(json_t *m);

static void expect_refused(edit_fn fn, int code, const char *word)
{
    size_t len = 0;
    char *m = build(&len);
    json_error_t je;
    json_t *j = json_loadb(m, len, 0, &je);
    free(m);
    fn(j);
    char *s = json_dumps(j, JSON_COMPACT);
    json_decref(j);
    ld_vulndb_artifact out;
    ld_error err = LD_ERROR_INIT;
    int rc = ld_vulndb_artifact_manifest_parse(s, strlen(s), &out, &err);
    if (rc != code || !strstr(err.msg, word))
        fail_msg("expected %d with \"%s\", got %d: %s", code, word, rc, err.msg);
    assert_null(out.feeds); /* cleared on failure */
    free(s);
}

static json_t *ann(json_t *m)
{
    return json_object_get(m, "annotations");
}
static json_t *layer0(json_t *m)
{
    return json_array_get(json_object_get(m, "layers"), 0);
}

static void e_artifact_type(json_t *m)
{
    json_object_set_new(m, "artifactType", json_string("application/vnd.example+json"));
}
static void e_media_type(json_t *m)
{
    json_object_set_new(m, "mediaType", json_string("application/vnd.oci.image.index.v1+json"));
}
static void e_layer_type(json_t *m)
{
    json_object_set_new(layer0(m), "mediaType",
                        json_string("application/vnd.oci.image.layer.v1.tar+gzip"));
}
static void e_two_layers(json_t *m)
{
    json_array_append(json_object_get(m, "layers"), layer0(m));
}
static void e_no_layers(json_t *m)
{
    json_array_clear(json_object_get(m, "layers"));
}
static void e_layer_digest(json_t *m)
{
    json_object_set_new(layer0(m), "digest", json_string("sha256:../../etc/passwd"));
}
static void e_layer_size_neg(json_t *m)
{
    json_object_set_new(layer0(m), "size", json_integer(-1));
}
static void e_layer_size_huge(json_t *m)
{
    json_object_set_new(layer0(m), "size", json_integer((json_int_t)1 << 60));
}
static void e_layer_size_zero(json_t *m)
{
    json_object_set_new(layer0(m), "size", json_integer(0));
}
static void e_config_big(json_t *m)
{
    json_object_set_new(json_object_get(m, "config"), "size", json_integer(1 << 20));
}
static void e_size_signed(json_t *m)
{
    json_object_set_new(ann(m), LD_VULNDB_ANN_SIZE, json_string("+90112"));
}
static void e_size_junk(json_t *m)
{
    json_object_set_new(ann(m), LD_VULNDB_ANN_SIZE, json_string("90112 "));
}
static void e_size_overflow(json_t *m)
{
    json_object_set_new(ann(m), LD_VULNDB_ANN_SIZE, json_string("99999999999999999999"));
}
static void e_schema_zero(json_t *m)
{
    json_object_set_new(ann(m), LD_VULNDB_ANN_SCHEMA, json_string("0"));
}
static void e_no_sha(json_t *m)
{
    json_object_del(ann(m), LD_VULNDB_ANN_SHA256);
}
static void e_sha_upper(json_t *m)
{
    json_object_set_new(ann(m), LD_VULNDB_ANN_SHA256, json_string("sha256:" HEX64("A")));
}
static void e_feeds_long(json_t *m)
{
    char *big = ld_xmalloc(LD_VULNDB_FEEDS_MAX + 2);
    memset(big, 'f', LD_VULNDB_FEEDS_MAX + 1);
    big[LD_VULNDB_FEEDS_MAX + 1] = '\0';
    json_object_set_new(ann(m), LD_VULNDB_ANN_FEEDS, json_string(big));
    free(big);
}
static void e_ann_number(json_t *m)
{
    json_object_set_new(ann(m), "x", json_integer(1));
}
static void e_built_far(json_t *m)
{
    json_object_set_new(ann(m), LD_VULNDB_ANN_BUILT, json_string("9223372036854775807"));
}

static void hostile_manifests(void **state)
{
    (void)state;
    expect_refused(e_artifact_type, LD_ERR_UNSUPPORTED, "artifactType");
    expect_refused(e_media_type, LD_ERR_UNSUPPORTED, "media type");
    expect_refused(e_layer_type, LD_ERR_CORRUPT, "not a lockdown vulnerability database");
    expect_refused(e_two_layers, LD_ERR_CORRUPT, "exactly one");
    expect_refused(e_no_layers, LD_ERR_CORRUPT, "exactly one");
    expect_refused(e_layer_digest, LD_ERR_CORRUPT, "digest");
    expect_refused(e_layer_size_neg, LD_ERR_CORRUPT, "size");
    expect_refused(e_layer_size_huge, LD_ERR_CORRUPT, "size");
    expect_refused(e_layer_size_zero, LD_ERR_CORRUPT, "empty");
    expect_refused(e_config_big, LD_ERR_CORRUPT, "config size");
    expect_refused(e_size_signed, LD_ERR_CORRUPT, LD_VULNDB_ANN_SIZE);
    expect_refused(e_size_junk, LD_ERR_CORRUPT, LD_VULNDB_ANN_SIZE);
    expect_refused(e_size_overflow, LD_ERR_CORRUPT, LD_VULNDB_ANN_SIZE);
    expect_refused(e_schema_zero, LD_ERR_CORRUPT, LD_VULNDB_ANN_SCHEMA);
    expect_refused(e_no_sha, LD_ERR_CORRUPT, LD_VULNDB_ANN_SHA256);
    expect_refused(e_sha_upper, LD_ERR_CORRUPT, LD_VULNDB_ANN_SHA256);
    expect_refused(e_feeds_long, LD_ERR_CORRUPT, LD_VULNDB_ANN_FEEDS);
    expect_refused(e_ann_number, LD_ERR_CORRUPT, "strings");
    expect_refused(e_built_far, LD_ERR_CORRUPT, LD_VULNDB_ANN_BUILT);
}

static void hostile_documents(void **state)
{
    (void)state;
    ld_vulndb_artifact out;
    ld_error err = LD_ERROR_INIT;
    const char *dup = "{\"schemaVersion\":2,\"schemaVersion\":2}";
    assert_int_equal(ld_vulndb_artifact_manifest_parse(dup, strlen(dup), &out, &err),
                     LD_ERR_CORRUPT);
    ld_error_clear(&err);
    const char *arr = "[]";
    assert_int_equal(ld_vulndb_artifact_manifest_parse(arr, 2, &out, &err), LD_ERR_CORRUPT);
    ld_error_clear(&err);
    assert_int_equal(ld_vulndb_artifact_manifest_parse("", 0, &out, &err), LD_ERR_CORRUPT);
    ld_error_clear(&err);
    /* nesting far past what a manifest has */
    size_t depth = 10000;
    char *deep = ld_xmalloc(2 * depth + 1);
    memset(deep, '[', depth);
    memset(deep + depth, ']', depth);
    deep[2 * depth] = '\0';
    assert_int_equal(ld_vulndb_artifact_manifest_parse(deep, 2 * depth, &out, &err), LD_ERR_LIMIT);
    free(deep);
    ld_error_clear(&err);
    /* over 1 MiB: refused before parsing */
    size_t big = (1u << 20) + 1;
    char *b = ld_xmalloc(big);
    memset(b, ' ', big);
    assert_int_equal(ld_vulndb_artifact_manifest_parse(b, big, &out, &err), LD_ERR_LIMIT);
    free(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(round_trip),
        cmocka_unit_test(oci_shape),
        cmocka_unit_test(builder_refuses_bad_digests),
        cmocka_unit_test(hostile_manifests),
        cmocka_unit_test(hostile_documents),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
