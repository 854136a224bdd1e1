/* Where Sigstore bundles of an image are found, as bytes: the OCI image
 * index that lists an image's referrers (the OCI 1.1 referrers API's
 * answer, or the sha256-<hex> index of the referrers tag schema), a bundle
 * artifact's manifest, and the in-toto statement a DSSE bundle carries.
 * A registry is hostile: every document is bounded, every field checked
 * for its type, digests for their form. Parsing only (verify.c fetches). */
#include <string.h>

#include "trust/cosign.h"
#include "trust/verify_internal.h"
#include "util/json_budget.h"
#include "util/mem.h"

#define MAX_REFERRERS ((size_t)LD_COSIGN_MAX_LAYERS * 4)
#define MAX_SUBJECTS ((size_t)1024)
#define MAX_FIELD ((size_t)1024) /* a media type, an artifact type, a predicate type */

/* Documents of a few KiB: limits far above what a real one holds. */
static const ld_json_limits small_doc_limits = {
    .max_values = 200000,
    .max_containers = 50000,
    .max_depth = 64,
};

static bool hex64(const char *s)
{
    if (strlen(s) != 64)
        return false;
    for (const char *p = s; *p; p++)
        if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f')))
            return false;
    return true;
}

static bool digest_ok(const char *s)
{
    return strncmp(s, "sha256:", 7) == 0 && hex64(s + 7);
}

/* A string member of at most MAX_FIELD bytes without control characters:
 * 1 present (into *out), 0 absent or null, -1 of another type or malformed. */
static int opt_string(json_t *obj, const char *key, const char **out)
{
    json_t *v = json_object_get(obj, key);
    *out = NULL;
    if (!v || json_is_null(v))
        return 0;
    if (!json_is_string(v))
        return -1;
    const char *s = json_string_value(v);
    size_t n = json_string_length(v);
    if (n > MAX_FIELD || strlen(s) != n)
        return -1;
    for (const char *p = s; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7f)
            return -1;
    *out = s;
    return 1;
}

static json_t *load(const char *what, const void *buf, size_t len, ld_error *err)
{
    json_t *root =
        ld_json_load_bounded(what, buf, len, JSON_REJECT_DUPLICATES, &small_doc_limits, err);
    if (!root)
        return NULL;
    if (!json_is_object(root)) {
        json_decref(root);
        ld_error_set(err, LD_ERR_CORRUPT, "%s: not a JSON object", what);
        return NULL;
    }
    return root;
}

void ld_referrers_clear(ld_referrers *r)
{
    for (size_t i = 0; i < r->n; i++) {
        free(r->v[i].digest);
        free(r->v[i].media_type);
        free(r->v[i].artifact_type);
    }
    free(r->v);
    memset(r, 0, sizeof(*r));
}

int ld_referrers_parse(const void *buf, size_t len, ld_referrers *out, ld_error *err)
{
    memset(out, 0, sizeof(*out));
    const char *what = "referrers index";
    json_t *root = load(what, buf, len, err);
    if (!root)
        return err->code;
    int rc = 0;
    json_t *ms = json_object_get(root, "manifests");
    const char *mt = NULL;
    if (opt_string(root, "mediaType", &mt) < 0 || (mt && strcmp(mt, LD_MT_OCI_INDEX) != 0)) {
        rc = ld_error_set(err, LD_ERR_CORRUPT, "%s: mediaType is not %s", what, LD_MT_OCI_INDEX);
        goto out;
    }
    if (!json_is_array(ms)) {
        rc = ld_error_set(err, LD_ERR_CORRUPT, "%s: \"manifests\" is not an array", what);
        goto out;
    }
    size_t n = json_array_size(ms);
    if (n > MAX_REFERRERS) {
        rc = ld_error_set(err, LD_ERR_LIMIT, "%s: %zu referrers, over the limit of %zu", what, n,
                          MAX_REFERRERS);
        goto out;
    }
    out->v = ld_xcalloc(n ? n : 1, sizeof(*out->v));
    for (size_t i = 0; i < n; i++) {
        json_t *d = json_array_get(ms, i);
        const char *digest = NULL, *media = NULL, *artifact = NULL;
        if (!json_is_object(d) || opt_string(d, "digest", &digest) <= 0 || !digest_ok(digest) ||
            opt_string(d, "mediaType", &media) < 0 ||
            opt_string(d, "artifactType", &artifact) < 0) {
            rc = ld_error_set(err, LD_ERR_CORRUPT,
                              "%s: manifests[%zu] is not a descriptor with a sha256 digest", what,
                              i);
            goto out;
        }
        ld_referrer *r = &out->v[out->n++];
        r->digest = ld_xstrdup(digest);
        r->media_type = ld_xstrdup(media);
        r->artifact_type = ld_xstrdup(artifact);
    }
out:
    json_decref(root);
    if (rc < 0)
        ld_referrers_clear(out);
    return rc;
}

bool ld_referrer_is_bundle(const ld_referrer *r)
{
    size_t n = strlen(LD_SIGSTORE_BUNDLE_PREFIX);
    return (r->artifact_type && strncmp(r->artifact_type, LD_SIGSTORE_BUNDLE_PREFIX, n) == 0) ||
           (r->media_type && strncmp(r->media_type, LD_SIGSTORE_BUNDLE_PREFIX, n) == 0);
}

