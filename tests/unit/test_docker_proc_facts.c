/* Unit tests for container process facts (docker/proc_facts.c) on a
 * hand-built /proc tree: a container's init proven by its cgroup (or
 * cpuset) naming the container id, its processes found through its pid
 * namespace, an sshd among them, the uid of its init; and every way the
 * facts must stay unobserved — a State.Pid that belongs to another
 * container or to nothing, a /proc that cannot be read. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "docker/proc_facts.h"

#define CID "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define OTHER "fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210"

static char root[] = "/tmp/ld-procfacts-XXXXXX";
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

static void dir(const char *rel)
{
    char p[512];
    snprintf(p, sizeof(p), "%s/%s", proc_dir, rel);
    assert_int_equal(mkdir(p, 0755), 0);
}

static void link_ns(const char *from_pid, const char *to_pid)
{
    char a[512], b[512];
    snprintf(a, sizeof(a), "%s/%s/ns/pid", proc_dir, from_pid);
    snprintf(b, sizeof(b), "%s/%s/ns/pid", proc_dir, to_pid);
    assert_int_equal(link(a, b), 0); /* same inode: same pid namespace */
}

static int setup(void **state)
{
    (void)state;
    if (!mkdtemp(root))
        return -1;
    snprintf(proc_dir, sizeof(proc_dir), "%s/proc", root);
    mkdir(proc_dir, 0755);
    /* the host's init */
    dir("1");
    dir("1/ns");
    put("1/stat", "1 (systemd) S 0 1 1 0 -1\n");
    put("1/ns/pid", "host pid namespace\n");
    /* a container's init (4242) and an sshd child in its namespace (4243) */
    dir("4242");
    dir("4242/ns");
    put("4242/stat", "4242 (sleep) S 4200 4242 4242 0 -1\n");
    put("4242/ns/pid", "container pid namespace\n");
    put("4242/status", "Name:\tsleep\nUmask:\t0022\nState:\tS\nUid:\t0\t0\t0\t0\n");
    put("4242/cgroup", "12:pids:/docker/" CID "\n0::/docker/" CID "\n");
    dir("4243");
    dir("4243/ns");
    put("4243/stat", "4243 (sshd) S 4242 4242 4242 0 -1\n");
    link_ns("4242", "4243");
    /* a process of the host reusing a pid a stale inspect still names */
    dir("5000");
    dir("5000/ns");
    put("5000/stat", "5000 (bash) S 1 5000 5000 0 -1\n");
    link_ns("1", "5000");
    put("5000/status", "Name:\tbash\nUid:\t1000\t1000\t1000\t1000\n");
    put("5000/cgroup", "0::/user.slice/user-1000.slice/session-1.scope\n");
    /* a container proven by cpuset only (cgroup v1 without the id in cgroup) */
    dir("6000");
    dir("6000/ns");
    put("6000/stat", "6000 (nginx) S 5990 6000 6000 0 -1\n");
    put("6000/ns/pid", "third pid namespace\n");
    put("6000/status", "Name:\tnginx\nUid:\t101\t101\t101\t101\n");
    put("6000/cgroup", "1:name=systemd:/\n");
    put("6000/cpuset", "/docker/" OTHER "\n");
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    char path[600];
    /* remove the tree: files first, then directories, deepest first */
    static const char *const files[] = {
        "1/stat",    "1/ns/pid",    "4242/stat",   "4242/ns/pid", "4242/status", "4242/cgroup",
        "4243/stat", "4243/ns/pid", "5000/stat",   "5000/ns/pid", "5000/status", "5000/cgroup",
        "6000/stat", "6000/ns/pid", "6000/status", "6000/cgroup", "6000/cpuset",
    };
    for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
        snprintf(path, sizeof(path), "%s/%s", proc_dir, files[i]);
        unlink(path);
    }
    static const char *const dirs[] = {"1/ns", "1",       "4242/ns", "4242",    "4243/ns",
                                       "4243", "5000/ns", "5000",    "6000/ns", "6000"};
    for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
        snprintf(path, sizeof(path), "%s/%s", proc_dir, dirs[i]);
        rmdir(path);
    }
    rmdir(proc_dir);
    rmdir(root);
    return 0;
}

static void test_proven_container(void **state)
{
    (void)state;
    ld_proc_table t;
    assert_int_equal(ld_proc_scan(proc_dir, &t), 0);
    ld_container_procs p;
    ld_container_procs_get(&t, 4242, CID, &p);
    assert_int_equal(p.state, LD_PROCS_KNOWN);
    assert_int_equal(p.nproc, 2);
    assert_true(p.sshd);
    assert_int_equal(p.sshd_pid, 4243);
    assert_true(p.uid_known);
    assert_int_equal(p.uid, 0);
    /* proven through cpuset */
    ld_container_procs_get(&t, 6000, OTHER, &p);
    assert_int_equal(p.state, LD_PROCS_KNOWN);
    assert_int_equal(p.uid, 101);
    assert_false(p.sshd);
    ld_proc_table_clear(&t);
}

/* A State.Pid whose cgroup does not name the container is not the
 * container's: no sshd or uid verdict may come from it. */
static void test_unproven_pid(void **state)
{
    (void)state;
    ld_proc_table t;
    assert_int_equal(ld_proc_scan(proc_dir, &t), 0);
    ld_container_procs p;
    ld_container_procs_get(&t, 5000, CID, &p); /* a host shell, not the container */
    assert_int_equal(p.state, LD_PROCS_UNOBSERVED);
    assert_false(p.uid_known);
    assert_non_null(strstr(p.why, "not proven"));
    ld_container_procs_get(&t, 4242, OTHER, &p); /* another container's init */
    assert_int_equal(p.state, LD_PROCS_UNOBSERVED);
    assert_false(p.sshd);
    ld_container_procs_get(&t, 4242, "", &p); /* no id to prove it with */
    assert_int_equal(p.state, LD_PROCS_UNOBSERVED);
    ld_container_procs_get(&t, 9999, CID, &p); /* gone */
    assert_int_equal(p.state, LD_PROCS_UNOBSERVED);
    ld_container_procs_get(&t, 0, CID, &p); /* not running */
    assert_int_equal(p.state, LD_PROCS_NOT_RUNNING);
    ld_proc_table_clear(&t);
}

static void test_proc_unreadable(void **state)
{
    (void)state;
    ld_proc_table t;
    assert_int_equal(ld_proc_scan("/nonexistent/proc", &t), -1);
    ld_container_procs p;
    ld_container_procs_get(&t, 4242, CID, &p);
    assert_int_equal(p.state, LD_PROCS_UNOBSERVED);
    assert_non_null(strstr(p.why, "cannot read /nonexistent/proc"));
    ld_container_procs_get(&t, 0, CID, &p);
    assert_int_equal(p.state, LD_PROCS_NOT_RUNNING);
    ld_proc_table_clear(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_proven_container),
        cmocka_unit_test(test_unproven_pid),
        cmocka_unit_test(test_proc_unreadable),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
