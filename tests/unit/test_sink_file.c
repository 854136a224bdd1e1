/* Unit tests for lockdown watch's alert files (src/runtime/sink_file.c and
 * the file outputs of sink.c): created 0600, appended, a symbolic link, a
 * directory, a FIFO and a file with other hard links refused; rotation by
 * size FILE -> FILE.1 -> ... -> FILE.<keep> keeping every record in order
 * and removing the oldest; a failed rotation counted while the record is
 * still written; --format syslog files holding RFC 5424 lines. */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>

#include "runtime/sink_internal.h"
#include "test_sink_util.h"
#include "util/mem.h"

static char dir[] = "/tmp/ld-sink-file-XXXXXX";

static char *in_dir(const char *name)
{
    return ld_xasprintf("%s/%s", dir, name);
}

static int rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    return remove(path);
}

static int setup(void **state)
{
    (void)state;
    return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    return nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* A fresh subdirectory per test. */
static char *fresh(const char *name)
{
    char *d = in_dir(name);
    assert_int_equal(mkdir(d, 0700), 0);
    return d;
}

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "re");
    if (!f)
        return NULL;
    char *buf = ld_xmalloc(1 << 20);
    size_t n = fread(buf, 1, (1 << 20) - 1, f);
    fclose(f);
    buf[n] = '\0';
    if (len)
        *len = n;
    return buf;
}

static bool exists(const char *path)
{
    struct stat st;
    return lstat(path, &st) == 0;
}

static void created_0600_and_appended(void **state)
{
    (void)state;
    char *d = fresh("create");
    char *path = ld_xasprintf("%s/alerts.log", d);
    mode_t old = umask(0); /* the mode must not depend on the umask */
    ld_error err = LD_ERROR_INIT;
    ld_rt_file *f = ld_rt_file_open(path, 0, 0, &err);
    umask(old);
    assert_non_null(f);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 07777, 0600);
    assert_int_equal(ld_rt_file_write(f, "one\n", 4, &err), 0);
    ld_rt_file_close(f);
    f = ld_rt_file_open(path, 0, 0, &err);
    assert_non_null(f);
    assert_int_equal(ld_rt_file_write(f, "two\n", 4, &err), 0);
    ld_rt_file_close(f);
    char *text = slurp(path, NULL);
    assert_string_equal(text, "one\ntwo\n");
    free(text);
    free(path);
    free(d);
}

static void unsafe_targets_are_refused(void **state)
{
    (void)state;
    char *d = fresh("refuse");
    char *target = ld_xasprintf("%s/target", d);
    char *slink = ld_xasprintf("%s/link", d);
    char *hard = ld_xasprintf("%s/hard", d);
    char *fifo = ld_xasprintf("%s/fifo", d);
    char *sub = ld_xasprintf("%s/sub", d);
    char *sub_slash = ld_xasprintf("%s/sub/", d);
    FILE *t = fopen(target, "we");
    assert_non_null(t);
    fputs("precious\n", t);
    fclose(t);
    assert_int_equal(symlink(target, slink), 0);
    assert_int_equal(link(target, hard), 0);
    assert_int_equal(mkfifo(fifo, 0600), 0);
    assert_int_equal(mkdir(sub, 0700), 0);

    ld_error err = LD_ERROR_INIT;
    assert_null(ld_rt_file_open(slink, 0, 0, &err));
    assert_non_null(strstr(err.msg, "symbolic link"));
    ld_error_clear(&err);
    assert_null(ld_rt_file_open(hard, 0, 0, &err));
    assert_non_null(strstr(err.msg, "hard links"));
    ld_error_clear(&err);
    assert_null(ld_rt_file_open(fifo, 0, 0, &err)); /* and it did not block */
    assert_non_null(strstr(err.msg, "not a regular file"));
    ld_error_clear(&err);
    assert_null(ld_rt_file_open(sub, 0, 0, &err));
    assert_int_not_equal(err.code, LD_OK);
    ld_error_clear(&err);
    assert_null(ld_rt_file_open(sub_slash, 0, 0, &err));
    assert_non_null(strstr(err.msg, "directory"));
    ld_error_clear(&err);
    char *missing = ld_xasprintf("%s/no/such/dir/x.log", d);
    assert_null(ld_rt_file_open(missing, 0, 0, &err));
    assert_non_null(strstr(err.msg, "no/such/dir"));
    free(missing);
    /* nothing was written through the link or the hard link */
    char *text = slurp(target, NULL);
    assert_string_equal(text, "precious\n");
    free(text);
    free(target);
    free(slink);
    free(hard);
    free(fifo);
    free(sub);
    free(sub_slash);
    free(d);
}

