/* RPM versions as rpm orders them: an EVR string split like rpm's
 * parseEVR() ([digits:]version[-release], the release after the last '-'),
 * epoch then version then release compared with rpmvercmp() (alphanumeric
 * segments, digits beat letters, `~` sorts before everything, `^` after the
 * base version but before anything else). When the versions are equal and
 * only one side has a release, that side is greater (rpm 4.18's
 * rpm.vercmp()). Never fails on syntax (rpm refuses only an empty string;
 * here it is the empty version). Not for rpmdb dependency ranges, where a
 * missing release matches any. */
#include <string.h>

#include "vuln/version_internal.h"

typedef struct {
    const char *e, *ee; /* epoch; e == NULL when absent */
    const char *v, *ve;
    const char *r, *re; /* release; r == NULL when absent */
} rpm_evr;

static void rpm_parse(const char *s, rpm_evr *out)
{
    const char *end = s + strlen(s);
    const char *p = s;
    while (ld_ver_isdigit(*p))
        p++;
    /* the release starts after the last '-' from the end of the epoch digits */
    const char *hyphen = NULL;
    for (const char *q = p; q < end; q++)
        if (*q == '-')
            hyphen = q;
    if (*p == ':') {
        out->e = s;
        out->ee = p;
        out->v = p + 1;
    } else {
        out->e = out->ee = NULL;
        out->v = s;
    }
    if (hyphen) {
        out->ve = hyphen;
        out->r = hyphen + 1;
        out->re = end;
    } else {
        out->ve = end;
        out->r = out->re = NULL;
    }
}

static bool seg_sep(char c)
{
    return !ld_ver_isalnum(c) && c != '~' && c != '^';
}

/* rpmvercmp() over [a, ae) and [b, be). */
static int rpmvercmp(const char *a, const char *ae, const char *b, const char *be)
{
    if (ae - a == be - b && memcmp(a, b, (size_t)(ae - a)) == 0)
        return 0;
    while (a < ae || b < be) {
        while (a < ae && seg_sep(*a))
            a++;
        while (b < be && seg_sep(*b))
            b++;
        char ca = a < ae ? *a : '\0', cb = b < be ? *b : '\0';
        if (ca == '~' || cb == '~') {
            if (ca != '~')
                return 1;
            if (cb != '~')
                return -1;
            a++, b++;
            continue;
        }
        if (ca == '^' || cb == '^') {
            if (!ca)
                return -1;
            if (!cb)
                return 1;
            if (ca != '^')
                return 1;
            if (cb != '^')
                return -1;
            a++, b++;
            continue;
        }
        if (!ca || !cb)
            break;
        const char *sa = a, *sb = b;
        bool isnum = ld_ver_isdigit(ca);
        if (isnum) {
            while (a < ae && ld_ver_isdigit(*a))
                a++;
            while (b < be && ld_ver_isdigit(*b))
                b++;
        } else {
            while (a < ae && ld_ver_isalpha(*a))
                a++;
            while (b < be && ld_ver_isalpha(*b))
                b++;
        }
        /* a numeric segment is newer than an alpha one (b's is then empty) */
        if (sb == b)
            return isnum ? 1 : -1;
        int r = isnum ? ld_ver_numcmp(sa, (size_t)(a - sa), sb, (size_t)(b - sb))
                      : ld_ver_bytecmp(sa, (size_t)(a - sa), sb, (size_t)(b - sb));
        if (r)
            return r;
    }
    if (a >= ae && b >= be)
        return 0;
    return a >= ae ? -1 : 1;
}

int ld_ver_cmp_rpm(const char *a, const char *b, int *result, const char **bad, const char **why)
{
    (void)bad;
    (void)why;
    rpm_evr x, y;
    rpm_parse(a, &x);
    rpm_parse(b, &y);
    static const char zero[] = "0";
    const char *xe = x.e && x.e < x.ee ? x.e : zero, *xee = x.e && x.e < x.ee ? x.ee : zero + 1;
    const char *ye = y.e && y.e < y.ee ? y.e : zero, *yee = y.e && y.e < y.ee ? y.ee : zero + 1;
    int r = rpmvercmp(xe, xee, ye, yee);
    if (!r)
        r = rpmvercmp(x.v, x.ve, y.v, y.ve);
    if (!r && x.r && y.r)
        r = rpmvercmp(x.r, x.re, y.r, y.re);
    else if (!r && (x.r || y.r))
        r = x.r ? 1 : -1; /* rpm 4.18: a release, even "~", outranks none */
    *result = r;
    return 0;
}
