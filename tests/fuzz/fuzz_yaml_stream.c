/* libFuzzer target for the YAML stream loader (util/yaml_doc.c with
 * anchors, aliases, merge keys and tags; util/yaml_json.c for JSON): any
 * input gives documents whose trees are well formed — scalar keys unique
 * per map, lines >= 1, depth within the limit — and whose size with every
 * alias expanded stays within max_nodes (an alias bomb is refused, never
 * built), or an error with a message; never a crash, leak or hang.
 * Seeds: tests/fuzz/corpus/yaml_stream/. Replay: ./fuzz_yaml_stream FILE. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/yaml_doc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_NODES 20000
#define MAX_DEPTH 24

/* Checks the tree's invariants; adds the expanded node count to *count
 * (stops counting past the budget, which is then a failure). */
static void walk(const ld_yaml_node *n, int depth, size_t *count)
{
    if (!n || depth > MAX_DEPTH || n->line < 1 || n->col < 1)
        abort();
    if (++*count > MAX_NODES)
        abort(); /* an expansion the budget should have refused */
    switch (n->kind) {
    case LD_YAML_SCALAR:
        if (!n->value || n->n != 0 || n->tag > LD_YAML_TAG_SEQ)
            abort();
        if (n->tag == LD_YAML_TAG_MAP || n->tag == LD_YAML_TAG_SEQ)
            abort();
        break;
    case LD_YAML_MAP:
        for (size_t i = 0; i < n->n; i++) {
            if (!n->keys[i] || n->keys[i]->kind != LD_YAML_SCALAR)
                abort();
            if (ld_yaml_get(n, n->keys[i]->value) != n->items[i])
                abort(); /* keys are unique, merges included */
            walk(n->keys[i], depth + 1, count);
            walk(n->items[i], depth + 1, count);
        }
        break;
    case LD_YAML_SEQ:
        for (size_t i = 0; i < n->n; i++)
            walk(n->items[i], depth + 1, count);
        break;
    default: abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ld_yaml_options o = {
        .limits = {.max_bytes = 1 << 20, .max_depth = MAX_DEPTH, .max_nodes = MAX_NODES},
        .max_documents = 1000,
        .aliases = true,
        .tags = true,
        .json = true,
    };
    ld_yaml_docs d = {0};
    ld_error err = LD_ERROR_INIT;
    int rc = ld_yaml_parse_stream("fuzz.yaml", (const char *)data, size, &o, &d, &err);
    if (rc == 0) {
        if (err.code != LD_OK || d.n > o.max_documents)
            abort();
        size_t count = 0;
        for (size_t i = 0; i < d.n; i++)
            walk(d.docs[i], 0, &count);
        ld_yaml_docs_clear(&d);
    } else if (err.code == LD_OK || !err.msg[0] || d.n != 0) {
        abort();
    }
    /* the single-text JSON entry point on the same bytes */
    ld_error jerr = LD_ERROR_INIT;
    ld_yaml_node *root = ld_yaml_parse_json("fuzz.json", (const char *)data, size, &o.limits, &jerr);
    if (root) {
        size_t count = 0;
        walk(root, 0, &count);
        ld_yaml_free(root);
    } else if (jerr.code == LD_OK || !jerr.msg[0]) {
        abort();
    }
    return 0;
}
