/* libFuzzer target for the vulnerability database artifact's manifest
 * reader (vuln/db_oci_manifest.c): any input is read or refused with a
 * message; what is read keeps the promises of db_oci.h (sha256 digests of
 * 64 lowercase hex digits, a config within LD_VULNDB_CONFIG_MAX, a
 * non-empty layer, feeds within LD_VULNDB_FEEDS_MAX), and written back
 * with the builder it reads again to the same values.
 * Seeds: tests/fuzz/corpus/vulndb_artifact/. Replay: ./fuzz_vulndb_artifact FILE. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vuln/db_oci.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_digest(const char *d)
{
    if (!d || strncmp(d, "sha256:", 7) != 0 || strlen(d) != 71)
        abort();
    for (const char *p = d + 7; *p; p++)
        if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f')))
            abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ld_vulndb_artifact a;
    ld_error err = LD_ERROR_INIT;
    if (ld_vulndb_artifact_manifest_parse(data, size, &a, &err) < 0) {
        if (!err.msg[0])
            abort(); /* a refusal always says why */
        return 0;
    }
    check_digest(a.config_digest);
    check_digest(a.layer_digest);
    check_digest(a.db_sha256);
    if (a.config_size > LD_VULNDB_CONFIG_MAX || a.layer_size == 0 || !a.feeds ||
        strlen(a.feeds) > LD_VULNDB_FEEDS_MAX || a.schema_version <= 0)
        abort();
    size_t len = 0;
    char *again = ld_vulndb_artifact_manifest_build(&a, &len);
    if (!again)
        abort();
    ld_vulndb_artifact b;
    if (ld_vulndb_artifact_manifest_parse(again, len, &b, &err) < 0)
        abort();
    if (b.schema_version != a.schema_version || b.built_at != a.built_at ||
        b.db_size != a.db_size || b.layer_size != a.layer_size || b.config_size != a.config_size ||
        strcmp(b.feeds, a.feeds) != 0 || strcmp(b.db_sha256, a.db_sha256) != 0 ||
        strcmp(b.layer_digest, a.layer_digest) != 0)
        abort();
    ld_vulndb_artifact_clear(&b);
    free(again);
    ld_vulndb_artifact_clear(&a);
    return 0;
}
