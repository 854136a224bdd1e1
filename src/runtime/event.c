/* Event type names (Falco's evt.type spellings) and event reset. */
#include "runtime/event.h"

#include <string.h>

static const char *const type_names[LD_EVT_TYPE_COUNT] = {
    [LD_EVT_NONE] = "none",
    [LD_EVT_EXECVE] = "execve",
    [LD_EVT_EXECVEAT] = "execveat",
    [LD_EVT_CLONE] = "clone",
    [LD_EVT_PROCEXIT] = "procexit",
    [LD_EVT_OPENAT] = "openat",
    [LD_EVT_OPENAT2] = "openat2",
    [LD_EVT_CONNECT] = "connect",
    [LD_EVT_ACCEPT] = "accept",
    [LD_EVT_BIND] = "bind",
    [LD_EVT_LISTEN] = "listen",
    [LD_EVT_PTRACE] = "ptrace",
    [LD_EVT_SETUID] = "setuid",
    [LD_EVT_SETGID] = "setgid",
    [LD_EVT_MOUNT] = "mount",
    [LD_EVT_UMOUNT] = "umount",
    [LD_EVT_INIT_MODULE] = "init_module",
    [LD_EVT_FINIT_MODULE] = "finit_module",
    [LD_EVT_MEMFD_CREATE] = "memfd_create",
    [LD_EVT_UNSHARE] = "unshare",
    [LD_EVT_SETNS] = "setns",
    [LD_EVT_CONTAINER] = "container",
};

const char *ld_rt_evtype_name(ld_rt_evtype t)
{
    if ((unsigned)t >= LD_EVT_TYPE_COUNT || !type_names[t])
        return "none";
    return type_names[t];
}

/* Falco names a few calls by their variants; they map onto one type here. */
static const struct {
    const char *name;
    ld_rt_evtype type;
} aliases[] = {
    {"fork", LD_EVT_CLONE},       {"vfork", LD_EVT_CLONE},       {"clone3", LD_EVT_CLONE},
    {"accept4", LD_EVT_ACCEPT},   {"setreuid", LD_EVT_SETUID},   {"setresuid", LD_EVT_SETUID},
    {"setregid", LD_EVT_SETGID},  {"setresgid", LD_EVT_SETGID},  {"umount2", LD_EVT_UMOUNT},
    {"open", LD_EVT_OPENAT},      {"creat", LD_EVT_OPENAT},
};

ld_rt_evtype ld_rt_evtype_from_name(const char *name)
{
    if (!name)
        return LD_EVT_NONE;
    for (int t = 1; t < LD_EVT_TYPE_COUNT; t++)
        if (type_names[t] && strcmp(type_names[t], name) == 0)
            return (ld_rt_evtype)t;
    for (size_t i = 0; i < sizeof aliases / sizeof aliases[0]; i++)
        if (strcmp(aliases[i].name, name) == 0)
            return aliases[i].type;
    return LD_EVT_NONE;
}

void ld_rt_event_reset(ld_rt_event *e)
{
    /* the strings a source may leave unset are cleared by their first byte */
    e->type = LD_EVT_NONE;
    e->syscall[0] = '\0';
    e->ret = 0;
    e->pid = e->tid = e->ppid = 0;
    e->uid = e->gid = e->euid = 0;
    e->loginuid = (uint32_t)-1;
    e->tty = 0;
    e->comm[0] = e->exepath[0] = e->cmdline[0] = '\0';
    e->cmdline_truncated = e->exe_from_memfd = e->exe_upper_layer = false;
    e->cgroup_id = e->cgroup_v1_id = 0;
    e->path[0] = '\0';
    e->path_truncated = false;
    e->open_flags = 0;
    memset(&e->sock, 0, sizeof e->sock);
    memset(&e->sock_local, 0, sizeof e->sock_local);
    e->target_pid = 0;
    e->request = 0;
    e->target_uid = 0;
    e->fstype[0] = e->source_path[0] = e->module[0] = '\0';
    e->container_id[0] = '\0';
    e->container_privileged = e->container_host_network = false;
    e->container_host_pid = e->container_host_ipc = false;
}
