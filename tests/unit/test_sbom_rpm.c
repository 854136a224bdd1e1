/* Unit tests for the rpm catalogers (src/sbom/rpm_header.c, rpm_sqlite.c,
 * rpm_bdb.c, rpm_ndb.c) on databases written by real tools and on hostile
 * input.
 *
 * Real data: the group setup runs a script (below) that builds two noarch
 * packages with Debian's rpmbuild, installs them with Debian's rpm into a
 * fresh rpmdb.sqlite, and records `rpm -qa --qf` as the expected list.
 * Debian's rpm 4.18 has the backends sqlite and bdb_ro only (no ndb, no bdb
 * writer), so the Berkeley DB Packages files are written by the real
 * Berkeley DB library (db5.3_load) from the same header blobs, keyed like
 * rpm (host-order instance numbers, key 0 the instance counter), and the
 * script checks that rpm itself (bdb_ro) reads them back identically. The
 * ndb Packages.db cannot be produced by any tool here: this test builds it
 * by hand from the same blobs, following rpm's lib/backend/ndb/rpmpkg.c
 * layout (header, slot pages, blobs with head, adler32 tail).
 * Skips (naming the reason) when rpm, rpmbuild, sqlite3 or db5.3_load are
 * missing: scripts/install-deps.sh --test installs them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <ftw.h>
#include <spawn.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

#include "sbom/catalogers_list.h"
#include "sbom/rpm_header.h"
#include "util/mem.h"
#include "test_skip.h"

extern char **environ;

static const char fixture_script[] =
    "set -eu\n"
    "out=$1\n"
    "for c in rpm rpmbuild sqlite3 db5.3_load; do command -v $c >/dev/null || exit 77; done\n"
    "mkdir -p \"$out/top\" \"$out/sqlite\" \"$out/bdb512\" \"$out/bdb16k\"\n"
    "cat > \"$out/hello.spec\" <<'EOF'\n"
    "Name: ldtest-hello\n"
    "Version: 1.2.3\n"
    "Release: 4\n"
    "Epoch: 2\n"
    "Summary: lockdown test package\n"
    "License: MIT and (GPL-2.0-or-later)\n"
    "BuildArch: noarch\n"
    "%description\n"
    "lockdown test package\n"
    "%install\n"
    "mkdir -p %{buildroot}/usr/share/ldtest\n"
    "echo hello > %{buildroot}/usr/share/ldtest/hello\n"
    "%files\n"
    "/usr/share/ldtest/hello\n"
    "EOF\n"
    "sed -e 's/^Name: .*/Name: ldtest-world/' -e 's/^Version: .*/Version: 0.9/' -e '/^Epoch:/d' "
    "-e 's/^License: .*/License: GPL-2.0-only/' -e 's/hello/world/g' \"$out/hello.spec\" > "
    "\"$out/world.spec\"\n"
    "for s in hello world; do\n"
    "  rpmbuild -bb --quiet --define \"_topdir $out/top\" \"$out/$s.spec\" >/dev/null 2>&1\n"
    "done\n"
    "rpm --initdb --dbpath \"$out/sqlite\"\n"
    "rpm -i --justdb --nodeps --noscripts --ignoreos --dbpath \"$out/sqlite\" "
    "\"$out\"/top/RPMS/noarch/*.rpm 2>/dev/null\n"
    "qf='%{NAME}|%{EPOCH}|%{VERSION}-%{RELEASE}|%{ARCH}|%{LICENSE}|%{SOURCERPM}\\n'\n"
    "rpm -qa --dbpath \"$out/sqlite\" --qf \"$qf\" | sort > \"$out/expected.txt\"\n"
    "for ps in 512 16384; do\n"
    "  if [ $ps = 512 ]; then d=$out/bdb512; else d=$out/bdb16k; fi\n"
    "  { printf 'VERSION=3\\nformat=bytevalue\\ntype=hash\\ndb_pagesize=%s\\nHEADER=END\\n' $ps\n"
    "    printf ' 00000000\\n 02000000\\n'\n"
    "    sqlite3 \"$out/sqlite/rpmdb.sqlite\" 'select hnum, lower(hex(blob)) from Packages' |\n"
    "    while IFS='|' read -r n hex; do printf ' %02x000000\\n %s\\n' \"$n\" \"$hex\"; done\n"
    "    printf 'DATA=END\\n'; } > \"$d/dump\"\n"
    "  db5.3_load -f \"$d/dump\" \"$d/Packages\"\n"
    "  rpm -qa --dbpath \"$d\" --define '_db_backend bdb_ro' --qf \"$qf\" 2>/dev/null | sort > "
    "\"$d/check.txt\"\n"
    "  cmp \"$d/check.txt\" \"$out/expected.txt\"\n"
    "done\n";

