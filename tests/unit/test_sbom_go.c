/* Unit tests for the Go build info cataloger (src/sbom/go_buildinfo.c).
 *
 * Real data: Debian's containerd binaries (installed by install-deps.sh
 * --test) carry Go build info in the 1.18+ inline layout; Debian builds them
 * without module information, so the main module is derived from the main
 * package path, and the Go version is checked against the golang-1.xx
 * version Debian records in the package's Built-Using field (dpkg status),
 * an independent source. If present, /usr/bin/cbt (google-cloud-cli-cbt, a
 * module-mode build with ~90 dependencies) is compared with the dep lines
 * `strings` finds in it. No Go toolchain is on these machines, so the
 * pre-1.18 pointer layout and the section-less scan are tested on ELF files
 * built here by hand following the layout cmd/link writes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "sbom/catalogers_list.h"
#include "util/mem.h"
#include "test_skip.h"

static uint8_t *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 1 << 20, n = 0, r;
    uint8_t *buf = ld_xmalloc(cap);
    while ((r = fread(buf + n, 1, cap - n, f)) > 0) {
        n += r;
        if (n == cap)
            buf = ld_xrealloc(buf, cap *= 2);
    }
    fclose(f);
    *len = n;
    return buf;
}

static const ld_package *find(const ld_package_list *l, const char *name)
{
    for (size_t i = 0; i < l->n; i++)
        if (strcmp(l->items[i].name, name) == 0)
            return &l->items[i];
    return NULL;
}

/* "go" + upstream version of the golang-1.xx package containerd was built with. */
static char *debian_go_version(void)
{
    size_t n;
    char *st = (char *)slurp("/var/lib/dpkg/status", &n);
    if (!st)
        return NULL;
    st = ld_xrealloc(st, n + 1);
    st[n] = '\0';
    char *res = NULL;
    char *pkg = strstr(st, "\nPackage: containerd\n");
    char *stanza_end = pkg ? strstr(pkg + 1, "\n\n") : NULL;
    char *bu = pkg ? strstr(pkg, "\nBuilt-Using: ") : NULL;
    if (bu && (!stanza_end || bu < stanza_end)) {
        char *g = strstr(bu, "golang-1.");
        char *eq = g ? strstr(g, "(= ") : NULL;
        if (eq) {
            eq += 3;
            size_t vl = strcspn(eq, "-~+)");
            res = ld_xasprintf("go%.*s", (int)vl, eq);
        }
    }
    free(st);
    return res;
}

static void test_containerd_real(void **state)
{
    (void)state;
    size_t len;
    uint8_t *bin = slurp("/usr/bin/containerd", &len);
    if (!bin) {
        LD_SKIP_IF_MISSING("/usr/bin/containerd missing (install-deps.sh --test installs it)");
    }
    const char *path = "/usr/bin/containerd";
    assert_true(ld_cataloger_go_buildinfo.wants(path));
    ld_package_list l = {0};
    ld_error err = LD_ERROR_INIT;
    assert_int_equal(ld_cataloger_go_buildinfo.parse(path, bin, len, &l, &err), 0);
    const ld_package *main_mod = find(&l, "github.com/containerd/containerd");
    assert_non_null(main_mod);
    assert_null(main_mod->version); /* GOPATH build: no module version recorded */
    assert_string_equal(main_mod->found_in, path);
    assert_string_equal(main_mod->purl, "pkg:golang/github.com/containerd/containerd");
    const ld_package *std = find(&l, "stdlib");
    assert_non_null(std);
    char *want = debian_go_version();
    if (want)
        assert_string_equal(std->version, want);
    else
        assert_memory_equal(std->version, "go1.", 4);
    free(want);
    assert_int_equal(l.n, 2);
    ld_package_list_clear(&l);
    free(bin);
}

