/* image.signature for `image scan` (checks/image_scan.h): which registry
 * digests name the image that was read — a registry: read's own reference
 * at the manifest digest it pulled, an engine image's RepoDigests from the
 * caller — and the verdict of trust/signature_check.h on them. An image
 * read from a file cannot show a registry signature: not assessed. */
#include <string.h>

#include "checks/image_scan.h"
#include "registry/client.h"
#include "trust/signature_check.h"
#include "util/cleanup.h"
#include "util/mem.h"

int ld_image_signature_report(ld_findings *r, const char *target,
                              const ld_image_scan_options *opt, const ld_image *img,
                              ld_error *err)
{
    ld_findings_scope(r, LD_SCOPE_OWED, "image.signature", NULL);
    const char *id = ld_image_id(img);
    const char *kind = ld_image_source_kind(img);
    const char *digest = ld_image_manifest_digest(img);
    ld_strlist digests = {0};
    bool from_file = true;
    if (kind && strcmp(kind, "registry") == 0) {
        from_file = false;
        ld_reg_ref ref;
        ld_error perr = LD_ERROR_INIT;
        if (digest && ld_reg_ref_parse(ld_image_name(img), &ref, &perr) == 0) {
            ld_strlist_push_owned(&digests,
                                  ld_xasprintf("%s/%s@%s", ref.registry, ref.repo, digest));
            ld_reg_ref_clear(&ref);
        }
    } else if (kind && strcmp(kind, "docker") == 0) {
        from_file = false;
        for (size_t i = 0; opt->repo_digests && i < opt->repo_digests->n; i++)
            ld_strlist_push(&digests, opt->repo_digests->v[i]);
    }
    int rc = ld_signature_check_image(opt->signatures, r, "image.signature", LD_TARGET_IMAGE,
                                      id ? id : target, target, &digests, from_file, err);
    ld_strlist_clear(&digests);
    return rc;
}
