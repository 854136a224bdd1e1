/* Unit tests for ld_rt_container_file_in_upper (runtime/container_upper.c)
 * on a fake overlay writable layer: a written file is there, a missing one
 * and a whiteout (a 0/0 character device: deleted after start) are not, a
 * directory is not a file written, and neither a symbolic link on the way
 * nor ".." leads the lookup out of the layer to a file that exists there. */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <cmocka.h>

#include "runtime/containers.h"
#include "util/mem.h"

#include "test_skip.h"

static char root_buf[] = "/tmp/ld-upper-test-XXXXXX"; /* outlives the test: cleanup uses it */
static char *root;

static char *at(const char *rel)
{
    return ld_xasprintf("%s/%s", root, rel);
}

static void touch(const char *rel)
{
    char *p = at(rel);
    int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0755);
    if (fd < 0)
        fail_msg("create %s", p);
    close(fd);
    free(p);
}

static void test_upper(void **state)
{
    (void)state;
    root = mkdtemp(root_buf);
    assert_non_null(root);
    char *upper = at("upper");
    char *outside = at("outside");
    mkdir(upper, 0755);
    mkdir(outside, 0755);
    touch("outside/secret");
    touch("upper/dropped");
    char *d = at("upper/usr");
    mkdir(d, 0755);
    free(d);
    d = at("upper/usr/bin");
    mkdir(d, 0755);
    free(d);
    touch("upper/usr/bin/tool");
    /* a link inside the layer that points out of it */
    char *lnk = at("upper/escape");
    if (symlink(outside, lnk) < 0)
        fail_msg("symlink");
    free(lnk);

    ld_rt_container ct;
    memset(&ct, 0, sizeof ct);
    ct.upperdir = upper;
    assert_true(ld_rt_container_file_in_upper(&ct, "/dropped"));
    assert_true(ld_rt_container_file_in_upper(&ct, "//usr/bin/tool"));
    assert_false(ld_rt_container_file_in_upper(&ct, "/usr/bin/other"));
    assert_false(ld_rt_container_file_in_upper(&ct, "/usr/bin")); /* a directory */
    assert_false(ld_rt_container_file_in_upper(&ct, "/escape/secret"));
    assert_false(ld_rt_container_file_in_upper(&ct, "/../outside/secret"));
    assert_false(ld_rt_container_file_in_upper(&ct, "/usr/../../outside/secret"));
    assert_false(ld_rt_container_file_in_upper(&ct, "relative"));
    assert_false(ld_rt_container_file_in_upper(&ct, "/"));
    assert_false(ld_rt_container_file_in_upper(&ct, NULL));
    char *longp = ld_xmalloc(LD_RT_PATH_MAX + 10);
    memset(longp, 'a', LD_RT_PATH_MAX + 9);
    longp[0] = '/';
    longp[LD_RT_PATH_MAX + 9] = '\0';
    assert_false(ld_rt_container_file_in_upper(&ct, longp));
    free(longp);
    /* no upperdir known, or a relative one: false */
    ct.upperdir = NULL;
    assert_false(ld_rt_container_file_in_upper(&ct, "/dropped"));
    ct.upperdir = "relative/upper";
    assert_false(ld_rt_container_file_in_upper(&ct, "/dropped"));
    ct.upperdir = upper;

    /* a whiteout: what overlayfs leaves when an image file is deleted */
    char *wh = at("upper/usr/bin/deleted");
    if (mknod(wh, S_IFCHR | 0000, makedev(0, 0)) < 0) {
        free(wh);
        LD_SKIP_OPTIONAL("mknod of a whiteout needs CAP_MKNOD (run the unit tests as root)");
    } else {
        assert_false(ld_rt_container_file_in_upper(&ct, "/usr/bin/deleted"));
        unlink(wh);
        free(wh);
    }
    free(upper);
    free(outside);
}

static int cleanup(void **state)
{
    (void)state;
    if (!root)
        return 0;
    static const char *const paths[] = {"upper/usr/bin/deleted",
                                        "upper/usr/bin/tool",
                                        "upper/usr/bin",
                                        "upper/usr",
                                        "upper/dropped",
                                        "upper/escape",
                                        "upper",
                                        "outside/secret",
                                        "outside",
                                        ""};
    for (size_t i = 0; i < sizeof paths / sizeof *paths; i++) {
        char *p = at(paths[i]);
        if (unlink(p) < 0)
            rmdir(p);
        free(p);
    }
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_upper, cleanup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
