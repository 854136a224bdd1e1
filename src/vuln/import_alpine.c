/* Alpine secdb importer (https://secdb.alpinelinux.org/vX.Y/REPO.json):
 * {distroversion, reponame, packages: [{pkg: {name, secfixes: {VERSION:
 * [ids]}}}]} into ecosystem "Alpine:vX.Y" rows keyed by the origin package,
 * one ECOSYSTEM range "introduced 0, fixed VERSION" per (id, package,
 * version). secfixes "0" means never affected: not stored. Source name
 * "alpine-vX.Y-REPO" unless the caller names it.
 *
 * The document is never built as one tree: its top-level members are
 * found by scanning (util/json_span.h), the small ones parsed on their
 * own, and the "packages" array walked one package at a time, so memory
 * stays near the file's size plus one package's tree (a 100 MB secdb
 * parsed whole took 1.5 GB), as the Debian importer does. */
#include <ctype.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/json_span.h"
#include "util/mem.h"
#include "util/text_bom.h"
#include "vuln/db_internal.h"

/* Largest value of a top-level member other than "packages"
 * (distroversion, reponame, urlprefix, apkurl, archs: a few bytes each). */
#define ALPINE_MAX_HEADER_VALUE (1u << 20)
/* Largest JSON value of one package entry. */
#define ALPINE_MAX_PACKAGE_BYTES (16u << 20)

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

/* One element of "packages": {"pkg": {"name": ..., "secfixes": {...}}}. */
static int import_package(ld_vulndb_builder *b, const char *eco, json_t *p, size_t i,
                          const char *where, long long *records, ld_error *err)
{
    json_t *pkg = json_object_get(p, "pkg");
    const char *pname = opt_str(pkg, "name");
    json_t *fixes = json_object_get(pkg, "secfixes");
    if (!pname || !*pname)
        return ld_error_set(err, LD_ERR_CORRUPT, "%s: packages[%zu]: no pkg.name", where, i);
    if (!fixes)
        return 0;
    if (!json_is_object(fixes))
        return ld_error_set(err, LD_ERR_CORRUPT, "%s: package %s: secfixes is not an object", where,
                            pname);
    const char *ver;
    json_t *ids;
    int rc = 0;
    json_object_foreach(fixes, ver, ids)
    {
        if (!json_is_array(ids))
            return ld_error_set(err, LD_ERR_CORRUPT, "%s: package %s: secfixes %s is not an array",
                                where, pname, ver);
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
                return rc;
        }
    }
    return 0;
}

/* A string member's value (a span holding one JSON string) into a new C
 * string, or NULL when it is not a string. */
static char *span_string(const char *buf, size_t at, size_t end)
{
    json_error_t je;
    json_t *v = json_loadb(buf + at, end - at, JSON_DECODE_ANY, &je);
    char *s = json_is_string(v) ? ld_xstrdup(json_string_value(v)) : NULL;
    json_decref(v);
    return s;
}

static int not_secdb(const char *where, ld_error *err)
{
    return ld_error_set(err, LD_ERR_CORRUPT,
                        "%s: not an Alpine secdb document (needs distroversion and packages)",
                        where);
}

int ld_import_alpine_buffer(ld_vulndb_builder *b, const char *buf, size_t len, const char *where,
                            const char *name, long long *records, ld_error *err)
{
    *records = 0;
    ld_skip_utf8_bom(&buf, &len);
    ld_json_walk top;
    size_t i = ld_json_skip_ws(buf, len, 0);
    if (!ld_json_walk_begin(&top, buf, len, i) || buf[i] != '{')
        return not_secdb(where, err);
    /* pass 1: the small members, and where "packages" is */
    char *dv = NULL, *repo = NULL;
    size_t pk_at = 0, pk_end = 0, key, key_end, val, val_end;
    bool have_packages = false;
    int rc = 0, more;
    while ((more = ld_json_walk_next(&top, &key, &key_end, &val, &val_end)) == 1) {
        char *k = span_string(buf, key, key_end);
        if (!k) {
            rc = ld_error_set(err, LD_ERR_CORRUPT, "%s: offset %zu: invalid member name", where,
                              key);
            break;
        }
        if (strcmp(k, "packages") == 0) {
            if (have_packages) {
                rc = ld_error_set(err, LD_ERR_CORRUPT, "%s: \"packages\" given twice", where);
            } else {
                have_packages = true;
                pk_at = val;
                pk_end = val_end;
            }
        } else if (strcmp(k, "distroversion") == 0 || strcmp(k, "reponame") == 0) {
            if (val_end - val > ALPINE_MAX_HEADER_VALUE)
                rc = ld_error_set(err, LD_ERR_LIMIT, "%s: \"%s\" longer than %u bytes", where, k,
                                  ALPINE_MAX_HEADER_VALUE);
            else {
                char **slot = k[0] == 'd' ? &dv : &repo;
                free(*slot);
                *slot = span_string(buf, val, val_end);
            }
        }
        free(k);
        if (rc < 0)
            break;
    }
    if (rc == 0 && more < 0)
        rc = ld_error_set(err, LD_ERR_CORRUPT, "%s: offset %zu: malformed JSON", where, val);
    if (rc == 0 && ld_json_skip_ws(buf, len, top.pos) != len)
        rc = ld_error_set(err, LD_ERR_CORRUPT, "%s: offset %zu: trailing data after the document",
                          where, ld_json_skip_ws(buf, len, top.pos));
    if (rc == 0 && (!dv || !safe_label(dv) || (repo && !safe_label(repo)) || !have_packages ||
                    buf[pk_at] != '['))
        rc = not_secdb(where, err);
    char eco[96];
    if (rc == 0) {
        snprintf(eco, sizeof(eco), "Alpine:%s", dv);
        char *nm = name ? ld_xstrdup(name) : ld_xasprintf("alpine-%s-%s", dv, repo ? repo : "main");
        rc = ldb_source_begin(b, nm, "alpine", err);
        free(nm);
    }
    /* pass 2: one package at a time */
    ld_json_walk pkgs;
    if (rc == 0 && !ld_json_walk_begin(&pkgs, buf, pk_end, pk_at))
        rc = not_secdb(where, err);
    for (size_t n = 0; rc == 0; n++) {
        more = ld_json_walk_next(&pkgs, &key, &key_end, &val, &val_end);
        if (more == 0)
            break;
        if (more < 0) {
            rc = ld_error_set(err, LD_ERR_CORRUPT,
                              "%s: packages[%zu]: malformed JSON at offset %zu", where, n, val);
            break;
        }
        if (val_end - val > ALPINE_MAX_PACKAGE_BYTES) {
            rc = ld_error_set(err, LD_ERR_LIMIT, "%s: packages[%zu]: more than %u bytes", where, n,
                              ALPINE_MAX_PACKAGE_BYTES);
            break;
        }
        json_error_t je;
        json_t *p = json_loadb(buf + val, val_end - val, 0, &je);
        if (!p)
            rc = ld_error_set(err, LD_ERR_CORRUPT, "%s: packages[%zu]: invalid JSON: %s", where, n,
                              je.text);
        else
            rc = import_package(b, eco, p, n, where, records, err);
        json_decref(p);
    }
    free(dv);
    free(repo);
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
