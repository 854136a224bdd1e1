/* The steps `lockdown image scan` and `lockdown assess` share for one image
 * (image_scan_run.h): the database lookup, the findings of a read image, and
 * what an unreadable image owes. Moved here from the image scan command so
 * both run the same code; the checks themselves are in image_scan.c,
 * image_config.c, image_files.c, image_signature.c and vuln/match.c. */
#include "checks/image_scan_run.h"

#include <unistd.h>

#include "checks/image_checks.h"
#include "util/mem.h"
#include "vuln/db.h"

bool ld_image_scan_db_present(const char *given, char **path, ld_error *err)
{
    *path = given ? ld_xstrdup(given) : ld_vulndb_default_path(err);
    return *path && access(*path, R_OK) == 0;
}

int ld_image_scan_findings(ld_findings *r, const char *target, const ld_image_scan_options *opt,
                           const ld_image_scan_result *res, const ld_vuln_options *vopt,
                           ld_error *err)
{
    int e = ld_image_scan_report(r, target, opt, res, err);
    if (e == 0 && vopt)
        e = ld_vuln_scan(r, &res->sbom, res->img, vopt, err);
    return e;
}

int ld_image_scan_unread(ld_findings *r, const char *target_id, const char *target_name,
                         const ld_image_scan_options *opt, bool vuln, const char *why,
                         ld_error *err)
{
    static const char *const config_ids[] = {LD_IMAGE_CONFIG_CHECKS, LD_IMAGE_FILE_CHECKS};
    const char *ids[sizeof(config_ids) / sizeof(config_ids[0]) + 3];
    size_t n = 0;
    for (size_t i = 0; opt->config && i < sizeof(config_ids) / sizeof(config_ids[0]); i++)
        ids[n++] = config_ids[i];
    if (opt->config && opt->signatures)
        ids[n++] = "image.signature";
    if (opt->secrets)
        ids[n++] = "image.secrets";
    if (vuln)
        ids[n++] = "image.vulnerabilities";
    for (size_t i = 0; i < n; i++) {
        if (ld_findings_check(r, ids[i], LD_STATUS_ERROR, LD_TARGET_IMAGE, target_id, target_name,
                              err, "not assessed: %s", why) < 0)
            return -1;
    }
    return 0;
}
