/* Dockerfile variables and substitution: the ARG and ENV tables of a parse
 * (global ARGs, the current stage's ARG and ENV, each stage's final ENV for
 * `FROM <alias>`); Docker's shell-lexer substitution of one word ($NAME,
 * ${NAME}, ${NAME:-word}, ${NAME:+word}, ${NAME:?word}, ${NAME#pattern},
 * ${NAME%pattern}, quotes and escapes: ld_df_expand_word); and the scoped
 * expansion instructions use (ENV before ARG inside a stage, global ARGs for
 * FROM), with every byte produced and every table entry visited charged to
 * the parse's limits. Not a shell: no command substitution, globbing or
 * field splitting; not for deciding which words of an instruction are
 * substituted (dockerfile_instr.c). */
#include <stdlib.h>
#include <string.h>

#include "checks/dockerfile_parse_internal.h"
#include "util/cleanup.h"
#include "util/mem.h"

/* ---- variables ------------------------------------------------------------ */

/* The variable called name in t (latest definition), or NULL. */
df_var *df_vt_find(const df_vartab *t, const char *name)
{
    for (size_t i = t->n; i-- > 0;)
        if (strcmp(t->v[i].name, name) == 0)
            return &t->v[i];
    return NULL;
}

void df_vt_clear(df_vartab *t)
{
    for (size_t i = 0; i < t->n; i++) {
        free(t->v[i].name);
        free(t->v[i].value);
    }
    free(t->v);
    memset(t, 0, sizeof(*t));
}

static int charge(df_parser *p, size_t n)
{
    if (n > LD_DF_MAX_EXPANDED || p->budget > LD_DF_MAX_EXPANDED - n)
        return df_perr(p, LD_ERR_LIMIT, "variable substitution produces more than %u bytes",
                       LD_DF_MAX_EXPANDED);
    p->budget += n;
    return 0;
}

/* Sets name to value (NULL: declared, unset) in t, copying both; charged to
 * the substitution budget. 0, or <0 with p->err set (limits). */
int df_vt_set(df_parser *p, df_vartab *t, const char *name, const char *value)
{
    if (charge(p, strlen(name) + (value ? strlen(value) : 0) + 2) < 0)
        return p->err->code;
    p->work += t->n;
    if (p->work > LD_DF_MAX_WORK)
        return df_perr(p, LD_ERR_LIMIT, "too many variables and substitutions");
    df_var *v = df_vt_find(t, name);
    if (v) {
        free(v->value);
        v->value = ld_xstrdup(value);
        return 0;
    }
    if (t->n >= LD_DF_MAX_VARS)
        return df_perr(p, LD_ERR_LIMIT, "more than %u variables in one scope", LD_DF_MAX_VARS);
    ld_xgrow(&t->v, &t->cap, t->n + 1, sizeof(*t->v));
    t->v[t->n].name = ld_xstrdup(name);
    t->v[t->n].value = ld_xstrdup(value);
    t->n++;
    return 0;
}

/* Copies every variable of src into dst (FROM <stage> inherits ENV). */
int df_vt_copy(df_parser *p, df_vartab *dst, const df_vartab *src)
{
    for (size_t i = 0; i < src->n; i++)
        if (df_vt_set(p, dst, src->v[i].name, src->v[i].value) < 0)
            return p->err->code;
    return 0;
}

/* ---- substitution (Docker's shell lexer, the parts Dockerfiles use) ------- */

typedef struct {
    const char *s;
    size_t n, i;
    char escape;
    ld_df_lookup_fn lookup;
    void *ctx;
    ld_error *err;
    size_t produced;
} lexer;

static int lex_word(lexer *lx, char stop, df_sbuf *out, int depth);

static int lex_fail(lexer *lx, ld_errcode code, const char *msg)
{
    return ld_error_set(lx->err, code, "%s", msg);
}

static int lex_emit(lexer *lx, df_sbuf *out, const char *s, size_t n)
{
    if (n > LD_DF_MAX_EXPANDED || lx->produced > LD_DF_MAX_EXPANDED - n)
        return lex_fail(lx, LD_ERR_LIMIT, "substitution result too large");
    lx->produced += n;
    df_sb_putn(out, s, n);
    return 0;
}

