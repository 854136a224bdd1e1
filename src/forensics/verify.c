/* `lockdown capture verify` (verify.h): the bundle directory walked with
 * openat/fdopendir and fstatat(AT_SYMLINK_NOFOLLOW), never following a
 * link; what is there compared with the manifest by path (both sorted);
 * the files whose size matches re-hashed on a few threads, each opened by
 * a walk of O_NOFOLLOW opens from the bundle's fd; and the signature over
 * manifest.json's exact bytes checked with the given public key. Never
 * prints; the CLI renders the result. Not the reader of the manifest
 * (manifest.c). */
#include "forensics/verify.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <openssl/evp.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "forensics/bundle.h"
#include "forensics/manifest.h"
#include "trust/trust_b64.h"
#include "util/cleanup.h"
#include "util/input_file.h"
#include "util/mem.h"

#define WALK_MAX_DEPTH 64
#define WALK_MAX_ITEMS ((size_t)4000000)
#define SIG_MAX_BYTES ((size_t)64 * 1024)
#define HASH_CHUNK ((size_t)1 << 20)
#define MAX_THREADS 8

const char *ld_fx_diff_kind_name(ld_fx_diff_kind k)
{
    switch (k) {
    case LD_FX_DIFF_ADDED: return "added";
    case LD_FX_DIFF_MISSING: return "missing";
    case LD_FX_DIFF_SIZE: return "altered";
    case LD_FX_DIFF_HASH: return "altered";
    case LD_FX_DIFF_NOT_REGULAR: return "not-regular";
    case LD_FX_DIFF_UNREADABLE: return "unreadable";
    }
    return "unknown";
}

const char *ld_fx_sig_state_name(ld_fx_sig_state s)
{
    switch (s) {
    case LD_FX_SIG_UNSIGNED: return "unsigned";
    case LD_FX_SIG_NOT_CHECKED: return "not-checked";
    case LD_FX_SIG_VALID: return "valid";
    case LD_FX_SIG_INVALID: return "invalid";
    case LD_FX_SIG_MISSING: return "missing";
    }
    return "unknown";
}

/* ---- what is on the disk ---- */

typedef enum { ITEM_FILE, ITEM_DIR, ITEM_OTHER, ITEM_UNREADABLE_DIR } item_kind;

typedef struct {
    char *path;
    item_kind kind;
    mode_t mode;
    uint64_t size;
    int err; /* ITEM_UNREADABLE_DIR: errno; 0 with it: too deep */
} disk_item;

typedef struct {
    disk_item *v;
    size_t n, cap;
} disk_list;

static void disk_push(disk_list *l, char *path, item_kind kind, const struct stat *st, int e)
{
    ld_xgrow(&l->v, &l->cap, l->n + 1, sizeof(*l->v));
    disk_item *it = &l->v[l->n++];
    it->path = path;
    it->kind = kind;
    it->mode = st ? st->st_mode : 0;
    it->size = st && st->st_size > 0 ? (uint64_t)st->st_size : 0;
    it->err = e;
}

static void disk_clear(disk_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->v[i].path);
    free(l->v);
    memset(l, 0, sizeof(*l));
}

/* Walks the directory open as fd (taken: closed here) whose bundle path is
 * rel ("" at the top). */
