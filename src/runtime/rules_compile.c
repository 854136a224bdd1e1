/* Compiling a loaded rule set: every macro checked on its own, every
 * enabled rule's condition with its exceptions (as `and not (...)`) and its
 * output template, every problem reported as "FILE:LINE: ..." (all of them:
 * --validate shows the whole list); then the enabled rules indexed by the
 * event types their conditions can match, so that matching an event only
 * evaluates the rules that may fire on its type. Not for reading files
 * (rules_load.c) or for the condition language itself (rules_cond.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/catalog.h"
#include "runtime/rules.h"
#include "runtime/rules_internal.h"
#include "util/mem.h"

/* Event types lockdown produces: bits 1 .. LD_EVT_TYPE_COUNT-1. */
#define ALL_TYPES ((((uint64_t)1 << LD_EVT_TYPE_COUNT) - 1) & ~(uint64_t)1)

/* Macro checks nested inside a compile (a macro met while compiling
 * another); deeper ones are checked later from the top. */
#define MACRO_CHECK_DEPTH 16

typedef struct {
    ld_rt_ruleset *rs;
    ld_rt_cond_env env;
    rt_msgs errors;
    rt_msgs warnings;
    const char *broken_dep; /* a macro with errors met by the compile in progress */
    int depth;
} compiler;

static void check_macro(compiler *c, size_t i);

static const ld_strlist *env_list(void *ctx, const char *name)
{
    compiler *c = ctx;
    bool found;
    size_t i = rt_index_get(&c->rs->list_index, name, &found);
    if (!found)
        return NULL;
    c->rs->lists[i].used = true;
    return &c->rs->lists[i].items;
}

static const char *env_macro(void *ctx, const char *name, const char **file, int *line)
{
    compiler *c = ctx;
    bool found;
    size_t i = rt_index_get(&c->rs->macro_index, name, &found);
    if (!found)
        return NULL;
    rt_macro *m = &c->rs->macros[i];
    m->used = true;
    if (m->state == RT_MACRO_UNCHECKED && c->depth < MACRO_CHECK_DEPTH)
        check_macro(c, i);
    if (m->state == RT_MACRO_BROKEN && !c->broken_dep)
        c->broken_dep = m->name;
    if (file)
        *file = m->file;
    if (line)
        *line = m->line;
    return m->cond;
}

static bool env_is_list(void *ctx, const char *name)
{
    compiler *c = ctx;
    bool found;
    rt_index_get(&c->rs->list_index, name, &found);
    return found;
}

/* A macro compiled on its own: its errors reported once, at its line;
 * one that fails only because a macro it uses has errors says which. */
static void check_macro(compiler *c, size_t i)
{
    ld_rt_ruleset *rs = c->rs;
    rs->macros[i].state = RT_MACRO_CHECKING;
    const char *saved = c->broken_dep;
    c->broken_dep = NULL;
    c->depth++;
    ld_error e = LD_ERROR_INIT;
    ld_rt_cond *cond = ld_rt_cond_compile(rs->macros[i].cond, &c->env, &e);
    c->depth--;
    rt_macro *m = &rs->macros[i];
    if (cond) {
        m->state = RT_MACRO_OK;
        ld_rt_cond_free(cond);
    } else {
        m->state = RT_MACRO_BROKEN;
        if (c->broken_dep && strcmp(c->broken_dep, m->name) != 0)
            rt_diag(&c->errors, m->file, m->line, "macro '%s': uses macro '%s', which has errors",
                    m->name, c->broken_dep);
        else
            rt_diag(&c->errors, m->file, m->line, "macro '%s': %s", m->name, e.msg);
    }
    c->broken_dep = saved;
}

void rt_rule_clear_compiled(rt_rule *r)
{
    ld_rt_cond_free(r->compiled);
    r->compiled = NULL;
    r->evtypes = 0;
    rt_output_free(r);
    free(r->tagv);
    r->tagv = NULL;
    memset(&r->pub, 0, sizeof r->pub);
}

void rt_compiled_clear(ld_rt_ruleset *rs)
{
    for (size_t i = 0; i < rs->n_rules; i++)
        rt_rule_clear_compiled(&rs->rules[i]);
    for (size_t i = 0; i < rs->n_macros; i++) {
        rs->macros[i].state = RT_MACRO_UNCHECKED;
        rs->macros[i].used = false;
    }
    for (size_t i = 0; i < rs->n_lists; i++)
        rs->lists[i].used = false;
    free(rs->enabled);
    rs->enabled = NULL;
    rs->n_enabled = 0;
    for (int t = 0; t < LD_EVT_TYPE_COUNT; t++) {
        free(rs->by_type[t]);
        rs->by_type[t] = NULL;
        rs->n_by_type[t] = 0;
    }
    rs->wants = 0;
    rs->compiled = false;
}

