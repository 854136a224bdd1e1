/* Unit tests for the bounds-checked ELF view (src/util/elf_view.c): small
 * ELF files built here in all four class/byte-order combinations, then
 * patched into hostile shapes (tables past the end, names past the string
 * table, offsets whose sums overflow), and a real binary from the machine
 * when there is one. Not a test of the catalogers that use the view:
 * test_sbom_go.c and test_sbom_cargo.c cover those. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "util/elf_view.h"
#include "util/mem.h"
#include "test_skip.h"

/* --- a tiny ELF file ----------------------------------------------------
 * ehdr | phdr (one PT_LOAD: the whole file at VA) | ".hello" data |
 * .shstrtab | section headers [0] null, [1] .hello, [2] .shstrtab */

#define VA 0x10000u
#define IMG_MAX 512
#define HELLO "hello, elf"

static const char shstrtab[] = "\0.hello\0.shstrtab"; /* names at 1 and 8 */

typedef struct {
    uint8_t d[IMG_MAX];
    size_t len;
    bool is64, be;
    uint64_t phoff, hello_off, strtab_off, shoff;
    unsigned shentsize, phentsize;
} img;

/* Writes the n-byte value v at off in the image's byte order. */
static void put(img *m, uint64_t off, unsigned n, uint64_t v)
{
    assert_true(off + n <= IMG_MAX);
    for (unsigned i = 0; i < n; i++) {
        unsigned shift = m->be ? 8 * (n - 1 - i) : 8 * i;
        m->d[off + i] = (uint8_t)(v >> shift);
    }
}

/* Word-sized (4 or 8 bytes by class) value. */
static void put_word(img *m, uint64_t off, uint64_t v)
{
    put(m, off, m->is64 ? 8 : 4, v);
}

/* Offset of field sh_name (0), sh_offset or sh_size of section i. */
static uint64_t sh_field(const img *m, unsigned i, const char *field)
{
    uint64_t base = m->shoff + (uint64_t)i * m->shentsize;
    if (strcmp(field, "name") == 0)
        return base;
    if (strcmp(field, "offset") == 0)
        return base + (m->is64 ? 24 : 16);
    return base + (m->is64 ? 32 : 20); /* size */
}

static void make_img(img *m, bool is64, bool be)
{
    memset(m, 0, sizeof(*m));
    m->is64 = is64;
    m->be = be;
    unsigned ehsize = is64 ? 64 : 52;
    m->phentsize = is64 ? 56 : 32;
    m->shentsize = is64 ? 64 : 40;
    m->phoff = ehsize;
    m->hello_off = m->phoff + m->phentsize;
    m->strtab_off = m->hello_off + sizeof HELLO;
    m->shoff = (m->strtab_off + sizeof shstrtab + 7) & ~(uint64_t)7;
    m->len = m->shoff + 3u * m->shentsize;
    assert_true(m->len <= IMG_MAX);

    memcpy(m->d, "\177ELF", 4);
    m->d[4] = is64 ? 2 : 1;
    m->d[5] = be ? 2 : 1;
    m->d[6] = 1;
    put(m, 16, 2, 2);                      /* ET_EXEC */
    put_word(m, is64 ? 32 : 28, m->phoff); /* e_phoff */
    put_word(m, is64 ? 40 : 32, m->shoff); /* e_shoff */
    put(m, is64 ? 52 : 40, 2, ehsize);
    put(m, is64 ? 54 : 42, 2, m->phentsize);
    put(m, is64 ? 56 : 44, 2, 1); /* e_phnum */
    put(m, is64 ? 58 : 46, 2, m->shentsize);
    put(m, is64 ? 60 : 48, 2, 3); /* e_shnum */
    put(m, is64 ? 62 : 50, 2, 2); /* e_shstrndx */

    uint64_t ph = m->phoff;
    put(m, ph, 4, 1); /* PT_LOAD */
    put_word(m, ph + (is64 ? 8 : 4), 0);
    put_word(m, ph + (is64 ? 16 : 8), VA);
    put_word(m, ph + (is64 ? 32 : 16), m->len); /* p_filesz */
    put_word(m, ph + (is64 ? 40 : 20), m->len); /* p_memsz */

    memcpy(m->d + m->hello_off, HELLO, sizeof HELLO);
    memcpy(m->d + m->strtab_off, shstrtab, sizeof shstrtab);
    put(m, sh_field(m, 1, "name"), 4, 1);
    put_word(m, sh_field(m, 1, "offset"), m->hello_off);
    put_word(m, sh_field(m, 1, "size"), sizeof HELLO);
    put(m, sh_field(m, 2, "name"), 4, 8);
    put_word(m, sh_field(m, 2, "offset"), m->strtab_off);
    put_word(m, sh_field(m, 2, "size"), sizeof shstrtab);
}

