/* Reading Falco rule files into a rule set's definitions: the items list,
 * macro and rule (with append, override and the enabled-only toggle),
 * merged in load order, each remembered with its file and line. Problems
 * inside items are collected for ld_rt_rules_compile to report all at once
 * (--validate); only a file that is not YAML, or not a sequence of items,
 * fails the load. Not for compiling conditions: rules_compile.c does. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/rules.h"
#include "runtime/rules_internal.h"
#include "util/input_file.h"
#include "util/mem.h"
#include "util/suggest.h"
#include "util/yaml_doc.h"

extern const unsigned char ld_data_runtime_rules_yaml[];
extern const size_t ld_data_runtime_rules_yaml_len;

/* ---- the set ---- */

ld_rt_ruleset *ld_rt_rules_new(void)
{
    return ld_xcalloc(1, sizeof(ld_rt_ruleset));
}

void rt_exception_clear(rt_exception *e)
{
    free(e->name);
    ld_strlist_clear(&e->fields);
    ld_strlist_clear(&e->comps);
    for (size_t i = 0; i < e->n_values; i++) {
        for (size_t j = 0; j < e->values[i].n; j++) {
            free(e->values[i].cells[j].value);
            ld_strlist_clear(&e->values[i].cells[j].items);
        }
        free(e->values[i].cells);
    }
    free(e->values);
    memset(e, 0, sizeof *e);
}

void rt_rule_clear(rt_rule *r)
{
    rt_rule_clear_compiled(r);
    free(r->name);
    free(r->desc);
    free(r->cond);
    free(r->output);
    ld_strlist_clear(&r->tags);
    for (size_t i = 0; i < r->n_exc; i++)
        rt_exception_clear(&r->exc[i]);
    free(r->exc);
    memset(r, 0, sizeof *r);
}

void ld_rt_rules_free(ld_rt_ruleset *rs)
{
    if (!rs)
        return;
    rt_compiled_clear(rs);
    for (size_t i = 0; i < rs->n_lists; i++) {
        free(rs->lists[i].name);
        ld_strlist_clear(&rs->lists[i].items);
    }
    free(rs->lists);
    for (size_t i = 0; i < rs->n_macros; i++) {
        free(rs->macros[i].name);
        free(rs->macros[i].cond);
    }
    free(rs->macros);
    for (size_t i = 0; i < rs->n_rules; i++)
        rt_rule_clear(&rs->rules[i]);
    free(rs->rules);
    ld_strmap_clear(&rs->list_index);
    ld_strmap_clear(&rs->macro_index);
    ld_strmap_clear(&rs->rule_index);
    ld_strmap_clear(&rs->skipped_rules);
    ld_strlist_clear(&rs->files);
    rt_msgs_clear(&rs->load_errors);
    rt_msgs_clear(&rs->load_warnings);
    free(rs);
}

void rt_diagv(rt_msgs *m, const char *file, int line, const char *fmt, va_list ap)
{
    if (m->n >= RT_MAX_DIAGS) {
        m->dropped++;
        return;
    }
    char *msg = ld_xvasprintf(fmt, ap);
    ld_xgrow(&m->v, &m->cap, m->n + 1, sizeof *m->v);
    m->v[m->n++] = (rt_msg){file, line, ld_xasprintf("%s:%d: %s", file, line, msg)};
    free(msg);
}

void rt_diag(rt_msgs *m, const char *file, int line, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    rt_diagv(m, file, line, fmt, ap);
    va_end(ap);
}

void rt_msgs_clear(rt_msgs *m)
{
    for (size_t i = 0; i < m->n; i++)
        free(m->v[i].text);
    free(m->v);
    memset(m, 0, sizeof *m);
}

/* ---- one file ---- */

typedef struct {
    ld_rt_ruleset *rs;
    const char *file;
    bool full; /* RT_MAX_ITEMS reached (said once) */
} loader;

/* What an item is, for messages: "rule 'x': ". */
typedef struct {
    loader *ld;
    const char *kind;
    const char *name;
} item_ctx;

