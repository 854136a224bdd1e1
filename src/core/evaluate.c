/* Evaluation of a findings set: exceptions, attestations, control states
 * with reasons, compliance per level and the gate. See evaluate.h. Pure:
 * reads the set and the policy, returns a new evaluation. */
#include "core/evaluate.h"

#include <stdlib.h>
#include <string.h>

#include "util/mem.h"

const char *ld_control_state_name(ld_control_state s)
{
    switch (s) {
    case LD_CTRL_PASSED: return "passed";
    case LD_CTRL_FAILED: return "failed";
    case LD_CTRL_REVIEW: return "needs review";
    case LD_CTRL_EXCEPTED: return "excepted";
    case LD_CTRL_ATTESTED: return "attested";
    case LD_CTRL_NOT_APPLICABLE: return "not applicable";
    case LD_CTRL_OUT_OF_SCOPE: return "out of scope";
    case LD_CTRL_NOT_ASSESSED:
    case LD_CTRL_COUNT: break;
    }
    return "not assessed";
}

bool ld_control_required(const ld_control *c, ld_level level) { return c->level <= level; }

/* What the findings of one check (or of one control, for findings whose
 * check its control does not list) add up to. The first finding of each
 * kind gives the reason line. */
typedef struct {
    const char *check_id;
    size_t pass, fail, review, na, error, excepted;
    const ld_finding *first_fail, *first_review, *first_na, *first_error;
} tally;

static void tally_add(tally *t, const ld_finding *f, bool excepted)
{
    if (excepted) {
        t->excepted++;
        return;
    }
    switch (f->status) {
    case LD_STATUS_PASS: t->pass++; break;
    case LD_STATUS_FAIL:
        if (!t->first_fail)
            t->first_fail = f;
        t->fail++;
        break;
    case LD_STATUS_WARN:
    case LD_STATUS_INFO:
    case LD_STATUS_MANUAL:
        if (!t->first_review)
            t->first_review = f;
        t->review++;
        break;
    case LD_STATUS_SKIPPED:
        if (!t->first_na)
            t->first_na = f;
        t->na++;
        break;
    case LD_STATUS_ERROR:
    case LD_STATUS_COUNT:
        if (!t->first_error)
            t->first_error = f;
        t->error++;
        break;
    }
}

static void tally_sum(tally *into, const tally *t)
{
    into->pass += t->pass;
    into->fail += t->fail;
    into->review += t->review;
    into->na += t->na;
    into->error += t->error;
    into->excepted += t->excepted;
    if (!into->first_fail)
        into->first_fail = t->first_fail;
    if (!into->first_review)
        into->first_review = t->first_review;
    if (!into->first_na)
        into->first_na = t->first_na;
    if (!into->first_error)
        into->first_error = t->first_error;
}

/* Check tallies, sorted by check id for bsearch. */
typedef struct {
    tally *v;
    size_t n, cap;
} tally_set;

static int tally_cmp(const void *a, const void *b)
{
    return strcmp(((const tally *)a)->check_id, ((const tally *)b)->check_id);
}

static tally *tally_find(const tally_set *s, const char *check_id)
{
    tally key = {.check_id = check_id};
    return s->n ? bsearch(&key, s->v, s->n, sizeof(*s->v), tally_cmp) : NULL;
}

static tally *tally_get(tally_set *s, const char *check_id)
{
    size_t lo = 0, hi = s->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(s->v[mid].check_id, check_id);
        if (c == 0)
            return &s->v[mid];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    ld_xgrow(&s->v, &s->cap, s->n + 1, sizeof(*s->v));
    memmove(&s->v[lo + 1], &s->v[lo], (s->n - lo) * sizeof(*s->v));
    memset(&s->v[lo], 0, sizeof(*s->v));
    s->v[lo].check_id = check_id;
    s->n++;
    return &s->v[lo];
}

/* "TARGET: EVIDENCE" of a finding, for a reason line; caller frees. */
static char *finding_line(const ld_finding *f)
{
    char *t = ld_target_describe(&f->target);
    char *s = ld_xasprintf("%s: %s%s%s", f->check_id ? f->check_id : f->control->id, t,
                           f->evidence ? ": " : "", f->evidence ? f->evidence : "");
    free(t);
    return s;
}

