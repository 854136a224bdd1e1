/* The cgroup side of freezing a container: /proc/PID/cgroup, cgroup.events
 * and freezer.state parsers, the walk beneath a cgroup mount, and the
 * freeze/thaw writes the watchdog also makes (see freeze_cgroup.h). */
#include "forensics/freeze_cgroup.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "util/cleanup.h"

/* An absolute path with no empty, "." or ".." component and no NUL ("/" is fine). */
static bool path_plain(const char *p, size_t n)
{
    if (n == 0 || p[0] != '/' || memchr(p, '\0', n))
        return false;
    if (n == 1)
        return true;
    for (size_t i = 1; i <= n;) {
        const char *slash = memchr(p + i, '/', n - i);
        size_t end = slash ? (size_t)(slash - p) : n;
        size_t clen = end - i;
        if (clen == 0 || (clen == 1 && p[i] == '.') ||
            (clen == 2 && p[i] == '.' && p[i + 1] == '.'))
            return false;
        if (clen > NAME_MAX)
            return false;
        i = end + 1;
    }
    return true;
}

/* ---- parsers ---------------------------------------------------------------- */

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

static bool take_path(const char *p, size_t n, char *out, size_t cap)
{
    if (!cap || n >= cap || n >= LD_FX_CGROUP_PATH_MAX || !path_plain(p, n))
        return false;
    memcpy(out, p, n);
    out[n] = '\0';
    return true;
}

int ld_fx_parse_proc_cgroup(const char *buf, size_t len, char *v2, size_t v2_cap, char *freezer,
                            size_t freezer_cap)
{
    int found = 0;
    if (v2_cap)
        v2[0] = '\0';
    if (freezer_cap)
        freezer[0] = '\0';
    const char *end = buf + len;
    for (const char *line = buf; line < end;) {
        const char *nl = memchr(line, '\n', (size_t)(end - line));
        const char *eol = nl ? nl : end;
        const char *c1 = memchr(line, ':', (size_t)(eol - line));
        const char *c2 = c1 ? memchr(c1 + 1, ':', (size_t)(eol - c1 - 1)) : NULL;
        if (c1 && c2 && c1 > line) {
            bool digits = true;
            for (const char *d = line; d < c1; d++)
                if (*d < '0' || *d > '9')
                    digits = false;
            bool hier0 = c1 - line == 1 && line[0] == '0';
            const char *path = c2 + 1;
            size_t plen = (size_t)(eol - path);
            if (digits && hier0 && c2 == c1 + 1) {
                if (!(found & LD_FX_CG_HAVE_V2) && take_path(path, plen, v2, v2_cap))
                    found |= LD_FX_CG_HAVE_V2;
            } else if (digits && !hier0 && !(found & LD_FX_CG_HAVE_FREEZER) &&
                       controllers_have(c1 + 1, c2, "freezer") &&
                       take_path(path, plen, freezer, freezer_cap)) {
                found |= LD_FX_CG_HAVE_FREEZER;
            }
        }
        line = eol + 1;
    }
    return found;
}

int ld_fx_parse_cgroup_events_frozen(const char *buf, size_t len)
{
    static const char key[] = "frozen ";
    const size_t klen = sizeof key - 1;
    const char *end = buf + len;
    for (const char *line = buf; line < end;) {
        const char *nl = memchr(line, '\n', (size_t)(end - line));
        const char *eol = nl ? nl : end;
        if ((size_t)(eol - line) == klen + 1 && memcmp(line, key, klen) == 0) {
            if (line[klen] == '1')
                return 1;
            if (line[klen] == '0')
                return 0;
            return -1;
        }
        line = eol + 1;
    }
    return -1;
}

ld_fx_v1_state ld_fx_parse_freezer_state(const char *buf, size_t len)
{
    if (len > 0 && buf[len - 1] == '\n')
        len--;
    static const struct {
        const char *text;
        ld_fx_v1_state state;
    } names[] = {
        {"THAWED", LD_FX_V1_THAWED},
        {"FREEZING", LD_FX_V1_FREEZING},
        {"FROZEN", LD_FX_V1_FROZEN},
    };
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        if (strlen(names[i].text) == len && memcmp(buf, names[i].text, len) == 0)
            return names[i].state;
    return LD_FX_V1_UNKNOWN;
}

