/* The container's file system changes since its image (fs_changes.h): one
 * walk of the overlay upper directory feeds filesystem/upper.tar (every
 * entry as it is on disk) and filesystem/changes.json (each entry judged
 * against the image's layers: added, changed, deleted, replaced); and the
 * same walk and tar for a volume's directory (ld_fx_dir_tar). Both
 * artifacts stream into the bundle as the walk goes. Not the walk's
 * safety rules (fs_walk.c), the overlay lookup rules (fs_lower.c) or the
 * tar format (fs_tar.c). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "forensics/fs_changes.h"
#include "forensics/fs_internal.h"
#include "util/cleanup.h"
#include "util/json_out.h"
#include "util/mem.h"

#define XATTR_LIST_BUF (64u * 1024u)
#define NOTE_MAX 16

/* A FILE whose bytes go into an artifact (for the JSON writer). */
typedef struct {
    ld_fx_artifact *a;
    ld_error err;
    bool failed;
} art_stream;

static ssize_t art_stream_write(void *cookie, const char *p, size_t n)
{
    art_stream *s = cookie;
    if (s->failed)
        return -1;
    if (ld_fx_artifact_write(s->a, p, n, &s->err) < 0) {
        s->failed = true;
        errno = s->err.sys_errno ? s->err.sys_errno : EIO;
        return -1;
    }
    return (ssize_t)n;
}

typedef struct {
    ld_fx_tar *tar;
    ld_json j;
    ld_fx_lowers lowers;
    bool compare;    /* the image's layers are known */
    uint16_t *stack; /* per depth: the layers merged at that directory */
    size_t *nstack;
    uint16_t *scratch;
    char *xbuf;
    ld_fx_xattrs x;
    char parent[PATH_MAX];
    ld_fx_fs_result *res;
    uint64_t orphan_whiteouts, aufs_names, no_contents, xattrs_missing;
} changes_ctx;

static const char *type_name(const struct stat *st)
{
    if (ld_fx_is_whiteout(st))
        return "whiteout";
    switch (st->st_mode & S_IFMT) {
    case S_IFREG: return "file";
    case S_IFDIR: return "dir";
    case S_IFLNK: return "symlink";
    case S_IFCHR:
    case S_IFBLK: return "device";
    case S_IFIFO: return "fifo";
    case S_IFSOCK: return "socket";
    default: return "unknown";
    }
}

/* RFC 3339 in UTC, nanoseconds when there are any; false for a time
 * outside years 0..9999 (a container sets any mtime it likes). */
static bool rfc3339(const struct timespec *ts, char *out, size_t cap)
{
    struct tm tm;
    time_t s = ts->tv_sec;
    if (!gmtime_r(&s, &tm) || tm.tm_year < -1900 || tm.tm_year > 9999 - 1900)
        return false;
    size_t n = strftime(out, cap, "%Y-%m-%dT%H:%M:%S", &tm);
    if (!n)
        return false;
    int k = ts->tv_nsec > 0 && ts->tv_nsec < 1000000000L
                ? snprintf(out + n, cap - n, ".%09ldZ", (long)ts->tv_nsec)
                : snprintf(out + n, cap - n, "Z");
    return k > 0 && (size_t)k < cap - n;
}

