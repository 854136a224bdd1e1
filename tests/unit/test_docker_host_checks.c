/* Unit tests for the Docker host and file checks (docker/host_checks.c) on
 * hand-built host trees: the docker group from an unreadable, missing or
 * populated group file and (on this machine) through NSS; registry
 * certificates at any depth, past the file cap and the depth cap, with
 * symlinks that are not followed; root ownership by uid 0 whatever the
 * account files call it; and a remote engine's host, where nothing is
 * assessed. Asserted on the findings set the checks return. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <dirent.h>
#include <grp.h>

#include <cmocka.h>

#include "core/findings.h"
#include "docker/daemon_config.h"
#include "docker/host_checks.h"
#include "test_docker_util.h"

static char tree[] = "/tmp/ld-hostchecks-XXXXXX";

static void mkdirs(const char *rel)
{
    char p[1024];
    snprintf(p, sizeof(p), "%s/%s", tree, rel);
    for (char *s = p + strlen(tree) + 1; *s; s++)
        if (*s == '/') {
            *s = '\0';
            mkdir(p, 0755);
            *s = '/';
        }
    mkdir(p, 0755);
}

static void put(const char *rel, const char *text, mode_t mode)
{
    char p[1024];
    snprintf(p, sizeof(p), "%s/%s", tree, rel);
    FILE *f = fopen(p, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    chmod(p, mode);
}

static void rm_tree(const char *path)
{
    /* the test's own temp tree only: a small recursive unlink */
    struct stat st;
    if (lstat(path, &st) < 0)
        return;
    if (S_ISDIR(st.st_mode)) {
        DIR *d = opendir(path);
        if (d) {
            struct dirent *de;
            while ((de = readdir(d)))
                if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..")) {
                    char sub[2048];
                    snprintf(sub, sizeof(sub), "%s/%s", path, de->d_name);
                    rm_tree(sub);
                }
            closedir(d);
        }
        rmdir(path);
    } else {
        unlink(path);
    }
}

static int setup_tree(void **state)
{
    if (setup(state) < 0 || !mkdtemp(tree))
        return -1;
    return 0;
}

static int teardown_tree(void **state)
{
    rm_tree(tree);
    return teardown(state);
}

static ld_findings *host_checks(const ld_host_check_options *o)
{
    ld_findings *fs = ld_findings_new(catalog, TEST_NOW);
    ld_daemon_config cfg = {0};
    cfg.cmdline_read = true; /* everything unset was seen unset */
    ld_error err = LD_ERROR_INIT;
    assert_int_equal(ld_docker_host_checks(fs, o, &cfg, NULL, &err), 0);
    assert_int_equal(ld_docker_file_checks(fs, o, &cfg, &err), 0);
    ld_daemon_config_clear(&cfg);
    return fs;
}

/* CIS 1.1.2 from a host tree: a group file that cannot be read is not an
 * empty group (this used to pass). */
static void test_group_file(void **state)
{
    (void)state;
    ld_host_check_options o = {.root = tree, .live = false, .host_name = "tree"};
    ld_findings *fs = host_checks(&o);
    assert_check(fs, "host.docker-group", LD_STATUS_ERROR); /* no /etc/group at all */
    ld_findings_free(fs);
    mkdirs("etc/group"); /* not a file */
    fs = host_checks(&o);
    assert_check(fs, "host.docker-group", LD_STATUS_ERROR);
    assert_evidence_has(fs, "host.docker-group", "cannot read");
    ld_findings_free(fs);
    char p[1024];
    snprintf(p, sizeof(p), "%s/etc/group", tree);
    rmdir(p);
    put("etc/group", "root:x:0:\nstaff:x:50:\n", 0644);
    put("etc/passwd", "root:x:0:0:root:/root:/bin/sh\n", 0644);
    fs = host_checks(&o);
    assert_check(fs, "host.docker-group", LD_STATUS_PASS);
    assert_evidence_has(fs, "host.docker-group", "no docker group (/etc/group)");
    ld_findings_free(fs);
    put("etc/group", "root:x:0:\ndocker:x:999:alice\n", 0644);
    put("etc/passwd", "root:x:0:0:root:/root:/bin/sh\nbob:x:1001:999::/home/bob:/bin/sh\n", 0644);
    fs = host_checks(&o);
    assert_check(fs, "host.docker-group", LD_STATUS_WARN);
    assert_evidence_has(fs, "host.docker-group", "members: alice, bob");
    ld_findings_free(fs);
}

