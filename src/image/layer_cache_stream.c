/* The layer cache for streamed archives (layer_cache.h, "streamed
 * archives"): a member found through its map (or its own blob name) is
 * hashed as it streams past instead of parsed and analysed, and served from
 * its record only when the bytes are the record's blob; a member that is
 * read is kept (record and map) once the image is assembled, when its
 * position is known. Maps are layer_cache_map.c; records and replaying
 * them, layer_cache.c and layer_cache_replay.c. Not for sources that know
 * their layers' diff_ids before reading them (ld_layer_cache_stream). */
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "image/layer_cache_internal.h"
#include "util/cleanup.h"
#include "util/mem.h"

#define DRAIN_CHUNK ((size_t)256 * 1024)

/* The saved analyzers' parts of a hit, copied out of its record. */
struct ld_layer_cache_held {
    ld_layer_cache *c;
    ld_layer_record rec; /* diff_id and parts only; part data owned here */
};

bool ld_layer_cache_member_key(const char *member, char key[65])
{
    key[0] = '\0';
    if (!member)
        return false;
    size_t l = strlen(member);
    const char *hex = NULL;
    if (l == 64 + strlen("/layer.tar") && strcmp(member + 64, "/layer.tar") == 0)
        hex = member;
    else if (l == 13 + 64 && strncmp(member, "blobs/sha256/", 13) == 0)
        hex = member + 13;
    if (!hex)
        return false;
    memcpy(key, hex, 64);
    key[64] = '\0';
    if (!ld_layer_map_key_valid(key)) {
        key[0] = '\0';
        return false;
    }
    return true;
}

/* ---- a record that may serve the member ------------------------------------ */

typedef struct {
    ld_layer_record rec;
    uint8_t *buf;
} candidate;

static void candidate_clear(candidate *k)
{
    ld_layer_record_clear(&k->rec);
    free(k->buf);
    k->buf = NULL;
}

/* diff_id's record, if it is one these analyzers can replay within the
 * read's limits and its saved parts pass their check, and (want_digest
 * non-NULL) it is that blob's. Nothing of the read changes. */
static bool find_candidate(ld_layer_cache *c, const ld_layer_job *job, const char *diff_id,
                           const char *want_digest, candidate *out)
{
    memset(out, 0, sizeof(*out));
    if (ld_lcache_lookup(c, diff_id, &out->rec, &out->buf) != LOOKUP_FOUND)
        return false;
    bool ok = true;
    if (want_digest && strcmp(out->rec.digest, want_digest) != 0) {
        ok = false; /* the record of another blob of this layer (compressed otherwise) */
    } else if (!ld_lcache_same_analyzers(job, &out->rec)) {
        ld_lcache_note_bad(c, diff_id, "it was made for other analyzers");
        ok = false;
    } else if (!ld_lcache_within_limits(job, &out->rec)) {
        ok = false;
    } else {
        ld_error e = LD_ERROR_INIT;
        ok = ld_lcache_load_saved(c, job, &out->rec, false, &e) == REPLAY_OK;
    }
    if (!ok)
        candidate_clear(out);
    return ok;
}

/* Content the replayed file() calls hold until the manifest is read: from
 * the same budget the read's own deferred calls use. */
static uint64_t deferred_bytes(const ld_layer_job *job, const ld_layer_record *rec)
{
    uint64_t n = 0;
    for (size_t i = 0; i < rec->n_files; i++)
        for (size_t j = 0; j < rec->files[i].n_analyzers; j++)
            if (job->analyzers[rec->files[i].analyzers[j]].file)
                n += rec->files[i].len;
    return n;
}

static bool reserve_budget(const ld_layer_job *job, uint64_t n)
{
    ld_defer_budget *b = job->budget;
    if (!n)
        return true;
    if (!b)
        return false;
    pthread_mutex_lock(&b->lock);
    bool ok = b->used + n <= b->max;
    if (ok)
        b->used += n;
    pthread_mutex_unlock(&b->lock);
    return ok;
}

static void release_budget(const ld_layer_job *job, uint64_t n)
{
    ld_defer_budget *b = job->budget;
    if (!n || !b)
        return;
    pthread_mutex_lock(&b->lock);
    b->used -= n < b->used ? n : b->used;
    pthread_mutex_unlock(&b->lock);
}