static void open_img(const img *m, ld_elf_view *e)
{
    assert_true(ld_elf_open(e, m->d, m->len));
    assert_int_equal(e->is64, m->is64);
    assert_int_equal(e->big_endian, m->be);
}

static int section(const img *m, const char *name, uint64_t *off, uint64_t *size)
{
    ld_elf_view e;
    open_img(m, &e);
    return ld_elf_section(&e, name, off, size);
}

/* Runs body(m) for each class and byte order. */
static void each_kind(void (*body)(img *m))
{
    for (int k = 0; k < 4; k++) {
        img m;
        make_img(&m, k & 1, k & 2);
        body(&m);
    }
}

/* --- reads ---------------------------------------------------------------- */

static void test_load_byte_order(void **state)
{
    (void)state;
    static const uint8_t b[8] = {1, 2, 3, 4, 5, 6, 7, 8};
    assert_int_equal(ld_elf_load(b, 2, false), 0x0201);
    assert_int_equal(ld_elf_load(b, 2, true), 0x0102);
    assert_int_equal(ld_elf_load(b + 1, 4, false), 0x05040302); /* unaligned is fine */
    assert_int_equal(ld_elf_load(b + 1, 4, true), 0x02030405);
    assert_true(ld_elf_load(b, 8, false) == 0x0807060504030201ull);
    assert_true(ld_elf_load(b, 8, true) == 0x0102030405060708ull);
}

static void test_read_bounds(void **state)
{
    (void)state;
    static const uint8_t b[6] = {0xAA, 0xBB, 0xCC, 0xDD, 0xEE, 0xFF};
    ld_elf_view e = {.data = b, .len = sizeof b, .big_endian = true};
    assert_int_equal(ld_elf_read(&e, 4, 2), 0xEEFF); /* ends exactly at the end */
    assert_int_equal(ld_elf_read(&e, 5, 2), 0);      /* one byte past */
    assert_int_equal(ld_elf_read(&e, 6, 1), 0);
    assert_int_equal(ld_elf_read(&e, UINT64_MAX, 1), 0);
    assert_int_equal(ld_elf_read(&e, UINT64_MAX - 1, 4), 0);
    assert_int_equal(ld_elf_read_order(&e, 0, 2, false), 0xBBAA);
}

/* --- the header ------------------------------------------------------------ */

static void test_open_header_sanity(void **state)
{
    (void)state;
    img m;
    ld_elf_view e;
    make_img(&m, true, false);
    assert_false(ld_elf_open(&e, m.d, 63)); /* a 64-bit header needs 64 bytes */
    assert_true(ld_elf_open(&e, m.d, 64));
    make_img(&m, false, true);
    assert_false(ld_elf_open(&e, m.d, 51));
    assert_true(ld_elf_open(&e, m.d, 52));
    assert_false(e.is64);
    assert_true(e.big_endian);
    m.d[4] = 3; /* ELFCLASS: only 1 and 2 */
    assert_false(ld_elf_open(&e, m.d, m.len));
    m.d[4] = 1;
    m.d[5] = 0; /* ELFDATANONE */
    assert_false(ld_elf_open(&e, m.d, m.len));
    m.d[5] = 2;
    m.d[3] = 'f';
    assert_false(ld_elf_open(&e, m.d, m.len));
    static const uint8_t text[64] = "#!/bin/sh\necho not an ELF file\n";
    assert_false(ld_elf_open(&e, text, sizeof text));
}

