/* Unit tests for "not read is not assessed" (src/sbom/sbom.c, the
 * cataloger budget in src/sbom/catalogers.c, the verdict in
 * src/vuln/match.c):
 *   - the decompression budget shared by one read: exact under four
 *     threads, and a jar past it is refused (LD_ERR_LIMIT, naming the
 *     file) while the same jar with budget left is read;
 *   - a dir: root with package databases over their cataloger's cap
 *     (sparse files: a 64 MiB + 1 dpkg status, a 9 MiB METADATA), a
 *     corrupt package.json and a refused rpmdb.sqlite: each is one
 *     ld_sbom_unread entry, sorted by path, with a note naming the file,
 *     its size and the cap; a 300 MiB file in /usr/bin (taken only because
 *     binaries may carry build info) is a note and not unread; the
 *     packages of the readable files are there;
 *   - the vulnerability check of such an SBOM: no pass, one "not assessed"
 *     naming the first unread file and the count, the vulnerability of a
 *     package that was read still reported, the control not assessed. */
#include <fcntl.h>
#include <ftw.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>
#include <cmocka.h>
#include <sqlite3.h>

#include "core/catalog.h"
#include "core/evaluate.h"
#include "core/findings.h"
#include "core/policy.h"
#include "sbom/catalogers_list.h"
#include "sbom/sbom.h"
#include "util/mem.h"
#include "vuln/db.h"
#include "vuln/match.h"

/* ---- the shared budget ------------------------------------------------- */

static ld_cataloger_budget shared;

static void *take_bytes(void *arg)
{
    size_t *taken = arg;
    while (ld_cataloger_budget_take(&shared, 3))
        *taken += 3;
    return NULL;
}

static void test_budget_is_exact_across_threads(void **state)
{
    (void)state;
    ld_cataloger_budget_init(&shared, 300001);
    pthread_t t[4];
    size_t taken[4] = {0};
    for (int i = 0; i < 4; i++)
        assert_int_equal(pthread_create(&t[i], NULL, take_bytes, &taken[i]), 0);
    for (int i = 0; i < 4; i++)
        pthread_join(t[i], NULL);
    assert_int_equal(taken[0] + taken[1] + taken[2] + taken[3], 300000);
    assert_true(ld_cataloger_budget_take(&shared, 1)); /* the byte that was left */
    assert_false(ld_cataloger_budget_take(&shared, 1));
    assert_true(ld_cataloger_budget_take(NULL, (uint64_t)1 << 60)); /* no budget: no limit */
}

/* A jar whose member lib/inner.jar is n zero bytes (deflated). */
static uint8_t *bomb_jar(size_t n, size_t *out_len)
{
    size_t cap = n / 100 + 65536;
    uint8_t *buf = ld_xmalloc(cap);
    uint8_t *zeros = ld_xcalloc(1, n);
    struct archive *a = archive_write_new();
    assert_int_equal(archive_write_set_format_zip(a), ARCHIVE_OK);
    size_t used = 0;
    assert_int_equal(archive_write_open_memory(a, buf, cap, &used), ARCHIVE_OK);
    struct archive_entry *e = archive_entry_new();
    archive_entry_set_pathname(e, "lib/inner.jar");
    archive_entry_set_filetype(e, AE_IFREG);
    archive_entry_set_perm(e, 0644);
    archive_entry_set_size(e, (la_int64_t)n);
    assert_int_equal(archive_write_header(a, e), ARCHIVE_OK);
    assert_int_equal(archive_write_data(a, zeros, n), (la_ssize_t)n);
    archive_entry_free(e);
    assert_int_equal(archive_write_close(a), ARCHIVE_OK);
    archive_write_free(a);
    free(zeros);
    *out_len = used;
    return buf;
}

