/* The fleet view as one self-contained HTML page, in the single report's
 * style: its stylesheet (data/report.css, embedded) plus a few rules of
 * the fleet's own, both allowed by their SHA-256 hashes in a
 * Content-Security-Policy meta that forbids every fetch and every script;
 * no script, works from a file:// URL and by email, the stylesheet's print
 * rules make a clean PDF. A summary a manager reads in one screen (hosts,
 * gates, required controls over the fleet as a bar), the hosts worst first
 * with a bar each and their tiers, the controls across the fleet most
 * failed first with the hosts concerned, the unreadable reports and the
 * notes. Every string from a report is escaped (ld_fleet_markup). */
#include <stdint.h>
#include <string.h>

#include <openssl/evp.h>

#include "core/fleet.h"
#include "core/fleet_internal.h"
#include "core/report_common.h"
#include "core/report_html.h"

/* What the fleet page adds to the single report's stylesheet. */
static const char fleet_css[] =
    ".cards{display:flex;flex-wrap:wrap;gap:12px;margin:12px 0}"
    ".cards .verdict{min-width:150px}.cards b{display:block;font-size:22px}"
    "td.host-name{overflow-wrap:anywhere;min-width:180px;max-width:320px}.small{font-size:12px}"
    ".tier{display:inline-block;padding:0 6px;margin:1px 2px 1px 0;border-radius:8px;"
    "font-size:12px;background:#eef1f5}.tier.t-0{background:#dff3e4}.tier.t-1{background:#fff3cd}"
    ".tier.t-3{background:#fde2e1}.tier{white-space:nowrap}td.barcol svg.bar{min-width:120px}"
    "table.fleet td.n,table.fleet th.n{text-align:right;font-variant-numeric:tabular-nums}"
    "@media print{#controls{break-before:page}}";

/* 'sha256-BASE64' of p[0..n) into out (at least 64 bytes), for the CSP. */
static int csp_hash(const void *p, size_t n, char *out, ld_error *err)
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (EVP_Digest(p, n, md, &len, EVP_sha256(), NULL) != 1 || len != 32)
        return ld_error_set(err, LD_ERR_GENERIC,
                            "cannot hash the fleet page's stylesheet for its content security "
                            "policy");
    memcpy(out, "'sha256-", 8);
    int w = EVP_EncodeBlock((unsigned char *)out + 8, md, (int)len);
    memcpy(out + 8 + w, "'", 2);
    return 0;
}

static void esc(FILE *o, const char *s)
{
    ld_fleet_markup(o, s);
}

/* A stacked bar of c's states over the required controls: SVG rectangles
 * in percent (attributes, not inline styles: the CSP allows no inline
 * style), coloured by the single report's s-STATE classes. */
static void bar(FILE *o, const ld_fleet_counts *c)
{
    fprintf(o,
            "<svg class=\"bar\" viewBox=\"0 0 100 10\" preserveAspectRatio=\"none\" "
            "role=\"img\" aria-label=\"%zu passed, %zu failed, %zu need review, %zu not "
            "assessed of %zu\">",
            c->by_state[LD_CTRL_PASSED], c->by_state[LD_CTRL_FAILED], c->by_state[LD_CTRL_REVIEW],
            c->by_state[LD_CTRL_NOT_ASSESSED], c->required);
    double x = 0;
    for (int s = 0; c->required && s < LD_CTRL_COUNT; s++) {
        size_t n = c->by_state[s];
        if (!n)
            continue;
        double w = 100.0 * (double)n / (double)c->required;
        char cls[32];
        snprintf(cls, sizeof(cls), "%s", ld_control_state_name((ld_control_state)s));
        for (char *p = cls; *p; p++)
            if (*p == ' ')
                *p = '-';
        fprintf(o, "<rect class=\"s-%s\" x=\"%.3f\" y=\"0\" width=\"%.3f\" height=\"10\"/>", cls, x,
                w);
        x += w;
    }
    fputs("</svg>", o);
}

static void card(FILE *o, const char *verdict, size_t n, const char *label)
{
    fprintf(o, "<div class=\"verdict%s%s\"><b>%zu</b>%s</div>", verdict ? " " : "",
            verdict ? verdict : "", n, label);
}

