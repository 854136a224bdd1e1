/* SBOM collection: one ld_analyzer that offers every file the catalogers
 * want to them while the image reader streams each layer, gathers the
 * packages (with the file and layer they came from) under a mutex because
 * layers are read in parallel, and after the read keeps only packages whose
 * source file is the version visible in the final file system. Also reads
 * os-release for the distribution, which names the purl namespace and
 * "distro" qualifier of OS packages.
 *
 * Nothing that was not read passes for read: every package database of the
 * final file system that no cataloger could read becomes an ld_sbom_unread
 * entry and a note naming the file and why — over a cataloger's size cap
 * (refused in wants(), so never read into memory), a cataloger that failed
 * on it (corrupt, over a budget, refused), or a gap of the image reader
 * (image.h: a link it could not follow, a file it could not open, a
 * directory it could not list). The catalogers of one read share a budget
 * of decompressed bytes (cataloger.h). What the catalogers found in one
 * layer is saved and restored for the layer cache (image/layer_cache.h), so
 * a cached layer's binaries are neither kept nor parsed again. Not for
 * writing SBOM formats (see sbom_writers.h and cmd_image.c). */
#include "sbom/sbom.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "image/layer_cache.h"
#include "sbom/cataloger.h"
#include "util/cleanup.h"
#include "util/mem.h"
#include "util/os_release.h"

/* Where the distribution identity is read from, best first (os-release(5):
 * /etc/os-release, falling back to /usr/lib/os-release; Alpine images
 * without os-release still have /etc/alpine-release). /etc/os-release is
 * usually a symlink to the /usr/lib one, and analyzers see regular files
 * only, so both are collected. */
static const char *const os_files[] = {"/etc/os-release", "/usr/lib/os-release",
                                       "/etc/alpine-release"};
#define N_OS_FILES (sizeof(os_files) / sizeof(os_files[0]))
#define OS_CANDIDATES_MAX 64 /* versions of the os files kept across layers */

typedef struct {
    int which; /* index into os_files */
    int layer;
    char *data;
    size_t len;
} os_candidate;

/* A file version delivered to the catalogers: (path, layer). */
typedef struct {
    char *path;
    int layer;
} seen_file;

/* A note about one file version; kept only if that version is visible. */
typedef struct {
    char *path;
    int layer;
    char *msg;
    bool unread; /* the file's packages are missing (not a benign note) */
} file_note;

/* A file a cataloger wanted but refused for its size, before it was read
 * (wants() knows no layer: the final file system decides afterwards). */
typedef struct {
    char *path;
    uint64_t size;
    const ld_cataloger *cat;
} oversize_file;

typedef struct {
    pthread_mutex_t lock;
    const ld_cataloger *const *cats;
    ld_cataloger_budget budget; /* shared by every file of this read */
    ld_package_list pkgs;
    seen_file *seen;
    size_t n_seen, cap_seen;
    file_note *notes;
    size_t n_notes, cap_notes;
    oversize_file *oversize;
    size_t n_oversize, cap_oversize;
    os_candidate os[OS_CANDIDATES_MAX];
    size_t n_os;
} collect_ctx;

/* Package databases read by name; through a symlinked directory too
 * (ld_analyzer.paths). */
static const char *const named_databases[] = {"/var/lib/dpkg/status", "/lib/apk/db/installed",
                                              NULL};

static int os_file_index(const char *path)
{
    for (size_t i = 0; i < N_OS_FILES; i++)
        if (strcmp(path, os_files[i]) == 0)
            return (int)i;
    return -1;
}

/* Called with c->lock held; takes msg. */
static void add_note(collect_ctx *c, const char *path, int layer, char *msg, bool unread)
{
    ld_xgrow(&c->notes, &c->cap_notes, c->n_notes + 1, sizeof(*c->notes));
    c->notes[c->n_notes++] = (file_note){ld_xstrdup(path), layer, msg, unread};
}

/* Did cat take path as a package database (not on speculation)? */
static bool takes_as_database(const ld_cataloger *cat, const char *path)
{
    return cat->wants(path) && !(cat->speculative && cat->speculative(path));
}

/* Does any cataloger take path as a package database? */
static bool is_database(const ld_cataloger *const *cats, const char *path)
{
    for (const ld_cataloger *const *cp = cats; *cp; cp++)
        if (takes_as_database(*cp, path))
            return true;
    return false;
}

static char *oversize_message(const char *path, const ld_cataloger *cat, uint64_t size)
{
    return ld_xasprintf("%s: skipped by the %s cataloger: %llu bytes is over its limit of %llu",
                        path, cat->name, (unsigned long long)size,
                        (unsigned long long)cat->max_bytes);
}

/* A file over a cataloger's cap is refused here, so it is never read into
 * memory, and remembered: if it is the version the final file system
 * shows, it is noted (and unread) after the read. */
