/* Unit tests for the lexical path canonicalisation (src/util/path_lex.c):
 * repeated slashes, ".", "..", trailing slashes, relative paths, the root,
 * and the whole-component comparisons built on it — the spellings of
 * /etc an attacker can give a bind mount ("//etc", "/./etc", "/x/../etc")
 * all compare as /etc, and "/etcetera" never does. Purely textual: paths
 * that do not exist on this machine canonicalise the same. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "util/path_lex.h"

static void clean_is(const char *in, const char *want)
{
    char *got = ld_path_lex_clean(in);
    if (strcmp(got, want) != 0)
        fail_msg("\"%s\" cleaned to \"%s\", expected \"%s\"", in, got, want);
    free(got);
}

static void test_clean(void **state)
{
    (void)state;
    clean_is("/etc", "/etc");
    clean_is("//etc", "/etc");
    clean_is("///etc//passwd", "/etc/passwd");
    clean_is("/./etc", "/etc");
    clean_is("/etc/.", "/etc");
    clean_is("/etc/", "/etc");
    clean_is("/etc//", "/etc");
    clean_is("/x/../etc", "/etc");
    clean_is("/x/y/../../etc/./", "/etc");
    clean_is("/..", "/");
    clean_is("/../../etc", "/etc");
    clean_is("//", "/");
    clean_is("/", "/");
    clean_is("/.", "/");
    clean_is("/./", "/");
    clean_is("", ".");
    clean_is(".", ".");
    clean_is("./", ".");
    clean_is("a/b/..", "a");
    clean_is("a/..", ".");
    clean_is("a/../..", "..");
    clean_is("../a/..", "..");
    clean_is("../../a", "../../a");
    clean_is("a//b/./c/", "a/b/c");
    clean_is("/...", "/..."); /* three dots are a name */
    clean_is("/..a/.b", "/..a/.b");
    clean_is("/does/not/exist/../../tmp", "/does/tmp");
    assert_null(ld_path_lex_clean(NULL));
}

static void test_within_and_equal(void **state)
{
    (void)state;
    assert_true(ld_path_lex_within("/etc", "/etc"));
    assert_true(ld_path_lex_within("/etc", "//etc"));
    assert_true(ld_path_lex_within("/etc", "/./etc/passwd"));
    assert_true(ld_path_lex_within("/etc", "/x/../etc/ssh/"));
    assert_true(ld_path_lex_within("/etc/", "/etc/ssh"));
    assert_true(ld_path_lex_within("//etc", "/etc/ssh"));
    assert_false(ld_path_lex_within("/etc", "/etcetera"));
    assert_false(ld_path_lex_within("/etc", "/et"));
    assert_false(ld_path_lex_within("/etc", "/etc/../usr"));
    assert_false(ld_path_lex_within("/etc", "etc"));
    assert_true(ld_path_lex_within("/", "/anything"));
    assert_true(ld_path_lex_within("/", "//"));
    assert_false(ld_path_lex_within("/", "relative"));
    assert_false(ld_path_lex_within(NULL, "/etc"));
    assert_true(ld_path_lex_equal("/", "//"));
    assert_true(ld_path_lex_equal("/", "/./"));
    assert_true(ld_path_lex_equal("/var/run/docker.sock", "/var//run/./docker.sock"));
    assert_false(ld_path_lex_equal("/var/run/docker.sock", "/run/docker.sock"));
    assert_false(ld_path_lex_equal("/a", NULL));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_clean),
        cmocka_unit_test(test_within_and_equal),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
