/* Effective RBAC permissions of an object set: roles, aggregation,
 * bindings, subjects and the authorizer's matching rules. See
 * rbac_model.h. Pure functions of the set; nothing here files findings
 * (rbac.c does) or prints (cmd_k8s_rbac.c does). */
#include "k8s/rbac_model.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "k8s/rbac_defaults.h"
#include "k8s/selector.h"
#include "util/mem.h"

#define RBAC_GROUP "rbac.authorization.k8s.io"
#define BOOTSTRAP_LABEL "kubernetes.io/bootstrapping"

struct ld_rbac_model {
    ld_k8s_set *defaults; /* the built-in default roles (owned) */
    ld_rbac_role *roles;  /* from the inputs, then built-ins not shadowed */
    size_t n_roles, n_input_roles, roles_cap;
    ld_rbac_role **by_id; /* every role, sorted by (cluster, namespace, name) */
    ld_rbac_binding *bindings;
    size_t n_bindings, bindings_cap;
    ld_strlist missing;
    ld_strlist builtin_used;
    ld_strlist notes;
    size_t effective_total; /* aggregated rule pointers kept, against the limit */
};

/* ---- small helpers ---- */

static const char *str_or_empty(const char *s)
{
    return s ? s : "";
}

static bool strs_has(const ld_rbac_strs *l, const char *s)
{
    for (size_t i = 0; i < l->n; i++)
        if (strcmp(l->v[i], s) == 0)
            return true;
    return false;
}

static bool strs_equal(const ld_rbac_strs *a, const ld_rbac_strs *b)
{
    if (a->n != b->n)
        return false;
    for (size_t i = 0; i < a->n; i++)
        if (strcmp(a->v[i], b->v[i]) != 0)
            return false;
    return true;
}

static bool rules_equal(const ld_rbac_rule *a, const ld_rbac_rule *b)
{
    return strs_equal(&a->api_groups, &b->api_groups) && strs_equal(&a->resources, &b->resources) &&
           strs_equal(&a->verbs, &b->verbs) && strs_equal(&a->resource_names, &b->resource_names) &&
           strs_equal(&a->non_resource_urls, &b->non_resource_urls);
}

/* The scalar items of a sequence node (others skipped: the API server
 * would refuse them, and they can grant nothing). */
static void read_strs(const ld_yaml_node *seq, ld_rbac_strs *out)
{
    out->v = NULL;
    out->n = 0;
    if (!seq || seq->kind != LD_YAML_SEQ || seq->n == 0)
        return;
    out->v = ld_xcalloc(seq->n, sizeof(*out->v));
    for (size_t i = 0; i < seq->n; i++) {
        const char *s = ld_k8s_str(seq->items[i]);
        if (s)
            out->v[out->n++] = s;
    }
}

static void free_rule(ld_rbac_rule *r)
{
    free(r->api_groups.v);
    free(r->resources.v);
    free(r->verbs.v);
    free(r->resource_names.v);
    free(r->non_resource_urls.v);
}

static bool is_rbac_object(const ld_k8s_object *o, const char *kind)
{
    size_t gl = strlen(RBAC_GROUP);
    return strcmp(o->kind, kind) == 0 && strncmp(o->api_version, RBAC_GROUP, gl) == 0 &&
           o->api_version[gl] == '/';
}

static bool is_bootstrap(const ld_k8s_object *o)
{
    const char *v = ld_k8s_label(o, BOOTSTRAP_LABEL);
    return v && strcmp(v, "rbac-defaults") == 0;
}

/* ---- roles ---- */

static void add_role(ld_rbac_model *m, const ld_k8s_object *o, bool builtin)
{
    ld_xgrow(&m->roles, &m->roles_cap, m->n_roles + 1, sizeof(*m->roles));
    ld_rbac_role *r = &m->roles[m->n_roles++];
    memset(r, 0, sizeof(*r));
    r->cluster = strcmp(o->kind, "ClusterRole") == 0;
    r->name = o->name;
    r->namespace_ = r->cluster ? NULL : ld_k8s_namespace(o);
    r->obj = o;
    r->builtin = builtin;
    r->bootstrap = is_bootstrap(o);
    r->aggregated = r->cluster && ld_k8s_at(o->root, "aggregationRule") != NULL;
    const ld_yaml_node *rules = ld_yaml_get(o->root, "rules");
    if (rules && rules->kind == LD_YAML_SEQ && rules->n) {
        r->rules = ld_xcalloc(rules->n, sizeof(*r->rules));
        for (size_t i = 0; i < rules->n; i++) {
            const ld_yaml_node *rn = rules->items[i];
            if (!rn || rn->kind != LD_YAML_MAP)
                continue;
            ld_rbac_rule *rule = &r->rules[r->n_rules++];
            rule->index = i;
            rule->node = rn;
            read_strs(ld_yaml_get(rn, "apiGroups"), &rule->api_groups);
            read_strs(ld_yaml_get(rn, "resources"), &rule->resources);
            read_strs(ld_yaml_get(rn, "verbs"), &rule->verbs);
            read_strs(ld_yaml_get(rn, "resourceNames"), &rule->resource_names);
            read_strs(ld_yaml_get(rn, "nonResourceURLs"), &rule->non_resource_urls);
        }
    }
}

static int cmp_role_key(bool cluster, const char *ns, const char *name, const ld_rbac_role *r)
{
    if (cluster != r->cluster)
        return cluster ? -1 : 1;
    int c = strcmp(str_or_empty(ns), str_or_empty(r->namespace_));
    if (c)
        return c;
    return strcmp(name, r->name);
}

