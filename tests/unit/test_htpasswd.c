/* Unit tests for the registry's htpasswd audit (src/registry/audit_htpasswd.c):
 * every hash scheme htpasswd(1) writes is told apart (bcrypt $2y$/$2a$/$2b$
 * with its cost, Apache MD5, MD5-crypt, {SHA}, SHA-crypt, DES crypt, plain
 * text), weak entries fail naming the user and never the hash, user names
 * with control characters are escaped, the mode and owner rules hold, and
 * hostile files (no colon, empty user, NUL bytes, CRLF, huge lines, too many
 * entries, malformed bcrypt) are counted, bounded or refused. Real hashes
 * come from htpasswd(1) when it is installed (apache2-utils). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "test_skip.h"

#include "core/catalog.h"
#include "core/findings.h"
#include "registry/audit.h"
#include "util/mem.h"

static const char test_catalog[] =
    "version: 1\n"
    "controls:\n"
    "  - id: TEST-REG\n"
    "    framework: nist-800-190\n"
    "    refs: [REG-04]\n"
    "    title: t\n"
    "    tier: registry\n"
    "    nist: \"4.2.3\"\n"
    "    cis: []\n"
    "    automation: automated\n"
    "    checks: [registry.htpasswd.mode, registry.htpasswd.bcrypt]\n"
    "    level: low\n"
    "    severity: high\n"
    "    description: d\n"
    "    remediation: r\n";

static ld_catalog *catalog;

static int setup(void **state)
{
    (void)state;
    ld_error err = LD_ERROR_INIT;
    catalog = ld_catalog_parse("test.yaml", test_catalog, strlen(test_catalog), &err);
    return catalog ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    ld_catalog_free(catalog);
    return 0;
}

/* Hashes of the password "secret" as each tool writes them. */
#define BCRYPT10 "$2y$10$0v2Jx3S4QxW9N6sVfBhE1eJk7K1zq2m3n4b5v6c7x8z9a0s1d2f3g"
#define BCRYPT05 "$2y$05$0v2Jx3S4QxW9N6sVfBhE1eJk7K1zq2m3n4b5v6c7x8z9a0s1d2f3g"
#define BCRYPT2B12 "$2b$12$0v2Jx3S4QxW9N6sVfBhE1eJk7K1zq2m3n4b5v6c7x8z9a0s1d2f3g"
#define APR1 "$apr1$r31.....$HqJZimcKQFAMYayBlzkrA/"
#define SHA1 "{SHA}5en6G6MezRroT3XKqkdPOmY/BfQ="
#define CRYPT "rqXexS6ZhobKA"
#define SHA512                                                                                     \
    "$6$saltsalt$qFmFH.bQmmtXzyBY0s9v7Oicd2z4XSIecDzlB5KiA2/"                                      \
    "jctKu9YterLp8wwnSq.qc.eoxqOmSuNp2xS0ktL3nh/"

static void parse(const char *text, size_t len, ld_htpasswd *h)
{
    ld_error err = LD_ERROR_INIT;
    if (ld_htpasswd_parse(text, len, h, &err) < 0)
        fail_msg("parse failed: %s", err.msg);
}

static const ld_finding *only(const ld_findings *fs, const char *check)
{
    const ld_finding *found = NULL;
    for (size_t i = 0; i < fs->n; i++)
        if (strcmp(fs->v[i]->check_id, check) == 0) {
            assert_null(found);
            found = fs->v[i];
        }
    assert_non_null(found);
    return found;
}

static const ld_finding *judge_hashes(const char *text, ld_findings **fs_out)
{
    ld_htpasswd h;
    parse(text, strlen(text), &h);
    ld_findings *fs = ld_findings_new(catalog, 0);
    ld_error err = LD_ERROR_INIT;
    assert_int_equal(ld_htpasswd_emit_hashes(fs, "htpasswd", &h, &err), 0);
    ld_htpasswd_clear(&h);
    *fs_out = fs;
    return only(fs, "registry.htpasswd.bcrypt");
}

