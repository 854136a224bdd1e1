/* Unit tests for the guard around rpmdb.sqlite (src/sbom/rpm_sqlite.c):
 * the schema is code SQLite runs, so only rpm's own Packages table is read.
 * Databases are made here with SQLite (rpm's exact statements, then the
 * schema rewritten with PRAGMA writable_schema the way a hostile image
 * would): rpm's shape is read in every spelling SQLite keeps (quotes,
 * blanks, letter case) and with rpm's index tables beside it; a generated
 * column (the one that cost half a second a row), a DEFAULT, a CHECK, a
 * collation, a comment, no AUTOINCREMENT, a view, a trigger, an index on
 * Packages are refused with a message naming the file, in far less time
 * than one evaluation of the hostile column takes; another table with a
 * generated column beside a sound Packages table is read (never touched). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "sbom/catalogers_list.h"
#include "util/mem.h"

static const char *const path = "/var/lib/rpm/rpmdb.sqlite";

static void put_be32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24), p[1] = (uint8_t)(v >> 16), p[2] = (uint8_t)(v >> 8),
    p[3] = (uint8_t)v;
}

/* A minimal rpm header: NAME, VERSION, RELEASE as STRING tags. */
static size_t make_header(uint8_t *h, const char *name)
{
    const char *vals[] = {name, "1.0", "1"};
    const uint32_t tags[] = {1000, 1001, 1002};
    uint8_t data[128];
    size_t dl = 0;
    uint8_t *idx = h + 8;
    for (int i = 0; i < 3; i++) {
        size_t n = strlen(vals[i]) + 1;
        put_be32(idx + i * 16, tags[i]);
        put_be32(idx + i * 16 + 4, 6);
        put_be32(idx + i * 16 + 8, (uint32_t)dl);
        put_be32(idx + i * 16 + 12, 1);
        memcpy(data + dl, vals[i], n);
        dl += n;
    }
    put_be32(h, 3);
    put_be32(h + 4, (uint32_t)dl);
    memcpy(h + 8 + 3 * 16, data, dl);
    return 8 + 3 * 16 + dl;
}

/* rpm's statements (lib/backend/sqlite.c), two packages. */
static const char rpm_schema[] =
    "CREATE TABLE IF NOT EXISTS 'Packages' (hnum INTEGER PRIMARY KEY AUTOINCREMENT,"
    "blob BLOB NOT NULL);"
    "CREATE TABLE IF NOT EXISTS 'Name' (key 'TEXT' NOT NULL, hnum INTEGER NOT NULL, "
    "idx INTEGER NOT NULL, FOREIGN KEY (hnum) REFERENCES 'Packages'(hnum));"
    "CREATE INDEX IF NOT EXISTS 'Name_key_idx' ON 'Name'(key ASC);";

/* A database made by schema (which has a table Packages with a column
 * blob, or an h column when stored_column is "h"), two packages inserted,
 * then each rewrite (sql for the Packages entry, or NULL) applied with
 * writable_schema; serialized into a malloc'd buffer. */
static uint8_t *make_db(const char *schema, const char *stored_column, const char *rewrite,
                        const char *extra_sql, size_t *len)
{
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open(":memory:", &db), SQLITE_OK);
    if (sqlite3_exec(db, schema, NULL, NULL, NULL) != SQLITE_OK)
        fail_msg("%s", sqlite3_errmsg(db));
    char *ins = ld_xasprintf("INSERT INTO Packages(%s) VALUES (?)", stored_column);
    sqlite3_stmt *st = NULL;
    assert_int_equal(sqlite3_prepare_v2(db, ins, -1, &st, NULL), SQLITE_OK);
    free(ins);
    static const char *const names[] = {"bash", "coreutils"};
    for (int i = 0; i < 2; i++) {
        uint8_t h[256];
        size_t n = make_header(h, names[i]);
        sqlite3_bind_blob(st, 1, h, (int)n, SQLITE_TRANSIENT);
        assert_int_equal(sqlite3_step(st), SQLITE_DONE);
        sqlite3_reset(st);
    }
    sqlite3_finalize(st);
    if (rewrite) {
        assert_int_equal(sqlite3_exec(db, "PRAGMA writable_schema=ON", NULL, NULL, NULL),
                         SQLITE_OK);
        assert_int_equal(sqlite3_prepare_v2(db,
                                            "UPDATE sqlite_schema SET sql = ? WHERE name = "
                                            "'Packages'",
                                            -1, &st, NULL),
                         SQLITE_OK);
        sqlite3_bind_text(st, 1, rewrite, -1, SQLITE_TRANSIENT);
        assert_int_equal(sqlite3_step(st), SQLITE_DONE);
        sqlite3_finalize(st);
        assert_int_equal(sqlite3_exec(db, "PRAGMA writable_schema=OFF", NULL, NULL, NULL),
                         SQLITE_OK);
    }
    if (extra_sql && sqlite3_exec(db, extra_sql, NULL, NULL, NULL) != SQLITE_OK)
        fail_msg("%s: %s", extra_sql, sqlite3_errmsg(db));
    sqlite3_int64 n = 0;
    unsigned char *s = sqlite3_serialize(db, "main", &n, 0);
    assert_non_null(s);
    uint8_t *copy = ld_xmalloc((size_t)n);
    memcpy(copy, s, (size_t)n);
    sqlite3_free(s);
    sqlite3_close(db);
    *len = (size_t)n;
    return copy;
}

static int parse(const uint8_t *db, size_t len, ld_package_list *l, ld_error *err)
{
    return ld_cataloger_rpm_sqlite.parse(path, db, len, l, err);
}

