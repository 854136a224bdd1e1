/* ELF section lookup through an ld_file_reader (see elf_probe.h): reads the
 * header, the section table and the section-name table with bounded reads
 * and answers exactly as ld_elf_section would on the whole file; every
 * offset from the file is checked against the file size, with overflow
 * checks, before it is used. Not for reading section contents. */
#include "sbom/elf_probe.h"

#include <stdlib.h>
#include <string.h>

#include "util/mem.h"

#define SHDR32_SIZE 40u
#define SHDR64_SIZE 64u

/* Whether [off, off+n) lies wholly inside the file (in_buffer in elf_view.c). */
static bool in_file(const ld_elf_probe *p, uint64_t off, uint64_t n)
{
    return off <= p->r->size && p->r->size - off >= n;
}

/* Reads exactly n bytes at off into a new buffer; NULL if the file gave
 * fewer (it changed since its size was taken) or the read failed. */
static uint8_t *read_exact(const ld_elf_probe *p, uint64_t off, uint64_t n)
{
    uint8_t *buf = ld_xmalloc(n ? (size_t)n : 1);
    if (n && p->r->read_at(p->r, off, buf, (size_t)n) != (ssize_t)n) {
        free(buf);
        return NULL;
    }
    return buf;
}

int ld_elf_probe_open(ld_elf_probe *p, const ld_file_reader *r)
{
    memset(p, 0, sizeof(*p));
    p->r = r;
    uint8_t h[LD_ELF_EHDR64_SIZE];
    size_t want = r->size < sizeof h ? (size_t)r->size : sizeof h;
    if (want && r->read_at(r, 0, h, want) != (ssize_t)want)
        return -1;
    p->magic = want >= 4 && memcmp(h, "\177ELF", 4) == 0;
    if (want < LD_ELF_EHDR32_SIZE || !p->magic || (h[4] != 1 && h[4] != 2) ||
        (h[5] != 1 && h[5] != 2))
        return 0;
    p->is64 = h[4] == 2;
    p->big_endian = h[5] == 2;
    if (p->is64 && want < LD_ELF_EHDR64_SIZE)
        return 0;
    /* e_shoff, e_shentsize, e_shnum, e_shstrndx */
    bool be = p->big_endian;
    p->shoff = p->is64 ? ld_elf_load(h + 40, 8, be) : ld_elf_load(h + 32, 4, be);
    p->shentsize = p->is64 ? ld_elf_load(h + 58, 2, be) : ld_elf_load(h + 46, 2, be);
    p->shnum = p->is64 ? ld_elf_load(h + 60, 2, be) : ld_elf_load(h + 48, 2, be);
    uint64_t shstrndx = p->is64 ? ld_elf_load(h + 62, 2, be) : ld_elf_load(h + 50, 2, be);
    if (!p->shoff || p->shentsize < (p->is64 ? SHDR64_SIZE : SHDR32_SIZE) || shstrndx >= p->shnum) {
        p->table = LD_ELF_SECTION_BAD_TABLE;
        return 1;
    }
    /* the entries that lie wholly inside the file: a prefix of the table */
    uint64_t fit = 0;
    if (p->shoff <= r->size) {
        fit = (r->size - p->shoff) / p->shentsize;
        if (fit > p->shnum)
            fit = p->shnum;
    }
    if (shstrndx >= fit) { /* the name table's own header is outside the file */
        p->table = LD_ELF_SECTION_BAD_TABLE;
        return 1;
    }
    p->shdrs_len = fit * p->shentsize; /* both at most 65535: no overflow */
    if (p->shdrs_len > LD_ELF_PROBE_MAX_TABLE ||
        !(p->shdrs = read_exact(p, p->shoff, p->shdrs_len))) {
        p->table = LD_ELF_PROBE_UNKNOWN;
        return 1;
    }
    const uint8_t *strtab = p->shdrs + shstrndx * p->shentsize;
    unsigned w = p->is64 ? 8 : 4;
    uint64_t str_off = ld_elf_load(strtab + (p->is64 ? 24 : 16), w, be);
    uint64_t str_size = ld_elf_load(strtab + (p->is64 ? 32 : 20), w, be);
    if (!in_file(p, str_off, str_size)) {
        p->table = LD_ELF_SECTION_BAD_TABLE;
        return 1;
    }
    if (str_size > LD_ELF_PROBE_MAX_TABLE || !(p->names = read_exact(p, str_off, str_size))) {
        p->table = LD_ELF_PROBE_UNKNOWN;
        return 1;
    }
    p->names_size = str_size;
    p->table = 1;
    return 1;
}

int ld_elf_probe_section(ld_elf_probe *p, const char *name)
{
    if (p->table != 1)
        return p->table;
    bool be = p->big_endian;
    unsigned w = p->is64 ? 8 : 4;
    size_t nl = strlen(name);
    for (uint64_t i = 0; i < p->shnum; i++) {
        if ((i + 1) * p->shentsize > p->shdrs_len)
            return LD_ELF_SECTION_BAD_TABLE; /* this entry leaves the file */
        const uint8_t *sh = p->shdrs + i * p->shentsize;
        uint64_t nm = ld_elf_load(sh, 4, be);
        if (nm >= p->names_size || p->names_size - nm < nl + 1 ||
            memcmp(p->names + nm, name, nl + 1) != 0)
            continue;
        uint64_t o = ld_elf_load(sh + (p->is64 ? 24 : 16), w, be);
        uint64_t s = ld_elf_load(sh + (p->is64 ? 32 : 20), w, be);
        return in_file(p, o, s) ? LD_ELF_SECTION_FOUND : LD_ELF_SECTION_BAD_TABLE;
    }
    return LD_ELF_SECTION_ABSENT;
}

void ld_elf_probe_clear(ld_elf_probe *p)
{
    free(p->shdrs);
    free(p->names);
    memset(p, 0, sizeof(*p));
}
