/* Unit tests for the ELF section probe (src/sbom/elf_probe.c) and the
 * needs_content hooks of the binary catalogers (go_buildinfo.c, cargo.c):
 * on real binaries of this machine, on hand-made Go and cargo-auditable
 * ELF files and on thousands of damaged and truncated variants, the probe
 * answers exactly what ld_elf_section answers on the whole file (or
 * "unknown"), an fd reader and a memory reader agree, and whenever a hook
 * says a file need not be read, parsing the whole file reports nothing and
 * does not fail. Real Go data: Debian's containerd (install-deps.sh --test). */
#include <dirent.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "sbom/catalogers_list.h"
#include "sbom/elf_probe.h"
#include "util/elf_view.h"
#include "util/mem.h"
#include "test_skip.h"

static const char *const names[] = {".go.buildinfo",
                                    ".note.go.buildid",
                                    ".gopclntab",
                                    ".dep-v0",
                                    ".text",
                                    ".shstrtab",
                                    ".data",
                                    ".nope",
                                    ""};
#define N_NAMES (sizeof(names) / sizeof(names[0]))

/* The file at path, if it is a regular file of at most max bytes. */
static uint8_t *slurp(const char *path, size_t *len, off_t max)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size > max) {
        if (fd >= 0)
            close(fd);
        return NULL;
    }
    uint8_t *buf = ld_xmalloc((size_t)st.st_size + 1);
    size_t n = 0;
    ssize_t r;
    while (n < (size_t)st.st_size && (r = read(fd, buf + n, (size_t)st.st_size - n)) > 0)
        n += (size_t)r;
    close(fd);
    *len = n;
    return buf;
}

typedef struct {
    size_t files, elf, probed_unknown, go_skipped, cargo_skipped;
} tally;

/* The probe agrees with the whole-file view, and a hook that says "not
 * needed" is right. */
static void check_sample(const char *path, const uint8_t *data, size_t len, int fd, tally *t)
{
    t->files++;
    ld_file_reader mem = ld_file_reader_mem(data, len);
    ld_elf_view v;
    bool is_elf = ld_elf_open(&v, data, len);
    ld_elf_probe p;
    int opened = ld_elf_probe_open(&p, &mem);
    assert_int_equal(opened, is_elf ? 1 : 0);
    ld_elf_probe pf, pc;
    ld_file_reader fr = ld_file_reader_fd(fd, len);
    ld_file_reader_cache cache;
    ld_file_reader fc = ld_file_reader_fd_cached(fd, len, &cache);
    if (fd >= 0) {
        assert_int_equal(ld_elf_probe_open(&pf, &fr), opened);
        assert_int_equal(ld_elf_probe_open(&pc, &fc), opened);
    }
    if (is_elf) {
        t->elf++;
        for (size_t i = 0; i < N_NAMES; i++) {
            uint64_t o = 0, s = 0;
            int want = ld_elf_section(&v, names[i], &o, &s);
            int got = ld_elf_probe_section(&p, names[i]);
            if (got == LD_ELF_PROBE_UNKNOWN) {
                t->probed_unknown++;
                continue;
            }
            if (got != want)
                fail_msg("%s: section \"%s\": probe says %d, the whole file %d", path, names[i],
                         got, want);
            if (fd >= 0) {
                assert_int_equal(ld_elf_probe_section(&pf, names[i]), got);
                assert_int_equal(ld_elf_probe_section(&pc, names[i]), got);
            }
        }
    }
    ld_elf_probe_clear(&p);
    if (fd >= 0) {
        ld_elf_probe_clear(&pf);
        ld_elf_probe_clear(&pc);
    }

    const ld_cataloger *cats[] = {&ld_cataloger_go_buildinfo, &ld_cataloger_cargo};
    for (size_t c = 0; c < 2; c++) {
        bool need = cats[c]->needs_content(path, &mem);
        if (fd >= 0) {
            assert_int_equal(cats[c]->needs_content(path, &fr), need);
            assert_int_equal(cats[c]->needs_content(path, &fc), need); /* the cache is shared */
        }
        if (need)
            continue;
        if (c == 0)
            t->go_skipped++;
        else
            t->cargo_skipped++;
        ld_package_list l = {0};
        ld_error err = LD_ERROR_INIT;
        int rc = cats[c]->parse(path, data, len, &l, &err);
        if (rc != 0 || l.n != 0)
            fail_msg("%s: %s said it needs no content, but parse gives rc %d and %zu packages "
                     "(%s)",
                     path, cats[c]->name, rc, l.n, err.msg);
        ld_package_list_clear(&l);
    }
}

