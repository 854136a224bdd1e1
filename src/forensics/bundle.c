/* The evidence bundle writer (bundle.h): the bundle directory held as an
 * O_PATH fd, every artifact created beneath it with O_EXCL|O_NOFOLLOW (its
 * parents made by a walk that never follows a link), streamed to the disk
 * and hashed with SHA-256 on the way, and the list of what was recorded.
 * Not the manifest (manifest.c) and not the check of a bundle (verify.c). */
#include "forensics/bundle.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <openssl/evp.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/cleanup.h"
#include "util/mem.h"
#include "util/strlist.h"

/* A run of zeros shorter than this is written; a longer one becomes a
 * hole (a seek; the file is extended at close). */
#define HOLE_MIN ((uint64_t)64 * 1024)
/* Chunk of a copy from an fd. */
#define COPY_CHUNK ((size_t)128 * 1024)

/* Hashed for write_zeros: never written to. */
static const unsigned char zero_block[64 * 1024];

struct ld_fx_bundle {
    char *dir;
    int dirfd; /* O_PATH|O_DIRECTORY */
    bool frozen;
    ld_fx_entry *entries;
    size_t n_entries, cap_entries;
    ld_strlist notes;
    /* guards frozen, entries and notes: distinct artifacts may be written
     * from several threads (memory and file system in parallel) */
    pthread_mutex_t lock;
    bool (*probe)(void *ctx); /* still frozen? (set_frozen_probe) */
    void *probe_ctx;
};

struct ld_fx_artifact {
    ld_fx_bundle *b;
    char *path, *kind;
    int fd;           /* the file, O_WRONLY */
    int parentfd;     /* its directory, O_PATH */
    const char *leaf; /* last component of path */
    EVP_MD_CTX *md;
    uint64_t size;
    bool frozen_at_open;
    bool truncated;
    bool hole_at_end; /* the file offset is past the last byte written */
    char *note;
};

static bool name_byte_ok(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '_' || c == '-';
}

bool ld_fx_relpath_ok(const char *relpath)
{
    if (!relpath)
        return false;
    size_t len = strnlen(relpath, LD_FX_RELPATH_MAX + 1);
    if (len == 0 || len > LD_FX_RELPATH_MAX)
        return false;
    size_t comp = 0; /* length of the current component */
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)relpath[i];
        if (c == '/') {
            if (comp == 0)
                return false; /* leading '/', "//" */
            comp = 0;
            continue;
        }
        if (!name_byte_ok(c))
            return false;
        if (comp == 0 && c == '.')
            return false; /* ".", "..", hidden names */
        if (++comp > LD_FX_NAME_MAX)
            return false;
    }
    if (comp == 0)
        return false; /* trailing '/' */
    /* the manifest's own names */
    return !(strncmp(relpath, LD_FX_MANIFEST, strlen(LD_FX_MANIFEST)) == 0 &&
             !memchr(relpath, '/', len));
}

/* Does s[0..n) end in "-" and 8 lowercase hex digits, as a changed name
 * does? Such a name is changed too, so an unchanged name never equals the
 * result of a changed one. */
static bool looks_hashed(const char *s, size_t n)
{
    if (n < 9 || s[n - 9] != '-')
        return false;
    for (size_t i = n - 8; i < n; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
            return false;
    return true;
}

void ld_fx_safe_name(const char *name, size_t len, char *out, size_t cap)
{
    static const char hex[] = "0123456789abcdef";
    if (cap < 80) { /* programmer error: the header asks for 80 */
        if (cap)
            out[0] = '\0';
        return;
    }
    if (!name)
        len = 0;
    size_t n = len > LD_FX_SAFE_NAME_KEEP ? LD_FX_SAFE_NAME_KEEP : len;
    bool changed = len > n;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)name[i];
        if (!name_byte_ok(c) || (i == 0 && c == '.')) {
            out[i] = '_';
            changed = true;
        } else {
            out[i] = (char)c;
        }
    }
    if (n == 0) {
        out[n++] = '_';
        changed = true;
    }
    if (!changed && looks_hashed(out, n))
        changed = true;
    if (changed) {
        unsigned char md[EVP_MAX_MD_SIZE];
        unsigned int mdlen = 0;
        if (!EVP_Digest(name ? name : "", len, md, &mdlen, EVP_sha256(), NULL) || mdlen < 4)
            memset(md, 0, 4); /* cannot happen with the default provider */
        out[n++] = '-';
        for (int i = 0; i < 4; i++) {
            out[n++] = hex[md[i] >> 4];
            out[n++] = hex[md[i] & 15];
        }
    }
    out[n] = '\0';
}

