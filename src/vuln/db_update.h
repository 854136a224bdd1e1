/* `lockdown db update` and `lockdown db import` as library calls: which
 * feeds to fetch (the --source list, a YAML file, an environment list, the
 * upstream defaults), downloading each over HTTPS (fetch.h) into a private
 * directory beside the database, importing it into a new database built
 * beside the old one (db.h builder) and swapping that in only when every
 * feed succeeded. What happens is reported to a callback; nothing here
 * prints or exits.
 *
 * Not the builder or the feed importers (db_build.c, import_*.c) and not
 * the HTTP client (fetch.c). */
#ifndef LD_VULN_DB_UPDATE_H
#define LD_VULN_DB_UPDATE_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>

#include "core/error.h"
#include "util/strlist.h"
#include "vuln/db.h"

/* Appends the upstream feeds (NAME=URL: OSV all.zip per ecosystem, the
 * Debian security tracker, Alpine secdb v3.18-v3.20) to out. */
void ld_db_default_sources(ld_strlist *out);

/* Checks one NAME=URL source entry: NAME of letters, digits, '.', '-', '_'
 * (at most 64, not starting with '.'; it is also a file name in the
 * download directory) and a non-empty URL. Returns 0 or LD_ERR_INVALID
 * with a message naming the entry. */
int ld_db_source_check(const char *spec, ld_error *err);

/* The sources of an update, in order of precedence: given (--source) when
 * not empty; else the 'sources:' list of config_file (YAML: NAME=URL
 * strings or {name: NAME, url: URL} maps) when not NULL; else env_list
 * (NAME=URL entries separated by blanks or commas; the CLI passes
 * $LOCKDOWN_DB_SOURCES) when not empty; else ld_db_default_sources().
 * Every entry is checked (ld_db_source_check). Appends copies to out.
 * Returns 0, or a negative ld_errcode with err naming the file, line or
 * entry (out is then cleared). */
int ld_db_sources_resolve(const ld_strlist *given, const char *config_file, const char *env_list,
                          ld_strlist *out, ld_error *err);

typedef enum {
    LD_DB_EVENT_DOWNLOAD,  /* a download is under way: bytes so far, total (0: unknown) */
    LD_DB_EVENT_UNCHANGED, /* HTTP 304: the source's rows are kept as they were */
    LD_DB_EVENT_IMPORTED,  /* a source (update) or a PATH (import) is in the new database */
    LD_DB_EVENT_NOTE,      /* something the user should know (a refused header): note */
} ld_db_event_kind;

typedef struct {
    ld_db_event_kind kind;
    const char *source;       /* source name (update) or PATH (import) */
    const char *url;          /* update: the URL, credentials removed (ld_url_redact) */
    long long records;        /* IMPORTED: advisories imported */
    unsigned long long bytes; /* DOWNLOAD: received so far; IMPORTED (update): downloaded */
    unsigned long long total; /* DOWNLOAD: announced size, 0 when unknown */
    const char *note;         /* NOTE: one line, outside text in it (print it escaped) */
} ld_db_event;

/* What the caller is told; it may print. Strings are valid during the call. */
typedef void (*ld_db_progress_cb)(const ld_db_event *ev, void *ctx);

typedef struct {
    const char *db_path;            /* the database to replace (ld_vulndb_default_path()) */
    const ld_strlist *sources;      /* NAME=URL entries (ld_db_sources_resolve) */
    const char *cacert;             /* CA bundle for the servers; NULL: the system store */
    long timeout_s;                 /* per download; 0: 1800 */
    long connect_timeout_s;         /* per connection; 0: 30 */
    long low_speed_bytes;           /* give up below this rate...; 0: 1024; < 0: never */
    long low_speed_s;               /* ...sustained this long; 0: 30 (vuln/fetch.h) */
    unsigned long long max_bytes;   /* per download; 0: 2 GiB */
    const ld_vulndb_limits *limits; /* import limits; NULL: ld_vulndb_limits_default() */
    bool download_progress;         /* send LD_DB_EVENT_DOWNLOAD events (costs a little) */
    ld_db_progress_cb progress;     /* NULL: no events */
    void *progress_ctx;
    /* Set (by a signal handler) to stop: the download or import under way
     * fails at its next check point (within about a second), the temporary
     * database and download directory are removed and the error says
     * "interrupted". NULL: not interruptible. */
    const volatile sig_atomic_t *cancel;
} ld_db_update_options;

/* Downloads every source (conditional requests with the ETag and
 * Last-Modified the database recorded for the same URL: a 304 keeps that
 * source's rows; a source whose URL changed is fetched unconditionally) and
 * builds the new database beside db_path, the sources already in it kept.
 * The new file replaces db_path only when every source succeeded; else
 * db_path is left as it was and the error says so ("update failed,
 * database PATH left unchanged: source NAME (URL): ..."). An update that
 * imported no advisory at all and kept no source unchanged is an error too
 * (LD_ERR_NOT_FOUND): nothing was imported. The temporary download
 * directory (db_path.dl-XXXXXX) is removed in every case. Credentials in a
 * URL (userinfo, secret query values) are used for its request only: the
 * database, the events and the messages get the URL without them
 * (util/url_redact.h). Returns 0 or a negative ld_errcode. */
int ld_db_update(const ld_db_update_options *o, ld_error *err);

typedef struct {
    const char *db_path;      /* the database to build or extend */
    const char *const *paths; /* feed files or directories */
    size_t n_paths;
    ld_feed_type type;              /* LD_FEED_AUTO: detected per PATH */
    const char *name;               /* source name (only with one PATH); NULL: from the feed */
    bool replace;                   /* start empty instead of keeping existing sources */
    const ld_vulndb_limits *limits; /* NULL: ld_vulndb_limits_default() */
    ld_db_progress_cb progress;     /* NULL: no events */
    void *progress_ctx;
    const volatile sig_atomic_t *cancel; /* as in ld_db_update_options */
} ld_db_import_options;

/* Before building, both refuse a db_path that is not a lockdown database
 * (a text file, a device such as /dev/null, a FIFO, a dangling symbolic
 * link: "refusing to replace PATH: not a lockdown database"; a missing or
 * empty file is fine, a link to a database is followed) and remove the
 * leftovers of runs killed earlier (ldb_remove_stale in db_internal.h).
 *
 * Imports every PATH into a new database built beside db_path and swaps it
 * in when all succeeded. A PATH that yields no advisory at all (an empty
 * directory, an empty array or tracker) is an error (LD_ERR_NOT_FOUND,
 * "importing PATH (database DB left unchanged): no advisories found ..."),
 * as is a malformed one;
 * either way db_path is left as it was and the message names the PATH (and
 * the record). Returns 0 or a negative ld_errcode. */
int ld_db_import(const ld_db_import_options *o, ld_error *err);

#endif
