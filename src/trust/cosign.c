/* Cosign's simple-signing payload, the way containers/image reads and
 * writes it (see cosign.h and containers-signature(5)): the strict parser
 * (exact members at every level of "critical", duplicate keys refused,
 * bounded), the deterministic builder, and the tag that holds an image's
 * signatures. The signature image's manifest is in cosign_sigs.c, Sigstore
 * bundles in sigstore_bundle.c. No key and no network here. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "registry/client.h"
#include "trust/cosign.h"
#include "trust/gojson.h"
#include "trust/json_strict.h"
#include "util/json_budget.h"
#include "util/mem.h"

#define PAYLOAD_NAME "signature payload"

/* A payload is a handful of members; the optional object may hold user
 * annotations, so the budget is generous but small next to the 4 MiB. */
static const ld_json_limits payload_limits = {
    .max_values = 100000,
    .max_containers = 20000,
    .max_depth = 64,
};

bool ld_cosign_digest_valid(const char *s)
{
    if (!s)
        return false;
    size_t hex_len;
    const char *hex;
    if (strncmp(s, "sha256:", 7) == 0) {
        hex = s + 7;
        hex_len = 64;
    } else if (strncmp(s, "sha384:", 7) == 0) {
        hex = s + 7;
        hex_len = 96;
    } else if (strncmp(s, "sha512:", 7) == 0) {
        hex = s + 7;
        hex_len = 128;
    } else {
        return false;
    }
    size_t n = 0;
    for (; hex[n]; n++)
        if (!((hex[n] >= '0' && hex[n] <= '9') || (hex[n] >= 'a' && hex[n] <= 'f')) || n >= hex_len)
            return false;
    return n == hex_len;
}

char *ld_cosign_sig_tag(const char *digest)
{
    if (!ld_cosign_digest_valid(digest))
        return NULL;
    const char *colon = strchr(digest, ':');
    return ld_xasprintf("%.*s-%s.sig", (int)(colon - digest), digest, colon + 1);
}

void ld_cosign_payload_clear(ld_cosign_payload *p)
{
    if (!p)
        return;
    free(p->docker_reference);
    free(p->manifest_digest);
    free(p->type);
    free(p->optional_json);
    free(p->creator);
    memset(p, 0, sizeof(*p));
}

/* obj[key] as a string, or LD_ERR_CORRUPT naming where.key. */
static int string_member(const json_t *obj, const char *key, const char *where, const char **out,
                         ld_error *err)
{
    const json_t *v = json_object_get(obj, key);
    if (!json_is_string(v))
        return ld_error_set(err, LD_ERR_CORRUPT, PAYLOAD_NAME ": %s.%s: must be a string, not %s",
                            where, key, v ? ld_js_kind(v) : "missing");
    *out = json_string_value(v);
    return 0;
}

/* optional: null, or an object whose creator is a string and timestamp an
 * integer (Go reads it as a float64 and refuses a fraction). */
static int read_optional(const json_t *opt, ld_cosign_payload *out, ld_error *err)
{
    if (json_is_null(opt))
        return 0;
    if (!json_is_object(opt))
        return ld_error_set(err, LD_ERR_CORRUPT,
                            PAYLOAD_NAME ": optional: must be an object or null, not %s",
                            ld_js_kind(opt));
    const json_t *creator = json_object_get(opt, "creator");
    if (creator) {
        if (!json_is_string(creator))
            return ld_error_set(err, LD_ERR_CORRUPT,
                                PAYLOAD_NAME ": optional.creator: must be a string, not %s",
                                ld_js_kind(creator));
        out->creator = ld_xstrdup(json_string_value(creator));
    }
    const json_t *ts = json_object_get(opt, "timestamp");
    if (ts) {
        if (json_is_integer(ts)) {
            out->timestamp = (int64_t)json_integer_value(ts);
        } else if (json_is_real(ts)) {
            double d = json_real_value(ts);
            /* within int64 and without a fraction, as containers/image wants */
            if (!(d >= -9223372036854775808.0 && d < 9223372036854775808.0) || d != floor(d))
                return ld_error_set(err, LD_ERR_CORRUPT,
                                    PAYLOAD_NAME ": optional.timestamp: is not an integer");
            out->timestamp = (int64_t)d;
        } else {
            return ld_error_set(err, LD_ERR_CORRUPT,
                                PAYLOAD_NAME ": optional.timestamp: must be a number, not %s",
                                ld_js_kind(ts));
        }
        out->has_timestamp = true;
    }
    out->optional_json = json_dumps(opt, JSON_COMPACT | JSON_SORT_KEYS);
    if (!out->optional_json)
        return ld_error_set(err, LD_ERR_NOMEM, PAYLOAD_NAME ": optional: could not be kept");
    return 0;
}

