/* The prune selection (registry/prune.h): from the inventory and the
 * rules to the plan: which tagged manifests go and why, which stay although
 * a rule selected them (keep-newest) or could not judge them, and what goes
 * with them (their index children that nothing kept reaches, and the
 * cosign attachments of every deleted digest). Pure: no network, no clock. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "registry/manifest_info.h"
#include "registry/prune.h"
#include "util/mem.h"

#define MAX_INDEX_DEPTH 4 /* nested indexes followed (real images have one level) */

bool ld_prune_rules_any(const ld_prune_rules *r)
{
    return r->by_severity || r->by_signature || r->older_than_days >= 0;
}

const char *ld_prune_kind_name(ld_prune_kind k)
{
    switch (k) {
    case LD_PRUNE_MANIFEST: return "manifest";
    case LD_PRUNE_CHILD: return "index child";
    case LD_PRUNE_ATTACHMENT: return "attachment";
    }
    return "?";
}

void ld_prune_plan_clear(ld_prune_plan *p)
{
    for (size_t i = 0; i < p->n; i++) {
        ld_prune_action *a = &p->v[i];
        free(a->repo);
        free(a->digest);
        ld_strlist_clear(&a->tags);
        free(a->reason);
        free(a->of);
        free(a->error);
    }
    free(p->v);
    for (size_t i = 0; i < p->n_kept; i++) {
        free(p->kept[i].repo);
        free(p->kept[i].digest);
        ld_strlist_clear(&p->kept[i].tags);
        free(p->kept[i].reason);
    }
    free(p->kept);
    memset(p, 0, sizeof(*p));
}

/* ---- judging one tagged manifest ---- */

/* What the rules say of one manifest: reasons it must go, and what a rule
 * could not judge. */
typedef struct {
    ld_strlist go;
    ld_strlist unjudged;
} verdict;

static void verdict_clear(verdict *v)
{
    ld_strlist_clear(&v->go);
    ld_strlist_clear(&v->unjudged);
}

static const char *short_digest(const char *d, char buf[20])
{
    /* "sha256:" + 12 hex: enough to tell manifests apart in a line */
    snprintf(buf, 20, "%.19s", d ? d : "?");
    return buf;
}

/* Vulnerabilities of one image at or above the threshold: how many, and
 * the split by severity ("1 critical, 2 high"). -1 when it was not judged
 * (*why says why). */
static long vulns_at(const ld_reg_image *m, const ld_prune_rules *r, char **split, char **why)
{
    if (m->state != LD_REG_IMG_SCANNED || !m->vulns_assessed) {
        char b[20];
        *why = ld_xasprintf("%s: vulnerabilities not assessed%s%s", short_digest(m->digest, b),
                            m->note ? ": " : "", m->note ? m->note : "");
        return -1;
    }
    long n = 0;
    ld_strlist parts = {0};
    for (int s = LD_SEV_CRITICAL; s >= (int)r->severity; s--) {
        size_t c = r->fixable_only ? m->fixable[s] : m->vulns[s];
        if (!c)
            continue;
        n += (long)c;
        ld_strlist_push_owned(&parts, ld_xasprintf("%zu %s", c, ld_severity_name((ld_severity)s)));
    }
    *split = ld_strlist_join(&parts, ", ");
    ld_strlist_clear(&parts);
    return n;
}

