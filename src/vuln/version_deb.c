/* Debian package versions as dpkg compares them: [epoch:]upstream[-revision],
 * checked like dpkg's parseversion() (what it rejects is an error here; what
 * it only warns about is compared anyway) and ordered like verrevcmp():
 * `~` before everything (even the end), letters before other characters,
 * digit runs numerically. Not for apt's pinning or version ranges. */
#include <limits.h>
#include <string.h>

#include "vuln/version_internal.h"

typedef struct {
    long long epoch;
    const char *ver, *ver_end;
    const char *rev, *rev_end;
} deb_version;

static bool is_blank(char c)
{
    return c == ' ' || c == '\t';
}
static bool is_space(char c)
{
    return c == ' ' || (c >= '\t' && c <= '\r');
}

/* dpkg's parseversion(): fills *v with ranges into s, or sets *why. */
static int deb_parse(const char *s, deb_version *v, const char **why)
{
    while (*s && is_blank(*s))
        s++;
    if (!*s) {
        *why = "version string is empty";
        return -1;
    }
    const char *end = s;
    while (*end && !is_blank(*end))
        end++;
    for (const char *p = end; *p; p++)
        if (!is_blank(*p)) {
            *why = "version string has embedded spaces";
            return -1;
        }
    const char *colon = memchr(s, ':', (size_t)(end - s));
    v->epoch = 0;
    if (colon) {
        /* strtol(): leading white space, a sign, digits, stopping at the colon */
        const char *p = s;
        while (is_space(*p))
            p++;
        bool neg = false;
        if (*p == '+' || *p == '-')
            neg = *p++ == '-';
        const char *digits = p;
        while (ld_ver_isdigit(*p))
            p++;
        if (p == digits) {
            *why = "epoch in version is empty";
            return -1;
        }
        if (p != colon) {
            *why = "epoch in version is not number";
            return -1;
        }
        while (digits < p && *digits == '0')
            digits++;
        long long e = 0;
        if (p - digits > 10) {
            e = LLONG_MAX;
        } else {
            for (const char *d = digits; d < p; d++)
                e = e * 10 + (*d - '0');
        }
        if (neg && e > 0) {
            *why = "epoch in version is negative";
            return -1;
        }
        if (e > INT_MAX) {
            *why = "epoch in version is too big";
            return -1;
        }
        if (colon + 1 == end) {
            *why = "nothing after colon in version number";
            return -1;
        }
        v->epoch = e;
        s = colon + 1;
    }
    const char *hyphen = NULL;
    for (const char *p = s; p < end; p++)
        if (*p == '-')
            hyphen = p;
    v->ver = s;
    v->ver_end = hyphen ? hyphen : end;
    v->rev = hyphen ? hyphen + 1 : end;
    v->rev_end = end;
    if (hyphen && hyphen + 1 == end) {
        *why = "revision number is empty";
        return -1;
    }
    if (v->ver == v->ver_end) {
        *why = "version number is empty";
        return -1;
    }
    /* dpkg only warns about a first character that is not a digit and about
     * characters outside [A-Za-z0-9.+~:-]; --compare-versions still compares */
    return 0;
}

/* verrevcmp()'s weight of one character; 0 stands for the end. Bytes above
 * 0x7f weigh as dpkg's signed `char` gives them on x86 and arm64 Linux. */
static int order(const char *p, const char *end)
{
    if (p >= end)
        return 0;
    char c = *p;
    if (ld_ver_isdigit(c))
        return 0;
    if (ld_ver_isalpha(c))
        return (unsigned char)c;
    if (c == '~')
        return -1;
    return (signed char)c + 256;
}

static int verrevcmp(const char *a, const char *ae, const char *b, const char *be)
{
    while (a < ae || b < be) {
        while ((a < ae && !ld_ver_isdigit(*a)) || (b < be && !ld_ver_isdigit(*b))) {
            int ac = order(a, ae), bc = order(b, be);
            if (ac != bc)
                return ac - bc;
            a++;
            b++;
        }
        while (a < ae && *a == '0')
            a++;
        while (b < be && *b == '0')
            b++;
        int first_diff = 0;
        while (a < ae && b < be && ld_ver_isdigit(*a) && ld_ver_isdigit(*b)) {
            if (!first_diff)
                first_diff = *a - *b;
            a++;
            b++;
        }
        if (a < ae && ld_ver_isdigit(*a))
            return 1;
        if (b < be && ld_ver_isdigit(*b))
            return -1;
        if (first_diff)
            return first_diff;
    }
    return 0;
}

int ld_ver_cmp_deb(const char *a, const char *b, int *result, const char **bad, const char **why)
{
    deb_version va, vb;
    if (deb_parse(a, &va, why) < 0) {
        *bad = a;
        return LD_ERR_INVALID;
    }
    if (deb_parse(b, &vb, why) < 0) {
        *bad = b;
        return LD_ERR_INVALID;
    }
    if (va.epoch != vb.epoch) {
        *result = va.epoch < vb.epoch ? -1 : 1;
        return 0;
    }
    int r = verrevcmp(va.ver, va.ver_end, vb.ver, vb.ver_end);
    if (!r)
        r = verrevcmp(va.rev, va.rev_end, vb.rev, vb.rev_end);
    *result = ld_ver_sign(r);
    return 0;
}
