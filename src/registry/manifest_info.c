/* Manifest, index and config facts for the registry scan and prune
 * (registry/manifest_info.h): bounded jansson parsing of what a registry
 * answers, RFC 3339 times, cosign attachment tags. */
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "registry/client.h"
#include "registry/manifest_info.h"
#include "util/date.h"
#include "util/json_budget.h"
#include "util/mem.h"

/* A manifest is at most 4 MiB; an index of 4096 descriptors with
 * annotations stays far inside these. */
static const ld_json_limits manifest_limits = {
    .max_values = 400000,
    .max_containers = 100000,
    .max_depth = 32,
};

static bool digest_ok(const char *d)
{
    if (!d || strncmp(d, "sha256:", 7) != 0 || strlen(d) != 71)
        return false;
    for (const char *p = d + 7; *p; p++)
        if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f')))
            return false;
    return true;
}

/* A short printable string from the document, or NULL (absent, not a
 * string, longer than max, or holding a control character). */
static char *short_str(const json_t *v, size_t max)
{
    const char *s = json_string_value(v);
    if (!s)
        return NULL;
    size_t n = strlen(s);
    if (n == 0 || n > max || n != json_string_length(v))
        return NULL;
    for (const char *p = s; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7f)
            return NULL;
    return ld_xstrdup(s);
}

void ld_reg_manifest_info_clear(ld_reg_manifest_info *m)
{
    free(m->config_digest);
    free(m->config_media_type);
    for (size_t i = 0; i < m->n_children; i++) {
        free(m->children[i].digest);
        free(m->children[i].media_type);
        free(m->children[i].platform);
    }
    free(m->children);
    memset(m, 0, sizeof(*m));
}

static bool is_index_type(const char *t)
{
    return t && (strcmp(t, LD_MT_OCI_INDEX) == 0 || strcmp(t, LD_MT_DOCKER_LIST) == 0);
}

static bool is_schema1_type(const char *t)
{
    static const char v1[] = "application/vnd.docker.distribution.manifest.v1";
    return t && strncmp(t, v1, sizeof(v1) - 1) == 0;
}

static char *platform_of(const json_t *p)
{
    if (!json_is_object(p))
        return NULL;
    char *os = short_str(json_object_get(p, "os"), 64);
    char *arch = short_str(json_object_get(p, "architecture"), 64);
    char *var = short_str(json_object_get(p, "variant"), 64);
    char *out = NULL;
    if (os && arch && !strchr(os, '/') && !strchr(arch, '/') && (!var || !strchr(var, '/')))
        out = var ? ld_xasprintf("%s/%s/%s", os, arch, var) : ld_xasprintf("%s/%s", os, arch);
    free(os);
    free(arch);
    free(var);
    return out;
}

static int parse_index(const json_t *root, ld_reg_manifest_info *out, ld_error *err)
{
    const json_t *ms = json_object_get(root, "manifests");
    if (!json_is_array(ms))
        return ld_error_set(err, LD_ERR_CORRUPT, "index: \"manifests\" missing or not an array");
    size_t n = json_array_size(ms);
    if (n > LD_REG_MAX_INDEX_CHILDREN)
        return ld_error_set(err, LD_ERR_LIMIT, "index: %zu manifests, more than %d", n,
                            LD_REG_MAX_INDEX_CHILDREN);
    out->is_index = true;
    out->children = ld_xcalloc(n ? n : 1, sizeof(*out->children));
    for (size_t i = 0; i < n; i++) {
        const json_t *d = json_array_get(ms, i);
        if (!json_is_object(d))
            return ld_error_set(err, LD_ERR_CORRUPT, "index: manifest %zu is not an object", i);
        const char *digest = json_string_value(json_object_get(d, "digest"));
        if (!digest_ok(digest))
            return ld_error_set(err, LD_ERR_CORRUPT,
                                "index: manifest %zu: digest missing or not sha256:<64 hex>", i);
        ld_reg_child *c = &out->children[out->n_children++];
        c->digest = ld_xstrdup(digest);
        c->media_type = short_str(json_object_get(d, "mediaType"), 256);
        c->platform = platform_of(json_object_get(d, "platform"));
    }
    return 0;
}

