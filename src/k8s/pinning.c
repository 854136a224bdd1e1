/* The host pinning family (k8s/pinning.h). Workloads are grouped by
 * placement signature (nodeName, nodeSelector, required node affinity,
 * tolerations): every workload of a group lands on the same nodes, so the
 * mixing question is asked once per pair of groups (or per group and
 * Node), never per pair of workloads. Node matching goes through
 * k8s/selector.h; the symbolic question "can one node satisfy both" is
 * answered here, requirement by requirement, on the parsed constraints. */
#include "k8s/pinning.h"

#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "k8s/evlist.h"
#include "k8s/k8s_finding.h"
#include "k8s/namespaces.h"
#include "k8s/owners.h"
#include "k8s/pod.h"
#include "k8s/selector.h"
#include "util/cleanup.h"
#include "util/mem.h"
#include "util/strmap.h"

/* "s" for a count other than one, for the summaries */
#define PLURAL(n) ((n) == 1 ? "" : "s")

#define ID_UNPINNED "k8s.pinning.unpinned"
#define ID_MIXING "k8s.pinning.mixing"
/* the node's name, as a requirement key no label can spell */
#define NAME_KEY "\x01metadata.name"
#define NO_CLASS 0 /* class index of workloads without a sensitivity */
#define NONE SIZE_MAX

typedef enum { R_IN, R_NOT_IN, R_EXISTS, R_NOT_EXISTS, R_GT, R_LT } req_op;

typedef struct {
    const char *key;
    req_op op;
    const char **values; /* owned array of borrowed strings */
    size_t n;
    long long num; /* Gt / Lt */
} req;

typedef struct {
    req *v;
    size_t n, cap;
} reqs;

typedef struct {
    const char *key, *value, *effect; /* borrowed; NULL: absent */
    bool exists;                      /* operator Exists (else Equal) */
} toleration;

/* What one placement can share a node with: per class, an example
 * workload and how sure it is. */
typedef struct {
    size_t workload; /* NONE: nothing of this class */
    ld_status status;
    const char *node; /* the Node both fit (Node objects given), else NULL */
} shared;

typedef struct {
    const ld_yaml_node *spec; /* the pod spec of its first workload */
    reqs base;                /* nodeSelector and nodeName */
    reqs *terms;              /* required affinity terms (ORed), empty terms left out */
    size_t n_terms;
    bool affinity; /* required affinity present: some term must hold */
    toleration *tol;
    size_t n_tol;
    size_t *class_first; /* per class: first workload of the class here, or NONE */
    bool labelled;       /* holds a workload with a sensitivity */
    shared *others;      /* per class */
} placement;

typedef struct {
    const ld_k8s_object *obj;
    ld_k8s_pod pod;
    size_t cls;
    const char *source; /* where its sensitivity came from */
    size_t placement;
} workload;

typedef struct {
    const char *name;
    ld_k8s_labels labels;
    const ld_yaml_node *taints;
} node;

typedef struct {
    ld_findings *r;
    const ld_k8s_set *s;
    const ld_k8s_scan_options *o;
    ld_error *err;
    const char *label;
    ld_k8s_namespaces ns;
    const char **classes; /* [0] NULL: no sensitivity */
    size_t n_classes, cap_classes;
    ld_strmap class_ix;
    workload *w;
    size_t n_w, cap_w;
    placement *p;
    size_t n_p, cap_p;
    ld_strmap placement_ix; /* signature -> index + 1 */
    node *nodes;
    size_t n_nodes, cap_nodes;
    ld_strmap node_ix; /* name -> index + 1 */
} pin_ctx;

/* ---- parsing placements ---- */

static bool parse_op(const char *s, req_op *out)
{
    static const struct {
        const char *name;
        req_op op;
    } ops[] = {{"In", R_IN},         {"NotIn", R_NOT_IN},
               {"Exists", R_EXISTS}, {"DoesNotExist", R_NOT_EXISTS},
               {"Gt", R_GT},         {"Lt", R_LT}};
    for (size_t i = 0; s && i < sizeof(ops) / sizeof(ops[0]); i++)
        if (strcmp(s, ops[i].name) == 0) {
            *out = ops[i].op;
            return true;
        }
    return false;
}

static bool decimal(const char *s, long long *out)
{
    if (!s || !*s || s[0] == '+' || s[0] == ' ')
        return false;
    char *end = NULL;
    long long v = strtoll(s, &end, 10);
    if (*end)
        return false;
    *out = v;
    return true;
}

static req *push_req(reqs *rs, const char *key, req_op op)
{
    ld_xgrow(&rs->v, &rs->cap, rs->n + 1, sizeof(*rs->v));
    req *r = &rs->v[rs->n++];
    memset(r, 0, sizeof(*r));
    r->key = key;
    r->op = op;
    return r;
}

