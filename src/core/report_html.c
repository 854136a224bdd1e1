/* HTML writer: one self-contained page for people (docs/report-html.md).
 * The summary is HTML written here (readable without JavaScript, by email
 * and on paper); everything else — findings with filters and search,
 * controls, vulnerabilities by image and package — is rendered by the
 * page's own script (data/report.js) from one JSON block in a
 * <script type="application/json"> element. The page makes no request: a
 * Content-Security-Policy meta element forbids every fetch (default-src
 * 'none') and allows exactly the page's one stylesheet and one script by
 * their SHA-256 hashes, so markup smuggled in through a finding could not
 * run or load anything even if it escaped its text node.
 * Not for deciding anything: states and the gate come from the evaluation. */
#include "core/report_html.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "core/report_common.h"
#include "util/json_out.h"
#include "util/mem.h"

/* The data block's own shape (report.js reads it; docs/report-html.md). */
#define HTML_DATA_VERSION 1

typedef struct {
    FILE *blob;   /* the escaping filter over r->opt.out (report_html_escape.c) */
    ld_json json; /* writes into blob */
} html_state;

/* 'sha256-BASE64' of p[0..n) into out (at least 64 bytes). */
static int csp_hash(const unsigned char *p, size_t n, char *out, ld_error *err)
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (EVP_Digest(p, n, md, &len, EVP_sha256(), NULL) != 1 || len != 32)
        return ld_error_set(err, LD_ERR_GENERIC,
                            "cannot hash the html report's script for its content security policy");
    memcpy(out, "'sha256-", 8);
    int w = EVP_EncodeBlock((unsigned char *)out + 8, md, (int)len);
    memcpy(out + 8 + w, "'", 2);
    return 0;
}

static void write_head(FILE *o, const ld_report *r, const char *style_hash, const char *script_hash)
{
    fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n", o);
    /* First in <head>: a meta policy covers only what follows it. */
    fprintf(o,
            "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
            "style-src %s; script-src %s; base-uri 'none'; form-action 'none'\">\n",
            style_hash, script_hash);
    fputs("<meta name=\"referrer\" content=\"no-referrer\">\n"
          "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
          "<meta name=\"generator\" content=\"lockdown " LOCKDOWN_VERSION "\">\n<title>lockdown ",
          o);
    ld_html_text(o, r->opt.command);
    if (r->opt.scope && *r->opt.scope) {
        fputs(": ", o);
        ld_html_text(o, r->opt.scope);
    }
    fputs("</title>\n<style>", o);
    fwrite(ld_data_report_css, 1, ld_data_report_css_len, o);
    fputs("</style>\n</head>\n", o);
}

static void write_body_start(FILE *o, const ld_report *r)
{
    char started[32];
    ld_report_utc_time(r->now, true, started, sizeof(started));
    fputs("<body>\n<header class=\"top\">\n<h1>lockdown <span class=\"cmd\">", o);
    ld_html_text(o, r->opt.command);
    fputs("</span></h1>\n<p class=\"meta\"><span class=\"scope\">", o);
    ld_html_text(o, r->opt.scope);
    fprintf(o, "</span> &middot; <time datetime=\"%s\">%s</time> &middot; lockdown %s</p>\n",
            started, started, LOCKDOWN_VERSION);
    fputs("<nav class=\"toc\"><a href=\"#summary\">Summary</a> <a href=\"#findings\">Findings</a> "
          "<a href=\"#controls\">Controls</a> <a href=\"#vulnerabilities\">Vulnerabilities</a> "
          "<a href=\"#notes\">Notes</a></nav>\n</header>\n<main>\n",
          o);
    ld_html_write_summary(o, r);
    fputs("<section id=\"findings\" class=\"app\">\n<h2>Findings</h2>\n"
          "<noscript><p class=\"hint\">The findings table needs JavaScript. The same data is in "
          "this file's JSON block (id ld-data), and in <code>--format json</code>.</p></noscript>\n"
          "<div id=\"findings-app\"></div>\n</section>\n"
          "<section id=\"controls\" class=\"app\">\n<h2>Controls</h2>\n<div "
          "id=\"controls-app\"></div>\n</section>\n"
          "<section id=\"vulnerabilities\" class=\"app\">\n<h2>Vulnerabilities</h2>\n<div "
          "id=\"vulns-app\"></div>\n</section>\n",
          o);
    ld_html_write_notes(o, r);
    fputs("</main>\n<script type=\"application/json\" id=\"ld-data\">", o);
}

/* Every control of the catalog with its evaluated state: the findings
 * refer to them by id, the controls section lists the required ones. */
