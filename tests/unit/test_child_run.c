/* Unit tests for util/child_run.c, the bounded runner of credential
 * helpers: the exit status and a signal death come back as they were,
 * stdin is the given buffer (or /dev/null), stdout over its cap kills the
 * child, stderr keeps its first bytes while the rest is read (a child
 * flooding stderr is not blocked), the deadline kills the whole process
 * group, the environment given is the one the child sees, and a missing
 * program is an errno, not a run. The children are /bin/sh with fixed
 * scripts written here. */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "util/child_run.h"
#include "util/mem.h"

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Runs /bin/sh -c script with the given stdin and limits. */
static int run_sh(const char *script, const char *in, size_t out_max, size_t err_max,
                  long timeout_ms, ld_child_result *res)
{
    char *argv[] = {(char *)"sh", (char *)"-c", (char *)script, NULL};
    const ld_child_spec spec = {.program = "/bin/sh",
                                .argv = argv,
                                .stdin_data = in,
                                .stdin_len = in ? strlen(in) : 0,
                                .stdout_max = out_max,
                                .stderr_max = err_max,
                                .timeout_ms = timeout_ms};
    return ld_child_run(&spec, res);
}

static void test_exit_status(void **state)
{
    (void)state;
    ld_child_result r;
    assert_int_equal(run_sh("echo out; echo err >&2; exit 3", NULL, 1024, 1024, 5000, &r), 0);
    assert_true(r.exited);
    assert_false(r.timed_out);
    assert_false(r.stdout_over);
    assert_true(WIFEXITED(r.status));
    assert_int_equal(WEXITSTATUS(r.status), 3);
    assert_string_equal(r.out, "out\n");
    assert_int_equal(r.out_len, 4);
    assert_string_equal(r.err, "err\n");
    ld_child_result_clear(&r);
    assert_null(r.out);
    /* a death by signal is told as one */
    assert_int_equal(run_sh("kill -TERM $$", NULL, 1024, 1024, 5000, &r), 0);
    assert_true(r.exited);
    assert_true(WIFSIGNALED(r.status));
    assert_int_equal(WTERMSIG(r.status), SIGTERM);
    assert_null(r.out);
    ld_child_result_clear(&r);
}

static void test_stdin(void **state)
{
    (void)state;
    ld_child_result r;
    /* the buffer, exactly, then end of file */
    assert_int_equal(run_sh("cat; echo end", "https://r.example\nsecond", 1024, 1024, 5000, &r), 0);
    assert_true(r.exited);
    assert_string_equal(r.out, "https://r.example\nsecondend\n");
    ld_child_result_clear(&r);
    /* more than a socket buffer holds, read in full while its output is read */
    size_t big = 512 * 1024;
    char *in = ld_xmalloc(big + 1);
    memset(in, 'x', big);
    in[big] = '\0';
    assert_int_equal(run_sh("wc -c", in, 1024, 1024, 10000, &r), 0);
    assert_true(r.exited);
    assert_int_equal(strtol(r.out, NULL, 10), (long)big);
    ld_child_result_clear(&r);
    /* a child that never reads its stdin: no SIGPIPE here, its answer comes */
    assert_int_equal(run_sh("exec 0<&-; echo ok", in, 1024, 1024, 5000, &r), 0);
    assert_true(r.exited);
    assert_string_equal(r.out, "ok\n");
    ld_child_result_clear(&r);
    free(in);
    /* no buffer: stdin is /dev/null (end of file at once, not a terminal) */
    assert_int_equal(run_sh("cat; test -t 0 || echo notty", NULL, 1024, 1024, 5000, &r), 0);
    assert_true(r.exited);
    assert_string_equal(r.out, "notty\n");
    ld_child_result_clear(&r);
}

