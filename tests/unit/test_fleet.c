/* Unit tests for the fleet view (src/core/fleet*.c): reading JSON reports
 * (valid ones, and hostile ones: wrong types, missing fields, an unknown
 * schema version, deep nesting, huge strings, counts that do not add up,
 * a file over the size limit), duplicate hosts (the later report wins,
 * whichever order they come in), levels that differ, the aggregation (worst
 * hosts and most failed controls first, per-control host lists, totals),
 * and the writers (JSON totals equal the sums of the inputs, markup
 * escaped in HTML and JUnit, every format writes). Reports are built here
 * with jansson in the shape report_json.c writes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "core/fleet.h"
#include "util/mem.h"

static const char *const state_keys[] = {"passed",         "failed",      "needs_review",
                                         "excepted",       "attested",    "not_assessed",
                                         "not_applicable", "out_of_scope"};

typedef struct {
    const char *id, *state;
} ctl;

/* A v2 report of host `host` at `level`, started at `when`, with these
 * control states (all required at low); counts derived from them. */
static json_t *make_report(const char *host, const char *level, const char *when, const ctl *ctls,
                           size_t n, bool gate_failed)
{
    json_t *r = json_object();
    json_object_set_new(r, "schema", json_string("https://lockdown.dev/schemas/report/v2"));
    json_object_set_new(r, "schema_version", json_integer(2));
    json_object_set_new(r, "tool", json_pack("{s:s,s:s}", "name", "lockdown", "version", "0.1.0"));
    json_object_set_new(r, "command", json_string("assess"));
    char *scope = ld_xasprintf("host %s, docker engine unix:///x (not answering)", host);
    json_object_set_new(r, "scope", json_string(scope));
    free(scope);
    json_object_set_new(r, "level", json_string(level));
    json_object_set_new(r, "level_source", json_string("--level"));
    json_object_set_new(r, "started_at", json_string(when));
    json_object_set_new(r, "tiers",
                        json_pack("[{s:s,s:s,s:s,s:n},{s:s,s:s,s:n,s:s}]", "name", "host", "state",
                                  "assessed", "what", "debian 12", "reason", "name", "containers",
                                  "state", "not applicable", "what", "reason", "no engine"));
    json_object_set_new(r, "findings", json_array());
    json_object_set_new(r, "summary",
                        json_pack("{s:i,s:i,s:i,s:i,s:i,s:i,s:i,s:i,s:i}", "findings", 7, "pass", 3,
                                  "fail", 2, "warn", 1, "info", 0, "manual", 0, "skipped", 1,
                                  "error", 0, "excepted", 0));
    json_t *comp = json_object();
    json_t *controls = json_array();
    size_t by[8] = {0};
    for (size_t i = 0; i < n; i++) {
        json_array_append_new(controls, json_pack("{s:s,s:s,s:s,s:s,s:b,s:b}", "id", ctls[i].id,
                                                  "state", ctls[i].state, "level", "low", "reason",
                                                  "why", "owed", 1, "required", 1));
        char key[32];
        snprintf(key, sizeof(key), "%s", ctls[i].state);
        for (char *p = key; *p; p++)
            if (*p == ' ')
                *p = '_';
        for (size_t k = 0; k < 8; k++)
            if (strcmp(key, state_keys[k]) == 0)
                by[k]++;
    }
    for (int l = 0; l < 3; l++) {
        json_t *c = json_object();
        json_object_set_new(c, "required", json_integer((json_int_t)n));
        json_object_set_new(c, "assessed", json_integer((json_int_t)(n - by[5] - by[7])));
        for (size_t k = 0; k < 8; k++)
            json_object_set_new(c, state_keys[k], json_integer((json_int_t)by[k]));
        json_object_set_new(comp, l == 0 ? "low" : l == 1 ? "medium" : "high", c);
    }
    json_object_set_new(comp, "controls", controls);
    json_object_set_new(r, "compliance", comp);
    json_object_set_new(r, "coverage", json_object());
    json_object_set_new(r, "notes", json_array());
    json_object_set_new(r, "gate",
                        json_pack("{s:b,s:b,s:[s],s:[],s:n,s:b,s:b}", "failed", gate_failed,
                                  "incomplete", 0, "reasons", "1 control failed", "notes",
                                  "fail_on", "allow_incomplete", 0, "fail_on_review", 0));
    return r;
}