static void item_msg(const item_ctx *it, bool error, int line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void item_msg(const item_ctx *it, bool error, int line, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *msg = ld_xvasprintf(fmt, ap);
    va_end(ap);
    ld_rt_ruleset *rs = it->ld->rs;
    rt_msgs *l = error ? &rs->load_errors : &rs->load_warnings;
    if (it->name)
        rt_diag(l, it->ld->file, line, "%s '%s': %s", it->kind, it->name, msg);
    else
        rt_diag(l, it->ld->file, line, "%s", msg);
    free(msg);
}

#define ITEM_ERR(it, line, ...) item_msg((it), true, (line), __VA_ARGS__)
#define ITEM_WARN(it, line, ...) item_msg((it), false, (line), __VA_ARGS__)

/* The text of a scalar value, trailing white space (a block scalar's
 * newline) removed; NULL (error said) when n is not a scalar. */
static char *text_value(const item_ctx *it, const ld_yaml_node *n, const char *key)
{
    if (n->kind != LD_YAML_SCALAR) {
        ITEM_ERR(it, n->line, "'%s' must be a string, not %s", key, ld_yaml_kind_name(n->kind));
        return NULL;
    }
    size_t len = strlen(n->value);
    while (len && (n->value[len - 1] == '\n' || n->value[len - 1] == ' ' ||
                   n->value[len - 1] == '\t' || n->value[len - 1] == '\r'))
        len--;
    return ld_xstrndup(n->value, len);
}

static bool bool_value(const item_ctx *it, const ld_yaml_node *n, const char *key, bool *out)
{
    if (n->kind != LD_YAML_SCALAR || !ld_yaml_text_bool(n->value, out)) {
        ITEM_ERR(it, n->line, "'%s' must be true or false", key);
        return false;
    }
    return true;
}

/* Appends text to *dst with a space between (Falco's append), bounded. */
static bool append_text(const item_ctx *it, int line, char **dst, const char *text, const char *key)
{
    size_t a = *dst ? strlen(*dst) : 0, b = strlen(text);
    if (a + b + 1 > RT_MAX_TEXT) {
        ITEM_ERR(it, line, "'%s' longer than %zu bytes after append", key, RT_MAX_TEXT);
        return false;
    }
    char *joined = a ? ld_xasprintf("%s %s", *dst, text) : ld_xstrdup(text);
    free(*dst);
    *dst = joined;
    return true;
}

static bool room_for_item(loader *ld, const item_ctx *it, int line)
{
    ld_rt_ruleset *rs = ld->rs;
    if (rs->n_lists + rs->n_macros + rs->n_rules < RT_MAX_ITEMS)
        return true;
    if (!ld->full)
        ITEM_ERR(it, line, "more than %d lists, macros and rules: the rest is ignored",
                 RT_MAX_ITEMS);
    ld->full = true;
    return false;
}

/* The keys of a map item checked against the known ones: unknown keys
 * are warnings (with a suggestion). */
static void warn_unknown_keys(const item_ctx *it, const ld_yaml_node *item,
                              const char *const *known)
{
    for (size_t i = 0; i < item->n; i++) {
        const char *k = item->keys[i]->value;
        bool ok = false;
        for (size_t j = 0; known[j]; j++)
            if (strcmp(k, known[j]) == 0)
                ok = true;
        if (ok)
            continue;
        const char *near = ld_suggest(k, known, -1);
        if (near)
            ITEM_WARN(it, item->keys[i]->line, "unknown key '%s' ignored (did you mean %s?)", k,
                      near);
        else
            ITEM_WARN(it, item->keys[i]->line, "unknown key '%s' ignored", k);
    }
}

/* `override:` as a map of key -> append|replace. Returns false (error
 * said) when malformed; *modes gets one entry per allowed key. */
typedef enum { OV_NONE = 0, OV_APPEND, OV_REPLACE } ov_mode;

static bool parse_override(const item_ctx *it, const ld_yaml_node *ov, const char *const *keys,
                           const char *const *appendable, ov_mode *modes)
{
    if (ov->kind != LD_YAML_MAP) {
        ITEM_ERR(it, ov->line, "'override' must be a map of key: append|replace");
        return false;
    }
    bool ok = true;
    for (size_t i = 0; i < ov->n; i++) {
        const char *k = ov->keys[i]->value;
        const char *v = ld_yaml_str(ov->items[i]);
        size_t j = 0;
        while (keys[j] && strcmp(keys[j], k) != 0)
            j++;
        if (!keys[j]) {
            ITEM_ERR(it, ov->keys[i]->line, "'%s' cannot be overridden", k);
            ok = false;
            continue;
        }
        if (v && strcmp(v, "replace") == 0) {
            modes[j] = OV_REPLACE;
        } else if (v && strcmp(v, "append") == 0) {
            bool can = false;
            for (size_t a = 0; appendable[a]; a++)
                if (strcmp(appendable[a], k) == 0)
                    can = true;
            if (!can) {
                ITEM_ERR(it, ov->keys[i]->line, "'%s' cannot be appended, only replaced", k);
                ok = false;
                continue;
            }
            modes[j] = OV_APPEND;
        } else {
            ITEM_ERR(it, ov->items[i]->line, "override of '%s' must be append or replace", k);
            ok = false;
        }
    }
    return ok;
}

/* ---- list ---- */

static bool list_items(const item_ctx *it, const ld_yaml_node *n, ld_strlist *out)
{
    if (n->kind == LD_YAML_SCALAR && !n->quoted && ld_yaml_text_is_null(n->value))
        return true; /* items: (nothing) */
    if (n->kind != LD_YAML_SEQ) {
        ITEM_ERR(it, n->line, "'items' must be a sequence");
        return false;
    }
    for (size_t i = 0; i < n->n; i++) {
        const ld_yaml_node *v = n->items[i];
        if (v->kind != LD_YAML_SCALAR) {
            ITEM_ERR(it, v->line, "list items must be strings, not %s", ld_yaml_kind_name(v->kind));
            return false;
        }
        if (!v->value[0])
            continue;
        ld_strlist_push(out, v->value);
    }
    return true;
}

/* A list's or macro's one changeable key: `append: true`, or the Falco
 * 0.36 `override: {KEY: append|replace}` (not both). false after an error. */
static bool append_mode(item_ctx *it, const ld_yaml_node *item, const char *const *ov_keys,
                        bool *append)
{
    const ld_yaml_node *app = ld_yaml_get(item, "append");
    const ld_yaml_node *ov = ld_yaml_get(item, "override");
    *append = false;
    if (app && !bool_value(it, app, "append", append))
        return false;
    if (!ov)
        return true;
    if (*append) {
        ITEM_ERR(it, ov->line, "'append' and 'override' cannot be used together");
        return false;
    }
    ov_mode modes[1] = {OV_NONE};
    if (!parse_override(it, ov, ov_keys, ov_keys, modes))
        return false;
    if (modes[0] == OV_NONE) {
        ITEM_ERR(it, ov->line, "override names nothing to change");
        return false;
    }
    *append = modes[0] == OV_APPEND;
    return true;
}

static void load_list(loader *ld, const ld_yaml_node *item, const char *name, int line)
{
    static const char *const known[] = {"list", "items", "append", "override", NULL};
    static const char *const ov_keys[] = {"items", NULL};
    item_ctx it = {ld, "list", name};
    ld_rt_ruleset *rs = ld->rs;
    warn_unknown_keys(&it, item, known);
    const ld_yaml_node *items = ld_yaml_get(item, "items");
    const ld_yaml_node *ov = ld_yaml_get(item, "override");
    bool append = false;
    if (!append_mode(&it, item, ov_keys, &append))
        return;
    if (!items) {
        ITEM_ERR(&it, line, "missing 'items'");
        return;
    }
    ld_strlist values = {0};
    if (!list_items(&it, items, &values)) {
        ld_strlist_clear(&values);
        return;
    }
    bool exists;
    size_t idx = rt_index_get(&rs->list_index, name, &exists);
    if ((append || ov) && !exists) {
        ITEM_ERR(&it, line, "%s a list that is not defined", ov ? "override of" : "append to");
        ld_strlist_clear(&values);
        return;
    }
    if (exists && append) {
        rt_list *l = &rs->lists[idx];
        if (l->items.n + values.n > RT_MAX_LIST_ITEMS) {
            ITEM_ERR(&it, line, "more than %d items after append", RT_MAX_LIST_ITEMS);
            ld_strlist_clear(&values);
            return;
        }
        for (size_t i = 0; i < values.n; i++)
            ld_strlist_push_owned(&l->items, values.v[i]); /* moved */
        free(values.v);
        return;
    }
    if (values.n > RT_MAX_LIST_ITEMS) {
        ITEM_ERR(&it, line, "more than %d items", RT_MAX_LIST_ITEMS);
        ld_strlist_clear(&values);
        return;
    }
    if (!exists) {
        if (!room_for_item(ld, &it, line)) {
            ld_strlist_clear(&values);
            return;
        }
        ld_xgrow(&rs->lists, &rs->cap_lists, rs->n_lists + 1, sizeof *rs->lists);
        idx = rs->n_lists++;
        memset(&rs->lists[idx], 0, sizeof rs->lists[idx]);
        rs->lists[idx].name = ld_xstrdup(name);
        rt_index_put(&rs->list_index, name, idx);
    }
    rt_list *l = &rs->lists[idx];
    ld_strlist_clear(&l->items);
    l->items = values;
    l->file = ld->file;
    l->line = line;
}

/* ---- macro ---- */

static void load_macro(loader *ld, const ld_yaml_node *item, const char *name, int line)
{
    static const char *const known[] = {"macro", "condition", "append", "override", NULL};
    static const char *const ov_keys[] = {"condition", NULL};
    item_ctx it = {ld, "macro", name};
    ld_rt_ruleset *rs = ld->rs;
    warn_unknown_keys(&it, item, known);
    const ld_yaml_node *cn = ld_yaml_get(item, "condition");
    const ld_yaml_node *ov = ld_yaml_get(item, "override");
    bool append = false;
    if (!append_mode(&it, item, ov_keys, &append))
        return;
    if (!cn) {
        ITEM_ERR(&it, line, "missing 'condition'");
        return;
    }
    char *cond = text_value(&it, cn, "condition");
    if (!cond)
        return;
    if (!cond[0]) {
        ITEM_ERR(&it, cn->line, "empty condition");
        free(cond);
        return;
    }
    bool exists;
    size_t idx = rt_index_get(&rs->macro_index, name, &exists);
    if ((append || ov) && !exists) {
        ITEM_ERR(&it, line, "%s a macro that is not defined", ov ? "override of" : "append to");
        free(cond);
        return;
    }
    if (exists && append) {
        rt_macro *m = &rs->macros[idx];
        append_text(&it, cn->line, &m->cond, cond, "condition");
        free(cond);
        return;
    }
    if (!exists) {
        if (!room_for_item(ld, &it, line)) {
            free(cond);
            return;
        }
        ld_xgrow(&rs->macros, &rs->cap_macros, rs->n_macros + 1, sizeof *rs->macros);
        idx = rs->n_macros++;
        memset(&rs->macros[idx], 0, sizeof rs->macros[idx]);
        rs->macros[idx].name = ld_xstrdup(name);
        rt_index_put(&rs->macro_index, name, idx);
    }
    rt_macro *m = &rs->macros[idx];
    free(m->cond);
    m->cond = cond;
    m->file = ld->file;
    m->line = cn->line;
}

/* ---- rule ---- */

/* The keys a rule item may have whose values change the rule, in the
 * order of rule_vals' presence flags; which of them may be appended. */
enum {
    K_DESC,
    K_CONDITION,
    K_OUTPUT,
    K_PRIORITY,
    K_TAGS,
    K_ENABLED,
    K_EXCEPTIONS,
    K_WARN_EVTTYPES,
    K_SKIP_UNKNOWN,
    K_ACTION,
    K_CAPTURE,
    K_COUNT
};
static const char *const rule_value_keys[] = {
    "desc",       "condition",     "output",
    "priority",   "tags",          "enabled",
    "exceptions", "warn_evttypes", "skip-if-unknown-filter",
    "action",     "capture",       NULL};
static const char *const rule_appendable[] = {"desc", "condition",  "output",
                                              "tags", "exceptions", NULL};
static const char *const rule_known[] = {
    "rule",     "desc",    "condition",        "output",        "priority",
    "tags",     "enabled", "exceptions",       "warn_evttypes", "skip-if-unknown-filter",
    "action",   "capture", "capture_duration", "source",        "append",
    "override", NULL};

typedef struct {
    const ld_yaml_node *node[K_COUNT];
    char *desc, *cond, *output;
    ld_rt_priority priority;
    ld_strlist tags;
    bool enabled, warn_evttypes, skip_unknown, capture;
    rt_exception *exc;
    size_t n_exc;
} rule_vals;

static void rule_vals_clear(rule_vals *v)
{
    free(v->desc);
    free(v->cond);
    free(v->output);
    ld_strlist_clear(&v->tags);
    for (size_t i = 0; i < v->n_exc; i++)
        rt_exception_clear(&v->exc[i]);
    free(v->exc);
}

static bool parse_tags(const item_ctx *it, const ld_yaml_node *n, ld_strlist *out)
{
    if (n->kind == LD_YAML_SCALAR && !n->quoted && ld_yaml_text_is_null(n->value))
        return true;
    if (n->kind != LD_YAML_SEQ) {
        ITEM_ERR(it, n->line, "'tags' must be a sequence of strings");
        return false;
    }
    for (size_t i = 0; i < n->n; i++) {
        const ld_yaml_node *t = n->items[i];
        if (t->kind != LD_YAML_SCALAR || !t->value[0]) {
            ITEM_ERR(it, t->line, "a tag must be a non-empty string");
            return false;
        }
        if (ld_strlist_contains(out, t->value))
            continue;
        if (out->n >= RT_MAX_TAGS) {
            ITEM_ERR(it, t->line, "more than %d tags", RT_MAX_TAGS);
            return false;
        }
        ld_strlist_push(out, t->value);
    }
    return true;
}

/* Reads every value key present; false when one is malformed (said). */
static bool parse_rule_vals(const item_ctx *it, const ld_yaml_node *item, rule_vals *v)
{
    bool ok = true;
    for (int k = 0; k < K_COUNT; k++)
        v->node[k] = ld_yaml_get(item, rule_value_keys[k]);
    const ld_yaml_node *const *n = v->node;
    if (n[K_DESC] && !(v->desc = text_value(it, n[K_DESC], "desc")))
        ok = false;
    if (n[K_CONDITION]) {
        if (!(v->cond = text_value(it, n[K_CONDITION], "condition")))
            ok = false;
        else if (!v->cond[0]) {
            ITEM_ERR(it, n[K_CONDITION]->line, "empty condition");
            ok = false;
        }
    }
    if (n[K_OUTPUT] && !(v->output = text_value(it, n[K_OUTPUT], "output")))
        ok = false;
    if (n[K_PRIORITY]) {
        const char *p = ld_yaml_str(n[K_PRIORITY]);
        if (!p || ld_rt_priority_parse(p, &v->priority) < 0) {
            ITEM_ERR(it, n[K_PRIORITY]->line,
                     "unknown priority '%s' (expected EMERGENCY, ALERT, CRITICAL, ERROR, WARNING, "
                     "NOTICE, INFORMATIONAL or DEBUG)",
                     p ? p : "(not a string)");
            ok = false;
        }
    }
    if (n[K_TAGS] && !parse_tags(it, n[K_TAGS], &v->tags))
        ok = false;
    if (n[K_ENABLED] && !bool_value(it, n[K_ENABLED], "enabled", &v->enabled))
        ok = false;
    if (n[K_WARN_EVTTYPES] &&
        !bool_value(it, n[K_WARN_EVTTYPES], "warn_evttypes", &v->warn_evttypes))
        ok = false;
    if (n[K_SKIP_UNKNOWN] &&
        !bool_value(it, n[K_SKIP_UNKNOWN], "skip-if-unknown-filter", &v->skip_unknown))
        ok = false;
    if (n[K_CAPTURE] && !bool_value(it, n[K_CAPTURE], "capture", &v->capture))
        ok = false;
    if (n[K_ACTION]) {
        const char *a = ld_yaml_str(n[K_ACTION]);
        if (a && strcmp(a, "capture") == 0) {
            v->capture = true;
        } else {
            ITEM_ERR(it, n[K_ACTION]->line, "unknown action '%s' (expected capture)",
                     a ? a : "(not a string)");
            ok = false;
        }
    }
    /* an exception with errors is left out (said); the rule still goes on
     * to compile, so the errors of its other parts are found too */
    if (n[K_EXCEPTIONS])
        rt_exceptions_parse(it->ld->rs, n[K_EXCEPTIONS], it->ld->file, it->name, &v->exc,
                            &v->n_exc);
    return ok;
}

/* Moves exceptions into a rule: an exception of a name the rule has gets
 * the new values (its fields and comps, when given, must be the same);
 * others are added. */
static void merge_exceptions(const item_ctx *it, rt_rule *r, rule_vals *v)
{
    for (size_t i = 0; i < v->n_exc; i++) {
        rt_exception *ne = &v->exc[i];
        rt_exception *old = NULL;
        for (size_t j = 0; j < r->n_exc; j++)
            if (strcmp(r->exc[j].name, ne->name) == 0)
                old = &r->exc[j];
        if (!old) {
            if (r->n_exc >= RT_MAX_EXCEPTIONS) {
                ITEM_ERR(it, ne->line, "more than %d exceptions", RT_MAX_EXCEPTIONS);
                continue;
            }
            r->exc = ld_xrealloc(r->exc, (r->n_exc + 1) * sizeof *r->exc);
            r->exc[r->n_exc++] = *ne;
            memset(ne, 0, sizeof *ne);
            continue;
        }
        bool same = true;
        if (ne->fields.n) {
            same = ne->fields.n == old->fields.n && ne->single_field == old->single_field;
            for (size_t f = 0; same && f < ne->fields.n; f++)
                same = strcmp(ne->fields.v[f], old->fields.v[f]) == 0 &&
                       strcmp(ne->comps.v[f], old->comps.v[f]) == 0;
        }
        if (!same) {
            ITEM_ERR(it, ne->line,
                     "exception '%s' is already defined with other fields or comps: append only "
                     "its values",
                     ne->name);
            continue;
        }
        if (old->n_values + ne->n_values > RT_MAX_EXC_VALUES) {
            ITEM_ERR(it, ne->line, "exception '%s': more than %d values", ne->name,
                     RT_MAX_EXC_VALUES);
            continue;
        }
        if (ne->n_values) {
            ld_xgrow(&old->values, &old->cap_values, old->n_values + ne->n_values,
                     sizeof *old->values);
            memcpy(old->values + old->n_values, ne->values, ne->n_values * sizeof *ne->values);
            old->n_values += ne->n_values;
        }
        free(ne->values);
        ne->values = NULL;
        ne->n_values = ne->cap_values = 0;
    }
}

static void union_tags(rt_rule *r, ld_strlist *tags)
{
    for (size_t i = 0; i < tags->n; i++)
        if (!ld_strlist_contains(&r->tags, tags->v[i]) && r->tags.n < RT_MAX_TAGS)
            ld_strlist_push(&r->tags, tags->v[i]);
}

/* Sets key k of r from v (replace). */
static void replace_key(rt_rule *r, rule_vals *v, int k)
{
    switch (k) {
    case K_DESC:
        free(r->desc);
        r->desc = v->desc;
        v->desc = NULL;
        break;
    case K_CONDITION:
        free(r->cond);
        r->cond = v->cond;
        v->cond = NULL;
        r->cond_line = v->node[k]->line;
        break;
    case K_OUTPUT:
        free(r->output);
        r->output = v->output;
        v->output = NULL;
        r->output_line = v->node[k]->line;
        break;
    case K_PRIORITY: r->priority = v->priority; break;
    case K_TAGS:
        ld_strlist_clear(&r->tags);
        r->tags = v->tags;
        memset(&v->tags, 0, sizeof v->tags);
        break;
    case K_ENABLED: r->enabled = v->enabled; break;
    case K_EXCEPTIONS:
        for (size_t i = 0; i < r->n_exc; i++)
            rt_exception_clear(&r->exc[i]);
        free(r->exc);
        r->exc = v->exc;
        r->n_exc = v->n_exc;
        v->exc = NULL;
        v->n_exc = 0;
        r->exc_line = v->node[k]->line;
        break;
    case K_WARN_EVTTYPES: r->warn_evttypes = v->warn_evttypes; break;
    case K_SKIP_UNKNOWN: r->skip_if_unknown_filter = v->skip_unknown; break;
    case K_ACTION:
    case K_CAPTURE: r->capture = v->capture; break;
    default: break;
    }
}

/* Appends key k of v to r (k is one of rule_appendable). */
static void append_key(const item_ctx *it, rt_rule *r, rule_vals *v, int k)
{
    int line = v->node[k]->line;
    switch (k) {
    case K_DESC: append_text(it, line, &r->desc, v->desc, "desc"); break;
    case K_CONDITION: append_text(it, line, &r->cond, v->cond, "condition"); break;
    case K_OUTPUT: append_text(it, line, &r->output, v->output, "output"); break;
    case K_TAGS: union_tags(r, &v->tags); break;
    case K_EXCEPTIONS: merge_exceptions(it, r, v); break;
    default: break;
    }
}

static bool is_appendable(int k)
{
    for (size_t a = 0; rule_appendable[a]; a++)
        if (strcmp(rule_appendable[a], rule_value_keys[k]) == 0)
            return true;
    return false;
}

static rt_rule *new_rule(loader *ld, const item_ctx *it, const char *name, int line)
{
    ld_rt_ruleset *rs = ld->rs;
    bool exists;
    size_t idx = rt_index_get(&rs->rule_index, name, &exists);
    if (exists) {
        rt_rule_clear(&rs->rules[idx]);
    } else {
        if (!room_for_item(ld, it, line))
            return NULL;
        ld_xgrow(&rs->rules, &rs->cap_rules, rs->n_rules + 1, sizeof *rs->rules);
        idx = rs->n_rules++;
        memset(&rs->rules[idx], 0, sizeof rs->rules[idx]);
        rt_index_put(&rs->rule_index, name, idx);
    }
    rt_rule *r = &rs->rules[idx];
    r->name = ld_xstrdup(name);
    r->file = ld->file;
    r->line = line;
    r->enabled = true;
    r->warn_evttypes = true;
    return r;
}

static void load_rule(loader *ld, const ld_yaml_node *item, const char *name, int line)
{
    item_ctx it = {ld, "rule", name};
    ld_rt_ruleset *rs = ld->rs;
    warn_unknown_keys(&it, item, rule_known);

    const ld_yaml_node *src = ld_yaml_get(item, "source");
    if (src) {
        const char *s = ld_yaml_str(src);
        if (!s || strcmp(s, "syscall") != 0) {
            ITEM_WARN(&it, src->line, "source '%s' is not supported (only syscall): rule skipped",
                      s ? s : "(not a string)");
            bool known;
            rt_index_get(&rs->rule_index, name, &known);
            if (!known)
                rt_index_put(&rs->skipped_rules, name, 0);
            return;
        }
    }
    bool exists, skipped;
    size_t idx = rt_index_get(&rs->rule_index, name, &exists);
    rt_index_get(&rs->skipped_rules, name, &skipped);
    /* a change to a rule of another source is skipped with it */
    skipped = skipped && !exists;

    const ld_yaml_node *app = ld_yaml_get(item, "append");
    const ld_yaml_node *ov = ld_yaml_get(item, "override");
    bool append = false;
    if (app && !bool_value(&it, app, "append", &append))
        return;
    ov_mode modes[K_COUNT] = {OV_NONE};
    if (ov) {
        if (append) {
            ITEM_ERR(&it, ov->line, "'append' and 'override' cannot be used together");
            return;
        }
        if (!parse_override(&it, ov, rule_value_keys, rule_appendable, modes))
            return;
    }
    rule_vals v = {0};
    bool ok = parse_rule_vals(&it, item, &v);
    int present = 0;
    for (int k = 0; k < K_COUNT; k++)
        present += v.node[k] != NULL;

    if (ov) {
        if (!exists) {
            if (!skipped)
                ITEM_ERR(&it, line, "override of a rule that is not defined");
            goto done;
        }
        for (int k = 0; k < K_COUNT; k++) {
            if (modes[k] != OV_NONE && !v.node[k]) {
                ITEM_ERR(&it, ov->line, "override names '%s' but the item does not set it",
                         rule_value_keys[k]);
                ok = false;
            }
            if (modes[k] == OV_NONE && v.node[k]) {
                ITEM_ERR(&it, v.node[k]->line,
                         "'%s' is set but not named in override (add %s: append or replace)",
                         rule_value_keys[k], rule_value_keys[k]);
                ok = false;
            }
        }
        if (!ok)
            goto done;
        rt_rule *r = &rs->rules[idx];
        for (int k = 0; k < K_COUNT; k++) {
            if (modes[k] == OV_REPLACE)
                replace_key(r, &v, k);
            else if (modes[k] == OV_APPEND)
                append_key(&it, r, &v, k);
        }
        goto done;
    }
    if (append) {
        if (!exists) {
            if (!skipped)
                ITEM_ERR(&it, line, "append to a rule that is not defined");
            goto done;
        }
        for (int k = 0; k < K_COUNT; k++)
            if (v.node[k] && !is_appendable(k)) {
                ITEM_ERR(&it, v.node[k]->line,
                         "'%s' cannot be appended (use override: {%s: replace})",
                         rule_value_keys[k], rule_value_keys[k]);
                ok = false;
            }
        if (!ok)
            goto done;
        rt_rule *r = &rs->rules[idx];
        for (int k = 0; k < K_COUNT; k++)
            if (v.node[k])
                append_key(&it, r, &v, k);
        goto done;
    }
    if (present == 1 && v.node[K_ENABLED]) {
        /* `- rule: X` + `enabled: false`: switches an earlier rule */
        if (!exists && !skipped)
            ITEM_ERR(&it, line, "enabled set for a rule that is not defined");
        else if (ok)
            rs->rules[idx].enabled = v.enabled;
        goto done;
    }
    static const int required[] = {K_CONDITION, K_OUTPUT, K_PRIORITY, K_DESC};
    for (size_t i = 0; i < sizeof required / sizeof required[0]; i++)
        if (!v.node[required[i]]) {
            ITEM_ERR(&it, line, "missing '%s'", rule_value_keys[required[i]]);
            ok = false;
        }
    if (!ok)
        goto done;
    rt_rule *r = new_rule(ld, &it, name, line);
    if (!r)
        goto done;
    for (int k = 0; k < K_COUNT; k++)
        if (v.node[k])
            replace_key(r, &v, k);
    if (!r->exc_line)
        r->exc_line = line;
done:
    rule_vals_clear(&v);
}

/* ---- items ---- */

static void load_item(loader *ld, const ld_yaml_node *item)
{
    if (item->kind != LD_YAML_MAP) {
        item_ctx it = {ld, NULL, NULL};
        ITEM_ERR(&it, item->line, "an item must be a map with rule, macro or list, not %s",
                 ld_yaml_kind_name(item->kind));
        return;
    }
    static const char *const kinds[] = {"rule", "macro", "list", NULL};
    const char *kind = NULL;
    const ld_yaml_node *name_node = NULL;
    for (size_t i = 0; kinds[i]; i++) {
        const ld_yaml_node *n = ld_yaml_get(item, kinds[i]);
        if (!n)
            continue;
        if (kind) {
            item_ctx it = {ld, NULL, NULL};
            ITEM_ERR(&it, item->line, "an item cannot be both a %s and a %s", kind, kinds[i]);
            return;
        }
        kind = kinds[i];
        name_node = n;
    }
    if (!kind) {
        if (ld_yaml_get(item, "required_engine_version") ||
            ld_yaml_get(item, "required_plugin_versions"))
            return; /* accepted, nothing to check against */
        item_ctx it = {ld, NULL, NULL};
        const char *first = item->n ? item->keys[0]->value : "";
        const char *near = ld_suggest(first, kinds, -1);
        ITEM_ERR(&it, item->line, "unknown item '%s' (expected rule, macro or list%s%s%s)", first,
                 near ? "; did you mean " : "", near ? near : "", near ? "?" : "");
        return;
    }
    const char *name = ld_yaml_str(name_node);
    if (!name || !name[0]) {
        item_ctx it = {ld, NULL, NULL};
        ITEM_ERR(&it, name_node->line, "a %s needs a name (a non-empty string)", kind);
        return;
    }
    if (strcmp(kind, "list") == 0)
        load_list(ld, item, name, name_node->line);
    else if (strcmp(kind, "macro") == 0)
        load_macro(ld, item, name, name_node->line);
    else
        load_rule(ld, item, name, name_node->line);
}

/* "NAME: line N: msg" (util/yaml_doc) as "NAME:N: msg". */
static void file_line_message(ld_error *err, const char *name)
{
    size_t nl = strlen(name);
    const char *m = err->msg;
    if (strncmp(m, name, nl) != 0 || strncmp(m + nl, ": line ", 7) != 0)
        return;
    const char *p = m + nl + 7;
    const char *digits = p;
    while (*p >= '0' && *p <= '9')
        p++;
    if (p == digits || p - digits > 9 || *p != ':')
        return;
    char rest[LD_ERROR_MSG_MAX];
    snprintf(rest, sizeof rest, "%s:%.*s%s", name, (int)(p - digits), digits, p);
    snprintf(err->msg, sizeof err->msg, "%s", rest);
}

int ld_rt_rules_load_buffer(ld_rt_ruleset *rs, const char *name, const char *buf, size_t len,
                            ld_error *err)
{
    rt_compiled_clear(rs);
    if (len > RT_MAX_FILE_BYTES)
        return ld_error_set(err, LD_ERR_INVALID, "%s: rule file larger than %zu MiB", name,
                            RT_MAX_FILE_BYTES >> 20);
    ld_yaml_options o = {
        .limits = {.max_bytes = RT_MAX_FILE_BYTES, .max_depth = 32, .max_nodes = 1000000},
        .max_documents = 1000,
        .max_scalar_bytes = RT_MAX_SCALAR_BYTES,
        .aliases = true,
        .threads = 1,
    };
    ld_yaml_docs docs = {0};
    if (ld_yaml_parse_stream(name, buf, len, &o, &docs, err) < 0) {
        file_line_message(err, name);
        err->code = LD_ERR_INVALID;
        return LD_ERR_INVALID;
    }
    ld_strlist_push(&rs->files, name);
    loader ld = {rs, rs->files.v[rs->files.n - 1], false};
    int rc = 0;
    for (size_t d = 0; d < docs.n && rc == 0; d++) {
        const ld_yaml_node *root = docs.docs[d];
        if (root->kind == LD_YAML_SCALAR && !root->quoted && ld_yaml_text_is_null(root->value))
            continue;
        if (root->kind == LD_YAML_MAP && root->n == 0)
            continue; /* an empty document */
        if (root->kind != LD_YAML_SEQ) {
            rc = ld_error_set(err, LD_ERR_INVALID,
                              "%s:%d: a rule file is a sequence of items (- rule: ..., - macro: "
                              "..., - list: ...), not %s",
                              name, root->line, ld_yaml_kind_name(root->kind));
            break;
        }
        for (size_t i = 0; i < root->n && !ld.full; i++)
            load_item(&ld, root->items[i]);
    }
    ld_yaml_docs_clear(&docs);
    return rc;
}

int ld_rt_rules_load_file(ld_rt_ruleset *rs, const char *path, ld_error *err)
{
    char *buf = NULL;
    size_t len = 0;
    int rc = ld_input_read(path, "rule file", RT_MAX_FILE_BYTES, &buf, &len, err);
    if (rc < 0) {
        if (rc == LD_ERR_LIMIT)
            err->code = rc = LD_ERR_INVALID;
        return rc;
    }
    rc = ld_rt_rules_load_buffer(rs, path, buf, len, err);
    free(buf);
    return rc;
}

int ld_rt_rules_load_default(ld_rt_ruleset *rs, ld_error *err)
{
    int rc = ld_rt_rules_load_buffer(rs, RT_DEFAULT_NAME, (const char *)ld_data_runtime_rules_yaml,
                                     ld_data_runtime_rules_yaml_len, err);
    if (rc == 0)
        rs->default_file = rs->files.v[rs->files.n - 1];
    return rc;
}
