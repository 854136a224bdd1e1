/* libFuzzer target for the layer cache's map files (image/layer_cache_map.c,
 * ld_layer_map_parse) and the member names they are kept by
 * (ld_layer_cache_member_key): any input is a map of one fixed key, or is
 * refused with a message and an empty diff_id; a map that parses names a
 * valid sha256 diff_id and is exactly the text the writer would write for
 * it (so nothing else is accepted). The input is also tried as an archive
 * member's name: a key found is 64 lowercase hex digits of the name.
 * Seeds: tests/fuzz/corpus/layer_map/. Replay: ./fuzz_layer_map FILE. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "image/layer_cache.h"
#include "util/mem.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define KEY "84dbab53dfe330c8ccc11f1a95bed42e17a9a5bd252f4c9332c8d05c6c2f2bf3"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ld_error err = LD_ERROR_INIT;
    char diff_id[LD_DIGEST_LEN + 1];
    if (ld_layer_map_parse(data, size, KEY, diff_id, &err) == 0) {
        if (!ld_img_digest_valid(diff_id))
            abort();
        char *want = ld_layer_map_format(KEY, diff_id);
        if (strlen(want) != size || memcmp(want, data, size) != 0)
            abort();
        free(want);
    } else if (diff_id[0] || !err.msg[0]) {
        abort();
    }
    if (size <= 4096) {
        char *name = ld_xmalloc(size + 1);
        memcpy(name, data, size);
        name[size] = '\0';
        char key[65];
        if (ld_layer_cache_member_key(name, key)) {
            if (strlen(key) != 64 || strspn(key, "0123456789abcdef") != 64 || !strstr(name, key))
                abort();
        } else if (key[0]) {
            abort();
        }
        free(name);
    }
    return 0;
}