static void test_schemes(void **state)
{
    (void)state;
    const char text[] = "a:" BCRYPT10 "\n"
                        "b:" BCRYPT2B12 "\r\n"
                        "c:" APR1 "\n"
                        "d:" SHA1 "\n"
                        "e:" CRYPT "\n"
                        "f:" SHA512 "\n"
                        "g:plain-password\n"
                        "h:" BCRYPT05 "\n"
                        "i:$2y$10$short\n"
                        "j:$1$saltsalt$abcdefghijklmnopqrstuv\n";
    ld_htpasswd h;
    parse(text, strlen(text), &h);
    assert_int_equal(h.n, 10);
    assert_int_equal(h.malformed, 0);
    static const struct {
        const char *user;
        ld_htpw_scheme scheme;
        int cost;
    } want[] = {
        {"a", LD_HTPW_BCRYPT, 10}, {"b", LD_HTPW_BCRYPT, 12}, {"c", LD_HTPW_MD5, 0},
        {"d", LD_HTPW_SHA1, 0},    {"e", LD_HTPW_CRYPT, 0},   {"f", LD_HTPW_SHA_CRYPT, 0},
        {"g", LD_HTPW_PLAIN, 0},   {"h", LD_HTPW_BCRYPT, 5},  {"i", LD_HTPW_BCRYPT, -1},
        {"j", LD_HTPW_MD5, 0},
    };
    for (size_t i = 0; i < h.n; i++) {
        assert_string_equal(h.v[i].user, want[i].user);
        assert_int_equal(h.v[i].scheme, want[i].scheme);
        assert_int_equal(h.v[i].cost, want[i].cost);
        assert_int_equal(h.v[i].line, (int)i + 1);
    }
    ld_htpasswd_clear(&h);
}

static void test_weak_entries_named_not_hashed(void **state)
{
    (void)state;
    ld_findings *fs;
    const ld_finding *f =
        judge_hashes("alice:" BCRYPT10 "\nbob:" SHA1 "\ncarol:" APR1 "\ndave:" BCRYPT05 "\n", &fs);
    assert_int_equal(f->status, LD_STATUS_FAIL);
    assert_non_null(strstr(f->evidence, "\"bob\" (line 2: SHA-1)"));
    assert_non_null(strstr(f->evidence, "\"carol\" (line 3: MD5)"));
    assert_non_null(strstr(f->evidence, "\"dave\" (line 4: bcrypt cost 5)"));
    assert_null(strstr(f->evidence, "alice"));
    assert_non_null(strstr(f->evidence, "3 of 4"));
    /* no hash, nor any piece of one */
    assert_null(strstr(f->evidence, "{SHA}"));
    assert_null(strstr(f->evidence, "5en6G6"));
    assert_null(strstr(f->evidence, "$apr1$"));
    assert_null(strstr(f->evidence, "$2y$"));
    ld_findings_free(fs);
}

static void test_all_bcrypt_passes(void **state)
{
    (void)state;
    ld_findings *fs;
    const ld_finding *f =
        judge_hashes("# users\n\nalice:" BCRYPT10 "\n  \nbob:" BCRYPT2B12 "\n", &fs);
    assert_int_equal(f->status, LD_STATUS_PASS);
    assert_non_null(strstr(f->evidence, "lowest 10"));
    ld_findings_free(fs);
    f = judge_hashes("", &fs);
    assert_int_equal(f->status, LD_STATUS_WARN);
    ld_findings_free(fs);
    /* a malformed line is not silently passed over */
    f = judge_hashes("alice:" BCRYPT10 "\nno-colon-here\n", &fs);
    assert_int_equal(f->status, LD_STATUS_WARN);
    assert_non_null(strstr(f->evidence, "line 2"));
    ld_findings_free(fs);
}

