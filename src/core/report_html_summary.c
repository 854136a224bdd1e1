/* The server-side summary of the HTML report: what a manager reads in one
 * screen without JavaScript (verdict, level and why, compliance per tier
 * and per level as bars, what was assessed, top risks) and the notes.
 * Every count carries data-* attributes so tests can compare the page with
 * the JSON report of the same run. Bars are inline SVG (widths are
 * attributes, not style), which the page's content security policy allows.
 * Not for deciding anything: the evaluation did. */
#include "core/report_html.h"

#include <stdlib.h>
#include <string.h>

#include "core/report_common.h"
#include "util/mem.h"

#define TOP_RISKS 10

/* The states shown as columns and bar segments, in this order. */
static const ld_control_state shown_states[] = {
    LD_CTRL_PASSED, LD_CTRL_ATTESTED,     LD_CTRL_EXCEPTED,       LD_CTRL_REVIEW,
    LD_CTRL_FAILED, LD_CTRL_NOT_ASSESSED, LD_CTRL_NOT_APPLICABLE, LD_CTRL_OUT_OF_SCOPE,
};
#define N_SHOWN (sizeof(shown_states) / sizeof(shown_states[0]))

/* A CSS-safe class name of a state: "needs-review", "not-assessed", ... */
static const char *state_class(ld_control_state s)
{
    static const char *const names[LD_CTRL_COUNT] = {
        [LD_CTRL_PASSED] = "passed",
        [LD_CTRL_FAILED] = "failed",
        [LD_CTRL_REVIEW] = "needs-review",
        [LD_CTRL_EXCEPTED] = "excepted",
        [LD_CTRL_ATTESTED] = "attested",
        [LD_CTRL_NOT_ASSESSED] = "not-assessed",
        [LD_CTRL_NOT_APPLICABLE] = "not-applicable",
        [LD_CTRL_OUT_OF_SCOPE] = "out-of-scope",
    };
    return (unsigned)s < LD_CTRL_COUNT ? names[s] : "not-assessed";
}

static const char *level_source_words(const char *src)
{
    if (!src)
        return "not recorded";
    if (strcmp(src, "--level") == 0)
        return "set on the command line (--level)";
    if (strcmp(src, "policy level") == 0)
        return "set by the policy's level";
    if (strcmp(src, "policy profile") == 0)
        return "derived from the policy's profile of the system";
    if (strcmp(src, "default") == 0)
        return "the default (no --level, and the policy sets no level or profile)";
    return src;
}

static void write_list(FILE *o, const char *cls, const ld_strlist *l)
{
    if (!l || l->n == 0)
        return;
    fprintf(o, "<ul class=\"%s\">\n", cls);
    for (size_t i = 0; i < l->n; i++) {
        fputs("<li>", o);
        ld_html_text(o, l->v[i]);
        fputs("</li>\n", o);
    }
    fputs("</ul>\n", o);
}

static void write_verdict(FILE *o, const ld_report *r)
{
    const ld_evaluation *ev = r->eval;
    const char *cls = ev->gate_failed ? "failed" : ev->incomplete ? "incomplete" : "passed";
    fprintf(o, "<div class=\"verdict %s\" data-gate=\"%s\" data-incomplete=\"%s\">\n", cls,
            ev->gate_failed ? "failed" : "passed", ev->incomplete ? "true" : "false");
    if (ev->gate_failed)
        fputs("<h2>Gate failed</h2>\n<p>This run found what the level in force does not allow"
              "; the command exits with status 1. Why:</p>\n",
              o);
    else if (ev->incomplete)
        fputs("<h2>Gate passed, incomplete</h2>\n<p>No required control failed, but some required "
              "controls could not be assessed and incomplete runs were allowed.</p>\n",
              o);
    else
        fputs("<h2>Gate passed</h2>\n<p>No required control failed and nothing at or above the "
              "fail-on severity was found.</p>\n",
              o);
    write_list(o, "reasons", &ev->gate_reasons);
    write_list(o, "gate-notes", &ev->gate_notes);
    fputs("</div>\n", o);
}

static void write_level(FILE *o, const ld_report *r)
{
    fprintf(o, "<div class=\"level\" data-level=\"%s\">\n<h3>Level in force: %s</h3>\n<p>",
            ld_level_name(r->level), ld_level_name(r->level));
    ld_html_text(o, level_source_words(r->opt.level_source));
    fputs("</p>\n", o);
    write_list(o, "reasoning", r->opt.level_reasoning);
    fputs("</div>\n", o);
}

static void write_status_counts(FILE *o, const ld_report *r)
{
    fprintf(o, "<p class=\"status-counts\" data-findings=\"%zu\"><strong>%zu findings</strong>:",
            r->eval->findings, r->eval->findings);
    for (int s = 0; s < LD_STATUS_COUNT; s++)
        fprintf(o, " <span class=\"st st-%s\" data-status=\"%s\" data-count=\"%zu\">%zu %s</span>",
                ld_status_name((ld_status)s), ld_status_name((ld_status)s),
                r->eval->status_counts[s], r->eval->status_counts[s], ld_status_name((ld_status)s));
    if (r->eval->excepted)
        fprintf(o,
                " <span class=\"st\" data-status=\"excepted\" data-count=\"%zu\">(%zu excepted "
                "by the policy)</span>",
                r->eval->excepted, r->eval->excepted);
    fputs("</p>\n", o);
}

