/* lockdown watch's loop: source -> process table -> container -> rules ->
 * sinks, with periodic statistics. One thread: the source's ring buffer and
 * the engine's event stream are polled together; nothing here allocates per
 * event. See watch.h. */
#include "runtime/watch.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "runtime/process_table.h"
#include "util/mem.h"

#define MAX_HITS 64
#define POLL_SLICE_MS 200

typedef struct {
    const ld_rt_watch_options *o;
    ld_rt_containers *containers;
    ld_rt_proc_table *procs;
    char hostname[256];
    uint64_t *rule_counts; /* per rule index */
    size_t n_rules;
    uint64_t events, emitted, sink_errors;
    bool *sink_failed; /* per sink: warned once */
} watch_state;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static bool is_exec(ld_rt_evtype t)
{
    return t == LD_EVT_EXECVE || t == LD_EVT_EXECVEAT;
}

static bool is_process_event(ld_rt_evtype t)
{
    return is_exec(t) || t == LD_EVT_CLONE || t == LD_EVT_PROCEXIT;
}

/* exec of a file the container wrote after it started: the kernel may
 * have decided already (overlay upper inode); else the writable layer is
 * looked at by the path the process sees. */
static void mark_upper_layer(watch_state *w, ld_rt_event *e, const ld_rt_container *ct)
{
    if (e->exe_upper_layer || !ct->upperdir || !is_exec(e->type))
        return;
    const char *path = e->exepath[0] == '/' ? e->exepath : NULL;
    if (!path) {
        const ld_rt_proc *p = ld_rt_proc_table_get(w->procs, e->pid);
        if (p && p->exepath[0] == '/')
            path = p->exepath;
    }
    if (path)
        e->exe_upper_layer = ld_rt_container_file_in_upper(ct, path);
}

static void warn_sink(watch_state *w, size_t i, const ld_error *err)
{
    w->sink_errors++;
    if (w->sink_failed[i] || !w->o->on_warning)
        return;
    w->sink_failed[i] = true;
    char msg[LD_ERROR_MSG_MAX + 64];
    snprintf(msg, sizeof msg, "output %zu failed (further failures are counted): %s", i + 1,
             err->msg);
    w->o->on_warning(w->o->cb_ctx, msg);
}

static void fire(watch_state *w, size_t rule_index, const ld_rt_field_ctx *ctx)
{
    const ld_rt_watch_options *o = w->o;
    char message[4096];
    ld_rt_rules_format_output(o->rules, rule_index, ctx, message, sizeof message);
    ld_rt_alert a = {.rule = ld_rt_rules_get(o->rules, rule_index),
                     .message = message,
                     .ctx = ctx,
                     .hostname = w->hostname};
    w->rule_counts[rule_index]++;
    for (size_t i = 0; i < o->n_sinks; i++) {
        ld_error err = LD_ERROR_INIT;
        if (ld_rt_sink_alert(o->sinks[i], &a, &err) < 0)
            warn_sink(w, i, &err);
    }
    w->emitted++;
    if (o->on_alert)
        o->on_alert(o->cb_ctx, &a);
}

static int on_event(const ld_rt_event *ce, void *ctx)
{
    watch_state *w = ctx;
    /* the source's own buffer (event.h): completed in place */
    ld_rt_event *e = (ld_rt_event *)ce;
    w->events++;
    bool wanted = ld_rt_rules_wants(w->o->rules, e->type);
    if (!wanted && !is_process_event(e->type))
        return 0;
    if (e->type != LD_EVT_CONTAINER)
        ld_rt_proc_table_observe(w->procs, e);
    if (!wanted)
        return 0;
    const ld_rt_container *ct = NULL;
    if (e->type == LD_EVT_CONTAINER)
        ct = ld_rt_containers_by_id(w->containers, e->container_id);
    if (!ct)
        ct = ld_rt_containers_lookup(w->containers, e->cgroup_id, e->cgroup_v1_id);
    /* --containers-only: the kernel drops the root cgroup's events, the
     * rest of the host (services in their own cgroups) is dropped here */
    if (!w->o->source.host_events && e->type != LD_EVT_CONTAINER &&
        strcmp(ct->id, LD_RT_HOST_ID) == 0)
        return 0;
    mark_upper_layer(w, e, ct);
    ld_rt_field_ctx fctx = {.evt = e, .container = ct, .procs = w->procs};
    size_t hits[MAX_HITS];
    size_t n = ld_rt_rules_match(w->o->rules, &fctx, hits, MAX_HITS);
    for (size_t i = 0; i < n && i < MAX_HITS; i++)
        fire(w, hits[i], &fctx);
    return 0;
}

