/* The eBPF event source (source.h): loads lockdown's tracepoint programs
 * (bpf/lockdown.bpf.c, embedded as a libbpf skeleton), attaches each one on
 * its own (a tracepoint the kernel lacks is noted in the coverage line,
 * not fatal), reads the ring buffer and hands decoded events
 * (bpf_decode.c) to the caller; sums the kernel's per-CPU drop counters
 * for the statistics. Built as a stub returning LD_ERR_UNSUPPORTED when
 * the build found no libbpf, clang or bpftool (cmake/bpf.cmake). */
#include "runtime/source.h"

#ifndef LD_HAVE_BPF

#ifndef LD_BPF_OFF_REASON
#define LD_BPF_OFF_REASON "this lockdown was built without eBPF (libbpf, clang or bpftool missing)"
#endif

ld_rt_source *ld_rt_bpf_open(const ld_rt_source_options *o, ld_error *err)
{
    (void)o;
    ld_error_set(err, LD_ERR_UNSUPPORTED, "%s", LD_BPF_OFF_REASON);
    return NULL;
}

bool ld_rt_bpf_built(void)
{
    return false;
}

const char *ld_rt_bpf_build_note(void)
{
    return LD_BPF_OFF_REASON;
}

#else /* LD_HAVE_BPF */

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <linux/magic.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <time.h>
#include <unistd.h>

#include "runtime/bpf/abi.h" /* before the skeleton: it embeds struct ld_bpf_config */
#include "lockdown.skel.h"
#include "runtime/bpf_decode.h"
#include "runtime/open_rules.h"
#include "util/mem.h"

#define DEFAULT_RING_BYTES (16u << 20)
#define MAX_RING_BYTES (1ull << 30)
#define POLL_BUDGET 65536       /* records per poll call: the engine stream gets its turn */
#define STOP_BATCH (-ECANCELED) /* returned by the ring callback to end a batch */
#define WAKEUP_MAX (64u << 10)

bool ld_rt_bpf_built(void)
{
    return true;
}

const char *ld_rt_bpf_build_note(void)
{
    return "";
}

/* ---- libbpf's messages: kept (the last one names what failed), never printed ---- */
/* libbpf's print hook is process-wide and takes no context: the one
 * piece of global state here, per thread. */
static __thread char libbpf_last[256];
static __thread int libbpf_in_log;

__attribute__((format(printf, 2, 0))) static int libbpf_quiet(enum libbpf_print_level level,
                                                              const char *fmt, va_list ap)
{
    if (level == LIBBPF_DEBUG)
        return 0;
    char line[256];
    vsnprintf(line, sizeof line, fmt, ap);
    line[strcspn(line, "\n")] = '\0';
    if (strstr(line, "-- BEGIN PROG LOAD LOG --"))
        libbpf_in_log = 1;
    else if (strstr(line, "-- END PROG LOAD LOG --"))
        libbpf_in_log = 0;
    else if (!libbpf_in_log && line[0])
        snprintf(libbpf_last, sizeof libbpf_last, "%s", line);
    return 0;
}

/* ---- what is watched ---- */
typedef struct {
    const char *label; /* in the coverage line */
    const char *enter; /* program names (NULL: none) */
    const char *exit;
    const char *tp_enter; /* tracepoint "category/name" */
    const char *tp_exit;
    bool open;   /* part of the open filter: loaded only with trace_opens */
    bool module; /* a module load call */
} watched_call;

#define SYSCALL(label, name, ...)                                                                  \
    {                                                                                              \
        label, "ld_enter_" name, "ld_exit_" name, "syscalls/sys_enter_" name,                      \
            "syscalls/sys_exit_" name, __VA_ARGS__                                                 \
    }

