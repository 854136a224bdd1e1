/* The notes of a core written from /proc (core_notes.h): process and
 * thread records assembled from the text files of /proc/PID, laid out as
 * the kernel lays out its own cores, so gdb and readelf read them. The
 * /proc texts are parsed with bounds (a proc_root in a test, or a process
 * name with ')' and spaces, must not mislead the parser). */
#include <dirent.h>
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/procfs.h>
#include <sys/user.h>
#include <unistd.h>

#include "forensics/core_notes.h"
#include "util/cleanup.h"
#include "util/mem.h"

#if defined(__x86_64__) || defined(__aarch64__)
#define LD_FX_CORE_ARCH_OK 1
_Static_assert(sizeof(struct user_regs_struct) == sizeof(elf_gregset_t),
               "elf_gregset_t is user_regs_struct on this machine");
#else
#define LD_FX_CORE_ARCH_OK 0
#endif

#define STAT_MAX 4096
#define SYSCALL_MAX 512
#define STATUS_MAX 65536
#define CMDLINE_MAX 4096
#define AUXV_MAX 65536

int ld_fx_proc_read(const char *path, size_t cap, char **out, size_t *len, ld_error *err)
{
    *out = NULL;
    *len = 0;
    ld_autoclose int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NOFOLLOW);
    if (fd < 0) {
        int e = errno;
        return ld_error_set_errno(err,
                                  e == ENOENT || e == ESRCH ? LD_ERR_NOT_FOUND : LD_ERR_GENERIC, e,
                                  "cannot open %s", path);
    }
    size_t have = 0, size = 4096;
    ld_autofree char *buf = ld_xmalloc(size + 1);
    for (;;) {
        if (have == size) {
            if (size > cap) {
                return ld_error_set(err, LD_ERR_LIMIT, "%s is larger than %zu bytes", path, cap);
            }
            size = size * 2 > cap + 1 ? cap + 1 : size * 2;
            buf = ld_xrealloc(buf, size + 1);
        }
        ssize_t r = read(fd, buf + have, size - have);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            int e = errno;
            return ld_error_set_errno(err, e == ESRCH ? LD_ERR_NOT_FOUND : LD_ERR_GENERIC, e,
                                      "cannot read %s", path);
        }
        if (r == 0)
            break;
        have += (size_t)r;
        if (have > cap)
            return ld_error_set(err, LD_ERR_LIMIT, "%s is larger than %zu bytes", path, cap);
    }
    buf[have] = '\0';
    *len = have;
    *out = ld_steal_ptr(&buf);
    return 0;
}

/* A decimal number with an optional '-', at *p, bounded. */
static bool take_int(const char **p, const char *end, int64_t *out)
{
    const char *s = *p;
    bool neg = false;
    if (s < end && *s == '-') {
        neg = true;
        s++;
    }
    const char *digits = s;
    uint64_t v = 0;
    while (s < end && *s >= '0' && *s <= '9') {
        if (__builtin_mul_overflow(v, 10, &v) ||
            __builtin_add_overflow(v, (uint64_t)(*s - '0'), &v))
            return false;
        s++;
    }
    if (s == digits)
        return false;
    if (neg ? v > (uint64_t)INT64_MAX + 1 : v > (uint64_t)INT64_MAX)
        return false;
    *out = neg ? (int64_t)(0 - v) : (int64_t)v;
    *p = s;
    return true;
}

/* A stat field: one space then a number. */
static bool next_int(const char **p, const char *end, int64_t *out)
{
    if (*p >= end || **p != ' ')
        return false;
    (*p)++;
    return take_int(p, end, out);
}

bool ld_fx_stat_parse(const char *text, size_t len, ld_fx_stat_fields *out)
{
    memset(out, 0, sizeof *out);
    const char *end = text + len;
    const char *open = memchr(text, '(', len);
    const char *close = NULL;
    for (const char *s = end; s > text; s--)
        if (s[-1] == ')') {
            close = s - 1;
            break;
        }
    if (!open || !close || close < open)
        return false;
    size_t n = (size_t)(close - open - 1);
    if (n > 16)
        n = 16;
    memcpy(out->comm, open + 1, n);
    out->comm[n] = '\0';
    const char *p = close + 1;
    if (end - p < 3 || p[0] != ' ' || p[1] < 'A' || p[1] > 'z' || p[2] != ' ')
        return false;
    out->state = p[1];
    p += 2;
    /* fields 4 .. 19 */
    int64_t f[16];
    for (int i = 0; i < 16; i++)
        if (!next_int(&p, end, &f[i]))
            return false;
    out->ppid = f[0];
    out->pgrp = f[1];
    out->session = f[2];
    out->flags = (uint64_t)f[5];
    if (f[10] < 0 || f[11] < 0)
        return false;
    out->utime = (uint64_t)f[10];
    out->stime = (uint64_t)f[11];
    out->cutime = f[12];
    out->cstime = f[13];
    out->nice = f[15];
    return true;
}