static void check_file(const char *path, tally *t)
{
    size_t len;
    uint8_t *data = slurp(path, &len, 16 << 20);
    if (!data)
        return;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    check_sample(path, data, len, fd, t);
    close(fd);
    free(data);
}

static void check_dir(const char *dir, size_t max, tally *t)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *de;
    size_t n = 0;
    while ((de = readdir(d)) && n < max) {
        if (de->d_type != DT_REG)
            continue;
        char *p = ld_xasprintf("%s/%s", dir, de->d_name);
        check_file(p, t);
        free(p);
        n++;
    }
    closedir(d);
}

static void test_real_binaries(void **state)
{
    tally t = {0};
    check_dir("/usr/bin", 600, &t);
    check_dir("/usr/sbin", 200, &t);
    check_dir("/usr/lib/x86_64-linux-gnu", 300, &t);
    const char *rootfs = getenv("LOCKDOWN_DEBIAN_ROOTFS");
    if (rootfs) {
        char *p = ld_xasprintf("%s/usr/bin", rootfs);
        check_dir(p, 600, &t);
        free(p);
    }
    print_message("%zu files, %zu ELF, go skips %zu, cargo skips %zu, %zu unknown answers\n",
                  t.files, t.elf, t.go_skipped, t.cargo_skipped, t.probed_unknown);
    /* the point of the probe: ordinary binaries are not read whole */
    assert_true(t.elf > 100);
    assert_true(t.go_skipped * 10 >= t.elf * 9);
    assert_true(t.cargo_skipped * 10 >= t.elf * 9);

    /* a plain C binary and a script are skipped by both; a lock file is
     * read, and text among the binaries is not taken for one */
    size_t len;
    uint8_t *ls = slurp("/usr/bin/ls", &len, 16 << 20);
    assert_non_null(ls);
    ld_file_reader r = ld_file_reader_mem(ls, len);
    assert_false(ld_cataloger_go_buildinfo.needs_content("/usr/bin/ls", &r));
    assert_false(ld_cataloger_cargo.needs_content("/usr/bin/ls", &r));
    free(ls);
    static const char script[] = "#!/bin/sh\necho hi\n";
    r = ld_file_reader_mem((const uint8_t *)script, sizeof script - 1);
    assert_false(ld_cataloger_go_buildinfo.needs_content("/usr/bin/s", &r));
    assert_false(ld_cataloger_cargo.needs_content("/usr/bin/s", &r));
    static const char lock[] = "[[package]]\nname = \"serde\"\nversion = \"1.0.0\"\n";
    r = ld_file_reader_mem((const uint8_t *)lock, sizeof lock - 1);
    assert_true(ld_cataloger_cargo.needs_content("/src/Cargo.lock", &r));
    assert_false(ld_cataloger_cargo.needs_content("/usr/bin/lock-lookalike", &r));
    tally t2 = {0};
    check_sample("/usr/bin/lock-lookalike", (const uint8_t *)lock, sizeof lock - 1, -1, &t2);
    ld_package_list l = {0};
    ld_error err = LD_ERROR_INIT;
    assert_int_equal(ld_cataloger_cargo.parse("/src/Cargo.lock", (const uint8_t *)lock,
                                              sizeof lock - 1, &l, &err),
                     0);
    assert_int_equal(l.n, 1);
    ld_package_list_clear(&l);
}

static void test_go_binary_is_read(void **state)
{
    const char *path = "/usr/bin/containerd";
    size_t len;
    uint8_t *bin = slurp(path, &len, (off_t)1 << 30);
    if (!bin) {
        LD_SKIP_IF_MISSING("%s missing (install-deps.sh --test installs it)", path);
        return;
    }
    ld_file_reader r = ld_file_reader_mem(bin, len);
    assert_true(ld_cataloger_go_buildinfo.needs_content(path, &r));
    tally t = {0};
    check_sample(path, bin, len, -1, &t);
    free(bin);
}

