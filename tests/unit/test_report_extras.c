/* Unit tests: vulnerability and secret findings carry their extra fields
 * into the JSON report and SARIF result properties (report_common.c), and a
 * policy exception can name a vulnerability alias or a secret rule (the
 * evaluation applies it; the report shows it).
 * Then what people read: the table at 40, 80 and 200 columns (nothing
 * wider than the terminal, no identifier cut, every check id shown),
 * vulnerabilities grouped per target and package with Trivy's "Total:"
 * line (counts worked out here from the fixture), and SARIF with one rule
 * per advisory id and per check id, a security-severity of each result's
 * own, and file locations code scanning accepts. */
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

/* ---- the table and SARIF on a larger fixture ---- */

/* Control ids and check ids as long as real ones get, and longer. */
static const char report_catalog_yaml[] =
    "controls:\n"
    "  - id: CIS-DOCKER-4.4\n"
    "    framework: cis-docker-1.6\n"
    "    refs: [IMG-01]\n"
    "    title: Ensure images are scanned and rebuilt to include security patches\n"
    "    tier: image\n"
    "    nist: \"4.1.1\"\n"
    "    cis: [\"4.4\"]\n"
    "    automation: automated\n"
    "    checks: [image.vulnerabilities]\n"
    "    level: low\n"
    "    severity: high\n"
    "    description: Images are scanned for known vulnerabilities.\n"
    "    remediation: Rebuild the image on an updated base.\n"
    "  - id: CIS-DOCKER-4.10-SECRETS-IN-IMAGE-FILES\n"
    "    framework: cis-docker-1.6\n"
    "    refs: [IMG-07]\n"
    "    title: Ensure secrets are not stored in Dockerfiles or in any file of the image\n"
    "    tier: image\n"
    "    nist: \"4.1.4\"\n"
    "    cis: [\"4.10\"]\n"
    "    automation: automated\n"
    "    checks: [image.secrets, dockerfile.secrets-in-build-instructions]\n"
    "    level: low\n"
    "    severity: critical\n"
    "    description: Secrets in images reach everyone who can pull them.\n"
    "    remediation: Remove the secret, rotate it, and use build secrets.\n"
    "  - id: NIST-HOST-04-B\n"
    "    framework: nist-800-190\n"
    "    refs: [HOST-04]\n"
    "    title: Docker components under audit\n"
    "    tier: host\n"
    "    nist: \"4.5.4\"\n"
    "    cis: [\"1.1.7\"]\n"
    "    automation: automated\n"
    "    checks: [host.audit-rule.usr-lib-systemd-system-docker-service-unit]\n"
    "    level: low\n"
    "    severity: medium\n"
    "    description: The audit subsystem records changes to Docker's files.\n"
    "    remediation: Add a watch rule (-w PATH -p wa) for the file.\n";

#define LONG_CHECK "host.audit-rule.usr-lib-systemd-system-docker-service-unit"
#define LONG_PATH                                                                                  \
    "/usr/lib/systemd/system/a-directory-with-a-rather-long-name/and-another-one-inside-it/"       \
    "docker.service.d/override-with-a-long-file-name.conf"
#define LONG_TOKEN                                                                                 \
    "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

/* One vulnerability finding of the fixture. */
typedef struct {
    const char *target_id, *target_name, *id, *alias, *package, *version, *ecosystem, *source,
        *fixed, *fix_status, *severity_source, *path, *reference;
    ld_severity severity;
    double cvss;
} vuln_spec;

