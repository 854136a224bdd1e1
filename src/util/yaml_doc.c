/* YAML document trees built from libyaml events with size/depth/count
 * caps: the strict single-document loader and the stream loader (anchors,
 * aliases, merge keys, standard tags), the arena trees live in, and the
 * lookups. See yaml_doc.h. JSON input is parsed by yaml_json.c into the
 * same trees. */
#include "util/yaml_doc.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <sys/mman.h>
#include <unistd.h>
#include <yaml.h>

#include "util/mem.h"
#include "util/text_bom.h"
#include "util/yaml_doc_internal.h"

/* ---- arena ---- */

typedef struct arena_block {
    struct arena_block *next;
    size_t used, cap;
    unsigned char data[];
} arena_block;

struct ld_yaml_arena {
    arena_block *head;
    size_t next_cap;
};

#define ARENA_FIRST_BLOCK ((size_t)4096)
/* Blocks grow to 2 MiB, aligned and advised as a huge page where the
 * kernel offers them: a 10,000-object dump builds a few hundred MiB of
 * nodes, and one fault per 4 KiB page is then a good part of the time. */
#define ARENA_MAX_BLOCK ((size_t)2 << 20)
#define ARENA_BIG ((size_t)64 << 10) /* larger requests get a block of their own */

/* A block of cap bytes of data (header included in the allocation). */
static arena_block *block_new(size_t cap)
{
    size_t total = sizeof(arena_block) + cap;
    arena_block *b;
    if (total >= ARENA_MAX_BLOCK) {
        size_t rounded = (total + ARENA_MAX_BLOCK - 1) & ~(ARENA_MAX_BLOCK - 1);
        b = aligned_alloc(ARENA_MAX_BLOCK, rounded);
        if (!b)
            b = ld_xmalloc(total);
        else {
#ifdef MADV_HUGEPAGE
            (void)madvise(b, rounded, MADV_HUGEPAGE);
#endif
            cap = rounded - sizeof(arena_block);
        }
    } else {
        b = ld_xmalloc(total);
    }
    b->cap = cap;
    b->used = 0;
    b->next = NULL;
    return b;
}

/* A root that owns its arena: ld_yaml_free finds the arena behind it. */
typedef struct {
    ld_yaml_node node; /* first: a pointer to it is a pointer to this */
    ld_yaml_arena *arena;
} ldy_rooted;

ld_yaml_arena *ldy_arena_new(void)
{
    return ld_xcalloc(1, sizeof(ld_yaml_arena));
}

void ldy_arena_free(ld_yaml_arena *a)
{
    if (!a)
        return;
    for (arena_block *b = a->head, *next; b; b = next) {
        next = b->next;
        free(b);
    }
    free(a);
}

void *ldy_alloc(ld_yaml_arena *a, size_t n, int aligned)
{
    arena_block *b = a->head;
    size_t at = b ? b->used : 0;
    if (b && aligned)
        at = (at + 7) & ~(size_t)7;
    if (!b || at > b->cap || b->cap - at < n) {
        if (n > ARENA_BIG) {
            /* a block of its own, behind the current one so the current
             * block keeps serving small requests */
            arena_block *big = block_new(n);
            big->used = big->cap;
            if (b) {
                big->next = b->next;
                b->next = big;
            } else {
                big->next = NULL;
                a->head = big;
            }
            return big->data;
        }
        size_t cap = a->next_cap < ARENA_FIRST_BLOCK ? ARENA_FIRST_BLOCK : a->next_cap;
        a->next_cap = cap * 2 > ARENA_MAX_BLOCK ? ARENA_MAX_BLOCK : cap * 2;
        b = block_new(cap == ARENA_MAX_BLOCK ? cap - sizeof(arena_block) : cap);
        b->next = a->head;
        a->head = b;
        at = 0;
    }
    b->used = at + n;
    return b->data + at;
}

