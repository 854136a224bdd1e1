/* Running a kubeconfig's exec credential plugin
 * (client.authentication.k8s.io/v1 and v1beta1) as kubectl does, and
 * reading the ExecCredential it prints: status.token, or
 * status.clientCertificateData + clientKeyData, and expirationTimestamp.
 *
 * The command runs with posix_spawn, argv and environment only, never a
 * shell: argv = the command and its args, environment = lockdown's plus the
 * kubeconfig's env entries plus KUBERNETES_EXEC_INFO (an ExecCredential
 * with spec.interactive false, and spec.cluster when provideClusterInfo is
 * set). Standard input is /dev/null: lockdown never lets a plugin prompt,
 * so interactiveMode Always is refused. The plugin has a deadline (killed
 * with its process group after it), its standard output is capped at 1 MiB
 * and its standard error at 8 KiB (only the first line of it appears in an
 * error message, with the secrets lockdown knows masked). Not for running
 * anything else. */
#ifndef LD_K8S_EXEC_CREDENTIAL_H
#define LD_K8S_EXEC_CREDENTIAL_H

#include <stddef.h>
#include <time.h>

#include "core/error.h"
#include "k8s/kubeconfig.h"

#define LD_K8S_EXEC_TIMEOUT_MS 60000L
#define LD_K8S_EXEC_MAX_OUTPUT ((size_t)1 << 20)

typedef struct {
    char *token;           /* or NULL */
    char *client_cert_pem; /* with client_key_pem, or both NULL */
    char *client_key_pem;
    time_t expires; /* 0: no expirationTimestamp */
} ld_k8s_exec_result;

/* Runs ep->exec for ep's cluster (its server, CA and TLS settings go into
 * KUBERNETES_EXEC_INFO when provideClusterInfo is set) within timeout_ms
 * (0: LD_K8S_EXEC_TIMEOUT_MS) and fills *out. Returns 0, or a negative
 * ld_errcode with err naming the plugin and the user: LD_ERR_NOT_FOUND (the
 * command does not exist; the installHint follows), LD_ERR_UNREACHABLE (it
 * failed or timed out), LD_ERR_CORRUPT (its output is not an
 * ExecCredential of the version asked for), LD_ERR_LIMIT (too much output),
 * LD_ERR_UNSUPPORTED (interactiveMode Always). */
int ld_k8s_exec_credential(const ld_k8s_endpoint *ep, long timeout_ms, ld_k8s_exec_result *out,
                           ld_error *err);

/* Wipes and frees what *r holds; r is zeroed. */
void ld_k8s_exec_result_clear(ld_k8s_exec_result *r);

/* The value of KUBERNETES_EXEC_INFO for ep (a new string, caller frees):
 * {"apiVersion":V,"kind":"ExecCredential","spec":{"interactive":false[,
 * "cluster":{...}]}}. */
char *ld_k8s_exec_info(const ld_k8s_endpoint *ep);

#endif
