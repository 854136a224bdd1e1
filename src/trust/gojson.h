/* Compact JSON text built in memory the way Go's encoding/json writes it
 * (what cosign and containers/image produce): no spaces, strings escaped as
 * Go escapes them ("<", ">", "&", U+2028 and U+2029 as \u escapes, control
 * characters as \u00xx except \n \r \t, invalid UTF-8 as \ufffd). Key
 * order is the caller's: Go writes struct fields in declaration order and
 * map keys sorted, and the builders of trust/cosign*.c do the same. For
 * the signature formats' builders only; report writers use util/json_out.h. */
#ifndef LD_TRUST_GOJSON_H
#define LD_TRUST_GOJSON_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
    char *buf; /* NUL-terminated once anything was written */
    size_t len;
    size_t cap;
} ld_gojson;

/* Appends s as it is (punctuation, keys already quoted by the caller). */
void ld_gojson_raw(ld_gojson *j, const char *s);
/* Appends s[0..n) as a quoted, escaped JSON string. */
void ld_gojson_string(ld_gojson *j, const char *s, size_t n);
/* "KEY": with KEY escaped, preceded by ',' unless first. */
void ld_gojson_key(ld_gojson *j, const char *key, int first);
void ld_gojson_int(ld_gojson *j, int64_t v);
void ld_gojson_uint(ld_gojson *j, uint64_t v);
/* Hands the text over (caller frees; never NULL) and resets j. */
char *ld_gojson_take(ld_gojson *j, size_t *len);
void ld_gojson_clear(ld_gojson *j);

#endif
