/* `lockdown capture CONTAINER`: a forensically sound snapshot of a running
 * container into a new bundle directory.
 *
 * Order: inspect the container and its image (engine API; the container
 * must run on this host: its processes are read through /proc); start the
 * watchdog and freeze; while frozen: the process list from the cgroup,
 * each process's /proc state, the sockets, process memory as ELF cores,
 * the file system changes (upper layer tar + change list); thaw; then the
 * container's logs, mounts and (--volumes) volume contents, the host
 * context, the inspect documents again (state after), and the manifest
 * with its signature. Every artifact is hashed as it is written; each
 * records whether it was taken frozen. The container is running (not
 * paused) when this returns, whatever failed: the thaw comes first in
 * every path, and the watchdog covers lockdown being killed.
 * Never prints: progress goes through the callback. */
#ifndef LD_FORENSICS_CAPTURE_H
#define LD_FORENSICS_CAPTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "docker/engine.h"
#include "forensics/core_dump.h"
#include "forensics/manifest.h"
#include "trust/keys.h"

typedef struct {
    const char *container;  /* name or id (prefix), as the engine takes it */
    const char *bundle_dir; /* created; NULL: ./capture-<name>-<UTC time> */
    bool freeze;            /* false: --no-freeze */
    ld_fx_mem_mode memory;
    bool volumes;
    uint64_t max_memory;    /* per process core contents; 0: LD_FX_DEFAULT_MAX_MEMORY */
    uint64_t max_fs;        /* upper tar, and each volume tar; 0: LD_FX_DEFAULT_MAX_FS */
    uint64_t max_logs;      /* 0: LD_FX_DEFAULT_MAX_LOGS */
    double freeze_deadline_s; /* the watchdog's; 0: 30 s */
    ld_fx_freeze_method freeze_method; /* NONE: the first that works (--freeze-method) */
    const ld_key *key;      /* private key to sign the manifest; NULL: unsigned */
    char *const *command_line; /* redacted, for the custody record */
    size_t n_command_line;
    const char *cgroup_root;   /* NULL: /sys/fs/cgroup */
    const char *proc_root;     /* NULL: /proc */
    /* progress: step name ("freeze", "processes", "memory 3/7", ...) */
    void (*on_step)(void *ctx, const char *step);
    void *cb_ctx;
} ld_fx_capture_options;

#define LD_FX_DEFAULT_MAX_MEMORY ((uint64_t)8 << 30)
#define LD_FX_DEFAULT_MAX_FS ((uint64_t)8 << 30)
#define LD_FX_DEFAULT_MAX_LOGS ((uint64_t)256 << 20)

typedef struct {
    char *bundle_dir;
    char *container_id, *container_name;
    ld_fx_freeze_record freeze;
    size_t processes, processes_exited, cores;
    uint64_t memory_bytes, fs_added, fs_changed, fs_deleted, bundle_bytes;
    size_t artifacts, notes;
    double seconds;
} ld_fx_capture_result;

/* 0 with the bundle written (res filled; notes in the manifest say what is
 * partial), or < 0 with err: the container is not found (LD_ERR_NOT_FOUND)
 * or not running, or on another host (a remote engine: LD_ERR_UNSUPPORTED),
 * the bundle cannot be created, or a write failed. The bundle directory of
 * a failed capture is left for inspection with no manifest. */
int ld_fx_capture(ld_engine *engine, const ld_fx_capture_options *o, ld_fx_capture_result *res,
                  ld_error *err);
void ld_fx_capture_result_clear(ld_fx_capture_result *res);

#endif