/* One NodeSelectorRequirement; name_field: a matchFields entry. False:
 * the API server would refuse it. */
static bool parse_req(reqs *rs, const ld_yaml_node *n, bool name_field)
{
    if (!n || n->kind != LD_YAML_MAP)
        return false;
    const char *key = ld_k8s_str(ld_yaml_get(n, "key"));
    req_op op;
    if (!key || !*key || !parse_op(ld_k8s_str(ld_yaml_get(n, "operator")), &op))
        return false;
    if (name_field) {
        if (strcmp(key, "metadata.name") != 0 || (op != R_IN && op != R_NOT_IN))
            return false;
        key = NAME_KEY;
    }
    const ld_yaml_node *values = ld_yaml_get(n, "values");
    size_t nv = values && values->kind == LD_YAML_SEQ ? values->n : 0;
    if (values && !ld_k8s_is_null(values) && values->kind != LD_YAML_SEQ)
        return false;
    req *r = push_req(rs, key, op);
    if (nv) {
        r->values = ld_xcalloc(nv, sizeof(*r->values));
        for (size_t i = 0; i < nv; i++) {
            r->values[i] = ld_k8s_str(values->items[i]);
            if (!r->values[i])
                return false;
        }
        r->n = nv;
    }
    switch (op) {
    case R_IN:
    case R_NOT_IN: return nv > 0;
    case R_EXISTS:
    case R_NOT_EXISTS: return nv == 0;
    case R_GT:
    case R_LT: return nv == 1 && decimal(r->values[0], &r->num);
    }
    return false;
}

static void reqs_clear(reqs *rs)
{
    for (size_t i = 0; i < rs->n; i++)
        free(rs->v[i].values);
    free(rs->v);
    memset(rs, 0, sizeof(*rs));
}

static void placement_clear(placement *p)
{
    reqs_clear(&p->base);
    for (size_t i = 0; i < p->n_terms; i++)
        reqs_clear(&p->terms[i]);
    free(p->terms);
    free(p->tol);
    free(p->class_first);
    free(p->others);
}

static const ld_yaml_node *required_terms(const ld_yaml_node *spec)
{
    return ld_k8s_at(spec, "affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution."
                           "nodeSelectorTerms");
}

/* Parses the placement constraints of a pod spec; false when the API
 * server would refuse them (p then holds what was parsed: clear it). */
static bool parse_placement(const ld_yaml_node *spec, placement *p)
{
    p->spec = spec;
    const ld_yaml_node *sel = ld_yaml_get(spec, "nodeSelector");
    if (sel && !ld_k8s_is_null(sel)) {
        if (sel->kind != LD_YAML_MAP)
            return false;
        for (size_t i = 0; i < sel->n; i++) {
            req *r = push_req(&p->base, sel->keys[i]->value, R_IN);
            r->values = ld_xcalloc(1, sizeof(*r->values));
            r->values[0] = ld_k8s_str(sel->items[i]) ? ld_k8s_str(sel->items[i]) : "";
            r->n = 1;
        }
    }
    const char *node_name = ld_k8s_str(ld_yaml_get(spec, "nodeName"));
    if (node_name && *node_name) {
        req *r = push_req(&p->base, NAME_KEY, R_IN);
        r->values = ld_xcalloc(1, sizeof(*r->values));
        r->values[0] = node_name;
        r->n = 1;
    }
    const ld_yaml_node *req_aff =
        ld_k8s_at(spec, "affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution");
    if (req_aff && !ld_k8s_is_null(req_aff)) {
        p->affinity = true;
        const ld_yaml_node *terms = required_terms(spec);
        if (terms && !ld_k8s_is_null(terms) && terms->kind != LD_YAML_SEQ)
            return false;
        size_t nt = terms && terms->kind == LD_YAML_SEQ ? terms->n : 0;
        p->terms = ld_xcalloc(nt ? nt : 1, sizeof(*p->terms));
        for (size_t i = 0; i < nt; i++) {
            const ld_yaml_node *t = terms->items[i];
            if (ld_k8s_is_null(t))
                continue;
            if (t->kind != LD_YAML_MAP)
                return false;
            reqs *tr = &p->terms[p->n_terms++];
            const ld_yaml_node *me = ld_yaml_get(t, "matchExpressions");
            const ld_yaml_node *mf = ld_yaml_get(t, "matchFields");
            for (size_t k = 0; me && me->kind == LD_YAML_SEQ && k < me->n; k++)
                if (!parse_req(tr, me->items[k], false))
                    return false;
            for (size_t k = 0; mf && mf->kind == LD_YAML_SEQ && k < mf->n; k++)
                if (!parse_req(tr, mf->items[k], true))
                    return false;
            if (tr->n == 0) /* an empty term matches no node */
                p->n_terms--;
        }
    }
    const ld_yaml_node *tols = ld_yaml_get(spec, "tolerations");
    if (tols && tols->kind == LD_YAML_SEQ && tols->n) {
        p->tol = ld_xcalloc(tols->n, sizeof(*p->tol));
        for (size_t i = 0; i < tols->n; i++) {
            const ld_yaml_node *t = tols->items[i];
            if (!t || t->kind != LD_YAML_MAP)
                continue;
            const char *op = ld_k8s_str(ld_yaml_get(t, "operator"));
            toleration *x = &p->tol[p->n_tol++];
            x->key = ld_k8s_str(ld_yaml_get(t, "key"));
            x->value = ld_k8s_str(ld_yaml_get(t, "value"));
            x->effect = ld_k8s_str(ld_yaml_get(t, "effect"));
            x->exists = op && strcmp(op, "Exists") == 0;
            if (x->key && !*x->key)
                x->key = NULL;
            if (x->effect && !*x->effect)
                x->effect = NULL;
        }
    }
    return true;
}

