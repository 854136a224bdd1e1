/* Reading one lockdown JSON report (schema v2, docs/report-schema.md) into
 * a fleet host (core/fleet.h). Every report is hostile input: the file is
 * bounded in size, the JSON tree in values and nesting before jansson
 * builds it (util/json_budget.h), every field is checked for its type and
 * range, and an error names the report and the field
 * ("node3.json: compliance.controls[4].state: expected a control state").
 * Only what the fleet views need is kept; long text is cut. Not for
 * validating a report against its schema beyond that. */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "core/fleet.h"
#include "core/fleet_internal.h"
#include "util/cleanup.h"
#include "util/input_file.h"
#include "util/json_budget.h"
#include "util/mem.h"
#include "util/utf8.h"

#define REPORT_SCHEMA "https://lockdown.dev/schemas/report/v2"
#define REPORT_SCHEMA_VERSION 2
#define COUNT_MAX 1000000000LL /* a count above this is not a real report's */

typedef struct {
    const char *name; /* the report, for messages */
    ld_error *err;
} rd;

static int bad(rd *r, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int bad(rd *r, const char *field, const char *fmt, ...)
{
    char what[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof(what), fmt, ap);
    va_end(ap);
    return ld_error_set(r->err, LD_ERR_CORRUPT, "%s: %s: %s", r->name, field, what);
}

/* A copy of s cut at LD_FLEET_TEXT_MAX bytes (at a character boundary,
 * with "…" appended); NULL for NULL. */
static char *text_copy(const char *s)
{
    if (!s)
        return NULL;
    size_t n = strlen(s);
    if (n <= LD_FLEET_TEXT_MAX)
        return ld_xstrdup(s);
    size_t cut = 0;
    while (cut < LD_FLEET_TEXT_MAX) {
        size_t i = cut;
        const char *bytes;
        size_t len;
        ld_utf8_next(s, n, &i, &bytes, &len);
        if (i > LD_FLEET_TEXT_MAX)
            break;
        cut = i;
    }
    return ld_xasprintf("%.*s\xe2\x80\xa6", (int)cut, s);
}

/* obj[key] as a string (may_null: or null, *out NULL). Missing counts as
 * null when may_null. */
static int get_string(rd *r, json_t *obj, const char *key, const char *path, bool may_null,
                      const char **out)
{
    json_t *v = json_object_get(obj, key);
    *out = NULL;
    if ((!v || json_is_null(v)) && may_null)
        return 0;
    if (!v)
        return bad(r, path, "missing");
    if (!json_is_string(v))
        return bad(r, path, may_null ? "expected a string or null" : "expected a string");
    *out = json_string_value(v);
    return 0;
}

static int get_bool(rd *r, json_t *obj, const char *key, const char *path, bool *out)
{
    json_t *v = json_object_get(obj, key);
    if (!v)
        return bad(r, path, "missing");
    if (!json_is_boolean(v))
        return bad(r, path, "expected true or false");
    *out = json_is_true(v);
    return 0;
}

static int get_count(rd *r, json_t *obj, const char *key, const char *path, size_t *out)
{
    json_t *v = json_object_get(obj, key);
    if (!v)
        return bad(r, path, "missing");
    if (!json_is_integer(v))
        return bad(r, path, "expected a count (an integer)");
    json_int_t n = json_integer_value(v);
    if (n < 0 || n > COUNT_MAX)
        return bad(r, path, "count out of range (0 to %lld)", COUNT_MAX);
    *out = (size_t)n;
    return 0;
}

static json_t *get_typed(rd *r, json_t *obj, const char *key, const char *path, bool array,
                         bool optional, int *rc)
{
    json_t *v = json_object_get(obj, key);
    *rc = 0;
    if (!v) {
        if (!optional)
            *rc = bad(r, path, "missing");
        return NULL;
    }
    if (array ? !json_is_array(v) : !json_is_object(v)) {
        *rc = bad(r, path, array ? "expected an array" : "expected an object");
        return NULL;
    }
    return v;
}

static int parse_state(const char *s, ld_control_state *out)
{
    for (int i = 0; i < LD_CTRL_COUNT; i++)
        if (strcmp(s, ld_control_state_name((ld_control_state)i)) == 0) {
            *out = (ld_control_state)i;
            return 0;
        }
    return -1;
}

/* An id: 1..LD_FLEET_ID_MAX bytes of visible ASCII. */
static bool id_ok(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > LD_FLEET_ID_MAX)
        return false;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (*p <= ' ' || *p >= 0x7f)
            return false;
    return true;
}

