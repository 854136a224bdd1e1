/* One layer blob, streamed exactly once: the blob bytes are hashed (digest),
 * gzip or zstd is undone here (zlib inflate, multi-member; ZSTD
 * decompressStream), the tar bytes are hashed (diff_id) and handed to
 * libarchive's tar reader through our own read callback, and each entry is
 * recorded (normalised path, type, mode, owner, size, link) for the fs index.
 * Regular files an analyzer wants are read into one reusable buffer capped
 * per analyzer (a file over an analyzer's cap is a gap). A second read for
 * link targets skips, unread, the layers that hold none (opt->only_layers).
 * Nothing is written to disk. Not for outer archives
 * (docker_archive.c) or for applying whiteouts (fs_index.c). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <archive.h>
#include <archive_entry.h>
#include <openssl/evp.h>
#include <zlib.h>
#include <zstd.h>

#include "image/image_internal.h"
#include "util/mem.h"

#define IN_BUF (256 * 1024)
#define OUT_BUF (512 * 1024)
#define MAX_NOTES_PER_LAYER 200
/* 2^27: the zstd default window limit, stated so memory stays bounded. */
#define ZSTD_WINDOW_LOG_MAX 27

enum comp { COMP_NONE, COMP_GZIP, COMP_ZSTD };

typedef struct {
    const ld_layer_job *job;
    ld_error *err;
    bool failed; /* err holds a decompression/read failure */
    EVP_MD_CTX *blob_md, *tar_md;
    uint8_t *in;
    size_t in_len, in_pos;
    bool in_eof;
    uint8_t *out;
    enum comp comp;
    z_stream z;
    bool z_init;
    bool z_at_boundary; /* a gzip member ended; more may follow */
    ZSTD_DCtx *zd;
    size_t zstd_last; /* last ZSTD_decompressStream hint: 0 = frame complete */
    bool zstd_any;
    uint64_t blob_size, tar_size;
    uint64_t charged; /* of max(blob_size, tar_size), counted for the image */
} stream_ctx;

/* The layer's size so far against the limits: the larger of the blob read
 * and the tar it expanded to (zstd skippable frames or empty gzip members
 * expand to nothing) must stay under the layer limit, and what it adds
 * counts toward the image's total (ld_img_charge). */
static int check_size(stream_ctx *s)
{
    uint64_t size = s->blob_size > s->tar_size ? s->blob_size : s->tar_size;
    if (size > s->job->opt->max_layer_bytes) {
        ld_error_set(s->err, LD_ERR_LIMIT,
                     "uncompressed layer is larger than %llu bytes (a decompression bomb?); "
                     "raise the layer size limit if it is genuine",
                     (unsigned long long)s->job->opt->max_layer_bytes);
        s->failed = true;
        return -1;
    }
    if (size > s->charged) {
        if (ld_img_charge(s->job->opt, size - s->charged, s->err) < 0) {
            s->failed = true;
            return -1;
        }
        s->charged = size;
    }
    return 0;
}

static int fill_in(stream_ctx *s)
{
    if (s->in_eof)
        return 0;
    if (s->in_pos < s->in_len) {
        memmove(s->in, s->in + s->in_pos, s->in_len - s->in_pos);
        s->in_len -= s->in_pos;
    } else {
        s->in_len = 0;
    }
    s->in_pos = 0;
    if (s->job->cancel && __atomic_load_n(s->job->cancel, __ATOMIC_RELAXED)) {
        ld_error_set(s->err, LD_ERR_GENERIC, "stopped: another layer failed");
        s->failed = true;
        return -1;
    }
    ssize_t n = s->job->read(s->job->read_ctx, s->in + s->in_len, IN_BUF - s->in_len, s->err);
    if (n < 0) {
        s->failed = true;
        return -1;
    }
    if (n == 0) {
        s->in_eof = true;
        return 0;
    }
    EVP_DigestUpdate(s->blob_md, s->in + s->in_len, (size_t)n);
    s->blob_size += (uint64_t)n;
    s->in_len += (size_t)n;
    if (check_size(s) < 0)
        return -1;
    return 1;
}

static int fail(stream_ctx *s, ld_errcode code, const char *msg)
{
    ld_error_set(s->err, code, "%s", msg);
    s->failed = true;
    return -1;
}

