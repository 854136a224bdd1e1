/* Unit tests for host.container-files (host/container_files.c) on fake
 * host trees: Docker's own modes (0710 directories, config.v2.json 0600,
 * hostconfig.json 0644 behind them) pass; a configuration readable by
 * others through traversable directories fails, and so does one readable
 * by a non-root group that can reach it; other-writable state directories,
 * directories not owned by root and a configuration that is a symlink
 * fail; no Docker or containerd is not applicable; more containers than
 * the cap says so (not assessed in full); a data root given by the engine
 * is used. And once against this machine. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/catalog.h"
#include "core/findings.h"
#include "host/container_files.h"
#include "test_host_tree.h"

static ld_catalog *catalog;

static int setup(void **state)
{
    (void)state;
    ld_error err = LD_ERROR_INIT;
    catalog = ld_catalog_load_builtin(&err);
    return catalog ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    ld_catalog_free(catalog);
    return 0;
}

static size_t max_containers; /* 0: the default cap */

static ld_status run(const char *root, const char *data_root, char *ev, size_t cap)
{
    ld_findings *fs = ld_findings_new(catalog, 0);
    ld_error err = LD_ERROR_INIT;
    int rc = max_containers
                 ? ld_host_container_files_check_max(fs, root, data_root, max_containers, &err)
                 : ld_host_container_files_check(fs, root, data_root, &err);
    if (rc != 0)
        fail_msg("check failed: %s", err.msg);
    assert_int_equal(fs->n, 1);
    const ld_finding *f = tree_finding(fs, "host.container-files");
    assert_non_null(f);
    assert_string_equal(f->control->id, "NIST-HOST-05");
    snprintf(ev, cap, "%s", f->evidence ? f->evidence : "");
    ld_status st = f->status;
    const ld_scope_entry *sc = ld_findings_scope_of(fs, "host.container-files");
    assert_non_null(sc);
    assert_int_equal(sc->state, st == LD_STATUS_SKIPPED ? LD_SCOPE_NOT_APPLICABLE : LD_SCOPE_OWED);
    ld_findings_free(fs);
    return st;
}

#define CID "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

/* Docker 20.10's layout and modes. */
static void docker_tree(const char *root, const char *data)
{
    char p[512];
    tree_write(root, "/etc/passwd", "root:x:0:0:root:/root:/bin/sh\n", 0644);
    tree_write(root, "/etc/group", "root:x:0:\n", 0644);
    tree_mkdirs(root, data, 0710);
    snprintf(p, sizeof(p), "%s/containers", data);
    tree_mkdirs(root, p, 0710);
    snprintf(p, sizeof(p), "%s/volumes", data);
    tree_mkdirs(root, p, 0701);
    snprintf(p, sizeof(p), "%s/image", data);
    tree_mkdirs(root, p, 0700);
    snprintf(p, sizeof(p), "%s/containers/" CID, data);
    tree_mkdirs(root, p, 0710);
    snprintf(p, sizeof(p), "%s/containers/" CID "/config.v2.json", data);
    tree_write(root, p, "{\"Config\":{\"Env\":[\"DB_PASSWORD=x\"]}}", 0600);
    snprintf(p, sizeof(p), "%s/containers/" CID "/hostconfig.json", data);
    tree_write(root, p, "{}", 0644);
    tree_mkdirs(root, "/run/containerd", 0711);
    tree_mkdirs(root, "/var/lib/containerd", 0700);
}

static void test_docker_defaults_pass(void **state)
{
    (void)state;
    char root[64], ev[8192];
    tree_new(root, sizeof(root), "ctrfiles");
    docker_tree(root, "/var/lib/docker");
    assert_int_equal(run(root, NULL, ev, sizeof(ev)), LD_STATUS_PASS);
    assert_non_null(strstr(ev, "/var/lib/docker 0710 root:root"));
    assert_non_null(strstr(ev, "1 container's config.v2.json"));
    tree_remove(root);
}

static void test_exposed_config_fails(void **state)
{
    (void)state;
    char root[64], ev[8192];
    tree_new(root, sizeof(root), "ctrfiles");
    docker_tree(root, "/var/lib/docker");
    /* others can traverse every directory: 0644 hostconfig.json is readable */
    tree_chmod(root, "/var/lib/docker", 0711);
    tree_chmod(root, "/var/lib/docker/containers", 0711);
    tree_chmod(root, "/var/lib/docker/containers/" CID, 0711);
    assert_int_equal(run(root, NULL, ev, sizeof(ev)), LD_STATUS_FAIL);
    assert_non_null(strstr(ev, CID "/hostconfig.json (0644 root:root) is readable by others"));
    assert_null(strstr(ev, "config.v2.json ("));
    /* a non-root group that can reach it reads config.v2.json */
    tree_chmod(root, "/var/lib/docker", 0710);
    tree_chmod(root, "/var/lib/docker/containers", 0710);
    tree_chmod(root, "/var/lib/docker/containers/" CID, 0710);
    char p[512];
    const char *rel[] = {"/var/lib/docker", "/var/lib/docker/containers",
                         "/var/lib/docker/containers/" CID,
                         "/var/lib/docker/containers/" CID "/config.v2.json"};
    for (size_t i = 0; i < 4; i++) {
        snprintf(p, sizeof(p), "%s%s", root, rel[i]);
        assert_int_equal(chown(p, 0, 4242), 0);
    }
    tree_chmod(root, "/var/lib/docker/containers/" CID "/config.v2.json", 0640);
    assert_int_equal(run(root, NULL, ev, sizeof(ev)), LD_STATUS_FAIL);
    assert_non_null(strstr(ev, "config.v2.json (0640 root:4242) is readable by its group"));
    /* the same modes with group root: root's group is not an exposure */
    for (size_t i = 0; i < 4; i++) {
        snprintf(p, sizeof(p), "%s%s", root, rel[i]);
        assert_int_equal(chown(p, 0, 0), 0);
    }
    assert_int_equal(run(root, NULL, ev, sizeof(ev)), LD_STATUS_PASS);
    tree_remove(root);
}

