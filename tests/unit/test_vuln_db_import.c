/* Unit tests for the vulnerability database (src/vuln/db*.c, import_*.c):
 * the fixture feeds of tests/fixtures/feeds (real advisories) imported and
 * read back through ld_vulndb_lookup(); source replacement; atomic replace
 * (a builder killed before commit, a failed import: old database intact);
 * hostile feeds (errors naming file and record); feed detection; paths. */
#include <archive.h>
#include <archive_entry.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "util/mem.h"
#include "vuln/db.h"
#include "vuln/db_internal.h"

#define FEEDS LD_SOURCE_DIR "/tests/fixtures/feeds"

static char tmpdir[256];

static int setup(void **state)
{
    (void)state;
    snprintf(tmpdir, sizeof(tmpdir), "/tmp/ld-test-vulndb-XXXXXX");
    assert_non_null(mkdtemp(tmpdir));
    return 0;
}

static int rm_rf(const char *dir)
{
    char *cmd[] = {"rm", "-rf", (char *)dir, NULL};
    pid_t p = fork();
    if (p == 0) {
        execvp("rm", cmd);
        _exit(127);
    }
    int st = 0;
    waitpid(p, &st, 0);
    return st;
}

static int teardown(void **state)
{
    (void)state;
    rm_rf(tmpdir);
    return 0;
}

static char *tpath(const char *name)
{
    return ld_xasprintf("%s/%s", tmpdir, name);
}

/* Writes the OSV npm fixture records into a zip (as all.zip is built). */
static char *make_npm_zip(void)
{
    char *zip = tpath("npm-all.zip");
    static const char *const ids[] = {"GHSA-35jh-r3h4-6jhm", "GHSA-29mw-wpgm-hmr9",
                                      "GHSA-p6mc-m468-83gw"};
    struct archive *a = archive_write_new();
    archive_write_set_format_zip(a);
    assert_int_equal(archive_write_open_filename(a, zip), ARCHIVE_OK);
    for (size_t i = 0; i < 3; i++) {
        char *src = ld_xasprintf(FEEDS "/osv-npm/%s.json", ids[i]);
        char *buf = NULL;
        size_t len = 0;
        ld_error err = LD_ERROR_INIT;
        assert_int_equal(ldb_read_file(src, 1 << 20, &buf, &len, &err), 0);
        struct archive_entry *e = archive_entry_new();
        char *name = ld_xasprintf("%s.json", ids[i]);
        archive_entry_set_pathname(e, name);
        archive_entry_set_filetype(e, AE_IFREG);
        archive_entry_set_perm(e, 0644);
        archive_entry_set_size(e, (la_int64_t)len);
        archive_write_header(a, e);
        archive_write_data(a, buf, len);
        archive_entry_free(e);
        free(name);
        free(buf);
        free(src);
    }
    archive_write_close(a);
    archive_write_free(a);
    return zip;
}

static void build_fixture_db(const char *db)
{
    ld_error err = LD_ERROR_INIT;
    ld_vulndb_builder *b = ld_vulndb_builder_new(db, false, NULL, &err);
    assert_non_null(b);
    char *zip = make_npm_zip();
    long long n = -1;
    if (ld_vulndb_builder_import(b, zip, LD_FEED_AUTO, NULL, &n, &err) != 0)
        fail_msg("%s", err.msg);
    assert_int_equal(n, 3);
    assert_int_equal(
        ld_vulndb_builder_import(b, FEEDS "/debian/tracker.json", LD_FEED_AUTO, NULL, &n, &err), 0);
    assert_int_equal(n, 7);
    assert_int_equal(
        ld_vulndb_builder_import(b, FEEDS "/alpine/v3.19-main.json", LD_FEED_AUTO, NULL, &n, &err),
        0);
    assert_int_equal(n, 9);
    assert_int_equal(ld_vulndb_builder_commit(b, &err), 0);
    free(zip);
}

