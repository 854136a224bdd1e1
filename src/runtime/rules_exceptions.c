/* A rule's `exceptions:` (Falco's form): parsing the YAML into named
 * exceptions, and writing each as condition text that compile adds to the
 * rule as `and not (...)`. Values are always written quoted (or as a bare
 * decimal number), never pasted as syntax: a value like `x") or (proc.name
 * = "y` stays one string. Not for evaluating anything: the condition
 * language (rules_cond.c) compiles the text. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/rules_internal.h"
#include "util/mem.h"

/* Comparisons an exception may use; the first three take a list. */
static const char *const list_comps[] = {"in", "intersects", "pmatch", NULL};
static const char *const scalar_comps[] = {"=",         "==",         "!=",       "<",
                                           "<=",        ">",          ">=",       "contains",
                                           "icontains", "startswith", "endswith", "glob",
                                           NULL};

static bool in_set(const char *const *set, const char *s)
{
    for (size_t i = 0; set[i]; i++)
        if (strcmp(set[i], s) == 0)
            return true;
    return false;
}

static bool comp_takes_list(const char *op)
{
    return in_set(list_comps, op);
}

static bool comp_known(const char *op)
{
    return in_set(list_comps, op) || in_set(scalar_comps, op);
}

/* ---- parsing ---- */

typedef struct {
    ld_rt_ruleset *rs;
    const char *file;
    const char *rule;
    const char *exc;
} exc_ctx;