static size_t lex_name(lexer *lx)
{
    size_t start = lx->i;
    if (lx->i < lx->n && (df_is_alpha(lx->s[lx->i]) || lx->s[lx->i] == '_')) {
        while (lx->i < lx->n &&
               (df_is_alpha(lx->s[lx->i]) || df_is_digit(lx->s[lx->i]) || lx->s[lx->i] == '_'))
            lx->i++;
    } else if (lx->i < lx->n && df_is_digit(lx->s[lx->i])) {
        while (lx->i < lx->n && df_is_digit(lx->s[lx->i]))
            lx->i++;
    }
    return lx->i - start;
}

/* Removes a literal prefix (#, ##) or suffix (%, %%) pattern; patterns with
 * glob characters leave the value as it is (good enough for linting). */
static char *trim_pattern(const char *val, const char *pat, bool prefix)
{
    size_t vl = strlen(val), pl = strlen(pat);
    if (strpbrk(pat, "*?[") || pl > vl)
        return ld_xstrdup(val);
    if (prefix && strncmp(val, pat, pl) == 0)
        return ld_xstrdup(val + pl);
    if (!prefix && strcmp(val + vl - pl, pat) == 0)
        return ld_xstrndup(val, vl - pl);
    return ld_xstrdup(val);
}

/* At a '$': appends the substitution ($NAME, ${NAME}, ${NAME:-w}, ${NAME:+w},
 * ${NAME#p} ...) to out. 0, or <0 with lx->err set (bad substitution, limits). */
static int lex_dollar(lexer *lx, df_sbuf *out, int depth)
{
    lx->i++; /* '$' */
    if (lx->i >= lx->n || lx->s[lx->i] != '{') {
        size_t start = lx->i, len = lex_name(lx);
        if (len == 0)
            return lex_emit(lx, out, "$", 1);
        char *name = ld_xstrndup(lx->s + start, len);
        const char *v = lx->lookup ? lx->lookup(name, lx->ctx) : NULL;
        free(name);
        return v ? lex_emit(lx, out, v, strlen(v)) : 0;
    }
    if (depth >= LD_DF_MAX_NESTING)
        return lex_fail(lx, LD_ERR_LIMIT, "substitutions nested too deeply");
    lx->i++; /* '{' */
    size_t start = lx->i, len = lex_name(lx);
    if (len == 0)
        return lex_fail(lx, LD_ERR_CORRUPT, "bad substitution: missing variable name after ${");
    ld_autofree char *name = ld_xstrndup(lx->s + start, len);
    const char *v = lx->lookup ? lx->lookup(name, lx->ctx) : NULL;
    if (lx->i >= lx->n)
        return lex_fail(lx, LD_ERR_CORRUPT, "bad substitution: missing '}'");
    char c = lx->s[lx->i];
    if (c == '}') {
        lx->i++;
        return v ? lex_emit(lx, out, v, strlen(v)) : 0;
    }
    bool colon = false;
    if (c == ':') {
        colon = true;
        lx->i++;
        if (lx->i >= lx->n)
            return lex_fail(lx, LD_ERR_CORRUPT, "bad substitution: missing '}'");
        c = lx->s[lx->i];
    }
    char mod[3] = {c, 0, 0};
    if (c != '-' && c != '+' && c != '?' && (colon || (c != '#' && c != '%')))
        return lex_fail(lx, LD_ERR_CORRUPT, "unsupported modifier in substitution");
    lx->i++;
    if (!colon && (c == '#' || c == '%') && lx->i < lx->n && lx->s[lx->i] == c) {
        mod[1] = c;
        lx->i++;
    }
    df_sbuf word = {0};
    int rc = lex_word(lx, '}', &word, depth + 1);
    if (rc < 0) {
        free(word.p);
        return rc;
    }
    const char *w = word.p ? word.p : "";
    bool set = v != NULL, nonempty = v && v[0];
    bool present = colon ? nonempty : set;
    const char *res = NULL;
    char *tmp = NULL;
    switch (mod[0]) {
    case '-': res = present ? v : w; break;
    case '+': res = present ? w : ""; break;
    case '?': res = present ? v : ""; break; /* an error at build time; lint goes on */
    default: res = tmp = trim_pattern(v ? v : "", w, mod[0] == '#'); break;
    }
    rc = lex_emit(lx, out, res, strlen(res));
    free(tmp);
    free(word.p);
    return rc;
}

