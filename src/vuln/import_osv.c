/* OSV importer (https://ossf.github.io/osv-schema/): records from a
 * per-ecosystem all.zip (read in place with libarchive, no extraction), a
 * directory of .json files, or one JSON file (a record or an array), into
 * the builder's current transaction. Every size is capped (record bytes,
 * zip entries, total uncompressed bytes) and checked while inflating, so a
 * zip of deflate bombs stops early: an entry that declares or inflates to
 * more than the record limit, or a zip that inflates to more than
 * OSV_ZIP_MAX_RATIO times what was read of it (past a small allowance), is
 * an error before the bombs cost CPU. Malformed records are errors that
 * name the file and record. A leading UTF-8 BOM is skipped. Not a
 * validator of the whole schema: unknown fields are ignored. */
#include <archive.h>
#include <archive_entry.h>
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/input_file.h"
#include "util/mem.h"
#include "util/text_bom.h"
#include "vuln/db_internal.h"

#define OSV_MAX_DIR_DEPTH 16
/* JSON records deflate about 5 to 20 to 1, deflate itself at most about
 * 1032 to 1 (runs of one byte: a bomb). A zip whose entries inflate to
 * more than this many times the compressed bytes read so far, once past
 * OSV_ZIP_RATIO_ALLOWANCE, is refused as a decompression bomb: a wide
 * margin for real feeds, and a bomb stops after ~64 MiB of inflating
 * instead of the 8 GiB total cap. */
#define OSV_ZIP_MAX_RATIO 100ULL
#define OSV_ZIP_RATIO_ALLOWANCE (64ULL << 20)
#define OSV_ZIP_READ_BLOCK (64 * 1024)

typedef struct {
    ld_vulndb_builder *b;
    const char *name; /* source name given by the caller, or NULL */
    long long records;
} osv_ctx;

