/* A POSIX pax tar written into the bundle as it is made (libarchive with
 * a write callback into ld_fx_artifact_write, so the artifact is hashed
 * on the way to the disk): the file system capture's upper.tar and the
 * volumes' tars. Entries are what the walk saw: headers with the stat's
 * metadata and the extended attributes, a symbolic link's text, a
 * whiteout's 0/0 device; a regular file is opened beneath its parent
 * with O_NOFOLLOW | O_NONBLOCK (a fifo swapped in cannot block, a link is
 * not followed), checked to be the inode the walk saw, and read once:
 * the same bytes go to the tar and to the file's SHA-256. A cap on the
 * tar's size leaves out what does not fit (counted in the artifact's
 * note), it never cuts a member. Not a reader of tars. */
#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "forensics/fs_internal.h"
#include "util/mem.h"

#define TAR_CHUNK (256u * 1024u)
#define TAR_END_BLOCKS 1024u

struct ld_fx_tar {
    struct archive *a;
    struct archive_entry *entry;
    ld_fx_artifact *art;
    ld_error werr; /* a bundle write error seen by the callback */
    bool werr_set;
    bool dropping; /* aborting: the callback writes nothing */
    uint64_t max_bytes;
    char *what_left_out;
    unsigned char *buf;
    EVP_MD_CTX *md;
    uint64_t left_out, left_out_bytes, changed, unreadable, sockets;
};

static la_ssize_t tar_write_cb(struct archive *a, void *ctx, const void *p, size_t n)
{
    ld_fx_tar *t = ctx;
    if (t->dropping)
        return (la_ssize_t)n;
    if (t->werr_set || ld_fx_artifact_write(t->art, p, n, &t->werr) < 0) {
        t->werr_set = true;
        archive_set_error(a, t->werr.sys_errno ? t->werr.sys_errno : EIO, "bundle write failed");
        return -1;
    }
    return (la_ssize_t)n;
}

static int tar_fail(ld_fx_tar *t, const char *what, ld_error *err)
{
    if (t->werr_set) {
        *err = t->werr;
        return err->code;
    }
    return ld_error_set(err, LD_ERR_GENERIC, "tar %s: %s", what,
                        archive_error_string(t->a) ? archive_error_string(t->a) : "failed");
}

static void tar_free(ld_fx_tar *t)
{
    if (t->a)
        archive_write_free(t->a);
    if (t->entry)
        archive_entry_free(t->entry);
    EVP_MD_CTX_free(t->md);
    free(t->buf);
    free(t->what_left_out);
    free(t);
}

int ld_fx_tar_open(ld_fx_bundle *b, const char *relpath, const char *kind, uint64_t max_bytes,
                   const char *what_left_out, ld_fx_tar **out, ld_error *err)
{
    *out = NULL;
    ld_fx_tar *t = ld_xcalloc(1, sizeof *t);
    t->werr = (ld_error)LD_ERROR_INIT;
    t->max_bytes = max_bytes;
    t->what_left_out = ld_xstrdup(what_left_out);
    t->buf = ld_xmalloc(TAR_CHUNK);
    t->md = EVP_MD_CTX_new();
    t->entry = archive_entry_new();
    t->a = archive_write_new();
    if (!t->md || !t->entry || !t->a) {
        tar_free(t);
        return ld_error_set(err, LD_ERR_NOMEM, "tar %s: out of memory", relpath);
    }
    if (ld_fx_artifact_open(b, relpath, kind, &t->art, err) < 0) {
        tar_free(t);
        return err->code;
    }
    if (archive_write_set_format_pax(t->a) != ARCHIVE_OK ||
        archive_write_add_filter_none(t->a) != ARCHIVE_OK ||
        archive_write_set_bytes_per_block(t->a, 64 * 1024) != ARCHIVE_OK ||
        archive_write_set_bytes_in_last_block(t->a, 1) != ARCHIVE_OK ||
        archive_write_open(t->a, t, NULL, tar_write_cb, NULL) != ARCHIVE_OK) {
        ld_error_set(err, LD_ERR_GENERIC, "tar %s: %s", relpath,
                     archive_error_string(t->a) ? archive_error_string(t->a) : "cannot start");
        ld_fx_tar_abort(t);
        return err->code;
    }
    *out = t;
    return 0;
}

uint64_t ld_fx_tar_bytes(const ld_fx_tar *t)
{
    int64_t n = archive_filter_bytes(t->a, 0);
    return n > 0 ? (uint64_t)n : 0;
}

bool ld_fx_tar_truncated(const ld_fx_tar *t)
{
    return t->left_out > 0;
}

static uint64_t round512(uint64_t n)
{
    return (n + 511u) & ~(uint64_t)511u;
}

/* An upper bound of the bytes an entry takes: a pax extended header (its
 * records: path, link, times, ids, every xattr twice: SCHILY raw and
 * LIBARCHIVE base64), the ustar header, the contents padded. */