/* The catalog, loaded the first time a tag looks like a control id (it
 * takes longer to load than the rules take to compile); NULL when it
 * cannot be loaded. */
typedef struct {
    ld_catalog *cat;
    bool tried;
} catalog_once;

static bool looks_like_control(const char *tag)
{
    return strncmp(tag, "NIST-", 5) == 0 || strncmp(tag, "CIS-", 4) == 0;
}

static const ld_catalog *catalog_get(catalog_once *co)
{
    if (!co->tried) {
        ld_error err = LD_ERROR_INIT;
        co->cat = ld_catalog_load_builtin(&err);
        co->tried = true;
    }
    return co->cat;
}

/* The rule's control: the first tag that is a control of the catalog
 * (without a catalog, the first spelled like one: NIST-..., CIS-...). A
 * tag spelled like one that the catalog lacks is a warning (a typo would
 * otherwise report alerts against no control). */
static void set_tags(compiler *c, rt_rule *r, catalog_once *co)
{
    r->tagv = ld_xcalloc(r->tags.n + 1, sizeof *r->tagv);
    for (size_t i = 0; i < r->tags.n; i++) {
        const char *tag = r->tags.v[i];
        r->tagv[i] = tag;
        if (!looks_like_control(tag))
            continue;
        const ld_catalog *cat = catalog_get(co);
        bool control = cat ? ld_catalog_find(cat, tag) != NULL : true;
        if (control && !r->pub.control)
            r->pub.control = tag;
        else if (!control)
            rt_diag(&c->warnings, r->file, r->line,
                    "rule '%s': tag '%s' looks like a control id but the catalog has no such "
                    "control",
                    r->name, tag);
    }
}

static bool unknown_field_error(const ld_error *e)
{
    return strstr(e->msg, "unknown field") != NULL;
}

/* Compiles rule r; false when it has errors (reported). *skip is set
 * when the rule is left out on purpose (skip-if-unknown-filter). */
static bool compile_rule(compiler *c, rt_rule *r, catalog_once *co, bool *skip)
{
    bool ok = true;
    ld_error e = LD_ERROR_INIT;
    *skip = false;
    c->broken_dep = NULL;
    ld_rt_cond *cond = ld_rt_cond_compile(r->cond, &c->env, &e);
    if (!cond) {
        if (r->skip_if_unknown_filter && unknown_field_error(&e)) {
            rt_diag(&c->warnings, r->file, r->cond_line,
                    "rule '%s': skipped (skip-if-unknown-filter): %s", r->name, e.msg);
            *skip = true;
            return true;
        }
        if (c->broken_dep)
            rt_diag(&c->errors, r->file, r->cond_line,
                    "rule '%s': uses macro '%s', which has errors", r->name, c->broken_dep);
        else
            rt_diag(&c->errors, r->file, r->cond_line, "rule '%s': condition: %s", r->name, e.msg);
        ok = false;
    }
    if (rt_output_compile(r, &e) < 0) {
        rt_diag(&c->errors, r->file, r->output_line, "rule '%s': %s", r->name, e.msg);
        ok = false;
    }

    /* exceptions: each checked alone, then all added to the condition */
    char *full = cond ? ld_xasprintf("(%s)", r->cond) : NULL;
    bool with_exceptions = false;
    for (size_t i = 0; i < r->n_exc; i++) {
        const rt_exception *x = &r->exc[i];
        bool fields_ok = true;
        for (size_t f = 0; f < x->fields.n; f++) {
            ld_rt_field_ref ref;
            if (ld_rt_field_resolve(x->fields.v[f], &ref, &e) < 0) {
                rt_diag(&c->errors, x->file, x->line, "rule '%s': exception '%s': %s", r->name,
                        x->name, e.msg);
                fields_ok = ok = false;
            }
        }
        if (!fields_ok)
            continue;
        char *text = rt_exception_text(x, env_is_list, c, &e);
        if (!text) {
            if (e.code != LD_OK) {
                rt_diag(&c->errors, x->file, x->line, "rule '%s': %s", r->name, e.msg);
                ok = false;
            }
            continue;
        }
        ld_rt_cond *alone = ld_rt_cond_compile(text, &c->env, &e);
        if (!alone) {
            rt_diag(&c->errors, x->file, x->line, "rule '%s': exception '%s': %s", r->name, x->name,
                    e.msg);
            ok = false;
        } else {
            ld_rt_cond_free(alone);
            if (full) {
                char *next = ld_xasprintf("%s and not (%s)", full, text);
                free(full);
                full = next;
                with_exceptions = true;
            }
        }
        free(text);
    }
    if (!ok) {
        ld_rt_cond_free(cond);
        free(full);
        return false;
    }
    if (with_exceptions) {
        ld_rt_cond *with = ld_rt_cond_compile(full, &c->env, &e);
        if (!with) {
            rt_diag(&c->errors, r->file, r->exc_line, "rule '%s': condition with exceptions: %s",
                    r->name, e.msg);
            ld_rt_cond_free(cond);
            free(full);
            return false;
        }
        ld_rt_cond_free(cond);
        cond = with;
    }
    free(full);
    r->compiled = cond;
    r->evtypes = ld_rt_cond_evtypes(cond) & ALL_TYPES;
    if (r->evtypes == 0)
        rt_diag(&c->warnings, r->file, r->cond_line,
                "rule '%s': can never fire: its condition allows no event type lockdown produces",
                r->name);
    else if (r->evtypes == ALL_TYPES && r->warn_evttypes)
        rt_diag(&c->warnings, r->file, r->cond_line,
                "rule '%s': condition does not restrict evt.type, so it is evaluated for every "
                "event (add evt.type = ... or evt.type in (...), or warn_evttypes: false)",
                r->name);
    set_tags(c, r, co);
    r->pub.name = r->name;
    r->pub.desc = r->desc ? r->desc : "";
    r->pub.output = r->output ? r->output : "";
    r->pub.priority = r->priority;
    r->pub.tags = r->tagv;
    r->pub.capture = r->capture;
    r->pub.file = r->file;
    r->pub.line = r->line;
    return true;
}

