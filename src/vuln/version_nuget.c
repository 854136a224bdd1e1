/* NuGet versions as NuGet.Versioning's NuGetVersion and the default
 * VersionComparer order them: 1 to 4 numeric parts (missing ones are 0,
 * leading zeros allowed, each at most 2^31-1), an optional SemVer 2.0
 * prerelease whose labels compare numerically when both are numbers and
 * otherwise case-insensitively (numbers first), and build metadata that is
 * ignored. Invalid versions are errors. Not a range ([1.0, 2.0)) parser. */
#include <string.h>

#include "vuln/version_internal.h"

typedef struct {
    const char *num[4];
    size_t num_len[4];
    const char *pre;
    size_t pre_len;
} nuget_version;

static bool is_ident(char c)
{
    return ld_ver_isalnum(c) || c == '-';
}

static int idents(const char **pp, const char **why)
{
    const char *p = *pp;
    for (;;) {
        const char *s = p;
        while (is_ident(*p))
            p++;
        if (p == s) {
            *why = "empty prerelease or metadata label";
            return -1;
        }
        if (*p != '.')
            break;
        p++;
    }
    *pp = p;
    return 0;
}

static int nuget_parse(const char *s, nuget_version *v, const char **why)
{
    memset(v, 0, sizeof *v);
    const char *p = s;
    for (int i = 0; i < 4; i++) {
        const char *st = p;
        while (ld_ver_isdigit(*p))
            p++;
        size_t n = (size_t)(p - st);
        if (!n) {
            *why = "expected a number";
            return -1;
        }
        if (ld_ver_numcmp(st, n, "2147483647", 10) > 0) {
            *why = "version part larger than 2147483647";
            return -1;
        }
        v->num[i] = st;
        v->num_len[i] = n;
        if (*p != '.' || i == 3)
            break;
        p++;
    }
    if (*p == '-') {
        p++;
        v->pre = p;
        if (idents(&p, why) < 0)
            return -1;
        v->pre_len = (size_t)(p - v->pre);
    }
    if (*p == '+') {
        p++;
        if (idents(&p, why) < 0)
            return -1;
    }
    if (*p) {
        *why = "unexpected character";
        return -1;
    }
    return 0;
}

static bool all_digits(const char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!ld_ver_isdigit(p[i]))
            return false;
    return n > 0;
}

static int nuget_cmp(const nuget_version *a, const nuget_version *b)
{
    for (int i = 0; i < 4; i++) {
        int r = ld_ver_numcmp(a->num[i], a->num_len[i], b->num[i], b->num_len[i]);
        if (r)
            return r;
    }
    if (!a->pre || !b->pre)
        return (a->pre == NULL) - (b->pre == NULL);
    const char *pa = a->pre, *ea = pa + a->pre_len, *pb = b->pre, *eb = pb + b->pre_len;
    for (;;) {
        if (pa >= ea || pb >= eb)
            return (pa < ea) - (pb < eb);
        const char *sa = pa, *sb = pb;
        while (pa < ea && *pa != '.')
            pa++;
        while (pb < eb && *pb != '.')
            pb++;
        size_t na = (size_t)(pa - sa), nb = (size_t)(pb - sb);
        bool da = all_digits(sa, na), db = all_digits(sb, nb);
        int r = da && db   ? ld_ver_numcmp(sa, na, sb, nb)
                : da != db ? (da ? -1 : 1)
                           : ld_ver_bytecasecmp(sa, na, sb, nb);
        if (r)
            return r;
        if (pa < ea)
            pa++;
        if (pb < eb)
            pb++;
    }
}

int ld_ver_cmp_nuget(const char *a, const char *b, int *result, const char **bad, const char **why)
{
    nuget_version x, y;
    if (nuget_parse(a, &x, why) < 0) {
        *bad = a;
        return LD_ERR_INVALID;
    }
    if (nuget_parse(b, &y, why) < 0) {
        *bad = b;
        return LD_ERR_INVALID;
    }
    *result = nuget_cmp(&x, &y);
    return 0;
}
