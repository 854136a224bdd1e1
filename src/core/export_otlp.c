/* Findings as OTLP/HTTP JSON log records, and the receiver's answer (see
 * export_otlp.h). Records are encoded one by one with ld_json into a
 * memory stream and packed by core/export_batch.h, so a body never holds
 * more than the limits allow. */
#include "core/export_otlp.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "core/export_url.h"
#include "core/report_common.h"
#include "util/json_budget.h"
#include "util/mem.h"

/* OTLP SeverityNumber values used here (logs data model). */
enum {
    SEV_INFO = 9,
    SEV_INFO2 = 10,
    SEV_WARN = 13,
    SEV_WARN2 = 14,
    SEV_ERROR = 17,
    SEV_FATAL = 21,
};

static const char *range_name(int n)
{
    return n >= SEV_FATAL ? "FATAL" : n >= SEV_ERROR ? "ERROR" : n >= SEV_WARN ? "WARN" : "INFO";
}

int ld_otlp_severity(const ld_finding *f, const char **text)
{
    int n = SEV_INFO;
    if (f->exception) {
        n = SEV_INFO; /* an accepted risk is not an alert */
    } else if (f->status == LD_STATUS_FAIL) {
        switch (f->severity) {
        case LD_SEV_CRITICAL: n = SEV_FATAL; break;
        case LD_SEV_HIGH: n = SEV_ERROR; break;
        case LD_SEV_MEDIUM: n = SEV_WARN2; break;
        case LD_SEV_LOW: n = SEV_WARN; break;
        case LD_SEV_INFO:
        case LD_SEV_COUNT: n = SEV_INFO2; break;
        }
    } else if (f->status == LD_STATUS_WARN || f->status == LD_STATUS_ERROR) {
        n = SEV_WARN;
    }
    if (text)
        *text = range_name(n);
    return n;
}

/* ---- AnyValue attributes ---- */

static void attr_key(ld_json *j, const char *key)
{
    ld_json_object_begin(j);
    ld_json_kv_string(j, "key", key);
    ld_json_key(j, "value");
    ld_json_object_begin(j);
}

static void attr_end(ld_json *j)
{
    ld_json_object_end(j);
    ld_json_object_end(j);
}

/* Leaves the attribute out when s is NULL. */
static void attr_str(ld_json *j, const char *key, const char *s)
{
    if (!s)
        return;
    attr_key(j, key);
    ld_json_kv_string(j, "stringValue", s);
    attr_end(j);
}

static void attr_int(ld_json *j, const char *key, int64_t v)
{
    char num[32];
    snprintf(num, sizeof(num), "%" PRId64, v);
    attr_key(j, key);
    ld_json_kv_string(j, "intValue", num); /* int64: a string in OTLP JSON */
    attr_end(j);
}

static void attr_bool(ld_json *j, const char *key, bool v)
{
    attr_key(j, key);
    ld_json_kv_bool(j, "boolValue", v);
    attr_end(j);
}

/* Left out when the list is empty. */
static void attr_strlist(ld_json *j, const char *key, const ld_strlist *l)
{
    if (!l->n)
        return;
    attr_key(j, key);
    ld_json_key(j, "arrayValue");
    ld_json_object_begin(j);
    ld_json_key(j, "values");
    ld_json_array_begin(j);
    for (size_t i = 0; i < l->n; i++) {
        ld_json_object_begin(j);
        ld_json_kv_string(j, "stringValue", l->v[i]);
        ld_json_object_end(j);
    }
    ld_json_array_end(j);
    ld_json_object_end(j);
    attr_end(j);
}

/* ---- records ---- */

static void record_head(ld_json *j, const ld_report *r, int severity, const char *severity_text)
{
    char nanos[32];
    snprintf(nanos, sizeof(nanos), "%lld000000000", (long long)(r->now > 0 ? r->now : 0));
    if (r->now <= 0)
        snprintf(nanos, sizeof(nanos), "0");
    ld_json_kv_string(j, "timeUnixNano", nanos);
    ld_json_kv_string(j, "observedTimeUnixNano", nanos);
    ld_json_kv_int(j, "severityNumber", severity);
    ld_json_kv_string(j, "severityText", severity_text);
}

