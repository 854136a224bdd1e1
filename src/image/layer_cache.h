/* The layer cache: what the analyzers found in one layer, kept on disk by
 * the layer's diff_id, so a layer read once is not read again - by a rescan,
 * or by a scan of another image that shares it. A record holds the layer's
 * tar entries (the fs index is rebuilt from them), its notes and gaps, and
 * per analyzer either the file() calls it got (path and content; the
 * default, for analyzers with small inputs) or what the analyzer itself
 * saved for the layer (ld_analyzer.layer_save). On a hit the reader fills
 * the layer result from the record and replays the analyzers without
 * opening the blob. Records are keyed by diff_id plus a fingerprint of
 * everything that changes what they hold (format, lockdown version and
 * build, each analyzer's name, cache_id and cap, the file cap, the skip
 * selection): any change is a miss.
 *
 * On disk: DIR/v1/sha256/XX/<hex>-<fp16>.rec, written to a temporary file
 * in the same directory and renamed (readers never see half a record;
 * processes may share a cache). A record is hostile input when loaded:
 * magic, format, every length and count bounded, a SHA-256 over its body;
 * any problem is a miss, noted once, and the record is rewritten. A cache
 * directory that is not the user's own, or that others may write to, is
 * not used (a note says why).
 *
 * Also the small codec (ld_cache_writer / ld_cache_reader) analyzers save
 * their per-layer results with. Not for the vulnerability database (which
 * is matched after the read, on the SBOM) or for dir: sources (no layers). */
#ifndef LD_IMAGE_LAYER_CACHE_H
#define LD_IMAGE_LAYER_CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "image/image_internal.h"

#define LD_LAYER_CACHE_FORMAT 1
/* file() content recorded for the analyzers without layer_save, per layer:
 * a layer that passes it is read, not cached (noted) */
#define LD_LAYER_CACHE_RECORDED_MAX ((uint64_t)64 << 20)
/* one record file at most (entries of a huge layer, saved results) */
#define LD_LAYER_CACHE_RECORD_MAX ((uint64_t)256 << 20)
/* the cache directory is trimmed to this, oldest records first, after a
 * read that wrote records */
#define LD_LAYER_CACHE_SIZE_MAX ((uint64_t)10 << 30)

/* ---- codec for saved results ---------------------------------------------
 * Little-endian integers, strings and byte strings with a length. The
 * writer grows up to max bytes (then `over` is set and further puts are
 * dropped); the reader's errors are sticky (`bad`): check it once at the
 * end. Byte strings and strings are followed by a NUL in the encoding, so
 * a reader's pointer into its data is NUL-terminated. */
typedef struct ld_cache_writer {
    uint8_t *p;
    size_t n, cap;
    size_t max; /* 0: LD_LAYER_CACHE_RECORD_MAX */
    bool over;
} ld_cache_writer;

void ld_cache_put_u8(ld_cache_writer *w, uint8_t v);
void ld_cache_put_u32(ld_cache_writer *w, uint32_t v);
void ld_cache_put_u64(ld_cache_writer *w, uint64_t v);
void ld_cache_put_i64(ld_cache_writer *w, int64_t v);
/* s may be NULL (read back as NULL) */
void ld_cache_put_str(ld_cache_writer *w, const char *s);
void ld_cache_put_bytes(ld_cache_writer *w, const void *p, size_t n);
void ld_cache_writer_clear(ld_cache_writer *w);

typedef struct {
    const uint8_t *p;
    size_t n, pos;
    bool bad;
} ld_cache_reader;

void ld_cache_reader_init(ld_cache_reader *r, const void *p, size_t n);
uint8_t ld_cache_get_u8(ld_cache_reader *r);
uint32_t ld_cache_get_u32(ld_cache_reader *r);
uint64_t ld_cache_get_u64(ld_cache_reader *r);
int64_t ld_cache_get_i64(ld_cache_reader *r);
/* A count of items each at least min_item bytes long: bad (and 0) when
 * more than the bytes left could hold. */
uint64_t ld_cache_get_count(ld_cache_reader *r, size_t min_item);
/* A new string (caller frees) of at most max bytes and no NUL; NULL for a
 * NULL string or an error (r->bad tells). */
char *ld_cache_get_str(ld_cache_reader *r, size_t max);
/* Borrowed pointer into the reader's data (NUL-terminated), *len set; NULL
 * on error or over max bytes. */
const uint8_t *ld_cache_get_bytes(ld_cache_reader *r, size_t max, size_t *len);
/* Everything read and nothing bad. */
bool ld_cache_reader_done(const ld_cache_reader *r);

/* ---- records ------------------------------------------------------------ */

