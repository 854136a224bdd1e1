/* The Pod Security Standards check family (pss.*): every pod spec of the
 * object set judged at its namespace's level and policy version, one
 * failing finding per object and policy the admission would deny, one
 * summary verdict per policy. The rules themselves are in pss_rules.c; this
 * file decides levels (--pss, the namespace's
 * pod-security.kubernetes.io/enforce[-version] labels, lockdown's level),
 * words the evidence and counts. Not for anything beyond the standards. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "k8s/k8s_finding.h"
#include "k8s/pss.h"
#include "util/mem.h"
#include "util/strmap.h"

#define LABEL_ENFORCE "pod-security.kubernetes.io/enforce"
#define LABEL_ENFORCE_VERSION "pod-security.kubernetes.io/enforce-version"
#define LABEL_WARN "pod-security.kubernetes.io/warn"
#define LABEL_AUDIT "pod-security.kubernetes.io/audit"

/* The policy one namespace is judged at. */
typedef struct {
    ld_pss_level level;
    int minor;    /* effective (0..LD_PSS_LATEST_MINOR) */
    char *shown;  /* "restricted:v1.25" or "baseline:latest (v1.37)" */
    char *source; /* where level and version came from, for evidence */
    size_t pods;  /* pod specs judged in it */
} ns_policy;

typedef struct {
    const ld_k8s_scan_options *o;
    bool forced_level;
    ld_pss_level level; /* when forced */
    bool forced_version;
    int version; /* when forced (LD_PSS_VERSION_LATEST or N) */
    const char *version_text;
    ld_strmap namespaces; /* name -> first Namespace object with that name */
    ld_strmap policies;   /* name -> ns_policy* */
} family;

static void policy_free(ns_policy *p)
{
    if (!p)
        return;
    free(p->shown);
    free(p->source);
    free(p);
}

static char *version_shown(int requested, int effective)
{
    if (requested == LD_PSS_VERSION_LATEST)
        return ld_xasprintf("latest (v1.%d)", effective);
    if (requested != effective)
        return ld_xasprintf("v1.%d (judged as v1.%d, the newest policy version lockdown knows)",
                            requested, effective);
    return ld_xasprintf("v1.%d", effective);
}

/* The policy of namespace ns (computed once). */
static ns_policy *policy_of(family *f, const char *ns)
{
    bool created = false;
    void **slot = ld_strmap_put(&f->policies, ns, &created);
    if (!created)
        return *slot;
    const ld_k8s_object *nso = ld_strmap_get(&f->namespaces, ns);
    ns_policy *p = ld_xcalloc(1, sizeof *p);

    char *level_src;
    const char *enforce = nso ? ld_k8s_label(nso, LABEL_ENFORCE) : NULL;
    if (f->forced_level) {
        p->level = f->level;
        level_src = ld_xasprintf("--pss %s", ld_pss_level_name(f->level));
    } else if (enforce) {
        if (ld_pss_level_parse(enforce, &p->level) == 0) {
            level_src = ld_xasprintf("label %s=%s", LABEL_ENFORCE, enforce);
        } else {
            /* api.PolicyToEvaluate: an unparsable level is restricted */
            p->level = LD_PSS_RESTRICTED;
            level_src = ld_xasprintf("label %s=\"%.64s\" is not a level: restricted, as the "
                                     "admission fails closed",
                                     LABEL_ENFORCE, enforce);
        }
    } else {
        p->level = ld_pss_level_for(f->o->level);
        level_src = ld_xasprintf("%s: lockdown level %s maps to %s",
                                 nso ? "no enforce label" : "no Namespace object in the inputs",
                                 ld_level_name(f->o->level), ld_pss_level_name(p->level));
    }

    int requested = LD_PSS_VERSION_LATEST;
    char *version_src = NULL;
    const char *label_version = nso ? ld_k8s_label(nso, LABEL_ENFORCE_VERSION) : NULL;
    if (f->forced_version) {
        requested = f->version;
        version_src = ld_xasprintf("--pss-version %s", f->version_text);
    } else if (label_version) {
        if (ld_pss_version_parse(label_version, &requested) == 0) {
            version_src = ld_xasprintf("label %s=%s", LABEL_ENFORCE_VERSION, label_version);
        } else {
            requested = LD_PSS_VERSION_LATEST; /* an unparsable version is latest */
            version_src = ld_xasprintf("label %s=\"%.64s\" is not a version: latest",
                                       LABEL_ENFORCE_VERSION, label_version);
        }
    }
    p->minor = ld_pss_effective_minor(requested);
    char *vs = version_shown(requested, p->minor);
    p->shown = ld_xasprintf("%s:%s", ld_pss_level_name(p->level), vs);
    free(vs);

    /* warn and audit do not decide admission; named so a reader sees them */
    const char *warn = nso ? ld_k8s_label(nso, LABEL_WARN) : NULL;
    const char *audit = nso ? ld_k8s_label(nso, LABEL_AUDIT) : NULL;
    char *extra = ld_xasprintf("%s%.64s%s%.64s", warn ? "; warn=" : "", warn ? warn : "",
                               audit ? "; audit=" : "", audit ? audit : "");
    p->source = ld_xasprintf("namespace \"%.253s\": %s%s%s%s", ns, level_src,
                             version_src ? "; " : "", version_src ? version_src : "", extra);
    free(extra);
    free(level_src);
    free(version_src);
    *slot = p;
    return p;
}

