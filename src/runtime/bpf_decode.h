/* One record of lockdown's eBPF programs (runtime/bpf/abi.h) turned into
 * an ld_rt_event. Pure and bounded: the record is hostile input (its
 * strings and socket addresses come from the traced processes, its
 * lengths from the kernel program) and is never read past len; every
 * string written into the event is cut at its buffer and NUL-terminated.
 * No allocation, no system call. Not for the ring buffer itself
 * (bpf_source.c) or what the events mean to rules (fields.h).
 *
 * What lands where beyond event.h's own comments:
 *   clone     pid/tid = the new process, ppid = the parent (the caller)
 *   exec      path = the file name exec was given, exepath = the
 *             executable's path inside the task's root (" (deleted)"
 *             appended when it has no link left, as /proc/PID/exe shows),
 *             cmdline = argv joined by spaces
 *   listen    sock and sock_local = the socket's local address
 *   mount     request = the MS_* flags; move_mount: path = the target,
 *             source_path = the source path
 *   setgid family: target_uid = the gid asked for
 *   setuid family: target_uid = the effective id asked for (the real one
 *             when the effective is -1; the caller's euid when both are)
 *   memfd_create: path = the name given (without "memfd:")
 *   finit_module: path = the module file, module = its name (basename
 *             without .ko[.gz|.xz|.zst])
 *   a call seen only at its exit (denied before it ran, e.g. by
 *   seccomp): ret < 0 and no argument fields */
#ifndef LD_RUNTIME_BPF_DECODE_H
#define LD_RUNTIME_BPF_DECODE_H

#include <stddef.h>
#include <stdint.h>

#include "runtime/event.h"

/* Fills e (reset first) from the record rec[0..len). wall_offset_ns is
 * CLOCK_REALTIME - CLOCK_BOOTTIME, added to the kernel's boot-time stamp.
 * 0, or -1 with *why (static text) when the record is malformed; e is then
 * reset. */
int ld_rt_bpf_decode(const void *rec, size_t len, int64_t wall_offset_ns, ld_rt_event *e,
                     const char **why);

/* The event type a record's call reports (abi.h enum ld_bpf_call);
 * LD_EVT_NONE when out of range. */
ld_rt_evtype ld_rt_bpf_call_type(unsigned call);
/* The call's name ("openat", "accept4", "umount2", "execve"; "" for fork
 * and exit); "" when out of range. */
const char *ld_rt_bpf_call_name(unsigned call);

#endif
