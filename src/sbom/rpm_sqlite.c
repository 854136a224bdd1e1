/* rpm cataloger for rpmdb.sqlite (rpm >= 4.16 default backend): opens the
 * file's bytes as a read-only in-memory SQLite database (sqlite3_deserialize,
 * never a file on disk) and hands each Packages.blob to the shared header
 * parser.
 *
 * The database is hostile input, and its schema is code SQLite runs: a
 * Packages table rewritten with a generated column `blob AS (... replace(
 * hex(zeroblob(20000000 + length(h))) ...))` costs half a second per row,
 * forever in effect. So, before anything is read:
 *   - the schema is checked against an allow-list: the Packages table must
 *     be exactly rpm's (two stored columns, nothing computed), with no index
 *     on it, and the schema holds no view and no trigger (rpm's has none);
 *   - an authorizer allows only reading the schema table and Packages.blob:
 *     no function, no pragma, no write, nothing inside a view or trigger;
 *   - SQLITE_DBCONFIG_DEFENSIVE, untrusted schema, views, triggers and
 *     extensions off, tight sqlite3_limit()s, and a progress handler that
 *     ends any statement after a fixed number of steps.
 * A database refused by any of these is not read (LD_ERR_LIMIT, or
 * LD_ERR_CORRUPT for a schema that is not rpm's), and the SBOM counts it
 * as unread (sbom.h). Not for the Name/Basenames index tables: the header
 * blobs carry everything we need. */
#include <sqlite3.h>
#include <string.h>
#include <strings.h>

#include "sbom/catalogers_list.h"
#include "sbom/rpm_header.h"

/* VM steps (in units of PROGRESS_EVERY) before a query is abandoned. */
#define PROGRESS_EVERY 1000
#define MAX_PROGRESS_CALLS 200000
/* Schema entries looked at (rpm 4.18 writes 48) and the longest CREATE
 * statement compared (rpm's are under 200 bytes). */
#define MAX_SCHEMA_ROWS 1000
#define MAX_SCHEMA_SQL 512

/* rpm's Packages table (lib/backend/sqlite.c: "hnum INTEGER PRIMARY KEY
 * AUTOINCREMENT,blob BLOB NOT NULL"), after normalize_sql(). */
static const char packages_columns[] =
    "(hnum integer primary key autoincrement,blob blob not null)";

static const char sqlite_magic[16] = "SQLite format 3";

static bool rpm_sqlite_wants(const char *path)
{
    static const char suffix[] = "/rpm/rpmdb.sqlite";
    size_t n = strlen(path), sl = sizeof suffix - 1;
    return n >= sl && strcmp(path + n - sl, suffix) == 0;
}

static int progress_cb(void *ctx)
{
    unsigned *calls = ctx;
    return ++*calls > MAX_PROGRESS_CALLS; /* non-zero interrupts the query */
}

/* The statements this cataloger prepares read the schema table and
 * Packages.blob, and nothing else may run: no function (a generated column
 * or default would call one), no pragma, no write, no ATTACH, nothing on
 * behalf of a trigger or view (inner != NULL). */
static int authorize(void *ctx, int action, const char *a, const char *b, const char *db,
                     const char *inner)
{
    (void)ctx;
    if (inner || (db && strcmp(db, "main") != 0))
        return SQLITE_DENY;
    if (action == SQLITE_SELECT)
        return SQLITE_OK;
    if (action != SQLITE_READ || !a || !b)
        return SQLITE_DENY;
    if (strcmp(a, "sqlite_master") == 0 || strcmp(a, "sqlite_schema") == 0)
        return strcmp(b, "type") == 0 || strcmp(b, "name") == 0 || strcmp(b, "tbl_name") == 0 ||
                       strcmp(b, "sql") == 0
                   ? SQLITE_OK
                   : SQLITE_DENY;
    return strcasecmp(a, "Packages") == 0 && strcmp(b, "blob") == 0 ? SQLITE_OK : SQLITE_DENY;
}

/* sql lowercased (ASCII), runs of blanks made one space and dropped next
 * to "(", ")" and ","; false when longer than cap - 1. */
static bool normalize_sql(const char *sql, char *out, size_t cap)
{
    size_t n = 0;
    bool blank = false;
    for (const char *p = sql; *p; p++) {
        char c = *p;
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
            blank = true;
            continue;
        }
        if (blank && n > 0 && out[n - 1] != '(' && out[n - 1] != ',' && c != '(' && c != ')' &&
            c != ',') {
            if (n + 1 >= cap)
                return false;
            out[n++] = ' ';
        }
        blank = false;
        if (n + 1 >= cap)
            return false;
        out[n++] = (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
    }
    out[n] = '\0';
    return true;
}

/* Is sql the CREATE TABLE statement rpm writes for Packages (the name
 * quoted any way SQLite allows, any blanks and letter case)? */