static const char *opt_str(json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

/* "osv-npm", "osv-debian", "osv-crates.io" from the first record. */
static char *source_name_for(json_t *rec)
{
    json_t *aff = json_object_get(rec, "affected");
    json_t *first = json_is_array(aff) ? json_array_get(aff, 0) : NULL;
    const char *eco = first ? opt_str(json_object_get(first, "package"), "ecosystem") : NULL;
    if (!eco || !*eco)
        return ld_xstrdup("osv");
    size_t n = strcspn(eco, ":");
    char *s = ld_xasprintf("osv-%.*s", (int)n, eco);
    for (char *p = s; *p; p++) {
        *p = (char)tolower((unsigned char)*p);
        if (*p == ' ')
            *p = '-';
    }
    return s;
}

static int bad(ld_error *err, const char *where, const char *id, const char *what)
{
    return ld_error_set(err, LD_ERR_CORRUPT, "%s: record %s: %s", where, id ? id : "(no id)", what);
}

static int import_affected(osv_ctx *c, json_t *aff, int64_t adv, const char *where, const char *id,
                           ld_error *err)
{
    if (!json_is_object(aff))
        return bad(err, where, id, "affected entry is not an object");
    json_t *pkg = json_object_get(aff, "package");
    const char *eco = opt_str(pkg, "ecosystem"), *name = opt_str(pkg, "name");
    if (!eco || !name || !*eco || !*name)
        return 0; /* e.g. GIT-only entries: nothing to match by package */
    json_t *ranges = json_object_get(aff, "ranges");
    json_t *versions = json_object_get(aff, "versions");
    if (ranges && !json_is_array(ranges))
        return bad(err, where, id, "affected.ranges is not an array");
    if (versions && !json_is_array(versions))
        return bad(err, where, id, "affected.versions is not an array");
    /* fix status: fixed when a range has a fixed event */
    ld_fix_status fs = LD_FIX_NOT_FIXED;
    size_t i, j;
    json_t *r, *e;
    json_array_foreach(ranges, i, r)
    {
        json_t *evs = json_object_get(r, "events");
        json_array_foreach(evs, j, e) if (json_object_get(e, "fixed")) fs = LD_FIX_FIXED;
    }
    const char *sev = opt_str(json_object_get(aff, "ecosystem_specific"), "severity");
    if (!sev)
        sev = opt_str(json_object_get(aff, "database_specific"), "severity");
    int64_t affid;
    int rc = ldb_affected_add(c->b, adv, eco, name, opt_str(pkg, "purl"), fs, sev, &affid, err);
    if (rc < 0)
        return rc;
    json_array_foreach(ranges, i, r)
    {
        if (!json_is_object(r))
            return bad(err, where, id, "range is not an object");
        const char *type = opt_str(r, "type");
        ld_range_type t;
        if (!type)
            return bad(err, where, id, "range without a type");
        if (strcmp(type, "ECOSYSTEM") == 0)
            t = LD_RANGE_ECOSYSTEM;
        else if (strcmp(type, "SEMVER") == 0)
            t = LD_RANGE_SEMVER;
        else if (strcmp(type, "GIT") == 0)
            t = LD_RANGE_GIT;
        else
            continue; /* unknown range type: skipped */
        json_t *evs = json_object_get(r, "events");
        if (!json_is_array(evs))
            return bad(err, where, id, "range without an events array");
        int64_t rid;
        if ((rc = ldb_range_add(c->b, affid, t, &rid, err)) < 0)
            return rc;
        int seq = 0;
        json_array_foreach(evs, j, e)
        {
            if (!json_is_object(e) || json_object_size(e) < 1)
                return bad(err, where, id, "range event is not an object");
            static const char *const kinds[] = {"introduced", "fixed", "last_affected", "limit"};
            bool found = false;
            for (int k = 0; k < 4; k++) {
                json_t *v = json_object_get(e, kinds[k]);
                if (!v)
                    continue;
                if (!json_is_string(v))
                    return bad(err, where, id, "range event version is not a string");
                if ((rc = ldb_event_add(c->b, rid, seq++, (ld_event_kind)k, json_string_value(v),
                                        err)) < 0)
                    return rc;
                found = true;
            }
            if (!found)
                return bad(err, where, id,
                           "range event without introduced/fixed/last_affected/limit");
        }
    }
    json_array_foreach(versions, i, e)
    {
        if (!json_is_string(e))
            return bad(err, where, id, "affected version is not a string");
        if ((rc = ldb_version_add(c->b, affid, json_string_value(e), err)) < 0)
            return rc;
    }
    return 0;
}

static int import_record(osv_ctx *c, json_t *rec, const char *where, ld_error *err)
{
    if (!json_is_object(rec))
        return ld_error_set(err, LD_ERR_CORRUPT, "%s: OSV record is not a JSON object", where);
    const char *id = opt_str(rec, "id");
    if (!id || !*id || strlen(id) > 256)
        return bad(err, where, NULL, "missing or invalid \"id\"");
    if (!c->name) {
        char *nm = source_name_for(rec);
        int rc = ldb_source_begin(c->b, nm, "osv", err);
        free(nm);
        if (rc < 0)
            return rc;
    } else if (ldb_source_begin(c->b, c->name, "osv", err) < 0)
        return LD_ERR_GENERIC;
    ldb_advisory a = {.id = id,
                      .summary = opt_str(rec, "summary"),
                      .details = opt_str(rec, "details"),
                      .published = opt_str(rec, "published"),
                      .modified = opt_str(rec, "modified"),
                      .withdrawn = opt_str(rec, "withdrawn")};
    a.severity = opt_str(json_object_get(rec, "database_specific"), "severity");
    json_t *sev = json_object_get(rec, "severity");
    size_t i;
    json_t *v;
    if (sev && !json_is_array(sev))
        return bad(err, where, id, "\"severity\" is not an array");
    json_array_foreach(sev, i, v)
    {
        const char *type = opt_str(v, "type"), *score = opt_str(v, "score");
        if (!type || !score)
            continue;
        if (strcmp(type, "CVSS_V3") == 0)
            a.cvss3_vector = score;
        else if (strcmp(type, "CVSS_V4") == 0)
            a.cvss4_vector = score;
        else if (strcmp(type, "Ubuntu") == 0 && !a.severity)
            a.severity = score;
    }
    json_t *aliases = json_object_get(rec, "aliases"), *refs = json_object_get(rec, "references"),
           *aff = json_object_get(rec, "affected");
    if ((aliases && !json_is_array(aliases) && !json_is_null(aliases)) ||
        (refs && !json_is_array(refs) && !json_is_null(refs)) ||
        (aff && !json_is_array(aff) && !json_is_null(aff)))
        return bad(err, where, id, "aliases/references/affected is not an array");
    int64_t adv;
    int rc = ldb_advisory_add(c->b, &a, &adv, err);
    if (rc < 0)
        return ld_error_wrap(err, "%s", where);
    if (rc == 1)
        return 0; /* duplicate id: the first record wins */
    c->records++;
    json_array_foreach(aliases, i, v) if (json_is_string(v) &&
                                          (rc = ldb_alias_add(c->b, adv, json_string_value(v),
                                                              err)) < 0) return rc;
    json_array_foreach(refs, i, v)
    {
        const char *url = opt_str(v, "url");
        if (url && (rc = ldb_ref_add(c->b, adv, opt_str(v, "type"), url, err)) < 0)
            return rc;
    }
    json_array_foreach(aff, i,
                       v) if ((rc = import_affected(c, v, adv, where, id, err)) < 0) return rc;
    return 0;
}

static int import_buf(osv_ctx *c, const char *buf, size_t len, const char *where, ld_error *err)
{
    ld_skip_utf8_bom(&buf, &len);
    if (len > ldb_limits(c->b)->max_record_bytes)
        return ld_error_set(err, LD_ERR_LIMIT, "%s: %zu bytes, more than the record limit of %zu",
                            where, len, ldb_limits(c->b)->max_record_bytes);
    json_error_t je;
    json_t *root = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &je);
    if (!root)
        return ld_error_set(err, LD_ERR_CORRUPT, "%s: invalid JSON at line %d: %s", where, je.line,
                            je.text);
    int rc = 0;
    if (json_is_array(root)) {
        size_t i;
        json_t *v;
        json_array_foreach(root, i, v) if ((rc = import_record(c, v, where, err)) < 0) break;
    } else
        rc = import_record(c, root, where, err);
    json_decref(root);
    return rc;
}

