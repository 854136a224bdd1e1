/* The container's sockets as evidence (net_sockets.h): each kernel table of
 * the container's network namespace (/proc/PID/net/<table> of a process in
 * it) is copied verbatim into network/<table> and parsed in the same pass,
 * then network/sockets.json lists every socket with the processes that
 * hold it (matched by inode against their "socket:[N]" fds). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "forensics/net_internal.h"
#include "forensics/net_sockets.h"
#include "forensics/proc_files.h"
#include "forensics/proc_text.h"
#include "util/cleanup.h"
#include "util/json_out.h"
#include "util/mem.h"

/* A table bigger than this is cut in the copy (LD_FX_SOCKETS_MAX lines of
 * about 200 bytes fit well). */
#define NET_FILE_MAX ((uint64_t)128 * 1024 * 1024)
#define COPY_CHUNK 65536

/* Copies and parses one table. 0 also when it cannot be read (a bundle
 * note says why); < 0 on a bundle write error. */
static int collect_table(ld_fx_bundle *b, int proc_fd, pid_t pid, ld_fx_sock_proto proto, char *buf,
                         ld_fx_socket_list *list, ld_error *err)
{
    const char *name = ld_fx_sock_proto_name(proto);
    char rel[48];
    snprintf(rel, sizeof rel, "%d/net/%s", (int)pid, name);
    ld_autoclose int fd = ld_fx_open_beneath(proc_fd, rel, O_RDONLY | O_NONBLOCK);
    if (fd < 0) {
        ld_fx_bundle_note(b, "network/%s: /proc/%d/net/%s could not be read: %s", name, (int)pid,
                          name, strerror(errno));
        return 0;
    }
    ssize_t got;
    do
        got = read(fd, buf, COPY_CHUNK);
    while (got < 0 && errno == EINTR);
    if (got < 0) {
        ld_fx_bundle_note(b, "network/%s: /proc/%d/net/%s could not be read: %s", name, (int)pid,
                          name, strerror(errno));
        return 0;
    }
    char art[48];
    snprintf(art, sizeof art, "network/%s", name);
    ld_fx_artifact *a = NULL;
    if (ld_fx_artifact_open(b, art, LD_FX_KIND_NET_FILE, &a, err) < 0)
        return err->code ? err->code : LD_ERR_GENERIC;

    size_t malformed_before = list->malformed;
    ld_error perr = LD_ERROR_INIT;
    ld_fx_sock_feeder feed;
    ld_fx_sock_feed_init(&feed, proto, list, &perr);
    uint64_t total = 0;
    bool cut = false;
    while (got > 0) {
        size_t n = (size_t)got;
        if (total + n > NET_FILE_MAX) {
            n = (size_t)(NET_FILE_MAX - total);
            cut = true;
        }
        if (ld_fx_artifact_write(a, buf, n, err) < 0) {
            ld_fx_artifact_abort(a);
            return err->code ? err->code : LD_ERR_GENERIC;
        }
        ld_fx_sock_feed(&feed, buf, n);
        total += n;
        if (cut)
            break;
        do
            got = read(fd, buf, COPY_CHUNK);
        while (got < 0 && errno == EINTR);
        if (got < 0)
            ld_fx_artifact_note(a, false, "read stopped after %llu bytes: %s",
                                (unsigned long long)total, strerror(errno));
    }
    if (cut)
        ld_fx_artifact_note(a, true, "stopped at %llu bytes", (unsigned long long)NET_FILE_MAX);
    else
        ld_fx_sock_feed_end(&feed);
    if (feed.rc < 0)
        ld_fx_bundle_note(b, "network/%s: %s", name, perr.msg);
    if (list->malformed > malformed_before)
        ld_fx_bundle_note(b, "network/%s: %zu malformed lines skipped", name,
                          list->malformed - malformed_before);
    return ld_fx_artifact_close(a, err);
}

/* (inode, pid, fd) of every socket fd of the processes, sorted. */
typedef struct {
    uint64_t inode;
    pid_t pid;
    int fd;
} owner;

static int cmp_owner(const void *a, const void *b)
{
    const owner *x = a, *y = b;
    if (x->inode != y->inode)
        return x->inode < y->inode ? -1 : 1;
    if (x->pid != y->pid)
        return x->pid < y->pid ? -1 : 1;
    return (x->fd > y->fd) - (x->fd < y->fd);
}