static char fixture_dir[64];
static const char *skip_reason; /* non-NULL: real-data tests skip */

static int rm_entry(const char *p, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st, (void)flag, (void)ftw;
    return remove(p);
}

static int group_setup(void **state)
{
    (void)state;
    snprintf(fixture_dir, sizeof fixture_dir, "/tmp/ld-test-rpm.XXXXXX");
    if (!mkdtemp(fixture_dir))
        return -1;
    char *argv[] = {"bash", "-c", (char *)fixture_script, "bash", fixture_dir, NULL};
    pid_t pid;
    if (posix_spawnp(&pid, "bash", NULL, NULL, argv, environ) != 0)
        return -1;
    int st = 0;
    if (waitpid(pid, &st, 0) < 0 || !WIFEXITED(st))
        return -1;
    if (WEXITSTATUS(st) == 77)
        skip_reason = "rpm, rpmbuild, sqlite3 or db5.3_load missing (install-deps.sh --test)";
    else if (WEXITSTATUS(st) != 0)
        return -1;
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    if (fixture_dir[0])
        nftw(fixture_dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
    return 0;
}

static uint8_t *slurp(const char *rel, size_t *len)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", fixture_dir, rel);
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    size_t cap = 1 << 16, n = 0;
    uint8_t *buf = ld_xmalloc(cap);
    size_t r;
    while ((r = fread(buf + n, 1, cap - n, f)) > 0) {
        n += r;
        if (n == cap)
            buf = ld_xrealloc(buf, cap *= 2);
    }
    fclose(f);
    *len = n;
    return buf;
}

static const ld_package *find(const ld_package_list *l, const char *name)
{
    for (size_t i = 0; i < l->n; i++)
        if (strcmp(l->items[i].name, name) == 0)
            return &l->items[i];
    return NULL;
}

