/* Unit tests for host.forensics-ready (forensics/readiness.c) on fake host
 * roots: a v1 freezer enabled / disabled / absent, a v2 cgroup with
 * cgroup.freeze, Yama ptrace_scope 0..3 and absent, overlay in
 * /proc/filesystems or not, the engine's storage driver; pass only when
 * all are there, fail naming what is missing, not assessed when /proc
 * cannot be read or the engine did not answer or is remote, not applicable
 * without an engine; and the live host, whose answer must agree with the
 * kernel's own files. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
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
#include "forensics/readiness.h"
#include "util/mem.h"

static const char test_catalog[] = "version: 1\n"
                                   "controls:\n"
                                   "  - id: TEST-CTR-01-B\n"
                                   "    framework: nist-800-190\n"
                                   "    refs: [CTR-01]\n"
                                   "    title: t\n"
                                   "    tier: container\n"
                                   "    nist: \"4.4.4\"\n"
                                   "    cis: []\n"
                                   "    automation: automated\n"
                                   "    checks: [host.forensics-ready]\n"
                                   "    level: medium\n"
                                   "    severity: medium\n"
                                   "    description: d\n"
                                   "    remediation: r\n";

static ld_catalog *catalog;
static char base[] = "/tmp/ld-fxready-test.XXXXXX";
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

static void put(const char *root, const char *rel, const char *text)
{
    char *path = ld_xasprintf("%s/%s", root, rel);
    /* parents */
    for (char *p = path + strlen(root) + 1; (p = strchr(p, '/')) != NULL; p++) {
        *p = '\0';
        mkdir(path, 0755);
        *p = '/';
    }
    if (text) {
        int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        assert_true(fd >= 0);
        assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
        close(fd);
    } else {
        mkdir(path, 0755);
    }
    free(path);
}

#define CGROUPS_FREEZER_ON                                                                         \
    "#subsys_name\thierarchy\tnum_cgroups\tenabled\ncpuset\t2\t1\t1\nfreezer\t7\t3\t1\n"
#define CGROUPS_FREEZER_OFF                                                                        \
    "#subsys_name\thierarchy\tnum_cgroups\tenabled\ncpuset\t2\t1\t1\nfreezer\t0\t1\t0\n"
#define FS_OVERLAY "nodev\tsysfs\nnodev\ttmpfs\n\text4\nnodev\toverlay\n"
#define FS_NO_OVERLAY "nodev\tsysfs\nnodev\ttmpfs\n\text4\nnodev\toverlayx\n"

static char *new_root(const char *cgroups, const char *filesystems, const char *ptrace)
{
    char *root = ld_xasprintf("%s/root%d", base, ++tree_no);
    assert_int_equal(mkdir(root, 0755), 0);
    put(root, "etc/hostname", "fx-host\n");
    put(root, "proc/", NULL);
    if (cgroups)
        put(root, "proc/cgroups", cgroups);
    if (filesystems)
        put(root, "proc/filesystems", filesystems);
    if (ptrace)
        put(root, "proc/sys/kernel/yama/ptrace_scope", ptrace);
    return root;
}

static const ld_fx_readiness_engine local_overlay2 = {
    .installed = true, .endpoint = "unix:///var/run/docker.sock", .driver = "overlay2"};
static const ld_fx_readiness_engine *engine = &local_overlay2;

static ld_finding *run_check(const char *root, ld_findings **out)
{
    ld_findings *fs = ld_findings_new(catalog, 0);
    ld_error err = LD_ERROR_INIT;
    if (ld_fx_readiness_check(fs, root, engine, &err) < 0)
        fail_msg("check failed: %s", err.msg);
    assert_int_equal(fs->n, 1);
    ld_finding *f = fs->v[0];
    assert_string_equal(f->check_id, "host.forensics-ready");
    assert_string_equal(f->target.id, "fx-host");
    *out = fs;
    return f;
}

static void expect(const char *root, ld_status status, const char *needle)
{
    ld_findings *fs = NULL;
    ld_finding *f = run_check(root, &fs);
    if (f->status != status || (needle && !strstr(f->evidence, needle)))
        fail_msg("%s: status %d (want %d), evidence: %s", root, f->status, status, f->evidence);
    ld_findings_free(fs);
}

static void v1_freezer(void **state)
{
    (void)state;
    char *r = new_root(CGROUPS_FREEZER_ON, FS_OVERLAY, "1\n");
    expect(r, LD_STATUS_PASS, "cgroup v1 freezer");
    free(r);
    r = new_root(CGROUPS_FREEZER_OFF, FS_OVERLAY, "1\n");
    expect(r, LD_STATUS_FAIL, "no freezer");
    free(r);
}

