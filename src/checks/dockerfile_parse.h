/* Dockerfile parser: turns the text of a Dockerfile into instructions and
 * build stages, following the Dockerfile reference (BuildKit dialect):
 * parser directives (`# syntax=`, `# escape=`), the escape character,
 * line continuations (comment and blank lines inside them skipped),
 * heredocs for RUN/COPY/ADD, exec (JSON) form vs shell form (a JSON parse
 * error falls back to shell form, as Docker does), ARG/ENV substitution with
 * Docker's scoping (global ARGs before the first FROM, redeclared inside a
 * stage; ENV per stage, inherited by `FROM <alias>`), multi-stage builds
 * with aliases, ONBUILD, case-insensitive keywords. Each instruction keeps
 * its start line.
 *
 * Bounded and side-effect free: input size, physical line length,
 * instruction count, heredocs, variables and substitution output are all
 * capped; hostile input gives an LD_ERR_CORRUPT / LD_ERR_LIMIT error whose
 * message starts "NAME:LINE: ". Not for judging the Dockerfile: the rules
 * are in dockerfile_rules.c. */
#ifndef LD_CHECKS_DOCKERFILE_PARSE_H
#define LD_CHECKS_DOCKERFILE_PARSE_H

#include <stdbool.h>
#include <stddef.h>

#include "core/error.h"
#include "util/strlist.h"

#define LD_DF_MAX_BYTES (1024u * 1024u)          /* whole file */
#define LD_DF_MAX_LINE (64u * 1024u)             /* one physical line */
#define LD_DF_MAX_INSTRUCTIONS 10000u            /* instructions per file */
#define LD_DF_MAX_HEREDOCS 16u                   /* heredocs per instruction */
#define LD_DF_MAX_PAIRS 1024u                    /* ENV/ARG/LABEL pairs per instruction */
#define LD_DF_MAX_VARS 4096u                     /* variables in one scope */
#define LD_DF_MAX_STAGES 256u                    /* FROM instructions */
#define LD_DF_MAX_EXPANDED (32u * 1024u * 1024u) /* bytes produced by substitution */
#define LD_DF_MAX_WORK (64u * 1024u * 1024u)     /* variable-table entries visited */
#define LD_DF_MAX_NESTING 16                     /* ${a:-${b:-...}} depth */

typedef enum {
    LD_DF_ADD,
    LD_DF_ARG,
    LD_DF_CMD,
    LD_DF_COPY,
    LD_DF_ENTRYPOINT,
    LD_DF_ENV,
    LD_DF_EXPOSE,
    LD_DF_FROM,
    LD_DF_HEALTHCHECK,
    LD_DF_LABEL,
    LD_DF_MAINTAINER,
    LD_DF_ONBUILD,
    LD_DF_RUN,
    LD_DF_SHELL,
    LD_DF_STOPSIGNAL,
    LD_DF_USER,
    LD_DF_VOLUME,
    LD_DF_WORKDIR,
} ld_df_kind;

typedef struct {
    char *name;    /* delimiter, quotes removed */
    char *content; /* body lines, each ending in "\n"; leading tabs gone for <<- */
    int line;      /* line of the first body line */
    bool chomp;    /* <<- */
    bool expand;   /* delimiter unquoted: the body is subject to expansion */
} ld_df_heredoc;

/* ENV / LABEL pair, or ARG name with optional default. */
typedef struct {
    char *key;
    char *raw;   /* value as written (quotes kept); NULL: ARG without default */
    char *value; /* after substitution and quote removal; NULL: unset */
} ld_df_pair;

typedef struct ld_df_instr ld_df_instr;
struct ld_df_instr {
    ld_df_kind kind;
    char *keyword;             /* as written: "run", "RUN" */
    int line;                  /* start line, 1-based */
    int end_line;              /* last line, heredoc bodies included */
    char *text;                /* the logical line: continuations joined, comments removed */
    char *rest;                /* arguments after the flags, trimmed */
    ld_strlist flags;          /* "--name=value" / "--name", as written */
    ld_strlist flags_expanded; /* same, values substituted (ADD/COPY/FROM) */
    bool json;                 /* exec form: args holds the JSON array elements */
    ld_strlist args;           /* exec form: elements; shell form: words after substitution
                                  (FROM, USER, EXPOSE, ADD, COPY, VOLUME, WORKDIR, STOPSIGNAL,
                                  HEALTHCHECK options), else empty */
    ld_df_heredoc *heredocs;
    size_t n_heredocs;
    ld_df_pair *pairs; /* ENV, LABEL, ARG */
    size_t n_pairs;
    ld_df_instr *sub; /* ONBUILD: the trigger instruction; HEALTHCHECK CMD: NULL */
    bool health_none; /* HEALTHCHECK NONE */
    int stage;        /* index into stages, -1 before the first FROM */
};

typedef struct {
    char *base;     /* image reference after substitution ("busybox:1", "scratch") */
    char *alias;    /* `AS name`, lower-cased; NULL if none */
    char *platform; /* --platform value after substitution; NULL if none */
    int parent;     /* index of the stage `base` names, -1 for an image */
    int line;
    size_t first; /* index of the FROM instruction */
    size_t end;   /* one past the stage's last instruction */
} ld_df_stage;

typedef struct {
    char *name;   /* for messages: the path as given */
    char escape;  /* '\\' or '`' */
    char *syntax; /* `# syntax=` value, NULL if none */
    ld_df_instr *ins;
    size_t n;
    ld_df_stage *stages;
    size_t n_stages;
    ld_strlist global_args; /* names of ARGs declared before the first FROM */
    ld_strlist warnings;    /* "LINE: ..." e.g. empty continuation lines */
} ld_dockerfile;

/* Parses buf[0..len) (need not be NUL-terminated) named `name` in messages.
 * Returns a new Dockerfile (caller frees with ld_dockerfile_free) or NULL
 * with err set ("NAME:LINE: what"). */
ld_dockerfile *ld_dockerfile_parse(const char *name, const char *buf, size_t len, ld_error *err);
/* Reads fd to the end (at most LD_DF_MAX_BYTES) and parses it. The fd is
 * not closed. NULL with err set on read error, oversize or parse error. */
ld_dockerfile *ld_dockerfile_read_fd(int fd, const char *name, ld_error *err);
/* Opens path (O_CLOEXEC) and ld_dockerfile_read_fd()s it. */
ld_dockerfile *ld_dockerfile_load(const char *path, ld_error *err);
void ld_dockerfile_free(ld_dockerfile *df);

/* Canonical upper-case keyword of a kind ("RUN"). */
const char *ld_df_kind_name(ld_df_kind k);
/* The stage the last build target is: the final stage, or NULL if none. */
const ld_df_stage *ld_dockerfile_final_stage(const ld_dockerfile *df);

/* Docker-style substitution of one word (quotes removed, escapes applied)
 * with lookup(name) giving a variable's value (NULL: unset). Exposed for
 * tests. Returns a new string, or NULL with err set (bad substitution,
 * limit). */
typedef const char *(*ld_df_lookup_fn)(const char *name, void *ctx);
char *ld_df_expand_word(const char *word, char escape, ld_df_lookup_fn lookup, void *ctx,
                        ld_error *err);

#endif
