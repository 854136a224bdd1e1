/* Internal interface between the database builder (db_build.c) and the feed
 * importers (import_osv.c, import_debian.c, import_alpine.c); db_update.c
 * borrows ldb_read_file for its config file. Not for the matcher or the CLI:
 * they use src/vuln/db.h and src/vuln/db_update.h only. */
#ifndef LD_VULN_DB_INTERNAL_H
#define LD_VULN_DB_INTERNAL_H

#include <signal.h>
#include <stdint.h>

#include "vuln/db.h"

/* One advisory as importers hand it to the builder. NULL strings are stored
 * as NULL. The CVSS scores are computed by the builder from the vectors. */
typedef struct {
    const char *id;
    const char *summary;
    const char *details;
    const char *severity;
    const char *cvss3_vector;
    const char *cvss4_vector;
    const char *published;
    const char *modified;
    const char *withdrawn;
} ldb_advisory;

/* The limits of the builder (never NULL). */
const ld_vulndb_limits *ldb_limits(ld_vulndb_builder *b);

/* Names the source being imported if the caller did not (first call wins)
 * and deletes that source's previous rows. Must be called before the first
 * ldb_advisory_add(). kind: "osv", "debian", "alpine". */
int ldb_source_begin(ld_vulndb_builder *b, const char *name, const char *kind, ld_error *err);

/* Adds an advisory of the current source. When an advisory of the same id
 * was already added by this import, sets *rowid to it and returns 1 (nothing
 * inserted); else inserts, sets *rowid and returns 0. Negative: error. */
int ldb_advisory_add(ld_vulndb_builder *b, const ldb_advisory *a, int64_t *rowid, ld_error *err);
int ldb_alias_add(ld_vulndb_builder *b, int64_t adv, const char *alias, ld_error *err);
int ldb_ref_add(ld_vulndb_builder *b, int64_t adv, const char *type, const char *url,
                ld_error *err);
/* package is normalised for PyPI (PEP 503) by the builder. */
int ldb_affected_add(ld_vulndb_builder *b, int64_t adv, const char *ecosystem, const char *package,
                     const char *purl, ld_fix_status st, const char *severity, int64_t *rowid,
                     ld_error *err);
int ldb_range_add(ld_vulndb_builder *b, int64_t affected, ld_range_type type, int64_t *rowid,
                  ld_error *err);
int ldb_event_add(ld_vulndb_builder *b, int64_t range, int seq, ld_event_kind kind,
                  const char *version, ld_error *err);
int ldb_version_add(ld_vulndb_builder *b, int64_t affected, const char *version, ld_error *err);

/* Starts an import transaction by hand (ld_vulndb_builder_import does this
 * itself); ldb_import_rollback() undoes it and forgets the source name, so
 * one builder can take many independent imports (fuzz targets). */
int ldb_import_begin(ld_vulndb_builder *b, ld_error *err);
void ldb_import_rollback(ld_vulndb_builder *b);

/* PEP 503 normalisation of a PyPI name into a new string (caller frees). */
char *ldb_pypi_normalise(const char *name);

/* Importers. Each reads one feed into the current builder transaction and
 * counts advisories in *records. Errors name the file and record. */
int ld_import_osv_zip(ld_vulndb_builder *b, const char *path, const char *name, long long *records,
                      ld_error *err);
int ld_import_osv_dir(ld_vulndb_builder *b, const char *path, const char *name, long long *records,
                      ld_error *err);
/* A single OSV JSON file: one record or an array of records. */
int ld_import_osv_file(ld_vulndb_builder *b, const char *path, const char *name, long long *records,
                       ld_error *err);
/* One OSV record (or array) from memory; where names it in errors. */
int ld_import_osv_buffer(ld_vulndb_builder *b, const char *buf, size_t len, const char *where,
                         const char *name, long long *records, ld_error *err);
int ld_import_debian_file(ld_vulndb_builder *b, const char *path, const char *name,
                          long long *records, ld_error *err);
int ld_import_debian_buffer(ld_vulndb_builder *b, const char *buf, size_t len, const char *where,
                            const char *name, long long *records, ld_error *err);
int ld_import_alpine_file(ld_vulndb_builder *b, const char *path, const char *name,
                          long long *records, ld_error *err);
int ld_import_alpine_buffer(ld_vulndb_builder *b, const char *buf, size_t len, const char *where,
                            const char *name, long long *records, ld_error *err);

/* Reads a whole regular file of at most max bytes into a new
 * NUL-terminated buffer (caller frees): util/input_file.h's ld_input_read,
 * so a FIFO or a device is refused, never waited on. LD_ERR_LIMIT past max. */
int ldb_read_file(const char *path, size_t max, char **out, size_t *len, ld_error *err);

/* Interruption (db_update.c): once *cancel is non-zero, the builder's
 * SQLite statements fail with "interrupted" at their next check (every few
 * thousand steps), so the import in progress fails and the caller aborts
 * the builder, which removes its temporary file. cancel may be NULL. */
void ldb_builder_set_cancel(ld_vulndb_builder *b, const volatile sig_atomic_t *cancel);

/* The file the builder will replace: the path it was given, or that
 * path's target when it was a symbolic link to a database. NULL for an
 * in-memory builder. */
const char *ldb_builder_dest(const ld_vulndb_builder *b);

/* Stale leftovers of interrupted builds are removed after this long. */
#define LDB_STALE_SECONDS (60 * 60)

/* Removes what killed runs left beside dest: DEST.tmp-XXXXXX files and
 * DEST.dl-XXXXXX directories (of regular files), matching those names
 * exactly, owned by this user, unmodified for LDB_STALE_SECONDS and not
 * locked by a running build (flock). Returns how many were removed. */
int ldb_remove_stale(const char *dest);

#endif