/* A note of the layer; named: it began with the job's name and ": ",
 * stripped (the name says the layer's position, which a record has not). */
typedef struct {
    char *text;
    bool named;
} ld_record_note;

typedef struct {
    ld_gap_kind kind;
    bool at_layer; /* the gap's layer is the job's layer; else -1 */
    bool subtree;
    char *path, *analyzer, *text;
} ld_record_gap;

/* One analyzer's part: its name, and what it saved for the layer (saved)
 * or nothing (its file() calls are in the record's files). */
typedef struct {
    char *name;
    bool saved;
    const uint8_t *data; /* saved: borrowed from the record's buffer */
    size_t len;
} ld_record_part;

/* A file() call recorded for one or more analyzers (their indices,
 * ascending), made in this order when the layer was read. */
typedef struct {
    char *path;
    const uint8_t *data; /* borrowed; data[len] == '\0' */
    size_t len;
    uint32_t *analyzers;
    size_t n_analyzers;
} ld_record_file;

/* A decoded record. Strings are owned; data pointers borrow from the
 * buffer it was decoded from, which must outlive it. */
typedef struct {
    uint8_t fingerprint[32];
    char diff_id[LD_DIGEST_LEN + 1], digest[LD_DIGEST_LEN + 1];
    uint64_t blob_size, tar_size;
    const char *compression; /* static: "gzip", "zstd", "none" */
    ld_layer_entry *entries;
    size_t n_entries;
    ld_record_note *notes;
    size_t n_notes;
    ld_record_gap *gaps;
    size_t n_gaps;
    ld_record_part *parts;
    size_t n_parts;
    ld_record_file *files;
    size_t n_files;
} ld_layer_record;

/* What a record is made from when a layer was read (all borrowed). */
typedef struct {
    const uint8_t *fingerprint; /* 32 bytes */
    const ld_layer_result *res;
    const char *job_name; /* stripped from the notes that start with it */
    int layer;            /* the job's layer: gaps at it are position-free */
    const ld_record_part *parts;
    size_t n_parts;
    const ld_record_file *files;
    size_t n_files;
} ld_layer_record_src;

/* Encodes a whole record file (header, body, checksum) into w. Returns 0,
 * or LD_ERR_LIMIT when it would pass w->max. */
int ld_layer_record_encode(const ld_layer_record_src *src, ld_cache_writer *w, ld_error *err);
/* Decodes a whole record file: magic, format, lengths, the checksum, every
 * count bounded by the bytes present, paths as the reader normalises them.
 * out borrows from data (see ld_layer_record). On failure out is cleared
 * and err (LD_ERR_CORRUPT) says what was wrong. */
int ld_layer_record_decode(const uint8_t *data, size_t len, ld_layer_record *out, ld_error *err);
void ld_layer_record_clear(ld_layer_record *rec);

/* ---- the cache of one image read ----------------------------------------- */

typedef struct ld_layer_cache ld_layer_cache;

/* Opens the cache at dir for one read with these analyzers (the
 * fingerprint is computed here). Never fails: a directory that cannot be
 * created, is not the user's own or is writable by others gives a cache
 * that is not used, with a note saying why (ld_layer_cache_take_notes).
 * dir NULL: returns NULL (no cache). */
ld_layer_cache *ld_layer_cache_open(const char *dir, const ld_image_options *options,
                                    const ld_img_opts *opt, const ld_analyzer *an, size_t n_an);
/* After the read: trims the directory if records were written, and frees. */
void ld_layer_cache_free(ld_layer_cache *c);
/* Is the cache usable (directory checked, not refused)? */
bool ld_layer_cache_usable(const ld_layer_cache *c);
/* The fingerprint of this read (32 bytes). */
const uint8_t *ld_layer_cache_fingerprint(const ld_layer_cache *c);

/* Runs one layer job through the cache: a job with a known diff_id and
 * position (layer >= 0) whose record is present is filled from it and its
 * analyzers replayed, the blob never read; otherwise the layer is streamed
 * (ld_layer_stream) and, once verified, its record written. Same contract
 * as ld_layer_stream. job->opt->cache NULL, a deferred job (layer < 0), a
 * second read for links (opt->only_layers): plain ld_layer_stream. */
int ld_layer_cache_stream(const ld_layer_job *job, ld_layer_result *res, ld_error *err);

/* Layers served from the cache, layers looked up and not served, and the
 * blob bytes the hits did not read. */
void ld_layer_cache_counts(const ld_layer_cache *c, uint64_t *hits, uint64_t *misses,
                           uint64_t *bytes_not_read);
