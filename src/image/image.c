/* ld_image_read: picks the source for a target, and everything every source
 * shares once its layers are read: checking them against the config,
 * building the fs index, history attribution, replaying deferred analyzer
 * calls, the links of the final file system (for a layered image, the
 * layers holding the targets are read a second time, only for those
 * files), the gaps, and the read-only accessors. Sources live in their own
 * files; resolving links in links.c. */
#include <fnmatch.h>
#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "checks/secrets.h"
#include "image/dir_pending.h"
#include "image/image_internal.h"
#include "image/layer_cache.h"
#include "image/resolve.h"
#include "util/cleanup.h"
#include "util/mem.h"

struct ld_image {
    char *kind, *name, *id, *manifest_digest, *config_json, *os, *arch;
    ld_layer_info *layers;
    size_t n_layers;
    ld_fs_index idx;
    ld_strlist notes;
    ld_gap_list gaps; /* sorted by path whenever a caller can see them */
    /* dir: entries that could not be read when their pending metadata
     * was (gone since the walk): filled once, while pending is cleared, so
     * a caller's pointer into gaps is never moved by it */
    ld_gap_list late_gaps;
    /* paths delivered through a symlinked directory (ld_analyzer.paths):
     * visible with the layer they were delivered with; sorted by path */
    struct ld_img_alias {
        char *path;
        int layer;
    } * aliases;
    size_t n_aliases, cap_aliases;
    /* dir: images: the paths' memory, and entries whose metadata is read
     * on first use while pending (dir_pending.h); NULL for layered images */
    ld_dir_state *dir;
    bool pending; /* __atomic */
    pthread_mutex_t pending_lock;
    bool pending_lock_ready;
    /* the layer cache in this read (ld_image_cache_stats) */
    bool cache_used;
    uint64_t cache_hits, cache_misses, cache_bytes_not_read;
};

void ld_img_dir_attach(ld_image *img, ld_dir_state *d)
{
    img->dir = d;
    pthread_mutex_init(&img->pending_lock, NULL);
    img->pending_lock_ready = true;
    __atomic_store_n(&img->pending, ld_img_dir_pending(d), __ATOMIC_RELEASE);
}

/* Fills in the dir: metadata not read yet, once, before any caller sees a
 * file entry. The accessors are const because callers only read; the
 * image itself is never a const object, so completing it here is sound. */
static void complete_metadata(const ld_image *cimg)
{
    ld_image *img = (ld_image *)cimg;
    if (!__atomic_load_n(&img->pending, __ATOMIC_ACQUIRE))
        return;
    pthread_mutex_lock(&img->pending_lock);
    if (img->pending) {
        img->idx.n_files = ld_img_dir_complete(img->dir, img->idx.files, img->idx.n_files,
                                               &img->notes, &img->late_gaps);
        ld_gap_list_sort(&img->late_gaps);
        __atomic_store_n(&img->pending, false, __ATOMIC_RELEASE);
    }
    pthread_mutex_unlock(&img->pending_lock);
}

void ld_img_resolve_options(const ld_image_options *in, ld_img_opts *out)
{
    memset(out, 0, sizeof(*out));
    if (in) {
        out->platform = in->platform;
        out->tag = in->tag;
        out->threads = in->threads;
        out->max_file_bytes = in->max_file_bytes;
        out->max_layer_bytes = in->max_layer_bytes;
        out->max_entries = in->max_entries;
        out->max_image_bytes = in->max_image_bytes;
        out->docker_host = in->docker_host;
        out->engine_timeout_ms = in->engine_timeout_ms;
        out->registry = in->registry;
        out->cache_dir = in->cache_dir;
    }
    if (out->threads <= 0) {
        long n = sysconf(_SC_NPROCESSORS_ONLN);
        out->threads = n > 0 ? (int)(n > 64 ? 64 : n) : 1;
    }
    if (!out->max_file_bytes)
        out->max_file_bytes = LD_IMG_DEFAULT_FILE_BYTES;
    if (!out->max_layer_bytes)
        out->max_layer_bytes = LD_IMG_DEFAULT_LAYER_BYTES;
    if (!out->max_entries)
        out->max_entries = LD_IMG_DEFAULT_ENTRIES;
    if (!out->max_image_bytes)
        out->max_image_bytes = LD_IMG_DEFAULT_IMAGE_BYTES;
    out->max_defer_bytes = LD_IMG_DEFAULT_DEFER_BYTES;
}