char *ldy_strndup(ld_yaml_arena *a, const char *s, size_t n)
{
    char *p = ldy_alloc(a, n + 1, 0);
    if (n)
        memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

ld_yaml_node *ldy_node(ld_yaml_arena *a, ld_yaml_kind kind, int line, int col)
{
    ld_yaml_node *n = ldy_alloc(a, sizeof(*n), 1);
    memset(n, 0, sizeof(*n));
    n->kind = kind;
    n->line = line;
    n->col = col;
    n->alloc_ = LDY_ALLOC_MEMBER;
    return n;
}

ld_yaml_node *ldy_make_root(ld_yaml_arena *a, const ld_yaml_node *root)
{
    ldy_rooted *r = ldy_alloc(a, sizeof(*r), 1);
    r->node = *root;
    r->node.alloc_ = LDY_ALLOC_ROOT;
    r->arena = a;
    return &r->node;
}

void ldy_set_children(ld_yaml_arena *a, ld_yaml_node *coll, ld_yaml_node *const *v, size_t count)
{
    if (coll->kind == LD_YAML_MAP) {
        size_t n = count / 2;
        coll->keys = ldy_alloc(a, n ? n * sizeof(*coll->keys) : 1, 1);
        coll->items = ldy_alloc(a, n ? n * sizeof(*coll->items) : 1, 1);
        for (size_t i = 0; i < n; i++) {
            coll->keys[i] = v[2 * i];
            coll->items[i] = v[2 * i + 1];
        }
        coll->n = n;
    } else {
        coll->items = ldy_alloc(a, count ? count * sizeof(*coll->items) : 1, 1);
        if (count)
            memcpy(coll->items, v, count * sizeof(*v));
        coll->n = count;
    }
}

void ldy_docs_push(ld_yaml_docs *d, ld_yaml_node *doc)
{
    ld_xgrow(&d->docs, &d->cap, d->n + 1, sizeof(*d->docs));
    d->docs[d->n++] = doc;
}

void ld_yaml_docs_clear(ld_yaml_docs *d)
{
    if (!d)
        return;
    free(d->docs);
    ldy_arena_free(d->arena);
    memset(d, 0, sizeof(*d));
}

void ld_yaml_docs_move(ld_yaml_docs *to, ld_yaml_docs *from)
{
    if (from->n == 0 && !from->arena)
        return;
    if (!to->arena) {
        ld_yaml_docs_clear(to);
        *to = *from;
        memset(from, 0, sizeof(*from));
        return;
    }
    for (size_t i = 0; i < from->n; i++)
        ldy_docs_push(to, from->docs[i]);
    /* chain the arenas: from's blocks join to's list */
    if (from->arena) {
        arena_block *last = from->arena->head;
        if (last) {
            while (last->next)
                last = last->next;
            /* keep to's current block first so it goes on serving */
            arena_block *cur = to->arena->head;
            if (cur) {
                last->next = cur->next;
                cur->next = from->arena->head;
            } else {
                to->arena->head = from->arena->head;
            }
        }
        free(from->arena);
    }
    free(from->docs);
    memset(from, 0, sizeof(*from));
}

/* ---- duplicate keys ---- */

static int compare_keys(const void *a, const void *b)
{
    const ld_yaml_node *x = *(const ld_yaml_node *const *)a;
    const ld_yaml_node *y = *(const ld_yaml_node *const *)b;
    int c = strcmp(x->value, y->value);
    if (c)
        return c;
    return (x->line > y->line) - (x->line < y->line);
}

/* Duplicate keys in a mapping are an error naming the later one. Small
 * maps compare pairwise; larger ones sort a copy, O(n log n), so a hostile
 * file of many keys stays fast. */
int ldy_check_duplicates(const char *name, const ld_yaml_node *map, ld_error *err)
{
    if (map->n < 2)
        return 0;
    if (map->n <= 8) {
        for (size_t i = 1; i < map->n; i++)
            for (size_t j = 0; j < i; j++)
                if (strcmp(map->keys[i]->value, map->keys[j]->value) == 0)
                    return ld_error_set(err, LD_ERR_CORRUPT, "%s: line %d: duplicate key \"%s\"",
                                        name, map->keys[i]->line, map->keys[i]->value);
        return 0;
    }
    const ld_yaml_node **sorted = ld_xcalloc(map->n, sizeof(*sorted));
    for (size_t i = 0; i < map->n; i++)
        sorted[i] = map->keys[i];
    qsort(sorted, map->n, sizeof(*sorted), compare_keys);
    int rc = 0;
    for (size_t i = 1; i < map->n; i++) {
        if (strcmp(sorted[i - 1]->value, sorted[i]->value) == 0) {
            rc = ld_error_set(err, LD_ERR_CORRUPT, "%s: line %d: duplicate key \"%s\"", name,
                              sorted[i]->line, sorted[i]->value);
            break;
        }
    }
    free(sorted);
    return rc;
}

/* ---- the event loader ---- */

typedef struct {
    const char *name; /* in the arena */
    const ld_yaml_node *node;
    size_t size; /* nodes it stands for, expansions included */
    int height;
} anchor;

typedef struct {
    yaml_parser_t parser;
    const char *name;
    ld_yaml_limits lim;
    size_t line_base;  /* lines before the input (a chunk of a larger one) */
    unsigned threads;  /* ld_yaml_options.threads */
    size_t max_scalar; /* longest value (and YAML line) accepted */
    size_t nodes; /* counted so far, alias and merge expansions included */
    ld_error *err;
    ld_yaml_arena *arena;
    bool aliases, tags;
    /* children of the collections being built, innermost last */
    ld_yaml_node **stack;
    size_t stack_n, stack_cap;
    /* merge sources (the values of "<<") of the mappings being built */
    const ld_yaml_node **merges;
    size_t merges_n, merges_cap;
    /* anchors of the current document: open addressing by name */
    anchor *anchors;
    size_t anchors_cap, anchors_n;
} loader;

static int count_nodes(loader *ld, size_t n, size_t line, bool alias)
{
    if (n > ld->lim.max_nodes || ld->nodes > ld->lim.max_nodes - n) {
        if (alias)
            return ld_error_set(ld->err, LD_ERR_LIMIT,
                                "%s: line %zu: aliases expand to more than %zu YAML nodes "
                                "(an alias bomb?); refusing to expand them",
                                ld->name, line, ld->lim.max_nodes);
        return ld_error_set(ld->err, LD_ERR_LIMIT, "%s: line %zu: more than %zu YAML nodes",
                            ld->name, line, ld->lim.max_nodes);
    }
    ld->nodes += n;
    return 0;
}

static ld_yaml_node *node_new(loader *ld, ld_yaml_kind kind, const yaml_mark_t *mark)
{
    if (count_nodes(ld, 1, mark->line + 1, false) < 0)
        return NULL;
    return ldy_node(ld->arena, kind, (int)(mark->line + 1 + ld->line_base),
                    (int)mark->column + 1);
}

static int next_event(loader *ld, yaml_event_t *ev)
{
    if (!yaml_parser_parse(&ld->parser, ev)) {
        const char *problem = ld->parser.problem ? ld->parser.problem : "syntax error";
        return ld_error_set(ld->err, LD_ERR_CORRUPT, "%s: line %zu: %s", ld->name,
                            ld->parser.problem_mark.line + 1, problem);
    }
    return 0;
}

static void push_child(loader *ld, ld_yaml_node *n)
{
    ld_xgrow(&ld->stack, &ld->stack_cap, ld->stack_n + 1, sizeof(*ld->stack));
    ld->stack[ld->stack_n++] = n;
}

static uint64_t hash_name(const char *s)
{
    uint64_t h = 1469598103934665603ull;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h;
}

static anchor *anchor_slot(anchor *tab, size_t cap, const char *name)
{
    size_t i = (size_t)hash_name(name) & (cap - 1);
    while (tab[i].name && strcmp(tab[i].name, name) != 0)
        i = (i + 1) & (cap - 1);
    return &tab[i];
}

/* Registers (or redefines: the later one wins) an anchor of this document. */
static void anchor_set(loader *ld, const char *name, const ld_yaml_node *node, size_t size,
                       int height)
{
    if ((ld->anchors_n + 1) * 2 > ld->anchors_cap) {
        size_t cap = ld->anchors_cap ? ld->anchors_cap * 2 : 64;
        anchor *tab = ld_xcalloc(cap, sizeof(*tab));
        for (size_t i = 0; i < ld->anchors_cap; i++)
            if (ld->anchors[i].name)
                *anchor_slot(tab, cap, ld->anchors[i].name) = ld->anchors[i];
        free(ld->anchors);
        ld->anchors = tab;
        ld->anchors_cap = cap;
    }
    anchor *a = anchor_slot(ld->anchors, ld->anchors_cap, name);
    if (!a->name)
        ld->anchors_n++;
    *a = (anchor){name, node, size, height};
}

static const anchor *anchor_get(const loader *ld, const char *name)
{
    if (!ld->anchors_cap)
        return NULL;
    const anchor *a = anchor_slot(ld->anchors, ld->anchors_cap, name);
    return a->name ? a : NULL;
}

static void anchors_reset(loader *ld)
{
    if (ld->anchors_cap)
        memset(ld->anchors, 0, ld->anchors_cap * sizeof(*ld->anchors));
    ld->anchors_n = 0;
}

/* The explicit tag of a node event ("tag:yaml.org,2002:str", "!foo", "!"),
 * or NULL. */
static const char *event_tag(const yaml_event_t *ev)
{
    const yaml_char_t *tag = NULL;
    switch (ev->type) {
    case YAML_SCALAR_EVENT: tag = ev->data.scalar.tag; break;
    case YAML_SEQUENCE_START_EVENT: tag = ev->data.sequence_start.tag; break;
    case YAML_MAPPING_START_EVENT: tag = ev->data.mapping_start.tag; break;
    default: break;
    }
    return (const char *)tag;
}

static const char *event_anchor(const yaml_event_t *ev)
{
    const yaml_char_t *a = NULL;
    switch (ev->type) {
    case YAML_SCALAR_EVENT: a = ev->data.scalar.anchor; break;
    case YAML_SEQUENCE_START_EVENT: a = ev->data.sequence_start.anchor; break;
    case YAML_MAPPING_START_EVENT: a = ev->data.mapping_start.anchor; break;
    default: break;
    }
    return (const char *)a;
}

/* Bytes of a tag shown in a message, as written ("!!str", not libyaml's
 * resolved "tag:yaml.org,2002:str"): printable ASCII only, capped. */
static void show_tag(const char *tag, char *out, size_t outlen)
{
    static const char core[] = "tag:yaml.org,2002:";
    size_t n = 0;
    if (strncmp(tag, core, sizeof(core) - 1) == 0 && outlen > 3) {
        memcpy(out, "!!", 2);
        n = 2;
        tag += sizeof(core) - 1;
    }
    const char *p = tag;
    for (; *p && n + 4 < outlen && n < 64; p++)
        out[n++] = (*p > 0x20 && *p < 0x7f) ? *p : '?';
    if (*p && n + 4 <= outlen) { /* cut short */
        memcpy(out + n, "...", 3);
        n += 3;
    }
    out[n] = '\0';
}

static const char *const tag_names[] = {"",       "!!str",   "!!int",        "!!bool",
                                        "!!float", "!!null", "!!binary",     "!!timestamp",
                                        "!!map",  "!!seq"};

const char *ld_yaml_tag_name(ld_yaml_tag tag)
{
    return (unsigned)tag < sizeof(tag_names) / sizeof(tag_names[0]) ? tag_names[tag] : "?";
}

static bool base64_text(const char *s)
{
    for (; *s; s++)
        if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
              *s == '+' || *s == '/' || *s == '=' || *s == ' ' || *s == '\n' || *s == '\r' ||
              *s == '\t'))
            return false;
    return true;
}

