/* What the Dockerfile parser's files share: the parse in progress and the
 * functions that cross files (dockerfile_parse.c: physical lines, parser
 * directives, continuations, heredoc bodies, the entry points and the error
 * messages; dockerfile_instr.c: one logical line into a typed instruction;
 * dockerfile_subst.c: variable tables and substitution). Reading a file
 * (dockerfile_read.c) needs none of it. Private to src/checks/dockerfile_*.c:
 * not an API. */
#ifndef LD_CHECKS_DOCKERFILE_PARSE_INTERNAL_H
#define LD_CHECKS_DOCKERFILE_PARSE_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "checks/dockerfile_parse.h"
#include "checks/dockerfile_text.h"
#include "core/error.h"
#include "util/strlist.h"

/* ---- variables (dockerfile_subst.c) ---- */

typedef struct {
    char *name;
    char *value; /* NULL: declared, unset */
} df_var;

typedef struct {
    df_var *v;
    size_t n, cap;
} df_vartab;

/* ---- the parse in progress ---- */

typedef struct {
    const char *name;
    ld_dockerfile *df;
    char escape;
    size_t budget; /* bytes produced by substitution and variable copies */
    size_t work;   /* variable-table entries visited (lookups and sets) */
    df_vartab globals;
    df_vartab env;        /* current stage */
    df_vartab args;       /* current stage */
    df_vartab *stage_env; /* final ENV of each stage, for FROM <alias> */
    size_t n_stage_env;
    ld_error *err;
    int line; /* line of the instruction being parsed, for messages */
} df_parser;

/* Sets p->err to "NAME:LINE: message" (NAME and LINE from p) and returns
 * its code, < 0 (dockerfile_parse.c). */
int df_perr(df_parser *p, ld_errcode code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* ---- dockerfile_subst.c ---- */

/* The variable called name in t (latest definition), or NULL. */
df_var *df_vt_find(const df_vartab *t, const char *name);
void df_vt_clear(df_vartab *t);
/* Sets name to value (NULL: declared, unset) in t, copying both; charged to
 * the substitution budget. 0, or <0 with p->err set (limits). */
int df_vt_set(df_parser *p, df_vartab *t, const char *name, const char *value);
/* Copies every variable of src into dst (FROM <stage> inherits ENV). */
int df_vt_copy(df_parser *p, df_vartab *dst, const df_vartab *src);
/* Expands word in the current stage's scope (global: the ARGs before the
 * first FROM); charges the result to the budget. New string, or NULL with
 * p->err set ("NAME:LINE: ..."). */
char *df_expand(df_parser *p, const char *word, bool global);

/* ---- dockerfile_instr.c ---- */

/* Splits s on unquoted whitespace keeping quotes and escapes as written
 * (Docker's parseWords). An escape char at the very end is dropped. */
void df_split_words(const char *s, char escape, ld_strlist *out);
/* Parses one logical line (keyword, flags, arguments) into in, which the
 * caller has zeroed and already stored in p->df->ins (FROM records its
 * index). trigger: an ONBUILD trigger, which neither opens stages nor
 * changes variables. 0, or <0 with p->err set. */
int df_parse_instr(df_parser *p, ld_df_instr *in, const char *text, bool trigger);
/* Frees what in owns (not in itself) and zeroes it. */
void df_instr_clear(ld_df_instr *in);

#endif
