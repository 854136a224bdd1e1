/* The findings set: what every check returns. Checks add findings (and
 * notes) to a set their caller owns; they never see a writer, a policy
 * decision or an exit code. The set also records the run's scope — which
 * checks the command owed, which do not apply here and which it could not
 * observe, each with its reason — and coverage facts (packages per
 * ecosystem and whether the vulnerability database covers them), so that
 * evaluation (core/evaluate.h) can decide control states without guessing.
 *
 *   ld_findings *fs = ld_findings_new(catalog, now);
 *   ld_findings_scope(fs, LD_SCOPE_OWED, "image.*", NULL);
 *   check(fs, ...);                       -> ld_findings_add / _check / _note
 *   ld_evaluation *ev = ld_evaluate(fs, policy, &opts);
 *   ld_report_render(&ropts, fs, ev, err);
 *
 * Not for applying the policy (evaluate.c) or writing anything (report*.c). */
#ifndef LD_CORE_FINDINGS_H
#define LD_CORE_FINDINGS_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "core/catalog.h"
#include "core/error.h"
#include "core/finding.h"
#include "util/strlist.h"

/* A set holds at most this many findings; one more is an error (memory
 * stays bounded: a finding is a few hundred bytes). */
#define LD_FINDINGS_MAX 1000000

typedef enum {
    LD_SCOPE_OWED,           /* the command runs these checks and owes their verdicts */
    LD_SCOPE_NOT_APPLICABLE, /* the component does not exist here (no engine installed) */
    LD_SCOPE_NOT_ASSESSED,   /* present but could not be observed (engine down, no DB) */
} ld_scope_state;

const char *ld_scope_state_name(ld_scope_state s);

typedef struct {
    char *pattern; /* fnmatch(3) glob over check ids: "container.*", "image.vulnerabilities" */
    ld_scope_state state;
    char *reason; /* why (NULL for owed) */
} ld_scope_entry;

/* Vulnerability coverage of one ecosystem (and distro release) in one target. */
typedef struct {
    char *target;    /* the scanned target as given */
    char *ecosystem; /* deb, apk, npm, ... */
    char *release;   /* "debian 12", "alpine 3.19"; NULL for language ecosystems */
    size_t packages;
    bool covered; /* the database holds advisories for it */
} ld_coverage;

/* What an assessment found of one tier of the platform ("host",
 * "containers", "images", "orchestrator", "registries", "runtime"):
 * assessed, assessed in part (some of it could not be read), absent here
 * (not applicable) or present and not read (not assessed). A summary for
 * people: control states still come from the findings and the scope. */
typedef enum {
    LD_TIER_ASSESSED,
    LD_TIER_PARTLY_ASSESSED,
    LD_TIER_NOT_APPLICABLE,
    LD_TIER_NOT_ASSESSED,
} ld_tier_state;

/* "assessed", "partly assessed", "not applicable", "not assessed". */
const char *ld_tier_state_name(ld_tier_state s);
/* The inverse (the JSON names); -1 if unknown. */
int ld_tier_state_parse(const char *s, ld_tier_state *out);

typedef struct {
    char *name;   /* "host", "containers", "images", ... */
    ld_tier_state state;
    char *what;   /* what was looked at, one line ("412 packages, kernel 6.1, ..."); may be NULL */
    char *reason; /* why not (or not all) assessed / not applicable; NULL when assessed */
} ld_tier_record;

typedef struct ld_findings {
    const ld_catalog *catalog; /* borrowed */
    ld_strlist select, exclude; /* globs over check, control and CIS ids; empty: all */
    size_t unselected;          /* findings dropped by the selection */
    time_t now;                /* the run's clock (expiry, database age) */
    ld_finding **v;            /* owned */
    size_t n, cap;
    ld_strlist notes; /* what a reader must know: lists that failed, limits hit */
    ld_scope_entry *scope;
    size_t n_scope, scope_cap;
    ld_coverage *coverage;
    size_t n_coverage, coverage_cap;
    ld_tier_record *tiers; /* in the order first declared */
    size_t n_tiers, tiers_cap;
} ld_findings;

/* A new empty set over cat (borrowed; must outlive the set). now 0: time(NULL). */
ld_findings *ld_findings_new(const ld_catalog *cat, time_t now);
void ld_findings_free(ld_findings *fs);

/* Limits the set to checks matching one of the select globs (none: every
 * check) and none of the exclude globs. A glob matches a check when it
 * matches the check id, the id of a control listing the check, or one of
 * that control's CIS ids ("5.4", "CIS-DOCKER-5.*", "container.*"). Findings of
 * other checks are dropped when added, and their scope is undeclared (out
 * of scope). Lists are copied. */
void ld_findings_select(ld_findings *fs, const ld_strlist *select, const ld_strlist *exclude);
/* Does the selection keep check_id? */
bool ld_findings_selected(const ld_findings *fs, const char *check_id);

/* Takes ownership of f (freed on failure too; dropped and freed when the
 * selection leaves its check out). Fails only past LD_FINDINGS_MAX
 * (LD_ERR_LIMIT). */
int ld_findings_add(ld_findings *fs, ld_finding *f, ld_error *err);

/* Adds a finding of check_id: its control is the CIS control listing the
 * check if there is one, else the first control listing it. An unknown
 * check id is an error (LD_ERR_GENERIC). Evidence is printf-style, NULL for
 * none. Returns what ld_findings_add returns. */
int ld_findings_check(ld_findings *fs, const char *check_id, ld_status status,
                      ld_target_kind kind, const char *target_id, const char *target_name,
                      ld_error *err, const char *evidence_fmt, ...)
    __attribute__((format(printf, 8, 9)));

/* A note for the reader (deduplicated). */
void ld_findings_note(ld_findings *fs, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Declares the scope of checks matching pattern; a later declaration for
 * the same check wins over an earlier one. reason is printf-style, NULL
 * for LD_SCOPE_OWED. */
void ld_findings_scope(ld_findings *fs, ld_scope_state state, const char *pattern,
                       const char *reason_fmt, ...) __attribute__((format(printf, 4, 5)));
/* The scope entry that decides check_id (the last matching one), or NULL
 * when the run did not declare it at all. */
const ld_scope_entry *ld_findings_scope_of(const ld_findings *fs, const char *check_id);

/* Records what the run made of tier name (a later call for the same name
 * replaces the record, keeping its place). what and reason may be NULL;
 * reason is printf-style. */
void ld_findings_tier(ld_findings *fs, const char *name, ld_tier_state state, const char *what,
                      const char *reason_fmt, ...) __attribute__((format(printf, 5, 6)));

/* Records coverage of one ecosystem in one target (strings copied). */
void ld_findings_coverage(ld_findings *fs, const char *target, const char *ecosystem,
                          const char *release, size_t packages, bool covered);

/* The control a check reports against (see ld_findings_check); NULL if none. */
const ld_control *ld_catalog_control_for_check(const ld_catalog *cat, const char *check_id);

#endif
