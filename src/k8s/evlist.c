/* Bounded evidence lists (see k8s/evlist.h). */
#include "k8s/evlist.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/mem.h"

static void append(ld_k8s_evlist *l, const char *s, size_t n)
{
    ld_xgrow(&l->text, &l->cap, l->len + n + 1, 1);
    memcpy(l->text + l->len, s, n);
    l->len += n;
    l->text[l->len] = '\0';
}

void ld_k8s_evlist_add(ld_k8s_evlist *l, const char *fmt, ...)
{
    l->items++;
    if (l->items > LD_K8S_EVLIST_SHOWN)
        return;
    char item[LD_K8S_EVLIST_ITEM_MAX + 4];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(item, LD_K8S_EVLIST_ITEM_MAX + 1, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if ((size_t)n > LD_K8S_EVLIST_ITEM_MAX)
        memcpy(item + LD_K8S_EVLIST_ITEM_MAX - 3, "...", 4);
    if (l->len)
        append(l, "; ", 2);
    append(l, item, strlen(item));
}

const char *ld_k8s_evlist_text(ld_k8s_evlist *l)
{
    if (!l->text)
        append(l, "", 0);
    l->text[l->len] = '\0'; /* drop a tail written by an earlier call */
    if (l->items > LD_K8S_EVLIST_SHOWN) {
        /* the tail goes after the items without counting in len, so a
         * later add overwrites it */
        char more[64];
        int n = snprintf(more, sizeof(more), " (and %zu more)", l->items - LD_K8S_EVLIST_SHOWN);
        if (n > 0) {
            ld_xgrow(&l->text, &l->cap, l->len + (size_t)n + 1, 1);
            memcpy(l->text + l->len, more, (size_t)n + 1);
        }
    }
    return l->text;
}

void ld_k8s_evlist_clear(ld_k8s_evlist *l)
{
    free(l->text);
    l->text = NULL;
    l->len = l->cap = l->items = 0;
}
