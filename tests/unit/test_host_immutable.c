/* Unit tests for host.immutable (host/host_immutable.c) and the mountinfo
 * reader under it (host/mountinfo.c).
 *
 * Reader: real lines (optional fields, none, escaped paths), later mounts
 * covering earlier ones, hostile lines (no separator, too few fields, bad
 * escapes, control bytes, NUL, oversize) counted and skipped, the limits.
 * Check, on fake host trees with ROOT/proc/1/mountinfo: writable root with
 * dpkg fails naming both; read-only root, read-only /usr, ostree, Flatcar,
 * NixOS's read-only store pass; writable without a package manager needs
 * review; no mount table (missing, a directory, a symlink out of the root)
 * is not assessed unless an image-based OS marker decides; the finding is
 * filed under NIST-HOST-03. And once against this machine, compared with
 * statvfs("/"). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statvfs.h>

#include <cmocka.h>

#include "core/catalog.h"
#include "core/findings.h"
#include "host/host_immutable.h"
#include "host/mountinfo.h"
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

/* ---- reader ------------------------------------------------------------------------------ */

static void parse(const char *text, ld_mount_table *t)
{
    ld_error err = LD_ERROR_INIT;
    memset(t, 0, sizeof(*t));
    if (ld_mountinfo_parse(text, strlen(text), t, &err) != 0)
        fail_msg("parse failed: %s", err.msg);
}

static void test_reader_real_lines(void **state)
{
    (void)state;
    ld_mount_table t;
    parse("22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw,errors=remount-ro\n"
          "25 22 0:21 / /proc rw,nosuid,nodev,noexec,relatime shared:12 - proc proc rw\n"
          "30 22 8:2 / /usr ro,relatime shared:2 master:3 - xfs /dev/sda2 rw\n"
          "31 22 8:3 /dir\\040with\\040space /mnt/a\\040b rw - ext4 /dev/sda3 ro\n"
          "40 22 0:50 / / ro - overlay overlay rw,lowerdir=/a\n",
          &t);
    assert_int_equal(t.bad_lines, 0);
    assert_int_equal(t.n, 5);
    assert_string_equal(t.v[0].fstype, "ext4");
    assert_string_equal(t.v[0].source, "/dev/sda1");
    assert_false(ld_mount_entry_ro(&t.v[0]));
    assert_true(t.v[2].ro_mount);
    assert_false(t.v[2].ro_super);
    assert_string_equal(t.v[3].mount_point, "/mnt/a b");
    assert_string_equal(t.v[3].root, "/dir with space");
    assert_true(t.v[3].ro_super);
    /* the later mount at / covers the first */
    const ld_mount_entry *root = ld_mount_table_at(&t, "/");
    assert_non_null(root);
    assert_int_equal(root->line, 5);
    assert_true(ld_mount_entry_ro(root));
    assert_null(ld_mount_table_at(&t, "/var"));
    ld_mount_table_clear(&t);
}

static void test_reader_hostile(void **state)
{
    (void)state;
    ld_mount_table t;
    parse("22 1 8:1 / / rw shared:1 ext4 /dev/sda1 rw\n" /* no "-" */
          "22 1 8:1 / / rw - ext4\n"                     /* too few fields */
          "x 1 8:1 / / rw - ext4 /dev/sda1 rw\n"         /* id not a number */
          "22 1 8:1 / /a\\09 rw - ext4 /dev/sda1 rw\n"   /* bad octal */
          "22 1 8:1 / /a\\0 rw - ext4 /dev/sda1 rw\n"    /* short escape at the end */
          "22 1 8:1 / /a\\012b rw - ext4 /dev/sda1 rw\n" /* newline in a path */
          "22 1 8:1 / relative rw - ext4 /dev/sda1 rw\n" /* not absolute */
          "22 1 8:1 / / rw - ext\x01"
          "4 /dev/sda1 rw\n"                                 /* control byte in fstype */
          "22 1 8:1 / / rw - ext4 /dev/sda1 rw extra more\n" /* too many after "-" */
          "\n"
          "23 1 8:1 / /ok rw - ext4 /dev/sda1 rw", /* no final newline: fine */
          &t);
    assert_int_equal(t.n, 1);
    assert_string_equal(t.v[0].mount_point, "/ok");
    assert_int_equal(t.bad_lines, 9);
    ld_mount_table_clear(&t);

    ld_error err = LD_ERROR_INIT;
    char nul[] = "22 1 8:1 / / rw - ext4 /dev/sda1 rw\n22 1 8:1 / /b\0c rw - ext4 d rw\n";
    memset(&t, 0, sizeof(t));
    assert_int_equal(ld_mountinfo_parse(nul, sizeof(nul) - 1, &t, &err), 0);
    assert_int_equal(t.n, 1);
    assert_int_equal(t.bad_lines, 1);
    ld_mount_table_clear(&t);

    size_t big = LD_MOUNTINFO_LINE_MAX + 10;
    char *line = malloc(big + 1);
    memset(line, 'a', big);
    memcpy(line, "1 1 1:1 / /", 11);
    line[big] = '\0';
    assert_int_equal(ld_mountinfo_parse(line, big, &t, &err), 0);
    assert_int_equal(t.n, 0);
    assert_int_equal(t.bad_lines, 1);
    free(line);
    assert_int_equal(ld_mountinfo_parse("", LD_MOUNTINFO_MAX_BYTES + 1, &t, &err), LD_ERR_LIMIT);
    ld_mount_table_clear(&t);
}

