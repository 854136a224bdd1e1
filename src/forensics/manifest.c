/* The bundle's manifest (manifest.h): written from the bundle's entries
 * with the streaming JSON writer in a fixed key order, put in place by a
 * rename so that a manifest.json is whole or absent, then signed over its
 * exact bytes (manifest.json.sig: base64 of the DER signature, no newline,
 * as `cosign sign-blob --output-signature` writes it). And the reader of a
 * manifest, hostile input: bounded before jansson builds it, duplicate
 * keys refused, every known member type-checked, every artifact path
 * lockdown's own form and unique. Not the check of the files (verify.c). */
#include "forensics/manifest.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "trust/trust_b64.h"
#include "util/cleanup.h"
#include "util/input_file.h"
#include "util/json_budget.h"
#include "util/json_out.h"
#include "util/mem.h"
#include "util/strmap.h"

#define MANIFEST_TMP LD_FX_MANIFEST ".tmp"
#define SIGNATURE_TMP LD_FX_SIGNATURE ".tmp"

/* A manifest lists about 15 values per artifact: 3,000,000 values hold
 * some 200,000 artifacts (a container of 15,000 processes), and jansson
 * builds that in about 350 MB at most. */
static const ld_json_limits manifest_limits = {
    .max_values = 3000000,
    .max_containers = 300000,
    .max_depth = 16,
};

const char *ld_fx_freeze_method_name(ld_fx_freeze_method m)
{
    switch (m) {
    case LD_FX_FREEZE_CGROUP_V2: return "cgroup-v2";
    case LD_FX_FREEZE_CGROUP_V1: return "cgroup-v1-freezer";
    case LD_FX_FREEZE_ENGINE: return "engine-pause";
    case LD_FX_FREEZE_NONE: break;
    }
    return "none";
}

/* ---- writer ---- */

/* RFC 3339 in UTC with nanoseconds: 2024-05-01T12:34:56.123456789Z. */
static void format_time(int64_t ns, char out[40])
{
    int64_t sec = ns / 1000000000;
    int64_t frac = ns % 1000000000;
    if (frac < 0) {
        frac += 1000000000;
        sec--;
    }
    time_t t = (time_t)sec;
    struct tm tm;
    if (!gmtime_r(&t, &tm) || strftime(out, 40, "%Y-%m-%dT%H:%M:%S", &tm) != 19) {
        snprintf(out, 40, "1970-01-01T00:00:00.000000000Z");
        return;
    }
    snprintf(out + 19, 21, ".%09lldZ", (long long)frac);
}

static void kv_time(ld_json *j, const char *key, int64_t ns)
{
    char buf[40];
    format_time(ns, buf);
    ld_json_kv_string(j, key, buf);
}

static void kv_u64(ld_json *j, const char *key, uint64_t v)
{
    ld_json_kv_int(j, key, v > (uint64_t)INT64_MAX ? INT64_MAX : (int64_t)v);
}

static void write_custody(ld_json *j, const ld_fx_custody *c)
{
    ld_json_key(j, "custody");
    ld_json_object_begin(j);
    ld_json_kv_string(j, "tool", "lockdown");
    ld_json_kv_string(j, "tool_version", c->tool_version ? c->tool_version : LOCKDOWN_VERSION);
    ld_json_key(j, "host");
    ld_json_object_begin(j);
    ld_json_kv_string_opt(j, "hostname", c->hostname);
    ld_json_kv_string_opt(j, "machine_id", c->machine_id);
    ld_json_kv_string_opt(j, "boot_id", c->boot_id);
    ld_json_object_end(j);
    ld_json_key(j, "user");
    ld_json_object_begin(j);
    ld_json_kv_int(j, "uid", c->uid);
    ld_json_kv_int(j, "euid", c->euid);
    ld_json_kv_string_opt(j, "name", c->user_name);
    ld_json_kv_string_opt(j, "sudo_user", c->sudo_user);
    if (c->loginuid != (uint32_t)-1)
        ld_json_kv_int(j, "loginuid", c->loginuid);
    ld_json_object_end(j);
    ld_json_key(j, "command_line");
    ld_json_array_begin(j);
    for (size_t i = 0; i < c->n_command_line; i++)
        ld_json_string(j, c->command_line[i] ? c->command_line[i] : "");
    ld_json_array_end(j);
    kv_time(j, "started", c->started_ns);
    kv_time(j, "ended", c->ended_ns);

    const ld_fx_freeze_record *f = &c->freeze;
    ld_json_key(j, "freeze");
    ld_json_object_begin(j);
    ld_json_kv_string(j, "method", ld_fx_freeze_method_name(f->method));
    if (f->frozen_ns)
        kv_time(j, "frozen", f->frozen_ns);
    if (f->thawed_ns)
        kv_time(j, "thawed", f->thawed_ns);
    if (f->frozen_ns)
        ld_json_kv_int(j, "frozen_ns", f->interval_ns < 0 ? 0 : f->interval_ns);
    ld_json_kv_string(j, "thawed_by", f->thawed_by ? f->thawed_by : "none");
    if (f->note[0]) {
        ld_json_key(j, "note");
        ld_json_stringn(j, f->note, strnlen(f->note, sizeof(f->note)));
    }
    ld_json_object_end(j);
    ld_json_object_end(j);
}