/* ---- opening ---------------------------------------------------------------- */

int ld_fx_cgroup_open_beneath(int mount_fd, const char *path)
{
    size_t n = strlen(path);
    if (!path_plain(path, n))
        return -EINVAL;
    int cur = -1;
    do
        cur = openat(mount_fd, ".", O_PATH | O_DIRECTORY | O_CLOEXEC);
    while (cur < 0 && errno == EINTR);
    if (cur < 0)
        return -errno;
    char comp[NAME_MAX + 1];
    for (size_t i = 1; i < n;) {
        const char *slash = memchr(path + i, '/', n - i);
        size_t stop = slash ? (size_t)(slash - path) : n;
        memcpy(comp, path + i, stop - i); /* path_plain capped it at NAME_MAX */
        comp[stop - i] = '\0';
        int next;
        do
            next = openat(cur, comp, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        while (next < 0 && errno == EINTR);
        int saved = errno;
        close(cur);
        if (next < 0)
            return -saved;
        cur = next;
        i = stop + 1;
    }
    return cur;
}

static int open_dir(const char *path)
{
    int fd;
    do
        fd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
    while (fd < 0 && errno == EINTR);
    return fd;
}

static int open_if_holds(const char *dir, const char *file)
{
    ld_autoclose int fd = open_dir(dir);
    if (fd < 0 || faccessat(fd, file, F_OK, AT_SYMLINK_NOFOLLOW) != 0)
        return -1;
    return ld_steal_fd(&fd);
}

/* Opens DIR (root + suffix) into *fd and *path when it holds file. */
static void try_mount(const char *root, const char *suffix, const char *file, int *fd, char *path,
                      size_t cap)
{
    int n = snprintf(path, cap, "%s%s", root, suffix);
    if (n > 0 && (size_t)n < cap)
        *fd = open_if_holds(path, file);
    if (*fd < 0)
        path[0] = '\0';
}

void ld_fx_cgroup_mounts_open(const char *cgroup_root, ld_fx_cgroup_mounts *m)
{
    const char *root = cgroup_root ? cgroup_root : "/sys/fs/cgroup";
    m->v2_fd = -1;
    m->freezer_fd = -1;
    try_mount(root, "/unified", "cgroup.controllers", &m->v2_fd, m->v2_path, sizeof m->v2_path);
    if (m->v2_fd < 0)
        try_mount(root, "", "cgroup.controllers", &m->v2_fd, m->v2_path, sizeof m->v2_path);
    try_mount(root, "/freezer", "cgroup.procs", &m->freezer_fd, m->freezer_path,
              sizeof m->freezer_path);
}

void ld_fx_cgroup_mounts_close(ld_fx_cgroup_mounts *m)
{
    if (m->v2_fd >= 0)
        close(m->v2_fd);
    if (m->freezer_fd >= 0)
        close(m->freezer_fd);
    m->v2_fd = m->freezer_fd = -1;
}

/* ---- state and writes (async-signal-safe) --------------------------------- */

ssize_t ld_fx_state_read(int fd, char *buf, size_t cap)
{
    if (cap == 0)
        return -EINVAL;
    ssize_t n;
    do
        n = pread(fd, buf, cap - 1, 0);
    while (n < 0 && errno == EINTR);
    if (n < 0)
        return -errno;
    buf[n] = '\0';
    return n;
}

static int write_text(int fd, const char *text, size_t len)
{
    ssize_t n;
    do
        n = pwrite(fd, text, len, 0);
    while (n < 0 && errno == EINTR);
    if (n < 0)
        return -errno;
    return (size_t)n == len ? 0 : -EIO;
}

int ld_fx_v2_write(int freeze_fd, bool freeze)
{
    return write_text(freeze_fd, freeze ? "1" : "0", 1);
}

int ld_fx_v1_write(int state_fd, bool freeze)
{
    return freeze ? write_text(state_fd, "FROZEN", 6) : write_text(state_fd, "THAWED", 6);
}
