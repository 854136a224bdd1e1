/* One process of a container as evidence (proc_collect.h): verbatim copies
 * of its /proc files into processes/PID/, each read once and, for stat,
 * status and cmdline, parsed from the same bytes that were copied (one
 * view, not two reads that may differ); its links (exe, cwd, root) read
 * with readlinkat; namespaces and fds in proc_fds.c. Everything is opened
 * beneath the process's own /proc directory fd without following links, so
 * a process that exits and whose pid is reused is not read in its place. */
#include "forensics/proc_collect.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "forensics/proc_files.h"
#include "forensics/proc_internal.h"
#include "forensics/proc_text.h"
#include "util/cleanup.h"
#include "util/mem.h"

#define COPY_CHUNK 65536
#define STAT_KEEP 4096
#define STATUS_KEEP 65536
#define CMDLINE_KEEP (256 * 1024) /* of the command line, for the index */
#define ARGV_MAX 8192

void ld_fx_proc_gone(ld_fx_proc_ctx *ctx, const char *name)
{
    size_t used = strlen(ctx->gone);
    size_t need = strlen(name) + (used ? 2 : 0);
    if (used + need + 4 >= sizeof(ctx->gone)) {
        if (used < 3 || strcmp(ctx->gone + used - 3, "...") != 0)
            snprintf(ctx->gone + used, sizeof(ctx->gone) - used, "%s", used ? ", ..." : "...");
        return;
    }
    snprintf(ctx->gone + used, sizeof(ctx->gone) - used, "%s%s", used ? ", " : "", name);
}

/* A failure to open or read name: the process's exit (recorded as such),
 * or something else (a bundle note). */
static void read_failed(ld_fx_proc_ctx *ctx, const char *name, int errnum)
{
    if (ld_fx_errno_gone(errnum))
        ld_fx_proc_gone(ctx, name);
    else
        ld_fx_bundle_note(ctx->b, "process %d: %s could not be read: %s", (int)ctx->pid, name,
                          strerror(errnum));
}

/* Copies /proc/PID/name into processes/PID/name (at most
 * LD_FX_PROC_FILE_MAX bytes, a cut noted on the artifact), keeping the
 * first keep_cap bytes in *kept (NUL-terminated; NULL when nothing was
 * read or keep_cap is 0). 0 also when the file could not be read (nothing
 * recorded, the reason noted); < 0 only for a bundle write error. */
