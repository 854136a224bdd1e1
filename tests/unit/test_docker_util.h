/* Helpers for the docker check unit tests: the built-in catalog, a fresh
 * findings set on a fixed clock, and lookups of one check's finding in the
 * set the checks returned (status, evidence, target), asserted directly on
 * the ld_finding records. Include after <cmocka.h>. */
#ifndef LD_TEST_DOCKER_UTIL_H
#define LD_TEST_DOCKER_UTIL_H

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/catalog.h"
#include "core/findings.h"
#include "core/types.h"

/* 2026-12-03 00:00:00 UTC: the tests' clock, so verdicts that depend on the
 * date (release data age) do not change as time passes. */
#define TEST_NOW ((time_t)1796256000)

static ld_catalog *catalog;

static int setup(void **state)
{
    (void)state;
    ld_error err = LD_ERROR_INIT;
    catalog = ld_catalog_load_builtin(&err);
    if (!catalog)
        fprintf(stderr, "built-in catalog: %s\n", err.msg);
    return catalog ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    ld_catalog_free(catalog);
    return 0;
}

/* The first finding of check (on target_id when not NULL), or NULL. */
__attribute__((unused)) static const ld_finding *
find_finding(const ld_findings *fs, const char *check, const char *target_id)
{
    for (size_t i = 0; i < fs->n; i++) {
        const ld_finding *f = fs->v[i];
        if (strcmp(f->check_id, check) == 0 &&
            (!target_id || (f->target.id && strcmp(f->target.id, target_id) == 0)))
            return f;
    }
    return NULL;
}

__attribute__((unused)) static const ld_finding *finding(const ld_findings *fs, const char *check)
{
    const ld_finding *f = find_finding(fs, check, NULL);
    if (!f)
        fail_msg("no finding for %s", check);
    return f;
}

__attribute__((unused)) static const char *evidence(const ld_findings *fs, const char *check)
{
    const char *e = finding(fs, check)->evidence;
    return e ? e : "";
}

__attribute__((unused)) static size_t count_check(const ld_findings *fs, const char *check)
{
    size_t n = 0;
    for (size_t i = 0; i < fs->n; i++)
        n += strcmp(fs->v[i]->check_id, check) == 0;
    return n;
}

#define assert_check(fs, check, want)                                                              \
    do {                                                                                           \
        const ld_finding *f_ = finding(fs, check);                                                 \
        if (f_->status != (want))                                                                  \
            fail_msg("%s: expected %s, got %s (evidence: %s)", check, ld_status_name(want),        \
                     ld_status_name(f_->status), f_->evidence ? f_->evidence : "");                \
    } while (0)

#define assert_evidence_has(fs, check, text)                                                       \
    do {                                                                                           \
        const char *e_ = evidence(fs, check);                                                      \
        if (!strstr(e_, text))                                                                     \
            fail_msg("%s: evidence lacks \"%s\": %s", check, text, e_);                            \
    } while (0)

#endif
