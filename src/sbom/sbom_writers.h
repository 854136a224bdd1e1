/* SBOM writers: CycloneDX 1.6 JSON and SPDX 2.3 JSON documents of an
 * ld_sbom, with the image (when known) as the root component/package and
 * layer attribution for every package. Output only: lockdown does not read
 * SBOMs. Every string goes through the streaming JSON writer, so hostile
 * names, versions and paths still yield valid JSON. Layer history
 * (created_by) comes from the image model already masked
 * (ld_secret_mask_history, image/image.h): the writers print it as is. */
#ifndef LD_SBOM_SBOM_WRITERS_H
#define LD_SBOM_SBOM_WRITERS_H

#include <stdio.h>

#include "core/error.h"
#include "image/image.h"
#include "sbom/sbom.h"

/* Write s as a CycloneDX 1.6 JSON BOM to out. img may be NULL when unknown
 * (no metadata.component then). Returns 0, or < 0 with err set when random
 * bytes for the serial number cannot be had or out reports a write error
 * (part of the document may have been written). */
int ld_sbom_write_cyclonedx(FILE *out, const ld_sbom *s, const ld_image *img, ld_error *err);

/* Write s as an SPDX 2.3 JSON document to out. img may be NULL when unknown
 * (the document then DESCRIBES each package directly). Returns as above. */
int ld_sbom_write_spdx(FILE *out, const ld_sbom *s, const ld_image *img, ld_error *err);

#endif
