/* The layer cache's record format and codec (layer_cache.h): encoding a
 * layer's result into one record file, and decoding a record file - hostile
 * input - with every length and count bounded by the bytes present, paths
 * checked as the reader normalises them, and a SHA-256 over the body.
 *
 * A record file (integers little-endian):
 *   "LDLAYER\0"  u32 format  u32 flags (0)  u64 body length  body  SHA-256(body)
 * body:
 *   fingerprint[32]  diff_id  digest  u64 blob size  u64 tar size  u8 compression
 *   u64 n  entries: path, link, u64 size, u32 mode, uid, gid, u8 type, u8 whiteout
 *   u32 n  notes: u8 named, text
 *   u32 n  gaps: u8 kind, u8 at_layer, u8 subtree, path, analyzer, text
 *   u32 n  parts: name, u8 saved, [saved: bytes]
 *   u64 n  files: path, bytes content, u32 n, u32 analyzer indices (ascending)
 * Strings: u32 length (0xffffffff: NULL), the bytes, a NUL; bytes: u64
 * length, the bytes, a NUL. Not for where records live (layer_cache.c). */
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "image/layer_cache.h"
#include "util/mem.h"

#define MAGIC "LDLAYER"
#define HEADER_LEN 24
#define SUM_LEN 32
#define NULL_STR 0xffffffffu
#define MAX_NAME 256                /* analyzer names */
#define MAX_TEXT ((size_t)64 << 10) /* notes and gap texts */
#define MAX_NOTES 1000              /* the reader keeps 200 per layer */
#define MAX_FILE_ANALYZERS 64

/* ---- writer -------------------------------------------------------------- */

static bool reserve(ld_cache_writer *w, size_t n)
{
    if (w->over)
        return false;
    size_t max = w->max ? w->max : (size_t)LD_LAYER_CACHE_RECORD_MAX;
    if (n > max || w->n > max - n) {
        w->over = true;
        return false;
    }
    if (w->n + n > w->cap) {
        size_t cap = w->cap ? w->cap : 4096;
        while (cap < w->n + n)
            cap = cap > max / 2 ? max : cap * 2;
        w->p = ld_xrealloc(w->p, cap);
        w->cap = cap;
    }
    return true;
}

static void put_raw(ld_cache_writer *w, const void *p, size_t n)
{
    if (n && reserve(w, n)) {
        memcpy(w->p + w->n, p, n);
        w->n += n;
    }
}

void ld_cache_put_u8(ld_cache_writer *w, uint8_t v)
{
    put_raw(w, &v, 1);
}

void ld_cache_put_u32(ld_cache_writer *w, uint32_t v)
{
    uint8_t b[4];
    for (int i = 0; i < 4; i++)
        b[i] = (uint8_t)(v >> (8 * i));
    put_raw(w, b, 4);
}

void ld_cache_put_u64(ld_cache_writer *w, uint64_t v)
{
    uint8_t b[8];
    for (int i = 0; i < 8; i++)
        b[i] = (uint8_t)(v >> (8 * i));
    put_raw(w, b, 8);
}

void ld_cache_put_i64(ld_cache_writer *w, int64_t v)
{
    ld_cache_put_u64(w, (uint64_t)v);
}

void ld_cache_put_str(ld_cache_writer *w, const char *s)
{
    if (!s) {
        ld_cache_put_u32(w, NULL_STR);
        return;
    }
    size_t n = strlen(s);
    if (n >= NULL_STR) {
        w->over = true;
        return;
    }
    ld_cache_put_u32(w, (uint32_t)n);
    put_raw(w, s, n);
    ld_cache_put_u8(w, 0);
}

void ld_cache_put_bytes(ld_cache_writer *w, const void *p, size_t n)
{
    ld_cache_put_u64(w, n);
    put_raw(w, p, n);
    ld_cache_put_u8(w, 0);
}

void ld_cache_writer_clear(ld_cache_writer *w)
{
    free(w->p);
    size_t max = w->max;
    memset(w, 0, sizeof(*w));
    w->max = max;
}

/* ---- reader -------------------------------------------------------------- */

void ld_cache_reader_init(ld_cache_reader *r, const void *p, size_t n)
{
    r->p = p;
    r->n = n;
    r->pos = 0;
    r->bad = false;
}

