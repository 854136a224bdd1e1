/* libFuzzer target for the Berkeley DB rpm Packages reader (sbom/rpm_bdb.c): any input either
 * appends well-formed packages (name set, found_in the given path) or fails with an error that
 * names the path and leaves the list unchanged; never a crash, leak, hang
 * or read past the input. Seeds: tests/fuzz/corpus/rpm_bdb/.
 * Replay one file: ./fuzz_rpm_bdb FILE. */
#include "cataloger_fuzz.h"

LD_FUZZ_CATALOGER_TARGET(ld_cataloger_rpm_bdb, LD_FUZZ_ATOMIC_FAILURE, "/var/lib/rpm/Packages")