typedef struct {
    char *v;
    size_t len, cap;
} sig_buf;

static void sig_put(sig_buf *b, char tag, const char *text)
{
    /* tag, length, text: no text can imitate another structure */
    size_t n = text ? strlen(text) : 0;
    char head[32];
    int h = snprintf(head, sizeof(head), "%c%zu:", tag, n);
    ld_xgrow(&b->v, &b->cap, b->len + (size_t)h + n + 1, 1);
    memcpy(b->v + b->len, head, (size_t)h);
    b->len += (size_t)h;
    if (n)
        memcpy(b->v + b->len, text, n);
    b->len += n;
    b->v[b->len] = '\0';
}

/* A depth-first dump of a subtree: kinds, keys and values, each tagged
 * and length-prefixed. Depth is bounded by the parser's. */
static void sig_tree(sig_buf *b, const ld_yaml_node *n)
{
    if (!n)
        return;
    if (n->kind == LD_YAML_SCALAR) {
        sig_put(b, n->quoted ? 'S' : 's', n->value);
        return;
    }
    sig_put(b, n->kind == LD_YAML_MAP ? 'm' : 'q', NULL);
    for (size_t i = 0; i < n->n; i++) {
        if (n->kind == LD_YAML_MAP)
            sig_put(b, 'k', n->keys[i]->value);
        sig_tree(b, n->items[i]);
    }
    sig_put(b, 'e', NULL);
}

/* The signature of a pod spec's placement: the constraints as written
 * (equal signatures, equal placements; only required node affinity
 * constrains). Caller frees. */
static char *signature(const ld_yaml_node *spec)
{
    sig_buf b = {NULL, 0, 0};
    sig_put(&b, '0', NULL);
    sig_tree(&b, ld_yaml_get(spec, "nodeName"));
    sig_put(&b, '1', NULL);
    sig_tree(&b, ld_yaml_get(spec, "nodeSelector"));
    sig_put(&b, '2', NULL);
    sig_tree(&b, ld_k8s_at(spec,
                           "affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution"));
    sig_put(&b, '3', NULL);
    sig_tree(&b, ld_yaml_get(spec, "tolerations"));
    return b.v;
}

/* ---- the symbolic question: can one node satisfy all of these? ---- */

static bool listed(const req *r, const char *v)
{
    for (size_t i = 0; i < r->n; i++)
        if (strcmp(r->values[i], v) == 0)
            return true;
    return false;
}

/* One key's requirements (rs[0..n) all of that key) satisfiable by one
 * label value (or its absence)? */
static bool key_satisfiable(const req *const *rs, size_t n)
{
    bool absent_ok = true, exists = false, not_exists = false;
    const req *first_in = NULL;
    long long lo = LLONG_MIN, hi = LLONG_MAX;
    bool bounded = false;
    for (size_t i = 0; i < n; i++) {
        switch (rs[i]->op) {
        case R_IN:
            first_in = first_in ? first_in : rs[i];
            absent_ok = false;
            break;
        case R_EXISTS:
            exists = true;
            absent_ok = false;
            break;
        case R_NOT_EXISTS: not_exists = true; break;
        case R_GT:
            lo = rs[i]->num > lo ? rs[i]->num : lo;
            bounded = true;
            absent_ok = false;
            break;
        case R_LT:
            hi = rs[i]->num < hi ? rs[i]->num : hi;
            bounded = true;
            absent_ok = false;
            break;
        case R_NOT_IN: break;
        }
    }
    if (strcmp(rs[0]->key, NAME_KEY) == 0)
        absent_ok = false; /* every node has a name: a fresh one satisfies NotIn */
    if (not_exists)
        return absent_ok && strcmp(rs[0]->key, NAME_KEY) != 0;
    if (absent_ok)
        return true;
    if (first_in) {
        /* a candidate of the first In that every other requirement admits */
        for (size_t c = 0; c < first_in->n; c++) {
            const char *v = first_in->values[c];
            long long num = 0;
            bool ok = !bounded || (decimal(v, &num) && num > lo && num < hi);
            for (size_t i = 0; ok && i < n; i++) {
                if (rs[i]->op == R_IN)
                    ok = listed(rs[i], v);
                else if (rs[i]->op == R_NOT_IN)
                    ok = !listed(rs[i], v);
            }
            if (ok)
                return true;
        }
        return false;
    }
    if (!bounded)
        return true; /* Exists (or a name NotIn): a fresh value */
    (void)exists;
    /* an integer in (lo, hi) that no NotIn names */
    if (hi <= lo || (unsigned long long)hi - (unsigned long long)lo < 2)
        return false;
    unsigned long long room = (unsigned long long)hi - (unsigned long long)lo - 1;
    size_t excluded = 0;
    for (size_t i = 0; i < n; i++)
        if (rs[i]->op == R_NOT_IN)
            for (size_t k = 0; k < rs[i]->n; k++) {
                long long v = 0;
                if (decimal(rs[i]->values[k], &v) && v > lo && v < hi)
                    excluded++;
            }
    return room > excluded;
}