static const vuln_spec vuln_specs[] = {
    {"sha256:aaa", "app:1", "CVE-2023-4911", "DSA-5514-1", "libc6", "2.36-9", "deb", "glibc",
     "2.36-9+deb12u3", "fixed", "cvss-v3", "/var/lib/dpkg/status",
     "https://security-tracker.debian.org/tracker/CVE-2023-4911", LD_SEV_HIGH, 7.8},
    {"sha256:aaa", "app:1", "CVE-2023-4911", "DSA-5514-1", "libc-bin", "2.36-9", "deb", "glibc",
     "2.36-9+deb12u3", "fixed", "cvss-v3", "/var/lib/dpkg/status",
     "https://security-tracker.debian.org/tracker/CVE-2023-4911", LD_SEV_HIGH, 7.8},
    {"sha256:aaa", "app:1", "CVE-2024-9999", NULL, "libc6", "2.36-9", "deb", "glibc",
     "2.36-9+deb12u9", "fixed", "cvss-v3", "/var/lib/dpkg/status", NULL, LD_SEV_CRITICAL, 9.8},
    {"sha256:aaa", "app:1", "CVE-2010-4756", NULL, "libc6", "2.36-9", "deb", "glibc", NULL,
     "unimportant", "debian", "/var/lib/dpkg/status", NULL, LD_SEV_LOW, 0},
    {"sha256:aaa", "app:1", "CVE-2023-7008", NULL, "libsystemd0", "252.39-1~deb12u2", "deb",
     "systemd", NULL, "not-fixed", "default", "/var/lib/dpkg/status", NULL, LD_SEV_MEDIUM, 0},
    {"sha256:aaa", "app:1", "GHSA-35jh-r3h4-6jhm", "CVE-2021-23337", "lodash", "4.17.20", "npm",
     NULL, "4.17.21", "fixed", "ghsa", "/srv/app/package-lock.json",
     "https://github.com/advisories/GHSA-35jh-r3h4-6jhm", LD_SEV_HIGH, 0},
    {"sha256:bbb", "web:2", "CVE-2023-4911", "DSA-5514-1", "libc6", "2.36-9", "deb", "glibc",
     "2.36-9+deb12u3", "fixed", "cvss-v3", "/var/lib/dpkg/status",
     "https://security-tracker.debian.org/tracker/CVE-2023-4911", LD_SEV_HIGH, 7.8},
    {"sha256:bbb", "web:2", "CVE-2023-5678", NULL, "libssl3", "3.0.11-1~deb12u1", "deb", "openssl",
     "3.0.11-1~deb12u2", "fixed", "debian", "/var/lib/dpkg/status", NULL, LD_SEV_MEDIUM, 0},
    {"sha256:bbb", "web:2", "CVE-2099-0001", NULL, "zlib1g", "1:1.2.13.dfsg-1", "deb", "zlib", NULL,
     "will-not-fix", "debian", "/var/lib/dpkg/status", NULL, LD_SEV_MEDIUM, 0},
};
#define N_VULNS (sizeof(vuln_specs) / sizeof(vuln_specs[0]))
#define EXCEPTED_VULN "CVE-2099-0001" /* a policy exception covers it */

/* Does the table count spec as UNKNOWN (no severity in the feed)? */
static bool spec_unknown(const vuln_spec *v)
{
    return v->severity == LD_SEV_INFO || strcmp(v->severity_source, "default") == 0;
}

/* The security-severity SARIF gives a result: its CVSS score, else its
 * severity mapped (critical 9.5, high 8.0, medium 5.5, low 2.0, info 0.0). */
static double spec_score(double cvss, ld_severity s)
{
    static const double by_severity[LD_SEV_COUNT] = {0.0, 2.0, 5.5, 8.0, 9.5};
    return cvss > 0 ? cvss : by_severity[s];
}

typedef struct {
    ld_catalog *cat;
    ld_findings *fs;
    ld_exception exception;
    ld_policy policy;
    char *out;
    size_t len;
} report_fixture;

static ld_finding *new_check_finding(report_fixture *x, const char *control, const char *check,
                                     ld_status status)
{
    const ld_control *c = ld_catalog_find(x->cat, control);
    assert_non_null(c);
    return ld_finding_new(c, check, status);
}

static void add_finding(report_fixture *x, ld_finding *f)
{
    ld_error err = LD_ERROR_INIT;
    if (ld_findings_add(x->fs, f, &err) < 0)
        fail_msg("add: %s", err.msg);
}

/* The fixture: every vulnerability of vuln_specs, a secret in an image
 * file, Dockerfile findings (relative and absolute paths), a host file
 * with a long path and evidence holding a token longer than any line, and
 * a pass. */
