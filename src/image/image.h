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
 *   registry:REF          an image pulled from its registry (OCI distribution API),
 *                         layers streamed, nothing written to disk
 * A bare reference ("alpine:3.19", "ghcr.io/org/app@sha256:..") is read
 * from the local engine when it holds it, else pulled from its registry.
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
struct ld_cache_writer; /* image/layer_cache.h */

/* What the reader could not see: a path whose content (or listing) no
 * analyzer got, and why. Consumers turn these into "not assessed", never a
 * pass: an image check that finds its file missing asks here whether it
 * is missing or unseen. */
typedef enum {
    LD_GAP_SIZE,       /* over a size limit (the analyzer's max_bytes, max_file_bytes) */
    LD_GAP_DEPTH,      /* nested deeper than a dir: walk goes, or a path over 4096 bytes */
    LD_GAP_PERMISSION, /* could not be opened or listed: permission denied */
    LD_GAP_LINK,       /* a symlink or hard link that cannot be followed inside the
                          image's root: dangling, a loop, more than 40 links, the lookup
                          budget (one to a directory or a device is no file, not a gap) */
    LD_GAP_READ,       /* anything else: vanished or changed while read, an I/O error, a
                          link target whose layer could not be read a second time */
} ld_gap_kind;

typedef struct {
    char *path; /* image path ("/etc/passwd") */
    int layer;  /* layer of the version not seen; -1 for dir: and the final file system */
    ld_gap_kind kind;
    bool subtree;   /* path is a directory that was not listed: nothing below it was seen */
    char *analyzer; /* the analyzer (ld_analyzer.name) that did not get this listed
                       file's content; NULL: path is missing from the file system index
                       itself, so no analyzer and no check of the index saw it */
    char *text;     /* one line, what happened ("/etc/passwd is a symlink to \"/x/p\", and
                       /x does not exist in the image") */
} ld_image_gap;

/* Analyzer: called for each regular file whose path matches, in every
 * layer (also versions later deleted or overwritten), with its full content
 * (up to max_bytes; larger files are skipped, noted and left a gap). May
 * run on several threads at once for different layers: it must only touch
 * its own state through ctx with its own locking. Return < 0 with err set
 * to abort the read. A dir: source may ask wants() with a size of 1 before
 * it stats a file: refusing a 1-byte file must mean refusing it at every
 * size. wants() may be asked about a path more than once.
 *
 * Links: once the final file system is known, each symlink and hard link
 * in it that an analyzer may take is resolved inside the image's own root
 * as a runtime would (absolute targets from the image's root, ".." never
 * above it, at most 40 links; a dir: root with openat(O_NOFOLLOW), never
 * out to the host), and when it ends at a regular file that the analyzer
 * takes, file() gets that file's content under the link's path, with the
 * layer of the link (so ld_image_visible holds for it). A link that cannot
 * be followed, or whose target is over the cap, is a gap naming the
 * analyzer (ld_image_gaps). */
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
    /* Optional: does this analyzer take the content of a link at path whose
     * target, a regular file, is target (size bytes)? Asked first with
     * target NULL (and size 0) before the link is resolved: false means no
     * whatever the target. NULL: the default rule, wants(path, size) unless
     * wants(target, size) also holds (the content was then seen under the
     * target's own name: a versioned jar and its link, /etc/os-release and
     * /usr/lib/os-release). An analyzer whose meaning depends on the path
     * (/etc/passwd) takes every link it wants; one that sees every file
     * version anyway (secrets) takes none. */
    bool (*wants_link)(const char *path, const char *target, uint64_t size, void *ctx);
    /* Optional, NULL-terminated: absolute paths this analyzer reads by name
     * ("/etc/passwd"). One that is no entry of the final file system but
     * resolves through a symlinked directory (/etc -> usr/etc) is offered
     * like a link; one that cannot be resolved is a gap. */
    const char *const *paths;
    /* Optional, for the layer cache (image/layer_cache.h), which keeps what
     * the analyzers found in a layer by the layer's diff_id and replays it
     * on a later read instead of reading the layer. By default the reader
     * records this analyzer's file() calls (path and content) and replays
     * them: right for analyzers that take few, small files. One that takes
     * a lot of content (the secret scanner reads every file) saves and
     * restores its own results instead, with all three set:
     *   cache_id: a string that changes whenever its results for the same
     *     layer would (its version, a hash of its rules, its limits); part
     *     of the records' key (may be set without the two below too).
     *   layer_save: once layer `layer` was read (its file() calls made;
     *     other layers may still be read), appends to w what those calls
     *     added to its state (hits, counters, stops), for that layer only.
     *   layer_load: on a hit, restores for `layer` what layer_save wrote
     *     (data, len) as if the file() calls had been made. Hostile input:
     *     it is first called with apply false for every saved analyzer of
     *     the layer (check all of it, change nothing; < 0 with err: the
     *     layer is read instead), then with apply true, once for each
     *     position of a blob listed more than once.
     * On a hit wants() is still asked about every file of the layer, as a
     * read would (it may count); file() is not called for a saved analyzer. */
    const char *cache_id;
    int (*layer_save)(void *ctx, int layer, struct ld_cache_writer *w, ld_error *err);
    int (*layer_load)(void *ctx, int layer, const uint8_t *data, size_t len, bool apply,
                      ld_error *err);
} ld_analyzer;