/* Compare the list with rpm -qa's view recorded in expected.txt. */
static void check_against_rpm(const ld_package_list *l, const char *path)
{
    size_t n;
    char *exp = (char *)slurp("expected.txt", &n);
    exp = ld_xrealloc(exp, n + 1);
    exp[n] = '\0';
    size_t lines = 0;
    char *save = NULL;
    for (char *line = strtok_r(exp, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        char *f[6], *s2 = NULL;
        int k = 0;
        for (char *t = strtok_r(line, "|", &s2); t && k < 6; t = strtok_r(NULL, "|", &s2))
            f[k++] = t;
        assert_int_equal(k, 6);
        const ld_package *p = find(l, f[0]);
        assert_non_null(p);
        char want[128];
        if (strcmp(f[1], "(none)") == 0)
            snprintf(want, sizeof want, "%s", f[2]);
        else
            snprintf(want, sizeof want, "%s:%s", f[1], f[2]);
        assert_string_equal(p->version, want);
        assert_string_equal(p->arch, f[3]);
        assert_int_equal(p->licenses.n, 1);
        assert_string_equal(p->licenses.v[0], f[4]);
        assert_non_null(p->source_name);
        assert_int_equal(strncmp(f[5], p->source_name, strlen(p->source_name)), 0);
        assert_null(p->source_version); /* same as version-release here */
        assert_string_equal(p->found_in, path);
        assert_int_equal(p->eco, LD_ECO_RPM);
        assert_non_null(p->purl);
        lines++;
    }
    assert_int_equal(lines, 2);
    assert_int_equal(l->n, lines);
    free(exp);
}

static void test_sqlite_real(void **state)
{
    (void)state;
    if (skip_reason)
        LD_SKIP_IF_MISSING("%s", skip_reason);
    size_t len;
    uint8_t *db = slurp("sqlite/rpmdb.sqlite", &len);
    const char *path = "/var/lib/rpm/rpmdb.sqlite";
    assert_true(ld_cataloger_rpm_sqlite.wants(path));
    assert_true(ld_cataloger_rpm_sqlite.wants("/usr/lib/sysimage/rpm/rpmdb.sqlite"));
    assert_false(ld_cataloger_rpm_sqlite.wants("/var/lib/rpm/Packages"));
    ld_package_list l = {0};
    ld_error err = LD_ERROR_INIT;
    assert_int_equal(ld_cataloger_rpm_sqlite.parse(path, db, len, &l, &err), 0);
    check_against_rpm(&l, path);
    const ld_package *hello = find(&l, "ldtest-hello");
    assert_string_equal(hello->purl, "pkg:rpm/ldtest-hello@1.2.3-4?arch=noarch&epoch=2");
    assert_string_equal(hello->source_name, "ldtest-hello");
    ld_package_list_clear(&l);
    free(db);
}

static void run_bdb(const char *rel)
{
    if (skip_reason)
        LD_SKIP_IF_MISSING("%s", skip_reason);
    size_t len;
    uint8_t *db = slurp(rel, &len);
    const char *path = "/var/lib/rpm/Packages";
    assert_true(ld_cataloger_rpm_bdb.wants(path));
    ld_package_list l = {0};
    ld_error err = LD_ERROR_INIT;
    int rc = ld_cataloger_rpm_bdb.parse(path, db, len, &l, &err);
    if (rc != 0)
        print_message("%s\n", err.msg);
    assert_int_equal(rc, 0);
    check_against_rpm(&l, path);
    ld_package_list_clear(&l);
    free(db);
}

static void test_bdb_real_overflow_chains(void **state)
{
    (void)state;
    run_bdb("bdb512/Packages"); /* 512-byte pages: every header spans an overflow chain */
}

static void test_bdb_real_large_pages(void **state)
{
    (void)state;
    run_bdb("bdb16k/Packages");
}

/* --- ndb built by hand from the real header blobs ----------------------- */

static void put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v, p[1] = (uint8_t)(v >> 8), p[2] = (uint8_t)(v >> 16),
    p[3] = (uint8_t)(v >> 24);
}

/* Reads the Packages blobs of the real sqlite database. */
static size_t real_blobs(uint8_t *blobs[8], size_t lens[8])
{
    char path[256];
    snprintf(path, sizeof path, "%s/sqlite/rpmdb.sqlite", fixture_dir);
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    sqlite3_stmt *st = NULL;
    assert_int_equal(
        sqlite3_prepare_v2(db, "SELECT blob FROM Packages ORDER BY hnum", -1, &st, NULL),
        SQLITE_OK);
    size_t n = 0;
    while (sqlite3_step(st) == SQLITE_ROW && n < 8) {
        lens[n] = (size_t)sqlite3_column_bytes(st, 0);
        blobs[n] = ld_xmalloc(lens[n]);
        memcpy(blobs[n], sqlite3_column_blob(st, 0), lens[n]);
        n++;
    }
    sqlite3_finalize(st);
    sqlite3_close(db);
    return n;
}

/* Lays out an ndb Packages.db as rpm's rpmpkg.c writes it: one slot page,
 * blobs from block 256 on. Returns the buffer (caller frees). */
