/* Authentication auditing on the host (NIST SP 800-190 4.5.4, HOST-04:
 * logins and every escalation to root are audited). Reads the audit rules
 * in force — `auditctl -l` on this machine when it answers, else
 * ROOT/etc/audit/rules.d/ *.rules and ROOT/etc/audit/audit.rules, through
 * the parser of docker/audit_rules.h — and asks the CIS Linux Benchmark's
 * questions (rule shapes from its "Configure auditd rules" section):
 *
 *   host.audit-logins   -w ... -p wa on /var/log/lastlog, the failed-login
 *                       record (/var/run/faillock, or /var/log/faillog or
 *                       /var/log/tallylog), /var/run/utmp, /var/log/wtmp,
 *                       /var/log/btmp (/run and /var/run are the same)
 *   host.audit-sudo     -w ... -p wa on /etc/sudoers, /etc/sudoers.d and
 *                       sudo's log file when sudoers sets logfile=; and
 *                       execution (perm x) of sudo and su where installed
 *   host.audit-privilege-escalation
 *                       for arch=b64 and arch=b32, `-a always,exit -S
 *                       execve` with -C euid!=uid (either order) or
 *                       -F euid=0 (commands run as root); setuid-family
 *                       syscall rules are named in the evidence, not
 *                       required (the benchmark does not ask for them)
 *   host.auditd-running an auditd process in /proc (root "/" only: the
 *                       processes of a mounted host are not visible;
 *                       there it is not assessed)
 *
 * A missing rule fails its check and the evidence names it in the form to
 * add; no rules at all with auditd not installed fails the same way (the
 * recommendation is not met). Rules that cannot be read (a file over the
 * cap) make the rule checks not assessed. Not for: Docker's own files
 * (docker/host_checks.h, CIS Docker 1.1.x) or forwarding the audit log. */
#ifndef LD_HOST_AUTH_AUDIT_H
#define LD_HOST_AUTH_AUDIT_H

#include <stddef.h>

#include "core/error.h"
#include "core/findings.h"

#define LD_SUDOERS_MAX_BYTES ((size_t)1024 * 1024)
#define LD_SUDOERS_D_MAX_FILES 256

/* Emits host.audit-logins, host.audit-sudo, host.audit-privilege-escalation
 * and host.auditd-running into fs (all declared owed; target the host).
 * Returns 0, or LD_ERR_NOT_FOUND when host_root is not a directory, or
 * what ld_findings_add returned (err set). */
int ld_host_auth_audit_check(ld_findings *fs, const char *host_root, ld_error *err);

/* sudo's log file as sudoers text sets it (`Defaults logfile=/var/log/sudo.log`,
 * quoted or not, among other options; the last one wins; `!logfile` unsets).
 * Returns a new string (caller frees) holding an absolute path without
 * control bytes, or NULL when none is set. Pure; any input is safe. */
char *ld_sudoers_logfile(const char *text, size_t len);

#endif
