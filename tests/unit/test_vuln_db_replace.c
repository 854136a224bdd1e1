/* Unit tests for what a database build may replace and what it cleans up
 * (src/vuln/db_build.c): the builder refuses a destination that is not a
 * lockdown database (text, foreign SQLite, FIFO, device, dangling link),
 * follows a link to a database (the link stays), accepts a missing or empty
 * file; ldb_remove_stale() removes exactly the leftovers of killed runs
 * (name, owner, age, no running build's lock) and nothing else. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "util/mem.h"
#include "vuln/db.h"
#include "vuln/db_internal.h"

#define FEEDS LD_SOURCE_DIR "/tests/fixtures/feeds"

static char dir[] = "/tmp/ld-db-replace-XXXXXX";

static char *in_dir(const char *name)
{
    return ld_xasprintf("%s/%s", dir, name);
}

static void on_alarm(int sig)
{
    (void)sig;
    static const char msg[] = "blocked: the builder waited on a non-regular file\n";
    (void)!write(STDERR_FILENO, msg, sizeof(msg) - 1);
    _exit(1);
}

static int setup(void **state)
{
    (void)state;
    if (!mkdtemp(dir))
        return -1;
    signal(SIGALRM, on_alarm);
    return 0;
}

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    remove(path);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    nftw(dir, remove_one, 16, FTW_DEPTH | FTW_PHYS);
    return 0;
}

static void write_text(const char *path, const char *s)
{
    FILE *f = fopen(path, "we");
    assert_non_null(f);
    fputs(s, f);
    assert_int_equal(fclose(f), 0);
}

static char *read_text(const char *path)
{
    FILE *f = fopen(path, "re");
    assert_non_null(f);
    char *buf = ld_xcalloc(1, 4096);
    size_t n = fread(buf, 1, 4095, f);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

/* Builds a database at path from the npm fixture; returns the builder's
 * result (0, or the error code with err set). */
static int build(const char *path, ld_error *err)
{
    alarm(10);
    ld_vulndb_builder *b = ld_vulndb_builder_new(path, true, NULL, err);
    alarm(0);
    if (!b)
        return err->code;
    long long n = 0;
    if (ld_vulndb_builder_import(b, FEEDS "/osv-npm", LD_FEED_AUTO, NULL, &n, err) < 0) {
        ld_vulndb_builder_abort(b);
        return err->code;
    }
    return ld_vulndb_builder_commit(b, err);
}

static void expect_refused(const char *path, const char *why)
{
    ld_error err = LD_ERROR_INIT;
    assert_int_equal(build(path, &err), LD_ERR_INVALID);
    char *want = ld_xasprintf("refusing to replace %s: not a lockdown database", path);
    if (!strstr(err.msg, want) || !strstr(err.msg, why))
        fail_msg("got \"%s\", expected \"%s\" and \"%s\"", err.msg, want, why);
    free(want);
}

/* No DEST.tmp-* left beside path. */
static void expect_no_temp(const char *path)
{
    char *pattern = ld_xasprintf("%s.tmp-", strrchr(path, '/') + 1);
    DIR *d = opendir(dir);
    assert_non_null(d);
    struct dirent *de;
    while ((de = readdir(d)))
        if (strncmp(de->d_name, pattern, strlen(pattern)) == 0)
            fail_msg("left behind: %s", de->d_name);
    closedir(d);
    free(pattern);
}

