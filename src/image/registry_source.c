/* registry:REF — an image pulled from its registry over the OCI distribution
 * API (registry/client.h) straight into the layer reader: the manifest
 * (through manifest lists and indexes by platform, registry_manifest.c),
 * the config as a small verified blob, and every distinct layer blob
 * streamed once, in parallel (layer_pool.c), its digest and diff_id
 * checked as it streams. Nothing is written to disk; memory is what the
 * layer reader holds per stream. Not for pushing, and never fetches a
 * foreign layer from the URLs its descriptor names: only the registry
 * asked is read. */
#include <stdlib.h>
#include <string.h>

#include "image/image_internal.h"
#include "image/registry_manifest.h"
#include "registry/client.h"
#include "registry/manifest_info.h"
#include "util/cleanup.h"
#include "util/mem.h"

/* Layers whose descriptor says the registry may not hold them. */
static bool foreign_type(const char *mt)
{
    return mt && (strstr(mt, ".foreign.") != NULL || strstr(mt, ".nondistributable.") != NULL);
}

typedef struct {
    ld_reg_client *client;
    const char *repo;
} fetch_ctx;

static int fetch_manifest(void *ctx, const char *reference, ld_reg_manifest *out, ld_error *err)
{
    fetch_ctx *f = ctx;
    return ld_reg_get_manifest(f->client, f->repo, reference, out, err);
}

/* One layer blob as the layer reader pulls it; the request starts at the
 * first read, so a layer a second read skips (ld_img_opts.only_layers)
 * is never asked for. */
typedef struct {
    ld_reg_client *client;
    const char *repo;
    const char *digest;
    uint64_t size;
    char *url; /* a foreign layer's first URL; NULL otherwise */
    bool foreign;
    ld_reg_blob *blob;
} layer_src;

static ssize_t layer_read(void *ctx, uint8_t *buf, size_t len, ld_error *err)
{
    layer_src *l = ctx;
    if (!l->blob) {
        l->blob = ld_reg_blob_open(l->client, l->repo, l->digest, l->size);
        if (!l->blob)
            return ld_error_set(err, LD_ERR_GENERIC, "cannot start the blob request");
    }
    ssize_t n = ld_reg_blob_read(l->blob, buf, len, err);
    if (n < 0 && l->foreign && err->code == LD_ERR_NOT_FOUND && ld_reg_blob_bytes(l->blob) == 0)
        return ld_error_set(err, LD_ERR_NOT_FOUND,
                            "a foreign (non-distributable) layer that the registry does not hold; "
                            "its descriptor points at %.200s, which lockdown does not fetch from: "
                            "pull it with the engine and scan docker:NAME",
                            l->url ? l->url : "no URL");
    return n;
}

/* The first of layers[i].urls in the manifest body, or NULL (caller frees). */
static char *layer_url(const ld_reg_manifest *m, size_t i)
{
    ld_error err = LD_ERROR_INIT;
    json_t *root = ld_img_json_parse(m->body, m->len, "manifest", &err);
    if (!root)
        return NULL;
    json_t *layer = json_array_get(json_object_get(root, "layers"), i);
    const char *u = json_string_value(json_array_get(json_object_get(layer, "urls"), 0));
    char *url = u && strlen(u) < 2048 ? ld_xstrdup(u) : NULL;
    json_decref(root);
    return url;
}

/* The note a read over an unverified channel gets (NULL: verified TLS). */
static char *transport_note(ld_reg_client *c)
{
    switch (ld_reg_transport_used(c)) {
    case LD_REG_TRANSPORT_TLS_UNVERIFIED:
        return ld_xasprintf("registry %s was reached over TLS without certificate verification "
                            "(--insecure-registry): the digests were checked, but nothing "
                            "proved which server answered",
                            ld_reg_host(c));
    case LD_REG_TRANSPORT_PLAIN:
        return ld_xasprintf("registry %s was reached over plain HTTP (--insecure-registry): the "
                            "digests were checked, but the tag was resolved and the credentials "
                            "sent in the clear",
                            ld_reg_host(c));
    default: return NULL;
    }
}

