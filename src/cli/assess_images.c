/* The images tier of `lockdown assess` (assess_images.h): which images the
 * selected running containers use (one job per image id), a small pool of
 * workers that read them from the engine at the same time, and the
 * findings of each image added in the order the containers are listed
 * (a worker waits for its turn), so the report does not depend on which
 * read finished first. Reading (ld_image_scan_read) is what runs in
 * parallel: it shares nothing between reads but the layer cache (safe
 * between processes, so between threads) and the built-in secret rules
 * (built once, pthread_once); checks, the vulnerability matching and the
 * signature verifier run one image at a time, in turn. */
#include "cli/assess_images.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "checks/image_checks.h"
#include "checks/image_scan.h"
#include "checks/image_scan_run.h"
#include "cli/progress.h"
#include "docker/container_select.h"
#include "docker/proc_facts.h"
#include "docker/running_images.h"
#include "image/layer_cache.h"
#include "trust/signature_check.h"
#include "util/cleanup.h"
#include "util/mem.h"
#include "vuln/db.h"
#include "vuln/match.h"

#define WORKERS_MIN 2
#define WORKERS_MAX 8
#define CONTAINERS_NAMED 8 /* containers named per image in the note; the rest counted */
#define IMAGES_NAMED 20    /* images in the note of who uses what; the rest counted */
#define ID_SHORT 19        /* "sha256:" and 12 hex digits */

/* One distinct image and what reading it gave. */
typedef struct {
    const ld_running_image *image; /* borrowed from the collected list */
    char *name;                    /* "docker:REF": the target its findings carry */
    char *read_target;             /* "docker:sha256:...": exactly the image the containers run */
    ld_image_scan_result res;
    bool read_ok;
    ld_error read_err;
} image_job;

typedef struct {
    pthread_mutex_t mu;
    pthread_cond_t turn;
    image_job *jobs;
    size_t n;
    size_t next;     /* the next job to claim */
    size_t reported; /* the job whose findings go in next */
    bool failed;     /* a fatal error: the rest are skipped */
    ld_error err;
    ld_findings *r;
    const ld_image_scan_options *scan; /* the checks and read options (repo digests per job) */
    const char *db_path;               /* NULL: vulnerabilities not matched */
    cli_bar *bar;
    uint64_t hits, misses, not_read; /* the layer cache, all images */
    size_t read, unread;
} image_pool;

static void job_clear(image_job *j)
{
    free(j->name);
    free(j->read_target);
    ld_image_scan_clear(&j->res);
}

/* "a, b, c and 4 more" (of total names, l holding the first) */
static char *names_text(const ld_strlist *l, size_t total)
{
    char *out = ld_xstrdup("");
    for (size_t i = 0; i < l->n && i < CONTAINERS_NAMED; i++) {
        char *next = ld_xasprintf("%s%s%s", out, i ? ", " : "", l->v[i]);
        free(out);
        out = next;
    }
    size_t shown = l->n < CONTAINERS_NAMED ? l->n : CONTAINERS_NAMED;
    if (total > shown) {
        char *next = ld_xasprintf("%s and %zu more", out, total - shown);
        free(out);
        out = next;
    }
    return out;
}

/* One note saying which containers use which image: "running containers'
 * images: docker:app:1 (2: web-1, web-2); docker:db:16 (1: db)". */
static void users_note(ld_findings *r, const ld_running_images *ri)
{
    char *out = ld_xstrdup("");
    for (size_t i = 0; i < ri->n && i < IMAGES_NAMED; i++) {
        const ld_running_image *im = &ri->v[i];
        ld_autofree char *users = names_text(&im->containers, im->n_containers);
        char *next = ld_xasprintf("%s%sdocker:%s (%zu: %s)", out, i ? "; " : "", im->reference,
                                  im->n_containers, users);
        free(out);
        out = next;
    }
    if (ri->n > IMAGES_NAMED) {
        char *next = ld_xasprintf("%s; and %zu more images", out, ri->n - IMAGES_NAMED);
        free(out);
        out = next;
    }
    ld_findings_note(r, "running containers' images: %s", out);
    free(out);
}

/* The findings of job j into the pool's set (its turn: no other worker is
 * here). Returns 0, or < 0 with p->err set on a fatal error. */