static bool take_u64_any(const char **p, const char *end, uint64_t *out)
{
    const char *s = *p;
    uint64_t v = 0;
    if (end - s > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        s += 2;
        const char *digits = s;
        while (s < end) {
            int d;
            char c = *s;
            if (c >= '0' && c <= '9')
                d = c - '0';
            else if (c >= 'a' && c <= 'f')
                d = c - 'a' + 10;
            else if (c >= 'A' && c <= 'F')
                d = c - 'A' + 10;
            else
                break;
            if (v >> 60)
                return false;
            v = (v << 4) | (uint64_t)d;
            s++;
        }
        if (s == digits)
            return false;
    } else {
        int64_t iv;
        if (!take_int(&s, end, &iv))
            return false;
        v = (uint64_t)iv;
    }
    *p = s;
    *out = v;
    return true;
}

bool ld_fx_syscall_parse(const char *text, size_t len, uint64_t *sp, uint64_t *pc)
{
    const char *p = text, *end = text + len;
    while (end > p && (end[-1] == '\n' || end[-1] == ' '))
        end--;
    uint64_t v[9];
    size_t n = 0;
    while (p < end) {
        if (n == 9)
            return false;
        if (!take_u64_any(&p, end, &v[n]))
            return false;
        n++;
        if (p < end && *p++ != ' ')
            return false;
    }
    /* "-1 SP PC" (blocked outside a syscall) or "NR A1..A6 SP PC" */
    if (n != 3 && n != 9)
        return false;
    *sp = v[n - 2];
    *pc = v[n - 1];
    return true;
}

bool ld_fx_status_id(const char *text, size_t len, const char *key, uint32_t *out)
{
    size_t klen = strlen(key);
    const char *p = text, *end = text + len;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *le = nl ? nl : end;
        if ((size_t)(le - p) > klen && memcmp(p, key, klen) == 0) {
            const char *s = p + klen;
            while (s < le && (*s == '\t' || *s == ' '))
                s++;
            int64_t v;
            if (!take_int(&s, le, &v) || v < 0 || v > UINT32_MAX)
                return false;
            *out = (uint32_t)v;
            return true;
        }
        p = nl ? nl + 1 : end;
    }
    return false;
}

/* ---- note assembly ---- */

typedef struct {
    uint8_t *data;
    size_t len, cap;
} note_buf;

static void buf_put(note_buf *b, const void *p, size_t n)
{
    ld_xgrow(&b->data, &b->cap, b->len + n, 1);
    memcpy(b->data + b->len, p, n);
    b->len += n;
}

static void buf_pad4(note_buf *b)
{
    static const uint8_t zeros[4];
    size_t pad = (4 - (b->len & 3)) & 3;
    buf_put(b, zeros, pad);
}

/* One note named "CORE" (the kernel's name for these types). */
static void put_note(note_buf *b, uint32_t type, const void *desc, size_t len)
{
    static const char name[8] = "CORE";
    Elf64_Nhdr h = {.n_namesz = 5, .n_descsz = (Elf64_Word)len, .n_type = type};
    buf_put(b, &h, sizeof h);
    buf_put(b, name, 8); /* 5 bytes padded to 4 */
    buf_put(b, desc, len);
    buf_pad4(b);
}

static void ticks_to_timeval(uint64_t ticks, long hz, struct timeval *tv)
{
    tv->tv_sec = (time_t)(ticks / (uint64_t)hz);
    tv->tv_usec = (suseconds_t)((ticks % (uint64_t)hz) * 1000000u / (uint64_t)hz);
}

#if LD_FX_CORE_ARCH_OK
static void set_sp_pc(struct elf_prstatus *st, uint64_t sp, uint64_t pc)
{
    struct user_regs_struct regs;
    memset(&regs, 0, sizeof regs);
#if defined(__x86_64__)
    regs.rsp = sp;
    regs.rip = pc;
#else
    regs.sp = sp;
    regs.pc = pc;
#endif
    memcpy(&st->pr_reg, &regs, sizeof regs);
}
#endif

static int cmp_pid(const void *a, const void *b)
{
    pid_t x = *(const pid_t *)a, y = *(const pid_t *)b;
    return (x > y) - (x < y);
}

/* The thread ids under proc_dir/task, the main thread first; just pid when
 * the directory cannot be read. */
