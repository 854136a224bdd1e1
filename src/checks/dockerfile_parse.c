/* Dockerfile parser, the file level (see dockerfile_parse.h): the text of a
 * Dockerfile into logical lines — byte-order mark, parser directives
 * (`# syntax=`, `# escape=`, `# check=`), line continuations (comment and
 * blank lines inside them skipped), heredoc words and bodies — each logical
 * line handed to dockerfile_instr.c; then the stages closed and the result
 * checked (instructions, a FROM); error messages "NAME:LINE: what"; freeing.
 * Mirrors the behaviour of BuildKit's Dockerfile frontend (parser.go,
 * line_parsers.go, shell lexer) closely enough that a Dockerfile the engine
 * accepts parses here with the same instructions and line numbers. Not a
 * builder: nothing is executed, fetched or resolved. Not for one
 * instruction's arguments (dockerfile_instr.c), substitution
 * (dockerfile_subst.c) or reading a file (dockerfile_read.c). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "checks/dockerfile_parse_internal.h"
#include "util/mem.h"

/* ---- errors ----------------------------------------------------------------------- */

int df_perr(df_parser *p, ld_errcode code, const char *fmt, ...)
{
    char msg[LD_ERROR_MSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    return ld_error_set(p->err, code, "%s:%d: %s", p->name, p->line, msg);
}

/* ---- heredocs ----------------------------------------------------------------- */

/* Heredoc words of a logical line (Docker's heredocsFromLine): words (split
 * with '\\' as escape, quotes kept) of the form [N]<<[-]DELIM, DELIM without
 * '<'. Quoted delimiters disable expansion of the body. */
static int find_heredocs(df_parser *p, const char *line, ld_df_instr *in)
{
    if (!strstr(line, "<<"))
        return 0;
    ld_strlist words = {0};
    df_split_words(line, '\\', &words);
    size_t cap = 0;
    int rc = 0;
    for (size_t i = 0; i < words.n; i++) {
        const char *w = words.v[i];
        while (df_is_digit(*w))
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
            rc = df_perr(p, LD_ERR_LIMIT, "more than %u heredocs in one instruction",
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
static int next_line(df_parser *p, reader *r, const char **s, size_t *n)
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
        return df_perr(p, LD_ERR_LIMIT, "line longer than %u bytes", LD_DF_MAX_LINE);
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
    while (i < n && df_is_space(s[i]))
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
static int directive(df_parser *p, const char *s, size_t n, bool *seen_escape, bool *seen_syntax)
{
    size_t i = 0;
    while (i < n && df_is_space(s[i]))
        i++;
    if (i >= n || s[i] != '#')
        return 0;
    i++;
    while (i < n && df_is_space(s[i]))
        i++;
    size_t ks = i;
    if (i >= n || !df_is_alpha(s[i]))
        return 0;
    while (i < n && (df_is_alpha(s[i]) || df_is_digit(s[i])))
        i++;
    size_t kl = i - ks;
    while (i < n && df_is_space(s[i]))
        i++;
    if (i >= n || s[i] != '=')
        return 0;
    i++;
    while (i < n && df_is_space(s[i]))
        i++;
    size_t ve = n;
    while (ve > i && df_is_space(s[ve - 1]))
        ve--;
    if (ve == i)
        return 0;
    const char *v = s + i;
    size_t vl = ve - i;
    if (kl == 6 && strncasecmp(s + ks, "escape", 6) == 0) {
        if (*seen_escape)
            return df_perr(p, LD_ERR_CORRUPT, "only one escape parser directive can be used");
        *seen_escape = true;
        if (vl != 1 || (v[0] != '\\' && v[0] != '`'))
            return df_perr(p, LD_ERR_CORRUPT,
                           "invalid escape token \"%.*s\" does not match ` or \\",
                           (int)(vl > 16 ? 16 : vl), v);
        p->escape = v[0];
        p->df->escape = v[0];
        return 1;
    }
    if (kl == 6 && strncasecmp(s + ks, "syntax", 6) == 0) {
        if (*seen_syntax)
            return df_perr(p, LD_ERR_CORRUPT, "only one syntax parser directive can be used");
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
static int read_heredocs(df_parser *p, reader *r, ld_df_instr *in, ld_df_instr *owner)
{
    for (size_t h = 0; h < in->n_heredocs; h++) {
        ld_df_heredoc *hd = &in->heredocs[h];
        df_sbuf body = {0};
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
                return df_perr(p, LD_ERR_CORRUPT, "NUL byte in heredoc");
            }
            df_sb_putn(&body, s + off, n - off);
            df_sb_putc(&body, '\n');
        }
        if (rc < 0) {
            free(body.p);
            return rc;
        }
        hd->content = df_sb_steal(&body);
        owner->end_line = r->lineno;
        if (!done)
            return df_perr(p, LD_ERR_CORRUPT, "unterminated heredoc \"%.64s\"", hd->name);
    }
    return 0;
}

static void parser_clear(df_parser *p)
{
    df_vt_clear(&p->globals);
    df_vt_clear(&p->env);
    df_vt_clear(&p->args);
    for (size_t i = 0; i < p->n_stage_env; i++)
        df_vt_clear(&p->stage_env[i]);
    free(p->stage_env);
}

ld_dockerfile *ld_dockerfile_parse(const char *name, const char *buf, size_t len, ld_error *err)
{
    ld_dockerfile *df = ld_xcalloc(1, sizeof(*df));
    df->name = ld_xstrdup(name ? name : "Dockerfile");
    df->escape = '\\';
    df_parser p = {.name = df->name, .df = df, .escape = '\\', .err = err};
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
    df_sbuf logical = {0};
    while ((rc = next_line(&p, &r, &s, &n)) > 0) {
        p.line = r.lineno;
        if (memchr(s, '\0', n)) {
            rc = df_perr(&p, LD_ERR_CORRUPT, "NUL byte: not a text file");
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
        while (n > 0 && df_is_space(*s)) {
            s++;
            n--;
        }
        bool cont;
        size_t l = trim_continuation(s, n, p.escape, &cont);
        logical.n = 0;
        df_sb_putn(&logical, s, l);
        bool empty_cont = false;
        while (cont) {
            rc = next_line(&p, &r, &s, &n);
            if (rc <= 0)
                break;
            p.line = r.lineno;
            if (memchr(s, '\0', n)) {
                rc = df_perr(&p, LD_ERR_CORRUPT, "NUL byte: not a text file");
                break;
            }
            if (blank_or_comment(s, n, &comment)) {
                if (!comment)
                    empty_cont = true;
                continue;
            }
            l = trim_continuation(s, n, p.escape, &cont);
            if (logical.n + l > LD_DF_MAX_BYTES) {
                rc = df_perr(&p, LD_ERR_LIMIT, "instruction longer than %u bytes", LD_DF_MAX_BYTES);
                break;
            }
            df_sb_putn(&logical, s, l);
        }
        if (rc < 0)
            break;
        rc = 0;
        /* a line that was only a continuation char: nothing to parse */
        bool all_space = true;
        for (size_t i = 0; i < logical.n; i++)
            if (!df_is_space(logical.p[i]))
                all_space = false;
        if (all_space)
            continue;
        if (empty_cont)
            ld_strlist_push_owned(&df->warnings,
                                  ld_xasprintf("%d: empty continuation line", start));
        if (df->n >= LD_DF_MAX_INSTRUCTIONS) {
            p.line = start;
            rc = df_perr(&p, LD_ERR_LIMIT, "more than %u instructions", LD_DF_MAX_INSTRUCTIONS);
            break;
        }
        ld_xgrow(&df->ins, &cap, df->n + 1, sizeof(*df->ins));
        ld_df_instr *in = &df->ins[df->n++];
        memset(in, 0, sizeof(*in));
        p.line = start;
        if ((rc = df_parse_instr(&p, in, logical.p, false)) < 0)
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
        rc = df_perr(&p, LD_ERR_CORRUPT, "no FROM instruction: no build stage");
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
        df_instr_clear(&df->ins[i]);
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
