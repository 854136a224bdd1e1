/* Loading the AWS set from the inputs named on the command line: a file,
 * "-" (standard input), or a directory of exports walked in name order
 * (every *.json, *.err and *.txt file; hidden entries skipped; no symbolic
 * link followed; at most 16 levels deep). A named input that fails is an
 * error; a file met in a directory that fails is recorded unread and the
 * walk goes on. Not for parsing (aws_set.c, aws_set_shapes.c). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "aws/aws_set_internal.h"
#include "util/cleanup.h"
#include "util/input_file.h"
#include "util/mem.h"

#define DIR_DEPTH_MAX 16
#define DIR_ENTRIES_MAX ((size_t)1000000) /* entries of one directory */

static bool export_name(const char *name)
{
    size_t n = strlen(name);
    return (n > 5 && strcmp(name + n - 5, ".json") == 0) ||
           (n > 4 && strcmp(name + n - 4, ".err") == 0) ||
           (n > 4 && strcmp(name + n - 4, ".txt") == 0);
}

/* Reads and adds one opened file (fd not closed here). */
static int load_fd(ld_aws_set *s, int fd, const char *path, ld_error *err)
{
    ld_autofree char *buf = NULL;
    size_t len = 0;
    if (ld_input_read_fd(fd, path, "AWS CLI output", LD_AWS_INPUT_MAX, &buf, &len, err) < 0)
        return err->code;
    return ld_aws_set_read_buffer(s, path, buf, len, err);
}

/* A file met in a directory: a document of another shape is a note, the
 * rest that fails is unread. */
static void load_walked(ld_aws_set *s, int fd, const char *path)
{
    ld_error err = LD_ERROR_INIT;
    int rc = load_fd(s, fd, path, &err);
    if (rc >= 0)
        return;
    if (rc == LD_ERR_UNSUPPORTED && !strstr(err.msg, "export failed"))
        ld_aws_set_add_note(s, "%s; skipped", err.msg);
    else
        ld_aws_set_add_unread(s, err.msg);
}

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The visible entries of d, sorted (the caller clears names). */
static void list_dir(ld_aws_set *s, DIR *d, const char *path, ld_strlist *names)
{
    for (;;) {
        errno = 0;
        struct dirent *e = readdir(d);
        if (!e) {
            if (errno) {
                ld_autofree char *m =
                    ld_xasprintf("%s: cannot read the directory: %s", path, strerror(errno));
                ld_aws_set_add_unread(s, m);
            }
            break;
        }
        if (e->d_name[0] == '.')
            continue; /* ".", "..", and hidden entries */
        if (names->n >= DIR_ENTRIES_MAX) {
            ld_autofree char *m = ld_xasprintf("%s: more than %zu entries; the rest were not read",
                                               path, DIR_ENTRIES_MAX);
            ld_aws_set_add_unread(s, m);
            break;
        }
        ld_strlist_push(names, e->d_name);
    }
    if (names->n > 1)
        qsort(names->v, names->n, sizeof(*names->v), compare_names);
}

static void walk_dir(ld_aws_set *s, int dfd, const char *path, int depth);

