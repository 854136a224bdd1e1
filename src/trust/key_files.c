/* Writing a key pair to PREFIX.key and PREFIX.pub (ld_key_write_pair in
 * trust/keys.h): both files or neither, exact modes, never through a
 * symbolic link, never over an existing file unless asked (and then by an
 * atomic rename). Not for reading keys (keys.c). */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "trust/keys.h"
#include "util/cleanup.h"
#include "util/mem.h"

/* Writes all of text to fd, fixes its mode and flushes it to disk. */
static int fill(int fd, const char *path, const char *text, mode_t mode, ld_error *err)
{
    size_t len = strlen(text), off = 0;
    while (off < len) {
        ssize_t w = write(fd, text + off, len - off);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return ld_error_set_errno(err, LD_ERR_GENERIC, errno ? errno : EIO, "%s: write", path);
        off += (size_t)w;
    }
    if (fchmod(fd, mode) < 0) /* the umask must not widen or narrow it */
        return ld_error_set_errno(err, LD_ERR_GENERIC, errno, "%s: chmod", path);
    if (fsync(fd) < 0)
        return ld_error_set_errno(err, LD_ERR_GENERIC, errno, "%s: fsync", path);
    return 0;
}

/* A new file at path (O_EXCL|O_NOFOLLOW: an existing file, or a link
 * even a dangling one, is refused). */
static int create_new(const char *path, const char *text, mode_t mode, ld_error *err)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
    if (fd < 0) {
        int e = errno;
        struct stat st;
        if (e == EEXIST && lstat(path, &st) == 0 && S_ISLNK(st.st_mode))
            return ld_error_set(err, LD_ERR_INVALID,
                                "%s is a symbolic link; lockdown does not write keys through links",
                                path);
        if (e == EEXIST)
            return ld_error_set(err, LD_ERR_INVALID,
                                "%s exists; refusing to overwrite a key (--force replaces it)",
                                path);
        return ld_error_set_errno(err, LD_ERR_GENERIC, e, "%s: cannot create", path);
    }
    int rc = fill(fd, path, text, mode, err);
    close(fd);
    if (rc < 0)
        unlink(path);
    return rc;
}

/* A temporary file next to path holding text, ready to be renamed over
 * it; *tmp receives its name. */
static int write_temp(const char *path, const char *text, mode_t mode, char **tmp, ld_error *err)
{
    char *copy = ld_xstrdup(path);
    *tmp = ld_xasprintf("%s/.%s.XXXXXX", dirname(copy),
                        strrchr(path, '/') ? strrchr(path, '/') + 1 : path);
    free(copy);
    int fd = mkostemp(*tmp, O_CLOEXEC); /* 0600 */
    if (fd < 0) {
        int e = errno;
        free(*tmp);
        *tmp = NULL;
        return ld_error_set_errno(err, LD_ERR_GENERIC, e,
                                  "%s: cannot create a temporary file beside it", path);
    }
    int rc = fill(fd, path, text, mode, err);
    close(fd);
    if (rc < 0) {
        unlink(*tmp);
        free(*tmp);
        *tmp = NULL;
    }
    return rc;
}

static int write_forced(const char *key_path, const char *pub_path, const char *priv,
                        const char *pub, ld_error *err)
{
    int rc;
    char *tk = NULL, *tp = NULL;
    if ((rc = write_temp(key_path, priv, 0600, &tk, err)) < 0)
        return rc;
    if ((rc = write_temp(pub_path, pub, 0644, &tp, err)) < 0)
        goto out;
    if (rename(tk, key_path) < 0) {
        rc = ld_error_set_errno(err, LD_ERR_GENERIC, errno, "%s: cannot replace", key_path);
        goto out;
    }
    free(tk);
    tk = NULL;
    if (rename(tp, pub_path) < 0)
        rc = ld_error_set_errno(err, LD_ERR_GENERIC, errno, "%s: cannot replace (%s was written)",
                                pub_path, key_path);
out:
    if (tk)
        unlink(tk);
    if (tp && rc < 0)
        unlink(tp);
    free(tk);
    free(tp);
    return rc;
}

/* What is at path may be written: nothing there, or (with force) a
 * regular file. */
static int check_path(const char *path, bool force, ld_error *err)
{
    struct stat st;
    if (lstat(path, &st) < 0)
        return errno == ENOENT ? 0 : ld_error_set_errno(err, LD_ERR_GENERIC, errno, "%s", path);
    if (S_ISLNK(st.st_mode))
        return ld_error_set(err, LD_ERR_INVALID,
                            "%s is a symbolic link; lockdown does not write keys through links "
                            "(remove it first)",
                            path);
    if (!force)
        return ld_error_set(err, LD_ERR_INVALID,
                            "%s exists; refusing to overwrite a key (--force replaces it)", path);
    if (!S_ISREG(st.st_mode))
        return ld_error_set(err, LD_ERR_INVALID, "%s exists and is not a regular file", path);
    return 0;
}

static int check_prefix(const char *prefix, ld_error *err)
{
    if (!prefix || !prefix[0] || prefix[strlen(prefix) - 1] == '/')
        return ld_error_set(err, LD_ERR_INVALID,
                            "the key prefix must name a file (PREFIX gives PREFIX.key and "
                            "PREFIX.pub), not \"%s\"",
                            prefix ? prefix : "");
    return 0;
}

int ld_key_pair_check(const char *prefix, bool force, ld_error *err)
{
    int rc = check_prefix(prefix, err);
    if (rc < 0)
        return rc;
    char *kp = ld_xasprintf("%s.key", prefix), *pp = ld_xasprintf("%s.pub", prefix);
    if ((rc = check_path(kp, force, err)) == 0)
        rc = check_path(pp, force, err);
    free(kp);
    free(pp);
    return rc;
}

int ld_key_write_pair(const char *prefix, const char *private_pem, const char *public_pem,
                      bool force, char **key_path, char **pub_path, ld_error *err)
{
    if (key_path)
        *key_path = NULL;
    if (pub_path)
        *pub_path = NULL;
    int rc = ld_key_pair_check(prefix, force, err);
    if (rc < 0)
        return rc;
    char *kp = ld_xasprintf("%s.key", prefix), *pp = ld_xasprintf("%s.pub", prefix);
    if (force)
        rc = write_forced(kp, pp, private_pem, public_pem, err);
    /* O_EXCL still decides: something may have appeared since the check */
    else if ((rc = create_new(kp, private_pem, 0600, err)) == 0 &&
             (rc = create_new(pp, public_pem, 0644, err)) < 0)
        unlink(kp); /* both or neither */
    if (rc == 0 && key_path)
        *key_path = ld_steal_ptr(&kp);
    if (rc == 0 && pub_path)
        *pub_path = ld_steal_ptr(&pp);
    free(kp);
    free(pp);
    return rc;
}
