/* Outer archives: a `docker save` tar (legacy layout, or Docker >= 25 with
 * an OCI layout inside and manifest.json still present) or an OCI layout in
 * a tar, optionally compressed as a whole (gzip, zstd). Read in ONE
 * streaming pass: small JSON documents are kept in memory, every layer blob
 * is streamed through ld_layer_stream as it appears, and blobs are matched
 * to manifest.json / index.json at the end (the engine's export puts
 * manifest.json after the layers). Analyzer calls for layers whose index is
 * not yet known are deferred (bounded); the layer cache knows a streamed
 * layer by its member name (layer_cache.h, "streamed archives"). An
 * uncompressed archive file gets a cheap first pass instead (documents and
 * member offsets only, layer data skipped with lseek); its layers are then
 * read with pread from those offsets, in parallel, each knowing its index
 * and expected digests.
 * Not for OCI layout directories (oci_layout.c). */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>

#include "image/image_internal.h"
#include "image/layer_cache.h"
#include "util/cleanup.h"
#include "util/input_file.h"
#include "util/mem.h"

#define PEEK 512
#define MAX_OUTER_ENTRIES 200000
#define MAX_DOC_TOTAL ((uint64_t)256 * 1024 * 1024)
#define MAX_NESTED_INDEX 4

typedef struct {
    char *path;
    char *data;
    size_t len;
} doc;

typedef struct {
    char *path;
    ld_layer_result res;
    /* the layer cache (layer_cache.h, "streamed archives"): a hit whose
     * saved analyzers wait for the manifest's positions; a streamed layer
     * that was read, to be kept once the image is assembled */
    ld_layer_cache_held *held;
    bool keep;
} blob_layer;

typedef struct {
    char *path, *target;
} alias;

/* A member that looked like a JSON document but was too large to keep:
 * remembered so that a missing manifest or config can be reported as over
 * the limit rather than as absent. */
typedef struct {
    char *path;
    uint64_t size;
} big_doc;

/* What the first pass decided: which archive paths are layers, at which
 * positions (a blob listed several times is read once). */
typedef struct {
    char *path;
    int *positions;
    size_t n_positions;
    char *digest, *diff_id;
} planned;

/* Where a regular member's data lies in an uncompressed archive file. */
typedef struct {
    char *path;
    int64_t offset, size;
} member_loc;

typedef struct {
    const ld_img_opts *opt;
    const ld_analyzer *an;
    size_t n_an;
    doc *docs;
    size_t n_docs, cap_docs;
    uint64_t doc_bytes;
    blob_layer *layers;
    size_t n_layers, cap_layers;
    alias *aliases;
    size_t n_aliases, cap_aliases;
    big_doc *big;
    size_t n_big, cap_big;
    planned *plan; /* NULL: one pass, everything deferred */
    size_t n_plan;
    bool docs_only;
    member_loc *locs; /* recorded by the first pass over a file */
    size_t n_locs, cap_locs;
    bool record_locs;
    ld_defer_budget budget;
} walk;

static void walk_clear(walk *w)
{
    for (size_t i = 0; i < w->n_docs; i++) {
        free(w->docs[i].path);
        free(w->docs[i].data);
    }
    free(w->docs);
    for (size_t i = 0; i < w->n_layers; i++) {
        free(w->layers[i].path);
        ld_layer_result_clear(&w->layers[i].res);
        ld_layer_cache_held_free(w->layers[i].held);
    }
    free(w->layers);
    for (size_t i = 0; i < w->n_aliases; i++) {
        free(w->aliases[i].path);
        free(w->aliases[i].target);
    }
    free(w->aliases);
    for (size_t i = 0; i < w->n_big; i++)
        free(w->big[i].path);
    free(w->big);
    w->big = NULL;
    w->n_big = 0;
    for (size_t i = 0; i < w->n_plan; i++) {
        free(w->plan[i].path);
        free(w->plan[i].positions);
        free(w->plan[i].digest);
        free(w->plan[i].diff_id);
    }
    free(w->plan);
    for (size_t i = 0; i < w->n_locs; i++)
        free(w->locs[i].path);
    free(w->locs);
    w->locs = NULL;
    w->n_locs = 0;
    w->docs = NULL;
    w->layers = NULL;
    w->aliases = NULL;
    w->plan = NULL;
    w->n_docs = w->n_layers = w->n_aliases = w->n_plan = 0;
}

/* "./a//b" -> "a/b"; NULL when it has ".." or is absolute/empty. Caller frees. */
static char *clean_member(const char *name)
{
    ld_error e = LD_ERROR_INIT;
    if (!name || name[0] == '/')
        return NULL;
    char *p = ld_img_normalize_path(name, LD_IMG_MAX_PATH, &e);
    if (!p)
        return NULL;
    if (strcmp(p, "/") == 0) {
        free(p);
        return NULL;
    }
    memmove(p, p + 1, strlen(p));
    return p;
}

