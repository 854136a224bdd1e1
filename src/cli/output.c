/* The report file of every command (-o FILE; contract in cli.h): written
 * beside FILE and renamed over it when the run produced its report, never
 * through a symbolic link, never over one of the run's inputs. Not the
 * report writers (src/core/report*.c) and not db commands' database file
 * (src/vuln/db_build.c guards that one). */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "util/mem.h"
#include "vuln/db.h"

enum { OUT_OPEN = 0, OUT_COMMITTED = 1, OUT_ABORTED = 2 };

/* Whether p points into the string s (getopt's optarg points into argv). */
static bool within(const char *p, const char *s)
{
    return p && s && p >= s && p <= s + strlen(s);
}

/* Whether arg holds the value of a common option that names no file
 * (--format json -o json must not refuse itself). */
static bool is_word_value(const cli_common *c, const char *arg)
{
    if (within(c->format, arg) || within(c->level, arg) || within(c->fail_on, arg))
        return true;
    for (size_t i = 0; i < c->n_check; i++)
        if (within(c->check[i], arg))
            return true;
    for (size_t i = 0; i < c->n_exclude; i++)
        if (within(c->exclude[i], arg))
            return true;
    return false;
}

/* Whether arg holds one of the run's output paths (-o, --html, --json):
 * outputs are not inputs. */
static bool is_output_value(const cli_common *c, const char *arg)
{
    if (within(c->output, arg))
        return true;
    for (size_t i = 0; i < LD_FORMAT_COUNT; i++)
        if (within(c->also[i], arg))
            return true;
    return false;
}

static bool same_file(const char *path, const struct stat *st)
{
    struct stat o;
    return path && *path && stat(path, &o) == 0 && o.st_dev == st->st_dev && o.st_ino == st->st_ino;
}

/* The file an argument names, when it is st: the argument itself, the
 * value of --option=VALUE, or what follows a "scheme:" prefix
 * (docker-archive:FILE, dir:PATH). NULL when it names something else. */
static const char *arg_names(const char *arg, const struct stat *st)
{
    const char *v = arg;
    if (arg[0] == '-') {
        const char *eq = arg[1] == '-' ? strchr(arg, '=') : NULL;
        if (!eq)
            return NULL;
        v = eq + 1;
    }
    if (same_file(v, st))
        return v;
    const char *colon = strchr(v, ':');
    if (colon && same_file(colon + 1, st))
        return colon + 1;
    return NULL;
}

/* The input of this run that st is (a new string, caller frees), or NULL:
 * every file named on the command line but the output itself, and the
 * files a command reads without being told (image scan: the default
 * vulnerability database and ignore files). */
static char *clashing_input(const cli_output *o, const struct stat *st)
{
    const cli_common *c = o->opt;
    for (int i = 1; i < c->argc && c->argv; i++) {
        const char *a = c->argv[i];
        if (is_output_value(c, a) || is_word_value(c, a))
            continue;
        const char *hit = arg_names(a, st);
        if (hit)
            return ld_xstrdup(hit);
    }
    if (o->cmd && strcmp(o->cmd, "image scan") == 0) {
        ld_error e = LD_ERROR_INIT;
        char *db = ld_vulndb_default_path(&e);
        if (db && same_file(db, st))
            return db;
        free(db);
        static const char *const ignore_files[] = {".lockdownignore", ".trivyignore"};
        for (size_t i = 0; i < 2; i++)
            if (same_file(ignore_files[i], st))
                return ld_xstrdup(ignore_files[i]);
    }
    return NULL;
}

/* Refuses what FILE may not be when it exists (see cli.h). *stream is set
 * for a character device or a FIFO, reached directly or through a link. */