/* "2025-01-31T09:12:44Z" (what the writer prints) into *t. */
static int parse_time(const char *s, time_t *t)
{
    int v[6] = {0};
    static const int width[6] = {4, 2, 2, 2, 2, 2};
    static const char sep[6] = {'-', '-', 'T', ':', ':', 'Z'};
    const char *p = s;
    for (int i = 0; i < 6; i++) {
        for (int k = 0; k < width[i]; k++, p++) {
            if (*p < '0' || *p > '9')
                return -1;
            v[i] = v[i] * 10 + (*p - '0');
        }
        if (*p != sep[i] && !(i == 5 && *p == 'z'))
            return -1;
        p++;
    }
    if (*p || v[1] < 1 || v[1] > 12 || v[2] < 1 || v[2] > 31 || v[3] > 23 || v[4] > 59 ||
        v[5] > 60 || v[0] < 1970)
        return -1;
    struct tm tm = {.tm_year = v[0] - 1900,
                    .tm_mon = v[1] - 1,
                    .tm_mday = v[2],
                    .tm_hour = v[3],
                    .tm_min = v[4],
                    .tm_sec = v[5]};
    *t = timegm(&tm);
    return 0;
}

static int read_header(rd *r, json_t *root, ld_fleet_host *h)
{
    json_t *schema = json_object_get(root, "schema");
    json_t *version = json_object_get(root, "schema_version");
    if (json_is_integer(version) && json_integer_value(version) != REPORT_SCHEMA_VERSION)
        return ld_error_set(r->err, LD_ERR_UNSUPPORTED,
                            "%s: report schema version %lld is not supported (this lockdown "
                            "merges version %d reports; write them with the same lockdown "
                            "version)",
                            r->name, (long long)json_integer_value(version), REPORT_SCHEMA_VERSION);
    if (!json_is_string(schema) || strcmp(json_string_value(schema), REPORT_SCHEMA) != 0 ||
        !json_is_integer(version))
        return ld_error_set(r->err, LD_ERR_UNSUPPORTED,
                            "%s: not a lockdown report (schema is not %s with schema_version "
                            "%d); write it with --format json",
                            r->name, REPORT_SCHEMA, REPORT_SCHEMA_VERSION);
    const char *s = NULL;
    if (get_string(r, root, "command", "command", true, &s) < 0)
        return r->err->code;
    h->command = text_copy(s);
    if (get_string(r, root, "scope", "scope", true, &s) < 0)
        return r->err->code;
    h->scope = text_copy(s);
    if (get_string(r, root, "level", "level", false, &s) < 0)
        return r->err->code;
    if (ld_level_parse(s, &h->level) < 0)
        return bad(r, "level", "expected low, medium or high");
    if (get_string(r, root, "level_source", "level_source", true, &s) < 0)
        return r->err->code;
    h->level_source = text_copy(s);
    if (get_string(r, root, "started_at", "started_at", false, &s) < 0)
        return r->err->code;
    if (parse_time(s, &h->started) < 0)
        return bad(r, "started_at", "expected an RFC 3339 UTC time (YYYY-MM-DDTHH:MM:SSZ)");
    h->started_at = ld_xstrdup(s);
    return 0;
}

static int read_tiers(rd *r, json_t *root, ld_fleet_host *h)
{
    int rc;
    json_t *a = get_typed(r, root, "tiers", "tiers", true, true, &rc);
    if (!a)
        return rc; /* older v2 reports have none */
    size_t n = json_array_size(a);
    h->tiers = ld_xcalloc(n ? n : 1, sizeof(*h->tiers));
    for (size_t i = 0; i < n; i++) {
        char path[64];
        json_t *t = json_array_get(a, i);
        snprintf(path, sizeof(path), "tiers[%zu]", i);
        if (!json_is_object(t))
            return bad(r, path, "expected an object");
        const char *name, *state, *what, *reason;
        ld_tier_state st;
        snprintf(path, sizeof(path), "tiers[%zu].name", i);
        if (get_string(r, t, "name", path, false, &name) < 0)
            return r->err->code;
        if (!id_ok(name))
            return bad(r, path, "expected a tier name");
        snprintf(path, sizeof(path), "tiers[%zu].state", i);
        if (get_string(r, t, "state", path, false, &state) < 0)
            return r->err->code;
        if (ld_tier_state_parse(state, &st) < 0)
            return bad(r, path,
                       "expected assessed, partly assessed, not applicable or not "
                       "assessed");
        snprintf(path, sizeof(path), "tiers[%zu].what", i);
        if (get_string(r, t, "what", path, true, &what) < 0)
            return r->err->code;
        snprintf(path, sizeof(path), "tiers[%zu].reason", i);
        if (get_string(r, t, "reason", path, true, &reason) < 0)
            return r->err->code;
        ld_fleet_tier *ft = &h->tiers[h->n_tiers++];
        ft->name = ld_xstrdup(name);
        ft->state = st;
        ft->what = text_copy(what);
        ft->reason = text_copy(reason);
    }
    return 0;
}