static int cmp_role_ptr(const void *a, const void *b)
{
    const ld_rbac_role *x = *(ld_rbac_role *const *)a, *y = *(ld_rbac_role *const *)b;
    int c = cmp_role_key(x->cluster, x->namespace_, x->name, y);
    if (c)
        return c;
    /* the same role twice: inputs before built-ins, then input order */
    if (x->builtin != y->builtin)
        return x->builtin ? 1 : -1;
    return x < y ? -1 : x > y;
}

static const ld_rbac_role *lookup_role(const ld_rbac_model *m, bool cluster, const char *ns,
                                       const char *name)
{
    size_t lo = 0, hi = m->n_roles;
    while (lo < hi) { /* first role not below the key */
        size_t mid = lo + (hi - lo) / 2;
        if (cmp_role_key(cluster, ns, name, m->by_id[mid]) > 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo < m->n_roles && cmp_role_key(cluster, ns, name, m->by_id[lo]) == 0)
        return m->by_id[lo];
    return NULL;
}

const ld_rbac_role *ld_rbac_find_role(const ld_rbac_model *m, const char *kind,
                                      const char *namespace_, const char *name)
{
    if (!kind || !name)
        return NULL;
    if (strcmp(kind, "ClusterRole") == 0)
        return lookup_role(m, true, NULL, name);
    if (strcmp(kind, "Role") == 0 && namespace_)
        return lookup_role(m, false, namespace_, name);
    return NULL;
}

static bool aggregation_picks(const ld_rbac_role *agg, const ld_rbac_role *r)
{
    if (!r->cluster || r == agg || strcmp(r->name, agg->name) == 0)
        return false; /* the controller skips the role itself */
    const ld_yaml_node *sels = ld_k8s_at(agg->obj->root, "aggregationRule.clusterRoleSelectors");
    if (!sels || sels->kind != LD_YAML_SEQ)
        return false;
    /* a selector the API server would refuse selects nothing */
    ld_k8s_labels labels = {.map = ld_k8s_at(r->obj->root, "metadata.labels")};
    for (size_t i = 0; i < sels->n; i++)
        if (ld_k8s_selector_match(sels->items[i], &labels) == LD_K8S_MATCH_YES)
            return true;
    return false;
}

static uint64_t hash_strs(uint64_t h, const ld_rbac_strs *l)
{
    for (size_t i = 0; i < l->n; i++) {
        for (const unsigned char *p = (const unsigned char *)l->v[i]; *p; p++)
            h = (h ^ *p) * 1099511628211ULL; /* FNV-1a */
        h = (h ^ 0x1f) * 1099511628211ULL;
    }
    return (h ^ 0x1e) * 1099511628211ULL;
}

static uint64_t rule_hash(const ld_rbac_rule *r)
{
    uint64_t h = 1469598103934665603ULL;
    h = hash_strs(h, &r->api_groups);
    h = hash_strs(h, &r->resources);
    h = hash_strs(h, &r->verbs);
    h = hash_strs(h, &r->resource_names);
    return hash_strs(h, &r->non_resource_urls);
}

/* The rules an aggregated role grants, without repeats: a list plus an
 * open-addressing index of it (so a role aggregating many large roles
 * stays linear). */
typedef struct {
    const ld_rbac_rule **v;
    size_t n, cap;
    size_t *slots; /* index + 1 into v; 0: empty */
    size_t n_slots;
} rule_list;

static void rule_list_index(rule_list *l, size_t i)
{
    size_t s = (size_t)(rule_hash(l->v[i]) & (l->n_slots - 1));
    while (l->slots[s])
        s = (s + 1) & (l->n_slots - 1);
    l->slots[s] = i + 1;
}

/* false when the model's limit is reached (r not added) */
static bool rule_list_add_unique(ld_rbac_model *m, rule_list *l, const ld_rbac_rule *r)
{
    if (l->n_slots) {
        size_t s = (size_t)(rule_hash(r) & (l->n_slots - 1));
        for (; l->slots[s]; s = (s + 1) & (l->n_slots - 1)) {
            const ld_rbac_rule *have = l->v[l->slots[s] - 1];
            if (have == r || rules_equal(have, r))
                return true;
        }
    }
    if (m->effective_total >= LD_RBAC_MAX_EFFECTIVE_RULES)
        return false;
    m->effective_total++;
    ld_xgrow(&l->v, &l->cap, l->n + 1, sizeof(*l->v));
    l->v[l->n++] = r;
    if (l->n * 2 > l->n_slots) { /* keep the index at most half full */
        free(l->slots);
        l->n_slots = l->n_slots ? l->n_slots * 4 : 16;
        l->slots = ld_xcalloc(l->n_slots, sizeof(*l->slots));
        for (size_t i = 0; i < l->n; i++)
            rule_list_index(l, i);
    } else {
        rule_list_index(l, l->n - 1);
    }
    return true;
}

enum { AGG_TODO, AGG_BUSY, AGG_DONE };

/* Computes r->effective; state[] per role index guards aggregation cycles
 * (a role met again while being computed contributes its own rules). */
static void compute_effective(ld_rbac_model *m, ld_rbac_role *r, unsigned char *state)
{
    size_t idx = (size_t)(r - m->roles);
    if (state[idx] == AGG_DONE)
        return;
    state[idx] = AGG_BUSY;
    rule_list l = {0};
    size_t from_cap = 0;
    if (r->aggregated) {
        /* the controller takes the matching roles in name order (built-ins
         * shadowed by an input role of the same name were never added) */
        for (size_t k = 0; k < m->n_roles; k++) {
            ld_rbac_role *src = m->by_id[k];
            if (!aggregation_picks(r, src))
                continue;
            ld_xgrow(&r->aggregated_from, &from_cap, r->n_aggregated_from + 1,
                     sizeof(*r->aggregated_from));
            r->aggregated_from[r->n_aggregated_from++] = src;
            size_t sidx = (size_t)(src - m->roles);
            if (src->aggregated && state[sidx] == AGG_TODO)
                compute_effective(m, src, state);
            bool whole = src->aggregated && state[sidx] == AGG_DONE;
            size_t n = whole ? src->n_effective : src->n_rules;
            for (size_t j = 0; j < n; j++)
                if (!rule_list_add_unique(m, &l, whole ? src->effective[j] : &src->rules[j]))
                    r->truncated = true;
            r->truncated |= whole && src->truncated;
        }
    }
    /* the aggregation controller replaces an aggregated role's rules with
     * the union it computed: its own rules never take effect */
    for (size_t j = 0; !r->aggregated && j < r->n_rules; j++)
        if (!rule_list_add_unique(m, &l, &r->rules[j]))
            r->truncated = true;
    free(l.slots);
    r->effective = l.v;
    r->n_effective = l.n;
    state[idx] = AGG_DONE;
    if (r->truncated) {
        char *id = ld_rbac_role_id(r);
        ld_strlist_push_owned(&m->notes,
                              ld_xasprintf("%s: aggregation stopped at %d rules over all roles; "
                                           "what it grants is only partly known",
                                           id, LD_RBAC_MAX_EFFECTIVE_RULES));
        free(id);
    }
}

/* ---- bindings ---- */

static void add_binding(ld_rbac_model *m, const ld_k8s_object *o)
{
    ld_xgrow(&m->bindings, &m->bindings_cap, m->n_bindings + 1, sizeof(*m->bindings));
    ld_rbac_binding *b = &m->bindings[m->n_bindings++];
    memset(b, 0, sizeof(*b));
    b->cluster = strcmp(o->kind, "ClusterRoleBinding") == 0;
    b->name = o->name;
    b->namespace_ = b->cluster ? NULL : ld_k8s_namespace(o);
    b->obj = o;
    b->bootstrap = is_bootstrap(o);
    b->role_ref = ld_k8s_at(o->root, "roleRef");
    b->role_kind = str_or_empty(ld_k8s_str(ld_yaml_get(b->role_ref, "kind")));
    b->role_name = str_or_empty(ld_k8s_str(ld_yaml_get(b->role_ref, "name")));
    if (!b->role_ref || !b->role_name[0])
        b->invalid = "roleRef.name is missing";
    else if (strcmp(b->role_kind, "ClusterRole") != 0 && strcmp(b->role_kind, "Role") != 0)
        b->invalid = "roleRef.kind is neither Role nor ClusterRole";
    else if (b->cluster && strcmp(b->role_kind, "Role") == 0)
        b->invalid = "a ClusterRoleBinding cannot refer to a Role";
    const ld_yaml_node *subs = ld_yaml_get(o->root, "subjects");
    if (subs && subs->kind == LD_YAML_SEQ && subs->n) {
        b->subjects = ld_xcalloc(subs->n, sizeof(*b->subjects));
        for (size_t i = 0; i < subs->n; i++) {
            const ld_yaml_node *sn = subs->items[i];
            if (!sn || sn->kind != LD_YAML_MAP)
                continue;
            ld_rbac_subject *s = &b->subjects[b->n_subjects++];
            s->index = i;
            s->node = sn;
            s->kind_name = str_or_empty(ld_k8s_str(ld_yaml_get(sn, "kind")));
            s->name = str_or_empty(ld_k8s_str(ld_yaml_get(sn, "name")));
            if (strcmp(s->kind_name, "User") == 0)
                s->kind = LD_RBAC_USER;
            else if (strcmp(s->kind_name, "Group") == 0)
                s->kind = LD_RBAC_GROUP;
            else if (strcmp(s->kind_name, "ServiceAccount") == 0)
                s->kind = LD_RBAC_SERVICE_ACCOUNT;
            else
                s->kind = LD_RBAC_SUBJECT_UNKNOWN;
            if (s->kind == LD_RBAC_SERVICE_ACCOUNT) {
                const char *ns = ld_k8s_str(ld_yaml_get(sn, "namespace"));
                s->namespace_ = ns && ns[0] ? ns : b->namespace_;
            }
        }
    }
}

static void resolve_binding(ld_rbac_model *m, ld_rbac_binding *b)
{
    if (b->invalid)
        return;
    b->role = ld_rbac_find_role(m, b->role_kind, b->namespace_, b->role_name);
    if (b->role && b->role->builtin) {
        char *id = ld_rbac_role_id(b->role);
        if (!ld_strlist_contains(&m->builtin_used, id))
            ld_strlist_push(&m->builtin_used, id);
        free(id);
    }
    if (!b->role) {
        char *id = strcmp(b->role_kind, "Role") == 0
                       ? ld_xasprintf("Role/%s/%s", str_or_empty(b->namespace_), b->role_name)
                       : ld_xasprintf("ClusterRole/%s", b->role_name);
        if (!ld_strlist_contains(&m->missing, id))
            ld_strlist_push(&m->missing, id);
        free(id);
    }
}

static int cmp_str_ptr(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

ld_rbac_model *ld_rbac_model_build(const ld_k8s_set *s, ld_error *err)
{
    ld_rbac_model *m = ld_xcalloc(1, sizeof(*m));
    m->defaults = ld_k8s_set_new(NULL);
    if (ld_k8s_load_buffer(m->defaults, ld_rbac_defaults_name, ld_rbac_defaults_yaml,
                           strlen(ld_rbac_defaults_yaml), err) < 0) {
        ld_error_wrap(err, "%s", ld_rbac_defaults_name);
        ld_rbac_model_free(m);
        return NULL;
    }
    size_t n = s ? ld_k8s_set_count(s) : 0;
    for (size_t i = 0; i < n; i++) {
        const ld_k8s_object *o = ld_k8s_set_object(s, i);
        if (is_rbac_object(o, "Role") || is_rbac_object(o, "ClusterRole"))
            add_role(m, o, false);
    }
    m->n_input_roles = m->n_roles;
    /* built-ins the inputs do not define by the same name */
    for (size_t i = 0; i < ld_k8s_set_count(m->defaults); i++) {
        const ld_k8s_object *o = ld_k8s_set_object(m->defaults, i);
        bool shadowed = false;
        for (size_t k = 0; k < m->n_input_roles && !shadowed; k++)
            shadowed = m->roles[k].cluster && strcmp(m->roles[k].name, o->name) == 0;
        if (!shadowed && is_rbac_object(o, "ClusterRole"))
            add_role(m, o, true);
    }
    /* rules point back at their role only now: add_role may move roles */
    for (size_t k = 0; k < m->n_roles; k++)
        for (size_t j = 0; j < m->roles[k].n_rules; j++)
            m->roles[k].rules[j].role = &m->roles[k];
    m->by_id = ld_xcalloc(m->n_roles ? m->n_roles : 1, sizeof(*m->by_id));
    for (size_t k = 0; k < m->n_roles; k++)
        m->by_id[k] = &m->roles[k];
    if (m->n_roles > 1)
        qsort(m->by_id, m->n_roles, sizeof(*m->by_id), cmp_role_ptr);
    unsigned char *state = ld_xcalloc(m->n_roles ? m->n_roles : 1, 1);
    for (size_t k = 0; k < m->n_roles; k++)
        compute_effective(m, &m->roles[k], state);
    free(state);
    for (size_t i = 0; i < n; i++) {
        const ld_k8s_object *o = ld_k8s_set_object(s, i);
        if (is_rbac_object(o, "RoleBinding") || is_rbac_object(o, "ClusterRoleBinding"))
            add_binding(m, o);
    }
    for (size_t i = 0; i < m->n_bindings; i++)
        resolve_binding(m, &m->bindings[i]);
    /* qsort wants a non-null base even for no element */
    if (m->missing.n > 1)
        qsort(m->missing.v, m->missing.n, sizeof(*m->missing.v), cmp_str_ptr);
    if (m->builtin_used.n > 1)
        qsort(m->builtin_used.v, m->builtin_used.n, sizeof(*m->builtin_used.v), cmp_str_ptr);
    return m;
}

void ld_rbac_model_free(ld_rbac_model *m)
{
    if (!m)
        return;
    for (size_t k = 0; k < m->n_roles; k++) {
        ld_rbac_role *r = &m->roles[k];
        for (size_t j = 0; j < r->n_rules; j++)
            free_rule(&r->rules[j]);
        free(r->rules);
        free(r->effective);
        free(r->aggregated_from);
    }
    free(m->roles);
    free(m->by_id);
    for (size_t i = 0; i < m->n_bindings; i++)
        free(m->bindings[i].subjects);
    free(m->bindings);
    ld_strlist_clear(&m->missing);
    ld_strlist_clear(&m->builtin_used);
    ld_strlist_clear(&m->notes);
    ld_k8s_set_free(m->defaults);
    free(m);
}

size_t ld_rbac_role_count(const ld_rbac_model *m)
{
    return m->n_input_roles;
}
const ld_rbac_role *ld_rbac_role_at(const ld_rbac_model *m, size_t i)
{
    return i < m->n_input_roles ? &m->roles[i] : NULL;
}
size_t ld_rbac_binding_count(const ld_rbac_model *m)
{
    return m->n_bindings;
}
const ld_rbac_binding *ld_rbac_binding_at(const ld_rbac_model *m, size_t i)
{
    return i < m->n_bindings ? &m->bindings[i] : NULL;
}
const ld_strlist *ld_rbac_model_missing(const ld_rbac_model *m)
{
    return &m->missing;
}
const ld_strlist *ld_rbac_model_builtin_used(const ld_rbac_model *m)
{
    return &m->builtin_used;
}
const ld_strlist *ld_rbac_model_notes(const ld_rbac_model *m)
{
    return &m->notes;
}

/* ---- text ---- */

char *ld_rbac_role_id(const ld_rbac_role *r)
{
    return r->cluster ? ld_xasprintf("ClusterRole/%s", r->name)
                      : ld_xasprintf("Role/%s/%s", str_or_empty(r->namespace_), r->name);
}

char *ld_rbac_binding_id(const ld_rbac_binding *b)
{
    return b->cluster ? ld_xasprintf("ClusterRoleBinding/%s", b->name)
                      : ld_xasprintf("RoleBinding/%s/%s", str_or_empty(b->namespace_), b->name);
}

/* Items of one list a rule text shows; the rest are counted. */
#define RULE_TEXT_ITEMS 16
/* Characters of one item a rule text shows. */
#define RULE_TEXT_ITEM_MAX 100

/* Appends " key [a b c]" (the core group shown as ""); long lists and
 * items are cut, so evidence stays bounded whatever the input. */
static char *append_list(char *acc, const char *key, const ld_rbac_strs *l)
{
    ld_strlist parts = {0};
    for (size_t i = 0; i < l->n && i < RULE_TEXT_ITEMS; i++) {
        const char *v = l->v[i];
        if (!v[0])
            ld_strlist_push(&parts, "\"\"");
        else if (strlen(v) > RULE_TEXT_ITEM_MAX)
            ld_strlist_push_owned(&parts, ld_xasprintf("%.*s...", RULE_TEXT_ITEM_MAX, v));
        else
            ld_strlist_push(&parts, v);
    }
    if (l->n > RULE_TEXT_ITEMS)
        ld_strlist_push_owned(&parts, ld_xasprintf("(and %zu more)", l->n - RULE_TEXT_ITEMS));
    char *joined = ld_strlist_join(&parts, " ");
    char *out = ld_xasprintf("%s%s%s [%s]", acc, acc[0] ? " " : "", key, joined);
    free(joined);
    ld_strlist_clear(&parts);
    free(acc);
    return out;
}

char *ld_rbac_rule_text(const ld_rbac_rule *r)
{
    char *role = ld_rbac_role_id(r->role);
    char *acc = ld_xasprintf("%s rules[%zu]:", role, r->index);
    free(role);
    if (r->resources.n || r->api_groups.n) {
        acc = append_list(acc, "apiGroups", &r->api_groups);
        acc = append_list(acc, "resources", &r->resources);
    }
    if (r->resource_names.n)
        acc = append_list(acc, "resourceNames", &r->resource_names);
    if (r->non_resource_urls.n)
        acc = append_list(acc, "nonResourceURLs", &r->non_resource_urls);
    acc = append_list(acc, "verbs", &r->verbs);
    return acc;
}

char *ld_rbac_subject_text(const ld_rbac_subject *s)
{
    if (s->kind == LD_RBAC_SERVICE_ACCOUNT)
        return ld_xasprintf("ServiceAccount:%s:%s", s->namespace_ ? s->namespace_ : "?", s->name);
    return ld_xasprintf("%s:%s", s->kind_name[0] ? s->kind_name : "?", s->name);
}

/* ---- matching, as the authorizer does ---- */

static bool verb_matches(const ld_rbac_rule *r, const char *verb)
{
    return strs_has(&r->verbs, "*") || strs_has(&r->verbs, verb);
}

static bool group_matches(const ld_rbac_rule *r, const char *group)
{
    return strs_has(&r->api_groups, "*") || strs_has(&r->api_groups, group);
}

/* combined is "pods" or "pods/exec"; sub is "" or "exec". A rule resource
 * is "*", the exact combined name, or "*\/SUB" for any resource's SUB. */
static bool resource_matches(const ld_rbac_rule *r, const char *combined, const char *sub)
{
    size_t sl = strlen(sub);
    for (size_t i = 0; i < r->resources.n; i++) {
        const char *rr = r->resources.v[i];
        if (strcmp(rr, "*") == 0 || strcmp(rr, combined) == 0)
            return true;
        if (sl && strncmp(rr, "*/", 2) == 0 && strcmp(rr + 2, sub) == 0)
            return true;
    }
    return false;
}

static bool url_matches(const ld_rbac_rule *r, const char *url)
{
    for (size_t i = 0; i < r->non_resource_urls.n; i++) {
        const char *u = r->non_resource_urls.v[i];
        size_t ul = strlen(u);
        if (strcmp(u, "*") == 0 || strcmp(u, url) == 0)
            return true;
        if (ul && u[ul - 1] == '*' && strncmp(url, u, ul - 1) == 0)
            return true;
    }
    return false;
}

bool ld_rbac_rule_allows(const ld_rbac_rule *r, const ld_rbac_request *q, bool *limited)
{
    if (limited)
        *limited = false;
    if (!q->verb || !verb_matches(r, q->verb))
        return false;
    if (q->non_resource_url)
        return url_matches(r, q->non_resource_url);
    if (!q->resource || !group_matches(r, str_or_empty(q->api_group)))
        return false;
    const char *sub = str_or_empty(q->subresource);
    char *combined = sub[0] ? ld_xasprintf("%s/%s", q->resource, sub) : ld_xstrdup(q->resource);
    bool ok = resource_matches(r, combined, sub);
    free(combined);
    if (!ok)
        return false;
    if (r->resource_names.n == 0)
        return true;
    if (q->name && strs_has(&r->resource_names, q->name))
        return true;
    if (limited)
        *limited = true;
    return false;
}

/* ---- well-known resources ---- */

typedef struct {
    const char *group;
    const char *resource;
    bool cluster;
} known_resource;

/* The built-in API's resources: the group a bare name belongs to, and
 * whether it is cluster-scoped (facts of the Kubernetes API). */
static const known_resource known_resources[] = {
    {"", "pods", false},
    {"", "services", false},
    {"", "secrets", false},
    {"", "configmaps", false},
    {"", "serviceaccounts", false},
    {"", "endpoints", false},
    {"", "events", false},
    {"", "persistentvolumeclaims", false},
    {"", "replicationcontrollers", false},
    {"", "limitranges", false},
    {"", "resourcequotas", false},
    {"", "podtemplates", false},
    {"", "bindings", false},
    {"", "nodes", true},
    {"", "persistentvolumes", true},
    /* a Namespace object is cluster-scoped, but the API server files a
     * request for namespace N (/api/v1/namespaces/N) under namespace N: a
     * RoleBinding in N grants it */
    {"", "namespaces", false},
    {"", "componentstatuses", true},
    {"", "users", true},  /* impersonation */
    {"", "groups", true}, /* impersonation */
    {"apps", "deployments", false},
    {"apps", "daemonsets", false},
    {"apps", "statefulsets", false},
    {"apps", "replicasets", false},
    {"apps", "controllerrevisions", false},
    {"batch", "jobs", false},
    {"batch", "cronjobs", false},
    {"autoscaling", "horizontalpodautoscalers", false},
    {"policy", "poddisruptionbudgets", false},
    {"networking.k8s.io", "ingresses", false},
    {"networking.k8s.io", "networkpolicies", false},
    {"networking.k8s.io", "ingressclasses", true},
    {"discovery.k8s.io", "endpointslices", false},
    {"coordination.k8s.io", "leases", false},
    {"rbac.authorization.k8s.io", "roles", false},
    {"rbac.authorization.k8s.io", "rolebindings", false},
    {"rbac.authorization.k8s.io", "clusterroles", true},
    {"rbac.authorization.k8s.io", "clusterrolebindings", true},
    {"admissionregistration.k8s.io", "mutatingwebhookconfigurations", true},
    {"admissionregistration.k8s.io", "validatingwebhookconfigurations", true},
    {"admissionregistration.k8s.io", "validatingadmissionpolicies", true},
    {"admissionregistration.k8s.io", "validatingadmissionpolicybindings", true},
    {"certificates.k8s.io", "certificatesigningrequests", true},
    {"storage.k8s.io", "storageclasses", true},
    {"storage.k8s.io", "csidrivers", true},
    {"storage.k8s.io", "csinodes", true},
    {"storage.k8s.io", "volumeattachments", true},
    {"storage.k8s.io", "csistoragecapacities", false},
    {"apiextensions.k8s.io", "customresourcedefinitions", true},
    {"apiregistration.k8s.io", "apiservices", true},
    {"scheduling.k8s.io", "priorityclasses", true},
    {"node.k8s.io", "runtimeclasses", true},
    {"authentication.k8s.io", "tokenreviews", true},
    {"authentication.k8s.io", "selfsubjectreviews", true},
    {"authentication.k8s.io", "uids", true},
    {"authentication.k8s.io", "userextras", true},
    {"authorization.k8s.io", "subjectaccessreviews", true},
    {"authorization.k8s.io", "selfsubjectaccessreviews", true},
    {"authorization.k8s.io", "selfsubjectrulesreviews", true},
    {"authorization.k8s.io", "localsubjectaccessreviews", false},
    {"flowcontrol.apiserver.k8s.io", "flowschemas", true},
    {"flowcontrol.apiserver.k8s.io", "prioritylevelconfigurations", true},
    {"events.k8s.io", "events", false},
};

bool ld_rbac_cluster_scoped(const char *api_group, const char *resource)
{
    if (!resource)
        return false;
    for (size_t i = 0; i < sizeof(known_resources) / sizeof(known_resources[0]); i++)
        if (strcmp(known_resources[i].resource, resource) == 0 &&
            strcmp(known_resources[i].group, str_or_empty(api_group)) == 0)
            return known_resources[i].cluster;
    return false;
}

const char *ld_rbac_resource_group(const char *resource)
{
    if (!resource)
        return NULL;
    for (size_t i = 0; i < sizeof(known_resources) / sizeof(known_resources[0]); i++)
        if (strcmp(known_resources[i].resource, resource) == 0)
            return known_resources[i].group;
    return NULL;
}

bool ld_rbac_rule_reaches_namespaced(const ld_rbac_rule *r)
{
    for (size_t i = 0; i < r->resources.n; i++) {
        const char *res = r->resources.v[i];
        if (strcmp(res, "*") == 0 || strncmp(res, "*/", 2) == 0)
            return true;
        const char *slash = strchr(res, '/');
        char *base = slash ? ld_xstrndup(res, (size_t)(slash - res)) : ld_xstrdup(res);
        bool namespaced = false;
        for (size_t g = 0; g < r->api_groups.n && !namespaced; g++) {
            const char *group = r->api_groups.v[g];
            if (strcmp(group, "*") == 0)
                group = ld_rbac_resource_group(base);
            namespaced = !group || !ld_rbac_cluster_scoped(group, base);
        }
        free(base);
        if (namespaced)
            return true;
    }
    return false;
}

/* ---- identities ---- */

void ld_rbac_identity_clear(ld_rbac_identity *id)
{
    free(id->kind);
    free(id->user);
    free(id->display);
    ld_strlist_clear(&id->groups);
    memset(id, 0, sizeof(*id));
}

static void add_group(ld_rbac_identity *id, const char *g)
{
    if (!ld_strlist_contains(&id->groups, g))
        ld_strlist_push(&id->groups, g);
}

#define SA_USER_PREFIX "system:serviceaccount:"

static int set_service_account(ld_rbac_identity *id, const char *ns, size_t ns_len,
                               const char *name, const char *spec, ld_error *err)
{
    if (ns_len == 0 || !name[0] || strchr(name, ':'))
        return ld_error_set(err, LD_ERR_INVALID,
                            "subject \"%s\": a service account is serviceaccount:NAMESPACE:NAME",
                            spec);
    char *nsd = ld_xstrndup(ns, ns_len);
    id->kind = ld_xstrdup("ServiceAccount");
    id->user = ld_xasprintf(SA_USER_PREFIX "%s:%s", nsd, name);
    id->display = ld_xasprintf("ServiceAccount:%s:%s", nsd, name);
    add_group(id, "system:serviceaccounts");
    char *nsgroup = ld_xasprintf("system:serviceaccounts:%s", nsd);
    add_group(id, nsgroup);
    free(nsgroup);
    add_group(id, "system:authenticated");
    free(nsd);
    return 0;
}

int ld_rbac_identity_parse(const char *spec, const ld_strlist *extra_groups, ld_rbac_identity *out,
                           ld_error *err)
{
    memset(out, 0, sizeof(*out));
    const char *colon = spec ? strchr(spec, ':') : NULL;
    if (!colon)
        return ld_error_set(err, LD_ERR_INVALID,
                            "subject \"%s\" has no kind: write user:NAME, group:NAME or "
                            "serviceaccount:NAMESPACE:NAME",
                            spec ? spec : "");
    size_t kl = (size_t)(colon - spec);
    const char *rest = colon + 1;
    int rc = 0;
    if (strncmp(spec, SA_USER_PREFIX, strlen(SA_USER_PREFIX)) == 0) {
        /* the raw user name a service account authenticates as */
        const char *ns = spec + strlen(SA_USER_PREFIX);
        const char *c2 = strchr(ns, ':');
        rc = set_service_account(out, ns, c2 ? (size_t)(c2 - ns) : 0, c2 ? c2 + 1 : "", spec, err);
    } else if ((kl == 14 && strncasecmp(spec, "serviceaccount", kl) == 0) ||
               (kl == 2 && strncasecmp(spec, "sa", kl) == 0)) {
        const char *c2 = strchr(rest, ':');
        rc = set_service_account(out, rest, c2 ? (size_t)(c2 - rest) : 0, c2 ? c2 + 1 : "", spec,
                                 err);
    } else if (kl == 4 && strncasecmp(spec, "user", kl) == 0) {
        if (!rest[0])
            return ld_error_set(err, LD_ERR_INVALID, "subject \"%s\" names no user", spec);
        out->kind = ld_xstrdup("User");
        out->user = ld_xstrdup(rest);
        out->display = ld_xasprintf("User:%s", rest);
        add_group(out, strcmp(rest, "system:anonymous") == 0 ? "system:unauthenticated"
                                                             : "system:authenticated");
    } else if (kl == 5 && strncasecmp(spec, "group", kl) == 0) {
        if (!rest[0])
            return ld_error_set(err, LD_ERR_INVALID, "subject \"%s\" names no group", spec);
        out->kind = ld_xstrdup("Group");
        out->display = ld_xasprintf("Group:%s", rest);
        add_group(out, rest);
        return 0; /* a group query is that group alone: no extra groups */
    } else {
        return ld_error_set(err, LD_ERR_INVALID,
                            "subject \"%s\": unknown kind \"%.*s\" (user, group or serviceaccount)",
                            spec, (int)kl, spec);
    }
    if (rc < 0) {
        ld_rbac_identity_clear(out);
        return rc;
    }
    for (size_t i = 0; extra_groups && i < extra_groups->n; i++)
        add_group(out, extra_groups->v[i]);
    return 0;
}

bool ld_rbac_subject_applies(const ld_rbac_binding *b, const ld_rbac_subject *s,
                             const ld_rbac_identity *id)
{
    (void)b; /* the subject's namespace was defaulted from b when the model was built */
    switch (s->kind) {
    case LD_RBAC_USER: return id->user && strcmp(id->user, s->name) == 0;
    case LD_RBAC_GROUP: return ld_strlist_contains(&id->groups, s->name);
    case LD_RBAC_SERVICE_ACCOUNT: {
        if (!id->user || !s->namespace_ || !s->namespace_[0])
            return false;
        size_t pl = strlen(SA_USER_PREFIX), nl = strlen(s->namespace_);
        return strncmp(id->user, SA_USER_PREFIX, pl) == 0 &&
               strncmp(id->user + pl, s->namespace_, nl) == 0 && id->user[pl + nl] == ':' &&
               strcmp(id->user + pl + nl + 1, s->name) == 0;
    }
    default: return false;
    }
}

/* ---- grants ---- */

void ld_rbac_grants_clear(ld_rbac_grants *g)
{
    free(g->v);
    ld_strlist_clear(&g->unresolved);
    memset(g, 0, sizeof(*g));
}

static void grants_add(ld_rbac_grants *g, const ld_rbac_binding *b, const ld_rbac_subject *s,
                       const ld_rbac_rule *r, bool limited)
{
    if (g->n >= LD_RBAC_MAX_GRANTS) {
        g->dropped++;
        return;
    }
    ld_xgrow(&g->v, &g->cap, g->n + 1, sizeof(*g->v));
    g->v[g->n++] = (ld_rbac_grant){
        .binding = b, .subject = s, .rule = r, .namespace_ = b->namespace_, .limited = limited};
}

static void note_unresolved(ld_rbac_grants *g, const ld_rbac_binding *b)
{
    char *bid = ld_rbac_binding_id(b);
    char *line = b->invalid ? ld_xasprintf("%s (%s)", bid, b->invalid)
                            : ld_xasprintf("%s -> %s/%s (not in the inputs)", bid, b->role_kind,
                                           b->role_name);
    free(bid);
    if (ld_strlist_contains(&g->unresolved, line))
        free(line);
    else
        ld_strlist_push_owned(&g->unresolved, line);
}

/* Does binding b apply to requests in namespace ns (NULL: anywhere) for a
 * resource of that scope? */
static bool binding_in_scope(const ld_rbac_binding *b, const char *ns, bool cluster_only)
{
    if (b->cluster)
        return true;
    if (cluster_only)
        return false;
    return !ns || strcmp(str_or_empty(b->namespace_), ns) == 0;
}

static int subject_kind_rank(const ld_rbac_subject *s)
{
    return s ? (int)s->kind : -1;
}

static int cmp_grant(const void *a, const void *b)
{
    const ld_rbac_grant *x = a, *y = b;
    if ((x->namespace_ == NULL) != (y->namespace_ == NULL))
        return x->namespace_ == NULL ? -1 : 1;
    int c = strcmp(str_or_empty(x->namespace_), str_or_empty(y->namespace_));
    if (c)
        return c;
    c = subject_kind_rank(x->subject) - subject_kind_rank(y->subject);
    if (c)
        return c;
    if (x->subject && y->subject) {
        c = strcmp(str_or_empty(x->subject->namespace_), str_or_empty(y->subject->namespace_));
        if (!c)
            c = strcmp(x->subject->name, y->subject->name);
        if (c)
            return c;
    }
    if (x->binding->cluster != y->binding->cluster)
        return x->binding->cluster ? -1 : 1;
    c = strcmp(x->binding->name, y->binding->name);
    if (c)
        return c;
    if (x->binding != y->binding) /* two objects of one name: input order */
        return x->binding < y->binding ? -1 : 1;
    c = cmp_role_key(x->rule->role->cluster, x->rule->role->namespace_, x->rule->role->name,
                     y->rule->role);
    if (c)
        return c;
    if (x->rule->index != y->rule->index)
        return x->rule->index < y->rule->index ? -1 : 1;
    if (x->subject && y->subject && x->subject->index != y->subject->index)
        return x->subject->index < y->subject->index ? -1 : 1;
    return 0;
}

static int cmp_cstr(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int ld_rbac_who_can(const ld_rbac_model *m, const ld_rbac_request *q, const char *ns,
                    ld_rbac_grants *out, ld_error *err)
{
    (void)err;
    bool cluster_only =
        q->non_resource_url != NULL || ld_rbac_cluster_scoped(q->api_group, q->resource);
    for (size_t i = 0; i < m->n_bindings; i++) {
        const ld_rbac_binding *b = &m->bindings[i];
        if (!binding_in_scope(b, ns, cluster_only) || b->n_subjects == 0)
            continue;
        if (!b->role) {
            note_unresolved(out, b);
            continue;
        }
        for (size_t j = 0; j < b->role->n_effective; j++) {
            const ld_rbac_rule *r = b->role->effective[j];
            bool limited = false;
            bool ok = ld_rbac_rule_allows(r, q, &limited);
            if (!ok && !limited)
                continue;
            for (size_t k = 0; k < b->n_subjects; k++) {
                const ld_rbac_subject *s = &b->subjects[k];
                /* unknown kinds, and service accounts without a namespace
                 * (on a ClusterRoleBinding), match nobody */
                if (s->kind == LD_RBAC_SUBJECT_UNKNOWN ||
                    (s->kind == LD_RBAC_SERVICE_ACCOUNT && !s->namespace_))
                    continue;
                grants_add(out, b, s, r, !ok);
            }
        }
    }
    if (out->n > 1)
        qsort(out->v, out->n, sizeof(*out->v), cmp_grant);
    if (out->unresolved.n > 1)
        qsort(out->unresolved.v, out->unresolved.n, sizeof(*out->unresolved.v), cmp_cstr);
    return 0;
}

int ld_rbac_access(const ld_rbac_model *m, const ld_rbac_identity *id, const char *ns,
                   ld_rbac_grants *out, ld_error *err)
{
    (void)err;
    for (size_t i = 0; i < m->n_bindings; i++) {
        const ld_rbac_binding *b = &m->bindings[i];
        if (!binding_in_scope(b, ns, false))
            continue;
        bool applies = false;
        for (size_t k = 0; k < b->n_subjects && !applies; k++)
            applies = ld_rbac_subject_applies(b, &b->subjects[k], id);
        if (!applies)
            continue;
        if (!b->role) {
            note_unresolved(out, b);
            continue;
        }
        for (size_t j = 0; j < b->role->n_effective; j++) {
            const ld_rbac_rule *r = b->role->effective[j];
            /* a RoleBinding grants neither non-resource URLs nor
             * cluster-scoped resources */
            if (!b->cluster && !ld_rbac_rule_reaches_namespaced(r))
                continue;
            grants_add(out, b, NULL, r, r->resource_names.n > 0);
        }
    }
    if (out->n > 1)
        qsort(out->v, out->n, sizeof(*out->v), cmp_grant);
    if (out->unresolved.n > 1)
        qsort(out->unresolved.v, out->unresolved.n, sizeof(*out->unresolved.v), cmp_cstr);
    return 0;
}
