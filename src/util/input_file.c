/* Opening and reading the files a user names as input (see input_file.h). */
#include "util/input_file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "util/cleanup.h"
#include "util/mem.h"

const char *ld_file_kind(mode_t mode)
{
    switch (mode & S_IFMT) {
    case S_IFREG: return "a regular file";
    case S_IFDIR: return "a directory";
    case S_IFIFO: return "a FIFO";
    case S_IFCHR: return "a character device";
    case S_IFBLK: return "a block device";
    case S_IFSOCK: return "a socket";
    case S_IFLNK: return "a symbolic link";
    default: return "an unknown kind of file";
    }
}

int ld_input_open(const char *path, const char *what, struct stat *st, ld_error *err)
{
    if (!what)
        what = "input";
    int fd;
    do
        fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
    while (fd < 0 && errno == EINTR);
    if (fd < 0) {
        int e = errno;
        /* a socket cannot be opened at all (ENXIO): say what it is */
        struct stat lst;
        if (e == ENXIO && stat(path, &lst) == 0 && !S_ISREG(lst.st_mode))
            return ld_error_set(err, LD_ERR_INVALID, "%s: %s is not a regular file (it is %s)",
                                path, what, ld_file_kind(lst.st_mode));
        return ld_error_set_errno(err,
                                  e == ENOENT || e == ENOTDIR               ? LD_ERR_NOT_FOUND
                                  : e == EACCES || e == EPERM || e == ELOOP ? LD_ERR_INVALID
                                                                            : LD_ERR_GENERIC,
                                  e, "%s: cannot open %s", path, what);
    }
    struct stat sb;
    if (fstat(fd, &sb) != 0) {
        int e = errno;
        close(fd);
        return ld_error_set_errno(err, LD_ERR_GENERIC, e, "%s: cannot stat %s", path, what);
    }
    if (!S_ISREG(sb.st_mode)) {
        close(fd);
        return ld_error_set(err, LD_ERR_INVALID, "%s: %s is not a regular file (it is %s)", path,
                            what, ld_file_kind(sb.st_mode));
    }
    /* reads of a regular file never block; clearing the flag keeps later
     * readers (stdio, libarchive) from ever seeing EAGAIN */
    int fl = fcntl(fd, F_GETFL);
    if (fl < 0 || fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) != 0) {
        int e = errno;
        close(fd);
        return ld_error_set_errno(err, LD_ERR_GENERIC, e, "%s: cannot open %s", path, what);
    }
    if (st)
        *st = sb;
    return fd;
}

/* "1 MiB", "64 KiB" or "1000 bytes": the cap as people wrote it. */
static void format_cap(size_t max, char *buf, size_t n)
{
    if (max >= (1u << 20) && max % (1u << 20) == 0)
        snprintf(buf, n, "%zu MiB", max >> 20);
    else if (max >= 1024 && max % 1024 == 0)
        snprintf(buf, n, "%zu KiB", max >> 10);
    else
        snprintf(buf, n, "%zu bytes", max);
}

static int too_large(const char *path, const char *what, size_t max, long long size, ld_error *err)
{
    char cap[48];
    format_cap(max, cap, sizeof(cap));
    if (size >= 0)
        return ld_error_set(err, LD_ERR_LIMIT,
                            "%s: %s is larger than %s (%lld bytes); is this the right file?", path,
                            what, cap, size);
    return ld_error_set(err, LD_ERR_LIMIT, "%s: %s is larger than %s; is this the right file?",
                        path, what, cap);
}

int ld_input_read_fd(int fd, const char *path, const char *what, size_t max, char **out,
                     size_t *len, ld_error *err)
{
    if (!what)
        what = "input";
    *out = NULL;
    *len = 0;
    if (max > SIZE_MAX / 2)
        max = SIZE_MAX / 2; /* max + 1 and the doubling below cannot overflow */
    struct stat sb;
    if (fstat(fd, &sb) != 0)
        return ld_error_set_errno(err, LD_ERR_GENERIC, errno, "%s: cannot stat %s", path, what);
    if (sb.st_size > 0 && (unsigned long long)sb.st_size > max)
        return too_large(path, what, max, (long long)sb.st_size, err);
    /* the size is a hint (files under /proc say 0, a file may grow): the
     * buffer grows as needed, and one byte past the cap is asked for to
     * notice a file that became larger than it */
    size_t cap = sb.st_size > 0 ? (size_t)sb.st_size + 1 : 4096;
    if (cap > max + 1)
        cap = max + 1;
    ld_autofree char *buf = ld_xmalloc(cap + 1);
    size_t n = 0;
    for (;;) {
        if (n == cap) {
            if (cap > max)
                return too_large(path, what, max, -1, err);
            cap = cap > (max + 1) / 2 ? max + 1 : cap * 2;
            buf = ld_xrealloc(buf, cap + 1);
        }
        ssize_t r = read(fd, buf + n, cap - n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            return ld_error_set_errno(err, LD_ERR_GENERIC, errno, "%s: cannot read %s", path, what);
        if (r == 0)
            break;
        n += (size_t)r;
    }
    if (n > max)
        return too_large(path, what, max, -1, err);
    buf[n] = '\0';
    *out = ld_steal_ptr(&buf);
    *len = n;
    return 0;
}

int ld_input_read(const char *path, const char *what, size_t max, char **out, size_t *len,
                  ld_error *err)
{
    *out = NULL;
    *len = 0;
    ld_autoclose int fd = ld_input_open(path, what, NULL, err);
    if (fd < 0)
        return fd;
    return ld_input_read_fd(fd, path, what, max, out, len, err);
}
