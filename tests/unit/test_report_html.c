/* Unit tests for the HTML report writer (core/report_html*.c): the page is
 * one document whose JSON block parses back to the findings exactly, and
 * hostile text cannot leave its place — not the JSON block ("</script>",
 * "<!--", U+2028/U+2029), not the server-side summary (& < > " '), not the
 * page's content security policy (whose hashes must match the inline style
 * and script the page carries). Counts in the summary's data attributes
 * are compared with the evaluation the writer was given. The page in a
 * real browser is tested by tests/e2e/test_report_html.sh. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cmocka.h>
#include <jansson.h>
#include <openssl/evp.h>

#include "core/catalog.h"
#include "core/evaluate.h"
#include "core/finding.h"
#include "core/findings.h"
#include "core/report.h"
#include "core/report_html.h"

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
                                   "    remediation: Do not use --privileged.\n"
                                   "  - id: NIST-HOST-01\n"
                                   "    framework: nist-800-190\n"
                                   "    refs: [HOST-01]\n"
                                   "    title: Use a container-specific host OS\n"
                                   "    tier: host\n"
                                   "    nist: \"4.5.1\"\n"
                                   "    cis: []\n"
                                   "    automation: automated\n"
                                   "    checks: [host.os]\n"
                                   "    level: medium\n"
                                   "    severity: low\n"
                                   "    description: A minimal host OS has less attack surface.\n"
                                   "    remediation: Run containers on a container-specific OS.\n";

#define NOW ((time_t)1700000000)
/* What a hostile image or manifest could put in evidence: the end of the
 * script element, a comment opener (which would make a later "</script>"
 * not end the element), the two line separators JavaScript once refused in
 * string literals, markup and invalid UTF-8. */
#define BREAKOUT "</script><script>alert(1)</script>"
#define HOSTILE                                                                                    \
    BREAKOUT " <!-- <script> \xE2\x80\xA8 line sep \xE2\x80\xA9 para sep </SCRIPT > "              \
             "<img src=x onerror=alert(2)> & \"q\" 'a' \xE2\x82\xAC"
#define HOSTILE_HTML "<img src=x onerror=alert(3)>\"'&"

typedef struct {
    ld_catalog *cat;
    ld_findings *fs;
    ld_evaluation *ev;
    ld_strlist reasoning;
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
    x->fs = ld_findings_new(x->cat, NOW);
    *state = x;
    return 0;
}

static int teardown(void **state)
{
    fixture *x = *state;
    ld_evaluation_free(x->ev);
    ld_findings_free(x->fs);
    ld_strlist_clear(&x->reasoning);
    free(x->buf);
    ld_catalog_free(x->cat);
    free(x);
    return 0;
}

static void add_finding(fixture *x, const char *control, ld_status status, const char *target,
                        const char *evidence)
{
    const ld_control *c = ld_catalog_find(x->cat, control);
    assert_non_null(c);
    ld_finding *f = ld_finding_new(c, c->checks.v[0], status);
    ld_finding_set_target(f, LD_TARGET_IMAGE, target, target);
    if (evidence)
        ld_finding_set_evidence(f, "%s", evidence);
    ld_error err = LD_ERROR_INIT;
    if (ld_findings_add(x->fs, f, &err) < 0)
        fail_msg("add: %s", err.msg);
}

/* Two failed required controls at medium (CIS-5.4 critical, CIS-4.1
 * medium), a passed one, hostile evidence, tier records with hostile text. */
static void add_scenario(fixture *x)
{
    add_finding(x, "CIS-4.1", LD_STATUS_FAIL, "img-a", HOSTILE);
    add_finding(x, "CIS-4.1", LD_STATUS_FAIL, "img-b", "runs as root");
    add_finding(x, "CIS-5.4", LD_STATUS_FAIL, "ctr " HOSTILE_HTML, HOSTILE_HTML);
    add_finding(x, "NIST-HOST-01", LD_STATUS_PASS, "host", NULL);
    ld_findings_tier(x->fs, "host", LD_TIER_ASSESSED, "kernel 6.1", NULL);
    ld_findings_tier(x->fs, "runtime", LD_TIER_NOT_ASSESSED, NULL, "%s", HOSTILE_HTML);
    ld_findings_note(x->fs, "note %s", HOSTILE_HTML);
    ld_strlist_push(&x->reasoning, "data: " HOSTILE_HTML);
}

