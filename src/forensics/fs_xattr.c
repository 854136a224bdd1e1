/* Extended attributes of the entries a capture walks (trusted.overlay.*
 * for whiteouts and opaque directories, security.capability for file
 * capabilities, user.*), and the names overlayfs and aufs give a meaning
 * to. An entry that is not opened by the walk (a symbolic link, a device,
 * a fifo, a regular file) is read through /proc/self/fd/DIRFD/NAME with
 * llistxattr/lgetxattr: the magic link stands for the directory fd the
 * walk already holds, the l* calls act on NAME itself, so nothing is
 * opened (a fifo cannot block) and no link is followed. Not a decoder of
 * the values: they are kept as bytes. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>

#include "forensics/fs_internal.h"
#include "util/mem.h"

size_t ld_fx_xattr_names_split(const char *buf, size_t len, const char **names, size_t max)
{
    size_t n = 0, i = 0;
    while (i < len && n < max) {
        const char *nul = memchr(buf + i, '\0', len - i);
        if (!nul)
            break; /* a last name without its NUL: dropped */
        size_t l = (size_t)(nul - (buf + i));
        if (l > 0)
            names[n++] = buf + i;
        i += l + 1;
    }
    return n;
}

void ld_fx_xattrs_clear(ld_fx_xattrs *x)
{
    for (size_t i = 0; i < x->n; i++) {
        free(x->v[i].name);
        free(x->v[i].value);
    }
    free(x->v);
    memset(x, 0, sizeof *x);
}

const ld_fx_xattr *ld_fx_xattrs_get(const ld_fx_xattrs *x, const char *name)
{
    for (size_t i = 0; i < x->n; i++)
        if (strcmp(x->v[i].name, name) == 0)
            return &x->v[i];
    return NULL;
}

bool ld_fx_xattrs_opaque(const ld_fx_xattrs *x)
{
    static const char *const keys[] = {"trusted.overlay.opaque", "user.overlay.opaque"};
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        const ld_fx_xattr *a = ld_fx_xattrs_get(x, keys[i]);
        if (a && a->len == 1 && a->value[0] == 'y')
            return true;
    }
    return false;
}

static ssize_t get_value(int fd, const char *proc, const char *name, void *v, size_t cap)
{
    return fd >= 0 ? fgetxattr(fd, name, v, cap) : lgetxattr(proc, name, v, cap);
}

/* One value, sized first; NULL when it cannot be read or is over the
 * entry's budget (x->incomplete set). */
static unsigned char *read_value(int fd, const char *proc, const char *name, ld_fx_xattrs *x,
                                 size_t *len)
{
    ssize_t n = get_value(fd, proc, name, NULL, 0);
    for (int tries = 0; n >= 0 && tries < 3; tries++) {
        if ((size_t)n > LD_FX_XATTR_BYTES_MAX - x->bytes)
            break;
        unsigned char *v = ld_xmalloc((size_t)n + 1);
        ssize_t got = get_value(fd, proc, name, v, (size_t)n);
        if (got >= 0) {
            *len = (size_t)got;
            return v;
        }
        free(v);
        if (errno != ERANGE)
            break;
        n = get_value(fd, proc, name, NULL, 0); /* it grew meanwhile */
    }
    x->incomplete = true;
    return NULL;
}

void ld_fx_xattrs_read(int fd, int dirfd, const char *name, char *buf, size_t bufsize,
                       ld_fx_xattrs *x)
{
    ld_fx_xattrs_clear(x);
    char proc[64 + NAME_MAX];
    if (fd < 0) {
        int n = snprintf(proc, sizeof proc, "/proc/self/fd/%d/%s", dirfd, name);
        if (n < 0 || (size_t)n >= sizeof proc || strchr(name, '/')) {
            x->unreadable = true;
            return;
        }
    }
    ssize_t n = fd >= 0 ? flistxattr(fd, buf, bufsize) : llistxattr(proc, buf, bufsize);
    if (n < 0) {
        if (errno != ENOTSUP && errno != ENODATA)
            x->unreadable = true;
        return;
    }
    if (n == 0)
        return;
    size_t max = (size_t)n / 2 + 1;
    const char **names = ld_xmalloc(max * sizeof *names);
    size_t count = ld_fx_xattr_names_split(buf, (size_t)n, names, max);
    for (size_t i = 0; i < count; i++) {
        size_t len = 0;
        unsigned char *v = read_value(fd, proc, names[i], x, &len);
        if (!v)
            continue;
        ld_xgrow(&x->v, &x->cap, x->n + 1, sizeof *x->v);
        x->v[x->n++] = (ld_fx_xattr){ld_xstrdup(names[i]), v, len};
        x->bytes += len;
    }
    free(names);
}

ld_fx_name_kind ld_fx_name_classify(const char *name)
{
    if (strncmp(name, ".wh.", 4) != 0 || !name[4])
        return LD_FX_NAME_PLAIN;
    if (strcmp(name, ".wh..wh..opq") == 0)
        return LD_FX_NAME_AUFS_OPAQUE;
    if (strncmp(name, ".wh..wh.", 8) == 0)
        return LD_FX_NAME_AUFS_META;
    return LD_FX_NAME_AUFS_WHITEOUT;
}

bool ld_fx_is_whiteout(const struct stat *st)
{
    return S_ISCHR(st->st_mode) && st->st_rdev == 0;
}
