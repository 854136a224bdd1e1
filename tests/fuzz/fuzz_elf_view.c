/* libFuzzer target for the ELF view (util/elf_view.c): any input either is
 * refused by ld_elf_open or yields sections and mapped addresses whose
 * ranges lie wholly inside the input (checked here, then every byte of them
 * read so that ASan sees a bad range); the header fields agree with the
 * first bytes; never a crash, hang or read past the input.
 * Seeds: tests/fuzz/corpus/elf_view/. Replay one file: ./fuzz_elf_view FILE. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/elf_view.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static volatile uint8_t sink;

/* Reads every byte of [off, off+n) after checking it is inside the input. */
static void touch(const ld_elf_view *e, uint64_t off, uint64_t n)
{
    if (off > e->len || n > e->len - off)
        abort();
    uint8_t x = 0;
    for (uint64_t i = 0; i < n; i++)
        x ^= e->data[off + i];
    sink = x;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const names[] = {
        ".go.buildinfo", ".dep-v0", ".text", ".shstrtab", ".note.go.buildid", "", ".gopclntab",
    };
    ld_elf_view e;
    if (!ld_elf_open(&e, data, size))
        return 0;
    if (size < LD_ELF_EHDR32_SIZE || (e.is64 && size < LD_ELF_EHDR64_SIZE) ||
        e.is64 != (data[4] == 2) || e.big_endian != (data[5] == 2))
        abort();
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        uint64_t off = UINT64_MAX, size_out = UINT64_MAX;
        int r = ld_elf_section(&e, names[i], &off, &size_out);
        if (r == LD_ELF_SECTION_FOUND)
            touch(&e, off, size_out);
        else if (r != LD_ELF_SECTION_ABSENT && r != LD_ELF_SECTION_BAD_TABLE)
            abort();
        else if (off != UINT64_MAX || size_out != UINT64_MAX)
            abort(); /* outputs are left alone unless found */
    }
    /* Addresses worth mapping: the entry point and words taken from the input. */
    uint64_t entry = e.is64 ? ld_elf_read(&e, 24, 8) : ld_elf_read(&e, 24, 4);
    uint64_t vas[4] = {entry, ld_elf_read(&e, size - 8, 8), ld_elf_read(&e, size / 2, 8),
                       entry + 16};
    for (size_t i = 0; i < 4; i++) {
        for (uint64_t need = 0; need <= 64; need += 16) {
            uint64_t off;
            if (ld_elf_vaddr(&e, vas[i], need, &off))
                touch(&e, off, need);
        }
    }
    /* Reads past the end give 0. */
    if (ld_elf_read(&e, size, 1) != 0 || ld_elf_read(&e, size - 1, 2) != 0 ||
        ld_elf_read(&e, UINT64_MAX, 8) != 0)
        abort();
    return 0;
}
