/* Unit tests for lockdown watch's process table (runtime/process_table.c)
 * and user names (runtime/user_names.c), over a fake /proc tree under a
 * temp dir and the real /proc of children this test forks: a miss reads
 * /proc once and a known pid never again (100,000 events, no read); events
 * complete from the table (exe, cmdline, parent, tty, cgroup); exec, clone
 * and exit update it; ancestors resolve, stop at the root and at loops;
 * exited entries stay 5 s (a fake clock) and then go; the table stays
 * within max_entries, evicting exited entries first, then the least
 * recently used; a process gone before /proc was read keeps what its
 * event said; user names from the host's passwd (hostile lines skipped)
 * and from a process's own root, which a planted link cannot leave. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "runtime/process_table.h"
#include "runtime/user_names.h"
#include "util/mem.h"

#define CID "fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210"

static char dir[] = "/tmp/ld-proc-table-test.XXXXXX";
static uint64_t fake_now = 1000000;

static uint64_t fake_clock(void *ctx)
{
    (void)ctx;
    return fake_now;
}

static void run_rm(const char *path)
{
    pid_t pid = fork();
    if (pid == 0) {
        execlp("rm", "rm", "-rf", path, (char *)NULL);
        _exit(127);
    }
    waitpid(pid, NULL, 0);
}

static char *at(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *at(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *rel = ld_xvasprintf(fmt, ap);
    va_end(ap);
    char *p = ld_xasprintf("%s/%s", dir, rel);
    free(rel);
    return p;
}

static void mkdirs(const char *abs)
{
    char *p = ld_xstrdup(abs);
    for (char *s = p + 1; *s; s++)
        if (*s == '/') {
            *s = '\0';
            mkdir(p, 0755);
            *s = '/';
        }
    mkdir(p, 0755);
    free(p);
}

static void put(const char *abs, const void *data, size_t len)
{
    FILE *f = fopen(abs, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, len, f), len);
    fclose(f);
}

/* A process in the fake /proc: stat, status, cmdline (argv NUL-joined from
 * a space-separated string), exe link, cgroup. */
static void fake_proc(int pid, int ppid, const char *comm, const char *args, const char *exe)
{
    char *base = at("proc/%d", pid);
    run_rm(base);
    mkdirs(base);
    char *p = ld_xasprintf("%s/stat", base);
    char *text = ld_xasprintf("%d (%s) S %d %d %d 34816 -1 0\n", pid, comm, ppid, pid, pid);
    put(p, text, strlen(text));
    free(p);
    free(text);
    p = ld_xasprintf("%s/status", base);
    text = ld_xasprintf("Name:\t%s\nUid:\t1000\t1000\t1000\t1000\nGid:\t1000\t1000\t1000\t1000\n",
                        comm);
    put(p, text, strlen(text));
    free(p);
    free(text);
    p = ld_xasprintf("%s/cmdline", base);
    char *argv = ld_xstrdup(args);
    for (char *s = argv; *s; s++)
        if (*s == ' ')
            *s = '\0';
    put(p, argv, strlen(args) + 1);
    free(argv);
    free(p);
    p = ld_xasprintf("%s/exe", base);
    assert_int_equal(symlink(exe, p), 0);
    free(p);
    p = ld_xasprintf("%s/cgroup", base);
    const char *cg = "0::/docker/" CID "\n";
    put(p, cg, strlen(cg));
    free(p);
    p = ld_xasprintf("%s/loginuid", base);
    put(p, "4294967295", 10);
    free(p);
    free(base);
}

static void drop_proc(int pid)
{
    char *base = at("proc/%d", pid);
    run_rm(base);
    free(base);
}

static ld_rt_proc_table *new_table(size_t max)
{
    char *proc = at("proc"), *cg = at("cg"), *pw = at("passwd");
    ld_rt_proc_table *t = ld_rt_proc_table_new_at(proc, cg, pw, max);
    assert_non_null(t);
    ld_rt_proc_table_set_clock(t, fake_clock, NULL);
    free(proc);
    free(cg);
    free(pw);
    return t;
}

