/* Replaying and recording layers for the layer cache (layer_cache.h): a
 * job whose record is there fills its layer result from it and replays its
 * analyzers (saved results restored, recorded file() calls made again,
 * wants() asked as a read asks it) without reading the blob; any other job
 * is streamed with the analyzers' file() calls recorded, and its record
 * written once the layer was verified. Where records live is
 * layer_cache.c. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "image/layer_cache_internal.h"
#include "util/mem.h"

#define MAX_LAYER_NOTES 200 /* as the layer reader keeps */

/* ---- replaying a record --------------------------------------------------- */

static int position(const ld_layer_job *job, size_t k)
{
    return k == 0 ? job->layer : job->more_layers[k - 1];
}

/* Is rec one of these analyzers (names, in order, and how each is kept)? */
bool ld_lcache_same_analyzers(const ld_layer_job *job, const ld_layer_record *rec)
{
    if (rec->n_parts != job->n_analyzers)
        return false;
    for (size_t i = 0; i < rec->n_parts; i++) {
        const ld_analyzer *a = &job->analyzers[i];
        if (strcmp(rec->parts[i].name, a->name ? a->name : "?") != 0 ||
            rec->parts[i].saved != ld_lcache_saves_itself(a))
            return false;
    }
    return true;
}

/* The limits a read applies to the layer alone, before anything changes:
 * a layer over them is read (and fails as a read does). */
bool ld_lcache_within_limits(const ld_layer_job *job, const ld_layer_record *rec)
{
    const ld_img_opts *opt = job->opt;
    uint64_t size = rec->blob_size > rec->tar_size ? rec->blob_size : rec->tar_size;
    if (rec->n_entries > opt->max_entries || size > opt->max_layer_bytes)
        return false;
    for (size_t i = 0; i < rec->n_entries; i++)
        if (rec->entries[i].size > opt->max_layer_bytes)
            return false;
    return true;
}

/* One phase of restoring the saved results: apply false, every analyzer
 * checks its part (changing nothing; a refusal is noted and the layer is
 * read: REPLAY_MISS); apply true, each restores it at each position of the
 * blob (a refusal then is REPLAY_FAIL, err set). */
int ld_lcache_load_saved(ld_layer_cache *c, const ld_layer_job *job, const ld_layer_record *rec,
                         bool apply, ld_error *err)
{
    for (size_t i = 0; i < job->n_analyzers; i++) {
        const ld_analyzer *a = &job->analyzers[i];
        if (!ld_lcache_saves_itself(a))
            continue;
        const ld_record_part *p = &rec->parts[i];
        for (size_t k = 0; k <= (apply ? job->n_more_layers : 0); k++) {
            if (a->layer_load(a->ctx, position(job, k), p->data, p->len, apply, err) >= 0)
                continue;
            if (err->code == LD_OK)
                ld_error_set(err, LD_ERR_CORRUPT, "analyzer %s refused its saved results",
                             a->name ? a->name : "?");
            if (!apply) {
                ld_lcache_note_bad(c, rec->diff_id, err->msg);
                ld_error_clear(err);
                return REPLAY_MISS;
            }
            ld_error_wrap(err, "layer cache record of %s (remove it, or run with --no-cache)",
                          rec->diff_id);
            return REPLAY_FAIL;
        }
    }
    return REPLAY_OK;
}

/* The saved results: every analyzer checks its part first (changing
 * nothing), so a part that one refuses leaves the layer to be read
 * (REPLAY_MISS); then each restores it at each position of the blob. */
static int load_saved(ld_layer_cache *c, const ld_layer_job *job, const ld_layer_record *rec,
                      ld_error *err)
{
    int rc = ld_lcache_load_saved(c, job, rec, false, err);
    return rc == REPLAY_OK ? ld_lcache_load_saved(c, job, rec, true, err) : rc;
}

