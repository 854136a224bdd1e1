/* Unit tests for reading /proc/PID (runtime/proc_read.c): the parsers of
 * stat, status, cmdline, cgroup, loginuid and the exe link on real samples
 * and hostile ones (a comm with ") (" and a newline in it, numbers that
 * overflow, lines that only look like "Uid:", a command line with control
 * characters or longer than the buffer, cgroup paths with ".."), the
 * reader over a fake /proc and cgroup tree (inodes of the cgroup dirs, a
 * memfd exe, a stat that is a symbolic link to a file outside, a FIFO as
 * cmdline, a cgroup path climbing out of the mount), and over the real
 * /proc of a child this test forks and execs. */
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

#include "runtime/proc_read.h"
#include "util/mem.h"

#define CID "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

static char dir[] = "/tmp/ld-proc-read-test.XXXXXX";

static void run_rm(const char *path)
{
    pid_t pid = fork();
    if (pid == 0) {
        execlp("rm", "rm", "-rf", path, (char *)NULL);
        _exit(127);
    }
    int st = 0;
    waitpid(pid, &st, 0);
}

static int setup(void **state)
{
    (void)state;
    return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    run_rm(dir);
    return 0;
}

static char *at(const char *rel)
{
    return ld_xasprintf("%s/%s", dir, rel);
}

static void mkdirs(const char *rel)
{
    char *p = at(rel);
    for (char *s = p + strlen(dir) + 1; *s; s++)
        if (*s == '/') {
            *s = '\0';
            mkdir(p, 0755);
            *s = '/';
        }
    mkdir(p, 0755);
    free(p);
}

static void put(const char *rel, const void *data, size_t len)
{
    char *p = at(rel);
    FILE *f = fopen(p, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, len, f), len);
    fclose(f);
    free(p);
}

static void put_str(const char *rel, const char *s)
{
    put(rel, s, strlen(s));
}

static uint64_t inode_of(const char *rel)
{
    char *p = at(rel);
    struct stat st;
    assert_int_equal(stat(p, &st), 0);
    free(p);
    return (uint64_t)st.st_ino;
}

/* ---- stat ---- */

static void test_stat_real_sample(void **state)
{
    (void)state;
    const char *s = "4242 (bash) S 4200 4242 4242 34817 4300 4194304 1 2 0 0 0 0 0 0 20 0 1 0 "
                    "123456 1000 200 18446744073709551615\n";
    char comm[LD_RT_COMM_MAX];
    int32_t ppid = -1;
    uint32_t tty = 0;
    assert_int_equal(ld_rt_parse_proc_stat(s, strlen(s), comm, &ppid, &tty), 0);
    assert_string_equal(comm, "bash");
    assert_int_equal(ppid, 4200);
    assert_int_equal(tty, 34817); /* pts/1: major 136, minor 1 */
}

static void test_stat_hostile_comm(void **state)
{
    (void)state;
    /* a process may name itself ") R 1 1 1 999 (" : the last ')' ends the comm */
    const char *s = "77 () R 1 1 1 999 (\n) S 12 77 77 0 -1 0\n";
    char comm[LD_RT_COMM_MAX];
    int32_t ppid = -1;
    uint32_t tty = 99;
    assert_int_equal(ld_rt_parse_proc_stat(s, strlen(s), comm, &ppid, &tty), 0);
    assert_string_equal(comm, ") R 1 1 1 999 (");
    assert_int_equal(ppid, 12);
    assert_int_equal(tty, 0);
    /* a kernel worker's long name is cut, not overrun */
    const char *k = "9 (kworker/u8:2-events_unbound_very_long_name_here) I 2 0 0 0 -1\n";
    assert_int_equal(ld_rt_parse_proc_stat(k, strlen(k), comm, &ppid, &tty), 0);
    assert_int_equal(strlen(comm), LD_RT_COMM_MAX - 1);
    assert_int_equal(ppid, 2);
}