static int setup(void **state)
{
    (void)state;
    if (!mkdtemp(dir))
        return -1;
    char *p = at("cg/unified/docker/" CID);
    mkdirs(p);
    free(p);
    p = at("cg/unified/cgroup.controllers");
    put(p, "cpu\n", 4);
    free(p);
    /* a family: 1 <- 10 <- 100 <- 1000 */
    fake_proc(1, 0, "init", "/sbin/init", "/usr/lib/systemd/systemd");
    fake_proc(10, 1, "containerd-shim", "shim -id x", "/usr/bin/containerd-shim-runc-v2");
    fake_proc(100, 10, "sh", "sh -c ./run", "/bin/busybox");
    fake_proc(1000, 100, "python3", "python3 app.py --port 80", "/usr/bin/python3.11");
    const char pw[] = "root:x:0:0:root:/root:/bin/bash\n"
                      "::5:5::/:\n"                /* empty name */
                      "bad:x:notanumber:0::/:\n"   /* uid not a number */
                      "huge:x:99999999999:0::/:\n" /* uid beyond uint32 */
                      "alice:x:1000:1000::/home/alice:/bin/sh\n"
                      "alice2:x:1000:1000::/:\n" /* a second name for 1000: the first wins */
                      "nocolon\n"
                      "bob:x:1001:1001::/home/bob:/bin/sh"; /* no final newline */
    p = at("passwd");
    put(p, pw, sizeof pw - 1);
    free(p);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    run_rm(dir);
    return 0;
}

static void event(ld_rt_event *e, ld_rt_evtype type, int32_t pid)
{
    memset(e, 0, sizeof *e);
    ld_rt_event_reset(e);
    e->type = type;
    e->pid = e->tid = pid;
}

/* ---- lookups ---- */

static void test_miss_reads_proc_once(void **state)
{
    (void)state;
    ld_rt_proc_table *t = new_table(0);
    const ld_rt_proc *p = ld_rt_proc_table_get(t, 1000);
    assert_non_null(p);
    assert_string_equal(p->comm, "python3");
    assert_string_equal(p->cmdline, "python3 app.py --port 80");
    assert_string_equal(p->exepath, "/usr/bin/python3.11");
    assert_int_equal(p->ppid, 100);
    assert_int_equal(p->uid, 1000);
    assert_int_equal(p->tty, 34816);
    char *cgdir = at("cg/unified/docker/" CID);
    struct stat st;
    assert_int_equal(stat(cgdir, &st), 0);
    free(cgdir);
    assert_int_equal(p->cgroup_id, (uint64_t)st.st_ino);
    assert_int_equal(ld_rt_proc_table_proc_reads(t), 1);

    /* a known pid: events never read /proc again, however many */
    ld_rt_event e;
    for (int i = 0; i < 100000; i++) {
        event(&e, LD_EVT_OPENAT, 1000);
        ld_rt_proc_table_observe(t, &e);
    }
    assert_int_equal(ld_rt_proc_table_proc_reads(t), 1);
    /* and the event was completed from the table */
    assert_string_equal(e.exepath, "/usr/bin/python3.11");
    assert_string_equal(e.cmdline, "python3 app.py --port 80");
    assert_string_equal(e.comm, "python3");
    assert_int_equal(e.ppid, 100);
    assert_int_equal(e.tty, 34816);
    assert_int_equal(e.cgroup_id, (uint64_t)st.st_ino);
    assert_int_equal(e.uid, 1000);

    /* unknown pids: NULL, and a second ask within a second does not read again */
    assert_null(ld_rt_proc_table_get(t, 4242));
    uint64_t reads = ld_rt_proc_table_proc_reads(t);
    assert_null(ld_rt_proc_table_get(t, 4242));
    assert_int_equal(ld_rt_proc_table_proc_reads(t), reads);
    fake_now += 1500;
    assert_null(ld_rt_proc_table_get(t, 4242));
    assert_int_equal(ld_rt_proc_table_proc_reads(t), reads + 1);
    assert_null(ld_rt_proc_table_get(t, 0));
    assert_null(ld_rt_proc_table_get(t, -1));
    ld_rt_proc_table_free(t);
}