/* Next chunk of tar bytes: sets *p, returns its length, 0 at end, -1 on error. */
static ssize_t produce(stream_ctx *s, const uint8_t **p)
{
    if (s->comp == COMP_NONE) {
        if (s->in_pos == s->in_len && fill_in(s) < 0)
            return -1;
        size_t n = s->in_len - s->in_pos;
        *p = s->in + s->in_pos;
        s->in_pos = s->in_len;
        return (ssize_t)n;
    }
    if (s->comp == COMP_GZIP) {
        s->z.next_out = s->out;
        s->z.avail_out = OUT_BUF;
        while (s->z.avail_out == OUT_BUF) {
            bool eof = false; /* no more input: inflate may still flush held output */
            if (s->in_pos == s->in_len) {
                int r = fill_in(s);
                if (r < 0)
                    return -1;
                if (r == 0) {
                    if (s->z_at_boundary)
                        return 0;
                    eof = true;
                }
            }
            s->z.next_in = s->in + s->in_pos;
            s->z.avail_in = (uInt)(s->in_len - s->in_pos);
            int zr = inflate(&s->z, Z_NO_FLUSH);
            s->in_pos = s->in_len - s->z.avail_in;
            if (zr == Z_STREAM_END) {
                s->z_at_boundary = true;
                inflateReset(&s->z);
                continue; /* the loop ends if this member produced output */
            }
            if (zr == Z_OK || zr == Z_BUF_ERROR) {
                if (zr == Z_OK)
                    s->z_at_boundary = false;
                if (eof && s->z.avail_out == OUT_BUF)
                    return fail(s, LD_ERR_CORRUPT, "truncated gzip stream");
                continue;
            }
            if (s->z_at_boundary && s->z.total_out == 0)
                return fail(s, LD_ERR_CORRUPT, "data after the gzip stream is not gzip");
            return fail(s, LD_ERR_CORRUPT, s->z.msg ? s->z.msg : "corrupt gzip stream");
        }
        *p = s->out;
        return (ssize_t)(OUT_BUF - s->z.avail_out);
    }
    /* zstd */
    ZSTD_outBuffer ob = {s->out, OUT_BUF, 0};
    while (ob.pos == 0) {
        bool eof = false; /* no more input: the decoder may still flush held output */
        if (s->in_pos == s->in_len) {
            int r = fill_in(s);
            if (r < 0)
                return -1;
            if (r == 0) {
                if (s->zstd_any && s->zstd_last == 0)
                    return 0;
                eof = true;
            }
        }
        ZSTD_inBuffer ib = {s->in, s->in_len, s->in_pos};
        size_t zr = ZSTD_decompressStream(s->zd, &ob, &ib);
        s->in_pos = ib.pos;
        if (ZSTD_isError(zr))
            return fail(s, LD_ERR_CORRUPT, ZSTD_getErrorName(zr));
        s->zstd_last = zr;
        s->zstd_any = true;
        if (eof && ob.pos == 0)
            return fail(s, LD_ERR_CORRUPT, "truncated zstd stream");
    }
    *p = s->out;
    return (ssize_t)ob.pos;
}

static ssize_t tar_read_cb(struct archive *a, void *ud, const void **buf)
{
    stream_ctx *s = ud;
    const uint8_t *p = NULL;
    ssize_t n = produce(s, &p);
    if (n < 0) {
        archive_set_error(a, EIO, "layer stream failed");
        return -1;
    }
    if (n > 0) {
        if (s->tar_md)
            EVP_DigestUpdate(s->tar_md, p, (size_t)n);
        s->tar_size += (uint64_t)n;
        if (check_size(s) < 0) {
            archive_set_error(a, EFBIG, "layer too large");
            return -1;
        }
    }
    *buf = p;
    return n;
}

static void digest_final(EVP_MD_CTX *md, char out[LD_DIGEST_LEN + 1])
{
    unsigned char d[32];
    unsigned int dl = 0;
    EVP_DigestFinal_ex(md, d, &dl);
    static const char hex[] = "0123456789abcdef";
    memcpy(out, "sha256:", 7);
    for (int i = 0; i < 32; i++) {
        out[7 + 2 * i] = hex[d[i] >> 4];
        out[8 + 2 * i] = hex[d[i] & 15];
    }
    out[LD_DIGEST_LEN] = '\0';
}