/* What the read counts for every layer together. */
int ld_lcache_charge(const ld_layer_job *job, const ld_layer_record *rec, ld_error *err)
{
    const ld_img_opts *opt = job->opt;
    uint64_t all = LD_IMG_IMAGE_ENTRIES_FACTOR * opt->max_entries;
    if (opt->image_entries &&
        __atomic_add_fetch(opt->image_entries, (uint64_t)rec->n_entries, __ATOMIC_RELAXED) > all)
        return ld_error_set(err, LD_ERR_LIMIT,
                            "more than %llu tar entries in the image's layers together",
                            (unsigned long long)all);
    uint64_t size = rec->blob_size > rec->tar_size ? rec->blob_size : rec->tar_size;
    return ld_img_charge(opt, size, err);
}

void ld_lcache_fill_result(const ld_layer_job *job, ld_layer_record *rec, ld_layer_result *res)
{
    snprintf(res->digest, sizeof(res->digest), "%s", rec->digest);
    snprintf(res->diff_id, sizeof(res->diff_id), "%s", rec->diff_id);
    res->blob_size = rec->blob_size;
    res->tar_size = rec->tar_size;
    res->compression = rec->compression;
    res->v = rec->entries;
    res->n = res->cap = rec->n_entries;
    rec->entries = NULL;
    rec->n_entries = 0;
    for (size_t i = 0; i < rec->n_notes && res->notes.n < MAX_LAYER_NOTES; i++) {
        const ld_record_note *n = &rec->notes[i];
        ld_strlist_push_owned(&res->notes, n->named ? ld_xasprintf("%s: %s", job->name, n->text)
                                                    : ld_xstrdup(n->text));
    }
    for (size_t i = 0; i < rec->n_gaps; i++) {
        const ld_record_gap *g = &rec->gaps[i];
        ld_gap_add(&res->gaps, g->kind, g->path, g->at_layer ? job->layer : -1, g->analyzer,
                   g->subtree, ld_xstrdup(g->text ? g->text : ""));
    }
}

/* wants() about every file, as the read asks it (it may count: skipped
 * paths, files over a limit). */
void ld_lcache_ask_wants(const ld_layer_job *job, const ld_layer_result *res)
{
    if (!job->n_analyzers)
        return;
    for (size_t i = 0; i < res->n; i++) {
        const ld_layer_entry *e = &res->v[i];
        if (e->type != LD_FILE_REGULAR || e->wh != LD_WH_NONE)
            continue;
        for (size_t k = 0; k < job->n_analyzers; k++) {
            const ld_analyzer *a = &job->analyzers[k];
            if (a->wants && a->file)
                (void)a->wants(e->path, e->size, a->ctx);
        }
    }
}

/* The recorded file() calls, in their order, at each position. */
static int replay_files(const ld_layer_job *job, const ld_layer_record *rec, ld_error *err)
{
    for (size_t i = 0; i < rec->n_files; i++) {
        const ld_record_file *f = &rec->files[i];
        for (size_t j = 0; j < f->n_analyzers; j++) {
            const ld_analyzer *a = &job->analyzers[f->analyzers[j]];
            if (!a->file)
                continue;
            for (size_t k = 0; k <= job->n_more_layers; k++) {
                if (a->file(f->path, position(job, k), f->data, f->len, a->ctx, err) < 0) {
                    if (err->code == LD_OK)
                        ld_error_set(err, LD_ERR_GENERIC, "analyzer %s failed on %s",
                                     a->name ? a->name : "?", f->path);
                    return -1;
                }
            }
        }
    }
    return 0;
}

