/* libFuzzer target for the layer cache's record decoder
 * (image/layer_cache_record.c). The first byte picks how the rest is used:
 * even, as a record body that this target wraps in a valid header and
 * checksum (so the body parser is reached, not only the checksum); odd, as
 * a whole record file. A record that decodes keeps the promises of
 * layer_cache.h: normalised paths, a link exactly on links, whiteouts only
 * on regular entries, analyzer indices ascending and naming recorded
 * parts, content NUL-terminated inside the input; encoding it again and
 * decoding that gives the same record. The codec's reader is also run over
 * the input with every kind of read. Seeds: tests/fuzz/corpus/layer_cache_record/.
 * Replay: ./fuzz_layer_cache_record FILE. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "image/layer_cache.h"
#include "util/mem.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool normal(const char *p)
{
    if (!p || p[0] != '/')
        return false;
    return strstr(p, "//") == NULL && strstr(p, "/../") == NULL && strstr(p, "/./") == NULL;
}

static void check(const ld_layer_record *r, const uint8_t *buf, size_t len)
{
    for (size_t i = 0; i < r->n_entries; i++) {
        const ld_layer_entry *e = &r->entries[i];
        if (!normal(e->path) || e->type > LD_FILE_SOCKET || e->wh > LD_WH_OPAQUE)
            abort();
        bool linked = e->type == LD_FILE_SYMLINK || e->type == LD_FILE_HARDLINK;
        if (linked != (e->link != NULL) || (e->wh && e->type != LD_FILE_REGULAR))
            abort();
    }
    for (size_t i = 0; i < r->n_parts; i++)
        if (r->parts[i].saved &&
            (r->parts[i].data < buf || r->parts[i].data + r->parts[i].len >= buf + len))
            abort();
    for (size_t i = 0; i < r->n_files; i++) {
        const ld_record_file *f = &r->files[i];
        if (!normal(f->path) || f->data < buf || f->data + f->len >= buf + len || f->data[f->len])
            abort();
        for (size_t k = 0; k < f->n_analyzers; k++)
            if (f->analyzers[k] >= r->n_parts || r->parts[f->analyzers[k]].saved ||
                (k && f->analyzers[k] <= f->analyzers[k - 1]))
                abort();
    }
}

/* Encodes r again (through a layer result) and decodes it: same record. */
static void round_trip(const ld_layer_record *r)
{
    ld_layer_result res;
    memset(&res, 0, sizeof(res));
    res.v = r->entries;
    res.n = res.cap = r->n_entries;
    memcpy(res.digest, r->digest, sizeof(res.digest));
    memcpy(res.diff_id, r->diff_id, sizeof(res.diff_id));
    res.blob_size = r->blob_size;
    res.tar_size = r->tar_size;
    res.compression = r->compression;
    for (size_t i = 0; i < r->n_notes; i++)
        ld_strlist_push_owned(&res.notes, r->notes[i].named
                                              ? ld_xasprintf("JOB: %s", r->notes[i].text)
                                              : ld_xstrdup(r->notes[i].text));
    for (size_t i = 0; i < r->n_gaps; i++)
        ld_gap_add(&res.gaps, r->gaps[i].kind, r->gaps[i].path, r->gaps[i].at_layer ? 5 : -1,
                   r->gaps[i].analyzer, r->gaps[i].subtree, ld_xstrdup(r->gaps[i].text));
    ld_layer_record_src src = {.fingerprint = r->fingerprint,
                               .res = &res,
                               .job_name = "JOB",
                               .layer = 5,
                               .parts = r->parts,
                               .n_parts = r->n_parts,
                               .files = r->files,
                               .n_files = r->n_files};
    ld_cache_writer w = {0};
    ld_error err = LD_ERROR_INIT;
    if (ld_layer_record_encode(&src, &w, &err) == 0) {
        ld_layer_record again;
        if (ld_layer_record_decode(w.p, w.n, &again, &err) < 0)
            abort();
        if (again.n_entries != r->n_entries || again.n_files != r->n_files ||
            again.n_parts != r->n_parts || strcmp(again.diff_id, r->diff_id) != 0 ||
            memcmp(again.fingerprint, r->fingerprint, 32) != 0)
            abort();
        for (size_t i = 0; i < r->n_entries; i++)
            if (strcmp(again.entries[i].path, r->entries[i].path) != 0)
                abort();
        ld_layer_record_clear(&again);
    }
    ld_cache_writer_clear(&w);
    res.v = NULL; /* the record's */
    res.n = 0;
    ld_layer_result_clear(&res);
}

static void run_reader(const uint8_t *data, size_t size)
{
    ld_cache_reader r;
    ld_cache_reader_init(&r, data, size);
    for (size_t i = 0; i < 64 && !r.bad; i++) {
        size_t len = 0;
        switch (i % 6) {
        case 0: ld_cache_get_u8(&r); break;
        case 1: ld_cache_get_u32(&r); break;
        case 2: ld_cache_get_u64(&r); break;
        case 3: free(ld_cache_get_str(&r, 4096)); break;
        case 4: ld_cache_get_bytes(&r, 1 << 20, &len); break;
        default: ld_cache_get_count(&r, 3); break;
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    run_reader(data + 1, size - 1);
    uint8_t *buf;
    size_t len;
    if (data[0] & 1) {
        len = size - 1;
        buf = ld_xmalloc(len + 1);
        memcpy(buf, data + 1, len);
    } else {
        size_t body = size - 1;
        len = 24 + body + 32;
        buf = ld_xmalloc(len);
        memcpy(buf, "LDLAYER", 8);
        uint8_t head[16] = {LD_LAYER_CACHE_FORMAT};
        for (int i = 0; i < 8; i++)
            head[8 + i] = (uint8_t)((uint64_t)body >> (8 * i));
        memcpy(buf + 8, head, 16);
        memcpy(buf + 24, data + 1, body);
        unsigned int n = 0;
        EVP_Digest(buf + 24, body, buf + 24 + body, &n, EVP_sha256(), NULL);
    }
    ld_layer_record rec;
    ld_error err = LD_ERROR_INIT;
    if (ld_layer_record_decode(buf, len, &rec, &err) == 0) {
        check(&rec, buf, len);
        round_trip(&rec);
        ld_layer_record_clear(&rec);
    } else if (err.code != LD_ERR_CORRUPT || rec.entries || rec.files) {
        abort();
    }
    free(buf);
    return 0;
}