static void summary(FILE *o, const ld_fleet *f)
{
    ld_fleet_totals t;
    ld_fleet_sum(f, &t);
    fputs("<section id=\"summary\">\n<h2>Summary</h2>\n<div class=\"cards\">", o);
    card(o, NULL, t.hosts, "hosts");
    card(o, t.gate_failed ? "failed" : "passed", t.gate_failed, "failed the gate");
    card(o, t.incomplete ? "incomplete" : NULL, t.incomplete, "incomplete");
    card(o, t.controls.by_state[LD_CTRL_FAILED] ? "failed" : "passed",
         t.controls.by_state[LD_CTRL_FAILED], "failed controls (host &times; control)");
    if (f->unreadable.n)
        card(o, "failed", f->unreadable.n, "unreadable reports");
    fputs("</div>\n<table class=\"compliance\"><thead><tr><th>required controls over all hosts, "
          "each at its own level</th><th></th>",
          o);
    for (int s = 0; s < LD_CTRL_COUNT; s++)
        fprintf(o, "<th class=\"s-%s\">%s</th>", ld_fleet_state_key((ld_control_state)s),
                ld_control_state_name((ld_control_state)s));
    fprintf(o, "<th>total</th></tr></thead><tbody><tr><th>fleet</th><td class=\"barcol\">");
    bar(o, &t.controls);
    fputs("</td>", o);
    for (int s = 0; s < LD_CTRL_COUNT; s++)
        fprintf(o, "<td class=\"n%s\">%zu</td>", t.controls.by_state[s] ? "" : " zero",
                t.controls.by_state[s]);
    fprintf(o, "<td class=\"n\">%zu</td></tr></tbody></table>\n</section>\n", t.controls.required);
}

static int tier_tone(ld_tier_state s)
{
    switch (s) {
    case LD_TIER_ASSESSED: return 0;
    case LD_TIER_PARTLY_ASSESSED: return 1;
    case LD_TIER_NOT_APPLICABLE: return 2;
    default: return 3;
    }
}

static void hosts(FILE *o, const ld_fleet *f)
{
    if (!f->n_hosts)
        return;
    fputs("<section id=\"hosts\">\n<h2>Hosts, worst first</h2>\n<table class=\"fleet\">"
          "<thead><tr><th>host</th><th>level</th><th>gate</th><th>required controls</th>"
          "<th>passed</th><th>failed</th><th>review</th><th>not assessed</th><th>required</th>"
          "<th>tiers</th></tr></thead><tbody>\n",
          o);
    for (size_t i = 0; i < f->n_hosts; i++) {
        const ld_fleet_host *h = &f->hosts[i];
        const ld_fleet_counts *c = ld_fleet_host_counts(h);
        fputs("<tr class=\"host\"><td class=\"host-name\"><b>", o);
        esc(o, h->name);
        fputs("</b><div class=\"small hint\">", o);
        esc(o, h->command);
        fputs(" &middot; ", o);
        esc(o, h->started_at);
        fputs(" &middot; ", o);
        esc(o, h->source);
        fputs("</div>", o);
        if (h->gate_failed && h->gate_reasons.n) {
            fputs("<div class=\"small state-failed\">", o);
            esc(o, h->gate_reasons.v[0]);
            fputs("</div>", o);
        }
        fprintf(o, "</td><td>%s</td><td class=\"state-%s\">%s%s</td><td class=\"barcol\">",
                ld_level_name(h->level), h->gate_failed ? "failed" : "passed",
                h->gate_failed ? "failed" : "passed", h->gate_incomplete ? " (incomplete)" : "");
        bar(o, c);
        fprintf(o,
                "</td><td class=\"n\">%zu</td><td class=\"n\">%zu</td><td class=\"n\">%zu"
                "</td><td class=\"n\">%zu</td><td class=\"n\">%zu</td><td>",
                c->by_state[LD_CTRL_PASSED], c->by_state[LD_CTRL_FAILED],
                c->by_state[LD_CTRL_REVIEW], c->by_state[LD_CTRL_NOT_ASSESSED], c->required);
        for (size_t k = 0; k < h->n_tiers; k++) {
            const ld_fleet_tier *tr = &h->tiers[k];
            fprintf(o, "<span class=\"tier t-%d\" title=\"", tier_tone(tr->state));
            esc(o, tr->reason ? tr->reason : tr->what);
            fputs("\">", o);
            esc(o, tr->name);
            fputs(": ", o);
            esc(o, ld_tier_state_name(tr->state));
            fputs("</span> ", o);
        }
        fputs("</td></tr>\n", o);
    }
    fputs("</tbody></table>\n</section>\n", o);
}

static void host_list(FILE *o, const ld_fleet *f, const ld_fleet_control *c, ld_control_state s)
{
    bool first = true;
    for (size_t i = 0; i < c->hosts; i++) {
        if (c->state[i] != s)
            continue;
        if (!first)
            fputs(", ", o);
        first = false;
        esc(o, f->hosts[c->host_index[i]].name);
    }
}

