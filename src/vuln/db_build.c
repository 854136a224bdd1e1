/* Building the vulnerability database (src/vuln/db.h build API): a new
 * SQLite file beside the old one (DEST.tmp-XXXXXX), one transaction per
 * imported feed, fsync + rename() over the old file at commit, so a build
 * interrupted at any point leaves the old database as it was. Also the
 * row-level helpers the importers use (db_internal.h) and feed detection.
 * Not the importers' parsing (import_*.c) and not the download (fetch.c). */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "util/cleanup.h"
#include "util/input_file.h"
#include "util/mem.h"
#include "util/text_bom.h"
#include "util/url_redact.h"
#include "vuln/cvss.h"
#include "vuln/db.h"
#include "vuln/db_internal.h"
#include "vuln/fetch.h"

/* Open-addressing map advisory id -> rowid, for one import. */
typedef struct {
    char **keys;
    int64_t *vals;
    size_t cap, n;
} id_map;

enum { S_ADV, S_ALIAS, S_REF, S_AFF, S_RANGE, S_EVENT, S_VERSION, S_COUNT };

struct ld_vulndb_builder {
    sqlite3 *sql;
    char *dest; /* NULL: in-memory database (tests, fuzzing); a link's target when the
                   path given was a symbolic link to a database */
    char *tmp;
    int tmp_fd; /* held open with flock(LOCK_EX) so ldb_remove_stale() leaves it alone */
    const volatile sig_atomic_t *cancel; /* non-zero: stop at the next check point */
    ld_vulndb_limits lim;
    sqlite3_stmt *st[S_COUNT];
    char *source; /* name of the source being imported */
    char *kind;
    bool in_tx;
    id_map ids;
};

static const char schema_sql[] =
    "CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT);"
    "CREATE TABLE IF NOT EXISTS sources(name TEXT PRIMARY KEY, kind TEXT NOT NULL, url TEXT,"
    " etag TEXT, last_modified TEXT, fetched_at INTEGER, records INTEGER NOT NULL DEFAULT 0);"
    "CREATE TABLE IF NOT EXISTS advisories(id INTEGER PRIMARY KEY, source TEXT NOT NULL,"
    " advisory_id TEXT NOT NULL, summary TEXT, details TEXT, severity TEXT, cvss3_vector TEXT,"
    " cvss3_score REAL, cvss4_vector TEXT, cvss4_score REAL, published TEXT, modified TEXT,"
    " withdrawn TEXT);"
    "CREATE TABLE IF NOT EXISTS aliases(advisory INTEGER NOT NULL, alias TEXT NOT NULL);"
    "CREATE TABLE IF NOT EXISTS refs(advisory INTEGER NOT NULL, type TEXT, url TEXT NOT NULL);"
    "CREATE TABLE IF NOT EXISTS affected(id INTEGER PRIMARY KEY, advisory INTEGER NOT NULL,"
    " ecosystem TEXT NOT NULL, package TEXT NOT NULL, purl TEXT, fix_status TEXT NOT NULL,"
    " severity TEXT);"
    "CREATE TABLE IF NOT EXISTS ranges(id INTEGER PRIMARY KEY, affected INTEGER NOT NULL,"
    " type TEXT NOT NULL);"
    "CREATE TABLE IF NOT EXISTS events(range INTEGER NOT NULL, seq INTEGER NOT NULL,"
    " kind TEXT NOT NULL, version TEXT NOT NULL);"
    "CREATE TABLE IF NOT EXISTS versions(affected INTEGER NOT NULL, version TEXT NOT NULL);";

/* Created at commit: building indexes once after the bulk inserts is much
 * faster than maintaining them row by row (random GHSA ids). A database
 * copied for keep_existing already has them, which the source deletes use. */
static const char index_sql[] =
    "CREATE INDEX IF NOT EXISTS advisories_source ON advisories(source, advisory_id);"
    "CREATE INDEX IF NOT EXISTS aliases_advisory ON aliases(advisory);"
    "CREATE INDEX IF NOT EXISTS aliases_alias ON aliases(alias);"
    "CREATE INDEX IF NOT EXISTS refs_advisory ON refs(advisory);"
    "CREATE INDEX IF NOT EXISTS affected_package ON affected(ecosystem, package);"
    "CREATE INDEX IF NOT EXISTS affected_advisory ON affected(advisory);"
    /* covering: a lookup reads ranges and events from the index alone */
    "CREATE INDEX IF NOT EXISTS ranges_affected_type ON ranges(affected, type);"
    "CREATE INDEX IF NOT EXISTS events_range_cover ON events(range, seq, kind, version);"
    "CREATE INDEX IF NOT EXISTS versions_affected ON versions(affected);";

static const char *const stmt_sql[S_COUNT] = {
    ("INSERT INTO advisories(source, advisory_id, summary, details, severity, cvss3_vector,"
     " cvss3_score, cvss4_vector, cvss4_score, published, modified, withdrawn)"
     " VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12)"),
    "INSERT INTO aliases(advisory, alias) VALUES(?1, ?2)",
    "INSERT INTO refs(advisory, type, url) VALUES(?1, ?2, ?3)",
    ("INSERT INTO affected(advisory, ecosystem, package, purl, fix_status, severity)"
     " VALUES(?1,?2,?3,?4,?5,?6)"),
    "INSERT INTO ranges(affected, type) VALUES(?1, ?2)",
    "INSERT INTO events(range, seq, kind, version) VALUES(?1, ?2, ?3, ?4)",
    "INSERT INTO versions(affected, version) VALUES(?1, ?2)",
};

static uint64_t hash_str(const char *s)
{
    uint64_t h = 1469598103934665603ULL;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return h;
}

static void map_clear(id_map *m)
{
    for (size_t i = 0; i < m->cap; i++)
        free(m->keys[i]);
    free(m->keys);
    free(m->vals);
    memset(m, 0, sizeof(*m));
}

