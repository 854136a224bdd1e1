/* The image model: one container image (or a root file system directory)
 * read once into an in-memory index of its final file system, with every
 * file attributed to the layer that last wrote it and that layer's history
 * entry. Content is never extracted to disk: analyzers declare which paths
 * they want, and get each matching file's content while its layer streams.
 *
 * Sources (auto-detected, or by prefix):
 *   docker-archive:PATH   `docker save` tar (legacy and OCI-in-tar layouts; whole-file gzip/zstd)
 *   oci-archive:PATH      OCI image layout in a tar
 *   oci:DIR               OCI image layout directory
 *   dir:DIR               a root file system directory (no layers)
 *   docker:NAME[:TAG]     an image in the local engine, streamed from GET /images/{name}/get
 */
#ifndef LD_IMAGE_IMAGE_H
#define LD_IMAGE_IMAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "util/file_reader.h"
#include "util/strlist.h"

typedef enum {
    LD_FILE_REGULAR,
    LD_FILE_DIR,
    LD_FILE_SYMLINK,
    LD_FILE_HARDLINK,
    LD_FILE_CHAR,
    LD_FILE_BLOCK,
    LD_FILE_FIFO,
    LD_FILE_SOCKET,
} ld_file_type;

typedef struct {
    char *path; /* absolute inside the image, normalised ("/etc/passwd"), never with ".." */
    ld_file_type type;
    uint32_t mode; /* permission bits incl. setuid/setgid/sticky */
    uint32_t uid, gid;
    uint64_t size;
    char *link;     /* symlink target or hard-link target path; NULL otherwise */
    int layer;      /* index into ld_image.layers of the layer that last wrote it; -1 for dir: */
} ld_file_entry;

typedef struct {
    char *digest;     /* blob digest as stored (compressed), "sha256:..." ; NULL for dir: */
    char *diff_id;    /* digest of the uncompressed tar, "sha256:..." */
    char *media_type; /* as the manifest says, or a detected compression */
    uint64_t size;    /* blob size in bytes */
    char *created_by; /* history entry (non-empty-layer entries matched in order), secrets
                         masked (ld_secret_mask_history, built-in rules): safe to print; the
                         raw history is only in ld_image_config_json; may be NULL */
    char *created;    /* RFC 3339 timestamp from history; may be NULL */
} ld_layer_info;

/* A file that a later layer deleted (whiteout) or replaced. */
typedef struct {
    char *path;
    int layer;         /* layer holding the removed content */
    int removed_by;    /* layer that deleted or overwrote it */
    bool overwritten;  /* true: replaced by a new version; false: deleted */
    uint64_t size;
} ld_removed_file;

typedef struct ld_image ld_image;

/* Analyzer: called for each regular file whose path matches, in every
 * layer (also versions later deleted or overwritten), with its full content
 * (up to max_bytes; larger files are skipped and noted). May run on several
 * threads at once for different layers: it must only touch its own state
 * through ctx with its own locking. Return < 0 with err set to abort the read.
 * A dir: source may ask wants() with a size of 1 before it stats a file:
 * refusing a 1-byte file must mean refusing it at every size. */
typedef struct {
    const char *name;
    bool (*wants)(const char *path, uint64_t size, void *ctx);
    int (*file)(const char *path, int layer, const uint8_t *data, size_t len, void *ctx,
                ld_error *err);
    void *ctx;
    uint64_t max_bytes;
    /* Optional: asked by sources that can read a file at any offset (dir:),
     * for a file wants() took, before reading it whole; false: the file is
     * not read and file() is not called for it. NULL: always read. */
    bool (*needs_content)(const char *path, const ld_file_reader *r, void *ctx);
} ld_analyzer;

typedef struct {
    const char *platform;   /* "linux/amd64" to pick from an index; NULL: host platform */
    const char *tag;        /* pick this tag from a multi-image archive; NULL: the only/first */
    int threads;            /* parallel layer decompression; 0: number of cores */
    uint64_t max_file_bytes;   /* default per-file content cap for analyzers (default 64 MiB) */
    uint64_t max_layer_bytes;  /* uncompressed bytes per layer (default 32 GiB; bomb guard) */
    uint64_t max_entries;      /* tar entries per layer (default 5,000,000) */
    const char *docker_host;   /* for docker: sources; NULL: $DOCKER_HOST or the default socket */
    /* Trivy's --skip-dirs / --skip-files: fnmatch(3) globs ('*' also matches
     * '/') over image paths, with or without the leading '/'. A file under a
     * skipped directory, or a skipped file, reaches no analyzer; *skipped
     * (may be NULL) counts them. Borrowed. */
    const ld_strlist *skip_dirs;
    const ld_strlist *skip_files;
    uint64_t *skipped;
} ld_image_options;

/* Does the skip selection of opt leave path (an image path, "/etc/x") out? */
bool ld_image_path_skipped(const ld_image_options *opt, const char *path);

/* Read the image named by target through every analyzer. On success returns
 * the image (caller frees with ld_image_free). Errors name the layer/file.
 * Never writes to the host file system. */
ld_image *ld_image_read(const char *target, const ld_image_options *opt,
                        const ld_analyzer *analyzers, size_t n_analyzers, ld_error *err);
void ld_image_free(ld_image *img);

/* Accessors */
const char *ld_image_source_kind(const ld_image *img); /* "docker-archive", "oci", "dir", ... */
const char *ld_image_name(const ld_image *img);        /* the target as given / resolved tag */
const char *ld_image_id(const ld_image *img);          /* config digest "sha256:..."; NULL for dir: */
const char *ld_image_manifest_digest(const ld_image *img); /* NULL if unknown */
const char *ld_image_config_json(const ld_image *img); /* raw config JSON; NULL for dir: */
const char *ld_image_os(const ld_image *img);
const char *ld_image_arch(const ld_image *img);
size_t ld_image_layer_count(const ld_image *img);
const ld_layer_info *ld_image_layer(const ld_image *img, size_t i);
/* Final file system, sorted by path. */
size_t ld_image_file_count(const ld_image *img);
const ld_file_entry *ld_image_file(const ld_image *img, size_t i);
const ld_file_entry *ld_image_lookup(const ld_image *img, const char *path); /* no link following */
/* Is (path, layer) the version visible in the final file system? */
bool ld_image_visible(const ld_image *img, const char *path, int layer);
size_t ld_image_removed_count(const ld_image *img);
const ld_removed_file *ld_image_removed(const ld_image *img, size_t i);
/* Notes gathered while reading (skipped oversize files, ...). */
const ld_strlist *ld_image_notes(const ld_image *img);

#endif
