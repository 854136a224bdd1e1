/* The findings set: storage, scope declarations and coverage facts. See
 * findings.h. No policy and no output here. */
#include "core/findings.h"

#include <fnmatch.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "util/mem.h"

const char *ld_scope_state_name(ld_scope_state s)
{
    switch (s) {
    case LD_SCOPE_OWED: return "owed";
    case LD_SCOPE_NOT_APPLICABLE: return "not applicable";
    case LD_SCOPE_NOT_ASSESSED: break;
    }
    return "not assessed";
}

ld_findings *ld_findings_new(const ld_catalog *cat, time_t now)
{
    ld_findings *fs = ld_xcalloc(1, sizeof(*fs));
    fs->catalog = cat;
    fs->now = now ? now : time(NULL);
    return fs;
}

void ld_findings_free(ld_findings *fs)
{
    if (!fs)
        return;
    for (size_t i = 0; i < fs->n; i++)
        ld_finding_free(fs->v[i]);
    free(fs->v);
    ld_strlist_clear(&fs->notes);
    for (size_t i = 0; i < fs->n_scope; i++) {
        free(fs->scope[i].pattern);
        free(fs->scope[i].reason);
    }
    free(fs->scope);
    for (size_t i = 0; i < fs->n_coverage; i++) {
        free(fs->coverage[i].target);
        free(fs->coverage[i].ecosystem);
        free(fs->coverage[i].release);
    }
    free(fs->coverage);
    for (size_t i = 0; i < fs->n_tiers; i++) {
        free(fs->tiers[i].name);
        free(fs->tiers[i].what);
        free(fs->tiers[i].reason);
    }
    free(fs->tiers);
    ld_strlist_clear(&fs->select);
    ld_strlist_clear(&fs->exclude);
    free(fs);
}

void ld_findings_select(ld_findings *fs, const ld_strlist *select, const ld_strlist *exclude)
{
    for (size_t i = 0; select && i < select->n; i++)
        ld_strlist_push(&fs->select, select->v[i]);
    for (size_t i = 0; exclude && i < exclude->n; i++)
        ld_strlist_push(&fs->exclude, exclude->v[i]);
}

/* Does glob g name check_id, a control listing it, or one of that control's CIS ids? */
static bool glob_names_check(const ld_catalog *cat, const char *g, const char *check_id)
{
    if (fnmatch(g, check_id, 0) == 0)
        return true;
    for (size_t i = 0; i < cat->n; i++) {
        const ld_control *c = &cat->controls[i];
        if (!ld_strlist_contains(&c->checks, check_id))
            continue;
        if (fnmatch(g, c->id, 0) == 0)
            return true;
        /* a CIS id names the CIS control's checks, not those of every NIST
         * control that maps to it */
        for (size_t k = 0; ld_framework_is_cis(c->framework) && k < c->cis.n; k++)
            if (fnmatch(g, c->cis.v[k], 0) == 0)
                return true;
    }
    return false;
}

bool ld_findings_selected(const ld_findings *fs, const char *check_id)
{
    if (!check_id)
        return fs->select.n == 0;
    bool in = fs->select.n == 0;
    for (size_t i = 0; !in && i < fs->select.n; i++)
        in = glob_names_check(fs->catalog, fs->select.v[i], check_id);
    for (size_t i = 0; in && i < fs->exclude.n; i++)
        in = !glob_names_check(fs->catalog, fs->exclude.v[i], check_id);
    return in;
}

int ld_findings_add(ld_findings *fs, ld_finding *f, ld_error *err)
{
    if ((fs->select.n || fs->exclude.n) && !ld_findings_selected(fs, f->check_id)) {
        fs->unselected++;
        ld_finding_free(f);
        return 0;
    }
    if (fs->n >= LD_FINDINGS_MAX) {
        ld_finding_free(f);
        return ld_error_set(err, LD_ERR_LIMIT, "more than %d findings in one run",
                            LD_FINDINGS_MAX);
    }
    ld_xgrow(&fs->v, &fs->cap, fs->n + 1, sizeof(*fs->v));
    fs->v[fs->n++] = f;
    return 0;
}