static const ctl two_fail[] = {{"C-1", "failed"}, {"C-2", "failed"}, {"C-3", "passed"}};
static const ctl one_fail[] = {{"C-1", "failed"}, {"C-2", "not assessed"}, {"C-3", "passed"}};
static const ctl none_fail[] = {{"C-1", "passed"}, {"C-2", "passed"}, {"C-3", "needs review"}};

/* Reads j (not consumed) as report `name`; returns what ld_fleet_read_buffer returns. */
static int read_json(ld_fleet *f, const char *name, json_t *j, ld_error *err)
{
    char *s = json_dumps(j, 0);
    int rc = ld_fleet_read_buffer(f, name, s, strlen(s), NULL, err);
    free(s);
    return rc;
}

static int read_text(ld_fleet *f, const char *name, const char *s, ld_error *err)
{
    return ld_fleet_read_buffer(f, name, s, strlen(s), NULL, err);
}

/* Reading the mutated report fails with a message naming the report and
 * containing want. */
static void expect_refused(json_t *j, const char *want)
{
    ld_fleet *f = ld_fleet_new();
    ld_error err = LD_ERROR_INIT;
    int rc = read_json(f, "bad.json", j, &err);
    if (rc >= 0)
        fail_msg("accepted a report that should be refused (%s)", want);
    if (strncmp(err.msg, "bad.json: ", 10) != 0 || !strstr(err.msg, want))
        fail_msg("message \"%s\" does not name the report and \"%s\"", err.msg, want);
    assert_int_equal(f->n_hosts, 0);
    ld_fleet_free(f);
    json_decref(j);
}

static void test_valid_and_aggregation(void **state)
{
    (void)state;
    ld_fleet *f = ld_fleet_new();
    ld_error err = LD_ERROR_INIT;
    json_t *a = make_report("alpha", "medium", "2026-01-01T00:00:00Z", none_fail, 3, false);
    json_t *b = make_report("bravo", "medium", "2026-01-01T00:00:00Z", two_fail, 3, true);
    json_t *c = make_report("charlie", "medium", "2026-01-01T00:00:00Z", one_fail, 3, true);
    assert_int_equal(read_json(f, "a.json", a, &err), 0);
    assert_int_equal(read_json(f, "b.json", b, &err), 0);
    assert_int_equal(read_json(f, "c.json", c, &err), 0);
    ld_fleet_finish(f, 1);
    assert_int_equal(f->n_hosts, 3);
    /* worst first: both failed gates; bravo has 2 failed controls */
    assert_string_equal(f->hosts[0].name, "bravo");
    assert_string_equal(f->hosts[1].name, "charlie");
    assert_string_equal(f->hosts[2].name, "alpha");
    assert_string_equal(f->hosts[0].source, "b.json");
    assert_int_equal(f->hosts[0].n_tiers, 2);
    assert_int_equal(f->hosts[0].tiers[1].state, LD_TIER_NOT_APPLICABLE);
    assert_int_equal(f->hosts[0].level, LD_LEVEL_MEDIUM);
    assert_true(f->hosts[0].gate_failed);
    /* most failed control first: C-1 fails on bravo and charlie */
    assert_int_equal(f->n_controls, 3);
    assert_string_equal(f->controls[0].id, "C-1");
    assert_int_equal(f->controls[0].by_state[LD_CTRL_FAILED], 2);
    assert_int_equal(f->controls[0].by_state[LD_CTRL_PASSED], 1);
    assert_int_equal(f->controls[0].hosts, 3);
    assert_string_equal(f->controls[1].id, "C-2");
    assert_int_equal(f->controls[1].by_state[LD_CTRL_NOT_ASSESSED], 1);
    assert_string_equal(f->hosts[f->controls[1].host_index[0]].name, "bravo");
    ld_fleet_totals t;
    ld_fleet_sum(f, &t);
    assert_int_equal(t.hosts, 3);
    assert_int_equal(t.gate_failed, 2);
    assert_int_equal(t.controls.required, 9);
    assert_int_equal(t.controls.by_state[LD_CTRL_FAILED], 3);
    assert_int_equal(t.controls.by_state[LD_CTRL_PASSED], 4);
    assert_int_equal(t.controls.by_state[LD_CTRL_NOT_ASSESSED], 1);
    assert_int_equal(t.controls.by_state[LD_CTRL_REVIEW], 1);
    assert_int_equal(t.findings, 21);
    assert_int_equal(f->notes.n, 0); /* same level, no duplicates */
    json_decref(a);
    json_decref(b);
    json_decref(c);
    ld_fleet_free(f);
}

