/* Test double of the process table (runtime/process_table.h) for the unit
 * tests of fields and conditions: a fixed set of processes the test adds,
 * ancestors by ppid, and user names for uids 0 and 1000 (the host's and
 * a container's). Linked instead
 * of the real table (runtime/process_table.c, tested on its own in
 * test_process_table.c): the object files of the library that define
 * these names are then not pulled from the archive. Include it in one
 * file per test program. */
#ifndef LD_TEST_RT_FAKE_PROCS_H
#define LD_TEST_RT_FAKE_PROCS_H

#include <stdio.h>
#include <string.h>

#include "runtime/process_table.h"

#define FAKE_PROCS_MAX 32

struct ld_rt_proc_table {
    ld_rt_proc procs[FAKE_PROCS_MAX];
    size_t n;
    unsigned gets; /* calls of ld_rt_proc_table_get, for tests that count lookups */
};

static struct ld_rt_proc_table fake_table;

static ld_rt_proc_table *fake_procs_reset(void)
{
    memset(&fake_table, 0, sizeof fake_table);
    return &fake_table;
}

static void fake_proc_add(int32_t pid, int32_t ppid, const char *comm, const char *cmdline)
{
    if (fake_table.n >= FAKE_PROCS_MAX)
        return;
    ld_rt_proc *p = &fake_table.procs[fake_table.n++];
    memset(p, 0, sizeof *p);
    p->pid = pid;
    p->ppid = ppid;
    snprintf(p->comm, sizeof p->comm, "%s", comm);
    snprintf(p->cmdline, sizeof p->cmdline, "%s", cmdline);
    snprintf(p->exepath, sizeof p->exepath, "/bin/%s", comm);
}

const ld_rt_proc *ld_rt_proc_table_get(ld_rt_proc_table *t, int32_t pid)
{
    t->gets++;
    for (size_t i = 0; i < t->n; i++)
        if (t->procs[i].pid == pid)
            return &t->procs[i];
    return NULL;
}

const ld_rt_proc *ld_rt_proc_table_ancestor(ld_rt_proc_table *t, int32_t pid, int n)
{
    const ld_rt_proc *p = ld_rt_proc_table_get(t, pid);
    for (int i = 0; i < n && p; i++)
        p = p->ppid > 0 && p->ppid != p->pid ? ld_rt_proc_table_get(t, p->ppid) : NULL;
    return p;
}

/* host: 0 root, 1000 alice; inside containers: 1000 www, and pid 666's
 * root cannot be read */
const char *ld_rt_user_name(ld_rt_proc_table *t, uint32_t uid)
{
    (void)t;
    return uid == 0 ? "root" : uid == 1000 ? "alice" : "";
}

const char *ld_rt_user_name_in(ld_rt_proc_table *t, int32_t pid, uint32_t uid)
{
    (void)t;
    if (pid == 666)
        return "";
    return uid == 0 ? "root" : uid == 1000 ? "www" : "";
}

#endif