static int report_job(image_pool *p, image_job *j)
{
    ld_findings *r = p->r;
    const ld_running_image *im = j->image;
    if (!j->read_ok) {
        ld_findings_note(r, "image %s (%.*s) could not be read, its checks are not assessed: %s",
                         j->name, ID_SHORT, im->image_id, j->read_err.msg);
        return ld_image_scan_unread(r, im->image_id, j->name, p->scan, p->db_path != NULL,
                                    j->read_err.msg, &p->err);
    }
    uint64_t h = 0, m = 0, nr = 0;
    if (ld_image_cache_stats(j->res.img, &h, &m, &nr)) {
        p->hits += h;
        p->misses += m;
        p->not_read += nr;
    }
    for (size_t i = 0; i < j->res.sbom.notes.n; i++)
        ld_findings_note(r, "image %s: %s", j->name, j->res.sbom.notes.v[i]);
    ld_image_scan_options opt = *p->scan;
    opt.repo_digests = &im->repo_digests;
    ld_vuln_options vopt = {.target = j->name, .db_path = p->db_path, .db_optional = true};
    ld_error e = LD_ERROR_INIT;
    if (ld_image_scan_findings(r, j->name, &opt, &j->res, p->db_path ? &vopt : NULL, &e) == 0)
        return 0;
    if (e.code == LD_ERR_LIMIT) {
        p->err = e;
        return -1;
    }
    /* a check that failed part way vouches for nothing of this image */
    ld_findings_note(r, "image %s (%.*s): checking failed, its checks are not assessed: %s",
                     j->name, ID_SHORT, im->image_id, e.msg);
    p->read--;
    p->unread++;
    int rc =
        ld_image_scan_unread(r, im->image_id, j->name, p->scan, p->db_path != NULL, e.msg, &p->err);
    ld_error_clear(&e);
    return rc;
}

/* A worker: claims the next image, reads it, waits for its turn, adds its
 * findings, frees what it read. Also run on the calling thread. */
static void *worker(void *vp)
{
    image_pool *p = vp;
    for (;;) {
        pthread_mutex_lock(&p->mu);
        if (p->failed || p->next >= p->n) {
            pthread_mutex_unlock(&p->mu);
            return NULL;
        }
        size_t i = p->next++;
        pthread_mutex_unlock(&p->mu);
        image_job *j = &p->jobs[i];
        j->read_ok = ld_image_scan_read(j->read_target, p->scan, &j->res, &j->read_err) == 0;
        pthread_mutex_lock(&p->mu);
        while (p->reported != i)
            pthread_cond_wait(&p->turn, &p->mu);
        bool go = !p->failed;
        pthread_mutex_unlock(&p->mu);
        int rc = 0;
        if (go) {
            if (j->read_ok)
                p->read++;
            else
                p->unread++;
            rc = report_job(p, j);
        }
        ld_image_scan_clear(&j->res);
        cli_bar_add(p->bar, 1, j->name);
        pthread_mutex_lock(&p->mu);
        if (rc < 0)
            p->failed = true;
        p->reported++;
        pthread_cond_broadcast(&p->turn);
        pthread_mutex_unlock(&p->mu);
    }
}

/* Runs the pool: workers - 1 threads and the calling one. */
static void run_pool(image_pool *p, int workers)
{
    pthread_t *th = ld_xcalloc((size_t)workers, sizeof(*th));
    int started = 0;
    for (int i = 1; i < workers; i++) {
        if (pthread_create(&th[started], NULL, worker, p) != 0)
            break; /* fewer workers: the calling thread still does the rest */
        started++;
    }
    worker(p);
    for (int i = 0; i < started; i++)
        pthread_join(th[i], NULL);
    free(th);
}

static int pick_workers(const cli_assess_images *a, size_t jobs)
{
    long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
    long w = a->workers > 0 ? a->workers : ncpu < WORKERS_MIN ? WORKERS_MIN : ncpu;
    if (w > WORKERS_MAX)
        w = WORKERS_MAX;
    if ((size_t)w > jobs)
        w = (long)jobs;
    return w < 1 ? 1 : (int)w;
}

/* The image checks the run's selection keeps, as image scan's three groups. */
static void selected_checks(const ld_findings *r, bool *config, bool *secrets, bool *vuln)
{
    static const char *const ids[] = {LD_IMAGE_CONFIG_CHECKS, LD_IMAGE_FILE_CHECKS,
                                      "image.signature"};
    *config = false;
    for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++)
        *config = *config || ld_findings_selected(r, ids[i]);
    *secrets = ld_findings_selected(r, "image.secrets");
    *vuln = ld_findings_selected(r, "image.vulnerabilities");
}

