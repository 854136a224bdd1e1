/* Which API lists make a cluster's object set, and reading them into it
 * (see api_lists.h): the kubeconfig resolved, the exec plugin run, GET
 * /version, then one paged list per kind across every namespace, refused
 * and unserved lists recorded, Secret values erased on receipt. Not for
 * judging objects (the check families) nor for HTTP (api_client.c). */
#include "k8s/api_lists.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/finding.h"
#include "k8s/exec_credential.h"
#include "k8s/kubeconfig.h"
#include "util/cleanup.h"
#include "util/mem.h"
#include "util/url_redact.h"

#define CHECK_API_TLS "k8s.cluster.api-tls-verify"

enum {
    LIST_SMALL_PAGES = 1, /* objects that may be large (ConfigMaps, Secrets): smaller pages */
    LIST_WIPE_VALUES = 2, /* Secrets: values erased on receipt */
};

/* One kind: its list paths from the newest group/version to the oldest
 * lockdown still reads, and the list kind each answers with. */
typedef struct {
    const char *resource; /* "pods" */
    const char *list_kind;
    const char *paths[3];
    unsigned flags;
} list_spec;

/* Cluster-scoped first (namespaces decide the Pod Security level of the
 * rest), then workloads, then RBAC, network and the others. */
static const list_spec lists[] = {
    {"namespaces", "NamespaceList", {"/api/v1/namespaces"}, 0},
    {"nodes", "NodeList", {"/api/v1/nodes"}, 0},
    {"pods", "PodList", {"/api/v1/pods"}, 0},
    {"replicationcontrollers", "ReplicationControllerList", {"/api/v1/replicationcontrollers"}, 0},
    {"deployments", "DeploymentList", {"/apis/apps/v1/deployments"}, 0},
    {"statefulsets", "StatefulSetList", {"/apis/apps/v1/statefulsets"}, 0},
    {"daemonsets", "DaemonSetList", {"/apis/apps/v1/daemonsets"}, 0},
    {"replicasets", "ReplicaSetList", {"/apis/apps/v1/replicasets"}, 0},
    {"jobs", "JobList", {"/apis/batch/v1/jobs"}, 0},
    /* batch/v1 since Kubernetes 1.21; v1beta1 served until 1.25 */
    {"cronjobs", "CronJobList", {"/apis/batch/v1/cronjobs", "/apis/batch/v1beta1/cronjobs"}, 0},
    {"services", "ServiceList", {"/api/v1/services"}, 0},
    {"serviceaccounts", "ServiceAccountList", {"/api/v1/serviceaccounts"}, 0},
    {"configmaps", "ConfigMapList", {"/api/v1/configmaps"}, LIST_SMALL_PAGES},
    {"secrets", "SecretList", {"/api/v1/secrets"}, LIST_SMALL_PAGES | LIST_WIPE_VALUES},
    {"roles", "RoleList", {"/apis/rbac.authorization.k8s.io/v1/roles"}, 0},
    {"clusterroles", "ClusterRoleList", {"/apis/rbac.authorization.k8s.io/v1/clusterroles"}, 0},
    {"rolebindings", "RoleBindingList", {"/apis/rbac.authorization.k8s.io/v1/rolebindings"}, 0},
    {"clusterrolebindings",
     "ClusterRoleBindingList",
     {"/apis/rbac.authorization.k8s.io/v1/clusterrolebindings"},
     0},
    {"networkpolicies", "NetworkPolicyList", {"/apis/networking.k8s.io/v1/networkpolicies"}, 0},
    /* networking.k8s.io/v1 since 1.19; extensions/v1beta1 served until 1.22 */
    {"ingresses",
     "IngressList",
     {"/apis/networking.k8s.io/v1/ingresses", "/apis/extensions/v1beta1/ingresses"},
     0},
    /* policy/v1 since 1.21; v1beta1 served until 1.25 */
    {"poddisruptionbudgets",
     "PodDisruptionBudgetList",
     {"/apis/policy/v1/poddisruptionbudgets", "/apis/policy/v1beta1/poddisruptionbudgets"},
     0},
};
#define N_LISTS (sizeof(lists) / sizeof(lists[0]))

#define SMALL_PAGE_LIMIT ((size_t)100)

void ld_k8s_cluster_info_clear(ld_k8s_cluster_info *info)
{
    if (!info)
        return;
    free(info->kubeconfig);
    free(info->context);
    free(info->cluster);
    free(info->user);
    free(info->server);
    free(info->server_version);
    free(info->trust);
    free(info->auth);
    memset(info, 0, sizeof(*info));
}

