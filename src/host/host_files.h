/* Reading a host's files under a root directory ("/" for this machine, or
 * a mounted copy of a host) without leaving it: symlinks resolve inside the
 * root (openat2 RESOLVE_IN_ROOT, else a walk that refuses them), every fd is
 * O_CLOEXEC, reads are capped. Also owner/group names from ROOT/etc/passwd
 * and ROOT/etc/group (not NSS: the names must be the root's, not ours).
 * Not for writing, and not for /proc of a live system (that is read
 * directly: /proc's magic links are the point there). */
#ifndef LD_HOST_HOST_FILES_H
#define LD_HOST_HOST_FILES_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "core/error.h"
#include "util/strlist.h"

/* True when root is NULL, "" or "/" (possibly with more slashes). */
bool ld_host_root_is_slash(const char *root);

/* Opens the absolute or relative path under root with O_RDONLY|flags
 * (O_CLOEXEC always added). Returns an fd or -errno. */
int ld_host_open(const char *root, const char *path, int flags);

/* Reads the regular file path under root (at most max bytes; more is
 * LD_ERR_LIMIT) into a new NUL-terminated buffer (*out, caller frees; *len
 * without the NUL). A missing file is LD_ERR_NOT_FOUND; a non-regular file
 * LD_ERR_CORRUPT. err names the path. */
int ld_host_read_file(const char *root, const char *path, size_t max, char **out, size_t *len,
                      ld_error *err);

/* lstat of path under root (the last component is not followed; earlier
 * ones resolve inside root). Returns 0 or -errno. */
int ld_host_lstat(const char *root, const char *path, struct stat *st);
/* stat of path under root (followed, inside root). Returns 0 or -errno. */
int ld_host_stat(const char *root, const char *path, struct stat *st);

/* Name of uid / gid in ROOT/etc/passwd / ROOT/etc/group (each read once
 * per call, capped at 4 MiB); a number as text when unknown. Caller frees. */
char *ld_host_user_name(const char *root, uid_t uid);
char *ld_host_group_name(const char *root, gid_t gid);
/* Members of group `name` in ROOT/etc/group appended to out (the 4th field),
 * plus users whose primary group it is in ROOT/etc/passwd. Returns 1 when
 * the group exists, 0 when it does not, < 0 with err set when the file
 * cannot be read (missing /etc/group is 0). *gid_out (may be NULL) is its gid. */
int ld_host_group_members(const char *root, const char *name, ld_strlist *out, gid_t *gid_out,
                          ld_error *err);

#endif
