/* manifest.json of `docker save` (legacy and Docker >= 25 OCI-in-tar
 * layouts): the list of images with their config and layer paths inside the
 * archive, and picking one by tag. Pure parsing; reading the archive is
 * docker_archive.c's job. */
#include <stdlib.h>
#include <string.h>

#include "image/image_internal.h"
#include "util/mem.h"

#define MAX_IMAGES 4096
#define MAX_TAGS 4096

/* A path inside the archive: relative, no ".." component, bounded. */
static bool archive_path_ok(const char *p)
{
    size_t len = strlen(p);
    if (len == 0 || len > LD_IMG_MAX_PATH || p[0] == '/')
        return false;
    for (const char *c = p; *c;) {
        const char *slash = strchr(c, '/');
        size_t n = slash ? (size_t)(slash - c) : strlen(c);
        if (n == 2 && c[0] == '.' && c[1] == '.')
            return false;
        if (!slash)
            break;
        c = slash + 1;
    }
    return true;
}

static char *path_field(json_t *o, const char *key, size_t i, ld_error *err)
{
    json_t *v = json_object_get(o, key);
    const char *s = json_string_value(v);
    if (!s)
        return ld_error_set(err, LD_ERR_CORRUPT,
                            "manifest.json: image %zu: \"%s\" missing or not a string", i, key),
               NULL;
    if (!archive_path_ok(s))
        return ld_error_set(err, LD_ERR_CORRUPT,
                            "manifest.json: image %zu: %s path \"%.200s\" escapes the archive", i,
                            key, s),
               NULL;
    return ld_xstrdup(s);
}

int ld_docker_manifest_parse(const void *buf, size_t len, ld_docker_manifest *out, ld_error *err)
{
    memset(out, 0, sizeof(*out));
    json_t *root = ld_img_json_parse(buf, len, "manifest.json", err);
    if (!root)
        return err->code;
    int rc = 0;
    if (!json_is_array(root) || json_array_size(root) == 0) {
        rc = ld_error_set(err, LD_ERR_CORRUPT,
                          "manifest.json: expected a non-empty array of images");
        goto out;
    }
    if (json_array_size(root) > MAX_IMAGES) {
        rc = ld_error_set(err, LD_ERR_LIMIT, "manifest.json: more than %d images", MAX_IMAGES);
        goto out;
    }
    out->v = ld_xcalloc(json_array_size(root), sizeof(*out->v));
    size_t i;
    json_t *img;
    json_array_foreach(root, i, img)
    {
        ld_docker_manifest_entry *e = &out->v[out->n++];
        if (!json_is_object(img)) {
            rc = ld_error_set(err, LD_ERR_CORRUPT, "manifest.json: image %zu is not an object", i);
            goto out;
        }
        if (!(e->config = path_field(img, "Config", i, err))) {
            rc = err->code;
            goto out;
        }
        json_t *layers = json_object_get(img, "Layers");
        if (!json_is_array(layers)) {
            rc = ld_error_set(err, LD_ERR_CORRUPT,
                              "manifest.json: image %zu: \"Layers\" missing or not an array", i);
            goto out;
        }
        if (json_array_size(layers) > LD_IMG_MAX_LAYERS) {
            rc = ld_error_set(err, LD_ERR_LIMIT, "manifest.json: image %zu has more than %d layers",
                              i, LD_IMG_MAX_LAYERS);
            goto out;
        }
        e->layers = ld_xcalloc(json_array_size(layers), sizeof(char *));
        size_t j;
        json_t *l;
        json_array_foreach(layers, j, l)
        {
            const char *s = json_string_value(l);
            if (!s || !archive_path_ok(s)) {
                rc = ld_error_set(
                    err, LD_ERR_CORRUPT,
                    "manifest.json: image %zu: layer %zu is not a path inside the archive", i, j);
                goto out;
            }
            e->layers[e->n_layers++] = ld_xstrdup(s);
        }
        json_t *tags = json_object_get(img, "RepoTags");
        if (json_is_array(tags)) {
            json_t *t;
            json_array_foreach(tags, j, t)
            {
                if (j >= MAX_TAGS)
                    break;
                if (json_is_string(t))
                    ld_strlist_push(&e->tags, json_string_value(t));
            }
        } else if (tags && !json_is_null(tags)) {
            rc = ld_error_set(err, LD_ERR_CORRUPT,
                              "manifest.json: image %zu: \"RepoTags\" is not an array", i);
            goto out;
        }
    }
out:
    json_decref(root);
    if (rc < 0)
        ld_docker_manifest_clear(out);
    return rc;
}

void ld_docker_manifest_clear(ld_docker_manifest *m)
{
    for (size_t i = 0; i < m->n; i++) {
        free(m->v[i].config);
        for (size_t j = 0; j < m->v[i].n_layers; j++)
            free(m->v[i].layers[j]);
        free(m->v[i].layers);
        ld_strlist_clear(&m->v[i].tags);
    }
    free(m->v);
    m->v = NULL;
    m->n = 0;
}

static bool tag_matches(const char *have, const char *want)
{
    static const char lib[] = "docker.io/library/";
    static const char hub[] = "docker.io/";
    if (strcmp(have, want) == 0)
        return true;
    const char *h = have;
    if (strncmp(h, lib, sizeof(lib) - 1) == 0)
        h += sizeof(lib) - 1;
    else if (strncmp(h, hub, sizeof(hub) - 1) == 0)
        h += sizeof(hub) - 1;
    if (strcmp(h, want) == 0)
        return true;
    /* "name" means "name:latest" when want has no tag after its last '/'. */
    const char *slash = strrchr(want, '/');
    if (strchr(slash ? slash : want, ':') == NULL) {
        size_t wl = strlen(want);
        if (strncmp(h, want, wl) == 0 && strcmp(h + wl, ":latest") == 0)
            return true;
    }
    return false;
}

int ld_docker_manifest_pick(const ld_docker_manifest *m, const char *tag, ld_error *err)
{
    if (m->n == 0)
        return ld_error_set(err, LD_ERR_CORRUPT, "manifest.json lists no image");
    if (!tag)
        return 0;
    for (size_t i = 0; i < m->n; i++)
        for (size_t j = 0; j < m->v[i].tags.n; j++)
            if (tag_matches(m->v[i].tags.v[j], tag))
                return (int)i;
    ld_strlist all = {0};
    for (size_t i = 0; i < m->n && all.n < 20; i++)
        for (size_t j = 0; j < m->v[i].tags.n && all.n < 20; j++)
            ld_strlist_push(&all, m->v[i].tags.v[j]);
    char *joined = ld_strlist_join(&all, ", ");
    ld_error_set(err, LD_ERR_NOT_FOUND, "tag \"%s\" not in the archive (it holds: %s)", tag,
                 all.n ? joined : "no tags");
    free(joined);
    ld_strlist_clear(&all);
    return LD_ERR_NOT_FOUND;
}
