/* The network segmentation family (k8s/netpol.h): indexes the namespaces
 * and their NetworkPolicies once, then judges namespaces, pods and
 * policies. The NetworkPolicy semantics followed (networking.k8s.io/v1):
 * an absent podSelector is the empty selector (every pod of the
 * namespace); policyTypes, when absent, is Ingress plus Egress when the
 * policy has an egress section; a rule without peers admits every peer and
 * one without ports every port; a peer without namespaceSelector stays in
 * the policy's namespace; a namespaceSelector {} selects every namespace. */
#include "k8s/netpol.h"

#include <stdint.h>
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

#define ID_DENY_INGRESS "k8s.network.default-deny-ingress"
#define ID_DENY_EGRESS "k8s.network.default-deny-egress"
#define ID_UNSELECTED "k8s.network.unselected-pods"
#define ID_EGRESS_OPEN "k8s.network.egress-open"
#define ID_CROSS "k8s.network.cross-sensitivity"

/* "s" for a count other than one, for the summaries */
#define PLURAL(n) ((n) == 1 ? "" : "s")
#define POLICIES(n) ((n) == 1 ? "NetworkPolicy" : "NetworkPolicies")

typedef struct {
    const ld_k8s_object *obj;
    const ld_yaml_node *pod_selector; /* NULL: absent, the empty selector */
    bool selects_all;
    bool ingress, egress; /* the directions the policy isolates */
} np_policy;

typedef struct {
    np_policy *v;
    size_t n, cap;
    const ld_k8s_object *deny_ingress, *deny_egress; /* a default-deny policy, or NULL */
    bool selects_all;                                /* some policy selects every pod */
} np_ns;

typedef struct {
    ld_findings *r;
    const ld_k8s_set *s;
    const ld_k8s_scan_options *o;
    ld_error *err;
    ld_k8s_namespaces ns;
    np_ns *per_ns; /* parallel to ns.v */
    size_t policies;
} np_ctx;

static bool empty_seq(const ld_yaml_node *n)
{
    return !n || ld_k8s_is_null(n) || (n->kind == LD_YAML_SEQ && n->n == 0);
}

/* A peer that admits every pod of every namespace, or every address. */
static bool peer_admits_all(const ld_yaml_node *peer)
{
    const ld_yaml_node *ns = ld_yaml_get(peer, "namespaceSelector");
    const ld_yaml_node *pods = ld_yaml_get(peer, "podSelector");
    if (ns && ld_k8s_selector_selects_all(ns) &&
        (!pods || ld_k8s_is_null(pods) || ld_k8s_selector_selects_all(pods)))
        return true;
    const ld_yaml_node *block = ld_yaml_get(peer, "ipBlock");
    const char *cidr = ld_k8s_str(ld_yaml_get(block, "cidr"));
    const char *slash = cidr ? strrchr(cidr, '/') : NULL;
    return slash && strcmp(slash, "/0") == 0 && empty_seq(ld_yaml_get(block, "except"));
}

/* A rule that admits every peer on every port: no peers (everyone), or a
 * peer that admits every pod of every namespace or every address, and
 * no ports (every port). */
static bool allows_all(const ld_yaml_node *rule, const char *peers_key)
{
    if (!rule || ld_k8s_is_null(rule))
        return true;
    if (rule->kind != LD_YAML_MAP || !empty_seq(ld_yaml_get(rule, "ports")))
        return false;
    const ld_yaml_node *peers = ld_yaml_get(rule, peers_key);
    if (empty_seq(peers))
        return true;
    for (size_t i = 0; peers->kind == LD_YAML_SEQ && i < peers->n; i++)
        if (peer_admits_all(peers->items[i]))
            return true;
    return false;
}

/* The rule of egress-open: no `to` and no ports at all. */
static bool no_peers_no_ports(const ld_yaml_node *rule)
{
    return !rule || ld_k8s_is_null(rule) ||
           (rule->kind == LD_YAML_MAP && empty_seq(ld_yaml_get(rule, "to")) &&
            empty_seq(ld_yaml_get(rule, "ports")));
}

/* Does no rule of one direction admit everything? */
static bool denies(const ld_yaml_node *rules, const char *peers_key)
{
    if (empty_seq(rules))
        return true;
    if (rules->kind != LD_YAML_SEQ)
        return false;
    for (size_t i = 0; i < rules->n; i++)
        if (allows_all(rules->items[i], peers_key))
            return false;
    return true;
}

