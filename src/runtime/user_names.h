/* User names for lockdown watch's user.name (process_table.h's
 * ld_rt_user_name and ld_rt_user_name_in): the host's passwd parsed once
 * into a sorted table (looked at again when the file changes, at most
 * every 10 s), and names from a container's own /etc/passwd read through
 * /proc/PID/root, cached per (cgroup, uid). Internal to src/runtime: the
 * process table owns one cache. Not NSS: a name must be the one the file
 * of that root gives, never ours. */
#ifndef LD_RUNTIME_USER_NAMES_H
#define LD_RUNTIME_USER_NAMES_H

#include <stddef.h>
#include <stdint.h>

#define LD_RT_USER_NAME_MAX 64      /* longer names are not names (Linux allows 32) */
#define LD_RT_PASSWD_MAX (1u << 20) /* a passwd larger than 1 MiB is not read */

typedef struct ld_rt_user_cache ld_rt_user_cache;

/* passwd_path: the host's passwd ("/etc/passwd"); read on first use. */
ld_rt_user_cache *ld_rt_user_cache_new(const char *passwd_path);
void ld_rt_user_cache_free(ld_rt_user_cache *c);

/* The host's name for uid; "" if none. Valid until the next call. */
const char *ld_rt_user_cache_host(ld_rt_user_cache *c, uint32_t uid);
/* The name of uid in /proc/PID/root/etc/passwd (proc_fd: the /proc
 * directory); key identifies the root for the cache (the process's cgroup
 * id; 0: not cached). "" if none. Valid until the next call. */
const char *ld_rt_user_cache_in(ld_rt_user_cache *c, int proc_fd, int32_t pid, uint64_t key,
                                uint32_t uid);

/* In passwd text buf[0..len) (need not be NUL-terminated), the name of the
 * first well-formed line ("name:x:uid:...") with this uid, copied into
 * out (cap bytes, NUL-terminated). Returns 1 when found, 0 if not. Lines
 * with an empty name, a name over LD_RT_USER_NAME_MAX - 1 bytes or a uid
 * that is not a decimal uint32 are skipped. */
int ld_rt_passwd_find(const char *buf, size_t len, uint32_t uid, char *out, size_t cap);

#endif