static int report_setup(void **state)
{
    report_fixture *x = calloc(1, sizeof(*x));
    ld_error err = LD_ERROR_INIT;
    x->cat = ld_catalog_parse("report-catalog.yaml", report_catalog_yaml,
                              sizeof(report_catalog_yaml) - 1, &err);
    if (!x->cat)
        fail_msg("catalog: %s", err.msg);
    x->fs = ld_findings_new(x->cat, 1700000000);
    x->exception =
        (ld_exception){.id = EXCEPTED_VULN, .reason = "accepted: not reachable", .line = 3};
    x->policy = (ld_policy){.path = "p.yaml",
                            .required_controls = true,
                            .exceptions = &x->exception,
                            .n_exceptions = 1};
    for (size_t i = 0; i < N_VULNS; i++) {
        const vuln_spec *s = &vuln_specs[i];
        ld_finding *f =
            new_check_finding(x, "CIS-DOCKER-4.4", "image.vulnerabilities", LD_STATUS_FAIL);
        f->severity = s->severity;
        ld_finding_set_target(f, LD_TARGET_IMAGE, s->target_id, s->target_name);
        ld_finding_set_location(f, s->path, 0);
        ld_finding_set_title(f, s->id);
        ld_finding_set_evidence(f, "installed %s; a summary of %s", s->version, s->id);
        ld_vuln_fields *v = ld_finding_vuln(f);
        v->id = strdup(s->id);
        if (s->alias)
            ld_strlist_push(&v->aliases, s->alias);
        v->ecosystem = strdup(s->ecosystem);
        v->package = strdup(s->package);
        v->source_package = s->source ? strdup(s->source) : NULL;
        v->installed_version = strdup(s->version);
        if (s->fixed)
            ld_strlist_push(&v->fixed_versions, s->fixed);
        v->fix_status = strdup(s->fix_status);
        v->severity_source = strdup(s->severity_source);
        v->cvss_score = s->cvss;
        if (s->reference)
            ld_strlist_push(&v->references, s->reference);
        add_finding(x, f);
    }
    ld_finding *f = new_check_finding(x, "CIS-DOCKER-4.10-SECRETS-IN-IMAGE-FILES", "image.secrets",
                                      LD_STATUS_FAIL);
    ld_finding_set_title(f, "AWS access key ID");
    ld_finding_set_target(f, LD_TARGET_IMAGE, "sha256:ccc", "registry.example.com/team/app:1.2");
    ld_finding_set_location(f, "/etc/app.env", 3);
    ld_finding_set_evidence(f, "/etc/app.env:3: AWS access key ID AKIA****************");
    ld_secret_fields *sec = ld_finding_secret(f);
    sec->rule_id = strdup("aws-access-key-id");
    sec->line = 3;
    add_finding(x, f);
    f = new_check_finding(x, "CIS-DOCKER-4.10-SECRETS-IN-IMAGE-FILES",
                          "dockerfile.secrets-in-build-instructions", LD_STATUS_FAIL);
    f->severity = LD_SEV_HIGH;
    ld_finding_set_target(f, LD_TARGET_FILE, "build/Dockerfile", NULL);
    ld_finding_set_location(f, "build/Dockerfile", 7);
    ld_finding_set_evidence(f, "ENV DB_PASSWORD=corr****");
    add_finding(x, f);
    f = new_check_finding(x, "CIS-DOCKER-4.10-SECRETS-IN-IMAGE-FILES",
                          "dockerfile.secrets-in-build-instructions", LD_STATUS_FAIL);
    f->severity = LD_SEV_LOW;
    ld_finding_set_target(f, LD_TARGET_FILE, "/src/my app/Dockerfile", NULL);
    ld_finding_set_location(f, "/src/my app/Dockerfile", 2);
    add_finding(x, f);
    f = new_check_finding(x, "NIST-HOST-04-B", LONG_CHECK, LD_STATUS_FAIL);
    ld_finding_set_target(f, LD_TARGET_FILE, LONG_PATH, NULL);
    ld_finding_set_evidence(f, "no audit rule covers %s; the unit was last changed by layer %s",
                            LONG_PATH, LONG_TOKEN);
    add_finding(x, f);
    f = new_check_finding(x, "CIS-DOCKER-4.10-SECRETS-IN-IMAGE-FILES", "image.secrets",
                          LD_STATUS_PASS);
    ld_finding_set_target(f, LD_TARGET_IMAGE, "dir:rootfs", "dir:rootfs");
    ld_finding_set_evidence(f, "no secrets in 12 files");
    add_finding(x, f);
    *state = x;
    return 0;
}

