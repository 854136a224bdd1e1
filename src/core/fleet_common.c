/* What the fleet writers share (core/fleet_internal.h): markup escaping for
 * HTML and JUnit, control titles, the JSON objects of a host and of a
 * control (json and jsonl write the same ones), and the format dispatch. */
#include <stdint.h>
#include <string.h>

#include "core/fleet.h"
#include "core/fleet_internal.h"
#include "util/utf8.h"

const char *ld_fleet_state_key(ld_control_state s)
{
    static const char *const keys[LD_CTRL_COUNT] = {
        [LD_CTRL_PASSED] = "passed",
        [LD_CTRL_FAILED] = "failed",
        [LD_CTRL_REVIEW] = "needs_review",
        [LD_CTRL_EXCEPTED] = "excepted",
        [LD_CTRL_ATTESTED] = "attested",
        [LD_CTRL_NOT_ASSESSED] = "not_assessed",
        [LD_CTRL_NOT_APPLICABLE] = "not_applicable",
        [LD_CTRL_OUT_OF_SCOPE] = "out_of_scope",
    };
    return (unsigned)s < LD_CTRL_COUNT ? keys[s] : "not_assessed";
}

const char *ld_fleet_control_title(const ld_catalog *cat, const char *id)
{
    const ld_control *c = cat ? ld_catalog_find(cat, id) : NULL;
    return c ? c->title : NULL;
}

static bool bidi_or_c1(uint32_t cp)
{
    return (cp >= 0x80 && cp <= 0x9f) || (cp >= 0x202a && cp <= 0x202e) ||
           (cp >= 0x2066 && cp <= 0x2069) || cp == 0x200e || cp == 0x200f || cp == 0x061c;
}

