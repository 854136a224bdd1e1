/* Sending a run's evaluated report to a receiver named on the command line
 * as KIND=URL (--send): "otlp" (OpenTelemetry logs over OTLP/HTTP JSON,
 * core/export_otlp.h) or "elasticsearch" (the _bulk API,
 * core/export_es.h). Encodes, packs into bounded bodies, POSTs each with
 * util/http_post.h (one retry when the receiver is busy) and reads the
 * answer; the first body that is not accepted ends the send with a
 * message naming the receiver (its URL without credentials) and why. The
 * credential (a full Authorization header value) is the caller's: it is
 * passed through, never stored or shown. Not for the report files
 * (report.h) and not for watch alerts (runtime/sink.h). */
#ifndef LD_CORE_EXPORT_SEND_H
#define LD_CORE_EXPORT_SEND_H

#include <stddef.h>

#include "core/error.h"
#include "core/export_batch.h"
#include "core/export_record.h"
#include "core/report.h"
#include "util/http_timeouts.h"

typedef enum { LD_EXPORT_OTLP, LD_EXPORT_ELASTICSEARCH } ld_export_kind;

typedef struct {
    ld_export_kind kind;
    char *shown;    /* post_url without credentials: for messages */
    char *post_url; /* where bodies go (…/v1/logs, …/INDEX/_bulk) */
    char *index;    /* elasticsearch: the index; else NULL */
} ld_export_target;

/* Parses "KIND=URL" (KIND otlp or elasticsearch). < 0 (LD_ERR_INVALID)
 * with err saying why; t is then empty. */
int ld_export_target_parse(const char *spec, ld_export_target *t, ld_error *err);
void ld_export_target_clear(ld_export_target *t);
/* "otlp", "elasticsearch". */
const char *ld_export_kind_name(ld_export_kind k);

typedef struct {
    const char *authorization; /* full Authorization header value, or NULL */
    const char *cacert;        /* PEM CA file for https, or NULL */
    ld_export_limits limits;   /* zero: 1000 records, 5 MiB per body */
    ld_http_timeouts timeouts; /* zero: util/http_post.h defaults */
    long default_backoff_ms;   /* zero: 1 s */
} ld_export_send_options;

typedef struct {
    size_t records;  /* records accepted (findings + the summary) */
    size_t findings; /* of which finding records */
    size_t requests; /* bodies sent */
    size_t retries;  /* bodies sent twice (the receiver was busy) */
} ld_export_sent;

/* Sends r (with identity id) to t. 0 when every body was accepted; else
 * < 0 with err "KIND receiver URL: why" (preceded by "request I of N: "
 * when there were several bodies). *sent counts what was accepted before the failure. */
int ld_export_send(const ld_export_target *t, const ld_report *r, const ld_run_identity *id,
                   const ld_export_send_options *o, ld_export_sent *sent, ld_error *err);

#endif