static void test_event_fields_win(void **state)
{
    (void)state;
    ld_rt_proc_table *t = new_table(0);
    ld_rt_event e;
    event(&e, LD_EVT_CONNECT, 1000);
    snprintf(e.comm, sizeof e.comm, "py");
    snprintf(e.exepath, sizeof e.exepath, "/opt/py");
    e.uid = 0;
    e.ppid = 77;
    ld_rt_proc_table_observe(t, &e);
    /* what the event carries stays as it is */
    assert_string_equal(e.comm, "py");
    assert_string_equal(e.exepath, "/opt/py");
    assert_int_equal(e.uid, 0);
    assert_int_equal(e.ppid, 77);
    /* what it lacks comes from the table */
    assert_string_equal(e.cmdline, "python3 app.py --port 80");
    ld_rt_proc_table_free(t);
}

static void test_ancestors(void **state)
{
    (void)state;
    ld_rt_proc_table *t = new_table(0);
    const ld_rt_proc *a = ld_rt_proc_table_ancestor(t, 1000, 1);
    assert_non_null(a);
    assert_string_equal(a->comm, "sh");
    a = ld_rt_proc_table_ancestor(t, 1000, 2);
    assert_non_null(a);
    assert_string_equal(a->comm, "containerd-shim");
    a = ld_rt_proc_table_ancestor(t, 1000, 3);
    assert_non_null(a);
    assert_int_equal(a->pid, 1);
    assert_null(ld_rt_proc_table_ancestor(t, 1000, 4)); /* past the root */
    assert_null(ld_rt_proc_table_ancestor(t, 1000, 0));
    assert_null(ld_rt_proc_table_ancestor(t, 1000, -2));
    assert_null(ld_rt_proc_table_ancestor(t, 999999, 1));
    /* a hostile loop (two processes naming each other as parent) ends */
    fake_proc(2000, 2001, "a", "a", "/a");
    fake_proc(2001, 2000, "b", "b", "/b");
    a = ld_rt_proc_table_ancestor(t, 2000, 64);
    assert_non_null(a); /* 64 steps of the loop, bounded */
    assert_null(ld_rt_proc_table_ancestor(t, 2000, 65));
    /* a process that is its own parent */
    fake_proc(2002, 2002, "c", "c", "/c");
    assert_null(ld_rt_proc_table_ancestor(t, 2002, 1));
    drop_proc(2000);
    drop_proc(2001);
    drop_proc(2002);
    ld_rt_proc_table_free(t);
}

/* ---- exec, clone, exit ---- */