static bool digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return false;
    return true;
}

/* YYYY-M-D, optionally followed by a time part (YAML 1.1 timestamp). */
static bool timestamp_text(const char *s)
{
    if (!digits(s, 4) || s[4] != '-')
        return false;
    const char *p = s + 5;
    size_t m = strspn(p, "0123456789");
    if (m < 1 || m > 2 || p[m] != '-')
        return false;
    p += m + 1;
    size_t d = strspn(p, "0123456789");
    if (d < 1 || d > 2)
        return false;
    p += d;
    return *p == '\0' || *p == 'T' || *p == 't' || *p == ' ' || *p == '\t';
}

/* Checks an explicit tag against the node and returns its ld_yaml_tag, or
 * -1 with err set. */
static int resolve_tag(loader *ld, const char *tag, ld_yaml_kind kind, const char *value,
                       size_t line)
{
    char shown[80];
    show_tag(tag, shown, sizeof(shown));
    if (!ld->tags)
        return ld_error_set(ld->err, LD_ERR_UNSUPPORTED,
                            "%s: line %zu: YAML tags (%s) are not accepted; remove the tag",
                            ld->name, line, shown);
    static const char core[] = "tag:yaml.org,2002:";
    int t = -1;
    if (strcmp(tag, "!") == 0) {
        t = kind == LD_YAML_SCALAR ? LD_YAML_TAG_STR
            : kind == LD_YAML_MAP  ? LD_YAML_TAG_MAP
                                   : LD_YAML_TAG_SEQ;
    } else if (strncmp(tag, core, sizeof(core) - 1) == 0) {
        const char *name = tag + sizeof(core) - 1;
        for (size_t i = 1; i < sizeof(tag_names) / sizeof(tag_names[0]); i++)
            if (strcmp(name, tag_names[i] + 2) == 0)
                t = (int)i;
    }
    if (t < 0)
        return ld_error_set(ld->err, LD_ERR_UNSUPPORTED,
                            "%s: line %zu: YAML tag %s is not accepted (only the standard tags "
                            "!!str, !!int, !!bool, !!float, !!null, !!binary, !!timestamp, "
                            "!!map and !!seq are)",
                            ld->name, line, shown);
    bool collection_tag = t == LD_YAML_TAG_MAP || t == LD_YAML_TAG_SEQ;
    if ((kind == LD_YAML_SCALAR) == collection_tag ||
        (kind == LD_YAML_MAP && t == LD_YAML_TAG_SEQ) ||
        (kind == LD_YAML_SEQ && t == LD_YAML_TAG_MAP))
        return ld_error_set(ld->err, LD_ERR_CORRUPT, "%s: line %zu: tag %s on %s", ld->name, line,
                            shown, ld_yaml_kind_name(kind));
    if (kind != LD_YAML_SCALAR)
        return t;
    bool ok = true, b;
    long long i;
    switch (t) {
    case LD_YAML_TAG_INT: ok = ld_yaml_text_int(value, &i); break;
    case LD_YAML_TAG_BOOL: ok = ld_yaml_text_bool(value, &b); break;
    case LD_YAML_TAG_FLOAT: ok = ld_yaml_text_float(value) || ld_yaml_text_int(value, &i); break;
    case LD_YAML_TAG_NULL: ok = ld_yaml_text_is_null(value); break;
    case LD_YAML_TAG_BINARY: ok = base64_text(value); break;
    case LD_YAML_TAG_TIMESTAMP: ok = timestamp_text(value); break;
    default: break;
    }
    if (!ok)
        return ld_error_set(ld->err, LD_ERR_CORRUPT,
                            "%s: line %zu: the value tagged %s is not one (%.40s%s)", ld->name,
                            line, shown, value, strlen(value) > 40 ? "..." : "");
    return t;
}

static ld_yaml_node *load_node(loader *ld, yaml_event_t *ev, int depth, size_t *size,
                               int *height);

/* Is key the merge key "<<" (plain, untagged) of a loader that takes them? */
static bool is_merge_key(const loader *ld, const ld_yaml_node *key)
{
    return ld->aliases && !key->quoted && key->tag == LD_YAML_TAG_NONE &&
           strcmp(key->value, "<<") == 0;
}

