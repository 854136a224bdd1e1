/* File access for the process and socket collectors (proc_files.h): opens
 * beneath a directory fd that follow no link, bounded reads with EINTR
 * retried here, readlinkat, and a stdio stream over a bundle artifact
 * (fopencookie: the build defines _GNU_SOURCE). */
#include "forensics/proc_files.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "util/cleanup.h"
#include "util/mem.h"

#ifndef SYS_openat2
#define SYS_openat2 437
#endif

#define READ_CHUNK 65536

/* The component walk of ld_fx_open_beneath for kernels without openat2:
 * every component opened with O_NOFOLLOW, ".." and "." refused. */
static int open_walk(int dirfd, const char *rel, int flags)
{
    int cur = -1;
    int base = dirfd;
    const char *p = rel;
    for (;;) {
        while (*p == '/')
            p++;
        const char *slash = strchr(p, '/');
        size_t n = slash ? (size_t)(slash - p) : strlen(p);
        while (slash && slash[1] == '/')
            slash++;
        bool last = !slash || slash[1] == '\0';
        if (n == 0 || n >= 256 || (n == 1 && p[0] == '.') ||
            (n == 2 && p[0] == '.' && p[1] == '.')) {
            if (cur >= 0)
                close(cur);
            errno = n == 0 ? ENOENT : EXDEV;
            return -1;
        }
        char name[256];
        memcpy(name, p, n);
        name[n] = '\0';
        int fl = last ? flags : O_PATH | O_DIRECTORY;
        int fd;
        do
            fd = openat(base, name, fl | O_NOFOLLOW | O_CLOEXEC);
        while (fd < 0 && errno == EINTR);
        int saved = errno;
        if (cur >= 0)
            close(cur);
        if (fd < 0) {
            errno = saved;
            return -1;
        }
        if (last)
            return fd;
        cur = fd;
        base = fd;
        p = slash + 1;
    }
}

int ld_fx_open_beneath(int dirfd, const char *rel, int flags)
{
    if (!(flags & O_PATH))
        flags |= O_NOCTTY;
    struct open_how how = {
        .flags = (uint64_t)(flags | O_CLOEXEC),
        .resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS,
    };
    long fd;
    do
        fd = syscall(SYS_openat2, dirfd, rel, &how, sizeof how);
    while (fd < 0 && (errno == EINTR || errno == EAGAIN));
    if (fd >= 0 || (errno != ENOSYS && errno != EPERM))
        return (int)fd;
    /* no openat2 (or a seccomp filter refusing it) */
    return open_walk(dirfd, rel, flags);
}

int ld_fx_open_root(const char *path)
{
    int fd;
    do
        fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    while (fd < 0 && errno == EINTR);
    return fd;
}

char *ld_fx_read_fd(int fd, size_t cap, size_t *len, bool *cut, int *errnum)
{
    *len = 0;
    *cut = false;
    *errnum = 0;
    size_t alloc = cap < READ_CHUNK ? cap + 1 : READ_CHUNK;
    char *buf = ld_xmalloc(alloc);
    size_t n = 0;
    for (;;) {
        if (n == cap) {
            /* one byte more tells "exactly cap" from "cut" */
            char extra;
            ssize_t got;
            do
                got = read(fd, &extra, 1);
            while (got < 0 && errno == EINTR);
            *cut = got > 0;
            break;
        }
        if (alloc - 1 == n) {
            size_t want = alloc * 2;
            if (want > cap + 1)
                want = cap + 1;
            buf = ld_xrealloc(buf, want);
            alloc = want;
        }
        size_t room = alloc - 1 - n;
        if (room > cap - n)
            room = cap - n;
        ssize_t got = read(fd, buf + n, room);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0) {
            *errnum = errno;
            if (n == 0) {
                free(buf);
                return NULL;
            }
            break;
        }
        if (got == 0)
            break;
        n += (size_t)got;
    }
    buf[n] = '\0';
    *len = n;
    return buf;
}