static pid_t *list_threads(const char *proc_dir, pid_t pid, size_t *n, bool *cut)
{
    ld_autofree char *path = ld_xasprintf("%s/task", proc_dir);
    size_t cap = 0;
    pid_t *tids = NULL;
    *n = 0;
    *cut = false;
    ld_xgrow(&tids, &cap, 1, sizeof *tids);
    tids[(*n)++] = pid;
    DIR *d = opendir(path);
    if (!d)
        return tids;
    struct dirent *e;
    while ((e = readdir(d))) {
        const char *s = e->d_name;
        int64_t v;
        if (!take_int(&s, s + strlen(s), &v) || *s || v <= 0 || v > INT_MAX || v == pid)
            continue;
        if (*n >= LD_FX_CORE_THREADS_MAX) {
            *cut = true;
            break;
        }
        ld_xgrow(&tids, &cap, *n + 1, sizeof *tids);
        tids[(*n)++] = (pid_t)v;
    }
    closedir(d);
    qsort(tids + 1, *n - 1, sizeof *tids, cmp_pid);
    return tids;
}

#if LD_FX_CORE_ARCH_OK
/* NT_PRSTATUS for one thread; false when the thread is gone (not main). */
static bool thread_status(const char *proc_dir, pid_t tid, bool main_thread, long hz,
                          struct elf_prstatus *st)
{
    memset(st, 0, sizeof *st);
    st->pr_pid = tid;
    ld_error ignored = LD_ERROR_INIT;
    ld_autofree char *stat_path = ld_xasprintf("%s/task/%d/stat", proc_dir, (int)tid);
    ld_autofree char *text = NULL;
    size_t len = 0;
    ld_fx_stat_fields f;
    if (ld_fx_proc_read(stat_path, STAT_MAX, &text, &len, &ignored) == 0 &&
        ld_fx_stat_parse(text, len, &f)) {
        st->pr_ppid = (pid_t)f.ppid;
        st->pr_pgrp = (pid_t)f.pgrp;
        st->pr_sid = (pid_t)f.session;
        ticks_to_timeval(f.utime, hz, &st->pr_utime);
        ticks_to_timeval(f.stime, hz, &st->pr_stime);
        ticks_to_timeval(f.cutime > 0 ? (uint64_t)f.cutime : 0, hz, &st->pr_cutime);
        ticks_to_timeval(f.cstime > 0 ? (uint64_t)f.cstime : 0, hz, &st->pr_cstime);
    } else if (!main_thread) {
        return false;
    }
    ld_autofree char *sys_path = ld_xasprintf("%s/task/%d/syscall", proc_dir, (int)tid);
    ld_autofree char *sys = NULL;
    uint64_t sp, pc;
    if (ld_fx_proc_read(sys_path, SYSCALL_MAX, &sys, &len, &ignored) == 0 &&
        ld_fx_syscall_parse(sys, len, &sp, &pc))
        set_sp_pc(st, sp, pc);
    return true;
}

static void process_info(const char *proc_dir, pid_t pid, struct elf_prpsinfo *ps)
{
    static const char states[] = "RSDTZW";
    memset(ps, 0, sizeof *ps);
    ps->pr_pid = pid;
    ld_error ignored = LD_ERROR_INIT;
    ld_autofree char *stat_path = ld_xasprintf("%s/stat", proc_dir);
    ld_autofree char *text = NULL;
    size_t len = 0;
    ld_fx_stat_fields f;
    if (ld_fx_proc_read(stat_path, STAT_MAX, &text, &len, &ignored) == 0 &&
        ld_fx_stat_parse(text, len, &f)) {
        const char *at = strchr(states, f.state);
        ps->pr_state = (char)(at ? at - states : 0);
        ps->pr_sname = f.state;
        ps->pr_zomb = f.state == 'Z';
        ps->pr_nice = (char)(f.nice < -20 ? -20 : f.nice > 19 ? 19 : f.nice);
        ps->pr_flag = (unsigned long)f.flags;
        ps->pr_ppid = (int)f.ppid;
        ps->pr_pgrp = (int)f.pgrp;
        ps->pr_sid = (int)f.session;
        size_t n = strlen(f.comm);
        memcpy(ps->pr_fname, f.comm, n < sizeof ps->pr_fname ? n : sizeof ps->pr_fname - 1);
    }
    ld_autofree char *status_path = ld_xasprintf("%s/status", proc_dir);
    ld_autofree char *status = NULL;
    if (ld_fx_proc_read(status_path, STATUS_MAX, &status, &len, &ignored) == 0) {
        uint32_t id;
        if (ld_fx_status_id(status, len, "Uid:", &id))
            ps->pr_uid = id;
        if (ld_fx_status_id(status, len, "Gid:", &id))
            ps->pr_gid = id;
    }
    /* cmdline is longer than the note's field: read what fits */
    ld_autofree char *cmd_path = ld_xasprintf("%s/cmdline", proc_dir);
    ld_autoclose int fd = open(cmd_path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NOFOLLOW);
    if (fd >= 0) {
        ssize_t r;
        do
            r = read(fd, ps->pr_psargs, sizeof ps->pr_psargs - 1);
        while (r < 0 && errno == EINTR);
        if (r < 0)
            r = 0;
        ps->pr_psargs[r] = '\0';
        while (r > 0 && ps->pr_psargs[r - 1] == '\0')
            r--;
        for (ssize_t i = 0; i < r; i++)
            if (ps->pr_psargs[i] == '\0')
                ps->pr_psargs[i] = ' ';
    }
}
#endif