static void exc_msg(const exc_ctx *c, bool error, int line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void exc_msg(const exc_ctx *c, bool error, int line, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *msg = ld_xvasprintf(fmt, ap);
    va_end(ap);
    rt_msgs *l = error ? &c->rs->load_errors : &c->rs->load_warnings;
    if (c->exc)
        rt_diag(l, c->file, line, "rule '%s': exception '%s': %s", c->rule, c->exc, msg);
    else
        rt_diag(l, c->file, line, "rule '%s': exceptions: %s", c->rule, msg);
    free(msg);
}

/* One or several strings (a scalar or a sequence of scalars) into l. */
static bool strings_of(const exc_ctx *c, const ld_yaml_node *n, const char *key, ld_strlist *l,
                       size_t max)
{
    if (n->kind == LD_YAML_SCALAR) {
        ld_strlist_push(l, n->value);
        return true;
    }
    if (n->kind != LD_YAML_SEQ) {
        exc_msg(c, true, n->line, "'%s' must be a string or a sequence of strings", key);
        return false;
    }
    if (n->n == 0 || n->n > max) {
        exc_msg(c, true, n->line, "'%s' must name 1 to %zu entries", key, max);
        return false;
    }
    for (size_t i = 0; i < n->n; i++) {
        if (n->items[i]->kind != LD_YAML_SCALAR) {
            exc_msg(c, true, n->items[i]->line, "'%s' entries must be strings", key);
            return false;
        }
        ld_strlist_push(l, n->items[i]->value);
    }
    return true;
}

/* One value of `values:`: a scalar (a tuple of one) or a sequence (a
 * tuple), whose cells are scalars or sequences of scalars. */
static bool parse_tuple(const exc_ctx *c, const ld_yaml_node *v, rt_exc_tuple *t)
{
    if (v->kind == LD_YAML_SCALAR) {
        t->cells = ld_xcalloc(1, sizeof *t->cells);
        t->n = 1;
        t->cells[0].value = ld_xstrdup(v->value);
        return true;
    }
    if (v->kind != LD_YAML_SEQ) {
        exc_msg(c, true, v->line, "a value must be a string or a sequence (one entry per field)");
        return false;
    }
    if (v->n == 0 || v->n > RT_MAX_EXC_FIELDS) {
        exc_msg(c, true, v->line, "a value must have 1 to %d entries (one per field)",
                RT_MAX_EXC_FIELDS);
        return false;
    }
    t->cells = ld_xcalloc(v->n, sizeof *t->cells);
    t->n = v->n;
    for (size_t i = 0; i < v->n; i++) {
        const ld_yaml_node *cell = v->items[i];
        if (cell->kind == LD_YAML_SCALAR) {
            t->cells[i].value = ld_xstrdup(cell->value);
            continue;
        }
        if (cell->kind != LD_YAML_SEQ) {
            exc_msg(c, true, cell->line, "a value's entry must be a string or a list of strings");
            return false;
        }
        if (cell->n > RT_MAX_LIST_ITEMS) {
            exc_msg(c, true, cell->line, "more than %d items in one entry", RT_MAX_LIST_ITEMS);
            return false;
        }
        for (size_t j = 0; j < cell->n; j++) {
            if (cell->items[j]->kind != LD_YAML_SCALAR) {
                exc_msg(c, true, cell->items[j]->line, "list entries must be strings");
                return false;
            }
            ld_strlist_push(&t->cells[i].items, cell->items[j]->value);
        }
    }
    return true;
}

static void tuple_clear(rt_exc_tuple *t)
{
    for (size_t j = 0; j < t->n; j++) {
        free(t->cells[j].value);
        ld_strlist_clear(&t->cells[j].items);
    }
    free(t->cells);
    memset(t, 0, sizeof *t);
}

static bool parse_one(exc_ctx *c, const ld_yaml_node *m, rt_exception *e)
{
    static const char *const known[] = {"name", "fields", "comps", "values", NULL};
    if (m->kind != LD_YAML_MAP) {
        exc_msg(c, true, m->line, "an exception must be a map (name, fields, comps, values)");
        return false;
    }
    const ld_yaml_node *name = ld_yaml_get(m, "name");
    const char *nm = ld_yaml_str(name);
    if (!nm || !nm[0]) {
        exc_msg(c, true, m->line, "an exception needs a name");
        return false;
    }
    e->name = ld_xstrdup(nm);
    e->line = m->line;
    e->file = c->file;
    c->exc = e->name;
    for (size_t i = 0; i < m->n; i++)
        if (!in_set(known, m->keys[i]->value))
            exc_msg(c, false, m->keys[i]->line, "unknown key '%s' ignored", m->keys[i]->value);

    const ld_yaml_node *fields = ld_yaml_get(m, "fields");
    const ld_yaml_node *comps = ld_yaml_get(m, "comps");
    const ld_yaml_node *values = ld_yaml_get(m, "values");
    if (fields) {
        e->single_field = fields->kind == LD_YAML_SCALAR;
        if (!strings_of(c, fields, "fields", &e->fields, RT_MAX_EXC_FIELDS))
            return false;
        if (comps) {
            if ((comps->kind == LD_YAML_SCALAR) != e->single_field) {
                exc_msg(c, true, comps->line,
                        "'comps' must be one comparison for one field and a list for a list of "
                        "fields");
                return false;
            }
            if (!strings_of(c, comps, "comps", &e->comps, RT_MAX_EXC_FIELDS))
                return false;
            if (e->comps.n != e->fields.n) {
                exc_msg(c, true, comps->line, "%zu comps for %zu fields", e->comps.n, e->fields.n);
                return false;
            }
            for (size_t i = 0; i < e->comps.n; i++)
                if (!comp_known(e->comps.v[i])) {
                    exc_msg(c, true, comps->line,
                            "unknown comparison '%s' (expected =, !=, <, <=, >, >=, in, "
                            "intersects, pmatch, contains, icontains, startswith, endswith or "
                            "glob)",
                            e->comps.v[i]);
                    return false;
                }
        } else {
            for (size_t i = 0; i < e->fields.n; i++)
                ld_strlist_push(&e->comps, e->single_field ? "in" : "=");
        }
    } else if (comps) {
        exc_msg(c, true, comps->line, "'comps' without 'fields'");
        return false;
    }
    if (!values ||
        (values->kind == LD_YAML_SCALAR && !values->quoted && ld_yaml_text_is_null(values->value)))
        return true;
    if (values->kind != LD_YAML_SEQ) {
        exc_msg(c, true, values->line, "'values' must be a sequence");
        return false;
    }
    if (values->n > RT_MAX_EXC_VALUES) {
        exc_msg(c, true, values->line, "more than %d values", RT_MAX_EXC_VALUES);
        return false;
    }
    e->values = ld_xcalloc(values->n ? values->n : 1, sizeof *e->values);
    e->cap_values = values->n ? values->n : 1;
    for (size_t i = 0; i < values->n; i++) {
        rt_exc_tuple t = {0};
        if (!parse_tuple(c, values->items[i], &t)) {
            tuple_clear(&t);
            return false;
        }
        e->values[e->n_values++] = t;
    }
    return true;
}

void rt_exceptions_parse(ld_rt_ruleset *rs, const ld_yaml_node *seq, const char *file,
                         const char *rule, rt_exception **out, size_t *n)
{
    exc_ctx c = {rs, file, rule, NULL};
    if (seq->kind == LD_YAML_SCALAR && !seq->quoted && ld_yaml_text_is_null(seq->value))
        return;
    if (seq->kind != LD_YAML_SEQ) {
        exc_msg(&c, true, seq->line, "'exceptions' must be a sequence");
        return;
    }
    if (seq->n > RT_MAX_EXCEPTIONS) {
        exc_msg(&c, true, seq->line, "more than %d exceptions", RT_MAX_EXCEPTIONS);
        return;
    }
    *out = ld_xcalloc(seq->n ? seq->n : 1, sizeof **out);
    for (size_t i = 0; i < seq->n; i++) {
        c.exc = NULL;
        rt_exception e = {0};
        if (!parse_one(&c, seq->items[i], &e)) {
            rt_exception_clear(&e);
            continue;
        }
        bool dup = false;
        for (size_t j = 0; j < *n; j++)
            if (strcmp((*out)[j].name, e.name) == 0)
                dup = true;
        if (dup) {
            exc_msg(&c, true, seq->items[i]->line, "duplicate exception name");
            rt_exception_clear(&e);
            continue;
        }
        (*out)[(*n)++] = e;
    }
}

/* ---- condition text ---- */

/* A growing text with a cap. */
typedef struct {
    char *s;
    size_t len, cap;
    bool over;
} tbuf;

static void tb_add(tbuf *b, const char *s, size_t n)
{
    if (b->over || b->len + n + 1 > RT_MAX_TEXT) {
        b->over = true;
        return;
    }
    ld_xgrow(&b->s, &b->cap, b->len + n + 1, 1);
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = '\0';
}

static void tb_str(tbuf *b, const char *s)
{
    tb_add(b, s, strlen(s));
}

static bool plain_number(const char *s)
{
    const char *p = s + (*s == '-');
    size_t n = strspn(p, "0123456789");
    return n > 0 && n <= 18 && p[n] == '\0';
}

/* s as a quoted string of the condition language (backslash and double
 * quote escaped, control characters as \xHH), or bare when it is a plain
 * decimal number. */
static void tb_quoted(tbuf *b, const char *s)
{
    if (plain_number(s)) {
        tb_str(b, s);
        return;
    }
    tb_add(b, "\"", 1);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '\\' || *p == '"') {
            char esc[2] = {'\\', (char)*p};
            tb_add(b, esc, 2);
        } else if (*p < 0x20 || *p == 0x7f) {
            char esc[5];
            snprintf(esc, sizeof esc, "\\x%02x", *p);
            tb_add(b, esc, 4);
        } else {
            tb_add(b, (const char *)p, 1);
        }
    }
    tb_add(b, "\"", 1);
}