static char *counted(const char *what, size_t n, const ld_finding *first)
{
    char *line = finding_line(first);
    char *s = n > 1 ? ld_xasprintf("%zu %s, first %s", n, what, line)
                    : ld_xasprintf("%s", line);
    free(line);
    return s;
}

/* ---- policy ---- */

/* Does e name another control that lists f's check (a NIST control whose
 * check's finding is filed under the CIS control sharing it)? Then it
 * covers f as if it named f's own control. */
static bool names_other_control(const ld_catalog *cat, const ld_exception *e, const ld_finding *f)
{
    const ld_control *c = e->id && f->check_id ? ld_catalog_find(cat, e->id) : NULL;
    if (!c || c == f->control || !ld_strlist_contains(&c->checks, f->check_id))
        return false;
    ld_finding view = *f;
    view.control = c;
    return ld_exception_matches(e, &view);
}

/* The first unexpired exception covering f; notes expired ones that would. */
static const ld_exception *find_exception(ld_evaluation *ev, const ld_finding *f)
{
    const ld_policy *p = ev->policy;
    if (!p)
        return NULL;
    for (size_t i = 0; i < p->n_exceptions; i++) {
        const ld_exception *e = &p->exceptions[i];
        if (!ld_exception_matches(e, f) && !names_other_control(ev->catalog, e, f))
            continue;
        if (e->expires && ld_date_expired(e->expires, ev->opt.now)) {
            char *n = ld_xasprintf("exception for %s (%s:%d) expired on %s; it no longer applies",
                                   e->id, e->source ? e->source : p->path, e->line, e->expires);
            if (ld_strlist_contains(&ev->notes, n))
                free(n);
            else
                ld_strlist_push_owned(&ev->notes, n);
            continue;
        }
        return e;
    }
    return NULL;
}

static void apply_attestations(ld_evaluation *ev)
{
    const ld_policy *p = ev->policy;
    if (!p)
        return;
    for (size_t i = 0; i < p->n_attestations; i++) {
        const ld_attestation *a = &p->attestations[i];
        const ld_control *c = ld_catalog_find(ev->catalog, a->control);
        if (!c) {
            ld_strlist_push_owned(&ev->notes,
                                  ld_xasprintf("%s:%d: attestation names unknown control \"%s\"; "
                                               "ignored",
                                               p->path, a->line, a->control));
            continue;
        }
        if (a->expires && ld_date_expired(a->expires, ev->opt.now)) {
            ld_strlist_push_owned(&ev->notes,
                                  ld_xasprintf("attestation of %s by %s expired on %s; it no "
                                               "longer counts",
                                               a->control, a->by, a->expires));
            continue;
        }
        ev->controls[c->index].attestation = a;
    }
}

/* ---- control states ---- */

typedef enum { V_NONE, V_NA, V_PASS, V_EXCEPTED, V_REVIEW, V_UNASSESSED } verdict;

/* The verdict one check gives, and its reason (owned) when it is not a pass. */
static verdict check_verdict(const ld_findings *fs, const char *check_id, const tally *t,
                             bool *owed, char **reason)
{
    const ld_scope_entry *sc = ld_findings_scope_of(fs, check_id);
    if (sc && sc->state != LD_SCOPE_NOT_APPLICABLE)
        *owed = true;
    if (t && t->error) {
        *owed = true;
        *reason = counted("could not be observed", t->error, t->first_error);
        return V_UNASSESSED;
    }
    if (t && t->review) {
        *reason = counted("need review", t->review, t->first_review);
        return V_REVIEW;
    }
    if (t && t->excepted && !t->pass)
        return V_EXCEPTED;
    if (t && (t->pass || t->excepted))
        return V_PASS;
    if (t && t->na) {
        *reason = finding_line(t->first_na);
        return V_NA;
    }
    if (!sc)
        return V_NONE;
    switch (sc->state) {
    case LD_SCOPE_NOT_APPLICABLE:
        *reason = ld_xasprintf("%s: %s", check_id, sc->reason ? sc->reason : "not applicable");
        return V_NA;
    case LD_SCOPE_NOT_ASSESSED:
        *reason = ld_xasprintf("%s: %s", check_id, sc->reason ? sc->reason : "not observed");
        return V_UNASSESSED;
    case LD_SCOPE_OWED: break;
    }
    *reason = ld_xasprintf("%s: in scope but made no observation", check_id);
    return V_UNASSESSED;
}