static void test_refuses_what_is_not_a_database(void **state)
{
    (void)state;
    char *text = in_dir("notes.txt");
    write_text(text, "my notes\n");
    expect_refused(text, "(not an SQLite file)");
    char *kept = read_text(text);
    assert_string_equal(kept, "my notes\n");
    free(kept);
    expect_no_temp(text);

    /* an SQLite file of another program */
    char *other = in_dir("other.sqlite");
    sqlite3 *sql = NULL;
    assert_int_equal(sqlite3_open(other, &sql), SQLITE_OK);
    assert_int_equal(sqlite3_exec(sql,
                                  "CREATE TABLE meta(key, value);"
                                  "INSERT INTO meta VALUES('schema_version', '1');",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    sqlite3_close(sql);
    expect_refused(other, "without lockdown's tables");

    /* a FIFO: refused at once, never opened for a blocking read */
    char *fifo = in_dir("fifo.db");
    assert_int_equal(mkfifo(fifo, 0600), 0);
    expect_refused(fifo, "(it is a FIFO)");
    struct stat st;
    assert_int_equal(lstat(fifo, &st), 0);
    assert_true(S_ISFIFO(st.st_mode));

    /* a device (as root this used to replace /dev/null itself) */
    expect_refused("/dev/null", "(it is a character device)");
    assert_int_equal(lstat("/dev/null", &st), 0);
    assert_true(S_ISCHR(st.st_mode));

    /* a directory */
    char *sub = in_dir("a-dir");
    assert_int_equal(mkdir(sub, 0700), 0);
    expect_refused(sub, "(it is a directory)");

    /* links: dangling (its target is not created) and to a text file */
    char *dangling = in_dir("dangling.db");
    char *target = in_dir("nowhere.db");
    assert_int_equal(symlink(target, dangling), 0);
    expect_refused(dangling, "a symbolic link to a missing file");
    assert_int_equal(lstat(target, &st), -1);
    assert_int_equal(errno, ENOENT);
    char *to_text = in_dir("to-text.db");
    assert_int_equal(symlink(text, to_text), 0);
    expect_refused(to_text, "(not an SQLite file)");
    assert_int_equal(lstat(to_text, &st), 0);
    assert_true(S_ISLNK(st.st_mode));

    free(text);
    free(other);
    free(fifo);
    free(sub);
    free(dangling);
    free(target);
    free(to_text);
}

static long count_npm(const char *path)
{
    sqlite3 *sql = NULL;
    assert_int_equal(sqlite3_open_v2(path, &sql, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    sqlite3_stmt *st = NULL;
    assert_int_equal(sqlite3_prepare_v2(sql,
                                        "SELECT count(*) FROM affected WHERE ecosystem = "
                                        "'npm'",
                                        -1, &st, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    long n = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(sql);
    return n;
}

static void test_accepts_missing_empty_database_and_links_to_one(void **state)
{
    (void)state;
    ld_error err = LD_ERROR_INIT;
    char *fresh = in_dir("sub/dir/fresh.db"); /* parents are made */
    if (build(fresh, &err) != 0)
        fail_msg("%s", err.msg);
    assert_true(count_npm(fresh) > 0);
    /* and again over the database it made */
    if (build(fresh, &err) != 0)
        fail_msg("%s", err.msg);

    char *empty = in_dir("empty.db");
    write_text(empty, "");
    if (build(empty, &err) != 0)
        fail_msg("%s", err.msg);
    assert_true(count_npm(empty) > 0);

    /* a link to a database: the target is replaced, the link stays a link
     * and the temporary file was made beside the target */
    char *link = in_dir("link.db");
    assert_int_equal(symlink(empty, link), 0);
    struct stat before, after;
    assert_int_equal(stat(empty, &before), 0);
    if (build(link, &err) != 0)
        fail_msg("%s", err.msg);
    struct stat lst;
    assert_int_equal(lstat(link, &lst), 0);
    assert_true(S_ISLNK(lst.st_mode));
    assert_int_equal(stat(empty, &after), 0);
    assert_true(before.st_ino != after.st_ino); /* renamed over: a new file */
    assert_true(count_npm(link) > 0);
    expect_no_temp(empty);
    free(fresh);
    free(empty);
    free(link);
}

/* Creates path (a file, or a directory holding one file) with mtime
 * age_s seconds ago. */
static void make_leftover(const char *path, bool is_dir, long age_s)
{
    if (is_dir) {
        assert_int_equal(mkdir(path, 0700), 0);
        char *inner = ld_xasprintf("%s/osv-npm", path);
        write_text(inner, "partial download");
        struct timeval tv[2];
        gettimeofday(&tv[0], NULL);
        tv[0].tv_sec -= age_s;
        tv[1] = tv[0];
        assert_int_equal(utimes(inner, tv), 0);
        free(inner);
    } else {
        write_text(path, "partial database");
    }
    struct timeval tv[2];
    gettimeofday(&tv[0], NULL);
    tv[0].tv_sec -= age_s;
    tv[1] = tv[0];
    assert_int_equal(utimes(path, tv), 0);
}

static bool exists(const char *path)
{
    struct stat st;
    return lstat(path, &st) == 0;
}

static void test_remove_stale(void **state)
{
    (void)state;
    char *dest = in_dir("vuln.db");
    long old = LDB_STALE_SECONDS + 600;
    char *stale_tmp = in_dir("vuln.db.tmp-Ab3dE9");
    char *stale_dl = in_dir("vuln.db.dl-Zx81Qa");
    char *fresh_tmp = in_dir("vuln.db.tmp-fresh1");  /* a run under way */
    char *long_name = in_dir("vuln.db.tmp-Ab3dE9x"); /* not our pattern */
    char *other_db = in_dir("other.db.tmp-Ab3dE9");  /* another database's */
    char *locked = in_dir("vuln.db.tmp-Locked");     /* a build holds its lock */
    char *dl_subdir = in_dir("vuln.db.dl-WithDr");   /* holds a directory: not ours */
    char *tmp_dir = in_dir("vuln.db.tmp-IsADir");    /* a directory named like a file */
    make_leftover(stale_tmp, false, old);
    make_leftover(stale_dl, true, old);
    make_leftover(fresh_tmp, false, 5);
    make_leftover(long_name, false, old);
    make_leftover(other_db, false, old);
    make_leftover(locked, false, old);
    make_leftover(dl_subdir, true, old);
    char *nested = ld_xasprintf("%s/nested", dl_subdir);
    assert_int_equal(mkdir(nested, 0700), 0);
    struct timeval tv[2];
    gettimeofday(&tv[0], NULL);
    tv[0].tv_sec -= old;
    tv[1] = tv[0];
    assert_int_equal(utimes(nested, tv), 0);
    assert_int_equal(utimes(dl_subdir, tv), 0);
    assert_int_equal(mkdir(tmp_dir, 0700), 0);
    assert_int_equal(utimes(tmp_dir, tv), 0);

    int lock_fd = open(locked, O_RDONLY | O_CLOEXEC);
    assert_true(lock_fd >= 0);
    assert_int_equal(flock(lock_fd, LOCK_EX | LOCK_NB), 0);

    assert_int_equal(ldb_remove_stale(dest), 2);
    assert_false(exists(stale_tmp));
    assert_false(exists(stale_dl));
    assert_true(exists(fresh_tmp));
    assert_true(exists(long_name));
    assert_true(exists(other_db));
    assert_true(exists(locked));
    assert_true(exists(nested));
    assert_true(exists(tmp_dir));

    /* the lock released (the build died): removed on the next run */
    close(lock_fd);
    assert_int_equal(ldb_remove_stale(dest), 1);
    assert_false(exists(locked));

    /* another user's leftovers are not ours to remove */
    if (geteuid() == 0) {
        char *theirs = in_dir("vuln.db.tmp-Theirs");
        make_leftover(theirs, false, old);
        assert_int_equal(lchown(theirs, 65534, 65534), 0);
        assert_int_equal(ldb_remove_stale(dest), 0);
        assert_true(exists(theirs));
        free(theirs);
    }

    /* a build removes them itself before it starts */
    make_leftover(stale_tmp, false, old);
    ld_error err = LD_ERROR_INIT;
    if (build(dest, &err) != 0)
        fail_msg("%s", err.msg);
    assert_false(exists(stale_tmp));

    free(dest);
    free(stale_tmp);
    free(stale_dl);
    free(fresh_tmp);
    free(long_name);
    free(other_db);
    free(locked);
    free(dl_subdir);
    free(nested);
    free(tmp_dir);
}

/* Once the cancel flag is set, the builder's next statement fails, and
 * abort leaves nothing behind. */
static void test_cancel(void **state)
{
    (void)state;
    char *dest = in_dir("cancel.db");
    ld_error err = LD_ERROR_INIT;
    ld_vulndb_builder *b = ld_vulndb_builder_new(dest, true, NULL, &err);
    assert_non_null(b);
    volatile sig_atomic_t stop = 1;
    ldb_builder_set_cancel(b, &stop);
    long long n = 0;
    assert_true(ld_vulndb_builder_import(b, FEEDS "/osv-npm", LD_FEED_AUTO, NULL, &n, &err) < 0);
    assert_non_null(strstr(err.msg, "interrupted"));
    ld_vulndb_builder_abort(b);
    expect_no_temp(dest);
    assert_false(exists(dest));
    free(dest);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_refuses_what_is_not_a_database),
        cmocka_unit_test(test_accepts_missing_empty_database_and_links_to_one),
        cmocka_unit_test(test_remove_stale),
        cmocka_unit_test(test_cancel),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