static void test_hostile_lines(void **state)
{
    (void)state;
    ld_htpasswd h;
    /* empty user, no colon, an over-long line, a NUL byte */
    char *longline = ld_xmalloc(10000);
    memset(longline, 'x', 9998);
    longline[4] = ':';
    longline[9998] = '\n';
    longline[9999] = '\0';
    char *text = ld_xasprintf(":" BCRYPT10 "\nnocolon\n%sok:" BCRYPT10 "\n", longline);
    parse(text, strlen(text), &h);
    assert_int_equal(h.n, 1);
    assert_string_equal(h.v[0].user, "ok");
    assert_int_equal(h.malformed, 3);
    assert_int_equal(h.first_malformed_line, 1);
    ld_htpasswd_clear(&h);
    free(text);
    free(longline);
    const char nul[] = "a\0b:" BCRYPT10 "\nc:" BCRYPT10;
    parse(nul, sizeof(nul) - 1, &h);
    assert_int_equal(h.n, 1);
    assert_int_equal(h.malformed, 1);
    ld_htpasswd_clear(&h);
    /* no trailing newline, a lone CR */
    parse("z:" BCRYPT10, strlen("z:" BCRYPT10), &h);
    assert_int_equal(h.n, 1);
    assert_int_equal(h.v[0].cost, 10);
    ld_htpasswd_clear(&h);
    /* control characters in a user name are escaped in evidence */
    ld_findings *fs;
    const ld_finding *f = judge_hashes("\x1b[31mevil\x07:plain\n", &fs);
    assert_int_equal(f->status, LD_STATUS_FAIL);
    assert_null(strchr(f->evidence, '\x1b'));
    assert_null(strchr(f->evidence, '\x07'));
    assert_non_null(strstr(f->evidence, "\\x1b[31mevil\\x07"));
    ld_findings_free(fs);
}

static void test_entry_limit(void **state)
{
    (void)state;
    size_t n = 100001;
    size_t cap = n * 4 + 16;
    char *text = ld_xmalloc(cap);
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        memcpy(text + o, "u:p\n", 4);
        o += 4;
    }
    ld_htpasswd h;
    ld_error err = LD_ERROR_INIT;
    assert_int_equal(ld_htpasswd_parse(text, o, &h, &err), LD_ERR_LIMIT);
    assert_null(h.v);
    assert_int_equal(h.n, 0);
    free(text);
}

static void test_many_weak_users_bounded(void **state)
{
    (void)state;
    size_t n = 5000;
    char *text = ld_xmalloc(n * 24 + 1);
    size_t o = 0;
    for (size_t i = 0; i < n; i++)
        o += (size_t)snprintf(text + o, 24, "user%zu:plain\n", i);
    ld_findings *fs;
    const ld_finding *f = judge_hashes(text, &fs);
    assert_int_equal(f->status, LD_STATUS_FAIL);
    assert_true(strlen(f->evidence) < 4096);
    assert_non_null(strstr(f->evidence, "5000 of 5000"));
    ld_findings_free(fs);
    free(text);
}

static ld_status mode_status(mode_t mode, uid_t uid, long allowed)
{
    struct stat st = {.st_mode = S_IFREG | mode, .st_uid = uid};
    ld_findings *fs = ld_findings_new(catalog, 0);
    ld_error err = LD_ERROR_INIT;
    assert_int_equal(ld_htpasswd_emit_mode(fs, "htpasswd", &st, allowed, &err), 0);
    ld_status s = only(fs, "registry.htpasswd.mode")->status;
    ld_findings_free(fs);
    return s;
}

