/* Effective RBAC permissions computed from an object set, the way the
 * Kubernetes RBAC authorizer decides: Roles and ClusterRoles (with
 * ClusterRole aggregation through aggregationRule.clusterRoleSelectors,
 * resolved transitively), RoleBindings and ClusterRoleBindings, subjects
 * (User, Group, ServiceAccount as the user
 * "system:serviceaccount:NS:NAME" in the groups system:serviceaccounts and
 * system:serviceaccounts:NS, every authenticated user in
 * system:authenticated, the anonymous user system:anonymous in
 * system:unauthenticated), resourceNames, nonResourceURLs, wildcards and
 * "*\/subresource" resources.
 *
 * A binding to a role that the inputs do not hold is resolved against
 * lockdown's copy of the Kubernetes default user-facing ClusterRoles
 * (cluster-admin, admin, edit, view and the system:aggregate-to-* roles
 * they aggregate; marked builtin) and otherwise left unresolved: its
 * permissions are unknown and every answer that depends on it says so
 * (ld_rbac_model_missing).
 *
 * What this is not: the Node authorizer, webhook authorizers, ABAC, or
 * the system:masters superuser group (granted outside RBAC). The model
 * borrows the set's trees: the set must outlive it. */
#ifndef LD_K8S_RBAC_MODEL_H
#define LD_K8S_RBAC_MODEL_H

#include <stdbool.h>
#include <stddef.h>

#include "core/error.h"
#include "k8s/manifest.h"
#include "util/strlist.h"

/* Borrowed strings of one list field of a rule ("verbs", ...). */
typedef struct {
    const char **v;
    size_t n;
} ld_rbac_strs;

typedef struct ld_rbac_role ld_rbac_role;

/* One entry of a role's rules list. */
typedef struct {
    const ld_rbac_role *role; /* the role whose object holds the rule (for an
                                 aggregated ClusterRole: the source role) */
    size_t index;             /* rules[index] in that role */
    const ld_yaml_node *node; /* the rule map (its line) */
    ld_rbac_strs api_groups, resources, verbs, resource_names, non_resource_urls;
} ld_rbac_rule;

struct ld_rbac_role {
    bool cluster; /* ClusterRole (else Role) */
    const char *name;
    const char *namespace_;   /* a Role's namespace; NULL for a ClusterRole */
    const ld_k8s_object *obj; /* in the inputs, or in the built-in set when builtin */
    bool builtin;             /* lockdown's copy of a Kubernetes default, not from the inputs */
    bool bootstrap;           /* labelled kubernetes.io/bootstrapping: rbac-defaults */
    bool aggregated;          /* has an aggregationRule */
    ld_rbac_rule *rules;      /* its own rules */
    size_t n_rules;
    /* What it grants, without repeats: its own rules; for an aggregated
     * ClusterRole instead the rules of every ClusterRole its selectors
     * pick, transitively, as the aggregation controller computes them (it
     * overwrites the role's own rules, so a live dump's copy and a
     * manifest's hand-written rules alike are ignored). In an aggregation
     * cycle a role met again contributes its own rules. */
    const ld_rbac_rule **effective;
    size_t n_effective;
    const ld_rbac_role **aggregated_from; /* the ClusterRoles it aggregates, by name */
    size_t n_aggregated_from;
    bool truncated; /* its aggregation passed LD_RBAC_MAX_EFFECTIVE_RULES: effective
                       holds only part of what it grants */
};

/* Aggregated rules kept over all roles of a model (hostile inputs: many
 * aggregated roles each picking many large roles). */
#define LD_RBAC_MAX_EFFECTIVE_RULES 2000000
/* Grants one who-can or access answer keeps; the rest are counted. */
#define LD_RBAC_MAX_GRANTS 1000000

typedef enum {
    LD_RBAC_USER,
    LD_RBAC_GROUP,
    LD_RBAC_SERVICE_ACCOUNT,
    LD_RBAC_SUBJECT_UNKNOWN, /* a kind the authorizer ignores */
} ld_rbac_subject_kind;

typedef struct {
    ld_rbac_subject_kind kind;
    const char *kind_name; /* as written ("" if absent) */
    const char *name;      /* "" if absent */
    /* ServiceAccount: subjects[i].namespace, defaulted to a RoleBinding's
     * namespace as the authorizer does; NULL when it has none (a
     * ClusterRoleBinding subject without namespace matches nobody) */
    const char *namespace_;
    size_t index; /* subjects[index] */
    const ld_yaml_node *node;
} ld_rbac_subject;

