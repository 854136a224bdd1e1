/* Unit tests for the library side of `lockdown db update|import`
 * (src/vuln/db_update.c) and the default database path (src/vuln/db.c):
 * source lists and their precedence (--source, config file, environment
 * list, upstream defaults), entry validation, an import that finds nothing
 * is an error and leaves the database as it was, progress events, an update
 * with an unusable source leaves no temporary files; the default path never
 * falls back to a directory writable by everyone and is a fresh string. */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "util/mem.h"
#include "vuln/db.h"
#include "vuln/db_update.h"

#define FEEDS LD_SOURCE_DIR "/tests/fixtures/feeds"

static char dir[] = "/tmp/ld-vuln-dbupdate-XXXXXX";

static char *tpath(const char *name)
{
    return ld_xasprintf("%s/%s", dir, name);
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    assert_int_equal(fclose(f), 0);
}

static long long advisories(const char *db_path)
{
    ld_error err = LD_ERROR_INIT;
    ld_vulndb *db = ld_vulndb_open(db_path, &err);
    if (!db)
        fail_msg("%s", err.msg);
    ld_vulndb_source *src = NULL;
    size_t n = 0;
    assert_int_equal(ld_vulndb_sources(db, &src, &n, &err), 0);
    long long total = 0;
    for (size_t i = 0; i < n; i++)
        total += src[i].records;
    ld_vulndb_sources_free(src, n);
    ld_vulndb_close(db);
    return total;
}

static size_t count_entries(const char *d)
{
    DIR *dp = opendir(d);
    assert_non_null(dp);
    size_t n = 0;
    for (struct dirent *e; (e = readdir(dp));)
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
            n++;
    closedir(dp);
    return n;
}

static int setup(void **state)
{
    (void)state;
    assert_non_null(mkdtemp(dir));
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    DIR *dp = opendir(dir);
    for (struct dirent *e; dp && (e = readdir(dp));) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        char *p = tpath(e->d_name);
        if (unlink(p) != 0)
            rmdir(p);
        free(p);
    }
    if (dp)
        closedir(dp);
    rmdir(dir);
    return 0;
}

/* ---- sources ------------------------------------------------------------ */

static void test_source_check(void **state)
{
    (void)state;
    ld_error err = LD_ERROR_INIT;
    assert_int_equal(ld_db_source_check("osv-npm=https://x/all.zip", &err), 0);
    assert_int_equal(ld_db_source_check("alpine-v3.19_main=https://x", &err), 0);
    static const char *const bad[] = {"nourl",         "=https://x",
                                      "osv-npm=",      ".hidden=https://x",
                                      "a/b=https://x", "sp ace=https://x"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(ld_db_source_check(bad[i], &err), LD_ERR_INVALID);
        assert_non_null(strstr(err.msg, bad[i]));
    }
    char longname[100];
    memset(longname, 'a', 65);
    memcpy(longname + 65, "=https://x", 11);
    assert_int_equal(ld_db_source_check(longname, &err), LD_ERR_INVALID);
}

static void test_sources_precedence(void **state)
{
    (void)state;
    ld_error err = LD_ERROR_INIT;
    ld_strlist given = {0}, out = {0};
    char *cfg = tpath("sources.yaml");
    write_file(cfg, "sources:\n  - \"osv-npm=https://mirror/npm.zip\"\n"
                    "  - name: debian-tracker\n    url: https://mirror/tracker.json\n");

    /* nothing configured: the upstream defaults */
    assert_int_equal(ld_db_sources_resolve(&given, NULL, NULL, &out, &err), 0);
    ld_strlist defaults = {0};
    ld_db_default_sources(&defaults);
    assert_true(defaults.n >= 10);
    assert_int_equal(out.n, defaults.n);
    assert_true(ld_strlist_contains(
        &out, "debian-tracker=https://security-tracker.debian.org/tracker/data/json"));
    ld_strlist_clear(&out);

    /* the environment list over the defaults (blanks and commas) */
    assert_int_equal(ld_db_sources_resolve(
                         &given, NULL, "a=https://x/1, b=https://x/2\tc=https://x/3", &out, &err),
                     0);
    assert_int_equal(out.n, 3);
    assert_string_equal(out.v[2], "c=https://x/3");
    ld_strlist_clear(&out);

    /* a config file over the environment: strings and {name, url} maps */
    assert_int_equal(ld_db_sources_resolve(&given, cfg, "a=https://x/1", &out, &err), 0);
    assert_int_equal(out.n, 2);
    assert_string_equal(out.v[0], "osv-npm=https://mirror/npm.zip");
    assert_string_equal(out.v[1], "debian-tracker=https://mirror/tracker.json");
    ld_strlist_clear(&out);

    /* --source over everything */
    ld_strlist_push(&given, "only=https://x/only");
    assert_int_equal(ld_db_sources_resolve(&given, cfg, "a=https://x/1", &out, &err), 0);
    assert_int_equal(out.n, 1);
    assert_string_equal(out.v[0], "only=https://x/only");
    ld_strlist_clear(&out);
    ld_strlist_clear(&given);

    /* errors name the file, the line or the entry; out is left empty */
    write_file(cfg, "sources: 3\n");
    assert_true(ld_db_sources_resolve(&given, cfg, NULL, &out, &err) < 0);
    assert_non_null(strstr(err.msg, "expected a 'sources:' list"));
    assert_int_equal(out.n, 0);
    write_file(cfg, "sources:\n  - name: x\n");
    assert_true(ld_db_sources_resolve(&given, cfg, NULL, &out, &err) < 0);
    assert_non_null(strstr(err.msg, "line 2"));
    write_file(cfg, "sources: []\n");
    assert_int_equal(ld_db_sources_resolve(&given, cfg, NULL, &out, &err), LD_ERR_INVALID);
    assert_non_null(strstr(err.msg, "no sources listed"));
    assert_int_equal(ld_db_sources_resolve(&given, NULL, "ok=https://x bad..entry", &out, &err),
                     LD_ERR_INVALID);
    assert_non_null(strstr(err.msg, "$LOCKDOWN_DB_SOURCES"));
    assert_non_null(strstr(err.msg, "bad..entry"));
    assert_int_equal(out.n, 0);
    char *absent = tpath("absent.yaml");
    assert_true(ld_db_sources_resolve(&given, absent, NULL, &out, &err) < 0);
    assert_non_null(strstr(err.msg, absent));
    free(absent);
    ld_strlist_clear(&defaults);
    unlink(cfg);
    free(cfg);
}

