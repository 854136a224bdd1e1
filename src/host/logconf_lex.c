/* Tokenizer for the rsyslog and syslog-ng configuration readers
 * (host/logconf_lex.h): comments skipped, strings kept whole, every token
 * counted against LD_LOGCONF_MAX_TOKENS. */
#include "host/logconf_lex.h"

#include <string.h>
#include <strings.h>

#include "host/logconf.h"
#include "util/mem.h"

int lx_check_text(const char *name, const char *buf, size_t len, ld_error *err)
{
    const char *nul = len ? memchr(buf, '\0', len) : NULL;
    if (!nul)
        return 0;
    int line = 1;
    for (const char *p = buf; p < nul; p++)
        line += *p == '\n';
    return ld_error_set(err, LD_ERR_CORRUPT, "%s:%d: a NUL byte; is this a text file?",
                        name ? name : "<config>", line);
}

void lx_init(lx_state *x, const char *name, const char *buf, size_t len, lx_lang lang)
{
    memset(x, 0, sizeof(*x));
    x->name = name ? name : "<config>";
    x->buf = buf ? buf : "";
    x->len = buf ? len : 0;
    x->line = 1;
    x->last_line = 0;
    x->lang = lang;
}

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

static bool is_punct(char c)
{
    return c == '(' || c == ')' || c == '{' || c == '}' || c == '[' || c == ']' || c == ',' ||
           c == ';' || c == '=' || c == '&';
}

/* Skips blanks, newlines and comments. Returns 0 or an error (an
 * unterminated block comment). */
static int skip_blank(lx_state *x, ld_error *err)
{
    while (x->pos < x->len) {
        char c = x->buf[x->pos];
        if (c == '\n') {
            x->line++;
            x->pos++;
        } else if (is_space(c)) {
            x->pos++;
        } else if (c == '#') {
            while (x->pos < x->len && x->buf[x->pos] != '\n')
                x->pos++;
        } else if (x->lang == LX_LANG_RSYSLOG && c == '/' && x->pos + 1 < x->len &&
                   x->buf[x->pos + 1] == '*') {
            int start = x->line;
            x->pos += 2;
            while (x->pos + 1 < x->len && !(x->buf[x->pos] == '*' && x->buf[x->pos + 1] == '/')) {
                if (x->buf[x->pos] == '\n')
                    x->line++;
                x->pos++;
            }
            if (x->pos + 1 >= x->len)
                return ld_error_set(err, LD_ERR_CORRUPT, "%s:%d: unterminated /* comment", x->name,
                                    start);
            x->pos += 2;
        } else {
            break;
        }
    }
    return 0;
}

static int read_string(lx_state *x, lx_token *t, ld_error *err)
{
    char q = x->buf[x->pos];
    size_t start = x->pos++;
    int line = x->line;
    while (x->pos < x->len && x->buf[x->pos] != q) {
        if (x->buf[x->pos] == '\n')
            x->line++;
        if (q == '"' && x->buf[x->pos] == '\\' && x->pos + 1 < x->len) {
            if (x->buf[x->pos + 1] == '\n')
                x->line++;
            x->pos++;
        }
        x->pos++;
    }
    if (x->pos >= x->len)
        return ld_error_set(err, LD_ERR_CORRUPT, "%s:%d: unterminated %s string", x->name, line,
                            q == '"' ? "\"...\"" : "'...'");
    x->pos++;
    t->kind = LX_STRING;
    t->s = x->buf + start;
    t->len = x->pos - start;
    return 0;
}

/* rsyslog's legacy actions read whole: "@(z9,o)[::1]:514;Template",
 * ":omrelp:host:port;Template" (up to a blank, ',' for a property filter,
 * or '#'). */
static bool read_raw_action(lx_state *x, lx_token *t)
{
    const char *p = x->buf + x->pos;
    size_t left = x->len - x->pos;
    bool at = p[0] == '@';
    bool relp = left > 8 && strncasecmp(p, ":omrelp:", 8) == 0;
    if (!at && !relp)
        return false;
    size_t n = 0;
    while (n < left && !is_space(p[n]) && p[n] != '\n' && p[n] != '#' && (at || p[n] != ','))
        n++;
    t->kind = LX_WORD;
    t->s = p;
    t->len = n;
    x->pos += n;
    return true;
}

