/* Process and user fields (proc.*, user.*): the event's own process from
 * the event, its parent and ancestors from the process table. proc.cmdline
 * is Falco's "name args": the comm, then the arguments after argv[0]. No
 * allocation; a string is copied into the value's buffer only when it
 * cannot point into the event or the table. */
#include <string.h>

#include "runtime/fields_internal.h"

static void set_str(ld_rt_value *v, const char *s)
{
    if (s && s[0]) {
        v->present = true;
        v->str = s;
    }
}

static void set_num(ld_rt_value *v, int64_t n)
{
    v->present = true;
    v->num = n;
}

/* The arguments after argv[0] in a space-joined command line ("" if none). */
static const char *args_of(const char *cmdline)
{
    const char *sp = strchr(cmdline, ' ');
    return sp ? sp + 1 : "";
}

/* Falco's proc.cmdline: comm, a space and the arguments; the comm alone
 * without arguments. Points into cmdline when it already reads so. */
static void falco_cmdline(const char *comm, const char *cmdline, ld_rt_value *v)
{
    if (!comm[0] && !cmdline[0])
        return;
    const char *args = args_of(cmdline);
    size_t comm_len = strnlen(comm, LD_RT_COMM_MAX);
    if (!args[0]) {
        set_str(v, comm[0] ? comm : cmdline);
        return;
    }
    if (comm_len && strncmp(cmdline, comm, comm_len) == 0 && cmdline[comm_len] == ' ') {
        set_str(v, cmdline);
        return;
    }
    size_t args_len = strlen(args);
    if (comm_len + 1 + args_len >= sizeof v->buf)
        args_len = sizeof v->buf - comm_len - 2;
    memcpy(v->buf, comm, comm_len);
    v->buf[comm_len] = ' ';
    memcpy(v->buf + comm_len + 1, args, args_len);
    v->buf[comm_len + 1 + args_len] = '\0';
    set_str(v, v->buf);
}

/* The n-th ancestor's entry (1: the parent), starting from the parent the
 * event names when it names one. */
static const ld_rt_proc *ancestor(const ld_rt_field_ctx *ctx, int n)
{
    const ld_rt_event *e = ctx->evt;
    if (!ctx->procs || n < 1)
        return NULL;
    if (e->ppid > 0) {
        if (n == 1)
            return ld_rt_proc_table_get(ctx->procs, e->ppid);
        return ld_rt_proc_table_ancestor(ctx->procs, e->ppid, n - 1);
    }
    return ld_rt_proc_table_ancestor(ctx->procs, e->pid, n);
}

const char *ld_rt_field_ancestor_comm(const ld_rt_field_ctx *ctx, int n, char *out)
{
    if (n == 0) {
        memcpy(out, ctx->evt->comm, LD_RT_COMM_MAX);
        out[LD_RT_COMM_MAX - 1] = '\0';
        return out[0] ? out : NULL;
    }
    const ld_rt_proc *p = ancestor(ctx, n);
    if (!p || !p->comm[0])
        return NULL;
    memcpy(out, p->comm, LD_RT_COMM_MAX);
    out[LD_RT_COMM_MAX - 1] = '\0';
    return out;
}

bool ld_rt_field_any_ancestor(const ld_rt_field_ctx *ctx, bool (*fn)(const char *comm, void *arg),
                              void *arg, int *seen)
{
    *seen = 0;
    const ld_rt_event *e = ctx->evt;
    if (!ctx->procs)
        return false;
    int32_t pid = e->ppid;
    if (pid <= 0) {
        const ld_rt_proc *self = ld_rt_proc_table_get(ctx->procs, e->pid);
        pid = self ? self->ppid : 0;
    }
    char comm[LD_RT_COMM_MAX];
    for (int depth = 0; depth < LD_RT_ANAME_MAX && pid > 0; depth++) {
        const ld_rt_proc *p = ld_rt_proc_table_get(ctx->procs, pid);
        if (!p)
            break;
        int32_t next = p->ppid;
        memcpy(comm, p->comm, sizeof comm);
        comm[sizeof comm - 1] = '\0';
        (*seen)++;
        if (comm[0] && fn(comm, arg))
            return true;
        if (next == pid)
            break;
        pid = next;
    }
    return false;
}

