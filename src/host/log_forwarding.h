/* host.log-forwarding (NIST SP 800-190 4.4.4, CTR-01: logs collected off
 * the host): do the host's logs leave it? Reads, under a root directory
 * ("/" or a mounted copy of a host), the configuration where it lives:
 *
 *   journald        /etc/systemd/journald.conf (else the first of /run,
 *                   /usr/local/lib, /usr/lib) and the journald.conf.d
 *                   drop-ins of those four directories: ForwardToSyslog=
 *                   (unset: the default the main file documents as
 *                   "#ForwardToSyslog=...", else systemd's "no")
 *   journal-upload  /etc/systemd/journal-upload.conf + drop-ins: URL=,
 *                   the binary, and the unit enabled in a *.wants directory
 *   rsyslog         /etc/rsyslog.conf and what it includes: forwarding
 *                   actions (@, @@, :omrelp:, omfwd, omrelp, omelasticsearch,
 *                   omhttp, omkafka), imjournal / imuxsock
 *   syslog-ng       /etc/syslog-ng/syslog-ng.conf and its @include files:
 *                   network(), syslog(), tcp(), udp() destinations that a
 *                   log path uses; system() / systemd-journal() sources
 *
 * Pass: a remote destination (not loopback) of a daemon that is installed
 * (its binary is there) and, on a systemd host, receives the journal
 * (rsyslog: imjournal, or imuxsock with ForwardToSyslog=yes; syslog-ng:
 * system()/systemd-journal(), or journald's syslog socket with
 * ForwardToSyslog=yes); journal-upload with a remote URL, installed and
 * enabled. Needs review (warn): only loopback destinations (a local relay
 * whose own destination lockdown cannot see). Fail: logs stay local.
 * Error (not assessed): a configuration file exists but cannot be read or
 * parsed, and nothing else already passes. Not applicable: none of
 * journald, rsyslog, syslog-ng is on the host. Evidence names each
 * destination and setting with FILE:LINE. */
#ifndef LD_HOST_LOG_FORWARDING_H
#define LD_HOST_LOG_FORWARDING_H

#include "core/error.h"
#include "core/findings.h"

#define LD_LOGFWD_FILES_MAX 256 /* configuration files read per daemon (includes) */
#define LD_LOGFWD_INCLUDE_DEPTH 8

/* Emits host.log-forwarding into fs (declared owed, or not applicable).
 * Target: the host (ld_host_name(host_root)); location: the file of the
 * first destination, else the main configuration file. Returns 0, or
 * LD_ERR_NOT_FOUND when host_root is not a directory, or what
 * ld_findings_add returned (err set). */
int ld_host_log_forwarding_check(ld_findings *fs, const char *host_root, ld_error *err);

#endif
