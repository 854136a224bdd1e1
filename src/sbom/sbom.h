/* SBOM collection: read an image (or dir:) once through every cataloger and
 * the os-release reader, keep the packages whose source file is visible in
 * the final file system, attributed to the layer that brought them. */
#ifndef LD_SBOM_SBOM_H
#define LD_SBOM_SBOM_H

#include "core/error.h"
#include "image/image.h"
#include "sbom/package.h"

typedef struct {
    ld_package_list packages; /* sorted by ecosystem, name, version, found_in */
    char *os_id;              /* os-release ID ("debian"), NULL if none */
    char *os_version_id;      /* "12" */
    char *os_codename;        /* VERSION_CODENAME, "bookworm" */
    char *os_pretty_name;
    ld_strlist notes;         /* skipped files, parse problems that were not fatal */
} ld_sbom;

/* Collect the SBOM of target. *img_out (if not NULL) receives the image for
 * attribution (caller frees). Returns 0 or < 0 with err set. */
int ld_sbom_collect(const char *target, const ld_image_options *opt, ld_sbom *out,
                    ld_image **img_out, ld_error *err);
/* As ld_sbom_collect, with extra analyzers run in the same read of the image
 * (image scan: secrets and account files), so the image is read once. */
int ld_sbom_collect_with(const char *target, const ld_image_options *opt,
                         const ld_analyzer *extra, size_t n_extra, ld_sbom *out,
                         ld_image **img_out, ld_error *err);
void ld_sbom_clear(ld_sbom *s);

#endif