void ld_fleet_markup(FILE *o, const char *s)
{
    if (!s)
        return;
    size_t n = strlen(s), i = 0;
    while (i < n) {
        const char *bytes;
        size_t len;
        uint32_t cp = ld_utf8_next(s, n, &i, &bytes, &len);
        switch (cp) {
        case '&': fputs("&amp;", o); continue;
        case '<': fputs("&lt;", o); continue;
        case '>': fputs("&gt;", o); continue;
        case '"': fputs("&quot;", o); continue;
        case '\'': fputs("&#39;", o); continue;
        default: break;
        }
        if (cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\r')
            continue; /* XML 1.0 has no way to write it */
        if (cp == 0xfffe || cp == 0xffff)
            continue;
        if (bidi_or_c1(cp)) {
            fprintf(o, "&#x%X;", (unsigned)cp);
            continue;
        }
        fwrite(bytes, 1, len, o);
    }
}

void ld_fleet_json_counts(ld_json *j, const ld_fleet_counts *c)
{
    ld_json_kv_int(j, "required", (int64_t)c->required);
    ld_json_kv_int(j, "assessed", (int64_t)c->assessed);
    for (int s = 0; s < LD_CTRL_COUNT; s++)
        ld_json_kv_int(j, ld_fleet_state_key((ld_control_state)s), (int64_t)c->by_state[s]);
}

static void ids_in_state(ld_json *j, const char *key, const ld_fleet_host *h, ld_control_state s)
{
    ld_json_key(j, key);
    ld_json_array_begin(j);
    for (size_t i = 0; i < h->n_controls; i++)
        if (h->controls[i].state == s)
            ld_json_string(j, h->controls[i].id);
    ld_json_array_end(j);
}

void ld_fleet_json_host(ld_json *j, const ld_fleet_host *h)
{
    ld_json_kv_string(j, "name", h->name);
    ld_json_kv_string(j, "source", h->source);
    ld_json_kv_string(j, "command", h->command);
    ld_json_kv_string(j, "scope", h->scope);
    ld_json_kv_string(j, "level", ld_level_name(h->level));
    ld_json_kv_string(j, "level_source", h->level_source);
    ld_json_kv_string(j, "started_at", h->started_at);
    ld_json_key(j, "gate");
    ld_json_object_begin(j);
    ld_json_kv_bool(j, "failed", h->gate_failed);
    ld_json_kv_bool(j, "incomplete", h->gate_incomplete);
    ld_json_key(j, "reasons");
    ld_json_array_begin(j);
    for (size_t i = 0; i < h->gate_reasons.n; i++)
        ld_json_string(j, h->gate_reasons.v[i]);
    ld_json_array_end(j);
    ld_json_object_end(j);
    ld_json_key(j, "compliance");
    ld_json_object_begin(j);
    ld_fleet_json_counts(j, ld_fleet_host_counts(h));
    ld_json_object_end(j);
    ld_json_key(j, "summary");
    ld_json_object_begin(j);
    ld_json_kv_int(j, "findings", (int64_t)h->findings);
    for (int s = 0; s < LD_STATUS_COUNT; s++)
        ld_json_kv_int(j, ld_status_name((ld_status)s), (int64_t)h->status[s]);
    ld_json_kv_int(j, "excepted", (int64_t)h->excepted);
    ld_json_object_end(j);
    ld_json_key(j, "tiers");
    ld_json_array_begin(j);
    for (size_t i = 0; i < h->n_tiers; i++) {
        ld_json_object_begin(j);
        ld_json_kv_string(j, "name", h->tiers[i].name);
        ld_json_kv_string(j, "state", ld_tier_state_name(h->tiers[i].state));
        ld_json_kv_string(j, "what", h->tiers[i].what);
        ld_json_kv_string(j, "reason", h->tiers[i].reason);
        ld_json_object_end(j);
    }
    ld_json_array_end(j);
    ids_in_state(j, "failed_controls", h, LD_CTRL_FAILED);
    ids_in_state(j, "needs_review_controls", h, LD_CTRL_REVIEW);
    ids_in_state(j, "not_assessed_controls", h, LD_CTRL_NOT_ASSESSED);
    ld_json_kv_int(j, "notes", (int64_t)h->n_notes);
}

void ld_fleet_json_control(ld_json *j, const ld_fleet *f, const ld_fleet_control *c,
                           const ld_catalog *cat)
{
    ld_json_kv_string(j, "id", c->id);
    ld_json_kv_string(j, "title", ld_fleet_control_title(cat, c->id));
    ld_json_kv_string(j, "level", ld_level_name(c->level));
    ld_json_kv_int(j, "hosts_required", (int64_t)c->hosts);
    ld_json_key(j, "hosts_by_state");
    ld_json_object_begin(j);
    for (int s = 0; s < LD_CTRL_COUNT; s++)
        ld_json_kv_int(j, ld_fleet_state_key((ld_control_state)s), (int64_t)c->by_state[s]);
    ld_json_object_end(j);
    ld_json_key(j, "hosts");
    ld_json_array_begin(j);
    for (size_t i = 0; i < c->hosts; i++) {
        ld_json_object_begin(j);
        ld_json_kv_string(j, "name", f->hosts[c->host_index[i]].name);
        ld_json_kv_string(j, "state", ld_control_state_name(c->state[i]));
        ld_json_object_end(j);
    }
    ld_json_array_end(j);
}

int ld_fleet_write(const ld_fleet *f, ld_format fmt, FILE *out, const ld_catalog *cat,
                   ld_error *err)
{
    switch (fmt) {
    case LD_FORMAT_TABLE: return ld_fleet_write_table(f, out, cat, err);
    case LD_FORMAT_JSON: return ld_fleet_write_json(f, out, cat, err);
    case LD_FORMAT_JSONL: return ld_fleet_write_jsonl(f, out, cat, err);
    case LD_FORMAT_HTML: return ld_fleet_write_html(f, out, cat, err);
    case LD_FORMAT_SARIF: return ld_fleet_write_sarif(f, out, cat, err);
    case LD_FORMAT_JUNIT: return ld_fleet_write_junit(f, out, cat, err);
    default: break;
    }
    return ld_error_set(err, LD_ERR_INVALID, "the fleet view has no format %s",
                        ld_format_name(fmt));
}
