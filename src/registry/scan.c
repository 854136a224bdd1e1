/* The registry scan (registry/scan.h): listing a registry into an
 * inventory over the distribution API, then reading each image through
 * the image scan pipeline into one findings set, with the per-image facts
 * the summary and the prune selection use. */
#include <fnmatch.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checks/image_checks.h"
#include "registry/manifest_info.h"
#include "registry/scan.h"
#include "trust/signature_check.h"
#include "util/cleanup.h"
#include "util/mem.h"

#define DEFAULT_MAX_REPOS 10000
#define DEFAULT_MAX_TAGS 10000
#define MAX_ENTRIES_PER_REPO 20000 /* tags plus index children */

static void progress(ld_reg_progress_fn fn, void *ctx, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void progress(ld_reg_progress_fn fn, void *ctx, const char *fmt, ...)
{
    if (!fn)
        return;
    va_list ap;
    va_start(ap, fmt);
    char *line = ld_xvasprintf(fmt, ap);
    va_end(ap);
    fn(ctx, line);
    free(line);
}

static void inv_note(ld_reg_inventory *inv, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void inv_note(ld_reg_inventory *inv, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    ld_strlist_push_owned(&inv->notes, ld_xvasprintf(fmt, ap));
    va_end(ap);
}

/* ---- listing ---- */

static bool is_glob(const char *s)
{
    return strpbrk(s, "*?[") != NULL;
}

static bool repo_selected(const ld_strlist *globs, const char *repo)
{
    if (!globs || globs->n == 0)
        return true;
    for (size_t i = 0; i < globs->n; i++)
        if (fnmatch(globs->v[i], repo, 0) == 0)
            return true;
    return false;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The manifest of an entry: an index's children become entries (parents
 * recorded), an image's config gives its creation time, an artifact is
 * marked skipped. A failure is the entry's note. */
static void describe_entry(ld_reg_client *c, ld_reg_inventory *inv, size_t idx, size_t first)
{
    ld_reg_manifest man = {0};
    ld_reg_manifest_info info = {0};
    ld_error e = LD_ERROR_INIT;
    char *repo = ld_xstrdup(inv->images[idx].repo);
    char *digest = ld_xstrdup(inv->images[idx].digest);
    if (ld_reg_get_manifest(c, repo, digest, &man, &e) < 0 ||
        ld_reg_manifest_info_parse(man.body, man.len, man.media_type, &info, &e) < 0) {
        ld_reg_image *m = &inv->images[idx];
        m->state = LD_REG_IMG_FAILED;
        m->note = ld_xasprintf("manifest: %s", e.msg);
        goto out;
    }
    if (!inv->images[idx].media_type && man.media_type)
        inv->images[idx].media_type = ld_xstrdup(man.media_type);
    if (info.is_index) {
        inv->images[idx].is_index = true;
        for (size_t i = 0; i < info.n_children; i++) {
            const ld_reg_child *ch = &info.children[i];
            if (inv->n_images - first >= MAX_ENTRIES_PER_REPO &&
                !ld_reg_inventory_find(inv, repo, ch->digest)) {
                inv_note(inv, "%s@%s: more index entries than %d; the rest not read", repo, digest,
                         MAX_ENTRIES_PER_REPO);
                break;
            }
            /* the array may move: look the entries up again each time */
            ld_reg_image *child = ld_reg_inventory_add(inv, repo, ch->digest);
            if (!ld_strlist_contains(&child->parents, digest))
                ld_strlist_push(&child->parents, digest);
            if (!child->platform && ch->platform)
                child->platform = ld_xstrdup(ch->platform);
            if (!child->media_type && ch->media_type)
                child->media_type = ld_xstrdup(ch->media_type);
            ld_reg_image *self = &inv->images[idx];
            if (!ld_strlist_contains(&self->children, ch->digest))
                ld_strlist_push(&self->children, ch->digest);
        }
        goto out;
    }
    if (!ld_reg_is_image_config_type(info.config_media_type)) {
        ld_reg_image *m = &inv->images[idx];
        m->state = LD_REG_IMG_SKIPPED;
        m->note = ld_xasprintf("not a container image (config type %s)", info.config_media_type);
        goto out;
    }
    uint8_t *cfg = NULL;
    size_t cfg_len = 0;
    if (ld_reg_get_blob(c, repo, info.config_digest, 0, &cfg, &cfg_len, &e) < 0) {
        inv_note(inv, "%s/%s@%s: image config not read (%s): its creation date is unknown",
                 inv->host, repo, digest, e.msg);
        goto out;
    }
    char *created = NULL;
    time_t when = 0;
    long nsec = 0;
    if (ld_reg_config_created_ns(cfg, cfg_len, &created, &when, &nsec, &e) == 0) {
        ld_reg_image *m = &inv->images[idx];
        m->created = created;
        m->created_at = when;
        m->created_nsec = nsec;
    }
    free(cfg);
out:
    ld_reg_manifest_info_clear(&info);
    ld_reg_manifest_clear(&man);
    free(repo);
    free(digest);
}

/* Every tag of repo resolved to its digest, then every manifest described. */
static void list_repo(ld_reg_client *c, const char *repo, const ld_reg_list_options *opt,
                      ld_reg_inventory *inv)
{
    ld_strlist tags = {0};
    ld_error e = LD_ERROR_INIT;
    size_t first = inv->n_images;
    if (ld_reg_list_tags(c, repo, opt->max_tags ? opt->max_tags : DEFAULT_MAX_TAGS, &tags, &e) <
        0) {
        inv_note(inv, "%s/%s: tags could not be listed: %s", inv->host, repo, e.msg);
        ld_reg_inventory_add_tag(inv, repo, "", NULL); /* the repository itself, unread */
        return;
    }
    if (tags.n > 1)
        qsort(tags.v, tags.n, sizeof(*tags.v), cmp_str);
    size_t n_att = 0;
    for (size_t i = 0; i < tags.n; i++) {
        const char *tag = tags.v[i];
        bool att = ld_reg_is_attachment_tag(tag, NULL, NULL);
        if (att && !opt->attachments) {
            n_att++;
            continue;
        }
        char *digest = NULL, *mt = NULL;
        uint64_t size = 0;
        e = (ld_error)LD_ERROR_INIT;
        if (ld_reg_head_manifest(c, repo, tag, &digest, &mt, &size, &e) < 0) {
            inv_note(inv, "%s/%s:%s could not be resolved: %s", inv->host, repo, tag, e.msg);
            ld_reg_inventory_add_tag(inv, repo, tag, NULL);
            continue;
        }
        ld_reg_inventory_add_tag(inv, repo, tag, digest);
        if (att) {
            n_att++;
        } else {
            ld_reg_image *m = ld_reg_inventory_add(inv, repo, digest);
            ld_strlist_push(&m->tags, tag);
            if (!m->media_type && mt)
                m->media_type = ld_xstrdup(mt);
        }
        free(digest);
        free(mt);
    }
    progress(opt->progress, opt->progress_ctx, "%s/%s: %zu tag%s, %zu manifest%s%s", inv->host,
             repo, tags.n, tags.n == 1 ? "" : "s", inv->n_images - first,
             inv->n_images - first == 1 ? "" : "s", n_att ? " (and cosign attachments)" : "");
    ld_strlist_clear(&tags);
    /* index children are appended while this runs: they are described too */
    for (size_t i = first; i < inv->n_images; i++)
        describe_entry(c, inv, i, first);
    /* an index is as new as its newest child */
    for (size_t i = first; i < inv->n_images; i++) {
        ld_reg_image *m = &inv->images[i];
        if (!m->is_index)
            continue;
        for (size_t k = 0; k < m->children.n; k++) {
            const ld_reg_image *ch = ld_reg_inventory_find(inv, repo, m->children.v[k]);
            if (ch && (ch->created_at > m->created_at ||
                       (ch->created_at == m->created_at && ch->created_nsec > m->created_nsec))) {
                m = &inv->images[i];
                m->created_at = ch->created_at;
                m->created_nsec = ch->created_nsec;
                free(m->created);
                m->created = ld_xstrdup(ch->created);
            }
        }
    }
}

int ld_reg_inventory_list(const ld_reg_name *reg, const ld_reg_list_options *opt,
                          ld_reg_inventory *inv, ld_error *err)
{
    const char *host = reg->name;
    ld_reg_inventory_clear(inv);
    inv->host = ld_xstrdup(host);
    ld_reg_client *c = ld_reg_open(reg->endpoint, opt->registry, err);
    if (!c)
        return err->code < 0 ? err->code : LD_ERR_GENERIC;
    int rc = 0;
    ld_strlist all = {0};
    bool literal = opt->repo_globs && opt->repo_globs->n > 0;
    for (size_t i = 0; literal && i < opt->repo_globs->n; i++)
        literal = !is_glob(opt->repo_globs->v[i]);
    if (literal) {
        /* named repositories need no catalog (registries may refuse it) */
        for (size_t i = 0; i < opt->repo_globs->n; i++)
            if (!ld_strlist_contains(&all, opt->repo_globs->v[i]))
                ld_strlist_push(&all, opt->repo_globs->v[i]);
    } else if ((rc = ld_reg_catalog(c, opt->max_repos ? opt->max_repos : DEFAULT_MAX_REPOS, &all,
                                    err)) < 0) {
        ld_error_wrap(err,
                      "registry %s: the catalog could not be listed (name repositories "
                      "with --repo to scan them without it)",
                      host);
        goto out;
    }
    for (size_t i = 0; i < all.n; i++)
        if (repo_selected(opt->repo_globs, all.v[i]))
            ld_strlist_push(&inv->repos, all.v[i]);
    progress(opt->progress, opt->progress_ctx, "%s: %zu repositor%s of %zu selected", host,
             inv->repos.n, inv->repos.n == 1 ? "y" : "ies", all.n);
    for (size_t i = 0; i < inv->repos.n; i++)
        list_repo(c, inv->repos.v[i], opt, inv);
out:
    ld_strlist_clear(&all);
    ld_reg_close(c);
    return rc;
}

/* ---- scanning ---- */

char *ld_reg_image_target_name(const ld_reg_inventory *inv, const ld_reg_image *img)
{
    if (img->tags.n > 0) {
        char *tags = ld_strlist_join(&img->tags, ",");
        char *s = ld_xasprintf("%s/%s:%s", inv->host, img->repo, tags);
        free(tags);
        return s;
    }
    for (size_t i = 0; i < img->parents.n; i++) {
        const ld_reg_image *p = ld_reg_inventory_find(inv, img->repo, img->parents.v[i]);
        if (p && p->tags.n > 0) {
            char *tags = ld_strlist_join(&p->tags, ",");
            char *s = ld_xasprintf("%s/%s:%s [%s]", inv->host, img->repo, tags,
                                   img->platform ? img->platform : "?");
            free(tags);
            return s;
        }
    }
    return NULL;
}

/* "linux/arm64" matches "linux/arm64/v8"; "linux/arm/v7" needs the variant. */
static bool platform_matches(const char *have, const char *want)
{
    size_t wl = strlen(want);
    return strncmp(have, want, wl) == 0 && (have[wl] == '\0' || have[wl] == '/');
}

/* The check ids one image owes under opt (NULL-terminated, static). */
static size_t owed_checks(const ld_reg_scan_options *opt, const char **out, size_t max)
{
    static const char *const config[] = {LD_IMAGE_CONFIG_CHECKS, LD_IMAGE_FILE_CHECKS};
    size_t n = 0;
    if (opt->scan.config)
        for (size_t i = 0; i < sizeof(config) / sizeof(config[0]) && n < max; i++)
            out[n++] = config[i];
    if (opt->scan.secrets && n < max)
        out[n++] = "image.secrets";
    if (opt->vuln && n < max)
        out[n++] = "image.vulnerabilities";
    if (opt->scan.signatures && n < max)
        out[n++] = "image.signature";
    return n;
}

/* An image (or a tag, a repository) that could not be read: "error" for
 * every check it owed, so its controls are not assessed. */
static int not_assessed(ld_findings *r, const ld_reg_scan_options *opt, const char *id,
                        const char *name, const char *why, ld_error *err)
{
    const char *ids[32];
    size_t n = owed_checks(opt, ids, 32);
    for (size_t i = 0; i < n; i++) {
        ld_findings_scope(r, LD_SCOPE_OWED, ids[i], NULL);
        if (ld_findings_check(r, ids[i], LD_STATUS_ERROR, LD_TARGET_IMAGE, id, name, err,
                              "not assessed: %s", why) < 0)
            return -1;
    }
    return 0;
}

static bool fixable(const ld_vuln_fields *v)
{
    return v->fixed_versions.n > 0 && (!v->fix_status || strcmp(v->fix_status, "fixed") == 0);
}

/* The facts of one image from the findings it added (r->v[from..]), and
 * every one of them renamed to the image's canonical reference. */
static void take_facts(ld_findings *r, size_t from, ld_reg_image *m, const char *id,
                       const char *name)
{
    ld_strlist failed = {0}, unassessed = {0};
    const ld_scope_entry *vs = ld_findings_scope_of(r, "image.vulnerabilities");
    m->vulns_assessed = vs && vs->state == LD_SCOPE_OWED;
    for (size_t i = from; i < r->n; i++) {
        ld_finding *f = r->v[i];
        ld_finding_set_target(f, LD_TARGET_IMAGE, id, name);
        if (f->vuln) {
            if ((unsigned)f->severity < LD_SEV_COUNT) {
                m->vulns[f->severity]++;
                if (fixable(f->vuln))
                    m->fixable[f->severity]++;
            }
            continue;
        }
        if (strcmp(f->check_id, "image.vulnerabilities") == 0 && f->status == LD_STATUS_ERROR)
            m->vulns_assessed = false;
        if (f->status == LD_STATUS_FAIL && !ld_strlist_contains(&failed, f->check_id))
            ld_strlist_push(&failed, f->check_id);
        if (f->status == LD_STATUS_ERROR && !ld_strlist_contains(&unassessed, f->check_id))
            ld_strlist_push(&unassessed, f->check_id);
    }
    m->failed_checks = failed.n;
    m->not_assessed = unassessed.n;
    ld_strlist_clear(&failed);
    ld_strlist_clear(&unassessed);
}

/* image.signature of an index child: cosign signs the index, so the
 * child's verdict is its index's signature. */
static int child_signature(ld_findings *r, const ld_reg_scan_options *opt,
                           const ld_reg_inventory *inv, const ld_reg_image *m, const char *id,
                           const char *name, ld_error *err)
{
    ld_strlist refs = {0};
    for (size_t i = 0; i < m->parents.n; i++)
        ld_strlist_push_owned(&refs, ld_xasprintf("%s/%s@%s", inv->host, m->repo, m->parents.v[i]));
    ld_findings_scope(r, LD_SCOPE_OWED, "image.signature", NULL);
    int rc = ld_signature_check_image(opt->scan.signatures, r, "image.signature", LD_TARGET_IMAGE,
                                      id, name, &refs, false, err);
    ld_strlist_clear(&refs);
    return rc;
}

/* Reads one image entry and adds its findings. Returns < 0 only when the
 * run cannot go on. */
static int scan_one(ld_reg_inventory *inv, size_t idx, const ld_reg_scan_options *opt,
                    ld_findings *r, size_t pos, size_t total, ld_error *err)
{
    ld_reg_image *m = &inv->images[idx];
    ld_autofree char *id = ld_reg_image_reference(inv, m);
    ld_autofree char *name = ld_reg_image_target_name(inv, m);
    if (m->state == LD_REG_IMG_FAILED) {
        ld_findings_note(r, "%s could not be read: %s", id, m->note ? m->note : "?");
        return not_assessed(r, opt, id, name, m->note ? m->note : "could not be read", err);
    }
    if (m->state == LD_REG_IMG_SKIPPED) {
        ld_findings_note(r, "%s: %s: not scanned", id, m->note ? m->note : "skipped");
        return 0;
    }
    if (opt->platform && m->platform && !platform_matches(m->platform, opt->platform)) {
        m->state = LD_REG_IMG_SKIPPED;
        m->note = ld_xasprintf("platform %s, not %s", m->platform, opt->platform);
        return 0;
    }
    if (opt->since && m->created_at && m->created_at < opt->since) {
        m->state = LD_REG_IMG_SKIPPED;
        m->note = ld_xasprintf("created %s, before --since", m->created ? m->created : "?");
        return 0;
    }
    if (opt->since && !m->created_at)
        ld_findings_note(r, "%s has no creation date: scanned although --since was given", id);

    progress(opt->progress, opt->progress_ctx, "[%zu/%zu] reading %s%s%s%s", pos, total, id,
             name ? " (" : "", name ? name : "", name ? ")" : "");
    ld_image_scan_options sopt = opt->scan;
    sopt.image.platform = NULL;
    if (m->parents.n > 0 && m->tags.n == 0)
        sopt.signatures = NULL; /* judged by its index's signature below */
    ld_autofree char *target = ld_xasprintf("registry:%s", id);
    ld_image_scan_result res = {0};
    ld_error e = LD_ERROR_INIT;
    if (ld_image_scan_read(target, &sopt, &res, &e) < 0) {
        /* the reader's message names the image already */
        const char *why = e.msg;
        size_t idl = strlen(id);
        if (strncmp(why, target, strlen(target)) == 0 && why[strlen(target)] == ':')
            why += strlen(target) + 1;
        else if (strncmp(why, id, idl) == 0 && why[idl] == ':')
            why += idl + 1;
        while (*why == ' ')
            why++;
        m = &inv->images[idx];
        m->state = LD_REG_IMG_FAILED;
        m->note = ld_xstrdup(why);
        ld_findings_note(r, "%s could not be read: %s", id, why);
        progress(opt->progress, opt->progress_ctx, "%s could not be read: %s", id, why);
        return not_assessed(r, opt, id, name, why, err);
    }
    size_t from = r->n;
    int rc = ld_image_scan_report(r, id, &sopt, &res, err);
    if (rc == 0 && opt->vuln) {
        ld_vuln_options vopt = *opt->vuln;
        vopt.target = id;
        rc = ld_vuln_scan(r, &res.sbom, res.img, &vopt, err);
    }
    if (rc == 0 && opt->scan.signatures && !sopt.signatures)
        rc = child_signature(r, opt, inv, m, id, name, err);
    for (size_t i = 0; i < res.sbom.notes.n; i++)
        ld_findings_note(r, "%s: %s", id, res.sbom.notes.v[i]);
    m = &inv->images[idx];
    m->state = LD_REG_IMG_SCANNED;
    m->packages = res.sbom.packages.n;
    m->layers = ld_image_layer_count(res.img);
    uint64_t hits = 0, misses = 0, saved = 0, blobs = 0;
    ld_image_cache_stats(res.img, &hits, &misses, &saved);
    for (size_t i = 0; i < m->layers; i++)
        blobs += ld_image_layer(res.img, i)->size;
    m->cache_hits = (size_t)hits;
    m->bytes_fetched = blobs > saved ? blobs - saved : 0;
    take_facts(r, from, m, id, name);
    ld_image_scan_clear(&res);
    return rc;
}

int ld_reg_scan_images(ld_reg_inventory *inv, const ld_reg_scan_options *opt, ld_findings *r,
                       ld_error *err)
{
    /* what the listing could not resolve is not assessed */
    for (size_t i = 0; i < inv->n_tags; i++) {
        const ld_reg_tag *t = &inv->tags[i];
        if (t->digest || ld_reg_is_attachment_tag(t->tag, NULL, NULL))
            continue;
        ld_autofree char *tid = t->tag[0] ? ld_xasprintf("%s/%s:%s", inv->host, t->repo, t->tag)
                                          : ld_xasprintf("%s/%s", inv->host, t->repo);
        if (not_assessed(r, opt, tid, NULL,
                         t->tag[0] ? "the tag could not be resolved"
                                   : "the repository's tags could not be listed",
                         err) < 0)
            return -1;
    }
    for (size_t i = 0; i < inv->notes.n; i++)
        ld_findings_note(r, "%s", inv->notes.v[i]);
    size_t total = 0, pos = 0;
    for (size_t i = 0; i < inv->n_images; i++)
        total += !inv->images[i].is_index;
    for (size_t i = 0; i < inv->n_images; i++) {
        if (inv->images[i].is_index)
            continue;
        if (scan_one(inv, i, opt, r, ++pos, total, err) < 0)
            return err->code < 0 ? err->code : LD_ERR_GENERIC;
    }
    return 0;
}
