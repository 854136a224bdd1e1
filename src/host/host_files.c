/* Host files under a root, resolved inside it; passwd/group lookups from the
 * root's own files. See host_files.h. */
#include "host/host_files.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
#ifdef SYS_openat2
#include <linux/openat2.h>
#endif

#include "util/cleanup.h"
#include "util/mem.h"

#define ACCOUNT_FILE_MAX ((size_t)4 * 1024 * 1024)

bool ld_host_root_is_slash(const char *root)
{
    if (!root)
        return true;
    for (const char *p = root; *p; p++)
        if (*p != '/')
            return false;
    return true;
}

/* Opens rel under rootfd, never leaving the root: openat2(RESOLVE_IN_ROOT)
 * where the kernel has it, else a component walk that refuses symlinks.
 * nofollow_last: the last component is opened O_PATH|O_NOFOLLOW (for lstat).
 * Returns an fd or -errno. */
static int open_in_root(int rootfd, const char *rel, int flags, bool nofollow_last)
{
    if (nofollow_last)
        flags = O_PATH | O_NOFOLLOW | O_CLOEXEC;
#ifdef SYS_openat2
    struct open_how how = {
        .flags = (unsigned long long)flags,
        .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
    };
    long fd;
    do
        fd = syscall(SYS_openat2, rootfd, rel, &how, sizeof(how));
    while (fd < 0 && errno == EINTR);
    if (fd >= 0)
        return (int)fd;
    if (errno != ENOSYS && errno != EPERM)
        return -errno;
#endif
    ld_autofree char *copy = ld_xstrdup(rel);
    ld_autoclose int dir = -1;
    int at = rootfd;
    char *save = NULL;
    char *part = strtok_r(copy, "/", &save);
    if (!part) { /* the root itself */
        int fd0 = openat(rootfd, ".", flags);
        return fd0 < 0 ? -errno : fd0;
    }
    while (part) {
        char *next = strtok_r(NULL, "/", &save);
        if (strcmp(part, "..") == 0)
            return -EPERM;
        int o = next ? (O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC) : (flags | O_NOFOLLOW);
        int fd2;
        do
            fd2 = openat(at, part, o);
        while (fd2 < 0 && errno == EINTR);
        if (fd2 < 0)
            return -errno;
        if (dir >= 0)
            close(dir);
        dir = fd2;
        at = fd2;
        part = next;
    }
    return ld_steal_fd(&dir);
}

static int open_under(const char *root, const char *path, int flags, bool nofollow_last)
{
    flags |= O_CLOEXEC;
    if (ld_host_root_is_slash(root)) {
        int fd;
        int f = nofollow_last ? (O_PATH | O_NOFOLLOW | O_CLOEXEC) : flags;
        do
            fd = open(path, f);
        while (fd < 0 && errno == EINTR);
        return fd < 0 ? -errno : fd;
    }
    ld_autoclose int rootfd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (rootfd < 0)
        return -errno;
    while (*path == '/')
        path++;
    return open_in_root(rootfd, *path ? path : ".", flags, nofollow_last);
}

int ld_host_open(const char *root, const char *path, int flags)
{
    return open_under(root, path, O_RDONLY | O_NOCTTY | flags, false);
}

int ld_host_lstat(const char *root, const char *path, struct stat *st)
{
    int fd = open_under(root, path, 0, true);
    if (fd < 0)
        return fd;
    int rc = fstat(fd, st) < 0 ? -errno : 0;
    close(fd);
    return rc;
}

int ld_host_stat(const char *root, const char *path, struct stat *st)
{
    int fd = open_under(root, path, O_PATH, false);
    if (fd < 0)
        return fd;
    int rc = fstat(fd, st) < 0 ? -errno : 0;
    close(fd);
    return rc;
}

int ld_host_read_file(const char *root, const char *path, size_t max, char **out, size_t *len,
                      ld_error *err)
{
    *out = NULL;
    *len = 0;
    ld_autoclose int fd = ld_host_open(root, path, O_NONBLOCK);
    if (fd < 0)
        return ld_error_set_errno(err, fd == -ENOENT ? LD_ERR_NOT_FOUND : LD_ERR_GENERIC, -fd,
                                  "cannot open \"%s\"", path);
    struct stat st;
    if (fstat(fd, &st) < 0)
        return ld_error_set_errno(err, LD_ERR_GENERIC, errno, "cannot stat \"%s\"", path);
    if (!S_ISREG(st.st_mode))
        return ld_error_set(err, LD_ERR_CORRUPT, "\"%s\" is not a regular file", path);
    size_t cap = (size_t)st.st_size < max ? (size_t)st.st_size + 1 : max + 1;
    if (cap < 4096)
        cap = 4096 < max + 1 ? 4096 : max + 1;
    ld_autofree char *buf = ld_xmalloc(cap + 1);
    size_t n = 0;
    for (;;) {
        if (n == cap) {
            if (cap > max)
                return ld_error_set(err, LD_ERR_LIMIT, "\"%s\" is larger than %zu bytes", path,
                                    max);
            cap = cap * 2 > max + 1 ? max + 1 : cap * 2;
            buf = ld_xrealloc(buf, cap + 1);
        }
        ssize_t got = read(fd, buf + n, cap - n);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0)
            return ld_error_set_errno(err, LD_ERR_GENERIC, errno, "cannot read \"%s\"", path);
        if (got == 0)
            break;
        n += (size_t)got;
        if (n > max)
            return ld_error_set(err, LD_ERR_LIMIT, "\"%s\" is larger than %zu bytes", path, max);
    }
    buf[n] = '\0';
    *len = n;
    *out = ld_steal_ptr(&buf);
    return 0;
}