static void write_container(ld_json *j, const ld_fx_container_info *ci)
{
    ld_json_key(j, "container");
    ld_json_object_begin(j);
    ld_json_kv_string(j, "id", ci->id);
    ld_json_kv_string_opt(j, "name", ci->name);
    ld_json_kv_string_opt(j, "image", ci->image);
    ld_json_kv_string_opt(j, "image_id", ci->image_id);
    ld_json_key(j, "image_digests");
    ld_json_array_begin(j);
    for (size_t i = 0; i < ci->n_image_digests; i++)
        if (ci->image_digests[i])
            ld_json_string(j, ci->image_digests[i]);
    ld_json_array_end(j);
    ld_json_kv_string_opt(j, "engine", ci->engine);
    ld_json_kv_string_opt(j, "state_at_capture", ci->state_at_capture);
    ld_json_object_end(j);
}

static void write_options(ld_json *j, const ld_fx_capture_options_record *o)
{
    ld_json_key(j, "options");
    ld_json_object_begin(j);
    ld_json_kv_string(j, "memory", o->memory ? o->memory : "none");
    ld_json_kv_bool(j, "volumes", o->volumes);
    ld_json_kv_bool(j, "freeze", o->freeze);
    kv_u64(j, "max_memory", o->max_memory);
    kv_u64(j, "max_fs", o->max_fs);
    kv_u64(j, "max_logs", o->max_logs);
    ld_json_object_end(j);
}

static void write_artifacts(ld_json *j, const ld_fx_bundle *b)
{
    size_t n = 0;
    const ld_fx_entry *e = ld_fx_bundle_entries(b, &n);
    ld_json_key(j, "artifacts");
    ld_json_array_begin(j);
    for (size_t i = 0; i < n; i++) {
        ld_json_object_begin(j);
        ld_json_kv_string(j, "path", e[i].path);
        ld_json_kv_string(j, "kind", e[i].kind);
        kv_u64(j, "size", e[i].size);
        ld_json_kv_string(j, "sha256", e[i].sha256);
        ld_json_kv_bool(j, "frozen", e[i].frozen);
        if (e[i].truncated)
            ld_json_kv_bool(j, "truncated", true);
        ld_json_kv_string_opt(j, "note", e[i].note);
        ld_json_object_end(j);
    }
    ld_json_array_end(j);
    const char *const *notes = ld_fx_bundle_notes(b, &n);
    ld_json_key(j, "notes");
    ld_json_array_begin(j);
    for (size_t i = 0; i < n; i++)
        ld_json_string(j, notes[i]);
    ld_json_array_end(j);
}