static void write_change(changes_ctx *c, const ld_fx_walk_entry *e, const char *change, bool opaque,
                         const ld_fx_tar_added *added)
{
    ld_json *j = &c->j;
    const struct stat *st = e->st;
    ld_json_object_begin(j);
    ld_json_key(j, "path");
    /* "/" + relpath, as the container sees it */
    size_t n = strlen(e->relpath);
    char *abs = ld_xmalloc(n + 2);
    abs[0] = '/';
    memcpy(abs + 1, e->relpath, n + 1);
    ld_json_stringn(j, abs, n + 1);
    free(abs);
    ld_json_kv_string(j, "change", change);
    ld_json_kv_string(j, "type", type_name(st));
    char mode[16];
    snprintf(mode, sizeof mode, "%04o", (unsigned)(st->st_mode & 07777));
    ld_json_kv_string(j, "mode", mode);
    ld_json_kv_int(j, "uid", (int64_t)st->st_uid);
    ld_json_kv_int(j, "gid", (int64_t)st->st_gid);
    ld_json_kv_int(j, "size", S_ISREG(st->st_mode) ? (int64_t)st->st_size : 0);
    char when[64];
    ld_json_key(j, "mtime");
    if (rfc3339(&st->st_mtim, when, sizeof when))
        ld_json_string(j, when);
    else
        ld_json_null(j);
    if (added && added->hashed)
        ld_json_kv_string(j, "sha256", added->sha256);
    if (S_ISLNK(st->st_mode)) {
        ld_json_key(j, "link");
        if (e->link)
            ld_json_string(j, e->link);
        else
            ld_json_null(j);
    }
    bool exec = S_ISREG(st->st_mode) && ((st->st_mode & 0111) || (added && added->magic_exec));
    if (exec)
        ld_json_kv_bool(j, "executable", true);
    if (opaque)
        ld_json_kv_bool(j, "opaque", true);
    ld_json_object_end(j);
    if (exec && (strcmp(change, "added") == 0 || strcmp(change, "changed") == 0))
        c->res->executables_added++;
    c->res->entries++;
}

static int visit_change(void *vctx, const ld_fx_walk_entry *e, ld_error *err)
{
    changes_ctx *c = vctx;
    ld_fx_xattrs_read(e->fd, e->dirfd, e->name, c->xbuf, XATTR_LIST_BUF, &c->x);
    if (c->x.unreadable || c->x.incomplete)
        c->xattrs_missing++;
    ld_fx_tar_added added;
    if (ld_fx_tar_add(c->tar, e, &c->x, &added, err) < 0)
        return err->code;
    if (S_ISREG(e->st->st_mode) && !added.in_tar)
        c->no_contents++;
    /* overlayfs gives ".wh." names no meaning: a container wrote them */
    if (ld_fx_name_classify(e->name) != LD_FX_NAME_PLAIN)
        c->aufs_names++;

    size_t L = c->lowers.n;
    size_t d = e->depth; /* the parent's merged layers are at d - 1 */
    ld_fx_image_entry img = {0};
    if (c->compare) {
        memcpy(c->parent, e->relpath, e->parent_len);
        c->parent[e->parent_len] = '\0';
        ld_fx_image_lookup(&c->lowers, c->stack + (d - 1) * L, c->nstack[d - 1], c->parent, e->name,
                           c->scratch, &img);
    }
    bool dir = S_ISDIR(e->st->st_mode);
    if (c->compare && dir && e->fd >= 0 && d <= LD_FX_DEPTH_MAX) {
        memcpy(c->stack + d * L, c->scratch, img.nsub * sizeof *c->stack);
        c->nstack[d] = img.nsub;
    }
    bool opaque = dir && ld_fx_xattrs_opaque(&c->x);
    const char *change;
    if (ld_fx_is_whiteout(e->st)) {
        if (c->compare && !img.present) {
            c->orphan_whiteouts++;
            return 0;
        }
        change = "deleted";
        c->res->deleted++;
    } else if (opaque && (!c->compare || img.present)) {
        change = "replaced";
        c->res->replaced++;
    } else if (c->compare && img.present) {
        change = "changed";
        c->res->changed++;
    } else {
        change = "added";
        c->res->added++;
    }
    write_change(c, e, change, opaque, &added);
    return 0;
}

