/* Reading a bundle for `capture show` (show.h): the manifest through
 * manifest.h, then processes/index.json, network/sockets.json and
 * filesystem/changes.json as hostile JSON: opened beneath the bundle's
 * directory without following a link, capped at LD_FX_SHOW_JSON_MAX,
 * walked one entry at a time (util/json_span.h) with each entry parsed on
 * its own under a small budget and every field's type checked. A process
 * entry is walked member by member, so a huge argv (the container's
 * choice) is joined up to a cap instead of hiding the process. An entry
 * that does not read is skipped and counted in one problem line; a missing
 * or unreadable artifact is a problem line too. Hashes are not checked
 * here (capture verify does). */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <linux/openat2.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "forensics/net_sockets.h"
#include "forensics/proc_collect.h"
#include "forensics/fs_changes.h"
#include "forensics/show.h"
#include "forensics/show_internal.h"
#include "util/cleanup.h"
#include "util/input_file.h"
#include "util/json_budget.h"
#include "util/json_span.h"
#include "util/mem.h"

#ifndef SYS_openat2
#define SYS_openat2 437
#endif

#define WHY_MAX 256
#define PROCESS_INDEX_PATH "processes/index.json"
#define SOCKETS_PATH "network/sockets.json"
#define CHANGES_PATH "filesystem/changes.json"

/* one socket entry may list every process of the container as an owner */
static const ld_json_limits socket_limits = {.max_values = 16 + 5 * (size_t)LD_FX_PIDS_MAX,
                                             .max_containers = 4 + LD_FX_PIDS_MAX,
                                             .max_depth = 3};
static const ld_json_limits change_limits = {.max_values = 64, .max_containers = 4, .max_depth = 2};
/* a member of a process entry other than argv, or of changes.json other
 * than changes: small or wrong */
static const ld_json_limits member_limits = {.max_values = 64, .max_containers = 8, .max_depth = 3};

void ld_fx_show_problem(ld_fx_show *s, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *m = ld_xvasprintf(fmt, ap);
    va_end(ap);
    s->problems = ld_xrealloc(s->problems, (s->n_problems + 1) * sizeof(*s->problems));
    s->problems[s->n_problems++] = m;
}

void ld_fx_show_grow(void *items_ptr, size_t n, size_t elem)
{
    void **items = items_ptr;
    if (n == 0 || (n & (n - 1)) == 0)
        *items = ld_xrealloc(*items, (n ? 2 * n : 1) * elem);
}

/* Entries of one artifact that were skipped, with the first reason. */
typedef struct {
    size_t skipped, total;
    char first[WHY_MAX + 32];
} skip_count;

static void skip_note(skip_count *k, size_t index, const char *why)
{
    if (!k->skipped++)
        snprintf(k->first, sizeof(k->first), "entry %zu: %s", index, why);
}

static void skip_report(ld_fx_show *s, const char *name, const skip_count *k)
{
    if (k->skipped)
        ld_fx_show_problem(s, "%s: %zu of %zu entries not read (first: %s)", name, k->skipped,
                           k->total, k->first);
}

/* --- typed fields of a jansson object; each returns false with why set --- */

static bool field_string(json_t *o, const char *key, bool required, bool nullable, char **out,
                         char *why)
{
    json_t *v = json_object_get(o, key);
    if (!v || (nullable && json_is_null(v))) {
        if (required)
            snprintf(why, WHY_MAX, "%s: missing", key);
        return !required;
    }
    if (!json_is_string(v)) {
        snprintf(why, WHY_MAX, "%s: not a string", key);
        return false;
    }
    free(*out);
    *out = ld_xstrndup(json_string_value(v), json_string_length(v));
    return true;
}

static bool field_int(json_t *o, const char *key, bool required, int64_t lo, int64_t hi,
                      int64_t *out, char *why)
{
    json_t *v = json_object_get(o, key);
    if (!v) {
        if (required)
            snprintf(why, WHY_MAX, "%s: missing", key);
        return !required;
    }
    if (!json_is_integer(v)) {
        snprintf(why, WHY_MAX, "%s: not an integer", key);
        return false;
    }
    json_int_t n = json_integer_value(v);
    if (n < lo || n > hi) {
        snprintf(why, WHY_MAX, "%s: %lld is out of range", key, (long long)n);
        return false;
    }
    *out = (int64_t)n;
    return true;
}

