/* libFuzzer target for the apk installed-database parser (src/sbom/apk.c): any input yields
 * packages with a non-empty name and version, a purl and found_in set to the path given, or a
 * negative code with a message naming the path; never a crash, leak or read past the input. The
 * path matcher (wants) gets the input as a path.
 * Seeds: tests/fuzz/corpus/apk/. Replay one file: ./fuzz_apk FILE.
 */
#include "cataloger_fuzz.h"

LD_FUZZ_CATALOGER_TARGET(ld_cataloger_apk, LD_FUZZ_STRICT_PACKAGES, "/lib/apk/db/installed")
