/* Unit tests for registry credentials (registry/docker_config.c,
 * credentials.c): config.json "auths" in its real shapes (base64 "auth",
 * username/password, identitytoken, keys written as URLs, docker.io under
 * its other names), and hostile documents (bad base64, no ':' in auth, a
 * NUL inside, not an object, nesting floods) refused with messages that
 * never quote a secret; credential helpers executed from a PATH the test
 * writes: the argv and stdin of the protocol, "<token>" answers, "not
 * found" answers, a helper that hangs (killed at the time limit), one that
 * floods its output, one that exits without reading, one that answers
 * garbage holding the secret; and helper names with shell metacharacters
 * refused without anything being executed. */
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

#include "registry/client_internal.h"
#include "registry/credentials.h"
#include "util/mem.h"

static char tmpdir[] = "/tmp/ld-cred-test.XXXXXX";
static char *old_path;

static void write_file(const char *path, const char *text, mode_t mode)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    chmod(path, mode);
}

/* A helper script docker-credential-NAME in the test's PATH directory. */
static void helper(const char *name, const char *script)
{
    char *path = ld_xasprintf("%s/docker-credential-%s", tmpdir, name);
    char *text = ld_xasprintf("#!/bin/sh\n%s\n", script);
    write_file(path, text, 0755);
    free(text);
    free(path);
}

static int setup(void **state)
{
    (void)state;
    if (!mkdtemp(tmpdir))
        return -1;
    const char *p = getenv("PATH");
    old_path = ld_xstrdup(p ? p : "/usr/bin:/bin");
    char *np = ld_xasprintf("%s:%s", tmpdir, old_path);
    setenv("PATH", np, 1);
    free(np);
    /* the protocol's helpers */
    helper("echoer",
           "read -r url\n"
           "printf '{\"ServerURL\":\"%s\",\"Username\":\"%s|%s|%s\",\"Secret\":\"s3cret\"}' "
           "\"$url\" \"$url\" \"$#\" \"$1\"");
    helper("token", "cat >/dev/null; echo '{\"Username\":\"<token>\",\"Secret\":\"refresh-abc\"}'");
    helper("none", "cat >/dev/null; echo 'credentials not found in native keychain'; exit 1");
    helper("broken", "cat >/dev/null; echo 'the keyring is locked'; exit 3");
    helper("hang", "sleep 30");
    helper("flood", "yes aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
    helper("noread", "echo '{\"Username\":\"u\",\"Secret\":\"p\"}'");
    helper("garbage",
           "cat >/dev/null; echo '{\"Username\":\"u\",\"Secret\":\"topsecret-value\" oops'");
    helper("nosecret", "cat >/dev/null; echo '{\"Username\":\"u\"}'");
    helper("killed", "cat >/dev/null; kill -9 $$");
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    setenv("PATH", old_path, 1);
    free(old_path);
    /* remove the few files we wrote */
    const char *names[] = {"echoer", "token",  "none",    "broken",   "hang",
                           "flood",  "noread", "garbage", "nosecret", "killed"};
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        char *p = ld_xasprintf("%s/docker-credential-%s", tmpdir, names[i]);
        unlink(p);
        free(p);
    }
    char *cfg = ld_xasprintf("%s/config.json", tmpdir);
    unlink(cfg);
    free(cfg);
    rmdir(tmpdir);
    return 0;
}

static int lookup_text(const char *text, const char *host, ld_reg_cred *out, ld_error *err)
{
    return reg_cred_lookup_text("config.json", text, strlen(text), host, false, out, err);
}

