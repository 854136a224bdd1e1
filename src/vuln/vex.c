/* OpenVEX parsing and statement matching (see vex.h). */
#include "vuln/vex.h"

#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "util/input_file.h"
#include "util/mem.h"
#include "util/text_bom.h"

static const char *const status_names[] = {"not_affected", "affected", "fixed",
                                           "under_investigation"};

const char *ld_vex_status_name(ld_vex_status s)
{
    return (unsigned)s < 4 ? status_names[s] : "?";
}

static void statement_clear(ld_vex_statement *st)
{
    ld_strlist_clear(&st->vuln_ids);
    for (size_t i = 0; i < st->n_products; i++) {
        free(st->products[i].product);
        ld_strlist_clear(&st->products[i].subcomponents);
    }
    free(st->products);
    free(st->justification);
    free(st->statement);
}

static void index_free(ld_vex_index *x);
static ld_vex_index *index_build(const ld_vex_doc *d);

void ld_vex_clear(ld_vex_doc *d)
{
    if (!d)
        return;
    index_free(d->index);
    for (size_t i = 0; i < d->n; i++)
        statement_clear(&d->statements[i]);
    free(d->statements);
    free(d->path);
    free(d->id);
    memset(d, 0, sizeof(*d));
}

static const char *str_field(const json_t *o, const char *key)
{
    const json_t *v = json_object_get(o, key);
    return json_is_string(v) && json_string_length(v) > 0 ? json_string_value(v) : NULL;
}

/* A product or subcomponent: a string, or an object with @id or identifiers.purl. */
static const char *component_id(const json_t *c)
{
    if (json_is_string(c))
        return json_string_length(c) ? json_string_value(c) : NULL;
    if (!json_is_object(c))
        return NULL;
    const char *id = str_field(c, "@id");
    if (id)
        return id;
    const json_t *idents = json_object_get(c, "identifiers");
    return json_is_object(idents) ? str_field(idents, "purl") : NULL;
}

static int parse_vuln(const char *name, size_t si, const json_t *v, ld_vex_statement *st,
                      ld_error *err)
{
    if (json_is_string(v)) { /* OpenVEX 0.0.x */
        if (json_string_length(v))
            ld_strlist_push(&st->vuln_ids, json_string_value(v));
    } else if (json_is_object(v)) {
        const char *s = str_field(v, "name");
        if (s)
            ld_strlist_push(&st->vuln_ids, s);
        s = str_field(v, "@id");
        if (s)
            ld_strlist_push(&st->vuln_ids, s);
        const json_t *al = json_object_get(v, "aliases");
        size_t i;
        const json_t *a;
        if (json_is_array(al)) {
            if (json_array_size(al) > 1000)
                return ld_error_set(err, LD_ERR_LIMIT, "%s: statement %zu: too many aliases", name,
                                    si);
            json_array_foreach(al, i, a) if (json_is_string(a) && json_string_length(a))
                ld_strlist_push(&st->vuln_ids, json_string_value(a));
        }
    }
    if (st->vuln_ids.n == 0)
        return ld_error_set(err, LD_ERR_CORRUPT, "%s: statement %zu: no vulnerability name or @id",
                            name, si);
    return 0;
}

static int parse_products(const char *name, size_t si, const json_t *arr, ld_vex_statement *st,
                          size_t *budget, ld_error *err)
{
    if (!json_is_array(arr) || json_array_size(arr) == 0)
        return ld_error_set(err, LD_ERR_CORRUPT, "%s: statement %zu: no products", name, si);
    size_t n = json_array_size(arr);
    if (n > *budget)
        return ld_error_set(err, LD_ERR_LIMIT, "%s: more than %u products", name,
                            LD_VEX_MAX_PRODUCTS);
    st->products = ld_xcalloc(n, sizeof(*st->products));
    size_t i;
    const json_t *p;
    json_array_foreach(arr, i, p)
    {
        const char *id = component_id(p);
        if (!id)
            return ld_error_set(err, LD_ERR_CORRUPT,
                                "%s: statement %zu: product %zu has no @id or purl", name, si, i);
        ld_vex_product *vp = &st->products[st->n_products++];
        vp->product = ld_xstrdup(id);
        (*budget)--;
        const json_t *subs = json_is_object(p) ? json_object_get(p, "subcomponents") : NULL;
        if (!json_is_array(subs))
            continue;
        if (json_array_size(subs) > *budget)
            return ld_error_set(err, LD_ERR_LIMIT, "%s: more than %u products", name,
                                LD_VEX_MAX_PRODUCTS);
        size_t k;
        const json_t *s;
        json_array_foreach(subs, k, s)
        {
            const char *sid = component_id(s);
            if (!sid)
                return ld_error_set(err, LD_ERR_CORRUPT,
                                    "%s: statement %zu: product %zu: subcomponent %zu has no @id "
                                    "or purl",
                                    name, si, i, k);
            ld_strlist_push(&vp->subcomponents, sid);
            (*budget)--;
        }
    }
    return 0;
}

