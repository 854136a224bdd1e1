/* Orchestration of `db update` / `db import` (contract: db_update.h):
 * source configuration, download directory, one builder per run, the
 * all-or-nothing swap. Reports progress to the caller's callback. */
#include "vuln/db_update.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#include "util/input_file.h"
#include "util/mem.h"
#include "util/url_redact.h"
#include "util/yaml_doc.h"
#include "vuln/db_internal.h"
#include "vuln/fetch.h"

#define CONFIG_MAX_BYTES (1u << 20)
#define SOURCE_NAME_MAX 64

static const char *const default_sources[] = {
    "osv-debian=https://osv-vulnerabilities.storage.googleapis.com/Debian/all.zip",
    "osv-alpine=https://osv-vulnerabilities.storage.googleapis.com/Alpine/all.zip",
    "osv-ubuntu=https://osv-vulnerabilities.storage.googleapis.com/Ubuntu/all.zip",
    "osv-pypi=https://osv-vulnerabilities.storage.googleapis.com/PyPI/all.zip",
    "osv-npm=https://osv-vulnerabilities.storage.googleapis.com/npm/all.zip",
    "osv-go=https://osv-vulnerabilities.storage.googleapis.com/Go/all.zip",
    "osv-crates.io=https://osv-vulnerabilities.storage.googleapis.com/crates.io/all.zip",
    "osv-maven=https://osv-vulnerabilities.storage.googleapis.com/Maven/all.zip",
    "osv-rubygems=https://osv-vulnerabilities.storage.googleapis.com/RubyGems/all.zip",
    "osv-packagist=https://osv-vulnerabilities.storage.googleapis.com/Packagist/all.zip",
    "osv-nuget=https://osv-vulnerabilities.storage.googleapis.com/NuGet/all.zip",
    "debian-tracker=https://security-tracker.debian.org/tracker/data/json",
    "alpine-v3.18-main=https://secdb.alpinelinux.org/v3.18/main.json",
    "alpine-v3.18-community=https://secdb.alpinelinux.org/v3.18/community.json",
    "alpine-v3.19-main=https://secdb.alpinelinux.org/v3.19/main.json",
    "alpine-v3.19-community=https://secdb.alpinelinux.org/v3.19/community.json",
    "alpine-v3.20-main=https://secdb.alpinelinux.org/v3.20/main.json",
    "alpine-v3.20-community=https://secdb.alpinelinux.org/v3.20/community.json",
};

void ld_db_default_sources(ld_strlist *out)
{
    for (size_t i = 0; i < sizeof default_sources / sizeof default_sources[0]; i++)
        ld_strlist_push(out, default_sources[i]);
}

int ld_db_source_check(const char *spec, ld_error *err)
{
    const char *eq = strchr(spec, '=');
    size_t n = eq ? (size_t)(eq - spec) : 0;
    bool ok = eq && n > 0 && n <= SOURCE_NAME_MAX && spec[0] != '.' && eq[1] != '\0';
    for (size_t i = 0; ok && i < n; i++)
        ok = isalnum((unsigned char)spec[i]) || spec[i] == '.' || spec[i] == '-' || spec[i] == '_';
    if (!ok) {
        char *shown = ld_url_redact(spec); /* the entry may hold credentials */
        int rc = ld_error_set(err, LD_ERR_INVALID,
                              "source \"%s\": expected NAME=URL (NAME: up to %d letters, digits, "
                              "'.', '-', '_', not starting with '.')",
                              shown, SOURCE_NAME_MAX);
        free(shown);
        return rc;
    }
    return 0;
}

/* Appends NAME=URL entries of s (separated by blanks or commas). */
static void split_sources(ld_strlist *l, const char *s)
{
    char *copy = ld_xstrdup(s), *save = NULL;
    for (char *t = strtok_r(copy, " \t\n,", &save); t; t = strtok_r(NULL, " \t\n,", &save))
        ld_strlist_push(l, t);
    free(copy);
}

static int load_config(const char *path, ld_strlist *out, ld_error *err)
{
    char *buf = NULL;
    size_t len = 0;
    int rc = ld_input_read(path, "source configuration", CONFIG_MAX_BYTES, &buf, &len, err);
    if (rc < 0)
        return rc;
    ld_yaml_node *root = ld_yaml_parse(path, buf, len, NULL, err);
    free(buf);
    if (!root)
        return err->code < 0 ? err->code : LD_ERR_INVALID;
    const ld_yaml_node *list = ld_yaml_get(root, "sources");
    if (!list || list->kind != LD_YAML_SEQ) {
        ld_yaml_free(root);
        return ld_error_set(err, LD_ERR_INVALID, "%s: expected a 'sources:' list", path);
    }
    for (size_t i = 0; i < list->n; i++) {
        const ld_yaml_node *it = list->items[i];
        const char *s = ld_yaml_str(it);
        if (s && strchr(s, '=')) {
            ld_strlist_push(out, s);
            continue;
        }
        const char *name = ld_yaml_str(ld_yaml_get(it, "name"));
        const char *url = ld_yaml_str(ld_yaml_get(it, "url"));
        if (!name || !url || !*name) {
            rc = ld_error_set(err, LD_ERR_INVALID,
                              "%s: line %d: a source is NAME=URL or {name: NAME, url: URL}", path,
                              it->line);
            break;
        }
        ld_strlist_push_owned(out, ld_xasprintf("%s=%s", name, url));
    }
    ld_yaml_free(root);
    return rc;
}