/* The archive path a member symlink at path points to, ".." resolved
 * lexically; NULL when it leaves the archive or is absolute. Caller frees. */
static char *link_target(const char *path, const char *t)
{
    if (!t || !*t || t[0] == '/' || strlen(t) > LD_IMG_MAX_PATH)
        return NULL;
    char *joined = ld_xasprintf("%s/../%s", path, t); /* the link's directory, then t */
    char *out = ld_xmalloc(strlen(joined) + 1);
    size_t o = 0;
    bool ok = true;
    for (char *c = joined, *next; c && ok; c = next) {
        next = strchr(c, '/');
        if (next)
            *next++ = '\0';
        if (!*c || strcmp(c, ".") == 0)
            continue;
        if (strcmp(c, "..") == 0) {
            if (o == 0) {
                ok = false;
                break;
            }
            while (o > 0 && out[o - 1] != '/')
                o--;
            if (o > 0)
                o--; /* drop the separator too */
            continue;
        }
        if (o)
            out[o++] = '/';
        memcpy(out + o, c, strlen(c));
        o += strlen(c);
    }
    free(joined);
    out[o] = '\0';
    if (!ok || o == 0) {
        free(out);
        return NULL;
    }
    return out;
}

/* ---- looking members up ---------------------------------------------------
 * The walk appends documents, layers, symlinks and member offsets as they
 * come; index_walk then sorts each array by path (every element type
 * starts with its char *path) and refuses a path that appears twice, and
 * lookups are binary searches. An archive of 200,000 members costs
 * O(n log n), not a pairwise scan, and no member name can make it slower. */

static int cmp_path(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The element of base[0..n) (each size bytes, sorted by path) whose path
 * is path, or NULL; *dup (may be NULL) tells whether a neighbour has the
 * same path. */
/* The path an element starts with (elements are byte offsets into base:
 * read the pointer without assuming its alignment). */
static const char *path_at(const char *at)
{
    const char *p;
    memcpy(&p, at, sizeof(p));
    return p;
}

static void *find_path(const void *base, size_t n, size_t size, const char *path, bool *dup)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const char *at = (const char *)base + mid * size;
        int c = strcmp(path_at(at), path);
        if (c == 0) {
            if (dup)
                *dup = (mid > 0 && strcmp(path_at(at - size), path) == 0) ||
                       (mid + 1 < n && strcmp(path_at(at + size), path) == 0);
            return (void *)at;
        }
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

/* Sorts base[0..n) by path; with refuse_dups, a path that appears twice
 * is an error (which copy would count is ambiguous). */
static int sort_paths(void *base, size_t n, size_t size, bool refuse_dups, ld_error *err)
{
    if (n > 1)
        qsort(base, n, size, cmp_path);
    if (!refuse_dups)
        return 0;
    for (size_t i = 1; i < n; i++) {
        const char *a = path_at((const char *)base + (i - 1) * size);
        const char *b = path_at((const char *)base + i * size);
        if (strcmp(a, b) == 0)
            return ld_error_set(err, LD_ERR_CORRUPT, "%s appears twice in the archive", b);
    }
    return 0;
}

static int index_walk(walk *w, ld_error *err)
{
    if (sort_paths(w->docs, w->n_docs, sizeof(*w->docs), true, err) < 0 ||
        sort_paths(w->layers, w->n_layers, sizeof(*w->layers), true, err) < 0 ||
        sort_paths(w->aliases, w->n_aliases, sizeof(*w->aliases), true, err) < 0)
        return err->code;
    /* duplicates among member offsets are refused when a layer is looked up */
    return sort_paths(w->locs, w->n_locs, sizeof(*w->locs), false, err);
}

static const doc *find_doc(const walk *w, const char *path)
{
    return find_path(w->docs, w->n_docs, sizeof(*w->docs), path, NULL);
}

/* Follows outer-archive symlinks (docker save links duplicate layer.tar files). */
static const char *resolve_alias(const walk *w, const char *path)
{
    for (int hop = 0; hop < 8; hop++) {
        const alias *a = find_path(w->aliases, w->n_aliases, sizeof(*w->aliases), path, NULL);
        if (!a)
            return path;
        path = a->target;
    }
    return path;
}

static blob_layer *find_blob(walk *w, const char *path)
{
    path = resolve_alias(w, path);
    return find_path(w->layers, w->n_layers, sizeof(*w->layers), path, NULL);
}

static const big_doc *find_big(const walk *w, const char *path)
{
    for (size_t i = 0; i < w->n_big; i++) /* only asked when a document is missing */
        if (strcmp(w->big[i].path, path) == 0)
            return &w->big[i];
    return NULL;
}

/* ---- streaming one member as a layer ------------------------------------ */

typedef struct {
    struct archive *a;
    uint8_t peek[PEEK];
    size_t peek_len, peek_pos;
} member_reader;

static ssize_t member_read(void *ctx, uint8_t *buf, size_t len, ld_error *err)
{
    member_reader *m = ctx;
    if (m->peek_pos < m->peek_len) {
        size_t n = m->peek_len - m->peek_pos;
        if (n > len)
            n = len;
        memcpy(buf, m->peek + m->peek_pos, n);
        m->peek_pos += n;
        return (ssize_t)n;
    }
    la_ssize_t n = archive_read_data(m->a, buf, len);
    if (n < 0) {
        const char *s = archive_error_string(m->a);
        return ld_error_set(err, LD_ERR_CORRUPT, "reading the archive: %s",
                            s ? s : "unknown error");
    }
    return n;
}

static bool looks_like_layer(const uint8_t *p, size_t n, int64_t size)
{
    if (n >= 2 && p[0] == 0x1f && p[1] == 0x8b)
        return true;
    if (n >= 4 && p[0] == 0x28 && p[1] == 0xb5 && p[2] == 0x2f && p[3] == 0xfd)
        return true;
    if (n >= 262 && memcmp(p + 257, "ustar", 5) == 0)
        return true;
    if (n == PEEK && size >= 1024) { /* an empty tar: only end-of-archive blocks */
        for (size_t i = 0; i < n; i++)
            if (p[i])
                return false;
        return true;
    }
    return false;
}

static bool looks_like_json(const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (p[i] == ' ' || p[i] == '\n' || p[i] == '\r' || p[i] == '\t')
            continue;
        return p[i] == '{' || p[i] == '[';
    }
    return false;
}