static int check_target(const cli_output *o, bool *stream, ld_error *err)
{
    struct stat lst;
    *stream = false;
    if (lstat(o->path, &lst) != 0) {
        if (errno == ENOENT)
            return 0;
        return ld_error_set_errno(err, LD_ERR_INVALID, errno, "cannot write the report to %s",
                                  o->path);
    }
    if (S_ISLNK(lst.st_mode)) {
        struct stat tst;
        if (stat(o->path, &tst) == 0 && (S_ISCHR(tst.st_mode) || S_ISFIFO(tst.st_mode))) {
            *stream = true;
            return 0;
        }
        return ld_error_set(err, LD_ERR_INVALID,
                            "refusing to write the report to %s: it is a symbolic link (to %s); "
                            "give the path of a file, not of a link",
                            o->path,
                            stat(o->path, &tst) == 0 ? "an existing file" : "nothing: dangling");
    }
    if (S_ISCHR(lst.st_mode) || S_ISFIFO(lst.st_mode)) {
        *stream = true;
        return 0;
    }
    if (!S_ISREG(lst.st_mode))
        return ld_error_set(err, LD_ERR_INVALID, "refusing to write the report to %s: it is %s",
                            o->path,
                            S_ISDIR(lst.st_mode)   ? "a directory"
                            : S_ISBLK(lst.st_mode) ? "a block device"
                                                   : "not a regular file");
    char *input = clashing_input(o, &lst);
    if (input) {
        ld_error_set(err, LD_ERR_INVALID,
                     "refusing to write the report to %s: it is an input of this run (%s)", o->path,
                     input);
        free(input);
        return LD_ERR_INVALID;
    }
    /* a rename would replace a file the user may not write: ask as
     * fopen("w") did */
    if (faccessat(AT_FDCWD, o->path, W_OK, AT_EACCESS) != 0)
        return ld_error_set_errno(err, LD_ERR_INVALID, errno, "cannot write the report to %s",
                                  o->path);
    return 0;
}

/* Opens a character device or a FIFO for writing, without blocking on a
 * FIFO nobody reads. */
static int open_stream(cli_output *o, ld_error *err)
{
    int fd = open(o->path, O_WRONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
    if (fd < 0 && errno == ENXIO)
        return ld_error_set(err, LD_ERR_INVALID,
                            "cannot write the report to %s: a FIFO that nobody reads", o->path);
    if (fd < 0)
        return ld_error_set_errno(err, LD_ERR_INVALID, errno, "cannot write the report to %s",
                                  o->path);
    struct stat st;
    int fl = fcntl(fd, F_GETFL);
    if (fstat(fd, &st) != 0 || !(S_ISCHR(st.st_mode) || S_ISFIFO(st.st_mode)) || fl < 0 ||
        fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) != 0) {
        /* replaced by something else since the check: nothing written */
        close(fd);
        return ld_error_set(err, LD_ERR_INVALID,
                            "cannot write the report to %s: it changed while being opened",
                            o->path);
    }
    o->f = fdopen(fd, "w");
    if (!o->f) {
        close(fd);
        o->f = stdout;
        return ld_error_set_errno(err, LD_ERR_NOMEM, errno, "cannot write the report to %s",
                                  o->path);
    }
    return 0;
}

/* "DIR/.BASE.tmp-XXXXXX" for mkostemp or random_name. */
static char *temp_template(const cli_output *o)
{
    char *copy = ld_xstrdup(o->path);
    char *t = ld_xasprintf("%s/.%s.tmp-XXXXXX", o->dir, basename(copy));
    free(copy);
    return t;
}