/* The severity rule over m (an index: over its children, recursively). */
static void judge_vulns(const ld_reg_inventory *inv, const ld_reg_image *m, const ld_prune_rules *r,
                        int depth, verdict *v)
{
    if (m->is_index) {
        if (depth >= MAX_INDEX_DEPTH) {
            ld_strlist_push(&v->unjudged, "vulnerabilities not assessed: indexes nested too deep");
            return;
        }
        if (m->children.n == 0)
            ld_strlist_push(&v->unjudged, "vulnerabilities not assessed: the index lists no image");
        for (size_t i = 0; i < m->children.n; i++) {
            const ld_reg_image *c = ld_reg_inventory_find(inv, m->repo, m->children.v[i]);
            if (!c) {
                char b[20];
                ld_strlist_push_owned(&v->unjudged,
                                      ld_xasprintf("%s: vulnerabilities not assessed: not read",
                                                   short_digest(m->children.v[i], b)));
                continue;
            }
            judge_vulns(inv, c, r, depth + 1, v);
        }
        return;
    }
    char *split = NULL, *why = NULL;
    long n = vulns_at(m, r, &split, &why);
    if (n < 0) {
        ld_strlist_push_owned(&v->unjudged, why);
    } else if (n > 0) {
        ld_strlist_push_owned(
            &v->go,
            ld_xasprintf("%ld vulnerabilit%s at or above %s%s (%s)%s%s", n, n == 1 ? "y" : "ies",
                         ld_severity_name(r->severity), r->fixable_only ? " with a fix" : "", split,
                         m->platform ? " in " : "", m->platform ? m->platform : ""));
    }
    free(split);
}

static void judge_signature(const ld_reg_image *m, verdict *v)
{
    const char *why = m->sig_reason ? m->sig_reason : "";
    switch (m->sig) {
    case LD_REG_SIG_VERIFIED: break;
    case LD_REG_SIG_UNSIGNED:
        ld_strlist_push_owned(&v->go, ld_xasprintf("unsigned%s%s", *why ? ": " : "", why));
        break;
    case LD_REG_SIG_INVALID:
        ld_strlist_push_owned(&v->go,
                              ld_xasprintf("no valid signature%s%s", *why ? ": " : "", why));
        break;
    case LD_REG_SIG_NOT_ASSESSED:
    case LD_REG_SIG_UNCHECKED:
        ld_strlist_push_owned(&v->unjudged,
                              ld_xasprintf("signature not checked%s%s", *why ? ": " : "", why));
        break;
    }
}

static void judge_age(const ld_reg_image *m, const ld_prune_rules *r, verdict *v)
{
    if (m->created_at == 0) {
        ld_strlist_push(&v->unjudged, "age unknown (no creation date)");
        return;
    }
    long long age = (long long)r->now - (long long)m->created_at;
    long long limit = (long long)r->older_than_days * 86400LL;
    if (age > limit)
        ld_strlist_push_owned(&v->go,
                              ld_xasprintf("created %s, %lld day%s ago (older than %d)",
                                           m->created ? m->created : "?", age / 86400,
                                           age / 86400 == 1 ? "" : "s", r->older_than_days));
}

static void judge(const ld_reg_inventory *inv, const ld_reg_image *m, const ld_prune_rules *r,
                  verdict *v)
{
    if (r->by_severity)
        judge_vulns(inv, m, r, 0, v);
    if (r->by_signature)
        judge_signature(m, v);
    if (r->older_than_days >= 0)
        judge_age(m, r, v);
}

/* ---- the plan ---- */

static void add_kept(ld_prune_plan *p, const ld_reg_image *m, char *reason)
{
    ld_xgrow(&p->kept, &p->cap_kept, p->n_kept + 1, sizeof(*p->kept));
    ld_prune_kept *k = &p->kept[p->n_kept++];
    memset(k, 0, sizeof(*k));
    k->repo = ld_xstrdup(m->repo);
    k->digest = ld_xstrdup(m->digest);
    for (size_t i = 0; i < m->tags.n; i++)
        ld_strlist_push(&k->tags, m->tags.v[i]);
    k->reason = reason;
}

static ld_prune_action *add_action(ld_prune_plan *p, ld_prune_kind kind, const char *repo,
                                   const char *digest, char *reason, const char *of)
{
    ld_xgrow(&p->v, &p->cap, p->n + 1, sizeof(*p->v));
    ld_prune_action *a = &p->v[p->n++];
    memset(a, 0, sizeof(*a));
    a->kind = kind;
    a->repo = ld_xstrdup(repo);
    a->digest = ld_xstrdup(digest);
    a->reason = reason;
    a->of = ld_xstrdup(of);
    a->result = LD_PRUNE_PLANNED;
    return a;
}