static int parse_statement(const char *name, size_t si, const json_t *o, ld_vex_statement *st,
                           size_t *budget, ld_error *err)
{
    if (!json_is_object(o))
        return ld_error_set(err, LD_ERR_CORRUPT, "%s: statement %zu is not an object", name, si);
    int rc = parse_vuln(name, si, json_object_get(o, "vulnerability"), st, err);
    if (rc < 0)
        return rc;
    rc = parse_products(name, si, json_object_get(o, "products"), st, budget, err);
    if (rc < 0)
        return rc;
    const char *status = str_field(o, "status");
    bool known = false;
    for (int i = 0; status && i < 4; i++)
        if (strcmp(status, status_names[i]) == 0) {
            st->status = (ld_vex_status)i;
            known = true;
        }
    if (!known)
        return ld_error_set(err, LD_ERR_CORRUPT,
                            "%s: statement %zu: status must be not_affected, affected, fixed or "
                            "under_investigation",
                            name, si);
    st->justification = ld_xstrdup(str_field(o, "justification"));
    const char *text = str_field(o, "impact_statement");
    if (!text)
        text = str_field(o, "action_statement");
    if (!text)
        text = str_field(o, "status_notes");
    st->statement = ld_xstrdup(text);
    return 0;
}

int ld_vex_parse(const char *name, const char *buf, size_t len, ld_vex_doc *out, ld_error *err)
{
    memset(out, 0, sizeof(*out));
    if (len > LD_VEX_MAX_BYTES)
        return ld_error_set(err, LD_ERR_LIMIT, "%s: VEX document larger than %u bytes", name,
                            LD_VEX_MAX_BYTES);
    ld_skip_utf8_bom(&buf, &len);
    json_error_t je;
    /* jansson bounds nesting (JSON_PARSER_MAX_DEPTH) and rejects invalid UTF-8 */
    json_t *root = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &je);
    if (!root)
        return ld_error_set(err, LD_ERR_CORRUPT, "%s: malformed JSON at line %d: %s", name,
                            je.line, je.text);
    int rc = 0;
    const char *ctx = json_is_object(root) ? str_field(root, "@context") : NULL;
    if (!ctx || strncmp(ctx, "https://openvex.dev/ns", 22) != 0) {
        rc = ld_error_set(err, LD_ERR_CORRUPT,
                          "%s: not an OpenVEX document (\"@context\" is not https://openvex.dev/ns/...)",
                          name);
        goto out;
    }
    const json_t *sts = json_object_get(root, "statements");
    if (!json_is_array(sts)) {
        rc = ld_error_set(err, LD_ERR_CORRUPT, "%s: \"statements\" is not an array", name);
        goto out;
    }
    size_t n = json_array_size(sts);
    if (n > LD_VEX_MAX_STATEMENTS) {
        rc = ld_error_set(err, LD_ERR_LIMIT, "%s: %zu statements (limit %u)", name, n,
                          LD_VEX_MAX_STATEMENTS);
        goto out;
    }
    out->statements = ld_xcalloc(n ? n : 1, sizeof(*out->statements));
    size_t budget = LD_VEX_MAX_PRODUCTS;
    for (size_t i = 0; i < n; i++) {
        out->n = i + 1;
        rc = parse_statement(name, i, json_array_get(sts, i), &out->statements[i], &budget, err);
        if (rc < 0)
            goto out;
    }
    out->path = ld_xstrdup(name);
    out->id = ld_xstrdup(str_field(root, "@id"));
out:
    json_decref(root);
    if (rc < 0)
        ld_vex_clear(out);
    else
        out->index = index_build(out); /* after the tree is gone: a lower peak */
    return rc;
}

int ld_vex_load(const char *path, ld_vex_doc *out, ld_error *err)
{
    memset(out, 0, sizeof(*out));
    char *buf = NULL;
    size_t len = 0;
    int rc = ld_input_read(path, "VEX document", LD_VEX_MAX_BYTES, &buf, &len, err);
    if (rc < 0)
        return rc;
    rc = ld_vex_parse(path, buf, len, out, err);
    free(buf);
    return rc;
}