/* On this machine the group comes from NSS, as dockerd's socket sees it. */
static void test_group_nss(void **state)
{
    (void)state;
    ld_host_check_options o = {.root = "/", .live = true, .host_name = "this"};
    ld_findings *fs = host_checks(&o);
    const ld_finding *f = finding(fs, "host.docker-group");
    assert_non_null(strstr(f->evidence, "NSS (getgrnam)"));
    struct group *g = getgrnam("docker");
    if (g) {
        char gid[64];
        snprintf(gid, sizeof(gid), "gid %lu", (unsigned long)g->gr_gid);
        assert_non_null(strstr(f->evidence, gid));
        assert_true(f->status == LD_STATUS_PASS || f->status == LD_STATUS_WARN);
    } else {
        assert_int_equal(f->status, LD_STATUS_PASS);
    }
    ld_findings_free(fs);
}

static size_t count_on(const ld_findings *fs, const char *check, const char *target)
{
    size_t n = 0;
    for (size_t i = 0; i < fs->n; i++)
        n += strcmp(fs->v[i]->check_id, check) == 0 && strcmp(fs->v[i]->target.id, target) == 0;
    return n;
}

/* CIS 3.7 / 3.8: every certificate file at any depth; symlinks are not
 * followed out of the tree; past the caps: not assessed, naming the cap. */
static void test_registry_certs(void **state)
{
    (void)state;
    mkdirs("etc/docker/certs.d/reg.example:5000");
    mkdirs("etc/docker/certs.d/a/b/c");
    mkdirs("etc/secret");
    put("etc/docker/certs.d/reg.example:5000/ca.crt", "x", 0444);
    put("etc/docker/certs.d/a/b/c/deep.crt", "x", 0666);
    put("etc/secret/key.pem", "x", 0600);
    char p[1024], t[1024];
    snprintf(p, sizeof(p), "%s/etc/docker/certs.d/to-etc", tree);
    assert_int_equal(symlink("/etc/secret", p), 0); /* a directory symlink: not entered */
    ld_host_check_options o = {.root = tree, .live = false, .host_name = "tree"};
    ld_findings *fs = host_checks(&o);
    const ld_finding *deep =
        find_finding(fs, "file.registry-certs-mode", "/etc/docker/certs.d/a/b/c/deep.crt");
    assert_non_null(deep); /* three levels down: the old one-level walk missed it */
    assert_int_equal(deep->status, LD_STATUS_FAIL);
    const ld_finding *ca =
        find_finding(fs, "file.registry-certs-mode", "/etc/docker/certs.d/reg.example:5000/ca.crt");
    assert_non_null(ca);
    assert_int_equal(ca->status, LD_STATUS_PASS);
    assert_null(find_finding(fs, "file.registry-certs-mode", "/etc/docker/certs.d/to-etc/key.pem"));
    /* the symlink itself is a file entry, judged by its target inside the root */
    assert_int_equal(count_on(fs, "file.registry-certs-mode", "/etc/docker/certs.d/to-etc"), 1);
    assert_int_equal(count_check(fs, "file.registry-certs-mode"), 3);
    ld_findings_free(fs);

    /* nested deeper than the cap */
    mkdirs("etc/docker/certs.d/1/2/3/4/5/6/7/8/9");
    put("etc/docker/certs.d/1/2/3/4/5/6/7/8/9/too-deep.crt", "x", 0444);
    fs = host_checks(&o);
    bool capped = false;
    for (size_t i = 0; i < fs->n; i++)
        if (strcmp(fs->v[i]->check_id, "file.registry-certs-owner") == 0 &&
            fs->v[i]->status == LD_STATUS_ERROR && strstr(fs->v[i]->evidence, "(cap 8)"))
            capped = true;
    assert_true(capped);
    ld_findings_free(fs);
    snprintf(t, sizeof(t), "%s/etc/docker/certs.d/1", tree);
    rm_tree(t);

    /* more files than the cap: the first ones are checked, the rest is not assessed */
    mkdirs("etc/docker/certs.d/many");
    for (int i = 0; i < 1005; i++) {
        snprintf(p, sizeof(p), "etc/docker/certs.d/many/c%04d.crt", i);
        put(p, "", 0444);
    }
    fs = host_checks(&o);
    assert_int_equal(count_check(fs, "file.registry-certs-mode"), 1000 + 1);
    const ld_finding *over = find_finding(fs, "file.registry-certs-mode", "/etc/docker/certs.d");
    assert_non_null(over);
    assert_int_equal(over->status, LD_STATUS_ERROR);
    assert_non_null(strstr(over->evidence, "(cap 1000)"));
    ld_findings_free(fs);
    snprintf(t, sizeof(t), "%s/etc/docker", tree);
    rm_tree(t);
}

