/* A report: the one sink every command sends findings to. It applies the
 * policy (exceptions, attestations), keeps per-control compliance tallies,
 * streams each finding to the chosen writer, and decides the gate.
 *
 *   ld_report *r = ld_report_open(&opts, catalog, policy, &err);
 *   ld_report_begin(r, &err);
 *   ld_report_emit(r, finding, &err);  ... (takes ownership of finding)
 *   ld_report_finish(r, &err);         -> writer end, gate decided
 *   ld_report_gate_failed(r); ld_report_free(r);
 *
 * Writers (report_<format>.c) implement ld_writer_ops and read the report's
 * public fields; they must not keep findings unless they need grouping. */
#ifndef LD_CORE_REPORT_H
#define LD_CORE_REPORT_H

#include <stdbool.h>
#include <stdio.h>
#include <time.h>

#include "core/catalog.h"
#include "core/error.h"
#include "core/finding.h"
#include "core/policy.h"
#include "util/strlist.h"

typedef enum { LD_FORMAT_TABLE, LD_FORMAT_JSON, LD_FORMAT_SARIF, LD_FORMAT_JUNIT } ld_format;

int ld_format_parse(const char *s, ld_format *out);
const char *ld_format_name(ld_format f);

typedef struct {
    ld_format format;
    FILE *out;          /* borrowed */
    bool color;         /* ANSI colour in the table writer */
    const char *command;   /* "assess", "docker audit", ... */
    const char *scope;     /* what was assessed, one line */
    ld_level level;
    const char *level_source; /* "--level", "policy level", "policy profile", "default" */
    bool has_fail_on;
    ld_severity fail_on;
    time_t now;               /* for expiry decisions; 0 = time(NULL) */
} ld_report_options;

typedef enum {
    LD_CTRL_NOT_ASSESSED,
    LD_CTRL_PASSED,
    LD_CTRL_FAILED,
    LD_CTRL_ATTESTED,
} ld_control_state;

const char *ld_control_state_name(ld_control_state s);

typedef struct {
    size_t pass, fail, warn, other, excepted; /* findings counted for this control */
    const ld_attestation *attestation;        /* valid attestation, if any */
} ld_control_tally;

typedef struct {
    size_t required, passed, failed, attested, not_assessed;
} ld_compliance;

typedef struct ld_report ld_report;

typedef struct {
    const char *name;
    int (*begin)(ld_report *r, ld_error *err);
    int (*finding)(ld_report *r, const ld_finding *f, ld_error *err);
    int (*end)(ld_report *r, ld_error *err);
    void (*destroy)(ld_report *r); /* frees writer_state */
} ld_writer_ops;

struct ld_report {
    ld_report_options opt;
    const ld_catalog *catalog; /* borrowed */
    const ld_policy *policy;   /* borrowed */
    ld_control_tally *tally;   /* catalog->n entries */
    size_t status_counts[LD_STATUS_COUNT];
    size_t findings;
    size_t fail_at_or_above; /* failing, non-excepted findings at severity >= fail_on */
    ld_strlist notes; /* warnings the report carries: expired exceptions, ... */
    ld_strlist gate_reasons;
    bool gate_failed;
    bool finished;
    const ld_writer_ops *ops;
    void *writer_state;
};

ld_report *ld_report_open(const ld_report_options *opt, const ld_catalog *cat,
                          const ld_policy *policy, ld_error *err);
int ld_report_begin(ld_report *r, ld_error *err);
/* Takes ownership of f (freed before return, whatever happens). */
int ld_report_emit(ld_report *r, ld_finding *f, ld_error *err);
/* Adds a note (warning) carried into the report and printed on stderr by the CLI. */
void ld_report_note(ld_report *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Decides the gate, then lets the writer finish. */
int ld_report_finish(ld_report *r, ld_error *err);
bool ld_report_gate_failed(const ld_report *r);
void ld_report_free(ld_report *r);

/* Compliance state of control c given what was emitted so far. NIST
 * controls also take in the findings of every CIS control that shares one
 * of their checks. */
ld_control_state ld_report_control_state(const ld_report *r, const ld_control *c);
bool ld_control_required(const ld_control *c, ld_level level);
/* Counts over the controls required at `level`. */
void ld_report_compliance(const ld_report *r, ld_level level, ld_compliance *out);

/* Emit a finding of check_id: the control is the CIS control listing the
 * check if there is one, else the first control listing it (an unknown check
 * id is a programming error: asserts). Evidence is printf-style, NULL for
 * none. Returns what ld_report_emit returns. */
int ld_report_check(ld_report *r, const char *check_id, ld_status status, ld_target_kind kind,
                    const char *target_id, const char *target_name, ld_error *err,
                    const char *evidence_fmt, ...) __attribute__((format(printf, 8, 9)));
/* The control a check reports against (see ld_report_check); NULL if none. */
const ld_control *ld_catalog_control_for_check(const ld_catalog *cat, const char *check_id);

/* Writers, one per format (report_<format>.c). */
extern const ld_writer_ops ld_writer_table;
extern const ld_writer_ops ld_writer_json;
extern const ld_writer_ops ld_writer_sarif;
extern const ld_writer_ops ld_writer_junit;

#endif
