/* Python package versions under PEP 440, as the `packaging` library parses
 * and orders them: [N!]N(.N)*[{a|b|rc}N][.postN][.devN][+local], with the
 * spec's normalisation (case, `v` prefix, surrounding white space, the
 * spellings alpha/beta/c/pre/preview/rev/r, `-`/`_`/`.` separators, implicit
 * numbers, `1.0-1` as a post-release) and ordering (trailing zeros of the
 * release ignored, dev < pre < final < post, local versions segment-wise
 * with numbers above strings). Invalid versions (LegacyVersion) are errors.
 * Not a specifier (~=, ===) matcher. */
#include <string.h>

#include "vuln/version_internal.h"

#define PEP440_MAX_SEGS (LD_VERSION_MAX / 2 + 1)

typedef struct {
    const char *p;
    size_t n;
} span;

typedef struct {
    span epoch;
    span rel[PEP440_MAX_SEGS];
    int nrel;
    int pre_kind; /* 0 none, 1 a, 2 b, 3 rc */
    span pre;
    bool has_post;
    span post;
    bool has_dev;
    span dev;
    bool has_local;
    span local;
} pep440;

static bool is_sep(char c)
{
    return c == '-' || c == '_' || c == '.';
}
static bool is_ws(char c)
{
    return c == ' ' || (c >= '\t' && c <= '\r');
}

/* Case-insensitive match of word at p (bounded by end); returns its length or 0. */
static size_t match_word(const char *p, const char *end, const char *word)
{
    size_t n = strlen(word);
    if ((size_t)(end - p) < n)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (ld_ver_tolower(p[i]) != word[i])
            return 0;
    return n;
}

static span take_digits(const char **pp, const char *end)
{
    span s = {*pp, 0};
    while (*pp < end && ld_ver_isdigit(**pp))
        (*pp)++;
    s.n = (size_t)(*pp - s.p);
    return s;
}

/* The optional `[-_.]?N` after a label: consumes the separator only when a
 * number follows, leaving it to the next part otherwise (as the regex's
 * backtracking does). */
static span label_number(const char **pp, const char *end)
{
    const char *p = *pp;
    if (p < end && is_sep(*p) && p + 1 < end && ld_ver_isdigit(p[1]))
        p++;
    span s = take_digits(&p, end);
    if (s.n)
        *pp = p;
    return s;
}

/* Tries `[-_.]?(one of words)` at *pp; returns the index of the word or -1. */
static int match_label(const char **pp, const char *end, const char *const *words, int nwords)
{
    const char *p = *pp;
    if (p < end && is_sep(*p))
        p++;
    for (int i = 0; i < nwords; i++) {
        size_t n = match_word(p, end, words[i]);
        if (n) {
            *pp = p + n;
            return i;
        }
    }
    return -1;
}

static int pep440_parse(const char *s, pep440 *v, const char **why)
{
    const char *p = s, *end = s + strlen(s);
    /* every field but the release array (filled up to nrel) */
    v->epoch = v->pre = v->post = v->dev = v->local = (span){NULL, 0};
    v->nrel = v->pre_kind = 0;
    v->has_post = v->has_dev = v->has_local = false;
    while (p < end && is_ws(*p))
        p++;
    while (end > p && is_ws(end[-1]))
        end--;
    if (p < end && (*p == 'v' || *p == 'V'))
        p++;
    span first = take_digits(&p, end);
    if (!first.n) {
        *why = "no release number";
        return -1;
    }
    if (p < end && *p == '!') {
        p++;
        v->epoch = first;
        first = take_digits(&p, end);
        if (!first.n) {
            *why = "no release number after the epoch";
            return -1;
        }
    }
    v->rel[v->nrel++] = first;
    while (p + 1 < end && *p == '.' && ld_ver_isdigit(p[1])) {
        p++;
        if (v->nrel == PEP440_MAX_SEGS) {
            *why = "too many release segments";
            return -1;
        }
        v->rel[v->nrel++] = take_digits(&p, end);
    }
    /* pre-release: alpha|a|beta|b|preview|pre|c|rc, in the regex's order */
    static const char *const pre_words[] = {"alpha", "a", "beta", "b", "preview", "pre", "c", "rc"};
    static const int pre_kinds[] = {1, 1, 2, 2, 3, 3, 3, 3};
    const char *q = p;
    int w = match_label(&q, end, pre_words, 8);
    if (w >= 0) {
        p = q;
        v->pre_kind = pre_kinds[w];
        v->pre = label_number(&p, end);
    }
    /* post-release: -N, or [-_.]?(post|rev|r)[-_.]?N? */
    if (p + 1 < end && *p == '-' && ld_ver_isdigit(p[1])) {
        p++;
        v->has_post = true;
        v->post = take_digits(&p, end);
    } else {
        static const char *const post_words[] = {"post", "rev", "r"};
        q = p;
        if (match_label(&q, end, post_words, 3) >= 0) {
            p = q;
            v->has_post = true;
            v->post = label_number(&p, end);
        }
    }
    static const char *const dev_words[] = {"dev"};
    q = p;
    if (match_label(&q, end, dev_words, 1) >= 0) {
        p = q;
        v->has_dev = true;
        v->dev = label_number(&p, end);
    }
    if (p < end && *p == '+') {
        p++;
        v->has_local = true;
        v->local.p = p;
        for (;;) {
            const char *seg = p;
            while (p < end && ld_ver_isalnum(*p))
                p++;
            if (p == seg) {
                *why = "empty local version segment";
                return -1;
            }
            if (p < end && is_sep(*p))
                p++;
            else
                break;
        }
        v->local.n = (size_t)(p - v->local.p);
    }
    if (p != end) {
        *why = "not a PEP 440 version";
        return -1;
    }
    return 0;
}