/* "v1" of "/api/v1/pods", "apps/v1" of "/apis/apps/v1/deployments". */
static char *group_version_of(const char *path)
{
    const char *p = strncmp(path, "/apis/", 6) == 0 ? path + 6 : path + 5; /* "/api/" */
    const char *end = strrchr(path, '/');
    return ld_xstrndup(p, (size_t)(end - p));
}

/* The map entry key of map, for changing it (the tree is ours until the
 * set adopts it). */
static ld_yaml_node *get_mut(ld_yaml_node *map, const char *key)
{
    if (!map || map->kind != LD_YAML_MAP)
        return NULL;
    for (size_t i = 0; i < map->n; i++)
        if (strcmp(map->keys[i]->value, key) == 0)
            return map->items[i];
    return NULL;
}

static void wipe_scalar(ld_yaml_node *n)
{
    if (n && n->kind == LD_YAML_SCALAR && n->value)
        explicit_bzero(n->value, strlen(n->value));
}

/* Erases the values of one Secret: data, stringData, and the annotation
 * kubectl apply keeps (it holds the whole manifest, values included). */
static void wipe_secret(ld_yaml_node *item)
{
    static const char *const fields[] = {"data", "stringData"};
    for (size_t f = 0; f < 2; f++) {
        ld_yaml_node *m = get_mut(item, fields[f]);
        if (m && m->kind == LD_YAML_MAP)
            for (size_t i = 0; i < m->n; i++)
                wipe_scalar(m->items[i]);
        else
            wipe_scalar(m);
    }
    ld_yaml_node *ann = get_mut(get_mut(item, "metadata"), "annotations");
    wipe_scalar(get_mut(ann, "kubectl.kubernetes.io/last-applied-configuration"));
}

/* Items of a page that name a kind must name the list's item kind: an
 * answer mixing kinds is not the list asked for. */
static bool items_of_kind(const ld_yaml_node *page, const char *item_kind, const char **bad)
{
    const ld_yaml_node *items = ld_yaml_get(page, "items");
    if (ld_k8s_is_null(items))
        return true;
    for (size_t i = 0; i < items->n; i++) {
        const char *k = ld_k8s_str(ld_yaml_get(items->items[i], "kind"));
        if (items->items[i]->kind != LD_YAML_MAP || (k && strcmp(k, item_kind) != 0)) {
            *bad = k ? k : "(not an object)";
            return false;
        }
    }
    return true;
}

/* What one read works with. */
typedef struct {
    ld_k8s_set *s;
    const ld_k8s_cluster_options *o;
    ld_k8s_cluster_info *info;
    ld_k8s_endpoint ep;
    ld_k8s_api *api;
    bool refreshed; /* the exec plugin was run again after a 401 */
} reader;

static void progress(const reader *r, const char *what)
{
    if (r->o->progress)
        r->o->progress(r->o->progress_ctx, what);
}

/* Runs the exec plugin and hands its credential to the client (or, before
 * there is a client, keeps it in the endpoint). */
static int run_exec(reader *r, ld_error *err)
{
    progress(r, "running the exec credential plugin");
    ld_k8s_exec_result cred;
    int rc = ld_k8s_exec_credential(&r->ep, r->o->exec_timeout_ms, &cred, err);
    if (rc < 0)
        return rc;
    if (r->api) {
        ld_k8s_api_set_credentials(r->api, cred.token, cred.client_cert_pem, cred.client_key_pem);
    } else {
        if (cred.token) {
            r->ep.token = cred.token;
            cred.token = NULL;
        }
        if (cred.client_cert_pem) {
            free(r->ep.client_cert_pem);
            ld_k8s_free_secret(r->ep.client_key_pem);
            r->ep.client_cert_pem = cred.client_cert_pem;
            r->ep.client_cert_len = strlen(cred.client_cert_pem);
            r->ep.client_key_pem = cred.client_key_pem;
            r->ep.client_key_len = strlen(cred.client_key_pem);
            cred.client_cert_pem = cred.client_key_pem = NULL;
        }
    }
    r->info->credential_expires = cred.expires;
    ld_k8s_exec_result_clear(&cred);
    return 0;
}

/* After a 401: an exec credential may have expired; run the plugin again
 * once. True when the request is worth repeating. */
static bool refresh_after_401(reader *r, ld_error *err)
{
    if (!r->ep.exec || r->refreshed)
        return false;
    r->refreshed = true;
    ld_error perr = LD_ERROR_INIT;
    if (run_exec(r, &perr) < 0) {
        *err = perr;
        return false;
    }
    return true;
}