static const char *media_type_for(const char *comp)
{
    if (strcmp(comp, "gzip") == 0)
        return "application/vnd.oci.image.layer.v1.tar+gzip";
    if (strcmp(comp, "zstd") == 0)
        return "application/vnd.oci.image.layer.v1.tar+zstd";
    return "application/vnd.oci.image.layer.v1.tar";
}

ld_image *ld_img_assemble(const ld_img_parts *p, const ld_analyzer *analyzers, size_t n_analyzers,
                          ld_error *err)
{
    ld_image_config cfg;
    if (ld_image_config_parse(p->config_json, p->config_len, &cfg, err) < 0) {
        ld_error_wrap(err, "config %s", p->config_digest ? p->config_digest : "");
        return NULL;
    }
    if (cfg.n_diff_ids != p->n_layers) {
        ld_error_set(err, LD_ERR_CORRUPT,
                     "config %s lists %zu layers (rootfs.diff_ids) but the manifest has %zu",
                     p->config_digest, cfg.n_diff_ids, p->n_layers);
        ld_image_config_clear(&cfg);
        return NULL;
    }
    for (size_t i = 0; i < p->n_layers; i++) {
        if (strcmp(cfg.diff_ids[i], p->layers[i]->diff_id) != 0) {
            ld_error_set(err, LD_ERR_CORRUPT,
                         "layer %zu (%s): diff_id mismatch: the config says %s, the layer is %s", i,
                         p->layers[i]->digest, cfg.diff_ids[i], p->layers[i]->diff_id);
            ld_image_config_clear(&cfg);
            return NULL;
        }
    }
    ld_image *img = ld_xcalloc(1, sizeof(*img));
    img->kind = ld_xstrdup(p->kind);
    img->name = ld_xstrdup(p->name);
    img->id = ld_xstrdup(p->config_digest);
    img->manifest_digest = ld_xstrdup(p->manifest_digest);
    img->config_json = ld_xstrndup(p->config_json, p->config_len);
    img->os = cfg.os;
    img->arch = cfg.arch;
    cfg.os = cfg.arch = NULL;
    img->n_layers = p->n_layers;
    img->layers = ld_xcalloc(p->n_layers ? p->n_layers : 1, sizeof(*img->layers));
    bool skipped = false;
    for (size_t i = 0; i < p->n_layers; i++) {
        const ld_layer_result *r = p->layers[i];
        ld_layer_info *li = &img->layers[i];
        li->digest = ld_xstrdup(r->digest);
        li->diff_id = ld_xstrdup(r->diff_id);
        li->media_type = ld_xstrdup(p->layer_media_types && p->layer_media_types[i]
                                        ? p->layer_media_types[i]
                                        : media_type_for(r->compression ? r->compression : "none"));
        li->size = r->blob_size;
        if (i < cfg.n_history) {
            /* shown by every writer (SBOMs, vulnerability and secret
             * findings, evidence): masked once, here, where it enters the
             * model; the raw history stays in config_json for the checks */
            li->created_by = ld_secret_mask_history(NULL, cfg.created_by[i]);
            li->created = ld_xstrdup(cfg.created[i]);
        }
        for (size_t j = 0; j < r->notes.n; j++)
            ld_strlist_push(&img->notes, r->notes.v[j]);
        /* a streamed layer's position was not known while it was read */
        for (size_t j = 0; j < r->gaps.n; j++) {
            const ld_image_gap *g = &r->gaps.v[j];
            ld_gap_add(&img->gaps, g->kind, g->path, g->layer < 0 ? (int)i : g->layer, g->analyzer,
                       g->subtree, ld_xstrdup(g->text));
        }
        skipped |= r->skipped;
    }
    ld_image_config_clear(&cfg);
    /* a second read for link targets (skipped layers) wants the analyzer
     * calls only: the index of part of the layers would not hold */
    if (!skipped && ld_fs_index_build((const ld_layer_result *const *)p->layers, p->n_layers,
                                      &img->idx, err) < 0)
        goto fail;
    for (size_t i = 0; i < p->n_layers; i++) {
        const ld_layer_result *r = p->layers[i];
        for (size_t j = 0; j < r->n_deferred; j++) {
            const ld_deferred_call *d = &r->deferred[j];
            if (d->analyzer >= n_analyzers)
                continue;
            const ld_analyzer *an = &analyzers[d->analyzer];
            if (an->file(d->path, (int)i, d->data, d->len, an->ctx, err) < 0) {
                if (err->code == LD_OK)
                    ld_error_set(err, LD_ERR_GENERIC, "analyzer %s failed on %s",
                                 an->name ? an->name : "?", d->path);
                ld_error_wrap(err, "layer %zu (%s)", i, r->digest);
                goto fail;
            }
        }
    }
    return img;
fail:
    ld_image_free(img);
    return NULL;
}

