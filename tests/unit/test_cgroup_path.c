/* Unit tests for container attribution by cgroup path (runtime/cgroup_path.c)
 * and for the cgroup side of the container table (runtime/cgroup_scan.c,
 * runtime/containers.c without an engine): every layout the runtimes use,
 * nesting, hostile paths; a fake cgroup tree whose directory inodes must
 * map to the container ids in their paths, new directories found by the
 * rescan on a miss (at most once a second), the rest the host. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "runtime/cgroup_path.h"
#include "runtime/containers.h"
#include "util/mem.h"

#define ID_A "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define ID_B "fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210"

static void expect(const char *path, ld_rt_cgroup_runtime want, const char *want_id)
{
    char id[65], outer[65];
    ld_rt_cgroup_runtime r = ld_rt_cgroup_path_container(path, strlen(path), id, outer);
    if (r != want)
        fail_msg("%s: runtime %d, want %d", path, (int)r, (int)want);
    assert_string_equal(id, want_id ? want_id : "");
}

static void test_runtimes(void **state)
{
    (void)state;
    expect("/docker/" ID_A, LD_RT_CG_DOCKER, ID_A);
    expect("docker/" ID_A, LD_RT_CG_DOCKER, ID_A); /* a walk's relative path */
    expect("/docker/" ID_A "/", LD_RT_CG_DOCKER, ID_A);
    expect("/system.slice/docker-" ID_A ".scope", LD_RT_CG_DOCKER, ID_A);
    expect("/system.slice/docker-" ID_A ".scope/init.scope", LD_RT_CG_DOCKER, ID_A);
    expect("/system.slice/cri-containerd-" ID_A ".scope", LD_RT_CG_CONTAINERD, ID_A);
    expect("/default/" ID_A, LD_RT_CG_CONTAINERD, ID_A);
    expect("/k8s.io/" ID_A, LD_RT_CG_CONTAINERD, ID_A);
    expect("/machine.slice/crio-" ID_A ".scope", LD_RT_CG_CRIO, ID_A);
    expect("/crio-" ID_A, LD_RT_CG_CRIO, ID_A);
    expect("/machine.slice/libpod-" ID_A ".scope", LD_RT_CG_PODMAN, ID_A);
    expect("/machine.slice/libpod-" ID_A ".scope/container", LD_RT_CG_PODMAN, ID_A);
    expect("/libpod_parent/libpod-" ID_A, LD_RT_CG_PODMAN, ID_A);
    expect("/user.slice/user-1000.slice/user@1000.service/user.slice/libpod-" ID_A ".scope",
           LD_RT_CG_PODMAN, ID_A);
    expect("/kubepods/burstable/pod0b3f6d0c-1a2b-4c5d-9e8f-001122334455/" ID_A, LD_RT_CG_KUBERNETES,
           ID_A);
    expect("/kubepods/pod0b3f6d0c-1a2b-4c5d-9e8f-001122334455/" ID_A, LD_RT_CG_KUBERNETES, ID_A);
    expect("/kubepods.slice/kubepods-besteffort.slice/"
           "kubepods-besteffort-pod0b3f6d0c_1a2b_4c5d_9e8f_001122334455.slice/"
           "cri-containerd-" ID_A ".scope",
           LD_RT_CG_KUBERNETES, ID_A);
    expect("/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-podx.slice/crio-" ID_A
           ".scope",
           LD_RT_CG_KUBERNETES, ID_A);
    expect("/kubepods.slice/kubepods-podx.slice/docker-" ID_A ".scope", LD_RT_CG_KUBERNETES, ID_A);
}

