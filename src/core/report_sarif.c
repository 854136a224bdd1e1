/* SARIF writer: SARIF 2.1.0 for code-scanning dashboards (GitHub, Azure
 * DevOps, the SARIF viewers). One run; every catalog control is a rule
 * (written at begin, so results can be streamed after them); each finding
 * is one result with a stable fingerprint; notes, compliance and the gate
 * follow the results. Every string goes through ld_json (valid JSON and
 * UTF-8 whatever the input). Not a SARIF reader or validator. */
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>

#include "core/report.h"
#include "core/report_common.h"
#include "util/json_out.h"
#include "util/mem.h"

#define SARIF_SCHEMA "https://json.schemastore.org/sarif-2.1.0.json"
#define SARIF_VERSION "2.1.0"
#define INFORMATION_URI "https://lockdown.dev"
#define FINGERPRINT_KEY "lockdownFinding/v1"
#define RULE_NAME_MAX 64

/* {"text": s} */
static void kv_message(ld_json *j, const char *key, const char *text)
{
    ld_json_key(j, key);
    ld_json_object_begin(j);
    ld_json_kv_string(j, "text", text ? text : "");
    ld_json_object_end(j);
}

/* SARIF level of a failing result of severity s. */
static const char *severity_level(ld_severity s)
{
    if (s >= LD_SEV_HIGH)
        return "error";
    return s == LD_SEV_MEDIUM ? "warning" : "note";
}

/* GitHub's "security-severity" (a CVSS-like score, as a string). */
static const char *security_severity(ld_severity s)
{
    switch (s) {
    case LD_SEV_CRITICAL: return "9.5";
    case LD_SEV_HIGH: return "8.0";
    case LD_SEV_MEDIUM: return "5.5";
    case LD_SEV_LOW: return "3.0";
    default: return "0.0";
    }
}

/* A short PascalCase name from the title ("Image runs as root" ->
 * "ImageRunsAsRoot"), ASCII letters and digits only; the id if none. */