int ld_import_osv_buffer(ld_vulndb_builder *b, const char *buf, size_t len, const char *where,
                         const char *name, long long *records, ld_error *err)
{
    osv_ctx c = {b, name, 0};
    int rc = import_buf(&c, buf, len, where, err);
    *records = c.records;
    return rc;
}

int ld_import_osv_file(ld_vulndb_builder *b, const char *path, const char *name, long long *records,
                       ld_error *err)
{
    char *buf = NULL;
    size_t len = 0;
    *records = 0;
    int rc = ldb_read_file(path, ldb_limits(b)->max_record_bytes, &buf, &len, err);
    if (rc < 0)
        return rc;
    rc = ld_import_osv_buffer(b, buf, len, path, name, records, err);
    free(buf);
    return rc;
}

static bool has_json_ext(const char *n)
{
    size_t l = strlen(n);
    return l > 5 && strcmp(n + l - 5, ".json") == 0;
}

/* The zip file as libarchive reads it, counting the compressed bytes it
 * pulls in: the denominator of the expansion ratio. */
typedef struct {
    int fd;
    unsigned long long read_in;
    char block[OSV_ZIP_READ_BLOCK];
} zip_source;

static la_ssize_t zip_read(struct archive *a, void *ud, const void **out)
{
    zip_source *z = ud;
    ssize_t n;
    do
        n = read(z->fd, z->block, sizeof(z->block));
    while (n < 0 && errno == EINTR);
    if (n < 0) {
        archive_set_error(a, errno, "read error");
        return -1;
    }
    z->read_in += (unsigned long long)n;
    *out = z->block;
    return n;
}

static la_int64_t zip_seek(struct archive *a, void *ud, la_int64_t offset, int whence)
{
    (void)a;
    zip_source *z = ud;
    off_t r = lseek(z->fd, (off_t)offset, whence);
    return r < 0 ? ARCHIVE_FATAL : (la_int64_t)r;
}

static la_int64_t zip_skip(struct archive *a, void *ud, la_int64_t request)
{
    (void)a;
    zip_source *z = ud;
    if (lseek(z->fd, (off_t)request, SEEK_CUR) < 0)
        return 0; /* libarchive then reads over it */
    return request;
}

