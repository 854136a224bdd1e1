/* libFuzzer target for the dpkg status parser (src/sbom/dpkg.c): any input yields packages with a
 * non-empty name and version, a purl and found_in set to the path given, or a negative code with a
 * message naming the path; never a crash, leak or read past the input. The path matcher (wants)
 * gets the input as a path.
 * Seeds: tests/fuzz/corpus/dpkg/. Replay one file: ./fuzz_dpkg FILE.
 */
#include "cataloger_fuzz.h"

LD_FUZZ_CATALOGER_TARGET(ld_cataloger_dpkg, LD_FUZZ_STRICT_PACKAGES, "/var/lib/dpkg/status", "/var/lib/dpkg/status.d/pkg")
