/* libFuzzer target for registries.d files (trust/registries_d.c): any
 * input is added as one file or refused with a message (and then the
 * configuration is unchanged: lookups find nothing); the configuration
 * answers lookups of a few references, naming the file as the source, and
 * of the input taken as a reference.
 * Seeds: tests/fuzz/corpus/registries_d/. Replay: ./fuzz_registries_d FILE. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "trust/containers_policy.h"
#include "util/mem.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const refs[] = {
    "busybox", "registry.local:5000/team/app:1",
    ("a.b.example.com/x@sha256:"
     "817a12c32a39bbe394944ba49de563e085f1d3c5266eb8e9723256bc4448680e")};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ld_cpol_regd *cfg = ld_cpol_regd_new();
    ld_error err = LD_ERROR_INIT;
    int rc = ld_cpol_regd_add(cfg, "one.yaml", (const char *)data, size, &err);
    if (rc < 0 && (err.code == LD_OK || !err.msg[0]))
        abort();
    for (size_t i = 0; i < sizeof(refs) / sizeof(refs[0]); i++) {
        ld_cpol_registries_d r;
        if (ld_cpol_regd_resolve(cfg, refs[i], &r, &err) < 0)
            abort();
        if (r.source && strcmp(r.source, "one.yaml") != 0)
            abort();
        if (rc < 0 && (r.source || r.lookaside || r.use_sigstore_attachments))
            abort(); /* a refused file adds nothing */
        ld_cpol_registries_d_clear(&r);
    }
    char *text = ld_xstrndup((const char *)data, size);
    ld_cpol_registries_d r;
    ld_error rerr = LD_ERROR_INIT;
    if (ld_cpol_regd_resolve(cfg, text, &r, &rerr) == 0)
        ld_cpol_registries_d_clear(&r);
    free(text);
    ld_cpol_regd_free(cfg);
    return 0;
}