static const uint8_t *take(ld_cache_reader *r, size_t n)
{
    if (r->bad || n > r->n - r->pos) {
        r->bad = true;
        return NULL;
    }
    const uint8_t *p = r->p + r->pos;
    r->pos += n;
    return p;
}

uint8_t ld_cache_get_u8(ld_cache_reader *r)
{
    const uint8_t *p = take(r, 1);
    return p ? p[0] : 0;
}

uint32_t ld_cache_get_u32(ld_cache_reader *r)
{
    const uint8_t *p = take(r, 4);
    uint32_t v = 0;
    for (int i = 0; p && i < 4; i++)
        v |= (uint32_t)p[i] << (8 * i);
    return v;
}

uint64_t ld_cache_get_u64(ld_cache_reader *r)
{
    const uint8_t *p = take(r, 8);
    uint64_t v = 0;
    for (int i = 0; p && i < 8; i++)
        v |= (uint64_t)p[i] << (8 * i);
    return v;
}

int64_t ld_cache_get_i64(ld_cache_reader *r)
{
    return (int64_t)ld_cache_get_u64(r);
}

uint64_t ld_cache_get_count(ld_cache_reader *r, size_t min_item)
{
    uint64_t n = ld_cache_get_u64(r);
    if (r->bad)
        return 0;
    size_t left = r->n - r->pos;
    if (min_item && n > left / min_item) {
        r->bad = true;
        return 0;
    }
    return n;
}

char *ld_cache_get_str(ld_cache_reader *r, size_t max)
{
    uint32_t n = ld_cache_get_u32(r);
    if (r->bad || n == NULL_STR)
        return NULL;
    if (n > max) {
        r->bad = true;
        return NULL;
    }
    const uint8_t *p = take(r, (size_t)n + 1);
    if (!p || p[n] != 0 || memchr(p, 0, n)) {
        r->bad = true;
        return NULL;
    }
    return ld_xstrndup((const char *)p, n);
}

const uint8_t *ld_cache_get_bytes(ld_cache_reader *r, size_t max, size_t *len)
{
    *len = 0;
    uint64_t n = ld_cache_get_u64(r);
    if (r->bad)
        return NULL;
    if (n > max || n >= r->n - r->pos) { /* the bytes and their NUL */
        r->bad = true;
        return NULL;
    }
    const uint8_t *p = take(r, (size_t)n + 1);
    if (!p || p[n] != 0) {
        r->bad = true;
        return NULL;
    }
    *len = (size_t)n;
    return p;
}

bool ld_cache_reader_done(const ld_cache_reader *r)
{
    return !r->bad && r->pos == r->n;
}

/* ---- records ------------------------------------------------------------- */

static void sha256(const uint8_t *p, size_t n, uint8_t out[SUM_LEN])
{
    unsigned int len = 0;
    if (EVP_Digest(p, n, out, &len, EVP_sha256(), NULL) != 1 || len != SUM_LEN)
        memset(out, 0, SUM_LEN); /* never matches a stored sum of real data */
}

static uint8_t compression_code(const char *c)
{
    if (c && strcmp(c, "gzip") == 0)
        return 1;
    if (c && strcmp(c, "zstd") == 0)
        return 2;
    return 0;
}