/* ---- matching --------------------------------------------------------- */

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = (char)tolower((unsigned char)c);
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* Percent-decoded copy of s[0..n). */
static char *decode(const char *s, size_t n)
{
    char *o = ld_xmalloc(n + 1);
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        int h, l;
        if (s[i] == '%' && i + 2 < n && (h = hexval(s[i + 1])) >= 0 &&
            (l = hexval(s[i + 2])) >= 0) {
            o[k++] = (char)(h * 16 + l);
            i += 2;
        } else {
            o[k++] = s[i];
        }
    }
    o[k] = '\0';
    return o;
}

/* Splits a purl into decoded "type/namespace/name" (type lower-cased) and version (NULL if none). */
static void purl_split(const char *p, char **base, char **version)
{
    size_t end = strcspn(p, "?#");
    size_t slash = 0;
    for (size_t i = 0; i < end; i++)
        if (p[i] == '/')
            slash = i;
    const char *at = memchr(p + slash, '@', end - slash);
    size_t blen = at ? (size_t)(at - p) : end;
    *base = decode(p, blen);
    for (char *c = *base; *c && *c != '/'; c++)
        *c = (char)tolower((unsigned char)*c);
    *version = at ? decode(at + 1, end - (size_t)(at + 1 - p)) : NULL;
}

bool ld_vex_purl_matches(const char *a, const char *p)
{
    if (!a || !p || strncmp(a, "pkg:", 4) != 0 || strncmp(p, "pkg:", 4) != 0)
        return false;
    char *ab, *av, *pb, *pv;
    purl_split(a, &ab, &av);
    purl_split(p, &pb, &pv);
    bool m = strcmp(ab, pb) == 0 && (!av || !av[0] || (pv && strcmp(av, pv) == 0));
    free(ab);
    free(av);
    free(pb);
    free(pv);
    return m;
}

/* Does product id x name the image (one of refs)? */
static bool names_image(const char *x, const ld_vex_subject *s)
{
    char *digest = NULL;
    if (strncmp(x, "pkg:oci/", 8) == 0) {
        char *base, *ver;
        purl_split(x, &base, &ver);
        free(base);
        digest = ver;
    }
    bool m = false;
    for (size_t i = 0; i < s->n_image_refs && !m; i++) {
        const char *r = s->image_refs[i];
        if (!r || !r[0])
            continue;
        if (digest) {
            m = strcmp(digest, r) == 0;
            continue;
        }
        if (strcmp(x, r) == 0) {
            m = true;
            continue;
        }
        /* "name@sha256:..." naming the digest r (after the last '@': a
         * digest holds none) */
        const char *at = strrchr(x, '@');
        m = strncmp(r, "sha256:", 7) == 0 && at && strcmp(at + 1, r) == 0;
    }
    free(digest);
    return m;
}

static bool vuln_matches(const ld_vex_statement *st, const ld_vex_subject *s)
{
    for (size_t i = 0; i < st->vuln_ids.n; i++) {
        const char *v = st->vuln_ids.v[i];
        const char *tail = strrchr(v, '/');
        for (size_t k = 0; k < s->n_ids; k++) {
            if (!s->ids[k])
                continue;
            if (strcmp(v, s->ids[k]) == 0 || (tail && strcmp(tail + 1, s->ids[k]) == 0))
                return true;
        }
    }
    return false;
}

static bool product_matches(const ld_vex_product *p, const ld_vex_subject *s)
{
    if (s->purl && ld_vex_purl_matches(p->product, s->purl))
        return true;
    if (!names_image(p->product, s))
        return false;
    if (p->subcomponents.n == 0)
        return true;
    for (size_t i = 0; i < p->subcomponents.n; i++)
        if (s->purl && ld_vex_purl_matches(p->subcomponents.v[i], s->purl))
            return true;
    return false;
}

bool ld_vex_statement_applies(const ld_vex_statement *st, const ld_vex_subject *s)
{
    if (!vuln_matches(st, s))
        return false;
    for (size_t k = 0; k < st->n_products; k++)
        if (product_matches(&st->products[k], s))
            return true;
    return false;
}

