/* dir:DIR — a root file system directory read in place as a single-layer
 * image (layer -1). Walks with openat(O_NOFOLLOW)/fstatat(AT_SYMLINK_NOFOLLOW)
 * from a directory fd, so a symlink is recorded as a link and never followed
 * (not even out of the root); content is read only for files an analyzer
 * wants, bounded by its cap, after checking the opened fd is the same
 * regular file. Device nodes and FIFOs are listed, never opened. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "image/image_internal.h"
#include "util/cleanup.h"
#include "util/mem.h"

#define MAX_DEPTH 256

typedef struct {
    const ld_img_opts *opt;
    const ld_analyzer *an;
    size_t n_an;
    ld_file_entry *files;
    size_t n, cap;
    ld_strlist notes;
    uint8_t *buf;
    size_t buf_cap;
    bool *want;
} dctx;

static void note(dctx *c, char *msg)
{
    if (c->notes.n < 1000)
        ld_strlist_push_owned(&c->notes, msg);
    else
        free(msg);
}

static ld_file_type type_of(mode_t m)
{
    if (S_ISDIR(m))
        return LD_FILE_DIR;
    if (S_ISLNK(m))
        return LD_FILE_SYMLINK;
    if (S_ISCHR(m))
        return LD_FILE_CHAR;
    if (S_ISBLK(m))
        return LD_FILE_BLOCK;
    if (S_ISFIFO(m))
        return LD_FILE_FIFO;
    if (S_ISSOCK(m))
        return LD_FILE_SOCKET;
    return LD_FILE_REGULAR;
}

static int analyze(dctx *c, int dfd, const char *name, const char *path, const struct stat *st,
                   ld_error *err)
{
    uint64_t size = (uint64_t)st->st_size;
    bool any = false;
    for (size_t i = 0; i < c->n_an; i++) {
        const ld_analyzer *an = &c->an[i];
        c->want[i] = an->wants && an->file && an->wants(path, size, an->ctx);
        if (!c->want[i])
            continue;
        uint64_t cap = an->max_bytes ? an->max_bytes : c->opt->max_file_bytes;
        if (cap > c->opt->max_file_bytes)
            cap = c->opt->max_file_bytes;
        if (size > cap) {
            note(c, ld_xasprintf(
                        "%s is %llu bytes, over the %llu-byte limit for analyzer %s; not analysed",
                        path, (unsigned long long)size, (unsigned long long)cap,
                        an->name ? an->name : "?"));
            c->want[i] = false;
            continue;
        }
        any = true;
    }
    if (!any)
        return 0;
    ld_autoclose int fd =
        openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
    struct stat fst;
    if (fd < 0 || fstat(fd, &fst) < 0 || !S_ISREG(fst.st_mode) || fst.st_ino != st->st_ino ||
        fst.st_dev != st->st_dev) {
        note(c,
             ld_xasprintf("%s changed or could not be opened while reading; not analysed", path));
        return 0;
    }
    if (size + 1 > c->buf_cap) {
        free(c->buf);
        c->buf_cap = size + 1;
        c->buf = ld_xmalloc(c->buf_cap);
    }
    size_t got = 0;
    while (got < size) {
        ssize_t n = read(fd, c->buf + got, size - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        got += (size_t)n;
    }
    c->buf[got] = '\0';
    for (size_t i = 0; i < c->n_an; i++) {
        if (!c->want[i])
            continue;
        if (c->an[i].file(path, -1, c->buf, got, c->an[i].ctx, err) < 0) {
            if (err->code == LD_OK)
                ld_error_set(err, LD_ERR_GENERIC, "analyzer %s failed on %s",
                             c->an[i].name ? c->an[i].name : "?", path);
            return err->code;
        }
    }
    return 0;
}

/* Walks the directory open at dfd (taken: closed here) whose image path is path. */
static int walk(dctx *c, int dfd, const char *path, int depth, ld_error *err)
{
    DIR *d = fdopendir(dfd);
    if (!d) {
        close(dfd);
        note(c, ld_xasprintf("%s: cannot list: %s", path, strerror(errno)));
        return 0;
    }
    int rc = 0;
    struct dirent *de;
    while ((de = readdir(d))) {
        const char *name = de->d_name;
        if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
            continue;
        char *child = ld_xasprintf("%s/%s", strcmp(path, "/") == 0 ? "" : path, name);
        if (strlen(child) > LD_IMG_MAX_PATH) {
            note(c, ld_xasprintf("%.200s...: path too long; skipped", child));
            free(child);
            continue;
        }
        struct stat st;
        if (fstatat(dirfd(d), name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
            note(c, ld_xasprintf("%s: %s", child, strerror(errno)));
            free(child);
            continue;
        }
        if (c->n >= c->opt->max_entries) {
            free(child);
            rc = ld_error_set(err, LD_ERR_LIMIT, "more than %llu files",
                              (unsigned long long)c->opt->max_entries);
            break;
        }
        ld_xgrow(&c->files, &c->cap, c->n + 1, sizeof(*c->files));
        ld_file_entry *e = &c->files[c->n++];
        memset(e, 0, sizeof(*e));
        e->path = child;
        e->type = type_of(st.st_mode);
        e->mode = st.st_mode & 07777;
        e->uid = st.st_uid;
        e->gid = st.st_gid;
        e->size =
            e->type == LD_FILE_REGULAR || e->type == LD_FILE_SYMLINK ? (uint64_t)st.st_size : 0;
        e->layer = -1;
        if (e->type == LD_FILE_SYMLINK) {
            char target[LD_IMG_MAX_PATH + 1];
            ssize_t n = readlinkat(dirfd(d), name, target, sizeof(target) - 1);
            if (n >= 0) {
                target[n] = '\0';
                e->link = ld_xstrdup(target);
            }
        } else if (e->type == LD_FILE_REGULAR && c->n_an) {
            if ((rc = analyze(c, dirfd(d), name, child, &st, err)) < 0)
                break;
        } else if (e->type == LD_FILE_DIR) {
            if (depth >= MAX_DEPTH) {
                note(c, ld_xasprintf("%s: nested deeper than %d directories; not walked", child,
                                     MAX_DEPTH));
                continue;
            }
            int sub = openat(dirfd(d), name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
            if (sub < 0) {
                note(c, ld_xasprintf("%s: cannot open: %s", child, strerror(errno)));
                continue;
            }
            /* child stays valid: files[] may move, the string does not. */
            if ((rc = walk(c, sub, child, depth + 1, err)) < 0)
                break;
        }
    }
    closedir(d);
    return rc;
}

static int cmp_entry(const void *a, const void *b)
{
    return strcmp(((const ld_file_entry *)a)->path, ((const ld_file_entry *)b)->path);
}

ld_image *ld_img_read_dir(const char *path, const ld_img_opts *opt, const ld_analyzer *an,
                          size_t n_an, ld_error *err)
{
    int dfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0) {
        ld_error_set_errno(err, errno == ENOENT ? LD_ERR_NOT_FOUND : LD_ERR_GENERIC, errno,
                           "cannot open directory %s", path);
        return NULL;
    }
    dctx c = {.opt = opt, .an = an, .n_an = n_an};
    c.want = ld_xcalloc(n_an + 1, sizeof(bool));
    int rc = walk(&c, dfd, "/", 0, err);
    free(c.buf);
    free(c.want);
    if (rc < 0) {
        ld_error_wrap(err, "dir:%s", path);
        for (size_t i = 0; i < c.n; i++) {
            free(c.files[i].path);
            free(c.files[i].link);
        }
        free(c.files);
        ld_strlist_clear(&c.notes);
        return NULL;
    }
    qsort(c.files, c.n, sizeof(*c.files), cmp_entry);
    return ld_img_new_dir(path, c.files, c.n, &c.notes);
}
