/* Egress policies of containers (containers.h): parsing the entries of the
 * io.lockdown.egress label and of the policy's runtime.egress
 * ("10.0.0.0/8:443", "192.168.1.5", "[2001:db8::]/32:53", "*:53"), and
 * judging a destination against them. Pure: no name is ever resolved.
 * Not for choosing which policy a container gets (containers.c). */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "runtime/containers.h"
#include "util/mem.h"

#define ENTRY_MAX 128 /* "[full IPv6]/128:65535" is 52 */
#define SHOWN_MAX 60

/* text quoted in a message: printable ASCII only, cut at SHOWN_MAX */
static const char *shown(const char *s, size_t n, char *buf, size_t size)
{
    size_t o = 0;
    for (size_t i = 0; i < n && o + 4 < size; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (i == SHOWN_MAX) {
            memcpy(buf + o, "...", 3);
            o += 3;
            break;
        }
        buf[o++] = (ch >= 0x20 && ch < 0x7f) ? (char)ch : '?';
    }
    buf[o] = '\0';
    return buf;
}

/* digits only, value lo..hi; false otherwise */
static bool parse_number(const char *s, size_t n, unsigned lo, unsigned hi, unsigned *out)
{
    if (n == 0 || n > 5)
        return false;
    unsigned v = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        v = v * 10 + (unsigned)(s[i] - '0');
    }
    if (v < lo || v > hi)
        return false;
    *out = v;
    return true;
}

/* Are the address bits past prefix all zero? */
static bool host_bits_clear(const uint8_t *addr, unsigned alen, unsigned prefix)
{
    for (unsigned bit = prefix; bit < alen * 8; bit++)
        if (addr[bit / 8] & (0x80u >> (bit % 8)))
            return false;
    return true;
}

int ld_rt_egress_parse(const char *text, ld_rt_egress_rule *out, ld_error *err)
{
    memset(out, 0, sizeof *out);
    char sb[SHOWN_MAX * 2];
    size_t n = text ? strlen(text) : 0;
    if (n == 0)
        return ld_error_set(err, LD_ERR_INVALID, "empty egress entry");
    if (n > ENTRY_MAX)
        return ld_error_set(err, LD_ERR_INVALID, "egress entry \"%s\" is too long",
                            shown(text, n, sb, sizeof sb));
    const char *addr_s = text, *rest = NULL;
    size_t addr_n = 0;
    bool v6 = false, any = false;
    if (text[0] == '*') {
        any = true;
        rest = text + 1;
    } else if (text[0] == '[') {
        const char *close = memchr(text, ']', n);
        if (!close)
            return ld_error_set(err, LD_ERR_INVALID,
                                "egress entry \"%s\": missing ']' after the IPv6 address",
                                shown(text, n, sb, sizeof sb));
        addr_s = text + 1;
        addr_n = (size_t)(close - addr_s);
        rest = close + 1;
        v6 = true;
    } else {
        size_t colons = 0;
        for (size_t i = 0; i < n; i++)
            colons += text[i] == ':';
        if (colons >= 2) {
            /* a bare IPv6 address (or network): no port without brackets */
            const char *slash = memchr(text, '/', n);
            addr_n = slash ? (size_t)(slash - text) : n;
            rest = text + addr_n;
            v6 = true;
        } else {
            size_t i = 0;
            while (i < n && text[i] != '/' && text[i] != ':')
                i++;
            addr_n = i;
            rest = text + i;
        }
    }

    /* the address */
    if (any) {
        out->family = 0;
        out->prefix = 0;
    } else {
        char abuf[64];
        if (addr_n == 0 || addr_n >= sizeof abuf)
            return ld_error_set(err, LD_ERR_INVALID,
                                "egress entry \"%s\": expected an IP address, a network "
                                "(10.0.0.0/8) or *",
                                shown(text, n, sb, sizeof sb));
        memcpy(abuf, addr_s, addr_n);
        abuf[addr_n] = '\0';
        int fam = v6 ? AF_INET6 : AF_INET;
        if (inet_pton(fam, abuf, out->addr) != 1) {
            bool name_like =
                !v6 && ((abuf[0] >= 'a' && abuf[0] <= 'z') || (abuf[0] >= 'A' && abuf[0] <= 'Z'));
            char ab[SHOWN_MAX * 2];
            return ld_error_set(err, LD_ERR_INVALID,
                                "egress entry \"%s\": \"%s\" is not an %s address%s",
                                shown(text, n, sb, sizeof sb), shown(abuf, addr_n, ab, sizeof ab),
                                v6 ? "IPv6" : "IPv4",
                                name_like ? " (host names are not resolved: give an address "
                                            "or a network)"
                                          : "");
        }
        out->family = (uint16_t)fam;
        out->prefix = v6 ? 128 : 32;
    }

    /* "/prefix" */
    if (*rest == '/') {
        if (any)
            return ld_error_set(err, LD_ERR_INVALID,
                                "egress entry \"%s\": '*' takes no prefix length",
                                shown(text, n, sb, sizeof sb));
        const char *p = rest + 1;
        size_t pn = 0;
        while (p[pn] && p[pn] != ':')
            pn++;
        unsigned max = v6 ? 128 : 32, prefix = 0;
        if (!parse_number(p, pn, 0, max, &prefix))
            return ld_error_set(err, LD_ERR_INVALID,
                                "egress entry \"%s\": prefix length must be a number from 0 to %u",
                                shown(text, n, sb, sizeof sb), max);
        if (!host_bits_clear(out->addr, v6 ? 16 : 4, prefix))
            return ld_error_set(err, LD_ERR_INVALID,
                                "egress entry \"%s\": the address has bits set past /%u (write "
                                "the network address)",
                                shown(text, n, sb, sizeof sb), prefix);
        out->prefix = (uint8_t)prefix;
        rest = p + pn;
    }

    /* ":port" */
    if (*rest == ':') {
        if (v6 && text[0] != '[')
            return ld_error_set(err, LD_ERR_INVALID,
                                "egress entry \"%s\": put an IPv6 address in brackets to give a "
                                "port ([2001:db8::1]:443)",
                                shown(text, n, sb, sizeof sb));
        unsigned port = 0;
        if (!parse_number(rest + 1, strlen(rest + 1), 1, 65535, &port))
            return ld_error_set(err, LD_ERR_INVALID,
                                "egress entry \"%s\": port must be a number from 1 to 65535",
                                shown(text, n, sb, sizeof sb));
        out->port = (uint16_t)port;
        rest += strlen(rest);
    }
    if (*rest != '\0') {
        char rb[SHOWN_MAX * 2];
        return ld_error_set(err, LD_ERR_INVALID,
                            "egress entry \"%s\": unexpected \"%s\"; expected ADDR[/PREFIX][:PORT] "
                            "or *:PORT",
                            shown(text, n, sb, sizeof sb),
                            shown(rest, strlen(rest), rb, sizeof rb));
    }
    return 0;
}

