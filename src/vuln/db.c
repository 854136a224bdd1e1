/* Read side of the vulnerability database (src/vuln/db.h): default path,
 * read-only open with schema check, cached prepared statements for
 * ld_vulndb_lookup(), source statistics. The builder is in db_build.c. */
#include "vuln/db.h"

#include <assert.h>
#include <errno.h>
#include <limits.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/input_file.h"
#include "util/mem.h"
#include "util/url_redact.h"
#include "vuln/db_internal.h"

/* Strings copied out of result rows live in blocks of this size (longer
 * strings get a block of their own); the blocks are reused by every lookup. */
#define ARENA_BLOCK 65536

typedef struct strblock {
    struct strblock *next;
    size_t used, cap;
    char data[];
} strblock;

/* One affected row of the current lookup: its ranges and versions are
 * slices (first, count) of the handle's shared arrays until they are final. */
typedef struct {
    int64_t aff, adv;
    size_t range_first, n_ranges, version_first, n_versions;
    ld_vuln_affected a;
} pending_row;

typedef struct {
    int64_t aff;
    size_t row;
} aff_index;

struct ld_vulndb {
    sqlite3 *sql;
    char *path;
    sqlite3_stmt *q_affected, *q_aliases, *q_refs, *q_ranges, *q_versions;
    bool in_txn; /* the handle holds one read transaction (see ld_vulndb_open) */
    /* per-lookup scratch, reused from lookup to lookup (no allocation per row) */
    strblock *blocks, *blocks_tail, *block_cur;
    pending_row *rows;
    size_t n_rows, cap_rows;
    aff_index *by_aff; /* the rows in affected-id order */
    size_t cap_by_aff;
    pending_row **order; /* the rows in callback order (advisory id, affected id) */
    size_t cap_order;
    ld_vuln_range *ranges;
    size_t *range_ev; /* index of each range's first event in events */
    size_t n_ranges, cap_ranges, cap_range_ev;
    ld_vuln_event *events;
    size_t n_events, cap_events;
    const char **versions;
    size_t n_versions, cap_versions;
    const char **aliases; /* details of the row in the callback */
    size_t cap_aliases;
    ld_vuln_ref *refs;
    size_t cap_refs;
    const pending_row *cb_row; /* the row being passed to the callback, or NULL */
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

/* Is dir usable as the base of the database path: absolute, and, when it
 * exists, not writable by everyone (where another user could plant a
 * database before us)? A base that does not exist yet is created by the
 * builder with the caller's permissions. */
static bool usable_base(const char *dir)
{
    if (!dir || dir[0] != '/')
        return false;
    struct stat sb;
    if (stat(dir, &sb) != 0)
        return errno == ENOENT;
    return S_ISDIR(sb.st_mode) && !(sb.st_mode & S_IWOTH);
}

char *ld_vulndb_default_path(ld_error *err)
{
    const char *env = getenv("LOCKDOWN_DB");
    if (env && *env)
        return ld_xstrdup(env);
    const char *xdg = getenv("XDG_CACHE_HOME");
    if (usable_base(xdg))
        return ld_xasprintf("%s/lockdown/vuln.db", xdg);
    const char *home = getenv("HOME");
    if (usable_base(home)) {
        char *cache = ld_xasprintf("%s/.cache", home);
        bool ok = usable_base(cache);
        if (ok) {
            char *path = ld_xasprintf("%s/lockdown/vuln.db", cache);
            free(cache);
            return path;
        }
        free(cache);
    }
    if (geteuid() == 0)
        return ld_xstrdup("/var/cache/lockdown/vuln.db");
    ld_error_set(err, LD_ERR_NOT_FOUND,
                 "no vulnerability database location: $XDG_CACHE_HOME and $HOME are unset, "
                 "relative or writable by everyone; pass --db PATH or set $LOCKDOWN_DB");
    return NULL;
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
    for (strblock *b = db->blocks, *next; b; b = next) {
        next = b->next;
        free(b);
    }
    free(db->rows);
    free(db->by_aff);
    free(db->order);
    free(db->ranges);
    free(db->range_ev);
    free(db->events);
    free(db->versions);
    free(db->aliases);
    free(db->refs);
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

static ld_vulndb *open_at(const char *path, ld_error *err);

ld_vulndb *ld_vulndb_open(const char *path, ld_error *err)
{
    char *default_path = NULL;
    if (!path) {
        default_path = ld_vulndb_default_path(err);
        if (!default_path)
            return NULL;
        path = default_path;
    }
    ld_vulndb *db = open_at(path, err);
    free(default_path);
    return db;
}

static ld_vulndb *open_at(const char *path, ld_error *err)
{
    /* SQLite opens the file without O_NONBLOCK: a FIFO or a device there
     * must be refused first, or the open blocks (util/input_file.h) */
    int fd = ld_input_open(path, "vulnerability database", NULL, err);
    if (fd < 0) {
        if (fd == LD_ERR_NOT_FOUND)
            ld_error_set(err, LD_ERR_NOT_FOUND,
                         "no vulnerability database at %s: run 'lockdown db update' (or "
                         "'lockdown db import FILES' offline)",
                         path);
        return NULL;
    }
    close(fd);
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
        "ORDER BY a.id"; /* the index order; by advisory id in C (cmp_callback_order) */
    if (sqlite3_prepare_v3(db->sql, q_aff, -1, SQLITE_PREPARE_PERSISTENT, &db->q_affected, NULL) ||
        sqlite3_prepare_v3(db->sql, "SELECT alias FROM aliases WHERE advisory = ?1 ORDER BY rowid",
                           -1, SQLITE_PREPARE_PERSISTENT, &db->q_aliases, NULL) ||
        sqlite3_prepare_v3(db->sql, "SELECT type, url FROM refs WHERE advisory = ?1 ORDER BY rowid",
                           -1, SQLITE_PREPARE_PERSISTENT, &db->q_refs, NULL) ||
        sqlite3_prepare_v3(db->sql,
                           "SELECT a.id, r.id, r.type, e.kind, e.version FROM affected a "
                           "JOIN ranges r ON r.affected = a.id "
                           "LEFT JOIN events e ON e.range = r.id "
                           "WHERE a.ecosystem = ?1 AND a.package = ?2 ORDER BY a.id, r.id, e.seq",
                           -1, SQLITE_PREPARE_PERSISTENT, &db->q_ranges, NULL) ||
        sqlite3_prepare_v3(db->sql,
                           "SELECT a.id, v.version FROM affected a "
                           "JOIN versions v ON v.affected = a.id "
                           "WHERE a.ecosystem = ?1 AND a.package = ?2 ORDER BY a.id, v.rowid",
                           -1, SQLITE_PREPARE_PERSISTENT, &db->q_versions, NULL)) {
        sql_err(db, err, "preparing queries");
        ld_vulndb_close(db);
        return NULL;
    }
    /* A scan makes thousands of small lookups: map the file, keep a larger
     * page cache, and hold one read transaction for the handle's life so
     * each statement does not take and drop the shared lock again (the
     * builder writes a new file and renames it, so it never waits on us). */
    if (sqlite3_exec(db->sql,
                     "PRAGMA mmap_size=1073741824; PRAGMA cache_size=-65536; BEGIN DEFERRED", NULL,
                     NULL, NULL) != SQLITE_OK) {
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

/* Copies a column into the lookup's string arena; NULL stays NULL. The copy
 * lives until the next lookup starts (arena_reset) or the handle closes. */
static const char *keep(ld_vulndb *db, sqlite3_stmt *st, int col)
{
    const unsigned char *t = sqlite3_column_text(st, col);
    if (!t)
        return NULL;
    size_t n = (size_t)sqlite3_column_bytes(st, col) + 1; /* with sqlite's terminator */
    strblock *b = db->block_cur;
    while (b && b->cap - b->used < n) {
        b = b->next;
        if (b)
            b->used = 0;
    }
    if (!b) {
        size_t cap = n > ARENA_BLOCK ? n : ARENA_BLOCK;
        b = ld_xmalloc(sizeof(*b) + cap);
        b->next = NULL;
        b->used = 0;
        b->cap = cap;
        if (db->blocks_tail)
            db->blocks_tail->next = b;
        else
            db->blocks = b;
        db->blocks_tail = b;
    }
    db->block_cur = b;
    char *s = b->data + b->used;
    memcpy(s, t, n);
    b->used += n;
    return s;
}

static void arena_reset(ld_vulndb *db)
{
    db->block_cur = db->blocks;
    if (db->blocks)
        db->blocks->used = 0;
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

/* Binds (ecosystem, package) to a per-package statement. */
static void bind_package(sqlite3_stmt *q, const char *ecosystem, const char *package)
{
    sqlite3_reset(q);
    sqlite3_bind_text(q, 1, ecosystem, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 2, package, -1, SQLITE_STATIC);
}

static int cmp_aff(const void *x, const void *y)
{
    int64_t a = ((const aff_index *)x)->aff, b = ((const aff_index *)y)->aff;
    return a < b ? -1 : a > b;
}

/* Callback order: advisory id (bytewise, as SQLite's BINARY collation;
 * NULL first), then affected id. Sorting here rather than in SQL spares
 * each lookup a sorter. */
static int cmp_callback_order(const void *x, const void *y)
{
    const pending_row *a = *(pending_row *const *)x, *b = *(pending_row *const *)y;
    if (!a->a.id != !b->a.id)
        return a->a.id ? 1 : -1;
    int c = a->a.id ? strcmp(a->a.id, b->a.id) : 0;
    if (c)
        return c;
    return a->aff < b->aff ? -1 : a->aff > b->aff;
}

/* Finds the row of affected id aff, walking db->by_aff forward from *k
 * (the per-package queries return rows in affected-id order). NULL when the
 * id is not one of the lookup's rows (a withdrawn advisory). */
static pending_row *row_for(ld_vulndb *db, int64_t aff, size_t *k)
{
    while (*k < db->n_rows && db->by_aff[*k].aff < aff)
        (*k)++;
    if (*k < db->n_rows && db->by_aff[*k].aff == aff)
        return &db->rows[db->by_aff[*k].row];
    return NULL;
}

/* Loads the ranges, events and explicit versions of every row of the
 * lookup with one query each (joined on the same (ecosystem, package) key,
 * ordered by affected id), then points each row's arrays at its slices. */
static int load_lists(ld_vulndb *db, const char *ecosystem, const char *package, ld_error *err)
{
    ld_xgrow(&db->by_aff, &db->cap_by_aff, db->n_rows, sizeof(*db->by_aff));
    bool sorted = true;
    for (size_t i = 0; i < db->n_rows; i++) {
        db->by_aff[i] = (aff_index){db->rows[i].aff, i};
        if (i > 0 && db->rows[i].aff < db->rows[i - 1].aff)
            sorted = false;
    }
    if (!sorted)
        qsort(db->by_aff, db->n_rows, sizeof(*db->by_aff), cmp_aff);

    sqlite3_stmt *q = db->q_ranges;
    bind_package(q, ecosystem, package);
    int64_t cur = -1;
    size_t k = 0;
    pending_row *row = NULL;
    int rc;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        int64_t rid = sqlite3_column_int64(q, 1);
        if (rid != cur) {
            cur = rid;
            row = row_for(db, sqlite3_column_int64(q, 0), &k);
            if (!row)
                continue;
            ld_xgrow(&db->ranges, &db->cap_ranges, db->n_ranges + 1, sizeof(*db->ranges));
            ld_xgrow(&db->range_ev, &db->cap_range_ev, db->n_ranges + 1, sizeof(*db->range_ev));
            if (row->n_ranges == 0)
                row->range_first = db->n_ranges;
            db->ranges[db->n_ranges].type = range_type_of((const char *)sqlite3_column_text(q, 2));
            db->ranges[db->n_ranges].n_events = 0;
            db->range_ev[db->n_ranges] = db->n_events;
            db->n_ranges++;
            row->n_ranges++;
        }
        if (!row)
            continue;
        const char *kind = (const char *)sqlite3_column_text(q, 3);
        if (!kind)
            continue;
        ld_xgrow(&db->events, &db->cap_events, db->n_events + 1, sizeof(*db->events));
        db->events[db->n_events].kind = event_kind_of(kind);
        const char *ver = keep(db, q, 4);
        db->events[db->n_events].version = ver ? ver : "";
        db->n_events++;
        db->ranges[db->n_ranges - 1].n_events++;
    }
    sqlite3_reset(q);
    if (rc != SQLITE_DONE)
        return sql_err(db, err, "reading ranges");

    q = db->q_versions;
    bind_package(q, ecosystem, package);
    k = 0;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        row = row_for(db, sqlite3_column_int64(q, 0), &k);
        if (!row)
            continue;
        ld_xgrow(&db->versions, &db->cap_versions, db->n_versions + 1, sizeof(*db->versions));
        if (row->n_versions == 0)
            row->version_first = db->n_versions;
        db->versions[db->n_versions++] = keep(db, q, 1);
        row->n_versions++;
    }
    sqlite3_reset(q);
    if (rc != SQLITE_DONE)
        return sql_err(db, err, "reading versions");

    /* the arrays are final: resolve the slices into pointers */
    for (size_t i = 0; i < db->n_ranges; i++)
        db->ranges[i].events = db->events ? db->events + db->range_ev[i] : NULL;
    for (size_t i = 0; i < db->n_rows; i++) {
        pending_row *r = &db->rows[i];
        r->a.ranges = r->n_ranges ? db->ranges + r->range_first : NULL;
        r->a.n_ranges = r->n_ranges;
        r->a.versions = r->n_versions ? db->versions + r->version_first : NULL;
        r->a.n_versions = r->n_versions;
    }
    return 0;
}

int ld_vulndb_details(ld_vulndb *db, const ld_vuln_affected *a, ld_vuln_details *out, ld_error *err)
{
    assert(db->cb_row && &db->cb_row->a == a);
    (void)a;
    int64_t adv = db->cb_row->adv;
    memset(out, 0, sizeof(*out));
    int rc;
    sqlite3_stmt *q = db->q_aliases;
    sqlite3_reset(q);
    sqlite3_bind_int64(q, 1, adv);
    size_t n = 0;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        ld_xgrow(&db->aliases, &db->cap_aliases, n + 1, sizeof(*db->aliases));
        db->aliases[n++] = keep(db, q, 0);
    }
    sqlite3_reset(q);
    if (rc != SQLITE_DONE)
        return sql_err(db, err, "reading aliases");
    out->aliases = n ? db->aliases : NULL;
    out->n_aliases = n;

    q = db->q_refs;
    sqlite3_reset(q);
    sqlite3_bind_int64(q, 1, adv);
    n = 0;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        const unsigned char *url = sqlite3_column_text(q, 1);
        if (!url)
            continue;
        ld_xgrow(&db->refs, &db->cap_refs, n + 1, sizeof(*db->refs));
        const char *t = keep(db, q, 0);
        db->refs[n].type = t ? t : "WEB";
        db->refs[n].url = keep(db, q, 1);
        n++;
    }
    sqlite3_reset(q);
    if (rc != SQLITE_DONE)
        return sql_err(db, err, "reading references");
    out->refs = n ? db->refs : NULL;
    out->n_refs = n;
    return 0;
}

int ld_vulndb_lookup(ld_vulndb *db, const char *ecosystem, const char *package,
                     ld_vuln_affected_cb cb, void *ctx, ld_error *err)
{
    return ld_vulndb_lookup_ex(db, ecosystem, package, 0, cb, ctx, err);
}

int ld_vulndb_lookup_ex(ld_vulndb *db, const char *ecosystem, const char *package, unsigned flags,
                        ld_vuln_affected_cb cb, void *ctx, ld_error *err)
{
    char *norm = NULL;
    if (strcmp(ecosystem, "PyPI") == 0)
        norm = ldb_pypi_normalise(package);
    const char *key = norm ? norm : package;
    /* Collect the rows first, then their lists, then call back. */
    arena_reset(db);
    db->n_rows = db->n_ranges = db->n_events = db->n_versions = 0;
    sqlite3_stmt *q = db->q_affected;
    bind_package(q, ecosystem, key);
    int rc;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        ld_xgrow(&db->rows, &db->cap_rows, db->n_rows + 1, sizeof(*db->rows));
        pending_row *r = &db->rows[db->n_rows++];
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
    int ret = 0;
    if (rc != SQLITE_DONE)
        ret = sql_err(db, err, "looking up a package");
    if (ret == 0 && db->n_rows > 0)
        ret = load_lists(db, ecosystem, key, err);
    free(norm);
    ld_xgrow(&db->order, &db->cap_order, db->n_rows, sizeof(*db->order));
    for (size_t i = 0; i < db->n_rows; i++)
        db->order[i] = &db->rows[i];
    if (db->n_rows > 1)
        qsort(db->order, db->n_rows, sizeof(*db->order), cmp_callback_order);
    for (size_t i = 0; i < db->n_rows && ret == 0; i++) {
        ld_vuln_affected *a = &db->order[i]->a;
        db->cb_row = db->order[i];
        if (!(flags & LD_VULNDB_LAZY_DETAILS)) {
            ld_vuln_details d;
            ret = ld_vulndb_details(db, a, &d, err);
            a->aliases = d.aliases;
            a->n_aliases = d.n_aliases;
            a->refs = d.refs;
            a->n_refs = d.n_refs;
        }
        if (ret == 0)
            ret = cb(a, ctx);
        db->cb_row = NULL;
    }
    /* the strings stay until the next lookup or close */
    return ret;
}

int ld_vulndb_covers(ld_vulndb *db, const char *ecosystem, ld_error *err)
{
    /* the prefix of the (ecosystem, package) index answers it: one seek */
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db->sql, "SELECT EXISTS (SELECT 1 FROM affected WHERE ecosystem = ?1)",
                           -1, &st, NULL) != SQLITE_OK)
        return sql_err(db, err, "reading ecosystems");
    sqlite3_bind_text(st, 1, ecosystem, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    int covered = rc == SQLITE_ROW ? sqlite3_column_int(st, 0) != 0 : -1;
    sqlite3_finalize(st);
    if (covered < 0)
        return sql_err(db, err, "reading ecosystems");
    return covered;
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
        /* a database written by an older version may hold credentials */
        s->url = ld_url_redact((const char *)sqlite3_column_text(st, 2));
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