static void controls(FILE *o, const ld_fleet *f, const ld_catalog *cat)
{
    fputs("<section id=\"controls\">\n<h2>Controls that fail, need review or were not assessed, "
          "most failed first</h2>\n"
          "<table class=\"fleet\"><thead><tr><th>control</th><th>hosts</th><th>failed</th>"
          "<th>not assessed</th><th>review</th><th>passed</th><th>failed on</th>"
          "<th>not assessed on</th></tr></thead><tbody>\n",
          o);
    size_t quiet = 0; /* passed, excepted, attested or not applicable everywhere */
    for (size_t i = 0; i < f->n_controls; i++) {
        const ld_fleet_control *c = &f->controls[i];
        if (!c->by_state[LD_CTRL_FAILED] && !c->by_state[LD_CTRL_NOT_ASSESSED] &&
            !c->by_state[LD_CTRL_REVIEW]) {
            quiet++;
            continue;
        }
        fputs("<tr class=\"control\"><td><span class=\"cid\">", o);
        esc(o, c->id);
        fputs("</span>", o);
        const char *title = ld_fleet_control_title(cat, c->id);
        if (title) {
            fputs("<div class=\"small hint\">", o);
            esc(o, title);
            fputs("</div>", o);
        }
        fprintf(o,
                "</td><td class=\"n\">%zu</td><td class=\"n state-failed\">%zu</td>"
                "<td class=\"n state-not-assessed\">%zu</td>"
                "<td class=\"n state-needs-review\">%zu</td>"
                "<td class=\"n state-passed\">%zu</td><td class=\"small\">",
                c->hosts, c->by_state[LD_CTRL_FAILED], c->by_state[LD_CTRL_NOT_ASSESSED],
                c->by_state[LD_CTRL_REVIEW], c->by_state[LD_CTRL_PASSED]);
        host_list(o, f, c, LD_CTRL_FAILED);
        fputs("</td><td class=\"small\">", o);
        host_list(o, f, c, LD_CTRL_NOT_ASSESSED);
        fputs("</td></tr>\n", o);
    }
    fputs("</tbody></table>\n", o);
    if (quiet)
        fprintf(o,
                "<p class=\"hint\" id=\"quiet-controls\">%zu other required control%s passed, "
                "%s excepted, attested or not applicable on every host that requires %s "
                "(listed in --format json).</p>\n",
                quiet, quiet == 1 ? "" : "s", quiet == 1 ? "was" : "were",
                quiet == 1 ? "it" : "them");
    fputs("</section>\n", o);
}

static void list(FILE *o, const char *id, const char *title, const ld_strlist *l)
{
    if (!l->n)
        return;
    fprintf(o, "<section id=\"%s\">\n<h2>%s</h2>\n<ul>", id, title);
    for (size_t i = 0; i < l->n; i++) {
        fputs("<li>", o);
        esc(o, l->v[i]);
        fputs("</li>", o);
    }
    fputs("</ul>\n</section>\n", o);
}

int ld_fleet_write_html(const ld_fleet *f, FILE *o, const ld_catalog *cat, ld_error *err)
{
    char base_hash[64], fleet_hash[64];
    if (csp_hash(ld_data_report_css, ld_data_report_css_len, base_hash, err) < 0 ||
        csp_hash(fleet_css, sizeof(fleet_css) - 1, fleet_hash, err) < 0)
        return err->code;
    char when[32];
    ld_report_utc_time(f->generated, true, when, sizeof(when));
    /* the policy first in <head>: a meta policy covers only what follows it */
    fprintf(o,
            "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
            "style-src %s %s; base-uri 'none'; form-action 'none'\">\n"
            "<meta name=\"referrer\" content=\"no-referrer\">\n"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
            "<meta name=\"generator\" content=\"lockdown " LOCKDOWN_VERSION "\">\n"
            "<title>lockdown fleet: %zu host%s</title>\n<style>",
            base_hash, fleet_hash, f->n_hosts, f->n_hosts == 1 ? "" : "s");
    fwrite(ld_data_report_css, 1, ld_data_report_css_len, o);
    fputs("</style>\n<style>", o);
    fputs(fleet_css, o);
    fprintf(o,
            "</style>\n</head>\n<body>\n<header class=\"top\">\n<h1>lockdown <span "
            "class=\"cmd\">report merge</span></h1>\n<p class=\"meta\">%zu host%s from %zu "
            "report%s &middot; <time datetime=\"%s\">%s</time> &middot; lockdown %s</p>\n"
            "</header>\n<main>\n",
            f->n_hosts, f->n_hosts == 1 ? "" : "s", f->reports_read,
            f->reports_read == 1 ? "" : "s", when, when, LOCKDOWN_VERSION);
    summary(o, f);
    hosts(o, f);
    controls(o, f, cat);
    list(o, "unreadable", "Reports that could not be read", &f->unreadable);
    list(o, "notes", "Notes", &f->notes);
    fputs("</main>\n</body>\n</html>\n", o);
    return ld_report_flush(o, "the fleet report", err);
}