static int walk(int fd, const char *rel, int depth, disk_list *out, const char *bundle,
                ld_error *err)
{
    DIR *d = fdopendir(fd);
    if (!d) {
        int e = errno;
        close(fd);
        disk_push(out, ld_xstrdup(rel), ITEM_UNREADABLE_DIR, NULL, e);
        return 0;
    }
    int rc = 0;
    int read_errno = 0;
    while (rc == 0) {
        errno = 0;
        struct dirent *de = readdir(d);
        if (!de) {
            read_errno = errno;
            break;
        }
        const char *name = de->d_name;
        if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
            continue;
        if (out->n >= WALK_MAX_ITEMS) {
            rc = ld_error_set(err, LD_ERR_LIMIT,
                              "bundle %s holds more than %zu files; not a bundle lockdown wrote",
                              bundle, WALK_MAX_ITEMS);
            break;
        }
        struct stat st;
        if (fstatat(dirfd(d), name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
            if (errno != ENOENT) /* gone since readdir: not there */
                disk_push(out, *rel ? ld_xasprintf("%s/%s", rel, name) : ld_xstrdup(name),
                          ITEM_OTHER, NULL, errno);
            continue;
        }
        /* the manifest and its signature are not artifacts (when regular) */
        if (!*rel && S_ISREG(st.st_mode) &&
            (strcmp(name, LD_FX_MANIFEST) == 0 || strcmp(name, LD_FX_SIGNATURE) == 0))
            continue;
        char *path = *rel ? ld_xasprintf("%s/%s", rel, name) : ld_xstrdup(name);
        if (S_ISREG(st.st_mode)) {
            disk_push(out, path, ITEM_FILE, &st, 0);
        } else if (S_ISDIR(st.st_mode)) {
            if (depth + 1 > WALK_MAX_DEPTH) {
                disk_push(out, path, ITEM_UNREADABLE_DIR, &st, 0);
                continue;
            }
            disk_push(out, path, ITEM_DIR, &st, 0);
            int sub = openat(dirfd(d), name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
            if (sub < 0) {
                out->v[out->n - 1].kind = ITEM_UNREADABLE_DIR;
                out->v[out->n - 1].err = errno;
                continue;
            }
            /* the list may move: walk with a copy of the path */
            ld_autofree char *sub_rel = ld_xstrdup(path);
            rc = walk(sub, sub_rel, depth + 1, out, bundle, err);
        } else {
            disk_push(out, path, ITEM_OTHER, &st, 0);
        }
    }
    if (rc == 0 && read_errno != 0)
        disk_push(out, ld_xstrdup(*rel ? rel : "."), ITEM_UNREADABLE_DIR, NULL, read_errno);
    closedir(d);
    return rc;
}

/* ---- hashing ---- */

typedef enum { HASH_MATCH, HASH_DIFFERS, HASH_SIZE_CHANGED, HASH_UNREADABLE } hash_outcome;

typedef struct {
    const ld_fx_entry *entry;
    hash_outcome outcome;
    int err;
    uint64_t bytes;
    char sha256[65];
} hash_job;

typedef struct {
    int rootfd;
    hash_job *jobs;
    size_t n_jobs;
    atomic_size_t next;
} hash_pool;

/* Opens relpath for reading beneath rootfd, never following a link. */
static int open_beneath(int rootfd, const char *relpath)
{
    int cur = dup(rootfd);
    if (cur < 0)
        return -1;
    const char *p = relpath;
    const char *slash;
    char comp[LD_FX_NAME_MAX + 1];
    while ((slash = strchr(p, '/'))) {
        size_t n = (size_t)(slash - p);
        memcpy(comp, p, n); /* n <= LD_FX_NAME_MAX: the manifest's paths are checked */
        comp[n] = '\0';
        int next = openat(cur, comp, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        int e = errno;
        close(cur);
        if (next < 0) {
            errno = e;
            return -1;
        }
        cur = next;
        p = slash + 1;
    }
    int flags = O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC;
    /* evidence keeps its access times where the kernel lets us */
    int fd = openat(cur, p, flags | O_NOATIME);
    if (fd < 0 && errno == EPERM)
        fd = openat(cur, p, flags);
    int e = errno;
    close(cur);
    errno = e;
    return fd;
}

static void hash_one(int rootfd, hash_job *job, unsigned char *buf)
{
    static const char hex[] = "0123456789abcdef";
    int fd = open_beneath(rootfd, job->entry->path);
    if (fd < 0) {
        job->outcome = HASH_UNREADABLE;
        job->err = errno;
        return;
    }
    struct stat st;
    int serr = fstat(fd, &st) < 0 ? errno : 0;
    if (serr || !S_ISREG(st.st_mode)) {
        job->outcome = HASH_UNREADABLE;
        job->err = serr ? serr : EINVAL; /* replaced since the walk */
        close(fd);
        return;
    }
    posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    if (!md || !EVP_DigestInit_ex(md, EVP_sha256(), NULL)) {
        EVP_MD_CTX_free(md);
        close(fd);
        job->outcome = HASH_UNREADABLE;
        job->err = ENOMEM;
        return;
    }
    uint64_t total = 0;
    int e = 0;
    for (;;) {
        ssize_t r = read(fd, buf, HASH_CHUNK);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            e = errno;
            break;
        }
        if (r == 0)
            break;
        if (!EVP_DigestUpdate(md, buf, (size_t)r)) {
            e = ENOMEM;
            break;
        }
        total += (uint64_t)r;
    }
    close(fd);
    unsigned char sum[EVP_MAX_MD_SIZE];
    unsigned int sum_len = 0;
    if (!e && (!EVP_DigestFinal_ex(md, sum, &sum_len) || sum_len != 32))
        e = ENOMEM;
    EVP_MD_CTX_free(md);
    job->bytes = total;
    if (e) {
        job->outcome = HASH_UNREADABLE;
        job->err = e;
        return;
    }
    for (unsigned i = 0; i < 32; i++) {
        job->sha256[2 * i] = hex[sum[i] >> 4];
        job->sha256[2 * i + 1] = hex[sum[i] & 15];
    }
    job->sha256[64] = '\0';
    if (total != job->entry->size)
        job->outcome = HASH_SIZE_CHANGED; /* the file changed while it was read */
    else
        job->outcome = strcmp(job->sha256, job->entry->sha256) == 0 ? HASH_MATCH : HASH_DIFFERS;
}

static void *hash_worker(void *arg)
{
    hash_pool *pool = arg;
    unsigned char *buf = ld_xmalloc(HASH_CHUNK);
    for (;;) {
        size_t i = atomic_fetch_add(&pool->next, 1);
        if (i >= pool->n_jobs)
            break;
        hash_one(pool->rootfd, &pool->jobs[i], buf);
    }
    free(buf);
    return NULL;
}

static unsigned thread_count(unsigned asked, size_t jobs)
{
    unsigned n = asked;
    if (n == 0) {
        long cpus = sysconf(_SC_NPROCESSORS_ONLN);
        n = cpus > 0 ? (unsigned)cpus : 1;
    }
    if (n > MAX_THREADS)
        n = MAX_THREADS;
    if (n > jobs)
        n = (unsigned)jobs;
    return n ? n : 1;
}

static void run_pool(hash_pool *pool, unsigned threads)
{
    pthread_t tids[MAX_THREADS];
    unsigned started = 0;
    for (unsigned i = 1; i < threads; i++)
        if (pthread_create(&tids[started], NULL, hash_worker, pool) == 0)
            started++;
    hash_worker(pool); /* this thread works too, and alone if none started */
    for (unsigned i = 0; i < started; i++)
        pthread_join(tids[i], NULL);
}

/* ---- the result ---- */

typedef struct {
    ld_fx_diff *v;
    size_t n, cap;
} diff_list;

static void add_diff(diff_list *l, ld_fx_diff_kind kind, const char *path, char *detail)
{
    ld_xgrow(&l->v, &l->cap, l->n + 1, sizeof(*l->v));
    l->v[l->n].kind = kind;
    l->v[l->n].path = ld_xstrdup(path);
    l->v[l->n].detail = detail;
    l->n++;
}

static int cmp_diff(const void *a, const void *b)
{
    const ld_fx_diff *x = a, *y = b;
    int c = strcmp(x->path, y->path);
    return c ? c : (int)x->kind - (int)y->kind;
}

static int cmp_item(const void *a, const void *b)
{
    return strcmp(((const disk_item *)a)->path, ((const disk_item *)b)->path);
}

static int cmp_entry_ptr(const void *a, const void *b)
{
    return strcmp((*(const ld_fx_entry *const *)a)->path, (*(const ld_fx_entry *const *)b)->path);
}

/* What a non-regular file is, for the detail; a link says where it points. */
static char *describe_other(int rootfd, const disk_item *it)
{
    if (!it->mode)
        return ld_xasprintf("cannot be examined: %s", strerror(it->err));
    if (S_ISLNK(it->mode)) {
        char target[257];
        int fd = -1;
        const char *slash = strrchr(it->path, '/');
        ssize_t n = -1;
        if (slash) {
            ld_autofree char *dir = ld_xstrndup(it->path, (size_t)(slash - it->path));
            fd = open_beneath(rootfd, dir); /* a directory, opened read-only */
            if (fd >= 0)
                n = readlinkat(fd, slash + 1, target, sizeof(target) - 1);
        } else {
            n = readlinkat(rootfd, it->path, target, sizeof(target) - 1);
        }
        if (fd >= 0)
            close(fd);
        if (n >= 0) {
            target[n] = '\0';
            return ld_xasprintf("a symbolic link (to %s%s); a bundle holds only regular files",
                                target, (size_t)n == sizeof(target) - 1 ? "..." : "");
        }
    }
    return ld_xasprintf("%s; a bundle holds only regular files", ld_file_kind(it->mode));
}

/* The nearest unreadable directory above path, or NULL. */
static const disk_item *unreadable_above(const disk_item *items, size_t n, const char *path)
{
    for (size_t i = 0; i < n; i++) {
        if (items[i].kind != ITEM_UNREADABLE_DIR)
            continue;
        size_t k = strlen(items[i].path);
        if (strncmp(items[i].path, path, k) == 0 && path[k] == '/')
            return &items[i];
    }
    return NULL;
}

static void compare(int rootfd, const ld_fx_manifest *m, disk_list *disk, diff_list *diffs,
                    hash_job **jobs_out, size_t *n_jobs_out, size_t *files_checked)
{
    if (disk->n)
        qsort(disk->v, disk->n, sizeof(*disk->v), cmp_item);
    const ld_fx_entry **ents = ld_xcalloc(m->n_entries ? m->n_entries : 1, sizeof(*ents));
    for (size_t i = 0; i < m->n_entries; i++)
        ents[i] = &m->entries[i];
    if (m->n_entries)
        qsort(ents, m->n_entries, sizeof(*ents), cmp_entry_ptr);
    hash_job *jobs = ld_xcalloc(m->n_entries ? m->n_entries : 1, sizeof(*jobs));
    size_t n_jobs = 0;
    size_t checked = 0;

    size_t i = 0, k = 0;
    while (i < disk->n || k < m->n_entries) {
        int c;
        if (i >= disk->n)
            c = 1;
        else if (k >= m->n_entries)
            c = -1;
        else
            c = strcmp(disk->v[i].path, ents[k]->path);
        if (c < 0) { /* on the disk only */
            const disk_item *it = &disk->v[i++];
            if (it->kind == ITEM_FILE) {
                checked++;
                add_diff(diffs, LD_FX_DIFF_ADDED, it->path,
                         ld_xasprintf("%" PRIu64 " bytes, not in the manifest", it->size));
            } else if (it->kind == ITEM_OTHER) {
                add_diff(diffs, LD_FX_DIFF_NOT_REGULAR, it->path, describe_other(rootfd, it));
            } else if (it->kind == ITEM_UNREADABLE_DIR) {
                add_diff(diffs, LD_FX_DIFF_UNREADABLE, it->path,
                         it->err
                             ? ld_xasprintf("directory cannot be read: %s", strerror(it->err))
                             : ld_xasprintf("directories nested deeper than %d", WALK_MAX_DEPTH));
            }
            continue;
        }
        if (c > 0) { /* in the manifest only */
            const ld_fx_entry *e = ents[k++];
            const disk_item *up = unreadable_above(disk->v, disk->n, e->path);
            if (up)
                add_diff(diffs, LD_FX_DIFF_UNREADABLE, e->path,
                         ld_xasprintf("inside %s, which cannot be read", up->path));
            else
                add_diff(diffs, LD_FX_DIFF_MISSING, e->path,
                         ld_xasprintf("listed with %" PRIu64 " bytes, not in the bundle", e->size));
            continue;
        }
        const disk_item *it = &disk->v[i++];
        const ld_fx_entry *e = ents[k++];
        if (it->kind != ITEM_FILE) {
            char *what =
                it->kind == ITEM_OTHER ? describe_other(rootfd, it) : ld_xstrdup("a directory");
            add_diff(
                diffs, LD_FX_DIFF_NOT_REGULAR, e->path,
                ld_xasprintf("%s, the manifest lists a file of %" PRIu64 " bytes", what, e->size));
            free(what);
            continue;
        }
        checked++;
        if (it->size != e->size) {
            add_diff(diffs, LD_FX_DIFF_SIZE, e->path,
                     ld_xasprintf("size %" PRIu64 ", manifest says %" PRIu64, it->size, e->size));
            continue;
        }
        jobs[n_jobs++].entry = e;
    }
    free(ents);
    *jobs_out = jobs;
    *n_jobs_out = n_jobs;
    *files_checked = checked;
}

static void job_diffs(const hash_job *jobs, size_t n, diff_list *diffs, uint64_t *bytes)
{
    for (size_t i = 0; i < n; i++) {
        const hash_job *j = &jobs[i];
        *bytes += j->bytes;
        switch (j->outcome) {
        case HASH_MATCH: break;
        case HASH_DIFFERS:
            add_diff(diffs, LD_FX_DIFF_HASH, j->entry->path,
                     ld_xasprintf("sha256 %s, manifest says %s", j->sha256, j->entry->sha256));
            break;
        case HASH_SIZE_CHANGED:
            add_diff(diffs, LD_FX_DIFF_SIZE, j->entry->path,
                     ld_xasprintf("%" PRIu64 " bytes read, manifest says %" PRIu64
                                  " (changed while it was verified)",
                                  j->bytes, j->entry->size));
            break;
        case HASH_UNREADABLE:
            add_diff(diffs, LD_FX_DIFF_UNREADABLE, j->entry->path,
                     ld_xasprintf("cannot be read: %s", strerror(j->err)));
            break;
        }
    }
}

/* ---- the signature ---- */

/* Reads manifest.json.sig: 1 with *sig (decoded), 0 when absent, < 0 with
 * *why when present but unusable. */
static int read_signature(int rootfd, uint8_t **sig, size_t *sig_len, char **why)
{
    int fd =
        openat(rootfd, LD_FX_SIGNATURE, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT)
            return 0;
        *why = errno == ELOOP
                   ? ld_xstrdup(LD_FX_SIGNATURE " is a symbolic link")
                   : ld_xasprintf(LD_FX_SIGNATURE " cannot be opened: %s", strerror(errno));
        return -1;
    }
    struct stat st;
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
        *why = ld_xasprintf(LD_FX_SIGNATURE " is not a regular file");
        close(fd);
        return -1;
    }
    ld_error rerr = LD_ERROR_INIT;
    ld_autofree char *text = NULL;
    size_t len = 0;
    int rc = ld_input_read_fd(fd, LD_FX_SIGNATURE, "signature", SIG_MAX_BYTES, &text, &len, &rerr);
    close(fd);
    if (rc < 0) {
        *why = ld_xstrdup(rerr.msg);
        return -1;
    }
    if (!ld_trust_b64_decode_std(text, len, sig, sig_len) || *sig_len == 0) {
        free(*sig);
        *sig = NULL;
        *why = ld_xstrdup(LD_FX_SIGNATURE " is not base64 of a signature");
        return -1;
    }
    return 1;
}

