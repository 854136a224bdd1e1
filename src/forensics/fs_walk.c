/* The walk beneath a directory fd for the file system capture (a
 * container's overlay upper layer, a volume's host directory): every
 * entry stat'ed with AT_SYMLINK_NOFOLLOW beneath the directory fd that
 * listed it, every directory opened with openat(O_NOFOLLOW | O_DIRECTORY)
 * and checked to be the inode the stat saw, so whatever the container
 * created (links to /etc/shadow, a directory swapped for a link) nothing
 * outside the tree is reached. Depth first, names in byte order, bounded
 * in entries, depth and path length. Not a reader of contents: the
 * visitor (fs_tar.c through fs_changes.c) does that. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "forensics/fs_changes.h"
#include "forensics/fs_internal.h"
#include "util/mem.h"

typedef struct {
    ld_fx_walk_fn fn;
    void *ctx;
    uint64_t max_entries;
    dev_t root_dev;
    ld_fx_walk_stats *stats;
    char path[PATH_MAX];
    char link[PATH_MAX + 1];
} walker;

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void free_names(char **names, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
}

/* The names in dirfd but "." and "..", sorted; at most limit of them
 * (*cut set when there were more). -1 when it cannot be read, 1 when it
 * failed part way (the names read so far are returned). */
static int list_dir(int dirfd, uint64_t limit, char ***out, size_t *n, bool *cut)
{
    *out = NULL;
    *n = 0;
    *cut = false;
    int dup = fcntl(dirfd, F_DUPFD_CLOEXEC, 0);
    if (dup < 0)
        return -1;
    DIR *d = fdopendir(dup);
    if (!d) {
        close(dup);
        return -1;
    }
    rewinddir(d);
    char **names = NULL;
    size_t cap = 0, count = 0;
    int rc = 0;
    for (;;) {
        errno = 0;
        struct dirent *de = readdir(d);
        if (!de) {
            if (errno)
                rc = -1;
            break;
        }
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        if (count >= limit) {
            *cut = true;
            break;
        }
        ld_xgrow(&names, &cap, count + 1, sizeof *names);
        names[count++] = ld_xstrdup(de->d_name);
    }
    closedir(d);
    if (rc < 0 && count == 0) {
        free(names);
        return -1;
    }
    if (count > 1)
        qsort(names, count, sizeof *names, cmp_names);
    *out = names;
    *n = count;
    return rc < 0 ? 1 : 0;
}

/* Opens the directory name beneath dirfd if it is still the one st saw. */
static int open_subdir(int dirfd, const char *name, const struct stat *st)
{
    int flags = O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;
    int fd = openat(dirfd, name, flags | O_NOATIME);
    if (fd < 0 && errno == EPERM)
        fd = openat(dirfd, name, flags);
    if (fd < 0)
        return -1;
    struct stat now;
    if (fstat(fd, &now) < 0 || now.st_dev != st->st_dev || now.st_ino != st->st_ino) {
        close(fd);
        errno = ESTALE;
        return -1;
    }
    return fd;
}

static int walk_dir(walker *w, int dirfd, size_t depth, size_t plen, ld_error *err)
{
    ld_fx_walk_stats *s = w->stats;
    uint64_t budget = w->max_entries > s->entries ? w->max_entries - s->entries : 0;
    char **names = NULL;
    size_t n = 0;
    bool cut = false;
    int listed = list_dir(dirfd, budget, &names, &n, &cut);
    if (listed != 0)
        s->unopenable++;
    if (listed < 0)
        return 0;
    if (cut)
        s->capped = true;
    int rc = 0;
    for (size_t i = 0; i < n && rc >= 0; i++) {
        if (s->entries >= w->max_entries) {
            s->capped = true;
            break;
        }
        const char *name = names[i];
        size_t nlen = strlen(name);
        size_t len = plen + (plen ? 1 : 0) + nlen;
        if (len >= PATH_MAX) {
            s->too_long++;
            continue;
        }
        if (plen)
            w->path[plen] = '/';
        memcpy(w->path + plen + (plen ? 1 : 0), name, nlen + 1);
        struct stat st;
        if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
            if (errno == ENOENT)
                s->vanished++;
            else
                s->unopenable++;
            w->path[plen] = '\0';
            continue;
        }
        int child = -1;
        if (S_ISDIR(st.st_mode)) {
            if (depth >= LD_FX_DEPTH_MAX)
                s->too_deep++;
            else if (st.st_dev != w->root_dev)
                s->other_fs++;
            else if ((child = open_subdir(dirfd, name, &st)) < 0)
                s->unopenable++;
        }
        const char *link = NULL;
        if (S_ISLNK(st.st_mode)) {
            ssize_t l = readlinkat(dirfd, name, w->link, PATH_MAX);
            if (l >= 0 && l < PATH_MAX) {
                w->link[l] = '\0';
                link = w->link;
            }
        }
        s->entries++;
        ld_fx_walk_entry e = {.dirfd = dirfd,
                              .name = name,
                              .relpath = w->path,
                              .parent_len = plen,
                              .depth = depth,
                              .st = &st,
                              .fd = child,
                              .link = link};
        rc = w->fn(w->ctx, &e, err);
        if (rc >= 0 && child >= 0)
            rc = walk_dir(w, child, depth + 1, len, err);
        if (child >= 0)
            close(child);
        w->path[plen] = '\0';
    }
    free_names(names, n);
    return rc < 0 ? rc : 0;
}

int ld_fx_walk(int rootfd, uint64_t max_entries, ld_fx_walk_fn fn, void *ctx,
               ld_fx_walk_stats *stats, ld_error *err)
{
    memset(stats, 0, sizeof *stats);
    struct stat st;
    if (fstat(rootfd, &st) < 0)
        return ld_error_set_errno(err, LD_ERR_GENERIC, errno, "walk root");
    if (!S_ISDIR(st.st_mode))
        return ld_error_set(err, LD_ERR_INVALID, "walk root is not a directory");
    walker *w = ld_xcalloc(1, sizeof *w);
    w->fn = fn;
    w->ctx = ctx;
    w->max_entries = max_entries;
    w->root_dev = st.st_dev;
    w->stats = stats;
    int rc = walk_dir(w, rootfd, 1, 0, err);
    free(w);
    return rc;
}
