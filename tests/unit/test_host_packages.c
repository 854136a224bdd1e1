/* Unit tests for ld_host_packages_check (src/host/host_packages.c,
 * host_pkgdb.c, host_reboot.c): host roots in tests/fixtures/host (a
 * Debian 12 dpkg status with packages the fixture feeds mark vulnerable, a
 * clean one, an Alpine 3.19 apk database) and roots built here (an rpm
 * database written by Debian's rpm tool, a Debian 10 release the database
 * does not cover, no package database, status links leading out of the
 * root, reboot-required flags, hostile status files, status.d), matched
 * against a database built from tests/fixtures/feeds (Debian tracker and
 * Alpine secdb) with the builder API. Asserts the findings (check ids,
 * host target, vulnerability fields), the scope and coverage, and the
 * evaluation of NIST-HOST-02. Also runs once against this machine's own
 * root. */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <setjmp.h>
#include <spawn.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "test_skip.h"

#include "core/catalog.h"
#include "core/evaluate.h"
#include "core/findings.h"
#include "host/host_packages.h"
#include "util/mem.h"
#include "vuln/db.h"

#define FIXTURES LD_SOURCE_DIR "/tests/fixtures/host"
#define FEEDS LD_SOURCE_DIR "/tests/fixtures/feeds"

extern char **environ;

static char dir[] = "/tmp/ld-host-pkgs-XXXXXX";
static char db_path[PATH_MAX];
static ld_catalog *cat;
static ld_findings *fs;
static ld_host_packages_summary summary;

/* ---- helpers ---------------------------------------------------------- */

static void mkdirs(const char *path)
{
    char tmp[PATH_MAX];
    snprintf(tmp, sizeof tmp, "%s", path);
    for (char *p = tmp + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(tmp, 0755) < 0 && errno != EEXIST)
            fail_msg("mkdir %s: %s", tmp, strerror(errno));
        *p = '/';
    }
    if (mkdir(tmp, 0755) < 0 && errno != EEXIST)
        fail_msg("mkdir %s: %s", tmp, strerror(errno));
}

/* Writes len bytes of data at root/rel, creating the directories. */
static void put_bytes(const char *root, const char *rel, const char *data, size_t len)
{
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/%s", root, rel);
    char *slash = strrchr(path, '/');
    *slash = '\0';
    mkdirs(path);
    *slash = '/';
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, len, f), len);
    fclose(f);
}

static void put(const char *root, const char *rel, const char *text)
{
    put_bytes(root, rel, text, strlen(text));
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    char *buf = ld_xmalloc(1 << 20);
    size_t n = fread(buf, 1, (1 << 20) - 1, f);
    fclose(f);
    buf[n] = '\0';
    return buf;
}

/* Copies FIXTURES/fixture/rel to root/rel. */
static void copy_fixture(const char *fixture, const char *rel, const char *root)
{
    char src[PATH_MAX];
    snprintf(src, sizeof src, "%s/%s/%s", FIXTURES, fixture, rel);
    char *text = slurp(src);
    put(root, rel, text);
    free(text);
}

/* A new empty directory under dir, named name. */
static const char *new_root(const char *name)
{
    static char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    mkdirs(path);
    return path;
}

static void link_at(const char *target, const char *root, const char *rel)
{
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/%s", root, rel);
    char *slash = strrchr(path, '/');
    *slash = '\0';
    mkdirs(path);
    *slash = '/';
    if (symlink(target, path) < 0)
        fail_msg("symlink %s: %s", path, strerror(errno));
}

static int run_check_at(const char *root, const ld_host_packages_options *base, time_t now)
{
    ld_findings_free(fs);
    ld_host_packages_summary_clear(&summary);
    fs = ld_findings_new(cat, now);
    ld_vuln_options vo = {.db_path = db_path};
    ld_host_packages_options o = {0};
    if (base)
        o = *base;
    if (!o.vuln)
        o.vuln = &vo;
    o.summary = &summary;
    ld_error err = LD_ERROR_INIT;
    int rc = ld_host_packages_check(fs, root, &o, &err);
    if (rc < 0)
        fail_msg("ld_host_packages_check: %s", err.msg);
    return rc;
}

