/* A bounds-checked, read-only view of an ELF file held in memory, for the
 * catalogers that look inside binaries (sbom/go_buildinfo.c, sbom/cargo.c):
 * header sanity, a section by name, a virtual address mapped to a file
 * offset through the PT_LOAD program headers. Every offset and size read
 * from the file is checked against the buffer (with overflow checks) before
 * use, and fields are assembled byte by byte in the file's byte order, so any
 * input is safe to view. Not an ELF loader or validator: no symbols,
 * relocations, notes or dynamic section, and nothing is copied or owned. */
#ifndef LD_UTIL_ELF_VIEW_H
#define LD_UTIL_ELF_VIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define LD_ELF_EHDR32_SIZE 52
#define LD_ELF_EHDR64_SIZE 64

typedef struct {
    const uint8_t *data; /* borrowed; must outlive the view */
    size_t len;
    bool is64;       /* ELFCLASS64, else ELFCLASS32 */
    bool big_endian; /* ELFDATA2MSB, else ELFDATA2LSB */
} ld_elf_view;

/* Results of ld_elf_section. */
enum {
    LD_ELF_SECTION_FOUND = 1,
    LD_ELF_SECTION_ABSENT = 0,    /* the section table is sound but has no such section */
    LD_ELF_SECTION_BAD_TABLE = -1 /* no usable section table, or the section leaves the file */
};

/* The n-byte (1 to 8) unsigned integer at p in the given byte order. The
 * caller has checked that n bytes are there; no alignment is needed. */
uint64_t ld_elf_load(const uint8_t *p, unsigned n, bool big_endian);

/* The n-byte (1 to 8) field at file offset off in the view's byte order
 * (ld_elf_read_order: in the order given), or 0 when [off, off+n) is not
 * wholly inside the buffer. */
uint64_t ld_elf_read(const ld_elf_view *e, uint64_t off, unsigned n);
uint64_t ld_elf_read_order(const ld_elf_view *e, uint64_t off, unsigned n, bool big_endian);

/* Fills *e for data if it starts with an ELF header: the magic, class 32 or
 * 64, byte order LSB or MSB, and at least the header size of its class
 * (52 or 64 bytes). False, with *e unspecified, for anything else. */
bool ld_elf_open(ld_elf_view *e, const uint8_t *data, size_t len);

/* Looks up the section called name (exact, NUL-terminated match in the
 * section-header string table). Returns LD_ELF_SECTION_FOUND with *off and
 * *size set to a range wholly inside the buffer, LD_ELF_SECTION_ABSENT, or
 * LD_ELF_SECTION_BAD_TABLE (no section table, entries smaller than the
 * class needs, string table index out of range, a header or the string
 * table or the named section past the end of the buffer). *off and *size
 * are left alone unless found. */
int ld_elf_section(const ld_elf_view *e, const char *name, uint64_t *off, uint64_t *size);

/* The file offset of virtual address va, taken from the first PT_LOAD
 * segment whose file-backed bytes hold [va, va+need); true with *off set
 * when those need bytes are inside the buffer. False if no segment holds
 * them, the program header table is missing or runs past the buffer, or
 * the mapped bytes leave the buffer. */
bool ld_elf_vaddr(const ld_elf_view *e, uint64_t va, uint64_t need, uint64_t *off);

#endif