typedef struct {
    int n;
    char ids[16][64];
    ld_vuln_affected copy[16]; /* scalar fields only */
    char fixed[16][64];
    char alias0[16][64];
    size_t n_refs[16];
    char status[16][32];
} collect;

static int collect_cb(const ld_vuln_affected *a, void *ctx)
{
    collect *c = ctx;
    if (c->n >= 16)
        return 1;
    int i = c->n++;
    snprintf(c->ids[i], sizeof(c->ids[i]), "%s", a->id);
    c->copy[i] = *a;
    c->fixed[i][0] = '\0';
    for (size_t r = 0; r < a->n_ranges; r++)
        for (size_t e = 0; e < a->ranges[r].n_events; e++)
            if (a->ranges[r].events[e].kind == LD_EVENT_FIXED)
                snprintf(c->fixed[i], sizeof(c->fixed[i]), "%s", a->ranges[r].events[e].version);
    snprintf(c->alias0[i], sizeof(c->alias0[i]), "%s", a->n_aliases ? a->aliases[0] : "");
    c->n_refs[i] = a->n_refs;
    snprintf(c->status[i], sizeof(c->status[i]), "%s", ld_fix_status_name(a->fix_status));
    return 0;
}

static int find(const collect *c, const char *id)
{
    for (int i = 0; i < c->n; i++)
        if (strcmp(c->ids[i], id) == 0)
            return i;
    return -1;
}

static void test_import_and_lookup(void **state)
{
    (void)state;
    char *path = tpath("fixtures.db");
    build_fixture_db(path);
    ld_error err = LD_ERROR_INIT;
    ld_vulndb *db = ld_vulndb_open(path, &err);
    assert_non_null(db);
    time_t built = 0;
    assert_int_equal(ld_vulndb_built_at(db, &built), 0);
    assert_true(built > 1700000000);

    /* npm lodash: three GHSA, ordered by id; CVSS computed from the vector */
    collect c = {0};
    assert_int_equal(ld_vulndb_lookup(db, "npm", "lodash", collect_cb, &c, &err), 0);
    assert_int_equal(c.n, 3);
    assert_string_equal(c.ids[0], "GHSA-29mw-wpgm-hmr9");
    int i = find(&c, "GHSA-35jh-r3h4-6jhm");
    assert_true(i >= 0);
    assert_string_equal(c.fixed[i], "4.17.21");
    assert_string_equal(c.alias0[i], "CVE-2021-23337");
    assert_true(c.copy[i].cvss3_score > 7.19 && c.copy[i].cvss3_score < 7.21);
    assert_string_equal(c.status[i], "fixed");
    assert_int_equal(c.n_refs[i], 4);
    i = find(&c, "GHSA-p6mc-m468-83gw");
    assert_string_equal(c.fixed[i], "4.17.19");

    /* Debian by source package and release */
    memset(&c, 0, sizeof(c));
    assert_int_equal(ld_vulndb_lookup(db, "Debian:12", "glibc", collect_cb, &c, &err), 0);
    assert_int_equal(c.n, 2);
    i = find(&c, "CVE-2023-4911");
    assert_string_equal(c.fixed[i], "2.36-9+deb12u3");
    assert_string_equal(c.status[i], "fixed");
    assert_int_equal(c.n_refs[i], 2); /* tracker + bug */
    i = find(&c, "CVE-2010-4756");
    assert_string_equal(c.status[i], "unimportant");
    assert_string_equal(c.fixed[i], "");

    memset(&c, 0, sizeof(c));
    assert_int_equal(ld_vulndb_lookup(db, "Debian:11", "glibc", collect_cb, &c, &err), 0);
    assert_int_equal(c.n, 1);
    assert_string_equal(c.fixed[0], "2.31-13+deb11u7");

    memset(&c, 0, sizeof(c));
    assert_int_equal(ld_vulndb_lookup(db, "Debian:12", "zlib", collect_cb, &c, &err), 0);
    assert_int_equal(c.n, 1);
    assert_string_equal(c.status[0], "will-not-fix");
    memset(&c, 0, sizeof(c));
    assert_int_equal(ld_vulndb_lookup(db, "Debian:unstable", "zlib", collect_cb, &c, &err), 0);
    assert_string_equal(c.fixed[0], "1:1.3.dfsg+really1.3.1-1");
    memset(&c, 0, sizeof(c));
    assert_int_equal(ld_vulndb_lookup(db, "Debian:12", "systemd", collect_cb, &c, &err), 0);
    assert_string_equal(c.status[0], "not-fixed");

    /* binary package names are not keys */
    memset(&c, 0, sizeof(c));
    assert_int_equal(ld_vulndb_lookup(db, "Debian:12", "libc6", collect_cb, &c, &err), 0);
    assert_int_equal(c.n, 0);

    /* Alpine */
    memset(&c, 0, sizeof(c));
    assert_int_equal(ld_vulndb_lookup(db, "Alpine:v3.19", "openssl", collect_cb, &c, &err), 0);
    assert_int_equal(c.n, 4);
    i = find(&c, "CVE-2023-5678");
    assert_string_equal(c.fixed[i], "3.1.4-r1");
    memset(&c, 0, sizeof(c));
    assert_int_equal(ld_vulndb_lookup(db, "Alpine:v3.18", "openssl", collect_cb, &c, &err), 0);
    assert_int_equal(c.n, 0);

    /* callback stop value is returned */
    memset(&c, 0, sizeof(c));
    c.n = 16;
    assert_int_equal(ld_vulndb_lookup(db, "npm", "lodash", collect_cb, &c, &err), 1);

    ld_vulndb_source *src = NULL;
    size_t n = 0;
    assert_int_equal(ld_vulndb_sources(db, &src, &n, &err), 0);
    assert_int_equal(n, 3);
    assert_string_equal(src[0].name, "alpine-v3.19-main");
    assert_string_equal(src[1].name, "debian-tracker");
    assert_string_equal(src[2].name, "osv-npm");
    assert_int_equal(src[2].records, 3);
    ld_vulndb_sources_free(src, n);
    ld_vulndb_close(db);
    free(path);
}

