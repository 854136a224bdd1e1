/* Unit tests for what a run's results leave the node as: the JSON lines
 * writer (report_jsonl.c), the OTLP/HTTP JSON log encoder and answer
 * reader (export_otlp.c), the Elasticsearch _bulk encoder and answer
 * reader (export_es.c), their endpoints, body packing (export_batch.c),
 * the run identity (export_record.c) and the Retry-After reader of
 * util/http_post.c. Findings carry hostile text (quotes, newlines, markup,
 * invalid UTF-8): every body must parse back to the text it was given
 * (invalid bytes as U+FFFD). Expected values come from the scenario (its
 * comment) or from the set and evaluation the encoders were given. */
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
#include "core/export_batch.h"
#include "core/export_es.h"
#include "core/export_otlp.h"
#include "core/export_record.h"
#include "core/export_send.h"
#include "core/finding.h"
#include "core/findings.h"
#include "core/policy.h"
#include "core/report.h"
#include "util/http_post.h"

static const char catalog_yaml[] = "controls:\n"
                                   "  - id: CIS-4.1\n"
                                   "    framework: cis-docker-1.6\n"
                                   "    refs: [IMG-03]\n"
                                   "    title: A user for the container has been created\n"
                                   "    tier: image\n"
                                   "    nist: \"4.1.3\"\n"
                                   "    cis: [\"4.1\"]\n"
                                   "    automation: automated\n"
                                   "    checks: [image.user]\n"
                                   "    level: low\n"
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
                                   "    remediation: Do not use --privileged.\n";

#define NOW ((time_t)1700000000) /* 2023-11-14T22:13:20Z */
#define HOSTILE "quote \" backslash \\ newline\nend </script> \xC3\xBC tab\t ctl \x01"
#define INVALID "bad \xff end"
#define INVALID_AS_JSON "bad \xEF\xBF\xBD end" /* U+FFFD */

typedef struct {
    ld_catalog *cat;
    ld_exception exception;
    ld_policy policy;
    ld_findings *fs;
    ld_evaluation *ev;
    ld_report r;
    ld_report_options opt;
    ld_run_identity id;
} fixture;

static void add(fixture *x, const char *control, ld_status status, ld_severity sev,
                const char *target, const char *evidence)
{
    const ld_control *c = ld_catalog_find(x->cat, control);
    assert_non_null(c);
    ld_finding *f = ld_finding_new(c, c->checks.v[0], status);
    f->severity = sev;
    ld_finding_set_target(f, LD_TARGET_CONTAINER, target, "name");
    if (evidence)
        ld_finding_set_evidence(f, "%s", evidence);
    ld_error err = LD_ERROR_INIT;
    assert_int_equal(ld_findings_add(x->fs, f, &err), 0);
}

/* The scenario, five findings: CIS-5.4 fail critical (hostile evidence),
 * CIS-5.4 pass, CIS-4.1 fail medium (invalid UTF-8), CIS-5.4 fail critical
 * on c9 (excepted by the policy), CIS-4.1 error. Tier "host" recorded. */
static int setup(void **state)
{
    fixture *x = calloc(1, sizeof(*x));
    ld_error err = LD_ERROR_INIT;
    x->cat = ld_catalog_parse("test-catalog.yaml", catalog_yaml, sizeof(catalog_yaml) - 1, &err);
    assert_non_null(x->cat);
    x->policy.path = "test-policy.yaml";
    x->exception =
        (ld_exception){.id = "CIS-5.4", .target = "c9", .reason = "accepted \"risk\"", .line = 3};
    x->policy.exceptions = &x->exception;
    x->policy.n_exceptions = 1;
    x->fs = ld_findings_new(x->cat, NOW);
    add(x, "CIS-5.4", LD_STATUS_FAIL, LD_SEV_CRITICAL, "c1", HOSTILE);
    add(x, "CIS-5.4", LD_STATUS_PASS, LD_SEV_CRITICAL, "c2", NULL);
    add(x, "CIS-4.1", LD_STATUS_FAIL, LD_SEV_MEDIUM, "c3", INVALID);
    add(x, "CIS-5.4", LD_STATUS_FAIL, LD_SEV_CRITICAL, "c9", "privileged");
    add(x, "CIS-4.1", LD_STATUS_ERROR, LD_SEV_MEDIUM, "c4", "engine timed out");
    ld_findings_tier(x->fs, "host", LD_TIER_ASSESSED, "kernel 6.1", NULL);
    ld_eval_options eo = {.level = LD_LEVEL_MEDIUM};
    x->ev = ld_evaluate(x->fs, &x->policy, &eo);
    x->opt = (ld_report_options){.format = LD_FORMAT_JSONL,
                                 .command = "assess",
                                 .scope = "host \"h\"",
                                 .level_source = "--level"};
    ld_export_report_init(&x->r, &x->opt, x->fs, x->ev);
    ld_run_identity_for(&x->id, "node-1", NOW, 42);
    *state = x;
    return 0;
}