char *ld_img_normalize_path(const char *name, size_t max, ld_error *err)
{
    size_t len = strlen(name);
    if (len > max)
        return ld_error_set(err, LD_ERR_LIMIT, "path of %zu bytes is longer than %zu", len, max),
               NULL;
    if (name[0] == '/')
        return ld_error_set(err, LD_ERR_CORRUPT, "absolute path \"%.200s\" in a layer", name), NULL;
    char *out = ld_xmalloc(len + 2);
    size_t o = 0;
    const char *c = name;
    while (*c) {
        const char *slash = strchr(c, '/');
        size_t n = slash ? (size_t)(slash - c) : strlen(c);
        if (n == 2 && c[0] == '.' && c[1] == '.') {
            free(out);
            return ld_error_set(err, LD_ERR_CORRUPT, "path \"%.200s\" has a \"..\" component",
                                name),
                   NULL;
        }
        if (n > 0 && !(n == 1 && c[0] == '.')) {
            out[o++] = '/';
            memcpy(out + o, c, n);
            o += n;
        }
        if (!slash)
            break;
        c = slash + 1;
    }
    if (o == 0)
        out[o++] = '/';
    out[o] = '\0';
    return out;
}

static void add_note(ld_layer_result *res, char *note)
{
    if (res->notes.n < MAX_NOTES_PER_LAYER)
        ld_strlist_push_owned(&res->notes, note);
    else
        free(note);
}

typedef struct {
    uint8_t *buf;
    size_t cap;
    bool *want;
} content_state;

static int read_content(struct archive *a, content_state *cs, size_t size, ld_error *err)
{
    if (size + 1 > cs->cap) {
        free(cs->buf);
        cs->cap = size + 1;
        cs->buf = ld_xmalloc(cs->cap);
    }
    size_t got = 0;
    while (got < size) {
        la_ssize_t n = archive_read_data(a, cs->buf + got, size - got);
        if (n < 0)
            return -1;
        if (n == 0)
            break;
        got += (size_t)n;
    }
    if (got != size)
        return ld_error_set(err, LD_ERR_CORRUPT, "entry ended after %zu of %zu bytes", got, size);
    cs->buf[size] = '\0';
    return 0;
}

static int defer_call(const ld_layer_job *job, ld_layer_result *res, size_t ai, const char *path,
                      const uint8_t *data, size_t len, ld_error *err)
{
    ld_defer_budget *b = job->budget;
    pthread_mutex_lock(&b->lock);
    bool over = b->used + len > b->max;
    if (!over)
        b->used += len;
    pthread_mutex_unlock(&b->lock);
    if (over)
        return ld_error_set(err, LD_ERR_LIMIT,
                            "%s: file contents kept for analyzers exceed %llu bytes while the "
                            "archive's manifest is not yet read",
                            path, (unsigned long long)b->max);
    ld_xgrow(&res->deferred, &res->cap_deferred, res->n_deferred + 1, sizeof(*res->deferred));
    ld_deferred_call *d = &res->deferred[res->n_deferred++];
    d->analyzer = ai;
    d->path = ld_xstrdup(path);
    d->data = ld_xmalloc(len + 1);
    memcpy(d->data, data, len);
    d->data[len] = '\0';
    d->len = len;
    return 0;
}

/* Offers a regular file to the analyzers; reads its content at most once. */
static int analyze_entry(struct archive *a, const ld_layer_job *job, ld_layer_result *res,
                         content_state *cs, const char *path, uint64_t size, ld_error *err)
{
    const ld_img_opts *opt = job->opt;
    uint64_t biggest = 0;
    bool any = false;
    for (size_t i = 0; i < job->n_analyzers; i++) {
        const ld_analyzer *an = &job->analyzers[i];
        cs->want[i] = an->wants && an->file && an->wants(path, size, an->ctx);
        if (!cs->want[i])
            continue;
        uint64_t cap = an->max_bytes ? an->max_bytes : opt->max_file_bytes;
        if (cap > opt->max_file_bytes)
            cap = opt->max_file_bytes;
        if (size > cap) {
            char *msg = ld_xasprintf(
                "%s: %s is %llu bytes, over the %llu-byte limit for analyzer %s; not analysed",
                job->name, path, (unsigned long long)size, (unsigned long long)cap,
                an->name ? an->name : "?");
            ld_gap_add(&res->gaps, LD_GAP_SIZE, path, job->layer, an->name ? an->name : "?", false,
                       ld_xasprintf("%s is %llu bytes, over the %llu-byte limit for analyzer %s",
                                    path, (unsigned long long)size, (unsigned long long)cap,
                                    an->name ? an->name : "?"));
            add_note(res, msg);
            cs->want[i] = false;
            continue;
        }
        any = true;
        if (size > biggest)
            biggest = size;
    }
    if (!any)
        return 0;
    if (read_content(a, cs, (size_t)size, err) < 0)
        return -1;
    for (size_t i = 0; i < job->n_analyzers; i++) {
        if (!cs->want[i])
            continue;
        const ld_analyzer *an = &job->analyzers[i];
        int rc;
        if (job->layer < 0)
            rc = defer_call(job, res, i, path, cs->buf, (size_t)size, err);
        else
            rc = an->file(path, job->layer, cs->buf, (size_t)size, an->ctx, err);
        /* a blob listed again later in the manifest: the same content at
         * each of its positions, from this one read */
        for (size_t k = 0; rc >= 0 && job->layer >= 0 && k < job->n_more_layers; k++)
            rc = an->file(path, job->more_layers[k], cs->buf, (size_t)size, an->ctx, err);
        if (rc < 0) {
            if (err->code == LD_OK)
                ld_error_set(err, LD_ERR_GENERIC, "analyzer %s failed on %s",
                             an->name ? an->name : "?", path);
            return rc;
        }
    }
    return 0;
}