static void run_check(const char *root, const ld_host_packages_options *base)
{
    run_check_at(root, base, 0);
}

static size_t count(const char *check, ld_status st, bool vuln)
{
    size_t n = 0;
    for (size_t i = 0; i < fs->n; i++)
        n += strcmp(fs->v[i]->check_id, check) == 0 && fs->v[i]->status == st &&
             (fs->v[i]->vuln != NULL) == vuln;
    return n;
}

/* The only finding of check (asserted), else fails. */
static const ld_finding *only(const char *check)
{
    const ld_finding *got = NULL;
    for (size_t i = 0; i < fs->n; i++) {
        if (strcmp(fs->v[i]->check_id, check) != 0)
            continue;
        if (got)
            fail_msg("more than one %s finding", check);
        got = fs->v[i];
    }
    if (!got)
        fail_msg("no %s finding", check);
    return got;
}

static const ld_finding *vuln(const char *id, const char *pkg)
{
    for (size_t i = 0; i < fs->n; i++) {
        const ld_finding *f = fs->v[i];
        if (f->vuln && strcmp(f->vuln->id, id) == 0 && strcmp(f->vuln->package, pkg) == 0)
            return f;
    }
    return NULL;
}

static void assert_contains(const char *s, const char *part)
{
    if (!s || !strstr(s, part))
        fail_msg("\"%s\" does not contain \"%s\"", s ? s : "(null)", part);
}

static ld_control_state host02_state(void)
{
    ld_eval_options eo = {.level = LD_LEVEL_LOW};
    ld_evaluation *ev = ld_evaluate(fs, NULL, &eo);
    const ld_control *c = ld_catalog_find(cat, "NIST-HOST-02");
    assert_non_null(c);
    ld_control_state st = ev->controls[c->index].state;
    if (getenv("A1_DEBUG"))
        fprintf(stderr, "NIST-HOST-02: %s: %s\n", ld_control_state_name(st),
                ev->controls[c->index].reason ? ev->controls[c->index].reason : "");
    ld_evaluation_free(ev);
    return st;
}

static const ld_scope_entry *scope_of(const char *check)
{
    return ld_findings_scope_of(fs, check);
}

/* ---- setup ------------------------------------------------------------ */

static int setup(void **state)
{
    (void)state;
    if (!mkdtemp(dir))
        return -1;
    snprintf(db_path, sizeof db_path, "%s/vuln.db", dir);
    ld_error err = LD_ERROR_INIT;
    ld_vulndb_limits lim;
    ld_vulndb_limits_default(&lim);
    ld_vulndb_builder *b = ld_vulndb_builder_new(db_path, false, &lim, &err);
    if (!b)
        return -1;
    if (ld_vulndb_builder_import(b, FEEDS "/debian/tracker.json", LD_FEED_DEBIAN,
                                 &(ld_feed_meta){.name = "debian-test"}, NULL, &err) < 0 ||
        ld_vulndb_builder_import(b, FEEDS "/alpine/v3.19-main.json", LD_FEED_ALPINE,
                                 &(ld_feed_meta){.name = "alpine-test"}, NULL, &err) < 0 ||
        ld_vulndb_builder_commit(b, &err) < 0) {
        fprintf(stderr, "building the database: %s\n", err.msg);
        return -1;
    }
    cat = ld_catalog_load_builtin(&err);
    return cat ? 0 : -1;
}

static int rm_entry(const char *p, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st, (void)flag, (void)ftw;
    return remove(p);
}

static int teardown(void **state)
{
    (void)state;
    ld_findings_free(fs);
    ld_host_packages_summary_clear(&summary);
    ld_catalog_free(cat);
    nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
    return 0;
}

/* ---- tests ------------------------------------------------------------ */

/* Debian 12 with systemd (CVE-2023-7008, open in bookworm) and libc6 from
 * glibc (CVE-2010-4756, open; CVE-2023-4911 fixed below the installed
 * version): two host vulnerability findings, nothing else of the check. */