static void test_stat_refused(void **state)
{
    (void)state;
    const char *bad[] = {
        "",
        "12 bash S 1 1 1 0",                         /* no parentheses */
        "12 (bash S 1 1 1 0",                        /* no closing one */
        "12 (bash) S",                               /* cut after the state */
        "12 (bash) S 1 1 1",                         /* no tty_nr */
        "12 (bash) S -5 1 1 0",                      /* negative parent */
        "12 (bash) S 99999999999 1 1 0",             /* parent beyond int32 */
        "12 (bash) S 1 1 1 99999999999999999999999", /* overflow */
        "12 (bash)  S 1 1 1 0",                      /* not the kernel's spacing */
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        char comm[LD_RT_COMM_MAX] = "untouched";
        int32_t ppid = 7;
        uint32_t tty = 7;
        assert_int_equal(ld_rt_parse_proc_stat(bad[i], strlen(bad[i]), comm, &ppid, &tty), -1);
        assert_int_equal(ppid, 7);
    }
}

/* ---- status ---- */

static void test_status(void **state)
{
    (void)state;
    const char *s = "Name:\tsu\nUmask:\t0022\nState:\tS (sleeping)\nTgid:\t300\nNgid:\t0\n"
                    "Pid:\t300\nPPid:\t299\nTracerPid:\t0\nUid:\t1000\t0\t0\t0\n"
                    "Gid:\t1000\t1000\t1000\t1000\nFDSize:\t64\n";
    uint32_t uid = 9, euid = 9, gid = 9;
    assert_int_equal(ld_rt_parse_proc_status(s, strlen(s), &uid, &euid, &gid), 3);
    assert_int_equal(uid, 1000);
    assert_int_equal(euid, 0);
    assert_int_equal(gid, 1000);
}

static void test_status_hostile(void **state)
{
    (void)state;
    uint32_t uid = 9, euid = 9, gid = 9;
    /* the kernel escapes a newline in Name; even unescaped, "Uid:" must start a line */
    const char *s = "Name:\tx Uid:\t0\t0\nXUid:\t0\t0\nUid:\t1000\t1001\t0\t0\n";
    assert_int_equal(ld_rt_parse_proc_status(s, strlen(s), &uid, &euid, &gid), 1);
    assert_int_equal(uid, 1000);
    assert_int_equal(euid, 1001);
    assert_int_equal(gid, 9);
    const char *big = "Uid:\t4294967296\t0\t0\t0\n";
    uid = euid = 9;
    assert_int_equal(ld_rt_parse_proc_status(big, strlen(big), &uid, &euid, &gid), 0);
    assert_int_equal(uid, 9);
    const char *cut = "Uid:\t1000";
    assert_int_equal(ld_rt_parse_proc_status(cut, strlen(cut), &uid, &euid, &gid), 0);
    assert_int_equal(ld_rt_parse_proc_status("", 0, &uid, &euid, &gid), 0);
}

/* ---- cmdline ---- */

static void test_cmdline_join(void **state)
{
    (void)state;
    char out[LD_RT_CMDLINE_MAX];
    bool cut = true;
    const char raw[] = "/bin/sh\0-c\0echo hi\0";
    assert_int_equal(ld_rt_join_cmdline(raw, sizeof raw - 1, false, out, sizeof out, &cut), 18);
    assert_string_equal(out, "/bin/sh -c echo hi");
    assert_false(cut);
    /* an empty argument keeps its place; control characters stay for the sinks to escape */
    const char raw2[] = "a\0\0b\x1b[31m\nc\0\0\0";
    ld_rt_join_cmdline(raw2, sizeof raw2 - 1, false, out, sizeof out, &cut);
    assert_string_equal(out, "a  b\x1b[31m\nc");
    /* setproctitle-style text without NULs is kept */
    ld_rt_join_cmdline("nginx: worker", 13, false, out, sizeof out, &cut);
    assert_string_equal(out, "nginx: worker");
    /* nothing at all: a kernel thread or a zombie */
    assert_int_equal(ld_rt_join_cmdline("", 0, false, out, sizeof out, &cut), 0);
    assert_string_equal(out, "");
}