static void test_not_containers(void **state)
{
    (void)state;
    expect("/", LD_RT_CG_NONE, NULL);
    expect("", LD_RT_CG_NONE, NULL);
    expect("/system.slice/docker.service", LD_RT_CG_NONE, NULL);
    expect("/system.slice/containerd.service", LD_RT_CG_NONE, NULL);
    expect("/user.slice/user-0.slice/session-3.scope", LD_RT_CG_NONE, NULL);
    expect("/docker", LD_RT_CG_NONE, NULL);
    expect("/kubepods/burstable/pod0b3f6d0c-1a2b-4c5d-9e8f-001122334455", LD_RT_CG_NONE, NULL);
    /* the monitors run on the host's side */
    expect("/machine.slice/libpod-conmon-" ID_A ".scope", LD_RT_CG_NONE, NULL);
    expect("/machine.slice/crio-conmon-" ID_A ".scope", LD_RT_CG_NONE, NULL);
    /* an id alone at the root: no layout lockdown knows */
    expect("/" ID_A, LD_RT_CG_NONE, NULL);
    /* not quite an id */
    expect("/docker/"
           "0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef",
           LD_RT_CG_NONE, NULL);
    expect("/docker/0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcde", LD_RT_CG_NONE,
           NULL);
    expect("/docker/" ID_A "0", LD_RT_CG_NONE, NULL);
    expect("/system.slice/docker-" ID_A ".scopex", LD_RT_CG_NONE, NULL);
    expect("/system.slice/docker-" ID_A, LD_RT_CG_NONE, NULL); /* systemd forms need .scope */
    expect("/system.slice/docker-" ID_A ".service", LD_RT_CG_NONE, NULL);
    expect("/machine.slice/libpod-" ID_A, LD_RT_CG_NONE, NULL);
}

static void test_nesting(void **state)
{
    (void)state;
    char id[65], outer[65];
    /* docker-in-docker: the innermost, the outer reported apart */
    const char *p = "/docker/" ID_A "/docker/" ID_B;
    assert_int_equal(ld_rt_cgroup_path_container(p, strlen(p), id, outer), LD_RT_CG_DOCKER);
    assert_string_equal(id, ID_B);
    assert_string_equal(outer, ID_A);
    p = "/system.slice/docker-" ID_A ".scope/docker/" ID_B "/init";
    assert_int_equal(ld_rt_cgroup_path_container(p, strlen(p), id, outer), LD_RT_CG_DOCKER);
    assert_string_equal(id, ID_B);
    /* a kind node (a docker container) running pods: the pod's container, kubernetes */
    p = "/docker/" ID_A "/kubepods/burstable/podx/" ID_B;
    assert_int_equal(ld_rt_cgroup_path_container(p, strlen(p), id, outer), LD_RT_CG_KUBERNETES);
    assert_string_equal(id, ID_B);
    /* the node's own sub-cgroups stay the node container's, not "kubernetes" */
    p = "/docker/" ID_A "/kubepods/burstable";
    assert_int_equal(ld_rt_cgroup_path_container(p, strlen(p), id, NULL), LD_RT_CG_DOCKER);
    assert_string_equal(id, ID_A);
}

static void test_hostile(void **state)
{
    (void)state;
    char id[65];
    /* 4 MiB of components, an id at the end: read, not copied */
    size_t n = 4u << 20;
    char *big = ld_xmalloc(n + 80);
    for (size_t i = 0; i < n; i += 2)
        memcpy(big + i, "/a", 2);
    memcpy(big + n, "/docker/" ID_A, 8 + 64);
    assert_int_equal(ld_rt_cgroup_path_container(big, n + 72, id, NULL), LD_RT_CG_DOCKER);
    assert_string_equal(id, ID_A);
    /* a component longer than kernfs allows: nothing below it is a cgroup */
    memset(big, 'x', 300);
    memcpy(big + 300, "/docker/" ID_A, 72);
    assert_int_equal(ld_rt_cgroup_path_container(big, 372, id, NULL), LD_RT_CG_NONE);
    free(big);
    /* a NUL inside: the length rules, the component is refused */
    const char nul[] = "/docker/" ID_A "\0/x";
    assert_int_equal(ld_rt_cgroup_path_container(nul, sizeof nul - 1, id, NULL), LD_RT_CG_NONE);
    /* odd bytes around a real id */
    const char odd[] = "/\xff\xfe/\x01\x7f/docker/" ID_A;
    assert_int_equal(ld_rt_cgroup_path_container(odd, sizeof odd - 1, id, NULL), LD_RT_CG_DOCKER);
    assert_string_equal(id, ID_A);
    /* the length cuts the path: no read past it */
    const char *p = "/docker/" ID_A;
    assert_int_equal(ld_rt_cgroup_path_container(p, 8 + 63, id, NULL), LD_RT_CG_NONE);
    assert_int_equal(ld_rt_cgroup_path_container(NULL, 10, id, NULL), LD_RT_CG_NONE);
    assert_string_equal(ld_rt_cgroup_runtime_name(LD_RT_CG_CRIO), "cri-o");
    assert_null(ld_rt_cgroup_runtime_name(LD_RT_CG_NONE));
}

