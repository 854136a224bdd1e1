/* Shared state of one process's collection (private to proc_collect.c and
 * proc_fds.c): the bundle, the process's /proc directory fd, and the
 * names of what could not be read because the process was gone. */
#ifndef LD_FORENSICS_PROC_INTERNAL_H
#define LD_FORENSICS_PROC_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "core/error.h"
#include "forensics/bundle.h"
#include "forensics/proc_collect.h"

typedef struct {
    ld_fx_bundle *b;
    pid_t pid;
    int pid_dir;    /* /proc/PID, O_RDONLY|O_DIRECTORY, owned by the caller */
    char gone[256]; /* "maps, fds": what the process's exit kept from being read */
} ld_fx_proc_ctx;

/* Adds name to ctx->gone (bounded: "..." once full). */
void ld_fx_proc_gone(ld_fx_proc_ctx *ctx, const char *name);

/* processes/PID/namespaces.json from the ns/ links. 0, or < 0 on a bundle
 * write error. */
int ld_fx_proc_write_namespaces(ld_fx_proc_ctx *ctx, ld_error *err);

/* processes/PID/fds.json from fd/ and fdinfo/; the socket fds go to
 * rec->sockets. 0, or < 0 on a bundle write error. */
int ld_fx_proc_write_fds(ld_fx_proc_ctx *ctx, ld_fx_proc_record *rec, ld_error *err);

#endif
