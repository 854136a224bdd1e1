/* libFuzzer target for the ndb rpm Packages.db reader (sbom/rpm_ndb.c): any input either appends
 * well-formed packages (name set, found_in the given path) or fails with an error that names the
 * path and leaves the list unchanged; never a crash, leak, hang or read past the input. Seeds:
 * tests/fuzz/corpus/rpm_ndb/. Replay one file: ./fuzz_rpm_ndb FILE. */
#include "cataloger_fuzz.h"

LD_FUZZ_CATALOGER_TARGET(ld_cataloger_rpm_ndb, LD_FUZZ_ATOMIC_FAILURE, "/usr/lib/sysimage/rpm/Packages.db")
