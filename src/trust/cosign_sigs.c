/* The signature image of cosign and containers/image: the manifest stored
 * under the sha256-<hex>.sig tag, whose layers are simple-signing payloads
 * each carrying its signature in an annotation (cosign.h). Parsed from an
 * OCI or Docker v2 schema 2 manifest, strictly and within limits (layer
 * count, annotation sizes, base64); built again (config and OCI manifest)
 * byte for byte as containers/image writes them, so that a signature
 * lockdown adds sits beside those already there. */
#include <stdlib.h>
#include <string.h>

#include "registry/client.h"
#include "trust/cosign.h"
#include "trust/gojson.h"
#include "trust/json_strict.h"
#include "trust/trust_b64.h"
#include "util/json_budget.h"
#include "util/mem.h"

#define SIGS_NAME "signature manifest"

/* 256 layers of a few members each fit easily; a hostile 4 MiB of
 * nesting or tiny values is refused before jansson builds it. */
static const ld_json_limits sigs_limits = {
    .max_values = 400000,
    .max_containers = 60000,
    .max_depth = 32,
};

static void sig_clear(ld_cosign_sig *s)
{
    free(s->payload_digest);
    free(s->media_type);
    free(s->signature);
    free(s->certificate);
    free(s->chain);
    free(s->bundle_json);
    free(s->other_annotations);
    memset(s, 0, sizeof(*s));
}

void ld_cosign_sigs_clear(ld_cosign_sigs *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->n; i++)
        sig_clear(&s->v[i]);
    for (size_t i = 0; i < s->n_other; i++)
        sig_clear(&s->other[i]);
    free(s->v);
    free(s->other);
    memset(s, 0, sizeof(*s));
}

/* A descriptor's digest and size (config or layer at where). */
static int read_descriptor(const json_t *d, const char *where, const char **digest, uint64_t *size,
                           ld_error *err)
{
    if (!json_is_object(d))
        return ld_error_set(err, LD_ERR_CORRUPT, SIGS_NAME ": %s: must be an object, not %s", where,
                            d ? ld_js_kind(d) : "missing");
    const json_t *mt = json_object_get(d, "mediaType");
    if (!json_is_string(mt))
        return ld_error_set(err, LD_ERR_CORRUPT,
                            SIGS_NAME ": %s.mediaType: must be a string, not %s", where,
                            mt ? ld_js_kind(mt) : "missing");
    const json_t *dg = json_object_get(d, "digest");
    if (!json_is_string(dg) || !ld_cosign_digest_valid(json_string_value(dg)))
        return ld_error_set(err, LD_ERR_CORRUPT,
                            SIGS_NAME ": %s.digest: missing or not a valid digest", where);
    const json_t *sz = json_object_get(d, "size");
    if (!json_is_integer(sz) || json_integer_value(sz) < 0)
        return ld_error_set(err, LD_ERR_CORRUPT,
                            SIGS_NAME ": %s.size: must be a non-negative integer", where);
    *digest = json_string_value(dg);
    *size = (uint64_t)json_integer_value(sz);
    return 0;
}

/* An annotation value of at most LD_COSIGN_MAX_ANNOTATION_BYTES, copied. */
static int annotation_text(const json_t *v, const char *where, const char *key, char **out,
                           ld_error *err)
{
    size_t n = json_string_length(v);
    if (n > LD_COSIGN_MAX_ANNOTATION_BYTES)
        return ld_error_set(err, LD_ERR_LIMIT,
                            SIGS_NAME ": %s: annotation %s is %zu bytes, over the limit of %zu",
                            where, key, n, LD_COSIGN_MAX_ANNOTATION_BYTES);
    *out = ld_xstrndup(json_string_value(v), n);
    return 0;
}

/* The annotations of a layer: every value a string; the known cosign ones
 * go to their fields when known is true, the rest into other_annotations. */
