/* Rendering of an evaluated findings set through one writer. See report.h.
 * No verdict is decided here. */
#include "core/report.h"

#include <string.h>

static const char *const format_names[LD_FORMAT_COUNT] = {"table", "json",  "sarif",
                                                           "junit", "html", "jsonl"};

int ld_format_parse(const char *s, ld_format *out)
{
    for (int i = 0; i < LD_FORMAT_COUNT; i++) {
        if (s && strcmp(s, format_names[i]) == 0) {
            *out = (ld_format)i;
            return 0;
        }
    }
    return -1;
}

const char *ld_format_name(ld_format f)
{
    return (unsigned)f < LD_FORMAT_COUNT ? format_names[f] : "?";
}

static const ld_writer_ops *writer_for(ld_format f)
{
    switch (f) {
    case LD_FORMAT_TABLE: return &ld_writer_table;
    case LD_FORMAT_JSON: return &ld_writer_json;
    case LD_FORMAT_SARIF: return &ld_writer_sarif;
    case LD_FORMAT_JUNIT: return &ld_writer_junit;
    case LD_FORMAT_HTML: return &ld_writer_html;
    case LD_FORMAT_JSONL: return &ld_writer_jsonl;
    case LD_FORMAT_COUNT: break;
    }
    return &ld_writer_table;
}

ld_control_state ld_report_control_state(const ld_report *r, const ld_control *c)
{
    return r->eval->controls[c->index].state;
}

int ld_report_render(const ld_report_options *opt, const ld_findings *fs,
                     const ld_evaluation *ev, ld_error *err)
{
    ld_report r = {
        .opt = *opt,
        .level = ev->opt.level,
        .now = ev->opt.now,
        .catalog = fs->catalog,
        .set = fs,
        .eval = ev,
        .ops = writer_for(opt->format),
    };
    int rc = r.ops->begin ? r.ops->begin(&r, err) : 0;
    for (size_t i = 0; rc == 0 && i < fs->n; i++) {
        /* the writer sees the finding as evaluated: with its exception's reason */
        ld_finding view = *fs->v[i];
        view.exception = (char *)ev->exception[i];
        rc = r.ops->finding ? r.ops->finding(&r, &view, err) : 0;
    }
    if (rc == 0 && r.ops->end)
        rc = r.ops->end(&r, err);
    if (r.ops->destroy)
        r.ops->destroy(&r);
    return rc;
}