/* Moves the cache's notes into out: what went wrong (a directory not
 * used, a record not used, a layer not kept). Not the summary: the image's
 * notes end up in SBOM documents, which must not differ between a cold and
 * a warm cache. */
void ld_layer_cache_take_notes(ld_layer_cache *c, ld_strlist *out);
/* "layer cache: N of M layers reused (X MiB not read)" (caller frees): for
 * a run's report, from ld_image_cache_stats. */
char *ld_layer_cache_summary(uint64_t hits, uint64_t misses, uint64_t bytes_not_read);

/* Trims the cache directory dir to max_bytes of records when it is over:
 * the least recently used first (a hit touches its record), down to 90%
 * of max_bytes; also removes temporary files older than an hour (a writer
 * that died). *removed (may be NULL): records removed. Returns 0, or -1
 * when dir cannot be opened. */
int ld_layer_cache_trim(const char *dir, uint64_t max_bytes, uint64_t *removed);

/* For tests: the record file of diff_id under this cache (caller frees);
 * NULL when the cache is not usable. */
char *ld_layer_cache_record_path(const ld_layer_cache *c, const char *diff_id);

/* ---- streamed archives (layer_cache_stream.c, layer_cache_map.c) ---------
 * A streamed archive (`docker save` from the engine, a compressed archive
 * file) puts its layers before the manifest and config that name their
 * diff_ids and positions. So the cache keeps a map per archive member -
 * the key is the member's 64 hex digits: "<v1id>/layer.tar" of the legacy
 * layout, "blobs/sha256/<hex>" of an OCI one - to the diff_id it held when
 * last read. A member whose map (or, for an OCI blob, its own name) leads
 * to a record is not parsed nor analysed: its bytes still stream past and
 * are hashed, and only when they are the record's blob (digest and size)
 * is the record used; the analyzers' recorded file() calls become the
 * layer's deferred calls and the saved analyzers are restored once the
 * manifest gives the positions. A map proved wrong is removed and noted;
 * the member is then served by the record of what it really is, when there
 * is one, or the read fails saying so (its bytes are gone). */

#define LD_LAYER_MAP_MAX 256 /* bytes of one map file, at most */

/* 64 lowercase hex digits? */
bool ld_layer_map_key_valid(const char *key);
/* The text of key's map (caller frees). */
char *ld_layer_map_format(const char *key, const char *diff_id);
/* Parses a map file (hostile input) for key: exactly the text
 * ld_layer_map_format writes. Returns 0 with diff_id filled, or < 0 with
 * err (LD_ERR_CORRUPT) and diff_id empty. */
int ld_layer_map_parse(const void *data, size_t len, const char *key,
                       char diff_id[LD_DIGEST_LEN + 1], ld_error *err);

/* The member key of an archive path ("<64 hex>/layer.tar",
 * "blobs/sha256/<64 hex>"), or false. */
bool ld_layer_cache_member_key(const char *member, char key[65]);

/* A hit of a streamed member, waiting for its positions. */
typedef struct ld_layer_cache_held ld_layer_cache_held;

/* Streams one member of a streamed archive (job->layer < 0: positions not
 * known) through the cache. A verified hit fills res from the record (its
 * recorded file() calls as res's deferred calls) and sets *held when
 * saved analyzers wait for their positions (ld_layer_cache_replay_held);
 * anything else is ld_layer_stream, and *keep says whether the layer
 * should be kept once the image is assembled (ld_layer_cache_keep_member).
 * Same contract as ld_layer_stream otherwise. No cache, or a second read
 * for links: plain ld_layer_stream. */
int ld_layer_cache_stream_member(const ld_layer_job *job, const char *member, ld_layer_result *res,
                                 ld_layer_cache_held **held, bool *keep, ld_error *err);
/* Restores the held hit's saved analyzers at the positions of at
 * (at->layer and at->more_layers). Returns 0, or < 0 with err. */
int ld_layer_cache_replay_held(const ld_layer_cache_held *h, const ld_layer_job *at, ld_error *err);
void ld_layer_cache_held_free(ld_layer_cache_held *h);
/* Once the image was assembled (every deferred call delivered): writes the
 * record of a streamed member that was read (its saved analyzers' results
 * at at->layer, the other analyzers' calls from res's deferred calls) and
 * the member's map. Failures are notes of the cache, never errors. */
void ld_layer_cache_keep_member(const ld_layer_job *at, const char *member,
                                const ld_layer_result *res);
/* A member of an archive read from a file (its layers' diff_ids known and
 * verified as they were read): writes its map when it has none or another
 * one, so a later stream of the same image finds its records. */
void ld_layer_cache_learn_member(const ld_img_opts *opt, const char *member, const char *diff_id);

#endif
