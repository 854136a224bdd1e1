/* Unit tests for the report writers (table, JSON, SARIF, JUnit) and for
 * what they print from the report: compliance per level and the gate.
 * Findings carry hostile text (quotes, newlines, markup, escape sequences,
 * invalid UTF-8) and every format must stay well-formed and faithful. */
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
#include "core/finding.h"
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
    char *buf;
    size_t len;
    FILE *out;
    ld_report *r;
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
    *state = x;
    return 0;
}

static int teardown(void **state)
{
    fixture *x = *state;
    ld_report_free(x->r);
    if (x->out)
        fclose(x->out);
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

static void open_report(fixture *x, ld_format format, ld_level level, bool color)
{
    x->out = open_memstream(&x->buf, &x->len);
    assert_non_null(x->out);
    ld_report_options opt = {
        .format = format,
        .out = x->out,
        .color = color,
        .command = "assess",
        .scope = "engine unix:///var/run/docker.sock",
        .level = level,
        .level_source = "--level",
        .now = NOW,
    };
    ld_error err = LD_ERROR_INIT;
    x->r = ld_report_open(&opt, x->cat, &x->policy, &err);
    assert_non_null(x->r);
    assert_int_equal(ld_report_begin(x->r, &err), 0);
}

static ld_finding *new_finding(fixture *x, const char *control, ld_status status)
{
    const ld_control *c = ld_catalog_find(x->cat, control);
    assert_non_null(c);
    return ld_finding_new(c, c->checks.n ? c->checks.v[0] : "manual", status);
}

static void emit(fixture *x, ld_finding *f)
{
    ld_error err = LD_ERROR_INIT;
    if (ld_report_emit(x->r, f, &err) < 0)
        fail_msg("emit: %s", err.msg);
}

/* Emits a simple finding on a target. */
static void emit_simple(fixture *x, const char *control, ld_status status, ld_target_kind kind,
                        const char *id, const char *name)
{
    ld_finding *f = new_finding(x, control, status);
    ld_finding_set_target(f, kind, id, name);
    emit(x, f);
}

/* The shared scenario, seven findings:
 *   image:     CIS-4.1 fail (hostile), NIST-IMG-01 warn (invalid UTF-8), CIS-4.1 skipped
 *   container: CIS-5.4 pass, CIS-5.4 fail excepted, NIST-CTR-03 error
 *   host:      NIST-HOST-01 manual
 * At level medium CIS-4.1 fails, so the gate fails. */
static void emit_scenario(fixture *x)
{
    ld_finding *f = new_finding(x, "CIS-4.1", LD_STATUS_FAIL);
    ld_finding_set_target(f, LD_TARGET_IMAGE, "sha256:abc", "evil\"<img>&");
    ld_finding_set_location(f, "/etc/pass wd", 3);
    ld_finding_set_evidence(f, "%s", HOSTILE_EVIDENCE);
    emit(x, f);
    emit_simple(x, "CIS-5.4", LD_STATUS_PASS, LD_TARGET_CONTAINER, "c1", "web");
    f = new_finding(x, "NIST-IMG-01", LD_STATUS_WARN);
    ld_finding_set_target(f, LD_TARGET_IMAGE, "sha256:abc", NULL);
    ld_finding_set_evidence(f, "%s", INVALID_EVIDENCE);
    emit(x, f);
    emit_simple(x, "CIS-5.4", LD_STATUS_FAIL, LD_TARGET_CONTAINER, "c2", "db");
    emit_simple(x, "NIST-HOST-01", LD_STATUS_MANUAL, LD_TARGET_HOST, "h1", NULL);
    f = new_finding(x, "NIST-CTR-03", LD_STATUS_ERROR);
    ld_finding_set_target(f, LD_TARGET_CONTAINER, "c1", "web");
    ld_finding_set_evidence(f, "engine timed out");
    emit(x, f);
    f = new_finding(x, "CIS-4.1", LD_STATUS_SKIPPED);
    ld_finding_set_target(f, LD_TARGET_IMAGE, "sha256:def", "other");
    ld_finding_set_evidence(f, "image has no config");
    emit(x, f);
}

/* Runs the scenario through `format` and returns the output (owned by x). */
static const char *run_scenario(fixture *x, ld_format format, bool color)
{
    add_exception(x, "CIS-5.4", "c2", NULL);
    open_report(x, format, LD_LEVEL_MEDIUM, color);
    emit_scenario(x);
    ld_error err = LD_ERROR_INIT;
    assert_int_equal(ld_report_finish(x->r, &err), 0);
    assert_int_equal(fflush(x->out), 0);
    return x->buf;
}

static void finish(fixture *x)
{
    ld_error err = LD_ERROR_INIT;
    assert_int_equal(ld_report_finish(x->r, &err), 0);
    fflush(x->out);
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

static void test_json_report(void **state)
{
    fixture *x = *state;
    json_t *root = parse_json(run_scenario(x, LD_FORMAT_JSON, false));
    assert_string_equal(jstr(root, "schema"), "https://lockdown.dev/schemas/report/v1");
    assert_int_equal(jint(root, "schema_version"), 1);
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
    json_t *f3 = json_array_get(findings, 3);
    assert_string_equal(jstr(f3, "exception"), EXCEPTION_REASON);

    json_t *summary = json_object_get(root, "summary");
    assert_int_equal(jint(summary, "findings"), 7);
    assert_int_equal(jint(summary, "fail"), 2);
    assert_int_equal(jint(summary, "pass"), 1);
    assert_int_equal(jint(summary, "error"), 1);

    json_t *comp = json_object_get(root, "compliance");
    json_t *medium = json_object_get(comp, "medium");
    assert_int_equal(jint(medium, "required"), 4);
    assert_int_equal(jint(medium, "passed"), 3);
    assert_int_equal(jint(medium, "failed"), 1);
    assert_int_equal(jint(json_object_get(comp, "low"), "required"), 2);
    assert_int_equal(jint(json_object_get(comp, "high"), "not_assessed"), 1);
    json_t *controls = json_object_get(comp, "controls");
    assert_int_equal(json_array_size(controls), 4);
    bool saw_failed = false;
    for (size_t i = 0; i < json_array_size(controls); i++) {
        json_t *c = json_array_get(controls, i);
        assert_true(json_is_true(json_object_get(c, "required")));
        if (strcmp(jstr(c, "id"), "CIS-4.1") == 0) {
            assert_string_equal(jstr(c, "state"), "failed");
            assert_string_equal(jstr(c, "level"), "medium");
            saw_failed = true;
        }
    }
    assert_true(saw_failed);

    json_t *gate = json_object_get(root, "gate");
    assert_true(json_is_true(json_object_get(gate, "failed")));
    assert_int_equal(json_array_size(json_object_get(gate, "reasons")), 1);
    assert_true(json_is_null(json_object_get(gate, "fail_on")));
    assert_int_equal(json_array_size(json_object_get(root, "notes")), 0);
    json_decref(root);
}

static void test_json_empty_report(void **state)
{
    fixture *x = *state;
    open_report(x, LD_FORMAT_JSON, LD_LEVEL_LOW, false);
    ld_report_note(x->r, "a note with \"quotes\"");
    finish(x);
    json_t *root = parse_json(x->buf);
    assert_int_equal(json_array_size(json_object_get(root, "findings")), 0);
    assert_string_equal(json_string_value(json_array_get(json_object_get(root, "notes"), 0)),
                        "a note with \"quotes\"");
    assert_true(json_is_false(json_object_get(json_object_get(root, "gate"), "failed")));
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
    json_t *rules = json_object_get(driver, "rules");
    assert_int_equal(json_array_size(rules), N_CONTROLS);
    json_t *r2 = json_array_get(rules, 2);
    assert_string_equal(jstr(r2, "id"), "CIS-5.4");
    assert_string_equal(jstr(r2, "name"), "PrivilegedContainersAreNotUsed");
    assert_string_equal(jstr(json_object_get(r2, "defaultConfiguration"), "level"), "error");
    json_t *props = json_object_get(r2, "properties");
    assert_string_equal(jstr(props, "security-severity"), "9.5");
    assert_string_equal(json_string_value(json_array_get(json_object_get(props, "tags"), 1)),
                        "container");
    assert_string_equal(jstr(json_object_get(r2, "help"), "text"), "Do not use --privileged.");

    json_t *results = json_object_get(run, "results");
    assert_int_equal(json_array_size(results), 7);
    for (size_t i = 0; i < json_array_size(results); i++) {
        json_t *res = json_array_get(results, i);
        json_int_t idx = jint(res, "ruleIndex");
        assert_true(idx >= 0 && idx < N_CONTROLS);
        assert_string_equal(jstr(json_array_get(rules, (size_t)idx), "id"), jstr(res, "ruleId"));
        const char *fp = jstr(json_object_get(res, "partialFingerprints"), "lockdownFinding/v1");
        assert_int_equal(strlen(fp), 64);
        if (strcmp(jstr(res, "kind"), "fail") != 0)
            assert_string_equal(jstr(res, "level"), "none");
    }
    json_t *res0 = json_array_get(results, 0);
    assert_string_equal(jstr(res0, "kind"), "fail");
    assert_string_equal(jstr(res0, "level"), "warning");
    assert_string_equal(jstr(json_object_get(res0, "message"), "text"),
                        "A user for the container has been created: " HOSTILE_EVIDENCE);
    json_t *phys =
        json_object_get(json_array_get(json_object_get(res0, "locations"), 0), "physicalLocation");
    assert_string_equal(jstr(json_object_get(phys, "artifactLocation"), "uri"), "etc/pass%20wd");
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
    assert_string_equal(jstr(json_array_get(results, 6), "kind"), "notApplicable");
    /* different targets, different fingerprints; same inputs, same fingerprint */
    const char *fp1 = jstr(json_object_get(res1, "partialFingerprints"), "lockdownFinding/v1");
    const char *fp3 = jstr(json_object_get(res3, "partialFingerprints"), "lockdownFinding/v1");
    assert_string_not_equal(fp1, fp3);

    json_t *inv = json_array_get(json_object_get(run, "invocations"), 0);
    assert_true(json_is_true(json_object_get(inv, "executionSuccessful")));
    json_t *rprops = json_object_get(run, "properties");
    assert_true(json_is_true(json_object_get(json_object_get(rprops, "gate"), "failed")));
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
    assert_non_null(strstr(xml, "<testsuite name=\"lockdown.gate\""));
    assert_null(strstr(xml, "<img>"));
    assert_null(strstr(xml, "\x1b"));
}

/* ---- table ---- */

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

static void test_table_report(void **state)
{
    fixture *x = *state;
    const char *out = run_scenario(x, LD_FORMAT_TABLE, false);
    assert_non_null(strstr(out, "lockdown assess: engine unix:///var/run/docker.sock\n"));
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
    assert_non_null(strstr(out, "\nCompliance\n"));
    assert_non_null(
        strstr(out, "\n  low              2        2        0         0             0\n"));
    assert_non_null(strstr(out, "\n> medium           4        3        1         0             0"
                                "  (in force)\n"));
    assert_non_null(
        strstr(out, "\n  high             5        3        1         0             1\n"));
    assert_non_null(strstr(out, "\nFailed controls required at level medium:\n  CIS-4.1"));
    assert_non_null(strstr(out, "\ngate: FAILED \xE2\x80\x94 1 control required at level medium "
                                "failed (first: CIS-4.1)\n"));
    assert_lines_within(out, 100);
}

static void test_table_color_and_notes(void **state)
{
    fixture *x = *state;
    add_exception(x, "CIS-4.1", NULL, "2000-01-01"); /* expired: a note */
    open_report(x, LD_FORMAT_TABLE, LD_LEVEL_LOW, true);
    emit_simple(x, "CIS-4.1", LD_STATUS_FAIL, LD_TARGET_IMAGE, "sha256:abc", NULL);
    finish(x);
    assert_non_null(strstr(x->buf, "\033[31m"));
    assert_non_null(strstr(x->buf, "\nNotes:\n  - exception for CIS-4.1 (test-policy.yaml:7) "
                                   "expired on 2000-01-01"));
    assert_non_null(strstr(x->buf, "gate: passed")); /* CIS-4.1 is not required at low */
}

static void test_table_long_title_truncated(void **state)
{
    fixture *x = *state;
    open_report(x, LD_FORMAT_TABLE, LD_LEVEL_MEDIUM, false);
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
    emit(x, f);
    finish(x);
    assert_lines_within(x->buf, 100);
    /* one target: shown once under the heading, the title takes the line */
    assert_non_null(
        strstr(x->buf, "\n  target: registry.example.com/team/app:1.2.3 (sha256:abc)\n"));
    assert_non_null(strstr(x->buf, "TTT\xE2\x80\xA6\n"));
    assert_non_null(strstr(x->buf, "eee\xE2\x80\xA6\n")); /* evidence capped at four lines */
}

static void test_table_target_column(void **state)
{
    fixture *x = *state;
    open_report(x, LD_FORMAT_TABLE, LD_LEVEL_MEDIUM, false);
    const char *names[] = {"registry.example.com/team/frontend-with-a-long-name:1.2.3",
                           "registry.example.com/team/backend:4.5.6"};
    for (int i = 0; i < 2; i++) {
        ld_finding *f = new_finding(x, "CIS-4.1", LD_STATUS_FAIL);
        ld_finding_set_title(f, "A title long enough that it cannot share a line with a target "
                                "description and must be cut");
        ld_finding_set_target(f, LD_TARGET_IMAGE, "sha256:0123456789abcdef", names[i]);
        emit(x, f);
    }
    finish(x);
    assert_lines_within(x->buf, 100);
    assert_null(strstr(x->buf, "  target: "));
    /* title and target share the line; a target too long shows its name
     * with the middle cut out, so that targets stay apart */
    assert_non_null(strstr(x->buf, "cannot share\xE2\x80\xA6 "));
    assert_non_null(strstr(x->buf, "  registr\xE2\x80\xA6-long-name:1.2.3\n"));
    assert_non_null(strstr(x->buf, "  registr\xE2\x80\xA6" "am/backend:4.5.6\n"));
}

static void test_table_many_passes_counted(void **state)
{
    fixture *x = *state;
    open_report(x, LD_FORMAT_TABLE, LD_LEVEL_LOW, false);
    for (int i = 0; i < 25; i++) {
        char id[16];
        snprintf(id, sizeof(id), "c%d", i);
        emit_simple(x, "CIS-5.4", LD_STATUS_PASS, LD_TARGET_CONTAINER, id, NULL);
    }
    emit_simple(x, "CIS-4.1", LD_STATUS_FAIL, LD_TARGET_IMAGE, "sha256:abc", NULL);
    finish(x);
    assert_null(strstr(x->buf, "PASS "));
    assert_non_null(strstr(x->buf, "CONTAINER \xE2\x80\x94 25 pass\n"));
    assert_non_null(strstr(x->buf, "  25 passed checks not listed"));
    assert_non_null(strstr(x->buf, "  FAIL   medium   CIS-4.1"));
}

static void test_table_few_passes_listed(void **state)
{
    fixture *x = *state;
    open_report(x, LD_FORMAT_TABLE, LD_LEVEL_LOW, false);
    for (int i = 0; i < 3; i++)
        emit_simple(x, "CIS-5.4", LD_STATUS_PASS, LD_TARGET_CONTAINER, "c", NULL);
    finish(x);
    const char *p = x->buf;
    int rows = 0;
    while ((p = strstr(p, "  PASS   critical CIS-5.4")) != NULL) {
        rows++;
        p++;
    }
    assert_int_equal(rows, 3);
    assert_null(strstr(x->buf, "not listed"));
}

/* ---- compliance and gate ---- */

static ld_control_state state_of(fixture *x, const char *id)
{
    return ld_report_control_state(x->r, ld_catalog_find(x->cat, id));
}

static void test_compliance_states(void **state)
{
    fixture *x = *state;
    add_attestation(x, "NIST-HOST-01", NULL);
    add_attestation(x, "NIST-IMG-01", "2000-01-01"); /* expired: a note, no effect */
    open_report(x, LD_FORMAT_JSON, LD_LEVEL_HIGH, false);
    emit_simple(x, "CIS-4.1", LD_STATUS_PASS, LD_TARGET_IMAGE, "sha256:abc", NULL);
    emit_simple(x, "CIS-5.4", LD_STATUS_FAIL, LD_TARGET_CONTAINER, "c1", NULL);
    assert_int_equal(state_of(x, "CIS-4.1"), LD_CTRL_PASSED);
    assert_int_equal(state_of(x, "CIS-5.4"), LD_CTRL_FAILED);
    /* a NIST control takes in the CIS controls sharing one of its checks */
    assert_int_equal(state_of(x, "NIST-CTR-03"), LD_CTRL_FAILED);
    assert_int_equal(state_of(x, "NIST-HOST-01"), LD_CTRL_ATTESTED);
    assert_int_equal(state_of(x, "NIST-IMG-01"), LD_CTRL_NOT_ASSESSED);
    ld_compliance c;
    ld_report_compliance(x->r, LD_LEVEL_LOW, &c);
    assert_int_equal(c.required, 2);
    assert_int_equal(c.failed, 1);
    assert_int_equal(c.not_assessed, 1);
    ld_report_compliance(x->r, LD_LEVEL_HIGH, &c);
    assert_int_equal(c.required, N_CONTROLS);
    assert_int_equal(c.passed, 1);
    assert_int_equal(c.failed, 2);
    assert_int_equal(c.attested, 1);
    assert_int_equal(c.not_assessed, 1);
    assert_int_equal(x->r->notes.n, 1);
    assert_non_null(strstr(x->r->notes.v[0], "attestation of NIST-IMG-01"));
    finish(x);
}

static void test_gate_required_control_fails(void **state)
{
    fixture *x = *state;
    open_report(x, LD_FORMAT_JSON, LD_LEVEL_LOW, false);
    emit_simple(x, "CIS-5.4", LD_STATUS_FAIL, LD_TARGET_CONTAINER, "c1", NULL);
    finish(x);
    assert_true(ld_report_gate_failed(x->r));
    assert_int_equal(x->r->gate_reasons.n, 1);
    assert_non_null(strstr(x->r->gate_reasons.v[0], "first: CIS-5.4"));
}

static void test_gate_unrequired_control_passes(void **state)
{
    fixture *x = *state;
    open_report(x, LD_FORMAT_JSON, LD_LEVEL_LOW, false);
    emit_simple(x, "CIS-4.1", LD_STATUS_FAIL, LD_TARGET_IMAGE, "sha256:abc", NULL);
    finish(x);
    assert_false(ld_report_gate_failed(x->r));
}

static void test_gate_excepted_finding_passes(void **state)
{
    fixture *x = *state;
    add_exception(x, "container.privileged", "we*", NULL);
    open_report(x, LD_FORMAT_JSON, LD_LEVEL_LOW, false);
    emit_simple(x, "CIS-5.4", LD_STATUS_FAIL, LD_TARGET_CONTAINER, "c1", "web");
    finish(x);
    assert_false(ld_report_gate_failed(x->r));
    assert_int_equal(state_of(x, "CIS-5.4"), LD_CTRL_PASSED);
    json_t *root = parse_json(x->buf);
    json_t *f0 = json_array_get(json_object_get(root, "findings"), 0);
    assert_string_equal(jstr(f0, "exception"), EXCEPTION_REASON);
    json_decref(root);
}

static void test_gate_expired_exception_does_not_apply(void **state)
{
    fixture *x = *state;
    add_exception(x, "CIS-5.4", NULL, "2000-01-01");
    open_report(x, LD_FORMAT_JSON, LD_LEVEL_LOW, false);
    emit_simple(x, "CIS-5.4", LD_STATUS_FAIL, LD_TARGET_CONTAINER, "c1", NULL);
    finish(x);
    assert_true(ld_report_gate_failed(x->r));
    assert_int_equal(x->r->notes.n, 1);
    assert_non_null(strstr(x->r->notes.v[0], "expired on 2000-01-01"));
}

static void open_fail_on(fixture *x, ld_severity threshold)
{
    x->policy.required_controls = false;
    open_report(x, LD_FORMAT_JSON, LD_LEVEL_HIGH, false);
    x->r->opt.has_fail_on = true;
    x->r->opt.fail_on = threshold;
}

static void test_gate_fail_on_below_threshold(void **state)
{
    fixture *x = *state;
    open_fail_on(x, LD_SEV_HIGH);
    emit_simple(x, "CIS-4.1", LD_STATUS_FAIL, LD_TARGET_IMAGE, "sha256:abc", NULL);     /* medium */
    emit_simple(x, "NIST-IMG-01", LD_STATUS_WARN, LD_TARGET_IMAGE, "sha256:abc", NULL); /* high */
    finish(x);
    assert_false(ld_report_gate_failed(x->r)); /* required controls are off in this policy */
    json_t *root = parse_json(x->buf);
    assert_string_equal(jstr(json_object_get(root, "gate"), "fail_on"), "high");
    json_decref(root);
}

static void test_gate_fail_on_at_threshold(void **state)
{
    fixture *x = *state;
    add_exception(x, "CIS-5.4", "c2", NULL);
    open_fail_on(x, LD_SEV_HIGH);
    emit_simple(x, "CIS-5.4", LD_STATUS_FAIL, LD_TARGET_CONTAINER, "c1", NULL); /* critical */
    emit_simple(x, "CIS-5.4", LD_STATUS_FAIL, LD_TARGET_CONTAINER, "c2", NULL); /* excepted */
    finish(x);
    assert_true(ld_report_gate_failed(x->r));
    assert_int_equal(x->r->gate_reasons.n, 1);
    assert_string_equal(x->r->gate_reasons.v[0], "1 failing finding at severity high or above");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_json_report, setup, teardown),
        cmocka_unit_test_setup_teardown(test_json_empty_report, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sarif_report, setup, teardown),
        cmocka_unit_test_setup_teardown(test_junit_report, setup, teardown),
        cmocka_unit_test_setup_teardown(test_table_report, setup, teardown),
        cmocka_unit_test_setup_teardown(test_table_color_and_notes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_table_long_title_truncated, setup, teardown),
        cmocka_unit_test_setup_teardown(test_table_target_column, setup, teardown),
        cmocka_unit_test_setup_teardown(test_table_many_passes_counted, setup, teardown),
        cmocka_unit_test_setup_teardown(test_table_few_passes_listed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_compliance_states, setup, teardown),
        cmocka_unit_test_setup_teardown(test_gate_required_control_fails, setup, teardown),
        cmocka_unit_test_setup_teardown(test_gate_unrequired_control_passes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_gate_excepted_finding_passes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_gate_expired_exception_does_not_apply, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_gate_fail_on_below_threshold, setup, teardown),
        cmocka_unit_test_setup_teardown(test_gate_fail_on_at_threshold, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