typedef struct {
    ld_yaml_node *key, *value;
    size_t order; /* position among the candidates */
    size_t rank;  /* 0: written in the map; i: from the i-th merged map */
} candidate;

static int compare_candidates(const void *a, const void *b)
{
    const candidate *x = a, *y = b;
    int c = strcmp(x->key->value, y->key->value);
    if (c)
        return c;
    if (x->rank != y->rank)
        return x->rank < y->rank ? -1 : 1;
    return (x->order > y->order) - (x->order < y->order);
}

/* The mapping's own entries (pairs on the stack from base) plus those of
 * its merge sources (from mbase): keys written in the map win, then the
 * earlier merged map; duplicates among the written keys are an error. */
static int finish_merged_map(loader *ld, ld_yaml_node *map, size_t base, size_t mbase)
{
    size_t own = (ld->stack_n - base) / 2, total = own;
    for (size_t m = mbase; m < ld->merges_n; m++)
        total += ld->merges[m]->n;
    candidate *c = ld_xcalloc(total ? total : 1, sizeof(*c));
    size_t k = 0;
    for (size_t i = 0; i < own; i++, k++)
        c[k] = (candidate){ld->stack[base + 2 * i], ld->stack[base + 2 * i + 1], k, 0};
    for (size_t m = mbase; m < ld->merges_n; m++)
        for (size_t i = 0; i < ld->merges[m]->n; i++, k++)
            c[k] = (candidate){ld->merges[m]->keys[i], ld->merges[m]->items[i], k, m - mbase + 1};
    qsort(c, total, sizeof(*c), compare_candidates);
    bool *keep = ld_xcalloc(total ? total : 1, sizeof(*keep));
    int rc = 0;
    for (size_t i = 0; i < total && rc == 0; i++) {
        bool first = i == 0 || strcmp(c[i - 1].key->value, c[i].key->value) != 0;
        if (!first && c[i].rank == 0 && c[i - 1].rank == 0)
            rc = ld_error_set(ld->err, LD_ERR_CORRUPT, "%s: line %d: duplicate key \"%s\"",
                              ld->name, c[i].key->line, c[i].key->value);
        if (first)
            keep[c[i].order] = true;
    }
    if (rc == 0) {
        /* back in written order: the map's own entries, then merged ones */
        ld_yaml_node **pairs = ld_xcalloc(total ? 2 * total : 1, sizeof(*pairs));
        ld_yaml_node **by_order = ld_xcalloc(total ? 2 * total : 1, sizeof(*by_order));
        for (size_t i = 0; i < total; i++) {
            by_order[2 * c[i].order] = c[i].key;
            by_order[2 * c[i].order + 1] = c[i].value;
        }
        size_t n = 0;
        for (size_t i = 0; i < total; i++) {
            if (!keep[i])
                continue;
            pairs[2 * n] = by_order[2 * i];
            pairs[2 * n + 1] = by_order[2 * i + 1];
            n++;
        }
        ldy_set_children(ld->arena, map, pairs, 2 * n);
        free(pairs);
        free(by_order);
    }
    free(keep);
    free(c);
    return rc;
}

/* Records the value of a "<<" key: a mapping, or a list of mappings. */
static int add_merge(loader *ld, const ld_yaml_node *v)
{
    size_t count = v->kind == LD_YAML_SEQ ? v->n : 1;
    for (size_t i = 0; i < count; i++) {
        const ld_yaml_node *m = v->kind == LD_YAML_SEQ ? v->items[i] : v;
        if (m->kind != LD_YAML_MAP)
            return ld_error_set(ld->err, LD_ERR_CORRUPT,
                                "%s: line %d: the merge key \"<<\" takes a mapping or a list of "
                                "mappings, not %s",
                                ld->name, m->line, ld_yaml_kind_name(m->kind));
        ld_xgrow(&ld->merges, &ld->merges_cap, ld->merges_n + 1, sizeof(*ld->merges));
        ld->merges[ld->merges_n++] = m;
    }
    return 0;
}

/* Loads children until the matching end event. */
static ld_yaml_node *load_collection(loader *ld, ld_yaml_node *coll, yaml_event_type_t end,
                                     int depth, size_t *size, int *height)
{
    size_t base = ld->stack_n, mbase = ld->merges_n;
    bool is_map = coll->kind == LD_YAML_MAP;
    int max_child = 0;
    ld_yaml_node *result = NULL;
    for (;;) {
        yaml_event_t ev;
        if (next_event(ld, &ev) < 0)
            goto out;
        if (ev.type == end) {
            yaml_event_delete(&ev);
            break;
        }
        size_t s = 0;
        int h = 0;
        ld_yaml_node *key = NULL;
        if (is_map) {
            key = load_node(ld, &ev, depth + 1, &s, &h);
            if (!key)
                goto out;
            if (key->kind != LD_YAML_SCALAR) {
                ld_error_set(ld->err, LD_ERR_CORRUPT, "%s: line %d: mapping keys must be scalars",
                             ld->name, key->line);
                goto out;
            }
            *size += s;
            if (next_event(ld, &ev) < 0)
                goto out;
        }
        ld_yaml_node *item = load_node(ld, &ev, depth + 1, &s, &h);
        if (!item)
            goto out;
        *size += s;
        if (h > max_child)
            max_child = h;
        if (key && is_merge_key(ld, key)) {
            if (add_merge(ld, item) < 0)
                goto out;
            continue;
        }
        if (key)
            push_child(ld, key);
        push_child(ld, item);
    }
    if (is_map && ld->merges_n > mbase) {
        if (finish_merged_map(ld, coll, base, mbase) < 0)
            goto out;
    } else {
        ldy_set_children(ld->arena, coll, ld->stack ? ld->stack + base : NULL,
                         ld->stack_n - base);
        if (is_map && ldy_check_duplicates(ld->name, coll, ld->err) < 0)
            goto out;
    }
    *height = 1 + max_child;
    result = coll;
out:
    ld->stack_n = base;
    ld->merges_n = mbase;
    return result;
}