static void test_mode(void **state)
{
    (void)state;
    assert_int_equal(mode_status(0600, 0, -1), LD_STATUS_PASS);
    assert_int_equal(mode_status(0640, 0, -1), LD_STATUS_PASS);
    assert_int_equal(mode_status(0400, 0, -1), LD_STATUS_PASS);
    assert_int_equal(mode_status(0644, 0, -1), LD_STATUS_FAIL);
    assert_int_equal(mode_status(0660, 0, -1), LD_STATUS_FAIL);
    assert_int_equal(mode_status(0700, 0, -1), LD_STATUS_FAIL);
    assert_int_equal(mode_status(04600, 0, -1), LD_STATUS_FAIL);
    /* an unknown owner fails unless it is the config's owner */
    assert_int_equal(mode_status(0600, 54321, -1), LD_STATUS_FAIL);
    assert_int_equal(mode_status(0600, 54321, 54321), LD_STATUS_PASS);
}

static int run_htpasswd(char *const argv[])
{
    pid_t pid = fork();
    if (pid == 0) {
        int devnull = open("/dev/null", O_WRONLY);
        if (devnull >= 0) {
            dup2(devnull, 1);
            dup2(devnull, 2);
        }
        execvp(argv[0], argv);
        _exit(127);
    }
    int st = 0;
    waitpid(pid, &st, 0);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* Hashes written by the real htpasswd(1), in a real file, through the
 * whole path (open, mode, parse, judge). */
static void test_real_htpasswd_file(void **state)
{
    (void)state;
    if (access("/usr/bin/htpasswd", X_OK) != 0)
        LD_SKIP_IF_MISSING("/usr/bin/htpasswd missing (apt-get install apache2-utils)");
    char dir[] = "/tmp/ld-htpasswd-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char *file = ld_xasprintf("%s/htpasswd", dir);
    char *a1[] = {"htpasswd", "-bcBC", "10", file, "strong", "pw-one", NULL};
    char *a2[] = {"htpasswd", "-bs", file, "sha-user", "pw-two", NULL};
    char *a3[] = {"htpasswd", "-bm", file, "md5-user", "pw-three", NULL};
    char *a4[] = {"htpasswd", "-bB", file, "cost5-user", "pw-four", NULL};
    assert_int_equal(run_htpasswd(a1), 0);
    assert_int_equal(run_htpasswd(a2), 0);
    assert_int_equal(run_htpasswd(a3), 0);
    assert_int_equal(run_htpasswd(a4), 0);
    assert_int_equal(chmod(file, 0644), 0);
    ld_findings *fs = ld_findings_new(catalog, 0);
    ld_error err = LD_ERROR_INIT;
    assert_int_equal(ld_reg_audit_htpasswd(fs, file, -1, &err), 0);
    const ld_finding *m = only(fs, "registry.htpasswd.mode");
    const ld_finding *b = only(fs, "registry.htpasswd.bcrypt");
    assert_int_equal(m->status, LD_STATUS_FAIL);
    assert_non_null(strstr(m->evidence, "0644"));
    assert_int_equal(b->status, LD_STATUS_FAIL);
    assert_non_null(strstr(b->evidence, "\"sha-user\" (line 2: SHA-1)"));
    assert_non_null(strstr(b->evidence, "\"md5-user\" (line 3: MD5)"));
    assert_non_null(strstr(b->evidence, "\"cost5-user\" (line 4: bcrypt cost 5)"));
    assert_null(strstr(b->evidence, "\"strong\""));
    ld_findings_free(fs);
    /* a missing file is the caller's to decide: nothing emitted */
    fs = ld_findings_new(catalog, 0);
    char *missing = ld_xasprintf("%s/none", dir);
    assert_true(ld_reg_audit_htpasswd(fs, missing, -1, &err) < 0);
    assert_int_equal(fs->n, 0);
    ld_findings_free(fs);
    unlink(file);
    rmdir(dir);
    free(missing);
    free(file);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_schemes),
        cmocka_unit_test(test_weak_entries_named_not_hashed),
        cmocka_unit_test(test_all_bcrypt_passes),
        cmocka_unit_test(test_hostile_lines),
        cmocka_unit_test(test_entry_limit),
        cmocka_unit_test(test_many_weak_users_bounded),
        cmocka_unit_test(test_mode),
        cmocka_unit_test(test_real_htpasswd_file),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