static int count_cb(const ld_vuln_affected *a, void *ctx)
{
    (void)a;
    (*(int *)ctx)++;
    return 0;
}

static int lookup_count(const char *path, const char *eco, const char *pkg)
{
    ld_error err = LD_ERROR_INIT;
    ld_vulndb *db = ld_vulndb_open(path, &err);
    if (!db)
        fail_msg("%s", err.msg);
    int n = 0;
    assert_int_equal(ld_vulndb_lookup(db, eco, pkg, count_cb, &n, &err), 0);
    ld_vulndb_close(db);
    return n;
}

static void test_keep_and_replace_sources(void **state)
{
    (void)state;
    char *path = tpath("keep.db");
    build_fixture_db(path);
    ld_error err = LD_ERROR_INIT;
    /* re-import Debian under the same name with keep_existing: npm stays,
     * Debian rows are not duplicated */
    ld_vulndb_builder *b = ld_vulndb_builder_new(path, true, NULL, &err);
    assert_non_null(b);
    long long n;
    assert_int_equal(
        ld_vulndb_builder_import(b, FEEDS "/debian/tracker.json", LD_FEED_DEBIAN, NULL, &n, &err),
        0);
    char *etag = NULL, *lm = NULL;
    assert_int_equal(ld_vulndb_builder_source_info(b, "osv-npm", &etag, &lm, &err), 0);
    assert_null(etag);
    assert_int_equal(ld_vulndb_builder_source_info(b, "nope", &etag, &lm, &err), LD_ERR_NOT_FOUND);
    assert_int_equal(ld_vulndb_builder_touch_source(b, "osv-npm", 12345, &err), 0);
    assert_int_equal(ld_vulndb_builder_commit(b, &err), 0);
    assert_int_equal(lookup_count(path, "npm", "lodash"), 3);
    assert_int_equal(lookup_count(path, "Debian:12", "glibc"), 2);

    /* --replace: only what is imported now */
    b = ld_vulndb_builder_new(path, false, NULL, &err);
    assert_non_null(b);
    assert_int_equal(ld_vulndb_builder_import(b, FEEDS "/osv-npm", LD_FEED_AUTO, NULL, &n, &err),
                     0);
    assert_int_equal(n, 3);
    assert_int_equal(ld_vulndb_builder_commit(b, &err), 0);
    assert_int_equal(lookup_count(path, "Debian:12", "glibc"), 0);
    assert_int_equal(lookup_count(path, "npm", "lodash-es"), 1);
    free(path);
}

