/* Streaming JSON writer: values go straight to a FILE, commas and nesting
 * are tracked here, strings are escaped and made valid UTF-8 (invalid bytes
 * become U+FFFD), so any hostile label or path yields valid JSON.
 * Not a parser: reading JSON is jansson's job. */
#ifndef LD_UTIL_JSON_OUT_H
#define LD_UTIL_JSON_OUT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define LD_JSON_MAX_DEPTH 64

typedef struct {
    FILE *f;
    int depth;
    bool pretty;
    bool first[LD_JSON_MAX_DEPTH]; /* no element written yet at this depth */
    bool after_key;
} ld_json;

void ld_json_init(ld_json *j, FILE *f, bool pretty);
void ld_json_object_begin(ld_json *j);
void ld_json_object_end(ld_json *j);
void ld_json_array_begin(ld_json *j);
void ld_json_array_end(ld_json *j);
void ld_json_key(ld_json *j, const char *key);
void ld_json_string(ld_json *j, const char *s); /* NULL writes null */
void ld_json_stringn(ld_json *j, const char *s, size_t n);
void ld_json_int(ld_json *j, int64_t v);
void ld_json_double(ld_json *j, double v);
void ld_json_bool(ld_json *j, bool v);
void ld_json_null(ld_json *j);
/* key + value shorthands; *_opt skip the member entirely when s is NULL */
void ld_json_kv_string(ld_json *j, const char *key, const char *s);
void ld_json_kv_string_opt(ld_json *j, const char *key, const char *s);
void ld_json_kv_int(ld_json *j, const char *key, int64_t v);
void ld_json_kv_bool(ld_json *j, const char *key, bool v);
/* Writes s as the body of a JSON string (no quotes) to f. */
void ld_json_escape(FILE *f, const char *s, size_t n);

#endif
