/* libFuzzer target for the Java archive cataloger (sbom/java.c: zip, pom.properties,
 * MANIFEST.MF, nested archives): any input either appends well-formed
 * packages (name set, found_in the given path) or fails with an error that
 * names the path and leaves the list unchanged; never a crash, leak, hang
 * or read past the input. Seeds: tests/fuzz/corpus/jar/.
 * Replay one file: ./fuzz_jar FILE. */
#include "cataloger_fuzz.h"

LD_FUZZ_CATALOGER_TARGET(ld_cataloger_java, LD_FUZZ_ATOMIC_FAILURE, "/app/app.war")