static int keep_doc(walk *w, struct archive *a, char *path, const uint8_t *peek, size_t peek_len,
                    size_t size, ld_error *err)
{
    if (w->doc_bytes + size > MAX_DOC_TOTAL) {
        ld_error_set(err, LD_ERR_LIMIT, "%s: the archive's JSON documents exceed %llu bytes", path,
                     (unsigned long long)MAX_DOC_TOTAL);
        free(path);
        return LD_ERR_LIMIT;
    }
    char *data = ld_xmalloc(size + 1);
    memcpy(data, peek, peek_len);
    size_t got = peek_len;
    while (got < size) {
        la_ssize_t n = archive_read_data(a, data + got, size - got);
        if (n <= 0)
            break;
        got += (size_t)n;
    }
    if (got != size) {
        const char *s = archive_error_string(a);
        ld_error_set(err, LD_ERR_CORRUPT, "%s: truncated in the archive (%s)", path,
                     s ? s : "short read");
        free(data);
        free(path);
        return LD_ERR_CORRUPT;
    }
    data[size] = '\0';
    w->doc_bytes += size;
    ld_xgrow(&w->docs, &w->cap_docs, w->n_docs + 1, sizeof(*w->docs));
    w->docs[w->n_docs++] = (doc){path, data, size};
    return 0;
}

static int stream_layer(walk *w, member_reader *mr, char *path, ld_error *err)
{
    char expect[LD_DIGEST_LEN + 1] = "";
    if (strncmp(path, "blobs/sha256/", 13) == 0 && strlen(path) == 13 + 64) {
        memcpy(expect, "sha256:", 7);
        memcpy(expect + 7, path + 13, 65);
        if (!ld_img_digest_valid(expect))
            expect[0] = '\0';
    }
    char *name = ld_xasprintf("layer %s", path);
    ld_layer_job job = {
        .read = member_read,
        .read_ctx = mr,
        .name = name,
        .expect_digest = expect[0] ? expect : NULL,
        .layer = -1, /* the manifest comes later: analyzer calls are deferred */
        .opt = w->opt,
        .analyzers = w->an,
        .n_analyzers = w->n_an,
        .budget = &w->budget,
    };
    ld_xgrow(&w->layers, &w->cap_layers, w->n_layers + 1, sizeof(*w->layers));
    blob_layer *bl = &w->layers[w->n_layers++];
    memset(bl, 0, sizeof(*bl));
    bl->path = path;
    /* through the layer cache, which knows a member by its name */
    int rc = ld_layer_cache_stream_member(&job, path, &bl->res, &bl->held, &bl->keep, err);
    free(name);
    return rc;
}