/* Declares the image checks state with reason, or owed (reason NULL). */
static void images_scope(ld_findings *r, ld_scope_state state, const char *reason)
{
    static const char *const ids[] = {LD_IMAGE_CONFIG_CHECKS, LD_IMAGE_FILE_CHECKS,
                                      "image.signature", "image.secrets", "image.vulnerabilities"};
    for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++)
        if (reason)
            ld_findings_scope(r, state, ids[i], "%s", reason);
        else
            ld_findings_scope(r, state, ids[i], NULL);
}

/* The tier before any image is read: 1 when it ends here (recorded). */
static int tier_without_images(ld_findings *r, const cli_assess_images *a)
{
    if (a->skip) {
        const char *why = "images were not read (--skip-images)";
        images_scope(r, LD_SCOPE_NOT_ASSESSED, why);
        ld_findings_tier(r, "images", LD_TIER_NOT_ASSESSED, NULL, "%s", why);
        return 1;
    }
    if (!a->engine) {
        if (a->docker_installed) {
            images_scope(r, LD_SCOPE_NOT_ASSESSED, a->unreachable);
            ld_findings_tier(r, "images", LD_TIER_NOT_ASSESSED, NULL,
                             "the docker engine does not answer: %s",
                             a->unreachable ? a->unreachable : "no answer");
        } else {
            const char *why = "Docker is not installed: no container runs an image";
            images_scope(r, LD_SCOPE_NOT_APPLICABLE, why);
            ld_findings_tier(r, "images", LD_TIER_NOT_APPLICABLE, NULL, "%s", why);
        }
        return 1;
    }
    if (!a->containers) {
        const char *why = "the engine's container list could not be read";
        images_scope(r, LD_SCOPE_NOT_ASSESSED, why);
        ld_findings_tier(r, "images", LD_TIER_NOT_ASSESSED, NULL, "%s", why);
        return 1;
    }
    return 0;
}

/* Where the vulnerability database is, when it can be used: the path
 * (caller frees), else NULL and *why (caller frees) says what to run. */
static char *usable_db(const cli_assess_images *a, char **why)
{
    ld_error err = LD_ERROR_INIT;
    char *path = NULL;
    if (!ld_image_scan_db_present(a->db_path, &path, &err)) {
        *why = path ? ld_xasprintf("no vulnerability database at %s: run 'lockdown db update' "
                                   "(or 'lockdown db import FILES' offline)",
                                   path)
                    : ld_xasprintf("no vulnerability database: %s", err.msg);
        free(path);
        ld_error_clear(&err);
        return NULL;
    }
    ld_vulndb *db = ld_vulndb_open(path, &err);
    if (!db) {
        *why = ld_xasprintf("the vulnerability database cannot be used: %s (run 'lockdown db "
                            "update')",
                            err.msg);
        free(path);
        ld_error_clear(&err);
        return NULL;
    }
    ld_vulndb_close(db);
    return path;
}