static int report_teardown(void **state)
{
    report_fixture *x = *state;
    ld_findings_free(x->fs);
    ld_catalog_free(x->cat);
    free(x->out);
    free(x);
    return 0;
}

/* Renders the fixture in format (the table at `columns` columns); the
 * output is x->out. */
static const char *render_fixture(report_fixture *x, ld_format format, const char *columns)
{
    setenv("COLUMNS", columns, 1);
    ld_eval_options eo = {.level = LD_LEVEL_HIGH};
    ld_evaluation *ev = ld_evaluate(x->fs, &x->policy, &eo);
    free(x->out);
    x->out = NULL;
    FILE *out = open_memstream(&x->out, &x->len);
    assert_non_null(out);
    ld_report_options opt = {.format = format,
                             .out = out,
                             .command = "image scan",
                             .scope = "image app:1, web:2 and registry.example.com/team/app:1.2",
                             .level_source = "--level"};
    ld_error err = LD_ERROR_INIT;
    if (ld_report_render(&opt, x->fs, ev, &err) != 0)
        fail_msg("render: %s", err.msg);
    assert_int_equal(fclose(out), 0);
    ld_evaluation_free(ev);
    return x->out;
}

static void assert_has(const char *haystack, const char *needle)
{
    if (strstr(haystack, needle))
        return;
    fprintf(stderr, "missing:\n%s\n---- in:\n%s\n----\n", needle, haystack);
    fail_msg("expected text missing (shown above)");
}

/* The table with every newline and the indentation after it removed:
 * a token the table broke across lines comes back whole. */
static char *unwrap(const char *s)
{
    char *out = malloc(strlen(s) + 1), *p = out;
    assert_non_null(out);
    while (*s) {
        if (*s == '\n') {
            for (s++; *s == ' '; s++)
                ;
            continue;
        }
        *p++ = *s++;
    }
    *p = '\0';
    return out;
}

static void test_table_fits_every_width(void **state)
{
    report_fixture *x = *state;
    static const char *const widths[] = {"40", "80", "200"};
    for (size_t w = 0; w < 3; w++) {
        const char *out = render_fixture(x, LD_FORMAT_TABLE, widths[w]);
        size_t width = (size_t)strtoul(widths[w], NULL, 10), cols = 0;
        const char *line = out;
        for (const char *p = out; *p; p++) { /* every line at most width code points */
            if (*p == '\n') {
                if (cols > width)
                    fail_msg("%s columns: line of %zu: %.*s", widths[w], cols, (int)(p - line),
                             line);
                cols = 0;
                line = p + 1;
            } else if (((unsigned char)*p & 0xC0) != 0x80) {
                cols++;
            }
        }
        /* nothing cut short */
        assert_null(strstr(out, "\xE2\x80\xA6"));
        /* every check id whole on one line when it fits one (the detail
         * lines are indented by 4 below 60 columns), else whole once the
         * lines are joined again */
        char *all = unwrap(out);
        for (size_t i = 0; i < x->fs->n; i++) {
            const char *check = x->fs->v[i]->check_id;
            const char *in = strlen(check) + 4 <= width ? out : all;
            if (!strstr(in, check))
                fail_msg("%s columns: check id %s missing", widths[w], check);
        }
        assert_has(out, "image.vulnerabilities");
        assert_has(out, "CIS-DOCKER-4.10-SECRETS-IN-IMAGE-FILES");
        assert_has(out, "NIST-HOST-04-B");
        /* ids, packages and versions of every vulnerability */
        for (size_t i = 0; i < N_VULNS; i++) {
            assert_has(out, vuln_specs[i].id);
            assert_has(out, vuln_specs[i].package);
        }
        /* a path and a token longer than a 40-column line: broken, never cut */
        assert_has(all, LONG_PATH);
        assert_has(all, LONG_TOKEN);
        assert_has(all, "file: build/Dockerfile:7");
        assert_has(all, "file: /etc/app.env:3");
        free(all);
    }
}

/* The lines of one target's vulnerability section: from its "target:"
 * line to the next one (or the end of the section). */
