/* Readers of the log daemons' configuration text, for host.log-forwarding
 * (log_forwarding.c): rsyslog (legacy selector lines, $ directives and
 * RainerScript), syslog-ng, and the systemd INI files of journald and
 * systemd-journal-upload. Each reads one file's text and finds only what
 * the check needs: where logs are sent (with the line that says so),
 * which files are included, and whether the daemon reads the journal.
 * The text is hostile input: sizes, tokens and nesting are bounded, and a
 * structural error (an unterminated string, an unclosed parenthesis) is
 * an error naming the line. Not a validator of these languages: what the
 * check does not need is skipped. */
#ifndef LD_HOST_LOGCONF_H
#define LD_HOST_LOGCONF_H

#include <stdbool.h>
#include <stddef.h>

#include "core/error.h"
#include "util/strlist.h"

#define LD_LOGCONF_MAX_BYTES ((size_t)1 << 20) /* one configuration file */
#define LD_LOGCONF_MAX_TOKENS 200000           /* tokens of one file */
#define LD_LOGCONF_MAX_DEPTH 32                /* nested (), {} */
#define LD_LOGCONF_MAX_DESTS 1024              /* destinations kept per file */

/* A place a daemon sends log messages to. */
typedef struct {
    char *target; /* "logs.example.com:514", "[2001:db8::1]:6514", a URL, as written */
    char *how;    /* "@@ (TCP)", "omfwd tcp", "omrelp", "network() tls", ... */
    char *name;   /* syslog-ng: the destination block's name; NULL: inline in a log path */
    int line;
    bool loopback; /* the host is 127.0.0.0/8, ::1 or localhost: a local relay */
} ld_logconf_dest;

typedef struct {
    ld_logconf_dest *dests;
    size_t n_dests, cap_dests;
    ld_strlist includes;      /* include patterns as written (paths, globs) */
    ld_strlist used;          /* syslog-ng: destination names a log path uses */
    bool reads_journal;       /* rsyslog imjournal; syslog-ng's system or systemd-journal source */
    bool reads_syslog_socket; /* rsyslog imuxsock; syslog-ng unix-dgram of journald's socket */
    int journal_line;         /* where the journal input was seen (0: not) */
    size_t dropped_dests;     /* destinations past LD_LOGCONF_MAX_DESTS */
} ld_logconf;

void ld_logconf_clear(ld_logconf *c);

/* Reads rsyslog.conf text (name: for messages) into out (appended):
 * legacy forwarding actions (`*.* @host`, `@@host:port`, `@(o)host`,
 * `:omrelp:host:port`, also after `&` and `then`), RainerScript
 * action(type="omfwd"|"omrelp" target=...) and the HTTP/Kafka outputs
 * (omelasticsearch, omhttp: server=; omkafka: broker=), includes
 * ($IncludeConfig, include(file=)), and the inputs imjournal / imuxsock
 * ($ModLoad, module(load=), input(type=)). Returns 0, or LD_ERR_CORRUPT /
 * LD_ERR_LIMIT with err ("NAME:LINE: ...").
 * Not followed: rulesets a destination sits in (counted wherever it is). */
int ld_logconf_rsyslog(const char *name, const char *buf, size_t len, ld_logconf *out,
                       ld_error *err);

/* Reads syslog-ng.conf text into out: the network(), syslog(), tcp(),
 * udp(), tcp6() and udp6() drivers of each `destination NAME { }` (name
 * set) and of destinations written inline in a log path (name NULL), the
 * names `destination(NAME)` in log paths (nested log, junction and
 * channel blocks included) into used, @include files, and the sources
 * system() / systemd-journal() (reads_journal) and unix-dgram of
 * /run/systemd/journal/syslog (reads_syslog_socket). Returns as above. */
int ld_logconf_syslogng(const char *name, const char *buf, size_t len, ld_logconf *out,
                        ld_error *err);

/* One setting of a systemd INI file (journald.conf, journal-upload.conf). */
typedef struct {
    bool set;        /* assigned (an empty assignment resets it: set false) */
    char *value;     /* the last value assigned */
    int line;        /* its line */
    char *commented; /* "#Key=value" in the section: the default the file documents */
    int commented_line;
} ld_ini_value;

/* The last assignment of key in [section] (names compared exactly, as
 * systemd does) into out (earlier contents replaced when the file sets
 * the key, so drop-ins are applied by calling it in order). Comments start
 * with '#' or ';'; a trailing backslash continues a line. Returns 0, or
 * LD_ERR_LIMIT / LD_ERR_CORRUPT with err (a NUL byte, a line too long). */
int ld_logconf_ini_get(const char *name, const char *buf, size_t len, const char *section,
                       const char *key, ld_ini_value *out, ld_error *err);
void ld_ini_value_clear(ld_ini_value *v);

/* systemd's boolean: 1 yes/true/on/y/t/1, 0 no/false/off/n/f/0, -1 neither. */
int ld_logconf_bool(const char *s);

/* Is host (a name or an address, "[...]" brackets allowed, no port) the
 * loopback: localhost, *.localhost, 127.0.0.0/8, ::1? */
bool ld_logconf_loopback(const char *host);

/* The host part of a URL ("https://h:19532/x" -> "h"); caller frees; NULL
 * when there is none. */
char *ld_logconf_url_host(const char *url);

#endif
