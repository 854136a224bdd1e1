/* The final file system of an image: applies layer entry lists in order into
 * an in-memory index (path -> entry), honouring whiteouts (.wh.NAME), opaque
 * directories (.wh..wh..opq), delete-then-recreate within one layer and
 * replacement of a directory by a non-directory, and records every
 * non-directory that a later layer deleted or overwrote. A whiteout costs
 * what it removes, not the size of the image: every path ever created (and
 * every directory above it) is a node of a tree of known paths, so a
 * deleted or opaque directory's subtree is visited directly, and forgotten
 * once emptied. Hard links keep the version they share content with, for
 * resolving links later (links.c). Not for reading tar streams
 * (layer_stream.c) or file content. */
#include <stdlib.h>
#include <string.h>

#include "image/image_internal.h"
#include "util/cleanup.h"
#include "util/mem.h"

#define TOMB ((const char *)1)

typedef struct {
    const char *key; /* NULL: empty; TOMB: deleted */
    uint32_t val;
    uint32_t hash;
} slot;

typedef struct {
    slot *s;
    size_t cap, used, tombs; /* cap is a power of two */
} strmap;

static uint32_t hash_str(const char *s)
{
    uint32_t h = 2166136261u;
    for (; *s; s++)
        h = (h ^ (uint8_t)*s) * 16777619u;
    return h;
}

static void map_put_raw(strmap *m, const char *key, uint32_t h, uint32_t val)
{
    size_t i = h & (m->cap - 1);
    while (m->s[i].key && m->s[i].key != TOMB)
        i = (i + 1) & (m->cap - 1);
    if (m->s[i].key == TOMB)
        m->tombs--;
    m->s[i] = (slot){key, val, h};
    m->used++;
}

static void map_grow(strmap *m)
{
    slot *old = m->s;
    size_t oldcap = m->cap;
    size_t cap = oldcap ? oldcap : 64;
    while (cap * 7 / 10 < (m->used + 1) * 2)
        cap *= 2;
    m->s = ld_xcalloc(cap, sizeof(slot));
    m->cap = cap;
    m->used = m->tombs = 0;
    for (size_t i = 0; i < oldcap; i++)
        if (old[i].key && old[i].key != TOMB)
            map_put_raw(m, old[i].key, old[i].hash, old[i].val);
    free(old);
}

static slot *map_find(const strmap *m, const char *key, uint32_t h)
{
    if (!m->cap)
        return NULL;
    size_t i = h & (m->cap - 1);
    while (m->s[i].key) {
        if (m->s[i].key != TOMB && m->s[i].hash == h && strcmp(m->s[i].key, key) == 0)
            return &m->s[i];
        i = (i + 1) & (m->cap - 1);
    }
    return NULL;
}

/* key is borrowed: it must live as long as its entry. */
static void map_set(strmap *m, const char *key, uint32_t val)
{
    uint32_t h = hash_str(key);
    slot *s = map_find(m, key, h);
    if (s) {
        s->key = key;
        s->val = val;
        return;
    }
    if ((m->used + m->tombs + 1) * 10 > m->cap * 7)
        map_grow(m);
    map_put_raw(m, key, h, val);
}

static bool map_get(const strmap *m, const char *key, uint32_t *val)
{
    slot *s = map_find(m, key, hash_str(key));
    if (s && val)
        *val = s->val;
    return s != NULL;
}

static void map_del(strmap *m, const char *key)
{
    slot *s = map_find(m, key, hash_str(key));
    if (s) {
        s->key = TOMB;
        m->used--;
        m->tombs++;
    }
}

static void map_clear(strmap *m)
{
    free(m->s);
    memset(m, 0, sizeof(*m));
}

typedef struct {
    ld_file_entry e;
    bool live;
    bool doomed; /* collected for deletion by the layer being applied */
    /* hard links: the version whose content this link shares */
    char *src_path, *src_link;
    int src_layer;
    ld_file_type src_type;
} node;

#define NONE UINT32_MAX

/* A known path: the path of every node ever created and every directory
 * above it (also those no tar entry names), linked into a tree so that a
 * whiteout visits only the subtree it removes, never the whole image. */