static ld_yaml_node *load_scalar(loader *ld, yaml_event_t *ev, const char *tag)
{
    ld_yaml_node *n = node_new(ld, LD_YAML_SCALAR, &ev->start_mark);
    if (!n)
        return NULL;
    if (ev->data.scalar.length > ld->max_scalar) {
        ld_error_set(ld->err, LD_ERR_LIMIT, "%s: line %zu: a value of %zu bytes; at most %zu are "
                     "accepted", ld->name, (size_t)ev->start_mark.line + 1, ev->data.scalar.length,
                     ld->max_scalar);
        return NULL;
    }
    n->value = ldy_strndup(ld->arena, (const char *)ev->data.scalar.value, ev->data.scalar.length);
    n->quoted = ev->data.scalar.style == YAML_SINGLE_QUOTED_SCALAR_STYLE ||
                ev->data.scalar.style == YAML_DOUBLE_QUOTED_SCALAR_STYLE ||
                ev->data.scalar.style == YAML_LITERAL_SCALAR_STYLE ||
                ev->data.scalar.style == YAML_FOLDED_SCALAR_STYLE;
    if (tag) {
        int t = resolve_tag(ld, tag, LD_YAML_SCALAR, n->value, ev->start_mark.line + 1);
        if (t < 0)
            return NULL;
        n->tag = (unsigned char)t;
        /* the tag decides the type: !!str is text, the others are not */
        n->quoted = t == LD_YAML_TAG_STR || t == LD_YAML_TAG_BINARY;
    }
    return n;
}

/* Builds the node starting at ev (consumed): *size receives the nodes it
 * stands for (aliases expanded), *height its depth. */
static ld_yaml_node *load_node(loader *ld, yaml_event_t *ev, int depth, size_t *size,
                               int *height)
{
    ld_yaml_node *n = NULL;
    *size = 1;
    *height = 1;
    size_t line = ev->start_mark.line + 1;
    if (depth > ld->lim.max_depth) {
        ld_error_set(ld->err, LD_ERR_LIMIT, "%s: line %zu: nesting deeper than %d levels", ld->name,
                     line, ld->lim.max_depth);
        yaml_event_delete(ev);
        return NULL;
    }
    const char *tag = event_tag(ev);
    const char *anchor_name = NULL;
    if (ld->aliases && event_anchor(ev))
        anchor_name = ldy_strndup(ld->arena, event_anchor(ev), strlen(event_anchor(ev)));
    switch (ev->type) {
    case YAML_SCALAR_EVENT:
        n = load_scalar(ld, ev, tag);
        yaml_event_delete(ev);
        break;
    case YAML_SEQUENCE_START_EVENT:
    case YAML_MAPPING_START_EVENT: {
        bool is_map = ev->type == YAML_MAPPING_START_EVENT;
        ld_yaml_kind kind = is_map ? LD_YAML_MAP : LD_YAML_SEQ;
        int t = LD_YAML_TAG_NONE;
        if (tag && (t = resolve_tag(ld, tag, kind, NULL, line)) < 0) {
            yaml_event_delete(ev);
            return NULL;
        }
        n = node_new(ld, kind, &ev->start_mark);
        yaml_event_delete(ev);
        if (!n)
            return NULL;
        n->tag = (unsigned char)t;
        n = load_collection(ld, n, is_map ? YAML_MAPPING_END_EVENT : YAML_SEQUENCE_END_EVENT,
                            depth, size, height);
        break;
    }
    case YAML_ALIAS_EVENT: {
        if (!ld->aliases) {
            ld_error_set(ld->err, LD_ERR_UNSUPPORTED, "%s: line %zu: YAML aliases are not accepted",
                         ld->name, line);
            yaml_event_delete(ev);
            return NULL;
        }
        const anchor *a = anchor_get(ld, (const char *)ev->data.alias.anchor);
        if (!a) {
            char shown[80];
            show_tag((const char *)ev->data.alias.anchor, shown, sizeof(shown));
            ld_error_set(ld->err, LD_ERR_CORRUPT,
                         "%s: line %zu: alias *%s names no anchor before it in this document",
                         ld->name, line, shown);
            yaml_event_delete(ev);
            return NULL;
        }
        yaml_event_delete(ev);
        if (depth + a->height - 1 > ld->lim.max_depth) {
            ld_error_set(ld->err, LD_ERR_LIMIT,
                         "%s: line %zu: alias nests deeper than %d levels", ld->name, line,
                         ld->lim.max_depth);
            return NULL;
        }
        if (count_nodes(ld, a->size, line, true) < 0)
            return NULL;
        *size = a->size;
        *height = a->height;
        return (ld_yaml_node *)a->node; /* shared, never modified */
    }
    default:
        ld_error_set(ld->err, LD_ERR_CORRUPT, "%s: line %zu: unexpected YAML event", ld->name,
                     line);
        yaml_event_delete(ev);
        return NULL;
    }
    if (n && anchor_name)
        anchor_set(ld, anchor_name, n, *size, *height);
    return n;
}

static void loader_init(loader *ld, const char *name, const ld_yaml_limits *limits,
                        ld_error *err)
{
    memset(ld, 0, sizeof(*ld));
    ld->name = name ? name : "<yaml>";
    ld->err = err;
    ld->lim.max_bytes = limits && limits->max_bytes ? limits->max_bytes : 8u << 20;
    ld->lim.max_depth = limits && limits->max_depth ? limits->max_depth : 64;
    ld->lim.max_nodes = limits && limits->max_nodes ? limits->max_nodes : 1000000;
    ld->max_scalar = ld->lim.max_bytes;
}

/* A line longer than the longest value accepted holds a value too long to
 * keep (or a flow collection no manifest writer produces): refused before
 * libyaml copies it. Returns 0 or LD_ERR_LIMIT. */
static int check_line_lengths(loader *ld, const char *buf, size_t len)
{
    size_t max = ld->max_scalar + 4096; /* room for the key and quotes */
    if (len <= max)
        return 0;
    size_t line = 1;
    const char *p = buf, *end = buf + len;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
        if (n > max)
            return ld_error_set(ld->err, LD_ERR_LIMIT,
                                "%s: line %zu is longer than %zu bytes; no value this long is "
                                "accepted",
                                ld->name, line, max);
        if (!nl)
            break;
        p = nl + 1;
        line++;
    }
    return 0;
}

static void loader_done(loader *ld)
{
    free(ld->stack);
    free(ld->merges);
    free(ld->anchors);
}

/* Runs the parser over the stream. single: at most one document, a second
 * one is refused with its own message. Documents go to out. */
