/* libFuzzer target for `docker save`'s manifest.json parser
 * (src/image/docker_manifest.c): parse, then pick with no tag and with a
 * tag. Every path kept must stay inside the archive (relative, no "..").
 * Seeds: tests/fuzz/corpus/docker_manifest/. Replay: ./fuzz_docker_manifest FILE. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "image/image_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_path(const char *p)
{
    if (!p || p[0] == '/' || strcmp(p, "..") == 0 || strncmp(p, "../", 3) == 0 || strstr(p, "/../"))
        abort();
    size_t n = strlen(p);
    if (n >= 3 && strcmp(p + n - 3, "/..") == 0)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ld_docker_manifest m;
    ld_error err = LD_ERROR_INIT;
    if (ld_docker_manifest_parse(data, size, &m, &err) < 0) {
        if (!err.msg[0])
            abort();
        return 0;
    }
    for (size_t i = 0; i < m.n; i++) {
        check_path(m.v[i].config);
        for (size_t j = 0; j < m.v[i].n_layers; j++)
            check_path(m.v[i].layers[j]);
    }
    if (ld_docker_manifest_pick(&m, NULL, &err) != 0)
        abort();
    int i = ld_docker_manifest_pick(&m, "busybox:1", &err);
    if (i >= (int)m.n)
        abort();
    ld_docker_manifest_clear(&m);
    return 0;
}
