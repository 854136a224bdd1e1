/* Unit tests for credentials out of stored and shown URLs
 * (util/url_redact.c) and for the HTTP header value check that keeps a
 * server's ETag from injecting a header (vuln/fetch.c), and that a
 * database keeps neither: the sources table of a built database holds the
 * URL without credentials, no invalid validator, and validators are handed
 * back only for the URL that sent them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "util/mem.h"
#include "util/url_redact.h"
#include "vuln/db.h"
#include "vuln/fetch.h"

static void assert_redacted(const char *in, const char *want)
{
    char *got = ld_url_redact(in);
    assert_string_equal(got, want);
    assert_int_equal(ld_url_has_secrets(in), strcmp(in, want) != 0);
    free(got);
}

static void test_userinfo_removed(void **state)
{
    (void)state;
    assert_redacted("https://user:pass@feeds.example/all.zip", "https://feeds.example/all.zip");
    assert_redacted("https://tok@feeds.example:8443/a", "https://feeds.example:8443/a");
    /* an '@' in the password: up to the last '@' of the authority */
    assert_redacted("https://u:p@ss@host/x", "https://host/x");
    assert_redacted("https://u:p@host", "https://host");
    assert_redacted("https://u:p@host?x=1", "https://host?x=1");
    /* a NAME=URL source entry */
    assert_redacted("osv=https://u:p@host/x.zip", "osv=https://host/x.zip");
    /* an '@' in the path or the query is not userinfo */
    assert_redacted("https://registry.example/@scope/pkg", "https://registry.example/@scope/pkg");
    assert_redacted("https://host/x?mail=a@b", "https://host/x?mail=a@b");
}

static void test_secret_query_values_masked(void **state)
{
    (void)state;
    assert_redacted("https://host/f.json?token=abc123", "https://host/f.json?token=***");
    assert_redacted("https://host/f?a=1&access_token=s3&b=2#frag",
                    "https://host/f?a=1&access_token=***&b=2#frag");
    assert_redacted("https://h/o?X-Amz-Credential=AK%2F1&X-Amz-Signature=ff&X-Amz-Date=1",
                    "https://h/o?X-Amz-Credential=***&X-Amz-Signature=***&X-Amz-Date=1");
    assert_redacted("https://h/?apikey=1;password=2;page=3",
                    "https://h/?apikey=***;password=***;page=3");
    assert_redacted("https://u:p@h/?Auth=1", "https://h/?Auth=***");
}

static void test_plain_text_unchanged(void **state)
{
    (void)state;
    assert_redacted("https://osv-vulnerabilities.storage.googleapis.com/npm/all.zip",
                    "https://osv-vulnerabilities.storage.googleapis.com/npm/all.zip");
    /* paths (db import records the path): no "://", no userinfo */
    assert_redacted("/var/feeds/npm@2024/all.zip", "/var/feeds/npm@2024/all.zip");
    assert_redacted("feeds@2024.zip", "feeds@2024.zip");
    assert_redacted("", "");
    assert_null(ld_url_redact(NULL));
    assert_false(ld_url_has_secrets(NULL));
}

static void test_header_values(void **state)
{
    (void)state;
    assert_true(ld_fetch_header_value_ok("\"33a64df5\""));
    assert_true(ld_fetch_header_value_ok("W/\"x y\"\t"));
    assert_true(ld_fetch_header_value_ok("\"caf\xC3\xA9\"")); /* obs-text */
    assert_true(ld_fetch_header_value_ok("Wed, 21 Oct 2015 07:28:00 GMT"));
    assert_false(ld_fetch_header_value_ok(""));
    assert_false(ld_fetch_header_value_ok("\"a\rX-Injected: yes\""));
    assert_false(ld_fetch_header_value_ok("\"a\nX-Injected: yes\""));
    assert_false(ld_fetch_header_value_ok("\"a\x1b\""));
    assert_false(ld_fetch_header_value_ok("\"a\x7f\""));
    char *long_value = ld_xmalloc(1100);
    memset(long_value, 'a', 1099);
    long_value[1099] = '\0';
    assert_false(ld_fetch_header_value_ok(long_value));
    long_value[1025] = '\0';
    assert_false(ld_fetch_header_value_ok(long_value));
    long_value[1024] = '\0'; /* at most 1024 bytes */
    assert_true(ld_fetch_header_value_ok(long_value));
    free(long_value);
}

