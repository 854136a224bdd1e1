/* The text helpers the Dockerfile parser and lint rules share (see
 * dockerfile_text.h): the growable buffer, prefix and suffix tests, flag
 * values. Not for anything that knows Dockerfile syntax beyond a flag's
 * "name=value" shape. */
#include <string.h>

#include "checks/dockerfile_text.h"
#include "util/mem.h"

/* ---- the growable buffer ---------------------------------------------------- */

void df_sb_putn(df_sbuf *b, const char *s, size_t n)
{
    if (b->n + n + 1 > b->cap) {
        size_t nc = b->cap ? b->cap : 64;
        while (nc < b->n + n + 1)
            nc *= 2;
        b->p = ld_xrealloc(b->p, nc);
        b->cap = nc;
    }
    if (n)
        memcpy(b->p + b->n, s, n);
    b->n += n;
    b->p[b->n] = '\0';
}
void df_sb_putc(df_sbuf *b, char c)
{
    df_sb_putn(b, &c, 1);
}
void df_sb_puts(df_sbuf *b, const char *s)
{
    df_sb_putn(b, s, strlen(s));
}
char *df_sb_steal(df_sbuf *b)
{
    char *s = b->p ? b->p : ld_xstrdup("");
    b->p = NULL;
    b->n = b->cap = 0;
    return s;
}

/* ---- words ------------------------------------------------------------------ */

bool df_starts_with(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

bool df_ends_with(const char *s, const char *suffix)
{
    size_t a = strlen(s), b = strlen(suffix);
    return a >= b && strcmp(s + a - b, suffix) == 0;
}

const char *df_flag_value(const ld_strlist *flags, const char *name)
{
    size_t nl = strlen(name);
    for (size_t i = 0; i < flags->n; i++)
        if (strncmp(flags->v[i], name, nl) == 0 && flags->v[i][nl] == '=')
            return flags->v[i] + nl + 1;
    return NULL;
}
