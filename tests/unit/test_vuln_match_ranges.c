/* Unit tests for OSV range evaluation (src/vuln/ranges.c): the evaluation
 * examples of the OSV schema (introduced "0", several introduced/fixed
 * pairs, last_affected, limit, unsorted events), GIT ranges, explicit
 * version lists and errors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "vuln/ranges.h"

#define I(v) {LD_EVENT_INTRODUCED, v}
#define F(v) {LD_EVENT_FIXED, v}
#define LA(v) {LD_EVENT_LAST_AFFECTED, v}
#define LIM(v) {LD_EVENT_LIMIT, v}
#define N(a) (sizeof(a) / sizeof((a)[0]))

static int eval(ld_version_scheme s, const ld_vuln_event *ev, size_t n, const char *v)
{
    ld_vuln_range r = {LD_RANGE_ECOSYSTEM, ev, n};
    ld_error err = LD_ERROR_INIT;
    return ld_range_affected(s, &r, v, &err);
}

static void expect(ld_version_scheme s, const ld_vuln_event *ev, size_t n, const char *const *yes,
                   size_t ny, const char *const *no, size_t nn)
{
    for (size_t i = 0; i < ny; i++)
        if (eval(s, ev, n, yes[i]) != 1)
            fail_msg("%s should be affected", yes[i]);
    for (size_t i = 0; i < nn; i++)
        if (eval(s, ev, n, no[i]) != 0)
            fail_msg("%s should not be affected", no[i]);
}

static void test_introduced_zero_fixed(void **state)
{
    (void)state;
    const ld_vuln_event ev[] = {I("0"), F("4.17.21")};
    const char *yes[] = {"0.0.1", "4.17.20", "4.17.21-rc.1", "1.0.0"};
    const char *no[] = {"4.17.21", "4.17.22", "5.0.0"};
    expect(LD_VER_NPM, ev, N(ev), yes, N(yes), no, N(no));
}

static void test_several_pairs(void **state)
{
    (void)state;
    /* OSV spec: "introduced 1.0.0, fixed 1.0.2, introduced 1.1.0, fixed 1.1.3" */
    const ld_vuln_event ev[] = {I("1.0.0"), F("1.0.2"), I("1.1.0"), F("1.1.3")};
    const char *yes[] = {"1.0.0", "1.0.1", "1.1.0", "1.1.2"};
    const char *no[] = {"0.9.9", "1.0.2", "1.0.9", "1.1.3", "2.0.0"};
    expect(LD_VER_SEMVER, ev, N(ev), yes, N(yes), no, N(no));
}

static void test_unsorted_events(void **state)
{
    (void)state;
    /* events are sorted before evaluation, whatever the feed order */
    const ld_vuln_event ev[] = {F("1.1.3"), I("1.1.0"), F("1.0.2"), I("1.0.0")};
    const char *yes[] = {"1.0.1", "1.1.2"};
    const char *no[] = {"1.0.5", "1.2.0", "0.1.0"};
    expect(LD_VER_SEMVER, ev, N(ev), yes, N(yes), no, N(no));
}

static void test_last_affected(void **state)
{
    (void)state;
    const ld_vuln_event ev[] = {I("0"), LA("2.1.0")};
    const char *yes[] = {"1.0", "2.1.0", "2.1.0rc1"};
    const char *no[] = {"2.1.1", "2.1.0.post1", "3"};
    expect(LD_VER_PYPI, ev, N(ev), yes, N(yes), no, N(no));
}

static void test_limit(void **state)
{
    (void)state;
    const ld_vuln_event ev[] = {I("0"), LIM("2.0.0")};
    const char *yes[] = {"1.9.9", "0.1.0"};
    const char *no[] = {"2.0.0", "2.0.1"};
    expect(LD_VER_SEMVER, ev, N(ev), yes, N(yes), no, N(no));
    const ld_vuln_event star[] = {I("1.0.0"), LIM("*")};
    const char *y2[] = {"1.0.0", "9.0.0"};
    const char *n2[] = {"0.9.0"};
    expect(LD_VER_SEMVER, star, N(star), y2, N(y2), n2, N(n2));
}

static void test_go_without_v(void **state)
{
    (void)state;
    const ld_vuln_event ev[] = {I("0"), F("1.2.3")};
    const char *yes[] = {"v1.2.2", "v0.0.0-20210101000000-abcdefabcdef", "1.0.0"};
    const char *no[] = {"v1.2.3", "v1.10.0", "v2.0.0+incompatible"};
    expect(LD_VER_GO, ev, N(ev), yes, N(yes), no, N(no));
}

static void test_introduced_only(void **state)
{
    (void)state;
    const ld_vuln_event ev[] = {I("2.0")};
    const char *yes[] = {"2.0", "99"};
    const char *no[] = {"1.9"};
    expect(LD_VER_MAVEN, ev, N(ev), yes, N(yes), no, N(no));
}

