/* Unit tests for host.runtime-monitor (runtime/monitor_detect.c) on fake
 * /proc trees under a host root: Falco, Tetragon, Tracee and the Sysdig
 * agent found by their executable's basename (also when replaced on disk:
 * " (deleted)"), lockdown only when its command is watch (after --fips and
 * --audit-log FILE), a process that renames itself "falco" while running
 * another executable not counted, kernel threads (no exe) not counted;
 * pass / fail / not assessed (no proc, an empty proc, no PID 1: hidepid);
 * hostile entries (symbolic links, odd names, a huge cmdline, a comm
 * without a newline) skipped or bounded. And the live /proc of this
 * machine, where this test process itself is no monitor. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/catalog.h"
#include "core/findings.h"
#include "runtime/monitor_detect.h"
#include "util/mem.h"

static const char test_catalog[] = "version: 1\n"
                                   "controls:\n"
                                   "  - id: TEST-CTR-01\n"
                                   "    framework: nist-800-190\n"
                                   "    refs: [CTR-01]\n"
                                   "    title: t\n"
                                   "    tier: container\n"
                                   "    nist: \"4.4.4\"\n"
                                   "    cis: []\n"
                                   "    automation: automated\n"
                                   "    checks: [host.runtime-monitor]\n"
                                   "    level: low\n"
                                   "    severity: high\n"
                                   "    description: d\n"
                                   "    remediation: r\n";

static ld_catalog *catalog;
static char base[] = "/tmp/ld-monitor-test.XXXXXX";
static int tree_no;

static int setup(void **state)
{
    (void)state;
    ld_error err = LD_ERROR_INIT;
    catalog = ld_catalog_parse("test.yaml", test_catalog, strlen(test_catalog), &err);
    return catalog && mkdtemp(base) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    ld_catalog_free(catalog);
    pid_t pid = fork();
    if (pid == 0) {
        execlp("rm", "rm", "-rf", base, (char *)NULL);
        _exit(127);
    }
    int st = 0;
    waitpid(pid, &st, 0);
    return 0;
}

static void write_file(const char *path, const char *data, size_t len)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, data, len), (ssize_t)len);
    close(fd);
}

/* A new host root with etc/hostname and an empty proc/. */
static char *new_root(void)
{
    char *root = ld_xasprintf("%s/root%d", base, ++tree_no);
    char *p = ld_xasprintf("%s/etc", root);
    assert_int_equal(mkdir(root, 0755), 0);
    assert_int_equal(mkdir(p, 0755), 0);
    free(p);
    p = ld_xasprintf("%s/etc/hostname", root);
    write_file(p, "node-7\n", 7);
    free(p);
    p = ld_xasprintf("%s/proc", root);
    assert_int_equal(mkdir(p, 0755), 0);
    free(p);
    return root;
}

/* proc/PID with comm, an exe link (NULL: none) and a cmdline (argv with
 * NULs, cmdline_len bytes). */
static void add_proc(const char *root, const char *pid, const char *comm, const char *exe,
                     const char *cmdline, size_t cmdline_len)
{
    char *d = ld_xasprintf("%s/proc/%s", root, pid);
    assert_int_equal(mkdir(d, 0755), 0);
    char *p = ld_xasprintf("%s/comm", d);
    char *c = ld_xasprintf("%s\n", comm);
    write_file(p, c, strlen(c));
    free(p);
    free(c);
    if (exe) {
        p = ld_xasprintf("%s/exe", d);
        assert_int_equal(symlink(exe, p), 0);
        free(p);
    }
    p = ld_xasprintf("%s/cmdline", d);
    write_file(p, cmdline ? cmdline : "", cmdline ? cmdline_len : 0);
    free(p);
    free(d);
}

#define CMD(s) s, sizeof(s) - 1

static void add_init(const char *root)
{
    add_proc(root, "1", "systemd", "/usr/lib/systemd/systemd", CMD("/sbin/init\0"));
    add_proc(root, "2", "kthreadd", NULL, NULL, 0); /* a kernel thread: no exe */
}

