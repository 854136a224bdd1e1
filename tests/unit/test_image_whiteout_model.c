/* Differential test of the fs index (src/image/fs_index.c): random layer
 * lists (files, directories, symlinks, whiteouts, opaque directories,
 * delete-then-recreate in one layer, files replacing directories) applied by
 * ld_fs_index_build and by a plain model written here the slow, obvious way
 * (every node looked at for every layer with a whiteout, as the index did
 * before it kept a tree of known paths). Both must agree on the final file
 * system and on the removed list, entry for entry and in order. Then a
 * large case that the slow way takes seconds over: one layer of many files
 * and a thousand layers of one whiteout each. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <cmocka.h>

#include "image/image_internal.h"
#include "util/mem.h"

/* ---- the model ----------------------------------------------------------- */

typedef struct {
    char *path;
    ld_file_type type;
    int layer;
    uint64_t size;
    bool live;
} mnode;

typedef struct {
    mnode *v;
    size_t n, cap;
    ld_removed_file *rm;
    size_t n_rm, cap_rm;
} model;

static mnode *m_find(model *m, const char *path)
{
    for (size_t i = 0; i < m->n; i++)
        if (m->v[i].live && strcmp(m->v[i].path, path) == 0)
            return &m->v[i];
    return NULL;
}

static void m_removed(model *m, const mnode *nd, int by, bool overwritten)
{
    if (nd->type == LD_FILE_DIR)
        return;
    ld_xgrow(&m->rm, &m->cap_rm, m->n_rm + 1, sizeof(*m->rm));
    m->rm[m->n_rm++] =
        (ld_removed_file){ld_xstrdup(nd->path), nd->layer, by, overwritten, nd->size};
}

static void m_delete(model *m, mnode *nd, int by)
{
    m_removed(m, nd, by, false);
    nd->live = false;
}

/* Is a proper ancestor of path (or "/") in gone[0..n)? */
static bool under(const char *path, char **gone, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        size_t gl = strlen(gone[i]);
        if (strcmp(gone[i], "/") == 0 ? strcmp(path, "/") != 0
                                      : strncmp(path, gone[i], gl) == 0 && path[gl] == '/')
            return true;
    }
    return false;
}

static void m_apply(model *m, const ld_layer_result *l, int li)
{
    char **gone = ld_xcalloc(l->n + 1, sizeof(char *));
    size_t ng = 0;
    for (size_t i = 0; i < l->n; i++) {
        const ld_layer_entry *e = &l->v[i];
        mnode *nd = m_find(m, e->path);
        if (e->wh == LD_WH_FILE) {
            if (nd)
                m_delete(m, nd, li);
            gone[ng++] = e->path;
        } else if (e->wh == LD_WH_OPAQUE) {
            gone[ng++] = e->path;
        } else if (e->type != LD_FILE_DIR && nd && nd->type == LD_FILE_DIR) {
            gone[ng++] = e->path;
        }
    }
    for (size_t i = 0; i < m->n; i++)
        if (m->v[i].live && under(m->v[i].path, gone, ng))
            m_delete(m, &m->v[i], li);
    free(gone);
    for (size_t i = 0; i < l->n; i++) {
        const ld_layer_entry *e = &l->v[i];
        if (e->wh != LD_WH_NONE)
            continue;
        mnode *nd = m_find(m, e->path);
        if (nd) {
            if (nd->layer != li)
                m_removed(m, nd, li, true);
        } else {
            ld_xgrow(&m->v, &m->cap, m->n + 1, sizeof(*m->v));
            nd = &m->v[m->n++];
            nd->path = ld_xstrdup(e->path);
            nd->live = true;
        }
        nd->type = e->type;
        nd->layer = li;
        nd->size = e->size;
    }
}

static void m_clear(model *m)
{
    for (size_t i = 0; i < m->n; i++)
        free(m->v[i].path);
    free(m->v);
    for (size_t i = 0; i < m->n_rm; i++)
        free(m->rm[i].path);
    free(m->rm);
}

/* ---- random layers ------------------------------------------------------ */

static uint64_t rng_state;

static uint32_t rnd(uint32_t n)
{
    rng_state = rng_state * 6364136223846793005ULL + 1442695040888963407ULL;
    return (uint32_t)(rng_state >> 33) % n;
}

static const char *const universe[] = {
    "/a",   "/a/b",   "/a/b/c", "/a/b/c/f", "/a/b/g", "/a/x",   "/ab",  "/ab/y",       "/b",
    "/b/z", "/b/z/q", "/a-b",   "/a/b-c",   "/c",     "/c/d/e", "/c/d", "/a/b/c/d/e/f"};
#define N_UNIVERSE (sizeof(universe) / sizeof(universe[0]))

static void add(ld_layer_result *r, const char *path, ld_file_type t, int wh, uint64_t size)
{
    ld_xgrow(&r->v, &r->cap, r->n + 1, sizeof(*r->v));
    r->v[r->n++] = (ld_layer_entry){.path = ld_xstrdup(path), .type = t, .wh = wh, .size = size};
}

