/* kubeconfig files as kubectl reads them, for `lockdown k8s scan
 * --kubeconfig FILE [--context C]`: clusters, users and contexts, the
 * current context or the one named, and one context resolved into what a
 * client needs to reach the API server as that user (ld_k8s_endpoint):
 * the server URL, the CA to verify it with (certificate-authority-data or
 * the certificate-authority file), insecure-skip-tls-verify, a client
 * certificate and key (inline *-data or files), a bearer token (token or
 * tokenFile; the file wins, as in client-go), basic auth, an OIDC
 * auth-provider's id-token, impersonation, or an exec credential plugin
 * (its command, argv and environment; running it is exec_credential.h).
 *
 * Several files (KUBECONFIG=a:b) merge as kubectl merges them: a cluster,
 * user or context name defined by an earlier file wins, the first file
 * that sets current-context wins, files that do not exist are skipped.
 * Relative paths (certificate-authority, client-certificate, client-key,
 * tokenFile, and an exec command containing a '/') are resolved against
 * the directory of the file that wrote them.
 *
 * What kubectl refuses, this refuses too, with a message naming the file
 * and the entry: a duplicate name in one file, both a file and inline data
 * for the same certificate, a certificate without its key, a CA together
 * with insecure-skip-tls-verify, token and basic auth together. Secrets
 * (tokens, passwords, keys) never appear in a message, and are wiped from
 * memory when the endpoint and the kubeconfig are freed. Files are bounded
 * (16 MiB each, nesting and node counts of util/yaml_doc.h). Not for
 * writing kubeconfigs, and not the HTTP client (api_client.h). */
#ifndef LD_K8S_KUBECONFIG_H
#define LD_K8S_KUBECONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "core/error.h"
#include "util/strlist.h"

/* The exec credential plugin of a user
 * (client.authentication.k8s.io/v1 or v1beta1). */
typedef struct {
    char *api_version;      /* "client.authentication.k8s.io/v1" or ".../v1beta1" */
    char *command;          /* as run: a command with a '/' resolved against the
                               kubeconfig's directory, a bare name looked up in PATH */
    ld_strlist args;        /* argv[1..] */
    ld_strlist env;         /* "NAME=VALUE", added to lockdown's environment */
    char *interactive_mode; /* "Never", "IfAvailable", "Always"; NULL when not set (v1beta1) */
    bool provide_cluster_info;
    char *install_hint; /* or NULL */
} ld_k8s_exec_config;

/* One context resolved: how to reach its cluster as its user. Every
 * pointer is owned; free with ld_k8s_endpoint_clear (which wipes the
 * secrets first). */
typedef struct {
    char *kubeconfig;      /* the file(s) read, for messages */
    char *context;         /* the context's name */
    char *cluster;         /* the cluster's name */
    char *user;            /* the user's name; "" when the context names none (anonymous) */
    char *namespace_;      /* the context's namespace, or NULL (lockdown lists every namespace) */
    char *server;          /* "https://host[:port][/prefix]" without a trailing '/' */
    char *tls_server_name; /* or NULL */
    char *proxy_url;       /* or NULL */
    bool insecure_skip_tls_verify;
    bool disable_compression;
    /* the CA bundle (PEM) to verify the server with; NULL: the system's */
    char *ca_pem;
    size_t ca_len;
    char *ca_source; /* "certificate-authority-data of cluster X" or "certificate-authority FILE" */
    /* client certificate and key (PEM), both or neither */
    char *client_cert_pem;
    size_t client_cert_len;
    char *client_key_pem;
    size_t client_key_len;
    char *client_cert_source; /* where they came from, for the report */
    char *token;              /* bearer token, or NULL */
    char *token_source; /* "token of user U", "tokenFile FILE", "id-token of the oidc auth-provider"
                         */
    char *username;     /* basic auth, or NULL */
    char *password;
    char *impersonate_user;        /* `as`, or NULL */
    char *impersonate_uid;         /* `as-uid`, or NULL */
    ld_strlist impersonate_groups; /* `as-groups` */
    ld_k8s_exec_config *exec;      /* or NULL */
} ld_k8s_endpoint;

typedef struct ld_kubeconfig ld_kubeconfig;

/* Largest kubeconfig file read. */
#define LD_KUBECONFIG_MAX_BYTES ((size_t)16 << 20)

/* Loads the kubeconfig at path (it must exist), or when path is NULL the
 * files $KUBECONFIG names (':'-separated, merged; missing ones skipped),
 * else $HOME/.kube/config. Returns 0 and *out (free with
 * ld_kubeconfig_free), or a negative ld_errcode: LD_ERR_NOT_FOUND (no
 * kubeconfig), LD_ERR_CORRUPT (not a kubeconfig, a duplicate name, ...),
 * LD_ERR_LIMIT, LD_ERR_INVALID. */
int ld_kubeconfig_load(const char *path, ld_kubeconfig **out, ld_error *err);

/* Loads each of paths[0..n) in order and merges them (kubectl's rules);
 * a path that does not exist is skipped when skip_missing, else an error.
 * At least one must exist. */
int ld_kubeconfig_load_files(const char *const *paths, size_t n, bool skip_missing,
                             ld_kubeconfig **out, ld_error *err);

/* Loads one kubeconfig from memory; name is its path (relative paths in it
 * resolve against name's directory). */
int ld_kubeconfig_load_buffer(const char *name, const char *buf, size_t len, ld_kubeconfig **out,
                              ld_error *err);

void ld_kubeconfig_free(ld_kubeconfig *kc);

/* current-context, or NULL when no file sets one. */
const char *ld_kubeconfig_current_context(const ld_kubeconfig *kc);
/* The context names, in the order the files define them. */
size_t ld_kubeconfig_context_count(const ld_kubeconfig *kc);
const char *ld_kubeconfig_context_name(const ld_kubeconfig *kc, size_t i);
/* The files read, ", "-joined ("a.yaml, b.yaml"); owned by kc. */
const char *ld_kubeconfig_files(const ld_kubeconfig *kc);

/* Resolves context (NULL: the current context) into *out: reads the files
 * the entries name (CA, client certificate and key, tokenFile) and decodes
 * the inline data. Does not run an exec plugin (see exec_credential.h).
 * Returns 0, or a negative ld_errcode with err naming the kubeconfig, the
 * context and the entry; *out is then cleared. */
int ld_kubeconfig_resolve(const ld_kubeconfig *kc, const char *context, ld_k8s_endpoint *out,
                          ld_error *err);

/* Wipes the secrets of e and frees everything it holds; e is zeroed. */
void ld_k8s_endpoint_clear(ld_k8s_endpoint *e);
void ld_k8s_exec_config_free(ld_k8s_exec_config *x);

/* Overwrites s[0..strlen(s)) with zeros, then frees it. NULL is fine. */
void ld_k8s_free_secret(char *s);

/* Decodes base64 (RFC 4648 standard alphabet, padded; CR and LF ignored,
 * as Go's decoder does for kubeconfig *-data fields) into a new
 * NUL-terminated buffer. Returns NULL for text that is not base64. */
char *ld_k8s_base64_decode(const char *text, size_t *out_len);

#endif
