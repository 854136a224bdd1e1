/* Private to the rule set files (rules_load.c: YAML items into definitions;
 * rules_exceptions.c: a rule's exceptions; rules_compile.c: expansion,
 * compilation, the event-type index and matching; rules_output.c: output
 * templates and priority names). What a rule set holds as loaded (lists,
 * macros and rules with the file and line they came from) and what compile
 * makes of it. Not an interface: other modules use rules.h. */
#ifndef LD_RUNTIME_RULES_INTERNAL_H
#define LD_RUNTIME_RULES_INTERNAL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "runtime/rules.h"
#include "util/strlist.h"
#include "util/strmap.h"
#include "util/yaml_doc.h"

/* Limits on what rule files may ask for: a rule file is hostile input. */
#define RT_MAX_FILE_BYTES ((size_t)8 << 20)     /* one rule file */
#define RT_MAX_SCALAR_BYTES ((size_t)256 << 10) /* one value (a condition, a list item) */
#define RT_MAX_ITEMS 20000                      /* lists + macros + rules, all files */
#define RT_MAX_LIST_ITEMS 100000                /* items of one list, appends included */
#define RT_MAX_TEXT ((size_t)1 << 20)           /* a condition, output or desc after appends */
#define RT_MAX_TAGS 64                          /* tags of one rule */
#define RT_MAX_EXCEPTIONS 256                   /* exceptions of one rule */
#define RT_MAX_EXC_FIELDS 16                    /* fields of one exception */
#define RT_MAX_EXC_VALUES 20000                 /* value tuples of one exception */
#define RT_MAX_DIAGS 10000                      /* diagnostics kept (the rest counted) */
#define RT_DEFAULT_NAME "lockdown-default-rules.yaml"

/* A diagnostic: its text ("FILE:LINE: ...") and where, for sorting. */
typedef struct {
    const char *file; /* points into ld_rt_ruleset.files */
    int line;
    char *text;
} rt_msg;

typedef struct {
    rt_msg *v;
    size_t n, cap;
    size_t dropped; /* past RT_MAX_DIAGS: counted only */
} rt_msgs;

typedef struct {
    char *name;
    ld_strlist items;
    const char *file; /* points into ld_rt_ruleset.files */
    int line;
    bool used;
} rt_list;

typedef enum {
    RT_MACRO_UNCHECKED = 0,
    RT_MACRO_CHECKING,
    RT_MACRO_OK,
    RT_MACRO_BROKEN
} rt_macro_state;

typedef struct {
    char *name;
    char *cond;
    const char *file;
    int line;
    bool used;
    rt_macro_state state; /* compile */
} rt_macro;

/* One cell of an exception's value tuple: one value, or (for in,
 * intersects, pmatch) several. */
typedef struct {
    char *value;      /* the scalar; NULL when a list of values */
    ld_strlist items; /* when value is NULL */
} rt_exc_cell;

typedef struct {
    rt_exc_cell *cells;
    size_t n;
} rt_exc_tuple;

typedef struct {
    char *name;
    ld_strlist fields;
    ld_strlist comps;  /* one per field */
    bool single_field; /* `fields: proc.name`: values are the items of one comparison */
    rt_exc_tuple *values;
    size_t n_values, cap_values;
    const char *file;
    int line;
} rt_exception;

typedef enum { RT_SEG_TEXT = 1, RT_SEG_FIELD, RT_SEG_TIME } rt_seg_kind;

/* A piece of a compiled output template. */
typedef struct {
    rt_seg_kind kind;
    char *text; /* RT_SEG_TEXT: the literal text, already made safe */
    ld_rt_field_ref ref;
} rt_out_seg;

typedef struct {
    char *name;
    char *desc;
    char *cond;
    char *output;
    ld_rt_priority priority;
    ld_strlist tags;
    bool enabled;
    bool capture;
    bool skip_if_unknown_filter;
    bool warn_evttypes;
    rt_exception *exc;
    size_t n_exc;
    const char *file;
    int line;
    int cond_line, output_line, exc_line;

    /* compile */
    ld_rt_cond *compiled;
    uint64_t evtypes;
    rt_out_seg *segs;
    size_t n_segs;
    const char **tagv; /* NULL-terminated, into tags */
    ld_rt_rule pub;
} rt_rule;

