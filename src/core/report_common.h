/* What the report writers (report_<format>.c) have in common, so that each
 * of them keeps only its format: the JSON pieces both JSON and SARIF write
 * (string lists, a finding's target and evidence, compliance counts, the
 * gate, the ld_json writer state), timestamps, the final flush, the tier a
 * finding is grouped under. (The UTF-8 walk that replaces invalid bytes is
 * util/utf8.h, shared with the JSON writer.) Not for the report logic
 * itself (policy, control states, gate: evaluate.c) and not a public API for
 * callers outside src/core/report_*.c. */
#ifndef LD_CORE_REPORT_COMMON_H
#define LD_CORE_REPORT_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "core/report.h"
#include "util/json_out.h"
#include "util/utf8.h"

/* ---- JSON and SARIF ---- */

/* Creates the writer state of a JSON-based writer: a pretty ld_json on
 * r->opt.out, stored in r->writer_state (freed by ld_report_json_destroy,
 * which fits ld_writer_ops.destroy). Never fails (allocation aborts). */
ld_json *ld_report_json_start(ld_report *r);
void ld_report_json_destroy(ld_report *r);

/* "key": [strings of l], as a member of the object being written. */
void ld_report_json_strlist(ld_json *j, const char *key, const ld_strlist *l);

/* Members "target": {"kind", "id" ("" if none), "name" (null if none)} and,
 * with_location, "path" (null if none) and "line" (null unless > 0) inside
 * it; then "evidence" (null if none). */
void ld_report_json_target_evidence(ld_json *j, const ld_finding *f, bool with_location);

/* The JSON key of a control state: "passed", "needs_review", "not_assessed", ... */
const char *ld_report_state_key(ld_control_state s);

/* One member per level, in level order: "low": {"required", "assessed",
 * then one count per state key}, ... (the evaluation's compliance). */
void ld_report_json_level_counts(ld_json *j, const ld_report *r);
/* Writes "vulnerability": {...} and/or "secret": {...} members for a finding
 * that carries those extra fields; nothing for a plain finding. */
void ld_report_json_extras(ld_json *j, const ld_finding *f);

/* Member "gate": {"failed", "incomplete", "reasons": [...], "notes": [...],
 * "fail_on" (null unless set), "allow_incomplete", "fail_on_review"}. */
void ld_report_json_gate(ld_json *j, const ld_report *r);
/* "tiers": what the run made of each tier it looked at (findings.h
 * ld_tier_record), in order: name, state, what, reason. Empty array when
 * the command records none. */
void ld_report_json_tiers(ld_json *j, const ld_report *r);
/* Member "coverage": {"controls": {"level", "required", "assessed",
 * "owed_not_assessed"}, "vulnerabilities": [{"target", "ecosystem",
 * "release", "packages", "covered"}]}. */
void ld_report_json_coverage(ld_json *j, const ld_report *r);

/* The members of one finding object of the JSON report (control_id,
 * check_id, framework, refs, tier, nist, cis, severity, status, title,
 * target, evidence, remediation, exception, vulnerability/secret), written
 * into the object being written: shared by the JSON report and the JSON
 * lines and export records (core/export_record.h), so they never drift. */
void ld_report_json_finding_members(ld_json *j, const ld_finding *f);
/* Member "summary": {"findings", one count per status, "excepted"}. */
void ld_report_json_summary(ld_json *j, const ld_report *r);

/* ---- every writer ---- */

/* "N required, N assessed: N passed, N failed, N need review, N excepted,
 * N attested, N not assessed, N not applicable, N out of scope" (zero
 * counts of the last six left out); caller frees. */
char *ld_report_compliance_line(const ld_compliance *c);

/* t in UTC as "YYYY-MM-DDTHH:MM:SS", with a trailing "Z" when zulu, into
 * out (n >= 21 with zulu, else >= 20); the epoch when t cannot be shown. */
void ld_report_utc_time(time_t t, bool zulu, char *out, size_t n);

/* Flushes o and checks its error flag: 0, or LD_ERR_GENERIC with errno (EIO
 * if none) and the message "cannot write <what>". */
int ld_report_flush(FILE *o, const char *what, ld_error *err);

/* The tier a finding is grouped under: its control's, LD_TIER_HOST if that
 * is out of range. */
ld_tier ld_report_tier(const ld_finding *f);

/* Whether a vulnerability's ecosystem is an operating system's package
 * database (deb, apk, rpm): the table and SARIF name language packages by
 * the file they were found in, OS packages by name only. */
bool ld_report_os_ecosystem(const char *ecosystem);

/* Text: the UTF-8 walk is util/utf8.h (ld_utf8_next), shared with the JSON
 * writer. */

#endif
