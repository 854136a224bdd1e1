/* Host operating system check (NIST SP 800-190 4.5.1, HOST-01: use a
 * container-specific host OS). Reads the host's os-release under a root
 * directory ("/" for this machine, or a mounted host file system), so it
 * runs the same against a live host and a copy of one. Not for kernel or
 * package checks (host.kernel-version, host.package-updates). */
#ifndef LD_HOST_HOST_OS_H
#define LD_HOST_HOST_OS_H

#include "core/error.h"
#include "core/findings.h"

/* Emits the host.container-os finding into r. root is the host's root
 * directory; ROOT/etc/os-release is read (falling back to
 * ROOT/usr/lib/os-release), resolved inside root (symlinks cannot leave it),
 * capped at 64 KiB. Status: pass when ID, ID_LIKE or VARIANT_ID names a
 * container-optimised OS (Bottlerocket, Flatcar, Fedora/RHEL CoreOS,
 * Talos, Container-Optimized OS, RancherOS, k3OS, openSUSE MicroOS, SLE
 * Micro), fail otherwise (the recommendation is not met), error when no
 * os-release can be read or parsed. Evidence: the identifying lines as
 * written, e.g. `ID=debian VERSION_ID="12"`. Target LD_TARGET_HOST, id the
 * host name (gethostname for root "/", else ROOT/etc/hostname when present).
 * Returns 0; LD_ERR_NOT_FOUND if root is not a directory; or what
 * ld_findings_add returned. err is set on failure. */
int ld_host_os_check(ld_findings *r, const char *root, ld_error *err);

/* The host name for target ids: gethostname() for root "/" (or NULL),
 * ROOT/etc/hostname's first line otherwise, falling back to gethostname().
 * Caller frees; never NULL ("localhost" if nothing is known). */
char *ld_host_name(const char *root);

#endif