static const char *render(fixture *x, ld_level level, const char *scope)
{
    ld_evaluation_free(x->ev);
    ld_eval_options eo = {.level = level};
    x->ev = ld_evaluate(x->fs, NULL, &eo);
    free(x->buf);
    x->buf = NULL;
    FILE *out = open_memstream(&x->buf, &x->len);
    assert_non_null(out);
    ld_report_options opt = {
        .format = LD_FORMAT_HTML,
        .out = out,
        .command = "assess",
        .scope = scope,
        .level_source = "policy profile",
        .level_reasoning = &x->reasoning,
    };
    ld_error err = LD_ERROR_INIT;
    if (ld_report_render(&opt, x->fs, x->ev, &err) != 0)
        fail_msg("render: %s", err.msg);
    assert_int_equal(fclose(out), 0);
    return x->buf;
}

static size_t count_ci(const char *hay, const char *needle)
{
    size_t n = 0, k = strlen(needle);
    for (const char *p = hay; *p; p++)
        if (strncasecmp(p, needle, k) == 0)
            n++;
    return n;
}

#define DATA_OPEN "<script type=\"application/json\" id=\"ld-data\">"

/* The JSON block's text (a copy the caller frees). */
static char *data_block(const char *page)
{
    const char *a = strstr(page, DATA_OPEN);
    assert_non_null(a);
    a += strlen(DATA_OPEN);
    const char *b = strstr(a, "</script>");
    assert_non_null(b);
    return strndup(a, (size_t)(b - a));
}

static json_t *parse_block(const char *page)
{
    char *text = data_block(page);
    json_error_t jerr;
    json_t *root = json_loads(text, 0, &jerr);
    if (!root)
        fail_msg("data block is not JSON at %d: %s", jerr.position, jerr.text);
    free(text);
    return root;
}

/* The text between the first occurrence of open (after from) and close. */
static char *between(const char *from, const char *open, const char *close)
{
    const char *a = strstr(from, open);
    assert_non_null(a);
    a += strlen(open);
    const char *b = strstr(a, close);
    assert_non_null(b);
    return strndup(a, (size_t)(b - a));
}

/* 'sha256-BASE64' of s. */
static void csp_hash_of(const char *s, char out[64])
{
    unsigned char md[32];
    unsigned int n = 0;
    assert_int_equal(EVP_Digest(s, strlen(s), md, &n, EVP_sha256(), NULL), 1);
    memcpy(out, "'sha256-", 8);
    int w = EVP_EncodeBlock((unsigned char *)out + 8, md, 32);
    memcpy(out + 8 + w, "'", 2);
}

/* ---- tests ---- */

static void test_json_block_parses_back_exactly(void **state)
{
    fixture *x = *state;
    add_scenario(x);
    const char *page = render(x, LD_LEVEL_MEDIUM, "host h1");
    json_t *root = parse_block(page);
    json_t *findings = json_object_get(root, "findings");
    assert_int_equal(json_array_size(findings), x->fs->n);
    /* the hostile evidence comes back byte for byte */
    const char *ev = json_string_value(json_object_get(json_array_get(findings, 0), "evidence"));
    assert_non_null(ev);
    assert_string_equal(ev, HOSTILE);
    json_t *f2 = json_array_get(findings, 2);
    assert_string_equal(json_string_value(json_object_get(f2, "evidence")), HOSTILE_HTML);
    assert_string_equal(json_string_value(json_object_get(f2, "control")), "CIS-5.4");
    assert_string_equal(json_string_value(json_object_get(f2, "status")), "fail");
    assert_int_equal(json_array_size(json_object_get(root, "controls")), x->cat->n);
    assert_int_equal(json_array_size(json_object_get(root, "tiers")), 2);
    assert_string_equal(json_string_value(json_object_get(root, "level")), "medium");
    json_decref(root);
}

static void test_hostile_text_cannot_leave_the_json_block(void **state)
{
    fixture *x = *state;
    add_scenario(x);
    const char *page = render(x, LD_LEVEL_MEDIUM, "host h1");
    char *block = data_block(page);
    /* nothing in the block that the HTML parser or an old JS engine reads */
    assert_null(strchr(block, '<'));
    assert_null(strchr(block, '>'));
    assert_null(strchr(block, '&'));
    assert_null(strstr(block, "\xE2\x80\xA8"));
    assert_null(strstr(block, "\xE2\x80\xA9"));
    /* the euro sign (E2 82 AC) shares a first byte with U+2028: passed on */
    assert_non_null(strstr(block, "\xE2\x82\xAC"));
    free(block);
    /* the page has exactly its two script elements and no comment */
    assert_int_equal(count_ci(page, "<script"), 2);
    assert_int_equal(count_ci(page, "</script"), 2);
    assert_null(strstr(page, "<!--"));
    assert_null(strstr(page, "alert(1)</script>"));
}

