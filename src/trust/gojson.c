/* Go-compatible compact JSON text in memory (gojson.h). */
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "trust/gojson.h"
#include "util/mem.h"
#include "util/utf8.h"

static void append(ld_gojson *j, const char *s, size_t n)
{
    if (j->len + n + 1 > j->cap) {
        size_t cap = j->cap ? j->cap : 256;
        while (cap < j->len + n + 1)
            cap *= 2;
        j->buf = ld_xrealloc(j->buf, cap);
        j->cap = cap;
    }
    memcpy(j->buf + j->len, s, n);
    j->len += n;
    j->buf[j->len] = '\0';
}

void ld_gojson_raw(ld_gojson *j, const char *s)
{
    append(j, s, strlen(s));
}

void ld_gojson_string(ld_gojson *j, const char *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    append(j, "\"", 1);
    size_t i = 0;
    while (i < n) {
        size_t start = i;
        const char *bytes = NULL;
        size_t blen = 0;
        uint32_t cp = ld_utf8_next(s, n, &i, &bytes, &blen);
        /* an invalid byte comes back as U+FFFD from the replacement text */
        bool invalid = bytes != s + start;
        char esc[8];
        if (invalid) {
            append(j, "\\ufffd", 6);
        } else if (cp == '"' || cp == '\\') {
            esc[0] = '\\';
            esc[1] = (char)cp;
            append(j, esc, 2);
        } else if (cp == '\n') {
            append(j, "\\n", 2);
        } else if (cp == '\r') {
            append(j, "\\r", 2);
        } else if (cp == '\t') {
            append(j, "\\t", 2);
        } else if (cp < 0x20 || cp == '<' || cp == '>' || cp == '&') {
            memcpy(esc, "\\u00", 4);
            esc[4] = hex[cp >> 4];
            esc[5] = hex[cp & 15];
            append(j, esc, 6);
        } else if (cp == 0x2028 || cp == 0x2029) {
            append(j, cp == 0x2028 ? "\\u2028" : "\\u2029", 6);
        } else {
            append(j, bytes, blen);
        }
    }
    append(j, "\"", 1);
}

void ld_gojson_key(ld_gojson *j, const char *key, int first)
{
    if (!first)
        append(j, ",", 1);
    ld_gojson_string(j, key, strlen(key));
    append(j, ":", 1);
}

void ld_gojson_int(ld_gojson *j, int64_t v)
{
    char num[32];
    int n = snprintf(num, sizeof(num), "%" PRId64, v);
    append(j, num, (size_t)n);
}

void ld_gojson_uint(ld_gojson *j, uint64_t v)
{
    char num[32];
    int n = snprintf(num, sizeof(num), "%" PRIu64, v);
    append(j, num, (size_t)n);
}

char *ld_gojson_take(ld_gojson *j, size_t *len)
{
    if (!j->buf)
        append(j, "", 0);
    char *out = j->buf;
    if (len)
        *len = j->len;
    memset(j, 0, sizeof(*j));
    return out;
}

void ld_gojson_clear(ld_gojson *j)
{
    free(j->buf);
    memset(j, 0, sizeof(*j));
}
