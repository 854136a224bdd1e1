/* Unit test of the container table on the host's real cgroup v2 hierarchy
 * (runtime/containers.c, runtime/cgroup_scan.c): a cgroup created right
 * after the table was built is resolved by its id through the kernel's
 * file handle (open_by_handle_at), within the second in which a rescan is
 * not allowed; an id that names no cgroup is the host's. The test creates
 * ld-unit-<pid>/docker/<id> (empty cgroups, no process) and removes it.
 * Needs root and a cgroup2 mount: skipped (optional) otherwise. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include <cmocka.h>

#include "runtime/containers.h"
#include "util/mem.h"

#include "test_skip.h"

#define ID_C "c0ffee0123456789abcdef0123456789abcdef0123456789abcdef0123456789"
#define CGROUP2_MAGIC 0x63677270

static char *top, *mid, *leaf;

static const char *v2_root(void)
{
    struct statfs sf;
    if (statfs("/sys/fs/cgroup/unified", &sf) == 0 && (long)sf.f_type == CGROUP2_MAGIC)
        return "/sys/fs/cgroup/unified";
    if (statfs("/sys/fs/cgroup", &sf) == 0 && (long)sf.f_type == CGROUP2_MAGIC)
        return "/sys/fs/cgroup";
    return NULL;
}

static void test_new_cgroup_by_handle(void **state)
{
    (void)state;
    const char *v2 = v2_root();
    if (geteuid() != 0 || !v2)
        LD_SKIP_OPTIONAL("needs root and a cgroup2 hierarchy (creates an empty cgroup)");
    top = ld_xasprintf("%s/ld-unit-%d", v2, (int)getpid());
    mid = ld_xasprintf("%s/docker", top);
    leaf = ld_xasprintf("%s/" ID_C, mid);
    if (mkdir(top, 0755) < 0)
        LD_SKIP_OPTIONAL("cannot create a cgroup under %s: %s", v2, strerror(errno));
    assert_int_equal(mkdir(mid, 0755), 0);

    ld_rt_containers_options o = {.cgroup_root = "/sys/fs/cgroup", .no_engine = true};
    ld_error err = LD_ERROR_INIT;
    ld_rt_containers *c = ld_rt_containers_new(&o, &err);
    assert_non_null(c);
    /* created after the scan: a rescan is not allowed for a second */
    assert_int_equal(mkdir(leaf, 0755), 0);
    struct stat st;
    assert_int_equal(stat(leaf, &st), 0);
    const ld_rt_container *ct = ld_rt_containers_lookup(c, st.st_ino, 0);
    assert_string_equal(ct->id, ID_C);
    assert_string_equal(ct->runtime, "docker");
    /* an id no cgroup has */
    ct = ld_rt_containers_lookup(c, (uint64_t)1 << 40, 0);
    assert_string_equal(ct->id, LD_RT_HOST_ID);
    ld_rt_containers_free(c);
}

static int cleanup(void **state)
{
    (void)state;
    if (leaf)
        rmdir(leaf);
    if (mid)
        rmdir(mid);
    if (top)
        rmdir(top);
    free(leaf);
    free(mid);
    free(top);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_new_cgroup_by_handle, cleanup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