static char *target_section(const char *out, const char *target)
{
    char head[128];
    snprintf(head, sizeof(head), "\n  target: %s\n", target);
    const char *start = strstr(out, head);
    if (!start)
        fail_msg("no vulnerability section for %s in:\n%s", target, out);
    start += 1;
    const char *end = strstr(start + 1, "\n  target: ");
    const char *section_end = strstr(start, "\n\n");
    if (!end || (section_end && section_end < end))
        end = section_end ? section_end : start + strlen(start);
    return strndup(start, (size_t)(end - start));
}

static void test_table_vulnerabilities_per_target_and_package(void **state)
{
    report_fixture *x = *state;
    const char *out = render_fixture(x, LD_FORMAT_TABLE, "100");
    const char *section = strstr(out, "\nVULNERABILITIES");
    assert_non_null(section);
    /* vulnerabilities are not tier rows */
    assert_null(strstr(out, "FAIL   high     CIS-DOCKER-4.4"));
    const char *targets[][2] = {{"sha256:aaa", "app:1 (sha256:aaa)"},
                                {"sha256:bbb", "web:2 (sha256:bbb)"}};
    const char *prev = section;
    for (size_t t = 0; t < 2; t++) {
        /* Trivy's total, counted here from the fixture: what no exception covers */
        size_t by[LD_SEV_COUNT] = {0}, total = 0, excepted = 0;
        for (size_t i = 0; i < N_VULNS; i++) {
            const vuln_spec *s = &vuln_specs[i];
            if (strcmp(s->target_id, targets[t][0]) != 0)
                continue;
            if (strcmp(s->id, EXCEPTED_VULN) == 0) {
                excepted++;
                continue;
            }
            total++;
            by[spec_unknown(s) ? LD_SEV_INFO : s->severity]++;
        }
        char *sec = target_section(out, targets[t][1]);
        const char *at = strstr(out, sec);
        assert_true(at > prev); /* targets in the order they came */
        prev = at;
        char line[160];
        snprintf(line, sizeof(line),
                 "\n  Total: %zu (CRITICAL: %zu, HIGH: %zu, MEDIUM: %zu, LOW: %zu, UNKNOWN: %zu)\n",
                 total, by[LD_SEV_CRITICAL], by[LD_SEV_HIGH], by[LD_SEV_MEDIUM], by[LD_SEV_LOW],
                 by[LD_SEV_INFO]);
        assert_has(sec, line);
        if (excepted)
            assert_has(sec, "and 1 covered by policy exceptions (not counted)");
        /* every vulnerability under its own package's line, each package once */
        for (size_t i = 0; i < N_VULNS; i++) {
            const vuln_spec *s = &vuln_specs[i];
            if (strcmp(s->target_id, targets[t][0]) != 0)
                continue;
            char pkg[128];
            snprintf(pkg, sizeof(pkg), "\n    %s %s (%s", s->package, s->version, s->ecosystem);
            const char *p = strstr(sec, pkg);
            if (!p)
                fail_msg("no package line %s in:\n%s", pkg + 1, sec);
            assert_null(strstr(p + 1, pkg)); /* once */
            const char *next_pkg = p + 1;
            do /* the next line indented by exactly four: the next package */
                next_pkg = strstr(next_pkg + 1, "\n    ");
            while (next_pkg && next_pkg[5] == ' ');
            char vline[128];
            const char *label = spec_unknown(s)                  ? "UNKNOWN"
                                : s->severity == LD_SEV_CRITICAL ? "CRITICAL"
                                : s->severity == LD_SEV_HIGH     ? "HIGH"
                                : s->severity == LD_SEV_MEDIUM   ? "MEDIUM"
                                                                 : "LOW";
            snprintf(vline, sizeof(vline), "\n      %-9s%s ", label, s->id);
            const char *v = strstr(p, vline);
            if (!v || (next_pkg && v > next_pkg))
                fail_msg("%s not under %s in:\n%s", s->id, pkg + 1, sec);
            if (s->fixed) {
                char fix[96];
                snprintf(fix, sizeof(fix), "fixed in %s", s->fixed);
                assert_has(v, fix);
            }
            if (strcmp(s->ecosystem, "npm") == 0) { /* a language package: its lock file */
                snprintf(pkg, sizeof(pkg), "%s %s (%s) in %s", s->package, s->version, s->ecosystem,
                         s->path);
                assert_has(sec, pkg);
            }
        }
        free(sec);
    }
    assert_has(out, "excepted: accepted: not reachable");
}

