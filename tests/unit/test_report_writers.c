/* Unit tests for the report writers (table, JSON, SARIF, JUnit): each
 * renders a findings set and its evaluation (core/evaluate.h) faithfully —
 * findings, control states with their reasons, compliance per level,
 * coverage, notes and the gate. Findings carry hostile text (quotes,
 * newlines, markup, escape sequences, invalid UTF-8) and every format must
 * stay well-formed. The evaluation itself is tested in test_evaluate.c;
 * here its result is what the writers must show, so expected values come
 * either from the scenario (worked out by hand in its comment) or from the
 * evaluation the writer was given. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "core/catalog.h"
#include "core/evaluate.h"
#include "core/finding.h"
#include "core/findings.h"
#include "core/policy.h"
#include "core/report.h"

static const char catalog_yaml[] =
    "controls:\n"
    "  - id: NIST-IMG-01\n"
    "    framework: nist-800-190\n"
    "    refs: [IMG-01]\n"
    "    title: Image vulnerabilities are found and fixed\n"
    "    tier: image\n"
    "    nist: \"4.1.1\"\n"
    "    cis: []\n"
    "    automation: automated\n"
    "    checks: [image.vulns]\n"
    "    level: low\n"
    "    severity: high\n"
    "    description: Images are scanned for known vulnerabilities.\n"
    "    remediation: Rebuild images on patched bases.\n"
    "  - id: CIS-4.1\n"
    "    framework: cis-docker-1.6\n"
    "    refs: [IMG-03]\n"
    "    title: A user for the container has been created\n"
    "    tier: image\n"
    "    nist: \"4.1.3\"\n"
    "    cis: [\"4.1\"]\n"
    "    automation: automated\n"
    "    checks: [image.user]\n"
    "    level: medium\n"
    "    severity: medium\n"
    "    description: Containers should not run as root.\n"
    "    remediation: Add a USER instruction.\n"
    "  - id: CIS-5.4\n"
    "    framework: cis-docker-1.6\n"
    "    refs: [CTR-03]\n"
    "    title: Privileged containers are not used\n"
    "    tier: container\n"
    "    nist: \"4.4.3\"\n"
    "    cis: [\"5.4\"]\n"
    "    automation: automated\n"
    "    checks: [container.privileged]\n"
    "    level: low\n"
    "    severity: critical\n"
    "    description: Privileged containers have every capability.\n"
    "    remediation: Do not use --privileged.\n"
    "  - id: NIST-CTR-03\n"
    "    framework: nist-800-190\n"
    "    refs: [CTR-03]\n"
    "    title: Container runtime configuration is hardened\n"
    "    tier: container\n"
    "    nist: \"4.4.3\"\n"
    "    cis: []\n"
    "    automation: automated\n"
    "    checks: [container.runtime, container.privileged]\n"
    "    level: medium\n"
    "    severity: high\n"
    "    description: Runtime settings limit what a container can do.\n"
    "    remediation: Apply the CIS section 5 settings.\n"
    "  - id: NIST-HOST-01\n"
    "    framework: nist-800-190\n"
    "    refs: [HOST-01]\n"
    "    title: Use a container-specific host OS\n"
    "    tier: host\n"
    "    nist: \"4.5.1\"\n"
    "    cis: []\n"
    "    automation: attested\n"
    "    checks: []\n"
    "    level: high\n"
    "    severity: low\n"
    "    description: A minimal host OS has less attack surface.\n"
    "    remediation: Run containers on a container-specific OS.\n";

#define N_CONTROLS 5
#define NOW ((time_t)1700000000) /* 2023-11-14T22:13:20Z */

/* Valid UTF-8 that every format must escape, including control characters
 * and an escape sequence that must never reach a terminal raw. */
#define HOSTILE_EVIDENCE                                                                           \
    "quote \" backslash \\ newline\nlt < amp & gt > apos ' tab\t \xC3\xBCn\xC3\xAF "               \
    "\xF0\x9F\x9A\x80 ctl \x01\x1b[31mred"
#define INVALID_EVIDENCE "bad \xff\xfe end \xc3"
#define EXCEPTION_REASON "accepted risk <ticket & 42>"

typedef struct {
    ld_catalog *cat;
    ld_exception exceptions[2];
    ld_attestation attestations[2];
    ld_policy policy;
    ld_findings *fs;
    ld_evaluation *ev;
    char *buf;
    size_t len;
} fixture;

static int setup(void **state)
{
    fixture *x = calloc(1, sizeof(*x));
    ld_error err = LD_ERROR_INIT;
    x->cat = ld_catalog_parse("test-catalog.yaml", catalog_yaml, sizeof(catalog_yaml) - 1, &err);
    if (!x->cat)
        fail_msg("catalog: %s", err.msg);
    x->policy.path = "test-policy.yaml";
    x->policy.required_controls = true;
    x->policy.exceptions = x->exceptions;
    x->policy.attestations = x->attestations;
    x->fs = ld_findings_new(x->cat, NOW);
    /* the table's width comes from $COLUMNS: fixed here, whatever the shell says */
    setenv("COLUMNS", "100", 1);
    *state = x;
    return 0;
}

static int teardown(void **state)
{
    fixture *x = *state;
    ld_evaluation_free(x->ev);
    ld_findings_free(x->fs);
    free(x->buf);
    ld_catalog_free(x->cat);
    free(x);
    return 0;
}

static void add_exception(fixture *x, const char *id, const char *target, const char *expires)
{
    ld_exception *e = &x->exceptions[x->policy.n_exceptions++];
    e->id = (char *)id;
    e->target = (char *)target;
    e->reason = EXCEPTION_REASON;
    e->expires = (char *)expires;
    e->line = 7;
}

static void add_attestation(fixture *x, const char *control, const char *expires)
{
    ld_attestation *a = &x->attestations[x->policy.n_attestations++];
    a->control = (char *)control;
    a->by = "security team";
    a->date = "2023-01-01";
    a->evidence = "https://example.com/evidence";
    a->expires = (char *)expires;
    a->line = 12;
}

static ld_finding *new_finding(fixture *x, const char *control, ld_status status)
{
    const ld_control *c = ld_catalog_find(x->cat, control);
    assert_non_null(c);
    return ld_finding_new(c, c->checks.n ? c->checks.v[0] : "manual", status);
}

static void add(fixture *x, ld_finding *f)
{
    ld_error err = LD_ERROR_INIT;
    if (ld_findings_add(x->fs, f, &err) < 0)
        fail_msg("add: %s", err.msg);
}

/* Adds a simple finding on a target. */
static void add_simple(fixture *x, const char *control, ld_status status, ld_target_kind kind,
                       const char *id, const char *name)
{
    ld_finding *f = new_finding(x, control, status);
    ld_finding_set_target(f, kind, id, name);
    add(x, f);
}

/* Evaluates the set at level (with fail-on if has_fail_on) and renders it
 * in format; returns the output (owned by x). */
static const char *render_opts(fixture *x, ld_format format, ld_level level, bool color,
                               bool has_fail_on, ld_severity fail_on)
{
    ld_evaluation_free(x->ev);
    ld_eval_options eo = {.level = level, .has_fail_on = has_fail_on, .fail_on = fail_on};
    x->ev = ld_evaluate(x->fs, &x->policy, &eo);
    free(x->buf);
    x->buf = NULL;
    FILE *out = open_memstream(&x->buf, &x->len);
    assert_non_null(out);
    ld_report_options opt = {
        .format = format,
        .out = out,
        .color = color,
        .command = "assess",
        .scope = "engine unix:///var/run/docker.sock",
        .level_source = "--level",
    };
    ld_error err = LD_ERROR_INIT;
    if (ld_report_render(&opt, x->fs, x->ev, &err) != 0)
        fail_msg("render: %s", err.msg);
    assert_int_equal(fclose(out), 0);
    return x->buf;
}

