/* test_skip.h — honest skips for the cmocka unit tests: a test that cannot
 * run because something it needs is missing says so and is counted as
 * skipped, never as passed; and where the test harness can provide that thing
 * (scripts/install-deps.sh --test, the tests/harness scripts), a run that must be
 * complete fails instead of skipping.
 *
 *   #include <cmocka.h>
 *   #include "test_skip.h"
 *   ...
 *   if (!bin)
 *       LD_SKIP_IF_MISSING("/usr/bin/containerd missing (apt-get install containerd)");
 *
 * LD_SKIP_IF_MISSING(fmt, ...): something the harness installs is missing.
 *   Under CI (CI=true or CI=1) or with LOCKDOWN_TEST_REQUIRE_ALL=1 the test
 *   fails, naming it; otherwise it prints "SKIP: reason" and skips.
 * LD_SKIP_OPTIONAL(fmt, ...): something no harness script can provide (not in
 *   any package registry these machines reach) is missing: always a skip,
 *   printed and counted the same way.
 *
 * ctest only sees the exit status, and cmocka exits 0 when tests were skipped,
 * so this header redefines cmocka_run_group_tests() to exit 77 (ctest's
 * SKIP_RETURN_CODE for unit tests, tests/CMakeLists.txt) when at least one test
 * skipped and none failed: ctest then lists the executable as "Skipped". (A
 * SKIP_REGULAR_EXPRESSION on the output would not do: ctest lets it override a
 * failure of another test in the same executable.) Include it after cmocka.h. */
#ifndef LD_TEST_SKIP_H
#define LD_TEST_SKIP_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef cmocka_run_group_tests
#error "include <cmocka.h> before test_skip.h"
#endif

/* Exit status of a test executable in which a test skipped and none failed. */
#define LD_TEST_SKIP_EXIT 77

static int ld_test_skipped; /* tests of this executable that skipped */

/* True when every prerequisite the harness can provide must be present. */
static inline bool ld_test_require_all(void)
{
    const char *ci = getenv("CI");
    const char *all = getenv("LOCKDOWN_TEST_REQUIRE_ALL");
    return (ci && (strcmp(ci, "true") == 0 || strcmp(ci, "1") == 0)) ||
           (all && strcmp(all, "1") == 0);
}

/* Prints why the test cannot run; returns true when it must fail instead of
 * skipping (a prerequisite the harness provides, in a run that requires all). */
static inline bool ld_test_skip_reason(bool harness_provides, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static inline bool ld_test_skip_reason(bool harness_provides, const char *fmt, ...)
{
    char why[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, sizeof why, fmt, ap);
    va_end(ap);
    if (harness_provides && ld_test_require_all()) {
        print_error("%s: not a skip in this run (CI=true or LOCKDOWN_TEST_REQUIRE_ALL=1), "
                    "the harness provides it (bash scripts/install-deps.sh --test, "
                    "the tests/harness scripts)\n",
                    why);
        return true;
    }
    print_message("SKIP: %s\n", why);
    ld_test_skipped++;
    return false;
}

/* cmocka's fail() and skip() leave the test through longjmp but are not
 * declared noreturn; saying so spares the caller maybe-uninitialized warnings
 * for what follows the skip. */
#define LD_SKIP_IF_MISSING(...)                                                                    \
    do {                                                                                           \
        if (ld_test_skip_reason(true, __VA_ARGS__))                                                \
            fail();                                                                                \
        else                                                                                       \
            skip();                                                                                \
        __builtin_unreachable();                                                                   \
    } while (0)

#define LD_SKIP_OPTIONAL(...)                                                                      \
    do {                                                                                           \
        ld_test_skip_reason(false, __VA_ARGS__);                                                   \
        skip();                                                                                    \
        __builtin_unreachable();                                                                   \
    } while (0)

/* cmocka's result (the number of failed tests) as the executable's exit status. */
static inline int ld_test_exit_status(int failed)
{
    if (failed)
        return 1;
    if (ld_test_skipped) {
        print_message("%d test(s) skipped: exit %d, which ctest counts as skipped, not passed\n",
                      ld_test_skipped, LD_TEST_SKIP_EXIT);
        return LD_TEST_SKIP_EXIT;
    }
    return 0;
}

#undef cmocka_run_group_tests
#define cmocka_run_group_tests(group_tests, group_setup, group_teardown)                           \
    ld_test_exit_status(_cmocka_run_group_tests(#group_tests, group_tests,                         \
                                                sizeof(group_tests) / sizeof((group_tests)[0]),    \
                                                group_setup, group_teardown))

#endif
