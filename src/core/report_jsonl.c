/* Placeholder for the jsonl writer while it is written (issue 16). */
#include "core/report.h"

static int begin(ld_report *r, ld_error *err)
{
    (void)r;
    return ld_error_set(err, LD_ERR_GENERIC, "the jsonl report format is not built yet");
}

const ld_writer_ops ld_writer_jsonl = {.name = "jsonl", .begin = begin};
