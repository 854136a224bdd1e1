/* The cgroup hierarchies of a host for the container table: where the v2
 * hierarchy and the v1 memory controller are, a bounded walk over their
 * directories (path + inode, the kernel's cgroup id), and the inode index
 * the table keeps. Not for deciding what a path means (cgroup_path.c). */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "runtime/containers_internal.h"
#include "util/cleanup.h"
#include "util/mem.h"

#ifndef CGROUP2_SUPER_MAGIC
#define CGROUP2_SUPER_MAGIC 0x63677270
#endif

static bool is_dir(const char *path)
{
    struct stat st;
    return lstat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static bool exists(const char *path)
{
    struct stat st;
    return lstat(path, &st) == 0;
}

static bool fs_is(const char *path, long magic)
{
    struct statfs sf;
    return statfs(path, &sf) == 0 && (long)sf.f_type == magic;
}

int ld_rt_cgroup_find_roots(const char *root, char **v2, char **v1_memory, ld_error *err)
{
    *v2 = *v1_memory = NULL;
    if (!root || !is_dir(root))
        return ld_error_set(err, LD_ERR_NOT_FOUND,
                            "no cgroup file system at \"%s\" (is /sys/fs/cgroup mounted?)",
                            root ? root : "(null)");
    if (fs_is(root, CGROUP2_SUPER_MAGIC)) {
        *v2 = ld_xstrdup(root); /* unified: no v1 controllers */
        return 0;
    }
    ld_autofree char *unified = ld_xasprintf("%s/unified", root);
    ld_autofree char *memory = ld_xasprintf("%s/memory", root);
    ld_autofree char *procs = ld_xasprintf("%s/cgroup.procs", root);
    if (is_dir(unified))
        *v2 = ld_steal_ptr(&unified);
    else if (exists(procs))
        *v2 = ld_xstrdup(root); /* a test tree laid out as a v2 hierarchy */
    if (is_dir(memory))
        *v1_memory = ld_steal_ptr(&memory);
    if (!*v2 && !*v1_memory)
        return ld_error_set(err, LD_ERR_NOT_FOUND,
                            "no cgroup hierarchy under \"%s\": neither cgroup v2 (unified) nor "
                            "the v1 memory controller",
                            root);
    return 0;
}

typedef struct {
    ld_rt_cgroup_visit_fn fn;
    void *ctx;
    ld_rt_cgroup_walk_stats *st;
    char path[LD_RT_CGROUP_PATH_MAX];
    int stopped;
} walk_state;

/* fd: open on the directory whose relative path is w->path[0..len);
 * closed here. */
static void walk_dir(walk_state *w, int fd, size_t len, unsigned depth)
{
    DIR *d = fdopendir(fd);
    if (!d) {
        close(fd);
        return;
    }
    struct dirent *de;
    while (!w->stopped && (de = readdir(d))) {
        if (de->d_type != DT_DIR && de->d_type != DT_UNKNOWN)
            continue;
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        size_t nlen = strlen(de->d_name);
        size_t sep = len ? 1 : 0;
        if (len + sep + nlen >= sizeof w->path || depth + 1 > LD_RT_CGROUP_MAX_DEPTH ||
            w->st->dirs >= LD_RT_CGROUP_MAX_DIRS) {
            w->st->truncated = true;
            continue;
        }
        int cfd = openat(dirfd(d), de->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (cfd < 0)
            continue; /* gone meanwhile, or not a directory (DT_UNKNOWN) */
        struct stat st;
        if (fstat(cfd, &st) < 0 || !S_ISDIR(st.st_mode)) {
            close(cfd);
            continue;
        }
        if (sep)
            w->path[len] = '/';
        memcpy(w->path + len + sep, de->d_name, nlen + 1);
        size_t clen = len + sep + nlen;
        w->st->dirs++;
        if ((w->stopped = w->fn(w->path, clen, (uint64_t)st.st_ino, w->ctx)) != 0) {
            close(cfd);
            break;
        }
        walk_dir(w, cfd, clen, depth + 1); /* closes cfd */
        w->path[len] = '\0';
    }
    closedir(d);
}

int ld_rt_cgroup_walk(const char *path, ld_rt_cgroup_visit_fn fn, void *ctx,
                      ld_rt_cgroup_walk_stats *st, ld_error *err)
{
    memset(st, 0, sizeof *st);
    int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return ld_error_set_errno(err, LD_ERR_NOT_FOUND, errno, "cgroup hierarchy \"%s\"", path);
    struct stat sb;
    if (fstat(fd, &sb) < 0) {
        int e = errno;
        close(fd);
        return ld_error_set_errno(err, LD_ERR_GENERIC, e, "cgroup hierarchy \"%s\"", path);
    }
    walk_state *w = ld_xcalloc(1, sizeof *w);
    w->fn = fn;
    w->ctx = ctx;
    w->st = st;
    st->dirs = 1;
    w->stopped = fn("", 0, (uint64_t)sb.st_ino, ctx);
    if (!w->stopped)
        walk_dir(w, fd, 0, 0);
    else
        close(fd);
    free(w);
    return 0;
}

/* ---- one cgroup by its id ---- */

#define FILEID_KERNFS 0xfe

int ld_rt_cgroup_path_of_id(int root_fd, const char *root_path, uint64_t ino, char *out,
                            size_t size)
{
    struct {
        struct file_handle fh;
        uint64_t id;
    } h;
    memset(&h, 0, sizeof h);
    h.fh.handle_bytes = sizeof h.id;
    h.fh.handle_type = FILEID_KERNFS;
    h.id = ino;
    int fd = open_by_handle_at(root_fd, &h.fh, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return errno == ESTALE || errno == ENOENT ? -1 : -2;
    char link[64];
    snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    char buf[LD_RT_CGROUP_PATH_MAX];
    ssize_t n = readlink(link, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0 || (size_t)n >= sizeof buf - 1)
        return -1;
    buf[n] = '\0';
    static const char deleted[] = " (deleted)";
    size_t dn = sizeof deleted - 1;
    if ((size_t)n > dn && strcmp(buf + n - dn, deleted) == 0)
        buf[n -= (ssize_t)dn] = '\0';
    size_t rn = strlen(root_path);
    if (strncmp(buf, root_path, rn) != 0 || (buf[rn] != '/' && buf[rn] != '\0'))
        return -1; /* another mount of the hierarchy: not a path we can read */
    const char *rel = buf + rn;
    while (*rel == '/')
        rel++;
    if (strlen(rel) >= size)
        return -1;
    memcpy(out, rel, strlen(rel) + 1);
    return 0;
}

/* ---- the inode index ---- */

static size_t slot_of(uint64_t ino, size_t cap)
{
    /* a 64-bit mix: cgroup inodes are dense small numbers */
    uint64_t h = ino * 0x9e3779b97f4a7c15ull;
    h ^= h >> 29;
    return (size_t)h & (cap - 1);
}

static void grow(ld_rt_ino_map *m)
{
    size_t ncap = m->cap ? m->cap * 2 : 256;
    uint64_t *keys = ld_xcalloc(ncap, sizeof *keys);
    void **values = ld_xcalloc(ncap, sizeof *values);
    for (size_t i = 0; i < m->cap; i++) {
        if (!m->keys[i])
            continue;
        size_t j = slot_of(m->keys[i], ncap);
        while (keys[j])
            j = (j + 1) & (ncap - 1);
        keys[j] = m->keys[i];
        values[j] = m->values[i];
    }
    free(m->keys);
    free(m->values);
    m->keys = keys;
    m->values = values;
    m->cap = ncap;
}

void ld_rt_ino_map_put(ld_rt_ino_map *m, uint64_t ino, void *value)
{
    if (!ino)
        return;
    if ((m->n + 1) * 4 > m->cap * 3)
        grow(m);
    size_t j = slot_of(ino, m->cap);
    while (m->keys[j] && m->keys[j] != ino)
        j = (j + 1) & (m->cap - 1);
    if (!m->keys[j]) {
        m->keys[j] = ino;
        m->n++;
    }
    m->values[j] = value;
}

void *ld_rt_ino_map_get(const ld_rt_ino_map *m, uint64_t ino)
{
    if (!ino || !m->cap)
        return NULL;
    size_t j = slot_of(ino, m->cap);
    while (m->keys[j]) {
        if (m->keys[j] == ino)
            return m->values[j];
        j = (j + 1) & (m->cap - 1);
    }
    return NULL;
}

void ld_rt_ino_map_replace(ld_rt_ino_map *m, const void *from, void *to)
{
    for (size_t i = 0; i < m->cap; i++)
        if (m->keys[i] && m->values[i] == from)
            m->values[i] = to;
}

void ld_rt_ino_map_clear(ld_rt_ino_map *m)
{
    free(m->keys);
    free(m->values);
    memset(m, 0, sizeof *m);
}
