/* Alpine package versions as apk-tools (2.14/3.x) orders them:
 * digit{.digit}...{letter}{_suffix{N}}...{~hash}{-rN}, with suffixes
 * _alpha < _beta < _pre < _rc < (none) < _cvs < _svn < _git < _hg < _p.
 * Token by token; a version that turns invalid at some token sorts below
 * any valid continuation there (as apk does), and two versions invalid at
 * the same point fall back to byte order of the whole strings (apk would
 * call them equal). Never fails on syntax. Not for apk's fuzzy `~` match. */
#include <string.h>

#include "vuln/version_internal.h"

/* Token kinds in apk's order: a later kind at the same position sorts lower. */
enum {
    TOK_INITIAL_DIGIT,
    TOK_DIGIT,
    TOK_LETTER,
    TOK_SUFFIX,
    TOK_SUFFIX_NO,
    TOK_COMMIT_HASH,
    TOK_REVISION_NO,
    TOK_END,
    TOK_INVALID,
};

enum {
    SUF_INVALID,
    SUF_ALPHA,
    SUF_BETA,
    SUF_PRE,
    SUF_RC,
    SUF_NONE,
    SUF_CVS,
    SUF_SVN,
    SUF_GIT,
    SUF_HG,
    SUF_P
};

typedef struct {
    const char *p;   /* cursor */
    int tok;         /* current token kind */
    int suffix;      /* SUF_* when tok == TOK_SUFFIX */
    const char *val; /* current token text */
    size_t len;
} apk_cursor;

static int suffix_value(const char *s, size_t n)
{
    static const struct {
        const char *name;
        int value;
    } names[] = {{"alpha", SUF_ALPHA}, {"beta", SUF_BETA}, {"pre", SUF_PRE},
                 {"rc", SUF_RC},       {"cvs", SUF_CVS},   {"svn", SUF_SVN},
                 {"git", SUF_GIT},     {"hg", SUF_HG},     {"p", SUF_P}};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strlen(names[i].name) == n && memcmp(names[i].name, s, n) == 0)
            return names[i].value;
    return SUF_INVALID;
}

static bool is_hex(char c)
{
    return ld_ver_isdigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static void take_digits(apk_cursor *c)
{
    c->val = c->p;
    while (ld_ver_isdigit(*c->p))
        c->p++;
    c->len = (size_t)(c->p - c->val);
    if (c->len == 0)
        c->tok = TOK_INVALID;
}

static void first_token(apk_cursor *c, const char *s)
{
    c->p = s;
    c->tok = TOK_INITIAL_DIGIT;
    c->suffix = SUF_INVALID;
    take_digits(c);
}

/* Advances to the next token, checking that it may follow the current one. */
static void next_token(apk_cursor *c)
{
    char ch = *c->p;
    if (!ch) {
        c->tok = TOK_END;
        return;
    }
    if (ld_ver_islower(ch)) {
        if (c->tok > TOK_DIGIT)
            goto invalid;
        c->val = c->p++;
        c->len = 1;
        c->tok = TOK_LETTER;
        return;
    }
    if (ch == '.' || ld_ver_isdigit(ch)) {
        if (ch == '.') {
            if (c->tok > TOK_DIGIT)
                goto invalid;
            c->p++;
        }
        if (c->tok == TOK_INITIAL_DIGIT || c->tok == TOK_DIGIT)
            c->tok = TOK_DIGIT;
        else if (c->tok == TOK_SUFFIX)
            c->tok = TOK_SUFFIX_NO;
        else
            goto invalid;
        take_digits(c);
        return;
    }
    if (ch == '_') {
        if (c->tok > TOK_SUFFIX_NO)
            goto invalid;
        c->val = ++c->p;
        while (ld_ver_islower(*c->p))
            c->p++;
        c->len = (size_t)(c->p - c->val);
        c->suffix = suffix_value(c->val, c->len);
        if (c->suffix == SUF_INVALID)
            goto invalid;
        c->tok = TOK_SUFFIX;
        return;
    }
    if (ch == '~') {
        if (c->tok >= TOK_COMMIT_HASH)
            goto invalid;
        c->val = ++c->p;
        while (is_hex(*c->p))
            c->p++;
        c->len = (size_t)(c->p - c->val);
        if (c->len == 0)
            goto invalid;
        c->tok = TOK_COMMIT_HASH;
        return;
    }
    if (ch == '-') {
        if (c->tok >= TOK_REVISION_NO || c->p[1] != 'r')
            goto invalid;
        c->p += 2;
        c->tok = TOK_REVISION_NO;
        take_digits(c);
        return;
    }
invalid:
    c->tok = TOK_INVALID;
}

/* Compares two tokens of the same kind. */
static int token_cmp(const apk_cursor *a, const apk_cursor *b)
{
    switch (a->tok) {
    case TOK_DIGIT:
        /* a leading zero makes apk compare the digits as strings (Gentoo rule) */
        if (a->val[0] == '0' || b->val[0] == '0')
            return ld_ver_bytecmp(a->val, a->len, b->val, b->len);
        return ld_ver_numcmp(a->val, a->len, b->val, b->len);
    case TOK_INITIAL_DIGIT:
    case TOK_SUFFIX_NO:
    case TOK_REVISION_NO: return ld_ver_numcmp(a->val, a->len, b->val, b->len);
    case TOK_LETTER: return (a->val[0] > b->val[0]) - (a->val[0] < b->val[0]);
    case TOK_SUFFIX: return (a->suffix > b->suffix) - (a->suffix < b->suffix);
    default: return ld_ver_bytecmp(a->val, a->len, b->val, b->len);
    }
}

int ld_ver_cmp_apk(const char *a, const char *b, int *result, const char **bad, const char **why)
{
    (void)bad; /* apk has no invalid version */
    (void)why;
    apk_cursor ta, tb;
    first_token(&ta, a);
    first_token(&tb, b);
    for (; ta.tok == tb.tok && ta.tok < TOK_END; next_token(&ta), next_token(&tb)) {
        int r = token_cmp(&ta, &tb);
        if (r) {
            *result = r;
            return 0;
        }
    }
    if (ta.tok == tb.tok) {
        /* both ended, or both turned invalid here: apk says equal; order the
         * invalid ones by their bytes so that distinct strings differ */
        *result = ta.tok == TOK_INVALID ? ld_ver_bytecmp(a, strlen(a), b, strlen(b)) : 0;
        return 0;
    }
    /* equal so far; the longer one is greater unless it goes on with a
     * pre-release suffix */
    if (ta.tok == TOK_SUFFIX && ta.suffix < SUF_NONE)
        *result = -1;
    else if (tb.tok == TOK_SUFFIX && tb.suffix < SUF_NONE)
        *result = 1;
    else
        *result = ta.tok > tb.tok ? -1 : 1;
    return 0;
}
