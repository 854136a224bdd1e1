/* Lexical path canonicalisation (see path_lex.h). */
#include "util/path_lex.h"

#include <stdlib.h>
#include <string.h>

#include "util/mem.h"

char *ld_path_lex_clean(const char *path)
{
    if (!path)
        return NULL;
    size_t n = strlen(path);
    bool rooted = n > 0 && path[0] == '/';
    /* the result is never longer than the input, or "." */
    char *out = ld_xmalloc(n + 2);
    size_t w = 0;     /* bytes written */
    size_t floor = 0; /* ".." may not remove output before this offset */
    if (rooted) {
        out[w++] = '/';
        floor = 1;
    }
    size_t r = 0;
    while (r < n) {
        if (path[r] == '/') {
            r++;
            continue;
        }
        size_t end = r;
        while (end < n && path[end] != '/')
            end++;
        size_t len = end - r;
        if (len == 1 && path[r] == '.') {
            /* "." names the directory it is in */
        } else if (len == 2 && path[r] == '.' && path[r + 1] == '.') {
            if (w > floor) {
                /* drop the last component written, and the '/' before it */
                while (w > floor && out[w - 1] != '/')
                    w--;
                if (w > floor)
                    w--;
            } else if (!rooted) {
                /* a relative path keeps a leading "..": it climbs out of
                 * whatever it is relative to */
                if (w > 0)
                    out[w++] = '/';
                out[w++] = '.';
                out[w++] = '.';
                floor = w;
            }
            /* rooted: ".." at the root stays at the root */
        } else {
            if (w > 0 && out[w - 1] != '/')
                out[w++] = '/';
            memcpy(out + w, path + r, len);
            w += len;
        }
        r = end;
    }
    if (w == 0)
        out[w++] = '.';
    out[w] = '\0';
    return out;
}

bool ld_path_lex_within(const char *dir, const char *path)
{
    if (!dir || !path)
        return false;
    char *d = ld_path_lex_clean(dir), *p = ld_path_lex_clean(path);
    size_t n = strlen(d);
    bool in;
    if (strcmp(d, "/") == 0)
        in = p[0] == '/';
    else
        in = strncmp(d, p, n) == 0 && (p[n] == '\0' || p[n] == '/');
    free(d);
    free(p);
    return in;
}

bool ld_path_lex_equal(const char *a, const char *b)
{
    if (!a || !b)
        return false;
    char *x = ld_path_lex_clean(a), *y = ld_path_lex_clean(b);
    bool same = strcmp(x, y) == 0;
    free(x);
    free(y);
    return same;
}
