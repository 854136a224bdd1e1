/* Unit tests: vulnerability and secret findings carry their extra fields
 * into the JSON report and SARIF result properties (report_common.c), and a
 * policy exception can name a vulnerability alias or a secret rule (the
 * evaluation applies it; the report shows it). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
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

static const char catalog_yaml[] = "controls:\n"
                                   "  - id: NIST-IMG-02\n"
                                   "    framework: nist-800-190\n"
                                   "    refs: [IMG-02]\n"
                                   "    title: Vulnerabilities at every layer\n"
                                   "    tier: image\n"
                                   "    nist: \"4.1.1\"\n"
                                   "    cis: []\n"
                                   "    automation: automated\n"
                                   "    checks: [image.vulnerabilities, image.secrets]\n"
                                   "    level: low\n"
                                   "    severity: high\n"
                                   "    description: d\n"
                                   "    remediation: r\n";

static json_t *run_report(ld_format format, const ld_policy *policy)
{
    ld_error err = LD_ERROR_INIT;
    ld_catalog *cat = ld_catalog_parse("c.yaml", catalog_yaml, strlen(catalog_yaml), &err);
    assert_non_null(cat);
    ld_findings *fs = ld_findings_new(cat, 1700000000);

    ld_finding *f = ld_finding_new(&cat->controls[0], "image.vulnerabilities", LD_STATUS_FAIL);
    ld_finding_set_target(f, LD_TARGET_IMAGE, "sha256:abc", "app:1");
    ld_finding_set_location(f, "/var/lib/dpkg/status", 0);
    ld_vuln_fields *v = ld_finding_vuln(f);
    v->id = strdup("CVE-2023-4911");
    ld_strlist_push(&v->aliases, "DSA-5514-1");
    v->package = strdup("libc6");
    v->source_package = strdup("glibc");
    v->installed_version = strdup("2.36-9");
    ld_strlist_push(&v->fixed_versions, "2.36-9+deb12u3");
    v->fix_status = strdup("fixed");
    v->cvss_score = 7.8;
    v->layer_digest = strdup("sha256:layer");
    assert_int_equal(ld_findings_add(fs, f, &err), 0);

    f = ld_finding_new(&cat->controls[0], "image.secrets", LD_STATUS_FAIL);
    ld_finding_set_target(f, LD_TARGET_IMAGE, "sha256:abc", "app:1");
    ld_secret_fields *s = ld_finding_secret(f);
    s->rule_id = strdup("aws-access-key-id");
    s->masked = strdup("AKIA****************");
    s->line = 3;
    s->deleted = true;
    assert_int_equal(ld_findings_add(fs, f, &err), 0);

    ld_eval_options eo = {.level = LD_LEVEL_HIGH};
    ld_evaluation *ev = ld_evaluate(fs, policy, &eo);
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    ld_report_options opt = {
        .format = format, .out = out, .command = "test", .scope = "s", .level_source = "default"};
    assert_int_equal(ld_report_render(&opt, fs, ev, &err), 0);
    fclose(out);
    ld_evaluation_free(ev);
    ld_findings_free(fs);
    json_error_t jerr;
    json_t *doc = json_loadb(buf, len, 0, &jerr);
    if (!doc)
        fail_msg("invalid JSON: %s", jerr.text);
    free(buf);
    ld_catalog_free(cat);
    return doc;
}

static void test_json_carries_extras(void **state)
{
    (void)state;
    json_t *doc = run_report(LD_FORMAT_JSON, NULL);
    json_t *findings = json_object_get(doc, "findings");
    assert_int_equal(json_array_size(findings), 2);
    json_t *v = json_object_get(json_array_get(findings, 0), "vulnerability");
    assert_string_equal(json_string_value(json_object_get(v, "id")), "CVE-2023-4911");
    assert_string_equal(json_string_value(json_object_get(v, "source_package")), "glibc");
    assert_true(json_real_value(json_object_get(v, "cvss_score")) > 7.7);
    assert_string_equal(json_string_value(json_array_get(json_object_get(v, "aliases"), 0)),
                        "DSA-5514-1");
    assert_string_equal(json_string_value(json_object_get(json_object_get(v, "layer"), "digest")),
                        "sha256:layer");
    assert_null(json_object_get(json_array_get(findings, 0), "secret"));
    json_t *s = json_object_get(json_array_get(findings, 1), "secret");
    assert_string_equal(json_string_value(json_object_get(s, "rule_id")), "aws-access-key-id");
    assert_true(json_is_true(json_object_get(s, "deleted")));
    assert_int_equal(json_integer_value(json_object_get(s, "line")), 3);
    json_decref(doc);
}

static void test_sarif_properties_carry_extras(void **state)
{
    (void)state;
    json_t *doc = run_report(LD_FORMAT_SARIF, NULL);
    json_t *results = json_object_get(json_array_get(json_object_get(doc, "runs"), 0), "results");
    assert_int_equal(json_array_size(results), 2);
    json_t *props = json_object_get(json_array_get(results, 0), "properties");
    assert_string_equal(
        json_string_value(json_object_get(json_object_get(props, "vulnerability"), "package")),
        "libc6");
    props = json_object_get(json_array_get(results, 1), "properties");
    assert_string_equal(
        json_string_value(json_object_get(json_object_get(props, "secret"), "masked")),
        "AKIA****************");
    json_decref(doc);
}

static void test_exception_by_alias_and_rule(void **state)
{
    (void)state;
    ld_exception ex[2] = {{.id = "DSA-5514-1", .reason = "backport verified", .line = 1},
                          {.id = "aws-access-key-id", .reason = "revoked key", .line = 2}};
    ld_policy policy = {
        .path = "p.yaml", .required_controls = true, .exceptions = ex, .n_exceptions = 2};
    json_t *doc = run_report(LD_FORMAT_JSON, &policy);
    json_t *findings = json_object_get(doc, "findings");
    assert_string_equal(
        json_string_value(json_object_get(json_array_get(findings, 0), "exception")),
        "backport verified");
    assert_string_equal(
        json_string_value(json_object_get(json_array_get(findings, 1), "exception")),
        "revoked key");
    json_t *gate = json_object_get(doc, "gate");
    assert_false(json_is_true(json_object_get(gate, "failed")));
    assert_int_equal(json_array_size(json_object_get(gate, "reasons")), 0);
    assert_int_equal(
        json_integer_value(json_object_get(json_object_get(doc, "summary"), "excepted")), 2);
    /* both failures excepted: the control is excepted, not passed */
    json_t *c0 = json_array_get(json_object_get(json_object_get(doc, "compliance"), "controls"), 0);
    assert_string_equal(json_string_value(json_object_get(c0, "state")), "excepted");
    json_decref(doc);
    /* without the exceptions the same findings fail the gate */
    doc = run_report(LD_FORMAT_JSON, NULL);
    assert_true(json_is_true(json_object_get(json_object_get(doc, "gate"), "failed")));
    json_decref(doc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_json_carries_extras),
        cmocka_unit_test(test_sarif_properties_carry_extras),
        cmocka_unit_test(test_exception_by_alias_and_rule),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
