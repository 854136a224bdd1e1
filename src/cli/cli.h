/* Shared pieces of the lockdown command line: exit codes, common options,
 * the per-command session (catalog, policy, level, output, report), and
 * error printing. Only the CLI prints; the library reports through
 * ld_error and the report. */
#ifndef LD_CLI_CLI_H
#define LD_CLI_CLI_H

#include <getopt.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "core/catalog.h"
#include "core/error.h"
#include "core/policy.h"
#include "core/evaluate.h"
#include "core/findings.h"
#include "core/report.h"
#include "util/strlist.h"

enum { LD_EXIT_OK = 0, LD_EXIT_GATE = 1, LD_EXIT_USAGE = 2, LD_EXIT_ERROR = 3 };

#define CLI_SELECT_MAX 32 /* --check / --exclude given at most this many times each */
#define CLI_SEND_MAX 8     /* --send given at most this many times */

/* Options every reporting command accepts. */
typedef struct {
    const char *format; /* NULL: table */
    const char *output; /* NULL: stdout */
    const char *level;
    const char *policy;
    const char *fail_on;
    bool allow_incomplete;
    /* --check / --exclude values as given (argv strings, comma lists) */
    const char *check[CLI_SELECT_MAX];
    size_t n_check;
    const char *exclude[CLI_SELECT_MAX];
    size_t n_exclude;
    bool quiet;
    bool help;
    /* --html FILE, --json FILE: the same report also written in that
     * format to FILE (NULL: not asked), indexed by ld_format */
    const char *also[LD_FORMAT_COUNT];
    /* --send KIND=URL (repeatable): the report also sent to these log
     * receivers after it is written (cli/send.c); --send-ca FILE: their CAs */
    const char *send[CLI_SEND_MAX];
    size_t n_send;
    const char *send_ca;
    /* the arguments cli_parse saw: the files they name are this run's
     * inputs, which -o must never replace (cli_output_open) */
    int argc;
    char **argv;
} cli_common;

/* Per-command extra option handler: return 0 if handled, -1 on a usage
 * error (after calling cli_usage_error), 1 if not an option it knows. */
typedef int (*cli_opt_handler)(int opt, const char *arg, void *ctx);

/* Parses argv with the common options plus `extra` (NULL-terminated getopt
 * table; may be NULL). Positional arguments are left in argv[*first_arg..].
 * Returns 0, or LD_EXIT_USAGE after printing the usage error. */
int cli_parse(const char *cmd, int argc, char **argv, const struct option *extra,
              const char *extra_short, cli_opt_handler handler, void *ctx, cli_common *common,
              int *first_arg);

/* Prints "lockdown CMD: message" and a hint to stderr; returns LD_EXIT_USAGE. */
int cli_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* --exit-code N: a number from 1 to 255 other than lockdown's usage (2) and
 * could-not-complete (3) codes, into *out; else a usage error naming cmd,
 * and -1 (as an on_opt callback returns). */
int cli_exit_code_option(const char *cmd, const char *arg, int *out);
/* --checks config,secrets,vuln (image scan, registry scan): the three
 * flags set from the comma list (others cleared); a usage error naming cmd
 * and -1 for an unknown word or an empty list, else 0. */
int cli_checks_option(const char *cmd, const char *arg, bool *config, bool *secrets, bool *vuln);
/* Prints "lockdown CMD: unknown subcommand "WORD"; did you mean "X"?" (or
 * the list of subcommands) and a hint; returns LD_EXIT_USAGE. subcommands
 * is NULL-terminated. */
int cli_unknown_subcommand(const char *cmd, const char *word, const char *const *subcommands);
/* One subcommand of a command that has several ("lockdown k8s scan"):
 * its word, its function (argv[0] is the subcommand) and a summary for the
 * command's usage (continuation lines indented by the caller). */
typedef struct {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
} cli_subcommand;
/* Runs the subcommand argv[1] of cmd from table (ended by a NULL name): no
 * word prints the usage on stderr (exit 2), -h/--help/help on stdout
 * (exit 0), an unknown word is cli_unknown_subcommand. The usage is
 * "Usage: lockdown CMD <subcommand> [options]", intro, the table with names
 * padded to width, and a pointer to each subcommand's --help. */
int cli_subcommand_run(const char *cmd, const char *intro, const cli_subcommand *table,
                       int width, int argc, char **argv);
/* "16M", "4096", "1G" (K/M/G are powers of 1024) into bytes; -1 if not
 * a size. */
int cli_size_arg(const char *arg, uint64_t *out);
/* A number of seconds from 0 to 1e9 (fractions allowed); -1 if not. */
int cli_seconds_arg(const char *arg, double *out);
/* Prints "lockdown: <message>" to stderr. */
void cli_error(const ld_error *err);
/* Maps an error to the exit code (always LD_EXIT_ERROR today). */
int cli_error_exit(const ld_error *err);
/* Warnings on stderr (suppressed by --quiet). */
void cli_warn(const cli_common *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Where a report goes: stdout, or -o FILE. FILE is never written in
 * place: the report goes to a temporary file in FILE's directory (unnamed,
 * O_TMPFILE, where the file system can) that cli_output_commit() renames
 * over FILE once the run has produced its report; cli_output_abort() drops
 * it, so a failed run leaves the previous report as it was. Refused at
 * open, before any work: a symbolic link at FILE (unless it leads to a
 * character device or a FIFO, such as /dev/stdout), a directory, a block
 * device, a file this user may not write, and a file that is one of the
 * run's inputs (named anywhere on the command line, or read by default:
 * same device and inode). A character device or a FIFO (/dev/null, a
 * pipe) is a stream: written in place, opened without blocking (a FIFO
 * with no reader is an error). */
