/* Runs one helper program to completion under limits, for the code that
 * asks an outside program for a credential (docker-credential-NAME, a
 * kubeconfig exec plugin). The program is run with an argv and an
 * environment, never through a shell, in its own process group with the
 * default signal mask and dispositions; its stdin is a given buffer (or
 * /dev/null), its stdout is kept up to a cap and the first bytes of its
 * stderr are kept (the rest is read and dropped, so it never blocks on a
 * full pipe). At the deadline, or as soon as stdout goes over its cap, the
 * whole group is killed with SIGKILL and the child reaped. Captured output
 * is wiped from memory when freed: it may hold a secret. */
#ifndef LD_UTIL_CHILD_RUN_H
#define LD_UTIL_CHILD_RUN_H

#include <stdbool.h>
#include <stddef.h>

typedef struct {
    /* with a '/': run as it is; without: looked up on PATH */
    const char *program;
    char *const *argv;      /* argv[0] included, NULL-terminated */
    char *const *envp;      /* NULL: this process's environment */
    const char *stdin_data; /* NULL: stdin is /dev/null */
    size_t stdin_len;       /* what it does not read is dropped */
    size_t stdout_max;      /* bytes of stdout kept; more kills it */
    size_t stderr_max;      /* first bytes of stderr kept */
    long timeout_ms;        /* from the start to the kill */
} ld_child_spec;

typedef struct {
    int spawn_errno;  /* not 0: it never ran (no such program, no pipe ...) */
    bool exited;      /* it ended by itself and was reaped: status is its own */
    bool timed_out;   /* the deadline passed: killed */
    bool stdout_over; /* more than stdout_max on stdout: killed */
    int status;       /* waitpid status (after a kill: the kill's) */
    char *out, *err;  /* NUL-terminated captures, NULL when empty */
    size_t out_len, err_len;
} ld_child_result;

/* Runs spec to completion; fills res (zeroed first). Returns 0, or the
 * errno that kept it from starting (also in res->spawn_errno). */
int ld_child_run(const ld_child_spec *spec, ld_child_result *res);

/* Wipes and frees the captures; res is zeroed. */
void ld_child_result_clear(ld_child_result *res);

#endif