/* Replaces the trailing XXXXXX of t with random letters and digits. */
static void random_name(char *t)
{
    static const char alphabet[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    unsigned char r[6] = {0};
    if (getrandom(r, sizeof(r), 0) != (ssize_t)sizeof(r)) {
        unsigned long v = (unsigned long)getpid() ^ (unsigned long)(uintptr_t)t;
        for (size_t i = 0; i < sizeof(r); i++)
            r[i] = (unsigned char)(v >> (i * 5));
    }
    char *x = t + strlen(t) - 6;
    for (size_t i = 0; i < 6; i++)
        x[i] = alphabet[r[i] % (sizeof(alphabet) - 1)];
}

static mode_t current_umask(void)
{
    mode_t m = umask(022);
    umask(m);
    return m;
}

/* The temporary file the report is written to: unnamed when the file
 * system can (nothing is left behind if the run is killed), else named. */
static int open_temp(cli_output *o, ld_error *err)
{
    int fd = open(o->dir, O_TMPFILE | O_WRONLY | O_CLOEXEC, 0644);
    if (fd >= 0) {
        o->unnamed = true;
    } else if (errno == EOPNOTSUPP || errno == EISDIR || errno == EINVAL) {
        o->tmp = temp_template(o);
        fd = mkostemp(o->tmp, O_CLOEXEC);
        if (fd < 0) {
            int e = errno;
            free(o->tmp);
            o->tmp = NULL;
            return ld_error_set_errno(err, LD_ERR_INVALID, e,
                                      "cannot write the report to %s: cannot create a file in %s",
                                      o->path, o->dir);
        }
        fchmod(fd, 0644 & ~current_umask());
    } else {
        return ld_error_set_errno(err, LD_ERR_INVALID, errno,
                                  "cannot write the report to %s: cannot create a file in %s",
                                  o->path, o->dir);
    }
    /* replacing a report keeps its permissions (and, for root, its owner),
     * as writing it in place did */
    struct stat old;
    if (lstat(o->path, &old) == 0 && S_ISREG(old.st_mode)) {
        fchmod(fd, old.st_mode & 0777);
        if (geteuid() == 0 && fchown(fd, old.st_uid, old.st_gid) != 0) {
            /* the new file stays root's: still the report */
        }
    }
    o->f = fdopen(fd, "w");
    if (!o->f) {
        int e = errno;
        close(fd);
        o->f = stdout;
        if (o->tmp)
            unlink(o->tmp);
        return ld_error_set_errno(err, LD_ERR_NOMEM, e, "cannot write the report to %s", o->path);
    }
    return 0;
}

int cli_output_open(cli_output *o, const char *cmd, const cli_common *opt, ld_error *err)
{
    return cli_output_open_path(o, cmd, opt, opt->output, err);
}

int cli_output_open_path(cli_output *o, const char *cmd, const cli_common *opt, const char *path,
                         ld_error *err)
{
    memset(o, 0, sizeof(*o));
    o->f = stdout;
    o->cmd = cmd;
    o->opt = opt;
    if (!path || strcmp(path, "-") == 0)
        return 0;
    o->path = path;
    int rc = check_target(o, &o->stream, err);
    if (rc < 0) {
        o->path = NULL;
        o->state = OUT_ABORTED;
        return rc;
    }
    if (o->stream)
        rc = open_stream(o, err);
    else {
        char *copy = ld_xstrdup(o->path);
        o->dir = ld_xstrdup(dirname(copy));
        free(copy);
        rc = open_temp(o, err);
    }
    if (rc < 0) {
        free(o->dir);
        o->dir = NULL;
        o->path = NULL;
        o->state = OUT_ABORTED;
    }
    return rc;
}

/* Gives the unnamed temporary file a name in the directory: linkat by fd
 * (needs CAP_DAC_READ_SEARCH), else through /proc, else a copy into a
 * named temporary file. */
static int name_temp(cli_output *o, ld_error *err)
{
    int fd = fileno(o->f);
    char *t = temp_template(o);
    char proc[64];
    snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
    for (int tries = 0; tries < 64; tries++) {
        random_name(t);
        if (linkat(fd, "", AT_FDCWD, t, AT_EMPTY_PATH) == 0 ||
            linkat(AT_FDCWD, proc, AT_FDCWD, t, AT_SYMLINK_FOLLOW) == 0) {
            o->tmp = t;
            return 0;
        }
        if (errno != EEXIST)
            break;
    }
    /* no way to link it: copy what was written into a named file */
    free(t);
    o->tmp = temp_template(o);
    int out = mkostemp(o->tmp, O_CLOEXEC);
    if (out < 0) {
        free(o->tmp);
        o->tmp = NULL;
        return ld_error_set_errno(err, LD_ERR_GENERIC, errno,
                                  "cannot write the report to %s: cannot create a file in %s",
                                  o->path, o->dir);
    }
    struct stat st;
    if (fstat(fd, &st) == 0)
        fchmod(out, st.st_mode & 0777);
    char buf[1 << 16];
    off_t off = 0;
    int rc = 0;
    for (;;) {
        ssize_t n = pread(fd, buf, sizeof(buf), off);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            if (n < 0)
                rc = ld_error_set_errno(err, LD_ERR_GENERIC, errno, "cannot write the report to %s",
                                        o->path);
            break;
        }
        for (ssize_t w = 0; w < n && rc == 0;) {
            ssize_t k = write(out, buf + w, (size_t)(n - w));
            if (k < 0 && errno == EINTR)
                continue;
            if (k < 0)
                rc = ld_error_set_errno(err, LD_ERR_GENERIC, errno, "cannot write the report to %s",
                                        o->path);
            else
                w += k;
        }
        if (rc < 0)
            break;
        off += n;
    }
    if (close(out) != 0 && rc == 0)
        rc = ld_error_set_errno(err, LD_ERR_GENERIC, errno, "cannot write the report to %s",
                                o->path);
    return rc;
}

