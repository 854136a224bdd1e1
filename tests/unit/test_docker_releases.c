/* Unit tests for the Docker Engine release data and the version judgement
 * (docker/releases.c) behind host.docker-version (CIS Docker 1.2.2): a
 * hand-written data file with maintained, ended and unmaintained lines,
 * judged on fixed dates (fresh and stale data); malformed data files; and
 * the compiled-in data/docker-releases.yaml parsed in full. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "docker/releases.h"

static time_t day(const char *ymd)
{
    struct tm tm = {0};
    if (!strptime(ymd, "%Y-%m-%d", &tm))
        fail_msg("bad test date %s", ymd);
    return timegm(&tm) + 12 * 3600; /* noon UTC */
}

static const char data[] = "written: 2026-06-01\n"
                           "unmaintained-below: \"23.0\"\n"
                           "lines:\n"
                           "  - line: \"29\"\n"
                           "    status: maintained\n"
                           "    latest: 29.4.2\n"
                           "    as-of: 2026-05-20\n"
                           "  - line: \"28.5\"\n"
                           "    status: maintained\n"
                           "    latest: 28.5.9\n"
                           "  - line: \"28\"\n"
                           "    status: unmaintained\n"
                           "  - line: \"25.0\"\n"
                           "    status: maintained\n"
                           "    end: 2026-07-01\n"
                           "  - line: \"24.0\"\n"
                           "    status: unmaintained\n"
                           "    end: 2024-06-08\n"
                           "  - line: \"20.10\"\n"
                           "    status: unmaintained\n";

static ld_docker_releases rel;

static int setup(void **state)
{
    (void)state;
    ld_error err = LD_ERROR_INIT;
    if (ld_docker_releases_parse("test.yaml", data, strlen(data), &rel, &err) < 0) {
        fprintf(stderr, "test data: %s\n", err.msg);
        return -1;
    }
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    ld_docker_releases_clear(&rel);
    return 0;
}

static void expect(const char *version, const char *when, ld_status want, const char *why_has)
{
    ld_version_verdict v;
    ld_docker_version_judge(&rel, version, day(when), &v);
    if (v.status != want || !strstr(v.why, why_has))
        fail_msg("%s on %s: expected %s with \"%s\", got %s: %s", version, when,
                 ld_status_name(want), why_has, ld_status_name(v.status), v.why);
    /* every verdict dates the data it used */
    assert_non_null(strstr(v.why, "release data of 2026-06-01"));
    ld_version_verdict_clear(&v);
}

static void test_parse(void **state)
{
    (void)state;
    assert_string_equal(rel.written, "2026-06-01");
    assert_int_equal(rel.n, 6);
    assert_int_equal(rel.below_major, 23);
    assert_int_equal(rel.below_minor, 0);
    assert_int_equal(rel.v[0].major, 29);
    assert_int_equal(rel.v[0].minor, -1); /* the whole 29.x line */
    assert_true(rel.v[0].maintained);
    assert_string_equal(rel.v[0].latest, "29.4.2");
    assert_string_equal(rel.v[1].as_of, "2026-06-01"); /* defaults to written */
    assert_string_equal(rel.v[4].end, "2024-06-08");
    int a, b, c;
    assert_int_equal(ld_docker_version_parse("20.10.24+dfsg1", &a, &b, &c), 0);
    assert_int_equal(a * 10000 + b * 100 + c, 201024);
    assert_int_equal(ld_docker_version_parse("29.0.0-rc.1", &a, &b, &c), 0);
    assert_int_equal(ld_docker_version_parse("27.5", &a, &b, &c), 0);
    assert_int_equal(c, 0);
    assert_int_equal(ld_docker_version_parse("27", &a, &b, &c), -1);
    assert_int_equal(ld_docker_version_parse("v27.1.0", &a, &b, &c), -1);
    assert_int_equal(ld_docker_version_parse("27.1.0x", &a, &b, &c), -1);
}

