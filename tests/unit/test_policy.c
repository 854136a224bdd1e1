/* Unit tests for the policy file parser (core/policy.c): a valid full policy,
 * every class of problem with its line, problems collected in one pass,
 * dates and expiry, exception matching, hostile input (aliases, nesting,
 * size, non-regular files) and the built-in default policy. */
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

#include "core/policy.h"
#include "util/mem.h"

/* ---- helpers ---- */

static ld_policy *parse(const char *yaml, ld_strlist *diags, ld_error *err)
{
    return ld_policy_parse("p.yaml", yaml, strlen(yaml), diags, err);
}

static ld_policy *parse_ok(const char *yaml)
{
    ld_strlist diags = {0};
    ld_error err = LD_ERROR_INIT;
    ld_policy *p = parse(yaml, &diags, &err);
    if (!p) {
        for (size_t i = 0; i < diags.n; i++)
            print_error("%s\n", diags.v[i]);
        fail_msg("policy rejected: %s", err.msg);
    }
    assert_int_equal(diags.n, 0);
    return p;
}

/* Asserts that yaml has exactly one problem, at line, whose message contains want. */
static void expect_one(const char *yaml, int line, const char *want)
{
    ld_strlist diags = {0};
    ld_error err = LD_ERROR_INIT;
    ld_policy *p = parse(yaml, &diags, &err);
    if (p || diags.n != 1) {
        for (size_t i = 0; i < diags.n; i++)
            print_error("diag: %s\n", diags.v[i]);
        fail_msg("expected exactly one problem \"%s\", got %zu", want, diags.n);
    }
    char prefix[64];
    snprintf(prefix, sizeof(prefix), "p.yaml:%d: ", line);
    if (strncmp(diags.v[0], prefix, strlen(prefix)) != 0 || !strstr(diags.v[0], want))
        fail_msg("got \"%s\", want prefix \"%s\" and \"%s\"", diags.v[0], prefix, want);
    assert_string_equal(err.msg, diags.v[0]);
    assert_int_not_equal(err.code, LD_OK);
    ld_strlist_clear(&diags);
}

static time_t local_time(int y, int mon, int d, int h, int min, int s)
{
    struct tm tm = {0};
    tm.tm_year = y - 1900;
    tm.tm_mon = mon - 1;
    tm.tm_mday = d;
    tm.tm_hour = h;
    tm.tm_min = min;
    tm.tm_sec = s;
    tm.tm_isdst = -1;
    return mktime(&tm);
}

