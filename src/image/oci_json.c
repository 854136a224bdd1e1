/* OCI image index (index.json, nested indexes, Docker manifest lists) and
 * image manifest parsing, and picking a manifest by platform and tag. Pure
 * parsing of bounded documents; blob access is the sources' job. */
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#include "image/image_internal.h"
#include "util/mem.h"

#define MAX_DESCRIPTORS 4096

bool ld_oci_is_index_type(const char *mt)
{
    return mt && (strcmp(mt, "application/vnd.oci.image.index.v1+json") == 0 ||
                  strcmp(mt, "application/vnd.docker.distribution.manifest.list.v2+json") == 0);
}

static void desc_clear(ld_oci_descriptor *d)
{
    free(d->media_type);
    free(d->digest);
    free(d->platform);
    free(d->ref_name);
    memset(d, 0, sizeof(*d));
}

static int desc_parse(json_t *o, const char *what, size_t i, ld_oci_descriptor *d, ld_error *err)
{
    memset(d, 0, sizeof(*d));
    if (!json_is_object(o))
        return ld_error_set(err, LD_ERR_CORRUPT, "%s: descriptor %zu is not an object", what, i);
    const char *digest = json_string_value(json_object_get(o, "digest"));
    if (!ld_img_digest_valid(digest))
        return ld_error_set(err, LD_ERR_CORRUPT,
                            "%s: descriptor %zu: digest missing or not sha256:<64 hex>", what, i);
    json_t *size = json_object_get(o, "size");
    if (size && (!json_is_integer(size) || json_integer_value(size) < 0))
        return ld_error_set(err, LD_ERR_CORRUPT,
                            "%s: descriptor %zu: size is not a non-negative integer", what, i);
    d->digest = ld_xstrdup(digest);
    d->size = size ? (uint64_t)json_integer_value(size) : 0;
    d->media_type = ld_xstrdup(json_string_value(json_object_get(o, "mediaType")));
    json_t *p = json_object_get(o, "platform");
    if (json_is_object(p)) {
        const char *os = json_string_value(json_object_get(p, "os"));
        const char *arch = json_string_value(json_object_get(p, "architecture"));
        const char *var = json_string_value(json_object_get(p, "variant"));
        if (os && arch && strlen(os) < 64 && strlen(arch) < 64 && (!var || strlen(var) < 64))
            d->platform =
                var ? ld_xasprintf("%s/%s/%s", os, arch, var) : ld_xasprintf("%s/%s", os, arch);
    }
    json_t *ann = json_object_get(o, "annotations");
    if (json_is_object(ann)) {
        const char *ref = json_string_value(json_object_get(ann, "io.containerd.image.name"));
        if (!ref)
            ref = json_string_value(json_object_get(ann, "org.opencontainers.image.ref.name"));
        if (ref && strlen(ref) < 1024)
            d->ref_name = ld_xstrdup(ref);
    }
    return 0;
}

int ld_oci_index_parse(const void *buf, size_t len, ld_oci_index *out, ld_error *err)
{
    memset(out, 0, sizeof(*out));
    json_t *root = ld_img_json_parse(buf, len, "OCI index", err);
    if (!root)
        return err->code;
    int rc = 0;
    json_t *ms = json_object_get(root, "manifests");
    if (!json_is_array(ms)) {
        rc = ld_error_set(err, LD_ERR_CORRUPT, "OCI index: \"manifests\" missing or not an array");
        goto out;
    }
    if (json_array_size(ms) > MAX_DESCRIPTORS) {
        rc = ld_error_set(err, LD_ERR_LIMIT, "OCI index: more than %d manifests", MAX_DESCRIPTORS);
        goto out;
    }
    out->v = ld_xcalloc(json_array_size(ms), sizeof(*out->v));
    size_t i;
    json_t *d;
    json_array_foreach(ms, i, d)
    {
        if ((rc = desc_parse(d, "OCI index", i, &out->v[i], err)) < 0)
            goto out;
        out->n++;
    }
out:
    json_decref(root);
    if (rc < 0)
        ld_oci_index_clear(out);
    return rc;
}

void ld_oci_index_clear(ld_oci_index *ix)
{
    for (size_t i = 0; i < ix->n; i++)
        desc_clear(&ix->v[i]);
    free(ix->v);
    ix->v = NULL;
    ix->n = 0;
}

static const char *host_arch(void)
{
    static const struct {
        const char *uname, *go;
    } map[] = {{"x86_64", "amd64"},    {"aarch64", "arm64"}, {"armv7l", "arm"},     {"i686", "386"},
               {"ppc64le", "ppc64le"}, {"s390x", "s390x"},   {"riscv64", "riscv64"}};
    struct utsname u;
    if (uname(&u) == 0)
        for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
            if (strcmp(u.machine, map[i].uname) == 0)
                return map[i].go;
    return "amd64";
}