static void test_debian_vulnerable(void **state)
{
    (void)state;
    ld_host_packages_options o = {.kernel_release = "6.1.0-18-amd64",
                                  .kernel_version =
                                      "#1 SMP PREEMPT_DYNAMIC Debian 6.1.76-1 (2024-02-01)"};
    run_check(FIXTURES "/debian12", &o);
    assert_int_equal(count("host.package-vulnerabilities", LD_STATUS_FAIL, true), 2);
    assert_int_equal(count("host.package-vulnerabilities", LD_STATUS_PASS, false), 0);
    assert_int_equal(count("host.package-vulnerabilities", LD_STATUS_ERROR, false), 0);
    const ld_finding *f = vuln("CVE-2023-7008", "systemd");
    assert_non_null(f);
    assert_string_equal(f->check_id, "host.package-vulnerabilities");
    assert_string_equal(f->control->id, "NIST-HOST-02");
    assert_int_equal(f->target.kind, LD_TARGET_HOST);
    assert_string_equal(f->target.id, "fixture-debian12"); /* ROOT/etc/hostname */
    assert_string_equal(f->target.path, "/var/lib/dpkg/status");
    assert_string_equal(f->vuln->ecosystem, "deb");
    assert_string_equal(f->vuln->installed_version, "252.39-1~deb12u1");
    assert_contains(f->vuln->purl, "distro=debian-12");
    assert_null(vuln("CVE-2023-4911", "libc6")); /* fixed in deb12u3, deb12u14 installed */
    f = vuln("CVE-2010-4756", "libc6");
    assert_non_null(f);
    assert_string_equal(f->vuln->source_package, "glibc");
    /* coverage under the host's name */
    assert_int_equal(fs->n_coverage, 1);
    assert_string_equal(fs->coverage[0].target, "fixture-debian12");
    assert_string_equal(fs->coverage[0].ecosystem, "deb");
    assert_string_equal(fs->coverage[0].release, "debian 12");
    assert_true(fs->coverage[0].covered);
    assert_int_equal(fs->coverage[0].packages,
                     6); /* the config-files-only kernel is not installed */
    assert_int_equal(summary.packages, 6);
    assert_string_equal(summary.ecosystems, "deb");
    assert_string_equal(summary.release, "debian 12");
    assert_true(summary.matched);
    /* the image check is not touched */
    assert_null(scope_of("image.vulnerabilities"));
    assert_int_equal(scope_of("host.package-vulnerabilities")->state, LD_SCOPE_OWED);
    /* the running kernel is the newest: no reboot pending */
    assert_int_equal(only("host.reboot-pending")->status, LD_STATUS_PASS);
    assert_contains(only("host.reboot-pending")->evidence, "linux-image-6.1.0-18-amd64 6.1.76-1");
    assert_int_equal(host02_state(), LD_CTRL_FAILED);
}

/* A host with a fixed version available gets the host's remediation (Alpine
 * 3.19, libcrypto3 from openssl 3.1.4-r2: three secfixes above it). */
static void test_alpine_fixable(void **state)
{
    (void)state;
    run_check(FIXTURES "/alpine319", NULL);
    assert_int_equal(count("host.package-vulnerabilities", LD_STATUS_FAIL, true), 3);
    static const char *const ids[] = {"CVE-2023-6129", "CVE-2023-6237", "CVE-2024-0727"};
    for (size_t i = 0; i < 3; i++) {
        const ld_finding *f = vuln(ids[i], "libcrypto3");
        if (!f)
            fail_msg("%s in libcrypto3 not found", ids[i]);
        assert_int_equal(f->target.kind, LD_TARGET_HOST);
        assert_string_equal(f->target.path, "/lib/apk/db/installed");
        assert_contains(f->remediation, "apk upgrade libcrypto3");
        assert_contains(f->remediation, "source package openssl");
    }
    assert_null(vuln("CVE-2023-5678", "libcrypto3")); /* fixed in r1, r2 installed */
    assert_string_equal(summary.release, "alpine 3.19.1");
    /* no kernel package: not applicable, and the control still fails on the packages */
    assert_int_equal(only("host.reboot-pending")->status, LD_STATUS_SKIPPED);
    assert_int_equal(host02_state(), LD_CTRL_FAILED);
}