static char *write_temp(const char *data, size_t len)
{
    char *path = ld_xstrdup("/tmp/test_policy_XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    size_t off = 0;
    while (off < len) {
        ssize_t n = write(fd, data + off, len - off);
        assert_true(n > 0);
        off += (size_t)n;
    }
    close(fd);
    return path;
}

#define PEM_PUBLIC                                                                                 \
    "      -----BEGIN PUBLIC KEY-----\n"                                                           \
    "      MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE3vQ6NLxjL1U6ZHVCYBEU2mnVePyj\n"                     \
    "      UiLrA2vg4lvGWiHQsNotYvtv4EyFGA+BooQ7pMwppyrWg5tsB+rikvyAQg==\n"                         \
    "      -----END PUBLIC KEY-----\n"

/* ---- valid input ---- */

static void test_full_policy(void **state)
{
    (void)state;
    ld_strlist diags = {0};
    ld_error err = LD_ERROR_INIT;
    ld_policy *p =
        ld_policy_load(LD_SOURCE_DIR "/tests/fuzz/corpus/policy/example.yaml", &diags, &err);
    if (!p)
        fail_msg("%s", err.msg);
    assert_int_equal(diags.n, 0);
    assert_true(p->has_profile);
    assert_int_equal(p->profile.data, LD_DATA_CONFIDENTIAL);
    assert_int_equal(p->profile.exposure, LD_EXPOSURE_INDIRECT);
    assert_int_equal(p->profile.use, LD_USE_PRODUCTION);
    assert_true(p->has_level);
    assert_int_equal(p->level, LD_LEVEL_HIGH);
    assert_true(p->has_fail_on);
    assert_int_equal(p->fail_on, LD_SEV_HIGH);
    assert_true(p->required_controls);

    assert_int_equal(p->n_exceptions, 2);
    assert_string_equal(p->exceptions[0].id, "CIS-DOCKER-5.11");
    assert_string_equal(p->exceptions[0].target, "web-*");
    assert_string_equal(p->exceptions[0].reason, "memory limits are set by the orchestrator");
    assert_string_equal(p->exceptions[0].expires, "2027-01-31");
    assert_int_equal(p->exceptions[0].line, 16);
    assert_null(p->exceptions[1].target);
    assert_null(p->exceptions[1].expires);

    assert_int_equal(p->n_attestations, 1);
    const ld_attestation *a = &p->attestations[0];
    assert_string_equal(a->control, "NIST-ORC-03");
    assert_string_equal(a->by, "alice@example.com");
    assert_string_equal(a->date, "2026-10-01");
    assert_string_equal(a->evidence, "https://wiki.example.com/security/mfa");
    assert_string_equal(a->expires, "2027-10-01");
    assert_int_equal(a->line, 24);

    assert_int_equal(p->trusted_registries.n, 2);
    assert_string_equal(p->trusted_registries.v[0], "registry.example.com");
    assert_string_equal(p->trusted_registries.v[1], "ghcr.io/acme");
    assert_int_equal(p->n_trusted_keys, 2);
    assert_string_equal(p->trusted_keys[0].name, "release");
    assert_non_null(strstr(p->trusted_keys[0].key, "-----BEGIN PUBLIC KEY-----"));
    assert_string_equal(p->trusted_keys[1].key, "file:/etc/lockdown/ci.pub");
    assert_non_null(strstr(p->path, "example.yaml"));
    ld_policy_free(p);
}

static void test_minimal_and_null_sections(void **state)
{
    (void)state;
    ld_policy *p = parse_ok("version: 1\n");
    assert_false(p->has_profile);
    assert_false(p->has_level);
    assert_false(p->has_fail_on);
    assert_true(p->required_controls);
    assert_int_equal(p->n_exceptions, 0);
    ld_policy_free(p);

    p = parse_ok("version: 1\nprofile:\ngate: ~\nexceptions:\nattestations: []\n"
                 "trusted-registries: null\ntrusted-keys: []\n");
    assert_false(p->has_profile);
    assert_int_equal(p->n_exceptions + p->n_attestations + p->n_trusted_keys, 0);
    ld_policy_free(p);
}

static void test_booleans(void **state)
{
    (void)state;
    static const struct {
        const char *word;
        bool value;
    } ok[] = {{"true", true}, {"yes", true}, {"false", false}, {"no", false}};
    for (size_t i = 0; i < 4; i++) {
        char yaml[128];
        snprintf(yaml, sizeof(yaml), "version: 1\ngate:\n  required-controls: %s\n", ok[i].word);
        ld_policy *p = parse_ok(yaml);
        assert_int_equal(p->required_controls, ok[i].value);
        ld_policy_free(p);
    }
    static const char *const bad[] = {"on", "off", "True", "Y", "1", "\"true\"", "[true]"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        char yaml[128];
        snprintf(yaml, sizeof(yaml), "version: 1\ngate:\n  required-controls: %s\n", bad[i]);
        expect_one(yaml, 3, "\"required-controls\" must be true or false");
    }
}

/* gate.allow-incomplete and gate.fail-on-review: absent means "not set"
 * (the evaluator then fails closed and applies the per-level review rule). */
static void test_gate_completeness_keys(void **state)
{
    (void)state;
    ld_policy *p = parse_ok("version: 1\n");
    assert_false(p->allow_incomplete);
    assert_false(p->has_fail_on_review);
    ld_policy_free(p);
    p = parse_ok("version: 1\ngate:\n  allow-incomplete: yes\n  fail-on-review: false\n");
    assert_true(p->allow_incomplete);
    assert_true(p->has_fail_on_review);
    assert_false(p->fail_on_review);
    ld_policy_free(p);
    p = parse_ok("version: 1\ngate:\n  fail-on-review: true\n");
    assert_false(p->allow_incomplete);
    assert_true(p->has_fail_on_review && p->fail_on_review);
    ld_policy_free(p);
    expect_one("version: 1\ngate:\n  allow-incomplete: maybe\n", 3,
               "\"allow-incomplete\" must be true or false");
    expect_one("version: 1\ngate:\n  allow_incomplete: true\n", 3,
               "(did you mean \"allow-incomplete\"?)");
}

/* ---- one problem of each class, with its line ---- */

static void test_version(void **state)
{
    (void)state;
    expect_one("profile: ~\n", 1, "missing \"version: 1\"");
    expect_one("", 1, "missing \"version: 1\"");
    expect_one("# c\nversion: 2\n", 2, "unsupported policy version \"2\"");
    expect_one("version: \"1\"\n", 1, "must be the number 1");
    expect_one("version: [1]\n", 1, "\"version\" must be 1, not a list");
    expect_one("- version: 1\n", 1, "a policy must be a mapping");
}

static void test_wrong_types(void **state)
{
    (void)state;
    expect_one("version: 1\nexceptions:\n  id: X\n  reason: y\n", 2,
               "\"exceptions\" must be a list, not a mapping");
    expect_one("version: 1\nattestations: NIST-ORC-03\n", 2, "\"attestations\" must be a list");
    expect_one("version: 1\ngate: [high]\n", 2, "\"gate\" must be a mapping, not a list");
    expect_one("version: 1\nprofile: internal\n", 2, "\"profile\" must be a mapping");
    expect_one("version: 1\nexceptions:\n  - CIS-DOCKER-5.11\n", 3,
               "each exception must be a mapping");
    expect_one("version: 1\nexceptions:\n  - id: [a, b]\n    reason: r\n", 3,
               "\"id\" must be a string, not a list");
    expect_one("version: 1\ntrusted-registries: registry.example.com\n", 2,
               "\"trusted-registries\" must be a list");
    expect_one("version: 1\ntrusted-registries:\n  - {host: x}\n", 3, "must be a string");
    expect_one("version: 1\nexceptions:\n  - id: X\n    reason: \"\"\n", 4,
               "\"reason\" must not be empty");
}

static void test_bad_enums(void **state)
{
    (void)state;
    expect_one("version: 1\nprofile:\n  data-classification: secret\n  exposure: none\n"
               "  use-case: test\n",
               3,
               "invalid data-classification \"secret\"; expected public, internal, confidential "
               "or restricted");
    expect_one("version: 1\nprofile:\n  data-classification: public\n  exposure: internet\n"
               "  use-case: test\n",
               4, "expected none, indirect or direct");
    expect_one("version: 1\nprofile:\n  data-classification: public\n  exposure: none\n"
               "  use-case: prod\n",
               5, "expected development, test or production");
    expect_one("version: 1\nlevel: extreme\n", 2,
               "invalid level \"extreme\"; expected low, "
               "medium or high");
    expect_one("version: 1\ngate:\n  fail-on: urgent\n", 3,
               "invalid fail-on \"urgent\"; expected critical, high, medium, low or info");
    expect_one("version: 1\nlevel: High\n", 2, "invalid level \"High\"");
}

static void test_missing_required(void **state)
{
    (void)state;
    expect_one("version: 1\nprofile:\n  data-classification: public\n  exposure: none\n", 2,
               "profile needs \"use-case\"");
    expect_one("version: 1\nexceptions:\n  - id: X\n", 3, "exception for \"X\" needs a \"reason\"");
    expect_one("version: 1\nexceptions:\n  - reason: r\n", 3, "exception needs an \"id\"");
    expect_one("version: 1\nattestations:\n  - control: NIST-ORC-03\n    by: a\n"
               "    date: 2026-01-01\n",
               3, "attestation needs \"evidence\"");
    expect_one("version: 1\ntrusted-keys:\n  - name: k\n", 3, "trusted key needs a \"key\"");
}

static void test_attestation_rules(void **state)
{
    (void)state;
    expect_one("version: 1\nattestations:\n  - control: NIST-ORC-03\n    by: a\n"
               "    date: 2026-01-01\n    evidence: see the wiki\n",
               6, "\"evidence\" must be a link");
    expect_one("version: 1\nattestations:\n  - control: NIST-ORC-03\n    by: a\n"
               "    date: 2026-06-01\n    evidence: https://x.example/y\n"
               "    expires: 2026-05-31\n",
               7, "\"expires\" (2026-05-31) is before the attestation \"date\" (2026-06-01)");
    ld_policy *p = parse_ok("version: 1\nattestations:\n  - control: NIST-ORC-03\n    by: a\n"
                            "    date: 2026-06-01\n    evidence: https://x.example/y\n"
                            "    expires: 2026-06-01\n");
    assert_int_equal(p->n_attestations, 1);
    ld_policy_free(p);
}

static void test_registries_and_keys(void **state)
{
    (void)state;
    expect_one("version: 1\ntrusted-registries:\n  - registry.example.com\n"
               "  - https://ghcr.io\n",
               4, "without a scheme");
    expect_one("version: 1\ntrusted-registries: [a.example, a.example]\n", 2, "listed twice");
    expect_one("version: 1\ntrusted-keys:\n  - name: k\n    key: not a key\n", 4,
               "must be a PEM public key");
    expect_one("version: 1\ntrusted-keys:\n  - name: k\n    key: |\n"
               "      -----BEGIN PRIVATE KEY-----\n      AAAA\n      -----END PRIVATE KEY-----\n",
               4, "is a private key");
    expect_one("version: 1\ntrusted-keys:\n  - name: k\n    key: file:/a\n  - name: k\n"
               "    key: file:/b\n",
               5, "trusted key name \"k\" is used twice (line 3)");
    ld_policy *p =
        parse_ok("version: 1\ntrusted-keys:\n  - name: release\n    key: |\n" PEM_PUBLIC);
    assert_int_equal(p->n_trusted_keys, 1);
    ld_policy_free(p);
}

/* ---- unknown keys at every level ---- */

static void test_unknown_keys(void **state)
{
    (void)state;
    expect_one("version: 1\ncolour: blue\n", 2,
               "unknown key \"colour\" at top level; expected version, profile, level, gate, "
               "exceptions, attestations, trusted-registries, trusted-keys, secrets, kubernetes, "
               "registry, fips, logging or runtime");
    expect_one("version: 1\nprofile:\n  data-classification: public\n  exposure: none\n"
               "  use-case: test\n  region: eu\n",
               6,
               "unknown key \"region\" in profile; expected data-classification, exposure or "
               "use-case");
    expect_one("version: 1\ngate:\n  x: 1\n", 3,
               "unknown key \"x\" in gate; expected fail-on, required-controls, allow-incomplete or fail-on-review");
    expect_one("version: 1\nexceptions:\n  - id: X\n    reason: r\n    owner: bob\n", 5,
               "unknown key \"owner\" in exception; expected id, target, reason or expires");
    expect_one("version: 1\nattestations:\n  - control: C\n    by: a\n    date: 2026-01-01\n"
               "    evidence: https://e.example\n    signed: yes\n",
               7, "unknown key \"signed\" in attestation");
    expect_one("version: 1\ntrusted-keys:\n  - name: k\n    key: file:/k\n    type: ecdsa\n", 5,
               "unknown key \"type\" in trusted key; expected name or key");
    /* close misspellings get a suggestion */
    expect_one("version: 1\ngate:\n  fail_on: high\n", 3, "(did you mean \"fail-on\"?)");
    expect_one("version: 1\nexceptions:\n  - id: X\n    reason: r\n    expire: 2027-01-01\n", 5,
               "(did you mean \"expires\"?)");
    expect_one("version: 1\nTrusted-Registries: []\n", 2, "(did you mean \"trusted-registries\"?)");
}

static void test_hostile_text_escaped(void **state)
{
    (void)state;
    /* a key with a terminal escape sequence must not reach the terminal raw */
    expect_one("version: 1\n\"\\e[31mred\": 1\n", 2, "unknown key \"\\x1b[31mred\"");
    expect_one("version: 1\nexceptions:\n  - id: X\n    reason: \"a\\x07b\"\n", 4,
               "\"reason\" contains a control character");
    expect_one("version: 1\nexceptions:\n  - id: X\n    reason: r\n    target: \"a\\tb\"\n", 5,
               "\"target\" contains a control character");
    expect_one("version: 1\nlevel: \"a\\\"b\"\n", 2, "invalid level \"a\\\"b\"");
}

/* ---- several problems in one pass ---- */

static void test_problems_collected(void **state)
{
    (void)state;
    ld_strlist diags = {0};
    ld_error err = LD_ERROR_INIT;
    ld_policy *p =
        ld_policy_load(LD_SOURCE_DIR "/tests/fuzz/corpus/policy/three-errors.yaml", &diags, &err);
    assert_null(p);
    assert_int_equal(diags.n, 3);
    assert_non_null(strstr(diags.v[0], "three-errors.yaml:3: invalid data-classification"));
    assert_non_null(strstr(diags.v[1], "three-errors.yaml:7: invalid fail-on \"urgent\""));
    assert_non_null(strstr(diags.v[2], "three-errors.yaml:11: \"expires\": 2026-02-30 is not a "
                                       "real date (2026-02 has 28 days)"));
    assert_int_equal(err.code, LD_ERR_INVALID);
    char want[LD_ERROR_MSG_MAX];
    snprintf(want, sizeof(want), "%s (and 2 more problems)", diags.v[0]);
    assert_string_equal(err.msg, want);
    ld_strlist_clear(&diags);

    /* every level at once, in document order */
    p = parse("version: 3\ncolour: x\nprofile:\n  exposure: far\ngate:\n  fail-on: [x]\n"
              "exceptions:\n  - id: X\n    expires: soon\n",
              &diags, &err);
    assert_null(p);
    assert_int_equal(diags.n, 8);
    static const int lines[] = {1, 2, 4, 3, 3, 6, 9, 8};
    for (size_t i = 0; i < 8; i++) {
        char prefix[32];
        snprintf(prefix, sizeof(prefix), "p.yaml:%d: ", lines[i]);
        if (strncmp(diags.v[i], prefix, strlen(prefix)) != 0)
            fail_msg("diag %zu: \"%s\", want line %d", i, diags.v[i], lines[i]);
    }
    assert_non_null(strstr(err.msg, "(and 7 more problems)"));
    ld_strlist_clear(&diags);

    /* diags is optional; err alone still carries the count */
    p = parse("version: 1\na: 1\nb: 2\n", NULL, &err);
    assert_null(p);
    assert_non_null(strstr(err.msg, "p.yaml:2: unknown key \"a\""));
    assert_non_null(strstr(err.msg, "(and 1 more problem)"));
    assert_null(parse("version: 1\na: 1\n", NULL, NULL));
}

static void test_problem_list_capped(void **state)
{
    (void)state;
    size_t cap = 16 + 150 * 16;
    char *yaml = ld_xmalloc(cap);
    size_t o = (size_t)snprintf(yaml, cap, "version: 1\n");
    for (int i = 0; i < 150; i++)
        o += (size_t)snprintf(yaml + o, cap - o, "k%d: 1\n", i);
    ld_strlist diags = {0};
    ld_error err = LD_ERROR_INIT;
    assert_null(parse(yaml, &diags, &err));
    assert_int_equal(diags.n, 101);
    assert_string_equal(diags.v[100], "p.yaml: 50 more problems not shown");
    assert_non_null(strstr(err.msg, "(and 149 more problems)"));
    ld_strlist_clear(&diags);
    free(yaml);
}

/* ---- dates and expiry ---- */

static void test_dates(void **state)
{
    (void)state;
    static const char *const good[] = {"2024-02-29", "2000-02-29", "2026-12-31", "1999-01-01",
                                       "2026-04-30"};
    for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
        char yaml[160];
        snprintf(yaml, sizeof(yaml),
                 "version: 1\nexceptions:\n  - id: X\n    reason: r\n"
                 "    expires: %s\n",
                 good[i]);
        ld_policy *p = parse_ok(yaml);
        assert_string_equal(p->exceptions[0].expires, good[i]);
        ld_policy_free(p);
    }
    static const struct {
        const char *date, *msg;
    } bad[] = {
        {"2026-02-30", "2026-02-30 is not a real date (2026-02 has 28 days)"},
        {"2023-02-29", "2023-02-29 is not a real date (2023-02 has 28 days)"},
        {"1900-02-29", "1900-02-29 is not a real date (1900-02 has 28 days)"},
        {"2026-04-31", "(2026-04 has 30 days)"},
        {"2026-13-01", "2026-13-01 is not a real date"},
        {"2026-00-10", "is not a real date"},
        {"2026-01-00", "is not a real date"},
        {"0000-01-01", "is not a real date"},
        {"tomorrow", "must be a date YYYY-MM-DD, not \"tomorrow\""},
        {"2026-1-01", "must be a date YYYY-MM-DD"},
        {"2026/01/01", "must be a date YYYY-MM-DD"},
        {"20260101", "must be a date YYYY-MM-DD"},
        {"2026-01-01T00:00:00Z", "must be a date YYYY-MM-DD"},
        {"'+2026-01-01'", "must be a date YYYY-MM-DD"},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        char yaml[160];
        snprintf(yaml, sizeof(yaml),
                 "version: 1\nexceptions:\n  - id: X\n    reason: r\n"
                 "    expires: %s\n",
                 bad[i].date);
        expect_one(yaml, 5, bad[i].msg);
    }
}

