/* The freeze watchdog (internal to src/forensics): a child process, forked
 * before anything is frozen, that thaws the container when lockdown goes
 * away without saying "done" (killed, even by SIGKILL) or when the freeze
 * deadline passes. Not the choice of a freeze method (freeze.c).
 *
 * lockdown and the watchdog share a unix stream socket pair (not a pipe:
 * lockdown's send() takes MSG_NOSIGNAL, so a watchdog that is gone cannot
 * kill lockdown with SIGPIPE). lockdown's end is O_CLOEXEC and only
 * lockdown holds it: when every copy is closed, the watchdog reads EOF.
 * Bytes lockdown sends:
 *   '2' / '1' / 'e'  armed: the cgroup v2 / v1 freezer / engine freeze is
 *                    about to be asked for (sent before the freeze write,
 *                    so a kill in between still gets thawed); the first arm
 *                    starts the deadline
 *   'r'              reset: nothing lockdown asked for is frozen any more
 *                    (a freeze that did not settle was undone); the
 *                    deadline stops
 *   'd'              done: lockdown has thawed; exit without a thaw
 * On EOF, the deadline, or SIGTERM/SIGINT/SIGHUP/SIGQUIT while armed, the
 * watchdog thaws every armed method, sends one report and exits. It runs
 * in its own session, with every fd closed but its end of the socket and
 * the freeze files; after the fork it makes system calls only. */
#ifndef LD_FORENSICS_WATCHDOG_H
#define LD_FORENSICS_WATCHDOG_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "core/error.h"
#include "forensics/engine_pause.h"

typedef struct {
    int v2_freeze_fd;                 /* cgroup.freeze (O_RDWR), -1: none */
    int v1_state_fd;                  /* freezer.state (O_RDWR), -1: none */
    const ld_fx_engine_pause *engine; /* NULL: no engine method */
    int64_t deadline_ns;              /* from the first arm to the watchdog's thaw */
    int engine_timeout_ms;            /* for the unpause request */
} ld_fx_watchdog_targets;

typedef struct {
    pid_t pid; /* -1: not running */
    int sock;  /* lockdown's end, -1 once closed */
} ld_fx_watchdog;

/* What the watchdog did. */
enum {
    LD_FX_WD_THAWED = 1u << 0,    /* it thawed (at least one armed method) */
    LD_FX_WD_BY_EOF = 1u << 1,    /* lockdown went away (else the deadline or a signal) */
    LD_FX_WD_BY_SIGNAL = 1u << 2, /* SIGTERM and the like */
    LD_FX_WD_V2_FAILED = 1u << 8, /* the thaw write failed */
    LD_FX_WD_V1_FAILED = 1u << 9,
    LD_FX_WD_ENGINE_FAILED = 1u << 10,
};

typedef struct {
    uint32_t magic;
    uint32_t flags;  /* LD_FX_WD_* */
    int64_t mono_ns; /* CLOCK_MONOTONIC right after the thaw */
    int64_t real_ns; /* CLOCK_REALTIME then */
    int32_t engine_status;
    int32_t sys_errno; /* of the first failed thaw */
} ld_fx_watchdog_report;

#define LD_FX_WD_MAGIC 0x6c647764u /* "ldwd" */

/* Forks the watchdog for targets t (the fds stay open in lockdown too).
 * 0 with w filled, or < 0 with err (no socket pair, no fork). */
int ld_fx_watchdog_start(ld_fx_watchdog *w, const ld_fx_watchdog_targets *t, ld_error *err);

/* Sends one command byte ('2', '1', 'e', 'r'). 0, or -errno (the watchdog
 * is gone: then nothing may be frozen). */
int ld_fx_watchdog_send(ld_fx_watchdog *w, char cmd);

/* Whether the watchdog has sent its report (it thawed, or tried), without
 * consuming it: true with *rep filled. */
bool ld_fx_watchdog_peek(const ld_fx_watchdog *w, ld_fx_watchdog_report *rep);

/* Ends the watchdog: with done, sends 'd' first; without, just closes
 * lockdown's end (EOF: the watchdog thaws what is armed). Then reads its
 * report (when it sent one; *got_report says so) within wait_ms, and
 * reaps it. w is reset. 0, or -errno of a failed read. */
int ld_fx_watchdog_finish(ld_fx_watchdog *w, bool done, int wait_ms, ld_fx_watchdog_report *rep,
                          bool *got_report);

#endif
