/* Unit tests for binaries in a dir: SBOM (ld_sbom_collect over
 * src/image/dir_source.c with the Go and cargo catalogers): in a root file
 * system made here, a Go binary with a section table, one without (found
 * by the scan), a cargo-auditable binary, Debian's containerd (a real Go
 * binary; install-deps.sh --test) and ordinary binaries and scripts from
 * this machine. Whatever the reader skips reading (binaries whose section
 * tables show nothing for a cataloger), the packages are the ones each
 * binary holds, no more and no fewer, with one worker or several. */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

#include <cmocka.h>

#include "sbom/cataloger.h"
#include "sbom/sbom.h"
#include "util/mem.h"
#include "test_skip.h"

static char tmpdir[64];

static int setup(void **state)
{
    snprintf(tmpdir, sizeof(tmpdir), "/tmp/ld-sbom-bin-test.XXXXXX");
    return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
    char *cmd[] = {"rm", "-rf", tmpdir, NULL};
    pid_t pid = fork();
    if (pid == 0) {
        execvp("rm", cmd);
        _exit(127);
    }
    int st;
    waitpid(pid, &st, 0);
    return 0;
}

static void put(const char *rel, const void *data, size_t len, mode_t mode)
{
    char *p = ld_xasprintf("%s/root/%s", tmpdir, rel);
    for (char *c = p + strlen(tmpdir) + 1; *c; c++)
        if (*c == '/') {
            *c = '\0';
            mkdir(p, 0755);
            *c = '/';
        }
    int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, data, len), (ssize_t)len);
    close(fd);
    free(p);
}

