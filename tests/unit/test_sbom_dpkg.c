/* Unit tests for the dpkg cataloger (src/sbom/dpkg.c): real status samples,
 * distroless status.d files, hostile input (truncated, huge fields, missing
 * fields, binary junk), and the real status database of a debootstrap'd
 * Debian bookworm root file system compared with dpkg-query run on it
 * (skipped, with the reason, when that rootfs is not there). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <spawn.h>
#include <sys/wait.h>

#include "sbom/catalogers_list.h"
#include "util/mem.h"
#include "util/strlist.h"
#include "test_skip.h"

extern char **environ;

static int parse(const char *path, const char *data, size_t len, ld_package_list *out)
{
    ld_error err = LD_ERROR_INIT;
    return ld_cataloger_dpkg.parse(path, (const uint8_t *)data, len, out, &err);
}

static const ld_package *find(const ld_package_list *l, const char *name)
{
    for (size_t i = 0; i < l->n; i++)
        if (strcmp(l->items[i].name, name) == 0)
            return &l->items[i];
    return NULL;
}

/* Shaped like bookworm's /var/lib/dpkg/status (fields in dpkg's order). */
static const char status_sample[] =
    "Package: libc6\n"
    "Status: install ok installed\n"
    "Priority: optional\n"
    "Section: libs\n"
    "Installed-Size: 12987\n"
    "Maintainer: GNU Libc Maintainers <debian-glibc@lists.debian.org>\n"
    "Architecture: amd64\n"
    "Multi-Arch: same\n"
    "Source: glibc\n"
    "Version: 2.36-9+deb12u4\n"
    "Depends: libgcc-s1\n"
    "Description: GNU C Library: Shared libraries\n"
    " Contains the standard libraries that are used by nearly all programs on\n"
    " .\n"
    " Package: evil\n"
    "Homepage: https://www.gnu.org/software/libc/libc.html\n"
    "\n"
    "Package: libgcc-s1\n"
    "Status: install ok installed\n"
    "Architecture: amd64\n"
    "Source: gcc-12 (12.2.0-14)\n"
    "Version: 12.2.0-14\n"
    "\n"
    "Package: old-conf\n"
    "Status: deinstall ok config-files\n"
    "Architecture: all\n"
    "Version: 1.0\n"
    "\n"
    "Package: held\n"
    "Status: hold ok installed\n"
    "Architecture: all\n"
    "Version: 2.0\n"
    "\n"
    "Package: half\n"
    "Status: install reinstreq half-installed\n"
    "Version: 3.0\n"
    "\n"
    "package: lowercase-fields\n"
    "status: install ok installed\n"
    "version: 0.1\n";

static void test_status_sample(void **state)
{
    (void)state;
    ld_package_list l = {0};
    assert_int_equal(parse("/var/lib/dpkg/status", status_sample, sizeof(status_sample) - 1, &l),
                     0);
    /* the indented "Package:" line belongs to Description */
    assert_null(find(&l, "evil"));
    const ld_package *c6 = find(&l, "libc6");
    assert_non_null(c6);
    assert_string_equal(c6->version, "2.36-9+deb12u4");
    assert_string_equal(c6->source_name, "glibc");
    assert_null(c6->source_version);
    assert_null(find(&l, "old-conf")); /* config-files only: not installed */
    assert_null(find(&l, "half"));     /* half-installed */
    const ld_package *g = find(&l, "libgcc-s1");
    assert_non_null(g);
    assert_string_equal(g->version, "12.2.0-14");
    assert_string_equal(g->source_name, "gcc-12");
    assert_string_equal(g->source_version, "12.2.0-14");
    assert_string_equal(g->arch, "amd64");
    assert_string_equal(g->found_in, "/var/lib/dpkg/status");
    assert_int_equal(g->licenses.n, 0); /* dpkg records no licences */
    assert_string_equal(g->purl, "pkg:deb/debian/libgcc-s1@12.2.0-14?arch=amd64");
    const ld_package *h = find(&l, "held");
    assert_non_null(h);
    assert_null(h->source_name);
    assert_non_null(find(&l, "lowercase-fields"));
    assert_int_equal(l.n, 4); /* libc6, libgcc-s1, held, lowercase-fields */
    ld_package_list_clear(&l);
}

