/* The cgroup side of freezing a container (internal to src/forensics):
 * which cgroups a process is in (the text of /proc/PID/cgroup), opening the
 * cgroup v2 directory and the v1 freezer directory beneath their mounts
 * without following links, reading their freeze states, and the writes
 * that freeze and thaw. Not the choice of a method or the watchdog
 * (freeze.c, watchdog.c).
 *
 * The parsers are pure and bounded (buf need not be NUL-terminated; the
 * text is the kernel's, but cgroup names are chosen by whoever made the
 * cgroups, a container with its own cgroup namespace included). The write
 * and state functions marked async-signal-safe are plain system calls on
 * an fd opened before: the watchdog calls them after fork. */
#ifndef LD_FORENSICS_FREEZE_CGROUP_H
#define LD_FORENSICS_FREEZE_CGROUP_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "core/error.h"

/* The longest cgroup path accepted from /proc/PID/cgroup. */
#define LD_FX_CGROUP_PATH_MAX 4096
/* The most of /proc/PID/cgroup read (a host has a few dozen lines). */
#define LD_FX_PROC_CGROUP_MAX ((size_t)64 * 1024)

/* Bits returned by ld_fx_parse_proc_cgroup. */
enum { LD_FX_CG_HAVE_V2 = 1, LD_FX_CG_HAVE_FREEZER = 2 };

/* /proc/PID/cgroup text: the v2 path (the "0::PATH" line) into v2 and the
 * v1 freezer controller's path (an "N:...,freezer,...:PATH" line, N > 0)
 * into freezer, each NUL-terminated. A path is taken only when it is
 * absolute, has no "." / ".." / empty component (the root "/" itself is
 * kept), holds no NUL byte and fits its buffer (cap bytes with the NUL);
 * the first acceptable line of each kind wins. Returns the LD_FX_CG_HAVE_*
 * bits of what was found; the buffers are "" otherwise. */
int ld_fx_parse_proc_cgroup(const char *buf, size_t len, char *v2, size_t v2_cap, char *freezer,
                            size_t freezer_cap);

/* cgroup.events: 1 when its "frozen" key is 1, 0 when 0, -1 when the text
 * has no well-formed "frozen 0|1" line. */
int ld_fx_parse_cgroup_events_frozen(const char *buf, size_t len);

/* freezer.state ("THAWED", "FREEZING", "FROZEN", a newline after). */
typedef enum {
    LD_FX_V1_UNKNOWN = -1,
    LD_FX_V1_THAWED = 0,
    LD_FX_V1_FREEZING = 1,
    LD_FX_V1_FROZEN = 2,
} ld_fx_v1_state;
ld_fx_v1_state ld_fx_parse_freezer_state(const char *buf, size_t len);

/* Opens the directory PATH (a path as ld_fx_parse_proc_cgroup returns it)
 * beneath the directory fd mount_fd, one component at a time with
 * O_PATH|O_DIRECTORY|O_NOFOLLOW: a link or a "." / ".." component is
 * refused. Returns the O_PATH fd (O_CLOEXEC) or -errno. */
int ld_fx_cgroup_open_beneath(int mount_fd, const char *path);

/* The hierarchies under cgroup_root (NULL: /sys/fs/cgroup): the v2 one is
 * ROOT/unified when it holds cgroup.controllers (a hybrid host), else ROOT
 * itself when it does (pure v2); the v1 freezer is ROOT/freezer when it
 * holds cgroup.procs. Each fd an O_PATH directory fd, or -1 when that
 * hierarchy is not there (not an error); each path what was opened (for
 * messages), "" with -1. */
typedef struct {
    int v2_fd, freezer_fd;
    char v2_path[4096], freezer_path[4096];
} ld_fx_cgroup_mounts;
void ld_fx_cgroup_mounts_open(const char *cgroup_root, ld_fx_cgroup_mounts *m);
void ld_fx_cgroup_mounts_close(ld_fx_cgroup_mounts *m);

/* Reads a small state file through fd from offset 0 into buf (cap bytes,
 * NUL-terminated). Returns the length or -errno. Async-signal-safe. */
ssize_t ld_fx_state_read(int fd, char *buf, size_t cap);

/* Freeze / thaw writes: "1" / "0" to cgroup.freeze, "FROZEN" / "THAWED" to
 * freezer.state, at offset 0. 0 or -errno. Async-signal-safe. */
int ld_fx_v2_write(int freeze_fd, bool freeze);
int ld_fx_v1_write(int state_fd, bool freeze);

#endif