/* ---- index ----------------------------------------------------------------
 * Matching, restated as keys: a statement applies to a subject exactly when
 * one of its vulnerability keys is one of the subject's, and one of its
 * product keys is one of the subject's. Keys are byte strings: a tag byte,
 * then length-prefixed parts, so no two different identities share a key.
 *   I(id)                   a vulnerability name/@id/alias; also the last
 *                           path segment of an @id URL
 *   B(base)                 a purl without version (qualifiers, subpath and
 *                           case of the type dropped, as ld_vex_purl_matches)
 *   V(base, version)        a purl with a version
 *   O(digest)               a pkg:oci purl's digest (its version)
 *   X(text)                 any other product id, compared whole to an image ref
 *   A(digest)               the "sha256:..." after the last '@' of a product id
 *   C(image key, purl key)  an image product with subcomponents: the image
 *                           and one subcomponent's purl, both required
 * A subject's keys: I of each id; B (and V) of its purl; O, X (and A for
 * "sha256:" refs) of each image ref; C of each image key with each purl key.
 * Statements are looked up per key in sorted tables, and the last
 * statement in both sets wins. */

typedef struct {
    uint64_t hash;
    size_t off; /* key bytes in the table's arena */
    uint32_t len;
    uint32_t stmt; /* statement index */
} vex_key;

typedef struct {
    vex_key *v;
    size_t n, cap;
    char *arena;
    size_t used, acap;
} key_table;

struct ld_vex_index {
    key_table vulns, products;
};

/* Builds one key in a small buffer: tag, then parts. */
typedef struct {
    char *b;
    size_t n, cap;
} key_buf;

static void kb_reset(key_buf *k, char tag)
{
    k->n = 0;
    ld_xgrow(&k->b, &k->cap, 1, 1);
    k->b[k->n++] = tag;
}

static void kb_part(key_buf *k, const char *s, size_t n)
{
    uint32_t len = (uint32_t)n;
    ld_xgrow(&k->b, &k->cap, k->n + sizeof(len) + n, 1);
    memcpy(k->b + k->n, &len, sizeof(len));
    k->n += sizeof(len);
    memcpy(k->b + k->n, s, n);
    k->n += n;
}

static uint64_t key_hash(const char *s, size_t n)
{
    uint64_t h = 1469598103934665603ULL; /* FNV-1a */
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= 1099511628211ULL;
    }
    return h;
}

/* A list of keys (for one product or one subject). */
typedef struct {
    key_buf *v;
    size_t n, cap;
} key_list;

/* A new key at the end of l; a list emptied with l->n = 0 reuses its
 * buffers. */
static key_buf *kl_new(key_list *l, char tag)
{
    if (l->n == l->cap) {
        size_t old = l->cap;
        ld_xgrow(&l->v, &l->cap, l->n + 1, sizeof(*l->v));
        memset(l->v + old, 0, (l->cap - old) * sizeof(*l->v));
    }
    key_buf *k = &l->v[l->n++];
    kb_reset(k, tag);
    return k;
}

static void kl_free(key_list *l)
{
    for (size_t i = 0; i < l->cap; i++)
        free(l->v[i].b);
    free(l->v);
    *l = (key_list){0};
}

/* The keys of a purl (nothing for anything else). A statement's purl
 * without a version names every version: B; with one, that version: V. A
 * package's purl is looked up under both: B, and V when it has a version. */
static void purl_keys(const char *purl, bool of_package, key_list *out)
{
    if (!purl || strncmp(purl, "pkg:", 4) != 0)
        return;
    char *base, *ver;
    purl_split(purl, &base, &ver);
    bool versioned = ver && ver[0];
    if (of_package || !versioned)
        kb_part(kl_new(out, 'B'), base, strlen(base));
    if (versioned) {
        key_buf *k = kl_new(out, 'V');
        kb_part(k, base, strlen(base));
        kb_part(k, ver, strlen(ver));
    }
    free(base);
    free(ver);
}

/* The keys under which a product id x names an image (names_image). */
static void product_image_keys(const char *x, key_list *out)
{
    if (strncmp(x, "pkg:oci/", 8) == 0) {
        char *base, *ver;
        purl_split(x, &base, &ver);
        free(base);
        if (ver) {
            if (ver[0])
                kb_part(kl_new(out, 'O'), ver, strlen(ver));
            free(ver);
            return;
        }
    }
    kb_part(kl_new(out, 'X'), x, strlen(x));
    const char *at = strrchr(x, '@');
    if (at && strncmp(at + 1, "sha256:", 7) == 0)
        kb_part(kl_new(out, 'A'), at + 1, strlen(at + 1));
}