/* "linux/arm64" matches "linux/arm64/v8"; "linux/arm/v7" needs the variant;
 * "linux/arm64/v8" and "linux/amd64/v1" also match an entry without a
 * variant (the architecture's default, which indexes often leave out). */
static bool platform_matches(const char *have, const char *want)
{
    size_t wl = strlen(want);
    if (strncmp(have, want, wl) == 0 && (have[wl] == '\0' || have[wl] == '/'))
        return true;
    static const char *const defaults[] = {"/arm64/v8", "/amd64/v1"};
    for (size_t i = 0; i < sizeof(defaults) / sizeof(defaults[0]); i++) {
        size_t dl = strlen(defaults[i]), os_arch = wl - 3; /* want without "/vN" */
        if (wl > dl && strcmp(want + wl - dl, defaults[i]) == 0 && strlen(have) == os_arch &&
            strncmp(have, want, os_arch) == 0)
            return true;
    }
    return false;
}

int ld_oci_index_pick(const ld_oci_index *ix, const char *platform, const char *tag, ld_error *err)
{
    char host[80];
    if (ix->n == 0)
        return ld_error_set(err, LD_ERR_NOT_FOUND, "OCI index lists no manifest");
    const char *want = platform;
    if (!want) {
        snprintf(host, sizeof(host), "linux/%s", host_arch());
        want = host;
    }
    int first_tag = -1, untyped = -1;
    for (size_t i = 0; i < ix->n; i++) {
        const ld_oci_descriptor *d = &ix->v[i];
        if (tag && (!d->ref_name ||
                    (strcmp(d->ref_name, tag) != 0 &&
                     !(strchr(tag, ':') == NULL && strncmp(d->ref_name, tag, strlen(tag)) == 0 &&
                       strcmp(d->ref_name + strlen(tag), ":latest") == 0))))
            continue;
        if (first_tag < 0)
            first_tag = (int)i;
        if (d->platform && platform_matches(d->platform, want))
            return (int)i;
        if (!d->platform && untyped < 0)
            untyped = (int)i;
    }
    if (tag && first_tag < 0)
        return ld_error_set(err, LD_ERR_NOT_FOUND, "tag \"%s\" not in the OCI index", tag);
    /* Entries without a platform (a single-image layout) are taken as they come. */
    if (untyped >= 0)
        return untyped;
    if (platform)
        return ld_error_set(err, LD_ERR_NOT_FOUND, "no manifest for platform %s in the OCI index",
                            platform);
    /* Host platform absent: a single entry is fine, else refuse to guess. */
    if (ix->n == 1)
        return 0;
    return ld_error_set(
        err, LD_ERR_NOT_FOUND,
        "no manifest for the host platform %s in the OCI index; choose one with a platform", want);
}

int ld_oci_manifest_parse(const void *buf, size_t len, ld_oci_manifest *out, ld_error *err)
{
    memset(out, 0, sizeof(*out));
    json_t *root = ld_img_json_parse(buf, len, "OCI manifest", err);
    if (!root)
        return err->code;
    int rc = 0;
    json_t *layers = json_object_get(root, "layers");
    if (!json_is_array(layers)) {
        rc = ld_error_set(err, LD_ERR_CORRUPT, "OCI manifest: \"layers\" missing or not an array");
        goto out;
    }
    if (json_array_size(layers) > LD_IMG_MAX_LAYERS) {
        rc =
            ld_error_set(err, LD_ERR_LIMIT, "OCI manifest: more than %d layers", LD_IMG_MAX_LAYERS);
        goto out;
    }
    if ((rc = desc_parse(json_object_get(root, "config"), "OCI manifest config", 0, &out->config,
                         err)) < 0)
        goto out;
    out->layers = ld_xcalloc(json_array_size(layers), sizeof(*out->layers));
    size_t i;
    json_t *d;
    json_array_foreach(layers, i, d)
    {
        if ((rc = desc_parse(d, "OCI manifest layers", i, &out->layers[i], err)) < 0)
            goto out;
        out->n_layers++;
    }
out:
    json_decref(root);
    if (rc < 0)
        ld_oci_manifest_clear(out);
    return rc;
}

void ld_oci_manifest_clear(ld_oci_manifest *m)
{
    desc_clear(&m->config);
    for (size_t i = 0; i < m->n_layers; i++)
        desc_clear(&m->layers[i]);
    free(m->layers);
    m->layers = NULL;
    m->n_layers = 0;
}