static uint8_t *build_ndb(uint8_t *blobs[], size_t lens[], size_t n, size_t *out_len)
{
    size_t cap = 4096;
    for (size_t i = 0; i < n; i++)
        cap += (16 + lens[i] + 12 + 15) / 16 * 16;
    uint8_t *f = ld_xcalloc(1, cap);
    memcpy(f, "RpmP", 4);
    put32(f + 8, 7);  /* generation */
    put32(f + 12, 1); /* slot pages */
    put32(f + 16, (uint32_t)n + 1);
    for (size_t o = 32; o < 4096; o += 16)
        memcpy(f + o, "Slot", 4);
    size_t blk = 256;
    for (size_t i = 0; i < n; i++) {
        uint32_t cnt = (uint32_t)((16 + lens[i] + 12 + 15) / 16);
        uint8_t *s = f + 32 + 16 * i;
        put32(s + 4, (uint32_t)i + 1);
        put32(s + 8, (uint32_t)blk);
        put32(s + 12, cnt);
        uint8_t *b = f + blk * 16;
        memcpy(b, "BlbS", 4);
        put32(b + 4, (uint32_t)i + 1);
        put32(b + 8, 1700000000);
        put32(b + 12, (uint32_t)lens[i]);
        memcpy(b + 16, blobs[i], lens[i]);
        uint8_t *tail = b + cnt * 16 - 12;
        put32(tail, (uint32_t)adler32(adler32(0, Z_NULL, 0), b, cnt * 16 - 12));
        put32(tail + 4, (uint32_t)lens[i]);
        memcpy(tail + 8, "BlbE", 4);
        blk += cnt;
    }
    *out_len = blk * 16;
    return f;
}

static void test_ndb_built_from_real_blobs(void **state)
{
    (void)state;
    if (skip_reason)
        LD_SKIP_IF_MISSING("%s", skip_reason);
    uint8_t *blobs[8];
    size_t lens[8], len;
    size_t n = real_blobs(blobs, lens);
    assert_int_equal(n, 2);
    uint8_t *f = build_ndb(blobs, lens, n, &len);
    const char *path = "/usr/lib/sysimage/rpm/Packages.db";
    assert_true(ld_cataloger_rpm_ndb.wants(path));
    ld_package_list l = {0};
    ld_error err = LD_ERROR_INIT;
    assert_int_equal(ld_cataloger_rpm_ndb.parse(path, f, len, &l, &err), 0);
    check_against_rpm(&l, path);
    ld_package_list_clear(&l);

    /* hostile variants of the same file */
    uint8_t *bad = ld_xmalloc(len);
    struct {
        size_t off;
        uint8_t val;
    } flips[] = {
        {256 * 16 + 100, 0x55},    /* blob byte: adler32 mismatch */
        {32 + 8 + 2, 0x7f},        /* blkoff far past the end */
        {32 + 12 + 3, 0xff},       /* blkcnt huge */
        {12 + 2, 0x10},            /* slot pages beyond the file */
        {32, 'X'},                 /* slot magic */
        {256 * 16 + 12 + 3, 0x7f}, /* blob length huge */
        {len - 1, 'X'},            /* tail magic */
    };
    for (size_t i = 0; i < sizeof flips / sizeof *flips; i++) {
        memcpy(bad, f, len);
        bad[flips[i].off] ^= flips[i].val;
        ld_error e2 = LD_ERROR_INIT;
        assert_true(ld_cataloger_rpm_ndb.parse(path, bad, len, &l, &e2) < 0);
        assert_int_equal(l.n, 0);
        assert_non_null(strstr(e2.msg, path));
    }
    for (size_t cut = 0; cut < len; cut += 1 + cut / 3) {
        ld_error e2 = LD_ERROR_INIT;
        int rc = ld_cataloger_rpm_ndb.parse(path, f, cut, &l, &e2);
        assert_true(rc < 0);
        assert_int_equal(l.n, 0);
    }
    ld_package_list_clear(&l);
    free(bad);
    free(f);
    for (size_t i = 0; i < n; i++)
        free(blobs[i]);
}