ld_image *ld_img_new_dir(const char *name, ld_file_entry *files, size_t n, ld_strlist *notes)
{
    ld_image *img = ld_xcalloc(1, sizeof(*img));
    img->kind = ld_xstrdup("dir");
    img->name = ld_xstrdup(name);
    img->idx.files = files;
    img->idx.n_files = n;
    if (notes) {
        img->notes = *notes;
        memset(notes, 0, sizeof(*notes));
    }
    return img;
}

/* path with and without its leading '/' against glob g */
static bool path_matches(const char *g, const char *path)
{
    const char *bare = path[0] == '/' ? path + 1 : path;
    return fnmatch(g, path, 0) == 0 || fnmatch(g, bare, 0) == 0 ||
           (g[0] == '/' && fnmatch(g + 1, bare, 0) == 0);
}

bool ld_image_path_skipped(const ld_image_options *opt, const char *path)
{
    if (!opt)
        return false;
    for (size_t i = 0; opt->skip_files && i < opt->skip_files->n; i++)
        if (path_matches(opt->skip_files->v[i], path))
            return true;
    if (!opt->skip_dirs || !opt->skip_dirs->n)
        return false;
    /* every ancestor directory of path, "/a", "/a/b", ... */
    char buf[4096];
    size_t n = strlen(path);
    if (n >= sizeof(buf))
        n = sizeof(buf) - 1;
    memcpy(buf, path, n);
    buf[n] = '\0';
    for (char *p = buf + 1; (p = strchr(p, '/')) != NULL; p++) {
        *p = '\0';
        for (size_t i = 0; i < opt->skip_dirs->n; i++) {
            char g[1024];
            size_t gl = strlen(opt->skip_dirs->v[i]);
            /* "usr/share/" and "usr/share" name the same directory */
            snprintf(g, sizeof(g), "%.*s",
                     (int)(gl > 1 && opt->skip_dirs->v[i][gl - 1] == '/' ? gl - 1 : gl),
                     opt->skip_dirs->v[i]);
            if (path_matches(g, buf)) {
                *p = '/';
                return true;
            }
        }
        *p = '/';
    }
    return false;
}

/* An analyzer seen through the skip selection. */
typedef struct {
    const ld_analyzer *inner;
    const ld_image_options *opt;
    pthread_mutex_t *lock;
} skip_wrap;

static bool skip_wants(const char *path, uint64_t size, void *ctx)
{
    skip_wrap *w = ctx;
    if (ld_image_path_skipped(w->opt, path)) {
        if (w->opt->skipped) {
            pthread_mutex_lock(w->lock);
            (*w->opt->skipped)++;
            pthread_mutex_unlock(w->lock);
        }
        return false;
    }
    return w->inner->wants(path, size, w->inner->ctx);
}

static int skip_file(const char *path, int layer, const uint8_t *data, size_t len, void *ctx,
                     ld_error *err)
{
    skip_wrap *w = ctx;
    return w->inner->file(path, layer, data, len, w->inner->ctx, err);
}

/* The layer cache's save and restore, with the analyzer's own context. */
static int skip_layer_save(void *ctx, int layer, struct ld_cache_writer *w, ld_error *err)
{
    skip_wrap *sw = ctx;
    return sw->inner->layer_save(sw->inner->ctx, layer, w, err);
}

static int skip_layer_load(void *ctx, int layer, const uint8_t *data, size_t len, bool apply,
                           ld_error *err)
{
    skip_wrap *sw = ctx;
    return sw->inner->layer_load(sw->inner->ctx, layer, data, len, apply, err);
}

/* A link left out by the selection is not counted: links never were. */
static bool skip_wants_link(const char *path, const char *target, uint64_t size, void *ctx)
{
    skip_wrap *w = ctx;
    if (ld_image_path_skipped(w->opt, path))
        return false;
    return ld_img_takes_link(w->inner, path, target, size);
}

static ld_image *read_by_kind(const char *target, const ld_image_options *options,
                              const ld_analyzer *analyzers, size_t n_analyzers,
                              const ld_strlist *only_layers, ld_layer_cache *cache, ld_error *err);
