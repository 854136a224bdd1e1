/* The container's logs as evidence: GET /containers/ID/logs with
 * timestamps, written to container/logs/stdout.log and stderr.log (the
 * engine's multiplexed stream split by its 8-byte frame headers), or to
 * container/logs/tty.log for a container with a terminal (one raw
 * stream). Streamed from the engine into the bundle, capped at max_bytes
 * of the engine's answer (then noted as cut). A log driver the engine
 * cannot read back (syslog, fluentd, ... without dual logging) is a note,
 * not a failure. */
#ifndef LD_FORENSICS_CONTAINER_LOGS_H
#define LD_FORENSICS_CONTAINER_LOGS_H

#include <stdbool.h>
#include <stdint.h>

#include "core/error.h"
#include "docker/engine.h"
#include "forensics/bundle.h"

/* Demultiplexes a frame stream fed in pieces of any size. */
typedef struct {
    unsigned char hdr[8];
    unsigned hdr_len;   /* bytes of the current header seen */
    uint32_t remaining; /* payload bytes of the current frame still to come */
    int stream;         /* 1 stdout, 2 stderr (0, stdin, goes with stdout) */
    uint64_t bad_frames;
} ld_fx_demux;

/* Feeds data; calls out(stream, bytes, n, ctx) for each payload piece.
 * A header with a stream byte above 3 or non-zero padding is counted in
 * bad_frames and its payload kept with stdout (the bytes are evidence).
 * Returns < 0 when out does. */
int ld_fx_demux_feed(ld_fx_demux *d, const void *data, size_t len,
                     int (*out)(int stream, const void *p, size_t n, void *ctx, ld_error *err),
                     void *ctx, ld_error *err);

/* Writes the log artifacts for container id (tty: the container has a
 * terminal). 0 (notes in the bundle for cuts and refusals), < 0 on a
 * bundle write error. */
int ld_fx_logs_capture(ld_fx_bundle *b, ld_engine *e, const char *id, bool tty, uint64_t max_bytes,
                       ld_error *err);

#endif
