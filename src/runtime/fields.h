/* The fields rules may ask about (Falco's names): evt.*, proc.*, user.*,
 * container.*, fd.*, k8s.*, and lockdown's additions. A field name is
 * resolved once, when a condition is compiled (ld_rt_field_resolve, with
 * its argument: proc.aname[2]); its value is read per event from the
 * event, the process table and the container (ld_rt_field_value).
 *
 * Fields (type; meaning):
 *   evt.type (str; execve, openat, connect, ... event.h), evt.time (num; ns),
 *   evt.res (str; SUCCESS or the errno name), evt.rawres (num), evt.syscall (str),
 *   evt.is_open_write, evt.is_open_read (bool), evt.dir (str; always "<": every
 *   event is a completed call, so Falco's `evt.dir = <` reads as it does there)
 *   proc.name (comm), proc.exe / proc.exepath (str), proc.cmdline (str; "name args"),
 *   proc.args (str; args only), proc.pid, proc.ppid (num), proc.pname (str),
 *   proc.pcmdline (str), proc.aname[N] (str; N >= 1; proc.aname without N: any ancestor,
 *   for `=`/`in`), proc.tty (num; 0: none), proc.is_exe_upper_layer,
 *   proc.is_exe_from_memfd (bool)
 *   user.uid (num), user.name (str), user.loginuid (num; -1 unset)
 *   container.id (str; "host" outside containers), container.name, container.image
 *   (str; as created, with tag), container.image.repository, container.image.tag,
 *   container.privileged (bool), container.runtime (str)
 *   fd.name (str; the path, or "sip:sport->dip:dport" for sockets), fd.directory,
 *   fd.filename (str), fd.sip, fd.dip (ip; compares with "10.0.0.0/8" in `in` and `=`),
 *   fd.sport, fd.dport (num), fd.l4proto (str), fd.typechar (str: f, 4, 6, u),
 *   fd.sockfamily (str: ip, unix)
 *   k8s.ns.name, k8s.pod.name (str; from labels, absent otherwise)
 *   lockdown additions: evt.target.pid (ptrace), evt.target.uid (setuid family),
 *   evt.module (str), mount.fstype, mount.source, mount.target (str),
 *   fd.egress_allowed (bool; only present when the container has an egress policy),
 *   container.egress_policy (bool), container.host_network / host_pid / host_ipc (bool)
 *
 * A field whose value is unknown for an event (fd.dport on an exec) is
 * absent: every comparison on it is false, `exists` false, `not ...`
 * true (as Falco). */
#ifndef LD_RUNTIME_FIELDS_H
#define LD_RUNTIME_FIELDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "runtime/containers.h"
#include "runtime/event.h"
#include "runtime/process_table.h"

typedef enum { LD_RT_FT_STR = 1, LD_RT_FT_NUM, LD_RT_FT_BOOL, LD_RT_FT_IP } ld_rt_ftype;

/* A resolved field: which one, and its argument (aname[N]: N; -1 none). */
typedef struct {
    int id;    /* index into the field table */
    int arg;
    ld_rt_ftype type;
    const char *name; /* canonical name (static) */
} ld_rt_field_ref;

/* Everything a field may be read from for one event. */
typedef struct {
    const ld_rt_event *evt;
    const ld_rt_container *container; /* never NULL: the host entry outside containers */
    ld_rt_proc_table *procs;          /* ancestry; may be NULL (then pname/aname are absent) */
} ld_rt_field_ctx;

/* A value: str points into the event, the container, the process table or
 * buf (valid until the next field read with the same value). */
typedef struct {
    bool present;
    ld_rt_ftype type;
    const char *str;
    int64_t num;   /* NUM, BOOL (0/1) */
    uint8_t ip[16];
    uint16_t ip_family;
    char buf[LD_RT_PATH_MAX + 64];
} ld_rt_value;

/* Resolves "proc.aname[2]", "fd.name", ... 0, or LD_ERR_INVALID with err
 * naming the field (and suggesting the nearest known name). */
int ld_rt_field_resolve(const char *name, ld_rt_field_ref *out, ld_error *err);
/* Reads f for ctx into *v (v->present false when absent). */
void ld_rt_field_value(const ld_rt_field_ref *f, const ld_rt_field_ctx *ctx, ld_rt_value *v);
/* Formats v as text (for outputs): "<NA>" when absent. Returns out. */
const char *ld_rt_value_text(const ld_rt_value *v, char *out, size_t n);
/* Every field name, NULL-terminated (for --list-fields and the docs). */
const char *const *ld_rt_field_names(void);

#endif
