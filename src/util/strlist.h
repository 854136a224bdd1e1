/* A growable list of owned strings. */
#ifndef LD_UTIL_STRLIST_H
#define LD_UTIL_STRLIST_H

#include <stdbool.h>
#include <stddef.h>

typedef struct {
    char **v;
    size_t n;
    size_t cap;
} ld_strlist;

void ld_strlist_push(ld_strlist *l, const char *s); /* copies s */
void ld_strlist_push_owned(ld_strlist *l, char *s); /* takes s */
bool ld_strlist_contains(const ld_strlist *l, const char *s);
/* Joined with sep into a new string (caller frees); "" for an empty list. */
char *ld_strlist_join(const ld_strlist *l, const char *sep);
/* The first max items joined with sep, then " and N more" when there are
 * more ("a.yaml, b.yaml, c/ and 4 more"). */
char *ld_strlist_join_max(const ld_strlist *l, const char *sep, size_t max);
void ld_strlist_clear(ld_strlist *l);

#endif