static void check_signature(int rootfd, const ld_fx_manifest *m, const ld_key *key,
                            ld_fx_verify_result *res)
{
    uint8_t *sig = NULL;
    size_t sig_len = 0;
    char *why = NULL;
    int present = read_signature(rootfd, &sig, &sig_len, &why);
    if (!key) {
        if (present == 0 && !m->signing_key) {
            res->signature = LD_FX_SIG_UNSIGNED;
        } else if (present == 0) {
            res->signature = LD_FX_SIG_MISSING;
            res->signature_detail = ld_xasprintf(
                "the manifest names signing key %s but " LD_FX_SIGNATURE " is not in the bundle",
                m->signing_key);
        } else {
            res->signature = LD_FX_SIG_NOT_CHECKED;
            res->signature_detail =
                m->signing_key
                    ? ld_xasprintf("signed by %s; not checked: no key given (--key)",
                                   m->signing_key)
                    : ld_xstrdup("a signature is present but the manifest names no signing key; "
                                 "not checked: no key given (--key)");
        }
        goto done;
    }
    const char *fp = ld_key_fingerprint(key);
    if (present == 0) {
        res->signature = LD_FX_SIG_MISSING;
        res->signature_detail = ld_xasprintf("no " LD_FX_SIGNATURE " in the bundle; key %s", fp);
        goto done;
    }
    if (present < 0) {
        res->signature = LD_FX_SIG_INVALID;
        res->signature_detail = ld_steal_ptr(&why);
        goto done;
    }
    if (!m->signing_key) {
        res->signature = LD_FX_SIG_INVALID;
        res->signature_detail =
            ld_xasprintf("the manifest names no signing key; key given is %s", fp);
        goto done;
    }
    if (strcmp(m->signing_key, fp) != 0) {
        res->signature = LD_FX_SIG_INVALID;
        res->signature_detail =
            ld_xasprintf("the manifest was signed by %s, the key given is %s", m->signing_key, fp);
        goto done;
    }
    ld_error verr = LD_ERROR_INIT;
    if (ld_key_verify(key, m->raw, m->raw_len, sig, sig_len, &verr) == 0) {
        res->signature = LD_FX_SIG_VALID;
        res->signature_detail = ld_xstrdup(fp);
    } else {
        res->signature = LD_FX_SIG_INVALID;
        res->signature_detail =
            verr.code == LD_ERR_CORRUPT
                ? ld_xasprintf("the signature does not verify over " LD_FX_MANIFEST " with %s", fp)
                : ld_xasprintf("the signature could not be checked: %s", verr.msg);
    }
done:
    free(sig);
    free(why);
}

