/* Reading /proc/PID for lockdown watch (proc_read.h): bounded reads into
 * fixed buffers, files opened beneath /proc without following links, and
 * the small parsers of stat, status, cmdline, cgroup and loginuid. */
#include "runtime/proc_read.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "runtime/cgroup_path.h"
#include "util/cleanup.h"

#ifndef SYS_openat2
#define SYS_openat2 437
#endif

#define STAT_MAX 1024   /* "pid (comm) state ppid ...": ~350 bytes; comm at most 64 */
#define STATUS_MAX 1024 /* Uid: and Gid: are the 9th and 10th lines */
#define CGROUP_FILE_MAX 4096
#define LOGINUID_MAX 32
#define CGROUP_CACHE_MS 1000 /* a cgroup dir of the same name may be made anew: look again */

/* ---- small bounded helpers ---------------------------------------------- */

static uint64_t monotonic_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* openat beneath dirfd, no symbolic link anywhere on the way. -1 with errno. */
static int open_beneath(ld_rt_proc_reader *r, int dirfd, const char *rel, int flags)
{
    /* openat2 refuses flags O_PATH does not take (O_NOCTTY among them) */
    if (!(flags & O_PATH))
        flags |= O_NOCTTY;
    if (!r->no_openat2) {
        struct open_how how = {
            .flags = (uint64_t)(flags | O_CLOEXEC),
            .resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS,
        };
        long fd;
        do
            fd = syscall(SYS_openat2, dirfd, rel, &how, sizeof how);
        while (fd < 0 && (errno == EINTR || errno == EAGAIN));
        if (fd >= 0 || errno != ENOSYS)
            return (int)fd;
        r->no_openat2 = true;
    }
    int fd;
    do
        fd = openat(dirfd, rel, flags | O_CLOEXEC | O_NOFOLLOW);
    while (fd < 0 && errno == EINTR);
    return fd;
}

/* Reads up to cap bytes of fd into buf (not NUL-terminated). The count, or
 * -1 when the first read fails. */
static ssize_t read_upto(int fd, char *buf, size_t cap)
{
    size_t n = 0;
    while (n < cap) {
        ssize_t got = read(fd, buf + n, cap - n);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0)
            return n ? (ssize_t)n : -1;
        if (got == 0)
            break;
        n += (size_t)got;
    }
    return (ssize_t)n;
}

/* Reads /proc/PID/name into buf (up to cap bytes). -1 if it cannot be read. */
static ssize_t read_pid_file(ld_rt_proc_reader *r, int32_t pid, const char *name, char *buf,
                             size_t cap)
{
    char rel[64];
    snprintf(rel, sizeof rel, "%d/%s", (int)pid, name);
    ld_autoclose int fd = open_beneath(r, r->proc_fd, rel, O_RDONLY | O_NONBLOCK);
    if (fd < 0)
        return -1;
    return read_upto(fd, buf, cap);
}

static bool at_line_start(const char *buf, const char *p)
{
    return p == buf || p[-1] == '\n';
}

/* An unsigned decimal of at most 20 digits into *out; *p advanced. */
static bool parse_u64(const char **p, const char *end, uint64_t *out)
{
    const char *s = *p;
    uint64_t v = 0;
    if (s >= end || *s < '0' || *s > '9')
        return false;
    while (s < end && *s >= '0' && *s <= '9') {
        if (__builtin_mul_overflow(v, 10u, &v) ||
            __builtin_add_overflow(v, (uint64_t)(*s - '0'), &v))
            return false;
        s++;
    }
    *p = s;
    *out = v;
    return true;
}

/* An optionally signed decimal that fits in int64. */
static bool parse_i64(const char **p, const char *end, int64_t *out)
{
    const char *s = *p;
    bool neg = s < end && *s == '-';
    if (neg)
        s++;
    uint64_t v;
    if (!parse_u64(&s, end, &v) || v > (uint64_t)INT64_MAX)
        return false;
    *p = s;
    *out = neg ? -(int64_t)v : (int64_t)v;
    return true;
}

static void skip_blanks(const char **p, const char *end)
{
    while (*p < end && (**p == ' ' || **p == '\t'))
        (*p)++;
}

/* ---- parsers ------------------------------------------------------------- */