static int lex_token(lx_state *x, lx_token *t, ld_error *err)
{
    memset(t, 0, sizeof(*t));
    int rc = skip_blank(x, err);
    if (rc < 0)
        return rc;
    t->line = x->line;
    t->line_start = x->line != x->last_line;
    if (x->pos >= x->len) {
        t->kind = LX_END;
        return 0;
    }
    if (++x->tokens > LD_LOGCONF_MAX_TOKENS)
        return ld_error_set(err, LD_ERR_LIMIT,
                            "%s: more than %d tokens; is this a configuration "
                            "file?",
                            x->name, LD_LOGCONF_MAX_TOKENS);
    char c = x->buf[x->pos];
    if (c == '\0')
        return ld_error_set(err, LD_ERR_CORRUPT, "%s:%d: a NUL byte; is this a text file?", x->name,
                            x->line);
    if (c == '"' || c == '\'')
        return read_string(x, t, err);
    if (x->lang == LX_LANG_SYSLOGNG && c == '@' && t->line_start) {
        size_t start = x->pos;
        while (x->pos < x->len && x->buf[x->pos] != '\n')
            x->pos++;
        t->kind = LX_PRAGMA;
        t->s = x->buf + start;
        t->len = x->pos - start;
        return 0;
    }
    if (x->lang == LX_LANG_RSYSLOG && read_raw_action(x, t))
        return 0;
    if (is_punct(c)) {
        t->kind = LX_PUNCT;
        t->s = x->buf + x->pos++;
        t->len = 1;
        return 0;
    }
    size_t start = x->pos;
    while (x->pos < x->len) {
        char d = x->buf[x->pos];
        if (d == '\n' || is_space(d) || is_punct(d) || d == '"' || d == '\'' || d == '#' ||
            d == '\0')
            break;
        x->pos++;
    }
    t->kind = LX_WORD;
    t->s = x->buf + start;
    t->len = x->pos - start;
    return 0;
}

/* A token; line_start compares its first line with the line the previous
 * token ended on (a string may span lines). */
static int lex(lx_state *x, lx_token *t, ld_error *err)
{
    int rc = lex_token(x, t, err);
    x->last_line = x->line;
    return rc;
}

int lx_next(lx_state *x, lx_token *t, ld_error *err)
{
    if (x->has_peek) {
        *t = x->peek_tok;
        x->has_peek = false;
        return 0;
    }
    return lex(x, t, err);
}

int lx_peek(lx_state *x, lx_token *t, ld_error *err)
{
    if (!x->has_peek) {
        int rc = lex(x, &x->peek_tok, err);
        if (rc < 0)
            return rc;
        x->has_peek = true;
    }
    *t = x->peek_tok;
    return 0;
}

bool lx_is(const lx_token *t, lx_kind kind, const char *text)
{
    return t->kind == kind && strlen(text) == t->len && memcmp(t->s, text, t->len) == 0;
}

bool lx_word_ci(const lx_token *t, const char *text)
{
    return t->kind == LX_WORD && strlen(text) == t->len && strncasecmp(t->s, text, t->len) == 0;
}

char *lx_text(const lx_token *t)
{
    if (t->kind != LX_STRING || t->len < 2)
        return ld_xstrndup(t->s, t->len);
    const char *s = t->s + 1;
    size_t n = t->len - 2;
    char *out = ld_xmalloc(n + 1);
    size_t o = 0;
    bool escapes = t->s[0] == '"';
    for (size_t i = 0; i < n; i++) {
        if (escapes && s[i] == '\\' && i + 1 < n) {
            char e = s[++i];
            out[o++] = e == 'n' ? '\n' : e == 't' ? '\t' : e == 'r' ? '\r' : e;
            continue;
        }
        out[o++] = s[i];
    }
    out[o] = '\0';
    return out;
}