static bool sbom_wants(const char *path, uint64_t size, void *vctx)
{
    collect_ctx *c = vctx;
    if (os_file_index(path) >= 0)
        return size <= LD_OS_RELEASE_MAX;
    bool want = false;
    for (const ld_cataloger *const *cp = c->cats; *cp; cp++) {
        const ld_cataloger *cat = *cp;
        if (!cat->wants(path))
            continue;
        if (size <= cat->max_bytes) {
            want = true;
            continue;
        }
        pthread_mutex_lock(&c->lock);
        ld_xgrow(&c->oversize, &c->cap_oversize, c->n_oversize + 1, sizeof(*c->oversize));
        c->oversize[c->n_oversize++] = (oversize_file){ld_xstrdup(path), size, cat};
        pthread_mutex_unlock(&c->lock);
    }
    return want;
}

/* Which links the SBOM reads through. A cataloger that reads a file by
 * its name (a package database, a manifest, os-release) takes a link at
 * that name unless it also wants the target, whose content it then sees
 * under the target's own name. Binary catalogers (those that judge a
 * file by its content: needs_content) take no link: the executable a link
 * in a bin directory points at (Debian's /usr/bin/ld.so) is the same
 * bytes, and following every such link would read the base layer twice. */
static bool sbom_wants_link(const char *path, const char *target, uint64_t size, void *vctx)
{
    collect_ctx *c = vctx;
    if (os_file_index(path) >= 0)
        return !target || (os_file_index(target) < 0 && size <= LD_OS_RELEASE_MAX);
    for (const ld_cataloger *const *cp = c->cats; *cp; cp++) {
        const ld_cataloger *cat = *cp;
        if (cat->needs_content || !cat->wants(path))
            continue;
        if (!target || !cat->wants(target))
            return true;
    }
    return false;
}

/* Read a file whole only when a cataloger that wants it, within its cap,
 * needs its content (binary catalogers tell from an ELF file's section
 * tables that it holds nothing for them). A cataloger it is too big for
 * was noted by sbom_wants. */
static bool sbom_needs_content(const char *path, const ld_file_reader *r, void *vctx)
{
    collect_ctx *c = vctx;
    if (os_file_index(path) >= 0)
        return true;
    for (const ld_cataloger *const *cp = c->cats; *cp; cp++) {
        const ld_cataloger *cat = *cp;
        if (cat->wants(path) && r->size <= cat->max_bytes &&
            (!cat->needs_content || cat->needs_content(path, r)))
            return true;
    }
    return false;
}

static int sbom_file(const char *path, int layer, const uint8_t *data, size_t len, void *vctx,
                     ld_error *err)
{
    (void)err; /* a file that does not parse is a note, never fatal */
    collect_ctx *c = vctx;
    int osi = os_file_index(path);
    if (osi >= 0) {
        pthread_mutex_lock(&c->lock);
        if (c->n_os < OS_CANDIDATES_MAX && len <= LD_OS_RELEASE_MAX) {
            os_candidate *o = &c->os[c->n_os++];
            o->which = osi;
            o->layer = layer;
            o->data = ld_xstrndup((const char *)data, len);
            o->len = len;
        }
        pthread_mutex_unlock(&c->lock);
        return 0;
    }
    bool delivered = false;
    for (const ld_cataloger *const *cp = c->cats; *cp; cp++) {
        const ld_cataloger *cat = *cp;
        if (!cat->wants(path))
            continue;
        if (!delivered) {
            /* recorded once per version: visibility and layer attribution */
            pthread_mutex_lock(&c->lock);
            ld_xgrow(&c->seen, &c->cap_seen, c->n_seen + 1, sizeof(*c->seen));
            c->seen[c->n_seen++] = (seen_file){ld_xstrdup(path), layer};
            pthread_mutex_unlock(&c->lock);
            delivered = true;
        }
        if (len > cat->max_bytes) {
            /* another cataloger with a larger cap took it */
            pthread_mutex_lock(&c->lock);
            add_note(c, path, layer, oversize_message(path, cat, len),
                     takes_as_database(cat, path));
            pthread_mutex_unlock(&c->lock);
            continue;
        }
        ld_package_list local = {0};
        ld_error perr = LD_ERROR_INIT;
        int rc = cat->parse_budgeted
                     ? cat->parse_budgeted(path, data, len, &c->budget, &local, &perr)
                     : cat->parse(path, data, len, &local, &perr);
        pthread_mutex_lock(&c->lock);
        /* a file that held packages it could not give (even a binary taken
         * on speculation: an error means it found build info) */
        if (rc < 0)
            add_note(c, path, layer,
                     ld_xasprintf("%s cataloger: %s", cat->name, perr.msg[0] ? perr.msg : path),
                     true);
        for (size_t i = 0; i < local.n; i++) {
            ld_package *dst = ld_package_list_add(&c->pkgs, local.items[i].eco);
            *dst = local.items[i]; /* moves ownership of every field */
            dst->layer = layer;
            /* visibility and layer attribution look found_in up in the
             * image, so it must be the file that was read */
            if (!dst->found_in || strcmp(dst->found_in, path) != 0) {
                free(dst->found_in);
                dst->found_in = ld_xstrdup(path);
            }
        }
        pthread_mutex_unlock(&c->lock);
        free(local.items); /* fields moved above */
    }
    return 0;
}

