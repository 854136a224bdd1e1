/* Finding where JSON values start and end in a buffer without building
 * them: for documents too large to load as one tree (feeds of 100 MB and
 * more), walked one member or element at a time, each parsed on its own
 * with jansson. Only structure is checked here (balanced brackets outside
 * strings, string escapes skipped); each span's content is validated by
 * the parser it is handed to. No recursion: nesting is only counted. */
#ifndef LD_UTIL_JSON_SPAN_H
#define LD_UTIL_JSON_SPAN_H

#include <stdbool.h>
#include <stddef.h>

/* Offset of the first non-blank byte at or after i (len when none). */
size_t ld_json_skip_ws(const char *buf, size_t len, size_t i);

/* One past the end of the JSON value starting at buf[i] (an object, an
 * array, a string, or a number/true/false/null token), or 0 when it does
 * not end inside buf or does not start a value. */
size_t ld_json_value_end(const char *buf, size_t len, size_t i);

/* Walks the members of an object or the elements of an array. */
typedef struct {
    const char *buf;
    size_t len;
    size_t pos; /* where the next member is looked for */
    char close; /* '}' or ']' */
    bool first;
} ld_json_walk;

/* Starts at buf[i], which must be '{' or '['; false otherwise. */
bool ld_json_walk_begin(ld_json_walk *w, const char *buf, size_t len, size_t i);

/* The next member: for an object *key..*key_end is the key's string
 * (quotes included, to hand to a JSON parser); for an array both are 0.
 * *val..*val_end is the value. Returns 1, 0 after the closing bracket
 * (w->pos is then one past it), or -1 when malformed (*val is then the
 * offset where). */
int ld_json_walk_next(ld_json_walk *w, size_t *key, size_t *key_end, size_t *val, size_t *val_end);

#endif
