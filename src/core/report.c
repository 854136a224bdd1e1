/* Report: policy application, compliance tallies, gate, writer dispatch.
 * See report.h. */
#include "core/report.h"

#include <assert.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "util/mem.h"

static const char *const format_names[] = {"table", "json", "sarif", "junit"};

int ld_format_parse(const char *s, ld_format *out)
{
    for (int i = 0; i < 4; i++) {
        if (s && strcmp(s, format_names[i]) == 0) {
            *out = (ld_format)i;
            return 0;
        }
    }
    return -1;
}

const char *ld_format_name(ld_format f) { return (unsigned)f < 4 ? format_names[f] : "?"; }

const char *ld_control_state_name(ld_control_state s)
{
    switch (s) {
    case LD_CTRL_PASSED: return "passed";
    case LD_CTRL_FAILED: return "failed";
    case LD_CTRL_ATTESTED: return "attested";
    case LD_CTRL_NOT_ASSESSED: break;
    }
    return "not assessed";
}

static const ld_writer_ops *writer_for(ld_format f)
{
    switch (f) {
    case LD_FORMAT_TABLE: return &ld_writer_table;
    case LD_FORMAT_JSON: return &ld_writer_json;
    case LD_FORMAT_SARIF: return &ld_writer_sarif;
    case LD_FORMAT_JUNIT: return &ld_writer_junit;
    }
    return &ld_writer_table;
}

void ld_report_note(ld_report *r, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = ld_xvasprintf(fmt, ap);
    va_end(ap);
    if (ld_strlist_contains(&r->notes, s))
        free(s);
    else
        ld_strlist_push_owned(&r->notes, s);
}

/* Valid attestations make controls attested; expired ones become notes. */
static void apply_attestations(ld_report *r)
{
    if (!r->policy)
        return;
    for (size_t i = 0; i < r->policy->n_attestations; i++) {
        const ld_attestation *a = &r->policy->attestations[i];
        const ld_control *c = ld_catalog_find(r->catalog, a->control);
        if (!c) {
            ld_report_note(r, "%s:%d: attestation names unknown control \"%s\"; ignored",
                           r->policy->path, a->line, a->control);
            continue;
        }
        if (a->expires && ld_date_expired(a->expires, r->opt.now)) {
            ld_report_note(r, "attestation of %s by %s expired on %s; it no longer counts",
                           a->control, a->by, a->expires);
            continue;
        }
        r->tally[c->index].attestation = a;
    }
}

ld_report *ld_report_open(const ld_report_options *opt, const ld_catalog *cat,
                          const ld_policy *policy, ld_error *err)
{
    (void)err;
    ld_report *r = ld_xcalloc(1, sizeof(*r));
    r->opt = *opt;
    if (!r->opt.now)
        r->opt.now = time(NULL);
    r->catalog = cat;
    r->policy = policy;
    r->tally = ld_xcalloc(cat->n ? cat->n : 1, sizeof(*r->tally));
    r->ops = writer_for(opt->format);
    apply_attestations(r);
    return r;
}

int ld_report_begin(ld_report *r, ld_error *err)
{
    return r->ops->begin ? r->ops->begin(r, err) : 0;
}

/* The first unexpired exception covering f; notes expired ones that would. */
static const ld_exception *find_exception(ld_report *r, const ld_finding *f)
{
    if (!r->policy)
        return NULL;
    for (size_t i = 0; i < r->policy->n_exceptions; i++) {
        const ld_exception *e = &r->policy->exceptions[i];
        if (!ld_exception_matches(e, f))
            continue;
        if (e->expires && ld_date_expired(e->expires, r->opt.now)) {
            ld_report_note(r, "exception for %s (%s:%d) expired on %s; it no longer applies",
                           e->id, r->policy->path, e->line, e->expires);
            continue;
        }
        return e;
    }
    return NULL;
}

static void count(ld_control_tally *t, const ld_finding *f)
{
    if (f->exception) {
        t->excepted++;
        return;
    }
    switch (f->status) {
    case LD_STATUS_PASS: t->pass++; break;
    case LD_STATUS_FAIL: t->fail++; break;
    case LD_STATUS_WARN: t->warn++; break;
    /* an info finding is an observation that needs no action: the control was assessed */
    case LD_STATUS_INFO: t->pass++; break;
    default: t->other++; break;
    }
}

int ld_report_emit(ld_report *r, ld_finding *f, ld_error *err)
{
    const ld_exception *e = find_exception(r, f);
    if (e && !f->exception)
        f->exception = ld_xstrdup(e->reason);
    count(&r->tally[f->control->index], f);
    r->status_counts[f->status]++;
    if (r->opt.has_fail_on && !f->exception && f->status == LD_STATUS_FAIL &&
        f->severity >= r->opt.fail_on)
        r->fail_at_or_above++;
    r->findings++;
    int rc = r->ops->finding ? r->ops->finding(r, f, err) : 0;
    ld_finding_free(f);
    return rc;
}

bool ld_control_required(const ld_control *c, ld_level level) { return c->level <= level; }

/* Sum the tallies that bear on c: its own, and for a NIST control those of
 * CIS controls sharing one of its checks (a finding is filed under the CIS
 * control when both list the check). Sharing an 800-190 key is not enough:
 * a remote-logging failure says nothing about forensic capture. */