struct ld_rt_ruleset {
    rt_list *lists;
    size_t n_lists, cap_lists;
    ld_strmap list_index; /* name -> index + 1 */
    rt_macro *macros;
    size_t n_macros, cap_macros;
    ld_strmap macro_index;
    rt_rule *rules;
    size_t n_rules, cap_rules;
    ld_strmap rule_index;
    ld_strmap skipped_rules;  /* rules of other sources: later changes to them are ignored */
    ld_strlist files;         /* the names definitions point at */
    const char *default_file; /* the built-in file's name once loaded (no unused warnings) */
    rt_msgs load_errors;      /* found while loading; reported by compile */
    rt_msgs load_warnings;

    /* compile */
    bool compiled;
    size_t *enabled; /* indexes into rules, load order */
    size_t n_enabled;
    size_t *by_type[LD_EVT_TYPE_COUNT]; /* indexes into enabled */
    size_t n_by_type[LD_EVT_TYPE_COUNT];
    uint64_t wants;
};

/* "FILE:LINE: " + the formatted message, added to m (at most
 * RT_MAX_DIAGS; m->dropped counts the rest). */
void rt_diag(rt_msgs *m, const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
void rt_diagv(rt_msgs *m, const char *file, int line, const char *fmt, va_list ap)
    __attribute__((format(printf, 4, 0)));
void rt_msgs_clear(rt_msgs *m);
/* Forgets what compile made (after a load, or before a new compile). */
void rt_compiled_clear(ld_rt_ruleset *rs);

/* The value of a string map holding index + 1. */
static inline size_t rt_index_get(const ld_strmap *m, const char *name, bool *found)
{
    uintptr_t v = (uintptr_t)ld_strmap_get(m, name);
    *found = v != 0;
    return v ? (size_t)(v - 1) : 0;
}
static inline void rt_index_put(ld_strmap *m, const char *name, size_t i)
{
    *ld_strmap_put(m, name, NULL) = (void *)(uintptr_t)(i + 1);
}

void rt_rule_clear(rt_rule *r);
void rt_rule_clear_compiled(rt_rule *r);
void rt_exception_clear(rt_exception *e);

/* ---- exceptions (rules_exceptions.c) ---- */

/* Parses the `exceptions:` sequence of a rule item into a new array *out
 * (*n entries). Each exception has a name (unique in the sequence), fields
 * (one, or a list), comps (one per field; default `in` for one field, `=`
 * for a list) and values (tuples, one cell per field; a cell may be a list
 * for in / intersects / pmatch); fields and comps may be absent when an
 * append only adds values. Problems are added to rs->load_errors and
 * rs->load_warnings as "FILE:LINE: rule 'R': exception 'E': ...". */
void rt_exceptions_parse(ld_rt_ruleset *rs, const ld_yaml_node *seq, const char *file,
                         const char *rule, rt_exception **out, size_t *n);
/* The condition text of exception e: `(f1 = "v" and f2 in ("a", "b")) or
 * (...)`, every value a quoted string (or a bare decimal number), so no
 * value is ever read as syntax; a bare value naming a list (is_list) is
 * pasted as that name inside in (...), where the condition language
 * expands it. NULL with err->code LD_OK when e has no values; NULL with
 * err set when a tuple does not match the fields, a list is given to a
 * comparison of one value, or the text passes RT_MAX_TEXT. Caller frees. */
char *rt_exception_text(const rt_exception *e, bool (*is_list)(void *ctx, const char *name),
                        void *ctx, ld_error *err);

/* ---- outputs (rules_output.c) ---- */

/* Compiles r->output into r->segs. 0, or -1 with err ("output: unknown
 * field ..."). */
int rt_output_compile(rt_rule *r, ld_error *err);
void rt_output_free(rt_rule *r);
/* Appends s to out (at *len of n bytes) with control characters and
 * bytes that are not UTF-8 escaped (\x1b, \u009b), backslash doubled when
 * escape_backslash; stops before a sequence that would not fit. */
void rt_append_safe(char *out, size_t n, size_t *len, const char *s, bool escape_backslash);

#endif
