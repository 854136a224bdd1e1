/* OpenVEX parsing and statement matching (see vex.h). */
#include "vuln/vex.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "util/mem.h"

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

void ld_vex_clear(ld_vex_doc *d)
{
    if (!d)
        return;
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
    return rc;
}

int ld_vex_load(const char *path, ld_vex_doc *out, ld_error *err)
{
    memset(out, 0, sizeof(*out));
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return ld_error_set_errno(err, errno == ENOENT ? LD_ERR_NOT_FOUND : LD_ERR_INVALID, errno,
                                  "VEX document %s", path);
    size_t cap = 16384, len = 0;
    char *buf = ld_xmalloc(cap);
    int rc = 0;
    for (;;) {
        if (len == cap) {
            if (cap > LD_VEX_MAX_BYTES) {
                rc = ld_error_set(err, LD_ERR_LIMIT, "%s: VEX document larger than %u bytes",
                                  path, LD_VEX_MAX_BYTES);
                break;
            }
            cap *= 2;
            buf = ld_xrealloc(buf, cap);
        }
        size_t got = fread(buf + len, 1, cap - len, fp);
        len += got;
        if (got == 0) {
            if (ferror(fp))
                rc = ld_error_set(err, LD_ERR_INVALID, "%s: read error", path);
            break;
        }
    }
    fclose(fp);
    if (rc == 0)
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
        /* "name@sha256:..." naming the digest r */
        size_t xl = strlen(x), rl = strlen(r);
        m = strncmp(r, "sha256:", 7) == 0 && xl > rl && x[xl - rl - 1] == '@' &&
            strcmp(x + xl - rl, r) == 0;
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

const ld_vex_statement *ld_vex_find(const ld_vex_doc *d, const ld_vex_subject *s)
{
    const ld_vex_statement *found = NULL;
    for (size_t i = 0; i < d->n; i++) {
        const ld_vex_statement *st = &d->statements[i];
        if (!vuln_matches(st, s))
            continue;
        for (size_t k = 0; k < st->n_products; k++)
            if (product_matches(&st->products[k], s)) {
                found = st;
                break;
            }
    }
    return found;
}
