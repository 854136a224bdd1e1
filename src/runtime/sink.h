/* Where lockdown watch's alerts and statistics go: JSON lines with ECS
 * field names (stdout or a file, the file rotated by size), RFC 5424
 * syslog (a local socket, UDP or TCP), several at once.
 *
 * Output specs (--output, repeatable):
 *   -                      stdout
 *   FILE                   a file (appended; rotated at max_bytes: FILE.1 ... FILE.<keep>)
 *   unix:/dev/log          syslog over a local datagram socket (stream if it is one)
 *   udp://HOST:PORT        syslog over UDP (one message per datagram, RFC 5426)
 *   tcp://HOST:PORT        syslog over TCP (octet-counting framing, RFC 6587)
 * stdout and files are written in the --format (json, or syslog: one RFC
 * 5424 line per alert); syslog transports always carry RFC 5424 messages
 * whose MSG is the rule's output and whose structured data
 * [lockdown@32473 rule= priority= control= container.id= ...] holds the
 * fields, with the JSON document after the text when json_in_syslog.
 *
 * JSON alert (one line):
 *   {"@timestamp":"2026-12-04T10:00:00.123456Z","event":{"kind":"alert",
 *    "category":["process"],"type":["start"],"action":"execve","severity":4,
 *    "module":"lockdown","dataset":"lockdown.runtime"},
 *    "rule":{"name":...,"description":...,"ruleset":...},"message":<output>,
 *    "log":{"level":"warning"},"tags":[...],
 *    "process":{"pid","name","executable","command_line","args"?,
 *               "parent":{"pid","name","command_line"},"user":{"id","name"},"tty"},
 *    "user":{"id","name"},"file":{"path","directory","name"},
 *    "source":{"ip","port"},"destination":{"ip","port"},"network":{"transport"},
 *    "container":{"id","name","image":{"name","tag"},"runtime"},
 *    "orchestrator":{"namespace","resource":{"name","type":"pod"}},
 *    "host":{"hostname"},
 *    "lockdown":{"control","priority","evt":{"type","syscall","res"}}}
 * Statistics (periodic and at exit): event.kind "metric", dataset
 * "lockdown.watch.stats", lockdown.stats {events, emitted, dropped,
 * lost, rules_fired {name: count}, source, coverage, uptime_s}.
 *
 * A sink that fails (a full disk, a peer gone) is counted, reported once
 * on stderr by the caller, and retried (TCP reconnects with backoff);
 * alerts never block the watch loop for more than send_timeout_ms. */
#ifndef LD_RUNTIME_SINK_H
#define LD_RUNTIME_SINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "runtime/fields.h"
#include "runtime/rules.h"

typedef enum { LD_RT_FMT_JSON = 1, LD_RT_FMT_SYSLOG } ld_rt_format;

/* One alert: a rule fired on an event. */
typedef struct {
    const ld_rt_rule *rule;
    const char *message;          /* the expanded output */
    const ld_rt_field_ctx *ctx;   /* the event, its process and container */
    const char *hostname;
} ld_rt_alert;

/* Watch statistics (sink.c writes them; watch.c fills them). */
typedef struct {
    uint64_t events;   /* delivered by the source */
    uint64_t emitted;  /* alerts written */
    uint64_t dropped;  /* counted by the kernel (ring full) */
    uint64_t lost;     /* other losses (malformed record, sink failure) */
    uint64_t sink_errors;
    double uptime_s;
    const char *source;   /* "ebpf" / "proc-connector" */
    const char *coverage; /* the coverage line */
    const char *const *rule_names; /* rules that fired, with counts */
    const uint64_t *rule_counts;
    size_t n_rules;
    bool final;           /* the exit record */
} ld_rt_watch_stats;

typedef struct {
    const char *spec;        /* see above */
    ld_rt_format format;     /* for stdout and files */
    uint64_t max_bytes;      /* file rotation threshold; 0: 100 MiB */
    unsigned keep;           /* rotated files kept; 0: 5 */
    const char *app_name;    /* syslog APP-NAME; NULL: "lockdown" */
    int facility;            /* syslog facility 1..23; below 1: user (1) (kern is never a user program's) */
    unsigned send_timeout_ms; /* 0: 200 */
    /* added by the sinks helper: */
    bool json_in_syslog;     /* syslog transports: the JSON document after the text in MSG */
    size_t queue_max;        /* syslog transports: messages kept while the peer is away; 0: 1024 */
} ld_rt_sink_options;

/* What an output spec names (see the top of this file). */
typedef enum {
    LD_RT_OUT_STDOUT = 1,
    LD_RT_OUT_FILE,
    LD_RT_OUT_UNIX,
    LD_RT_OUT_UDP,
    LD_RT_OUT_TCP
} ld_rt_output_kind;

#define LD_RT_SPEC_MAX 4096
typedef struct {
    ld_rt_output_kind kind;
    char target[LD_RT_SPEC_MAX]; /* file path, socket path or host (IPv6 without brackets) */
    uint16_t port;               /* udp/tcp; 514 when the spec names none */
} ld_rt_sink_spec;

/* Parses an output spec without opening anything: 0, or LD_ERR_INVALID
 * with err saying what is wrong (and the nearest scheme for a typo such
 * as "tpc://"). A spec that is neither "-" nor a known scheme is a file;
 * "udp:..." / "tcp:..." without "//" and unknown "x://" are refused. */
int ld_rt_sink_spec_parse(const char *spec, ld_rt_sink_spec *out, ld_error *err);

typedef struct ld_rt_sink ld_rt_sink;

/* Opens a sink; a file is created 0600 (refused: a symbolic link, a
 * directory); a TCP peer that does not answer yet is retried later, not an
 * error. NULL with err on a bad spec or an unusable file. */
ld_rt_sink *ld_rt_sink_open(const ld_rt_sink_options *o, ld_error *err);
int ld_rt_sink_alert(ld_rt_sink *s, const ld_rt_alert *a, ld_error *err);
int ld_rt_sink_stats(ld_rt_sink *s, const ld_rt_watch_stats *st, ld_error *err);
/* Sends what a syslog transport still queues (waiting at most
 * send_timeout_ms), then closes. */
void ld_rt_sink_close(ld_rt_sink *s);
/* Records the sink discarded itself (a syslog queue full while the peer
 * was away); 0 for stdout and files. Added by the sinks helper. */
uint64_t ld_rt_sink_dropped(const ld_rt_sink *s);
/* "-", "file /var/log/x.json", "tcp://127.0.0.1:514": for messages. */
const char *ld_rt_sink_name(const ld_rt_sink *s);

/* The ECS JSON document of an alert / of statistics (one line, no
 * newline; caller frees). Exposed for tests and for the syslog body. */
char *ld_rt_alert_json(const ld_rt_alert *a);
char *ld_rt_stats_json(const ld_rt_watch_stats *st, const char *hostname);
/* The RFC 5424 line of an alert (no trailing newline; caller frees). */
char *ld_rt_alert_syslog(const ld_rt_alert *a, const char *app_name, int facility);

#endif