typedef struct {
    char *path; /* NULL once pruned */
    uint32_t parent, first_child, next_sibling, prev_sibling;
} known;

typedef struct {
    node *nodes;
    size_t n, cap;
    strmap map; /* path -> live node */
    known *known;
    size_t n_known, cap_known;
    strmap kmap; /* path -> known */
    uint32_t *stack, *doomed;
    size_t cap_stack, n_doomed, cap_doomed;
    ld_fs_index *out;
} state;

static void record_removed(state *st, const ld_file_entry *e, int by, bool overwritten)
{
    if (e->type == LD_FILE_DIR)
        return;
    ld_fs_index *o = st->out;
    ld_xgrow(&o->removed, &o->cap_removed, o->n_removed + 1, sizeof(*o->removed));
    o->removed[o->n_removed++] = (ld_removed_file){.path = ld_xstrdup(e->path),
                                                   .layer = e->layer,
                                                   .removed_by = by,
                                                   .overwritten = overwritten,
                                                   .size = e->size};
}

static void clear_source(node *nd)
{
    free(nd->src_path);
    free(nd->src_link);
    nd->src_path = nd->src_link = NULL;
}

static void delete_node(state *st, uint32_t idx, int by)
{
    node *nd = &st->nodes[idx];
    record_removed(st, &nd->e, by, false);
    map_del(&st->map, nd->e.path);
    free(nd->e.path);
    free(nd->e.link);
    clear_source(nd);
    memset(nd, 0, sizeof(*nd));
}

static uint32_t new_known(state *st, char *path, uint32_t parent)
{
    ld_xgrow(&st->known, &st->cap_known, st->n_known + 1, sizeof(*st->known));
    uint32_t k = (uint32_t)st->n_known++;
    known *p = parent == NONE ? NULL : &st->known[parent];
    st->known[k] = (known){path, parent, NONE, p ? p->first_child : NONE, NONE};
    if (p) {
        if (p->first_child != NONE)
            st->known[p->first_child].prev_sibling = k;
        p->first_child = k;
    }
    map_set(&st->kmap, path, k);
    return k;
}

/* Makes path and every directory above it known. */
static void ensure_known(state *st, const char *path)
{
    if (map_get(&st->kmap, path, NULL))
        return;
    /* the nearest known ancestor, then the missing ones from the top down */
    size_t len = strlen(path);
    char *scratch = ld_xmalloc(len + 1);
    memcpy(scratch, path, len + 1);
    size_t top = len; /* scratch[0..top) is the highest missing path found */
    uint32_t parent = 0;
    for (;;) {
        char *slash = strrchr(scratch, '/');
        if (slash == scratch) {
            parent = 0; /* the root */
            break;
        }
        *slash = '\0';
        if (map_get(&st->kmap, scratch, &parent))
            break;
        top = (size_t)(slash - scratch);
    }
    free(scratch);
    /* path[0..at) for each '/' after the known ancestor, and path itself */
    size_t at = top;
    for (;;) {
        uint32_t k = new_known(st, ld_xstrndup(path, at), parent);
        parent = k;
        if (at == len)
            break;
        const char *next = strchr(path + at + 1, '/');
        at = next ? (size_t)(next - path) : len;
    }
}

/* Every known path strictly below k, depth first: calls fn on each. */
static void each_below(state *st, uint32_t k, void (*fn)(state *, uint32_t))
{
    size_t sp = 0;
    for (uint32_t c = st->known[k].first_child; c != NONE; c = st->known[c].next_sibling) {
        ld_xgrow(&st->stack, &st->cap_stack, sp + 1, sizeof(*st->stack));
        st->stack[sp++] = c;
    }
    while (sp) {
        uint32_t d = st->stack[--sp];
        for (uint32_t c = st->known[d].first_child; c != NONE; c = st->known[c].next_sibling) {
            ld_xgrow(&st->stack, &st->cap_stack, sp + 1, sizeof(*st->stack));
            st->stack[sp++] = c;
        }
        fn(st, d);
    }
}

