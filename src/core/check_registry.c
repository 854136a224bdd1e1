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
    /* policy gate itself */
    "policy.gate",
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
