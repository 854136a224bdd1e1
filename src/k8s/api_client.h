/* The Kubernetes API client of `lockdown k8s scan --kubeconfig`: GET
 * requests only (lockdown never changes a cluster), on libcurl, to the
 * server of one resolved kubeconfig context (kubeconfig.h).
 *
 * TLS: the server is verified with the context's CA (certificate-authority
 * or -data, and then only that CA, as kubectl does) or the system's CAs;
 * insecure-skip-tls-verify turns verification off (the caller reports it);
 * tls-server-name sets the name verified and sent in SNI. Client
 * certificates and keys are handed to libcurl from memory (never written to
 * a file). A bearer token, basic auth and impersonation go into headers;
 * they are never logged, and every message that quotes the server (a
 * Status message) has them masked. Credentials are never sent over plain
 * http:// (refused at ld_k8s_api_new).
 *
 * Lists are read in pages (`limit` and `continue`); a continue token that
 * expired (410 Gone) restarts the list once from the start, a second
 * expiry gives up. 429 and 5xx are retried with exponential back-off,
 * honouring Retry-After. Everything is bounded: connect, total and
 * low-speed timeouts per request (util/http_timeouts.h), bytes per
 * response and per run, pages per list, nodes per page. After a request
 * timed out the server is not asked again in this run.
 *
 * Responses are parsed into util/yaml_doc.h trees (the manifest loader's
 * model) and every response body is wiped from memory once parsed. Not
 * for watching, writing, or any verb but GET. Not thread-safe. */
#ifndef LD_K8S_API_CLIENT_H
#define LD_K8S_API_CLIENT_H

#include <stdbool.h>
#include <stddef.h>

#include "core/error.h"
#include "k8s/kubeconfig.h"
#include "util/http_timeouts.h"
#include "util/yaml_doc.h"

#define LD_K8S_API_CONNECT_MS 10000L
#define LD_K8S_API_REQUEST_MS 60000L /* `--request-timeout` sets this */
#define LD_K8S_API_LOW_SPEED_BYTES 1024L
#define LD_K8S_API_LOW_SPEED_S 20L
#define LD_K8S_API_MAX_PAGE_BYTES ((size_t)32 << 20)
#define LD_K8S_API_MAX_TOTAL_BYTES ((size_t)1 << 30)
#define LD_K8S_API_MAX_PAGES ((size_t)4096)
#define LD_K8S_API_PAGE_LIMIT ((size_t)250)
#define LD_K8S_API_RETRIES 4
#define LD_K8S_API_RETRY_BASE_MS 500L
#define LD_K8S_API_RETRY_MAX_WAIT_MS 30000L

typedef struct {
    /* zero fields take the LD_K8S_API_* defaults; request_ms < 0: no total
     * limit per request (connect and low-speed limits still apply) */
    ld_http_timeouts timeouts;
    size_t max_page_bytes;  /* one response */
    size_t max_total_bytes; /* every response of the run together */
    size_t max_pages;       /* pages of one list */
    int max_retries;        /* of one request on 429/5xx; < 0: none */
    long retry_base_ms;     /* first back-off, doubled each time */
    long retry_max_wait_ms; /* longest wait; a longer Retry-After gives up */
} ld_k8s_api_options;

typedef struct ld_k8s_api ld_k8s_api;

/* What became of a request. The err of the call says why, in one line
 * naming the server and the path. */
typedef enum {
    LD_K8S_API_OK,
    LD_K8S_API_NOT_SERVED,   /* 404: the server does not serve this (group/version absent) */
    LD_K8S_API_REFUSED,      /* 403: these credentials may not do this */
    LD_K8S_API_UNAUTHORIZED, /* 401: the credentials were not accepted */
    LD_K8S_API_UNREAD,       /* an answer that cannot be used: a limit, malformed JSON, not
                                the list asked for, expired twice, 5xx/429 after retries */
    LD_K8S_API_FAILED,       /* the server cannot be talked to: connect, TLS, timeout */
} ld_k8s_api_outcome;

/* A client for ep's server and credentials (copied: ep may be cleared
 * after). Returns NULL with err set when the endpoint cannot be used
 * (credentials over http://, libcurl refused an option). */
ld_k8s_api *ld_k8s_api_new(const ld_k8s_endpoint *ep, const ld_k8s_api_options *o, ld_error *err);
void ld_k8s_api_free(ld_k8s_api *a);

/* Replaces the credentials with what an exec plugin returned: a bearer
 * token, and/or a client certificate and key (PEM). NULL leaves that part
 * as it was. */
void ld_k8s_api_set_credentials(ld_k8s_api *a, const char *token, const char *cert_pem,
                                const char *key_pem);

/* GETs path (from the server's root, e.g. "/version") and parses the JSON
 * answer into *out (caller frees with ld_yaml_free). */
ld_k8s_api_outcome ld_k8s_api_get(ld_k8s_api *a, const char *path, ld_yaml_node **out,
                                  ld_error *err);

/* The pages of one list, in order. */
typedef struct {
    ld_yaml_node **pages; /* each a list object (kind XList), items inside */
    size_t n, cap;
    size_t items;    /* items over every page */
    size_t requests; /* GETs sent for this list (retries and restarts included) */
    int restarts;    /* times the list restarted after 410 Gone */
} ld_k8s_api_list_result;

void ld_k8s_api_list_result_clear(ld_k8s_api_list_result *r);

/* Lists path (e.g. "/api/v1/pods": every namespace) page by page, at most
 * page_limit items a page (0: LD_K8S_API_PAGE_LIMIT). Every page must be a
 * list_kind ("PodList") of api_version ("v1"). On LD_K8S_API_OK *out holds
 * every page (the caller takes the trees, or clears *out); otherwise *out
 * holds nothing and err says why. */
ld_k8s_api_outcome ld_k8s_api_list(ld_k8s_api *a, const char *path, const char *api_version,
                                   const char *list_kind, size_t page_limit,
                                   ld_k8s_api_list_result *out, ld_error *err);

/* The server as shown in messages (credentials in the URL removed). */
const char *ld_k8s_api_server(const ld_k8s_api *a);
/* Requests sent and response bytes received so far. */
size_t ld_k8s_api_requests(const ld_k8s_api *a);
size_t ld_k8s_api_bytes(const ld_k8s_api *a);

/* Copies text with every occurrence of the secrets the client holds
 * (token, password, basic-auth header value) replaced by "***", control
 * characters replaced by '?', cut at max characters (0: no cut). For
 * quoting what a server or a plugin said. Caller frees. */
char *ld_k8s_api_mask(const ld_k8s_api *a, const char *text, size_t max);

#endif