static bool is_rpm_packages_table(const char *sql)
{
    char norm[MAX_SCHEMA_SQL];
    static const char create[] = "create table ";
    if (!sql || !normalize_sql(sql, norm, sizeof norm) ||
        strncmp(norm, create, sizeof create - 1) != 0)
        return false;
    const char *rest = norm + sizeof create - 1;
    static const char *const names[] = {"'packages'", "\"packages\"", "`packages`",
                                        "[packages]", "packages"};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        size_t nl = strlen(names[i]);
        if (strncmp(rest, names[i], nl) == 0 && strcmp(rest + nl, packages_columns) == 0)
            return true;
    }
    return false;
}

static const char *column_text(sqlite3_stmt *st, int i)
{
    const unsigned char *t = sqlite3_column_text(st, i);
    return t ? (const char *)t : "";
}

/* The schema allow-list (see the top of this file). 0, or < 0 with err:
 * LD_ERR_CORRUPT naming what is not rpm's. */
static int check_schema(const char *path, sqlite3 *db, ld_error *err)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db, "SELECT type, name, tbl_name, sql FROM main.sqlite_schema", -1,
                           &st, NULL) != SQLITE_OK)
        return ld_error_set(err, LD_ERR_CORRUPT, "%s: cannot read the schema: %s", path,
                            sqlite3_errmsg(db));
    size_t rows = 0, tables = 0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *type = column_text(st, 0), *name = column_text(st, 1),
                   *tbl = column_text(st, 2);
        if (++rows > MAX_SCHEMA_ROWS) {
            sqlite3_finalize(st);
            return ld_error_set(err, LD_ERR_CORRUPT,
                                "%s: schema has more than %d entries; rpm's has about 50", path,
                                MAX_SCHEMA_ROWS);
        }
        if (strcmp(type, "view") == 0 || strcmp(type, "trigger") == 0) {
            ld_error_set(err, LD_ERR_CORRUPT,
                         "%s: schema has a %s (rpm's has none); refused, not read", path, type);
            sqlite3_finalize(st);
            return err->code;
        }
        if (strcasecmp(tbl, "Packages") != 0)
            continue; /* index tables of rpm's: never read */
        if (strcmp(type, "table") != 0 || strcasecmp(name, "Packages") != 0) {
            ld_error_set(err, LD_ERR_CORRUPT,
                         "%s: the schema has an %s on the Packages table (rpm's has none); "
                         "refused, not read",
                         path, strcmp(type, "index") == 0 ? "index" : "entry");
            sqlite3_finalize(st);
            return err->code;
        }
        if (!is_rpm_packages_table((const char *)sqlite3_column_text(st, 3))) {
            ld_error_set(err, LD_ERR_CORRUPT,
                         "%s: the Packages table is not defined as rpm defines it (two stored "
                         "columns, hnum and blob); refused, not read",
                         path);
            sqlite3_finalize(st);
            return err->code;
        }
        tables++;
    }
    if (rc != SQLITE_DONE) {
        ld_error_set(err, LD_ERR_CORRUPT, "%s: reading the schema: %s", path, sqlite3_errmsg(db));
        sqlite3_finalize(st);
        return err->code;
    }
    sqlite3_finalize(st);
    if (tables != 1)
        return ld_error_set(err, LD_ERR_CORRUPT, "%s: no rpm Packages table", path);
    return 0;
}

static void truncate_list(ld_package_list *l, size_t n)
{
    while (l->n > n)
        ld_package_clear(&l->items[--l->n]);
}

static void close_db(sqlite3 **db)
{
    if (*db)
        sqlite3_close_v2(*db);
}

static void finalize_stmt(sqlite3_stmt **st)
{
    if (*st)
        sqlite3_finalize(*st);
}

/* Open data[0..len) as database "main" of a fresh in-memory connection,
 * read-only and locked down. Returns 0 with *dbp set, or < 0 with err. */