/* A one-advisory OSV file to import. */
static char *write_feed(const char *dir)
{
    char *path = ld_xasprintf("%s/GHSA-1.json", dir);
    FILE *f = fopen(path, "we");
    assert_non_null(f);
    fputs("{\"id\":\"GHSA-1\",\"modified\":\"2024-01-01T00:00:00Z\",\"affected\":[{\"package\":"
          "{\"ecosystem\":\"npm\",\"name\":\"left-pad\"},\"ranges\":[{\"type\":\"SEMVER\","
          "\"events\":[{\"introduced\":\"0\"},{\"fixed\":\"1.0.0\"}]}]}]}",
          f);
    fclose(f);
    return path;
}

static void test_database_keeps_no_credentials(void **state)
{
    (void)state;
    char dir[] = "/tmp/ld-url-redact-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char *feed = write_feed(dir);
    char *db = ld_xasprintf("%s/v.db", dir);
    ld_error err = LD_ERROR_INIT;
    ld_vulndb_builder *b = ld_vulndb_builder_new(db, false, NULL, &err);
    assert_non_null(b);
    ld_feed_meta meta = {.name = "osv-npm",
                         .url = "https://bob:hunter2@feeds.example/npm.json?token=t0k",
                         .etag = "\"a\rX-Injected: yes\"",
                         .last_modified = "Wed, 21 Oct 2015 07:28:00 GMT"};
    long long n = 0;
    assert_int_equal(ld_vulndb_builder_import(b, feed, LD_FEED_AUTO, &meta, &n, &err), 0);
    assert_int_equal(n, 1);
    /* validators only for the URL that sent them, compared without
     * credentials (other credentials, same resource) */
    char *etag = NULL, *lm = NULL;
    assert_int_equal(
        ld_vulndb_builder_source_validators(
            b, "osv-npm", "https://alice:pw@feeds.example/npm.json?token=other", &etag, &lm, &err),
        0);
    assert_null(etag); /* the CR one was never stored */
    assert_string_equal(lm, "Wed, 21 Oct 2015 07:28:00 GMT");
    free(etag);
    free(lm);
    ld_error nf = LD_ERROR_INIT;
    assert_int_equal(ld_vulndb_builder_source_validators(
                         b, "osv-npm", "https://mirror.example/npm.json", &etag, &lm, &nf),
                     LD_ERR_NOT_FOUND);
    assert_null(etag);
    assert_null(lm);
    assert_int_equal(ld_vulndb_builder_commit(b, &err), 0);

    ld_vulndb *v = ld_vulndb_open(db, &err);
    assert_non_null(v);
    ld_vulndb_source *src = NULL;
    size_t ns = 0;
    assert_int_equal(ld_vulndb_sources(v, &src, &ns, &err), 0);
    assert_int_equal(ns, 1);
    assert_string_equal(src[0].url, "https://feeds.example/npm.json?token=***");
    assert_null(src[0].etag);
    ld_vulndb_sources_free(src, ns);
    ld_vulndb_close(v);

    /* no byte of the credentials anywhere in the file */
    FILE *f = fopen(db, "rbe");
    assert_non_null(f);
    char *buf = ld_xmalloc(1 << 22);
    size_t got = fread(buf, 1, (1 << 22) - 1, f);
    fclose(f);
    assert_true(got > 0);
    assert_null(memmem(buf, got, "hunter2", 7));
    assert_null(memmem(buf, got, "t0k", 3));
    assert_null(memmem(buf, got, "X-Injected", 10));
    free(buf);

    unlink(db);
    unlink(feed);
    rmdir(dir);
    free(db);
    free(feed);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_userinfo_removed),
        cmocka_unit_test(test_secret_query_values_masked),
        cmocka_unit_test(test_plain_text_unchanged),
        cmocka_unit_test(test_header_values),
        cmocka_unit_test(test_database_keeps_no_credentials),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
