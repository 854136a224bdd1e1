/* The vulnerability database: one SQLite file built from upstream feeds (OSV
 * all.zip / JSON directories, the Debian security tracker JSON, Alpine
 * secdb), read by the matcher through ld_vulndb_lookup(). The schema is
 * documented for users in docs/vuln-db.md; in short:
 *
 *   meta(key PRIMARY KEY, value)            schema_version, built_at (unix s)
 *   sources(name PRIMARY KEY, kind, url, etag, last_modified, fetched_at,
 *           records)                        one row per feed; url without
 *                                           credentials, validators only
 *                                           valid HTTP header values
 *   advisories(id INTEGER PK, source, advisory_id, summary, details,
 *           severity, cvss3_vector, cvss3_score, cvss4_vector, cvss4_score,
 *           published, modified, withdrawn)
 *   aliases(advisory REFERENCES advisories, alias)
 *   refs(advisory, type, url)
 *   affected(id INTEGER PK, advisory, ecosystem, package, purl,
 *           fix_status, severity)           INDEX (ecosystem, package)
 *   ranges(id INTEGER PK, affected, type)   ECOSYSTEM / SEMVER / GIT
 *   events(range, seq, kind, version)       kind: introduced / fixed /
 *                                           last_affected / limit
 *   versions(affected, version)             explicit affected versions
 *
 * Not the matcher (src/vuln/match.c) and not the downloader
 * (src/vuln/fetch.c): this file only opens, builds and reads the database.
 * Handles are not thread-safe; open one per thread. */
#ifndef LD_VULN_DB_H
#define LD_VULN_DB_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "core/error.h"

#define LD_VULNDB_SCHEMA_VERSION 1

typedef struct ld_vulndb ld_vulndb;

/* ---- read API (used by the matcher) ---------------------------------- */

/* The default database path, a new string the caller frees:
 * $LOCKDOWN_DB if set and non-empty; else $XDG_CACHE_HOME/lockdown/vuln.db;
 * else $HOME/.cache/lockdown/vuln.db; else, for root,
 * /var/cache/lockdown/vuln.db. A base directory is used only when it is an
 * absolute path and, if it exists, not writable by everyone (never /tmp,
 * where another user could plant a database). No usable location: NULL
 * with err filled (LD_ERR_NOT_FOUND, saying to pass --db or set
 * $LOCKDOWN_DB). Reads the environment; keeps no state. */
char *ld_vulndb_default_path(ld_error *err);

/* Opens the database at path (NULL: ld_vulndb_default_path(), whose error
 * is returned when there is no default location) read-only.
 * Absent file: LD_ERR_NOT_FOUND with "no vulnerability database at PATH:
 * run 'lockdown db update' (or 'lockdown db import FILES' offline)".
 * Not a lockdown database or a newer schema: LD_ERR_CORRUPT /
 * LD_ERR_UNSUPPORTED. Returns NULL on failure with err filled; the caller
 * closes the handle with ld_vulndb_close(). */
ld_vulndb *ld_vulndb_open(const char *path, ld_error *err);

/* Closes the handle and finalises its statements. NULL is a no-op. */
void ld_vulndb_close(ld_vulndb *db);

/* The path the handle was opened on (owned by the handle). */
const char *ld_vulndb_path(const ld_vulndb *db);

/* Sets *out to the time the database was built (meta.built_at). Returns 0,
 * or a negative ld_errcode (LD_ERR_CORRUPT when the value is missing). */
int ld_vulndb_built_at(ld_vulndb *db, time_t *out);

/* Does the database hold advisories for ecosystem (exactly as stored:
 * "Debian:12", "Alpine:v3.19", "npm")? One indexed seek. Returns 1 yes,
 * 0 no, or a negative ld_errcode with err filled. */
int ld_vulndb_covers(ld_vulndb *db, const char *ecosystem, ld_error *err);