static const char *render(fixture *x, ld_format format, ld_level level, bool color)
{
    return render_opts(x, format, level, color, false, LD_SEV_INFO);
}

/* The shared scenario, seven findings and two coverage facts:
 *   image:     CIS-4.1 fail (hostile), NIST-IMG-01 warn (invalid UTF-8), CIS-4.1 skipped
 *   container: CIS-5.4 pass, CIS-5.4 fail excepted, NIST-CTR-03 error (container.runtime)
 *   host:      NIST-HOST-01 manual
 * Worked out from docs/verdicts.md, at level medium (4 required controls):
 *   CIS-4.1 failed; CIS-5.4 excepted (a pass and an excepted failure);
 *   NIST-IMG-01 needs review; NIST-CTR-03 not assessed (its container.runtime
 *   check could not look), owed; NIST-HOST-01 (needs review) is required
 *   only at high. The gate fails on CIS-4.1 and, closed, on NIST-CTR-03; the
 *   review of NIST-IMG-01 is a gate note at medium. */
static void add_scenario(fixture *x)
{
    add_exception(x, "CIS-5.4", "c2", NULL);
    ld_finding *f = new_finding(x, "CIS-4.1", LD_STATUS_FAIL);
    ld_finding_set_target(f, LD_TARGET_IMAGE, "sha256:abc", "evil\"<img>&");
    ld_finding_set_location(f, "/etc/pass wd", 3);
    ld_finding_set_evidence(f, "%s", HOSTILE_EVIDENCE);
    add(x, f);
    add_simple(x, "CIS-5.4", LD_STATUS_PASS, LD_TARGET_CONTAINER, "c1", "web");
    f = new_finding(x, "NIST-IMG-01", LD_STATUS_WARN);
    ld_finding_set_target(f, LD_TARGET_IMAGE, "sha256:abc", NULL);
    ld_finding_set_evidence(f, "%s", INVALID_EVIDENCE);
    add(x, f);
    add_simple(x, "CIS-5.4", LD_STATUS_FAIL, LD_TARGET_CONTAINER, "c2", "db");
    add_simple(x, "NIST-HOST-01", LD_STATUS_MANUAL, LD_TARGET_HOST, "h1", NULL);
    f = new_finding(x, "NIST-CTR-03", LD_STATUS_ERROR);
    ld_finding_set_target(f, LD_TARGET_CONTAINER, "c1", "web");
    ld_finding_set_evidence(f, "engine timed out");
    add(x, f);
    f = new_finding(x, "CIS-4.1", LD_STATUS_SKIPPED);
    ld_finding_set_target(f, LD_TARGET_IMAGE, "sha256:def", "other");
    ld_finding_set_evidence(f, "image has no config");
    add(x, f);
    ld_findings_coverage(x->fs, "app:1", "deb", "debian 12", 120, true);
    ld_findings_coverage(x->fs, "app:1", "npm", NULL, 3, false);
}

static const char *run_scenario(fixture *x, ld_format format, bool color)
{
    add_scenario(x);
    return render(x, format, LD_LEVEL_MEDIUM, color);
}

static ld_control_state state_of(fixture *x, const char *id)
{
    return x->ev->controls[ld_catalog_find(x->cat, id)->index].state;
}

/* ---- JSON ---- */

static json_t *parse_json(const char *buf)
{
    json_error_t jerr;
    json_t *root = json_loads(buf, 0, &jerr);
    if (!root)
        fail_msg("invalid JSON at line %d: %s\n%s", jerr.line, jerr.text, buf);
    return root;
}

static const char *jstr(json_t *obj, const char *key)
{
    json_t *v = json_object_get(obj, key);
    if (!json_is_string(v))
        fail_msg("\"%s\" is not a string", key);
    return json_string_value(v);
}

static json_int_t jint(json_t *obj, const char *key)
{
    json_t *v = json_object_get(obj, key);
    if (!json_is_integer(v))
        fail_msg("\"%s\" is not an integer", key);
    return json_integer_value(v);
}

static bool jtrue(json_t *obj, const char *key)
{
    json_t *v = json_object_get(obj, key);
    if (!json_is_boolean(v))
        fail_msg("\"%s\" is not a boolean", key);
    return json_is_true(v);
}

/* The strings of a JSON array, joined with "|" into out. */
static const char *jjoin(json_t *arr, char *out, size_t n)
{
    if (!json_is_array(arr))
        fail_msg("not an array");
    out[0] = '\0';
    size_t used = 0;
    for (size_t i = 0; i < json_array_size(arr); i++) {
        int w = snprintf(out + used, n - used, "%s%s", i ? "|" : "",
                         json_string_value(json_array_get(arr, i)));
        assert_true(w >= 0 && (size_t)w < n - used);
        used += (size_t)w;
    }
    return out;
}

/* The compliance counts of one level: {"required", "assessed", one per state}. */
static void assert_level_counts(json_t *lvl, size_t required, size_t assessed,
                                const size_t by_state[LD_CTRL_COUNT])
{
    static const char *const keys[LD_CTRL_COUNT] = {
        [LD_CTRL_PASSED] = "passed",
        [LD_CTRL_FAILED] = "failed",
        [LD_CTRL_REVIEW] = "needs_review",
        [LD_CTRL_EXCEPTED] = "excepted",
        [LD_CTRL_ATTESTED] = "attested",
        [LD_CTRL_NOT_ASSESSED] = "not_assessed",
        [LD_CTRL_NOT_APPLICABLE] = "not_applicable",
        [LD_CTRL_OUT_OF_SCOPE] = "out_of_scope",
    };
    assert_int_equal(json_object_size(lvl), 2 + LD_CTRL_COUNT);
    assert_int_equal(jint(lvl, "required"), required);
    assert_int_equal(jint(lvl, "assessed"), assessed);
    for (int s = 0; s < LD_CTRL_COUNT; s++)
        if ((size_t)jint(lvl, keys[s]) != by_state[s])
            fail_msg("%s: %lld, expected %zu", keys[s], (long long)jint(lvl, keys[s]), by_state[s]);
}