static bool is_identifier(const char *s)
{
    if (!*s)
        return false;
    for (const char *p = s; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
              *p == '_' || *p == '-' || *p == '.'))
            return false;
    return true;
}

typedef struct {
    bool (*is_list)(void *ctx, const char *name);
    void *ctx;
    const rt_exception *e;
    ld_error *err;
} text_ctx;

/* One item inside in (...): a list name as is, anything else quoted. */
static bool tb_list_item(tbuf *b, const text_ctx *t, const char *item)
{
    if (t->is_list && is_identifier(item) && !plain_number(item) && t->is_list(t->ctx, item)) {
        tb_str(b, item);
        return true;
    }
    tb_quoted(b, item);
    return true;
}

/* `field op value` for one cell. */
static bool tb_compare(tbuf *b, const text_ctx *t, const char *field, const char *op,
                       const rt_exc_cell *cell)
{
    tb_str(b, field);
    tb_add(b, " ", 1);
    tb_str(b, op);
    tb_add(b, " ", 1);
    if (comp_takes_list(op)) {
        tb_add(b, "(", 1);
        if (cell->value) {
            if (!tb_list_item(b, t, cell->value))
                return false;
        } else {
            for (size_t i = 0; i < cell->items.n; i++) {
                if (i)
                    tb_add(b, ", ", 2);
                if (!tb_list_item(b, t, cell->items.v[i]))
                    return false;
            }
        }
        tb_add(b, ")", 1);
        return true;
    }
    if (!cell->value) {
        ld_error_set(t->err, LD_ERR_INVALID,
                     "exception '%s': a list of values needs in, intersects or pmatch, not %s",
                     t->e->name, op);
        return false;
    }
    tb_quoted(b, cell->value);
    return true;
}