/* Returns the slot of key (occupied by key, or empty). cap must be > n. */
static size_t map_slot(const id_map *m, const char *key)
{
    size_t i = (size_t)(hash_str(key) & (m->cap - 1));
    while (m->keys[i] && strcmp(m->keys[i], key) != 0)
        i = (i + 1) & (m->cap - 1);
    return i;
}

static void map_put(id_map *m, const char *key, int64_t v)
{
    if ((m->n + 1) * 2 > m->cap) {
        id_map nm = {0};
        nm.cap = m->cap ? m->cap * 2 : 1024;
        nm.keys = ld_xcalloc(nm.cap, sizeof(char *));
        nm.vals = ld_xcalloc(nm.cap, sizeof(int64_t));
        for (size_t i = 0; i < m->cap; i++)
            if (m->keys[i]) {
                size_t s = map_slot(&nm, m->keys[i]);
                nm.keys[s] = m->keys[i];
                nm.vals[s] = m->vals[i];
                nm.n++;
            }
        free(m->keys);
        free(m->vals);
        *m = nm;
    }
    size_t s = map_slot(m, key);
    if (!m->keys[s]) {
        m->keys[s] = ld_xstrdup(key);
        m->n++;
    }
    m->vals[s] = v;
}

static bool map_get(const id_map *m, const char *key, int64_t *v)
{
    if (!m->cap)
        return false;
    size_t s = map_slot(m, key);
    if (!m->keys[s])
        return false;
    *v = m->vals[s];
    return true;
}

void ld_vulndb_limits_default(ld_vulndb_limits *l)
{
    l->max_record_bytes = 4u << 20;
    l->max_file_bytes = 1024u << 20;
    l->max_zip_entries = 2000000;
    l->max_total_bytes = 8ULL << 30;
}

const ld_vulndb_limits *ldb_limits(ld_vulndb_builder *b)
{
    return &b->lim;
}

static int bsql_err(ld_vulndb_builder *b, ld_error *err, const char *what)
{
    return ld_error_set(err, LD_ERR_GENERIC, "building vulnerability database %s: %s: %s",
                        b->dest ? b->dest : ":memory:", what, sqlite3_errmsg(b->sql));
}

static int exec(ld_vulndb_builder *b, const char *sql, ld_error *err)
{
    if (sqlite3_exec(b->sql, sql, NULL, NULL, NULL) != SQLITE_OK)
        return bsql_err(b, err, sql);
    return 0;
}

static void builder_free(ld_vulndb_builder *b)
{
    for (int i = 0; i < S_COUNT; i++)
        sqlite3_finalize(b->st[i]);
    sqlite3_close(b->sql);
    /* closed after SQLite: closing any fd of the file drops its POSIX locks */
    if (b->tmp_fd >= 0)
        close(b->tmp_fd);
    map_clear(&b->ids);
    free(b->source);
    free(b->kind);
    free(b->dest);
    free(b->tmp);
    free(b);
}

void ld_vulndb_builder_abort(ld_vulndb_builder *b)
{
    if (!b)
        return;
    char *tmp = b->tmp;
    b->tmp = NULL;
    builder_free(b);
    if (tmp) {
        unlink(tmp);
        free(tmp);
    }
}

/* mkdir -p of the directory holding path. */
static int make_parent(const char *path, ld_error *err)
{
    char buf[PATH_MAX];
    if (snprintf(buf, sizeof(buf), "%s", path) >= (int)sizeof(buf))
        return ld_error_set(err, LD_ERR_INVALID, "path too long: %s", path);
    for (char *p = buf + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(buf, 0755) != 0 && errno != EEXIST)
            return ld_error_set_errno(err, LD_ERR_GENERIC, errno, "cannot create directory %s",
                                      buf);
        *p = '/';
    }
    return 0;
}

static int copy_fd(int in, int out, const char *what, ld_error *err)
{
    char buf[1 << 16];
    for (;;) {
        ssize_t n = read(in, buf, sizeof(buf));
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return ld_error_set_errno(err, LD_ERR_GENERIC, errno, "reading %s", what);
        if (n == 0)
            return 0;
        for (ssize_t off = 0; off < n;) {
            ssize_t w = write(out, buf + off, (size_t)(n - off));
            if (w < 0 && errno == EINTR)
                continue;
            if (w < 0)
                return ld_error_set_errno(err, LD_ERR_GENERIC, errno, "copying %s", what);
            off += w;
        }
    }
}

/* SQLite calls this every thousand virtual machine steps of a statement
 * (counted over all its runs: the inserts are persistent statements): a
 * non-zero return interrupts it (SQLITE_INTERRUPT), which fails the
 * import, and the caller's abort removes the temporary file. */
static int check_cancel(void *ctx)
{
    const ld_vulndb_builder *b = ctx;
    return b->cancel && *b->cancel;
}

