/* Helpers shared by the image reader's unit tests: tars built in memory with
 * libarchive's writer, gzip/zstd in memory, a memory blob reader, and small
 * file writers for archives/layouts in a mkdtemp directory. Test-only. */
#ifndef LD_TEST_IMAGE_UTIL_H
#define LD_TEST_IMAGE_UTIL_H

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include "image/image_internal.h"
#include "util/mem.h"

typedef struct {
    uint8_t *p;
    size_t len, cap;
} tbuf;

static inline void tbuf_add(tbuf *b, const void *d, size_t n)
{
    if (b->len + n > b->cap) {
        b->cap = (b->len + n) * 2 + 1024;
        b->p = ld_xrealloc(b->p, b->cap);
    }
    memcpy(b->p + b->len, d, n);
    b->len += n;
}

static inline la_ssize_t tbuf_write_cb(struct archive *a, void *ud, const void *d, size_t n)
{
    (void)a;
    tbuf_add(ud, d, n);
    return (la_ssize_t)n;
}

/* kinds: 'f' file, 'd' dir, 'l' symlink, 'h' hardlink, 'c' char device */
typedef struct {
    char kind;
    const char *name;
    const char *data; /* file content, or link target */
    unsigned mode;
} tent;

static inline tbuf make_tar(const tent *e, size_t n)
{
    tbuf b = {0};
    struct archive *a = archive_write_new();
    archive_write_set_format_pax_restricted(a);
    archive_write_set_bytes_per_block(a, 0);
    archive_write_open(a, &b, NULL, tbuf_write_cb, NULL);
    for (size_t i = 0; i < n; i++) {
        struct archive_entry *ae = archive_entry_new();
        archive_entry_set_pathname(ae, e[i].name);
        archive_entry_set_perm(ae, e[i].mode ? e[i].mode : 0644);
        archive_entry_set_uid(ae, 0);
        archive_entry_set_gid(ae, 0);
        size_t dl = 0;
        switch (e[i].kind) {
        case 'd': archive_entry_set_filetype(ae, AE_IFDIR); break;
        case 'l':
            archive_entry_set_filetype(ae, AE_IFLNK);
            archive_entry_set_symlink(ae, e[i].data);
            break;
        case 'h':
            archive_entry_set_filetype(ae, AE_IFREG);
            archive_entry_set_hardlink(ae, e[i].data);
            break;
        case 'c':
            archive_entry_set_filetype(ae, AE_IFCHR);
            archive_entry_set_rdev(ae, 0x0103);
            break;
        default:
            archive_entry_set_filetype(ae, AE_IFREG);
            dl = e[i].data ? strlen(e[i].data) : 0;
            archive_entry_set_size(ae, (la_int64_t)dl);
        }
        archive_write_header(a, ae);
        if (dl)
            archive_write_data(a, e[i].data, dl);
        archive_entry_free(ae);
    }
    archive_write_close(a);
    archive_write_free(a);
    return b;
}

static inline tbuf gz(const uint8_t *d, size_t n)
{
    tbuf b = {0};
    b.cap = compressBound((uLong)n) + 64;
    b.p = ld_xmalloc(b.cap);
    z_stream z = {0};
    deflateInit2(&z, 6, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY);
    z.next_in = (Bytef *)d;
    z.avail_in = (uInt)n;
    z.next_out = b.p;
    z.avail_out = (uInt)b.cap;
    deflate(&z, Z_FINISH);
    b.len = z.total_out;
    deflateEnd(&z);
    return b;
}

static inline tbuf zst(const uint8_t *d, size_t n)
{
    tbuf b = {0};
    b.cap = ZSTD_compressBound(n);
    b.p = ld_xmalloc(b.cap);
    b.len = ZSTD_compress(b.p, b.cap, d, n, 3);
    return b;
}

typedef struct {
    const uint8_t *p;
    size_t len, pos, chunk;
} memsrc;

static inline ssize_t mem_read(void *ctx, uint8_t *buf, size_t len, ld_error *err)
{
    (void)err;
    memsrc *m = ctx;
    size_t n = m->len - m->pos;
    if (n > len)
        n = len;
    if (m->chunk && n > m->chunk)
        n = m->chunk;
    memcpy(buf, m->p + m->pos, n);
    m->pos += n;
    return (ssize_t)n;
}

static inline void write_file(const char *dir, const char *name, const void *d, size_t n)
{
    /* mkdir -p for the directories in name */
    char *rel = ld_xstrdup(name);
    for (char *c = rel; *c; c++)
        if (*c == '/') {
            *c = '\0';
            char *sub = ld_xasprintf("%s/%s", dir, rel);
            mkdir(sub, 0755);
            free(sub);
            *c = '/';
        }
    free(rel);
    char *p = ld_xasprintf("%s/%s", dir, name);
    int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd >= 0) {
        if (write(fd, d, n) != (ssize_t)n)
            fprintf(stderr, "short write %s\n", p);
        close(fd);
    }
    free(p);
}

static inline char *sha_hex(const void *d, size_t n)
{
    char out[LD_DIGEST_LEN + 1];
    ld_img_sha256_buf(d, n, out);
    return ld_xstrdup(out);
}

#endif
