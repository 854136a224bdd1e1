/* registry.stale-images (registry/prune.h): the prune selection of the
 * policy's rules as findings of `registry scan`, so a registry that holds
 * what its own policy says must go fails NIST 800-190 REG-03 before
 * anything is deleted. Emits findings, never prints. */
#include <stdlib.h>
#include <string.h>

#include "registry/prune.h"
#include "registry/scan.h"
#include "util/mem.h"

#define CHECK_ID "registry.stale-images"

static const ld_prune_action *planned(const ld_prune_plan *p, const ld_reg_image *m)
{
    for (size_t i = 0; i < p->n; i++)
        if (p->v[i].kind == LD_PRUNE_MANIFEST && strcmp(p->v[i].digest, m->digest) == 0 &&
            strcmp(p->v[i].repo, m->repo) == 0)
            return &p->v[i];
    return NULL;
}

static const ld_prune_kept *kept(const ld_prune_plan *p, const ld_reg_image *m)
{
    for (size_t i = 0; i < p->n_kept; i++)
        if (strcmp(p->kept[i].digest, m->digest) == 0 && strcmp(p->kept[i].repo, m->repo) == 0)
            return &p->kept[i];
    return NULL;
}

int ld_prune_report(ld_findings *r, const ld_reg_inventory *inv, const ld_prune_rules *rules,
                    ld_error *err)
{
    ld_findings_scope(r, LD_SCOPE_OWED, CHECK_ID, NULL);
    ld_prune_plan plan = {0};
    ld_prune_select(inv, rules, &plan);
    char *rtext = ld_prune_rules_describe(rules);
    int rc = 0;
    for (size_t i = 0; i < inv->n_images && rc == 0; i++) {
        const ld_reg_image *m = &inv->images[i];
        if (m->tags.n == 0)
            continue; /* judged with its index */
        char *id = ld_reg_image_reference(inv, m);
        char *name = ld_reg_image_target_name(inv, m);
        const ld_prune_action *a = planned(&plan, m);
        const ld_prune_kept *k = a ? NULL : kept(&plan, m);
        if (a)
            rc = ld_findings_check(r, CHECK_ID, LD_STATUS_FAIL, LD_TARGET_IMAGE, id, name, err,
                                   "the policy's registry.prune rules (%s) select it: %s; "
                                   "'lockdown registry prune' deletes it",
                                   rtext, a->reason);
        else if (k && strncmp(k->reason, "not judged: ", 12) == 0)
            rc = ld_findings_check(r, CHECK_ID, LD_STATUS_ERROR, LD_TARGET_IMAGE, id, name, err,
                                   "not assessed against registry.prune (%s): %s", rtext,
                                   k->reason + 12);
        else
            rc = ld_findings_check(r, CHECK_ID, LD_STATUS_PASS, LD_TARGET_IMAGE, id, name, err,
                                   "registry.prune (%s) keeps it%s%s", rtext, k ? ": " : "",
                                   k ? k->reason : "");
        free(id);
        free(name);
    }
    free(rtext);
    ld_prune_plan_clear(&plan);
    return rc < 0 ? rc : 0;
}
