/* The fleet view: many nodes' JSON reports (docs/report-schema.md, schema
 * v2) merged into one model — per host (or cluster) its level, gate, tiers,
 * summary counts and the state of every control required at its level, and
 * per control the state on each host — that the fleet writers
 * (fleet_<format>.c) render. Reading a report is fleet_read.c (every report
 * is hostile input); this file holds the model, duplicate handling and the
 * aggregation (worst hosts and most failed controls first).
 *
 *   ld_fleet *f = ld_fleet_new();
 *   ld_fleet_read_file(f, path, &limits, &err)   (or _read_buffer), per report;
 *   ld_fleet_unreadable(f, err.msg) for the ones that failed;
 *   ld_fleet_finish(f);                     -> hosts sorted, controls built
 *   ld_fleet_write(f, LD_FORMAT_JSON, out, catalog, &err);
 *
 * Not for evaluating anything: each report's control states and gate are
 * taken as the report says; the fleet only counts them. */
#ifndef LD_CORE_FLEET_H
#define LD_CORE_FLEET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <time.h>

#include "core/catalog.h"
#include "core/error.h"
#include "core/evaluate.h"
#include "core/findings.h"
#include "core/report.h"
#include "core/types.h"
#include "util/strlist.h"
#include "util/strmap.h"

/* Defaults of ld_fleet_limits: a report file of at most 256 MiB, whose
 * JSON tree holds at most 8,000,000 values, 2,000,000 objects and arrays
 * and nests at most 32 deep (a report nests 5 deep). */
#define LD_FLEET_REPORT_MAX_BYTES ((size_t)256 << 20)
#define LD_FLEET_MAX_VALUES ((size_t)8000000)
#define LD_FLEET_MAX_CONTAINERS ((size_t)2000000)
#define LD_FLEET_MAX_DEPTH ((size_t)32)
/* Strings kept from a report are cut at this many bytes (reasons,
 * scope, tier lines), with "…" at the end; names and ids longer than
 * LD_FLEET_ID_MAX are refused. */
#define LD_FLEET_TEXT_MAX 4096
#define LD_FLEET_ID_MAX 256

typedef struct {
    size_t max_bytes;
    size_t max_values, max_containers, max_depth;
} ld_fleet_limits;

/* The defaults above. */
void ld_fleet_limits_default(ld_fleet_limits *l);

/* Compliance counts at one level, as the report gives them. */
typedef struct {
    size_t required, assessed;
    size_t by_state[LD_CTRL_COUNT];
} ld_fleet_counts;

typedef struct {
    char *id;
    ld_control_state state;
    ld_level level; /* lowest level requiring it */
    char *reason;   /* may be NULL */
} ld_fleet_host_control;

typedef struct {
    char *name;
    ld_tier_state state;
    char *what, *reason; /* may be NULL */
} ld_fleet_tier;

typedef struct {
    char *name;            /* host name from the scope line ("host NAME, ..."), else a host
                              finding's target, else the scope, else the file name */
    char *source;          /* the report file as given ("-": stdin) */
    char *command, *scope; /* may be NULL */
    ld_level level;
    char *level_source; /* may be NULL */
    char *started_at;   /* as written (RFC 3339 UTC) */
    time_t started;
    bool gate_failed, gate_incomplete;
    ld_strlist gate_reasons;
    ld_fleet_tier *tiers;
    size_t n_tiers;
    ld_fleet_counts compliance[LD_LEVEL_COUNT];
    size_t findings, excepted;
    size_t status[LD_STATUS_COUNT];
    ld_fleet_host_control *controls; /* required at its level, in report order */
    size_t n_controls;
    size_t n_notes; /* notes in the report */
} ld_fleet_host;

/* One control across the fleet: how many hosts require it (at their own
 * level) and in which state each has it. */
typedef struct {
    char *id;
    ld_level level;
    size_t hosts;                   /* hosts whose report lists it */
    size_t by_state[LD_CTRL_COUNT]; /* hosts in each state */
    size_t *host_index;             /* hosts listing it, into ld_fleet.hosts (fleet order) */
    ld_control_state *state;        /* the state on each of those hosts */
    size_t cap;                     /* of host_index and state */
} ld_fleet_control;

typedef struct {
    ld_fleet_host *hosts; /* after ld_fleet_finish: worst first */
    size_t n_hosts, hosts_cap;
    ld_fleet_control *controls; /* built by ld_fleet_finish: most failed first */
    size_t n_controls, controls_cap;
    size_t reports_read;   /* reports read, duplicates included */
    ld_strlist unreadable; /* "FILE: why", one per report that could not be read */
    ld_strlist notes;      /* duplicates dropped, levels that differ */
    time_t generated;
    bool finished;
    ld_strmap by_name; /* host name -> index + 1 (while reading) */
} ld_fleet;

ld_fleet *ld_fleet_new(void);
void ld_fleet_free(ld_fleet *f);

/* Reads one report (buf[0..len), named name in messages and as the host's
 * source) into f. A second report of a host already read is kept when it
 * started later (the other is dropped with a note). Returns 0, or < 0 with
 * err naming the report and the field ("NAME: compliance.controls[3].state:
 * expected a string"); f is unchanged on failure. fleet_read.c. */
int ld_fleet_read_buffer(ld_fleet *f, const char *name, const char *buf, size_t len,
                         const ld_fleet_limits *lim, ld_error *err);
/* The same for a file ("-": stdin), at most lim->max_bytes long. */
int ld_fleet_read_file(ld_fleet *f, const char *path, const ld_fleet_limits *lim, ld_error *err);
/* Records a report that could not be read: message names the report and
 * why ("node3.json: gate.failed: expected true or false"), as the errors
 * of ld_fleet_read_file do. */
void ld_fleet_unreadable(ld_fleet *f, const char *message);

/* Sorts the hosts (gate failed first, then most failed controls, most not
 * assessed, name), builds the per-control view (most failing hosts first,
 * then most not assessed, id) and notes levels that differ. Call once,
 * after the last read. now 0: time(NULL). */
void ld_fleet_finish(ld_fleet *f, time_t now);

/* Sums over the hosts, each at its own level. */
typedef struct {
    size_t hosts, gate_failed, incomplete;
    size_t by_level[LD_LEVEL_COUNT];
    size_t findings, excepted, status[LD_STATUS_COUNT];
    ld_fleet_counts controls; /* required controls, each host at its own level */
} ld_fleet_totals;
void ld_fleet_sum(const ld_fleet *f, ld_fleet_totals *t);

/* The counts of host h at its own level. */
const ld_fleet_counts *ld_fleet_host_counts(const ld_fleet_host *h);

/* Writes the fleet view in format fmt to out; cat (may be NULL) gives
 * control titles. Returns 0 or < 0 on a write error. */
int ld_fleet_write(const ld_fleet *f, ld_format fmt, FILE *out, const ld_catalog *cat,
                   ld_error *err);

#endif