/* ---- the bytes streaming past ----------------------------------------------- */

/* Reads the member to its end, hashing it (at most max bytes: a member
 * longer than that is no record's blob). Fills digest and *size; a member
 * over max leaves digest empty. Returns 0, or < 0 with err (a read error). */
static int drain(const ld_layer_job *job, uint64_t max, char digest[LD_DIGEST_LEN + 1],
                 uint64_t *size, ld_error *err)
{
    digest[0] = '\0';
    *size = 0;
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    if (!md || EVP_DigestInit_ex(md, EVP_sha256(), NULL) != 1) {
        EVP_MD_CTX_free(md);
        return ld_error_set(err, LD_ERR_NOMEM, "cannot start a SHA-256 hash");
    }
    ld_autofree uint8_t *buf = ld_xmalloc(DRAIN_CHUNK);
    bool over = false;
    for (;;) {
        if (job->cancel && __atomic_load_n(job->cancel, __ATOMIC_RELAXED)) {
            EVP_MD_CTX_free(md);
            return ld_error_set(err, LD_ERR_GENERIC, "stopped: another layer failed");
        }
        ssize_t n = job->read(job->read_ctx, buf, DRAIN_CHUNK, err);
        if (n < 0) {
            EVP_MD_CTX_free(md);
            return err->code < 0 ? (int)err->code : LD_ERR_GENERIC;
        }
        if (n == 0)
            break;
        *size += (uint64_t)n;
        if (*size > max) {
            over = true;
            break;
        }
        EVP_DigestUpdate(md, buf, (size_t)n);
    }
    unsigned char sum[32];
    unsigned int len = 0;
    int ok = EVP_DigestFinal_ex(md, sum, &len);
    EVP_MD_CTX_free(md);
    if (ok != 1 || len != 32)
        return ld_error_set(err, LD_ERR_GENERIC, "SHA-256 failed");
    if (over)
        return 0;
    memcpy(digest, "sha256:", 7);
    ld_lcache_hex(sum, 32, digest + 7);
    return 0;
}

/* ---- serving a verified hit -------------------------------------------------- */

static ld_layer_cache_held *hold(ld_layer_cache *c, const ld_layer_job *job,
                                 const ld_layer_record *rec)
{
    bool any = false;
    for (size_t i = 0; i < job->n_analyzers; i++)
        any |= ld_lcache_saves_itself(&job->analyzers[i]);
    if (!any)
        return NULL;
    ld_layer_cache_held *h = ld_xcalloc(1, sizeof(*h));
    h->c = c;
    memcpy(h->rec.diff_id, rec->diff_id, sizeof(h->rec.diff_id));
    h->rec.parts = ld_xcalloc(rec->n_parts + 1, sizeof(*h->rec.parts));
    h->rec.n_parts = rec->n_parts;
    for (size_t i = 0; i < rec->n_parts; i++) {
        ld_record_part *p = &h->rec.parts[i];
        p->name = ld_xstrdup(rec->parts[i].name);
        p->saved = rec->parts[i].saved;
        p->len = rec->parts[i].len;
        if (p->saved) {
            uint8_t *copy = ld_xmalloc(p->len + 1);
            if (p->len)
                memcpy(copy, rec->parts[i].data, p->len);
            copy[p->len] = '\0';
            p->data = copy;
        }
    }
    return h;
}

void ld_layer_cache_held_free(ld_layer_cache_held *h)
{
    if (!h)
        return;
    for (size_t i = 0; i < h->rec.n_parts; i++) {
        free(h->rec.parts[i].name);
        free((void *)h->rec.parts[i].data);
    }
    free(h->rec.parts);
    free(h);
}

/* Fills res from the verified record: its entries, notes and gaps, wants()
 * asked as a read asks it, the recorded file() calls as deferred calls (the
 * assembly makes them at each position), the saved parts held. The budget
 * for the deferred content is already reserved. */
