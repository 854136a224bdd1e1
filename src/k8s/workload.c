/* The workload hygiene family of `lockdown k8s scan` (k8s/workload.h):
 * runs every check over the set and files one summary verdict per check.
 * Here: resource requests and limits (with the namespace's LimitRange
 * defaults), read-only root file systems, service account tokens and the
 * default service account, probes, hostAliases, privileged container
 * ports, Service exposure and the default namespace. Images are in
 * workload_images.c, secrets in workload_secrets.c. Objects a controller
 * in the same inputs owns (the ReplicaSets and Pods of a Deployment in a
 * cluster dump) are judged through their controller. */
#include "k8s/workload_internal.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "k8s/owners.h"
#include "util/cleanup.h"
#include "util/mem.h"

const char *const wl_check_ids[WL_COUNT] = {
    [WL_REQUESTS] = "k8s.workload.resource-requests",
    [WL_LIMITS] = "k8s.workload.resource-limits",
    [WL_IMAGE_TAG] = "k8s.workload.image-tag",
    [WL_IMAGE_DIGEST] = "k8s.workload.image-digest",
    [WL_IMAGE_TRUSTED] = "k8s.workload.image-trusted",
    [WL_READONLY] = "k8s.workload.readonly-rootfs",
    [WL_SA_AUTOMOUNT] = "k8s.workload.sa-token-automount",
    [WL_DEFAULT_SA] = "k8s.workload.default-service-account",
    [WL_PROBES] = "k8s.workload.probes",
    [WL_LITERAL_SECRETS] = "k8s.workload.literal-secrets",
    [WL_SECRET_ENV] = "k8s.workload.secret-env",
    [WL_HOST_ALIASES] = "k8s.workload.host-aliases",
    [WL_PRIVILEGED_PORT] = "k8s.workload.privileged-port",
    [WL_SERVICE_EXPOSURE] = "k8s.workload.service-exposure",
    [WL_SECRET_MANIFEST] = "k8s.workload.secret-object",
    [WL_DEFAULT_NAMESPACE] = "k8s.workload.default-namespace",
};

/* Where a service account token is mounted in every container that gets one. */
#define SA_TOKEN_PATH "/var/run/secrets/kubernetes.io/serviceaccount"

int wl_emit(wl_ctx *c, wl_check check, ld_status st, const ld_k8s_object *o, const ld_yaml_node *at,
            const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    ld_autofree char *msg = ld_xvasprintf(fmt, ap);
    va_end(ap);
    if (st != LD_STATUS_PASS)
        c->tally[check].failed++;
    return ld_k8s_emit(c->r, wl_check_ids[check], st, o, at, c->err, "%s", msg);
}

char *wl_container_path(const ld_k8s_pod *p, const ld_k8s_container *ct)
{
    if (ct->name[0])
        return ld_xasprintf("%s.%s[%zu] (%s)", p->path, ct->field, ct->index, ct->name);
    return ld_xasprintf("%s.%s[%zu]", p->path, ct->field, ct->index);
}

const char *wl_shown(wl_ctx *c, const char *text)
{
    bool created = false;
    void **slot = ld_strmap_put(&c->shown, text ? text : "", &created);
    if (created)
        *slot = ld_secret_mask_text(c->rules, text ? text : "");
    return *slot;
}

static bool is_kind(const ld_k8s_object *o, const char *kind)
{
    return strcmp(o->kind, kind) == 0;
}

static bool non_empty(const ld_yaml_node *n)
{
    return n && !ld_k8s_is_null(n) && n->kind != LD_YAML_SCALAR && n->n > 0;
}

/* ---- indexes ---- */

/* What a namespace's LimitRanges give a container that sets nothing. */
typedef struct {
    bool request[2], limit[2]; /* [0] cpu, [1] memory */
    const ld_k8s_object *from;
} wl_defaults;

static const char *const resource_names[2] = {"cpu", "memory"};

