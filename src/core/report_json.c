/* JSON writer: the machine-readable report, schema
 * https://lockdown.dev/schemas/report/v1 (docs/report-schema.md,
 * docs/report.schema.json). Findings are streamed as they arrive; the
 * summary, compliance, notes and gate follow once the gate is decided.
 * Every string goes through ld_json, so hostile text still yields valid
 * JSON (invalid UTF-8 becomes U+FFFD). Nothing is truncated here. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/report.h"
#include "util/json_out.h"
#include "util/mem.h"

#define REPORT_SCHEMA "https://lockdown.dev/schemas/report/v1"
#define REPORT_SCHEMA_VERSION 1

static void kv_strlist(ld_json *j, const char *key, const ld_strlist *l)
{
    ld_json_key(j, key);
    ld_json_array_begin(j);
    for (size_t i = 0; i < l->n; i++)
        ld_json_string(j, l->v[i]);
    ld_json_array_end(j);
}

/* RFC 3339 UTC timestamp of t into out (at least 21 bytes). */
static void rfc3339(time_t t, char *out, size_t n)
{
    struct tm tm;
    if (!gmtime_r(&t, &tm) || strftime(out, n, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
        snprintf(out, n, "1970-01-01T00:00:00Z");
}

static int json_begin(ld_report *r, ld_error *err)
{
    ld_json *j = ld_xcalloc(1, sizeof(*j));
    r->writer_state = j;
    ld_json_init(j, r->opt.out, true);
    char started[32];
    rfc3339(r->opt.now, started, sizeof(started));
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
    ld_json_kv_string(j, "level", ld_level_name(r->opt.level));
    ld_json_kv_string(j, "level_source", r->opt.level_source);
    ld_json_kv_string(j, "started_at", started);
    ld_json_key(j, "findings");
    ld_json_array_begin(j);
    return 0;
}

static void write_target(ld_json *j, const ld_target *t)
{
    ld_json_key(j, "target");
    ld_json_object_begin(j);
    ld_json_kv_string(j, "kind", ld_target_kind_name(t->kind));
    ld_json_kv_string(j, "id", t->id ? t->id : "");
    ld_json_kv_string(j, "name", t->name);
    ld_json_kv_string(j, "path", t->path);
    ld_json_key(j, "line");
    if (t->line > 0)
        ld_json_int(j, t->line);
    else
        ld_json_null(j);
    ld_json_object_end(j);
}

static int json_finding(ld_report *r, const ld_finding *f, ld_error *err)
{
    ld_json *j = r->writer_state;
    const ld_control *c = f->control;
    ld_json_object_begin(j);
    ld_json_kv_string(j, "control_id", c->id);
    ld_json_kv_string(j, "check_id", f->check_id ? f->check_id : "");
    ld_json_kv_string(j, "framework", ld_framework_name(c->framework));
    kv_strlist(j, "refs", &c->refs);
    ld_json_kv_string(j, "tier", ld_tier_name(c->tier));
    ld_json_kv_string(j, "nist", c->nist);
    kv_strlist(j, "cis", &c->cis);
    ld_json_kv_string(j, "severity", ld_severity_name(f->severity));
    ld_json_kv_string(j, "status", ld_status_name(f->status));
    ld_json_kv_string(j, "title", ld_finding_title(f));
    write_target(j, &f->target);
    ld_json_kv_string(j, "evidence", f->evidence);
    ld_json_kv_string(j, "remediation", ld_finding_remediation(f));
    ld_json_kv_string(j, "exception", f->exception);
    ld_json_object_end(j);
    return 0;
}

static void write_summary(ld_json *j, const ld_report *r)
{
    ld_json_key(j, "summary");
    ld_json_object_begin(j);
    ld_json_kv_int(j, "findings", (int64_t)r->findings);
    for (int s = 0; s < LD_STATUS_COUNT; s++)
        ld_json_kv_int(j, ld_status_name((ld_status)s), (int64_t)r->status_counts[s]);
    ld_json_object_end(j);
}

static void write_level_counts(ld_json *j, const ld_report *r, ld_level level)
{
    ld_compliance c;
    ld_report_compliance(r, level, &c);
    ld_json_key(j, ld_level_name(level));
    ld_json_object_begin(j);
    ld_json_kv_int(j, "required", (int64_t)c.required);
    ld_json_kv_int(j, "passed", (int64_t)c.passed);
    ld_json_kv_int(j, "failed", (int64_t)c.failed);
    ld_json_kv_int(j, "attested", (int64_t)c.attested);
    ld_json_kv_int(j, "not_assessed", (int64_t)c.not_assessed);
    ld_json_object_end(j);
}

/* Compliance counts per level, then the state of every control required
 * at the level in force. */
static void write_compliance(ld_json *j, const ld_report *r)
{
    ld_json_key(j, "compliance");
    ld_json_object_begin(j);
    for (int l = 0; l < LD_LEVEL_COUNT; l++)
        write_level_counts(j, r, (ld_level)l);
    ld_json_key(j, "controls");
    ld_json_array_begin(j);
    for (size_t i = 0; i < r->catalog->n; i++) {
        const ld_control *c = &r->catalog->controls[i];
        if (!ld_control_required(c, r->opt.level))
            continue;
        ld_json_object_begin(j);
        ld_json_kv_string(j, "id", c->id);
        ld_json_kv_string(j, "state", ld_control_state_name(ld_report_control_state(r, c)));
        ld_json_kv_string(j, "level", ld_level_name(c->level));
        ld_json_kv_bool(j, "required", true);
        ld_json_object_end(j);
    }
    ld_json_array_end(j);
    ld_json_object_end(j);
}

static void write_gate(ld_json *j, const ld_report *r)
{
    ld_json_key(j, "gate");
    ld_json_object_begin(j);
    ld_json_kv_bool(j, "failed", r->gate_failed);
    kv_strlist(j, "reasons", &r->gate_reasons);
    ld_json_kv_string(j, "fail_on", r->opt.has_fail_on ? ld_severity_name(r->opt.fail_on) : NULL);
    ld_json_object_end(j);
}

static int json_end(ld_report *r, ld_error *err)
{
    ld_json *j = r->writer_state;
    ld_json_array_end(j); /* findings */
    write_summary(j, r);
    write_compliance(j, r);
    kv_strlist(j, "notes", &r->notes);
    write_gate(j, r);
    ld_json_object_end(j);
    if (fflush(r->opt.out) != 0 || ferror(r->opt.out))
        return ld_error_set_errno(err, LD_ERR_GENERIC, errno ? errno : EIO,
                                  "cannot write the JSON report");
    return 0;
}

static void json_destroy(ld_report *r)
{
    free(r->writer_state);
    r->writer_state = NULL;
}

const ld_writer_ops ld_writer_json = {
    .name = "json",
    .begin = json_begin,
    .finding = json_finding,
    .end = json_end,
    .destroy = json_destroy,
};