static void test_summary_escapes_hostile_text(void **state)
{
    fixture *x = *state;
    add_scenario(x);
    const char *page = render(x, LD_LEVEL_MEDIUM, "scope " HOSTILE_HTML);
    /* no raw markup from data anywhere outside the JSON block */
    assert_null(strstr(page, "<img"));
    char *html = strndup(page, (size_t)(strstr(page, DATA_OPEN) - page));
    assert_true(count_ci(html, "onerror") > 0);
    assert_int_equal(count_ci(html, "onerror"), count_ci(html, "&lt;img src=x onerror"));
    free(html);
    const char *esc = "&lt;img src=x onerror=alert(3)&gt;&quot;&#39;&amp;";
    char *title = between(page, "<title>", "</title>");
    assert_non_null(strstr(title, esc));
    free(title);
    char *tiers = between(page, "<table class=\"tiers\"", "</table>");
    assert_non_null(strstr(tiers, esc));
    assert_non_null(strstr(tiers, "data-tier-record=\"runtime\" data-tier-state=\"not assessed\""));
    free(tiers);
    char *level = between(page, "<div class=\"level\"", "</div>");
    assert_non_null(strstr(level, esc)); /* the level reasoning */
    assert_non_null(strstr(level, "derived from the policy"));
    free(level);
    char *notes = between(page, "<section id=\"notes\"", "</section>");
    assert_non_null(strstr(notes, esc));
    free(notes);
}

static void test_csp_forbids_requests_and_hashes_match(void **state)
{
    fixture *x = *state;
    add_scenario(x);
    const char *page = render(x, LD_LEVEL_MEDIUM, "host h1");
    char *csp = between(page, "<meta http-equiv=\"Content-Security-Policy\" content=\"", "\">");
    assert_non_null(strstr(csp, "default-src 'none'"));
    assert_null(strstr(csp, "unsafe-inline"));
    /* the policy comes before any style or script */
    assert_true(strstr(page, "Content-Security-Policy") < strstr(page, "<style>"));
    char *style = between(page, "<style>", "</style>");
    char *js = between(strstr(page, DATA_OPEN) + strlen(DATA_OPEN), "<script>", "</script>");
    char h[64];
    csp_hash_of(style, h);
    char *want = NULL;
    assert_true(asprintf(&want, "style-src %s;", h) > 0);
    assert_non_null(strstr(csp, want));
    free(want);
    csp_hash_of(js, h);
    assert_true(asprintf(&want, "script-src %s;", h) > 0);
    assert_non_null(strstr(csp, want));
    free(want);
    /* the embedded script has no sequence that would end or confuse its element */
    assert_int_equal(count_ci(js, "</script"), 0);
    assert_null(strstr(js, "<!--"));
    assert_null(strstr(js, "innerHTML"));
    assert_null(strstr(js, "insertAdjacentHTML"));
    free(js);
    free(style);
    free(csp);
}

static void test_summary_counts_match_the_evaluation(void **state)
{
    fixture *x = *state;
    add_scenario(x);
    const char *page = render(x, LD_LEVEL_MEDIUM, "host h1");
    char want[160];
    for (int s = 0; s < LD_STATUS_COUNT; s++) {
        snprintf(want, sizeof(want), "data-status=\"%s\" data-count=\"%zu\"",
                 ld_status_name((ld_status)s), x->ev->status_counts[s]);
        assert_non_null(strstr(page, want));
    }
    for (int l = 0; l < LD_LEVEL_COUNT; l++) {
        const ld_compliance *c = &x->ev->compliance[l];
        snprintf(want, sizeof(want), "data-level=\"%s\" data-required=\"%zu\"",
                 ld_level_name((ld_level)l), c->required);
        const char *row = strstr(page, want);
        assert_non_null(row);
        snprintf(want, sizeof(want), "data-state=\"failed\" data-count=\"%zu\"",
                 c->by_state[LD_CTRL_FAILED]);
        const char *end = strstr(row, "</tr>");
        const char *cell = strstr(row, want);
        assert_true(cell && cell < end);
    }
    /* both failed controls are top risks, the critical one first */
    assert_non_null(strstr(page, "data-failed-required=\"2\""));
    const char *a = strstr(page, "<li data-control=\"CIS-5.4\" data-severity=\"critical\"");
    const char *b = strstr(page, "<li data-control=\"CIS-4.1\" data-severity=\"medium\"");
    assert_true(a && b && a < b);
    assert_non_null(strstr(page, "data-gate=\"failed\""));
    assert_non_null(strstr(page, "<h2>Gate failed</h2>"));
    /* per tier at the level in force: container has its one failed control */
    a = strstr(page, "<tr data-tier=\"container\" data-required=\"1\"");
    assert_non_null(a);
    b = strstr(a, "data-state=\"failed\" data-count=\"1\"");
    assert_true(b && b < strstr(a, "</tr>"));
}