static void test_expiry_boundary(void **state)
{
    (void)state;
    time_t morning = local_time(2027, 1, 31, 0, 0, 1);
    time_t night = local_time(2027, 1, 31, 23, 59, 59);
    time_t next = local_time(2027, 2, 1, 0, 0, 0);
    /* valid through the expiry day, expired from the day after */
    assert_false(ld_date_expired("2027-01-31", morning));
    assert_false(ld_date_expired("2027-01-31", night));
    assert_true(ld_date_expired("2027-01-31", next));
    assert_true(ld_date_expired("2027-01-30", morning));
    assert_false(ld_date_expired("2027-02-01", night));
    /* year and month boundaries compare as dates, not strings of numbers */
    assert_true(ld_date_expired("2026-12-31", local_time(2027, 1, 1, 12, 0, 0)));
    assert_false(ld_date_expired("2027-01-01", local_time(2026, 12, 31, 12, 0, 0)));
    assert_true(ld_date_expired("2027-01-31", local_time(2027, 2, 1, 12, 0, 0)));
    /* leap day */
    assert_false(ld_date_expired("2028-02-29", local_time(2028, 2, 29, 18, 0, 0)));
    assert_true(ld_date_expired("2028-02-29", local_time(2028, 3, 1, 0, 0, 0)));
    /* malformed counts as expired; no date never expires */
    assert_true(ld_date_expired("2027-02-30", morning));
    assert_true(ld_date_expired("soon", morning));
    assert_true(ld_date_expired("", morning));
    assert_false(ld_date_expired(NULL, morning));
}