static bool field_bool(json_t *o, const char *key, bool *out, char *why)
{
    json_t *v = json_object_get(o, key);
    if (!v)
        return true;
    if (!json_is_boolean(v)) {
        snprintf(why, WHY_MAX, "%s: not true or false", key);
        return false;
    }
    *out = json_is_true(v);
    return true;
}

/* One value buf[a..b) loaded under lim (any JSON value), or NULL with why. */
static json_t *load_span(const char *buf, size_t a, size_t b, const ld_json_limits *lim,
                         const char *what, char *why)
{
    ld_error err = LD_ERROR_INIT;
    json_t *v = ld_json_load_bounded(what, buf + a, b - a, JSON_DECODE_ANY | JSON_REJECT_DUPLICATES,
                                     lim, &err);
    if (!v)
        snprintf(why, WHY_MAX, "%.*s", WHY_MAX - 1, err.msg);
    return v;
}

/* The key of a member (quotes included in buf[a..b)) as a new string. */
static char *span_key(const char *buf, size_t a, size_t b)
{
    if (b - a >= 2 && !memchr(buf + a, '\\', b - a))
        return ld_xstrndup(buf + a + 1, b - a - 2);
    json_t *k = json_loadb(buf + a, b - a, JSON_DECODE_ANY, NULL);
    char *s = k && json_is_string(k) ? ld_xstrdup(json_string_value(k)) : NULL;
    json_decref(k);
    return s;
}

/* Walks the array or object starting at buf[i] (bounded by len), calling
 * one() for each element or member value. Returns 1 at its end, 0 when
 * stopped at max elements, -1 when malformed (*where set). */
typedef bool (*entry_fn)(ld_fx_show *s, const char *buf, size_t a, size_t b, char *why);

static int walk_entries(ld_fx_show *s, const char *name, const char *buf, size_t len, size_t i,
                        size_t max, const char *plural, entry_fn one, size_t *end)
{
    ld_json_walk w;
    if (!ld_json_walk_begin(&w, buf, len, i) || w.close != ']') {
        ld_fx_show_problem(s, "%s: not a JSON array; nothing read from it", name);
        return -1;
    }
    skip_count k = {0};
    size_t key, key_end, v, ve;
    int r;
    int result = 1;
    while ((r = ld_json_walk_next(&w, &key, &key_end, &v, &ve)) == 1) {
        if (k.total == max) {
            ld_fx_show_problem(s, "%s: more than %zu %s; the rest not read", name, max, plural);
            result = 0;
            break;
        }
        char why[WHY_MAX] = "";
        if (!one(s, buf, v, ve, why))
            skip_note(&k, k.total, why[0] ? why : "not read");
        k.total++;
    }
    if (r < 0) {
        ld_fx_show_problem(s, "%s: malformed JSON at byte %zu; the rest not read", name, v);
        result = -1;
    }
    skip_report(s, name, &k);
    *end = w.pos;
    return result;
}

/* The document's one value must be the whole buffer. */
static void check_trailing(ld_fx_show *s, const char *name, const char *buf, size_t len, size_t end)
{
    if (ld_json_skip_ws(buf, len, end) != len)
        ld_fx_show_problem(s, "%s: bytes after the JSON value; not read", name);
}

/* --- processes/index.json --- */

/* Joins argv (the array at buf[a..b)) with spaces, up to the cap. */
static bool join_argv(const char *buf, size_t a, size_t b, char **out, char *why)
{
    ld_json_walk w;
    if (!ld_json_walk_begin(&w, buf, b, a) || w.close != ']') {
        snprintf(why, WHY_MAX, "argv: not an array");
        return false;
    }
    size_t cap = LD_FX_SHOW_CMDLINE_MAX;
    char *line = ld_xmalloc(cap + 8);
    size_t n = 0;
    bool cut = false;
    size_t key, key_end, v, ve;
    int r;
    size_t index = 0;
    while ((r = ld_json_walk_next(&w, &key, &key_end, &v, &ve)) == 1) {
        if (buf[v] != '"') {
            snprintf(why, WHY_MAX, "argv[%zu]: not a string", index);
            free(line);
            return false;
        }
        index++;
        if (cut)
            continue; /* the rest is only checked for shape */
        json_t *arg = json_loadb(buf + v, ve - v, JSON_DECODE_ANY, NULL);
        if (!arg || !json_is_string(arg)) {
            json_decref(arg);
            snprintf(why, WHY_MAX, "argv[%zu]: not a valid string", index - 1);
            free(line);
            return false;
        }
        const char *t = json_string_value(arg);
        size_t tl = strlen(t);
        if (n && n < cap)
            line[n++] = ' ';
        size_t take = tl < cap - n ? tl : cap - n;
        memcpy(line + n, t, take);
        n += take;
        json_decref(arg);
        if (take < tl || n >= cap) {
            cut = true;
            memcpy(line + n, " ...", 4);
            n += 4;
        }
    }
    if (r < 0) {
        snprintf(why, WHY_MAX, "argv: malformed");
        free(line);
        return false;
    }
    line[n] = '\0';
    free(*out);
    *out = line;
    return true;
}

