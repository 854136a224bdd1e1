/* uid -> user name for lockdown watch (user_names.h): the host's passwd as
 * a sorted table, and a container's passwd read through /proc/PID/root
 * without leaving that root, both cached. Also ld_rt_user_name and
 * ld_rt_user_name_in of process_table.h, which go through the table's
 * cache. */
#include "runtime/user_names.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "runtime/process_table_internal.h"
#include "util/cleanup.h"
#include "util/mem.h"

#ifndef SYS_openat2
#define SYS_openat2 437
#endif

#define HOST_RECHECK_MS 10000 /* the host's passwd is looked at again after this */
#define HOST_NAMES_MAX 65536  /* entries kept from the host's passwd */
#define ROOT_CACHE_SLOTS 1024 /* (cgroup, uid) pairs remembered */
#define ROOT_CACHE_MS 60000   /* a container may add users: read again after a minute */

typedef struct {
    uint32_t uid;
    char name[LD_RT_USER_NAME_MAX];
} host_name;

typedef struct {
    uint64_t key;
    uint64_t at_ms;
    uint32_t uid;
    bool used;
    char name[LD_RT_USER_NAME_MAX];
} root_name;

struct ld_rt_user_cache {
    char *passwd_path;
    host_name *host;
    size_t n_host;
    bool host_loaded;
    uint64_t host_checked_ms;
    struct stat host_st; /* of the passwd read, to notice a change */
    root_name *roots;    /* ROOT_CACHE_SLOTS, direct-mapped */
    char scratch[LD_RT_USER_NAME_MAX];
};

static uint64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* ---- the passwd line parser ------------------------------------------------ */

/* The uid field [p, q) as a uint32. */
static bool parse_uid(const char *p, const char *q, uint32_t *out)
{
    if (p == q || q - p > 10)
        return false;
    uint64_t v = 0;
    for (; p < q; p++) {
        if (*p < '0' || *p > '9')
            return false;
        v = v * 10 + (uint64_t)(*p - '0');
    }
    if (v > UINT32_MAX)
        return false;
    *out = (uint32_t)v;
    return true;
}

/* One line [p, eol): its name and uid if well formed. */
static bool passwd_line(const char *p, const char *eol, const char **name, size_t *name_len,
                        uint32_t *uid)
{
    const char *c1 = memchr(p, ':', (size_t)(eol - p));
    if (!c1 || c1 == p || (size_t)(c1 - p) >= LD_RT_USER_NAME_MAX)
        return false;
    const char *c2 = memchr(c1 + 1, ':', (size_t)(eol - c1 - 1));
    if (!c2)
        return false;
    const char *c3 = memchr(c2 + 1, ':', (size_t)(eol - c2 - 1));
    if (!c3 || !parse_uid(c2 + 1, c3, uid))
        return false;
    if (memchr(p, '\0', (size_t)(c1 - p)))
        return false;
    *name = p;
    *name_len = (size_t)(c1 - p);
    return true;
}

typedef bool (*passwd_fn)(const char *name, size_t name_len, uint32_t uid, void *ctx);

static void passwd_each(const char *buf, size_t len, passwd_fn fn, void *ctx)
{
    const char *end = buf + len;
    for (const char *line = buf; line < end;) {
        const char *nl = memchr(line, '\n', (size_t)(end - line));
        const char *eol = nl ? nl : end;
        const char *name;
        size_t name_len;
        uint32_t uid;
        if (passwd_line(line, eol, &name, &name_len, &uid) && fn(name, name_len, uid, ctx))
            return;
        line = eol + 1;
    }
}

typedef struct {
    uint32_t uid;
    char *out;
    size_t cap;
    int found;
} find_ctx;

static bool find_one(const char *name, size_t name_len, uint32_t uid, void *ctx)
{
    find_ctx *f = ctx;
    if (uid != f->uid || name_len >= f->cap)
        return false;
    memcpy(f->out, name, name_len);
    f->out[name_len] = '\0';
    f->found = 1;
    return true;
}

