/* Runs layer jobs on a small pool of pthreads, one layer per worker at a
 * time, so several layers decompress at once. Analyzer callbacks therefore
 * run concurrently for different layers (see ld_analyzer in image.h). Each
 * job goes through the read's layer cache, if any (layer_cache.h): a layer
 * whose record is there is replayed, not read. Also
 * the byte budget those layers share (ld_img_charge): one total per image,
 * so that many layers within their own limit cannot add up to an unbounded
 * read. Not a general thread pool. */
#include <stdlib.h>
#include <string.h>

#include "image/image_internal.h"
#include "image/layer_cache.h"
#include "util/mem.h"

int ld_img_charge(const ld_img_opts *opt, uint64_t n, ld_error *err)
{
    if (!opt->image_bytes || n == 0)
        return 0;
    uint64_t total = __atomic_add_fetch(opt->image_bytes, n, __ATOMIC_RELAXED);
    if (total >= n && total <= opt->max_image_bytes)
        return 0;
    char cap[32];
    ld_img_format_size(opt->max_image_bytes, cap, sizeof(cap));
    return ld_error_set(err, LD_ERR_LIMIT,
                        "more than %s read for this image in all (a decompression bomb?); "
                        "raise --max-image-bytes if the image is genuine",
                        cap);
}

typedef struct {
    ld_layer_job *jobs;
    ld_layer_result *results;
    ld_error *errs;
    int *rcs;
    size_t n;
    size_t next;
    bool stop;         /* read by the streams through ld_layer_job.cancel */
    size_t first_fail; /* the failure that set stop (others may be "stopped") */
    pthread_mutex_t lock;
} pool;

static void *worker(void *arg)
{
    pool *p = arg;
    for (;;) {
        pthread_mutex_lock(&p->lock);
        size_t i = p->next;
        bool stop = __atomic_load_n(&p->stop, __ATOMIC_RELAXED);
        if (i < p->n && !stop)
            p->next++;
        pthread_mutex_unlock(&p->lock);
        if (i >= p->n || stop)
            return NULL;
        /* through the layer cache when the read has one (layer_cache.h) */
        p->rcs[i] = ld_layer_cache_stream(&p->jobs[i], &p->results[i], &p->errs[i]);
        if (p->rcs[i] < 0) {
            pthread_mutex_lock(&p->lock);
            if (!__atomic_load_n(&p->stop, __ATOMIC_RELAXED)) {
                p->first_fail = i;
                __atomic_store_n(&p->stop, true, __ATOMIC_RELAXED);
            }
            pthread_mutex_unlock(&p->lock);
        }
    }
}

int ld_img_run_layers(const ld_layer_job *jobs, ld_layer_result *results, size_t n, int threads,
                      ld_error *err)
{
    pool p = {.results = results, .n = n};
    p.jobs = ld_xcalloc(n ? n : 1, sizeof(*p.jobs));
    for (size_t i = 0; i < n; i++) {
        p.jobs[i] = jobs[i];
        p.jobs[i].cancel = &p.stop;
    }
    p.errs = ld_xcalloc(n ? n : 1, sizeof(*p.errs));
    p.rcs = ld_xcalloc(n ? n : 1, sizeof(*p.rcs));
    pthread_mutex_init(&p.lock, NULL);
    size_t nt = threads > 1 ? (size_t)threads : 1;
    if (nt > n)
        nt = n;
    pthread_t *tids = ld_xcalloc(nt ? nt : 1, sizeof(*tids));
    size_t started = 0;
    for (size_t t = 1; t < nt; t++) {
        if (pthread_create(&tids[t], NULL, worker, &p) != 0)
            break;
        started++;
    }
    worker(&p); /* the calling thread works too */
    for (size_t t = 1; t <= started; t++)
        pthread_join(tids[t], NULL);
    int rc = 0;
    if (__atomic_load_n(&p.stop, __ATOMIC_RELAXED)) {
        *err = p.errs[p.first_fail];
        rc = p.rcs[p.first_fail];
    }
    pthread_mutex_destroy(&p.lock);
    free(tids);
    free(p.jobs);
    free(p.errs);
    free(p.rcs);
    return rc;
}