static void process_clear(ld_fx_show_process *p)
{
    free(p->comm);
    free(p->exe);
    free(p->cmdline);
    free(p->core);
    memset(p, 0, sizeof(*p));
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && memcmp(s + n - m, suffix, m) == 0;
}

static bool process_fields(json_t *o, ld_fx_show_process *p, char *why)
{
    bool deleted = false;
    if (!field_int(o, "pid", true, 1, INT32_MAX, &p->pid, why) ||
        !field_int(o, "ppid", false, 0, INT32_MAX, &p->ppid, why) ||
        !field_int(o, "uid", false, 0, UINT32_MAX, &p->uid, why) ||
        !field_string(o, "comm", false, false, &p->comm, why) ||
        !field_string(o, "exe", false, true, &p->exe, why) ||
        !field_string(o, "core", false, true, &p->core, why) ||
        !field_bool(o, "exited", &p->exited, why) || !field_bool(o, "exe_deleted", &deleted, why))
        return false;
    if (p->exe && strncmp(p->exe, "/memfd:", 7) == 0)
        p->exe_memfd = true; /* its link text ends in " (deleted)" too */
    else
        p->exe_deleted = deleted || (p->exe && ends_with(p->exe, " (deleted)"));
    return true;
}

static bool read_process(ld_fx_show *s, const char *buf, size_t a, size_t b, char *why)
{
    ld_json_walk w;
    if (!ld_json_walk_begin(&w, buf, b, a) || w.close != '}') {
        snprintf(why, WHY_MAX, "not an object");
        return false;
    }
    ld_fx_show_process p = {.ppid = -1, .uid = -1};
    json_t *o = json_object();
    size_t key, key_end, v, ve;
    int r = 0;
    bool ok = true;
    while (ok && (r = ld_json_walk_next(&w, &key, &key_end, &v, &ve)) == 1) {
        ld_autofree char *name = span_key(buf, key, key_end);
        if (!name) {
            snprintf(why, WHY_MAX, "a key that is not a valid string");
            ok = false;
        } else if (strcmp(name, "argv") == 0) {
            ok = join_argv(buf, v, ve, &p.cmdline, why);
        } else if (strcmp(name, "pid") == 0 || strcmp(name, "ppid") == 0 ||
                   strcmp(name, "uid") == 0 || strcmp(name, "comm") == 0 ||
                   strcmp(name, "exe") == 0 || strcmp(name, "core") == 0 ||
                   strcmp(name, "exited") == 0 || strcmp(name, "exe_deleted") == 0) {
            json_t *val = load_span(buf, v, ve, &member_limits, name, why);
            if (!val)
                ok = false;
            else if (json_object_get(o, name)) {
                snprintf(why, WHY_MAX, "%s: given twice", name);
                json_decref(val);
                ok = false;
            } else
                json_object_set_new(o, name, val);
        }
    }
    if (ok && r < 0) {
        snprintf(why, WHY_MAX, "malformed");
        ok = false;
    }
    ok = ok && process_fields(o, &p, why);
    json_decref(o);
    if (!ok) {
        process_clear(&p);
        return false;
    }
    ld_fx_show_grow(&s->procs, s->n_procs, sizeof(*s->procs));
    s->procs[s->n_procs++] = p;
    return true;
}

