/* Placeholder for the html writer while it is written (issue 16). */
#include "core/report.h"

static int begin(ld_report *r, ld_error *err)
{
    (void)r;
    return ld_error_set(err, LD_ERR_GENERIC, "the html report format is not built yet");
}

const ld_writer_ops ld_writer_html = {.name = "html", .begin = begin};