/* Field `idx` (0-based) of a ':'-separated line [p, end) into a new string. */
static char *field(const char *p, const char *end, int idx)
{
    for (int i = 0; i < idx; i++) {
        const char *c = memchr(p, ':', (size_t)(end - p));
        if (!c)
            return NULL;
        p = c + 1;
    }
    const char *c = memchr(p, ':', (size_t)(end - p));
    return ld_xstrndup(p, c ? (size_t)(c - p) : (size_t)(end - p));
}

static bool parse_id(const char *s, unsigned long *out)
{
    if (!s || !*s)
        return false;
    unsigned long v = 0;
    for (; *s; s++) {
        if (*s < '0' || *s > '9' || __builtin_mul_overflow(v, 10UL, &v) ||
            __builtin_add_overflow(v, (unsigned long)(*s - '0'), &v) || v > UINT32_MAX)
            return false;
    }
    *out = v;
    return true;
}

typedef int (*line_fn)(const char *p, const char *end, void *ctx);

/* Calls fn for each line of ROOT/path; stops when fn returns non-zero and
 * returns that. A missing file is 0 (no lines). A file that exists but
 * cannot be read is 0 too when err is NULL; with err, it is < 0 and err
 * says why (callers that must not mistake "unreadable" for "empty"). */
static int each_line_checked(const char *root, const char *path, line_fn fn, void *ctx,
                             ld_error *err)
{
    ld_error rerr = LD_ERROR_INIT;
    ld_autofree char *text = NULL;
    size_t len = 0;
    if (ld_host_read_file(root, path, ACCOUNT_FILE_MAX, &text, &len, &rerr) < 0) {
        if (!err || rerr.code == LD_ERR_NOT_FOUND)
            return 0;
        *err = rerr;
        return rerr.code < 0 ? rerr.code : LD_ERR_GENERIC;
    }
    const char *p = text, *end = text + len;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *le = nl ? nl : end;
        if (le > p && *p != '#') {
            int rc = fn(p, le, ctx);
            if (rc)
                return rc;
        }
        p = nl ? nl + 1 : end;
    }
    return 0;
}

static int each_line(const char *root, const char *path, line_fn fn, void *ctx)
{
    return each_line_checked(root, path, fn, ctx, NULL);
}

typedef struct {
    unsigned long id;
    char *name;
} name_lookup;

static int find_name(const char *p, const char *end, void *ctx)
{
    name_lookup *l = ctx;
    ld_autofree char *id = field(p, end, 2);
    unsigned long v;
    if (!parse_id(id, &v) || v != l->id)
        return 0;
    l->name = field(p, end, 0);
    return 1;
}

char *ld_host_user_name(const char *root, uid_t uid)
{
    name_lookup l = {.id = uid};
    each_line(root, "/etc/passwd", find_name, &l);
    return l.name ? l.name : ld_xasprintf("%lu", (unsigned long)uid);
}

char *ld_host_group_name(const char *root, gid_t gid)
{
    name_lookup l = {.id = gid};
    each_line(root, "/etc/group", find_name, &l);
    return l.name ? l.name : ld_xasprintf("%lu", (unsigned long)gid);
}

typedef struct {
    const char *name;
    ld_strlist *out;
    bool found;
    unsigned long gid;
} group_scan;

static int scan_group(const char *p, const char *end, void *ctx)
{
    group_scan *g = ctx;
    ld_autofree char *name = field(p, end, 0);
    if (!name || strcmp(name, g->name) != 0)
        return 0;
    ld_autofree char *gid = field(p, end, 2);
    if (!parse_id(gid, &g->gid))
        return 0;
    g->found = true;
    ld_autofree char *members = field(p, end, 3);
    char *save = NULL;
    for (char *m = members ? strtok_r(members, ",", &save) : NULL; m;
         m = strtok_r(NULL, ",", &save)) {
        while (*m == ' ')
            m++;
        if (*m && !ld_strlist_contains(g->out, m))
            ld_strlist_push(g->out, m);
    }
    return 1;
}

static int scan_primary(const char *p, const char *end, void *ctx)
{
    group_scan *g = ctx;
    ld_autofree char *gid = field(p, end, 3);
    unsigned long v;
    if (!parse_id(gid, &v) || v != g->gid)
        return 0;
    ld_autofree char *name = field(p, end, 0);
    if (name && *name && !ld_strlist_contains(g->out, name))
        ld_strlist_push(g->out, name);
    return 0;
}

int ld_host_group_members(const char *root, const char *name, ld_strlist *out, gid_t *gid_out,
                          ld_error *err)
{
    group_scan g = {.name = name, .out = out};
    int rc = each_line_checked(root, "/etc/group", scan_group, &g, err);
    if (rc < 0)
        return rc;
    if (!g.found)
        return 0;
    rc = each_line_checked(root, "/etc/passwd", scan_primary, &g, err);
    if (rc < 0)
        return rc;
    if (gid_out)
        *gid_out = (gid_t)g.gid;
    return 1;
}