/* C(image key, purl key) for every pair. */
static void combined_keys(const key_list *images, const key_list *purls, key_list *out)
{
    for (size_t i = 0; i < images->n; i++)
        for (size_t j = 0; j < purls->n; j++) {
            key_buf *k = kl_new(out, 'C');
            kb_part(k, images->v[i].b, images->v[i].n);
            kb_part(k, purls->v[j].b, purls->v[j].n);
        }
}

static void table_add(key_table *t, const char *key, size_t n, uint32_t stmt)
{
    ld_xgrow(&t->arena, &t->acap, t->used + n, 1);
    memcpy(t->arena + t->used, key, n);
    ld_xgrow(&t->v, &t->cap, t->n + 1, sizeof(*t->v));
    t->v[t->n++] =
        (vex_key){.hash = key_hash(key, n), .off = t->used, .len = (uint32_t)n, .stmt = stmt};
    t->used += n;
}

static int key_cmp(const vex_key *a, const vex_key *b, const char *arena)
{
    if (a->hash != b->hash)
        return a->hash < b->hash ? -1 : 1;
    if (a->len != b->len)
        return a->len < b->len ? -1 : 1;
    return memcmp(arena + a->off, arena + b->off, a->len);
}

static int entry_cmp(const void *x, const void *y, void *arena)
{
    const vex_key *a = x, *b = y;
    int c = key_cmp(a, b, arena);
    if (c)
        return c;
    return (a->stmt > b->stmt) - (a->stmt < b->stmt);
}

/* Sorts by (key, statement) and drops repeats: each key's statements end
 * up contiguous and ascending. */
static void table_finish(key_table *t)
{
    if (t->n > 1)
        qsort_r(t->v, t->n, sizeof(*t->v), entry_cmp, t->arena);
    size_t w = 0;
    for (size_t i = 0; i < t->n; i++)
        if (w == 0 || entry_cmp(&t->v[w - 1], &t->v[i], t->arena) != 0)
            t->v[w++] = t->v[i];
    t->n = w;
}

static void add_list(key_table *t, const key_list *l, uint32_t stmt)
{
    for (size_t i = 0; i < l->n; i++)
        table_add(t, l->v[i].b, l->v[i].n, stmt);
}

static ld_vex_index *index_build(const ld_vex_doc *d)
{
    ld_vex_index *x = ld_xcalloc(1, sizeof(*x));
    key_list keys = {0}, images = {0}, subs = {0};
    for (size_t i = 0; i < d->n; i++) {
        const ld_vex_statement *st = &d->statements[i];
        uint32_t si = (uint32_t)i;
        for (size_t k = 0; k < st->vuln_ids.n; k++) {
            const char *v = st->vuln_ids.v[k];
            keys.n = 0;
            kb_part(kl_new(&keys, 'I'), v, strlen(v));
            const char *tail = strrchr(v, '/');
            if (tail)
                kb_part(kl_new(&keys, 'I'), tail + 1, strlen(tail + 1));
            add_list(&x->vulns, &keys, si);
        }
        for (size_t k = 0; k < st->n_products; k++) {
            const ld_vex_product *p = &st->products[k];
            keys.n = images.n = subs.n = 0;
            purl_keys(p->product, false, &keys);
            product_image_keys(p->product, &images);
            if (p->subcomponents.n == 0) {
                add_list(&x->products, &images, si);
            } else {
                for (size_t j = 0; j < p->subcomponents.n; j++)
                    purl_keys(p->subcomponents.v[j], false, &subs);
                combined_keys(&images, &subs, &keys);
            }
            add_list(&x->products, &keys, si);
        }
    }
    kl_free(&keys);
    kl_free(&images);
    kl_free(&subs);
    table_finish(&x->vulns);
    table_finish(&x->products);
    return x;
}

static void index_free(ld_vex_index *x)
{
    if (!x)
        return;
    free(x->vulns.v);
    free(x->vulns.arena);
    free(x->products.v);
    free(x->products.arena);
    free(x);
}

/* The statements of one key: an ascending run of the table, and how far
 * down it is still in play. */
typedef struct {
    const vex_key *v;
    size_t n;
} stmt_run;