/* --- sections --------------------------------------------------------------- */

static void found_body(img *m)
{
    uint64_t off = 0, size = 0;
    assert_int_equal(section(m, ".hello", &off, &size), LD_ELF_SECTION_FOUND);
    assert_int_equal(off, m->hello_off);
    assert_int_equal(size, sizeof HELLO);
    assert_memory_equal(m->d + off, HELLO, sizeof HELLO);
    assert_int_equal(section(m, ".shstrtab", &off, &size), LD_ELF_SECTION_FOUND);
    assert_int_equal(off, m->strtab_off);
}

static void test_section_found(void **state)
{
    (void)state;
    each_kind(found_body);
}

static void absent_body(img *m)
{
    uint64_t off = 7, size = 9;
    assert_int_equal(section(m, ".go.buildinfo", &off, &size), LD_ELF_SECTION_ABSENT);
    assert_int_equal(section(m, ".hell", &off, &size), LD_ELF_SECTION_ABSENT); /* prefix */
    assert_int_equal(section(m, "", &off, &size), LD_ELF_SECTION_FOUND); /* the null section */
    assert_int_equal(off, 0);
    off = 7, size = 9;
    assert_int_equal(section(m, ".hello.x", &off, &size), LD_ELF_SECTION_ABSENT);
    assert_int_equal(off, 7); /* untouched unless found */
    assert_int_equal(size, 9);
}

static void test_section_absent(void **state)
{
    (void)state;
    each_kind(absent_body);
}

static void table_past_end_body(img *m)
{
    uint64_t off, size;
    img t = *m;
    t.len -= 1; /* the last header (the string table's) loses a byte */
    assert_int_equal(section(&t, ".hello", &off, &size), LD_ELF_SECTION_BAD_TABLE);
    t = *m;
    put_word(&t, t.is64 ? 40 : 32, t.len); /* e_shoff at the very end */
    assert_int_equal(section(&t, ".hello", &off, &size), LD_ELF_SECTION_BAD_TABLE);
    t = *m;
    put(&t, t.is64 ? 60 : 48, 2, 0xffff); /* e_shnum far more than the file holds */
    put(&t, t.is64 ? 62 : 50, 2, 0xfffe);
    assert_int_equal(section(&t, ".hello", &off, &size), LD_ELF_SECTION_BAD_TABLE);
    t = *m;
    put_word(&t, t.is64 ? 40 : 32, 0); /* no section table */
    assert_int_equal(section(&t, ".hello", &off, &size), LD_ELF_SECTION_BAD_TABLE);
    t = *m;
    put(&t, t.is64 ? 58 : 46, 2, t.is64 ? 63 : 39); /* entries too small for the class */
    assert_int_equal(section(&t, ".hello", &off, &size), LD_ELF_SECTION_BAD_TABLE);
    t = *m;
    put(&t, t.is64 ? 62 : 50, 2, 3); /* e_shstrndx == e_shnum */
    assert_int_equal(section(&t, ".hello", &off, &size), LD_ELF_SECTION_BAD_TABLE);
}

static void test_section_table_past_end(void **state)
{
    (void)state;
    each_kind(table_past_end_body);
}

