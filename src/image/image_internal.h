/* Internal types shared by the image reader's files (the files in src/image/): the
 * blob reader abstraction, one layer's streamed result, the parsed
 * manifest/config model, and the assembly step that turns layer results into
 * an ld_image. Not a public API: only src/image/, its tests, fuzz targets and
 * tests/tools/image_dump.c include it. */
#ifndef LD_IMAGE_INTERNAL_H
#define LD_IMAGE_INTERNAL_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <jansson.h>

#include "core/error.h"
#include "image/image.h"
#include "util/strlist.h"

#define LD_IMG_MAX_JSON_BYTES ((size_t)8 * 1024 * 1024)
#define LD_IMG_MAX_JSON_DEPTH 64
#define LD_IMG_MAX_PATH 4096
#define LD_IMG_MAX_LAYERS 1024
#define LD_IMG_DEFAULT_FILE_BYTES ((uint64_t)64 * 1024 * 1024)
#define LD_IMG_DEFAULT_LAYER_BYTES ((uint64_t)32 * 1024 * 1024 * 1024)
#define LD_IMG_DEFAULT_ENTRIES ((uint64_t)5000000)
/* Analyzer content kept while a streamed archive's manifest is not yet known. */
#define LD_IMG_DEFAULT_DEFER_BYTES ((uint64_t)512 * 1024 * 1024)
#define LD_DIGEST_LEN 71 /* "sha256:" + 64 hex */

/* Options with defaults filled in (see ld_img_resolve_options). */
typedef struct {
    const char *platform;
    const char *tag;
    int threads;
    uint64_t max_file_bytes;
    uint64_t max_layer_bytes;
    uint64_t max_entries;
    uint64_t max_defer_bytes;
    const char *docker_host;
} ld_img_opts;

void ld_img_resolve_options(const ld_image_options *in, ld_img_opts *out);

/* Pull-style byte source: fills buf with up to len bytes; returns the count,
 * 0 at end of blob, or < 0 with err set. */
typedef ssize_t (*ld_blob_read_fn)(void *ctx, uint8_t *buf, size_t len, ld_error *err);

/* ---- one layer ---------------------------------------------------------- */

enum { LD_WH_NONE = 0, LD_WH_FILE = 1, LD_WH_OPAQUE = 2 };

/* One tar entry of a layer, path normalised ("/etc/passwd"). For whiteouts,
 * path is what is deleted (LD_WH_FILE) or the directory made opaque. */
typedef struct {
    char *path;
    char *link; /* symlink target as stored, or normalised hard-link target */
    uint64_t size;
    uint32_t mode, uid, gid;
    ld_file_type type;
    int wh;
} ld_layer_entry;

/* An analyzer call held back until the layer's index is known. */
typedef struct {
    size_t analyzer;
    char *path;
    uint8_t *data;
    size_t len;
} ld_deferred_call;

/* Shared between the layers of one read: content held for deferred calls. */
typedef struct {
    pthread_mutex_t lock;
    uint64_t used, max;
} ld_defer_budget;

typedef struct {
    ld_layer_entry *v;
    size_t n, cap;
    char digest[LD_DIGEST_LEN + 1];  /* of the bytes as read (compressed) */
    char diff_id[LD_DIGEST_LEN + 1]; /* of the uncompressed tar */
    uint64_t blob_size, tar_size;
    const char *compression; /* "gzip", "zstd", "none" (static strings) */
    ld_strlist notes;
    ld_deferred_call *deferred;
    size_t n_deferred, cap_deferred;
} ld_layer_result;

typedef struct {
    ld_blob_read_fn read;
    void *read_ctx;
    const char *name;           /* names the layer in errors: "layer 2 (blobs/sha256/ab..)" */
    const char *expect_digest;  /* verified at end of stream when non-NULL */
    const char *expect_diff_id; /* idem */
    int layer;                  /* index passed to analyzers; -1: defer the calls */
    const ld_img_opts *opt;
    const ld_analyzer *analyzers;
    size_t n_analyzers;
    ld_defer_budget *budget; /* required when layer < 0 and analyzers exist */
    const bool *cancel;      /* when set (read atomically) the stream stops; may be NULL */
} ld_layer_job;