const ld_control *ld_catalog_control_for_check(const ld_catalog *cat, const char *check_id)
{
    if (cat->by_check.n)
        return ld_strmap_get(&cat->by_check, check_id);
    return ld_catalog_scan_for_check(cat, check_id);
}

int ld_findings_check(ld_findings *fs, const char *check_id, ld_status status,
                      ld_target_kind kind, const char *target_id, const char *target_name,
                      ld_error *err, const char *evidence_fmt, ...)
{
    const ld_control *c = ld_catalog_control_for_check(fs->catalog, check_id);
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
    return ld_findings_add(fs, f, err);
}

void ld_findings_note(ld_findings *fs, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = ld_xvasprintf(fmt, ap);
    va_end(ap);
    if (ld_strlist_contains(&fs->notes, s))
        free(s);
    else
        ld_strlist_push_owned(&fs->notes, s);
}

void ld_findings_scope(ld_findings *fs, ld_scope_state state, const char *pattern,
                       const char *reason_fmt, ...)
{
    ld_xgrow(&fs->scope, &fs->scope_cap, fs->n_scope + 1, sizeof(*fs->scope));
    ld_scope_entry *e = &fs->scope[fs->n_scope++];
    e->pattern = ld_xstrdup(pattern);
    e->state = state;
    e->reason = NULL;
    if (reason_fmt) {
        va_list ap;
        va_start(ap, reason_fmt);
        e->reason = ld_xvasprintf(reason_fmt, ap);
        va_end(ap);
    }
}

const ld_scope_entry *ld_findings_scope_of(const ld_findings *fs, const char *check_id)
{
    if ((fs->select.n || fs->exclude.n) && !ld_findings_selected(fs, check_id))
        return NULL;
    for (size_t i = fs->n_scope; i-- > 0;)
        if (fnmatch(fs->scope[i].pattern, check_id, 0) == 0)
            return &fs->scope[i];
    return NULL;
}

void ld_findings_coverage(ld_findings *fs, const char *target, const char *ecosystem,
                          const char *release, size_t packages, bool covered)
{
    ld_xgrow(&fs->coverage, &fs->coverage_cap, fs->n_coverage + 1, sizeof(*fs->coverage));
    ld_coverage *c = &fs->coverage[fs->n_coverage++];
    c->target = ld_xstrdup(target);
    c->ecosystem = ld_xstrdup(ecosystem);
    c->release = ld_xstrdup(release);
    c->packages = packages;
    c->covered = covered;
}

static const char *const tier_state_names[] = {"assessed", "partly assessed", "not applicable",
                                               "not assessed"};

const char *ld_tier_state_name(ld_tier_state s)
{
    return (unsigned)s < sizeof(tier_state_names) / sizeof(*tier_state_names)
               ? tier_state_names[s]
               : "unknown";
}

int ld_tier_state_parse(const char *s, ld_tier_state *out)
{
    for (size_t i = 0; s && i < sizeof(tier_state_names) / sizeof(*tier_state_names); i++) {
        if (strcmp(s, tier_state_names[i]) == 0) {
            *out = (ld_tier_state)i;
            return 0;
        }
    }
    return -1;
}

void ld_findings_tier(ld_findings *fs, const char *name, ld_tier_state state, const char *what,
                      const char *reason_fmt, ...)
{
    ld_tier_record *t = NULL;
    for (size_t i = 0; i < fs->n_tiers && !t; i++)
        if (strcmp(fs->tiers[i].name, name) == 0)
            t = &fs->tiers[i];
    if (t) {
        free(t->what);
        free(t->reason);
    } else {
        ld_xgrow(&fs->tiers, &fs->tiers_cap, fs->n_tiers + 1, sizeof(*fs->tiers));
        t = &fs->tiers[fs->n_tiers++];
        t->name = ld_xstrdup(name);
    }
    t->state = state;
    t->what = what ? ld_xstrdup(what) : NULL;
    t->reason = NULL;
    if (reason_fmt) {
        va_list ap;
        va_start(ap, reason_fmt);
        t->reason = ld_xvasprintf(reason_fmt, ap);
        va_end(ap);
    }
}
