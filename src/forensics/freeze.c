/* Freezing a container for a consistent view and thawing it again (see
 * freeze.h): the container's cgroups found from its init, a check that it
 * is not frozen already, the watchdog started, then cgroup v2, the v1
 * freezer and the engine's pause tried in that order, each waited for
 * until its state says frozen; the frozen interval measured on
 * CLOCK_MONOTONIC from there to the thaw write. The cgroup files live in
 * freeze_cgroup.c, the engine request in engine_pause.c, the watchdog in
 * watchdog.c. */
#include "forensics/freeze.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "forensics/engine_pause.h"
#include "forensics/freeze_cgroup.h"
#include "forensics/watchdog.h"
#include "util/cleanup.h"
#include "util/mem.h"

#define DEFAULT_DEADLINE_S 30.0
#define DEFAULT_SETTLE_S 5.0
#define ENGINE_THAW_MIN_MS 10000

struct ld_fx_freeze {
    ld_fx_freeze_method method; /* what froze, or what was found frozen */
    bool frozen;                /* frozen by this handle */
    bool pre_frozen;            /* frozen before: left so, never thawed */
    bool undo_failed; /* a freeze that did not settle could not be undone: the watchdog's turn */
    int v2_freeze, v2_events, v1_state; /* -1: none */
    char v2_dir[PATH_MAX + LD_FX_CGROUP_PATH_MAX], v1_dir[PATH_MAX + LD_FX_CGROUP_PATH_MAX];
    bool have_engine;
    ld_fx_engine_pause engine;
    char container_id[130];
    ld_fx_watchdog wd;
    int64_t settle_ns;
    int engine_timeout_ms;
    int64_t frozen_mono, frozen_real;
    char note[sizeof(((ld_fx_freeze_record *)0)->note)];
    char loc_note[sizeof(((ld_fx_freeze_record *)0)->note)];
};

