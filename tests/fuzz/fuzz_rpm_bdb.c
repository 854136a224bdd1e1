/* libFuzzer target for the Berkeley DB rpm Packages reader (sbom/rpm_bdb.c): any input either
 * appends well-formed packages (name set, found_in the given path) or fails with an error that
 * names the path and leaves the list unchanged; never a crash, leak, hang
 * or read past the input. Seeds: tests/fuzz/corpus/rpm_bdb/.
 * Replay one file: ./fuzz_rpm_bdb FILE. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sbom/catalogers_list.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char path[] = "/var/lib/rpm/Packages";
    ld_package_list l = {0};
    ld_error err = LD_ERROR_INIT;
    int rc = ld_cataloger_rpm_bdb.parse(path, data, size, &l, &err);
    if (rc == 0) {
        for (size_t i = 0; i < l.n; i++)
            if (!l.items[i].name || !l.items[i].found_in || strcmp(l.items[i].found_in, path) != 0)
                abort();
    } else if (rc > 0 || l.n != 0 || err.code != rc || !strstr(err.msg, path)) {
        abort();
    }
    ld_package_list_clear(&l);
    return 0;
}
