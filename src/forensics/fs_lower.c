/* The image side of the file system comparison: the lowerdirs list an
 * engine gives for an overlay container (GraphDriver.Data.LowerDir, top
 * first, colon-separated), its layers opened as directory fds, and "what
 * does the image have at this path", answered the way overlayfs merges
 * the layers (fs_internal.h). Every lookup stays beneath a layer's fd
 * (openat2 RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS): an image's links are
 * entries, never a way out. Not for the container's own layer: fs_walk.c
 * reads that. */
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "forensics/fs_internal.h"
#include "util/cleanup.h"
#include "util/mem.h"

#ifndef SYS_openat2
#define SYS_openat2 437
#endif

void ld_fx_lowerdirs_free(char **dirs)
{
    if (!dirs)
        return;
    for (char **p = dirs; *p; p++)
        free(*p);
    free(dirs);
}

/* Does the absolute path p[0..n) have a ".." component? */
static bool has_dotdot(const char *p, size_t n)
{
    size_t i = 0;
    while (i < n) {
        while (i < n && p[i] == '/')
            i++;
        size_t start = i;
        while (i < n && p[i] != '/')
            i++;
        if (i - start == 2 && p[start] == '.' && p[start + 1] == '.')
            return true;
    }
    return false;
}

int ld_fx_lowerdirs_parse(const char *s, size_t len, char ***out, size_t *n, ld_error *err)
{
    *out = NULL;
    *n = 0;
    if (!s || len == 0)
        return ld_error_set(err, LD_ERR_CORRUPT, "lowerdirs list is empty");
    if (memchr(s, '\0', len))
        return ld_error_set(err, LD_ERR_CORRUPT, "lowerdirs list holds a NUL byte");
    size_t count = 1;
    for (size_t i = 0; i < len; i++)
        if (s[i] == ':')
            count++;
    if (count > LD_FX_LOWER_MAX)
        return ld_error_set(err, LD_ERR_CORRUPT,
                            "lowerdirs list has %zu layers, more than overlayfs stacks (%d)", count,
                            LD_FX_LOWER_MAX);
    char **dirs = ld_xcalloc(count + 1, sizeof *dirs);
    size_t k = 0, start = 0;
    for (size_t i = 0; i <= len; i++) {
        if (i < len && s[i] != ':')
            continue;
        const char *p = s + start;
        size_t plen = i - start;
        const char *why = NULL;
        if (plen == 0)
            why = "is empty";
        else if (p[0] != '/')
            why = "is not an absolute path";
        else if (plen >= PATH_MAX)
            why = "is longer than PATH_MAX";
        else if (has_dotdot(p, plen))
            why = "has a \"..\" component";
        if (why) {
            ld_fx_lowerdirs_free(dirs);
            return ld_error_set(err, LD_ERR_CORRUPT, "lowerdirs list: layer %zu %s", k + 1, why);
        }
        dirs[k++] = ld_xstrndup(p, plen);
        start = i + 1;
    }
    *out = dirs;
    *n = k;
    return 0;
}

void ld_fx_lowers_close(ld_fx_lowers *l)
{
    if (!l)
        return;
    for (size_t i = 0; i < l->n; i++)
        if (l->fds[i] >= 0)
            close(l->fds[i]);
    free(l->fds);
    ld_fx_lowerdirs_free(l->paths);
    memset(l, 0, sizeof *l);
}

