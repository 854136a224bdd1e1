/* Where the layer cache keeps its records (layer_cache.h): the cache of one
 * read (its fingerprint, notes and counts), the cache directory (checked
 * once, on first use), loading a record file and writing one atomically,
 * and trimming the directory. Replaying and recording layers is in
 * layer_cache_replay.c, the record format in layer_cache_record.c. */
#include "image/layer_cache_internal.h"

#include <dirent.h>
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <link.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "util/cleanup.h"
#include "util/mem.h"

#define NOTES_MAX 20 /* the cache's own notes per read */
#define TEMP_STALE_SECONDS 3600

/* ---- notes and counts ---------------------------------------------------- */

void ld_lcache_note(ld_layer_cache *c, bool *once, char *text)
{
    pthread_mutex_lock(&c->lock);
    if ((once && *once) || c->notes.n >= NOTES_MAX) {
        free(text);
    } else {
        ld_strlist_push_owned(&c->notes, text);
        if (once)
            *once = true;
    }
    pthread_mutex_unlock(&c->lock);
}

void ld_layer_cache_counts(const ld_layer_cache *c, uint64_t *hits, uint64_t *misses,
                           uint64_t *bytes_not_read)
{
    if (hits)
        *hits = c ? __atomic_load_n(&c->hits, __ATOMIC_RELAXED) : 0;
    if (misses)
        *misses = c ? __atomic_load_n(&c->misses, __ATOMIC_RELAXED) : 0;
    if (bytes_not_read)
        *bytes_not_read = c ? __atomic_load_n(&c->bytes_not_read, __ATOMIC_RELAXED) : 0;
}

void ld_layer_cache_take_notes(ld_layer_cache *c, ld_strlist *out)
{
    memset(out, 0, sizeof(*out));
    if (!c)
        return;
    pthread_mutex_lock(&c->lock);
    *out = c->notes;
    memset(&c->notes, 0, sizeof(c->notes));
    pthread_mutex_unlock(&c->lock);
}

char *ld_layer_cache_summary(uint64_t hits, uint64_t misses, uint64_t bytes_not_read)
{
    return ld_xasprintf("layer cache: %llu of %llu layer%s reused (%.1f MiB not read)",
                        (unsigned long long)hits, (unsigned long long)(hits + misses),
                        hits + misses == 1 ? "" : "s", (double)bytes_not_read / (1024.0 * 1024.0));
}

/* ---- the fingerprint ------------------------------------------------------ */

typedef struct {
    const uint8_t *id;
    size_t len;
} build_id;

/* The GNU build id of the program (the first object dl_iterate_phdr
 * reports): it changes with every change to the code, so records made by
 * another build of the same version are not used. */
static int find_build_id(struct dl_phdr_info *info, size_t size, void *data)
{
    (void)size;
    build_id *out = data;
    for (int i = 0; i < info->dlpi_phnum; i++) {
        const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
        if (ph->p_type != PT_NOTE)
            continue;
        const uint8_t *p = (const uint8_t *)(info->dlpi_addr + ph->p_vaddr);
        size_t left = ph->p_memsz;
        while (left >= sizeof(ElfW(Nhdr))) {
            const ElfW(Nhdr) *nh = (const ElfW(Nhdr) *)(const void *)p;
            size_t name = (nh->n_namesz + 3) & ~(size_t)3, desc = (nh->n_descsz + 3) & ~(size_t)3;
            size_t all = sizeof(*nh) + name + desc;
            if (all > left)
                break;
            if (nh->n_type == NT_GNU_BUILD_ID && nh->n_namesz == 4 &&
                memcmp(p + sizeof(*nh), "GNU", 4) == 0) {
                out->id = p + sizeof(*nh) + name;
                out->len = nh->n_descsz;
                return 1;
            }
            p += all;
            left -= all;
        }
    }
    return 1; /* the program only */
}

static void put_list(ld_cache_writer *w, const ld_strlist *l)
{
    ld_cache_put_u32(w, l ? (uint32_t)l->n : 0);
    for (size_t i = 0; l && i < l->n; i++)
        ld_cache_put_str(w, l->v[i]);
}