static void v2_freeze(void **state)
{
    (void)state;
    char *r = new_root(CGROUPS_FREEZER_OFF, FS_OVERLAY, NULL);
    put(r, "sys/fs/cgroup/cgroup.controllers", "cpu memory pids\n");
    put(r, "sys/fs/cgroup/system.slice/cgroup.freeze", "0\n");
    expect(r, LD_STATUS_PASS, "cgroup v2 cgroup.freeze");
    free(r);
    /* hybrid: the unified mount */
    r = new_root(CGROUPS_FREEZER_ON, FS_OVERLAY, NULL);
    put(r, "sys/fs/cgroup/unified/cgroup.controllers", "\n");
    put(r, "sys/fs/cgroup/unified/docker/cgroup.freeze", "0\n");
    expect(r, LD_STATUS_PASS, "cgroup v2 cgroup.freeze, cgroup v1 freezer");
    free(r);
    /* a v2 root with no cgroup.freeze below it (kernel < 5.2) */
    r = new_root(CGROUPS_FREEZER_OFF, FS_OVERLAY, NULL);
    put(r, "sys/fs/cgroup/cgroup.controllers", "cpu\n");
    put(r, "sys/fs/cgroup/system.slice/cgroup.procs", "1\n");
    expect(r, LD_STATUS_FAIL, "no freezer");
    free(r);
}

static void ptrace_scopes(void **state)
{
    (void)state;
    const char *ok[] = {"0\n", "1\n", "2\n"};
    for (size_t i = 0; i < 3; i++) {
        char *r = new_root(CGROUPS_FREEZER_ON, FS_OVERLAY, ok[i]);
        expect(r, LD_STATUS_PASS, "Yama ptrace_scope");
        free(r);
    }
    char *r = new_root(CGROUPS_FREEZER_ON, FS_OVERLAY, "3\n");
    expect(r, LD_STATUS_FAIL, "ptrace_scope 3");
    free(r);
    r = new_root(CGROUPS_FREEZER_ON, FS_OVERLAY, NULL);
    expect(r, LD_STATUS_PASS, "no Yama restriction");
    free(r);
    r = new_root(CGROUPS_FREEZER_ON, FS_OVERLAY, "banana\n");
    expect(r, LD_STATUS_ERROR, "not assessed");
    free(r);
}

static void overlay(void **state)
{
    (void)state;
    char *r = new_root(CGROUPS_FREEZER_ON, FS_NO_OVERLAY, "0\n");
    expect(r, LD_STATUS_FAIL, "no overlay file system");
    free(r);
}

static void engine_states(void **state)
{
    (void)state;
    char *r = new_root(CGROUPS_FREEZER_ON, FS_OVERLAY, "1\n");
    ld_fx_readiness_engine e = local_overlay2;
    engine = &e;
    e.driver = "devicemapper";
    expect(r, LD_STATUS_FAIL, "storage driver is not overlay2 (it is devicemapper)");
    e.driver = NULL;
    expect(r, LD_STATUS_FAIL, "it is unknown");
    e.driver = "overlay2";
    e.remote = true;
    e.endpoint = "tcp://10.0.0.5:2376";
    expect(r, LD_STATUS_ERROR, "tcp://10.0.0.5:2376");
    e.remote = false;
    e.unreachable = "docker engine at unix:///x.sock did not answer";
    expect(r, LD_STATUS_ERROR, "did not answer");
    /* no engine installed: not applicable, no finding */
    e.installed = false;
    ld_findings *fs = ld_findings_new(catalog, 0);
    ld_error err = LD_ERROR_INIT;
    assert_int_equal(ld_fx_readiness_check(fs, r, &e, &err), 0);
    assert_int_equal(fs->n, 0);
    ld_findings_free(fs);
    engine = &local_overlay2;
    free(r);
}

static void not_assessed(void **state)
{
    (void)state;
    char *r = new_root(NULL, NULL, NULL);
    expect(r, LD_STATUS_ERROR, "not assessed");
    free(r);
    r = new_root(CGROUPS_FREEZER_ON, NULL, "0\n");
    expect(r, LD_STATUS_ERROR, "not assessed");
    free(r);
}

/* The live host: the verdict agrees with the kernel's files. */
static void live_host(void **state)
{
    (void)state;
    ld_findings *fs = ld_findings_new(catalog, 0);
    ld_error err = LD_ERROR_INIT;
    assert_int_equal(ld_fx_readiness_check(fs, "/", &local_overlay2, &err), 0);
    assert_int_equal(fs->n, 1);
    ld_finding *f = fs->v[0];
    FILE *fp = fopen("/proc/filesystems", "r");
    assert_non_null(fp);
    char line[256];
    bool overlay_here = false;
    while (fgets(line, sizeof line, fp))
        if (strcmp(line, "nodev\toverlay\n") == 0)
            overlay_here = true;
    fclose(fp);
    if (!overlay_here)
        assert_int_equal(f->status, LD_STATUS_FAIL);
    if (f->status == LD_STATUS_PASS)
        assert_true(access("/proc/sys/kernel/yama/ptrace_scope", F_OK) != 0 ||
                    strstr(f->evidence, "ptrace_scope 3") == NULL);
    ld_findings_free(fs);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(v1_freezer),    cmocka_unit_test(v2_freeze),
        cmocka_unit_test(ptrace_scopes), cmocka_unit_test(overlay),
        cmocka_unit_test(engine_states), cmocka_unit_test(not_assessed),
        cmocka_unit_test(live_host),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
