/* Finding emission, typed field lookup, evidence formatting and /info
 * SecurityOptions parsing for the docker audit. See evidence.h. */
#include "docker/evidence.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "checks/secrets.h"
#include "util/cleanup.h"
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
    char *ev = ld_xvasprintf(fmt, ap);
    va_end(ap);
    /* a container's inspect output (Env, Cmd, Healthcheck, labels) is printed
     * as seen, masked the way secret findings are; the engine's own /info
     * fields (Plugins.Authorization = [...]) name no secret and stay exact */
    if (em->kind == LD_TARGET_CONTAINER) {
        f->evidence = ld_secret_mask_text(NULL, ev);
        free(ev);
    } else {
        f->evidence = ev;
    }
    return ld_findings_add(em->r, f, em->err);
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

static const char *want_name(ld_want w)
{
    switch (w) {
    case LD_WANT_BOOL: return "a boolean";
    case LD_WANT_STRING: return "a string";
    case LD_WANT_INT: return "an integer";
    case LD_WANT_COUNT: return "a non-negative integer";
    case LD_WANT_OBJECT: return "an object";
    case LD_WANT_ARRAY_OR_NULL: return "an array";
    case LD_WANT_OBJECT_OR_NULL: return "an object";
    }
    return "?";
}

static bool has_type(const json_t *v, ld_want w)
{
    switch (w) {
    case LD_WANT_BOOL: return json_is_boolean(v);
    case LD_WANT_STRING: return json_is_string(v);
    case LD_WANT_INT: return json_is_integer(v);
    case LD_WANT_COUNT: return json_is_integer(v) && json_integer_value(v) >= 0;
    case LD_WANT_OBJECT: return json_is_object(v);
    case LD_WANT_ARRAY_OR_NULL: return json_is_array(v) || json_is_null(v);
    case LD_WANT_OBJECT_OR_NULL: return json_is_object(v) || json_is_null(v);
    }
    return false;
}

/* Emits the error finding of a failed lookup: 1, or < 0 when emitting failed. */
static int need_failed(const ld_emitter *em, const char *check_id, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int need_failed(const ld_emitter *em, const char *check_id, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    ld_autofree char *msg = ld_xvasprintf(fmt, ap);
    va_end(ap);
    int rc = ld_emit(em, check_id, LD_STATUS_ERROR, NULL, "%s", msg);
    return rc < 0 ? rc : 1;
}

int ld_need(const ld_emitter *em, const char *check_id, const json_t *doc, const char *doc_name,
            const char *path, ld_want want, bool missing_ok, const json_t **out)
{
    *out = NULL;
    if (!doc)
        return need_failed(em, check_id, "no %s response", doc_name);
    if (!json_is_object(doc))
        return need_failed(em, check_id, "%s response is %s, expected an object", doc_name,
                           ld_ev_type(doc));
    const json_t *v = doc;
    const char *p = path;
    while (*p) {
        const char *dot = strchr(p, '.');
        size_t n = dot ? (size_t)(dot - p) : strlen(p);
        if (!json_is_object(v))
            return need_failed(em, check_id, "field %.*s is %s, expected an object",
                               (int)(p - path - 1), path, ld_ev_type(v));
        v = json_object_getn(v, p, n);
        if (!v) {
            if (missing_ok && !dot)
                return 0; /* only the last step may be absent: its parent was seen */
            return need_failed(em, check_id, "field %.*s missing, expected %s",
                               (int)(p - path + (ptrdiff_t)n), path,
                               dot ? "an object" : want_name(want));
        }
        p = dot ? dot + 1 : p + n;
    }
    if (!has_type(v, want)) {
        if (want == LD_WANT_COUNT && json_is_integer(v))
            return need_failed(em, check_id, "field %s is negative", path);
        return need_failed(em, check_id, "field %s is %s, expected %s", path, ld_ev_type(v),
                           want_name(want));
    }
    *out = v;
    return 0;
}

char *ld_security_option_field(const char *entry, const char *key)
{
    if (!strchr(entry, '='))
        return strcmp(key, "name") == 0 ? ld_xstrdup(entry) : NULL;
    size_t klen = strlen(key);
    const char *p = entry;
    while (*p) {
        const char *comma = strchr(p, ',');
        size_t n = comma ? (size_t)(comma - p) : strlen(p);
        if (n > klen && strncmp(p, key, klen) == 0 && p[klen] == '=')
            return ld_xstrndup(p + klen + 1, n - klen - 1);
        p = comma ? comma + 1 : p + n;
    }
    return NULL;
}

const char *ld_info_security_option(const json_t *info, const char *name)
{
    size_t i;
    const json_t *item;
    json_array_foreach(json_object_get(info, "SecurityOptions"), i, item)
    {
        const char *s = json_string_value(item);
        if (!s)
            continue;
        ld_autofree char *n = ld_security_option_field(s, "name");
        if (n && strcmp(n, name) == 0)
            return s;
    }
    return NULL;
}