static int open_sql(ld_vulndb_builder *b, ld_error *err)
{
    const char *p = b->tmp ? b->tmp : ":memory:";
    if (sqlite3_open_v2(p, &b->sql, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK)
        return bsql_err(b, err, "cannot open");
    sqlite3_extended_result_codes(b->sql, 1);
    sqlite3_progress_handler(b->sql, 1000, check_cancel, b);
    return 0;
}

void ldb_builder_set_cancel(ld_vulndb_builder *b, const volatile sig_atomic_t *cancel)
{
    b->cancel = cancel;
}

const char *ldb_builder_dest(const ld_vulndb_builder *b)
{
    return b->dest;
}

/* ---- what may be replaced, and what an interrupted run left ------------- */

/* Whether path (a regular file, not a link) holds a lockdown database of
 * any schema version: the SQLite header, then the tables only lockdown
 * makes together. An empty file holds nothing to lose and passes. */
static int check_database_file(const char *shown, const char *path, ld_error *err)
{
    struct stat st;
    ld_error oerr = LD_ERROR_INIT;
    ld_autoclose int fd = ld_input_open(path, "vulnerability database", &st, &oerr);
    if (fd < 0) {
        *err = oerr;
        return ld_error_wrap(err, "refusing to replace %s", shown);
    }
    if (st.st_size == 0)
        return 0;
    char head[16];
    ssize_t n;
    do
        n = read(fd, head, sizeof(head));
    while (n < 0 && errno == EINTR);
    if (n != (ssize_t)sizeof(head) || memcmp(head, "SQLite format 3", 16) != 0)
        return ld_error_set(err, LD_ERR_INVALID,
                            "refusing to replace %s: not a lockdown database (not an SQLite "
                            "file); move it away or choose another database path",
                            shown);
    sqlite3 *sql = NULL;
    bool ours = false;
    if (sqlite3_open_v2(path, &sql, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK) {
        sqlite3_stmt *st_q = NULL;
        if (sqlite3_prepare_v2(sql,
                               "SELECT (SELECT count(*) FROM sqlite_master WHERE type = 'table' "
                               "AND name IN ('meta', 'sources', 'advisories', 'affected')), "
                               "(SELECT count(*) FROM meta WHERE key = 'schema_version')",
                               -1, &st_q, NULL) == SQLITE_OK &&
            sqlite3_step(st_q) == SQLITE_ROW)
            ours = sqlite3_column_int(st_q, 0) == 4 && sqlite3_column_int(st_q, 1) == 1;
        sqlite3_finalize(st_q);
    }
    sqlite3_close(sql);
    if (!ours)
        return ld_error_set(err, LD_ERR_INVALID,
                            "refusing to replace %s: not a lockdown database (an SQLite database "
                            "without lockdown's tables); move it away or choose another database "
                            "path",
                            shown);
    return 0;
}

/* The file a build may replace: dest when it is missing or a lockdown
 * database; the link's target when dest is a symbolic link to one (the
 * new file replaces the target and the link stays). Everything else is
 * refused: a text file, a device (even /dev/null), a FIFO, a directory, a
 * dangling link. *real gets a new string (caller frees). */
static int check_destination(const char *dest, char **real, ld_error *err)
{
    struct stat st;
    *real = NULL;
    if (lstat(dest, &st) != 0) {
        if (errno == ENOENT) {
            *real = ld_xstrdup(dest);
            return 0;
        }
        return ld_error_set_errno(err, LD_ERR_GENERIC, errno, "vulnerability database %s", dest);
    }
    if (S_ISLNK(st.st_mode)) {
        char *target = realpath(dest, NULL);
        if (!target)
            return ld_error_set(err, LD_ERR_INVALID,
                                "refusing to replace %s: not a lockdown database (a symbolic "
                                "link to a missing file)",
                                dest);
        int rc = stat(target, &st) != 0 || !S_ISREG(st.st_mode)
                     ? ld_error_set(err, LD_ERR_INVALID,
                                    "refusing to replace %s: not a lockdown database (a symbolic "
                                    "link to %s)",
                                    dest, ld_file_kind(st.st_mode))
                     : check_database_file(dest, target, err);
        if (rc < 0) {
            free(target);
            return rc;
        }
        *real = target;
        return 0;
    }
    if (!S_ISREG(st.st_mode))
        return ld_error_set(err, LD_ERR_INVALID,
                            "refusing to replace %s: not a lockdown database (it is %s)", dest,
                            ld_file_kind(st.st_mode));
    int rc = check_database_file(dest, dest, err);
    if (rc < 0)
        return rc;
    *real = ld_xstrdup(dest);
    return 0;
}

/* NAME is BASE + suffix + six characters of mkstemp's alphabet, exactly. */
static bool is_temp_name(const char *name, const char *base, const char *suffix)
{
    size_t bl = strlen(base), sl = strlen(suffix);
    if (strncmp(name, base, bl) != 0 || strncmp(name + bl, suffix, sl) != 0)
        return false;
    const char *x = name + bl + sl;
    for (int i = 0; i < 6; i++)
        if (!isalnum((unsigned char)x[i]))
            return false;
    return x[6] == '\0';
}

/* Takes fd's lock without waiting: false when a running build holds it. */
static bool lock_free(int fd)
{
    return flock(fd, LOCK_EX | LOCK_NB) == 0;
}

/* Removes one stale download directory (regular files only inside). */
static bool remove_stale_dir(int dirfd, const char *name, time_t older_than)
{
    int fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return false;
    if (!lock_free(fd)) {
        close(fd);
        return false;
    }
    DIR *d = fdopendir(fd);
    if (!d) {
        close(fd);
        return false;
    }
    /* first pass: only regular files of ours, none written recently */
    bool ok = true;
    struct dirent *de;
    while (ok && (de = readdir(d))) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        struct stat st;
        ok = fstatat(fd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode) &&
             st.st_uid == geteuid() && st.st_mtime < older_than;
    }
    if (ok) {
        rewinddir(d);
        while ((de = readdir(d)))
            if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0)
                unlinkat(fd, de->d_name, 0);
    }
    closedir(d);
    return ok && unlinkat(dirfd, name, AT_REMOVEDIR) == 0;
}