#define MAX_REQS 512

/* Can one node satisfy every requirement of the lists? */
static bool satisfiable(const reqs *const *lists, size_t n_lists)
{
    const req *all[MAX_REQS];
    size_t n = 0;
    for (size_t l = 0; l < n_lists; l++)
        for (size_t i = 0; lists[l] && i < lists[l]->n; i++) {
            if (n == MAX_REQS)
                return true; /* more than any real placement: assume they can meet */
            all[n++] = &lists[l]->v[i];
        }
    bool done[MAX_REQS] = {false};
    const req *same[MAX_REQS];
    for (size_t i = 0; i < n; i++) {
        if (done[i])
            continue;
        size_t k = 0;
        for (size_t j = i; j < n; j++)
            if (!done[j] && strcmp(all[j]->key, all[i]->key) == 0) {
                done[j] = true;
                same[k++] = all[j];
            }
        if (!key_satisfiable(same, k))
            return false;
    }
    return true;
}

/* Could one node host both placements, by labels and names? */
static bool labels_compatible(const placement *a, const placement *b)
{
    if ((a->affinity && !a->n_terms) || (b->affinity && !b->n_terms))
        return false; /* one of them fits no node at all */
    size_t na = a->affinity ? a->n_terms : 1, nb = b->affinity ? b->n_terms : 1;
    for (size_t i = 0; i < na; i++)
        for (size_t j = 0; j < nb; j++) {
            const reqs *lists[4] = {&a->base, &b->base, a->affinity ? &a->terms[i] : NULL,
                                    b->affinity ? &b->terms[j] : NULL};
            if (satisfiable(lists, 4))
                return true;
        }
    return false;
}

/* ---- taints and tolerations ---- */

static bool blocking_effect(const char *effect)
{
    return effect && (strcmp(effect, "NoSchedule") == 0 || strcmp(effect, "NoExecute") == 0);
}

static bool tolerates(const placement *p, const char *key, const char *value, const char *effect)
{
    for (size_t i = 0; i < p->n_tol; i++) {
        const toleration *t = &p->tol[i];
        if (t->effect && (!effect || strcmp(t->effect, effect) != 0))
            continue;
        if (!t->key) {
            if (t->exists)
                return true; /* an empty key with Exists tolerates every taint */
            continue;
        }
        if (!key || strcmp(t->key, key) != 0)
            continue;
        if (t->exists)
            return true;
        if (strcmp(t->value ? t->value : "", value ? value : "") == 0)
            return true;
    }
    return false;
}

/* Does a tolerate a blocking taint that b does not? */
static bool tolerates_more(const placement *a, const placement *b)
{
    static const char *const effects[] = {"NoSchedule", "NoExecute"};
    for (size_t i = 0; i < a->n_tol; i++) {
        const toleration *t = &a->tol[i];
        for (size_t e = 0; e < 2; e++) {
            if (t->effect && strcmp(t->effect, effects[e]) != 0)
                continue;
            /* the taint this toleration admits, as specific as it allows */
            const char *key = t->key ? t->key : "\x01lockdown-any-key";
            const char *value =
                t->exists || !t->key ? "\x01lockdown-any-value" : (t->value ? t->value : "");
            if (!tolerates(b, key, value, effects[e]))
                return true;
        }
    }
    return false;
}

/* ---- nodes ---- */

