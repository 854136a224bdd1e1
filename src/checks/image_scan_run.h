/* One image checked the way `lockdown image scan` checks it, shared by that
 * command and `lockdown assess` (every image a running container uses):
 * where the vulnerability database is, the findings of a read image
 * (configuration, files, signature, secrets, then vulnerabilities), and
 * the "not assessed" findings of an image that could not be read. Not for
 * reading the image (image_scan.c) or for anything a user sees directly
 * (the CLI prints). */
#ifndef LD_CHECKS_IMAGE_SCAN_RUN_H
#define LD_CHECKS_IMAGE_SCAN_RUN_H

#include <stdbool.h>

#include "checks/image_scan.h"
#include "core/error.h"
#include "core/findings.h"
#include "vuln/match.h"

/* The vulnerability database a scan would open: given, else the default
 * ($LOCKDOWN_DB or the per-user cache). *path gets it (caller frees; NULL
 * when there is no default location: err then says why). Returns true when
 * it is a file this process may read. Opens nothing. */
bool ld_image_scan_db_present(const char *given, char **path, ld_error *err);

/* The findings of a read image into r: ld_image_scan_report (the checks opt
 * selects), then, when vopt is not NULL, ld_vuln_scan over the image's
 * SBOM. target names the image in the findings ("docker:app:1"). Returns 0,
 * or < 0 with err set (what either call returned); findings added before a
 * failure stay in r. */
int ld_image_scan_findings(ld_findings *r, const char *target, const ld_image_scan_options *opt,
                           const ld_image_scan_result *res, const ld_vuln_options *vopt,
                           ld_error *err);

/* An image that could not be read: one error finding ("not assessed: WHY")
 * of every check a scan with opt (and vuln) would have owed, about target
 * (kind image, id target_id, name target_name), so none of them passes for
 * it. Returns 0 or what ld_findings_add returned. */
int ld_image_scan_unread(ld_findings *r, const char *target_id, const char *target_name,
                         const ld_image_scan_options *opt, bool vuln, const char *why,
                         ld_error *err);

#endif