static int copy_proc_file(ld_fx_proc_ctx *ctx, char *buf, const char *name, size_t keep_cap,
                          char **kept, size_t *kept_len, ld_error *err)
{
    if (kept) {
        *kept = NULL;
        *kept_len = 0;
    }
    int fd;
    do
        fd = openat(ctx->pid_dir, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    while (fd < 0 && errno == EINTR);
    if (fd < 0) {
        read_failed(ctx, name, errno);
        return 0;
    }
    ld_autoclose int owned = fd;
    struct stat st;
    if (fstat(owned, &st) != 0 || !S_ISREG(st.st_mode)) {
        ld_fx_bundle_note(ctx->b, "process %d: %s is not a regular file: not copied", (int)ctx->pid,
                          name);
        return 0;
    }
    ssize_t got;
    do
        got = read(owned, buf, COPY_CHUNK);
    while (got < 0 && errno == EINTR);
    if (got < 0) {
        read_failed(ctx, name, errno);
        return 0;
    }

    char rel[64];
    snprintf(rel, sizeof rel, "processes/%d/%s", (int)ctx->pid, name);
    ld_fx_artifact *a = NULL;
    if (ld_fx_artifact_open(ctx->b, rel, LD_FX_KIND_PROC_FILE, &a, err) < 0)
        return err->code ? err->code : LD_ERR_GENERIC;
    char *keep = keep_cap ? ld_xmalloc(keep_cap + 1) : NULL;
    size_t keep_n = 0;
    uint64_t total = 0;
    int read_errno = 0;
    while (got > 0) {
        size_t n = (size_t)got;
        if (total + n > LD_FX_PROC_FILE_MAX)
            n = (size_t)(LD_FX_PROC_FILE_MAX - total);
        if (keep && keep_n < keep_cap) {
            size_t k = n < keep_cap - keep_n ? n : keep_cap - keep_n;
            memcpy(keep + keep_n, buf, k);
            keep_n += k;
        }
        if (ld_fx_artifact_write(a, buf, n, err) < 0) {
            ld_fx_artifact_abort(a);
            free(keep);
            return err->code ? err->code : LD_ERR_GENERIC;
        }
        total += n;
        if (n < (size_t)got || total == LD_FX_PROC_FILE_MAX) {
            /* at the cap: is there more? */
            bool more = n < (size_t)got;
            if (!more) {
                char extra;
                ssize_t e;
                do
                    e = read(owned, &extra, 1);
                while (e < 0 && errno == EINTR);
                more = e > 0;
            }
            if (more)
                ld_fx_artifact_note(a, true, "stopped at %llu bytes (the cap of a /proc file copy)",
                                    (unsigned long long)LD_FX_PROC_FILE_MAX);
            break;
        }
        do
            got = read(owned, buf, COPY_CHUNK);
        while (got < 0 && errno == EINTR);
        if (got < 0)
            read_errno = errno;
    }
    if (read_errno) {
        ld_fx_artifact_note(a, false, "read stopped after %llu bytes: %s",
                            (unsigned long long)total, strerror(read_errno));
        read_failed(ctx, name, read_errno);
    }
    if (ld_fx_artifact_close(a, err) < 0) {
        free(keep);
        return err->code ? err->code : LD_ERR_GENERIC;
    }
    if (kept) {
        if (keep)
            keep[keep_n] = '\0';
        *kept = keep;
        *kept_len = keep_n;
    } else {
        free(keep);
    }
    return 0;
}

/* Is the directory fd on a real procfs (where links may be resolved to
 * look at what they name), not a fake tree in a test? */
static bool on_procfs(int fd)
{
    struct statfs sf;
    return fstatfs(fd, &sf) == 0 && sf.f_type == PROC_SUPER_MAGIC;
}

/* exe, cwd, root. On a real procfs a deleted executable is confirmed by
 * its link count: a file NAMED "x (deleted)" that is still there is not
 * reported deleted. */
static void read_links(ld_fx_proc_ctx *ctx, ld_fx_proc_record *rec)
{
    size_t n;
    bool cut;
    int errnum;
    rec->exe = ld_fx_readlink(ctx->pid_dir, "exe", &n, &cut, &errnum);
    if (rec->exe) {
        rec->exe_deleted = ld_fx_link_deleted(rec->exe, n);
        struct stat st;
        if (rec->exe_deleted && on_procfs(ctx->pid_dir) &&
            fstatat(ctx->pid_dir, "exe", &st, 0) == 0 && st.st_nlink > 0) {
            rec->exe_deleted = false;
            ld_fx_bundle_note(ctx->b,
                              "process %d: its executable's name ends in \" (deleted)\" but the "
                              "file still exists (a name chosen to look deleted)",
                              (int)ctx->pid);
        }
    }
    rec->cwd = ld_fx_readlink(ctx->pid_dir, "cwd", &n, &cut, &errnum);
    rec->root = ld_fx_readlink(ctx->pid_dir, "root", &n, &cut, &errnum);
}

/* What was kept of stat, status and cmdline into the record. */
static void fill_record(ld_fx_proc_ctx *ctx, ld_fx_proc_record *rec, const char *stat,
                        size_t stat_n, const char *status, size_t status_n, const char *cmdline,
                        size_t cmdline_n, bool cmdline_cut)
{
    ld_fx_stat_fields sf;
    bool have_stat = stat && ld_fx_parse_stat(stat, stat_n, &sf) == 0;
    if (have_stat) {
        memcpy(rec->comm, sf.comm, sizeof(rec->comm));
        rec->state = sf.state;
        rec->ppid = (pid_t)(sf.ppid >= 0 && sf.ppid <= LD_FX_PID_LIMIT ? sf.ppid : 0);
        rec->start_ticks = sf.start_ticks;
    } else if (stat) {
        ld_fx_bundle_note(ctx->b, "process %d: stat is not a stat line", (int)ctx->pid);
    }
    if (status) {
        ld_fx_status_fields st;
        ld_fx_parse_status(status, status_n, &st);
        if (st.got & LD_FX_ST_UID) {
            rec->uid = st.uid;
            rec->euid = st.euid;
        }
        if (st.got & LD_FX_ST_GID)
            rec->gid = st.gid;
        if (st.got & LD_FX_ST_THREADS)
            rec->threads = st.threads;
        if (st.got & LD_FX_ST_NSPID)
            rec->nspid = (pid_t)st.nspid;
        if (!have_stat && (st.got & LD_FX_ST_STATE))
            rec->state = st.state;
        if (!have_stat && (st.got & LD_FX_ST_PPID) && st.ppid <= LD_FX_PID_LIMIT)
            rec->ppid = (pid_t)st.ppid;
    }
    bool argv_cut = false;
    rec->argv = ld_fx_split_cmdline(cmdline ? cmdline : "", cmdline ? cmdline_n : 0, ARGV_MAX,
                                    &rec->argc, &argv_cut);
    if (argv_cut || cmdline_cut)
        ld_fx_bundle_note(ctx->b,
                          "process %d: the command line in processes/index.json is cut (%s); "
                          "processes/%d/cmdline holds the copy",
                          (int)ctx->pid, argv_cut ? "too many arguments" : "too long",
                          (int)ctx->pid);
}

static const char *const plain_files[] = {"environ", "limits", "cgroup", "mountinfo",
                                          "maps",    "auxv",   "io"};

int ld_fx_proc_collect(ld_fx_bundle *b, const char *proc_root, pid_t pid, ld_fx_proc_record *rec,
                       ld_error *err)
{
    memset(rec, 0, sizeof(*rec));
    rec->pid = pid;
    rec->state = '?';
    ld_fx_proc_ctx ctx = {.b = b, .pid = pid, .pid_dir = -1};
    if (pid <= 0 || pid > LD_FX_PID_LIMIT) {
        rec->exited = true;
        rec->exit_note = ld_xasprintf("%d is not a process id", (int)pid);
        rec->argv = ld_xcalloc(1, sizeof(char *));
        return 0;
    }
    ld_autoclose int proc_fd = ld_fx_open_root(proc_root ? proc_root : "/proc");
    if (proc_fd < 0) {
        int e = errno;
        ld_fx_bundle_note(b, "process %d: %s cannot be opened: %s", (int)pid,
                          proc_root ? proc_root : "/proc", strerror(e));
        rec->exit_note =
            ld_xasprintf("not read: %s cannot be opened", proc_root ? proc_root : "/proc");
        rec->argv = ld_xcalloc(1, sizeof(char *));
        return 0;
    }
    char name[24];
    snprintf(name, sizeof name, "%d", (int)pid);
    ld_autoclose int pid_dir = -1;
    do
        pid_dir = openat(proc_fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    while (pid_dir < 0 && errno == EINTR);
    if (pid_dir < 0) {
        int e = errno;
        rec->argv = ld_xcalloc(1, sizeof(char *));
        if (ld_fx_errno_gone(e)) {
            rec->exited = true;
            rec->exit_note = ld_xstrdup("exited before it was read");
            ld_fx_bundle_note(b, "process %d exited during the capture (before it was read)",
                              (int)pid);
        } else {
            rec->exit_note = ld_xasprintf("not read: %s", strerror(e));
            ld_fx_bundle_note(b, "process %d: its /proc directory cannot be opened: %s", (int)pid,
                              strerror(e));
        }
        return 0;
    }
    ctx.pid_dir = pid_dir;

    ld_autofree char *buf = ld_xmalloc(COPY_CHUNK);
    ld_autofree char *stat = NULL;
    ld_autofree char *status = NULL;
    ld_autofree char *cmdline = NULL;
    size_t stat_n = 0, status_n = 0, cmdline_n = 0;
    int rc = copy_proc_file(&ctx, buf, "stat", STAT_KEEP, &stat, &stat_n, err);
    if (rc == 0)
        rc = copy_proc_file(&ctx, buf, "status", STATUS_KEEP, &status, &status_n, err);
    if (rc == 0)
        rc = copy_proc_file(&ctx, buf, "cmdline", CMDLINE_KEEP + 1, &cmdline, &cmdline_n, err);
    for (size_t i = 0; rc == 0 && i < sizeof(plain_files) / sizeof(plain_files[0]); i++)
        rc = copy_proc_file(&ctx, buf, plain_files[i], 0, NULL, NULL, err);
    if (rc == 0)
        read_links(&ctx, rec);
    if (rc == 0)
        rc = ld_fx_proc_write_namespaces(&ctx, err);
    if (rc == 0)
        rc = ld_fx_proc_write_fds(&ctx, rec, err);

    bool cmdline_cut = cmdline_n > CMDLINE_KEEP;
    fill_record(&ctx, rec, stat, stat_n, status, status_n, cmdline,
                cmdline_cut ? CMDLINE_KEEP : cmdline_n, cmdline_cut);
    if (ctx.gone[0]) {
        rec->exited = true;
        rec->exit_note = ld_xasprintf("exited during the capture; not read: %s", ctx.gone);
        ld_fx_bundle_note(b, "process %d exited during the capture (not read: %s)", (int)pid,
                          ctx.gone);
    }
    if (rc < 0)
        return ld_error_wrap(err, "process %d", (int)pid);
    return 0;
}

void ld_fx_proc_record_clear(ld_fx_proc_record *rec)
{
    if (!rec)
        return;
    free(rec->exe);
    ld_fx_argv_free(rec->argv);
    free(rec->cwd);
    free(rec->root);
    free(rec->exit_note);
    free(rec->sockets);
    free(rec->core_path);
    free(rec->core_note);
    memset(rec, 0, sizeof(*rec));
}
