/* Bounds-checked ELF view over a memory buffer (see elf_view.h): the
 * section and program header walks the binary catalogers share. Offsets
 * from the file are untrusted: each is checked against the buffer, and sums
 * of them with __builtin_add_overflow, before any byte behind it is read.
 * Not for writing or relocating ELF files. */
#include "util/elf_view.h"

#include <assert.h>
#include <string.h>

#define PT_LOAD 1
#define SHDR32_SIZE 40u
#define SHDR64_SIZE 64u
#define PHDR32_SIZE 32u
#define PHDR64_SIZE 56u

uint64_t ld_elf_load(const uint8_t *p, unsigned n, bool big_endian)
{
    assert(n >= 1 && n <= 8);
    uint64_t v = 0;
    for (unsigned i = 0; i < n; i++)
        v = big_endian ? (v << 8) | p[i] : v | (uint64_t)p[i] << (8 * i);
    return v;
}

/* Whether [off, off+n) lies wholly inside the buffer. */
static bool in_buffer(const ld_elf_view *e, uint64_t off, uint64_t n)
{
    return off <= e->len && e->len - off >= n;
}

uint64_t ld_elf_read_order(const ld_elf_view *e, uint64_t off, unsigned n, bool big_endian)
{
    if (!in_buffer(e, off, n))
        return 0;
    return ld_elf_load(e->data + off, n, big_endian);
}

uint64_t ld_elf_read(const ld_elf_view *e, uint64_t off, unsigned n)
{
    return ld_elf_read_order(e, off, n, e->big_endian);
}

bool ld_elf_open(ld_elf_view *e, const uint8_t *data, size_t len)
{
    if (len < LD_ELF_EHDR32_SIZE || memcmp(data, "\177ELF", 4) != 0 ||
        (data[4] != 1 && data[4] != 2) || (data[5] != 1 && data[5] != 2))
        return false;
    *e = (ld_elf_view){.data = data, .len = len, .is64 = data[4] == 2, .big_endian = data[5] == 2};
    return !e->is64 || len >= LD_ELF_EHDR64_SIZE;
}

/* Offset of entry i of a table of entsize-byte entries at table_off, if the
 * whole entry is inside the buffer. */
static bool table_entry(const ld_elf_view *e, uint64_t table_off, uint64_t i, uint64_t entsize,
                        uint64_t *entry)
{
    uint64_t rel, off;
    if (__builtin_mul_overflow(i, entsize, &rel) || __builtin_add_overflow(table_off, rel, &off) ||
        !in_buffer(e, off, entsize))
        return false;
    *entry = off;
    return true;
}

int ld_elf_section(const ld_elf_view *e, const char *name, uint64_t *off, uint64_t *size)
{
    /* e_shoff, e_shentsize, e_shnum, e_shstrndx; sh_name, sh_offset, sh_size */
    uint64_t shoff = e->is64 ? ld_elf_read(e, 40, 8) : ld_elf_read(e, 32, 4);
    uint64_t shentsize = e->is64 ? ld_elf_read(e, 58, 2) : ld_elf_read(e, 46, 2);
    uint64_t shnum = e->is64 ? ld_elf_read(e, 60, 2) : ld_elf_read(e, 48, 2);
    uint64_t shstrndx = e->is64 ? ld_elf_read(e, 62, 2) : ld_elf_read(e, 50, 2);
    if (!shoff || shentsize < (e->is64 ? SHDR64_SIZE : SHDR32_SIZE) || shstrndx >= shnum)
        return LD_ELF_SECTION_BAD_TABLE;
    const uint64_t f_name = 0, f_off = e->is64 ? 24 : 16, f_size = e->is64 ? 32 : 20;
    const unsigned w = e->is64 ? 8 : 4;
    /* The walk below would stop at the string table's own header anyway,
     * so a string table header outside the buffer spoils the whole table. */
    uint64_t strtab;
    if (!table_entry(e, shoff, shstrndx, shentsize, &strtab))
        return LD_ELF_SECTION_BAD_TABLE;
    uint64_t str_off = ld_elf_read(e, strtab + f_off, w);
    uint64_t str_size = ld_elf_read(e, strtab + f_size, w);
    if (!in_buffer(e, str_off, str_size))
        return LD_ELF_SECTION_BAD_TABLE;
    size_t nl = strlen(name);
    for (uint64_t i = 0; i < shnum; i++) {
        uint64_t sh;
        if (!table_entry(e, shoff, i, shentsize, &sh))
            return LD_ELF_SECTION_BAD_TABLE;
        uint64_t nm = ld_elf_read(e, sh + f_name, 4);
        if (nm >= str_size || str_size - nm < nl + 1 ||
            memcmp(e->data + str_off + nm, name, nl + 1) != 0)
            continue;
        uint64_t o = ld_elf_read(e, sh + f_off, w), s = ld_elf_read(e, sh + f_size, w);
        if (!in_buffer(e, o, s))
            return LD_ELF_SECTION_BAD_TABLE;
        *off = o;
        *size = s;
        return LD_ELF_SECTION_FOUND;
    }
    return LD_ELF_SECTION_ABSENT;
}

bool ld_elf_vaddr(const ld_elf_view *e, uint64_t va, uint64_t need, uint64_t *off)
{
    /* e_phoff, e_phentsize, e_phnum; p_type, p_offset, p_vaddr, p_filesz */
    uint64_t phoff = e->is64 ? ld_elf_read(e, 32, 8) : ld_elf_read(e, 28, 4);
    uint64_t phentsize = e->is64 ? ld_elf_read(e, 54, 2) : ld_elf_read(e, 42, 2);
    uint64_t phnum = e->is64 ? ld_elf_read(e, 56, 2) : ld_elf_read(e, 44, 2);
    if (!phoff || phentsize < (e->is64 ? PHDR64_SIZE : PHDR32_SIZE))
        return false;
    const uint64_t f_off = e->is64 ? 8 : 4, f_vaddr = e->is64 ? 16 : 8,
                   f_filesz = e->is64 ? 32 : 16;
    const unsigned w = e->is64 ? 8 : 4;
    for (uint64_t i = 0; i < phnum; i++) {
        uint64_t ph;
        if (!table_entry(e, phoff, i, phentsize, &ph))
            return false;
        if (ld_elf_read(e, ph, 4) != PT_LOAD)
            continue;
        uint64_t p_off = ld_elf_read(e, ph + f_off, w);
        uint64_t p_va = ld_elf_read(e, ph + f_vaddr, w);
        uint64_t p_filesz = ld_elf_read(e, ph + f_filesz, w);
        if (va < p_va || va - p_va >= p_filesz || p_filesz - (va - p_va) < need)
            continue;
        uint64_t o;
        if (__builtin_add_overflow(p_off, va - p_va, &o) || !in_buffer(e, o, need))
            return false;
        *off = o;
        return true;
    }
    return false;
}