static int walk_member(walk *w, struct archive *a, struct archive_entry *ae, ld_error *err)
{
    char *path = clean_member(archive_entry_pathname(ae));
    if (!path)
        return 0; /* the root entry, or a name we would never look up */
    mode_t type = archive_entry_filetype(ae);
    if (type == AE_IFLNK) {
        char *target = link_target(path, archive_entry_symlink(ae));
        if (target) {
            ld_xgrow(&w->aliases, &w->cap_aliases, w->n_aliases + 1, sizeof(*w->aliases));
            w->aliases[w->n_aliases++] = (alias){path, target};
        } else {
            free(path);
        }
        return 0;
    }
    if (type != AE_IFREG || archive_entry_hardlink(ae)) {
        free(path);
        return 0;
    }
    int64_t size = archive_entry_size(ae);
    if (size < 0) {
        ld_error_set(err, LD_ERR_CORRUPT, "%s: negative size in the archive", path);
        free(path);
        return LD_ERR_CORRUPT;
    }
    if (w->record_locs && archive_entry_sparse_count(ae) == 0) {
        ld_xgrow(&w->locs, &w->cap_locs, w->n_locs + 1, sizeof(*w->locs));
        w->locs[w->n_locs++] = (member_loc){ld_xstrdup(path), archive_filter_bytes(a, 0), size};
    }
    member_reader mr = {.a = a};
    size_t want = size < PEEK ? (size_t)size : PEEK;
    while (mr.peek_len < want) {
        la_ssize_t n = archive_read_data(a, mr.peek + mr.peek_len, want - mr.peek_len);
        if (n < 0) {
            const char *s = archive_error_string(a);
            ld_error_set(err, LD_ERR_CORRUPT, "%s: %s", path, s ? s : "read error");
            free(path);
            return LD_ERR_CORRUPT;
        }
        if (n == 0)
            break;
        mr.peek_len += (size_t)n;
    }
    bool json = looks_like_json(mr.peek, mr.peek_len);
    if (json && (uint64_t)size <= LD_IMG_MAX_JSON_BYTES)
        return keep_doc(w, a, path, mr.peek, mr.peek_len, (size_t)size, err);
    if (!w->docs_only && !json && looks_like_layer(mr.peek, mr.peek_len, size))
        return stream_layer(w, &mr, path, err);
    if (json) { /* too large to keep: said so if the image needs it */
        ld_xgrow(&w->big, &w->cap_big, w->n_big + 1, sizeof(*w->big));
        w->big[w->n_big++] = (big_doc){path, (uint64_t)size};
        path = NULL;
    }
    free(path); /* VERSION files, non-layer blobs, or layers in the first pass */
    /* Skipping a member of a stream still reads it (and a whole-file
     * gzip/zstd still inflates it): it counts against the image's total.
     * A file's first pass skips with lseek, for free. */
    if (!w->record_locs && ld_img_charge(w->opt, (uint64_t)size, err) < 0)
        return err->code;
    return 0;
}

/* Reads the whole outer archive once. */
static int walk_archive(walk *w, struct archive *a, const char *what, ld_error *err)
{
    struct archive_entry *ae;
    size_t entries = 0;
    for (;;) {
        int r = archive_read_next_header(a, &ae);
        if (r == ARCHIVE_EOF)
            return 0;
        if (r != ARCHIVE_OK && r != ARCHIVE_WARN) {
            const char *s = archive_error_string(a);
            return ld_error_set(err, LD_ERR_CORRUPT, "%s: not a readable tar archive: %s", what,
                                s ? s : "unknown error");
        }
        if (++entries > MAX_OUTER_ENTRIES)
            return ld_error_set(err, LD_ERR_LIMIT, "%s: more than %d entries", what,
                                MAX_OUTER_ENTRIES);
        int rc = walk_member(w, a, ae, err);
        if (rc < 0)
            return ld_error_wrap(err, "%s", what);
    }
}

/* Walks the archive, then indexes what the walk found. */
static int walk_and_index(walk *w, struct archive *a, const char *what, ld_error *err)
{
    if (walk_archive(w, a, what, err) < 0)
        return err->code;
    if (index_walk(w, err) < 0)
        return ld_error_wrap(err, "%s", what);
    return 0;
}

/* ---- matching blobs to the manifest -------------------------------------- */

typedef struct {
    const char *kind;
    char *config_path;
    char **layer_paths;
    char **media_types;
    char **layer_digests; /* expected blob digests (OCI), may hold NULLs */
    size_t n;
    char *manifest_digest;
} resolved;

static void resolved_clear(resolved *r)
{
    free(r->config_path);
    for (size_t i = 0; i < r->n; i++) {
        free(r->layer_paths[i]);
        free(r->media_types[i]);
        free(r->layer_digests[i]);
    }
    free(r->layer_paths);
    free(r->media_types);
    free(r->layer_digests);
    free(r->manifest_digest);
    memset(r, 0, sizeof(*r));
}

static char *blob_path(const char *digest)
{
    return ld_xasprintf("blobs/sha256/%s", digest + 7);
}

/* The document at path (what it is for messages, NULL: the path says it),
 * or NULL with err: missing, or over the size limit. */
static const doc *need_doc(const walk *w, const char *path, const char *what, ld_error *err)
{
    const char *real = resolve_alias(w, path);
    const doc *d = find_doc(w, real);
    if (d)
        return d;
    ld_autofree char *name = what ? ld_xasprintf("%s %s", what, path) : ld_xstrdup(path);
    const big_doc *big = find_big(w, real);
    if (big)
        ld_img_doc_too_large(name, big->size, err);
    else
        ld_error_set(err, LD_ERR_NOT_FOUND, "%s is missing from the archive", name);
    return NULL;
}

