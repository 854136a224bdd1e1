/* JUnit writer: JUnit XML for CI systems that show test results (GitLab,
 * Jenkins, Azure, GitHub test reporters). One <testsuite> per tier and a
 * last "lockdown.gate" suite whose single test fails when the gate failed.
 * Each finding is rendered into its tier's in-memory buffer as it arrives
 * (the XML text is the minimal copy); the document is assembled at the end
 * when the counts are known. Every piece of data is XML-escaped; characters
 * XML 1.0 forbids are dropped, invalid UTF-8 becomes U+FFFD, and the
 * characters a terminal must not receive raw (DEL, C1 controls, bidi
 * overrides: ld_term_unsafe_cp) are written as character references, so the
 * document reads the same to a parser and `cat report.xml` is safe. */
#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/report.h"
#include "core/report_common.h"
#include "util/mem.h"
#include "util/term_text.h"

typedef struct {
    FILE *f; /* open_memstream over buf; NULL until the tier's first finding */
    char *buf;
    size_t len;
    size_t tests, failures, errors, skipped;
} suite;

typedef struct {
    suite tiers[LD_TIER_COUNT];
} junit_state;

/* ---- XML text ---- */

/* XML 1.0 Char production (surrogates never reach here). */
static bool xml_char(uint32_t cp)
{
    return cp == 0x9 || cp == 0xA || cp == 0xD || (cp >= 0x20 && cp <= 0xD7FF) ||
           (cp >= 0xE000 && cp <= 0xFFFD) || cp >= 0x10000;
}

/* Reference for an ASCII character that must be escaped, or NULL. In an
 * attribute, whitespace is escaped too so that it survives normalisation. */
static const char *xml_ref(uint32_t cp, bool attr)
{
    switch (cp) {
    case '&': return "&amp;";
    case '<': return "&lt;";
    case '>': return "&gt;";
    case '\r': return "&#13;";
    case '"': return attr ? "&quot;" : NULL;
    case '\'': return attr ? "&apos;" : NULL;
    case '\n': return attr ? "&#10;" : NULL;
    case '\t': return attr ? "&#9;" : NULL;
    default: return NULL;
    }
}

/* Writes s as XML character data (attr: as an attribute value). NULL
 * writes nothing. */
static void xml_put(FILE *o, const char *s, bool attr)
{
    if (!s)
        return;
    size_t n = strlen(s), i = 0;
    while (i < n) {
        const char *bytes;
        size_t len;
        uint32_t cp = ld_utf8_next(s, n, &i, &bytes, &len);
        const char *ref = xml_ref(cp, attr);
        if (ref)
            fputs(ref, o);
        else if (!xml_char(cp))
            continue;
        else if (cp >= 0x7F && ld_term_unsafe_cp(cp)) /* XML allows it, a terminal must not */
            fprintf(o, "&#x%" PRIX32 ";", cp);
        else /* U+FFFD for invalid bytes included */
            fwrite(bytes, 1, len, o);
    }
}

/* ` name="value"` */
static void xml_attr(FILE *o, const char *name, const char *value)
{
    fprintf(o, " %s=\"", name);
    xml_put(o, value, true);
    fputc('"', o);
}

static void xml_attr_count(FILE *o, const char *name, size_t v)
{
    fprintf(o, " %s=\"%zu\"", name, v);
}

/* <tag message="..." type="...">body</tag>, or self-closing without body. */
static void xml_outcome(FILE *o, const char *tag, const char *message, const char *type,
                        const char *body)
{
    fprintf(o, "      <%s", tag);
    xml_attr(o, "message", message);
    if (type)
        xml_attr(o, "type", type);
    if (!body || !body[0]) {
        fputs("/>\n", o);
        return;
    }
    fputc('>', o);
    xml_put(o, body, false);
    fprintf(o, "</%s>\n", tag);
}

/* ---- findings ---- */

static int open_suite(suite *s, ld_error *err)
{
    if (s->f)
        return 0;
    s->f = open_memstream(&s->buf, &s->len);
    if (!s->f)
        return ld_error_set_errno(err, LD_ERR_NOMEM, errno, "JUnit report: cannot buffer output");
    return 0;
}

