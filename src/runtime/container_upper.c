/* Is a file in a container's writable layer (containers.h
 * ld_rt_container_file_in_upper)? The path the process saw is looked up
 * under the overlay's upperdir with openat2(RESOLVE_BENEATH |
 * RESOLVE_NO_SYMLINKS), so a link planted in the layer cannot send the
 * lookup elsewhere on the host. A whiteout (a 0/0 character device: the
 * file was deleted) is not present. Not for deciding what an image holds. */
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdbool.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "runtime/containers.h"
#include "util/cleanup.h"

#ifndef SYS_openat2
#define SYS_openat2 437
#endif

static int openat2_retry(int dirfd, const char *path, struct open_how *how)
{
    long rc;
    do
        rc = syscall(SYS_openat2, dirfd, path, how, sizeof *how);
    while (rc < 0 && (errno == EINTR || errno == EAGAIN));
    return (int)rc;
}

bool ld_rt_container_file_in_upper(const ld_rt_container *ct, const char *path)
{
    if (!ct || !ct->upperdir || ct->upperdir[0] != '/' || !path || path[0] != '/')
        return false;
    while (*path == '/')
        path++;
    if (!*path || strlen(path) >= LD_RT_PATH_MAX)
        return false;
    ld_autoclose int dir = open(ct->upperdir, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (dir < 0)
        return false;
    struct open_how how = {
        .flags = O_PATH | O_NOFOLLOW | O_CLOEXEC,
        .resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS,
    };
    ld_autoclose int fd = openat2_retry(dir, path, &how);
    if (fd < 0)
        return false; /* not in the layer (ENOENT), or a link or ".." on the way */
    struct stat st;
    if (fstat(fd, &st) < 0)
        return false;
    if (S_ISCHR(st.st_mode) && major(st.st_rdev) == 0 && minor(st.st_rdev) == 0)
        return false; /* a whiteout: deleted after start */
    return !S_ISDIR(st.st_mode);
}