static bool fits_node(const placement *p, const node *n)
{
    const char *node_name = ld_k8s_str(ld_yaml_get(p->spec, "nodeName"));
    if (node_name && *node_name && strcmp(node_name, n->name) != 0)
        return false;
    if (ld_k8s_node_selector_match(ld_yaml_get(p->spec, "nodeSelector"), &n->labels) !=
        LD_K8S_MATCH_YES)
        return false;
    if (p->affinity &&
        ld_k8s_node_terms_match(required_terms(p->spec), &n->labels, n->name) != LD_K8S_MATCH_YES)
        return false;
    const ld_yaml_node *taints = n->taints;
    for (size_t i = 0; taints && taints->kind == LD_YAML_SEQ && i < taints->n; i++) {
        const ld_yaml_node *t = taints->items[i];
        const char *effect = ld_k8s_str(ld_yaml_get(t, "effect"));
        if (!blocking_effect(effect))
            continue;
        if (!tolerates(p, ld_k8s_str(ld_yaml_get(t, "key")), ld_k8s_str(ld_yaml_get(t, "value")),
                       effect))
            return false;
    }
    return true;
}

/* ---- building the model ---- */

static size_t class_of(pin_ctx *c, const char *sensitivity)
{
    if (!sensitivity || !*sensitivity)
        return NO_CLASS;
    bool created = false;
    void **slot = ld_strmap_put(&c->class_ix, sensitivity, &created);
    if (created) {
        ld_xgrow(&c->classes, &c->cap_classes, c->n_classes + 1, sizeof(*c->classes));
        c->classes[c->n_classes++] = sensitivity;
        *slot = (void *)(uintptr_t)(c->n_classes - 1);
    }
    return (size_t)(uintptr_t)*slot;
}

static const char *class_name(const pin_ctx *c, size_t cls)
{
    return cls == NO_CLASS ? NULL : c->classes[cls];
}

/* The workload's sensitivity and where it was found. */
static const char *sensitivity_of(pin_ctx *c, const ld_k8s_pod *p, const char **source)
{
    const char *v = ld_k8s_meta_label(p->metadata, c->label);
    if (v && *v && p->metadata != ld_yaml_get(p->obj->root, "metadata")) {
        *source = "pod template label";
        return v;
    }
    v = ld_k8s_label(p->obj, c->label);
    if (v && *v) {
        *source = "label";
        return v;
    }
    const ld_k8s_ns *ns = ld_k8s_namespaces_get(&c->ns, ld_k8s_namespace(p->obj));
    if (ns && ns->sensitivity) {
        *source = "namespace label";
        return ns->sensitivity;
    }
    *source = NULL;
    return NULL;
}

static int build(pin_ctx *c)
{
    ld_k8s_owners owners = LD_K8S_OWNERS_INIT;
    ld_k8s_owners_build(&owners, c->s);
    ld_xgrow(&c->classes, &c->cap_classes, 1, sizeof(*c->classes));
    c->classes[c->n_classes++] = NULL;
    size_t n = ld_k8s_set_count(c->s);
    for (size_t i = 0; i < n; i++) {
        const ld_k8s_object *o = ld_k8s_set_object(c->s, i);
        if (strcmp(o->kind, "Node") == 0 && o->name[0]) {
            bool created = false;
            void **slot = ld_strmap_put(&c->node_ix, o->name, &created);
            if (!created)
                continue;
            ld_xgrow(&c->nodes, &c->cap_nodes, c->n_nodes + 1, sizeof(*c->nodes));
            node *nd = &c->nodes[c->n_nodes++];
            *nd = (node){.name = o->name,
                         .labels = {.map = ld_k8s_at(o->root, "metadata.labels")},
                         .taints = ld_k8s_at(o->root, "spec.taints")};
            *slot = (void *)(uintptr_t)c->n_nodes;
            continue;
        }
        ld_k8s_pod p;
        if (!ld_k8s_pod_of(o, &p) || ld_k8s_controller_in_set(&owners, o))
            continue;
        const char *ns = ld_k8s_namespace(o);
        if (ns && ld_k8s_system_namespace(ns))
            continue;
        ld_autofree char *sig = signature(p.spec);
        bool created = false;
        void **slot = ld_strmap_put(&c->placement_ix, sig, &created);
        if (created) {
            ld_xgrow(&c->p, &c->cap_p, c->n_p + 1, sizeof(*c->p));
            placement *pl = &c->p[c->n_p];
            memset(pl, 0, sizeof(*pl));
            if (!parse_placement(p.spec, pl)) {
                placement_clear(pl);
                *slot = (void *)(uintptr_t)SIZE_MAX; /* refused: its workloads are left out */
            } else {
                c->n_p++;
                *slot = (void *)(uintptr_t)c->n_p;
            }
        }
        if ((uintptr_t)*slot == (uintptr_t)SIZE_MAX) {
            ld_autofree char *id = ld_k8s_object_id(o);
            ld_findings_note(c->r,
                             "%s (%s:%d): its node selector, affinity or tolerations are not "
                             "valid (the API server would refuse them); left out of the host "
                             "pinning checks",
                             id, o->file, o->line);
            continue;
        }
        const char *source = NULL;
        const char *sens = sensitivity_of(c, &p, &source);
        ld_xgrow(&c->w, &c->cap_w, c->n_w + 1, sizeof(*c->w));
        c->w[c->n_w++] = (workload){.obj = o,
                                    .pod = p,
                                    .cls = class_of(c, sens),
                                    .source = source,
                                    .placement = (size_t)(uintptr_t)*slot - 1};
    }
    ld_k8s_owners_clear(&owners);
    /* which classes each placement holds */
    for (size_t i = 0; i < c->n_p; i++) {
        placement *pl = &c->p[i];
        pl->class_first = ld_xmalloc(c->n_classes * sizeof(*pl->class_first));
        pl->others = ld_xmalloc(c->n_classes * sizeof(*pl->others));
        for (size_t k = 0; k < c->n_classes; k++) {
            pl->class_first[k] = NONE;
            pl->others[k] = (shared){.workload = NONE, .status = LD_STATUS_PASS, .node = NULL};
        }
    }
    for (size_t i = 0; i < c->n_w; i++) {
        placement *pl = &c->p[c->w[i].placement];
        if (pl->class_first[c->w[i].cls] == NONE)
            pl->class_first[c->w[i].cls] = i;
        if (c->w[i].cls != NO_CLASS)
            pl->labelled = true;
    }
    return 0;
}

