/* The fleet view as JSON lines, for log pipelines: one line per host
 * ({"type": "host", ...}, worst first), one per control ({"type":
 * "control", ...}, most failed first), then one {"type": "fleet", ...}
 * line with the totals, the unreadable reports and the notes. The objects
 * are those of the JSON fleet report (fleet_json.c), on one line each. */
#include "core/fleet.h"
#include "core/fleet_internal.h"
#include "core/report_common.h"
#include "util/json_out.h"

int ld_fleet_write_jsonl(const ld_fleet *f, FILE *o, const ld_catalog *cat, ld_error *err)
{
    ld_json j;
    for (size_t i = 0; i < f->n_hosts; i++) {
        ld_json_init(&j, o, false);
        ld_json_object_begin(&j);
        ld_json_kv_string(&j, "type", "host");
        ld_fleet_json_host(&j, &f->hosts[i]);
        ld_json_object_end(&j);
        fputc('\n', o);
    }
    for (size_t i = 0; i < f->n_controls; i++) {
        ld_json_init(&j, o, false);
        ld_json_object_begin(&j);
        ld_json_kv_string(&j, "type", "control");
        ld_fleet_json_control(&j, f, &f->controls[i], cat);
        ld_json_object_end(&j);
        fputc('\n', o);
    }
    ld_fleet_totals t;
    ld_fleet_sum(f, &t);
    char when[32];
    ld_report_utc_time(f->generated, true, when, sizeof(when));
    ld_json_init(&j, o, false);
    ld_json_object_begin(&j);
    ld_json_kv_string(&j, "type", "fleet");
    ld_json_kv_string(&j, "generated_at", when);
    ld_json_kv_int(&j, "reports_read", (int64_t)f->reports_read);
    ld_json_kv_int(&j, "hosts", (int64_t)t.hosts);
    ld_json_kv_int(&j, "gate_failed", (int64_t)t.gate_failed);
    ld_json_kv_int(&j, "incomplete", (int64_t)t.incomplete);
    ld_json_key(&j, "controls");
    ld_json_object_begin(&j);
    ld_fleet_json_counts(&j, &t.controls);
    ld_json_object_end(&j);
    ld_json_key(&j, "unreadable");
    ld_json_array_begin(&j);
    for (size_t i = 0; i < f->unreadable.n; i++)
        ld_json_string(&j, f->unreadable.v[i]);
    ld_json_array_end(&j);
    ld_json_key(&j, "notes");
    ld_json_array_begin(&j);
    for (size_t i = 0; i < f->notes.n; i++)
        ld_json_string(&j, f->notes.v[i]);
    ld_json_array_end(&j);
    ld_json_object_end(&j);
    fputc('\n', o);
    return ld_report_flush(o, "the fleet report", err);
}
