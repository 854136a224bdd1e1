/* OpenTelemetry logs: a run's findings (and its summary) as OTLP log
 * records in the OTLP/HTTP JSON encoding (opentelemetry-proto's JSON
 * mapping: lowerCamelCase field names, 64-bit integers as decimal
 * strings, enums as numbers), one resource (service.name "lockdown",
 * service.version, host.name, lockdown.run_id, lockdown.command,
 * lockdown.level, lockdown.scope) and one scope ("lockdown", version) per
 * request body. Also the reader of the receiver's answer (partial success
 * and error messages). Pure: no I/O; the transport is util/http_post.h.
 * Documented in docs/report-schema.md. */
#ifndef LD_CORE_EXPORT_OTLP_H
#define LD_CORE_EXPORT_OTLP_H

#include <stddef.h>

#include "core/error.h"
#include "core/export_batch.h"
#include "core/export_record.h"
#include "core/report.h"

/* OTLP SeverityNumber of a finding: an excepted finding and one that
 * passed, was skipped, is informational or manual is INFO (9); a check
 * that could not look is WARN (13); a finding that needs review is WARN
 * (13); a failed one by its severity: info INFO2 (10), low WARN (13),
 * medium WARN2 (14), high ERROR (17), critical FATAL (21). *text gets
 * the short name of the range ("INFO", "WARN", "ERROR", "FATAL"). */
int ld_otlp_severity(const ld_finding *f, const char **text);

/* Encodes every finding of r (in order) and then the summary as log
 * records, packed into bodies within lim (NULL: the defaults). Appends to
 * out (caller clears it). Never fails. */
void ld_export_otlp(const ld_report *r, const ld_run_identity *id, const ld_export_limits *lim,
                    ld_export_bodies *out);

/* The URL to POST to: url as given when it has a path, else url + "/v1/logs"
 * (the signal path of OTLP/HTTP; a query is kept after it). Only http://
 * and https:// URLs with a host; else < 0 (LD_ERR_INVALID) with err saying
 * why. *post_url is the caller's to free. */
int ld_export_otlp_endpoint(const char *url, char **post_url, ld_error *err);

/* The answer to a body of `sent` log records: 2xx with no body, a body
 * that is not JSON (a protobuf answer) or no partialSuccess is success
 * (0); a partialSuccess with rejectedLogRecords > 0 is a failure
 * (LD_ERR_GENERIC, "the receiver rejected N of M log records: MESSAGE").
 * Another status is a failure naming it and the Status message of the
 * body when there is one. Hostile bodies are read within a budget. */
int ld_export_otlp_response(long status, const char *body, size_t len, size_t sent, ld_error *err);

#endif
