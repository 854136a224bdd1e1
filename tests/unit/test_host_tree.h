/* Fake host trees for the host hardening unit tests (test_host_immutable.c,
 * test_auth_audit.c, test_container_files.c): a fresh directory per test,
 * files written with a mode, directories made on the way, removed with
 * `rm -rf` (exec with argv) at the end; and lookups of the finding a check
 * emitted. Header-only: each test includes it once. */
#ifndef LD_TEST_HOST_TREE_H
#define LD_TEST_HOST_TREE_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/catalog.h"
#include "core/findings.h"

/* A new empty directory (static buffer per call site is the caller's). */
static inline void tree_new(char *buf, size_t cap, const char *tag)
{
    snprintf(buf, cap, "/tmp/ld-%s-XXXXXX", tag);
    if (!mkdtemp(buf))
        abort();
}

/* mkdir -p of an absolute path, 0755 for what it makes. */
static inline void tree_mkdir_p(const char *abs)
{
    char p[4096];
    snprintf(p, sizeof(p), "%s", abs);
    for (char *s = p + 1; *s; s++)
        if (*s == '/') {
            *s = '\0';
            mkdir(p, 0755);
            *s = '/';
        }
    mkdir(p, 0755);
}

static inline void tree_mkdirs(const char *root, const char *rel, mode_t mode)
{
    char p[4096];
    snprintf(p, sizeof(p), "%s/%s", root, rel[0] == '/' ? rel + 1 : rel);
    tree_mkdir_p(p);
    chmod(p, mode);
}

/* Writes text to ROOT/rel with mode, making the directories above it. */
static inline void tree_write(const char *root, const char *rel, const char *text, mode_t mode)
{
    char p[4096];
    snprintf(p, sizeof(p), "%s/%s", root, rel[0] == '/' ? rel + 1 : rel);
    char *slash = strrchr(p, '/');
    *slash = '\0';
    tree_mkdir_p(p);
    *slash = '/';
    FILE *f = fopen(p, "w");
    if (!f)
        abort();
    fputs(text, f);
    fclose(f);
    chmod(p, mode);
}

static inline void tree_chmod(const char *root, const char *rel, mode_t mode)
{
    char p[4096];
    snprintf(p, sizeof(p), "%s/%s", root, rel[0] == '/' ? rel + 1 : rel);
    if (chmod(p, mode) < 0)
        abort();
}

static inline void tree_symlink(const char *root, const char *rel, const char *target)
{
    char p[4096];
    snprintf(p, sizeof(p), "%s/%s", root, rel[0] == '/' ? rel + 1 : rel);
    if (symlink(target, p) < 0)
        abort();
}

static inline void tree_remove(const char *root)
{
    pid_t pid = fork();
    if (pid == 0) {
        execlp("rm", "rm", "-rf", root, (char *)NULL);
        _exit(127);
    }
    int st = 0;
    waitpid(pid, &st, 0);
}

/* The finding of check_id in fs (the first), or NULL. */
static inline const ld_finding *tree_finding(const ld_findings *fs, const char *check_id)
{
    for (size_t i = 0; i < fs->n; i++)
        if (strcmp(fs->v[i]->check_id, check_id) == 0)
            return fs->v[i];
    return NULL;
}

#endif