/* Packages with no known vulnerability: a pass that says what was matched
 * against which database; with an old database the same is a warning. */
static void test_clean_pass_and_stale(void **state)
{
    (void)state;
    run_check(FIXTURES "/debian12-clean", NULL);
    const ld_finding *f = only("host.package-vulnerabilities");
    assert_int_equal(f->status, LD_STATUS_PASS);
    assert_int_equal(f->target.kind, LD_TARGET_HOST);
    assert_contains(f->evidence, "3 deb packages of debian 12 matched against the database");
    assert_contains(f->evidence, "no known vulnerability");
    assert_contains(f->evidence, "database of 20");
    assert_int_equal(f->severity, ld_catalog_find(cat, "NIST-HOST-02")->severity);
    assert_int_equal(only("host.reboot-pending")->status, LD_STATUS_SKIPPED);
    assert_int_equal(host02_state(), LD_CTRL_PASSED);

    run_check_at(FIXTURES "/debian12-clean", NULL, time(NULL) + 30 * 86400);
    f = only("host.package-vulnerabilities");
    assert_int_equal(f->status, LD_STATUS_WARN);
    assert_contains(f->evidence, "older than 7 days");
    assert_int_equal(host02_state(), LD_CTRL_REVIEW);
    /* the policy's age wins over the default */
    ld_vuln_options vo = {.db_path = db_path, .max_db_age_days = 60};
    ld_host_packages_options o = {.vuln = &vo};
    run_check_at(FIXTURES "/debian12-clean", &o, time(NULL) + 30 * 86400);
    assert_int_equal(only("host.package-vulnerabilities")->status, LD_STATUS_PASS);
}

/* No vulnerability database: not assessed with the reason, never a pass. */
static void test_no_database(void **state)
{
    (void)state;
    char missing[PATH_MAX];
    snprintf(missing, sizeof missing, "%s/absent.db", dir);
    ld_vuln_options vo = {.db_path = missing};
    ld_host_packages_options o = {.vuln = &vo};
    run_check(FIXTURES "/debian12-clean", &o);
    const ld_finding *f = only("host.package-vulnerabilities");
    assert_int_equal(f->status, LD_STATUS_ERROR);
    assert_contains(f->evidence, "not assessed");
    assert_contains(f->evidence, missing);
    const ld_scope_entry *sc = scope_of("host.package-vulnerabilities");
    assert_int_equal(sc->state, LD_SCOPE_NOT_ASSESSED);
    assert_contains(sc->reason, "lockdown db update");
    assert_false(summary.matched);
    assert_int_equal(host02_state(), LD_CTRL_NOT_ASSESSED);
}

/* A release the database has no advisories for (Debian 10): not assessed. */
static void test_uncovered_release(void **state)
{
    (void)state;
    const char *root = new_root("buster");
    copy_fixture("debian12-clean", "var/lib/dpkg/status", root);
    put(root, "etc/os-release", "ID=debian\nVERSION_ID=\"10\"\nVERSION_CODENAME=buster\n");
    run_check(root, NULL);
    const ld_finding *f = only("host.package-vulnerabilities");
    assert_int_equal(f->status, LD_STATUS_ERROR);
    assert_contains(f->evidence, "no advisories for deb debian 10");
    assert_int_equal(scope_of("host.package-vulnerabilities")->state, LD_SCOPE_NOT_ASSESSED);
    assert_int_equal(fs->n_coverage, 1);
    assert_false(fs->coverage[0].covered);
    assert_int_equal(host02_state(), LD_CTRL_NOT_ASSESSED);
}

