/* SemVer 2.0.0 precedence (semver.org, crates.io) and node-semver's loose
 * flavour (npm: surrounding white space, leading `v`/`=`, leading zeros,
 * `1.2.3beta` without the hyphen). Build metadata never affects order;
 * numeric identifiers are compared at any length without overflow.
 * Invalid versions are errors. Not a range (^1.2, ~1.2) parser. */
#include <string.h>

#include "vuln/version_internal.h"

static bool is_ident(char c)
{
    return ld_ver_isalnum(c) || c == '-';
}
static bool is_ws(char c)
{
    return c == ' ' || (c >= '\t' && c <= '\r');
}

/* node-semver's Number.MAX_SAFE_INTEGER bound on major/minor/patch */
static bool over_safe_integer(const char *p, size_t n)
{
    static const char max[] = "9007199254740991";
    return ld_ver_numcmp(p, n, max, sizeof max - 1) > 0;
}

/* Parses dot-separated identifiers at *pp (prerelease or build). Numeric
 * prerelease identifiers must not have leading zeros unless loose. */
static int parse_idents(const char **pp, bool prerelease, bool loose, const char **why)
{
    const char *p = *pp;
    for (;;) {
        const char *start = p;
        bool numeric = true;
        while (is_ident(*p)) {
            if (!ld_ver_isdigit(*p))
                numeric = false;
            p++;
        }
        if (p == start) {
            *why = prerelease ? "empty prerelease identifier" : "empty build identifier";
            return -1;
        }
        if (prerelease && numeric && !loose && p - start > 1 && *start == '0') {
            *why = "numeric prerelease identifier with a leading zero";
            return -1;
        }
        if (*p != '.')
            break;
        p++;
    }
    *pp = p;
    return 0;
}

int ld_semver_parse(const char *s, int flavour, ld_semver *out, const char **why)
{
    bool loose = flavour == LD_SEMVER_NPM;
    const char *p = s, *end = s + strlen(s);
    memset(out, 0, sizeof *out);
    if (loose) {
        while (p < end && is_ws(*p))
            p++;
        while (end > p && is_ws(end[-1]))
            end--;
        while (p < end && (*p == 'v' || *p == '=' || is_ws(*p)))
            p++;
    } else if (flavour == LD_SEMVER_GO) {
        if (*p != 'v') {
            *why = "a Go module version starts with 'v'";
            return -1;
        }
        p++;
    }
    int parts = 0;
    for (; parts < 3; parts++) {
        const char *start = p;
        while (p < end && ld_ver_isdigit(*p))
            p++;
        size_t n = (size_t)(p - start);
        if (n == 0) {
            *why = parts == 0 ? "no major version number" : "missing version number after '.'";
            return -1;
        }
        if (!loose && n > 1 && *start == '0') {
            *why = "version number with a leading zero";
            return -1;
        }
        if (loose && over_safe_integer(start, n)) {
            *why = "version number larger than 2^53-1";
            return -1;
        }
        out->num[parts] = start;
        out->num_len[parts] = n;
        if (parts == 2 || p >= end || *p != '.')
            break;
        p++;
    }
    if (parts < 2) {
        /* Go accepts v1 and v1.2 as v1.0.0 and v1.2.0, with nothing after */
        if (flavour != LD_SEMVER_GO || p < end) {
            *why = "expected MAJOR.MINOR.PATCH";
            return -1;
        }
        return 0;
    }
    if (p < end && (*p == '-' || (loose && is_ident(*p)))) {
        if (*p == '-' && (!loose || (p + 1 < end && is_ident(p[1]))))
            p++; /* loose: `-?` then an identifier, which may itself start with '-' */
        const char *start = p;
        if (parse_idents(&p, true, loose, why) < 0)
            return -1;
        out->pre = start;
        out->pre_len = (size_t)(p - start);
    }
    if (p < end && *p == '+') {
        p++;
        if (parse_idents(&p, false, loose, why) < 0)
            return -1;
    }
    if (p != end) {
        *why = "unexpected character";
        return -1;
    }
    return 0;
}

/* Next dot-separated identifier of a prerelease: [*p, *p + *n). */
static bool next_ident(const char **cur, const char *end, const char **id, size_t *n)
{
    if (*cur >= end)
        return false;
    const char *dot = memchr(*cur, '.', (size_t)(end - *cur));
    *id = *cur;
    *n = (size_t)((dot ? dot : end) - *cur);
    *cur = dot ? dot + 1 : end;
    return true;
}

static bool all_digits(const char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!ld_ver_isdigit(p[i]))
            return false;
    return n > 0;
}

int ld_semver_cmp(const ld_semver *a, const ld_semver *b)
{
    for (int i = 0; i < 3; i++) {
        int r = ld_ver_numcmp(a->num[i], a->num_len[i], b->num[i], b->num_len[i]);
        if (r)
            return r;
    }
    if (!a->pre || !b->pre)
        return (a->pre == NULL) - (b->pre == NULL); /* a release outranks its prereleases */
    const char *ca = a->pre, *ea = a->pre + a->pre_len;
    const char *cb = b->pre, *eb = b->pre + b->pre_len;
    for (;;) {
        const char *ia = NULL, *ib = NULL;
        size_t na = 0, nb = 0;
        bool ha = next_ident(&ca, ea, &ia, &na), hb = next_ident(&cb, eb, &ib, &nb);
        if (!ha || !hb)
            return ha - hb; /* more identifiers: higher precedence */
        bool da = all_digits(ia, na), db = all_digits(ib, nb);
        int r;
        if (da && db)
            r = ld_ver_numcmp(ia, na, ib, nb);
        else if (da != db)
            r = da ? -1 : 1; /* numeric identifiers sort before alphanumeric ones */
        else
            r = ld_ver_bytecmp(ia, na, ib, nb);
        if (r)
            return r;
    }
}

int ld_semver_cmp_flavour(int flavour, const char *a, const char *b, int *result, const char **bad,
                          const char **why)
{
    ld_semver x, y;
    if (ld_semver_parse(a, flavour, &x, why) < 0) {
        *bad = a;
        return LD_ERR_INVALID;
    }
    if (ld_semver_parse(b, flavour, &y, why) < 0) {
        *bad = b;
        return LD_ERR_INVALID;
    }
    *result = ld_semver_cmp(&x, &y);
    return 0;
}

int ld_ver_cmp_semver(const char *a, const char *b, int *result, const char **bad, const char **why)
{
    return ld_semver_cmp_flavour(LD_SEMVER_STRICT, a, b, result, bad, why);
}

int ld_ver_cmp_npm(const char *a, const char *b, int *result, const char **bad, const char **why)
{
    return ld_semver_cmp_flavour(LD_SEMVER_NPM, a, b, result, bad, why);
}
