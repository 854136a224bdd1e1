/* /proc/PID/mountinfo reader (proc(5)): one mount per line,
 *
 *   36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw,errors=continue
 *   id parent maj:min root mount-point mount-options [optional...] - fstype source super-options
 *
 * with " ", "\t", "\n" and "\\" in paths written as octal escapes (\040).
 * Pure and bounded (fuzzed by tests/fuzz/fuzz_mountinfo.c): text, line and
 * entry count are capped; a line that does not have this shape is counted
 * and skipped, never fatal. Used by the host immutability check
 * (host/host_immutable.h) to see whether / and /usr are mounted read-only.
 * Not for: resolving which mount a path lives on across bind mounts, or
 * /proc/mounts (the older format). */
#ifndef LD_HOST_MOUNTINFO_H
#define LD_HOST_MOUNTINFO_H

#include <stdbool.h>
#include <stddef.h>

#include "core/error.h"

#define LD_MOUNTINFO_MAX_BYTES ((size_t)16 * 1024 * 1024)
#define LD_MOUNTINFO_LINE_MAX 16384
#define LD_MOUNTINFO_MAX_ENTRIES 200000

typedef struct {
    char *mount_point; /* unescaped, absolute */
    char *root;        /* the mounted directory inside its file system, unescaped */
    char *fstype;      /* "ext4", "overlay", ... */
    char *source;      /* "/dev/sda1", "overlay", "none" (unescaped) */
    bool ro_mount;     /* "ro" in the per-mount options (field 6) */
    bool ro_super;     /* "ro" in the super-block options (last field) */
    int line;          /* 1-based */
} ld_mount_entry;

typedef struct {
    ld_mount_entry *v;
    size_t n, cap;
    size_t bad_lines;
} ld_mount_table;

/* Parses len bytes (need not be NUL-terminated) into out (appends).
 * Returns 0, or LD_ERR_LIMIT (len over LD_MOUNTINFO_MAX_BYTES, or more than
 * LD_MOUNTINFO_MAX_ENTRIES entries) with err set; out keeps what was read
 * before the limit. */
int ld_mountinfo_parse(const char *text, size_t len, ld_mount_table *out, ld_error *err);

/* The mount at exactly mount_point that is on top (the last one listed,
 * as later mounts cover earlier ones at the same place), or NULL. */
const ld_mount_entry *ld_mount_table_at(const ld_mount_table *t, const char *mount_point);

/* Whether the entry is read-only (per mount or for the whole super block). */
bool ld_mount_entry_ro(const ld_mount_entry *e);

void ld_mount_table_clear(ld_mount_table *t);

#endif