static int replay(ld_layer_cache *c, const ld_layer_job *job, ld_layer_record *rec,
                  ld_layer_result *res, ld_error *err)
{
    if (!ld_lcache_same_analyzers(job, rec)) {
        ld_lcache_note_bad(c, rec->diff_id, "it was made for other analyzers");
        return REPLAY_MISS;
    }
    if (!ld_lcache_within_limits(job, rec))
        return REPLAY_MISS;
    int rc = load_saved(c, job, rec, err);
    if (rc != REPLAY_OK)
        return rc;
    if (ld_lcache_charge(job, rec, err) < 0)
        goto fail;
    ld_lcache_fill_result(job, rec, res);
    ld_lcache_ask_wants(job, res);
    if (replay_files(job, rec, err) < 0)
        goto fail;
    return REPLAY_OK;
fail:
    ld_error_wrap(err, "%s", job->name);
    return REPLAY_FAIL;
}

/* ---- recording a layer that is read -------------------------------------- */

typedef struct {
    int layer;
    ld_record_file *files;
    size_t n, cap;
    uint64_t bytes;
    bool over;
} recorder;

typedef struct {
    const ld_analyzer *inner;
    uint32_t index;
    recorder *rec;
} shim;

static void recorder_clear(recorder *r)
{
    for (size_t i = 0; i < r->n; i++) {
        free(r->files[i].path);
        free((void *)r->files[i].data);
        free(r->files[i].analyzers);
    }
    free(r->files);
    r->files = NULL;
    r->n = r->cap = 0;
}

/* Keeps one call at the job's position; the same content offered to the
 * next analyzer joins the last file. Within one job calls come from one
 * thread. */
static void record_call(recorder *r, uint32_t index, const char *path, const uint8_t *data,
                        size_t len)
{
    ld_record_file *last = r->n ? &r->files[r->n - 1] : NULL;
    if (last && last->len == len && last->analyzers[last->n_analyzers - 1] < index &&
        strcmp(last->path, path) == 0 && memcmp(last->data, data, len) == 0) {
        last->analyzers =
            ld_xrealloc(last->analyzers, (last->n_analyzers + 1) * sizeof(*last->analyzers));
        last->analyzers[last->n_analyzers++] = index;
        return;
    }
    if (len > LD_LAYER_CACHE_RECORDED_MAX - r->bytes) {
        r->over = true;
        recorder_clear(r);
        return;
    }
    r->bytes += len;
    ld_xgrow(&r->files, &r->cap, r->n + 1, sizeof(*r->files));
    uint8_t *copy = ld_xmalloc(len + 1);
    memcpy(copy, data, len);
    copy[len] = '\0';
    ld_record_file *f = &r->files[r->n++];
    f->path = ld_xstrdup(path);
    f->data = copy;
    f->len = len;
    f->analyzers = ld_xmalloc(sizeof(*f->analyzers));
    f->analyzers[0] = index;
    f->n_analyzers = 1;
}

static bool shim_wants(const char *path, uint64_t size, void *ctx)
{
    shim *s = ctx;
    return s->inner->wants(path, size, s->inner->ctx);
}

static int shim_file(const char *path, int layer, const uint8_t *data, size_t len, void *ctx,
                     ld_error *err)
{
    shim *s = ctx;
    if (layer == s->rec->layer && !s->rec->over)
        record_call(s->rec, s->index, path, data, len);
    return s->inner->file(path, layer, data, len, s->inner->ctx, err);
}

/* The record of a layer that was read and verified. */
static void write_record(ld_layer_cache *c, const ld_layer_job *job, const ld_layer_result *res,
                         recorder *rec)
{
    ld_lcache_write_record(c, job, res, rec->files, rec->n, rec->over);
}