static const watched_call watched[] = {
    {"exec", NULL, "ld_sched_exec", NULL, "sched/sched_process_exec", false, false},
    {"fork", NULL, "ld_sched_fork", NULL, "sched/sched_process_fork", false, false},
    {"exit", NULL, "ld_sched_exit", NULL, "sched/sched_process_exit", false, false},
    SYSCALL("open", "open", true, false),
    SYSCALL("creat", "creat", true, false),
    SYSCALL("openat", "openat", true, false),
    SYSCALL("openat2", "openat2", true, false),
    SYSCALL("connect", "connect", false, false),
    {"accept", NULL, "ld_exit_accept", NULL, "syscalls/sys_exit_accept", false, false},
    {"accept4", NULL, "ld_exit_accept4", NULL, "syscalls/sys_exit_accept4", false, false},
    SYSCALL("bind", "bind", false, false),
    SYSCALL("listen", "listen", false, false),
    SYSCALL("ptrace", "ptrace", false, false),
    SYSCALL("setuid", "setuid", false, false),
    SYSCALL("setreuid", "setreuid", false, false),
    SYSCALL("setresuid", "setresuid", false, false),
    SYSCALL("setgid", "setgid", false, false),
    SYSCALL("setregid", "setregid", false, false),
    SYSCALL("setresgid", "setresgid", false, false),
    SYSCALL("mount", "mount", false, false),
    SYSCALL("move_mount", "move_mount", false, false),
    SYSCALL("umount2", "umount", false, false),
    SYSCALL("init_module", "init_module", false, true),
    SYSCALL("finit_module", "finit_module", false, true),
    SYSCALL("memfd_create", "memfd_create", false, false),
    SYSCALL("unshare", "unshare", false, false),
    SYSCALL("setns", "setns", false, false),
    SYSCALL("execveat", "execveat", false, false),
};
#define N_WATCHED (sizeof watched / sizeof watched[0])

typedef struct {
    ld_rt_source base;
    struct lockdown_bpf *skel;
    struct ring_buffer *rb;
    ld_rt_event ev; /* reused for every record */
    /* the batch in progress */
    ld_rt_event_fn fn;
    void *fn_ctx;
    int fn_rc;
    int delivered;
    int64_t wall_offset_ns;
    uint64_t received, malformed;
    uint64_t ring_bytes;
    int ncpus;
    char coverage[1024];
    bool reduced;
} bpf_source;

static int64_t wall_offset_ns(void)
{
    struct timespec real, boot;
    clock_gettime(CLOCK_REALTIME, &real);
    clock_gettime(CLOCK_BOOTTIME, &boot);
    return ((int64_t)real.tv_sec - (int64_t)boot.tv_sec) * 1000000000LL +
           ((int64_t)real.tv_nsec - (int64_t)boot.tv_nsec);
}

static int on_record(void *ctx, void *data, size_t len)
{
    bpf_source *s = ctx;
    const char *why = NULL;
    if (ld_rt_bpf_decode(data, len, s->wall_offset_ns, &s->ev, &why) < 0) {
        s->malformed++;
        return 0;
    }
    s->received++;
    s->delivered++;
    int rc = s->fn(&s->ev, s->fn_ctx);
    if (rc) {
        s->fn_rc = rc;
        return STOP_BATCH;
    }
    return s->delivered >= POLL_BUDGET ? STOP_BATCH : 0;
}

static int bpf_poll(ld_rt_source *base, int timeout_ms, ld_rt_event_fn fn, void *ctx, ld_error *err)
{
    bpf_source *s = (bpf_source *)base;
    s->fn = fn;
    s->fn_ctx = ctx;
    s->fn_rc = 0;
    s->delivered = 0;
    s->wall_offset_ns = wall_offset_ns(); /* follows clock steps */
    /* the kernel wakes the reader only past a fill threshold (lockdown.bpf.c
     * emit): whatever the wait says, what is queued is read afterwards */
    int r = ring_buffer__poll(s->rb, timeout_ms);
    if (r >= 0 || r == -EINTR)
        r = ring_buffer__consume(s->rb);
    if (r == STOP_BATCH)
        return s->fn_rc ? s->fn_rc : s->delivered;
    if (r < 0) {
        if (r == -EINTR)
            return s->delivered;
        return ld_error_set_errno(err, LD_ERR_GENERIC, -r, "ebpf: reading the ring buffer");
    }
    return s->delivered;
}

static int bpf_fd(const ld_rt_source *base)
{
    const bpf_source *s = (const bpf_source *)base;
    return ring_buffer__epoll_fd(s->rb);
}

