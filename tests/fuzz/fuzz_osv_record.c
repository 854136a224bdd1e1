/* libFuzzer target for the vulnerability database importer of one OSV JSON record (or an array of
 * records) as found in an all.zip entry (src/vuln/import_osv.c): any input is imported into an
 * in-memory database or rejected with an error message; never a crash, leak or read out of bounds.
 * Seeds: tests/fuzz/corpus/osv_record/. Replay one file: ./fuzz_osv_record FILE. */
#include "feed_fuzz.h"

LD_FUZZ_FEED_TARGET(ld_import_osv_buffer)