/* ---- exception matching ---- */

static void test_exception_matching(void **state)
{
    (void)state;
    ld_control ctl = {.id = (char *)"CIS-DOCKER-5.11"};
    ld_finding f = {.control = &ctl, .check_id = (char *)"container.memory-limit"};
    f.target.kind = LD_TARGET_CONTAINER;
    f.target.id = (char *)"3f2a9c";
    f.target.name = (char *)"web-1";

    ld_exception e = {.id = (char *)"CIS-DOCKER-5.11", .reason = (char *)"r"};
    assert_true(ld_exception_matches(&e, &f)); /* no target: any */
    e.id = (char *)"container.memory-limit";
    assert_true(ld_exception_matches(&e, &f)); /* check id */
    e.id = (char *)"CIS-DOCKER-5.1";
    assert_false(ld_exception_matches(&e, &f)); /* exact, not a prefix */
    e.id = (char *)"cis-docker-5.11";
    assert_false(ld_exception_matches(&e, &f)); /* case matters */

    e.id = (char *)"CIS-DOCKER-5.11";
    e.target = (char *)"web-*";
    assert_true(ld_exception_matches(&e, &f)); /* name */
    e.target = (char *)"3f2a*";
    assert_true(ld_exception_matches(&e, &f)); /* id */
    e.target = (char *)"web-[0-9]";
    assert_true(ld_exception_matches(&e, &f));
    e.target = (char *)"db-*";
    assert_false(ld_exception_matches(&e, &f));
    e.target = (char *)"web";
    assert_false(ld_exception_matches(&e, &f)); /* whole name, not a substring */

    f.target.name = NULL;
    e.target = (char *)"web-*";
    assert_false(ld_exception_matches(&e, &f));
    e.target = (char *)"*";
    assert_true(ld_exception_matches(&e, &f));
    f.check_id = NULL;
    e.id = (char *)"container.memory-limit";
    assert_false(ld_exception_matches(&e, &f));
}