static void test_exec_clone_exit(void **state)
{
    (void)state;
    ld_rt_proc_table *t = new_table(0);
    ld_rt_event e;
    /* sh (100) forks 3000: the child is a copy of its parent */
    event(&e, LD_EVT_CLONE, 3000);
    e.ppid = 100;
    ld_rt_proc_table_observe(t, &e);
    const ld_rt_proc *c = ld_rt_proc_table_get(t, 3000);
    assert_non_null(c);
    assert_string_equal(c->comm, "sh");
    assert_string_equal(c->exepath, "/bin/busybox");
    assert_string_equal(c->cmdline, "sh -c ./run");
    assert_int_equal(c->ppid, 100);
    assert_false(c->exited);
    assert_string_equal(e.cmdline, "sh -c ./run");
    uint64_t reads = ld_rt_proc_table_proc_reads(t);

    /* it execs (the source said everything: no /proc read) */
    event(&e, LD_EVT_EXECVE, 3000);
    snprintf(e.comm, sizeof e.comm, "curl");
    snprintf(e.exepath, sizeof e.exepath, "/usr/bin/curl");
    snprintf(e.cmdline, sizeof e.cmdline, "curl http://x");
    e.ppid = 100;
    e.uid = e.euid = 33;
    e.exe_from_memfd = true;
    ld_rt_proc_table_observe(t, &e);
    assert_int_equal(ld_rt_proc_table_proc_reads(t), reads);
    c = ld_rt_proc_table_get(t, 3000);
    assert_string_equal(c->comm, "curl");
    assert_string_equal(c->exepath, "/usr/bin/curl");
    assert_string_equal(c->cmdline, "curl http://x");
    assert_int_equal(c->uid, 33);
    assert_true(c->exe_from_memfd);
    /* a child of the new program sees it as its parent */
    event(&e, LD_EVT_CLONE, 3001);
    e.ppid = 3000;
    ld_rt_proc_table_observe(t, &e);
    const ld_rt_proc *pp = ld_rt_proc_table_ancestor(t, 3001, 1);
    assert_non_null(pp);
    assert_string_equal(pp->comm, "curl");
    assert_string_equal(ld_rt_proc_table_ancestor(t, 3001, 2)->comm, "sh");

    /* it exits: kept 5 s for late records, then gone */
    event(&e, LD_EVT_PROCEXIT, 3000);
    ld_rt_proc_table_observe(t, &e);
    assert_string_equal(e.exepath, "/usr/bin/curl"); /* completed from the entry */
    c = ld_rt_proc_table_get(t, 3000);
    assert_non_null(c);
    assert_true(c->exited);
    size_t size = ld_rt_proc_table_size(t);
    fake_now += LD_RT_PROC_EXITED_KEEP_MS - 1;
    event(&e, LD_EVT_OPENAT, 3000); /* a late record */
    ld_rt_proc_table_observe(t, &e);
    assert_string_equal(e.cmdline, "curl http://x");
    assert_int_equal(ld_rt_proc_table_size(t), size);
    fake_now += 2;
    event(&e, LD_EVT_OPENAT, 100); /* any event ages the table (100 is known) */
    ld_rt_proc_table_observe(t, &e);
    assert_int_equal(ld_rt_proc_table_size(t), size - 1);
    assert_null(ld_rt_proc_table_get(t, 3000)); /* not in the fake /proc either */

    /* an exec of a pid never seen, without cmdline: read from /proc */
    reads = ld_rt_proc_table_proc_reads(t);
    event(&e, LD_EVT_EXECVE, 10);
    ld_rt_proc_table_observe(t, &e);
    assert_int_equal(ld_rt_proc_table_proc_reads(t), reads + 1);
    assert_string_equal(e.cmdline, "shim -id x");
    assert_string_equal(e.exepath, "/usr/bin/containerd-shim-runc-v2");
    assert_string_equal(e.comm, "containerd-shim");
    assert_int_equal(e.ppid, 1);
    assert_int_equal(e.uid, 1000);
    /* an exec of a known process without cmdline reads only what it lacks */
    event(&e, LD_EVT_EXECVE, 100);
    ld_rt_proc_table_observe(t, &e);
    assert_int_equal(ld_rt_proc_table_proc_reads(t), reads + 2);
    assert_string_equal(e.cmdline, "sh -c ./run");
    ld_rt_proc_table_free(t);
}

static void test_pid_reuse(void **state)
{
    (void)state;
    ld_rt_proc_table *t = new_table(0);
    ld_rt_event e;
    event(&e, LD_EVT_CLONE, 5000);
    e.ppid = 1000;
    ld_rt_proc_table_observe(t, &e);
    event(&e, LD_EVT_PROCEXIT, 5000);
    ld_rt_proc_table_observe(t, &e);
    /* a new process under the same pid, from another parent, while the old entry is kept */
    event(&e, LD_EVT_CLONE, 5000);
    e.ppid = 100;
    ld_rt_proc_table_observe(t, &e);
    const ld_rt_proc *p = ld_rt_proc_table_get(t, 5000);
    assert_false(p->exited);
    assert_int_equal(p->ppid, 100);
    assert_string_equal(p->comm, "sh");
    ld_rt_proc_table_free(t);
}

static void test_gone_before_read(void **state)
{
    (void)state;
    ld_rt_proc_table *t = new_table(0);
    ld_rt_event e;
    event(&e, LD_EVT_OPENAT, 7777); /* not in the fake /proc */
    snprintf(e.comm, sizeof e.comm, "ghost");
    e.ppid = 100;
    e.uid = 1000;
    ld_rt_proc_table_observe(t, &e);
    uint64_t reads = ld_rt_proc_table_proc_reads(t);
    assert_int_equal(reads, 1);
    const ld_rt_proc *p = ld_rt_proc_table_get(t, 7777);
    assert_non_null(p); /* what the event said is kept */
    assert_string_equal(p->comm, "ghost");
    assert_int_equal(p->ppid, 100);
    assert_true(p->exited);
    for (int i = 0; i < 1000; i++) {
        event(&e, LD_EVT_OPENAT, 7777);
        ld_rt_proc_table_observe(t, &e);
    }
    assert_int_equal(ld_rt_proc_table_proc_reads(t), reads);
    assert_string_equal(e.comm, "ghost");
    assert_int_equal(e.ppid, 100);
    assert_int_equal(e.uid, 1000);
    ld_rt_proc_table_free(t);
}