static void test_output_cap(void **state)
{
    (void)state;
    ld_child_result r;
    long long t0 = now_ms();
    /* endless stdout: stopped at the cap, killed, long before the deadline */
    assert_int_equal(
        run_sh("while :; do echo aaaaaaaaaaaaaaaaaaaaaaaa; done", NULL, 1000, 1024, 20000, &r), 0);
    assert_true(r.stdout_over);
    assert_false(r.exited);
    assert_false(r.timed_out);
    assert_true(WIFSIGNALED(r.status));
    assert_int_equal(WTERMSIG(r.status), SIGKILL);
    assert_int_equal(r.out_len, 1000);
    assert_int_equal(strlen(r.out), 1000);
    assert_true(now_ms() - t0 < 10000);
    ld_child_result_clear(&r);
    /* exactly the cap is not over */
    assert_int_equal(run_sh("printf 12345", NULL, 5, 1024, 5000, &r), 0);
    assert_true(r.exited);
    assert_false(r.stdout_over);
    assert_string_equal(r.out, "12345");
    ld_child_result_clear(&r);
    /* a stderr flood (more than a pipe holds): its first bytes kept, the
     * rest read so the child is not blocked and ends by itself */
    assert_int_equal(run_sh("echo first-line >&2; head -c 300000 /dev/zero | tr '\\0' e >&2; "
                            "echo done",
                            NULL, 1024, 64, 10000, &r),
                     0);
    assert_true(r.exited);
    assert_false(r.stdout_over);
    assert_int_equal(WEXITSTATUS(r.status), 0);
    assert_int_equal(r.err_len, 64);
    assert_memory_equal(r.err, "first-line\n", 11);
    assert_string_equal(r.out, "done\n");
    ld_child_result_clear(&r);
}

static void test_timeout_kills_group(void **state)
{
    (void)state;
    char marker[] = "/tmp/ld-child-run.XXXXXX";
    int fd = mkstemp(marker);
    assert_true(fd >= 0);
    close(fd);
    unlink(marker);
    /* a grandchild in the same group: killed with it, it never writes the
     * marker; the pipes it holds do not keep the run waiting */
    char *script = ld_xasprintf("(sleep 2; touch '%s') & echo started; sleep 30", marker);
    ld_child_result r;
    long long t0 = now_ms();
    assert_int_equal(run_sh(script, NULL, 1024, 1024, 500, &r), 0);
    long long took = now_ms() - t0;
    assert_true(r.timed_out);
    assert_false(r.exited);
    assert_true(WIFSIGNALED(r.status));
    assert_int_equal(WTERMSIG(r.status), SIGKILL);
    assert_string_equal(r.out, "started\n");
    assert_true(took >= 450 && took < 5000);
    ld_child_result_clear(&r);
    sleep(3);
    struct stat st;
    assert_int_equal(stat(marker, &st), -1);
    free(script);
}

static void test_missing_program_and_env(void **state)
{
    (void)state;
    ld_child_result r;
    char *argv[] = {(char *)"ld-no-such-program-here", NULL};
    ld_child_spec spec = {.program = "ld-no-such-program-here",
                          .argv = argv,
                          .stdout_max = 16,
                          .stderr_max = 16,
                          .timeout_ms = 1000};
    assert_int_equal(ld_child_run(&spec, &r), ENOENT);
    assert_int_equal(r.spawn_errno, ENOENT);
    assert_false(r.exited);
    assert_null(r.out);
    ld_child_result_clear(&r);
    spec.program = "/nonexistent/ld-no-such-program";
    assert_int_equal(ld_child_run(&spec, &r), ENOENT);
    ld_child_result_clear(&r);
    /* a name without '/' is looked up on PATH; the environment given is
     * the child's whole environment */
    char *sh_argv[] = {(char *)"sh", (char *)"-c", (char *)"echo \"$ONLY_THIS:${HOME-unset}\"",
                       NULL};
    char *envp[] = {(char *)"ONLY_THIS=yes", (char *)"PATH=/usr/bin:/bin", NULL};
    ld_child_spec env_spec = {.program = "sh",
                              .argv = sh_argv,
                              .envp = envp,
                              .stdout_max = 64,
                              .stderr_max = 64,
                              .timeout_ms = 5000};
    assert_int_equal(ld_child_run(&env_spec, &r), 0);
    assert_true(r.exited);
    assert_string_equal(r.out, "yes:unset\n");
    ld_child_result_clear(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_exit_status),
        cmocka_unit_test(test_stdin),
        cmocka_unit_test(test_output_cap),
        cmocka_unit_test(test_timeout_kills_group),
        cmocka_unit_test(test_missing_program_and_env),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
