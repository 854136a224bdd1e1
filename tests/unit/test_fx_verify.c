/* Unit tests for `capture verify` (forensics/verify.c) on real bundles
 * written by the bundle writer into temporary directories: an untouched
 * bundle verifies; each kind of tampering is found and named by its path
 * (a file added, one deleted, one byte flipped, the same size with other
 * content, a truncation, a symbolic link or a fifo planted, a directory
 * swapped for a link); the signature is valid with the right key, and
 * invalid after one manifest byte changed, with another key (both
 * fingerprints named), missing when the .sig is gone; an unsigned bundle
 * says so; the differences come sorted by path, the same on one thread as
 * on four. */
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
#include "forensics/manifest.h"
#include "forensics/verify.h"
#include "trust/keys.h"
#include "util/mem.h"

#include "test_fx_util.h"
#include "test_skip.h"

static ld_key *key_a, *key_b;

static int setup(void **state)
{
    (void)state;
    ld_error err = LD_ERROR_INIT;
    key_a = ld_key_generate(&err);
    key_b = ld_key_generate(&err);
    return key_a && key_b ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    ld_key_free(key_a);
    ld_key_free(key_b);
    return 0;
}

typedef struct {
    char *tmp, *dir;
} fixture;

/* A bundle like a small capture: a few process files, a 2 MiB core with a
 * hole, logs, a volume tar; signed with key (NULL: unsigned). */
static void make(fixture *fx, const ld_key *key)
{
    fx->tmp = fx_tmpdir();
    fx->dir = fx_path(fx->tmp, "bundle");
    ld_error err = LD_ERROR_INIT;
    ld_fx_bundle *b = ld_fx_bundle_create(fx->dir, &err);
    assert_non_null(b);
    assert_int_equal(ld_fx_bundle_write_file(b, "container/inspect.json", LD_FX_KIND_INSPECT,
                                             "{\"Id\":\"c\"}", 10, &err),
                     0);
    assert_int_equal(ld_fx_bundle_write_file(b, "processes/1/status", LD_FX_KIND_PROC_FILE,
                                             "Name:\tsh\nPid:\t1\n", 16, &err),
                     0);
    assert_int_equal(ld_fx_bundle_write_file(b, "processes/1/cmdline", LD_FX_KIND_PROC_FILE,
                                             "sh\0-c\0sleep 1000\0", 18, &err),
                     0);
    ld_fx_artifact *a = NULL;
    assert_int_equal(ld_fx_artifact_open(b, "processes/1/core", LD_FX_KIND_CORE, &a, &err), 0);
    assert_int_equal(ld_fx_artifact_write(a,
                                          "\x7f"
                                          "ELF",
                                          4, &err),
                     0);
    assert_int_equal(ld_fx_artifact_write_zeros(a, 2 * 1024 * 1024, &err), 0);
    assert_int_equal(ld_fx_artifact_write(a, "MARKER-1234", 11, &err), 0);
    assert_int_equal(ld_fx_artifact_close(a, &err), 0);
    assert_int_equal(ld_fx_bundle_write_file(b, "container/logs/stdout.log", LD_FX_KIND_LOGS,
                                             "hello\n", 6, &err),
                     0);
    assert_int_equal(
        ld_fx_bundle_write_file(b, "volumes/data.tar", LD_FX_KIND_VOLUME_TAR, "tar-bytes", 9, &err),
        0);
    assert_int_equal(ld_fx_bundle_write_file(b, "empty", LD_FX_KIND_HOST, "", 0, &err), 0);
    ld_fx_custody c = {.tool_version = "t",
                       .hostname = "host",
                       .started_ns = 1,
                       .ended_ns = 2,
                       .loginuid = (uint32_t)-1};
    ld_fx_container_info ci = {.id = "c0ffee", .name = "web"};
    ld_fx_capture_options_record o = {.memory = "all", .freeze = true};
    assert_int_equal(ld_fx_manifest_write(b, &c, &ci, &o, key, &err), 0);
    ld_fx_bundle_free(b);
}

static void unmake(fixture *fx)
{
    fx_rmtree(fx->tmp);
    free(fx->tmp);
    free(fx->dir);
}

static char *at(fixture *fx, const char *rel)
{
    return fx_path(fx->dir, rel);
}