/* A 401 is the end of the read: says which context and user. */
static int unauthorized(reader *r, ld_error *err)
{
    char was[LD_ERROR_MSG_MAX];
    snprintf(was, sizeof(was), "%s", err->msg);
    return ld_error_set(err, LD_ERR_UNREACHABLE,
                        "%s (context \"%s\", user \"%s\"%s); renew the credentials or check "
                        "the kubeconfig",
                        was, r->ep.context, r->ep.user[0] ? r->ep.user : "(none)",
                        r->refreshed ? ", also after running the exec plugin again" : "");
}

/* GET /version: is it a Kubernetes API server, which version. */
static int read_version(reader *r, ld_error *err)
{
    progress(r, "asking the API server its version");
    for (;;) {
        ld_yaml_node *v = NULL;
        ld_k8s_api_outcome rc = ld_k8s_api_get(r->api, "/version", &v, err);
        if (rc == LD_K8S_API_UNAUTHORIZED && refresh_after_401(r, err))
            continue;
        switch (rc) {
        case LD_K8S_API_OK: {
            const char *git = ld_k8s_str(ld_yaml_get(v, "gitVersion"));
            const char *major = ld_k8s_str(ld_yaml_get(v, "major"));
            if (!git && !major) {
                ld_yaml_free(v);
                return ld_error_set(err, LD_ERR_UNSUPPORTED,
                                    "%s: GET /version answered, but not as a Kubernetes API "
                                    "server (no gitVersion); is the server URL in the "
                                    "kubeconfig right?",
                                    ld_k8s_api_server(r->api));
            }
            if (git)
                r->info->server_version = ld_k8s_api_mask(r->api, git, 64);
            ld_yaml_free(v);
            return 0;
        }
        case LD_K8S_API_REFUSED: /* /version needs no rights normally; go on without it */
            ld_k8s_set_add_note(r->s, "%s", err->msg);
            ld_error_clear(err);
            return 0;
        case LD_K8S_API_UNAUTHORIZED: return unauthorized(r, err);
        case LD_K8S_API_NOT_SERVED:
            return ld_error_set(err, LD_ERR_UNSUPPORTED,
                                "%s: GET /version: 404: not a Kubernetes API server; is the "
                                "server URL in the kubeconfig right?",
                                ld_k8s_api_server(r->api));
        case LD_K8S_API_UNREAD: return err->code ? err->code : LD_ERR_CORRUPT;
        case LD_K8S_API_FAILED: return err->code ? err->code : LD_ERR_UNREACHABLE;
        }
        return LD_ERR_GENERIC;
    }
}

/* Moves the pages of one list into the set. Returns < 0 when the set is
 * full (recorded there). */
static int adopt_pages(reader *r, const list_spec *spec, const char *path,
                       ld_k8s_api_list_result *res)
{
    ld_autofree char *file = ld_xasprintf("%s%s", ld_k8s_api_server(r->api), path);
    ld_autofree char *item_kind = ld_xstrndup(spec->list_kind, strlen(spec->list_kind) - 4);
    /* Secret values go first, whatever becomes of the pages */
    size_t wiped = 0;
    for (size_t i = 0; i < res->n && (spec->flags & LIST_WIPE_VALUES); i++) {
        ld_yaml_node *items = get_mut(res->pages[i], "items");
        for (size_t k = 0; items && items->kind == LD_YAML_SEQ && k < items->n; k++) {
            wipe_secret(items->items[k]);
            wiped++;
        }
    }
    for (size_t i = 0; i < res->n; i++) {
        const char *bad = NULL;
        if (!items_of_kind(res->pages[i], item_kind, &bad)) {
            ld_autofree char *shown = ld_k8s_api_mask(r->api, bad, 60);
            ld_k8s_set_add_unread(r->s, "%s: the %s holds an item of kind %s; not read", file,
                                  spec->list_kind, shown);
            r->info->lists_unread++;
            return 0;
        }
    }
    size_t before = ld_k8s_set_count(r->s);
    int rc = 0;
    for (size_t i = 0; i < res->n && rc == 0; i++) {
        ld_yaml_node *page = res->pages[i];
        res->pages[i] = NULL;
        ld_error aerr = LD_ERROR_INIT;
        rc = ld_k8s_set_adopt(r->s, file, page, &aerr); /* the set owns page now */
    }
    r->info->objects += ld_k8s_set_count(r->s) - before;
    r->info->secrets_wiped += wiped;
    if (rc == 0)
        r->info->lists_read++;
    return rc;
}

/* Reads one kind. Returns < 0 (err set) when the whole read must stop, 1
 * when the set is full, else 0. */