/* Reads the image manifest m of repo through the client. */
static ld_image *read_image(ld_reg_client *c, const ld_reg_ref *ref, const char *name,
                            const ld_img_reg_pick *pick, const ld_img_opts *opt,
                            const ld_analyzer *an, size_t n_an, ld_error *err)
{
    const ld_reg_manifest *man = &pick->manifest;
    ld_oci_manifest m;
    if (ld_oci_manifest_parse(man->body, man->len, &m, err) < 0) {
        ld_error_wrap(err, "manifest %s", man->digest);
        return NULL;
    }
    /* an OCI artifact's config is something else: a Helm chart, a signature */
    if (!ld_reg_is_image_config_type(m.config.media_type)) {
        ld_error_set(err, LD_ERR_UNSUPPORTED,
                     "manifest %s is not a container image: its config is \"%.100s\"", man->digest,
                     m.config.media_type);
        ld_oci_manifest_clear(&m);
        return NULL;
    }
    for (size_t i = 0; i < m.n_layers; i++) {
        const char *mt = m.layers[i].media_type;
        if (mt && strstr(mt, "+encrypted")) {
            ld_error_set(err, LD_ERR_UNSUPPORTED,
                         "layer %zu (%s) is encrypted (%.100s); lockdown reads no encrypted layer",
                         i, m.layers[i].digest, mt);
            ld_oci_manifest_clear(&m);
            return NULL;
        }
    }
    uint8_t *cfg = NULL;
    size_t cfg_len = 0;
    ld_image *img = NULL;
    ld_image_config conf = {0};
    size_t n = m.n_layers; /* <= LD_IMG_MAX_LAYERS */
    ld_layer_plan plan = {0};
    layer_src *srcs = ld_xcalloc(n + 1, sizeof(*srcs)); /* per job */
    ld_strlist notes = {0};
    if (m.config.size > LD_IMG_MAX_JSON_BYTES) {
        ld_autofree char *what = ld_xasprintf("config %s", m.config.digest);
        ld_img_doc_too_large(what, m.config.size, err);
        goto out;
    }
    if (ld_reg_get_blob(c, ref->repo, m.config.digest, LD_IMG_MAX_JSON_BYTES, &cfg, &cfg_len, err) <
        0) {
        if (err->code == LD_ERR_LIMIT) {
            char cap[32];
            ld_img_format_size(LD_IMG_MAX_JSON_BYTES, cap, sizeof(cap));
            ld_error_set(err, LD_ERR_LIMIT,
                         "config %s is over the %s limit for an image's JSON documents (its "
                         "descriptor said %llu bytes)",
                         m.config.digest, cap, (unsigned long long)m.config.size);
        } else {
            ld_error_wrap(err, "config %s", m.config.digest);
        }
        goto out;
    }
    if (ld_image_config_parse(cfg, cfg_len, &conf, err) < 0) {
        ld_error_wrap(err, "config %s", m.config.digest);
        goto out;
    }
    ld_layer_plan_make(&plan, &m, &conf, opt, an, n_an);
    for (size_t k = 0; k < plan.n_jobs; k++) {
        size_t i = (size_t)plan.jobs[k].layer;
        srcs[k] = (layer_src){
            .client = c,
            .repo = ref->repo,
            .digest = m.layers[i].digest,
            .size = m.layers[i].size,
            .foreign = foreign_type(m.layers[i].media_type),
        };
        if (srcs[k].foreign)
            srcs[k].url = layer_url(man, i);
        plan.jobs[k].read = layer_read;
        plan.jobs[k].read_ctx = &srcs[k];
    }
    if (ld_img_run_layers(plan.jobs, plan.results, plan.n_jobs, opt->threads, err) < 0)
        goto out;
    ld_img_parts p = {
        .kind = "registry",
        .name = name,
        .config_json = (const char *)cfg,
        .config_len = cfg_len,
        .config_digest = m.config.digest,
        .manifest_digest = man->digest,
        .layers = plan.by_layer,
        .layer_media_types = plan.media_types,
        .n_layers = n,
    };
    img = ld_img_assemble(&p, an, n_an, err);
    if (!img)
        goto out;
    if (pick->indexes.n)
        ld_strlist_push_owned(&notes, ld_xasprintf("%s: manifest %s (%s) picked from index %s",
                                                   name, man->digest,
                                                   pick->platform ? pick->platform : "no platform",
                                                   pick->indexes.v[0]));
    char *tn = transport_note(c);
    if (tn)
        ld_strlist_push_owned(&notes, tn);
    ld_img_add_notes(img, &notes);
out:
    for (size_t i = 0; i < n; i++) {
        if (srcs[i].blob)
            ld_reg_blob_close(srcs[i].blob);
        free(srcs[i].url);
    }
    ld_strlist_clear(&notes);
    free(srcs);
    ld_layer_plan_free(&plan);
    free(cfg);
    ld_image_config_clear(&conf);
    ld_oci_manifest_clear(&m);
    return img;
}

ld_image *ld_img_read_registry(const char *refstr, const ld_img_opts *opt, const ld_analyzer *an,
                               size_t n_an, ld_error *err)
{
    ld_reg_ref ref;
    if (ld_reg_ref_parse(refstr, &ref, err) < 0) {
        ld_error_wrap(err, "registry:%s", refstr);
        return NULL;
    }
    ld_autofree char *name = ld_reg_ref_string(&ref);
    ld_reg_options defaults = {0};
    ld_reg_client *c = ld_reg_open(ref.endpoint, opt->registry ? opt->registry : &defaults, err);
    ld_image *img = NULL;
    if (c) {
        fetch_ctx f = {.client = c, .repo = ref.repo};
        ld_img_reg_pick pick;
        if (ld_img_reg_pick_manifest(fetch_manifest, &f, ld_reg_ref_reference(&ref), opt->platform,
                                     &pick, err) == 0)
            img = read_image(c, &ref, name, &pick, opt, an, n_an, err);
        ld_img_reg_pick_clear(&pick);
        ld_reg_close(c);
    }
    if (!img)
        ld_error_wrap(err, "%s", name);
    ld_reg_ref_clear(&ref);
    return img;
}