/* Whether total inflated bytes are still plausible for what was read. */
static bool ratio_ok(const zip_source *z, unsigned long long total)
{
    return total <= OSV_ZIP_RATIO_ALLOWANCE || total / OSV_ZIP_MAX_RATIO <= z->read_in;
}

/* Reads the current entry (at most lim->max_record_bytes) into *buf. */
static int read_entry(struct archive *a, const zip_source *z, const ld_vulndb_limits *lim,
                      const char *path, const char *where, char **buf, size_t *cap, size_t *len,
                      unsigned long long *total, ld_error *err)
{
    size_t n = 0;
    for (;;) {
        if (n == *cap) {
            if (*cap > lim->max_record_bytes)
                return ld_error_set(err, LD_ERR_LIMIT,
                                    "%s: entry larger than the record limit of %zu bytes", where,
                                    lim->max_record_bytes);
            *cap *= 2;
            *buf = ld_xrealloc(*buf, *cap);
        }
        /* never ask for more than one byte past the limit */
        size_t want = *cap - n;
        if (want > lim->max_record_bytes + 1 - n)
            want = lim->max_record_bytes + 1 - n;
        la_ssize_t got = archive_read_data(a, *buf + n, want);
        if (got < 0)
            return ld_error_set(err, LD_ERR_CORRUPT, "%s: %s", where, archive_error_string(a));
        if (got == 0)
            break;
        n += (size_t)got;
        *total += (unsigned long long)got;
        if (n > lim->max_record_bytes)
            return ld_error_set(err, LD_ERR_LIMIT,
                                "%s: entry larger than the record limit of %zu bytes", where,
                                lim->max_record_bytes);
        if (*total > lim->max_total_bytes)
            return ld_error_set(err, LD_ERR_LIMIT, "%s: more than %llu uncompressed bytes in total",
                                path, lim->max_total_bytes);
        if (!ratio_ok(z, *total))
            return ld_error_set(err, LD_ERR_LIMIT,
                                "%s: inflates to more than %llu times its compressed size (%llu "
                                "bytes from %llu read): a decompression bomb, refused",
                                path, OSV_ZIP_MAX_RATIO, *total, z->read_in);
    }
    *len = n;
    return 0;
}

/* Whether fd holds a zip of no entries: only the end-of-central-directory
 * record (22 bytes and its comment). libarchive's seekable reader does not
 * recognise one; it is a feed with no records, not an unknown format. */
static bool empty_zip(int fd)
{
    unsigned char eocd[22];
    struct stat st;
    if (fstat(fd, &st) != 0 || pread(fd, eocd, sizeof(eocd), 0) != (ssize_t)sizeof(eocd))
        return false;
    unsigned entries = eocd[10] | (unsigned)eocd[11] << 8;
    unsigned comment = eocd[20] | (unsigned)eocd[21] << 8;
    return memcmp(eocd, "PK\005\006", 4) == 0 && entries == 0 &&
           st.st_size == (off_t)(sizeof(eocd) + comment);
}