static void duplicate(bool newer_first)
{
    ld_fleet *f = ld_fleet_new();
    ld_error err = LD_ERROR_INIT;
    json_t *old = make_report("node", "medium", "2026-01-01T00:00:00Z", two_fail, 3, true);
    json_t *new = make_report("node", "medium", "2026-02-01T00:00:00Z", none_fail, 3, false);
    if (newer_first) {
        assert_int_equal(read_json(f, "new.json", new, &err), 0);
        assert_int_equal(read_json(f, "old.json", old, &err), 0);
    } else {
        assert_int_equal(read_json(f, "old.json", old, &err), 0);
        assert_int_equal(read_json(f, "new.json", new, &err), 0);
    }
    ld_fleet_finish(f, 1);
    assert_int_equal(f->n_hosts, 1);
    assert_int_equal(f->reports_read, 2);
    assert_string_equal(f->hosts[0].source, "new.json");
    assert_false(f->hosts[0].gate_failed);
    assert_int_equal(f->notes.n, 1);
    assert_non_null(strstr(f->notes.v[0], "host node"));
    assert_non_null(strstr(f->notes.v[0], "kept new.json"));
    json_decref(old);
    json_decref(new);
    ld_fleet_free(f);
}

static void test_duplicate_hosts(void **state)
{
    (void)state;
    duplicate(false);
    duplicate(true);
}

static void test_levels_differ(void **state)
{
    (void)state;
    ld_fleet *f = ld_fleet_new();
    ld_error err = LD_ERROR_INIT;
    json_t *a = make_report("a", "low", "2026-01-01T00:00:00Z", none_fail, 3, false);
    json_t *b = make_report("b", "high", "2026-01-01T00:00:00Z", none_fail, 3, false);
    assert_int_equal(read_json(f, "a.json", a, &err), 0);
    assert_int_equal(read_json(f, "b.json", b, &err), 0);
    ld_fleet_finish(f, 1);
    assert_int_equal(f->notes.n, 1);
    assert_non_null(strstr(f->notes.v[0], "different levels"));
    assert_non_null(strstr(f->notes.v[0], "low: 1 host"));
    json_decref(a);
    json_decref(b);
    ld_fleet_free(f);
}

static json_t *base(void)
{
    return make_report("h", "medium", "2026-01-01T00:00:00Z", one_fail, 3, true);
}

static void test_wrong_types(void **state)
{
    (void)state;
    json_t *j = base();
    json_object_set_new(json_object_get(j, "gate"), "failed", json_string("yes"));
    expect_refused(j, "gate.failed: expected true or false");

    j = base();
    json_t *c1 = json_array_get(json_object_get(json_object_get(j, "compliance"), "controls"), 1);
    json_object_set_new(c1, "state", json_integer(3));
    expect_refused(j, "compliance.controls[1].state: expected a string");

    j = base();
    c1 = json_array_get(json_object_get(json_object_get(j, "compliance"), "controls"), 2);
    json_object_set_new(c1, "state", json_string("fine"));
    expect_refused(j, "compliance.controls[2].state: expected a control state");

    j = base();
    json_object_set_new(json_object_get(j, "summary"), "fail", json_integer(-1));
    expect_refused(j, "summary.fail: count out of range");

    j = base();
    json_object_set_new(json_object_get(j, "summary"), "fail", json_real(1.5));
    expect_refused(j, "summary.fail: expected a count");

    j = base();
    json_object_set_new(j, "level", json_string("extreme"));
    expect_refused(j, "level: expected low, medium or high");

    j = base();
    json_object_set_new(j, "started_at", json_string("yesterday"));
    expect_refused(j, "started_at: expected an RFC 3339");

    j = base();
    json_object_set_new(j, "tiers", json_string("all"));
    expect_refused(j, "tiers: expected an array");

    j = base();
    json_object_set_new(json_array_get(json_object_get(j, "tiers"), 0), "state",
                        json_string("half"));
    expect_refused(j, "tiers[0].state");

    j = base();
    json_object_set_new(json_object_get(j, "gate"), "reasons", json_pack("[i]", 1));
    expect_refused(j, "gate.reasons[0]: expected a string");

    j = base();
    c1 = json_array_get(json_object_get(json_object_get(j, "compliance"), "controls"), 0);
    json_object_set_new(c1, "id", json_string("has space"));
    expect_refused(j, "compliance.controls[0].id: expected a control id");

    /* counts that do not add up to required */
    j = base();
    json_object_set_new(json_object_get(json_object_get(j, "compliance"), "medium"), "passed",
                        json_integer(50));
    expect_refused(j, "the state counts add up to");
}