static int read_summary(rd *r, json_t *root, ld_fleet_host *h)
{
    int rc;
    json_t *o = get_typed(r, root, "summary", "summary", false, false, &rc);
    if (!o)
        return rc;
    char path[64];
    if (get_count(r, o, "findings", "summary.findings", &h->findings) < 0 ||
        get_count(r, o, "excepted", "summary.excepted", &h->excepted) < 0)
        return r->err->code;
    for (int s = 0; s < LD_STATUS_COUNT; s++) {
        const char *key = ld_status_name((ld_status)s);
        snprintf(path, sizeof(path), "summary.%s", key);
        if (get_count(r, o, key, path, &h->status[s]) < 0)
            return r->err->code;
    }
    return 0;
}

static int read_counts(rd *r, json_t *comp, ld_level l, ld_fleet_counts *c)
{
    const char *lname = ld_level_name(l);
    char path[96];
    int rc;
    snprintf(path, sizeof(path), "compliance.%s", lname);
    json_t *o = get_typed(r, comp, lname, path, false, false, &rc);
    if (!o)
        return rc;
    snprintf(path, sizeof(path), "compliance.%s.required", lname);
    if (get_count(r, o, "required", path, &c->required) < 0)
        return r->err->code;
    snprintf(path, sizeof(path), "compliance.%s.assessed", lname);
    if (get_count(r, o, "assessed", path, &c->assessed) < 0)
        return r->err->code;
    size_t sum = 0;
    for (int s = 0; s < LD_CTRL_COUNT; s++) {
        const char *key = ld_fleet_state_key((ld_control_state)s);
        snprintf(path, sizeof(path), "compliance.%s.%s", lname, key);
        if (get_count(r, o, key, path, &c->by_state[s]) < 0)
            return r->err->code;
        sum += c->by_state[s];
    }
    if (sum != c->required)
        return bad(r, path, "the state counts add up to %zu, not to the %zu required controls", sum,
                   c->required);
    return 0;
}

static int read_controls(rd *r, json_t *comp, ld_fleet_host *h)
{
    int rc;
    json_t *a = get_typed(r, comp, "controls", "compliance.controls", true, false, &rc);
    if (!a)
        return rc;
    size_t n = json_array_size(a);
    h->controls = ld_xcalloc(n ? n : 1, sizeof(*h->controls));
    for (size_t i = 0; i < n; i++) {
        char path[80];
        json_t *c = json_array_get(a, i);
        snprintf(path, sizeof(path), "compliance.controls[%zu]", i);
        if (!json_is_object(c))
            return bad(r, path, "expected an object");
        const char *id, *state, *level, *reason;
        ld_control_state st;
        ld_level lv;
        snprintf(path, sizeof(path), "compliance.controls[%zu].id", i);
        if (get_string(r, c, "id", path, false, &id) < 0)
            return r->err->code;
        if (!id_ok(id))
            return bad(r, path, "expected a control id (visible ASCII, at most %d bytes)",
                       LD_FLEET_ID_MAX);
        snprintf(path, sizeof(path), "compliance.controls[%zu].state", i);
        if (get_string(r, c, "state", path, false, &state) < 0)
            return r->err->code;
        if (parse_state(state, &st) < 0)
            return bad(r, path, "expected a control state (passed, failed, needs review, ...)");
        snprintf(path, sizeof(path), "compliance.controls[%zu].level", i);
        if (get_string(r, c, "level", path, false, &level) < 0)
            return r->err->code;
        if (ld_level_parse(level, &lv) < 0)
            return bad(r, path, "expected low, medium or high");
        snprintf(path, sizeof(path), "compliance.controls[%zu].reason", i);
        if (get_string(r, c, "reason", path, true, &reason) < 0)
            return r->err->code;
        ld_fleet_host_control *hc = &h->controls[h->n_controls++];
        hc->id = ld_xstrdup(id);
        hc->state = st;
        hc->level = lv;
        hc->reason = text_copy(reason);
    }
    return 0;
}

static int read_compliance(rd *r, json_t *root, ld_fleet_host *h)
{
    int rc;
    json_t *o = get_typed(r, root, "compliance", "compliance", false, false, &rc);
    if (!o)
        return rc;
    for (int l = 0; l < LD_LEVEL_COUNT; l++)
        if (read_counts(r, o, (ld_level)l, &h->compliance[l]) < 0)
            return r->err->code;
    return read_controls(r, o, h);
}

