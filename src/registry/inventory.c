/* The registry inventory's helpers (registry/inventory.h): lookups,
 * additions, freeing. Linear lookups: a registry scan handles hundreds to a
 * few thousand manifests, and each is read over the network. */
#include <stdlib.h>
#include <string.h>

#include "registry/inventory.h"
#include "util/mem.h"

static void image_clear(ld_reg_image *m)
{
    free(m->repo);
    free(m->digest);
    free(m->media_type);
    ld_strlist_clear(&m->tags);
    ld_strlist_clear(&m->parents);
    ld_strlist_clear(&m->children);
    free(m->platform);
    free(m->created);
    free(m->note);
    free(m->sig_reason);
}

void ld_reg_inventory_clear(ld_reg_inventory *inv)
{
    free(inv->host);
    ld_strlist_clear(&inv->repos);
    for (size_t i = 0; i < inv->n_images; i++)
        image_clear(&inv->images[i]);
    free(inv->images);
    for (size_t i = 0; i < inv->n_tags; i++) {
        free(inv->tags[i].repo);
        free(inv->tags[i].tag);
        free(inv->tags[i].digest);
    }
    free(inv->tags);
    ld_strlist_clear(&inv->notes);
    memset(inv, 0, sizeof(*inv));
}

ld_reg_image *ld_reg_inventory_find(const ld_reg_inventory *inv, const char *repo,
                                    const char *digest)
{
    for (size_t i = 0; i < inv->n_images; i++)
        if (strcmp(inv->images[i].digest, digest) == 0 && strcmp(inv->images[i].repo, repo) == 0)
            return &inv->images[i];
    return NULL;
}

ld_reg_image *ld_reg_inventory_add(ld_reg_inventory *inv, const char *repo, const char *digest)
{
    ld_reg_image *m = ld_reg_inventory_find(inv, repo, digest);
    if (m)
        return m;
    ld_xgrow(&inv->images, &inv->cap_images, inv->n_images + 1, sizeof(*inv->images));
    m = &inv->images[inv->n_images++];
    memset(m, 0, sizeof(*m));
    m->repo = ld_xstrdup(repo);
    m->digest = ld_xstrdup(digest);
    m->state = LD_REG_IMG_LISTED;
    return m;
}

void ld_reg_inventory_add_tag(ld_reg_inventory *inv, const char *repo, const char *tag,
                              const char *digest)
{
    ld_xgrow(&inv->tags, &inv->cap_tags, inv->n_tags + 1, sizeof(*inv->tags));
    inv->tags[inv->n_tags++] = (ld_reg_tag){
        .repo = ld_xstrdup(repo),
        .tag = ld_xstrdup(tag),
        .digest = ld_xstrdup(digest),
    };
}

const char *ld_reg_inventory_tag_digest(const ld_reg_inventory *inv, const char *repo,
                                        const char *tag)
{
    for (size_t i = 0; i < inv->n_tags; i++)
        if (strcmp(inv->tags[i].tag, tag) == 0 && strcmp(inv->tags[i].repo, repo) == 0)
            return inv->tags[i].digest;
    return NULL;
}

char *ld_reg_image_reference(const ld_reg_inventory *inv, const ld_reg_image *img)
{
    return ld_xasprintf("%s/%s@%s", inv->host ? inv->host : "", img->repo, img->digest);
}