int ld_fx_verify(const char *bundle_dir, const ld_fx_verify_options *o, ld_fx_verify_result *res,
                 ld_error *err)
{
    memset(res, 0, sizeof(*res));
    ld_autoclose int rootfd = open(bundle_dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (rootfd < 0)
        return ld_error_set_errno(err, errno == ENOENT ? LD_ERR_NOT_FOUND : LD_ERR_GENERIC, errno,
                                  "cannot open bundle %s", bundle_dir);
    ld_fx_manifest m;
    int rc = ld_fx_manifest_read(rootfd, &m, err);
    if (rc < 0)
        return ld_error_wrap(err, "bundle %s", bundle_dir);

    disk_list disk = {0};
    int top = openat(rootfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (top < 0) {
        rc = ld_error_set_errno(err, LD_ERR_GENERIC, errno, "cannot read bundle %s", bundle_dir);
        ld_fx_manifest_clear(&m);
        return rc;
    }
    rc = walk(top, "", 0, &disk, bundle_dir, err);
    if (rc < 0) {
        disk_clear(&disk);
        ld_fx_manifest_clear(&m);
        return rc;
    }

    diff_list diffs = {0};
    hash_job *jobs = NULL;
    size_t n_jobs = 0;
    compare(rootfd, &m, &disk, &diffs, &jobs, &n_jobs, &res->files_checked);
    hash_pool pool = {.rootfd = rootfd, .jobs = jobs, .n_jobs = n_jobs};
    atomic_init(&pool.next, 0);
    if (n_jobs)
        run_pool(&pool, thread_count(o ? o->threads : 0, n_jobs));
    job_diffs(jobs, n_jobs, &diffs, &res->bytes_hashed);
    free(jobs);
    disk_clear(&disk);

    check_signature(rootfd, &m, o ? o->key : NULL, res);
    ld_fx_manifest_clear(&m);

    if (diffs.n)
        qsort(diffs.v, diffs.n, sizeof(*diffs.v), cmp_diff);
    res->diffs = diffs.v;
    res->n_diffs = diffs.n;
    return 0;
}

bool ld_fx_verify_ok(const ld_fx_verify_result *res, bool require_signature)
{
    if (res->n_diffs)
        return false;
    switch (res->signature) {
    case LD_FX_SIG_VALID: return true;
    case LD_FX_SIG_UNSIGNED:
    case LD_FX_SIG_NOT_CHECKED: return !require_signature;
    case LD_FX_SIG_INVALID:
    case LD_FX_SIG_MISSING: break;
    }
    return false;
}

void ld_fx_verify_result_clear(ld_fx_verify_result *res)
{
    if (!res)
        return;
    for (size_t i = 0; i < res->n_diffs; i++) {
        free(res->diffs[i].path);
        free(res->diffs[i].detail);
    }
    free(res->diffs);
    free(res->signature_detail);
    memset(res, 0, sizeof(*res));
}
