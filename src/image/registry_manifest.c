/* A registry reference to the image manifest to read (registry_manifest.h):
 * media types, manifest lists and indexes followed by platform, depth and
 * cycle bounds. No network: documents come through the caller's fetch. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "image/image_internal.h"
#include "image/registry_manifest.h"
#include "util/cleanup.h"
#include "util/mem.h"

#define PLATFORMS_NAMED 8 /* platforms an error lists before "and N more" */

/* Does media type mt (maybe with parameters: "x; charset=utf-8") name want? */
static bool media_type_is(const char *mt, const char *want)
{
    if (!mt)
        return false;
    while (*mt == ' ' || *mt == '\t')
        mt++;
    size_t n = strcspn(mt, "; \t");
    return n == strlen(want) && strncasecmp(mt, want, n) == 0;
}

/* A body with no telling media type: schema 1 said so in the document itself. */
static bool says_schema1(const void *body, size_t len)
{
    if (!body || len == 0)
        return false;
    ld_error err = LD_ERROR_INIT;
    json_t *root = ld_img_json_parse(body, len, "manifest", &err);
    if (!root)
        return false;
    json_t *v = json_object_get(root, "schemaVersion");
    bool one = json_is_integer(v) && json_integer_value(v) == 1;
    json_decref(root);
    return one;
}

ld_reg_doc_kind ld_img_reg_doc_kind(const char *media_type, const void *body, size_t len)
{
    if (media_type_is(media_type, LD_MT_DOCKER_MANIFEST) ||
        media_type_is(media_type, LD_MT_OCI_MANIFEST))
        return LD_REG_DOC_MANIFEST;
    if (media_type_is(media_type, LD_MT_DOCKER_LIST) || media_type_is(media_type, LD_MT_OCI_INDEX))
        return LD_REG_DOC_INDEX;
    if (media_type_is(media_type, "application/vnd.docker.distribution.manifest.v1+json") ||
        media_type_is(media_type, "application/vnd.docker.distribution.manifest.v1+prettyjws"))
        return LD_REG_DOC_SCHEMA1;
    if ((!media_type || !*media_type || media_type_is(media_type, "application/json") ||
         media_type_is(media_type, "text/plain") ||
         media_type_is(media_type, "application/octet-stream")) &&
        says_schema1(body, len))
        return LD_REG_DOC_SCHEMA1;
    return LD_REG_DOC_OTHER;
}

void ld_img_reg_doc_clear(ld_reg_manifest *m)
{
    free(m->media_type);
    free(m->digest);
    free(m->body);
    memset(m, 0, sizeof(*m));
}

void ld_img_reg_pick_clear(ld_img_reg_pick *p)
{
    ld_img_reg_doc_clear(&p->manifest);
    ld_strlist_clear(&p->indexes);
    free(p->platform);
    p->platform = NULL;
}

/* "linux/amd64, linux/arm64/v8 and 3 more": what an index offers. */
static char *platforms_listed(const ld_oci_index *ix)
{
    ld_strlist names = {0};
    size_t shown = 0;
    for (size_t i = 0; i < ix->n && shown < PLATFORMS_NAMED; i++) {
        const char *p = ix->v[i].platform ? ix->v[i].platform : "(no platform)";
        if (ld_strlist_contains(&names, p))
            continue;
        ld_strlist_push(&names, p);
        shown++;
    }
    char *list = ld_strlist_join(&names, ", ");
    ld_strlist_clear(&names);
    if (ix->n > shown) {
        char *more = ld_xasprintf("%s and %zu more", list, ix->n - shown);
        free(list);
        list = more;
    }
    return list;
}

/* The error for a document the picker does not read. */
static int refuse(const ld_reg_manifest *m, ld_reg_doc_kind kind, ld_error *err)
{
    if (kind == LD_REG_DOC_SCHEMA1)
        return ld_error_set(err, LD_ERR_UNSUPPORTED,
                            "manifest %s is a Docker v2 schema 1 manifest, which lockdown does not "
                            "read (deprecated; it carries no verifiable config): push the image "
                            "again with a current docker, buildah or skopeo",
                            m->digest);
    return ld_error_set(err, LD_ERR_UNSUPPORTED,
                        "manifest %s has media type \"%.100s\": neither an image manifest "
                        "(Docker v2 schema 2, OCI) nor an index (Docker manifest list, OCI index)",
                        m->digest, m->media_type && *m->media_type ? m->media_type : "(none)");
}

