/* Shared pieces of the lockdown command line: exit codes, common options,
 * the per-command session (catalog, policy, level, output, report), and
 * error printing. Only the CLI prints; the library reports through
 * ld_error and the report. */
#ifndef LD_CLI_CLI_H
#define LD_CLI_CLI_H

#include <getopt.h>
#include <stdbool.h>
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
/* Prints "lockdown CMD: unknown subcommand "WORD"; did you mean "X"?" (or
 * the list of subcommands) and a hint; returns LD_EXIT_USAGE. subcommands
 * is NULL-terminated. */
int cli_unknown_subcommand(const char *cmd, const char *word, const char *const *subcommands);
/* Prints "lockdown: <message>" to stderr. */
void cli_error(const ld_error *err);
/* Maps an error to the exit code (always LD_EXIT_ERROR today). */
int cli_error_exit(const ld_error *err);
/* Warnings on stderr (suppressed by --quiet). */
void cli_warn(const cli_common *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Everything a reporting command needs, set up from the common options. */
typedef struct {
    cli_common opt;
    ld_catalog *catalog;
    ld_policy *policy;
    ld_level level;
    const char *level_source;
    ld_strlist level_reasoning;
    ld_format format;
    FILE *out;
    bool out_is_file;
    int exit_code;           /* --exit-code N (image scan); 0: none */
    unsigned exit_severities; /* severities --exit-code counts (LD_SEV_BIT set) */
    bool color;    /* colour on stdout */
    bool progress; /* progress messages on stderr (a TTY and not --quiet) */
} cli_session;

/* Loads catalog and policy, resolves the level (--level > policy level >
 * policy profile > medium), opens the output. Returns 0 or an exit code
 * after printing the error. */
int cli_session_open(cli_session *s, const char *cmd, const cli_common *opt);
/* A new findings set for the session's run (caller frees). */
ld_findings *cli_session_findings(const cli_session *s);
/* Evaluates fs against the session's policy and level, renders the report
 * on the session output, prints notes and the gate on stderr, and returns
 * the exit code (0 gate passed, 1 gate failed, 3 on write error). scope is
 * one line naming what was assessed. Frees nothing. */
int cli_session_finish(cli_session *s, const ld_findings *fs, const char *command,
                       const char *scope);
void cli_session_close(cli_session *s);
/* Progress line on stderr when s->progress. */
void cli_progress(const cli_session *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Help text for the common options, to include in each command's usage. */
extern const char cli_common_help[];

/* Subcommands */
int cmd_assess(int argc, char **argv);
int cmd_controls(int argc, char **argv);
int cmd_db(int argc, char **argv);
int cmd_docker(int argc, char **argv);
int cmd_dockerfile(int argc, char **argv);
int cmd_image(int argc, char **argv);
int cmd_level(int argc, char **argv);
int cmd_policy(int argc, char **argv);
int cmd_version(int argc, char **argv);

#endif