static void test_auths_shapes(void **state)
{
    (void)state;
    ld_reg_cred c;
    ld_error err = LD_ERROR_INIT;
    /* "user:pa:ss" -> base64 */
    const char *doc = "{\"auths\":{\"reg.example:5000\":{\"auth\":\"dXNlcjpwYTpzcw==\"}}}";
    assert_int_equal(lookup_text(doc, "reg.example:5000", &c, &err), 0);
    assert_string_equal(c.username, "user");
    assert_string_equal(c.password, "pa:ss");
    assert_null(c.identity_token);
    assert_non_null(strstr(c.source, "config.json auths"));
    ld_reg_cred_clear(&c);
    assert_null(c.username);

    /* unpadded base64, keys written as URLs */
    doc = "{\"auths\":{\"https://reg.example/v1/\":{\"auth\":\"dXNlcjpwYTpzcw\"}}}";
    assert_int_equal(lookup_text(doc, "reg.example", &c, &err), 0);
    assert_string_equal(c.password, "pa:ss");
    ld_reg_cred_clear(&c);

    /* username/password fields and an identity token */
    doc =
        "{\"auths\":{\"r.io\":{\"username\":\"u\",\"password\":\"p\",\"identitytoken\":\"idt\"}}}";
    assert_int_equal(lookup_text(doc, "r.io", &c, &err), 0);
    assert_string_equal(c.username, "u");
    assert_string_equal(c.password, "p");
    assert_string_equal(c.identity_token, "idt");
    ld_reg_cred_clear(&c);

    /* docker.io under its legacy key */
    doc = "{\"auths\":{\"https://index.docker.io/v1/\":{\"auth\":\"aHViOmh1YnB3\"}}}";
    assert_int_equal(lookup_text(doc, "docker.io", &c, &err), 0);
    assert_string_equal(c.username, "hub");
    assert_string_equal(c.password, "hubpw");
    ld_reg_cred_clear(&c);
    assert_int_equal(lookup_text(doc, "registry-1.docker.io", &c, &err), 0);
    ld_reg_cred_clear(&c);

    /* an exact key wins over a URL key of the same host */
    doc = "{\"auths\":{\"https://r.io/\":{\"auth\":\"YTpi\"},\"r.io\":{\"auth\":\"Yzpk\"}}}";
    assert_int_equal(lookup_text(doc, "r.io", &c, &err), 0);
    assert_string_equal(c.username, "c");
    ld_reg_cred_clear(&c);
}

static void test_not_found(void **state)
{
    (void)state;
    ld_reg_cred c;
    ld_error err = LD_ERROR_INIT;
    const char *docs[] = {
        "{}",
        "{\"auths\":{}}",
        "{\"auths\":{\"other.io\":{\"auth\":\"YTpi\"}}}",
        "{\"auths\":{\"r.io\":{}}}", /* what docker login leaves with a credsStore */
        "{\"auths\":{\"r.io.evil\":{\"auth\":\"YTpi\"}}}",
        "{\"auths\":{\"evil/r.io\":{\"auth\":\"YTpi\"}}}",
        "{\"auths\":[]}",
    };
    for (size_t i = 0; i < sizeof(docs) / sizeof(docs[0]); i++) {
        int rc = lookup_text(docs[i], "r.io", &c, &err);
        if (rc != LD_ERR_NOT_FOUND)
            fail_msg("doc %zu: %d %s", i, rc, err.msg);
        assert_null(c.username);
    }
    /* a missing file */
    char *missing = ld_xasprintf("%s/nope.json", tmpdir);
    assert_int_equal(ld_reg_cred_lookup("r.io", missing, &c, &err), LD_ERR_NOT_FOUND);
    free(missing);
}

static void expect_refused(const char *doc, const char *host, int code, const char *secret)
{
    ld_reg_cred c;
    ld_error err = LD_ERROR_INIT;
    int rc = lookup_text(doc, host, &c, &err);
    if (rc != code)
        fail_msg("\"%.60s\": %d, not %d (%s)", doc, rc, code, err.msg);
    assert_null(c.username);
    assert_null(c.password);
    assert_true(err.msg[0] != '\0');
    if (secret && strstr(err.msg, secret))
        fail_msg("the message quotes the secret: %s", err.msg);
}

static void test_hostile_documents(void **state)
{
    (void)state;
    expect_refused("{\"auths\":{\"r.io\":{\"auth\":\"!!!notbase64\"}}}", "r.io", LD_ERR_CORRUPT,
                   NULL);
    expect_refused("{\"auths\":{\"r.io\":{\"auth\":\"bm9jb2xvbg==\"}}}", "r.io", LD_ERR_CORRUPT,
                   "nocolon");
    /* "a\0:b" */
    expect_refused("{\"auths\":{\"r.io\":{\"auth\":\"YQA6Yg==\"}}}", "r.io", LD_ERR_CORRUPT, NULL);
    expect_refused("{\"auths\":{\"r.io\":{\"auth\":\"YTpiY\"}}}", "r.io", LD_ERR_CORRUPT, NULL);
    expect_refused("{\"auths\":{\"r.io\":{\"auth\":\"YTpi===\"}}}", "r.io", LD_ERR_CORRUPT, NULL);
    expect_refused("{\"auths\":{\"r.io\":\"YTpi\"}}", "r.io", LD_ERR_CORRUPT, NULL);
    expect_refused("[1,2]", "r.io", LD_ERR_CORRUPT, NULL);
    expect_refused("{\"auths\":{\"r.io\":{\"auth\":\"c2VjcmV0OnB3\"} oops", "r.io", LD_ERR_CORRUPT,
                   "c2VjcmV0OnB3");
    expect_refused("{\"auths\":{\"r.io\":{\"password\":\"hunter2\" \"x\"}}}", "r.io",
                   LD_ERR_CORRUPT, "hunter2");
    expect_refused("", "r.io", LD_ERR_CORRUPT, NULL);
    /* a nesting flood is refused before jansson builds it */
    size_t n = 100000;
    char *deep = ld_xmalloc(n + 1);
    memset(deep, '[', n);
    deep[n] = '\0';
    expect_refused(deep, "r.io", LD_ERR_LIMIT, NULL);
    free(deep);
    /* an auth value over the cap */
    size_t big = 20000;
    char *huge = ld_xmalloc(big + 64);
    int k = snprintf(huge, 64, "{\"auths\":{\"r.io\":{\"auth\":\"");
    memset(huge + k, 'Q', big);
    memcpy(huge + k + big, "\"}}}", 5);
    expect_refused(huge, "r.io", LD_ERR_LIMIT, NULL);
    free(huge);
    /* credHelpers values that are not names */
    expect_refused("{\"credHelpers\":{\"r.io\":42}}", "r.io", LD_ERR_CORRUPT, NULL);
    expect_refused("{\"credHelpers\":{\"r.io\":\"\"}}", "r.io", LD_ERR_CORRUPT, NULL);
}