typedef struct {
    bool cluster; /* ClusterRoleBinding (else RoleBinding) */
    const char *name;
    const char *namespace_; /* a RoleBinding's namespace; NULL for a ClusterRoleBinding */
    const ld_k8s_object *obj;
    bool bootstrap;               /* labelled kubernetes.io/bootstrapping: rbac-defaults */
    const char *role_kind;        /* roleRef.kind ("" if absent) */
    const char *role_name;        /* roleRef.name ("" if absent) */
    const ld_yaml_node *role_ref; /* roleRef node (its line); may be NULL */
    const ld_rbac_role *role;     /* resolved; NULL when neither the inputs nor the
                                     built-in defaults hold it, or when invalid */
    const char *invalid;          /* why the API server would refuse it (a
                                     ClusterRoleBinding to a Role, no roleRef); NULL if valid */
    ld_rbac_subject *subjects;
    size_t n_subjects;
} ld_rbac_binding;

typedef struct ld_rbac_model ld_rbac_model;

/* Builds the model of every Role, ClusterRole, RoleBinding and
 * ClusterRoleBinding in s (objects of other kinds are ignored; rbac
 * objects of other API groups, such as a CRD's kind named Role, too).
 * Returns NULL with err set only on an internal failure (the built-in
 * defaults failing to parse). Caller frees with ld_rbac_model_free. */
ld_rbac_model *ld_rbac_model_build(const ld_k8s_set *s, ld_error *err);
void ld_rbac_model_free(ld_rbac_model *m);

size_t ld_rbac_role_count(const ld_rbac_model *m); /* roles from the inputs only */
const ld_rbac_role *ld_rbac_role_at(const ld_rbac_model *m, size_t i);
size_t ld_rbac_binding_count(const ld_rbac_model *m);
const ld_rbac_binding *ld_rbac_binding_at(const ld_rbac_model *m, size_t i);
/* The role named by kind ("Role"/"ClusterRole"), namespace (Roles only)
 * and name: from the inputs, else a built-in default ClusterRole; NULL. */
const ld_rbac_role *ld_rbac_find_role(const ld_rbac_model *m, const char *kind,
                                      const char *namespace_, const char *name);
/* Roles that bindings refer to and nobody defines, sorted and unique,
 * each "ClusterRole/NAME" or "Role/NS/NAME". */
const ld_strlist *ld_rbac_model_missing(const ld_rbac_model *m);
/* Built-in default roles some binding was resolved to ("ClusterRole/edit"). */
const ld_strlist *ld_rbac_model_builtin_used(const ld_rbac_model *m);
/* What a reader must know about the model (aggregation cut at the limit). */
const ld_strlist *ld_rbac_model_notes(const ld_rbac_model *m);

/* "Kind/name" or "Kind/namespace/name" of a role or binding (caller frees). */
char *ld_rbac_role_id(const ld_rbac_role *r);
char *ld_rbac_binding_id(const ld_rbac_binding *b);
/* A rule as one line: "ClusterRole/x rules[2]: apiGroups [\"\"] resources
 * [secrets] verbs [get list]" plus resourceNames / nonResourceURLs when
 * present (caller frees). */
char *ld_rbac_rule_text(const ld_rbac_rule *r);
/* A subject as "User:alice", "Group:dev", "ServiceAccount:ns:name". Caller frees. */
char *ld_rbac_subject_text(const ld_rbac_subject *s);

/* ---- requests ---- */

/* One API request as the authorizer sees it. For a resource request,
 * resource and api_group are set; non_resource_url is NULL. */
typedef struct {
    const char *verb;
    const char *api_group;        /* "" for the core group */
    const char *resource;         /* "pods" */
    const char *subresource;      /* "exec"; NULL or "" for none */
    const char *name;             /* the object's name; NULL: no particular object */
    const char *non_resource_url; /* "/healthz": a non-resource request */
} ld_rbac_request;

/* Does the rule allow the request, ignoring namespaces (bindings decide
 * those)? With q->name NULL a rule limited by resourceNames does not allow
 * it (as `kubectl auth can-i` without a name), but *limited is then set
 * to true when it would allow some named objects. limited may be NULL. */
bool ld_rbac_rule_allows(const ld_rbac_rule *r, const ld_rbac_request *q, bool *limited);