static int serve(ld_layer_cache *c, const ld_layer_job *job, candidate *k, ld_layer_result *res,
                 ld_layer_cache_held **held, ld_error *err)
{
    if (ld_lcache_charge(job, &k->rec, err) < 0)
        return ld_error_wrap(err, "%s", job->name);
    ld_lcache_fill_result(job, &k->rec, res);
    ld_lcache_ask_wants(job, res);
    for (size_t i = 0; i < k->rec.n_files; i++) {
        const ld_record_file *f = &k->rec.files[i];
        for (size_t j = 0; j < f->n_analyzers; j++) {
            if (!job->analyzers[f->analyzers[j]].file)
                continue;
            ld_xgrow(&res->deferred, &res->cap_deferred, res->n_deferred + 1,
                     sizeof(*res->deferred));
            ld_deferred_call *d = &res->deferred[res->n_deferred++];
            d->analyzer = f->analyzers[j];
            d->path = ld_xstrdup(f->path);
            d->data = ld_xmalloc(f->len + 1);
            if (f->len)
                memcpy(d->data, f->data, f->len);
            d->data[f->len] = '\0';
            d->len = f->len;
        }
    }
    *held = hold(c, job, &k->rec);
    __atomic_add_fetch(&c->hits, 1, __ATOMIC_RELAXED);
    return 0;
}

/* ---- one member ------------------------------------------------------------- */

/* The bytes were not the record's: the map that named it is wrong. The
 * member is served by the record of what it is, when there is one (an
 * uncompressed blob's digest is its diff_id), else the read fails. */
static int refuted(ld_layer_cache *c, const ld_layer_job *job, const char *member, const char *key,
                   const char *guess, const char *actual, ld_layer_result *res,
                   ld_layer_cache_held **held, ld_error *err)
{
    ld_lcache_map_drop(c, key);
    ld_lcache_note(c, NULL,
                   ld_xasprintf("layer cache: the map of archive member %s named layer %s, but "
                                "the member is %s; the map was removed",
                                member, guess, actual[0] ? actual : "larger than that layer"));
    candidate k;
    if (actual[0] && find_candidate(c, job, actual, actual, &k)) {
        uint64_t want = deferred_bytes(job, &k.rec);
        int rc = -1;
        if (reserve_budget(job, want)) {
            rc = serve(c, job, &k, res, held, err);
            if (rc == 0)
                ld_lcache_map_put(c, key, actual);
            else
                release_budget(job, want);
        }
        candidate_clear(&k);
        if (rc == 0 || err->code != LD_OK)
            return rc;
    }
    ld_error_set(err, LD_ERR_CORRUPT,
                 "%s: the layer cache took this member for layer %s, but it is %s; the cache's "
                 "map was removed: run again (or with --no-cache)",
                 job->name, guess, actual[0] ? actual : "another layer");
    return LD_ERR_CORRUPT;
}

int ld_layer_cache_stream_member(const ld_layer_job *job, const char *member, ld_layer_result *res,
                                 ld_layer_cache_held **held, bool *keep, ld_error *err)
{
    *held = NULL;
    *keep = false;
    ld_layer_cache *c = job->opt->cache;
    if (!c || job->layer >= 0 || job->opt->only_layers || !ld_lcache_check_dir(c))
        return ld_layer_stream(job, res, err);
    char key[65], guess[LD_DIGEST_LEN + 1] = "", named[LD_DIGEST_LEN + 1] = "";
    bool keyed = ld_layer_cache_member_key(member, key);
    bool blob = keyed && strncmp(member, "blobs/", 6) == 0;
    if (blob)
        snprintf(named, sizeof(named), "sha256:%s", key);
    bool mapped = keyed && ld_lcache_map_get(c, key, guess) == 1;
    if (!mapped && blob) /* an uncompressed blob is its own diff_id */
        memcpy(guess, named, sizeof(guess));
    candidate k;
    uint64_t want = 0;
    if (guess[0] && find_candidate(c, job, guess, blob ? named : NULL, &k)) {
        want = deferred_bytes(job, &k.rec);
        if (!reserve_budget(job, want)) {
            candidate_clear(&k);
            guess[0] = '\0'; /* read it: the read itself says what is over */
        }
    } else {
        guess[0] = '\0';
    }
    if (!guess[0]) {
        __atomic_add_fetch(&c->misses, 1, __ATOMIC_RELAXED);
        *keep = true;
        return ld_layer_stream(job, res, err);
    }
    /* a hit if the bytes say so: they stream past, hashed, not parsed */
    char actual[LD_DIGEST_LEN + 1];
    uint64_t size = 0, max = job->opt->max_layer_bytes;
    int rc = drain(job, max, actual, &size, err);
    if (rc == 0 && strcmp(actual, k.rec.digest) == 0 && size == k.rec.blob_size) {
        rc = serve(c, job, &k, res, held, err);
        if (rc < 0)
            release_budget(job, want);
        candidate_clear(&k);
        return rc;
    }
    char k_digest[LD_DIGEST_LEN + 1];
    memcpy(k_digest, k.rec.digest, sizeof(k_digest));
    release_budget(job, want);
    candidate_clear(&k);
    if (rc < 0)
        return ld_error_wrap(err, "%s", job->name);
    if (blob || !mapped) /* the archive's own name for the blob is wrong: as a read says it */
        return ld_error_set(err, LD_ERR_CORRUPT, "%s: blob digest mismatch: expected %s, got %s",
                            job->name, blob ? named : k_digest,
                            actual[0] ? actual : "a larger blob");
    return refuted(c, job, member, key, guess, actual, res, held, err);
}

