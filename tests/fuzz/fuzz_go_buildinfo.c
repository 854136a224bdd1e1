/* libFuzzer target for the Go build info reader (sbom/go_buildinfo.c): any input either appends
 * well-formed packages (name set, found_in the given path) or fails with an error that names the
 * path and leaves the list unchanged; never a crash, leak, hang or read past the input. Seeds:
 * tests/fuzz/corpus/go_buildinfo/. Replay one file: ./fuzz_go_buildinfo FILE. */
#include "cataloger_fuzz.h"

LD_FUZZ_CATALOGER_TARGET(ld_cataloger_go_buildinfo, LD_FUZZ_ATOMIC_FAILURE, "/usr/local/bin/app")
