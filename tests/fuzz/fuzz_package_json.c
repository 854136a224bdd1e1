/* libFuzzer target for the npm package.json and package-lock.json parser (src/sbom/npm.c): any
 * input yields packages with a non-empty name and version, a purl and found_in set to the path
 * given, or a negative code with a message naming the path; never a crash, leak or read past the
 * input. Seeds: tests/fuzz/corpus/package_json/. Replay one file: ./fuzz_package_json FILE.
 */
#include "cataloger_fuzz.h"

LD_FUZZ_CATALOGER_TARGET(ld_cataloger_npm, 0, "/app/node_modules/x/package.json", "/app/package-lock.json")
