/* What lockdown watch knows about live processes: name, exe, command line,
 * parent, uid, tty, cgroup — kept from exec / fork / exit events and read
 * from /proc/PID on a miss, so rules can ask for proc.pname, proc.aname[N]
 * and proc.cmdline on any event, not only on exec. Bounded (LRU beyond
 * max_entries); entries of exited processes are kept a short while so that
 * late records of a process still resolve. /proc content is the process's
 * own and treated as hostile (sizes capped, no symlink followed outside
 * /proc). Single-threaded: the watch loop owns it. */
#ifndef LD_RUNTIME_PROCESS_TABLE_H
#define LD_RUNTIME_PROCESS_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "runtime/event.h"

typedef struct ld_rt_proc ld_rt_proc;
struct ld_rt_proc {
    int32_t pid, ppid;
    uint32_t uid, euid, loginuid, tty;
    char comm[LD_RT_COMM_MAX];
    char exepath[LD_RT_PATH_MAX];
    char cmdline[LD_RT_CMDLINE_MAX];
    uint64_t cgroup_id;
    bool exe_upper_layer, exe_from_memfd;
    bool exited;
    /* added by process_table.c's author (issue 14): */
    uint32_t gid;
    uint64_t cgroup_v1_id;  /* inode of the memory controller's cgroup dir (v1/hybrid); 0: none */
    bool cmdline_truncated;
};

typedef struct ld_rt_proc_table ld_rt_proc_table;

/* proc_root: "/proc" (tests may pass another tree). max_entries 0: 65536. */
ld_rt_proc_table *ld_rt_proc_table_new(const char *proc_root, size_t max_entries);
void ld_rt_proc_table_free(ld_rt_proc_table *t);

/* Updates the table from e (exec: replaces the entry's exe/cmdline/comm;
 * clone: a child entry copied from its parent; procexit: marks exited) and
 * completes e's process fields it lacks (exepath, cmdline, ppid, tty) from
 * the table or /proc. */
void ld_rt_proc_table_observe(ld_rt_proc_table *t, ld_rt_event *e);
/* The entry for pid (read from /proc on a miss); NULL if unknown. Valid
 * until the next call into the table. */
const ld_rt_proc *ld_rt_proc_table_get(ld_rt_proc_table *t, int32_t pid);
/* The n-th ancestor of pid (1: parent); NULL past the root or if unknown. */
const ld_rt_proc *ld_rt_proc_table_ancestor(ld_rt_proc_table *t, int32_t pid, int n);
/* Reads /proc/PID into *out (proc_root as above). 0, or -1 if gone. */
int ld_rt_proc_read(const char *proc_root, int32_t pid, ld_rt_proc *out);
/* User name of uid from the host's passwd (cached); "" if none. */
const char *ld_rt_user_name(ld_rt_proc_table *t, uint32_t uid);

/* The same with the roots given: cgroup_root as containers.h's ("/sys/fs/
 * cgroup": the v2 tree is it or its "unified" directory, the v1 memory tree
 * its "memory" directory), passwd_path the host's passwd ("/etc/passwd").
 * ld_rt_proc_table_new(p, n) is ld_rt_proc_table_new_at(p, "/sys/fs/cgroup",
 * "/etc/passwd", n). NULL only if proc_root cannot be opened. */
ld_rt_proc_table *ld_rt_proc_table_new_at(const char *proc_root, const char *cgroup_root,
                                          const char *passwd_path, size_t max_entries);
/* User name of uid as the process itself sees it: its own /etc/passwd (a
 * container's), read through /proc/PID/root without leaving that root
 * (openat2 RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS; at most 1 MiB), cached
 * per (cgroup, uid) for a minute. "" if none or unreadable. Valid until the
 * next call into the table. */
const char *ld_rt_user_name_in(ld_rt_proc_table *t, int32_t pid, uint32_t uid);
/* Entries held now (live and exited), for tests and statistics. */
size_t ld_rt_proc_table_size(const ld_rt_proc_table *t);
/* /proc reads done since the table was made (each a process read on a
 * miss or an exec without its command line), for tests and statistics. */
uint64_t ld_rt_proc_table_proc_reads(const ld_rt_proc_table *t);
/* Tests: the clock that ages exited entries (milliseconds, monotonic);
 * NULL restores CLOCK_MONOTONIC. */
void ld_rt_proc_table_set_clock(ld_rt_proc_table *t, uint64_t (*now_ms)(void *ctx), void *ctx);
/* How long exited entries stay (ms). */
#define LD_RT_PROC_EXITED_KEEP_MS 5000

#endif