static int open_from_memory(const char *path, const uint8_t *data, size_t len, sqlite3 **dbp,
                            ld_error *err)
{
    sqlite3 *db = NULL;
    if (sqlite3_open_v2(":memory:", &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) !=
        SQLITE_OK) {
        sqlite3_close_v2(db);
        return ld_error_set(err, LD_ERR_NOMEM, "%s: cannot open an in-memory database", path);
    }
    *dbp = db;
    sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, 1, (int *)NULL);
    sqlite3_db_config(db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, (int *)NULL);
    sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_TRIGGER, 0, (int *)NULL);
    sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_VIEW, 0, (int *)NULL);
    sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION, 0, (int *)NULL);
    sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_FKEY, 0, (int *)NULL);
    sqlite3_db_config(db, SQLITE_DBCONFIG_DQS_DML, 0, (int *)NULL);
    sqlite3_db_config(db, SQLITE_DBCONFIG_DQS_DDL, 0, (int *)NULL);
    /* no value longer than a header, no statement longer than a schema
     * entry we compare, shallow expressions, nothing attached */
    sqlite3_limit(db, SQLITE_LIMIT_LENGTH, (int)LD_RPM_HEADER_MAX);
    sqlite3_limit(db, SQLITE_LIMIT_SQL_LENGTH, 64 << 10);
    sqlite3_limit(db, SQLITE_LIMIT_EXPR_DEPTH, 64);
    sqlite3_limit(db, SQLITE_LIMIT_COMPOUND_SELECT, 2);
    sqlite3_limit(db, SQLITE_LIMIT_FUNCTION_ARG, 8);
    sqlite3_limit(db, SQLITE_LIMIT_LIKE_PATTERN_LENGTH, 64);
    sqlite3_limit(db, SQLITE_LIMIT_VARIABLE_NUMBER, 8);
    sqlite3_limit(db, SQLITE_LIMIT_TRIGGER_DEPTH, 1);
    sqlite3_limit(db, SQLITE_LIMIT_ATTACHED, 0);
    sqlite3_limit(db, SQLITE_LIMIT_WORKER_THREADS, 0);

    unsigned char *copy = sqlite3_malloc64(len);
    if (!copy)
        return ld_error_set(err, LD_ERR_NOMEM, "%s: out of memory copying %zu bytes", path, len);
    memcpy(copy, data, len);
    /* rpm opens its database in WAL mode (header bytes 18/19 = 2), which an
     * in-memory database cannot use; 1 selects the rollback journal. The WAL
     * file itself is not part of the input: rpm checkpoints on close. */
    if (copy[18] == 2)
        copy[18] = 1;
    if (copy[19] == 2)
        copy[19] = 1;
    int rc = sqlite3_deserialize(db, "main", copy, (sqlite3_int64)len, (sqlite3_int64)len,
                                 SQLITE_DESERIALIZE_FREEONCLOSE | SQLITE_DESERIALIZE_READONLY);
    if (rc != SQLITE_OK) /* sqlite3_deserialize frees copy on failure */
        return ld_error_set(err, LD_ERR_CORRUPT, "%s: cannot load database: %s", path,
                            sqlite3_errmsg(db));
    /* before the authorizer, which refuses pragmas: page checks on every
     * read, and no statement of this connection may write */
    if (sqlite3_exec(db, "PRAGMA cell_size_check=ON; PRAGMA query_only=ON", NULL, NULL, NULL) !=
        SQLITE_OK)
        return ld_error_set(err, LD_ERR_CORRUPT, "%s: cannot load database: %s", path,
                            sqlite3_errmsg(db));
    sqlite3_set_authorizer(db, authorize, NULL);
    return 0;
}

static int rpm_sqlite_parse(const char *path, const uint8_t *data, size_t len, ld_package_list *out,
                            ld_error *err)
{
    if (len < 100 || memcmp(data, sqlite_magic, sizeof sqlite_magic) != 0)
        return ld_error_set(err, LD_ERR_CORRUPT, "%s: not an SQLite database", path);
    __attribute__((cleanup(close_db))) sqlite3 *db = NULL;
    if (open_from_memory(path, data, len, &db, err) < 0)
        return err->code;
    unsigned calls = 0;
    sqlite3_progress_handler(db, PROGRESS_EVERY, progress_cb, &calls);
    if (check_schema(path, db, err) < 0) {
        if (calls > MAX_PROGRESS_CALLS)
            err->code = LD_ERR_LIMIT;
        return err->code;
    }

    __attribute__((cleanup(finalize_stmt))) sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db, "SELECT blob FROM main.Packages", -1, &st, NULL) != SQLITE_OK)
        return ld_error_set(err, LD_ERR_CORRUPT, "%s: no rpm Packages table: %s", path,
                            sqlite3_errmsg(db));
    size_t start = out->n, rows = 0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (++rows > LD_RPM_MAX_PACKAGES) {
            truncate_list(out, start);
            return ld_error_set(err, LD_ERR_LIMIT, "%s: more than %d packages", path,
                                LD_RPM_MAX_PACKAGES);
        }
        if (sqlite3_column_type(st, 0) != SQLITE_BLOB) {
            truncate_list(out, start);
            return ld_error_set(err, LD_ERR_CORRUPT, "%s: Packages row %zu is not a blob", path,
                                rows);
        }
        const uint8_t *blob = sqlite3_column_blob(st, 0);
        int n = sqlite3_column_bytes(st, 0);
        if (!blob || n < 0 || ld_rpm_header_parse(path, blob, (size_t)n, out, err) < 0) {
            truncate_list(out, start);
            if (err->code == LD_OK)
                ld_error_set(err, LD_ERR_CORRUPT, "%s: Packages row %zu is empty", path, rows);
            return ld_error_wrap(err, "package %zu", rows);
        }
    }
    if (rc != SQLITE_DONE) {
        truncate_list(out, start);
        return ld_error_set(err, calls > MAX_PROGRESS_CALLS ? LD_ERR_LIMIT : LD_ERR_CORRUPT,
                            "%s: reading Packages: %s", path, sqlite3_errmsg(db));
    }
    return 0;
}

const ld_cataloger ld_cataloger_rpm_sqlite = {
    .name = "rpm-sqlite",
    .eco = LD_ECO_RPM,
    .max_bytes = (uint64_t)512 << 20,
    .wants = rpm_sqlite_wants,
    .parse = rpm_sqlite_parse,
};
