/* Container process facts from /proc; self-container detection. See
 * proc_facts.h. Reads small /proc files with bounded reads; never follows
 * anything but the pid-namespace magic link (by stat, to get its inode). */
#include "docker/proc_facts.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/cleanup.h"
#include "util/mem.h"

#define SELF_FILE_MAX (256 * 1024)

/* Reads up to cap-1 bytes of a small /proc file into buf. Returns the length or -1. */
static ssize_t read_small(const char *path, char *buf, size_t cap)
{
    int fd;
    do
        fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
    while (fd < 0 && errno == EINTR);
    if (fd < 0)
        return -1;
    size_t n = 0;
    while (n + 1 < cap) {
        ssize_t got = read(fd, buf + n, cap - 1 - n);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0)
            break;
        n += (size_t)got;
    }
    close(fd);
    buf[n] = '\0';
    return (ssize_t)n;
}

static long parse_pid(const char *s)
{
    long v = 0;
    if (!*s)
        return -1;
    for (; *s; s++) {
        if (*s < '0' || *s > '9' || v > 4194304L)
            return -1;
        v = v * 10 + (*s - '0');
    }
    return v;
}

static ino_t ns_inode(const char *proc_dir, long pid)
{
    char path[256];
    snprintf(path, sizeof(path), "%s/%ld/ns/pid", proc_dir, pid);
    struct stat st;
    return stat(path, &st) == 0 ? st.st_ino : 0;
}

int ld_proc_scan(const char *proc_dir, ld_proc_table *t)
{
    memset(t, 0, sizeof(*t));
    t->proc_dir = ld_xstrdup(proc_dir);
    DIR *d = opendir(proc_dir);
    if (!d) {
        t->unreadable = true;
        return -1;
    }
    /* PID 1's namespace is the host's; where PID 1 is not readable (ptrace
     * restrictions), our own stands in: proc_dir is then the one we live in. */
    t->host_pidns = ns_inode(proc_dir, 1);
    if (!t->host_pidns) {
        char self[256];
        snprintf(self, sizeof(self), "%s/self/ns/pid", proc_dir);
        struct stat st;
        if (stat(self, &st) == 0)
            t->host_pidns = st.st_ino;
    }
    struct dirent *de;
    char path[256], buf[512];
    while ((de = readdir(d)) && t->n < LD_PROC_MAX) {
        long pid = parse_pid(de->d_name);
        if (pid <= 0)
            continue;
        ld_proc_entry e = {.pid = (pid_t)pid};
        snprintf(path, sizeof(path), "%s/%ld/stat", proc_dir, pid);
        ssize_t n = read_small(path, buf, sizeof(buf));
        if (n <= 0)
            continue; /* gone */
        /* "PID (COMM) S PPID ...": comm may hold ')' — take the last one. */
        char *open_p = strchr(buf, '('), *close_p = strrchr(buf, ')');
        if (!open_p || !close_p || close_p < open_p)
            continue;
        size_t cl = (size_t)(close_p - open_p - 1);
        if (cl > 16)
            cl = 16;
        memcpy(e.comm, open_p + 1, cl);
        e.comm[cl] = '\0';
        char state;
        long ppid;
        if (sscanf(close_p + 1, " %c %ld", &state, &ppid) == 2 && ppid >= 0)
            e.ppid = (pid_t)ppid;
        e.pidns = ns_inode(proc_dir, pid);
        ld_xgrow(&t->v, &t->cap, t->n + 1, sizeof(*t->v));
        t->v[t->n++] = e;
    }
    closedir(d);
    return 0;
}

void ld_proc_table_clear(ld_proc_table *t)
{
    free(t->v);
    free(t->proc_dir);
    memset(t, 0, sizeof(*t));
}

static const ld_proc_entry *find(const ld_proc_table *t, pid_t pid)
{
    for (size_t i = 0; i < t->n; i++)
        if (t->v[i].pid == pid)
            return &t->v[i];
    return NULL;
}

static void note(ld_container_procs *out, const ld_proc_entry *e)
{
    out->nproc++;
    if (!out->sshd && strcmp(e->comm, "sshd") == 0) {
        out->sshd = true;
        out->sshd_pid = e->pid;
    }
}

/* Whether e descends from root_pid (bounded walk up the ppid chain). */
static bool descends(const ld_proc_table *t, const ld_proc_entry *e, pid_t root_pid)
{
    for (int depth = 0; e && depth < 256; depth++) {
        if (e->pid == root_pid)
            return true;
        if (e->ppid <= 1)
            return false;
        e = find(t, e->ppid);
    }
    return false;
}

void ld_container_procs_unobserved(ld_container_procs *out, const char *fmt, ...)
{
    memset(out, 0, sizeof(*out));
    out->state = LD_PROCS_UNOBSERVED;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(out->why, sizeof(out->why), fmt, ap);
    va_end(ap);
}

