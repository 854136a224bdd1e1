/* libFuzzer target for the decoders of the file system capture
 * (forensics/fs_lower.c, fs_xattr.c): the lowerdirs list an engine gives
 * (GraphDriver.Data.LowerDir) and a listxattr buffer, both fed the input.
 * A list is refused with a message and nothing returned, or split into
 * 1..LD_FX_LOWER_MAX absolute paths without a ".." component, each under
 * PATH_MAX, that join back with ':' into the input. The xattr names are
 * non-empty, NUL-terminated inside the buffer, in order, never overlapping.
 * Nothing is opened. Seeds: tests/fuzz/corpus/fx_lowerdirs/. Replay:
 * ./fuzz_fx_lowerdirs FILE. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "forensics/fs_internal.h"
#include "util/mem.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_lowerdirs(const char *s, size_t size)
{
    char **dirs = NULL;
    size_t n = 0;
    ld_error err = LD_ERROR_INIT;
    if (ld_fx_lowerdirs_parse(s, size, &dirs, &n, &err) < 0) {
        if (err.code != LD_ERR_CORRUPT || !err.msg[0] || dirs || n)
            abort();
        return;
    }
    if (!dirs || n == 0 || n > LD_FX_LOWER_MAX || dirs[n])
        abort();
    size_t at = 0;
    for (size_t i = 0; i < n; i++) {
        size_t len = strlen(dirs[i]);
        if (len == 0 || len >= PATH_MAX || dirs[i][0] != '/' || strchr(dirs[i], ':'))
            abort();
        if (strcmp(dirs[i], "..") == 0 || strstr(dirs[i], "/../") ||
            (len >= 3 && strcmp(dirs[i] + len - 3, "/..") == 0))
            abort();
        if (at + len > size || memcmp(s + at, dirs[i], len) != 0)
            abort();
        at += len;
        if (i + 1 < n) {
            if (at >= size || s[at] != ':')
                abort();
            at++;
        }
    }
    if (at != size)
        abort();
    ld_fx_lowerdirs_free(dirs);
}

static void check_xattr_names(const char *buf, size_t size)
{
    const char *names[64];
    size_t n = ld_fx_xattr_names_split(buf, size, names, 64);
    if (n > 64)
        abort();
    const char *prev_end = buf;
    for (size_t i = 0; i < n; i++) {
        if (names[i] < prev_end || names[i] >= buf + size)
            abort();
        const char *nul = memchr(names[i], '\0', (size_t)(buf + size - names[i]));
        if (!nul || nul == names[i])
            abort();
        prev_end = nul + 1;
        (void)ld_fx_name_classify(names[i]);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* a copy of exactly size bytes: a read past the input is caught */
    char *buf = ld_xmalloc(size ? size : 1);
    memcpy(buf, data, size);
    check_lowerdirs(buf, size);
    check_xattr_names(buf, size);
    free(buf);
    return 0;
}
