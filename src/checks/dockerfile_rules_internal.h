/* What the Dockerfile lint rules' files share: the rule indexes, the lint
 * state and how a rule records a failure (dockerfile_rules.c, the driver),
 * the simple commands the shell tokenizer makes of a RUN script
 * (dockerfile_shell.c), where a command stands, and the entry point of each
 * rule family (dockerfile_run.c, dockerfile_packages.c,
 * dockerfile_sources.c, dockerfile_privilege.c, dockerfile_secrets.c,
 * dockerfile_stages.c). Private to src/checks/dockerfile_*.c: not an API. */
#ifndef LD_CHECKS_DOCKERFILE_RULES_INTERNAL_H
#define LD_CHECKS_DOCKERFILE_RULES_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "checks/dockerfile_parse.h"
#include "checks/dockerfile_rules.h"
#include "checks/dockerfile_text.h"
#include "checks/secrets.h"
#include "util/strlist.h"

#define CMDS_MAX 20000 /* simple commands per script */

/* Index of each rule in the table of dockerfile_rules.c (same order). */
enum {
    R_USER,
    R_SUDO,
    R_ADD,
    R_REMOTE_ADD,
    R_PIPE,
    R_UNVERIFIED,
    R_PINNING,
    R_RECOMMENDS,
    R_SECRETS,
    R_LATEST,
    R_TRUSTED,
    R_HEALTH,
    R_CHMOD,
    R_PORT,
    R_UPDATE,
    R_COUNT, /* the number of rules */
};

/* ---- the lint state and failures (dockerfile_rules.c) ---- */

/* A failure of the instruction under examination, waiting for df_flush:
 * one per (rule, line), with details joined. */
typedef struct {
    int rule;
    int line;
    df_sbuf detail;
    char *context; /* heredoc line text, or NULL */
} df_pending;

/* Lint state for one file. Failures are collected per instruction, then
 * flushed into results. */
typedef struct {
    const ld_dockerfile *df;
    ld_df_results *out;
    const ld_df_instr *in;  /* the instruction under examination (ONBUILD: the trigger) */
    const ld_df_instr *top; /* the instruction in the file */
    df_pending *pend;
    size_t n_pend, cap_pend;
    size_t fails[R_COUNT];
    const ld_secret_ruleset *secret_rules; /* built-in; NULL: they did not compile */
    size_t secrets_incomplete;             /* texts the rules could not finish searching */
    /* per RUN */
    bool saw_update, saw_install;
    int update_line;
    size_t cmds; /* simple commands seen in this RUN, capped */
} df_lint;

/* Records a failure of rule on line (context: the heredoc line it is on, or
 * NULL), collected per instruction: one per (rule, line), details (fmt;
 * NULL: none) joined with "; ". Made results by df_flush. */
void df_fail_at(df_lint *L, int rule, int line, const char *context, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
/* df_fail_at on the line of the instruction in the file (L->top). */
void df_fail(df_lint *L, int rule, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Turns the failures recorded for the current instruction (L->top, L->in)
 * into results, with its text, secrets masked, as evidence. */
void df_flush(df_lint *L);

/* ---- shell commands (dockerfile_shell.c) ---- */

/* A simple command of a script, and the pipeline it is part of. */
typedef struct {
    ld_strlist w; /* words, quotes removed */
    size_t start; /* offset of the command in the script */
    int pipeline; /* commands joined by | share it */
    int line;     /* Dockerfile line of the command (set by dockerfile_run.c) */
    int pos;      /* index within the pipeline */
} df_shcmd;

typedef struct {
    df_shcmd *v;
    size_t n, cap;
} df_shcmds;

void df_shcmds_clear(df_shcmds *c);
/* Splits a shell script into simple commands: words with quotes removed,
 * $(...)/`...`/<(...) kept whole inside their word, redirections and their
 * targets dropped, `|` joining commands into one pipeline and ; & && || and
 * newlines ending it. Appends to out (caller clears); at most CMDS_MAX. */
void df_shell_split(const char *s, df_shcmds *out);
/* Index of the command word after assignments and wrappers (sudo, env,
 * nohup, ...); *sudo set when sudo wraps it. Returns w->n if none. */
size_t df_command_index(const ld_strlist *w, bool *sudo);
/* A shell or script interpreter (sh, bash, python, node, ...). */
bool df_is_shell(const char *name);
/* A POSIX-style shell that takes `-c SCRIPT` (sh, bash, dash, zsh, ash, ksh). */
bool df_is_posix_shell(const char *name);
/* Whether a word of w from index from on is word / contains needle. */
bool df_has_word(const ld_strlist *w, size_t from, const char *word);
bool df_word_contains(const ld_strlist *w, size_t from, const char *needle);
/* The last path component of a command word ("/usr/bin/curl": "curl"). */
const char *df_base_name(const char *w);

/* Where a command of a RUN stands, for the rules that judge it. */
typedef struct {
    df_lint *L;
    int line;            /* line of the command */
    const char *context; /* heredoc line text, or NULL */
    const char *script;  /* heredoc body the command is in, or NULL */
    int base;            /* line of the script's first line */
} df_cmd_at;

/* ---- the rule families ---- */

/* dockerfile_run.c: a RUN instruction's scripts, command by command. */
void df_check_run(df_lint *L, const ld_df_instr *in);

/* dockerfile_packages.c: package-manager commands (apt, apk, yum/dnf, npm,
 * pip) for command word ci of w; other commands are left alone. */
void df_check_packages(df_cmd_at *a, const ld_strlist *w, size_t ci);

/* dockerfile_sources.c: ADD/COPY sources and --chmod, and the remote
 * fetches of RUN command k of all (command word ci). */
void df_check_add_copy(df_lint *L, const ld_df_instr *in);
void df_check_fetch(df_lint *L, const df_shcmds *all, size_t k, const df_cmd_at *a, size_t ci);

/* dockerfile_privilege.c: the final stage's USER, world-writable modes,
 * exposed remote-shell and engine ports. */
void df_check_final_user(df_lint *L);
/* True if mode (octal or symbolic) makes files writable by others. */
bool df_world_writable_mode(const char *m);
void df_check_chmod(df_cmd_at *a, const ld_strlist *w, size_t ci);
void df_check_expose(df_lint *L, const ld_df_instr *in);

/* dockerfile_secrets.c: secrets in an instruction and its heredoc bodies. */
void df_check_secrets(df_lint *L, const ld_df_instr *in);

/* dockerfile_stages.c: each FROM's image reference, and the final stage's
 * HEALTHCHECK. */
void df_check_stages(df_lint *L, const ld_strlist *trusted);
void df_check_final_healthcheck(df_lint *L);
/* The stage chain of the final stage: USER and HEALTHCHECK persist through
 * FROM <alias>. Returns the instruction (or NULL) of the last kind found. */
const ld_df_instr *df_last_in_chain(const ld_dockerfile *df, ld_df_kind kind);
/* Makes the final stage's last instruction of kind (df_last_in_chain) the
 * one under examination and returns it; if there is none, the final
 * stage's FROM is examined and NULL returned. */
const ld_df_instr *df_examine_final(df_lint *L, ld_df_kind kind);

#endif