static void verify(fixture *fx, const ld_key *key, unsigned threads, ld_fx_verify_result *res)
{
    ld_fx_verify_options o = {.key = key, .threads = threads};
    ld_error err = LD_ERROR_INIT;
    int rc = ld_fx_verify(fx->dir, &o, res, &err);
    if (rc != 0)
        fail_msg("verify failed: %s", err.msg);
}

/* The single difference res holds: its kind and path. */
static const ld_fx_diff *only_diff(const ld_fx_verify_result *res)
{
    if (res->n_diffs != 1) {
        for (size_t i = 0; i < res->n_diffs; i++)
            print_message("diff %s %s: %s\n", ld_fx_diff_kind_name(res->diffs[i].kind),
                          res->diffs[i].path, res->diffs[i].detail);
        fail_msg("expected 1 difference, got %zu", res->n_diffs);
    }
    return &res->diffs[0];
}

static void test_untouched_verifies(void **state)
{
    (void)state;
    fixture fx;
    make(&fx, key_a);
    ld_fx_verify_result res;
    verify(&fx, NULL, 0, &res);
    assert_int_equal(res.n_diffs, 0);
    assert_int_equal(res.files_checked, 7);
    assert_int_equal(res.bytes_hashed, 10 + 16 + 18 + 4 + 2 * 1024 * 1024 + 11 + 6 + 9);
    assert_int_equal(res.signature, LD_FX_SIG_NOT_CHECKED);
    assert_non_null(strstr(res.signature_detail, ld_key_fingerprint(key_a)));
    assert_true(ld_fx_verify_ok(&res, false));
    assert_false(ld_fx_verify_ok(&res, true));
    ld_fx_verify_result_clear(&res);

    verify(&fx, key_a, 1, &res);
    assert_int_equal(res.n_diffs, 0);
    assert_int_equal(res.signature, LD_FX_SIG_VALID);
    assert_string_equal(res.signature_detail, ld_key_fingerprint(key_a));
    assert_true(ld_fx_verify_ok(&res, true));
    ld_fx_verify_result_clear(&res);
    unmake(&fx);
}

static void test_added_file(void **state)
{
    (void)state;
    fixture fx;
    make(&fx, NULL);
    char *p = at(&fx, "processes/1/extra");
    fx_write(p, "planted", 7);
    char *top = at(&fx, "manifest.json.tmp"); /* not the manifest's: an addition too */
    fx_write(top, "x", 1);
    ld_fx_verify_result res;
    verify(&fx, NULL, 0, &res);
    assert_int_equal(res.n_diffs, 2);
    assert_int_equal(res.diffs[0].kind, LD_FX_DIFF_ADDED);
    assert_string_equal(res.diffs[0].path, "manifest.json.tmp");
    assert_int_equal(res.diffs[1].kind, LD_FX_DIFF_ADDED);
    assert_string_equal(res.diffs[1].path, "processes/1/extra");
    assert_string_equal(ld_fx_diff_kind_name(res.diffs[1].kind), "added");
    assert_false(ld_fx_verify_ok(&res, false));
    ld_fx_verify_result_clear(&res);
    free(top);
    free(p);
    unmake(&fx);
}

static void test_missing_file(void **state)
{
    (void)state;
    fixture fx;
    make(&fx, NULL);
    char *p = at(&fx, "volumes/data.tar");
    assert_int_equal(unlink(p), 0);
    ld_fx_verify_result res;
    verify(&fx, NULL, 0, &res);
    const ld_fx_diff *d = only_diff(&res);
    assert_int_equal(d->kind, LD_FX_DIFF_MISSING);
    assert_string_equal(d->path, "volumes/data.tar");
    assert_string_equal(ld_fx_diff_kind_name(d->kind), "missing");
    assert_int_equal(res.signature, LD_FX_SIG_UNSIGNED);
    ld_fx_verify_result_clear(&res);
    free(p);
    unmake(&fx);
}

/* Changes the byte at off of rel (xor mask). */
static void poke(fixture *fx, const char *rel, off_t off, unsigned char mask)
{
    char *p = at(fx, rel);
    int fd = open(p, O_RDWR);
    assert_true(fd >= 0);
    unsigned char c;
    assert_int_equal(pread(fd, &c, 1, off), 1);
    c ^= mask;
    assert_int_equal(pwrite(fd, &c, 1, off), 1);
    close(fd);
    free(p);
}