static void test_bounded_lru(void **state)
{
    (void)state;
    ld_rt_proc_table *t = new_table(16);
    ld_rt_event e;
    (void)ld_rt_proc_table_get(t, 1000);
    /* 100 children of 1000; a few exit early */
    for (int i = 0; i < 100; i++) {
        event(&e, LD_EVT_CLONE, 10000 + i);
        e.ppid = 1000;
        ld_rt_proc_table_observe(t, &e);
        (void)ld_rt_proc_table_get(t, 1000); /* the parent stays in use */
        assert_true(ld_rt_proc_table_size(t) <= 16);
    }
    assert_int_equal(ld_rt_proc_table_size(t), 16);
    assert_non_null(ld_rt_proc_table_get(t, 10099)); /* recent ones are there */
    assert_non_null(ld_rt_proc_table_get(t, 10090));
    uint64_t reads = ld_rt_proc_table_proc_reads(t);
    assert_non_null(ld_rt_proc_table_get(t, 1000));
    assert_int_equal(ld_rt_proc_table_proc_reads(t), reads); /* still known */
    assert_null(ld_rt_proc_table_get(t, 10000));             /* evicted (and not in /proc) */

    /* exited entries go before live ones */
    event(&e, LD_EVT_PROCEXIT, 10095);
    ld_rt_proc_table_observe(t, &e);
    event(&e, LD_EVT_CLONE, 20000);
    e.ppid = 1000;
    ld_rt_proc_table_observe(t, &e);
    assert_null(ld_rt_proc_table_get(t, 10095));
    assert_non_null(ld_rt_proc_table_get(t, 10090));
    assert_non_null(ld_rt_proc_table_get(t, 20000));
    ld_rt_proc_table_free(t);
}

static void test_many_entries_index(void **state)
{
    (void)state;
    /* index consistency under churn: insert, exit, age out, reinsert */
    ld_rt_proc_table *t = new_table(4096);
    ld_rt_event e;
    for (int round = 0; round < 5; round++) {
        for (int i = 0; i < 3000; i++) {
            event(&e, LD_EVT_CLONE, 100000 + i * 7 + round);
            e.ppid = 1000;
            ld_rt_proc_table_observe(t, &e);
        }
        for (int i = 0; i < 3000; i += 2) {
            event(&e, LD_EVT_PROCEXIT, 100000 + i * 7 + round);
            ld_rt_proc_table_observe(t, &e);
        }
        fake_now += LD_RT_PROC_EXITED_KEEP_MS;
        event(&e, LD_EVT_OPENAT, 1000);
        ld_rt_proc_table_observe(t, &e);
        for (int i = 1; i < 3000; i += 2) {
            const ld_rt_proc *p = ld_rt_proc_table_get(t, 100000 + i * 7 + round);
            if (p)
                assert_int_equal(p->pid, 100000 + i * 7 + round);
        }
        assert_true(ld_rt_proc_table_size(t) <= 4096);
    }
    /* the last round's live children are all there */
    for (int i = 1; i < 3000; i += 2)
        assert_non_null(ld_rt_proc_table_get(t, 100000 + i * 7 + 4));
    ld_rt_proc_table_free(t);
}

/* ---- user names ---- */

static void test_host_user_names(void **state)
{
    (void)state;
    ld_rt_proc_table *t = new_table(0);
    assert_string_equal(ld_rt_user_name(t, 0), "root");
    assert_string_equal(ld_rt_user_name(t, 1000), "alice");
    assert_string_equal(ld_rt_user_name(t, 1001), "bob");
    assert_string_equal(ld_rt_user_name(t, 5), "");
    assert_string_equal(ld_rt_user_name(t, 4242), "");
    assert_string_equal(ld_rt_user_name(NULL, 0), "");
    ld_rt_proc_table_free(t);
}