/* The run of key[0..n) in t (n 0 when absent). */
static stmt_run table_find(const key_table *t, const char *key, size_t n)
{
    stmt_run r = {0};
    if (t->n == 0)
        return r;
    /* the probe lives outside the arena: compare it by hand */
    uint64_t h = key_hash(key, n);
    size_t lo = 0, hi = t->n;
    while (lo < hi) { /* first entry not below (h, n, key) */
        size_t mid = lo + (hi - lo) / 2;
        const vex_key *e = &t->v[mid];
        int c = e->hash != h  ? (e->hash < h ? -1 : 1)
                : e->len != n ? (e->len < n ? -1 : 1)
                              : memcmp(t->arena + e->off, key, n);
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    size_t end = lo;
    while (end < t->n && t->v[end].hash == h && t->v[end].len == n &&
           memcmp(t->arena + t->v[end].off, key, n) == 0)
        end++;
    r.v = t->v + lo;
    r.n = end - lo;
    return r;
}

/* Shrinks every run to its statements <= bound; returns the largest
 * statement left in any of them, or -1 when none is. */
static long long runs_max_at_most(stmt_run *runs, size_t n, long long bound)
{
    long long best = -1;
    for (size_t i = 0; i < n; i++) {
        stmt_run *r = &runs[i];
        if (r->n && (long long)r->v[r->n - 1].stmt > bound) {
            size_t lo = 0, hi = r->n; /* count of entries <= bound */
            while (lo < hi) {
                size_t mid = lo + (hi - lo) / 2;
                if ((long long)r->v[mid].stmt <= bound)
                    lo = mid + 1;
                else
                    hi = mid;
            }
            r->n = lo;
        }
        if (r->n && (long long)r->v[r->n - 1].stmt > best)
            best = r->v[r->n - 1].stmt;
    }
    return best;
}

static stmt_run *runs_of(const key_table *t, const key_list *keys, size_t *n)
{
    stmt_run *runs = ld_xcalloc(keys->n ? keys->n : 1, sizeof(*runs));
    size_t k = 0;
    for (size_t i = 0; i < keys->n; i++) {
        stmt_run r = table_find(t, keys->v[i].b, keys->v[i].n);
        if (r.n)
            runs[k++] = r;
    }
    *n = k;
    return runs;
}

const ld_vex_statement *ld_vex_find(const ld_vex_doc *d, const ld_vex_subject *s)
{
    if (!d->index) { /* a document not made by ld_vex_parse */
        const ld_vex_statement *found = NULL;
        for (size_t i = 0; i < d->n; i++)
            if (ld_vex_statement_applies(&d->statements[i], s))
                found = &d->statements[i];
        return found;
    }
    key_list vkeys = {0}, pkeys = {0}, images = {0}, purls = {0};
    for (size_t k = 0; k < s->n_ids; k++)
        if (s->ids[k])
            kb_part(kl_new(&vkeys, 'I'), s->ids[k], strlen(s->ids[k]));
    purl_keys(s->purl, true, &purls);
    for (size_t i = 0; i < s->n_image_refs; i++) {
        const char *r = s->image_refs[i];
        if (!r || !r[0])
            continue;
        kb_part(kl_new(&images, 'O'), r, strlen(r));
        kb_part(kl_new(&images, 'X'), r, strlen(r));
        if (strncmp(r, "sha256:", 7) == 0)
            kb_part(kl_new(&images, 'A'), r, strlen(r));
    }
    combined_keys(&images, &purls, &pkeys);
    size_t nv = 0, np = 0;
    stmt_run *vr = runs_of(&d->index->vulns, &vkeys, &nv);
    /* product keys: the purl's own, the image's, the combinations */
    stmt_run *pr_purl = runs_of(&d->index->products, &purls, &np);
    size_t ni = 0, nc = 0;
    stmt_run *pr_img = runs_of(&d->index->products, &images, &ni);
    stmt_run *pr_comb = runs_of(&d->index->products, &pkeys, &nc);
    stmt_run *pr = ld_xcalloc(np + ni + nc + 1, sizeof(*pr));
    memcpy(pr, pr_purl, np * sizeof(*pr));
    memcpy(pr + np, pr_img, ni * sizeof(*pr));
    memcpy(pr + np + ni, pr_comb, nc * sizeof(*pr));
    size_t npr = np + ni + nc;
    /* the last statement in both sets: leapfrog down from the top */
    const ld_vex_statement *found = NULL;
    long long bound = (long long)d->n;
    for (;;) {
        long long a = runs_max_at_most(vr, nv, bound);
        if (a < 0)
            break;
        long long b = runs_max_at_most(pr, npr, a);
        if (b < 0)
            break;
        if (b == a) {
            found = &d->statements[a];
            break;
        }
        bound = b;
    }
    free(vr);
    free(pr_purl);
    free(pr_img);
    free(pr_comb);
    free(pr);
    kl_free(&vkeys);
    kl_free(&pkeys);
    kl_free(&images);
    kl_free(&purls);
    return found;
}