static int load_stream(loader *ld, const char *buf, size_t len, size_t max_documents,
                       bool single, ld_yaml_docs *out)
{
    if (!yaml_parser_initialize(&ld->parser))
        return ld_error_set(ld->err, LD_ERR_NOMEM, "%s: cannot initialise YAML parser", ld->name);
    yaml_parser_set_input_string(&ld->parser, (const unsigned char *)buf, len);
    int rc = 0;
    for (;;) {
        yaml_event_t ev;
        if ((rc = next_event(ld, &ev)) < 0)
            break;
        yaml_event_type_t t = ev.type;
        size_t line = ev.start_mark.line + 1;
        yaml_event_delete(&ev);
        if (t == YAML_STREAM_END_EVENT)
            break;
        if (t == YAML_STREAM_START_EVENT || t == YAML_DOCUMENT_END_EVENT)
            continue;
        if (t != YAML_DOCUMENT_START_EVENT) {
            rc = ld_error_set(ld->err, LD_ERR_CORRUPT, "%s: line %zu: unexpected YAML event",
                              ld->name, line);
            break;
        }
        if (single && out->n >= 1) {
            rc = ld_error_set(ld->err, LD_ERR_UNSUPPORTED,
                              "%s: line %zu: a second YAML document (\"---\") is not accepted; "
                              "one file holds one document",
                              ld->name, line);
            break;
        }
        if (out->n >= max_documents) {
            rc = ld_error_set(ld->err, LD_ERR_LIMIT, "%s: line %zu: more than %zu YAML documents",
                              ld->name, line, max_documents);
            break;
        }
        anchors_reset(ld);
        if ((rc = next_event(ld, &ev)) < 0)
            break;
        size_t size;
        int height;
        ld_yaml_node *root = load_node(ld, &ev, 0, &size, &height);
        if (!root) {
            rc = ld->err && ld->err->code != LD_OK ? ld->err->code : LD_ERR_CORRUPT;
            break;
        }
        ldy_docs_push(out, root);
    }
    yaml_parser_delete(&ld->parser);
    return rc;
}

ld_yaml_node *ld_yaml_parse(const char *name, const char *buf, size_t len,
                            const ld_yaml_limits *limits, ld_error *err)
{
    loader ld;
    loader_init(&ld, name, limits, err);
    if (len > ld.lim.max_bytes) {
        ld_error_set(err, LD_ERR_LIMIT, "%s: larger than %zu bytes", ld.name, ld.lim.max_bytes);
        return NULL;
    }
    ld_skip_utf8_bom(&buf, &len); /* libyaml would take it too; one rule for every file */
    ld_yaml_docs docs = {0};
    ld.arena = docs.arena = ldy_arena_new();
    ld_yaml_node *root = NULL;
    if (load_stream(&ld, buf ? buf : "", len, 1, true, &docs) == 0) {
        if (docs.n)
            root = ldy_make_root(docs.arena, docs.docs[0]);
        else if (count_nodes(&ld, 1, 1, false) == 0) /* empty input: an empty map */
            root = ldy_make_root(docs.arena, ldy_node(docs.arena, LD_YAML_MAP, 1, 1));
    }
    loader_done(&ld);
    free(docs.docs);
    if (!root)
        ldy_arena_free(docs.arena);
    return root;
}

/* First byte that is not white space (or a comment-free YAML start). */
static bool looks_like_json(const char *buf, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        char ch = buf[i];
        if (ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r')
            continue;
        return ch == '{' || ch == '[';
    }
    return false;
}

/* ---- a large stream in chunks, on several processors ----
 *
 * A large input is cut where the cut cannot fall inside a node, and the
 * pieces are parsed at once: at document markers ("---" at the start of a
 * line is always one, even inside a quoted scalar, where libyaml refuses
 * it), or, in one `kind: List` document as `kubectl get -o yaml` prints it
 * (items: at column 0, each item a "- " at column 0), between items: at
 * column 0 inside such a sequence there is nothing else (block scalars and
 * continuation lines are indented; a quoted scalar or flow collection cut
 * there leaves its chunk unterminated). The pieces are put back together
 * only when every chunk parsed and the node budget holds; otherwise the
 * input is parsed whole, which also gives an error its real line. An alias
 * to an anchor in another chunk fails its chunk the same way. */

#define CHUNK_MIN_BYTES ((size_t)4 << 20) /* smaller inputs: not worth a thread */
#define CHUNKS_MAX 4

typedef struct {
    const char *buf;
    size_t len;
    size_t line_base;
    loader ld;
    ld_yaml_docs docs;
    ld_error err;
    int rc;
    size_t max_docs;
} chunk;

static void *parse_chunk(void *arg)
{
    chunk *c = arg;
    c->docs.arena = ldy_arena_new();
    c->ld.arena = c->docs.arena;
    c->ld.err = &c->err;
    c->ld.line_base = c->line_base;
    c->rc = load_stream(&c->ld, c->buf, c->len, c->max_docs, false, &c->docs);
    return NULL;
}

/* Is buf[at] the start of a line that is a document marker ("---" then a
 * blank or the end)? */
static bool doc_marker_at(const char *buf, size_t len, size_t at)
{
    return len - at >= 3 && memcmp(buf + at, "---", 3) == 0 &&
           (len - at == 3 || buf[at + 3] == ' ' || buf[at + 3] == '\n' || buf[at + 3] == '\r' ||
            buf[at + 3] == '\t');
}

/* The start of the first line at or after from that pred accepts, or len. */
static size_t next_line_where(const char *buf, size_t len, size_t from,
                              bool (*pred)(const char *, size_t, size_t))
{
    size_t at = from;
    if (at > 0 && at < len && buf[at - 1] != '\n') {
        const char *nl = memchr(buf + at, '\n', len - at);
        at = nl ? (size_t)(nl - buf) + 1 : len;
    }
    while (at < len) {
        if (pred(buf, len, at))
            return at;
        const char *nl = memchr(buf + at, '\n', len - at);
        at = nl ? (size_t)(nl - buf) + 1 : len;
    }
    return len;
}

static bool item_at(const char *buf, size_t len, size_t at)
{
    return len - at >= 2 && buf[at] == '-' && buf[at + 1] == ' ';
}

/* A line at column 0 that ends a column-0 sequence: anything but an item,
 * an indented line, a comment or a blank line. */
static bool top_level_at(const char *buf, size_t len, size_t at)
{
    char c = buf[at];
    return !(c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '#' || item_at(buf, len, at));
}

static size_t lines_before(const char *buf, size_t at)
{
    size_t n = 0;
    for (const char *p = buf, *end = buf + at; p < end;) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        if (!nl)
            break;
        n++;
        p = nl + 1;
    }
    return n;
}

/* Where a single List document's items sequence (kubectl's layout) starts
 * its entries and where it ends: items_at = the first "- " line after
 * "items:", end = the first top-level line after them. False when the input
 * is not laid out so. */