/* Streams one layer blob exactly once: hashes the blob, detects and undoes
 * gzip/zstd, hashes the tar, parses it with libarchive into res->v, feeds
 * analyzers. res must be zeroed by the caller and freed with
 * ld_layer_result_clear whether or not this fails. Errors name job->name. */
int ld_layer_stream(const ld_layer_job *job, ld_layer_result *res, ld_error *err);
void ld_layer_result_clear(ld_layer_result *res);

/* Normalise a tar member name to "/a/b". Strips "./" and leading "/";
 * rejects ".." components, empty names, NULs and paths longer than max.
 * Returns a new string (caller frees) or NULL with err set. */
char *ld_img_normalize_path(const char *name, size_t max, ld_error *err);

/* ---- fs index ----------------------------------------------------------- */

typedef struct {
    ld_file_entry *files; /* sorted by path */
    size_t n_files;
    ld_removed_file *removed;
    size_t n_removed, cap_removed;
} ld_fs_index;

/* Applies layers[0..n) in order (whiteouts, opaque dirs, replacement).
 * On success fills out (free with ld_fs_index_clear). Errors name the layer
 * (a hard link to a path that does not exist in the image is corrupt). */
int ld_fs_index_build(const ld_layer_result *const *layers, size_t n, ld_fs_index *out,
                      ld_error *err);
void ld_fs_index_clear(ld_fs_index *idx);

/* ---- JSON documents ----------------------------------------------------- */

/* Parses a JSON document of at most LD_IMG_MAX_JSON_BYTES with nesting at
 * most LD_IMG_MAX_JSON_DEPTH. Returns a new reference or NULL with err
 * (LD_ERR_CORRUPT / LD_ERR_LIMIT) naming what. */
json_t *ld_img_json_parse(const void *buf, size_t len, const char *what, ld_error *err);

typedef struct {
    char *config;  /* path in the archive */
    char **layers; /* paths in the archive */
    size_t n_layers;
    ld_strlist tags;
} ld_docker_manifest_entry;

typedef struct {
    ld_docker_manifest_entry *v;
    size_t n;
} ld_docker_manifest;

/* manifest.json of `docker save`. Paths are checked (no "..", relative). */
int ld_docker_manifest_parse(const void *buf, size_t len, ld_docker_manifest *out, ld_error *err);
void ld_docker_manifest_clear(ld_docker_manifest *m);
/* Picks the entry with tag (exact, or with ":latest" added, or without a
 * "docker.io/library/" prefix); tag NULL: the only entry, else the first.
 * Returns the index or < 0 with err (LD_ERR_NOT_FOUND names the tags). */
int ld_docker_manifest_pick(const ld_docker_manifest *m, const char *tag, ld_error *err);

typedef struct {
    char *media_type;
    char *digest;
    uint64_t size;
    char *platform; /* "os/arch[/variant]" or NULL */
    char *ref_name; /* org.opencontainers.image.ref.name or io.containerd.image.name */
} ld_oci_descriptor;

typedef struct {
    ld_oci_descriptor *v;
    size_t n;
} ld_oci_index;

/* index.json or an image index blob. */
int ld_oci_index_parse(const void *buf, size_t len, ld_oci_index *out, ld_error *err);
void ld_oci_index_clear(ld_oci_index *ix);
/* Chooses a manifest (or nested index) descriptor by platform ("os/arch",
 * NULL: host) and tag (ref name). Returns the index or < 0 with err. */
int ld_oci_index_pick(const ld_oci_index *ix, const char *platform, const char *tag, ld_error *err);
bool ld_oci_is_index_type(const char *media_type);

typedef struct {
    ld_oci_descriptor config;
    ld_oci_descriptor *layers;
    size_t n_layers;
} ld_oci_manifest;

int ld_oci_manifest_parse(const void *buf, size_t len, ld_oci_manifest *out, ld_error *err);
void ld_oci_manifest_clear(ld_oci_manifest *m);

