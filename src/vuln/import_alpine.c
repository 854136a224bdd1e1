/* Alpine secdb importer (https://secdb.alpinelinux.org/vX.Y/REPO.json):
 * {distroversion, reponame, packages: [{pkg: {name, secfixes: {VERSION:
 * [ids]}}}]} into ecosystem "Alpine:vX.Y" rows keyed by the origin package,
 * one ECOSYSTEM range "introduced 0, fixed VERSION" per (id, package,
 * version). secfixes "0" means never affected: not stored. Source name
 * "alpine-vX.Y-REPO" unless the caller names it. */
#include <ctype.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/mem.h"
#include "vuln/db_internal.h"

static const char *opt_str(json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

static bool safe_label(const char *s)
{
    if (!*s || strlen(s) > 64)
        return false;
    for (; *s; s++)
        if (!isalnum((unsigned char)*s) && *s != '.' && *s != '-' && *s != '_')
            return false;
    return true;
}

/* One id token (an entry may hold several, space separated). */
static int add_fix(ld_vulndb_builder *b, const char *eco, const char *pkg, const char *ver,
                   const char *id, long long *records, ld_error *err)
{
    ldb_advisory a = {.id = id};
    int64_t adv, aff, range;
    int rc = ldb_advisory_add(b, &a, &adv, err);
    if (rc < 0)
        return rc;
    if (rc == 0) {
        (*records)++;
        if (strncmp(id, "CVE-", 4) == 0) {
            char *url = ld_xasprintf("https://security.alpinelinux.org/vuln/%s", id);
            rc = ldb_ref_add(b, adv, "ADVISORY", url, err);
            free(url);
            if (rc < 0)
                return rc;
        }
    }
    if ((rc = ldb_affected_add(b, adv, eco, pkg, NULL, LD_FIX_FIXED, NULL, &aff, err)) < 0 ||
        (rc = ldb_range_add(b, aff, LD_RANGE_ECOSYSTEM, &range, err)) < 0 ||
        (rc = ldb_event_add(b, range, 0, LD_EVENT_INTRODUCED, "0", err)) < 0 ||
        (rc = ldb_event_add(b, range, 1, LD_EVENT_FIXED, ver, err)) < 0)
        return rc;
    return 0;
}

int ld_import_alpine_buffer(ld_vulndb_builder *b, const char *buf, size_t len, const char *where,
                            const char *name, long long *records, ld_error *err)
{
    *records = 0;
    json_error_t je;
    json_t *root = json_loadb(buf, len, 0, &je);
    if (!root)
        return ld_error_set(err, LD_ERR_CORRUPT, "%s: invalid JSON at line %d: %s", where, je.line,
                            je.text);
    int rc = 0;
    const char *dv = opt_str(root, "distroversion"), *repo = opt_str(root, "reponame");
    json_t *pkgs = json_object_get(root, "packages");
    if (!dv || !safe_label(dv) || (repo && !safe_label(repo)) || !json_is_array(pkgs)) {
        rc = ld_error_set(err, LD_ERR_CORRUPT,
                          "%s: not an Alpine secdb document (needs distroversion and packages)",
                          where);
        goto out;
    }
    char eco[96];
    snprintf(eco, sizeof(eco), "Alpine:%s", dv);
    char *nm = name ? ld_xstrdup(name) : ld_xasprintf("alpine-%s-%s", dv, repo ? repo : "main");
    rc = ldb_source_begin(b, nm, "alpine", err);
    free(nm);
    if (rc < 0)
        goto out;
    size_t i;
    json_t *p;
    json_array_foreach(pkgs, i, p)
    {
        json_t *pkg = json_object_get(p, "pkg");
        const char *pname = opt_str(pkg, "name");
        json_t *fixes = json_object_get(pkg, "secfixes");
        if (!pname || !*pname) {
            rc = ld_error_set(err, LD_ERR_CORRUPT, "%s: packages[%zu]: no pkg.name", where, i);
            break;
        }
        if (!fixes)
            continue;
        if (!json_is_object(fixes)) {
            rc = ld_error_set(err, LD_ERR_CORRUPT, "%s: package %s: secfixes is not an object",
                              where, pname);
            break;
        }
        const char *ver;
        json_t *ids;
        json_object_foreach(fixes, ver, ids)
        {
            if (!json_is_array(ids)) {
                rc = ld_error_set(err, LD_ERR_CORRUPT,
                                  "%s: package %s: secfixes %s is not an array", where, pname, ver);
                break;
            }
            if (strcmp(ver, "0") == 0 || !*ver)
                continue; /* never affected */
            size_t j;
            json_t *idv;
            json_array_foreach(ids, j, idv)
            {
                if (!json_is_string(idv))
                    continue;
                char *copy = ld_xstrdup(json_string_value(idv));
                char *save = NULL;
                for (char *tok = strtok_r(copy, " \t,", &save); tok && rc == 0;
                     tok = strtok_r(NULL, " \t,", &save))
                    if (strlen(tok) <= 128)
                        rc = add_fix(b, eco, pname, ver, tok, records, err);
                free(copy);
                if (rc < 0)
                    break;
            }
            if (rc < 0)
                break;
        }
        if (rc < 0)
            break;
    }
out:
    json_decref(root);
    return rc;
}

int ld_import_alpine_file(ld_vulndb_builder *b, const char *path, const char *name,
                          long long *records, ld_error *err)
{
    char *buf = NULL;
    size_t len = 0;
    *records = 0;
    int rc = ldb_read_file(path, ldb_limits(b)->max_file_bytes, &buf, &len, err);
    if (rc < 0)
        return rc;
    rc = ld_import_alpine_buffer(b, buf, len, path, name, records, err);
    free(buf);
    return rc;
}