int ld_import_osv_zip(ld_vulndb_builder *b, const char *path, const char *name, long long *records,
                      ld_error *err)
{
    const ld_vulndb_limits *lim = ldb_limits(b);
    osv_ctx c = {b, name, 0};
    *records = 0;
    zip_source *z = ld_xcalloc(1, sizeof(*z));
    z->fd = ld_input_open(path, "feed", NULL, err);
    if (z->fd < 0 || empty_zip(z->fd)) {
        int rc = z->fd < 0 ? z->fd : 0;
        if (z->fd >= 0)
            close(z->fd);
        free(z);
        return rc;
    }
    struct archive *a = archive_read_new();
    /* seekable only: it needs the central directory, so a truncated zip is an error */
    archive_read_support_format_zip_seekable(a);
    archive_read_set_read_callback(a, zip_read);
    archive_read_set_seek_callback(a, zip_seek);
    archive_read_set_skip_callback(a, zip_skip);
    archive_read_set_callback_data(a, z);
    if (archive_read_open1(a) != ARCHIVE_OK) {
        int rc = ld_error_set(err, LD_ERR_CORRUPT, "%s: not a readable zip archive: %s", path,
                              archive_error_string(a));
        archive_read_free(a);
        close(z->fd);
        free(z);
        return rc;
    }
    size_t cap = 1 << 16, entries = 0;
    unsigned long long total = 0;
    char *buf = ld_xmalloc(cap);
    struct archive_entry *e;
    int rc = 0, r;
    while ((r = archive_read_next_header(a, &e)) == ARCHIVE_OK) {
        if (++entries > lim->max_zip_entries) {
            rc = ld_error_set(err, LD_ERR_LIMIT, "%s: more than %zu entries", path,
                              lim->max_zip_entries);
            break;
        }
        const char *ename = archive_entry_pathname(e);
        if (archive_entry_filetype(e) != AE_IFREG || !ename || !has_json_ext(ename))
            continue;
        char where[512];
        snprintf(where, sizeof(where), "%s:%s", path, ename);
        /* the central directory's size: refused before inflating a byte */
        if (archive_entry_size_is_set(e) &&
            (unsigned long long)archive_entry_size(e) > lim->max_record_bytes) {
            rc = ld_error_set(err, LD_ERR_LIMIT,
                              "%s: entry of %lld bytes, more than the record limit of %zu", where,
                              (long long)archive_entry_size(e), lim->max_record_bytes);
            break;
        }
        size_t n = 0;
        if ((rc = read_entry(a, z, lim, path, where, &buf, &cap, &n, &total, err)) < 0)
            break;
        if ((rc = import_buf(&c, buf, n, where, err)) < 0)
            break;
    }
    if (rc == 0 && r != ARCHIVE_EOF)
        rc = ld_error_set(err, LD_ERR_CORRUPT, "%s: corrupt zip archive: %s", path,
                          archive_error_string(a));
    free(buf);
    archive_read_free(a);
    close(z->fd);
    free(z);
    *records = c.records;
    return rc;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int walk_dir(osv_ctx *c, const char *dir, int depth, size_t *files, ld_error *err)
{
    if (depth > OSV_MAX_DIR_DEPTH)
        return ld_error_set(err, LD_ERR_LIMIT, "%s: directories nested deeper than %d", dir,
                            OSV_MAX_DIR_DEPTH);
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0)
        return ld_error_set_errno(err, LD_ERR_GENERIC, errno, "cannot open directory %s", dir);
    DIR *d = fdopendir(fd);
    if (!d) {
        close(fd);
        return ld_error_set_errno(err, LD_ERR_GENERIC, errno, "cannot read directory %s", dir);
    }
    /* sorted, so imports are reproducible */
    char **names = NULL;
    size_t n = 0, cap = 0;
    struct dirent *de;
    while ((de = readdir(d))) {
        if (de->d_name[0] == '.')
            continue;
        ld_xgrow(&names, &cap, n + 1, sizeof(char *));
        names[n++] = ld_xstrdup(de->d_name);
    }
    closedir(d);
    if (n > 1) /* names is NULL for an empty directory: qsort must not see it */
        qsort(names, n, sizeof(char *), cmp_str);
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++) {
        char *p = ld_xasprintf("%s/%s", dir, names[i]);
        struct stat sb;
        if (lstat(p, &sb) != 0)
            rc = ld_error_set_errno(err, LD_ERR_GENERIC, errno, "cannot stat %s", p);
        else if (S_ISDIR(sb.st_mode))
            rc = walk_dir(c, p, depth + 1, files, err);
        else if (S_ISREG(sb.st_mode) && has_json_ext(names[i])) {
            if (++*files > ldb_limits(c->b)->max_zip_entries)
                rc = ld_error_set(err, LD_ERR_LIMIT, "%s: more than %zu files", dir,
                                  ldb_limits(c->b)->max_zip_entries);
            else {
                char *buf = NULL;
                size_t len = 0;
                rc = ldb_read_file(p, ldb_limits(c->b)->max_record_bytes, &buf, &len, err);
                if (rc == 0)
                    rc = import_buf(c, buf, len, p, err);
                free(buf);
            }
        }
        free(p);
    }
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
    return rc;
}

int ld_import_osv_dir(ld_vulndb_builder *b, const char *path, const char *name, long long *records,
                      ld_error *err)
{
    osv_ctx c = {b, name, 0};
    size_t files = 0;
    int rc = walk_dir(&c, path, 0, &files, err);
    *records = c.records;
    return rc;
}