int ld_layer_record_encode(const ld_layer_record_src *src, ld_cache_writer *w, ld_error *err)
{
    const ld_layer_result *res = src->res;
    put_raw(w, MAGIC, 8); /* with its NUL */
    ld_cache_put_u32(w, LD_LAYER_CACHE_FORMAT);
    ld_cache_put_u32(w, 0);
    ld_cache_put_u64(w, 0); /* body length, filled in below */
    size_t body = w->n;
    put_raw(w, src->fingerprint, 32);
    ld_cache_put_str(w, res->diff_id);
    ld_cache_put_str(w, res->digest);
    ld_cache_put_u64(w, res->blob_size);
    ld_cache_put_u64(w, res->tar_size);
    ld_cache_put_u8(w, compression_code(res->compression));
    ld_cache_put_u64(w, res->n);
    for (size_t i = 0; i < res->n; i++) {
        const ld_layer_entry *e = &res->v[i];
        ld_cache_put_str(w, e->path);
        ld_cache_put_str(w, e->link);
        ld_cache_put_u64(w, e->size);
        ld_cache_put_u32(w, e->mode);
        ld_cache_put_u32(w, e->uid);
        ld_cache_put_u32(w, e->gid);
        ld_cache_put_u8(w, (uint8_t)e->type);
        ld_cache_put_u8(w, (uint8_t)e->wh);
    }
    size_t name_len = src->job_name ? strlen(src->job_name) : 0;
    ld_cache_put_u32(w, (uint32_t)res->notes.n);
    for (size_t i = 0; i < res->notes.n; i++) {
        const char *t = res->notes.v[i];
        bool named = name_len && strncmp(t, src->job_name, name_len) == 0 &&
                     strncmp(t + name_len, ": ", 2) == 0;
        ld_cache_put_u8(w, named);
        ld_cache_put_str(w, named ? t + name_len + 2 : t);
    }
    ld_cache_put_u32(w, (uint32_t)res->gaps.n);
    for (size_t i = 0; i < res->gaps.n; i++) {
        const ld_image_gap *g = &res->gaps.v[i];
        ld_cache_put_u8(w, (uint8_t)g->kind);
        ld_cache_put_u8(w, g->layer == src->layer && g->layer >= 0);
        ld_cache_put_u8(w, g->subtree);
        ld_cache_put_str(w, g->path);
        ld_cache_put_str(w, g->analyzer);
        ld_cache_put_str(w, g->text);
    }
    ld_cache_put_u32(w, (uint32_t)src->n_parts);
    for (size_t i = 0; i < src->n_parts; i++) {
        const ld_record_part *p = &src->parts[i];
        ld_cache_put_str(w, p->name ? p->name : "?");
        ld_cache_put_u8(w, p->saved);
        if (p->saved)
            ld_cache_put_bytes(w, p->data, p->len);
    }
    ld_cache_put_u64(w, src->n_files);
    for (size_t i = 0; i < src->n_files; i++) {
        const ld_record_file *f = &src->files[i];
        ld_cache_put_str(w, f->path);
        ld_cache_put_bytes(w, f->data, f->len);
        ld_cache_put_u32(w, (uint32_t)f->n_analyzers);
        for (size_t k = 0; k < f->n_analyzers; k++)
            ld_cache_put_u32(w, f->analyzers[k]);
    }
    if (w->over || res->gaps.dropped)
        return ld_error_set(err, LD_ERR_LIMIT, "%s",
                            w->over ? "the record would be too large"
                                    : "the layer has more gaps than are kept");
    uint64_t blen = w->n - body;
    for (int i = 0; i < 8; i++)
        w->p[16 + i] = (uint8_t)(blen >> (8 * i));
    uint8_t sum[SUM_LEN];
    sha256(w->p + body, blen, sum);
    put_raw(w, sum, SUM_LEN);
    if (w->over)
        return ld_error_set(err, LD_ERR_LIMIT, "the record would be too large");
    return 0;
}

void ld_layer_record_clear(ld_layer_record *rec)
{
    for (size_t i = 0; i < rec->n_entries; i++) {
        free(rec->entries[i].path);
        free(rec->entries[i].link);
    }
    free(rec->entries);
    for (size_t i = 0; i < rec->n_notes; i++)
        free(rec->notes[i].text);
    free(rec->notes);
    for (size_t i = 0; i < rec->n_gaps; i++) {
        free(rec->gaps[i].path);
        free(rec->gaps[i].analyzer);
        free(rec->gaps[i].text);
    }
    free(rec->gaps);
    for (size_t i = 0; i < rec->n_parts; i++)
        free(rec->parts[i].name);
    free(rec->parts);
    for (size_t i = 0; i < rec->n_files; i++) {
        free(rec->files[i].path);
        free(rec->files[i].analyzers);
    }
    free(rec->files);
    memset(rec, 0, sizeof(*rec));
}

/* A path as the layer reader makes them: "/", or "/a/b" with no empty,
 * "." or ".." component, at most LD_IMG_MAX_PATH bytes. */