/* ---- the layer cache ------------------------------------------------------
 * What the catalogers found in one layer: its packages, the file versions
 * delivered, the notes about them and the os-release candidates. (Files
 * refused for their size are remembered by wants(), which a cached layer
 * is still asked; the shared decompression budget is not charged again.) */

#define SBOM_SAVE_FORMAT 1
#define SAVED_STR_MAX ((size_t)64 << 10)

static void put_package(ld_cache_writer *w, const ld_package *p)
{
    ld_cache_put_u8(w, (uint8_t)p->eco);
    ld_cache_put_str(w, p->name);
    ld_cache_put_str(w, p->version);
    ld_cache_put_str(w, p->source_name);
    ld_cache_put_str(w, p->source_version);
    ld_cache_put_str(w, p->arch);
    ld_cache_put_str(w, p->group);
    ld_cache_put_str(w, p->purl);
    ld_cache_put_str(w, p->found_in);
    ld_cache_put_u64(w, p->licenses.n);
    for (size_t i = 0; i < p->licenses.n; i++)
        ld_cache_put_str(w, p->licenses.v[i]);
}

static int sbom_layer_save(void *vctx, int layer, struct ld_cache_writer *w, ld_error *err)
{
    (void)err;
    collect_ctx *c = vctx;
    pthread_mutex_lock(&c->lock);
    ld_cache_put_u8(w, SBOM_SAVE_FORMAT);
    uint64_t n = 0;
    for (size_t i = 0; i < c->pkgs.n; i++)
        n += c->pkgs.items[i].layer == layer;
    ld_cache_put_u64(w, n);
    for (size_t i = 0; i < c->pkgs.n; i++)
        if (c->pkgs.items[i].layer == layer)
            put_package(w, &c->pkgs.items[i]);
    n = 0;
    for (size_t i = 0; i < c->n_seen; i++)
        n += c->seen[i].layer == layer;
    ld_cache_put_u64(w, n);
    for (size_t i = 0; i < c->n_seen; i++)
        if (c->seen[i].layer == layer)
            ld_cache_put_str(w, c->seen[i].path);
    n = 0;
    for (size_t i = 0; i < c->n_notes; i++)
        n += c->notes[i].layer == layer;
    ld_cache_put_u64(w, n);
    for (size_t i = 0; i < c->n_notes; i++) {
        const file_note *fn = &c->notes[i];
        if (fn->layer != layer)
            continue;
        ld_cache_put_str(w, fn->path);
        ld_cache_put_str(w, fn->msg);
        ld_cache_put_u8(w, fn->unread);
    }
    n = 0;
    for (size_t i = 0; i < c->n_os; i++)
        n += c->os[i].layer == layer;
    ld_cache_put_u64(w, n);
    for (size_t i = 0; i < c->n_os; i++) {
        if (c->os[i].layer != layer)
            continue;
        ld_cache_put_u8(w, (uint8_t)c->os[i].which);
        ld_cache_put_bytes(w, c->os[i].data, c->os[i].len);
    }
    pthread_mutex_unlock(&c->lock);
    return 0;
}

/* A layer's saved results, checked and held until they are applied. */
typedef struct {
    ld_package_list pkgs;
    seen_file *seen;
    size_t n_seen;
    file_note *notes;
    size_t n_notes;
    os_candidate os[OS_CANDIDATES_MAX];
    size_t n_os;
} saved_layer;

static void saved_layer_clear(saved_layer *s)
{
    ld_package_list_clear(&s->pkgs);
    for (size_t i = 0; i < s->n_seen; i++)
        free(s->seen[i].path);
    free(s->seen);
    for (size_t i = 0; i < s->n_notes; i++) {
        free(s->notes[i].path);
        free(s->notes[i].msg);
    }
    free(s->notes);
    for (size_t i = 0; i < s->n_os; i++)
        free(s->os[i].data);
}