static void collect_walk_notes(const ld_fx_walk_stats *s, char **notes, size_t *n, bool *cut)
{
    if (s->capped) {
        notes[(*n)++] = ld_xasprintf("stopped at %d entries", LD_FX_CHANGES_MAX);
        *cut = true;
    }
    if (s->too_deep) {
        notes[(*n)++] = ld_xasprintf("%llu directories at depth %d not descended",
                                     (unsigned long long)s->too_deep, LD_FX_DEPTH_MAX);
        *cut = true;
    }
    if (s->too_long) {
        notes[(*n)++] = ld_xasprintf("%llu paths of PATH_MAX bytes or more left out",
                                     (unsigned long long)s->too_long);
        *cut = true;
    }
    if (s->other_fs)
        notes[(*n)++] = ld_xasprintf("%llu directories on another file system not descended",
                                     (unsigned long long)s->other_fs);
    if (s->unopenable)
        notes[(*n)++] =
            ld_xasprintf("%llu entries could not be read", (unsigned long long)s->unopenable);
    if (s->vanished)
        notes[(*n)++] =
            ld_xasprintf("%llu entries vanished during the walk", (unsigned long long)s->vanished);
}

static char *xattr_note(uint64_t n)
{
    return ld_xasprintf("extended attributes of %llu entries not read in full (unreadable, or "
                        "over %u bytes per entry)",
                        (unsigned long long)n, LD_FX_XATTR_BYTES_MAX);
}

static char *join_notes(char **notes, size_t n)
{
    if (!n)
        return NULL;
    size_t len = 1;
    for (size_t i = 0; i < n; i++)
        len += strlen(notes[i]) + 2;
    char *out = ld_xmalloc(len);
    out[0] = '\0';
    size_t at = 0;
    for (size_t i = 0; i < n; i++) {
        int k = snprintf(out + at, len - at, "%s%s", i ? "; " : "", notes[i]);
        if (k > 0)
            at += (size_t)k;
    }
    return out;
}

static int open_root(const char *dir, const char *what, ld_error *err)
{
    if (!dir || dir[0] != '/')
        return ld_error_set(err, LD_ERR_INVALID, "%s %s is not an absolute path", what,
                            dir ? dir : "(none)");
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) {
        int e = errno;
        return ld_error_set_errno(err, e == ENOENT ? LD_ERR_NOT_FOUND : LD_ERR_GENERIC, e, "%s %s",
                                  what, dir);
    }
    return fd;
}

static void changes_ctx_free(changes_ctx *c)
{
    ld_fx_lowers_close(&c->lowers);
    ld_fx_xattrs_clear(&c->x);
    free(c->stack);
    free(c->nstack);
    free(c->scratch);
    free(c->xbuf);
}

/* Opens the image's layers; when they cannot be, the comparison is off
 * and *why says so (owned by the caller). */
static void open_lowers(changes_ctx *c, const char *lowerdirs, char **why)
{
    *why = NULL;
    if (!lowerdirs) {
        *why = ld_xstrdup("the image's layers were not given: every path is listed as added, "
                          "whiteouts as deleted and opaque directories as replaced, unchecked "
                          "against the image");
        return;
    }
    ld_error lerr = LD_ERROR_INIT;
    if (ld_fx_lowers_open(lowerdirs, &c->lowers, &lerr) < 0) {
        *why = ld_xasprintf("the image's layers could not be read (%s): every path is listed "
                            "as added, whiteouts as deleted and opaque directories as "
                            "replaced, unchecked against the image",
                            lerr.msg);
        return;
    }
    size_t L = c->lowers.n;
    c->compare = true;
    c->stack = ld_xcalloc((size_t)(LD_FX_DEPTH_MAX + 1) * L, sizeof *c->stack);
    c->nstack = ld_xcalloc(LD_FX_DEPTH_MAX + 1, sizeof *c->nstack);
    c->scratch = ld_xcalloc(L ? L : 1, sizeof *c->scratch);
    for (size_t i = 0; i < L; i++)
        c->stack[i] = (uint16_t)i; /* the root: every layer */
    c->nstack[0] = L;
}