static void test_cmdline_truncation(void **state)
{
    (void)state;
    char big[3000];
    memset(big, 'x', sizeof big);
    char out[16];
    bool cut = false;
    assert_int_equal(ld_rt_join_cmdline(big, sizeof big, false, out, sizeof out, &cut), 15);
    assert_true(cut);
    assert_int_equal(strlen(out), 15);
    /* exactly filling the buffer is not a cut unless the reader says more follows */
    cut = true;
    ld_rt_join_cmdline("abc\0", 4, false, out, 4, &cut);
    assert_string_equal(out, "abc");
    assert_false(cut);
    ld_rt_join_cmdline("abc", 3, true, out, 16, &cut);
    assert_true(cut);
}

/* ---- cgroup ---- */

static void test_cgroup_hybrid(void **state)
{
    (void)state;
    const char *s = "12:pids:/docker/" CID "\n"
                    "5:cpu,cpuacct:/docker/" CID "\n"
                    "4:blkio,memory:/docker/" CID "\n"
                    "1:name=systemd:/docker/" CID "\n"
                    "0::/docker/" CID "\n";
    char v2[256], mem[256];
    assert_int_equal(ld_rt_parse_proc_cgroup(s, strlen(s), v2, sizeof v2, mem, sizeof mem), 3);
    assert_string_equal(v2, "/docker/" CID);
    assert_string_equal(mem, "/docker/" CID);
}

static void test_cgroup_edge_cases(void **state)
{
    (void)state;
    char v2[32], mem[32];
    /* pure v2 */
    const char *v = "0::/system.slice/x.service\n";
    assert_int_equal(ld_rt_parse_proc_cgroup(v, strlen(v), v2, sizeof v2, mem, sizeof mem), 1);
    assert_string_equal(v2, "/system.slice/x.service");
    assert_string_equal(mem, "");
    /* "memoryx" is not memory; a path with ':' keeps it; no trailing newline */
    const char *m = "3:memoryx:/a\n4:memory:/b:c";
    assert_int_equal(ld_rt_parse_proc_cgroup(m, strlen(m), v2, sizeof v2, mem, sizeof mem), 2);
    assert_string_equal(mem, "/b:c");
    /* a path longer than the buffer is not cut into another path */
    const char *l = "0::/a/very/long/path/that/does/not/fit/in/32/bytes\n";
    assert_int_equal(ld_rt_parse_proc_cgroup(l, strlen(l), v2, sizeof v2, mem, sizeof mem), 0);
    assert_string_equal(v2, "");
    /* garbage and empty input */
    assert_int_equal(ld_rt_parse_proc_cgroup("::\n:\n\n", 6, v2, sizeof v2, mem, sizeof mem), 0);
    assert_int_equal(ld_rt_parse_proc_cgroup("", 0, v2, sizeof v2, mem, sizeof mem), 0);
}

static void test_cgroup_path_plain(void **state)
{
    (void)state;
    assert_true(ld_rt_cgroup_path_plain("/"));
    assert_true(ld_rt_cgroup_path_plain("/docker/" CID));
    assert_true(ld_rt_cgroup_path_plain("/a..b/.c"));
    assert_false(ld_rt_cgroup_path_plain("/.."));
    assert_false(ld_rt_cgroup_path_plain("/../../etc"));
    assert_false(ld_rt_cgroup_path_plain("/a/../b"));
    assert_false(ld_rt_cgroup_path_plain("/a/./b"));
    assert_false(ld_rt_cgroup_path_plain("//a"));
    assert_false(ld_rt_cgroup_path_plain("/a/"));
    assert_false(ld_rt_cgroup_path_plain("a/b"));
    assert_false(ld_rt_cgroup_path_plain(""));
}

/* ---- loginuid, exe ---- */

static void test_loginuid(void **state)
{
    (void)state;
    uint32_t v = 7;
    assert_int_equal(ld_rt_parse_loginuid("4294967295", 10, &v), 0);
    assert_int_equal(v, UINT32_MAX);
    assert_int_equal(ld_rt_parse_loginuid("1000\n", 5, &v), 0);
    assert_int_equal(v, 1000);
    v = 7;
    assert_int_equal(ld_rt_parse_loginuid("-1", 2, &v), -1);
    assert_int_equal(ld_rt_parse_loginuid("12a", 3, &v), -1);
    assert_int_equal(ld_rt_parse_loginuid("4294967296", 10, &v), -1);
    assert_int_equal(ld_rt_parse_loginuid("1\n\n", 3, &v), -1);
    assert_int_equal(ld_rt_parse_loginuid("", 0, &v), -1);
    assert_int_equal(v, 7);
}