static void index_limit_range(wl_ctx *c, const ld_k8s_object *o)
{
    const ld_yaml_node *limits = ld_k8s_at(o->root, "spec.limits");
    if (!limits || limits->kind != LD_YAML_SEQ)
        return;
    const char *ns = ld_k8s_namespace(o);
    bool created = false;
    void **slot = ld_strmap_put(&c->limit_ranges, ns ? ns : "default", &created);
    if (created)
        *slot = ld_xcalloc(1, sizeof(wl_defaults));
    wl_defaults *d = *slot;
    for (size_t i = 0; i < limits->n; i++) {
        const ld_yaml_node *l = limits->items[i];
        const char *type = ld_k8s_str(ld_yaml_get(l, "type"));
        if (!type || strcmp(type, "Container") != 0)
            continue;
        for (int r = 0; r < 2; r++) {
            /* a default limit is also the default request (LimitRanger) */
            bool lim = ld_yaml_get(ld_yaml_get(l, "default"), resource_names[r]) != NULL;
            bool req =
                lim || ld_yaml_get(ld_yaml_get(l, "defaultRequest"), resource_names[r]) != NULL;
            d->limit[r] = d->limit[r] || lim;
            d->request[r] = d->request[r] || req;
            if ((lim || req) && !d->from)
                d->from = o;
        }
    }
}

static void build_indexes(wl_ctx *c)
{
    size_t n = ld_k8s_set_count(c->s);
    for (size_t i = 0; i < n; i++) {
        const ld_k8s_object *o = ld_k8s_set_object(c->s, i);
        if (is_kind(o, "ServiceAccount")) {
            const char *ns = ld_k8s_namespace(o);
            ld_autofree char *key = ld_xasprintf("%s/%s", ns ? ns : "default", o->name);
            bool created = false;
            void **slot = ld_strmap_put(&c->service_accounts, key, &created);
            if (created)
                *slot = (void *)o;
        } else if (is_kind(o, "LimitRange")) {
            index_limit_range(c, o);
        }
    }
}

/* ---- resources ---- */

/* A container's resources.{requests|limits}.{cpu|memory}, or the pod's
 * (pod-level resources), as text for evidence; NULL when absent. */
static bool has_quantity(const ld_yaml_node *resources, const char *group, const char *name)
{
    const ld_yaml_node *q = ld_yaml_get(ld_yaml_get(resources, group), name);
    return q && !ld_k8s_is_null(q);
}

static int check_resources(wl_ctx *c, const ld_k8s_pod *p)
{
    const char *ns = ld_k8s_namespace(p->obj);
    const wl_defaults *d = ld_strmap_get(&c->limit_ranges, ns ? ns : "default");
    const ld_yaml_node *pod_res = ld_yaml_get(p->spec, "resources");
    ld_k8s_evlist req = LD_K8S_EVLIST_INIT, lim = LD_K8S_EVLIST_INIT;
    const ld_yaml_node *req_at = NULL, *lim_at = NULL;
    size_t judged = 0;
    size_t n = ld_k8s_pod_container_count(p);
    for (size_t i = 0; i < n; i++) {
        ld_k8s_container ct;
        if (!ld_k8s_pod_container(p, i, &ct) || ct.kind == LD_K8S_EPHEMERAL_CONTAINER)
            continue; /* ephemeral containers take no resources */
        judged++;
        const ld_yaml_node *res = ld_yaml_get(ct.node, "resources");
        ld_autofree char *where = wl_container_path(p, &ct);
        char missing_req[64] = "", missing_lim[64] = "";
        for (int r = 0; r < 2; r++) {
            bool l = has_quantity(res, "limits", resource_names[r]) ||
                     has_quantity(pod_res, "limits", resource_names[r]) || (d && d->limit[r]);
            /* a request left out defaults to the limit */
            bool q = l || has_quantity(res, "requests", resource_names[r]) ||
                     has_quantity(pod_res, "requests", resource_names[r]) || (d && d->request[r]);
            if (!q) {
                size_t len = strlen(missing_req);
                snprintf(missing_req + len, sizeof(missing_req) - len, "%s%s", len ? ", " : "",
                         resource_names[r]);
            }
            if (!l) {
                size_t len = strlen(missing_lim);
                snprintf(missing_lim + len, sizeof(missing_lim) - len, "%s%s", len ? ", " : "",
                         resource_names[r]);
            }
        }
        const ld_yaml_node *at = res ? res : ct.node;
        if (missing_req[0]) {
            ld_k8s_evlist_add(&req, "%s: no resources.requests (or limits) for %s", where,
                              missing_req);
            req_at = req_at ? req_at : at;
        }
        if (missing_lim[0]) {
            ld_k8s_evlist_add(&lim, "%s: no resources.limits for %s", where, missing_lim);
            lim_at = lim_at ? lim_at : at;
        }
    }
    int rc = 0;
    if (judged) {
        c->tally[WL_REQUESTS].judged++;
        c->tally[WL_LIMITS].judged++;
        const char *lr = d ? " and no LimitRange default in the namespace covers it" : "";
        if (req.items)
            rc = wl_emit(c, WL_REQUESTS, LD_STATUS_FAIL, p->obj, req_at, "%s%s",
                         ld_k8s_evlist_text(&req), lr);
        if (rc == 0 && lim.items)
            rc = wl_emit(c, WL_LIMITS, LD_STATUS_FAIL, p->obj, lim_at, "%s%s",
                         ld_k8s_evlist_text(&lim), lr);
    }
    ld_k8s_evlist_clear(&req);
    ld_k8s_evlist_clear(&lim);
    return rc;
}