static int resolve_oci(const walk *w, const ld_img_opts *opt, resolved *out, ld_error *err)
{
    const doc *d = need_doc(w, "index.json", NULL, err);
    if (!d)
        return err->code;
    char *digest = NULL;
    const char *data = d->data;
    size_t len = d->len;
    for (int depth = 0;; depth++) {
        ld_oci_index ix;
        if (ld_oci_index_parse(data, len, &ix, err) < 0) {
            free(digest);
            return err->code;
        }
        int pick = ld_oci_index_pick(&ix, opt->platform, depth == 0 ? opt->tag : NULL, err);
        if (pick < 0) {
            ld_oci_index_clear(&ix);
            free(digest);
            return err->code;
        }
        bool nested = ld_oci_is_index_type(ix.v[pick].media_type);
        free(digest);
        digest = ld_xstrdup(ix.v[pick].digest);
        ld_oci_index_clear(&ix);
        char *bp = blob_path(digest);
        d = need_doc(w, bp, nested ? "nested index" : "manifest", err);
        free(bp);
        if (!d) {
            free(digest);
            return err->code;
        }
        char got[LD_DIGEST_LEN + 1];
        ld_img_sha256_buf(d->data, d->len, got);
        if (strcmp(got, digest) != 0) {
            ld_error_set(err, LD_ERR_CORRUPT, "blob %s: digest mismatch (content is %s)", digest,
                         got);
            free(digest);
            return LD_ERR_CORRUPT;
        }
        data = d->data;
        len = d->len;
        if (!nested)
            break;
        if (depth >= MAX_NESTED_INDEX) {
            free(digest);
            return ld_error_set(err, LD_ERR_CORRUPT, "OCI indexes nested deeper than %d",
                                MAX_NESTED_INDEX);
        }
    }
    ld_oci_manifest m;
    if (ld_oci_manifest_parse(data, len, &m, err) < 0) {
        ld_error_wrap(err, "manifest %s", digest);
        free(digest);
        return err->code;
    }
    out->kind = "oci-archive";
    out->manifest_digest = digest;
    out->config_path = blob_path(m.config.digest);
    out->n = m.n_layers;
    out->layer_paths = ld_xcalloc(m.n_layers + 1, sizeof(char *));
    out->media_types = ld_xcalloc(m.n_layers + 1, sizeof(char *));
    out->layer_digests = ld_xcalloc(m.n_layers + 1, sizeof(char *));
    for (size_t i = 0; i < m.n_layers; i++) {
        out->layer_paths[i] = blob_path(m.layers[i].digest);
        out->media_types[i] = ld_xstrdup(m.layers[i].media_type);
        out->layer_digests[i] = ld_xstrdup(m.layers[i].digest);
    }
    ld_oci_manifest_clear(&m);
    return 0;
}

static int resolve_docker(const walk *w, const doc *md, const ld_img_opts *opt, resolved *out,
                          ld_error *err)
{
    ld_docker_manifest m;
    if (ld_docker_manifest_parse(md->data, md->len, &m, err) < 0)
        return err->code;
    int pick = ld_docker_manifest_pick(&m, opt->tag, err);
    if (pick < 0) {
        ld_docker_manifest_clear(&m);
        return err->code;
    }
    ld_docker_manifest_entry *e = &m.v[pick];
    out->kind = "docker-archive";
    out->config_path = ld_xstrdup(e->config);
    out->n = e->n_layers;
    out->layer_paths = ld_xcalloc(e->n_layers + 1, sizeof(char *));
    out->media_types = ld_xcalloc(e->n_layers + 1, sizeof(char *));
    out->layer_digests = ld_xcalloc(e->n_layers + 1, sizeof(char *));
    for (size_t i = 0; i < e->n_layers; i++)
        out->layer_paths[i] = ld_xstrdup(e->layers[i]);
    ld_docker_manifest_clear(&m);
    (void)w;
    return 0;
}

static int resolve(const walk *w, const ld_img_opts *opt, resolved *out, ld_error *err)
{
    memset(out, 0, sizeof(*out));
    const doc *md = find_doc(w, "manifest.json");
    if (md)
        return resolve_docker(w, md, opt, out, err);
    if (find_big(w, "manifest.json"))
        return need_doc(w, "manifest.json", NULL, err) ? 0 : err->code;
    if (find_doc(w, "index.json") || find_big(w, "index.json"))
        return resolve_oci(w, opt, out, err);
    return ld_error_set(err, LD_ERR_CORRUPT,
                        "neither manifest.json nor index.json in the archive: not a docker save or "
                        "OCI image archive");
}

/* The config document's digest must match its name (legacy "<hex>.json",
 * "blobs/sha256/<hex>"). */