static void build_index(ld_rt_ruleset *rs)
{
    size_t cap[LD_EVT_TYPE_COUNT] = {0};
    for (size_t k = 0; k < rs->n_enabled; k++) {
        const rt_rule *r = &rs->rules[rs->enabled[k]];
        rs->wants |= r->evtypes;
        for (int t = 1; t < LD_EVT_TYPE_COUNT; t++)
            if (r->evtypes & ((uint64_t)1 << t)) {
                ld_xgrow(&rs->by_type[t], &cap[t], rs->n_by_type[t] + 1, sizeof *rs->by_type[t]);
                rs->by_type[t][rs->n_by_type[t]++] = k;
            }
    }
}

static void warn_unused(compiler *c)
{
    ld_rt_ruleset *rs = c->rs;
    for (size_t i = 0; i < rs->n_macros; i++) {
        const rt_macro *m = &rs->macros[i];
        if (!m->used && m->file != rs->default_file)
            rt_diag(&c->warnings, m->file, m->line, "macro '%s' is not used by any rule", m->name);
    }
    for (size_t i = 0; i < rs->n_lists; i++) {
        const rt_list *l = &rs->lists[i];
        if (!l->used && l->file != rs->default_file)
            rt_diag(&c->warnings, l->file, l->line, "list '%s' is not used by any rule or macro",
                    l->name);
    }
}

/* ---- diagnostics in file order ---- */

typedef struct {
    size_t file_no; /* load order of the file */
    int line;
    size_t seq;
    const char *text;
} sorted_msg;

static int sorted_cmp(const void *a, const void *b)
{
    const sorted_msg *x = a, *y = b;
    if (x->file_no != y->file_no)
        return x->file_no < y->file_no ? -1 : 1;
    if (x->line != y->line)
        return x->line < y->line ? -1 : 1;
    return (x->seq > y->seq) - (x->seq < y->seq);
}

/* The position of file (a pointer into rs->files) in load order. */
static size_t file_no(const ld_rt_ruleset *rs, const char *file, size_t *hint)
{
    if (*hint < rs->files.n && rs->files.v[*hint] == file)
        return *hint;
    for (size_t i = rs->files.n; i-- > 0;)
        if (rs->files.v[i] == file)
            return *hint = i;
    return rs->files.n;
}

/* Adds the messages of a and b to out, sorted by file (load order), line
 * and then as found; returns how many were dropped past the limit. */
