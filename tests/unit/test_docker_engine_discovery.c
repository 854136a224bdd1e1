/* Unit tests for the engine client's endpoint discovery (docker/engine.c):
 * the sockets tried when no host is named (rootful, rootless under
 * $XDG_RUNTIME_DIR, Podman) and the errors for an endpoint that does not
 * answer or cannot be spoken to. No engine is needed; the parallel inspect
 * batch is exercised against the real engine by tests/e2e/test_docker_audit.sh. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "docker/engine.h"
#include "util/strlist.h"

static void test_candidates_xdg(void **state)
{
    (void)state;
    setenv("XDG_RUNTIME_DIR", "/run/user/1234", 1);
    ld_strlist l = {0};
    ld_engine_candidates(&l);
    assert_int_equal(l.n, 4);
    assert_string_equal(l.v[0], "unix:///var/run/docker.sock");
    assert_string_equal(l.v[1], "unix:///run/user/1234/docker.sock");
    assert_string_equal(l.v[2], "unix:///run/user/1234/podman/podman.sock");
    assert_string_equal(l.v[3], "unix:///run/podman/podman.sock");
    ld_strlist_clear(&l);
}

static void test_candidates_no_xdg(void **state)
{
    (void)state;
    unsetenv("XDG_RUNTIME_DIR");
    ld_strlist l = {0};
    ld_engine_candidates(&l);
    char want[64];
    snprintf(want, sizeof(want), "unix:///run/user/%lu/docker.sock", (unsigned long)getuid());
    assert_string_equal(l.v[1], want);
    ld_strlist_clear(&l);
    /* a relative XDG_RUNTIME_DIR is ignored */
    setenv("XDG_RUNTIME_DIR", "relative", 1);
    ld_engine_candidates(&l);
    assert_string_equal(l.v[1], want);
    ld_strlist_clear(&l);
}

static void test_unreachable(void **state)
{
    (void)state;
    ld_error err = LD_ERROR_INIT;
    ld_engine *e = ld_engine_connect("unix:///nonexistent/lockdown-test.sock", &err);
    assert_null(e);
    assert_int_equal(err.code, LD_ERR_UNREACHABLE);
    assert_non_null(strstr(err.msg, "did not answer"));
    e = ld_engine_connect("ssh://host", &err);
    assert_null(e);
    assert_int_equal(err.code, LD_ERR_UNSUPPORTED);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_candidates_xdg),
        cmocka_unit_test(test_candidates_no_xdg),
        cmocka_unit_test(test_unreachable),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
