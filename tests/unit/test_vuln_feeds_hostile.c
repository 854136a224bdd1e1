/* Unit tests for hostile feeds (issue 11): an OSV zip of deflate bombs is
 * refused once it inflates past OSV_ZIP_MAX_RATIO times what was read (not
 * after the 8 GiB total), an entry whose declared size is over the record
 * limit is refused before a byte is inflated, an empty zip is detected as
 * a zip (no records, not "unknown format"); a UTF-8 BOM is accepted in
 * every text feed (OSV JSON and zip entries, Alpine secdb, Debian tracker)
 * and the ignore file; the Alpine secdb, now walked one package at a time,
 * takes its members in any order and still refuses what it refused. Zips
 * are written here with libarchive, nothing binary is committed. */
#include <archive.h>
#include <archive_entry.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "util/json_span.h"
#include "util/mem.h"
#include "vuln/db.h"
#include "vuln/db_internal.h"
#include "vuln/ignore_file.h"

#define BOM "\xEF\xBB\xBF"

/* Time bounds are multiplied by 3 under AddressSanitizer, as
 * tests/e2e/hostile.sh does. */
#if defined(__SANITIZE_ADDRESS__)
#define SLOWDOWN 3.0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SLOWDOWN 3.0
#endif
#endif
#ifndef SLOWDOWN
#define SLOWDOWN 1.0
#endif

static char tmpdir[] = "/tmp/ld-feeds-hostile-XXXXXX";

static char *tpath(const char *name)
{
    return ld_xasprintf("%s/%s", tmpdir, name);
}

static void write_file(const char *path, const char *text, size_t len)
{
    FILE *f = fopen(path, "we");
    assert_non_null(f);
    assert_int_equal(fwrite(text, 1, len, f), len);
    fclose(f);
}

static const char record[] =
    "{\"id\": \"GHSA-bomb-0000-0000\", \"affected\": [{\"package\": {\"ecosystem\": \"npm\", "
    "\"name\": \"left-pad\"}, \"ranges\": [{\"type\": \"SEMVER\", \"events\": [{\"introduced\": "
    "\"0\"}]}]}]}";

/* A zip of n entries, each the record padded with blanks to size bytes
 * (valid JSON: a feed that only a ratio check can stop early). */
static char *make_zip(const char *name, int n, size_t size, bool declare_size)
{
    char *zip = tpath(name);
    char *body = ld_xmalloc(size);
    memset(body, ' ', size);
    memcpy(body, record, strlen(record));
    struct archive *a = archive_write_new();
    archive_write_set_format_zip(a);
    archive_write_set_options(a, "zip:compression=deflate");
    assert_int_equal(archive_write_open_filename(a, zip), ARCHIVE_OK);
    for (int i = 0; i < n; i++) {
        struct archive_entry *e = archive_entry_new();
        char entry[64];
        snprintf(entry, sizeof(entry), "bomb-%04d.json", i);
        archive_entry_set_pathname(e, entry);
        archive_entry_set_filetype(e, AE_IFREG);
        archive_entry_set_perm(e, 0644);
        if (declare_size)
            archive_entry_set_size(e, (la_int64_t)size);
        assert_int_equal(archive_write_header(a, e), ARCHIVE_OK);
        assert_int_equal(archive_write_data(a, body, size), (la_ssize_t)size);
        archive_entry_free(e);
    }
    archive_write_close(a);
    archive_write_free(a);
    free(body);
    return zip;
}

