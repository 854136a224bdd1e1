/* JSON writer: the machine-readable report, schema
 * https://lockdown.dev/schemas/report/v2 (docs/report-schema.md,
 * docs/report.schema.json). Findings are written in the order the checks
 * returned them; the evaluation (summary, control states with reasons,
 * compliance, coverage, notes and gate) follows them.
 * Every string goes through ld_json, so hostile text still yields valid
 * JSON (invalid UTF-8 becomes U+FFFD). Nothing is truncated here. */
#include "core/report.h"
#include "core/report_common.h"
#include "core/report_targets.h"
#include "util/json_out.h"

#define REPORT_SCHEMA "https://lockdown.dev/schemas/report/v2"
#define REPORT_SCHEMA_VERSION 2

static int json_begin(ld_report *r, ld_error *err)
{
    ld_json *j = ld_report_json_start(r);
    char started[32];
    ld_report_utc_time(r->now, true, started, sizeof(started));
    ld_json_object_begin(j);
    ld_json_kv_string(j, "schema", REPORT_SCHEMA);
    ld_json_kv_int(j, "schema_version", REPORT_SCHEMA_VERSION);
    ld_json_key(j, "tool");
    ld_json_object_begin(j);
    ld_json_kv_string(j, "name", "lockdown");
    ld_json_kv_string(j, "version", LOCKDOWN_VERSION);
    ld_json_object_end(j);
    ld_json_kv_string(j, "command", r->opt.command);
    ld_json_kv_string(j, "scope", r->opt.scope);
    ld_json_kv_string(j, "level", ld_level_name(r->level));
    ld_json_kv_string(j, "level_source", r->opt.level_source);
    ld_json_kv_string(j, "started_at", started);
    ld_report_json_tiers(j, r);
    ld_json_key(j, "findings");
    ld_json_array_begin(j);
    return 0;
}

static int json_finding(ld_report *r, const ld_finding *f, ld_error *err)
{
    ld_json *j = r->writer_state;
    ld_json_object_begin(j);
    ld_report_json_finding_members(j, f);
    ld_json_object_end(j);
    return 0;
}

/* Compliance counts per level, then the state of every control required
 * at the level in force, with its reason and whether the run owed it. */
static void write_compliance(ld_json *j, const ld_report *r)
{
    ld_json_key(j, "compliance");
    ld_json_object_begin(j);
    ld_report_json_level_counts(j, r);
    ld_json_key(j, "controls");
    ld_json_array_begin(j);
    for (size_t i = 0; i < r->catalog->n; i++) {
        const ld_control *c = &r->catalog->controls[i];
        if (!ld_control_required(c, r->level))
            continue;
        ld_json_object_begin(j);
        ld_json_kv_string(j, "id", c->id);
        const ld_control_result *res = &r->eval->controls[i];
        ld_json_kv_string(j, "state", ld_control_state_name(res->state));
        ld_json_kv_string(j, "reason", res->reason);
        ld_json_kv_bool(j, "owed", res->owed);
        ld_json_kv_string(j, "level", ld_level_name(c->level));
        ld_json_kv_bool(j, "required", true);
        ld_json_object_end(j);
    }
    ld_json_array_end(j);
    ld_json_object_end(j);
}

/* "targets": one summary per image, for reports that cover many
 * (registry scan; core/report_targets.h). Other reports leave it out. */
static void write_targets(ld_json *j, const ld_report *r)
{
    ld_report_targets t;
    ld_report_targets_collect(r, &t);
    ld_json_key(j, "targets");
    ld_json_array_begin(j);
    for (size_t i = 0; i < t.n; i++) {
        const ld_report_target_row *w = &t.v[i];
        ld_json_object_begin(j);
        ld_json_kv_string(j, "kind", "image");
        ld_json_kv_string(j, "id", w->id);
        ld_json_kv_string(j, "name", w->name);
        ld_json_key(j, "packages");
        if (w->packages_known)
            ld_json_int(j, (int64_t)w->packages);
        else
            ld_json_null(j);
        ld_json_key(j, "vulnerabilities");
        ld_json_object_begin(j);
        for (int s = LD_SEV_CRITICAL; s >= LD_SEV_INFO; s--)
            ld_json_kv_int(j, s == LD_SEV_INFO ? "unknown" : ld_severity_name((ld_severity)s),
                           (int64_t)w->vulns[s]);
        ld_json_object_end(j);
        ld_json_kv_int(j, "failed_checks", (int64_t)w->failed);
        ld_json_kv_int(j, "not_assessed", (int64_t)w->not_assessed);
        ld_json_object_end(j);
    }
    ld_json_array_end(j);
    ld_report_targets_clear(&t);
}

static int json_end(ld_report *r, ld_error *err)
{
    ld_json *j = r->writer_state;
    ld_json_array_end(j); /* findings */
    ld_report_json_summary(j, r);
    write_compliance(j, r);
    ld_report_json_coverage(j, r);
    if (ld_report_targets_wanted(r))
        write_targets(j, r);
    ld_report_json_strlist(j, "notes", &r->eval->notes);
    ld_report_json_gate(j, r);
    ld_json_object_end(j);
    return ld_report_flush(r->opt.out, "the JSON report", err);
}

const ld_writer_ops ld_writer_json = {
    .name = "json",
    .begin = json_begin,
    .finding = json_finding,
    .end = json_end,
    .destroy = ld_report_json_destroy,
};