/* Record i: "record NNNN ....\n", 40 bytes. */
static void record(char out[41], int i)
{
    snprintf(out, 41, "record %04u ...........................\n", (unsigned)(i % 10000));
    assert_int_equal(strlen(out), 40);
}

static void rotation_keeps_order_and_removes_the_oldest(void **state)
{
    (void)state;
    char *d = fresh("rotate");
    char *path = ld_xasprintf("%s/a.log", d);
    ld_error err = LD_ERROR_INIT;
    /* 100 bytes: two records per file; keep 3 rotated files */
    ld_rt_file *f = ld_rt_file_open(path, 100, 3, &err);
    assert_non_null(f);
    const int total = 20;
    for (int i = 0; i < total; i++) {
        char rec[41];
        record(rec, i);
        assert_int_equal(ld_rt_file_write(f, rec, 40, &err), 0);
    }
    ld_rt_file_close(f);
    /* a.log, a.log.1 .. a.log.3; no a.log.4 */
    char *names[4];
    names[0] = ld_xasprintf("%s", path);
    for (int i = 1; i <= 3; i++)
        names[i] = ld_xasprintf("%s.%d", path, i);
    char *four = ld_xasprintf("%s.4", path);
    assert_false(exists(four));
    free(four);
    /* oldest first: a.log.3, a.log.2, a.log.1, a.log hold the last 8
     * records, in order, each file at most 100 bytes and 0600 */
    int expect = total - 8;
    for (int k = 3; k >= 0; k--) {
        size_t len = 0;
        char *text = slurp(names[k], &len);
        assert_non_null(text);
        assert_true(len <= 100);
        assert_int_equal(len % 40, 0);
        for (size_t off = 0; off < len; off += 40) {
            char rec[41];
            record(rec, expect++);
            assert_memory_equal(text + off, rec, 40);
        }
        struct stat st;
        assert_int_equal(stat(names[k], &st), 0);
        assert_int_equal(st.st_mode & 0777, 0600);
        free(text);
        free(names[k]);
    }
    assert_int_equal(expect, total);
    free(path);
    free(d);
}

static void a_record_larger_than_the_limit_gets_its_own_file(void **state)
{
    (void)state;
    char *d = fresh("big");
    char *path = ld_xasprintf("%s/b.log", d);
    ld_error err = LD_ERROR_INIT;
    ld_rt_file *f = ld_rt_file_open(path, 50, 2, &err);
    assert_non_null(f);
    assert_int_equal(ld_rt_file_write(f, "small\n", 6, &err), 0);
    char big[200];
    memset(big, 'B', sizeof big - 1);
    big[sizeof big - 1] = '\n';
    assert_int_equal(ld_rt_file_write(f, big, sizeof big, &err), 0);
    assert_int_equal(ld_rt_file_write(f, "after\n", 6, &err), 0);
    ld_rt_file_close(f);
    char *one = ld_xasprintf("%s.1", path), *two = ld_xasprintf("%s.2", path);
    size_t len;
    char *t = slurp(two, &len);
    assert_string_equal(t, "small\n");
    free(t);
    t = slurp(one, &len);
    assert_int_equal(len, sizeof big);
    free(t);
    t = slurp(path, &len);
    assert_string_equal(t, "after\n");
    free(t);
    free(one);
    free(two);
    free(path);
    free(d);
}

static void a_failed_rotation_is_counted_and_the_record_kept(void **state)
{
    (void)state;
    char *d = fresh("rotfail");
    char *path = ld_xasprintf("%s/c.log", d);
    /* c.log.1 is a directory with something in it: c.log cannot be renamed onto it */
    char *blocker = ld_xasprintf("%s.1", path);
    assert_int_equal(mkdir(blocker, 0700), 0);
    char *inside = ld_xasprintf("%s/keep", blocker);
    FILE *k = fopen(inside, "we");
    assert_non_null(k);
    fclose(k);
    ld_error err = LD_ERROR_INIT;
    ld_rt_file *f = ld_rt_file_open(path, 50, 1, &err);
    assert_non_null(f);
    char rec[41];
    record(rec, 1);
    assert_int_equal(ld_rt_file_write(f, rec, 40, &err), 0);
    record(rec, 2);
    assert_true(ld_rt_file_write(f, rec, 40, &err) < 0);
    assert_non_null(strstr(err.msg, "rotation"));
    assert_int_equal(ld_rt_file_rotate_errors(f), 1);
    /* the next write within a second does not try again (and is not an error) */
    ld_error_clear(&err);
    record(rec, 3);
    assert_int_equal(ld_rt_file_write(f, rec, 40, &err), 0);
    assert_int_equal(ld_rt_file_rotate_errors(f), 1);
    ld_rt_file_close(f);
    size_t len;
    char *t = slurp(path, &len);
    assert_int_equal(len, 120); /* all three records */
    free(t);
    free(inside);
    free(blocker);
    free(path);
    free(d);
}