/* ---- security context, ports, probes ---- */

static bool windows_pod(const ld_k8s_pod *p)
{
    const char *os = ld_k8s_str(ld_k8s_at(p->spec, "os.name"));
    return os && strcmp(os, "windows") == 0;
}

static int check_readonly_root(wl_ctx *c, const ld_k8s_pod *p)
{
    if (windows_pod(p))
        return 0; /* the field is refused for Windows pods */
    ld_k8s_evlist bad = LD_K8S_EVLIST_INIT;
    const ld_yaml_node *at = NULL;
    size_t judged = 0, n = ld_k8s_pod_container_count(p);
    for (size_t i = 0; i < n; i++) {
        ld_k8s_container ct;
        if (!ld_k8s_pod_container(p, i, &ct) || ct.kind == LD_K8S_EPHEMERAL_CONTAINER)
            continue;
        judged++;
        const ld_yaml_node *ro = ld_k8s_at(ct.node, "securityContext.readOnlyRootFilesystem");
        bool v = false;
        if (ld_k8s_bool(ro, &v) && v)
            continue;
        ld_autofree char *where = wl_container_path(p, &ct);
        if (ro && !ld_k8s_is_null(ro))
            ld_k8s_evlist_add(&bad, "%s: securityContext.readOnlyRootFilesystem: %s", where,
                              ld_k8s_str(ro) ? ld_k8s_str(ro) : "(not a boolean)");
        else
            ld_k8s_evlist_add(&bad, "%s: securityContext.readOnlyRootFilesystem not set", where);
        at = at ? at : (ro ? ro : ct.node);
    }
    int rc = 0;
    if (judged) {
        c->tally[WL_READONLY].judged++;
        if (bad.items)
            rc =
                wl_emit(c, WL_READONLY, LD_STATUS_FAIL, p->obj, at, "%s", ld_k8s_evlist_text(&bad));
    }
    ld_k8s_evlist_clear(&bad);
    return rc;
}

static int check_ports(wl_ctx *c, const ld_k8s_pod *p)
{
    ld_k8s_evlist bad = LD_K8S_EVLIST_INIT;
    const ld_yaml_node *at = NULL;
    size_t judged = 0, n = ld_k8s_pod_container_count(p);
    for (size_t i = 0; i < n; i++) {
        ld_k8s_container ct;
        if (!ld_k8s_pod_container(p, i, &ct) || ct.kind == LD_K8S_EPHEMERAL_CONTAINER)
            continue;
        judged++;
        const ld_yaml_node *ports = ld_yaml_get(ct.node, "ports");
        if (!ports || ports->kind != LD_YAML_SEQ)
            continue;
        for (size_t k = 0; k < ports->n; k++) {
            const ld_yaml_node *cp = ld_yaml_get(ports->items[k], "containerPort");
            long long port = 0;
            if (!ld_k8s_int(cp, &port) || port < 1 || port >= 1024)
                continue;
            ld_autofree char *where = wl_container_path(p, &ct);
            ld_k8s_evlist_add(&bad, "%s.ports[%zu].containerPort: %lld", where, k, port);
            at = at ? at : cp;
        }
    }
    int rc = 0;
    if (judged) {
        c->tally[WL_PRIVILEGED_PORT].judged++;
        if (bad.items)
            rc = wl_emit(c, WL_PRIVILEGED_PORT, LD_STATUS_FAIL, p->obj, at,
                         "%s (a port below 1024 needs root or NET_BIND_SERVICE)",
                         ld_k8s_evlist_text(&bad));
    }
    ld_k8s_evlist_clear(&bad);
    return rc;
}