static bool read_package(ld_cache_reader *r, int layer, ld_package_list *l)
{
    uint8_t eco = ld_cache_get_u8(r);
    if (r->bad || eco >= LD_ECO_COUNT)
        return false;
    ld_package *p = ld_package_list_add(l, (ld_ecosystem)eco);
    p->layer = layer;
    p->name = ld_cache_get_str(r, SAVED_STR_MAX);
    p->version = ld_cache_get_str(r, SAVED_STR_MAX);
    p->source_name = ld_cache_get_str(r, SAVED_STR_MAX);
    p->source_version = ld_cache_get_str(r, SAVED_STR_MAX);
    p->arch = ld_cache_get_str(r, SAVED_STR_MAX);
    p->group = ld_cache_get_str(r, SAVED_STR_MAX);
    p->purl = ld_cache_get_str(r, SAVED_STR_MAX);
    p->found_in = ld_cache_get_str(r, SAVED_STR_MAX);
    uint64_t n = ld_cache_get_count(r, 5);
    for (uint64_t i = 0; i < n && !r->bad; i++) {
        char *lic = ld_cache_get_str(r, SAVED_STR_MAX);
        if (!lic)
            return false;
        ld_strlist_push_owned(&p->licenses, lic);
    }
    return !r->bad && p->found_in;
}

static bool read_saved_layer(ld_cache_reader *r, int layer, saved_layer *s)
{
    if (ld_cache_get_u8(r) != SBOM_SAVE_FORMAT)
        return false;
    /* eco, seven strings (NULL: 4 bytes), found_in, the licence count */
    uint64_t n = ld_cache_get_count(r, 1 + 7 * 4 + 5 + 8);
    for (uint64_t i = 0; i < n; i++)
        if (!read_package(r, layer, &s->pkgs))
            return false;
    n = ld_cache_get_count(r, 5);
    s->seen = ld_xcalloc(n ? n : 1, sizeof(*s->seen));
    for (uint64_t i = 0; i < n && !r->bad; i++) {
        char *path = ld_cache_get_str(r, SAVED_STR_MAX);
        if (!path)
            return false;
        s->seen[s->n_seen++] = (seen_file){path, layer};
    }
    n = ld_cache_get_count(r, 5 + 5 + 1);
    s->notes = ld_xcalloc(n ? n : 1, sizeof(*s->notes));
    for (uint64_t i = 0; i < n && !r->bad; i++) {
        file_note *fn = &s->notes[s->n_notes++];
        fn->path = ld_cache_get_str(r, SAVED_STR_MAX);
        fn->msg = ld_cache_get_str(r, SAVED_STR_MAX);
        fn->layer = layer;
        uint8_t unread = ld_cache_get_u8(r);
        if (r->bad || !fn->path || !fn->msg || unread > 1)
            return false;
        fn->unread = unread;
    }
    n = ld_cache_get_count(r, 1 + 9);
    if (n > OS_CANDIDATES_MAX)
        return false;
    for (uint64_t i = 0; i < n && !r->bad; i++) {
        uint8_t which = ld_cache_get_u8(r);
        size_t len = 0;
        const uint8_t *data = ld_cache_get_bytes(r, LD_OS_RELEASE_MAX, &len);
        if (!data || which >= N_OS_FILES)
            return false;
        s->os[s->n_os++] = (os_candidate){which, layer, ld_xstrndup((const char *)data, len), len};
    }
    return ld_cache_reader_done(r);
}

static int sbom_layer_load(void *vctx, int layer, const uint8_t *data, size_t len, bool apply,
                           ld_error *err)
{
    collect_ctx *c = vctx;
    ld_cache_reader r;
    ld_cache_reader_init(&r, data, len);
    saved_layer s;
    memset(&s, 0, sizeof(s));
    bool ok = read_saved_layer(&r, layer, &s);
    if (!ok || !apply) {
        saved_layer_clear(&s);
        return ok ? 0 : ld_error_set(err, LD_ERR_CORRUPT, "saved SBOM results do not match");
    }
    pthread_mutex_lock(&c->lock);
    for (size_t i = 0; i < s.pkgs.n; i++) {
        ld_package *dst = ld_package_list_add(&c->pkgs, s.pkgs.items[i].eco);
        *dst = s.pkgs.items[i]; /* moves every field */
    }
    s.pkgs.n = 0;
    ld_xgrow(&c->seen, &c->cap_seen, c->n_seen + s.n_seen + 1, sizeof(*c->seen));
    memcpy(c->seen + c->n_seen, s.seen, s.n_seen * sizeof(*s.seen));
    c->n_seen += s.n_seen;
    s.n_seen = 0;
    ld_xgrow(&c->notes, &c->cap_notes, c->n_notes + s.n_notes + 1, sizeof(*c->notes));
    memcpy(c->notes + c->n_notes, s.notes, s.n_notes * sizeof(*s.notes));
    c->n_notes += s.n_notes;
    s.n_notes = 0;
    for (size_t i = 0; i < s.n_os; i++) {
        if (c->n_os < OS_CANDIDATES_MAX) {
            c->os[c->n_os++] = s.os[i];
            s.os[i].data = NULL;
        }
    }
    pthread_mutex_unlock(&c->lock);
    saved_layer_clear(&s);
    return 0;
}