static void finding_attributes(ld_json *j, const ld_finding *f)
{
    const ld_control *c = f->control;
    const ld_target *t = &f->target;
    attr_str(j, "lockdown.record.type", "finding");
    attr_str(j, "lockdown.control_id", c->id);
    attr_str(j, "lockdown.check_id", f->check_id ? f->check_id : "");
    attr_str(j, "lockdown.framework", ld_framework_name(c->framework));
    attr_str(j, "lockdown.tier", ld_tier_name(c->tier));
    attr_str(j, "lockdown.nist", c->nist);
    attr_strlist(j, "lockdown.cis", &c->cis);
    attr_str(j, "lockdown.severity", ld_severity_name(f->severity));
    attr_str(j, "lockdown.status", ld_status_name(f->status));
    attr_str(j, "lockdown.title", ld_finding_title(f));
    attr_str(j, "lockdown.target.kind", ld_target_kind_name(t->kind));
    attr_str(j, "lockdown.target.id", t->id ? t->id : "");
    attr_str(j, "lockdown.target.name", t->name);
    attr_str(j, "lockdown.target.path", t->path);
    if (t->line > 0)
        attr_int(j, "lockdown.target.line", t->line);
    attr_str(j, "lockdown.evidence", f->evidence);
    attr_str(j, "lockdown.remediation", ld_finding_remediation(f));
    attr_str(j, "lockdown.exception", f->exception);
    if (f->vuln) {
        const ld_vuln_fields *v = f->vuln;
        attr_str(j, "lockdown.vulnerability.id", v->id);
        attr_strlist(j, "lockdown.vulnerability.aliases", &v->aliases);
        attr_str(j, "lockdown.vulnerability.ecosystem", v->ecosystem);
        attr_str(j, "lockdown.vulnerability.package", v->package);
        attr_str(j, "lockdown.vulnerability.installed_version", v->installed_version);
        attr_strlist(j, "lockdown.vulnerability.fixed_versions", &v->fixed_versions);
        attr_str(j, "lockdown.vulnerability.fix_status", v->fix_status);
        attr_str(j, "lockdown.vulnerability.purl", v->purl);
        if (v->cvss_score > 0) {
            attr_key(j, "lockdown.vulnerability.cvss_score");
            ld_json_key(j, "doubleValue");
            ld_json_double(j, v->cvss_score);
            attr_end(j);
        }
    }
    if (f->secret) {
        attr_str(j, "lockdown.secret.rule_id", f->secret->rule_id);
        attr_str(j, "lockdown.secret.masked", f->secret->masked);
        if (f->secret->line > 0)
            attr_int(j, "lockdown.secret.line", f->secret->line);
    }
}

static void finding_record(ld_json *j, const ld_report *r, const ld_finding *f)
{
    const char *text = NULL;
    int sev = ld_otlp_severity(f, &text);
    ld_json_object_begin(j);
    record_head(j, r, sev, text);
    ld_json_key(j, "body");
    ld_json_object_begin(j);
    char *body = f->evidence ? ld_xasprintf("%s: %s", ld_finding_title(f), f->evidence)
                             : ld_xstrdup(ld_finding_title(f));
    ld_json_kv_string(j, "stringValue", body);
    free(body);
    ld_json_object_end(j);
    ld_json_key(j, "attributes");
    ld_json_array_begin(j);
    finding_attributes(j, f);
    ld_json_array_end(j);
    ld_json_object_end(j);
}