bool ld_lcache_saves_itself(const ld_analyzer *a)
{
    return a->layer_save && a->layer_load;
}

static void fingerprint(const ld_image_options *options, const ld_img_opts *opt,
                        const ld_analyzer *an, size_t n_an, uint8_t out[32])
{
    ld_cache_writer w = {0};
    ld_cache_put_str(&w, "lockdown layer cache");
    ld_cache_put_u32(&w, LD_LAYER_CACHE_FORMAT);
    ld_cache_put_str(&w, LOCKDOWN_VERSION);
    build_id b = {0};
    dl_iterate_phdr(find_build_id, &b);
    ld_cache_put_bytes(&w, b.id, b.len);
    ld_cache_put_u64(&w, opt->max_file_bytes);
    ld_cache_put_u32(&w, (uint32_t)n_an);
    for (size_t i = 0; i < n_an; i++) {
        ld_cache_put_str(&w, an[i].name ? an[i].name : "?");
        ld_cache_put_str(&w, an[i].cache_id);
        ld_cache_put_u64(&w, ld_img_analyzer_cap(&an[i], opt));
        ld_cache_put_u8(&w, ld_lcache_saves_itself(&an[i]));
        ld_cache_put_u8(&w, an[i].wants && an[i].file);
    }
    put_list(&w, options ? options->skip_dirs : NULL);
    put_list(&w, options ? options->skip_files : NULL);
    unsigned int len = 0;
    if (w.over || EVP_Digest(w.p, w.n, out, &len, EVP_sha256(), NULL) != 1 || len != 32)
        memset(out, 0xff, 32); /* still a key; any other read differs in it */
    ld_cache_writer_clear(&w);
}

void ld_lcache_hex(const uint8_t *p, size_t n, char *out)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[p[i] >> 4];
        out[2 * i + 1] = digits[p[i] & 15];
    }
    out[2 * n] = '\0';
}

ld_layer_cache *ld_layer_cache_open(const char *dir, const ld_image_options *options,
                                    const ld_img_opts *opt, const ld_analyzer *an, size_t n_an)
{
    if (!dir || !*dir)
        return NULL;
    ld_layer_cache *c = ld_xcalloc(1, sizeof(*c));
    c->dir = ld_xstrdup(dir);
    c->dfd = -1;
    pthread_mutex_init(&c->lock, NULL);
    fingerprint(options, opt, an, n_an, c->fp);
    ld_lcache_hex(c->fp, 8, c->fp16);
    return c;
}

const uint8_t *ld_layer_cache_fingerprint(const ld_layer_cache *c)
{
    return c->fp;
}

/* ---- the directory ------------------------------------------------------- */

/* mkdir -p of path, each directory it creates mode 0700. */
static int make_dirs(const char *path)
{
    ld_autofree char *p = ld_xstrdup(path);
    for (char *s = p + 1;; s++) {
        char *slash = strchr(s, '/');
        if (slash)
            *slash = '\0';
        if (*p && mkdir(p, 0700) < 0 && errno != EEXIST)
            return -1;
        if (!slash)
            return 0;
        *slash = '/';
        s = slash;
    }
}

/* Checks the directory once: it must be a directory of this user that no
 * one else may write to (a record is trusted enough to be replayed). */
