/* rt_dump: a test helper (not shipped) that opens a runtime event source
 * (eBPF by default, the proc connector with --proc) and prints every
 * event as one JSON line, then the source's statistics, so the
 * end-to-end tests can check what the kernel side reports with jq:
 *   {"type":"openat","syscall":"openat","pid":..,"path":"/etc/x",...}
 *   {"stats":{"source":"ebpf","received":..,"dropped":..,"dropped_by_type":{..},..}}
 * Usage: rt_dump [--ring-bytes N] [--prefix P]... [--component P]...
 *                [--defaults] [--no-opens] [--writes-only] [--no-host]
 *                [--duration S] [--ready-file F] [--proc]
 * --prefix/--component add open-filter rules (reads and writes); with any
 * of them only those rules apply unless --defaults also keeps the
 * built-in ones. Runs until SIGINT/SIGTERM or --duration, then drains
 * what is queued and prints the statistics. --ready-file is created once
 * the source is attached (the coverage line goes to stderr). Errors: one
 * line on stderr, exit 3; usage errors exit 2. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "runtime/source.h"
#include "util/json_out.h"
#include "util/mem.h"

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
    (void)sig;
    stop = 1;
}

static void usage(void)
{
    fputs("usage: rt_dump [--ring-bytes N] [--prefix P]... [--component P]... [--defaults]\n"
          "               [--no-opens] [--writes-only] [--no-host] [--duration S]\n"
          "               [--ready-file F] [--proc]\n",
          stderr);
    exit(2);
}

static unsigned long long parse_num(const char *opt, const char *s)
{
    char *end = NULL;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || !end || end == s || *end)
        fprintf(stderr, "rt_dump: %s: not a number: '%s'\n", opt, s), exit(2);
    return v;
}

static void put_sock(ld_json *j, const char *key, const ld_rt_sockaddr *a)
{
    if (!a->family)
        return;
    ld_json_key(j, key);
    ld_json_object_begin(j);
    ld_json_kv_int(j, "family", a->family);
    if (a->family == AF_INET || a->family == AF_INET6) {
        char text[INET6_ADDRSTRLEN];
        inet_ntop(a->family, a->addr, text, sizeof text);
        ld_json_kv_string(j, "addr", text);
        ld_json_kv_int(j, "port", a->port);
    } else if (a->family == AF_UNIX) {
        ld_json_kv_string(j, "unix_path", a->unix_path);
    }
    ld_json_object_end(j);
}

static void put_str(ld_json *j, const char *key, const char *s)
{
    if (s[0])
        ld_json_kv_string(j, key, s);
}

static int print_event(const ld_rt_event *e, void *ctx)
{
    (void)ctx;
    ld_json j;
    ld_json_init(&j, stdout, false);
    ld_json_object_begin(&j);
    ld_json_kv_string(&j, "type", ld_rt_evtype_name(e->type));
    put_str(&j, "syscall", e->syscall);
    ld_json_kv_int(&j, "ts", (int64_t)e->ts_ns);
    ld_json_kv_int(&j, "ret", e->ret);
    ld_json_kv_int(&j, "pid", e->pid);
    ld_json_kv_int(&j, "tid", e->tid);
    ld_json_kv_int(&j, "ppid", e->ppid);
    ld_json_kv_int(&j, "uid", e->uid);
    ld_json_kv_int(&j, "gid", e->gid);
    ld_json_kv_int(&j, "euid", e->euid);
    ld_json_kv_int(&j, "loginuid", e->loginuid == (uint32_t)-1 ? -1 : (int64_t)e->loginuid);
    ld_json_kv_int(&j, "tty", e->tty);
    ld_json_kv_string(&j, "comm", e->comm);
    put_str(&j, "exepath", e->exepath);
    put_str(&j, "cmdline", e->cmdline);
    if (e->cmdline_truncated)
        ld_json_kv_bool(&j, "cmdline_truncated", true);
    if (e->exe_from_memfd)
        ld_json_kv_bool(&j, "exe_from_memfd", true);
    if (e->exe_upper_layer)
        ld_json_kv_bool(&j, "exe_upper_layer", true);
    ld_json_kv_int(&j, "cgroup_id", (int64_t)e->cgroup_id);
    ld_json_kv_int(&j, "cgroup_v1_id", (int64_t)e->cgroup_v1_id);
    put_str(&j, "path", e->path);
    if (e->path_truncated)
        ld_json_kv_bool(&j, "path_truncated", true);
    if (e->type == LD_EVT_OPENAT || e->type == LD_EVT_OPENAT2)
        ld_json_kv_int(&j, "open_flags", e->open_flags);
    put_sock(&j, "sock", &e->sock);
    put_sock(&j, "sock_local", &e->sock_local);
    if (e->type == LD_EVT_PTRACE || e->type == LD_EVT_SETNS)
        ld_json_kv_int(&j, "target_pid", e->target_pid);
    if (e->type == LD_EVT_PTRACE || e->type == LD_EVT_UNSHARE || e->type == LD_EVT_SETNS ||
        e->type == LD_EVT_MOUNT)
        ld_json_kv_int(&j, "request", e->request);
    if (e->type == LD_EVT_SETUID || e->type == LD_EVT_SETGID)
        ld_json_kv_int(&j, "target_uid", e->target_uid);
    put_str(&j, "fstype", e->fstype);
    put_str(&j, "source_path", e->source_path);
    put_str(&j, "module", e->module);
    ld_json_object_end(&j);
    fputc('\n', stdout);
    return 0;
}

static void print_stats(const ld_rt_source_stats *st)
{
    ld_json j;
    ld_json_init(&j, stdout, false);
    ld_json_object_begin(&j);
    ld_json_key(&j, "stats");
    ld_json_object_begin(&j);
    ld_json_kv_string(&j, "source", st->name);
    ld_json_kv_int(&j, "received", (int64_t)st->received);
    ld_json_kv_int(&j, "dropped", (int64_t)st->dropped);
    ld_json_kv_int(&j, "lost_other", (int64_t)st->lost_other);
    ld_json_kv_int(&j, "missed", (int64_t)st->missed);
    ld_json_kv_int(&j, "ring_bytes", (int64_t)st->ring_bytes);
    ld_json_key(&j, "dropped_by_type");
    ld_json_object_begin(&j);
    for (int t = 1; t < LD_EVT_TYPE_COUNT; t++)
        if (st->dropped_by_type[t])
            ld_json_kv_int(&j, ld_rt_evtype_name((ld_rt_evtype)t), (int64_t)st->dropped_by_type[t]);
    ld_json_object_end(&j);
    ld_json_kv_string(&j, "coverage", st->coverage ? st->coverage : "");
    ld_json_kv_bool(&j, "reduced", st->reduced);
    ld_json_object_end(&j);
    ld_json_object_end(&j);
    fputc('\n', stdout);
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    ld_rt_source_options o = {.trace_opens = true, .trace_reads = true, .host_events = true};
    ld_rt_open_rule *rules = NULL;
    size_t n_rules = 0, cap = 0;
    bool defaults = false, use_proc = false;
    double duration = 0;
    const char *ready_file = NULL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--ring-bytes") == 0 && v) {
            o.ring_bytes = (size_t)parse_num(a, v);
            i++;
        } else if ((strcmp(a, "--prefix") == 0 || strcmp(a, "--component") == 0) && v) {
            ld_xgrow(&rules, &cap, n_rules + 1, sizeof *rules);
            rules[n_rules++] = (ld_rt_open_rule){
                v, a[2] == 'p' ? LD_RT_OPEN_PREFIX : LD_RT_OPEN_COMPONENT, LD_RT_OPEN_READS_WRITES};
            i++;
        } else if (strcmp(a, "--defaults") == 0) {
            defaults = true;
        } else if (strcmp(a, "--no-opens") == 0) {
            o.trace_opens = false;
        } else if (strcmp(a, "--writes-only") == 0) {
            o.trace_reads = false;
        } else if (strcmp(a, "--no-host") == 0) {
            o.host_events = false;
        } else if (strcmp(a, "--duration") == 0 && v) {
            duration = (double)parse_num(a, v);
            i++;
        } else if (strcmp(a, "--ready-file") == 0 && v) {
            ready_file = v;
            i++;
        } else if (strcmp(a, "--proc") == 0) {
            use_proc = true;
        } else {
            usage();
        }
    }
    if (n_rules && defaults) {
        size_t nd;
        const ld_rt_open_rule *d = ld_rt_open_rules_default(&nd);
        ld_xgrow(&rules, &cap, n_rules + nd, sizeof *rules);
        memcpy(rules + n_rules, d, nd * sizeof *d);
        n_rules += nd;
    }
    o.open_rules = rules;
    o.n_open_rules = n_rules;
    o.self_pid = (uint32_t)getpid();

    static char outbuf[1 << 20];
    setvbuf(stdout, outbuf, _IOFBF, sizeof outbuf);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);

    ld_error err = LD_ERROR_INIT;
    ld_rt_source *src = NULL;
    if (use_proc) {
#ifdef RT_DUMP_HAVE_PROC
        src = ld_rt_proc_open(&o, &err);
#else
        ld_error_set(&err, LD_ERR_UNSUPPORTED, "the proc connector source is not built yet");
#endif
    } else {
        src = ld_rt_bpf_open(&o, &err);
    }
    if (!src) {
        fprintf(stderr, "rt_dump: %s\n", err.msg);
        free(rules);
        return 3;
    }
    ld_rt_source_stats st;
    ld_rt_source_stats_get(src, &st);
    fprintf(stderr, "rt_dump: %s, ring %llu bytes: %s\n", st.name,
            (unsigned long long)st.ring_bytes, st.coverage ? st.coverage : "");
    if (ready_file) {
        int fd = open(ready_file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        if (fd >= 0)
            close(fd);
    }

    int rc = 0;
    double deadline = duration > 0 ? now_s() + duration : 0;
    while (!stop && (!deadline || now_s() < deadline)) {
        if (ld_rt_source_poll(src, 100, print_event, NULL, &err) < 0) {
            fprintf(stderr, "rt_dump: %s\n", err.msg);
            rc = 3;
            break;
        }
    }
    /* what the kernel queued before the stop belongs to the run */
    for (int i = 0; rc == 0 && i < 10000; i++) {
        int n = ld_rt_source_poll(src, 0, print_event, NULL, &err);
        if (n < 0) {
            fprintf(stderr, "rt_dump: %s\n", err.msg);
            rc = 3;
        }
        if (n <= 0)
            break;
    }
    ld_rt_source_stats_get(src, &st);
    print_stats(&st);
    fflush(stdout);
    ld_rt_source_close(src);
    free(rules);
    return rc;
}
