/* Event sources for lockdown watch: the eBPF programs (bpf_source.c, the
 * full set of tracepoints) and the proc connector (proc_source.c, exec /
 * fork / exit only, for hosts where BPF cannot load). A source delivers
 * ld_rt_event records to a callback from ld_rt_source_poll, on the
 * caller's thread, and counts what it could not deliver.
 *
 *   ld_rt_source *src = ld_rt_bpf_open(&opts, &err);       (or NULL: why in err)
 *   if (!src) src = ld_rt_proc_open(&opts, &err);          (reduced coverage)
 *   while (running) ld_rt_source_poll(src, 200, on_event, ctx, &err);
 *   ld_rt_source_stats(src, &st);
 *   ld_rt_source_close(src);
 */
#ifndef LD_RUNTIME_SOURCE_H
#define LD_RUNTIME_SOURCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "runtime/event.h"

typedef struct ld_rt_source ld_rt_source;

/* The in-kernel open filter (eBPF source; bpf helper, issue 14): an open,
 * creat, openat or openat2 is reported only when its path matches a rule
 * whose mode accepts it. PREFIX: the path starts with the pattern
 * ("/etc/", "/etc/shadow" also matches "/etc/shadow-"); COMPONENT: the
 * path contains the pattern at a '/' ("/.ssh/" matches
 * "/home/u/.ssh/id_rsa"). Patterns are absolute-path text starting with
 * '/', 1..64 bytes; at most 32 rules of each kind. WRITES: opened with
 * O_WRONLY, O_RDWR, O_CREAT or O_TRUNC; READS_WRITES: any open. Paths are
 * as the process sees them (inside its container); relative paths, paths
 * with "//", "/./" or "/../" and paths the kernel could not read at entry
 * are decided on the opened file's real path, so only when the open
 * succeeded (bpf/lockdown.bpf.c). */
typedef enum { LD_RT_OPEN_PREFIX = 1, LD_RT_OPEN_COMPONENT } ld_rt_open_match;
typedef enum { LD_RT_OPEN_WRITES = 1, LD_RT_OPEN_READS_WRITES } ld_rt_open_mode;
typedef struct {
    const char *pattern;
    ld_rt_open_match match;
    ld_rt_open_mode mode;
} ld_rt_open_rule;

typedef struct {
    size_t ring_bytes;       /* BPF ring buffer size; 0: 16 MiB. Rounded up to a power of two, >= page size */
    bool trace_opens;        /* openat/openat2 events (only the paths the filter keeps, see below) */
    bool trace_reads;        /* also opens for reading of the sensitive prefixes, not only writes
                                (false: every rule's mode is WRITES) */
    const char *const *open_prefixes; /* NULL-terminated path prefixes whose opens are reported
                                         (writes below any of them, reads of them when trace_reads);
                                         NULL: the built-in set (/etc, /usr, /bin, /sbin, /lib, /boot,
                                         /root, /var/run/docker.sock, /run/containerd ...) */
    bool host_events;        /* events of processes outside containers too (default on); off: the
                                kernel drops events of the host's root cgroup (v2) */
    uint32_t self_pid;       /* lockdown's own pid: its events are not reported */
    /* the open filter as rules (takes precedence over open_prefixes when
     * n_open_rules > 0); neither given: ld_rt_open_rules_default() */
    const ld_rt_open_rule *open_rules;
    size_t n_open_rules;
} ld_rt_source_options;

/* The built-in open filter (*n set to its length): writes below /etc/ /usr/
 * /bin/ /sbin/ /lib/ /lib64/ /boot/ /root/; reads and writes of
 * /etc/shadow /etc/gshadow /etc/sudoers /etc/sudoers.d/ /etc/pam.d/, of
 * /.ssh/ /.aws/ /.kube/config /.docker/config.json /.config/gcloud/
 * /.azure/ anywhere, and of the engine sockets /var/run/docker.sock
 * /run/docker.sock /run/containerd/containerd.sock. Static storage. */
const ld_rt_open_rule *ld_rt_open_rules_default(size_t *n);

typedef struct {
    const char *name;        /* "ebpf", "proc-connector" */
    uint64_t received;       /* records taken from the kernel and delivered */
    uint64_t dropped;        /* records the kernel could not queue (ring full): per-CPU counters summed */
    uint64_t lost_other;     /* records lost for other reasons (a read failed, a record malformed) */
    uint64_t ring_bytes;     /* the ring buffer size in use (0 for the proc connector) */
    uint64_t dropped_by_type[LD_EVT_TYPE_COUNT]; /* dropped split by event type (sums to dropped) */
    /* what is watched, for the one-line coverage note */
    const char *coverage;    /* "full: ..." or "reduced: exec/fork/exit only (proc connector): ..." */
    bool reduced;            /* fewer event types than the rules may ask for */
    uint64_t missed;         /* eBPF: program runs the kernel skipped (a program already running on
                                that CPU); their events are unknown, also counted in lost_other */
} ld_rt_source_stats;

/* Loads and attaches the eBPF programs (needs root / CAP_BPF+CAP_PERFMON,
 * BTF). NULL with err saying which step failed and why (for the one-line
 * reduced-coverage announcement) when BPF is unavailable, including builds
 * without libbpf (LD_ERR_UNSUPPORTED). */
ld_rt_source *ld_rt_bpf_open(const ld_rt_source_options *o, ld_error *err);
/* Subscribes to the kernel's proc connector (netlink, needs CAP_NET_ADMIN):
 * exec, fork and exit events, completed from /proc/PID (exe, cmdline,
 * uids, cgroup). NULL with err on failure. */
ld_rt_source *ld_rt_proc_open(const ld_rt_source_options *o, ld_error *err);

/* Waits up to timeout_ms for records and delivers each to fn (a nonzero
 * return from fn stops the batch and is returned). Returns the number of
 * records delivered (>= 0), or a negative ld_errcode. EINTR: returns 0. */
int ld_rt_source_poll(ld_rt_source *s, int timeout_ms, ld_rt_event_fn fn, void *ctx, ld_error *err);
/* A file descriptor that becomes readable when records wait (for poll(2)
 * alongside other inputs); -1 if none. */
int ld_rt_source_fd(const ld_rt_source *s);
void ld_rt_source_stats_get(const ld_rt_source *s, ld_rt_source_stats *out);
void ld_rt_source_close(ld_rt_source *s);

/* Is eBPF support compiled in? */
bool ld_rt_bpf_built(void);
/* Why not, when it is not ("this lockdown was built without eBPF (not
 * found: bpftool)"); "" when it is. Static storage. */
const char *ld_rt_bpf_build_note(void);

/* Internal vtable: each source implements these (source.c dispatches). */
typedef struct {
    int (*poll)(ld_rt_source *s, int timeout_ms, ld_rt_event_fn fn, void *ctx, ld_error *err);
    int (*fd)(const ld_rt_source *s);
    void (*stats)(const ld_rt_source *s, ld_rt_source_stats *out);
    void (*close)(ld_rt_source *s);
} ld_rt_source_ops;

struct ld_rt_source {
    const ld_rt_source_ops *ops;
};

#endif
