/* YAML (and JSON) loaded into a small tree with line numbers, for the
 * policy file, the controls catalog and Kubernetes manifests.
 *
 * Two entry points over one tree:
 *  - ld_yaml_parse: one strict document (policy, catalog, rules). Aliases,
 *    anchors' use and tags are refused, and so is a second document.
 *  - ld_yaml_parse_stream: every document of a stream (`---`, `...`), with
 *    what real manifests use when the options allow it: anchors, aliases
 *    and merge keys (`<<: *x`, `<<: [*a, *b]`), the standard tags (!!str,
 *    !!int, !!bool, !!float, !!null, !!binary, !!timestamp, !!map, !!seq;
 *    any other tag is refused), and JSON (a JSON text, or several in a row,
 *    read by a JSON parser of its own that builds the same tree).
 *
 * Built on libyaml's event parser with hard limits: input size, nesting
 * depth and node count are capped, and an alias counts every node it
 * stands for against max_nodes (an alias bomb is refused with an error,
 * never expanded). An alias shares the anchored nodes instead of copying
 * them, so a tree may be a DAG: read it, never modify it. A leading UTF-8
 * BOM is skipped (util/text_bom.h). Trees live in an arena freed at once.
 * Not a general YAML library. */
#ifndef LD_UTIL_YAML_DOC_H
#define LD_UTIL_YAML_DOC_H

#include <stdbool.h>
#include <stddef.h>

#include "core/error.h"

typedef enum { LD_YAML_SCALAR, LD_YAML_MAP, LD_YAML_SEQ } ld_yaml_kind;

/* The explicit standard tag a node carried (stream parses only). */
typedef enum {
    LD_YAML_TAG_NONE,
    LD_YAML_TAG_STR, /* !!str, and the non-specific "!" on a scalar */
    LD_YAML_TAG_INT,
    LD_YAML_TAG_BOOL,
    LD_YAML_TAG_FLOAT,
    LD_YAML_TAG_NULL,
    LD_YAML_TAG_BINARY,
    LD_YAML_TAG_TIMESTAMP,
    LD_YAML_TAG_MAP,
    LD_YAML_TAG_SEQ,
} ld_yaml_tag;

typedef struct ld_yaml_node ld_yaml_node;
struct ld_yaml_node {
    ld_yaml_kind kind;
    int line; /* 1-based */
    int col;  /* 1-based */
    /* scalar: true when the value is text whatever it spells: quoted,
     * a literal or folded block, a JSON string, or tagged !!str */
    bool quoted;
    unsigned char tag;    /* ld_yaml_tag */
    unsigned char alloc_; /* private: how the node is freed */
    /* scalar: value (NUL-terminated) */
    char *value;
    /* map: keys[i] -> items[i]; seq: items[i]; n entries */
    ld_yaml_node **keys;
    ld_yaml_node **items;
    size_t n;
};

typedef struct {
    size_t max_bytes; /* default 8 MiB */
    int max_depth;    /* default 64 */
    size_t max_nodes; /* default 1,000,000; alias and merge expansions included */
} ld_yaml_limits;

/* Parse buf[0..len). On success returns the root (caller frees with
 * ld_yaml_free); an empty document gives an empty map. On failure returns
 * NULL and sets err with "line N: ..." (name is used as a prefix). */
ld_yaml_node *ld_yaml_parse(const char *name, const char *buf, size_t len,
                            const ld_yaml_limits *limits, ld_error *err);
/* Frees a root returned by ld_yaml_parse or ld_yaml_parse_json. A node
 * inside a tree, or a document of an ld_yaml_docs, is freed with its
 * owner (no-op here). NULL is fine. */
void ld_yaml_free(ld_yaml_node *node);
/* Overwrites every scalar (keys and values) of the tree under node with
 * zeros, down to max_depth levels, before a tree that held secrets (tokens,
 * keys, Secret values) is freed. A tree with aliases is a DAG: a shared
 * node is wiped more than once, harmlessly. */
void ld_yaml_wipe(ld_yaml_node *node, int max_depth);

/* ---- streams ---- */

typedef struct {
    ld_yaml_limits limits;   /* for the whole input; 0 fields: the defaults above */
    size_t max_documents;    /* default 1,000,000 */
    /* one value (and, in YAML, one line) at most this long; 0: max_bytes.
     * Lets a loader refuse a 100 MB value before building it. */
    size_t max_scalar_bytes;
    bool aliases;            /* anchors, aliases and merge keys accepted (else refused) */
    bool tags;               /* standard tags accepted, checked against the value */
    bool json;               /* input starting with '{' or '[' is read as JSON first
                                (a JSON syntax error then falls back to YAML) */
    /* a large YAML input is parsed in pieces on this many threads (cut at
     * document markers, or between the items of a kubectl List; the
     * result is the same tree): 0 one per processor (at most 4), 1 none */
    unsigned threads;
} ld_yaml_options;

typedef struct ld_yaml_arena ld_yaml_arena;

/* The documents of one stream; they are freed together. A document with
 * nothing in it (`---` alone) is an empty plain scalar. */
typedef struct {
    ld_yaml_node **docs;
    size_t n;
    size_t cap;
    bool json;            /* the input was read as JSON */
    ld_yaml_arena *arena; /* private */
} ld_yaml_docs;

/* Parses every document of buf[0..len) into *out (which must be zeroed or
 * cleared; documents are appended). Returns 0, or a negative ld_errcode
 * with err "NAME: line N: ..." and *out left empty. Duplicate keys are
 * errors (explicit ones; keys brought by a merge never override). */
int ld_yaml_parse_stream(const char *name, const char *buf, size_t len, const ld_yaml_options *o,
                         ld_yaml_docs *out, ld_error *err);
void ld_yaml_docs_clear(ld_yaml_docs *d);
/* Moves the documents of *from to the end of *to (from is left empty). */
void ld_yaml_docs_move(ld_yaml_docs *to, ld_yaml_docs *from);

/* One JSON text (RFC 8259; no comments, no trailing commas, no NUL) as a
 * tree: strings are quoted scalars, numbers/true/false/null plain scalars
 * as written. Root freed with ld_yaml_free. Errors as ld_yaml_parse. */
ld_yaml_node *ld_yaml_parse_json(const char *name, const char *buf, size_t len,
                                 const ld_yaml_limits *limits, ld_error *err);

/* ---- reading ---- */

/* Map lookup by key; NULL if absent or node is not a map. */
const ld_yaml_node *ld_yaml_get(const ld_yaml_node *map, const char *key);
/* Scalar value of node, or NULL if node is NULL or not a scalar. */
const char *ld_yaml_str(const ld_yaml_node *node);
const char *ld_yaml_kind_name(ld_yaml_kind kind);
/* "!!str", ..., "" for none. */
const char *ld_yaml_tag_name(ld_yaml_tag tag);

/* Plain-scalar typing as YAML 1.1 (and so sigs.k8s.io/yaml) resolves it.
 * Each takes the scalar's text; the caller decides whether the node was
 * quoted (then it is a string, whatever it spells). */
bool ld_yaml_text_is_null(const char *s);            /* "", ~, null, Null, NULL */
bool ld_yaml_text_bool(const char *s, bool *out);    /* y|yes|true|on / n|no|false|off forms */
bool ld_yaml_text_int(const char *s, long long *out); /* decimal, 0x, 0o, 0 octal, 0b, +/-, _ */
bool ld_yaml_text_float(const char *s);               /* 1.5, -1e3, .inf, .nan, ... */

#endif
