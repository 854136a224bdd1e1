/* Debian security tracker importer
 * (https://security-tracker.debian.org/tracker/data/json): an object keyed
 * by SOURCE package, each an object keyed by CVE/TEMP id with description,
 * debianbug and releases {codename: {status, fixed_version, urgency, nodsa,
 * nodsa_reason}}. Each (id, package, release) becomes an affected row of
 * ecosystem "Debian:<number>" with one ECOSYSTEM range. The file is read
 * whole (capped by max_file_bytes; ~60 MB today) but parsed one source
 * package at a time.
 * Not-affected entries (resolved with fixed_version "0") are not stored. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/json_span.h"
#include "util/mem.h"
#include "util/text_bom.h"
#include "vuln/db_internal.h"

static const struct {
    const char *codename, *version;
} releases[] = {
    {"jessie", "8"},    {"stretch", "9"}, {"buster", "10"}, {"bullseye", "11"},
    {"bookworm", "12"}, {"trixie", "13"}, {"forky", "14"},  {"sid", "unstable"},
};

static const char *release_version(const char *codename)
{
    for (size_t i = 0; i < sizeof(releases) / sizeof(releases[0]); i++)
        if (strcmp(releases[i].codename, codename) == 0)
            return releases[i].version;
    return NULL;
}

static const char *opt_str(json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

/* Fix status of one release entry; *skip when not affected at all. */
static ld_fix_status status_of(json_t *rel, const char **fixed, bool *skip)
{
    const char *status = opt_str(rel, "status"), *fv = opt_str(rel, "fixed_version"),
               *urgency = opt_str(rel, "urgency"), *reason = opt_str(rel, "nodsa_reason");
    *fixed = NULL;
    *skip = false;
    if (status && strcmp(status, "resolved") == 0) {
        if (!fv || strcmp(fv, "0") == 0) {
            *skip = true;
            return LD_FIX_NOT_AFFECTED;
        }
        *fixed = fv;
        return LD_FIX_FIXED;
    }
    if (urgency && strcmp(urgency, "unimportant") == 0)
        return LD_FIX_UNIMPORTANT;
    if (urgency && strcmp(urgency, "end-of-life") == 0)
        return LD_FIX_END_OF_LIFE;
    if (reason && strcmp(reason, "ignored") == 0)
        return LD_FIX_WILL_NOT_FIX;
    if (reason && strcmp(reason, "postponed") == 0)
        return LD_FIX_POSTPONED;
    if (status && strcmp(status, "open") == 0)
        return LD_FIX_NOT_FIXED;
    return LD_FIX_UNKNOWN; /* undetermined */
}

static int import_issue(ld_vulndb_builder *b, const char *pkg, const char *id, json_t *issue,
                        const char *where, long long *records, ld_error *err)
{
    if (!json_is_object(issue))
        return ld_error_set(err, LD_ERR_CORRUPT, "%s: package %s: %s is not an object", where, pkg,
                            id);
    json_t *rels = json_object_get(issue, "releases");
    if (rels && !json_is_object(rels))
        return ld_error_set(err, LD_ERR_CORRUPT, "%s: package %s: %s: releases is not an object",
                            where, pkg, id);
    int64_t adv = -1;
    const char *codename;
    json_t *rel;
    json_object_foreach(rels, codename, rel)
    {
        const char *ver = release_version(codename);
        if (!ver)
            continue;
        if (!json_is_object(rel))
            return ld_error_set(err, LD_ERR_CORRUPT,
                                "%s: package %s: %s: release %s is not an object", where, pkg, id,
                                codename);
        const char *fixed;
        bool skip;
        ld_fix_status fs = status_of(rel, &fixed, &skip);
        if (skip)
            continue;
        int rc;
        if (adv < 0) {
            ldb_advisory a = {.id = id, .summary = opt_str(issue, "description")};
            rc = ldb_advisory_add(b, &a, &adv, err);
            if (rc < 0)
                return rc;
            if (rc == 0) {
                (*records)++;
                char *url = ld_xasprintf("https://security-tracker.debian.org/tracker/%s", id);
                rc = ldb_ref_add(b, adv, "ADVISORY", url, err);
                free(url);
                if (rc < 0)
                    return rc;
            }
            json_t *bug = json_object_get(issue, "debianbug");
            if (rc == 0 && json_is_integer(bug) && json_integer_value(bug) > 0) {
                char *url = ld_xasprintf("https://bugs.debian.org/%lld",
                                         (long long)json_integer_value(bug));
                rc = ldb_ref_add(b, adv, "REPORT", url, err);
                free(url);
                if (rc < 0)
                    return rc;
            }
        }
        char eco[32];
        snprintf(eco, sizeof(eco), "Debian:%s", ver);
        const char *urgency = opt_str(rel, "urgency");
        int64_t aff, range;
        if ((rc = ldb_affected_add(b, adv, eco, pkg, NULL, fs, urgency, &aff, err)) < 0 ||
            (rc = ldb_range_add(b, aff, LD_RANGE_ECOSYSTEM, &range, err)) < 0 ||
            (rc = ldb_event_add(b, range, 0, LD_EVENT_INTRODUCED, "0", err)) < 0)
            return rc;
        if (fixed && (rc = ldb_event_add(b, range, 1, LD_EVENT_FIXED, fixed, err)) < 0)
            return rc;
    }
    return 0;
}