static void test_one_byte_flipped(void **state)
{
    (void)state;
    fixture fx;
    make(&fx, NULL);
    /* one bit of one byte in the middle of the core's hole */
    poke(&fx, "processes/1/core", 1024 * 1024, 0x01);
    ld_fx_verify_result res;
    verify(&fx, NULL, 4, &res);
    const ld_fx_diff *d = only_diff(&res);
    assert_int_equal(d->kind, LD_FX_DIFF_HASH);
    assert_string_equal(d->path, "processes/1/core");
    assert_string_equal(ld_fx_diff_kind_name(d->kind), "altered");
    assert_non_null(strstr(d->detail, "manifest says"));
    ld_fx_verify_result_clear(&res);
    unmake(&fx);
}

static void test_same_size_other_content(void **state)
{
    (void)state;
    fixture fx;
    make(&fx, NULL);
    char *p = at(&fx, "container/logs/stdout.log");
    assert_int_equal(unlink(p), 0);
    fx_write(p, "HELLO\n", 6);
    ld_fx_verify_result res;
    verify(&fx, NULL, 0, &res);
    const ld_fx_diff *d = only_diff(&res);
    assert_int_equal(d->kind, LD_FX_DIFF_HASH);
    assert_string_equal(d->path, "container/logs/stdout.log");
    ld_fx_verify_result_clear(&res);
    free(p);
    unmake(&fx);
}

static void test_truncated_and_grown(void **state)
{
    (void)state;
    fixture fx;
    make(&fx, NULL);
    char *p = at(&fx, "processes/1/core");
    assert_int_equal(truncate(p, 4 + 2 * 1024 * 1024), 0);
    char *q = at(&fx, "empty");
    fx_write(q, "x", 1);
    ld_fx_verify_result res;
    verify(&fx, NULL, 0, &res);
    assert_int_equal(res.n_diffs, 2);
    assert_int_equal(res.diffs[0].kind, LD_FX_DIFF_SIZE);
    assert_string_equal(res.diffs[0].path, "empty");
    assert_string_equal(res.diffs[0].detail, "size 1, manifest says 0");
    assert_int_equal(res.diffs[1].kind, LD_FX_DIFF_SIZE);
    assert_string_equal(res.diffs[1].path, "processes/1/core");
    ld_fx_verify_result_clear(&res);
    free(p);
    free(q);
    unmake(&fx);
}

static void test_links_and_fifos(void **state)
{
    (void)state;
    fixture fx;
    make(&fx, NULL);
    /* a listed file replaced by a link to a copy with the same bytes */
    char *copy = fx_path(fx.tmp, "copy");
    fx_write(copy, "hello\n", 6);
    char *log = at(&fx, "container/logs/stdout.log");
    assert_int_equal(unlink(log), 0);
    assert_int_equal(symlink(copy, log), 0);
    /* a new link and a fifo: verify must not block on the fifo */
    char *l2 = at(&fx, "host-link");
    assert_int_equal(symlink("/etc/passwd", l2), 0);
    char *fifo = at(&fx, "processes/1/pipe");
    assert_int_equal(mkfifo(fifo, 0600), 0);
    ld_fx_verify_result res;
    verify(&fx, NULL, 0, &res);
    assert_int_equal(res.n_diffs, 3);
    assert_int_equal(res.diffs[0].kind, LD_FX_DIFF_NOT_REGULAR);
    assert_string_equal(res.diffs[0].path, "container/logs/stdout.log");
    assert_non_null(strstr(res.diffs[0].detail, "symbolic link"));
    assert_int_equal(res.diffs[1].kind, LD_FX_DIFF_NOT_REGULAR);
    assert_string_equal(res.diffs[1].path, "host-link");
    assert_non_null(strstr(res.diffs[1].detail, "/etc/passwd"));
    assert_int_equal(res.diffs[2].kind, LD_FX_DIFF_NOT_REGULAR);
    assert_string_equal(res.diffs[2].path, "processes/1/pipe");
    assert_non_null(strstr(res.diffs[2].detail, "FIFO"));
    assert_string_equal(ld_fx_diff_kind_name(LD_FX_DIFF_NOT_REGULAR), "not-regular");
    ld_fx_verify_result_clear(&res);
    free(copy);
    free(log);
    free(l2);
    free(fifo);
    unmake(&fx);
}