static void test_source_forms(void **state)
{
    (void)state;
    static const char s[] = "Package: a\nStatus: install ok installed\nVersion: 1\n"
                            "Source: src-a\n\n"
                            "Package: b\nStatus: install ok installed\nVersion: 1:2.0-1\n"
                            "Source: src-b (1:2.0-0.1)\n\n"
                            "Package: c\nStatus: install ok installed\nVersion: 1\n"
                            "Source: src-c (unterminated\n\n"
                            "Package: d\r\nStatus: install ok installed\r\nVersion: 4\r\n"
                            "Source:   src-d   (  4.1 )  \r\n";
    ld_package_list l = {0};
    assert_int_equal(parse("/var/lib/dpkg/status", s, sizeof(s) - 1, &l), 0);
    assert_int_equal(l.n, 4);
    assert_string_equal(find(&l, "a")->source_name, "src-a");
    assert_null(find(&l, "a")->source_version);
    assert_string_equal(find(&l, "b")->source_version, "1:2.0-0.1");
    assert_string_equal(find(&l, "c")->source_name, "src-c");
    assert_null(find(&l, "c")->source_version);
    assert_string_equal(find(&l, "d")->version, "4");
    assert_string_equal(find(&l, "d")->source_name, "src-d");
    assert_string_equal(find(&l, "d")->source_version, "4.1");
    ld_package_list_clear(&l);
}

static void test_distroless(void **state)
{
    (void)state;
    /* distroless writes one file per package, without a Status field */
    static const char s[] = "Package: base-files\nVersion: 12.4+deb12u5\nArchitecture: amd64\n"
                            "Maintainer: Santiago Vila <sanvila@debian.org>\n";
    ld_package_list l = {0};
    assert_int_equal(parse("/var/lib/dpkg/status.d/base", s, sizeof(s) - 1, &l), 0);
    assert_int_equal(l.n, 1);
    assert_string_equal(l.items[0].name, "base-files");
    assert_string_equal(l.items[0].found_in, "/var/lib/dpkg/status.d/base");
    ld_package_list_clear(&l);
    /* in the main status file a paragraph without Status is not installed */
    assert_int_equal(parse("/var/lib/dpkg/status", s, sizeof(s) - 1, &l), 0);
    assert_int_equal(l.n, 0);

    assert_true(ld_cataloger_dpkg.wants("/var/lib/dpkg/status"));
    assert_true(ld_cataloger_dpkg.wants("/var/lib/dpkg/status.d/libssl3"));
    assert_false(ld_cataloger_dpkg.wants("/var/lib/dpkg/status.d/libssl3.md5sums"));
    assert_false(ld_cataloger_dpkg.wants("/var/lib/dpkg/status.d/"));
    assert_false(ld_cataloger_dpkg.wants("/var/lib/dpkg/status.d/x/y"));
    assert_false(ld_cataloger_dpkg.wants("/var/lib/dpkg/status-old"));
    assert_false(ld_cataloger_dpkg.wants("/var/lib/dpkg/available"));
    assert_false(ld_cataloger_dpkg.wants("/x/var/lib/dpkg/status"));
}

