/* The one UTF-8 decoder. See utf8.h. */
#include "util/utf8.h"

size_t ld_utf8_decode(const unsigned char *s, size_t n, uint32_t *cp)
{
    unsigned c = s[0];
    size_t len;
    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    if (c >= 0xC2 && c <= 0xDF) {
        len = 2;
        *cp = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
        len = 3;
        *cp = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        len = 4;
        *cp = c & 0x07;
    } else {
        return 0;
    }
    if (len > n)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        *cp = (*cp << 6) | (s[i] & 0x3F);
    }
    if ((len == 3 && *cp < 0x800) || (len == 4 && (*cp < 0x10000 || *cp > 0x10FFFF)) ||
        (*cp >= 0xD800 && *cp <= 0xDFFF))
        return 0;
    return len;
}

uint32_t ld_utf8_next(const char *s, size_t n, size_t *i, const char **bytes, size_t *len)
{
    uint32_t cp = 0;
    size_t l = ld_utf8_decode((const unsigned char *)s + *i, n - *i, &cp);
    if (l == 0) {
        *bytes = LD_UTF8_REPLACEMENT;
        *len = sizeof(LD_UTF8_REPLACEMENT) - 1;
        *i += 1;
        return 0xFFFD;
    }
    *bytes = s + *i;
    *len = l;
    *i += l;
    return cp;
}

