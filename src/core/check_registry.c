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
    /* src/checks/image_scan.c (secrets.c) */
    "image.secrets",
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
