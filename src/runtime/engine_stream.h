/* The Docker Engine API's event stream (GET /events) for lockdown watch:
 *
 *  - a line splitter (pure): bytes in any chunking -> complete lines, a
 *    line over its bound skipped up to its newline and counted;
 *  - the parser of one event line (pure, hostile input): action, container
 *    id, name, image, time;
 *  - the stream: a reader thread holding its own libcurl connection to the
 *    engine (unix socket, tcp, or tcp+TLS as docker/engine.h resolves
 *    them) that hands complete lines, and news of the connection, to the
 *    caller's thread over a socket pair: the caller polls one descriptor
 *    and reads without ever blocking. The thread reconnects with backoff
 *    (250 ms doubling to 5 s) and asks for the events since the last one
 *    the caller saw, so an engine restart loses nothing the engine kept.
 *
 * Not for what the events mean to the container table (containers.c) and
 * not for other endpoints (docker/engine.h). */
#ifndef LD_RUNTIME_ENGINE_STREAM_H
#define LD_RUNTIME_ENGINE_STREAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"

/* ---- the line splitter ---- */

#define LD_RT_ENGINE_LINE_MAX ((size_t)64 * 1024)

typedef struct {
    char *buf;
    size_t len, cap, max;
    bool skipping;    /* in a line that went over max: dropped up to its newline */
    uint64_t skipped; /* lines dropped for their length */
} ld_rt_line_splitter;

/* Receives one complete line (without its '\n'; a trailing '\r' is
 * removed; empty lines are not delivered). Nonzero stops the feed and is
 * returned by ld_rt_line_splitter_feed. */
typedef int (*ld_rt_line_fn)(const char *line, size_t len, void *ctx);

/* max: the longest line kept, in bytes (0: LD_RT_ENGINE_LINE_MAX). */
void ld_rt_line_splitter_init(ld_rt_line_splitter *s, size_t max);
/* Feeds n bytes; delivers every line they complete. Returns 0, or fn's
 * nonzero value (the rest of data is then not consumed). */
int ld_rt_line_splitter_feed(ld_rt_line_splitter *s, const char *data, size_t n, ld_rt_line_fn fn,
                             void *ctx);
/* Forgets a partial line (after the connection it came from ended). */
void ld_rt_line_splitter_reset(ld_rt_line_splitter *s);
void ld_rt_line_splitter_free(ld_rt_line_splitter *s);

/* ---- one event ---- */

typedef enum {
    LD_RT_ENGINE_EV_OTHER = 0, /* an action lockdown does not act on (create, kill, exec_*...) */
    LD_RT_ENGINE_EV_START,
    LD_RT_ENGINE_EV_DIE,
    LD_RT_ENGINE_EV_DESTROY,
    LD_RT_ENGINE_EV_RENAME,
} ld_rt_engine_action;

typedef struct {
    ld_rt_engine_action action;
    char id[65];        /* the container id: 64 lowercase hex digits */
    char name[256];     /* Actor.Attributes.name (the new name after a rename), without '/'; "" if
                           absent */
    char image[512];    /* Actor.Attributes.image; "" if absent */
    uint64_t time_nano; /* timeNano, else time * 1e9; 0 if absent */
} ld_rt_engine_event;

/* Parses one line of the stream. 0 with *out filled; LD_ERR_CORRUPT when
 * it is not a JSON object, LD_ERR_NOT_FOUND when it is not about a
 * container (Type other than "container", or no valid id): to be skipped.
 * Names and images with control characters or over their buffers are
 * left empty rather than cut. */
int ld_rt_engine_event_parse(const char *line, size_t len, ld_rt_engine_event *out, ld_error *err);

/* ---- the stream ---- */

typedef struct ld_rt_engine_stream ld_rt_engine_stream;

typedef enum {
    LD_RT_STREAM_LINE = 1, /* text: one event line */
    LD_RT_STREAM_UP,       /* the engine answered the request: events flow */
    LD_RT_STREAM_LOST,     /* text: why the connection ended or could not be made */
    LD_RT_STREAM_SKIPPED,  /* text: how many lines were over 64 KiB so far (decimal) */
} ld_rt_stream_record;

typedef int (*ld_rt_stream_fn)(ld_rt_stream_record kind, const char *text, size_t len, void *ctx);

/* Starts the reader thread for host ("unix:///path" or "tcp://host[:port]",
 * as ld_engine_endpoint gives it; TLS for tcp:// from $DOCKER_TLS_VERIFY /
 * $DOCKER_CERT_PATH as docker/engine.h) at API version api ("1.41").
 * query: the URL-escaped query string of /events (filters). since_ns: ask
 * for the events after this time (ns since the epoch; 0: only new ones),
 * so that nothing between listing the containers and the first connection
 * is missed. NULL with err when the host cannot be used or the thread
 * cannot start; an engine that does not answer is not an error (LOST
 * records follow, and retries). */
ld_rt_engine_stream *ld_rt_engine_stream_open(const char *host, const char *api, const char *query,
                                              uint64_t since_ns, ld_error *err);
/* Readable when records wait. */
int ld_rt_engine_stream_fd(const ld_rt_engine_stream *s);
/* Delivers the waiting records (at most max; 0: all) to fn without
 * blocking. Returns how many were delivered, or fn's nonzero value. */
int ld_rt_engine_stream_read(ld_rt_engine_stream *s, size_t max, ld_rt_stream_fn fn, void *ctx);
/* The time (ns since the epoch) of the last event the caller handled: a
 * reconnection asks for the events after it. */
void ld_rt_engine_stream_seen(ld_rt_engine_stream *s, uint64_t time_nano);
/* Stops the thread (at once: it is woken) and frees s. */
void ld_rt_engine_stream_close(ld_rt_engine_stream *s);

#endif
