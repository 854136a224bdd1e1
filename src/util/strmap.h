/* A string-keyed hash map (open addressing, FNV-1a) for indexes built over
 * input: objects by namespace, by "namespace/name", groups by signature.
 * Keys are copied; values are the caller's pointers (never freed here).
 * Lookups and inserts take amortised constant time, so an index over n
 * objects costs O(n) instead of the O(n^2) of pairwise scans. */
#ifndef LD_UTIL_STRMAP_H
#define LD_UTIL_STRMAP_H

#include <stdbool.h>
#include <stddef.h>

typedef struct {
    char *key; /* NULL: empty slot */
    void *value;
} ld_strmap_slot;

typedef struct {
    ld_strmap_slot *slots;
    size_t cap; /* power of two, or 0 */
    size_t n;
} ld_strmap;

#define LD_STRMAP_INIT                                                                             \
    {                                                                                              \
        NULL, 0, 0                                                                                 \
    }

/* The value slot of key, inserted (value NULL, *created true) when absent.
 * The pointer stays valid until the next insert. */
void **ld_strmap_put(ld_strmap *m, const char *key, bool *created);
/* The value of key, or NULL when absent. */
void *ld_strmap_get(const ld_strmap *m, const char *key);
/* Frees the keys and the table (not the values); m is empty afterwards. */
void ld_strmap_clear(ld_strmap *m);

#endif