static void policy_types(const ld_k8s_object *o, bool *ingress, bool *egress)
{
    const ld_yaml_node *types = ld_k8s_at(o->root, "spec.policyTypes");
    if (empty_seq(types) || types->kind != LD_YAML_SEQ) {
        const ld_yaml_node *eg = ld_k8s_at(o->root, "spec.egress");
        *ingress = true;
        *egress = eg && !ld_k8s_is_null(eg);
        return;
    }
    *ingress = *egress = false;
    for (size_t i = 0; i < types->n; i++) {
        const char *t = ld_k8s_str(types->items[i]);
        if (t && strcmp(t, "Ingress") == 0)
            *ingress = true;
        else if (t && strcmp(t, "Egress") == 0)
            *egress = true;
    }
}

static size_t ns_index(const np_ctx *c, const ld_k8s_ns *ns)
{
    return (size_t)(ns - c->ns.v);
}

static void index_policies(np_ctx *c)
{
    c->per_ns = ld_xcalloc(c->ns.n ? c->ns.n : 1, sizeof(*c->per_ns));
    size_t n = ld_k8s_set_count(c->s);
    ld_k8s_labels nothing = {0};
    for (size_t i = 0; i < n; i++) {
        const ld_k8s_object *o = ld_k8s_set_object(c->s, i);
        if (strcmp(o->kind, "NetworkPolicy") != 0)
            continue;
        const ld_k8s_ns *ns = ld_k8s_namespaces_get(&c->ns, ld_k8s_namespace(o));
        if (!ns)
            continue;
        const ld_yaml_node *sel = ld_k8s_at(o->root, "spec.podSelector");
        if (sel && ld_k8s_selector_match(sel, &nothing) == LD_K8S_MATCH_INVALID) {
            ld_autofree char *id = ld_k8s_object_id(o);
            ld_findings_note(c->r,
                             "%s (%s:%d): spec.podSelector is not a valid label selector; the API "
                             "server would refuse the policy, so it is left out",
                             id, o->file, o->line);
            continue;
        }
        np_ns *pn = &c->per_ns[ns_index(c, ns)];
        ld_xgrow(&pn->v, &pn->cap, pn->n + 1, sizeof(*pn->v));
        np_policy *p = &pn->v[pn->n++];
        p->obj = o;
        p->pod_selector = sel && !ld_k8s_is_null(sel) ? sel : NULL;
        p->selects_all = !p->pod_selector || ld_k8s_selector_selects_all(p->pod_selector);
        policy_types(o, &p->ingress, &p->egress);
        c->policies++;
        if (!p->selects_all)
            continue;
        pn->selects_all = true;
        if (p->ingress && !pn->deny_ingress && denies(ld_k8s_at(o->root, "spec.ingress"), "from"))
            pn->deny_ingress = o;
        if (p->egress && !pn->deny_egress && denies(ld_k8s_at(o->root, "spec.egress"), "to"))
            pn->deny_egress = o;
    }
}

/* ---- k8s.network.default-deny-ingress / -egress ---- */

static int check_default_deny(np_ctx *c, bool egress)
{
    const char *id = egress ? ID_DENY_EGRESS : ID_DENY_INGRESS;
    const char *dir = egress ? "egress" : "ingress";
    size_t judged = 0, failed = 0;
    for (size_t i = 0; i < c->ns.n; i++) {
        const ld_k8s_ns *ns = &c->ns.v[i];
        if (ld_k8s_system_namespace(ns->name))
            continue;
        judged++;
        const np_ns *pn = &c->per_ns[i];
        if (egress ? pn->deny_egress != NULL : pn->deny_ingress != NULL)
            continue;
        failed++;
        int rc;
        if (pn->n == 0)
            rc = ld_k8s_emit(c->r, id, LD_STATUS_FAIL, ld_k8s_ns_target(ns), NULL, c->err,
                             "namespace %s has no NetworkPolicy at all: every pod in it %s",
                             ns->name,
                             egress ? "may open any connection" : "accepts any connection");
        else
            rc = ld_k8s_emit(c->r, id, LD_STATUS_FAIL, ld_k8s_ns_target(ns), NULL, c->err,
                             "namespace %s: none of its %zu %s denies all %s by "
                             "default (podSelector {}, policyTypes with %s, no %s rule that "
                             "admits everything)",
                             ns->name, pn->n, POLICIES(pn->n), dir, egress ? "Egress" : "Ingress",
                             dir);
        if (rc < 0)
            return rc;
    }
    if (!judged)
        return ld_k8s_verdict(c->r, id, c->s, 0, 0, c->err,
                              "no namespace other than the control plane's in the inputs");
    return ld_k8s_verdict(c->r, id, c->s, judged, failed, c->err,
                          "%zu namespace%s, each with a default-deny %s policy", judged,
                          PLURAL(judged), dir);
}

