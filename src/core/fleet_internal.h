/* What the fleet files (core/fleet*.c) share and callers of core/fleet.h
 * do not need: adding a host once its report has been read, clearing one,
 * and the text helpers of the writers (markup escaping, control titles,
 * state keys). Not a public API. */
#ifndef LD_CORE_FLEET_INTERNAL_H
#define LD_CORE_FLEET_INTERNAL_H

#include <stdio.h>

#include "core/fleet.h"
#include "util/json_out.h"

/* Takes h (moved into the fleet; *h is zeroed). A host already present
 * keeps the report that started later; the other is dropped with a note. */
void ld_fleet_add_host(ld_fleet *f, ld_fleet_host *h);
/* Frees what h holds (not h itself) and zeroes it. */
void ld_fleet_host_clear(ld_fleet_host *h);

/* Writes s escaped for HTML and XML text and attribute values: & < > " '
 * as entities, invalid UTF-8 as U+FFFD, characters XML 1.0 forbids
 * (controls other than tab, newline, carriage return) dropped, C1 and
 * bidirectional controls as character references. NULL writes nothing. */
void ld_fleet_markup(FILE *o, const char *s);

/* The catalog title of control id, or NULL (cat may be NULL). */
const char *ld_fleet_control_title(const ld_catalog *cat, const char *id);

/* "passed", "needs_review", ... (the JSON keys of the control states). */
const char *ld_fleet_state_key(ld_control_state s);

/* The JSON pieces both the json and jsonl writers write: a host object's
 * members, a control object's members, and the totals' members. */
void ld_fleet_json_host(ld_json *j, const ld_fleet_host *h);
void ld_fleet_json_control(ld_json *j, const ld_fleet *f, const ld_fleet_control *c,
                           const ld_catalog *cat);
void ld_fleet_json_counts(ld_json *j, const ld_fleet_counts *c);

/* Writers, one per format (fleet_<format>.c); each returns 0 or < 0 on a
 * write error (ld_report_flush). */
int ld_fleet_write_table(const ld_fleet *f, FILE *o, const ld_catalog *cat, ld_error *err);
int ld_fleet_write_json(const ld_fleet *f, FILE *o, const ld_catalog *cat, ld_error *err);
int ld_fleet_write_jsonl(const ld_fleet *f, FILE *o, const ld_catalog *cat, ld_error *err);
int ld_fleet_write_html(const ld_fleet *f, FILE *o, const ld_catalog *cat, ld_error *err);
int ld_fleet_write_sarif(const ld_fleet *f, FILE *o, const ld_catalog *cat, ld_error *err);
int ld_fleet_write_junit(const ld_fleet *f, FILE *o, const ld_catalog *cat, ld_error *err);

#endif