static void random_layer(ld_layer_result *r)
{
    memset(r, 0, sizeof(*r));
    uint32_t n = 1 + rnd(12);
    for (uint32_t i = 0; i < n; i++) {
        const char *p = universe[rnd(N_UNIVERSE)];
        switch (rnd(7)) {
        case 0:
        case 1: add(r, p, LD_FILE_REGULAR, LD_WH_NONE, rnd(100)); break;
        case 2: add(r, p, LD_FILE_DIR, LD_WH_NONE, 0); break;
        case 3: add(r, p, LD_FILE_SYMLINK, LD_WH_NONE, 3); break;
        case 4:
        case 5: add(r, p, LD_FILE_REGULAR, LD_WH_FILE, 0); break;
        default: add(r, rnd(10) ? p : "/", LD_FILE_REGULAR, LD_WH_OPAQUE, 0); break;
        }
    }
}

static int cmp_mnode(const void *a, const void *b)
{
    return strcmp(((const mnode *)a)->path, ((const mnode *)b)->path);
}

static void compare(size_t round, ld_layer_result *layers, size_t n)
{
    model m = {0};
    for (size_t i = 0; i < n; i++)
        m_apply(&m, &layers[i], (int)i);
    const ld_layer_result **ptrs = ld_xcalloc(n, sizeof(*ptrs));
    for (size_t i = 0; i < n; i++)
        ptrs[i] = &layers[i];
    ld_fs_index x;
    ld_error err = LD_ERROR_INIT;
    assert_int_equal(ld_fs_index_build(ptrs, n, &x, &err), 0);
    mnode *live = ld_xcalloc(m.n + 1, sizeof(*live));
    size_t nl = 0;
    for (size_t i = 0; i < m.n; i++)
        if (m.v[i].live)
            live[nl++] = m.v[i];
    qsort(live, nl, sizeof(*live), cmp_mnode);
    if (nl != x.n_files)
        fail_msg("round %zu: %zu files, the model has %zu", round, x.n_files, nl);
    for (size_t i = 0; i < nl; i++) {
        if (strcmp(live[i].path, x.files[i].path) != 0 || live[i].type != x.files[i].type ||
            live[i].layer != x.files[i].layer || live[i].size != x.files[i].size)
            fail_msg("round %zu: file %zu is %s (layer %d), the model has %s (layer %d)", round, i,
                     x.files[i].path, x.files[i].layer, live[i].path, live[i].layer);
    }
    if (m.n_rm != x.n_removed)
        fail_msg("round %zu: %zu removed, the model has %zu", round, x.n_removed, m.n_rm);
    for (size_t i = 0; i < m.n_rm; i++) {
        const ld_removed_file *a = &m.rm[i], *b = &x.removed[i];
        if (strcmp(a->path, b->path) != 0 || a->layer != b->layer ||
            a->removed_by != b->removed_by || a->overwritten != b->overwritten ||
            a->size != b->size)
            fail_msg("round %zu: removed %zu is %s (%d by %d, %d), the model has %s (%d by %d, %d)",
                     round, i, b->path, b->layer, b->removed_by, b->overwritten, a->path, a->layer,
                     a->removed_by, a->overwritten);
    }
    free(live);
    free(ptrs);
    ld_fs_index_clear(&x);
    m_clear(&m);
}

static void test_random_layers_agree_with_the_model(void **state)
{
    (void)state;
    rng_state = 20240611;
    for (size_t round = 0; round < 3000; round++) {
        size_t n = 1 + rnd(6);
        ld_layer_result layers[6];
        for (size_t i = 0; i < n; i++)
            random_layer(&layers[i]);
        compare(round, layers, n);
        for (size_t i = 0; i < n; i++)
            ld_layer_result_clear(&layers[i]);
    }
}

/* 200,000 files in one layer and 1,023 layers of one whiteout each: the
 * cost is the whiteouts', not layers x files (the slow way makes 2e8 visits). */
static void test_many_whiteout_layers_are_cheap(void **state)
{
    (void)state;
    enum { FILES = 200000, LAYERS = 1024 };
    ld_layer_result *layers = ld_xcalloc(LAYERS, sizeof(*layers));
    char path[64];
    for (int i = 0; i < FILES; i++) {
        snprintf(path, sizeof(path), "/a/b/c/d/e/f/%d", i);
        add(&layers[0], path, LD_FILE_REGULAR, LD_WH_NONE, 1);
    }
    for (int l = 1; l < LAYERS; l++) {
        snprintf(path, sizeof(path), "/a/b/c/d/e/f/%d", l * 7);
        add(&layers[l], path, LD_FILE_REGULAR, LD_WH_FILE, 0);
    }
    const ld_layer_result **ptrs = ld_xcalloc(LAYERS, sizeof(*ptrs));
    for (int i = 0; i < LAYERS; i++)
        ptrs[i] = &layers[i];
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    ld_fs_index x;
    ld_error err = LD_ERROR_INIT;
    assert_int_equal(ld_fs_index_build(ptrs, LAYERS, &x, &err), 0);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    assert_int_equal(x.n_files, FILES - (LAYERS - 1));
    assert_int_equal(x.n_removed, LAYERS - 1);
    assert_int_equal(x.removed[0].removed_by, 1);
    /* the slow way takes tens of seconds here; generous for ASan */
    if (secs > 5.0)
        fail_msg("building the index took %.1f s", secs);
    ld_fs_index_clear(&x);
    for (int i = 0; i < LAYERS; i++)
        ld_layer_result_clear(&layers[i]);
    free(layers);
    free(ptrs);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_random_layers_agree_with_the_model),
        cmocka_unit_test(test_many_whiteout_layers_are_cheap),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
