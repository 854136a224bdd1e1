/* The host a capture was taken on, as evidence (host/context.json): the
 * kernel (uname), the OS (os-release), the host's identity (hostname,
 * machine-id, boot id), the clocks (current and available clock source,
 * CLOCK_REALTIME / MONOTONIC / BOOTTIME read together, the kernel's NTP
 * state from adjtimex: synchronised or not, offset, maximum and estimated
 * error) and the engine (endpoint, API version, GET /version, and from
 * GET /info the storage and cgroup drivers, cgroup version, security
 * options, root dir). What cannot be read is recorded as null with a
 * note, never guessed. */
#ifndef LD_FORENSICS_HOST_CONTEXT_H
#define LD_FORENSICS_HOST_CONTEXT_H

#include "core/error.h"
#include "docker/engine.h"
#include "forensics/bundle.h"

typedef struct {
    char hostname[256];
    char machine_id[64]; /* empty if none */
    char boot_id[64];
} ld_fx_host_ids;

/* Fills ids (for the custody record). */
void ld_fx_host_ids_read(ld_fx_host_ids *ids);
/* Writes host/context.json. engine may be NULL. 0 or < 0 (bundle). */
int ld_fx_host_context_write(ld_fx_bundle *b, ld_engine *engine, const ld_fx_host_ids *ids,
                             ld_error *err);

#endif
