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
#define LD_IMG_IMAGE_ENTRIES_FACTOR 2 /* entries of all layers together, x max_entries */
#define LD_IMG_DEFAULT_IMAGE_BYTES ((uint64_t)64 * 1024 * 1024 * 1024)
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
    uint64_t max_image_bytes;
    /* Bytes read so far for this image, shared by every layer and read
     * atomically (ld_img_charge); NULL: no total is kept. */
    uint64_t *image_bytes;
    /* Tar entries so far for this image, every layer together (an atomic
     * count, at most LD_IMG_IMAGE_ENTRIES_FACTOR x max_entries: the index
     * and the layer lists grow with it); NULL: not counted. */
    uint64_t *image_entries;
    const char *docker_host;
    long engine_timeout_ms;
    const struct ld_reg_options_s *registry; /* registry: sources; NULL: defaults */
    const char *cache_dir;                   /* layer cache; NULL: none */
    /* The layer cache of this read (layer_cache.h), opened by
     * ld_image_read from cache_dir; jobs run through it
     * (ld_img_run_layers). NULL: none. */
    struct ld_layer_cache *cache;
    /* A second read for link targets (links.c): layers whose expected
     * diff_id is known and not in this list are skipped unread (their
     * result has skipped set). NULL: every layer is read. */
    const ld_strlist *only_layers;
} ld_img_opts;

/* Fills out from in with the defaults; out->image_bytes is left NULL (the
 * caller points it at a counter that lives as long as the read). */
void ld_img_resolve_options(const ld_image_options *in, ld_img_opts *out);

/* Counts n more bytes read for the image against opt->max_image_bytes (an
 * atomic add: layers are read on several threads). Returns 0, or
 * LD_ERR_LIMIT with err naming the limit once the total passes it. */
int ld_img_charge(const ld_img_opts *opt, uint64_t n, ld_error *err);

/* A limit as people write it: "64 GiB", "8 MiB", "1536 KiB", "100 bytes". */
void ld_img_format_size(uint64_t n, char *buf, size_t len);

/* The error for an image JSON document (what: "config 3f2a.json",
 * "index.json") of size bytes, over LD_IMG_MAX_JSON_BYTES: LD_ERR_LIMIT
 * naming the document, its size and the limit. Returns that code. */
int ld_img_doc_too_large(const char *what, uint64_t size, ld_error *err);

/* ---- gaps: what the reader could not see (links.c) ------------------------ */

#define LD_IMG_MAX_GAPS 10000 /* kept per image; further ones are only counted */

typedef struct {
    ld_image_gap *v;
    size_t n, cap;
    /* gaps past LD_IMG_MAX_GAPS, per analyzer name (NULL: the index) */
    struct ld_gap_tally {
        char *analyzer;
        uint64_t n;
    } * dropped;
    size_t n_dropped;
} ld_gap_list;

/* Adds a gap (copies path and analyzer; takes text). */
void ld_gap_add(ld_gap_list *l, ld_gap_kind kind, const char *path, int layer, const char *analyzer,
                bool subtree, char *text);
/* Moves every gap of src to dst (src is left empty). */
void ld_gap_list_move(ld_gap_list *dst, ld_gap_list *src);
void ld_gap_list_sort(ld_gap_list *l);
void ld_gap_list_clear(ld_gap_list *l);
/* The kind for an errno: EACCES/EPERM permission, ELOOP link, ENAMETOOLONG
 * depth, anything else read. */
ld_gap_kind ld_gap_kind_of_errno(int e);

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
    ld_gap_list gaps; /* files an analyzer wanted but did not get (over its cap) */
    bool skipped;     /* not read (opt->only_layers): digests are the expected ones */
} ld_layer_result;