/* Per-policy counts over the set. */
typedef struct {
    size_t judged;   /* pod specs the policy applied to */
    size_t failed;   /* denied */
    size_t errors;   /* undecided */
    size_t by_level; /* not part of their namespace's level */
    size_t by_version;
} counts;

/* The evidence of a denial: the violations, the admission's reason, and
 * the level and version with where they came from. Caller frees. */
static char *denial_evidence(const ld_k8s_object *obj, const ld_pss_result *res, const ns_policy *p)
{
    ld_strlist l = {0};
    for (size_t i = 0; i < res->n; i++)
        ld_strlist_push(&l, res->v[i].what);
    if (res->more)
        ld_strlist_push_owned(&l, ld_xasprintf("and %zu more", res->more));
    char *joined = ld_strlist_join(&l, "; ");
    ld_strlist_clear(&l);
    bool is_pod = strcmp(obj->kind, "Pod") == 0;
    char *ev = ld_xasprintf("%s — %s: %s denied at %s (%s)", joined, res->reason,
                            is_pod ? "would be" : "its pods would be", p->shown, p->source);
    free(joined);
    return ev;
}

static int judge_object(ld_findings *r, family *f, const ld_k8s_object *obj, const ld_k8s_pod *pod,
                        const bool *selected, counts *c, ld_error *err)
{
    const char *ns = ld_k8s_namespace(obj);
    ns_policy *p = policy_of(f, ns ? ns : "default");
    p->pods++;
    for (size_t i = 0; i < ld_pss_policy_count(); i++) {
        if (!selected[i])
            continue;
        const ld_pss_policy *pol = ld_pss_policy_at(i);
        if (p->level < pol->level) {
            c[i].by_level++;
            continue;
        }
        if (p->minor < pol->since_minor) {
            c[i].by_version++;
            continue;
        }
        ld_pss_result res;
        ld_pss_judge(i, pod, p->level, p->minor, &res);
        int rc = 0;
        switch (res.outcome) {
        case LD_PSS_NOT_APPLICABLE: c[i].by_level++; break;
        case LD_PSS_ALLOWED: c[i].judged++; break;
        case LD_PSS_DENIED: {
            c[i].judged++;
            c[i].failed++;
            char *ev = denial_evidence(obj, &res, p);
            rc = ld_k8s_emit(r, pol->check_id, LD_STATUS_FAIL, obj, res.v[0].at, err, "%s", ev);
            free(ev);
            break;
        }
        case LD_PSS_UNDECIDED:
            c[i].judged++;
            c[i].errors++;
            rc = ld_k8s_emit(r, pol->check_id, LD_STATUS_ERROR, obj, res.undecided_at, err,
                             "could not judge %s at %s: %s (%s)", pol->title, p->shown,
                             res.undecided, p->source);
            break;
        }
        ld_pss_result_clear(&res);
        if (rc < 0)
            return rc;
    }
    return 0;
}

