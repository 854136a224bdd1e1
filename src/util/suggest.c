/* "Did you mean" suggestions. See suggest.h. */
#include "util/suggest.h"

#include <string.h>

#define WORD_MAX 64

static char fold(char c) { return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c; }

size_t ld_edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > WORD_MAX || lb > WORD_MAX)
        return (size_t)-1;
    /* optimal string alignment: a swap of two neighbours ("scna") is one edit */
    size_t before[WORD_MAX + 1], prev[WORD_MAX + 1], cur[WORD_MAX + 1];
    for (size_t j = 0; j <= lb; j++)
        prev[j] = before[j] = j;
    for (size_t i = 1; i <= la; i++) {
        cur[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t best = prev[j - 1] + (fold(a[i - 1]) == fold(b[j - 1]) ? 0 : 1);
            if (prev[j] + 1 < best)
                best = prev[j] + 1;
            if (cur[j - 1] + 1 < best)
                best = cur[j - 1] + 1;
            if (i > 1 && j > 1 && fold(a[i - 1]) == fold(b[j - 2]) &&
                fold(a[i - 2]) == fold(b[j - 1]) && before[j - 2] + 1 < best)
                best = before[j - 2] + 1;
            cur[j] = best;
        }
        memcpy(before, prev, sizeof(prev));
        memcpy(prev, cur, sizeof(prev));
    }
    return prev[lb];
}

const char *ld_suggest(const char *word, const char *const *candidates, long n)
{
    const char *best = NULL;
    size_t best_d = 3;
    for (long i = 0; n < 0 ? candidates[i] != NULL : i < n; i++) {
        const char *c = candidates[i];
        if (!c)
            continue;
        size_t d = ld_edit_distance(word, c);
        if (d < best_d && d * 2 < strlen(c)) {
            best = c;
            best_d = d;
        }
    }
    return best;
}
