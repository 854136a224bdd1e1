/* The fleet view for people at a terminal: one row per host (worst first)
 * with its level, gate and required-control counts at its own level and
 * the tiers it assessed; then the controls that fail, need review or were
 * not assessed somewhere (most failed first) with the hosts concerned; the
 * reports that could not be read, the notes and one closing line. Every
 * string from a report goes through ld_term_put (util/term_text.h). */
#include <stdlib.h>
#include <string.h>

#include "core/fleet.h"
#include "core/fleet_internal.h"
#include "core/report_common.h"
#include "util/term_text.h"

#define NAME_COL_MAX 40
#define HOSTS_LISTED_MAX 10 /* hosts named per control row, then "and N more" */

static void pad(FILE *o, size_t used, size_t width)
{
    for (size_t i = used; i < width; i++)
        fputc(' ', o);
}

static void host_row(FILE *o, const ld_fleet_host *h, size_t name_w)
{
    const ld_fleet_counts *c = ld_fleet_host_counts(h);
    fputs("  ", o);
    char *clean = ld_term_clean(h->name);
    size_t w = ld_term_width(clean);
    fputs(clean, o);
    free(clean);
    if (w > name_w) {
        fputs("\n  ", o);
        pad(o, 0, name_w);
    } else {
        pad(o, w, name_w);
    }
    fprintf(o, " %-6s  %-6s %6zu %6zu %6zu %8zu %6zu %8zu\n", ld_level_name(h->level),
            h->gate_failed ? "FAILED" : "passed", c->by_state[LD_CTRL_PASSED],
            c->by_state[LD_CTRL_FAILED], c->by_state[LD_CTRL_REVIEW],
            c->by_state[LD_CTRL_NOT_ASSESSED], c->by_state[LD_CTRL_NOT_APPLICABLE], c->required);
    if (h->n_tiers) {
        fputs("      tiers: ", o);
        for (size_t i = 0; i < h->n_tiers; i++) {
            if (i)
                fputs(", ", o);
            ld_term_put(o, h->tiers[i].name);
            fprintf(o, " %s", ld_tier_state_name(h->tiers[i].state));
        }
        fputc('\n', o);
    }
    if (h->gate_failed && h->gate_reasons.n) {
        fputs("      gate: ", o);
        ld_term_put(o, h->gate_reasons.v[0]);
        if (h->gate_reasons.n > 1)
            fprintf(o, " (and %zu more)", h->gate_reasons.n - 1);
        fputc('\n', o);
    }
    fputs("      report: ", o);
    ld_term_put(o, h->source);
    fputs(", ", o);
    ld_term_put(o, h->command ? h->command : "?");
    fputs(" at ", o);
    ld_term_put(o, h->started_at);
    fputc('\n', o);
}

static void hosts_in_state(FILE *o, const ld_fleet *f, const ld_fleet_control *c,
                           ld_control_state s, const char *label)
{
    if (!c->by_state[s])
        return;
    fprintf(o, "      %s: ", label);
    size_t shown = 0;
    for (size_t i = 0; i < c->hosts; i++) {
        if (c->state[i] != s)
            continue;
        if (shown == HOSTS_LISTED_MAX) {
            fprintf(o, ", and %zu more", c->by_state[s] - shown);
            break;
        }
        if (shown++)
            fputs(", ", o);
        ld_term_put(o, f->hosts[c->host_index[i]].name);
    }
    fputc('\n', o);
}

