/* Allocation helpers that abort on exhaustion. See mem.h. */
#include "util/mem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The one place the library gives up on memory exhaustion (see mem.h). It
 * prints nothing: the library never writes to stderr. */
static _Noreturn void oom(size_t n)
{
    (void)n;
    abort();
}

void *ld_xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p)
        oom(n);
    return p;
}

void *ld_xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p)
        oom(n * size);
    return p;
}

void *ld_xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q)
        oom(n);
    return q;
}

void ld_xgrow(void *items_ptr, size_t *cap, size_t need, size_t elem_size)
{
    void **items = items_ptr;
    if (need <= *cap)
        return;
    size_t ncap = *cap ? *cap : 8;
    while (ncap < need) {
        if (ncap > ((size_t)-1) / 2)
            oom(need);
        ncap *= 2;
    }
    size_t bytes;
    if (__builtin_mul_overflow(ncap, elem_size, &bytes))
        oom(need);
    *items = ld_xrealloc(*items, bytes);
    *cap = ncap;
}

char *ld_xstrdup(const char *s)
{
    if (!s)
        return NULL;
    char *d = strdup(s);
    if (!d)
        oom(strlen(s));
    return d;
}

char *ld_xstrndup(const char *s, size_t n)
{
    char *d = ld_xmalloc(n + 1);
    memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

char *ld_xvasprintf(const char *fmt, va_list ap)
{
    char *s = NULL;
    if (vasprintf(&s, fmt, ap) < 0)
        oom(0);
    return s;
}

char *ld_xasprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = ld_xvasprintf(fmt, ap);
    va_end(ap);
    return s;
}
