/* libFuzzer target for the sudoers logfile= reader (host/auth_audit.c,
 * ld_sudoers_logfile): any input gives NULL or an absolute path without
 * control bytes, at most 4096 bytes long, and never reads past size.
 * Seeds: tests/fuzz/corpus/sudoers_logfile/. Replay: ./fuzz_sudoers_logfile FILE. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "host/auth_audit.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* a copy exactly size long: ASan sees a read past the end */
    char *copy = malloc(size ? size : 1);
    if (!copy)
        return 0;
    if (size)
        memcpy(copy, data, size);
    char *lf = ld_sudoers_logfile(copy, size);
    if (lf) {
        size_t n = strlen(lf);
        if (lf[0] != '/' || n > 4096)
            abort();
        for (const char *p = lf; *p; p++)
            if ((unsigned char)*p < 0x20 || *p == 0x7f)
                abort();
        free(lf);
    }
    free(copy);
    return 0;
}