static int cmp_str(const char *a, const char *b)
{
    if (!a || !b)
        return (a != NULL) - (b != NULL);
    return strcmp(a, b);
}

static int cmp_pkg(const void *va, const void *vb)
{
    const ld_package *a = va, *b = vb;
    if (a->eco != b->eco)
        return a->eco < b->eco ? -1 : 1;
    int r = cmp_str(a->name, b->name);
    if (!r)
        r = cmp_str(a->version, b->version);
    if (!r)
        r = cmp_str(a->found_in, b->found_in);
    if (!r && a->layer != b->layer)
        r = a->layer < b->layer ? -1 : 1;
    return r;
}

static int cmp_seen(const void *va, const void *vb)
{
    const seen_file *a = va, *b = vb;
    int r = strcmp(a->path, b->path);
    return r ? r : (a->layer > b->layer) - (a->layer < b->layer);
}

/* Same package identity (found_in compared by the caller through layer order). */
static int cmp_ident(const ld_package *a, const ld_package *b)
{
    int r = cmp_str(a->found_in, b->found_in);
    if (!r && a->eco != b->eco)
        r = a->eco < b->eco ? -1 : 1;
    if (!r)
        r = cmp_str(a->name, b->name);
    if (!r)
        r = cmp_str(a->version, b->version);
    if (!r)
        r = cmp_str(a->arch, b->arch);
    return r;
}

static int cmp_hidden(const void *va, const void *vb)
{
    const ld_package *a = va, *b = vb;
    int r = cmp_ident(a, b);
    return r ? r : (a->layer > b->layer) - (a->layer < b->layer);
}

static bool was_deleted(const ld_image *img, const char *path, int layer)
{
    size_t n = ld_image_removed_count(img);
    for (size_t i = 0; i < n; i++) {
        const ld_removed_file *r = ld_image_removed(img, i);
        if (r->layer == layer && !r->overwritten && strcmp(r->path, path) == 0)
            return true;
    }
    return false;
}

/* Databases such as /var/lib/dpkg/status are rewritten by every layer that
 * installs something, so the visible version's layer is only the last
 * writer. Attribute each package to the layer that introduced it instead:
 * walk down from the visible version through the earlier versions of the
 * same file while each still lists the same package (same name, version,
 * arch); layers that did not touch the file are passed over; a version that
 * was deleted (not replaced) ends the chain. hidden is sorted by cmp_hidden,
 * seen by cmp_seen. */
static void attribute_layers(ld_package_list *visible, const ld_package *hidden, size_t n_hidden,
                             const seen_file *seen, size_t n_seen, const ld_image *img)
{
    for (size_t i = 0; i < visible->n; i++) {
        ld_package *p = &visible->items[i];
        for (int k = p->layer - 1; k >= 0; k--) {
            seen_file key = {p->found_in, k};
            if (!bsearch(&key, seen, n_seen, sizeof(*seen), cmp_seen))
                continue; /* layer k did not write this file */
            if (was_deleted(img, p->found_in, k))
                break;
            ld_package probe = *p;
            probe.layer = k;
            if (!bsearch(&probe, hidden, n_hidden, sizeof(*hidden), cmp_hidden))
                break;
            p->layer = k;
        }
    }
}

static bool is_npm_lock(const ld_package *p)
{
    size_t n = p->found_in ? strlen(p->found_in) : 0;
    static const char lock[] = "/package-lock.json";
    return p->eco == LD_ECO_NPM && n >= sizeof(lock) - 1 &&
           strcmp(p->found_in + n - (sizeof(lock) - 1), lock) == 0;
}

/* Is p installed under the node_modules next to the lock file at lock_path? */
static bool installed_next_to(const ld_package *p, const char *lock_path)
{
    size_t dir = strlen(lock_path) - (sizeof("package-lock.json") - 1); /* keeps the '/' */
    return !is_npm_lock(p) && strncmp(p->found_in, lock_path, dir) == 0 &&
           strncmp(p->found_in + dir, "node_modules/", 13) == 0;
}

/* A package-lock.json entry says what should be installed; when the same
 * name and version is installed in the node_modules beside that lock, the
 * installed package.json is the better record (it has the licence and the
 * exact path), so the lock entry is dropped. Lock entries without an
 * installed copy stay (images that ship a lock but pruned node_modules, or
 * declared-only packages). l is sorted by cmp_pkg, so equal name+version are
 * adjacent. */