/* ---- hand-made ELF files --------------------------------------------------- */

static void p16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}
static void p32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}
static void p64(uint8_t *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

#define SMALL 4096

/* ELF64 LE, section table at 2048 with [0] null, [1] .shstrtab, [2] the
 * named section at 256 holding content (Go build info, or anything). */
static void make_elf(uint8_t *f, const char *section, const void *content, size_t clen)
{
    memset(f, 0, SMALL);
    memcpy(f,
           "\x7f"
           "ELF\x02\x01\x01",
           7);
    p16(f + 16, 2);
    p16(f + 18, 62);
    p64(f + 40, 2048);
    p16(f + 52, 64);
    p16(f + 58, 64);
    p16(f + 60, 3);
    p16(f + 62, 1);
    char shstr[64] = "\0.shstrtab";
    size_t sl = strlen(section);
    memcpy(shstr + 11, section, sl + 1);
    memcpy(f + 128, shstr, 11 + sl + 1);
    memcpy(f + 256, content, clen);
    uint8_t *sh = f + 2048 + 64;
    p32(sh, 1);
    p32(sh + 4, 3);
    p64(sh + 24, 128);
    p64(sh + 32, 11 + sl + 1);
    sh += 64;
    p32(sh, 11);
    p32(sh + 4, 1);
    p64(sh + 24, 256);
    p64(sh + 32, clen);
}

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;
static uint64_t rng(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

static void test_made_and_damaged(void **state)
{
    static uint8_t f[SMALL];
    tally t = {0};
    /* Go build info, inline layout: version "go1.22", empty modinfo */
    uint8_t bi[64] = "\xff Go buildinf:";
    bi[14] = 8;
    bi[15] = 2;
    bi[32] = 6;
    memcpy(bi + 33, "go1.22", 6);
    bi[39] = 0;
    const struct {
        const char *section;
        const void *content;
        size_t len;
    } kinds[] = {
        {".go.buildinfo", bi, sizeof bi},
        {".note.go.buildid", "Go\0\0", 4},
        {".gopclntab", "\xf1\xff\xff\xff", 4},
        {".dep-v0", "x\x9c\x03\x00\x00\x00\x00\x01", 8}, /* zlib of "" */
        {".rodata", "plain", 5},
    };
    for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
        make_elf(f, kinds[k].section, kinds[k].content, kinds[k].len);
        ld_file_reader r = ld_file_reader_mem(f, SMALL);
        bool go_need = ld_cataloger_go_buildinfo.needs_content("/bin/x", &r);
        bool cargo_need = ld_cataloger_cargo.needs_content("/bin/x", &r);
        assert_int_equal(go_need, k <= 2);
        assert_int_equal(cargo_need, k == 3);
        check_sample("/bin/x", f, SMALL, -1, &t);
        /* every truncation */
        for (size_t cut = 0; cut < SMALL; cut += 7)
            check_sample("/bin/x", f, cut, -1, &t);
        /* damage in the header, the section table and the name table */
        static uint8_t g[SMALL];
        for (int i = 0; i < 3000; i++) {
            memcpy(g, f, SMALL);
            for (int flips = 1 + (int)(rng() % 3); flips > 0; flips--) {
                uint64_t x = rng();
                size_t at;
                switch (x % 4) {
                case 0: at = 32 + (x >> 8) % 32; break;    /* e_sh* fields */
                case 1: at = 2048 + (x >> 8) % 192; break; /* section headers */
                case 2: at = 128 + (x >> 8) % 64; break;   /* names */
                default: at = (x >> 8) % SMALL; break;
                }
                g[at] = (uint8_t)(x >> 40);
            }
            check_sample("/bin/x", g, SMALL, -1, &t);
        }
    }
    print_message("%zu samples, %zu ELF, %zu unknown answers\n", t.files, t.elf, t.probed_unknown);
    assert_true(t.elf > 10000);

    /* a real binary, damaged the same way */
    size_t len;
    uint8_t *bin = slurp("/usr/bin/true", &len, 16 << 20);
    assert_non_null(bin);
    uint8_t *g = ld_xmalloc(len);
    ld_elf_view v;
    assert_true(ld_elf_open(&v, bin, len));
    uint64_t shoff = ld_elf_read(&v, 40, 8);
    for (int i = 0; i < 3000; i++) {
        memcpy(g, bin, len);
        uint64_t x = rng();
        size_t at = x % 2 ? 32 + (x >> 8) % 32 : (size_t)(shoff + (x >> 8) % (len - shoff));
        if (at < len)
            g[at] = (uint8_t)(x >> 40);
        check_sample("/usr/bin/true", g, len, -1, &t);
    }
    for (size_t cut = 0; cut < len; cut += len / 500 + 1)
        check_sample("/usr/bin/true", bin, cut, -1, &t);
    free(g);
    free(bin);
}

/* A reader that fails or comes up short: the hooks ask for the file. */
static ssize_t failing_read(const ld_file_reader *r, uint64_t off, void *buf, size_t len)
{
    (void)r, (void)off, (void)buf, (void)len;
    return -1;
}

static ssize_t short_read(const ld_file_reader *r, uint64_t off, void *buf, size_t len)
{
    ld_file_reader inner = ld_file_reader_mem(r->data, (size_t)r->size);
    ssize_t n = inner.read_at(&inner, off, buf, len);
    return off == 0 ? n : n / 2; /* the header reads, the tables come up short */
}

static void test_read_failures(void **state)
{
    size_t len;
    uint8_t *bin = slurp("/usr/bin/ls", &len, 16 << 20);
    assert_non_null(bin);
    ld_file_reader r = ld_file_reader_mem(bin, len);
    r.read_at = failing_read;
    assert_true(ld_cataloger_go_buildinfo.needs_content("/usr/bin/ls", &r));
    assert_true(ld_cataloger_cargo.needs_content("/usr/bin/ls", &r));
    r.read_at = short_read;
    assert_true(ld_cataloger_go_buildinfo.needs_content("/usr/bin/ls", &r));
    assert_true(ld_cataloger_cargo.needs_content("/usr/bin/ls", &r));
    ld_elf_probe p;
    assert_int_equal(ld_elf_probe_open(&p, &r), 1);
    assert_int_equal(ld_elf_probe_section(&p, ".text"), LD_ELF_PROBE_UNKNOWN);
    ld_elf_probe_clear(&p);
    free(bin);
}

/* The cached fd reader returns the file's bytes for any range, in any
 * order, and short counts only at the end. */
static void test_cached_reader(void **state)
{
    size_t len;
    uint8_t *bin = slurp("/usr/bin/ls", &len, 16 << 20);
    assert_non_null(bin);
    int fd = open("/usr/bin/ls", O_RDONLY | O_CLOEXEC);
    assert_true(fd >= 0);
    ld_file_reader_cache cache;
    ld_file_reader r = ld_file_reader_fd_cached(fd, len, &cache);
    uint8_t *buf = ld_xmalloc(3 * LD_FILE_READER_WINDOW);
    for (int i = 0; i < 20000; i++) {
        uint64_t x = rng();
        uint64_t off;
        switch (x % 4) {
        case 0: off = (x >> 8) % 80; break;
        case 1: off = len - (x >> 8) % 9000; break;
        case 2: off = len + (x >> 8) % 10; break;
        default: off = (x >> 8) % len; break;
        }
        size_t n = (size_t)((x >> 32) % (x & 16 ? 100 : 3 * LD_FILE_READER_WINDOW));
        ssize_t got = r.read_at(&r, off, buf, n);
        size_t want = off >= len ? 0 : (n < len - off ? n : (size_t)(len - off));
        assert_int_equal(got, (ssize_t)want);
        if (want)
            assert_memory_equal(buf, bin + off, want);
    }
    close(fd);
    free(buf);
    free(bin);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_real_binaries),    cmocka_unit_test(test_go_binary_is_read),
        cmocka_unit_test(test_made_and_damaged), cmocka_unit_test(test_read_failures),
        cmocka_unit_test(test_cached_reader),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