int ld_db_sources_resolve(const ld_strlist *given, const char *config_file, const char *env_list,
                          ld_strlist *out, ld_error *err)
{
    int rc = 0;
    const char *origin = NULL;
    if (given && given->n) {
        for (size_t i = 0; i < given->n; i++)
            ld_strlist_push(out, given->v[i]);
        origin = "--source";
    } else if (config_file) {
        rc = load_config(config_file, out, err);
        origin = config_file;
    } else if (env_list && *env_list) {
        split_sources(out, env_list);
        origin = "$LOCKDOWN_DB_SOURCES";
    } else {
        ld_db_default_sources(out);
    }
    if (rc == 0 && out->n == 0)
        rc = ld_error_set(err, LD_ERR_INVALID, "%s: no sources listed", origin);
    for (size_t i = 0; rc == 0 && i < out->n; i++)
        if ((rc = ld_db_source_check(out->v[i], err)) < 0 && origin)
            ld_error_wrap(err, "%s", origin);
    if (rc < 0)
        ld_strlist_clear(out);
    return rc;
}

/* Whether the caller asked to stop (a signal handler set the flag). */
static bool cancelled(const volatile sig_atomic_t *cancel)
{
    return cancel && *cancel;
}

static void emit(ld_db_progress_cb cb, void *ctx, const ld_db_event *ev)
{
    if (cb)
        cb(ev, ctx);
}

/* ---- update ------------------------------------------------------------- */

typedef struct {
    const ld_db_update_options *o;
    const char *source, *url;
} download_ctx;

static int on_download(const char *label, unsigned long long now, unsigned long long total,
                       void *vctx)
{
    (void)label;
    const download_ctx *d = vctx;
    if (d->o->download_progress) {
        ld_db_event ev = {.kind = LD_DB_EVENT_DOWNLOAD,
                          .source = d->source,
                          .url = d->url,
                          .bytes = now,
                          .total = total};
        emit(d->o->progress, d->o->progress_ctx, &ev);
    }
    return cancelled(d->o->cancel); /* non-zero: libcurl stops the transfer */
}

/* Fetches one NAME=URL source into dir and imports it into b. *records
 * gets the advisories imported (-1 when the server said 304). */
static int update_one(ld_vulndb_builder *b, const ld_db_update_options *o, const char *spec,
                      const char *dir, long long *records, ld_error *err)
{
    const char *eq = strchr(spec, '=');
    char *name = ld_xstrndup(spec, (size_t)(eq - spec));
    const char *url = eq + 1;         /* for the request only */
    char *shown = ld_url_redact(url); /* what is stored and shown: no credentials */
    char *etag = NULL, *last_modified = NULL;
    ld_error absent = LD_ERROR_INIT; /* a new source (or a new URL) has nothing recorded */
    ld_vulndb_builder_source_validators(b, name, shown, &etag, &last_modified, &absent);
    char *file = ld_xasprintf("%s/%s", dir, name);
    download_ctx dctx = {.o = o, .source = name, .url = shown};
    ld_fetch_request req = {.url = url,
                            .cacert = o->cacert,
                            .etag = etag,
                            .last_modified = last_modified,
                            .max_bytes = o->max_bytes,
                            .timeout_s = o->timeout_s,
                            .connect_timeout_s = o->connect_timeout_s,
                            .low_speed_bytes = o->low_speed_bytes,
                            .low_speed_s = o->low_speed_s,
                            /* also the check point for o->cancel during a download */
                            .progress = o->download_progress || o->cancel ? on_download : NULL,
                            .progress_ctx = &dctx,
                            .label = name};
    ld_fetch_result res;
    time_t now = time(NULL);
    *records = 0;
    int rc = ld_fetch_to_file(&req, file, &res, err);
    if (res.note) {
        char *line = ld_xasprintf("source %s (%s): %s", name, shown, res.note);
        ld_db_event ev = {.kind = LD_DB_EVENT_NOTE, .source = name, .url = shown, .note = line};
        emit(o->progress, o->progress_ctx, &ev);
        free(line);
    }
    if (rc == 0 && res.not_modified) {
        rc = ld_vulndb_builder_touch_source(b, name, now, err);
        *records = -1;
        if (rc == 0) {
            ld_db_event ev = {.kind = LD_DB_EVENT_UNCHANGED, .source = name, .url = shown};
            emit(o->progress, o->progress_ctx, &ev);
        }
    } else if (rc == 0) {
        ld_feed_meta meta = {.name = name,
                             .url = shown,
                             .etag = res.etag,
                             .last_modified = res.last_modified,
                             .fetched_at = now};
        rc = ld_vulndb_builder_import(b, file, LD_FEED_AUTO, &meta, records, err);
        if (rc == 0) {
            ld_db_event ev = {.kind = LD_DB_EVENT_IMPORTED,
                              .source = name,
                              .url = shown,
                              .records = *records,
                              .bytes = res.bytes};
            emit(o->progress, o->progress_ctx, &ev);
        }
    }
    if (rc < 0)
        ld_error_wrap(err, "source %s (%s)", name, shown);
    unlink(file);
    ld_fetch_result_free(&res);
    free(file);
    free(etag);
    free(last_modified);
    free(shown);
    free(name);
    return rc;
}

