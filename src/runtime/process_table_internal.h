/* What user_names.c needs from the process table (process_table.c): its
 * user-name cache and its /proc directory. Internal to src/runtime. */
#ifndef LD_RUNTIME_PROCESS_TABLE_INTERNAL_H
#define LD_RUNTIME_PROCESS_TABLE_INTERNAL_H

#include "runtime/process_table.h"
#include "runtime/user_names.h"

ld_rt_user_cache *ld_rt_proc_table_users(ld_rt_proc_table *t);
int ld_rt_proc_table_proc_fd(const ld_rt_proc_table *t);

#endif