typedef struct {
    FILE *f;          /* stdout, the temporary file, or the stream */
    const char *path; /* FILE as given; NULL: stdout */
    const char *cmd;
    const cli_common *opt; /* the command line, for the input check at commit */
    bool stream;           /* FILE is a character device or a FIFO */
    bool unnamed;          /* f is an O_TMPFILE, linked into the directory at commit */
    char *tmp;             /* the named temporary file, else NULL */
    char *dir;             /* FILE's directory */
    int state;             /* 0 open, 1 committed, 2 aborted */
} cli_output;

/* Opens the output for opt->output ("-" or NULL: stdout) for command cmd;
 * opt must outlive o. Returns 0, or a negative ld_errcode with err saying
 * why FILE is refused ("refusing to write the report to FILE: ..."). */
int cli_output_open(cli_output *o, const char *cmd, const cli_common *opt, ld_error *err);
/* The same for an explicit path (--html FILE): path NULL or "-" is stdout. */
int cli_output_open_path(cli_output *o, const char *cmd, const cli_common *opt, const char *path,
                         ld_error *err);
/* Flushes the report and, for -o FILE, renames it over FILE (after
 * checking FILE again). Returns 0, or a negative ld_errcode (the temporary
 * file is then removed and FILE left as it was). Committing twice is a
 * no-op. */
int cli_output_commit(cli_output *o, ld_error *err);
/* Drops the report: FILE keeps what it held. No-op after a commit. */
void cli_output_abort(cli_output *o);

/* Everything a reporting command needs, set up from the common options. */
typedef struct {
    cli_common opt;
    ld_catalog *catalog;
    ld_policy *policy;
    ld_level level;
    const char *level_source;
    ld_strlist level_reasoning;
    ld_format format;
    cli_output output; /* the report's destination (-o) */
    cli_output also[LD_FORMAT_COUNT]; /* --html FILE, --json FILE (opened when asked) */
    FILE *out;         /* output.f */
    bool out_is_file;
    bool finished;            /* cli_session_finish ran: it committed or dropped the output */
    int exit_code;            /* --exit-code N (image scan); 0: none */
    unsigned exit_severities; /* severities --exit-code counts (LD_SEV_BIT set) */
    bool color;               /* colour on stdout */
    bool progress;            /* progress messages on stderr (a TTY and not --quiet) */
} cli_session;

/* Loads catalog and policy, resolves the level (--level > policy level >
 * policy profile > medium), opens the output. Returns 0 or an exit code
 * after printing the error. */
int cli_session_open(cli_session *s, const char *cmd, const cli_common *opt);
/* A new findings set for the session's run (caller frees). */
ld_findings *cli_session_findings(const cli_session *s);
/* Evaluates fs against the session's policy and level, renders the report
 * on the session output and commits it (-o FILE is replaced only now),
 * prints notes and the gate on stderr, and returns the exit code (0 gate
 * passed, 1 gate failed, 3 on write error: FILE then keeps what it held).
 * scope is one line naming what was assessed. Frees nothing. */
int cli_session_finish(cli_session *s, const ld_findings *fs, const char *command,
                       const char *scope);
/* --send / --send-ca as given: each KIND=URL parses and the CA file is
 * readable, checked before any work. Returns 0, or an exit code after
 * printing the error (cli/send.c). */
int cli_send_check(const char *cmd, const cli_common *opt);
/* Sends the evaluated report to each --send receiver (credential from
 * $LOCKDOWN_SEND_AUTHORIZATION). Returns rc when every send succeeded,
 * else LD_EXIT_ERROR after one line on stderr per failed receiver. Called
 * by cli_session_finish once the report is committed. */
int cli_send_reports(const cli_session *s, const ld_report_options *ro, const ld_findings *fs,
                     const ld_evaluation *ev, int rc);
/* For commands that write their own output (controls, level): commits
 * it (cli_output_commit). Returns LD_EXIT_OK, or LD_EXIT_ERROR after
 * printing the error. */
int cli_session_commit(cli_session *s);
/* Frees the session. An output neither committed nor dropped is dropped,
 * unless the command wrote to it without cli_session_finish (a command
 * that writes its own output and does not call cli_session_commit): then
 * it is committed. */
void cli_session_close(cli_session *s);
/* The notes a loader kept about its inputs and the inputs it could not
 * read, as report notes (50 of each at most, then a count). */
void cli_note_inputs(ld_findings *r, const ld_strlist *notes, const ld_strlist *unread);
/* Progress line on stderr when s->progress. */
void cli_progress(const cli_session *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Help text for the common options, to include in each command's usage. */
extern const char cli_common_help[];

/* Subcommands */
int cmd_assess(int argc, char **argv);
int cmd_aws(int argc, char **argv); /* cmd_aws.c: aws scan */
int cmd_controls(int argc, char **argv);
int cmd_db(int argc, char **argv);
int cmd_docker(int argc, char **argv);
int cmd_dockerfile(int argc, char **argv);
int cmd_image(int argc, char **argv);
int cmd_level(int argc, char **argv);
int cmd_policy(int argc, char **argv);
int cmd_version(int argc, char **argv);
int cmd_watch(int argc, char **argv);
int cmd_capture(int argc, char **argv);
int cmd_report(int argc, char **argv); /* report merge: the fleet view (cmd_report.c) */

#endif