static void set_reason(char **slot, char *reason)
{
    if (!*slot)
        *slot = reason;
    else
        free(reason);
}

static void evaluate_control(ld_evaluation *ev, const ld_findings *fs, const tally_set *checks,
                             const tally *orphans, const ld_control *c)
{
    ld_control_result *res = &ev->controls[c->index];
    if (fs->select.n || fs->exclude.n) {
        bool any = false;
        for (size_t k = 0; k < c->checks.n && !any; k++)
            any = ld_findings_selected(fs, c->checks.v[k]);
        if (!any) {
            res->state = LD_CTRL_OUT_OF_SCOPE;
            res->reason = ld_xstrdup("left out by the selection (--check/--exclude)");
            return;
        }
    }
    tally all = {0};
    for (size_t k = 0; k < c->checks.n; k++) {
        const tally *t = tally_find(checks, c->checks.v[k]);
        if (t)
            tally_sum(&all, t);
    }
    tally_sum(&all, orphans);
    if (all.fail) {
        res->state = LD_CTRL_FAILED;
        res->owed = true;
        res->reason = counted("failing findings", all.fail, all.first_fail);
        return;
    }
    if (res->attestation) {
        const ld_attestation *a = res->attestation;
        res->state = LD_CTRL_ATTESTED;
        res->reason = ld_xasprintf("attested by %s on %s (%s)", a->by, a->date, a->evidence);
        return;
    }
    /* The worst verdict over the control's checks decides, in this order:
     * not assessed > needs review > excepted > passed > not applicable. */
    verdict worst = V_NONE;
    char *why[V_UNASSESSED + 1] = {0};
    size_t in_scope = 0, checks_known = 0;
    for (size_t k = 0; k <= c->checks.n; k++) {
        const char *id = k < c->checks.n ? c->checks.v[k] : NULL;
        const tally *t = id ? tally_find(checks, id) : (orphans->check_id ? orphans : NULL);
        if (id && !t && !ld_check_implemented(id))
            continue;
        if (!id && !t)
            continue;
        checks_known++;
        char *reason = NULL;
        verdict v = id ? check_verdict(fs, id, t, &res->owed, &reason)
                       : check_verdict(fs, "", t, &res->owed, &reason);
        if (v != V_NONE)
            in_scope++;
        if (reason)
            set_reason(&why[v], reason);
        if (v > worst)
            worst = v;
    }
    switch (worst) {
    case V_UNASSESSED: res->state = LD_CTRL_NOT_ASSESSED; break;
    case V_REVIEW: res->state = LD_CTRL_REVIEW; break;
    case V_EXCEPTED:
        res->state = LD_CTRL_EXCEPTED;
        res->reason = ld_xasprintf("%zu finding%s covered by policy exceptions", all.excepted,
                                   all.excepted == 1 ? "" : "s");
        break;
    case V_PASS:
        res->state = all.excepted ? LD_CTRL_EXCEPTED : LD_CTRL_PASSED;
        res->reason = all.excepted
                          ? ld_xasprintf("%zu passing, %zu covered by policy exceptions",
                                         all.pass, all.excepted)
                          : ld_xasprintf("%zu passing observation%s%s", all.pass,
                                         all.pass == 1 ? "" : "s",
                                         in_scope < checks_known ? " (some checks not run here)"
                                                                 : "");
        break;
    case V_NA: res->state = LD_CTRL_NOT_APPLICABLE; break;
    case V_NONE:
        if (checks_known == 0) {
            res->state = LD_CTRL_NOT_ASSESSED;
            res->reason = ld_xstrdup(c->planned
                                         ? "planned: this version has no check for it yet; "
                                           "attest it in the policy meanwhile"
                                         : "manual control: attest it in the policy");
        } else {
            res->state = LD_CTRL_OUT_OF_SCOPE;
            res->reason = ld_xstrdup("not assessed by this command");
        }
        break;
    }
    if (!res->reason && worst != V_NONE)
        res->reason = why[worst], why[worst] = NULL;
    for (size_t i = 0; i <= V_UNASSESSED; i++)
        free(why[i]);
}

