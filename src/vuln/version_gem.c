/* RubyGems versions as Gem::Version orders them: valid strings match
 * Gem::Version::ANCHORED_VERSION_PATTERN (blank means "0"); every '-' reads
 * as ".pre."; segments are runs of digits or of letters; trailing zeros of
 * the numeric part and of the part from the first letter segment on are
 * dropped; any letter segment makes a prerelease (a string segment sorts
 * below a number, strings compare bytewise, a missing segment is 0).
 * Invalid versions are errors. Not a requirement (~> 1.2) matcher. */
#include <string.h>

#include "vuln/version_internal.h"

#define GEM_MAX_SEGS (LD_VERSION_MAX + 2)

typedef struct {
    const char *p;
    size_t n;
    bool str;
} gem_seg;

typedef struct {
    gem_seg s[GEM_MAX_SEGS];
    int n;
} gem_version;

static bool is_ws(char c)
{
    return c == ' ' || (c >= '\t' && c <= '\r');
}
static bool is_zero(const gem_seg *g)
{
    if (g->str)
        return false;
    for (size_t i = 0; i < g->n; i++)
        if (g->p[i] != '0')
            return false;
    return true;
}

/* ANCHORED_VERSION_PATTERN:
 * \A\s*([0-9]+(?>\.[0-9a-zA-Z]+)*(-[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?)?\s*\z */
static bool gem_valid(const char *p, const char *end)
{
    if (p == end)
        return true;
    if (!ld_ver_isdigit(*p))
        return false;
    while (p < end && ld_ver_isdigit(*p))
        p++;
    while (p < end && *p == '.') {
        const char *s = ++p;
        while (p < end && ld_ver_isalnum(*p))
            p++;
        if (p == s)
            return false;
    }
    if (p < end && *p == '-') {
        p++;
        for (;;) {
            const char *s = p;
            while (p < end && (ld_ver_isalnum(*p) || *p == '-'))
                p++;
            if (p == s)
                return false;
            if (p < end && *p == '.')
                p++;
            else
                break;
        }
    }
    return p == end;
}

static int gem_parse(const char *s, gem_version *v, const char **why)
{
    const char *p = s, *end = s + strlen(s);
    while (p < end && is_ws(*p))
        p++;
    while (end > p && is_ws(end[-1]))
        end--;
    if (!gem_valid(p, end)) {
        *why = "malformed version number string";
        return -1;
    }
    static const char pre[] = "pre";
    gem_seg raw[GEM_MAX_SEGS];
    int n = 0;
    if (p == end)
        raw[n++] = (gem_seg){"0", 1, false};
    while (p < end) {
        if (*p == '-') {
            raw[n++] = (gem_seg){pre, 3, true}; /* gsub("-", ".pre.") */
            p++;
        } else if (ld_ver_isdigit(*p) || ld_ver_isalpha(*p)) {
            bool digit = ld_ver_isdigit(*p);
            const char *st = p;
            while (p < end && (digit ? ld_ver_isdigit(*p) : ld_ver_isalpha(*p)))
                p++;
            raw[n++] = (gem_seg){st, (size_t)(p - st), !digit};
        } else {
            p++;
        }
    }
    /* canonical_segments: trailing zeros dropped from both parts */
    int first_str = n;
    for (int i = 0; i < n; i++)
        if (raw[i].str) {
            first_str = i;
            break;
        }
    int numeric_end = first_str;
    while (numeric_end > 0 && is_zero(&raw[numeric_end - 1]))
        numeric_end--;
    int str_end = n;
    while (str_end > first_str && is_zero(&raw[str_end - 1]))
        str_end--;
    v->n = 0;
    for (int i = 0; i < numeric_end; i++)
        v->s[v->n++] = raw[i];
    for (int i = first_str; i < str_end; i++)
        v->s[v->n++] = raw[i];
    return 0;
}

static int gem_cmp(const gem_version *a, const gem_version *b)
{
    int n = a->n > b->n ? a->n : b->n;
    static const gem_seg zero = {"0", 1, false};
    for (int i = 0; i < n; i++) {
        const gem_seg *x = i < a->n ? &a->s[i] : &zero, *y = i < b->n ? &b->s[i] : &zero;
        if (x->str != y->str)
            return x->str ? -1 : 1;
        int r =
            x->str ? ld_ver_bytecmp(x->p, x->n, y->p, y->n) : ld_ver_numcmp(x->p, x->n, y->p, y->n);
        if (r)
            return r;
    }
    return 0;
}

int ld_ver_cmp_gem(const char *a, const char *b, int *result, const char **bad, const char **why)
{
    gem_version x, y;
    if (gem_parse(a, &x, why) < 0) {
        *bad = a;
        return LD_ERR_INVALID;
    }
    if (gem_parse(b, &y, why) < 0) {
        *bad = b;
        return LD_ERR_INVALID;
    }
    *result = gem_cmp(&x, &y);
    return 0;
}