static void fill_stats(const watch_state *w, const ld_rt_source *src, double started, bool final,
                       ld_rt_watch_stats *st, const char **names)
{
    ld_rt_source_stats ss;
    memset(&ss, 0, sizeof ss);
    ld_rt_source_stats_get(src, &ss);
    for (size_t i = 0; i < w->n_rules; i++)
        names[i] = ld_rt_rules_get(w->o->rules, i)->name;
    *st = (ld_rt_watch_stats){
        .events = w->events,
        .emitted = w->emitted,
        .dropped = ss.dropped,
        .lost = ss.lost_other,
        .sink_errors = w->sink_errors,
        .uptime_s = now_s() - started,
        .source = ss.name,
        .coverage = ss.coverage,
        .rule_names = names,
        .rule_counts = w->rule_counts,
        .n_rules = w->n_rules,
        .final = final,
    };
}

static void emit_stats(watch_state *w, const ld_rt_source *src, double started, bool final)
{
    const char **names = ld_xcalloc(w->n_rules + 1, sizeof *names);
    ld_rt_watch_stats st;
    fill_stats(w, src, started, final, &st, names);
    for (size_t i = 0; i < w->o->n_sinks; i++) {
        ld_error err = LD_ERROR_INIT;
        if (ld_rt_sink_stats(w->o->sinks[i], &st, &err) < 0)
            warn_sink(w, i, &err);
    }
    free(names);
}

/* eBPF first (unless --no-ebpf), else the proc connector, announced as
 * reduced coverage with the reason eBPF could not be used. */
static ld_rt_source *open_source(const ld_rt_watch_options *o, char *note, size_t note_n,
                                 ld_error *err)
{
    note[0] = '\0';
    ld_error bpf_err = LD_ERROR_INIT;
    if (!o->force_proc_connector) {
        ld_rt_source *s = ld_rt_bpf_open(&o->source, &bpf_err);
        if (s)
            return s;
    } else {
        ld_error_set(&bpf_err, LD_ERR_UNSUPPORTED, "--no-ebpf given");
    }
    ld_error proc_err = LD_ERROR_INIT;
    ld_rt_source *s = ld_rt_proc_open(&o->source, &proc_err);
    if (!s) {
        ld_error_set(err, LD_ERR_UNSUPPORTED,
                     "no event source: eBPF: %s; proc connector: %s (run as root, or with "
                     "CAP_BPF, CAP_PERFMON and CAP_NET_ADMIN)",
                     bpf_err.msg, proc_err.msg);
        return NULL;
    }
    snprintf(note, note_n,
             "reduced coverage: eBPF not used (%s); the proc connector sees exec, fork, exit "
             "and setuid only: file, network, ptrace, mount and module rules cannot fire",
             bpf_err.msg);
    return s;
}

static void result_fill(ld_rt_watch_result *res, const watch_state *w, const ld_rt_source *src,
                        double started)
{
    const char **names = ld_xcalloc(w->n_rules + 1, sizeof *names);
    fill_stats(w, src, started, true, &res->stats, names);
    res->source = ld_xstrdup(res->stats.source);
    res->coverage = ld_xstrdup(res->stats.coverage);
    res->n_rules = w->n_rules;
    res->rule_names = ld_xcalloc(w->n_rules + 1, sizeof *res->rule_names);
    res->rule_counts = ld_xcalloc(w->n_rules + 1, sizeof *res->rule_counts);
    for (size_t i = 0; i < w->n_rules; i++) {
        res->rule_names[i] = ld_xstrdup(names[i]);
        res->rule_counts[i] = w->rule_counts[i];
    }
    free(names);
    res->stats.source = res->source;
    res->stats.coverage = res->coverage;
    res->stats.rule_names = (const char *const *)res->rule_names;
    res->stats.rule_counts = res->rule_counts;
}

