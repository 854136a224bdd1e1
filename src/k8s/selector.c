/* Label and node selector evaluation (see k8s/selector.h). The operator
 * rules follow k8s.io/apimachinery labels.Requirement and the scheduler's
 * node affinity: NotIn and DoesNotExist match an absent label; Gt and Lt
 * need an integer label value. */
#include "k8s/selector.h"

#include <stdlib.h>
#include <string.h>

#include "util/cleanup.h"
#include "util/mem.h"

#define SELECTOR_TEXT_MAX 200

/* A scalar's text as the API server reads it into a string: null is "". */
static const char *scalar_text(const ld_yaml_node *n)
{
    if (!n || n->kind != LD_YAML_SCALAR)
        return NULL;
    if (!n->quoted && ld_yaml_text_is_null(n->value))
        return "";
    return n->value;
}

static bool is_null(const ld_yaml_node *n)
{
    return !n || (n->kind == LD_YAML_SCALAR && !n->quoted && ld_yaml_text_is_null(n->value));
}

const char *ld_k8s_labels_get(const ld_k8s_labels *l, const char *key)
{
    if (!l)
        return NULL;
    if (l->map && l->map->kind == LD_YAML_MAP)
        for (size_t i = 0; i < l->map->n; i++)
            if (strcmp(l->map->keys[i]->value, key) == 0)
                return scalar_text(l->map->items[i]);
    if (l->extra_key && strcmp(l->extra_key, key) == 0)
        return l->extra_value;
    return NULL;
}

typedef enum { OP_IN, OP_NOT_IN, OP_EXISTS, OP_NOT_EXISTS, OP_GT, OP_LT, OP_BAD } op_kind;

static op_kind parse_op(const char *s, bool node)
{
    if (!s)
        return OP_BAD;
    if (strcmp(s, "In") == 0)
        return OP_IN;
    if (strcmp(s, "NotIn") == 0)
        return OP_NOT_IN;
    if (strcmp(s, "Exists") == 0)
        return OP_EXISTS;
    if (strcmp(s, "DoesNotExist") == 0)
        return OP_NOT_EXISTS;
    if (node && strcmp(s, "Gt") == 0)
        return OP_GT;
    if (node && strcmp(s, "Lt") == 0)
        return OP_LT;
    return OP_BAD;
}

/* Integer as the scheduler reads a label for Gt/Lt (strconv.ParseInt base 10). */
static bool decimal(const char *s, long long *out)
{
    if (!s || !*s)
        return false;
    char *end = NULL;
    long long v = strtoll(s, &end, 10);
    if (*end || s[0] == ' ' || s[0] == '\t' || s[0] == '+')
        return false;
    *out = v;
    return true;
}

/* One requirement {key, operator, values} against labels. */
static ld_k8s_match requirement_match(const ld_yaml_node *req, bool node, const ld_k8s_labels *l)
{
    if (!req || req->kind != LD_YAML_MAP)
        return LD_K8S_MATCH_INVALID;
    const char *key = scalar_text(ld_yaml_get(req, "key"));
    op_kind op = parse_op(scalar_text(ld_yaml_get(req, "operator")), node);
    const ld_yaml_node *values = ld_yaml_get(req, "values");
    if (!key || !*key || op == OP_BAD)
        return LD_K8S_MATCH_INVALID;
    size_t nv = 0;
    if (!is_null(values)) {
        if (values->kind != LD_YAML_SEQ)
            return LD_K8S_MATCH_INVALID;
        nv = values->n;
        for (size_t i = 0; i < nv; i++)
            if (!scalar_text(values->items[i]))
                return LD_K8S_MATCH_INVALID;
    }
    const char *have = ld_k8s_labels_get(l, key);
    switch (op) {
    case OP_IN:
    case OP_NOT_IN: {
        if (nv == 0)
            return LD_K8S_MATCH_INVALID;
        bool listed = false;
        for (size_t i = 0; have && i < nv && !listed; i++)
            listed = strcmp(scalar_text(values->items[i]), have) == 0;
        return (op == OP_IN ? listed : !listed) ? LD_K8S_MATCH_YES : LD_K8S_MATCH_NO;
    }
    case OP_EXISTS:
    case OP_NOT_EXISTS:
        if (nv)
            return LD_K8S_MATCH_INVALID;
        return ((have != NULL) == (op == OP_EXISTS)) ? LD_K8S_MATCH_YES : LD_K8S_MATCH_NO;
    case OP_GT:
    case OP_LT: {
        long long want = 0, got = 0;
        if (nv != 1 || !decimal(scalar_text(values->items[0]), &want))
            return LD_K8S_MATCH_INVALID;
        if (!decimal(have, &got))
            return LD_K8S_MATCH_NO;
        return (op == OP_GT ? got > want : got < want) ? LD_K8S_MATCH_YES : LD_K8S_MATCH_NO;
    }
    case OP_BAD: break;
    }
    return LD_K8S_MATCH_INVALID;
}