/* A stacked bar of by_state over total, as SVG rectangles in percent. */
static void write_bar(FILE *o, const size_t *by_state, size_t total)
{
    fputs("<svg class=\"bar\" viewBox=\"0 0 100 10\" preserveAspectRatio=\"none\" role=\"img\" "
          "aria-hidden=\"true\">",
          o);
    double x = 0;
    for (size_t k = 0; total && k < N_SHOWN; k++) {
        size_t n = by_state[shown_states[k]];
        if (!n)
            continue;
        double w = 100.0 * (double)n / (double)total;
        fprintf(o, "<rect class=\"s-%s\" x=\"%.3f\" y=\"0\" width=\"%.3f\" height=\"10\"/>",
                state_class(shown_states[k]), x, w);
        x += w;
    }
    fputs("</svg>", o);
}

static void write_compliance_head(FILE *o, const char *first)
{
    fprintf(o, "<thead><tr><th>%s</th><th class=\"barcol\">required controls</th><th>required</th>",
            first);
    for (size_t k = 0; k < N_SHOWN; k++)
        fprintf(o, "<th class=\"s-%s\">%s</th>", state_class(shown_states[k]),
                ld_control_state_name(shown_states[k]));
    fputs("</tr></thead>\n", o);
}

/* One row: attr is the row's data attribute ("tier" or "level") = name. */
static void write_compliance_row(FILE *o, const char *attr, const char *name, bool current,
                                 size_t required, const size_t *by_state)
{
    fprintf(o, "<tr data-%s=\"%s\" data-required=\"%zu\"%s><th>%s%s</th><td class=\"barcol\">",
            attr, name, required, current ? " class=\"current\"" : "", name,
            current ? " (in force)" : "");
    write_bar(o, by_state, required);
    fprintf(o, "</td><td>%zu</td>", required);
    for (size_t k = 0; k < N_SHOWN; k++) {
        size_t n = by_state[shown_states[k]];
        fprintf(o, "<td class=\"n s-%s%s\" data-state=\"%s\" data-count=\"%zu\">%zu</td>",
                state_class(shown_states[k]), n ? "" : " zero",
                ld_report_state_key(shown_states[k]), n, n);
    }
    fputs("</tr>\n", o);
}

static void write_compliance(FILE *o, const ld_report *r)
{
    size_t by_tier[LD_TIER_COUNT][LD_CTRL_COUNT] = {{0}};
    size_t required[LD_TIER_COUNT] = {0};
    for (size_t i = 0; i < r->catalog->n; i++) {
        const ld_control *c = &r->catalog->controls[i];
        if (!ld_control_required(c, r->level) || (unsigned)c->tier >= LD_TIER_COUNT)
            continue;
        required[c->tier]++;
        by_tier[c->tier][r->eval->controls[i].state]++;
    }
    fprintf(o,
            "<h3>Required controls at level %s, per tier</h3>\n"
            "<table class=\"compliance by-tier\">\n",
            ld_level_name(r->level));
    write_compliance_head(o, "tier");
    fputs("<tbody>\n", o);
    for (int t = 0; t < LD_TIER_COUNT; t++)
        write_compliance_row(o, "tier", ld_tier_name((ld_tier)t), false, required[t], by_tier[t]);
    fputs("</tbody></table>\n<h3>Required controls per level</h3>\n"
          "<table class=\"compliance by-level\">\n",
          o);
    write_compliance_head(o, "level");
    fputs("<tbody>\n", o);
    for (int l = 0; l < LD_LEVEL_COUNT; l++) {
        const ld_compliance *c = &r->eval->compliance[l];
        write_compliance_row(o, "level", ld_level_name((ld_level)l), l == (int)r->level,
                             c->required, c->by_state);
    }
    fputs("</tbody></table>\n", o);
    fputs("<p class=\"legend\">", o);
    for (size_t k = 0; k < N_SHOWN; k++)
        fprintf(o, "<span class=\"key s-%s\"></span>%s ", state_class(shown_states[k]),
                ld_control_state_name(shown_states[k]));
    fputs("</p>\n", o);
}