/* ---- check ------------------------------------------------------------------------------- */

static const char rw_root[] = "22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/vda1 rw\n"
                              "25 22 0:21 / /proc rw,nosuid - proc proc rw\n";
static const char ro_root[] = "22 1 8:1 / / ro,relatime - ext4 /dev/vda1 ro\n";
static const char ro_usr[] = "22 1 8:1 / / rw - ext4 /dev/vda1 rw\n"
                             "23 22 8:2 / /usr ro - ext4 /dev/vda2 rw\n";

static ld_status run(const char *root, const char **evidence_out)
{
    static char evidence[4096];
    ld_findings *fs = ld_findings_new(catalog, 0);
    ld_error err = LD_ERROR_INIT;
    if (ld_host_immutable_check(fs, root, &err) != 0)
        fail_msg("check failed: %s", err.msg);
    const ld_finding *f = tree_finding(fs, "host.immutable");
    assert_non_null(f);
    assert_string_equal(f->control->id, "NIST-HOST-03");
    assert_int_equal(f->target.kind, LD_TARGET_HOST);
    snprintf(evidence, sizeof(evidence), "%s", f->evidence ? f->evidence : "");
    ld_status st = f->status;
    assert_int_equal(fs->n, 1);
    ld_findings_free(fs);
    if (evidence_out)
        *evidence_out = evidence;
    return st;
}

static void debian(const char *root)
{
    tree_write(root, "/etc/os-release", "ID=debian\nVERSION_ID=\"12\"\n", 0644);
    tree_write(root, "/usr/bin/dpkg", "#!/bin/true\n", 0755);
    tree_write(root, "/usr/bin/apt", "#!/bin/true\n", 0755);
}

static void test_writable_with_package_manager_fails(void **state)
{
    (void)state;
    char root[64];
    tree_new(root, sizeof(root), "immut");
    debian(root);
    tree_write(root, "/proc/1/mountinfo", rw_root, 0444);
    const char *ev = NULL;
    assert_int_equal(run(root, &ev), LD_STATUS_FAIL);
    assert_non_null(strstr(ev, "/usr/bin/dpkg"));
    assert_non_null(strstr(ev, "/usr/bin/apt"));
    assert_non_null(strstr(ev, "read-write (ext4 /dev/vda1"));
    assert_non_null(strstr(ev, "ID=debian"));
    /* a non-executable "dpkg" is not a package manager: needs review */
    tree_chmod(root, "/usr/bin/dpkg", 0644);
    tree_chmod(root, "/usr/bin/apt", 0644);
    assert_int_equal(run(root, &ev), LD_STATUS_WARN);
    assert_non_null(strstr(ev, "package managers: none"));
    tree_remove(root);
}

static void test_read_only_root_or_usr_passes(void **state)
{
    (void)state;
    char root[64];
    tree_new(root, sizeof(root), "immut");
    debian(root);
    tree_write(root, "/proc/1/mountinfo", ro_root, 0444);
    const char *ev = NULL;
    assert_int_equal(run(root, &ev), LD_STATUS_PASS);
    assert_non_null(strstr(ev, "root file system is read-only"));
    tree_write(root, "/proc/1/mountinfo", ro_usr, 0444);
    assert_int_equal(run(root, &ev), LD_STATUS_PASS);
    assert_non_null(strstr(ev, "/usr is read-only"));
    tree_remove(root);
}