/* Whether f's testcase has a child element (see write_outcome). */
static bool has_outcome(const ld_finding *f)
{
    if (f->exception)
        return true;
    switch (f->status) {
    case LD_STATUS_PASS:
    case LD_STATUS_COUNT: return false;
    case LD_STATUS_WARN:
    case LD_STATUS_INFO: return f->evidence && f->evidence[0];
    default: return true;
    }
}

/* Writes the outcome element of f (if any) and counts it in s. */
static void write_outcome(FILE *o, suite *s, const ld_finding *f)
{
    const char *title = ld_finding_title(f);
    if (f->exception) {
        char *msg = ld_xasprintf("excepted: %s", f->exception);
        xml_outcome(o, "skipped", msg, NULL, NULL);
        free(msg);
        s->skipped++;
        return;
    }
    switch (f->status) {
    case LD_STATUS_FAIL:
        xml_outcome(o, "failure", title, ld_severity_name(f->severity), f->evidence);
        s->failures++;
        return;
    case LD_STATUS_ERROR:
        xml_outcome(o, "error", title, "error", f->evidence);
        s->errors++;
        return;
    case LD_STATUS_SKIPPED:
    case LD_STATUS_MANUAL: {
        const char *why = f->evidence && f->evidence[0] ? f->evidence : title;
        char *msg = ld_xasprintf("%s: %s", ld_status_name(f->status), why);
        xml_outcome(o, "skipped", msg, NULL, NULL);
        free(msg);
        s->skipped++;
        return;
    }
    case LD_STATUS_WARN:
    case LD_STATUS_INFO:
        if (f->evidence && f->evidence[0]) {
            fprintf(o, "      <system-out>%s: ", ld_status_name(f->status));
            xml_put(o, f->evidence, false);
            fputs("</system-out>\n", o);
        }
        return;
    case LD_STATUS_PASS:
    case LD_STATUS_COUNT: break;
    }
}

static int junit_finding(ld_report *r, const ld_finding *f, ld_error *err)
{
    junit_state *st = r->writer_state;
    ld_tier tier = ld_report_tier(f);
    suite *s = &st->tiers[tier];
    int rc = open_suite(s, err);
    if (rc < 0)
        return rc;
    FILE *o = s->f;
    char *classname = ld_xasprintf("lockdown.%s.%s", ld_tier_name(tier), f->control->id);
    char *target = ld_target_describe(&f->target);
    char *name = f->check_id && f->check_id[0] ? ld_xasprintf("%s %s", f->check_id, target)
                                               : ld_xstrdup(target);
    fputs("    <testcase", o);
    xml_attr(o, "classname", classname);
    xml_attr(o, "name", name);
    if (has_outcome(f)) {
        fputs(" time=\"0\">\n", o);
        write_outcome(o, s, f);
        fputs("    </testcase>\n", o);
    } else {
        fputs(" time=\"0\"/>\n", o);
    }
    s->tests++;
    free(name);
    free(target);
    free(classname);
    return 0;
}

/* ---- assembling the document ---- */

static int junit_begin(ld_report *r, ld_error *err)
{
    r->writer_state = ld_xcalloc(1, sizeof(junit_state));
    return 0;
}

static void suite_open_tag(FILE *o, const char *name, const suite *s, const char *timestamp)
{
    fputs("  <testsuite", o);
    xml_attr(o, "name", name);
    xml_attr_count(o, "tests", s->tests);
    xml_attr_count(o, "failures", s->failures);
    xml_attr_count(o, "errors", s->errors);
    xml_attr_count(o, "skipped", s->skipped);
    fprintf(o, " time=\"0\" timestamp=\"%s\">\n", timestamp);
}

static void property(FILE *o, const char *name, const char *value)
{
    fputs("      <property", o);
    xml_attr(o, "name", name);
    xml_attr(o, "value", value ? value : "");
    fputs("/>\n", o);
}

/* The gate suite: level and compliance as properties, one test that fails
 * with the gate's reasons, the notes as system-out. */