int ld_fx_lowers_open(const char *lowerdirs, ld_fx_lowers *out, ld_error *err)
{
    memset(out, 0, sizeof *out);
    char **paths = NULL;
    size_t n = 0;
    if (ld_fx_lowerdirs_parse(lowerdirs, lowerdirs ? strlen(lowerdirs) : 0, &paths, &n, err) < 0)
        return err->code;
    out->paths = paths;
    out->n = n;
    out->fds = ld_xmalloc(n * sizeof *out->fds);
    for (size_t i = 0; i < n; i++)
        out->fds[i] = -1;
    for (size_t i = 0; i < n; i++) {
        /* the engine's own path: the host's links on the way (a moved
         * /var/lib/docker) are followed, the layer itself is not a link */
        out->fds[i] = open(paths[i], O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (out->fds[i] < 0) {
            int e = errno;
            ld_error_set_errno(err, e == ENOENT ? LD_ERR_NOT_FOUND : LD_ERR_GENERIC, e,
                               "image layer %s", paths[i]);
            ld_fx_lowers_close(out);
            return err->code;
        }
    }
    return 0;
}

static int open_beneath(int root, const char *path, uint64_t flags)
{
    struct open_how how = {
        .flags = flags | O_CLOEXEC,
        .resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS,
    };
    long rc;
    do
        rc = syscall(SYS_openat2, root, path, &how, sizeof how);
    while (rc < 0 && (errno == EINTR || errno == EAGAIN));
    return (int)rc;
}

/* dir/prefix+name into buf (cap PATH_MAX); false when it does not fit. */
static bool join(char *buf, const char *dir, const char *prefix, const char *name)
{
    int n = snprintf(buf, PATH_MAX, "%s%s%s%s", dir, dir[0] ? "/" : "", prefix, name);
    return n > 0 && n < PATH_MAX;
}

/* An aufs whiteout ".wh.NAME" beside NAME in the layer. */
static bool aufs_whiteout(int layer, const char *dir, const char *name)
{
    char path[PATH_MAX];
    if (!join(path, dir, ".wh.", name))
        return false;
    ld_autoclose int fd = open_beneath(layer, path, O_PATH | O_NOFOLLOW);
    return fd >= 0;
}

static bool xattr_is_y(int fd, const char *name)
{
    char v[2];
    ssize_t n = fgetxattr(fd, name, v, sizeof v);
    return n == 1 && v[0] == 'y';
}

/* An opaque directory (dirfd: O_PATH of it): overlayfs' xattr or aufs'
 * marker inside. */
static bool dir_opaque(int pathfd)
{
    ld_autoclose int fd = openat(pathfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOATIME);
    if (fd < 0 && errno == EPERM)
        fd = openat(pathfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return false;
    if (xattr_is_y(fd, "trusted.overlay.opaque") || xattr_is_y(fd, "user.overlay.opaque"))
        return true;
    struct stat st;
    return fstatat(fd, ".wh..wh..opq", &st, AT_SYMLINK_NOFOLLOW) == 0;
}

void ld_fx_image_lookup(const ld_fx_lowers *l, const uint16_t *contrib, size_t ncontrib,
                        const char *dir, const char *name, uint16_t *sub, ld_fx_image_entry *out)
{
    memset(out, 0, sizeof *out);
    char path[PATH_MAX];
    if (!join(path, dir, "", name))
        return;
    for (size_t k = 0; k < ncontrib; k++) {
        size_t i = contrib[k];
        if (i >= l->n)
            continue;
        ld_autoclose int fd = open_beneath(l->fds[i], path, O_PATH | O_NOFOLLOW);
        if (fd < 0) {
            if (aufs_whiteout(l->fds[i], dir, name))
                break; /* deleted in this layer: hidden in the ones below */
            continue;  /* not in this layer: the next one may have it */
        }
        struct stat st;
        if (fstat(fd, &st) < 0)
            continue;
        if (ld_fx_is_whiteout(&st))
            break;
        if (!S_ISDIR(st.st_mode)) {
            if (!out->present) {
                out->present = true;
                out->mode = st.st_mode;
                out->layer = i;
            }
            break; /* a non-directory hides what is below it */
        }
        if (!out->present) {
            out->present = true;
            out->mode = st.st_mode;
            out->layer = i;
        }
        sub[out->nsub++] = (uint16_t)i;
        if (dir_opaque(fd))
            break;
    }
}