/* Batch pods run to completion: probes are not expected of them. */
static bool batch_workload(const ld_k8s_object *o)
{
    if (is_kind(o, "Job") || is_kind(o, "CronJob"))
        return true;
    const ld_yaml_node *refs = ld_k8s_at(o->root, "metadata.ownerReferences");
    for (size_t i = 0; refs && refs->kind == LD_YAML_SEQ && i < refs->n; i++) {
        const char *kind = ld_k8s_str(ld_yaml_get(refs->items[i], "kind"));
        if (kind && (strcmp(kind, "Job") == 0 || strcmp(kind, "CronJob") == 0))
            return true;
    }
    return false;
}

static int check_probes(wl_ctx *c, const ld_k8s_pod *p)
{
    if (batch_workload(p->obj))
        return 0;
    ld_k8s_evlist bad = LD_K8S_EVLIST_INIT;
    const ld_yaml_node *at = NULL;
    size_t judged = 0, n = ld_k8s_pod_container_count(p);
    for (size_t i = 0; i < n; i++) {
        ld_k8s_container ct;
        if (!ld_k8s_pod_container(p, i, &ct) || ct.kind != LD_K8S_CONTAINER)
            continue;
        judged++;
        bool live = ld_yaml_get(ct.node, "livenessProbe") &&
                    !ld_k8s_is_null(ld_yaml_get(ct.node, "livenessProbe"));
        bool ready = ld_yaml_get(ct.node, "readinessProbe") &&
                     !ld_k8s_is_null(ld_yaml_get(ct.node, "readinessProbe"));
        if (live && ready)
            continue;
        ld_autofree char *where = wl_container_path(p, &ct);
        ld_k8s_evlist_add(&bad, "%s: no %s", where,
                          !live && !ready ? "livenessProbe and no readinessProbe"
                          : !live         ? "livenessProbe"
                                          : "readinessProbe");
        at = at ? at : ct.node;
    }
    int rc = 0;
    if (judged) {
        c->tally[WL_PROBES].judged++;
        if (bad.items)
            rc = wl_emit(c, WL_PROBES, LD_STATUS_FAIL, p->obj, at, "%s", ld_k8s_evlist_text(&bad));
    }
    ld_k8s_evlist_clear(&bad);
    return rc;
}

static int check_host_aliases(wl_ctx *c, const ld_k8s_pod *p)
{
    c->tally[WL_HOST_ALIASES].judged++;
    const ld_yaml_node *ha = ld_yaml_get(p->spec, "hostAliases");
    if (!non_empty(ha) || ha->kind != LD_YAML_SEQ)
        return 0;
    ld_k8s_evlist items = LD_K8S_EVLIST_INIT;
    for (size_t i = 0; i < ha->n; i++) {
        const char *ip = ld_k8s_str(ld_yaml_get(ha->items[i], "ip"));
        const ld_yaml_node *names = ld_yaml_get(ha->items[i], "hostnames");
        ld_k8s_evlist names_text = LD_K8S_EVLIST_INIT;
        for (size_t k = 0; names && names->kind == LD_YAML_SEQ && k < names->n; k++)
            ld_k8s_evlist_add(&names_text, "%s",
                              ld_k8s_str(names->items[k]) ? ld_k8s_str(names->items[k]) : "?");
        ld_k8s_evlist_add(&items, "%s -> %s", ld_k8s_evlist_text(&names_text), ip ? ip : "?");
        ld_k8s_evlist_clear(&names_text);
    }
    int rc = wl_emit(c, WL_HOST_ALIASES, LD_STATUS_FAIL, p->obj, ha,
                     "%s.hostAliases overrides name resolution in the pod's /etc/hosts: %s",
                     p->path, ld_k8s_evlist_text(&items));
    ld_k8s_evlist_clear(&items);
    return rc;
}

