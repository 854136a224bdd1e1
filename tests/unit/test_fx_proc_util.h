/* Helpers of the process and socket collector tests (test_fx_proc_collect.c,
 * test_fx_sockets.c): a bundle in a temporary directory, reading an
 * artifact back, writing files of a fake /proc tree, and running the docker
 * CLI (argv only) for the tests that use the real engine. Include after
 * cmocka.h and test_skip.h. */
#ifndef LD_TEST_FX_PROC_UTIL_H
#define LD_TEST_FX_PROC_UTIL_H

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "forensics/bundle.h"
#include "util/child_run.h"
#include "util/mem.h"

typedef struct {
    char tmp[64]; /* the temporary directory */
    char dir[96]; /* the bundle in it */
    ld_fx_bundle *b;
} fxt_bundle;

static inline void fxt_bundle_open(fxt_bundle *t)
{
    snprintf(t->tmp, sizeof t->tmp, "/tmp/ld-fxproc-XXXXXX");
    if (!mkdtemp(t->tmp))
        fail_msg("mkdtemp: %s", strerror(errno));
    snprintf(t->dir, sizeof t->dir, "%s/bundle", t->tmp);
    ld_error err = LD_ERROR_INIT;
    t->b = ld_fx_bundle_create(t->dir, &err);
    if (!t->b)
        fail_msg("bundle: %s", err.msg);
}

static inline int fxt_rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    remove(path);
    return 0;
}

static inline void fxt_rm_tree(const char *path)
{
    nftw(path, fxt_rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static inline void fxt_bundle_close(fxt_bundle *t)
{
    ld_fx_bundle_free(t->b);
    t->b = NULL;
    fxt_rm_tree(t->tmp);
}

/* A whole file (NUL added); fails the test when it cannot be read. */
static inline char *fxt_read(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        fail_msg("%s: %s", path, strerror(errno));
    size_t cap = 4096, n = 0;
    char *buf = ld_xmalloc(cap);
    for (;;) {
        if (n + 1 >= cap) {
            cap *= 2;
            buf = ld_xrealloc(buf, cap);
        }
        size_t got = fread(buf + n, 1, cap - n - 1, f);
        if (got == 0)
            break;
        n += got;
    }
    fclose(f);
    buf[n] = '\0';
    if (len)
        *len = n;
    return buf;
}

/* The artifact relpath of the bundle, read back. */
static inline char *fxt_read_artifact(const fxt_bundle *t, const char *relpath, size_t *len)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", t->dir, relpath);
    return fxt_read(path, len);
}

/* The recorded entry for relpath, or NULL. */
static inline const ld_fx_entry *fxt_entry(const fxt_bundle *t, const char *relpath)
{
    size_t n;
    const ld_fx_entry *e = ld_fx_bundle_entries(t->b, &n);
    for (size_t i = 0; i < n; i++)
        if (strcmp(e[i].path, relpath) == 0)
            return &e[i];
    return NULL;
}

/* Does any bundle note contain text? */
static inline bool fxt_has_note(const fxt_bundle *t, const char *text)
{
    size_t n;
    const char *const *notes = ld_fx_bundle_notes(t->b, &n);
    for (size_t i = 0; i < n; i++)
        if (strstr(notes[i], text))
            return true;
    return false;
}

/* Writes a file of a fake tree (parents made). */
static inline void fxt_write(const char *root, const char *rel, const void *data, size_t len)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", root, rel);
    for (char *p = path + 1; (p = strchr(p, '/')) != NULL; p++) {
        *p = '\0';
        mkdir(path, 0755);
        *p = '/';
    }
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        fail_msg("%s: %s", path, strerror(errno));
    if (len && write(fd, data, len) != (ssize_t)len)
        fail_msg("%s: short write", path);
    close(fd);
}

static inline void fxt_write_str(const char *root, const char *rel, const char *text)
{
    fxt_write(root, rel, text, strlen(text));
}

/* A symbolic link of a fake tree (parents made). */
static inline void fxt_symlink(const char *root, const char *rel, const char *target)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", root, rel);
    for (char *p = path + 1; (p = strchr(p, '/')) != NULL; p++) {
        *p = '\0';
        mkdir(path, 0755);
        *p = '/';
    }
    if (symlink(target, path) != 0)
        fail_msg("symlink %s: %s", path, strerror(errno));
}

/* Runs docker with argv (argv[0] "docker"); 0 and its stdout (trimmed;
 * caller frees) when it exits 0, else -1 (out NULL). */
static inline int fxt_docker(char *const *argv, char **out)
{
    ld_child_spec spec = {.program = "docker",
                          .argv = argv,
                          .stdout_max = 1 << 20,
                          .stderr_max = 4096,
                          .timeout_ms = 60000};
    ld_child_result res;
    if (out)
        *out = NULL;
    if (ld_child_run(&spec, &res) != 0) {
        ld_child_result_clear(&res);
        return -1;
    }
    bool ok = res.exited && WIFEXITED(res.status) && WEXITSTATUS(res.status) == 0;
    if (ok && out) {
        char *s = res.out ? ld_xstrdup(res.out) : ld_xstrdup("");
        size_t n = strlen(s);
        while (n && (s[n - 1] == '\n' || s[n - 1] == ' '))
            s[--n] = '\0';
        *out = s;
    }
    ld_child_result_clear(&res);
    return ok ? 0 : -1;
}

#endif