/* ---- the table over a fake hybrid tree ---- */

static char *tmp_root;

static void mk(const char *rel)
{
    char *p = ld_xasprintf("%s/%s", tmp_root, rel);
    if (mkdir(p, 0755) < 0)
        fail_msg("mkdir %s", p);
    free(p);
}

static uint64_t ino(const char *rel)
{
    char *p = ld_xasprintf("%s/%s", tmp_root, rel);
    struct stat st;
    if (stat(p, &st) < 0)
        fail_msg("stat %s", p);
    free(p);
    return (uint64_t)st.st_ino;
}

static void test_table(void **state)
{
    (void)state;
    char tmpl[] = "/tmp/ld-cgroup-test-XXXXXX";
    tmp_root = mkdtemp(tmpl);
    assert_non_null(tmp_root);
    mk("unified");
    mk("unified/docker");
    mk("unified/docker/" ID_A);
    mk("unified/system.slice");
    mk("unified/system.slice/cron.service");
    mk("memory");
    mk("memory/docker");
    mk("memory/docker/" ID_A);

    ld_rt_containers_options o = {.cgroup_root = tmp_root, .no_engine = true};
    ld_error err = LD_ERROR_INIT;
    ld_rt_containers *c = ld_rt_containers_new(&o, &err);
    if (!c)
        fail_msg("new: %s", err.msg);
    assert_int_equal(err.code, LD_OK);
    assert_int_equal(ld_rt_containers_fd(c), -1);

    const ld_rt_container *ct = ld_rt_containers_lookup(c, ino("unified/docker/" ID_A), 0);
    assert_string_equal(ct->id, ID_A);
    assert_string_equal(ct->runtime, "docker");
    assert_false(ct->known);
    assert_null(ct->name);
    /* by the v1 id when the v2 id says host (a hybrid host's runtime that
     * does not create unified cgroups) */
    ct = ld_rt_containers_lookup(c, ino("unified"), ino("memory/docker/" ID_A));
    assert_string_equal(ct->id, ID_A);
    ct = ld_rt_containers_lookup(c, ino("unified/system.slice/cron.service"), 0);
    assert_string_equal(ct->id, LD_RT_HOST_ID);
    assert_string_equal(ct->name, LD_RT_HOST_ID);
    ct = ld_rt_containers_lookup(c, 0, 0);
    assert_string_equal(ct->id, LD_RT_HOST_ID);
    assert_non_null(ld_rt_containers_by_id(c, ID_A));
    assert_non_null(ld_rt_containers_by_id(c, "0123456789ab")); /* a 12-character prefix */
    assert_null(ld_rt_containers_by_id(c, "0123456789a"));      /* too short */
    assert_null(ld_rt_containers_by_id(c, ID_B));
    assert_string_equal(ld_rt_containers_by_id(c, "host")->id, LD_RT_HOST_ID);

    /* a container that appears later: found by the rescan on a miss, but
     * only once a second has passed since the last scan */
    sleep(1);
    mk("unified/system.slice/docker-" ID_B ".scope");
    ct = ld_rt_containers_lookup(c, ino("unified/system.slice/docker-" ID_B ".scope"), 0);
    assert_string_equal(ct->id, ID_B);
    mk("unified/docker/" ID_A "/sub");
    ct = ld_rt_containers_lookup(c, ino("unified/docker/" ID_A "/sub"), 0);
    assert_string_equal(ct->id, LD_RT_HOST_ID); /* within the second: not rescanned */
    sleep(1);
    uint64_t sub = ino("unified/docker/" ID_A "/sub");
    ct = ld_rt_containers_lookup(c, sub, 0);
    /* the miss was not remembered as the host's: the rescan finds it */
    assert_string_equal(ct->id, ID_A);
    ld_rt_containers_free(c);

    /* no cgroup file system at all: NULL with a reason */
    char *none = ld_xasprintf("%s/nothing", tmp_root);
    o.cgroup_root = none;
    ld_error_clear(&err);
    assert_null(ld_rt_containers_new(&o, &err));
    assert_int_not_equal(err.code, LD_OK);
    free(none);
}

