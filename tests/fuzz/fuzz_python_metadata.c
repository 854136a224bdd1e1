/* libFuzzer target for the Python core-metadata parser (src/sbom/python.c): any input yields
 * packages with a non-empty name and version, a purl and found_in set to the path given, or a
 * negative code with a message naming the path; never a crash, leak or read past the input. The
 * path matcher (wants) gets the input as a path.
 * Seeds: tests/fuzz/corpus/python_metadata/. Replay one file: ./fuzz_python_metadata FILE.
 */
#include "cataloger_fuzz.h"

LD_FUZZ_CATALOGER_TARGET(ld_cataloger_python, 0, "/usr/lib/python3/dist-packages/x-1.dist-info/METADATA")
