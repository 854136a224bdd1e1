/* The RBAC least-privilege checks (k8s.rbac.*): CIS Kubernetes Benchmark
 * v1.10 section 5.1 and NIST SP 800-190 4.3.1 (least privilege,
 * developers' access to production). Each permission check asks the RBAC
 * model (rbac_model.h) what every binding grants its subjects and files
 * one finding per binding that grants the sensitive permission, naming
 * the binding, its role, the rule and where the permission applies; role
 * checks (wildcards) file one finding per role. Bindings whose role the
 * inputs do not hold make the permission set incomplete: each check then
 * says so (needs review) instead of passing.
 *
 * Subjects judged: everyone except the Kubernetes components the API
 * server's own default bindings name (bindings labelled
 * kubernetes.io/bootstrapping=rbac-defaults, for their system:* users and
 * groups and kube-system service accounts) and system:masters (superuser
 * outside RBAC). The broad groups (system:authenticated,
 * system:unauthenticated, system:serviceaccounts[:NS]) and
 * system:anonymous are judged wherever they appear. Not for pods' own
 * token and service account settings (workload.c). */
#include "k8s/rbac.h"

#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "k8s/evlist.h"
#include "k8s/k8s_finding.h"
#include "k8s/rbac_model.h"
#include "util/mem.h"

#define CK_WILDCARDS "k8s.rbac.wildcards"
#define CK_CLUSTER_ADMIN "k8s.rbac.cluster-admin"
#define CK_SECRETS "k8s.rbac.secrets-read"
#define CK_CREATE_PODS "k8s.rbac.create-pods"
#define CK_POD_EXEC "k8s.rbac.pod-exec"
#define CK_DEFAULT_SA "k8s.rbac.default-service-account"
#define CK_TOKEN_AUTOMOUNT "k8s.rbac.sa-token-automount"
#define CK_ESCALATE "k8s.rbac.escalate-bind-impersonate"
#define CK_PV_CREATE "k8s.rbac.pv-create"
#define CK_NODES_PROXY "k8s.rbac.nodes-proxy"
#define CK_CSR_APPROVAL "k8s.rbac.csr-approval"
#define CK_WEBHOOKS "k8s.rbac.webhook-config"
#define CK_TOKEN_CREATE "k8s.rbac.sa-token-create"
#define CK_ANONYMOUS "k8s.rbac.anonymous"
#define CK_PRODUCTION "k8s.rbac.production-access"

#define PSS_ENFORCE_LABEL "pod-security.kubernetes.io/enforce"
#define SA_GROUP_PREFIX "system:serviceaccounts:"

typedef struct {
    ld_findings *r;
    const ld_k8s_set *s;
    const ld_k8s_scan_options *o;
    ld_rbac_model *m;
    ld_strlist privileged_ns; /* kube-system, and namespaces labelled enforce=privileged */
    size_t n_valid;           /* bindings the API server would accept */
    ld_error *err;
} rbac_ctx;

/* ---- subjects ---- */

