/* Shared pieces of the report writers (see report_common.h): each was a
 * copy in two or more of report_json.c, report_sarif.c, report_junit.c and
 * report_table.c and writes the same bytes they did. Not for anything a
 * single writer needs: that stays in its own file. */
#include "core/report_common.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "util/mem.h"

/* ---- JSON and SARIF ---- */

ld_json *ld_report_json_start(ld_report *r)
{
    ld_json *j = ld_xcalloc(1, sizeof(*j));
    r->writer_state = j;
    ld_json_init(j, r->opt.out, true);
    return j;
}

void ld_report_json_destroy(ld_report *r)
{
    free(r->writer_state);
    r->writer_state = NULL;
}

void ld_report_json_strlist(ld_json *j, const char *key, const ld_strlist *l)
{
    ld_json_key(j, key);
    ld_json_array_begin(j);
    for (size_t i = 0; i < l->n; i++)
        ld_json_string(j, l->v[i]);
    ld_json_array_end(j);
}

void ld_report_json_target_evidence(ld_json *j, const ld_finding *f, bool with_location)
{
    const ld_target *t = &f->target;
    ld_json_key(j, "target");
    ld_json_object_begin(j);
    ld_json_kv_string(j, "kind", ld_target_kind_name(t->kind));
    ld_json_kv_string(j, "id", t->id ? t->id : "");
    ld_json_kv_string(j, "name", t->name);
    if (with_location) {
        ld_json_kv_string(j, "path", t->path);
        ld_json_key(j, "line");
        if (t->line > 0)
            ld_json_int(j, t->line);
        else
            ld_json_null(j);
    }
    ld_json_object_end(j);
    ld_json_kv_string(j, "evidence", f->evidence);
}

const char *ld_report_state_key(ld_control_state s)
{
    static const char *const keys[LD_CTRL_COUNT] = {
        [LD_CTRL_PASSED] = "passed",           [LD_CTRL_FAILED] = "failed",
        [LD_CTRL_REVIEW] = "needs_review",     [LD_CTRL_EXCEPTED] = "excepted",
        [LD_CTRL_ATTESTED] = "attested",       [LD_CTRL_NOT_ASSESSED] = "not_assessed",
        [LD_CTRL_NOT_APPLICABLE] = "not_applicable", [LD_CTRL_OUT_OF_SCOPE] = "out_of_scope",
    };
    return (unsigned)s < LD_CTRL_COUNT ? keys[s] : "not_assessed";
}

void ld_report_json_level_counts(ld_json *j, const ld_report *r)
{
    for (int l = 0; l < LD_LEVEL_COUNT; l++) {
        const ld_compliance *c = &r->eval->compliance[l];
        ld_json_key(j, ld_level_name((ld_level)l));
        ld_json_object_begin(j);
        ld_json_kv_int(j, "required", (int64_t)c->required);
        ld_json_kv_int(j, "assessed", (int64_t)c->assessed);
        for (int s = 0; s < LD_CTRL_COUNT; s++)
            ld_json_kv_int(j, ld_report_state_key((ld_control_state)s), (int64_t)c->by_state[s]);
        ld_json_object_end(j);
    }
}

void ld_report_json_gate(ld_json *j, const ld_report *r)
{
    const ld_evaluation *ev = r->eval;
    ld_json_key(j, "gate");
    ld_json_object_begin(j);
    ld_json_kv_bool(j, "failed", ev->gate_failed);
    ld_json_kv_bool(j, "incomplete", ev->incomplete);
    ld_report_json_strlist(j, "reasons", &ev->gate_reasons);
    ld_report_json_strlist(j, "notes", &ev->gate_notes);
    ld_json_kv_string(j, "fail_on", ev->opt.has_fail_on ? ld_severity_name(ev->opt.fail_on) : NULL);
    ld_json_kv_bool(j, "allow_incomplete", ev->allow_incomplete);
    ld_json_kv_bool(j, "fail_on_review", ev->fail_on_review);
    ld_json_object_end(j);
}