static int check_config_name(const char *path, const char *digest, ld_error *err)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    size_t bl = strlen(base);
    if (bl == 64 + 5 && strcmp(base + 64, ".json") == 0) {
        if (strncmp(base, digest + 7, 64) != 0)
            return ld_error_set(err, LD_ERR_CORRUPT, "config %s: digest mismatch (content is %s)",
                                path, digest);
    } else if (strncmp(path, "blobs/sha256/", 13) == 0 && strcmp(path + 13, digest + 7) != 0) {
        return ld_error_set(err, LD_ERR_CORRUPT, "config %s: digest mismatch (content is %s)", path,
                            digest);
    }
    return 0;
}

/* The layer cache around the assembly, for each blob of the manifest (at
 * all its positions): before, a held hit's saved analyzers are restored
 * (replay true); after, a streamed layer that was read is kept and a
 * layer of a file read teaches the cache its member's name. */
static int cache_layers(walk *w, const resolved *r, blob_layer **blobs, bool before, ld_error *err)
{
    if (!w->opt->cache || w->opt->only_layers)
        return 0;
    int *positions = ld_xcalloc(r->n + 1, sizeof(int));
    int rc = 0;
    for (size_t i = 0; i < r->n && rc == 0; i++) {
        bool first = true;
        for (size_t j = 0; j < i && first; j++)
            first = blobs[j] != blobs[i];
        if (!first)
            continue;
        size_t n = 0;
        for (size_t j = i; j < r->n; j++)
            if (blobs[j] == blobs[i])
                positions[n++] = (int)j;
        blob_layer *bl = blobs[i];
        ld_autofree char *job_name = ld_xasprintf("layer %s", bl->path);
        ld_layer_job at = {
            .name = job_name,
            .layer = positions[0],
            .more_layers = positions + 1,
            .n_more_layers = n - 1,
            .opt = w->opt,
            .analyzers = w->an,
            .n_analyzers = w->n_an,
        };
        if (before)
            rc = ld_layer_cache_replay_held(bl->held, &at, err);
        else if (bl->keep)
            ld_layer_cache_keep_member(&at, bl->path, &bl->res);
        else if (!bl->held)
            ld_layer_cache_learn_member(w->opt, bl->path, bl->res.diff_id);
    }
    free(positions);
    return rc;
}

static ld_image *finish(walk *w, const resolved *r, const char *name, ld_error *err)
{
    const doc *cfg = need_doc(w, r->config_path, "config", err);
    if (!cfg)
        return NULL;
    char cfg_digest[LD_DIGEST_LEN + 1];
    ld_img_sha256_buf(cfg->data, cfg->len, cfg_digest);
    if (check_config_name(r->config_path, cfg_digest, err) < 0)
        return NULL;
    ld_layer_result **layers = ld_xcalloc(r->n + 1, sizeof(*layers));
    blob_layer **blobs = ld_xcalloc(r->n + 1, sizeof(*blobs));
    for (size_t i = 0; i < r->n; i++) {
        blobs[i] = find_blob(w, r->layer_paths[i]);
        layers[i] = blobs[i] ? &blobs[i]->res : NULL;
        if (!layers[i]) {
            ld_error_set(err, LD_ERR_NOT_FOUND, "layer %zu (%s) is missing from the archive", i,
                         r->layer_paths[i]);
            free(layers);
            free(blobs);
            return NULL;
        }
        if (r->layer_digests[i] && strcmp(r->layer_digests[i], layers[i]->digest) != 0) {
            ld_error_set(err, LD_ERR_CORRUPT,
                         "layer %zu (%s): blob digest mismatch: expected %s, got %s", i,
                         r->layer_paths[i], r->layer_digests[i], layers[i]->digest);
            free(layers);
            free(blobs);
            return NULL;
        }
    }
    if (cache_layers(w, r, blobs, true, err) < 0) {
        free(layers);
        free(blobs);
        return NULL;
    }
    ld_img_parts p = {
        .kind = r->kind,
        .name = name,
        .config_json = cfg->data,
        .config_len = cfg->len,
        .config_digest = cfg_digest,
        .manifest_digest = r->manifest_digest,
        .layers = layers,
        .layer_media_types = r->media_types,
        .n_layers = r->n,
    };
    ld_image *img = ld_img_assemble(&p, w->an, w->n_an, err);
    if (img)
        cache_layers(w, r, blobs, false, err);
    free(layers);
    free(blobs);
    return img;
}

static void walk_init(walk *w, const ld_img_opts *opt, const ld_analyzer *an, size_t n_an)
{
    memset(w, 0, sizeof(*w));
    w->opt = opt;
    w->an = an;
    w->n_an = n_an;
    pthread_mutex_init(&w->budget.lock, NULL);
    w->budget.max = opt->max_defer_bytes;
}

static struct archive *outer_reader(bool filters)
{
    struct archive *a = archive_read_new();
    if (!a)
        return NULL;
    archive_read_support_format_tar(a);
    if (filters) {
        archive_read_support_filter_gzip(a);
        archive_read_support_filter_zstd(a);
    }
    return a;
}