static void test_passwd_find_hostile(void **state)
{
    (void)state;
    char out[LD_RT_USER_NAME_MAX];
    const char pw[] =
        "a:x:1\nb:x:2:\nlong567890123456789012345678901234567890123456789012345678901234"
        "5:x:3:0::/:\nc\0d:x:4:0::/:\ne:x::0::/:\n";
    assert_int_equal(ld_rt_passwd_find(pw, sizeof pw - 1, 1, out, sizeof out),
                     0); /* no ':' after uid */
    assert_int_equal(ld_rt_passwd_find(pw, sizeof pw - 1, 2, out, sizeof out), 1);
    assert_string_equal(out, "b");
    assert_int_equal(ld_rt_passwd_find(pw, sizeof pw - 1, 3, out, sizeof out),
                     0); /* name too long */
    assert_int_equal(ld_rt_passwd_find(pw, sizeof pw - 1, 4, out, sizeof out), 0); /* NUL in name */
    assert_int_equal(ld_rt_passwd_find(pw, sizeof pw - 1, 0, out, sizeof out), 0); /* empty uid */
    assert_int_equal(ld_rt_passwd_find("", 0, 0, out, sizeof out), 0);
    char small[2];
    assert_int_equal(ld_rt_passwd_find(pw, sizeof pw - 1, 2, small, sizeof small), 1);
    assert_int_equal(ld_rt_passwd_find("bb:x:2:", 7, 2, small, sizeof small), 0);
}

/* A process whose root is a fake container root; its /etc/passwd may be a
 * link that tries to reach the host's. */
static void make_root_proc(int pid, const char *rootname)
{
    fake_proc(pid, 1, "app", "app", "/app");
    char *root = at("%s", rootname);
    char *etc = ld_xasprintf("%s/etc", root);
    mkdirs(etc);
    char *link = at("proc/%d/root", pid);
    assert_int_equal(symlink(root, link), 0);
    free(link);
    free(etc);
    free(root);
}

static void test_user_name_in_root(void **state)
{
    (void)state;
    ld_rt_proc_table *t = new_table(0);
    make_root_proc(4000, "ctr-a");
    char *pw = at("ctr-a/etc/passwd");
    const char text[] = "root:x:0:0::/:\nwww-data:x:1000:1000::/:\n";
    put(pw, text, sizeof text - 1);
    assert_string_equal(ld_rt_user_name_in(t, 4000, 1000), "www-data");
    assert_string_equal(ld_rt_user_name(t, 1000), "alice"); /* the host's differs */
    assert_string_equal(ld_rt_user_name_in(t, 4000, 4242), "");
    /* cached per (cgroup, uid): a change inside is seen after a minute, not at once */
    const char text2[] = "root:x:0:0::/:\nnginx:x:1000:1000::/:\n";
    put(pw, text2, sizeof text2 - 1);
    assert_string_equal(ld_rt_user_name_in(t, 4000, 1000), "www-data");
    free(pw);
    /* a gone process has no root to read */
    assert_string_equal(ld_rt_user_name_in(t, 4999, 0), "");
    assert_string_equal(ld_rt_user_name_in(NULL, 4000, 0), "");
    ld_rt_proc_table_free(t);
}