static int parse_image(const json_t *root, ld_reg_manifest_info *out, ld_error *err)
{
    const json_t *cfg = json_object_get(root, "config");
    if (!json_is_object(cfg))
        return ld_error_set(err, LD_ERR_CORRUPT, "manifest: \"config\" missing or not an object");
    const char *digest = json_string_value(json_object_get(cfg, "digest"));
    if (!digest_ok(digest))
        return ld_error_set(err, LD_ERR_CORRUPT,
                            "manifest: config digest missing or not sha256:<64 hex>");
    const json_t *layers = json_object_get(root, "layers");
    if (layers && !json_is_array(layers))
        return ld_error_set(err, LD_ERR_CORRUPT, "manifest: \"layers\" is not an array");
    out->config_digest = ld_xstrdup(digest);
    out->config_media_type = short_str(json_object_get(cfg, "mediaType"), 256);
    out->layers = json_array_size(layers);
    return 0;
}

int ld_reg_manifest_info_parse(const void *body, size_t len, const char *media_type,
                               ld_reg_manifest_info *out, ld_error *err)
{
    memset(out, 0, sizeof(*out));
    if (len > LD_REG_MAX_MANIFEST_BYTES)
        return ld_error_set(err, LD_ERR_LIMIT, "manifest of %zu bytes, over the %zu-byte limit",
                            len, LD_REG_MAX_MANIFEST_BYTES);
    json_t *root =
        ld_json_load_bounded("manifest", body, len, JSON_REJECT_DUPLICATES, &manifest_limits, err);
    if (!root)
        return err->code;
    int rc = 0;
    if (!json_is_object(root)) {
        rc = ld_error_set(err, LD_ERR_CORRUPT, "manifest: not a JSON object");
        goto out;
    }
    const char *own = json_string_value(json_object_get(root, "mediaType"));
    const json_t *sv = json_object_get(root, "schemaVersion");
    if (is_schema1_type(media_type) || is_schema1_type(own) ||
        (json_is_integer(sv) && json_integer_value(sv) == 1)) {
        rc = ld_error_set(err, LD_ERR_UNSUPPORTED,
                          "Docker schema 1 manifest (deprecated since 2017): not read");
        goto out;
    }
    bool index = is_index_type(own) || (!own && is_index_type(media_type)) ||
                 (!own && !media_type && json_object_get(root, "manifests"));
    rc = index ? parse_index(root, out, err) : parse_image(root, out, err);
out:
    json_decref(root);
    if (rc < 0)
        ld_reg_manifest_info_clear(out);
    return rc;
}

bool ld_reg_is_image_config_type(const char *t)
{
    return !t || strcmp(t, "application/vnd.oci.image.config.v1+json") == 0 ||
           strcmp(t, "application/vnd.docker.container.image.v1+json") == 0;
}

int ld_reg_config_created(const void *body, size_t len, char **created, time_t *when, ld_error *err)
{
    long ns;
    return ld_reg_config_created_ns(body, len, created, when, &ns, err);
}

int ld_reg_config_created_ns(const void *body, size_t len, char **created, time_t *when, long *nsec,
                             ld_error *err)
{
    *created = NULL;
    *when = 0;
    *nsec = 0;
    json_t *root = ld_json_load_bounded("image config", body, len, JSON_REJECT_DUPLICATES,
                                        &ld_json_cataloger_limits, err);
    if (!root)
        return err->code;
    if (!json_is_object(root)) {
        json_decref(root);
        return ld_error_set(err, LD_ERR_CORRUPT, "image config: not a JSON object");
    }
    char *s = short_str(json_object_get(root, "created"), 64);
    json_decref(root);
    if (s && ld_reg_parse_rfc3339_ns(s, when, nsec) < 0) {
        *when = 0;
        *nsec = 0;
    }
    *created = s;
    return 0;
}