typedef struct {
    const char *platform;   /* "linux/amd64" to pick from an index; NULL: host platform */
    const char *tag;        /* pick this tag from a multi-image archive; NULL: the only/first */
    int threads;            /* parallel layer decompression; 0: number of cores */
    uint64_t max_file_bytes;   /* default per-file content cap for analyzers (default 64 MiB) */
    uint64_t max_layer_bytes;  /* uncompressed bytes per layer (default 32 GiB; bomb guard) */
    uint64_t max_entries;      /* tar entries per layer (default 5,000,000), twice that for
                                  all layers together; files for dir: */
    /* Bytes read for the whole image (default 64 GiB; bomb guard across
     * layers): each layer read counts the larger of its blob and its
     * uncompressed tar, a blob listed at several positions is read and
     * counted once, and a streamed archive's members that are neither
     * layers nor documents count too. */
    uint64_t max_image_bytes;
    const char *docker_host;   /* for docker: sources; NULL: $DOCKER_HOST or the default socket */
    /* docker: sources: ld_engine_timeouts.request_ms (--engine-timeout; 0:
     * LD_ENGINE_REQUEST_MS): the most one Engine API request may take, and
     * for the image export the most the engine may take to start sending;
     * after that it must keep sending (docker/engine.h's low-speed limit). */
    long engine_timeout_ms;
    /* Trivy's --skip-dirs / --skip-files: fnmatch(3) globs ('*' also matches
     * '/') over image paths, with or without the leading '/'. A file under a
     * skipped directory, or a skipped file, reaches no analyzer; *skipped
     * (may be NULL) counts them. Borrowed. */
    const ld_strlist *skip_dirs;
    const ld_strlist *skip_files;
    uint64_t *skipped;
    /* registry: sources (and bare references the engine does not hold):
     * credentials, CA, insecure hosts, timeouts. NULL: the defaults
     * (docker config credentials, system CAs, TLS only). Borrowed. */
    const struct ld_reg_options_s *registry;
    /* The layer cache (image/layer_cache.h): what the analyzers found in a
     * layer, kept by diff_id, so a layer already read is not read again.
     * NULL: no cache. */
    const char *cache_dir;
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
/* Is (path, layer) the version visible in the final file system? Also
 * true for a path the reader delivered through a symlinked directory (an
 * analyzer's `paths`), with the layer it was delivered with. */
bool ld_image_visible(const ld_image *img, const char *path, int layer);
size_t ld_image_removed_count(const ld_image *img);
const ld_removed_file *ld_image_removed(const ld_image *img, size_t i);
/* Notes gathered while reading (skipped oversize files, ...). */
const ld_strlist *ld_image_notes(const ld_image *img);
/* The layer cache in this read (ld_image_options.cache_dir): layers served
 * from it, layers looked up there and read, and the blob bytes the hits did
 * not read. False (counts 0) when no layer was looked up. Any pointer may
 * be NULL. (What went wrong with the cache is in ld_image_notes; the
 * counts are not, so an SBOM is the same from a cold and a warm cache.) */
bool ld_image_cache_stats(const ld_image *img, uint64_t *hits, uint64_t *misses,
                          uint64_t *bytes_not_read);

/* The gaps (see ld_image_gap), sorted by path, at most 10,000 of them. A
 * dir: image may add some when its file metadata is first read (an entry
 * gone since the walk: ld_image_file_count and the like); pointers already
 * handed out stay valid. */
size_t ld_image_gap_count(const ld_image *img);
const ld_image_gap *ld_image_gap_at(const ld_image *img, size_t i);
/* "size", "depth", "permission", "link", "read" */
const char *ld_image_gap_kind_name(ld_gap_kind k);
/* The gaps that concern analyzer (its own, and the index's, those with
 * analyzer NULL); analyzer NULL: only the index's. Returns how many (also
 * those past the 10,000 kept) and sets *first (may be NULL) to the first
 * kept one by path, or NULL. */
uint64_t ld_image_gaps_for(const ld_image *img, const char *analyzer, const ld_image_gap **first);
/* Why analyzer did not see path: a gap about path itself (its own or the
 * index's), or an index gap about a directory above it. NULL: none. */
const ld_image_gap *ld_image_gap_find(const ld_image *img, const char *path, const char *analyzer);

#endif
