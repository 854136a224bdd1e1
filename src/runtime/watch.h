/* lockdown watch: the runtime monitor's loop. Opens the event source (eBPF,
 * else the proc connector with the reduced coverage announced), the
 * container table and its engine stream, the process table, the rules and
 * the sinks; then, until stopped or the duration ends: each event is
 * enriched, matched against the rules (only those that may fire on its
 * type), and every hit becomes an alert on every sink. Statistics go to
 * the sinks every stats_interval and at the end; drops are never silent.
 * Returns what happened; never prints (the CLI does). */
#ifndef LD_RUNTIME_WATCH_H
#define LD_RUNTIME_WATCH_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "runtime/containers.h"
#include "runtime/rules.h"
#include "runtime/sink.h"
#include "runtime/source.h"

typedef struct {
    ld_rt_ruleset *rules;            /* compiled; borrowed */
    ld_rt_sink **sinks;              /* borrowed */
    size_t n_sinks;
    ld_rt_source_options source;
    ld_rt_containers_options containers;
    bool force_proc_connector;       /* --no-ebpf: the fallback on purpose */
    double duration_s;               /* 0: until stopped */
    double stats_interval_s;         /* 0: 60 s; < 0: none periodic */
    const volatile sig_atomic_t *stop; /* set by the caller's signal handler */
    const char *hostname;            /* NULL: gethostname */
    /* called once the source is attached (tests and the CLI announce
     * readiness: "watching: ebpf, 23 rules") and when coverage is reduced */
    void (*on_ready)(void *ctx, const ld_rt_source_stats *st, const char *note);
    /* called for each alert after the sinks (the capture action, issue 15) */
    void (*on_alert)(void *ctx, const ld_rt_alert *a);
    /* called once per poll slice (about every 200 ms), also when no event
     * came: work that waits on time (reaping finished captures) */
    void (*on_tick)(void *ctx);
    /* a sink failed (message once per sink and kind) */
    void (*on_warning)(void *ctx, const char *msg);
    void *cb_ctx;
} ld_rt_watch_options;

typedef struct {
    ld_rt_watch_stats stats; /* final numbers; rule_names/counts owned by the result */
    char *source;            /* "ebpf" / "proc-connector" */
    char *coverage;
    char **rule_names;
    uint64_t *rule_counts;
    size_t n_rules;
} ld_rt_watch_result;

/* Runs the loop. 0 when stopped or the duration ended (whatever fired),
 * negative ld_errcode when it could not start (no source at all) or a
 * source failed for good. */
int ld_rt_watch_run(const ld_rt_watch_options *o, ld_rt_watch_result *res, ld_error *err);
void ld_rt_watch_result_clear(ld_rt_watch_result *res);

#endif
