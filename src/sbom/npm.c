/* npm cataloger: installed Node.js packages.
 *
 * - node_modules/<name>/package.json and node_modules/@scope/<name>/package.json
 *   at any depth (nested node_modules included): "name", "version", licence
 *   from "license" (a string, or the deprecated {"type": ...} object) or the
 *   legacy "licenses" array (of objects or strings).
 * - package-lock.json (lockfileVersion 1, 2, 3): v2/v3 "packages" keyed by
 *   install path ("node_modules/a/node_modules/b"), else v1's nested
 *   "dependencies" tree. Links (workspaces) and the root entry "" are skipped.
 *
 * Deliberately ignored: a package.json that is not directly in a
 * node_modules package directory. The root package.json of an application
 * describes the application being built, not an installed dependency, and
 * any directory (test fixtures, tools, a package's own dist/ subfolders with
 * {"type": "module"}) may hold one; reporting those would invent packages.
 * The hidden lockfile node_modules/.package-lock.json is ignored too: it
 * repeats what the package.json files under node_modules already say.
 * Not for yarn.lock or pnpm-lock.yaml. */
#include <jansson.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "sbom/catalogers_list.h"
#include "util/json_budget.h"
#include "util/mem.h"

#define NPM_FIELD_MAX 4096  /* longer name/version/licence: ignored */
#define NPM_MAX_DEPTH 64    /* nesting of v1 "dependencies" followed */
#define NPM_MAX_LICENSES 32 /* entries taken from a "licenses" array */

/* Documents are counted before jansson builds them (util/json_budget.h:
 * values, objects and arrays, nesting), which bounds the memory and the
 * recursion inside json_loadb; our own walk is bounded by NPM_MAX_DEPTH. */

static const char *short_string(const json_t *v)
{
    if (!json_is_string(v))
        return NULL;
    size_t n = json_string_length(v);
    const char *s = json_string_value(v);
    if (n == 0 || n > NPM_FIELD_MAX || strlen(s) != n) /* embedded NUL: not a name */
        return NULL;
    return s;
}

static void add_license(ld_package *p, const json_t *v)
{
    const char *s = short_string(v);
    if (!s && json_is_object(v))
        s = short_string(json_object_get(v, "type"));
    if (s && !ld_strlist_contains(&p->licenses, s))
        ld_strlist_push(&p->licenses, s);
}

static void read_licenses(ld_package *p, const json_t *obj)
{
    const json_t *lic = json_object_get(obj, "license");
    if (json_is_array(lic)) {
        size_t i;
        const json_t *e;
        json_array_foreach(lic, i, e)
        {
            if (i >= NPM_MAX_LICENSES)
                break;
            add_license(p, e);
        }
    } else if (lic) {
        add_license(p, lic);
    }
    const json_t *legacy = json_object_get(obj, "licenses");
    if (json_is_array(legacy)) {
        size_t i;
        const json_t *e;
        json_array_foreach(legacy, i, e)
        {
            if (i >= NPM_MAX_LICENSES)
                break;
            add_license(p, e);
        }
    } else if (legacy) {
        add_license(p, legacy);
    }
}

static void add_pkg(ld_package_list *out, const char *name, size_t name_n, const char *version,
                    const json_t *obj, const char *path)
{
    ld_package *p = ld_package_list_add(out, LD_ECO_NPM);
    p->name = ld_xstrndup(name, name_n);
    p->version = ld_xstrdup(version);
    if (obj)
        read_licenses(p, obj);
    p->found_in = ld_xstrdup(path);
    ld_package_set_purl(p, NULL, NULL);
}

static json_t *load(const char *path, const uint8_t *data, size_t len, ld_error *err)
{
    json_t *root =
        ld_json_load_bounded(path, (const char *)data, len, 0, &ld_json_cataloger_limits, err);
    if (!root)
        return NULL;
    if (!json_is_object(root)) {
        json_decref(root);
        ld_error_set(err, LD_ERR_CORRUPT, "%s: not a JSON object", path);
        return NULL;
    }
    return root;
}

static int parse_package_json(const char *path, const uint8_t *data, size_t len,
                              ld_package_list *out, ld_error *err)
{
    json_t *root = load(path, data, len, err);
    if (!root)
        return err->code;
    const char *name = short_string(json_object_get(root, "name"));
    const char *version = short_string(json_object_get(root, "version"));
    if (name && version)
        add_pkg(out, name, strlen(name), version, root, path);
    json_decref(root);
    return 0;
}

