/* Elasticsearch: a run's records (core/export_record.h: one per finding,
 * then the summary) as _bulk request bodies — NDJSON, an action line
 * {"create":{"_index":INDEX}} then the document, each line ending in a
 * newline — with "@timestamp" (the run's start) added to each document so
 * that data streams take them. Also the reader of the _bulk answer, which
 * says per item whether it was stored. Pure: no I/O; the transport is
 * util/http_post.h. Documented in docs/report-schema.md. */
#ifndef LD_CORE_EXPORT_ES_H
#define LD_CORE_EXPORT_ES_H

#include <stddef.h>

#include "core/error.h"
#include "core/export_batch.h"
#include "core/export_record.h"
#include "core/report.h"

/* Encodes the records of r into bodies within lim (NULL: defaults) for
 * index; appends to out (caller clears it). Never fails. */
void ld_export_es(const ld_report *r, const ld_run_identity *id, const char *index,
                  const ld_export_limits *lim, ld_export_bodies *out);

/* From the URL that names the index (http://host:9200/INDEX, optionally
 * under a path prefix: the last path segment is the index, one trailing
 * '/' allowed): the index and the URL to POST to (URL/_bulk, the query
 * kept). An index name Elasticsearch would refuse (empty, upper case, one
 * of \ / * ? " < > | , # : % or a space, starting with - _ +, "." or "..",
 * over 255 bytes) is LD_ERR_INVALID with err saying why. Both results are
 * the caller's to free. */
int ld_export_es_endpoint(const char *url, char **post_url, char **index, ld_error *err);

/* Reads the answer to a _bulk body of `sent` documents. 0 when the status
 * is 2xx, "errors" is false and the items (when listed) are as many as
 * were sent. Else < 0 with err naming the first failure: "elasticsearch
 * stored N of M documents; first error: TYPE: REASON (status S)" for item
 * errors; "elasticsearch answered HTTP S: TYPE: REASON" for a failed
 * request; LD_ERR_CORRUPT for a 2xx body that is not a _bulk answer.
 * Hostile bodies are read within a budget; quoted text is cut at 300
 * bytes. */
int ld_export_es_response(long status, const char *body, size_t len, size_t sent, ld_error *err);

#endif