int ld_rt_parse_proc_stat(const char *buf, size_t len, char comm[LD_RT_COMM_MAX], int32_t *ppid,
                          uint32_t *tty)
{
    const char *end = buf + len;
    const char *open = memchr(buf, '(', len);
    if (!open)
        return -1;
    const char *close = NULL;
    for (const char *q = end; q > open + 1;)
        if (*--q == ')') {
            close = q;
            break;
        }
    if (!close)
        return -1;
    /* after the comm: " S ppid pgrp session tty_nr" */
    const char *p = close + 1;
    if (end - p < 4 || p[0] != ' ' || p[2] != ' ')
        return -1;
    p += 3;
    int64_t fields[4]; /* ppid pgrp session tty_nr */
    for (int i = 0; i < 4; i++) {
        if (i && (p >= end || *p++ != ' '))
            return -1;
        if (!parse_i64(&p, end, &fields[i]))
            return -1;
    }
    if (fields[0] < 0 || fields[0] > INT32_MAX)
        return -1;
    size_t n = (size_t)(close - open - 1);
    if (n > LD_RT_COMM_MAX - 1)
        n = LD_RT_COMM_MAX - 1;
    memcpy(comm, open + 1, n);
    comm[n] = '\0';
    *ppid = (int32_t)fields[0];
    *tty = (uint32_t)(int32_t)fields[3]; /* the kernel prints the encoded dev_t as an int */
    return 0;
}

/* "Key:\tA\tB..." at a line start: the first two numbers after it. */
static int status_ids(const char *buf, size_t len, const char *key, uint32_t *a, uint32_t *b)
{
    size_t klen = strlen(key);
    const char *end = buf + len;
    for (const char *p = buf; p && p < end;) {
        const char *hit = memmem(p, (size_t)(end - p), key, klen);
        if (!hit)
            return -1;
        p = hit + klen;
        if (!at_line_start(buf, hit))
            continue;
        uint64_t v[2];
        for (int i = 0; i < 2; i++) {
            skip_blanks(&p, end);
            if (!parse_u64(&p, end, &v[i]) || v[i] > UINT32_MAX)
                return -1;
        }
        *a = (uint32_t)v[0];
        *b = (uint32_t)v[1];
        return 0;
    }
    return -1;
}

int ld_rt_parse_proc_status(const char *buf, size_t len, uint32_t *uid, uint32_t *euid,
                            uint32_t *gid)
{
    int found = 0;
    uint32_t a, b;
    if (status_ids(buf, len, "Uid:", &a, &b) == 0) {
        *uid = a;
        *euid = b;
        found |= 1;
    }
    if (status_ids(buf, len, "Gid:", &a, &b) == 0) {
        *gid = a;
        found |= 2;
    }
    return found;
}

size_t ld_rt_join_cmdline(const char *buf, size_t len, bool more_follows, char *out, size_t cap,
                          bool *truncated)
{
    *truncated = more_follows;
    if (!cap)
        return 0;
    while (len && buf[len - 1] == '\0')
        len--;
    if (len > cap - 1) {
        len = cap - 1;
        *truncated = true;
    }
    for (size_t i = 0; i < len; i++)
        out[i] = buf[i] ? buf[i] : ' ';
    out[len] = '\0';
    return len;
}

/* Copies the path [p, q) into out unless it does not fit. */
static bool copy_path(const char *p, const char *q, char *out, size_t cap)
{
    size_t n = (size_t)(q - p);
    if (!cap || n >= cap)
        return false;
    memcpy(out, p, n);
    out[n] = '\0';
    return true;
}

static bool controllers_have(const char *p, const char *q, const char *name)
{
    size_t nlen = strlen(name);
    while (p < q) {
        const char *comma = memchr(p, ',', (size_t)(q - p));
        const char *stop = comma ? comma : q;
        if ((size_t)(stop - p) == nlen && memcmp(p, name, nlen) == 0)
            return true;
        p = comma ? comma + 1 : q;
    }
    return false;
}

int ld_rt_parse_proc_cgroup(const char *buf, size_t len, char *v2, size_t v2_cap, char *memory,
                            size_t memory_cap)
{
    int found = 0;
    if (v2_cap)
        v2[0] = '\0';
    if (memory_cap)
        memory[0] = '\0';
    const char *end = buf + len;
    for (const char *line = buf; line < end;) {
        const char *nl = memchr(line, '\n', (size_t)(end - line));
        const char *eol = nl ? nl : end;
        const char *c1 = memchr(line, ':', (size_t)(eol - line));
        const char *c2 = c1 ? memchr(c1 + 1, ':', (size_t)(eol - c1 - 1)) : NULL;
        if (c2) {
            const char *path = c2 + 1;
            bool hier0 = c1 - line == 1 && line[0] == '0';
            if (hier0 && c2 == c1 + 1 && !(found & 1) && copy_path(path, eol, v2, v2_cap))
                found |= 1;
            else if (!(found & 2) && controllers_have(c1 + 1, c2, "memory") &&
                     copy_path(path, eol, memory, memory_cap))
                found |= 2;
        }
        line = eol + 1;
    }
    return found;
}

