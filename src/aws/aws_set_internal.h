/* Internal to the AWS set (aws/aws_set*.c): how the shape reader and the
 * directory walk hand resources, documents and inputs to the set. Not for
 * the checks or the live path: they use aws/aws_set.h. */
#ifndef LD_AWS_AWS_SET_INTERNAL_H
#define LD_AWS_AWS_SET_INTERNAL_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "aws/aws_set.h"
#include "core/error.h"

/* Parse limits of one document (aws_set.h states them; objects and arrays
 * are bounded apart because they are jansson's dearest values). */
#define LD_AWS_JSON_MAX_VALUES ((size_t)2000000)
#define LD_AWS_JSON_MAX_CONTAINERS ((size_t)500000)
#define LD_AWS_JSON_MAX_DEPTH ((size_t)256)

/* One resource found in a document, not yet in the set. Strings are
 * owned (freed by ld_aws_pending_clear unless moved into the set). */
typedef struct {
    ld_aws_kind kind;
    const json_t *obj; /* NULL: absent */
    char *id, *name, *registry_id, *cluster;
    char *source; /* "FILE[2]" for a document inside an array; NULL: the input's */
} ld_aws_pending_item;

typedef struct {
    ld_aws_pending_item *v;
    size_t n, cap;
    const char *source; /* set while a document inside an array is read */
    ld_strlist notes;   /* notes of the document, added with its resources */
} ld_aws_pending;

void ld_aws_pending_clear(ld_aws_pending *p);
/* Appends an item; takes the strings (any may be NULL). */
void ld_aws_pending_push(ld_aws_pending *p, ld_aws_kind kind, const json_t *obj, char *id,
                         char *name, char *registry_id, char *cluster);
void ld_aws_pending_note(ld_aws_pending *p, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* aws_set_shapes.c: the resources of one parsed document, or the absence
 * an API JSON error records (doc borrowed; the items point into it). 0 with p filled, or < 0 with
 * err set (LD_ERR_CORRUPT, LD_ERR_UNSUPPORTED naming the top-level keys); p is left for the caller
 * to clear either way. */
int ld_aws_shapes_read(const char *source, const json_t *doc, ld_aws_pending *p, ld_error *err);

/* aws_set_errline.c: whether buf is an AWS CLI error line ("An error
 * occurred (TYPE) when calling the OP operation: MESSAGE"); when it is, 0
 * with the absence pushed to p, or < 0: LD_ERR_UNSUPPORTED for an error
 * that is not a policy absence (err says which), LD_ERR_CORRUPT when the
 * message does not name the repository. */
bool ld_aws_is_cli_error(const char *buf, size_t len);
int ld_aws_cli_error_read(const char *source, const char *buf, size_t len, ld_aws_pending *p,
                          ld_error *err);
/* The same for the API's JSON error ({"__type": "...#TYPE", "message":
 * ...}); doc is any object; false when it is not one. */
bool ld_aws_is_api_error(const json_t *doc);
int ld_aws_api_error_read(const char *source, const json_t *doc, ld_aws_pending *p, ld_error *err);
/* "ecr-repository/REGISTRY/NAME" or "ecr-repository/NAME" (new string). */
char *ld_aws_ecr_repo_id(const char *registry_id, const char *name);

/* aws_set.c: moves p's items into the set (duplicates noted and
 * dropped), documents kept by the caller. Returns the number added, or
 * LD_ERR_LIMIT when the set would exceed LD_AWS_RESOURCES_MAX (nothing
 * added). */
int ld_aws_set_commit(ld_aws_set *s, const char *source, ld_aws_pending *p, ld_error *err);
/* Keeps doc alive as long as the set (takes the reference). */
void ld_aws_set_keep(ld_aws_set *s, json_t *doc);
/* Records an input as given (ld_aws_set_inputs); ld_aws_load_named and
 * the public add calls do. */
void ld_aws_set_record_input(ld_aws_set *s, const char *name);
/* ld_aws_set_add_buffer without recording source as an input (a file met
 * in a directory walk). */
int ld_aws_set_read_buffer(ld_aws_set *s, const char *source, const char *buf, size_t len,
                           ld_error *err);
void ld_aws_set_count_file(ld_aws_set *s);

#endif