/* One field, a list comparison: every value in one list. */
static bool single_list(tbuf *b, const text_ctx *t)
{
    const rt_exception *e = t->e;
    rt_exc_cell all = {0};
    for (size_t i = 0; i < e->n_values; i++)
        for (size_t j = 0; j < e->values[i].n; j++) {
            const rt_exc_cell *c = &e->values[i].cells[j];
            if (c->value)
                ld_strlist_push(&all.items, c->value);
            for (size_t k = 0; k < c->items.n; k++)
                ld_strlist_push(&all.items, c->items.v[k]);
        }
    bool ok = tb_compare(b, t, e->fields.v[0], e->comps.v[0], &all);
    ld_strlist_clear(&all.items);
    return ok;
}

char *rt_exception_text(const rt_exception *e, bool (*is_list)(void *ctx, const char *name),
                        void *ctx, ld_error *err)
{
    ld_error_clear(err);
    if (e->n_values == 0)
        return NULL;
    if (e->fields.n == 0) {
        ld_error_set(err, LD_ERR_INVALID, "exception '%s' has values but no fields", e->name);
        return NULL;
    }
    text_ctx t = {is_list, ctx, e, err};
    tbuf b = {0};
    bool ok = true;
    if (e->single_field && comp_takes_list(e->comps.v[0])) {
        ok = single_list(&b, &t);
    } else {
        for (size_t i = 0; ok && i < e->n_values; i++) {
            const rt_exc_tuple *tu = &e->values[i];
            if (e->single_field ? tu->n != 1 : tu->n != e->fields.n) {
                ld_error_set(err, LD_ERR_INVALID,
                             "exception '%s': value %zu has %zu entries for %zu field%s", e->name,
                             i + 1, tu->n, e->fields.n, e->fields.n == 1 ? "" : "s");
                ok = false;
                break;
            }
            if (i)
                tb_str(&b, " or ");
            tb_add(&b, "(", 1);
            for (size_t f = 0; ok && f < tu->n; f++) {
                if (f)
                    tb_str(&b, " and ");
                ok = tb_compare(&b, &t, e->fields.v[f], e->comps.v[f], &tu->cells[f]);
            }
            tb_add(&b, ")", 1);
        }
    }
    if (ok && b.over) {
        ld_error_set(err, LD_ERR_INVALID, "exception '%s': values longer than %zu bytes in all",
                     e->name, RT_MAX_TEXT);
        ok = false;
    }
    if (!ok) {
        free(b.s);
        return NULL;
    }
    return b.s;
}