static uint64_t entry_bound(const ld_fx_walk_entry *e, const ld_fx_xattrs *x, uint64_t size)
{
    uint64_t pax = 1024 + 2 * (uint64_t)strlen(e->relpath) + (e->link ? 2 * strlen(e->link) : 0);
    for (size_t i = 0; i < x->n; i++)
        pax += 2 * strlen(x->v[i].name) + 128 + x->v[i].len + (x->v[i].len / 3 + 1) * 4;
    return 512 + round512(pax) + 512 + round512(size);
}

static bool fits(const ld_fx_tar *t, uint64_t bound)
{
    if (!t->max_bytes)
        return true;
    uint64_t now = ld_fx_tar_bytes(t);
    return now <= t->max_bytes && bound + TAR_END_BLOCKS <= t->max_bytes - now;
}

static bool exec_magic(const unsigned char *head, size_t n)
{
    static const unsigned char elf[4] = {0x7f, 'E', 'L', 'F'};
    return (n >= 4 && memcmp(head, elf, 4) == 0) || (n >= 2 && head[0] == '#' && head[1] == '!');
}

static void fill_entry(ld_fx_tar *t, const ld_fx_walk_entry *e, const struct stat *st,
                       const ld_fx_xattrs *x)
{
    archive_entry_clear(t->entry);
    archive_entry_copy_pathname(t->entry, e->relpath);
    archive_entry_copy_stat(t->entry, st);
    if (!S_ISREG(st->st_mode))
        archive_entry_set_size(t->entry, 0);
    if (S_ISLNK(st->st_mode))
        archive_entry_copy_symlink(t->entry, e->link);
    for (size_t i = 0; i < x->n; i++)
        archive_entry_xattr_add_entry(t->entry, x->v[i].name, x->v[i].value, x->v[i].len);
}

/* The header of fill_entry's entry. 1 written, 0 refused for this entry
 * alone, < 0 the tar cannot go on. */
static int write_header(ld_fx_tar *t, ld_error *err)
{
    int r = archive_write_header(t->a, t->entry);
    if (r == ARCHIVE_OK || r == ARCHIVE_WARN)
        return 1;
    if (r == ARCHIVE_FAILED && !t->werr_set) {
        t->unreadable++;
        return 0;
    }
    return tar_fail(t, "header", err);
}

static int write_data(ld_fx_tar *t, const void *p, size_t n, ld_error *err)
{
    la_ssize_t w = archive_write_data(t->a, p, n);
    if (w < 0 || (size_t)w != n)
        return tar_fail(t, "data", err);
    return EVP_DigestUpdate(t->md, p, n) == 1
               ? 0
               : ld_error_set(err, LD_ERR_GENERIC, "tar: SHA-256 update failed");
}

static int open_file(const ld_fx_walk_entry *e)
{
    int flags = O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC;
    int fd = openat(e->dirfd, e->name, flags | O_NOATIME);
    if (fd < 0 && errno == EPERM)
        fd = openat(e->dirfd, e->name, flags);
    return fd;
}

static ssize_t read_retry(int fd, void *p, size_t n)
{
    ssize_t r;
    do
        r = read(fd, p, n);
    while (r < 0 && errno == EINTR);
    return r;
}

/* Streams size bytes of fd into the open member: a file that shrank or
 * failed to read is filled with zeros (hashed as such), one that grew is
 * cut at size; both counted as changed. */
static int stream_file(ld_fx_tar *t, int fd, uint64_t size, ld_fx_tar_added *out, ld_error *err)
{
    unsigned char head[4];
    size_t nhead = 0;
    uint64_t left = size;
    bool short_read = false;
    while (left > 0) {
        size_t want = left < TAR_CHUNK ? (size_t)left : TAR_CHUNK;
        ssize_t r = short_read ? 0 : read_retry(fd, t->buf, want);
        if (r <= 0) {
            short_read = true;
            memset(t->buf, 0, want);
            r = (ssize_t)want;
        }
        if (nhead < sizeof head) {
            size_t k = sizeof head - nhead < (size_t)r ? sizeof head - nhead : (size_t)r;
            memcpy(head + nhead, t->buf, k);
            nhead += k;
        }
        if (write_data(t, t->buf, (size_t)r, err) < 0)
            return err->code;
        left -= (uint64_t)r;
    }
    unsigned char extra;
    if (short_read || read_retry(fd, &extra, 1) > 0) {
        t->changed++;
        out->changed = true;
    }
    out->magic_exec = exec_magic(head, nhead);
    return 0;
}

static void hex(const unsigned char *d, size_t n, char *out)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[d[i] >> 4];
        out[2 * i + 1] = digits[d[i] & 15];
    }
    out[2 * n] = '\0';
}

