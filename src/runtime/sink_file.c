/* An alert file for lockdown watch: created 0600, opened without following
 * a symbolic link (and refused when it is one, is not a regular file, or
 * has other hard links — root must not append alerts to a file someone
 * linked to /etc/shadow), appended one record per write(2), and rotated
 * by size: FILE -> FILE.1 -> ... -> FILE.<keep>, the oldest replaced.
 * Renames go through a descriptor of the directory taken at open, so the
 * rotation stays in that directory. A rotation that fails is an error the
 * caller counts; the record still goes to the current file, and the next
 * attempt waits a second. Not a log shipper: nothing is compressed. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "runtime/sink_internal.h"
#include "util/mem.h"

#define DEFAULT_MAX_BYTES (100ull * 1024 * 1024)
#define DEFAULT_KEEP 5
#define KEEP_MAX 1000
#define ROTATE_RETRY_MS 1000

struct ld_rt_file {
    char *path; /* as given, for messages */
    char *base; /* the name inside the directory */
    int dirfd;
    int fd;
    uint64_t size, max_bytes;
    unsigned keep;
    uint64_t rotate_errors;
    int64_t next_rotate_ms; /* after a failure */
};

int ld_rt_write_all(int fd, const char *p, size_t len)
{
    while (len > 0) {
        ssize_t w = write(fd, p, len);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            return -errno;
        }
        if (w == 0)
            return -EIO;
        p += w;
        len -= (size_t)w;
    }
    return 0;
}

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Opens (creates) the current file; fd or -1 with err. */
static int open_current(ld_rt_file *f, uint64_t *size, ld_error *err)
{
    /* O_NONBLOCK: a FIFO without a reader fails (ENXIO) instead of
     * blocking the open; a regular file ignores it */
    int fd = openat(f->dirfd, f->base,
                    O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | O_NONBLOCK,
                    0600);
    if (fd < 0) {
        if (errno == ENXIO)
            return ld_error_set(err, LD_ERR_INVALID, "output file %s: not a regular file: refused",
                                f->path),
                   -1;
        if (errno == ELOOP)
            return ld_error_set(err, LD_ERR_INVALID,
                                "output file %s: is a symbolic link: refused (give the real path)",
                                f->path),
                   -1;
        return ld_error_set_errno(err, LD_ERR_INVALID, errno, "output file %s", f->path), -1;
    }
    struct stat st;
    if (fstat(fd, &st) < 0) {
        ld_error_set_errno(err, LD_ERR_GENERIC, errno, "output file %s: stat", f->path);
        close(fd);
        return -1;
    }
    if (!S_ISREG(st.st_mode)) {
        ld_error_set(err, LD_ERR_INVALID, "output file %s: not a regular file: refused", f->path);
        close(fd);
        return -1;
    }
    if (st.st_nlink > 1) {
        ld_error_set(err, LD_ERR_INVALID,
                     "output file %s: has %lu hard links: refused (remove the other links or "
                     "choose a new file)",
                     f->path, (unsigned long)st.st_nlink);
        close(fd);
        return -1;
    }
    *size = (uint64_t)st.st_size;
    return fd;
}

ld_rt_file *ld_rt_file_open(const char *path, uint64_t max_bytes, unsigned keep, ld_error *err)
{
    const char *slash = strrchr(path, '/');
    const char *base = slash ? slash + 1 : path;
    if (!*base || strcmp(base, ".") == 0 || strcmp(base, "..") == 0) {
        ld_error_set(err, LD_ERR_INVALID, "output file %s: names a directory, not a file", path);
        return NULL;
    }
    if (strlen(base) + 6 > NAME_MAX) {
        ld_error_set(err, LD_ERR_INVALID,
                     "output file %s: name too long for its rotated copies (%s.1000)", path, base);
        return NULL;
    }
    char *dir =
        slash ? ld_xstrndup(path, slash == path ? 1 : (size_t)(slash - path)) : ld_xstrdup(".");
    int dirfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (dirfd < 0) {
        ld_error_set_errno(err, LD_ERR_INVALID, errno, "output file %s: directory %s", path, dir);
        free(dir);
        return NULL;
    }
    free(dir);
    ld_rt_file *f = ld_xcalloc(1, sizeof *f);
    f->path = ld_xstrdup(path);
    f->base = ld_xstrdup(base);
    f->dirfd = dirfd;
    f->max_bytes = max_bytes ? max_bytes : DEFAULT_MAX_BYTES;
    f->keep = keep ? (keep > KEEP_MAX ? KEEP_MAX : keep) : DEFAULT_KEEP;
    f->fd = open_current(f, &f->size, err);
    if (f->fd < 0) {
        ld_rt_file_close(f);
        return NULL;
    }
    return f;
}

/* FILE.<keep-1> -> FILE.<keep> ... FILE -> FILE.1, then a new FILE. */
static int rotate(ld_rt_file *f, ld_error *err)
{
    size_t n = strlen(f->base) + 16;
    char *src = ld_xmalloc(n), *dst = ld_xmalloc(n);
    int rc = 0;
    for (unsigned i = f->keep; i >= 1; i--) {
        snprintf(dst, n, "%s.%u", f->base, i);
        if (i == 1)
            snprintf(src, n, "%s", f->base);
        else
            snprintf(src, n, "%s.%u", f->base, i - 1);
        if (renameat(f->dirfd, src, f->dirfd, dst) < 0 && !(errno == ENOENT && i > 1)) {
            rc = ld_error_set_errno(err, LD_ERR_GENERIC, errno,
                                    "output file %s: rotation (%s -> %s) failed; writing on to "
                                    "the current file",
                                    f->path, src, dst);
            break;
        }
    }
    free(src);
    free(dst);
    if (rc < 0)
        return rc;
    uint64_t size = 0;
    ld_error oerr = LD_ERROR_INIT;
    int fd = open_current(f, &size, &oerr);
    if (fd < 0)
        return ld_error_set(err, oerr.code, "%s (after rotation; writing on to %s.1)", oerr.msg,
                            f->path);
    close(f->fd);
    f->fd = fd;
    f->size = size;
    return 0;
}

int ld_rt_file_write(ld_rt_file *f, const char *rec, size_t len, ld_error *err)
{
    int rc = 0;
    if (f->size > 0 && f->size + len > f->max_bytes) {
        /* the file may have been truncated by someone else since */
        struct stat st;
        if (fstat(f->fd, &st) == 0)
            f->size = (uint64_t)st.st_size;
        if (f->size > 0 && f->size + len > f->max_bytes && now_ms() >= f->next_rotate_ms) {
            if (rotate(f, err) < 0) {
                f->rotate_errors++;
                f->next_rotate_ms = now_ms() + ROTATE_RETRY_MS;
                rc = err->code;
            }
        }
    }
    int w = ld_rt_write_all(f->fd, rec, len);
    if (w < 0) {
        if (rc < 0)
            return ld_error_set_errno(err, LD_ERR_GENERIC, -w,
                                      "output file %s: rotation failed and then the write",
                                      f->path);
        return ld_error_set_errno(err, LD_ERR_GENERIC, -w, "output file %s: write", f->path);
    }
    f->size += len;
    return rc;
}

void ld_rt_file_close(ld_rt_file *f)
{
    if (!f)
        return;
    if (f->fd >= 0)
        close(f->fd);
    if (f->dirfd >= 0)
        close(f->dirfd);
    free(f->path);
    free(f->base);
    free(f);
}

uint64_t ld_rt_file_rotate_errors(const ld_rt_file *f)
{
    return f->rotate_errors;
}
