/* `lockdown k8s scan` over one object set: the table of check families,
 * each run over the whole set. A family adds one line here (its name, the
 * glob of its check ids, its function); see k8s_scan.h for the signature.
 * Families are pure functions of the (read-only) set, so they run on the
 * machine's processors at once, each into a findings set of its own that
 * is merged in table order. Not for loading the set (manifest.c) nor for
 * the report. */
#include "k8s/k8s_scan.h"

#include <fnmatch.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <unistd.h>

#include "core/catalog.h"
#include "util/mem.h"

/* each family's header, e.g. #include "k8s/pss.h" */
#include "k8s/pss.h"
#include "k8s/workload.h"
#include "k8s/netpol.h"
#include "k8s/pinning.h"
#include "k8s/rbac.h"

typedef struct {
    const char *name;   /* for messages: "pss", "rbac", ... */
    const char *checks; /* glob over the family's check ids, declared owed */
    ld_k8s_family_fn run;
} k8s_family;

/* One line per family, in report order. */
static const k8s_family families[] = {
    {"pss", "pss.*", ld_k8s_pss_checks},
    {"workload", "k8s.workload.*", ld_k8s_workload_family},
    {"network", "k8s.network.*", ld_k8s_network_family},
    {"pinning", "k8s.pinning.*", ld_k8s_pinning_family},
    {"rbac", "k8s.rbac.*", ld_k8s_rbac_checks},
    {NULL, NULL, NULL},
};

/* Does the run's selection (--check/--exclude) keep any check of family
 * f? A family none of whose checks is kept costs nothing. */
static bool family_selected(const ld_findings *r, const k8s_family *f)
{
    if (r->select.n == 0 && r->exclude.n == 0)
        return true;
    for (const char *const *c = ld_implemented_checks(); *c; c++)
        if (fnmatch(f->checks, *c, 0) == 0 && ld_findings_selected(r, *c))
            return true;
    return false;
}

/* One family's run: into a findings set of its own (same catalog, clock
 * and selection as the run's), merged into the run's in table order, so
 * the report is the same whichever thread ran what. */
typedef struct {
    const k8s_family *f;
    ld_findings *out;
    int rc;
    ld_error err;
} family_job;

typedef struct {
    family_job *jobs;
    size_t n;
    size_t next; /* taken with __atomic_fetch_add */
    const ld_k8s_set *set;
    const ld_k8s_scan_options *o;
} family_queue;

static void run_job(family_queue *q, family_job *j)
{
    j->rc = j->f->run(j->out, q->set, q->o, &j->err);
}

static void *worker(void *arg)
{
    family_queue *q = arg;
    for (;;) {
        size_t i = __atomic_fetch_add(&q->next, 1, __ATOMIC_RELAXED);
        if (i >= q->n)
            return NULL;
        run_job(q, &q->jobs[i]);
    }
}

/* Moves what job j found into r (findings, notes, scope, in order). */
static int merge_job(ld_findings *r, family_job *j, ld_error *err)
{
    ld_findings *out = j->out;
    int rc = 0;
    for (size_t i = 0; i < out->n; i++) {
        ld_finding *f = out->v[i];
        out->v[i] = NULL;
        if (rc == 0)
            rc = ld_findings_add(r, f, err);
        else
            ld_finding_free(f);
    }
    out->n = 0;
    r->unselected += out->unselected;
    for (size_t i = 0; i < out->notes.n; i++)
        ld_findings_note(r, "%s", out->notes.v[i]);
    for (size_t i = 0; i < out->n_scope; i++) {
        const ld_scope_entry *e = &out->scope[i];
        if (e->reason)
            ld_findings_scope(r, e->state, e->pattern, "%s", e->reason);
        else
            ld_findings_scope(r, e->state, e->pattern, NULL);
    }
    return rc;
}

/* Threads for the families: the machine's processors, at most MAX_THREADS. */
#define MAX_THREADS 4

int ld_k8s_scan(ld_findings *r, const ld_k8s_set *s, const ld_k8s_scan_options *o, ld_error *err)
{
    size_t nfam = sizeof(families) / sizeof(families[0]);
    family_job *jobs = ld_xcalloc(nfam, sizeof(*jobs));
    family_queue q = {.jobs = jobs, .set = s, .o = o};
    for (const k8s_family *f = families; f->run; f++) {
        if (!family_selected(r, f))
            continue;
        ld_findings_scope(r, LD_SCOPE_OWED, f->checks, NULL);
        family_job *j = &jobs[q.n++];
        j->f = f;
        j->err = (ld_error)LD_ERROR_INIT;
        j->out = ld_findings_new(r->catalog, r->now);
        ld_findings_select(j->out, &r->select, &r->exclude);
    }
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    size_t nthreads = cpus > 1 ? (size_t)cpus : 1;
    if (nthreads > MAX_THREADS)
        nthreads = MAX_THREADS;
    if (nthreads > q.n)
        nthreads = q.n;
    /* this thread works too: nthreads - 1 more */
    pthread_t tid[MAX_THREADS];
    size_t started = 0;
    for (size_t t = 1; t < nthreads; t++)
        if (pthread_create(&tid[started], NULL, worker, &q) == 0)
            started++;
    worker(&q);
    for (size_t t = 0; t < started; t++)
        pthread_join(tid[t], NULL);

    int rc = 0;
    for (size_t i = 0; i < q.n; i++) {
        family_job *j = &jobs[i];
        if (rc == 0 && j->rc < 0) {
            *err = j->err;
            ld_error_wrap(err, "kubernetes %s checks", j->f->name);
            rc = j->rc;
        }
        if (rc == 0)
            rc = merge_job(r, j, err);
        ld_findings_free(j->out);
    }
    free(jobs);
    return rc;
}
