/* Reading one process's facts from /proc/PID for lockdown watch (the proc
 * connector source and the process table): comm, parent and tty from
 * stat, uids and gid from status, the command line, the executable (by
 * readlink of exe), the cgroups (v2 id and the v1 memory controller's id,
 * as inode numbers of their directories), the login uid.
 *
 * Everything under /proc/PID is the process's own doing or the kernel's
 * view of it, and treated as hostile: every read is bounded (a small
 * fixed buffer per file, no allocation), files are opened beneath the
 * /proc directory without following any symbolic link (openat2
 * RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS, else O_NOFOLLOW), exe is read
 * with readlink and never followed, and a cgroup path is looked up beneath
 * the cgroup mount only when none of its components is "..". The parsers
 * are pure functions over a buffer (fuzzed by fuzz_proc_status).
 *
 * Not for the container a cgroup belongs to (containers.h) and not for a
 * whole-system scan (docker/proc_facts.h). */
#ifndef LD_RUNTIME_PROC_READ_H
#define LD_RUNTIME_PROC_READ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "runtime/process_table.h"

/* Open directories a reader works beneath. */
typedef struct {
    int proc_fd;     /* the /proc directory (O_PATH) */
    int cgroup2_fd;  /* the cgroup v2 hierarchy's root; -1: none */
    int memory_fd;   /* the v1 memory controller's hierarchy; -1: none */
    bool no_openat2; /* the kernel has no openat2: O_NOFOLLOW on the last component only */
    /* the last cgroup directory looked up (processes of a storm share one) */
    char last_cg2[256], last_mem[256];
    uint64_t last_cg2_ino, last_mem_ino;
    uint64_t last_cg2_ms, last_mem_ms;
} ld_rt_proc_reader;

/* Opens proc_root ("/proc") and, under cgroup_root ("/sys/fs/cgroup"; NULL:
 * no cgroup ids), the v2 hierarchy ("unified" on hybrid hosts, else the
 * root itself when it holds cgroup.controllers) and the v1 "memory"
 * hierarchy. 0, or a negative code with err when proc_root cannot be
 * opened; missing cgroup trees are not errors (their ids stay 0). */
int ld_rt_proc_reader_open(ld_rt_proc_reader *r, const char *proc_root, const char *cgroup_root,
                           ld_error *err);
void ld_rt_proc_reader_close(ld_rt_proc_reader *r);

/* What to read (bits). */
enum {
    LD_RT_PR_STAT = 1u << 0,     /* comm, ppid, tty */
    LD_RT_PR_STATUS = 1u << 1,   /* uid, euid, gid */
    LD_RT_PR_CMDLINE = 1u << 2,  /* cmdline, cmdline_truncated */
    LD_RT_PR_EXE = 1u << 3,      /* exepath, exe_from_memfd */
    LD_RT_PR_CGROUP = 1u << 4,   /* cgroup_id, cgroup_v1_id, in_container */
    LD_RT_PR_LOGINUID = 1u << 5, /* loginuid */
    LD_RT_PR_ALL = 0x3fu,
};

/* One process as read: the table's entry plus what only a source needs. */
typedef struct {
    ld_rt_proc p;
    unsigned got;      /* LD_RT_PR_* parts actually read */
    bool in_container; /* the cgroup path (v2, else memory) names a container */
} ld_rt_proc_info;

/* Reads the parts of /proc/PID asked for into *out (cleared first; pid set;
 * loginuid (uint32_t)-1 and ids 0 until read). Returns 0 when the process
 * was there (at least one part read), -1 when it is gone or pid is not a
 * valid process id. A part that cannot be read is left empty (its bit not
 * set in got); a cmdline over LD_RT_CMDLINE_MAX - 1 bytes is cut and
 * flagged. */
int ld_rt_proc_reader_read(ld_rt_proc_reader *r, int32_t pid, unsigned parts, ld_rt_proc_info *out);

/* ---- parsers (pure, bounded; buf need not be NUL-terminated) ---- */

/* /proc/PID/stat: comm (between the first '(' and the last ')', cut to
 * LD_RT_COMM_MAX - 1 bytes), ppid (field 4) and tty_nr (field 7). 0, or
 * -1 when the text is not a stat line. */
int ld_rt_parse_proc_stat(const char *buf, size_t len, char comm[LD_RT_COMM_MAX], int32_t *ppid,
                          uint32_t *tty);
/* /proc/PID/status: the real and effective uid ("Uid:" line) and the real
 * gid ("Gid:"). Bits: 1 uids found, 2 gid found; 0 if neither. */
int ld_rt_parse_proc_status(const char *buf, size_t len, uint32_t *uid, uint32_t *euid,
                            uint32_t *gid);
/* argv as /proc/PID/cmdline holds it (NUL-separated) joined by single
 * spaces into out (cap bytes, NUL-terminated; trailing NULs dropped; other
 * bytes, control characters included, kept as they are: the sinks escape).
 * *truncated when buf did not fit (or was itself cut: more_follows).
 * Returns the length written. */
size_t ld_rt_join_cmdline(const char *buf, size_t len, bool more_follows, char *out, size_t cap,
                          bool *truncated);
/* /proc/PID/cgroup: the v2 path (the "0::" line) and the v1 memory
 * controller's path (a "N:...memory...:" line), each copied into its
 * buffer ("" when absent or longer than the buffer). Bits: 1 v2 found,
 * 2 memory found. */
int ld_rt_parse_proc_cgroup(const char *buf, size_t len, char *v2, size_t v2_cap, char *memory,
                            size_t memory_cap);
/* /proc/PID/loginuid: a decimal uint32 (4294967295: unset). 0, or -1. */
int ld_rt_parse_loginuid(const char *buf, size_t len, uint32_t *out);
/* The target of /proc/PID/exe, NUL-terminated in link: a " (deleted)"
 * suffix (the file has no name left) is removed; true when the file was
 * deleted or is a memfd ("/memfd:NAME"). */
bool ld_rt_exe_link_settle(char *link);
/* Is a cgroup path safe to look up beneath the mount: absolute, no ".."
 * or "." component, no empty one but the root itself? */
bool ld_rt_cgroup_path_plain(const char *path);

#endif