ld_fx_bundle *ld_fx_bundle_create(const char *dir, ld_error *err)
{
    if (!dir || !*dir) {
        ld_error_set(err, LD_ERR_INVALID, "no bundle directory given");
        return NULL;
    }
    /* "x/" would follow a link at x: the trailing slashes go */
    ld_autofree char *path = ld_xstrdup(dir);
    size_t len = strlen(path);
    while (len > 1 && path[len - 1] == '/')
        path[--len] = '\0';

    bool existed = false;
    if (mkdir(path, 0700) < 0) {
        if (errno != EEXIST) {
            ld_error_set_errno(err, LD_ERR_GENERIC, errno,
                               "cannot create bundle directory %s (its parent must exist)", path);
            return NULL;
        }
        existed = true;
    }
    ld_autoclose int fd = open(path, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) < 0 || !S_ISDIR(st.st_mode)) {
        int e = errno;
        struct stat lst;
        if (lstat(path, &lst) == 0 && S_ISLNK(lst.st_mode))
            ld_error_set(err, LD_ERR_INVALID,
                         "bundle directory %s is a symbolic link; give a new directory", path);
        else if (fd < 0 && e != ENOTDIR)
            ld_error_set_errno(err, LD_ERR_GENERIC, e, "cannot open bundle directory %s", path);
        else
            ld_error_set(err, LD_ERR_INVALID,
                         "bundle directory %s exists and is not a directory; give a new directory",
                         path);
        return NULL;
    }
    if (existed) {
        int rfd = openat(fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        DIR *d = rfd >= 0 ? fdopendir(rfd) : NULL;
        if (!d) {
            int e = errno;
            if (rfd >= 0)
                close(rfd);
            ld_error_set_errno(err, LD_ERR_GENERIC, e, "cannot read bundle directory %s", path);
            return NULL;
        }
        bool empty = true;
        struct dirent *de;
        while ((de = readdir(d))) {
            if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0) {
                empty = false;
                break;
            }
        }
        closedir(d);
        if (!empty) {
            ld_error_set(err, LD_ERR_INVALID,
                         "bundle directory %s exists and is not empty; give a new directory", path);
            return NULL;
        }
    }
    ld_fx_bundle *b = ld_xcalloc(1, sizeof(*b));
    pthread_mutex_init(&b->lock, NULL);
    b->dir = ld_steal_ptr(&path);
    b->dirfd = ld_steal_fd(&fd);
    return b;
}

void ld_fx_bundle_free(ld_fx_bundle *b)
{
    if (!b)
        return;
    if (b->dirfd >= 0)
        close(b->dirfd);
    for (size_t i = 0; i < b->n_entries; i++) {
        free(b->entries[i].path);
        free(b->entries[i].kind);
        free(b->entries[i].note);
    }
    free(b->entries);
    ld_strlist_clear(&b->notes);
    free(b->dir);
    pthread_mutex_destroy(&b->lock);
    free(b);
}

const char *ld_fx_bundle_dir(const ld_fx_bundle *b)
{
    return b->dir;
}
int ld_fx_bundle_dirfd(const ld_fx_bundle *b)
{
    return b->dirfd;
}
void ld_fx_bundle_set_frozen(ld_fx_bundle *b, bool frozen)
{
    pthread_mutex_lock(&b->lock);
    b->frozen = frozen;
    pthread_mutex_unlock(&b->lock);
}

void ld_fx_bundle_set_frozen_probe(ld_fx_bundle *b, bool (*probe)(void *ctx), void *ctx)
{
    pthread_mutex_lock(&b->lock);
    b->probe = probe;
    b->probe_ctx = ctx;
    pthread_mutex_unlock(&b->lock);
}

/* Frozen now: the flag, and the probe's word when there is one. */
static bool frozen_now(ld_fx_bundle *b)
{
    pthread_mutex_lock(&b->lock);
    bool frozen = b->frozen;
    bool (*probe)(void *) = b->probe;
    void *ctx = b->probe_ctx;
    pthread_mutex_unlock(&b->lock);
    return frozen && (!probe || probe(ctx));
}

