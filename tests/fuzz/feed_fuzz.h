/* Shared body of the feed-importer fuzz targets (fuzz_<feed>.c): one
 * in-memory database for the whole run; each input is imported by one
 * importer in a transaction that is rolled back. Aborts when a failure has
 * no message or a success reports no record count. Never a crash, leak or
 * read out of bounds (ASan/UBSan watch that). */
#ifndef LD_TESTS_FUZZ_FEED_FUZZ_H
#define LD_TESTS_FUZZ_FEED_FUZZ_H

#include <stdint.h>
#include <stdlib.h>

#include "vuln/db.h"
#include "vuln/db_internal.h"

/* The importers' common buffer signature (see db_internal.h). */
typedef int (*ld_fuzz_feed_import_fn)(ld_vulndb_builder *b, const char *data, size_t len,
                                      const char *where, const char *name, long long *records,
                                      ld_error *err);

static inline void ld_fuzz_feed(ld_fuzz_feed_import_fn import, const uint8_t *data, size_t size)
{
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
    int rc = import(b, (const char *)data, size, "fuzz-input", NULL, &n, &err);
    if (rc < 0 && !err.msg[0])
        abort(); /* every failure says why */
    if (rc == 0 && n < 0)
        abort();
    ldb_import_rollback(b);
}

/* Defines LLVMFuzzerTestOneInput for one importer. */
#define LD_FUZZ_FEED_TARGET(import)                                                                \
    int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);                                  \
    int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)                                   \
    {                                                                                              \
        ld_fuzz_feed((import), data, size);                                                        \
        return 0;                                                                                  \
    }

#endif