/* The manifest's bytes (caller frees), or NULL with err. */
static char *render(const ld_fx_bundle *b, const ld_fx_custody *c, const ld_fx_container_info *ci,
                    const ld_fx_capture_options_record *o, const ld_key *key, size_t *len,
                    ld_error *err)
{
    char *buf = NULL;
    size_t size = 0;
    FILE *f = open_memstream(&buf, &size);
    if (!f) {
        ld_error_set_errno(err, LD_ERR_GENERIC, errno, "manifest of %s: open_memstream",
                           ld_fx_bundle_dir(b));
        return NULL;
    }
    ld_json j;
    ld_json_init(&j, f, true);
    ld_json_object_begin(&j);
    ld_json_kv_string(&j, "schema", LD_FX_SCHEMA);
    write_custody(&j, c);
    write_container(&j, ci);
    write_options(&j, o);
    write_artifacts(&j, b);
    if (key)
        ld_json_kv_string(&j, "signing_key", ld_key_fingerprint(key));
    ld_json_object_end(&j);
    bool bad = ferror(f) != 0;
    if (fclose(f) != 0 || bad || !buf) {
        free(buf);
        ld_error_set(err, LD_ERR_GENERIC, "manifest of %s: cannot build it in memory",
                     ld_fx_bundle_dir(b));
        return NULL;
    }
    *len = size;
    return buf;
}

/* Writes data as dirfd/final through dirfd/tmp: O_EXCL, fsynced, renamed
 * without replacing anything. Nothing at tmp is left on failure. */
static int write_in_place(int dirfd, const char *dir, const char *tmp, const char *final,
                          const void *data, size_t len, ld_error *err)
{
    int fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0)
        return ld_error_set_errno(err, LD_ERR_GENERIC, errno, "bundle %s: cannot create %s", dir,
                                  tmp);
    const unsigned char *p = data;
    size_t left = len;
    int e = 0;
    while (left > 0 && !e) {
        ssize_t w = write(fd, p, left);
        if (w < 0) {
            if (errno != EINTR)
                e = errno;
            continue;
        }
        p += w;
        left -= (size_t)w;
    }
    if (!e && fsync(fd) < 0)
        e = errno;
    if (close(fd) < 0 && !e && errno != EINTR)
        e = errno;
    if (!e && renameat2(dirfd, tmp, dirfd, final, RENAME_NOREPLACE) < 0) {
        e = errno;
        /* a file system without RENAME_NOREPLACE: a hard link never replaces either */
        if ((e == EINVAL || e == ENOSYS) && linkat(dirfd, tmp, dirfd, final, 0) == 0) {
            unlinkat(dirfd, tmp, 0);
            e = 0;
        }
    }
    if (e) {
        unlinkat(dirfd, tmp, 0);
        return ld_error_set_errno(err, LD_ERR_GENERIC, e, "bundle %s: cannot write %s", dir, final);
    }
    return 0;
}

static int sync_dir(int dirfd, const char *dir, ld_error *err)
{
    ld_autoclose int fd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0 || fsync(fd) < 0)
        return ld_error_set_errno(err, LD_ERR_GENERIC, errno, "bundle %s: fsync of the directory",
                                  dir);
    return 0;
}

int ld_fx_manifest_write(ld_fx_bundle *b, const ld_fx_custody *c, const ld_fx_container_info *ci,
                         const ld_fx_capture_options_record *o, const ld_key *key, ld_error *err)
{
    const char *dir = ld_fx_bundle_dir(b);
    if (!c || !ci || !ci->id || !o)
        return ld_error_set(err, LD_ERR_INVALID,
                            "manifest of %s: no custody, container id or options", dir);
    if (key && !ld_key_has_private(key))
        return ld_error_set(err, LD_ERR_INVALID,
                            "manifest of %s: key %s has no private half; sign with a private key",
                            dir, ld_key_fingerprint(key));
    /* the artifacts are on the disk before a manifest vouches for them */
    int rc = ld_fx_bundle_sync(b, err);
    if (rc < 0)
        return rc;
    size_t len = 0;
    ld_autofree char *text = render(b, c, ci, o, key, &len, err);
    if (!text)
        return err->code ? err->code : LD_ERR_GENERIC;
    int dirfd = ld_fx_bundle_dirfd(b);
    rc = write_in_place(dirfd, dir, MANIFEST_TMP, LD_FX_MANIFEST, text, len, err);
    if (rc < 0)
        return rc;
    if (key) {
        uint8_t *sig = NULL;
        size_t sig_len = 0;
        rc = ld_key_sign(key, text, len, &sig, &sig_len, err);
        if (rc < 0)
            return ld_error_wrap(err, "signing the manifest of %s", dir);
        ld_autofree char *b64 = ld_trust_b64_encode(sig, sig_len);
        free(sig);
        rc = write_in_place(dirfd, dir, SIGNATURE_TMP, LD_FX_SIGNATURE, b64, strlen(b64), err);
        if (rc < 0)
            return rc;
    }
    return sync_dir(dirfd, dir, err);
}

