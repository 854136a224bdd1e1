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
/* Does analyzer a save and restore its own results (layer_save and
 * layer_load), rather than have its file() calls recorded? */
bool ld_lcache_saves_itself(const ld_analyzer *a);
/* n bytes of p as lowercase hex into out (2n + 1 bytes). */
void ld_lcache_hex(const uint8_t *p, size_t n, char *out);

#endif