void ld_lcache_write_record(ld_layer_cache *c, const ld_layer_job *job, const ld_layer_result *res,
                            const ld_record_file *files, size_t n_files, bool over)
{
    if (over) {
        ld_lcache_note(
            c, NULL,
            ld_xasprintf("layer cache: %s not kept: the analyzers took more than %llu MiB of "
                         "its files",
                         job->name, (unsigned long long)(LD_LAYER_CACHE_RECORDED_MAX >> 20)));
        return;
    }
    size_t n = job->n_analyzers;
    ld_record_part *parts = ld_xcalloc(n + 1, sizeof(*parts));
    ld_cache_writer *saved = ld_xcalloc(n + 1, sizeof(*saved));
    ld_error err = LD_ERROR_INIT;
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++) {
        const ld_analyzer *a = &job->analyzers[i];
        parts[i].name = (char *)(a->name ? a->name : "?");
        parts[i].saved = ld_lcache_saves_itself(a);
        if (!parts[i].saved)
            continue;
        rc = a->layer_save(a->ctx, job->layer, &saved[i], &err);
        if (rc == 0 && saved[i].over)
            rc = ld_error_set(&err, LD_ERR_LIMIT, "analyzer %s saved too much",
                              a->name ? a->name : "?");
        parts[i].data = saved[i].p;
        parts[i].len = saved[i].n;
    }
    ld_cache_writer w = {0};
    if (rc == 0) {
        ld_layer_record_src src = {.fingerprint = c->fp,
                                   .res = res,
                                   .job_name = job->name,
                                   .layer = job->layer,
                                   .parts = parts,
                                   .n_parts = n,
                                   .files = files,
                                   .n_files = n_files};
        rc = ld_layer_record_encode(&src, &w, &err);
    }
    if (rc == 0)
        ld_lcache_store(c, res->diff_id, w.p, w.n);
    else
        ld_lcache_note(c, &c->noted_big,
                       ld_xasprintf("layer cache: %s not kept: %s", job->name, err.msg));
    ld_cache_writer_clear(&w);
    for (size_t i = 0; i < n; i++)
        ld_cache_writer_clear(&saved[i]);
    free(saved);
    free(parts);
}

static int stream_and_record(ld_layer_cache *c, const ld_layer_job *job, ld_layer_result *res,
                             ld_error *err)
{
    size_t n = job->n_analyzers;
    recorder rec = {.layer = job->layer};
    shim *shims = ld_xcalloc(n + 1, sizeof(*shims));
    ld_analyzer *wrapped = ld_xcalloc(n + 1, sizeof(*wrapped));
    for (size_t i = 0; i < n; i++) {
        const ld_analyzer *a = &job->analyzers[i];
        wrapped[i] = *a;
        if (ld_lcache_saves_itself(a) || !a->wants || !a->file)
            continue;
        shims[i] = (shim){a, (uint32_t)i, &rec};
        wrapped[i].wants = shim_wants;
        wrapped[i].file = shim_file;
        wrapped[i].ctx = &shims[i];
        wrapped[i].needs_content = NULL; /* asked of the image's analyzers only */
        wrapped[i].wants_link = NULL;
    }
    ld_layer_job j = *job;
    j.analyzers = wrapped;
    int rc = ld_layer_stream(&j, res, err);
    if (rc == 0)
        write_record(c, job, res, &rec);
    recorder_clear(&rec);
    free(wrapped);
    free(shims);
    return rc;
}

/* ---- a blob whose digest the source does not know ------------------------ */

/* A legacy `docker save` archive names a layer by path, not by digest: the
 * record of an uncompressed blob still is that blob (its digest is the
 * diff_id) when the blob is uncompressed too, which its first bytes tell.
 * Those bytes are handed back to the stream if the layer is read after all. */
typedef struct {
    uint8_t head[8];
    size_t len, pos;
    const ld_layer_job *job;
} peeked;

static ssize_t peeked_read(void *ctx, uint8_t *buf, size_t len, ld_error *err)
{
    peeked *p = ctx;
    if (p->pos < p->len) {
        size_t n = p->len - p->pos < len ? p->len - p->pos : len;
        memcpy(buf, p->head + p->pos, n);
        p->pos += n;
        return (ssize_t)n;
    }
    return p->job->read(p->job->read_ctx, buf, len, err);
}