/* One entry of a directory open at dfd. */
static void walk_entry(ld_aws_set *s, int dfd, const char *child, const char *name, int depth)
{
    struct stat st;
    if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
        ld_autofree char *m = ld_xasprintf("%s: %s", child, strerror(errno));
        ld_aws_set_add_unread(s, m);
        return;
    }
    if (S_ISLNK(st.st_mode)) {
        ld_aws_set_add_note(s, "%s: symbolic link not followed", child);
        return;
    }
    if (S_ISDIR(st.st_mode)) {
        if (depth + 1 > DIR_DEPTH_MAX) {
            ld_autofree char *m = ld_xasprintf(
                "%s: directories nested deeper than %d levels; not read", child, DIR_DEPTH_MAX);
            ld_aws_set_add_unread(s, m);
            return;
        }
        int cfd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
        if (cfd < 0) {
            ld_autofree char *m =
                ld_xasprintf("%s: cannot open the directory: %s", child, strerror(errno));
            ld_aws_set_add_unread(s, m);
            return;
        }
        walk_dir(s, cfd, child, depth + 1);
        return;
    }
    if (!export_name(name))
        return;
    if (!S_ISREG(st.st_mode)) {
        ld_aws_set_add_note(s, "%s: %s, not a regular file; not read", child,
                            ld_file_kind(st.st_mode));
        return;
    }
    /* O_NONBLOCK: whatever replaced the file since fstatat cannot block
     * open; fstat on the fd decides */
    ld_autoclose int fd =
        openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
    if (fd < 0) {
        ld_autofree char *m = ld_xasprintf("%s: cannot open: %s", child, strerror(errno));
        ld_aws_set_add_unread(s, m);
        return;
    }
    struct stat fst;
    if (fstat(fd, &fst) < 0 || !S_ISREG(fst.st_mode)) {
        ld_aws_set_add_note(s, "%s: not a regular file; not read", child);
        return;
    }
    int fl = fcntl(fd, F_GETFL);
    if (fl >= 0)
        (void)fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
    load_walked(s, fd, child);
}

/* Walks the directory open at dfd (path names it), depth levels below the
 * input. Takes dfd. */
static void walk_dir(ld_aws_set *s, int dfd, const char *path, int depth)
{
    DIR *d = fdopendir(dfd);
    if (!d) {
        ld_autofree char *m =
            ld_xasprintf("%s: cannot read the directory: %s", path, strerror(errno));
        ld_aws_set_add_unread(s, m);
        close(dfd);
        return;
    }
    ld_strlist names = {0};
    list_dir(s, d, path, &names);
    size_t plen = strlen(path);
    const char *sep = plen && path[plen - 1] == '/' ? "" : "/";
    for (size_t i = 0; i < names.n; i++) {
        ld_autofree char *child = ld_xasprintf("%s%s%s", path, sep, names.v[i]);
        walk_entry(s, dirfd(d), child, names.v[i], depth);
    }
    ld_strlist_clear(&names);
    closedir(d);
}

/* A named file or pipe: every failure is the caller's error. */
static int load_named_fd(ld_aws_set *s, int fd, const char *path, ld_error *err)
{
    int rc = load_fd(s, fd, path, err);
    return rc < 0 ? rc : 0;
}

int ld_aws_load_named(ld_aws_set *s, const char *path, ld_error *err)
{
    ld_aws_set_record_input(s, path);
    if (strcmp(path, "-") == 0)
        return load_named_fd(s, STDIN_FILENO, "-", err);
    /* the path itself is followed (the user named it); what is under it is
     * not. O_NONBLOCK so that a FIFO without a writer cannot block open. */
    ld_autoclose int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
    if (fd < 0)
        return ld_error_set_errno(err, errno == ENOENT ? LD_ERR_NOT_FOUND : LD_ERR_INVALID, errno,
                                  "%s: cannot open", path);
    struct stat st;
    if (fstat(fd, &st) < 0)
        return ld_error_set_errno(err, LD_ERR_GENERIC, errno, "%s: cannot stat", path);
    if (S_ISDIR(st.st_mode)) {
        size_t before = ld_aws_set_files(s);
        walk_dir(s, ld_steal_fd(&fd), path, 0);
        if (ld_aws_set_files(s) == before)
            ld_aws_set_add_note(s, "%s: no AWS CLI output read in it (*.json, *.err, *.txt)", path);
        return 0;
    }
    if (!S_ISREG(st.st_mode) && !S_ISFIFO(st.st_mode))
        return ld_error_set(err, LD_ERR_INVALID,
                            "%s: is %s, not an AWS CLI output file or a directory of them (use - "
                            "for standard input)",
                            path, ld_file_kind(st.st_mode));
    int fl = fcntl(fd, F_GETFL);
    if (fl >= 0)
        (void)fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
    return load_named_fd(s, fd, path, err);
}
