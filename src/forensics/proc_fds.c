/* A process's namespaces and open file descriptors as evidence
 * (proc_internal.h): processes/PID/namespaces.json from the ns/ links and
 * processes/PID/fds.json from fd/ (link texts: recorded, never followed)
 * and fdinfo/ (pos, flags, mnt_id). The socket fds ("socket:[N]") are kept
 * in the record, for the owners of network/sockets.json. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "forensics/proc_files.h"
#include "forensics/proc_internal.h"
#include "forensics/proc_text.h"
#include "util/cleanup.h"
#include "util/json_out.h"
#include "util/mem.h"

#define FDINFO_MAX 65536 /* an epoll or inotify fd lists its targets: a few KiB */

static const char *const ns_names[] = {
    "cgroup", "ipc", "mnt", "net", "pid", "pid_for_children", "time", "time_for_children",
    "user",   "uts"};

int ld_fx_proc_write_namespaces(ld_fx_proc_ctx *ctx, ld_error *err)
{
    int ns_dir;
    do
        ns_dir = openat(ctx->pid_dir, "ns", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    while (ns_dir < 0 && errno == EINTR);
    if (ns_dir < 0) {
        int e = errno;
        if (ld_fx_errno_gone(e))
            ld_fx_proc_gone(ctx, "namespaces");
        else
            ld_fx_bundle_note(ctx->b, "process %d: ns cannot be opened: %s", (int)ctx->pid,
                              strerror(e));
        return 0;
    }
    ld_autoclose int owned = ns_dir;
    char rel[64];
    snprintf(rel, sizeof rel, "processes/%d/namespaces.json", (int)ctx->pid);
    ld_fx_json_artifact ja;
    if (ld_fx_json_artifact_begin(ctx->b, rel, LD_FX_KIND_PROC_NS, &ja, err) < 0)
        return err->code;
    ld_json j;
    ld_json_init(&j, ja.f, true);
    ld_json_object_begin(&j);
    size_t read_ok = 0;
    for (size_t i = 0; i < sizeof(ns_names) / sizeof(ns_names[0]); i++) {
        size_t n;
        bool cut;
        int errnum;
        ld_autofree char *link = ld_fx_readlink(owned, ns_names[i], &n, &cut, &errnum);
        ld_json_key(&j, ns_names[i]);
        if (link) {
            ld_json_stringn(&j, link, n);
            read_ok++;
        } else {
            /* a namespace this kernel does not have, or the process is gone */
            ld_json_null(&j);
        }
    }
    ld_json_object_end(&j);
    if (read_ok == 0)
        ld_fx_proc_gone(ctx, "namespaces");
    return ld_fx_json_artifact_finish(&ja, err);
}

static int cmp_int(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

/* The fd numbers in fd/ (sorted; at most LD_FX_FDS_MAX, *more counts the
 * rest). NULL with *errnum when the directory cannot be read. */
static int *list_fds(int fd_dir, size_t *n, size_t *more, int *errnum)
{
    *n = 0;
    *more = 0;
    int dup_fd = fcntl(fd_dir, F_DUPFD_CLOEXEC, 0);
    if (dup_fd < 0) {
        *errnum = errno;
        return NULL;
    }
    DIR *d = fdopendir(dup_fd);
    if (!d) {
        *errnum = errno;
        close(dup_fd);
        return NULL;
    }
    int *fds = NULL;
    size_t cap = 0;
    errno = 0;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        int64_t v;
        if (!ld_fx_parse_dec_name(de->d_name, strlen(de->d_name), INT32_MAX, &v))
            continue; /* ".", "..", or something a fake tree planted */
        if (*n >= LD_FX_FDS_MAX) {
            (*more)++;
            continue;
        }
        ld_xgrow(&fds, &cap, *n + 1, sizeof(*fds));
        fds[(*n)++] = (int)v;
        errno = 0;
    }
    *errnum = errno;
    closedir(d);
    if (*n)
        qsort(fds, *n, sizeof(*fds), cmp_int);
    if (!fds)
        fds = ld_xmalloc(sizeof(*fds));
    return fds;
}

static void add_socket(ld_fx_proc_record *rec, size_t *cap, uint64_t inode, int fd)
{
    ld_xgrow(&rec->sockets, cap, rec->n_sockets + 1, sizeof(*rec->sockets));
    rec->sockets[rec->n_sockets++] = (ld_fx_sock_fd){.inode = inode, .fd = fd};
}

/* One fd's object; false when the fd was closed meanwhile (nothing written). */
static bool write_fd(ld_json *j, int fd_dir, int fdinfo_dir, int fd, ld_fx_proc_record *rec,
                     size_t *sock_cap)
{
    char name[16];
    snprintf(name, sizeof name, "%d", fd);
    size_t n;
    bool cut;
    int errnum;
    ld_autofree char *target = ld_fx_readlink(fd_dir, name, &n, &cut, &errnum);
    if (!target && errnum == ENOENT)
        return false;
    ld_fx_fdinfo fi = {0};
    if (fdinfo_dir >= 0) {
        size_t len;
        bool icut;
        int ierr;
        ld_autofree char *info = ld_fx_read_at(fdinfo_dir, name, FDINFO_MAX, &len, &icut, &ierr);
        if (info)
            ld_fx_parse_fdinfo(info, len, &fi);
    }
    ld_json_object_begin(j);
    ld_json_kv_int(j, "fd", fd);
    ld_json_key(j, "target");
    if (target)
        ld_json_stringn(j, target, n);
    else
        ld_json_null(j);
    if (cut)
        ld_json_kv_bool(j, "target_cut", true);
    if (fi.got & LD_FX_FI_POS)
        ld_json_kv_int(j, "pos", fi.pos > (uint64_t)INT64_MAX ? INT64_MAX : (int64_t)fi.pos);
    if (fi.got & LD_FX_FI_FLAGS)
        ld_json_kv_string(j, "flags", fi.flags);
    if (fi.got & LD_FX_FI_MNT)
        ld_json_kv_int(j, "mnt_id",
                       fi.mnt_id > (uint64_t)INT64_MAX ? INT64_MAX : (int64_t)fi.mnt_id);
    ld_json_object_end(j);
    uint64_t inode;
    if (target && !cut && ld_fx_link_socket_inode(target, n, &inode))
        add_socket(rec, sock_cap, inode, fd);
    return true;
}

int ld_fx_proc_write_fds(ld_fx_proc_ctx *ctx, ld_fx_proc_record *rec, ld_error *err)
{
    int fd_dir;
    do
        fd_dir = openat(ctx->pid_dir, "fd", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    while (fd_dir < 0 && errno == EINTR);
    if (fd_dir < 0) {
        int e = errno;
        if (ld_fx_errno_gone(e))
            ld_fx_proc_gone(ctx, "fds");
        else
            ld_fx_bundle_note(ctx->b, "process %d: fd cannot be opened: %s", (int)ctx->pid,
                              strerror(e));
        return 0;
    }
    ld_autoclose int owned = fd_dir;
    ld_autoclose int fdinfo_dir = -1;
    do
        fdinfo_dir =
            openat(ctx->pid_dir, "fdinfo", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    while (fdinfo_dir < 0 && errno == EINTR);

    size_t n, more;
    int errnum;
    ld_autofree int *fds = list_fds(owned, &n, &more, &errnum);
    if (!fds) {
        if (ld_fx_errno_gone(errnum))
            ld_fx_proc_gone(ctx, "fds");
        else
            ld_fx_bundle_note(ctx->b, "process %d: fd cannot be listed: %s", (int)ctx->pid,
                              strerror(errnum));
        return 0;
    }
    char rel[64];
    snprintf(rel, sizeof rel, "processes/%d/fds.json", (int)ctx->pid);
    ld_fx_json_artifact ja;
    if (ld_fx_json_artifact_begin(ctx->b, rel, LD_FX_KIND_PROC_FDS, &ja, err) < 0)
        return err->code;
    if (more)
        ld_fx_artifact_note(ja.a, true, "%zu more fds not listed (at most %d)", more,
                            LD_FX_FDS_MAX);
    if (errnum)
        ld_fx_artifact_note(ja.a, false, "listing fd stopped: %s", strerror(errnum));
    ld_json j;
    ld_json_init(&j, ja.f, true);
    ld_json_array_begin(&j);
    size_t sock_cap = 0;
    for (size_t i = 0; i < n; i++)
        write_fd(&j, owned, fdinfo_dir, fds[i], rec, &sock_cap);
    ld_json_array_end(&j);
    if (errnum && ld_fx_errno_gone(errnum))
        ld_fx_proc_gone(ctx, "fds");
    return ld_fx_json_artifact_finish(&ja, err);
}
