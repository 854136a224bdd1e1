/* String sets of the condition language: the items of `in (...)`,
 * `intersects (...)` and `pmatch (...)`, deduplicated at compile time and
 * looked up per event in constant time (FNV-1a, open addressing), so a
 * list of a thousand shells costs one hash and a comparison or two, not a
 * thousand strcmp. Small sets are scanned: that is faster than hashing. */
#include <stdlib.h>
#include <string.h>

#include "runtime/rules_cond_internal.h"
#include "util/mem.h"

#define LINEAR_MAX 8

static uint64_t fnv1a(const char *s, size_t len)
{
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < len; i++) {
        h ^= (unsigned char)s[i];
        h *= 1099511628211ull;
    }
    return h;
}

static void place(cond_strset *set, uint32_t index)
{
    size_t mask = set->n_slots - 1;
    size_t i = (size_t)fnv1a(set->items[index], set->lens[index]) & mask;
    while (set->slots[i])
        i = (i + 1) & mask;
    set->slots[i] = index + 1;
}

static void rehash(cond_strset *set, size_t n_slots)
{
    free(set->slots);
    set->slots = ld_xcalloc(n_slots, sizeof *set->slots);
    set->n_slots = n_slots;
    for (size_t i = 0; i < set->n; i++)
        place(set, (uint32_t)i);
}

bool ld_rtc_set_has_n(const cond_strset *set, const char *s, size_t len)
{
    if (set->n <= LINEAR_MAX || !set->n_slots) {
        for (size_t i = 0; i < set->n; i++)
            if (set->lens[i] == len && memcmp(set->items[i], s, len) == 0)
                return true;
        return false;
    }
    size_t mask = set->n_slots - 1;
    for (size_t i = (size_t)fnv1a(s, len) & mask; set->slots[i]; i = (i + 1) & mask) {
        uint32_t k = set->slots[i] - 1;
        if (set->lens[k] == len && memcmp(set->items[k], s, len) == 0)
            return true;
    }
    return false;
}

bool ld_rtc_set_has(const cond_strset *set, const char *s)
{
    if (set->n <= LINEAR_MAX) {
        for (size_t i = 0; i < set->n; i++)
            if (strcmp(set->items[i], s) == 0)
                return true;
        return false;
    }
    return ld_rtc_set_has_n(set, s, strlen(s));
}

int ld_rtc_set_add(cond_strset *set, const char *s, size_t len)
{
    if (ld_rtc_set_has_n(set, s, len))
        return 0;
    if (set->n == set->cap) {
        size_t cap = set->cap;
        ld_xgrow(&set->items, &cap, set->n + 1, sizeof *set->items);
        set->lens = ld_xrealloc(set->lens, cap * sizeof *set->lens);
        set->cap = cap;
    }
    set->items[set->n] = ld_xstrndup(s, len);
    set->lens[set->n] = (uint32_t)len;
    set->n++;
    if (set->n > LINEAR_MAX) {
        if (set->n * 2 > set->n_slots)
            rehash(set, set->n_slots ? set->n_slots * 2 : 32);
        else
            place(set, (uint32_t)(set->n - 1));
    }
    return 1;
}

bool ld_rtc_set_pmatch(const cond_strset *set, const char *s)
{
    if (set->root && s[0] == '/')
        return true;
    /* every leading run of whole components of s, and s itself */
    size_t i = 1;
    for (; s[i - 1]; i++)
        if (s[i] == '/' || s[i] == '\0')
            if (ld_rtc_set_has_n(set, s, i))
                return true;
    return false;
}

void ld_rtc_set_free(cond_strset *set)
{
    for (size_t i = 0; i < set->n; i++)
        free(set->items[i]);
    free(set->items);
    free(set->lens);
    free(set->slots);
    memset(set, 0, sizeof *set);
}
