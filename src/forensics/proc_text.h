/* The small /proc text formats the capture reads to describe a process
 * and to find a container's processes: stat, status, cmdline, cgroup,
 * fdinfo, pid lists (cgroup.procs, task/TID/children) and link texts
 * (exe " (deleted)", "socket:[N]"). Pure functions over a buffer that need
 * not be NUL-terminated: bounded, no allocation except the argv split, no
 * file access (proc_collect.c and proc_pids.c do the reading; the fuzzer
 * fuzz_proc_status_fx feeds them anything).
 *
 * Everything here is hostile text: a process names itself (comm may hold
 * ')' ' ' and newlines), writes its own command line and environment, and
 * a fake tree in a test can hold anything at all. Not the parsers of
 * lockdown watch (runtime/proc_read.h), which read fewer fields into
 * fixed buffers. */
#ifndef LD_FORENSICS_PROC_TEXT_H
#define LD_FORENSICS_PROC_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* The largest pid Linux hands out (PID_MAX_LIMIT on 64-bit). */
#define LD_FX_PID_LIMIT 4194304

/* /proc/PID/stat: comm is between the first '(' and the LAST ')' (comm
 * may hold both, spaces and newlines), the fields after it are counted
 * from 3 (state). */
typedef struct {
    char comm[17];        /* at most 16 bytes (the kernel's TASK_COMM_LEN - 1 is 15) */
    char state;           /* field 3 */
    int64_t ppid;         /* field 4 */
    uint64_t start_ticks; /* field 22, clock ticks after boot */
} ld_fx_stat_fields;
/* 0, or -1 when the text is not a stat line (no "(...)", fewer than 22
 * fields, a field that is not a number where one must be). */
int ld_fx_parse_stat(const char *buf, size_t len, ld_fx_stat_fields *out);

/* /proc/PID/status: the lines the index needs. */
enum {
    LD_FX_ST_STATE = 1u << 0,
    LD_FX_ST_PPID = 1u << 1,
    LD_FX_ST_UID = 1u << 2, /* uid and euid */
    LD_FX_ST_GID = 1u << 3,
    LD_FX_ST_THREADS = 1u << 4,
    LD_FX_ST_NSPID = 1u << 5,
};
typedef struct {
    unsigned got; /* LD_FX_ST_* read */
    char state;   /* "State:\tS (sleeping)" -> 'S' */
    int64_t ppid;
    uint32_t uid, euid, gid;
    unsigned threads;
    int64_t nspid; /* the LAST number of "NSpid:" (the innermost namespace) */
} ld_fx_status_fields;
/* Fills out (zeroed first) from the lines found; a malformed line is
 * ignored (its bit stays clear). A repeated line: the first one counts. */
void ld_fx_parse_status(const char *buf, size_t len, ld_fx_status_fields *out);

/* /proc/PID/cmdline split at NUL: a NULL-terminated array of at most
 * max_args strings (each a copy; a last argument without its NUL is
 * kept; the trailing NUL does not make an empty argument). *cut when
 * arguments were dropped at max_args. Caller frees each string and the
 * array (ld_fx_argv_free). Empty input: argc 0, argv {NULL}. */
char **ld_fx_split_cmdline(const char *buf, size_t len, size_t max_args, size_t *argc, bool *cut);
void ld_fx_argv_free(char **argv);

/* A span of the parsed buffer (not NUL-terminated; p NULL: absent). */
typedef struct {
    const char *p;
    size_t n;
} ld_fx_span;

/* v1 controllers whose cgroup.procs list a container's processes, in the
 * order they are tried. */
enum { LD_FX_CG_PIDS, LD_FX_CG_MEMORY, LD_FX_CG_FREEZER, LD_FX_CG_CPU, LD_FX_CG_V1_N };
const char *ld_fx_cg_v1_name(unsigned i); /* "pids", "memory", "freezer", "cpu" */

/* /proc/PID/cgroup ("ID:CONTROLLERS:PATH" lines). */
typedef struct {
    ld_fx_span v2; /* the "0::" line's path */
    /* per LD_FX_CG_*: the hierarchy's controller list as the file names it
     * ("cpu,cpuacct": the directory of that hierarchy under the cgroup
     * mount) and the path in it */
    ld_fx_span v1_dir[LD_FX_CG_V1_N];
    ld_fx_span v1_path[LD_FX_CG_V1_N];
} ld_fx_cgroup_paths;
/* Fills out (zeroed first); a line that is not ID:LIST:PATH is skipped,
 * the first line naming a controller counts. Returns the number of
 * malformed lines. */
size_t ld_fx_parse_cgroup(const char *buf, size_t len, ld_fx_cgroup_paths *out);

/* /proc/PID/fdinfo/N: "pos:", "flags:" (octal text, kept as text of at
 * most 23 digits) and "mnt_id:". */
enum { LD_FX_FI_POS = 1u << 0, LD_FX_FI_FLAGS = 1u << 1, LD_FX_FI_MNT = 1u << 2 };
typedef struct {
    unsigned got;
    uint64_t pos;
    char flags[24];
    uint64_t mnt_id;
} ld_fx_fdinfo;
void ld_fx_parse_fdinfo(const char *buf, size_t len, ld_fx_fdinfo *out);

/* Whitespace-separated pids (cgroup.procs, task/TID/children) appended
 * to *items (grown; at most max in all). A token that is not a decimal
 * in 1..LD_FX_PID_LIMIT is skipped and counted in *malformed. Returns 0,
 * or -1 when max was reached with more to come (what fit is kept). */
int ld_fx_parse_pid_list(const char *buf, size_t len, pid_t **items, size_t *n, size_t *cap,
                         size_t max, size_t *malformed);

/* A link text of /proc/PID/exe (or a map path) that ends in " (deleted)". */
bool ld_fx_link_deleted(const char *link, size_t n);
/* "socket:[N]" exactly (N decimal, no sign, fits in 64 bits). */
bool ld_fx_link_socket_inode(const char *link, size_t n, uint64_t *inode);
/* A whole directory entry name that is a decimal in 0..max (no sign, no
 * leading zero but "0" itself, no other byte): a pid of /proc, a tid of
 * task/, an fd of fd/. */
bool ld_fx_parse_dec_name(const char *s, size_t n, int64_t max, int64_t *out);

#endif