/* ---- k8s.network.unselected-pods ---- */

static int check_unselected(np_ctx *c, const ld_k8s_owners *owners)
{
    size_t judged = 0, failed = 0;
    size_t n = ld_k8s_set_count(c->s);
    for (size_t i = 0; i < n; i++) {
        const ld_k8s_object *o = ld_k8s_set_object(c->s, i);
        ld_k8s_pod p;
        if (!ld_k8s_pod_of(o, &p) || ld_k8s_controller_in_set(owners, o))
            continue;
        const char *ns_name = ld_k8s_namespace(o);
        const ld_k8s_ns *ns = ld_k8s_namespaces_get(&c->ns, ns_name);
        if (!ns || ld_k8s_system_namespace(ns->name))
            continue;
        judged++;
        const np_ns *pn = &c->per_ns[ns_index(c, ns)];
        if (pn->selects_all)
            continue;
        ld_k8s_labels labels = {.map = ld_yaml_get(p.metadata, "labels")};
        bool selected = false;
        for (size_t k = 0; k < pn->n && !selected; k++)
            selected = ld_k8s_selector_match(pn->v[k].pod_selector, &labels) == LD_K8S_MATCH_YES;
        if (selected)
            continue;
        failed++;
        ld_k8s_evlist shown = LD_K8S_EVLIST_INIT;
        const ld_yaml_node *lm = labels.map;
        for (size_t k = 0; lm && lm->kind == LD_YAML_MAP && k < lm->n; k++)
            ld_k8s_evlist_add(&shown, "%s=%s", lm->keys[k]->value,
                              ld_k8s_labels_get(&labels, lm->keys[k]->value)
                                  ? ld_k8s_labels_get(&labels, lm->keys[k]->value)
                                  : "?");
        /* the labels sit beside the spec: spec.template.spec -> spec.template.metadata */
        size_t pl = strlen(p.path);
        ld_autofree char *where = pl > 5 && strcmp(p.path + pl - 5, ".spec") == 0
                                      ? ld_xasprintf("%.*s.metadata.labels", (int)(pl - 5), p.path)
                                      : ld_xstrdup("metadata.labels");
        int rc;
        if (pn->n == 0)
            rc = ld_k8s_emit(c->r, ID_UNSELECTED, LD_STATUS_FAIL, o, lm, c->err,
                             "no NetworkPolicy in namespace %s: the pod (%s {%s}) accepts and "
                             "opens any connection",
                             ns->name, where, ld_k8s_evlist_text(&shown));
        else
            rc = ld_k8s_emit(c->r, ID_UNSELECTED, LD_STATUS_FAIL, o, lm, c->err,
                             "none of the %zu %s of namespace %s selects the pod (%s {%s})", pn->n,
                             POLICIES(pn->n), ns->name, where, ld_k8s_evlist_text(&shown));
        ld_k8s_evlist_clear(&shown);
        if (rc < 0)
            return rc;
    }
    if (!judged)
        return ld_k8s_verdict(c->r, ID_UNSELECTED, c->s, 0, 0, c->err,
                              "no pod spec outside the control plane's namespaces in the inputs");
    return ld_k8s_verdict(c->r, ID_UNSELECTED, c->s, judged, failed, c->err,
                          "%zu pod spec%s, each selected by a NetworkPolicy", judged,
                          PLURAL(judged));
}

/* ---- k8s.network.egress-open ---- */

static bool everywhere_cidr(const char *cidr)
{
    const char *slash = cidr ? strrchr(cidr, '/') : NULL;
    return slash && strcmp(slash, "/0") == 0;
}