static owner *owners_of(const ld_fx_proc_record *recs, size_t n_recs, size_t *n)
{
    size_t total = 0;
    for (size_t i = 0; i < n_recs; i++)
        total += recs[i].n_sockets;
    owner *o = ld_xcalloc(total ? total : 1, sizeof(*o));
    size_t k = 0;
    for (size_t i = 0; i < n_recs; i++)
        for (size_t j = 0; j < recs[i].n_sockets; j++)
            o[k++] = (owner){recs[i].sockets[j].inode, recs[i].pid, recs[i].sockets[j].fd};
    if (k)
        qsort(o, k, sizeof(*o), cmp_owner);
    *n = k;
    return o;
}

static void write_owners(ld_json *j, const owner *o, size_t n, uint64_t inode)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (o[mid].inode < inode)
            lo = mid + 1;
        else
            hi = mid;
    }
    ld_json_key(j, "owners");
    ld_json_array_begin(j);
    /* inode 0 is a socket the kernel shows without one (a TIME_WAIT
     * connection): no process holds it */
    for (size_t i = lo; inode != 0 && i < n && o[i].inode == inode; i++) {
        ld_json_object_begin(j);
        ld_json_kv_int(j, "pid", o[i].pid);
        ld_json_kv_int(j, "fd", o[i].fd);
        ld_json_object_end(j);
    }
    ld_json_array_end(j);
}

static void write_socket(ld_json *j, const ld_fx_socket *s, const owner *o, size_t n_owners)
{
    ld_json_object_begin(j);
    ld_json_kv_string(j, "proto", ld_fx_sock_proto_name(s->proto));
    if (s->proto == LD_FX_SOCK_UNIX) {
        ld_json_kv_string(j, "path", s->unix_path ? s->unix_path : "");
        ld_json_kv_string(j, "type", s->unix_type);
        ld_json_kv_string(j, "state", s->state);
    } else {
        ld_json_kv_string(j, "local", s->local);
        ld_json_kv_int(j, "local_port", s->local_port);
        ld_json_kv_string(j, "remote", s->remote);
        ld_json_kv_int(j, "remote_port", s->remote_port);
        ld_json_kv_string(j, "state", s->state);
        ld_json_kv_int(j, "uid", s->uid);
    }
    ld_json_kv_int(j, "inode", s->inode > (uint64_t)INT64_MAX ? INT64_MAX : (int64_t)s->inode);
    write_owners(j, o, n_owners, s->inode);
    ld_json_object_end(j);
}

int ld_fx_sockets_collect(ld_fx_bundle *b, const char *proc_root, pid_t pid,
                          const ld_fx_proc_record *recs, size_t n_recs, ld_fx_socket_list *out,
                          ld_error *err)
{
    ld_fx_socket_list list = {0};
    const char *proc = proc_root ? proc_root : "/proc";
    ld_autoclose int proc_fd = ld_fx_open_root(proc);
    if (proc_fd < 0 || pid <= 0 || pid > LD_FX_PID_LIMIT) {
        ld_fx_bundle_note(b, "network: the tables of process %d could not be read: %s", (int)pid,
                          proc_fd < 0 ? strerror(errno) : "not a process id");
    } else {
        ld_autofree char *buf = ld_xmalloc(COPY_CHUNK);
        for (int p = LD_FX_SOCK_TCP; p <= LD_FX_SOCK_UNIX; p++) {
            if (collect_table(b, proc_fd, pid, (ld_fx_sock_proto)p, buf, &list, err) < 0) {
                ld_fx_socket_list_clear(&list);
                return err->code ? err->code : LD_ERR_GENERIC;
            }
        }
    }

    size_t n_owners;
    ld_autofree owner *owners = owners_of(recs, n_recs, &n_owners);
    ld_fx_json_artifact ja;
    if (ld_fx_json_artifact_begin(b, "network/sockets.json", LD_FX_KIND_SOCKETS, &ja, err) < 0) {
        ld_fx_socket_list_clear(&list);
        return err->code;
    }
    ld_json j;
    ld_json_init(&j, ja.f, true);
    ld_json_array_begin(&j);
    for (size_t i = 0; i < list.n; i++)
        write_socket(&j, &list.items[i], owners, n_owners);
    ld_json_array_end(&j);
    int rc = ld_fx_json_artifact_finish(&ja, err);
    if (rc < 0 || !out)
        ld_fx_socket_list_clear(&list);
    else
        *out = list;
    return rc;
}
