/* Plans the layer jobs of a manifest-driven source (OCI layout, registry):
 * one job per distinct blob digest, so a descriptor listed at several
 * positions is read once and its analyzer calls are made for each position.
 * The sources fill in how each job reads its blob. */
#include <stdlib.h>
#include <string.h>

#include "image/image_internal.h"
#include "util/mem.h"

void ld_layer_plan_make(ld_layer_plan *p, const ld_oci_manifest *m, const ld_image_config *conf,
                        const ld_img_opts *opt, const ld_analyzer *an, size_t n_an)
{
    size_t n = m->n_layers; /* <= LD_IMG_MAX_LAYERS */
    *p = (ld_layer_plan){
        .jobs = ld_xcalloc(n + 1, sizeof(*p->jobs)),
        .results = ld_xcalloc(n + 1, sizeof(*p->results)),
        .by_layer = ld_xcalloc(n + 1, sizeof(*p->by_layer)),
        .media_types = ld_xcalloc(n + 1, sizeof(*p->media_types)),
        .names = ld_xcalloc(n + 1, sizeof(*p->names)),
        .more = ld_xcalloc(n + 1, sizeof(*p->more)),
        .n_layers = n,
    };
    size_t *job_of = ld_xcalloc(n + 1, sizeof(size_t));
    for (size_t i = 0; i < n; i++) { /* n <= 1024: a pairwise scan is cheap */
        p->media_types[i] = m->layers[i].media_type;
        size_t j = 0;
        while (j < i && strcmp(m->layers[j].digest, m->layers[i].digest) != 0)
            j++;
        job_of[i] = j < i ? job_of[j] : p->n_jobs++;
        p->by_layer[i] = &p->results[job_of[i]];
    }
    size_t n_more = 0;
    for (size_t i = 0, k = 0; i < n; i++) {
        if (job_of[i] != k) /* a later position of a blob already planned */
            continue;
        p->names[k] = ld_xasprintf("layer %zu (%s)", i, m->layers[i].digest);
        ld_layer_job *job = &p->jobs[k];
        *job = (ld_layer_job){
            .name = p->names[k],
            .expect_digest = m->layers[i].digest,
            .expect_diff_id = i < conf->n_diff_ids ? conf->diff_ids[i] : NULL,
            .layer = (int)i,
            .more_layers = p->more + n_more,
            .opt = opt,
            .analyzers = an,
            .n_analyzers = n_an,
        };
        for (size_t j = i + 1; j < n; j++)
            if (job_of[j] == k)
                p->more[n_more + job->n_more_layers++] = (int)j;
        n_more += job->n_more_layers;
        k++;
    }
    free(job_of);
}

void ld_layer_plan_free(ld_layer_plan *p)
{
    for (size_t k = 0; k < p->n_jobs; k++) {
        free(p->names[k]);
        ld_layer_result_clear(&p->results[k]);
    }
    free(p->more);
    free(p->names);
    free(p->media_types);
    free(p->by_layer);
    free(p->results);
    free(p->jobs);
    *p = (ld_layer_plan){0};
}
