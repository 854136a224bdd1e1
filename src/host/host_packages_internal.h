/* Shared between the parts of the host package check (host_packages.c: the
 * driver and the vulnerability match; host_pkgdb.c: reading the package
 * databases under a root; host_reboot.c: host.reboot-pending). Not a
 * public interface: callers use host_packages.h. */
#ifndef LD_HOST_HOST_PACKAGES_INTERNAL_H
#define LD_HOST_HOST_PACKAGES_INTERNAL_H

#include <stddef.h>

#include "core/error.h"
#include "core/findings.h"
#include "host/host_packages.h"
#include "sbom/sbom.h"

/* Files listed in /var/lib/dpkg/status.d at most (distroless keeps one
 * per package: a few hundred); more is a database not read in full. */
#define LD_HOST_STATUS_D_MAX 100000

/* Reads the host's package databases and os-release under root into out
 * (zeroed first; ld_sbom_clear frees it) as the SBOM of an image would
 * hold them: packages with found_in the database's path and layer -1,
 * purls with the distro qualifier, every database that exists but could
 * not be read in out->unread (and its reason in out->notes). *n_databases
 * receives how many package databases exist under root (read or not).
 * progress may be NULL. Never fails: what could not be read is in out. */
void ld_host_read_packages(const char *root, ld_sbom *out, size_t *n_databases,
                           void (*progress)(void *ctx, const char *msg), void *progress_ctx);

/* Emits host.reboot-pending for the host named host under root, from the
 * reboot-required flag files and the kernel packages in pkgs (see
 * host_packages.h). Returns 0 or what ld_findings_add returned. */
int ld_host_reboot_check(ld_findings *r, const char *root, const ld_host_packages_options *o,
                         const char *host, const ld_package_list *pkgs, ld_error *err);

#endif