/* NT_FILE: count, page size, (start, end, offset in pages) per file-backed
 * mapping, then the names, each NUL-terminated; cut at whole entries to
 * stay under LD_FX_CORE_NT_FILE_MAX. */
static void put_file_note(note_buf *b, const ld_fx_maps *maps, uint64_t page_size,
                          ld_fx_core_notes *out)
{
    size_t size = 16;
    for (size_t i = 0; i < maps->n; i++) {
        const ld_fx_mapping *m = &maps->items[i];
        if (!m->path || m->path[0] != '/')
            continue;
        size_t add = 24 + strlen(m->path) + 1;
        if (out->file_left_out || size + add > LD_FX_CORE_NT_FILE_MAX) {
            out->file_left_out++;
            continue;
        }
        size += add;
        out->file_entries++;
    }
    note_buf desc = {0};
    uint64_t head[2] = {out->file_entries, page_size};
    buf_put(&desc, head, sizeof head);
    size_t done = 0;
    for (size_t i = 0; i < maps->n && done < out->file_entries; i++) {
        const ld_fx_mapping *m = &maps->items[i];
        if (!m->path || m->path[0] != '/')
            continue;
        uint64_t t[3] = {m->start, m->end, m->offset / page_size};
        buf_put(&desc, t, sizeof t);
        done++;
    }
    done = 0;
    for (size_t i = 0; i < maps->n && done < out->file_entries; i++) {
        const ld_fx_mapping *m = &maps->items[i];
        if (!m->path || m->path[0] != '/')
            continue;
        buf_put(&desc, m->path, strlen(m->path) + 1);
        done++;
    }
    put_note(b, NT_FILE, desc.data, desc.len);
    free(desc.data);
}

int ld_fx_core_notes_build(const char *proc_dir, pid_t pid, const ld_fx_maps *maps,
                           uint64_t page_size, ld_fx_core_notes *out, ld_error *err)
{
    memset(out, 0, sizeof *out);
#if !LD_FX_CORE_ARCH_OK
    (void)proc_dir;
    (void)pid;
    (void)maps;
    (void)page_size;
    return ld_error_set(err, LD_ERR_UNSUPPORTED,
                        "process memory cores are written on x86-64 and aarch64 only");
#else
    long hz = sysconf(_SC_CLK_TCK);
    if (hz <= 0)
        hz = 100;
    note_buf b = {0};
    size_t n_tids = 0;
    ld_autofree pid_t *tids = list_threads(proc_dir, pid, &n_tids, &out->threads_cut);

    struct elf_prstatus st;
    thread_status(proc_dir, pid, true, hz, &st);
    put_note(&b, NT_PRSTATUS, &st, sizeof st);
    out->threads = 1;

    struct elf_prpsinfo ps;
    process_info(proc_dir, pid, &ps);
    put_note(&b, NT_PRPSINFO, &ps, sizeof ps);

    ld_error ignored = LD_ERROR_INIT;
    ld_autofree char *auxv_path = ld_xasprintf("%s/auxv", proc_dir);
    ld_autofree char *auxv = NULL;
    size_t auxv_len = 0;
    if (ld_fx_proc_read(auxv_path, AUXV_MAX, &auxv, &auxv_len, &ignored) == 0 && auxv_len > 0)
        put_note(&b, NT_AUXV, auxv, auxv_len & ~(size_t)7);
    else
        out->no_auxv = true;

    put_file_note(&b, maps, page_size, out);

    for (size_t i = 1; i < n_tids; i++) {
        if (!thread_status(proc_dir, tids[i], false, hz, &st))
            continue;
        put_note(&b, NT_PRSTATUS, &st, sizeof st);
        out->threads++;
    }
    out->data = b.data;
    out->len = b.len;
    return 0;
#endif
}

void ld_fx_core_notes_clear(ld_fx_core_notes *n)
{
    if (!n)
        return;
    free(n->data);
    memset(n, 0, sizeof *n);
}