/* --- header parser on hand-built blobs ---------------------------------- */

static void put_be32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24), p[1] = (uint8_t)(v >> 16), p[2] = (uint8_t)(v >> 8),
    p[3] = (uint8_t)v;
}

/* Header with NAME, VERSION, RELEASE strings and an INT32 EPOCH. */
static size_t make_header(uint8_t *buf, size_t cap)
{
    static const char strs[] = "pkg\0"
                               "1.0\0"
                               "3.el9\0"
                               "\0\0\0"; /* pad to 4 */
    uint32_t il = 4, dl = sizeof strs - 1 + 4;
    size_t need = 8 + 16 * il + dl;
    assert_true(need <= cap);
    memset(buf, 0, need);
    put_be32(buf, il);
    put_be32(buf + 4, dl);
    uint32_t ent[4][4] = {
        {1000, 6, 0, 1}, {1001, 6, 4, 1}, {1002, 6, 8, 1}, {1003, 4, sizeof strs - 1, 1}};
    for (int i = 0; i < 4; i++)
        for (int j = 0; j < 4; j++)
            put_be32(buf + 8 + 16 * i + 4 * j, ent[i][j]);
    memcpy(buf + 8 + 16 * il, strs, sizeof strs - 1);
    put_be32(buf + 8 + 16 * il + sizeof strs - 1, 1);
    return need;
}

static void test_header_minimal_and_hostile(void **state)
{
    (void)state;
    uint8_t h[256], bad[256];
    size_t n = make_header(h, sizeof h);
    ld_package_list l = {0};
    ld_error err = LD_ERROR_INIT;
    assert_int_equal(ld_rpm_header_parse("db", h, n, &l, &err), 0);
    assert_int_equal(l.n, 1);
    assert_string_equal(l.items[0].name, "pkg");
    assert_string_equal(l.items[0].version, "1:1.0-3.el9");
    assert_null(l.items[0].arch);
    ld_package_list_clear(&l);

    /* every truncation fails cleanly */
    for (size_t cut = 0; cut < n; cut++) {
        ld_error e = LD_ERROR_INIT;
        assert_true(ld_rpm_header_parse("db", h, cut, &l, &e) < 0);
        assert_int_equal(e.code, LD_ERR_CORRUPT);
        assert_non_null(strstr(e.msg, "db: "));
    }
    /* huge index count, huge data length, offsets out of range, no NUL, bad types */
    struct {
        size_t off;
        uint32_t val;
    } edits[] = {
        {0, 0xffffffffu},
        {0, 0x10000},
        {0, 0},
        {4, 0xfffffff0u},
        {8 + 8, 0xffffff00u},          /* NAME offset */
        {8 + 16 * 3 + 8, 0xfffffffeu}, /* EPOCH offset */
        {8 + 16 * 3 + 8, 19},          /* EPOCH straddling the end */
        {8 + 4, 4},                    /* NAME as INT32 */
        {8 + 16 + 12, 0},              /* VERSION count 0 */
        {8, 999},                      /* no NAME */
        {8 + 16, 1000},                /* NAME twice */
    };
    for (size_t i = 0; i < sizeof edits / sizeof *edits; i++) {
        memcpy(bad, h, n);
        put_be32(bad + edits[i].off, edits[i].val);
        ld_error e = LD_ERROR_INIT;
        if (ld_rpm_header_parse("db", bad, n, &l, &e) >= 0)
            fail_msg("header edit %zu accepted", i);
        assert_int_equal(l.n, 0);
    }
    /* last string not terminated inside the data area */
    memcpy(bad, h, n);
    put_be32(bad + 4, 10); /* dl ends inside "3.el9" */
    ld_error e = LD_ERROR_INIT;
    assert_true(ld_rpm_header_parse("db", bad, n, &l, &e) < 0);
    /* gpg-pubkey pseudo packages are not packages */
    memcpy(bad, h, n);
    static const char strs[] = "gpg-pubkey\0"
                               "1\0"
                               "2\0";
    put_be32(bad + 4, sizeof strs + 4);
    memcpy(bad + 8 + 64, strs, sizeof strs - 1);
    put_be32(bad + 8 + 16 + 8, 11);
    put_be32(bad + 8 + 32 + 8, 13);
    put_be32(bad + 8 + 48 + 8, 16);
    put_be32(bad + 8 + 64 + 16, 0);
    assert_int_equal(ld_rpm_header_parse("db", bad, 8 + 64 + sizeof strs + 4, &l, &e), 0);
    assert_int_equal(l.n, 0);
    ld_package_list_clear(&l);
}