static bool list_layout(const char *buf, size_t len, size_t *items_at, size_t *end)
{
    const char *p = buf;
    for (;;) { /* "items:" at the start of a line */
        const char *hit = memmem(p, len - (size_t)(p - buf), "items:", 6);
        if (!hit)
            return false;
        if (hit == buf || hit[-1] == '\n') {
            size_t after = (size_t)(hit - buf) + 6;
            while (after < len && buf[after] == ' ')
                after++;
            if (after < len && (buf[after] == '\n' || buf[after] == '\r')) {
                size_t first = next_line_where(buf, len, after, item_at);
                if (first == len)
                    return false;
                *items_at = first;
                *end = next_line_where(buf, len, first, top_level_at);
                return true;
            }
        }
        p = hit + 6;
    }
}

/* Runs the chunks, one in this thread and the others in their own. */
static void run_chunks(chunk *c, size_t n)
{
    pthread_t tid[CHUNKS_MAX];
    bool started[CHUNKS_MAX] = {false};
    for (size_t i = 1; i < n; i++)
        started[i] = pthread_create(&tid[i], NULL, parse_chunk, &c[i]) == 0;
    parse_chunk(&c[0]);
    for (size_t i = 1; i < n; i++) {
        if (started[i])
            pthread_join(tid[i], NULL);
        else
            parse_chunk(&c[i]);
    }
}

/* Joins the List document cut into a prefix (chunk 0: its last document is
 * the List, with the first items), middles (a sequence each) and a tail
 * (chunk n-1: the keys after items, then maybe more documents). */
static int join_list(loader *ld, chunk *c, size_t n, ld_yaml_docs *out)
{
    const ld_yaml_docs *head = &c[0].docs, *tail = &c[n - 1].docs;
    size_t head_n = head->n, tail_n = tail->n;
    if (head_n == 0)
        return -1;
    ld_yaml_node *list = head->docs[head_n - 1];
    if (list->kind != LD_YAML_MAP || list->n == 0 ||
        strcmp(list->keys[list->n - 1]->value, "items") != 0 ||
        list->items[list->n - 1]->kind != LD_YAML_SEQ)
        return -1;
    size_t items = list->items[list->n - 1]->n;
    for (size_t i = 1; i + 1 < n; i++) {
        if (c[i].docs.n != 1 || c[i].docs.docs[0]->kind != LD_YAML_SEQ)
            return -1;
        items += c[i].docs.docs[0]->n;
    }
    /* the tail's first document, when the tail does not start with "---",
     * holds the List's keys after items */
    const chunk *t = &c[n - 1];
    bool continues = t->len && !doc_marker_at(t->buf, t->len, 0) &&
                     !(t->len >= 3 && memcmp(t->buf, "...", 3) == 0);
    const ld_yaml_node *rest = NULL;
    if (continues) {
        if (tail_n == 0 || tail->docs[0]->kind != LD_YAML_MAP)
            return -1;
        rest = tail->docs[0];
    }
    ld_yaml_docs all = {0};
    for (size_t i = 0; i < n; i++)
        ld_yaml_docs_move(&all, &c[i].docs);
    ld_yaml_node *seq = ldy_node(all.arena, LD_YAML_SEQ, list->items[list->n - 1]->line,
                                 list->items[list->n - 1]->col);
    ld_yaml_node **v = ld_xcalloc(items ? items : 1, sizeof(*v));
    size_t k = 0;
    const ld_yaml_node *first = list->items[list->n - 1];
    for (size_t j = 0; j < first->n; j++)
        v[k++] = first->items[j];
    size_t doc = head_n; /* head was moved into all: its documents come first */
    for (size_t i = 1; i + 1 < n; i++, doc++)
        for (size_t j = 0; j < all.docs[doc]->n; j++)
            v[k++] = all.docs[doc]->items[j];
    ldy_set_children(all.arena, seq, v, k);
    free(v);
    /* the List's keys: its own, items replaced, then the tail's */
    size_t nkeys = list->n + (rest ? rest->n : 0);
    ld_yaml_node **pairs = ld_xcalloc(2 * nkeys, sizeof(*pairs));
    for (size_t j = 0; j < list->n; j++) {
        pairs[2 * j] = list->keys[j];
        pairs[2 * j + 1] = j + 1 == list->n ? seq : list->items[j];
    }
    for (size_t j = 0; rest && j < rest->n; j++) {
        pairs[2 * (list->n + j)] = rest->keys[j];
        pairs[2 * (list->n + j) + 1] = rest->items[j];
    }
    ld_yaml_node *joined = ldy_node(all.arena, LD_YAML_MAP, list->line, list->col);
    joined->tag = list->tag;
    ldy_set_children(all.arena, joined, pairs, 2 * nkeys);
    free(pairs);
    ld_error dup = LD_ERROR_INIT;
    if (ldy_check_duplicates(ld->name, joined, &dup) < 0) {
        ld_yaml_docs_clear(&all);
        return -1; /* parsed whole, the error gets its real line */
    }
    /* documents: head's but the List, the joined List, the tail's after rest */
    ld_yaml_docs result = {0};
    result.arena = all.arena;
    all.arena = NULL;
    for (size_t d = 0; d + 1 < head_n; d++)
        ldy_docs_push(&result, all.docs[d]);
    ldy_docs_push(&result, joined);
    size_t tail_first = all.n - tail_n;
    for (size_t d = tail_first + (rest ? 1 : 0); d < all.n; d++)
        ldy_docs_push(&result, all.docs[d]);
    free(all.docs);
    ld_yaml_docs_move(out, &result);
    return 0;
}

/* Parses buf in chunks on several processors when it is large and cut
 * points are safe; 0 with out filled, or -1 (nothing changed) when the
 * caller should parse it whole. */
