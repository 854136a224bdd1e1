/* rpm cataloger for rpmdb.sqlite (rpm >= 4.16 default backend): opens the
 * file's bytes as an in-memory SQLite database (sqlite3_deserialize, never
 * a file on disk) and hands each Packages.blob to the shared header parser.
 * The database is hostile input: views and triggers are disabled, the
 * schema is untrusted, and a progress handler bounds the work. Not for the
 * Name/Basenames index tables: the header blobs carry everything we need. */
#include <sqlite3.h>
#include <string.h>

#include "sbom/catalogers_list.h"
#include "sbom/rpm_header.h"

/* VM steps (in units of PROGRESS_EVERY) before a query is abandoned. */
#define PROGRESS_EVERY 1000
#define MAX_PROGRESS_CALLS 200000

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
    sqlite3_limit(db, SQLITE_LIMIT_LENGTH, (int)LD_RPM_HEADER_MAX);
    sqlite3_limit(db, SQLITE_LIMIT_ATTACHED, 0);

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
