/* The capture action of `lockdown watch` (see trigger.h): the limits
 * (one capture per container at a time, a cooldown per container, at most
 * max_parallel running and max_per_hour started in the last hour), the
 * child `lockdown capture` started with posix_spawn and an argv (never a
 * shell) in its own process group with its output in a log file beside
 * its bundle, and the reaping of finished captures.
 *
 * on_event is called with what = "started" (detail: the rule and the log),
 * "ended" (detail starts with "succeeded" or "failed: " and the exit
 * status or signal, and names the log) or "refused" (detail starts with
 * "busy", "cooldown" or "rate" and says which limit). A refusal for
 * max_parallel is counted as refused_busy (the stats have no counter of
 * its own). The directory of the bundles is made (0700) if missing and
 * refused when other users can write to it: one of them could create a
 * bundle's name first. Not thread-safe: the watch loop's thread calls
 * everything. */
#include "forensics/trigger.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "forensics/bundle.h"
#include "forensics/trigger_internal.h"
#include "util/cleanup.h"
#include "util/mem.h"

extern char **environ;

#define PASSWORD_VAR "LOCKDOWN_KEY_PASSWORD"
#define HOUR_S 3600.0
/* names tried for one bundle when the first exists (same container, same
 * second, same rule) */
#define NAME_TRIES 100

typedef struct {
    pid_t pid;
    char id[65];
    char *bundle, *log;
    double started; /* on the trigger's clock */
} running_capture;

typedef struct {
    char id[65];
    double at; /* last start */
} recent_capture;

struct ld_fx_trigger {
    char *exe, *out_dir, *memory, *key, *key_password_env;
    double cooldown_s;
    unsigned max_parallel, max_per_hour;
    void (*on_event)(void *ctx, const char *what, const char *container_id, const char *bundle,
                     const char *detail);
    void *cb_ctx;
    int dir_fd;
    running_capture *running;
    size_t n_running, cap_running;
    recent_capture *recent;
    size_t n_recent, cap_recent;
    double *starts; /* start times within the last hour, oldest first */
    size_t n_starts, cap_starts;
    ld_fx_trigger_stats st;
    double (*now)(void *ctx);
    void *now_ctx;
};

