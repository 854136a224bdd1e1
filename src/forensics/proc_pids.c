/* Which processes belong to a container (proc_collect.h): the pids in its
 * cgroup, found from /proc/INIT/cgroup and read from cgroup.procs of that
 * cgroup and every cgroup below it (a container may make its own), v2 first
 * (the "unified" mount on a hybrid host, else the root when it is v2), then
 * the v1 pids, memory, freezer and cpu hierarchies. Nothing the container
 * says is used: the kernel's cgroup membership decides. Directories are
 * opened beneath the cgroup mount without following links, and a path with
 * "." or ".." components, or the root cgroup itself (which would be the
 * whole host), is never used. The fallback, when no cgroup can be read, is
 * the init and its descendants from task/TID/children. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "forensics/proc_collect.h"
#include "forensics/proc_files.h"
#include "forensics/proc_text.h"
#include "runtime/proc_read.h"
#include "util/cleanup.h"
#include "util/mem.h"

#define CGROUP_FILE_MAX 65536
#define PROCS_FILE_MAX ((size_t)LD_FX_PIDS_MAX * 12 + 4096)
#define CHILDREN_MAX ((size_t)LD_FX_PIDS_MAX * 12)
#define CG_DEPTH_MAX 32
#define CG_DIRS_MAX 4096

typedef struct {
    pid_t *items;
    size_t n, cap;
    size_t dirs;    /* cgroup directories read */
    bool over;      /* more than LD_FX_PIDS_MAX */
    int read_errno; /* the first cgroup.procs that could not be read */
} pid_set;

static int cmp_pid(const void *a, const void *b)
{
    pid_t x = *(const pid_t *)a, y = *(const pid_t *)b;
    return (x > y) - (x < y);
}

/* Sorted, without duplicates, init first. False when init is not in it. */
static bool settle(pid_t *items, size_t *n, pid_t init_pid)
{
    if (*n == 0)
        return false;
    qsort(items, *n, sizeof(*items), cmp_pid);
    size_t k = 1;
    for (size_t i = 1; i < *n; i++)
        if (items[i] != items[k - 1])
            items[k++] = items[i];
    *n = k;
    size_t at = k;
    for (size_t i = 0; i < k; i++)
        if (items[i] == init_pid)
            at = i;
    if (at == k)
        return false;
    memmove(items + 1, items, at * sizeof(*items));
    items[0] = init_pid;
    return true;
}