static void test_json_report(void **state)
{
    fixture *x = *state;
    json_t *root = parse_json(run_scenario(x, LD_FORMAT_JSON, false));
    assert_string_equal(jstr(root, "schema"), "https://lockdown.dev/schemas/report/v2");
    assert_int_equal(jint(root, "schema_version"), 2);
    assert_string_equal(jstr(json_object_get(root, "tool"), "version"), LOCKDOWN_VERSION);
    assert_string_equal(jstr(root, "command"), "assess");
    assert_string_equal(jstr(root, "level"), "medium");
    assert_string_equal(jstr(root, "level_source"), "--level");
    assert_string_equal(jstr(root, "started_at"), "2023-11-14T22:13:20Z");

    json_t *findings = json_object_get(root, "findings");
    assert_int_equal(json_array_size(findings), 7);
    json_t *f0 = json_array_get(findings, 0);
    assert_string_equal(jstr(f0, "control_id"), "CIS-4.1");
    assert_string_equal(jstr(f0, "check_id"), "image.user");
    assert_string_equal(jstr(f0, "framework"), "cis-docker-1.6");
    assert_string_equal(jstr(f0, "tier"), "image");
    assert_string_equal(jstr(f0, "status"), "fail");
    assert_string_equal(jstr(f0, "severity"), "medium");
    assert_string_equal(json_string_value(json_array_get(json_object_get(f0, "cis"), 0)), "4.1");
    assert_string_equal(json_string_value(json_array_get(json_object_get(f0, "refs"), 0)),
                        "IMG-03");
    assert_string_equal(jstr(f0, "evidence"), HOSTILE_EVIDENCE); /* exact round trip */
    assert_string_equal(jstr(f0, "remediation"), "Add a USER instruction.");
    assert_true(json_is_null(json_object_get(f0, "exception")));
    json_t *t0 = json_object_get(f0, "target");
    assert_string_equal(jstr(t0, "kind"), "image");
    assert_string_equal(jstr(t0, "name"), "evil\"<img>&");
    assert_string_equal(jstr(t0, "path"), "/etc/pass wd");
    assert_int_equal(jint(t0, "line"), 3);

    json_t *f2 = json_array_get(findings, 2);
    assert_string_equal(jstr(f2, "evidence"), "bad \xEF\xBF\xBD\xEF\xBF\xBD end \xEF\xBF\xBD");
    assert_true(json_is_null(json_object_get(json_object_get(f2, "target"), "name")));
    assert_true(json_is_null(json_object_get(json_object_get(f2, "target"), "line")));
    /* the exception is the evaluation's, and only on the finding it covers */
    assert_string_equal(jstr(json_array_get(findings, 3), "exception"), EXCEPTION_REASON);
    for (size_t i = 0; i < 7; i++)
        if (i != 3)
            assert_true(json_is_null(json_object_get(json_array_get(findings, i), "exception")));
    assert_null(x->fs->v[3]->exception); /* rendering did not change the set */

    json_t *summary = json_object_get(root, "summary");
    assert_int_equal(jint(summary, "findings"), 7);
    assert_int_equal(jint(summary, "fail"), 2); /* excepted ones included under their status */
    assert_int_equal(jint(summary, "pass"), 1);
    assert_int_equal(jint(summary, "warn"), 1);
    assert_int_equal(jint(summary, "manual"), 1);
    assert_int_equal(jint(summary, "skipped"), 1);
    assert_int_equal(jint(summary, "error"), 1);
    assert_int_equal(jint(summary, "info"), 0);
    assert_int_equal(jint(summary, "excepted"), 1);

    /* compliance, from the scenario's comment */
    json_t *comp = json_object_get(root, "compliance");
    size_t low[LD_CTRL_COUNT] = {[LD_CTRL_REVIEW] = 1, [LD_CTRL_EXCEPTED] = 1};
    size_t medium[LD_CTRL_COUNT] = {[LD_CTRL_FAILED] = 1,
                                    [LD_CTRL_REVIEW] = 1,
                                    [LD_CTRL_EXCEPTED] = 1,
                                    [LD_CTRL_NOT_ASSESSED] = 1};
    size_t high[LD_CTRL_COUNT] = {[LD_CTRL_FAILED] = 1,
                                  [LD_CTRL_REVIEW] = 2,
                                  [LD_CTRL_EXCEPTED] = 1,
                                  [LD_CTRL_NOT_ASSESSED] = 1};
    assert_level_counts(json_object_get(comp, "low"), 2, 2, low);
    assert_level_counts(json_object_get(comp, "medium"), 4, 3, medium);
    assert_level_counts(json_object_get(comp, "high"), 5, 4, high);
    json_t *controls = json_object_get(comp, "controls");
    assert_int_equal(json_array_size(controls), 4);
    static const struct {
        const char *id, *state, *level, *reason_part;
        bool owed;
    } want[] = {
        {"NIST-IMG-01", "needs review", "low", "image.vulns: sha256:abc: bad \xEF\xBF\xBD", false},
        {"CIS-4.1", "failed", "medium", "image.user: evil\"<img>& (sha256:abc): quote", true},
        {"CIS-5.4", "excepted", "low", "1 passing, 1 covered by policy exceptions", false},
        {"NIST-CTR-03", "not assessed", "medium", "container.runtime: web (c1): engine timed out",
         true},
    };
    for (size_t i = 0; i < 4; i++) {
        json_t *c = json_array_get(controls, i);
        assert_int_equal(json_object_size(c), 6);
        assert_string_equal(jstr(c, "id"), want[i].id);
        assert_string_equal(jstr(c, "state"), want[i].state);
        assert_string_equal(jstr(c, "level"), want[i].level);
        assert_int_equal(jtrue(c, "owed"), want[i].owed);
        assert_true(jtrue(c, "required"));
        if (!strstr(jstr(c, "reason"), want[i].reason_part))
            fail_msg("%s: reason \"%s\" lacks \"%s\"", want[i].id, jstr(c, "reason"),
                     want[i].reason_part);
    }

    json_t *cov = json_object_get(root, "coverage");
    json_t *cc = json_object_get(cov, "controls");
    assert_string_equal(jstr(cc, "level"), "medium");
    assert_int_equal(jint(cc, "required"), 4);
    assert_int_equal(jint(cc, "assessed"), 3);
    assert_int_equal(jint(cc, "owed_not_assessed"), 1);
    json_t *vulns = json_object_get(cov, "vulnerabilities");
    assert_int_equal(json_array_size(vulns), 2);
    json_t *v0 = json_array_get(vulns, 0), *v1 = json_array_get(vulns, 1);
    assert_string_equal(jstr(v0, "target"), "app:1");
    assert_string_equal(jstr(v0, "ecosystem"), "deb");
    assert_string_equal(jstr(v0, "release"), "debian 12");
    assert_int_equal(jint(v0, "packages"), 120);
    assert_true(jtrue(v0, "covered"));
    assert_string_equal(jstr(v1, "ecosystem"), "npm");
    assert_true(json_is_null(json_object_get(v1, "release")));
    assert_false(jtrue(v1, "covered"));

    json_t *gate = json_object_get(root, "gate");
    char joined[512];
    assert_true(jtrue(gate, "failed"));
    assert_true(jtrue(gate, "incomplete"));
    assert_false(jtrue(gate, "allow_incomplete"));
    assert_false(jtrue(gate, "fail_on_review"));
    assert_true(json_is_null(json_object_get(gate, "fail_on")));
    assert_string_equal(jjoin(json_object_get(gate, "reasons"), joined, sizeof(joined)),
                        "1 control required at level medium failed: CIS-4.1|"
                        "incomplete: 1 required control not assessed: NIST-CTR-03 "
                        "(container.runtime: web (c1): engine timed out)");
    assert_string_equal(jjoin(json_object_get(gate, "notes"), joined, sizeof(joined)),
                        "1 required control needs review: NIST-IMG-01 "
                        "(not failing the gate at level medium)");
    assert_int_equal(json_array_size(json_object_get(root, "notes")), 0);
    json_decref(root);
}

/* The JSON report says what the evaluation decided, state by state, at
 * every level (here at high, where the review fails the gate). */