int ld_rt_passwd_find(const char *buf, size_t len, uint32_t uid, char *out, size_t cap)
{
    if (cap)
        out[0] = '\0';
    find_ctx f = {.uid = uid, .out = out, .cap = cap};
    passwd_each(buf, len, find_one, &f);
    return f.found;
}

/* ---- reading a passwd file ----------------------------------------------- */

/* Reads the regular file fd (at most LD_RT_PASSWD_MAX bytes) into a new
 * buffer; NULL if it is not a regular file, too large or unreadable. */
static char *read_passwd_fd(int fd, size_t *len, struct stat *st_out)
{
    struct stat st;
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size < 0 ||
        (uint64_t)st.st_size > LD_RT_PASSWD_MAX)
        return NULL;
    size_t cap = (size_t)st.st_size + 1;
    char *buf = ld_xmalloc(cap + 1);
    size_t n = 0;
    while (n < cap) { /* one byte more than fstat said: a file that grew is refused */
        ssize_t got = read(fd, buf + n, cap - n);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0) {
            free(buf);
            return NULL;
        }
        if (got == 0)
            break;
        n += (size_t)got;
    }
    if (n == cap) {
        free(buf);
        return NULL;
    }
    buf[n] = '\0';
    *len = n;
    if (st_out)
        *st_out = st;
    return buf;
}

/* ---- the host's table ----------------------------------------------------- */

typedef struct {
    host_name *v;
    size_t n, cap;
} host_list;

static bool host_add(const char *name, size_t name_len, uint32_t uid, void *ctx)
{
    host_list *l = ctx;
    if (l->n >= HOST_NAMES_MAX)
        return true;
    ld_xgrow(&l->v, &l->cap, l->n + 1, sizeof *l->v);
    host_name *h = &l->v[l->n++];
    h->uid = uid;
    memcpy(h->name, name, name_len);
    h->name[name_len] = '\0';
    return false;
}

static int by_uid(const void *a, const void *b)
{
    const host_name *x = a, *y = b;
    return x->uid < y->uid ? -1 : x->uid > y->uid;
}

/* Sorted by uid; the first line of a uid wins (as getpwuid). */
static void host_load(ld_rt_user_cache *c)
{
    c->host_loaded = true;
    c->host_checked_ms = now_ms();
    ld_autoclose int fd = open(c->passwd_path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
    size_t len = 0;
    struct stat st;
    ld_autofree char *buf = fd >= 0 ? read_passwd_fd(fd, &len, &st) : NULL;
    free(c->host);
    c->host = NULL;
    c->n_host = 0;
    memset(&c->host_st, 0, sizeof c->host_st);
    if (!buf)
        return;
    c->host_st = st;
    host_list l = {0};
    passwd_each(buf, len, host_add, &l);
    /* a stable order keeps the first line of a uid first */
    for (size_t i = 1; i < l.n; i++) {
        host_name h = l.v[i];
        size_t j = i;
        for (; j > 0 && by_uid(&l.v[j - 1], &h) > 0; j--)
            l.v[j] = l.v[j - 1];
        l.v[j] = h;
    }
    c->host = l.v;
    c->n_host = l.n;
}

static bool host_changed(const ld_rt_user_cache *c)
{
    struct stat st;
    if (stat(c->passwd_path, &st) < 0)
        return c->n_host != 0;
    return st.st_ino != c->host_st.st_ino || st.st_dev != c->host_st.st_dev ||
           st.st_size != c->host_st.st_size || st.st_mtim.tv_sec != c->host_st.st_mtim.tv_sec ||
           st.st_mtim.tv_nsec != c->host_st.st_mtim.tv_nsec;
}

ld_rt_user_cache *ld_rt_user_cache_new(const char *passwd_path)
{
    ld_rt_user_cache *c = ld_xcalloc(1, sizeof *c);
    c->passwd_path = ld_xstrdup(passwd_path ? passwd_path : "/etc/passwd");
    c->roots = ld_xcalloc(ROOT_CACHE_SLOTS, sizeof *c->roots);
    return c;
}

void ld_rt_user_cache_free(ld_rt_user_cache *c)
{
    if (!c)
        return;
    free(c->passwd_path);
    free(c->host);
    free(c->roots);
    free(c);
}

const char *ld_rt_user_cache_host(ld_rt_user_cache *c, uint32_t uid)
{
    if (!c->host_loaded)
        host_load(c);
    else if (now_ms() - c->host_checked_ms >= HOST_RECHECK_MS) {
        c->host_checked_ms = now_ms();
        if (host_changed(c))
            host_load(c);
    }
    size_t lo = 0, hi = c->n_host;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (c->host[mid].uid < uid)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo < c->n_host && c->host[lo].uid == uid)
        return c->host[lo].name;
    return "";
}

