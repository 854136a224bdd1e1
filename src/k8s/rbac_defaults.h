/* The Kubernetes default user-facing ClusterRoles as manifests (see
 * rbac_defaults.c): what the RBAC model falls back to when a binding names
 * cluster-admin, admin, edit or view and the inputs do not define it. */
#ifndef LD_K8S_RBAC_DEFAULTS_H
#define LD_K8S_RBAC_DEFAULTS_H

/* The name findings and notes give these objects' "file". */
extern const char ld_rbac_defaults_name[];
/* Multi-document YAML, one ClusterRole per document. */
extern const char ld_rbac_defaults_yaml[];

#endif
