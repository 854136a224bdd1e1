/* Unit test for the process table's indexes (docker/proc_facts.c): a
 * generated /proc of 1,580 processes sharing the host's pid namespace (the
 * containers run with --pid=host, so their processes are found by descent
 * from their init) and 10,000 containers looked up in it must take well
 * under a second — walking up the parent chain with a linear search per
 * step made this 27 s (issue 11) — and still count exactly each init's own
 * descendants: not its siblings, not the host's, an sshd only where one
 * runs, also past a generation deep chain. */
#define _XOPEN_SOURCE 700
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "docker/proc_facts.h"

#define INITS 100        /* container init processes */
#define CHAIN 14         /* descendants under each init, one below the other */
#define HOST_EXTRA 79    /* host processes beside pid 1 */
#define CONTAINERS 10000 /* containers looked up (CONTAINERS / INITS per init) */
#define SSHD_INIT 7      /* the init whose chain holds an sshd */
/* 1 s; under AddressSanitizer 3 s, as tests/e2e/hostile.sh scales its
 * bounds (GCC defines __SANITIZE_ADDRESS__, clang has the feature test) */
#if defined(__SANITIZE_ADDRESS__)
#define TIME_BOUND_S 3.0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define TIME_BOUND_S 3.0
#endif
#endif
#ifndef TIME_BOUND_S
#define TIME_BOUND_S 1.0
#endif

static char root[] = "/tmp/ld-procindex-XXXXXX";
static char proc_dir[256];

static void put(const char *rel, const char *text)
{
    char p[512];
    snprintf(p, sizeof(p), "%s/%s", proc_dir, rel);
    FILE *f = fopen(p, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

/* PID/stat, PID/ns/pid (a hard link to the host's: one pid namespace). */
static void process(long pid, const char *comm, long ppid)
{
    char rel[512], text[128];
    snprintf(rel, sizeof(rel), "%s/%ld", proc_dir, pid);
    assert_int_equal(mkdir(rel, 0755), 0);
    snprintf(rel, sizeof(rel), "%s/%ld/ns", proc_dir, pid);
    assert_int_equal(mkdir(rel, 0755), 0);
    snprintf(rel, sizeof(rel), "%ld/stat", pid);
    snprintf(text, sizeof(text), "%ld (%s) S %ld %ld %ld 0 -1\n", pid, comm, ppid, pid, pid);
    put(rel, text);
    if (pid == 1) {
        put("1/ns/pid", "host pid namespace\n");
    } else {
        char a[512], b[512];
        snprintf(a, sizeof(a), "%s/1/ns/pid", proc_dir);
        snprintf(b, sizeof(b), "%s/%ld/ns/pid", proc_dir, pid);
        assert_int_equal(link(a, b), 0);
    }
}

static long init_pid(int c)
{
    return 10000 + c * 20L;
}

static void container_id(int k, char id[65])
{
    snprintf(id, 65, "%016x%048x", 0xc0de0000u + (unsigned)k, 0u);
}

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

static int setup(void **state)
{
    (void)state;
    if (!mkdtemp(root))
        return -1;
    snprintf(proc_dir, sizeof(proc_dir), "%s/proc", root);
    mkdir(proc_dir, 0755);
    process(1, "systemd", 0);
    for (int h = 0; h < HOST_EXTRA; h++)
        process(2 + h, h == 0 ? "sshd" : "kworker", 1); /* the host's own sshd */
    size_t cg_cap = (size_t)(CONTAINERS / INITS) * 80 + 1;
    char *cgroup = malloc(cg_cap);
    for (int c = 0; c < INITS; c++) {
        long init = init_pid(c);
        process(init, "containerd-shim", 1);
        for (int k = 1; k <= CHAIN; k++)
            process(init + k, c == SSHD_INIT && k == CHAIN ? "sshd" : "worker", init + k - 1);
        /* every container mapped to this init is named by its cgroup file */
        size_t n = 0;
        for (int k = c; k < CONTAINERS; k += INITS) {
            char id[65];
            container_id(k, id);
            n += (size_t)snprintf(cgroup + n, cg_cap - n, "0::/docker/%s\n", id);
        }
        char rel[64];
        snprintf(rel, sizeof(rel), "%ld/cgroup", init);
        put(rel, cgroup);
        snprintf(rel, sizeof(rel), "%ld/status", init);
        put(rel, "Name:\tshim\nUid:\t0\t0\t0\t0\n");
    }
    free(cgroup);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    return nftw(root, remove_one, 16, FTW_DEPTH | FTW_PHYS);
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void test_ten_thousand_containers(void **state)
{
    (void)state;
    ld_proc_table t;
    assert_int_equal(ld_proc_scan(proc_dir, &t), 0);
    assert_int_equal(t.n, 1 + HOST_EXTRA + INITS * (CHAIN + 1)); /* 1,580 */
    double t0 = now_s();
    size_t with_sshd = 0;
    for (int k = 0; k < CONTAINERS; k++) {
        char id[65];
        container_id(k, id);
        ld_container_procs p;
        ld_container_procs_get(&t, init_pid(k % INITS), id, &p);
        if (p.state != LD_PROCS_KNOWN)
            fail_msg("container %d: %s", k, p.why);
        if (p.nproc != CHAIN + 1)
            fail_msg("container %d: %zu processes, expected %d", k, p.nproc, CHAIN + 1);
        if (p.sshd) {
            assert_int_equal(k % INITS, SSHD_INIT);
            assert_int_equal(p.sshd_pid, init_pid(SSHD_INIT) + CHAIN);
            with_sshd++;
        }
    }
    double took = now_s() - t0;
    size_t n = t.n;
    ld_proc_table_clear(&t);
    assert_int_equal(with_sshd, CONTAINERS / INITS);
    if (took > TIME_BOUND_S)
        fail_msg("%d containers over %zu processes took %.2f s (bound %.0f s)", CONTAINERS, n, took,
                 TIME_BOUND_S);
}

/* A table filled by hand (no scan) is indexed on the way: same answer. */
static void test_table_filled_by_hand(void **state)
{
    (void)state;
    ld_proc_table t;
    assert_int_equal(ld_proc_scan(proc_dir, &t), 0);
    free(t.by_pid);
    free(t.by_ppid);
    t.by_pid = t.by_ppid = NULL;
    char id[65];
    container_id(SSHD_INIT, id);
    ld_container_procs p;
    ld_container_procs_get(&t, init_pid(SSHD_INIT), id, &p);
    assert_int_equal(p.state, LD_PROCS_KNOWN);
    assert_int_equal(p.nproc, CHAIN + 1);
    assert_true(p.sshd);
    ld_proc_table_clear(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ten_thousand_containers),
        cmocka_unit_test(test_table_filled_by_hand),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