/* The summary verdict of policy i. */
static int verdict(ld_findings *r, const ld_k8s_set *s, size_t i, const counts *c, size_t pods,
                   size_t privileged, ld_error *err)
{
    const ld_pss_policy *pol = ld_pss_policy_at(i);
    char *text;
    if (c->judged > 0) {
        text = ld_xasprintf("%zu pod spec%s allowed by the %s policy (%s)", c->judged,
                            c->judged == 1 ? "" : "s", pol->title, pol->admission_id);
    } else if (pods == 0) {
        text = ld_xstrdup("no pod spec in the inputs");
    } else {
        ld_strlist why = {0};
        if (c->by_level)
            ld_strlist_push_owned(&why, ld_xasprintf("%zu judged at a level without it (it is %s)",
                                                     c->by_level, ld_pss_level_name(pol->level)));
        if (c->by_version)
            ld_strlist_push_owned(&why, ld_xasprintf("%zu at a policy version before v1.%d, "
                                                     "which added it",
                                                     c->by_version, pol->since_minor));
        if (privileged)
            ld_strlist_push_owned(&why, ld_xasprintf("%zu in privileged namespaces", privileged));
        char *joined = ld_strlist_join(&why, ", ");
        text = ld_xasprintf("no pod spec is judged by the %s policy: %s", pol->title,
                            *joined ? joined : "none applicable");
        free(joined);
        ld_strlist_clear(&why);
    }
    int rc = ld_k8s_verdict(r, pol->check_id, s, c->judged, c->failed + c->errors, err, "%s", text);
    free(text);
    return rc;
}

int ld_k8s_pss_checks(ld_findings *r, const ld_k8s_set *s, const ld_k8s_scan_options *o,
                      ld_error *err)
{
    const size_t np = ld_pss_policy_count();
    bool selected[32] = {false};
    bool any = false;
    for (size_t i = 0; i < np && i < 32; i++) {
        selected[i] = ld_findings_selected(r, ld_pss_policy_at(i)->check_id);
        any |= selected[i];
    }
    if (!any)
        return 0;

    family f = {.o = o, .namespaces = LD_STRMAP_INIT, .policies = LD_STRMAP_INIT};
    if (o->pss_level) {
        if (ld_pss_level_parse(o->pss_level, &f.level) < 0)
            return ld_error_set(err, LD_ERR_INVALID,
                                "--pss \"%.64s\": must be privileged, baseline or restricted",
                                o->pss_level);
        f.forced_level = true;
    }
    if (o->pss_version) {
        if (ld_pss_version_parse(o->pss_version, &f.version) < 0)
            return ld_error_set(err, LD_ERR_INVALID,
                                "--pss-version \"%.64s\": must be \"latest\" or \"v1.N\"",
                                o->pss_version);
        f.forced_version = true;
        f.version_text = o->pss_version;
    }

    size_t n = ld_k8s_set_count(s);
    for (size_t k = 0; k < n; k++) {
        const ld_k8s_object *obj = ld_k8s_set_object(s, k);
        if (strcmp(obj->kind, "Namespace") != 0 || !obj->name || !*obj->name)
            continue;
        bool created = false;
        void **slot = ld_strmap_put(&f.namespaces, obj->name, &created);
        if (created)
            *slot = (void *)obj;
    }

    counts c[32];
    memset(c, 0, sizeof c);
    size_t pods = 0, privileged = 0;
    int rc = 0;
    for (size_t k = 0; k < n && rc == 0; k++) {
        const ld_k8s_object *obj = ld_k8s_set_object(s, k);
        ld_k8s_pod pod;
        if (!ld_k8s_pod_of(obj, &pod))
            continue;
        pods++;
        const char *ns = ld_k8s_namespace(obj);
        if (policy_of(&f, ns ? ns : "default")->level == LD_PSS_PRIVILEGED) {
            policy_of(&f, ns ? ns : "default")->pods++;
            privileged++;
            continue;
        }
        rc = judge_object(r, &f, obj, &pod, selected, c, err);
    }

    /* Namespaces at privileged: their pods pass every policy unlooked-at,
     * which a reader must know. */
    for (size_t k = 0; rc == 0 && k < f.policies.cap; k++) {
        const ld_strmap_slot *sl = &f.policies.slots[k];
        const ns_policy *p = sl->key ? sl->value : NULL;
        if (p && p->level == LD_PSS_PRIVILEGED && p->pods)
            ld_findings_note(r,
                             "Pod Security Standards: %zu pod spec%s in namespace \"%.253s\" "
                             "not judged (privileged: %s)",
                             p->pods, p->pods == 1 ? "" : "s", sl->key, p->source);
    }
    for (size_t i = 0; rc == 0 && i < np; i++)
        if (selected[i])
            rc = verdict(r, s, i, &c[i], pods, privileged, err);

    for (size_t k = 0; k < f.policies.cap; k++)
        if (f.policies.slots[k].key)
            policy_free(f.policies.slots[k].value);
    ld_strmap_clear(&f.policies);
    ld_strmap_clear(&f.namespaces);
    return rc;
}