static int read_list(reader *r, const list_spec *spec, ld_error *err)
{
    ld_autofree char *what = ld_xasprintf("listing %s", spec->resource);
    progress(r, what);
    size_t limit = spec->flags & LIST_SMALL_PAGES ? SMALL_PAGE_LIMIT : 0;
    ld_strlist not_served = {0};
    int result = 0;
    for (size_t p = 0; p < 3 && spec->paths[p]; p++) {
        const char *path = spec->paths[p];
        ld_autofree char *gv = group_version_of(path);
        ld_k8s_api_list_result res;
        ld_error lerr = LD_ERROR_INIT;
        ld_k8s_api_outcome rc =
            ld_k8s_api_list(r->api, path, gv, spec->list_kind, limit, &res, &lerr);
        if (rc == LD_K8S_API_UNAUTHORIZED && refresh_after_401(r, &lerr))
            rc = ld_k8s_api_list(r->api, path, gv, spec->list_kind, limit, &res, &lerr);
        if (rc == LD_K8S_API_OK) {
            int arc = adopt_pages(r, spec, path, &res);
            ld_k8s_api_list_result_clear(&res);
            ld_strlist_clear(&not_served);
            return arc < 0 ? 1 : 0;
        }
        ld_k8s_api_list_result_clear(&res);
        if (rc == LD_K8S_API_NOT_SERVED) {
            ld_strlist_push_owned(&not_served, ld_xstrdup(gv));
            continue;
        }
        if (rc == LD_K8S_API_REFUSED) {
            ld_k8s_set_add_unread(r->s, "%s (context \"%s\" may not list %s in every namespace)",
                                  lerr.msg, r->ep.context, spec->resource);
            r->info->lists_refused++;
        } else if (rc == LD_K8S_API_UNREAD) {
            ld_k8s_set_add_unread(r->s, "%s", lerr.msg);
            r->info->lists_unread++;
        } else if (rc == LD_K8S_API_UNAUTHORIZED) {
            *err = lerr;
            result = unauthorized(r, err);
        } else { /* LD_K8S_API_FAILED */
            *err = lerr;
            result = err->code ? err->code : LD_ERR_UNREACHABLE;
        }
        ld_strlist_clear(&not_served);
        return result;
    }
    ld_autofree char *gvs = ld_strlist_join(&not_served, ", ");
    ld_k8s_set_add_note(r->s, "kubernetes API %s does not serve %s (404 for %s): not applicable",
                        ld_k8s_api_server(r->api), spec->resource, gvs);
    r->info->lists_not_served++;
    ld_strlist_clear(&not_served);
    return 0;
}

static void describe_connection(reader *r)
{
    ld_k8s_cluster_info *info = r->info;
    const ld_k8s_endpoint *ep = &r->ep;
    info->kubeconfig = ld_xstrdup(ep->kubeconfig);
    info->context = ld_xstrdup(ep->context);
    info->cluster = ld_xstrdup(ep->cluster);
    info->user = ld_xstrdup(ep->user);
    info->server = ld_url_redact(ep->server);
    info->tls = strncmp(ep->server, "https://", 8) == 0;
    info->verified = info->tls && !ep->insecure_skip_tls_verify;
    if (!info->tls)
        info->trust = ld_xstrdup("plain http://: not encrypted, the server not authenticated");
    else if (ep->insecure_skip_tls_verify)
        info->trust = ld_xasprintf("insecure-skip-tls-verify: true in cluster \"%s\": the "
                                   "server's certificate is not verified",
                                   ep->cluster);
    else if (ep->ca_source)
        info->trust = ld_xasprintf("verified against %s", ep->ca_source);
    else
        info->trust = ld_xstrdup("verified against the system's trusted CAs");
    ld_strlist how = {0};
    if (ep->exec)
        ld_strlist_push_owned(
            &how, ld_xasprintf("exec plugin %s (%s)", ep->exec->command, ep->exec->api_version));
    if (ep->client_cert_pem)
        ld_strlist_push_owned(
            &how, ld_xasprintf("client certificate (%s)",
                               ep->client_cert_source ? ep->client_cert_source : "exec plugin"));
    if (ep->token && !ep->exec)
        ld_strlist_push_owned(&how, ld_xasprintf("bearer token (%s)", ep->token_source));
    if (ep->username)
        ld_strlist_push_owned(&how, ld_xasprintf("basic auth as \"%s\"", ep->username));
    if (ep->impersonate_user)
        ld_strlist_push_owned(&how, ld_xasprintf("impersonating \"%s\"", ep->impersonate_user));
    info->auth = how.n ? ld_strlist_join(&how, ", ") : ld_xstrdup("no credentials (anonymous)");
    ld_strlist_clear(&how);
}

