/* The image config JSON (OCI and Docker): rootfs.diff_ids, the history
 * entries that made layers (for attribution), os and architecture. Pure
 * parsing of a bounded document. */
#include <stdlib.h>
#include <string.h>

#include "image/image_internal.h"
#include "util/mem.h"

#define MAX_HISTORY 4096
#define MAX_FIELD 65536

static char *bounded_str(json_t *v)
{
    const char *s = json_string_value(v);
    if (!s)
        return NULL;
    return ld_xstrndup(s, strnlen(s, MAX_FIELD));
}

int ld_image_config_parse(const void *buf, size_t len, ld_image_config *out, ld_error *err)
{
    memset(out, 0, sizeof(*out));
    json_t *root = ld_img_json_parse(buf, len, "image config", err);
    if (!root)
        return err->code;
    int rc = 0;
    if (!json_is_object(root)) {
        rc = ld_error_set(err, LD_ERR_CORRUPT, "image config: not a JSON object");
        goto out;
    }
    json_t *diff_ids = json_object_get(json_object_get(root, "rootfs"), "diff_ids");
    if (!json_is_array(diff_ids)) {
        rc = ld_error_set(err, LD_ERR_CORRUPT,
                          "image config: rootfs.diff_ids missing or not an array");
        goto out;
    }
    if (json_array_size(diff_ids) > LD_IMG_MAX_LAYERS) {
        rc =
            ld_error_set(err, LD_ERR_LIMIT, "image config: more than %d layers", LD_IMG_MAX_LAYERS);
        goto out;
    }
    out->diff_ids = ld_xcalloc(json_array_size(diff_ids), sizeof(char *));
    size_t i;
    json_t *v;
    json_array_foreach(diff_ids, i, v)
    {
        if (!ld_img_digest_valid(json_string_value(v))) {
            rc = ld_error_set(err, LD_ERR_CORRUPT,
                              "image config: diff_id %zu is not sha256:<64 hex>", i);
            goto out;
        }
        out->diff_ids[out->n_diff_ids++] = ld_xstrdup(json_string_value(v));
    }
    json_t *hist = json_object_get(root, "history");
    if (json_is_array(hist)) {
        size_t n = json_array_size(hist);
        if (n > MAX_HISTORY)
            n = MAX_HISTORY;
        out->created_by = ld_xcalloc(n, sizeof(char *));
        out->created = ld_xcalloc(n, sizeof(char *));
        for (i = 0; i < n; i++) {
            json_t *h = json_array_get(hist, i);
            if (!json_is_object(h))
                continue;
            if (json_is_true(json_object_get(h, "empty_layer")))
                continue;
            out->created_by[out->n_history] = bounded_str(json_object_get(h, "created_by"));
            out->created[out->n_history] = bounded_str(json_object_get(h, "created"));
            out->n_history++;
        }
    }
    out->os = bounded_str(json_object_get(root, "os"));
    out->arch = bounded_str(json_object_get(root, "architecture"));
out:
    json_decref(root);
    if (rc < 0)
        ld_image_config_clear(out);
    return rc;
}

void ld_image_config_clear(ld_image_config *c)
{
    for (size_t i = 0; i < c->n_diff_ids; i++)
        free(c->diff_ids[i]);
    for (size_t i = 0; i < c->n_history; i++) {
        free(c->created_by[i]);
        free(c->created[i]);
    }
    free(c->diff_ids);
    free(c->created_by);
    free(c->created);
    free(c->os);
    free(c->arch);
    memset(c, 0, sizeof(*c));
}