/* processes/ swapped for a link to an identical copy outside: the link is
 * named, and the files behind it are not read (they are missing). */
static void test_directory_swapped_for_link(void **state)
{
    (void)state;
    fixture fx;
    make(&fx, NULL);
    char *procs = at(&fx, "processes");
    char *moved = fx_path(fx.tmp, "processes-copy");
    assert_int_equal(rename(procs, moved), 0);
    assert_int_equal(symlink(moved, procs), 0);
    ld_fx_verify_result res;
    verify(&fx, NULL, 0, &res);
    assert_int_equal(res.n_diffs, 4);
    assert_int_equal(res.diffs[0].kind, LD_FX_DIFF_NOT_REGULAR);
    assert_string_equal(res.diffs[0].path, "processes");
    for (size_t i = 1; i < 4; i++) {
        assert_int_equal(res.diffs[i].kind, LD_FX_DIFF_MISSING);
        assert_true(strncmp(res.diffs[i].path, "processes/1/", 12) == 0);
    }
    assert_string_equal(res.diffs[1].path, "processes/1/cmdline");
    assert_string_equal(res.diffs[2].path, "processes/1/core");
    assert_string_equal(res.diffs[3].path, "processes/1/status");
    ld_fx_verify_result_clear(&res);
    free(procs);
    free(moved);
    unmake(&fx);
}

/* Several differences: sorted by path, identical on 1 and 4 threads. */
static void test_sorted_and_thread_independent(void **state)
{
    (void)state;
    fixture fx;
    make(&fx, NULL);
    poke(&fx, "volumes/data.tar", 0, 0x20);
    poke(&fx, "container/inspect.json", 3, 0x20);
    poke(&fx, "processes/1/status", 0, 0x20);
    char *p = at(&fx, "processes/1/cmdline");
    unlink(p);
    char *add = at(&fx, "aaa-first");
    fx_write(add, "x", 1);
    ld_fx_verify_result r1, r4;
    verify(&fx, NULL, 1, &r1);
    verify(&fx, NULL, 4, &r4);
    assert_int_equal(r1.n_diffs, 5);
    assert_int_equal(r4.n_diffs, 5);
    const char *want[] = {"aaa-first", "container/inspect.json", "processes/1/cmdline",
                          "processes/1/status", "volumes/data.tar"};
    for (size_t i = 0; i < 5; i++) {
        assert_string_equal(r1.diffs[i].path, want[i]);
        assert_string_equal(r4.diffs[i].path, want[i]);
        assert_int_equal(r1.diffs[i].kind, r4.diffs[i].kind);
        assert_string_equal(r1.diffs[i].detail, r4.diffs[i].detail);
    }
    assert_int_equal(r1.bytes_hashed, r4.bytes_hashed);
    ld_fx_verify_result_clear(&r1);
    ld_fx_verify_result_clear(&r4);
    free(p);
    free(add);
    unmake(&fx);
}

/* ---- the signature ---- */

static void test_signature_altered_manifest(void **state)
{
    (void)state;
    fixture fx;
    make(&fx, key_a);
    /* one byte of the manifest: "host" -> "hosT" (it still parses) */
    char *mp = at(&fx, LD_FX_MANIFEST);
    size_t len = 0;
    unsigned char *text = fx_read(mp, &len);
    unsigned char *hit = (unsigned char *)strstr((char *)text, "\"host\"");
    assert_non_null(hit);
    poke(&fx, LD_FX_MANIFEST, (hit - text) + 4, 0x20);
    ld_fx_verify_result res;
    verify(&fx, key_a, 0, &res);
    assert_int_equal(res.n_diffs, 0); /* the files still match what it lists */
    assert_int_equal(res.signature, LD_FX_SIG_INVALID);
    assert_string_equal(ld_fx_sig_state_name(res.signature), "invalid");
    assert_non_null(strstr(res.signature_detail, "does not verify"));
    assert_false(ld_fx_verify_ok(&res, true));
    assert_false(ld_fx_verify_ok(&res, false));
    ld_fx_verify_result_clear(&res);
    free(text);
    free(mp);
    unmake(&fx);
}