static ld_file_type entry_type(struct archive_entry *ae)
{
    if (archive_entry_hardlink(ae))
        return LD_FILE_HARDLINK;
    switch (archive_entry_filetype(ae)) {
    case AE_IFDIR: return LD_FILE_DIR;
    case AE_IFLNK: return LD_FILE_SYMLINK;
    case AE_IFCHR: return LD_FILE_CHAR;
    case AE_IFBLK: return LD_FILE_BLOCK;
    case AE_IFIFO: return LD_FILE_FIFO;
    case AE_IFSOCK: return LD_FILE_SOCKET;
    default: return LD_FILE_REGULAR;
    }
}

/* Records one tar entry (whiteouts turned into their target). */
static int record_entry(struct archive *a, const ld_layer_job *job, ld_layer_result *res,
                        content_state *cs, struct archive_entry *ae, ld_error *err)
{
    const char *name = archive_entry_pathname(ae);
    if (!name || !*name)
        return ld_error_set(err, LD_ERR_CORRUPT, "tar entry without a name");
    char *path = ld_img_normalize_path(name, LD_IMG_MAX_PATH, err);
    if (!path)
        return err->code;
    if (strcmp(path, "/") == 0) {
        free(path);
        return 0;
    }
    la_int64_t sz = archive_entry_size(ae);
    if (sz < 0 || (uint64_t)sz > job->opt->max_layer_bytes) {
        ld_error_set(err, LD_ERR_CORRUPT, "%s: absurd size %lld", path, (long long)sz);
        free(path);
        return LD_ERR_CORRUPT;
    }
    ld_layer_entry e = {0};
    e.type = entry_type(ae);
    e.mode = (uint32_t)archive_entry_perm(ae) & 07777;
    e.uid = (uint32_t)archive_entry_uid(ae);
    e.gid = (uint32_t)archive_entry_gid(ae);
    e.size = (uint64_t)sz;

    char *base = strrchr(path, '/') + 1;
    if (strncmp(base, ".wh.", 4) == 0) {
        if (strcmp(base, ".wh..wh..opq") == 0) {
            e.wh = LD_WH_OPAQUE;
            base[-1] = '\0';
            if (path[0] == '\0') {
                path[0] = '/';
                path[1] = '\0';
            }
        } else if (strncmp(base, ".wh..wh.", 8) == 0) {
            free(path); /* aufs metadata (.wh..wh.plnk, .wh..wh.aufs): not files */
            return 0;
        } else {
            const char *target = base + 4;
            if (!*target || strcmp(target, ".") == 0 || strcmp(target, "..") == 0) {
                ld_error_set(err, LD_ERR_CORRUPT, "%s: whiteout without a valid target", path);
                free(path);
                return LD_ERR_CORRUPT;
            }
            memmove(base, target, strlen(target) + 1);
            e.wh = LD_WH_FILE;
        }
        e.type = LD_FILE_REGULAR;
    } else if (e.type == LD_FILE_HARDLINK) {
        e.link = ld_img_normalize_path(archive_entry_hardlink(ae), LD_IMG_MAX_PATH, err);
        if (!e.link) {
            ld_error_wrap(err, "%s: hard link", path);
            free(path);
            return err->code;
        }
    } else if (e.type == LD_FILE_SYMLINK) {
        const char *t = archive_entry_symlink(ae);
        if (!t || strlen(t) > LD_IMG_MAX_PATH) {
            ld_error_set(err, LD_ERR_CORRUPT, "%s: symlink without a valid target", path);
            free(path);
            return LD_ERR_CORRUPT;
        }
        e.link = ld_xstrdup(t);
        e.size = strlen(t); /* as lstat reports it, so dir: and images agree */
    }
    e.path = path;
    ld_xgrow(&res->v, &res->cap, res->n + 1, sizeof(*res->v));
    res->v[res->n++] = e;
    if (e.type == LD_FILE_REGULAR && e.wh == LD_WH_NONE && job->n_analyzers > 0)
        return analyze_entry(a, job, res, cs, e.path, e.size, err);
    return 0;
}

