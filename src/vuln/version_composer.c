/* Composer (Packagist) versions, ordered the way Composer compares
 * normalised versions with PHP's version_compare(): a leading `v` is
 * dropped, the leading numeric release parts compare with implicit zeros
 * (Composer pads them to four), then PHP's canonical segments follow
 * (runs of digits or letters; `-`, `_`, `+` and other punctuation separate)
 * with PHP's special forms: any other string < dev < alpha = a < beta = b
 * < RC = rc < a number < pl = p (a form matches by prefix, as PHP does;
 * unlike PHP, case-insensitively, as Composer lower-cases stabilities).
 * A version must start with a digit after the `v`; others are errors.
 * Not for constraints (^1.2 || ~2.0) or branch names (dev-main). */
#include <string.h>

#include "vuln/version_internal.h"

typedef struct {
    const char *p, *end;
} seg_cursor;

/* Next canonical segment: a run of digits or of non-digit alphanumerics. */
static bool next_seg(seg_cursor *c, const char **s, size_t *n)
{
    while (c->p < c->end && !ld_ver_isalnum(*c->p))
        c->p++;
    if (c->p >= c->end)
        return false;
    bool digit = ld_ver_isdigit(*c->p);
    *s = c->p;
    while (c->p < c->end && ld_ver_isalnum(*c->p) && ld_ver_isdigit(*c->p) == digit)
        c->p++;
    *n = (size_t)(c->p - *s);
    return true;
}

/* PHP's compare_special_version_forms() rank; 4 is a number. */
static int form_rank(const char *s, size_t n)
{
    static const struct {
        const char *name;
        int rank;
    } forms[] = {{"dev", 0}, {"alpha", 1}, {"a", 1},  {"beta", 2}, {"b", 2},
                 {"rc", 3},  {"#", 4},     {"pl", 5}, {"p", 5}};
    for (size_t i = 0; i < sizeof forms / sizeof forms[0]; i++) {
        size_t k = strlen(forms[i].name);
        if (n >= k && ld_ver_bytecasecmp(s, k, forms[i].name, k) == 0)
            return forms[i].rank;
    }
    return -1;
}

static const char *strip(const char *s, const char **end)
{
    while (*s == ' ' || *s == '\t')
        s++;
    const char *e = s + strlen(s);
    while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
        e--;
    if (*s == 'v' || *s == 'V')
        s++;
    *end = e;
    return s;
}

static int composer_cmp(const char *a, const char *ae, const char *b, const char *be)
{
    seg_cursor ca = {a, ae}, cb = {b, be};
    /* release: the leading numeric parts separated by '.', zero-padded */
    bool ra = ca.p < ae && ld_ver_isdigit(*ca.p), rb = cb.p < be && ld_ver_isdigit(*cb.p);
    while (ra || rb) {
        const char *sa = ca.p, *sb = cb.p;
        while (ra && ca.p < ae && ld_ver_isdigit(*ca.p))
            ca.p++;
        while (rb && cb.p < be && ld_ver_isdigit(*cb.p))
            cb.p++;
        int r = ld_ver_numcmp(sa, (size_t)(ca.p - sa), sb, (size_t)(cb.p - sb));
        if (r)
            return r;
        /* a side goes on only through '.' and a digit; a stopped side reads as 0 */
        ra = ra && ca.p + 1 < ae && *ca.p == '.' && ld_ver_isdigit(ca.p[1]);
        rb = rb && cb.p + 1 < be && *cb.p == '.' && ld_ver_isdigit(cb.p[1]);
        if (ra)
            ca.p++;
        if (rb)
            cb.p++;
    }
    /* the rest: PHP version_compare() over canonical segments */
    for (;;) {
        const char *sa = NULL, *sb = NULL;
        size_t na = 0, nb = 0;
        bool ha = next_seg(&ca, &sa, &na), hb = next_seg(&cb, &sb, &nb);
        if (!ha && !hb)
            return 0;
        int ka = ha ? (ld_ver_isdigit(*sa) ? 4 : form_rank(sa, na)) : 4;
        int kb = hb ? (ld_ver_isdigit(*sb) ? 4 : form_rank(sb, nb)) : 4;
        if (!ha || !hb) {
            /* the longer one: a number after the end wins, a string
             * compares with the end as with a number */
            const char *s = ha ? sa : sb;
            int r = ld_ver_isdigit(*s) ? 1 : ((ha ? ka : kb) < 4 ? -1 : 1);
            return ha ? r : -r;
        }
        int r;
        if (ld_ver_isdigit(*sa) && ld_ver_isdigit(*sb))
            r = ld_ver_numcmp(sa, na, sb, nb);
        else
            r = (ka > kb) - (ka < kb);
        if (r)
            return r;
    }
}

int ld_ver_cmp_composer(const char *a, const char *b, int *result, const char **bad,
                        const char **why)
{
    const char *ae, *be;
    const char *pa = strip(a, &ae), *pb = strip(b, &be);
    if (pa >= ae || !ld_ver_isdigit(*pa)) {
        *bad = a;
        *why = "expected a number (after an optional v)";
        return LD_ERR_INVALID;
    }
    if (pb >= be || !ld_ver_isdigit(*pb)) {
        *bad = b;
        *why = "expected a number (after an optional v)";
        return LD_ERR_INVALID;
    }
    *result = composer_cmp(pa, ae, pb, be);
    return 0;
}
