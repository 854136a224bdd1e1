/* SPDX licence identifiers and licence expressions for the SBOM writers:
 * a compiled-in list of the common SPDX License List ids and exceptions
 * (a subset of list 3.29; every entry is also in CycloneDX's spdx.schema.json
 * enum, so a CycloneDX license.id we write always validates), a few
 * aliases for the short names Debian copyright files use ("GPL-2+"), and a
 * parser that checks and normalises an SPDX license expression
 * (SPDX 2.3 Annex D: AND, OR, WITH, '+', parentheses, LicenseRef-).
 *
 * Also the small pieces both writers (cyclonedx.c, spdx.c) share: the set of
 * identifiers that keeps bom-refs and SPDXIDs unique, random v4 UUIDs,
 * timestamps and the image's package URL. Not a licence scanner: it never
 * looks at licence texts. */
#ifndef LD_SBOM_SPDX_LICENSE_H
#define LD_SBOM_SPDX_LICENSE_H

#include <stdbool.h>
#include <stddef.h>

#include "core/error.h"
#include "image/image.h"

/* Canonical spelling of a licence id on our list (matched ignoring ASCII
 * case, "mit" -> "MIT", and through the aliases, "GPL-2+" ->
 * "GPL-2.0-or-later"); NULL when unknown. Static storage. */
const char *ld_spdx_license_id(const char *s);
/* Same for licence exceptions ("classpath-exception-2.0"). */
const char *ld_spdx_exception_id(const char *s);

/* Checks s as an SPDX license expression whose ids are all known (or
 * LicenseRef-/DocumentRef- references). Returns the normalised expression
 * (canonical ids, upper-case operators, single spaces; caller frees), or
 * NULL when s is not a valid expression (free text such as "BSD-like" or
 * "public domain"). *compound (may be NULL) is set when the result is more
 * than a single plain licence id (an operator, '+', or a reference).
 * Input longer than 4096 bytes or nested deeper than 32 is rejected. */
char *ld_spdx_expression_normalize(const char *s, bool *compound);

/* A set of owned strings: used identifiers. */
typedef struct {
    char **slots;
    size_t n, cap;
} ld_idset;

/* Adds s if absent; returns true when it was added (was not present). */
bool ld_idset_add(ld_idset *set, const char *s);
bool ld_idset_contains(const ld_idset *set, const char *s);
void ld_idset_clear(ld_idset *set);
/* Returns base if unused, otherwise base + "-2", "-3", ... (first unused);
 * the result is added to the set. Caller frees the result. */
char *ld_idset_unique(ld_idset *set, const char *base);

/* ---- shared by the SBOM writers ---------------------------------------- */

/* A random (version 4) UUID, lower-case "8-4-4-4-12", from OpenSSL's
 * RAND_bytes, else /dev/urandom. Returns 0, or < 0 with err set when
 * neither gives random bytes. */
int ld_sbom_uuid4(char out[37], ld_error *err);
/* Current UTC time as "YYYY-MM-DDThh:mm:ssZ" (the form both formats accept). */
void ld_sbom_timestamp(char out[21]);
/* The image's digest for SBOMs: the manifest digest, else the config digest
 * (image id); NULL when neither is known (dir:). img may be NULL. */
const char *ld_sbom_image_digest(const ld_image *img);
/* The image's display name: ld_image_name without a source prefix
 * ("docker-archive:", "dir:", ...); "unknown" when img is NULL or unnamed. */
const char *ld_sbom_image_display_name(const ld_image *img);
/* purl of the image, "pkg:oci/NAME@sha256%3A...?arch=..&repository_url=..&tag=..",
 * per the purl-spec oci type; NULL (nothing allocated) when no digest is
 * known. Caller frees. */
char *ld_sbom_image_purl(const ld_image *img);
/* Copy of s with every byte outside [A-Za-z0-9.-] replaced by '-', runs of
 * '-' collapsed, at most max bytes; "unknown" for NULL or empty. Caller frees. */
char *ld_sbom_idstring(const char *s, size_t max);

#endif