/* Reads the blob's first bytes into p: 0, or < 0 with err. */
static int peek(const ld_layer_job *job, peeked *p, ld_error *err)
{
    p->job = job;
    while (p->len < 4) {
        ssize_t n = job->read(job->read_ctx, p->head + p->len, 4 - p->len, err);
        if (n < 0)
            return -1;
        if (n == 0)
            break;
        p->len += (size_t)n;
    }
    return 0;
}

/* No gzip, zstd, bzip2 or xz magic: the blob is the tar. */
static bool uncompressed(const peeked *p)
{
    const uint8_t *m = p->head;
    if (p->len >= 2 && m[0] == 0x1f && m[1] == 0x8b)
        return false;
    if (p->len >= 4 && m[0] == 0x28 && m[1] == 0xb5 && m[2] == 0x2f && m[3] == 0xfd)
        return false;
    if (p->len >= 3 && m[0] == 'B' && m[1] == 'Z' && m[2] == 'h')
        return false;
    if (p->len >= 4 && m[0] == 0xfd && m[1] == '7' && m[2] == 'z' && m[3] == 'X')
        return false;
    return p->len >= 4;
}

/* ---- one job ------------------------------------------------------------- */

int ld_layer_cache_stream(const ld_layer_job *job, ld_layer_result *res, ld_error *err)
{
    ld_layer_cache *c = job->opt->cache;
    if (!c || job->layer < 0 || job->opt->only_layers || !job->expect_diff_id ||
        !ld_img_digest_valid(job->expect_diff_id) || !ld_lcache_check_dir(c))
        return ld_layer_stream(job, res, err);
    if (job->cancel && __atomic_load_n(job->cancel, __ATOMIC_RELAXED)) {
        ld_error_set(err, LD_ERR_GENERIC, "stopped: another layer failed");
        ld_error_wrap(err, "%s", job->name);
        return LD_ERR_GENERIC;
    }
    /* A hit must be this very blob: its digest, size and compression are
     * the record's (an archive's uncompressed copy of a gzip'd layer is
     * not). A blob the source names by digest is that digest's content
     * (the stream checks it when the blob is read); one it does not (a
     * legacy docker save layer.tar) matches an uncompressed record when its
     * first bytes say it is uncompressed: then it is the diff_id's tar. */
    ld_layer_record rec;
    uint8_t *buf = NULL;
    peeked head = {0};
    bool peeking = false;
    if (ld_lcache_lookup(c, job->expect_diff_id, &rec, &buf) == LOOKUP_FOUND) {
        bool same = false;
        if (job->expect_digest) {
            same = strcmp(rec.digest, job->expect_digest) == 0;
        } else if (strcmp(rec.digest, rec.diff_id) == 0) {
            peeking = true;
            if (peek(job, &head, err) < 0) {
                ld_layer_record_clear(&rec);
                free(buf);
                ld_error_wrap(err, "%s", job->name);
                return err->code < 0 ? (int)err->code : LD_ERR_GENERIC;
            }
            same = uncompressed(&head);
        }
        int r = same ? replay(c, job, &rec, res, err) : REPLAY_MISS;
        uint64_t blob = rec.blob_size;
        ld_layer_record_clear(&rec);
        free(buf);
        if (r == REPLAY_OK) {
            __atomic_add_fetch(&c->hits, 1, __ATOMIC_RELAXED);
            __atomic_add_fetch(&c->bytes_not_read, blob - (peeking ? head.len : 0),
                               __ATOMIC_RELAXED);
            return 0;
        }
        if (r == REPLAY_FAIL)
            return err->code < 0 ? (int)err->code : LD_ERR_GENERIC;
    }
    __atomic_add_fetch(&c->misses, 1, __ATOMIC_RELAXED);
    if (!peeking)
        return stream_and_record(c, job, res, err);
    ld_layer_job again = *job; /* the bytes peeked at come first */
    again.read = peeked_read;
    again.read_ctx = &head;
    return stream_and_record(c, &again, res, err);
}