/* ---- reader ---- */

static int corrupt(ld_error *err, const char *field, const char *what)
{
    return ld_error_set(err, LD_ERR_CORRUPT, LD_FX_MANIFEST ": %s: %s", field, what);
}

/* A field's name for a message into buf (cut to fit: it is only a name). */
__attribute__((format(printf, 3, 4))) static const char *field_fmt(char *buf, size_t cap,
                                                                   const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, cap, fmt, ap);
    va_end(ap);
    if (n < 0)
        buf[0] = '\0';
    return buf;
}

/* "prefix.key" or "key" into buf. */
static const char *field_name(char *buf, size_t cap, const char *prefix, const char *key)
{
    if (prefix && *prefix)
        return field_fmt(buf, cap, "%s.%s", prefix, key);
    return field_fmt(buf, cap, "%s", key);
}

#define FIELD_CAP 96

/* Member key of obj: *out NULL when absent (an error when required). */
static int member(json_t *obj, const char *prefix, const char *key, bool required, json_t **out,
                  ld_error *err)
{
    *out = json_object_get(obj, key);
    if (!*out && required) {
        char f[FIELD_CAP];
        return corrupt(err, field_name(f, sizeof f, prefix, key), "missing");
    }
    return 0;
}

static int get_object(json_t *obj, const char *prefix, const char *key, bool required, json_t **out,
                      ld_error *err)
{
    int rc = member(obj, prefix, key, required, out, err);
    if (rc < 0 || !*out)
        return rc;
    if (!json_is_object(*out)) {
        char f[FIELD_CAP];
        return corrupt(err, field_name(f, sizeof f, prefix, key), "not an object");
    }
    return 0;
}

static int get_array(json_t *obj, const char *prefix, const char *key, bool required, json_t **out,
                     ld_error *err)
{
    int rc = member(obj, prefix, key, required, out, err);
    if (rc < 0 || !*out)
        return rc;
    if (!json_is_array(*out)) {
        char f[FIELD_CAP];
        return corrupt(err, field_name(f, sizeof f, prefix, key), "not an array");
    }
    return 0;
}

/* A string member; *out a copy (NULL when absent and not required). */
static int get_string(json_t *obj, const char *prefix, const char *key, bool required, char **out,
                      ld_error *err)
{
    json_t *v;
    int rc = member(obj, prefix, key, required, &v, err);
    if (rc < 0 || !v)
        return rc;
    if (!json_is_string(v)) {
        char f[FIELD_CAP];
        return corrupt(err, field_name(f, sizeof f, prefix, key), "not a string");
    }
    if (out) {
        free(*out);
        *out = ld_xstrndup(json_string_value(v), json_string_length(v));
    }
    return 0;
}

static int get_bool(json_t *obj, const char *prefix, const char *key, bool required, bool *out,
                    ld_error *err)
{
    json_t *v;
    int rc = member(obj, prefix, key, required, &v, err);
    if (rc < 0 || !v)
        return rc;
    if (!json_is_boolean(v)) {
        char f[FIELD_CAP];
        return corrupt(err, field_name(f, sizeof f, prefix, key), "not true or false");
    }
    if (out)
        *out = json_is_true(v);
    return 0;
}

/* A whole number >= 0 (jansson refuses one past int64 as invalid JSON). */
static int get_count(json_t *obj, const char *prefix, const char *key, bool required, int64_t *out,
                     ld_error *err)
{
    json_t *v;
    int rc = member(obj, prefix, key, required, &v, err);
    if (rc < 0 || !v)
        return rc;
    if (!json_is_integer(v) || json_integer_value(v) < 0) {
        char f[FIELD_CAP];
        return corrupt(err, field_name(f, sizeof f, prefix, key), "not a whole number >= 0");
    }
    if (out)
        *out = (int64_t)json_integer_value(v);
    return 0;
}

