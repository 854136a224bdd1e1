/* Whether an ELF file has a section, answered from its header, section
 * table and section-name table only, read through an ld_file_reader: the
 * binary catalogers (go_buildinfo.c, cargo.c) use it to tell, without
 * reading a whole binary, that parsing it would find nothing. The answer is
 * the one ld_elf_section (util/elf_view.h) gives on the whole file, or
 * LD_ELF_PROBE_UNKNOWN when the tables are larger than the probe reads or
 * the file changed under it: callers then read the file whole. Not a
 * replacement for elf_view: no section content, no program headers. */
#ifndef LD_SBOM_ELF_PROBE_H
#define LD_SBOM_ELF_PROBE_H

#include <stdbool.h>
#include <stdint.h>

#include "util/elf_view.h"
#include "util/file_reader.h"

#define LD_ELF_PROBE_UNKNOWN (-2)                  /* besides the LD_ELF_SECTION_* answers */
#define LD_ELF_PROBE_MAX_TABLE ((uint64_t)1 << 20) /* bytes of section or name table read */

typedef struct {
    const ld_file_reader *r;
    bool magic; /* the file starts with "\177ELF" */
    bool is64, big_endian;
    int table; /* 0: not read yet; 1: read; or an LD_ELF_SECTION_BAD_TABLE / _PROBE_UNKNOWN answer
                */
    uint64_t shoff, shentsize, shnum;
    uint8_t *shdrs;     /* the entries of the table inside the file */
    uint64_t shdrs_len; /* bytes of shdrs */
    uint8_t *names;     /* the section-name table */
    uint64_t names_size;
} ld_elf_probe;

/* What ld_elf_open says of the whole file: 1 if r starts with an ELF header
 * of a known class and byte order and is at least that header's size (*p is
 * then ready for ld_elf_probe_section), 0 if not, -1 if the header could
 * not be read (an I/O error, or the file shrank): callers read it whole.
 * Clear *p in every case. */
int ld_elf_probe_open(ld_elf_probe *p, const ld_file_reader *r);

/* LD_ELF_SECTION_FOUND, _ABSENT or _BAD_TABLE, as ld_elf_section would
 * answer on the whole file, or LD_ELF_PROBE_UNKNOWN. */
int ld_elf_probe_section(ld_elf_probe *p, const char *name);

void ld_elf_probe_clear(ld_elf_probe *p);

#endif