int ld_fx_fs_capture(ld_fx_bundle *b, const ld_fx_fs_options *o, ld_fx_fs_result *res,
                     ld_error *err)
{
    ld_fx_fs_result local;
    if (!res)
        res = &local;
    memset(res, 0, sizeof *res);
    ld_autoclose int root = open_root(o->upperdir, "upper directory", err);
    if (root < 0)
        return err->code;
    const char *tar_path = o->tar_path ? o->tar_path : "filesystem/upper.tar";
    const char *changes_path = o->changes_path ? o->changes_path : "filesystem/changes.json";

    changes_ctx c = {.res = res};
    c.xbuf = ld_xmalloc(XATTR_LIST_BUF);
    ld_autofree char *no_compare = NULL;
    open_lowers(&c, o->lowerdirs, &no_compare);

    if (ld_fx_tar_open(b, tar_path, LD_FX_KIND_UPPER_TAR, o->max_bytes,
                       "listed in changes.json without contents or sha256", &c.tar, err) < 0) {
        changes_ctx_free(&c);
        return err->code;
    }
    ld_fx_artifact *ja = NULL;
    if (ld_fx_artifact_open(b, changes_path, LD_FX_KIND_CHANGES, &ja, err) < 0) {
        ld_fx_tar_abort(c.tar);
        changes_ctx_free(&c);
        return err->code;
    }
    art_stream js = {.a = ja, .err = LD_ERROR_INIT};
    FILE *f = fopencookie(&js, "w", (cookie_io_functions_t){.write = art_stream_write});
    if (!f) {
        ld_fx_artifact_abort(ja);
        ld_fx_tar_abort(c.tar);
        changes_ctx_free(&c);
        return ld_error_set(err, LD_ERR_NOMEM, "%s: cannot start the stream", changes_path);
    }
    setvbuf(f, NULL, _IOFBF, 64 * 1024);
    ld_json_init(&c.j, f, false);
    ld_json_object_begin(&c.j);
    ld_json_kv_string(&c.j, "upperdir", o->upperdir);
    ld_json_key(&c.j, "lowerdirs");
    if (c.compare)
        ld_json_int(&c.j, (int64_t)c.lowers.n);
    else
        ld_json_null(&c.j);
    ld_json_key(&c.j, "changes");
    ld_json_array_begin(&c.j);

    ld_fx_walk_stats ws;
    int rc = ld_fx_walk(root, LD_FX_CHANGES_MAX, visit_change, &c, &ws, err);
    if (rc >= 0 && js.failed) {
        *err = js.err;
        rc = err->code;
    }
    if (rc < 0) {
        fclose(f);
        ld_fx_artifact_abort(ja);
        ld_fx_tar_abort(c.tar);
        changes_ctx_free(&c);
        return rc;
    }
    ld_json_array_end(&c.j);
    ld_json_key(&c.j, "counts");
    ld_json_object_begin(&c.j);
    ld_json_kv_int(&c.j, "added", (int64_t)res->added);
    ld_json_kv_int(&c.j, "changed", (int64_t)res->changed);
    ld_json_kv_int(&c.j, "deleted", (int64_t)res->deleted);
    ld_json_kv_int(&c.j, "replaced", (int64_t)res->replaced);
    ld_json_object_end(&c.j);

    char *notes[NOTE_MAX];
    size_t nn = 0;
    bool list_cut = false;
    if (no_compare)
        notes[nn++] = ld_xstrdup(no_compare);
    collect_walk_notes(&ws, notes, &nn, &list_cut);
    if (c.no_contents)
        notes[nn++] = ld_xasprintf("%llu files without contents or sha256 in %s (over its cap "
                                   "or unreadable: see its note)",
                                   (unsigned long long)c.no_contents, tar_path);
    if (c.orphan_whiteouts)
        notes[nn++] = ld_xasprintf("%llu whiteouts hide no path of the image: not listed (they "
                                   "are in %s)",
                                   (unsigned long long)c.orphan_whiteouts, tar_path);
    if (c.aufs_names)
        notes[nn++] = ld_xasprintf("%llu entries named \".wh.*\": overlayfs gives such names no "
                                   "meaning, listed as the entries they are",
                                   (unsigned long long)c.aufs_names);
    if (c.xattrs_missing)
        notes[nn++] = xattr_note(c.xattrs_missing);
    char *note = join_notes(notes, nn);
    if (list_cut)
        ld_json_kv_bool(&c.j, "truncated", true);
    ld_json_kv_string_opt(&c.j, "note", note);
    ld_json_object_end(&c.j);
    fputc('\n', f);
    int ferr = fflush(f);
    fclose(f);

    /* the walk's limits go on both artifacts */
    char *walk_notes[NOTE_MAX];
    size_t nw = 0;
    bool walk_cut = false;
    collect_walk_notes(&ws, walk_notes, &nw, &walk_cut);
    if (c.xattrs_missing)
        walk_notes[nw++] = xattr_note(c.xattrs_missing);
    ld_autofree char *walk_note = join_notes(walk_notes, nw);
    for (size_t i = 0; i < nw; i++)
        free(walk_notes[i]);
    for (size_t i = 0; i < nn; i++)
        free(notes[i]);

    if (ferr != 0 || js.failed) {
        if (js.failed)
            *err = js.err;
        else
            ld_error_set_errno(err, LD_ERR_GENERIC, errno, "%s", changes_path);
        free(note);
        ld_fx_artifact_abort(ja);
        ld_fx_tar_abort(c.tar);
        changes_ctx_free(&c);
        return err->code;
    }
    if (note)
        ld_fx_artifact_note(ja, list_cut, "%s", note);
    free(note);
    if (walk_note)
        ld_fx_tar_note(c.tar, walk_cut, walk_note);
    res->truncated = list_cut || ld_fx_tar_truncated(c.tar);
    rc = ld_fx_tar_close(c.tar, &res->tar_bytes, err);
    c.tar = NULL;
    if (rc < 0) {
        ld_fx_artifact_abort(ja);
        changes_ctx_free(&c);
        return rc;
    }
    rc = ld_fx_artifact_close(ja, err);
    changes_ctx_free(&c);
    return rc;
}