static void test_json_matches_evaluation(void **state)
{
    fixture *x = *state;
    add_scenario(x);
    json_t *root = parse_json(render(x, LD_FORMAT_JSON, LD_LEVEL_HIGH, false));
    json_t *comp = json_object_get(root, "compliance");
    for (int l = 0; l < LD_LEVEL_COUNT; l++) {
        const ld_compliance *c = &x->ev->compliance[l];
        assert_level_counts(json_object_get(comp, ld_level_name((ld_level)l)), c->required,
                            c->assessed, c->by_state);
    }
    json_t *controls = json_object_get(comp, "controls");
    assert_int_equal(json_array_size(controls), N_CONTROLS);
    for (size_t i = 0; i < N_CONTROLS; i++) {
        json_t *c = json_array_get(controls, i);
        const ld_control_result *res = &x->ev->controls[i];
        assert_string_equal(jstr(c, "id"), x->cat->controls[i].id);
        assert_string_equal(jstr(c, "state"), ld_control_state_name(res->state));
        bool ascii = true;
        for (const char *p = res->reason; *p; p++)
            ascii = ascii && (unsigned char)*p < 0x80;
        if (ascii) /* (invalid UTF-8 in a reason is U+FFFD in JSON) */
            assert_string_equal(jstr(c, "reason"), res->reason);
        assert_int_equal(jtrue(c, "owed"), res->owed);
    }
    json_t *gate = json_object_get(root, "gate");
    assert_true(jtrue(gate, "fail_on_review"));
    char joined[512];
    jjoin(json_object_get(gate, "reasons"), joined, sizeof(joined));
    assert_non_null(strstr(joined, "2 required controls need review: NIST-IMG-01, NIST-HOST-01"));
    json_decref(root);
}

static void test_json_empty_report(void **state)
{
    fixture *x = *state;
    ld_findings_note(x->fs, "a note with \"quotes\"");
    json_t *root = parse_json(render(x, LD_FORMAT_JSON, LD_LEVEL_LOW, false));
    assert_int_equal(json_array_size(json_object_get(root, "findings")), 0);
    assert_string_equal(json_string_value(json_array_get(json_object_get(root, "notes"), 0)),
                        "a note with \"quotes\"");
    json_t *gate = json_object_get(root, "gate");
    assert_false(jtrue(gate, "failed"));
    assert_false(jtrue(gate, "incomplete"));
    /* nothing observed: nothing passed. CIS-5.4's check is implemented but
     * not run by this (empty) run, NIST-IMG-01's is not implemented at all */
    json_t *controls = json_object_get(json_object_get(root, "compliance"), "controls");
    assert_int_equal(json_array_size(controls), 2);
    assert_string_equal(jstr(json_array_get(controls, 0), "state"), "not assessed");
    assert_string_equal(jstr(json_array_get(controls, 1), "state"), "out of scope");
    assert_int_equal(
        json_array_size(json_object_get(json_object_get(root, "coverage"), "vulnerabilities")), 0);
    json_decref(root);
}

/* ---- SARIF ---- */

static void test_sarif_report(void **state)
{
    fixture *x = *state;
    json_t *root = parse_json(run_scenario(x, LD_FORMAT_SARIF, false));
    assert_string_equal(jstr(root, "version"), "2.1.0");
    assert_string_equal(jstr(root, "$schema"), "https://json.schemastore.org/sarif-2.1.0.json");
    json_t *runs = json_object_get(root, "runs");
    assert_int_equal(json_array_size(runs), 1);
    json_t *run = json_array_get(runs, 0);
    json_t *driver = json_object_get(json_object_get(run, "tool"), "driver");
    assert_string_equal(jstr(driver, "name"), "lockdown");
    assert_string_equal(jstr(driver, "semanticVersion"), LOCKDOWN_VERSION);
    /* one rule per check id the findings came from, in order of appearance */
    json_t *rules = json_object_get(driver, "rules");
    const char *checks[16];
    size_t n_checks = 0;
    for (size_t i = 0; i < x->fs->n; i++) {
        bool seen = false;
        for (size_t k = 0; k < n_checks && !seen; k++)
            seen = strcmp(checks[k], x->fs->v[i]->check_id) == 0;
        if (!seen)
            checks[n_checks++] = x->fs->v[i]->check_id;
    }
    assert_int_equal(json_array_size(rules), n_checks);
    for (size_t k = 0; k < n_checks; k++)
        assert_string_equal(jstr(json_array_get(rules, k), "id"), checks[k]);
    json_t *r1 = json_array_get(rules, 1);
    assert_string_equal(jstr(r1, "id"), "container.privileged");
    assert_string_equal(jstr(r1, "name"), "ContainerPrivileged");
    assert_string_equal(jstr(json_object_get(r1, "shortDescription"), "text"),
                        "Privileged containers are not used");
    assert_string_equal(jstr(json_object_get(r1, "defaultConfiguration"), "level"), "error");
    json_t *props = json_object_get(r1, "properties");
    assert_string_equal(jstr(props, "security-severity"), "9.5");
    assert_string_equal(json_string_value(json_array_get(json_object_get(props, "tags"), 1)),
                        "container");
    char joined0[256];
    assert_string_equal(jjoin(json_object_get(props, "controls"), joined0, sizeof(joined0)),
                        "CIS-5.4");
    /* help names the control, its title and its remediation */
    const char *help = jstr(json_object_get(r1, "help"), "text");
    assert_non_null(strstr(help, "CIS-5.4"));
    assert_non_null(strstr(help, "Privileged containers are not used"));
    assert_non_null(strstr(help, "Do not use --privileged."));
    assert_non_null(
        strstr(jstr(json_object_get(r1, "help"), "markdown"), "Do not use --privileged."));

    json_t *results = json_object_get(run, "results");
    assert_int_equal(json_array_size(results), 7);
    for (size_t i = 0; i < json_array_size(results); i++) {
        json_t *res = json_array_get(results, i);
        json_int_t idx = jint(res, "ruleIndex");
        assert_true(idx >= 0 && (size_t)idx < n_checks);
        assert_string_equal(jstr(json_array_get(rules, (size_t)idx), "id"), jstr(res, "ruleId"));
        assert_string_equal(jstr(res, "ruleId"), x->fs->v[i]->check_id);
        const char *fp = jstr(json_object_get(res, "partialFingerprints"), "lockdownFinding/v1");
        assert_int_equal(strlen(fp), 64);
        if (strcmp(jstr(res, "kind"), "fail") != 0)
            assert_string_equal(jstr(res, "level"), "none");
        /* each result its own security-severity: its severity's score, not
         * its control's (CIS-5.4 is critical, NIST-HOST-01 low) */
        static const char *const scores[LD_SEV_COUNT] = {"0.0", "2.0", "5.5", "8.0", "9.5"};
        json_t *rp = json_object_get(res, "properties");
        assert_string_equal(jstr(rp, "security-severity"), scores[x->fs->v[i]->severity]);
        assert_string_equal(jstr(rp, "control"), x->fs->v[i]->control->id);
    }
    json_t *res0 = json_array_get(results, 0);
    assert_string_equal(jstr(res0, "kind"), "fail");
    assert_string_equal(jstr(res0, "level"), "warning");
    assert_string_equal(jstr(json_object_get(res0, "message"), "text"),
                        "A user for the container has been created: " HOSTILE_EVIDENCE);
    json_t *phys =
        json_object_get(json_array_get(json_object_get(res0, "locations"), 0), "physicalLocation");
    /* a file inside an image: under the image's name, percent-encoded */
    assert_string_equal(jstr(json_object_get(phys, "artifactLocation"), "uri"),
                        "evil%22%3Cimg%3E%26/etc/pass%20wd");
    assert_int_equal(jint(json_object_get(phys, "region"), "startLine"), 3);
    json_t *res1 = json_array_get(results, 1);
    assert_string_equal(jstr(res1, "kind"), "pass");
    json_t *logical = json_array_get(
        json_object_get(json_array_get(json_object_get(res1, "locations"), 0), "logicalLocations"),
        0);
    assert_string_equal(jstr(logical, "name"), "web (c1)");
    assert_string_equal(jstr(logical, "kind"), "resource");
    json_t *res3 = json_array_get(results, 3);
    json_t *sup = json_array_get(json_object_get(res3, "suppressions"), 0);
    assert_string_equal(jstr(sup, "kind"), "external");
    assert_string_equal(jstr(sup, "justification"), EXCEPTION_REASON);
    for (size_t i = 0; i < 7; i++)
        if (i != 3)
            assert_null(json_object_get(json_array_get(results, i), "suppressions"));
    assert_string_equal(jstr(json_array_get(results, 5), "kind"), "open"); /* error */
    assert_string_equal(jstr(json_array_get(results, 6), "kind"), "notApplicable");
    /* different targets, different fingerprints */
    const char *fp1 = jstr(json_object_get(res1, "partialFingerprints"), "lockdownFinding/v1");
    const char *fp3 = jstr(json_object_get(res3, "partialFingerprints"), "lockdownFinding/v1");
    assert_string_not_equal(fp1, fp3);

    /* what the run owed and could not see is an error-level notification */
    json_t *inv = json_array_get(json_object_get(run, "invocations"), 0);
    assert_true(jtrue(inv, "executionSuccessful"));
    json_t *notes = json_object_get(inv, "toolExecutionNotifications");
    assert_int_equal(json_array_size(notes), 1);
    json_t *n0 = json_array_get(notes, 0);
    assert_string_equal(jstr(n0, "level"), "error");
    assert_string_equal(jstr(json_object_get(n0, "message"), "text"),
                        "NIST-CTR-03 not assessed: container.runtime: web (c1): engine timed out");

    json_t *rprops = json_object_get(run, "properties");
    assert_string_equal(jstr(rprops, "level"), "medium");
    json_t *comp = json_object_get(rprops, "compliance");
    char joined[256];
    assert_string_equal(jjoin(json_object_get(comp, "failed_controls"), joined, sizeof(joined)),
                        "CIS-4.1");
    assert_string_equal(
        jjoin(json_object_get(comp, "needs_review_controls"), joined, sizeof(joined)),
        "NIST-IMG-01");
    assert_string_equal(
        jjoin(json_object_get(comp, "not_assessed_controls"), joined, sizeof(joined)),
        "NIST-CTR-03");
    assert_int_equal(jint(json_object_get(comp, "medium"), "needs_review"), 1);
    assert_int_equal(jint(json_object_get(comp, "medium"), "excepted"), 1);
    json_t *cov = json_object_get(rprops, "coverage");
    assert_int_equal(jint(json_object_get(cov, "controls"), "owed_not_assessed"), 1);
    assert_int_equal(json_array_size(json_object_get(cov, "vulnerabilities")), 2);
    json_t *gate = json_object_get(rprops, "gate");
    assert_true(jtrue(gate, "failed"));
    assert_true(jtrue(gate, "incomplete"));
    assert_int_equal(json_array_size(json_object_get(gate, "reasons")), 2);
    assert_int_equal(json_array_size(json_object_get(gate, "notes")), 1);
    json_decref(root);
}