static bool exec_event(const ld_rt_event *e)
{
    return e->type == LD_EVT_EXECVE || e->type == LD_EVT_EXECVEAT;
}

/* An exec event says what it ran; any other event asks the table about
 * its process (the exe it last ran), falling back to the event. */
static void exe_flag(const ld_rt_field_ctx *ctx, bool upper, ld_rt_value *v)
{
    const ld_rt_event *e = ctx->evt;
    bool value = upper ? e->exe_upper_layer : e->exe_from_memfd;
    if (!exec_event(e) && ctx->procs) {
        const ld_rt_proc *p = ld_rt_proc_table_get(ctx->procs, e->pid);
        if (p)
            value = value || (upper ? p->exe_upper_layer : p->exe_from_memfd);
    }
    v->present = true;
    v->num = value ? 1 : 0;
}

void ld_rt_field_read_proc(const ld_rt_field_ref *f, const ld_rt_field_ctx *ctx, ld_rt_value *v)
{
    const ld_rt_event *e = ctx->evt;
    switch ((ld_rt_field_id)f->id) {
    case LD_F_PROC_NAME: set_str(v, e->comm); break;
    case LD_F_PROC_EXE:
    case LD_F_PROC_EXEPATH: set_str(v, e->exepath); break;
    case LD_F_PROC_CMDLINE: falco_cmdline(e->comm, e->cmdline, v); break;
    case LD_F_PROC_ARGS:
        if (e->cmdline[0]) {
            v->present = true;
            v->str = args_of(e->cmdline);
        }
        break;
    case LD_F_PROC_PID: set_num(v, e->pid); break;
    case LD_F_PROC_PPID:
        if (e->ppid > 0 || e->pid == 1)
            set_num(v, e->ppid);
        break;
    case LD_F_PROC_PNAME: {
        const ld_rt_proc *p = ancestor(ctx, 1);
        if (p) {
            memcpy(v->buf, p->comm, LD_RT_COMM_MAX);
            v->buf[LD_RT_COMM_MAX - 1] = '\0';
            set_str(v, v->buf);
        }
        break;
    }
    case LD_F_PROC_PCMDLINE: {
        const ld_rt_proc *p = ancestor(ctx, 1);
        if (p) {
            /* the entry may not outlive the next table call: copy */
            char comm[LD_RT_COMM_MAX];
            memcpy(comm, p->comm, sizeof comm);
            comm[sizeof comm - 1] = '\0';
            falco_cmdline(comm, p->cmdline, v);
            if (v->present && v->str != v->buf) {
                size_t n = strnlen(v->str, sizeof v->buf - 1);
                memmove(v->buf, v->str, n);
                v->buf[n] = '\0';
                v->str = v->buf;
            }
        }
        break;
    }
    case LD_F_PROC_ANAME: {
        int n = f->arg < 0 ? 1 : f->arg; /* read as a value: the parent */
        if (ld_rt_field_ancestor_comm(ctx, n, v->buf))
            set_str(v, v->buf);
        break;
    }
    case LD_F_PROC_TTY: set_num(v, e->tty); break;
    case LD_F_PROC_IS_EXE_UPPER_LAYER: exe_flag(ctx, true, v); break;
    case LD_F_PROC_IS_EXE_FROM_MEMFD: exe_flag(ctx, false, v); break;
    case LD_F_USER_UID: set_num(v, e->uid); break;
    case LD_F_USER_NAME:
        if (!ctx->procs)
            break;
        if (strcmp(ctx->container->id, LD_RT_HOST_ID) == 0) {
            set_str(v, ld_rt_user_name(ctx->procs, e->uid));
        } else {
            /* the container's own passwd: its uid 1000 is not the host's */
            set_str(v, ld_rt_user_name_in(ctx->procs, e->pid, e->uid));
            if (!v->present && e->uid == 0)
                set_str(v, "root");
        }
        break;
    case LD_F_USER_LOGINUID:
        set_num(v, e->loginuid == (uint32_t)-1 ? -1 : (int64_t)e->loginuid);
        break;
    default: break;
    }
}