int ld_layer_cache_replay_held(const ld_layer_cache_held *h, const ld_layer_job *at, ld_error *err)
{
    if (!h)
        return 0;
    if (ld_lcache_load_saved(h->c, at, &h->rec, true, err) == REPLAY_OK)
        return 0;
    return err->code < 0 ? (int)err->code : LD_ERR_GENERIC;
}

/* ---- keeping a member that was read ------------------------------------------ */

void ld_layer_cache_keep_member(const ld_layer_job *at, const char *member,
                                const ld_layer_result *res)
{
    ld_layer_cache *c = at->opt->cache;
    if (!c || !ld_lcache_check_dir(c) || res->skipped || !ld_img_digest_valid(res->diff_id))
        return;
    /* the file() calls the read deferred, for the analyzers that do not
     * save their own results: the same content offered to the next
     * analyzer joins the last file, as a recorded read keeps them */
    ld_record_file *files = ld_xcalloc(res->n_deferred + 1, sizeof(*files));
    size_t n = 0;
    uint64_t bytes = 0;
    bool over = false;
    for (size_t i = 0; i < res->n_deferred && !over; i++) {
        const ld_deferred_call *d = &res->deferred[i];
        if (d->analyzer >= at->n_analyzers || ld_lcache_saves_itself(&at->analyzers[d->analyzer]))
            continue;
        ld_record_file *last = n ? &files[n - 1] : NULL;
        if (last && last->len == d->len && last->analyzers[last->n_analyzers - 1] < d->analyzer &&
            strcmp(last->path, d->path) == 0 && memcmp(last->data, d->data, d->len) == 0) {
            last->analyzers =
                ld_xrealloc(last->analyzers, (last->n_analyzers + 1) * sizeof(*last->analyzers));
            last->analyzers[last->n_analyzers++] = (uint32_t)d->analyzer;
            continue;
        }
        if (d->len > LD_LAYER_CACHE_RECORDED_MAX - bytes) {
            over = true;
            break;
        }
        bytes += d->len;
        files[n].path = d->path; /* borrowed */
        files[n].data = d->data;
        files[n].len = d->len;
        files[n].analyzers = ld_xmalloc(sizeof(*files[n].analyzers));
        files[n].analyzers[0] = (uint32_t)d->analyzer;
        files[n].n_analyzers = 1;
        n++;
    }
    ld_lcache_write_record(c, at, res, over ? NULL : files, over ? 0 : n, over);
    for (size_t i = 0; i < n; i++)
        free(files[i].analyzers);
    free(files);
    char key[65];
    if (ld_layer_cache_member_key(member, key))
        ld_lcache_map_put(c, key, res->diff_id);
}

void ld_layer_cache_learn_member(const ld_img_opts *opt, const char *member, const char *diff_id)
{
    ld_layer_cache *c = opt->cache;
    char key[65], have[LD_DIGEST_LEN + 1];
    if (!c || opt->only_layers || !ld_img_digest_valid(diff_id) ||
        !ld_layer_cache_member_key(member, key) || !ld_lcache_check_dir(c))
        return;
    if (ld_lcache_map_get(c, key, have) == 1 && strcmp(have, diff_id) == 0)
        return;
    ld_lcache_map_put(c, key, diff_id);
}