static void test_exe_link(void **state)
{
    (void)state;
    char a[64] = "/memfd:payload (deleted)";
    assert_true(ld_rt_exe_link_settle(a));
    assert_string_equal(a, "/memfd:payload");
    char b[64] = "/tmp/dropper (deleted)";
    assert_true(ld_rt_exe_link_settle(b));
    assert_string_equal(b, "/tmp/dropper");
    char c[64] = "/usr/bin/sleep";
    assert_false(ld_rt_exe_link_settle(c));
    assert_string_equal(c, "/usr/bin/sleep");
    char d[64] = " (deleted)";
    assert_true(ld_rt_exe_link_settle(d));
    assert_string_equal(d, "");
}

/* ---- the reader over a fake tree ---- */

static void fake_process(const char *pid, const char *stat, const char *cgroup)
{
    char *base = ld_xasprintf("proc/%s", pid);
    mkdirs(base);
    char *p = ld_xasprintf("%s/stat", base);
    put_str(p, stat);
    free(p);
    p = ld_xasprintf("%s/status", base);
    put_str(p, "Name:\tx\nUid:\t1000\t0\t0\t0\nGid:\t50\t50\t50\t50\n");
    free(p);
    p = ld_xasprintf("%s/cgroup", base);
    put_str(p, cgroup);
    free(p);
    p = ld_xasprintf("%s/loginuid", base);
    put_str(p, "1000");
    free(p);
    free(base);
}

static void make_cgroup_tree(void)
{
    mkdirs("cg/unified/docker/" CID);
    put_str("cg/unified/cgroup.controllers", "cpu memory pids\n");
    mkdirs("cg/memory/docker/" CID);
}

static void test_reader_fake_tree(void **state)
{
    (void)state;
    make_cgroup_tree();
    fake_process("100", "100 (evil) S 1 100 100 0 -1 0\n",
                 "4:memory:/docker/" CID "\n0::/docker/" CID "\n");
    const char argv[] = "./payload\0--x\0";
    put("proc/100/cmdline", argv, sizeof argv - 1);
    char *exe = at("proc/100/exe");
    assert_int_equal(symlink("/memfd:payload (deleted)", exe), 0);
    free(exe);

    ld_rt_proc_reader r;
    ld_error err = LD_ERROR_INIT;
    char *proc = at("proc"), *cg = at("cg");
    assert_int_equal(ld_rt_proc_reader_open(&r, proc, cg, &err), 0);
    ld_rt_proc_info in;
    assert_int_equal(ld_rt_proc_reader_read(&r, 100, LD_RT_PR_ALL, &in), 0);
    assert_int_equal(in.got, LD_RT_PR_ALL);
    assert_string_equal(in.p.comm, "evil");
    assert_int_equal(in.p.ppid, 1);
    assert_int_equal(in.p.uid, 1000);
    assert_int_equal(in.p.euid, 0);
    assert_int_equal(in.p.gid, 50);
    assert_int_equal(in.p.loginuid, 1000);
    assert_string_equal(in.p.cmdline, "./payload --x");
    assert_string_equal(in.p.exepath, "/memfd:payload");
    assert_true(in.p.exe_from_memfd);
    assert_int_equal(in.p.cgroup_id, inode_of("cg/unified/docker/" CID));
    assert_int_equal(in.p.cgroup_v1_id, inode_of("cg/memory/docker/" CID));
    assert_true(in.in_container);
    /* only what is asked is read */
    assert_int_equal(ld_rt_proc_reader_read(&r, 100, LD_RT_PR_STAT, &in), 0);
    assert_int_equal(in.got, LD_RT_PR_STAT);
    assert_string_equal(in.p.cmdline, "");
    assert_int_equal(in.p.loginuid, UINT32_MAX);
    /* gone, and not process ids */
    assert_int_equal(ld_rt_proc_reader_read(&r, 101, LD_RT_PR_ALL, &in), -1);
    assert_int_equal(ld_rt_proc_reader_read(&r, 0, LD_RT_PR_ALL, &in), -1);
    assert_int_equal(ld_rt_proc_reader_read(&r, -3, LD_RT_PR_ALL, &in), -1);
    ld_rt_proc_reader_close(&r);
    free(proc);
    free(cg);
}

