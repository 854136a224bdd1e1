/* HOST-03 to HOST-05 host checks in one call. See host_hardening.h. */
#include "host/host_hardening.h"

#include "host/auth_audit.h"
#include "host/container_files.h"
#include "host/host_immutable.h"

int ld_host_hardening_check(ld_findings *fs, const char *host_root, const char *docker_data_root,
                            ld_error *err)
{
    int rc = ld_host_immutable_check(fs, host_root, err);
    if (rc == 0)
        rc = ld_host_auth_audit_check(fs, host_root, err);
    if (rc == 0)
        rc = ld_host_container_files_check(fs, host_root, docker_data_root, err);
    return rc;
}