/* "443/TCP, 53/UDP" or "every port"; caller frees. */
static char *ports_text(const ld_yaml_node *ports)
{
    if (empty_seq(ports) || ports->kind != LD_YAML_SEQ)
        return ld_xstrdup("every port");
    ld_k8s_evlist l = LD_K8S_EVLIST_INIT;
    for (size_t i = 0; i < ports->n; i++) {
        const char *port = ld_k8s_str(ld_yaml_get(ports->items[i], "port"));
        const char *end = ld_k8s_str(ld_yaml_get(ports->items[i], "endPort"));
        const char *proto = ld_k8s_str(ld_yaml_get(ports->items[i], "protocol"));
        ld_k8s_evlist_add(&l, "%s%s%s/%s", port ? port : "any", end ? "-" : "", end ? end : "",
                          proto ? proto : "TCP");
    }
    char *t = ld_xstrdup(ld_k8s_evlist_text(&l));
    ld_k8s_evlist_clear(&l);
    return t;
}

static int check_egress_open(np_ctx *c)
{
    size_t judged = 0, failed = 0;
    for (size_t i = 0; i < c->ns.n; i++) {
        const np_ns *pn = &c->per_ns[i];
        for (size_t k = 0; k < pn->n; k++) {
            const np_policy *p = &pn->v[k];
            if (!p->egress)
                continue;
            judged++;
            const ld_yaml_node *rules = ld_k8s_at(p->obj->root, "spec.egress");
            if (!rules || rules->kind != LD_YAML_SEQ)
                continue;
            ld_k8s_evlist bad = LD_K8S_EVLIST_INIT;
            const ld_yaml_node *at = NULL;
            for (size_t r = 0; r < rules->n; r++) {
                const ld_yaml_node *rule = rules->items[r];
                if (no_peers_no_ports(rule)) {
                    ld_k8s_evlist_add(&bad,
                                      "spec.egress[%zu] has no `to` and no `ports`: every "
                                      "destination on every port",
                                      r);
                    at = at ? at : rule;
                    continue;
                }
                const ld_yaml_node *to = ld_yaml_get(rule, "to");
                for (size_t j = 0; to && to->kind == LD_YAML_SEQ && j < to->n; j++) {
                    const ld_yaml_node *block = ld_yaml_get(to->items[j], "ipBlock");
                    const ld_yaml_node *cidr = ld_yaml_get(block, "cidr");
                    if (!everywhere_cidr(ld_k8s_str(cidr)) ||
                        !empty_seq(ld_yaml_get(block, "except")))
                        continue;
                    ld_autofree char *ports = ports_text(ld_yaml_get(rule, "ports"));
                    ld_k8s_evlist_add(&bad,
                                      "spec.egress[%zu].to[%zu].ipBlock.cidr: %s without "
                                      "except (%s)",
                                      r, j, ld_k8s_str(cidr), ports);
                    at = at ? at : cidr;
                }
            }
            if (bad.items) {
                failed++;
                int rc = ld_k8s_emit(c->r, ID_EGRESS_OPEN, LD_STATUS_FAIL, p->obj, at, c->err,
                                     "%s: the selected pods may open connections to any "
                                     "address",
                                     ld_k8s_evlist_text(&bad));
                ld_k8s_evlist_clear(&bad);
                if (rc < 0)
                    return rc;
            }
        }
    }
    if (!judged)
        return ld_k8s_verdict(c->r, ID_EGRESS_OPEN, c->s, 0, 0, c->err,
                              "no NetworkPolicy restricting egress in the inputs");
    return ld_k8s_verdict(c->r, ID_EGRESS_OPEN, c->s, judged, failed, c->err,
                          "%zu %s restricting egress, none open to every address", judged,
                          POLICIES(judged));
}

/* ---- k8s.network.cross-sensitivity ---- */

