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
#include "core/report.h"
#include "core/types.h"
#include "image/image.h"
#include "sbom/sbom.h"
#include "util/strlist.h"

typedef struct {
    const char *db_path;        /* NULL: ld_vulndb_default_path() */
    bool ignore_unfixed;        /* drop findings with no fixed version */
    ld_strlist ignore_status;   /* fix statuses to drop ("will-not-fix", "end-of-life", ...) */
    bool has_min_severity;      /* --severity: keep findings at or above */
    ld_severity min_severity;
    const char *ignore_file;    /* file of ids to ignore (one per line, # comments, optional expiry); NULL: none */
    ld_strlist vex_files;       /* OpenVEX documents (--vex) */
    int max_db_age_days;        /* warn (report note) when the database is older; 0: default 7 */
} ld_vuln_options;

/* Match every package of sbom (img may be NULL for dir:) and emit one
 * finding per (vulnerability, package). No database: returns
 * LD_ERR_NOT_FOUND with a message saying how to get one
 * ("run 'lockdown db update' or 'lockdown db import PATH'"). */
int ld_vuln_scan(ld_report *r, const ld_sbom *sbom, const ld_image *img,
                 const ld_vuln_options *opt, ld_error *err);

#endif