bool ld_lcache_check_dir(ld_layer_cache *c)
{
    pthread_mutex_lock(&c->lock);
    if (c->checked) {
        bool u = c->usable;
        pthread_mutex_unlock(&c->lock);
        return u;
    }
    c->checked = true;
    char *why = NULL;
    int fd = -1;
    if (make_dirs(c->dir) < 0) {
        why = ld_xasprintf("cannot create %s: %s", c->dir, strerror(errno));
    } else if ((fd = open(c->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0) {
        why = ld_xasprintf("cannot open %s: %s", c->dir, strerror(errno));
    } else {
        struct stat st;
        if (fstat(fd, &st) < 0)
            why = ld_xasprintf("cannot stat %s: %s", c->dir, strerror(errno));
        else if (st.st_uid != geteuid())
            why = ld_xasprintf("%s belongs to uid %u, not to this user (uid %u)", c->dir,
                               (unsigned)st.st_uid, (unsigned)geteuid());
        else if (st.st_mode & (S_IWGRP | S_IWOTH))
            why = ld_xasprintf("%s may be written by others (mode %04o); chmod go-w it", c->dir,
                               (unsigned)(st.st_mode & 07777));
    }
    if (why) {
        if (fd >= 0)
            close(fd);
        if (c->notes.n < NOTES_MAX)
            ld_strlist_push_owned(&c->notes, ld_xasprintf("layer cache: not used: %s", why));
        free(why);
    } else {
        c->dfd = fd;
        c->usable = true;
    }
    pthread_mutex_unlock(&c->lock);
    return c->usable;
}

bool ld_layer_cache_usable(const ld_layer_cache *c)
{
    return c && ld_lcache_check_dir((ld_layer_cache *)c);
}

/* "v1/sha256/XX" under the cache for diff_id, opened (created when create). */
static int open_shard(ld_layer_cache *c, const char *diff_id, bool create)
{
    return ld_lcache_open_shard(c, diff_id + 7, create);
}

int ld_lcache_open_shard(ld_layer_cache *c, const char *hex, bool create)
{
    char xx[3] = {hex[0], hex[1], '\0'};
    const char *parts[] = {"v1", "sha256", xx};
    int fd = c->dfd;
    for (size_t i = 0; i < 3; i++) {
        int next;
        do
            next = openat(fd, parts[i], O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        while (next < 0 && errno == EINTR);
        if (next < 0 && errno == ENOENT && create) {
            if (mkdirat(fd, parts[i], 0700) < 0 && errno != EEXIST) {
                int e = errno;
                if (fd != c->dfd)
                    close(fd);
                errno = e;
                return -1;
            }
            next = openat(fd, parts[i], O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        }
        int e = errno;
        if (fd != c->dfd)
            close(fd);
        if (next < 0) {
            errno = e;
            return -1;
        }
        fd = next;
    }
    return fd;
}

static char *record_name(const ld_layer_cache *c, const char *diff_id)
{
    return ld_xasprintf("%s-%s.rec", diff_id + 7, c->fp16);
}

char *ld_layer_cache_record_path(const ld_layer_cache *c, const char *diff_id)
{
    if (!ld_layer_cache_usable(c) || !ld_img_digest_valid(diff_id))
        return NULL;
    return ld_xasprintf("%s/v1/sha256/%.2s/%s-%s.rec", c->dir, diff_id + 7, diff_id + 7, c->fp16);
}

/* ---- loading ------------------------------------------------------------- */

static int read_all(int fd, uint8_t *buf, size_t len)
{
    size_t got = 0;
    while (got < len) {
        ssize_t n = read(fd, buf + got, len - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        got += (size_t)n;
    }
    return 0;
}

void ld_lcache_note_bad(ld_layer_cache *c, const char *diff_id, const char *why)
{
    ld_lcache_note(
        c, &c->noted_corrupt,
        ld_xasprintf("layer cache: the record of layer %s was not used (%s); the layer was read "
                     "and its record written again",
                     diff_id, why));
}

/* diff_id's record of this read: LOOKUP_FOUND with rec and *buf (the
 * caller clears rec and frees *buf), LOOKUP_NONE, or LOOKUP_BAD (noted). */
int ld_lcache_lookup(ld_layer_cache *c, const char *diff_id, ld_layer_record *rec, uint8_t **buf)
{
    *buf = NULL;
    memset(rec, 0, sizeof(*rec));
    int sfd = open_shard(c, diff_id, false);
    if (sfd < 0)
        return LOOKUP_NONE;
    ld_autofree char *name = record_name(c, diff_id);
    int fd;
    do
        fd = openat(sfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
    while (fd < 0 && errno == EINTR);
    int e = errno;
    close(sfd);
    if (fd < 0) {
        if (e == ENOENT)
            return LOOKUP_NONE;
        ld_lcache_note_bad(c, diff_id, strerror(e));
        return LOOKUP_BAD;
    }
    struct stat st;
    const char *why = NULL;
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))
        why = "not a regular file";
    else if ((uint64_t)st.st_size > LD_LAYER_CACHE_RECORD_MAX + 64)
        why = "larger than any record";
    if (!why) {
        *buf = ld_xmalloc(st.st_size ? (size_t)st.st_size : 1);
        if (read_all(fd, *buf, (size_t)st.st_size) < 0)
            why = "it could not be read";
        else
            futimens(fd, NULL); /* recently used: trimmed last */
    }
    close(fd);
    ld_error derr = LD_ERROR_INIT;
    if (!why && ld_layer_record_decode(*buf, (size_t)st.st_size, rec, &derr) < 0)
        why = derr.msg;
    else if (!why &&
             (memcmp(rec->fingerprint, c->fp, 32) != 0 || strcmp(rec->diff_id, diff_id) != 0))
        why = "it was made for another layer or another read";
    if (why) {
        ld_lcache_note_bad(c, diff_id, why);
        ld_layer_record_clear(rec);
        free(*buf);
        *buf = NULL;
        return LOOKUP_BAD;
    }
    return LOOKUP_FOUND;
}

static int write_all(int fd, const uint8_t *p, size_t n)
{
    while (n) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

/* Writes a record under a temporary name in its directory, then renames it
 * into place: a reader sees the old record or the new one, never part. */
void ld_lcache_store(ld_layer_cache *c, const char *diff_id, const uint8_t *p, size_t n)
{
    ld_autofree char *name = record_name(c, diff_id);
    if (ld_lcache_store_file(c, diff_id + 7, name, p, n) == 0)
        __atomic_add_fetch(&c->written, 1, __ATOMIC_RELAXED);
}

int ld_lcache_store_file(ld_layer_cache *c, const char *hex, const char *name, const uint8_t *p,
                         size_t n)
{
    int sfd = ld_lcache_open_shard(c, hex, true);
    if (sfd < 0) {
        ld_lcache_note(
            c, &c->noted_write,
            ld_xasprintf("layer cache: cannot write records in %s: %s", c->dir, strerror(errno)));
        return -1;
    }
    uint8_t rnd[8];
    if (getrandom(rnd, sizeof(rnd), GRND_NONBLOCK) != (ssize_t)sizeof(rnd)) {
        uint64_t v = ((uint64_t)getpid() << 32) ^ (uint64_t)time(NULL) ^ (uint64_t)(uintptr_t)p;
        memcpy(rnd, &v, sizeof(rnd));
    }
    char rhex[17], tmp[40];
    ld_lcache_hex(rnd, sizeof(rnd), rhex);
    snprintf(tmp, sizeof(tmp), ".tmp-%s.rec", rhex);
    int fd = openat(sfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
    int rc = fd < 0 ? -1 : write_all(fd, p, n);
    if (fd >= 0 && close(fd) < 0)
        rc = -1;
    if (rc == 0 && renameat(sfd, tmp, sfd, name) < 0)
        rc = -1;
    int e = errno;
    if (rc < 0) {
        if (fd >= 0)
            unlinkat(sfd, tmp, 0);
        ld_lcache_note(
            c, &c->noted_write,
            ld_xasprintf("layer cache: cannot write records in %s: %s", c->dir, strerror(e)));
    }
    close(sfd);
    return rc;
}

/* ---- trimming ------------------------------------------------------------ */

typedef struct {
    char shard[3];
    char *name;
    uint64_t size;
    struct timespec mtime;
} cached_file;

static int cmp_age(const void *va, const void *vb)
{
    const cached_file *a = va, *b = vb;
    if (a->mtime.tv_sec != b->mtime.tv_sec)
        return a->mtime.tv_sec < b->mtime.tv_sec ? -1 : 1;
    return (a->mtime.tv_nsec > b->mtime.tv_nsec) - (a->mtime.tv_nsec < b->mtime.tv_nsec);
}

static bool is_hex2(const char *s)
{
    return strlen(s) == 2 && strspn(s, "0123456789abcdef") == 2;
}

/* Every record and temporary file under v1/sha256 of the directory fd. */
static void list_files(int dfd, cached_file **v, size_t *n, size_t *cap)
{
    int top = openat(dfd, "v1/sha256", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    DIR *d = top >= 0 ? fdopendir(top) : NULL;
    if (!d) {
        if (top >= 0)
            close(top);
        return;
    }
    struct dirent *de;
    while ((de = readdir(d))) {
        if (!is_hex2(de->d_name))
            continue;
        int sfd = openat(dirfd(d), de->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        DIR *s = sfd >= 0 ? fdopendir(sfd) : NULL;
        if (!s) {
            if (sfd >= 0)
                close(sfd);
            continue;
        }
        struct dirent *fe;
        while ((fe = readdir(s))) {
            size_t l = strlen(fe->d_name);
            struct stat st;
            /* records, and the small maps of layer_cache_map.c (trimmed
             * with them, by age: a hit touches its map too) */
            if (l < 5 ||
                (strcmp(fe->d_name + l - 4, ".rec") != 0 &&
                 strcmp(fe->d_name + l - 4, ".map") != 0) ||
                fstatat(dirfd(s), fe->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISREG(st.st_mode))
                continue;
            ld_xgrow(v, cap, *n + 1, sizeof(**v));
            cached_file *f = &(*v)[(*n)++];
            memcpy(f->shard, de->d_name, 3);
            f->name = ld_xstrdup(fe->d_name);
            f->size = (uint64_t)st.st_size;
            f->mtime = st.st_mtim;
        }
        closedir(s);
    }
    closedir(d);
}

static void remove_file(int dfd, const cached_file *f)
{
    ld_autofree char *rel = ld_xasprintf("v1/sha256/%s/%s", f->shard, f->name);
    unlinkat(dfd, rel, 0);
}

int ld_layer_cache_trim(const char *dir, uint64_t max_bytes, uint64_t *removed)
{
    if (removed)
        *removed = 0;
    ld_autoclose int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0)
        return -1;
    cached_file *v = NULL;
    size_t n = 0, cap = 0;
    list_files(dfd, &v, &n, &cap);
    uint64_t total = 0;
    time_t now = time(NULL);
    size_t kept = 0;
    for (size_t i = 0; i < n; i++) {
        /* a temporary file a process that died left behind */
        if (v[i].name[0] == '.' && now - v[i].mtime.tv_sec > TEMP_STALE_SECONDS) {
            remove_file(dfd, &v[i]);
            free(v[i].name);
            continue;
        }
        total += v[i].size;
        v[kept++] = v[i];
    }
    n = kept;
    if (n > 1)
        qsort(v, n, sizeof(*v), cmp_age);
    /* over the cap: down to 90% of it, so the next reads do not trim again */
    uint64_t goal = max_bytes - max_bytes / 10;
    bool over = total > max_bytes;
    for (size_t i = 0; over && i < n && total > goal; i++) {
        if (v[i].name[0] == '.')
            continue; /* being written */
        remove_file(dfd, &v[i]);
        total -= v[i].size;
        if (removed)
            (*removed)++;
    }
    for (size_t i = 0; i < n; i++)
        free(v[i].name);
    free(v);
    return 0;
}

void ld_layer_cache_free(ld_layer_cache *c)
{
    if (!c)
        return;
    if (c->usable && __atomic_load_n(&c->written, __ATOMIC_RELAXED))
        ld_layer_cache_trim(c->dir, LD_LAYER_CACHE_SIZE_MAX, NULL);
    if (c->dfd >= 0)
        close(c->dfd);
    ld_strlist_clear(&c->notes);
    pthread_mutex_destroy(&c->lock);
    free(c->dir);
    free(c);
}