static void bpf_stats(const ld_rt_source *base, ld_rt_source_stats *out)
{
    const bpf_source *s = (const bpf_source *)base;
    out->name = "ebpf";
    out->received = s->received;
    out->ring_bytes = s->ring_bytes;
    out->coverage = s->coverage;
    out->reduced = s->reduced;
    uint64_t *per_cpu = ld_xcalloc((size_t)s->ncpus, sizeof *per_cpu);
    int fd = bpf_map__fd(s->skel->maps.drops);
    for (uint32_t call = 1; call < LD_BPF_CALL_COUNT; call++) {
        if (bpf_map_lookup_elem(fd, &call, per_cpu) < 0)
            continue;
        uint64_t sum = 0;
        for (int c = 0; c < s->ncpus; c++)
            sum += per_cpu[c];
        out->dropped += sum;
        out->dropped_by_type[ld_rt_bpf_call_type(call)] += sum;
    }
    free(per_cpu);
    /* runs the kernel skipped because a BPF program was already running
     * on that CPU: whatever they would have reported is lost */
    struct bpf_program *prog;
    bpf_object__for_each_program(prog, s->skel->obj)
    {
        int pfd = bpf_program__fd(prog);
        if (pfd < 0)
            continue;
        struct bpf_prog_info info;
        memset(&info, 0, sizeof info);
        __u32 info_len = sizeof info;
        if (bpf_obj_get_info_by_fd(pfd, &info, &info_len) == 0)
            out->missed += info.recursion_misses;
    }
    out->lost_other = s->malformed + out->missed;
}

static void bpf_close(ld_rt_source *base)
{
    bpf_source *s = (bpf_source *)base;
    ring_buffer__free(s->rb);
    lockdown_bpf__destroy(s->skel);
    free(s);
}

static const ld_rt_source_ops bpf_ops = {
    .poll = bpf_poll,
    .fd = bpf_fd,
    .stats = bpf_stats,
    .close = bpf_close,
};

/* ---- opening ---- */
static uint64_t ring_size(size_t want)
{
    uint64_t page = (uint64_t)sysconf(_SC_PAGESIZE);
    uint64_t v = want ? want : DEFAULT_RING_BYTES;
    if (v > MAX_RING_BYTES)
        v = MAX_RING_BYTES;
    if (v < page)
        v = page;
    uint64_t p = 1;
    while (p < v)
        p <<= 1;
    return p;
}

static const char *tracefs_dir(void)
{
    static const char *const dirs[] = {"/sys/kernel/tracing", "/sys/kernel/debug/tracing"};
    for (size_t i = 0; i < sizeof dirs / sizeof dirs[0]; i++) {
        char probe[64];
        snprintf(probe, sizeof probe, "%s/events", dirs[i]);
        if (access(probe, F_OK) == 0)
            return dirs[i];
    }
    return NULL;
}

/* tracefs, mounted at /sys/kernel/tracing if it is not yet (as root) */
static int ensure_tracefs(ld_error *err)
{
    if (tracefs_dir())
        return 0;
    if (mount("tracefs", "/sys/kernel/tracing", "tracefs", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) <
        0)
        return ld_error_set_errno(err, LD_ERR_UNSUPPORTED, errno,
                                  "ebpf: tracefs is not mounted and mounting it at "
                                  "/sys/kernel/tracing failed (mount -t tracefs nodev "
                                  "/sys/kernel/tracing)");
    return tracefs_dir() ? 0
                         : ld_error_set(err, LD_ERR_UNSUPPORTED,
                                        "ebpf: tracefs mounted but /sys/kernel/tracing/events "
                                        "is missing (kernel built without tracepoints?)");
}

static bool tracepoint_exists(const char *tp)
{
    const char *dir = tracefs_dir();
    if (!dir)
        return false;
    char path[256];
    snprintf(path, sizeof path, "%s/events/%s/id", dir, tp);
    return access(path, F_OK) == 0;
}