static int follow_links(ld_image *img, const char *target, const ld_image_options *options,
                        const ld_analyzer *an, size_t n_an, ld_error *err);

ld_image *ld_image_read(const char *target, const ld_image_options *options,
                        const ld_analyzer *analyzers, size_t n_analyzers, ld_error *err)
{
    bool skipping = options && ((options->skip_dirs && options->skip_dirs->n) ||
                                (options->skip_files && options->skip_files->n));
    pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
    skip_wrap *w = NULL;
    ld_analyzer *wrapped = NULL;
    const ld_analyzer *an = analyzers;
    ld_image_options quiet;
    if (skipping) {
        /* every analyzer asks the skip selection first; a file is counted
         * once (by the first analyzer that would have been asked) */
        w = ld_xcalloc(n_analyzers ? n_analyzers : 1, sizeof(*w));
        wrapped = ld_xcalloc(n_analyzers ? n_analyzers : 1, sizeof(*wrapped));
        quiet = *options;
        quiet.skipped = NULL;
        for (size_t i = 0; i < n_analyzers; i++) {
            w[i] = (skip_wrap){
                .inner = &analyzers[i], .opt = i == 0 ? options : &quiet, .lock = &lock};
            wrapped[i] = analyzers[i];
            if (analyzers[i].wants && analyzers[i].file) {
                wrapped[i].wants = skip_wants;
                wrapped[i].file = skip_file;
                wrapped[i].wants_link = skip_wants_link;
                wrapped[i].ctx = &w[i];
                if (analyzers[i].layer_save && analyzers[i].layer_load) {
                    wrapped[i].layer_save = skip_layer_save;
                    wrapped[i].layer_load = skip_layer_load;
                }
            }
        }
        an = wrapped;
    }
    /* the layer cache: keyed by what the analyzers are, not by how the
     * skip selection wraps them (the selection is in the key itself) */
    ld_img_opts resolved;
    ld_img_resolve_options(options, &resolved);
    ld_layer_cache *cache =
        ld_layer_cache_open(resolved.cache_dir, options, &resolved, analyzers, n_analyzers);
    ld_image *img = read_by_kind(target, options, an, n_analyzers, NULL, cache, err);
    if (img && cache) {
        ld_strlist notes;
        ld_layer_cache_take_notes(cache, &notes);
        ld_img_add_notes(img, &notes);
        ld_layer_cache_counts(cache, &img->cache_hits, &img->cache_misses,
                              &img->cache_bytes_not_read);
        img->cache_used = img->cache_hits + img->cache_misses > 0;
    }
    ld_layer_cache_free(cache);
    if (img && follow_links(img, target, options, an, n_analyzers, err) < 0) {
        ld_image_free(img);
        img = NULL;
    }
    if (img)
        ld_gap_list_sort(&img->gaps);
    free(wrapped);
    free(w);
    return img;
}

/* ---- links of a layered image -------------------------------------------- */

static const ld_file_entry *find_entry(const ld_image *img, const char *path);

/* Is path a directory no entry names ("/etc" of a layer holding only
 * "etc/passwd")? The paths below it are contiguous in the sorted index. */