static int get_string_array(json_t *obj, const char *prefix, const char *key, ld_error *err)
{
    json_t *arr;
    int rc = get_array(obj, prefix, key, false, &arr, err);
    if (rc < 0 || !arr)
        return rc;
    size_t i;
    json_t *v;
    json_array_foreach(arr, i, v)
    {
        if (!json_is_string(v)) {
            char f[FIELD_CAP], g[FIELD_CAP];
            field_fmt(g, sizeof g, "%s[%zu]", field_name(f, sizeof f, prefix, key), i);
            return corrupt(err, g, "not a string");
        }
    }
    return 0;
}

static bool digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return false;
    return true;
}

/* What format_time writes: YYYY-MM-DDTHH:MM:SS[.1-9 digits]Z. */
static bool time_ok(const char *s)
{
    size_t n = strlen(s);
    if (n < 20 || !digits(s, 4) || s[4] != '-' || !digits(s + 5, 2) || s[7] != '-' ||
        !digits(s + 8, 2) || s[10] != 'T' || !digits(s + 11, 2) || s[13] != ':' ||
        !digits(s + 14, 2) || s[16] != ':' || !digits(s + 17, 2))
        return false;
    if (n == 20)
        return s[19] == 'Z';
    return s[19] == '.' && n >= 22 && n <= 30 && digits(s + 20, n - 21) && s[n - 1] == 'Z';
}

static int get_time(json_t *obj, const char *prefix, const char *key, bool required, char **out,
                    ld_error *err)
{
    ld_autofree char *s = NULL;
    int rc = get_string(obj, prefix, key, required, &s, err);
    if (rc < 0 || !s)
        return rc;
    if (!time_ok(s)) {
        char f[FIELD_CAP];
        return corrupt(err, field_name(f, sizeof f, prefix, key),
                       "not an RFC 3339 UTC time (YYYY-MM-DDTHH:MM:SS.NNNNNNNNNZ)");
    }
    if (out) {
        free(*out);
        *out = ld_steal_ptr(&s);
    }
    return 0;
}

static bool lower_hex(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
            return false;
    return true;
}

static int parse_custody(json_t *root, ld_fx_manifest *m, ld_error *err)
{
    json_t *c, *host, *user, *freeze;
    int rc;
    if ((rc = get_object(root, "", "custody", true, &c, err)) < 0 ||
        (rc = get_string(c, "custody", "tool", true, NULL, err)) < 0 ||
        (rc = get_string(c, "custody", "tool_version", true, &m->tool_version, err)) < 0 ||
        (rc = get_object(c, "custody", "host", false, &host, err)) < 0 ||
        (rc = get_object(c, "custody", "user", false, &user, err)) < 0 ||
        (rc = get_string_array(c, "custody", "command_line", err)) < 0 ||
        (rc = get_time(c, "custody", "started", true, &m->started, err)) < 0 ||
        (rc = get_time(c, "custody", "ended", true, &m->ended, err)) < 0 ||
        (rc = get_object(c, "custody", "freeze", true, &freeze, err)) < 0)
        return rc;
    if (host &&
        ((rc = get_string(host, "custody.host", "hostname", false, &m->hostname, err)) < 0 ||
         (rc = get_string(host, "custody.host", "machine_id", false, NULL, err)) < 0 ||
         (rc = get_string(host, "custody.host", "boot_id", false, NULL, err)) < 0))
        return rc;
    if (user && ((rc = get_count(user, "custody.user", "uid", false, NULL, err)) < 0 ||
                 (rc = get_count(user, "custody.user", "euid", false, NULL, err)) < 0 ||
                 (rc = get_string(user, "custody.user", "name", false, &m->user_name, err)) < 0 ||
                 (rc = get_string(user, "custody.user", "sudo_user", false, NULL, err)) < 0 ||
                 (rc = get_count(user, "custody.user", "loginuid", false, NULL, err)) < 0))
        return rc;
    const char *fp = "custody.freeze";
    if ((rc = get_string(freeze, fp, "method", true, &m->freeze_method, err)) < 0 ||
        (rc = get_time(freeze, fp, "frozen", false, NULL, err)) < 0 ||
        (rc = get_time(freeze, fp, "thawed", false, NULL, err)) < 0 ||
        (rc = get_count(freeze, fp, "frozen_ns", false, &m->frozen_ns_interval, err)) < 0 ||
        (rc = get_string(freeze, fp, "thawed_by", false, &m->thawed_by, err)) < 0 ||
        (rc = get_string(freeze, fp, "note", false, &m->freeze_note, err)) < 0)
        return rc;
    static const ld_fx_freeze_method methods[] = {LD_FX_FREEZE_NONE, LD_FX_FREEZE_CGROUP_V2,
                                                  LD_FX_FREEZE_CGROUP_V1, LD_FX_FREEZE_ENGINE};
    for (size_t i = 0; i < sizeof(methods) / sizeof(methods[0]); i++)
        if (strcmp(m->freeze_method, ld_fx_freeze_method_name(methods[i])) == 0)
            return 0;
    return corrupt(err, "custody.freeze.method",
                   "not one of none, cgroup-v2, cgroup-v1-freezer, engine-pause");
}