/* ---- JUnit ---- */

/* Minimal well-formedness: balanced tags, quoted attributes without '<',
 * only known entity references, one root element. */
static void assert_xml_well_formed(const char *s)
{
    const char *stack[16];
    size_t stack_len[16];
    int depth = 0, roots = 0;
    const char *p = s;
    if (strncmp(p, "<?xml", 5) == 0)
        p = strstr(p, "?>") + 2;
    while (*p) {
        if (*p == '&') {
            static const char *const ents[] = {"&amp;",  "&lt;",  "&gt;",  "&quot;",
                                               "&apos;", "&#10;", "&#13;", "&#9;"};
            bool ok = false;
            for (size_t i = 0; i < sizeof(ents) / sizeof(ents[0]) && !ok; i++)
                ok = strncmp(p, ents[i], strlen(ents[i])) == 0;
            if (!ok)
                fail_msg("bad entity at: %.20s", p);
            p++;
            continue;
        }
        if (*p != '<') {
            if ((unsigned char)*p < 0x20 && *p != '\n' && *p != '\t' && *p != '\r')
                fail_msg("control character 0x%02x in XML", (unsigned char)*p);
            p++;
            continue;
        }
        bool closing = p[1] == '/';
        const char *name = p + (closing ? 2 : 1);
        size_t n = strcspn(name, " />");
        const char *q = name + n;
        char quote = 0;
        for (; *q && (quote || *q != '>'); q++) {
            if (quote && *q == '<')
                fail_msg("raw '<' inside an attribute at: %.30s", q);
            if (*q == '"' || *q == '\'')
                quote = quote == *q ? 0 : (quote ? quote : *q);
        }
        if (!*q)
            fail_msg("unterminated tag");
        bool self_closing = q[-1] == '/';
        if (closing) {
            assert_true(depth > 0);
            depth--;
            if (stack_len[depth] != n || strncmp(stack[depth], name, n) != 0)
                fail_msg("mismatched </%.*s>", (int)n, name);
        } else if (!self_closing) {
            if (depth == 0)
                roots++;
            assert_true(depth < 16);
            stack[depth] = name;
            stack_len[depth++] = n;
        }
        p = q + 1;
    }
    assert_int_equal(depth, 0);
    assert_int_equal(roots, 1);
}

/* The value of attribute attr in the first element that starts with tag_prefix. */
static long xml_count(const char *xml, const char *tag_prefix, const char *attr)
{
    const char *t = strstr(xml, tag_prefix);
    assert_non_null(t);
    const char *end = strchr(t, '>');
    char key[64];
    snprintf(key, sizeof(key), " %s=\"", attr);
    const char *a = strstr(t, key);
    if (!a || a > end)
        fail_msg("no %s in %.60s", attr, t);
    return strtol(a + strlen(key), NULL, 10);
}

