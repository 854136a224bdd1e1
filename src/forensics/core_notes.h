/* The PT_NOTE segment of the cores that core_dump.c writes, built from
 * /proc/PID: NT_PRSTATUS for the main thread, NT_PRPSINFO, NT_AUXV,
 * NT_FILE, then NT_PRSTATUS for every other thread (the kernel's own
 * order: gdb takes the first NT_PRSTATUS as the current thread). Internal
 * to the core writer; the small /proc text parsers are declared here so
 * that the unit tests and the fuzz target reach them. Not for anything
 * that needs the registers a ptrace stop would give: only the stack and
 * instruction pointers from /proc/PID/task/TID/syscall are filled. */
#ifndef LD_FORENSICS_CORE_NOTES_H
#define LD_FORENSICS_CORE_NOTES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "core/error.h"
#include "forensics/core_dump.h"

/* Threads given an NT_PRSTATUS; more are left out with a note. */
#define LD_FX_CORE_THREADS_MAX 65536
/* NT_FILE is cut (whole entries) to stay under this, as the kernel caps it. */
#define LD_FX_CORE_NT_FILE_MAX ((size_t)4 * 1024 * 1024)

/* The fields of /proc/PID/stat (or task/TID/stat) that the notes use. */
typedef struct {
    char comm[17]; /* between the first '(' and the last ')', cut at 16 bytes */
    char state;
    int64_t ppid, pgrp, session;
    uint64_t flags;
    uint64_t utime, stime; /* clock ticks */
    int64_t cutime, cstime;
    int64_t nice;
} ld_fx_stat_fields;

/* Parses a stat line; false when it does not have the fields through
 * "nice" (field 19) in range. */
bool ld_fx_stat_parse(const char *text, size_t len, ld_fx_stat_fields *out);

/* Parses /proc/PID/task/TID/syscall: "NR ARG1..ARG6 SP PC" or "-1 SP PC"
 * give sp and pc; "running" (or anything else) gives false. */
bool ld_fx_syscall_parse(const char *text, size_t len, uint64_t *sp, uint64_t *pc);

/* The first number of the "Uid:" / "Gid:" line of /proc/PID/status
 * (key "Uid:" or "Gid:"); false when absent or out of range. */
bool ld_fx_status_id(const char *text, size_t len, const char *key, uint32_t *out);

/* Reads a /proc file whole (read until EOF, EINTR retried) into a new
 * NUL-terminated buffer (*out, caller frees). More than cap bytes is
 * LD_ERR_LIMIT; a missing file or process (ENOENT, ESRCH) LD_ERR_NOT_FOUND;
 * other errors LD_ERR_GENERIC, all with sys_errno set. *out NULL on failure. */
int ld_fx_proc_read(const char *path, size_t cap, char **out, size_t *len, ld_error *err);

typedef struct {
    uint8_t *data; /* the note segment's bytes (caller clears) */
    size_t len;
    unsigned threads;     /* NT_PRSTATUS notes */
    bool threads_cut;     /* more than LD_FX_CORE_THREADS_MAX threads */
    size_t file_entries;  /* NT_FILE entries written */
    size_t file_left_out; /* file-backed mappings left out of NT_FILE by its cap */
    bool no_auxv;         /* /proc/PID/auxv could not be read */
} ld_fx_core_notes;

/* Builds the notes for pid from proc_dir ("/proc/PID") and its maps.
 * Files that cannot be read leave their fields zero (a thread that went
 * away is left out); only a machine this writer does not know is an
 * error (LD_ERR_UNSUPPORTED). */
int ld_fx_core_notes_build(const char *proc_dir, pid_t pid, const ld_fx_maps *maps,
                           uint64_t page_size, ld_fx_core_notes *out, ld_error *err);
void ld_fx_core_notes_clear(ld_fx_core_notes *n);

#endif