static void write_file(const char *path, const char *s)
{
    FILE *f = fopen(path, "we");
    assert_non_null(f);
    fputs(s, f);
    fclose(f);
}

static void test_atomic_replace(void **state)
{
    (void)state;
    char *path = tpath("atomic.db");
    build_fixture_db(path);
    struct stat before;
    assert_int_equal(stat(path, &before), 0);

    /* a process killed in the middle of a build leaves the old file */
    pid_t p = fork();
    assert_true(p >= 0);
    if (p == 0) {
        ld_error e = LD_ERROR_INIT;
        ld_vulndb_builder *b = ld_vulndb_builder_new(path, false, NULL, &e);
        long long n;
        if (b)
            ld_vulndb_builder_import(b, FEEDS "/osv-npm", LD_FEED_AUTO, NULL, &n, &e);
        raise(SIGKILL);
        _exit(1);
    }
    int st = 0;
    waitpid(p, &st, 0);
    assert_true(WIFSIGNALED(st));
    assert_int_equal(lookup_count(path, "Debian:12", "glibc"), 2);

    /* a hostile feed in the middle of an import: error naming the file and
     * record; the builder is aborted, the old database intact */
    char *bad = tpath("bad.json");
    write_file(bad, "{\"id\": \"GHSA-xxxx-yyyy-zzzz\", \"affected\": [{\"package\": "
                    "{\"ecosystem\": \"npm\", \"name\": \"x\"}, \"ranges\": [{\"type\": "
                    "\"ECOSYSTEM\", \"events\": [{\"introduced\": 7}]}]}]}");
    ld_error err = LD_ERROR_INIT;
    ld_vulndb_builder *b = ld_vulndb_builder_new(path, false, NULL, &err);
    assert_non_null(b);
    long long n;
    assert_int_equal(ld_vulndb_builder_import(b, FEEDS "/osv-npm", LD_FEED_AUTO, NULL, &n, &err),
                     0);
    assert_int_equal(ld_vulndb_builder_import(b, bad, LD_FEED_AUTO, NULL, &n, &err),
                     LD_ERR_CORRUPT);
    assert_non_null(strstr(err.msg, "bad.json"));
    assert_non_null(strstr(err.msg, "GHSA-xxxx-yyyy-zzzz"));
    ld_vulndb_builder_abort(b);
    assert_int_equal(lookup_count(path, "Debian:12", "glibc"), 2);
    assert_int_equal(lookup_count(path, "npm", "lodash"), 3);
    free(bad);
    free(path);
}

static void expect_import_error(const char *name, const char *content, ld_feed_type t, int code,
                                const char *needle)
{
    char *f = tpath(name);
    write_file(f, content);
    ld_error err = LD_ERROR_INIT;
    ld_vulndb_builder *b = ld_vulndb_builder_new(NULL, false, NULL, &err);
    assert_non_null(b);
    long long n;
    int rc = ld_vulndb_builder_import(b, f, t, NULL, &n, &err);
    if (rc != code || (needle && !strstr(err.msg, needle)))
        fail_msg("%s: rc %d (want %d): %s", name, rc, code, err.msg);
    ld_vulndb_builder_abort(b);
    free(f);
}

