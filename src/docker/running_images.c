/* The images of running containers from the engine's lists
 * (running_images.h): entries are checked field by field, images are
 * grouped by id in list order, and each is named by a reference the
 * engine still gives it. */
#include "docker/running_images.h"

#include <stdlib.h>
#include <string.h>

#include "util/mem.h"

bool ld_running_image_id_valid(const char *s)
{
    if (!s || strncmp(s, "sha256:", 7) != 0 || strlen(s) != 7 + 64)
        return false;
    return strspn(s + 7, "0123456789abcdef") == 64;
}

/* The /images/json entry whose Id is id, or NULL. */
static const json_t *image_entry(const json_t *images, const char *id)
{
    size_t i;
    const json_t *im;
    json_array_foreach(images, i, im)
    {
        const char *v = json_string_value(json_object_get(im, "Id"));
        if (v && strcmp(v, id) == 0)
            return im;
    }
    return NULL;
}

/* Does tag (a RepoTags element) name what a container was created from?
 * "busybox" was created as "busybox:latest" (and "host:5000/app" too: the
 * port is not a tag). */
static bool tag_names(const char *tag, const char *created_from)
{
    if (strcmp(tag, created_from) == 0)
        return true;
    const char *slash = strrchr(created_from, '/');
    const char *last = slash ? slash + 1 : created_from;
    size_t n = strlen(created_from);
    return !strchr(last, ':') && !strchr(last, '@') && strncmp(tag, created_from, n) == 0 &&
           strcmp(tag + n, ":latest") == 0;
}

static bool real_tag(const char *tag)
{
    return tag && tag[0] && strcmp(tag, "<none>:<none>") != 0;
}

/* The reference to report the image under (see running_images.h). Caller frees. */
static char *reference_of(const json_t *entry, const char *created_from, const char *id)
{
    const json_t *tags = json_object_get(entry, "RepoTags");
    size_t i;
    const json_t *t;
    const char *first = NULL;
    json_array_foreach(tags, i, t)
    {
        const char *tag = json_string_value(t);
        if (!real_tag(tag))
            continue;
        if (created_from && tag_names(tag, created_from))
            return ld_xstrdup(tag);
        if (!first)
            first = tag;
    }
    return ld_xstrdup(first ? first : id);
}

static const char *container_name(const json_t *c)
{
    const char *name = json_string_value(json_array_get(json_object_get(c, "Names"), 0));
    if (name && name[0] == '/')
        name++;
    if (name && name[0])
        return name;
    const char *id = json_string_value(json_object_get(c, "Id"));
    return id && id[0] ? id : "?";
}

static ld_running_image *find_or_add(ld_running_images *out, const json_t *images, const char *id,
                                     const char *created_from)
{
    for (size_t k = 0; k < out->n; k++)
        if (strcmp(out->v[k].image_id, id) == 0)
            return &out->v[k];
    ld_xgrow(&out->v, &out->cap, out->n + 1, sizeof(*out->v));
    ld_running_image *im = &out->v[out->n++];
    memset(im, 0, sizeof(*im));
    const json_t *entry = image_entry(images, id);
    im->image_id = ld_xstrdup(id);
    im->reference = reference_of(entry, created_from, id);
    size_t i;
    const json_t *d;
    json_array_foreach(json_object_get(entry, "RepoDigests"), i, d)
    {
        const char *v = json_string_value(d);
        if (v && strchr(v, '@') && !ld_strlist_contains(&im->repo_digests, v))
            ld_strlist_push(&im->repo_digests, v);
    }
    return im;
}

void ld_running_images_collect(const json_t *containers, const json_t *images,
                               ld_container_selector *sel, const char *self_id,
                               ld_running_images *out)
{
    memset(out, 0, sizeof(*out));
    if (!json_is_array(images))
        images = NULL;
    size_t i;
    const json_t *c;
    json_array_foreach(containers, i, c)
    {
        if (!json_is_object(c))
            continue;
        const char *state = json_string_value(json_object_get(c, "State"));
        const char *cid = json_string_value(json_object_get(c, "Id"));
        if (sel && !ld_container_selector_keep(sel, c))
            continue;
        if (!state || strcmp(state, "running") != 0)
            continue;
        /* lockdown's own container (the audit notes it) */
        if (self_id && self_id[0] && cid && strlen(cid) >= 12 &&
            strncmp(self_id, cid, strlen(cid)) == 0)
            continue;
        out->running++;
        const char *id = json_string_value(json_object_get(c, "ImageID"));
        if (!ld_running_image_id_valid(id)) {
            if (out->unidentified++ < LD_RUNNING_IMAGES_NAMES_MAX)
                ld_strlist_push(&out->unidentified_names, container_name(c));
            continue;
        }
        ld_running_image *im =
            find_or_add(out, images, id, json_string_value(json_object_get(c, "Image")));
        if (im->n_containers++ < LD_RUNNING_IMAGES_NAMES_MAX)
            ld_strlist_push(&im->containers, container_name(c));
    }
}

void ld_running_images_clear(ld_running_images *ri)
{
    for (size_t i = 0; i < ri->n; i++) {
        free(ri->v[i].image_id);
        free(ri->v[i].reference);
        ld_strlist_clear(&ri->v[i].containers);
        ld_strlist_clear(&ri->v[i].repo_digests);
    }
    free(ri->v);
    ld_strlist_clear(&ri->unidentified_names);
    memset(ri, 0, sizeof(*ri));
}