int cli_output_commit(cli_output *o, ld_error *err)
{
    if (o->state == OUT_COMMITTED)
        return 0;
    if (o->state == OUT_ABORTED)
        return ld_error_set(err, LD_ERR_GENERIC, "internal: the report output was dropped");
    if (fflush(o->f) != 0 || ferror(o->f)) {
        int e = errno;
        cli_output_abort(o);
        return ld_error_set_errno(err, LD_ERR_GENERIC, e, "cannot write the report to %s",
                                  o->path ? o->path : "stdout");
    }
    if (!o->path) {
        o->state = OUT_COMMITTED;
        return 0;
    }
    if (o->stream) {
        int rc = fclose(o->f) == 0 ? 0
                                   : ld_error_set_errno(err, LD_ERR_GENERIC, errno,
                                                        "cannot write the report to %s", o->path);
        o->f = NULL;
        o->state = rc < 0 ? OUT_ABORTED : OUT_COMMITTED;
        return rc;
    }
    /* FILE may have changed during the run: check it again */
    bool stream = false;
    int rc = check_target(o, &stream, err);
    if (rc == 0 && stream)
        rc = ld_error_set(err, LD_ERR_INVALID,
                          "refusing to write the report to %s: it became a device or a FIFO "
                          "during the run",
                          o->path);
    if (rc == 0 && o->unnamed)
        rc = name_temp(o, err);
    if (fclose(o->f) != 0 && rc == 0)
        rc = ld_error_set_errno(err, LD_ERR_GENERIC, errno, "cannot write the report to %s",
                                o->path);
    o->f = NULL;
    if (rc == 0 && rename(o->tmp, o->path) != 0)
        rc = ld_error_set_errno(err, LD_ERR_GENERIC, errno, "cannot write the report to %s",
                                o->path);
    if (rc < 0 && o->tmp)
        unlink(o->tmp);
    free(o->tmp);
    free(o->dir);
    o->tmp = o->dir = NULL;
    o->state = rc < 0 ? OUT_ABORTED : OUT_COMMITTED;
    return rc;
}

void cli_output_abort(cli_output *o)
{
    if (o->state != OUT_OPEN)
        return;
    if (o->path && o->f)
        fclose(o->f);
    else if (o->f)
        fflush(o->f);
    o->f = NULL;
    if (o->tmp)
        unlink(o->tmp);
    free(o->tmp);
    free(o->dir);
    o->tmp = o->dir = NULL;
    o->state = OUT_ABORTED;
}
