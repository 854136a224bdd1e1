/* What the YAML event loader (yaml_doc.c) and the JSON parser
 * (yaml_json.c) share to build the same trees: the arena nodes and strings
 * live in, node construction, and the duplicate-key rule. Private to
 * src/util/yaml_*.c: not an API. */
#ifndef LD_UTIL_YAML_DOC_INTERNAL_H
#define LD_UTIL_YAML_DOC_INTERNAL_H

#include <stddef.h>

#include "util/yaml_doc.h"

/* node->alloc_: how ld_yaml_free treats a node */
enum {
    LDY_ALLOC_HEAP = 0,   /* malloc'd one by one (not made here; freed recursively) */
    LDY_ALLOC_MEMBER = 1, /* lives in an arena owned by someone else: no-op */
    LDY_ALLOC_ROOT = 2,   /* a root that owns its arena (struct ldy_rooted) */
};

ld_yaml_arena *ldy_arena_new(void);
void ldy_arena_free(ld_yaml_arena *a);
/* n bytes, 8-byte aligned when aligned; never NULL (aborts like ld_xmalloc). */
void *ldy_alloc(ld_yaml_arena *a, size_t n, int aligned);
char *ldy_strndup(ld_yaml_arena *a, const char *s, size_t n);
/* A zeroed node of kind at line/col, in the arena (alloc_ MEMBER). */
ld_yaml_node *ldy_node(ld_yaml_arena *a, ld_yaml_kind kind, int line, int col);
/* Copies root into a node that owns a (ld_yaml_free frees the arena). */
ld_yaml_node *ldy_make_root(ld_yaml_arena *a, const ld_yaml_node *root);
/* Sets coll's children from v[0..count) (map: key, value pairs), copied
 * into the arena. */
void ldy_set_children(ld_yaml_arena *a, ld_yaml_node *coll, ld_yaml_node *const *v, size_t count);
/* 0, or LD_ERR_CORRUPT naming the later of two equal keys of map. */
int ldy_check_duplicates(const char *name, const ld_yaml_node *map, ld_error *err);
void ldy_docs_push(ld_yaml_docs *d, ld_yaml_node *doc);

/* The JSON parser over a whole input: every JSON text in buf (separated by
 * white space) becomes one document of out (whose arena it uses). Returns 0
 * or < 0 with err set; *syntax says whether the failure was a syntax error
 * (the caller may then try YAML) rather than a limit. Strings longer than
 * max_scalar bytes are refused. */
int ldy_json_stream(const char *name, const char *buf, size_t len, const ld_yaml_limits *lim,
                    size_t max_scalar, size_t max_documents, ld_yaml_docs *out, int *syntax,
                    ld_error *err);

#endif