static json_t *parse(const char *buf)
{
    json_error_t jerr;
    json_t *doc = json_loads(buf, 0, &jerr);
    if (!doc)
        fail_msg("invalid JSON at line %d: %s", jerr.line, jerr.text);
    return doc;
}

static const char *jstr(json_t *obj, const char *key)
{
    json_t *v = json_object_get(obj, key);
    if (!json_is_string(v))
        fail_msg("\"%s\" is not a string", key);
    return json_string_value(v);
}

static json_t *rule_by_id(json_t *rules, const char *id)
{
    json_t *found = NULL;
    for (size_t i = 0; i < json_array_size(rules); i++) {
        if (strcmp(jstr(json_array_get(rules, i), "id"), id) == 0) {
            if (found)
                fail_msg("two rules with id %s", id);
            found = json_array_get(rules, i);
        }
    }
    if (!found)
        fail_msg("no rule %s", id);
    return found;
}

static void test_sarif_rules_per_vulnerability_and_check(void **state)
{
    report_fixture *x = *state;
    json_t *doc = parse(render_fixture(x, LD_FORMAT_SARIF, "100"));
    json_t *run = json_array_get(json_object_get(doc, "runs"), 0);
    json_t *rules =
        json_object_get(json_object_get(json_object_get(run, "tool"), "driver"), "rules");
    json_t *results = json_object_get(run, "results");
    assert_int_equal(json_array_size(results), x->fs->n);
    /* the rules: distinct advisory ids and distinct check ids, nothing else */
    ld_strlist want = {0};
    for (size_t i = 0; i < x->fs->n; i++) {
        const ld_finding *f = x->fs->v[i];
        const char *id = f->vuln ? f->vuln->id : f->check_id;
        if (!ld_strlist_contains(&want, id))
            ld_strlist_push(&want, id);
    }
    assert_int_equal(json_array_size(rules), want.n);
    for (size_t i = 0; i < want.n; i++)
        rule_by_id(rules, want.v[i]);
    ld_strlist_clear(&want);

    for (size_t i = 0; i < x->fs->n; i++) {
        const ld_finding *f = x->fs->v[i];
        json_t *res = json_array_get(results, i);
        const char *rule_id = jstr(res, "ruleId");
        assert_string_equal(rule_id, f->vuln ? f->vuln->id : f->check_id);
        json_int_t idx = json_integer_value(json_object_get(res, "ruleIndex"));
        assert_string_equal(jstr(json_array_get(rules, (size_t)idx), "id"), rule_id);
        /* its own security-severity: the CVSS score, else its severity's */
        char score[16];
        snprintf(score, sizeof(score), "%.1f",
                 spec_score(f->vuln ? f->vuln->cvss_score : 0, f->severity));
        assert_string_equal(jstr(json_object_get(res, "properties"), "security-severity"), score);
    }

    /* a vulnerability rule: help names every package, the fixed versions and
     * the references; its score is the highest of its results */
    for (size_t i = 0; i < N_VULNS; i++) {
        const vuln_spec *s = &vuln_specs[i];
        json_t *rule = rule_by_id(rules, s->id);
        const char *help = jstr(json_object_get(rule, "help"), "text");
        const char *markdown = jstr(json_object_get(rule, "help"), "markdown");
        assert_has(help, s->package);
        assert_has(markdown, s->package);
        if (s->fixed) {
            assert_has(help, s->fixed);
            assert_has(markdown, s->fixed);
        }
        if (s->reference) {
            assert_has(help, s->reference);
            assert_string_equal(jstr(rule, "helpUri"), s->reference);
        }
        if (s->alias)
            assert_has(help, s->alias);
        double best = 0;
        for (size_t k = 0; k < N_VULNS; k++)
            if (strcmp(vuln_specs[k].id, s->id) == 0 &&
                spec_score(vuln_specs[k].cvss, vuln_specs[k].severity) > best)
                best = spec_score(vuln_specs[k].cvss, vuln_specs[k].severity);
        char score[16];
        snprintf(score, sizeof(score), "%.1f", best);
        json_t *props = json_object_get(rule, "properties");
        assert_string_equal(jstr(props, "security-severity"), score);
        assert_string_equal(json_string_value(json_array_get(json_object_get(props, "tags"), 0)),
                            "security");
    }
    /* a check rule: the control's id, title and remediation */
    json_t *rule = rule_by_id(rules, LONG_CHECK);
    const char *help = jstr(json_object_get(rule, "help"), "text");
    assert_has(help, "NIST-HOST-04-B");
    assert_has(help, "Docker components under audit");
    assert_has(help, "Add a watch rule (-w PATH -p wa) for the file.");
    assert_string_equal(json_string_value(json_array_get(
                            json_object_get(json_object_get(rule, "properties"), "controls"), 0)),
                        "NIST-HOST-04-B");
    /* one check, two findings of different severity: the rule takes the highest */
    rule = rule_by_id(rules, "dockerfile.secrets-in-build-instructions");
    assert_string_equal(jstr(json_object_get(rule, "properties"), "security-severity"), "8.0");
    assert_string_equal(jstr(json_object_get(rule, "defaultConfiguration"), "level"), "error");
    json_decref(doc);
}