static void test_jar_past_the_image_budget(void **state)
{
    (void)state;
    size_t len;
    uint8_t *jar = bomb_jar((size_t)3 << 20, &len);
    assert_true(len < ((size_t)3 << 20) / 10);
    ld_cataloger_budget b;
    ld_cataloger_budget_init(&b, (uint64_t)5 << 20);
    ld_package_list l = {0};
    ld_error err = LD_ERROR_INIT;
    /* the first copy fits (its member is no archive: nothing found) */
    assert_int_equal(ld_cataloger_java.parse_budgeted("/a.jar", jar, len, &b, &l, &err), 0);
    /* the second does not: 3 + 3 MiB over 5 */
    assert_int_equal(ld_cataloger_java.parse_budgeted("/b.jar", jar, len, &b, &l, &err),
                     LD_ERR_LIMIT);
    assert_string_equal(err.msg, "/b.jar: the archives of this image decompressed to more than "
                                 "5242880 bytes in all (zip bombs?); not read");
    /* without a shared budget (parse), only the per-file one applies */
    ld_error_clear(&err);
    assert_int_equal(ld_cataloger_java.parse("/c.jar", jar, len, &l, &err), 0);
    assert_int_equal(l.n, 0);
    free(jar);
}

/* ---- a root with unreadable package databases ------------------------------ */

static char root[] = "/tmp/lockdown-sbom-unread.XXXXXX";

static char *make_parent(const char *rel)
{
    char *path = ld_xasprintf("%s%s", root, rel);
    for (char *p = path + strlen(root) + 1; (p = strchr(p, '/')) != NULL; p++) {
        *p = '\0';
        mkdir(path, 0755);
        *p = '/';
    }
    return path;
}

static void write_file(const char *rel, const void *data, size_t len)
{
    char *path = make_parent(rel);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, len, f), len);
    fclose(f);
    free(path);
}

#define WRITE(rel, lit) write_file(rel, lit, sizeof(lit) - 1)

/* A file of size bytes that takes no room (a hole); only its size is read. */
static void sparse_file(const char *rel, const char *head, off_t size)
{
    char *path = make_parent(rel);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, head, strlen(head)), (ssize_t)strlen(head));
    assert_int_equal(ftruncate(fd, size), 0);
    close(fd);
    free(path);
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st, (void)flag, (void)ftw;
    return remove(path);
}

static const off_t dpkg_size = ((off_t)64 << 20) + 1;
static const off_t meta_size = (off_t)9 << 20;
static const char meta_path[] = "/usr/lib/python3/dist-packages/requests-2.28.1.dist-info/METADATA";

