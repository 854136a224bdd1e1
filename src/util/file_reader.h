/* Random access to one file's bytes, for code that looks at a few parts of
 * a big file (an ELF header, its section table) to decide whether the whole
 * file is worth reading: a size and a read-at function over an fd (pread),
 * over an fd with a small cache of its first bytes and of one window (so
 * several lookups of the same tables cost one read each), or over memory.
 * Reads are bounded by the caller's buffer; nothing is owned. Not a
 * buffered stream. */
#ifndef LD_UTIL_FILE_READER_H
#define LD_UTIL_FILE_READER_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

#define LD_FILE_READER_HEAD 64
#define LD_FILE_READER_WINDOW 4096

/* What ld_file_reader_fd_cached keeps between reads of one file. */
typedef struct {
    uint8_t head[LD_FILE_READER_HEAD]; /* the file's first bytes */
    size_t head_n;
    bool head_read;
    uint8_t win[LD_FILE_READER_WINDOW]; /* bytes [win_off, win_off + win_n) */
    uint64_t win_off;
    size_t win_n;
} ld_file_reader_cache;

typedef struct ld_file_reader ld_file_reader;
struct ld_file_reader {
    uint64_t size; /* the file's size when it was opened */
    /* Reads up to len bytes at off into buf. Returns the count (less than
     * len only at the end of the file, 0 at or past it) or -1. */
    ssize_t (*read_at)(const ld_file_reader *r, uint64_t off, void *buf, size_t len);
    int fd;                      /* ld_file_reader_fd, _fd_cached */
    const uint8_t *data;         /* ld_file_reader_mem */
    ld_file_reader_cache *cache; /* ld_file_reader_fd_cached */
};

static inline ssize_t ld_file_reader_pread(const ld_file_reader *r, uint64_t off, void *buf,
                                           size_t len)
{
    size_t got = 0;
    while (got < len) {
        if (off > (uint64_t)INT64_MAX || got > (uint64_t)INT64_MAX - off)
            break;
        ssize_t n = pread(r->fd, (uint8_t *)buf + got, len - got, (off_t)(off + got));
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -1;
        if (n == 0)
            break;
        got += (size_t)n;
    }
    return (ssize_t)got;
}

static inline ssize_t ld_file_reader_memcpy(const ld_file_reader *r, uint64_t off, void *buf,
                                            size_t len)
{
    if (off >= r->size)
        return 0;
    if (len > r->size - off)
        len = (size_t)(r->size - off);
    memcpy(buf, r->data + off, len);
    return (ssize_t)len;
}

/* Serves a read that fits from the cache: the head for reads inside the
 * first LD_FILE_READER_HEAD bytes, else a window read so that it ends with
 * the request (section tables sit at the end of the file, the name table
 * usually just before them). Larger reads go to the file. */
static inline ssize_t ld_file_reader_cached(const ld_file_reader *r, uint64_t off, void *buf,
                                            size_t len)
{
    ld_file_reader_cache *c = r->cache;
    if (off >= r->size || len == 0)
        return 0;
    if (len > r->size - off)
        len = (size_t)(r->size - off);
    if (off + len <= LD_FILE_READER_HEAD) {
        if (!c->head_read) {
            size_t want = r->size < LD_FILE_READER_HEAD ? (size_t)r->size : LD_FILE_READER_HEAD;
            ssize_t n = ld_file_reader_pread(r, 0, c->head, want);
            if (n < 0)
                return -1;
            c->head_n = (size_t)n;
            c->head_read = true;
        }
        if (off >= c->head_n)
            return 0;
        if (len > c->head_n - off)
            len = c->head_n - (size_t)off;
        memcpy(buf, c->head + off, len);
        return (ssize_t)len;
    }
    if (len > LD_FILE_READER_WINDOW)
        return ld_file_reader_pread(r, off, buf, len);
    if (off < c->win_off || off + len > c->win_off + c->win_n) {
        uint64_t end = off + len;
        uint64_t start = end > LD_FILE_READER_WINDOW ? end - LD_FILE_READER_WINDOW : 0;
        ssize_t n = ld_file_reader_pread(r, start, c->win, (size_t)(end - start));
        if (n < 0)
            return -1;
        c->win_off = start;
        c->win_n = (size_t)n;
        if (off >= start + c->win_n)
            return 0;
    }
    size_t avail = (size_t)(c->win_off + c->win_n - off);
    if (len > avail)
        len = avail;
    memcpy(buf, c->win + (off - c->win_off), len);
    return (ssize_t)len;
}

/* A reader over an open fd of a regular file of size bytes (not taken). */
static inline ld_file_reader ld_file_reader_fd(int fd, uint64_t size)
{
    return (ld_file_reader){.size = size, .read_at = ld_file_reader_pread, .fd = fd};
}

/* The same with a cache (borrowed; zeroed here) that later reads of the
 * same file through this reader share. */
static inline ld_file_reader ld_file_reader_fd_cached(int fd, uint64_t size,
                                                      ld_file_reader_cache *cache)
{
    cache->head_read = false;
    cache->head_n = 0;
    cache->win_off = 0;
    cache->win_n = 0;
    return (ld_file_reader){
        .size = size, .read_at = ld_file_reader_cached, .fd = fd, .cache = cache};
}

/* A reader over data[0..len) (borrowed). */
static inline ld_file_reader ld_file_reader_mem(const uint8_t *data, size_t len)
{
    return (ld_file_reader){.size = len, .read_at = ld_file_reader_memcpy, .fd = -1, .data = data};
}

#endif
