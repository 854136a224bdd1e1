/* libFuzzer target for the Python core-metadata parser (src/sbom/python.c): any input yields
 * packages with a non-empty name and version, a purl and found_in set to the path given, or a
 * negative code with a message naming the path; never a crash, leak or read past the input. The
 * path matcher (wants) gets the input as a path.
 * Seeds: tests/fuzz/corpus/python_metadata/. Replay one file: ./fuzz_python_metadata FILE.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sbom/catalogers_list.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void run(const char *path, const uint8_t *data, size_t size)
{
    ld_package_list l = {0};
    ld_error err = LD_ERROR_INIT;
    int rc = ld_cataloger_python.parse(path, data, size, &l, &err);
    if (rc < 0 && (!err.msg[0] || !strstr(err.msg, path) || rc != (int)err.code))
        abort();
    for (size_t i = 0; i < l.n; i++) {
        const ld_package *p = &l.items[i];
        if (!p->name || !p->name[0] || !p->version || !p->version[0] || !p->purl ||
            strncmp(p->purl, "pkg:", 4) != 0 || !p->found_in || strcmp(p->found_in, path) != 0)
            abort();
        for (size_t k = 0; k < p->licenses.n; k++)
            if (!p->licenses.v[k] || !p->licenses.v[k][0])
                abort();
    }
    ld_package_list_clear(&l);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* the path matcher too: the input as a path (up to the first NUL) */
    char path[4097];
    size_t n = size < sizeof(path) - 1 ? size : sizeof(path) - 1;
    memcpy(path, data, n);
    path[n] = '\0';
    (void)ld_cataloger_python.wants(path);
    run("/usr/lib/python3/dist-packages/x-1.dist-info/METADATA", data, size);
    return 0;
}