/* No package database at all: not assessed, naming the root. */
static void test_no_package_database(void **state)
{
    (void)state;
    const char *root = new_root("empty");
    copy_fixture("debian12", "etc/os-release", root);
    run_check(root, NULL);
    const ld_finding *f = only("host.package-vulnerabilities");
    assert_int_equal(f->status, LD_STATUS_ERROR);
    assert_contains(f->evidence, "no dpkg, rpm or apk database under");
    assert_contains(f->evidence, root);
    assert_int_equal(scope_of("host.package-vulnerabilities")->state, LD_SCOPE_NOT_ASSESSED);
    assert_int_equal(summary.databases, 0);
    assert_int_equal(host02_state(), LD_CTRL_NOT_ASSESSED);
}

/* /var/lib/dpkg/status as a link out of the root (absolute, and through
 * ..) is resolved inside the root: the file outside is never read, and the
 * database is reported unread, not absent. A link inside the root works. */
static void test_status_link_out_of_root(void **state)
{
    (void)state;
    const char *outside = FIXTURES "/debian12/var/lib/dpkg/status"; /* exists on this machine */
    char dotdot[PATH_MAX];
    snprintf(dotdot, sizeof dotdot, "../../../../../../../../../..%s", outside);
    const char *targets[] = {outside, dotdot};
    for (size_t i = 0; i < 2; i++) {
        char name[32];
        snprintf(name, sizeof name, "link-out-%zu", i);
        char root[PATH_MAX];
        snprintf(root, sizeof root, "%s", new_root(name));
        copy_fixture("debian12", "etc/os-release", root);
        link_at(targets[i], root, "var/lib/dpkg/status");
        run_check(root, NULL);
        assert_int_equal(summary.packages, 0); /* nothing read from outside */
        assert_int_equal(summary.databases, 1);
        assert_null(vuln("CVE-2023-7008", "systemd"));
        const ld_finding *f = only("host.package-vulnerabilities");
        assert_int_equal(f->status, LD_STATUS_ERROR);
        assert_contains(f->evidence, "/var/lib/dpkg/status");
        if (!strstr(f->evidence, "a link that leads to nothing inside"))
            /* without openat2 (old kernels, valgrind) links are refused outright */
            assert_contains(f->evidence, "symbolic links");
        assert_int_equal(host02_state(), LD_CTRL_NOT_ASSESSED);
    }
    /* inside the root, absolute: read */
    const char *root = new_root("link-in");
    copy_fixture("debian12", "etc/os-release", root);
    copy_fixture("debian12", "var/lib/dpkg/status", root);
    char real[PATH_MAX], link[PATH_MAX];
    snprintf(real, sizeof real, "%s/var/lib/dpkg/status", root);
    snprintf(link, sizeof link, "%s/var/lib/dpkg/status.real", root);
    assert_int_equal(rename(real, link), 0);
    link_at("/var/lib/dpkg/status.real", root, "var/lib/dpkg/status");
    run_check(root, NULL);
    if (summary.packages == 0) { /* without openat2: refused, and said so */
        assert_contains(only("host.package-vulnerabilities")->evidence, "symbolic links");
        return;
    }
    assert_int_equal(summary.packages, 6);
    assert_non_null(vuln("CVE-2023-7008", "systemd"));
}

/* The reboot-required flag (through /var/run -> /run as Debian links it)
 * fails the check and names the packages, printable only. */
static void test_reboot_required_flag(void **state)
{
    (void)state;
    const char *root = new_root("flag");
    copy_fixture("debian12-clean", "etc/os-release", root);
    copy_fixture("debian12-clean", "var/lib/dpkg/status", root);
    put(root, "run/reboot-required", "*** System restart required ***\n");
    put(root, "run/reboot-required.pkgs",
        "linux-image-6.1.0-18-amd64\nlibc6\nlibc6\n\x1b[31mevil\x1b[0m\n");
    link_at("/run", root, "var/run");
    run_check(root, NULL);
    const ld_finding *f = only("host.reboot-pending");
    assert_int_equal(f->status, LD_STATUS_FAIL);
    assert_contains(f->evidence, "/run/reboot-required exists");
    assert_contains(f->evidence, "linux-image-6.1.0-18-amd64, libc6, ?[31mevil?[0m");
    assert_null(strchr(f->evidence, '\x1b'));
    assert_int_equal(host02_state(), LD_CTRL_FAILED);

    /* only under /var/run (no link): found too */
    root = new_root("flag-var");
    copy_fixture("debian12-clean", "var/lib/dpkg/status", root);
    put(root, "var/run/reboot-required", "");
    run_check(root, NULL);
    assert_int_equal(only("host.reboot-pending")->status, LD_STATUS_FAIL);
}