static int detect(stream_ctx *s)
{
    while (s->in_len - s->in_pos < 4 && !s->in_eof)
        if (fill_in(s) < 0)
            return -1;
    const uint8_t *m = s->in + s->in_pos;
    size_t have = s->in_len - s->in_pos;
    if (have >= 2 && m[0] == 0x1f && m[1] == 0x8b) {
        s->comp = COMP_GZIP;
        if (inflateInit2(&s->z, 16 + MAX_WBITS) != Z_OK)
            return fail(s, LD_ERR_NOMEM, "cannot initialise zlib");
        s->z_init = true;
    } else if (have >= 4 && m[0] == 0x28 && m[1] == 0xb5 && m[2] == 0x2f && m[3] == 0xfd) {
        s->comp = COMP_ZSTD;
        s->zd = ZSTD_createDCtx();
        if (!s->zd)
            return fail(s, LD_ERR_NOMEM, "cannot initialise zstd");
        ZSTD_DCtx_setParameter(s->zd, ZSTD_d_windowLogMax, ZSTD_WINDOW_LOG_MAX);
    } else if (have >= 3 && m[0] == 'B' && m[1] == 'Z' && m[2] == 'h') {
        return fail(s, LD_ERR_UNSUPPORTED, "bzip2-compressed layers are not supported");
    } else if (have >= 4 && m[0] == 0xfd && m[1] == '7' && m[2] == 'z' && m[3] == 'X') {
        return fail(s, LD_ERR_UNSUPPORTED, "xz-compressed layers are not supported");
    } else {
        s->comp = COMP_NONE;
    }
    return 0;
}

static const char *comp_name(enum comp c)
{
    return c == COMP_GZIP ? "gzip" : c == COMP_ZSTD ? "zstd" : "none";
}

static int stream_tar(stream_ctx *s, ld_layer_result *res, ld_error *err)
{
    const ld_layer_job *job = s->job;
    struct archive *a = archive_read_new();
    if (!a)
        return ld_error_set(err, LD_ERR_NOMEM, "cannot allocate a tar reader");
    archive_read_support_format_tar(a);
    content_state cs = {0};
    cs.want = ld_xcalloc(job->n_analyzers + 1, sizeof(bool));
    int rc = 0;
    if (archive_read_open(a, s, NULL, tar_read_cb, NULL) != ARCHIVE_OK) {
        rc = -1;
        goto tar_error;
    }
    struct archive_entry *ae;
    uint64_t entries = 0;
    for (;;) {
        int r = archive_read_next_header(a, &ae);
        if (r == ARCHIVE_EOF)
            break;
        if (r != ARCHIVE_OK && r != ARCHIVE_WARN) {
            rc = -1;
            goto tar_error;
        }
        if (++entries > job->opt->max_entries) {
            rc = ld_error_set(err, LD_ERR_LIMIT, "more than %llu tar entries",
                              (unsigned long long)job->opt->max_entries);
            goto out;
        }
        /* the layers' lists and the index grow with every entry of every
         * layer: bounded for the image too, not only per layer */
        uint64_t all = LD_IMG_IMAGE_ENTRIES_FACTOR * job->opt->max_entries;
        if (job->opt->image_entries &&
            __atomic_add_fetch(job->opt->image_entries, 1, __ATOMIC_RELAXED) > all) {
            rc = ld_error_set(err, LD_ERR_LIMIT,
                              "more than %llu tar entries in the image's layers together",
                              (unsigned long long)all);
            goto out;
        }
        if ((rc = record_entry(a, job, res, &cs, ae, err)) < 0) {
            if (s->failed || err->code == LD_OK)
                goto tar_error;
            goto out;
        }
    }
    /* Padding after the end-of-archive blocks still counts for the digests. */
    const uint8_t *p;
    ssize_t n;
    while ((n = produce(s, &p)) > 0) {
        if (s->tar_md)
            EVP_DigestUpdate(s->tar_md, p, (size_t)n);
        s->tar_size += (uint64_t)n;
        if (check_size(s) < 0) { /* the padding is under the same limits */
            n = -1;
            break;
        }
    }
    if (n < 0)
        rc = -1;
    goto out;
tar_error:
    if (!s->failed) {
        const char *m = archive_error_string(a);
        rc = ld_error_set(err, LD_ERR_CORRUPT, "not a valid tar stream: %s",
                          m ? m : "unknown error");
    } else {
        rc = err->code ? err->code : LD_ERR_GENERIC;
    }
out:
    free(cs.buf);
    free(cs.want);
    archive_read_free(a);
    return rc < 0 ? (err->code ? err->code : LD_ERR_GENERIC) : 0;
}

