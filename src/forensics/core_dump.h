/* A process's memory as an ELF core file that gdb opens, written from
 * outside the process: the mappings from /proc/PID/maps, their contents
 * read through /proc/PID/mem (no ptrace stop: the process is frozen, or
 * read as it runs with --no-freeze), streamed into the bundle and hashed
 * on the way.
 *
 * Layout (ELF64, ET_CORE, the host's machine): one PT_NOTE segment, then
 * one PT_LOAD per mapping in address order. Notes: NT_PRPSINFO (state,
 * name, arguments, ids from /proc), one NT_PRSTATUS per thread (pid =
 * tid; registers zero except the stack and instruction pointers that
 * /proc/PID/task/TID/syscall gives: lockdown does not ptrace-stop a
 * frozen process to read the rest, and the docs say so), NT_AUXV
 * (/proc/PID/auxv), NT_FILE (file-backed mappings with their offsets and
 * names: gdb finds the binaries from it).
 *
 * Which mappings have contents (p_filesz = p_memsz) and which are listed
 * with no contents (p_filesz = 0, as the kernel's coredump_filter does):
 *   LD_FX_MEM_ALL   every readable mapping except [vvar] / [vsyscall]
 *   LD_FX_MEM_ANON  private writable mappings only (heap, stack,
 *                   anonymous memory, written data segments): the state
 *                   that is not on any disk
 * In both, a mapping that smaps marks "dd" (the process asked with
 * madvise(MADV_DONTDUMP): sanitizer shadow, guard areas) or "io" (device
 * memory, where a read can have effects) is listed without contents, as
 * the kernel's cores do; the artifact's note counts them. The layout is
 * read from /proc/PID/smaps (maps when smaps cannot be read).
 * Pages that cannot be read (EIO: a mapping past its file's end, a guard
 * page) are written as zeros and counted. When the contents would pass
 * max_bytes the rest of the mappings are listed without contents and the
 * result says where it stopped. */
#ifndef LD_FORENSICS_CORE_DUMP_H
#define LD_FORENSICS_CORE_DUMP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "core/error.h"
#include "forensics/bundle.h"

typedef enum { LD_FX_MEM_NONE, LD_FX_MEM_ANON, LD_FX_MEM_ALL } ld_fx_mem_mode;
/* "none" / "anon" / "all" -> mode; -1 for anything else */
int ld_fx_mem_mode_parse(const char *s);
const char *ld_fx_mem_mode_name(ld_fx_mem_mode m);

/* One line of /proc/PID/maps. */
typedef struct {
    uint64_t start, end, offset;
    bool r, w, x, shared; /* "rwxp" / "rw-s" */
    uint32_t dev_major, dev_minor;
    uint64_t inode;
    char *path; /* the rest of the line ("/usr/lib/x.so", "[heap]", "/x (deleted)"), NULL if none */
    bool dont_dump; /* smaps VmFlags has "dd" or "io" (ld_fx_smaps_parse only) */
} ld_fx_mapping;

typedef struct {
    ld_fx_mapping *items;
    size_t n;
} ld_fx_maps;

/* Parses maps text (hostile: a path can hold anything but a newline;
 * bounded at LD_FX_MAPS_MAX lines). LD_ERR_CORRUPT naming the line for a
 * malformed one (the kernel never writes one; a test file might). */
#define LD_FX_MAPS_MAX 1000000
int ld_fx_maps_parse(const char *text, size_t len, ld_fx_maps *out, ld_error *err);
/* Parses /proc/PID/smaps text: the same mapping lines, each followed by
 * "Key: value" lines, of which "VmFlags:" sets dont_dump. Same bounds and
 * errors (a key line before the first mapping is LD_ERR_CORRUPT). */
int ld_fx_smaps_parse(const char *text, size_t len, ld_fx_maps *out, ld_error *err);
void ld_fx_maps_clear(ld_fx_maps *m);

typedef struct {
    uint64_t mappings;      /* PT_LOAD segments */
    uint64_t bytes_written; /* contents written (readable bytes + zero fill) */
    uint64_t bytes_unreadable; /* written as zeros */
    unsigned threads;
    bool capped;            /* max_bytes reached */
    bool exited;            /* the process went away while it was read */
} ld_fx_core_result;

/* Writes relpath (processes/PID/core) into b for pid. proc_root NULL:
 * /proc. max_bytes 0: no cap. 0 (res filled; an exited process gives a partial core, noted on
 * the artifact), or < 0 with err when nothing could be read (no maps:
 * the process was gone) or the bundle failed. */
int ld_fx_core_write(ld_fx_bundle *b, const char *relpath, const char *proc_root, pid_t pid,
                     ld_fx_mem_mode mode, uint64_t max_bytes, ld_fx_core_result *res,
                     ld_error *err);

#endif