/* Whether PROC/PID/cgroup or PROC/PID/cpuset names the container id: the
 * engine puts each container in a cgroup named after it (".../docker/ID",
 * "docker-ID.scope", "libpod-ID"). */
static bool pid_is_container(const char *proc_dir, long pid, const char *container_id)
{
    static const char *const files[] = {"cgroup", "cpuset"};
    char path[256];
    ld_autofree char *buf = ld_xmalloc(SELF_FILE_MAX);
    for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
        snprintf(path, sizeof(path), "%s/%ld/%s", proc_dir, pid, files[i]);
        if (read_small(path, buf, SELF_FILE_MAX) > 0 && strstr(buf, container_id))
            return true;
    }
    return false;
}

void ld_container_procs_get(const ld_proc_table *t, long pid, const char *container_id,
                            ld_container_procs *out)
{
    memset(out, 0, sizeof(*out));
    const char *proc_dir = t->proc_dir ? t->proc_dir : "/proc";
    if (pid <= 0) {
        out->state = LD_PROCS_NOT_RUNNING;
        snprintf(out->why, sizeof(out->why), "not running");
        return;
    }
    if (t->unreadable) {
        ld_container_procs_unobserved(out, "cannot read %s", proc_dir);
        return;
    }
    const ld_proc_entry *init = find(t, (pid_t)pid);
    if (!init || !init->pidns) {
        ld_container_procs_unobserved(out, "State.Pid %ld: no readable %s/%ld", pid, proc_dir, pid);
        return;
    }
    if (!container_id || strlen(container_id) < 12 ||
        !pid_is_container(proc_dir, pid, container_id)) {
        ld_container_procs_unobserved(out,
                                      "State.Pid %ld is not proven to be this container's: "
                                      "%s/%ld/cgroup and cpuset do not name it",
                                      pid, proc_dir, pid);
        return;
    }
    out->state = LD_PROCS_KNOWN;
    bool shared = init->pidns == t->host_pidns;
    for (size_t i = 0; i < t->n; i++) {
        const ld_proc_entry *e = &t->v[i];
        if (shared ? descends(t, e, (pid_t)pid) : e->pidns == init->pidns)
            note(out, e);
    }
    char path[256], buf[4096];
    snprintf(path, sizeof(path), "%s/%ld/status", proc_dir, pid);
    if (read_small(path, buf, sizeof(buf)) > 0) {
        const char *u = strstr(buf, "\nUid:");
        unsigned long uid;
        if (u && sscanf(u + 5, "%lu", &uid) == 1) {
            out->uid_known = true;
            out->uid = uid;
        }
    }
}

static bool is_hex64(const char *s)
{
    for (int i = 0; i < 64; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
            return false;
    return true;
}

/* First 64-hex id after one of the markers in text. */
static bool find_id(const char *text, const char *const *markers, char id[65])
{
    for (const char *const *m = markers; *m; m++) {
        size_t ml = strlen(*m);
        for (const char *p = strstr(text, *m); p; p = strstr(p + 1, *m)) {
            const char *s = p + ml;
            if (strnlen(s, 64) == 64 && is_hex64(s) &&
                !((s[64] >= '0' && s[64] <= '9') || (s[64] >= 'a' && s[64] <= 'f'))) {
                memcpy(id, s, 64);
                id[64] = '\0';
                return true;
            }
        }
    }
    return false;
}

bool ld_self_container(char id[65])
{
    id[0] = '\0';
    ld_autofree char *buf = ld_xmalloc(SELF_FILE_MAX);
    static const char *const cgroup_markers[] = {"/docker-", "/docker/", "/libpod-", NULL};
    static const char *const mount_markers[] = {"/containers/", "/overlay-containers/", NULL};
    bool in = access("/.dockerenv", F_OK) == 0 || access("/run/.containerenv", F_OK) == 0;
    if (read_small("/proc/self/cgroup", buf, SELF_FILE_MAX) > 0 && find_id(buf, cgroup_markers, id))
        return true;
    /* mountinfo: the container's /etc/hostname is a bind mount of
     * .../containers/ID/hostname (field 4 the source root, field 5 the mount
     * point). Only that line counts: the host's own mount table holds
     * .../containers/ID/mounts/shm for every running container. */
    if (read_small("/proc/self/mountinfo", buf, SELF_FILE_MAX) > 0) {
        char *save = NULL;
        for (char *line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
            char *f[5] = {0};
            char *fs = NULL, *q = line;
            for (int i = 0; i < 5 && (f[i] = strtok_r(q, " ", &fs)); i++)
                q = NULL;
            if (f[4] && strcmp(f[4], "/etc/hostname") == 0 && find_id(f[3], mount_markers, id))
                return true;
        }
    }
    return in;
}