void ld_report_json_coverage(ld_json *j, const ld_report *r)
{
    const ld_compliance *c = &r->eval->compliance[r->level];
    ld_json_key(j, "coverage");
    ld_json_object_begin(j);
    ld_json_key(j, "controls");
    ld_json_object_begin(j);
    ld_json_kv_string(j, "level", ld_level_name(r->level));
    ld_json_kv_int(j, "required", (int64_t)c->required);
    ld_json_kv_int(j, "assessed", (int64_t)c->assessed);
    ld_json_kv_int(j, "owed_not_assessed", (int64_t)c->owed_not_assessed);
    ld_json_object_end(j);
    ld_json_key(j, "vulnerabilities");
    ld_json_array_begin(j);
    for (size_t i = 0; i < r->set->n_coverage; i++) {
        const ld_coverage *v = &r->set->coverage[i];
        ld_json_object_begin(j);
        ld_json_kv_string(j, "target", v->target);
        ld_json_kv_string(j, "ecosystem", v->ecosystem);
        ld_json_kv_string(j, "release", v->release);
        ld_json_kv_int(j, "packages", (int64_t)v->packages);
        ld_json_kv_bool(j, "covered", v->covered);
        ld_json_object_end(j);
    }
    ld_json_array_end(j);
    ld_json_object_end(j);
}

/* ---- every writer ---- */

char *ld_report_compliance_line(const ld_compliance *c)
{
    static const char *const words[LD_CTRL_COUNT] = {
        [LD_CTRL_PASSED] = "passed",           [LD_CTRL_FAILED] = "failed",
        [LD_CTRL_REVIEW] = "need review",      [LD_CTRL_EXCEPTED] = "excepted",
        [LD_CTRL_ATTESTED] = "attested",       [LD_CTRL_NOT_ASSESSED] = "not assessed",
        [LD_CTRL_NOT_APPLICABLE] = "not applicable", [LD_CTRL_OUT_OF_SCOPE] = "out of scope",
    };
    ld_strlist parts = {0};
    for (int s = 0; s < LD_CTRL_COUNT; s++)
        if (s <= LD_CTRL_FAILED || c->by_state[s])
            ld_strlist_push_owned(&parts, ld_xasprintf("%zu %s", c->by_state[s], words[s]));
    char *body = ld_strlist_join(&parts, ", ");
    char *line = ld_xasprintf("%zu required, %zu assessed: %s", c->required, c->assessed, body);
    free(body);
    ld_strlist_clear(&parts);
    return line;
}

void ld_report_utc_time(time_t t, bool zulu, char *out, size_t n)
{
    struct tm tm;
    size_t w = 0;
    if (gmtime_r(&t, &tm))
        w = zulu ? strftime(out, n, "%Y-%m-%dT%H:%M:%SZ", &tm)
                 : strftime(out, n, "%Y-%m-%dT%H:%M:%S", &tm);
    if (w == 0)
        snprintf(out, n, "%s", zulu ? "1970-01-01T00:00:00Z" : "1970-01-01T00:00:00");
}

int ld_report_flush(FILE *o, const char *what, ld_error *err)
{
    if (fflush(o) != 0 || ferror(o))
        return ld_error_set_errno(err, LD_ERR_GENERIC, errno ? errno : EIO, "cannot write %s",
                                  what);
    return 0;
}

ld_tier ld_report_tier(const ld_finding *f)
{
    return f->control->tier < LD_TIER_COUNT ? f->control->tier : LD_TIER_HOST;
}

bool ld_report_os_ecosystem(const char *ecosystem)
{
    return ecosystem && (strcmp(ecosystem, "deb") == 0 || strcmp(ecosystem, "apk") == 0 ||
                         strcmp(ecosystem, "rpm") == 0);
}

/* ---- text ---- */

static void json_opt_double(ld_json *j, const char *key, double v)
{
    ld_json_key(j, key);
    if (v > 0)
        ld_json_double(j, v);
    else
        ld_json_null(j);
}