static void test_signature_altered_listing(void **state)
{
    (void)state;
    fixture fx;
    make(&fx, key_a);
    /* the attacker changes a file and its hash in the manifest: the files
     * agree with the manifest, the signature does not */
    poke(&fx, "container/logs/stdout.log", 0, 0x20);
    char *lp = at(&fx, "container/logs/stdout.log");
    char new_hex[65];
    assert_int_equal(fx_sha256_file(lp, new_hex), 0);
    char old_hex[65];
    fx_sha256_hex("hello\n", 6, old_hex);
    char *mp = at(&fx, LD_FX_MANIFEST);
    size_t len = 0;
    unsigned char *text = fx_read(mp, &len);
    text = ld_xrealloc(text, len + 1);
    text[len] = '\0';
    char *hit = strstr((char *)text, old_hex);
    assert_non_null(hit);
    memcpy(hit, new_hex, 64);
    assert_int_equal(unlink(mp), 0);
    fx_write(mp, text, len);
    ld_fx_verify_result res;
    verify(&fx, NULL, 0, &res);
    assert_int_equal(res.n_diffs, 0); /* without a key this cannot be seen... */
    assert_true(ld_fx_verify_ok(&res, false));
    ld_fx_verify_result_clear(&res);
    verify(&fx, key_a, 0, &res); /* ...with it, it is */
    assert_int_equal(res.signature, LD_FX_SIG_INVALID);
    assert_false(ld_fx_verify_ok(&res, true));
    ld_fx_verify_result_clear(&res);
    free(text);
    free(mp);
    free(lp);
    unmake(&fx);
}

static void test_signature_wrong_key(void **state)
{
    (void)state;
    fixture fx;
    make(&fx, key_a);
    ld_fx_verify_result res;
    verify(&fx, key_b, 0, &res);
    assert_int_equal(res.signature, LD_FX_SIG_INVALID);
    assert_non_null(strstr(res.signature_detail, ld_key_fingerprint(key_a)));
    assert_non_null(strstr(res.signature_detail, ld_key_fingerprint(key_b)));
    assert_false(ld_fx_verify_ok(&res, true));
    ld_fx_verify_result_clear(&res);

    /* the public half alone verifies */
    ld_error err = LD_ERROR_INIT;
    char *pem = ld_key_public_pem(key_a, &err);
    ld_key *pub = ld_key_load_public("a.pub", pem, strlen(pem), &err);
    assert_non_null(pub);
    verify(&fx, pub, 0, &res);
    assert_int_equal(res.signature, LD_FX_SIG_VALID);
    ld_fx_verify_result_clear(&res);
    ld_key_free(pub);
    free(pem);
    unmake(&fx);
}

static void test_signature_missing_or_garbled(void **state)
{
    (void)state;
    fixture fx;
    make(&fx, key_a);
    char *sp = at(&fx, LD_FX_SIGNATURE);
    size_t len = 0;
    unsigned char *sig = fx_read(sp, &len);
    assert_int_equal(unlink(sp), 0);
    ld_fx_verify_result res;
    verify(&fx, key_a, 0, &res);
    assert_int_equal(res.signature, LD_FX_SIG_MISSING);
    assert_string_equal(ld_fx_sig_state_name(res.signature), "missing");
    assert_false(ld_fx_verify_ok(&res, true));
    ld_fx_verify_result_clear(&res);
    /* no key, but the manifest names one: still missing */
    verify(&fx, NULL, 0, &res);
    assert_int_equal(res.signature, LD_FX_SIG_MISSING);
    assert_false(ld_fx_verify_ok(&res, false));
    ld_fx_verify_result_clear(&res);

    /* a trailing newline (cosign's stdout) is fine */
    unsigned char *nl = ld_xmalloc(len + 1);
    memcpy(nl, sig, len);
    nl[len] = '\n';
    fx_write(sp, nl, len + 1);
    verify(&fx, key_a, 0, &res);
    assert_int_equal(res.signature, LD_FX_SIG_VALID);
    ld_fx_verify_result_clear(&res);
    unlink(sp);

    /* not base64 */
    fx_write(sp, "!!!!", 4);
    verify(&fx, key_a, 0, &res);
    assert_int_equal(res.signature, LD_FX_SIG_INVALID);
    assert_non_null(strstr(res.signature_detail, "base64"));
    ld_fx_verify_result_clear(&res);
    unlink(sp);

    /* a link in its place: invalid, and the link is a difference */
    char *elsewhere = fx_path(fx.tmp, "sig");
    fx_write(elsewhere, sig, len);
    assert_int_equal(symlink(elsewhere, sp), 0);
    verify(&fx, key_a, 0, &res);
    assert_int_equal(res.signature, LD_FX_SIG_INVALID);
    const ld_fx_diff *d = only_diff(&res);
    assert_int_equal(d->kind, LD_FX_DIFF_NOT_REGULAR);
    assert_string_equal(d->path, LD_FX_SIGNATURE);
    ld_fx_verify_result_clear(&res);
    free(elsewhere);
    free(nl);
    free(sig);
    free(sp);
    unmake(&fx);
}