static void test_image_based_markers_pass(void **state)
{
    (void)state;
    char root[64];
    tree_new(root, sizeof(root), "immut");
    debian(root);
    tree_write(root, "/proc/1/mountinfo", rw_root, 0444);
    tree_write(root, "/run/ostree-booted", "", 0644);
    const char *ev = NULL;
    assert_int_equal(run(root, &ev), LD_STATUS_PASS);
    assert_non_null(strstr(ev, "ostree"));
    tree_remove(root);

    /* Flatcar decides even without a mount table */
    tree_new(root, sizeof(root), "immut");
    tree_write(root, "/etc/os-release", "ID=flatcar\nID_LIKE=coreos\n", 0644);
    assert_int_equal(run(root, &ev), LD_STATUS_PASS);
    assert_non_null(strstr(ev, "ID=flatcar"));
    assert_non_null(strstr(ev, "mount table not read"));
    tree_remove(root);

    /* NixOS: only with /nix/store read-only */
    tree_new(root, sizeof(root), "immut");
    tree_write(root, "/etc/os-release", "ID=nixos\n", 0644);
    tree_write(root, "/usr/bin/rpm", "", 0755);
    tree_write(root, "/proc/1/mountinfo",
               "22 1 8:1 / / rw - ext4 /dev/vda1 rw\n"
               "23 22 8:1 /nix/store /nix/store rw - ext4 /dev/vda1 rw\n",
               0444);
    assert_int_equal(run(root, &ev), LD_STATUS_FAIL);
    tree_write(root, "/proc/1/mountinfo",
               "22 1 8:1 / / rw - ext4 /dev/vda1 rw\n"
               "23 22 8:1 /nix/store /nix/store rw - ext4 /dev/vda1 rw\n"
               "24 23 8:1 /nix/store /nix/store ro - ext4 /dev/vda1 rw\n",
               0444);
    assert_int_equal(run(root, &ev), LD_STATUS_PASS);
    assert_non_null(strstr(ev, "NixOS"));
    tree_remove(root);
}

static void test_no_mount_table_not_assessed(void **state)
{
    (void)state;
    char root[64], outside[64];
    tree_new(root, sizeof(root), "immut");
    debian(root);
    const char *ev = NULL;
    /* missing */
    assert_int_equal(run(root, &ev), LD_STATUS_ERROR);
    assert_non_null(strstr(ev, "not assessed"));
    /* a directory where the file should be */
    tree_mkdirs(root, "/proc/1/mountinfo", 0755);
    assert_int_equal(run(root, &ev), LD_STATUS_ERROR);
    tree_remove(root);
    /* a symlink out of the root: not followed there */
    tree_new(root, sizeof(root), "immut");
    tree_new(outside, sizeof(outside), "immut-out");
    debian(root);
    tree_write(outside, "/mountinfo", ro_root, 0444);
    char target[128];
    snprintf(target, sizeof(target), "%s/mountinfo", outside);
    tree_mkdirs(root, "/proc/1", 0755);
    tree_symlink(root, "/proc/1/mountinfo", target);
    assert_int_equal(run(root, &ev), LD_STATUS_ERROR);
    /* a mount table without "/" */
    tree_remove(root);
    tree_new(root, sizeof(root), "immut");
    debian(root);
    tree_write(root, "/proc/1/mountinfo", "25 22 0:21 / /proc rw - proc proc rw\n", 0444);
    assert_int_equal(run(root, &ev), LD_STATUS_ERROR);
    assert_non_null(strstr(ev, "no mount at /"));
    tree_remove(root);
    tree_remove(outside);
}

static void test_root_not_a_directory(void **state)
{
    (void)state;
    ld_findings *fs = ld_findings_new(catalog, 0);
    ld_error err = LD_ERROR_INIT;
    assert_int_equal(ld_host_immutable_check(fs, "/nonexistent-ld-root", &err), LD_ERR_NOT_FOUND);
    ld_findings_free(fs);
}

/* This machine: the verdict agrees with statvfs("/") and the package
 * managers seen independently. */
static void test_real_host(void **state)
{
    (void)state;
    struct statvfs sv;
    assert_int_equal(statvfs("/", &sv), 0);
    const char *ev = NULL;
    ld_status st = run("/", &ev);
    print_message("host.immutable on this machine: %s: %s\n", ld_status_name(st), ev);
    bool markers = access("/run/ostree-booted", F_OK) == 0 || access("/ostree", F_OK) == 0;
    if ((sv.f_flag & ST_RDONLY) || markers) {
        assert_int_equal(st, LD_STATUS_PASS);
    } else {
        struct statvfs usr;
        bool usr_ro = statvfs("/usr", &usr) == 0 && (usr.f_flag & ST_RDONLY);
        bool pm = access("/usr/bin/dpkg", X_OK) == 0 || access("/usr/bin/rpm", X_OK) == 0 ||
                  access("/sbin/apk", X_OK) == 0;
        if (usr_ro)
            assert_int_equal(st, LD_STATUS_PASS);
        else if (pm)
            assert_int_equal(st, LD_STATUS_FAIL);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reader_real_lines),
        cmocka_unit_test(test_reader_hostile),
        cmocka_unit_test(test_writable_with_package_manager_fails),
        cmocka_unit_test(test_read_only_root_or_usr_passes),
        cmocka_unit_test(test_image_based_markers_pass),
        cmocka_unit_test(test_no_mount_table_not_assessed),
        cmocka_unit_test(test_root_not_a_directory),
        cmocka_unit_test(test_real_host),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
