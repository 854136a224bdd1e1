/* The final file system of an image: applies layer entry lists in order into
 * an in-memory index (path -> entry), honouring whiteouts (.wh.NAME), opaque
 * directories (.wh..wh..opq), delete-then-recreate within one layer and
 * replacement of a directory by a non-directory, and records every
 * non-directory that a later layer deleted or overwrote. Not for reading
 * tar streams (layer_stream.c) or file content. */
#include <stdlib.h>
#include <string.h>

#include "image/image_internal.h"
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
} node;

typedef struct {
    node *nodes;
    size_t n, cap;
    strmap map;
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

static void delete_node(state *st, uint32_t idx, int by)
{
    node *nd = &st->nodes[idx];
    record_removed(st, &nd->e, by, false);
    map_del(&st->map, nd->e.path);
    free(nd->e.path);
    free(nd->e.link);
    memset(nd, 0, sizeof(*nd));
}

/* Does a proper ancestor of path appear in set? scratch holds LD_IMG_MAX_PATH + 2. */
static bool ancestor_in(const strmap *set, const char *path, char *scratch)
{
    if (strcmp(path, "/") != 0 && map_get(set, "/", NULL))
        return true;
    size_t len = strlen(path);
    memcpy(scratch, path, len + 1);
    for (size_t i = len; i-- > 1;) {
        if (scratch[i] != '/')
            continue;
        scratch[i] = '\0';
        if (map_get(set, scratch, NULL))
            return true;
    }
    return false;
}

static void apply_whiteouts(state *st, const ld_layer_result *l, int li)
{
    strmap gone = {0}; /* paths whose subtrees go; for opaque dirs only the children */
    for (size_t i = 0; i < l->n; i++) {
        const ld_layer_entry *le = &l->v[i];
        uint32_t idx;
        bool have = map_get(&st->map, le->path, &idx);
        if (le->wh == LD_WH_FILE) {
            if (have)
                delete_node(st, idx, li);
            map_set(&gone, le->path, 0);
        } else if (le->wh == LD_WH_OPAQUE) {
            map_set(&gone, le->path, 0);
        } else if (le->type != LD_FILE_DIR && have && st->nodes[idx].e.type == LD_FILE_DIR) {
            map_set(&gone, le->path, 0);
        }
    }
    if (gone.used == 0) {
        map_clear(&gone);
        return;
    }
    char *scratch = ld_xmalloc(LD_IMG_MAX_PATH + 2);
    for (size_t i = 0; i < st->n; i++) {
        node *nd = &st->nodes[i];
        if (nd->live && ancestor_in(&gone, nd->e.path, scratch))
            delete_node(st, (uint32_t)i, li);
    }
    free(scratch);
    map_clear(&gone);
}

static int apply_entries(state *st, const ld_layer_result *l, int li, ld_error *err)
{
    for (size_t i = 0; i < l->n; i++) {
        const ld_layer_entry *le = &l->v[i];
        if (le->wh != LD_WH_NONE)
            continue;
        uint64_t size = le->size;
        if (le->type == LD_FILE_HARDLINK) {
            uint32_t t;
            if (!map_get(&st->map, le->link, &t) || st->nodes[t].e.type == LD_FILE_DIR)
                return ld_error_set(
                    err, LD_ERR_CORRUPT,
                    "layer %d: %s: hard link to \"%.200s\", which is not a file in the image", li,
                    le->path, le->link);
            size = st->nodes[t].e.size;
        }
        uint32_t idx;
        node *nd;
        if (map_get(&st->map, le->path, &idx)) {
            nd = &st->nodes[idx];
            if (nd->e.layer != li)
                record_removed(st, &nd->e, li, true);
            free(nd->e.link);
            nd->e.link = NULL;
        } else {
            ld_xgrow(&st->nodes, &st->cap, st->n + 1, sizeof(*st->nodes));
            idx = (uint32_t)st->n++;
            nd = &st->nodes[idx];
            memset(nd, 0, sizeof(*nd));
            nd->e.path = ld_xstrdup(le->path);
            nd->live = true;
            map_set(&st->map, nd->e.path, idx);
        }
        nd->e.type = le->type;
        nd->e.mode = le->mode;
        nd->e.uid = le->uid;
        nd->e.gid = le->gid;
        nd->e.size = size;
        nd->e.link = ld_xstrdup(le->link);
        nd->e.layer = li;
    }
    return 0;
}

static int cmp_entry(const void *a, const void *b)
{
    return strcmp(((const ld_file_entry *)a)->path, ((const ld_file_entry *)b)->path);
}

int ld_fs_index_build(const ld_layer_result *const *layers, size_t n, ld_fs_index *out,
                      ld_error *err)
{
    memset(out, 0, sizeof(*out));
    state st = {0};
    st.out = out;
    int rc = 0;
    for (size_t li = 0; li < n; li++) {
        apply_whiteouts(&st, layers[li], (int)li);
        if ((rc = apply_entries(&st, layers[li], (int)li, err)) < 0)
            break;
    }
    size_t live = 0;
    for (size_t i = 0; i < st.n; i++)
        live += st.nodes[i].live;
    if (rc == 0) {
        out->files = ld_xcalloc(live, sizeof(*out->files));
        for (size_t i = 0; i < st.n; i++)
            if (st.nodes[i].live)
                out->files[out->n_files++] = st.nodes[i].e;
        qsort(out->files, out->n_files, sizeof(*out->files), cmp_entry);
    } else {
        for (size_t i = 0; i < st.n; i++) {
            free(st.nodes[i].e.path);
            free(st.nodes[i].e.link);
        }
        ld_fs_index_clear(out);
    }
    free(st.nodes);
    map_clear(&st.map);
    return rc;
}

void ld_fs_index_clear(ld_fs_index *idx)
{
    for (size_t i = 0; i < idx->n_files; i++) {
        free(idx->files[i].path);
        free(idx->files[i].link);
    }
    free(idx->files);
    for (size_t i = 0; i < idx->n_removed; i++)
        free(idx->removed[i].path);
    free(idx->removed);
    memset(idx, 0, sizeof(*idx));
}