static void test_reader_pure_v2_and_no_cgroups(void **state)
{
    (void)state;
    mkdirs("v2only/system.slice/a.service");
    put_str("v2only/cgroup.controllers", "cpu\n");
    fake_process("200", "200 (svc) S 1 200 200 0 -1 0\n", "0::/system.slice/a.service\n");
    ld_rt_proc_reader r;
    ld_error err = LD_ERROR_INIT;
    char *proc = at("proc"), *cg = at("v2only");
    assert_int_equal(ld_rt_proc_reader_open(&r, proc, cg, &err), 0);
    ld_rt_proc_info in;
    assert_int_equal(ld_rt_proc_reader_read(&r, 200, LD_RT_PR_CGROUP, &in), 0);
    assert_int_equal(in.p.cgroup_id, inode_of("v2only/system.slice/a.service"));
    assert_int_equal(in.p.cgroup_v1_id, 0);
    assert_false(in.in_container);
    ld_rt_proc_reader_close(&r);
    /* no cgroup tree at all: ids stay 0, the rest is read */
    assert_int_equal(ld_rt_proc_reader_open(&r, proc, NULL, &err), 0);
    assert_int_equal(ld_rt_proc_reader_read(&r, 200, LD_RT_PR_ALL, &in), 0);
    assert_int_equal(in.p.cgroup_id, 0);
    assert_string_equal(in.p.comm, "svc");
    ld_rt_proc_reader_close(&r);
    /* no /proc: an error naming it */
    char *none = at("no-such-proc");
    assert_true(ld_rt_proc_reader_open(&r, none, NULL, &err) < 0);
    assert_non_null(strstr(err.msg, "no-such-proc"));
    free(none);
    free(proc);
    free(cg);
}

static void test_reader_hostile_tree(void **state)
{
    (void)state;
    make_cgroup_tree();
    mkdirs("outside/docker/" CID);
    /* stat is a link to a file outside /proc that reads like a stat line */
    put_str("outside-stat", "300 (planted) S 1 1 1 0 -1 0\n");
    mkdirs("proc/300");
    char *link = at("proc/300/stat"), *target = at("outside-stat");
    assert_int_equal(symlink(target, link), 0);
    free(link);
    free(target);
    /* cmdline is a FIFO nobody writes: the read must not block */
    char *fifo = at("proc/300/cmdline");
    assert_int_equal(mkfifo(fifo, 0600), 0);
    free(fifo);
    /* a cgroup path climbing out of the mount */
    put_str("proc/300/cgroup", "4:memory:/../outside/docker/" CID "\n0::/../../outside\n");
    put_str("proc/300/status", "Uid:\t0\t0\t0\t0\n");
    /* a process directory that is itself a link out of /proc */
    mkdirs("elsewhere");
    put_str("elsewhere/stat", "301 (planted) S 1 1 1 0 -1 0\n");
    char *dlink = at("proc/301"), *dtarget = at("elsewhere");
    assert_int_equal(symlink(dtarget, dlink), 0);
    free(dlink);
    free(dtarget);

    ld_rt_proc_reader r;
    ld_error err = LD_ERROR_INIT;
    char *proc = at("proc"), *cg = at("cg");
    assert_int_equal(ld_rt_proc_reader_open(&r, proc, cg, &err), 0);
    ld_rt_proc_info in;
    alarm(10); /* a blocked read fails the test instead of hanging it */
    int rc = ld_rt_proc_reader_read(&r, 300, LD_RT_PR_ALL, &in);
    alarm(0);
    assert_int_equal(rc, 0); /* status was read */
    assert_false(in.got & LD_RT_PR_STAT);
    assert_string_equal(in.p.comm, "");
    assert_int_equal(in.p.cgroup_id, 0);
    assert_int_equal(in.p.cgroup_v1_id, 0);
    assert_int_equal(ld_rt_proc_reader_read(&r, 301, LD_RT_PR_ALL, &in), -1);
    ld_rt_proc_reader_close(&r);
    free(proc);
    free(cg);
}

