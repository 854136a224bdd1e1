/* libFuzzer target for the /proc text parsers of the memory cores
 * (forensics/proc_maps.c, core_notes.c): the input is parsed as maps, as
 * smaps, as a stat line, as a syscall line and as a status file. A parse
 * either fails with a message and nothing kept, or keeps the promises of
 * core_dump.h: mappings with start < end, at most one per line, paths
 * that are non-empty, hold no newline or NUL, do not start with a space
 * and stay under 64 KiB; a stat comm of at most 16 bytes. Seeds:
 * tests/fuzz/corpus/proc_maps/. Replay: ./fuzz_proc_maps FILE. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "forensics/core_dump.h"
#include "forensics/core_notes.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_maps(const char *text, size_t size, bool smaps)
{
    ld_fx_maps m;
    ld_error err = LD_ERROR_INIT;
    int rc =
        smaps ? ld_fx_smaps_parse(text, size, &m, &err) : ld_fx_maps_parse(text, size, &m, &err);
    if (rc < 0) {
        if (err.code == LD_OK || !err.msg[0] || m.items || m.n)
            abort();
        return;
    }
    size_t lines = 0;
    for (size_t i = 0; i < size; i++)
        lines += text[i] == '\n';
    if (m.n > lines + 1 || m.n > LD_FX_MAPS_MAX)
        abort();
    for (size_t i = 0; i < m.n; i++) {
        const ld_fx_mapping *x = &m.items[i];
        if (x->start >= x->end)
            abort();
        if (!smaps && x->dont_dump)
            abort();
        if (x->path) {
            size_t n = strlen(x->path);
            if (n == 0 || n > 65536 || x->path[0] == ' ' || strchr(x->path, '\n'))
                abort();
            /* the path is the end of its line: found in the input as it is */
            if (!memmem(text, size, x->path, n))
                abort();
        }
    }
    ld_fx_maps_clear(&m);
    if (m.items || m.n)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;
    check_maps(text, size, false);
    check_maps(text, size, true);

    ld_fx_stat_fields f;
    if (ld_fx_stat_parse(text, size, &f) && strlen(f.comm) > 16)
        abort();
    uint64_t sp, pc;
    (void)ld_fx_syscall_parse(text, size, &sp, &pc);
    uint32_t id;
    (void)ld_fx_status_id(text, size, "Uid:", &id);
    return 0;
}