static ld_control_tally combined_tally(const ld_report *r, const ld_control *c)
{
    ld_control_tally t = r->tally[c->index];
    if (c->framework != LD_FW_NIST_800_190)
        return t;
    for (size_t i = 0; i < r->catalog->n; i++) {
        const ld_control *o = &r->catalog->controls[i];
        if (o->framework != LD_FW_CIS_DOCKER_16)
            continue;
        bool shares = false;
        for (size_t k = 0; k < c->checks.n && !shares; k++)
            shares = ld_strlist_contains(&o->checks, c->checks.v[k]);
        if (!shares)
            continue;
        const ld_control_tally *ot = &r->tally[o->index];
        t.pass += ot->pass;
        t.fail += ot->fail;
        t.warn += ot->warn;
        t.other += ot->other;
        t.excepted += ot->excepted;
    }
    return t;
}

ld_control_state ld_report_control_state(const ld_report *r, const ld_control *c)
{
    ld_control_tally t = combined_tally(r, c);
    if (t.fail > 0)
        return LD_CTRL_FAILED;
    if (r->tally[c->index].attestation)
        return LD_CTRL_ATTESTED;
    if (t.pass > 0 || t.warn > 0 || t.excepted > 0)
        return LD_CTRL_PASSED;
    return LD_CTRL_NOT_ASSESSED;
}

void ld_report_compliance(const ld_report *r, ld_level level, ld_compliance *out)
{
    memset(out, 0, sizeof(*out));
    for (size_t i = 0; i < r->catalog->n; i++) {
        const ld_control *c = &r->catalog->controls[i];
        if (!ld_control_required(c, level))
            continue;
        out->required++;
        switch (ld_report_control_state(r, c)) {
        case LD_CTRL_PASSED: out->passed++; break;
        case LD_CTRL_FAILED: out->failed++; break;
        case LD_CTRL_ATTESTED: out->attested++; break;
        case LD_CTRL_NOT_ASSESSED: out->not_assessed++; break;
        }
    }
}

static void decide_gate(ld_report *r)
{
    bool required = !r->policy || r->policy->required_controls;
    size_t failed_required = 0;
    const char *first = NULL;
    for (size_t i = 0; i < r->catalog->n; i++) {
        const ld_control *c = &r->catalog->controls[i];
        if (!required || !ld_control_required(c, r->opt.level))
            continue;
        if (ld_report_control_state(r, c) == LD_CTRL_FAILED) {
            if (!first)
                first = c->id;
            failed_required++;
        }
    }
    if (failed_required > 0) {
        r->gate_failed = true;
        ld_strlist_push_owned(&r->gate_reasons,
                              ld_xasprintf("%zu control%s required at level %s failed (first: %s)",
                                           failed_required, failed_required == 1 ? "" : "s",
                                           ld_level_name(r->opt.level), first));
    }
    if (r->opt.has_fail_on) {
        size_t n = r->fail_at_or_above;
        if (n > 0) {
            r->gate_failed = true;
            ld_strlist_push_owned(&r->gate_reasons,
                                  ld_xasprintf("%zu failing finding%s at severity %s or above", n,
                                               n == 1 ? "" : "s",
                                               ld_severity_name(r->opt.fail_on)));
        }
    }
}

int ld_report_finish(ld_report *r, ld_error *err)
{
    decide_gate(r);
    r->finished = true;
    return r->ops->end ? r->ops->end(r, err) : 0;
}

bool ld_report_gate_failed(const ld_report *r) { return r->gate_failed; }

void ld_report_free(ld_report *r)
{
    if (!r)
        return;
    if (r->ops && r->ops->destroy)
        r->ops->destroy(r);
    ld_strlist_clear(&r->notes);
    ld_strlist_clear(&r->gate_reasons);
    free(r->tally);
    free(r);
}

const ld_control *ld_catalog_control_for_check(const ld_catalog *cat, const char *check_id)
{
    const ld_control *first = NULL;
    for (size_t i = 0; i < cat->n; i++) {
        const ld_control *c = &cat->controls[i];
        if (!ld_strlist_contains(&c->checks, check_id))
            continue;
        if (c->framework == LD_FW_CIS_DOCKER_16)
            return c;
        if (!first)
            first = c;
    }
    return first;
}

int ld_report_check(ld_report *r, const char *check_id, ld_status status, ld_target_kind kind,
                    const char *target_id, const char *target_name, ld_error *err,
                    const char *evidence_fmt, ...)
{
    const ld_control *c = ld_catalog_control_for_check(r->catalog, check_id);
    assert(c && "check id missing from data/controls.yaml");
    if (!c)
        return ld_error_set(err, LD_ERR_GENERIC, "check %s has no control in the catalog",
                            check_id);
    ld_finding *f = ld_finding_new(c, check_id, status);
    ld_finding_set_target(f, kind, target_id, target_name);
    if (evidence_fmt) {
        va_list ap;
        va_start(ap, evidence_fmt);
        f->evidence = ld_xvasprintf(evidence_fmt, ap);
        va_end(ap);
    }
    return ld_report_emit(r, f, err);
}