typedef struct {
    char **diff_ids;
    size_t n_diff_ids;
    char **created_by; /* per non-empty history entry, in order; may be NULL */
    char **created;
    size_t n_history;
    char *os, *arch;
} ld_image_config;

int ld_image_config_parse(const void *buf, size_t len, ld_image_config *out, ld_error *err);
void ld_image_config_clear(ld_image_config *c);

/* Digest helpers: "sha256:<64 lowercase hex>" validation, and the sha256 of
 * a buffer in that form (out has LD_DIGEST_LEN + 1 bytes). */
bool ld_img_digest_valid(const char *d);
void ld_img_sha256_buf(const void *buf, size_t len, char out[LD_DIGEST_LEN + 1]);

/* ---- assembly ----------------------------------------------------------- */

/* What a source found: config, and per-layer results in manifest order.
 * layers[i] points into results owned by the source. */
typedef struct {
    const char *kind;
    const char *name;
    const char *config_json; /* raw bytes, NUL-terminated */
    size_t config_len;
    const char *config_digest;   /* computed sha256 of config_json */
    const char *manifest_digest; /* may be NULL */
    ld_layer_result **layers;
    char **layer_media_types; /* may be NULL; per layer otherwise */
    size_t n_layers;
} ld_img_parts;

/* Builds the image from parts: checks diff_ids against the config, builds
 * the fs index, attributes history, and replays deferred analyzer calls
 * (in layer order). Returns the image or NULL with err. */
ld_image *ld_img_assemble(const ld_img_parts *p, const ld_analyzer *analyzers, size_t n_analyzers,
                          ld_error *err);
/* dir: sources build the image directly. */
ld_image *ld_img_new_dir(const char *name, ld_file_entry *files, size_t n, ld_strlist *notes);

/* ---- sources ------------------------------------------------------------ */

typedef enum {
    LD_SRC_AUTO,
    LD_SRC_DOCKER_ARCHIVE,
    LD_SRC_OCI_ARCHIVE,
    LD_SRC_OCI_DIR,
    LD_SRC_DIR,
    LD_SRC_ENGINE,
} ld_src_kind;

/* Splits a known prefix off target; auto-detects paths. *rest points into target. */
int ld_img_detect_source(const char *target, ld_src_kind *kind, const char **rest, ld_error *err);

/* The sources. Each returns a new image (caller frees with ld_image_free)
 * or NULL with err naming the target and the layer/file at fault; nothing
 * is left allocated after a failure and nothing is written to disk.
 *   ld_img_read_tar_stream   an outer tar (docker save or OCI layout, maybe
 *                            gzip/zstd as a whole) from read/ctx, one pass;
 *                            kind NULL: decided by content
 *   ld_img_read_archive_file the same from a file: uncompressed files get a
 *                            document pass, then parallel pread of layers
 *   ld_img_read_oci_dir      an OCI layout directory, layers in parallel
 *   ld_img_read_dir          a root file system directory
 *   ld_img_read_engine       docker:NAME streamed from the engine */
ld_image *ld_img_read_tar_stream(const char *kind, const char *name, ld_blob_read_fn read,
                                 void *ctx, const ld_img_opts *opt, const ld_analyzer *an,
                                 size_t n_an, ld_error *err);
ld_image *ld_img_read_archive_file(const char *kind, const char *path, const ld_img_opts *opt,
                                   const ld_analyzer *an, size_t n_an, ld_error *err);
ld_image *ld_img_read_oci_dir(const char *path, const ld_img_opts *opt, const ld_analyzer *an,
                              size_t n_an, ld_error *err);
ld_image *ld_img_read_dir(const char *path, const ld_img_opts *opt, const ld_analyzer *an,
                          size_t n_an, ld_error *err);
ld_image *ld_img_read_engine(const char *name, const ld_img_opts *opt, const ld_analyzer *an,
                             size_t n_an, ld_error *err);

/* Runs jobs[0..n) on up to threads workers; results[i] for jobs[i]. The
 * first failure stops the other workers; returns 0, or that failure with
 * err set. */
int ld_img_run_layers(const ld_layer_job *jobs, ld_layer_result *results, size_t n, int threads,
                      ld_error *err);

#endif