static void test_judge(void **state)
{
    (void)state;
    /* maintained line, its latest known release or newer: pass */
    expect("29.4.2", "2026-06-01", LD_STATUS_PASS, "latest known release of maintained line 29");
    expect("29.5.0", "2026-06-01", LD_STATUS_PASS, "at or above 29.4.2");
    /* below the latest known release of its line: needs review */
    expect("29.4.1", "2026-06-01", LD_STATUS_WARN, "latest known release is 29.4.2");
    expect("29.0.0-rc.1", "2026-06-01", LD_STATUS_WARN, "latest known release is 29.4.2");
    /* an exact MAJOR.MINOR line wins over a MAJOR one */
    expect("28.5.9", "2026-06-01", LD_STATUS_PASS, "maintained line 28.5");
    expect("28.4.0", "2026-06-01", LD_STATUS_FAIL, "release line 28 is no longer maintained");
    /* unmaintained lines fail, with the end date when known */
    expect("24.0.9", "2026-06-01", LD_STATUS_FAIL, "maintenance ended on 2024-06-08");
    expect("20.10.24+dfsg1", "2026-06-01", LD_STATUS_FAIL, "release line 20.10 is no longer maintained");
    /* older than every line the data lists */
    expect("19.03.15", "2026-06-01", LD_STATUS_FAIL, "older than 23.0 are unmaintained");
    expect("1.13.1", "2026-06-01", LD_STATUS_FAIL, "older than 23.0");
    /* a line the data does not know: needs review, not pass */
    expect("30.0.1", "2026-06-01", LD_STATUS_WARN, "release line 30.0 is not in the release data");
    expect("26.1.4", "2026-06-01", LD_STATUS_WARN, "release line 26.1 is not in the release data");
    /* maintained until an end date: after it, end of life */
    expect("25.0.5", "2026-07-01", LD_STATUS_WARN, "latest release is not recorded");
    expect("25.0.5", "2026-07-02", LD_STATUS_FAIL, "ended on 2026-07-01");
    /* not a release number */
    expect("master", "2026-06-01", LD_STATUS_WARN, "not a MAJOR.MINOR.PATCH release number");
}

/* Data older than LD_RELEASES_MAX_AGE_DAYS cannot confirm a line is still
 * maintained: what passed turns into needs review, naming the date; what
 * is end of life stays so. */
static void test_stale_data(void **state)
{
    (void)state;
    expect("29.4.2", "2026-11-18", LD_STATUS_PASS, "status as of 2026-05-20");
    expect("29.4.2", "2026-11-20", LD_STATUS_WARN, "maintained as of 2026-05-20, more than 183");
    expect("28.5.9", "2027-01-01", LD_STATUS_WARN, "as of 2026-06-01");
    expect("20.10.24", "2030-01-01", LD_STATUS_FAIL, "no longer maintained");
}

static void test_malformed(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "lines: []\n",
        "written: 2026-02-31\nlines:\n  - line: \"29\"\n    status: maintained\n",
        "written: 2026-01-01\nlines:\n  - line: \"29\"\n    status: sort-of\n",
        "written: 2026-01-01\nlines:\n  - line: \"v29\"\n    status: maintained\n",
        "written: 2026-01-01\nlines:\n  - line: \"29\"\n    status: maintained\n    latest: "
        "28.1.0\n",
        "written: 2026-01-01\nlines:\n  - line: \"29\"\n    status: maintained\n    color: red\n",
        "written: 2026-01-01\nunmaintained-below: \"23\"\nlines:\n  - line: \"29\"\n    status: "
        "maintained\n",
        "written: 2026-01-01\nlines: [1, 2]\n",
        "- just\n- a list\n",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        ld_docker_releases r;
        ld_error err = LD_ERROR_INIT;
        int rc = ld_docker_releases_parse("bad.yaml", bad[i], strlen(bad[i]), &r, &err);
        if (rc >= 0)
            fail_msg("accepted malformed data #%zu", i);
        assert_non_null(strstr(err.msg, "bad.yaml"));
        assert_int_equal(r.n, 0);
    }
}

/* The compiled-in data parses, is dated, and covers the line every
 * Debian 12 host runs (20.10, end of life). */
static void test_builtin(void **state)
{
    (void)state;
    ld_docker_releases r;
    ld_error err = LD_ERROR_INIT;
    assert_int_equal(ld_docker_releases_builtin(&r, &err), 0);
    assert_true(r.n > 0);
    assert_int_equal(strlen(r.written), 10);
    assert_true(r.below_major > 0);
    ld_version_verdict v;
    ld_docker_version_judge(&r, "20.10.24+dfsg1", day("2026-12-03"), &v);
    assert_int_equal(v.status, LD_STATUS_FAIL);
    ld_version_verdict_clear(&v);
    bool some_maintained = false;
    for (size_t i = 0; i < r.n; i++)
        some_maintained = some_maintained || r.v[i].maintained;
    assert_true(some_maintained);
    ld_docker_releases_clear(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse),      cmocka_unit_test(test_judge),
        cmocka_unit_test(test_stale_data), cmocka_unit_test(test_malformed),
        cmocka_unit_test(test_builtin),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
