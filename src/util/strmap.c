/* String-keyed hash map (see util/strmap.h). */
#include "util/strmap.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/mem.h"

static uint64_t hash_key(const char *s)
{
    uint64_t h = 14695981039346656037ULL;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        h ^= *p;
        h *= 1099511628211ULL;
    }
    return h;
}

static ld_strmap_slot *find(const ld_strmap_slot *slots, size_t cap, const char *key)
{
    size_t mask = cap - 1;
    for (size_t i = (size_t)hash_key(key) & mask;; i = (i + 1) & mask) {
        const ld_strmap_slot *s = &slots[i];
        if (!s->key || strcmp(s->key, key) == 0)
            return (ld_strmap_slot *)s;
    }
}

static void grow(ld_strmap *m)
{
    size_t cap = m->cap ? m->cap * 2 : 16;
    ld_strmap_slot *slots = ld_xcalloc(cap, sizeof(*slots));
    for (size_t i = 0; i < m->cap; i++)
        if (m->slots[i].key)
            *find(slots, cap, m->slots[i].key) = m->slots[i];
    free(m->slots);
    m->slots = slots;
    m->cap = cap;
}

void **ld_strmap_put(ld_strmap *m, const char *key, bool *created)
{
    if ((m->n + 1) * 4 > m->cap * 3) /* load factor at most 3/4 */
        grow(m);
    ld_strmap_slot *s = find(m->slots, m->cap, key);
    bool fresh = s->key == NULL;
    if (fresh) {
        s->key = ld_xstrdup(key);
        s->value = NULL;
        m->n++;
    }
    if (created)
        *created = fresh;
    return &s->value;
}

void *ld_strmap_get(const ld_strmap *m, const char *key)
{
    if (!m->cap)
        return NULL;
    const ld_strmap_slot *s = find(m->slots, m->cap, key);
    return s->key ? s->value : NULL;
}

void ld_strmap_clear(ld_strmap *m)
{
    for (size_t i = 0; i < m->cap; i++)
        free(m->slots[i].key);
    free(m->slots);
    m->slots = NULL;
    m->cap = m->n = 0;
}
