/* CVSS base scores computed from vector strings, so every score lockdown
 * shows comes from the vector and not from whatever number a feed carried.
 * v3.0/v3.1: the specification's base-score formula (3.1 Roundup);
 * temporal/environmental metrics are ignored. v4.0: the specification's
 * MacroVector scoring (cvss4.c), threat/environmental metrics included. */
#ifndef LD_VULN_CVSS_H
#define LD_VULN_CVSS_H

#include "core/error.h"

/* Computes the base score of a "CVSS:3.x/AV:../AC:../PR:../UI:../S:../C:../
 * I:../A:.." vector (metrics in any order, extra temporal metrics allowed).
 * Returns 0 and sets *score (0.0 .. 10.0), or LD_ERR_INVALID naming the
 * vector. err may be NULL. */
int ld_cvss3_base_score(const char *vector, double *score, ld_error *err);

/* Computes the score FIRST's CVSS v4.0 specification defines for a
 * "CVSS:4.0/AV:../AC:../AT:../PR:../UI:../VC:../VI:../VA:../SC:../SI:../SA:.."
 * vector: CVSS-B when only base metrics are given, CVSS-BT/-BE/-BTE when
 * threat (E) or environmental (CR/IR/AR, M*) metrics are present;
 * supplemental metrics (S, AU, R, V, RE, U) are checked but do not change it.
 * Metrics in any order, each at most once, all eleven base metrics required,
 * nothing unknown, at most 512 bytes. Returns 0 and sets *score (0.0 .. 10.0,
 * one decimal), or LD_ERR_INVALID naming the vector (*score untouched).
 * err may be NULL. */
int ld_cvss4_base_score(const char *vector, double *score, ld_error *err);

/* ld_cvss4_base_score without the error detail: 0, or < 0 when invalid. */
int ld_cvss4_score(const char *vector, double *score);

/* Qualitative rating of a score: "none", "low", "medium", "high", "critical". */
const char *ld_cvss_rating(double score);

#endif
