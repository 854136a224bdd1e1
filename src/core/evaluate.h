/* Evaluation: a pure function of (findings set, catalog, policy, options)
 * to control states with their reasons, per-level compliance and the gate
 * verdict. It decides; it writes nothing and changes nothing it is given.
 *
 * Control states (docs/verdicts.md):
 *   passed          observed, and every observation passed
 *   failed          a non-excepted finding failed
 *   needs review    observed, a warning (or an observation with no verdict)
 *                   and no failure; never counted as passed
 *   excepted        failures, all covered by unexpired policy exceptions
 *   attested        a valid policy attestation, and no failure
 *   not assessed    in scope, but could not be observed (engine down, no
 *                   database, file unreadable, remote host), or a manual
 *                   control with no attestation
 *   not applicable  the component does not exist here
 *   out of scope    not something this command assesses
 *
 * The gate fails on a failed required control, on a failing finding at or
 * above fail-on, and (fails closed) on a required control the run owed but
 * could not assess, unless incomplete runs are allowed. Required controls
 * that need review fail it when the policy says so (default: at high). */
#ifndef LD_CORE_EVALUATE_H
#define LD_CORE_EVALUATE_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "core/findings.h"
#include "core/policy.h"
#include "core/types.h"
#include "util/strlist.h"

typedef enum {
    LD_CTRL_PASSED,
    LD_CTRL_FAILED,
    LD_CTRL_REVIEW,
    LD_CTRL_EXCEPTED,
    LD_CTRL_ATTESTED,
    LD_CTRL_NOT_ASSESSED,
    LD_CTRL_NOT_APPLICABLE,
    LD_CTRL_OUT_OF_SCOPE,
    LD_CTRL_COUNT
} ld_control_state;

/* "passed", "failed", "needs review", "excepted", "attested", "not assessed",
 * "not applicable", "out of scope". */
const char *ld_control_state_name(ld_control_state s);

typedef struct {
    ld_control_state state;
    bool owed;    /* the run owed a verdict (its checks were in scope or tried) */
    char *reason; /* one line saying why this state */
    const ld_attestation *attestation; /* valid attestation, if any (borrowed) */
} ld_control_result;

typedef struct {
    size_t required;                  /* controls required at the level */
    size_t by_state[LD_CTRL_COUNT];   /* required controls in each state */
    size_t assessed;                  /* required controls with a verdict */
    size_t owed_not_assessed;         /* required, owed, not assessed */
} ld_compliance;

typedef struct {
    ld_level level;
    bool has_fail_on;
    ld_severity fail_on;
    bool allow_incomplete; /* --allow-incomplete (the policy can also allow it) */
    time_t now;            /* 0: the findings set's clock */
} ld_eval_options;

typedef struct {
    ld_eval_options opt;
    const ld_catalog *catalog; /* borrowed */
    const ld_policy *policy;   /* borrowed; may be NULL */
    ld_control_result *controls; /* catalog->n entries */
    const char **exception;      /* per finding: reason of the exception covering it, or NULL */
    size_t findings;
    size_t status_counts[LD_STATUS_COUNT]; /* findings by status, excepted ones included */
    size_t excepted;
    size_t fail_at_or_above; /* failing, non-excepted findings at severity >= fail_on */
    ld_compliance compliance[LD_LEVEL_COUNT];
    ld_strlist notes;        /* the set's notes, then the evaluation's (expired exceptions...) */
    bool fail_on_review;     /* in force for this run */
    bool allow_incomplete;   /* in force for this run */
    bool gate_failed;
    bool incomplete;         /* a required, owed control was not assessed */
    ld_strlist gate_reasons; /* why the gate failed */
    ld_strlist gate_notes;   /* what the gate let through: needs review, allowed incompleteness */
} ld_evaluation;

/* Evaluates fs (whose catalog is used) against policy p (NULL: no
 * exceptions, attestations or policy gate settings). Never fails; the
 * caller frees the result. */
ld_evaluation *ld_evaluate(const ld_findings *fs, const ld_policy *p, const ld_eval_options *opt);
void ld_evaluation_free(ld_evaluation *ev);

bool ld_control_required(const ld_control *c, ld_level level);

#endif