static void controls_block(FILE *o, const ld_fleet *f, const ld_catalog *cat)
{
    size_t listed = 0;
    for (size_t i = 0; i < f->n_controls; i++) {
        const ld_fleet_control *c = &f->controls[i];
        if (!c->by_state[LD_CTRL_FAILED] && !c->by_state[LD_CTRL_NOT_ASSESSED] &&
            !c->by_state[LD_CTRL_REVIEW])
            continue;
        if (!listed++)
            fputs("\nControls that fail, need review or were not assessed (most failed first)\n"
                  "  CONTROL                    FAILED  NOT-ASSESSED  REVIEW  PASSED  HOSTS\n",
                  o);
        fputs("  ", o);
        size_t w = ld_term_put(o, c->id);
        if (w >= 26) {
            fputc('\n', o);
            pad(o, 0, 28);
        } else {
            pad(o, w, 26);
        }
        fprintf(o, " %6zu  %12zu  %6zu  %6zu  %5zu\n", c->by_state[LD_CTRL_FAILED],
                c->by_state[LD_CTRL_NOT_ASSESSED], c->by_state[LD_CTRL_REVIEW],
                c->by_state[LD_CTRL_PASSED], c->hosts);
        const char *title = ld_fleet_control_title(cat, c->id);
        if (title) {
            fputs("      ", o);
            ld_term_put(o, title);
            fputc('\n', o);
        }
        hosts_in_state(o, f, c, LD_CTRL_FAILED, "failed on");
        hosts_in_state(o, f, c, LD_CTRL_REVIEW, "needs review on");
        hosts_in_state(o, f, c, LD_CTRL_NOT_ASSESSED, "not assessed on");
    }
    if (!listed && f->n_controls)
        fputs("\nNo required control failed, needs review or went unassessed on any host.\n", o);
}

static void list_block(FILE *o, const char *title, const ld_strlist *l)
{
    if (!l->n)
        return;
    fprintf(o, "\n%s (%zu):\n", title, l->n);
    for (size_t i = 0; i < l->n; i++) {
        fputs("  ", o);
        ld_term_put(o, l->v[i]);
        fputc('\n', o);
    }
}

int ld_fleet_write_table(const ld_fleet *f, FILE *o, const ld_catalog *cat, ld_error *err)
{
    ld_fleet_totals t;
    ld_fleet_sum(f, &t);
    fprintf(o, "FLEET — %zu host%s from %zu report%s: %zu failed the gate, %zu incomplete", t.hosts,
            t.hosts == 1 ? "" : "s", f->reports_read, f->reports_read == 1 ? "" : "s",
            t.gate_failed, t.incomplete);
    if (f->unreadable.n)
        fprintf(o, ", %zu report%s unreadable", f->unreadable.n, f->unreadable.n == 1 ? "" : "s");
    fputc('\n', o);
    fprintf(o,
            "  required controls over all hosts (each at its own level): %zu, %zu passed, "
            "%zu failed, %zu need review, %zu not assessed\n",
            t.controls.required, t.controls.by_state[LD_CTRL_PASSED],
            t.controls.by_state[LD_CTRL_FAILED], t.controls.by_state[LD_CTRL_REVIEW],
            t.controls.by_state[LD_CTRL_NOT_ASSESSED]);
    size_t name_w = 4;
    for (size_t i = 0; i < f->n_hosts; i++) {
        char *clean = ld_term_clean(f->hosts[i].name);
        size_t w = ld_term_width(clean);
        free(clean);
        if (w > name_w)
            name_w = w < NAME_COL_MAX ? w : NAME_COL_MAX;
    }
    if (f->n_hosts) {
        fputs("\nHosts (worst first; required controls at each host's level)\n  HOST", o);
        pad(o, 4, name_w);
        fputs(" LEVEL   GATE   PASSED FAILED REVIEW NOT-ASSD    N/A REQUIRED\n", o);
        for (size_t i = 0; i < f->n_hosts; i++)
            host_row(o, &f->hosts[i], name_w);
    }
    controls_block(o, f, cat);
    list_block(o, "Reports that could not be read", &f->unreadable);
    list_block(o, "Notes", &f->notes);
    fprintf(o, "\nfleet: %zu of %zu host%s failed the gate\n", t.gate_failed, t.hosts,
            t.hosts == 1 ? "" : "s");
    return ld_report_flush(o, "the fleet report", err);
}