static int add_file(ld_fx_tar *t, const ld_fx_walk_entry *e, const ld_fx_xattrs *x,
                    ld_fx_tar_added *out, ld_error *err)
{
    int fd = open_file(e);
    if (fd < 0) {
        t->unreadable++;
        return 0;
    }
    struct stat st;
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_dev != e->st->st_dev ||
        st.st_ino != e->st->st_ino || st.st_size < 0) {
        t->changed++;
        out->changed = true;
        close(fd);
        return 0;
    }
    uint64_t size = (uint64_t)st.st_size;
    if (!fits(t, entry_bound(e, x, size))) {
        unsigned char head[4];
        ssize_t n;
        do
            n = pread(fd, head, sizeof head, 0);
        while (n < 0 && errno == EINTR);
        out->magic_exec = n > 0 && exec_magic(head, (size_t)n);
        t->left_out++;
        t->left_out_bytes += size;
        close(fd);
        return 0;
    }
    fill_entry(t, e, &st, x);
    int rc = write_header(t, err);
    if (rc <= 0) {
        close(fd);
        return rc;
    }
    out->in_tar = true;
    if (EVP_DigestInit_ex(t->md, EVP_sha256(), NULL) != 1) {
        close(fd);
        return ld_error_set(err, LD_ERR_GENERIC, "tar: SHA-256 init failed");
    }
    rc = stream_file(t, fd, size, out, err);
    close(fd);
    if (rc < 0)
        return rc;
    unsigned char d[EVP_MAX_MD_SIZE];
    unsigned int dlen = 0;
    if (EVP_DigestFinal_ex(t->md, d, &dlen) != 1 || dlen != 32)
        return ld_error_set(err, LD_ERR_GENERIC, "tar: SHA-256 final failed");
    hex(d, dlen, out->sha256);
    out->hashed = true;
    if (archive_write_finish_entry(t->a) != ARCHIVE_OK)
        return tar_fail(t, "entry", err);
    return 0;
}

int ld_fx_tar_add(ld_fx_tar *t, const ld_fx_walk_entry *e, const ld_fx_xattrs *x,
                  ld_fx_tar_added *out, ld_error *err)
{
    memset(out, 0, sizeof *out);
    const struct stat *st = e->st;
    if (S_ISREG(st->st_mode))
        return add_file(t, e, x, out, err);
    if (S_ISSOCK(st->st_mode)) {
        t->sockets++;
        return 0;
    }
    if (S_ISLNK(st->st_mode) && !e->link) {
        t->unreadable++;
        return 0;
    }
    if (!fits(t, entry_bound(e, x, 0))) {
        t->left_out++;
        return 0;
    }
    fill_entry(t, e, st, x);
    int rc = write_header(t, err);
    if (rc <= 0)
        return rc;
    out->in_tar = true;
    if (archive_write_finish_entry(t->a) != ARCHIVE_OK)
        return tar_fail(t, "entry", err);
    return 0;
}

void ld_fx_tar_note(ld_fx_tar *t, bool truncated, const char *note)
{
    ld_fx_artifact_note(t->art, truncated, "%s", note);
}

int ld_fx_tar_close(ld_fx_tar *t, uint64_t *bytes, ld_error *err)
{
    if (bytes)
        *bytes = 0;
    if (archive_write_close(t->a) != ARCHIVE_OK) {
        tar_fail(t, "end", err);
        ld_fx_tar_abort(t);
        return err->code;
    }
    if (t->left_out)
        ld_fx_artifact_note(t->art, true,
                            "over the cap of %llu bytes (--max-fs): %llu entries (%llu bytes of "
                            "contents) left out%s%s",
                            (unsigned long long)t->max_bytes, (unsigned long long)t->left_out,
                            (unsigned long long)t->left_out_bytes, t->what_left_out ? ", " : "",
                            t->what_left_out ? t->what_left_out : "");
    if (t->changed)
        ld_fx_artifact_note(t->art, false,
                            "%llu files changed while they were read (a member holds the size "
                            "seen when it was opened, a short read filled with zeros)",
                            (unsigned long long)t->changed);
    if (t->unreadable)
        ld_fx_artifact_note(t->art, false, "%llu entries could not be read or written: left out",
                            (unsigned long long)t->unreadable);
    if (t->sockets)
        ld_fx_artifact_note(t->art, false, "%llu sockets left out (a tar cannot hold a socket)",
                            (unsigned long long)t->sockets);
    if (bytes)
        *bytes = ld_fx_artifact_size(t->art);
    ld_fx_artifact *art = t->art;
    t->art = NULL;
    tar_free(t);
    return ld_fx_artifact_close(art, err);
}

void ld_fx_tar_abort(ld_fx_tar *t)
{
    if (!t)
        return;
    t->dropping = true;
    ld_fx_artifact_abort(t->art);
    t->art = NULL;
    tar_free(t);
}
