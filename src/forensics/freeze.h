/* Freezing a container for a consistent view, and the watchdog that
 * guarantees it is thawed.
 *
 * Methods, in the order tried: cgroup v2 (write "1" to the container's
 * cgroup.freeze, wait until cgroup.events says "frozen 1"), the cgroup v1
 * freezer (write FROZEN to freezer.state, wait until it reads FROZEN), and
 * the engine's pause (POST /containers/ID/pause on its unix socket). The
 * container's cgroup is found from /proc/INIT_PID/cgroup (v2 "0::" line,
 * v1 "freezer" controller), opened beneath the cgroup mounts without
 * following links. A container the engine already shows as paused is
 * left as it is and never thawed by lockdown (the record says so).
 *
 * The watchdog is a child process forked before the freeze (it uses only
 * system calls: no allocation, no library after the fork; watchdog.h). It
 * holds one end of a unix socket pair whose other end only lockdown holds
 * (a pipe, but one lockdown can write to without risking SIGPIPE), and an
 * fd of the freeze file (or the engine socket path and the container id).
 * When the socket reaches EOF without a "done" byte (lockdown was killed,
 * even by SIGKILL), or the deadline passes, it thaws the container and
 * exits; it runs in its own session so a signal to lockdown's process
 * group does not reach it. The thaw is idempotent: lockdown thaws itself,
 * then tells the watchdog "done". */
#ifndef LD_FORENSICS_FREEZE_H
#define LD_FORENSICS_FREEZE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "core/error.h"
#include "forensics/manifest.h"

typedef struct {
    pid_t init_pid;            /* the container's init, host pid namespace */
    const char *container_id;  /* full id, for the engine method */
    const char *engine_socket; /* unix socket path of the engine, NULL: no engine method */
    const char *api_version;   /* "1.41": the path prefix for the engine method */
    const char *cgroup_root;   /* NULL: /sys/fs/cgroup (tests point elsewhere) */
    double deadline_s;         /* watchdog thaws after this long frozen; 0: 30 s */
    double settle_timeout_s;   /* how long to wait for "frozen"; 0: 5 s */
    /* LD_FX_FREEZE_NONE: try the methods in order; CGROUP_V2: the cgroup
     * methods only (v2, else the v1 freezer: `--freeze-method cgroup`);
     * CGROUP_V1 or ENGINE: only that one (tests; `--freeze-method engine`) */
    ld_fx_freeze_method only;
} ld_fx_freeze_options;

typedef struct ld_fx_freeze ld_fx_freeze;

/* Freezes with the first method that works, after starting the watchdog.
 * *out receives the handle (always, even when nothing froze: then method
 * is NONE and the record's note says why, e.g. "cgroup v2: cgroup.freeze:
 * Permission denied; freezer: not mounted; engine: no unix socket");
 * returns 0 in both cases. A container found frozen already (cgroup v2
 * frozen, freezer.state FROZEN/FREEZING, or the engine's "already
 * paused") is left alone: method is the one that saw it, the record's
 * thawed_by "none", times 0, the note says so; no watchdog then.
 * < 0 only when the watchdog cannot be started (no freeze is attempted
 * without one). A freeze that does not settle
 * within settle_timeout_s is undone and reported as not frozen. */
int ld_fx_freeze_begin(const ld_fx_freeze_options *o, ld_fx_freeze **out, ld_error *err);
/* Whether the container is frozen now: by this handle and not yet thawed
 * by the watchdog's deadline, or found frozen already before (then it
 * stays so). Artifacts taken while this is true are a frozen view. */
bool ld_fx_freeze_active(const ld_fx_freeze *f);
/* Thaws (when frozen), tells the watchdog done and reaps it, and fills
 * rec (times, interval, thawed_by: "watchdog" when the deadline passed
 * first; thawed_by is a static string). Frees f. Returns 0, or < 0 when the thaw
 * failed (err: the container may still be frozen; the message says how to
 * thaw it by hand). */
int ld_fx_freeze_end(ld_fx_freeze *f, ld_fx_freeze_record *rec, ld_error *err);

/* The method a handle used. */
ld_fx_freeze_method ld_fx_freeze_method_of(const ld_fx_freeze *f);

#endif