/* ---- import ------------------------------------------------------------- */

typedef struct {
    size_t imported;
    long long records;
    char last[512];
} events;

static void on_event(const ld_db_event *ev, void *ctx)
{
    events *e = ctx;
    assert_int_equal(ev->kind, LD_DB_EVENT_IMPORTED);
    assert_null(ev->url);
    e->imported++;
    e->records += ev->records;
    snprintf(e->last, sizeof e->last, "%s", ev->source);
}

static void test_import_nothing_is_an_error(void **state)
{
    (void)state;
    char *db = tpath("vuln.db");
    char *empty = tpath("empty-dir");
    assert_int_equal(mkdir(empty, 0700), 0);
    ld_error err = LD_ERROR_INIT;
    events ev = {0};

    /* an empty directory into no database: an error, no database made */
    const char *paths[] = {empty};
    ld_db_import_options o = {
        .db_path = db, .paths = paths, .n_paths = 1, .progress = on_event, .progress_ctx = &ev};
    assert_int_equal(ld_db_import(&o, &err), LD_ERR_NOT_FOUND);
    assert_non_null(strstr(err.msg, empty));
    assert_non_null(strstr(err.msg, "no advisories found"));
    assert_non_null(strstr(err.msg, "left unchanged"));
    assert_int_equal(access(db, F_OK), -1);
    assert_int_equal(ev.imported, 0);

    /* a real feed: imported, with an event naming the PATH */
    const char *good[] = {FEEDS "/debian/tracker.json"};
    o.paths = good;
    assert_int_equal(ld_db_import(&o, &err), 0);
    assert_int_equal(ev.imported, 1);
    assert_string_equal(ev.last, good[0]);
    long long before = advisories(db);
    assert_true(before > 0);
    assert_int_equal(ev.records, before);

    /* feeds with no record, after a good one: the whole import fails and
     * the database keeps what it had */
    char *empty_osv = tpath("empty.json");
    write_file(empty_osv, "[]");
    char *empty_alpine = tpath("empty-secdb.json");
    write_file(empty_alpine, "{\"distroversion\":\"v3.19\",\"reponame\":\"main\","
                             "\"urlprefix\":\"https://x\",\"packages\":[]}");
    const char *const tries[][2] = {{FEEDS "/alpine/v3.19-main.json", empty},
                                    {FEEDS "/alpine/v3.19-main.json", empty_osv},
                                    {FEEDS "/alpine/v3.19-main.json", empty_alpine}};
    for (size_t i = 0; i < 3; i++) {
        o.paths = tries[i];
        o.n_paths = 2;
        ld_error_clear(&err);
        assert_int_equal(ld_db_import(&o, &err), LD_ERR_NOT_FOUND);
        assert_non_null(strstr(err.msg, tries[i][1]));
        assert_int_equal(advisories(db), before);
    }
    /* and nothing is left beside the database */
    assert_int_equal(count_entries(dir), 4); /* vuln.db, empty-dir, empty.json, empty-secdb.json */

    /* a source name with several PATHs is refused before anything is done */
    o.name = "x";
    assert_int_equal(ld_db_import(&o, &err), LD_ERR_INVALID);
    unlink(empty_osv);
    unlink(empty_alpine);
    rmdir(empty);
    unlink(db);
    free(empty_osv);
    free(empty_alpine);
    free(empty);
    free(db);
}

/* ---- update ------------------------------------------------------------- */