static void summary_record(ld_json *j, const ld_report *r)
{
    const ld_evaluation *ev = r->eval;
    const ld_compliance *c = &ev->compliance[r->level];
    ld_json_object_begin(j);
    record_head(j, r, ev->gate_failed ? SEV_ERROR : SEV_INFO, ev->gate_failed ? "ERROR" : "INFO");
    char *line = ld_report_compliance_line(c);
    char *body = ld_xasprintf(
        "lockdown %s: gate %s; %zu findings; level %s: %s", r->opt.command ? r->opt.command : "",
        ev->gate_failed ? "failed" : "passed", ev->findings, ld_level_name(r->level), line);
    ld_json_key(j, "body");
    ld_json_object_begin(j);
    ld_json_kv_string(j, "stringValue", body);
    ld_json_object_end(j);
    free(body);
    free(line);
    ld_json_key(j, "attributes");
    ld_json_array_begin(j);
    attr_str(j, "lockdown.record.type", "summary");
    attr_str(j, "lockdown.level_source", r->opt.level_source);
    attr_int(j, "lockdown.findings", (int64_t)ev->findings);
    for (int s = 0; s < LD_STATUS_COUNT; s++) {
        char key[64];
        snprintf(key, sizeof(key), "lockdown.findings.%s", ld_status_name((ld_status)s));
        attr_int(j, key, (int64_t)ev->status_counts[s]);
    }
    attr_int(j, "lockdown.findings.excepted", (int64_t)ev->excepted);
    attr_int(j, "lockdown.compliance.required", (int64_t)c->required);
    attr_int(j, "lockdown.compliance.assessed", (int64_t)c->assessed);
    for (int s = 0; s < LD_CTRL_COUNT; s++) {
        char key[64];
        snprintf(key, sizeof(key), "lockdown.compliance.%s",
                 ld_report_state_key((ld_control_state)s));
        attr_int(j, key, (int64_t)c->by_state[s]);
    }
    ld_strlist tiers = {0};
    for (size_t i = 0; i < r->set->n_tiers; i++) {
        const ld_tier_record *t = &r->set->tiers[i];
        if (t->reason)
            ld_strlist_push_owned(&tiers, ld_xasprintf("%s: %s (%s)", t->name,
                                                       ld_tier_state_name(t->state), t->reason));
        else
            ld_strlist_push_owned(&tiers,
                                  ld_xasprintf("%s: %s", t->name, ld_tier_state_name(t->state)));
    }
    attr_strlist(j, "lockdown.tiers", &tiers);
    ld_strlist_clear(&tiers);
    attr_strlist(j, "lockdown.notes", &ev->notes);
    attr_bool(j, "lockdown.gate.failed", ev->gate_failed);
    attr_bool(j, "lockdown.gate.incomplete", ev->incomplete);
    attr_strlist(j, "lockdown.gate.reasons", &ev->gate_reasons);
    ld_json_array_end(j);
    ld_json_object_end(j);
}

/* The envelope up to the first record: resource and scope. */
static char *envelope_head(const ld_report *r, const ld_run_identity *id)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&buf, &len);
    if (!m)
        abort(); /* out of memory, as ld_x* do */
    ld_json j;
    ld_json_init(&j, m, false);
    ld_json_object_begin(&j);
    ld_json_key(&j, "resourceLogs");
    ld_json_array_begin(&j);
    ld_json_object_begin(&j);
    ld_json_key(&j, "resource");
    ld_json_object_begin(&j);
    ld_json_key(&j, "attributes");
    ld_json_array_begin(&j);
    attr_str(&j, "service.name", "lockdown");
    attr_str(&j, "service.version", LOCKDOWN_VERSION);
    attr_str(&j, "host.name", id->host);
    attr_str(&j, "lockdown.run_id", id->run_id);
    attr_str(&j, "lockdown.command", r->opt.command);
    attr_str(&j, "lockdown.scope", r->opt.scope);
    attr_str(&j, "lockdown.level", ld_level_name(r->level));
    attr_str(&j, "lockdown.started_at", id->started_at);
    ld_json_array_end(&j);
    ld_json_object_end(&j);
    ld_json_key(&j, "scopeLogs");
    ld_json_array_begin(&j);
    ld_json_object_begin(&j);
    ld_json_key(&j, "scope");
    ld_json_object_begin(&j);
    ld_json_kv_string(&j, "name", "lockdown");
    ld_json_kv_string(&j, "version", LOCKDOWN_VERSION);
    ld_json_object_end(&j);
    ld_json_key(&j, "logRecords");
    /* the array is opened by hand: the records are packed in between */
    if (fclose(m) != 0)
        abort(); /* out of memory, as ld_x* do */
    char *head = ld_xasprintf("%s[", buf);
    free(buf);
    return head;
}

