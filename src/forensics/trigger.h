/* The capture action of `lockdown watch`: a rule with `action: capture`
 * takes the evidence the moment it fires, before the container is
 * replaced. Each capture runs as a child process (this lockdown binary,
 * /proc/self/exe, run with an argv: `lockdown capture ID -o DIR --quiet
 * [--memory M] [--key K]`; never a shell), so the watch loop never waits
 * for it and a capture that fails cannot take the monitor down.
 *
 * Limits: one capture per container at a time; a container captured once
 * is not captured again for cooldown_s; at most max_parallel at once and
 * max_per_hour in all per hour. A request refused by a limit is counted
 * (and the callback says why); none is queued. Only container events
 * trigger (host events have nothing to capture). */
#ifndef LD_FORENSICS_TRIGGER_H
#define LD_FORENSICS_TRIGGER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "core/error.h"

typedef struct {
    const char *exe;       /* NULL: /proc/self/exe */
    const char *out_dir;   /* bundles go to OUT_DIR/<name>-<UTC time>-<rule> */
    const char *memory;    /* NULL: the capture default */
    const char *key;       /* private key path, NULL: unsigned */
    const char *key_password_env; /* name of the env var holding its password, or NULL */
    double cooldown_s;     /* 0: 600 */
    unsigned max_parallel; /* 0: 2 */
    unsigned max_per_hour; /* 0: 20 */
    /* a capture started / ended / was refused: one line for the CLI (stderr, audit) */
    void (*on_event)(void *ctx, const char *what, const char *container_id, const char *bundle,
                     const char *detail);
    void *cb_ctx;
} ld_fx_trigger_options;

typedef struct ld_fx_trigger ld_fx_trigger;

typedef struct {
    uint64_t requested, started, succeeded, failed;
    uint64_t refused_busy, refused_cooldown, refused_rate;
} ld_fx_trigger_stats;

/* out_dir is created (0700) if missing. NULL with err when it cannot be. */
ld_fx_trigger *ld_fx_trigger_new(const ld_fx_trigger_options *o, ld_error *err);
/* Asks for a capture of container_id (64 hex) because rule fired. Returns
 * 1 when a capture started, 0 when refused by a limit, < 0 on a spawn
 * failure (err). */
int ld_fx_trigger_request(ld_fx_trigger *t, const char *container_id, const char *container_name,
                          const char *rule, ld_error *err);
/* Reaps finished captures (non-blocking), calling on_event for each. */
void ld_fx_trigger_poll(ld_fx_trigger *t);
/* Waits up to timeout_s for running captures to end (then leaves them
 * running: they are their own processes and end on their own). */
void ld_fx_trigger_drain(ld_fx_trigger *t, double timeout_s);
void ld_fx_trigger_stats_get(const ld_fx_trigger *t, ld_fx_trigger_stats *st);
void ld_fx_trigger_free(ld_fx_trigger *t);

#endif
