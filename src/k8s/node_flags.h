/* The command line of a Kubernetes node component, as the component itself
 * would read it: argv from /proc/PID/cmdline, from a static pod's
 * command/args, or from a systemd unit's ExecStart= after systemd has
 * expanded Environment= / EnvironmentFile= variables (kubeadm's
 * 10-kubeadm.conf and kubeadm-flags.env). Flags follow spf13/pflag (and
 * Go's flag package for etcd): --name=value, --name value, -name value,
 * a bool flag alone meaning true, the last of a repeated scalar flag
 * winning, repeated list flags (--enable-admission-plugins) appending,
 * repeated map flags (--feature-gates) merging, "--" ending the flags.
 *
 * Pure and bounded: no file is opened here (node.c reads the files under
 * the host root); every input size and count is capped, and going past a
 * cap is an error, never a silent truncation. Not for judging values
 * (node_checks.c) or for the kubelet's config file (read as a Kubernetes
 * object through k8s/manifest.h). */
#ifndef LD_K8S_NODE_FLAGS_H
#define LD_K8S_NODE_FLAGS_H

#include <stdbool.h>
#include <stddef.h>

#include "core/error.h"
#include "util/strlist.h"

#define LD_NODE_CMDLINE_MAX ((size_t)256 * 1024) /* bytes of one command line */
#define LD_NODE_ARGS_MAX 4096                    /* arguments of one command line */
#define LD_NODE_UNIT_MAX ((size_t)256 * 1024)    /* bytes of one unit or environment file */
#define LD_NODE_ENV_MAX 1024                     /* variables one unit may define */

/* One flag as given. */
typedef struct {
    char *name;  /* without the dashes: "anonymous-auth" */
    char *value; /* as given; "true" for a bool flag given alone */
    bool bare;   /* given without a value (--profiling) */
    int arg;     /* its position in argv (1-based: argv[0] is the program) */
    int line;    /* line in the file it came from (static pod manifest), 0 if none */
} ld_node_flag;

typedef struct {
    ld_node_flag *v;
    size_t n, cap;
} ld_node_flags;

/* Splits a /proc/PID/cmdline image (NUL-separated, len bytes, a last NUL
 * optional) into argv (appended to *argv). Returns 0, or LD_ERR_LIMIT past
 * LD_NODE_CMDLINE_MAX bytes or LD_NODE_ARGS_MAX arguments. */
int ld_node_cmdline_split(const char *buf, size_t len, ld_strlist *argv, ld_error *err);

/* Parses argv[first..n) as flags into f (appended). bool_flags is a
 * NULL-terminated list of names that never take the next argument as
 * their value (pflag bools: "--profiling false" is --profiling=true and a
 * stray "false"); any other flag without "=" takes the next argument
 * unless that one looks like a flag itself ("-x..."). lines (may be NULL)
 * holds each argument's source line. Arguments that are not flags
 * (positional words) are skipped. Never fails. */
void ld_node_flags_parse(ld_node_flags *f, char *const *argv, size_t n, size_t first,
                         const int *lines, const char *const *bool_flags);
void ld_node_flags_clear(ld_node_flags *f);

/* The last occurrence of flag name (as pflag keeps it), or NULL. */
const ld_node_flag *ld_node_flag_get(const ld_node_flags *f, const char *name);
/* Every value given to the list flag name, comma-split and trimmed, in
 * order, appended to out (empty items dropped). Returns the number of
 * occurrences of the flag (0: not given). */
size_t ld_node_flag_list(const ld_node_flags *f, const char *name, ld_strlist *out);
/* The value of key in the map flag name ("RotateKubeletServerCertificate"
 * in --feature-gates=A=true,B=false), later occurrences overriding
 * earlier ones. Returns the flag occurrence that set it (its value is the
 * whole list) and *value (a new string, caller frees), or NULL. */
const ld_node_flag *ld_node_flag_map_get(const ld_node_flags *f, const char *name, const char *key,
                                         char **value);

/* Go's strconv.ParseBool: 1 t T TRUE true True / 0 f F FALSE false False.
 * Returns false when s is not one of them (*out untouched). */
bool ld_node_parse_go_bool(const char *s, bool *out);
/* A non-negative decimal integer (no sign, no spaces) into *out. */
bool ld_node_parse_uint(const char *s, long long *out);

/* ---- systemd units ---------------------------------------------------------- */

/* What systemd would run for one service after its unit file and its
 * drop-ins: the last ExecStart= (an empty assignment resets it), and the
 * environment (Environment= assignments; EnvironmentFile= files, which
 * override Environment= as systemd says, are listed for the caller to read
 * and feed to ld_node_unit_env_file). */
typedef struct {
    char *exec_start;      /* the raw command line, prefixes (@-:+!) removed; NULL if none */
    char *exec_start_file; /* the file that set it */
    int exec_start_line;   /* its line there */
    ld_strlist env;        /* NAME=VALUE from Environment=, in order (later wins) */
    ld_strlist env_files;  /* EnvironmentFile= paths; "-PATH" when a missing file is ignored */
    ld_strlist file_env;   /* NAME=VALUE from the environment files, in order (later wins) */
    ld_strlist problems;   /* lines it could not use, each "FILE:LINE: why" */
} ld_node_unit;

/* Adds one unit file or drop-in (text, len bytes; name for messages),
 * in systemd's order (the unit, then drop-ins by file name). Only the
 * [Service] section's ExecStart=, Environment= and EnvironmentFile= are
 * read; backslash-continued lines are joined, comments skipped. Returns
 * 0, or LD_ERR_LIMIT past LD_NODE_UNIT_MAX bytes or LD_NODE_ENV_MAX
 * variables. */
int ld_node_unit_add(ld_node_unit *u, const char *name, const char *text, size_t len,
                     ld_error *err);
/* Adds an environment file's KEY=VALUE lines (quotes removed, comments
 * skipped) to u->file_env. Same limits. */
int ld_node_unit_env_file(ld_node_unit *u, const char *name, const char *text, size_t len,
                          ld_error *err);
void ld_node_unit_clear(ld_node_unit *u);

/* The value of variable name in u's environment (environment files over
 * Environment=, the last assignment winning), or NULL. Borrowed. */
const char *ld_node_unit_getenv(const ld_node_unit *u, const char *name);

/* Expands u->exec_start as systemd would into argv (appended): words split
 * at whitespace with "double" and 'single' quotes and backslash escapes;
 * "$NAME" as a word of its own is replaced by the variable's value split
 * into words (none when unset or empty); "${NAME}" anywhere in a word by
 * its value as is. Returns 0, LD_ERR_NOT_FOUND when the unit has no
 * ExecStart=, LD_ERR_CORRUPT for an unterminated quote, LD_ERR_LIMIT past
 * LD_NODE_ARGS_MAX words or LD_NODE_CMDLINE_MAX bytes. */
int ld_node_unit_expand(const ld_node_unit *u, ld_strlist *argv, ld_error *err);

#endif
