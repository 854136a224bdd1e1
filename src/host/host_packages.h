/* The host's own packages against the vulnerability database, and whether
 * updates wait for a reboot (NIST SP 800-190 4.5.3, HOST-02: hosts scanned
 * for vulnerabilities and updates applied). Reads the package databases of
 * a host under a root directory by name — dpkg (/var/lib/dpkg/status and
 * status.d), rpm (/var/lib/rpm or /usr/lib/sysimage/rpm: rpmdb.sqlite,
 * Packages.db, Packages), apk (/lib/apk/db/installed) — through the SBOM
 * catalogers, never walking the file system, every file resolved inside
 * the root (host_files.h); matches them with the image scan's matcher
 * (vuln/match.h). Not for images (sbom.h, match.h) and not for the kernel's
 * own configuration. */
#ifndef LD_HOST_HOST_PACKAGES_H
#define LD_HOST_HOST_PACKAGES_H

#include <stdbool.h>
#include <stddef.h>

#include "core/error.h"
#include "core/findings.h"
#include "vuln/match.h"

#define LD_HOST_PACKAGES_CHECK "host.package-vulnerabilities"
#define LD_HOST_REBOOT_CHECK "host.reboot-pending"

typedef struct {
    /* The matcher's options, as `image scan` fills them (borrowed, may be
     * NULL: defaults): db_path (NULL: ld_vulndb_default_path()), ignore
     * file or list, VEX documents, --ignore-unfixed / --ignore-status /
     * --severity, max_db_age_days (0: 7). Its target and db_optional are
     * not used: a missing database is always "not assessed" here. */
    const ld_vuln_options *vuln;
    /* The host name for target ids; NULL: ld_host_name(host_root). */
    const char *host_name;
    /* host_root is the root of the machine this runs on ("/", or the
     * host's / mounted into a container on that host), so uname() names
     * its running kernel. Always true when host_root is "/". */
    bool running_host;
    /* The running kernel, for tests and for a root whose running kernel
     * is known otherwise: release (uname -r) and version (uname -v). NULL:
     * uname() when running_host, else unknown. */
    const char *kernel_release;
    const char *kernel_version;
    /* Optional progress lines ("reading /var/lib/dpkg/status"). */
    void (*progress)(void *ctx, const char *msg);
    void *progress_ctx;
    /* Optional output: what the check saw, for the host tier's summary
     * line; filled also when the host could not be assessed. The caller
     * frees it with ld_host_packages_summary_clear. */
    struct ld_host_packages_summary *summary;
} ld_host_packages_options;

typedef struct ld_host_packages_summary {
    size_t packages;  /* OS packages read */
    size_t databases; /* package databases found (read or not) */
    char *ecosystems; /* "deb", "deb, rpm"; NULL when none */
    char *release;    /* "debian 12"; NULL when no os-release */
    bool matched;     /* the packages were matched against a database */
} ld_host_packages_summary;

void ld_host_packages_summary_clear(ld_host_packages_summary *s);

/* Emits host.package-vulnerabilities and host.reboot-pending into r, both
 * declared owed in r's scope, targets LD_TARGET_HOST (id: the host name).
 *
 * host.package-vulnerabilities: one FAIL finding per (vulnerability,
 * installed package) with ld_vuln_fields filled as the image scan fills
 * them (path: the package database it came from), and per ecosystem one
 * verdict when nothing is left: PASS "N deb packages of debian 12 matched
 * against the database: no known vulnerability; database built DATE",
 * WARN instead of PASS when the database is older than max_db_age_days.
 * Not assessed (an ERROR finding saying why, and the scope declared
 * LD_SCOPE_NOT_ASSESSED when nothing at all could be matched): no
 * package database under the root ("no dpkg, rpm or apk database under
 * ROOT"), a database that could not be read (over its cataloger's cap,
 * corrupt, a link leading nowhere inside the root), databases that list no
 * installed package (emptied, or garbage), no vulnerability
 * database, a database without advisories for the host's release, a
 * distribution lockdown cannot match. Coverage (ld_findings_coverage) is
 * recorded per ecosystem with the host name as target; the matcher's
 * notes (stale database, filtered counts) are copied into r.
 *
 * host.reboot-pending: FAIL when ROOT/run/reboot-required or
 * ROOT/var/run/reboot-required exists (evidence: the packages listed in
 * reboot-required.pkgs), or when the running kernel is older than the
 * newest installed kernel package (deb linux-image-RELEASE, rpm kernel /
 * kernel-core, compared with the package manager's own version order; a
 * Debian kernel whose package was upgraded in place is found through the
 * package version in uname -v). WARN when kernel packages are installed
 * but the running kernel is none of them. PASS when the running kernel is
 * the newest installed and no flag is set. SKIPPED (not applicable) when
 * no kernel package is installed under the root (a container, a kernel
 * managed elsewhere) and no flag is set. ERROR when kernel packages are
 * installed and the running kernel is unknown (a root that is not the
 * running host).
 *
 * Returns 0 (a host that could not be assessed is findings, not an error),
 * or < 0 with err set when r refuses a finding (ld_findings_add) or the
 * catalog lacks the checks. o may be NULL (defaults); host_root NULL is
 * "/". */
int ld_host_packages_check(ld_findings *r, const char *host_root, const ld_host_packages_options *o,
                           ld_error *err);

#endif