/* --- sqlite hostile ----------------------------------------------------- */

/* Serialize a database made by sql into a malloc'd buffer. */
static uint8_t *make_sqlite(const char *sql, size_t *len)
{
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open(":memory:", &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
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

static void test_sqlite_hostile(void **state)
{
    (void)state;
    const char *path = "/var/lib/rpm/rpmdb.sqlite";
    ld_package_list l = {0};
    static const char *const sqls[] = {
        "CREATE TABLE other(x);",
        /* a view named Packages that never ends: views are disabled */
        "CREATE VIEW Packages AS WITH RECURSIVE c(blob) AS (SELECT 1 UNION ALL SELECT blob+1 "
        "FROM c) SELECT blob FROM c;",
        "CREATE TABLE Packages(hnum INTEGER PRIMARY KEY, blob BLOB); INSERT INTO Packages "
        "VALUES(1, 'text not blob');",
        "CREATE TABLE Packages(hnum INTEGER PRIMARY KEY, blob BLOB); INSERT INTO Packages "
        "VALUES(1, x'0000000100000010');",
        "CREATE TABLE Packages(hnum INTEGER PRIMARY KEY, blob BLOB); INSERT INTO Packages "
        "VALUES(1, zeroblob(0));",
    };
    for (size_t i = 0; i < sizeof sqls / sizeof *sqls; i++) {
        size_t len;
        uint8_t *db = make_sqlite(sqls[i], &len);
        ld_error e = LD_ERROR_INIT;
        assert_true(ld_cataloger_rpm_sqlite.parse(path, db, len, &l, &e) < 0);
        assert_non_null(strstr(e.msg, path));
        assert_int_equal(l.n, 0);
        /* and truncated / corrupted pages of it */
        for (size_t cut = 100; cut < len; cut += 509) {
            ld_error e2 = LD_ERROR_INIT;
            (void)ld_cataloger_rpm_sqlite.parse(path, db, cut, &l, &e2);
            ld_package_list_clear(&l);
        }
        free(db);
    }
    ld_error e = LD_ERROR_INIT;
    static const uint8_t junk[200] = "SQLite format 3";
    assert_true(ld_cataloger_rpm_sqlite.parse(path, junk, sizeof junk, &l, &e) < 0);
    assert_true(ld_cataloger_rpm_sqlite.parse(path, junk, 10, &l, &e) < 0);
    ld_package_list_clear(&l);
}

/* --- bdb hostile: a hand-built hash file ------------------------------- */

static void put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)v, p[1] = (uint8_t)(v >> 8);
}

/* Three 512-byte pages: meta, a hash page with one off-page item, an
 * overflow page holding a minimal header. */
static size_t make_bdb(uint8_t *f)
{
    memset(f, 0, 3 * 512);
    put32(f + 12, 0x061561);
    put32(f + 20, 512);
    f[25] = 8;
    put32(f + 32, 2);
    uint8_t *pg = f + 512;
    put32(pg + 8, 1);
    pg[25] = 13;
    put16(pg + 20, 2);
    /* key item at 507..512 (H_KEYDATA + 4 bytes), data item at 495..507 */
    put16(pg + 26, 507);
    put16(pg + 28, 495);
    pg[507] = 1;
    put32(pg + 508, 1);
    pg[495] = 3;
    put32(pg + 495 + 4, 2);
    uint8_t h[256];
    size_t n = make_header(h, sizeof h);
    put32(pg + 495 + 8, (uint32_t)n);
    uint8_t *ov = f + 1024;
    put32(ov + 8, 2);
    ov[25] = 7;
    put16(ov + 22, (uint16_t)n);
    memcpy(ov + 26, h, n);
    return 3 * 512;
}