static bool all_digits(const char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!ld_ver_isdigit(p[i]))
            return false;
    return true;
}

static int local_cmp(const span *a, const span *b)
{
    const char *pa = a->p, *ea = a->p + a->n, *pb = b->p, *eb = b->p + b->n;
    for (;;) {
        if (pa >= ea || pb >= eb)
            return (pa < ea) - (pb < eb);
        const char *sa = pa, *sb = pb;
        while (pa < ea && !is_sep(*pa))
            pa++;
        while (pb < eb && !is_sep(*pb))
            pb++;
        size_t na = (size_t)(pa - sa), nb = (size_t)(pb - sb);
        bool da = all_digits(sa, na), db = all_digits(sb, nb);
        int r = da && db   ? ld_ver_numcmp(sa, na, sb, nb)
                : da != db ? (da ? 1 : -1)
                           : ld_ver_bytecasecmp(sa, na, sb, nb);
        if (r)
            return r;
        if (pa < ea)
            pa++;
        if (pb < eb)
            pb++;
    }
}

static int pep440_cmp(const pep440 *a, const pep440 *b)
{
    int r = ld_ver_numcmp(a->epoch.p, a->epoch.n, b->epoch.p, b->epoch.n);
    if (r)
        return r;
    int n = a->nrel > b->nrel ? a->nrel : b->nrel;
    for (int i = 0; i < n; i++) {
        span x = i < a->nrel ? a->rel[i] : (span){NULL, 0};
        span y = i < b->nrel ? b->rel[i] : (span){NULL, 0};
        r = ld_ver_numcmp(x.p, x.n, y.p, y.n);
        if (r)
            return r;
    }
    /* pre: a bare .devN comes before every pre-release; none at all after */
    int ra = a->pre_kind ? 1 : (!a->has_post && a->has_dev) ? 0 : 2;
    int rb = b->pre_kind ? 1 : (!b->has_post && b->has_dev) ? 0 : 2;
    if (ra != rb)
        return ra < rb ? -1 : 1;
    if (ra == 1) {
        if (a->pre_kind != b->pre_kind)
            return a->pre_kind < b->pre_kind ? -1 : 1;
        r = ld_ver_numcmp(a->pre.p, a->pre.n, b->pre.p, b->pre.n);
        if (r)
            return r;
    }
    if (a->has_post != b->has_post)
        return a->has_post ? 1 : -1;
    r = ld_ver_numcmp(a->post.p, a->post.n, b->post.p, b->post.n);
    if (r)
        return r;
    if (a->has_dev != b->has_dev)
        return a->has_dev ? -1 : 1;
    r = ld_ver_numcmp(a->dev.p, a->dev.n, b->dev.p, b->dev.n);
    if (r)
        return r;
    if (a->has_local != b->has_local)
        return a->has_local ? 1 : -1;
    return a->has_local ? local_cmp(&a->local, &b->local) : 0;
}

int ld_ver_cmp_pypi(const char *a, const char *b, int *result, const char **bad, const char **why)
{
    pep440 x, y;
    if (pep440_parse(a, &x, why) < 0) {
        *bad = a;
        return LD_ERR_INVALID;
    }
    if (pep440_parse(b, &y, why) < 0) {
        *bad = b;
        return LD_ERR_INVALID;
    }
    *result = pep440_cmp(&x, &y);
    return 0;
}