/* ---- gate ---- */

static char *id_list(const ld_evaluation *ev, ld_control_state state, bool owed_only, size_t *n)
{
    ld_strlist ids = {0};
    *n = 0;
    for (size_t i = 0; i < ev->catalog->n; i++) {
        const ld_control *c = &ev->catalog->controls[i];
        const ld_control_result *res = &ev->controls[i];
        if (!ld_control_required(c, ev->opt.level) || res->state != state ||
            (owed_only && !res->owed))
            continue;
        if (*n < 8)
            ld_strlist_push(&ids, c->id);
        (*n)++;
    }
    if (*n > 8)
        ld_strlist_push_owned(&ids, ld_xasprintf("and %zu more", *n - 8));
    char *s = ld_strlist_join(&ids, ", ");
    ld_strlist_clear(&ids);
    return s;
}

/* The reason of the first required, owed, not assessed control: it usually
 * says what to do ("run lockdown db update"). */
static const char *first_unassessed_reason(const ld_evaluation *ev)
{
    for (size_t i = 0; i < ev->catalog->n; i++) {
        const ld_control_result *res = &ev->controls[i];
        if (ld_control_required(&ev->catalog->controls[i], ev->opt.level) &&
            res->state == LD_CTRL_NOT_ASSESSED && res->owed)
            return res->reason;
    }
    return NULL;
}

static void decide_gate(ld_evaluation *ev)
{
    const ld_policy *p = ev->policy;
    const char *level = ld_level_name(ev->opt.level);
    bool required = !p || p->required_controls;
    size_t n;
    if (required) {
        char *ids = id_list(ev, LD_CTRL_FAILED, false, &n);
        if (n) {
            ev->gate_failed = true;
            ld_strlist_push_owned(&ev->gate_reasons,
                                  ld_xasprintf("%zu control%s required at level %s failed: %s", n,
                                               n == 1 ? "" : "s", level, ids));
        }
        free(ids);
    }
    if (ev->opt.has_fail_on && ev->fail_at_or_above) {
        n = ev->fail_at_or_above;
        ev->gate_failed = true;
        ld_strlist_push_owned(&ev->gate_reasons,
                              ld_xasprintf("%zu failing finding%s at severity %s or above", n,
                                           n == 1 ? "" : "s", ld_severity_name(ev->opt.fail_on)));
    }
    char *ids = id_list(ev, LD_CTRL_NOT_ASSESSED, true, &n);
    if (n) {
        ev->incomplete = true;
        const char *why = first_unassessed_reason(ev);
        char *line = ld_xasprintf("incomplete: %zu required control%s not assessed: %s (%s)", n,
                                  n == 1 ? "" : "s", ids, why ? why : "no observation");
        if (ev->allow_incomplete) {
            ld_strlist_push_owned(&ev->gate_notes,
                                  ld_xasprintf("%s; allowed by %s", line,
                                               ev->opt.allow_incomplete ? "--allow-incomplete"
                                                                        : "gate.allow-incomplete"));
            free(line);
        } else {
            ev->gate_failed = true;
            ld_strlist_push_owned(&ev->gate_reasons, line);
        }
    }
    free(ids);
    ids = id_list(ev, LD_CTRL_REVIEW, false, &n);
    if (n) {
        char *line = ld_xasprintf("%zu required control%s need%s review: %s", n, n == 1 ? "" : "s",
                                  n == 1 ? "s" : "", ids);
        if (ev->fail_on_review && required) {
            ev->gate_failed = true;
            ld_strlist_push_owned(&ev->gate_reasons, line);
        } else {
            ld_strlist_push_owned(&ev->gate_notes,
                                  ld_xasprintf("%s (not failing the gate at level %s)", line,
                                               level));
            free(line);
        }
    }
    free(ids);
}

