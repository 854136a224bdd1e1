/* Private to the field readers (fields.c, fields_proc.c, fields_net.c) and
 * the condition evaluator (rules_cond_eval.c): the field ids the resolved
 * ld_rt_field_ref.id holds, and the readers each file implements. Not a
 * public interface: fields.h is. */
#ifndef LD_RUNTIME_FIELDS_INTERNAL_H
#define LD_RUNTIME_FIELDS_INTERNAL_H

#include "runtime/fields.h"

/* Field ids, names, types and whether they take an argument ([N]), in
 * one list: X(ID, name, type, takes_arg). */
#define LD_RT_FIELD_LIST(X)                                                                        \
    X(EVT_TYPE, "evt.type", STR, false)                                                            \
    X(EVT_TIME, "evt.time", NUM, false)                                                            \
    X(EVT_RES, "evt.res", STR, false)                                                              \
    X(EVT_RAWRES, "evt.rawres", NUM, false)                                                        \
    X(EVT_SYSCALL, "evt.syscall", STR, false)                                                      \
    X(EVT_IS_OPEN_WRITE, "evt.is_open_write", BOOL, false)                                         \
    X(EVT_IS_OPEN_READ, "evt.is_open_read", BOOL, false)                                           \
    X(EVT_TARGET_PID, "evt.target.pid", NUM, false)                                                \
    X(EVT_TARGET_UID, "evt.target.uid", NUM, false)                                                \
    X(EVT_ARG_REQUEST, "evt.arg.request", NUM, false)                                              \
    X(EVT_MODULE, "evt.module", STR, false)                                                        \
    X(EVT_DIR, "evt.dir", STR, false)                                                              \
    X(PROC_NAME, "proc.name", STR, false)                                                          \
    X(PROC_EXE, "proc.exe", STR, false)                                                            \
    X(PROC_EXEPATH, "proc.exepath", STR, false)                                                    \
    X(PROC_CMDLINE, "proc.cmdline", STR, false)                                                    \
    X(PROC_ARGS, "proc.args", STR, false)                                                          \
    X(PROC_PID, "proc.pid", NUM, false)                                                            \
    X(PROC_PPID, "proc.ppid", NUM, false)                                                          \
    X(PROC_PNAME, "proc.pname", STR, false)                                                        \
    X(PROC_PCMDLINE, "proc.pcmdline", STR, false)                                                  \
    X(PROC_ANAME, "proc.aname", STR, true)                                                         \
    X(PROC_TTY, "proc.tty", NUM, false)                                                            \
    X(PROC_IS_EXE_UPPER_LAYER, "proc.is_exe_upper_layer", BOOL, false)                             \
    X(PROC_IS_EXE_FROM_MEMFD, "proc.is_exe_from_memfd", BOOL, false)                               \
    X(USER_UID, "user.uid", NUM, false)                                                            \
    X(USER_NAME, "user.name", STR, false)                                                          \
    X(USER_LOGINUID, "user.loginuid", NUM, false)                                                  \
    X(CONTAINER_ID, "container.id", STR, false)                                                    \
    X(CONTAINER_NAME, "container.name", STR, false)                                                \
    X(CONTAINER_IMAGE, "container.image", STR, false)                                              \
    X(CONTAINER_IMAGE_REPOSITORY, "container.image.repository", STR, false)                        \
    X(CONTAINER_IMAGE_TAG, "container.image.tag", STR, false)                                      \
    X(CONTAINER_PRIVILEGED, "container.privileged", BOOL, false)                                   \
    X(CONTAINER_RUNTIME, "container.runtime", STR, false)                                          \
    X(CONTAINER_EGRESS_POLICY, "container.egress_policy", BOOL, false)                             \
    X(CONTAINER_HOST_NETWORK, "container.host_network", BOOL, false)                               \
    X(CONTAINER_HOST_PID, "container.host_pid", BOOL, false)                                       \
    X(CONTAINER_HOST_IPC, "container.host_ipc", BOOL, false)                                       \
    X(FD_NAME, "fd.name", STR, false)                                                              \
    X(FD_DIRECTORY, "fd.directory", STR, false)                                                    \
    X(FD_FILENAME, "fd.filename", STR, false)                                                      \
    X(FD_SIP, "fd.sip", IP, false)                                                                 \
    X(FD_DIP, "fd.dip", IP, false)                                                                 \
    X(FD_SPORT, "fd.sport", NUM, false)                                                            \
    X(FD_DPORT, "fd.dport", NUM, false)                                                            \
    X(FD_L4PROTO, "fd.l4proto", STR, false)                                                        \
    X(FD_TYPECHAR, "fd.typechar", STR, false)                                                      \
    X(FD_SOCKFAMILY, "fd.sockfamily", STR, false)                                                  \
    X(FD_EGRESS_ALLOWED, "fd.egress_allowed", BOOL, false)                                         \
    X(K8S_NS_NAME, "k8s.ns.name", STR, false)                                                      \
    X(K8S_POD_NAME, "k8s.pod.name", STR, false)                                                    \
    X(MOUNT_FSTYPE, "mount.fstype", STR, false)                                                    \
    X(MOUNT_SOURCE, "mount.source", STR, false)                                                    \
    X(MOUNT_TARGET, "mount.target", STR, false)

#define LD_RT_FIELD_ENUM(id, name, type, arg) LD_F_##id,
typedef enum { LD_RT_FIELD_LIST(LD_RT_FIELD_ENUM) LD_F_COUNT } ld_rt_field_id;
#undef LD_RT_FIELD_ENUM

/* The deepest ancestor proc.aname[N] may name, and how far the any-ancestor
 * form (proc.aname without N) walks up. */
#define LD_RT_ANAME_MAX 64

/* Readers by family; each sets v->present and the value (v->type is set
 * by the caller). */
void ld_rt_field_read_proc(const ld_rt_field_ref *f, const ld_rt_field_ctx *ctx, ld_rt_value *v);
void ld_rt_field_read_net(const ld_rt_field_ref *f, const ld_rt_field_ctx *ctx, ld_rt_value *v);

/* The comm of the n-th ancestor (1: parent) of the event's process, or
 * NULL; copied into out (LD_RT_COMM_MAX) since table entries do not
 * outlive the next table call. */
const char *ld_rt_field_ancestor_comm(const ld_rt_field_ctx *ctx, int n, char *out);

/* Walks the ancestors of the event's process from the parent up (at most
 * LD_RT_ANAME_MAX), calling fn with each comm until fn returns true.
 * Returns whether fn did; *seen counts the ancestors visited. */
bool ld_rt_field_any_ancestor(const ld_rt_field_ctx *ctx, bool (*fn)(const char *comm, void *arg),
                              void *arg, int *seen);

#endif
