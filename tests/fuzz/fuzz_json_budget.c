/* libFuzzer target for the JSON budget's counting pass (src/util/json_budget.c):
 * on any input the count never reads past it and never exceeds one value per
 * byte; when jansson accepts the input (duplicate keys refused: jansson keeps
 * one of them, so the count is then an upper bound), the count equals what
 * jansson built (values with object keys, objects and arrays, depth);
 * ld_json_load_bounded
 * under small limits either returns a tree that fits them or an error naming
 * the document (LD_ERR_LIMIT before anything is built, LD_ERR_CORRUPT when
 * jansson rejects it). Never a crash, leak or hang.
 * Seeds: tests/fuzz/corpus/json_budget/. Replay one file: ./fuzz_json_budget FILE. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/json_budget.h"

static void tree_count(json_t *j, size_t depth, ld_json_count *c)
{
    c->values++;
    if (json_is_object(j) || json_is_array(j)) {
        c->containers++;
        if (depth + 1 > c->depth)
            c->depth = depth + 1;
    }
    if (json_is_object(j)) {
        const char *k;
        json_t *v;
        json_object_foreach(j, k, v)
        {
            c->values++;
            tree_count(v, depth + 1, c);
        }
    } else if (json_is_array(j)) {
        size_t i;
        json_t *v;
        json_array_foreach(j, i, v) tree_count(v, depth + 1, c);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *buf = (const char *)data;
    ld_json_count got;
    ld_json_count_values(buf, size, &got);
    if (got.values > size || got.containers > got.values || got.depth > got.containers)
        abort();
    json_error_t je;
    json_t *j = json_loadb(buf, size, JSON_DECODE_ANY | JSON_REJECT_DUPLICATES, &je);
    if (j) {
        ld_json_count want = {0};
        tree_count(j, 0, &want);
        json_decref(j);
        if (want.values != got.values || want.containers != got.containers ||
            want.depth != got.depth)
            abort();
    }
    const ld_json_limits lim = {.max_values = 64, .max_containers = 16, .max_depth = 8};
    ld_error err = LD_ERROR_INIT;
    json_t *root = ld_json_load_bounded("/doc.json", buf, size, JSON_DECODE_ANY, &lim, &err);
    if (root) {
        ld_json_count c = {0};
        tree_count(root, 0, &c);
        json_decref(root);
        if (c.values > lim.max_values || c.containers > lim.max_containers ||
            c.depth > lim.max_depth)
            abort();
    } else if ((err.code != LD_ERR_LIMIT && err.code != LD_ERR_CORRUPT) ||
               strncmp(err.msg, "/doc.json: ", 11) != 0) {
        abort();
    }
    return 0;
}