/* The running kernel against the installed kernel packages. */
static void test_kernel_versions(void **state)
{
    (void)state;
    const char *root = FIXTURES "/debian12";
    ld_host_packages_options o = {.kernel_release = "6.1.0-13-amd64"};
    run_check(root, &o);
    const ld_finding *f = only("host.reboot-pending");
    assert_int_equal(f->status, LD_STATUS_FAIL);
    assert_contains(f->evidence, "6.1.0-13-amd64 (linux-image-6.1.0-13-amd64 6.1.55-1) is older "
                                 "than the newest installed kernel linux-image-6.1.0-18-amd64 "
                                 "6.1.76-1");

    /* same release name, package upgraded in place since boot */
    o = (ld_host_packages_options){.kernel_release = "6.1.0-18-amd64",
                                   .kernel_version = "#1 SMP Debian 6.1.69-1 (2023-12-30)"};
    run_check(root, &o);
    f = only("host.reboot-pending");
    assert_int_equal(f->status, LD_STATUS_FAIL);
    assert_contains(f->evidence, "built from package version 6.1.69-1");

    /* a kernel no package installed */
    o = (ld_host_packages_options){.kernel_release = "6.18.0-custom"};
    run_check(root, &o);
    assert_int_equal(only("host.reboot-pending")->status, LD_STATUS_WARN);

    /* a root that is not this machine's, running kernel unknown */
    run_check(root, NULL);
    f = only("host.reboot-pending");
    assert_int_equal(f->status, LD_STATUS_ERROR);
    assert_contains(f->evidence, "running kernel of");
}

/* A dpkg status made to hurt: binary bytes, NULs, overlong fields, CRLF,
 * paragraphs without a name, no final newline. The check reads what it
 * can and never crashes; a status that is a directory or over the
 * cataloger's cap is a database not read (not assessed), never absent. */
static void test_hostile_status(void **state)
{
    (void)state;
    const char *root = new_root("hostile");
    copy_fixture("debian12", "etc/os-release", root);
    static const char head[] = "Package: systemd\r\nStatus: install ok installed\r\nVersion: "
                               "252.39-1~deb12u1\r\n\r\nStatus: install ok installed\nVersion: 1\n"
                               "\nPackage: nul\0byte\nStatus: install ok installed\nVersion: 1\n"
                               "\n\xff\xfe\x00\x01garbage\n:\n::::\nPackage:\nVersion:\n\n"
                               "Package: long\nStatus: install ok installed\nVersion: ";
    size_t big = 100000;
    size_t len = sizeof(head) - 1 + big + 64;
    char *buf = ld_xmalloc(len);
    memcpy(buf, head, sizeof(head) - 1);
    memset(buf + sizeof(head) - 1, '9', big);
    size_t n = sizeof(head) - 1 + big;
    n += (size_t)snprintf(buf + n, len - n, "\n\nPackage: tail\nVersion: 1.0");
    put_bytes(root, "var/lib/dpkg/status", buf, n);
    free(buf);
    run_check(root, NULL);
    /* the CRLF paragraph is still systemd; the rest is dropped or kept, never fatal */
    assert_non_null(vuln("CVE-2023-7008", "systemd"));

    /* nothing but garbage: no package, and no pass for it */
    root = new_root("garbage");
    copy_fixture("debian12", "etc/os-release", root);
    static const char junk[] = "\x7f"
                               "ELF\0\0\x01\x02garbage\n\n\n::\n";
    put_bytes(root, "var/lib/dpkg/status", junk, sizeof(junk) - 1);
    run_check(root, NULL);
    const ld_finding *g = only("host.package-vulnerabilities");
    assert_int_equal(g->status, LD_STATUS_ERROR);
    assert_contains(g->evidence, "lists no installed package");
    assert_int_equal(host02_state(), LD_CTRL_NOT_ASSESSED);

    root = new_root("status-dir");
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/var/lib/dpkg/status", root);
    mkdirs(path);
    run_check(root, NULL);
    assert_int_equal(only("host.package-vulnerabilities")->status, LD_STATUS_ERROR);
    assert_int_equal(host02_state(), LD_CTRL_NOT_ASSESSED);

    /* over the dpkg cataloger's 64 MiB cap (sparse: nothing is written) */
    root = new_root("status-big");
    copy_fixture("debian12", "etc/os-release", root);
    snprintf(path, sizeof path, "%s/var/lib/dpkg", root);
    mkdirs(path);
    snprintf(path, sizeof path, "%s/var/lib/dpkg/status", root);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    assert_true(fd >= 0);
    assert_int_equal(ftruncate(fd, (off_t)65 << 20), 0);
    close(fd);
    run_check(root, NULL);
    const ld_finding *f = only("host.package-vulnerabilities");
    assert_int_equal(f->status, LD_STATUS_ERROR);
    assert_contains(f->evidence, "could not be read");
}