static bool implied_dir(const ld_image *img, const char *path)
{
    size_t pl = strlen(path);
    char *below = ld_xmalloc(pl + 2);
    memcpy(below, path, pl);
    below[pl] = '/';
    below[pl + 1] = '\0';
    size_t lo = 0, hi = img->idx.n_files;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (strcmp(img->idx.files[mid].path, below) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    bool found = lo < img->idx.n_files && strncmp(img->idx.files[lo].path, below, pl + 1) == 0;
    free(below);
    return found;
}

/* ld_link_lookup_fn over the final index */
static void index_lookup(void *ctx, const char *path, ld_link_node *nd)
{
    const ld_image *img = ctx;
    const ld_file_entry *e = find_entry(img, path);
    if (!e) {
        nd->kind = implied_dir(img, path) ? LD_NODE_DIR : LD_NODE_MISSING;
        return;
    }
    ld_file_type type = e->type;
    const char *link = e->link, *content = NULL;
    int layer = e->layer;
    if (type == LD_FILE_HARDLINK) {
        const ld_fs_hardlink *h = ld_fs_index_hardlink(&img->idx, path);
        if (!h) {
            nd->kind = LD_NODE_MISSING;
            return;
        }
        type = h->src_type;
        link = h->src_link;
        content = h->src_path;
        layer = h->src_layer;
    }
    switch (type) {
    case LD_FILE_DIR: nd->kind = LD_NODE_DIR; break;
    case LD_FILE_REGULAR:
        nd->kind = LD_NODE_FILE;
        nd->content = content;
        nd->layer = layer;
        nd->size = e->size;
        break;
    case LD_FILE_SYMLINK:
        nd->kind = LD_NODE_SYMLINK;
        nd->link = link;
        break;
    default:
        nd->kind = LD_NODE_OTHER;
        nd->type = type;
        break;
    }
}

/* One file version the second read is to keep. */
typedef struct {
    const char *path;
    int layer;
    uint64_t size;
    uint8_t *data;
    size_t len;
    bool got, over;
} fetch_item;

typedef struct {
    pthread_mutex_t lock;
    fetch_item *v; /* sorted by path, layer */
    size_t n;
    uint64_t used, max;
} fetch_ctx;

static int cmp_fetch(const void *va, const void *vb)
{
    const fetch_item *a = va, *b = vb;
    int r = strcmp(a->path, b->path);
    return r ? r : (a->layer > b->layer) - (a->layer < b->layer);
}

/* The first item at or after (path, layer). */
static size_t fetch_lower(const fetch_ctx *f, const char *path, int layer)
{
    fetch_item key = {.path = path, .layer = layer};
    size_t lo = 0, hi = f->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (cmp_fetch(&f->v[mid], &key) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static bool fetch_wants(const char *path, uint64_t size, void *ctx)
{
    const fetch_ctx *f = ctx;
    for (size_t i = fetch_lower(f, path, INT_MIN); i < f->n && strcmp(f->v[i].path, path) == 0; i++)
        if (f->v[i].size == size)
            return true;
    return false;
}

static int fetch_file(const char *path, int layer, const uint8_t *data, size_t len, void *ctx,
                      ld_error *err)
{
    (void)err;
    fetch_ctx *f = ctx;
    size_t i = fetch_lower(f, path, layer);
    if (i == f->n || f->v[i].layer != layer || strcmp(f->v[i].path, path) != 0 ||
        f->v[i].size != len)
        return 0;
    fetch_item *it = &f->v[i];
    pthread_mutex_lock(&f->lock);
    if (!it->got && !it->over) {
        if (f->used + len > f->max) {
            it->over = true;
        } else {
            it->data = ld_xmalloc(len + 1);
            memcpy(it->data, data, len);
            it->data[len] = '\0';
            it->len = len;
            it->got = true;
            f->used += len;
        }
    }
    pthread_mutex_unlock(&f->lock);
    return 0;
}

static void add_alias(ld_image *img, const char *path, int layer)
{
    ld_xgrow(&img->aliases, &img->cap_aliases, img->n_aliases + 1, sizeof(*img->aliases));
    size_t at = img->n_aliases;
    while (at > 0 && strcmp(img->aliases[at - 1].path, path) > 0)
        at--;
    memmove(&img->aliases[at + 1], &img->aliases[at],
            (img->n_aliases - at) * sizeof(*img->aliases));
    img->aliases[at] = (struct ld_img_alias){ld_xstrdup(path), layer};
    img->n_aliases++;
}

void ld_img_add_alias(ld_image *img, const char *path, int layer)
{
    add_alias(img, path, layer);
}

void ld_img_take_gaps(ld_image *img, ld_gap_list *gaps)
{
    ld_gap_list_move(&img->gaps, gaps);
}

void ld_img_add_notes(ld_image *img, ld_strlist *notes)
{
    for (size_t i = 0; i < notes->n; i++)
        ld_strlist_push_owned(&img->notes, ld_steal_ptr(&notes->v[i]));
    ld_strlist_clear(notes);
}

/* Reads the layers holding the planned targets a second time, keeping only
 * those file versions, and makes the planned analyzer calls. The image
 * must be the same one (its config digest): otherwise, or when it cannot
 * be read again, every planned call becomes a gap. */
static int deliver(ld_image *img, const char *target, const ld_image_options *options,
                   const ld_analyzer *an, ld_link_plan *plan, ld_error *err)
{
    fetch_ctx f = {.max = LD_IMG_DEFAULT_DEFER_BYTES};
    pthread_mutex_init(&f.lock, NULL);
    f.v = ld_xcalloc(plan->n, sizeof(*f.v));
    ld_strlist layers = {0};
    uint64_t biggest = 0;
    for (size_t i = 0; i < plan->n; i++) {
        const ld_link_delivery *d = &plan->v[i];
        f.v[f.n++] = (fetch_item){.path = d->content, .layer = d->content_layer, .size = d->size};
        if (d->size > biggest)
            biggest = d->size;
        const ld_layer_info *li = ld_image_layer(img, (size_t)d->content_layer);
        if (d->content_layer >= 0 && li && li->diff_id &&
            !ld_strlist_contains(&layers, li->diff_id))
            ld_strlist_push(&layers, li->diff_id);
    }
    qsort(f.v, f.n, sizeof(*f.v), cmp_fetch);
    size_t u = 0;
    for (size_t i = 0; i < f.n; i++)
        if (u == 0 || cmp_fetch(&f.v[u - 1], &f.v[i]) != 0)
            f.v[u++] = f.v[i];
    f.n = u;
    ld_analyzer collector = {.name = "links",
                             .wants = fetch_wants,
                             .file = fetch_file,
                             .ctx = &f,
                             .max_bytes = biggest ? biggest : 1};
    ld_error again = LD_ERROR_INIT;
    /* not through the cache: the collector's files are no analyzer's */
    ld_image *second = read_by_kind(target, options, &collector, 1, &layers, NULL, &again);
    ld_autofree char *why = NULL;
    if (!second)
        why = ld_xasprintf("the image could not be read a second time: %s", again.msg);
    else if (!ld_image_id(img) || !ld_image_id(second) ||
             strcmp(ld_image_id(img), ld_image_id(second)) != 0)
        why = ld_xstrdup("the image changed between two reads");
    ld_image_free(second);
    int rc = 0;
    for (size_t i = 0; i < plan->n && rc == 0; i++) {
        const ld_link_delivery *d = &plan->v[i];
        const ld_analyzer *a = &an[d->analyzer];
        size_t k = fetch_lower(&f, d->content, d->content_layer);
        const fetch_item *it =
            k < f.n && f.v[k].layer == d->content_layer && strcmp(f.v[k].path, d->content) == 0
                ? &f.v[k]
                : NULL;
        if (why || !it || !it->got) {
            const char *what = why              ? why
                               : it && it->over ? "the link targets of this image are over "
                                                  "512 MiB in all"
                                                : "it was not found in a second read";
            char *text = ld_xasprintf("the content of %.200s (layer %d), which %.200s leads "
                                      "to, was not read: %s",
                                      d->content, d->content_layer, d->path, what);
            if (i < 1000) /* notes about links; the gaps count every one */
                ld_strlist_push_owned(&img->notes, ld_xasprintf("%s; not analysed", text));
            ld_gap_add(&img->gaps, LD_GAP_READ, d->path, d->layer, a->name ? a->name : "?", false,
                       text);
            continue;
        }
        if (a->file(d->path, d->layer, it->data, it->len, a->ctx, err) < 0) {
            if (err->code == LD_OK)
                ld_error_set(err, LD_ERR_GENERIC, "analyzer %s failed on %s",
                             a->name ? a->name : "?", d->path);
            rc = err->code;
        } else if (d->alias) {
            add_alias(img, d->path, d->layer);
        }
    }
    for (size_t i = 0; i < f.n; i++)
        free(f.v[i].data);
    free(f.v);
    pthread_mutex_destroy(&f.lock);
    ld_strlist_clear(&layers);
    return rc;
}

/* The links of a layered image's final file system, for every analyzer
 * (a dir: source follows its own, under its root fd). */
static int follow_links(ld_image *img, const char *target, const ld_image_options *options,
                        const ld_analyzer *an, size_t n_an, ld_error *err)
{
    if (img->dir || !n_an)
        return 0;
    ld_img_opts opt;
    ld_img_resolve_options(options, &opt);
    ld_link_plan plan;
    ld_img_plan_links(img->idx.files, img->idx.n_files, index_lookup, img, an, n_an, &opt, &plan);
    ld_gap_list_move(&img->gaps, &plan.gaps);
    for (size_t i = 0; i < plan.notes.n; i++)
        ld_strlist_push(&img->notes, plan.notes.v[i]);
    int rc = plan.n ? deliver(img, target, options, an, &plan, err) : 0;
    ld_link_plan_clear(&plan);
    return rc;
}

static ld_image *read_by_kind(const char *target, const ld_image_options *options,
                              const ld_analyzer *analyzers, size_t n_analyzers,
                              const ld_strlist *only_layers, ld_layer_cache *cache, ld_error *err)
{
    ld_img_opts opt;
    ld_img_resolve_options(options, &opt);
    opt.only_layers = only_layers;
    opt.cache = cache;
    uint64_t image_bytes = 0; /* every layer of this read counts here */
    opt.image_bytes = &image_bytes;
    uint64_t image_entries = 0; /* and its tar entries */
    opt.image_entries = &image_entries;
    ld_src_kind kind;
    const char *rest;
    if (!target || !*target) {
        ld_error_set(err, LD_ERR_INVALID, "no image given");
        return NULL;
    }
    if (ld_img_detect_source(target, &kind, &rest, err) < 0)
        return NULL;
    switch (kind) {
    case LD_SRC_DOCKER_ARCHIVE:
        return ld_img_read_archive_file("docker-archive", rest, &opt, analyzers, n_analyzers, err);
    case LD_SRC_OCI_ARCHIVE:
        return ld_img_read_archive_file("oci-archive", rest, &opt, analyzers, n_analyzers, err);
    case LD_SRC_OCI_DIR: return ld_img_read_oci_dir(rest, &opt, analyzers, n_analyzers, err);
    case LD_SRC_DIR: return ld_img_read_dir(rest, &opt, analyzers, n_analyzers, err);
    case LD_SRC_ENGINE:
        /* a bare name (no docker: prefix): the engine's when it holds it, else pulled */
        if (rest == target)
            return ld_img_read_bare_name(rest, &opt, analyzers, n_analyzers, err);
        return ld_img_read_engine(rest, &opt, analyzers, n_analyzers, err);
    case LD_SRC_REGISTRY: return ld_img_read_registry(rest, &opt, analyzers, n_analyzers, err);
    default:
        ld_error_set(err, LD_ERR_INVALID, "cannot tell what kind of image \"%s\" is", target);
        return NULL;
    }
}

void ld_image_free(ld_image *img)
{
    if (!img)
        return;
    free(img->kind);
    free(img->name);
    free(img->id);
    free(img->manifest_digest);
    free(img->config_json);
    free(img->os);
    free(img->arch);
    for (size_t i = 0; i < img->n_layers; i++) {
        ld_layer_info *l = &img->layers[i];
        free(l->digest);
        free(l->diff_id);
        free(l->media_type);
        free(l->created_by);
        free(l->created);
    }
    free(img->layers);
    if (img->dir)
        ld_img_dir_state_free(img->dir, img->idx.files, img->idx.n_files);
    ld_gap_list_clear(&img->gaps);
    ld_gap_list_clear(&img->late_gaps);
    for (size_t i = 0; i < img->n_aliases; i++)
        free(img->aliases[i].path);
    free(img->aliases);
    if (img->pending_lock_ready)
        pthread_mutex_destroy(&img->pending_lock);
    ld_fs_index_clear(&img->idx);
    ld_strlist_clear(&img->notes);
    free(img);
}

const char *ld_image_source_kind(const ld_image *img)
{
    return img->kind;
}
const char *ld_image_name(const ld_image *img)
{
    return img->name;
}
const char *ld_image_id(const ld_image *img)
{
    return img->id;
}
const char *ld_image_manifest_digest(const ld_image *img)
{
    return img->manifest_digest;
}
const char *ld_image_config_json(const ld_image *img)
{
    return img->config_json;
}
const char *ld_image_os(const ld_image *img)
{
    return img->os;
}
const char *ld_image_arch(const ld_image *img)
{
    return img->arch;
}
size_t ld_image_layer_count(const ld_image *img)
{
    return img->n_layers;
}
const ld_layer_info *ld_image_layer(const ld_image *img, size_t i)
{
    return i < img->n_layers ? &img->layers[i] : NULL;
}
size_t ld_image_file_count(const ld_image *img)
{
    complete_metadata(img);
    return img->idx.n_files;
}
const ld_file_entry *ld_image_file(const ld_image *img, size_t i)
{
    complete_metadata(img);
    return i < img->idx.n_files ? &img->idx.files[i] : NULL;
}

/* Binary search by path; the entry's metadata may still be pending. */
static const ld_file_entry *find_entry(const ld_image *img, const char *path)
{
    size_t lo = 0, hi = img->idx.n_files;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(img->idx.files[mid].path, path);
        if (c == 0)
            return &img->idx.files[mid];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

const ld_file_entry *ld_image_lookup(const ld_image *img, const char *path)
{
    complete_metadata(img);
    return find_entry(img, path);
}

/* A path delivered through a symlinked directory, with that layer? */
static bool alias_visible(const ld_image *img, const char *path, int layer)
{
    size_t lo = 0, hi = img->n_aliases;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (strcmp(img->aliases[mid].path, path) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (; lo < img->n_aliases && strcmp(img->aliases[lo].path, path) == 0; lo++)
        if (img->aliases[lo].layer == layer)
            return true;
    return false;
}

/* Needs the path and layer only: never waits for dir: metadata. */
bool ld_image_visible(const ld_image *img, const char *path, int layer)
{
    ld_image *m = (ld_image *)img;
    if (!__atomic_load_n(&m->pending, __ATOMIC_ACQUIRE)) {
        const ld_file_entry *e = find_entry(img, path);
        return e ? e->layer == layer : alias_visible(img, path, layer);
    }
    /* another thread may be completing the metadata */
    pthread_mutex_lock(&m->pending_lock);
    const ld_file_entry *e = find_entry(img, path);
    bool visible = e ? e->layer == layer : alias_visible(img, path, layer);
    pthread_mutex_unlock(&m->pending_lock);
    return visible;
}

size_t ld_image_removed_count(const ld_image *img)
{
    return img->idx.n_removed;
}
const ld_removed_file *ld_image_removed(const ld_image *img, size_t i)
{
    return i < img->idx.n_removed ? &img->idx.removed[i] : NULL;
}
const ld_strlist *ld_image_notes(const ld_image *img)
{
    return &img->notes;
}

bool ld_image_cache_stats(const ld_image *img, uint64_t *hits, uint64_t *misses,
                          uint64_t *bytes_not_read)
{
    if (hits)
        *hits = img->cache_hits;
    if (misses)
        *misses = img->cache_misses;
    if (bytes_not_read)
        *bytes_not_read = img->cache_bytes_not_read;
    return img->cache_used;
}

/* The gaps, then those found when a dir: image's pending metadata was
 * read (asking for gaps does not read it: an SBOM needs paths only). */
static const ld_gap_list *late(const ld_image *img)
{
    static const ld_gap_list none;
    return __atomic_load_n(&img->pending, __ATOMIC_ACQUIRE) ? &none : &img->late_gaps;
}

size_t ld_image_gap_count(const ld_image *img)
{
    return img->gaps.n + late(img)->n;
}

const ld_image_gap *ld_image_gap_at(const ld_image *img, size_t i)
{
    if (i < img->gaps.n)
        return &img->gaps.v[i];
    i -= img->gaps.n;
    return i < late(img)->n ? &late(img)->v[i] : NULL;
}

static bool gap_concerns(const ld_image_gap *g, const char *analyzer)
{
    return !g->analyzer || (analyzer && strcmp(g->analyzer, analyzer) == 0);
}

uint64_t ld_image_gaps_for(const ld_image *img, const char *analyzer, const ld_image_gap **first)
{
    uint64_t n = 0;
    if (first)
        *first = NULL;
    const ld_gap_list *lists[] = {&img->gaps, late(img)};
    for (size_t l = 0; l < 2; l++) {
        for (size_t i = 0; i < lists[l]->n; i++) {
            const ld_image_gap *g = &lists[l]->v[i];
            if (!gap_concerns(g, analyzer))
                continue;
            /* the first by path of both lists */
            if (first && (!*first || strcmp(g->path, (*first)->path) < 0))
                *first = g;
            n++;
        }
        for (size_t i = 0; i < lists[l]->n_dropped; i++) {
            const char *a = lists[l]->dropped[i].analyzer;
            if (!a || (analyzer && strcmp(a, analyzer) == 0))
                n += lists[l]->dropped[i].n;
        }
    }
    return n;
}

const ld_image_gap *ld_image_gap_find(const ld_image *img, const char *path, const char *analyzer)
{
    size_t pl = strlen(path);
    size_t total = ld_image_gap_count(img);
    for (size_t i = 0; i < total; i++) {
        const ld_image_gap *g = ld_image_gap_at(img, i);
        if (!gap_concerns(g, analyzer))
            continue;
        if (strcmp(g->path, path) == 0)
            return g;
        size_t gl = strlen(g->path);
        /* an index gap about a directory above path */
        if (!g->analyzer && g->subtree && gl < pl &&
            (strcmp(g->path, "/") == 0 || (strncmp(g->path, path, gl) == 0 && path[gl] == '/')))
            return g;
    }
    return NULL;
}