/* cgroup.procs of dir_fd and of every cgroup below it. */
static void collect_cgroup(int dir_fd, unsigned depth, pid_set *set)
{
    if (set->over || set->dirs >= CG_DIRS_MAX)
        return;
    set->dirs++;
    size_t len;
    bool cut;
    int errnum;
    ld_autofree char *procs =
        ld_fx_read_at(dir_fd, "cgroup.procs", PROCS_FILE_MAX, &len, &cut, &errnum);
    if (!procs) {
        if (!set->read_errno)
            set->read_errno = errnum ? errnum : EIO;
        return;
    }
    size_t malformed = 0;
    if (cut || ld_fx_parse_pid_list(procs, len, &set->items, &set->n, &set->cap, LD_FX_PIDS_MAX,
                                    &malformed) < 0) {
        set->over = true;
        return;
    }
    if (depth >= CG_DEPTH_MAX)
        return;
    int dup_fd = fcntl(dir_fd, F_DUPFD_CLOEXEC, 0);
    if (dup_fd < 0)
        return;
    DIR *d = fdopendir(dup_fd);
    if (!d) {
        close(dup_fd);
        return;
    }
    struct dirent *de;
    while ((de = readdir(d)) != NULL && !set->over) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        struct stat st;
        if (de->d_type != DT_DIR &&
            (de->d_type != DT_UNKNOWN ||
             fstatat(dir_fd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISDIR(st.st_mode)))
            continue;
        int child;
        do
            child = openat(dir_fd, de->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        while (child < 0 && errno == EINTR);
        if (child < 0)
            continue;
        collect_cgroup(child, depth + 1, set);
        close(child);
    }
    closedir(d);
}

/* Appends "; what: why" to the reasons. */
static void reason(char *why, size_t cap, const char *what, const char *detail)
{
    size_t used = strlen(why);
    if (used + 4 < cap)
        snprintf(why + used, cap - used, "%s%s: %s", used ? "; " : "", what, detail);
}

/* The pids of cgroup path (as /proc/PID/cgroup names it) in the
 * hierarchy hier (a directory beneath root_fd; "" for the root itself).
 * 0 with *pids; -1 with a reason; LD_ERR_LIMIT when there are too many. */
static int try_hierarchy(int root_fd, const char *hier, ld_fx_span path_span, pid_t init_pid,
                         pid_t **pids, size_t *n, char *why, size_t why_cap, ld_error *err)
{
    char what[96];
    snprintf(what, sizeof what, "cgroup %s", hier[0] ? hier : "v2");
    if (path_span.n == 0 || path_span.n > 4096) {
        reason(why, why_cap, what, "no usable path");
        return -1;
    }
    ld_autofree char *path = ld_xstrndup(path_span.p, path_span.n);
    if (strlen(path) != path_span.n || !ld_rt_cgroup_path_plain(path)) {
        reason(why, why_cap, what, "the path is not plain (\".\" or \"..\" or empty components)");
        return -1;
    }
    if (strcmp(path, "/") == 0) {
        reason(why, why_cap, what, "the process is in the root cgroup (the whole host)");
        return -1;
    }
    ld_autoclose int hier_fd = -1;
    if (hier[0])
        hier_fd = ld_fx_open_beneath(root_fd, hier, O_PATH | O_DIRECTORY);
    else
        hier_fd = fcntl(root_fd, F_DUPFD_CLOEXEC, 0);
    if (hier_fd < 0) {
        reason(why, why_cap, what, strerror(errno));
        return -1;
    }
    ld_autoclose int dir_fd = ld_fx_open_beneath(hier_fd, path + 1, O_RDONLY | O_DIRECTORY);
    if (dir_fd < 0) {
        char detail[160];
        snprintf(detail, sizeof detail, "%.100s: %s", path, strerror(errno));
        reason(why, why_cap, what, detail);
        return -1;
    }
    pid_set set = {0};
    collect_cgroup(dir_fd, 0, &set);
    if (set.over) {
        free(set.items);
        return ld_error_set(err, LD_ERR_LIMIT,
                            "process %d: its cgroup %s holds more than %d processes", (int)init_pid,
                            path, LD_FX_PIDS_MAX);
    }
    if (!settle(set.items, &set.n, init_pid)) {
        free(set.items);
        char detail[200];
        if (set.read_errno)
            snprintf(detail, sizeof detail, "%.100s/cgroup.procs: %s", path,
                     strerror(set.read_errno));
        else
            snprintf(detail, sizeof detail, "%.100s does not hold process %d", path, (int)init_pid);
        reason(why, why_cap, what, detail);
        return -1;
    }
    *pids = set.items;
    *n = set.n;
    return 0;
}

/* Does rel exist beneath root_fd (no links followed)? */
static bool exists_beneath(int root_fd, const char *rel)
{
    int fd = ld_fx_open_beneath(root_fd, rel, O_PATH);
    if (fd < 0)
        return false;
    close(fd);
    return true;
}

/* A v1 hierarchy directory named by the controller list: one component. */
static bool plain_component(ld_fx_span s, char *out, size_t cap)
{
    if (s.n == 0 || s.n >= cap || memchr(s.p, '/', s.n) || memchr(s.p, '\0', s.n) ||
        (s.n <= 2 && s.p[0] == '.' && (s.n == 1 || s.p[1] == '.')))
        return false;
    memcpy(out, s.p, s.n);
    out[s.n] = '\0';
    return true;
}

int ld_fx_container_pids_at(const char *proc_root, pid_t init_pid, const char *cgroup_root,
                            pid_t **pids, size_t *n, ld_error *err)
{
    *pids = NULL;
    *n = 0;
    if (init_pid <= 0 || init_pid > LD_FX_PID_LIMIT)
        return ld_error_set(err, LD_ERR_INVALID, "%d is not a process id", (int)init_pid);
    const char *proc = proc_root ? proc_root : "/proc";
    ld_autoclose int proc_fd = ld_fx_open_root(proc);
    if (proc_fd < 0)
        return ld_error_set_errno(err, LD_ERR_GENERIC, errno, "%s", proc);
    char rel[32];
    snprintf(rel, sizeof rel, "%d/cgroup", (int)init_pid);
    ld_autoclose int cg_file = ld_fx_open_beneath(proc_fd, rel, O_RDONLY);
    if (cg_file < 0) {
        int e = errno;
        return ld_error_set_errno(err, ld_fx_errno_gone(e) ? LD_ERR_NOT_FOUND : LD_ERR_GENERIC, e,
                                  "process %d: %s/%s", (int)init_pid, proc, rel);
    }
    size_t len;
    bool cut;
    int errnum;
    ld_autofree char *text = ld_fx_read_fd(cg_file, CGROUP_FILE_MAX, &len, &cut, &errnum);
    if (!text)
        return ld_error_set_errno(err, ld_fx_errno_gone(errnum) ? LD_ERR_NOT_FOUND : LD_ERR_GENERIC,
                                  errnum, "process %d: %s/%s", (int)init_pid, proc, rel);
    ld_fx_cgroup_paths paths;
    ld_fx_parse_cgroup(text, len, &paths);

    const char *croot = cgroup_root ? cgroup_root : "/sys/fs/cgroup";
    ld_autoclose int root_fd = ld_fx_open_root(croot);
    if (root_fd < 0)
        return ld_error_set_errno(err, LD_ERR_NOT_FOUND, errno, "cgroup mount %s", croot);

    char why[1024] = "";
    if (paths.v2.p) {
        const char *hier = NULL;
        if (exists_beneath(root_fd, "unified/cgroup.controllers"))
            hier = "unified";
        else if (exists_beneath(root_fd, "cgroup.controllers"))
            hier = "";
        if (hier) {
            int rc =
                try_hierarchy(root_fd, hier, paths.v2, init_pid, pids, n, why, sizeof why, err);
            if (rc == 0 || rc == LD_ERR_LIMIT)
                return rc;
        } else {
            reason(why, sizeof why, "cgroup v2", "not mounted");
        }
    }
    for (unsigned i = 0; i < LD_FX_CG_V1_N; i++) {
        if (!paths.v1_path[i].p)
            continue;
        char dir[128];
        if (!plain_component(paths.v1_dir[i], dir, sizeof dir)) {
            reason(why, sizeof why, ld_fx_cg_v1_name(i), "odd hierarchy name");
            continue;
        }
        int rc =
            try_hierarchy(root_fd, dir, paths.v1_path[i], init_pid, pids, n, why, sizeof why, err);
        if (rc == 0 || rc == LD_ERR_LIMIT)
            return rc;
    }
    return ld_error_set(err, LD_ERR_NOT_FOUND, "process %d: no cgroup of it could be read (%s)",
                        (int)init_pid, why[0] ? why : "no cgroup in its cgroup file");
}

int ld_fx_container_pids(pid_t init_pid, const char *cgroup_root, pid_t **pids, size_t *n,
                         ld_error *err)
{
    return ld_fx_container_pids_at(NULL, init_pid, cgroup_root, pids, n, err);
}

/* ---- descendants ---------------------------------------------------------------- */

static bool bit_test_set(unsigned char *seen, pid_t pid)
{
    unsigned char mask = (unsigned char)(1u << ((unsigned)pid & 7u));
    bool was = seen[(unsigned)pid >> 3] & mask;
    seen[(unsigned)pid >> 3] |= mask;
    return was;
}

/* The children of every thread of pid, appended to *kids. */
static void children_of(int proc_fd, pid_t pid, pid_t **kids, size_t *n, size_t *cap)
{
    char rel[32];
    snprintf(rel, sizeof rel, "%d/task", (int)pid);
    int task_fd = ld_fx_open_beneath(proc_fd, rel, O_RDONLY | O_DIRECTORY);
    if (task_fd < 0)
        return;
    DIR *d = fdopendir(task_fd);
    if (!d) {
        close(task_fd);
        return;
    }
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        int64_t tid;
        if (!ld_fx_parse_dec_name(de->d_name, strlen(de->d_name), LD_FX_PID_LIMIT, &tid))
            continue;
        char crel[48];
        snprintf(crel, sizeof crel, "%d/children", (int)tid);
        int fd = ld_fx_open_beneath(dirfd(d), crel, O_RDONLY | O_NONBLOCK);
        if (fd < 0)
            continue;
        size_t len;
        bool cut;
        int errnum;
        char *text = ld_fx_read_fd(fd, CHILDREN_MAX, &len, &cut, &errnum);
        close(fd);
        if (!text)
            continue;
        size_t malformed = 0;
        ld_fx_parse_pid_list(text, len, kids, n, cap, LD_FX_PIDS_MAX, &malformed);
        free(text);
    }
    closedir(d);
}

