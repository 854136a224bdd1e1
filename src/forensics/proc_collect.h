/* A container's processes as evidence: which pids it has (from its cgroup,
 * not from anything the container says), and for each one copies of its
 * /proc files, its namespaces, its open file descriptors with their
 * targets, and a record for processes/index.json.
 *
 * Per process, in processes/PID/ (PID in the host's pid namespace):
 *   status cmdline environ limits cgroup mountinfo maps stat auxv io
 *   (verbatim copies, each capped at LD_FX_PROC_FILE_MAX; a cut is noted)
 *   namespaces.json  {"cgroup": "cgroup:[4026531835]", "ipc": ..., "mnt":
 *                     ..., "net": ..., "pid": ..., "pid_for_children":
 *                     ..., "time": ..., "user": ..., "uts": ...}
 *   fds.json         [{"fd": 3, "target": "socket:[12345]", "pos": 0,
 *                      "flags": "0100002", "mnt_id": 31}, ...] (targets
 *                     are link texts, recorded, never followed; at most
 *                     LD_FX_FDS_MAX fds, then a note)
 * Everything read from /proc is hostile text (names, command lines and
 * link targets are the container's choice): bounded, escaped in JSON,
 * never used as a path. A process that exits while it is read is recorded
 * as exited with what was read before. */
#ifndef LD_FORENSICS_PROC_COLLECT_H
#define LD_FORENSICS_PROC_COLLECT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "core/error.h"
#include "forensics/bundle.h"

#define LD_FX_PROC_FILE_MAX ((uint64_t)4 * 1024 * 1024)
#define LD_FX_FDS_MAX 65536
#define LD_FX_PIDS_MAX 65536

/* The pids in the container's cgroup (v2 cgroup.procs beneath the unified
 * mount, else a v1 controller's cgroup.procs: pids, memory, freezer, cpu),
 * found from /proc/INIT_PID/cgroup; sorted, init first. cgroup_root NULL:
 * /sys/fs/cgroup. *pids is a new array (caller frees). When no cgroup
 * can be read: < 0 with err, and the caller falls back to the init and
 * its descendants from /proc (ld_fx_descendants) with a note. */
int ld_fx_container_pids(pid_t init_pid, const char *cgroup_root, pid_t **pids, size_t *n,
                         ld_error *err);
/* The init and its descendants from /proc/PID/task/TID/children (the
 * fallback; a pid namespace is a process tree). */
int ld_fx_descendants(pid_t init_pid, pid_t **pids, size_t *n, ld_error *err);
/* The same two with the /proc root given (NULL: /proc), for tests over a
 * fake tree and for ld_fx_capture_options.proc_root. */
int ld_fx_container_pids_at(const char *proc_root, pid_t init_pid, const char *cgroup_root,
                            pid_t **pids, size_t *n, ld_error *err);
int ld_fx_descendants_at(const char *proc_root, pid_t init_pid, pid_t **pids, size_t *n,
                         ld_error *err);

/* One open socket of a process (for network/sockets.json owners). */
typedef struct {
    uint64_t inode;
    int fd;
} ld_fx_sock_fd;

typedef struct {
    pid_t pid;
    pid_t ppid;
    pid_t nspid;          /* innermost pid (status NSpid), 0 if unknown */
    char comm[17];
    char state;           /* status State letter, '?' if unknown */
    uint32_t uid, euid, gid;
    unsigned threads;
    uint64_t start_ticks; /* stat field 22 */
    char *exe;            /* /proc/PID/exe link text, NULL if unreadable */
    bool exe_deleted;     /* the link text ends in " (deleted)" */
    char **argv;          /* cmdline split at NUL, capped; NULL-terminated */
    size_t argc;
    char *cwd, *root;     /* link texts */
    bool exited;          /* gone before everything was read */
    char *exit_note;      /* what could not be read because of it */
    ld_fx_sock_fd *sockets;
    size_t n_sockets;
    char *core_path;      /* set by the caller after the core is written */
    char *core_note;
} ld_fx_proc_record;

/* Reads everything above for pid and writes processes/PID/... into b.
 * rec is filled (caller clears with ld_fx_proc_record_clear). Returns 0,
 * also for a process that exited (rec->exited); < 0 only for a bundle
 * write error (err). proc_root NULL: /proc. */
int ld_fx_proc_collect(ld_fx_bundle *b, const char *proc_root, pid_t pid, ld_fx_proc_record *rec,
                       ld_error *err);
void ld_fx_proc_record_clear(ld_fx_proc_record *rec);

/* processes/index.json: [{"pid", "ppid", "nspid", "comm", "state", "uid",
 * "euid", "gid", "threads", "start_ticks", "exe", "exe_deleted", "argv",
 * "cwd", "root", "exited", "exit_note"?, "core"?, "core_note"?}, ...] */
int ld_fx_proc_index_write(ld_fx_bundle *b, const ld_fx_proc_record *recs, size_t n,
                           ld_error *err);

#endif