/* ---- the real /proc of a child ---- */

static void test_reader_real_child(void **state)
{
    (void)state;
    int pipefd[2];
    assert_int_equal(pipe(pipefd), 0);
    pid_t child = fork();
    assert_true(child >= 0);
    if (child == 0) {
        close(pipefd[0]);
        /* the child waits in exec'd sleep; the write end closing tells the parent it exec'd */
        fcntl(pipefd[1], F_SETFD, FD_CLOEXEC);
        execl("/bin/sleep",
              "sl\x01"
              "eep",
              "30", (char *)NULL); /* argv[0] with a control byte */
        _exit(127);
    }
    close(pipefd[1]);
    char c;
    assert_int_equal(read(pipefd[0], &c, 1), 0); /* EOF: exec happened */
    close(pipefd[0]);

    ld_rt_proc_reader r;
    ld_error err = LD_ERROR_INIT;
    assert_int_equal(ld_rt_proc_reader_open(&r, "/proc", "/sys/fs/cgroup", &err), 0);
    ld_rt_proc_info in;
    assert_int_equal(ld_rt_proc_reader_read(&r, child, LD_RT_PR_ALL, &in), 0);
    assert_string_equal(in.p.comm, "sleep");
    assert_int_equal(in.p.ppid, getpid());
    assert_string_equal(in.p.cmdline, "sl\x01"
                                      "eep 30");
    char real[4096];
    assert_non_null(realpath("/bin/sleep", real));
    assert_string_equal(in.p.exepath, real);
    assert_false(in.p.exe_from_memfd);
    assert_int_equal(in.p.uid, getuid());
    assert_int_equal(in.p.euid, geteuid());
    /* the cgroup id is the inode of the child's own v2 cgroup directory */
    char path[512];
    snprintf(path, sizeof path, "/proc/%d/cgroup", (int)child);
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    char line[1024], v2[1024] = "";
    while (fgets(line, sizeof line, f))
        if (strncmp(line, "0::", 3) == 0) {
            line[strcspn(line, "\n")] = '\0';
            snprintf(v2, sizeof v2, "%s", line + 3);
        }
    fclose(f);
    if (v2[0] && r.cgroup2_fd >= 0) {
        struct stat st;
        const char *mount = access("/sys/fs/cgroup/unified/cgroup.controllers", F_OK) == 0
                                ? "/sys/fs/cgroup/unified"
                                : "/sys/fs/cgroup";
        snprintf(path, sizeof path, "%s%s", mount, strcmp(v2, "/") ? v2 : "");
        assert_int_equal(stat(path, &st), 0);
        assert_int_equal(in.p.cgroup_id, (uint64_t)st.st_ino);
    }
    kill(child, SIGKILL);
    waitpid(child, NULL, 0);
    /* reaped: gone */
    assert_int_equal(ld_rt_proc_reader_read(&r, child, LD_RT_PR_ALL, &in), -1);
    ld_rt_proc_reader_close(&r);

    ld_rt_proc p;
    assert_int_equal(ld_rt_proc_read("/proc", getpid(), &p), 0);
    assert_int_equal(p.pid, getpid());
    assert_int_equal(p.ppid, getppid());
    assert_int_equal(ld_rt_proc_read("/proc", child, &p), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_stat_real_sample),
        cmocka_unit_test(test_stat_hostile_comm),
        cmocka_unit_test(test_stat_refused),
        cmocka_unit_test(test_status),
        cmocka_unit_test(test_status_hostile),
        cmocka_unit_test(test_cmdline_join),
        cmocka_unit_test(test_cmdline_truncation),
        cmocka_unit_test(test_cgroup_hybrid),
        cmocka_unit_test(test_cgroup_edge_cases),
        cmocka_unit_test(test_cgroup_path_plain),
        cmocka_unit_test(test_loginuid),
        cmocka_unit_test(test_exe_link),
        cmocka_unit_test(test_reader_fake_tree),
        cmocka_unit_test(test_reader_pure_v2_and_no_cgroups),
        cmocka_unit_test(test_reader_hostile_tree),
        cmocka_unit_test(test_reader_real_child),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