static void test_user_name_in_root_hostile(void **state)
{
    (void)state;
    /* the container's passwd links to the host's file by absolute and by
     * relative path: both resolve inside the container's root, where there
     * is no such file */
    char *hostfile = at("host-secret");
    put(hostfile, "evil:x:1000:0::/:\n", 18);
    ld_rt_proc_table *t = new_table(0);

    make_root_proc(4100, "ctr-b");
    char *link = at("ctr-b/etc/passwd");
    assert_int_equal(symlink(hostfile, link), 0);
    free(link);
    assert_string_equal(ld_rt_user_name_in(t, 4100, 1000), "");

    /* the cache key is the cgroup: a second container needs its own cgroup dir */
    char *cg = at("cg/unified/docker/other");
    mkdirs(cg);
    free(cg);
    make_root_proc(4101, "ctr-c");
    char *cgf = at("proc/4101/cgroup");
    put(cgf, "0::/docker/other\n", 17);
    free(cgf);
    link = at("ctr-c/etc/passwd");
    assert_int_equal(symlink("../../../../../../../../host-secret", link), 0);
    free(link);
    assert_string_equal(ld_rt_user_name_in(t, 4101, 1000), "");

    /* a passwd over 1 MiB is not read; a FIFO is not waited on */
    cg = at("cg/unified/docker/third");
    mkdirs(cg);
    free(cg);
    make_root_proc(4102, "ctr-d");
    cgf = at("proc/4102/cgroup");
    put(cgf, "0::/docker/third\n", 17);
    free(cgf);
    char *pw = at("ctr-d/etc/passwd");
    size_t n = LD_RT_PASSWD_MAX + 10;
    char *big = ld_xmalloc(n);
    memset(big, '#', n);
    memcpy(big, "big:x:1000:0::/:\n", 17);
    put(pw, big, n);
    free(big);
    assert_string_equal(ld_rt_user_name_in(t, 4102, 1000), "");
    unlink(pw);
    assert_int_equal(mkfifo(pw, 0600), 0);
    alarm(10);
    assert_string_equal(ld_rt_user_name_in(t, 4102, 1001), "");
    alarm(0);
    free(pw);
    free(hostfile);
    ld_rt_proc_table_free(t);
}

/* ---- the real /proc ---- */

static void test_real_proc_children(void **state)
{
    (void)state;
    int pipefd[2];
    assert_int_equal(pipe(pipefd), 0);
    pid_t child = fork();
    assert_true(child >= 0);
    if (child == 0) {
        close(pipefd[0]);
        fcntl(pipefd[1], F_SETFD, FD_CLOEXEC);
        setpgid(0, 0); /* the shell and its sleep are killed together */
        execl("/bin/sh", "sh", "-c", "sleep 30; exit 0", (char *)NULL);
        _exit(127);
    }
    close(pipefd[1]);
    char c;
    assert_int_equal(read(pipefd[0], &c, 1), 0);
    close(pipefd[0]);

    ld_rt_proc_table *t = ld_rt_proc_table_new("/proc", 0);
    assert_non_null(t);
    const ld_rt_proc *p = ld_rt_proc_table_get(t, child);
    assert_non_null(p);
    assert_int_equal(p->ppid, getpid());
    assert_string_equal(p->cmdline, "sh -c sleep 30; exit 0");
    char self_comm[LD_RT_COMM_MAX] = "";
    FILE *f = fopen("/proc/self/comm", "r");
    assert_non_null(f);
    assert_non_null(fgets(self_comm, sizeof self_comm, f));
    fclose(f);
    self_comm[strcspn(self_comm, "\n")] = '\0';
    const ld_rt_proc *parent = ld_rt_proc_table_ancestor(t, child, 1);
    assert_non_null(parent);
    assert_int_equal(parent->pid, getpid());
    assert_string_equal(parent->comm, self_comm);
    /* the host's names come from /etc/passwd */
    assert_string_equal(ld_rt_user_name(t, 0), "root");
    assert_string_equal(ld_rt_user_name_in(t, child, 0), "root");
    kill(-child, SIGKILL);
    waitpid(child, NULL, 0);
    ld_rt_proc_table_free(t);
    assert_null(ld_rt_proc_table_new("/nonexistent-proc-root", 0));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_miss_reads_proc_once),
        cmocka_unit_test(test_event_fields_win),
        cmocka_unit_test(test_ancestors),
        cmocka_unit_test(test_exec_clone_exit),
        cmocka_unit_test(test_pid_reuse),
        cmocka_unit_test(test_gone_before_read),
        cmocka_unit_test(test_bounded_lru),
        cmocka_unit_test(test_many_entries_index),
        cmocka_unit_test(test_host_user_names),
        cmocka_unit_test(test_passwd_find_hostile),
        cmocka_unit_test(test_user_name_in_root),
        cmocka_unit_test(test_user_name_in_root_hostile),
        cmocka_unit_test(test_real_proc_children),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
