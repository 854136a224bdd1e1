/* The per-image summary of a report that covers many images (`registry
 * scan`): one row per image target, in the order the images were read,
 * with what a reader scans a registry for: its reference and tags, its
 * packages, its vulnerabilities by severity, the checks that failed and
 * the checks that could not look. Derived from the findings set alone
 * (findings, coverage and the evaluation's exceptions), so every writer
 * that shows it shows the same numbers. The table and JSON writers use
 * it; other commands' reports do not change. Not a public API for
 * callers outside src/core/report_*.c. */
#ifndef LD_CORE_REPORT_TARGETS_H
#define LD_CORE_REPORT_TARGETS_H

#include <stdbool.h>
#include <stddef.h>

#include "core/report.h"

typedef struct {
    const char *id;      /* the image's target id (borrowed from the set): "HOST/REPO@DIGEST" */
    const char *name;    /* its name ("HOST/REPO:TAG,TAG"), or NULL */
    bool packages_known; /* the vulnerability scan recorded coverage for it */
    size_t packages;     /* packages matched, all ecosystems (coverage) */
    size_t vulns[LD_SEV_COUNT]; /* vulnerability findings not excepted, by severity */
    size_t failed;       /* distinct checks that failed (not excepted), vulnerabilities aside */
    size_t not_assessed; /* distinct checks that could not look */
} ld_report_target_row;

typedef struct {
    ld_report_target_row *v;
    size_t n;
} ld_report_targets;

/* Does r's report carry the summary (`registry scan`; `assess` when it
 * read images)? */
bool ld_report_targets_wanted(const ld_report *r);
/* The rows of r (every image target of its set). */
void ld_report_targets_collect(const ld_report *r, ld_report_targets *out);
void ld_report_targets_clear(ld_report_targets *t);

#endif
