/* Docker host checks read from the host's files under a root directory:
 * CIS Docker 1.1.1 (data root on its own partition), 1.1.2 (docker group
 * members), 1.1.3-1.1.18 (audit rules for Docker's files, from auditctl -l
 * or the rules files, parsed by audit_rules.c) and section 3 (owner and
 * mode of docker.service, docker.socket, /etc/docker, registry and TLS
 * certificates, daemon.json, /etc/default/docker, /etc/sysconfig/docker,
 * docker.sock, containerd.sock).
 * Not for the daemon's settings (daemon_checks.h) or containers.
 *
 * Check ids: host.docker-partition, host.docker-group,
 * host.audit-rule.{dockerd,run-containerd,var-lib-docker,etc-docker,
 * docker-service,containerd-sock,docker-socket,etc-default-docker,
 * daemon-json,containerd-config,etc-sysconfig-docker,containerd,
 * containerd-shim,containerd-shim-runc-v1,containerd-shim-runc-v2,runc},
 * file.{docker-service,docker-socket-unit,etc-docker,registry-certs,tls-ca,
 * tls-cert,tls-key,docker-sock,daemon-json,etc-default-docker,
 * etc-sysconfig-docker,containerd-sock}-{owner,mode}. */
#ifndef LD_DOCKER_HOST_CHECKS_H
#define LD_DOCKER_HOST_CHECKS_H

#include <stdbool.h>

#include <jansson.h>

#include "core/error.h"
#include "core/findings.h"
#include "docker/daemon_config.h"

typedef struct {
    const char *root;      /* host root ("/" or a mounted host) */
    bool live;             /* this machine: run auditctl -l, look groups up through NSS */
    const char *host_name; /* target id of host findings */
    /* Non-NULL: the engine's host is not visible here (a remote engine and
     * root "/"); every check is an error finding (not assessed) saying this. */
    const char *unseen;
} ld_host_check_options;

/* Section 1 checks (partition, docker group, audit rules). info gives
 * DockerRootDir (may be NULL: the configuration's data-root, else
 * /var/lib/docker). A file a rule is for that does not exist on the host
 * is skipped ("not present"). The docker group is looked up through NSS
 * when live, else in ROOT/etc/group and ROOT/etc/passwd; a group that
 * cannot be looked up is an error (not assessed), never a pass. Returns 0
 * or an emit error. */
int ld_docker_host_checks(ld_findings *r, const ld_host_check_options *o,
                          const ld_daemon_config *cfg, const json_t *info, ld_error *err);

/* Section 3 file checks: lstat under the root, evidence
 * `/run/docker.sock 0660 root:docker`. Unit files are searched where
 * systemd looks (/etc/systemd/system, /run/systemd/system,
 * /usr/lib/systemd/system, /lib/systemd/system); TLS files come from the
 * configuration; docker.sock from its unix:// hosts (default
 * /var/run/docker.sock); registry certificates from a walk of
 * /etc/docker/certs.d (symlinks never followed out of it, at most
 * CERT_DEPTH_MAX levels and CERT_FILES_MAX files: beyond is an error
 * naming the cap). Owner root means uid / gid 0. Missing files are
 * skipped; files that cannot be looked at are errors. Target
 * LD_TARGET_FILE (id: the path). Returns 0 or an emit error. */
int ld_docker_file_checks(ld_findings *r, const ld_host_check_options *o,
                          const ld_daemon_config *cfg, ld_error *err);

#endif
