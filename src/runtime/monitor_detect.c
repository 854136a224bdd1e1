/* host.runtime-monitor: finds a runtime monitor among the host's processes
 * (runtime/monitor_detect.h). Reads ROOT/proc without following links:
 * each /proc/PID opened O_NOFOLLOW, its exe link read, never opened. */
#include "runtime/monitor_detect.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "host/host_files.h"
#include "host/host_os.h"
#include "util/cleanup.h"
#include "util/mem.h"
#include "util/strlist.h"

#define CHECK_ID "host.runtime-monitor"
#define COMM_MAX 64        /* the kernel's comm is 16 bytes; more is not a comm */
#define CMDLINE_MAX 4096   /* enough for argv[0..3] */
#define EVIDENCE_LISTED 10 /* monitor processes named in the evidence */
/* The inode of the initial PID namespace (the kernel's PROC_PID_INIT_INO). */
#define INIT_PID_NS "pid:[4026531836]"

typedef struct {
    const char *name;    /* executable basename (and comm) */
    const char *monitor; /* what the evidence calls it */
} known_monitor;

/* lockdown is matched apart: only `lockdown watch` is a monitor. */
static const known_monitor known[] = {
    {"falco", "Falco"},
    {"tetragon", "Tetragon"},
    {"tracee", "Tracee"},
    {"tracee-ebpf", "Tracee"},
    {"tracee-rules", "Tracee"},
    {"dragent", "Sysdig agent (draios)"},
    {NULL, NULL},
};

static const char *const names[] = {"lockdown watch", "falco",        "tetragon", "tracee",
                                    "tracee-ebpf",    "tracee-rules", "dragent",  NULL};

const char *const *ld_rt_monitor_names(void)
{
    return names;
}

void ld_rt_monitor_list_clear(ld_rt_monitor_list *l)
{
    for (size_t i = 0; i < l->n; i++) {
        free(l->v[i].exe);
        free(l->v[i].comm);
    }
    free(l->v);
    memset(l, 0, sizeof(*l));
}

/* Reads at most max-1 bytes of dirfd/name into buf (NUL-terminated);
 * returns the length, or -1. */
