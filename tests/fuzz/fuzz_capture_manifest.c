/* libFuzzer target for the capture manifest reader (forensics/manifest.c,
 * ld_fx_manifest_parse): any input is parsed or refused with a message
 * that starts "manifest.json: " and leaves nothing behind; a parsed
 * manifest keeps the promises manifest.h makes to verify and show: the
 * schema is lockdown-capture/1, every artifact path is lockdown's own form
 * (ld_fx_relpath_ok) and listed once, every sha256 is 64 lowercase hex
 * digits, every kind a non-empty string, the signing key (when there is
 * one) "sha256:" and 64 hex digits, and raw holds exactly the input bytes
 * (the signature is checked over them). Seeds:
 * tests/fuzz/corpus/capture_manifest/. Replay: ./fuzz_capture_manifest FILE. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "forensics/bundle.h"
#include "forensics/manifest.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_entry(const ld_fx_entry *e)
{
    if (!ld_fx_relpath_ok(e->path) || !e->kind || !e->kind[0])
        abort();
    if (strlen(e->sha256) != 64)
        abort();
    for (size_t i = 0; i < 64; i++)
        if (!strchr("0123456789abcdef", e->sha256[i]))
            abort();
    if (e->size > (uint64_t)INT64_MAX)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ld_fx_manifest m;
    ld_error err = LD_ERROR_INIT;
    if (ld_fx_manifest_parse(data, size, &m, &err) < 0) {
        if (err.code != LD_ERR_CORRUPT || strncmp(err.msg, "manifest.json: ", 15) != 0)
            abort();
        if (m.entries || m.schema || m.raw || m.notes)
            abort();
        return 0;
    }
    if (!m.schema || strcmp(m.schema, LD_FX_SCHEMA) != 0 || !m.container_id || !m.started ||
        !m.ended || !m.freeze_method || !m.tool_version)
        abort();
    if (m.raw_len != size || memcmp(m.raw, data, size) != 0)
        abort();
    for (size_t i = 0; i < m.n_entries; i++) {
        check_entry(&m.entries[i]);
        /* listed once: a quadratic check, bounded for speed */
        for (size_t k = i + 1; k < m.n_entries && k < i + 256; k++)
            if (strcmp(m.entries[i].path, m.entries[k].path) == 0)
                abort();
    }
    for (size_t i = 0; i < m.n_notes; i++)
        if (!m.notes[i])
            abort();
    if (m.signing_key && (strlen(m.signing_key) != 71 || strncmp(m.signing_key, "sha256:", 7)))
        abort();
    ld_fx_manifest_clear(&m);
    if (m.entries || m.raw)
        abort();
    return 0;
}
