/* Finding emission and evidence formatting for the docker audit. See
 * evidence.h. */
#include "docker/evidence.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "util/mem.h"

int ld_emit(const ld_emitter *em, const char *check_id, ld_status status, const char *title,
            const char *fmt, ...)
{
    const ld_control *ctl = ld_catalog_control_for_check(em->r->catalog, check_id);
    if (!ctl)
        return ld_error_set(em->err, LD_ERR_GENERIC,
                            "check %s has no control in data/controls.yaml", check_id);
    ld_finding *f = ld_finding_new(ctl, check_id, status);
    ld_finding_set_target(f, em->kind, em->target_id, em->target_name);
    if (title)
        ld_finding_set_title(f, title);
    va_list ap;
    va_start(ap, fmt);
    f->evidence = ld_xvasprintf(fmt, ap);
    va_end(ap);
    return ld_report_emit(em->r, f, em->err);
}

char *ld_ev_json(const json_t *v)
{
    if (!v)
        return ld_xstrdup("missing");
    char *s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
    if (!s)
        return ld_xstrdup("(unprintable)");
    size_t len = strlen(s);
    if (len <= LD_EV_VALUE_MAX) {
        char *out = ld_xstrdup(s);
        free(s);
        return out;
    }
    size_t cut = LD_EV_VALUE_MAX;
    while (cut > 0 && ((unsigned char)s[cut] & 0xC0) == 0x80)
        cut--;
    char *out = ld_xasprintf("%.*s... (%zu bytes)", (int)cut, s, len);
    free(s);
    return out;
}

char *ld_ev_str(const char *s)
{
    json_t *j = s ? json_string(s) : NULL;
    char *out = j ? ld_ev_json(j) : ld_xstrdup(s ? "(invalid UTF-8)" : "null");
    json_decref(j);
    return out;
}

const char *ld_ev_type(const json_t *v)
{
    if (!v)
        return "missing";
    switch (json_typeof(v)) {
    case JSON_OBJECT: return "an object";
    case JSON_ARRAY: return "an array";
    case JSON_STRING: return "a string";
    case JSON_INTEGER: return "an integer";
    case JSON_REAL: return "a number";
    case JSON_TRUE:
    case JSON_FALSE: return "a boolean";
    case JSON_NULL: return "null";
    }
    return "a value";
}

const json_t *ld_json_path(const json_t *doc, const char *path)
{
    const json_t *v = doc;
    const char *p = path;
    while (v && *p) {
        if (!json_is_object(v))
            return NULL;
        const char *dot = strchr(p, '.');
        size_t n = dot ? (size_t)(dot - p) : strlen(p);
        v = json_object_getn(v, p, n);
        p = dot ? dot + 1 : p + n;
    }
    return v;
}