static double monotonic_now(void *ctx)
{
    (void)ctx;
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void ld_fx_trigger_set_clock(ld_fx_trigger *t, double (*now)(void *ctx), void *ctx)
{
    t->now = now ? now : monotonic_now;
    t->now_ctx = now ? ctx : NULL;
}

static void emit(const ld_fx_trigger *t, const char *what, const char *id, const char *bundle,
                 const char *detail)
{
    if (t->on_event)
        t->on_event(t->cb_ctx, what, id, bundle, detail);
}

/* mkdir -p with mode 0700 for every directory made here. */
static int make_dirs(const char *path, ld_error *err)
{
    ld_autofree char *copy = ld_xstrdup(path);
    size_t len = strlen(copy);
    for (size_t i = 1; i <= len; i++) {
        if (copy[i] != '/' && copy[i] != '\0')
            continue;
        char saved = copy[i];
        copy[i] = '\0';
        if (mkdir(copy, 0700) < 0 && errno != EEXIST)
            return ld_error_set_errno(err, LD_ERR_INVALID, errno,
                                      "capture directory %s: cannot create %s", path, copy);
        copy[i] = saved;
    }
    return 0;
}

static bool container_id_ok(const char *id)
{
    if (!id)
        return false;
    size_t n = 0;
    for (; id[n]; n++)
        if (!((id[n] >= '0' && id[n] <= '9') || (id[n] >= 'a' && id[n] <= 'f')))
            return false;
    return n == 64;
}

ld_fx_trigger *ld_fx_trigger_new(const ld_fx_trigger_options *o, ld_error *err)
{
    if (!o->out_dir || !o->out_dir[0]) {
        ld_error_set(err, LD_ERR_INVALID, "capture action: no directory for the bundles");
        return NULL;
    }
    if (o->memory && strcmp(o->memory, "all") != 0 && strcmp(o->memory, "anon") != 0 &&
        strcmp(o->memory, "none") != 0) {
        ld_error_set(err, LD_ERR_INVALID,
                     "capture action: memory mode \"%s\" is not all, anon or none", o->memory);
        return NULL;
    }
    if (o->cooldown_s < 0 || o->cooldown_s != o->cooldown_s) {
        ld_error_set(err, LD_ERR_INVALID, "capture action: the cooldown must not be negative");
        return NULL;
    }
    if (make_dirs(o->out_dir, err) < 0)
        return NULL;
    ld_autofree char *abs = realpath(o->out_dir, NULL);
    if (!abs) {
        ld_error_set_errno(err, LD_ERR_INVALID, errno, "capture directory %s", o->out_dir);
        return NULL;
    }
    int fd = open(abs, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) {
        ld_error_set_errno(err, LD_ERR_INVALID, errno, "capture directory %s", abs);
        return NULL;
    }
    /* another user who can write there could create a bundle's name first
     * (an empty directory of theirs is taken as the bundle) */
    struct stat st = {0};
    if (fstat(fd, &st) < 0 || (st.st_mode & (S_IWGRP | S_IWOTH))) {
        ld_error_set(err, LD_ERR_INVALID,
                     "capture directory %s is writable by other users (mode %04o): evidence there "
                     "could be replaced; choose a directory only its owner can write",
                     abs, (unsigned)(st.st_mode & 07777));
        close(fd);
        return NULL;
    }
    ld_fx_trigger *t = ld_xcalloc(1, sizeof(*t));
    t->dir_fd = fd;
    t->out_dir = ld_steal_ptr(&abs);
    t->exe = ld_xstrdup(o->exe ? o->exe : "/proc/self/exe");
    t->memory = ld_xstrdup(o->memory);
    t->key = ld_xstrdup(o->key);
    t->key_password_env = ld_xstrdup(o->key_password_env);
    t->cooldown_s = o->cooldown_s > 0 ? o->cooldown_s : 600;
    t->max_parallel = o->max_parallel ? o->max_parallel : 2;
    t->max_per_hour = o->max_per_hour ? o->max_per_hour : 20;
    t->on_event = o->on_event;
    t->cb_ctx = o->cb_ctx;
    t->now = monotonic_now;
    return t;
}

static void running_free(running_capture *r)
{
    free(r->bundle);
    free(r->log);
}

static void exit_detail(int status, const char *log, double seconds, char *out, size_t cap)
{
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
        snprintf(out, cap, "succeeded in %.1f s (log: %s)", seconds, log);
    else if (WIFEXITED(status))
        snprintf(out, cap, "failed: exit status %d (log: %s)", WEXITSTATUS(status), log);
    else if (WIFSIGNALED(status))
        snprintf(out, cap, "failed: killed by signal %d (log: %s)", WTERMSIG(status), log);
    else
        snprintf(out, cap, "failed: wait status 0x%x (log: %s)", (unsigned)status, log);
}

void ld_fx_trigger_poll(ld_fx_trigger *t)
{
    size_t i = 0;
    while (i < t->n_running) {
        running_capture *r = &t->running[i];
        int status = 0;
        pid_t got = waitpid(r->pid, &status, WNOHANG);
        if (got == 0 || (got < 0 && errno == EINTR)) {
            i++;
            continue;
        }
        char detail[PATH_MAX + 128];
        bool ok = false;
        if (got == r->pid) {
            ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
            exit_detail(status, r->log, t->now(t->now_ctx) - r->started, detail, sizeof(detail));
        } else {
            /* reaped elsewhere (SIGCHLD ignored): nothing tells how it ended */
            snprintf(detail, sizeof(detail), "failed: exit status unknown (log: %s)", r->log);
        }
        if (ok)
            t->st.succeeded++;
        else
            t->st.failed++;
        emit(t, "ended", r->id, r->bundle, detail);
        running_free(r);
        t->running[i] = t->running[--t->n_running];
    }
}

void ld_fx_trigger_drain(ld_fx_trigger *t, double timeout_s)
{
    double deadline = monotonic_now(NULL) + (timeout_s > 0 ? timeout_s : 0);
    for (;;) {
        ld_fx_trigger_poll(t);
        if (t->n_running == 0)
            return;
        double left = deadline - monotonic_now(NULL);
        if (left <= 0)
            return;
        double step = left < 0.05 ? left : 0.05;
        struct timespec ts = {0, (long)(step * 1e9)};
        nanosleep(&ts, NULL);
    }
}

void ld_fx_trigger_stats_get(const ld_fx_trigger *t, ld_fx_trigger_stats *st)
{
    *st = t->st;
}

void ld_fx_trigger_free(ld_fx_trigger *t)
{
    if (!t)
        return;
    for (size_t i = 0; i < t->n_running; i++)
        running_free(&t->running[i]);
    free(t->running);
    free(t->recent);
    free(t->starts);
    free(t->exe);
    free(t->out_dir);
    free(t->memory);
    free(t->key);
    free(t->key_password_env);
    if (t->dir_fd >= 0)
        close(t->dir_fd);
    free(t);
}

/* Forgets what no limit looks at any more: starts older than an hour,
 * containers whose cooldown has passed. */
static void prune(ld_fx_trigger *t, double now)
{
    size_t keep = 0;
    while (keep < t->n_starts && t->starts[keep] <= now - HOUR_S)
        keep++;
    if (keep) {
        memmove(t->starts, t->starts + keep, (t->n_starts - keep) * sizeof(*t->starts));
        t->n_starts -= keep;
    }
    size_t j = 0;
    for (size_t i = 0; i < t->n_recent; i++)
        if (t->recent[i].at > now - t->cooldown_s)
            t->recent[j++] = t->recent[i];
    t->n_recent = j;
}

static int refuse(ld_fx_trigger *t, uint64_t *counter, const char *id, const char *detail)
{
    (*counter)++;
    emit(t, "refused", id, NULL, detail);
    return 0;
}

/* Why the limits refuse a capture of id now, or 0 when they allow it. */
static int check_limits(ld_fx_trigger *t, const char *id, double now)
{
    char detail[PATH_MAX + 128];
    for (size_t i = 0; i < t->n_running; i++)
        if (strcmp(t->running[i].id, id) == 0) {
            snprintf(detail, sizeof(detail), "busy: a capture of this container is running (%s)",
                     t->running[i].bundle);
            return refuse(t, &t->st.refused_busy, id, detail) - 1;
        }
    for (size_t i = 0; i < t->n_recent; i++)
        if (strcmp(t->recent[i].id, id) == 0) {
            snprintf(detail, sizeof(detail),
                     "cooldown: captured %.0f s ago, again after %.0f s (cooldown)",
                     now - t->recent[i].at, t->cooldown_s);
            return refuse(t, &t->st.refused_cooldown, id, detail) - 1;
        }
    if (t->n_running >= t->max_parallel) {
        snprintf(detail, sizeof(detail), "busy: %zu captures running, at most %u at once",
                 t->n_running, t->max_parallel);
        return refuse(t, &t->st.refused_busy, id, detail) - 1;
    }
    if (t->n_starts >= t->max_per_hour) {
        snprintf(detail, sizeof(detail), "rate: %zu captures started in the last hour, at most %u",
                 t->n_starts, t->max_per_hour);
        return refuse(t, &t->st.refused_rate, id, detail) - 1;
    }
    return 0;
}

/* The bundle's base name "<name>-<UTC time>-<rule>" (then "-2", "-3" ...
 * when taken) whose log file could be created: the log fd is returned and
 * *base set, or < 0 with err. */
static int make_log(ld_fx_trigger *t, const char *id, const char *name, const char *rule,
                    char **base, ld_error *err)
{
    char safe_name[96], safe_rule[96], stamp[32];
    const char *shown = name && name[0] ? name : NULL;
    if (shown && shown[0] == '/')
        shown++; /* the engine's "/name" */
    if (shown && shown[0])
        ld_fx_safe_name(shown, strlen(shown), safe_name, sizeof(safe_name));
    else
        snprintf(safe_name, sizeof(safe_name), "%.12s", id);
    const char *r = rule && rule[0] ? rule : "rule";
    ld_fx_safe_name(r, strlen(r), safe_rule, sizeof(safe_rule));
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    struct tm tm;
    gmtime_r(&ts.tv_sec, &tm);
    strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm);
    for (int n = 1; n <= NAME_TRIES; n++) {
        char *candidate = n == 1 ? ld_xasprintf("%s-%s-%s", safe_name, stamp, safe_rule)
                                 : ld_xasprintf("%s-%s-%s-%d", safe_name, stamp, safe_rule, n);
        char *log = ld_xasprintf("%s.log", candidate);
        struct stat st;
        int fd = -1;
        int e = EEXIST;
        if (fstatat(t->dir_fd, candidate, &st, AT_SYMLINK_NOFOLLOW) < 0 && errno == ENOENT) {
            fd = openat(t->dir_fd, log, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
            e = errno;
        }
        free(log);
        if (fd >= 0) {
            *base = candidate;
            return fd;
        }
        free(candidate);
        if (e != EEXIST && e != ELOOP)
            return ld_error_set_errno(err, LD_ERR_GENERIC, e, "capture of %.12s: log file in %s",
                                      id, t->out_dir);
    }
    return ld_error_set(err, LD_ERR_GENERIC,
                        "capture of %.12s: %d bundle names for this second are taken in %s", id,
                        NAME_TRIES, t->out_dir);
}

/* This process's environment without LOCKDOWN_KEY_PASSWORD, plus that
 * variable from key_password_env when a key is used and it is set.
 * *secret is the allocated entry to wipe after the spawn (or NULL). */
static char **child_env(const ld_fx_trigger *t, char **secret)
{
    size_t n = 0;
    while (environ && environ[n])
        n++;
    char **env = ld_xcalloc(n + 2, sizeof(*env));
    size_t k = 0;
    size_t var_len = strlen(PASSWORD_VAR);
    for (size_t i = 0; i < n; i++)
        if (!(strncmp(environ[i], PASSWORD_VAR, var_len) == 0 && environ[i][var_len] == '='))
            env[k++] = environ[i];
    *secret = NULL;
    const char *pw = t->key && t->key_password_env ? getenv(t->key_password_env) : NULL;
    if (pw) {
        *secret = ld_xasprintf("%s=%s", PASSWORD_VAR, pw);
        env[k++] = *secret;
    }
    env[k] = NULL;
    return env;
}

static void wipe_free(char *s)
{
    if (s) {
        explicit_bzero(s, strlen(s));
        free(s);
    }
}

static int spawn_capture(ld_fx_trigger *t, const char *id, const char *bundle, int log_fd,
                         pid_t *pid)
{
    char *argv[12];
    size_t a = 0;
    argv[a++] = t->exe;
    argv[a++] = (char *)"capture";
    argv[a++] = (char *)id;
    argv[a++] = (char *)"-o";
    argv[a++] = (char *)bundle;
    argv[a++] = (char *)"--quiet";
    if (t->memory) {
        argv[a++] = (char *)"--memory";
        argv[a++] = t->memory;
    }
    if (t->key) {
        argv[a++] = (char *)"--key";
        argv[a++] = t->key;
    }
    argv[a] = NULL;

    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&fa, log_fd, 1);
    posix_spawn_file_actions_adddup2(&fa, log_fd, 2);
    /* the monitor's event sources, sockets and sinks are not the capture's */
    posix_spawn_file_actions_addclosefrom_np(&fa, 3);
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    sigset_t none, dflt;
    sigemptyset(&none);
    sigemptyset(&dflt);
    int defaults[] = {SIGPIPE, SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGCHLD, SIGUSR1, SIGUSR2};
    for (size_t i = 0; i < sizeof(defaults) / sizeof(defaults[0]); i++)
        sigaddset(&dflt, defaults[i]);
    posix_spawnattr_setsigmask(&attr, &none);
    posix_spawnattr_setsigdefault(&attr, &dflt);
    /* its own group: a Ctrl-C of the monitor does not cut a capture short */
    posix_spawnattr_setpgroup(&attr, 0);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK |
                                        POSIX_SPAWN_SETSIGDEF);
    char *secret = NULL;
    char **env = child_env(t, &secret);
    int rc = posix_spawn(pid, t->exe, &fa, &attr, argv, env);
    wipe_free(secret);
    free(env);
    posix_spawn_file_actions_destroy(&fa);
    posix_spawnattr_destroy(&attr);
    return rc;
}

