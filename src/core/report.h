/* Rendering: the last stage of every reporting command. Checks return a
 * findings set (core/findings.h), evaluation decides control states and
 * the gate (core/evaluate.h), and ld_report_render writes the result in
 * one format. Nothing here decides a verdict.
 *
 * Writers (report_<format>.c) implement ld_writer_ops and read the
 * report's public fields; they must not keep findings unless they need
 * grouping. */
#ifndef LD_CORE_REPORT_H
#define LD_CORE_REPORT_H

#include <stdbool.h>
#include <stdio.h>
#include <time.h>

#include "core/catalog.h"
#include "core/error.h"
#include "core/evaluate.h"
#include "core/finding.h"
#include "core/findings.h"
#include "core/policy.h"
#include "util/strlist.h"

typedef enum {
    LD_FORMAT_TABLE,
    LD_FORMAT_JSON,
    LD_FORMAT_SARIF,
    LD_FORMAT_JUNIT,
    LD_FORMAT_HTML,  /* one self-contained page (report_html.c) */
    LD_FORMAT_JSONL, /* JSON lines: one object per finding, then the summary (report_jsonl.c) */
    LD_FORMAT_COUNT
} ld_format;

int ld_format_parse(const char *s, ld_format *out);
const char *ld_format_name(ld_format f);

typedef struct {
    ld_format format;
    FILE *out;          /* borrowed */
    bool color;         /* ANSI colour in the table writer */
    const char *command;   /* "assess", "docker audit", ... */
    const char *scope;     /* what was assessed, one line */
    const char *level_source; /* "--level", "policy level", "policy profile", "default" */
    const ld_strlist *level_reasoning; /* why that level: one line per fact (may be NULL) */
} ld_report_options;

typedef struct ld_report ld_report;

typedef struct {
    const char *name;
    int (*begin)(ld_report *r, ld_error *err);
    int (*finding)(ld_report *r, const ld_finding *f, ld_error *err);
    int (*end)(ld_report *r, ld_error *err);
    void (*destroy)(ld_report *r); /* frees writer_state */
} ld_writer_ops;

/* What a writer reads: the options, the findings set and its evaluation
 * (all borrowed for the duration of ld_report_render). */
struct ld_report {
    ld_report_options opt;
    ld_level level;            /* the level in force (eval->opt.level) */
    time_t now;                /* the run's clock */
    const ld_catalog *catalog; /* borrowed */
    const ld_findings *set;    /* borrowed */
    const ld_evaluation *eval; /* borrowed */
    const ld_writer_ops *ops;
    void *writer_state;
};

/* Renders the evaluated findings set in opt->format on opt->out: begin,
 * every finding in the order the checks returned them (each carrying the
 * reason of the exception that covers it, if any), then the summary,
 * compliance, notes and gate. Returns 0 or < 0 on a write error. */
int ld_report_render(const ld_report_options *opt, const ld_findings *fs,
                     const ld_evaluation *ev, ld_error *err);

/* The evaluated state of control c. */
ld_control_state ld_report_control_state(const ld_report *r, const ld_control *c);

/* Writers, one per format (report_<format>.c). */
extern const ld_writer_ops ld_writer_table;
extern const ld_writer_ops ld_writer_json;
extern const ld_writer_ops ld_writer_sarif;
extern const ld_writer_ops ld_writer_junit;
extern const ld_writer_ops ld_writer_html;
extern const ld_writer_ops ld_writer_jsonl;

#endif