void ld_fx_show_read_processes(ld_fx_show *s, const char *name, const char *buf, size_t len)
{
    size_t end = 0;
    if (walk_entries(s, name, buf, len, ld_json_skip_ws(buf, len, 0), LD_FX_PIDS_MAX, "processes",
                     read_process, &end) == 1)
        check_trailing(s, name, buf, len, end);
}

/* --- network/sockets.json --- */

static void socket_clear(ld_fx_show_socket *k)
{
    free(k->proto);
    free(k->local);
    free(k->remote);
    free(k->state);
    free(k->unix_path);
    free(k->owner_pids);
    memset(k, 0, sizeof(*k));
}

static bool socket_owners(json_t *o, ld_fx_show_socket *k, char *why)
{
    json_t *owners = json_object_get(o, "owners");
    if (!owners)
        return true;
    if (!json_is_array(owners)) {
        snprintf(why, WHY_MAX, "owners: not an array");
        return false;
    }
    size_t n = json_array_size(owners);
    if (n > LD_FX_PIDS_MAX) {
        snprintf(why, WHY_MAX, "owners: more than %d", LD_FX_PIDS_MAX);
        return false;
    }
    k->owner_pids = n ? ld_xcalloc(n, sizeof(*k->owner_pids)) : NULL;
    for (size_t i = 0; i < n; i++) {
        json_t *owner = json_array_get(owners, i);
        char inner[WHY_MAX];
        if (!json_is_object(owner)) {
            snprintf(why, WHY_MAX, "owners[%zu]: not an object", i);
            return false;
        }
        if (!field_int(owner, "pid", true, 1, INT32_MAX, &k->owner_pids[i], inner)) {
            snprintf(why, WHY_MAX, "owners[%zu].%.200s", i, inner);
            return false;
        }
        k->n_owners = i + 1;
    }
    return true;
}

static bool read_socket(ld_fx_show *s, const char *buf, size_t a, size_t b, char *why)
{
    if (buf[a] != '{') {
        snprintf(why, WHY_MAX, "not an object");
        return false;
    }
    json_t *o = load_span(buf, a, b, &socket_limits, "socket", why);
    if (!o)
        return false;
    ld_fx_show_socket k = {.local_port = -1, .remote_port = -1};
    bool ok = field_string(o, "proto", true, false, &k.proto, why) &&
              field_string(o, "local", false, false, &k.local, why) &&
              field_string(o, "remote", false, false, &k.remote, why) &&
              field_int(o, "local_port", false, 0, 65535, &k.local_port, why) &&
              field_int(o, "remote_port", false, 0, 65535, &k.remote_port, why) &&
              field_string(o, "state", false, false, &k.state, why) &&
              field_string(o, "path", false, true, &k.unix_path, why) && socket_owners(o, &k, why);
    json_decref(o);
    if (!ok) {
        socket_clear(&k);
        return false;
    }
    ld_fx_show_grow(&s->sockets, s->n_sockets, sizeof(*s->sockets));
    s->sockets[s->n_sockets++] = k;
    return true;
}

void ld_fx_show_read_sockets(ld_fx_show *s, const char *name, const char *buf, size_t len)
{
    size_t end = 0;
    if (walk_entries(s, name, buf, len, ld_json_skip_ws(buf, len, 0), LD_FX_SOCKETS_MAX, "sockets",
                     read_socket, &end) == 1)
        check_trailing(s, name, buf, len, end);
}

/* --- filesystem/changes.json --- */

static const char *const change_kinds[] = {"added", "changed", "deleted", "replaced"};

static void change_clear(ld_fx_show_change *c)
{
    free(c->path);
    free(c->change);
    free(c->type);
    memset(c, 0, sizeof(*c));
}

static bool read_change(ld_fx_show *s, const char *buf, size_t a, size_t b, char *why)
{
    if (buf[a] != '{') {
        snprintf(why, WHY_MAX, "not an object");
        return false;
    }
    json_t *o = load_span(buf, a, b, &change_limits, "change", why);
    if (!o)
        return false;
    ld_fx_show_change c = {.size = -1};
    bool ok = field_string(o, "path", true, false, &c.path, why) &&
              field_string(o, "change", true, false, &c.change, why) &&
              field_string(o, "type", false, false, &c.type, why) &&
              field_int(o, "size", false, 0, INT64_MAX, &c.size, why) &&
              field_bool(o, "executable", &c.executable, why);
    json_decref(o);
    bool known = false;
    for (size_t i = 0; ok && i < 4; i++)
        known = known || strcmp(c.change, change_kinds[i]) == 0;
    if (ok && !known) {
        snprintf(why, WHY_MAX, "change: not added, changed, deleted or replaced");
        ok = false;
    }
    if (!ok) {
        change_clear(&c);
        return false;
    }
    ld_fx_show_grow(&s->changes, s->n_changes, sizeof(*s->changes));
    s->changes[s->n_changes++] = c;
    return true;
}

