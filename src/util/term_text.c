/* The one terminal-escaping function (see term_text.h). */
#include "util/term_text.h"

#include <stdlib.h>
#include <string.h>

#include "util/mem.h"
#include "util/utf8.h"

bool ld_term_unsafe_cp(uint32_t cp)
{
    return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F) || cp == 0x061C || cp == 0x200E ||
           cp == 0x200F || (cp >= 0x2028 && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069);
}

typedef struct {
    char *p;
    size_t n, cap;
} text_buf;

static void add(text_buf *b, const char *s, size_t n)
{
    ld_xgrow(&b->p, &b->cap, b->n + n + 1, 1);
    memcpy(b->p + b->n, s, n);
    b->n += n;
    b->p[b->n] = '\0';
}

/* "\xNN" below U+0080, "\uNNNN" above (every unsafe code point is in the
 * BMP). */
static void add_escape(text_buf *b, uint32_t cp)
{
    static const char hex[] = "0123456789abcdef";
    char e[6];
    size_t n = 0;
    e[n++] = '\\';
    if (cp < 0x80) {
        e[n++] = 'x';
    } else {
        e[n++] = 'u';
        e[n++] = hex[(cp >> 12) & 0xF];
        e[n++] = hex[(cp >> 8) & 0xF];
    }
    e[n++] = hex[(cp >> 4) & 0xF];
    e[n++] = hex[cp & 0xF];
    add(b, e, n);
}

char *ld_term_clean_opts(const char *s, ld_term_opts *o)
{
    if (o)
        o->left_out = 0;
    if (!s)
        return NULL;
    bool multiline = o && o->multiline;
    size_t len = strlen(s), shown = o && o->max && o->max < len ? o->max : len, i = 0;
    text_buf b = {0};
    add(&b, "", 0);
    while (i < shown) {
        const char *bytes;
        size_t clen, at = i;
        uint32_t cp = ld_utf8_next(s, len, &i, &bytes, &clen);
        if (i > shown) { /* the character straddles the cut: leave it out */
            i = at;
            break;
        }
        if (multiline && cp == '\n')
            add(&b, "\n", 1);
        else if (multiline && cp == '\t')
            add(&b, " ", 1);
        else if (ld_term_unsafe_cp(cp))
            add_escape(&b, cp);
        else
            add(&b, bytes, clen); /* U+FFFD for a byte that is not UTF-8 */
    }
    if (o)
        o->left_out = len - i;
    return b.p;
}

char *ld_term_clean(const char *s)
{
    return ld_term_clean_opts(s, NULL);
}

size_t ld_term_width(const char *clean)
{
    size_t w = 0;
    for (const char *p = clean; p && *p; p++)
        w += ((unsigned char)*p & 0xC0) != 0x80;
    return w;
}

size_t ld_term_put(FILE *f, const char *s)
{
    char *clean = ld_term_clean(s);
    if (!clean)
        return 0;
    fputs(clean, f);
    size_t w = ld_term_width(clean);
    free(clean);
    return w;
}