int ld_k8s_load_cluster(ld_k8s_set *s, const ld_k8s_cluster_options *o, ld_error *err)
{
    ld_k8s_cluster_info scratch = {0};
    reader r = {.s = s, .o = o, .info = o->info ? o->info : &scratch};
    ld_k8s_cluster_info_clear(r.info);
    ld_kubeconfig *kc = NULL;
    progress(&r, "reading the kubeconfig");
    int rc = ld_kubeconfig_load(o->kubeconfig, &kc, err);
    if (rc == 0)
        rc = ld_kubeconfig_resolve(kc, o->context, &r.ep, err);
    ld_kubeconfig_free(kc);
    if (rc < 0)
        goto out;
    describe_connection(&r);
    if (r.ep.exec) {
        rc = run_exec(&r, err);
        if (rc < 0)
            goto out;
    }
    ld_k8s_api_options ao = o->api ? *o->api : (ld_k8s_api_options){0};
    if (o->request_timeout_ms)
        ao.timeouts.request_ms = o->request_timeout_ms;
    r.api = ld_k8s_api_new(&r.ep, &ao, err);
    if (!r.api) {
        rc = err->code ? err->code : LD_ERR_GENERIC;
        goto out;
    }
    rc = read_version(&r, err);
    for (size_t i = 0; i < N_LISTS && rc == 0; i++) {
        int lrc = read_list(&r, &lists[i], err);
        if (lrc < 0)
            rc = lrc;
        else if (lrc > 0)
            break; /* the set is full: recorded there */
    }
out:
    if (r.api) {
        r.info->requests = ld_k8s_api_requests(r.api);
        r.info->bytes = ld_k8s_api_bytes(r.api);
    }
    ld_k8s_api_free(r.api);
    ld_k8s_endpoint_clear(&r.ep);
    ld_k8s_cluster_info_clear(&scratch);
    return rc;
}

int ld_k8s_cluster_findings(ld_findings *r, const ld_k8s_cluster_info *info, ld_error *err)
{
    ld_findings_scope(r, LD_SCOPE_OWED, CHECK_API_TLS, NULL);
    if (!ld_findings_selected(r, CHECK_API_TLS))
        return 0;
    const ld_control *c = ld_catalog_control_for_check(r->catalog, CHECK_API_TLS);
    if (!c)
        return ld_error_set(err, LD_ERR_GENERIC, "check %s has no control in the catalog",
                            CHECK_API_TLS);
    ld_finding *f =
        ld_finding_new(c, CHECK_API_TLS, info->verified ? LD_STATUS_PASS : LD_STATUS_FAIL);
    ld_autofree char *id = ld_xasprintf("cluster/%s", info->context ? info->context : "");
    ld_finding_set_target(f, LD_TARGET_K8S, id, info->server);
    if (info->kubeconfig && !strstr(info->kubeconfig, ", "))
        ld_finding_set_location(f, info->kubeconfig, 0);
    if (info->verified)
        f->evidence = ld_xasprintf("the API server %s (context \"%s\") was %s", info->server,
                                   info->context, info->trust);
    else if (!info->tls)
        f->evidence = ld_xasprintf("the API server %s (context \"%s\") is %s; use its https:// "
                                   "address with the cluster's CA",
                                   info->server, info->context, info->trust);
    else
        f->evidence = ld_xasprintf(
            "kubeconfig %s, context \"%s\": %s, by lockdown or by kubectl with this kubeconfig; "
            "anyone on the path can pose as %s and receive the credentials: remove "
            "insecure-skip-tls-verify and set certificate-authority-data to the cluster's CA",
            info->kubeconfig, info->context, info->trust, info->server);
    return ld_findings_add(r, f, err);
}

char *ld_k8s_cluster_scope(const ld_k8s_cluster_info *info)
{
    size_t read = info->lists_read;
    size_t unread = info->lists_refused + info->lists_unread;
    ld_autofree char *tail = unread ? ld_xasprintf(", %zu not read", unread) : ld_xstrdup("");
    return ld_xasprintf("kubernetes cluster %s (%s%s%s): %zu object%s in %zu list%s%s",
                        info->context ? info->context : "?", info->server ? info->server : "?",
                        info->server_version ? ", " : "",
                        info->server_version ? info->server_version : "", info->objects,
                        info->objects == 1 ? "" : "s", read, read == 1 ? "" : "s", tail);
}
