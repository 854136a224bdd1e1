/* JSON lines writer (--format jsonl): one compact JSON object per line, a
 * "finding" record per finding in the order the checks returned them,
 * then one "summary" record (counts, compliance per level, tiers, notes,
 * gate). Each line carries the run's identity (host, command, run id,
 * start time, level: core/export_record.h), so a log pipeline that reads
 * lines one by one (a cluster's container log collector) keeps their
 * context. Documented in docs/report-schema.md. Strings go through ld_json:
 * a newline in evidence is escaped, so a record is always one line. */
#include <stdlib.h>

#include "core/export_record.h"
#include "core/report.h"
#include "core/report_common.h"
#include "util/mem.h"

typedef struct {
    ld_run_identity id;
    ld_json j;
} jsonl_state;

static int jsonl_begin(ld_report *r, ld_error *err)
{
    jsonl_state *st = ld_xcalloc(1, sizeof(*st));
    ld_run_identity_init(&st->id, r->now);
    r->writer_state = st;
    return 0;
}

static int jsonl_finding(ld_report *r, const ld_finding *f, ld_error *err)
{
    jsonl_state *st = r->writer_state;
    ld_json_init(&st->j, r->opt.out, false);
    ld_json_object_begin(&st->j);
    ld_export_record_finding(&st->j, r, &st->id, f);
    ld_json_object_end(&st->j);
    fputc('\n', r->opt.out);
    return 0;
}

static int jsonl_end(ld_report *r, ld_error *err)
{
    jsonl_state *st = r->writer_state;
    ld_json_init(&st->j, r->opt.out, false);
    ld_json_object_begin(&st->j);
    ld_export_record_summary(&st->j, r, &st->id);
    ld_json_object_end(&st->j);
    fputc('\n', r->opt.out);
    return ld_report_flush(r->opt.out, "the JSON lines report", err);
}

static void jsonl_destroy(ld_report *r)
{
    free(r->writer_state);
    r->writer_state = NULL;
}

const ld_writer_ops ld_writer_jsonl = {
    .name = "jsonl",
    .begin = jsonl_begin,
    .finding = jsonl_finding,
    .end = jsonl_end,
    .destroy = jsonl_destroy,
};