ld_k8s_match ld_k8s_requirements_match(const ld_yaml_node *exprs, bool node,
                                       const ld_k8s_labels *labels)
{
    if (is_null(exprs))
        return LD_K8S_MATCH_YES;
    if (exprs->kind != LD_YAML_SEQ)
        return LD_K8S_MATCH_INVALID;
    /* every requirement is validated even after a mismatch: the API
     * server refuses the whole selector when one is invalid */
    ld_k8s_match result = LD_K8S_MATCH_YES;
    for (size_t i = 0; i < exprs->n; i++) {
        ld_k8s_match m = requirement_match(exprs->items[i], node, labels);
        if (m == LD_K8S_MATCH_INVALID)
            return m;
        if (m == LD_K8S_MATCH_NO)
            result = m;
    }
    return result;
}

/* matchLabels / nodeSelector: a map whose every key must equal. */
static ld_k8s_match equal_map_match(const ld_yaml_node *map, const ld_k8s_labels *labels)
{
    if (is_null(map))
        return LD_K8S_MATCH_YES;
    if (map->kind != LD_YAML_MAP)
        return LD_K8S_MATCH_INVALID;
    ld_k8s_match result = LD_K8S_MATCH_YES;
    for (size_t i = 0; i < map->n; i++) {
        const char *want = scalar_text(map->items[i]);
        if (!want || !*map->keys[i]->value)
            return LD_K8S_MATCH_INVALID;
        const char *have = ld_k8s_labels_get(labels, map->keys[i]->value);
        if (!have || strcmp(have, want) != 0)
            result = LD_K8S_MATCH_NO;
    }
    return result;
}

ld_k8s_match ld_k8s_selector_match(const ld_yaml_node *selector, const ld_k8s_labels *labels)
{
    if (is_null(selector))
        return LD_K8S_MATCH_NO;
    if (selector->kind != LD_YAML_MAP)
        return LD_K8S_MATCH_INVALID;
    ld_k8s_match a = equal_map_match(ld_yaml_get(selector, "matchLabels"), labels);
    ld_k8s_match b =
        ld_k8s_requirements_match(ld_yaml_get(selector, "matchExpressions"), false, labels);
    if (a == LD_K8S_MATCH_INVALID || b == LD_K8S_MATCH_INVALID)
        return LD_K8S_MATCH_INVALID;
    return a == LD_K8S_MATCH_YES && b == LD_K8S_MATCH_YES ? LD_K8S_MATCH_YES : LD_K8S_MATCH_NO;
}

bool ld_k8s_selector_selects_all(const ld_yaml_node *selector)
{
    if (is_null(selector) || selector->kind != LD_YAML_MAP)
        return false;
    const ld_yaml_node *ml = ld_yaml_get(selector, "matchLabels");
    const ld_yaml_node *me = ld_yaml_get(selector, "matchExpressions");
    bool ml_empty = is_null(ml) || (ml->kind == LD_YAML_MAP && ml->n == 0);
    bool me_empty = is_null(me) || (me->kind == LD_YAML_SEQ && me->n == 0);
    return ml_empty && me_empty;
}

ld_k8s_match ld_k8s_node_selector_match(const ld_yaml_node *node_selector,
                                        const ld_k8s_labels *labels)
{
    return equal_map_match(node_selector, labels);
}

/* matchFields of a node selector term: metadata.name with In or NotIn. */
static ld_k8s_match fields_match(const ld_yaml_node *fields, const char *node_name)
{
    if (is_null(fields))
        return LD_K8S_MATCH_YES;
    if (fields->kind != LD_YAML_SEQ)
        return LD_K8S_MATCH_INVALID;
    ld_k8s_match result = LD_K8S_MATCH_YES;
    for (size_t i = 0; i < fields->n; i++) {
        const ld_yaml_node *req = fields->items[i];
        const char *key =
            req && req->kind == LD_YAML_MAP ? scalar_text(ld_yaml_get(req, "key")) : NULL;
        const char *op =
            req && req->kind == LD_YAML_MAP ? scalar_text(ld_yaml_get(req, "operator")) : NULL;
        if (!key || strcmp(key, "metadata.name") != 0 || !op ||
            (strcmp(op, "In") != 0 && strcmp(op, "NotIn") != 0))
            return LD_K8S_MATCH_INVALID;
        /* the field as a label every node has */
        ld_k8s_labels name = {NULL, "metadata.name", node_name ? node_name : ""};
        ld_k8s_match m = requirement_match(req, false, &name);
        if (m == LD_K8S_MATCH_INVALID)
            return m;
        if (m == LD_K8S_MATCH_NO)
            result = m;
    }
    return result;
}

