/* libFuzzer target for the vulnerability database importer of an Alpine secdb JSON document
 * (src/vuln/import_alpine.c): any input is imported into an in-memory
 * database or rejected with an error message; never a crash, leak or read
 * out of bounds. Seeds: tests/fuzz/corpus/alpine_secdb/.
 * Replay one file: ./fuzz_alpine_secdb FILE. */
#include <stdint.h>
#include <stdlib.h>

#include "vuln/db.h"
#include "vuln/db_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* one in-memory database for the whole run; each input is imported in
     * a transaction that is rolled back */
    static ld_vulndb_builder *b;
    ld_error err = LD_ERROR_INIT;
    if (!b) {
        ld_vulndb_limits lim;
        ld_vulndb_limits_default(&lim);
        lim.max_record_bytes = 1 << 20;
        b = ld_vulndb_builder_new(NULL, false, &lim, &err);
        if (!b)
            abort();
    }
    if (ldb_import_begin(b, &err) < 0)
        abort();
    long long n = -1;
    int rc = ld_import_alpine_buffer(b, (const char *)data, size, "fuzz-input", NULL, &n, &err);
    if (rc < 0 && !err.msg[0])
        abort(); /* every failure says why */
    if (rc == 0 && n < 0)
        abort();
    ldb_import_rollback(b);
    return 0;
}