static void test_module_binary_real(void **state)
{
    (void)state;
    size_t len;
    const char *path = "/usr/bin/cbt";
    uint8_t *bin = slurp(path, &len);
    if (!bin) {
        /* google-cloud-cli-cbt is in no registry these machines reach */
        LD_SKIP_OPTIONAL("%s (google-cloud-cli-cbt) not installed on this machine", path);
    }
    ld_package_list l = {0};
    ld_error err = LD_ERROR_INIT;
    assert_int_equal(ld_cataloger_go_buildinfo.parse(path, bin, len, &l, &err), 0);
    /* Every "dep\tNAME\tVERSION" line in the binary, unless replaced, is a package. */
    size_t deps = 0, replaced = 0;
    /* the first copy of the module list: from its mod line to its first build line */
    const uint8_t *start = memmem(bin, len, "\nmod\t", 5);
    assert_non_null(start);
    const uint8_t *stop = memmem(start, len - (size_t)(start - bin), "\nbuild\t", 7);
    assert_non_null(stop);
    for (const uint8_t *p = start; (p = memmem(p, (size_t)(stop - p), "\ndep\t", 5));) {
        p += 5;
        const char *name = (const char *)p;
        size_t nl = strcspn(name, "\t\n");
        const char *ver = name + nl + 1;
        size_t vl = strcspn(ver, "\t\n");
        const char *after = memchr(ver, '\n', 512);
        if (after && strncmp(after + 1, "=>\t", 3) == 0) {
            replaced++;
            continue;
        }
        char *n = ld_xstrndup(name, nl), *v = ld_xstrndup(ver, vl);
        const ld_package *pkg = find(&l, n);
        assert_non_null(pkg);
        assert_string_equal(pkg->version, v);
        free(n);
        free(v);
        deps++;
    }
    assert_true(deps > 10);
    /* deps + replaced + main module + stdlib */
    assert_int_equal(l.n, deps + replaced + 2);
    assert_non_null(find(&l, "cloud.google.com/go/cbt"));
    ld_package_list_clear(&l);
    free(bin);
}

/* --- hand-built ELF files ----------------------------------------------- */

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

#define VA 0x400000u
#define ELF_SIZE 4096

static const char modinfo_text[] = "path\texample.com/app/cmd/app\n"
                                   "mod\texample.com/app\tv1.4.0\th1:abc=\n"
                                   "dep\tgolang.org/x/sys\tv0.5.0\th1:def=\n"
                                   "dep\tgithub.com/old/name\tv1.0.0\t\n"
                                   "=>\tgithub.com/new/name\tv1.1.0\th1:ghi=\n"
                                   "dep\texample.com/local\tv0.0.1\n"
                                   "=>\t../local\t\t\n"
                                   "build\t-compiler=gc\n";

/* modinfo wrapped in the 16-byte sentinels the linker adds */
static size_t wrapped_modinfo(uint8_t *out)
{
    memset(out, 0xAA, 16);
    memcpy(out + 16, modinfo_text, sizeof modinfo_text - 1);
    memset(out + 16 + sizeof modinfo_text - 1, 0xBB, 16);
    return sizeof modinfo_text - 1 + 32;
}

/* ELF64 LE with one PT_LOAD covering the file at VA; sections .shstrtab and
 * .go.buildinfo (at 256) unless no_sections; inline (1.18+) or pointer layout. */