static void doom(state *st, uint32_t k)
{
    uint32_t idx;
    if (!map_get(&st->map, st->known[k].path, &idx) || st->nodes[idx].doomed)
        return;
    st->nodes[idx].doomed = true;
    ld_xgrow(&st->doomed, &st->cap_doomed, st->n_doomed + 1, sizeof(*st->doomed));
    st->doomed[st->n_doomed++] = idx;
}

static void forget(state *st, uint32_t k)
{
    map_del(&st->kmap, st->known[k].path);
    free(st->known[k].path);
    st->known[k].path = NULL;
    st->known[k].first_child = NONE;
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

static void apply_whiteouts(state *st, const ld_layer_result *l, int li)
{
    /* paths whose subtrees go; for opaque dirs only the children */
    ld_strlist gone = {0};
    for (size_t i = 0; i < l->n; i++) {
        const ld_layer_entry *le = &l->v[i];
        uint32_t idx;
        bool have = map_get(&st->map, le->path, &idx);
        if (le->wh == LD_WH_FILE) {
            if (have)
                delete_node(st, idx, li);
            ld_strlist_push(&gone, le->path);
        } else if (le->wh == LD_WH_OPAQUE) {
            ld_strlist_push(&gone, le->path);
        } else if (le->type != LD_FILE_DIR && have && st->nodes[idx].e.type == LD_FILE_DIR) {
            ld_strlist_push(&gone, le->path);
        }
    }
    /* the live nodes below them, deleted in the order they were created */
    st->n_doomed = 0;
    for (size_t i = 0; i < gone.n; i++) {
        uint32_t k;
        if (map_get(&st->kmap, gone.v[i], &k))
            each_below(st, k, doom);
    }
    if (st->n_doomed > 1)
        qsort(st->doomed, st->n_doomed, sizeof(*st->doomed), cmp_u32);
    for (size_t i = 0; i < st->n_doomed; i++)
        delete_node(st, st->doomed[i], li);
    /* nothing is left below them: forget those paths, so that no later
     * whiteout visits them again */
    for (size_t i = 0; i < gone.n; i++) {
        uint32_t k;
        if (map_get(&st->kmap, gone.v[i], &k)) {
            each_below(st, k, forget);
            st->known[k].first_child = NONE;
        }
    }
    ld_strlist_clear(&gone);
}

static int apply_entries(state *st, const ld_layer_result *l, int li, ld_error *err)
{
    for (size_t i = 0; i < l->n; i++) {
        const ld_layer_entry *le = &l->v[i];
        if (le->wh != LD_WH_NONE)
            continue;
        uint64_t size = le->size;
        char *src_path = NULL, *src_link = NULL;
        int src_layer = -1;
        ld_file_type src_type = LD_FILE_REGULAR;
        if (le->type == LD_FILE_HARDLINK) {
            uint32_t t;
            if (!map_get(&st->map, le->link, &t) || st->nodes[t].e.type == LD_FILE_DIR)
                return ld_error_set(
                    err, LD_ERR_CORRUPT,
                    "layer %d: %s: hard link to \"%.200s\", which is not a file in the image", li,
                    le->path, le->link);
            const node *tn = &st->nodes[t];
            size = tn->e.size;
            /* the content is that of the version linked to, now: a later
             * change to the target's path does not change the link */
            if (tn->e.type == LD_FILE_HARDLINK) {
                src_path = ld_xstrdup(tn->src_path);
                src_link = ld_xstrdup(tn->src_link);
                src_layer = tn->src_layer;
                src_type = tn->src_type;
            } else {
                src_path = ld_xstrdup(tn->e.path);
                src_link = ld_xstrdup(tn->e.link);
                src_layer = tn->e.layer;
                src_type = tn->e.type;
            }
        }
        uint32_t idx;
        node *nd;
        if (map_get(&st->map, le->path, &idx)) {
            nd = &st->nodes[idx];
            if (nd->e.layer != li)
                record_removed(st, &nd->e, li, true);
            free(nd->e.link);
            nd->e.link = NULL;
            clear_source(nd);
        } else {
            ld_xgrow(&st->nodes, &st->cap, st->n + 1, sizeof(*st->nodes));
            idx = (uint32_t)st->n++;
            nd = &st->nodes[idx];
            memset(nd, 0, sizeof(*nd));
            nd->e.path = ld_xstrdup(le->path);
            nd->live = true;
            map_set(&st->map, nd->e.path, idx);
            ensure_known(st, nd->e.path);
        }
        nd->e.type = le->type;
        nd->e.mode = le->mode;
        nd->e.uid = le->uid;
        nd->e.gid = le->gid;
        nd->e.size = size;
        nd->e.link = ld_xstrdup(le->link);
        nd->e.layer = li;
        nd->src_path = src_path;
        nd->src_link = src_link;
        nd->src_layer = src_layer;
        nd->src_type = src_type;
    }
    return 0;
}

static int cmp_entry(const void *a, const void *b)
{
    return strcmp(((const ld_file_entry *)a)->path, ((const ld_file_entry *)b)->path);
}

static int cmp_hardlink(const void *a, const void *b)
{
    return strcmp(((const ld_fs_hardlink *)a)->path, ((const ld_fs_hardlink *)b)->path);
}

int ld_fs_index_build(const ld_layer_result *const *layers, size_t n, ld_fs_index *out,
                      ld_error *err)
{
    memset(out, 0, sizeof(*out));
    state st = {0};
    st.out = out;
    new_known(&st, ld_xstrdup("/"), NONE);
    int rc = 0;
    for (size_t li = 0; li < n; li++) {
        apply_whiteouts(&st, layers[li], (int)li);
        if ((rc = apply_entries(&st, layers[li], (int)li, err)) < 0)
            break;
    }
    size_t live = 0, links = 0;
    for (size_t i = 0; i < st.n; i++) {
        live += st.nodes[i].live;
        links += st.nodes[i].live && st.nodes[i].e.type == LD_FILE_HARDLINK;
    }
    if (rc == 0) {
        out->files = ld_xcalloc(live ? live : 1, sizeof(*out->files));
        out->hardlinks = ld_xcalloc(links ? links : 1, sizeof(*out->hardlinks));
        for (size_t i = 0; i < st.n; i++) {
            node *nd = &st.nodes[i];
            if (!nd->live)
                continue;
            out->files[out->n_files++] = nd->e;
            if (nd->e.type == LD_FILE_HARDLINK)
                out->hardlinks[out->n_hardlinks++] =
                    (ld_fs_hardlink){.path = nd->e.path,
                                     .src_path = ld_steal_ptr(&nd->src_path),
                                     .src_link = ld_steal_ptr(&nd->src_link),
                                     .src_layer = nd->src_layer,
                                     .src_type = nd->src_type};
        }
        if (out->n_files > 1)
            qsort(out->files, out->n_files, sizeof(*out->files), cmp_entry);
        if (out->n_hardlinks > 1)
            qsort(out->hardlinks, out->n_hardlinks, sizeof(*out->hardlinks), cmp_hardlink);
    } else {
        for (size_t i = 0; i < st.n; i++) {
            free(st.nodes[i].e.path);
            free(st.nodes[i].e.link);
        }
        ld_fs_index_clear(out);
    }
    for (size_t i = 0; i < st.n; i++)
        clear_source(&st.nodes[i]);
    free(st.nodes);
    map_clear(&st.map);
    for (size_t i = 0; i < st.n_known; i++)
        free(st.known[i].path);
    free(st.known);
    map_clear(&st.kmap);
    free(st.stack);
    free(st.doomed);
    return rc;
}

const ld_fs_hardlink *ld_fs_index_hardlink(const ld_fs_index *idx, const char *path)
{
    size_t lo = 0, hi = idx->n_hardlinks;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(idx->hardlinks[mid].path, path);
        if (c == 0)
            return &idx->hardlinks[mid];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

void ld_fs_index_clear(ld_fs_index *idx)
{
    for (size_t i = 0; i < idx->n_files; i++) {
        free(idx->files[i].path);
        free(idx->files[i].link);
    }
    free(idx->files);
    for (size_t i = 0; i < idx->n_hardlinks; i++) {
        free(idx->hardlinks[i].src_path);
        free(idx->hardlinks[i].src_link);
    }
    free(idx->hardlinks);
    for (size_t i = 0; i < idx->n_removed; i++)
        free(idx->removed[i].path);
    free(idx->removed);
    memset(idx, 0, sizeof(*idx));
}
