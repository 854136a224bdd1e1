/* Loading a JSON document with jansson only when the tree it would build
 * fits a stated budget. jansson builds every object, array and string of a
 * document before the caller can look at any of it, and an empty object
 * costs it about 230 bytes: 16 MiB of "{}," became 1.27 GB. A cheap pass
 * over the bytes first counts what the tree would hold (values and
 * nesting, using json_span.h to step over strings and scalars) and refuses
 * the document with a message when it is over the limits; only then is
 * json_loadb called. For the package catalogers (src/sbom), which read
 * files of up to 64 MiB from images; not a validator (jansson still rejects
 * what is malformed) and not for documents walked in spans (json_span.h). */
#ifndef LD_UTIL_JSON_BUDGET_H
#define LD_UTIL_JSON_BUDGET_H

#include <jansson.h>
#include <stddef.h>

#include "core/error.h"

/* What a document would build, counted without building it. */
typedef struct {
    size_t values;     /* every value: objects, arrays, strings (object keys included),
                          numbers, true/false/null */
    size_t containers; /* objects and arrays (the dearest values) */
    size_t depth;      /* deepest nesting of objects and arrays */
} ld_json_count;

typedef struct {
    size_t max_values;
    size_t max_containers;
    size_t max_depth;
} ld_json_limits;

/* The budget of the package catalogers: 2,000,000 values, 500,000 objects
 * and arrays, nesting 2,048 deep (jansson's own parser limit, which the
 * catalogers' walks stay far inside). jansson needs about 230 bytes per
 * object, 90 per string and 40 per number, so a document at these limits
 * loads in about 250 MB at most; the largest real package-lock.json files
 * hold a few hundred thousand values. */
#define LD_JSON_CATALOGER_MAX_VALUES ((size_t)2000000)
#define LD_JSON_CATALOGER_MAX_CONTAINERS ((size_t)500000)
#define LD_JSON_CATALOGER_MAX_DEPTH ((size_t)2048)
extern const ld_json_limits ld_json_cataloger_limits;

/* Counts buf[0..len) in one pass, without allocating. For valid JSON
 * without duplicate keys the count is exactly the tree jansson builds; a
 * repeated key is counted each time (an upper bound: jansson keeps one).
 * Malformed input is counted as far as it goes (brackets that do not
 * balance, an unterminated string ends the count); it is not rejected
 * here. */
void ld_json_count_values(const char *buf, size_t len, ld_json_count *out);

/* 0 when c fits lim; else < 0 (LD_ERR_LIMIT) with err naming what
 * ("NAME: 5592406 JSON objects and arrays, over the limit of 500000;
 * not loaded"). */
int ld_json_check_limits(const char *name, const ld_json_count *c, const ld_json_limits *lim,
                         ld_error *err);

/* json_loadb(buf, len, flags) when the document fits lim. Returns the new
 * reference (caller json_decref's it), or NULL with err set: LD_ERR_LIMIT
 * over the limits (nothing was built), LD_ERR_CORRUPT when jansson rejects
 * it ("NAME: invalid JSON at line 3: ..."). name prefixes every message
 * (a path, "PATH: .dep-v0"). */
json_t *ld_json_load_bounded(const char *name, const char *buf, size_t len, size_t flags,
                             const ld_json_limits *lim, ld_error *err);

#endif