static void make_elf(uint8_t *f, bool inline_fmt, bool no_sections)
{
    memset(f, 0, ELF_SIZE);
    memcpy(f,
           "\x7f"
           "ELF\x02\x01\x01",
           7);
    p16(f + 16, 2);
    p16(f + 18, 62);
    p32(f + 20, 1);
    p64(f + 32, 64);
    p64(f + 40, no_sections ? 0 : 2048);
    p16(f + 52, 64);
    p16(f + 54, 56);
    p16(f + 56, 1);
    p16(f + 58, 64);
    p16(f + 60, no_sections ? 0 : 3);
    p16(f + 62, no_sections ? 0 : 1);
    uint8_t *ph = f + 64;
    p32(ph, 1);
    p32(ph + 4, 5);
    p64(ph + 16, VA);
    p64(ph + 24, VA);
    p64(ph + 32, ELF_SIZE);
    p64(ph + 40, ELF_SIZE);
    static const char shstr[] = "\0.shstrtab\0.go.buildinfo";
    memcpy(f + 128, shstr, sizeof shstr);
    uint8_t *bi = f + 256;
    memcpy(bi, "\xff Go buildinf:", 14);
    bi[14] = 8;
    static const char ver[] = "go1.17.13";
    uint8_t mi[512];
    size_t mil = wrapped_modinfo(mi);
    if (inline_fmt) {
        bi[15] = 2;
        uint8_t *p = bi + 32;
        *p++ = sizeof ver - 1;
        memcpy(p, ver, sizeof ver - 1);
        p += sizeof ver - 1;
        *p++ = (uint8_t)(0x80 | (mil & 0x7f));
        *p++ = (uint8_t)(mil >> 7);
        memcpy(p, mi, mil);
    } else {
        bi[15] = 0;
        p64(bi + 16, VA + 512);
        p64(bi + 24, VA + 528);
        p64(f + 512, VA + 600);
        p64(f + 520, sizeof ver - 1);
        p64(f + 528, VA + 640);
        p64(f + 536, mil);
        memcpy(f + 600, ver, sizeof ver - 1);
        memcpy(f + 640, mi, mil);
    }
    if (!no_sections) {
        uint8_t *sh = f + 2048 + 64; /* [0] is the null section */
        p32(sh, 1);
        p32(sh + 4, 3);
        p64(sh + 24, 128);
        p64(sh + 32, sizeof shstr);
        sh += 64;
        p32(sh, 11);
        p32(sh + 4, 1);
        p64(sh + 16, VA + 256);
        p64(sh + 24, 256);
        p64(sh + 32, 256);
    }
}

static void check_modules(const ld_package_list *l)
{
    assert_int_equal(l->n, 5);
    const ld_package *p = find(l, "example.com/app");
    assert_non_null(p);
    assert_string_equal(p->version, "v1.4.0");
    assert_string_equal(find(l, "golang.org/x/sys")->version, "v0.5.0");
    assert_null(find(l, "github.com/old/name"));
    assert_string_equal(find(l, "github.com/new/name")->version, "v1.1.0");
    assert_string_equal(find(l, "../local")->version, "v0.0.1");
    assert_string_equal(find(l, "stdlib")->version, "go1.17.13");
    assert_string_equal(find(l, "golang.org/x/sys")->purl, "pkg:golang/golang.org/x/sys@v0.5.0");
}

static void test_layouts(void **state)
{
    (void)state;
    static uint8_t f[ELF_SIZE];
    for (int v = 0; v < 4; v++) {
        make_elf(f, v & 1, v & 2);
        ld_package_list l = {0};
        ld_error err = LD_ERROR_INIT;
        /* without section headers the blob is found by the scan, and the
         * old layout's pointers still resolve through the program headers */
        int rc = ld_cataloger_go_buildinfo.parse("/app", f, sizeof f, &l, &err);
        assert_int_equal(rc, 0);
        check_modules(&l);
        ld_package_list_clear(&l);
    }
}

static void test_wants(void **state)
{
    (void)state;
    assert_true(ld_cataloger_go_buildinfo.wants("/usr/local/bin/app"));
    assert_true(ld_cataloger_go_buildinfo.wants("/usr/sbin/x"));
    assert_true(ld_cataloger_go_buildinfo.wants("/server"));
    assert_false(ld_cataloger_go_buildinfo.wants("/etc/passwd"));
    assert_false(ld_cataloger_go_buildinfo.wants("/.dockerenv"));
    assert_false(ld_cataloger_go_buildinfo.wants("/usr/share/doc/x"));
}