/* ---- k8s.pinning.unpinned ---- */

/* Does rs hold label In [sensitivity] and nothing else? */
static bool pins(const pin_ctx *c, const reqs *rs, const char *sensitivity)
{
    for (size_t i = 0; i < rs->n; i++) {
        const req *r = &rs->v[i];
        if (r->op != R_IN || strcmp(r->key, c->label) != 0)
            continue;
        bool only = r->n > 0;
        for (size_t k = 0; k < r->n; k++)
            only = only && strcmp(r->values[k], sensitivity) == 0;
        if (only)
            return true;
    }
    return false;
}

static bool pinned(const pin_ctx *c, const placement *pl, const char *sensitivity)
{
    if (pins(c, &pl->base, sensitivity))
        return true;
    if (pl->affinity && pl->n_terms) {
        bool every = true;
        for (size_t t = 0; t < pl->n_terms && every; t++)
            every = pins(c, &pl->terms[t], sensitivity);
        if (every)
            return true;
    }
    const char *node_name = ld_k8s_str(ld_yaml_get(pl->spec, "nodeName"));
    void *slot = node_name ? ld_strmap_get(&c->node_ix, node_name) : NULL;
    if (slot) {
        const node *n = &c->nodes[(uintptr_t)slot - 1];
        const char *v = ld_k8s_labels_get(&n->labels, c->label);
        return v && strcmp(v, sensitivity) == 0;
    }
    return false;
}

static int check_unpinned(pin_ctx *c, size_t *labelled)
{
    size_t judged = 0, failed = 0;
    for (size_t i = 0; i < c->n_w; i++) {
        const workload *w = &c->w[i];
        if (w->cls == NO_CLASS)
            continue;
        judged++;
        const placement *pl = &c->p[w->placement];
        const char *s = class_name(c, w->cls);
        if (pinned(c, pl, s))
            continue;
        failed++;
        ld_k8s_evlist has = LD_K8S_EVLIST_INIT;
        const ld_yaml_node *sel = ld_yaml_get(pl->spec, "nodeSelector");
        if (sel && sel->kind == LD_YAML_MAP && sel->n)
            ld_k8s_evlist_add(&has, "a nodeSelector without %s: %s", c->label, s);
        if (pl->affinity)
            ld_k8s_evlist_add(&has,
                              "required node affinity with %zu term(s), not each holding "
                              "%s In [%s]",
                              pl->n_terms, c->label, s);
        if (pl->n_tol)
            ld_k8s_evlist_add(&has,
                              "%zu toleration(s): a toleration admits a node, it does not "
                              "require one",
                              pl->n_tol);
        const char *node_name = ld_k8s_str(ld_yaml_get(pl->spec, "nodeName"));
        if (node_name && *node_name)
            ld_k8s_evlist_add(&has, "nodeName %s, %s", node_name,
                              ld_strmap_get(&c->node_ix, node_name)
                                  ? "a Node without that label"
                                  : "not among the Nodes in the inputs");
        int rc = ld_k8s_emit(
            c->r, ID_UNPINNED, LD_STATUS_FAIL, w->obj, sel ? sel : NULL, c->err,
            "sensitivity %s (%s %s) but %s.nodeSelector holds no %s: %s and no required node "
            "affinity term pins it to nodes labelled so%s%s%s: it can be scheduled on any node",
            s, w->source, c->label, w->pod.path, c->label, s, has.items ? " (it has " : "",
            has.items ? ld_k8s_evlist_text(&has) : "", has.items ? ")" : "");
        ld_k8s_evlist_clear(&has);
        if (rc < 0)
            return rc;
    }
    *labelled = judged;
    if (!judged)
        return ld_k8s_verdict(c->r, ID_UNPINNED, c->s, 0, 0, c->err,
                              "no workload (pod template, workload or namespace) carries the "
                              "sensitivity label %s",
                              c->label);
    return ld_k8s_verdict(c->r, ID_UNPINNED, c->s, judged, failed, c->err,
                          "%zu workload%s with a sensitivity, each pinned to nodes of it", judged,
                          PLURAL(judged));
}

