/* The parts of `capture show` below ld_fx_show_load, for show_load.c,
 * show_suspicious.c and show_render.c, and reached by the unit tests and
 * the fuzz target (tests/fuzz/fuzz_capture_show.c): the readers of the
 * three JSON artifacts from bytes, and the suspicious findings from what
 * was read. Readers never fail: what they cannot read becomes a line in
 * s->problems naming the artifact and the entry. */
#ifndef LD_FORENSICS_SHOW_INTERNAL_H
#define LD_FORENSICS_SHOW_INTERNAL_H

#include <stddef.h>

#include "forensics/show.h"

/* At most this much of a process's argv is joined into cmdline (then
 * " ..." ends it). */
#define LD_FX_SHOW_CMDLINE_MAX ((size_t)64 * 1024)

/* processes/index.json (format in proc_collect.h) appended to s->procs. */
void ld_fx_show_read_processes(ld_fx_show *s, const char *name, const char *buf, size_t len);
/* network/sockets.json (net_sockets.h) appended to s->sockets. */
void ld_fx_show_read_sockets(ld_fx_show *s, const char *name, const char *buf, size_t len);
/* filesystem/changes.json (fs_changes.h): s->changes and the counts. */
void ld_fx_show_read_changes(ld_fx_show *s, const char *name, const char *buf, size_t len);

/* Sets the processes' exe_not_in_image and fills s->suspicious from the
 * manifest, the processes, the sockets and the changes (once, after every
 * reader ran). */
void ld_fx_show_find_suspicious(ld_fx_show *s);

/* Room for one more item in an array holding n of elem bytes each (it
 * doubles at powers of two: the show keeps counts, not capacities). */
void ld_fx_show_grow(void *items_ptr, size_t n, size_t elem);

/* Appends a finding; subject and detail are taken. */
void ld_fx_show_add_suspicious(ld_fx_show *s, const char *kind, char *subject, char *detail);

/* Appends a problem line (copied). */
void ld_fx_show_problem(ld_fx_show *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