/* ---- service account ---- */

typedef enum { TOKEN_NOT_MOUNTED, TOKEN_MOUNTED, TOKEN_UNKNOWN } token_state;

/* Is this a live Pod (from the API or a dump), whose spec already holds
 * what admission added? */
static bool live_pod(const ld_k8s_pod *p)
{
    return is_kind(p->obj, "Pod") && strcmp(p->path, "spec") == 0 &&
           (ld_k8s_at(p->obj->root, "metadata.uid") || ld_k8s_at(p->obj->root, "status"));
}

/* Whether the pod gets its service account's token, and why (why: static
 * or formatted into buf). */
static token_state token_mounted(wl_ctx *c, const ld_k8s_pod *p, const char *sa_ns,
                                 const char *sa_name, char *why, size_t why_size)
{
    if (live_pod(p)) {
        size_t n = ld_k8s_pod_container_count(p);
        for (size_t i = 0; i < n; i++) {
            ld_k8s_container ct;
            if (!ld_k8s_pod_container(p, i, &ct))
                continue;
            const ld_yaml_node *mounts = ld_yaml_get(ct.node, "volumeMounts");
            for (size_t k = 0; mounts && mounts->kind == LD_YAML_SEQ && k < mounts->n; k++) {
                const char *path = ld_k8s_str(ld_yaml_get(mounts->items[k], "mountPath"));
                if (path && strncmp(path, SA_TOKEN_PATH, strlen(SA_TOKEN_PATH)) == 0) {
                    snprintf(why, why_size,
                             "the running pod mounts the token (%s.%s[%zu].volumeMounts[%zu] at "
                             "%s)",
                             p->path, ct.field, ct.index, k, SA_TOKEN_PATH);
                    return TOKEN_MOUNTED;
                }
            }
        }
        snprintf(why, why_size, "the running pod mounts no token at %s", SA_TOKEN_PATH);
        return TOKEN_NOT_MOUNTED;
    }
    bool v = false;
    if (ld_k8s_bool(ld_yaml_get(p->spec, "automountServiceAccountToken"), &v)) {
        snprintf(why, why_size, "%s.automountServiceAccountToken: %s", p->path,
                 v ? "true" : "false");
        return v ? TOKEN_MOUNTED : TOKEN_NOT_MOUNTED;
    }
    ld_autofree char *key = ld_xasprintf("%s/%s", sa_ns, sa_name);
    const ld_k8s_object *sa = ld_strmap_get(&c->service_accounts, key);
    if (!sa) {
        snprintf(why, why_size,
                 "%s.automountServiceAccountToken is not set and ServiceAccount %s is not in the "
                 "inputs (its setting decides; Kubernetes mounts the token by default)",
                 p->path, key);
        return TOKEN_UNKNOWN;
    }
    if (ld_k8s_bool(ld_yaml_get(sa->root, "automountServiceAccountToken"), &v)) {
        snprintf(why, why_size,
                 "%s.automountServiceAccountToken is not set and ServiceAccount %s (%s:%d) sets "
                 "automountServiceAccountToken: %s",
                 p->path, key, sa->file, sa->line, v ? "true" : "false");
        return v ? TOKEN_MOUNTED : TOKEN_NOT_MOUNTED;
    }
    snprintf(why, why_size,
             "automountServiceAccountToken is set neither in %s nor in ServiceAccount %s (%s:%d): "
             "Kubernetes mounts the token by default",
             p->path, key, sa->file, sa->line);
    return TOKEN_MOUNTED;
}