static void compliance(ld_evaluation *ev)
{
    for (int l = 0; l < LD_LEVEL_COUNT; l++) {
        ld_compliance *out = &ev->compliance[l];
        for (size_t i = 0; i < ev->catalog->n; i++) {
            const ld_control *c = &ev->catalog->controls[i];
            if (!ld_control_required(c, (ld_level)l))
                continue;
            const ld_control_result *res = &ev->controls[i];
            out->required++;
            out->by_state[res->state]++;
            if (res->state != LD_CTRL_NOT_ASSESSED && res->state != LD_CTRL_OUT_OF_SCOPE)
                out->assessed++;
            else if (res->state == LD_CTRL_NOT_ASSESSED && res->owed)
                out->owed_not_assessed++;
        }
    }
}

ld_evaluation *ld_evaluate(const ld_findings *fs, const ld_policy *p, const ld_eval_options *opt)
{
    ld_evaluation *ev = ld_xcalloc(1, sizeof(*ev));
    const ld_catalog *cat = fs->catalog;
    ev->opt = *opt;
    if (!ev->opt.now)
        ev->opt.now = fs->now;
    ev->catalog = cat;
    ev->policy = p;
    ev->controls = ld_xcalloc(cat->n ? cat->n : 1, sizeof(*ev->controls));
    ev->exception = ld_xcalloc(fs->n ? fs->n : 1, sizeof(*ev->exception));
    ev->findings = fs->n;
    ev->allow_incomplete = opt->allow_incomplete || (p && p->allow_incomplete);
    ev->fail_on_review = p && p->has_fail_on_review ? p->fail_on_review
                                                    : opt->level == LD_LEVEL_HIGH;
    for (size_t i = 0; i < fs->notes.n; i++)
        ld_strlist_push(&ev->notes, fs->notes.v[i]);
    apply_attestations(ev);

    tally_set checks = {0};
    tally *orphans = ld_xcalloc(cat->n ? cat->n : 1, sizeof(*orphans));
    for (size_t i = 0; i < fs->n; i++) {
        const ld_finding *f = fs->v[i];
        /* an exception accepts a risk that was seen (a failure, a warning):
         * never a pass, a "does not exist here", or a check that could not
         * look — accepting those is --allow-incomplete's job, not a silent
         * "excepted" */
        bool exceptable = f->status != LD_STATUS_PASS && f->status != LD_STATUS_SKIPPED &&
                          f->status != LD_STATUS_ERROR;
        const ld_exception *e = exceptable ? find_exception(ev, f) : NULL;
        ev->exception[i] = e ? e->reason : (exceptable ? f->exception : NULL);
        bool excepted = ev->exception[i] != NULL;
        if (excepted)
            ev->excepted++;
        ev->status_counts[f->status]++;
        if (!excepted && ev->opt.has_fail_on && f->status == LD_STATUS_FAIL &&
            f->severity >= ev->opt.fail_on)
            ev->fail_at_or_above++;
        if (f->check_id && ld_strlist_contains(&f->control->checks, f->check_id)) {
            tally_add(tally_get(&checks, f->check_id), f, excepted);
        } else {
            /* a finding its control does not list the check of bears on that control only */
            tally *o = &orphans[f->control->index];
            o->check_id = "";
            tally_add(o, f, excepted);
        }
    }
    for (size_t i = 0; i < cat->n; i++)
        evaluate_control(ev, fs, &checks, &orphans[i], &cat->controls[i]);
    free(checks.v);
    free(orphans);
    compliance(ev);
    decide_gate(ev);
    return ev;
}

void ld_evaluation_free(ld_evaluation *ev)
{
    if (!ev)
        return;
    for (size_t i = 0; i < ev->catalog->n; i++)
        free(ev->controls[i].reason);
    free(ev->controls);
    free(ev->exception);
    ld_strlist_clear(&ev->notes);
    ld_strlist_clear(&ev->gate_reasons);
    ld_strlist_clear(&ev->gate_notes);
    free(ev);
}