/* ---- hostile input ---- */

static void test_aliases_refused(void **state)
{
    (void)state;
    ld_strlist diags = {0};
    ld_error err = LD_ERROR_INIT;
    ld_policy *p =
        ld_policy_load(LD_SOURCE_DIR "/tests/fuzz/corpus/policy/alias.yaml", &diags, &err);
    assert_null(p);
    assert_int_equal(diags.n, 1);
    assert_non_null(strstr(diags.v[0], "alias.yaml:6: YAML aliases are not accepted"));
    ld_strlist_clear(&diags);
    expect_one("a: &x 1\nversion: *x\n", 2, "aliases are not accepted");
}

static void test_deep_nesting_refused(void **state)
{
    (void)state;
    char yaml[4096];
    size_t o = (size_t)snprintf(yaml, sizeof(yaml), "version: 1\nlevel: ");
    for (int i = 0; i < 1000; i++)
        yaml[o++] = '[';
    for (int i = 0; i < 1000; i++)
        yaml[o++] = ']';
    yaml[o++] = '\n';
    yaml[o] = '\0';
    expect_one(yaml, 2, "nesting deeper than");

    /* deep block mappings too */
    o = (size_t)snprintf(yaml, sizeof(yaml), "version: 1\ngate:\n");
    for (int i = 1; i < 40; i++)
        o += (size_t)snprintf(yaml + o, sizeof(yaml) - o, "%*sk:\n", i * 2, "");
    expect_one(yaml, 18, "nesting deeper than");
}

