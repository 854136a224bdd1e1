/* The vulnerability database artifact's documents (vuln/db_oci.h): the
 * config blob and the OCI image manifest, written with jansson (keys
 * sorted, compact) and read back strictly. A manifest comes from a
 * registry: hostile input, bounded and checked member by member. No
 * network, no files. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "registry/client.h"
#include "util/json_budget.h"
#include "util/mem.h"
#include "vuln/db_oci.h"

#define MANIFEST_PARSE_MAX ((size_t)1024 * 1024)
#define MAX_SIZE_VALUE ((uint64_t)1 << 53)    /* exact in JSON numbers */
#define MAX_BUILT_AT ((uint64_t)253402300799) /* 9999-12-31T23:59:59Z */

static const ld_json_limits manifest_limits = {
    .max_values = 4096, .max_containers = 256, .max_depth = 8};

void ld_vulndb_artifact_clear(ld_vulndb_artifact *a)
{
    if (!a)
        return;
    free(a->feeds);
    free(a->db_sha256);
    free(a->config_digest);
    free(a->layer_digest);
    memset(a, 0, sizeof(*a));
}

static bool sha256_digest_ok(const char *s)
{
    if (!s || strncmp(s, "sha256:", 7) != 0 || strlen(s) != 7 + 64)
        return false;
    for (const char *p = s + 7; *p; p++)
        if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f')))
            return false;
    return true;
}

/* A decimal of digits only (no sign, no blank), at most max. */
static bool parse_decimal(const char *s, uint64_t max, uint64_t *out)
{
    if (!s || !*s || strlen(s) > 20)
        return false;
    uint64_t v = 0;
    for (const char *p = s; *p; p++) {
        if (*p < '0' || *p > '9')
            return false;
        if (__builtin_mul_overflow(v, 10, &v) ||
            __builtin_add_overflow(v, (uint64_t)(*p - '0'), &v))
            return false;
    }
    if (v > max)
        return false;
    *out = v;
    return true;
}

static json_t *descriptor(const char *media_type, const char *digest, uint64_t size)
{
    return json_pack("{s:s, s:s, s:I}", "mediaType", media_type, "digest", digest, "size",
                     (json_int_t)size);
}

char *ld_vulndb_artifact_config_build(const ld_vulndb_artifact *a, size_t *len)
{
    json_t *o =
        json_pack("{s:I, s:I, s:s, s:s, s:I}", "schemaVersion", (json_int_t)a->schema_version,
                  "builtAt", (json_int_t)a->built_at, "feeds", a->feeds ? a->feeds : "", "sha256",
                  a->db_sha256 ? a->db_sha256 : "", "size", (json_int_t)a->db_size);
    if (!o)
        return NULL;
    char *s = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(o);
    if (s && len)
        *len = strlen(s);
    return s;
}

