/* dir:DIR — a root file system directory read in place as a single-layer
 * image (layer -1). Lists directories with getdents64 on directory fds
 * opened with openat(O_NOFOLLOW|O_DIRECTORY) from their parent's fd, so a
 * symlink is recorded as a link and never followed (not even out of the
 * root). Entry types come from getdents (fstatat only when the file system
 * does not give one); a regular file is opened only when an analyzer may
 * want its path, and its content is read, bounded by the analyzer's cap,
 * from that fd after fstat says it is still a regular file. Device nodes
 * and FIFOs are listed, never opened. Metadata of the entries nobody read
 * is filled in on first use (dir_pending.h). Directories are read by up to
 * opt->threads workers (at most WALK_THREADS_MAX) sharing a stack of
 * directories to list. The entry list and the paths live in a few large
 * blocks that ask for transparent huge pages: on virtual machines the first
 * touch of each 4 KiB page is a costly fault, and a root file system has
 * thousands of entries. What the walk cannot see (a directory it cannot
 * open or list, one nested deeper than MAX_DEPTH, a path over
 * LD_IMG_MAX_PATH, a file it cannot open, one over an analyzer's cap) is a
 * gap as well as a note, so that no consumer mistakes it for absence.
 * After the walk, the links analyzers want are resolved under the root
 * (links.c) with the same O_NOFOLLOW walk, never out to the host, and the
 * files they lead to are read under the links' paths. Not for image
 * archives (the layer readers). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "image/dir_pending.h"
#include "image/image_internal.h"
#include "util/cleanup.h"
#include "util/mem.h"

#define MAX_DEPTH 256
/* a path in a gap's text: its first 200 bytes ("%.200s%s") */
#define SHORT(p) (p), strlen(p) > 200 ? "..." : ""
#define MAX_NOTES 1000
#define WALK_THREADS_MAX 4
#define DENTS_BYTES 32768
/* Entries a worker holds before adding them to the shared list. */
#define BATCH_MAX 512
/* Size and alignment of the big blocks: one transparent huge page. */
#define BIG_BLOCK ((size_t)2 << 20)
/* First capacity of the shared list: one big block. */
#define FILES_FIRST_CAP (BIG_BLOCK / sizeof(ld_file_entry))
/* Path memory a worker takes from the shared block at a time. */
#define PATH_LEASE ((size_t)64 << 10)

struct ld_dir_state {
    int root_fd;      /* kept open while metadata is pending; -1 after */
    size_t n_pending; /* entries whose metadata is pending */
    char **blocks;    /* the paths, packed (BIG_BLOCK each) */
    size_t n_blocks, cap_blocks;
    size_t block_used; /* bytes of the last block handed out */
};

/* size bytes (a multiple of BIG_BLOCK) aligned to BIG_BLOCK, advised to be
 * backed by huge pages; untouched pages cost nothing. Freed with free(). */
static void *alloc_big(size_t size)
{
    void *p = NULL;
    if (posix_memalign(&p, BIG_BLOCK, size) != 0)
        return ld_xmalloc(size);
    (void)madvise(p, size, MADV_HUGEPAGE); /* advice: without it, ordinary pages */
    return p;
}

/* An open directory whose subdirectories may still wait on the stack;
 * closed when the last of them has been opened. */
typedef struct {
    int fd;
    bool owned;  /* false for the root: its fd outlives the walk */
    size_t refs; /* under walker.lock */
} dir_handle;

typedef struct {
    dir_handle *parent; /* NULL for the root */
    const char *path;   /* image path ("/" for the root), borrowed from its entry */
    size_t prefix;      /* length of path as its children's prefix (0 for the root) */
    int depth;
} dir_job;

typedef struct {
    const ld_img_opts *opt;
    const ld_analyzer *an;
    size_t n_an;
    int root_fd;
    pthread_mutex_t lock;
    pthread_cond_t wake;
    dir_job *jobs; /* a stack: depth first, so few directories stay open */
    size_t n_jobs, cap_jobs;
    size_t busy;        /* workers listing a directory */
    bool stop;          /* a worker failed (read with __atomic loads) */
    uint64_t n_entries; /* __atomic */
    size_t n_notes;     /* __atomic */
    /* every entry, a worker's batch at a time (under lock): written once,
     * never copied into a merged list */
    ld_file_entry *files;
    size_t n_files, cap_files;
    ld_dir_state *st; /* the path blocks (under lock), the pending count */
} walker;

typedef struct {
    walker *w;
    ld_file_entry *batch; /* this worker's entries not yet in w->files */
    size_t n_batch;
    char *lease; /* path memory taken from w->st, lease_left bytes free */
    size_t lease_left;
    ld_strlist notes;
    ld_gap_list gaps;
    uint8_t *buf; /* file content, reused */
    size_t buf_cap;
    bool *want;
    ld_file_reader_cache cache; /* of the file being looked at */
    char *dents;
    ld_error err;
    int rc;
} worker;

