/* CVSS base scores computed from vector strings, so every score lockdown
 * shows comes from the vector and not from whatever number a feed carried.
 * v3.0/v3.1: the specification's base-score formula (3.1 Roundup). v4.0:
 * not computed (the MacroVector lookup tables are not implemented); callers
 * get LD_ERR_UNSUPPORTED. Temporal/environmental metrics are ignored. */
#ifndef LD_VULN_CVSS_H
#define LD_VULN_CVSS_H

#include "core/error.h"

/* Computes the base score of a "CVSS:3.x/AV:../AC:../PR:../UI:../S:../C:../
 * I:../A:.." vector (metrics in any order, extra temporal metrics allowed).
 * Returns 0 and sets *score (0.0 .. 10.0), or LD_ERR_INVALID naming the
 * vector. err may be NULL. */
int ld_cvss3_base_score(const char *vector, double *score, ld_error *err);

/* Same for "CVSS:4.0/..." vectors: LD_ERR_UNSUPPORTED for now (after
 * checking the prefix; LD_ERR_INVALID for anything else). */
int ld_cvss4_base_score(const char *vector, double *score, ld_error *err);

/* Qualitative rating of a score: "none", "low", "medium", "high", "critical". */
const char *ld_cvss_rating(double score);

#endif
