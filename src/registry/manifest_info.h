/* What the registry scan and prune need to know of a manifest without
 * reading the image: whether it is an index (and which child manifests it
 * references, for which platforms) or an image manifest (its config
 * digest and media type, its layer count), and from an image config its
 * `created` time. Pure parsing of bounded, hostile documents (a registry
 * answers them); the image reader has its own parsers for what it reads.
 * Not for fetching anything (registry/client.h) nor for whole configs
 * (image/image_config.c). */
#ifndef LD_REGISTRY_MANIFEST_INFO_H
#define LD_REGISTRY_MANIFEST_INFO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "core/error.h"

#define LD_REG_MAX_INDEX_CHILDREN 4096

typedef struct {
    char *digest;     /* "sha256:<64 hex>", validated */
    char *media_type; /* as the index says; NULL when absent */
    char *platform;   /* "os/arch[/variant]"; NULL when absent */
} ld_reg_child;

typedef struct {
    bool is_index;
    /* image manifest */
    char *config_digest;     /* "sha256:<64 hex>" */
    char *config_media_type; /* NULL when absent */
    size_t layers;
    /* index (OCI index, Docker manifest list) */
    ld_reg_child *children;
    size_t n_children;
} ld_reg_manifest_info;

/* Parses body (len bytes; a manifest as the registry returned it).
 * media_type is the Content-Type or the document's own mediaType (may be
 * NULL: then the document's own, else the shape decides). An index must
 * have a "manifests" array of at most LD_REG_MAX_INDEX_CHILDREN
 * descriptors with valid sha256 digests; an image manifest a "config"
 * descriptor with one. Docker schema 1 manifests are LD_ERR_UNSUPPORTED;
 * anything else malformed is LD_ERR_CORRUPT (LD_ERR_LIMIT past the
 * bounds). On failure out is cleared. */
int ld_reg_manifest_info_parse(const void *body, size_t len, const char *media_type,
                               ld_reg_manifest_info *out, ld_error *err);
void ld_reg_manifest_info_clear(ld_reg_manifest_info *m);

/* Is t an image config media type (OCI's or Docker's)? NULL counts as one
 * (old manifests leave it out). A cosign signature, an SBOM attestation, a
 * Helm chart are other types: artifacts, not images. */
bool ld_reg_is_image_config_type(const char *t);

/* The `created` field of an image config (len bytes): *created a copy of
 * the text (NULL when absent or not a string), *when its time (0 when
 * absent or not RFC 3339). Returns 0, or LD_ERR_CORRUPT when the document
 * is not a JSON object. */
int ld_reg_config_created(const void *body, size_t len, char **created, time_t *when,
                          ld_error *err);
/* The same, with the nanoseconds of the fraction in *nsec (0..999999999;
 * digits past the ninth are ignored). */
int ld_reg_config_created_ns(const void *body, size_t len, char **created, time_t *when, long *nsec,
                             ld_error *err);

/* Parses an RFC 3339 timestamp ("2024-05-01T10:20:30.123456789Z",
 * "...+02:00"; 't'/'z' in either case) into *out (UTC seconds). Returns
 * 0, or -1 when s is not one or names an impossible date. */
int ld_reg_parse_rfc3339(const char *s, time_t *out);
/* The same, with the fraction's nanoseconds in *nsec (may be NULL). */
int ld_reg_parse_rfc3339_ns(const char *s, time_t *out, long *nsec);

/* A --since value: "YYYY-MM-DD" (the start of that day, UTC) or an RFC 3339
 * timestamp. Returns 0, or -1. */
int ld_reg_parse_since(const char *s, time_t *out);

/* Is tag a cosign attachment of a digest ("sha256-<64 hex>.sig", ".att",
 * ".sbom")? *kind (may be NULL) gets "sig", "att" or "sbom"; hex (may be
 * NULL; 65 bytes) the digest's hex. */
bool ld_reg_is_attachment_tag(const char *tag, const char **kind, char *hex);

#endif