static int read_annotations(const json_t *ann, const char *where, bool known, ld_cosign_sig *s,
                            ld_error *err)
{
    if (!ann || json_is_null(ann))
        return 0;
    if (!json_is_object(ann))
        return ld_error_set(err, LD_ERR_CORRUPT,
                            SIGS_NAME ": %s.annotations: must be an object, not %s", where,
                            ld_js_kind(ann));
    ld_autojson json_t *rest = json_object();
    const char *key;
    json_t *value;
    json_object_foreach((json_t *)ann, key, value)
    {
        char q[160];
        ld_js_quote(q, sizeof(q), key);
        if (!json_is_string(value))
            return ld_error_set(err, LD_ERR_CORRUPT,
                                SIGS_NAME ": %s.annotations[%s]: must be a string, not %s", where,
                                q, ld_js_kind(value));
        char **field = NULL;
        if (known && strcmp(key, LD_COSIGN_CERT_ANNOTATION) == 0)
            field = &s->certificate;
        else if (known && strcmp(key, LD_COSIGN_CHAIN_ANNOTATION) == 0)
            field = &s->chain;
        else if (known && strcmp(key, LD_COSIGN_BUNDLE_ANNOTATION) == 0)
            field = &s->bundle_json;
        if (known && strcmp(key, LD_COSIGN_SIG_ANNOTATION) == 0)
            continue; /* decoded by the caller */
        if (field) {
            int rc = annotation_text(value, where, q, field, err);
            if (rc < 0)
                return rc;
            continue;
        }
        if (json_string_length(value) > LD_COSIGN_MAX_ANNOTATION_BYTES)
            return ld_error_set(err, LD_ERR_LIMIT,
                                SIGS_NAME ": %s: annotation %s is over the limit of %zu bytes",
                                where, q, LD_COSIGN_MAX_ANNOTATION_BYTES);
        json_object_set(rest, key, value);
    }
    if (json_object_size(rest)) {
        s->other_annotations = json_dumps(rest, JSON_COMPACT | JSON_SORT_KEYS);
        if (!s->other_annotations)
            return ld_error_set(err, LD_ERR_NOMEM, SIGS_NAME ": %s: annotations not kept", where);
    }
    return 0;
}

static int read_signature(const json_t *ann, const char *where, ld_cosign_sig *s, ld_error *err)
{
    const json_t *sig = json_is_object(ann) ? json_object_get(ann, LD_COSIGN_SIG_ANNOTATION) : NULL;
    if (!json_is_string(sig))
        return ld_error_set(err, LD_ERR_CORRUPT,
                            SIGS_NAME ": %s: a " LD_COSIGN_PAYLOAD_TYPE
                                      " layer without the annotation " LD_COSIGN_SIG_ANNOTATION,
                            where);
    size_t n = json_string_length(sig);
    if (n > LD_COSIGN_MAX_SIGNATURE_BYTES * 4 / 3 + 8)
        return ld_error_set(err, LD_ERR_LIMIT,
                            SIGS_NAME ": %s: the signature annotation is %zu bytes, over the "
                                      "limit of %zu",
                            where, n, LD_COSIGN_MAX_SIGNATURE_BYTES * 4 / 3 + 8);
    if (!ld_trust_b64_decode_std(json_string_value(sig), n, &s->signature, &s->signature_len))
        return ld_error_set(err, LD_ERR_CORRUPT,
                            SIGS_NAME ": %s: the signature annotation is not base64", where);
    if (s->signature_len == 0)
        return ld_error_set(err, LD_ERR_CORRUPT, SIGS_NAME ": %s: the signature is empty", where);
    return 0;
}

static int read_layer(const json_t *layer, const char *where, ld_cosign_sigs *out, ld_error *err)
{
    const char *digest = NULL;
    uint64_t size = 0;
    int rc = read_descriptor(layer, where, &digest, &size, err);
    if (rc < 0)
        return rc;
    const char *mt = json_string_value(json_object_get(layer, "mediaType"));
    bool is_sig = strcmp(mt, LD_COSIGN_PAYLOAD_TYPE) == 0;
    if (is_sig && size > LD_COSIGN_MAX_PAYLOAD_BYTES)
        return ld_error_set(err, LD_ERR_LIMIT,
                            SIGS_NAME ": %s: a payload of %llu bytes, over the limit of %zu", where,
                            (unsigned long long)size, LD_COSIGN_MAX_PAYLOAD_BYTES);
    ld_cosign_sig *s;
    if (is_sig) {
        out->v = ld_xrealloc(out->v, (out->n + 1) * sizeof(*out->v));
        s = &out->v[out->n++];
    } else {
        out->other = ld_xrealloc(out->other, (out->n_other + 1) * sizeof(*out->other));
        s = &out->other[out->n_other++];
    }
    memset(s, 0, sizeof(*s));
    s->payload_digest = ld_xstrdup(digest);
    s->payload_size = size;
    s->media_type = ld_xstrdup(mt);
    const json_t *ann = json_object_get(layer, "annotations");
    if (is_sig && (rc = read_signature(ann, where, s, err)) < 0)
        return rc;
    return read_annotations(ann, where, is_sig, s, err);
}