static void test_unsigned_bundle(void **state)
{
    (void)state;
    fixture fx;
    make(&fx, NULL);
    ld_fx_verify_result res;
    verify(&fx, NULL, 0, &res);
    assert_int_equal(res.signature, LD_FX_SIG_UNSIGNED);
    assert_string_equal(ld_fx_sig_state_name(res.signature), "unsigned");
    assert_true(ld_fx_verify_ok(&res, false));
    assert_false(ld_fx_verify_ok(&res, true));
    ld_fx_verify_result_clear(&res);
    /* a key was given: the signature it asks for is missing */
    verify(&fx, key_a, 0, &res);
    assert_int_equal(res.signature, LD_FX_SIG_MISSING);
    ld_fx_verify_result_clear(&res);
    /* a signature planted in an unsigned bundle does not make it signed */
    char *sp = at(&fx, LD_FX_SIGNATURE);
    fx_write(sp, "MEUCIQ==", 8);
    verify(&fx, key_a, 0, &res);
    assert_int_equal(res.signature, LD_FX_SIG_INVALID);
    assert_non_null(strstr(res.signature_detail, "names no signing key"));
    ld_fx_verify_result_clear(&res);
    free(sp);
    unmake(&fx);
}

static void test_cannot_verify(void **state)
{
    (void)state;
    fixture fx;
    make(&fx, NULL);
    ld_fx_verify_result res;
    ld_error err = LD_ERROR_INIT;
    char *mp = at(&fx, LD_FX_MANIFEST);
    /* a manifest that is not one */
    assert_int_equal(unlink(mp), 0);
    fx_write(mp, "{\"schema\":\"other\"}", 18);
    assert_true(ld_fx_verify(fx.dir, NULL, &res, &err) < 0);
    assert_int_equal(err.code, LD_ERR_CORRUPT);
    assert_non_null(strstr(err.msg, fx.dir));
    assert_int_equal(res.n_diffs, 0);
    /* no manifest */
    assert_int_equal(unlink(mp), 0);
    ld_error_clear(&err);
    assert_true(ld_fx_verify(fx.dir, NULL, &res, &err) < 0);
    assert_int_equal(err.code, LD_ERR_NOT_FOUND);
    /* no bundle */
    char *none = fx_path(fx.tmp, "none");
    ld_error_clear(&err);
    assert_true(ld_fx_verify(none, NULL, &res, &err) < 0);
    free(none);
    free(mp);
    unmake(&fx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_untouched_verifies),
        cmocka_unit_test(test_added_file),
        cmocka_unit_test(test_missing_file),
        cmocka_unit_test(test_one_byte_flipped),
        cmocka_unit_test(test_same_size_other_content),
        cmocka_unit_test(test_truncated_and_grown),
        cmocka_unit_test(test_links_and_fifos),
        cmocka_unit_test(test_directory_swapped_for_link),
        cmocka_unit_test(test_sorted_and_thread_independent),
        cmocka_unit_test(test_signature_altered_manifest),
        cmocka_unit_test(test_signature_altered_listing),
        cmocka_unit_test(test_signature_wrong_key),
        cmocka_unit_test(test_signature_missing_or_garbled),
        cmocka_unit_test(test_unsigned_bundle),
        cmocka_unit_test(test_cannot_verify),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
