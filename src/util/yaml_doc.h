/* A YAML document loaded into a small tree with line numbers, for the
 * policy file, the controls catalog and (later) Kubernetes manifests.
 *
 * Built on libyaml's event parser with hard limits: input size, nesting
 * depth and node count are capped, and aliases are refused (no "billion
 * laughs"). One document per input: a second one ("---" after the first)
 * is an error, not silently dropped. Explicit tags ("!!python/object",
 * "!foo") are refused too: every scalar stays a string here, so a tag could
 * only be ignored. A leading UTF-8 BOM is skipped (util/text_bom.h). Not a
 * general YAML library. */
#ifndef LD_UTIL_YAML_DOC_H
#define LD_UTIL_YAML_DOC_H

#include <stdbool.h>
#include <stddef.h>

#include "core/error.h"

typedef enum { LD_YAML_SCALAR, LD_YAML_MAP, LD_YAML_SEQ } ld_yaml_kind;

typedef struct ld_yaml_node ld_yaml_node;
struct ld_yaml_node {
    ld_yaml_kind kind;
    int line; /* 1-based */
    int col;  /* 1-based */
    /* scalar: value (NUL-terminated) and whether it was quoted */
    char *value;
    bool quoted;
    /* map: keys[i] -> items[i]; seq: items[i]; n entries */
    ld_yaml_node **keys;
    ld_yaml_node **items;
    size_t n;
};

typedef struct {
    size_t max_bytes; /* default 8 MiB */
    int max_depth;    /* default 64 */
    size_t max_nodes; /* default 1,000,000 */
} ld_yaml_limits;

/* Parse buf[0..len). On success returns the root (caller frees with
 * ld_yaml_free); an empty document gives an empty map. On failure returns
 * NULL and sets err with "line N: ..." (name is used as a prefix). */
ld_yaml_node *ld_yaml_parse(const char *name, const char *buf, size_t len,
                            const ld_yaml_limits *limits, ld_error *err);
void ld_yaml_free(ld_yaml_node *node);

/* Map lookup by key; NULL if absent or node is not a map. */
const ld_yaml_node *ld_yaml_get(const ld_yaml_node *map, const char *key);
/* Scalar value of node, or NULL if node is NULL or not a scalar. */
const char *ld_yaml_str(const ld_yaml_node *node);
const char *ld_yaml_kind_name(ld_yaml_kind kind);

#endif