int cli_assess_images_run(cli_session *s, ld_findings *r, const cli_assess_images *a, char **scope,
                          ld_error *err)
{
    *scope = NULL;
    if (tier_without_images(r, a))
        return 0;
    bool config, secrets, vuln;
    selected_checks(r, &config, &secrets, &vuln);
    if (!config && !secrets && !vuln) {
        ld_findings_tier(r, "images", LD_TIER_NOT_ASSESSED, NULL,
                         "no image check is selected (--check / --exclude)");
        return 0;
    }
    ld_container_selector sel;
    ld_container_selector_init(&sel, a->include, a->exclude);
    char self[65] = "";
    ld_self_container(self);
    ld_running_images ri;
    ld_running_images_collect(a->containers, a->images, &sel, self, &ri);
    size_t running = ri.running, unidentified = ri.unidentified, n = ri.n;
    if (running == 0) {
        ld_autofree char *what = ld_container_selector_describe(&sel);
        ld_autofree char *why =
            what[0] ? ld_xasprintf("no running container matches %s", what)
                    : ld_xstrdup("no running container on this engine: no image to assess");
        images_scope(r, LD_SCOPE_NOT_APPLICABLE, why);
        ld_findings_tier(r, "images", LD_TIER_NOT_APPLICABLE, NULL, "%s", why);
        ld_container_selector_clear(&sel);
        ld_running_images_clear(&ri);
        return 0;
    }
    ld_container_selector_clear(&sel);
    if (n)
        users_note(r, &ri);
    image_job *jobs = ld_xcalloc(n ? n : 1, sizeof(*jobs));
    for (size_t i = 0; i < n; i++) {
        jobs[i].image = &ri.v[i];
        jobs[i].name = ld_xasprintf("docker:%s", ri.v[i].reference);
        jobs[i].read_target = ld_xasprintf("docker:%s", ri.v[i].image_id);
        jobs[i].read_err = (ld_error)LD_ERROR_INIT;
    }

    ld_autofree char *no_db = NULL;
    ld_autofree char *db_path = vuln ? usable_db(a, &no_db) : NULL;
    images_scope(r, LD_SCOPE_OWED, NULL);
    if (no_db)
        ld_findings_scope(r, LD_SCOPE_NOT_ASSESSED, "image.vulnerabilities", "%s", no_db);

    int workers = pick_workers(a, n);
    long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
    ld_image_scan_options scan = {
        .config = config,
        .secrets = secrets,
        .policy = s->policy,
        .signatures = config ? a->signatures : NULL,
        .image = {.docker_host = a->docker_host,
                  .engine_timeout_ms = a->engine_timeout_ms,
                  .cache_dir = a->cache_dir,
                  .threads = ncpu > workers ? (int)(ncpu / workers) : 1},
    };
    int rc = 0;
    if (unidentified) { /* what they run was not read: nothing of it may pass */
        ld_autofree char *names = names_text(&ri.unidentified_names, unidentified);
        ld_autofree char *why = ld_xasprintf("the engine's list gives no image id for "
                                             "container%s %s",
                                             unidentified == 1 ? "" : "s", names);
        rc = ld_image_scan_unread(r, "unidentified", "images of containers without an image id",
                                  &scan, db_path != NULL, why, err);
    }
    image_pool p = {
        .jobs = jobs, .n = n, .r = r, .scan = &scan, .db_path = db_path, .err = LD_ERROR_INIT};
    pthread_mutex_init(&p.mu, NULL);
    pthread_cond_init(&p.turn, NULL);
    cli_progress(s, "reading %zu image%s of %zu running container%s", n, n == 1 ? "" : "s", running,
                 running == 1 ? "" : "s");
    p.bar = cli_bar_start(s->progress, "images", n, CLI_BAR_ITEMS, "images");
    if (n && rc == 0)
        run_pool(&p, workers);
    cli_bar_finish(p.bar, NULL);
    pthread_cond_destroy(&p.turn);
    pthread_mutex_destroy(&p.mu);
    if (p.failed) {
        *err = p.err;
        rc = -1;
    }

    if (rc == 0) {
        ld_autofree char *cache =
            p.hits + p.misses
                ? ld_layer_cache_summary(p.hits, p.misses, p.not_read)
                : ld_xstrdup(a->cache_dir ? "layer cache: not used" : "no layer cache");
        ld_findings_note(r,
                         "images tier: %zu image%s read, %zu not read; %s (%llu hit%s, "
                         "%llu miss%s)",
                         p.read, p.read == 1 ? "" : "s", p.unread, cache,
                         (unsigned long long)p.hits, p.hits == 1 ? "" : "s",
                         (unsigned long long)p.misses, p.misses == 1 ? "" : "es");
        ld_autofree char *what =
            ld_xasprintf("%zu image%s of %zu running container%s; %s", n, n == 1 ? "" : "s",
                         running, running == 1 ? "" : "s", cache);
        *scope = ld_xasprintf("images: %zu of %zu running container%s", n, running,
                              running == 1 ? "" : "s");
        /* why not all: images not read, containers without an image id, no database */
        ld_autofree char *why = ld_xstrdup("");
        if (p.unread) {
            char *next = ld_xasprintf("%zu of %zu image%s could not be read", p.unread, n,
                                      n == 1 ? "" : "s");
            free(why);
            why = next;
        }
        if (unidentified) {
            char *next =
                ld_xasprintf("%s%s%zu container%s without an image id", why, why[0] ? "; " : "",
                             unidentified, unidentified == 1 ? "" : "s");
            free(why);
            why = next;
        }
        if (no_db) {
            char *next = ld_xasprintf("%s%svulnerabilities not assessed: %s", why,
                                      why[0] ? "; " : "", no_db);
            free(why);
            why = next;
        }
        if (p.read == 0)
            ld_findings_tier(r, "images", LD_TIER_NOT_ASSESSED, what, "%s", why);
        else if (why[0])
            ld_findings_tier(r, "images", LD_TIER_PARTLY_ASSESSED, what, "%s", why);
        else
            ld_findings_tier(r, "images", LD_TIER_ASSESSED, what, NULL);
    }
    for (size_t i = 0; i < n; i++)
        job_clear(&jobs[i]);
    free(jobs);
    ld_running_images_clear(&ri);
    return rc;
}