static size_t emit_sorted(const ld_rt_ruleset *rs, const rt_msgs *a, const rt_msgs *b,
                          ld_strlist *out)
{
    size_t n = a->n + b->n, k = 0, hint = 0;
    sorted_msg *v = ld_xcalloc(n + 1, sizeof *v);
    const rt_msgs *both[2] = {a, b};
    for (int w = 0; w < 2; w++)
        for (size_t i = 0; i < both[w]->n; i++, k++)
            v[k] = (sorted_msg){file_no(rs, both[w]->v[i].file, &hint), both[w]->v[i].line, k,
                                both[w]->v[i].text};
    qsort(v, n, sizeof *v, sorted_cmp);
    for (size_t i = 0; i < n; i++)
        ld_strlist_push(out, v[i].text);
    free(v);
    return a->dropped + b->dropped;
}

int ld_rt_rules_compile(ld_rt_ruleset *rs, ld_strlist *diags, ld_strlist *warnings, ld_error *err)
{
    rt_compiled_clear(rs);
    compiler c = {.rs = rs};
    c.env.list = env_list;
    c.env.macro = env_macro;
    c.env.ctx = &c;

    for (size_t i = 0; i < rs->n_macros; i++)
        if (rs->macros[i].state == RT_MACRO_UNCHECKED)
            check_macro(&c, i);
    /* the state of a macro is about it alone; "used" is about rules */
    for (size_t i = 0; i < rs->n_macros; i++)
        rs->macros[i].used = false;
    for (size_t i = 0; i < rs->n_lists; i++)
        rs->lists[i].used = false;

    catalog_once co = {NULL, false};
    rs->enabled = ld_xcalloc(rs->n_rules + 1, sizeof *rs->enabled);
    for (size_t i = 0; i < rs->n_rules; i++) {
        rt_rule *r = &rs->rules[i];
        if (!r->enabled)
            continue;
        bool skip = false;
        if (compile_rule(&c, r, &co, &skip) && !skip)
            rs->enabled[rs->n_enabled++] = i;
    }
    ld_catalog_free(co.cat);
    warn_unused(&c);

    size_t n_errors = rs->load_errors.n + rs->load_errors.dropped + c.errors.n + c.errors.dropped;
    ld_strlist own = {0};
    ld_strlist *out = diags ? diags : &own;
    size_t first = out->n;
    size_t dropped = emit_sorted(rs, &rs->load_errors, &c.errors, out);
    if (dropped)
        ld_strlist_push_owned(out, ld_xasprintf("... and %zu more errors", dropped));
    if (warnings) {
        dropped = emit_sorted(rs, &rs->load_warnings, &c.warnings, warnings);
        if (dropped)
            ld_strlist_push_owned(warnings, ld_xasprintf("... and %zu more warnings", dropped));
    }
    int rc = 0;
    if (n_errors) {
        ld_error_set(err, LD_ERR_INVALID, "%s%s", out->v[first],
                     n_errors > 1 ? " (and more errors)" : "");
        rt_compiled_clear(rs);
        rc = LD_ERR_INVALID;
    } else {
        build_index(rs);
        rs->compiled = true;
    }
    ld_strlist_clear(&own);
    rt_msgs_clear(&c.errors);
    rt_msgs_clear(&c.warnings);
    return rc;
}

size_t ld_rt_rules_count(const ld_rt_ruleset *rs)
{
    return rs && rs->compiled ? rs->n_enabled : 0;
}

const ld_rt_rule *ld_rt_rules_get(const ld_rt_ruleset *rs, size_t i)
{
    if (!rs || !rs->compiled || i >= rs->n_enabled)
        return NULL;
    return &rs->rules[rs->enabled[i]].pub;
}

bool ld_rt_rules_wants(const ld_rt_ruleset *rs, ld_rt_evtype t)
{
    if (!rs || !rs->compiled || (unsigned)t >= LD_EVT_TYPE_COUNT)
        return false;
    return (rs->wants >> t) & 1;
}

size_t ld_rt_rules_match(const ld_rt_ruleset *rs, const ld_rt_field_ctx *ctx, size_t *hits,
                         size_t max)
{
    if (!rs || !rs->compiled || !ctx || !ctx->evt)
        return 0;
    unsigned t = (unsigned)ctx->evt->type;
    if (t >= LD_EVT_TYPE_COUNT)
        return 0;
    const size_t *idx = rs->by_type[t];
    size_t n = rs->n_by_type[t], hit = 0;
    for (size_t k = 0; k < n; k++) {
        const rt_rule *r = &rs->rules[rs->enabled[idx[k]]];
        if (!ld_rt_cond_eval(r->compiled, ctx))
            continue;
        if (hit < max)
            hits[hit] = idx[k];
        hit++;
    }
    return hit;
}