/* ---- a process's own root ---------------------------------------------------- */

/* The name of uid in /proc/PID/root/etc/passwd, into out. */
static void read_in_root(int proc_fd, int32_t pid, uint32_t uid, char *out, size_t cap)
{
    out[0] = '\0';
    char rel[32];
    snprintf(rel, sizeof rel, "%d/root", (int)pid);
    /* the root link is the one magic link followed on purpose: it is the
     * process's root directory; nothing below it may leave it */
    ld_autoclose int root = openat(proc_fd, rel, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (root < 0)
        return;
    struct open_how how = {
        .flags = O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC,
        .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
    };
    long fd_l;
    do
        fd_l = syscall(SYS_openat2, root, "etc/passwd", &how, sizeof how);
    while (fd_l < 0 && (errno == EINTR || errno == EAGAIN));
    ld_autoclose int fd = (int)fd_l; /* ENOSYS (before Linux 5.6): no name, never a walk out */
    if (fd < 0)
        return;
    size_t len = 0;
    ld_autofree char *buf = read_passwd_fd(fd, &len, NULL);
    if (buf)
        ld_rt_passwd_find(buf, len, uid, out, cap);
}

static size_t root_slot(uint64_t key, uint32_t uid)
{
    uint64_t h = (key ^ ((uint64_t)uid << 32 | uid)) * 0x9E3779B97F4A7C15ull;
    return (size_t)(h >> 54) & (ROOT_CACHE_SLOTS - 1);
}

const char *ld_rt_user_cache_in(ld_rt_user_cache *c, int proc_fd, int32_t pid, uint64_t key,
                                uint32_t uid)
{
    if (pid <= 0)
        return "";
    if (!key) {
        read_in_root(proc_fd, pid, uid, c->scratch, sizeof c->scratch);
        return c->scratch;
    }
    root_name *s = &c->roots[root_slot(key, uid)];
    uint64_t now = now_ms();
    if (s->used && s->key == key && s->uid == uid && now - s->at_ms < ROOT_CACHE_MS)
        return s->name;
    read_in_root(proc_fd, pid, uid, s->name, sizeof s->name);
    s->used = true;
    s->key = key;
    s->uid = uid;
    s->at_ms = now;
    return s->name;
}

/* ---- process_table.h ------------------------------------------------------- */

const char *ld_rt_user_name(ld_rt_proc_table *t, uint32_t uid)
{
    return t ? ld_rt_user_cache_host(ld_rt_proc_table_users(t), uid) : "";
}

const char *ld_rt_user_name_in(ld_rt_proc_table *t, int32_t pid, uint32_t uid)
{
    if (!t)
        return "";
    const ld_rt_proc *p = ld_rt_proc_table_get(t, pid);
    uint64_t key = p ? (p->cgroup_id ? p->cgroup_id : p->cgroup_v1_id) : 0;
    if (!p)
        return ""; /* gone: its root cannot be read any more */
    return ld_rt_user_cache_in(ld_rt_proc_table_users(t), ld_rt_proc_table_proc_fd(t), pid, key,
                               uid);
}