/* ---- k8s.pinning.mixing ---- */

static void record(placement *pl, size_t cls, size_t example, ld_status st, const char *node_name)
{
    shared *sh = &pl->others[cls];
    if (sh->workload == NONE || (sh->status == LD_STATUS_WARN && st == LD_STATUS_FAIL))
        *sh = (shared){.workload = example, .status = st, .node = node_name};
}

/* The one class a placement holds, or NONE when it holds several. */
static size_t single_class(const pin_ctx *c, const placement *p)
{
    size_t found = NONE;
    for (size_t k = 0; k < c->n_classes; k++)
        if (p->class_first[k] != NONE) {
            if (found != NONE)
                return NONE;
            found = k;
        }
    return found;
}

/* Fills others of every labelled placement from the constraints alone.
 * False when the pair budget ran out. */
static bool mix_symbolic(pin_ctx *c)
{
    size_t pairs = 0;
    for (size_t i = 0; i < c->n_p; i++) {
        placement *a = &c->p[i];
        if (!a->labelled)
            continue;
        size_t only = single_class(c, a);
        for (size_t j = 0; j < c->n_p; j++) {
            const placement *b = &c->p[j];
            /* nothing to learn from a placement of a's one class */
            if (only != NONE && j != i && single_class(c, b) == only)
                continue;
            if (++pairs > LD_K8S_PINNING_PAIR_BUDGET)
                return false;
            if (!labels_compatible(a, b))
                continue;
            ld_status st =
                tolerates_more(a, b) || tolerates_more(b, a) ? LD_STATUS_WARN : LD_STATUS_FAIL;
            for (size_t k = 0; k < c->n_classes; k++)
                if (b->class_first[k] != NONE)
                    record(a, k, b->class_first[k], st, NULL);
        }
    }
    return true;
}

/* Fills others of every labelled placement from the Node objects. */
static void mix_on_nodes(pin_ctx *c)
{
    size_t words = (c->n_nodes + 63) / 64;
    uint64_t *fits = ld_xcalloc(c->n_p * words + 1, sizeof(uint64_t));
    size_t *first = ld_xmalloc((c->n_nodes * c->n_classes + 1) * sizeof(size_t));
    for (size_t k = 0; k < c->n_nodes * c->n_classes; k++)
        first[k] = NONE;
    for (size_t i = 0; i < c->n_p; i++)
        for (size_t n = 0; n < c->n_nodes; n++) {
            if (!fits_node(&c->p[i], &c->nodes[n]))
                continue;
            fits[i * words + n / 64] |= (uint64_t)1 << (n % 64);
            for (size_t k = 0; k < c->n_classes; k++)
                if (c->p[i].class_first[k] != NONE && first[n * c->n_classes + k] == NONE)
                    first[n * c->n_classes + k] = c->p[i].class_first[k];
        }
    for (size_t i = 0; i < c->n_p; i++) {
        placement *a = &c->p[i];
        if (!a->labelled)
            continue;
        for (size_t n = 0; n < c->n_nodes; n++) {
            if (!(fits[i * words + n / 64] & ((uint64_t)1 << (n % 64))))
                continue;
            for (size_t k = 0; k < c->n_classes; k++)
                if (first[n * c->n_classes + k] != NONE)
                    record(a, k, first[n * c->n_classes + k], LD_STATUS_FAIL, c->nodes[n].name);
        }
    }
    free(fits);
    free(first);
}