static void write_tier_records(FILE *o, const ld_report *r)
{
    const ld_findings *fs = r->set;
    fprintf(o, "<h3>What was assessed</h3>\n<table class=\"tiers\" data-tiers=\"%zu\">\n",
            fs->n_tiers);
    if (fs->n_tiers == 0) {
        fputs("<tbody><tr><td>This command records no tiers: it assessed what its scope line "
              "says.</td></tr></tbody></table>\n",
              o);
        return;
    }
    fputs("<thead><tr><th>tier</th><th>state</th><th>what was looked at</th><th>why not (all)"
          "</th></tr></thead>\n<tbody>\n",
          o);
    for (size_t i = 0; i < fs->n_tiers; i++) {
        const ld_tier_record *t = &fs->tiers[i];
        const char *state = ld_tier_state_name(t->state);
        fputs("<tr data-tier-record=\"", o);
        ld_html_text(o, t->name);
        fputs("\" data-tier-state=\"", o);
        ld_html_text(o, state);
        fputs("\"><th>", o);
        ld_html_text(o, t->name);
        fprintf(o, "</th><td><span class=\"badge t-%d\">", (int)t->state);
        ld_html_text(o, state);
        fputs("</span></td><td>", o);
        ld_html_text(o, t->what);
        fputs("</td><td>", o);
        ld_html_text(o, t->reason);
        fputs("</td></tr>\n", o);
    }
    fputs("</tbody></table>\n", o);
}

typedef struct {
    size_t control;
    int severity; /* the worst failing, non-excepted finding's; the control's if none */
    size_t failing;
} risk;

static int risk_cmp(const void *a, const void *b)
{
    const risk *x = a, *y = b;
    if (x->severity != y->severity)
        return y->severity - x->severity;
    if (x->failing != y->failing)
        return x->failing < y->failing ? 1 : -1;
    return x->control < y->control ? -1 : x->control > y->control;
}

/* The failed required controls, worst first, with the evaluation's one-line
 * reason: what a manager acts on. */
static void write_top_risks(FILE *o, const ld_report *r)
{
    size_t n = r->catalog->n;
    int *worst = ld_xcalloc(n ? n : 1, sizeof(*worst));
    size_t *failing = ld_xcalloc(n ? n : 1, sizeof(*failing));
    for (size_t i = 0; i < n; i++)
        worst[i] = -1;
    for (size_t i = 0; i < r->set->n; i++) {
        const ld_finding *f = r->set->v[i];
        size_t c = f->control->index;
        if (f->status != LD_STATUS_FAIL || r->eval->exception[i] || c >= n)
            continue;
        failing[c]++;
        if ((int)f->severity > worst[c])
            worst[c] = (int)f->severity;
    }
    risk *v = ld_xcalloc(n ? n : 1, sizeof(*v));
    size_t nv = 0;
    for (size_t i = 0; i < n; i++) {
        const ld_control *c = &r->catalog->controls[i];
        if (r->eval->controls[i].state != LD_CTRL_FAILED || !ld_control_required(c, r->level))
            continue;
        v[nv++] = (risk){i, worst[i] >= 0 ? worst[i] : (int)c->severity, failing[i]};
    }
    qsort(v, nv, sizeof(*v), risk_cmp);
    fprintf(o, "<h3>Top risks</h3>\n<ol class=\"risks\" data-failed-required=\"%zu\">\n", nv);
    for (size_t k = 0; k < nv && k < TOP_RISKS; k++) {
        const ld_control *c = &r->catalog->controls[v[k].control];
        const char *sev = ld_severity_name((ld_severity)v[k].severity);
        fprintf(o, "<li data-control=\"");
        ld_html_text(o, c->id);
        fprintf(o, "\" data-severity=\"%s\"><span class=\"sev sev-%s\">%s</span> <strong>", sev,
                sev, sev);
        ld_html_text(o, c->title);
        fputs("</strong> <span class=\"cid\">", o);
        ld_html_text(o, c->id);
        fputs("</span><br><span class=\"why\">", o);
        ld_html_text(o, r->eval->controls[v[k].control].reason);
        fputs("</span></li>\n", o);
    }
    fputs("</ol>\n", o);
    if (nv == 0)
        fputs("<p class=\"none\">No required control failed.</p>\n", o);
    else if (nv > TOP_RISKS)
        fprintf(o, "<p class=\"more\">and %zu more failed required controls (see Controls)</p>\n",
                nv - TOP_RISKS);
    free(v);
    free(failing);
    free(worst);
}

void ld_html_write_summary(FILE *o, const ld_report *r)
{
    fputs("<section id=\"summary\">\n<div class=\"grid\">\n", o);
    write_verdict(o, r);
    write_level(o, r);
    fputs("</div>\n", o);
    write_status_counts(o, r);
    /* what a manager needs first: how much was covered and how it stands,
     * then the risks in words */
    write_compliance(o, r);
    write_tier_records(o, r);
    write_top_risks(o, r);
    fputs("</section>\n", o);
}

void ld_html_write_notes(FILE *o, const ld_report *r)
{
    fprintf(o, "<section id=\"notes\" data-notes=\"%zu\">\n<h2>Notes</h2>\n", r->eval->notes.n);
    if (r->eval->notes.n == 0)
        fputs("<p class=\"none\">No notes.</p>\n", o);
    write_list(o, "notes", &r->eval->notes);
    fputs("</section>\n", o);
}