static void test_syntax_error_line(void **state)
{
    (void)state;
    expect_one("version: 1\ngate:\n  fail-on: high\n   required-controls: true\n", 4,
               "invalid YAML: mapping values are not allowed");
    expect_one("version: 1\nlevel: high\nlevel: low\n", 3, "duplicate key \"level\"");
    ld_strlist diags = {0};
    ld_error err = LD_ERROR_INIT;
    assert_null(ld_policy_parse("p.yaml", "version: 1\0x", 12, &diags, &err));
    assert_int_equal(diags.n, 1);
    assert_non_null(strstr(diags.v[0], "NUL byte"));
    ld_strlist_clear(&diags);
    static const char bad_utf8[] = "version: 1\n\xff\xfe: x\n";
    assert_null(ld_policy_parse("p.yaml", bad_utf8, sizeof(bad_utf8) - 1, &diags, &err));
    assert_int_equal(diags.n, 1);
    ld_strlist_clear(&diags);
}

static void test_size_cap(void **state)
{
    (void)state;
    const size_t mib = (size_t)1 << 20;
    char *buf = ld_xmalloc(mib + 2);
    /* exactly 1 MiB: accepted */
    memset(buf, '#', mib);
    memcpy(buf, "version: 1\n", 11);
    for (size_t i = 80; i < mib; i += 80)
        buf[i] = '\n';
    buf[mib - 1] = '\n';
    char *path = write_temp(buf, mib);
    ld_strlist diags = {0};
    ld_error err = LD_ERROR_INIT;
    ld_policy *p = ld_policy_load(path, &diags, &err);
    if (!p)
        fail_msg("%s", err.msg);
    ld_policy_free(p);
    unlink(path);
    free(path);

    /* one byte more: refused, with a clear message */
    buf[mib] = '\n';
    path = write_temp(buf, mib + 1);
    p = ld_policy_load(path, &diags, &err);
    assert_null(p);
    assert_int_equal(err.code, LD_ERR_LIMIT);
    assert_non_null(strstr(err.msg, "larger than 1 MiB"));
    assert_int_equal(diags.n, 1);
    assert_non_null(strstr(diags.v[0], path));
    ld_strlist_clear(&diags);
    unlink(path);
    free(path);

    /* the in-memory entry point has the same cap */
    assert_null(ld_policy_parse("big", buf, mib + 1, NULL, &err));
    assert_int_equal(err.code, LD_ERR_LIMIT);
    free(buf);
}