static void make_root(void)
{
    assert_non_null(mkdtemp(root));
    WRITE("/etc/os-release", "ID=debian\nVERSION_ID=\"12\"\nVERSION_CODENAME=bookworm\n");
    sparse_file("/var/lib/dpkg/status", "Package: bash\nStatus: install ok installed\n",
                dpkg_size);
    sparse_file(meta_path, "Metadata-Version: 2.1\nName: requests\nVersion: 2.28.1\n\n", meta_size);
    sparse_file("/usr/bin/huge", "\177ELF", (off_t)300 << 20);
    WRITE("/app/node_modules/broken/package.json", "{\"name\":");
    WRITE("/app/node_modules/lodash/package.json", "{\"name\":\"lodash\",\"version\":\"4.17.20\"}");
    /* rpm's Packages table with a view beside it: refused */
    char *db = make_parent("/var/lib/rpm/rpmdb.sqlite");
    sqlite3 *s = NULL;
    assert_int_equal(sqlite3_open(db, &s), SQLITE_OK);
    assert_int_equal(sqlite3_exec(s,
                                  "CREATE TABLE 'Packages' (hnum INTEGER PRIMARY KEY "
                                  "AUTOINCREMENT,blob BLOB NOT NULL); CREATE VIEW v AS SELECT 1;",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    sqlite3_close(s);
    free(db);
}

static void test_unread_databases(void **state)
{
    (void)state;
    make_root();
    char *target = ld_xasprintf("dir:%s", root);
    ld_image_options opt = {0};
    ld_sbom s;
    ld_error err = LD_ERROR_INIT;
    if (ld_sbom_collect(target, &opt, &s, NULL, &err) < 0)
        fail_msg("%s", err.msg);
    free(target);

    assert_int_equal(s.packages.n, 1);
    assert_string_equal(s.packages.items[0].name, "lodash");

    static const char *const unread_paths[] = {
        "/app/node_modules/broken/package.json", meta_path, "/var/lib/dpkg/status",
        "/var/lib/rpm/rpmdb.sqlite"};
    assert_int_equal(s.n_unread, 4);
    for (size_t i = 0; i < 4; i++) {
        assert_string_equal(s.unread[i].path, unread_paths[i]);
        assert_non_null(strstr(s.unread[i].reason, unread_paths[i]));
        assert_true(ld_strlist_contains(&s.notes, s.unread[i].reason));
    }
    char *want = ld_xasprintf("/var/lib/dpkg/status: skipped by the dpkg cataloger: %lld bytes "
                              "is over its limit of 67108864",
                              (long long)dpkg_size);
    assert_string_equal(s.unread[2].reason, want);
    free(want);
    want = ld_xasprintf("%s: skipped by the python cataloger: %lld bytes is over its limit of "
                        "8388608",
                        meta_path, (long long)meta_size);
    assert_string_equal(s.unread[1].reason, want);
    free(want);
    assert_non_null(strstr(s.unread[0].reason, "npm cataloger: "));
    assert_non_null(strstr(s.unread[3].reason, "schema has a view"));

    /* the binary: noted (go and cargo both take it on speculation), not unread */
    bool noted = false;
    for (size_t i = 0; i < s.notes.n; i++)
        noted |= strstr(s.notes.v[i], "/usr/bin/huge: skipped by the ") != NULL &&
                 strstr(s.notes.v[i], "314572800 bytes is over its limit of 268435456") != NULL;
    assert_true(noted);
    ld_sbom_clear(&s);
    nftw(root, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* ---- the vulnerability verdict --------------------------------------------- */

static char dbdir[] = "/tmp/ld-vuln-unread-XXXXXX";
static char db_path[300];

static void make_db(void)
{
    assert_non_null(mkdtemp(dbdir));
    char feed[320];
    snprintf(feed, sizeof feed, "%s/dsa.json", dbdir);
    FILE *f = fopen(feed, "w");
    assert_non_null(f);
    fputs("{\"id\":\"DSA-9999-1\",\"modified\":\"2024-01-01T00:00:00Z\","
          "\"affected\":[{\"package\":{\"ecosystem\":\"Debian:12\",\"name\":\"glibc\"},"
          "\"ranges\":[{\"type\":\"ECOSYSTEM\",\"events\":[{\"introduced\":\"0\"},"
          "{\"fixed\":\"2.36-9+deb12u99\"}]}]}]}",
          f);
    fclose(f);
    snprintf(db_path, sizeof db_path, "%s/vuln.db", dbdir);
    ld_error err = LD_ERROR_INIT;
    ld_vulndb_limits lim;
    ld_vulndb_limits_default(&lim);
    ld_vulndb_builder *b = ld_vulndb_builder_new(db_path, false, &lim, &err);
    assert_non_null(b);
    if (ld_vulndb_builder_import(b, feed, LD_FEED_OSV_JSON, &(ld_feed_meta){.name = "osv-test"},
                                 NULL, &err) < 0 ||
        ld_vulndb_builder_commit(b, &err) < 0)
        fail_msg("%s", err.msg);
    unlink(feed);
}

static void add_deb(ld_sbom *sb, const char *name, const char *version, const char *source)
{
    ld_package *p = ld_package_list_add(&sb->packages, LD_ECO_DEB);
    p->name = ld_xstrdup(name);
    p->version = ld_xstrdup(version);
    p->source_name = ld_xstrdup(source);
    p->found_in = ld_xstrdup("/var/lib/dpkg/status");
    ld_package_set_purl(p, "debian", "debian-12");
}

static void add_unread(ld_sbom *sb, const char *path, const char *why)
{
    sb->unread = ld_xrealloc(sb->unread, (sb->n_unread + 1) * sizeof(*sb->unread));
    sb->unread[sb->n_unread++] =
        (ld_sbom_unread){ld_xstrdup(path), ld_xasprintf("%s: %s", path, why)};
    ld_strlist_push(&sb->notes, sb->unread[sb->n_unread - 1].reason);
}

typedef struct {
    size_t pass, error, fail;
    const ld_finding *error_finding;
} verdict_count;

static verdict_count count(const ld_findings *fs)
{
    verdict_count c = {0};
    for (size_t i = 0; i < fs->n; i++) {
        const ld_finding *f = fs->v[i];
        if (f->status == LD_STATUS_FAIL)
            c.fail++;
        else if (f->status == LD_STATUS_PASS)
            c.pass++;
        else if (f->status == LD_STATUS_ERROR) {
            c.error++;
            c.error_finding = f;
        }
    }
    return c;
}

static void test_vuln_verdict(void **state)
{
    (void)state;
    make_db();
    ld_error err = LD_ERROR_INIT;
    ld_catalog *cat = ld_catalog_load_builtin(&err);
    assert_non_null(cat);
    ld_policy *pol = ld_policy_default(&err);
    assert_non_null(pol);
    ld_vuln_options o = {.db_path = db_path};

    ld_sbom sb = {0};
    sb.os_id = ld_xstrdup("debian");
    sb.os_version_id = ld_xstrdup("12");
    add_deb(&sb, "bash", "5.2.15-2+b2", "bash");

    /* everything read: the deb group passes */
    ld_findings *fs = ld_findings_new(cat, 0);
    if (ld_vuln_scan(fs, &sb, NULL, &o, &err) < 0)
        fail_msg("%s", err.msg);
    verdict_count c = count(fs);
    assert_int_equal(c.pass, 1);
    assert_int_equal(c.error, 0);
    ld_findings_free(fs);

    /* two package databases not read: no pass, one not assessed naming the first */
    add_unread(&sb, "/app/package-lock.json", "1000000 JSON objects and arrays, over the limit");
    add_unread(&sb, "/var/lib/rpm/rpmdb.sqlite", "schema has a view; refused, not read");
    fs = ld_findings_new(cat, 0);
    if (ld_vuln_scan(fs, &sb, NULL, &o, &err) < 0)
        fail_msg("%s", err.msg);
    c = count(fs);
    assert_int_equal(c.pass, 0);
    assert_int_equal(c.error, 1);
    assert_string_equal(c.error_finding->evidence,
                        "not assessed: 2 package databases could not be read, so their packages "
                        "are missing from the match (first: /app/package-lock.json: 1000000 JSON "
                        "objects and arrays, over the limit)");
    ld_eval_options eo = {0};
    ld_evaluation *ev = ld_evaluate(fs, pol, &eo);
    const ld_control *ctl = ld_catalog_control_for_check(cat, "image.vulnerabilities");
    assert_non_null(ctl);
    assert_int_equal(ev->controls[ctl->index].state, LD_CTRL_NOT_ASSESSED);
    ld_evaluation_free(ev);
    ld_findings_free(fs);

    /* a vulnerable package that was read is still reported */
    add_deb(&sb, "libc6", "2.36-9+deb12u4", "glibc");
    fs = ld_findings_new(cat, 0);
    if (ld_vuln_scan(fs, &sb, NULL, &o, &err) < 0)
        fail_msg("%s", err.msg);
    c = count(fs);
    assert_int_equal(c.fail, 1);
    assert_int_equal(c.pass, 0);
    assert_int_equal(c.error, 1);
    ld_findings_free(fs);

    /* nothing read at all: the unread file is the reason, not "no packages" */
    ld_package_list_clear(&sb.packages);
    fs = ld_findings_new(cat, 0);
    if (ld_vuln_scan(fs, &sb, NULL, &o, &err) < 0)
        fail_msg("%s", err.msg);
    c = count(fs);
    assert_int_equal(c.error, 1);
    assert_string_equal(c.error_finding->evidence,
                        "not assessed: no package to match, and 2 files could not be read "
                        "(first: /app/package-lock.json: 1000000 JSON objects and arrays, over "
                        "the limit)");
    ld_findings_free(fs);

    ld_sbom_clear(&sb);
    ld_catalog_free(cat);
    ld_policy_free(pol);
    unlink(db_path);
    rmdir(dbdir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_budget_is_exact_across_threads),
        cmocka_unit_test(test_jar_past_the_image_budget),
        cmocka_unit_test(test_unread_databases),
        cmocka_unit_test(test_vuln_verdict),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
