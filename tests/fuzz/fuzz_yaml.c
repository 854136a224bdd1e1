/* libFuzzer target for the YAML tree loader (util/yaml_doc.c): any input
 * gives a well-formed tree (scalar keys, non-NULL children, lines >= 1) or
 * NULL with an error; never a crash, leak, hang or runaway recursion.
 * Seeds: tests/fuzz/corpus/yaml/. Replay one file: ./fuzz_yaml FILE. */
#include <stdint.h>
#include <stdlib.h>

#include "util/yaml_doc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Checks the tree's invariants; returns the number of nodes. */
static size_t walk(const ld_yaml_node *n, int depth)
{
    if (!n || depth > 64 || n->line < 1 || n->col < 1)
        abort();
    size_t count = 1;
    switch (n->kind) {
    case LD_YAML_SCALAR:
        if (!n->value || n->n != 0)
            abort();
        break;
    case LD_YAML_MAP:
        for (size_t i = 0; i < n->n; i++) {
            if (!n->keys[i] || n->keys[i]->kind != LD_YAML_SCALAR)
                abort();
            if (ld_yaml_get(n, n->keys[i]->value) != n->items[i])
                abort(); /* keys are unique */
            count += walk(n->keys[i], depth + 1);
            count += walk(n->items[i], depth + 1);
        }
        break;
    case LD_YAML_SEQ:
        for (size_t i = 0; i < n->n; i++)
            count += walk(n->items[i], depth + 1);
        break;
    default: abort();
    }
    return count;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ld_yaml_limits lim = {1 << 20, 32, 100000};
    ld_error err = LD_ERROR_INIT;
    ld_yaml_node *root = ld_yaml_parse("fuzz.yaml", (const char *)data, size, &lim, &err);
    if (root) {
        if (err.code != LD_OK)
            abort();
        if (walk(root, 0) > lim.max_nodes)
            abort();
        ld_yaml_free(root);
    } else if (err.code == LD_OK || !err.msg[0]) {
        abort();
    }
    return 0;
}