int ld_db_update(const ld_db_update_options *o, ld_error *err)
{
    if (!o->sources || o->sources->n == 0)
        return ld_error_set(err, LD_ERR_INVALID, "no sources to update from");
    for (size_t i = 0; i < o->sources->n; i++) {
        int rc = ld_db_source_check(o->sources->v[i], err);
        if (rc < 0)
            return rc;
    }
    if (o->cacert) {
        /* libcurl reads it with a blocking open: a FIFO there would hang */
        int fd = ld_input_open(o->cacert, "CA bundle", NULL, err);
        if (fd < 0)
            return fd;
        close(fd);
    }
    ld_vulndb_builder *b = ld_vulndb_builder_new(o->db_path, true, o->limits, err);
    if (!b)
        return err->code < 0 ? err->code : LD_ERR_GENERIC;
    ldb_builder_set_cancel(b, o->cancel);
    int rc = 0;
    /* beside the file the builder replaces (a link's target), where
     * ldb_remove_stale() looks for what a killed run left */
    char *dir = ld_xasprintf("%s.dl-XXXXXX", ldb_builder_dest(b));
    bool have_dir = mkdtemp(dir) != NULL;
    int dir_lock = -1; /* held while the directory is in use: not stale */
    if (!have_dir)
        rc = ld_error_set_errno(err, LD_ERR_GENERIC, errno, "cannot create %s", dir);
    else if ((dir_lock = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) >= 0)
        flock(dir_lock, LOCK_EX | LOCK_NB);
    long long imported = 0;
    size_t unchanged = 0;
    for (size_t i = 0; rc == 0 && i < o->sources->n; i++) {
        long long n = 0;
        if (cancelled(o->cancel)) {
            rc = ld_error_set(err, LD_ERR_GENERIC, "interrupted");
            break;
        }
        rc = update_one(b, o, o->sources->v[i], dir, &n, err);
        if (rc == 0 && n < 0)
            unchanged++;
        else if (rc == 0)
            imported += n;
    }
    if (rc == 0 && imported == 0 && unchanged == 0)
        rc = ld_error_set(err, LD_ERR_NOT_FOUND,
                          "the %zu source%s held no advisories: nothing to import", o->sources->n,
                          o->sources->n == 1 ? "" : "s");
    if (rc == 0 && cancelled(o->cancel))
        rc = ld_error_set(err, LD_ERR_GENERIC, "interrupted");
    if (rc == 0) {
        rc = ld_vulndb_builder_commit(b, err); /* frees b */
    } else {
        ld_vulndb_builder_abort(b);
        ld_error_wrap(err, "update failed, database %s left unchanged", o->db_path);
    }
    if (have_dir)
        rmdir(dir);
    if (dir_lock >= 0)
        close(dir_lock);
    free(dir);
    return rc;
}

/* ---- import ------------------------------------------------------------- */

int ld_db_import(const ld_db_import_options *o, ld_error *err)
{
    if (o->n_paths == 0)
        return ld_error_set(err, LD_ERR_INVALID, "no feed PATH to import");
    if (o->name && o->n_paths > 1)
        return ld_error_set(err, LD_ERR_INVALID, "a source name needs exactly one PATH");
    ld_vulndb_builder *b = ld_vulndb_builder_new(o->db_path, !o->replace, o->limits, err);
    if (!b)
        return err->code < 0 ? err->code : LD_ERR_GENERIC;
    ldb_builder_set_cancel(b, o->cancel);
    for (size_t i = 0; i < o->n_paths; i++) {
        const char *path = o->paths[i];
        long long n = 0;
        ld_feed_meta meta = {.name = o->name};
        int rc = cancelled(o->cancel) ? ld_error_set(err, LD_ERR_GENERIC, "interrupted")
                                      : ld_vulndb_builder_import(b, path, o->type, &meta, &n, err);
        if (rc == 0 && n == 0)
            rc = ld_error_set(err, LD_ERR_NOT_FOUND,
                              "no advisories found (an empty directory or feed): nothing to "
                              "import");
        if (rc < 0) {
            ld_vulndb_builder_abort(b);
            ld_error_wrap(err, "importing %s (database %s left unchanged)", path, o->db_path);
            return rc;
        }
        ld_db_event ev = {.kind = LD_DB_EVENT_IMPORTED, .source = path, .records = n};
        emit(o->progress, o->progress_ctx, &ev);
    }
    if (cancelled(o->cancel)) {
        ld_vulndb_builder_abort(b);
        ld_error_set(err, LD_ERR_GENERIC, "interrupted");
        return ld_error_wrap(err, "database %s left unchanged", o->db_path);
    }
    return ld_vulndb_builder_commit(b, err);
}