int ld_rt_egress_parse_list(const char *text, ld_rt_egress_rule **out, size_t *n_out, ld_error *err)
{
    *out = NULL;
    *n_out = 0;
    if (!text)
        return 0;
    ld_rt_egress_rule *rules = NULL;
    size_t n = 0, cap = 0;
    const char *p = text;
    while (*p) {
        while (*p == ' ' || *p == '\t')
            p++;
        const char *end = strchr(p, ',');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        size_t trimmed = len;
        while (trimmed > 0 && (p[trimmed - 1] == ' ' || p[trimmed - 1] == '\t'))
            trimmed--;
        if (trimmed == 0) {
            if (!end)
                break; /* a trailing comma, or nothing at all */
            free(rules);
            return ld_error_set(err, LD_ERR_INVALID, "empty egress entry between commas");
        }
        if (n == LD_RT_EGRESS_MAX_ENTRIES) {
            free(rules);
            return ld_error_set(err, LD_ERR_LIMIT, "more than %d egress entries",
                                LD_RT_EGRESS_MAX_ENTRIES);
        }
        if (trimmed > ENTRY_MAX) {
            char sb[SHOWN_MAX * 2];
            free(rules);
            return ld_error_set(err, LD_ERR_INVALID, "egress entry \"%s\" is too long",
                                shown(p, trimmed, sb, sizeof sb));
        }
        char entry[ENTRY_MAX + 1];
        memcpy(entry, p, trimmed);
        entry[trimmed] = '\0';
        ld_xgrow(&rules, &cap, n + 1, sizeof *rules);
        int rc = ld_rt_egress_parse(entry, &rules[n], err);
        if (rc < 0) {
            free(rules);
            return rc;
        }
        n++;
        if (!end)
            break;
        p = end + 1;
    }
    *out = rules;
    *n_out = n;
    return 0;
}

static bool prefix_match(const uint8_t *a, const uint8_t *net, unsigned prefix)
{
    unsigned full = prefix / 8, bits = prefix % 8;
    if (memcmp(a, net, full) != 0)
        return false;
    if (bits == 0)
        return true;
    uint8_t mask = (uint8_t)(0xffu << (8 - bits));
    return (a[full] & mask) == (net[full] & mask);
}

/* The destination as IPv4 when it is an IPv4-mapped IPv6 address. */
static void normalise(const ld_rt_sockaddr *dst, uint16_t *family, uint8_t addr[16])
{
    static const uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    memset(addr, 0, 16);
    *family = dst->family;
    if (dst->family == AF_INET6 && memcmp(dst->addr, mapped, 12) == 0) {
        *family = AF_INET;
        memcpy(addr, dst->addr + 12, 4);
    } else if (dst->family == AF_INET) {
        memcpy(addr, dst->addr, 4);
    } else {
        memcpy(addr, dst->addr, 16);
    }
}

/* 127.0.0.0/8, ::1, and the unspecified addresses (a connect to 0.0.0.0
 * or :: reaches this host) */
static bool is_local(uint16_t family, const uint8_t *addr)
{
    static const uint8_t zero[16] = {0};
    if (family == AF_INET)
        return addr[0] == 127 || memcmp(addr, zero, 4) == 0;
    static const uint8_t one[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
    return memcmp(addr, one, 16) == 0 || memcmp(addr, zero, 16) == 0;
}

bool ld_rt_egress_allows(const ld_rt_container *ct, const ld_rt_sockaddr *dst)
{
    if (!ct || !ct->has_egress || !dst)
        return true; /* no policy: nothing to judge */
    if (dst->family != AF_INET && dst->family != AF_INET6)
        return true; /* unix sockets and the like are not egress */
    uint16_t family;
    uint8_t addr[16];
    normalise(dst, &family, addr);
    if (is_local(family, addr))
        return true;
    for (size_t i = 0; i < ct->n_egress; i++) {
        const ld_rt_egress_rule *r = &ct->egress[i];
        if (r->port && r->port != dst->port)
            continue;
        if (r->family == 0)
            return true;
        if (r->family == family && prefix_match(addr, r->addr, r->prefix))
            return true;
    }
    return false;
}