static int check_mixing(pin_ctx *c, size_t labelled)
{
    if (!labelled)
        return ld_k8s_verdict(c->r, ID_MIXING, c->s, 0, 0, c->err,
                              "no workload (pod template, workload or namespace) carries the "
                              "sensitivity label %s",
                              c->label);
    if (c->n_nodes && c->n_p > LD_K8S_PINNING_NODE_BUDGET / c->n_nodes)
        return ld_findings_check(c->r, ID_MIXING, LD_STATUS_ERROR, LD_TARGET_K8S, "scan",
                                 ld_k8s_set_inputs(c->s), c->err,
                                 "%zu distinct placements on %zu Nodes are more than lockdown "
                                 "matches (%zu placement and Node pairs at most)",
                                 c->n_p, c->n_nodes, LD_K8S_PINNING_NODE_BUDGET);
    if (c->n_nodes)
        mix_on_nodes(c);
    else if (!mix_symbolic(c))
        return ld_findings_check(c->r, ID_MIXING, LD_STATUS_ERROR, LD_TARGET_K8S, "scan",
                                 ld_k8s_set_inputs(c->s), c->err,
                                 "%zu distinct placements are more than lockdown compares "
                                 "without Node objects (%zu pairs at most): add the Node "
                                 "objects (kubectl get nodes -o yaml) to judge on them",
                                 c->n_p, LD_K8S_PINNING_PAIR_BUDGET);
    size_t failed = 0;
    for (size_t i = 0; i < c->n_w; i++) {
        const workload *w = &c->w[i];
        if (w->cls == NO_CLASS)
            continue;
        const placement *pl = &c->p[w->placement];
        ld_k8s_evlist with = LD_K8S_EVLIST_INIT;
        ld_status st = LD_STATUS_WARN;
        for (size_t k = 0; k < c->n_classes; k++) {
            const shared *sh = &pl->others[k];
            if (k == w->cls || sh->workload == NONE)
                continue;
            ld_autofree char *id = ld_k8s_object_id(c->w[sh->workload].obj);
            const char *other = class_name(c, k);
            if (sh->node)
                ld_k8s_evlist_add(&with, "%s (%s%s) on node %s", id,
                                  other ? "sensitivity " : "no sensitivity label",
                                  other ? other : "", sh->node);
            else
                ld_k8s_evlist_add(&with, "%s (%s%s)", id,
                                  other ? "sensitivity " : "no sensitivity label",
                                  other ? other : "");
            if (sh->status == LD_STATUS_FAIL)
                st = LD_STATUS_FAIL;
        }
        if (!with.items)
            continue;
        failed++;
        const char *s = class_name(c, w->cls);
        int rc;
        if (c->n_nodes)
            rc = ld_k8s_emit(c->r, ID_MIXING, st, w->obj, NULL, c->err,
                             "sensitivity %s (%s %s) can share a node with %s; judged on the "
                             "%zu Node%s in the inputs (labels, names and NoSchedule/NoExecute "
                             "taints)",
                             s, w->source, c->label, ld_k8s_evlist_text(&with), c->n_nodes,
                             PLURAL(c->n_nodes));
        else if (st == LD_STATUS_FAIL)
            rc = ld_k8s_emit(c->r, ID_MIXING, st, w->obj, NULL, c->err,
                             "sensitivity %s (%s %s) can share a node with %s: a node could "
                             "satisfy the nodeSelector, nodeName and required node affinity of "
                             "both, and no taint could keep one of them off (their tolerations "
                             "admit the same taints)",
                             s, w->source, c->label, ld_k8s_evlist_text(&with));
        else
            rc = ld_k8s_emit(c->r, ID_MIXING, st, w->obj, NULL, c->err,
                             "sensitivity %s (%s %s) can share a node with %s unless taints keep "
                             "them apart: their node constraints are compatible and their "
                             "tolerations differ, but the inputs hold no Node objects to show "
                             "the taints (add kubectl get nodes -o yaml)",
                             s, w->source, c->label, ld_k8s_evlist_text(&with));
        ld_k8s_evlist_clear(&with);
        if (rc < 0)
            return rc;
    }
    if (c->n_nodes)
        return ld_k8s_verdict(c->r, ID_MIXING, c->s, labelled, failed, c->err,
                              "%zu workload%s with a sensitivity on %zu Node%s, none sharing a "
                              "node with another sensitivity",
                              labelled, PLURAL(labelled), c->n_nodes, PLURAL(c->n_nodes));
    return ld_k8s_verdict(c->r, ID_MIXING, c->s, labelled, failed, c->err,
                          "%zu workload%s with a sensitivity, whose node constraints keep each "
                          "apart from every other sensitivity (no Node objects in the inputs)",
                          labelled, PLURAL(labelled));
}

int ld_k8s_pinning_family(ld_findings *r, const ld_k8s_set *s, const ld_k8s_scan_options *o,
                          ld_error *err)
{
    pin_ctx c = {.r = r, .s = s, .o = o, .err = err};
    c.label = o->sensitivity_label && *o->sensitivity_label ? o->sensitivity_label
                                                            : LD_K8S_DEFAULT_SENSITIVITY_LABEL;
    ld_k8s_namespaces_build(&c.ns, s, c.label);
    int rc = build(&c);
    size_t labelled = 0;
    if (rc == 0)
        rc = check_unpinned(&c, &labelled);
    if (rc == 0)
        rc = check_mixing(&c, labelled);
    for (size_t i = 0; i < c.n_p; i++)
        placement_clear(&c.p[i]);
    free(c.p);
    free(c.w);
    free(c.nodes);
    free(c.classes);
    ld_strmap_clear(&c.class_ix);
    ld_strmap_clear(&c.placement_ix);
    ld_strmap_clear(&c.node_ix);
    ld_k8s_namespaces_clear(&c.ns);
    return rc;
}
