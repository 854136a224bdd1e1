/* libFuzzer target for the OCI JSON parsers (src/image/oci_json.c,
 * src/image/image_config.c, src/image/json_doc.c): the same bytes as an
 * image index (then picking by platform and tag), an image manifest and an
 * image config. Any input parses or fails with one error; never a crash,
 * leak or unbounded recursion.
 * Seeds: tests/fuzz/corpus/oci_json/. Replay one file: ./fuzz_oci_json FILE. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "image/image_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ld_error err = LD_ERROR_INIT;
    ld_oci_index ix;
    if (ld_oci_index_parse(data, size, &ix, &err) == 0) {
        int i = ld_oci_index_pick(&ix, NULL, NULL, &err);
        if (i >= (int)ix.n)
            abort();
        i = ld_oci_index_pick(&ix, "linux/arm64", "latest", &err);
        if (i >= 0 && !ld_img_digest_valid(ix.v[i].digest))
            abort();
        ld_oci_index_clear(&ix);
    } else if (!err.msg[0]) {
        abort();
    }
    ld_oci_manifest m;
    err = (ld_error)LD_ERROR_INIT;
    if (ld_oci_manifest_parse(data, size, &m, &err) == 0) {
        for (size_t i = 0; i < m.n_layers; i++)
            if (!ld_img_digest_valid(m.layers[i].digest))
                abort();
        ld_oci_manifest_clear(&m);
    }
    ld_image_config c;
    err = (ld_error)LD_ERROR_INIT;
    if (ld_image_config_parse(data, size, &c, &err) == 0) {
        for (size_t i = 0; i < c.n_diff_ids; i++)
            if (!ld_img_digest_valid(c.diff_ids[i]))
                abort();
        ld_image_config_clear(&c);
    }
    return 0;
}