void ld_report_json_extras(ld_json *j, const ld_finding *f)
{
    const ld_vuln_fields *v = f->vuln;
    if (v) {
        ld_json_key(j, "vulnerability");
        ld_json_object_begin(j);
        ld_json_kv_string(j, "id", v->id);
        ld_report_json_strlist(j, "aliases", &v->aliases);
        ld_json_kv_string(j, "ecosystem", v->ecosystem);
        ld_json_kv_string(j, "package", v->package);
        ld_json_kv_string(j, "source_package", v->source_package);
        ld_json_kv_string(j, "installed_version", v->installed_version);
        ld_report_json_strlist(j, "fixed_versions", &v->fixed_versions);
        ld_json_kv_string(j, "fix_status", v->fix_status);
        ld_json_kv_string(j, "purl", v->purl);
        ld_json_kv_string(j, "severity_source", v->severity_source);
        json_opt_double(j, "cvss_score", v->cvss_score);
        ld_json_kv_string(j, "cvss_vector", v->cvss_vector);
        ld_report_json_strlist(j, "references", &v->references);
        ld_json_key(j, "layer");
        ld_json_object_begin(j);
        ld_json_kv_string(j, "digest", v->layer_digest);
        ld_json_kv_string(j, "diff_id", v->layer_diff_id);
        ld_json_kv_string(j, "created_by", v->layer_created_by);
        ld_json_object_end(j);
        ld_json_object_end(j);
    }
    const ld_secret_fields *s = f->secret;
    if (s) {
        ld_json_key(j, "secret");
        ld_json_object_begin(j);
        ld_json_kv_string(j, "rule_id", s->rule_id);
        ld_json_kv_string(j, "masked", s->masked);
        ld_json_kv_int(j, "line", s->line);
        ld_json_kv_string(j, "layer_digest", s->layer_digest);
        ld_json_kv_string(j, "layer_created_by", s->layer_created_by);
        ld_json_kv_bool(j, "deleted", s->deleted);
        ld_json_kv_bool(j, "overwritten", s->overwritten);
        ld_json_kv_string(j, "removed_by_layer", s->removed_by_layer);
        ld_json_object_end(j);
    }
}

void ld_report_json_tiers(ld_json *j, const ld_report *r)
{
    ld_json_key(j, "tiers");
    ld_json_array_begin(j);
    for (size_t i = 0; i < r->set->n_tiers; i++) {
        const ld_tier_record *t = &r->set->tiers[i];
        ld_json_object_begin(j);
        ld_json_kv_string(j, "name", t->name);
        ld_json_kv_string(j, "state", ld_tier_state_name(t->state));
        ld_json_kv_string(j, "what", t->what);
        ld_json_kv_string(j, "reason", t->reason);
        ld_json_object_end(j);
    }
    ld_json_array_end(j);
}

void ld_report_json_finding_members(ld_json *j, const ld_finding *f)
{
    const ld_control *c = f->control;
    ld_json_kv_string(j, "control_id", c->id);
    ld_json_kv_string(j, "check_id", f->check_id ? f->check_id : "");
    ld_json_kv_string(j, "framework", ld_framework_name(c->framework));
    ld_report_json_strlist(j, "refs", &c->refs);
    ld_json_kv_string(j, "tier", ld_tier_name(c->tier));
    ld_json_kv_string(j, "nist", c->nist);
    ld_report_json_strlist(j, "cis", &c->cis);
    ld_json_kv_string(j, "severity", ld_severity_name(f->severity));
    ld_json_kv_string(j, "status", ld_status_name(f->status));
    ld_json_kv_string(j, "title", ld_finding_title(f));
    ld_report_json_target_evidence(j, f, true);
    ld_json_kv_string(j, "remediation", ld_finding_remediation(f));
    ld_json_kv_string(j, "exception", f->exception);
    ld_report_json_extras(j, f);
}

void ld_report_json_summary(ld_json *j, const ld_report *r)
{
    ld_json_key(j, "summary");
    ld_json_object_begin(j);
    ld_json_kv_int(j, "findings", (int64_t)r->eval->findings);
    for (int s = 0; s < LD_STATUS_COUNT; s++)
        ld_json_kv_int(j, ld_status_name((ld_status)s), (int64_t)r->eval->status_counts[s]);
    ld_json_kv_int(j, "excepted", (int64_t)r->eval->excepted);
    ld_json_object_end(j);
}
