/* Packing encoded records into bounded request bodies (see export_batch.h). */
#include "core/export_batch.h"

#include <stdlib.h>
#include <string.h>

#include "util/mem.h"

void ld_export_bodies_clear(ld_export_bodies *b)
{
    for (size_t i = 0; i < b->n; i++)
        free(b->v[i].data);
    free(b->v);
    memset(b, 0, sizeof(*b));
}

void ld_export_packer_init(ld_export_packer *p, ld_export_bodies *out, const ld_export_limits *lim,
                           const char *head, const char *sep, const char *tail)
{
    memset(p, 0, sizeof(*p));
    p->out = out;
    p->lim.max_records = lim && lim->max_records ? lim->max_records : LD_EXPORT_MAX_RECORDS;
    p->lim.max_bytes = lim && lim->max_bytes ? lim->max_bytes : LD_EXPORT_MAX_BYTES;
    p->head = head;
    p->sep = sep;
    p->tail = tail;
    p->head_len = strlen(head);
    p->sep_len = strlen(sep);
    p->tail_len = strlen(tail);
}

static void append(ld_export_packer *p, const char *s, size_t n)
{
    ld_xgrow(&p->cur, &p->cur_cap, p->cur_len + n + 1, 1);
    memcpy(p->cur + p->cur_len, s, n);
    p->cur_len += n;
    p->cur[p->cur_len] = '\0';
}

void ld_export_packer_finish(ld_export_packer *p)
{
    if (!p->cur)
        return;
    append(p, p->tail, p->tail_len);
    ld_xgrow(&p->out->v, &p->out->cap, p->out->n + 1, sizeof(*p->out->v));
    p->out->v[p->out->n++] = (ld_export_body){
        .data = p->cur, .len = p->cur_len, .records = p->cur_records, .findings = p->cur_findings};
    p->cur = NULL;
    p->cur_len = p->cur_cap = p->cur_records = p->cur_findings = 0;
}

void ld_export_packer_add(ld_export_packer *p, const char *rec, size_t len, bool is_finding)
{
    if (p->cur) {
        /* what the body would weigh with this record, tail included */
        size_t would = p->cur_len + p->sep_len + len + p->tail_len;
        if (p->cur_records >= p->lim.max_records || would > p->lim.max_bytes)
            ld_export_packer_finish(p);
    }
    if (!p->cur)
        append(p, p->head, p->head_len);
    else
        append(p, p->sep, p->sep_len);
    append(p, rec, len);
    p->cur_records++;
    if (is_finding)
        p->cur_findings++;
}

void ld_export_rec_open(ld_export_rec *b)
{
    b->buf = NULL;
    b->len = 0;
    b->m = open_memstream(&b->buf, &b->len);
    if (!b->m)
        abort(); /* out of memory, as ld_x* do */
    ld_json_init(&b->j, b->m, false);
}

void ld_export_rec_close(ld_export_rec *b)
{
    if (fclose(b->m) != 0)
        abort();
    b->m = NULL;
}