static void test_hostile_feeds(void **state)
{
    (void)state;
    expect_import_error("trunc.json", "{\"id\": \"GHSA-1\", \"affected\": [", LD_FEED_OSV_JSON,
                        LD_ERR_CORRUPT, "trunc.json");
    expect_import_error("noid.json", "{\"summary\": \"x\"}", LD_FEED_OSV_JSON, LD_ERR_CORRUPT,
                        "missing or invalid \"id\"");
    expect_import_error("ranges.json",
                        "{\"id\": \"OSV-1\", \"affected\": [{\"package\": "
                        "{\"ecosystem\": \"PyPI\", \"name\": \"x\"}, \"ranges\": 5}]}",
                        LD_FEED_OSV_JSON, LD_ERR_CORRUPT, "OSV-1");
    expect_import_error("deb.json", "{\"glibc\": {\"CVE-1\": {\"releases\": {\"bookworm\": 7}}}}",
                        LD_FEED_DEBIAN, LD_ERR_CORRUPT, "glibc");
    expect_import_error("deb2.json", "[1,2]", LD_FEED_DEBIAN, LD_ERR_CORRUPT, "deb2.json");
    expect_import_error("deb3.json", "{\"a\": {}} x", LD_FEED_DEBIAN, LD_ERR_CORRUPT,
                        "trailing data");
    expect_import_error("deb4.json", "{\"zlib\": 5}", LD_FEED_DEBIAN, LD_ERR_CORRUPT,
                        "package zlib: not an object");
    expect_import_error("deb5.json", "{\"zlib\": {\"CVE-1\": {\"releases\": {}}", LD_FEED_DEBIAN,
                        LD_ERR_CORRUPT, "zlib");
    expect_import_error("deb6.json", "{\"zlib\" {}}", LD_FEED_DEBIAN, LD_ERR_CORRUPT,
                        "expected ':'");
    expect_import_error("deb7.json", " { } ", LD_FEED_DEBIAN, 0, NULL);
    expect_import_error("alp.json", "{\"distroversion\": \"v3.19\", \"packages\": [{\"pkg\": {}}]}",
                        LD_FEED_ALPINE, LD_ERR_CORRUPT, "packages[0]");
    expect_import_error("alp2.json", "{\"distroversion\": \"../../x\", \"packages\": []}",
                        LD_FEED_ALPINE, LD_ERR_CORRUPT, "alp2.json");
    expect_import_error("notzip.zip", "PK\003\004garbage", LD_FEED_AUTO, LD_ERR_CORRUPT,
                        "notzip.zip");
    expect_import_error("unknown.txt", "hello", LD_FEED_AUTO, LD_ERR_UNSUPPORTED, "unknown.txt");

    /* record size cap */
    ld_vulndb_limits lim;
    ld_vulndb_limits_default(&lim);
    lim.max_record_bytes = 64;
    ld_error err = LD_ERROR_INIT;
    ld_vulndb_builder *b = ld_vulndb_builder_new(NULL, false, &lim, &err);
    long long n;
    assert_int_equal(ld_vulndb_builder_import(b, FEEDS "/osv-npm", LD_FEED_AUTO, NULL, &n, &err),
                     LD_ERR_LIMIT);
    assert_non_null(strstr(err.msg, "GHSA-"));
    ld_vulndb_builder_abort(b);

    /* a truncated zip is an error, not a shorter feed */
    char *zip = make_npm_zip();
    char *buf = NULL;
    size_t len = 0;
    assert_int_equal(ldb_read_file(zip, 1 << 20, &buf, &len, &err), 0);
    char *cut = tpath("cut.zip");
    FILE *f = fopen(cut, "we");
    fwrite(buf, 1, len - 30, f);
    fclose(f);
    b = ld_vulndb_builder_new(NULL, false, NULL, &err);
    assert_true(ld_vulndb_builder_import(b, cut, LD_FEED_OSV_ZIP, NULL, &n, &err) < 0);
    assert_non_null(strstr(err.msg, "cut.zip"));
    ld_vulndb_builder_abort(b);
    free(buf);
    free(cut);
    free(zip);
}