static char *rule_name(const ld_control *c)
{
    char *out = ld_xmalloc(RULE_NAME_MAX + 1);
    size_t n = 0;
    bool word_start = true;
    for (const char *p = c->title; *p && n < RULE_NAME_MAX; p++) {
        char ch = *p;
        bool alnum =
            (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9');
        if (!alnum) {
            word_start = true;
            continue;
        }
        if (word_start && ch >= 'a' && ch <= 'z')
            ch = (char)(ch - 'a' + 'A');
        out[n++] = ch;
        word_start = false;
    }
    out[n] = '\0';
    if (n == 0) {
        free(out);
        return ld_xstrdup(c->id);
    }
    return out;
}

static void write_rule(ld_json *j, const ld_control *c)
{
    ld_json_object_begin(j);
    ld_json_kv_string(j, "id", c->id);
    char *name = rule_name(c);
    ld_json_kv_string(j, "name", name);
    free(name);
    kv_message(j, "shortDescription", c->title);
    kv_message(j, "fullDescription", c->description);
    kv_message(j, "help", c->remediation);
    ld_json_key(j, "defaultConfiguration");
    ld_json_object_begin(j);
    ld_json_kv_string(j, "level", severity_level(c->severity));
    ld_json_object_end(j);
    ld_json_key(j, "properties");
    ld_json_object_begin(j);
    ld_json_key(j, "tags");
    ld_json_array_begin(j);
    ld_json_string(j, "security");
    ld_json_string(j, ld_tier_name(c->tier));
    ld_json_string(j, ld_framework_name(c->framework));
    ld_json_array_end(j);
    ld_json_kv_string(j, "security-severity", security_severity(c->severity));
    ld_json_kv_string(j, "precision", c->automated ? "high" : "medium");
    ld_json_kv_string(j, "severity", ld_severity_name(c->severity));
    ld_json_kv_string(j, "level", ld_level_name(c->level));
    ld_json_kv_string(j, "nist", c->nist);
    ld_report_json_strlist(j, "cis", &c->cis);
    ld_report_json_strlist(j, "refs", &c->refs);
    ld_json_object_end(j);
    ld_json_object_end(j);
}

static int sarif_begin(ld_report *r, ld_error *err)
{
    ld_json *j = ld_report_json_start(r);
    ld_json_object_begin(j);
    ld_json_kv_string(j, "$schema", SARIF_SCHEMA);
    ld_json_kv_string(j, "version", SARIF_VERSION);
    ld_json_key(j, "runs");
    ld_json_array_begin(j);
    ld_json_object_begin(j);
    ld_json_key(j, "tool");
    ld_json_object_begin(j);
    ld_json_key(j, "driver");
    ld_json_object_begin(j);
    ld_json_kv_string(j, "name", "lockdown");
    ld_json_kv_string(j, "version", LOCKDOWN_VERSION);
    ld_json_kv_string(j, "semanticVersion", LOCKDOWN_VERSION);
    ld_json_kv_string(j, "informationUri", INFORMATION_URI);
    ld_json_key(j, "rules");
    ld_json_array_begin(j);
    for (size_t i = 0; i < r->catalog->n; i++)
        write_rule(j, &r->catalog->controls[i]);
    ld_json_array_end(j);
    ld_json_object_end(j); /* driver */
    ld_json_object_end(j); /* tool */
    ld_json_key(j, "results");
    ld_json_array_begin(j);
    return 0;
}

/* ---- results ---- */

/* SARIF kind and level of a finding. SARIF allows a level other than
 * "none" only on kind "fail". */
static void kind_and_level(const ld_finding *f, const char **kind, const char **level)
{
    *level = "none";
    switch (f->status) {
    case LD_STATUS_FAIL:
        *kind = "fail";
        *level = severity_level(f->severity);
        return;
    case LD_STATUS_WARN:
        *kind = "fail";
        *level = f->severity >= LD_SEV_MEDIUM ? "warning" : "note";
        return;
    case LD_STATUS_ERROR: *kind = "open"; return;
    case LD_STATUS_MANUAL: *kind = "review"; return;
    case LD_STATUS_INFO: *kind = "informational"; return;
    case LD_STATUS_SKIPPED: *kind = "notApplicable"; return;
    case LD_STATUS_PASS:
    case LD_STATUS_COUNT: break;
    }
    *kind = "pass";
}

/* s as a relative URI reference: a leading "/" dropped, every byte outside
 * RFC 3986 unreserved characters and "/" percent-encoded (so ":" in a
 * first segment, spaces, "%", "#" and non-ASCII bytes are safe). Caller
 * frees. */
static char *path_to_uri(const char *s)
{
    while (*s == '/')
        s++;
    size_t n = strlen(s);
    char *out = ld_xmalloc(3 * n + 1), *p = out;
    static const char hex[] = "0123456789ABCDEF";
    for (const unsigned char *u = (const unsigned char *)s; *u; u++) {
        unsigned c = *u;
        bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '.' || c == '_' || c == '~' || c == '/';
        if (keep) {
            *p++ = (char)c;
        } else {
            *p++ = '%';
            *p++ = hex[c >> 4];
            *p++ = hex[c & 15];
        }
    }
    *p = '\0';
    return out;
}

static void write_logical_location(ld_json *j, const ld_target *t)
{
    char *desc = ld_target_describe(t);
    char *fqn = ld_xasprintf("%s:%s", ld_target_kind_name(t->kind), t->id ? t->id : "");
    ld_json_key(j, "logicalLocations");
    ld_json_array_begin(j);
    ld_json_object_begin(j);
    ld_json_kv_string(j, "name", desc);
    ld_json_kv_string(j, "fullyQualifiedName", fqn);
    ld_json_kv_string(j, "kind", t->kind == LD_TARGET_IMAGE ? "module" : "resource");
    ld_json_object_end(j);
    ld_json_array_end(j);
    free(fqn);
    free(desc);
}

/* One location: the file (and line) when the finding has a path, and the
 * target as a logical location always. */
static void write_locations(ld_json *j, const ld_target *t)
{
    ld_json_key(j, "locations");
    ld_json_array_begin(j);
    ld_json_object_begin(j);
    if (t->path && t->path[0]) {
        char *uri = path_to_uri(t->path);
        ld_json_key(j, "physicalLocation");
        ld_json_object_begin(j);
        ld_json_key(j, "artifactLocation");
        ld_json_object_begin(j);
        ld_json_kv_string(j, "uri", uri);
        ld_json_object_end(j);
        if (t->line > 0) {
            ld_json_key(j, "region");
            ld_json_object_begin(j);
            ld_json_kv_int(j, "startLine", t->line);
            ld_json_object_end(j);
        }
        ld_json_object_end(j);
        free(uri);
    }
    write_logical_location(j, t);
    ld_json_object_end(j);
    ld_json_array_end(j);
}

/* Hex SHA-256 of control, check, target id and path (NUL-separated): the
 * same finding on the same target keeps its fingerprint across runs and
 * line moves. out holds at least 65 bytes. Returns 0, or -1 if OpenSSL
 * failed. */
static int fingerprint(const ld_finding *f, char out[65])
{
    const char *parts[4] = {f->control->id, f->check_id ? f->check_id : "",
                            f->target.id ? f->target.id : "", f->target.path ? f->target.path : ""};
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    int ok = ctx && EVP_DigestInit_ex(ctx, EVP_sha256(), NULL);
    for (int i = 0; ok && i < 4; i++)
        ok = EVP_DigestUpdate(ctx, parts[i], strlen(parts[i]) + 1);
    ok = ok && EVP_DigestFinal_ex(ctx, md, &len) && len == 32;
    EVP_MD_CTX_free(ctx);
    if (!ok)
        return -1;
    static const char hex[] = "0123456789abcdef";
    for (unsigned i = 0; i < 32; i++) {
        out[2 * i] = hex[md[i] >> 4];
        out[2 * i + 1] = hex[md[i] & 15];
    }
    out[64] = '\0';
    return 0;
}

static void write_result_properties(ld_json *j, const ld_finding *f)
{
    ld_json_key(j, "properties");
    ld_json_object_begin(j);
    ld_json_kv_string(j, "status", ld_status_name(f->status));
    ld_json_kv_string(j, "severity", ld_severity_name(f->severity));
    ld_json_kv_string(j, "check", f->check_id);
    ld_json_kv_string(j, "tier", ld_tier_name(f->control->tier));
    ld_report_json_target_evidence(j, f, false);
    ld_report_json_extras(j, f);
    ld_json_object_end(j);
}

static void write_suppression(ld_json *j, const char *reason)
{
    ld_json_key(j, "suppressions");
    ld_json_array_begin(j);
    ld_json_object_begin(j);
    ld_json_kv_string(j, "kind", "external");
    ld_json_kv_string(j, "justification", reason);
    ld_json_object_end(j);
    ld_json_array_end(j);
}

static int sarif_finding(ld_report *r, const ld_finding *f, ld_error *err)
{
    ld_json *j = r->writer_state;
    char fp[65];
    if (fingerprint(f, fp) < 0)
        return ld_error_set(err, LD_ERR_GENERIC,
                            "SARIF report: cannot compute a SHA-256 "
                            "fingerprint (OpenSSL failed)");
    const char *kind, *level;
    kind_and_level(f, &kind, &level);
    const char *title = ld_finding_title(f);
    char *text = f->evidence && f->evidence[0] ? ld_xasprintf("%s: %s", title, f->evidence)
                                               : ld_xstrdup(title);
    ld_json_object_begin(j);
    ld_json_kv_string(j, "ruleId", f->control->id);
    ld_json_kv_int(j, "ruleIndex", (int64_t)f->control->index);
    ld_json_kv_string(j, "kind", kind);
    ld_json_kv_string(j, "level", level);
    kv_message(j, "message", text);
    write_locations(j, &f->target);
    ld_json_key(j, "partialFingerprints");
    ld_json_object_begin(j);
    ld_json_kv_string(j, FINGERPRINT_KEY, fp);
    ld_json_object_end(j);
    if (f->exception)
        write_suppression(j, f->exception);
    write_result_properties(j, f);
    ld_json_object_end(j);
    free(text);
    return 0;
}

/* ---- end of the run ---- */

static void write_invocation(ld_json *j, const ld_report *r)
{
    char started[32];
    ld_report_utc_time(r->opt.now, true, started, sizeof(started));
    ld_json_key(j, "invocations");
    ld_json_array_begin(j);
    ld_json_object_begin(j);
    ld_json_kv_bool(j, "executionSuccessful", true);
    ld_json_kv_string(j, "startTimeUtc", started);
    ld_json_key(j, "toolExecutionNotifications");
    ld_json_array_begin(j);
    for (size_t i = 0; i < r->notes.n; i++) {
        ld_json_object_begin(j);
        ld_json_kv_string(j, "level", "warning");
        kv_message(j, "message", r->notes.v[i]);
        ld_json_object_end(j);
    }
    ld_json_array_end(j);
    ld_json_object_end(j);
    ld_json_array_end(j);
}

static void write_run_properties(ld_json *j, const ld_report *r)
{
    ld_json_key(j, "properties");
    ld_json_object_begin(j);
    ld_json_kv_string(j, "level", ld_level_name(r->opt.level));
    ld_json_kv_string(j, "level_source", r->opt.level_source);
    ld_json_key(j, "compliance");
    ld_json_object_begin(j);
    ld_report_json_level_counts(j, r);
    ld_json_key(j, "failed_controls");
    ld_json_array_begin(j);
    for (size_t i = 0; i < r->catalog->n; i++) {
        const ld_control *c = &r->catalog->controls[i];
        if (ld_control_required(c, r->opt.level) && ld_report_control_state(r, c) == LD_CTRL_FAILED)
            ld_json_string(j, c->id);
    }
    ld_json_array_end(j);
    ld_json_object_end(j);
    ld_report_json_gate(j, r);
    ld_json_object_end(j);
}

static int sarif_end(ld_report *r, ld_error *err)
{
    ld_json *j = r->writer_state;
    ld_json_array_end(j); /* results */
    write_invocation(j, r);
    write_run_properties(j, r);
    ld_json_object_end(j); /* run */
    ld_json_array_end(j);  /* runs */
    ld_json_object_end(j);
    return ld_report_flush(r->opt.out, "the SARIF report", err);
}

const ld_writer_ops ld_writer_sarif = {
    .name = "sarif",
    .begin = sarif_begin,
    .finding = sarif_finding,
    .end = sarif_end,
    .destroy = ld_report_json_destroy,
};
