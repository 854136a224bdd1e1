/* Internal to the layer cache (layer_cache.c keeps the records,
 * layer_cache_replay.c replays and records layers): the cache of one read
 * and what the two files share. Not for other files: use layer_cache.h. */
#ifndef LD_IMAGE_LAYER_CACHE_INTERNAL_H
#define LD_IMAGE_LAYER_CACHE_INTERNAL_H

#include <pthread.h>

#include "image/layer_cache.h"

struct ld_layer_cache {
    char *dir;
    uint8_t fp[32];
    char fp16[17];
    pthread_mutex_t lock;
    bool checked; /* the directory was looked at (under lock) */
    bool usable;
    int dfd; /* the cache directory, once checked and usable */
    ld_strlist notes;
    bool noted_corrupt, noted_write, noted_big;
    /* counts, atomic */
    uint64_t hits, misses, bytes_not_read, written;
};

enum { LOOKUP_NONE, LOOKUP_FOUND, LOOKUP_BAD };

/* Adds a note of the cache (takes text); once (may be NULL) set: only the
 * first such note of the read is kept. At most 20 notes per read. */
void ld_lcache_note(ld_layer_cache *c, bool *once, char *text);
/* "the record of layer D was not used (why); the layer was read and its
 * record written again", once per read. */
void ld_lcache_note_bad(ld_layer_cache *c, const char *diff_id, const char *why);
/* Is the directory usable? Checked (and created) on the first call. */
bool ld_lcache_check_dir(ld_layer_cache *c);
/* diff_id's record of this read: LOOKUP_FOUND with rec and *buf (the
 * caller clears rec and frees *buf; rec borrows from *buf), LOOKUP_NONE,
 * or LOOKUP_BAD (noted). */
int ld_lcache_lookup(ld_layer_cache *c, const char *diff_id, ld_layer_record *rec, uint8_t **buf);
/* Writes a record file for diff_id (p, n: the whole file) atomically;
 * a failure is noted, never an error of the read. */
void ld_lcache_store(ld_layer_cache *c, const char *diff_id, const uint8_t *p, size_t n);
/* "v1/sha256/XX" of the cache, XX the first two digits of hex (64 hex
 * digits), opened O_DIRECTORY|O_NOFOLLOW (created, mode 0700, when
 * create). Returns the fd, or -1 with errno. */
int ld_lcache_open_shard(ld_layer_cache *c, const char *hex, bool create);
/* Writes file name (p, n) into hex's shard atomically (a temporary file
 * renamed into place). Returns 0, or -1 (noted). */
int ld_lcache_store_file(ld_layer_cache *c, const char *hex, const char *name, const uint8_t *p,
                         size_t n);
/* Does analyzer a save and restore its own results (layer_save and
 * layer_load), rather than have its file() calls recorded? */
bool ld_lcache_saves_itself(const ld_analyzer *a);
/* n bytes of p as lowercase hex into out (2n + 1 bytes). */
void ld_lcache_hex(const uint8_t *p, size_t n, char *out);

/* ---- maps (layer_cache_map.c) ---- */

/* key's map: 1 with diff_id, or 0 (none; a bad one is noted and removed). */
int ld_lcache_map_get(ld_layer_cache *c, const char *key, char diff_id[LD_DIGEST_LEN + 1]);
/* Writes key's map (a failure is noted). */
void ld_lcache_map_put(ld_layer_cache *c, const char *key, const char *diff_id);
/* Removes key's map. */
void ld_lcache_map_drop(ld_layer_cache *c, const char *key);

/* ---- replaying and recording (layer_cache_replay.c), shared with the
 * streamed archives' hits (layer_cache_stream.c) ---- */

enum { REPLAY_OK, REPLAY_MISS, REPLAY_FAIL };

/* Is rec one of the job's analyzers (names, in order, how each is kept)? */
bool ld_lcache_same_analyzers(const ld_layer_job *job, const ld_layer_record *rec);
/* Is the record within the limits the read applies to one layer? */
bool ld_lcache_within_limits(const ld_layer_job *job, const ld_layer_record *rec);
/* One phase of restoring the saved analyzers' results (see
 * ld_analyzer.layer_load): apply false checks (REPLAY_MISS, noted, on a
 * refusal), apply true restores at each position of the job (REPLAY_FAIL
 * with err on a refusal). */
int ld_lcache_load_saved(ld_layer_cache *c, const ld_layer_job *job, const ld_layer_record *rec,
                         bool apply, ld_error *err);
/* Counts the record's bytes and entries against the read's totals. */
int ld_lcache_charge(const ld_layer_job *job, const ld_layer_record *rec, ld_error *err);
/* Fills res from rec (its entries moved out of rec). */
void ld_lcache_fill_result(const ld_layer_job *job, ld_layer_record *rec, ld_layer_result *res);
/* wants() about every regular file of res, as a read asks it. */
void ld_lcache_ask_wants(const ld_layer_job *job, const ld_layer_result *res);
/* Encodes and stores the record of a layer that was read and verified:
 * the saved analyzers' layer_save at job->layer, files the other
 * analyzers' file() calls (over: they were too many to keep; noted). */
void ld_lcache_write_record(ld_layer_cache *c, const ld_layer_job *job, const ld_layer_result *res,
                            const ld_record_file *files, size_t n_files, bool over);

#endif