static void test_alpine_zero_and_pypi(void **state)
{
    (void)state;
    char *path = tpath("misc.db");
    char *alp = tpath("alpine.json");
    /* "0" = never affected: not stored; several ids in one entry */
    write_file(alp, "{\"distroversion\": \"v3.19\", \"reponame\": \"community\", \"packages\": "
                    "[{\"pkg\": {\"name\": \"foo\", \"secfixes\": {\"0\": [\"CVE-2020-1\"], "
                    "\"1.0-r1\": [\"CVE-2020-2 CVE-2020-3\"]}}}]}");
    char *py = tpath("py.json");
    write_file(py, "[{\"id\": \"PYSEC-1\", \"affected\": [{\"package\": {\"ecosystem\": \"PyPI\","
                   " \"name\": \"Foo_Bar.baz\"}, \"versions\": [\"1.0\", \"1.1\"]}]}]");
    ld_error err = LD_ERROR_INIT;
    ld_vulndb_builder *b = ld_vulndb_builder_new(path, false, NULL, &err);
    long long n;
    assert_int_equal(ld_vulndb_builder_import(b, alp, LD_FEED_AUTO, NULL, &n, &err), 0);
    assert_int_equal(n, 2);
    assert_int_equal(ld_vulndb_builder_import(b, py, LD_FEED_AUTO, NULL, &n, &err), 0);
    assert_int_equal(n, 1);
    assert_int_equal(ld_vulndb_builder_commit(b, &err), 0);
    assert_int_equal(lookup_count(path, "Alpine:v3.19", "foo"), 2);
    assert_int_equal(lookup_count(path, "PyPI", "foo-bar-baz"), 1);
    assert_int_equal(lookup_count(path, "PyPI", "FOO.bar_baz"), 1);
    free(alp);
    free(py);
    free(path);
}

static void test_open_errors_and_paths(void **state)
{
    (void)state;
    char *path = tpath("absent.db");
    ld_error err = LD_ERROR_INIT;
    assert_null(ld_vulndb_open(path, &err));
    assert_int_equal(err.code, LD_ERR_NOT_FOUND);
    assert_non_null(strstr(err.msg, "run 'lockdown db update'"));
    assert_non_null(strstr(err.msg, path));
    char *junk = tpath("junk.db");
    write_file(junk, "not sqlite at all, definitely not");
    assert_null(ld_vulndb_open(junk, &err));
    assert_true(err.code == LD_ERR_CORRUPT || err.code == LD_ERR_UNSUPPORTED);

    /* the default path's rules: tests/unit/test_vuln_db_update.c */
    ld_feed_type t;
    assert_int_equal(ld_feed_detect(FEEDS "/debian/tracker.json", &t, &err), 0);
    assert_int_equal(t, LD_FEED_DEBIAN);
    assert_int_equal(ld_feed_detect(FEEDS "/alpine/v3.19-main.json", &t, &err), 0);
    assert_int_equal(t, LD_FEED_ALPINE);
    assert_int_equal(ld_feed_detect(FEEDS "/osv-npm/GHSA-35jh-r3h4-6jhm.json", &t, &err), 0);
    assert_int_equal(t, LD_FEED_OSV_JSON);
    assert_int_equal(ld_feed_detect(FEEDS "/osv-npm", &t, &err), 0);
    assert_int_equal(t, LD_FEED_OSV_DIR);
    ld_fix_status fs;
    assert_int_equal(ld_fix_status_parse("will-not-fix", &fs), 0);
    assert_int_equal(fs, LD_FIX_WILL_NOT_FIX);
    assert_string_equal(ld_fix_status_name(LD_FIX_END_OF_LIFE), "end-of-life");
    free(junk);
    free(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_import_and_lookup),
        cmocka_unit_test(test_keep_and_replace_sources),
        cmocka_unit_test(test_atomic_replace),
        cmocka_unit_test(test_hostile_feeds),
        cmocka_unit_test(test_alpine_zero_and_pypi),
        cmocka_unit_test(test_open_errors_and_paths),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