int ld_rt_parse_loginuid(const char *buf, size_t len, uint32_t *out)
{
    const char *p = buf, *end = buf + len;
    uint64_t v;
    if (!parse_u64(&p, end, &v) || v > UINT32_MAX)
        return -1;
    if (p < end && *p == '\n')
        p++;
    if (p != end)
        return -1;
    *out = (uint32_t)v;
    return 0;
}

bool ld_rt_exe_link_settle(char *link)
{
    static const char deleted[] = " (deleted)";
    size_t n = strlen(link), dn = sizeof deleted - 1;
    bool gone = false;
    if (n >= dn && memcmp(link + n - dn, deleted, dn) == 0) {
        link[n - dn] = '\0';
        gone = true;
    }
    return gone || strncmp(link, "/memfd:", 7) == 0;
}

bool ld_rt_cgroup_path_plain(const char *path)
{
    if (path[0] != '/')
        return false;
    if (!path[1])
        return true;
    for (const char *p = path + 1;;) {
        const char *slash = strchr(p, '/');
        size_t n = slash ? (size_t)(slash - p) : strlen(p);
        if (n == 0 || (n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.'))
            return false;
        if (!slash)
            return true;
        p = slash + 1;
    }
}

/* ---- the reader ----------------------------------------------------------- */

static int open_dir_path(const char *path)
{
    int fd;
    do
        fd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
    while (fd < 0 && errno == EINTR);
    return fd;
}

static bool has_entry(int dirfd, const char *name)
{
    struct stat st;
    return fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0;
}

int ld_rt_proc_reader_open(ld_rt_proc_reader *r, const char *proc_root, const char *cgroup_root,
                           ld_error *err)
{
    memset(r, 0, sizeof *r);
    r->proc_fd = r->cgroup2_fd = r->memory_fd = -1;
    r->proc_fd = open_dir_path(proc_root);
    if (r->proc_fd < 0)
        return ld_error_set_errno(err, LD_ERR_NOT_FOUND, errno, "%s: cannot open", proc_root);
    if (!cgroup_root)
        return 0;
    ld_autoclose int root = open_dir_path(cgroup_root);
    if (root < 0)
        return 0;
    /* hybrid hosts mount v2 at <root>/unified; pure v2 hosts at <root> */
    int unified = openat(root, "unified", O_PATH | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
    if (unified >= 0 && has_entry(unified, "cgroup.controllers"))
        r->cgroup2_fd = unified;
    else {
        if (unified >= 0)
            close(unified);
        if (has_entry(root, "cgroup.controllers"))
            r->cgroup2_fd = ld_steal_fd(&root);
    }
    int memory =
        root >= 0 ? openat(root, "memory", O_PATH | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW) : -1;
    if (memory >= 0 && r->cgroup2_fd != memory)
        r->memory_fd = memory;
    return 0;
}

void ld_rt_proc_reader_close(ld_rt_proc_reader *r)
{
    if (r->proc_fd >= 0)
        close(r->proc_fd);
    if (r->cgroup2_fd >= 0)
        close(r->cgroup2_fd);
    if (r->memory_fd >= 0)
        close(r->memory_fd);
    r->proc_fd = r->cgroup2_fd = r->memory_fd = -1;
}

/* The inode of the cgroup directory path (from /proc/PID/cgroup) beneath
 * the hierarchy at dirfd; 0 if it cannot be looked up. The last lookup is
 * remembered for a second (cache, cache_ino, cache_ms). */
static uint64_t cgroup_inode(ld_rt_proc_reader *r, int dirfd, const char *path, char *cache,
                             size_t cache_cap, uint64_t *cache_ino, uint64_t *cache_ms)
{
    if (dirfd < 0 || !ld_rt_cgroup_path_plain(path))
        return 0;
    uint64_t now = monotonic_ms();
    if (*cache_ino && now - *cache_ms < CGROUP_CACHE_MS && strcmp(cache, path) == 0)
        return *cache_ino;
    struct stat st;
    if (!path[1]) {
        if (fstat(dirfd, &st) < 0)
            return 0;
    } else {
        ld_autoclose int fd = open_beneath(r, dirfd, path + 1, O_PATH | O_DIRECTORY);
        if (fd < 0 || fstat(fd, &st) < 0)
            return 0;
    }
    if (strlen(path) < cache_cap) {
        memcpy(cache, path, strlen(path) + 1);
        *cache_ino = (uint64_t)st.st_ino;
        *cache_ms = now;
    }
    return (uint64_t)st.st_ino;
}

static void read_cgroups(ld_rt_proc_reader *r, int32_t pid, ld_rt_proc_info *out)
{
    char buf[CGROUP_FILE_MAX];
    ssize_t n = read_pid_file(r, pid, "cgroup", buf, sizeof buf);
    if (n < 0)
        return;
    size_t len = (size_t)n;
    if (len == sizeof buf) { /* cut: only whole lines count */
        while (len && buf[len - 1] != '\n')
            len--;
    }
    char v2[LD_RT_PATH_MAX], memory[LD_RT_PATH_MAX];
    int found = ld_rt_parse_proc_cgroup(buf, len, v2, sizeof v2, memory, sizeof memory);
    char id[LD_RT_CONTAINER_ID_LEN + 1];
    if (found & 1) {
        out->p.cgroup_id = cgroup_inode(r, r->cgroup2_fd, v2, r->last_cg2, sizeof r->last_cg2,
                                        &r->last_cg2_ino, &r->last_cg2_ms);
        if (ld_rt_cgroup_path_container(v2, strlen(v2), id, NULL) != LD_RT_CG_NONE)
            out->in_container = true;
    }
    if (found & 2) {
        out->p.cgroup_v1_id = cgroup_inode(r, r->memory_fd, memory, r->last_mem, sizeof r->last_mem,
                                           &r->last_mem_ino, &r->last_mem_ms);
        if (ld_rt_cgroup_path_container(memory, strlen(memory), id, NULL) != LD_RT_CG_NONE)
            out->in_container = true;
    }
    out->got |= LD_RT_PR_CGROUP;
}

static void read_exe(ld_rt_proc_reader *r, int32_t pid, ld_rt_proc_info *out)
{
    char rel[32];
    snprintf(rel, sizeof rel, "%d/exe", (int)pid);
    char *link = out->p.exepath;
    ssize_t n = readlinkat(r->proc_fd, rel, link, LD_RT_PATH_MAX - 1);
    if (n <= 0) {
        link[0] = '\0';
        return; /* a kernel thread, a zombie, or gone */
    }
    link[n] = '\0';
    out->p.exe_from_memfd = ld_rt_exe_link_settle(link);
    out->got |= LD_RT_PR_EXE;
}

int ld_rt_proc_reader_read(ld_rt_proc_reader *r, int32_t pid, unsigned parts, ld_rt_proc_info *out)
{
    memset(out, 0, sizeof *out);
    out->p.pid = pid;
    out->p.loginuid = (uint32_t)-1;
    if (pid <= 0 || r->proc_fd < 0)
        return -1;
    char buf[STAT_MAX];
    ssize_t n;
    if (parts & LD_RT_PR_STAT) {
        n = read_pid_file(r, pid, "stat", buf, sizeof buf);
        if (n > 0 &&
            ld_rt_parse_proc_stat(buf, (size_t)n, out->p.comm, &out->p.ppid, &out->p.tty) == 0)
            out->got |= LD_RT_PR_STAT;
        else if (n < 0 && errno == ENOENT)
            return -1; /* gone: nothing else to read */
    }
    if (parts & LD_RT_PR_STATUS) {
        n = read_pid_file(r, pid, "status", buf, STATUS_MAX);
        if (n > 0 &&
            (ld_rt_parse_proc_status(buf, (size_t)n, &out->p.uid, &out->p.euid, &out->p.gid) & 1))
            out->got |= LD_RT_PR_STATUS;
    }
    if (parts & LD_RT_PR_CMDLINE) {
        char raw[LD_RT_CMDLINE_MAX];
        n = read_pid_file(r, pid, "cmdline", raw, sizeof raw);
        if (n >= 0) {
            ld_rt_join_cmdline(raw, (size_t)n, (size_t)n == sizeof raw, out->p.cmdline,
                               sizeof out->p.cmdline, &out->p.cmdline_truncated);
            out->got |= LD_RT_PR_CMDLINE;
        }
    }
    if (parts & LD_RT_PR_EXE)
        read_exe(r, pid, out);
    if (parts & LD_RT_PR_CGROUP)
        read_cgroups(r, pid, out);
    if (parts & LD_RT_PR_LOGINUID) {
        n = read_pid_file(r, pid, "loginuid", buf, LOGINUID_MAX);
        if (n > 0 && ld_rt_parse_loginuid(buf, (size_t)n, &out->p.loginuid) == 0)
            out->got |= LD_RT_PR_LOGINUID;
    }
    return out->got ? 0 : -1;
}

int ld_rt_proc_read(const char *proc_root, int32_t pid, ld_rt_proc *out)
{
    ld_rt_proc_reader r;
    ld_error err = LD_ERROR_INIT;
    memset(out, 0, sizeof *out);
    if (ld_rt_proc_reader_open(&r, proc_root, "/sys/fs/cgroup", &err) < 0)
        return -1;
    ld_rt_proc_info info;
    int rc = ld_rt_proc_reader_read(&r, pid, LD_RT_PR_ALL, &info);
    ld_rt_proc_reader_close(&r);
    if (rc == 0)
        *out = info.p;
    return rc;
}
