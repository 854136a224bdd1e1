/* Unit tests for the one way input files are opened (src/util/input_file.c):
 * a FIFO, a device, a directory or a socket is refused at once (never
 * waited on) with a message naming path, role and kind; regular files and
 * links to them are read whole under a cap, including files whose size
 * says nothing (/proc). */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cmocka.h>

#include "util/input_file.h"
#include "util/mem.h"

static char dir[] = "/tmp/ld-input-file-XXXXXX";

static char *in_dir(const char *name)
{
    return ld_xasprintf("%s/%s", dir, name);
}

static char *write_file(const char *name, const char *data, size_t len)
{
    char *path = in_dir(name);
    FILE *f = fopen(path, "we");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
    return path;
}

/* A test that would block in open() must fail, not hang the suite. */
static void on_alarm(int sig)
{
    (void)sig;
    static const char msg[] = "blocked: the open of a non-regular file did not return\n";
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

static void expect_refused(const char *path, const char *what, const char *kind)
{
    ld_error err = LD_ERROR_INIT;
    alarm(5);
    int fd = ld_input_open(path, what, NULL, &err);
    alarm(0);
    assert_true(fd < 0);
    assert_int_equal(fd, LD_ERR_INVALID);
    assert_int_equal(err.code, LD_ERR_INVALID);
    char *want = ld_xasprintf("%s: %s is not a regular file (it is %s)", path, what, kind);
    if (strcmp(err.msg, want) != 0)
        fail_msg("got \"%s\", expected \"%s\"", err.msg, want);
    free(want);

    /* the whole-file read refuses it the same way */
    char *buf = (char *)"untouched";
    size_t len = 7;
    alarm(5);
    assert_int_equal(ld_input_read(path, what, 1024, &buf, &len, &err), LD_ERR_INVALID);
    alarm(0);
    assert_null(buf);
    assert_int_equal(len, 0);
    assert_non_null(strstr(err.msg, kind));
}

static void test_fifo_refused_without_blocking(void **state)
{
    (void)state;
    char *fifo = in_dir("fifo");
    assert_int_equal(mkfifo(fifo, 0600), 0);
    /* nobody writes to it: a blocking open would never return */
    expect_refused(fifo, "VEX document", "a FIFO");
    /* through a symbolic link too */
    char *link = in_dir("fifo-link");
    assert_int_equal(symlink(fifo, link), 0);
    expect_refused(link, "ignore file", "a FIFO");
    free(link);
    free(fifo);
}

static void test_other_kinds_refused(void **state)
{
    (void)state;
    expect_refused("/dev/null", "policy", "a character device");
    expect_refused(dir, "feed", "a directory");

    /* a socket cannot even be opened (ENXIO): still named for what it is */
    char *sock = in_dir("sock");
    int s = socket(AF_UNIX, SOCK_STREAM, 0);
    assert_true(s >= 0);
    struct sockaddr_un a = {.sun_family = AF_UNIX};
    snprintf(a.sun_path, sizeof(a.sun_path), "%s", sock);
    assert_int_equal(bind(s, (struct sockaddr *)&a, sizeof(a)), 0);
    expect_refused(sock, "source configuration", "a socket");
    close(s);
    free(sock);
}

static void test_missing(void **state)
{
    (void)state;
    ld_error err = LD_ERROR_INIT;
    char *path = in_dir("nope/none.json");
    assert_int_equal(ld_input_open(path, "VEX document", NULL, &err), LD_ERR_NOT_FOUND);
    assert_non_null(strstr(err.msg, "none.json: cannot open VEX document: "));
    assert_int_equal(err.sys_errno, ENOENT);
    /* no role given: "input" */
    assert_int_equal(ld_input_open(path, NULL, NULL, &err), LD_ERR_NOT_FOUND);
    assert_non_null(strstr(err.msg, "cannot open input"));
    free(path);
}

static void test_regular_file_opened_blocking_cloexec(void **state)
{
    (void)state;
    char *path = write_file("ok.txt", "abc", 3);
    ld_error err = LD_ERROR_INIT;
    struct stat st;
    int fd = ld_input_open(path, "policy", &st, &err);
    if (fd < 0)
        fail_msg("%s", err.msg);
    assert_true(S_ISREG(st.st_mode));
    assert_int_equal(st.st_size, 3);
    int fl = fcntl(fd, F_GETFL);
    assert_true(fl >= 0);
    assert_int_equal(fl & O_NONBLOCK, 0); /* cleared after the check */
    assert_int_equal(fl & O_ACCMODE, O_RDONLY);
    assert_true(fcntl(fd, F_GETFD) & FD_CLOEXEC);
    char *buf = NULL;
    size_t len = 0;
    assert_int_equal(ld_input_read_fd(fd, path, "policy", 16, &buf, &len, &err), 0);
    assert_int_equal(len, 3);
    assert_string_equal(buf, "abc");
    free(buf);
    close(fd);

    /* a link to a regular file is an ordinary input */
    char *link = in_dir("ok-link");
    assert_int_equal(symlink(path, link), 0);
    assert_int_equal(ld_input_read(link, "policy", 16, &buf, &len, &err), 0);
    assert_string_equal(buf, "abc");
    free(buf);
    free(link);
    free(path);
}

static void test_cap(void **state)
{
    (void)state;
    char data[1025];
    memset(data, 'x', sizeof(data));
    ld_error err = LD_ERROR_INIT;
    char *buf = NULL;
    size_t len = 0;

    /* exactly the cap: read, NUL-terminated */
    char *at = write_file("at-cap", data, 1024);
    assert_int_equal(ld_input_read(at, "ignore file", 1024, &buf, &len, &err), 0);
    assert_int_equal(len, 1024);
    assert_int_equal(buf[1024], '\0');
    free(buf);

    /* one byte more: refused before reading, with both sizes */
    char *over = write_file("over-cap", data, 1025);
    assert_int_equal(ld_input_read(over, "ignore file", 1024, &buf, &len, &err), LD_ERR_LIMIT);
    assert_null(buf);
    char *want = ld_xasprintf("%s: ignore file is larger than 1 KiB (1025 bytes); is this the "
                              "right file?",
                              over);
    assert_string_equal(err.msg, want);
    free(want);

    /* a cap that is no whole KiB or MiB is given in bytes */
    assert_int_equal(ld_input_read(over, "policy", 1000, &buf, &len, &err), LD_ERR_LIMIT);
    assert_non_null(strstr(err.msg, "larger than 1000 bytes (1025 bytes)"));

    /* an empty file is an empty buffer */
    char *empty = write_file("empty", "", 0);
    assert_int_equal(ld_input_read(empty, "feed", 10, &buf, &len, &err), 0);
    assert_int_equal(len, 0);
    assert_string_equal(buf, "");
    free(buf);
    free(empty);
    free(at);
    free(over);
}

/* Files whose size says 0 (/proc) are read until the end, and the cap
 * still holds while reading. */
static void test_size_is_only_a_hint(void **state)
{
    (void)state;
    ld_error err = LD_ERROR_INIT;
    char *buf = NULL;
    size_t len = 0;
    struct stat st;
    assert_int_equal(stat("/proc/self/status", &st), 0);
    assert_int_equal(st.st_size, 0);
    assert_int_equal(ld_input_read("/proc/self/status", "status", 1 << 20, &buf, &len, &err), 0);
    assert_true(len > 100);
    assert_non_null(strstr(buf, "Name:"));
    assert_int_equal(strlen(buf), len);
    free(buf);

    assert_int_equal(ld_input_read("/proc/self/status", "status", 64, &buf, &len, &err),
                     LD_ERR_LIMIT);
    assert_null(buf);
    assert_non_null(strstr(err.msg, "/proc/self/status: status is larger than 64 bytes;"));

    /* a file that grew past the cap after ld_input_open is measured again
     * when it is read, not trusted from the open */
    char data[300];
    memset(data, 'y', sizeof(data));
    char *grow = write_file("grows", data, 100);
    int fd = ld_input_open(grow, "feed", NULL, &err);
    assert_true(fd >= 0);
    FILE *f = fopen(grow, "ae");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, 200, f), 200);
    fclose(f);
    assert_int_equal(ld_input_read_fd(fd, grow, "feed", 200, &buf, &len, &err), LD_ERR_LIMIT);
    assert_null(buf);
    close(fd);
    free(grow);
}

static void test_kind_names(void **state)
{
    (void)state;
    assert_string_equal(ld_file_kind(S_IFIFO | 0600), "a FIFO");
    assert_string_equal(ld_file_kind(S_IFDIR | 0755), "a directory");
    assert_string_equal(ld_file_kind(S_IFCHR), "a character device");
    assert_string_equal(ld_file_kind(S_IFBLK), "a block device");
    assert_string_equal(ld_file_kind(S_IFSOCK), "a socket");
    assert_string_equal(ld_file_kind(S_IFLNK), "a symbolic link");
    assert_string_equal(ld_file_kind(S_IFREG | 0644), "a regular file");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fifo_refused_without_blocking),
        cmocka_unit_test(test_other_kinds_refused),
        cmocka_unit_test(test_missing),
        cmocka_unit_test(test_regular_file_opened_blocking_cloexec),
        cmocka_unit_test(test_cap),
        cmocka_unit_test(test_size_is_only_a_hint),
        cmocka_unit_test(test_kind_names),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
