/* test_k8s_family.h — running one Kubernetes check family (workload,
 * network, pinning) over manifests written in a test, and counting what it
 * filed. Shared by test_k8s_workload.c, test_k8s_netpol.c and
 * test_k8s_pinning.c. Include after cmocka.h.
 *
 *   run r = run_family(ld_k8s_workload_family, yaml, NULL);
 *   assert_int_equal(count(&r, "k8s.workload.probes", LD_STATUS_FAIL, "web"), 1);
 *   done(&r);
 */
#ifndef LD_TEST_K8S_FAMILY_H
#define LD_TEST_K8S_FAMILY_H

#include <string.h>

#include "core/catalog.h"
#include "core/findings.h"
#include "k8s/k8s_scan.h"
#include "k8s/manifest.h"

typedef struct {
    ld_catalog *cat;
    ld_k8s_set *set;
    ld_findings *fs;
    int rc;
    ld_error err;
} run;

/* Loads yaml (as "m.yaml") and runs fn with options o (NULL: defaults). */
static inline run run_family(ld_k8s_family_fn fn, const char *yaml, const ld_k8s_scan_options *o)
{
    run r = {0};
    r.err = (ld_error)LD_ERROR_INIT;
    r.cat = ld_catalog_load_builtin(&r.err);
    if (!r.cat)
        fail_msg("catalog: %s", r.err.msg);
    r.set = ld_k8s_set_new(NULL);
    if (yaml && ld_k8s_load_buffer(r.set, "m.yaml", yaml, strlen(yaml), &r.err) < 0)
        fail_msg("load: %s", r.err.msg);
    r.fs = ld_findings_new(r.cat, 0);
    ld_k8s_scan_options def = {.level = LD_LEVEL_MEDIUM, .inputs = "m.yaml"};
    r.rc = fn(r.fs, r.set, o ? o : &def, &r.err);
    if (r.rc < 0)
        fail_msg("family: %s", r.err.msg);
    return r;
}

static inline void done(run *r)
{
    ld_findings_free(r->fs);
    ld_k8s_set_free(r->set);
    ld_catalog_free(r->cat);
}

/* Findings of check with status whose target id or evidence contains
 * needle (NULL: any). */
static inline size_t count(const run *r, const char *check, ld_status st, const char *needle)
{
    size_t n = 0;
    for (size_t i = 0; i < r->fs->n; i++) {
        const ld_finding *f = r->fs->v[i];
        if (strcmp(f->check_id, check) != 0 || f->status != st)
            continue;
        if (needle && !(f->evidence && strstr(f->evidence, needle)) &&
            !(f->target.id && strstr(f->target.id, needle)))
            continue;
        n++;
    }
    return n;
}

/* The first finding of check with status (NULL if none). */
static inline const ld_finding *first(const run *r, const char *check, ld_status st)
{
    for (size_t i = 0; i < r->fs->n; i++)
        if (strcmp(r->fs->v[i]->check_id, check) == 0 && r->fs->v[i]->status == st)
            return r->fs->v[i];
    return NULL;
}

/* Findings of check, any status. */
static inline size_t count_any(const run *r, const char *check)
{
    size_t n = 0;
    for (size_t i = 0; i < r->fs->n; i++)
        n += strcmp(r->fs->v[i]->check_id, check) == 0;
    return n;
}

/* Does any finding's evidence contain text? (secrets must never) */
static inline bool any_evidence_has(const run *r, const char *text)
{
    for (size_t i = 0; i < r->fs->n; i++)
        if (r->fs->v[i]->evidence && strstr(r->fs->v[i]->evidence, text))
            return true;
    return false;
}

/* Fails the test when check has a status other than the expected one
 * somewhere, or not exactly `fails` failures plus (when fails == 0) one
 * summary pass: the two shapes of a check's verdict. */
#define EXPECT_PASS(r, check)                                                                      \
    do {                                                                                           \
        assert_int_equal(count(&(r), (check), LD_STATUS_FAIL, NULL), 0);                           \
        assert_int_equal(count(&(r), (check), LD_STATUS_WARN, NULL), 0);                           \
        assert_int_equal(count(&(r), (check), LD_STATUS_PASS, NULL), 1);                           \
    } while (0)
#define EXPECT_SKIP(r, check)                                                                      \
    do {                                                                                           \
        assert_int_equal(count_any(&(r), (check)), 1);                                             \
        assert_int_equal(count(&(r), (check), LD_STATUS_SKIPPED, NULL), 1);                        \
    } while (0)

#endif
