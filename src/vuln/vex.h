/* OpenVEX documents (https://github.com/openvex/spec, v0.2.0; the 0.0.x
 * shapes with string vulnerabilities/products are accepted too): which
 * statements say a vulnerability does or does not affect a product.
 *
 * Parsing is strict about what matters — "@context" must name the OpenVEX
 * namespace, "statements" must be an array, each statement needs a
 * vulnerability, at least one product and a known status — and tolerant of
 * fields it does not use. Input is capped (LD_VEX_MAX_BYTES, statements,
 * products). Matching (ld_vex_find):
 *   - vulnerability: the statement's name, @id (or the last path segment of
 *     an @id URL) or one of its aliases equals one of the finding's ids;
 *   - product: a purl equal to the package's purl with qualifiers and
 *     subpath ignored (and the version ignored when the statement's purl
 *     has none), or the image itself — its digest ("sha256:..."), its
 *     reference, or a pkg:oci purl with that digest — in which case the
 *     product's subcomponents, when listed, must match the package (a
 *     reference "NAME@sha256:..." names the digest after its last '@');
 *   - the last matching statement of the document wins (OpenVEX statements
 *     are ordered: a later one updates an earlier one). */
#ifndef LD_VULN_VEX_H
#define LD_VULN_VEX_H

#include <stdbool.h>
#include <stddef.h>

#include "core/error.h"
#include "util/strlist.h"

#define LD_VEX_MAX_BYTES (16u * 1024 * 1024)
#define LD_VEX_MAX_STATEMENTS 100000
#define LD_VEX_MAX_PRODUCTS 1000000 /* products + subcomponents, whole document */

typedef enum {
    LD_VEX_NOT_AFFECTED,
    LD_VEX_AFFECTED,
    LD_VEX_FIXED,
    LD_VEX_UNDER_INVESTIGATION,
} ld_vex_status;

/* "not_affected", "affected", "fixed", "under_investigation". */
const char *ld_vex_status_name(ld_vex_status s);

typedef struct {
    char *product;            /* @id (or identifiers.purl when @id is absent) */
    ld_strlist subcomponents; /* their @id / identifiers.purl */
} ld_vex_product;

typedef struct {
    ld_strlist vuln_ids; /* name, @id, aliases */
    ld_vex_product *products;
    size_t n_products;
    ld_vex_status status;
    char *justification; /* may be NULL */
    char *statement;     /* impact_statement / action_statement / status_notes; may be NULL */
} ld_vex_statement;

/* Lookup tables built by the parser (vex.c): statements by vulnerability
 * id, and by the package/image identities their products name. */
typedef struct ld_vex_index ld_vex_index;

typedef struct {
    char *path; /* as given to the parser (for notes) */
    char *id;   /* document @id; may be NULL */
    ld_vex_statement *statements;
    size_t n;
    ld_vex_index *index; /* built by ld_vex_parse; freed by ld_vex_clear */
} ld_vex_doc;

/* Parses one document (a leading UTF-8 BOM is skipped) and indexes it. On
 * error (LD_ERR_CORRUPT / LD_ERR_LIMIT, message "NAME: ...") *out holds
 * nothing to free. */
int ld_vex_parse(const char *name, const char *buf, size_t len, ld_vex_doc *out, ld_error *err);
/* Reads (capped) and parses path. */
int ld_vex_load(const char *path, ld_vex_doc *out, ld_error *err);
void ld_vex_clear(ld_vex_doc *d);

/* What a finding is: its ids, its package's purl (may be NULL), and the
 * image's identities (digests, references; NULL entries skipped). */
typedef struct {
    const char *const *ids;
    size_t n_ids;
    const char *purl;
    const char *const *image_refs;
    size_t n_image_refs;
} ld_vex_subject;

/* The last statement of d applying to s, or NULL. Looked up in the
 * document's index: the cost follows the statements that name one of s's
 * ids or identities, not the document's size (a million products that
 * name other packages cost nothing per finding). */
const ld_vex_statement *ld_vex_find(const ld_vex_doc *d, const ld_vex_subject *s);

/* Whether statement st applies to s, checked directly (no index): the rule
 * ld_vex_find answers for the whole document. */
bool ld_vex_statement_applies(const ld_vex_statement *st, const ld_vex_subject *s);

/* Does the statement purl a name package purl p (see the header comment)? */
bool ld_vex_purl_matches(const char *a, const char *p);

#endif