static void drop_redundant_npm_locks(ld_package_list *l)
{
    size_t out = 0;
    for (size_t i = 0; i < l->n; i++) {
        ld_package *p = &l->items[i];
        bool drop = false;
        if (is_npm_lock(p)) {
            for (size_t j = i; !drop && j > 0; j--) {
                const ld_package *q = &l->items[j - 1];
                if (q->eco != p->eco || cmp_str(q->name, p->name) ||
                    cmp_str(q->version, p->version))
                    break;
                drop = installed_next_to(q, p->found_in);
            }
            for (size_t j = i + 1; !drop && j < l->n; j++) {
                const ld_package *q = &l->items[j];
                if (q->eco != p->eco || cmp_str(q->name, p->name) ||
                    cmp_str(q->version, p->version))
                    break;
                drop = installed_next_to(q, p->found_in);
            }
        }
        if (drop)
            ld_package_clear(p);
        else
            l->items[out++] = *p;
    }
    l->n = out;
}

/* Picks the visible os file, best first, and fills the os fields of s. */
static void read_os(const collect_ctx *c, const ld_image *img, ld_sbom *s)
{
    for (size_t w = 0; w < N_OS_FILES; w++) {
        for (size_t i = 0; i < c->n_os; i++) {
            const os_candidate *o = &c->os[i];
            if (o->which != (int)w || !ld_image_visible(img, os_files[w], o->layer))
                continue;
            if (w == 2) { /* /etc/alpine-release: "3.19.1\n" */
                size_t n = strcspn(o->data, "\r\n");
                if (n == 0 || n > 64)
                    continue;
                s->os_id = ld_xstrdup("alpine");
                s->os_version_id = ld_xstrndup(o->data, n);
                return;
            }
            ld_os_release rel;
            ld_error e = LD_ERROR_INIT;
            if (ld_os_release_parse(o->data, o->len, &rel, &e) < 0) {
                ld_strlist_push_owned(&s->notes, ld_xasprintf("%s: %s", os_files[w], e.msg));
                continue;
            }
            if (rel.id) {
                s->os_id = ld_steal_ptr(&rel.id);
                s->os_version_id = ld_steal_ptr(&rel.version_id);
                s->os_codename = ld_steal_ptr(&rel.version_codename);
                s->os_pretty_name = ld_steal_ptr(&rel.pretty_name);
                ld_os_release_clear(&rel);
                return;
            }
            ld_os_release_clear(&rel);
        }
    }
}

/* Was a version of path that the final file system shows delivered to
 * the catalogers? seen is sorted by cmp_seen. */
