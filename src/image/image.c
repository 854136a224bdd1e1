/* ld_image_read: picks the source for a target, and everything every source
 * shares once its layers are read: checking them against the config,
 * building the fs index, history attribution, replaying deferred analyzer
 * calls, and the read-only accessors. Sources live in their own files. */
#include <fnmatch.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "checks/secrets.h"
#include "image/dir_pending.h"
#include "image/image_internal.h"
#include "util/mem.h"

struct ld_image {
    char *kind, *name, *id, *manifest_digest, *config_json, *os, *arch;
    ld_layer_info *layers;
    size_t n_layers;
    ld_fs_index idx;
    ld_strlist notes;
    /* dir: images: the paths' memory, and entries whose metadata is read
     * on first use while pending (dir_pending.h); NULL for layered images */
    ld_dir_state *dir;
    bool pending; /* __atomic */
    pthread_mutex_t pending_lock;
    bool pending_lock_ready;
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
        img->idx.n_files =
            ld_img_dir_complete(img->dir, img->idx.files, img->idx.n_files, &img->notes);
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
        out->docker_host = in->docker_host;
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
    }
    ld_image_config_clear(&cfg);
    if (ld_fs_index_build((const ld_layer_result *const *)p->layers, p->n_layers, &img->idx, err) <
        0)
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
            snprintf(g, sizeof(g), "%.*s", (int)(gl > 1 && opt->skip_dirs->v[i][gl - 1] == '/' ? gl - 1 : gl),
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

static ld_image *read_by_kind(const char *target, const ld_image_options *options,
                              const ld_analyzer *analyzers, size_t n_analyzers, ld_error *err);

ld_image *ld_image_read(const char *target, const ld_image_options *options,
                        const ld_analyzer *analyzers, size_t n_analyzers, ld_error *err)
{
    bool skipping = options && ((options->skip_dirs && options->skip_dirs->n) ||
                                (options->skip_files && options->skip_files->n));
    if (!skipping)
        return read_by_kind(target, options, analyzers, n_analyzers, err);
    /* every analyzer asks the skip selection first; a file is counted once
     * (by the first analyzer that would have been asked) */
    pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
    skip_wrap *w = ld_xcalloc(n_analyzers ? n_analyzers : 1, sizeof(*w));
    ld_analyzer *an = ld_xcalloc(n_analyzers ? n_analyzers : 1, sizeof(*an));
    ld_image_options quiet = *options;
    for (size_t i = 0; i < n_analyzers; i++) {
        w[i] = (skip_wrap){.inner = &analyzers[i], .opt = i == 0 ? options : &quiet, .lock = &lock};
        an[i] = analyzers[i];
        if (analyzers[i].wants && analyzers[i].file) {
            an[i].wants = skip_wants;
            an[i].file = skip_file;
            an[i].ctx = &w[i];
        }
    }
    quiet.skipped = NULL;
    ld_image *img = read_by_kind(target, options, an, n_analyzers, err);
    free(an);
    free(w);
    return img;
}

static ld_image *read_by_kind(const char *target, const ld_image_options *options,
                              const ld_analyzer *analyzers, size_t n_analyzers, ld_error *err)
{
    ld_img_opts opt;
    ld_img_resolve_options(options, &opt);
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
    case LD_SRC_ENGINE: return ld_img_read_engine(rest, &opt, analyzers, n_analyzers, err);
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

/* Needs the path and layer only: never waits for dir: metadata. */
bool ld_image_visible(const ld_image *img, const char *path, int layer)
{
    ld_image *m = (ld_image *)img;
    if (!__atomic_load_n(&m->pending, __ATOMIC_ACQUIRE)) {
        const ld_file_entry *e = find_entry(img, path);
        return e && e->layer == layer;
    }
    /* another thread may be completing the metadata */
    pthread_mutex_lock(&m->pending_lock);
    const ld_file_entry *e = find_entry(img, path);
    bool visible = e && e->layer == layer;
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