static int check_service_account(wl_ctx *c, const ld_k8s_pod *p)
{
    const ld_yaml_node *san = ld_yaml_get(p->spec, "serviceAccountName");
    const char *name = ld_k8s_str(san);
    if (!name || !*name) {
        san = ld_yaml_get(p->spec, "serviceAccount"); /* deprecated alias */
        name = ld_k8s_str(san);
    }
    bool is_default = !name || !*name || strcmp(name, "default") == 0;
    const char *sa_name = is_default ? "default" : name;
    const char *ns = ld_k8s_namespace(p->obj);
    char why[768];
    token_state t = token_mounted(c, p, ns ? ns : "default", sa_name, why, sizeof(why));

    c->tally[WL_SA_AUTOMOUNT].judged++;
    int rc = 0;
    const ld_yaml_node *at = ld_yaml_get(p->spec, "automountServiceAccountToken");
    if (t == TOKEN_MOUNTED)
        rc = wl_emit(c, WL_SA_AUTOMOUNT, LD_STATUS_FAIL, p->obj, at,
                     "the service account token is mounted into the pod: %s", why);
    else if (t == TOKEN_UNKNOWN)
        rc = wl_emit(c, WL_SA_AUTOMOUNT, LD_STATUS_WARN, p->obj, at,
                     "whether the token is mounted is not known: %s", why);
    if (rc < 0)
        return rc;

    c->tally[WL_DEFAULT_SA].judged++;
    if (!is_default || t == TOKEN_NOT_MOUNTED)
        return 0;
    const char *named = !name || !*name
                            ? " names no serviceAccountName: the pod runs as the namespace's "
                              "default service account"
                            : ".serviceAccountName: default";
    if (t == TOKEN_MOUNTED)
        return wl_emit(c, WL_DEFAULT_SA, LD_STATUS_FAIL, p->obj, san,
                       "%s%s, and its token is mounted: %s", p->path, named, why);
    return wl_emit(c, WL_DEFAULT_SA, LD_STATUS_WARN, p->obj, san,
                   "%s%s; whether its token is mounted is not known: %s", p->path, named, why);
}

/* ---- Services ---- */

static bool internal_load_balancer(const ld_k8s_object *o, const char **which)
{
    static const struct {
        const char *key, *value;
    } internal[] = {
        {"service.beta.kubernetes.io/aws-load-balancer-internal", NULL},
        {"service.beta.kubernetes.io/aws-load-balancer-scheme", "internal"},
        {"service.beta.kubernetes.io/azure-load-balancer-internal", "true"},
        {"networking.gke.io/load-balancer-type", "Internal"},
        {"cloud.google.com/load-balancer-type", "Internal"},
        {"service.beta.kubernetes.io/oci-load-balancer-internal", "true"},
        {"service.beta.kubernetes.io/openstack-internal-load-balancer", "true"},
    };
    for (size_t i = 0; i < sizeof(internal) / sizeof(internal[0]); i++) {
        const char *v = ld_k8s_annotation(o, internal[i].key);
        if (!v)
            continue;
        bool on = internal[i].value ? strcasecmp(v, internal[i].value) == 0
                                    : (strcasecmp(v, "true") == 0 || strcmp(v, "0.0.0.0/0") == 0);
        if (on) {
            *which = internal[i].key;
            return true;
        }
    }
    return false;
}

static bool everywhere_cidr(const char *cidr)
{
    const char *slash = cidr ? strrchr(cidr, '/') : NULL;
    return slash && strcmp(slash, "/0") == 0;
}