/* Sort key of keep-newest, in nanoseconds: newest first (images built in
 * the same second are told apart by the fraction); an unknown date counts
 * as newest (never taken for old). */
static long long newness(const ld_reg_image *m)
{
    if (!m->created_at)
        return INT64_MAX;
    if (m->created_at > 9000000000LL || m->created_at < -9000000000LL)
        return m->created_at > 0 ? INT64_MAX - 1 : INT64_MIN + 1;
    return (long long)m->created_at * 1000000000LL + m->created_nsec;
}

/* Marks d and everything it reaches through index children (same
 * repository, bounded depth) in set. */
static void reach(const ld_reg_inventory *inv, const char *repo, const char *d, int depth,
                  ld_strlist *set)
{
    if (ld_strlist_contains(set, d))
        return;
    ld_strlist_push(set, d);
    const ld_reg_image *m = ld_reg_inventory_find(inv, repo, d);
    if (!m || !m->is_index || depth >= MAX_INDEX_DEPTH)
        return;
    for (size_t i = 0; i < m->children.n; i++)
        reach(inv, repo, m->children.v[i], depth + 1, set);
}

/* The kept index of repo (in alive) that lists child, or NULL. */
static const ld_reg_image *kept_parent(const ld_reg_inventory *inv, const char *repo,
                                       const char *child, const ld_strlist *alive)
{
    for (size_t i = 0; i < inv->n_images; i++) {
        const ld_reg_image *m = &inv->images[i];
        if (m->is_index && strcmp(m->repo, repo) == 0 && ld_strlist_contains(alive, m->digest) &&
            ld_strlist_contains(&m->children, child))
            return m;
    }
    return NULL;
}

static bool kept_listed(const ld_prune_plan *p, const char *repo, const char *digest)
{
    for (size_t i = 0; i < p->n_kept; i++)
        if (strcmp(p->kept[i].digest, digest) == 0 && strcmp(p->kept[i].repo, repo) == 0)
            return true;
    return false;
}

/* Adds the children of index d (recursively) that are not alive, parent
 * before child; children still reached from a kept manifest are noted. */
static void plan_children(const ld_reg_inventory *inv, const char *repo, const char *d, int depth,
                          const ld_strlist *alive, ld_strlist *deleted, ld_prune_plan *p)
{
    const ld_reg_image *m = ld_reg_inventory_find(inv, repo, d);
    if (!m || !m->is_index || depth >= MAX_INDEX_DEPTH)
        return;
    for (size_t i = 0; i < m->children.n; i++) {
        const char *c = m->children.v[i];
        const ld_reg_image *cm = ld_reg_inventory_find(inv, repo, c);
        char b[20], b2[20];
        if (ld_strlist_contains(alive, c)) {
            const ld_reg_image *keeper = kept_parent(inv, repo, c, alive);
            if (cm && !kept_listed(p, repo, c))
                add_kept(p, cm,
                         keeper ? ld_xasprintf("child of pruned index %s, still listed by kept "
                                               "index %s",
                                               short_digest(d, b), short_digest(keeper->digest, b2))
                                : ld_xasprintf("child of pruned index %s, itself kept",
                                               short_digest(d, b)));
            continue;
        }
        if (ld_strlist_contains(deleted, c))
            continue;
        ld_strlist_push(deleted, c);
        char *why =
            cm && cm->platform
                ? ld_xasprintf("%s child of pruned index %s", cm->platform, short_digest(d, b))
                : ld_xasprintf("child of pruned index %s", short_digest(d, b));
        add_action(p, LD_PRUNE_CHILD, repo, c, why, d);
        plan_children(inv, repo, c, depth + 1, alive, deleted, p);
    }
}

/* Adds the attachments (sha256-<hex>.sig/.att/.sbom tags) of the digest d
 * that nothing alive is. */