static bool starts_with(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* Groups and users that stand for many identities at once. */
static bool subject_is_broad(const ld_rbac_subject *s)
{
    if (s->kind == LD_RBAC_USER)
        return strcmp(s->name, "system:anonymous") == 0;
    if (s->kind != LD_RBAC_GROUP)
        return false;
    return strcmp(s->name, "system:authenticated") == 0 ||
           strcmp(s->name, "system:unauthenticated") == 0 ||
           strcmp(s->name, "system:serviceaccounts") == 0 || starts_with(s->name, SA_GROUP_PREFIX);
}

static bool subject_is_anonymous(const ld_rbac_subject *s)
{
    return (s->kind == LD_RBAC_USER && strcmp(s->name, "system:anonymous") == 0) ||
           (s->kind == LD_RBAC_GROUP && strcmp(s->name, "system:unauthenticated") == 0);
}

/* A subject these checks leave alone (see the file comment). */
static bool subject_is_component(const ld_rbac_binding *b, const ld_rbac_subject *s)
{
    if (s->kind == LD_RBAC_SUBJECT_UNKNOWN ||
        (s->kind == LD_RBAC_SERVICE_ACCOUNT && !s->namespace_))
        return true; /* the authorizer matches nobody to it: it is granted nothing */
    if (s->kind == LD_RBAC_GROUP && strcmp(s->name, "system:masters") == 0)
        return true;
    if (!b->bootstrap || subject_is_broad(s))
        return false;
    if (s->kind == LD_RBAC_SERVICE_ACCOUNT)
        return s->namespace_ && strcmp(s->namespace_, "kube-system") == 0;
    return starts_with(s->name, "system:");
}

/* The judged subjects of b: texts in *list, whether any is broad or a
 * service account. Returns how many. */
typedef struct {
    ld_k8s_evlist list;
    size_t n;
    bool broad, service_account;
} subject_set;

static void judged_subjects(const ld_rbac_binding *b, subject_set *out)
{
    memset(out, 0, sizeof(*out));
    for (size_t i = 0; i < b->n_subjects; i++) {
        const ld_rbac_subject *s = &b->subjects[i];
        if (subject_is_component(b, s))
            continue;
        char *t = ld_rbac_subject_text(s);
        ld_k8s_evlist_add(&out->list, "%s", t);
        free(t);
        out->n++;
        out->broad |= subject_is_broad(s);
        out->service_account |= s->kind == LD_RBAC_SERVICE_ACCOUNT;
    }
}

/* ---- text ---- */

/* "ClusterRole/x (roles.yaml:3)", or "(built-in Kubernetes default)". Caller frees. */
static char *role_where(const ld_rbac_role *role)
{
    char *id = ld_rbac_role_id(role);
    char *out = role->builtin ? ld_xasprintf("%s (Kubernetes default role, not in the inputs)", id)
                              : ld_xasprintf("%s (%s:%d)", id, role->obj->file, role->obj->line);
    free(id);
    return out;
}

static bool namespace_privileged(const rbac_ctx *c, const char *ns)
{
    return ns && ld_strlist_contains(&c->privileged_ns, ns);
}

/* Where binding b's grants apply. Caller frees. */
static char *scope_text(const rbac_ctx *c, const ld_rbac_binding *b)
{
    if (b->cluster)
        return ld_xstrdup("in every namespace and cluster-wide");
    const char *ns = b->namespace_ ? b->namespace_ : "";
    if (!namespace_privileged(c, ns))
        return ld_xasprintf("in namespace %s", ns);
    return ld_xasprintf("in namespace %s (privileged: %s)", ns,
                        strcmp(ns, "kube-system") == 0 ? "the control plane's namespace"
                                                       : PSS_ENFORCE_LABEL "=privileged");
}

/* Evidence common to binding findings: "RoleBinding/ns/x binds Role/ns/r
 * (file:line) to A, B in namespace ns: <rule> grants WHAT (and N more
 * rules)". */
static int emit_binding(rbac_ctx *c, const char *check, ld_status st, const ld_rbac_binding *b,
                        subject_set *subs, const ld_rbac_rule *rule, size_t more, const char *what,
                        const char *tail)
{
    char *role = role_where(b->role);
    char *scope = scope_text(c, b);
    char *rule_txt = ld_rbac_rule_text(rule);
    char *rule_where =
        rule->role == b->role || rule->role->builtin
            ? ld_xstrdup("")
            : ld_xasprintf(" (%s:%d, aggregated)", rule->role->obj->file, rule->node->line);
    char *more_txt =
        more ? ld_xasprintf(" (and %zu more rule%s)", more, more == 1 ? "" : "s") : ld_xstrdup("");
    int rc = ld_k8s_emit(c->r, check, st, b->obj, b->role_ref, c->err,
                         "binds %s to %s %s: %s%s grants %s%s%s%s", role,
                         ld_k8s_evlist_text(&subs->list), scope, rule_txt, rule_where, what,
                         more_txt, tail ? "; " : "", tail ? tail : "");
    free(role);
    free(scope);
    free(rule_txt);
    free(rule_where);
    free(more_txt);
    return rc;
}

/* ---- permission checks ---- */

typedef struct {
    const char *verb, *group, *resource, *sub;
    bool names_count; /* a rule limited by resourceNames still counts (impersonating one
                         named user can be as good as any) */
} probe;

typedef enum {
    GATE_ALWAYS,     /* fail wherever it is granted */
    GATE_PRIVILEGED, /* fail cluster-wide, in privileged namespaces, or to broad groups */
    GATE_SECRETS,    /* fail cluster-wide or to broad groups; elsewhere needs review */
} gate_kind;

typedef struct {
    const char *id;
    const char *what;
    const probe *probes;
    size_t n_probes;
    gate_kind gate;
} perm_check;

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* A request a check asks about; PN: one whose resourceNames-limited rules count too. */
#define P(verb, group, res, sub)                                                                   \
    {                                                                                              \
        verb, group, res, sub, false                                                               \
    }
#define PN(verb, group, res, sub)                                                                  \
    {                                                                                              \
        verb, group, res, sub, true                                                                \
    }

static const probe secrets_probes[] = {
    P("get", "", "secrets", NULL), P("list", "", "secrets", NULL), P("watch", "", "secrets", NULL)};
static const probe create_pods_probes[] = {P("create", "", "pods", NULL)};
static const probe exec_probes[] = {P("create", "", "pods", "exec"), P("get", "", "pods", "exec"),
                                    P("create", "", "pods", "attach"),
                                    P("get", "", "pods", "attach")};
static const probe escalate_probes[] = {
    P("escalate", "rbac.authorization.k8s.io", "roles", NULL),
    P("escalate", "rbac.authorization.k8s.io", "clusterroles", NULL),
    P("bind", "rbac.authorization.k8s.io", "roles", NULL),
    P("bind", "rbac.authorization.k8s.io", "clusterroles", NULL),
    PN("impersonate", "", "users", NULL),
    PN("impersonate", "", "groups", NULL),
    PN("impersonate", "", "serviceaccounts", NULL),
    PN("impersonate", "authentication.k8s.io", "uids", NULL)};
static const probe pv_probes[] = {P("create", "", "persistentvolumes", NULL)};
static const probe nodes_proxy_probes[] = {
    P("get", "", "nodes", "proxy"), P("create", "", "nodes", "proxy"),
    P("update", "", "nodes", "proxy"), P("patch", "", "nodes", "proxy"),
    P("delete", "", "nodes", "proxy")};
static const probe csr_probes[] = {
    P("update", "certificates.k8s.io", "certificatesigningrequests", "approval"),
    P("patch", "certificates.k8s.io", "certificatesigningrequests", "approval")};
#define WEBHOOK_WRITES(res)                                                                        \
    P("create", "admissionregistration.k8s.io", res, NULL),                                        \
        P("update", "admissionregistration.k8s.io", res, NULL),                                    \
        P("patch", "admissionregistration.k8s.io", res, NULL),                                     \
        P("delete", "admissionregistration.k8s.io", res, NULL),                                    \
        P("deletecollection", "admissionregistration.k8s.io", res, NULL)
static const probe webhook_probes[] = {WEBHOOK_WRITES("mutatingwebhookconfigurations"),
                                       WEBHOOK_WRITES("validatingwebhookconfigurations")};
static const probe token_probes[] = {P("create", "", "serviceaccounts", "token")};

static const perm_check perm_checks[] = {
    {CK_SECRETS, "read of Secrets (get/list/watch)", secrets_probes, N(secrets_probes),
     GATE_SECRETS},
    {CK_CREATE_PODS, "create pods", create_pods_probes, N(create_pods_probes), GATE_PRIVILEGED},
    {CK_POD_EXEC, "exec or attach into pods (pods/exec, pods/attach)", exec_probes, N(exec_probes),
     GATE_PRIVILEGED},
    {CK_ESCALATE, "escalate, bind or impersonate", escalate_probes, N(escalate_probes),
     GATE_ALWAYS},
    {CK_PV_CREATE, "create persistentvolumes", pv_probes, N(pv_probes), GATE_ALWAYS},
    {CK_NODES_PROXY, "access to nodes/proxy (the kubelet API)", nodes_proxy_probes,
     N(nodes_proxy_probes), GATE_ALWAYS},
    {CK_CSR_APPROVAL, "update of certificatesigningrequests/approval", csr_probes, N(csr_probes),
     GATE_ALWAYS},
    {CK_WEBHOOKS, "writes to mutating/validating webhook configurations", webhook_probes,
     N(webhook_probes), GATE_ALWAYS},
    {CK_TOKEN_CREATE, "create serviceaccounts/token", token_probes, N(token_probes), GATE_ALWAYS},
};

/* Does rule grant one of pc's probes through binding b (a RoleBinding
 * grants no cluster-scoped resource)? */
static bool rule_grants(const perm_check *pc, const ld_rbac_binding *b, const ld_rbac_rule *rule)
{
    for (size_t i = 0; i < pc->n_probes; i++) {
        const probe *p = &pc->probes[i];
        if (!b->cluster && ld_rbac_cluster_scoped(p->group, p->resource))
            continue;
        ld_rbac_request q = {
            .verb = p->verb, .api_group = p->group, .resource = p->resource, .subresource = p->sub};
        bool limited = false;
        if (ld_rbac_rule_allows(rule, &q, &limited) || (p->names_count && limited))
            return true;
    }
    return false;
}

/* Could a binding of this scope grant anything pc looks at? */
static bool check_reachable(const perm_check *pc, const ld_rbac_binding *b)
{
    if (b->cluster)
        return true;
    for (size_t i = 0; i < pc->n_probes; i++)
        if (!ld_rbac_cluster_scoped(pc->probes[i].group, pc->probes[i].resource))
            return true;
    return false;
}

/* The needs-review verdict of a check whose answer depends on bindings to
 * roles the inputs do not hold. */
static int emit_unresolved(rbac_ctx *c, const char *check, ld_k8s_evlist *unresolved)
{
    if (!unresolved->items)
        return 0;
    bool one = unresolved->items == 1;
    return ld_findings_check(c->r, check, LD_STATUS_WARN, LD_TARGET_K8S, "scan",
                             ld_k8s_set_inputs(c->s), c->err,
                             "the permission set is incomplete: %zu binding%s to %s the inputs do "
                             "not hold, so what %s could not be judged: %s",
                             unresolved->items, one ? "" : "s", one ? "a role" : "roles",
                             one ? "it grants" : "they grant", ld_k8s_evlist_text(unresolved));
}

static void add_unresolved(ld_k8s_evlist *l, const ld_rbac_binding *b)
{
    char *bid = ld_rbac_binding_id(b);
    ld_k8s_evlist_add(l, "%s (%s:%d) -> %s/%s", bid, b->obj->file, b->obj->line, b->role_kind,
                      b->role_name);
    free(bid);
}

#define NO_BINDINGS "no RoleBinding or ClusterRoleBinding in the inputs"

/* The summary verdict of a check over bindings. */
static int binding_verdict(rbac_ctx *c, const char *check, size_t judged, size_t flagged,
                           const char *what)
{
    if (!judged)
        return ld_k8s_verdict(c->r, check, c->s, 0, flagged, c->err, NO_BINDINGS);
    return ld_k8s_verdict(c->r, check, c->s, judged, flagged, c->err,
                          "%zu binding%s judged: none grants %s", judged, judged == 1 ? "" : "s",
                          what);
}

static int run_perm_check(rbac_ctx *c, const perm_check *pc)
{
    size_t judged = 0, flagged = 0;
    ld_k8s_evlist unresolved = LD_K8S_EVLIST_INIT;
    int rc = 0;
    for (size_t i = 0; i < ld_rbac_binding_count(c->m) && rc == 0; i++) {
        const ld_rbac_binding *b = ld_rbac_binding_at(c->m, i);
        if (b->invalid)
            continue;
        judged++;
        if (!check_reachable(pc, b))
            continue;
        subject_set subs;
        judged_subjects(b, &subs);
        if (subs.n == 0) {
            ld_k8s_evlist_clear(&subs.list);
            continue;
        }
        if (!b->role) {
            add_unresolved(&unresolved, b);
            ld_k8s_evlist_clear(&subs.list);
            continue;
        }
        const ld_rbac_rule *first = NULL;
        size_t more = 0;
        for (size_t j = 0; j < b->role->n_effective; j++)
            if (rule_grants(pc, b, b->role->effective[j])) {
                if (first)
                    more++;
                else
                    first = b->role->effective[j];
            }
        if (first) {
            ld_status st = LD_STATUS_FAIL;
            const char *tail = NULL;
            if (pc->gate == GATE_PRIVILEGED && !b->cluster && !subs.broad &&
                !namespace_privileged(c, b->namespace_))
                st = LD_STATUS_PASS; /* an ordinary namespace: judged, nothing to say */
            else if (pc->gate == GATE_SECRETS && !b->cluster && !subs.broad) {
                st = LD_STATUS_WARN;
                tail = "every Secret of the namespace, service account tokens included: "
                       "review whether each subject needs it";
            }
            if (st != LD_STATUS_PASS) {
                if (st == LD_STATUS_FAIL && subs.broad)
                    tail = "a broad group or the anonymous user holds it";
                rc = emit_binding(c, pc->id, st, b, &subs, first, more, pc->what, tail);
                flagged++;
            }
        }
        ld_k8s_evlist_clear(&subs.list);
    }
    if (rc == 0)
        rc = emit_unresolved(c, pc->id, &unresolved);
    if (rc == 0)
        rc = binding_verdict(c, pc->id, judged, flagged + (unresolved.items ? 1 : 0), pc->what);
    ld_k8s_evlist_clear(&unresolved);
    return rc;
}

/* ---- cluster-admin and its equivalents (CIS 5.1.1) ---- */

/* Every verb on every resource of every group, for every object. */
static bool rule_is_superuser(const ld_rbac_rule *r)
{
    bool all_verbs = false, all_res = false, all_groups = false;
    for (size_t i = 0; i < r->verbs.n; i++)
        all_verbs |= strcmp(r->verbs.v[i], "*") == 0;
    for (size_t i = 0; i < r->resources.n; i++)
        all_res |= strcmp(r->resources.v[i], "*") == 0;
    for (size_t i = 0; i < r->api_groups.n; i++)
        all_groups |= strcmp(r->api_groups.v[i], "*") == 0;
    return all_verbs && all_res && all_groups && r->resource_names.n == 0;
}

static int check_cluster_admin(rbac_ctx *c)
{
    size_t judged = 0, flagged = 0;
    ld_k8s_evlist unresolved = LD_K8S_EVLIST_INIT;
    int rc = 0;
    for (size_t i = 0; i < ld_rbac_binding_count(c->m) && rc == 0; i++) {
        const ld_rbac_binding *b = ld_rbac_binding_at(c->m, i);
        if (b->invalid)
            continue;
        judged++;
        subject_set subs;
        judged_subjects(b, &subs);
        if (subs.n && !b->role)
            add_unresolved(&unresolved, b);
        const ld_rbac_rule *super = NULL;
        for (size_t j = 0; subs.n && b->role && j < b->role->n_effective && !super; j++)
            if (rule_is_superuser(b->role->effective[j]))
                super = b->role->effective[j];
        if (super) {
            bool bad = subs.service_account || subs.broad;
            rc = emit_binding(c, CK_CLUSTER_ADMIN, bad ? LD_STATUS_FAIL : LD_STATUS_WARN, b, &subs,
                              super, 0,
                              "every verb on every resource (cluster-admin or its equivalent)",
                              bad ? "service accounts, broad groups and the anonymous user must "
                                    "never hold it"
                                  : "only where required: review whether each subject needs it");
            flagged++;
        }
        ld_k8s_evlist_clear(&subs.list);
    }
    if (rc == 0)
        rc = emit_unresolved(c, CK_CLUSTER_ADMIN, &unresolved);
    if (rc == 0)
        rc = binding_verdict(c, CK_CLUSTER_ADMIN, judged, flagged + (unresolved.items ? 1 : 0),
                             "every verb on every resource");
    ld_k8s_evlist_clear(&unresolved);
    return rc;
}

/* ---- wildcards in roles (CIS 5.1.3) ---- */

static bool strs_has_star(const ld_rbac_strs *l)
{
    for (size_t i = 0; i < l->n; i++)
        if (strcmp(l->v[i], "*") == 0)
            return true;
    return false;
}

/* Does role's own rule take effect? An aggregated ClusterRole's rules are
 * overwritten by the aggregation controller with those of the roles it
 * picks (a live dump holds copies of them): those are judged in their own
 * roles. */
static bool rule_is_own(const ld_rbac_role *role, const ld_rbac_rule *rule)
{
    if (!role->aggregated)
        return true;
    for (size_t i = 0; i < role->n_effective; i++)
        if (role->effective[i] == rule)
            return true;
    return false;
}

static int check_wildcards(rbac_ctx *c)
{
    size_t judged = 0, flagged = 0, defaults = 0;
    int rc = 0;
    for (size_t i = 0; i < ld_rbac_role_count(c->m) && rc == 0; i++) {
        const ld_rbac_role *role = ld_rbac_role_at(c->m, i);
        if (role->bootstrap) {
            defaults++; /* the API server's own roles: reconciled at every start */
            continue;
        }
        judged++;
        ld_k8s_evlist ev = LD_K8S_EVLIST_INIT;
        const ld_yaml_node *at = NULL;
        for (size_t j = 0; j < role->n_rules; j++) {
            const ld_rbac_rule *rule = &role->rules[j];
            if (!rule_is_own(role, rule))
                continue;
            ld_strlist fields = {0};
            if (strs_has_star(&rule->api_groups))
                ld_strlist_push(&fields, "apiGroups");
            if (strs_has_star(&rule->resources))
                ld_strlist_push(&fields, "resources");
            if (strs_has_star(&rule->verbs))
                ld_strlist_push(&fields, "verbs");
            if (strs_has_star(&rule->non_resource_urls))
                ld_strlist_push(&fields, "nonResourceURLs");
            if (fields.n) {
                char *f = ld_strlist_join(&fields, ", ");
                char *t = ld_rbac_rule_text(rule);
                ld_k8s_evlist_add(&ev, "\"*\" in %s: %s", f, t);
                free(f);
                free(t);
                if (!at)
                    at = rule->node;
            }
            ld_strlist_clear(&fields);
        }
        if (ev.items) {
            rc = ld_k8s_emit(c->r, CK_WILDCARDS, LD_STATUS_FAIL, role->obj, at, c->err,
                             "%zu rule%s grant%s by wildcard (today's and every future resource "
                             "or verb): %s",
                             ev.items, ev.items == 1 ? "" : "s", ev.items == 1 ? "s" : "",
                             ld_k8s_evlist_text(&ev));
            flagged++;
        }
        ld_k8s_evlist_clear(&ev);
    }
    if (rc < 0)
        return rc;
    if (!judged && defaults)
        return ld_k8s_verdict(c->r, CK_WILDCARDS, c->s, 0, flagged, c->err,
                              "only the API server's own default roles (%zu) in the inputs",
                              defaults);
    if (!judged)
        return ld_k8s_verdict(c->r, CK_WILDCARDS, c->s, 0, flagged, c->err,
                              "no Role or ClusterRole in the inputs");
    if (defaults)
        return ld_k8s_verdict(c->r, CK_WILDCARDS, c->s, judged, flagged, c->err,
                              "%zu role%s judged (%zu Kubernetes default roles left out): none "
                              "uses a wildcard",
                              judged, judged == 1 ? "" : "s", defaults);
    return ld_k8s_verdict(c->r, CK_WILDCARDS, c->s, judged, flagged, c->err,
                          "%zu role%s judged: none uses a wildcard", judged,
                          judged == 1 ? "" : "s");
}

/* ---- service accounts (CIS 5.1.5, 5.1.6) ---- */

static bool is_service_account(const ld_k8s_object *o)
{
    return strcmp(o->kind, "ServiceAccount") == 0 && strcmp(o->api_version, "v1") == 0;
}

/* What automountServiceAccountToken says: 0 false, 1 true or absent
 * (*why says which), -1 not a boolean. */
static int automount_of(const ld_k8s_object *o, const ld_yaml_node **at, char **why)
{
    const ld_yaml_node *n = ld_yaml_get(o->root, "automountServiceAccountToken");
    *at = n;
    bool v = true;
    if (ld_k8s_is_null(n)) {
        *why = ld_xstrdup("automountServiceAccountToken is not set (it defaults to true)");
        return 1;
    }
    if (!ld_k8s_bool(n, &v)) {
        const char *t = ld_k8s_str(n);
        *why = ld_xasprintf("automountServiceAccountToken: %s%.60s%s is not a boolean (the API "
                            "server refuses the object)",
                            n->quoted ? "\"" : "", t ? t : "(not a scalar)", n->quoted ? "\"" : "");
        return -1;
    }
    if (v) {
        *why = ld_xstrdup("automountServiceAccountToken: true");
        return 1;
    }
    *why = NULL;
    return 0;
}

static int check_default_service_account(rbac_ctx *c)
{
    size_t judged = 0, flagged = 0, accounts = 0, bindings = 0;
    int rc = 0;
    for (size_t i = 0; i < ld_k8s_set_count(c->s) && rc == 0; i++) {
        const ld_k8s_object *o = ld_k8s_set_object(c->s, i);
        if (!is_service_account(o) || strcmp(o->name, "default") != 0)
            continue;
        judged++;
        accounts++;
        const ld_yaml_node *at = NULL;
        char *why = NULL;
        if (automount_of(o, &at, &why) != 0) {
            rc = ld_k8s_emit(c->r, CK_DEFAULT_SA, LD_STATUS_FAIL, o, at, c->err,
                             "%s: every pod of namespace %s that names no service account gets "
                             "this account's API token mounted",
                             why, ld_k8s_namespace(o));
            flagged++;
        }
        free(why);
    }
    for (size_t i = 0; i < ld_rbac_binding_count(c->m) && rc == 0; i++) {
        const ld_rbac_binding *b = ld_rbac_binding_at(c->m, i);
        if (b->invalid)
            continue;
        judged++;
        bindings++;
        ld_k8s_evlist defaults = LD_K8S_EVLIST_INIT;
        for (size_t k = 0; k < b->n_subjects; k++) {
            const ld_rbac_subject *s = &b->subjects[k];
            if (s->kind == LD_RBAC_SERVICE_ACCOUNT && strcmp(s->name, "default") == 0 &&
                !subject_is_component(b, s)) {
                char *t = ld_rbac_subject_text(s);
                ld_k8s_evlist_add(&defaults, "%s", t);
                free(t);
            }
        }
        if (defaults.items) {
            char *role =
                b->role ? role_where(b->role)
                        : ld_xasprintf("%s/%s (not in the inputs)", b->role_kind, b->role_name);
            char *scope = scope_text(c, b);
            rc = ld_k8s_emit(c->r, CK_DEFAULT_SA, LD_STATUS_FAIL, b->obj, b->role_ref, c->err,
                             "binds %s to the default service account %s %s: every pod that "
                             "names no service account runs with these permissions; bind a "
                             "dedicated service account instead",
                             role, ld_k8s_evlist_text(&defaults), scope);
            free(role);
            free(scope);
            flagged++;
        }
        ld_k8s_evlist_clear(&defaults);
    }
    if (rc < 0)
        return rc;
    if (!judged)
        return ld_k8s_verdict(c->r, CK_DEFAULT_SA, c->s, 0, flagged, c->err,
                              "no default ServiceAccount and no binding in the inputs");
    if (!accounts)
        return ld_k8s_verdict(c->r, CK_DEFAULT_SA, c->s, judged, flagged, c->err,
                              "%zu binding%s judged: none grants a default service account a "
                              "role (no default ServiceAccount object in the inputs, so its "
                              "automountServiceAccountToken was not seen)",
                              bindings, bindings == 1 ? "" : "s");
    return ld_k8s_verdict(c->r, CK_DEFAULT_SA, c->s, judged, flagged, c->err,
                          "%zu default service account%s and %zu binding%s judged: each sets "
                          "automountServiceAccountToken: false and none is granted a role",
                          accounts, accounts == 1 ? "" : "s", bindings, bindings == 1 ? "" : "s");
}

/* Is the service account of identity id named by some binding (other
 * than through system:authenticated, which every account is in)? */
static bool service_account_bound(const rbac_ctx *c, const ld_rbac_identity *id)
{
    for (size_t i = 0; i < ld_rbac_binding_count(c->m); i++) {
        const ld_rbac_binding *b = ld_rbac_binding_at(c->m, i);
        if (b->invalid)
            continue;
        for (size_t k = 0; k < b->n_subjects; k++) {
            const ld_rbac_subject *s = &b->subjects[k];
            if (s->kind == LD_RBAC_GROUP && strcmp(s->name, "system:authenticated") == 0)
                continue;
            if (ld_rbac_subject_applies(b, s, id))
                return true;
        }
    }
    return false;
}

static int check_token_automount(rbac_ctx *c)
{
    size_t judged = 0, flagged = 0;
    int rc = 0;
    for (size_t i = 0; i < ld_k8s_set_count(c->s) && rc == 0; i++) {
        const ld_k8s_object *o = ld_k8s_set_object(c->s, i);
        if (!is_service_account(o) || strcmp(o->name, "default") == 0)
            continue; /* the default account is CIS 5.1.5's */
        judged++;
        const ld_yaml_node *at = NULL;
        char *why = NULL;
        int am = automount_of(o, &at, &why);
        if (am == 0)
            continue;
        char *spec = ld_xasprintf("serviceaccount:%s:%s", ld_k8s_namespace(o), o->name);
        ld_rbac_identity id;
        ld_error perr = LD_ERROR_INIT;
        bool bound =
            ld_rbac_identity_parse(spec, NULL, &id, &perr) == 0 && service_account_bound(c, &id);
        ld_rbac_identity_clear(&id);
        free(spec);
        if (am < 0) {
            rc = ld_k8s_emit(c->r, CK_TOKEN_AUTOMOUNT, LD_STATUS_FAIL, o, at, c->err, "%s", why);
            flagged++;
        } else if (!bound && c->n_valid) {
            rc = ld_k8s_emit(c->r, CK_TOKEN_AUTOMOUNT, LD_STATUS_FAIL, o, at, c->err,
                             "%s, yet no RoleBinding or ClusterRoleBinding in the inputs grants "
                             "this account anything: its pods carry an API token they do not "
                             "need; set automountServiceAccountToken: false",
                             why);
            flagged++;
        } else if (!bound) {
            rc = ld_k8s_emit(c->r, CK_TOKEN_AUTOMOUNT, LD_STATUS_WARN, o, at, c->err,
                             "%s and the inputs hold no bindings: whether its pods need the "
                             "token could not be judged",
                             why);
            flagged++;
        }
        free(why);
    }
    if (rc < 0)
        return rc;
    if (!judged)
        return ld_k8s_verdict(c->r, CK_TOKEN_AUTOMOUNT, c->s, 0, flagged, c->err,
                              "no ServiceAccount other than default in the inputs");
    return ld_k8s_verdict(c->r, CK_TOKEN_AUTOMOUNT, c->s, judged, flagged, c->err,
                          "%zu service accounts judged: each either sets "
                          "automountServiceAccountToken: false or is granted permissions by a "
                          "binding",
                          judged);
}

/* ---- anonymous access ---- */

/* Anything beyond reading the health and version endpoints. */
static bool rule_grants_anonymous_access(const ld_rbac_binding *b, const ld_rbac_rule *r)
{
    if (r->resources.n)
        return true;
    if (!b->cluster || !r->non_resource_urls.n)
        return false; /* non-resource URLs are granted by ClusterRoleBindings only */
    if (strs_has_star(&r->non_resource_urls))
        return true;
    for (size_t i = 0; i < r->verbs.n; i++)
        if (strcmp(r->verbs.v[i], "get") != 0 && strcmp(r->verbs.v[i], "head") != 0)
            return true;
    return false;
}

static int check_anonymous(rbac_ctx *c)
{
    size_t judged = 0, flagged = 0;
    ld_k8s_evlist unresolved = LD_K8S_EVLIST_INIT;
    int rc = 0;
    for (size_t i = 0; i < ld_rbac_binding_count(c->m) && rc == 0; i++) {
        const ld_rbac_binding *b = ld_rbac_binding_at(c->m, i);
        if (b->invalid)
            continue;
        judged++;
        subject_set subs = {0};
        for (size_t k = 0; k < b->n_subjects; k++)
            if (subject_is_anonymous(&b->subjects[k])) {
                char *t = ld_rbac_subject_text(&b->subjects[k]);
                ld_k8s_evlist_add(&subs.list, "%s", t);
                free(t);
                subs.n++;
            }
        if (subs.n && !b->role)
            add_unresolved(&unresolved, b);
        const ld_rbac_rule *first = NULL;
        size_t more = 0;
        for (size_t j = 0; subs.n && b->role && j < b->role->n_effective; j++)
            if (rule_grants_anonymous_access(b, b->role->effective[j])) {
                if (first)
                    more++;
                else
                    first = b->role->effective[j];
            }
        if (first) {
            rc = emit_binding(c, CK_ANONYMOUS, LD_STATUS_FAIL, b, &subs, first, more,
                              "API access to anyone who does not authenticate", NULL);
            flagged++;
        }
        ld_k8s_evlist_clear(&subs.list);
    }
    if (rc == 0)
        rc = emit_unresolved(c, CK_ANONYMOUS, &unresolved);
    if (rc == 0)
        rc = binding_verdict(c, CK_ANONYMOUS, judged, flagged + (unresolved.items ? 1 : 0),
                             "API access beyond health and version endpoints to "
                             "system:anonymous or system:unauthenticated");
    ld_k8s_evlist_clear(&unresolved);
    return rc;
}

/* ---- developers' access to production (NIST 800-190 4.3.1, ORC-02) ---- */

static const char *const write_verbs[] = {"create",           "update",   "patch", "delete",
                                          "deletecollection", "escalate", "bind",  "impersonate"};

static bool rule_writes(const ld_rbac_rule *r)
{
    if (!ld_rbac_rule_reaches_namespaced(r))
        return false;
    for (size_t i = 0; i < r->verbs.n; i++) {
        if (strcmp(r->verbs.v[i], "*") == 0)
            return true;
        for (size_t k = 0; k < N(write_verbs); k++)
            if (strcmp(r->verbs.v[i], write_verbs[k]) == 0)
                return true;
    }
    return false;
}

static bool rule_execs(const ld_rbac_rule *r)
{
    static const char *const subs[] = {"exec", "attach", "portforward"};
    static const char *const verbs[] = {"create", "get"};
    for (size_t i = 0; i < N(subs); i++)
        for (size_t k = 0; k < N(verbs); k++) {
            ld_rbac_request q = {
                .verb = verbs[k], .api_group = "", .resource = "pods", .subresource = subs[i]};
            bool limited = false;
            if (ld_rbac_rule_allows(r, &q, &limited) || limited)
                return true;
        }
    return false;
}

static bool is_developer_subject(const ld_strlist *groups, const ld_rbac_subject *s)
{
    return s->kind == LD_RBAC_GROUP &&
           (ld_strlist_contains(groups, s->name) || strcmp(s->name, "system:authenticated") == 0);
}

/* Is ns one of the production namespaces (names or fnmatch(3) globs)? */
static bool in_production(const ld_strlist *prod, const char *ns)
{
    for (size_t i = 0; ns && i < prod->n; i++)
        if (fnmatch(prod->v[i], ns, 0) == 0)
            return true;
    return false;
}

static int check_production(rbac_ctx *c)
{
    const ld_strlist *prod = c->o->production_namespaces;
    const ld_strlist *devs = c->o->developer_groups;
    if (!prod || prod->n == 0)
        return ld_findings_check(c->r, CK_PRODUCTION, LD_STATUS_SKIPPED, LD_TARGET_K8S, "scan",
                                 ld_k8s_set_inputs(c->s), c->err,
                                 "the policy names no production namespaces "
                                 "(kubernetes.production-namespaces)");
    if (!devs || devs->n == 0)
        return ld_findings_check(c->r, CK_PRODUCTION, LD_STATUS_SKIPPED, LD_TARGET_K8S, "scan",
                                 ld_k8s_set_inputs(c->s), c->err,
                                 "the policy names no developer groups "
                                 "(kubernetes.developer-groups)");
    char *prod_list = ld_strlist_join(prod, ", ");
    char *dev_list = ld_strlist_join(devs, ", ");
    size_t judged = 0, flagged = 0;
    int rc = 0;
    for (size_t i = 0; i < ld_rbac_binding_count(c->m) && rc == 0; i++) {
        const ld_rbac_binding *b = ld_rbac_binding_at(c->m, i);
        if (b->invalid)
            continue;
        judged++;
        if (!b->cluster && !in_production(prod, b->namespace_))
            continue;
        subject_set subs = {0};
        for (size_t k = 0; k < b->n_subjects; k++)
            if (is_developer_subject(devs, &b->subjects[k])) {
                char *t = ld_rbac_subject_text(&b->subjects[k]);
                ld_k8s_evlist_add(&subs.list, "%s", t);
                free(t);
                subs.n++;
            }
        if (!subs.n)
            continue;
        char *where =
            b->cluster ? ld_xasprintf("in every namespace, the production namespaces %s included",
                                      prod_list)
                       : ld_xasprintf("in production namespace %s", b->namespace_);
        if (!b->role) {
            rc = ld_k8s_emit(c->r, CK_PRODUCTION, LD_STATUS_WARN, b->obj, b->role_ref, c->err,
                             "binds %s/%s, which the inputs do not hold, to developer group %s "
                             "%s: what it grants there could not be judged",
                             b->role_kind, b->role_name, ld_k8s_evlist_text(&subs.list), where);
            flagged++;
        } else {
            /* the first write rule names the finding; without one, the
             * first exec rule; the others are counted */
            const ld_rbac_rule *first_write = NULL, *first_exec = NULL;
            size_t matching = 0;
            for (size_t j = 0; j < b->role->n_effective; j++) {
                const ld_rbac_rule *r = b->role->effective[j];
                bool w = rule_writes(r), x = rule_execs(r);
                if (w && !first_write)
                    first_write = r;
                if (x && !first_exec)
                    first_exec = r;
                matching += w || x;
            }
            const ld_rbac_rule *first = first_write ? first_write : first_exec;
            bool exec = !first_write;
            size_t more = matching ? matching - 1 : 0;
            if (first) {
                char *tail = ld_xasprintf("developers have standing %s access %s; route "
                                          "production changes through a reviewed pipeline or "
                                          "time-limited break-glass access",
                                          exec ? "exec" : "write", where);
                rc = emit_binding(c, CK_PRODUCTION, LD_STATUS_FAIL, b, &subs, first, more,
                                  exec ? "exec, attach or port-forward into pods"
                                       : "write (create, update, patch, delete, escalate, bind or "
                                         "impersonate)",
                                  tail);
                free(tail);
                flagged++;
            }
        }
        free(where);
        ld_k8s_evlist_clear(&subs.list);
    }
    if (rc == 0) {
        if (!judged)
            rc = ld_k8s_verdict(c->r, CK_PRODUCTION, c->s, 0, flagged, c->err, NO_BINDINGS);
        else
            rc = ld_k8s_verdict(c->r, CK_PRODUCTION, c->s, judged, flagged, c->err,
                                "%zu binding%s judged: none gives the developer groups (%s) "
                                "write or exec in the production namespaces (%s)",
                                judged, judged == 1 ? "" : "s", dev_list, prod_list);
    }
    free(prod_list);
    free(dev_list);
    return rc;
}

/* ---- the family ---- */

static void collect_privileged_namespaces(rbac_ctx *c)
{
    ld_strlist_push(&c->privileged_ns, "kube-system");
    for (size_t i = 0; i < ld_k8s_set_count(c->s); i++) {
        const ld_k8s_object *o = ld_k8s_set_object(c->s, i);
        if (strcmp(o->kind, "Namespace") != 0 || strcmp(o->api_version, "v1") != 0)
            continue;
        const char *level = ld_k8s_label(o, PSS_ENFORCE_LABEL);
        if (level && strcmp(level, "privileged") == 0 &&
            !ld_strlist_contains(&c->privileged_ns, o->name))
            ld_strlist_push(&c->privileged_ns, o->name);
    }
}

static void note_model(rbac_ctx *c)
{
    const ld_strlist *missing = ld_rbac_model_missing(c->m);
    if (missing->n) {
        ld_k8s_evlist l = LD_K8S_EVLIST_INIT;
        for (size_t i = 0; i < missing->n; i++)
            ld_k8s_evlist_add(&l, "%s", missing->v[i]);
        ld_findings_note(c->r,
                         "RBAC: %zu role%s that bindings refer to %s not in the inputs (%s): what "
                         "%s grant%s is unknown, so the RBAC checks say \"needs review\"",
                         missing->n, missing->n == 1 ? "" : "s", missing->n == 1 ? "is" : "are",
                         ld_k8s_evlist_text(&l), missing->n == 1 ? "it" : "they",
                         missing->n == 1 ? "s" : "");
        ld_k8s_evlist_clear(&l);
    }
    const ld_strlist *builtin = ld_rbac_model_builtin_used(c->m);
    if (builtin->n) {
        char *names = ld_strlist_join(builtin, ", ");
        ld_findings_note(c->r,
                         "RBAC: %s judged with the Kubernetes default definition (the inputs do "
                         "not define %s)",
                         names, builtin->n == 1 ? "it" : "them");
        free(names);
    }
    const ld_strlist *notes = ld_rbac_model_notes(c->m);
    for (size_t i = 0; i < notes->n; i++)
        ld_findings_note(c->r, "RBAC: %s", notes->v[i]);
}

int ld_k8s_rbac_checks(ld_findings *r, const ld_k8s_set *s, const ld_k8s_scan_options *o,
                       ld_error *err)
{
    rbac_ctx c = {.r = r, .s = s, .o = o, .err = err};
    c.m = ld_rbac_model_build(s, err);
    if (!c.m)
        return err->code ? err->code : LD_ERR_GENERIC;
    for (size_t i = 0; i < ld_rbac_binding_count(c.m); i++)
        c.n_valid += ld_rbac_binding_at(c.m, i)->invalid == NULL;
    collect_privileged_namespaces(&c);
    note_model(&c);
    int rc = check_cluster_admin(&c);
    if (rc == 0)
        rc = check_wildcards(&c);
    for (size_t i = 0; rc == 0 && i < N(perm_checks); i++)
        rc = run_perm_check(&c, &perm_checks[i]);
    if (rc == 0)
        rc = check_default_service_account(&c);
    if (rc == 0)
        rc = check_token_automount(&c);
    if (rc == 0)
        rc = check_anonymous(&c);
    if (rc == 0)
        rc = check_production(&c);
    ld_strlist_clear(&c.privileged_ns);
    ld_rbac_model_free(c.m);
    return rc;
}