static int64_t clock_ns(clockid_t c)
{
    struct timespec ts;
    clock_gettime(c, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void nap_ns(int64_t ns)
{
    struct timespec ts = {.tv_sec = (time_t)(ns / 1000000000), .tv_nsec = (long)(ns % 1000000000)};
    while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
        ;
}

/* Appends "; TEXT" (or TEXT) to buf (cap bytes), cut at its size. */
static void note_to(char *buf, size_t cap, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void note_to(char *buf, size_t cap, const char *fmt, ...)
{
    size_t used = strlen(buf);
    if (used + 3 >= cap)
        return;
    if (used) {
        memcpy(buf + used, "; ", 3);
        used += 2;
    }
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf + used, cap - used, fmt, ap);
    va_end(ap);
}
/* what happened while freezing and thawing: always in the record */
#define note_add(f, ...) note_to((f)->note, sizeof(f)->note, __VA_ARGS__)
/* why a method could not even be tried: in the record only when nothing froze */
#define loc_add(f, ...) note_to((f)->loc_note, sizeof(f)->loc_note, __VA_ARGS__)

static void close_fd(int *fd)
{
    if (*fd >= 0)
        close(*fd);
    *fd = -1;
}

static void handle_free(ld_fx_freeze *f)
{
    if (!f)
        return;
    close_fd(&f->v2_freeze);
    close_fd(&f->v2_events);
    close_fd(&f->v1_state);
    free(f);
}

/* ---- finding and opening the cgroups ---------------------------------------- */

/* Reads /proc/PID/cgroup into buf (cap bytes). Length or -errno. */
static ssize_t read_proc_cgroup(pid_t pid, char *buf, size_t cap)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/cgroup", (int)pid);
    ld_autoclose int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0)
        return -errno;
    size_t got = 0;
    while (got < cap) {
        ssize_t n = read(fd, buf + got, cap - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -errno;
        if (n == 0)
            break;
        got += (size_t)n;
    }
    return (ssize_t)got;
}

static int open_in(int dirfd, const char *name, int flags)
{
    int fd;
    do
        fd = openat(dirfd, name, flags | O_NOFOLLOW | O_CLOEXEC);
    while (fd < 0 && errno == EINTR);
    return fd < 0 ? -errno : fd;
}

static void open_v2(ld_fx_freeze *f, const ld_fx_cgroup_mounts *m, const char *path)
{
    if (m->v2_fd < 0) {
        loc_add(f, "cgroup v2: no cgroup2 hierarchy mounted");
        return;
    }
    if (strcmp(path, "/") == 0) {
        loc_add(f, "cgroup v2: the process is in the root cgroup, which cannot be frozen");
        return;
    }
    snprintf(f->v2_dir, sizeof f->v2_dir, "%s%s", m->v2_path, path);
    ld_autoclose int dir = ld_fx_cgroup_open_beneath(m->v2_fd, path);
    if (dir < 0) {
        loc_add(f, "cgroup v2: %s: %s", f->v2_dir, strerror(-dir));
        return;
    }
    int fd = open_in(dir, "cgroup.freeze", O_RDWR);
    if (fd < 0) {
        loc_add(f, "cgroup v2: %s/cgroup.freeze: %s", f->v2_dir,
                fd == -ENOENT ? "absent (a kernel before 5.2)" : strerror(-fd));
        return;
    }
    int ev = open_in(dir, "cgroup.events", O_RDONLY);
    if (ev < 0) {
        close(fd);
        loc_add(f, "cgroup v2: %s/cgroup.events: %s", f->v2_dir, strerror(-ev));
        return;
    }
    f->v2_freeze = fd;
    f->v2_events = ev;
}

static void open_v1(ld_fx_freeze *f, const ld_fx_cgroup_mounts *m, const char *path)
{
    if (m->freezer_fd < 0) {
        loc_add(f, "freezer: the v1 freezer hierarchy is not mounted");
        return;
    }
    if (strcmp(path, "/") == 0) {
        loc_add(f, "freezer: the process is in the root cgroup, which cannot be frozen");
        return;
    }
    snprintf(f->v1_dir, sizeof f->v1_dir, "%s%s", m->freezer_path, path);
    ld_autoclose int dir = ld_fx_cgroup_open_beneath(m->freezer_fd, path);
    if (dir < 0) {
        loc_add(f, "freezer: %s: %s", f->v1_dir, strerror(-dir));
        return;
    }
    int fd = open_in(dir, "freezer.state", O_RDWR);
    if (fd < 0) {
        loc_add(f, "freezer: %s/freezer.state: %s", f->v1_dir, strerror(-fd));
        return;
    }
    f->v1_state = fd;
}

static void locate_cgroups(ld_fx_freeze *f, const ld_fx_freeze_options *o)
{
    if (o->init_pid <= 0) {
        loc_add(f, "cgroups: no init pid");
        return;
    }
    ld_autofree char *buf = ld_xmalloc(LD_FX_PROC_CGROUP_MAX);
    ssize_t n = read_proc_cgroup(o->init_pid, buf, LD_FX_PROC_CGROUP_MAX);
    if (n < 0) {
        loc_add(f, "cgroups: /proc/%d/cgroup: %s", (int)o->init_pid, strerror((int)-n));
        return;
    }
    ld_autofree char *v2 = ld_xmalloc(LD_FX_CGROUP_PATH_MAX);
    ld_autofree char *v1 = ld_xmalloc(LD_FX_CGROUP_PATH_MAX);
    int found = ld_fx_parse_proc_cgroup(buf, (size_t)n, v2, LD_FX_CGROUP_PATH_MAX, v1,
                                        LD_FX_CGROUP_PATH_MAX);
    ld_fx_cgroup_mounts m;
    ld_fx_cgroup_mounts_open(o->cgroup_root, &m);
    if (found & LD_FX_CG_HAVE_V2)
        open_v2(f, &m, v2);
    else
        loc_add(f, "cgroup v2: no \"0::\" line in /proc/%d/cgroup", (int)o->init_pid);
    if (found & LD_FX_CG_HAVE_FREEZER)
        open_v1(f, &m, v1);
    else
        loc_add(f, "freezer: no freezer line in /proc/%d/cgroup", (int)o->init_pid);
    ld_fx_cgroup_mounts_close(&m);
}

/* ---- states ------------------------------------------------------------------ */

/* 1 frozen, 0 not, -1 unknown. cgroup.freeze "1" counts as frozen (someone
 * asked for it: a freeze in progress is not ours to undo). */
static int v2_state(const ld_fx_freeze *f)
{
    char buf[256];
    ssize_t n = ld_fx_state_read(f->v2_events, buf, sizeof buf);
    int ev = n < 0 ? -1 : ld_fx_parse_cgroup_events_frozen(buf, (size_t)n);
    if (ev == 1)
        return 1;
    n = ld_fx_state_read(f->v2_freeze, buf, sizeof buf);
    if (n >= 1 && buf[0] == '1')
        return 1;
    return ev;
}

static bool v2_events_frozen(const ld_fx_freeze *f)
{
    char buf[256];
    ssize_t n = ld_fx_state_read(f->v2_events, buf, sizeof buf);
    return n >= 0 && ld_fx_parse_cgroup_events_frozen(buf, (size_t)n) == 1;
}

static ld_fx_v1_state v1_state(const ld_fx_freeze *f)
{
    char buf[64];
    ssize_t n = ld_fx_state_read(f->v1_state, buf, sizeof buf);
    return n < 0 ? LD_FX_V1_UNKNOWN : ld_fx_parse_freezer_state(buf, (size_t)n);
}

/* Found frozen before lockdown: recorded, left alone. */
static bool check_pre_frozen(ld_fx_freeze *f)
{
    if (f->v2_freeze >= 0 && v2_state(f) == 1) {
        f->method = LD_FX_FREEZE_CGROUP_V2;
        note_add(f,
                 "the container was already frozen before lockdown (%s: frozen): left frozen, "
                 "lockdown did not freeze or thaw it",
                 f->v2_dir);
        f->pre_frozen = true;
        return true;
    }
    ld_fx_v1_state s = f->v1_state >= 0 ? v1_state(f) : LD_FX_V1_UNKNOWN;
    if (s == LD_FX_V1_FROZEN || s == LD_FX_V1_FREEZING) {
        f->method = LD_FX_FREEZE_CGROUP_V1;
        note_add(f,
                 "the container was already %s before lockdown (%s/freezer.state; docker "
                 "pause?): left so, lockdown did not freeze or thaw it",
                 s == LD_FX_V1_FROZEN ? "frozen" : "freezing", f->v1_dir);
        f->pre_frozen = true;
        return true;
    }
    return false;
}

/* ---- the methods ------------------------------------------------------------- */

static void mark_frozen(ld_fx_freeze *f, ld_fx_freeze_method m)
{
    f->frozen_mono = clock_ns(CLOCK_MONOTONIC);
    f->frozen_real = clock_ns(CLOCK_REALTIME);
    f->frozen = true;
    f->method = m;
}

/* Waits for cgroup.events "frozen 1": poll(POLLPRI) wakes on a change, with
 * a short cap so a missed wakeup costs at most 10 ms. */
static bool v2_settle(ld_fx_freeze *f)
{
    int64_t stop = clock_ns(CLOCK_MONOTONIC) + f->settle_ns;
    for (;;) {
        if (v2_events_frozen(f))
            return true;
        int64_t left = stop - clock_ns(CLOCK_MONOTONIC);
        if (left <= 0)
            return false;
        struct pollfd p = {.fd = f->v2_events, .events = POLLPRI};
        int ms = left > 10000000 ? 10 : (int)(left / 1000000) + 1;
        poll(&p, 1, ms);
    }
}

static bool v1_settle(ld_fx_freeze *f)
{
    int64_t stop = clock_ns(CLOCK_MONOTONIC) + f->settle_ns;
    int64_t nap = 200 * 1000; /* 0.2 ms, doubling to 10 ms */
    for (;;) {
        /* reading freezer.state is what moves FREEZING on to FROZEN */
        if (v1_state(f) == LD_FX_V1_FROZEN)
            return true;
        int64_t left = stop - clock_ns(CLOCK_MONOTONIC);
        if (left <= 0)
            return false;
        nap_ns(nap < left ? nap : left);
        if (nap < 10 * 1000 * 1000)
            nap *= 2;
    }
}

/* Tells the watchdog; false (and a note) when it is gone: no freeze then. */
static bool arm(ld_fx_freeze *f, char cmd)
{
    int rc = ld_fx_watchdog_send(&f->wd, cmd);
    if (rc < 0) {
        note_add(f, "the freeze watchdog is gone (%s): nothing frozen", strerror(-rc));
        return false;
    }
    return true;
}

static bool try_v2(ld_fx_freeze *f)
{
    if (!arm(f, '2'))
        return false;
    int rc = ld_fx_v2_write(f->v2_freeze, true);
    if (rc < 0) {
        ld_fx_v2_write(f->v2_freeze, false);
        ld_fx_watchdog_send(&f->wd, 'r');
        note_add(f, "cgroup v2: %s/cgroup.freeze: %s", f->v2_dir, strerror(-rc));
        return false;
    }
    if (v2_settle(f)) {
        mark_frozen(f, LD_FX_FREEZE_CGROUP_V2);
        return true;
    }
    rc = ld_fx_v2_write(f->v2_freeze, false);
    if (rc == 0)
        ld_fx_watchdog_send(&f->wd, 'r');
    else
        f->undo_failed = true;
    note_add(f,
             "cgroup v2: %s did not report frozen within %.1f s (a task in an "
             "uninterruptible wait?)%s",
             f->v2_dir, (double)f->settle_ns / 1e9,
             rc == 0 ? ": thawed again" : ": the thaw failed, the watchdog will retry");
    return false;
}

static bool try_v1(ld_fx_freeze *f)
{
    if (!arm(f, '1'))
        return false;
    int rc = ld_fx_v1_write(f->v1_state, true);
    if (rc < 0) {
        ld_fx_v1_write(f->v1_state, false);
        ld_fx_watchdog_send(&f->wd, 'r');
        note_add(f, "freezer: %s/freezer.state: %s", f->v1_dir, strerror(-rc));
        return false;
    }
    if (v1_settle(f)) {
        mark_frozen(f, LD_FX_FREEZE_CGROUP_V1);
        return true;
    }
    rc = ld_fx_v1_write(f->v1_state, false);
    if (rc == 0)
        ld_fx_watchdog_send(&f->wd, 'r');
    else
        f->undo_failed = true;
    note_add(f, "freezer: %s stayed FREEZING for %.1f s (a task in an uninterruptible wait?)%s",
             f->v1_dir, (double)f->settle_ns / 1e9,
             rc == 0 ? ": thawed again" : ": the thaw failed, the watchdog will retry");
    return false;
}

/* The first line of an answer's JSON message, printable ASCII only, for a note. */
static void answer_summary(const ld_fx_engine_answer *a, char *out, size_t cap)
{
    const char *body = strstr(a->text, "\r\n\r\n");
    const char *p = body ? body + 4 : a->text;
    size_t j = 0;
    for (; *p && j + 1 < cap && j < 160; p++)
        if (*p >= 0x20 && *p < 0x7f)
            out[j++] = *p;
    out[j] = '\0';
}

static void note_engine_failure(ld_fx_freeze *f, const char *what, int st,
                                const ld_fx_engine_answer *a)
{
    if (st < 0) {
        note_add(f, "engine: %s: %s: %s", what, a->step ? a->step : "request",
                 strerror(a->sys_errno ? a->sys_errno : EPROTO));
        return;
    }
    char msg[200];
    answer_summary(a, msg, sizeof msg);
    note_add(f, "engine: %s: HTTP %d %s", what, st, msg);
}

static bool try_engine(ld_fx_freeze *f)
{
    if (!arm(f, 'e'))
        return false;
    int timeout_ms = (int)(f->settle_ns / 1000000);
    ld_fx_engine_answer *a = ld_xmalloc(sizeof *a);
    int st = ld_fx_engine_post(&f->engine, true, timeout_ms, a);
    bool ok = false;
    if (st == 204) {
        mark_frozen(f, LD_FX_FREEZE_ENGINE);
        ok = true;
    } else if (st >= 400 && ld_fx_engine_answer_already(a->text, a->text_len, true)) {
        /* paused before us: not ours to unpause */
        ld_fx_watchdog_send(&f->wd, 'r');
        f->method = LD_FX_FREEZE_ENGINE;
        f->pre_frozen = true;
        note_add(f, "the container was already paused before lockdown (the engine says so): "
                    "left paused, lockdown did not pause or unpause it");
    } else {
        note_engine_failure(f, "pause", st, a);
        /* a pause that timed out may still land: undo it before disarming */
        ld_fx_engine_answer *u = ld_xmalloc(sizeof *u);
        int ust = ld_fx_engine_post(&f->engine, false, f->engine_timeout_ms, u);
        if (ust == 204 || (ust >= 400 && ld_fx_engine_answer_already(u->text, u->text_len, false)))
            ld_fx_watchdog_send(&f->wd, 'r');
        else
            f->undo_failed = true;
        free(u);
    }
    free(a);
    return ok;
}

/* ---- begin / end ------------------------------------------------------------- */

/* only: NONE every method; CGROUP_V2 the cgroup ones (v2, else the v1
 * freezer: `capture --freeze-method cgroup`); CGROUP_V1 or ENGINE just that. */
static bool wants(const ld_fx_freeze_options *o, ld_fx_freeze_method m)
{
    if (o->only == LD_FX_FREEZE_CGROUP_V2)
        return m == LD_FX_FREEZE_CGROUP_V2 || m == LD_FX_FREEZE_CGROUP_V1;
    return o->only == LD_FX_FREEZE_NONE || o->only == m;
}

int ld_fx_freeze_begin(const ld_fx_freeze_options *o, ld_fx_freeze **out, ld_error *err)
{
    *out = NULL;
    ld_fx_freeze *f = ld_xcalloc(1, sizeof *f);
    f->v2_freeze = f->v2_events = f->v1_state = -1;
    f->wd.pid = -1;
    f->wd.sock = -1;
    f->method = LD_FX_FREEZE_NONE;
    double settle = o->settle_timeout_s > 0 ? o->settle_timeout_s : DEFAULT_SETTLE_S;
    double deadline = o->deadline_s > 0 ? o->deadline_s : DEFAULT_DEADLINE_S;
    f->settle_ns = (int64_t)(settle * 1e9);
    f->engine_timeout_ms =
        (int)(settle * 1000) > ENGINE_THAW_MIN_MS ? (int)(settle * 1000) : ENGINE_THAW_MIN_MS;
    if (o->container_id)
        snprintf(f->container_id, sizeof f->container_id, "%s", o->container_id);

    /* the cgroups are read whatever the method: a frozen one is never ours to thaw */
    locate_cgroups(f, o);
    if (check_pre_frozen(f)) {
        close_fd(&f->v2_freeze);
        close_fd(&f->v2_events);
        close_fd(&f->v1_state);
        *out = f;
        return 0;
    }
    if (!wants(o, LD_FX_FREEZE_CGROUP_V2)) {
        close_fd(&f->v2_freeze);
        close_fd(&f->v2_events);
    }
    if (!wants(o, LD_FX_FREEZE_CGROUP_V1))
        close_fd(&f->v1_state);
    if (wants(o, LD_FX_FREEZE_ENGINE)) {
        if (!o->engine_socket) {
            loc_add(f, "engine: no unix socket");
        } else {
            ld_error perr = LD_ERROR_INIT;
            if (ld_fx_engine_pause_prepare(&f->engine, o->engine_socket, o->api_version,
                                           o->container_id, &perr) == 0)
                f->have_engine = true;
            else
                loc_add(f, "engine: %s", perr.msg);
        }
    }
    if (f->v2_freeze < 0 && f->v1_state < 0 && !f->have_engine) {
        *out = f; /* nothing to freeze with: the note says why */
        return 0;
    }

    ld_fx_watchdog_targets t = {
        .v2_freeze_fd = f->v2_freeze,
        .v1_state_fd = f->v1_state,
        .engine = f->have_engine ? &f->engine : NULL,
        .deadline_ns = (int64_t)(deadline * 1e9),
        .engine_timeout_ms = f->engine_timeout_ms,
    };
    if (ld_fx_watchdog_start(&f->wd, &t, err) < 0) {
        handle_free(f);
        return ld_error_wrap(err, "freeze: not attempted without a watchdog");
    }
    bool done = (f->v2_freeze >= 0 && try_v2(f)) || (f->v1_state >= 0 && try_v1(f)) ||
                (f->have_engine && !f->pre_frozen && try_engine(f));
    if (!done) {
        /* nothing of ours is frozen, or an undo failed: then EOF without
         * "done" has the watchdog try the thaw once more */
        ld_fx_watchdog_report rep;
        bool got;
        ld_fx_watchdog_finish(&f->wd, !f->undo_failed, f->engine_timeout_ms + 5000, &rep, &got);
        if (got && (rep.flags & LD_FX_WD_THAWED))
            note_add(f, "the watchdog thawed a freeze that lockdown could not undo");
        if (!f->pre_frozen)
            f->method = LD_FX_FREEZE_NONE;
    }
    *out = f;
    return 0;
}

bool ld_fx_freeze_active(const ld_fx_freeze *f)
{
    if (!f)
        return false;
    if (f->pre_frozen)
        return true;
    if (!f->frozen)
        return false;
    ld_fx_watchdog_report rep;
    return !(ld_fx_watchdog_peek(&f->wd, &rep) && (rep.flags & LD_FX_WD_THAWED));
}

ld_fx_freeze_method ld_fx_freeze_method_of(const ld_fx_freeze *f)
{
    return f ? f->method : LD_FX_FREEZE_NONE;
}

/* lockdown's own thaw. 0, or < 0 with how to thaw by hand in err. */
static int thaw(ld_fx_freeze *f, ld_error *err)
{
    int rc;
    switch (f->method) {
    case LD_FX_FREEZE_CGROUP_V2:
        rc = ld_fx_v2_write(f->v2_freeze, false);
        if (rc < 0)
            return ld_error_set(err, LD_ERR_GENERIC,
                                "thaw %s/cgroup.freeze: %s; the container may still be frozen: "
                                "echo 0 > %s/cgroup.freeze",
                                f->v2_dir, strerror(-rc), f->v2_dir);
        return 0;
    case LD_FX_FREEZE_CGROUP_V1:
        rc = ld_fx_v1_write(f->v1_state, false);
        if (rc < 0)
            return ld_error_set(err, LD_ERR_GENERIC,
                                "thaw %s/freezer.state: %s; the container may still be frozen: "
                                "echo THAWED > %s/freezer.state",
                                f->v1_dir, strerror(-rc), f->v1_dir);
        return 0;
    case LD_FX_FREEZE_ENGINE: {
        ld_fx_engine_answer *a = ld_xmalloc(sizeof *a);
        int st = ld_fx_engine_post(&f->engine, false, f->engine_timeout_ms, a);
        bool ok =
            st == 204 || (st >= 400 && ld_fx_engine_answer_already(a->text, a->text_len, false));
        if (!ok) {
            char detail[240];
            if (st < 0) {
                snprintf(detail, sizeof detail, "%s: %s", a->step ? a->step : "request",
                         strerror(a->sys_errno ? a->sys_errno : EPROTO));
            } else {
                char msg[200];
                answer_summary(a, msg, sizeof msg);
                snprintf(detail, sizeof detail, "HTTP %d %s", st, msg);
            }
            ld_error_set(err, LD_ERR_GENERIC,
                         "engine unpause of container %s: %s; the container may still be "
                         "paused: docker unpause %s",
                         f->container_id, detail, f->container_id);
        }
        free(a);
        return ok ? 0 : LD_ERR_GENERIC;
    }
    case LD_FX_FREEZE_NONE:
    default: return 0;
    }
}

int ld_fx_freeze_end(ld_fx_freeze *f, ld_fx_freeze_record *rec, ld_error *err)
{
    memset(rec, 0, sizeof *rec);
    rec->thawed_by = "none";
    if (!f)
        return 0;
    rec->method = f->method;
    int rc = 0;
    if (f->frozen) {
        ld_fx_watchdog_report rep;
        bool fired = ld_fx_watchdog_peek(&f->wd, &rep) && (rep.flags & LD_FX_WD_THAWED);
        int64_t thaw_mono = 0, thaw_real = 0;
        ld_error own = LD_ERROR_INIT;
        int own_rc = 0;
        if (!fired) {
            own_rc = thaw(f, &own);
            thaw_mono = clock_ns(CLOCK_MONOTONIC);
            thaw_real = clock_ns(CLOCK_REALTIME);
        }
        /* on a failed thaw of our own (or an undo that failed in begin), EOF
         * without "done" makes the watchdog thaw what is still armed */
        bool got = false;
        ld_fx_watchdog_finish(&f->wd, own_rc == 0 && !f->undo_failed, f->engine_timeout_ms + 5000,
                              &rep, &got);
        bool wd_thawed = got && (rep.flags & LD_FX_WD_THAWED);
        if (wd_thawed && (fired || own_rc < 0 || rep.mono_ns < thaw_mono)) {
            rec->thawed_by = "watchdog";
            thaw_mono = rep.mono_ns;
            thaw_real = rep.real_ns;
            if (rep.flags & LD_FX_WD_BY_EOF)
                note_add(f, "lockdown's thaw failed (%s); the watchdog thawed", own.msg);
            else if (rep.flags & LD_FX_WD_BY_SIGNAL)
                note_add(f, "the watchdog was signalled and thawed the container");
            else
                note_add(f, "the freeze deadline passed: the watchdog thawed the container "
                            "before lockdown was done");
            own_rc = 0;
        } else if (own_rc == 0) {
            rec->thawed_by = "lockdown";
        }
        if (own_rc < 0) {
            note_add(f, "the thaw failed: %s", own.msg);
            if (err)
                *err = own;
            rc = own_rc;
        } else {
            rec->frozen_ns = f->frozen_real;
            rec->thawed_ns = thaw_real;
            rec->interval_ns = thaw_mono > f->frozen_mono ? thaw_mono - f->frozen_mono : 0;
        }
    }
    if (!f->frozen && !f->pre_frozen && f->loc_note[0]) {
        snprintf(rec->note, sizeof rec->note, "%s", f->loc_note);
        if (f->note[0])
            note_to(rec->note, sizeof rec->note, "%s", f->note);
    } else {
        snprintf(rec->note, sizeof rec->note, "%s", f->note);
    }
    handle_free(f);
    return rc;
}