static void test_hostile(void **state)
{
    (void)state;
    ld_package_list l = {0};
    /* empty, only blank lines, no newline at all */
    assert_int_equal(parse("/var/lib/dpkg/status", "", 0, &l), 0);
    assert_int_equal(parse("/var/lib/dpkg/status", "\n\n \n\t\n", 5, &l), 0);
    assert_int_equal(l.n, 0);
    /* truncated: last paragraph without a newline still counts if complete */
    static const char t1[] = "Package: a\nStatus: install ok installed\nVersion: 1";
    assert_int_equal(parse("/var/lib/dpkg/status", t1, sizeof(t1) - 1, &l), 0);
    assert_int_equal(l.n, 1);
    ld_package_list_clear(&l);
    /* truncated inside the field name: no version, nothing */
    static const char t2[] = "Package: a\nStatus: install ok installed\nVers";
    assert_int_equal(parse("/var/lib/dpkg/status", t2, sizeof(t2) - 1, &l), 0);
    assert_int_equal(l.n, 0);
    /* the length is honoured: a buffer that goes on is not read past len */
    assert_int_equal(parse("/var/lib/dpkg/status", t1, 20, &l), 0);
    assert_int_equal(l.n, 0);
    /* missing fields, empty values, colon-less lines, a line that is just ":" */
    static const char t3[] = "Package:\nStatus: install ok installed\nVersion: 1\n\n"
                             "Version: 2\nStatus: install ok installed\n\n"
                             "garbage line\n:\n: x\nPackage: ok\nVersion: 3\n"
                             "Status: install ok installed\n";
    assert_int_equal(parse("/var/lib/dpkg/status", t3, sizeof(t3) - 1, &l), 0);
    assert_int_equal(l.n, 1);
    assert_string_equal(l.items[0].name, "ok");
    ld_package_list_clear(&l);
    /* a huge field skips its paragraph only */
    size_t big = 1u << 20;
    char *h = ld_xmalloc(big + 256);
    int n = snprintf(h, 256, "Package: ");
    memset(h + n, 'A', big);
    size_t hl = (size_t)n + big;
    const char tail[] = "\nStatus: install ok installed\nVersion: 1\n\nPackage: b\nVersion: 2\n"
                        "Status: install ok installed\n";
    memcpy(h + hl, tail, sizeof(tail) - 1);
    hl += sizeof(tail) - 1;
    assert_int_equal(parse("/var/lib/dpkg/status", h, hl, &l), 0);
    assert_int_equal(l.n, 1);
    assert_string_equal(l.items[0].name, "b");
    ld_package_list_clear(&l);
    free(h);
    /* binary junk, with NULs and high bytes, in a deterministic stream */
    unsigned char junk[65536];
    unsigned x = 12345;
    for (size_t i = 0; i < sizeof(junk); i++) {
        x = x * 1103515245u + 12345u;
        junk[i] = (unsigned char)(x >> 16);
    }
    assert_int_equal(parse("/var/lib/dpkg/status", (const char *)junk, sizeof(junk), &l), 0);
    ld_package_list_clear(&l);
    /* a NUL inside a name is not text: that paragraph only is skipped */
    static const char t4[] = "Package: a\0b\nStatus: install ok installed\nVersion: 1\n\n"
                             "Package: c\nStatus: install ok installed\nVersion: 1\n";
    assert_int_equal(parse("/var/lib/dpkg/status", t4, sizeof(t4) - 1, &l), 0);
    assert_int_equal(l.n, 1);
    assert_string_equal(l.items[0].name, "c");
    ld_package_list_clear(&l);
}

/* ---- real data: a debootstrap'd bookworm rootfs ---------------------------- */

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 1 << 16, n = 0;
    char *buf = ld_xmalloc(cap);
    size_t r;
    while ((r = fread(buf + n, 1, cap - n, f)) > 0) {
        n += r;
        if (n == cap)
            buf = ld_xrealloc(buf, cap *= 2);
    }
    fclose(f);
    *len = n;
    return buf;
}