/* the id of the host's root cgroup on the v2 hierarchy (0: none mounted) */
static uint64_t root_cgroup_id(void)
{
    static const char *const roots[] = {"/sys/fs/cgroup", "/sys/fs/cgroup/unified"};
    for (size_t i = 0; i < sizeof roots / sizeof roots[0]; i++) {
        struct statfs fs;
        struct stat st;
        if (statfs(roots[i], &fs) == 0 && fs.f_type == CGROUP2_SUPER_MAGIC &&
            stat(roots[i], &st) == 0)
            return (uint64_t)st.st_ino;
    }
    return 0;
}

static void add_word(char *buf, size_t n, const char *word, bool *first)
{
    size_t have = strlen(buf);
    if (have < n)
        snprintf(buf + have, n - have, "%s%s", *first ? "" : ", ", word);
    *first = false;
}

/* Attaches what loaded; fills the coverage line. */
static void attach_all(bpf_source *s, const bool *loaded, const ld_rt_source_options *o,
                       const struct ld_bpf_config *cfg)
{
    char watching[512] = "", missing[384] = "", failed[384] = "", off[128] = "";
    char why[160] = ""; /* the first attach failure's reason */
    bool first_w = true, first_m = true, first_f = true, first_o = true;
    bool reduced = false;
    bool have_modules = access("/proc/modules", F_OK) == 0;
    for (size_t i = 0; i < N_WATCHED; i++) {
        const watched_call *w = &watched[i];
        if (w->open && !o->trace_opens) {
            add_word(off, sizeof off, w->label, &first_o);
            continue;
        }
        if (!loaded[i]) {
            add_word(missing, sizeof missing, w->label, &first_m);
            if (!w->module || have_modules)
                reduced = true;
            continue;
        }
        /* the exit first: an entry attached alone would stash arguments
         * that no exit takes out */
        const char *names[2] = {w->exit, w->enter};
        bool ok = true;
        for (int k = 0; k < 2 && ok; k++) {
            if (!names[k])
                continue;
            struct bpf_program *prog = bpf_object__find_program_by_name(s->skel->obj, names[k]);
            libbpf_last[0] = '\0';
            struct bpf_link *link = prog ? bpf_program__attach(prog) : NULL;
            if (!link) {
                ok = false;
                if (!why[0])
                    snprintf(why, sizeof why, "%s", libbpf_last[0] ? libbpf_last : strerror(errno));
                break;
            }
            /* the skeleton's destroy frees links it knows; keep ours with the object */
            struct bpf_link **slot = NULL;
            for (int j = 0; j < s->skel->skeleton->prog_cnt; j++)
                if (*s->skel->skeleton->progs[j].prog == prog)
                    slot = s->skel->skeleton->progs[j].link;
            if (slot)
                *slot = link;
        }
        if (ok) {
            add_word(watching, sizeof watching, w->label, &first_w);
        } else {
            add_word(failed, sizeof failed, w->label, &first_f);
            reduced = true;
        }
    }
    s->reduced = reduced;
    int n = snprintf(s->coverage, sizeof s->coverage,
                     "%s: ebpf tracepoints: %s; opens filtered in the kernel (%u prefix, %u "
                     "component rules%s)",
                     reduced ? "reduced" : "full", watching[0] ? watching : "none", cfg->n_prefix,
                     cfg->n_component, cfg->read_rules ? "" : ", writes only");
    size_t used = n > 0 ? (size_t)n : 0;
    if (missing[0] && used < sizeof s->coverage)
        used += (size_t)snprintf(s->coverage + used, sizeof s->coverage - used,
                                 "; no tracepoint for %s in this kernel%s", missing,
                                 have_modules ? "" : " (built without module support)");
    if (failed[0] && used < sizeof s->coverage)
        used += (size_t)snprintf(s->coverage + used, sizeof s->coverage - used,
                                 "; could not attach: %s (%s)", failed, why);
    if (off[0] && used < sizeof s->coverage)
        snprintf(s->coverage + used, sizeof s->coverage - used, "; not asked for: %s", off);
}