int ld_fx_descendants_at(const char *proc_root, pid_t init_pid, pid_t **pids, size_t *n,
                         ld_error *err)
{
    *pids = NULL;
    *n = 0;
    if (init_pid <= 0 || init_pid > LD_FX_PID_LIMIT)
        return ld_error_set(err, LD_ERR_INVALID, "%d is not a process id", (int)init_pid);
    const char *proc = proc_root ? proc_root : "/proc";
    ld_autoclose int proc_fd = ld_fx_open_root(proc);
    if (proc_fd < 0)
        return ld_error_set_errno(err, LD_ERR_GENERIC, errno, "%s", proc);
    char rel[24];
    snprintf(rel, sizeof rel, "%d", (int)init_pid);
    int init_dir = ld_fx_open_beneath(proc_fd, rel, O_PATH | O_DIRECTORY);
    if (init_dir < 0)
        return ld_error_set_errno(err, LD_ERR_NOT_FOUND, errno, "process %d", (int)init_pid);
    close(init_dir);

    ld_autofree unsigned char *seen = ld_xcalloc(LD_FX_PID_LIMIT / 8 + 1, 1);
    pid_t *list = NULL;
    size_t count = 0, cap = 0;
    ld_xgrow(&list, &cap, 1, sizeof(*list));
    list[count++] = init_pid;
    bit_test_set(seen, init_pid);
    ld_autofree pid_t *kids = NULL;
    size_t kids_cap = 0;
    for (size_t i = 0; i < count; i++) {
        size_t nk = 0;
        children_of(proc_fd, list[i], &kids, &nk, &kids_cap);
        for (size_t k = 0; k < nk; k++) {
            if (bit_test_set(seen, kids[k]))
                continue;
            if (count >= LD_FX_PIDS_MAX) {
                free(list);
                return ld_error_set(err, LD_ERR_LIMIT, "process %d has more than %d descendants",
                                    (int)init_pid, LD_FX_PIDS_MAX);
            }
            ld_xgrow(&list, &cap, count + 1, sizeof(*list));
            list[count++] = kids[k];
        }
    }
    settle(list, &count, init_pid);
    *pids = list;
    *n = count;
    return 0;
}

int ld_fx_descendants(pid_t init_pid, pid_t **pids, size_t *n, ld_error *err)
{
    return ld_fx_descendants_at(NULL, init_pid, pids, n, err);
}