/* Exactly n digits at s into *v. */
static bool digits(const char *s, int n, int *v)
{
    int x = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        x = x * 10 + (s[i] - '0');
    }
    *v = x;
    return true;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's
 * civil-days formula, written out here). */
static long long days_from_civil(int y, int m, int d)
{
    y -= m <= 2;
    long long era = (y >= 0 ? y : y - 399) / 400;
    long long yoe = y - era * 400;
    long long doy = (153LL * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    long long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

int ld_reg_parse_rfc3339(const char *s, time_t *out)
{
    return ld_reg_parse_rfc3339_ns(s, out, NULL);
}

int ld_reg_parse_rfc3339_ns(const char *s, time_t *out, long *nsec)
{
    int y, mo, d, h, mi, se;
    long ns = 0;
    if (!s || strlen(s) < 20)
        return -1;
    if (ld_date_parse(s, 10, &y, &mo, &d) != LD_DATE_OK)
        return -1;
    if (s[10] != 'T' && s[10] != 't' && s[10] != ' ')
        return -1;
    if (!digits(s + 11, 2, &h) || s[13] != ':' || !digits(s + 14, 2, &mi) || s[16] != ':' ||
        !digits(s + 17, 2, &se) || h > 23 || mi > 59 || se > 60)
        return -1;
    const char *p = s + 19;
    if (*p == '.') {
        p++;
        const char *f = p;
        long scale = 100000000;
        while (*p >= '0' && *p <= '9' && p - f < 20) {
            ns += (*p - '0') * scale;
            scale /= 10;
            p++;
        }
        if (p == f || (*p >= '0' && *p <= '9'))
            return -1;
    }
    long long off = 0;
    if (*p == 'Z' || *p == 'z') {
        p++;
    } else if (*p == '+' || *p == '-') {
        int oh, om;
        if (!digits(p + 1, 2, &oh) || p[3] != ':' || !digits(p + 4, 2, &om) || oh > 23 || om > 59)
            return -1;
        off = (oh * 60LL + om) * 60LL * (*p == '+' ? 1 : -1);
        p += 6;
    } else {
        return -1;
    }
    if (*p)
        return -1;
    long long t = days_from_civil(y, mo, d) * 86400LL + h * 3600LL + mi * 60LL + se - off;
    *out = (time_t)t;
    if (nsec)
        *nsec = ns;
    return 0;
}

int ld_reg_parse_since(const char *s, time_t *out)
{
    int y, m, d;
    if (s && strlen(s) == 10) {
        if (ld_date_parse(s, 10, &y, &m, &d) != LD_DATE_OK)
            return -1;
        *out = (time_t)(days_from_civil(y, m, d) * 86400LL);
        return 0;
    }
    return ld_reg_parse_rfc3339(s, out);
}

bool ld_reg_is_attachment_tag(const char *tag, const char **kind, char *hex)
{
    static const char *const kinds[] = {"sig", "att", "sbom"};
    if (!tag || strncmp(tag, "sha256-", 7) != 0 || strlen(tag) < 7 + 64 + 2)
        return false;
    for (size_t i = 7; i < 7 + 64; i++)
        if (!((tag[i] >= '0' && tag[i] <= '9') || (tag[i] >= 'a' && tag[i] <= 'f')))
            return false;
    if (tag[7 + 64] != '.')
        return false;
    const char *k = tag + 7 + 64 + 1;
    for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
        if (strcmp(k, kinds[i]) == 0) {
            if (kind)
                *kind = kinds[i];
            if (hex) {
                memcpy(hex, tag + 7, 64);
                hex[64] = '\0';
            }
            return true;
        }
    }
    return false;
}
