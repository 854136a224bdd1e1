/* From what a registry answers for an image reference to the one image
 * manifest to read: the document's kind by media type (Docker v2 schema 2
 * and OCI manifests are read; Docker manifest lists and OCI indexes are
 * followed by platform; Docker v2 schema 1 and anything else refused with
 * one line), nested indexes followed at most LD_IMG_REG_MAX_INDEXES deep,
 * a digest met twice refused as a cycle. Pure: documents come from a fetch
 * callback (registry_source.c passes the registry client; the unit tests
 * and the fuzz target pass their own), so no network here. Internal to
 * src/image/, its tests and fuzz targets. */
#ifndef LD_IMAGE_REGISTRY_MANIFEST_H
#define LD_IMAGE_REGISTRY_MANIFEST_H

#include <stddef.h>

#include "core/error.h"
#include "registry/client.h"
#include "util/strlist.h"

/* Index documents followed for one reference: the one the tag names and up
 * to three nested in it (real images have one; a deeper chain is hostile). */
#define LD_IMG_REG_MAX_INDEXES 4

typedef enum {
    LD_REG_DOC_MANIFEST, /* Docker v2 schema 2 or OCI image manifest */
    LD_REG_DOC_INDEX,    /* Docker manifest list or OCI image index */
    LD_REG_DOC_SCHEMA1,  /* Docker v2 schema 1, signed or not: refused */
    LD_REG_DOC_OTHER,    /* any other media type: refused */
} ld_reg_doc_kind;

/* The kind of a manifest document by its media type (the document's own
 * mediaType, else the Content-Type); a document whose media type says
 * nothing (NULL, "application/json", ...) is schema 1 when its JSON says
 * "schemaVersion": 1, else OTHER. Never reads past len. */
ld_reg_doc_kind ld_img_reg_doc_kind(const char *media_type, const void *body, size_t len);

/* Fetches the manifest document named by reference (a tag or a digest)
 * into out (fields allocated with malloc; the picker frees them). Returns 0
 * or < 0 with err set. The registry client verifies that the body hashes
 * to a digest reference; the picker checks out->digest against it again. */
typedef int (*ld_img_manifest_fetch_fn)(void *ctx, const char *reference, ld_reg_manifest *out,
                                        ld_error *err);

typedef struct {
    ld_reg_manifest manifest; /* the image manifest to read */
    ld_strlist indexes;       /* digests of the indexes followed, outermost first */
    char *platform;           /* the platform of the entry picked last; NULL: no index */
} ld_img_reg_pick;

/* Fetches reference and follows indexes to an image manifest: from each
 * index the entry for platform ("os/arch[/variant]"; NULL: the host's, as
 * ld_oci_index_pick). Errors name the document at fault by digest
 * (LD_ERR_UNSUPPORTED: schema 1, another media type; LD_ERR_CORRUPT: a
 * cycle, indexes nested too deep, a body that is not the digest asked for;
 * LD_ERR_NOT_FOUND: no entry for the platform, naming the ones there).
 * Fills out (ld_img_reg_pick_clear frees it, also after a failure). */
int ld_img_reg_pick_manifest(ld_img_manifest_fetch_fn fetch, void *ctx, const char *reference,
                             const char *platform, ld_img_reg_pick *out, ld_error *err);
void ld_img_reg_pick_clear(ld_img_reg_pick *p);

/* Frees the fields of a manifest document the picker or a fetch filled
 * (the same as the client's ld_reg_manifest_clear, without linking it). */
void ld_img_reg_doc_clear(ld_reg_manifest *m);

#endif
