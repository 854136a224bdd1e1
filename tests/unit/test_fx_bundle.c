/* Unit tests for the evidence bundle writer (forensics/bundle.c): the
 * bundle directory is made new or taken empty, never through a link; an
 * artifact's SHA-256 and size are those of the bytes on the disk (checked
 * by reading the file back and hashing it apart); zeros written as a hole
 * hash and read as real zeros; O_EXCL|O_NOFOLLOW keeps links planted in the
 * bundle from sending bytes anywhere else; paths that are not lockdown's
 * own are refused; safe_name keeps different names apart; copy_fd stops
 * at its cap with a note, and records nothing when the first read fails. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "forensics/bundle.h"
#include "util/mem.h"

#include "test_fx_util.h"
#include "test_skip.h"

/* ---- the bundle directory ---- */

static void test_create_new_and_empty(void **state)
{
    (void)state;
    char *tmp = fx_tmpdir();
    char *dir = fx_path(tmp, "bundle");
    ld_error err = LD_ERROR_INIT;
    ld_fx_bundle *b = ld_fx_bundle_create(dir, &err);
    assert_non_null(b);
    struct stat st;
    assert_int_equal(lstat(dir, &st), 0);
    assert_true(S_ISDIR(st.st_mode));
    assert_int_equal(st.st_mode & 077, 0); /* 0700: nobody else reads evidence */
    assert_string_equal(ld_fx_bundle_dir(b), dir);
    assert_true(ld_fx_bundle_dirfd(b) >= 0);
    ld_fx_bundle_free(b);

    /* the same directory again, still empty: taken */
    b = ld_fx_bundle_create(dir, &err);
    assert_non_null(b);
    assert_int_equal(ld_fx_bundle_write_file(b, "x", "k", "1", 1, &err), 0);
    ld_fx_bundle_free(b);

    /* now it holds a file: refused */
    ld_error_clear(&err);
    assert_null(ld_fx_bundle_create(dir, &err));
    assert_int_equal(err.code, LD_ERR_INVALID);
    assert_non_null(strstr(err.msg, "not empty"));

    /* no parent made */
    char *deep = fx_path(tmp, "no/such/bundle");
    ld_error_clear(&err);
    assert_null(ld_fx_bundle_create(deep, &err));
    assert_int_not_equal(err.code, LD_OK);
    free(deep);
    free(dir);
    fx_rmtree(tmp);
    free(tmp);
}

static void test_create_refuses_link_and_file(void **state)
{
    (void)state;
    char *tmp = fx_tmpdir();
    char *target = fx_path(tmp, "target");
    char *link = fx_path(tmp, "link");
    char *file = fx_path(tmp, "file");
    assert_int_equal(mkdir(target, 0700), 0);
    assert_int_equal(symlink(target, link), 0);
    fx_write(file, "x", 1);
    ld_error err = LD_ERROR_INIT;
    assert_null(ld_fx_bundle_create(link, &err));
    assert_int_equal(err.code, LD_ERR_INVALID);
    assert_non_null(strstr(err.msg, "symbolic link"));
    /* a trailing slash would make the kernel follow the link: refused too */
    char *slashed = ld_xasprintf("%s//", link);
    ld_error_clear(&err);
    assert_null(ld_fx_bundle_create(slashed, &err));
    assert_non_null(strstr(err.msg, "symbolic link"));
    ld_error_clear(&err);
    assert_null(ld_fx_bundle_create(file, &err));
    assert_int_equal(err.code, LD_ERR_INVALID);
    assert_non_null(strstr(err.msg, "not a directory"));
    ld_error_clear(&err);
    assert_null(ld_fx_bundle_create("", &err));
    free(slashed);
    free(target);
    free(link);
    free(file);
    fx_rmtree(tmp);
    free(tmp);
}

/* ---- artifacts ---- */