static int parse_container_options(json_t *root, ld_fx_manifest *m, ld_error *err)
{
    json_t *c, *o;
    int rc;
    const char *cp = "container";
    if ((rc = get_object(root, "", "container", true, &c, err)) < 0 ||
        (rc = get_string(c, cp, "id", true, &m->container_id, err)) < 0 ||
        (rc = get_string(c, cp, "name", false, &m->container_name, err)) < 0 ||
        (rc = get_string(c, cp, "image", false, &m->image, err)) < 0 ||
        (rc = get_string(c, cp, "image_id", false, &m->image_id, err)) < 0 ||
        (rc = get_string_array(c, cp, "image_digests", err)) < 0 ||
        (rc = get_string(c, cp, "engine", false, NULL, err)) < 0 ||
        (rc = get_string(c, cp, "state_at_capture", false, NULL, err)) < 0 ||
        (rc = get_object(root, "", "options", false, &o, err)) < 0)
        return rc;
    if (!o)
        return 0;
    const char *op = "options";
    if ((rc = get_string(o, op, "memory", false, &m->memory_mode, err)) < 0 ||
        (rc = get_bool(o, op, "volumes", false, NULL, err)) < 0 ||
        (rc = get_bool(o, op, "freeze", false, NULL, err)) < 0 ||
        (rc = get_count(o, op, "max_memory", false, NULL, err)) < 0 ||
        (rc = get_count(o, op, "max_fs", false, NULL, err)) < 0 ||
        (rc = get_count(o, op, "max_logs", false, NULL, err)) < 0)
        return rc;
    if (m->memory_mode && strcmp(m->memory_mode, "all") != 0 &&
        strcmp(m->memory_mode, "anon") != 0 && strcmp(m->memory_mode, "none") != 0)
        return corrupt(err, "options.memory", "not one of all, anon, none");
    return 0;
}

static int parse_entry(json_t *obj, size_t i, ld_fx_entry *e, ld_error *err)
{
    char p[FIELD_CAP];
    field_fmt(p, sizeof p, "artifacts[%zu]", i);
    if (!json_is_object(obj))
        return corrupt(err, p, "not an object");
    int64_t size = 0;
    ld_autofree char *sha = NULL;
    int rc;
    if ((rc = get_string(obj, p, "path", true, &e->path, err)) < 0 ||
        (rc = get_string(obj, p, "kind", true, &e->kind, err)) < 0 ||
        (rc = get_count(obj, p, "size", true, &size, err)) < 0 ||
        (rc = get_string(obj, p, "sha256", true, &sha, err)) < 0 ||
        (rc = get_bool(obj, p, "frozen", true, &e->frozen, err)) < 0 ||
        (rc = get_bool(obj, p, "truncated", false, &e->truncated, err)) < 0 ||
        (rc = get_string(obj, p, "note", false, &e->note, err)) < 0)
        return rc;
    char f[FIELD_CAP];
    if (!ld_fx_relpath_ok(e->path))
        return corrupt(err, field_name(f, sizeof f, p, "path"),
                       "not a bundle path (relative, [A-Za-z0-9._-] components, no \"..\")");
    if (!e->kind[0])
        return corrupt(err, field_name(f, sizeof f, p, "kind"), "empty");
    if (strlen(sha) != 64 || !lower_hex(sha, 64))
        return corrupt(err, field_name(f, sizeof f, p, "sha256"), "not 64 lowercase hex digits");
    memcpy(e->sha256, sha, 65);
    e->size = (uint64_t)size;
    return 0;
}

