/* Vulnerability matching: the packages of an SBOM against the vulnerability
 * database (src/vuln/db.h), emitted as findings of check
 * image.vulnerabilities with ld_vuln_fields filled (src/core/finding.h).
 * OS packages are matched by source package within the exact distro release
 * (Debian 12 -> bookworm, Alpine 3.19 -> v3.19); language packages by
 * ecosystem + name, never by CPE. Filters apply here, so the report and the
 * exit code see the same findings. */
#ifndef LD_VULN_MATCH_H
#define LD_VULN_MATCH_H

#include <stdbool.h>

#include "core/error.h"
#include "core/findings.h"
#include "core/types.h"
#include "image/image.h"
#include "sbom/sbom.h"
#include "util/strlist.h"
#include "vuln/ignore_file.h"

typedef struct {
    const char *target;       /* the target as given, for coverage; NULL: the image's name */
    const char *db_path;      /* NULL: ld_vulndb_default_path() */
    bool ignore_unfixed;      /* drop findings with no fixed version */
    ld_strlist ignore_status; /* fix statuses to drop ("will-not-fix", "end-of-life", ...) */
    unsigned severity_set;      /* --severity: LD_SEV_BIT()s of the severities kept; 0: all */
    const ld_ignore_list *ignore_list; /* already loaded (borrowed); wins over ignore_file */
    const char *ignore_file; /* file of ids to ignore (one per line, # comments, optional expiry);
                                NULL: none */
    ld_strlist vex_files;    /* OpenVEX documents (--vex) */
    int max_db_age_days;     /* warn (report note) when the database is older; 0: default 7 */
    bool db_optional;        /* no database: the check is "not assessed", not an error */
} ld_vuln_options;

/* Match every package of sbom (img may be NULL for dir:) and add one
 * finding per (vulnerability, package) to r, with its own severity.
 * Declares image.vulnerabilities in the set's scope. Per ecosystem of the
 * SBOM (and distro release for OS packages) it records coverage
 * (ld_findings_coverage: packages, and whether the database holds
 * advisories for it) and, when that ecosystem has no vulnerability
 * finding, one verdict of the same check:
 *   - covered, nothing (left after the filters): LD_STATUS_PASS, "N deb
 *     packages of debian 12 matched against the database: no known
 *     vulnerability";
 *   - not covered by the database: LD_STATUS_ERROR, "not assessed: the
 *     database has no advisories for apk alpine 3.19 (...): run 'lockdown
 *     db update' with a source for it";
 *   - an ecosystem lockdown cannot match (OS packages of a distribution
 *     without a feed, no os-release): LD_STATUS_ERROR, "not assessed:
 *     lockdown cannot match ...".
 * An SBOM with unread package databases (sbom->unread: over a size cap or
 * a budget, refused, corrupt, not delivered by the image reader) gets no
 * pass: one LD_STATUS_ERROR "not assessed: N package databases could not
 * be read ... (first: REASON)" instead, beside the vulnerability findings
 * of what was read.
 * No package at all: LD_STATUS_PASS "no packages to match" when the SBOM
 * has no notes (every cataloger read everything), LD_STATUS_ERROR when
 * files were skipped or could not be parsed. Rules: docs/vuln-matching.md.
 * No database: with opt->db_optional the check is declared not assessed
 * (the reason says how to get one) and 0 returned; otherwise returns
 * LD_ERR_NOT_FOUND with a message saying how to get one ("run 'lockdown db
 * update' or 'lockdown db import PATH'"). */
int ld_vuln_scan(ld_findings *r, const ld_sbom *sbom, const ld_image *img,
                 const ld_vuln_options *opt, ld_error *err);

#endif