/* Fetches reference into m; a digest reference must come back as that digest. */
static int fetch_doc(ld_img_manifest_fetch_fn fetch, void *ctx, const char *reference,
                     ld_reg_manifest *m, ld_error *err)
{
    memset(m, 0, sizeof(*m));
    if (fetch(ctx, reference, m, err) < 0) {
        ld_img_reg_doc_clear(m);
        if (err->code == LD_OK)
            ld_error_set(err, LD_ERR_GENERIC, "manifest %s could not be fetched", reference);
        return err->code;
    }
    if (!m->body || !ld_img_digest_valid(m->digest)) {
        ld_img_reg_doc_clear(m);
        return ld_error_set(err, LD_ERR_CORRUPT, "manifest %s: no body or no sha256 digest",
                            reference);
    }
    if (strncmp(reference, "sha256:", 7) == 0 && strcmp(reference, m->digest) != 0) {
        int rc = ld_error_set(err, LD_ERR_CORRUPT,
                              "manifest %s: the registry sent a document whose digest is %s",
                              reference, m->digest);
        ld_img_reg_doc_clear(m);
        return rc;
    }
    return 0;
}

/* One index: the entry for platform, its digest in *child and its
 * platform in *picked (caller frees both). */
static int pick_entry(const ld_reg_manifest *m, const char *platform, char **child, char **picked,
                      ld_error *err)
{
    ld_oci_index ix;
    if (ld_oci_index_parse(m->body, m->len, &ix, err) < 0)
        return ld_error_wrap(err, "index %s", m->digest);
    int i = ld_oci_index_pick(&ix, platform, NULL, err);
    if (i < 0) {
        if (err->code == LD_ERR_NOT_FOUND && ix.n > 0) {
            ld_autofree char *have = platforms_listed(&ix);
            ld_autofree char *why = ld_xstrdup(err->msg);
            ld_error_set(err, LD_ERR_NOT_FOUND, "index %s: %s (it has %s)", m->digest, why, have);
        } else {
            ld_error_wrap(err, "index %s", m->digest);
        }
        ld_oci_index_clear(&ix);
        return err->code;
    }
    *child = ld_xstrdup(ix.v[i].digest);
    *picked = ld_xstrdup(ix.v[i].platform);
    ld_oci_index_clear(&ix);
    return 0;
}

int ld_img_reg_pick_manifest(ld_img_manifest_fetch_fn fetch, void *ctx, const char *reference,
                             const char *platform, ld_img_reg_pick *out, ld_error *err)
{
    memset(out, 0, sizeof(*out));
    ld_reg_manifest cur;
    if (fetch_doc(fetch, ctx, reference, &cur, err) < 0)
        return err->code;
    for (;;) {
        ld_reg_doc_kind kind = ld_img_reg_doc_kind(cur.media_type, cur.body, cur.len);
        if (kind == LD_REG_DOC_MANIFEST) {
            out->manifest = cur;
            return 0;
        }
        if (kind != LD_REG_DOC_INDEX) {
            int rc = refuse(&cur, kind, err);
            ld_img_reg_doc_clear(&cur);
            return rc;
        }
        if (out->indexes.n >= LD_IMG_REG_MAX_INDEXES) {
            int rc = ld_error_set(err, LD_ERR_CORRUPT, "index %s: indexes nested more than %d deep",
                                  cur.digest, LD_IMG_REG_MAX_INDEXES);
            ld_img_reg_doc_clear(&cur);
            return rc;
        }
        ld_strlist_push(&out->indexes, cur.digest);
        char *child = NULL, *picked = NULL;
        int rc = pick_entry(&cur, platform, &child, &picked, err);
        if (rc == 0 && ld_strlist_contains(&out->indexes, child))
            rc = ld_error_set(err, LD_ERR_CORRUPT,
                              "index %s lists %s, an index already followed (a cycle)", cur.digest,
                              child);
        ld_img_reg_doc_clear(&cur);
        if (rc == 0) {
            free(out->platform);
            out->platform = picked;
            picked = NULL;
            rc = fetch_doc(fetch, ctx, child, &cur, err);
        }
        free(child);
        free(picked);
        if (rc < 0)
            return rc;
    }
}
