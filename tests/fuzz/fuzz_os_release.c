/* libFuzzer target for the os-release parser (util/os_release.c): any input
 * gives well-formed entries (a valid key, a value no longer than its raw
 * text, no control bytes, rising line numbers) or LD_ERR_LIMIT for oversize
 * input; never a crash, leak or read out of bounds.
 * Seeds: tests/fuzz/corpus/os_release/. Replay one file: ./fuzz_os_release FILE. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/os_release.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int check_entry(const ld_os_release_entry *e, void *ctx)
{
    int *last_line = ctx;
    const char *k = e->key;
    size_t klen = strlen(k);
    if (klen == 0 || klen > LD_OS_RELEASE_KEY_MAX || (k[0] >= '0' && k[0] <= '9'))
        abort();
    for (size_t i = 0; i < klen; i++) {
        char c = k[i];
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '_'))
            abort();
    }
    if (strlen(e->value) > strlen(e->raw))
        abort(); /* decoding never lengthens */
    for (const char *p = e->value; *p; p++)
        if (((unsigned char)*p < 0x20 && *p != '\t') || *p == 0x7f)
            abort();
    if (e->line <= *last_line)
        abort();
    *last_line = e->line;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ld_error err = LD_ERROR_INIT;
    int last_line = 0;
    size_t bad = 0;
    int rc = ld_os_release_foreach((const char *)data, size, check_entry, &last_line, &bad, &err);
    if (size > LD_OS_RELEASE_MAX) {
        if (rc != LD_ERR_LIMIT || !err.msg[0])
            abort();
        return 0;
    }
    if (rc != 0)
        abort();
    ld_os_release os;
    if (ld_os_release_parse((const char *)data, size, &os, &err) != 0 || os.bad_lines != bad)
        abort();
    (void)ld_os_release_is_like(&os, "debian");
    (void)ld_os_release_is_like(&os, "");
    ld_os_release_clear(&os);
    return 0;
}
