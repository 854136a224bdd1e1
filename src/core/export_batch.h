/* Request bodies of a bounded size: records encoded one at a time (each
 * into its own buffer) are packed into bodies of at most max_records
 * records and max_bytes bytes, each body "head" + records joined by "sep"
 * + "tail" (an OTLP envelope; nothing for Elasticsearch's NDJSON). A
 * single record larger than max_bytes travels alone in a body of its own
 * (a body always holds at least one record: the receiver decides). For the
 * exporters (export_otlp.c, export_es.c); not a transport. */
#ifndef LD_CORE_EXPORT_BATCH_H
#define LD_CORE_EXPORT_BATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "util/json_out.h"

/* What one request may carry by default: 1000 records, 5 MiB. */
#define LD_EXPORT_MAX_RECORDS ((size_t)1000)
#define LD_EXPORT_MAX_BYTES ((size_t)5 * 1024 * 1024)

typedef struct {
    size_t max_records; /* 0: LD_EXPORT_MAX_RECORDS */
    size_t max_bytes;   /* 0: LD_EXPORT_MAX_BYTES */
} ld_export_limits;

typedef struct {
    char *data; /* NUL-terminated */
    size_t len;
    size_t records;  /* records in this body */
    size_t findings; /* of which finding records (the rest: the summary) */
} ld_export_body;

typedef struct {
    ld_export_body *v;
    size_t n, cap;
} ld_export_bodies;

void ld_export_bodies_clear(ld_export_bodies *b);

/* The packer (used by the exporters while they encode). head, sep and tail
 * are borrowed until ld_export_packer_finish. */
typedef struct {
    ld_export_bodies *out;
    ld_export_limits lim;
    const char *head, *sep, *tail;
    size_t head_len, sep_len, tail_len;
    char *cur; /* the body being filled; NULL when none is open */
    size_t cur_len, cur_cap, cur_records, cur_findings;
} ld_export_packer;

void ld_export_packer_init(ld_export_packer *p, ld_export_bodies *out, const ld_export_limits *lim,
                           const char *head, const char *sep, const char *tail);
/* Adds one encoded record (rec[0..len)), closing the open body first when
 * the record would take it past a limit. */
void ld_export_packer_add(ld_export_packer *p, const char *rec, size_t len, bool is_finding);
/* Closes the open body (if any) into out. */
void ld_export_packer_finish(ld_export_packer *p);

/* One record encoded on its own: ld_json over a memory stream. After
 * close, buf[0..len) holds the record (NUL-terminated; the caller frees
 * buf). Out of memory aborts, as the ld_x* allocators do. */
typedef struct {
    char *buf;
    size_t len;
    FILE *m;
    ld_json j;
} ld_export_rec;

void ld_export_rec_open(ld_export_rec *b);
void ld_export_rec_close(ld_export_rec *b);

#endif