static int parse_in_chunks(loader *ld, const char *buf, size_t len, size_t max_docs,
                           ld_yaml_docs *out)
{
    long cpus = ld->threads ? (long)ld->threads : sysconf(_SC_NPROCESSORS_ONLN);
    if (len < CHUNK_MIN_BYTES || cpus < 2)
        return -1;
    size_t n = (size_t)cpus < CHUNKS_MAX ? (size_t)cpus : CHUNKS_MAX;
    if (len / n < CHUNK_MIN_BYTES / 2)
        n = len / (CHUNK_MIN_BYTES / 2);
    size_t cut[CHUNKS_MAX + 2];
    size_t ncut = 0;
    bool list = false;
    size_t items_at = 0, items_end = 0;
    /* document markers near each n-th of the input */
    for (size_t i = 1; i < n; i++) {
        size_t at = next_line_where(buf, len, len / n * i, doc_marker_at);
        if (at < len && (ncut == 0 || at > cut[ncut - 1]))
            cut[ncut++] = at;
    }
    if (ncut == 0 && list_layout(buf, len, &items_at, &items_end) &&
        items_end - items_at >= len / 2) {
        /* one List: cut between its items, and after them */
        list = true;
        size_t span = items_end - items_at;
        for (size_t i = 1; i < n; i++) {
            size_t at = next_line_where(buf, len, items_at + span / n * i, item_at);
            if (at < items_end && (ncut == 0 || at > cut[ncut - 1]))
                cut[ncut++] = at;
        }
        if (ncut == 0)
            return -1;
        cut[ncut++] = items_end;
    }
    if (ncut == 0)
        return -1;
    size_t nchunks = ncut + 1;
    chunk c[CHUNKS_MAX + 2];
    memset(c, 0, sizeof(c));
    size_t start = 0;
    for (size_t i = 0; i < nchunks; i++) {
        size_t end = i < ncut ? cut[i] : len;
        c[i].buf = buf + start;
        c[i].len = end - start;
        c[i].line_base = i ? lines_before(buf, start) : 0;
        c[i].max_docs = max_docs;
        c[i].err = (ld_error)LD_ERROR_INIT;
        c[i].ld = *ld; /* same name, limits and options; its own state */
        c[i].ld.stack = NULL;
        c[i].ld.merges = NULL;
        c[i].ld.anchors = NULL;
        c[i].ld.stack_n = c[i].ld.stack_cap = c[i].ld.merges_n = c[i].ld.merges_cap = 0;
        c[i].ld.anchors_n = c[i].ld.anchors_cap = 0;
        c[i].ld.nodes = 0;
        start = end;
    }
    run_chunks(c, nchunks);
    int rc = 0;
    size_t nodes = 0, docs = 0;
    for (size_t i = 0; i < nchunks; i++) {
        if (c[i].rc < 0)
            rc = -1;
        nodes += c[i].ld.nodes;
        docs += c[i].docs.n;
        loader_done(&c[i].ld);
    }
    if (rc == 0 && (nodes > ld->lim.max_nodes || docs > max_docs))
        rc = -1;
    if (rc == 0 && list)
        rc = join_list(ld, c, nchunks, out);
    else if (rc == 0)
        for (size_t i = 0; i < nchunks; i++)
            ld_yaml_docs_move(out, &c[i].docs);
    for (size_t i = 0; i < nchunks; i++)
        ld_yaml_docs_clear(&c[i].docs);
    return rc;
}

int ld_yaml_parse_stream(const char *name, const char *buf, size_t len, const ld_yaml_options *o,
                         ld_yaml_docs *out, ld_error *err)
{
    loader ld;
    ld_yaml_options def = {0};
    if (!o)
        o = &def;
    loader_init(&ld, name, &o->limits, err);
    if (o->max_scalar_bytes)
        ld.max_scalar = o->max_scalar_bytes;
    ld.threads = o->threads;
    size_t max_docs = o->max_documents ? o->max_documents : 1000000;
    if (len > ld.lim.max_bytes)
        return ld_error_set(err, LD_ERR_LIMIT, "%s: larger than %zu bytes", ld.name,
                            ld.lim.max_bytes);
    ld_skip_utf8_bom(&buf, &len);
    if (!buf)
        buf = "";
    ld_yaml_docs docs = {0};
    docs.arena = ldy_arena_new();
    int rc;
    if (o->json && looks_like_json(buf, len)) {
        int syntax = 0;
        ld_error jerr = LD_ERROR_INIT;
        rc = ldy_json_stream(ld.name, buf, len, &ld.lim, ld.max_scalar, max_docs, &docs, &syntax,
                             &jerr);
        if (rc == 0) {
            docs.json = true;
            goto done;
        }
        if (!syntax) {
            if (err)
                *err = jerr;
            goto done;
        }
        /* not JSON after all: a YAML flow collection, perhaps */
        ld_yaml_docs_clear(&docs);
        docs.arena = ldy_arena_new();
        ld.arena = docs.arena;
        ld_error yerr = LD_ERROR_INIT;
        ld.err = &yerr;
        ld.aliases = o->aliases;
        ld.tags = o->tags;
        rc = load_stream(&ld, buf, len, max_docs, false, &docs);
        if (rc < 0 && err)
            *err = yerr.code == LD_ERR_CORRUPT ? jerr : yerr; /* the JSON error says more */
        goto done;
    }
    ld.aliases = o->aliases;
    ld.tags = o->tags;
    ld.arena = docs.arena;
    rc = check_line_lengths(&ld, buf, len);
    if (rc == 0 && parse_in_chunks(&ld, buf, len, max_docs, &docs) == 0)
        goto done;
    if (rc == 0)
        rc = load_stream(&ld, buf, len, max_docs, false, &docs);
done:
    loader_done(&ld);
    if (rc < 0) {
        ld_yaml_docs_clear(&docs);
        return rc;
    }
    ld_yaml_docs_move(out, &docs);
    return 0;
}

void ld_yaml_wipe(ld_yaml_node *node, int max_depth)
{
    if (!node || max_depth < 0)
        return;
    if (node->kind == LD_YAML_SCALAR) {
        if (node->value)
            explicit_bzero(node->value, strlen(node->value));
        return;
    }
    for (size_t i = 0; i < node->n; i++) {
        if (node->keys)
            ld_yaml_wipe(node->keys[i], max_depth - 1);
        ld_yaml_wipe(node->items[i], max_depth - 1);
    }
}

void ld_yaml_free(ld_yaml_node *node)
{
    if (!node)
        return;
    if (node->alloc_ == LDY_ALLOC_MEMBER)
        return;
    if (node->alloc_ == LDY_ALLOC_ROOT) {
        ldy_arena_free(((ldy_rooted *)node)->arena);
        return;
    }
    for (size_t i = 0; i < node->n; i++) {
        if (node->keys)
            ld_yaml_free(node->keys[i]);
        ld_yaml_free(node->items[i]);
    }
    free(node->keys);
    free(node->items);
    free(node->value);
    free(node);
}

const ld_yaml_node *ld_yaml_get(const ld_yaml_node *map, const char *key)
{
    if (!map || map->kind != LD_YAML_MAP)
        return NULL;
    for (size_t i = 0; i < map->n; i++)
        if (strcmp(map->keys[i]->value, key) == 0)
            return map->items[i];
    return NULL;
}

const char *ld_yaml_str(const ld_yaml_node *node)
{
    return node && node->kind == LD_YAML_SCALAR ? node->value : NULL;
}

const char *ld_yaml_kind_name(ld_yaml_kind kind)
{
    switch (kind) {
    case LD_YAML_SCALAR: return "a scalar";
    case LD_YAML_MAP: return "a mapping";
    case LD_YAML_SEQ: return "a list";
    }
    return "?";
}