int ld_fx_trigger_request(ld_fx_trigger *t, const char *container_id, const char *container_name,
                          const char *rule, ld_error *err)
{
    if (!container_id_ok(container_id))
        return ld_error_set(err, LD_ERR_INVALID,
                            "capture action: \"%.80s\" is not a container id (64 hex digits)",
                            container_id ? container_id : "");
    t->st.requested++;
    ld_fx_trigger_poll(t); /* finished captures free their slots first */
    double now = t->now(t->now_ctx);
    prune(t, now);
    if (check_limits(t, container_id, now) < 0)
        return 0;

    char *base = NULL;
    int log_fd = make_log(t, container_id, container_name, rule, &base, err);
    if (log_fd < 0)
        return log_fd;
    char *bundle = ld_xasprintf("%s/%s", t->out_dir, base);
    char *log = ld_xasprintf("%s.log", bundle);
    pid_t pid = -1;
    int rc = spawn_capture(t, container_id, bundle, log_fd, &pid);
    close(log_fd);
    if (rc != 0) {
        char *log_name = ld_xasprintf("%s.log", base);
        unlinkat(t->dir_fd, log_name, 0);
        free(log_name);
        free(base);
        free(bundle);
        free(log);
        return ld_error_set_errno(err, LD_ERR_GENERIC, rc, "capture of %.12s: cannot run %s",
                                  container_id, t->exe);
    }
    free(base);

    ld_xgrow(&t->running, &t->cap_running, t->n_running + 1, sizeof(*t->running));
    running_capture *r = &t->running[t->n_running++];
    *r = (running_capture){.pid = pid, .bundle = bundle, .log = log, .started = now};
    memcpy(r->id, container_id, 65);
    ld_xgrow(&t->recent, &t->cap_recent, t->n_recent + 1, sizeof(*t->recent));
    recent_capture *rc_entry = &t->recent[t->n_recent++];
    memcpy(rc_entry->id, container_id, 65);
    rc_entry->at = now;
    ld_xgrow(&t->starts, &t->cap_starts, t->n_starts + 1, sizeof(*t->starts));
    t->starts[t->n_starts++] = now;
    t->st.started++;

    char detail[PATH_MAX + 256];
    snprintf(detail, sizeof(detail), "rule \"%.128s\", pid %d (log: %s)", rule ? rule : "",
             (int)pid, log);
    emit(t, "started", container_id, bundle, detail);
    return 1;
}