/* Adds to bad what one peer list (ingress from / egress to) admits. */
static void cross_peers(np_ctx *c, const ld_k8s_ns *home, const ld_yaml_node *rules,
                        const char *dir, const char *peers_key, ld_k8s_evlist *bad,
                        const ld_yaml_node **at)
{
    for (size_t r = 0; rules && rules->kind == LD_YAML_SEQ && r < rules->n; r++) {
        const ld_yaml_node *peers = ld_yaml_get(rules->items[r], peers_key);
        for (size_t j = 0; peers && peers->kind == LD_YAML_SEQ && j < peers->n; j++) {
            const ld_yaml_node *sel = ld_yaml_get(peers->items[j], "namespaceSelector");
            if (!sel || ld_k8s_is_null(sel))
                continue; /* the policy's own namespace */
            if (ld_k8s_selector_selects_all(sel)) {
                ld_k8s_evlist_add(bad,
                                  "spec.%s[%zu].%s[%zu].namespaceSelector {} admits every "
                                  "namespace of the cluster",
                                  dir, r, peers_key, j);
                *at = *at ? *at : sel;
                continue;
            }
            for (size_t m = 0; m < c->ns.n; m++) {
                const ld_k8s_ns *other = &c->ns.v[m];
                if (other == home || ld_k8s_selector_match(sel, &other->labels) != LD_K8S_MATCH_YES)
                    continue;
                if (other->sensitivity && strcmp(other->sensitivity, home->sensitivity) == 0)
                    continue;
                ld_autofree char *text = ld_k8s_selector_text(sel);
                ld_k8s_evlist_add(bad,
                                  "spec.%s[%zu].%s[%zu].namespaceSelector (%s) admits "
                                  "namespace %s (%s%s)",
                                  dir, r, peers_key, j, text, other->name,
                                  other->sensitivity ? "sensitivity " : "no sensitivity label",
                                  other->sensitivity ? other->sensitivity : "");
                *at = *at ? *at : sel;
            }
        }
    }
}

static int check_cross_sensitivity(np_ctx *c)
{
    size_t judged = 0, failed = 0, labelled = 0;
    for (size_t i = 0; i < c->ns.n; i++) {
        const ld_k8s_ns *home = &c->ns.v[i];
        if (!home->sensitivity)
            continue;
        labelled++;
        const np_ns *pn = &c->per_ns[i];
        for (size_t k = 0; k < pn->n; k++) {
            const np_policy *p = &pn->v[k];
            judged++;
            ld_k8s_evlist bad = LD_K8S_EVLIST_INIT;
            const ld_yaml_node *at = NULL;
            if (p->ingress)
                cross_peers(c, home, ld_k8s_at(p->obj->root, "spec.ingress"), "ingress", "from",
                            &bad, &at);
            if (p->egress)
                cross_peers(c, home, ld_k8s_at(p->obj->root, "spec.egress"), "egress", "to", &bad,
                            &at);
            if (!bad.items)
                continue;
            failed++;
            int rc = ld_k8s_emit(c->r, ID_CROSS, LD_STATUS_FAIL, p->obj, at, c->err,
                                 "namespace %s has %s %s; %s", home->name, c->ns.sensitivity_label,
                                 home->sensitivity, ld_k8s_evlist_text(&bad));
            ld_k8s_evlist_clear(&bad);
            if (rc < 0)
                return rc;
        }
    }
    if (!labelled)
        return ld_k8s_verdict(c->r, ID_CROSS, c->s, 0, 0, c->err,
                              "no Namespace object in the inputs carries the sensitivity label "
                              "%s",
                              c->ns.sensitivity_label);
    if (!judged)
        return ld_k8s_verdict(c->r, ID_CROSS, c->s, 0, 0, c->err,
                              "no NetworkPolicy in the %zu namespaces labelled %s", labelled,
                              c->ns.sensitivity_label);
    return ld_k8s_verdict(c->r, ID_CROSS, c->s, judged, failed, c->err,
                          "%zu %s of %zu namespace%s labelled %s, none admitting another "
                          "sensitivity",
                          judged, POLICIES(judged), labelled, PLURAL(labelled),
                          c->ns.sensitivity_label);
}

int ld_k8s_network_family(ld_findings *r, const ld_k8s_set *s, const ld_k8s_scan_options *o,
                          ld_error *err)
{
    np_ctx c = {.r = r, .s = s, .o = o, .err = err};
    ld_k8s_namespaces_build(&c.ns, s, o->sensitivity_label);
    index_policies(&c);
    ld_k8s_owners owners = LD_K8S_OWNERS_INIT;
    ld_k8s_owners_build(&owners, s);
    int rc = check_default_deny(&c, false);
    if (rc == 0)
        rc = check_default_deny(&c, true);
    if (rc == 0)
        rc = check_unselected(&c, &owners);
    if (rc == 0)
        rc = check_egress_open(&c);
    if (rc == 0)
        rc = check_cross_sensitivity(&c);
    ld_k8s_owners_clear(&owners);
    for (size_t i = 0; i < c.ns.n; i++)
        free(c.per_ns[i].v);
    free(c.per_ns);
    ld_k8s_namespaces_clear(&c.ns);
    return rc;
}
