/* host.container-files (NIST SP 800-190 4.5.4, HOST-05: minimal file
 * system permissions for containers): the host's container state is not
 * open to other users. Read under a root directory ("/" or a mounted host):
 *
 *   directories  the Docker data root (default /var/lib/docker) and its
 *                containers/, volumes/, image/; /var/lib/containerd and
 *                /run/containerd: owned by root, not group- or
 *                other-writable
 *   configs      DATA_ROOT/containers/ID/config.v2.json and hostconfig.json
 *                (environment variables, log driver options: secrets): not
 *                readable or writable by a group other than root's, or by
 *                others, through directories those users can traverse
 *                (Docker's own 0644 hostconfig.json behind its 0710
 *                directories is not exposed)
 *
 * At most LD_CONTAINER_FILES_MAX containers are read; past that the check
 * says so (a failure found still fails; otherwise not assessed in full).
 * Not applicable when neither Docker's data root nor containerd's
 * directories exist. CIS Docker section 3 (docker.service, daemon.json,
 * the sockets, TLS files: docker/host_checks.h) is not repeated here. */
#ifndef LD_HOST_CONTAINER_FILES_H
#define LD_HOST_CONTAINER_FILES_H

#include <stddef.h>

#include "core/error.h"
#include "core/findings.h"

#define LD_CONTAINER_FILES_MAX 10000

/* Emits host.container-files into fs (declared owed, or not applicable).
 * docker_data_root: the engine's DockerRootDir when known (NULL:
 * /var/lib/docker). Returns 0, or LD_ERR_NOT_FOUND when host_root is not a
 * directory, or what ld_findings_add returned (err set). */
int ld_host_container_files_check(ld_findings *fs, const char *host_root,
                                  const char *docker_data_root, ld_error *err);
/* The same with another cap on the containers read (tests; a caller that
 * wants a shorter walk). max_containers 0: LD_CONTAINER_FILES_MAX. */
int ld_host_container_files_check_max(ld_findings *fs, const char *host_root,
                                      const char *docker_data_root, size_t max_containers,
                                      ld_error *err);

#endif
