/* The vulnerability database as an OCI artifact, so that a fleet pulls one
 * signed file from its own registry instead of every node downloading the
 * feeds: `db push` uploads the SQLite file compressed with zstd as the one
 * layer of an OCI image manifest of its own artifact type, with annotations
 * saying what it holds (schema version, build time, feeds, size and sha256
 * of the uncompressed file), and signs it the cosign way with the trust
 * keys (trust/verify.h: the signature image at sha256-<hex>.sig, so `image
 * verify` and cosign check it too). `db pull` verifies the signature
 * before it downloads anything, then the manifest digest, the config and
 * the layer digest and both sizes while streaming, the uncompressed sha256
 * and size, that the file opens as a database of a supported schema, and
 * only then renames it over the local database. The registry is hostile
 * input: every size is bounded, a manifest of another shape is refused.
 * Library code: nothing is printed; progress goes to a callback. */
#ifndef LD_VULN_DB_OCI_H
#define LD_VULN_DB_OCI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "registry/client.h"
#include "trust/keys.h"

/* The artifact's types (OCI 1.1: artifactType; registries that predate it
 * see the config's media type, which says the same). */
#define LD_VULNDB_ARTIFACT_TYPE "application/vnd.lockdown.vulndb.v1"
#define LD_VULNDB_CONFIG_TYPE "application/vnd.lockdown.vulndb.config.v1+json"
#define LD_VULNDB_LAYER_TYPE "application/vnd.lockdown.vulndb.layer.v1.sqlite+zstd"

/* Manifest annotations */
#define LD_VULNDB_ANN_SCHEMA "dev.lockdown.vulndb.schema-version" /* "1" */
#define LD_VULNDB_ANN_BUILT "dev.lockdown.vulndb.built-at"        /* unix seconds, decimal */
#define LD_VULNDB_ANN_FEEDS "dev.lockdown.vulndb.feeds"       /* source names, comma-separated */
#define LD_VULNDB_ANN_SHA256 "dev.lockdown.vulndb.sha256"     /* "sha256:HEX" of the SQLite file */
#define LD_VULNDB_ANN_SIZE "dev.lockdown.vulndb.size"         /* its size in bytes, decimal */
#define LD_OCI_ANN_CREATED "org.opencontainers.image.created" /* RFC 3339 of built-at */
#define LD_OCI_ANN_TITLE "org.opencontainers.image.title"

#define LD_VULNDB_MANIFEST_MAX_DEFAULT ((size_t)64 * 1024)
#define LD_VULNDB_CONFIG_MAX ((size_t)64 * 1024)
#define LD_VULNDB_FEEDS_MAX ((size_t)16 * 1024)
#define LD_VULNDB_PULL_MAX_DEFAULT ((uint64_t)4096 << 20) /* 4 GiB, file and blob */

/* What the artifact's manifest says. */
typedef struct {
    long schema_version;
    int64_t built_at;
    char *feeds;      /* may be "" */
    char *db_sha256;  /* "sha256:HEX" of the uncompressed file */
    uint64_t db_size; /* uncompressed */
    char *config_digest;
    uint64_t config_size;
    char *layer_digest; /* of the zstd stream */
    uint64_t layer_size;
} ld_vulndb_artifact;
void ld_vulndb_artifact_clear(ld_vulndb_artifact *a);

/* The config blob for a (compact JSON, keys sorted; caller frees). */
char *ld_vulndb_artifact_config_build(const ld_vulndb_artifact *a, size_t *len);
/* The OCI image manifest for a (config and layer descriptors filled):
 * compact JSON, keys sorted, the same bytes for the same a. Caller frees;
 * NULL when a digest is not a sha256 digest. */
char *ld_vulndb_artifact_manifest_build(const ld_vulndb_artifact *a, size_t *len);
/* Reads a manifest strictly: schemaVersion 2, the OCI manifest media type,
 * artifactType absent or ours, a config of our media type, exactly one
 * layer of our media type, sha256 digests, sizes within bounds (config at
 * most LD_VULNDB_CONFIG_MAX), every annotation of ours present and well
 * formed (decimal numbers without sign or leading junk, feeds at most
 * LD_VULNDB_FEEDS_MAX), duplicate keys refused. LD_ERR_CORRUPT naming the
 * member; another artifact type LD_ERR_UNSUPPORTED; a document over 1 MiB
 * LD_ERR_LIMIT. out is cleared on failure. */
int ld_vulndb_artifact_manifest_parse(const void *buf, size_t len, ld_vulndb_artifact *out,
                                      ld_error *err);

/* Progress: bytes done of total (0: unknown), phase names what ("compressing",
 * "downloading"). */
typedef void (*ld_vulndb_oci_progress_cb)(const char *phase, uint64_t done, uint64_t total,
                                          void *ctx);

typedef struct {
    const char *db_path; /* the database to push */
    const char *ref;     /* REGISTRY/REPO:TAG */
    const ld_reg_options *registry;
    const ld_key *key; /* private key to sign with; NULL: unsigned */
    int level;         /* zstd level; 0: 9 */
    ld_vulndb_oci_progress_cb progress;
    void *progress_ctx;
} ld_vulndb_push_options;

typedef struct {
    char *digest;    /* the manifest's */
    char *reference; /* canonical REGISTRY/REPO:TAG pushed */
    ld_vulndb_artifact artifact;
    bool signed_; /* a signature was pushed */
} ld_vulndb_push_result;
void ld_vulndb_push_result_clear(ld_vulndb_push_result *r);

/* Pushes the database at db_path (which must open as a lockdown database)
 * to ref, then signs the manifest digest when key is given. The layer is
 * compressed in memory (about a third of the file for real feeds).
 * Returns 0 with out filled, or < 0 with err. */
int ld_vulndb_push(const ld_vulndb_push_options *o, ld_vulndb_push_result *out, ld_error *err);

typedef struct {
    const char *ref;  /* REGISTRY/REPO:TAG or @sha256:... */
    const char *dest; /* the local database to replace */
    const ld_reg_options *registry;
    ld_key *const *keys; /* trusted public keys; one verifying suffices */
    size_t n_keys;
    bool insecure_skip_verify; /* take it without a verified signature (the caller warns) */
    size_t max_manifest;       /* 0: LD_VULNDB_MANIFEST_MAX_DEFAULT */
    uint64_t max_bytes;        /* largest blob and file; 0: LD_VULNDB_PULL_MAX_DEFAULT */
    ld_vulndb_oci_progress_cb progress;
    void *progress_ctx;
} ld_vulndb_pull_options;

typedef struct {
    char *digest;    /* manifest digest pulled */
    char *reference; /* canonical form of ref */
    ld_vulndb_artifact artifact;
    char *key;         /* fingerprint of the key that verified; NULL when not verified */
    char *verify_note; /* with insecure_skip_verify: what the signature check saw */
} ld_vulndb_pull_result;
void ld_vulndb_pull_result_clear(ld_vulndb_pull_result *r);

/* Pulls ref into dest as described at the top. Without a key and without
 * insecure_skip_verify: LD_ERR_INVALID before any request. Unsigned or a
 * signature that does not verify: LD_ERR_CORRUPT ("refused"); the registry
 * unreachable: LD_ERR_UNREACHABLE; a digest or size that does not match:
 * LD_ERR_CORRUPT; over a bound: LD_ERR_LIMIT. On any failure dest is as it
 * was and the temporary file (DEST.tmp-XXXXXX) is removed. */
int ld_vulndb_pull(const ld_vulndb_pull_options *o, ld_vulndb_pull_result *out, ld_error *err);

#endif