typedef struct {
    ld_fx_tar *tar;
    char *xbuf;
    ld_fx_xattrs x;
    uint64_t xattrs_missing;
} dir_tar_ctx;

static int visit_dir_tar(void *vctx, const ld_fx_walk_entry *e, ld_error *err)
{
    dir_tar_ctx *c = vctx;
    ld_fx_xattrs_read(e->fd, e->dirfd, e->name, c->xbuf, XATTR_LIST_BUF, &c->x);
    if (c->x.unreadable || c->x.incomplete)
        c->xattrs_missing++;
    ld_fx_tar_added added;
    return ld_fx_tar_add(c->tar, e, &c->x, &added, err);
}

int ld_fx_dir_tar(ld_fx_bundle *b, const char *dir, const char *relpath, const char *kind,
                  uint64_t max_bytes, ld_error *err)
{
    ld_autoclose int root = open_root(dir, "directory", err);
    if (root < 0)
        return err->code;
    dir_tar_ctx c = {0};
    if (ld_fx_tar_open(b, relpath, kind, max_bytes, NULL, &c.tar, err) < 0)
        return err->code;
    c.xbuf = ld_xmalloc(XATTR_LIST_BUF);
    ld_fx_walk_stats ws;
    int rc = ld_fx_walk(root, LD_FX_CHANGES_MAX, visit_dir_tar, &c, &ws, err);
    ld_fx_xattrs_clear(&c.x);
    free(c.xbuf);
    if (rc < 0) {
        ld_fx_tar_abort(c.tar);
        return rc;
    }
    char *notes[NOTE_MAX];
    size_t nn = 0;
    bool cut = false;
    collect_walk_notes(&ws, notes, &nn, &cut);
    if (c.xattrs_missing)
        notes[nn++] = xattr_note(c.xattrs_missing);
    char *note = join_notes(notes, nn);
    for (size_t i = 0; i < nn; i++)
        free(notes[i]);
    if (note)
        ld_fx_tar_note(c.tar, cut, note);
    free(note);
    return ld_fx_tar_close(c.tar, NULL, err);
}
