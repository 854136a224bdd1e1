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
/* PROC/PID/cgroup and cpuset of a container's init: a few lines each. One
 * larger than this is read cut short, and a cut that hides the container's
 * id leaves its facts unobserved, never wrong. Kept small: it is read once
 * per container, and an audit may have thousands. */
#define CGROUP_FILE_MAX (64 * 1024)

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
    ld_proc_table_index(t);
    return 0;
}

void ld_proc_table_clear(ld_proc_table *t)
{
    free(t->v);
    free(t->proc_dir);
    free(t->by_pid);
    free(t->by_ppid);
    memset(t, 0, sizeof(*t));
}

/* Positions sorted by (key, position): stable, so of two entries with one
 * pid (a fake /proc can hold "1" and "01") the first in v comes first. */
static void sort_positions(const ld_proc_table *t, size_t *pos, bool by_parent)
{
    /* counting would need the pid range; a merge sort keeps it O(n log n) */
    size_t n = t->n;
    size_t *tmp = ld_xmalloc((n ? n : 1) * sizeof(*tmp));
    for (size_t i = 0; i < n; i++)
        pos[i] = i;
    for (size_t width = 1; width < n; width *= 2) {
        for (size_t lo = 0; lo < n; lo += 2 * width) {
            size_t mid = lo + width < n ? lo + width : n;
            size_t hi = lo + 2 * width < n ? lo + 2 * width : n;
            size_t a = lo, b = mid, k = lo;
            while (a < mid && b < hi) {
                pid_t ka = by_parent ? t->v[pos[a]].ppid : t->v[pos[a]].pid;
                pid_t kb = by_parent ? t->v[pos[b]].ppid : t->v[pos[b]].pid;
                tmp[k++] = kb < ka ? pos[b++] : pos[a++];
            }
            while (a < mid)
                tmp[k++] = pos[a++];
            while (b < hi)
                tmp[k++] = pos[b++];
        }
        memcpy(pos, tmp, n * sizeof(*pos));
    }
    free(tmp);
}

void ld_proc_table_index(ld_proc_table *t)
{
    free(t->by_pid);
    free(t->by_ppid);
    t->by_pid = ld_xmalloc((t->n ? t->n : 1) * sizeof(*t->by_pid));
    t->by_ppid = ld_xmalloc((t->n ? t->n : 1) * sizeof(*t->by_ppid));
    sort_positions(t, t->by_pid, false);
    sort_positions(t, t->by_ppid, true);
}

/* First position in order (by pid or ppid) whose key is not below key. */
static size_t lower_bound(const ld_proc_table *t, const size_t *order, bool by_parent, pid_t key)
{
    size_t lo = 0, hi = t->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        pid_t k = by_parent ? t->v[order[mid]].ppid : t->v[order[mid]].pid;
        if (k < key)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static const ld_proc_entry *find(const ld_proc_table *t, pid_t pid)
{
    size_t i = lower_bound(t, t->by_pid, false, pid);
    return i < t->n && t->v[t->by_pid[i]].pid == pid ? &t->v[t->by_pid[i]] : NULL;
}

static void note(ld_container_procs *out, const ld_proc_entry *e)
{
    out->nproc++;
    if (!out->sshd && strcmp(e->comm, "sshd") == 0) {
        out->sshd = true;
        out->sshd_pid = e->pid;
    }
}

/* Deepest descendant counted below a container's init: as far as a walk
 * up the parent chain would look. */
#define DESCENT_MAX_DEPTH 255

/* Marks in `in` (one flag per entry of t->v) root_pid and its descendants
 * down to DESCENT_MAX_DEPTH generations, walking parent -> children
 * through t->by_ppid: O(descendants), not O(n) walks up the chain per
 * process. Children of PID 0 and 1 are not followed (everything descends
 * from init). Each entry is marked once, so a cycle in a fake /proc ends. */
static void mark_descendants(const ld_proc_table *t, pid_t root_pid, unsigned char *in)
{
    size_t *queue = ld_xmalloc((t->n ? t->n : 1) * sizeof(*queue));
    int *depth = ld_xmalloc((t->n ? t->n : 1) * sizeof(*depth));
    size_t head = 0, tail = 0;
    for (size_t i = lower_bound(t, t->by_pid, false, root_pid);
         i < t->n && t->v[t->by_pid[i]].pid == root_pid; i++) {
        size_t at = t->by_pid[i];
        in[at] = 1;
        queue[tail] = at;
        depth[tail++] = 0;
    }
    while (head < tail) {
        size_t at = queue[head];
        int d = depth[head++];
        pid_t pid = t->v[at].pid;
        if (pid <= 1 || d >= DESCENT_MAX_DEPTH)
            continue;
        for (size_t i = lower_bound(t, t->by_ppid, true, pid);
             i < t->n && t->v[t->by_ppid[i]].ppid == pid; i++) {
            size_t child = t->by_ppid[i];
            if (in[child])
                continue;
            in[child] = 1;
            queue[tail] = child;
            depth[tail++] = d + 1;
        }
    }
    free(queue);
    free(depth);
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
    ld_autofree char *buf = ld_xmalloc(CGROUP_FILE_MAX);
    for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
        snprintf(path, sizeof(path), "%s/%ld/%s", proc_dir, pid, files[i]);
        if (read_small(path, buf, CGROUP_FILE_MAX) > 0 && strstr(buf, container_id))
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
    if (t->n && (!t->by_pid || !t->by_ppid)) { /* filled by hand: index a shallow copy */
        ld_proc_table indexed = *t;
        indexed.by_pid = indexed.by_ppid = NULL;
        ld_proc_table_index(&indexed);
        ld_container_procs_get(&indexed, pid, container_id, out);
        free(indexed.by_pid);
        free(indexed.by_ppid);
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
    unsigned char *in = NULL;
    if (shared) {
        in = ld_xcalloc(t->n, 1);
        mark_descendants(t, (pid_t)pid, in);
    }
    for (size_t i = 0; i < t->n; i++) { /* in table order: the first sshd is reported */
        const ld_proc_entry *e = &t->v[i];
        if (shared ? in[i] : e->pidns == init->pidns)
            note(out, e);
    }
    free(in);
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
