/* libFuzzer target for the HTML writer's escaping (core/report_html*.c):
 * the input, cut at NUL bytes into evidence, target name, title, scope and
 * a tier record's reason, goes into a findings set that is rendered as an
 * HTML page. Whatever the bytes, the page keeps its shape: exactly two
 * script elements and no comment, no raw markup from the input outside the
 * data block (no "<" that the writer did not put there: every "<" in the
 * page is followed by one of the page's own tag names), and the data block
 * holds no '<', '>', '&' or raw U+2028/U+2029 and parses as JSON with
 * one finding per input finding.
 * Seeds: tests/fuzz/corpus/report_html/. Replay: ./fuzz_report_html FILE. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "core/catalog.h"
#include "core/evaluate.h"
#include "core/findings.h"
#include "core/report.h"
#include "util/mem.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

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
                                   "    description: d\n"
                                   "    remediation: r\n";

#define DATA_OPEN "<script type=\"application/json\" id=\"ld-data\">"

static size_t count_ci(const char *hay, const char *needle)
{
    size_t n = 0, k = strlen(needle);
    for (const char *p = hay; *p; p++)
        if (strncasecmp(p, needle, k) == 0)
            n++;
    return n;
}

/* The page's own tags (and the DOCTYPE): anything else after '<' came from input. */
static int own_tag(const char *p)
{
    static const char *const tags[] = {
        "!DOCTYPE", "html",     "head", "meta", "title", "style", "body",   "header", "h1",
        "h2",       "h3",       "span", "p",    "time",  "nav",   "a ",     "a>",     "main",
        "section",  "noscript", "code", "div",  "ul",    "li",    "table",  "thead",  "tbody",
        "tr",       "th",       "td",   "svg",  "rect",  "ol",    "strong", "br",     "script",
    };
    p++;
    if (*p == '/')
        p++;
    for (size_t i = 0; i < sizeof(tags) / sizeof(tags[0]); i++) {
        size_t n = strlen(tags[i]);
        if (strncmp(p, tags[i], n) == 0 && (tags[i][n - 1] == ' ' || tags[i][n - 1] == '>' ||
                                            p[n] == '>' || p[n] == ' ' || p[n] == '/'))
            return 1;
    }
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static ld_catalog *cat;
    ld_error err = LD_ERROR_INIT;
    if (!cat) {
        cat = ld_catalog_parse("fuzz.yaml", catalog_yaml, sizeof(catalog_yaml) - 1, &err);
        if (!cat)
            abort();
    }
    if (size > 64 * 1024)
        return 0;
    /* five NUL-separated strings (missing ones are empty) */
    char *copy = ld_xcalloc(1, size + 6);
    memcpy(copy, data, size);
    const char *part[5];
    const char *p = copy;
    for (int i = 0; i < 5; i++) {
        part[i] = p;
        p += strlen(p);
        if (p < copy + size)
            p++;
    }
    ld_findings *fs = ld_findings_new(cat, 1700000000);
    const ld_control *c = ld_catalog_find(cat, "CIS-4.1");
    for (int k = 0; k < 2; k++) {
        ld_finding *f = ld_finding_new(c, "image.user", k ? LD_STATUS_PASS : LD_STATUS_FAIL);
        ld_finding_set_target(f, LD_TARGET_IMAGE, part[1], part[1]);
        ld_finding_set_location(f, part[1], 3);
        ld_finding_set_evidence(f, "%s", part[0]);
        if (k)
            ld_finding_set_title(f, part[2]);
        if (ld_findings_add(fs, f, &err) < 0)
            abort();
    }
    ld_findings_tier(fs, part[4], LD_TIER_NOT_ASSESSED, part[2], "%s", part[4]);
    ld_findings_note(fs, "%s", part[0]);
    ld_eval_options eo = {.level = LD_LEVEL_LOW};
    ld_evaluation *ev = ld_evaluate(fs, NULL, &eo);
    char *page = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&page, &len);
    ld_report_options opt = {
        .format = LD_FORMAT_HTML, .out = out, .command = "assess", .scope = part[3]};
    if (ld_report_render(&opt, fs, ev, &err) != 0)
        abort();
    fclose(out);

    if (strlen(page) != len || count_ci(page, "<script") != 2 || count_ci(page, "</script") != 2 ||
        strstr(page, "<!--"))
        abort();
    const char *block = strstr(page, DATA_OPEN);
    if (!block)
        abort();
    block += strlen(DATA_OPEN);
    const char *end = strstr(block, "</script>");
    if (!end)
        abort();
    for (const char *q = page; q < block; q++)
        if (*q == '<' && !own_tag(q))
            abort();
    for (const char *q = block; q < end; q++)
        if (*q == '<' || *q == '>' || *q == '&' ||
            (q + 2 < end && (unsigned char)q[0] == 0xE2 && (unsigned char)q[1] == 0x80 &&
             ((unsigned char)q[2] == 0xA8 || (unsigned char)q[2] == 0xA9)))
            abort();
    json_error_t jerr;
    json_t *root = json_loadb(block, (size_t)(end - block), 0, &jerr);
    if (!root || json_array_size(json_object_get(root, "findings")) != 2)
        abort();
    json_decref(root);
    free(page);
    ld_evaluation_free(ev);
    ld_findings_free(fs);
    free(copy);
    return 0;
}