/* Root ownership is uid / gid 0, whatever name the account files give it. */
static void test_owner_by_uid(void **state)
{
    (void)state;
    mkdirs("etc/docker");
    chmod(tree, 0755);
    put("etc/passwd", "toor:x:000:0:first uid 0 account:/root:/bin/sh\nroot:x:0:0::/root:/bin/sh\n",
        0644);
    put("etc/group", "wheel:x:0:\n", 0644);
    ld_host_check_options o = {.root = tree, .live = false, .host_name = "tree"};
    ld_findings *fs = host_checks(&o);
    const ld_finding *f = find_finding(fs, "file.etc-docker-owner", "/etc/docker");
    assert_non_null(f);
    struct stat st;
    char p[1024];
    snprintf(p, sizeof(p), "%s/etc/docker", tree);
    assert_int_equal(stat(p, &st), 0);
    /* created by this test: owned by whoever runs it */
    assert_int_equal(f->status, st.st_uid == 0 && st.st_gid == 0 ? LD_STATUS_PASS : LD_STATUS_FAIL);
    if (st.st_uid == 0)
        assert_non_null(strstr(f->evidence, "toor:wheel"));
    ld_findings_free(fs);
}

/* A remote engine's host: nothing on this machine stands in for it. */
static void test_unseen_host(void **state)
{
    (void)state;
    ld_host_check_options o = {.root = "/",
                               .live = true,
                               .host_name = "this",
                               .unseen = "engine tcp://10.0.0.5:2375 is remote"};
    ld_findings *fs = host_checks(&o);
    assert_true(fs->n >= 2 + 16 + 24);
    for (size_t i = 0; i < fs->n; i++) {
        if (fs->v[i]->status != LD_STATUS_ERROR || !strstr(fs->v[i]->evidence, "is remote"))
            fail_msg("%s on %s: %s", fs->v[i]->check_id, fs->v[i]->target.id, fs->v[i]->evidence);
    }
    ld_findings_free(fs);
}

/* TLS files the configuration might name, when it could not be read. */
static void test_tls_files_unknown(void **state)
{
    (void)state;
    ld_findings *fs = ld_findings_new(catalog, TEST_NOW);
    ld_daemon_config cfg = {0}; /* nothing read */
    ld_host_check_options o = {.root = tree, .live = false, .host_name = "tree"};
    ld_error err = LD_ERROR_INIT;
    assert_int_equal(ld_docker_file_checks(fs, &o, &cfg, &err), 0);
    assert_check(fs, "file.tls-key-mode", LD_STATUS_ERROR);
    ld_findings_free(fs);
    fs = host_checks(&o); /* configuration seen, TLS not configured */
    assert_check(fs, "file.tls-key-mode", LD_STATUS_SKIPPED);
    ld_findings_free(fs);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_group_file),     cmocka_unit_test(test_group_nss),
        cmocka_unit_test(test_registry_certs), cmocka_unit_test(test_owner_by_uid),
        cmocka_unit_test(test_unseen_host),    cmocka_unit_test(test_tls_files_unknown),
    };
    return cmocka_run_group_tests(tests, setup_tree, teardown_tree);
}