/* status.d (one file per package; .md5sums beside them are not packages). */
static void test_status_d(void **state)
{
    (void)state;
    const char *root = new_root("status-d");
    copy_fixture("debian12", "etc/os-release", root);
    put(root, "var/lib/dpkg/status.d/systemd",
        "Package: systemd\nVersion: 252.39-1~deb12u1\nArchitecture: amd64\n");
    put(root, "var/lib/dpkg/status.d/base",
        "Package: base-files\nVersion: 12.4+deb12u5\nArchitecture: amd64\n");
    put(root, "var/lib/dpkg/status.d/base.md5sums", "0123 etc/debian_version\n");
    run_check(root, NULL);
    assert_int_equal(summary.packages, 2);
    assert_int_equal(summary.databases, 2);
    const ld_finding *f = vuln("CVE-2023-7008", "systemd");
    assert_non_null(f);
    assert_string_equal(f->target.path, "/var/lib/dpkg/status.d/systemd");
}

static const char rpm_script[] =
    "set -eu\n"
    "out=$1\n"
    "for c in rpm rpmbuild; do command -v $c >/dev/null || exit 77; done\n"
    "mkdir -p \"$out/top\" \"$out/root/var/lib/rpm\"\n"
    "for rel in 362.el9 400.el9; do\n"
    "cat > \"$out/k.spec\" <<EOF\n"
    "Name: kernel-core\n"
    "Version: 5.14.0\n"
    "Release: $rel\n"
    "Summary: lockdown test kernel\n"
    "License: GPL-2.0-only\n"
    "BuildArch: noarch\n"
    "%description\n"
    "lockdown test kernel\n"
    "%install\n"
    "mkdir -p %{buildroot}/usr/share/ldtest-$rel\n"
    "echo k > %{buildroot}/usr/share/ldtest-$rel/k\n"
    "%files\n"
    "/usr/share/ldtest-$rel/k\n"
    "EOF\n"
    "rpmbuild -bb --quiet --define \"_topdir $out/top\" \"$out/k.spec\" >/dev/null 2>&1\n"
    "done\n"
    "rpm --initdb --dbpath \"$out/root/var/lib/rpm\"\n"
    "rpm -i --justdb --nodeps --noscripts --ignoreos --replacefiles --oldpackage "
    "--dbpath \"$out/root/var/lib/rpm\" \"$out\"/top/RPMS/noarch/*.rpm 2>/dev/null\n"
    "rpm -qa --dbpath \"$out/root/var/lib/rpm\" | grep -c kernel-core | grep -qx 2\n";

