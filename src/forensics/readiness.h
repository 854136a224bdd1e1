/* host.forensics-ready (NIST SP 800-190 4.4.4, CTR-01: respond to runtime
 * threats; the seed's forensic capture before a container is replaced):
 * can `lockdown capture` take a sound snapshot of containers on this
 * host? It needs a freezer (cgroup v2 cgroup.freeze, or the v1 freezer
 * controller enabled), process memory readable through /proc/PID/mem (the
 * Yama LSM's ptrace_scope 3 forbids it for everyone, root included), and
 * the overlay file system (the upper layer is the container's changes),
 * and a container engine on this host that answers (capture finds a
 * container's processes and layers through it) with an overlay storage
 * driver. The kernel's side is looked up under ROOT (/proc/cgroups,
 * /proc/filesystems, /proc/sys/kernel/yama/ptrace_scope, /sys/fs/cgroup);
 * the engine's from what the caller saw of it. What cannot be read, or an
 * engine that did not answer, makes the check "not assessed", never a
 * pass; no engine installed makes it not applicable (nothing to capture). */
#ifndef LD_FORENSICS_READINESS_H
#define LD_FORENSICS_READINESS_H

#include "core/error.h"
#include "core/findings.h"

#define LD_FX_READY_CHECK "host.forensics-ready"

#include <stdbool.h>

/* What the caller knows of the engine. */
typedef struct {
    bool installed;          /* a container engine is installed under ROOT */
    const char *unreachable; /* why it did not answer; NULL when it answered */
    const char *endpoint;    /* where it answered */
    bool remote;             /* reached over TCP: not this host's */
    const char *driver;      /* its storage driver (GET /info Driver), NULL if unknown */
} ld_fx_readiness_engine;

int ld_fx_readiness_check(ld_findings *fs, const char *host_root, const ld_fx_readiness_engine *eng,
                          ld_error *err);

#endif
