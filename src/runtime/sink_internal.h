/* Shared by the sink files only (sink.c, sink_buf.c, sink_json.c,
 * sink_syslog.c, sink_net.c, sink_file.c): the text buffer alerts are
 * written into, the per-format writers that fill it, and the two outputs
 * that are more than a write(2) — a network/local-socket transport with a
 * bounded queue and a file that rotates. Not an interface for the rest of
 * lockdown: that is sink.h. */
#ifndef LD_RUNTIME_SINK_INTERNAL_H
#define LD_RUNTIME_SINK_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "runtime/sink.h"

/* ---- sink_buf.c: a growable text buffer for one record ------------------ */

/* Reused from record to record (no allocation once warm). Sizes are
 * bounded by the writers, which cap every field they copy from an event. */
typedef struct {
    char *p;
    size_t len, cap;
} ld_rt_sbuf;

void ld_rt_sbuf_reset(ld_rt_sbuf *b);
void ld_rt_sbuf_free(ld_rt_sbuf *b);
void ld_rt_sbuf_putn(ld_rt_sbuf *b, const char *s, size_t n);
void ld_rt_sbuf_puts(ld_rt_sbuf *b, const char *s);
void ld_rt_sbuf_putc(ld_rt_sbuf *b, char c);
void ld_rt_sbuf_printf(ld_rt_sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Hands the text over as a NUL-terminated string (caller frees); b is empty after. */
char *ld_rt_sbuf_steal(ld_rt_sbuf *b);

/* "2026-12-04T10:00:00.123456Z" for ts_ns (ns since the epoch; 0: now). */
#define LD_RT_TIMESTAMP_MAX 96
void ld_rt_format_timestamp(uint64_t ts_ns, char out[LD_RT_TIMESTAMP_MAX]);

/* How outside text is made safe for a grammar. Every character is decoded
 * as UTF-8; a byte that starts no valid character becomes U+FFFD. */
typedef enum {
    LD_RT_ESC_JSON,   /* a JSON string body: '"' '\\' and controls escaped (\n, \u001b ...) */
    LD_RT_ESC_SDPARAM /* an RFC 5424 PARAM-VALUE: '"' '\\' ']' escaped with '\\', controls
                         and direction marks shown as the text \xNN / \uNNNN (backslash escaped) */
    ,
    LD_RT_ESC_MSG /* syslog MSG / one line: controls and direction marks shown as \xNN /
                     \uNNNN, everything else kept */
} ld_rt_escape;

/* Appends s[0..n) escaped for the grammar; at most max_out output bytes
 * (0: no limit), cut at a character boundary (never inside an escape).
 * Returns true when something was left out. */
bool ld_rt_sbuf_escaped(ld_rt_sbuf *b, const char *s, size_t n, ld_rt_escape how, size_t max_out);

/* ---- sink_json.c / sink_syslog.c: one record into a buffer -------------- */

/* The ECS JSON document of an alert / of statistics, no newline. */
void ld_rt_alert_json_buf(ld_rt_sbuf *b, const ld_rt_alert *a);
void ld_rt_stats_json_buf(ld_rt_sbuf *b, const ld_rt_watch_stats *st, const char *hostname);
/* user.name of the alert's process as rules read it (fields.h: the
 * container's own passwd inside a container); "" when unknown. */
void ld_rt_alert_user_name(const ld_rt_field_ctx *ctx, char *out, size_t n);
/* The one-line text of a statistics record ("lockdown watch statistics: ..."). */
void ld_rt_stats_message(const ld_rt_watch_stats *st, char *out, size_t n);

typedef struct {
    const char *app_name; /* NULL: "lockdown" */
    int facility;         /* < 1: user (1); > 23: local7 (23) */
    bool json_in_msg;     /* the JSON document after the rule's output in MSG */
    size_t max_bytes;     /* 0: no limit; else MSG is cut (with a note) so the whole line fits */
} ld_rt_syslog_style;

/* The RFC 5424 line of an alert / of statistics, no newline. Returns true
 * when MSG had to be cut to fit style->max_bytes. */
bool ld_rt_alert_syslog_buf(ld_rt_sbuf *b, const ld_rt_alert *a, const ld_rt_syslog_style *style);
bool ld_rt_stats_syslog_buf(ld_rt_sbuf *b, const ld_rt_watch_stats *st, const char *hostname,
                            const ld_rt_syslog_style *style);
/* The note appended to a MSG that was cut. */
#define LD_RT_SYSLOG_CUT_NOTE " [truncated by lockdown]"

/* The MSGID of a rule name: printable US-ASCII, each run of other bytes
 * and spaces one '_', at most 32 characters, "-" when nothing is left. */
void ld_rt_syslog_msgid(const char *name, char out[33]);

/* ---- sink_net.c: syslog over a socket ------------------------------------ */

typedef enum { LD_RT_NET_UNIX = 1, LD_RT_NET_UDP, LD_RT_NET_TCP } ld_rt_net_kind;

typedef struct ld_rt_net ld_rt_net;

/* Where: a unix socket path (datagram, or stream when the socket is one),
 * or host and port (resolved now; a name resolves once). queue_max: records
 * kept while the peer is away (0: 1024). A TCP peer that does not answer
 * yet is not an error: it is connected later with backoff. NULL with err
 * on a name that does not resolve or an unusable local socket path. */
ld_rt_net *ld_rt_net_open(ld_rt_net_kind kind, const char *path_or_host, uint16_t port,
                          unsigned send_timeout_ms, size_t queue_max, ld_error *err);
/* Queues one message (without framing; the transport adds it) and sends
 * what it can, waiting at most send_timeout_ms. 0 when the message went out
 * or waits in the queue behind a live connection; -1 with err when the peer
 * is unreachable now or older messages had to be dropped (counted). */
int ld_rt_net_send(ld_rt_net *n, const char *msg, size_t len, ld_error *err);
/* Sends what is queued, waiting at most send_timeout_ms; then closes. */
void ld_rt_net_close(ld_rt_net *n);
uint64_t ld_rt_net_dropped(const ld_rt_net *n);
size_t ld_rt_net_queued(const ld_rt_net *n);
/* The datagram limit of UDP (RFC 5426 asks receivers for 480/2048; lockdown
 * sends up to this and cuts the MSG beyond). */
#define LD_RT_UDP_MAX 8192
/* The largest message any transport takes (a bound, not a target). */
#define LD_RT_NET_MSG_MAX (256u * 1024u)

/* ---- sink_file.c: an appended file that rotates by size ------------------ */

typedef struct ld_rt_file ld_rt_file;

/* Opens (creates 0600) path for appending: refused when it is a symbolic
 * link, not a regular file, or has other hard links. max_bytes 0: 100 MiB;
 * keep 0: 5. NULL with err. */
ld_rt_file *ld_rt_file_open(const char *path, uint64_t max_bytes, unsigned keep, ld_error *err);
/* Writes one record (one write(2)), rotating first when it would pass
 * max_bytes. A failed rotation is reported (-1 with err, counted) but the
 * record is still written to the current file when it can be. */
int ld_rt_file_write(ld_rt_file *f, const char *rec, size_t len, ld_error *err);
void ld_rt_file_close(ld_rt_file *f);
uint64_t ld_rt_file_rotate_errors(const ld_rt_file *f);

/* write(2) of all len bytes, EINTR retried; 0 or -errno. */
int ld_rt_write_all(int fd, const char *p, size_t len);

#endif
