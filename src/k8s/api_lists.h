/* A live cluster as an object set: `lockdown k8s scan --kubeconfig FILE
 * [--context C]` (and later `lockdown assess`) read, through the API and
 * with GET only, the lists of every kind the check families judge —
 * namespaces, nodes, pods, replicationcontrollers, services,
 * serviceaccounts, configmaps, secrets, deployments, statefulsets,
 * daemonsets, replicasets, jobs, cronjobs, roles, clusterroles,
 * rolebindings, clusterrolebindings, networkpolicies, ingresses,
 * poddisruptionbudgets — across every namespace, into the same ld_k8s_set
 * the manifest loader fills (one "file" per list: its URL), so every check
 * family runs unchanged.
 *
 * A list the server refuses (403) is recorded as unread with the reason:
 * the checks then say "not assessed" and the gate fails closed. A list the
 * server does not serve (404 for every group/version lockdown knows, e.g.
 * batch/v1 and batch/v1beta1 cronjobs) is noted: not applicable. A server
 * that cannot be reached, a TLS failure, a timeout or credentials it does
 * not accept (401) stop the read: an error for the caller.
 *
 * Secrets: lockdown needs `list` on secrets like any other kind, but keeps
 * no Secret value: the values of data and stringData (and the
 * kubectl.kubernetes.io/last-applied-configuration annotation, which
 * repeats them) are overwritten with zeros as soon as a page is parsed,
 * and every response body is wiped before it is freed. What remains is
 * what the checks use: names, namespaces, types, labels, annotations and
 * the keys. Not for reading anything else, and never a write. */
#ifndef LD_K8S_API_LISTS_H
#define LD_K8S_API_LISTS_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "core/error.h"
#include "core/findings.h"
#include "k8s/api_client.h"
#include "k8s/manifest.h"

/* What lockdown saw of the cluster it read, for the report. Owned
 * strings; ld_k8s_cluster_info_clear frees them. */
typedef struct {
    char *kubeconfig;          /* the kubeconfig file(s) */
    char *context;             /* the context used */
    char *cluster;             /* its cluster's name */
    char *user;                /* its user's name ("" for none) */
    char *server;              /* the server URL (credentials removed) */
    char *server_version;      /* "v1.30.2" from GET /version, or NULL */
    bool tls;                  /* https:// */
    bool verified;             /* https and the certificate verified */
    char *trust;               /* how the server was verified, or why it was not */
    char *auth;                /* how lockdown authenticated ("bearer token (tokenFile F)", ...) */
    time_t credential_expires; /* an exec plugin's expirationTimestamp; 0: none */
    size_t lists_read, lists_refused, lists_not_served, lists_unread;
    size_t objects;       /* objects added to the set */
    size_t requests;      /* GET requests sent */
    size_t bytes;         /* response bytes received */
    size_t secrets_wiped; /* Secrets whose values were erased on receipt */
} ld_k8s_cluster_info;

void ld_k8s_cluster_info_clear(ld_k8s_cluster_info *info);

typedef struct {
    const char *kubeconfig;        /* NULL: $KUBECONFIG (merged), else ~/.kube/config */
    const char *context;           /* NULL: the current context */
    long request_timeout_ms;       /* per request; 0: LD_K8S_API_REQUEST_MS; < 0: no total limit */
    long exec_timeout_ms;          /* an exec plugin's deadline; 0: LD_K8S_EXEC_TIMEOUT_MS */
    const ld_k8s_api_options *api; /* NULL: the defaults (its request_ms yields to the above) */
    ld_k8s_cluster_info *info;     /* filled when not NULL (also on failure, as far as known) */
    /* progress, "listing pods"; NULL: none */
    void (*progress)(void *ctx, const char *what);
    void *progress_ctx;
} ld_k8s_cluster_options;

/* Reads the cluster o names into s. Returns 0 when every list was asked
 * for (refused and unserved ones recorded in s), or a negative ld_errcode
 * with err in one line when the read had to stop: no or bad kubeconfig,
 * the exec plugin failed, the server unreachable, TLS failure, timeout,
 * 401, not a Kubernetes API server. Nothing is printed. */
int ld_k8s_load_cluster(ld_k8s_set *s, const ld_k8s_cluster_options *o, ld_error *err);

/* The check about the connection itself, k8s.cluster.api-tls-verify: pass
 * when lockdown verified the API server's certificate, fail when the
 * kubeconfig turns verification off (insecure-skip-tls-verify: neither
 * lockdown nor kubectl with that kubeconfig can tell the real server from
 * an impostor, which then receives the credentials) or the server is plain
 * http://. Declares the check owed. */
int ld_k8s_cluster_findings(ld_findings *r, const ld_k8s_cluster_info *info, ld_error *err);

/* One line for a report's scope: "kubernetes cluster CONTEXT (SERVER,
 * v1.30.2): N objects in M lists[, K not read]". Caller frees. */
char *ld_k8s_cluster_scope(const ld_k8s_cluster_info *info);

#endif