int ld_fx_bundle_sync(ld_fx_bundle *b, ld_error *err)
{
    /* syncfs and fsync need a readable fd, not the O_PATH one */
    ld_autoclose int fd = openat(b->dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return ld_error_set_errno(err, LD_ERR_GENERIC, errno, "bundle %s: cannot open it to sync",
                                  b->dir);
    if (syncfs(fd) < 0)
        return ld_error_set_errno(err, LD_ERR_GENERIC, errno,
                                  "bundle %s: writing the artifacts to the disk failed", b->dir);
    return 0;
}

/* Opens (making it, 0700, when absent) the directory of every component of
 * relpath but the last, never following a link. Returns an O_PATH fd or
 * < 0 with err. */
static int open_parent(ld_fx_bundle *b, const char *relpath, ld_error *err)
{
    int cur = dup(b->dirfd);
    if (cur < 0)
        return ld_error_set_errno(err, LD_ERR_GENERIC, errno, "bundle %s: dup", b->dir);
    const char *p = relpath;
    const char *slash;
    char comp[LD_FX_NAME_MAX + 1];
    while ((slash = strchr(p, '/'))) {
        size_t n = (size_t)(slash - p);
        memcpy(comp, p, n); /* n <= LD_FX_NAME_MAX: ld_fx_relpath_ok */
        comp[n] = '\0';
        if (mkdirat(cur, comp, 0700) < 0 && errno != EEXIST) {
            int e = errno;
            close(cur);
            return ld_error_set_errno(err, LD_ERR_GENERIC, e, "bundle %s: cannot make %.*s", b->dir,
                                      (int)(slash - relpath), relpath);
        }
        int next = openat(cur, comp, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        int e = errno;
        close(cur);
        if (next < 0)
            return ld_error_set_errno(err, e == ENOTDIR ? LD_ERR_INVALID : LD_ERR_GENERIC, e,
                                      "bundle %s: %.*s is not a directory lockdown made", b->dir,
                                      (int)(slash - relpath), relpath);
        cur = next;
        p = slash + 1;
    }
    return cur;
}

static int md_failure(ld_fx_artifact *a, ld_error *err)
{
    return ld_error_set(err, LD_ERR_GENERIC, "bundle %s: artifact %s: SHA-256 failed", a->b->dir,
                        a->path);
}

int ld_fx_artifact_open(ld_fx_bundle *b, const char *relpath, const char *kind,
                        ld_fx_artifact **out, ld_error *err)
{
    *out = NULL;
    if (!ld_fx_relpath_ok(relpath))
        return ld_error_set(err, LD_ERR_INVALID,
                            "bundle %s: artifact path \"%s\" is not lockdown's own", b->dir,
                            relpath ? relpath : "(null)");
    if (!kind || !*kind)
        return ld_error_set(err, LD_ERR_INVALID, "bundle %s: artifact %s has no kind", b->dir,
                            relpath);
    ld_autoclose int parent = open_parent(b, relpath, err);
    if (parent < 0)
        return parent;
    const char *leaf = strrchr(relpath, '/');
    leaf = leaf ? leaf + 1 : relpath;
    ld_autoclose int fd =
        openat(parent, leaf, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0)
        return ld_error_set_errno(err, errno == EEXIST ? LD_ERR_INVALID : LD_ERR_GENERIC, errno,
                                  "bundle %s: cannot create artifact %s", b->dir, relpath);
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    if (!md || !EVP_DigestInit_ex(md, EVP_sha256(), NULL)) {
        EVP_MD_CTX_free(md);
        unlinkat(parent, leaf, 0);
        return ld_error_set(err, LD_ERR_GENERIC, "bundle %s: artifact %s: SHA-256 unavailable",
                            b->dir, relpath);
    }
    ld_fx_artifact *a = ld_xcalloc(1, sizeof(*a));
    a->b = b;
    a->path = ld_xstrdup(relpath);
    a->leaf = a->path + (leaf - relpath);
    a->kind = ld_xstrdup(kind);
    a->fd = ld_steal_fd(&fd);
    a->parentfd = ld_steal_fd(&parent);
    a->md = md;
    a->frozen_at_open = frozen_now(b);
    *out = a;
    return 0;
}

static void artifact_free(ld_fx_artifact *a)
{
    if (a->fd >= 0)
        close(a->fd);
    if (a->parentfd >= 0)
        close(a->parentfd);
    EVP_MD_CTX_free(a->md);
    free(a->path);
    free(a->kind);
    free(a->note);
    free(a);
}

void ld_fx_artifact_abort(ld_fx_artifact *a)
{
    if (!a)
        return;
    if (a->fd >= 0) {
        close(a->fd);
        a->fd = -1;
    }
    unlinkat(a->parentfd, a->leaf, 0);
    artifact_free(a);
}

/* write(2) of all n bytes, retrying short writes and EINTR. */
static int write_all(ld_fx_artifact *a, const unsigned char *p, size_t n, ld_error *err)
{
    while (n > 0) {
        ssize_t w = write(a->fd, p, n);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            return ld_error_set_errno(err, LD_ERR_GENERIC, errno,
                                      "bundle %s: writing artifact %s failed", a->b->dir, a->path);
        }
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

static int add_size(ld_fx_artifact *a, uint64_t n, ld_error *err)
{
    uint64_t sum;
    if (__builtin_add_overflow(a->size, n, &sum) || sum > (uint64_t)INT64_MAX)
        return ld_error_set(err, LD_ERR_LIMIT, "bundle %s: artifact %s: larger than a file can be",
                            a->b->dir, a->path);
    a->size = sum;
    return 0;
}

int ld_fx_artifact_write(ld_fx_artifact *a, const void *p, size_t n, ld_error *err)
{
    if (n == 0)
        return 0;
    uint64_t before = a->size;
    int rc = add_size(a, n, err);
    if (rc < 0)
        return rc;
    if (!EVP_DigestUpdate(a->md, p, n)) {
        a->size = before;
        return md_failure(a, err);
    }
    rc = write_all(a, p, n, err);
    if (rc < 0)
        return rc;
    a->hole_at_end = false;
    return 0;
}

int ld_fx_artifact_write_zeros(ld_fx_artifact *a, uint64_t n, ld_error *err)
{
    if (n == 0)
        return 0;
    int rc = add_size(a, n, err);
    if (rc < 0)
        return rc;
    for (uint64_t left = n; left > 0;) {
        size_t k = left < sizeof(zero_block) ? (size_t)left : sizeof(zero_block);
        if (!EVP_DigestUpdate(a->md, zero_block, k))
            return md_failure(a, err);
        left -= k;
    }
    if (n >= HOLE_MIN && lseek(a->fd, (off_t)n, SEEK_CUR) >= 0) {
        a->hole_at_end = true;
        return 0;
    }
    for (uint64_t left = n; left > 0;) {
        size_t k = left < sizeof(zero_block) ? (size_t)left : sizeof(zero_block);
        rc = write_all(a, zero_block, k, err);
        if (rc < 0)
            return rc;
        left -= k;
    }
    a->hole_at_end = false;
    return 0;
}

uint64_t ld_fx_artifact_size(const ld_fx_artifact *a)
{
    return a->size;
}

static void append_note(char **note, const char *text)
{
    if (!*note) {
        *note = ld_xstrdup(text);
        return;
    }
    char *joined = ld_xasprintf("%s; %s", *note, text);
    free(*note);
    *note = joined;
}

void ld_fx_artifact_note(ld_fx_artifact *a, bool truncated, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    ld_autofree char *text = ld_xvasprintf(fmt, ap);
    va_end(ap);
    append_note(&a->note, text);
    if (truncated)
        a->truncated = true;
}

int ld_fx_artifact_close(ld_fx_artifact *a, ld_error *err)
{
    ld_fx_bundle *b = a->b;
    int rc = 0;
    if (a->hole_at_end && ftruncate(a->fd, (off_t)a->size) < 0)
        rc = ld_error_set_errno(err, LD_ERR_GENERIC, errno,
                                "bundle %s: extending artifact %s failed", b->dir, a->path);
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int mdlen = 0;
    if (rc == 0 && (!EVP_DigestFinal_ex(a->md, md, &mdlen) || mdlen != 32))
        rc = md_failure(a, err);
    if (rc == 0) {
        int fd = a->fd;
        a->fd = -1;
        /* durability is one syncfs before the manifest (ld_fx_bundle_sync):
         * an fsync here would add milliseconds per artifact to the frozen
         * interval */
        if (close(fd) < 0 && errno != EINTR)
            rc = ld_error_set_errno(err, LD_ERR_GENERIC, errno,
                                    "bundle %s: closing artifact %s failed", b->dir, a->path);
    }
    if (rc < 0) {
        ld_fx_artifact_abort(a);
        return rc;
    }
    bool frozen_at_close = a->frozen_at_open && frozen_now(b);
    pthread_mutex_lock(&b->lock);
    ld_xgrow(&b->entries, &b->cap_entries, b->n_entries + 1, sizeof(*b->entries));
    ld_fx_entry *e = &b->entries[b->n_entries++];
    memset(e, 0, sizeof(*e));
    static const char hex[] = "0123456789abcdef";
    for (unsigned i = 0; i < 32; i++) {
        e->sha256[2 * i] = hex[md[i] >> 4];
        e->sha256[2 * i + 1] = hex[md[i] & 15];
    }
    e->sha256[64] = '\0';
    e->path = ld_steal_ptr(&a->path);
    e->kind = ld_steal_ptr(&a->kind);
    e->note = ld_steal_ptr(&a->note);
    e->size = a->size;
    e->truncated = a->truncated;
    e->frozen = frozen_at_close;
    pthread_mutex_unlock(&b->lock);
    artifact_free(a);
    return 0;
}

int ld_fx_bundle_write_file(ld_fx_bundle *b, const char *relpath, const char *kind,
                            const void *data, size_t len, ld_error *err)
{
    ld_fx_artifact *a = NULL;
    int rc = ld_fx_artifact_open(b, relpath, kind, &a, err);
    if (rc < 0)
        return rc;
    rc = ld_fx_artifact_write(a, data, len, err);
    if (rc < 0) {
        ld_fx_artifact_abort(a);
        return rc;
    }
    return ld_fx_artifact_close(a, err);
}

static ssize_t read_retry(int fd, void *buf, size_t n)
{
    ssize_t r;
    do
        r = read(fd, buf, n);
    while (r < 0 && errno == EINTR);
    return r;
}

int ld_fx_bundle_copy_fd(ld_fx_bundle *b, const char *relpath, const char *kind, int fd,
                         uint64_t cap, ld_error *err)
{
    uint64_t limit = cap ? cap : UINT64_MAX;
    ld_autofree unsigned char *buf = ld_xmalloc(COPY_CHUNK);
    ssize_t r = read_retry(fd, buf, COPY_CHUNK);
    if (r < 0) {
        int e = errno;
        ld_error_set_errno(err, e == ESRCH || e == ENOENT ? LD_ERR_NOT_FOUND : LD_ERR_GENERIC, e,
                           "bundle %s: reading the source of %s failed", b->dir,
                           relpath ? relpath : "(null)");
        err->sys_errno = e;
        return err->code;
    }
    ld_fx_artifact *a = NULL;
    int rc = ld_fx_artifact_open(b, relpath, kind, &a, err);
    if (rc < 0)
        return rc;
    uint64_t total = 0;
    while (r > 0) {
        uint64_t n = (uint64_t)r;
        if (n > limit - total) {
            rc = ld_fx_artifact_write(a, buf, (size_t)(limit - total), err);
            if (rc < 0)
                break;
            ld_fx_artifact_note(a, true, "stopped at %" PRIu64 " bytes", limit);
            break;
        }
        rc = ld_fx_artifact_write(a, buf, (size_t)n, err);
        if (rc < 0)
            break;
        total += n;
        r = read_retry(fd, buf, COPY_CHUNK);
        if (r < 0)
            ld_fx_artifact_note(a, false, "read stopped after %" PRIu64 " bytes: %s", total,
                                strerror(errno));
    }
    if (rc < 0) {
        ld_fx_artifact_abort(a);
        return rc;
    }
    return ld_fx_artifact_close(a, err);
}

void ld_fx_bundle_note(ld_fx_bundle *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *note = ld_xvasprintf(fmt, ap);
    va_end(ap);
    pthread_mutex_lock(&b->lock);
    ld_strlist_push_owned(&b->notes, note);
    pthread_mutex_unlock(&b->lock);
}

const ld_fx_entry *ld_fx_bundle_entries(const ld_fx_bundle *b, size_t *n)
{
    *n = b->n_entries;
    return b->entries;
}

const char *const *ld_fx_bundle_notes(const ld_fx_bundle *b, size_t *n)
{
    *n = b->notes.n;
    return (const char *const *)b->notes.v;
}