static void test_missing_fields(void **state)
{
    (void)state;
    static const char *const top[] = {"gate",  "compliance", "summary",
                                      "level", "started_at", "findings"};
    for (size_t i = 0; i < sizeof(top) / sizeof(top[0]); i++) {
        json_t *j = base();
        /* findings only matter when the scope does not name the host */
        if (strcmp(top[i], "findings") == 0)
            json_object_set_new(j, "scope", json_null());
        json_object_del(j, top[i]);
        char want[64];
        snprintf(want, sizeof(want), "%s: missing", top[i]);
        expect_refused(j, want);
    }
    json_t *j = base();
    json_object_del(json_object_get(j, "compliance"), "high");
    expect_refused(j, "compliance.high: missing");
    j = base();
    json_object_del(json_object_get(j, "compliance"), "controls");
    expect_refused(j, "compliance.controls: missing");
    /* tiers may be missing (reports written before tiers existed) */
    j = base();
    json_object_del(j, "tiers");
    ld_fleet *f = ld_fleet_new();
    ld_error err = LD_ERROR_INIT;
    assert_int_equal(read_json(f, "old.json", j, &err), 0);
    assert_int_equal(f->hosts[0].n_tiers, 0);
    ld_fleet_free(f);
    json_decref(j);
}

static void test_schema_version(void **state)
{
    (void)state;
    json_t *j = base();
    json_object_set_new(j, "schema_version", json_integer(3));
    expect_refused(j, "report schema version 3 is not supported");
    j = base();
    json_object_set_new(j, "schema", json_string("https://example.com/other"));
    expect_refused(j, "not a lockdown report");
    ld_fleet *f = ld_fleet_new();
    ld_error err = LD_ERROR_INIT;
    assert_true(read_text(f, "x.json", "[1,2]", &err) < 0);
    assert_non_null(strstr(err.msg, "not a lockdown report"));
    assert_true(read_text(f, "x.json", "{\"schema\": ", &err) < 0);
    assert_non_null(strstr(err.msg, "x.json"));
    assert_true(read_text(f, "x.json", "", &err) < 0);
    assert_int_equal(f->n_hosts, 0);
    ld_fleet_free(f);
}

static void test_deep_nesting_and_size(void **state)
{
    (void)state;
    json_t *j = base();
    char *s = json_dumps(j, 0);
    json_decref(j);
    /* a field nested 10,000 deep: refused before jansson builds it */
    size_t depth = 10000, n = strlen(s);
    char *deep = ld_xmalloc(n + 2 * depth + 16);
    size_t o = 0;
    memcpy(deep, s, n - 1); /* without the closing brace */
    o = n - 1;
    memcpy(deep + o, ",\"x\":", 5);
    o += 5;
    for (size_t i = 0; i < depth; i++)
        deep[o++] = '[';
    for (size_t i = 0; i < depth; i++)
        deep[o++] = ']';
    deep[o++] = '}';
    ld_fleet *f = ld_fleet_new();
    ld_error err = LD_ERROR_INIT;
    assert_true(ld_fleet_read_buffer(f, "deep.json", deep, o, NULL, &err) < 0);
    assert_int_equal(err.code, LD_ERR_LIMIT);
    assert_non_null(strstr(err.msg, "deep.json"));
    /* the size limit */
    ld_fleet_limits lim;
    ld_fleet_limits_default(&lim);
    lim.max_bytes = 100;
    assert_true(ld_fleet_read_buffer(f, "big.json", s, n, &lim, &err) < 0);
    assert_int_equal(err.code, LD_ERR_LIMIT);
    assert_int_equal(f->n_hosts, 0);
    ld_fleet_free(f);
    free(deep);
    free(s);
}