static int import(const char *path, ld_feed_type t, long long *n, ld_error *err)
{
    ld_vulndb_builder *b = ld_vulndb_builder_new(NULL, false, NULL, err);
    assert_non_null(b);
    int rc = ld_vulndb_builder_import(b, path, t, NULL, n, err);
    ld_vulndb_builder_abort(b);
    return rc;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void test_zip_bombs(void **state)
{
    (void)state;
    /* 40 entries of 4,000,000 bytes: 160 MB from a few hundred KB */
    char *zip = make_zip("bombs.zip", 40, 4000000, true);
    struct stat st;
    assert_int_equal(stat(zip, &st), 0);
    assert_true(st.st_size < 2 << 20);
    long long n = 0;
    ld_error err = LD_ERROR_INIT;
    double t0 = now_s();
    assert_int_equal(import(zip, LD_FEED_AUTO, &n, &err), LD_ERR_LIMIT);
    double took = now_s() - t0;
    if (!strstr(err.msg, "decompression bomb") || !strstr(err.msg, "bombs.zip"))
        fail_msg("message: %s", err.msg);
    if (took > 5.0 * SLOWDOWN)
        fail_msg("the bombs took %.1f s to refuse", took);
    free(zip);

    /* the same entries, few enough to stay under the allowance: imported */
    zip = make_zip("few.zip", 3, 4000000, true);
    assert_int_equal(import(zip, LD_FEED_AUTO, &n, &err), 0);
    assert_int_equal(n, 1); /* one id, repeated: the first record wins */
    free(zip);

    /* declared over the record limit: refused before inflating */
    zip = make_zip("big.zip", 1, (4u << 20) + 100, true);
    assert_int_equal(import(zip, LD_FEED_AUTO, &n, &err), LD_ERR_LIMIT);
    if (!strstr(err.msg, "more than the record limit"))
        fail_msg("message: %s", err.msg);
    free(zip);
}

static void test_empty_zip(void **state)
{
    (void)state;
    char *zip = tpath("empty.zip");
    struct archive *a = archive_write_new();
    archive_write_set_format_zip(a);
    assert_int_equal(archive_write_open_filename(a, zip), ARCHIVE_OK);
    archive_write_close(a);
    archive_write_free(a);
    ld_feed_type t = LD_FEED_AUTO;
    ld_error err = LD_ERROR_INIT;
    assert_int_equal(ld_feed_detect(zip, &t, &err), 0);
    assert_int_equal(t, LD_FEED_OSV_ZIP);
    long long n = -1;
    assert_int_equal(import(zip, LD_FEED_AUTO, &n, &err), 0);
    assert_int_equal(n, 0); /* ld_db_import turns this into "no advisories found" */
    free(zip);
}

static void test_bom_everywhere(void **state)
{
    (void)state;
    static const struct {
        const char *name, *text;
        ld_feed_type want;
    } feeds[] = {
        {"osv.json", BOM "{\"id\": \"GHSA-aaaa-bbbb-cccc\"}", LD_FEED_OSV_JSON},
        {"osv-array.json", BOM " [{\"id\": \"GHSA-aaaa-bbbb-cccc\"}]", LD_FEED_OSV_JSON},
        {"alpine.json",
         BOM "{\"distroversion\": \"v3.19\", \"packages\": [{\"pkg\": {\"name\": \"zlib\", "
             "\"secfixes\": {\"1.3-r1\": [\"CVE-2023-1\"]}}}]}",
         LD_FEED_ALPINE},
        {"debian.json",
         BOM "{\"zlib\": {\"CVE-2023-1\": {\"releases\": {\"bookworm\": {\"status\": "
             "\"resolved\", \"fixed_version\": \"1:1.2.13\"}}}}}",
         LD_FEED_DEBIAN},
    };
    for (size_t i = 0; i < sizeof(feeds) / sizeof(feeds[0]); i++) {
        char *p = tpath(feeds[i].name);
        write_file(p, feeds[i].text, strlen(feeds[i].text));
        ld_feed_type t = LD_FEED_AUTO;
        ld_error err = LD_ERROR_INIT;
        if (ld_feed_detect(p, &t, &err) != 0 || t != feeds[i].want)
            fail_msg("%s: detected %s (%s)", feeds[i].name, ld_feed_type_name(t), err.msg);
        long long n = 0;
        if (import(p, LD_FEED_AUTO, &n, &err) != 0 || n != 1)
            fail_msg("%s: %lld records: %s", feeds[i].name, n, err.msg);
        free(p);
    }
    /* a zip entry with a BOM */
    char *zip = tpath("bom.zip");
    struct archive *a = archive_write_new();
    archive_write_set_format_zip(a);
    assert_int_equal(archive_write_open_filename(a, zip), ARCHIVE_OK);
    struct archive_entry *e = archive_entry_new();
    archive_entry_set_pathname(e, "GHSA-aaaa-bbbb-cccc.json");
    archive_entry_set_filetype(e, AE_IFREG);
    archive_entry_set_perm(e, 0644);
    const char *rec = BOM "{\"id\": \"GHSA-aaaa-bbbb-cccc\"}";
    archive_entry_set_size(e, (la_int64_t)strlen(rec));
    archive_write_header(a, e);
    archive_write_data(a, rec, strlen(rec));
    archive_entry_free(e);
    archive_write_close(a);
    archive_write_free(a);
    long long n = 0;
    ld_error err = LD_ERROR_INIT;
    assert_int_equal(import(zip, LD_FEED_AUTO, &n, &err), 0);
    assert_int_equal(n, 1);
    free(zip);
    /* the ignore file */
    const char *ig = BOM "CVE-2023-1 exp:2030-01-31\r\nGHSA-x\n";
    ld_ignore_list l;
    assert_int_equal(ld_ignore_parse(".trivyignore", ig, strlen(ig), &l, &err), 0);
    assert_int_equal(l.n, 2);
    assert_non_null(ld_ignore_find(&l, "CVE-2023-1"));
    ld_ignore_clear(&l);
    /* a BOM is skipped once, at the start only */
    const char *twice = BOM BOM "CVE-2023-1\n";
    assert_true(ld_ignore_parse("i", twice, strlen(twice), &l, &err) < 0);
}

static void alpine_is(const char *text, int code, long long records, const char *needle)
{
    ld_vulndb_builder *b = ld_vulndb_builder_new(NULL, false, NULL, NULL);
    assert_non_null(b);
    ld_error err = LD_ERROR_INIT;
    assert_int_equal(ldb_import_begin(b, &err), 0);
    long long n = 0;
    int rc = ld_import_alpine_buffer(b, text, strlen(text), "secdb.json", NULL, &n, &err);
    if (rc != code || (code == 0 && n != records) || (needle && !strstr(err.msg, needle)))
        fail_msg("%s: rc %d (want %d), %lld records: %s", text, rc, code, n, err.msg);
    ldb_import_rollback(b);
    ld_vulndb_builder_abort(b);
}

static void test_alpine_streamed(void **state)
{
    (void)state;
    /* members in any order, unknown ones skipped unparsed */
    alpine_is("{\"packages\": [{\"pkg\": {\"name\": \"a\", \"secfixes\": {\"1-r0\": [\"CVE-1 "
              "CVE-2\"]}}}, {\"pkg\": {\"name\": \"b\"}}], \"archs\": [\"x86_64\"], "
              "\"urlprefix\": \"https://x\", \"distroversion\": \"v3.19\", \"reponame\": "
              "\"main\"}",
              0, 2, NULL);
    alpine_is("{\"distroversion\": \"v3.19\", \"packages\": []}", 0, 0, NULL);
    alpine_is("{\"distroversion\": \"v3.19\", \"packages\": {}}", LD_ERR_CORRUPT, 0,
              "not an Alpine secdb");
    alpine_is("{\"distroversion\": \"v3.19\"}", LD_ERR_CORRUPT, 0, "not an Alpine secdb");
    alpine_is("{\"packages\": []}", LD_ERR_CORRUPT, 0, "not an Alpine secdb");
    alpine_is("{\"distroversion\": 3, \"packages\": []}", LD_ERR_CORRUPT, 0, "not an Alpine");
    alpine_is("[]", LD_ERR_CORRUPT, 0, "not an Alpine secdb");
    alpine_is("", LD_ERR_CORRUPT, 0, "not an Alpine secdb");
    alpine_is("{\"distroversion\": \"v3.19\", \"packages\": []} x", LD_ERR_CORRUPT, 0,
              "trailing data");
    alpine_is("{\"distroversion\": \"v3.19\", \"packages\": [], \"packages\": []}", LD_ERR_CORRUPT,
              0, "given twice");
    alpine_is("{\"distroversion\": \"v3.19\", \"packages\": [{\"pkg\": {\"name\": \"a\"}},]}",
              LD_ERR_CORRUPT, 0, "packages[1]");
    alpine_is("{\"distroversion\": \"v3.19\", \"packages\": [{\"pkg\": {\"name\": \"a\", "
              "\"secfixes\": {\"1\": [\"CVE-1\"]}}} {\"pkg\": {}}]}",
              LD_ERR_CORRUPT, 0, "packages[1]");
    alpine_is("{\"distroversion\": \"v3.19\", \"packages\": [{\"pkg\": {\"name\": \"\\xff\"}}]}",
              LD_ERR_CORRUPT, 0, "packages[0]: invalid JSON");
    alpine_is("{\"distroversion\": \"v3.19\", \"packages\": [{\"pkg\": {\"name\": \"a\", "
              "\"secfixes\": [1]}}]}",
              LD_ERR_CORRUPT, 0, "secfixes is not an object");
    alpine_is("{\"distroversion\": \"v3.19\", \"packages\": [{\"pkg\": {\"name\": \"a\", "
              "\"secfixes\": {\"1\": [\"CVE-1\"]}}}",
              LD_ERR_CORRUPT, 0, "malformed");
    alpine_is("{\"distroversion\": \"v3.19\" \"packages\": []}", LD_ERR_CORRUPT, 0, "malformed");
}

static void test_json_span(void **state)
{
    (void)state;
    const char *doc = " {\"a\": [1, {\"x\": \"]}\\\"\"}], \"b\" : true , \"c\": -1.5e3, \"d\": "
                      "\"s\"} ";
    size_t len = strlen(doc), k, ke, v, ve;
    ld_json_walk w;
    assert_true(ld_json_walk_begin(&w, doc, len, ld_json_skip_ws(doc, len, 0)));
    static const char *const values[] = {"[1, {\"x\": \"]}\\\"\"}]", "true", "-1.5e3", "\"s\""};
    for (int i = 0; i < 4; i++) {
        assert_int_equal(ld_json_walk_next(&w, &k, &ke, &v, &ve), 1);
        assert_int_equal(ke - k, 3);
        assert_int_equal(ve - v, strlen(values[i]));
        assert_memory_equal(doc + v, values[i], ve - v);
    }
    assert_int_equal(ld_json_walk_next(&w, &k, &ke, &v, &ve), 0);
    assert_int_equal(ld_json_skip_ws(doc, len, w.pos), len);
    /* arrays; unbalanced and unterminated input */
    const char *arr = "[[1],[2,[3]]]";
    assert_true(ld_json_walk_begin(&w, arr, strlen(arr), 0));
    assert_int_equal(ld_json_walk_next(&w, &k, &ke, &v, &ve), 1);
    assert_int_equal(k, 0);
    assert_int_equal(ld_json_walk_next(&w, &k, &ke, &v, &ve), 1);
    assert_int_equal(ve - v, 7);
    assert_int_equal(ld_json_walk_next(&w, &k, &ke, &v, &ve), 0);
    assert_int_equal(ld_json_value_end("[1,[2]", 6, 0), 0);
    assert_int_equal(ld_json_value_end("\"abc", 4, 0), 0);
    assert_int_equal(ld_json_value_end("]", 1, 0), 0);
    assert_int_equal(ld_json_value_end("{\"a\":\"}\"}", 9, 0), 9);
    assert_false(ld_json_walk_begin(&w, "x", 1, 0));
}

static int setup(void **state)
{
    (void)state;
    return mkdtemp(tmpdir) ? 0 : -1;
}

static void remove_all(void)
{
    static const char *const names[] = {"bombs.zip",   "few.zip",     "big.zip",
                                        "empty.zip",   "osv.json",    "osv-array.json",
                                        "alpine.json", "debian.json", "bom.zip"};
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        char *p = tpath(names[i]);
        unlink(p);
        free(p);
    }
    rmdir(tmpdir);
}

static int teardown(void **state)
{
    (void)state;
    remove_all();
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_zip_bombs),      cmocka_unit_test(test_empty_zip),
        cmocka_unit_test(test_bom_everywhere), cmocka_unit_test(test_alpine_streamed),
        cmocka_unit_test(test_json_span),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
