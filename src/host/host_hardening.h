/* The host hardening checks of NIST SP 800-190 HOST-03 to HOST-05 in one
 * call, for `lockdown assess`: host.immutable (host_immutable.h), the
 * authentication auditing checks (auth_audit.h) and host.container-files
 * (container_files.h). Each reads files under host_root ("/" or a mounted
 * host file system) and returns findings; none writes output. */
#ifndef LD_HOST_HOST_HARDENING_H
#define LD_HOST_HOST_HARDENING_H

#include "core/error.h"
#include "core/findings.h"

/* Runs the three checks into fs. docker_data_root: the engine's
 * DockerRootDir when an engine answered (NULL: /var/lib/docker). Returns
 * 0, or the first error (LD_ERR_NOT_FOUND when host_root is not a
 * directory; a findings limit), err set; checks after it are not run. */
int ld_host_hardening_check(ld_findings *fs, const char *host_root, const char *docker_data_root,
                            ld_error *err);

#endif