/* Fix status of an affected row. */
typedef enum {
    LD_FIX_UNKNOWN = 0,  /* "unknown" */
    LD_FIX_FIXED,        /* "fixed": a fixed version exists */
    LD_FIX_NOT_FIXED,    /* "not-fixed": open, no fix yet */
    LD_FIX_WILL_NOT_FIX, /* "will-not-fix": e.g. Debian nodsa ignored */
    LD_FIX_END_OF_LIFE,  /* "end-of-life": the release/package is no longer supported */
    LD_FIX_UNIMPORTANT,  /* "unimportant": Debian urgency unimportant */
    LD_FIX_POSTPONED,    /* "postponed": Debian nodsa postponed (fix later in a point release) */
    LD_FIX_NOT_AFFECTED, /* "not-affected": never stored by the importers (Alpine "0", Debian
                            fixed_version 0) */
    LD_FIX_COUNT
} ld_fix_status;

/* "fixed", "not-fixed", ...; "unknown" for out-of-range values. */
const char *ld_fix_status_name(ld_fix_status s);
/* Parses a name of ld_fix_status_name. Returns 0 or LD_ERR_NOT_FOUND. */
int ld_fix_status_parse(const char *name, ld_fix_status *out);

typedef enum {
    LD_RANGE_ECOSYSTEM = 0,
    LD_RANGE_SEMVER,
    LD_RANGE_GIT,
} ld_range_type;

typedef enum {
    LD_EVENT_INTRODUCED = 0, /* version "0" means "since the beginning" */
    LD_EVENT_FIXED,
    LD_EVENT_LAST_AFFECTED,
    LD_EVENT_LIMIT,
} ld_event_kind;

typedef struct {
    ld_event_kind kind;
    const char *version;
} ld_vuln_event;

typedef struct {
    ld_range_type type;
    const ld_vuln_event *events; /* in feed order (OSV: as published) */
    size_t n_events;
} ld_vuln_range;

typedef struct {
    const char *type; /* OSV reference type: ADVISORY, WEB, FIX, REPORT, ... ("WEB" when unknown) */
    const char *url;
} ld_vuln_ref;

/* One affected entry of one advisory for the looked-up (ecosystem, package).
 * Every pointer is owned by the database handle and valid only during the
 * callback; copy what you keep. Optional strings are NULL when absent. With
 * LD_VULNDB_LAZY_DETAILS the advisory's aliases and references are left
 * empty (most rows do not match the installed version): ask
 * ld_vulndb_details() for the rows that need them. */
typedef struct {
    const char *source;         /* feed: "osv-npm", "debian-tracker", "alpine-v3.19-main", ... */
    const char *id;             /* advisory id as published: CVE-..., GHSA-..., DSA-... */
    const char *const *aliases; /* other ids (see LD_VULNDB_LAZY_DETAILS) */
    size_t n_aliases;
    const char *summary;  /* title / one-line summary (Debian: description) */
    const char *details;  /* long description; may be NULL */
    const char *severity; /* severity text from the feed ("high", "unimportant", "MODERATE"); NULL
                             if none */
    const char *cvss3_vector; /* "CVSS:3.1/AV:N/..." or NULL */
    double cvss3_score;       /* base score computed from the vector; 0 if none */
    const char *cvss4_vector; /* "CVSS:4.0/AV:N/..." or NULL */
    double cvss4_score; /* base score computed from the vector (0 if none or not computable) */
    const ld_vuln_ref *refs;
    size_t n_refs;
    const char *published; /* RFC 3339 or NULL */
    const char *modified;  /* RFC 3339 or NULL */
    const char *ecosystem; /* as stored: "Debian:12", "npm", ... */
    const char *package;   /* as stored (Debian/Ubuntu/Alpine: source package / origin) */
    const char *purl;      /* or NULL */
    ld_fix_status fix_status;
    const ld_vuln_range *ranges;
    size_t n_ranges;
    const char *const *versions; /* explicit affected versions */
    size_t n_versions;
} ld_vuln_affected;

/* The advisory-level lists of an affected row, loaded on request. */
typedef struct {
    const char *const *aliases; /* other ids, in feed order */
    size_t n_aliases;
    const ld_vuln_ref *refs; /* references with a URL, in feed order */
    size_t n_refs;
} ld_vuln_details;