/* The physical location of result i: its URI and start line (0: none). */
static const char *result_uri(json_t *results, size_t i, json_int_t *line)
{
    json_t *phys =
        json_object_get(json_array_get(json_object_get(json_array_get(results, i), "locations"), 0),
                        "physicalLocation");
    if (!phys)
        return NULL;
    json_t *region = json_object_get(phys, "region");
    *line = region ? json_integer_value(json_object_get(region, "startLine")) : 0;
    return jstr(json_object_get(phys, "artifactLocation"), "uri");
}

static void test_sarif_locations(void **state)
{
    report_fixture *x = *state;
    json_t *doc = parse(render_fixture(x, LD_FORMAT_SARIF, "100"));
    json_t *results = json_object_get(json_array_get(json_object_get(doc, "runs"), 0), "results");
    json_int_t line = 0;
    /* a secret in an image file: under the image's repository, at its line */
    assert_string_equal(result_uri(results, N_VULNS, &line),
                        "registry.example.com/team/app/etc/app.env");
    assert_int_equal(line, 3);
    /* Dockerfiles: a relative path as it is, an absolute one as a file URI */
    assert_string_equal(result_uri(results, N_VULNS + 1, &line), "build/Dockerfile");
    assert_int_equal(line, 7);
    assert_string_equal(result_uri(results, N_VULNS + 2, &line), "file:///src/my%20app/Dockerfile");
    assert_int_equal(line, 2);
    /* a host file named by the target */
    char want[512];
    snprintf(want, sizeof(want), "file://%s", LONG_PATH);
    assert_string_equal(result_uri(results, N_VULNS + 3, &line), want);
    assert_int_equal(line, 0);
    /* a dir: target is a directory: the image is its path */
    assert_string_equal(result_uri(results, N_VULNS + 4, &line), "rootfs");
    /* a vulnerability: the package database under the image */
    assert_string_equal(result_uri(results, 0, &line), "app/var/lib/dpkg/status");
    assert_int_equal(line, 0);
    /* the same advisory in two packages of one image: two fingerprints */
    const char *fp0 = jstr(json_object_get(json_array_get(results, 0), "partialFingerprints"),
                           "lockdownFinding/v1");
    const char *fp1 = jstr(json_object_get(json_array_get(results, 1), "partialFingerprints"),
                           "lockdownFinding/v1");
    assert_string_not_equal(fp0, fp1);
    json_decref(doc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_json_carries_extras),
        cmocka_unit_test(test_sarif_properties_carry_extras),
        cmocka_unit_test(test_exception_by_alias_and_rule),
        cmocka_unit_test_setup_teardown(test_table_fits_every_width, report_setup, report_teardown),
        cmocka_unit_test_setup_teardown(test_table_vulnerabilities_per_target_and_package,
                                        report_setup, report_teardown),
        cmocka_unit_test_setup_teardown(test_sarif_rules_per_vulnerability_and_check, report_setup,
                                        report_teardown),
        cmocka_unit_test_setup_teardown(test_sarif_locations, report_setup, report_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