static void test_artifact_hash_and_size(void **state)
{
    (void)state;
    char *tmp = fx_tmpdir();
    char *dir = fx_path(tmp, "b");
    ld_error err = LD_ERROR_INIT;
    ld_fx_bundle *b = ld_fx_bundle_create(dir, &err);
    assert_non_null(b);

    /* a well-known vector first: SHA-256("abc") */
    assert_int_equal(ld_fx_bundle_write_file(b, "abc", LD_FX_KIND_HOST, "abc", 3, &err), 0);

    /* a streamed artifact in pieces, in a new nested directory */
    ld_fx_artifact *a = NULL;
    assert_int_equal(ld_fx_artifact_open(b, "processes/42/status", LD_FX_KIND_PROC_FILE, &a, &err),
                     0);
    size_t big = 3 * 1024 * 1024 + 7;
    unsigned char *data = ld_xmalloc(big);
    for (size_t i = 0; i < big; i++)
        data[i] = (unsigned char)(i * 131 + (i >> 9));
    assert_int_equal(ld_fx_artifact_write(a, data, 5, &err), 0);
    assert_int_equal(ld_fx_artifact_write(a, data + 5, big - 5, &err), 0);
    assert_int_equal(ld_fx_artifact_write(a, data, 0, &err), 0);
    assert_int_equal(ld_fx_artifact_size(a), big);
    assert_int_equal(ld_fx_artifact_close(a, &err), 0);

    size_t n = 0;
    const ld_fx_entry *e = ld_fx_bundle_entries(b, &n);
    assert_int_equal(n, 2);
    assert_string_equal(e[0].path, "abc");
    assert_string_equal(e[0].sha256,
                        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    assert_int_equal(e[0].size, 3);
    assert_string_equal(e[0].kind, LD_FX_KIND_HOST);
    assert_string_equal(e[1].path, "processes/42/status");
    assert_string_equal(e[1].kind, LD_FX_KIND_PROC_FILE);
    assert_int_equal(e[1].size, big);
    assert_false(e[1].truncated);
    assert_null(e[1].note);

    /* the recorded hash is the hash of the bytes on the disk */
    char *p = fx_path(dir, "processes/42/status");
    size_t len = 0;
    unsigned char *back = fx_read(p, &len);
    assert_non_null(back);
    assert_int_equal(len, big);
    assert_memory_equal(back, data, big);
    char hex[65];
    fx_sha256_hex(back, len, hex);
    assert_string_equal(e[1].sha256, hex);
    struct stat st;
    assert_int_equal(stat(p, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    char *pd = fx_path(dir, "processes/42");
    assert_int_equal(stat(pd, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0700);

    /* durability in one call */
    assert_int_equal(ld_fx_bundle_sync(b, &err), 0);

    free(pd);
    free(back);
    free(p);
    free(data);
    ld_fx_bundle_free(b);
    free(dir);
    fx_rmtree(tmp);
    free(tmp);
}

/* Writes prefix, n zeros through write_zeros, suffix; returns the entry's
 * sha256 and checks the bytes on the disk. */
static void zeros_case(ld_fx_bundle *b, const char *dir, const char *rel, uint64_t nz,
                       bool with_suffix)
{
    ld_error err = LD_ERROR_INIT;
    ld_fx_artifact *a = NULL;
    assert_int_equal(ld_fx_artifact_open(b, rel, LD_FX_KIND_CORE, &a, &err), 0);
    assert_int_equal(ld_fx_artifact_write(a, "HEAD", 4, &err), 0);
    assert_int_equal(ld_fx_artifact_write_zeros(a, nz, &err), 0);
    if (with_suffix)
        assert_int_equal(ld_fx_artifact_write(a, "TAIL", 4, &err), 0);
    assert_int_equal(ld_fx_artifact_close(a, &err), 0);

    /* the same bytes built in memory */
    size_t total = 4 + (size_t)nz + (with_suffix ? 4 : 0);
    unsigned char *want = ld_xcalloc(1, total);
    memcpy(want, "HEAD", 4);
    if (with_suffix)
        memcpy(want + 4 + nz, "TAIL", 4);
    char want_hex[65];
    fx_sha256_hex(want, total, want_hex);

    size_t n = 0;
    const ld_fx_entry *e = ld_fx_bundle_entries(b, &n);
    const ld_fx_entry *last = &e[n - 1];
    assert_string_equal(last->path, rel);
    assert_int_equal(last->size, total);
    assert_string_equal(last->sha256, want_hex);

    char *p = fx_path(dir, rel);
    size_t len = 0;
    unsigned char *back = fx_read(p, &len);
    assert_int_equal(len, total);
    assert_memory_equal(back, want, total);
    free(back);
    free(p);
    free(want);
}

static void test_write_zeros_hashes_as_zeros(void **state)
{
    (void)state;
    char *tmp = fx_tmpdir();
    char *dir = fx_path(tmp, "b");
    ld_error err = LD_ERROR_INIT;
    ld_fx_bundle *b = ld_fx_bundle_create(dir, &err);
    assert_non_null(b);
    zeros_case(b, dir, "small", 100, true);                       /* written */
    zeros_case(b, dir, "hole-middle", 5 * 1024 * 1024 + 3, true); /* a hole, then data */
    zeros_case(b, dir, "hole-end", 2 * 1024 * 1024 + 1, false);   /* a hole at the end */
    zeros_case(b, dir, "none", 0, true);
    ld_fx_bundle_free(b);
    free(dir);
    fx_rmtree(tmp);
    free(tmp);
}

static void test_paths_refused(void **state)
{
    (void)state;
    char *tmp = fx_tmpdir();
    char *dir = fx_path(tmp, "b");
    ld_error err = LD_ERROR_INIT;
    ld_fx_bundle *b = ld_fx_bundle_create(dir, &err);
    assert_non_null(b);
    ld_fx_artifact *a = NULL;
    const char *bad[] = {"../escape",    "/etc/passwd",   "a/../../x",        "", "a//b", ".hidden",
                         LD_FX_MANIFEST, LD_FX_SIGNATURE, "manifest.json.tmp"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        ld_error_clear(&err);
        assert_true(ld_fx_artifact_open(b, bad[i], "k", &a, &err) < 0);
        assert_int_equal(err.code, LD_ERR_INVALID);
        assert_null(a);
    }
    ld_error_clear(&err);
    assert_true(ld_fx_artifact_open(b, NULL, "k", &a, &err) < 0);
    ld_error_clear(&err);
    assert_true(ld_fx_artifact_open(b, "ok", NULL, &a, &err) < 0);

    /* an artifact is written once: the second is refused, the first stays */
    assert_int_equal(ld_fx_bundle_write_file(b, "once", "k", "first", 5, &err), 0);
    ld_error_clear(&err);
    assert_true(ld_fx_bundle_write_file(b, "once", "k", "second", 6, &err) < 0);
    assert_int_equal(err.code, LD_ERR_INVALID);
    char *p = fx_path(dir, "once");
    size_t len = 0;
    unsigned char *back = fx_read(p, &len);
    assert_int_equal(len, 5);
    assert_memory_equal(back, "first", 5);
    free(back);
    free(p);

    /* a file where a directory is needed */
    ld_error_clear(&err);
    assert_true(ld_fx_bundle_write_file(b, "once/below", "k", "x", 1, &err) < 0);

    size_t n = 0;
    ld_fx_bundle_entries(b, &n);
    assert_int_equal(n, 1);
    ld_fx_bundle_free(b);
    free(dir);
    fx_rmtree(tmp);
    free(tmp);
}

/* A link planted in the bundle, at a parent directory or at the artifact's
 * own name, sends no byte out of the bundle. */
static void test_planted_links_not_followed(void **state)
{
    (void)state;
    char *tmp = fx_tmpdir();
    char *dir = fx_path(tmp, "b");
    char *outside = fx_path(tmp, "outside");
    assert_int_equal(mkdir(outside, 0700), 0);
    ld_error err = LD_ERROR_INIT;
    ld_fx_bundle *b = ld_fx_bundle_create(dir, &err);
    assert_non_null(b);

    char *l1 = fx_path(dir, "processes");
    assert_int_equal(symlink(outside, l1), 0);
    assert_true(ld_fx_bundle_write_file(b, "processes/1/status", "k", "x", 1, &err) < 0);

    char *victim = fx_path(outside, "victim");
    char *l2 = fx_path(dir, "leaf");
    assert_int_equal(symlink(victim, l2), 0);
    ld_error_clear(&err);
    assert_true(ld_fx_bundle_write_file(b, "leaf", "k", "x", 1, &err) < 0);

    /* nothing was made outside, and nothing recorded */
    struct stat st;
    assert_int_equal(lstat(victim, &st), -1);
    char *made = fx_path(outside, "1");
    assert_int_equal(lstat(made, &st), -1);
    size_t n = 0;
    ld_fx_bundle_entries(b, &n);
    assert_int_equal(n, 0);

    free(made);
    free(victim);
    free(l1);
    free(l2);
    ld_fx_bundle_free(b);
    free(outside);
    free(dir);
    fx_rmtree(tmp);
    free(tmp);
}

static void test_abort_note_frozen(void **state)
{
    (void)state;
    char *tmp = fx_tmpdir();
    char *dir = fx_path(tmp, "b");
    ld_error err = LD_ERROR_INIT;
    ld_fx_bundle *b = ld_fx_bundle_create(dir, &err);
    assert_non_null(b);

    ld_fx_artifact *a = NULL;
    assert_int_equal(ld_fx_artifact_open(b, "gone", "k", &a, &err), 0);
    assert_int_equal(ld_fx_artifact_write(a, "partial", 7, &err), 0);
    ld_fx_artifact_abort(a);
    ld_fx_artifact_abort(NULL);
    char *p = fx_path(dir, "gone");
    struct stat st;
    assert_int_equal(lstat(p, &st), -1);
    free(p);

    /* notes join; truncated sticks once set */
    assert_int_equal(ld_fx_artifact_open(b, "noted", "k", &a, &err), 0);
    ld_fx_artifact_note(a, true, "stopped at %d bytes", 10);
    ld_fx_artifact_note(a, false, "process %d exited", 7);
    assert_int_equal(ld_fx_artifact_close(a, &err), 0);

    /* frozen: opened and closed while frozen */
    ld_fx_bundle_set_frozen(b, true);
    assert_int_equal(ld_fx_bundle_write_file(b, "frozen", "k", "f", 1, &err), 0);
    /* opened frozen, closed after the thaw: not frozen */
    assert_int_equal(ld_fx_artifact_open(b, "straddle", "k", &a, &err), 0);
    ld_fx_bundle_set_frozen(b, false);
    assert_int_equal(ld_fx_artifact_close(a, &err), 0);
    assert_int_equal(ld_fx_bundle_write_file(b, "after", "k", "a", 1, &err), 0);

    ld_fx_bundle_note(b, "process %d exited during the capture", 4242);
    ld_fx_bundle_note(b, "second");

    size_t n = 0;
    const ld_fx_entry *e = ld_fx_bundle_entries(b, &n);
    assert_int_equal(n, 4);
    assert_string_equal(e[0].path, "noted");
    assert_true(e[0].truncated);
    assert_string_equal(e[0].note, "stopped at 10 bytes; process 7 exited");
    assert_false(e[0].frozen);
    assert_string_equal(e[1].path, "frozen");
    assert_true(e[1].frozen);
    assert_string_equal(e[2].path, "straddle");
    assert_false(e[2].frozen);
    assert_string_equal(e[3].path, "after");
    assert_false(e[3].frozen);
    const char *const *notes = ld_fx_bundle_notes(b, &n);
    assert_int_equal(n, 2);
    assert_string_equal(notes[0], "process 4242 exited during the capture");
    assert_string_equal(notes[1], "second");

    ld_fx_bundle_free(b);
    free(dir);
    fx_rmtree(tmp);
    free(tmp);
}

/* A pipe holding len bytes of a pattern, write end closed. */
static int pipe_with(size_t len)
{
    int p[2];
    assert_int_equal(pipe(p), 0);
    fcntl(p[1], F_SETPIPE_SZ, 1024 * 1024);
    char *buf = ld_xmalloc(len ? len : 1);
    for (size_t i = 0; i < len; i++)
        buf[i] = (char)('a' + i % 26);
    assert_int_equal(write(p[1], buf, len), (ssize_t)len);
    close(p[1]);
    free(buf);
    return p[0];
}

static void test_copy_fd(void **state)
{
    (void)state;
    char *tmp = fx_tmpdir();
    char *dir = fx_path(tmp, "b");
    ld_error err = LD_ERROR_INIT;
    ld_fx_bundle *b = ld_fx_bundle_create(dir, &err);
    assert_non_null(b);

    int fd = pipe_with(300000);
    assert_int_equal(ld_fx_bundle_copy_fd(b, "all", "k", fd, 0, &err), 0);
    close(fd);
    fd = pipe_with(300000);
    assert_int_equal(ld_fx_bundle_copy_fd(b, "exact", "k", fd, 300000, &err), 0);
    close(fd);
    fd = pipe_with(300000);
    assert_int_equal(ld_fx_bundle_copy_fd(b, "cut", "k", fd, 1000, &err), 0);
    close(fd);
    fd = pipe_with(0);
    assert_int_equal(ld_fx_bundle_copy_fd(b, "empty", "k", fd, 10, &err), 0);
    close(fd);

    /* the first read fails: nothing made, nothing recorded */
    int wonly = open("/dev/null", O_WRONLY | O_CLOEXEC);
    ld_error_clear(&err);
    assert_true(ld_fx_bundle_copy_fd(b, "failed", "k", wonly, 0, &err) < 0);
    assert_int_equal(err.sys_errno, EBADF);
    close(wonly);
    char *p = fx_path(dir, "failed");
    struct stat st;
    assert_int_equal(lstat(p, &st), -1);
    free(p);

    size_t n = 0;
    const ld_fx_entry *e = ld_fx_bundle_entries(b, &n);
    assert_int_equal(n, 4);
    assert_int_equal(e[0].size, 300000);
    assert_false(e[0].truncated);
    assert_int_equal(e[1].size, 300000);
    assert_false(e[1].truncated);
    assert_string_equal(e[0].sha256, e[1].sha256);
    assert_int_equal(e[2].size, 1000);
    assert_true(e[2].truncated);
    assert_non_null(strstr(e[2].note, "stopped at 1000 bytes"));
    assert_int_equal(e[3].size, 0);
    assert_string_equal(e[3].sha256,
                        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    char hex[65];
    char *cut = fx_path(dir, "cut");
    assert_int_equal(fx_sha256_file(cut, hex), 0);
    assert_string_equal(e[2].sha256, hex);
    free(cut);

    ld_fx_bundle_free(b);
    free(dir);
    fx_rmtree(tmp);
    free(tmp);
}

/* ---- names ---- */

static void test_relpath_ok(void **state)
{
    (void)state;
    const char *good[] = {"a",
                          "processes/12/core",
                          "network/tcp6",
                          "volumes/data-1.tar",
                          "container/logs/stdout.log",
                          "a.b_c-D9",
                          "sub/manifest.json",
                          "x..y",
                          "a/b./c"};
    for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
        assert_true(ld_fx_relpath_ok(good[i]));
    const char *bad[] = {"",
                         "/",
                         "/abs",
                         "..",
                         ".",
                         "a/..",
                         "../a",
                         "a/../b",
                         "a/./b",
                         "a//b",
                         "a/",
                         ".hidden",
                         "a/.b",
                         "a b",
                         "a\\b",
                         "a:b",
                         "caf\xc3\xa9",
                         "a\nb",
                         "manifest.json",
                         "manifest.json.sig",
                         "manifest.jsonx"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        assert_false(ld_fx_relpath_ok(bad[i]));
    assert_false(ld_fx_relpath_ok(NULL));

    char comp[LD_FX_NAME_MAX + 2];
    memset(comp, 'c', sizeof comp);
    comp[LD_FX_NAME_MAX] = '\0';
    assert_true(ld_fx_relpath_ok(comp));
    comp[LD_FX_NAME_MAX] = 'c';
    comp[LD_FX_NAME_MAX + 1] = '\0';
    assert_false(ld_fx_relpath_ok(comp));

    char *longp = ld_xmalloc(LD_FX_RELPATH_MAX + 2);
    for (size_t i = 0; i < LD_FX_RELPATH_MAX + 1; i++)
        longp[i] = (i % 4 == 3) ? '/' : 'p';
    longp[LD_FX_RELPATH_MAX] = 'p';
    longp[LD_FX_RELPATH_MAX + 1] = '\0';
    assert_false(ld_fx_relpath_ok(longp));
    longp[LD_FX_RELPATH_MAX - 1] = 'p';
    longp[LD_FX_RELPATH_MAX] = '\0';
    assert_true(ld_fx_relpath_ok(longp));
    free(longp);
}

static void safe(const char *name, size_t len, char out[80])
{
    memset(out, 0x5a, 80);
    ld_fx_safe_name(name, len, out, 80);
    assert_true(strlen(out) < 80);
}

static void expect_hashed(const char *name, size_t len, const char *kept, const char *out)
{
    char hex[65];
    fx_sha256_hex(name, len, hex);
    char *want = ld_xasprintf("%s-%.8s", kept, hex);
    assert_string_equal(out, want);
    free(want);
}

static void test_safe_name(void **state)
{
    (void)state;
    char a[80], b[80];
    safe("data", 4, a);
    assert_string_equal(a, "data");
    assert_true(ld_fx_relpath_ok(a));

    /* "a/b" and "a_b" never share a component */
    safe("a/b", 3, a);
    safe("a_b", 3, b);
    assert_string_equal(b, "a_b");
    expect_hashed("a/b", 3, "a_b", a);
    assert_string_not_equal(a, b);

    safe("..", 2, a);
    expect_hashed("..", 2, "_.", a);
    assert_true(ld_fx_relpath_ok(a));
    safe(".git", 4, a);
    expect_hashed(".git", 4, "_git", a);
    safe("", 0, a);
    expect_hashed("", 0, "_", a);
    safe(NULL, 0, a);
    expect_hashed("", 0, "_", a);

    /* bytes past the length are not read; a NUL inside is a changed byte */
    safe("ab\0cd", 5, a);
    expect_hashed("ab\0cd", 5, "ab_cd", a);
    safe("abcdef", 3, a);
    assert_string_equal(a, "abc");

    /* non-ASCII and control bytes */
    safe("caf\xc3\xa9\n", 6, a);
    expect_hashed("caf\xc3\xa9\n", 6, "caf___", a);
    assert_true(ld_fx_relpath_ok(a));

    /* long names: cut at 64 and told apart by the hash */
    char long1[100], long2[100];
    memset(long1, 'v', sizeof long1);
    memcpy(long2, long1, sizeof long2);
    long2[99] = 'w';
    safe(long1, 100, a);
    safe(long2, 100, b);
    assert_int_equal(strlen(a), 64 + 9);
    assert_string_not_equal(a, b);
    assert_memory_equal(a, long1, 64);
    safe(long1, 64, a); /* exactly 64: kept */
    assert_int_equal(strlen(a), 64);

    /* a name that looks like a changed one is changed too */
    safe("a/b", 3, a);
    char looks[80];
    safe(a, strlen(a), looks);
    assert_string_not_equal(looks, a);
    expect_hashed(a, strlen(a), a, looks);
    safe("v-0123456g", 10, a); /* 'g' is not hex: kept */
    assert_string_equal(a, "v-0123456g");
    safe("v-0123ABCD", 10, a); /* upper case is not the hash's form: kept */
    assert_string_equal(a, "v-0123ABCD");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_create_new_and_empty),
        cmocka_unit_test(test_create_refuses_link_and_file),
        cmocka_unit_test(test_artifact_hash_and_size),
        cmocka_unit_test(test_write_zeros_hashes_as_zeros),
        cmocka_unit_test(test_paths_refused),
        cmocka_unit_test(test_planted_links_not_followed),
        cmocka_unit_test(test_abort_note_frozen),
        cmocka_unit_test(test_copy_fd),
        cmocka_unit_test(test_relpath_ok),
        cmocka_unit_test(test_safe_name),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