/* Is the well-known resource cluster-scoped (nodes, persistentvolumes,
 * namespaces, clusterroles, certificatesigningrequests,
 * *webhookconfigurations, ...)? RoleBindings never grant those. Unknown
 * resources are taken as namespaced. */
bool ld_rbac_cluster_scoped(const char *api_group, const char *resource);
/* Can rule grant something through a RoleBinding: a namespaced resource
 * (a wildcard, or a resource not known to be cluster-scoped in one of its
 * groups)? False for rules of non-resource URLs only. */
bool ld_rbac_rule_reaches_namespaced(const ld_rbac_rule *r);
/* The API group of a well-known resource given without one ("deployments"
 * -> "apps"); NULL when unknown (callers take the core group ""). */
const char *ld_rbac_resource_group(const char *resource);

/* ---- identities ---- */

/* Who asks: a user (with the groups the API server would give it) or a
 * bare group. */
typedef struct {
    char *kind; /* "User", "Group" or "ServiceAccount" */
    char *user; /* the user name the API server sees; NULL for a group */
    ld_strlist groups;
    char *display; /* "User:alice", "Group:dev", "ServiceAccount:ns:name" */
} ld_rbac_identity;

/* Parses SUBJECT: "user:NAME", "group:NAME", "serviceaccount:NS:NAME"
 * (also "sa:NS:NAME"), or the raw user name "system:serviceaccount:NS:NAME".
 * Kinds are case-insensitive. A user is put in system:authenticated
 * (system:anonymous in system:unauthenticated instead); a service account
 * also in system:serviceaccounts and system:serviceaccounts:NS; a group
 * query is that group alone. extra_groups (may be NULL) are added to a
 * user or service account (like kubectl --as-group). Returns 0, or
 * LD_ERR_USAGE-style < 0 with err saying what is wrong. */
int ld_rbac_identity_parse(const char *spec, const ld_strlist *extra_groups, ld_rbac_identity *out,
                           ld_error *err);
void ld_rbac_identity_clear(ld_rbac_identity *id);

/* Does binding b's subject s apply to the identity? */
bool ld_rbac_subject_applies(const ld_rbac_binding *b, const ld_rbac_subject *s,
                             const ld_rbac_identity *id);

/* ---- grants: who-can and access ---- */

/* One way a permission is granted: through binding (to subject) its
 * role's rule, in a namespace or cluster-wide. */
typedef struct {
    const ld_rbac_binding *binding;
    const ld_rbac_subject *subject; /* NULL in access answers */
    const ld_rbac_rule *rule;
    const char *namespace_; /* NULL: cluster-wide (ClusterRoleBinding) */
    bool limited;           /* only for the objects in rule->resource_names */
} ld_rbac_grant;

typedef struct {
    ld_rbac_grant *v;
    size_t n, cap;
    size_t dropped; /* grants past LD_RBAC_MAX_GRANTS, counted only */
    /* bindings that might grant it but whose role is unknown, "Kind/ns/name -> ClusterRole/x" */
    ld_strlist unresolved;
} ld_rbac_grants;

void ld_rbac_grants_clear(ld_rbac_grants *g);

/* Every (binding, subject, rule) granting q in namespace ns (NULL: in any
 * namespace or cluster-wide; a cluster-scoped resource or a non-resource
 * URL: ClusterRoleBindings only; subjects that match nobody — unknown
 * kinds, a ClusterRoleBinding's ServiceAccount without namespace — left
 * out). Rules limited to other names than q->name
 * are listed with limited set (q->name NULL: every names-limited rule that
 * matches otherwise). Sorted: cluster-wide first, then by namespace,
 * subject kind and name, binding, role, rule index. Bindings whose role is
 * unknown and that are in scope go to out->unresolved. Returns 0. */
int ld_rbac_who_can(const ld_rbac_model *m, const ld_rbac_request *q, const char *ns,
                    ld_rbac_grants *out, ld_error *err);

/* Every (binding, rule) that applies to id, in namespace ns (NULL: all
 * namespaces and cluster-wide); a RoleBinding's rules that can grant
 * nothing there (non-resource URLs, cluster-scoped resources only) are
 * left out. Sorted: cluster-wide first, then by
 * namespace, binding, role, rule index. Unknown roles go to
 * out->unresolved. Returns 0. */
int ld_rbac_access(const ld_rbac_model *m, const ld_rbac_identity *id, const char *ns,
                   ld_rbac_grants *out, ld_error *err);

#endif