/* An rpm host (Rocky Linux 9, which the database has no advisories for):
 * its packages are read from rpmdb.sqlite written by rpm, the release is
 * not assessed, and its kernels are compared in rpm's version order. */
static void test_rpm_root(void **state)
{
    (void)state;
    char out[1024];
    snprintf(out, sizeof out, "%s/rpm", dir);
    mkdirs(out);
    char *argv[] = {"bash", "-c", (char *)rpm_script, "bash", out, NULL};
    pid_t pid;
    assert_int_equal(posix_spawnp(&pid, "bash", NULL, NULL, argv, environ), 0);
    int st = 0;
    assert_true(waitpid(pid, &st, 0) == pid && WIFEXITED(st));
    if (WEXITSTATUS(st) == 77) {
        LD_SKIP_IF_MISSING("rpm or rpmbuild missing (scripts/install-deps.sh --test)");
        return;
    }
    assert_int_equal(WEXITSTATUS(st), 0);
    char root[PATH_MAX];
    snprintf(root, sizeof root, "%s/root", out);
    put(root, "etc/os-release",
        "ID=\"rocky\"\nVERSION_ID=\"9.3\"\nID_LIKE=\"rhel centos fedora\"\n");
    ld_host_packages_options o = {.kernel_release = "5.14.0-362.el9.noarch"};
    run_check(root, &o);
    assert_int_equal(summary.packages, 2);
    assert_string_equal(summary.ecosystems, "rpm");
    const ld_finding *f = only("host.package-vulnerabilities");
    assert_int_equal(f->status, LD_STATUS_ERROR);
    assert_contains(f->evidence, "not assessed");
    assert_int_equal(scope_of("host.package-vulnerabilities")->state, LD_SCOPE_NOT_ASSESSED);
    f = only("host.reboot-pending");
    assert_int_equal(f->status, LD_STATUS_FAIL);
    assert_contains(f->evidence, "kernel-core 5.14.0-400.el9");
    o.kernel_release = "5.14.0-400.el9.noarch";
    run_check(root, &o);
    assert_int_equal(only("host.reboot-pending")->status, LD_STATUS_PASS);
}

/* This machine, read at "/": whatever it is, the check completes, owes
 * both verdicts and says what it read. */
static void test_real_host(void **state)
{
    (void)state;
    run_check("/", NULL);
    for (size_t i = 0; getenv("A1_DEBUG") && i < fs->n; i++)
        fprintf(stderr, "%s %s %s: %s\n", fs->v[i]->check_id, ld_status_name(fs->v[i]->status),
                ld_finding_title(fs->v[i]), fs->v[i]->evidence ? fs->v[i]->evidence : "");
    assert_true(fs->n >= 2);
    only("host.reboot-pending");
    const ld_scope_entry *sc = scope_of("host.package-vulnerabilities");
    assert_non_null(sc);
    struct stat st;
    if (stat("/var/lib/dpkg/status", &st) == 0) {
        assert_true(summary.packages > 10);
        assert_non_null(strstr(summary.ecosystems, "deb"));
        if (summary.release && strcmp(summary.release, "debian 12") == 0) {
            assert_int_equal(sc->state, LD_SCOPE_OWED); /* bookworm is in the database */
            assert_true(summary.matched);
            assert_int_equal(count("host.package-vulnerabilities", LD_STATUS_ERROR, false), 0);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_debian_vulnerable),
        cmocka_unit_test(test_alpine_fixable),
        cmocka_unit_test(test_clean_pass_and_stale),
        cmocka_unit_test(test_no_database),
        cmocka_unit_test(test_uncovered_release),
        cmocka_unit_test(test_no_package_database),
        cmocka_unit_test(test_status_link_out_of_root),
        cmocka_unit_test(test_reboot_required_flag),
        cmocka_unit_test(test_kernel_versions),
        cmocka_unit_test(test_hostile_status),
        cmocka_unit_test(test_status_d),
        cmocka_unit_test(test_rpm_root),
        cmocka_unit_test(test_real_host),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
