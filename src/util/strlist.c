/* Growable list of owned strings. See strlist.h. */
#include "util/strlist.h"

#include <stdlib.h>
#include <string.h>

#include "util/mem.h"

void ld_strlist_push_owned(ld_strlist *l, char *s)
{
    ld_xgrow(&l->v, &l->cap, l->n + 1, sizeof(*l->v));
    l->v[l->n++] = s;
}

void ld_strlist_push(ld_strlist *l, const char *s) { ld_strlist_push_owned(l, ld_xstrdup(s)); }

bool ld_strlist_contains(const ld_strlist *l, const char *s)
{
    for (size_t i = 0; i < l->n; i++)
        if (strcmp(l->v[i], s) == 0)
            return true;
    return false;
}

char *ld_strlist_join(const ld_strlist *l, const char *sep)
{
    size_t seplen = strlen(sep), total = 1;
    for (size_t i = 0; i < l->n; i++)
        total += strlen(l->v[i]) + (i ? seplen : 0);
    char *out = ld_xmalloc(total), *p = out;
    for (size_t i = 0; i < l->n; i++) {
        if (i) {
            memcpy(p, sep, seplen);
            p += seplen;
        }
        size_t len = strlen(l->v[i]);
        memcpy(p, l->v[i], len);
        p += len;
    }
    *p = '\0';
    return out;
}

void ld_strlist_clear(ld_strlist *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->v[i]);
    free(l->v);
    l->v = NULL;
    l->n = l->cap = 0;
}

char *ld_strlist_join_max(const ld_strlist *l, const char *sep, size_t max)
{
    if (l->n <= max)
        return ld_strlist_join(l, sep);
    ld_strlist shown = {.v = l->v, .n = max, .cap = max};
    char *list = ld_strlist_join(&shown, sep);
    char *out = ld_xasprintf("%s and %zu more", list, l->n - max);
    free(list);
    return out;
}