/* Largest JSON value of one source package (the kernel's is a few MB). */
#define DEBIAN_MAX_PACKAGE_BYTES (64u << 20)

static int import_package(ld_vulndb_builder *b, const char *pkg, json_t *issues, const char *where,
                          long long *records, ld_error *err)
{
    if (!json_is_object(issues))
        return ld_error_set(err, LD_ERR_CORRUPT, "%s: package %s: not an object", where, pkg);
    const char *id;
    json_t *issue;
    json_object_foreach(issues, id, issue)
    {
        int rc = import_issue(b, pkg, id, issue, where, records, err);
        if (rc < 0)
            return rc;
    }
    return 0;
}

/* The document is scanned one top-level member at a time and each
 * package's value parsed on its own, so memory stays near one package's
 * tree instead of the whole ~60 MB document's (about 10x its size). */
int ld_import_debian_buffer(ld_vulndb_builder *b, const char *buf, size_t len, const char *where,
                            const char *name, long long *records, ld_error *err)
{
    *records = 0;
    ld_skip_utf8_bom(&buf, &len);
    size_t i = ld_json_skip_ws(buf, len, 0);
    if (i >= len || buf[i] != '{')
        return ld_error_set(err, LD_ERR_CORRUPT,
                            "%s: not a Debian security tracker document (expected an object keyed "
                            "by source package)",
                            where);
    int rc = ldb_source_begin(b, name ? name : "debian-tracker", "debian", err);
    if (rc < 0)
        return rc;
    i = ld_json_skip_ws(buf, len, i + 1);
    if (i < len && buf[i] == '}')
        i++;
    else
        for (;;) {
            if (i >= len || buf[i] != '"')
                return ld_error_set(err, LD_ERR_CORRUPT, "%s: offset %zu: expected a package name",
                                    where, i);
            size_t kend = ld_json_value_end(buf, len, i);
            if (!kend)
                return ld_error_set(err, LD_ERR_CORRUPT, "%s: offset %zu: unterminated string",
                                    where, i);
            json_error_t je;
            json_t *key = json_loadb(buf + i, kend - i, JSON_DECODE_ANY, &je);
            if (!json_is_string(key)) {
                json_decref(key);
                return ld_error_set(err, LD_ERR_CORRUPT, "%s: offset %zu: invalid package name",
                                    where, i);
            }
            i = ld_json_skip_ws(buf, len, kend);
            if (i >= len || buf[i] != ':') {
                rc = ld_error_set(err, LD_ERR_CORRUPT, "%s: package %s: expected ':'", where,
                                  json_string_value(key));
                json_decref(key);
                return rc;
            }
            i = ld_json_skip_ws(buf, len, i + 1);
            size_t vend = i < len && buf[i] == '{' ? ld_json_value_end(buf, len, i) : 0;
            if (!vend)
                rc = ld_error_set(err, LD_ERR_CORRUPT, "%s: package %s: not an object", where,
                                  json_string_value(key));
            else if (vend - i > DEBIAN_MAX_PACKAGE_BYTES)
                rc = ld_error_set(err, LD_ERR_LIMIT, "%s: package %s: more than %u bytes", where,
                                  json_string_value(key), DEBIAN_MAX_PACKAGE_BYTES);
            else {
                json_t *issues = json_loadb(buf + i, vend - i, 0, &je);
                if (!issues)
                    rc = ld_error_set(err, LD_ERR_CORRUPT, "%s: package %s: invalid JSON: %s",
                                      where, json_string_value(key), je.text);
                else
                    rc = import_package(b, json_string_value(key), issues, where, records, err);
                json_decref(issues);
            }
            json_decref(key);
            if (rc < 0)
                return rc;
            i = ld_json_skip_ws(buf, len, vend);
            if (i < len && buf[i] == ',') {
                i = ld_json_skip_ws(buf, len, i + 1);
                continue;
            }
            if (i < len && buf[i] == '}') {
                i++;
                break;
            }
            return ld_error_set(err, LD_ERR_CORRUPT, "%s: offset %zu: expected ',' or '}'", where,
                                i);
        }
    i = ld_json_skip_ws(buf, len, i);
    if (i != len)
        return ld_error_set(err, LD_ERR_CORRUPT, "%s: offset %zu: trailing data after the document",
                            where, i);
    return 0;
}

int ld_import_debian_file(ld_vulndb_builder *b, const char *path, const char *name,
                          long long *records, ld_error *err)
{
    char *buf = NULL;
    size_t len = 0;
    *records = 0;
    int rc = ldb_read_file(path, ldb_limits(b)->max_file_bytes, &buf, &len, err);
    if (rc < 0)
        return rc;
    rc = ld_import_debian_buffer(b, buf, len, path, name, records, err);
    free(buf);
    return rc;
}