/* Return 0 to continue, non-zero to stop the lookup (that value is
 * returned by ld_vulndb_lookup). */
typedef int (*ld_vuln_affected_cb)(const ld_vuln_affected *a, void *ctx);

/* Calls cb once per affected row for (ecosystem, package), ordered by
 * advisory id. ecosystem is the OSV ecosystem name including the release for
 * distributions ("Debian:12", "Alpine:v3.19", "Ubuntu:22.04:LTS", "npm",
 * "PyPI", "Go", "crates.io", ...), matched exactly; package exactly as well
 * except for PyPI, where names are compared in PEP 503 normalised form.
 * Withdrawn advisories are skipped; "not-affected" rows are never stored.
 * Three queries per call whatever the number of rows (rows; ranges with
 * their events; explicit versions) plus two per row for aliases and
 * references (none with LD_VULNDB_LAZY_DETAILS), on statements prepared once;
 * strings are copied into a per-handle arena reused by the next call. cb may
 * call ld_vulndb_details() but must not call ld_vulndb_lookup() on the same
 * handle. Returns 0 (also when nothing matched), cb's non-zero
 * value, or a negative ld_errcode with err filled. */
int ld_vulndb_lookup(ld_vulndb *db, const char *ecosystem, const char *package,
                     ld_vuln_affected_cb cb, void *ctx, ld_error *err);

/* Flags of ld_vulndb_lookup_ex(). */
#define LD_VULNDB_LAZY_DETAILS 0x1u /* leave aliases and refs empty (ld_vulndb_details) */

/* ld_vulndb_lookup() with flags (0: the same as ld_vulndb_lookup). With
 * LD_VULNDB_LAZY_DETAILS the two queries per row for aliases and references
 * are skipped; the matcher asks for them only for rows that match. */
int ld_vulndb_lookup_ex(ld_vulndb *db, const char *ecosystem, const char *package, unsigned flags,
                        ld_vuln_affected_cb cb, void *ctx, ld_error *err);

/* Loads the aliases and references of a's advisory into *out (two indexed
 * queries). Only from inside an ld_vulndb_lookup() callback, for the row a
 * that callback received (asserted). The arrays are owned by the handle and
 * valid until the callback returns or the next ld_vulndb_details() call; the
 * strings until the callback returns. Returns 0 or a negative ld_errcode with
 * err filled (*out then empty or partial: do not use it). */
int ld_vulndb_details(ld_vulndb *db, const ld_vuln_affected *a, ld_vuln_details *out,
                      ld_error *err);

/* Per-source statistics for `db status`. */
typedef struct {
    char *name;          /* "osv-npm", "debian-tracker", ... */
    char *kind;          /* "osv", "debian", "alpine" */
    char *url;           /* URL (without credentials) or local path it came from; may be NULL */
    char *etag;          /* may be NULL */
    char *last_modified; /* HTTP Last-Modified as received; may be NULL */
    time_t fetched_at;   /* 0 if unknown */
    long long records;   /* advisories imported from this source */
} ld_vulndb_source;

/* Fills *out with a new array of *n sources (sorted by name); free with
 * ld_vulndb_sources_free(). Returns 0 or a negative ld_errcode. */
int ld_vulndb_sources(ld_vulndb *db, ld_vulndb_source **out, size_t *n, ld_error *err);
void ld_vulndb_sources_free(ld_vulndb_source *s, size_t n);

/* ---- build API (db update / db import) -------------------------------- */

typedef enum {
    LD_FEED_AUTO = 0, /* detect from the path / content */
    LD_FEED_OSV_ZIP,  /* OSV per-ecosystem all.zip */
    LD_FEED_OSV_DIR,  /* directory of OSV .json records (recursively) */
    LD_FEED_OSV_JSON, /* one OSV record (or a JSON array of records) */
    LD_FEED_DEBIAN,   /* Debian security tracker JSON */
    LD_FEED_ALPINE,   /* Alpine secdb JSON */
} ld_feed_type;