static void test_writable_and_foreign_owned_dirs_fail(void **state)
{
    (void)state;
    char root[64], ev[8192];
    tree_new(root, sizeof(root), "ctrfiles");
    docker_tree(root, "/var/lib/docker");
    tree_chmod(root, "/var/lib/docker/volumes", 0777);
    tree_chmod(root, "/run/containerd", 0771);
    char p[512];
    snprintf(p, sizeof(p), "%s/var/lib/containerd", root);
    assert_int_equal(chown(p, 1000, 0), 0);
    assert_int_equal(run(root, NULL, ev, sizeof(ev)), LD_STATUS_FAIL);
    assert_non_null(strstr(ev, "/var/lib/docker/volumes is other-writable (0777"));
    assert_non_null(strstr(ev, "/run/containerd is group-writable (0771"));
    assert_non_null(strstr(ev, "/var/lib/containerd is not owned by root (0700 1000:root)"));
    tree_remove(root);
}

static void test_symlinked_config_fails(void **state)
{
    (void)state;
    char root[64], ev[8192];
    tree_new(root, sizeof(root), "ctrfiles");
    docker_tree(root, "/var/lib/docker");
    char p[512];
    snprintf(p, sizeof(p), "%s/var/lib/docker/containers/" CID "/config.v2.json", root);
    unlink(p);
    tree_symlink(root, "/var/lib/docker/containers/" CID "/config.v2.json", "/etc/shadow");
    assert_int_equal(run(root, NULL, ev, sizeof(ev)), LD_STATUS_FAIL);
    assert_non_null(strstr(ev, "config.v2.json is not a regular file"));
    tree_remove(root);
}

static void test_not_applicable_and_data_root(void **state)
{
    (void)state;
    char root[64], ev[8192];
    tree_new(root, sizeof(root), "ctrfiles");
    tree_mkdirs(root, "/etc", 0755);
    assert_int_equal(run(root, NULL, ev, sizeof(ev)), LD_STATUS_SKIPPED);
    assert_non_null(strstr(ev, "no Docker data root (/var/lib/docker)"));
    /* the engine's data root elsewhere */
    docker_tree(root, "/srv/docker");
    tree_chmod(root, "/srv/docker/containers/" CID, 0777);
    assert_int_equal(run(root, "/srv/docker", ev, sizeof(ev)), LD_STATUS_FAIL);
    assert_non_null(strstr(ev, "/srv/docker/containers/" CID " is other-writable"));
    tree_remove(root);
}

static void test_cap_says_so(void **state)
{
    (void)state;
    char root[64], ev[8192];
    tree_new(root, sizeof(root), "ctrfiles");
    docker_tree(root, "/var/lib/docker");
    char p[512];
    for (int i = 0; i < 5; i++) {
        snprintf(p, sizeof(p), "%s/var/lib/docker/containers/c%05d", root, i);
        assert_int_equal(mkdir(p, 0710), 0);
    }
    /* 6 containers, 6 read: complete */
    max_containers = 6;
    assert_int_equal(run(root, NULL, ev, sizeof(ev)), LD_STATUS_PASS);
    /* a cap of 5: says so, not assessed in full */
    max_containers = 5;
    assert_int_equal(run(root, NULL, ev, sizeof(ev)), LD_STATUS_ERROR);
    assert_non_null(strstr(ev, "not assessed in full"));
    assert_non_null(strstr(ev, "more than 5 containers"));
    assert_non_null(strstr(ev, "the first 5 containers'"));
    /* a failure found before the cap still fails */
    tree_chmod(root, "/var/lib/docker/volumes", 0777);
    assert_int_equal(run(root, NULL, ev, sizeof(ev)), LD_STATUS_FAIL);
    assert_non_null(strstr(ev, "more than 5 containers"));
    max_containers = 0;
    tree_remove(root);
}

/* This machine: Docker's data root is present here; its own modes pass,
 * and an other-writable one would fail. */
static void test_real_host(void **state)
{
    (void)state;
    char ev[8192];
    ld_status st = run("/", NULL, ev, sizeof(ev));
    print_message("host.container-files on this machine: %s: %.600s\n", ld_status_name(st), ev);
    struct stat s;
    bool docker = stat("/var/lib/docker", &s) == 0;
    bool containerd =
        access("/var/lib/containerd", F_OK) == 0 || access("/run/containerd", F_OK) == 0;
    if (!docker && !containerd) {
        assert_int_equal(st, LD_STATUS_SKIPPED);
        return;
    }
    assert_int_not_equal(st, LD_STATUS_SKIPPED);
    if (docker && ((s.st_mode & S_IWOTH) || s.st_uid != 0))
        assert_int_equal(st, LD_STATUS_FAIL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_docker_defaults_pass),
        cmocka_unit_test(test_exposed_config_fails),
        cmocka_unit_test(test_writable_and_foreign_owned_dirs_fail),
        cmocka_unit_test(test_symlinked_config_fails),
        cmocka_unit_test(test_not_applicable_and_data_root),
        cmocka_unit_test(test_cap_says_so),
        cmocka_unit_test(test_real_host),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
