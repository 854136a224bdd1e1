/* Unit tests for the Ruby gemspec cataloger (src/sbom/gem.c).
 *
 * Real data: Debian's ruby-rack .deb (fetched once with `apt-get download`
 * into ${LOCKDOWN_CACHE:-/var/cache/lockdown-test}/debs, unpacked with
 * dpkg-deb; skipped, naming the reason, when no mirror answers) ships
 * /usr/share/rubygems-integration/all/specifications/rack-VERSION.gemspec;
 * the name and version must match its file name and the .deb's upstream
 * version. Other literal forms and hostile input are written here. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <ftw.h>
#include <glob.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "sbom/catalogers_list.h"
#include "util/mem.h"
#include "test_skip.h"

extern char **environ;

static const char fixture_script[] =
    "set -eu\n"
    "out=$1\n"
    "cache=${LOCKDOWN_CACHE:-/var/cache/lockdown-test}/debs\n"
    "mkdir -p \"$cache\" 2>/dev/null && [ -w \"$cache\" ] || cache=$out/debs\n"
    "mkdir -p \"$cache\"\n"
    "deb=$(ls \"$cache\"/ruby-rack_*.deb 2>/dev/null | tail -n 1 || true)\n"
    "if [ -z \"$deb\" ]; then\n"
    "  (cd \"$cache\" && apt-get download ruby-rack >/dev/null 2>&1) || exit 77\n"
    "  deb=$(ls \"$cache\"/ruby-rack_*.deb | tail -n 1)\n"
    "fi\n"
    "dpkg-deb -x \"$deb\" \"$out/root\"\n"
    "v=${deb##*/ruby-rack_}; v=${v%%-*}\n"
    "printf '%s' \"$v\" > \"$out/version\"\n";

static int rm_entry(const char *p, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st, (void)flag, (void)ftw;
    return remove(p);
}

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    static char buf[1 << 16];
    size_t n = fread(buf, 1, sizeof buf, f);
    fclose(f);
    *len = n;
    return ld_xstrndup(buf, n);
}

static void test_real_gemspec(void **state)
{
    (void)state;
    char dir[] = "/tmp/ld-test-gem.XXXXXX";
    assert_non_null(mkdtemp(dir));
    char *argv[] = {"bash", "-c", (char *)fixture_script, "bash", dir, NULL};
    pid_t pid;
    int st = 0;
    assert_int_equal(posix_spawnp(&pid, "bash", NULL, NULL, argv, environ), 0);
    assert_true(waitpid(pid, &st, 0) > 0 && WIFEXITED(st));
    if (WEXITSTATUS(st) == 77) {
        nftw(dir, rm_entry, 8, FTW_DEPTH | FTW_PHYS);
        LD_SKIP_IF_MISSING("ruby-rack .deb not cached and apt-get download failed "
                           "(install-deps.sh --test caches it)");
    }
    assert_int_equal(WEXITSTATUS(st), 0);
    char pat[160];
    snprintf(pat, sizeof pat,
             "%s/root/usr/share/rubygems-integration/all/specifications/rack-*.gemspec", dir);
    glob_t g;
    assert_int_equal(glob(pat, 0, NULL, &g), 0);
    assert_int_equal(g.gl_pathc, 1);
    size_t len = 0, vl = 0;
    char *spec = slurp(g.gl_pathv[0], &len);
    char vpath[96];
    snprintf(vpath, sizeof vpath, "%s/version", dir);
    char *version = slurp(vpath, &vl);
    assert_non_null(spec);
    assert_non_null(version);
    char want_path[160];
    snprintf(want_path, sizeof want_path,
             "/usr/share/rubygems-integration/all/specifications/rack-%s.gemspec", version);
    assert_non_null(strstr(g.gl_pathv[0], want_path));
    globfree(&g);
    nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);

    assert_true(ld_cataloger_gem.wants(want_path));
    ld_package_list l = {0};
    ld_error err = LD_ERROR_INIT;
    assert_int_equal(ld_cataloger_gem.parse(want_path, (uint8_t *)spec, len, &l, &err), 0);
    assert_int_equal(l.n, 1);
    assert_string_equal(l.items[0].name, "rack");
    assert_string_equal(l.items[0].version, version);
    assert_int_equal(l.items[0].licenses.n, 1);
    assert_string_equal(l.items[0].licenses.v[0], "MIT");
    assert_string_equal(l.items[0].found_in, want_path);
    char purl[64];
    snprintf(purl, sizeof purl, "pkg:gem/rack@%s", version);
    assert_string_equal(l.items[0].purl, purl);
    ld_package_list_clear(&l);
    /* every truncation: error or a package, never a crash */
    for (size_t cut = 0; cut < len; cut += 7) {
        ld_error e = LD_ERROR_INIT;
        int rc = ld_cataloger_gem.parse(want_path, (uint8_t *)spec, cut, &l, &e);
        assert_true(rc == 0 ? l.n == 1 : l.n == 0);
        ld_package_list_clear(&l);
    }
    free(spec);
    free(version);
}

static void test_forms_and_hostile(void **state)
{
    (void)state;
    static const char spec2[] = "# -*- encoding: utf-8 -*-\n"
                                "Gem::Specification.new do |spec|\n"
                                "  spec.name    = %q{nokogiri}\n"
                                "  spec.version = Gem::Version.new('1.15.4')\n"
                                "  spec.license = 'MIT'\n"
                                "  spec.licenses = [\"MIT\".freeze, %q<Apache-2.0>]\n"
                                "  spec.name == \"ignored\"\n"
                                "end\n";
    ld_package_list l = {0};
    ld_error err = LD_ERROR_INIT;
    const char *path = "/var/lib/gems/3.1.0/specifications/nokogiri-1.15.4.gemspec";
    assert_int_equal(
        ld_cataloger_gem.parse(path, (const uint8_t *)spec2, sizeof spec2 - 1, &l, &err), 0);
    assert_string_equal(l.items[0].name, "nokogiri");
    assert_string_equal(l.items[0].version, "1.15.4");
    assert_int_equal(l.items[0].licenses.n, 2);
    assert_string_equal(l.items[0].licenses.v[1], "Apache-2.0");
    ld_package_list_clear(&l);
    /* only a stub line */
    static const char stub[] = "# stub: json 2.6.3 ruby lib\n";
    assert_int_equal(ld_cataloger_gem.parse(path, (const uint8_t *)stub, sizeof stub - 1, &l, &err),
                     0);
    assert_string_equal(l.items[0].name, "json");
    assert_string_equal(l.items[0].version, "2.6.3");
    ld_package_list_clear(&l);
    static const char *const bad[] = {
        "",
        "binary\x00\xff\xfe junk",
        "s.name = \"unterminated\ns.version = \"1\"\n",
        "s.name = x\ns.version = y\n",
        "s.name = %q\ns.version = %q",
        "# stub: \n",
        "Gem::Specification.new do |s|\n s.version = \"1.0\"\n",
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        ld_error e = LD_ERROR_INIT;
        assert_true(ld_cataloger_gem.parse(path, (const uint8_t *)bad[i],
                                           strlen(bad[i]) + (i == 1 ? 6 : 0), &l, &e) < 0);
        assert_non_null(strstr(e.msg, path));
        assert_int_equal(l.n, 0);
    }
    assert_false(ld_cataloger_gem.wants("/src/app/app.gemspec"));
    assert_true(ld_cataloger_gem.wants("/usr/local/bundle/specifications/rails-7.0.gemspec"));
    ld_package_list_clear(&l);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_real_gemspec),
        cmocka_unit_test(test_forms_and_hostile),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