/* Copies a file of this machine into the root; false if it is not there. */
static bool copy_in(const char *from, const char *rel)
{
    int fd = open(from, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    struct stat st;
    assert_int_equal(fstat(fd, &st), 0);
    uint8_t *buf = ld_xmalloc((size_t)st.st_size + 1);
    size_t n = 0;
    ssize_t r;
    while (n < (size_t)st.st_size && (r = read(fd, buf + n, (size_t)st.st_size - n)) > 0)
        n += (size_t)r;
    close(fd);
    put(rel, buf, n, 0755);
    free(buf);
    return true;
}

static void p16(uint8_t *p, uint64_t v)
{
    p[0] = (uint8_t)v, p[1] = (uint8_t)(v >> 8);
}
static void p32(uint8_t *p, uint64_t v)
{
    p16(p, v), p16(p + 2, v >> 16);
}
static void p64(uint8_t *p, uint64_t v)
{
    p32(p, v), p32(p + 4, v >> 32);
}

#define ELF_SIZE 8192

/* ELF64 LE, section table at 4096 ([0] null, [1] .shstrtab at 128, [2]
 * section `name` at 1024 holding data) unless no_table; data at 1024. */
static uint8_t *make_elf(const char *name, const void *data, size_t len, bool no_table)
{
    uint8_t *f = ld_xcalloc(1, ELF_SIZE);
    memcpy(f,
           "\x7f"
           "ELF\x02\x01\x01",
           7);
    p16(f + 16, 2);
    p16(f + 18, 62);
    p32(f + 20, 1);
    p16(f + 52, 64);
    p16(f + 58, 64);
    assert_true(len <= 2048);
    memcpy(f + 1024, data, len);
    if (no_table)
        return f;
    p64(f + 40, 4096);
    p16(f + 60, 3);
    p16(f + 62, 1);
    char shstr[64] = "\0.shstrtab";
    size_t nl = strlen(name);
    memcpy(shstr + 11, name, nl + 1);
    memcpy(f + 128, shstr, 11 + nl + 1);
    uint8_t *sh = f + 4096 + 64;
    p32(sh, 1);
    p32(sh + 4, 3);
    p64(sh + 24, 128);
    p64(sh + 32, 11 + nl + 1);
    sh += 64;
    p32(sh, 11);
    p32(sh + 4, 1);
    p64(sh + 24, 1024);
    p64(sh + 32, len);
    return f;
}

/* Go >= 1.18 build info: version and modinfo inline. */
static size_t go_buildinfo(uint8_t *out, const char *version, const char *module)
{
    memset(out, 0, 512);
    memcpy(out, "\xff Go buildinf:", 14);
    out[14] = 8;
    out[15] = 2;
    char mi[256];
    int ml = snprintf(mi, sizeof(mi),
                      "%16s"
                      "path\t%s\nmod\t%s\tv1.2.3\th1:x=\n"
                      "%16s",
                      "", module, module, "");
    size_t at = 32;
    out[at++] = (uint8_t)strlen(version);
    memcpy(out + at, version, strlen(version));
    at += strlen(version);
    out[at++] = (uint8_t)(0x80 | (ml & 0x7f));
    out[at++] = (uint8_t)(ml >> 7);
    memcpy(out + at, mi, (size_t)ml);
    return at + (size_t)ml;
}

static const ld_package *find(const ld_sbom *s, ld_ecosystem eco, const char *name,
                              const char *found_in)
{
    for (size_t i = 0; i < s->packages.n; i++) {
        const ld_package *p = &s->packages.items[i];
        if (p->eco == eco && strcmp(p->name, name) == 0 && strcmp(p->found_in, found_in) == 0)
            return p;
    }
    return NULL;
}

static size_t count_in(const ld_sbom *s, const char *found_in)
{
    size_t n = 0;
    for (size_t i = 0; i < s->packages.n; i++)
        n += strcmp(s->packages.items[i].found_in, found_in) == 0;
    return n;
}

static void test_binaries_in_a_dir(void **state)
{
    uint8_t bi[512];
    size_t bl = go_buildinfo(bi, "go1.21.5", "example.com/tool");
    uint8_t *f = make_elf(".go.buildinfo", bi, bl, false);
    put("usr/local/bin/tool", f, ELF_SIZE, 0755);
    free(f);
    bl = go_buildinfo(bi, "go1.20.1", "example.com/stripped");
    f = make_elf("", bi, bl, true); /* no section table: found by the scan */
    put("usr/local/bin/stripped", f, ELF_SIZE, 0755);
    free(f);
    static const char audit[] =
        "{\"packages\":[{\"name\":\"rustapp\",\"version\":\"0.3.0\",\"source\":\"local\","
        "\"root\":true},{\"name\":\"serde\",\"version\":\"1.0.190\",\"source\":\"crates.io\"}]}";
    uint8_t z[1024];
    uLongf zl = sizeof z;
    assert_int_equal(compress(z, &zl, (const Bytef *)audit, strlen(audit)), Z_OK);
    f = make_elf(".dep-v0", z, zl, false);
    put("usr/local/bin/rustapp", f, ELF_SIZE, 0755);
    free(f);
    f = make_elf(".rodata", "nothing here", 12, false);
    put("usr/local/bin/plain", f, ELF_SIZE, 0755);
    free(f);
    static const char script[] = "#!/bin/sh\nexec true\n";
    put("usr/bin/script", script, sizeof script - 1, 0755);
    assert_true(copy_in("/usr/bin/ls", "usr/bin/ls"));
    assert_true(copy_in("/bin/sh", "bin/sh"));
    bool containerd = copy_in("/usr/bin/containerd", "usr/bin/containerd");

    char *target = ld_xasprintf("dir:%s/root", tmpdir);
    for (int threads = 1; threads <= 2; threads++) {
        ld_image_options o = {.threads = threads};
        ld_sbom s;
        ld_error err = LD_ERROR_INIT;
        if (ld_sbom_collect(target, &o, &s, NULL, &err) < 0)
            fail_msg("%s", err.msg);
        const ld_package *p = find(&s, LD_ECO_GO, "example.com/tool", "/usr/local/bin/tool");
        assert_non_null(p);
        assert_string_equal(p->version, "v1.2.3");
        assert_string_equal(find(&s, LD_ECO_GO, "stdlib", "/usr/local/bin/tool")->version,
                            "go1.21.5");
        assert_int_equal(count_in(&s, "/usr/local/bin/tool"), 2);
        assert_non_null(find(&s, LD_ECO_GO, "example.com/stripped", "/usr/local/bin/stripped"));
        assert_string_equal(find(&s, LD_ECO_GO, "stdlib", "/usr/local/bin/stripped")->version,
                            "go1.20.1");
        assert_int_equal(count_in(&s, "/usr/local/bin/stripped"), 2);
        assert_string_equal(find(&s, LD_ECO_CARGO, "serde", "/usr/local/bin/rustapp")->version,
                            "1.0.190");
        assert_int_equal(count_in(&s, "/usr/local/bin/rustapp"), 2);
        assert_int_equal(count_in(&s, "/usr/local/bin/plain"), 0);
        assert_int_equal(count_in(&s, "/usr/bin/ls"), 0);
        assert_int_equal(count_in(&s, "/bin/sh"), 0);
        assert_int_equal(count_in(&s, "/usr/bin/script"), 0);
        size_t expected = 6;
        if (containerd) {
            assert_non_null(
                find(&s, LD_ECO_GO, "github.com/containerd/containerd", "/usr/bin/containerd"));
            assert_non_null(find(&s, LD_ECO_GO, "stdlib", "/usr/bin/containerd"));
            expected += count_in(&s, "/usr/bin/containerd");
        }
        assert_int_equal(s.packages.n, expected);
        if (s.notes.n)
            fail_msg("unexpected note: %s", s.notes.v[0]);
        ld_sbom_clear(&s);
    }
    free(target);
    if (!containerd)
        LD_SKIP_IF_MISSING("/usr/bin/containerd missing (install-deps.sh --test installs it)");
}

/* The one-pass directory rule equals "contains /bin/, /sbin/ or /libexec/". */
static void test_exec_dir_rule(void **state)
{
    static const char *const paths[] = {
        "/bin/ls",
        "/usr/bin/x",
        "/usr/local/sbin/x",
        "/usr/libexec/a/b",
        "/bin",
        "/usr/bin",
        "/xbin/a",
        "/usr/sbinx/a",
        "/a/bbin/c",
        "/libexecs/x",
        "/opt/app/bin/",
        "/sbin/",
        "/usr/lib/bin.so",
        "/home/u/.bin/x",
        "/s/bin/x",
        "/sb/in/x",
        "/lib/exec/x",
        "/x/libexec",
        "/",
        "",
        "/bin/bin/bin",
        "/usr/share/sbin",
        "/usr/share/sbin/",
        "/ bin/x",
    };
    for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
        const char *p = paths[i];
        bool want = strstr(p, "/bin/") || strstr(p, "/sbin/") || strstr(p, "/libexec/");
        if (ld_cataloger_in_exec_dir(p) != want)
            fail_msg("\"%s\": %d, want %d", p, !want, want);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_exec_dir_rule),
        cmocka_unit_test(test_binaries_in_a_dir),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