static void plan_attachments(const ld_reg_inventory *inv, const char *repo, const char *d,
                             const ld_strlist *alive, ld_strlist *deleted, ld_prune_plan *p)
{
    for (size_t i = 0; i < inv->n_tags; i++) {
        const ld_reg_tag *t = &inv->tags[i];
        const char *kind = NULL;
        char hex[65];
        if (strcmp(t->repo, repo) != 0 || !ld_reg_is_attachment_tag(t->tag, &kind, hex) ||
            strlen(d) != 71 || strcmp(d + 7, hex) != 0)
            continue;
        if (!t->digest || ld_strlist_contains(alive, t->digest))
            continue;
        if (ld_strlist_contains(deleted, t->digest)) {
            /* another tag of the same attachment manifest: it goes with it */
            for (size_t k = 0; k < p->n; k++)
                if (strcmp(p->v[k].repo, repo) == 0 && strcmp(p->v[k].digest, t->digest) == 0 &&
                    !ld_strlist_contains(&p->v[k].tags, t->tag))
                    ld_strlist_push(&p->v[k].tags, t->tag);
            continue;
        }
        ld_strlist_push(deleted, t->digest);
        char b[20];
        const char *what = strcmp(kind, "sig") == 0   ? "signature"
                           : strcmp(kind, "att") == 0 ? "attestation"
                                                      : "SBOM";
        ld_prune_action *a =
            add_action(p, LD_PRUNE_ATTACHMENT, repo, t->digest,
                       ld_xasprintf("%s of pruned %s", what, short_digest(d, b)), d);
        a->attachment = kind;
        ld_strlist_push(&a->tags, t->tag);
    }
}

/* One repository: judge its tagged manifests, apply keep-newest, then
 * plan the deletions. */
static void select_repo(const ld_reg_inventory *inv, const char *repo, const ld_prune_rules *r,
                        ld_prune_plan *p)
{
    size_t n = 0;
    for (size_t i = 0; i < inv->n_images; i++)
        if (strcmp(inv->images[i].repo, repo) == 0 && inv->images[i].tags.n > 0)
            n++;
    if (n == 0)
        return;
    const ld_reg_image **cand = ld_xcalloc(n, sizeof(*cand));
    verdict *vs = ld_xcalloc(n, sizeof(*vs));
    bool *go = ld_xcalloc(n, sizeof(*go));
    n = 0;
    for (size_t i = 0; i < inv->n_images; i++)
        if (strcmp(inv->images[i].repo, repo) == 0 && inv->images[i].tags.n > 0)
            cand[n++] = &inv->images[i];
    p->judged += n;

    for (size_t i = 0; i < n; i++) {
        judge(inv, cand[i], r, &vs[i]);
        go[i] = vs[i].go.n > 0;
    }

    /* keep-newest, last: the threshold is the N-th newest date; every
     * manifest at least that new stays (ties with the N-th too) */
    long long threshold = INT64_MIN;
    if (r->keep_newest > 0) {
        long long *keys = ld_xcalloc(n, sizeof(*keys));
        for (size_t i = 0; i < n; i++)
            keys[i] = newness(cand[i]);
        /* partial selection sort: n is small (tags of one repository) */
        size_t want = (size_t)r->keep_newest < n ? (size_t)r->keep_newest : n;
        for (size_t i = 0; i < want; i++) {
            size_t best = i;
            for (size_t k = i + 1; k < n; k++)
                if (keys[k] > keys[best])
                    best = k;
            long long t = keys[i];
            keys[i] = keys[best];
            keys[best] = t;
        }
        threshold = keys[want - 1];
        free(keys);
    }

    ld_strlist alive = {0}, deleted = {0};
    for (size_t i = 0; i < n; i++) {
        bool protected_ = r->keep_newest > 0 && newness(cand[i]) >= threshold;
        if (go[i] && protected_) {
            char *reasons = ld_strlist_join(&vs[i].go, "; ");
            add_kept(p, cand[i],
                     ld_xasprintf("among the %d newest of %s (else: %s)", r->keep_newest, repo,
                                  reasons));
            free(reasons);
            go[i] = false;
        } else if (!go[i] && vs[i].unjudged.n > 0) {
            char *why = ld_strlist_join(&vs[i].unjudged, "; ");
            add_kept(p, cand[i], ld_xasprintf("not judged: %s", why));
            free(why);
        }
        if (!go[i])
            reach(inv, repo, cand[i]->digest, 0, &alive);
    }
    for (size_t i = 0; i < n; i++) {
        if (!go[i] || ld_strlist_contains(&deleted, cand[i]->digest))
            continue;
        ld_strlist_push(&deleted, cand[i]->digest);
        ld_prune_action *a = add_action(p, LD_PRUNE_MANIFEST, repo, cand[i]->digest,
                                        ld_strlist_join(&vs[i].go, "; "), NULL);
        for (size_t t = 0; t < cand[i]->tags.n; t++)
            ld_strlist_push(&a->tags, cand[i]->tags.v[t]);
        size_t first = p->n - 1;
        plan_children(inv, repo, cand[i]->digest, 0, &alive, &deleted, p);
        size_t last = p->n;
        for (size_t k = first; k < last; k++) {
            char *d = ld_xstrdup(p->v[k].digest);
            plan_attachments(inv, repo, d, &alive, &deleted, p);
            free(d);
        }
    }
    ld_strlist_clear(&alive);
    ld_strlist_clear(&deleted);
    for (size_t i = 0; i < n; i++)
        verdict_clear(&vs[i]);
    free(vs);
    free(go);
    free(cand);
}