static void test_update_refuses_and_cleans_up(void **state)
{
    (void)state;
    char *db = tpath("update.db");
    ld_error err = LD_ERROR_INIT;
    ld_strlist sources = {0};
    ld_db_update_options o = {.db_path = db, .sources = &sources};
    assert_int_equal(ld_db_update(&o, &err), LD_ERR_INVALID); /* no sources */
    ld_strlist_push(&sources, "bad name=https://x");
    assert_int_equal(ld_db_update(&o, &err), LD_ERR_INVALID);
    ld_strlist_clear(&sources);
    /* plain http is refused by the downloader: the update fails, says the
     * database is unchanged and leaves no download directory behind */
    ld_strlist_push(&sources, "osv-npm=http://127.0.0.1:9/all.zip");
    assert_true(ld_db_update(&o, &err) < 0);
    assert_non_null(strstr(err.msg, "left unchanged"));
    assert_non_null(strstr(err.msg, "only https://"));
    assert_int_equal(access(db, F_OK), -1);
    assert_int_equal(count_entries(dir), 0);
    ld_strlist_clear(&sources);
    free(db);
}

/* ---- default path -------------------------------------------------------- */

typedef struct {
    char *lockdown_db, *xdg, *home;
} saved_env;

static char *dup_env(const char *name)
{
    const char *v = getenv(name);
    return v ? ld_xstrdup(v) : NULL;
}

static void restore(const char *name, const char *value)
{
    if (value)
        setenv(name, value, 1);
    else
        unsetenv(name);
}

static void test_default_path(void **state)
{
    (void)state;
    saved_env saved = {dup_env("LOCKDOWN_DB"), dup_env("XDG_CACHE_HOME"), dup_env("HOME")};
    ld_error err = LD_ERROR_INIT;

    setenv("LOCKDOWN_DB", "/x/y.db", 1);
    char *p = ld_vulndb_default_path(&err);
    assert_string_equal(p, "/x/y.db");
    /* a new string each time, not a shared buffer */
    char *q = ld_vulndb_default_path(&err);
    assert_ptr_not_equal(p, q);
    free(p);
    free(q);
    unsetenv("LOCKDOWN_DB");

    setenv("XDG_CACHE_HOME", "/nonexistent-cache", 1);
    p = ld_vulndb_default_path(&err);
    assert_string_equal(p, "/nonexistent-cache/lockdown/vuln.db");
    free(p);

    /* relative XDG_CACHE_HOME is ignored: $HOME/.cache */
    char *home = tpath("home");
    assert_int_equal(mkdir(home, 0700), 0);
    setenv("XDG_CACHE_HOME", "relative/cache", 1);
    setenv("HOME", home, 1);
    p = ld_vulndb_default_path(&err);
    char *want = ld_xasprintf("%s/.cache/lockdown/vuln.db", home);
    assert_string_equal(p, want);
    free(p);
    free(want);

    /* a world-writable base is never used: /tmp as XDG_CACHE_HOME or HOME,
     * or a $HOME/.cache anyone can write to */
    setenv("XDG_CACHE_HOME", "/tmp", 1);
    p = ld_vulndb_default_path(&err);
    assert_non_null(p);
    assert_null(strstr(p, "/tmp/lockdown"));
    free(p);
    char *cache = ld_xasprintf("%s/.cache", home);
    assert_int_equal(mkdir(cache, 0777), 0);
    assert_int_equal(chmod(cache, 0777), 0);
    for (int round = 0; round < 2; round++) {
        setenv("HOME", round == 0 ? "/tmp" : home, 1);
        ld_error_clear(&err);
        p = ld_vulndb_default_path(&err);
        if (geteuid() == 0) {
            assert_string_equal(p, "/var/cache/lockdown/vuln.db");
        } else {
            assert_null(p);
            assert_int_equal(err.code, LD_ERR_NOT_FOUND);
            assert_non_null(strstr(err.msg, "--db"));
        }
        free(p);
    }
    unsetenv("HOME");
    unsetenv("XDG_CACHE_HOME");
    ld_error_clear(&err);
    p = ld_vulndb_default_path(&err);
    if (geteuid() == 0)
        assert_string_equal(p, "/var/cache/lockdown/vuln.db");
    else
        assert_null(p);
    free(p);

    /* ld_vulndb_open(NULL) goes through it */
    setenv("LOCKDOWN_DB", home, 1); /* a directory: not a database */
    assert_null(ld_vulndb_open(NULL, &err));
    assert_non_null(strstr(err.msg, home));

    rmdir(cache);
    rmdir(home);
    free(cache);
    free(home);
    restore("LOCKDOWN_DB", saved.lockdown_db);
    restore("XDG_CACHE_HOME", saved.xdg);
    restore("HOME", saved.home);
    free(saved.lockdown_db);
    free(saved.xdg);
    free(saved.home);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_source_check),
        cmocka_unit_test(test_sources_precedence),
        cmocka_unit_test(test_import_nothing_is_an_error),
        cmocka_unit_test(test_update_refuses_and_cleans_up),
        cmocka_unit_test(test_default_path),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
