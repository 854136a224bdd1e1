/* libFuzzer target for the vulnerability database importer of the Debian security tracker JSON
 * (src/vuln/import_debian.c): any input is imported into an in-memory
 * database or rejected with an error message; never a crash, leak or read
 * out of bounds. Seeds: tests/fuzz/corpus/debian_tracker/.
 * Replay one file: ./fuzz_debian_tracker FILE. */
#include "feed_fuzz.h"

LD_FUZZ_FEED_TARGET(ld_import_debian_buffer)
