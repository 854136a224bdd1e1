/* libFuzzer target for the Rust cataloger (sbom/cargo.c: Cargo.lock and cargo-auditable
 * .dep-v0 sections): any input either appends well-formed
 * packages (name set, found_in the given path) or fails with an error that
 * names the path and leaves the list unchanged; never a crash, leak, hang
 * or read past the input. Seeds: tests/fuzz/corpus/cargo_lock/.
 * Replay one file: ./fuzz_cargo_lock FILE. */
#include "cataloger_fuzz.h"

LD_FUZZ_CATALOGER_TARGET(ld_cataloger_cargo, LD_FUZZ_ATOMIC_FAILURE, "/src/Cargo.lock")