static void test_count_caps(void **state)
{
    (void)state;
    /* more than 256 trusted keys */
    size_t cap = 64 + 257 * 40;
    char *yaml = ld_xmalloc(cap);
    size_t o = (size_t)snprintf(yaml, cap, "version: 1\ntrusted-keys:\n");
    for (int i = 0; i < 257; i++)
        o += (size_t)snprintf(yaml + o, cap - o, "  - {name: k%d, key: \"file:/k\"}\n", i);
    expect_one(yaml, 2, "\"trusted-keys\" has 257 entries; at most 256 are accepted");
    free(yaml);

    /* more YAML nodes than a policy needs: refused early (the loader's
     * duplicate-key check is quadratic, so this also bounds the time) */
    cap = 64 + 40001 * 6;
    yaml = ld_xmalloc(cap);
    o = (size_t)snprintf(yaml, cap, "version: 1\ntrusted-registries: [");
    for (int i = 0; i < 40001; i++)
        o += (size_t)snprintf(yaml + o, cap - o, "r%d,", i % 10);
    snprintf(yaml + o, cap - o, "]\n");
    expect_one(yaml, 2, "more than 40000 YAML nodes");
    free(yaml);
}

static void test_not_regular_or_missing(void **state)
{
    (void)state;
    ld_strlist diags = {0};
    ld_error err = LD_ERROR_INIT;
    assert_null(ld_policy_load("/tmp", &diags, &err));
    assert_non_null(strstr(err.msg, "/tmp: policy is not a regular file"));
    assert_int_equal(err.code, LD_ERR_INVALID);
    assert_int_equal(diags.n, 1);
    ld_strlist_clear(&diags);

    char fifo[] = "/tmp/test_policy_fifoXXXXXX";
    char *dir = mkdtemp(fifo);
    assert_non_null(dir);
    char *path = ld_xasprintf("%s/p", dir);
    assert_int_equal(mkfifo(path, 0600), 0);
    assert_null(ld_policy_load(path, NULL, &err)); /* must not block */
    assert_non_null(strstr(err.msg, "not a regular file"));
    unlink(path);
    rmdir(dir);
    free(path);

    assert_null(ld_policy_load("/nonexistent/policy.yaml", NULL, &err));
    assert_int_equal(err.code, LD_ERR_NOT_FOUND);
    assert_non_null(strstr(err.msg, "/nonexistent/policy.yaml: cannot open policy"));
}