/* changes.json's "counts", or false when it is not four counts. */
static bool read_counts(json_t *counts, ld_fx_show *s)
{
    int64_t v[4];
    char why[WHY_MAX];
    if (!json_is_object(counts))
        return false;
    for (size_t i = 0; i < 4; i++)
        if (!field_int(counts, change_kinds[i], true, 0, INT64_MAX, &v[i], why))
            return false;
    s->added = (uint64_t)v[0];
    s->changed = (uint64_t)v[1];
    s->deleted = (uint64_t)v[2];
    s->replaced = (uint64_t)v[3];
    return true;
}

void ld_fx_show_read_changes(ld_fx_show *s, const char *name, const char *buf, size_t len)
{
    ld_json_walk w;
    if (!ld_json_walk_begin(&w, buf, len, ld_json_skip_ws(buf, len, 0)) || w.close != '}') {
        ld_fx_show_problem(s, "%s: not a JSON object; nothing read from it", name);
        return;
    }
    bool have_list = false, have_counts = false, counts_ok = false, truncated = false;
    char *note = NULL;
    size_t key, key_end, v, ve;
    int r;
    while ((r = ld_json_walk_next(&w, &key, &key_end, &v, &ve)) == 1) {
        ld_autofree char *k = span_key(buf, key, key_end);
        char why[WHY_MAX] = "";
        if (!k)
            continue;
        if (strcmp(k, "changes") == 0) {
            if (have_list) {
                ld_fx_show_problem(s, "%s: \"changes\" given twice; the second not read", name);
                continue;
            }
            have_list = true;
            size_t end = 0;
            (void)walk_entries(s, name, buf, ve, v, LD_FX_CHANGES_MAX, "changes", read_change,
                               &end);
        } else if (strcmp(k, "counts") == 0 || strcmp(k, "truncated") == 0 ||
                   strcmp(k, "note") == 0) {
            json_t *val = load_span(buf, v, ve, &member_limits, k, why);
            if (strcmp(k, "counts") == 0) {
                have_counts = true;
                counts_ok = val && read_counts(val, s);
            } else if (strcmp(k, "truncated") == 0) {
                truncated = json_is_true(val);
            } else if (json_is_string(val)) {
                free(note);
                note = ld_xstrdup(json_string_value(val));
            }
            json_decref(val);
        }
    }
    if (r < 0)
        ld_fx_show_problem(s, "%s: malformed JSON at byte %zu; the rest not read", name, v);
    else
        check_trailing(s, name, buf, len, w.pos);
    if (!have_list)
        ld_fx_show_problem(s, "%s: no \"changes\" list", name);
    if (!counts_ok) {
        if (have_counts)
            ld_fx_show_problem(s, "%s: \"counts\" is not four counts; counted from the list", name);
        s->added = s->changed = s->deleted = s->replaced = 0;
        for (size_t i = 0; i < s->n_changes; i++) {
            const char *c = s->changes[i].change;
            uint64_t *slot = strcmp(c, "added") == 0     ? &s->added
                             : strcmp(c, "changed") == 0 ? &s->changed
                             : strcmp(c, "deleted") == 0 ? &s->deleted
                                                         : &s->replaced;
            (*slot)++;
        }
    }
    if (truncated)
        ld_fx_show_add_suspicious(s, "partial-evidence", ld_xstrdup(name),
                                  ld_xasprintf("the list of changes is incomplete%s%s",
                                               note ? ": " : "", note ? note : ""));
    free(note);
}

/* --- the bundle --- */

/* The artifact of this kind from the manifest, else its usual path. */
static const char *artifact_path(const ld_fx_show *s, const char *kind, const char *usual,
                                 bool *listed)
{
    for (size_t i = 0; i < s->manifest.n_entries; i++)
        if (s->manifest.entries[i].kind && strcmp(s->manifest.entries[i].kind, kind) == 0) {
            *listed = true;
            return s->manifest.entries[i].path;
        }
    *listed = false;
    return usual;
}