static ssize_t read_small(int dirfd, const char *name, char *buf, size_t max)
{
    int fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
    if (fd < 0)
        return -1;
    size_t got = 0;
    while (got < max - 1) {
        ssize_t n = read(fd, buf + got, max - 1 - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        got += (size_t)n;
    }
    close(fd);
    buf[got] = '\0';
    return (ssize_t)got;
}

/* A /proc entry name that is a pid: digits only, no leading zero, fits int. */
static int pid_of(const char *name)
{
    if (name[0] < '1' || name[0] > '9')
        return -1;
    long v = 0;
    for (const char *p = name; *p; p++) {
        if (*p < '0' || *p > '9')
            return -1;
        v = v * 10 + (*p - '0');
        if (v > INT_MAX)
            return -1;
    }
    return (int)v;
}

/* argv's first word after lockdown's global options (--fips,
 * --audit-log FILE, --audit-log=FILE) in a NUL-separated cmdline. */
static const char *lockdown_command(const char *cmdline, size_t len)
{
    const char *p = cmdline, *end = cmdline + len;
    if (p >= end)
        return NULL;
    p += strlen(p) + 1; /* argv[0] */
    while (p < end) {
        if (strcmp(p, "--fips") == 0 || strncmp(p, "--audit-log=", 12) == 0) {
            p += strlen(p) + 1;
        } else if (strcmp(p, "--audit-log") == 0) {
            p += strlen(p) + 1;
            if (p < end)
                p += strlen(p) + 1;
        } else {
            return p;
        }
    }
    return NULL;
}

static const char *base_name(const char *path)
{
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

/* Which monitor the process is, or NULL. exe may be NULL (unreadable). */
static const char *identify(int pfd, const char *exe, const char *comm)
{
    char name[PATH_MAX];
    if (exe) {
        snprintf(name, sizeof(name), "%s", base_name(exe));
        size_t n = strlen(name);
        static const char deleted[] = " (deleted)"; /* replaced on disk since it started */
        if (n > sizeof(deleted) - 1 && strcmp(name + n - (sizeof(deleted) - 1), deleted) == 0)
            name[n - (sizeof(deleted) - 1)] = '\0';
    } else {
        snprintf(name, sizeof(name), "%s", comm);
    }
    for (const known_monitor *k = known; k->name; k++)
        if (strcmp(name, k->name) == 0)
            return k->monitor;
    if (strcmp(name, "lockdown") != 0)
        return NULL;
    char *cmdline = ld_xmalloc(CMDLINE_MAX);
    ssize_t n = read_small(pfd, "cmdline", cmdline, CMDLINE_MAX);
    const char *cmd = n > 0 ? lockdown_command(cmdline, (size_t)n) : NULL;
    bool watch = cmd && strcmp(cmd, "watch") == 0;
    free(cmdline);
    return watch ? "lockdown watch" : NULL;
}

static void look_at(int dfd, const char *entry, int pid, ld_rt_monitor_list *out)
{
    int pfd = openat(dfd, entry, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (pfd < 0)
        return; /* gone since the listing */
    char comm[COMM_MAX];
    if (read_small(pfd, "comm", comm, sizeof(comm)) < 0)
        comm[0] = '\0';
    comm[strcspn(comm, "\n")] = '\0';
    char exe[PATH_MAX];
    ssize_t n = readlinkat(pfd, "exe", exe, sizeof(exe) - 1);
    int exe_errno = n < 0 ? errno : 0;
    if (n >= 0)
        exe[n] = '\0';
    /* comm alone only when the link exists but may not be read (another
     * user's process): kernel threads and zombies have no exe at all */
    bool readable = n > 0;
    bool comm_only = !readable && (exe_errno == EACCES || exe_errno == EPERM) && comm[0];
    const char *m = readable || comm_only ? identify(pfd, readable ? exe : NULL, comm) : NULL;
    close(pfd);
    if (!m)
        return;
    ld_xgrow(&out->v, &out->cap, out->n + 1, sizeof(*out->v));
    ld_rt_monitor_proc *p = &out->v[out->n++];
    p->pid = pid;
    p->monitor = m;
    p->exe = readable ? ld_xstrdup(exe) : NULL;
    p->comm = ld_xstrdup(comm);
}

/* Scans the open proc directory dfd (not closed). name: for messages. */
static int scan_fd(int dfd, const char *name, ld_rt_monitor_list *out, ld_error *err)
{
    int dup_fd = fcntl(dfd, F_DUPFD_CLOEXEC, 0);
    DIR *d = dup_fd >= 0 ? fdopendir(dup_fd) : NULL;
    if (!d) {
        int e = errno;
        if (dup_fd >= 0)
            close(dup_fd);
        return ld_error_set_errno(err, LD_ERR_GENERIC, e, "cannot list %s", name);
    }
    bool saw_init = false;
    size_t entries = 0;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        int pid = pid_of(de->d_name);
        if (pid < 0)
            continue;
        if (entries >= LD_RT_MONITOR_PROC_MAX) {
            out->capped = true;
            break;
        }
        entries++;
        saw_init = saw_init || pid == 1;
        look_at(dfd, de->d_name, pid, out);
    }
    closedir(d);
    out->scanned += entries;
    if (entries == 0)
        return ld_error_set(err, LD_ERR_NOT_FOUND,
                            "%s holds no process: not a live proc file system", name);
    if (!saw_init && !out->capped)
        return ld_error_set(err, LD_ERR_GENERIC,
                            "%s shows no PID 1: it hides other users' processes (hidepid); run "
                            "as root",
                            name);
    return 0;
}

int ld_rt_monitor_scan(const char *proc_dir, ld_rt_monitor_list *out, ld_error *err)
{
    ld_autoclose int dfd = open(proc_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0)
        return ld_error_set_errno(err, errno == ENOENT ? LD_ERR_NOT_FOUND : LD_ERR_GENERIC, errno,
                                  "cannot open %s", proc_dir);
    return scan_fd(dfd, proc_dir, out, err);
}

/* For root "/": is this process in the initial PID namespace (false: in
 * a container's, where the host's processes are not visible)? */
static bool host_pid_namespace(void)
{
    char link[64];
    ssize_t n = readlink("/proc/self/ns/pid", link, sizeof(link) - 1);
    if (n <= 0)
        return true; /* cannot tell (no /proc/self/ns): the scan decides */
    link[n] = '\0';
    return strcmp(link, INIT_PID_NS) == 0;
}

static char *evidence_found(const ld_rt_monitor_list *l)
{
    ld_strlist parts = {0};
    for (size_t i = 0; i < l->n && i < EVIDENCE_LISTED; i++) {
        const ld_rt_monitor_proc *p = &l->v[i];
        if (p->exe)
            ld_strlist_push_owned(&parts,
                                  ld_xasprintf("%s (pid %d, exe %s)", p->monitor, p->pid, p->exe));
        else
            ld_strlist_push_owned(&parts, ld_xasprintf("%s (pid %d, comm %s; exe not readable: "
                                                       "run as root to confirm)",
                                                       p->monitor, p->pid, p->comm));
    }
    if (l->n > EVIDENCE_LISTED)
        ld_strlist_push_owned(&parts, ld_xasprintf("and %zu more", l->n - EVIDENCE_LISTED));
    char *s = ld_strlist_join(&parts, "; ");
    ld_strlist_clear(&parts);
    return s;
}

int ld_runtime_monitor_check(ld_findings *fs, const char *host_root, ld_error *err)
{
    if (!host_root || !host_root[0])
        host_root = "/";
    ld_findings_scope(fs, LD_SCOPE_OWED, CHECK_ID, NULL);
    ld_autofree char *host = ld_host_name(host_root);
    bool slash = ld_host_root_is_slash(host_root);
    ld_autofree char *proc_name = slash ? ld_xstrdup("/proc") : ld_xasprintf("%s/proc", host_root);

    if (slash && !host_pid_namespace())
        return ld_findings_check(fs, CHECK_ID, LD_STATUS_ERROR, LD_TARGET_HOST, host, NULL, err,
                                 "not assessed: lockdown runs in a PID namespace of its own (a "
                                 "container), so the host's processes are not visible; run it on "
                                 "the host, or in a container with --pid=host");
    ld_autoclose int dfd = ld_host_open(host_root, "/proc", O_DIRECTORY);
    if (dfd < 0) {
        ld_error e = LD_ERROR_INIT;
        ld_error_set_errno(&e, LD_ERR_GENERIC, -dfd, "cannot open %s", proc_name);
        return ld_findings_check(fs, CHECK_ID, LD_STATUS_ERROR, LD_TARGET_HOST, host, NULL, err,
                                 "not assessed: %s (the processes of a host are only visible on "
                                 "the live host)",
                                 e.msg);
    }
    ld_rt_monitor_list found = {0};
    ld_error se = LD_ERROR_INIT;
    int rc;
    if (scan_fd(dfd, proc_name, &found, &se) < 0 && found.n == 0) {
        rc = ld_findings_check(fs, CHECK_ID, LD_STATUS_ERROR, LD_TARGET_HOST, host, NULL, err,
                               "not assessed: %s", se.msg);
    } else if (found.n == 0 && found.capped) {
        rc = ld_findings_check(fs, CHECK_ID, LD_STATUS_ERROR, LD_TARGET_HOST, host, NULL, err,
                               "not assessed: more than %d processes in %s; the rest were not "
                               "looked at",
                               LD_RT_MONITOR_PROC_MAX, proc_name);
    } else if (found.n > 0) {
        ld_autofree char *ev = evidence_found(&found);
        rc = ld_findings_check(fs, CHECK_ID, LD_STATUS_PASS, LD_TARGET_HOST, host, NULL, err,
                               "runtime monitor running: %s", ev);
    } else {
        ld_autofree char *looked = NULL;
        ld_strlist l = {0};
        for (const char *const *p = names; *p; p++)
            ld_strlist_push(&l, *p);
        looked = ld_strlist_join(&l, ", ");
        ld_strlist_clear(&l);
        rc = ld_findings_check(fs, CHECK_ID, LD_STATUS_FAIL, LD_TARGET_HOST, host, NULL, err,
                               "no runtime monitor running: none of the %zu processes in %s is "
                               "%s",
                               found.scanned, proc_name, looked);
    }
    ld_rt_monitor_list_clear(&found);
    return rc;
}