int ldb_remove_stale(const char *dest)
{
    char *dcopy = ld_xstrdup(dest), *bcopy = ld_xstrdup(dest);
    const char *dir = dirname(dcopy), *base = basename(bcopy);
    int removed = 0;
    int dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    DIR *d = dirfd >= 0 ? fdopendir(dirfd) : NULL;
    if (!d && dirfd >= 0)
        close(dirfd);
    time_t older_than = time(NULL) - LDB_STALE_SECONDS;
    struct dirent *de;
    while (d && (de = readdir(d))) {
        bool tmp = is_temp_name(de->d_name, base, ".tmp-");
        bool dl = !tmp && is_temp_name(de->d_name, base, ".dl-");
        if (!tmp && !dl)
            continue;
        struct stat st;
        if (fstatat(dirfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0 || st.st_uid != geteuid() ||
            st.st_mtime >= older_than || (tmp ? !S_ISREG(st.st_mode) : !S_ISDIR(st.st_mode)))
            continue;
        if (dl) {
            removed += remove_stale_dir(dirfd, de->d_name, older_than);
            continue;
        }
        int fd = openat(dirfd, de->d_name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
        if (fd < 0)
            continue;
        struct stat again;
        if (fstat(fd, &again) == 0 && again.st_ino == st.st_ino && again.st_dev == st.st_dev &&
            lock_free(fd) && unlinkat(dirfd, de->d_name, 0) == 0)
            removed++;
        close(fd);
    }
    if (d)
        closedir(d);
    free(dcopy);
    free(bcopy);
    return removed;
}

/* Schema version of the (copied) database; 0 if none. */
static long current_schema(ld_vulndb_builder *b)
{
    sqlite3_stmt *st = NULL;
    long v = 0;
    if (sqlite3_prepare_v2(b->sql, "SELECT value FROM meta WHERE key = 'schema_version'", -1, &st,
                           NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
        v = strtol((const char *)sqlite3_column_text(st, 0), NULL, 10);
    sqlite3_finalize(st);
    return v;
}

/* Sources kept from an existing database, as this version stores them: a
 * URL without credentials (an older version stored them as given) and no
 * validator that is not a valid HTTP header value (it would be sent back).
 * secure_delete: the old text is overwritten in the file, not only
 * unlinked from the table. */
static int scrub_kept_sources(ld_vulndb_builder *b, ld_error *err)
{
    typedef struct {
        char *name, *url;
        bool bad_etag, bad_lm;
    } fix;
    fix *v = NULL;
    size_t n = 0, cap = 0;
    sqlite3_stmt *st = NULL;
    int rc = 0;
    if (sqlite3_prepare_v2(b->sql, "SELECT name, url, etag, last_modified FROM sources", -1, &st,
                           NULL) != SQLITE_OK)
        return bsql_err(b, err, "reading the kept sources");
    while (sqlite3_step(st) == SQLITE_ROW) {
        const char *name = (const char *)sqlite3_column_text(st, 0);
        const char *url = (const char *)sqlite3_column_text(st, 1);
        const char *etag = (const char *)sqlite3_column_text(st, 2);
        const char *lm = (const char *)sqlite3_column_text(st, 3);
        bool secret = url && ld_url_has_secrets(url);
        bool bad_etag = etag && !ld_fetch_header_value_ok(etag);
        bool bad_lm = lm && !ld_fetch_header_value_ok(lm);
        if (!name || !(secret || bad_etag || bad_lm))
            continue;
        ld_xgrow(&v, &cap, n + 1, sizeof(*v));
        v[n++] = (fix){ld_xstrdup(name), url ? ld_url_redact(url) : NULL, bad_etag, bad_lm};
    }
    sqlite3_finalize(st);
    st = NULL;
    if (n && exec(b, "PRAGMA secure_delete=ON", err) < 0)
        rc = LD_ERR_GENERIC;
    if (rc == 0 && n &&
        sqlite3_prepare_v2(b->sql,
                           "UPDATE sources SET url = ?2, etag = CASE WHEN ?3 THEN NULL ELSE etag "
                           "END, last_modified = CASE WHEN ?4 THEN NULL ELSE last_modified END "
                           "WHERE name = ?1",
                           -1, &st, NULL) != SQLITE_OK)
        rc = bsql_err(b, err, "scrubbing the kept sources");
    for (size_t i = 0; rc == 0 && i < n; i++) {
        sqlite3_reset(st);
        sqlite3_bind_text(st, 1, v[i].name, -1, SQLITE_STATIC);
        if (v[i].url)
            sqlite3_bind_text(st, 2, v[i].url, -1, SQLITE_STATIC);
        else
            sqlite3_bind_null(st, 2);
        sqlite3_bind_int(st, 3, v[i].bad_etag);
        sqlite3_bind_int(st, 4, v[i].bad_lm);
        if (sqlite3_step(st) != SQLITE_DONE)
            rc = bsql_err(b, err, "scrubbing the kept sources");
    }
    sqlite3_finalize(st);
    if (rc == 0 && n && exec(b, "PRAGMA secure_delete=OFF", err) < 0)
        rc = LD_ERR_GENERIC;
    for (size_t i = 0; i < n; i++) {
        free(v[i].name);
        free(v[i].url);
    }
    free(v);
    return rc;
}

ld_vulndb_builder *ld_vulndb_builder_new(const char *dest_path, bool keep_existing,
                                         const ld_vulndb_limits *limits, ld_error *err)
{
    ld_vulndb_builder *b = ld_xcalloc(1, sizeof(*b));
    if (limits)
        b->lim = *limits;
    else
        ld_vulndb_limits_default(&b->lim);
    b->tmp_fd = -1;
    if (dest_path) {
        if (check_destination(dest_path, &b->dest, err) < 0)
            goto fail;
        if (make_parent(b->dest, err) < 0)
            goto fail;
        ldb_remove_stale(b->dest);
        b->tmp = ld_xasprintf("%s.tmp-XXXXXX", b->dest);
        b->tmp_fd = mkostemp(b->tmp, O_CLOEXEC);
        if (b->tmp_fd < 0) {
            ld_error_set_errno(err, LD_ERR_GENERIC, errno, "cannot create %s", b->tmp);
            free(b->tmp);
            b->tmp = NULL;
            goto fail;
        }
        flock(b->tmp_fd, LOCK_EX | LOCK_NB);
        fchmod(b->tmp_fd, 0644);
        if (keep_existing) {
            ld_error ierr = LD_ERROR_INIT;
            ld_autoclose int in = ld_input_open(b->dest, "vulnerability database", NULL, &ierr);
            if (in >= 0 && copy_fd(in, b->tmp_fd, b->dest, err) < 0)
                goto fail;
        }
    }
    if (open_sql(b, err) < 0)
        goto fail;
    if (b->tmp && keep_existing && current_schema(b) != LD_VULNDB_SCHEMA_VERSION) {
        /* old or foreign file: start from scratch */
        sqlite3_close(b->sql);
        b->sql = NULL;
        if (truncate(b->tmp, 0) != 0) {
            ld_error_set_errno(err, LD_ERR_GENERIC, errno, "cannot truncate %s", b->tmp);
            goto fail;
        }
        if (open_sql(b, err) < 0)
            goto fail;
    }
    if (exec(b, "PRAGMA journal_mode=MEMORY; PRAGMA synchronous=OFF; PRAGMA cache_size=-65536;",
             err) < 0 ||
        exec(b, schema_sql, err) < 0)
        goto fail;
    char *q = ld_xasprintf("INSERT OR REPLACE INTO meta(key, value) VALUES('schema_version', '%d')",
                           LD_VULNDB_SCHEMA_VERSION);
    int rc = exec(b, q, err);
    free(q);
    if (rc < 0)
        goto fail;
    if (keep_existing && scrub_kept_sources(b, err) < 0)
        goto fail;
    for (int i = 0; i < S_COUNT; i++)
        if (sqlite3_prepare_v3(b->sql, stmt_sql[i], -1, SQLITE_PREPARE_PERSISTENT, &b->st[i],
                               NULL) != SQLITE_OK) {
            bsql_err(b, err, "preparing statements");
            goto fail;
        }
    return b;
fail:
    ld_vulndb_builder_abort(b);
    return NULL;
}

static void bind_opt(sqlite3_stmt *st, int i, const char *s)
{
    if (s)
        sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(st, i);
}

static int step_done(ld_vulndb_builder *b, sqlite3_stmt *st, ld_error *err, const char *what)
{
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    if (rc != SQLITE_DONE)
        return bsql_err(b, err, what);
    return 0;
}

int ldb_source_begin(ld_vulndb_builder *b, const char *name, const char *kind, ld_error *err)
{
    if (!b->kind)
        b->kind = ld_xstrdup(kind);
    if (b->source)
        return 0;
    b->source = ld_xstrdup(name);
    static const char *const del[] = {
        "DELETE FROM events WHERE range IN (SELECT r.id FROM ranges r JOIN affected a ON a.id ="
        " r.affected JOIN advisories v ON v.id = a.advisory WHERE v.source = ?1)",
        "DELETE FROM ranges WHERE affected IN (SELECT a.id FROM affected a JOIN advisories v ON"
        " v.id = a.advisory WHERE v.source = ?1)",
        "DELETE FROM versions WHERE affected IN (SELECT a.id FROM affected a JOIN advisories v"
        " ON v.id = a.advisory WHERE v.source = ?1)",
        "DELETE FROM affected WHERE advisory IN (SELECT id FROM advisories WHERE source = ?1)",
        "DELETE FROM aliases WHERE advisory IN (SELECT id FROM advisories WHERE source = ?1)",
        "DELETE FROM refs WHERE advisory IN (SELECT id FROM advisories WHERE source = ?1)",
        "DELETE FROM advisories WHERE source = ?1",
        "DELETE FROM sources WHERE name = ?1",
    };
    for (size_t i = 0; i < sizeof(del) / sizeof(del[0]); i++) {
        sqlite3_stmt *st = NULL;
        if (sqlite3_prepare_v2(b->sql, del[i], -1, &st, NULL) != SQLITE_OK)
            return bsql_err(b, err, "replacing a source");
        sqlite3_bind_text(st, 1, b->source, -1, SQLITE_STATIC);
        int rc = sqlite3_step(st);
        sqlite3_finalize(st);
        if (rc != SQLITE_DONE)
            return bsql_err(b, err, "replacing a source");
    }
    return 0;
}

int ldb_advisory_add(ld_vulndb_builder *b, const ldb_advisory *a, int64_t *rowid, ld_error *err)
{
    if (!b->source)
        return ld_error_set(err, LD_ERR_GENERIC, "internal: advisory added before source begin");
    if (map_get(&b->ids, a->id, rowid))
        return 1;
    sqlite3_stmt *st = b->st[S_ADV];
    double s3 = 0, s4 = 0;
    const char *v3 = a->cvss3_vector, *v4 = a->cvss4_vector;
    if (v3 && ld_cvss3_base_score(v3, &s3, NULL) < 0)
        v3 = NULL; /* an invalid vector is not shown as if it were one */
    if (v4 && strncmp(v4, "CVSS:4.0/", 9) != 0)
        v4 = NULL;
    else if (v4 && ld_cvss4_base_score(v4, &s4, NULL) < 0)
        s4 = 0;
    sqlite3_bind_text(st, 1, b->source, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, a->id, -1, SQLITE_STATIC);
    bind_opt(st, 3, a->summary);
    bind_opt(st, 4, a->details);
    bind_opt(st, 5, a->severity);
    bind_opt(st, 6, v3);
    if (v3)
        sqlite3_bind_double(st, 7, s3);
    bind_opt(st, 8, v4);
    if (v4 && s4 > 0)
        sqlite3_bind_double(st, 9, s4);
    bind_opt(st, 10, a->published);
    bind_opt(st, 11, a->modified);
    bind_opt(st, 12, a->withdrawn);
    if (step_done(b, st, err, "inserting an advisory") < 0)
        return ld_error_wrap(err, "advisory %s", a->id);
    *rowid = sqlite3_last_insert_rowid(b->sql);
    map_put(&b->ids, a->id, *rowid);
    return 0;
}

int ldb_alias_add(ld_vulndb_builder *b, int64_t adv, const char *alias, ld_error *err)
{
    sqlite3_stmt *st = b->st[S_ALIAS];
    sqlite3_bind_int64(st, 1, adv);
    sqlite3_bind_text(st, 2, alias, -1, SQLITE_STATIC);
    return step_done(b, st, err, "inserting an alias");
}

int ldb_ref_add(ld_vulndb_builder *b, int64_t adv, const char *type, const char *url, ld_error *err)
{
    sqlite3_stmt *st = b->st[S_REF];
    sqlite3_bind_int64(st, 1, adv);
    bind_opt(st, 2, type);
    sqlite3_bind_text(st, 3, url, -1, SQLITE_STATIC);
    return step_done(b, st, err, "inserting a reference");
}

char *ldb_pypi_normalise(const char *name)
{
    size_t n = strlen(name);
    char *out = ld_xmalloc(n + 1);
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        char c = name[i];
        if (c == '-' || c == '_' || c == '.') {
            if (o == 0 || out[o - 1] != '-')
                out[o++] = '-';
            continue;
        }
        out[o++] = (char)tolower((unsigned char)c);
    }
    out[o] = '\0';
    return out;
}

int ldb_affected_add(ld_vulndb_builder *b, int64_t adv, const char *ecosystem, const char *package,
                     const char *purl, ld_fix_status fs, const char *severity, int64_t *rowid,
                     ld_error *err)
{
    sqlite3_stmt *st = b->st[S_AFF];
    char *norm = strcmp(ecosystem, "PyPI") == 0 ? ldb_pypi_normalise(package) : NULL;
    sqlite3_bind_int64(st, 1, adv);
    sqlite3_bind_text(st, 2, ecosystem, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, norm ? norm : package, -1, SQLITE_STATIC);
    bind_opt(st, 4, purl);
    sqlite3_bind_text(st, 5, ld_fix_status_name(fs), -1, SQLITE_STATIC);
    bind_opt(st, 6, severity);
    int rc = step_done(b, st, err, "inserting an affected package");
    free(norm);
    if (rc < 0)
        return rc;
    *rowid = sqlite3_last_insert_rowid(b->sql);
    return 0;
}

int ldb_range_add(ld_vulndb_builder *b, int64_t affected, ld_range_type type, int64_t *rowid,
                  ld_error *err)
{
    sqlite3_stmt *st = b->st[S_RANGE];
    sqlite3_bind_int64(st, 1, affected);
    sqlite3_bind_text(st, 2,
                      type == LD_RANGE_SEMVER ? "SEMVER"
                      : type == LD_RANGE_GIT  ? "GIT"
                                              : "ECOSYSTEM",
                      -1, SQLITE_STATIC);
    if (step_done(b, st, err, "inserting a range") < 0)
        return LD_ERR_GENERIC;
    *rowid = sqlite3_last_insert_rowid(b->sql);
    return 0;
}

int ldb_event_add(ld_vulndb_builder *b, int64_t range, int seq, ld_event_kind kind,
                  const char *version, ld_error *err)
{
    static const char *const names[] = {"introduced", "fixed", "last_affected", "limit"};
    sqlite3_stmt *st = b->st[S_EVENT];
    sqlite3_bind_int64(st, 1, range);
    sqlite3_bind_int(st, 2, seq);
    sqlite3_bind_text(st, 3, names[kind], -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, version, -1, SQLITE_STATIC);
    return step_done(b, st, err, "inserting a range event");
}

int ldb_version_add(ld_vulndb_builder *b, int64_t affected, const char *version, ld_error *err)
{
    sqlite3_stmt *st = b->st[S_VERSION];
    sqlite3_bind_int64(st, 1, affected);
    sqlite3_bind_text(st, 2, version, -1, SQLITE_STATIC);
    return step_done(b, st, err, "inserting a version");
}

int ldb_read_file(const char *path, size_t max, char **out, size_t *len, ld_error *err)
{
    return ld_input_read(path, "feed", max, out, len, err);
}

static const struct {
    ld_feed_type t;
    const char *name;
} feed_names[] = {
    {LD_FEED_AUTO, "auto"},    {LD_FEED_OSV_ZIP, "osv-zip"}, {LD_FEED_OSV_DIR, "osv-dir"},
    {LD_FEED_OSV_JSON, "osv"}, {LD_FEED_DEBIAN, "debian"},   {LD_FEED_ALPINE, "alpine"},
};

int ld_feed_type_parse(const char *name, ld_feed_type *out)
{
    for (size_t i = 0; i < sizeof(feed_names) / sizeof(feed_names[0]); i++)
        if (strcmp(name, feed_names[i].name) == 0) {
            *out = feed_names[i].t;
            return 0;
        }
    return LD_ERR_NOT_FOUND;
}

const char *ld_feed_type_name(ld_feed_type t)
{
    for (size_t i = 0; i < sizeof(feed_names) / sizeof(feed_names[0]); i++)
        if (feed_names[i].t == t)
            return feed_names[i].name;
    return "?";
}

static bool is_osv_key(const char *k, size_t n)
{
    static const char *const keys[] = {
        "id",        "schema_version", "modified", "published", "aliases",
        "summary",   "details",        "affected", "severity",  "references",
        "withdrawn", "related",        "upstream", "credits",   "database_specific"};
    for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
        if (strlen(keys[i]) == n && memcmp(keys[i], k, n) == 0)
            return true;
    return false;
}

int ld_feed_detect(const char *path, ld_feed_type *out, ld_error *err)
{
    struct stat sb;
    if (stat(path, &sb) != 0)
        return ld_error_set_errno(err, errno == ENOENT ? LD_ERR_NOT_FOUND : LD_ERR_GENERIC, errno,
                                  "cannot open %s", path);
    if (S_ISDIR(sb.st_mode)) {
        *out = LD_FEED_OSV_DIR;
        return 0;
    }
    ld_autoclose int fd = ld_input_open(path, "feed", NULL, err);
    if (fd < 0)
        return fd;
    char buf[65536];
    ssize_t n;
    do
        n = read(fd, buf, sizeof(buf) - 1);
    while (n < 0 && errno == EINTR);
    if (n < 0)
        return ld_error_set_errno(err, LD_ERR_GENERIC, errno, "reading %s", path);
    buf[n] = '\0';
    /* a zip starts with a local file header, or (empty: no entry at all)
     * with the end of its central directory */
    if (n >= 4 && (memcmp(buf, "PK\003\004", 4) == 0 || memcmp(buf, "PK\005\006", 4) == 0)) {
        *out = LD_FEED_OSV_ZIP;
        return 0;
    }
    size_t i = ld_utf8_bom_len(buf, (size_t)n); /* the importers skip it too */
    while (i < (size_t)n && isspace((unsigned char)buf[i]))
        i++;
    if (i < (size_t)n && buf[i] == '[') {
        *out = LD_FEED_OSV_JSON;
        return 0;
    }
    if (i < (size_t)n && buf[i] == '{') {
        if (memmem(buf, (size_t)n, "\"distroversion\"", 15)) {
            *out = LD_FEED_ALPINE;
            return 0;
        }
        i++;
        while (i < (size_t)n && isspace((unsigned char)buf[i]))
            i++;
        if (i < (size_t)n && buf[i] == '"') {
            const char *k = buf + i + 1;
            const char *e = memchr(k, '"', (size_t)n - i - 1);
            if (e && is_osv_key(k, (size_t)(e - k))) {
                *out = LD_FEED_OSV_JSON;
                return 0;
            }
            if (e) {
                *out = LD_FEED_DEBIAN;
                return 0;
            }
        }
    }
    return ld_error_set(err, LD_ERR_UNSUPPORTED,
                        "%s: unknown feed format (expected an OSV all.zip, a directory of OSV "
                        "JSON files, an OSV record, the Debian security tracker JSON or an Alpine "
                        "secdb JSON; use --type)",
                        path);
}

/* Default source name from a path: the file name without extension. */
static char *name_from_path(const char *path, const char *kind)
{
    char *copy = ld_xstrdup(path);
    char *base = basename(copy);
    char *dot = strrchr(base, '.');
    if (dot && dot != base)
        *dot = '\0';
    char *r = ld_xasprintf("%s-%s", kind, base);
    free(copy);
    return r;
}

/* Forgets the per-import state (source name, id map). */
static void import_reset(ld_vulndb_builder *b)
{
    b->in_tx = false;
    free(b->source);
    free(b->kind);
    b->source = b->kind = NULL;
    map_clear(&b->ids);
}

int ldb_import_begin(ld_vulndb_builder *b, ld_error *err)
{
    if (exec(b, "BEGIN", err) < 0)
        return LD_ERR_GENERIC;
    b->in_tx = true;
    return 0;
}

void ldb_import_rollback(ld_vulndb_builder *b)
{
    if (b->in_tx)
        sqlite3_exec(b->sql, "ROLLBACK", NULL, NULL, NULL);
    import_reset(b);
}

int ld_vulndb_builder_import(ld_vulndb_builder *b, const char *path, ld_feed_type type,
                             const ld_feed_meta *meta, long long *records, ld_error *err)
{
    long long n = 0;
    if (check_cancel(b))
        return ld_error_set(err, LD_ERR_GENERIC, "%s: interrupted", path);
    if (type == LD_FEED_AUTO && ld_feed_detect(path, &type, err) < 0)
        return LD_ERR_UNSUPPORTED;
    if (type != LD_FEED_OSV_DIR) {
        /* a forced --type skips detection, where a FIFO or a device is
         * refused: refuse it here before an importer blocks on it */
        int fd = ld_input_open(path, "feed", NULL, err);
        if (fd < 0)
            return fd;
        close(fd);
    }
    if (ldb_import_begin(b, err) < 0)
        return LD_ERR_GENERIC;
    const char *name = meta ? meta->name : NULL;
    int rc;
    switch (type) {
    case LD_FEED_OSV_ZIP: rc = ld_import_osv_zip(b, path, name, &n, err); break;
    case LD_FEED_OSV_DIR: rc = ld_import_osv_dir(b, path, name, &n, err); break;
    case LD_FEED_OSV_JSON: rc = ld_import_osv_file(b, path, name, &n, err); break;
    case LD_FEED_DEBIAN: rc = ld_import_debian_file(b, path, name, &n, err); break;
    case LD_FEED_ALPINE: rc = ld_import_alpine_file(b, path, name, &n, err); break;
    default: rc = ld_error_set(err, LD_ERR_UNSUPPORTED, "%s: unknown feed type", path); break;
    }
    if (rc >= 0 && !b->source) {
        /* empty feed: still record the source */
        const char *kind = type == LD_FEED_DEBIAN   ? "debian"
                           : type == LD_FEED_ALPINE ? "alpine"
                                                    : "osv";
        char *nm = name ? ld_xstrdup(name) : name_from_path(path, kind);
        rc = ldb_source_begin(b, nm, kind, err);
        free(nm);
    }
    /* the URL without credentials; validators only when they may be sent
     * back as a header (callers pass them so; this is where it is kept) */
    char *url = meta && meta->url ? ld_url_redact(meta->url) : NULL;
    const char *etag =
        meta && meta->etag && ld_fetch_header_value_ok(meta->etag) ? meta->etag : NULL;
    const char *last_modified =
        meta && meta->last_modified && ld_fetch_header_value_ok(meta->last_modified)
            ? meta->last_modified
            : NULL;
    if (rc >= 0) {
        sqlite3_stmt *st = NULL;
        if (sqlite3_prepare_v2(b->sql,
                               "INSERT OR REPLACE INTO sources(name, kind, url, etag, "
                               "last_modified, fetched_at, records) VALUES(?1,?2,?3,?4,?5,?6,?7)",
                               -1, &st, NULL) != SQLITE_OK)
            rc = bsql_err(b, err, "recording the source");
        else {
            sqlite3_bind_text(st, 1, b->source, -1, SQLITE_STATIC);
            sqlite3_bind_text(st, 2, b->kind, -1, SQLITE_STATIC);
            sqlite3_bind_text(st, 3, url ? url : path, -1, SQLITE_STATIC);
            bind_opt(st, 4, etag);
            bind_opt(st, 5, last_modified);
            sqlite3_bind_int64(
                st, 6, meta && meta->fetched_at ? (int64_t)meta->fetched_at : (int64_t)time(NULL));
            sqlite3_bind_int64(st, 7, n);
            if (sqlite3_step(st) != SQLITE_DONE)
                rc = bsql_err(b, err, "recording the source");
            sqlite3_finalize(st);
        }
    }
    free(url);
    if (rc >= 0)
        rc = exec(b, "COMMIT", err);
    if (rc < 0) {
        ldb_import_rollback(b);
        n = 0;
    } else
        import_reset(b);
    if (records)
        *records = n;
    return rc < 0 ? rc : 0;
}

int ld_vulndb_builder_touch_source(ld_vulndb_builder *b, const char *name, time_t fetched_at,
                                   ld_error *err)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(b->sql, "UPDATE sources SET fetched_at = ?2 WHERE name = ?1", -1, &st,
                           NULL) != SQLITE_OK)
        return bsql_err(b, err, "updating a source");
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, (int64_t)fetched_at);
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return bsql_err(b, err, "updating a source");
    if (sqlite3_changes(b->sql) == 0)
        return ld_error_set(err, LD_ERR_NOT_FOUND, "source %s: not in the database", name);
    return 0;
}

