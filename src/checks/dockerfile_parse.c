/* Dockerfile parser (see dockerfile_parse.h): physical lines -> logical
 * instructions -> typed instructions with substituted arguments, stages and
 * heredoc bodies. Mirrors the behaviour of BuildKit's Dockerfile frontend
 * (parser.go, line_parsers.go, shell lexer) closely enough that a Dockerfile
 * the engine accepts parses here with the same instructions and line
 * numbers. Not a builder: nothing is executed, fetched or resolved. */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "checks/dockerfile_parse.h"
#include "checks/secrets.h"
#include "util/cleanup.h"
#include "util/mem.h"

/* ---- small growable buffer with a cap ------------------------------------ */

typedef struct {
    char *p;
    size_t n, cap;
} sbuf;

static void sb_putn(sbuf *b, const char *s, size_t n)
{
    if (b->n + n + 1 > b->cap) {
        size_t nc = b->cap ? b->cap : 64;
        while (nc < b->n + n + 1)
            nc *= 2;
        b->p = ld_xrealloc(b->p, nc);
        b->cap = nc;
    }
    if (n)
        memcpy(b->p + b->n, s, n);
    b->n += n;
    b->p[b->n] = '\0';
}
static void sb_putc(sbuf *b, char c)
{
    sb_putn(b, &c, 1);
}
static char *sb_steal(sbuf *b)
{
    if (!b->p)
        return ld_xstrdup("");
    char *s = b->p;
    b->p = NULL;
    b->n = b->cap = 0;
    return s;
}

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
}
static bool is_alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}
static char lower(char c)
{
    return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

static char *str_lower(const char *s)
{
    char *o = ld_xstrdup(s);
    for (char *p = o; *p; p++)
        *p = lower(*p);
    return o;
}

/* ---- variables ------------------------------------------------------------ */

typedef struct {
    char *name;
    char *value; /* NULL: declared, unset */
} var;

typedef struct {
    var *v;
    size_t n, cap;
} vartab;

/* The variable called name in t (latest definition), or NULL. */
static var *vt_find(const vartab *t, const char *name)
{
    for (size_t i = t->n; i-- > 0;)
        if (strcmp(t->v[i].name, name) == 0)
            return &t->v[i];
    return NULL;
}

static void vt_clear(vartab *t)
{
    for (size_t i = 0; i < t->n; i++) {
        free(t->v[i].name);
        free(t->v[i].value);
    }
    free(t->v);
    memset(t, 0, sizeof(*t));
}

/* ---- parser state --------------------------------------------------------- */

typedef struct {
    const char *name;
    ld_dockerfile *df;
    char escape;
    size_t budget; /* bytes produced by substitution and variable copies */
    size_t work;   /* variable-table entries visited (lookups and sets) */
    vartab globals;
    vartab env;        /* current stage */
    vartab args;       /* current stage */
    vartab *stage_env; /* final ENV of each stage, for FROM <alias> */
    size_t n_stage_env;
    ld_error *err;
    int line; /* line of the instruction being parsed, for messages */
} parser;

static int perr(parser *p, ld_errcode code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int perr(parser *p, ld_errcode code, const char *fmt, ...)
{
    char msg[LD_ERROR_MSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    return ld_error_set(p->err, code, "%s:%d: %s", p->name, p->line, msg);
}

/* n bytes of the Dockerfile to quote in an error message, masked like
 * everything lockdown prints (a stray word in a broken file may be a
 * token). Caller frees. */
static char *quoted(const char *s, size_t n)
{
    char *raw = ld_xstrndup(s, n);
    char *shown = ld_secret_mask_text(NULL, raw);
    free(raw);
    return shown;
}

static int charge(parser *p, size_t n)
{
    if (n > LD_DF_MAX_EXPANDED || p->budget > LD_DF_MAX_EXPANDED - n)
        return perr(p, LD_ERR_LIMIT, "variable substitution produces more than %u bytes",
                    LD_DF_MAX_EXPANDED);
    p->budget += n;
    return 0;
}

/* Sets name to value (NULL: declared, unset) in t, copying both; charged to
 * the substitution budget. 0, or <0 with p->err set (limits). */
static int vt_set(parser *p, vartab *t, const char *name, const char *value)
{
    if (charge(p, strlen(name) + (value ? strlen(value) : 0) + 2) < 0)
        return p->err->code;
    p->work += t->n;
    if (p->work > LD_DF_MAX_WORK)
        return perr(p, LD_ERR_LIMIT, "too many variables and substitutions");
    var *v = vt_find(t, name);
    if (v) {
        free(v->value);
        v->value = ld_xstrdup(value);
        return 0;
    }
    if (t->n >= LD_DF_MAX_VARS)
        return perr(p, LD_ERR_LIMIT, "more than %u variables in one scope", LD_DF_MAX_VARS);
    ld_xgrow(&t->v, &t->cap, t->n + 1, sizeof(*t->v));
    t->v[t->n].name = ld_xstrdup(name);
    t->v[t->n].value = ld_xstrdup(value);
    t->n++;
    return 0;
}

/* Copies every variable of src into dst (FROM <stage> inherits ENV). */
static int vt_copy(parser *p, vartab *dst, const vartab *src)
{
    for (size_t i = 0; i < src->n; i++)
        if (vt_set(p, dst, src->v[i].name, src->v[i].value) < 0)
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

static int lex_word(lexer *lx, char stop, sbuf *out, int depth);

static int lex_fail(lexer *lx, ld_errcode code, const char *msg)
{
    return ld_error_set(lx->err, code, "%s", msg);
}

static int lex_emit(lexer *lx, sbuf *out, const char *s, size_t n)
{
    if (n > LD_DF_MAX_EXPANDED || lx->produced > LD_DF_MAX_EXPANDED - n)
        return lex_fail(lx, LD_ERR_LIMIT, "substitution result too large");
    lx->produced += n;
    sb_putn(out, s, n);
    return 0;
}

static size_t lex_name(lexer *lx)
{
    size_t start = lx->i;
    if (lx->i < lx->n && (is_alpha(lx->s[lx->i]) || lx->s[lx->i] == '_')) {
        while (lx->i < lx->n &&
               (is_alpha(lx->s[lx->i]) || is_digit(lx->s[lx->i]) || lx->s[lx->i] == '_'))
            lx->i++;
    } else if (lx->i < lx->n && is_digit(lx->s[lx->i])) {
        while (lx->i < lx->n && is_digit(lx->s[lx->i]))
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
static int lex_dollar(lexer *lx, sbuf *out, int depth)
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
    sbuf word = {0};
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
static int lex_word(lexer *lx, char stop, sbuf *out, int depth)
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
    sbuf out = {0};
    if (lex_word(&lx, 0, &out, 0) < 0) {
        free(out.p);
        return NULL;
    }
    return sb_steal(&out);
}

/* Lookup in the current stage: ENV first, then ARG (Docker's precedence). */
static const char *lookup_stage(const char *name, void *ctx)
{
    parser *p = ctx;
    p->work += p->env.n + p->args.n; /* checked by expand() */
    var *v = vt_find(&p->env, name);
    if (v)
        return v->value;
    v = vt_find(&p->args, name);
    return v ? v->value : NULL;
}

static const char *lookup_global(const char *name, void *ctx)
{
    parser *p = ctx;
    p->work += p->globals.n;
    var *v = vt_find(&p->globals, name);
    return v ? v->value : NULL;
}

/* Expands word with the right scope; charges the result to the budget. */
static char *expand(parser *p, const char *word, bool global)
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
        perr(p, LD_ERR_LIMIT, "too many variables and substitutions");
        return NULL;
    }
    return r;
}

/* ---- word splitting ------------------------------------------------------- */

/* Splits s on unquoted whitespace keeping quotes and escapes as written
 * (Docker's parseWords). An escape char at the very end is dropped. */
static void split_words(const char *s, char escape, ld_strlist *out)
{
    sbuf w = {0};
    bool in_word = false;
    char quote = 0;
    size_t n = strlen(s);
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!in_word) {
            if (is_space(c))
                continue;
            in_word = true;
        }
        if (!quote && is_space(c)) {
            ld_strlist_push_owned(out, sb_steal(&w));
            in_word = false;
            continue;
        }
        if (c == escape) {
            if (i + 1 == n)
                continue;
            sb_putc(&w, c);
            c = s[++i];
            sb_putc(&w, c);
            continue;
        }
        if (quote) {
            if (c == quote)
                quote = 0;
        } else if (c == '\'' || c == '"') {
            quote = c;
        }
        sb_putc(&w, c);
    }
    if (in_word)
        ld_strlist_push_owned(out, sb_steal(&w));
    free(w.p);
}

/* Docker's extractBuilderFlags: leading `--flag[=value]` words (quotes
 * removed) into flags; returns where the arguments start. */
static const char *extract_flags(const char *line, ld_strlist *flags)
{
    size_t n = strlen(line), pos = 0;
    for (;;) {
        while (pos < n && is_space(line[pos]))
            pos++;
        if (pos >= n)
            return line + n;
        if (!(line[pos] == '-' && pos + 1 < n && line[pos + 1] == '-'))
            return line + pos;
        sbuf w = {0};
        char quote = 0;
        bool blank_ok = false;
        while (pos < n) {
            char c = line[pos];
            if (quote) {
                if (c == quote) {
                    quote = 0;
                    pos++;
                    continue;
                }
                if (c == '\\') {
                    if (pos + 1 == n) {
                        pos++;
                        quote = 0;
                        continue;
                    }
                    c = line[++pos];
                }
                sb_putc(&w, c);
                pos++;
                continue;
            }
            if (is_space(c))
                break;
            if (c == '\'' || c == '"') {
                quote = c;
                blank_ok = true;
                pos++;
                continue;
            }
            if (c == '\\') {
                if (pos + 1 == n) {
                    pos++;
                    continue;
                }
                c = line[++pos];
            }
            sb_putc(&w, c);
            pos++;
        }
        if (w.p && strcmp(w.p, "--") == 0) {
            free(w.p);
            while (pos < n && is_space(line[pos]))
                pos++;
            return line + pos;
        }
        if (blank_ok || w.n > 0)
            ld_strlist_push_owned(flags, sb_steal(&w));
        free(w.p);
    }
}

/* ---- instructions ----------------------------------------------------------- */

static const struct {
    const char *name;
    ld_df_kind kind;
} keywords[] = {
    {"add", LD_DF_ADD},
    {"arg", LD_DF_ARG},
    {"cmd", LD_DF_CMD},
    {"copy", LD_DF_COPY},
    {"entrypoint", LD_DF_ENTRYPOINT},
    {"env", LD_DF_ENV},
    {"expose", LD_DF_EXPOSE},
    {"from", LD_DF_FROM},
    {"healthcheck", LD_DF_HEALTHCHECK},
    {"label", LD_DF_LABEL},
    {"maintainer", LD_DF_MAINTAINER},
    {"onbuild", LD_DF_ONBUILD},
    {"run", LD_DF_RUN},
    {"shell", LD_DF_SHELL},
    {"stopsignal", LD_DF_STOPSIGNAL},
    {"user", LD_DF_USER},
    {"volume", LD_DF_VOLUME},
    {"workdir", LD_DF_WORKDIR},
};

const char *ld_df_kind_name(ld_df_kind k)
{
    static const char *const names[] = {
        "ADD",    "ARG",   "CMD",         "COPY",  "ENTRYPOINT", "ENV",
        "EXPOSE", "FROM",  "HEALTHCHECK", "LABEL", "MAINTAINER", "ONBUILD",
        "RUN",    "SHELL", "STOPSIGNAL",  "USER",  "VOLUME",     "WORKDIR",
    };
    return (size_t)k < sizeof(names) / sizeof(names[0]) ? names[k] : "?";
}

/* Frees what in owns (not in itself) and zeroes it. */
static void instr_clear(ld_df_instr *in)
{
    if (!in)
        return;
    free(in->keyword);
    free(in->text);
    free(in->rest);
    ld_strlist_clear(&in->flags);
    ld_strlist_clear(&in->flags_expanded);
    ld_strlist_clear(&in->args);
    for (size_t i = 0; i < in->n_heredocs; i++) {
        free(in->heredocs[i].name);
        free(in->heredocs[i].content);
    }
    free(in->heredocs);
    for (size_t i = 0; i < in->n_pairs; i++) {
        free(in->pairs[i].key);
        free(in->pairs[i].raw);
        free(in->pairs[i].value);
    }
    free(in->pairs);
    if (in->sub) {
        instr_clear(in->sub);
        free(in->sub);
    }
    memset(in, 0, sizeof(*in));
}

/* Exec form: a JSON array of strings. Returns 1 if rest is one (elements
 * appended to in->args), 0 for shell form, <0 on error (an array with
 * non-strings, as Docker). Trailing text after the array is ignored, as
 * Go's json.Decoder does. */
static int maybe_json(parser *p, ld_df_instr *in, const char *rest)
{
    if (rest[0] != '[')
        return 0;
    json_error_t jerr;
    json_t *j = json_loadb(rest, strlen(rest), JSON_DISABLE_EOF_CHECK, &jerr);
    if (!j)
        return 0;
    if (!json_is_array(j)) {
        json_decref(j);
        return 0;
    }
    size_t i;
    json_t *e;
    json_array_foreach(j, i, e)
    {
        if (!json_is_string(e)) {
            json_decref(j);
            ld_strlist_clear(&in->args);
            return perr(p, LD_ERR_CORRUPT, "%s: JSON form must be an array of strings",
                        ld_df_kind_name(in->kind));
        }
        ld_strlist_push(&in->args, json_string_value(e));
    }
    json_decref(j);
    in->json = true;
    return 1;
}

/* Appends each word, substituted, to in->args. 0 or <0 (p->err set). */
static int expand_args(parser *p, ld_df_instr *in, const ld_strlist *words, bool global)
{
    for (size_t i = 0; i < words->n; i++) {
        char *e = expand(p, words->v[i], global);
        if (!e)
            return p->err->code;
        ld_strlist_push_owned(&in->args, e);
    }
    return 0;
}

/* Fills in->flags_expanded from in->flags, substituted. 0 or <0. */
static int expand_flags(parser *p, ld_df_instr *in, bool global)
{
    for (size_t i = 0; i < in->flags.n; i++) {
        char *e = expand(p, in->flags.v[i], global);
        if (!e)
            return p->err->code;
        ld_strlist_push_owned(&in->flags_expanded, e);
    }
    return 0;
}

static ld_df_pair *add_pair(ld_df_instr *in, size_t *cap)
{
    ld_xgrow(&in->pairs, cap, in->n_pairs + 1, sizeof(*in->pairs));
    ld_df_pair *pr = &in->pairs[in->n_pairs++];
    memset(pr, 0, sizeof(*pr));
    return pr;
}

/* ENV / LABEL: `key value` (legacy) or `key=value ...` (Docker's parseNameVal). */
static int parse_name_val(parser *p, ld_df_instr *in, const char *rest)
{
    ld_strlist words = {0};
    split_words(rest, p->escape, &words);
    int rc = 0;
    size_t cap = 0;
    if (words.n == 0) {
        rc =
            perr(p, LD_ERR_CORRUPT, "%s requires at least one argument", ld_df_kind_name(in->kind));
        goto out;
    }
    if (!strchr(words.v[0], '=')) {
        /* legacy form: the first word is the key, the rest of the line the value */
        const char *v = rest;
        while (*v && !is_space(*v))
            v++;
        while (*v && is_space(*v))
            v++;
        if (!*v) {
            rc = perr(p, LD_ERR_CORRUPT, "%s must have two arguments", ld_df_kind_name(in->kind));
            goto out;
        }
        ld_df_pair *pr = add_pair(in, &cap);
        pr->key = ld_xstrdup(words.v[0]);
        pr->raw = ld_xstrdup(v);
        goto out;
    }
    if (words.n > LD_DF_MAX_PAIRS) {
        rc = perr(p, LD_ERR_LIMIT, "more than %u pairs in one %s", LD_DF_MAX_PAIRS,
                  ld_df_kind_name(in->kind));
        goto out;
    }
    for (size_t i = 0; i < words.n; i++) {
        const char *eq = strchr(words.v[i], '=');
        if (!eq) {
            char *q = quoted(words.v[i], strlen(words.v[i]));
            rc = perr(p, LD_ERR_CORRUPT,
                      "syntax error: no '=' in \"%.64s\"; %s takes name=value pairs", q,
                      ld_df_kind_name(in->kind));
            free(q);
            goto out;
        }
        if (eq == words.v[i]) {
            rc = perr(p, LD_ERR_CORRUPT, "%s names can not be blank", ld_df_kind_name(in->kind));
            goto out;
        }
        ld_df_pair *pr = add_pair(in, &cap);
        pr->key = ld_xstrndup(words.v[i], (size_t)(eq - words.v[i]));
        pr->raw = ld_xstrdup(eq + 1);
    }
out:
    ld_strlist_clear(&words);
    if (rc < 0)
        return rc;
    /* Keys of ENV/LABEL are words too: quotes removed. Values are expanded
     * with the environment from before this instruction (Docker). */
    for (size_t i = 0; i < in->n_pairs; i++) {
        char *k = expand(p, in->pairs[i].key, false);
        if (!k)
            return p->err->code;
        free(in->pairs[i].key);
        in->pairs[i].key = k;
        in->pairs[i].value = expand(p, in->pairs[i].raw, false);
        if (!in->pairs[i].value)
            return p->err->code;
    }
    return 0;
}

/* ARG name[=default] ... ; updates the global or stage scope unless trigger. */
static int parse_arg(parser *p, ld_df_instr *in, const char *rest, bool global, bool trigger)
{
    ld_strlist words = {0};
    split_words(rest, p->escape, &words);
    int rc = 0;
    size_t cap = 0;
    if (words.n == 0)
        rc = perr(p, LD_ERR_CORRUPT, "ARG requires at least one argument");
    else if (words.n > LD_DF_MAX_PAIRS)
        rc = perr(p, LD_ERR_LIMIT, "more than %u names in one ARG", LD_DF_MAX_PAIRS);
    for (size_t i = 0; rc == 0 && i < words.n; i++) {
        const char *w = words.v[i], *eq = strchr(w, '=');
        ld_df_pair *pr = add_pair(in, &cap);
        pr->key = eq ? ld_xstrndup(w, (size_t)(eq - w)) : ld_xstrdup(w);
        if (!pr->key[0]) {
            rc = perr(p, LD_ERR_CORRUPT, "ARG names can not be blank");
            break;
        }
        if (eq) {
            pr->raw = ld_xstrdup(eq + 1);
            pr->value = expand(p, pr->raw, global);
            if (!pr->value) {
                rc = p->err->code;
                break;
            }
        } else if (!global) {
            var *g = vt_find(&p->globals, pr->key);
            pr->value = g ? ld_xstrdup(g->value) : NULL; /* redeclared global keeps its value */
        }
        if (!trigger)
            rc = vt_set(p, global ? &p->globals : &p->args, pr->key, pr->value);
    }
    ld_strlist_clear(&words);
    return rc;
}

static bool valid_stage_name(const char *s)
{
    if (!(s[0] >= 'a' && s[0] <= 'z'))
        return false;
    for (const char *c = s + 1; *c; c++)
        if (!((*c >= 'a' && *c <= 'z') || is_digit(*c) || *c == '-' || *c == '_' || *c == '.'))
            return false;
    return true;
}

static const char *flag_value(const ld_strlist *flags, const char *name)
{
    size_t nl = strlen(name);
    for (size_t i = 0; i < flags->n; i++)
        if (strncmp(flags->v[i], name, nl) == 0 && flags->v[i][nl] == '=')
            return flags->v[i] + nl + 1;
    return NULL;
}

/* FROM [--platform=P] IMAGE [AS NAME]: opens a stage; the previous stage's
 * ENV is kept for later `FROM <alias>`. 0 or <0 (p->err set). */
static int parse_from(parser *p, ld_df_instr *in, const char *rest)
{
    ld_strlist words = {0};
    split_words(rest, p->escape, &words);
    int rc = 0;
    if (!(words.n == 1 || (words.n == 3 && strcasecmp(words.v[1], "as") == 0))) {
        rc = perr(p, LD_ERR_CORRUPT,
                  "FROM requires either one or three arguments (IMAGE [AS NAME])");
        goto out;
    }
    if ((rc = expand_args(p, in, &words, true)) < 0 || (rc = expand_flags(p, in, true)) < 0)
        goto out;
    if (!in->args.v[0][0]) {
        rc = perr(p, LD_ERR_CORRUPT, "base name (%.128s) should not be blank", words.v[0]);
        goto out;
    }
    if (p->df->n_stages >= LD_DF_MAX_STAGES) {
        rc = perr(p, LD_ERR_LIMIT, "more than %u build stages", LD_DF_MAX_STAGES);
        goto out;
    }
    char *alias = NULL;
    if (words.n == 3) {
        alias = str_lower(in->args.v[2]);
        if (!valid_stage_name(alias)) {
            char *q = quoted(in->args.v[2], strlen(in->args.v[2]));
            rc = perr(p, LD_ERR_CORRUPT, "invalid name for build stage: \"%.64s\"", q);
            free(q);
            free(alias);
            goto out;
        }
    }
    ld_df_stage st = {.base = ld_xstrdup(in->args.v[0]),
                      .alias = alias,
                      .parent = -1,
                      .line = in->line,
                      .first = p->df->n - 1}; /* in is already stored */
    const char *plat = flag_value(&in->flags_expanded, "--platform");
    st.platform = plat ? ld_xstrdup(plat) : NULL;
    for (size_t i = 0; i < p->df->n_stages; i++)
        if (p->df->stages[i].alias && strcasecmp(p->df->stages[i].alias, st.base) == 0)
            st.parent = (int)i;
    /* close the previous stage's scope, open this one's */
    if (p->df->n_stages > 0) {
        p->stage_env[p->df->n_stages - 1] = p->env;
        memset(&p->env, 0, sizeof(p->env));
    }
    vt_clear(&p->env);
    vt_clear(&p->args);
    if (st.parent >= 0)
        rc = vt_copy(p, &p->env, &p->stage_env[st.parent]);
    size_t cap = p->df->n_stages;
    ld_xgrow(&p->df->stages, &cap, p->df->n_stages + 1, sizeof(*p->df->stages));
    p->df->stages[p->df->n_stages++] = st;
    p->stage_env = ld_xrealloc(p->stage_env, p->df->n_stages * sizeof(*p->stage_env));
    memset(&p->stage_env[p->df->n_stages - 1], 0, sizeof(*p->stage_env));
    p->n_stage_env = p->df->n_stages;
out:
    ld_strlist_clear(&words);
    return rc;
}

static int lookup_kind(const char *kw, ld_df_kind *out)
{
    for (size_t i = 0; i < sizeof(keywords) / sizeof(keywords[0]); i++)
        if (strcasecmp(keywords[i].name, kw) == 0) {
            *out = keywords[i].kind;
            return 0;
        }
    return -1;
}

static int parse_instr(parser *p, ld_df_instr *in, const char *text, bool trigger);

/* Applies ENV pairs to the stage after the whole instruction was expanded. */
static int apply_env(parser *p, const ld_df_instr *in)
{
    for (size_t i = 0; i < in->n_pairs; i++)
        if (vt_set(p, &p->env, in->pairs[i].key, in->pairs[i].value) < 0)
            return p->err->code;
    return 0;
}

/* Parses one logical line (keyword, flags, arguments). trigger: an ONBUILD
 * trigger, which neither opens stages nor changes variables. */
static int parse_instr(parser *p, ld_df_instr *in, const char *text, bool trigger)
{
    while (*text && is_space(*text))
        text++;
    size_t kl = 0;
    while (text[kl] && !is_space(text[kl]))
        kl++;
    in->keyword = ld_xstrndup(text, kl);
    in->text = ld_xstrdup(text);
    /* trim trailing space of the stored text */
    for (size_t n = strlen(in->text); n > 0 && is_space(in->text[n - 1]); n--)
        in->text[n - 1] = '\0';
    in->line = p->line;
    in->end_line = p->line;
    in->stage = p->df->n_stages > 0 ? (int)p->df->n_stages - 1 : -1;
    if (lookup_kind(in->keyword, &in->kind) < 0) {
        char *q = quoted(in->keyword, strlen(in->keyword));
        int rc = perr(p, LD_ERR_CORRUPT, "unknown instruction: %.64s", q);
        free(q);
        return rc;
    }
    const char *rest = extract_flags(text + kl, &in->flags);
    in->rest = ld_xstrdup(rest);
    for (size_t n = strlen(in->rest); n > 0 && is_space(in->rest[n - 1]); n--)
        in->rest[n - 1] = '\0';
    rest = in->rest;
    if (!rest[0])
        return perr(p, LD_ERR_CORRUPT, "%s requires at least one argument",
                    ld_df_kind_name(in->kind));
    bool global = p->df->n_stages == 0;
    if (global && !trigger && in->kind != LD_DF_ARG && in->kind != LD_DF_FROM)
        return perr(p, LD_ERR_CORRUPT,
                    "%s before the first FROM: no build stage in current context",
                    ld_df_kind_name(in->kind));
    ld_strlist words = {0};
    int rc = 0;
    switch (in->kind) {
    case LD_DF_FROM:
        if (trigger)
            return perr(p, LD_ERR_CORRUPT, "FROM isn't allowed as an ONBUILD trigger");
        return parse_from(p, in, rest);
    case LD_DF_ARG: return parse_arg(p, in, rest, global, trigger);
    case LD_DF_ENV:
        if ((rc = parse_name_val(p, in, rest)) < 0)
            return rc;
        return trigger ? 0 : apply_env(p, in);
    case LD_DF_LABEL: return parse_name_val(p, in, rest);
    case LD_DF_RUN:
    case LD_DF_CMD:
    case LD_DF_ENTRYPOINT: rc = maybe_json(p, in, rest); return rc < 0 ? rc : 0;
    case LD_DF_SHELL:
        rc = maybe_json(p, in, rest);
        if (rc == 0)
            return perr(p, LD_ERR_CORRUPT, "SHELL requires the arguments to be in JSON form");
        return rc < 0 ? rc : 0;
    case LD_DF_ADD:
    case LD_DF_COPY:
    case LD_DF_VOLUME:
        rc = maybe_json(p, in, rest);
        if (rc < 0)
            return rc;
        if (rc == 1) {
            /* substitute inside the elements too */
            ld_strlist raw = in->args;
            memset(&in->args, 0, sizeof(in->args));
            rc = expand_args(p, in, &raw, false);
            ld_strlist_clear(&raw);
        } else {
            split_words(rest, p->escape, &words);
            rc = expand_args(p, in, &words, false);
        }
        if (rc == 0)
            rc = expand_flags(p, in, false);
        if (rc == 0 && in->kind != LD_DF_VOLUME && in->args.n < 2)
            rc = perr(p, LD_ERR_CORRUPT,
                      "%s requires at least two arguments, but only one was provided: destination "
                      "could not be determined",
                      ld_df_kind_name(in->kind));
        break;
    case LD_DF_USER:
    case LD_DF_EXPOSE:
    case LD_DF_WORKDIR:
    case LD_DF_STOPSIGNAL:
        split_words(rest, p->escape, &words);
        rc = expand_args(p, in, &words, false);
        if (rc == 0 && in->kind == LD_DF_USER && in->args.n != 1)
            rc = perr(p, LD_ERR_CORRUPT, "USER requires exactly one argument");
        break;
    case LD_DF_MAINTAINER: break;
    case LD_DF_HEALTHCHECK: {
        size_t tl = 0;
        while (rest[tl] && !is_space(rest[tl]))
            tl++;
        const char *after = rest + tl;
        while (*after && is_space(*after))
            after++;
        if (tl == 4 && strncasecmp(rest, "none", 4) == 0) {
            if (*after || in->flags.n)
                return perr(p, LD_ERR_CORRUPT, "HEALTHCHECK NONE takes no arguments");
            in->health_none = true;
            return 0;
        }
        if (!(tl == 3 && strncasecmp(rest, "cmd", 3) == 0)) {
            char *q = quoted(rest, tl);
            rc = perr(p, LD_ERR_CORRUPT, "unknown type \"%.32s\" in HEALTHCHECK (try CMD)", q);
            free(q);
            return rc;
        }
        if (!*after)
            return perr(p, LD_ERR_CORRUPT, "HEALTHCHECK CMD requires a command");
        rc = maybe_json(p, in, after);
        if (rc < 0)
            return rc;
        rc = expand_flags(p, in, false);
        break;
    }
    case LD_DF_ONBUILD: {
        if (trigger)
            return perr(p, LD_ERR_CORRUPT, "chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed");
        size_t sl = 0;
        while (rest[sl] && !is_space(rest[sl]))
            sl++;
        char *kw = ld_xstrndup(rest, sl);
        ld_df_kind k;
        bool bad = lookup_kind(kw, &k) == 0 && (k == LD_DF_ONBUILD || k == LD_DF_MAINTAINER);
        free(kw);
        if (bad)
            return perr(p, LD_ERR_CORRUPT, "%s isn't allowed as an ONBUILD trigger",
                        ld_df_kind_name(k));
        in->sub = ld_xcalloc(1, sizeof(*in->sub));
        return parse_instr(p, in->sub, rest, true);
    }
    }
    ld_strlist_clear(&words);
    return rc;
}

/* ---- heredocs ----------------------------------------------------------------- */

/* Heredoc words of a logical line (Docker's heredocsFromLine): words (split
 * with '\\' as escape, quotes kept) of the form [N]<<[-]DELIM, DELIM without
 * '<'. Quoted delimiters disable expansion of the body. */
static int find_heredocs(parser *p, const char *line, ld_df_instr *in)
{
    if (!strstr(line, "<<"))
        return 0;
    ld_strlist words = {0};
    split_words(line, '\\', &words);
    size_t cap = 0;
    int rc = 0;
    for (size_t i = 0; i < words.n; i++) {
        const char *w = words.v[i];
        while (is_digit(*w))
            w++;
        if (strncmp(w, "<<", 2) != 0)
            continue;
        w += 2;
        bool chomp = *w == '-';
        if (chomp)
            w++;
        if (!*w || strchr(w, '<'))
            continue;
        bool quoted = strpbrk(w, "'\"") != NULL;
        ld_error e = LD_ERROR_INIT;
        char *name = ld_df_expand_word(w, '\\', NULL, NULL, &e);
        if (!name || !name[0]) {
            free(name);
            continue; /* not a heredoc word after all */
        }
        if (in->n_heredocs >= LD_DF_MAX_HEREDOCS) {
            free(name);
            rc = perr(p, LD_ERR_LIMIT, "more than %u heredocs in one instruction",
                      LD_DF_MAX_HEREDOCS);
            break;
        }
        ld_xgrow(&in->heredocs, &cap, in->n_heredocs + 1, sizeof(*in->heredocs));
        ld_df_heredoc *h = &in->heredocs[in->n_heredocs++];
        memset(h, 0, sizeof(*h));
        h->name = name;
        h->chomp = chomp;
        h->expand = !quoted;
    }
    ld_strlist_clear(&words);
    return rc;
}

/* ---- lines ----------------------------------------------------------------------- */

typedef struct {
    const char *buf;
    size_t len, pos;
    int lineno;
} reader;

/* Next physical line without its newline (and a trailing \r). Returns 1,
 * 0 at the end, <0 on an over-long line. */
static int next_line(parser *p, reader *r, const char **s, size_t *n)
{
    if (r->pos >= r->len)
        return 0;
    const char *start = r->buf + r->pos;
    const char *nl = memchr(start, '\n', r->len - r->pos);
    size_t l = nl ? (size_t)(nl - start) : r->len - r->pos;
    r->pos += l + (nl ? 1 : 0);
    r->lineno++;
    if (l > LD_DF_MAX_LINE) {
        p->line = r->lineno;
        return perr(p, LD_ERR_LIMIT, "line longer than %u bytes", LD_DF_MAX_LINE);
    }
    if (l > 0 && start[l - 1] == '\r')
        l--;
    *s = start;
    *n = l;
    return 1;
}

static bool blank_or_comment(const char *s, size_t n, bool *comment)
{
    size_t i = 0;
    while (i < n && is_space(s[i]))
        i++;
    *comment = i < n && s[i] == '#';
    return i == n || *comment;
}

/* Length of s without a trailing escape + [ \t]* (Docker's line
 * continuation); *cont says whether one was there. */
static size_t trim_continuation(const char *s, size_t n, char escape, bool *cont)
{
    size_t e = n;
    while (e > 0 && (s[e - 1] == ' ' || s[e - 1] == '\t'))
        e--;
    *cont = e > 0 && s[e - 1] == escape;
    return *cont ? e - 1 : n;
}

/* A parser directive line (`# key=value`, key syntax/escape/check); 1 if it
 * was one (and recorded), 0 if not, <0 on error. */
static int directive(parser *p, const char *s, size_t n, bool *seen_escape, bool *seen_syntax)
{
    size_t i = 0;
    while (i < n && is_space(s[i]))
        i++;
    if (i >= n || s[i] != '#')
        return 0;
    i++;
    while (i < n && is_space(s[i]))
        i++;
    size_t ks = i;
    if (i >= n || !is_alpha(s[i]))
        return 0;
    while (i < n && (is_alpha(s[i]) || is_digit(s[i])))
        i++;
    size_t kl = i - ks;
    while (i < n && is_space(s[i]))
        i++;
    if (i >= n || s[i] != '=')
        return 0;
    i++;
    while (i < n && is_space(s[i]))
        i++;
    size_t ve = n;
    while (ve > i && is_space(s[ve - 1]))
        ve--;
    if (ve == i)
        return 0;
    const char *v = s + i;
    size_t vl = ve - i;
    if (kl == 6 && strncasecmp(s + ks, "escape", 6) == 0) {
        if (*seen_escape)
            return perr(p, LD_ERR_CORRUPT, "only one escape parser directive can be used");
        *seen_escape = true;
        if (vl != 1 || (v[0] != '\\' && v[0] != '`'))
            return perr(p, LD_ERR_CORRUPT, "invalid escape token \"%.*s\" does not match ` or \\",
                        (int)(vl > 16 ? 16 : vl), v);
        p->escape = v[0];
        p->df->escape = v[0];
        return 1;
    }
    if (kl == 6 && strncasecmp(s + ks, "syntax", 6) == 0) {
        if (*seen_syntax)
            return perr(p, LD_ERR_CORRUPT, "only one syntax parser directive can be used");
        *seen_syntax = true;
        p->df->syntax = ld_xstrndup(v, vl);
        return 1;
    }
    if (kl == 5 && strncasecmp(s + ks, "check", 5) == 0)
        return 1;
    return 0; /* an unknown directive is a comment, and ends the directives */
}

/* Reads the bodies of in's heredocs from the lines after the instruction;
 * owner (the instruction in the file) gets the last line. 0, or <0 with
 * p->err set (unterminated heredoc, NUL byte, over-long line). */
static int read_heredocs(parser *p, reader *r, ld_df_instr *in, ld_df_instr *owner)
{
    for (size_t h = 0; h < in->n_heredocs; h++) {
        ld_df_heredoc *hd = &in->heredocs[h];
        sbuf body = {0};
        bool done = false;
        const char *s;
        size_t n;
        int rc;
        hd->line = r->lineno + 1;
        while ((rc = next_line(p, r, &s, &n)) > 0) {
            size_t off = 0;
            if (hd->chomp)
                while (off < n && s[off] == '\t')
                    off++;
            if (n - off == strlen(hd->name) && memcmp(s + off, hd->name, n - off) == 0) {
                done = true;
                break;
            }
            if (memchr(s, '\0', n)) {
                free(body.p);
                p->line = r->lineno;
                return perr(p, LD_ERR_CORRUPT, "NUL byte in heredoc");
            }
            sb_putn(&body, s + off, n - off);
            sb_putc(&body, '\n');
        }
        if (rc < 0) {
            free(body.p);
            return rc;
        }
        hd->content = sb_steal(&body);
        owner->end_line = r->lineno;
        if (!done)
            return perr(p, LD_ERR_CORRUPT, "unterminated heredoc \"%.64s\"", hd->name);
    }
    return 0;
}

static void parser_clear(parser *p)
{
    vt_clear(&p->globals);
    vt_clear(&p->env);
    vt_clear(&p->args);
    for (size_t i = 0; i < p->n_stage_env; i++)
        vt_clear(&p->stage_env[i]);
    free(p->stage_env);
}

ld_dockerfile *ld_dockerfile_parse(const char *name, const char *buf, size_t len, ld_error *err)
{
    ld_dockerfile *df = ld_xcalloc(1, sizeof(*df));
    df->name = ld_xstrdup(name ? name : "Dockerfile");
    df->escape = '\\';
    parser p = {.name = df->name, .df = df, .escape = '\\', .err = err};
    size_t cap = 0;
    int rc = 0;
    if (len > LD_DF_MAX_BYTES) {
        rc = ld_error_set(err, LD_ERR_LIMIT, "%s: larger than %u bytes", df->name, LD_DF_MAX_BYTES);
        goto fail;
    }
    reader r = {.buf = buf, .len = len};
    if (len >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0)
        r.pos = 3;
    bool directives_done = false, seen_escape = false, seen_syntax = false;
    const char *s;
    size_t n;
    sbuf logical = {0};
    while ((rc = next_line(&p, &r, &s, &n)) > 0) {
        p.line = r.lineno;
        if (memchr(s, '\0', n)) {
            rc = perr(&p, LD_ERR_CORRUPT, "NUL byte: not a text file");
            break;
        }
        if (!directives_done) {
            rc = directive(&p, s, n, &seen_escape, &seen_syntax);
            if (rc < 0)
                break;
            if (rc == 1)
                continue;
            directives_done = true;
        }
        bool comment;
        if (blank_or_comment(s, n, &comment))
            continue;
        int start = r.lineno;
        while (n > 0 && is_space(*s)) {
            s++;
            n--;
        }
        bool cont;
        size_t l = trim_continuation(s, n, p.escape, &cont);
        logical.n = 0;
        sb_putn(&logical, s, l);
        bool empty_cont = false;
        while (cont) {
            rc = next_line(&p, &r, &s, &n);
            if (rc <= 0)
                break;
            p.line = r.lineno;
            if (memchr(s, '\0', n)) {
                rc = perr(&p, LD_ERR_CORRUPT, "NUL byte: not a text file");
                break;
            }
            if (blank_or_comment(s, n, &comment)) {
                if (!comment)
                    empty_cont = true;
                continue;
            }
            l = trim_continuation(s, n, p.escape, &cont);
            if (logical.n + l > LD_DF_MAX_BYTES) {
                rc = perr(&p, LD_ERR_LIMIT, "instruction longer than %u bytes", LD_DF_MAX_BYTES);
                break;
            }
            sb_putn(&logical, s, l);
        }
        if (rc < 0)
            break;
        rc = 0;
        /* a line that was only a continuation char: nothing to parse */
        bool all_space = true;
        for (size_t i = 0; i < logical.n; i++)
            if (!is_space(logical.p[i]))
                all_space = false;
        if (all_space)
            continue;
        if (empty_cont)
            ld_strlist_push_owned(&df->warnings,
                                  ld_xasprintf("%d: empty continuation line", start));
        if (df->n >= LD_DF_MAX_INSTRUCTIONS) {
            p.line = start;
            rc = perr(&p, LD_ERR_LIMIT, "more than %u instructions", LD_DF_MAX_INSTRUCTIONS);
            break;
        }
        ld_xgrow(&df->ins, &cap, df->n + 1, sizeof(*df->ins));
        ld_df_instr *in = &df->ins[df->n++];
        memset(in, 0, sizeof(*in));
        p.line = start;
        if ((rc = parse_instr(&p, in, logical.p, false)) < 0)
            break;
        in->end_line = r.lineno;
        ld_df_instr *target = in->kind == LD_DF_ONBUILD ? in->sub : in;
        if (target &&
            (target->kind == LD_DF_RUN || target->kind == LD_DF_COPY ||
             target->kind == LD_DF_ADD) &&
            !target->json) {
            if ((rc = find_heredocs(&p, logical.p, target)) < 0)
                break;
            if ((rc = read_heredocs(&p, &r, target, in)) < 0)
                break;
        }
    }
    free(logical.p);
    if (rc < 0)
        goto fail;
    if (df->n == 0) {
        rc = ld_error_set(err, LD_ERR_CORRUPT, "%s: file with no instructions", df->name);
        goto fail;
    }
    if (df->n_stages == 0) {
        p.line = df->ins[df->n - 1].line;
        rc = perr(&p, LD_ERR_CORRUPT, "no FROM instruction: no build stage");
        goto fail;
    }
    for (size_t i = 0; i < df->n_stages; i++)
        df->stages[i].end = i + 1 < df->n_stages ? df->stages[i + 1].first : df->n;
    for (size_t i = 0; i < p.globals.n; i++)
        ld_strlist_push(&df->global_args, p.globals.v[i].name);
    parser_clear(&p);
    return df;
fail:
    parser_clear(&p);
    ld_dockerfile_free(df);
    return NULL;
}

void ld_dockerfile_free(ld_dockerfile *df)
{
    if (!df)
        return;
    for (size_t i = 0; i < df->n; i++)
        instr_clear(&df->ins[i]);
    free(df->ins);
    for (size_t i = 0; i < df->n_stages; i++) {
        free(df->stages[i].base);
        free(df->stages[i].alias);
        free(df->stages[i].platform);
    }
    free(df->stages);
    ld_strlist_clear(&df->global_args);
    ld_strlist_clear(&df->warnings);
    free(df->name);
    free(df->syntax);
    free(df);
}

const ld_df_stage *ld_dockerfile_final_stage(const ld_dockerfile *df)
{
    return df && df->n_stages ? &df->stages[df->n_stages - 1] : NULL;
}

ld_dockerfile *ld_dockerfile_read_fd(int fd, const char *name, ld_error *err)
{
    sbuf b = {0};
    char chunk[16384];
    for (;;) {
        ssize_t got = read(fd, chunk, sizeof(chunk));
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0) {
            free(b.p);
            ld_error_set_errno(err, LD_ERR_GENERIC, errno, "%s: cannot read", name);
            return NULL;
        }
        if (got == 0)
            break;
        if (b.n + (size_t)got > LD_DF_MAX_BYTES) {
            free(b.p);
            ld_error_set(err, LD_ERR_LIMIT, "%s: larger than %u bytes; not a Dockerfile?", name,
                         LD_DF_MAX_BYTES);
            return NULL;
        }
        sb_putn(&b, chunk, (size_t)got);
    }
    ld_dockerfile *df = ld_dockerfile_parse(name, b.p ? b.p : "", b.n, err);
    free(b.p);
    return df;
}

ld_dockerfile *ld_dockerfile_load(const char *path, ld_error *err)
{
    ld_autoclose int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) {
        ld_error_set_errno(err, errno == ENOENT ? LD_ERR_NOT_FOUND : LD_ERR_GENERIC, errno,
                           "cannot open Dockerfile \"%s\"", path);
        return NULL;
    }
    struct stat st;
    if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
        ld_error_set(err, LD_ERR_INVALID, "\"%s\" is a directory; name the Dockerfile in it", path);
        return NULL;
    }
    return ld_dockerfile_read_fd(fd, path, err);
}