static void test_junit_report(void **state)
{
    fixture *x = *state;
    const char *xml = run_scenario(x, LD_FORMAT_JUNIT, false);
    assert_true(strncmp(xml, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", 39) == 0);
    assert_xml_well_formed(xml);
    /* 7 findings + the gate test; failures: 1 fail + gate; skipped: excepted,
     * manual, skipped */
    assert_int_equal(xml_count(xml, "<testsuites", "tests"), 8);
    assert_int_equal(xml_count(xml, "<testsuites", "failures"), 2);
    assert_int_equal(xml_count(xml, "<testsuites", "errors"), 1);
    assert_int_equal(xml_count(xml, "<testsuites", "skipped"), 3);
    const char *image = "<testsuite name=\"lockdown.image\"";
    assert_int_equal(xml_count(xml, image, "tests"), 3);
    assert_int_equal(xml_count(xml, image, "failures"), 1);
    assert_int_equal(xml_count(xml, image, "skipped"), 1);
    const char *container = "<testsuite name=\"lockdown.container\"";
    assert_int_equal(xml_count(xml, container, "tests"), 3);
    assert_int_equal(xml_count(xml, container, "errors"), 1);
    assert_int_equal(xml_count(xml, container, "skipped"), 1);
    assert_null(strstr(xml, "lockdown.registry"));
    assert_non_null(strstr(xml, "classname=\"lockdown.image.CIS-4.1\" "
                                "name=\"image.user evil&quot;&lt;img&gt;&amp; (sha256:abc)\""));
    assert_non_null(strstr(xml, "<failure message=\"A user for the container has been created\" "
                                "type=\"medium\">quote \" backslash \\ newline\nlt &lt; amp "
                                "&amp; gt &gt; apos ' tab\t \xC3\xBCn\xC3\xAF \xF0\x9F\x9A\x80 "
                                "ctl [31mred</failure>"));
    assert_non_null(strstr(xml, "warn: bad \xEF\xBF\xBD\xEF\xBF\xBD end \xEF\xBF\xBD"));
    assert_non_null(strstr(xml, "<skipped message=\"excepted: accepted risk &lt;ticket &amp; "
                                "42&gt;\"/>"));
    assert_null(strstr(xml, "<img>"));
    assert_null(strstr(xml, "\x1b"));
    /* the gate suite: compliance of the level in force, the reasons, the notes */
    const char *gate = strstr(xml, "<testsuite name=\"lockdown.gate\"");
    assert_non_null(gate);
    assert_int_equal(xml_count(xml, "<testsuite name=\"lockdown.gate\"", "failures"), 1);
    assert_non_null(strstr(gate, "<property name=\"compliance\" value=\"4 required, 3 assessed: "
                                 "0 passed, 1 failed, 1 need review, 1 excepted, 1 not "
                                 "assessed\"/>"));
    assert_non_null(strstr(gate, "<failure message=\"gate failed\" type=\"gate\">1 control "
                                 "required at level medium failed: CIS-4.1\nincomplete: 1 "
                                 "required control not assessed: NIST-CTR-03"));
    assert_non_null(strstr(gate, "<system-out>1 required control needs review: NIST-IMG-01 "
                                 "(not failing the gate at level medium)</system-out>"));
}

/* ---- table ---- */

/* needle is in haystack; on failure shows both. */
static void assert_contains(const char *haystack, const char *needle)
{
    if (haystack && strstr(haystack, needle))
        return;
    fprintf(stderr, "missing:\n%s\n---- in:\n%s\n----\n", needle, haystack ? haystack : "(null)");
    fail_msg("expected text missing (shown above)");
}

/* Every line at most `width` code points. */
static void assert_lines_within(const char *s, size_t width)
{
    size_t cols = 0;
    const char *line = s;
    for (const char *p = s; *p; p++) {
        if (*p == '\n') {
            if (cols > width)
                fail_msg("line longer than %zu columns: %.*s", width, (int)(p - line), line);
            cols = 0;
            line = p + 1;
        } else if (((unsigned char)*p & 0xC0) != 0x80) {
            cols++;
        }
    }
}

/* A row of the compliance table: label and the counts at low, medium, high. */
static void assert_compliance_row(const char *out, const char *label, int low, int medium, int high)
{
    char line[128];
    snprintf(line, sizeof(line), "\n  %-22s%10d%10d%10d\n", label, low, medium, high);
    if (!strstr(out, line))
        fail_msg("no compliance row \"%s\" in:\n%s", line + 1, out);
}

static void test_table_report(void **state)
{
    fixture *x = *state;
    const char *out = run_scenario(x, LD_FORMAT_TABLE, false);
    assert_non_null(strstr(out, "lockdown assess: engine unix:///var/run/docker.sock\n"));
    assert_non_null(strstr(out, "\nlevel medium (from --level)\n"));
    const char *image = strstr(out, "\nIMAGE \xE2\x80\x94 1 fail, 1 warn, 1 skipped\n");
    const char *container = strstr(out, "\nCONTAINER \xE2\x80\x94 1 error, 1 pass, 1 excepted\n");
    const char *host = strstr(out, "\nHOST \xE2\x80\x94 1 manual\n");
    assert_non_null(image);
    assert_non_null(container);
    assert_non_null(host);
    assert_true(image < container && container < host);
    assert_null(strstr(out, "REGISTRY"));
    /* within a tier: fail before warn before skipped */
    const char *fail = strstr(image, "  FAIL   medium   CIS-4.1");
    const char *warn = strstr(image, "  WARN   high     NIST-IMG-01");
    const char *skip = strstr(image, "  SKIP   medium   CIS-4.1");
    assert_non_null(fail);
    assert_non_null(warn);
    assert_non_null(skip);
    assert_true(fail < warn && warn < skip && skip < container);
    /* evidence indented and kept on its lines, escape sequences neutralised */
    assert_non_null(strstr(out, "\n      quote \" backslash \\ newline\n      lt < amp"));
    assert_null(strstr(out, "\x1b"));
    assert_non_null(strstr(out, "      excepted: " EXCEPTION_REASON "\n"));

    /* compliance: every state a row, the level in force marked */
    const char *comp = strstr(out, "\nCompliance\n");
    assert_non_null(comp);
    assert_non_null(strstr(comp, "\n  required controls            low  > medium      high\n"));
    assert_compliance_row(comp, "total", 2, 4, 5);
    assert_compliance_row(comp, "assessed", 2, 3, 4);
    assert_compliance_row(comp, "passed", 0, 0, 0);
    assert_compliance_row(comp, "failed", 0, 1, 1);
    assert_compliance_row(comp, "needs review", 1, 1, 2);
    assert_compliance_row(comp, "excepted", 1, 1, 1);
    assert_compliance_row(comp, "attested", 0, 0, 0);
    assert_compliance_row(comp, "not assessed", 0, 1, 1);
    assert_compliance_row(comp, "  owed by this run", 0, 1, 1);
    assert_compliance_row(comp, "not applicable", 0, 0, 0);
    assert_compliance_row(comp, "out of scope", 0, 0, 0);

    /* the controls in each state that matters, with their reasons */
    const char *failed = strstr(out, "\nFailed controls required at level medium (1):\n"
                                     "  CIS-4.1       image         A user for the container");
    const char *review = strstr(out, "\nControls needing review at level medium (1):\n"
                                     "  NIST-IMG-01   image         Image vulnerabilities are found"
                                     " and fixed\n"
                                     "      image.vulns: sha256:abc: bad \xEF\xBF\xBD");
    const char *owed = strstr(out, "\nRequired controls this run owed but could not assess at "
                                   "level medium (1):\n"
                                   "  NIST-CTR-03   container     Container runtime configuration "
                                   "is hardened\n"
                                   "      container.runtime: web (c1): engine timed out\n");
    if (!failed || !review || !owed)
        assert_contains(out, "controls by state, see the three strstr above");
    assert_true(comp < failed && failed < review && review < owed);
    /* coverage, notes (the gate's first), then the gate */
    const char *cov = strstr(out, "\nVulnerability database coverage:\n"
                                  "  - app:1: 120 deb packages of debian 12: covered\n"
                                  "  - app:1: 3 npm packages: NOT covered by the database\n");
    const char *notes = strstr(out, "\nNotes:\n  - 1 required control needs review: NIST-IMG-01 "
                                    "(not failing the gate at level medium)\n");
    const char *gate =
        strstr(out, "\ngate: FAILED \xE2\x80\x94 1 control required at level "
                    "medium failed: CIS-4.1; incomplete: 1 required control\n"
                    "               not assessed: NIST-CTR-03 (container.runtime: web "
                    "(c1): engine timed out)\n");
    if (!cov || !notes || !gate)
        assert_contains(out, "coverage, notes or gate, see the three strstr above");
    assert_true(owed < cov && cov < notes && notes < gate);
    assert_lines_within(out, 100);
}

/* Controls that share one cause are listed under it, said once; a control
 * with a cause of its own keeps it under its line. */
static void test_table_groups_shared_reasons(void **state)
{
    fixture *x = *state;
    ld_findings_scope(x->fs, LD_SCOPE_NOT_ASSESSED, "container.*",
                      "no Docker engine answered at unix:///run/none.sock: start it, or point "
                      "--docker-host at it");
    ld_finding *f = new_finding(x, "CIS-4.1", LD_STATUS_ERROR);
    ld_finding_set_target(f, LD_TARGET_IMAGE, "sha256:abc", NULL);
    ld_finding_set_evidence(f, "cannot read /etc/passwd");
    add(x, f);
    const char *out = render(x, LD_FORMAT_TABLE, LD_LEVEL_MEDIUM, false);
    assert_contains(out, "\nRequired controls this run owed but could not assess at level "
                         "medium (3):\n"
                         "  CIS-4.1       image         A user for the container has been "
                         "created\n"
                         "      image.user: sha256:abc: cannot read /etc/passwd\n"
                         "  2 controls: no Docker engine answered at unix:///run/none.sock:"
                         " start it, or point --docker-host\n"
                         "      at it\n"
                         "    CIS-5.4       container     Privileged containers are not used\n"
                         "    NIST-CTR-03   container     Container runtime configuration is "
                         "hardened\n");
    /* said once there, not once per control */
    const char *first = strstr(out, "--docker-host\n      at it\n");
    assert_non_null(first);
    assert_null(strstr(first + 1, "--docker-host\n      at it\n"));
    assert_lines_within(out, 100);
}

static void test_table_color_and_notes(void **state)
{
    fixture *x = *state;
    add_exception(x, "CIS-4.1", NULL, "2000-01-01"); /* expired: a note */
    add_simple(x, "CIS-4.1", LD_STATUS_FAIL, LD_TARGET_IMAGE, "sha256:abc", NULL);
    render(x, LD_FORMAT_TABLE, LD_LEVEL_LOW, true);
    assert_non_null(strstr(x->buf, "\033[31m"));
    assert_non_null(strstr(x->buf, "\nNotes:\n  - exception for CIS-4.1 (test-policy.yaml:7) "
                                   "expired on 2000-01-01"));
    assert_non_null(strstr(x->buf, "gate: passed")); /* CIS-4.1 is not required at low */
}

/* s with every newline and the indentation after it removed: text the
 * table wrapped, joined again (a word wrapped at a space loses that space;
 * a token broken inside comes back whole). */
static char *squash(const char *s)
{
    char *out = malloc(strlen(s) + 1), *p = out;
    assert_non_null(out);
    while (*s) {
        if (*s == '\n') {
            s++;
            while (*s == ' ')
                s++;
            continue;
        }
        *p++ = *s++;
    }
    *p = '\0';
    return out;
}

/* s without any space or newline. */
static char *despace(const char *s)
{
    char *out = malloc(strlen(s) + 1), *p = out;
    assert_non_null(out);
    for (; *s; s++)
        if (*s != ' ' && *s != '\n')
            *p++ = *s;
    *p = '\0';
    return out;
}

/* A title and evidence far longer than a line wrap instead of being cut:
 * every character is there, no line is wider than the table, nothing
 * ends in "…". */
static void test_table_long_text_wraps(void **state)
{
    fixture *x = *state;
    ld_finding *f = new_finding(x, "CIS-4.1", LD_STATUS_FAIL);
    char title[300];
    memset(title, 'T', sizeof(title) - 1);
    title[sizeof(title) - 1] = '\0';
    ld_finding_set_title(f, title);
    ld_finding_set_target(f, LD_TARGET_IMAGE, "sha256:abc", "registry.example.com/team/app:1.2.3");
    char evidence[1000];
    memset(evidence, 'e', sizeof(evidence) - 1);
    evidence[sizeof(evidence) - 1] = '\0';
    ld_finding_set_evidence(f, "%s", evidence);
    add(x, f);
    render(x, LD_FORMAT_TABLE, LD_LEVEL_MEDIUM, false);
    assert_lines_within(x->buf, 100);
    /* one target: shown once under the heading */
    assert_non_null(
        strstr(x->buf, "\n  target: registry.example.com/team/app:1.2.3 (sha256:abc)\n"));
    assert_null(strstr(x->buf, "\xE2\x80\xA6"));
    char *all = squash(x->buf);
    assert_non_null(strstr(all, title));
    assert_non_null(strstr(all, evidence));
    free(all);
}

/* Rows of different targets each name theirs, in full. */
static void test_table_targets_in_full(void **state)
{
    fixture *x = *state;
    const char *names[] = {"registry.example.com/team/frontend-with-a-long-name:1.2.3",
                           "registry.example.com/team/backend:4.5.6"};
    const char *title = "A title long enough that it cannot share a line with a target "
                        "description and must wrap";
    for (int i = 0; i < 2; i++) {
        ld_finding *f = new_finding(x, "CIS-4.1", LD_STATUS_FAIL);
        ld_finding_set_title(f, title);
        ld_finding_set_target(f, LD_TARGET_IMAGE, "sha256:0123456789abcdef", names[i]);
        add(x, f);
    }
    render(x, LD_FORMAT_TABLE, LD_LEVEL_MEDIUM, false);
    assert_lines_within(x->buf, 100);
    assert_null(strstr(x->buf, "\n  target: "));
    assert_null(strstr(x->buf, "\xE2\x80\xA6"));
    for (int i = 0; i < 2; i++) {
        char line[256];
        snprintf(line, sizeof(line), "target: %s (sha256:0123456789abcdef)\n", names[i]);
        assert_contains(x->buf, line);
    }
    /* the whole title, whichever spaces it wrapped at */
    char *all = despace(x->buf), *want = despace(title);
    assert_non_null(strstr(all, want));
    free(want);
    free(all);
}

static void test_table_many_passes_counted(void **state)
{
    fixture *x = *state;
    for (int i = 0; i < 25; i++) {
        char id[16];
        snprintf(id, sizeof(id), "c%d", i);
        add_simple(x, "CIS-5.4", LD_STATUS_PASS, LD_TARGET_CONTAINER, id, NULL);
    }
    add_simple(x, "CIS-4.1", LD_STATUS_FAIL, LD_TARGET_IMAGE, "sha256:abc", NULL);
    render(x, LD_FORMAT_TABLE, LD_LEVEL_LOW, false);
    assert_null(strstr(x->buf, "PASS "));
    assert_non_null(strstr(x->buf, "CONTAINER \xE2\x80\x94 25 pass\n"));
    /* the passes are not rows, but their check ids are still said */
    assert_non_null(strstr(x->buf, "\n  25 passed (rows not listed, see --format json): "
                                   "container.privileged (25)\n"));
    assert_non_null(strstr(x->buf, "  FAIL   medium   CIS-4.1"));
}

static void test_table_few_passes_listed(void **state)
{
    fixture *x = *state;
    for (int i = 0; i < 3; i++)
        add_simple(x, "CIS-5.4", LD_STATUS_PASS, LD_TARGET_CONTAINER, "c", NULL);
    render(x, LD_FORMAT_TABLE, LD_LEVEL_LOW, false);
    const char *p = x->buf;
    int rows = 0;
    while ((p = strstr(p, "  PASS   critical CIS-5.4")) != NULL) {
        rows++;
        p++;
    }
    assert_int_equal(rows, 3);
    assert_null(strstr(x->buf, "not listed"));
    assert_compliance_row(x->buf, "passed", 1, 2, 2); /* CIS-5.4, and NIST-CTR-03 from medium */
}

/* ---- compliance and gate, as the writers show them ---- */

static void test_compliance_states(void **state)
{
    fixture *x = *state;
    add_attestation(x, "NIST-HOST-01", NULL);
    add_attestation(x, "NIST-IMG-01", "2000-01-01"); /* expired: a note, no effect */
    add_simple(x, "CIS-4.1", LD_STATUS_PASS, LD_TARGET_IMAGE, "sha256:abc", NULL);
    add_simple(x, "CIS-5.4", LD_STATUS_FAIL, LD_TARGET_CONTAINER, "c1", NULL);
    json_t *root = parse_json(render(x, LD_FORMAT_JSON, LD_LEVEL_HIGH, false));
    assert_int_equal(state_of(x, "CIS-4.1"), LD_CTRL_PASSED);
    assert_int_equal(state_of(x, "CIS-5.4"), LD_CTRL_FAILED);
    /* a NIST control takes in the findings of the checks it shares */
    assert_int_equal(state_of(x, "NIST-CTR-03"), LD_CTRL_FAILED);
    assert_int_equal(state_of(x, "NIST-HOST-01"), LD_CTRL_ATTESTED);
    assert_int_equal(state_of(x, "NIST-IMG-01"), LD_CTRL_NOT_ASSESSED);
    json_t *comp = json_object_get(root, "compliance");
    size_t low[LD_CTRL_COUNT] = {[LD_CTRL_FAILED] = 1, [LD_CTRL_NOT_ASSESSED] = 1};
    size_t high[LD_CTRL_COUNT] = {[LD_CTRL_PASSED] = 1,
                                  [LD_CTRL_FAILED] = 2,
                                  [LD_CTRL_ATTESTED] = 1,
                                  [LD_CTRL_NOT_ASSESSED] = 1};
    assert_level_counts(json_object_get(comp, "low"), 2, 1, low);
    assert_level_counts(json_object_get(comp, "high"), N_CONTROLS, 4, high);
    json_t *notes = json_object_get(root, "notes");
    assert_int_equal(json_array_size(notes), 1);
    assert_non_null(strstr(json_string_value(json_array_get(notes, 0)),
                           "attestation of NIST-IMG-01 by security team expired on 2000-01-01"));
    json_t *controls = json_object_get(comp, "controls");
    json_t *host = json_array_get(controls, 4);
    assert_string_equal(jstr(host, "id"), "NIST-HOST-01");
    assert_string_equal(jstr(host, "state"), "attested");
    assert_string_equal(jstr(host, "reason"), "attested by security team on 2023-01-01 "
                                              "(https://example.com/evidence)");
    json_decref(root);
}

static void test_gate_required_control_fails(void **state)
{
    fixture *x = *state;
    add_simple(x, "CIS-5.4", LD_STATUS_FAIL, LD_TARGET_CONTAINER, "c1", NULL);
    json_t *root = parse_json(render(x, LD_FORMAT_JSON, LD_LEVEL_LOW, false));
    json_t *gate = json_object_get(root, "gate");
    assert_true(jtrue(gate, "failed"));
    char joined[256];
    assert_string_equal(jjoin(json_object_get(gate, "reasons"), joined, sizeof(joined)),
                        "1 control required at level low failed: CIS-5.4");
    json_decref(root);
}

static void test_gate_excepted_finding_passes(void **state)
{
    fixture *x = *state;
    add_exception(x, "container.privileged", "we*", NULL);
    add_simple(x, "CIS-5.4", LD_STATUS_FAIL, LD_TARGET_CONTAINER, "c1", "web");
    json_t *root = parse_json(render(x, LD_FORMAT_JSON, LD_LEVEL_LOW, false));
    assert_false(jtrue(json_object_get(root, "gate"), "failed"));
    assert_int_equal(state_of(x, "CIS-5.4"), LD_CTRL_EXCEPTED);
    json_t *f0 = json_array_get(json_object_get(root, "findings"), 0);
    assert_string_equal(jstr(f0, "exception"), EXCEPTION_REASON);
    assert_int_equal(jint(json_object_get(root, "summary"), "excepted"), 1);
    json_decref(root);
}

static void test_gate_fail_on(void **state)
{
    fixture *x = *state;
    x->policy.required_controls = false;
    add_exception(x, "CIS-5.4", "c2", NULL);
    add_simple(x, "CIS-4.1", LD_STATUS_FAIL, LD_TARGET_IMAGE, "sha256:abc", NULL);     /* medium */
    add_simple(x, "NIST-IMG-01", LD_STATUS_WARN, LD_TARGET_IMAGE, "sha256:abc", NULL); /* high */
    add_simple(x, "CIS-5.4", LD_STATUS_FAIL, LD_TARGET_CONTAINER, "c2", NULL); /* excepted */
    json_t *root =
        parse_json(render_opts(x, LD_FORMAT_JSON, LD_LEVEL_LOW, false, true, LD_SEV_HIGH));
    json_t *gate = json_object_get(root, "gate");
    assert_false(jtrue(gate, "failed")); /* a warning and an excepted failure do not count */
    assert_string_equal(jstr(gate, "fail_on"), "high");
    json_decref(root);
    add_simple(x, "CIS-5.4", LD_STATUS_FAIL, LD_TARGET_CONTAINER, "c1", NULL); /* critical */
    root = parse_json(render_opts(x, LD_FORMAT_JSON, LD_LEVEL_LOW, false, true, LD_SEV_HIGH));
    gate = json_object_get(root, "gate");
    assert_true(jtrue(gate, "failed"));
    char joined[256];
    assert_string_equal(jjoin(json_object_get(gate, "reasons"), joined, sizeof(joined)),
                        "1 failing finding at severity high or above");
    json_decref(root);
}

static void test_gate_incomplete_allowed_is_a_note(void **state)
{
    fixture *x = *state;
    x->policy.allow_incomplete = true;
    ld_findings_scope(x->fs, LD_SCOPE_NOT_ASSESSED, "container.*", "engine down");
    const char *out = render(x, LD_FORMAT_TABLE, LD_LEVEL_LOW, false);
    assert_contains(out, "\nNotes:\n  - incomplete: 1 required control not assessed: "
                         "CIS-5.4 (container.privileged: engine down);\n"
                         "    allowed by gate.allow-incomplete\n");
    assert_non_null(strstr(out, "\ngate: passed\n"));
    json_t *root = parse_json(render(x, LD_FORMAT_JSON, LD_LEVEL_LOW, false));
    json_t *gate = json_object_get(root, "gate");
    assert_false(jtrue(gate, "failed"));
    assert_true(jtrue(gate, "incomplete"));
    assert_true(jtrue(gate, "allow_incomplete"));
    json_decref(root);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_json_report, setup, teardown),
        cmocka_unit_test_setup_teardown(test_json_matches_evaluation, setup, teardown),
        cmocka_unit_test_setup_teardown(test_json_empty_report, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sarif_report, setup, teardown),
        cmocka_unit_test_setup_teardown(test_junit_report, setup, teardown),
        cmocka_unit_test_setup_teardown(test_table_report, setup, teardown),
        cmocka_unit_test_setup_teardown(test_table_groups_shared_reasons, setup, teardown),
        cmocka_unit_test_setup_teardown(test_table_color_and_notes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_table_long_text_wraps, setup, teardown),
        cmocka_unit_test_setup_teardown(test_table_targets_in_full, setup, teardown),
        cmocka_unit_test_setup_teardown(test_table_many_passes_counted, setup, teardown),
        cmocka_unit_test_setup_teardown(test_table_few_passes_listed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_compliance_states, setup, teardown),
        cmocka_unit_test_setup_teardown(test_gate_required_control_fails, setup, teardown),
        cmocka_unit_test_setup_teardown(test_gate_excepted_finding_passes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_gate_fail_on, setup, teardown),
        cmocka_unit_test_setup_teardown(test_gate_incomplete_allowed_is_a_note, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