int ld_vulndb_builder_source_validators(ld_vulndb_builder *b, const char *name, const char *url,
                                        char **etag, char **last_modified, ld_error *err)
{
    *etag = *last_modified = NULL;
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(b->sql, "SELECT url FROM sources WHERE name = ?1", -1, &st, NULL) !=
        SQLITE_OK)
        return bsql_err(b, err, "reading a source");
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    char *stored = NULL;
    if (sqlite3_step(st) == SQLITE_ROW)
        stored = ld_xstrdup((const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    char *shown = ld_url_redact(url);
    bool same = stored && shown && strcmp(stored, shown) == 0;
    free(stored);
    free(shown);
    if (!same)
        return ld_error_set(err, LD_ERR_NOT_FOUND, "source %s: not recorded for this URL", name);
    return ld_vulndb_builder_source_info(b, name, etag, last_modified, err);
}

int ld_vulndb_builder_source_info(ld_vulndb_builder *b, const char *name, char **etag,
                                  char **last_modified, ld_error *err)
{
    sqlite3_stmt *st = NULL;
    *etag = *last_modified = NULL;
    if (sqlite3_prepare_v2(b->sql, "SELECT etag, last_modified FROM sources WHERE name = ?1", -1,
                           &st, NULL) != SQLITE_OK)
        return bsql_err(b, err, "reading a source");
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        *etag = ld_xstrdup((const char *)sqlite3_column_text(st, 0));
        *last_modified = ld_xstrdup((const char *)sqlite3_column_text(st, 1));
    }
    sqlite3_finalize(st);
    if (rc == SQLITE_ROW)
        return 0;
    if (rc == SQLITE_DONE)
        return ld_error_set(err, LD_ERR_NOT_FOUND, "source %s: not in the database", name);
    return bsql_err(b, err, "reading a source");
}

