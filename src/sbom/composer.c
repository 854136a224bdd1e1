/* PHP cataloger: Composer's vendor/composer/installed.json, both the v1
 * layout (a top-level array of packages) and the v2 layout (an object with
 * a "packages" array), reporting name, version and licences. Not for
 * composer.lock (not present in deployed images as a rule) or
 * installed.php. */
#include <jansson.h>
#include <stdbool.h>
#include <string.h>

#include "sbom/catalogers_list.h"
#include "util/json_budget.h"
#include "util/mem.h"

#define MAX_PACKAGES 100000

static bool composer_wants(const char *path)
{
    static const char suffix[] = "/vendor/composer/installed.json";
    size_t n = strlen(path), sl = sizeof suffix - 1;
    return n >= sl && strcmp(path + n - sl, suffix) == 0;
}

static void json_decref_p(json_t **j)
{
    if (*j)
        json_decref(*j);
}

static int composer_parse(const char *path, const uint8_t *data, size_t len, ld_package_list *out,
                          ld_error *err)
{
    /* counted before it is built: a file of empty objects would take
     * 230 bytes of memory for every 3 bytes of input */
    __attribute__((cleanup(json_decref_p))) json_t *root = ld_json_load_bounded(
        path, (const char *)data, len, JSON_REJECT_DUPLICATES, &ld_json_cataloger_limits, err);
    if (!root)
        return err->code;
    json_t *pkgs = json_is_array(root) ? root : json_object_get(root, "packages");
    if (!json_is_array(pkgs))
        return ld_error_set(err, LD_ERR_CORRUPT, "%s: no packages array", path);
    if (json_array_size(pkgs) > MAX_PACKAGES)
        return ld_error_set(err, LD_ERR_LIMIT, "%s: more than %d packages", path, MAX_PACKAGES);
    size_t i;
    json_t *pk;
    json_array_foreach(pkgs, i, pk)
    {
        const char *name = json_string_value(json_object_get(pk, "name"));
        const char *version = json_string_value(json_object_get(pk, "version"));
        if (!name || !*name || !version)
            continue;
        ld_package *p = ld_package_list_add(out, LD_ECO_COMPOSER);
        p->name = ld_xstrdup(name);
        p->version = ld_xstrdup(version);
        json_t *lic = json_object_get(pk, "license");
        if (json_is_string(lic)) {
            ld_strlist_push(&p->licenses, json_string_value(lic));
        } else if (json_is_array(lic)) {
            size_t j;
            json_t *l;
            json_array_foreach(lic, j, l) if (json_is_string(l))
                ld_strlist_push(&p->licenses, json_string_value(l));
        }
        p->found_in = ld_xstrdup(path);
        ld_package_set_purl(p, NULL, NULL);
    }
    return 0;
}

const ld_cataloger ld_cataloger_composer = {
    .name = "composer",
    .eco = LD_ECO_COMPOSER,
    .max_bytes = (uint64_t)64 << 20,
    .wants = composer_wants,
    .parse = composer_parse,
};