static ld_finding *run_check(const char *root, ld_findings **out)
{
    ld_findings *fs = ld_findings_new(catalog, 0);
    ld_error err = LD_ERROR_INIT;
    if (ld_runtime_monitor_check(fs, root, &err) < 0)
        fail_msg("check failed: %s", err.msg);
    assert_int_equal(fs->n, 1);
    ld_finding *f = fs->v[0];
    assert_string_equal(f->check_id, "host.runtime-monitor");
    assert_int_equal(f->target.kind, LD_TARGET_HOST);
    assert_string_equal(f->target.id, "node-7");
    *out = fs;
    return f;
}

static void monitors_found(void **state)
{
    (void)state;
    char *root = new_root();
    add_init(root);
    add_proc(root, "812", "falco", "/usr/bin/falco", CMD("/usr/bin/falco\0-c\0/etc/falco.yaml\0"));
    add_proc(root, "900", "lockdown", "/usr/local/bin/lockdown",
             CMD("lockdown\0--fips\0--audit-log\0/var/log/a.log\0watch\0--output\0-\0"));
    add_proc(root, "950", "tetragon", "/usr/bin/tetragon (deleted)", CMD("tetragon\0"));
    add_proc(root, "960", "tracee-ebpf", "/tracee/tracee-ebpf", CMD("tracee-ebpf\0"));
    add_proc(root, "970", "dragent", "/opt/draios/bin/dragent", CMD("dragent\0"));
    ld_rt_monitor_list l = {0};
    ld_error err = LD_ERROR_INIT;
    char *proc = ld_xasprintf("%s/proc", root);
    assert_int_equal(ld_rt_monitor_scan(proc, &l, &err), 0);
    assert_int_equal(l.scanned, 7);
    assert_int_equal(l.n, 5);
    static const struct {
        int pid;
        const char *monitor;
    } want[] = {{812, "Falco"},
                {900, "lockdown watch"},
                {950, "Tetragon"},
                {960, "Tracee"},
                {970, "Sysdig agent (draios)"}};
    for (size_t i = 0; i < 5; i++) {
        const ld_rt_monitor_proc *m = NULL;
        for (size_t k = 0; k < l.n; k++)
            if (l.v[k].pid == want[i].pid)
                m = &l.v[k];
        if (!m)
            fail_msg("pid %d not found", want[i].pid);
        assert_string_equal(m->monitor, want[i].monitor);
        assert_non_null(m->exe);
    }
    ld_rt_monitor_list_clear(&l);
    free(proc);

    ld_findings *fs;
    ld_finding *f = run_check(root, &fs);
    assert_int_equal(f->status, LD_STATUS_PASS);
    assert_non_null(strstr(f->evidence, "Falco (pid 812, exe /usr/bin/falco)"));
    assert_non_null(strstr(f->evidence, "lockdown watch (pid 900, exe /usr/local/bin/lockdown)"));
    assert_non_null(strstr(f->evidence, "Tetragon (pid 950"));
    ld_findings_free(fs);
    free(root);
}