static int check_service(wl_ctx *c, const ld_k8s_object *o)
{
    c->tally[WL_SERVICE_EXPOSURE].judged++;
    const ld_yaml_node *type_node = ld_k8s_at(o->root, "spec.type");
    const char *type = ld_k8s_str(type_node);
    ld_k8s_evlist bad = LD_K8S_EVLIST_INIT;
    const ld_yaml_node *at = NULL;
    if (type && strcmp(type, "NodePort") == 0) {
        ld_k8s_evlist_add(&bad, "spec.type: NodePort opens the service on a port of every node");
        at = type_node;
    } else if (type && strcmp(type, "LoadBalancer") == 0) {
        const char *which = NULL;
        const ld_yaml_node *ranges = ld_k8s_at(o->root, "spec.loadBalancerSourceRanges");
        bool restricted = ranges && ranges->kind == LD_YAML_SEQ && ranges->n > 0;
        const char *open = NULL;
        for (size_t i = 0; restricted && i < ranges->n; i++)
            if (everywhere_cidr(ld_k8s_str(ranges->items[i])))
                open = ld_k8s_str(ranges->items[i]);
        if (internal_load_balancer(o, &which)) {
            /* a load balancer inside the private network: not exposed */
        } else if (!restricted) {
            ld_k8s_evlist_add(&bad, "spec.type: LoadBalancer without "
                                    "spec.loadBalancerSourceRanges: reachable from any address "
                                    "(and on a node port of every node)");
            at = type_node;
        } else if (open) {
            ld_k8s_evlist_add(&bad,
                              "spec.type: LoadBalancer with loadBalancerSourceRanges %s: "
                              "reachable from any address",
                              open);
            at = ranges;
        }
    }
    const ld_yaml_node *ext = ld_k8s_at(o->root, "spec.externalIPs");
    if (ext && ext->kind == LD_YAML_SEQ && ext->n) {
        ld_k8s_evlist ips = LD_K8S_EVLIST_INIT;
        for (size_t i = 0; i < ext->n; i++)
            ld_k8s_evlist_add(&ips, "%s",
                              ld_k8s_str(ext->items[i]) ? ld_k8s_str(ext->items[i]) : "?");
        ld_k8s_evlist_add(&bad,
                          "spec.externalIPs: %s (traffic to these addresses on any node "
                          "reaches the service)",
                          ld_k8s_evlist_text(&ips));
        ld_k8s_evlist_clear(&ips);
        at = at ? at : ext;
    }
    int rc = 0;
    if (bad.items)
        rc = wl_emit(c, WL_SERVICE_EXPOSURE, LD_STATUS_FAIL, o, at, "%s", ld_k8s_evlist_text(&bad));
    ld_k8s_evlist_clear(&bad);
    return rc;
}

/* ---- default namespace ---- */

/* Objects Kubernetes itself keeps in the default namespace, and kinds it
 * generates there (events, endpoints, leases): not the user's choice. */
static bool system_made(const ld_k8s_object *o)
{
    static const char *const generated[] = {"Event", "Endpoints", "EndpointSlice", "Lease"};
    for (size_t i = 0; i < sizeof(generated) / sizeof(generated[0]); i++)
        if (is_kind(o, generated[i]))
            return true;
    if ((is_kind(o, "Service") && strcmp(o->name, "kubernetes") == 0) ||
        (is_kind(o, "ServiceAccount") && strcmp(o->name, "default") == 0) ||
        (is_kind(o, "ConfigMap") && strcmp(o->name, "kube-root-ca.crt") == 0))
        return true;
    if (is_kind(o, "Secret")) {
        const char *type = ld_k8s_str(ld_k8s_at(o->root, "type"));
        const char *sa = ld_k8s_annotation(o, "kubernetes.io/service-account.name");
        return type && strcmp(type, "kubernetes.io/service-account-token") == 0 && sa &&
               strcmp(sa, "default") == 0 && strncmp(o->name, "default-token-", 14) == 0;
    }
    return false;
}

static int check_default_namespace(wl_ctx *c, const ld_k8s_object *o)
{
    const char *ns = ld_k8s_namespace(o);
    if (!ns || system_made(o))
        return 0;
    c->tally[WL_DEFAULT_NAMESPACE].judged++;
    if (strcmp(ns, "default") != 0)
        return 0;
    const ld_yaml_node *at = ld_k8s_at(o->root, "metadata.namespace");
    if (o->namespace_)
        return wl_emit(c, WL_DEFAULT_NAMESPACE, LD_STATUS_FAIL, o, at,
                       "metadata.namespace: default");
    return wl_emit(c, WL_DEFAULT_NAMESPACE, LD_STATUS_WARN, o, NULL,
                   "metadata.namespace is not set: the object lands in the default namespace "
                   "unless it is applied with --namespace");
}

/* ---- the family ---- */

static int check_pod(wl_ctx *c, const ld_k8s_pod *p)
{
    c->pods++;
    size_t n = ld_k8s_pod_container_count(p);
    c->containers += n;
    int rc;
    if ((rc = check_resources(c, p)) < 0 || (rc = check_readonly_root(c, p)) < 0 ||
        (rc = check_ports(c, p)) < 0 || (rc = check_probes(c, p)) < 0 ||
        (rc = check_host_aliases(c, p)) < 0 || (rc = check_service_account(c, p)) < 0 ||
        (rc = wl_check_images(c, p)) < 0 || (rc = wl_check_pod_secrets(c, p)) < 0)
        return rc;
    return 0;
}