static void test_helper_protocol(void **state)
{
    (void)state;
    ld_reg_cred c;
    ld_error err = LD_ERROR_INIT;
    /* credHelpers for the host: argv is {NAME, "get"}, the URL on stdin */
    const char *doc = "{\"credHelpers\":{\"r.io:5000\":\"echoer\"},\"auths\":{\"r.io:5000\":"
                      "{\"auth\":\"YTpi\"}}}";
    assert_int_equal(lookup_text(doc, "r.io:5000", &c, &err), 0);
    assert_string_equal(c.username, "r.io:5000|1|get");
    assert_string_equal(c.password, "s3cret");
    assert_string_equal(c.source, "credential helper docker-credential-echoer");
    ld_reg_cred_clear(&c);
    /* credsStore for every host; docker.io asked as https://index.docker.io/v1/ */
    doc = "{\"credsStore\":\"echoer\"}";
    assert_int_equal(lookup_text(doc, "docker.io", &c, &err), 0);
    assert_string_equal(c.username, "https://index.docker.io/v1/|1|get");
    ld_reg_cred_clear(&c);
    /* credHelpers beats credsStore */
    doc = "{\"credsStore\":\"none\",\"credHelpers\":{\"r.io\":\"echoer\"}}";
    assert_int_equal(lookup_text(doc, "r.io", &c, &err), 0);
    ld_reg_cred_clear(&c);
    /* "<token>": an identity token */
    doc = "{\"credsStore\":\"token\"}";
    assert_int_equal(lookup_text(doc, "r.io", &c, &err), 0);
    assert_null(c.username);
    assert_string_equal(c.identity_token, "refresh-abc");
    ld_reg_cred_clear(&c);
    /* the protocol's "not found" */
    doc = "{\"credsStore\":\"none\"}";
    assert_int_equal(lookup_text(doc, "r.io", &c, &err), LD_ERR_NOT_FOUND);
    /* a helper that does not read its stdin still answers (no SIGPIPE here) */
    assert_int_equal(reg_cred_helper_get("noread", "r.io", 5000, &c, &err), 0);
    assert_string_equal(c.username, "u");
    ld_reg_cred_clear(&c);
}

static void helper_fails(const char *name, long timeout_ms, int code, const char *words,
                         const char *secret)
{
    ld_reg_cred c;
    ld_error err = LD_ERROR_INIT;
    int rc = reg_cred_helper_get(name, "r.io", timeout_ms, &c, &err);
    if (rc != code)
        fail_msg("helper %s: %d, not %d (%s)", name, rc, code, err.msg);
    assert_null(c.username);
    assert_null(c.password);
    assert_null(c.identity_token);
    if (words && !strstr(err.msg, words))
        fail_msg("helper %s: message \"%s\" does not say \"%s\"", name, err.msg, words);
    if (secret && strstr(err.msg, secret))
        fail_msg("helper %s: the message quotes the secret: %s", name, err.msg);
}