typedef struct {
    ld_blob_read_fn read;
    void *ctx;
    ld_error *err;
    bool failed;
    uint8_t buf[256 * 1024];
} cb_source;

static la_ssize_t cb_read(struct archive *a, void *ud, const void **out)
{
    cb_source *s = ud;
    ssize_t n = s->read(s->ctx, s->buf, sizeof(s->buf), s->err);
    if (n < 0) {
        s->failed = true;
        archive_set_error(a, EIO, "%s", s->err->msg);
        return -1;
    }
    *out = s->buf;
    return n;
}

ld_image *ld_img_read_tar_stream(const char *kind, const char *name, ld_blob_read_fn read,
                                 void *ctx, const ld_img_opts *opt, const ld_analyzer *an,
                                 size_t n_an, ld_error *err)
{
    walk w;
    walk_init(&w, opt, an, n_an);
    cb_source *src = ld_xcalloc(1, sizeof(*src));
    src->read = read;
    src->ctx = ctx;
    src->err = err;
    ld_image *img = NULL;
    struct archive *a = outer_reader(true);
    if (!a) {
        ld_error_set(err, LD_ERR_NOMEM, "cannot allocate a tar reader");
        goto out;
    }
    if (archive_read_open(a, src, NULL, cb_read, NULL) != ARCHIVE_OK) {
        if (!src->failed)
            ld_error_set(err, LD_ERR_CORRUPT, "%s: not a tar archive: %s", name,
                         archive_error_string(a) ? archive_error_string(a) : "unknown error");
        goto out;
    }
    if (walk_and_index(&w, a, name, err) < 0)
        goto out;
    resolved r;
    if (resolve(&w, opt, &r, err) < 0) {
        ld_error_wrap(err, "%s", name);
        goto out;
    }
    r.kind = kind ? kind : r.kind;
    img = finish(&w, &r, name, err);
    if (!img)
        ld_error_wrap(err, "%s", name);
    resolved_clear(&r);
out:
    if (a)
        archive_read_free(a);
    free(src);
    walk_clear(&w);
    pthread_mutex_destroy(&w.budget.lock);
    return img;
}

static bool compressed_file(int fd)
{
    uint8_t m[4] = {0};
    ssize_t n = pread(fd, m, sizeof(m), 0);
    if (n >= 2 && m[0] == 0x1f && m[1] == 0x8b)
        return true;
    return n == 4 && m[0] == 0x28 && m[1] == 0xb5 && m[2] == 0x2f && m[3] == 0xfd;
}

static ssize_t fd_read(void *ctx, uint8_t *buf, size_t len, ld_error *err)
{
    int fd = *(int *)ctx;
    for (;;) {
        ssize_t n = read(fd, buf, len);
        if (n >= 0)
            return n;
        if (errno != EINTR)
            return ld_error_set_errno(err, LD_ERR_GENERIC, errno, "read");
    }
}

/* Builds the plan for pass 2 from the documents of pass 1. */
static int make_plan(walk *w, const resolved *r, ld_error *err)
{
    const doc *cfgd = need_doc(w, r->config_path, "config", err);
    if (!cfgd)
        return err->code;
    ld_image_config cfg;
    if (ld_image_config_parse(cfgd->data, cfgd->len, &cfg, err) < 0)
        return err->code;
    w->plan = ld_xcalloc(r->n + 1, sizeof(*w->plan));
    for (size_t i = 0; i < r->n; i++) { /* r->n <= LD_IMG_MAX_LAYERS */
        const char *path = resolve_alias(w, r->layer_paths[i]);
        planned *p = NULL;
        for (size_t j = 0; j < w->n_plan && !p; j++)
            if (strcmp(w->plan[j].path, path) == 0)
                p = &w->plan[j];
        if (!p) {
            p = &w->plan[w->n_plan++];
            p->path = ld_xstrdup(path);
            p->positions = ld_xcalloc(r->n, sizeof(int));
            p->digest = ld_xstrdup(r->layer_digests[i]);
            p->diff_id = i < cfg.n_diff_ids ? ld_xstrdup(cfg.diff_ids[i]) : NULL;
        }
        p->positions[p->n_positions++] = (int)i; /* read once, analysed at each */
    }
    ld_image_config_clear(&cfg);
    return 0;
}

typedef struct {
    int fd;
    int64_t off, left;
} range_reader;

static ssize_t range_read(void *ctx, uint8_t *buf, size_t len, ld_error *err)
{
    range_reader *r = ctx;
    if (r->left <= 0)
        return 0;
    if ((int64_t)len > r->left)
        len = (size_t)r->left;
    for (;;) {
        ssize_t n = pread(r->fd, buf, len, (off_t)r->off);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return ld_error_set_errno(err, LD_ERR_GENERIC, errno, "read");
        if (n == 0)
            return ld_error_set(err, LD_ERR_CORRUPT, "the archive ends inside this layer");
        r->off += n;
        r->left -= n;
        return n;
    }
}