static int read_critical(const json_t *crit, ld_cosign_payload *out, ld_error *err)
{
    static const char *const crit_fields[] = {"identity", "image", "type"};
    static const char *const image_fields[] = {"docker-manifest-digest"};
    static const char *const identity_fields[] = {"docker-reference"};
    int rc = ld_js_members(crit, crit_fields, 3, true, PAYLOAD_NAME, "critical", err);
    if (rc < 0)
        return rc;
    const char *type = NULL, *digest = NULL, *ref = NULL;
    if ((rc = string_member(crit, "type", "critical", &type, err)) < 0)
        return rc;
    if (strcmp(type, LD_COSIGN_SIGNATURE_TYPE) != 0) {
        char q[160];
        ld_js_quote(q, sizeof(q), type);
        return ld_error_set(err, LD_ERR_CORRUPT,
                            PAYLOAD_NAME ": critical.type: unrecognized signature type %s "
                                         "(expected \"" LD_COSIGN_SIGNATURE_TYPE "\")",
                            q);
    }
    const json_t *image = json_object_get(crit, "image");
    if ((rc = ld_js_members(image, image_fields, 1, true, PAYLOAD_NAME, "critical.image", err)) <
            0 ||
        (rc = string_member(image, "docker-manifest-digest", "critical.image", &digest, err)) < 0)
        return rc;
    if (!ld_cosign_digest_valid(digest)) {
        char q[160];
        ld_js_quote(q, sizeof(q), digest);
        return ld_error_set(err, LD_ERR_CORRUPT,
                            PAYLOAD_NAME ": critical.image.docker-manifest-digest: %s is not a "
                                         "valid digest (sha256:, sha384: or sha512: and hex)",
                            q);
    }
    const json_t *identity = json_object_get(crit, "identity");
    if ((rc = ld_js_members(identity, identity_fields, 1, true, PAYLOAD_NAME, "critical.identity",
                            err)) < 0 ||
        (rc = string_member(identity, "docker-reference", "critical.identity", &ref, err)) < 0)
        return rc;
    ld_reg_ref parsed;
    ld_error ref_err = LD_ERROR_INIT;
    if (ld_reg_ref_parse(ref, &parsed, &ref_err) < 0)
        return ld_error_set(err, LD_ERR_CORRUPT,
                            PAYLOAD_NAME ": critical.identity.docker-reference: %s", ref_err.msg);
    ld_reg_ref_clear(&parsed);
    out->type = ld_xstrdup(type);
    out->manifest_digest = ld_xstrdup(digest);
    out->docker_reference = ld_xstrdup(ref);
    return 0;
}

int ld_cosign_payload_parse(const void *buf, size_t len, ld_cosign_payload *out, ld_error *err)
{
    static const char *const top_fields[] = {"critical", "optional"};
    memset(out, 0, sizeof(*out));
    if (len > LD_COSIGN_MAX_PAYLOAD_BYTES)
        return ld_error_set(err, LD_ERR_LIMIT,
                            PAYLOAD_NAME ": %zu bytes, over the limit of %zu; not read", len,
                            LD_COSIGN_MAX_PAYLOAD_BYTES);
    ld_autojson json_t *root = ld_json_load_bounded(PAYLOAD_NAME, buf ? buf : "", len,
                                                    JSON_REJECT_DUPLICATES, &payload_limits, err);
    if (!root)
        return err->code ? err->code : LD_ERR_CORRUPT;
    int rc = ld_js_members(root, top_fields, 2, true, PAYLOAD_NAME, "", err);
    if (rc == 0)
        rc = read_critical(json_object_get(root, "critical"), out, err);
    if (rc == 0)
        rc = read_optional(json_object_get(root, "optional"), out, err);
    if (rc < 0)
        ld_cosign_payload_clear(out);
    return rc;
}

/* ---- building ---- */

typedef struct {
    const char *key;
    const char *value; /* NULL: the timestamp */
} kv;

static int kv_cmp(const void *a, const void *b)
{
    return strcmp(((const kv *)a)->key, ((const kv *)b)->key);
}

char *ld_cosign_payload_build_ts(const char *ref, const char *digest,
                                 const char *const *annotations, size_t n_annotations,
                                 int64_t timestamp, size_t *len)
{
    if (!ref || !*ref || !ld_cosign_digest_valid(digest) || (n_annotations && !annotations))
        return NULL;
    ld_reg_ref parsed;
    ld_error ref_err = LD_ERROR_INIT;
    if (ld_reg_ref_parse(ref, &parsed, &ref_err) < 0)
        return NULL;
    ld_reg_ref_clear(&parsed);
    if (n_annotations > 100000)
        return NULL;
    kv *items = ld_xcalloc(n_annotations + 2, sizeof(*items));
    size_t n = 0;
    for (size_t i = 0; i < n_annotations; i++) {
        const char *k = annotations[2 * i], *v = annotations[2 * i + 1];
        if (!k || !v || strcmp(k, "creator") == 0 || strcmp(k, "timestamp") == 0) {
            free(items);
            return NULL;
        }
        items[n++] = (kv){k, v};
    }
    items[n++] = (kv){"creator", "lockdown " LOCKDOWN_VERSION};
    if (timestamp >= 0)
        items[n++] = (kv){"timestamp", NULL};
    qsort(items, n, sizeof(*items), kv_cmp);
    for (size_t i = 1; i < n; i++)
        if (strcmp(items[i - 1].key, items[i].key) == 0) {
            free(items);
            return NULL;
        }
    /* Go writes map keys sorted: critical{identity,image,type}, optional{...} */
    ld_gojson j = {0};
    ld_gojson_raw(&j, "{\"critical\":{\"identity\":{\"docker-reference\":");
    ld_gojson_string(&j, ref, strlen(ref));
    ld_gojson_raw(&j, "},\"image\":{\"docker-manifest-digest\":");
    ld_gojson_string(&j, digest, strlen(digest));
    ld_gojson_raw(&j, "},\"type\":\"" LD_COSIGN_SIGNATURE_TYPE "\"},\"optional\":{");
    for (size_t i = 0; i < n; i++) {
        ld_gojson_key(&j, items[i].key, i == 0);
        if (items[i].value)
            ld_gojson_string(&j, items[i].value, strlen(items[i].value));
        else
            ld_gojson_int(&j, timestamp);
    }
    ld_gojson_raw(&j, "}}");
    free(items);
    return ld_gojson_take(&j, len);
}

char *ld_cosign_payload_build(const char *ref, const char *digest, const char *const *annotations,
                              size_t n_annotations, size_t *len)
{
    return ld_cosign_payload_build_ts(ref, digest, annotations, n_annotations, -1, len);
}