static void test_bdb_hostile(void **state)
{
    (void)state;
    uint8_t f[3 * 512], bad[3 * 512];
    size_t len = make_bdb(f);
    const char *path = "/var/lib/rpm/Packages";
    ld_package_list l = {0};
    ld_error e = LD_ERROR_INIT;
    assert_int_equal(ld_cataloger_rpm_bdb.parse(path, f, len, &l, &e), 0);
    assert_int_equal(l.n, 1);
    assert_string_equal(l.items[0].version, "1:1.0-3.el9");
    ld_package_list_clear(&l);

    struct {
        size_t off;
        uint32_t val;
        int width;
    } edits[] = {
        {1024 + 22, 20, 2},              /* chain ends early: length mismatch */
        {512 + 495 + 4, 99, 4},          /* off-page item beyond the file */
        {512 + 495 + 8, 0xffffffffu, 4}, /* tlen huge */
        {512 + 20, 0xffff, 2},           /* entry count huge */
        {512 + 28, 600, 2},              /* item offset beyond the page */
        {512 + 28, 508, 2},              /* items overlap */
        {512 + 495, 2, 1},               /* duplicate item type */
        {512 + 495, 9, 1},               /* unknown item type */
        {20, 1000, 4},                   /* bad page size */
        {12, 0x053162, 4},               /* btree magic */
        {26, 1, 1},                      /* checksummed */
        {25, 9, 1},                      /* meta type */
    };
    for (size_t i = 0; i < sizeof edits / sizeof *edits; i++) {
        memcpy(bad, f, len);
        if (edits[i].width == 4)
            put32(bad + edits[i].off, edits[i].val);
        else if (edits[i].width == 2)
            put16(bad + edits[i].off, (uint16_t)edits[i].val);
        else
            bad[edits[i].off] = (uint8_t)edits[i].val;
        ld_error e2 = LD_ERROR_INIT;
        if (ld_cataloger_rpm_bdb.parse(path, bad, len, &l, &e2) >= 0)
            fail_msg("bdb edit %zu accepted", i);
        assert_int_equal(l.n, 0);
        assert_non_null(strstr(e2.msg, path));
    }
    /* an overflow page that points at itself: the loop is cut */
    memcpy(bad, f, len);
    put16(bad + 1024 + 22, 20);
    put32(bad + 1024 + 16, 2);
    assert_true(ld_cataloger_rpm_bdb.parse(path, bad, len, &l, &e) < 0);
    assert_non_null(strstr(e.msg, "overflow"));
    assert_int_equal(l.n, 0);
    /* a chain that continues into the hash page */
    put32(bad + 1024 + 16, 1);
    assert_true(ld_cataloger_rpm_bdb.parse(path, bad, len, &l, &e) < 0);
    assert_int_equal(l.n, 0);
    /* truncations */
    for (size_t cut = 0; cut < len; cut += 7) {
        ld_error e2 = LD_ERROR_INIT;
        int rc = ld_cataloger_rpm_bdb.parse(path, f, cut, &l, &e2);
        if (rc == 0)
            assert_true(l.n <= 1);
        ld_package_list_clear(&l);
    }
    ld_package_list_clear(&l);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sqlite_real),
        cmocka_unit_test(test_bdb_real_overflow_chains),
        cmocka_unit_test(test_bdb_real_large_pages),
        cmocka_unit_test(test_ndb_built_from_real_blobs),
        cmocka_unit_test(test_header_minimal_and_hostile),
        cmocka_unit_test(test_sqlite_hostile),
        cmocka_unit_test(test_bdb_hostile),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
