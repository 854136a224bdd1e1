/* host.runtime-monitor (NIST SP 800-190 4.4.4, CTR-01: a dedicated,
 * container-aware runtime monitor): is one running on the host? Looks at
 * the processes in ROOT/proc for lockdown watch, Falco, Tetragon, Tracee
 * and the Sysdig (draios) agent, by the basename of each process's
 * executable (the /proc/PID/exe link, which a process cannot rename), by
 * its comm only when the link cannot be read (another user's process when
 * lockdown is not root), and, for lockdown, argv[1] "watch" (after a
 * leading --fips). /proc content belongs to the processes and is read as
 * hostile: sizes capped, no link followed. Not for judging the monitor's
 * rules or coverage (that is lockdown watch's own statistics). */
#ifndef LD_RUNTIME_MONITOR_DETECT_H
#define LD_RUNTIME_MONITOR_DETECT_H

#include <stdbool.h>
#include <stddef.h>

#include "core/error.h"
#include "core/findings.h"

#define LD_RT_MONITOR_PROC_MAX 262144 /* /proc entries looked at, at most */

/* One monitor process found. */
typedef struct {
    int pid;
    const char *monitor; /* "Falco", "lockdown watch", ... (static) */
    char *exe;           /* the exe link's target as read; NULL when unreadable */
    char *comm;
} ld_rt_monitor_proc;

typedef struct {
    ld_rt_monitor_proc *v;
    size_t n, cap;
    size_t scanned; /* processes looked at */
    bool capped;    /* LD_RT_MONITOR_PROC_MAX reached: the rest was not looked at */
} ld_rt_monitor_list;

/* Scans the proc file system at proc_dir ("/proc", or ROOT/proc) into out
 * (appended). Returns 0, or LD_ERR_NOT_FOUND / LD_ERR_GENERIC with err
 * saying why the processes cannot be seen: proc_dir cannot be listed,
 * holds no process, or hides other users' processes (no PID 1: hidepid). */
int ld_rt_monitor_scan(const char *proc_dir, ld_rt_monitor_list *out, ld_error *err);
void ld_rt_monitor_list_clear(ld_rt_monitor_list *l);

/* The names looked for, NULL-terminated (for messages and docs). */
const char *const *ld_rt_monitor_names(void);

/* Emits host.runtime-monitor into fs (declared owed): pass naming each
 * monitor with its pid and exe, fail when none runs, error (not assessed)
 * when ROOT/proc cannot be read, or, for host_root "/", when lockdown
 * runs in a PID namespace of its own (a container: the host's processes
 * are not visible). Target: the host (ld_host_name). Returns 0, or what
 * ld_findings_add returned (err set). */
int ld_runtime_monitor_check(ld_findings *fs, const char *host_root, ld_error *err);

#endif