static bool normal_path(const char *p)
{
    if (!p || p[0] != '/' || strlen(p) > LD_IMG_MAX_PATH)
        return false;
    if (p[1] == '\0')
        return true;
    for (const char *c = p + 1;;) {
        const char *slash = strchr(c, '/');
        size_t n = slash ? (size_t)(slash - c) : strlen(c);
        if (n == 0 || (n == 1 && c[0] == '.') || (n == 2 && c[0] == '.' && c[1] == '.'))
            return false;
        if (!slash)
            return true;
        c = slash + 1;
    }
}

static int corrupt(ld_layer_record *out, ld_error *err, const char *what)
{
    ld_layer_record_clear(out);
    return ld_error_set(err, LD_ERR_CORRUPT, "layer cache record: %s", what);
}

static bool get_digest(ld_cache_reader *r, char out[LD_DIGEST_LEN + 1])
{
    char *d = ld_cache_get_str(r, LD_DIGEST_LEN);
    bool ok = d && ld_img_digest_valid(d);
    if (ok)
        memcpy(out, d, LD_DIGEST_LEN + 1);
    free(d);
    return ok;
}

static bool decode_entries(ld_cache_reader *r, ld_layer_record *out)
{
    /* path, link, size, mode, uid, gid, type, wh: at least 4+2+4+8+12+2 bytes */
    uint64_t n = ld_cache_get_count(r, 32);
    if (r->bad)
        return false;
    out->entries = ld_xcalloc(n ? n : 1, sizeof(*out->entries));
    for (uint64_t i = 0; i < n; i++) {
        ld_layer_entry *e = &out->entries[out->n_entries++];
        e->path = ld_cache_get_str(r, LD_IMG_MAX_PATH);
        e->link = ld_cache_get_str(r, LD_IMG_MAX_PATH);
        e->size = ld_cache_get_u64(r);
        e->mode = ld_cache_get_u32(r);
        e->uid = ld_cache_get_u32(r);
        e->gid = ld_cache_get_u32(r);
        uint8_t type = ld_cache_get_u8(r), wh = ld_cache_get_u8(r);
        if (r->bad || !normal_path(e->path) || type > LD_FILE_SOCKET || wh > LD_WH_OPAQUE ||
            e->mode > 07777)
            return false;
        e->type = (ld_file_type)type;
        e->wh = wh;
        bool linked = e->type == LD_FILE_SYMLINK || e->type == LD_FILE_HARDLINK;
        if (linked != (e->link != NULL) || (wh && e->type != LD_FILE_REGULAR))
            return false;
        if (e->type == LD_FILE_HARDLINK && !normal_path(e->link))
            return false;
    }
    return true;
}

static bool decode_notes_gaps(ld_cache_reader *r, ld_layer_record *out)
{
    uint32_t n = ld_cache_get_u32(r);
    if (r->bad || n > MAX_NOTES)
        return false;
    out->notes = ld_xcalloc(n ? n : 1, sizeof(*out->notes));
    for (uint32_t i = 0; i < n; i++) {
        ld_record_note *nt = &out->notes[out->n_notes++];
        uint8_t named = ld_cache_get_u8(r);
        nt->text = ld_cache_get_str(r, MAX_TEXT);
        nt->named = named == 1;
        if (r->bad || named > 1 || !nt->text)
            return false;
    }
    n = ld_cache_get_u32(r);
    if (r->bad || n > LD_IMG_MAX_GAPS || n > (r->n - r->pos) / 15)
        return false;
    out->gaps = ld_xcalloc(n ? n : 1, sizeof(*out->gaps));
    for (uint32_t i = 0; i < n; i++) {
        ld_record_gap *g = &out->gaps[out->n_gaps++];
        uint8_t kind = ld_cache_get_u8(r), at = ld_cache_get_u8(r), sub = ld_cache_get_u8(r);
        g->path = ld_cache_get_str(r, LD_IMG_MAX_PATH);
        g->analyzer = ld_cache_get_str(r, MAX_NAME);
        g->text = ld_cache_get_str(r, MAX_TEXT);
        if (r->bad || kind > LD_GAP_READ || at > 1 || sub > 1 || !g->path)
            return false;
        g->kind = (ld_gap_kind)kind;
        g->at_layer = at;
        g->subtree = sub;
    }
    return true;
}