static void write_controls(ld_json *j, const ld_report *r)
{
    ld_json_key(j, "controls");
    ld_json_array_begin(j);
    for (size_t i = 0; i < r->catalog->n; i++) {
        const ld_control *c = &r->catalog->controls[i];
        const ld_control_result *res = &r->eval->controls[i];
        ld_json_object_begin(j);
        ld_json_kv_string(j, "id", c->id);
        ld_json_kv_string(j, "title", c->title);
        ld_json_kv_string(j, "framework", ld_framework_name(c->framework));
        ld_json_kv_string(j, "tier", ld_tier_name(c->tier));
        ld_json_kv_string(j, "level", ld_level_name(c->level));
        ld_json_kv_string(j, "severity", ld_severity_name(c->severity));
        ld_json_kv_bool(j, "required", ld_control_required(c, r->level));
        ld_json_kv_string(j, "state", ld_control_state_name(res->state));
        ld_json_kv_string(j, "reason", res->reason);
        ld_json_kv_bool(j, "owed", res->owed);
        ld_json_kv_string(j, "nist", c->nist);
        ld_report_json_strlist(j, "cis", &c->cis);
        ld_json_kv_string(j, "description", c->description);
        ld_json_kv_string(j, "remediation", c->remediation);
        ld_json_object_end(j);
    }
    ld_json_array_end(j);
}

static int html_begin(ld_report *r, ld_error *err)
{
    char style_hash[64], script_hash[64];
    if (csp_hash(ld_data_report_css, ld_data_report_css_len, style_hash, err) < 0 ||
        csp_hash(ld_data_report_js, ld_data_report_js_len, script_hash, err) < 0)
        return -1;
    FILE *o = r->opt.out;
    write_head(o, r, style_hash, script_hash);
    write_body_start(o, r);

    html_state *st = ld_xcalloc(1, sizeof(*st));
    r->writer_state = st;
    st->blob = ld_html_script_json_open(o);
    if (!st->blob)
        return ld_error_set_errno(err, LD_ERR_GENERIC, errno, "cannot write the html report");
    ld_json *j = &st->json;
    ld_json_init(j, st->blob, false);
    char started[32];
    ld_report_utc_time(r->now, true, started, sizeof(started));
    ld_json_object_begin(j);
    ld_json_kv_int(j, "version", HTML_DATA_VERSION);
    ld_json_kv_string(j, "tool", "lockdown " LOCKDOWN_VERSION);
    ld_json_kv_string(j, "command", r->opt.command);
    ld_json_kv_string(j, "scope", r->opt.scope);
    ld_json_kv_string(j, "level", ld_level_name(r->level));
    ld_json_kv_string(j, "level_source", r->opt.level_source);
    ld_json_kv_string(j, "started_at", started);
    ld_report_json_tiers(j, r);
    write_controls(j, r);
    ld_json_key(j, "findings");
    ld_json_array_begin(j);
    return 0;
}

/* The fields report.js shows; the title and remediation only when the
 * finding has its own (else the control's, which the page already has). */
static int html_finding(ld_report *r, const ld_finding *f, ld_error *err)
{
    (void)err;
    html_state *st = r->writer_state;
    ld_json *j = &st->json;
    ld_json_object_begin(j);
    ld_json_kv_string(j, "control", f->control->id);
    ld_json_kv_string(j, "check", f->check_id ? f->check_id : "");
    ld_json_kv_string(j, "severity", ld_severity_name(f->severity));
    ld_json_kv_string(j, "status", ld_status_name(f->status));
    ld_json_kv_string_opt(j, "title", f->title);
    ld_report_json_target_evidence(j, f, true);
    ld_json_kv_string_opt(j, "remediation", f->remediation);
    ld_json_kv_string_opt(j, "exception", f->exception);
    ld_report_json_extras(j, f);
    ld_json_object_end(j);
    return 0;
}

static int html_end(ld_report *r, ld_error *err)
{
    html_state *st = r->writer_state;
    ld_json *j = &st->json;
    ld_json_array_end(j);
    ld_json_object_end(j);
    int closed = fclose(st->blob);
    st->blob = NULL;
    if (closed != 0)
        return ld_error_set_errno(err, LD_ERR_GENERIC, errno ? errno : EIO,
                                  "cannot write the html report");
    FILE *o = r->opt.out;
    fputs("</script>\n<script>", o);
    fwrite(ld_data_report_js, 1, ld_data_report_js_len, o);
    fputs("</script>\n</body>\n</html>\n", o);
    return ld_report_flush(o, "the html report", err);
}

static void html_destroy(ld_report *r)
{
    html_state *st = r->writer_state;
    if (st && st->blob)
        fclose(st->blob);
    free(st);
    r->writer_state = NULL;
}

const ld_writer_ops ld_writer_html = {
    .name = "html",
    .begin = html_begin,
    .finding = html_finding,
    .end = html_end,
    .destroy = html_destroy,
};
