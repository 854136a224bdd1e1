/* libFuzzer target for the vulnerability database importer of an Alpine secdb JSON document
 * (src/vuln/import_alpine.c): any input is imported into an in-memory
 * database or rejected with an error message; never a crash, leak or read
 * out of bounds. Seeds: tests/fuzz/corpus/alpine_secdb/.
 * Replay one file: ./fuzz_alpine_secdb FILE. */
#include "feed_fuzz.h"

LD_FUZZ_FEED_TARGET(ld_import_alpine_buffer)