static void a_file_truncated_meanwhile_is_not_rotated(void **state)
{
    (void)state;
    char *d = fresh("trunc");
    char *path = ld_xasprintf("%s/t.log", d);
    ld_error err = LD_ERROR_INIT;
    ld_rt_file *f = ld_rt_file_open(path, 100, 2, &err);
    assert_non_null(f);
    char rec[41];
    record(rec, 1);
    assert_int_equal(ld_rt_file_write(f, rec, 40, &err), 0);
    record(rec, 2);
    assert_int_equal(ld_rt_file_write(f, rec, 40, &err), 0);
    assert_int_equal(truncate(path, 0), 0); /* copytruncate by someone else */
    record(rec, 3);
    assert_int_equal(ld_rt_file_write(f, rec, 40, &err), 0);
    ld_rt_file_close(f);
    char *one = ld_xasprintf("%s.1", path);
    assert_false(exists(one));
    free(one);
    free(path);
    free(d);
}

static void sink_files_in_both_formats(void **state)
{
    (void)state;
    char *d = fresh("formats");
    char *jpath = ld_xasprintf("%s/alerts.json", d);
    char *spath = ld_xasprintf("%s/alerts.syslog", d);
    ld_error err = LD_ERROR_INIT;
    ld_rt_sink_options jo = {.spec = jpath, .format = LD_RT_FMT_JSON};
    ld_rt_sink_options so = {.spec = spath, .format = LD_RT_FMT_SYSLOG, .facility = 16};
    ld_rt_sink *js = ld_rt_sink_open(&jo, &err);
    assert_non_null(js);
    ld_rt_sink *ss = ld_rt_sink_open(&so, &err);
    assert_non_null(ss);
    sample_alert s;
    sample_init(&s);
    for (int i = 0; i < 3; i++) {
        assert_int_equal(ld_rt_sink_alert(js, &s.alert, &err), 0);
        assert_int_equal(ld_rt_sink_alert(ss, &s.alert, &err), 0);
    }
    ld_rt_watch_stats st = {.events = 9, .emitted = 3, .final = true, .source = "ebpf"};
    assert_int_equal(ld_rt_sink_stats(js, &st, &err), 0);
    assert_int_equal(ld_rt_sink_stats(ss, &st, &err), 0);
    assert_int_equal(ld_rt_sink_dropped(js), 0);
    ld_rt_sink_close(js);
    ld_rt_sink_close(ss);

    char *text = slurp(jpath, NULL);
    int lines = 0;
    for (char *save = NULL, *l = strtok_r(text, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
        json_error_t jerr;
        json_t *doc = json_loads(l, 0, &jerr);
        assert_non_null(doc);
        const char *kind =
            json_string_value(json_object_get(json_object_get(doc, "event"), "kind"));
        assert_string_equal(kind, lines < 3 ? "alert" : "metric");
        json_decref(doc);
        lines++;
    }
    assert_int_equal(lines, 4);
    free(text);

    text = slurp(spath, NULL);
    lines = 0;
    for (char *save = NULL, *l = strtok_r(text, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
        assert_true(strncmp(l, lines < 3 ? "<132>1 " : "<134>1 ", 7) ==
                    0); /* local0.warning/info */
        lines++;
    }
    assert_int_equal(lines, 4);
    free(text);
    free(jpath);
    free(spath);
    free(d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(created_0600_and_appended),
        cmocka_unit_test(unsafe_targets_are_refused),
        cmocka_unit_test(rotation_keeps_order_and_removes_the_oldest),
        cmocka_unit_test(a_record_larger_than_the_limit_gets_its_own_file),
        cmocka_unit_test(a_failed_rotation_is_counted_and_the_record_kept),
        cmocka_unit_test(a_file_truncated_meanwhile_is_not_rotated),
        cmocka_unit_test(sink_files_in_both_formats),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
