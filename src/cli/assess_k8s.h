/* The orchestrator tier of `lockdown assess` (assess_k8s.c). */
#ifndef LD_CLI_ASSESS_K8S_H
#define LD_CLI_ASSESS_K8S_H

#include "cli/cli.h"
#include "core/findings.h"

typedef struct {
    const char *host_root;  /* the node's files */
    const char *host_name;  /* target id of node findings */
    const char *kubeconfig; /* --kubeconfig; NULL: $KUBECONFIG or ~/.kube/config if any */
    const char *context;    /* --context; NULL: the current context */
} cli_assess_k8s;

/* Adds the node checks and, when a kubeconfig is given or found, the
 * cluster checks to r, with their scope. *scope receives one line for the
 * report's scope (NULL when there was nothing of Kubernetes; caller
 * frees). Returns < 0 only when a finding could not be added (err set). */
int cli_assess_k8s_run(cli_session *s, ld_findings *r, const cli_assess_k8s *k, char **scope,
                       ld_error *err);

#endif