static void assert_read(const char *what, const char *schema, const char *rewrite,
                        const char *extra)
{
    size_t len;
    uint8_t *db = make_db(schema, "blob", rewrite, extra, &len);
    ld_package_list l = {0};
    ld_error err = LD_ERROR_INIT;
    if (parse(db, len, &l, &err) != 0)
        fail_msg("%s: %s", what, err.msg);
    assert_int_equal(l.n, 2);
    assert_string_equal(l.items[0].name, "bash");
    ld_package_list_clear(&l);
    free(db);
}

static void test_rpm_shapes_are_read(void **state)
{
    (void)state;
    assert_read("rpm's own statements", rpm_schema, NULL, NULL);
    /* the spellings SQLite keeps for the same table */
    static const char *const same[] = {
        "CREATE TABLE Packages (hnum INTEGER PRIMARY KEY AUTOINCREMENT, blob BLOB NOT NULL)",
        "create table \"Packages\"(hnum integer primary key autoincrement,blob blob not null)",
        "CREATE TABLE [Packages]\n(\n  hnum INTEGER PRIMARY KEY AUTOINCREMENT ,\n  blob BLOB NOT "
        "NULL\n)",
        "CREATE TABLE `PACKAGES` ( hnum   INTEGER PRIMARY KEY AUTOINCREMENT,blob BLOB NOT NULL )",
    };
    for (size_t i = 0; i < sizeof same / sizeof *same; i++)
        assert_read(same[i], rpm_schema, same[i], NULL);
    /* other tables are never read: their content does not matter */
    assert_read("an index table with a generated column", rpm_schema, NULL,
                "CREATE TABLE Other (a, b AS (replace(hex(zeroblob(1000000 + length(a))), '0', "
                "'1')));");
}

/* Refused, naming the file, and quickly (the generated column below takes
 * about half a second per row when it is evaluated). */
static void assert_refused(const char *what, const char *schema, const char *stored,
                           const char *rewrite, const char *extra, const char *msg)
{
    size_t len;
    uint8_t *db = make_db(schema, stored, rewrite, extra, &len);
    ld_package_list l = {0};
    ld_error err = LD_ERROR_INIT;
    clock_t t0 = clock();
    int rc = parse(db, len, &l, &err);
    double secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
    if (rc >= 0)
        fail_msg("%s: read (%zu packages)", what, l.n);
    assert_int_equal(rc, err.code);
    if (!strstr(err.msg, path) || !strstr(err.msg, msg))
        fail_msg("%s: message \"%s\" lacks \"%s\"", what, err.msg, msg);
    assert_int_equal(l.n, 0);
    assert_true(secs < 0.2);
    free(db);
}

static void test_rewritten_schemas_are_refused(void **state)
{
    (void)state;
    static const char stored_h[] =
        "CREATE TABLE Packages (hnum INTEGER PRIMARY KEY AUTOINCREMENT, h BLOB NOT NULL);";
    static const char not_rpm[] = "the Packages table is not defined as rpm defines it";
    static const struct {
        const char *what, *sql;
    } rewrites[] = {
        {"a generated column",
         "CREATE TABLE Packages (hnum INTEGER PRIMARY KEY AUTOINCREMENT, h BLOB NOT NULL, "
         "blob BLOB AS (CASE WHEN replace(hex(zeroblob(20000000 + length(h))), '0', '1') IS NOT "
         "NULL THEN h END))"},
        {"a generated column that only copies",
         "CREATE TABLE Packages (hnum INTEGER PRIMARY KEY AUTOINCREMENT, h BLOB NOT NULL, "
         "blob BLOB GENERATED ALWAYS AS (h) VIRTUAL)"},
    };
    for (size_t i = 0; i < sizeof rewrites / sizeof *rewrites; i++)
        assert_refused(rewrites[i].what, stored_h, "h", rewrites[i].sql, NULL, not_rpm);

    static const struct {
        const char *what, *sql;
    } shapes[] = {
        {"a DEFAULT calling a function",
         "CREATE TABLE Packages (hnum INTEGER PRIMARY KEY AUTOINCREMENT, blob BLOB NOT NULL "
         "DEFAULT (zeroblob(16)))"},
        {"a CHECK", "CREATE TABLE Packages (hnum INTEGER PRIMARY KEY AUTOINCREMENT, blob BLOB NOT "
                    "NULL CHECK (length(blob) > 0))"},
        {"no AUTOINCREMENT", "CREATE TABLE Packages (hnum INTEGER PRIMARY KEY, blob BLOB NOT NULL)"},
        {"a comment", "CREATE TABLE Packages (hnum INTEGER PRIMARY KEY AUTOINCREMENT, /* x */ "
                      "blob BLOB NOT NULL)"},
        {"a collation", "CREATE TABLE Packages (hnum INTEGER PRIMARY KEY AUTOINCREMENT, blob BLOB "
                        "NOT NULL COLLATE NOCASE)"},
    };
    for (size_t i = 0; i < sizeof shapes / sizeof *shapes; i++)
        assert_refused(shapes[i].what, shapes[i].sql, "blob", NULL, NULL, not_rpm);

    assert_refused("a view beside rpm's tables", rpm_schema, "blob", NULL,
                   "CREATE VIEW v AS WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM "
                   "c) SELECT x FROM c;",
                   "schema has a view (rpm's has none)");
    assert_refused("a trigger", rpm_schema, "blob", NULL,
                   "CREATE TRIGGER t AFTER INSERT ON Name BEGIN SELECT zeroblob(1); END;",
                   "schema has a trigger");
    assert_refused("an index on Packages", rpm_schema, "blob", NULL,
                   "CREATE INDEX p ON Packages(length(blob));",
                   "the schema has an index on the Packages table");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rpm_shapes_are_read),
        cmocka_unit_test(test_rewritten_schemas_are_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