static void test_huge_strings(void **state)
{
    (void)state;
    size_t big = 1u << 20;
    char *name = ld_xmalloc(big + 1);
    memset(name, 'n', big);
    name[big] = '\0';
    json_t *j = make_report(name, "medium", "2026-01-01T00:00:00Z", one_fail, 3, true);
    json_t *c0 = json_array_get(json_object_get(json_object_get(j, "compliance"), "controls"), 0);
    json_object_set_new(c0, "reason", json_string(name));
    ld_fleet *f = ld_fleet_new();
    ld_error err = LD_ERROR_INIT;
    assert_int_equal(read_json(f, "dir/huge.json", j, &err), 0);
    /* a name too long for a host name: the file name stands in */
    assert_string_equal(f->hosts[0].name, "huge.json");
    assert_true(strlen(f->hosts[0].scope) <= LD_FLEET_TEXT_MAX + 3);
    assert_true(strlen(f->hosts[0].controls[0].reason) <= LD_FLEET_TEXT_MAX + 3);
    ld_fleet_free(f);
    json_decref(j);
    free(name);
}

/* Writes f in fmt into a string (caller frees). */
static char *render(const ld_fleet *f, ld_format fmt)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *o = open_memstream(&buf, &len);
    assert_non_null(o);
    ld_error err = LD_ERROR_INIT;
    assert_int_equal(ld_fleet_write(f, fmt, o, NULL, &err), 0);
    fclose(o);
    return buf;
}

static void test_writers(void **state)
{
    (void)state;
    ld_fleet *f = ld_fleet_new();
    ld_error err = LD_ERROR_INIT;
    json_t *a = make_report("<script>alert(1)</script>", "medium", "2026-01-01T00:00:00Z", two_fail,
                            3, true);
    json_t *b = make_report("b\xe2\x80\xae"
                            "evil",
                            "low", "2026-01-01T00:00:00Z", one_fail, 3, true);
    assert_int_equal(read_json(f, "a.json", a, &err), 0);
    assert_int_equal(read_json(f, "b.json", b, &err), 0);
    ld_fleet_unreadable(f, "broken.json: not a lockdown report");
    ld_fleet_finish(f, 1);

    char *js = render(f, LD_FORMAT_JSON);
    json_error_t je;
    json_t *doc = json_loads(js, 0, &je);
    assert_non_null(doc);
    json_t *sum = json_object_get(doc, "summary");
    assert_int_equal(json_integer_value(json_object_get(sum, "hosts")), 2);
    assert_int_equal(
        json_integer_value(json_object_get(json_object_get(sum, "controls"), "failed")), 3);
    assert_int_equal(json_array_size(json_object_get(doc, "unreadable")), 1);
    assert_int_equal(json_array_size(json_object_get(doc, "hosts")), 2);
    json_decref(doc);
    free(js);

    char *html = render(f, LD_FORMAT_HTML);
    assert_null(strstr(html, "<script>"));
    assert_non_null(strstr(html, "&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert_null(strstr(html, "\xe2\x80\xae"));
    assert_non_null(strstr(html, "&#x202E;"));
    assert_non_null(strstr(html, "Content-Security-Policy"));
    free(html);

    char *xml = render(f, LD_FORMAT_JUNIT);
    assert_null(strstr(xml, "<script>"));
    assert_non_null(strstr(xml, "<testsuite name=\"lockdown.&lt;script&gt;"));
    free(xml);

    char *sarif = render(f, LD_FORMAT_SARIF);
    doc = json_loads(sarif, 0, &je);
    assert_non_null(doc);
    assert_int_equal(json_array_size(json_object_get(doc, "runs")), 2);
    json_decref(doc);
    free(sarif);

    char *jsonl = render(f, LD_FORMAT_JSONL);
    size_t lines = 0;
    for (char *p = jsonl; *p; p++)
        lines += *p == '\n';
    assert_int_equal(lines, 2 + 3 + 1); /* hosts, controls, the fleet line */
    free(jsonl);

    char *table = render(f, LD_FORMAT_TABLE);
    assert_null(strstr(table, "\xe2\x80\xae"));
    assert_non_null(strstr(table, "broken.json"));
    free(table);

    json_decref(a);
    json_decref(b);
    ld_fleet_free(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_valid_and_aggregation),
        cmocka_unit_test(test_duplicate_hosts),
        cmocka_unit_test(test_levels_differ),
        cmocka_unit_test(test_wrong_types),
        cmocka_unit_test(test_missing_fields),
        cmocka_unit_test(test_schema_version),
        cmocka_unit_test(test_deep_nesting_and_size),
        cmocka_unit_test(test_huge_strings),
        cmocka_unit_test(test_writers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
