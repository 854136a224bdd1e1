/* Strict JSON reading helpers for the signature formats (json_strict.h). */
#include <stdio.h>
#include <string.h>

#include "trust/json_strict.h"
#include "util/mem.h"

const char *ld_js_kind(const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT: return "an object";
    case JSON_ARRAY: return "an array";
    case JSON_STRING: return "a string";
    case JSON_INTEGER:
    case JSON_REAL: return "a number";
    case JSON_TRUE:
    case JSON_FALSE: return "a boolean";
    case JSON_NULL: return "null";
    }
    return "a value";
}

void ld_js_quote(char *buf, size_t cap, const char *key)
{
    static const char hex[] = "0123456789abcdef";
    size_t o = 0;
    if (cap < 8) {
        if (cap)
            buf[0] = '\0';
        return;
    }
    buf[o++] = '"';
    size_t limit = cap - 6; /* room for "...\"" and the NUL */
    for (const unsigned char *p = (const unsigned char *)key; *p; p++) {
        size_t need = (*p < 0x20 || *p >= 0x7F) ? 4 : (*p == '"' || *p == '\\') ? 2 : 1;
        if (o + need > limit || o > 120) {
            memcpy(buf + o, "...", 3);
            o += 3;
            break;
        }
        if (need == 4) {
            buf[o++] = '\\';
            buf[o++] = 'x';
            buf[o++] = hex[*p >> 4];
            buf[o++] = hex[*p & 15];
        } else {
            if (need == 2)
                buf[o++] = '\\';
            buf[o++] = (char)*p;
        }
    }
    buf[o++] = '"';
    buf[o] = '\0';
}

static const char *at(const char *where)
{
    return where && *where ? where : "top level";
}

int ld_js_members(const json_t *obj, const char *const *fields, size_t n, bool all_required,
                  const char *name, const char *where, ld_error *err)
{
    if (!json_is_object(obj))
        return ld_error_set(err, LD_ERR_CORRUPT, "%s: %s: must be an object, not %s", name,
                            at(where), ld_js_kind(obj));
    const char *key;
    json_t *value;
    json_object_foreach((json_t *)obj, key, value)
    {
        bool known = false;
        for (size_t i = 0; i < n && !known; i++)
            known = strcmp(key, fields[i]) == 0;
        if (!known) {
            char q[160];
            ld_js_quote(q, sizeof(q), key);
            return ld_error_set(err, LD_ERR_CORRUPT, "%s: %s: unknown member %s", name, at(where),
                                q);
        }
    }
    if (all_required)
        for (size_t i = 0; i < n; i++)
            if (!json_object_get(obj, fields[i]))
                return ld_error_set(err, LD_ERR_CORRUPT, "%s: %s: missing member \"%s\"", name,
                                    at(where), fields[i]);
    return 0;
}

char *ld_js_path(const char *where, const char *key)
{
    return where && *where ? ld_xasprintf("%s.%s", where, key) : ld_xstrdup(key);
}