int ld_cosign_sigs_parse(const void *manifest, size_t len, ld_cosign_sigs *out, ld_error *err)
{
    memset(out, 0, sizeof(*out));
    if (len > LD_COSIGN_MAX_MANIFEST_BYTES)
        return ld_error_set(err, LD_ERR_LIMIT, SIGS_NAME ": %zu bytes, over the limit of %zu", len,
                            LD_COSIGN_MAX_MANIFEST_BYTES);
    ld_autojson json_t *root = ld_json_load_bounded(SIGS_NAME, manifest ? manifest : "", len,
                                                    JSON_REJECT_DUPLICATES, &sigs_limits, err);
    if (!root)
        return err->code ? err->code : LD_ERR_CORRUPT;
    if (!json_is_object(root))
        return ld_error_set(err, LD_ERR_CORRUPT, SIGS_NAME ": must be an object, not %s",
                            ld_js_kind(root));
    const json_t *sv = json_object_get(root, "schemaVersion");
    if (!json_is_integer(sv) || json_integer_value(sv) != 2)
        return ld_error_set(err, LD_ERR_CORRUPT, SIGS_NAME ": schemaVersion: must be 2");
    const json_t *mt = json_object_get(root, "mediaType");
    if (mt && !json_is_string(mt))
        return ld_error_set(err, LD_ERR_CORRUPT, SIGS_NAME ": mediaType: must be a string, not %s",
                            ld_js_kind(mt));
    const char *media = mt ? json_string_value(mt) : NULL;
    if (media && strcmp(media, LD_MT_OCI_MANIFEST) != 0 &&
        strcmp(media, LD_MT_DOCKER_MANIFEST) != 0) {
        char q[160];
        ld_js_quote(q, sizeof(q), media);
        return ld_error_set(err, LD_ERR_CORRUPT,
                            SIGS_NAME ": mediaType %s is not an image manifest (OCI or Docker v2 "
                                      "schema 2)",
                            q);
    }
    if (!media && json_object_get(root, "manifests"))
        return ld_error_set(err, LD_ERR_CORRUPT,
                            SIGS_NAME ": an image index, not an image manifest");
    const char *cfg_digest = NULL;
    uint64_t cfg_size = 0;
    int rc =
        read_descriptor(json_object_get(root, "config"), "config", &cfg_digest, &cfg_size, err);
    if (rc < 0)
        return rc;
    const json_t *layers = json_object_get(root, "layers");
    if (!json_is_array(layers))
        return ld_error_set(err, LD_ERR_CORRUPT, SIGS_NAME ": layers: must be an array, not %s",
                            layers ? ld_js_kind(layers) : "missing");
    size_t n = json_array_size(layers);
    if (n > LD_COSIGN_MAX_LAYERS)
        return ld_error_set(err, LD_ERR_LIMIT,
                            SIGS_NAME ": %zu layers, over the limit of %d signatures", n,
                            LD_COSIGN_MAX_LAYERS);
    for (size_t i = 0; i < n; i++) {
        char where[32];
        snprintf(where, sizeof(where), "layers[%zu]", i);
        if ((rc = read_layer(json_array_get(layers, i), where, out, err)) < 0) {
            ld_cosign_sigs_clear(out);
            return rc;
        }
    }
    return 0;
}

/* ---- building ---- */

static void diff_ids(ld_gojson *j, const ld_cosign_sig *v, size_t n, bool *first)
{
    for (size_t i = 0; i < n; i++) {
        if (!*first)
            ld_gojson_raw(j, ",");
        *first = false;
        ld_gojson_string(j, v[i].payload_digest, strlen(v[i].payload_digest));
    }
}

static bool layers_valid(const ld_cosign_sig *v, size_t n, bool sig)
{
    for (size_t i = 0; i < n; i++) {
        if (!ld_cosign_digest_valid(v[i].payload_digest))
            return false;
        if (sig && (!v[i].signature || !v[i].signature_len))
            return false;
        if (!sig && !v[i].media_type)
            return false;
    }
    return true;
}

char *ld_cosign_sig_config_build(const ld_cosign_sigs *sigs, size_t *config_len)
{
    if (!layers_valid(sigs->v, sigs->n, true) || !layers_valid(sigs->other, sigs->n_other, false))
        return NULL;
    ld_gojson j = {0};
    /* an empty imgspecv1.Image: Go writes architecture, os and config even
     * when empty; rootfs.diff_ids are the layers' digests */
    ld_gojson_raw(&j, "{\"architecture\":\"\",\"os\":\"\",\"config\":{},\"rootfs\":{\"type\":"
                      "\"layers\",\"diff_ids\":[");
    bool first = true;
    diff_ids(&j, sigs->v, sigs->n, &first);
    diff_ids(&j, sigs->other, sigs->n_other, &first);
    ld_gojson_raw(&j, "]}}");
    return ld_gojson_take(&j, config_len);
}