static void test_hostile(void **state)
{
    (void)state;
    static uint8_t f[ELF_SIZE], bad[ELF_SIZE];
    ld_package_list l = {0};
    ld_error err = LD_ERROR_INIT;
    /* not ELF, or ELF without Go: nothing, no error */
    static const uint8_t script[] = "#!/bin/sh\necho hi\n";
    assert_int_equal(ld_cataloger_go_buildinfo.parse("/bin/x", script, sizeof script, &l, &err), 0);
    assert_int_equal(l.n, 0);
    for (int v = 0; v < 2; v++) {
        make_elf(f, v, false);
        /* every truncation: no crash, no reads past the cut */
        for (size_t cut = 0; cut < sizeof f; cut += 3) {
            uint8_t *copy = ld_xmalloc(cut ? cut : 1);
            memcpy(copy, f, cut);
            ld_error e = LD_ERROR_INIT;
            (void)ld_cataloger_go_buildinfo.parse("/app", copy, cut, &l, &e);
            ld_package_list_clear(&l);
            free(copy);
        }
    }
    /* varint length beyond the file */
    make_elf(bad, true, false);
    bad[256 + 32 + 10 + 1] = 0x7f;
    assert_true(ld_cataloger_go_buildinfo.parse("/app", bad, sizeof bad, &l, &err) < 0);
    assert_non_null(strstr(err.msg, "/app: "));
    /* endless varint */
    make_elf(bad, true, false);
    memset(bad + 256 + 32, 0xff, 20);
    assert_true(ld_cataloger_go_buildinfo.parse("/app", bad, sizeof bad, &l, &err) < 0);
    /* pointers that do not resolve, huge string lengths, bad pointer size */
    struct {
        size_t off;
        uint64_t val;
    } edits[] = {{256 + 16, 0x10}, {512, VA + 5000}, {520, 1ull << 40}, {536, 5000}, {536, ~0ull}};
    for (size_t i = 0; i < sizeof edits / sizeof *edits; i++) {
        make_elf(bad, false, false);
        p64(bad + edits[i].off, edits[i].val);
        ld_error e = LD_ERROR_INIT;
        if (ld_cataloger_go_buildinfo.parse("/app", bad, sizeof bad, &l, &e) >= 0)
            fail_msg("edit %zu accepted", i);
        assert_int_equal(l.n, 0);
    }
    make_elf(bad, false, false);
    bad[256 + 14] = 3;
    assert_true(ld_cataloger_go_buildinfo.parse("/app", bad, sizeof bad, &l, &err) < 0);
    /* an ELF with a sound section table and no Go sections is not scanned,
     * even if the magic appears in its data (as in lockdown's own binary) */
    make_elf(bad, true, false);
    memcpy(bad + 128 + 11, ".go.buildinfX", 13);
    assert_int_equal(ld_cataloger_go_buildinfo.parse("/app", bad, sizeof bad, &l, &err), 0);
    assert_int_equal(l.n, 0);
    /* ... unless another Go section shows a Go binary */
    memcpy(bad + 128 + 11, ".gopclntab\0\0\0", 13);
    assert_int_equal(ld_cataloger_go_buildinfo.parse("/app", bad, sizeof bad, &l, &err), 0);
    assert_int_equal(l.n, 5);
    ld_package_list_clear(&l);
    /* section table pointing out of the file: falls back to the scan */
    make_elf(bad, true, false);
    p64(bad + 40, ~0ull >> 1);
    assert_int_equal(ld_cataloger_go_buildinfo.parse("/app", bad, sizeof bad, &l, &err), 0);
    assert_int_equal(l.n, 5);
    ld_package_list_clear(&l);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_containerd_real), cmocka_unit_test(test_module_binary_real),
        cmocka_unit_test(test_layouts),         cmocka_unit_test(test_wants),
        cmocka_unit_test(test_hostile),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