static void name_past_strtab_body(img *m)
{
    uint64_t off, size;
    img t = *m;
    put(&t, sh_field(&t, 1, "name"), 4, sizeof shstrtab); /* one past the table */
    assert_int_equal(section(&t, ".hello", &off, &size), LD_ELF_SECTION_ABSENT);
    put(&t, sh_field(&t, 1, "name"), 4, 0xffffffff);
    assert_int_equal(section(&t, ".hello", &off, &size), LD_ELF_SECTION_ABSENT);
    /* A string table cut before the NUL of ".hello": no match, no read past it. */
    t = *m;
    put_word(&t, sh_field(&t, 2, "size"), 7);
    assert_int_equal(section(&t, ".hello", &off, &size), LD_ELF_SECTION_ABSENT);
    put_word(&t, sh_field(&t, 2, "size"), 8);
    assert_int_equal(section(&t, ".hello", &off, &size), LD_ELF_SECTION_FOUND);
    /* The string table itself past the end of the file. */
    t = *m;
    put_word(&t, sh_field(&t, 2, "offset"), t.len - 4);
    assert_int_equal(section(&t, ".hello", &off, &size), LD_ELF_SECTION_BAD_TABLE);
}

static void test_section_name_past_strtab(void **state)
{
    (void)state;
    each_kind(name_past_strtab_body);
}

static void overflow_body(img *m)
{
    uint64_t off, size;
    uint64_t max = m->is64 ? UINT64_MAX : UINT32_MAX;
    img t = *m;
    /* section offset + size wraps around */
    put_word(&t, sh_field(&t, 1, "offset"), max - 3);
    put_word(&t, sh_field(&t, 1, "size"), 16);
    assert_int_equal(section(&t, ".hello", &off, &size), LD_ELF_SECTION_BAD_TABLE);
    t = *m;
    put_word(&t, sh_field(&t, 1, "size"), max);
    assert_int_equal(section(&t, ".hello", &off, &size), LD_ELF_SECTION_BAD_TABLE);
    /* string table offset + size wraps around */
    t = *m;
    put_word(&t, sh_field(&t, 2, "offset"), 8);
    put_word(&t, sh_field(&t, 2, "size"), max - 4);
    assert_int_equal(section(&t, ".hello", &off, &size), LD_ELF_SECTION_BAD_TABLE);
    /* e_shoff + e_shstrndx * e_shentsize wraps back into the file (only a
     * 64-bit e_shoff can make the 64-bit sum wrap) */
    if (t.is64) {
        t = *m;
        uint64_t wrap = UINT64_MAX - 2u * t.shentsize + 1 + 64; /* + 2 entries = 64 */
        put_word(&t, 40, wrap);
        assert_int_equal(section(&t, ".hello", &off, &size), LD_ELF_SECTION_BAD_TABLE);
    }
}

static void test_section_overflow(void **state)
{
    (void)state;
    each_kind(overflow_body);
}

/* --- virtual addresses --------------------------------------------------------- */

static void vaddr_body(img *m)
{
    ld_elf_view e;
    open_img(m, &e);
    uint64_t off = 0;
    assert_true(ld_elf_vaddr(&e, VA + m->hello_off, sizeof HELLO, &off));
    assert_int_equal(off, m->hello_off);
    assert_true(ld_elf_vaddr(&e, VA + m->len - 1, 1, &off)); /* last byte */
    assert_int_equal(off, m->len - 1);
    assert_false(ld_elf_vaddr(&e, VA + m->len - 1, 2, &off)); /* runs off the segment */
    assert_false(ld_elf_vaddr(&e, VA - 1, 1, &off));
    assert_false(ld_elf_vaddr(&e, VA + m->len, 0, &off));
    assert_false(ld_elf_vaddr(&e, UINT64_MAX, 1, &off));
}

static void test_vaddr(void **state)
{
    (void)state;
    each_kind(vaddr_body);
}