static void note(worker *k, char *msg)
{
    if (__atomic_fetch_add(&k->w->n_notes, 1, __ATOMIC_RELAXED) < MAX_NOTES)
        ld_strlist_push_owned(&k->notes, msg);
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

/* The type getdents reports; false when it does not know (DT_UNKNOWN). */
static bool type_of_dirent(unsigned char d_type, ld_file_type *t)
{
    switch (d_type) {
    case DT_REG: *t = LD_FILE_REGULAR; return true;
    case DT_DIR: *t = LD_FILE_DIR; return true;
    case DT_LNK: *t = LD_FILE_SYMLINK; return true;
    case DT_CHR: *t = LD_FILE_CHAR; return true;
    case DT_BLK: *t = LD_FILE_BLOCK; return true;
    case DT_FIFO: *t = LD_FILE_FIFO; return true;
    case DT_SOCK: *t = LD_FILE_SOCKET; return true;
    default: return false;
    }
}

static void set_metadata(ld_file_entry *e, const struct stat *st)
{
    e->type = type_of(st->st_mode);
    e->mode = st->st_mode & 07777;
    e->uid = st->st_uid;
    e->gid = st->st_gid;
    e->size = e->type == LD_FILE_REGULAR || e->type == LD_FILE_SYMLINK ? (uint64_t)st->st_size : 0;
}

/* Reads the target of the symlink name in dfd into e->link (left NULL when
 * it cannot be read). */
static void read_link(ld_file_entry *e, int dfd, const char *name)
{
    char target[LD_IMG_MAX_PATH + 1];
    ssize_t n = readlinkat(dfd, name, target, sizeof(target) - 1);
    if (n >= 0) {
        target[n] = '\0';
        e->link = ld_xstrdup(target);
    }
}

/* A gap about path: for the index (analyzer NULL) or for the analyzers
 * marked in k->want. */
static void gap(worker *k, ld_gap_kind kind, const char *path, bool subtree, bool per_analyzer,
                const char *fmt, ...) __attribute__((format(printf, 6, 7)));
static void gap(worker *k, ld_gap_kind kind, const char *path, bool subtree, bool per_analyzer,
                const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *text = ld_xvasprintf(fmt, ap);
    va_end(ap);
    if (!per_analyzer) {
        ld_gap_add(&k->gaps, kind, path, -1, NULL, subtree, text);
        return;
    }
    const walker *w = k->w;
    for (size_t i = 0; i < w->n_an; i++)
        if (k->want[i])
            ld_gap_add(&k->gaps, kind, path, -1, w->an[i].name ? w->an[i].name : "?", subtree,
                       ld_xstrdup(text));
    free(text);
}

/* Might any analyzer want a regular file at path? Asked before the file is
 * stat'ed, with a size of one byte: analyzers bound sizes from above (and
 * may skip empty files), so one that refuses a one-byte file refuses every
 * size. The real size is asked again once the file is open. */
static bool anyone_may_want(const walker *w, const char *path)
{
    for (size_t i = 0; i < w->n_an; i++)
        if (w->an[i].wants && w->an[i].file && w->an[i].wants(path, 1, w->an[i].ctx))
            return true;
    return false;
}

/* Which analyzers want path at size (noting the ones it is too big for);
 * false when none does. */
static bool choose_analyzers(worker *k, const char *path, uint64_t size)
{
    const walker *w = k->w;
    bool any = false;
    for (size_t i = 0; i < w->n_an; i++) {
        const ld_analyzer *an = &w->an[i];
        k->want[i] = an->wants && an->file && an->wants(path, size, an->ctx);
        if (!k->want[i])
            continue;
        uint64_t cap = an->max_bytes ? an->max_bytes : w->opt->max_file_bytes;
        if (cap > w->opt->max_file_bytes)
            cap = w->opt->max_file_bytes;
        if (size > cap) {
            char *msg = ld_xasprintf("%s is %llu bytes, over the %llu-byte limit for analyzer %s",
                                     path, (unsigned long long)size, (unsigned long long)cap,
                                     an->name ? an->name : "?");
            note(k, ld_xasprintf("%s; not analysed", msg));
            ld_gap_add(&k->gaps, LD_GAP_SIZE, path, -1, an->name ? an->name : "?", false, msg);
            k->want[i] = false;
            continue;
        }
        any = true;
    }
    return any;
}

/* Lets the chosen analyzers that can tell from a few bytes read at chosen
 * offsets (an ELF file's section tables) that a file holds nothing for them
 * decline it before it is read whole. False when none is left. */
static bool content_needed(worker *k, int fd, const ld_file_entry *e)
{
    const walker *w = k->w;
    ld_file_reader r = ld_file_reader_fd_cached(fd, e->size, &k->cache);
    bool any = false;
    for (size_t i = 0; i < w->n_an; i++) {
        const ld_analyzer *an = &w->an[i];
        if (k->want[i] && an->needs_content && !an->needs_content(e->path, &r, an->ctx))
            k->want[i] = false;
        any |= k->want[i];
    }
    return any;
}

/* The regular file name in dfd (entry e) that an analyzer may want: opens
 * it, takes its metadata from the open fd, and feeds its content to the
 * analyzers that want it. Returns < 0 only when an analyzer fails. */
static int analyze(worker *k, int dfd, const char *name, ld_file_entry *e)
{
    ld_autoclose int fd =
        openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
    int open_errno = fd < 0 ? errno : 0;
    struct stat st;
    if (fd < 0 || fstat(fd, &st) < 0) {
        if (!open_errno)
            open_errno = errno;
        /* say so only if an analyzer would have read it */
        if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0) {
            set_metadata(e, &st);
            if (e->type == LD_FILE_SYMLINK)
                read_link(e, dfd, name);
            if (e->type != LD_FILE_REGULAR || !choose_analyzers(k, e->path, e->size))
                return 0;
        } else {
            const walker *w = k->w; /* by its path alone, as anyone_may_want */
            for (size_t i = 0; i < w->n_an; i++)
                k->want[i] =
                    w->an[i].wants && w->an[i].file && w->an[i].wants(e->path, 1, w->an[i].ctx);
        }
        char *msg = ld_xasprintf("%s changed or could not be opened while reading (%s)", e->path,
                                 strerror(open_errno));
        gap(k, ld_gap_kind_of_errno(open_errno), e->path, false, true, "%s", msg);
        note(k, ld_xasprintf("%s; not analysed", msg));
        free(msg);
        return 0;
    }
    set_metadata(e, &st);
    if (e->type != LD_FILE_REGULAR) {
        /* replaced since it was listed: the fd is not followed further */
        if (e->type == LD_FILE_SYMLINK)
            read_link(e, dfd, name);
        note(k, ld_xasprintf("%s changed or could not be opened while reading; not analysed",
                             e->path));
        return 0;
    }
    uint64_t size = e->size;
    if (!choose_analyzers(k, e->path, size) || !content_needed(k, fd, e))
        return 0;
    if (size + 1 > k->buf_cap) {
        /* grown, not replaced: a big buffer is its own mapping, which
         * realloc extends (mremap) without touching its pages again */
        size_t cap = k->buf_cap * 2 > size + 1 ? k->buf_cap * 2 : size + 1;
        k->buf = ld_xrealloc(k->buf, cap);
        k->buf_cap = cap;
    }
    size_t got = 0;
    while (got < size) {
        ssize_t n = read(fd, k->buf + got, size - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        got += (size_t)n;
    }
    k->buf[got] = '\0';
    if (got < size) {
        /* the rest is not seen: what was read is still searched */
        char *msg = ld_xasprintf("%s changed while reading (%zu of %llu bytes read)", e->path, got,
                                 (unsigned long long)size);
        gap(k, LD_GAP_READ, e->path, false, true, "%s", msg);
        note(k, msg);
    }
    const walker *w = k->w;
    for (size_t i = 0; i < w->n_an; i++) {
        if (!k->want[i])
            continue;
        if (w->an[i].file(e->path, -1, k->buf, got, w->an[i].ctx, &k->err) < 0) {
            if (k->err.code == LD_OK)
                ld_error_set(&k->err, LD_ERR_GENERIC, "analyzer %s failed on %s",
                             w->an[i].name ? w->an[i].name : "?", e->path);
            return k->err.code;
        }
    }
    return 0;
}

static void push_job(walker *w, dir_job job)
{
    pthread_mutex_lock(&w->lock);
    if (job.parent)
        job.parent->refs++;
    ld_xgrow(&w->jobs, &w->cap_jobs, w->n_jobs + 1, sizeof(*w->jobs));
    w->jobs[w->n_jobs++] = job;
    pthread_cond_signal(&w->wake);
    pthread_mutex_unlock(&w->lock);
}

static void release(walker *w, dir_handle *h)
{
    if (!h)
        return;
    pthread_mutex_lock(&w->lock);
    bool last = --h->refs == 0;
    pthread_mutex_unlock(&w->lock);
    if (last) {
        if (h->owned)
            close(h->fd);
        free(h);
    }
}

static const char *base_of(const char *path)
{
    return strrchr(path, '/') + 1;
}

/* Moves the worker's batch to the shared list. */
static void flush_batch(worker *k)
{
    walker *w = k->w;
    if (!k->n_batch)
        return;
    size_t pending = 0;
    for (size_t i = 0; i < k->n_batch; i++)
        pending += k->batch[i].mode == LD_DIR_MODE_PENDING;
    pthread_mutex_lock(&w->lock);
    if (w->n_files + k->n_batch > w->cap_files) {
        size_t cap = w->cap_files * 2;
        while (cap < w->n_files + k->n_batch)
            cap *= 2;
        /* realloc, not ld_xgrow: a list this big is its own mapping, which
         * grows without copying (mremap) */
        w->files = ld_xrealloc(w->files, cap * sizeof(*w->files));
        w->cap_files = cap;
    }
    memcpy(w->files + w->n_files, k->batch, k->n_batch * sizeof(*k->batch));
    w->n_files += k->n_batch;
    w->st->n_pending += pending;
    pthread_mutex_unlock(&w->lock);
    k->n_batch = 0;
}

/* Memory for a path of len bytes (with its NUL), packed into the state's
 * blocks: a worker leases PATH_LEASE bytes at a time under the lock. */
static char *path_memory(worker *k, size_t len)
{
    if (len > k->lease_left) {
        ld_dir_state *st = k->w->st;
        pthread_mutex_lock(&k->w->lock);
        if (!st->n_blocks || st->block_used + PATH_LEASE > BIG_BLOCK) {
            ld_xgrow(&st->blocks, &st->cap_blocks, st->n_blocks + 1, sizeof(*st->blocks));
            st->blocks[st->n_blocks++] = alloc_big(BIG_BLOCK);
            st->block_used = 0;
        }
        k->lease = st->blocks[st->n_blocks - 1] + st->block_used;
        k->lease_left = PATH_LEASE;
        st->block_used += PATH_LEASE;
        pthread_mutex_unlock(&k->w->lock);
    }
    char *p = k->lease;
    k->lease += len;
    k->lease_left -= len;
    return p;
}

/* One directory entry: appends it to k->batch, reads it if an analyzer may
 * want it, queues it if it is a directory. Returns < 0 on a fatal error
 * (k->err set). */
static int add_entry(worker *k, dir_handle *dir, const dir_job *job, const char *name,
                     unsigned char d_type)
{
    walker *w = k->w;
    size_t plen = job->prefix;
    size_t nlen = strlen(name);
    if (plen + 1 + nlen > LD_IMG_MAX_PATH) {
        ld_autofree char *full = ld_xasprintf("%.*s/%s", (int)plen, job->path, name);
        gap(k, LD_GAP_DEPTH, full, d_type == DT_DIR || d_type == DT_UNKNOWN, false,
            "%.200s...: path longer than %d bytes; not read", full, LD_IMG_MAX_PATH);
        note(k, ld_xasprintf("%.200s...: path too long; skipped", full));
        return 0;
    }
    if (__atomic_fetch_add(&w->n_entries, 1, __ATOMIC_RELAXED) >= w->opt->max_entries)
        return ld_error_set(&k->err, LD_ERR_LIMIT, "more than %llu files",
                            (unsigned long long)w->opt->max_entries);
    char *path = path_memory(k, plen + nlen + 2); /* LD_IMG_MAX_PATH < PATH_LEASE */
    memcpy(path, job->path, plen);
    path[plen] = '/';
    memcpy(path + plen + 1, name, nlen + 1);

    if (k->n_batch == BATCH_MAX)
        flush_batch(k);
    ld_file_entry *e = &k->batch[k->n_batch];
    memset(e, 0, sizeof(*e));
    e->path = path;
    e->layer = -1;
    if (type_of_dirent(d_type, &e->type)) {
        e->mode = LD_DIR_MODE_PENDING;
    } else {
        struct stat st;
        if (fstatat(dir->fd, name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
            int e_no = errno;
            gap(k, ld_gap_kind_of_errno(e_no), path, true, false, "%.200s%s: %s; not read",
                SHORT(path), strerror(e_no));
            note(k, ld_xasprintf("%s: %s", path, strerror(e_no)));
            return 0; /* its path memory stays unused */
        }
        set_metadata(e, &st);
        if (e->type == LD_FILE_SYMLINK)
            read_link(e, dir->fd, name);
    }
    k->n_batch++;
    if (e->type == LD_FILE_REGULAR && w->n_an && anyone_may_want(w, path))
        return analyze(k, dir->fd, name, e);
    if (e->type == LD_FILE_DIR) {
        if (job->depth >= MAX_DEPTH) {
            gap(k, LD_GAP_DEPTH, path, true, false,
                "%.200s%s: nested deeper than %d directories; not walked", SHORT(path), MAX_DEPTH);
            note(k, ld_xasprintf("%s: nested deeper than %d directories; not walked", path,
                                 MAX_DEPTH));
            return 0;
        }
        /* path stays valid: the entry moves to w->files, the string does not */
        push_job(w, (dir_job){dir, path, plen + 1 + nlen, job->depth + 1});
    }
    return 0;
}

/* Lists one directory. Returns < 0 on a fatal error (k->err set). */
static int list_dir(worker *k, const dir_job *job)
{
    walker *w = k->w;
    int fd = w->root_fd;
    if (job->parent) {
        fd = openat(job->parent->fd, base_of(job->path),
                    O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        int saved = errno;
        release(w, job->parent);
        if (fd < 0) {
            gap(k, ld_gap_kind_of_errno(saved), job->path, true, false,
                "%.200s%s: cannot open: %s; not walked", SHORT(job->path), strerror(saved));
            note(k, ld_xasprintf("%s: cannot open: %s", job->path, strerror(saved)));
            return 0;
        }
    }
    dir_handle *h = ld_xmalloc(sizeof(*h));
    *h = (dir_handle){.fd = fd, .owned = job->parent != NULL, .refs = 1};
    int rc = 0;
    for (;;) {
        ssize_t got = getdents64(fd, k->dents, DENTS_BYTES);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0) {
            int e_no = errno;
            gap(k, ld_gap_kind_of_errno(e_no), job->path, true, false,
                "%.200s%s: cannot list: %s; not walked", SHORT(job->path), strerror(e_no));
            note(k, ld_xasprintf("%s: cannot list: %s", job->path, strerror(e_no)));
            break;
        }
        if (got == 0)
            break;
        for (ssize_t off = 0; off < got && rc == 0;) {
            /* the buffer comes from malloc and the kernel pads every record to
             * 8 bytes, so each record is aligned */
            const struct dirent64 *de = (const struct dirent64 *)(const void *)(k->dents + off);
            if (de->d_reclen == 0)
                break;
            off += de->d_reclen;
            const char *name = de->d_name;
            if (name[0] == '.' && (!name[1] || (name[1] == '.' && !name[2])))
                continue;
            rc = add_entry(k, h, job, name, de->d_type);
        }
        if (rc < 0 || __atomic_load_n(&w->stop, __ATOMIC_RELAXED))
            break;
    }
    flush_batch(k);
    release(w, h);
    return rc;
}

static void *work(void *arg)
{
    worker *k = arg;
    walker *w = k->w;
    for (;;) {
        pthread_mutex_lock(&w->lock);
        while (!w->n_jobs && w->busy && !w->stop)
            pthread_cond_wait(&w->wake, &w->lock);
        if (w->stop || !w->n_jobs) {
            pthread_cond_broadcast(&w->wake);
            pthread_mutex_unlock(&w->lock);
            return NULL;
        }
        dir_job job = w->jobs[--w->n_jobs];
        w->busy++;
        pthread_mutex_unlock(&w->lock);
        int rc = list_dir(k, &job);
        pthread_mutex_lock(&w->lock);
        w->busy--;
        if (rc < 0) {
            k->rc = rc;
            __atomic_store_n(&w->stop, true, __ATOMIC_RELAXED);
        }
        if (w->stop || (!w->n_jobs && !w->busy))
            pthread_cond_broadcast(&w->wake);
        pthread_mutex_unlock(&w->lock);
    }
}

/* The links of v[0..n); the paths belong to the state's blocks. */
static void free_links(ld_file_entry *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i].link);
}