/* Every path once, and none both a file and a directory of another. */
static int check_paths(const ld_fx_manifest *m, ld_error *err)
{
    ld_strmap seen = LD_STRMAP_INIT;
    int rc = 0;
    char f[FIELD_CAP];
    for (size_t i = 0; i < m->n_entries && rc == 0; i++) {
        bool created = false;
        void **slot = ld_strmap_put(&seen, m->entries[i].path, &created);
        if (!created) {
            field_fmt(f, sizeof f, "artifacts[%zu].path", i);
            rc = corrupt(err, f, "listed twice");
        }
        *slot = &m->entries[i];
    }
    for (size_t i = 0; i < m->n_entries && rc == 0; i++) {
        const char *path = m->entries[i].path;
        char prefix[LD_FX_RELPATH_MAX + 1];
        for (const char *s = strchr(path, '/'); s && rc == 0; s = strchr(s + 1, '/')) {
            size_t n = (size_t)(s - path);
            memcpy(prefix, path, n);
            prefix[n] = '\0';
            if (ld_strmap_get(&seen, prefix)) {
                field_fmt(f, sizeof f, "artifacts[%zu].path", i);
                rc = corrupt(err, f, "under a path that is itself listed as a file");
            }
        }
    }
    ld_strmap_clear(&seen);
    return rc;
}

static int parse_artifacts(json_t *root, ld_fx_manifest *m, ld_error *err)
{
    json_t *arr, *notes;
    int rc;
    if ((rc = get_array(root, "", "artifacts", true, &arr, err)) < 0)
        return rc;
    size_t n = json_array_size(arr);
    m->entries = ld_xcalloc(n ? n : 1, sizeof(*m->entries));
    for (size_t i = 0; i < n; i++) {
        m->n_entries = i + 1;
        if ((rc = parse_entry(json_array_get(arr, i), i, &m->entries[i], err)) < 0)
            return rc;
    }
    if ((rc = check_paths(m, err)) < 0)
        return rc;
    if ((rc = get_array(root, "", "notes", false, &notes, err)) < 0)
        return rc;
    if (notes) {
        size_t k = json_array_size(notes);
        m->notes = ld_xcalloc(k ? k : 1, sizeof(*m->notes));
        for (size_t i = 0; i < k; i++) {
            json_t *v = json_array_get(notes, i);
            if (!json_is_string(v)) {
                char f[FIELD_CAP];
                field_fmt(f, sizeof f, "notes[%zu]", i);
                return corrupt(err, f, "not a string");
            }
            m->notes[i] = ld_xstrndup(json_string_value(v), json_string_length(v));
            m->n_notes = i + 1;
        }
    }
    return 0;
}

static int parse_root(json_t *root, ld_fx_manifest *m, ld_error *err)
{
    if (!json_is_object(root))
        return ld_error_set(err, LD_ERR_CORRUPT, LD_FX_MANIFEST ": not a JSON object");
    int rc;
    if ((rc = get_string(root, "", "schema", true, &m->schema, err)) < 0)
        return rc;
    if (strcmp(m->schema, LD_FX_SCHEMA) != 0)
        return corrupt(err, "schema",
                       "not " LD_FX_SCHEMA " (another tool's or a newer lockdown's)");
    if ((rc = parse_custody(root, m, err)) < 0 ||
        (rc = parse_container_options(root, m, err)) < 0 ||
        (rc = parse_artifacts(root, m, err)) < 0 ||
        (rc = get_string(root, "", "signing_key", false, &m->signing_key, err)) < 0)
        return rc;
    if (m->signing_key &&
        (strlen(m->signing_key) != 71 || strncmp(m->signing_key, "sha256:", 7) != 0 ||
         !lower_hex(m->signing_key + 7, 64)))
        return corrupt(err, "signing_key", "not sha256: and 64 lowercase hex digits");
    return 0;
}