int ld_layer_stream(const ld_layer_job *job, ld_layer_result *res, ld_error *err)
{
    /* a second read for link targets: a layer holding none is not read */
    if (job->opt->only_layers && job->expect_digest && job->expect_diff_id &&
        !ld_strlist_contains(job->opt->only_layers, job->expect_diff_id)) {
        snprintf(res->digest, sizeof(res->digest), "%s", job->expect_digest);
        snprintf(res->diff_id, sizeof(res->diff_id), "%s", job->expect_diff_id);
        res->compression = "none";
        res->skipped = true;
        return 0;
    }
    stream_ctx s = {0};
    s.job = job;
    s.err = err;
    s.blob_md = EVP_MD_CTX_new();
    s.in = ld_xmalloc(IN_BUF);
    s.out = ld_xmalloc(OUT_BUF);
    int rc = 0;
    if (!s.blob_md || EVP_DigestInit_ex(s.blob_md, EVP_sha256(), NULL) != 1) {
        rc = ld_error_set(err, LD_ERR_GENERIC, "cannot initialise sha256");
        goto out;
    }
    if ((rc = detect(&s)) < 0)
        goto out;
    if (s.comp != COMP_NONE) {
        s.tar_md = EVP_MD_CTX_new();
        if (!s.tar_md || EVP_DigestInit_ex(s.tar_md, EVP_sha256(), NULL) != 1) {
            rc = ld_error_set(err, LD_ERR_GENERIC, "cannot initialise sha256");
            goto out;
        }
    }
    res->compression = comp_name(s.comp);
    if ((rc = stream_tar(&s, res, err)) < 0)
        goto out;
    digest_final(s.blob_md, res->digest);
    if (s.tar_md)
        digest_final(s.tar_md, res->diff_id);
    else
        memcpy(res->diff_id, res->digest, sizeof(res->diff_id));
    res->blob_size = s.blob_size;
    res->tar_size = s.tar_size;
    if (job->expect_digest && strcmp(job->expect_digest, res->digest) != 0) {
        rc = ld_error_set(err, LD_ERR_CORRUPT, "blob digest mismatch: expected %s, got %s",
                          job->expect_digest, res->digest);
        goto out;
    }
    if (job->expect_diff_id && strcmp(job->expect_diff_id, res->diff_id) != 0) {
        rc = ld_error_set(err, LD_ERR_CORRUPT,
                          "diff_id mismatch: the config says %s, the layer is %s",
                          job->expect_diff_id, res->diff_id);
        goto out;
    }
out:
    if (rc < 0)
        ld_error_wrap(err, "%s", job->name);
    if (s.z_init)
        inflateEnd(&s.z);
    ZSTD_freeDCtx(s.zd);
    EVP_MD_CTX_free(s.blob_md);
    EVP_MD_CTX_free(s.tar_md);
    free(s.in);
    free(s.out);
    return rc < 0 ? rc : 0;
}

void ld_layer_result_clear(ld_layer_result *res)
{
    for (size_t i = 0; i < res->n; i++) {
        free(res->v[i].path);
        free(res->v[i].link);
    }
    free(res->v);
    for (size_t i = 0; i < res->n_deferred; i++) {
        free(res->deferred[i].path);
        free(res->deferred[i].data);
    }
    free(res->deferred);
    ld_strlist_clear(&res->notes);
    ld_gap_list_clear(&res->gaps);
    memset(res, 0, sizeof(*res));
}