static int verdicts(wl_ctx *c)
{
    const ld_k8s_set *s = c->s;
    size_t files = ld_k8s_set_files(s);
    for (int k = 0; k < WL_COUNT; k++) {
        const wl_tally *t = &c->tally[k];
        const char *what;
        switch ((wl_check)k) {
        case WL_SERVICE_EXPOSURE: what = t->judged ? "Services" : "no Service in the inputs"; break;
        case WL_SECRET_MANIFEST: what = t->judged ? "Secrets" : "no Secret in the inputs"; break;
        case WL_DEFAULT_NAMESPACE:
            what = t->judged ? "namespaced objects" : "no namespaced object in the inputs";
            break;
        case WL_LITERAL_SECRETS:
            what =
                t->judged ? "pod specs and ConfigMaps" : "no pod spec or ConfigMap in the inputs";
            break;
        case WL_PROBES:
            what = t->judged ? "pod specs of long-running workloads"
                             : "no pod spec of a long-running workload in the inputs (Jobs and "
                               "CronJobs need no probes)";
            break;
        case WL_IMAGE_TRUSTED:
            if (!c->o->trusted_registries || c->o->trusted_registries->n == 0)
                continue; /* declared not assessed by the family */
            what = t->judged ? "pod specs" : "no pod spec in the inputs";
            break;
        default: what = t->judged ? "pod specs" : "no pod spec in the inputs"; break;
        }
        int rc = t->judged ? ld_k8s_verdict(c->r, wl_check_ids[k], s, t->judged, t->failed, c->err,
                                            "%zu %s in %zu file%s, none failed", t->judged, what,
                                            files, files == 1 ? "" : "s")
                           : ld_k8s_verdict(c->r, wl_check_ids[k], s, 0, 0, c->err, "%s", what);
        if (rc < 0)
            return rc;
    }
    return 0;
}

int ld_k8s_workload_family(ld_findings *r, const ld_k8s_set *s, const ld_k8s_scan_options *o,
                           ld_error *err)
{
    wl_ctx c = {.r = r, .s = s, .o = o, .err = err};
    c.rules = o->secret_rules ? o->secret_rules : ld_secret_rules_builtin(err);
    if (!c.rules)
        return -1;
    if (!o->trusted_registries || o->trusted_registries->n == 0)
        ld_findings_scope(r, LD_SCOPE_NOT_ASSESSED, wl_check_ids[WL_IMAGE_TRUSTED],
                          "the policy lists no trusted-registries: add them to judge where "
                          "workload images come from");
    build_indexes(&c);
    ld_k8s_owners owners = LD_K8S_OWNERS_INIT;
    ld_k8s_owners_build(&owners, s);
    int rc = 0;
    size_t n = ld_k8s_set_count(s);
    for (size_t i = 0; i < n && rc == 0; i++) {
        const ld_k8s_object *obj = ld_k8s_set_object(s, i);
        /* judged through its controller (a Deployment's ReplicaSets and Pods) */
        if (ld_k8s_controller_in_set(&owners, obj))
            continue;
        ld_k8s_pod p;
        if (ld_k8s_pod_of(obj, &p))
            rc = check_pod(&c, &p);
        else if (is_kind(obj, "Service"))
            rc = check_service(&c, obj);
        else if (is_kind(obj, "ConfigMap"))
            rc = wl_check_configmap(&c, obj);
        else if (is_kind(obj, "Secret"))
            rc = wl_check_secret_object(&c, obj);
        if (rc == 0)
            rc = check_default_namespace(&c, obj);
    }
    if (rc == 0)
        rc = verdicts(&c);
    ld_k8s_owners_clear(&owners);
    ld_strmap_clear(&c.service_accounts);
    for (size_t i = 0; i < c.limit_ranges.cap; i++)
        free(c.limit_ranges.slots[i].value);
    ld_strmap_clear(&c.limit_ranges);
    for (size_t i = 0; i < c.shown.cap; i++)
        free(c.shown.slots[i].value);
    ld_strmap_clear(&c.shown);
    return rc;
}
