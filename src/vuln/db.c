/* Read side of the vulnerability database (src/vuln/db.h): default path,
 * read-only open with schema check, cached prepared statements for
 * ld_vulndb_lookup(), source statistics. The builder is in db_build.c. */
#include "vuln/db.h"

#include <errno.h>
#include <limits.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/mem.h"
#include "vuln/db_internal.h"

struct ld_vulndb {
    sqlite3 *sql;
    char *path;
    sqlite3_stmt *q_affected, *q_aliases, *q_refs, *q_ranges, *q_versions;
    bool in_txn; /* the handle holds one read transaction (see ld_vulndb_open) */
    /* scratch owned per callback */
    char **strs;
    size_t n_strs, cap_strs;
};

static const char *const fix_names[LD_FIX_COUNT] = {
    "unknown",     "fixed",       "not-fixed", "will-not-fix",
    "end-of-life", "unimportant", "postponed", "not-affected",
};

const char *ld_fix_status_name(ld_fix_status s)
{
    return (unsigned)s < LD_FIX_COUNT ? fix_names[s] : "unknown";
}

int ld_fix_status_parse(const char *name, ld_fix_status *out)
{
    for (int i = 0; i < LD_FIX_COUNT; i++)
        if (name && strcmp(name, fix_names[i]) == 0) {
            *out = (ld_fix_status)i;
            return 0;
        }
    return LD_ERR_NOT_FOUND;
}

const char *ld_vulndb_default_path(void)
{
    static char buf[PATH_MAX];
    const char *env = getenv("LOCKDOWN_DB");
    if (env && *env) {
        snprintf(buf, sizeof(buf), "%s", env);
        return buf;
    }
    if (geteuid() == 0) {
        snprintf(buf, sizeof(buf), "/var/lib/lockdown/vuln.db");
        return buf;
    }
    const char *xdg = getenv("XDG_CACHE_HOME");
    if (xdg && xdg[0] == '/') {
        snprintf(buf, sizeof(buf), "%s/lockdown/vuln.db", xdg);
        return buf;
    }
    const char *home = getenv("HOME");
    snprintf(buf, sizeof(buf), "%s/.cache/lockdown/vuln.db", home && *home ? home : "/tmp");
    return buf;
}

const char *ld_vulndb_path(const ld_vulndb *db)
{
    return db->path;
}

static int sql_err(ld_vulndb *db, ld_error *err, const char *what)
{
    return ld_error_set(err, LD_ERR_CORRUPT, "vulnerability database %s: %s: %s", db->path, what,
                        sqlite3_errmsg(db->sql));
}

void ld_vulndb_close(ld_vulndb *db)
{
    if (!db)
        return;
    sqlite3_finalize(db->q_affected);
    sqlite3_finalize(db->q_aliases);
    sqlite3_finalize(db->q_refs);
    sqlite3_finalize(db->q_ranges);
    sqlite3_finalize(db->q_versions);
    if (db->in_txn)
        sqlite3_exec(db->sql, "COMMIT", NULL, NULL, NULL);
    sqlite3_close(db->sql);
    for (size_t i = 0; i < db->n_strs; i++)
        free(db->strs[i]);
    free(db->strs);
    free(db->path);
    free(db);
}