typedef struct {
    ld_blob_read_fn read;
    void *read_ctx;
    const char *name;           /* names the layer in errors: "layer 2 (blobs/sha256/ab..)" */
    const char *expect_digest;  /* verified at end of stream when non-NULL */
    const char *expect_diff_id; /* idem */
    int layer;                  /* index passed to analyzers; -1: defer the calls */
    /* Further positions of the same blob in the manifest (a descriptor
     * listed more than once is read once): each analyzer call is made for
     * layer and then for each of these. May be NULL. */
    const int *more_layers;
    size_t n_more_layers;
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

/* A hard link of the final file system and the version it shares content
 * with (its target when the link was written; a later change to the
 * target's path does not change the link). */
typedef struct {
    const char *path; /* the link; borrowed from the index's files */
    char *src_path;   /* the version linked to */
    int src_layer;
    ld_file_type src_type; /* what that version is (a symlink: src_link) */
    char *src_link;
} ld_fs_hardlink;

typedef struct {
    ld_file_entry *files; /* sorted by path */
    size_t n_files;
    ld_removed_file *removed;
    size_t n_removed, cap_removed;
    ld_fs_hardlink *hardlinks; /* sorted by path; NULL for dir: */
    size_t n_hardlinks;
} ld_fs_index;

/* Applies layers[0..n) in order (whiteouts, opaque dirs, replacement).
 * On success fills out (free with ld_fs_index_clear). Errors name the layer
 * (a hard link to a path that does not exist in the image is corrupt). */
int ld_fs_index_build(const ld_layer_result *const *layers, size_t n, ld_fs_index *out,
                      ld_error *err);
void ld_fs_index_clear(ld_fs_index *idx);
/* The hard link at path (binary search), or NULL. */
const ld_fs_hardlink *ld_fs_index_hardlink(const ld_fs_index *idx, const char *path);

/* ---- links, resolved inside the image's root (links.c) ------------------ */

#define LD_IMG_LINK_HOPS 40 /* symlinks followed in one path, as Linux (MAXSYMLINKS) */
/* lookups for every link of one image together (a hostile image of
 * thousands of 40-link chains stops here, each link left a gap) */
#define LD_IMG_LINK_LOOKUPS ((uint64_t)4000000)

typedef enum {
    LD_NODE_MISSING,
    LD_NODE_DIR,
    LD_NODE_FILE,    /* a regular file, or a hard link to one */
    LD_NODE_SYMLINK, /* also a hard link to a symlink */
    LD_NODE_OTHER,   /* device, FIFO, socket */
    LD_NODE_ERROR,   /* the lookup itself failed (err) */
} ld_node_kind;

/* What is at one path, without following a link there. */
typedef struct {
    ld_node_kind kind;
    const char *link;    /* SYMLINK: the target as stored; valid until the next lookup */
    const char *content; /* FILE: the path of the version holding the content (a hard
                            link's source); NULL: the path itself */
    int layer;           /* FILE: layer of that version (-1 for dir:) */
    uint64_t size;       /* FILE */
    ld_file_type type;   /* OTHER: what it is */
    int err;             /* ERROR: errno */
} ld_link_node;

/* Fills node for path (absolute, normalised, no link in it but perhaps
 * the last component). */
typedef void (*ld_link_lookup_fn)(void *ctx, const char *path, ld_link_node *node);

typedef enum {
    LD_RESOLVE_OK,       /* a regular file */
    LD_RESOLVE_MISSING,  /* a component does not exist */
    LD_RESOLVE_NOT_DIR,  /* a component before the last is not a directory */
    LD_RESOLVE_NOT_FILE, /* it ends at a directory, device, FIFO or socket */
    LD_RESOLVE_LOOP,     /* more than max_hops symlinks */
    LD_RESOLVE_TOO_LONG, /* a path longer than LD_IMG_MAX_PATH on the way */
    LD_RESOLVE_BUDGET,   /* the lookups allowed ran out */
    LD_RESOLVE_ERROR,    /* a lookup failed (err) */
} ld_resolve_status;

typedef struct {
    ld_resolve_status status;
    unsigned hops;     /* symlinks followed */
    char *link;        /* the first symlink's target as stored; NULL: none followed */
    char *path;        /* OK: the file reached; else where resolution stopped */
    char *content;     /* OK: the version holding the content (== path unless a hard link) */
    int layer;         /* OK: that version's layer */
    uint64_t size;     /* OK */
    ld_file_type type; /* NOT_FILE: what it ended at */
    int err;           /* ERROR */
} ld_link_result;

/* Resolves path as the kernel would inside a chroot at the image's root:
 * each component looked up with lookup, a symlink's target spliced in
 * (absolute ones from the root), ".." never above the root, at most
 * max_hops symlinks, the last component followed too. *budget (may be
 * NULL) is decremented per lookup. Fills out (ld_link_result_clear frees
 * it); returns out->status. Pure: reads nothing but through lookup. */
ld_resolve_status ld_img_resolve(const char *path, ld_link_lookup_fn lookup, void *ctx,
                                 unsigned max_hops, uint64_t *budget, ld_link_result *out);
void ld_link_result_clear(ld_link_result *r);
/* One line on why a resolution failed ("leads to /x, a directory"). */
char *ld_link_result_text(const ld_link_result *r);

/* Does analyzer a take the content of a link at path whose target (a
 * regular file) is target, size bytes? target NULL: might it take a link
 * at path at all (asked before resolving)? The default without
 * a->wants_link: wants(path) at that size unless wants() also takes the
 * target's own path (then it saw that content under that name). */
bool ld_img_takes_link(const ld_analyzer *a, const char *path, const char *target, uint64_t size);

/* One analyzer call owed for a link: analyzer gets the content of
 * (content, content_layer) under path, with layer. */
typedef struct {
    size_t analyzer;
    char *path;
    int layer;
    char *content;
    int content_layer;
    uint64_t size;
    bool alias; /* path is no entry of the index (it resolves through a
                   symlinked directory): made visible by the delivery */
} ld_link_delivery;

typedef struct {
    ld_link_delivery *v;
    size_t n, cap;
    ld_gap_list gaps;
    ld_strlist notes;
    bool budget_noted;
} ld_link_plan;

/* Plans the link deliveries of one image: every symlink and hard link of
 * files[0..n) (sorted) that an analyzer may take (ld_img_takes_link), and
 * every path of the analyzers' `paths` that is no entry of files but
 * resolves through a link, resolved with lookup. What cannot be followed,
 * or is over the analyzer's cap, becomes a gap (and a note) for each
 * analyzer that wanted it. Fills plan (ld_link_plan_clear frees it). */
void ld_img_plan_links(const ld_file_entry *files, size_t n, ld_link_lookup_fn lookup, void *ctx,
                       const ld_analyzer *an, size_t n_an, const ld_img_opts *opt,
                       ld_link_plan *plan);
void ld_link_plan_clear(ld_link_plan *plan);
/* The cap of analyzer a under opt (its max_bytes, at most max_file_bytes). */
uint64_t ld_img_analyzer_cap(const ld_analyzer *a, const ld_img_opts *opt);

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
/* What a source adds to an image it built: gaps (moved; sorted when the
 * read ends), notes (moved), and a path delivered through a symlinked
 * directory, visible with layer (ld_image_visible). */
void ld_img_take_gaps(ld_image *img, ld_gap_list *gaps);
void ld_img_add_notes(ld_image *img, ld_strlist *notes);
void ld_img_add_alias(ld_image *img, const char *path, int layer);

/* ---- sources ------------------------------------------------------------ */

typedef enum {
    LD_SRC_AUTO,
    LD_SRC_DOCKER_ARCHIVE,
    LD_SRC_OCI_ARCHIVE,
    LD_SRC_OCI_DIR,
    LD_SRC_DIR,
    LD_SRC_ENGINE,
    LD_SRC_REGISTRY,
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
/* registry:REF (registry_source.c): manifest (index -> platform), config,
 * layers streamed from the registry in parallel, digests verified. */
ld_image *ld_img_read_registry(const char *ref, const ld_img_opts *opt, const ld_analyzer *an,
                               size_t n_an, ld_error *err);

/* Runs jobs[0..n) on up to threads workers; results[i] for jobs[i]. The
 * first failure stops the other workers; returns 0, or that failure with
 * err set. */
int ld_img_run_layers(const ld_layer_job *jobs, ld_layer_result *results, size_t n, int threads,
                      ld_error *err);

/* The layer jobs of a manifest m and its config's diff_ids (layer_plan.c):
 * one job per distinct blob digest, named "layer N (digest)" after its first
 * position N, expecting the manifest digest and the config diff_id there;
 * the later positions of the same blob are its more_layers. The source sets
 * read/read_ctx of each job (jobs[k].layer is its descriptor's index), runs
 * them into results and hands by_layer/media_types to ld_img_parts. Zero
 * the plan before any path that may reach ld_layer_plan_free. */
typedef struct {
    ld_layer_job *jobs;       /* n_jobs, read/read_ctx left NULL */
    ld_layer_result *results; /* per job */
    size_t n_jobs;
    ld_layer_result **by_layer; /* per position: its job's result */
    char **media_types;         /* per position, borrowed from m */
    size_t n_layers;
    char **names; /* per job, owned */
    int *more;    /* later positions, grouped by job */
} ld_layer_plan;

void ld_layer_plan_make(ld_layer_plan *p, const ld_oci_manifest *m, const ld_image_config *conf,
                        const ld_img_opts *opt, const ld_analyzer *an, size_t n_an);
/* Frees the names, results and arrays; the plan is zeroed again. */
void ld_layer_plan_free(ld_layer_plan *p);

#endif