ld_rt_source *ld_rt_bpf_open(const ld_rt_source_options *o, ld_error *err)
{
    libbpf_set_print(libbpf_quiet);
    libbpf_last[0] = '\0';

    struct ld_bpf_config cfg;
    memset(&cfg, 0, sizeof cfg);
    if (ld_rt_open_rules_compile(o, &cfg, err) < 0) {
        ld_error_wrap(err, "ebpf: open filter");
        return NULL;
    }
    cfg.self_pid = o->self_pid;
    cfg.skip_cgroup_id = o->host_events ? 0 : root_cgroup_id();

    if (access("/sys/kernel/btf/vmlinux", R_OK) != 0) {
        ld_error_set_errno(err, LD_ERR_UNSUPPORTED, errno,
                           "ebpf: no kernel BTF at /sys/kernel/btf/vmlinux (a kernel built "
                           "with CONFIG_DEBUG_INFO_BTF is needed)");
        return NULL;
    }
    if (ensure_tracefs(err) < 0)
        return NULL;

    bpf_source *s = ld_xcalloc(1, sizeof *s);
    s->base.ops = &bpf_ops;
    s->ncpus = libbpf_num_possible_cpus();
    if (s->ncpus <= 0) {
        ld_error_set_errno(err, LD_ERR_GENERIC, -s->ncpus, "ebpf: counting the CPUs");
        free(s);
        return NULL;
    }
    s->skel = lockdown_bpf__open();
    if (!s->skel) {
        ld_error_set_errno(err, LD_ERR_GENERIC, errno, "ebpf: opening the programs%s%s",
                           libbpf_last[0] ? ": " : "", libbpf_last);
        free(s);
        return NULL;
    }
    s->skel->rodata->cfg = cfg;
    s->ring_bytes = ring_size(o->ring_bytes);
    /* a quarter of the ring, at most 64 KiB: woken early enough that a
     * burst never fills the ring while the reader sleeps, rarely enough
     * that a quiet host does not pay a wakeup per event */
    cfg.wakeup_bytes = s->ring_bytes / 4 < WAKEUP_MAX ? s->ring_bytes / 4 : WAKEUP_MAX;
    s->skel->rodata->cfg.wakeup_bytes = cfg.wakeup_bytes;
    bpf_map__set_max_entries(s->skel->maps.events, (__u32)s->ring_bytes);

    /* what to load: the open programs only when asked for, and no program
     * whose tracepoint this kernel lacks */
    bool loaded[N_WATCHED];
    for (size_t i = 0; i < N_WATCHED; i++) {
        const watched_call *w = &watched[i];
        bool want = !w->open || o->trace_opens;
        bool present =
            (!w->tp_enter || tracepoint_exists(w->tp_enter)) && tracepoint_exists(w->tp_exit);
        loaded[i] = want && present;
        const char *names[2] = {w->enter, w->exit};
        for (int k = 0; k < 2; k++) {
            if (!names[k])
                continue;
            struct bpf_program *prog = bpf_object__find_program_by_name(s->skel->obj, names[k]);
            if (prog)
                bpf_program__set_autoload(prog, loaded[i]);
        }
    }

    int rc = lockdown_bpf__load(s->skel);
    if (rc < 0) {
        int e = -rc;
        ld_error_set_errno(err, e == EPERM || e == EACCES ? LD_ERR_UNSUPPORTED : LD_ERR_GENERIC, e,
                           "ebpf: loading the programs failed%s%s%s", libbpf_last[0] ? " (" : "",
                           libbpf_last, libbpf_last[0] ? ")" : "");
        if (e == EPERM) {
            size_t have = strlen(err->msg);
            snprintf(err->msg + have, sizeof err->msg - have,
                     "; run as root, or with CAP_BPF and CAP_PERFMON");
        }
        lockdown_bpf__destroy(s->skel);
        free(s);
        return NULL;
    }
    attach_all(s, loaded, o, &cfg);
    s->rb = ring_buffer__new(bpf_map__fd(s->skel->maps.events), on_record, s, NULL);
    if (!s->rb) {
        ld_error_set_errno(err, LD_ERR_GENERIC, errno, "ebpf: opening the ring buffer");
        lockdown_bpf__destroy(s->skel);
        free(s);
        return NULL;
    }
    return &s->base;
}

#endif /* LD_HAVE_BPF */