static void worker_clear(worker *k)
{
    free_links(k->batch, k->n_batch);
    free(k->batch);
    ld_strlist_clear(&k->notes);
    ld_gap_list_clear(&k->gaps);
    free(k->buf);
    free(k->want);
    free(k->dents);
}

static int follow_links(ld_image *img, int root_fd, const ld_file_entry *files, size_t n,
                        const ld_img_opts *opt, const ld_analyzer *an, size_t n_an, ld_error *err);

static int cmp_entry(const void *a, const void *b)
{
    return strcmp(((const ld_file_entry *)a)->path, ((const ld_file_entry *)b)->path);
}

static int cmp_note(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

ld_image *ld_img_read_dir(const char *path, const ld_img_opts *opt, const ld_analyzer *an,
                          size_t n_an, ld_error *err)
{
    int root_fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (root_fd < 0) {
        ld_error_set_errno(err, errno == ENOENT ? LD_ERR_NOT_FOUND : LD_ERR_GENERIC, errno,
                           "cannot open directory %s", path);
        return NULL;
    }
    ld_dir_state *st = ld_xcalloc(1, sizeof(*st));
    st->root_fd = root_fd;
    walker w = {.opt = opt, .an = an, .n_an = n_an, .root_fd = root_fd, .st = st};
    w.files = alloc_big(BIG_BLOCK);
    w.cap_files = FILES_FIRST_CAP;
    pthread_mutex_init(&w.lock, NULL);
    pthread_cond_init(&w.wake, NULL);
    push_job(&w, (dir_job){NULL, "/", 0, 0});

    size_t nt = opt->threads > 1 ? (size_t)opt->threads : 1;
    if (nt > WALK_THREADS_MAX)
        nt = WALK_THREADS_MAX;
    worker *ks = ld_xcalloc(nt, sizeof(*ks));
    for (size_t t = 0; t < nt; t++) {
        ks[t].w = &w;
        ks[t].want = ld_xcalloc(n_an + 1, sizeof(bool));
        ks[t].dents = ld_xmalloc(DENTS_BYTES);
        ks[t].batch = ld_xmalloc(BATCH_MAX * sizeof(*ks[t].batch));
        ks[t].err = (ld_error)LD_ERROR_INIT;
    }
    pthread_t *tids = ld_xcalloc(nt, sizeof(*tids));
    size_t started = 0;
    for (size_t t = 1; t < nt; t++) {
        if (pthread_create(&tids[t], NULL, work, &ks[t]) != 0)
            break; /* fewer workers; the calling thread alone is enough */
        started++;
    }
    work(&ks[0]);
    for (size_t t = 1; t <= started; t++)
        pthread_join(tids[t], NULL);
    free(tids);

    /* jobs left behind by a failure still hold their parents open */
    for (size_t i = 0; i < w.n_jobs; i++)
        release(&w, w.jobs[i].parent);
    free(w.jobs);
    pthread_cond_destroy(&w.wake);
    pthread_mutex_destroy(&w.lock);

    int rc = 0;
    size_t n_notes = 0;
    for (size_t t = 0; t < nt; t++) {
        if (ks[t].rc < 0 && rc == 0) {
            rc = ks[t].rc;
            *err = ks[t].err;
        }
        n_notes += ks[t].notes.n;
    }
    if (rc < 0) {
        ld_error_wrap(err, "dir:%s", path);
        for (size_t t = 0; t < nt; t++)
            worker_clear(&ks[t]);
        free(ks);
        free_links(w.files, w.n_files);
        free(w.files);
        ld_img_dir_state_free(st, NULL, 0);
        return NULL;
    }
    ld_file_entry *files = w.files;
    size_t n = w.n_files;
    ld_strlist notes = {0};
    notes.v = ld_xcalloc(n_notes ? n_notes : 1, sizeof(*notes.v));
    notes.cap = n_notes ? n_notes : 1;
    ld_gap_list gaps = {0};
    for (size_t t = 0; t < nt; t++) {
        worker *k = &ks[t];
        for (size_t i = 0; i < k->notes.n; i++)
            notes.v[notes.n++] = k->notes.v[i];
        k->notes.n = 0;
        ld_gap_list_move(&gaps, &k->gaps);
        worker_clear(k);
    }
    free(ks);
    /* workers interleave: sort so the order does not depend on timing */
    qsort(files, n, sizeof(*files), cmp_entry);
    if (notes.n > 1)
        qsort(notes.v, notes.n, sizeof(*notes.v), cmp_note);
    ld_image *img = ld_img_new_dir(path, files, n, &notes);
    ld_strlist_clear(&notes);
    ld_img_take_gaps(img, &gaps);
    rc = follow_links(img, st->root_fd, files, n, opt, an, n_an, err);
    if (!st->n_pending) {
        close(st->root_fd);
        st->root_fd = -1;
    }
    ld_img_dir_attach(img, st);
    if (rc < 0) {
        ld_error_wrap(err, "dir:%s", path);
        ld_image_free(img);
        return NULL;
    }
    return img;
}

/* ---- the state a dir: image keeps ----------------------------------------- */

bool ld_img_dir_pending(const ld_dir_state *d)
{
    return d->n_pending > 0;
}

void ld_img_dir_state_free(ld_dir_state *d, ld_file_entry *files, size_t n)
{
    if (!d)
        return;
    for (size_t i = 0; i < n; i++)
        files[i].path = NULL;
    for (size_t i = 0; i < d->n_blocks; i++)
        free(d->blocks[i]);
    free(d->blocks);
    if (d->root_fd >= 0)
        close(d->root_fd);
    free(d);
}

/* Open directories along one path: level i is the directory whose image
 * path is cur[0..v[i].len) (level 0, length 0, is the root). */
typedef struct {
    struct {
        int fd;
        size_t len;
    } * v;
    size_t n, cap;
    char cur[LD_IMG_MAX_PATH + 2];
} dir_stack;

/* An fd (O_PATH) for the directory whose image path is parent[0..plen), or
 * -1 with errno set. Reuses the open directories that are its ancestors. */
static int open_parent(dir_stack *s, const char *parent, size_t plen)
{
    while (s->n > 1) {
        size_t l = s->v[s->n - 1].len;
        if (l <= plen && memcmp(s->cur, parent, l) == 0 && (l == plen || parent[l] == '/'))
            break;
        close(s->v[--s->n].fd);
    }
    size_t at = s->v[s->n - 1].len;
    while (at < plen) {
        /* parent[at] is '/': the next component runs to the next '/' */
        const char *comp = parent + at + 1;
        const char *slash = memchr(comp, '/', plen - at - 1);
        size_t end = slash ? (size_t)(slash - parent) : plen;
        char name[LD_IMG_MAX_PATH + 1];
        memcpy(name, comp, end - at - 1);
        name[end - at - 1] = '\0';
        int fd = openat(s->v[s->n - 1].fd, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0)
            return -1;
        ld_xgrow(&s->v, &s->cap, s->n + 1, sizeof(*s->v));
        memcpy(s->cur + at, parent + at, end - at);
        s->v[s->n].fd = fd;
        s->v[s->n].len = end;
        s->n++;
        at = end;
    }
    return s->v[s->n - 1].fd;
}

size_t ld_img_dir_complete(ld_dir_state *d, ld_file_entry *files, size_t n, ld_strlist *notes,
                           ld_gap_list *gaps)
{
    dir_stack *s = ld_xcalloc(1, sizeof(*s));
    ld_xgrow(&s->v, &s->cap, 1, sizeof(*s->v));
    s->v[0].fd = d->root_fd;
    s->v[0].len = 0;
    s->n = 1;
    size_t kept = 0;
    for (size_t i = 0; i < n; i++) {
        ld_file_entry e = files[i];
        if (e.mode == LD_DIR_MODE_PENDING) {
            const char *base = strrchr(e.path, '/');
            int dfd = open_parent(s, e.path, (size_t)(base - e.path));
            struct stat st;
            if (dfd < 0 || fstatat(dfd, base + 1, &st, AT_SYMLINK_NOFOLLOW) < 0) {
                int e_no = errno;
                if (notes->n < MAX_NOTES)
                    ld_strlist_push_owned(notes, ld_xasprintf("%s: %s", e.path, strerror(e_no)));
                /* dropped from the index: what it was (perhaps a directory) is unknown */
                ld_gap_add(gaps, ld_gap_kind_of_errno(e_no), e.path, -1, NULL,
                           e.type == LD_FILE_DIR,
                           ld_xasprintf("%s: %s; not read", e.path, strerror(e_no)));
                free(e.link); /* the path stays in d's blocks */
                continue;
            }
            set_metadata(&e, &st);
            if (e.type == LD_FILE_SYMLINK && !e.link)
                read_link(&e, dfd, base + 1);
        }
        files[kept++] = e;
    }
    while (s->n > 1)
        close(s->v[--s->n].fd);
    free(s->v);
    free(s);
    close(d->root_fd);
    d->root_fd = -1;
    d->n_pending = 0;
    return kept;
}

/* ---- links, followed under the root --------------------------------------- */

typedef struct {
    dir_stack *s;
    char link[LD_IMG_MAX_PATH + 1];
} dir_lookup_ctx;

static dir_stack *stack_new(int root_fd)
{
    dir_stack *s = ld_xcalloc(1, sizeof(*s));
    ld_xgrow(&s->v, &s->cap, 1, sizeof(*s->v));
    s->v[0].fd = root_fd;
    s->v[0].len = 0;
    s->n = 1;
    return s;
}

static void stack_free(dir_stack *s)
{
    while (s->n > 1)
        close(s->v[--s->n].fd);
    free(s->v);
    free(s);
}

/* ld_link_lookup_fn under the root: the parent opened one component at a
 * time with O_NOFOLLOW (open_parent), the name looked at with
 * AT_SYMLINK_NOFOLLOW; nothing outside the root is ever reached. */
static void dir_lookup(void *ctx, const char *path, ld_link_node *nd)
{
    dir_lookup_ctx *c = ctx;
    const char *base = strrchr(path, '/');
    int dfd = open_parent(c->s, path, (size_t)(base - path));
    struct stat st;
    if (dfd < 0 || fstatat(dfd, base + 1, &st, AT_SYMLINK_NOFOLLOW) < 0) {
        if (errno == ENOENT || errno == ENOTDIR) {
            nd->kind = LD_NODE_MISSING;
        } else {
            nd->kind = LD_NODE_ERROR;
            nd->err = errno;
        }
        return;
    }
    if (S_ISDIR(st.st_mode)) {
        nd->kind = LD_NODE_DIR;
    } else if (S_ISREG(st.st_mode)) {
        nd->kind = LD_NODE_FILE;
        nd->layer = -1;
        nd->size = (uint64_t)st.st_size;
    } else if (S_ISLNK(st.st_mode)) {
        ssize_t l = readlinkat(dfd, base + 1, c->link, sizeof(c->link));
        if (l < 0 || (size_t)l >= sizeof(c->link)) {
            nd->kind = LD_NODE_ERROR;
            nd->err = l < 0 ? errno : ENAMETOOLONG;
            return;
        }
        c->link[l] = '\0';
        nd->kind = LD_NODE_SYMLINK;
        nd->link = c->link;
    } else {
        nd->kind = LD_NODE_OTHER;
        nd->type = type_of(st.st_mode);
    }
}

/* Opens the regular file at path (no link in it: the resolver's answer)
 * under the root. Returns the fd or -1 with errno set. */
static int open_resolved(dir_stack *s, const char *path)
{
    const char *base = strrchr(path, '/');
    int dfd = open_parent(s, path, (size_t)(base - path));
    if (dfd < 0)
        return -1;
    int fd = openat(dfd, base + 1, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
    if (fd < 0)
        return -1;
    struct stat st;
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        errno = EINVAL; /* replaced since it was resolved */
        return -1;
    }
    return fd;
}

/* One planned call: reads the target and hands it to the analyzer. */
static int deliver_one(ld_image *img, dir_stack *s, const ld_link_delivery *d, const ld_analyzer *a,
                       const ld_img_opts *opt, ld_gap_list *gaps, ld_strlist *notes, ld_error *err)
{
    const char *who = a->name ? a->name : "?";
    ld_autoclose int fd = open_resolved(s, d->content);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) < 0) {
        int e = errno;
        char *msg = ld_xasprintf("%.200s, the file %.200s leads to, could not be opened (%s)",
                                 d->content, d->path, strerror(e));
        ld_strlist_push_owned(notes, ld_xasprintf("%s; not analysed", msg));
        ld_gap_add(gaps, ld_gap_kind_of_errno(e), d->path, -1, who, false, msg);
        return 0;
    }
    uint64_t size = (uint64_t)st.st_size, cap = ld_img_analyzer_cap(a, opt);
    if (size > cap) {
        char *msg = ld_xasprintf("%.200s, the file %.200s leads to, is %llu bytes, over the "
                                 "%llu-byte limit for analyzer %s",
                                 d->content, d->path, (unsigned long long)size,
                                 (unsigned long long)cap, who);
        ld_strlist_push_owned(notes, ld_xasprintf("%s; not analysed", msg));
        ld_gap_add(gaps, LD_GAP_SIZE, d->path, -1, who, false, msg);
        return 0;
    }
    if (a->needs_content) {
        ld_file_reader r = ld_file_reader_fd(fd, size);
        if (!a->needs_content(d->path, &r, a->ctx))
            return 0;
    }
    ld_autofree uint8_t *buf = ld_xmalloc(size + 1);
    size_t got = 0;
    while (got < size) {
        ssize_t k = pread(fd, buf + got, size - got, (off_t)got);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            break;
        got += (size_t)k;
    }
    buf[got] = '\0';
    if (got < size) {
        char *msg = ld_xasprintf("%.200s, the file %.200s leads to, changed while reading (%zu "
                                 "of %llu bytes read)",
                                 d->content, d->path, got, (unsigned long long)size);
        ld_gap_add(gaps, LD_GAP_READ, d->path, -1, who, false, ld_xstrdup(msg));
        ld_strlist_push_owned(notes, msg);
    }
    if (a->file(d->path, -1, buf, got, a->ctx, err) < 0) {
        if (err->code == LD_OK)
            ld_error_set(err, LD_ERR_GENERIC, "analyzer %s failed on %s", who, d->path);
        return err->code;
    }
    if (d->alias)
        ld_img_add_alias(img, d->path, -1);
    return 0;
}

/* The links of the walked tree that analyzers want (links.c decides),
 * each resolved and read under root_fd. */
static int follow_links(ld_image *img, int root_fd, const ld_file_entry *files, size_t n,
                        const ld_img_opts *opt, const ld_analyzer *an, size_t n_an, ld_error *err)
{
    if (!n_an)
        return 0;
    dir_lookup_ctx c = {.s = stack_new(root_fd)};
    ld_link_plan plan;
    ld_img_plan_links(files, n, dir_lookup, &c, an, n_an, opt, &plan);
    int rc = 0;
    for (size_t i = 0; i < plan.n && rc == 0; i++)
        rc = deliver_one(img, c.s, &plan.v[i], &an[plan.v[i].analyzer], opt, &plan.gaps,
                         &plan.notes, err);
    stack_free(c.s);
    ld_img_take_gaps(img, &plan.gaps);
    ld_img_add_notes(img, &plan.notes);
    ld_link_plan_clear(&plan);
    return rc;
}
