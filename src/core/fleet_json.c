/* The fleet view as one JSON document, schema
 * https://lockdown.dev/schemas/fleet/v1 (docs/report-schema.md, "Fleet
 * report"): totals, the hosts worst first, the controls most failed first,
 * the reports that could not be read and the notes. */
#include "core/fleet.h"
#include "core/fleet_internal.h"
#include "core/report_common.h"
#include "util/json_out.h"

#define FLEET_SCHEMA "https://lockdown.dev/schemas/fleet/v1"
#define FLEET_SCHEMA_VERSION 1

static void write_totals(ld_json *j, const ld_fleet *f)
{
    ld_fleet_totals t;
    ld_fleet_sum(f, &t);
    ld_json_key(j, "summary");
    ld_json_object_begin(j);
    ld_json_kv_int(j, "hosts", (int64_t)t.hosts);
    ld_json_kv_int(j, "gate_failed", (int64_t)t.gate_failed);
    ld_json_kv_int(j, "gate_passed", (int64_t)(t.hosts - t.gate_failed));
    ld_json_kv_int(j, "incomplete", (int64_t)t.incomplete);
    ld_json_key(j, "levels");
    ld_json_object_begin(j);
    for (int l = 0; l < LD_LEVEL_COUNT; l++)
        ld_json_kv_int(j, ld_level_name((ld_level)l), (int64_t)t.by_level[l]);
    ld_json_object_end(j);
    ld_json_key(j, "findings");
    ld_json_object_begin(j);
    ld_json_kv_int(j, "findings", (int64_t)t.findings);
    for (int s = 0; s < LD_STATUS_COUNT; s++)
        ld_json_kv_int(j, ld_status_name((ld_status)s), (int64_t)t.status[s]);
    ld_json_kv_int(j, "excepted", (int64_t)t.excepted);
    ld_json_object_end(j);
    ld_json_key(j, "controls");
    ld_json_object_begin(j);
    ld_fleet_json_counts(j, &t.controls);
    ld_json_object_end(j);
    ld_json_object_end(j);
}

static void write_strings(ld_json *j, const char *key, const ld_strlist *l)
{
    ld_json_key(j, key);
    ld_json_array_begin(j);
    for (size_t i = 0; i < l->n; i++)
        ld_json_string(j, l->v[i]);
    ld_json_array_end(j);
}

int ld_fleet_write_json(const ld_fleet *f, FILE *o, const ld_catalog *cat, ld_error *err)
{
    ld_json j;
    ld_json_init(&j, o, true);
    char when[32];
    ld_report_utc_time(f->generated, true, when, sizeof(when));
    ld_json_object_begin(&j);
    ld_json_kv_string(&j, "schema", FLEET_SCHEMA);
    ld_json_kv_int(&j, "schema_version", FLEET_SCHEMA_VERSION);
    ld_json_key(&j, "tool");
    ld_json_object_begin(&j);
    ld_json_kv_string(&j, "name", "lockdown");
    ld_json_kv_string(&j, "version", LOCKDOWN_VERSION);
    ld_json_object_end(&j);
    ld_json_kv_string(&j, "command", "report merge");
    ld_json_kv_string(&j, "generated_at", when);
    ld_json_kv_int(&j, "reports_read", (int64_t)f->reports_read);
    write_strings(&j, "unreadable", &f->unreadable);
    write_totals(&j, f);
    ld_json_key(&j, "hosts");
    ld_json_array_begin(&j);
    for (size_t i = 0; i < f->n_hosts; i++) {
        ld_json_object_begin(&j);
        ld_fleet_json_host(&j, &f->hosts[i]);
        ld_json_object_end(&j);
    }
    ld_json_array_end(&j);
    ld_json_key(&j, "controls");
    ld_json_array_begin(&j);
    for (size_t i = 0; i < f->n_controls; i++) {
        ld_json_object_begin(&j);
        ld_fleet_json_control(&j, f, &f->controls[i], cat);
        ld_json_object_end(&j);
    }
    ld_json_array_end(&j);
    write_strings(&j, "notes", &f->notes);
    ld_json_object_end(&j);
    fputc('\n', o);
    return ld_report_flush(o, "the fleet report", err);
}
