/* Unit tests for SBOM collection (src/sbom/sbom.c) through the dir: source:
 * files routed to every cataloger, the distribution from os-release (through
 * a symlinked /etc/os-release, and the /etc/alpine-release fallback) in OS
 * purls, sorting, npm lock entries dropped when installed, a broken file
 * becoming a note rather than an error, and a missing target failing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <ftw.h>
#include <sys/stat.h>

#include "sbom/sbom.h"
#include "util/mem.h"

static void write_file(const char *root, const char *rel, const char *content)
{
    char *path = ld_xasprintf("%s%s", root, rel);
    /* mkdir -p of the parent */
    for (char *p = path + strlen(root) + 1; (p = strchr(p, '/')) != NULL; p++) {
        *p = '\0';
        mkdir(path, 0755);
        *p = '/';
    }
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(content, f);
    fclose(f);
    free(path);
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st, (void)flag, (void)ftw;
    return remove(path);
}

static void rm_tree(const char *root)
{
    nftw(root, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static const ld_package *find(const ld_sbom *s, const char *name)
{
    for (size_t i = 0; i < s->packages.n; i++)
        if (strcmp(s->packages.items[i].name, name) == 0)
            return &s->packages.items[i];
    return NULL;
}

static void test_debian_like(void **state)
{
    (void)state;
    char root[] = "/tmp/lockdown-sbom-collect.XXXXXX";
    assert_non_null(mkdtemp(root));
    write_file(root, "/usr/lib/os-release",
               "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nID=debian\nVERSION_ID=\"12\"\n"
               "VERSION_CODENAME=bookworm\n");
    char *etc = ld_xasprintf("%s/etc", root);
    mkdir(etc, 0755);
    free(etc);
    char *link = ld_xasprintf("%s/etc/os-release", root);
    assert_int_equal(symlink("../usr/lib/os-release", link), 0);
    free(link);
    write_file(root, "/var/lib/dpkg/status",
               "Package: zlib1g\nStatus: install ok installed\nArchitecture: amd64\n"
               "Source: zlib\nVersion: 1:1.2.13.dfsg-1\n\n"
               "Package: bash\nStatus: install ok installed\nArchitecture: amd64\n"
               "Version: 5.2.15-2+b2\n");
    write_file(root, "/app/node_modules/lodash/package.json",
               "{\"name\":\"lodash\",\"version\":\"4.17.20\",\"license\":\"MIT\"}");
    write_file(root, "/app/node_modules/broken/package.json", "{\"name\":");
    write_file(root, "/app/package-lock.json",
               "{\"lockfileVersion\":3,\"packages\":{\"\":{},"
               "\"node_modules/lodash\":{\"version\":\"4.17.20\"},"
               "\"node_modules/only-in-lock\":{\"version\":\"1.0.0\"}}}");
    write_file(root, "/usr/lib/python3/dist-packages/six-1.16.0.dist-info/METADATA",
               "Name: six\nVersion: 1.16.0\nLicense: MIT\n");

    char *target = ld_xasprintf("dir:%s", root);
    ld_image_options opt = {0};
    ld_sbom s;
    ld_image *img = NULL;
    ld_error err = LD_ERROR_INIT;
    assert_int_equal(ld_sbom_collect(target, &opt, &s, &img, &err), 0);
    assert_non_null(img);
    assert_string_equal(ld_image_source_kind(img), "dir");

    assert_string_equal(s.os_id, "debian");
    assert_string_equal(s.os_version_id, "12");
    assert_string_equal(s.os_codename, "bookworm");
    assert_string_equal(s.os_pretty_name, "Debian GNU/Linux 12 (bookworm)");

    /* deb, then pypi, then npm (ecosystem order), names sorted within */
    assert_int_equal(s.packages.n, 5);
    assert_string_equal(s.packages.items[0].name, "bash");
    assert_string_equal(s.packages.items[1].name, "zlib1g");
    assert_string_equal(s.packages.items[2].name, "six");
    assert_string_equal(s.packages.items[3].name, "lodash");
    assert_string_equal(s.packages.items[4].name, "only-in-lock");

    const ld_package *z = find(&s, "zlib1g");
    assert_string_equal(z->purl,
                        "pkg:deb/debian/zlib1g@1:1.2.13.dfsg-1?arch=amd64&distro=debian-12");
    assert_int_equal(z->layer, -1);
    const ld_package *l = find(&s, "lodash");
    assert_string_equal(l->found_in, "/app/node_modules/lodash/package.json");
    assert_string_equal(l->purl, "pkg:npm/lodash@4.17.20"); /* no distro on language packages */
    assert_string_equal(find(&s, "only-in-lock")->found_in, "/app/package-lock.json");

    bool noted = false;
    for (size_t i = 0; i < s.notes.n; i++)
        noted |= strstr(s.notes.v[i], "/app/node_modules/broken/package.json") != NULL;
    assert_true(noted);

    ld_sbom_clear(&s);
    ld_image_free(img);
    free(target);
    rm_tree(root);
}

static void test_alpine_fallback(void **state)
{
    (void)state;
    char root[] = "/tmp/lockdown-sbom-collect.XXXXXX";
    assert_non_null(mkdtemp(root));
    write_file(root, "/etc/alpine-release", "3.19.1\n");
    write_file(root, "/lib/apk/db/installed",
               "P:musl\nV:1.2.4_git20230717-r4\nA:x86_64\nL:MIT\no:musl\n\n");
    char *target = ld_xasprintf("dir:%s", root);
    ld_image_options opt = {0};
    ld_sbom s;
    ld_error err = LD_ERROR_INIT;
    assert_int_equal(ld_sbom_collect(target, &opt, &s, NULL, &err), 0);
    assert_string_equal(s.os_id, "alpine");
    assert_string_equal(s.os_version_id, "3.19.1");
    assert_int_equal(s.packages.n, 1);
    assert_string_equal(
        s.packages.items[0].purl,
        "pkg:apk/alpine/musl@1.2.4_git20230717-r4?arch=x86_64&distro=alpine-3.19.1");
    ld_sbom_clear(&s);
    free(target);
    rm_tree(root);
}

static void test_missing_target(void **state)
{
    (void)state;
    ld_image_options opt = {0};
    ld_sbom s;
    ld_image *img = (ld_image *)1;
    ld_error err = LD_ERROR_INIT;
    assert_true(ld_sbom_collect("dir:/nonexistent/lockdown/rootfs", &opt, &s, &img, &err) < 0);
    assert_null(img);
    assert_non_null(strstr(err.msg, "/nonexistent/lockdown/rootfs"));
    assert_int_equal(s.packages.n, 0);
    ld_sbom_clear(&s); /* safe on the zeroed result */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_debian_like),
        cmocka_unit_test(test_alpine_fallback),
        cmocka_unit_test(test_missing_target),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
