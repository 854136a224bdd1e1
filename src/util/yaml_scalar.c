/* How a plain YAML scalar's text types itself under YAML 1.1, the rules
 * sigs.k8s.io/yaml (go-yaml v2) applies before the API server sees a value:
 * null, booleans (y/yes/on/true and their false forms), integers (decimal,
 * 0x hex, 0o and leading-0 octal, 0b binary, signs, '_' separators) and
 * floats. See yaml_doc.h. Not for quoted scalars: those are strings. */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "util/yaml_doc.h"

bool ld_yaml_text_is_null(const char *s)
{
    return s && (!*s || strcmp(s, "~") == 0 || strcmp(s, "null") == 0 ||
                 strcmp(s, "Null") == 0 || strcmp(s, "NULL") == 0);
}

bool ld_yaml_text_bool(const char *s, bool *out)
{
    static const char *const yes[] = {"y",    "Y",    "yes", "Yes", "YES", "true",
                                      "True", "TRUE", "on",  "On",  "ON",  NULL};
    static const char *const no[] = {"n",     "N",     "no",  "No",  "NO",  "false",
                                     "False", "FALSE", "off", "Off", "OFF", NULL};
    if (!s)
        return false;
    for (size_t i = 0; yes[i]; i++) {
        if (strcmp(s, yes[i]) == 0) {
            *out = true;
            return true;
        }
        if (strcmp(s, no[i]) == 0) {
            *out = false;
            return true;
        }
    }
    return false;
}

static int digit_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return 99;
}

bool ld_yaml_text_int(const char *s, long long *out)
{
    if (!s || !*s)
        return false;
    bool neg = false;
    if (*s == '+' || *s == '-')
        neg = *s++ == '-';
    unsigned base = 10;
    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        base = 16;
        s += 2;
    } else if (s[0] == '0' && (s[1] == 'o' || s[1] == 'O')) {
        base = 8;
        s += 2;
    } else if (s[0] == '0' && (s[1] == 'b' || s[1] == 'B')) {
        base = 2;
        s += 2;
    } else if (s[0] == '0' && s[1]) {
        base = 8;
        s += 1;
    }
    if (!*s || *s == '_')
        return false;
    uint64_t v = 0;
    size_t ndigits = 0;
    for (; *s; s++) {
        if (*s == '_')
            continue;
        int d = digit_value(*s);
        if (d < 0 || (unsigned)d >= base)
            return false;
        if (__builtin_mul_overflow(v, base, &v) || __builtin_add_overflow(v, (uint64_t)d, &v))
            return false;
        ndigits++;
    }
    if (!ndigits)
        return false;
    if (neg) {
        if (v > (uint64_t)INT64_MAX + 1)
            return false;
        *out = v == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(long long)v;
    } else {
        if (v > (uint64_t)INT64_MAX)
            return false;
        *out = (long long)v;
    }
    return true;
}

bool ld_yaml_text_float(const char *s)
{
    if (!s || !*s)
        return false;
    const char *p = s;
    if (*p == '+' || *p == '-')
        p++;
    if (strcmp(p, ".inf") == 0 || strcmp(p, ".Inf") == 0 || strcmp(p, ".INF") == 0)
        return true;
    if (p == s && (strcmp(p, ".nan") == 0 || strcmp(p, ".NaN") == 0 || strcmp(p, ".NAN") == 0))
        return true;
    size_t intd = strspn(p, "0123456789_");
    p += intd;
    size_t frac = 0;
    if (*p == '.') {
        p++;
        frac = strspn(p, "0123456789_");
        p += frac;
    }
    if (!intd && !frac)
        return false;
    if (*p == 'e' || *p == 'E') {
        p++;
        if (*p == '+' || *p == '-')
            p++;
        size_t e = strspn(p, "0123456789");
        if (!e)
            return false;
        p += e;
    }
    return *p == '\0';
}