static int fsync_path(const char *path, int flags)
{
    int fd = open(path, flags | O_CLOEXEC);
    if (fd < 0)
        return -1;
    int rc = fsync(fd);
    close(fd);
    return rc;
}

int ld_vulndb_builder_commit(ld_vulndb_builder *b, ld_error *err)
{
    char *q = ld_xasprintf("INSERT OR REPLACE INTO meta(key, value) VALUES('built_at', '%lld')",
                           (long long)time(NULL));
    int rc = exec(b, q, err);
    free(q);
    if (rc == 0)
        rc = exec(b, index_sql, err);
    if (rc == 0)
        rc = exec(b, "PRAGMA optimize", err);
    if (rc < 0) {
        ld_vulndb_builder_abort(b);
        return rc;
    }
    for (int i = 0; i < S_COUNT; i++) {
        sqlite3_finalize(b->st[i]);
        b->st[i] = NULL;
    }
    if (sqlite3_close(b->sql) != SQLITE_OK) {
        rc = ld_error_set(err, LD_ERR_GENERIC, "closing %s", b->tmp ? b->tmp : ":memory:");
        b->sql = NULL;
        ld_vulndb_builder_abort(b);
        return rc;
    }
    b->sql = NULL;
    if (!b->tmp) {
        builder_free(b);
        return 0;
    }
    if (fsync_path(b->tmp, O_RDONLY) != 0) {
        rc = ld_error_set_errno(err, LD_ERR_GENERIC, errno, "syncing %s", b->tmp);
        ld_vulndb_builder_abort(b);
        return rc;
    }
    if (rename(b->tmp, b->dest) != 0) {
        rc = ld_error_set_errno(err, LD_ERR_GENERIC, errno, "cannot replace %s", b->dest);
        ld_vulndb_builder_abort(b);
        return rc;
    }
    char *dir = ld_xstrdup(b->dest);
    fsync_path(dirname(dir), O_RDONLY | O_DIRECTORY);
    free(dir);
    free(b->tmp);
    b->tmp = NULL;
    builder_free(b);
    return 0;
}