/* Parses "osv-zip", "osv-dir", "osv", "debian", "alpine", "auto". */
int ld_feed_type_parse(const char *name, ld_feed_type *out);
const char *ld_feed_type_name(ld_feed_type t);
/* Detects the type of the feed at path (see docs/vuln-db.md). Returns 0 and
 * sets *out, or LD_ERR_UNSUPPORTED naming the path. */
int ld_feed_detect(const char *path, ld_feed_type *out, ld_error *err);

/* Limits applied while importing hostile feeds; ld_vulndb_limits_default(). */
typedef struct {
    size_t max_record_bytes; /* one OSV record / one JSON document part (default 4 MiB) */
    size_t max_file_bytes;   /* one whole-loaded feed file: tracker / secdb JSON (default 1 GiB) */
    size_t max_zip_entries;  /* entries of one zip (default 2,000,000) */
    unsigned long long max_total_bytes; /* uncompressed bytes of one zip (default 8 GiB) */
} ld_vulndb_limits;

void ld_vulndb_limits_default(ld_vulndb_limits *l);

typedef struct ld_vulndb_builder ld_vulndb_builder;

/* Starts building a new database beside dest_path (dest_path.tmp-XXXXXX).
 * When keep_existing is true and dest_path exists, its sources are copied
 * in first, so importing one feed keeps the others (a source of the same
 * name is replaced). Returns NULL with err filled. Nothing at dest_path is
 * touched until ld_vulndb_builder_commit(). */
ld_vulndb_builder *ld_vulndb_builder_new(const char *dest_path, bool keep_existing,
                                         const ld_vulndb_limits *limits, ld_error *err);

/* Provenance of one feed import. */
typedef struct {
    const char *name; /* source name; NULL: derived from the file ("osv-npm", "debian-tracker",
                         "alpine-v3.19-main") */
    const char *url;  /* URL or path recorded in sources.url; NULL: the path */
    const char *etag; /* may be NULL */
    const char *last_modified; /* may be NULL */
    time_t fetched_at;         /* 0: now */
} ld_feed_meta;

/* Imports one feed file/directory into the builder in one transaction (the
 * source's previous rows are replaced). On error nothing of this feed is
 * kept; the message names the file and record. *records (may be NULL) gets
 * the number of advisories imported. */
int ld_vulndb_builder_import(ld_vulndb_builder *b, const char *path, ld_feed_type type,
                             const ld_feed_meta *meta, long long *records, ld_error *err);

/* Keeps an existing source unchanged (HTTP 304) but records the new
 * fetched_at. Returns 0, or LD_ERR_NOT_FOUND when the source is absent. */
int ld_vulndb_builder_touch_source(ld_vulndb_builder *b, const char *name, time_t fetched_at,
                                   ld_error *err);

/* Reads back what an existing source had recorded (etag, last_modified) to
 * make conditional requests; fields are new strings (caller frees) or NULL.
 * Returns 0, or LD_ERR_NOT_FOUND. */
int ld_vulndb_builder_source_info(ld_vulndb_builder *b, const char *name, char **etag,
                                  char **last_modified, ld_error *err);

/* The same, only when the source was recorded for url (both compared
 * without credentials, ld_url_redact): validators belong to the URL that
 * sent them, so a source whose URL changed gets none (LD_ERR_NOT_FOUND) and
 * its next request is unconditional. */
int ld_vulndb_builder_source_validators(ld_vulndb_builder *b, const char *name, const char *url,
                                        char **etag, char **last_modified, ld_error *err);

/* Sets meta.built_at, syncs the file and rename()s it over dest_path.
 * Frees the builder whatever the result; on failure the old database is
 * left intact and the temporary file removed. */
int ld_vulndb_builder_commit(ld_vulndb_builder *b, ld_error *err);

/* Discards the temporary file and frees the builder. NULL is a no-op. */
void ld_vulndb_builder_abort(ld_vulndb_builder *b);

#endif
