/* Value matching for the condition language: glob patterns (our own
 * matcher: fnmatch may allocate in multibyte locales and the hot path must
 * not), IP addresses and networks (CIDR, IPv4-mapped IPv6 read as IPv4),
 * and integers parsed with overflow checks. */
#include <arpa/inet.h>
#include <string.h>
#include <sys/socket.h>

#include "runtime/rules_cond_internal.h"

static unsigned char fold(unsigned char c, bool on)
{
    return on && c >= 'A' && c <= 'Z' ? (unsigned char)(c - 'A' + 'a') : c;
}

/* One pattern element at p against character c: *len is the element's
 * length. A '[' with no closing ']' is a literal '['. */
static bool match_one(const char *p, unsigned char c, bool fc, size_t *len)
{
    if (*p == '?') {
        *len = 1;
        return true;
    }
    if (*p == '\\' && p[1]) {
        *len = 2;
        return fold((unsigned char)p[1], fc) == fold(c, fc);
    }
    if (*p == '[') {
        const char *q = p + 1;
        bool negate = *q == '!' || *q == '^';
        if (negate)
            q++;
        const char *first = q;
        bool hit = false;
        while (*q && (*q != ']' || q == first)) {
            unsigned char lo = (unsigned char)*q, hi = lo;
            if (q[1] == '-' && q[2] && q[2] != ']') {
                hi = (unsigned char)q[2];
                q += 3;
            } else {
                q++;
            }
            unsigned char fcv = fold(c, fc);
            if ((c >= lo && c <= hi) || (fcv >= fold(lo, fc) && fcv <= fold(hi, fc)))
                hit = true;
        }
        if (*q == ']') {
            *len = (size_t)(q - p) + 1;
            return hit != negate;
        }
        /* no closing bracket: a literal '[' */
    }
    *len = 1;
    return fold((unsigned char)*p, fc) == fold(c, fc);
}

bool ld_rtc_glob(const char *pattern, const char *s, bool fold_case)
{
    const char *p = pattern, *star_p = NULL, *star_s = NULL;
    while (*s) {
        if (*p == '*') {
            while (*p == '*')
                p++;
            if (!*p)
                return true;
            star_p = p;
            star_s = s;
            continue;
        }
        size_t len;
        if (*p && match_one(p, (unsigned char)*s, fold_case, &len)) {
            p += len;
            s++;
            continue;
        }
        if (!star_p)
            return false;
        p = star_p;
        s = ++star_s;
    }
    while (*p == '*')
        p++;
    return *p == '\0';
}

static void normalize_mapped(cond_net *n)
{
    static const uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    if (n->family == AF_INET6 && memcmp(n->addr, mapped, 12) == 0 && n->prefix >= 96) {
        memmove(n->addr, n->addr + 12, 4);
        memset(n->addr + 4, 0, 12);
        n->family = AF_INET;
        n->prefix = (uint8_t)(n->prefix - 96);
    }
}

int ld_rtc_net_parse(const char *text, cond_net *out)
{
    char addr[INET6_ADDRSTRLEN + 1];
    const char *slash = strchr(text, '/');
    size_t alen = slash ? (size_t)(slash - text) : strlen(text);
    if (alen == 0 || alen >= sizeof addr)
        return -1;
    memcpy(addr, text, alen);
    addr[alen] = '\0';
    memset(out, 0, sizeof *out);
    if (inet_pton(AF_INET, addr, out->addr) == 1) {
        out->family = AF_INET;
        out->prefix = 32;
    } else if (inet_pton(AF_INET6, addr, out->addr) == 1) {
        out->family = AF_INET6;
        out->prefix = 128;
    } else {
        return -1;
    }
    if (slash) {
        const char *p = slash + 1;
        int bits = 0;
        size_t digits = 0;
        for (; *p >= '0' && *p <= '9' && digits < 4; p++, digits++)
            bits = bits * 10 + (*p - '0');
        if (digits == 0 || *p || bits > out->prefix)
            return -1;
        out->prefix = (uint8_t)bits;
    }
    normalize_mapped(out);
    /* clear the host bits so that equal networks compare equal */
    for (int i = 0; i < 16; i++) {
        int keep = out->prefix - i * 8;
        if (keep <= 0)
            out->addr[i] = 0;
        else if (keep < 8)
            out->addr[i] &= (uint8_t)(0xff << (8 - keep));
    }
    return 0;
}

bool ld_rtc_net_has(const cond_net *net, uint16_t family, const uint8_t *ip)
{
    cond_net v = {.family = family, .prefix = family == AF_INET ? 32 : 128};
    memcpy(v.addr, ip, family == AF_INET ? 4 : 16);
    normalize_mapped(&v);
    if (v.family != net->family)
        return false;
    int full = net->prefix / 8, rest = net->prefix % 8;
    if (memcmp(v.addr, net->addr, (size_t)full) != 0)
        return false;
    if (rest == 0)
        return true;
    uint8_t mask = (uint8_t)(0xff << (8 - rest));
    return (v.addr[full] & mask) == net->addr[full];
}

int ld_rtc_parse_int(const char *text, int64_t *out)
{
    const char *p = text;
    bool neg = *p == '-';
    if (neg)
        p++;
    int base = 10;
    if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
        base = 16;
        p += 2;
    }
    if (!*p)
        return -1;
    uint64_t v = 0;
    for (; *p; p++) {
        int d;
        if (*p >= '0' && *p <= '9')
            d = *p - '0';
        else if (base == 16 && *p >= 'a' && *p <= 'f')
            d = *p - 'a' + 10;
        else if (base == 16 && *p >= 'A' && *p <= 'F')
            d = *p - 'A' + 10;
        else
            return -1;
        if (__builtin_mul_overflow(v, (uint64_t)base, &v) ||
            __builtin_add_overflow(v, (uint64_t)d, &v))
            return -1;
    }
    if (neg) {
        if (v > (uint64_t)INT64_MAX + 1)
            return -1;
        *out = v == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)v;
    } else {
        if (v > (uint64_t)INT64_MAX)
            return -1;
        *out = (int64_t)v;
    }
    return 0;
}
