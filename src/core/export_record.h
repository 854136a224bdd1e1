/* The self-standing records a run's results leave the node as: one per
 * finding and one summary, each carrying who ran what where (host,
 * command, run id, start time, level), so that a line read alone in a log
 * pipeline still says everything. Shared by the JSON lines writer
 * (report_jsonl.c) and the Elasticsearch exporter (export_es.c); the OTLP
 * exporter (export_otlp.c) maps the same facts to log-record attributes.
 * Not a writer and not a transport: nothing here does I/O beyond the
 * ld_json it is given. */
#ifndef LD_CORE_EXPORT_RECORD_H
#define LD_CORE_EXPORT_RECORD_H

#include <stddef.h>
#include <time.h>

#include "core/evaluate.h"
#include "core/findings.h"
#include "core/report.h"
#include "util/json_out.h"

#define LD_RECORD_SCHEMA "https://lockdown.dev/schemas/report-line/v1"

/* Who ran what where: the same in every record of one run. */
typedef struct {
    char host[256];      /* gethostname(), "unknown" when it fails */
    char run_id[33];     /* 32 hex digits (see ld_run_identity_init) */
    char started_at[24]; /* the run's clock, UTC, "YYYY-MM-DDTHH:MM:SSZ" */
} ld_run_identity;

/* Fills id for a run started at now on this host. The run id is a hash of
 * the host name, now and the process id: the same in every record and
 * every sink of one run (the JSON lines on stdout and each --send target
 * compute it alike), different for any other run (another host, second or
 * process). Not a secret and not meant to be one. */
void ld_run_identity_init(ld_run_identity *id, time_t now);
/* The same with the host name given (tests, and callers that know it). */
void ld_run_identity_for(ld_run_identity *id, const char *host, time_t now, long pid);

/* An ld_report over an evaluated set for exporters, as ld_report_render
 * builds it for writers (no writer, opt copied). */
void ld_export_report_init(ld_report *r, const ld_report_options *opt, const ld_findings *fs,
                           const ld_evaluation *ev);
/* Finding i of r's set as writers see it: with the reason of the policy
 * exception that covers it, if any (a shallow copy; owns nothing). */
ld_finding ld_export_finding_view(const ld_report *r, size_t i);

/* The members of one finding record, into the object being written:
 * "type": "finding", the run's identity (schema, run_id, host, command,
 * scope, level, started_at, tool_version), then the members of a finding
 * of the JSON report (report_common.h ld_report_json_finding_members). */
void ld_export_record_finding(ld_json *j, const ld_report *r, const ld_run_identity *id,
                              const ld_finding *f);
/* The members of the summary record: "type": "summary", the
 * run's identity, level_source, "summary" (counts by status), the
 * compliance counts per level, "tiers", "notes" and "gate" as the JSON
 * report has them (the state of each control stays in the JSON report:
 * it would make the line too long for log shippers). */
void ld_export_record_summary(ld_json *j, const ld_report *r, const ld_run_identity *id);

#endif