char *ld_fx_read_at(int dirfd, const char *name, size_t cap, size_t *len, bool *cut, int *errnum)
{
    *len = 0;
    *cut = false;
    int fd;
    do
        fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    while (fd < 0 && errno == EINTR);
    if (fd < 0) {
        *errnum = errno;
        return NULL;
    }
    ld_autoclose int owned = fd;
    struct stat st;
    if (fstat(owned, &st) != 0) {
        *errnum = errno;
        return NULL;
    }
    if (!S_ISREG(st.st_mode)) {
        *errnum = EINVAL;
        return NULL;
    }
    return ld_fx_read_fd(owned, cap, len, cut, errnum);
}

char *ld_fx_readlink(int dirfd, const char *name, size_t *len, bool *cut, int *errnum)
{
    *len = 0;
    *cut = false;
    char *buf = ld_xmalloc(LD_FX_LINK_MAX + 1);
    ssize_t n = readlinkat(dirfd, name, buf, LD_FX_LINK_MAX + 1);
    if (n < 0) {
        *errnum = errno;
        free(buf);
        return NULL;
    }
    if ((size_t)n > LD_FX_LINK_MAX) {
        n = LD_FX_LINK_MAX;
        *cut = true;
    }
    buf[n] = '\0';
    *len = (size_t)n;
    *errnum = 0;
    return buf;
}

/* ---- a stream into an artifact ------------------------------------------------ */

typedef struct {
    ld_fx_artifact *a;
    ld_error *err;
    bool failed;
} artifact_cookie;

static ssize_t cookie_write(void *c, const char *buf, size_t size)
{
    artifact_cookie *ck = c;
    if (ck->failed)
        return -1;
    if (ld_fx_artifact_write(ck->a, buf, size, ck->err) < 0) {
        ck->failed = true;
        errno = EIO;
        return -1;
    }
    return (ssize_t)size;
}

static int cookie_close(void *c)
{
    free(c);
    return 0;
}

FILE *ld_fx_artifact_stream(ld_fx_artifact *a, ld_error *err)
{
    artifact_cookie *ck = ld_xcalloc(1, sizeof(*ck));
    ck->a = a;
    ck->err = err;
    cookie_io_functions_t io = {
        .read = NULL, .write = cookie_write, .seek = NULL, .close = cookie_close};
    FILE *f = fopencookie(ck, "w", io);
    if (!f) {
        free(ck);
        return NULL;
    }
    /* large writes reach the artifact (and its hash) in big pieces */
    setvbuf(f, NULL, _IOFBF, READ_CHUNK);
    return f;
}

bool ld_fx_errno_gone(int errnum)
{
    return errnum == ENOENT || errnum == ESRCH;
}

int ld_fx_json_artifact_begin(ld_fx_bundle *b, const char *relpath, const char *kind,
                              ld_fx_json_artifact *ja, ld_error *err)
{
    memset(ja, 0, sizeof(*ja));
    if (ld_fx_artifact_open(b, relpath, kind, &ja->a, err) < 0)
        return err->code ? err->code : LD_ERR_GENERIC;
    ja->f = ld_fx_artifact_stream(ja->a, &ja->stream_err);
    if (!ja->f) {
        ld_fx_artifact_abort(ja->a);
        ja->a = NULL;
        return ld_error_set_errno(err, LD_ERR_NOMEM, errno, "%s: cannot open a stream", relpath);
    }
    return 0;
}

int ld_fx_json_artifact_finish(ld_fx_json_artifact *ja, ld_error *err)
{
    bool failed = fflush(ja->f) != 0 || ferror(ja->f);
    fclose(ja->f);
    ja->f = NULL;
    if (failed || ja->stream_err.code != LD_OK) {
        ld_fx_artifact_abort(ja->a);
        ja->a = NULL;
        if (ja->stream_err.code != LD_OK) {
            *err = ja->stream_err;
            return err->code;
        }
        return ld_error_set(err, LD_ERR_GENERIC, "writing a JSON artifact failed");
    }
    ld_fx_artifact *a = ja->a;
    ja->a = NULL;
    return ld_fx_artifact_close(a, err);
}

void ld_fx_json_artifact_abort(ld_fx_json_artifact *ja)
{
    if (ja->f)
        fclose(ja->f);
    ja->f = NULL;
    ld_fx_artifact_abort(ja->a);
    ja->a = NULL;
}
