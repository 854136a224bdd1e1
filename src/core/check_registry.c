/* Which check ids this build implements. The catalog names checks that
 * later capabilities will add; a control counts as assessable only when one
 * of its checks is listed here, so reports can say "not assessed" honestly.
 * Each module that implements checks adds its ids to this table. */
#include <stddef.h>
#include <string.h>

#include "core/catalog.h"

static const char *const implemented[] = {
    /* src/host/host_os.c */
    "host.container-os",
    /* src/docker/engine_info_checks.c */
    "daemon.live-restore",
    "daemon.experimental",
    "daemon.userns-remap",
    "daemon.seccomp-profile",
    "daemon.insecure-registries",
    "daemon.storage-driver-aufs",
    "daemon.authz-plugin",
    "daemon.remote-logging",
    "engine.image-sprawl",
    "engine.container-sprawl",
    "engine.swarm-mode",
    "host.docker-version",
    /* src/checks/dockerfile_rules.c */
    "dockerfile.user",
    "dockerfile.sudo",
    "dockerfile.add-instruction",
    "dockerfile.remote-add",
    "dockerfile.pipe-to-shell",
    "dockerfile.unverified-packages",
    "dockerfile.package-pinning",
    "dockerfile.apt-no-recommends",
    "dockerfile.secrets",
    "dockerfile.from-latest",
    "dockerfile.base-trusted",
    "dockerfile.healthcheck",
    "dockerfile.chmod-777",
    "dockerfile.sensitive-port",
    "dockerfile.update-alone",
    /* src/docker/daemon_checks.c */
    "daemon.rootless", "daemon.icc", "daemon.log-level", "daemon.iptables", "daemon.tls",
    "daemon.default-ulimits", "daemon.cgroup-parent", "daemon.storage-opt-basesize",
    "daemon.no-new-privileges", "daemon.userland-proxy",
    /* src/docker/host_checks.c: CIS Docker 1.1.x */
    "host.docker-partition", "host.docker-group", "host.audit-rule.dockerd",
    "host.audit-rule.run-containerd", "host.audit-rule.var-lib-docker",
    "host.audit-rule.etc-docker", "host.audit-rule.docker-service",
    "host.audit-rule.containerd-sock", "host.audit-rule.docker-socket",
    "host.audit-rule.etc-default-docker", "host.audit-rule.daemon-json",
    "host.audit-rule.containerd-config", "host.audit-rule.etc-sysconfig-docker",
    "host.audit-rule.containerd", "host.audit-rule.containerd-shim",
    "host.audit-rule.containerd-shim-runc-v1", "host.audit-rule.containerd-shim-runc-v2",
    "host.audit-rule.runc",
    /* src/docker/host_checks.c: CIS Docker 3.x */
    "file.docker-service-owner", "file.docker-service-mode", "file.docker-socket-unit-owner",
    "file.docker-socket-unit-mode", "file.etc-docker-owner", "file.etc-docker-mode",
    "file.registry-certs-owner", "file.registry-certs-mode", "file.tls-ca-owner",
    "file.tls-ca-mode", "file.tls-cert-owner", "file.tls-cert-mode", "file.tls-key-owner",
    "file.tls-key-mode", "file.docker-sock-owner", "file.docker-sock-mode",
    "file.daemon-json-owner", "file.daemon-json-mode", "file.etc-default-docker-owner",
    "file.etc-default-docker-mode", "file.etc-sysconfig-docker-owner",
    "file.etc-sysconfig-docker-mode", "file.containerd-sock-owner", "file.containerd-sock-mode",
    /* src/docker/container_checks.c: CIS Docker 5.x (and 4.1 at runtime) */
    "container.apparmor", "container.selinux", "container.cap-add", "container.privileged",
    "container.sensitive-mounts", "container.sshd", "container.privileged-ports",
    "container.open-ports", "container.host-network", "container.memory-limit",
    "container.cpu-shares", "container.readonly-rootfs", "container.bind-all-interfaces",
    "container.restart-policy", "container.host-pid", "container.host-ipc", "container.devices",
    "container.ulimits", "container.mount-propagation", "container.host-uts",
    "container.seccomp", "container.cgroup-parent", "container.no-new-privileges",
    "container.health", "container.image-stale", "container.pids-limit",
    "container.default-bridge", "container.host-userns", "container.docker-sock",
    "container.user-nonroot", "container.log-driver",
    /* src/docker/swarm_checks.c: CIS Docker 7.x */
    "engine.swarm-managers", "engine.swarm-listen-addr", "engine.swarm-overlay-encryption",
    "engine.swarm-autolock", "engine.swarm-cert-expiry",
    /* src/vuln/match.c */
    "image.vulnerabilities",
    /* src/checks/image_config.c */
    "image.user-nonroot", "image.healthcheck", "image.config-secrets", "image.add-instruction",
    "image.update-alone", "image.tag-latest", "image.base-trusted", "image.sensitive-port",
    /* src/checks/image_files.c */
    "image.ssh-server", "image.setuid-files", "image.world-writable", "image.package-cache",
    "image.empty-password", "image.uid0-accounts", "image.sudo",
    /* src/checks/image_signature.c (registry signatures, trust/signature_check.c) */
    "image.signature",
    /* src/docker/container_trust.c: where running images come from */
    "container.image-trusted", "container.image-signed",
    /* src/checks/image_scan.c (secrets.c) */
    "image.secrets",
    /* src/registry/prune_report.c (registry scan: what registry.prune would delete) */
    "registry.stale-images",
    /* src/k8s/pss_rules.c (Pod Security Standards, one check per policy) */
    "pss.windows-host-process", "pss.host-namespaces", "pss.privileged",
    "pss.capabilities-baseline", "pss.host-path-volumes", "pss.host-ports",
    "pss.host-probes-lifecycle", "pss.apparmor", "pss.selinux", "pss.proc-mount",
    "pss.seccomp-baseline", "pss.sysctls", "pss.volume-types", "pss.privilege-escalation",
    "pss.running-as-non-root", "pss.running-as-non-root-user", "pss.seccomp-restricted",
    "pss.capabilities-restricted",
    /* src/k8s/rbac.c (RBAC least privilege, CIS Kubernetes 5.1) */
    "k8s.rbac.cluster-admin", "k8s.rbac.wildcards", "k8s.rbac.secrets-read",
    "k8s.rbac.create-pods", "k8s.rbac.pod-exec", "k8s.rbac.escalate-bind-impersonate",
    "k8s.rbac.pv-create", "k8s.rbac.nodes-proxy", "k8s.rbac.csr-approval",
    "k8s.rbac.webhook-config", "k8s.rbac.sa-token-create", "k8s.rbac.anonymous",
    "k8s.rbac.default-service-account", "k8s.rbac.sa-token-automount",
    "k8s.rbac.production-access",
    /* src/k8s/workload.c (workload hygiene beyond PSS, CIS Kubernetes 5.1.5/5.1.6 pod side,
     * 5.4.1, 5.7.4) */
    "k8s.workload.resource-requests", "k8s.workload.resource-limits", "k8s.workload.image-tag",
    "k8s.workload.image-digest", "k8s.workload.image-trusted", "k8s.workload.readonly-rootfs",
    "k8s.workload.sa-token-automount", "k8s.workload.default-service-account",
    "k8s.workload.probes", "k8s.workload.literal-secrets", "k8s.workload.secret-env",
    "k8s.workload.host-aliases", "k8s.workload.privileged-port",
    "k8s.workload.service-exposure", "k8s.workload.secret-object",
    "k8s.workload.default-namespace",
    /* src/k8s/netpol.c (network segmentation, CIS Kubernetes 5.3.2) */
    "k8s.network.default-deny-ingress", "k8s.network.default-deny-egress",
    "k8s.network.unselected-pods", "k8s.network.egress-open", "k8s.network.cross-sensitivity",
    /* src/k8s/pinning.c (host pinning of sensitivity levels) */
    "k8s.pinning.unpinned", "k8s.pinning.mixing",
    /* src/k8s/node_checks.c (CIS Kubernetes 1.2-1.4, 2, 3.2, 4.2, 4.3; OIDC) */
    "k8s.node.apiserver.anonymous-auth", "k8s.node.apiserver.token-auth-file",
    "k8s.node.apiserver.deny-service-external-ips", "k8s.node.apiserver.kubelet-client-cert",
    "k8s.node.apiserver.kubelet-certificate-authority",
    "k8s.node.apiserver.authorization-not-always-allow", "k8s.node.apiserver.authorization-node",
    "k8s.node.apiserver.authorization-rbac", "k8s.node.apiserver.event-rate-limit",
    "k8s.node.apiserver.always-admit", "k8s.node.apiserver.always-pull-images",
    "k8s.node.apiserver.service-account-admission", "k8s.node.apiserver.namespace-lifecycle",
    "k8s.node.apiserver.node-restriction", "k8s.node.apiserver.profiling",
    "k8s.node.apiserver.audit-log-path", "k8s.node.apiserver.audit-log-maxage",
    "k8s.node.apiserver.audit-log-maxbackup", "k8s.node.apiserver.audit-log-maxsize",
    "k8s.node.apiserver.service-account-lookup", "k8s.node.apiserver.service-account-key-file",
    "k8s.node.apiserver.etcd-client-cert", "k8s.node.apiserver.tls-cert",
    "k8s.node.apiserver.client-ca-file", "k8s.node.apiserver.etcd-cafile",
    "k8s.node.apiserver.encryption-provider-config", "k8s.node.apiserver.encryption-providers",
    "k8s.node.apiserver.tls-cipher-suites", "k8s.node.apiserver.oidc",
    "k8s.node.apiserver.audit-policy", "k8s.node.apiserver.audit-policy-coverage",
    "k8s.node.controller-manager.terminated-pod-gc-threshold",
    "k8s.node.controller-manager.profiling",
    "k8s.node.controller-manager.use-service-account-credentials",
    "k8s.node.controller-manager.service-account-private-key-file",
    "k8s.node.controller-manager.root-ca-file",
    "k8s.node.controller-manager.rotate-kubelet-server-certificate",
    "k8s.node.controller-manager.bind-address", "k8s.node.scheduler.profiling",
    "k8s.node.scheduler.bind-address", "k8s.node.etcd.client-tls-cert",
    "k8s.node.etcd.client-cert-auth", "k8s.node.etcd.auto-tls", "k8s.node.etcd.peer-tls-cert",
    "k8s.node.etcd.peer-client-cert-auth", "k8s.node.etcd.peer-auto-tls", "k8s.node.etcd.unique-ca",
    "k8s.node.kubelet.anonymous-auth", "k8s.node.kubelet.authorization-mode",
    "k8s.node.kubelet.client-ca-file", "k8s.node.kubelet.read-only-port",
    "k8s.node.kubelet.streaming-idle-timeout", "k8s.node.kubelet.iptables-util-chains",
    "k8s.node.kubelet.hostname-override", "k8s.node.kubelet.server-tls",
    "k8s.node.kubelet.rotate-certificates", "k8s.node.kubelet.rotate-server-certificate",
    "k8s.node.kubelet.tls-cipher-suites", "k8s.node.kubelet.pod-pids-limit",
    "k8s.node.proxy.metrics-bind-address",
    /* src/k8s/node_files.c (CIS Kubernetes 1.1, 4.1: owners and modes) */
    "k8s.node.apiserver.manifest-mode", "k8s.node.apiserver.manifest-owner",
    "k8s.node.controller-manager.manifest-mode", "k8s.node.controller-manager.manifest-owner",
    "k8s.node.scheduler.manifest-mode", "k8s.node.scheduler.manifest-owner",
    "k8s.node.etcd.manifest-mode", "k8s.node.etcd.manifest-owner", "k8s.node.cni.file-mode",
    "k8s.node.cni.file-owner", "k8s.node.etcd.data-dir-mode", "k8s.node.etcd.data-dir-owner",
    "k8s.node.control-plane.admin-conf-mode", "k8s.node.control-plane.admin-conf-owner",
    "k8s.node.scheduler.kubeconfig-mode", "k8s.node.scheduler.kubeconfig-owner",
    "k8s.node.controller-manager.kubeconfig-mode", "k8s.node.controller-manager.kubeconfig-owner",
    "k8s.node.control-plane.pki-owner", "k8s.node.control-plane.pki-cert-mode",
    "k8s.node.control-plane.pki-key-mode", "k8s.node.kubelet.service-file-mode",
    "k8s.node.kubelet.service-file-owner", "k8s.node.proxy.kubeconfig-mode",
    "k8s.node.proxy.kubeconfig-owner", "k8s.node.kubelet.kubeconfig-mode",
    "k8s.node.kubelet.kubeconfig-owner", "k8s.node.kubelet.client-ca-mode",
    "k8s.node.kubelet.client-ca-owner", "k8s.node.kubelet.config-mode",
    "k8s.node.kubelet.config-owner",
    /* src/k8s/api_lists.c (the live cluster's connection: kubeconfig TLS verification) */
    "k8s.cluster.api-tls-verify",
    /* src/registry/audit_remote.c (a registry seen from outside), audit_config.c (its
       config.yml), audit_htpasswd.c; src/trust/host_trust_policy.c (containers policy) */
    "registry.tls", "registry.tls-version", "registry.certificate", "registry.auth-required",
    "registry.v1-api", "registry.delete-api", "registry.insecure-transport",
    "registry.config.auth", "registry.config.tls", "registry.config.notifications",
    "registry.config.storage-delete", "registry.config.log-level", "registry.config.http-secret",
    "registry.htpasswd.mode", "registry.htpasswd.bcrypt", "host.containers-policy",
    "host.containers-sigstore-attachments",
    /* src/host/log_forwarding.c (journald, rsyslog, syslog-ng forwarding off the host);
       src/runtime/monitor_detect.c (a runtime monitor running: CTR-01) */
    "host.log-forwarding", "host.runtime-monitor",
    /* src/forensics/readiness.c (lockdown capture can freeze, read memory, copy layers) */
    "host.forensics-ready",
    /* src/host/host_packages.c (the host's packages against the vulnerability database),
       src/host/host_reboot.c (updates waiting for a reboot): HOST-02 */
    "host.package-vulnerabilities", "host.reboot-pending",
    /* src/host/host_immutable.c, auth_audit.c, container_files.c (HOST-03 to HOST-05) */
    "host.immutable", "host.audit-logins", "host.audit-sudo", "host.audit-privilege-escalation",
    "host.auditd-running", "host.container-files",
    /* src/aws/ecs_task_checks.c */
    "aws.ecs.privileged", "aws.ecs.root-user", "aws.ecs.readonly-rootfs", "aws.ecs.capabilities",
    "aws.ecs.host-namespaces", "aws.ecs.init-process", "aws.ecs.environment-secrets",
    "aws.ecs.log-configuration", "aws.ecs.image-trusted", "aws.ecs.image-digest",
    "aws.ecs.resource-limits", "aws.ecs.host-bind-mounts",
    /* src/aws/ecs_service_checks.c */
    "aws.ecs.fargate-platform-version", "aws.ecs.public-ip", "aws.ecs.container-insights",
    "aws.ecs.exec-audit",
    /* src/aws/ecr_checks.c */
    "aws.ecr.scan-on-push", "aws.ecr.tag-immutability", "aws.ecr.lifecycle-policy",
    "aws.ecr.kms-encryption", "aws.ecr.repository-policy", "aws.ecr.pull-through-cache",
    /* src/aws/eks_checks.c */
    "aws.eks.public-endpoint", "aws.eks.control-plane-logs", "aws.eks.secrets-encryption",
    "aws.eks.version-support", "aws.eks.nodegroup-remote-access", "aws.eks.imdsv2",
    "aws.eks.addon-versions",
    NULL,
};

bool ld_check_implemented(const char *check_id)
{
    for (const char *const *p = implemented; *p; p++)
        if (strcmp(*p, check_id) == 0)
            return true;
    return false;
}

const char *const *ld_implemented_checks(void) { return implemented; }
