/* "Did you mean": the closest of a list of known words to a word a user
 * typed (a command, an option, a policy key), by edit distance, ignoring
 * ASCII case. Not for fuzzy search: a suggestion is made only when the
 * word is close enough that a typo is the likely story. */
#ifndef LD_UTIL_SUGGEST_H
#define LD_UTIL_SUGGEST_H

#include <stddef.h>

/* Edit distance (insertions, deletions, substitutions and swaps of two
 * neighbours each cost 1), ASCII case folded; words longer than 64 bytes are
 * "far" (returns (size_t)-1). */
size_t ld_edit_distance(const char *a, const char *b);

/* The candidate closest to word (NULL-terminated list; n < 0) or among the
 * first n (n >= 0), when the distance is at most 2 and less than half the
 * candidate's length; NULL otherwise. Borrowed from candidates. */
const char *ld_suggest(const char *word, const char *const *candidates, long n);

#endif
