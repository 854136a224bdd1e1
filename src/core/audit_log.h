/* lockdown's own audit trail: who ran what, on which targets, and what it
 * changed (registry prune deletions, captures, signatures written), one
 * JSON line per record with ECS names, appended to a file:
 *
 *   {"@timestamp":...,"event":{"kind":"event","category":["configuration"],
 *    "type":["start"|"end"|"deletion"|"creation"|"change"],
 *    "action":"command"|"registry.prune.delete"|"capture"|"image.sign"|...,
 *    "outcome":"success"|"failure"|"unknown","dataset":"lockdown.audit",
 *    "module":"lockdown","duration":ns (end)},
 *    "user":{"id":"0","name":"root","effective":{"id":"0","name":"root"},
 *            "audit":{"id":"1000"} (the login uid, when set)},"host":{"hostname":...},
 *    "process":{"pid":...,"executable":...,"working_directory":...,
 *               "command_line":"lockdown registry prune ... --password-stdin",
 *               "args":[...] (start record)},
 *    "lockdown":{"command":"registry prune","targets":[...],"exit_code":0,
 *                "change":{"object":...,"detail":...}, "version":...,
 *                "session":"<random id linking a command's records>"}}
 * (ids are strings, as ECS's user.id keyword; the record format is
 * documented in docs/logging.md)
 *
 * Where: --audit-log FILE (any command, anywhere on the line), else the
 * LOCKDOWN_AUDIT_LOG environment variable, else the policy's
 * `logging: { audit-log: FILE }` (hyphenated like every policy key; an
 * absolute path). The file is opened O_APPEND, created
 * 0600, a symbolic link refused; each record is one write(2) (atomic
 * for concurrent lockdown processes on a local file system). Secrets never
 * enter it: values of --password, --token and similar options become
 * "REDACTED", credentials in URLs are removed (core/argv_redact.h), and
 * a word hidden there is hidden wherever else it appears (a target, the
 * object or detail of a change).
 *
 * The trail is process-global (one per run): commands call
 * ld_audit_action for each change; main opens it and closes it with the
 * exit code. Failing to write the trail is an error the command reports
 * (exit 3) when the trail was asked for: an audit trail that silently
 * stops is worthless. */
#ifndef LD_CORE_AUDIT_LOG_H
#define LD_CORE_AUDIT_LOG_H

#include <stdbool.h>

#include "core/error.h"

/* Remembers the run's command line (borrowed: main's argv lives as long
 * as the process) and its start time; main calls it first, so that a trail
 * opened later (the policy's, from cli_session_open) still records the
 * whole command line and the whole duration. */
void ld_audit_begin(int argc, char *const *argv);
/* Opens the trail at path for this run and writes the "command" start
 * record (argv redacted; argv NULL: the command line ld_audit_begin
 * remembered). Calling it again once open is a no-op returning 0 (so the
 * policy's setting never overrides --audit-log). The file must be a
 * regular file, not a symbolic link, and not writable by every user. */
int ld_audit_open(const char *path, int argc, char *const *argv, ld_error *err);
bool ld_audit_enabled(void);
/* The trail's path, or NULL when none is open. */
const char *ld_audit_path(void);
/* Names the command for the closing record ("registry prune"; the CLI's
 * argument parser calls it); the last call wins. Until then the command is
 * the first word of the command line. */
void ld_audit_command(const char *name);
/* Adds a target of the command (an image, a registry, a container) to
 * the closing record (redacted like the command line; duplicates and
 * targets past the 64th are dropped, the count is kept). */
void ld_audit_target(const char *target);
/* One change lockdown made: action ("registry.prune.delete"), the object
 * (a reference, a container id, a bundle path), outcome (true: done),
 * and a short detail (may be NULL). event.type follows the action's last
 * word: delete -> deletion; sign, generate, create, capture, write ->
 * creation; else change. Returns 0, or LD_ERR_GENERIC with err
 * when the record could not be written. */
int ld_audit_action(const char *action, const char *object, bool ok, const char *detail,
                    ld_error *err);
/* Writes the closing record (exit code, targets, duration), flushes the
 * trail to disk and closes it. Returns LD_ERR_GENERIC with err when this
 * record or any earlier one could not be written (the run's trail is
 * incomplete: the CLI exits 3). 0 and nothing written when no trail is
 * open. */
int ld_audit_close(int exit_code, ld_error *err);

#endif