ld_k8s_match ld_k8s_node_terms_match(const ld_yaml_node *terms, const ld_k8s_labels *labels,
                                     const char *node_name)
{
    if (is_null(terms))
        return LD_K8S_MATCH_NO;
    if (terms->kind != LD_YAML_SEQ)
        return LD_K8S_MATCH_INVALID;
    ld_k8s_match result = LD_K8S_MATCH_NO;
    for (size_t i = 0; i < terms->n; i++) {
        const ld_yaml_node *t = terms->items[i];
        if (is_null(t))
            continue; /* a null term matches nothing */
        if (t->kind != LD_YAML_MAP)
            return LD_K8S_MATCH_INVALID;
        const ld_yaml_node *me = ld_yaml_get(t, "matchExpressions");
        const ld_yaml_node *mf = ld_yaml_get(t, "matchFields");
        bool empty = (is_null(me) || (me->kind == LD_YAML_SEQ && me->n == 0)) &&
                     (is_null(mf) || (mf->kind == LD_YAML_SEQ && mf->n == 0));
        ld_k8s_match a = ld_k8s_requirements_match(me, true, labels);
        ld_k8s_match b = fields_match(mf, node_name);
        if (a == LD_K8S_MATCH_INVALID || b == LD_K8S_MATCH_INVALID)
            return LD_K8S_MATCH_INVALID;
        if (!empty && a == LD_K8S_MATCH_YES && b == LD_K8S_MATCH_YES)
            result = LD_K8S_MATCH_YES;
    }
    return result;
}

/* ---- text for evidence ---- */

typedef struct {
    char buf[SELECTOR_TEXT_MAX + 8];
    size_t n;
    bool cut;
} text_out;

static void put(text_out *t, const char *s)
{
    for (; *s && !t->cut; s++) {
        if (t->n >= SELECTOR_TEXT_MAX) {
            memcpy(t->buf + t->n, "...", 4);
            t->n += 3;
            t->cut = true;
            return;
        }
        t->buf[t->n++] = *s;
        t->buf[t->n] = '\0';
    }
}

static void put_sep(text_out *t)
{
    if (t->n)
        put(t, ",");
}

char *ld_k8s_selector_text(const ld_yaml_node *selector)
{
    if (is_null(selector))
        return ld_xstrdup("null (nothing)");
    if (selector->kind != LD_YAML_MAP)
        return ld_xstrdup("invalid selector");
    if (ld_k8s_selector_selects_all(selector))
        return ld_xstrdup("{} (everything)");
    text_out t = {.n = 0, .cut = false};
    t.buf[0] = '\0';
    const ld_yaml_node *ml = ld_yaml_get(selector, "matchLabels");
    if (ml && ml->kind == LD_YAML_MAP)
        for (size_t i = 0; i < ml->n; i++) {
            put_sep(&t);
            put(&t, ml->keys[i]->value);
            put(&t, "=");
            const char *v = scalar_text(ml->items[i]);
            put(&t, v ? v : "?");
        }
    const ld_yaml_node *me = ld_yaml_get(selector, "matchExpressions");
    if (me && me->kind == LD_YAML_SEQ)
        for (size_t i = 0; i < me->n; i++) {
            const ld_yaml_node *r = me->items[i];
            const char *key =
                r && r->kind == LD_YAML_MAP ? scalar_text(ld_yaml_get(r, "key")) : NULL;
            const char *op =
                r && r->kind == LD_YAML_MAP ? scalar_text(ld_yaml_get(r, "operator")) : NULL;
            put_sep(&t);
            if (!key || !op) {
                put(&t, "?");
                continue;
            }
            if (strcmp(op, "Exists") == 0) {
                put(&t, key);
                continue;
            }
            if (strcmp(op, "DoesNotExist") == 0) {
                put(&t, "!");
                put(&t, key);
                continue;
            }
            put(&t, key);
            put(&t, strcmp(op, "In") == 0      ? " in ("
                    : strcmp(op, "NotIn") == 0 ? " notin ("
                                               : " ? (");
            const ld_yaml_node *vals = ld_yaml_get(r, "values");
            for (size_t j = 0; vals && vals->kind == LD_YAML_SEQ && j < vals->n; j++) {
                if (j)
                    put(&t, ",");
                const char *v = scalar_text(vals->items[j]);
                put(&t, v ? v : "?");
            }
            put(&t, ")");
        }
    return ld_xstrdup(t.n ? t.buf : "{} (everything)");
}