int ld_referrer_bundle_layer(const void *manifest, size_t len, const char *subject_digest,
                             char **digest, uint64_t *size, ld_error *err)
{
    *digest = NULL;
    *size = 0;
    const char *what = "bundle manifest";
    json_t *root = load(what, manifest, len, err);
    if (!root)
        return err->code;
    int rc = 0;
    json_t *subject = json_object_get(root, "subject");
    if (subject) {
        const char *sd = NULL;
        if (!json_is_object(subject) || opt_string(subject, "digest", &sd) <= 0 || !digest_ok(sd)) {
            rc = ld_error_set(err, LD_ERR_CORRUPT, "%s: \"subject\" is not a descriptor", what);
            goto out;
        }
        if (subject_digest && strcmp(sd, subject_digest) != 0) {
            rc = ld_error_set(err, LD_ERR_CORRUPT, "%s: its subject is %s, not the image %s", what,
                              sd, subject_digest);
            goto out;
        }
    }
    json_t *layers = json_object_get(root, "layers");
    if (!json_is_array(layers)) {
        rc = ld_error_set(err, LD_ERR_CORRUPT, "%s: \"layers\" is not an array", what);
        goto out;
    }
    size_t n = strlen(LD_SIGSTORE_BUNDLE_PREFIX);
    for (size_t i = 0; i < json_array_size(layers); i++) {
        json_t *l = json_array_get(layers, i);
        const char *mt = NULL, *d = NULL;
        if (!json_is_object(l) || opt_string(l, "mediaType", &mt) < 0)
            continue;
        if (!mt || strncmp(mt, LD_SIGSTORE_BUNDLE_PREFIX, n) != 0)
            continue;
        json_t *js = json_object_get(l, "size");
        if (opt_string(l, "digest", &d) <= 0 || !digest_ok(d) || !json_is_integer(js) ||
            json_integer_value(js) < 0) {
            rc = ld_error_set(err, LD_ERR_CORRUPT,
                              "%s: layers[%zu] has no sha256 digest or no size", what, i);
            goto out;
        }
        *digest = ld_xstrdup(d);
        *size = (uint64_t)json_integer_value(js);
        goto out;
    }
    rc = ld_error_set(err, LD_ERR_CORRUPT, "%s: no layer holds a Sigstore bundle", what);
out:
    json_decref(root);
    return rc;
}

void ld_intoto_clear(ld_intoto *s)
{
    free(s->predicate_type);
    for (size_t i = 0; i < s->n_subjects; i++)
        free(s->subject_sha256[i]);
    free(s->subject_sha256);
    memset(s, 0, sizeof(*s));
}

int ld_intoto_parse(const void *buf, size_t len, ld_intoto *out, ld_error *err)
{
    memset(out, 0, sizeof(*out));
    const char *what = "in-toto statement";
    json_t *root = load(what, buf, len, err);
    if (!root)
        return err->code;
    int rc = 0;
    const char *type = NULL, *pt = NULL;
    if (opt_string(root, "_type", &type) <= 0 ||
        strncmp(type, "https://in-toto.io/Statement/", strlen("https://in-toto.io/Statement/")) !=
            0) {
        rc = ld_error_set(err, LD_ERR_CORRUPT, "%s: \"_type\" is not an in-toto Statement", what);
        goto out;
    }
    if (opt_string(root, "predicateType", &pt) <= 0) {
        rc = ld_error_set(err, LD_ERR_CORRUPT, "%s: no \"predicateType\"", what);
        goto out;
    }
    json_t *subjects = json_object_get(root, "subject");
    if (!json_is_array(subjects) || json_array_size(subjects) == 0) {
        rc = ld_error_set(err, LD_ERR_CORRUPT, "%s: \"subject\" is not a non-empty array", what);
        goto out;
    }
    size_t n = json_array_size(subjects);
    if (n > MAX_SUBJECTS) {
        rc = ld_error_set(err, LD_ERR_LIMIT, "%s: %zu subjects, over the limit of %zu", what, n,
                          MAX_SUBJECTS);
        goto out;
    }
    out->predicate_type = ld_xstrdup(pt);
    out->subject_sha256 = ld_xcalloc(n, sizeof(*out->subject_sha256));
    for (size_t i = 0; i < n; i++) {
        json_t *s = json_array_get(subjects, i);
        json_t *dg = json_is_object(s) ? json_object_get(s, "digest") : NULL;
        if (!json_is_object(dg)) {
            rc = ld_error_set(err, LD_ERR_CORRUPT, "%s: subject[%zu] has no \"digest\" object",
                              what, i);
            goto out;
        }
        const char *hex = NULL;
        if (opt_string(dg, "sha256", &hex) < 0) {
            rc = ld_error_set(err, LD_ERR_CORRUPT, "%s: subject[%zu] sha256 is not a string", what,
                              i);
            goto out;
        }
        if (hex) /* other algorithms only: not a subject we can match */
            out->subject_sha256[out->n_subjects++] = ld_xstrdup(hex);
    }
out:
    json_decref(root);
    if (rc < 0)
        ld_intoto_clear(out);
    return rc;
}

bool ld_intoto_names(const ld_intoto *s, const char *digest)
{
    if (!digest || strncmp(digest, "sha256:", 7) != 0)
        return false;
    for (size_t i = 0; i < s->n_subjects; i++)
        if (strcmp(s->subject_sha256[i], digest + 7) == 0)
            return true;
    return false;
}