/* Runs argv, returns its stdout (caller frees) or NULL. */
static char *run_capture(char *const argv[])
{
    int fds[2];
    if (pipe(fds) < 0)
        return NULL;
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, fds[1], 1);
    posix_spawn_file_actions_addclose(&fa, fds[0]);
    pid_t pid;
    int rc = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    close(fds[1]);
    if (rc != 0) {
        close(fds[0]);
        return NULL;
    }
    size_t cap = 1 << 16, n = 0;
    char *buf = ld_xmalloc(cap);
    ssize_t r;
    while ((r = read(fds[0], buf + n, cap - n - 1)) > 0) {
        n += (size_t)r;
        if (n + 1 == cap)
            buf = ld_xrealloc(buf, cap *= 2);
    }
    close(fds[0]);
    int st;
    waitpid(pid, &st, 0);
    buf[n] = '\0';
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
        free(buf);
        return NULL;
    }
    return buf;
}

static int cmp_strp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void test_bookworm_rootfs(void **state)
{
    (void)state;
    const char *root = getenv("LOCKDOWN_DEBIAN_ROOTFS");
    const char *cache = getenv("LOCKDOWN_CACHE");
    char *def = ld_xasprintf("%s/bookworm-rootfs", cache ? cache : "/var/cache/lockdown-test");
    if (!root)
        root = def;
    char *status = ld_xasprintf("%s/var/lib/dpkg/status", root);
    size_t len = 0;
    char *data = read_file(status, &len);
    if (!data) {
        char where[512];
        snprintf(where, sizeof where, "%s", root);
        free(status);
        free(def);
        LD_SKIP_IF_MISSING("no Debian rootfs at %s (run tests/harness/images.sh --debian)", where);
    }
    /* dpkg-query inside the rootfs when we may chroot, else the same
     * database through --admindir (the host's dpkg reads it identically) */
    char *admindir = ld_xasprintf("--admindir=%s/var/lib/dpkg", root);
    char *chroot_argv[] = {
        "chroot", (char *)root, "dpkg-query", "-W", "-f", "${Package} ${Version}\n", NULL};
    char *admin_argv[] = {"dpkg-query", admindir, "-W", "-f", "${Package} ${Version}\n", NULL};
    char *want = geteuid() == 0 ? run_capture(chroot_argv) : NULL;
    if (!want)
        want = run_capture(admin_argv);
    if (!want) {
        char where[512];
        snprintf(where, sizeof where, "%s", root);
        free(data), free(status), free(admindir), free(def);
        LD_SKIP_IF_MISSING("dpkg-query could not run on %s", where);
    }

    ld_package_list l = {0};
    assert_int_equal(parse("/var/lib/dpkg/status", data, len, &l), 0);
    ld_strlist got = {0}, exp = {0};
    for (size_t i = 0; i < l.n; i++)
        ld_strlist_push_owned(&got, ld_xasprintf("%s %s", l.items[i].name, l.items[i].version));
    for (char *line = strtok(want, "\n"); line; line = strtok(NULL, "\n"))
        ld_strlist_push(&exp, line);
    qsort(got.v, got.n, sizeof(char *), cmp_strp);
    qsort(exp.v, exp.n, sizeof(char *), cmp_strp);
    assert_true(exp.n > 50); /* minbase has about 90 packages */
    for (size_t i = 0; i < exp.n || i < got.n; i++) {
        if (i >= exp.n || i >= got.n || strcmp(exp.v[i], got.v[i]) != 0) {
            fprintf(stderr, "first difference at %zu: dpkg-query '%s', lockdown '%s'\n", i,
                    i < exp.n ? exp.v[i] : "(end)", i < got.n ? got.v[i] : "(end)");
            fail();
        }
    }
    fprintf(stderr, "bookworm rootfs: %zu packages, same as dpkg-query\n", got.n);
    /* every package has an arch and a purl */
    for (size_t i = 0; i < l.n; i++) {
        assert_non_null(l.items[i].arch);
        assert_non_null(l.items[i].purl);
    }
    ld_strlist_clear(&got);
    ld_strlist_clear(&exp);
    ld_package_list_clear(&l);
    free(want), free(data), free(status), free(admindir), free(def);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_status_sample),   cmocka_unit_test(test_source_forms),
        cmocka_unit_test(test_distroless),      cmocka_unit_test(test_hostile),
        cmocka_unit_test(test_bookworm_rootfs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