static void impostors_and_others(void **state)
{
    (void)state;
    char *root = new_root();
    add_init(root);
    /* renamed itself "falco", but runs python */
    add_proc(root, "300", "falco", "/usr/bin/python3.11", CMD("falco\0"));
    /* lockdown, but not watch */
    add_proc(root, "301", "lockdown", "/usr/bin/lockdown", CMD("lockdown\0assess\0"));
    add_proc(root, "302", "lockdown", "/usr/bin/lockdown", CMD("lockdown\0--audit-log\0watch\0"));
    add_proc(root, "303", "lockdown", "/usr/bin/lockdown", CMD("lockdown\0--fips\0"));
    add_proc(root, "304", "lockdown", "/usr/bin/lockdown", NULL, 0); /* a zombie: no cmdline */
    /* named falco but no exe at all (a kernel thread can be named anything) */
    add_proc(root, "305", "falco", NULL, CMD(""));
    /* a binary whose name only starts like one */
    add_proc(root, "306", "falcon", "/usr/bin/falcon", CMD("falcon\0"));
    add_proc(root, "307", "x", "/usr/bin/falco.sh", CMD("sh\0"));
    /* hostile entries: a symlinked pid dir, names that are not pids, a
     * comm without a newline, a cmdline far beyond the cap */
    char *p = ld_xasprintf("%s/proc/400", root);
    assert_int_equal(symlink("/usr/bin", p), 0);
    free(p);
    add_proc(root, "0400", "falco", "/usr/bin/falco", CMD("falco\0"));
    add_proc(root, "99999999999", "falco", "/usr/bin/falco", CMD("falco\0"));
    add_proc(root, "self", "falco", "/usr/bin/falco", CMD("falco\0"));
    size_t big = 1 << 20;
    char *huge = ld_xmalloc(big);
    memset(huge, 'w', big);
    memcpy(huge, "lockdown\0", 9);
    add_proc(root, "500", "lockdown", "/usr/bin/lockdown", huge, big);
    free(huge);
    p = ld_xasprintf("%s/proc/501", root);
    assert_int_equal(mkdir(p, 0755), 0);
    char *q = ld_xasprintf("%s/comm", p);
    write_file(q, "dragent", 7); /* no newline, no exe, no cmdline */
    free(q);
    free(p);

    ld_findings *fs;
    ld_finding *f = run_check(root, &fs);
    assert_int_equal(f->status, LD_STATUS_FAIL);
    assert_non_null(strstr(f->evidence, "none of the 13 processes"));
    assert_non_null(strstr(f->evidence, "lockdown watch"));
    assert_non_null(strstr(f->evidence, "falco"));
    ld_findings_free(fs);
    free(root);
}

static void not_assessed(void **state)
{
    (void)state;
    ld_findings *fs;
    /* a host root without proc: a copy of a host, not a live one */
    char *root = new_root();
    char *p = ld_xasprintf("%s/proc", root);
    assert_int_equal(rmdir(p), 0);
    ld_finding *f = run_check(root, &fs);
    assert_int_equal(f->status, LD_STATUS_ERROR);
    assert_non_null(strstr(f->evidence, "not assessed"));
    assert_non_null(strstr(f->evidence, p));
    ld_findings_free(fs);
    /* an empty proc */
    assert_int_equal(mkdir(p, 0755), 0);
    f = run_check(root, &fs);
    assert_int_equal(f->status, LD_STATUS_ERROR);
    assert_non_null(strstr(f->evidence, "holds no process"));
    ld_findings_free(fs);
    /* processes but no PID 1: hidepid hides the others; a monitor could be among them */
    add_proc(root, "4242", "bash", "/usr/bin/bash", CMD("bash\0"));
    f = run_check(root, &fs);
    assert_int_equal(f->status, LD_STATUS_ERROR);
    assert_non_null(strstr(f->evidence, "hidepid"));
    ld_findings_free(fs);
    /* ... unless a monitor is seen anyway */
    add_proc(root, "4243", "falco", "/usr/bin/falco", CMD("falco\0"));
    f = run_check(root, &fs);
    assert_int_equal(f->status, LD_STATUS_PASS);
    ld_findings_free(fs);
    free(p);
    free(root);
    /* scan of a path that is no directory */
    ld_rt_monitor_list l = {0};
    ld_error err = LD_ERROR_INIT;
    assert_true(ld_rt_monitor_scan("/nonexistent-ld-proc", &l, &err) < 0);
    assert_non_null(strstr(err.msg, "/nonexistent-ld-proc"));
}

/* The machine's own /proc: readable, this test is among the processes and
 * is no monitor (so a pass can only come from a real monitor). */
static void live_proc(void **state)
{
    (void)state;
    ld_rt_monitor_list l = {0};
    ld_error err = LD_ERROR_INIT;
    if (ld_rt_monitor_scan("/proc", &l, &err) < 0)
        fail_msg("/proc: %s", err.msg);
    assert_true(l.scanned > 1);
    for (size_t i = 0; i < l.n; i++)
        assert_int_not_equal(l.v[i].pid, getpid());
    ld_rt_monitor_list_clear(&l);
    const char *const *names = ld_rt_monitor_names();
    assert_string_equal(names[0], "lockdown watch");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(monitors_found),
        cmocka_unit_test(impostors_and_others),
        cmocka_unit_test(not_assessed),
        cmocka_unit_test(live_proc),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
