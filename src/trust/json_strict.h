/* Small helpers for reading the signature formats strictly with jansson
 * (cosign payloads and signature manifests, Sigstore bundles,
 * containers-policy.json): what a value is called in a message, a member
 * name made safe to print, and the "exactly these members" rule of
 * containers/image's paranoid JSON parser. Messages are
 * "NAME: WHERE: what is wrong"; WHERE is a JSON path ("critical.image",
 * "transports.docker[\"x\"][0]"). */
#ifndef LD_TRUST_JSON_STRICT_H
#define LD_TRUST_JSON_STRICT_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "core/error.h"

static inline void ld_json_decrefp(json_t **j)
{
    if (*j)
        json_decref(*j);
}
#define ld_autojson __attribute__((cleanup(ld_json_decrefp)))

/* "an object", "an array", "a string", "a number", "a boolean", "null". */
const char *ld_js_kind(const json_t *v);

/* key as a quoted JSON string for messages, at most about 120 characters
 * (then "..."), control and non-ASCII bytes as \xNN. */
void ld_js_quote(char *buf, size_t cap, const char *key);

/* obj must be an object whose members are all among fields[0..n); with
 * all_required, every one of them must be there too. Else LD_ERR_CORRUPT:
 * "NAME: WHERE: unknown member \"k\"" / "missing member \"k\"" /
 * "must be an object, not ...". where "" means the top level. */
int ld_js_members(const json_t *obj, const char *const *fields, size_t n, bool all_required,
                  const char *name, const char *where, ld_error *err);

/* WHERE.key, or key at the top level (where ""); caller frees. */
char *ld_js_path(const char *where, const char *key);

#endif