void ld_prune_select(const ld_reg_inventory *inv, const ld_prune_rules *rules, ld_prune_plan *plan)
{
    ld_prune_plan_clear(plan);
    ld_strlist repos = {0};
    for (size_t i = 0; i < inv->repos.n; i++)
        if (!ld_strlist_contains(&repos, inv->repos.v[i]))
            ld_strlist_push(&repos, inv->repos.v[i]);
    /* repositories only the images name (a hand-built inventory) */
    for (size_t i = 0; i < inv->n_images; i++)
        if (!ld_strlist_contains(&repos, inv->images[i].repo))
            ld_strlist_push(&repos, inv->images[i].repo);
    for (size_t i = 0; i < repos.n; i++)
        select_repo(inv, repos.v[i], rules, plan);
    ld_strlist_clear(&repos);
}

void ld_prune_rules_from_policy(const ld_policy *p, time_t now, ld_prune_rules *out)
{
    memset(out, 0, sizeof(*out));
    out->older_than_days = -1;
    out->now = now;
    if (!p)
        return;
    const ld_policy_registry_prune *pp = &p->registry_prune;
    out->by_severity = pp->has_severity;
    out->severity = pp->severity;
    out->fixable_only = pp->fixable_only;
    out->by_signature = pp->unsigned_images;
    if (pp->has_older_than)
        out->older_than_days = pp->older_than_days;
    out->keep_newest = pp->keep_newest;
}

char *ld_prune_rules_describe(const ld_prune_rules *r)
{
    ld_strlist parts = {0};
    if (r->by_severity)
        ld_strlist_push_owned(&parts, ld_xasprintf("vulnerabilities at or above %s%s",
                                                   ld_severity_name(r->severity),
                                                   r->fixable_only ? " with a fix" : ""));
    if (r->by_signature)
        ld_strlist_push(&parts, "unsigned");
    if (r->older_than_days >= 0)
        ld_strlist_push_owned(&parts, ld_xasprintf("older than %d days", r->older_than_days));
    if (r->keep_newest > 0)
        ld_strlist_push_owned(&parts,
                              ld_xasprintf("keep the newest %d per repository", r->keep_newest));
    char *s = parts.n ? ld_strlist_join(&parts, "; ") : ld_xstrdup("no rule");
    ld_strlist_clear(&parts);
    return s;
}