/* Processes until `stop` (consumed) or the end (stop == 0). */
static int lex_word(lexer *lx, char stop, df_sbuf *out, int depth)
{
    while (lx->i < lx->n) {
        char c = lx->s[lx->i];
        if (stop && c == stop) {
            lx->i++;
            return 0;
        }
        if (c == '\'') {
            size_t start = ++lx->i;
            while (lx->i < lx->n && lx->s[lx->i] != '\'')
                lx->i++;
            if (lx->i >= lx->n)
                return lex_fail(lx, LD_ERR_CORRUPT, "unterminated single quote");
            if (lex_emit(lx, out, lx->s + start, lx->i - start) < 0)
                return lx->err->code;
            lx->i++;
        } else if (c == '"') {
            lx->i++;
            for (;;) {
                if (lx->i >= lx->n)
                    return lex_fail(lx, LD_ERR_CORRUPT, "unterminated double quote");
                char d = lx->s[lx->i];
                if (d == '"') {
                    lx->i++;
                    break;
                }
                int rc = 0;
                if (d == '$') {
                    rc = lex_dollar(lx, out, depth);
                } else if (d == lx->escape && lx->i + 1 < lx->n &&
                           (lx->s[lx->i + 1] == '"' || lx->s[lx->i + 1] == '$' ||
                            lx->s[lx->i + 1] == lx->escape)) {
                    rc = lex_emit(lx, out, lx->s + lx->i + 1, 1);
                    lx->i += 2;
                } else {
                    rc = lex_emit(lx, out, &d, 1);
                    lx->i++;
                }
                if (rc < 0)
                    return rc;
            }
        } else if (c == '$') {
            if (lex_dollar(lx, out, depth) < 0)
                return lx->err->code;
        } else if (c == lx->escape) {
            lx->i++;
            if (lx->i >= lx->n)
                break; /* an escape at the very end is dropped */
            if (lex_emit(lx, out, lx->s + lx->i, 1) < 0)
                return lx->err->code;
            lx->i++;
        } else {
            if (lex_emit(lx, out, &c, 1) < 0)
                return lx->err->code;
            lx->i++;
        }
    }
    if (stop)
        return lex_fail(lx, LD_ERR_CORRUPT, "bad substitution: missing '}'");
    return 0;
}

char *ld_df_expand_word(const char *word, char escape, ld_df_lookup_fn lookup, void *ctx,
                        ld_error *err)
{
    lexer lx = {
        .s = word, .n = strlen(word), .escape = escape, .lookup = lookup, .ctx = ctx, .err = err};
    df_sbuf out = {0};
    if (lex_word(&lx, 0, &out, 0) < 0) {
        free(out.p);
        return NULL;
    }
    return df_sb_steal(&out);
}

/* Lookup in the current stage: ENV first, then ARG (Docker's precedence). */
static const char *lookup_stage(const char *name, void *ctx)
{
    df_parser *p = ctx;
    p->work += p->env.n + p->args.n; /* checked by df_expand() */
    df_var *v = df_vt_find(&p->env, name);
    if (v)
        return v->value;
    v = df_vt_find(&p->args, name);
    return v ? v->value : NULL;
}

static const char *lookup_global(const char *name, void *ctx)
{
    df_parser *p = ctx;
    p->work += p->globals.n;
    df_var *v = df_vt_find(&p->globals, name);
    return v ? v->value : NULL;
}

/* Expands word with the right scope; charges the result to the budget. */
char *df_expand(df_parser *p, const char *word, bool global)
{
    char *r = ld_df_expand_word(word, p->escape, global ? lookup_global : lookup_stage, p, p->err);
    if (!r) {
        ld_error_wrap(p->err, "%s:%d", p->name, p->line);
        return NULL;
    }
    if (charge(p, strlen(r) + 1) < 0) {
        free(r);
        return NULL;
    }
    if (p->work > LD_DF_MAX_WORK) {
        free(r);
        df_perr(p, LD_ERR_LIMIT, "too many variables and substitutions");
        return NULL;
    }
    return r;
}