static void test_empty_report_is_a_page(void **state)
{
    fixture *x = *state;
    const char *page = render(x, LD_LEVEL_LOW, "");
    json_t *root = parse_block(page);
    assert_int_equal(json_array_size(json_object_get(root, "findings")), 0);
    json_decref(root);
    assert_non_null(strstr(page, "This command records no tiers"));
    assert_non_null(strstr(page, "No required control failed."));
    assert_non_null(strstr(page, "</html>\n"));
}

static void test_write_error_is_reported(void **state)
{
    fixture *x = *state;
    add_scenario(x);
    ld_eval_options eo = {.level = LD_LEVEL_LOW};
    x->ev = ld_evaluate(x->fs, NULL, &eo);
    FILE *full = fopen("/dev/full", "w"); /* every write fails with ENOSPC */
    assert_non_null(full);
    ld_report_options opt = {.format = LD_FORMAT_HTML, .out = full, .command = "assess"};
    ld_error err = LD_ERROR_INIT;
    assert_true(ld_report_render(&opt, x->fs, x->ev, &err) < 0);
    assert_non_null(strstr(err.msg, "html report"));
    fclose(full);
}

static char *html_text(const char *s)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *o = open_memstream(&buf, &len);
    ld_html_text(o, s);
    fclose(o);
    return buf;
}

static void test_html_text_escaping(void **state)
{
    (void)state;
    char *s = html_text("a&b<c>d\"e'f");
    assert_string_equal(s, "a&amp;b&lt;c&gt;d&quot;e&#39;f");
    free(s);
    s = html_text("bad \xff end \x01\x1b[31m tab\tnl\n \xC3\xBC");
    assert_string_equal(s, "bad \xEF\xBF\xBD end \xEF\xBF\xBD\xEF\xBF\xBD[31m tab\tnl\n \xC3\xBC");
    free(s);
    s = html_text(NULL);
    assert_string_equal(s, "");
    free(s);
}

/* The filter sees U+2028 split over separate writes. */
static void test_script_filter_split_writes(void **state)
{
    (void)state;
    char *buf = NULL;
    size_t len = 0;
    FILE *o = open_memstream(&buf, &len);
    FILE *f = ld_html_script_json_open(o);
    assert_non_null(f);
    setvbuf(f, NULL, _IONBF, 0);
    const char *parts[] = {"\"x\xE2", "\x80", "\xA8y\xE2\x80", "\xA9<\xE2\x82\xAC\xE2", "\x80"};
    for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]); i++)
        fwrite(parts[i], 1, strlen(parts[i]), f);
    assert_int_equal(fclose(f), 0);
    fclose(o);
    /* the dangling E2 80 at the end is passed on as it was */
    assert_string_equal(buf, "\"x\\u2028y\\u2029\\u003c\xE2\x82\xAC\xE2\x80");
    free(buf);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_json_block_parses_back_exactly, setup, teardown),
        cmocka_unit_test_setup_teardown(test_hostile_text_cannot_leave_the_json_block, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_summary_escapes_hostile_text, setup, teardown),
        cmocka_unit_test_setup_teardown(test_csp_forbids_requests_and_hashes_match, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_summary_counts_match_the_evaluation, setup, teardown),
        cmocka_unit_test_setup_teardown(test_empty_report_is_a_page, setup, teardown),
        cmocka_unit_test_setup_teardown(test_write_error_is_reported, setup, teardown),
        cmocka_unit_test(test_html_text_escaping),
        cmocka_unit_test(test_script_filter_split_writes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