/* Opens relpath beneath dir_fd: no link followed, no way out. */
static int open_beneath(int dir_fd, const char *relpath)
{
    struct open_how how = {.flags = O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK | O_NOCTTY,
                           .resolve =
                               RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS};
    int fd = (int)syscall(SYS_openat2, dir_fd, relpath, &how, sizeof(how));
    if (fd < 0 && errno == ENOSYS) {
        if (strstr(relpath, "..")) {
            errno = EXDEV;
            return -1;
        }
        fd = openat(dir_fd, relpath, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
    }
    return fd;
}

typedef void (*reader_fn)(ld_fx_show *s, const char *name, const char *buf, size_t len);

static void read_artifact(ld_fx_show *s, int dir_fd, const char *kind, const char *usual,
                          reader_fn reader)
{
    bool listed = false;
    const char *path = artifact_path(s, kind, usual, &listed);
    ld_autoclose int fd = open_beneath(dir_fd, path);
    if (fd < 0) {
        if (errno == ENOENT)
            ld_fx_show_problem(s, "%s: missing from the bundle%s", path,
                               listed ? " (the manifest lists it)" : "");
        else if (errno == ELOOP || errno == EXDEV)
            ld_fx_show_problem(s, "%s: a symbolic link in its path; not read", path);
        else
            ld_fx_show_problem(s, "%s: cannot open: %s", path, strerror(errno));
        return;
    }
    struct stat st;
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
        ld_fx_show_problem(s, "%s: not a regular file; not read", path);
        return;
    }
    if (!listed)
        ld_fx_show_problem(s, "%s: not listed in the manifest (capture verify tells why)", path);
    ld_autofree char *buf = NULL;
    size_t len = 0;
    ld_error err = LD_ERROR_INIT;
    if (ld_input_read_fd(fd, path, "artifact", LD_FX_SHOW_JSON_MAX, &buf, &len, &err) < 0) {
        ld_fx_show_problem(s, "%s", err.msg);
        return;
    }
    reader(s, path, buf, len);
}

int ld_fx_show_load(const char *bundle_dir, ld_fx_show *out, ld_error *err)
{
    memset(out, 0, sizeof(*out));
    ld_autoclose int dir_fd = open(bundle_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir_fd < 0)
        return ld_error_set_errno(err, errno == ENOENT ? LD_ERR_NOT_FOUND : LD_ERR_INVALID, errno,
                                  "bundle %s", bundle_dir);
    int rc = ld_fx_manifest_read(dir_fd, &out->manifest, err);
    if (rc < 0) {
        ld_fx_show_clear(out);
        return ld_error_wrap(err, "bundle %s", bundle_dir);
    }
    read_artifact(out, dir_fd, LD_FX_KIND_PROCESSES, PROCESS_INDEX_PATH, ld_fx_show_read_processes);
    read_artifact(out, dir_fd, LD_FX_KIND_SOCKETS, SOCKETS_PATH, ld_fx_show_read_sockets);
    read_artifact(out, dir_fd, LD_FX_KIND_CHANGES, CHANGES_PATH, ld_fx_show_read_changes);
    ld_fx_show_find_suspicious(out);
    return 0;
}

void ld_fx_show_clear(ld_fx_show *s)
{
    if (!s)
        return;
    ld_fx_manifest_clear(&s->manifest);
    for (size_t i = 0; i < s->n_procs; i++)
        process_clear(&s->procs[i]);
    free(s->procs);
    for (size_t i = 0; i < s->n_sockets; i++)
        socket_clear(&s->sockets[i]);
    free(s->sockets);
    for (size_t i = 0; i < s->n_changes; i++)
        change_clear(&s->changes[i]);
    free(s->changes);
    for (size_t i = 0; i < s->n_suspicious; i++) {
        free(s->suspicious[i].kind);
        free(s->suspicious[i].subject);
        free(s->suspicious[i].detail);
    }
    free(s->suspicious);
    for (size_t i = 0; i < s->n_problems; i++)
        free(s->problems[i]);
    free(s->problems);
    memset(s, 0, sizeof(*s));
}