static void write_gate_suite(FILE *o, const ld_report *r, const suite *g, const char *timestamp)
{
    suite_open_tag(o, "lockdown.gate", g, timestamp);
    char *counts = ld_report_compliance_line(&r->eval->compliance[r->level]);
    fputs("    <properties>\n", o);
    property(o, "level", ld_level_name(r->level));
    property(o, "level_source", r->opt.level_source);
    property(o, "compliance", counts);
    property(o, "fail_on", r->eval->opt.has_fail_on ? ld_severity_name(r->eval->opt.fail_on) : "");
    fputs("    </properties>\n", o);
    free(counts);
    char *name = ld_xasprintf("gate (level %s)", ld_level_name(r->level));
    fputs("    <testcase classname=\"lockdown.gate\"", o);
    xml_attr(o, "name", name);
    fputs(" time=\"0\">\n", o);
    free(name);
    if (r->eval->gate_failed) {
        char *reasons = ld_strlist_join(&r->eval->gate_reasons, "\n");
        xml_outcome(o, "failure", "gate failed", "gate", reasons);
        free(reasons);
    }
    fputs("    </testcase>\n", o);
    ld_strlist all = {0};
    for (size_t i = 0; i < r->eval->gate_notes.n; i++)
        ld_strlist_push(&all, r->eval->gate_notes.v[i]);
    for (size_t i = 0; i < r->eval->notes.n; i++)
        ld_strlist_push(&all, r->eval->notes.v[i]);
    if (all.n > 0) {
        char *notes = ld_strlist_join(&all, "\n");
        fputs("    <system-out>", o);
        xml_put(o, notes, false);
        fputs("</system-out>\n", o);
        free(notes);
    }
    ld_strlist_clear(&all);
    fputs("  </testsuite>\n", o);
}

static int junit_end(ld_report *r, ld_error *err)
{
    junit_state *st = r->writer_state;
    FILE *o = r->opt.out;
    suite gate = {.tests = 1, .failures = r->eval->gate_failed ? 1 : 0};
    suite total = gate;
    for (int t = 0; t < LD_TIER_COUNT; t++) {
        suite *s = &st->tiers[t];
        if (s->f && fflush(s->f) != 0)
            return ld_error_set_errno(err, LD_ERR_NOMEM, errno,
                                      "JUnit report: cannot buffer output");
        total.tests += s->tests;
        total.failures += s->failures;
        total.errors += s->errors;
        total.skipped += s->skipped;
    }
    char timestamp[32];
    ld_report_utc_time(r->now, false, timestamp, sizeof(timestamp));
    fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"lockdown\"", o);
    xml_attr_count(o, "tests", total.tests);
    xml_attr_count(o, "failures", total.failures);
    xml_attr_count(o, "errors", total.errors);
    xml_attr_count(o, "skipped", total.skipped);
    fputs(" time=\"0\">\n", o);
    for (int t = 0; t < LD_TIER_COUNT; t++) {
        const suite *s = &st->tiers[t];
        if (!s->f)
            continue;
        char *name = ld_xasprintf("lockdown.%s", ld_tier_name((ld_tier)t));
        suite_open_tag(o, name, s, timestamp);
        free(name);
        fwrite(s->buf, 1, s->len, o);
        fputs("  </testsuite>\n", o);
    }
    write_gate_suite(o, r, &gate, timestamp);
    fputs("</testsuites>\n", o);
    return ld_report_flush(o, "the JUnit report", err);
}

static void junit_destroy(ld_report *r)
{
    junit_state *st = r->writer_state;
    if (!st)
        return;
    for (int t = 0; t < LD_TIER_COUNT; t++) {
        if (st->tiers[t].f)
            fclose(st->tiers[t].f);
        free(st->tiers[t].buf);
    }
    free(st);
    r->writer_state = NULL;
}

const ld_writer_ops ld_writer_junit = {
    .name = "junit",
    .begin = junit_begin,
    .finding = junit_finding,
    .end = junit_end,
    .destroy = junit_destroy,
};