static void vaddr_hostile_body(img *m)
{
    uint64_t max = m->is64 ? UINT64_MAX : UINT32_MAX, off;
    uint64_t ph = m->phoff;
    ld_elf_view e;
    img t = *m;
    /* segment claims more file bytes than there are */
    put_word(&t, ph + (t.is64 ? 32 : 16), 1u << 20);
    open_img(&t, &e);
    assert_false(ld_elf_vaddr(&e, VA + t.len, 4, &off));
    /* p_offset + (va - p_vaddr) wraps around */
    t = *m;
    put_word(&t, ph + (t.is64 ? 8 : 4), max - 1);
    open_img(&t, &e);
    assert_false(ld_elf_vaddr(&e, VA + 16, 4, &off));
    /* not PT_LOAD */
    t = *m;
    put(&t, ph, 4, 2);
    open_img(&t, &e);
    assert_false(ld_elf_vaddr(&e, VA + 16, 4, &off));
    /* program header table past the end, or entries too small */
    t = *m;
    put_word(&t, t.is64 ? 32 : 28, t.len - 8);
    open_img(&t, &e);
    assert_false(ld_elf_vaddr(&e, VA + 16, 4, &off));
    t = *m;
    put(&t, t.is64 ? 54 : 42, 2, t.is64 ? 55 : 31);
    open_img(&t, &e);
    assert_false(ld_elf_vaddr(&e, VA + 16, 4, &off));
    t = *m;
    put_word(&t, t.is64 ? 32 : 28, max - 8); /* e_phoff near the top */
    put(&t, t.is64 ? 56 : 44, 2, 0xffff);
    open_img(&t, &e);
    assert_false(ld_elf_vaddr(&e, VA + 16, 4, &off));
}

static void test_vaddr_hostile(void **state)
{
    (void)state;
    each_kind(vaddr_hostile_body);
}

/* Every prefix of a valid file: whatever opens must give answers inside it. */
static void truncation_body(img *m)
{
    for (size_t n = 0; n <= m->len; n++) {
        uint8_t *copy = ld_xmalloc(n ? n : 1); /* exact size: ASan sees any overread */
        memcpy(copy, m->d, n);
        ld_elf_view e;
        if (n >= 52 && ld_elf_open(&e, copy, n)) {
            uint64_t off = 0, size = 0;
            int r = ld_elf_section(&e, ".hello", &off, &size);
            if (r == LD_ELF_SECTION_FOUND)
                assert_true(off <= n && size <= n - off);
            else
                assert_true(n < m->len);
            if (ld_elf_vaddr(&e, VA + m->hello_off, 4, &off))
                assert_true(off + 4 <= n);
        }
        free(copy);
    }
}

static void test_truncated(void **state)
{
    (void)state;
    each_kind(truncation_body);
}

/* --- a real binary ------------------------------------------------------------ */

static void test_real_binary(void **state)
{
    (void)state;
    const char *path = "/bin/true";
    FILE *f = fopen(path, "rb");
    if (!f)
        LD_SKIP_IF_MISSING("%s missing (coreutils)", path);
    size_t cap = 1 << 16, n = 0, r;
    uint8_t *buf = ld_xmalloc(cap);
    while ((r = fread(buf + n, 1, cap - n, f)) > 0)
        if ((n += r) == cap)
            buf = ld_xrealloc(buf, cap *= 2);
    fclose(f);
    ld_elf_view e;
    assert_true(ld_elf_open(&e, buf, n));
    uint64_t text_off = 0, text_size = 0, off = 0;
    assert_int_equal(ld_elf_section(&e, ".text", &text_off, &text_size), LD_ELF_SECTION_FOUND);
    assert_true(text_size > 0);
    /* The entry point lies in .text, through the program headers. */
    uint64_t entry = e.is64 ? ld_elf_read(&e, 24, 8) : ld_elf_read(&e, 24, 4);
    assert_true(ld_elf_vaddr(&e, entry, 1, &off));
    assert_true(off >= text_off && off < text_off + text_size);
    free(buf);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_load_byte_order),
        cmocka_unit_test(test_read_bounds),
        cmocka_unit_test(test_open_header_sanity),
        cmocka_unit_test(test_section_found),
        cmocka_unit_test(test_section_absent),
        cmocka_unit_test(test_section_table_past_end),
        cmocka_unit_test(test_section_name_past_strtab),
        cmocka_unit_test(test_section_overflow),
        cmocka_unit_test(test_vaddr),
        cmocka_unit_test(test_vaddr_hostile),
        cmocka_unit_test(test_truncated),
        cmocka_unit_test(test_real_binary),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