/* ---- built-in default ---- */

static void test_default_policy(void **state)
{
    (void)state;
    ld_error err = LD_ERROR_INIT;
    ld_policy *p = ld_policy_default(&err);
    if (!p)
        fail_msg("%s", err.msg);
    assert_string_equal(p->path, "built-in default");
    assert_true(p->has_profile);
    assert_false(p->has_level);
    assert_int_equal(p->profile.data, LD_DATA_INTERNAL);
    assert_int_equal(p->profile.exposure, LD_EXPOSURE_INDIRECT);
    assert_int_equal(p->profile.use, LD_USE_PRODUCTION);
    assert_int_equal(ld_level_derive(&p->profile, NULL), LD_LEVEL_MEDIUM);
    assert_true(p->has_fail_on);
    assert_int_equal(p->fail_on, LD_SEV_CRITICAL);
    assert_true(p->required_controls);
    assert_int_equal(p->n_exceptions, 0);
    assert_int_equal(p->n_attestations, 0);
    assert_int_equal(p->trusted_registries.n, 0);
    assert_int_equal(p->n_trusted_keys, 0);
    ld_policy_free(p);
    ld_policy_free(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_full_policy),
        cmocka_unit_test(test_minimal_and_null_sections),
        cmocka_unit_test(test_booleans),
        cmocka_unit_test(test_gate_completeness_keys),
        cmocka_unit_test(test_version),
        cmocka_unit_test(test_wrong_types),
        cmocka_unit_test(test_bad_enums),
        cmocka_unit_test(test_missing_required),
        cmocka_unit_test(test_attestation_rules),
        cmocka_unit_test(test_registries_and_keys),
        cmocka_unit_test(test_unknown_keys),
        cmocka_unit_test(test_hostile_text_escaped),
        cmocka_unit_test(test_problems_collected),
        cmocka_unit_test(test_problem_list_capped),
        cmocka_unit_test(test_dates),
        cmocka_unit_test(test_expiry_boundary),
        cmocka_unit_test(test_exception_matching),
        cmocka_unit_test(test_aliases_refused),
        cmocka_unit_test(test_deep_nesting_refused),
        cmocka_unit_test(test_syntax_error_line),
        cmocka_unit_test(test_size_cap),
        cmocka_unit_test(test_count_caps),
        cmocka_unit_test(test_not_regular_or_missing),
        cmocka_unit_test(test_default_policy),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