static int teardown(void **state)
{
    fixture *x = *state;
    ld_evaluation_free(x->ev);
    ld_findings_free(x->fs);
    ld_catalog_free(x->cat);
    free(x);
    return 0;
}

static json_t *parse(const char *s, size_t n)
{
    json_error_t je;
    json_t *j = json_loadb(s, n, 0, &je);
    if (!j)
        fail_msg("invalid JSON (%s): %.200s", je.text, s);
    return j;
}

static const char *str(json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

/* ---- run identity ---- */

static void test_run_identity(void **state)
{
    (void)state;
    ld_run_identity a, b, c, d;
    ld_run_identity_for(&a, "node-1", NOW, 42);
    ld_run_identity_for(&b, "node-1", NOW, 42);
    assert_string_equal(a.run_id, b.run_id);
    assert_int_equal(strlen(a.run_id), 32);
    assert_string_equal(a.started_at, "2023-11-14T22:13:20Z");
    ld_run_identity_for(&c, "node-1", NOW, 43);
    ld_run_identity_for(&d, "node-2", NOW, 42);
    assert_string_not_equal(a.run_id, c.run_id);
    assert_string_not_equal(a.run_id, d.run_id);
    ld_run_identity_for(&d, "node-1", NOW + 1, 42);
    assert_string_not_equal(a.run_id, d.run_id);
    ld_run_identity_for(&d, "", NOW, 42);
    assert_string_equal(d.host, "unknown");
}

/* ---- JSON lines ---- */

static void test_jsonl_lines(void **state)
{
    fixture *x = *state;
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    ld_report_options opt = x->opt;
    opt.out = out;
    ld_error err = LD_ERROR_INIT;
    assert_int_equal(ld_report_render(&opt, x->fs, x->ev, &err), 0);
    fclose(out);
    /* one line per finding, then the summary; the hostile newline is escaped */
    size_t lines = 0;
    char *save = NULL;
    char *run_id = NULL;
    for (char *line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        json_t *o = parse(line, strlen(line));
        bool last = lines == x->fs->n;
        assert_string_equal(str(o, "type"), last ? "summary" : "finding");
        assert_string_equal(str(o, "command"), "assess");
        assert_string_equal(str(o, "scope"), "host \"h\"");
        assert_string_equal(str(o, "level"), "medium");
        assert_non_null(str(o, "host"));
        assert_non_null(str(o, "started_at"));
        if (!run_id)
            run_id = strdup(str(o, "run_id"));
        assert_string_equal(str(o, "run_id"), run_id);
        if (lines == 0) {
            assert_string_equal(str(o, "evidence"), HOSTILE);
            assert_string_equal(str(o, "control_id"), "CIS-5.4");
            assert_string_equal(str(o, "status"), "fail");
            assert_string_equal(str(json_object_get(o, "target"), "id"), "c1");
        }
        if (lines == 2)
            assert_string_equal(str(o, "evidence"), INVALID_AS_JSON);
        if (lines == 3)
            assert_string_equal(str(o, "exception"), "accepted \"risk\"");
        if (last) {
            json_t *sum = json_object_get(o, "summary");
            assert_int_equal(json_integer_value(json_object_get(sum, "findings")),
                             (json_int_t)x->ev->findings);
            assert_int_equal(json_integer_value(json_object_get(sum, "fail")),
                             (json_int_t)x->ev->status_counts[LD_STATUS_FAIL]);
            json_t *gate = json_object_get(o, "gate");
            assert_int_equal(json_is_true(json_object_get(gate, "failed")), x->ev->gate_failed);
            json_t *tiers = json_object_get(o, "tiers");
            assert_int_equal(json_array_size(tiers), 1);
            assert_string_equal(str(json_array_get(tiers, 0), "name"), "host");
            assert_non_null(json_object_get(json_object_get(o, "compliance"), "medium"));
        }
        json_decref(o);
        lines++;
    }
    assert_int_equal(lines, x->fs->n + 1);
    free(run_id);
    free(buf);
}

/* ---- OTLP ---- */

static json_t *attr(json_t *attrs, const char *key)
{
    for (size_t i = 0; i < json_array_size(attrs); i++) {
        json_t *kv = json_array_get(attrs, i);
        if (strcmp(str(kv, "key"), key) == 0)
            return json_object_get(kv, "value");
    }
    return NULL;
}

static const char *attr_str(json_t *attrs, const char *key)
{
    return str(attr(attrs, key), "stringValue");
}

static void test_otlp_shape(void **state)
{
    fixture *x = *state;
    ld_export_bodies b = {0};
    ld_export_otlp(&x->r, &x->id, NULL, &b);
    assert_int_equal(b.n, 1);
    assert_int_equal(b.v[0].records, x->fs->n + 1);
    assert_int_equal(b.v[0].findings, x->fs->n);
    json_t *doc = parse(b.v[0].data, b.v[0].len);
    json_t *rl = json_object_get(doc, "resourceLogs");
    assert_int_equal(json_array_size(rl), 1);
    json_t *res = json_object_get(json_object_get(json_array_get(rl, 0), "resource"), "attributes");
    assert_string_equal(attr_str(res, "service.name"), "lockdown");
    assert_string_equal(attr_str(res, "host.name"), "node-1");
    assert_string_equal(attr_str(res, "lockdown.run_id"), x->id.run_id);
    assert_string_equal(attr_str(res, "lockdown.command"), "assess");
    json_t *sl = json_array_get(json_object_get(json_array_get(rl, 0), "scopeLogs"), 0);
    assert_string_equal(str(json_object_get(sl, "scope"), "name"), "lockdown");
    assert_string_equal(str(json_object_get(sl, "scope"), "version"), LOCKDOWN_VERSION);
    json_t *recs = json_object_get(sl, "logRecords");
    assert_int_equal(json_array_size(recs), x->fs->n + 1);
    json_t *r0 = json_array_get(recs, 0);
    /* int64 fields are decimal strings in OTLP JSON */
    assert_string_equal(str(r0, "timeUnixNano"), "1700000000000000000");
    assert_string_equal(str(r0, "observedTimeUnixNano"), "1700000000000000000");
    assert_int_equal(json_integer_value(json_object_get(r0, "severityNumber")), 21);
    assert_string_equal(str(r0, "severityText"), "FATAL");
    assert_string_equal(str(json_object_get(r0, "body"), "stringValue"),
                        "Privileged containers are not used: " HOSTILE);
    json_t *a0 = json_object_get(r0, "attributes");
    assert_string_equal(attr_str(a0, "lockdown.record.type"), "finding");
    assert_string_equal(attr_str(a0, "lockdown.control_id"), "CIS-5.4");
    assert_string_equal(attr_str(a0, "lockdown.check_id"), "container.privileged");
    assert_string_equal(attr_str(a0, "lockdown.status"), "fail");
    assert_string_equal(attr_str(a0, "lockdown.target.id"), "c1");
    assert_string_equal(attr_str(a0, "lockdown.evidence"), HOSTILE);
    json_t *cis =
        json_object_get(json_object_get(attr(a0, "lockdown.cis"), "arrayValue"), "values");
    assert_string_equal(str(json_array_get(cis, 0), "stringValue"), "5.4");
    /* the invalid UTF-8 became U+FFFD */
    json_t *a2 = json_object_get(json_array_get(recs, 2), "attributes");
    assert_string_equal(attr_str(a2, "lockdown.evidence"), INVALID_AS_JSON);
    /* the summary is last, with the gate and the counts */
    json_t *last = json_array_get(recs, x->fs->n);
    json_t *al = json_object_get(last, "attributes");
    assert_string_equal(attr_str(al, "lockdown.record.type"), "summary");
    assert_int_equal(json_is_true(json_object_get(attr(al, "lockdown.gate.failed"), "boolValue")),
                     x->ev->gate_failed);
    char count[32];
    snprintf(count, sizeof(count), "%zu", x->ev->findings);
    assert_string_equal(str(attr(al, "lockdown.findings"), "intValue"), count);
    assert_int_equal(json_integer_value(json_object_get(last, "severityNumber")),
                     x->ev->gate_failed ? 17 : 9);
    json_decref(doc);
    ld_export_bodies_clear(&b);
}

static void test_otlp_severity(void **state)
{
    fixture *x = *state;
    ld_finding f = *x->fs->v[0];
    const char *text = NULL;
    static const struct {
        ld_status status;
        ld_severity sev;
        int number;
        const char *text;
    } cases[] = {
        {LD_STATUS_FAIL, LD_SEV_CRITICAL, 21, "FATAL"},
        {LD_STATUS_FAIL, LD_SEV_HIGH, 17, "ERROR"},
        {LD_STATUS_FAIL, LD_SEV_MEDIUM, 14, "WARN"},
        {LD_STATUS_FAIL, LD_SEV_LOW, 13, "WARN"},
        {LD_STATUS_FAIL, LD_SEV_INFO, 10, "INFO"},
        {LD_STATUS_WARN, LD_SEV_CRITICAL, 13, "WARN"},
        {LD_STATUS_ERROR, LD_SEV_LOW, 13, "WARN"},
        {LD_STATUS_PASS, LD_SEV_CRITICAL, 9, "INFO"},
        {LD_STATUS_SKIPPED, LD_SEV_HIGH, 9, "INFO"},
        {LD_STATUS_MANUAL, LD_SEV_HIGH, 9, "INFO"},
        {LD_STATUS_INFO, LD_SEV_HIGH, 9, "INFO"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        f.status = cases[i].status;
        f.severity = cases[i].sev;
        f.exception = NULL;
        assert_int_equal(ld_otlp_severity(&f, &text), cases[i].number);
        assert_string_equal(text, cases[i].text);
    }
    /* an excepted failure is an accepted risk: INFO */
    f.status = LD_STATUS_FAIL;
    f.severity = LD_SEV_CRITICAL;
    f.exception = "accepted";
    assert_int_equal(ld_otlp_severity(&f, &text), 9);
    /* and the encoder applies it: finding 3 is excepted by the policy */
    ld_export_bodies b = {0};
    ld_export_otlp(&x->r, &x->id, NULL, &b);
    json_t *doc = parse(b.v[0].data, b.v[0].len);
    json_t *recs = json_object_get(
        json_array_get(
            json_object_get(json_array_get(json_object_get(doc, "resourceLogs"), 0), "scopeLogs"),
            0),
        "logRecords");
    assert_int_equal(json_integer_value(json_object_get(json_array_get(recs, 3), "severityNumber")),
                     9);
    assert_string_equal(
        attr_str(json_object_get(json_array_get(recs, 3), "attributes"), "lockdown.exception"),
        "accepted \"risk\"");
    json_decref(doc);
    ld_export_bodies_clear(&b);
}

/* Bodies within the limits, each a valid envelope, records in order. */
static void check_otlp_split(fixture *x, const ld_export_limits *lim, size_t want_bodies)
{
    ld_export_bodies b = {0};
    ld_export_otlp(&x->r, &x->id, lim, &b);
    assert_int_equal(b.n, want_bodies);
    size_t total = 0, findings = 0;
    for (size_t i = 0; i < b.n; i++) {
        if (lim->max_records)
            assert_true(b.v[i].records <= lim->max_records);
        if (lim->max_bytes && b.v[i].records > 1)
            assert_true(b.v[i].len <= lim->max_bytes);
        json_t *doc = parse(b.v[i].data, b.v[i].len);
        json_t *recs = json_object_get(
            json_array_get(json_object_get(json_array_get(json_object_get(doc, "resourceLogs"), 0),
                                           "scopeLogs"),
                           0),
            "logRecords");
        assert_int_equal(json_array_size(recs), b.v[i].records);
        /* order kept: the record's target is finding number total+k */
        for (size_t k = 0; k < json_array_size(recs); k++) {
            json_t *a = json_object_get(json_array_get(recs, k), "attributes");
            if (total + k < x->fs->n)
                assert_string_equal(attr_str(a, "lockdown.target.id"),
                                    x->fs->v[total + k]->target.id);
            else
                assert_string_equal(attr_str(a, "lockdown.record.type"), "summary");
        }
        total += b.v[i].records;
        findings += b.v[i].findings;
        json_decref(doc);
    }
    assert_int_equal(total, x->fs->n + 1);
    assert_int_equal(findings, x->fs->n);
    ld_export_bodies_clear(&b);
}

static void test_otlp_batches(void **state)
{
    fixture *x = *state;
    /* 6 records (5 findings + summary): 2 a body -> 3 bodies; 4 -> 2; 1 -> 6 */
    check_otlp_split(x, &(ld_export_limits){.max_records = 2}, 3);
    check_otlp_split(x, &(ld_export_limits){.max_records = 4}, 2);
    check_otlp_split(x, &(ld_export_limits){.max_records = 1}, 6);
    /* a byte limit below any record: each record alone, nothing lost */
    check_otlp_split(x, &(ld_export_limits){.max_bytes = 10}, 6);
    /* a byte limit that fits two small records: more than one body, fewer
     * than one per record, none over the limit (checked in check_otlp_split) */
    ld_export_bodies one = {0};
    ld_export_otlp(&x->r, &x->id, &(ld_export_limits){.max_records = 1}, &one);
    size_t two = one.v[1].len + one.v[3].len; /* the short records: pass, excepted */
    ld_export_bodies_clear(&one);
    ld_export_bodies b = {0};
    ld_export_otlp(&x->r, &x->id, &(ld_export_limits){.max_bytes = two}, &b);
    size_t n = b.n;
    ld_export_bodies_clear(&b);
    assert_true(n > 1 && n < 6);
    check_otlp_split(x, &(ld_export_limits){.max_bytes = two}, n);
}

/* ---- Elasticsearch ---- */

static void test_es_bulk(void **state)
{
    fixture *x = *state;
    ld_export_bodies b = {0};
    ld_export_es(&x->r, &x->id, "lockdown-findings", NULL, &b);
    assert_int_equal(b.n, 1);
    const char *p = b.v[0].data;
    assert_int_equal(p[b.v[0].len - 1], '\n'); /* the body ends with a newline */
    size_t lines = 0;
    while (*p) {
        const char *nl = strchr(p, '\n');
        assert_non_null(nl);
        json_t *o = parse(p, (size_t)(nl - p));
        if (lines % 2 == 0) {
            assert_int_equal(json_object_size(o), 1);
            assert_string_equal(str(json_object_get(o, "create"), "_index"), "lockdown-findings");
        } else {
            size_t k = lines / 2;
            assert_string_equal(str(o, "@timestamp"), "2023-11-14T22:13:20Z");
            assert_string_equal(str(o, "run_id"), x->id.run_id);
            assert_string_equal(str(o, "host"), "node-1");
            assert_string_equal(str(o, "type"), k < x->fs->n ? "finding" : "summary");
            if (k == 0)
                assert_string_equal(str(o, "evidence"), HOSTILE);
            if (k == 2)
                assert_string_equal(str(o, "evidence"), INVALID_AS_JSON);
        }
        json_decref(o);
        lines++;
        p = nl + 1;
    }
    assert_int_equal(lines, 2 * (x->fs->n + 1));
    assert_int_equal(b.v[0].records, x->fs->n + 1);
    ld_export_bodies_clear(&b);
    /* split: 2 records a body -> 3 bodies, each whole action/document pairs */
    ld_export_es(&x->r, &x->id, "i", &(ld_export_limits){.max_records = 2}, &b);
    assert_int_equal(b.n, 3);
    size_t total = 0;
    for (size_t i = 0; i < b.n; i++) {
        size_t nl = 0;
        for (const char *q = b.v[i].data; *q; q++)
            nl += *q == '\n';
        assert_int_equal(nl, 2 * b.v[i].records);
        total += b.v[i].records;
    }
    assert_int_equal(total, x->fs->n + 1);
    ld_export_bodies_clear(&b);
}

static void test_es_endpoint(void **state)
{
    (void)state;
    static const struct {
        const char *url, *post, *index;
    } ok[] = {
        {"http://es:9200/lockdown", "http://es:9200/lockdown/_bulk", "lockdown"},
        {"https://es:9200/lockdown/", "https://es:9200/lockdown/_bulk", "lockdown"},
        {"https://u:p@es/proxy/es/idx-1?pipeline=x",
         "https://u:p@es/proxy/es/idx-1/_bulk?pipeline=x", "idx-1"},
        {"http://es:9200/.ds-logs", "http://es:9200/.ds-logs/_bulk", ".ds-logs"},
    };
    for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
        char *post = NULL, *index = NULL;
        ld_error err = LD_ERROR_INIT;
        if (ld_export_es_endpoint(ok[i].url, &post, &index, &err) != 0)
            fail_msg("%s: %s", ok[i].url, err.msg);
        assert_string_equal(post, ok[i].post);
        assert_string_equal(index, ok[i].index);
        free(post);
        free(index);
    }
    static const char *const bad[] = {
        "http://es:9200",      "http://es:9200/", "http://es:9200/Upper", "http://es/_x",
        "http://es/a*b",       "http://es/..",    "ftp://es/idx",         "http:///idx",
        "http://es/i dx",      "http://es/a%2fb", "es:9200/idx",          "http://u:p@/idx",
        "http://es/idx\nX: y",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        char *post = NULL, *index = NULL;
        ld_error err = LD_ERROR_INIT;
        if (ld_export_es_endpoint(bad[i], &post, &index, &err) == 0)
            fail_msg("accepted %s", bad[i]);
        assert_int_equal(err.code, LD_ERR_INVALID);
        assert_null(post);
        assert_null(index);
        /* the message never quotes the URL (credentials) */
        assert_null(strstr(err.msg, "u:p"));
    }
}

static void test_otlp_endpoint(void **state)
{
    (void)state;
    static const struct {
        const char *url, *post;
    } cases[] = {
        {"http://collector:4318", "http://collector:4318/v1/logs"},
        {"http://collector:4318/", "http://collector:4318/v1/logs"},
        {"https://c/v1/logs", "https://c/v1/logs"},
        {"https://c/custom/path", "https://c/custom/path"},
        {"https://c?tenant=a", "https://c/v1/logs?tenant=a"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char *post = NULL;
        ld_error err = LD_ERROR_INIT;
        assert_int_equal(ld_export_otlp_endpoint(cases[i].url, &post, &err), 0);
        assert_string_equal(post, cases[i].post);
        free(post);
    }
    char *post = NULL;
    ld_error err = LD_ERROR_INIT;
    assert_true(ld_export_otlp_endpoint("collector:4318", &post, &err) < 0);
    assert_null(post);
}

static void test_target_parse(void **state)
{
    (void)state;
    ld_export_target t;
    ld_error err = LD_ERROR_INIT;
    assert_int_equal(ld_export_target_parse("otlp=http://u:secret@c:4318", &t, &err), 0);
    assert_int_equal(t.kind, LD_EXPORT_OTLP);
    assert_string_equal(t.post_url, "http://u:secret@c:4318/v1/logs");
    assert_null(strstr(t.shown, "secret")); /* what messages show */
    ld_export_target_clear(&t);
    assert_int_equal(ld_export_target_parse("elasticsearch=http://es/idx", &t, &err), 0);
    assert_int_equal(t.kind, LD_EXPORT_ELASTICSEARCH);
    assert_string_equal(t.index, "idx");
    ld_export_target_clear(&t);
    static const char *const bad[] = {"otlp",      "splunk=http://x",
                                      "=http://x", "OTLP=http://x",
                                      "otlp=",     "elasticsearch=http://es"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        ld_error e = LD_ERROR_INIT;
        if (ld_export_target_parse(bad[i], &t, &e) == 0)
            fail_msg("accepted %s", bad[i]);
        assert_null(t.post_url);
    }
}

/* ---- answers ---- */

static int es_answer(long status, const char *body, size_t sent, ld_error *err)
{
    ld_error_clear(err);
    return ld_export_es_response(status, body, body ? strlen(body) : 0, sent, err);
}

static void test_es_response(void **state)
{
    (void)state;
    ld_error err = LD_ERROR_INIT;
    assert_int_equal(
        es_answer(200,
                  "{\"took\":1,\"errors\":false,\"items\":[{\"create\":{\"status\":201}},"
                  "{\"create\":{\"status\":201}}]}",
                  2, &err),
        0);
    assert_int_equal(es_answer(200, "{\"errors\":false}", 7, &err), 0); /* items not listed */
    /* errors: true, the first failed item named */
    assert_true(
        es_answer(200,
                  "{\"errors\":true,\"items\":[{\"create\":{\"status\":201}},"
                  "{\"create\":{\"status\":400,\"error\":{\"type\":\"mapper_parsing_exception\","
                  "\"reason\":\"failed to parse [x]\"}}},"
                  "{\"create\":{\"status\":429,\"error\":{\"type\":\"es_rejected\","
                  "\"reason\":\"queue full\"}}}]}",
                  3, &err) < 0);
    assert_string_equal(err.msg, "elasticsearch stored 1 of 3 documents; first error: "
                                 "mapper_parsing_exception: failed to parse [x] (status 400)");
    /* errors: true without an item that says which */
    assert_true(es_answer(200, "{\"errors\":true}", 2, &err) < 0);
    assert_non_null(strstr(err.msg, "no item names one"));
    /* an item that is not an action result */
    assert_true(es_answer(200, "{\"errors\":true,\"items\":[1]}", 1, &err) < 0);
    assert_non_null(strstr(err.msg, "item 1 is not an action result"));
    /* answered for fewer documents than sent */
    assert_true(es_answer(200, "{\"errors\":false,\"items\":[{\"create\":{\"status\":201}}]}", 2,
                          &err) < 0);
    assert_non_null(strstr(err.msg, "1 of 2"));
    /* a 2xx that is not a bulk answer */
    assert_true(es_answer(200, "", 1, &err) < 0);
    assert_int_equal(err.code, LD_ERR_CORRUPT);
    assert_true(es_answer(200, "<html>", 1, &err) < 0);
    assert_int_equal(err.code, LD_ERR_CORRUPT);
    assert_true(es_answer(200, "{\"errors\":\"no\"}", 1, &err) < 0);
    assert_int_equal(err.code, LD_ERR_CORRUPT);
    assert_true(es_answer(200, "{\"errors\":false,\"items\":{}}", 1, &err) < 0);
    assert_int_equal(err.code, LD_ERR_CORRUPT);
    /* a failed request: its error's type and reason */
    assert_true(es_answer(401,
                          "{\"error\":{\"type\":\"security_exception\",\"reason\":\"missing "
                          "authentication credentials\"},\"status\":401}",
                          1, &err) < 0);
    assert_string_equal(err.msg, "elasticsearch answered HTTP 401: security_exception: missing "
                                 "authentication credentials");
    assert_true(es_answer(404, "{\"error\":\"no handler\"}", 1, &err) < 0);
    assert_string_equal(err.msg, "elasticsearch answered HTTP 404: no handler");
    assert_true(es_answer(502, "bad gateway", 1, &err) < 0);
    assert_string_equal(err.msg, "elasticsearch answered HTTP 502");
    /* hostile: nesting past the budget is refused without building it */
    size_t depth = 5000;
    char *deep = malloc(2 * depth + 1);
    memset(deep, '[', depth);
    memset(deep + depth, ']', depth);
    deep[2 * depth] = '\0';
    assert_true(es_answer(200, deep, 1, &err) < 0);
    assert_int_equal(err.code, LD_ERR_CORRUPT);
    free(deep);
    /* a long reason is cut */
    char big[4096];
    int n = snprintf(big, sizeof(big), "{\"error\":{\"type\":\"t\",\"reason\":\"");
    memset(big + n, 'r', 3000);
    snprintf(big + n + 3000, sizeof(big) - (size_t)n - 3000, "\"}}");
    assert_true(es_answer(400, big, 1, &err) < 0);
    assert_true(strlen(err.msg) < 400);
}

static void test_otlp_response(void **state)
{
    (void)state;
    ld_error err = LD_ERROR_INIT;
    assert_int_equal(ld_export_otlp_response(200, "", 0, 5, &err), 0);
    assert_int_equal(ld_export_otlp_response(200, "{}", 2, 5, &err), 0);
    const char *zero = "{\"partialSuccess\":{\"rejectedLogRecords\":\"0\"}}";
    assert_int_equal(ld_export_otlp_response(200, zero, strlen(zero), 5, &err), 0);
    const char *rej =
        "{\"partialSuccess\":{\"rejectedLogRecords\":\"2\",\"errorMessage\":\"too old\"}}";
    assert_true(ld_export_otlp_response(200, rej, strlen(rej), 5, &err) < 0);
    assert_string_equal(err.msg, "the receiver rejected 2 of 5 log records: too old");
    const char *rej_num = "{\"partialSuccess\":{\"rejectedLogRecords\":3}}";
    ld_error_clear(&err);
    assert_true(ld_export_otlp_response(200, rej_num, strlen(rej_num), 5, &err) < 0);
    assert_string_equal(err.msg, "the receiver rejected 3 of 5 log records");
    /* a protobuf answer to a JSON request is not read */
    assert_int_equal(ld_export_otlp_response(200, "\x0a\x00", 2, 5, &err), 0);
    const char *status = "{\"code\":3,\"message\":\"bad record\"}";
    ld_error_clear(&err);
    assert_true(ld_export_otlp_response(400, status, strlen(status), 5, &err) < 0);
    assert_string_equal(err.msg, "the receiver answered HTTP 400: bad record");
    ld_error_clear(&err);
    assert_true(ld_export_otlp_response(503, "down", 4, 5, &err) < 0);
    assert_string_equal(err.msg, "the receiver answered HTTP 503");
}

static void test_retry_after(void **state)
{
    (void)state;
    assert_int_equal(ld_http_retry_after_s(" 3\r\n", 4), 3);
    assert_int_equal(ld_http_retry_after_s("120", 3), 120);
    assert_int_equal(ld_http_retry_after_s(" Wed, 21 Oct 2015 07:28:00 GMT\r\n", 32), -1);
    assert_int_equal(ld_http_retry_after_s("", 0), -1);
    assert_int_equal(ld_http_retry_after_s(" -1", 3), -1);
    assert_int_equal(ld_http_retry_after_s("99999999999999999999999", 23), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_run_identity),
        cmocka_unit_test_setup_teardown(test_jsonl_lines, setup, teardown),
        cmocka_unit_test_setup_teardown(test_otlp_shape, setup, teardown),
        cmocka_unit_test_setup_teardown(test_otlp_severity, setup, teardown),
        cmocka_unit_test_setup_teardown(test_otlp_batches, setup, teardown),
        cmocka_unit_test_setup_teardown(test_es_bulk, setup, teardown),
        cmocka_unit_test(test_es_endpoint),
        cmocka_unit_test(test_otlp_endpoint),
        cmocka_unit_test(test_target_parse),
        cmocka_unit_test(test_es_response),
        cmocka_unit_test(test_otlp_response),
        cmocka_unit_test(test_retry_after),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