typedef struct {
    const char *key;
    char *value; /* owned */
} annotation;

static int annotation_cmp(const void *a, const void *b)
{
    return strcmp(((const annotation *)a)->key, ((const annotation *)b)->key);
}

/* The layer's annotations, sorted as Go sorts map keys. false when
 * other_annotations is not a JSON object of strings. */
static bool write_layer(ld_gojson *j, const ld_cosign_sig *s, bool sig)
{
    ld_autojson json_t *other = NULL;
    if (s->other_annotations) {
        json_error_t je;
        other = json_loads(s->other_annotations, JSON_REJECT_DUPLICATES, &je);
        if (!json_is_object(other))
            return false;
    }
    size_t cap = 4 + (other ? json_object_size(other) : 0), n = 0;
    annotation *a = ld_xcalloc(cap, sizeof(*a));
    bool ok = true;
    if (sig) {
        a[n++] = (annotation){LD_COSIGN_SIG_ANNOTATION,
                              ld_trust_b64_encode(s->signature, s->signature_len)};
        if (s->certificate)
            a[n++] = (annotation){LD_COSIGN_CERT_ANNOTATION, ld_xstrdup(s->certificate)};
        if (s->chain)
            a[n++] = (annotation){LD_COSIGN_CHAIN_ANNOTATION, ld_xstrdup(s->chain)};
        if (s->bundle_json)
            a[n++] = (annotation){LD_COSIGN_BUNDLE_ANNOTATION, ld_xstrdup(s->bundle_json)};
    }
    const char *key;
    json_t *value;
    if (other)
        json_object_foreach(other, key, value)
        {
            bool dup = false;
            for (size_t i = 0; i < n && !dup; i++)
                dup = strcmp(a[i].key, key) == 0;
            if (dup)
                continue; /* the struct's own field wins */
            if (!json_is_string(value)) {
                ok = false;
                break;
            }
            a[n++] = (annotation){key, ld_xstrdup(json_string_value(value))};
        }
    if (ok) {
        qsort(a, n, sizeof(*a), annotation_cmp);
        const char *mt = s->media_type ? s->media_type : LD_COSIGN_PAYLOAD_TYPE;
        ld_gojson_raw(j, "{\"mediaType\":");
        ld_gojson_string(j, mt, strlen(mt));
        ld_gojson_raw(j, ",\"digest\":");
        ld_gojson_string(j, s->payload_digest, strlen(s->payload_digest));
        ld_gojson_raw(j, ",\"size\":");
        ld_gojson_uint(j, s->payload_size);
        if (n) {
            ld_gojson_raw(j, ",\"annotations\":{");
            for (size_t i = 0; i < n; i++) {
                ld_gojson_key(j, a[i].key, i == 0);
                ld_gojson_string(j, a[i].value, strlen(a[i].value));
            }
            ld_gojson_raw(j, "}");
        }
        ld_gojson_raw(j, "}");
    }
    for (size_t i = 0; i < n; i++)
        free(a[i].value);
    free(a);
    return ok;
}

char *ld_cosign_sig_manifest_build(const ld_cosign_sigs *sigs, const char *config_digest,
                                   size_t config_len, size_t *len)
{
    if (!ld_cosign_digest_valid(config_digest) || !layers_valid(sigs->v, sigs->n, true) ||
        !layers_valid(sigs->other, sigs->n_other, false))
        return NULL;
    ld_gojson j = {0};
    ld_gojson_raw(&j, "{\"schemaVersion\":2,\"mediaType\":\"" LD_MT_OCI_MANIFEST
                      "\",\"config\":{\"mediaType\":\"" LD_COSIGN_CONFIG_TYPE "\",\"digest\":");
    ld_gojson_string(&j, config_digest, strlen(config_digest));
    ld_gojson_raw(&j, ",\"size\":");
    ld_gojson_uint(&j, config_len);
    ld_gojson_raw(&j, "},\"layers\":[");
    bool ok = true;
    for (size_t i = 0; i < sigs->n && ok; i++) {
        if (i)
            ld_gojson_raw(&j, ",");
        ok = write_layer(&j, &sigs->v[i], true);
    }
    for (size_t i = 0; i < sigs->n_other && ok; i++) {
        if (i || sigs->n)
            ld_gojson_raw(&j, ",");
        ok = write_layer(&j, &sigs->other[i], false);
    }
    ld_gojson_raw(&j, "]}");
    if (!ok) {
        ld_gojson_clear(&j);
        return NULL;
    }
    return ld_gojson_take(&j, len);
}