/* A pure cgroup v2 layout (systemd driver), and a tree deeper than the
 * walk goes: the rest is the host's, and the table says so. */
static void test_table_v2(void **state)
{
    (void)state;
    char tmpl[] = "/tmp/ld-cgroup-v2-XXXXXX";
    char *base = mkdtemp(tmpl);
    assert_non_null(base);
    char *procs = ld_xasprintf("%s/cgroup.procs", base);
    FILE *f = fopen(procs, "w");
    assert_non_null(f);
    fclose(f);
    char *slice = ld_xasprintf("%s/system.slice", base);
    char *scope = ld_xasprintf("%s/system.slice/docker-" ID_B ".scope", base);
    assert_int_equal(mkdir(slice, 0755), 0);
    assert_int_equal(mkdir(scope, 0755), 0);
    /* 30 levels below the root */
    char *deep[31];
    deep[0] = ld_xstrdup(base);
    for (int i = 1; i <= 30; i++) {
        deep[i] = ld_xasprintf("%s/d", deep[i - 1]);
        assert_int_equal(mkdir(deep[i], 0755), 0);
    }
    ld_rt_containers_options o = {.cgroup_root = base, .no_engine = true};
    ld_error err = LD_ERROR_INIT;
    ld_rt_containers *c = ld_rt_containers_new(&o, &err);
    assert_non_null(c);
    assert_non_null(strstr(err.msg, "larger than lockdown walks"));
    struct stat st;
    assert_int_equal(stat(scope, &st), 0);
    const ld_rt_container *ct = ld_rt_containers_lookup(c, st.st_ino, 0);
    assert_string_equal(ct->id, ID_B);
    assert_string_equal(ct->runtime, "docker");
    assert_int_equal(ld_rt_containers_count(c), 1);
    assert_ptr_equal(ld_rt_containers_get(c, 0), ct);
    assert_null(ld_rt_containers_get(c, 1));
    ld_rt_containers_free(c);
    for (int i = 30; i >= 1; i--) {
        rmdir(deep[i]);
        free(deep[i]);
    }
    free(deep[0]);
    rmdir(scope);
    rmdir(slice);
    unlink(procs);
    rmdir(base);
    free(scope);
    free(slice);
    free(procs);
}

/* removes the fake tree (bottom-up) */
static int remove_tree(void **state)
{
    (void)state;
    if (!tmp_root)
        return 0;
    static const char *const dirs[] = {"unified/docker/" ID_A "/sub",
                                       "unified/docker/" ID_A,
                                       "unified/docker",
                                       "unified/system.slice/docker-" ID_B ".scope",
                                       "unified/system.slice/cron.service",
                                       "unified/system.slice",
                                       "unified",
                                       "memory/docker/" ID_A,
                                       "memory/docker",
                                       "memory",
                                       ""};
    for (size_t i = 0; i < sizeof dirs / sizeof *dirs; i++) {
        char *p = ld_xasprintf("%s/%s", tmp_root, dirs[i]);
        rmdir(p);
        free(p);
    }
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_runtimes),
        cmocka_unit_test(test_not_containers),
        cmocka_unit_test(test_nesting),
        cmocka_unit_test(test_hostile),
        cmocka_unit_test_teardown(test_table, remove_tree),
        cmocka_unit_test(test_table_v2),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