int ld_fx_manifest_parse(const void *data, size_t len, ld_fx_manifest *out, ld_error *err)
{
    memset(out, 0, sizeof(*out));
    out->frozen_ns_interval = -1;
    if (len > LD_FX_MANIFEST_MAX_BYTES)
        return ld_error_set(err, LD_ERR_CORRUPT,
                            LD_FX_MANIFEST ": %zu bytes, over the limit of %zu", len,
                            LD_FX_MANIFEST_MAX_BYTES);
    json_t *root = ld_json_load_bounded(LD_FX_MANIFEST, data, len, JSON_REJECT_DUPLICATES,
                                        &manifest_limits, err);
    if (!root) {
        err->code = LD_ERR_CORRUPT;
        return LD_ERR_CORRUPT;
    }
    int rc = parse_root(root, out, err);
    json_decref(root);
    if (rc < 0) {
        ld_fx_manifest_clear(out);
        return rc;
    }
    out->raw = ld_xmalloc(len + 1);
    memcpy(out->raw, data, len);
    out->raw[len] = '\0';
    out->raw_len = len;
    return 0;
}

int ld_fx_manifest_read(int bundle_dirfd, ld_fx_manifest *out, ld_error *err)
{
    memset(out, 0, sizeof(*out));
    out->frozen_ns_interval = -1;
    ld_autoclose int fd = openat(bundle_dirfd, LD_FX_MANIFEST,
                                 O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    if (fd < 0) {
        int e = errno;
        if (e == ENOENT)
            return ld_error_set(err, LD_ERR_NOT_FOUND,
                                "no " LD_FX_MANIFEST " in the bundle (a capture that did not "
                                "finish, or not a lockdown bundle)");
        if (e == ELOOP)
            return ld_error_set(err, LD_ERR_CORRUPT,
                                LD_FX_MANIFEST " is a symbolic link; a bundle never holds one");
        return ld_error_set_errno(err, LD_ERR_GENERIC, e, "cannot open " LD_FX_MANIFEST);
    }
    struct stat st;
    if (fstat(fd, &st) < 0)
        return ld_error_set_errno(err, LD_ERR_GENERIC, errno, "cannot stat " LD_FX_MANIFEST);
    if (!S_ISREG(st.st_mode))
        return ld_error_set(err, LD_ERR_CORRUPT, LD_FX_MANIFEST " is %s, not a regular file",
                            ld_file_kind(st.st_mode));
    ld_autofree char *buf = NULL;
    size_t len = 0;
    int rc =
        ld_input_read_fd(fd, LD_FX_MANIFEST, "manifest", LD_FX_MANIFEST_MAX_BYTES, &buf, &len, err);
    if (rc < 0)
        return rc;
    return ld_fx_manifest_parse(buf, len, out, err);
}

void ld_fx_manifest_clear(ld_fx_manifest *m)
{
    if (!m)
        return;
    free(m->schema);
    free(m->tool_version);
    free(m->hostname);
    free(m->user_name);
    free(m->started);
    free(m->ended);
    free(m->freeze_method);
    free(m->thawed_by);
    free(m->freeze_note);
    free(m->container_id);
    free(m->container_name);
    free(m->image);
    free(m->image_id);
    free(m->memory_mode);
    free(m->signing_key);
    for (size_t i = 0; i < m->n_entries; i++) {
        free(m->entries[i].path);
        free(m->entries[i].kind);
        free(m->entries[i].note);
    }
    free(m->entries);
    for (size_t i = 0; i < m->n_notes; i++)
        free(m->notes[i]);
    free(m->notes);
    free(m->raw);
    memset(m, 0, sizeof(*m));
    m->frozen_ns_interval = -1;
}