static void test_helper_failures(void **state)
{
    (void)state;
    helper_fails("broken", 5000, LD_ERR_GENERIC, "the keyring is locked", NULL);
    helper_fails("garbage", 5000, LD_ERR_CORRUPT, "not the JSON", "topsecret-value");
    helper_fails("nosecret", 5000, LD_ERR_CORRUPT, "Secret", NULL);
    helper_fails("killed", 5000, LD_ERR_GENERIC, "signal 9", NULL);
    helper_fails("flood", 5000, LD_ERR_LIMIT, "KiB", NULL);
    helper_fails("not-installed", 5000, LD_ERR_INVALID, "PATH", NULL);
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    helper_fails("hang", 700, LD_ERR_UNREACHABLE, "killed", NULL);
    clock_gettime(CLOCK_MONOTONIC, &b);
    double took = (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9;
    assert_true(took < 5.0);
}

static void test_helper_names(void **state)
{
    (void)state;
    char *marker = ld_xasprintf("%s/pwned", tmpdir);
    const char *bad[] = {
        "x;touch PWN",  "$(touch PWN)", "`touch PWN`", "a b",  "../../bin/sh", "a/b",
        "-rf",          ".hidden",      "a|b",         "a&b",  "a>b",          "",
        "x\ntouch PWN", "a*",           "a'b",         "a\"b", "a\\b",         "~root",
    };
    /* each bad name exists as an executable that would leave the marker:
     * were the name not refused, posix_spawnp would run it */
    char *touch = ld_xasprintf("touch '%s'", marker);
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        if (bad[i][0] && !strchr(bad[i], '/'))
            helper(bad[i], touch);
    free(touch);
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_false(reg_cred_helper_name_ok(bad[i]));
        ld_reg_cred c;
        ld_error err = LD_ERROR_INIT;
        assert_int_equal(reg_cred_helper_get(bad[i], "r.io", 1000, &c, &err), LD_ERR_INVALID);
        /* through config.json as well */
        char *doc = ld_xasprintf("{\"credsStore\":\"%s\"}", bad[i]);
        for (char *p = doc; *p; p++)
            if (*p == '\n')
                *p = ' ';
        int rc = lookup_text(doc, "r.io", &c, &err);
        /* an empty credsStore means none, as for docker */
        bool ok = bad[i][0] ? rc == LD_ERR_INVALID || rc == LD_ERR_CORRUPT : rc == LD_ERR_NOT_FOUND;
        if (!ok)
            fail_msg("credsStore \"%s\": %d (%s)", bad[i], rc, err.msg);
        free(doc);
    }
    struct stat st;
    assert_int_not_equal(stat(marker, &st), 0);
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        if (bad[i][0] && !strchr(bad[i], '/')) {
            char *p = ld_xasprintf("%s/docker-credential-%s", tmpdir, bad[i]);
            unlink(p);
            free(p);
        }
    /* the check itself: a good name with the same script does leave it */
    char *touch2 = ld_xasprintf(
        "cat >/dev/null; touch '%s'; echo '{\"Username\":\"u\",\"Secret\":\"p\"}'", marker);
    helper("marker", touch2);
    free(touch2);
    ld_reg_cred mc;
    ld_error merr = LD_ERROR_INIT;
    assert_int_equal(reg_cred_helper_get("marker", "r.io", 5000, &mc, &merr), 0);
    ld_reg_cred_clear(&mc);
    assert_int_equal(stat(marker, &st), 0);
    unlink(marker);
    char *mp = ld_xasprintf("%s/docker-credential-marker", tmpdir);
    unlink(mp);
    free(mp);
    assert_true(reg_cred_helper_name_ok("pass"));
    assert_true(reg_cred_helper_name_ok("ecr-login"));
    assert_true(reg_cred_helper_name_ok("gcloud"));
    assert_true(reg_cred_helper_name_ok("osxkeychain_2.1"));
    free(marker);
}

static void test_lookup_file(void **state)
{
    (void)state;
    char *cfg = ld_xasprintf("%s/config.json", tmpdir);
    write_file(cfg, "{\"auths\":{\"r.io\":{\"auth\":\"YTpi\"}}}", 0600);
    ld_reg_cred c;
    ld_error err = LD_ERROR_INIT;
    /* $DOCKER_CONFIG/config.json when no path is given */
    setenv("DOCKER_CONFIG", tmpdir, 1);
    assert_int_equal(ld_reg_cred_lookup("R.IO", NULL, &c, &err), 0);
    assert_string_equal(c.username, "a");
    assert_non_null(strstr(c.source, cfg));
    ld_reg_cred_clear(&c);
    unsetenv("DOCKER_CONFIG");
    assert_int_equal(ld_reg_cred_lookup("r.io", cfg, &c, &err), 0);
    ld_reg_cred_clear(&c);
    /* a directory named as the config: refused, not read */
    assert_int_equal(ld_reg_cred_lookup("r.io", tmpdir, &c, &err), LD_ERR_INVALID);
    free(cfg);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_auths_shapes),      cmocka_unit_test(test_not_found),
        cmocka_unit_test(test_hostile_documents), cmocka_unit_test(test_helper_protocol),
        cmocka_unit_test(test_helper_failures),   cmocka_unit_test(test_helper_names),
        cmocka_unit_test(test_lookup_file),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