static void test_debian_tracker_semantics(void **state)
{
    (void)state;
    /* resolved: introduced 0 + fixed; fixed_version above installed -> vulnerable */
    const ld_vuln_event ev[] = {I("0"), F("2.36-9+deb12u3")};
    const char *yes[] = {"2.36-9+deb12u2", "2.36-9", "2.35-1"};
    const char *no[] = {"2.36-9+deb12u3", "2.36-9+deb12u14", "2.37-1"};
    expect(LD_VER_DEB, ev, N(ev), yes, N(yes), no, N(no));
    /* fixed "0": never affected */
    const ld_vuln_event z[] = {I("0"), F("0")};
    assert_int_equal(eval(LD_VER_DEB, z, N(z), "1.0-1"), 0);
    /* epochs and tilde */
    const ld_vuln_event e[] = {I("0"), F("1:1.2.13.dfsg-2")};
    assert_int_equal(eval(LD_VER_DEB, e, N(e), "1:1.2.13.dfsg-1"), 1);
    assert_int_equal(eval(LD_VER_DEB, e, N(e), "1.3-1"), 1); /* no epoch sorts below */
    const ld_vuln_event t[] = {I("0"), F("252.39-1~deb12u1")};
    assert_int_equal(eval(LD_VER_DEB, t, N(t), "252.39-1~deb12u2"), 0);
    assert_int_equal(eval(LD_VER_DEB, t, N(t), "252.38-1~deb12u1"), 1);
}

static void test_alpine_secfixes(void **state)
{
    (void)state;
    const ld_vuln_event ev[] = {I("0"), F("3.1.4-r3")};
    assert_int_equal(eval(LD_VER_APK, ev, N(ev), "3.1.4-r2"), 1);
    assert_int_equal(eval(LD_VER_APK, ev, N(ev), "3.1.4-r3"), 0);
    assert_int_equal(eval(LD_VER_APK, ev, N(ev), "3.1.5-r0"), 0);
}

static void test_git_and_empty(void **state)
{
    (void)state;
    const ld_vuln_event ev[] = {I("0"), F("abcdef")};
    ld_vuln_range r = {LD_RANGE_GIT, ev, N(ev)};
    assert_int_equal(ld_range_affected(LD_VER_NPM, &r, "1.0.0", NULL), 0);
    ld_vuln_range empty = {LD_RANGE_ECOSYSTEM, NULL, 0};
    assert_int_equal(ld_range_affected(LD_VER_NPM, &empty, "1.0.0", NULL), 0);
}

static void test_errors(void **state)
{
    (void)state;
    ld_error err = LD_ERROR_INIT;
    const ld_vuln_event ev[] = {I("0"), F("not a version")};
    ld_vuln_range r = {LD_RANGE_ECOSYSTEM, ev, N(ev)};
    assert_true(ld_range_affected(LD_VER_PYPI, &r, "1.0", &err) < 0);
    assert_non_null(strstr(err.msg, "invalid pypi version"));
    assert_true(ld_range_affected(LD_VER_PYPI, &r, NULL, &err) < 0);
    const ld_vuln_event nul[] = {{LD_EVENT_FIXED, NULL}};
    ld_vuln_range rn = {LD_RANGE_ECOSYSTEM, nul, 1};
    assert_int_equal(ld_range_affected(LD_VER_NPM, &rn, "1.0.0", &err), LD_ERR_CORRUPT);
    ld_vuln_range big = {LD_RANGE_ECOSYSTEM, ev, LD_RANGE_MAX_EVENTS + 1};
    assert_int_equal(ld_range_affected(LD_VER_NPM, &big, "1.0.0", &err), LD_ERR_LIMIT);
}

static void test_versions_list(void **state)
{
    (void)state;
    const char *const v[] = {"1.0.0", "1.0.1", NULL, "2.0"};
    assert_true(ld_versions_list_contains(LD_VER_NPM, v, 4, "1.0.1"));
    assert_true(ld_versions_list_contains(LD_VER_NPM, v, 4, "v1.0.0")); /* loose npm equality */
    assert_false(ld_versions_list_contains(LD_VER_NPM, v, 4, "1.0.2"));
    assert_true(ld_versions_list_contains(LD_VER_PYPI, v, 4, "2.0.0")); /* PEP 440: 2.0 == 2.0.0 */
    assert_false(ld_versions_list_contains(LD_VER_PYPI, v, 4, NULL));
    const char *const bad[] = {"weird!"};
    assert_true(ld_versions_list_contains(LD_VER_PYPI, bad, 1, "weird!")); /* byte equality */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_introduced_zero_fixed),
        cmocka_unit_test(test_several_pairs),
        cmocka_unit_test(test_unsorted_events),
        cmocka_unit_test(test_last_affected),
        cmocka_unit_test(test_limit),
        cmocka_unit_test(test_introduced_only),
        cmocka_unit_test(test_go_without_v),
        cmocka_unit_test(test_debian_tracker_semantics),
        cmocka_unit_test(test_alpine_secfixes),
        cmocka_unit_test(test_git_and_empty),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_versions_list),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
