/* The per-image summary of multi-image reports (core/report_targets.h). */
#include <stdlib.h>
#include <string.h>

#include "core/report_targets.h"
#include "util/mem.h"

bool ld_report_targets_wanted(const ld_report *r)
{
    if (!r->opt.command)
        return false;
    if (strcmp(r->opt.command, "registry scan") == 0)
        return true;
    /* assess: when it read the images of running containers */
    if (strcmp(r->opt.command, "assess") != 0)
        return false;
    for (size_t i = 0; i < r->set->n; i++)
        if (r->set->v[i]->target.kind == LD_TARGET_IMAGE && r->set->v[i]->target.id)
            return true;
    return false;
}

/* The row for id, added when new. */
static size_t row_of(ld_report_targets *t, ld_strlist **checks, size_t *cap, const ld_finding *f)
{
    for (size_t i = 0; i < t->n; i++)
        if (strcmp(t->v[i].id, f->target.id) == 0)
            return i;
    ld_xgrow(&t->v, cap, t->n + 1, sizeof(*t->v));
    *checks = ld_xrealloc(*checks, *cap * 2 * sizeof(**checks));
    memset(&t->v[t->n], 0, sizeof(t->v[t->n]));
    memset(&(*checks)[2 * t->n], 0, 2 * sizeof(**checks));
    t->v[t->n].id = f->target.id;
    t->v[t->n].name = f->target.name;
    return t->n++;
}

void ld_report_targets_collect(const ld_report *r, ld_report_targets *out)
{
    memset(out, 0, sizeof(*out));
    size_t cap = 0;
    ld_strlist *checks = NULL; /* per row: failed check ids, unassessed check ids */
    for (size_t i = 0; i < r->set->n; i++) {
        const ld_finding *f = r->set->v[i];
        if (f->target.kind != LD_TARGET_IMAGE || !f->target.id)
            continue;
        size_t k = row_of(out, &checks, &cap, f);
        ld_report_target_row *w = &out->v[k];
        bool excepted =
            r->eval && i < r->eval->findings && r->eval->exception && r->eval->exception[i];
        if (f->vuln) {
            if (!excepted && (unsigned)f->severity < LD_SEV_COUNT &&
                (f->status == LD_STATUS_FAIL || f->status == LD_STATUS_WARN))
                w->vulns[f->severity]++;
            continue;
        }
        ld_strlist *l = f->status == LD_STATUS_FAIL && !excepted ? &checks[2 * k]
                        : f->status == LD_STATUS_ERROR           ? &checks[2 * k + 1]
                                                                 : NULL;
        if (l && f->check_id && !ld_strlist_contains(l, f->check_id))
            ld_strlist_push(l, f->check_id);
    }
    for (size_t k = 0; k < out->n; k++) {
        out->v[k].failed = checks[2 * k].n;
        out->v[k].not_assessed = checks[2 * k + 1].n;
        ld_strlist_clear(&checks[2 * k]);
        ld_strlist_clear(&checks[2 * k + 1]);
        for (size_t c = 0; c < r->set->n_coverage; c++) {
            const ld_coverage *cv = &r->set->coverage[c];
            /* registry scan records coverage under the id, assess under the name */
            if (cv->target && (strcmp(cv->target, out->v[k].id) == 0 ||
                               (out->v[k].name && strcmp(cv->target, out->v[k].name) == 0))) {
                out->v[k].packages_known = true;
                out->v[k].packages += cv->packages;
            }
        }
    }
    free(checks);
}

void ld_report_targets_clear(ld_report_targets *t)
{
    free(t->v);
    memset(t, 0, sizeof(*t));
}
