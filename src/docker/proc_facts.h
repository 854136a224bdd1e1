/* Facts about containers' processes read from the host's /proc, not from
 * `docker exec`: which processes belong to a container (its PID namespace,
 * or the descendants of its init when it shares the host's), whether one of
 * them is an SSH daemon, which user runs its PID 1. Also whether lockdown
 * itself runs in a container, and which one, so the audit can leave it out.
 * One scan of /proc serves every container.
 * Not for anything that needs ptrace or entering a namespace. */
#ifndef LD_DOCKER_PROC_FACTS_H
#define LD_DOCKER_PROC_FACTS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* At most this many processes are kept from one scan. */
#define LD_PROC_MAX 65536

typedef struct {
    pid_t pid, ppid;
    ino_t pidns; /* inode of /proc/PID/ns/pid; 0 when unreadable */
    char comm[17];
} ld_proc_entry;

typedef struct {
    char *proc_dir;   /* "/proc" or ROOT/proc */
    ino_t host_pidns; /* pid namespace of proc_dir's PID 1 */
    ld_proc_entry *v;
    size_t n, cap;
    bool unreadable; /* proc_dir could not be listed */
    /* Lookup indexes over v, built once per scan (ld_proc_table_index):
     * positions in v ordered by pid, and by parent pid (a process's
     * children are one run of by_ppid). NULL until built. */
    size_t *by_pid, *by_ppid;
} ld_proc_table;

/* Scans proc_dir (e.g. "/proc") once and indexes it. Returns 0, or -1 when
 * proc_dir cannot be read (t is then empty and t->unreadable set; every
 * running container's process facts are unobserved). */
int ld_proc_scan(const char *proc_dir, ld_proc_table *t);
/* (Re)builds t's indexes after t->v was filled or changed by hand;
 * ld_proc_scan does it. Lookups then cost O(log n) and a container's
 * processes O(its process count), not O(n^2) per container. */
void ld_proc_table_index(ld_proc_table *t);
void ld_proc_table_clear(ld_proc_table *t);

typedef enum {
    LD_PROCS_KNOWN,       /* its processes were read, and its init proven to be its own */
    LD_PROCS_NOT_RUNNING, /* no processes: nothing to look at */
    LD_PROCS_UNOBSERVED,  /* running, but its processes could not be looked at (why) */
} ld_procs_state;

typedef struct {
    ld_procs_state state;
    size_t nproc;   /* processes seen in the container */
    bool sshd;      /* a process named sshd (comm) runs in it */
    pid_t sshd_pid; /* host pid of that process */
    bool uid_known;
    unsigned long uid; /* real uid of the container's init, as the host sees it */
    char why[256];     /* when not LD_PROCS_KNOWN: why */
} ld_container_procs;

/* Fills out for the container container_id (its full 64-hex id) whose
 * init has host pid `pid` (State.Pid; 0 when not running). A pid is only
 * used once PROC/PID/cgroup or PROC/PID/cpuset names the container id: a
 * pid reused by another process, or a pid from another machine's engine,
 * leaves the container LD_PROCS_UNOBSERVED. */
void ld_container_procs_get(const ld_proc_table *t, long pid, const char *container_id,
                            ld_container_procs *out);
/* Marks out LD_PROCS_UNOBSERVED with why (printf-style). */
void ld_container_procs_unobserved(ld_container_procs *out, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* When this process runs inside a container: true, and id (65 bytes) the
 * container's 64-hex id when /proc/self/cgroup or /proc/self/mountinfo names
 * one ("" otherwise). False on the host. */
bool ld_self_container(char id[65]);

#endif