static bool decode_parts_files(ld_cache_reader *r, ld_layer_record *out)
{
    uint32_t n = ld_cache_get_u32(r);
    if (r->bad || n > 1024 || n > (r->n - r->pos) / 6)
        return false;
    out->parts = ld_xcalloc(n ? n : 1, sizeof(*out->parts));
    for (uint32_t i = 0; i < n; i++) {
        ld_record_part *p = &out->parts[out->n_parts++];
        p->name = ld_cache_get_str(r, MAX_NAME);
        uint8_t saved = ld_cache_get_u8(r);
        if (r->bad || !p->name || saved > 1)
            return false;
        p->saved = saved;
        if (saved && !(p->data = ld_cache_get_bytes(r, LD_LAYER_CACHE_RECORD_MAX, &p->len)))
            return false;
    }
    /* path, content, count: at least 5 + 9 + 4 bytes */
    uint64_t nf = ld_cache_get_count(r, 18);
    if (r->bad)
        return false;
    out->files = ld_xcalloc(nf ? nf : 1, sizeof(*out->files));
    for (uint64_t i = 0; i < nf; i++) {
        ld_record_file *f = &out->files[out->n_files++];
        f->path = ld_cache_get_str(r, LD_IMG_MAX_PATH);
        f->data = ld_cache_get_bytes(r, LD_LAYER_CACHE_RECORDED_MAX, &f->len);
        uint32_t k = ld_cache_get_u32(r);
        if (r->bad || !normal_path(f->path) || !f->data || k == 0 || k > MAX_FILE_ANALYZERS ||
            k > out->n_parts)
            return false;
        f->analyzers = ld_xcalloc(k, sizeof(*f->analyzers));
        for (uint32_t j = 0; j < k; j++) {
            uint32_t a = ld_cache_get_u32(r);
            if (r->bad || a >= out->n_parts || out->parts[a].saved ||
                (j && a <= f->analyzers[j - 1]))
                return false;
            f->analyzers[f->n_analyzers++] = a;
        }
    }
    return true;
}

int ld_layer_record_decode(const uint8_t *data, size_t len, ld_layer_record *out, ld_error *err)
{
    memset(out, 0, sizeof(*out));
    if (len < HEADER_LEN + SUM_LEN || memcmp(data, MAGIC, 8) != 0)
        return corrupt(out, err, "not a record (bad magic)");
    ld_cache_reader h;
    ld_cache_reader_init(&h, data + 8, HEADER_LEN - 8);
    uint32_t format = ld_cache_get_u32(&h), flags = ld_cache_get_u32(&h);
    uint64_t blen = ld_cache_get_u64(&h);
    if (format != LD_LAYER_CACHE_FORMAT || flags != 0)
        return corrupt(out, err, "another format version");
    if (blen != len - HEADER_LEN - SUM_LEN)
        return corrupt(out, err, "truncated or with bytes after its end");
    uint8_t sum[SUM_LEN];
    sha256(data + HEADER_LEN, (size_t)blen, sum);
    if (memcmp(sum, data + HEADER_LEN + blen, SUM_LEN) != 0)
        return corrupt(out, err, "checksum mismatch");
    ld_cache_reader r;
    ld_cache_reader_init(&r, data + HEADER_LEN, (size_t)blen);
    const uint8_t *fp = take(&r, 32);
    if (fp)
        memcpy(out->fingerprint, fp, 32);
    if (!fp || !get_digest(&r, out->diff_id) || !get_digest(&r, out->digest))
        return corrupt(out, err, "bad digests");
    out->blob_size = ld_cache_get_u64(&r);
    out->tar_size = ld_cache_get_u64(&r);
    uint8_t comp = ld_cache_get_u8(&r);
    if (r.bad || comp > 2)
        return corrupt(out, err, "bad layer facts");
    out->compression = comp == 1 ? "gzip" : comp == 2 ? "zstd" : "none";
    if (!decode_entries(&r, out))
        return corrupt(out, err, "bad entries");
    if (!decode_notes_gaps(&r, out))
        return corrupt(out, err, "bad notes or gaps");
    if (!decode_parts_files(&r, out))
        return corrupt(out, err, "bad analyzer results");
    if (!ld_cache_reader_done(&r))
        return corrupt(out, err, "bytes after the body");
    return 0;
}