/* Pass 2 over an uncompressed file: each planned layer read with pread from
 * its recorded offset, several layers at once. */
static int read_planned_layers(walk *w, int fd, ld_error *err)
{
    size_t n = w->n_plan;
    ld_layer_job *jobs = ld_xcalloc(n + 1, sizeof(*jobs));
    ld_layer_result *results = ld_xcalloc(n + 1, sizeof(*results));
    range_reader *rr = ld_xcalloc(n + 1, sizeof(*rr));
    char **names = ld_xcalloc(n + 1, sizeof(char *));
    char **expects = ld_xcalloc(n + 1, sizeof(char *)); /* digests named by blobs/sha256/<hex> */
    size_t k = 0;
    int rc = 0;
    for (size_t i = 0; i < n; i++) {
        const planned *pl = &w->plan[i];
        bool twice = false;
        const member_loc *loc = find_path(w->locs, w->n_locs, sizeof(*w->locs), pl->path, &twice);
        if (!loc)
            continue; /* reported as missing when matched */
        if (twice) {
            rc = ld_error_set(err, LD_ERR_CORRUPT, "%s appears twice in the archive", pl->path);
            break;
        }
        rr[k] = (range_reader){fd, loc->offset, loc->size};
        names[k] = ld_xasprintf("layer %s", pl->path);
        if (!pl->digest && strncmp(pl->path, "blobs/sha256/", 13) == 0) {
            expects[k] = ld_xasprintf("sha256:%s", pl->path + 13);
            if (!ld_img_digest_valid(expects[k])) {
                free(expects[k]);
                expects[k] = NULL;
            }
        }
        jobs[k] = (ld_layer_job){
            .read = range_read,
            .read_ctx = &rr[k],
            .name = names[k],
            .expect_digest = pl->digest ? pl->digest : expects[k],
            .expect_diff_id = pl->diff_id,
            .layer = pl->positions[0],
            .more_layers = pl->positions + 1,
            .n_more_layers = pl->n_positions - 1,
            .opt = w->opt,
            .analyzers = w->an,
            .n_analyzers = w->n_an,
            .budget = &w->budget,
        };
        k++;
    }
    if (rc == 0)
        rc = ld_img_run_layers(jobs, results, k, w->opt->threads, err);
    ld_xgrow(&w->layers, &w->cap_layers, w->n_layers + k, sizeof(*w->layers));
    for (size_t i = 0; i < k; i++) {
        blob_layer *bl = &w->layers[w->n_layers++];
        memset(bl, 0, sizeof(*bl));
        bl->path = ld_xstrdup(names[i] + strlen("layer "));
        bl->res = results[i];
        free(names[i]);
        free(expects[i]);
    }
    free(expects);
    free(names);
    free(rr);
    free(results);
    free(jobs);
    if (rc == 0)
        rc = sort_paths(w->layers, w->n_layers, sizeof(*w->layers), true, err);
    return rc;
}

ld_image *ld_img_read_archive_file(const char *kind, const char *path, const ld_img_opts *opt,
                                   const ld_analyzer *an, size_t n_an, ld_error *err)
{
    /* a FIFO or a device is refused without blocking in open() */
    ld_autoclose int fd = ld_input_open(path, "image archive", NULL, err);
    if (fd < 0)
        return NULL;
    if (compressed_file(fd))
        return ld_img_read_tar_stream(NULL, path, fd_read, &fd, opt, an, n_an, err);

    /* Pass 1: documents only; layer data is skipped with lseek. */
    walk w;
    walk_init(&w, opt, an, n_an);
    w.docs_only = true;
    w.record_locs = true;
    ld_image *img = NULL;
    resolved r = {0};
    struct archive *a = outer_reader(false);
    if (!a || archive_read_open_fd(a, fd, 64 * 1024) != ARCHIVE_OK) {
        ld_error_set(err, LD_ERR_CORRUPT, "%s: not a tar archive", path);
        goto out;
    }
    if (walk_and_index(&w, a, path, err) < 0)
        goto out;
    archive_read_free(a);
    a = NULL;
    if (resolve(&w, opt, &r, err) < 0 || make_plan(&w, &r, err) < 0) {
        ld_error_wrap(err, "%s", path);
        goto out;
    }
    if (kind && strcmp(kind, "oci-archive") == 0)
        r.kind = kind;
    /* Pass 2: only the planned layers, with their indices known, in parallel. */
    if (read_planned_layers(&w, fd, err) < 0)
        goto out;
    img = finish(&w, &r, path, err);
    if (!img)
        ld_error_wrap(err, "%s", path);
out:
    if (a)
        archive_read_free(a);
    resolved_clear(&r);
    walk_clear(&w);
    pthread_mutex_destroy(&w.budget.lock);
    return img;
}