static bool delivered_visible(const collect_ctx *c, const ld_image *img, const char *path)
{
    size_t lo = 0, hi = c->n_seen;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (strcmp(c->seen[mid].path, path) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (size_t i = lo; i < c->n_seen && strcmp(c->seen[i].path, path) == 0; i++)
        if (ld_image_visible(img, path, c->seen[i].layer))
            return true;
    return false;
}

/* Unread entries as found, in order; sorted and made one per path at the end. */
typedef struct {
    ld_sbom_unread *v;
    size_t n, cap;
} unread_list;

/* Takes reason. */
static void unread_add(unread_list *l, const char *path, char *reason)
{
    ld_xgrow(&l->v, &l->cap, l->n + 1, sizeof(*l->v));
    l->v[l->n++] = (ld_sbom_unread){ld_xstrdup(path), reason};
}

static int cmp_oversize(const void *va, const void *vb)
{
    const oversize_file *a = va, *b = vb;
    int r = strcmp(a->path, b->path);
    return r ? r : (a->size > b->size) - (a->size < b->size);
}

/* Files refused for their size in sbom_wants whose refused version is the
 * one the final file system shows (a regular file of that size, or a link
 * that led to one), and that no cataloger read in another version: a note
 * each, and an unread entry when a cataloger took it as a package
 * database. */
static void note_oversize(collect_ctx *c, const ld_image *img, ld_sbom *out, unread_list *unread)
{
    if (c->n_oversize > 1)
        qsort(c->oversize, c->n_oversize, sizeof(*c->oversize), cmp_oversize);
    for (size_t i = 0; i < c->n_oversize;) {
        const char *path = c->oversize[i].path;
        size_t end = i;
        while (end < c->n_oversize && strcmp(c->oversize[end].path, path) == 0)
            end++;
        const ld_file_entry *e = ld_image_lookup(img, path);
        const oversize_file *pick = NULL;
        if (e && !delivered_visible(c, img, path)) {
            bool link = e->type == LD_FILE_SYMLINK || e->type == LD_FILE_HARDLINK;
            for (size_t k = i; k < end; k++) {
                const oversize_file *o = &c->oversize[k];
                if (!link && (e->type != LD_FILE_REGULAR || o->size != e->size))
                    continue;
                if (!pick || (!takes_as_database(pick->cat, path) &&
                              takes_as_database(o->cat, path)))
                    pick = o;
            }
        }
        if (pick) {
            char *msg = oversize_message(path, pick->cat, pick->size);
            if (takes_as_database(pick->cat, path))
                unread_add(unread, path, ld_xstrdup(msg));
            ld_strlist_push_owned(&out->notes, msg);
        }
        i = end;
    }
}

/* Package files the reader could not see named one by one in the notes;
 * the rest are counted (a hostile image can make thousands). */
#define GAP_NOTES_MAX 20

/* The image reader's gaps that concern the SBOM: a package database it
 * did not deliver (a link it could not follow, a file it could not open or
 * that was over the reader's own cap) or a directory it could not list
 * (anything may be below it). Binaries taken on speculation are left to
 * the reader's own notes. */
static void note_gaps(const collect_ctx *c, const ld_image *img, ld_sbom *out,
                      unread_list *unread)
{
    size_t n = ld_image_gap_count(img), noted = 0, unnoted = 0;
    uint64_t listed = 0;
    for (size_t i = 0; i < n; i++) {
        const ld_image_gap *g = ld_image_gap_at(img, i);
        if (!g || (g->analyzer && strcmp(g->analyzer, LD_SBOM_ANALYZER) != 0))
            continue;
        listed++;
        if (!g->subtree && g->layer >= 0 && !ld_image_visible(img, g->path, g->layer))
            continue; /* a version a later layer replaced */
        if (!g->subtree && !is_database(c->cats, g->path))
            continue;
        const char *text = g->text ? g->text : ld_image_gap_kind_name(g->kind);
        char *reason =
            strstr(text, g->path) ? ld_xstrdup(text) : ld_xasprintf("%s: %s", g->path, text);
        /* every one is in the unread list; the notes name the first few */
        if (noted < GAP_NOTES_MAX && !ld_strlist_contains(&out->notes, reason)) {
            ld_strlist_push(&out->notes, reason);
            noted++;
        } else if (noted >= GAP_NOTES_MAX) {
            unnoted++;
        }
        unread_add(unread, g->path, reason);
    }
    if (unnoted)
        ld_strlist_push_owned(&out->notes,
                              ld_xasprintf("%zu more package files the image reader could not "
                                           "read (in the list of files not read)",
                                           unnoted));
    uint64_t total = ld_image_gaps_for(img, LD_SBOM_ANALYZER, NULL);
    if (total > listed) {
        char *reason = ld_xasprintf("%llu more paths the image reader could not see (not listed)",
                                    (unsigned long long)(total - listed));
        ld_strlist_push(&out->notes, reason);
        unread_add(unread, "/", reason);
    }
}

typedef struct {
    const ld_sbom_unread *u;
    size_t order;
} unread_key;

static int cmp_unread(const void *va, const void *vb)
{
    const unread_key *a = va, *b = vb;
    int r = strcmp(a->u->path, b->u->path);
    return r ? r : (a->order > b->order) - (a->order < b->order);
}

/* Moves l into out: sorted by path, the first entry found for each path. */
static void finish_unread(unread_list *l, ld_sbom *out)
{
    if (!l->n)
        return;
    unread_key *keys = ld_xcalloc(l->n, sizeof(*keys));
    for (size_t i = 0; i < l->n; i++)
        keys[i] = (unread_key){&l->v[i], i};
    qsort(keys, l->n, sizeof(*keys), cmp_unread);
    out->unread = ld_xcalloc(l->n, sizeof(*out->unread));
    for (size_t i = 0; i < l->n; i++) {
        ld_sbom_unread *u = (ld_sbom_unread *)keys[i].u;
        if (out->n_unread && strcmp(out->unread[out->n_unread - 1].path, u->path) == 0) {
            free(u->path);
            free(u->reason);
            continue;
        }
        out->unread[out->n_unread++] = *u;
    }
    free(keys);
    free(l->v);
    *l = (unread_list){0};
}

static void set_purls(ld_sbom *s)
{
    /* distro qualifier: "<ID>-<VERSION_ID>" ("debian-12", "alpine-3.19.1"),
     * or the codename when there is no VERSION_ID (Debian testing/sid) */
    char *distro = NULL;
    if (s->os_id && (s->os_version_id || s->os_codename))
        distro =
            ld_xasprintf("%s-%s", s->os_id, s->os_version_id ? s->os_version_id : s->os_codename);
    for (size_t i = 0; i < s->packages.n; i++) {
        ld_package *p = &s->packages.items[i];
        bool os_pkg = p->eco == LD_ECO_DEB || p->eco == LD_ECO_APK || p->eco == LD_ECO_RPM;
        ld_package_set_purl(p, os_pkg ? s->os_id : NULL, os_pkg ? distro : NULL);
    }
    free(distro);
}

int ld_sbom_collect(const char *target, const ld_image_options *opt, ld_sbom *out,
                    ld_image **img_out, ld_error *err)
{
    return ld_sbom_collect_with(target, opt, NULL, 0, out, img_out, err);
}

int ld_sbom_collect_with(const char *target, const ld_image_options *opt,
                         const ld_analyzer *extra, size_t n_extra, ld_sbom *out,
                         ld_image **img_out, ld_error *err)
{
    memset(out, 0, sizeof(*out));
    if (img_out)
        *img_out = NULL;
    collect_ctx c;
    memset(&c, 0, sizeof(c));
    pthread_mutex_init(&c.lock, NULL);
    c.cats = ld_catalogers();
    ld_cataloger_budget_init(&c.budget, LD_CATALOGER_INFLATE_BUDGET);

    uint64_t max = LD_OS_RELEASE_MAX;
    for (const ld_cataloger *const *cp = c.cats; *cp; cp++)
        if ((*cp)->max_bytes > max)
            max = (*cp)->max_bytes;
    ld_analyzer an = {
        .name = LD_SBOM_ANALYZER,
        .wants = sbom_wants,
        .file = sbom_file,
        .ctx = &c,
        .max_bytes = max,
        .needs_content = sbom_needs_content,
        .wants_link = sbom_wants_link,
        .paths = named_databases,
        .cache_id = "sbom-1",
        .layer_save = sbom_layer_save,
        .layer_load = sbom_layer_load,
    };

    ld_analyzer *all = ld_xcalloc(n_extra + 1, sizeof(*all));
    all[0] = an;
    for (size_t i = 0; i < n_extra; i++)
        all[i + 1] = extra[i];
    ld_image *img = ld_image_read(target, opt, all, n_extra + 1, err);
    free(all);
    int rc = 0;
    if (!img) {
        rc = err->code < 0 ? (int)err->code : LD_ERR_GENERIC;
        ld_package_list_clear(&c.pkgs);
        goto out;
    }

    /* keep what the final file system still holds; the rest only serves
     * to find the layer that introduced each kept package */
    ld_package_list hidden = {0};
    size_t kept = 0;
    for (size_t i = 0; i < c.pkgs.n; i++) {
        ld_package *p = &c.pkgs.items[i];
        if (ld_image_visible(img, p->found_in, p->layer)) {
            c.pkgs.items[kept++] = *p;
        } else {
            ld_package *h = ld_package_list_add(&hidden, p->eco);
            *h = *p;
        }
    }
    c.pkgs.n = kept;
    if (c.n_seen > 1)
        qsort(c.seen, c.n_seen, sizeof(*c.seen), cmp_seen);
    if (hidden.n) {
        qsort(hidden.items, hidden.n, sizeof(*hidden.items), cmp_hidden);
        attribute_layers(&c.pkgs, hidden.items, hidden.n, c.seen, c.n_seen, img);
    }
    ld_package_list_clear(&hidden);
    if (c.pkgs.n > 1) /* items is NULL when nothing was found: qsort must not see it */
        qsort(c.pkgs.items, c.pkgs.n, sizeof(*c.pkgs.items), cmp_pkg);
    drop_redundant_npm_locks(&c.pkgs);
    out->packages = c.pkgs;
    /* notes about file versions a later layer replaced are not the user's concern */
    unread_list unread = {0};
    for (size_t i = 0; i < c.n_notes; i++) {
        if (!ld_image_visible(img, c.notes[i].path, c.notes[i].layer))
            continue;
        if (c.notes[i].unread)
            unread_add(&unread, c.notes[i].path, ld_xstrdup(c.notes[i].msg));
        ld_strlist_push_owned(&out->notes, ld_steal_ptr(&c.notes[i].msg));
    }
    note_oversize(&c, img, out, &unread);
    const ld_strlist *inotes = ld_image_notes(img);
    for (size_t i = 0; inotes && i < inotes->n; i++)
        ld_strlist_push(&out->notes, inotes->v[i]);
    note_gaps(&c, img, out, &unread);
    finish_unread(&unread, out);
    read_os(&c, img, out);
    set_purls(out);

    if (img_out)
        *img_out = img;
    else
        ld_image_free(img);
out:
    for (size_t i = 0; i < c.n_os; i++)
        free(c.os[i].data);
    for (size_t i = 0; i < c.n_seen; i++)
        free(c.seen[i].path);
    free(c.seen);
    for (size_t i = 0; i < c.n_notes; i++) {
        free(c.notes[i].path);
        free(c.notes[i].msg);
    }
    free(c.notes);
    for (size_t i = 0; i < c.n_oversize; i++)
        free(c.oversize[i].path);
    free(c.oversize);
    pthread_mutex_destroy(&c.lock);
    return rc;
}

void ld_sbom_clear(ld_sbom *s)
{
    ld_package_list_clear(&s->packages);
    free(s->os_id);
    free(s->os_version_id);
    free(s->os_codename);
    free(s->os_pretty_name);
    ld_strlist_clear(&s->notes);
    for (size_t i = 0; i < s->n_unread; i++) {
        free(s->unread[i].path);
        free(s->unread[i].reason);
    }
    free(s->unread);
    memset(s, 0, sizeof(*s));
}