/* One pass: wait for the source or the engine stream, drain both. */
static int pump_once(watch_state *w, ld_rt_source *src, int timeout_ms, ld_error *err)
{
    struct pollfd pf[2];
    int n = 0;
    int sfd = ld_rt_source_fd(src);
    int cfd = ld_rt_containers_fd(w->containers);
    if (sfd >= 0)
        pf[n++] = (struct pollfd){.fd = sfd, .events = POLLIN};
    if (cfd >= 0)
        pf[n++] = (struct pollfd){.fd = cfd, .events = POLLIN};
    if (sfd < 0) {
        /* a source without a descriptor waits inside its own poll */
        int rc = ld_rt_source_poll(src, timeout_ms, on_event, w, err);
        if (rc < 0)
            return rc;
    } else {
        int r = poll(pf, (nfds_t)n, timeout_ms);
        if (r < 0 && errno != EINTR)
            return ld_error_set_errno(err, LD_ERR_GENERIC, errno, "watch: poll");
        int rc = ld_rt_source_poll(src, 0, on_event, w, err);
        if (rc < 0)
            return rc;
    }
    if (cfd >= 0) {
        ld_error cerr = LD_ERROR_INIT;
        if (ld_rt_containers_pump(w->containers, on_event, w, &cerr) < 0 && w->o->on_warning)
            w->o->on_warning(w->o->cb_ctx, cerr.msg);
    }
    return 0;
}

int ld_rt_watch_run(const ld_rt_watch_options *o, ld_rt_watch_result *res, ld_error *err)
{
    memset(res, 0, sizeof *res);
    watch_state w = {.o = o};
    if (o->hostname)
        snprintf(w.hostname, sizeof w.hostname, "%s", o->hostname);
    else if (gethostname(w.hostname, sizeof w.hostname - 1) < 0)
        snprintf(w.hostname, sizeof w.hostname, "localhost");

    ld_error cerr = LD_ERROR_INIT;
    w.containers = ld_rt_containers_new(&o->containers, &cerr);
    if (!w.containers) {
        ld_error_set(err, cerr.code ? cerr.code : LD_ERR_GENERIC, "watch: containers: %s",
                     cerr.msg);
        return err->code;
    }
    if (cerr.code != LD_OK && o->on_warning)
        o->on_warning(o->cb_ctx, cerr.msg); /* the engine did not answer: names unknown */

    char note[2 * LD_ERROR_MSG_MAX];
    ld_rt_source *src = open_source(o, note, sizeof note, err);
    if (!src) {
        ld_rt_containers_free(w.containers);
        return err->code;
    }
    w.procs = ld_rt_proc_table_new("/proc", 0);
    w.n_rules = ld_rt_rules_count(o->rules);
    w.rule_counts = ld_xcalloc(w.n_rules + 1, sizeof *w.rule_counts);
    w.sink_failed = ld_xcalloc(o->n_sinks + 1, sizeof *w.sink_failed);

    if (o->on_ready) {
        ld_rt_source_stats ss;
        memset(&ss, 0, sizeof ss);
        ld_rt_source_stats_get(src, &ss);
        o->on_ready(o->cb_ctx, &ss, note[0] ? note : NULL);
    }

    double started = now_s();
    double interval = o->stats_interval_s == 0 ? 60.0 : o->stats_interval_s;
    double next_stats = interval > 0 ? started + interval : 0;
    double deadline = o->duration_s > 0 ? started + o->duration_s : 0;
    int rc = 0;
    while (!(o->stop && *o->stop)) {
        double t = now_s();
        if (deadline && t >= deadline)
            break;
        if (next_stats && t >= next_stats) {
            emit_stats(&w, src, started, false);
            next_stats += interval;
        }
        double wait = POLL_SLICE_MS / 1000.0;
        if (deadline && deadline - t < wait)
            wait = deadline - t;
        if ((rc = pump_once(&w, src, (int)(wait * 1000) + 1, err)) < 0)
            break;
        if (o->on_tick)
            o->on_tick(o->cb_ctx);
    }
    /* what is already queued belongs to the run */
    if (rc == 0)
        rc = ld_rt_source_poll(src, 0, on_event, &w, err) < 0 ? err->code : 0;
    emit_stats(&w, src, started, true);
    result_fill(res, &w, src, started);

    ld_rt_source_close(src);
    ld_rt_proc_table_free(w.procs);
    ld_rt_containers_free(w.containers);
    free(w.rule_counts);
    free(w.sink_failed);
    return rc < 0 ? rc : 0;
}

void ld_rt_watch_result_clear(ld_rt_watch_result *res)
{
    for (size_t i = 0; i < res->n_rules; i++)
        free(res->rule_names[i]);
    free(res->rule_names);
    free(res->rule_counts);
    free(res->source);
    free(res->coverage);
    memset(res, 0, sizeof *res);
}