/* The package name of a v2/v3 "packages" key: after the last "node_modules/". */
static const char *name_from_install_path(const char *key)
{
    const char *name = NULL;
    for (const char *p = key; (p = strstr(p, "node_modules/")) != NULL; p += 13)
        if (p == key || p[-1] == '/')
            name = p + 13;
    return name && *name ? name : NULL;
}

static void walk_v1(const json_t *deps, int depth, const char *path, ld_package_list *out)
{
    if (!json_is_object(deps) || depth >= NPM_MAX_DEPTH)
        return;
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)deps, key, v)
    {
        if (!json_is_object(v))
            continue;
        const char *version = short_string(json_object_get(v, "version"));
        size_t kn = strlen(key);
        /* "file:" / "git+" / "link:" versions are not registry releases, but
         * still installed packages: keep them as recorded. */
        if (version && kn && kn <= NPM_FIELD_MAX)
            add_pkg(out, key, kn, version, v, path);
        walk_v1(json_object_get(v, "dependencies"), depth + 1, path, out);
    }
}

static int parse_lock(const char *path, const uint8_t *data, size_t len, ld_package_list *out,
                      ld_error *err)
{
    json_t *root = load(path, data, len, err);
    if (!root)
        return err->code;
    const json_t *packages = json_object_get(root, "packages");
    if (json_is_object(packages)) {
        const char *key;
        json_t *v;
        json_object_foreach((json_t *)packages, key, v)
        {
            /* "" is the project itself; links point at another entry */
            if (!key[0] || !json_is_object(v) || json_is_true(json_object_get(v, "link")))
                continue;
            const char *name = short_string(json_object_get(v, "name"));
            if (!name)
                name = name_from_install_path(key);
            const char *version = short_string(json_object_get(v, "version"));
            if (!name || !version || strlen(name) > NPM_FIELD_MAX)
                continue;
            add_pkg(out, name, strlen(name), version, v, path);
        }
    } else {
        walk_v1(json_object_get(root, "dependencies"), 0, path, out);
    }
    json_decref(root);
    return 0;
}

static const char *base_name(const char *path)
{
    const char *b = strrchr(path, '/');
    return b ? b + 1 : path;
}

static bool is_lock(const char *path)
{
    return strcmp(base_name(path), "package-lock.json") == 0 && !strstr(path, "/node_modules/");
}

static int npm_parse(const char *path, const uint8_t *data, size_t len, ld_package_list *out,
                     ld_error *err)
{
    return is_lock(path) ? parse_lock(path, data, len, out, err)
                         : parse_package_json(path, data, len, out, err);
}

/* Is the directory part dir[0..n) "…/node_modules/NAME" or
 * "…/node_modules/@scope/NAME"? */
static bool is_module_dir(const char *dir, size_t n)
{
    static const char nm[] = "node_modules/";
    const size_t nml = sizeof(nm) - 1;
    const char *last = memrchr(dir, '/', n);
    if (!last || last == dir + n - 1)
        return false;
    size_t pre = (size_t)(last - dir) + 1; /* bytes up to and including the '/' */
    if (pre >= nml && memcmp(dir + pre - nml, nm, nml) == 0 &&
        (pre == nml || dir[pre - nml - 1] == '/'))
        return dir[pre] != '.' && dir[pre] != '@'; /* ".bin", a bare scope dir */
    /* scoped: the parent is "@scope" directly under node_modules */
    const char *scope_end = last;
    const char *scope = memrchr(dir, '/', (size_t)(scope_end - dir));
    if (!scope || scope[1] != '@' || scope + 2 >= scope_end)
        return false;
    size_t pre2 = (size_t)(scope - dir) + 1;
    return pre2 >= nml && memcmp(dir + pre2 - nml, nm, nml) == 0 &&
           (pre2 == nml || dir[pre2 - nml - 1] == '/');
}

static bool npm_wants(const char *path)
{
    if (is_lock(path))
        return true;
    const char *base = base_name(path);
    if (strcmp(base, "package.json") != 0 || base == path)
        return false;
    return is_module_dir(path, (size_t)(base - path - 1));
}

const ld_cataloger ld_cataloger_npm = {
    .name = "npm",
    .eco = LD_ECO_NPM,
    .max_bytes = 64u << 20,
    .wants = npm_wants,
    .parse = npm_parse,
};