char *ld_vulndb_artifact_manifest_build(const ld_vulndb_artifact *a, size_t *len)
{
    if (!sha256_digest_ok(a->config_digest) || !sha256_digest_ok(a->layer_digest) ||
        !sha256_digest_ok(a->db_sha256))
        return NULL;
    char schema[24], built[24], size[24], created[32];
    snprintf(schema, sizeof(schema), "%ld", a->schema_version);
    snprintf(built, sizeof(built), "%" PRId64, a->built_at);
    snprintf(size, sizeof(size), "%" PRIu64, a->db_size);
    time_t t = (time_t)a->built_at;
    struct tm tm;
    if (!gmtime_r(&t, &tm) || !strftime(created, sizeof(created), "%Y-%m-%dT%H:%M:%SZ", &tm))
        return NULL;
    json_t *layer = descriptor(LD_VULNDB_LAYER_TYPE, a->layer_digest, a->layer_size);
    if (layer)
        json_object_set_new(layer, "annotations",
                            json_pack("{s:s}", LD_OCI_ANN_TITLE, "vuln.db.zst"));
    json_t *m =
        json_pack("{s:i, s:s, s:s, s:o, s:[o], s:{s:s, s:s, s:s, s:s, s:s, s:s}}", "schemaVersion",
                  2, "mediaType", LD_MT_OCI_MANIFEST, "artifactType", LD_VULNDB_ARTIFACT_TYPE,
                  "config", descriptor(LD_VULNDB_CONFIG_TYPE, a->config_digest, a->config_size),
                  "layers", layer, "annotations", LD_VULNDB_ANN_SCHEMA, schema, LD_VULNDB_ANN_BUILT,
                  built, LD_VULNDB_ANN_FEEDS, a->feeds ? a->feeds : "", LD_VULNDB_ANN_SHA256,
                  a->db_sha256, LD_VULNDB_ANN_SIZE, size, LD_OCI_ANN_CREATED, created);
    if (!m)
        return NULL;
    char *s = json_dumps(m, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(m);
    if (s && len)
        *len = strlen(s);
    return s;
}

/* A string member, NULL when absent or not a string. */
static const char *str_member(json_t *o, const char *key)
{
    return json_string_value(json_object_get(o, key));
}

/* A descriptor's digest and size; the media type must be want. */
static int read_descriptor(json_t *d, const char *what, const char *want, uint64_t max_size,
                           char **digest, uint64_t *size, ld_error *err)
{
    if (!json_is_object(d))
        return ld_error_set(err, LD_ERR_CORRUPT, "artifact manifest: %s is not an object", what);
    const char *mt = str_member(d, "mediaType");
    if (!mt || strcmp(mt, want) != 0)
        return ld_error_set(err, LD_ERR_CORRUPT,
                            "artifact manifest: %s media type is not %s: not a lockdown "
                            "vulnerability database",
                            what, want);
    const char *dg = str_member(d, "digest");
    if (!sha256_digest_ok(dg))
        return ld_error_set(err, LD_ERR_CORRUPT,
                            "artifact manifest: %s digest is not a sha256 digest", what);
    json_t *sz = json_object_get(d, "size");
    if (!json_is_integer(sz) || json_integer_value(sz) < 0 ||
        (uint64_t)json_integer_value(sz) > max_size)
        return ld_error_set(err, LD_ERR_CORRUPT,
                            "artifact manifest: %s size is not an integer from 0 to %" PRIu64, what,
                            max_size);
    *digest = ld_xstrdup(dg);
    *size = (uint64_t)json_integer_value(sz);
    return 0;
}

static int read_annotations(json_t *ann, ld_vulndb_artifact *out, ld_error *err)
{
    if (!json_is_object(ann))
        return ld_error_set(err, LD_ERR_CORRUPT, "artifact manifest: no annotations object");
    const char *key;
    json_t *v;
    json_object_foreach(ann, key, v)
    {
        if (!json_is_string(v))
            return ld_error_set(err, LD_ERR_CORRUPT,
                                "artifact manifest: annotation values must be strings");
    }
    uint64_t n = 0;
    if (!parse_decimal(str_member(ann, LD_VULNDB_ANN_SCHEMA), 1000000, &n) || n == 0)
        return ld_error_set(err, LD_ERR_CORRUPT, "artifact manifest: %s is missing or not a number",
                            LD_VULNDB_ANN_SCHEMA);
    out->schema_version = (long)n;
    if (!parse_decimal(str_member(ann, LD_VULNDB_ANN_BUILT), MAX_BUILT_AT, &n))
        return ld_error_set(err, LD_ERR_CORRUPT, "artifact manifest: %s is missing or not a number",
                            LD_VULNDB_ANN_BUILT);
    out->built_at = (int64_t)n;
    if (!parse_decimal(str_member(ann, LD_VULNDB_ANN_SIZE), MAX_SIZE_VALUE, &out->db_size))
        return ld_error_set(err, LD_ERR_CORRUPT, "artifact manifest: %s is missing or not a number",
                            LD_VULNDB_ANN_SIZE);
    const char *sha = str_member(ann, LD_VULNDB_ANN_SHA256);
    if (!sha256_digest_ok(sha))
        return ld_error_set(err, LD_ERR_CORRUPT,
                            "artifact manifest: %s is missing or not a sha256 digest",
                            LD_VULNDB_ANN_SHA256);
    out->db_sha256 = ld_xstrdup(sha);
    json_t *feeds = json_object_get(ann, LD_VULNDB_ANN_FEEDS);
    if (!json_is_string(feeds) || json_string_length(feeds) > LD_VULNDB_FEEDS_MAX ||
        strlen(json_string_value(feeds)) != json_string_length(feeds))
        return ld_error_set(err, LD_ERR_CORRUPT,
                            "artifact manifest: %s is missing, has a NUL byte or is over %zu bytes",
                            LD_VULNDB_ANN_FEEDS, LD_VULNDB_FEEDS_MAX);
    out->feeds = ld_xstrdup(json_string_value(feeds));
    return 0;
}

static int parse_tree(json_t *m, ld_vulndb_artifact *out, ld_error *err)
{
    if (!json_is_object(m))
        return ld_error_set(err, LD_ERR_CORRUPT, "artifact manifest: not a JSON object");
    json_t *sv = json_object_get(m, "schemaVersion");
    if (!json_is_integer(sv) || json_integer_value(sv) != 2)
        return ld_error_set(err, LD_ERR_CORRUPT, "artifact manifest: schemaVersion is not 2");
    const char *mt = str_member(m, "mediaType");
    if (!mt || strcmp(mt, LD_MT_OCI_MANIFEST) != 0)
        return ld_error_set(err, LD_ERR_UNSUPPORTED,
                            "artifact manifest: media type is not %s: not a lockdown "
                            "vulnerability database",
                            LD_MT_OCI_MANIFEST);
    json_t *at = json_object_get(m, "artifactType");
    if (at && (!json_is_string(at) || strcmp(json_string_value(at), LD_VULNDB_ARTIFACT_TYPE) != 0))
        return ld_error_set(err, LD_ERR_UNSUPPORTED,
                            "artifact manifest: artifactType is not %s: not a lockdown "
                            "vulnerability database",
                            LD_VULNDB_ARTIFACT_TYPE);
    if (read_descriptor(json_object_get(m, "config"), "config", LD_VULNDB_CONFIG_TYPE,
                        LD_VULNDB_CONFIG_MAX, &out->config_digest, &out->config_size, err) < 0)
        return err->code;
    json_t *layers = json_object_get(m, "layers");
    if (!json_is_array(layers) || json_array_size(layers) != 1)
        return ld_error_set(err, LD_ERR_CORRUPT,
                            "artifact manifest: layers must hold exactly one database layer");
    if (read_descriptor(json_array_get(layers, 0), "layer", LD_VULNDB_LAYER_TYPE, MAX_SIZE_VALUE,
                        &out->layer_digest, &out->layer_size, err) < 0)
        return err->code;
    if (out->layer_size == 0)
        return ld_error_set(err, LD_ERR_CORRUPT, "artifact manifest: the layer is empty");
    return read_annotations(json_object_get(m, "annotations"), out, err);
}

int ld_vulndb_artifact_manifest_parse(const void *buf, size_t len, ld_vulndb_artifact *out,
                                      ld_error *err)
{
    memset(out, 0, sizeof(*out));
    if (len > MANIFEST_PARSE_MAX)
        return ld_error_set(err, LD_ERR_LIMIT,
                            "artifact manifest: %zu bytes, over the limit of %zu", len,
                            MANIFEST_PARSE_MAX);
    json_t *m = ld_json_load_bounded("artifact manifest", buf, len, JSON_REJECT_DUPLICATES,
                                     &manifest_limits, err);
    if (!m)
        return err->code;
    int rc = parse_tree(m, out, err);
    json_decref(m);
    if (rc < 0)
        ld_vulndb_artifact_clear(out);
    return rc;
}
