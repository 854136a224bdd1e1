/* libFuzzer target for the rpmdb.sqlite cataloger (src/sbom/rpm_sqlite.c): the
 * input is opened as a read-only in-memory SQLite database behind the schema
 * allow-list, the authorizer, the limits and the progress handler; it either
 * appends well-formed packages (name and version set, found_in the given path)
 * or fails with an error that names the path and leaves the list unchanged;
 * never a crash, leak, hang or read past the input. No seeds are committed
 * (they would be binary): start from an rpmdb.sqlite made by `rpm --initdb`
 * and `rpm -i --justdb` (tests/unit/test_sbom_rpm.c shows how) or from
 * tests/unit/test_sbom_rpm_sqlite_guard.c's databases, into
 * tests/fuzz/corpus/rpm_sqlite/. Replay one file: ./fuzz_rpm_sqlite FILE. */
#include "cataloger_fuzz.h"

LD_FUZZ_CATALOGER_TARGET(ld_cataloger_rpm_sqlite, LD_FUZZ_STRICT_PACKAGES | LD_FUZZ_ATOMIC_FAILURE,
                         "/var/lib/rpm/rpmdb.sqlite")