void ld_export_otlp(const ld_report *r, const ld_run_identity *id, const ld_export_limits *lim,
                    ld_export_bodies *out)
{
    char *head = envelope_head(r, id);
    ld_export_packer p;
    ld_export_packer_init(&p, out, lim, head, ",", "]}]}]}");
    for (size_t i = 0; i < r->set->n; i++) {
        ld_finding view = ld_export_finding_view(r, i);
        ld_export_rec b;
        ld_export_rec_open(&b);
        finding_record(&b.j, r, &view);
        ld_export_rec_close(&b);
        ld_export_packer_add(&p, b.buf, b.len, true);
        free(b.buf);
    }
    ld_export_rec b;
    ld_export_rec_open(&b);
    summary_record(&b.j, r);
    ld_export_rec_close(&b);
    ld_export_packer_add(&p, b.buf, b.len, false);
    free(b.buf);
    ld_export_packer_finish(&p);
    free(head);
}

int ld_export_otlp_endpoint(const char *url, char **post_url, ld_error *err)
{
    ld_export_url u;
    *post_url = NULL;
    if (ld_export_url_split("otlp", url, &u, err) < 0)
        return err->code;
    bool no_path =
        u.path_end == u.path_start || (u.path_end - u.path_start == 1 && url[u.path_start] == '/');
    *post_url = no_path ? ld_export_url_with_path(url, &u, "/v1/logs") : ld_xstrdup(url);
    return 0;
}

/* ---- the answer ---- */

static const ld_json_limits response_limits = {
    .max_values = 200000, .max_containers = 50000, .max_depth = 64};

/* A count that the JSON mapping may write as a number or a string. */
static bool read_count(json_t *v, long long *out)
{
    if (json_is_integer(v)) {
        *out = json_integer_value(v);
        return true;
    }
    if (json_is_string(v)) {
        const char *s = json_string_value(v);
        char *end = NULL;
        long long n = strtoll(s, &end, 10);
        if (end != s && *end == '\0') {
            *out = n;
            return true;
        }
    }
    return false;
}

int ld_export_otlp_response(long status, const char *body, size_t len, size_t sent, ld_error *err)
{
    json_t *doc = NULL;
    if (body && len && body[0] == '{') {
        ld_error ignored = LD_ERROR_INIT;
        doc = ld_json_load_bounded("otlp response", body, len, 0, &response_limits, &ignored);
    }
    int rc = 0;
    if (status < 200 || status > 299) {
        json_t *msg = doc ? json_object_get(doc, "message") : NULL;
        if (json_is_string(msg) && json_string_value(msg)[0])
            rc = ld_error_set(err, LD_ERR_GENERIC, "the receiver answered HTTP %ld: %.300s", status,
                              json_string_value(msg));
        else
            rc = ld_error_set(err, LD_ERR_GENERIC, "the receiver answered HTTP %ld", status);
    } else if (doc) {
        json_t *ps = json_object_get(doc, "partialSuccess");
        long long rejected = 0;
        if (json_is_object(ps) &&
            read_count(json_object_get(ps, "rejectedLogRecords"), &rejected) && rejected > 0) {
            json_t *msg = json_object_get(ps, "errorMessage");
            rc = ld_error_set(err, LD_ERR_GENERIC,
                              "the receiver rejected %lld of %zu log records%s%.300s", rejected,
                              sent, json_is_string(msg) && json_string_value(msg)[0] ? ": " : "",
                              json_is_string(msg) ? json_string_value(msg) : "");
        }
    }
    json_decref(doc);
    return rc;
}