static int read_gate(rd *r, json_t *root, ld_fleet_host *h)
{
    int rc;
    json_t *o = get_typed(r, root, "gate", "gate", false, false, &rc);
    if (!o)
        return rc;
    if (get_bool(r, o, "failed", "gate.failed", &h->gate_failed) < 0 ||
        get_bool(r, o, "incomplete", "gate.incomplete", &h->gate_incomplete) < 0)
        return r->err->code;
    json_t *a = get_typed(r, o, "reasons", "gate.reasons", true, false, &rc);
    if (!a)
        return rc;
    for (size_t i = 0; i < json_array_size(a); i++) {
        json_t *s = json_array_get(a, i);
        if (!json_is_string(s)) {
            char path[64];
            snprintf(path, sizeof(path), "gate.reasons[%zu]", i);
            return bad(r, path, "expected a string");
        }
        ld_strlist_push_owned(&h->gate_reasons, text_copy(json_string_value(s)));
    }
    return 0;
}

/* The host: "host NAME" at the start of the scope line, else the id of
 * the first finding whose target is the host, else the scope, else the
 * report's file name. */
static int name_host(rd *r, json_t *root, ld_fleet_host *h)
{
    if (h->scope && strncmp(h->scope, "host ", 5) == 0) {
        const char *p = h->scope + 5;
        size_t n = strcspn(p, ",; ");
        if (n > 0 && n <= LD_FLEET_ID_MAX) {
            h->name = ld_xstrndup(p, n);
            return 0;
        }
    }
    int rc;
    json_t *findings = get_typed(r, root, "findings", "findings", true, false, &rc);
    if (!findings)
        return rc;
    for (size_t i = 0; i < json_array_size(findings); i++) {
        json_t *t = json_object_get(json_array_get(findings, i), "target");
        json_t *kind = json_object_get(t, "kind"), *id = json_object_get(t, "id");
        if (json_is_string(kind) && strcmp(json_string_value(kind), "host") == 0 &&
            json_is_string(id) && json_string_value(id)[0] &&
            strlen(json_string_value(id)) <= LD_FLEET_ID_MAX) {
            h->name = ld_xstrdup(json_string_value(id));
            return 0;
        }
    }
    if (h->scope && h->scope[0] && strlen(h->scope) <= LD_FLEET_ID_MAX) {
        h->name = ld_xstrdup(h->scope);
        return 0;
    }
    const char *slash = strrchr(h->source, '/');
    h->name = ld_xstrdup(slash && slash[1] ? slash + 1 : h->source);
    return 0;
}

static int read_report(rd *r, json_t *root, ld_fleet_host *h)
{
    if (!json_is_object(root))
        return ld_error_set(r->err, LD_ERR_CORRUPT, "%s: not a lockdown report (not a JSON object)",
                            r->name);
    int rc = read_header(r, root, h);
    if (rc == 0)
        rc = read_tiers(r, root, h);
    if (rc == 0)
        rc = read_summary(r, root, h);
    if (rc == 0)
        rc = read_compliance(r, root, h);
    if (rc == 0)
        rc = read_gate(r, root, h);
    if (rc == 0) {
        json_t *notes = json_object_get(root, "notes");
        if (notes && !json_is_array(notes))
            rc = bad(r, "notes", "expected an array");
        h->n_notes = json_array_size(notes);
    }
    if (rc == 0)
        rc = name_host(r, root, h);
    return rc;
}

int ld_fleet_read_buffer(ld_fleet *f, const char *name, const char *buf, size_t len,
                         const ld_fleet_limits *lim, ld_error *err)
{
    ld_fleet_limits def;
    if (!lim) {
        ld_fleet_limits_default(&def);
        lim = &def;
    }
    if (len > lim->max_bytes)
        return ld_error_set(err, LD_ERR_LIMIT, "%s: report is larger than %zu bytes (%zu)", name,
                            lim->max_bytes, len);
    ld_json_limits jl = {lim->max_values, lim->max_containers, lim->max_depth};
    json_t *root = ld_json_load_bounded(name, buf, len, JSON_REJECT_DUPLICATES, &jl, err);
    if (!root)
        return err->code ? err->code : LD_ERR_CORRUPT;
    ld_fleet_host h = {0};
    h.source = ld_xstrdup(name);
    rd r = {name, err};
    int rc = read_report(&r, root, &h);
    json_decref(root);
    if (rc < 0) {
        ld_fleet_host_clear(&h);
        return rc;
    }
    ld_fleet_add_host(f, &h);
    return 0;
}

int ld_fleet_read_file(ld_fleet *f, const char *path, const ld_fleet_limits *lim, ld_error *err)
{
    ld_fleet_limits def;
    if (!lim) {
        ld_fleet_limits_default(&def);
        lim = &def;
    }
    ld_autofree char *buf = NULL;
    size_t len = 0;
    int rc;
    if (strcmp(path, "-") == 0)
        rc = ld_input_read_fd(STDIN_FILENO, "-", "report", lim->max_bytes, &buf, &len, err);
    else
        rc = ld_input_read(path, "report", lim->max_bytes, &buf, &len, err);
    if (rc < 0)
        return rc;
    return ld_fleet_read_buffer(f, path, buf, len, lim, err);
}