static int meta_get(ld_vulndb *db, const char *key, char **out, ld_error *err)
{
    sqlite3_stmt *st = NULL;
    *out = NULL;
    if (sqlite3_prepare_v2(db->sql, "SELECT value FROM meta WHERE key = ?1", -1, &st, NULL) !=
        SQLITE_OK)
        return sql_err(db, err, "not a lockdown vulnerability database");
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW && sqlite3_column_text(st, 0))
        *out = ld_xstrdup((const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return sql_err(db, err, "reading meta");
    return 0;
}

ld_vulndb *ld_vulndb_open(const char *path, ld_error *err)
{
    if (!path)
        path = ld_vulndb_default_path();
    struct stat sb;
    if (stat(path, &sb) != 0) {
        if (errno == ENOENT) {
            ld_error_set(err, LD_ERR_NOT_FOUND,
                         "no vulnerability database at %s: run 'lockdown db update' (or "
                         "'lockdown db import FILES' offline)",
                         path);
            return NULL;
        }
        ld_error_set_errno(err, LD_ERR_GENERIC, errno, "vulnerability database %s", path);
        return NULL;
    }
    ld_vulndb *db = ld_xcalloc(1, sizeof(*db));
    db->path = ld_xstrdup(path);
    if (sqlite3_open_v2(path, &db->sql, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL) !=
        SQLITE_OK) {
        sql_err(db, err, "cannot open");
        ld_vulndb_close(db);
        return NULL;
    }
    char *ver = NULL;
    if (meta_get(db, "schema_version", &ver, err) < 0) {
        ld_vulndb_close(db);
        return NULL;
    }
    if (!ver) {
        ld_error_set(err, LD_ERR_CORRUPT,
                     "vulnerability database %s: no schema_version: not a lockdown database", path);
        ld_vulndb_close(db);
        return NULL;
    }
    char *end = NULL;
    long v = strtol(ver, &end, 10);
    bool ok = end && *end == '\0' && v == LD_VULNDB_SCHEMA_VERSION;
    free(ver);
    if (!ok) {
        ld_error_set(err, LD_ERR_UNSUPPORTED,
                     "vulnerability database %s: unsupported schema version (this lockdown reads "
                     "version %d): run 'lockdown db update'",
                     path, LD_VULNDB_SCHEMA_VERSION);
        ld_vulndb_close(db);
        return NULL;
    }
    static const char q_aff[] =
        "SELECT a.id, a.ecosystem, a.package, a.purl, a.fix_status, a.severity, v.source, "
        "v.advisory_id, v.summary, v.details, v.severity, v.cvss3_vector, v.cvss3_score, "
        "v.cvss4_vector, v.cvss4_score, v.published, v.modified, v.id "
        "FROM affected a JOIN advisories v ON v.id = a.advisory "
        "WHERE a.ecosystem = ?1 AND a.package = ?2 AND v.withdrawn IS NULL "
        "ORDER BY v.advisory_id, a.id";
    if (sqlite3_prepare_v3(db->sql, q_aff, -1, SQLITE_PREPARE_PERSISTENT, &db->q_affected, NULL) ||
        sqlite3_prepare_v3(db->sql, "SELECT alias FROM aliases WHERE advisory = ?1 ORDER BY rowid",
                           -1, SQLITE_PREPARE_PERSISTENT, &db->q_aliases, NULL) ||
        sqlite3_prepare_v3(db->sql, "SELECT type, url FROM refs WHERE advisory = ?1 ORDER BY rowid",
                           -1, SQLITE_PREPARE_PERSISTENT, &db->q_refs, NULL) ||
        sqlite3_prepare_v3(db->sql,
                           "SELECT r.id, r.type, e.kind, e.version FROM ranges r "
                           "LEFT JOIN events e ON e.range = r.id WHERE r.affected = ?1 "
                           "ORDER BY r.id, e.seq",
                           -1, SQLITE_PREPARE_PERSISTENT, &db->q_ranges, NULL) ||
        sqlite3_prepare_v3(db->sql,
                           "SELECT version FROM versions WHERE affected = ?1 ORDER BY rowid", -1,
                           SQLITE_PREPARE_PERSISTENT, &db->q_versions, NULL)) {
        sql_err(db, err, "preparing queries");
        ld_vulndb_close(db);
        return NULL;
    }
    /* A scan makes thousands of small lookups: map the file, keep a larger
     * page cache, and hold one read transaction for the handle's life so
     * each statement does not take and drop the shared lock again (the
     * builder writes a new file and renames it, so it never waits on us). */
    if (sqlite3_exec(db->sql,
                     "PRAGMA mmap_size=1073741824; PRAGMA cache_size=-65536; BEGIN DEFERRED",
                     NULL, NULL, NULL) != SQLITE_OK) {
        sql_err(db, err, "starting the read transaction");
        ld_vulndb_close(db);
        return NULL;
    }
    db->in_txn = true;
    return db;
}

int ld_vulndb_built_at(ld_vulndb *db, time_t *out)
{
    char *v = NULL;
    ld_error e = LD_ERROR_INIT;
    if (meta_get(db, "built_at", &v, &e) < 0 || !v) {
        free(v);
        return LD_ERR_CORRUPT;
    }
    char *end = NULL;
    errno = 0;
    long long t = strtoll(v, &end, 10);
    bool ok = errno == 0 && end != v && *end == '\0' && t >= 0;
    free(v);
    if (!ok)
        return LD_ERR_CORRUPT;
    *out = (time_t)t;
    return 0;
}

/* Copies a column into the per-callback scratch list; NULL stays NULL. */
static const char *keep(ld_vulndb *db, sqlite3_stmt *st, int col)
{
    const unsigned char *t = sqlite3_column_text(st, col);
    if (!t)
        return NULL;
    ld_xgrow(&db->strs, &db->cap_strs, db->n_strs + 1, sizeof(char *));
    char *s = ld_xstrdup((const char *)t);
    db->strs[db->n_strs++] = s;
    return s;
}

static void scratch_clear(ld_vulndb *db)
{
    for (size_t i = 0; i < db->n_strs; i++)
        free(db->strs[i]);
    db->n_strs = 0;
}

static ld_range_type range_type_of(const char *s)
{
    if (s && strcmp(s, "SEMVER") == 0)
        return LD_RANGE_SEMVER;
    if (s && strcmp(s, "GIT") == 0)
        return LD_RANGE_GIT;
    return LD_RANGE_ECOSYSTEM;
}

static ld_event_kind event_kind_of(const char *s)
{
    if (strcmp(s, "fixed") == 0)
        return LD_EVENT_FIXED;
    if (strcmp(s, "last_affected") == 0)
        return LD_EVENT_LAST_AFFECTED;
    if (strcmp(s, "limit") == 0)
        return LD_EVENT_LIMIT;
    return LD_EVENT_INTRODUCED;
}

/* Fills the list parts of *a for affected row aff / advisory adv. The
 * arrays are returned through the out pointers (caller frees them; the
 * strings live in the scratch list). */
static int load_lists(ld_vulndb *db, int64_t aff, int64_t adv, ld_vuln_affected *a,
                      const char ***aliases, ld_vuln_ref **refs, ld_vuln_range **ranges,
                      ld_vuln_event **events, const char ***versions, ld_error *err)
{
    size_t cap = 0;
    int rc;
    sqlite3_reset(db->q_aliases);
    sqlite3_bind_int64(db->q_aliases, 1, adv);
    while ((rc = sqlite3_step(db->q_aliases)) == SQLITE_ROW) {
        ld_xgrow(aliases, &cap, a->n_aliases + 1, sizeof(char *));
        (*aliases)[a->n_aliases++] = keep(db, db->q_aliases, 0);
    }
    if (rc != SQLITE_DONE)
        return sql_err(db, err, "reading aliases");
    a->aliases = *aliases;

    cap = 0;
    sqlite3_reset(db->q_refs);
    sqlite3_bind_int64(db->q_refs, 1, adv);
    while ((rc = sqlite3_step(db->q_refs)) == SQLITE_ROW) {
        ld_xgrow(refs, &cap, a->n_refs + 1, sizeof(ld_vuln_ref));
        const char *t = keep(db, db->q_refs, 0);
        (*refs)[a->n_refs].type = t ? t : "WEB";
        (*refs)[a->n_refs].url = keep(db, db->q_refs, 1);
        if ((*refs)[a->n_refs].url)
            a->n_refs++;
    }
    if (rc != SQLITE_DONE)
        return sql_err(db, err, "reading references");
    a->refs = *refs;

    /* ranges and events in one pass; event arrays are slices of *events */
    size_t rcap = 0, ecap = 0, n_ev = 0;
    int64_t cur = -1;
    size_t *starts = NULL;
    sqlite3_reset(db->q_ranges);
    sqlite3_bind_int64(db->q_ranges, 1, aff);
    while ((rc = sqlite3_step(db->q_ranges)) == SQLITE_ROW) {
        int64_t rid = sqlite3_column_int64(db->q_ranges, 0);
        if (rid != cur) {
            ld_xgrow(ranges, &rcap, a->n_ranges + 1, sizeof(ld_vuln_range));
            size_t scap = rcap;
            starts = ld_xrealloc(starts, scap * sizeof(size_t));
            (*ranges)[a->n_ranges].type =
                range_type_of((const char *)sqlite3_column_text(db->q_ranges, 1));
            (*ranges)[a->n_ranges].n_events = 0;
            starts[a->n_ranges] = n_ev;
            a->n_ranges++;
            cur = rid;
        }
        const char *kind = (const char *)sqlite3_column_text(db->q_ranges, 2);
        if (!kind)
            continue;
        ld_xgrow(events, &ecap, n_ev + 1, sizeof(ld_vuln_event));
        (*events)[n_ev].kind = event_kind_of(kind);
        const char *ver = keep(db, db->q_ranges, 3);
        (*events)[n_ev].version = ver ? ver : "";
        n_ev++;
        (*ranges)[a->n_ranges - 1].n_events++;
    }
    for (size_t i = 0; i < a->n_ranges; i++)
        (*ranges)[i].events = *events ? *events + starts[i] : NULL;
    free(starts);
    if (rc != SQLITE_DONE)
        return sql_err(db, err, "reading ranges");
    a->ranges = *ranges;

    cap = 0;
    sqlite3_reset(db->q_versions);
    sqlite3_bind_int64(db->q_versions, 1, aff);
    while ((rc = sqlite3_step(db->q_versions)) == SQLITE_ROW) {
        ld_xgrow(versions, &cap, a->n_versions + 1, sizeof(char *));
        (*versions)[a->n_versions++] = keep(db, db->q_versions, 0);
    }
    if (rc != SQLITE_DONE)
        return sql_err(db, err, "reading versions");
    a->versions = *versions;
    return 0;
}

/* One affected row, read fully before the callback runs. */
typedef struct {
    int64_t aff, adv;
    ld_vuln_affected a;
} pending_row;

int ld_vulndb_lookup(ld_vulndb *db, const char *ecosystem, const char *package,
                     ld_vuln_affected_cb cb, void *ctx, ld_error *err)
{
    char *norm = NULL;
    if (strcmp(ecosystem, "PyPI") == 0)
        norm = ldb_pypi_normalise(package);
    /* Collect the rows first, then load their lists and call back. */
    pending_row *rows = NULL;
    size_t n = 0, cap = 0;
    scratch_clear(db);
    sqlite3_stmt *q = db->q_affected;
    sqlite3_reset(q);
    sqlite3_bind_text(q, 1, ecosystem, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(q, 2, norm ? norm : package, -1, SQLITE_TRANSIENT);
    int rc;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        ld_xgrow(&rows, &cap, n + 1, sizeof(*rows));
        pending_row *r = &rows[n++];
        memset(r, 0, sizeof(*r));
        r->aff = sqlite3_column_int64(q, 0);
        r->adv = sqlite3_column_int64(q, 17);
        ld_vuln_affected *a = &r->a;
        a->ecosystem = keep(db, q, 1);
        a->package = keep(db, q, 2);
        a->purl = keep(db, q, 3);
        const char *fs = (const char *)sqlite3_column_text(q, 4);
        if (!fs || ld_fix_status_parse(fs, &a->fix_status) < 0)
            a->fix_status = LD_FIX_UNKNOWN;
        a->severity = keep(db, q, 5);
        a->source = keep(db, q, 6);
        a->id = keep(db, q, 7);
        a->summary = keep(db, q, 8);
        a->details = keep(db, q, 9);
        if (!a->severity)
            a->severity = keep(db, q, 10);
        a->cvss3_vector = keep(db, q, 11);
        a->cvss3_score = sqlite3_column_double(q, 12);
        a->cvss4_vector = keep(db, q, 13);
        a->cvss4_score = sqlite3_column_double(q, 14);
        a->published = keep(db, q, 15);
        a->modified = keep(db, q, 16);
    }
    sqlite3_reset(q);
    free(norm);
    int ret = 0;
    if (rc != SQLITE_DONE)
        ret = sql_err(db, err, "looking up a package");
    /* the scratch strings of the rows must survive the list loads below */
    for (size_t i = 0; i < n && ret == 0; i++) {
        const char **aliases = NULL, **versions = NULL;
        ld_vuln_ref *refs = NULL;
        ld_vuln_range *ranges = NULL;
        ld_vuln_event *events = NULL;
        ret = load_lists(db, rows[i].aff, rows[i].adv, &rows[i].a, &aliases, &refs, &ranges,
                         &events, &versions, err);
        if (ret == 0)
            ret = cb(&rows[i].a, ctx);
        free(aliases);
        free(refs);
        free(ranges);
        free(events);
        free(versions);
    }
    free(rows);
    /* the strings stay until the next lookup or close */
    return ret;
}

int ld_vulndb_sources(ld_vulndb *db, ld_vulndb_source **out, size_t *n, ld_error *err)
{
    sqlite3_stmt *st = NULL;
    *out = NULL;
    *n = 0;
    if (sqlite3_prepare_v2(db->sql,
                           "SELECT name, kind, url, etag, last_modified, fetched_at, records "
                           "FROM sources ORDER BY name",
                           -1, &st, NULL) != SQLITE_OK)
        return sql_err(db, err, "reading sources");
    size_t cap = 0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        ld_xgrow(out, &cap, *n + 1, sizeof(ld_vulndb_source));
        ld_vulndb_source *s = &(*out)[(*n)++];
        s->name = ld_xstrdup((const char *)sqlite3_column_text(st, 0));
        s->kind = ld_xstrdup((const char *)sqlite3_column_text(st, 1));
        s->url = ld_xstrdup((const char *)sqlite3_column_text(st, 2));
        s->etag = ld_xstrdup((const char *)sqlite3_column_text(st, 3));
        s->last_modified = ld_xstrdup((const char *)sqlite3_column_text(st, 4));
        s->fetched_at = (time_t)sqlite3_column_int64(st, 5);
        s->records = sqlite3_column_int64(st, 6);
        if (!s->name)
            s->name = ld_xstrdup("?");
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) {
        ld_vulndb_sources_free(*out, *n);
        *out = NULL;
        *n = 0;
        return sql_err(db, err, "reading sources");
    }
    return 0;
}

void ld_vulndb_sources_free(ld_vulndb_source *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(s[i].name);
        free(s[i].kind);
        free(s[i].url);
        free(s[i].etag);
        free(s[i].last_modified);
    }
    free(s);
}
