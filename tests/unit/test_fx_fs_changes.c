/* Unit tests for the file system capture (forensics/fs_changes.c and
 * fs_lower.c, fs_walk.c, fs_tar.c, fs_xattr.c): an overlay upper layer
 * and two lower layers built by hand (whiteouts made with mknod 0/0,
 * opaque directories with trusted.overlay.opaque: needs root), then
 * changes.json checked item by item (added, changed, deleted, replaced; a
 * whiteout and an opaque directory in the higher lower layer hiding the
 * lower one; executables by magic without an exec bit) and upper.tar read
 * back with libarchive (members, link texts, the whiteout device, xattrs);
 * hostile trees: links to /etc/shadow and out of the layer recorded, never
 * followed, a linked directory not descended, a fifo that does not block,
 * a socket, a non-UTF-8 name; the size cap (left out, noted, the tar
 * still under the cap and whole), the depth limit, the entry cap of the
 * walk, a full disk under the bundle (nothing recorded); the lowerdirs and
 * xattr-list decoders on hostile input; and one real container (prefix
 * ldfs-) when the engine is there. */
#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/un.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <cmocka.h>

#include "forensics/bundle.h"
#include "forensics/fs_changes.h"
#include "forensics/fs_internal.h"
#include "util/child_run.h"
#include "util/mem.h"

#include "test_fx_util.h"
#include "test_skip.h"

static char *tmp;          /* the test's directory, removed in teardown */
static char *mounted;      /* a tmpfs the test mounted, unmounted in teardown */
static char container[64]; /* a container the test started, removed in teardown */

static int setup(void **state)
{
    (void)state;
    tmp = fx_tmpdir();
    alarm(100); /* a blocking open (the fifo) fails the test instead of hanging */
    return 0;
}

static void docker_rm(const char *name);

static int teardown(void **state)
{
    (void)state;
    alarm(0);
    if (container[0]) {
        docker_rm(container);
        container[0] = '\0';
    }
    if (mounted) {
        umount2(mounted, MNT_DETACH);
        free(mounted);
        mounted = NULL;
    }
    fx_rmtree(tmp);
    free(tmp);
    tmp = NULL;
    return 0;
}

/* ---- building trees ---- */

static char *at(const char *rel)
{
    return fx_path(tmp, rel);
}

static void mk(const char *rel, mode_t mode)
{
    char *p = at(rel);
    if (mkdir(p, mode) < 0 && errno != EEXIST)
        fail_msg("mkdir %s: %s", p, strerror(errno));
    chmod(p, mode);
    free(p);
}

static void put(const char *rel, const void *data, size_t len, mode_t mode)
{
    char *p = at(rel);
    fx_write(p, data, len);
    assert_int_equal(chmod(p, mode), 0);
    free(p);
}

static void puts_(const char *rel, const char *text, mode_t mode)
{
    put(rel, text, strlen(text), mode);
}

static void whiteout(const char *rel)
{
    char *p = at(rel);
    if (mknod(p, S_IFCHR | 0, makedev(0, 0)) < 0)
        fail_msg("mknod %s: %s (needs root)", p, strerror(errno));
    free(p);
}

static void opaque(const char *rel)
{
    char *p = at(rel);
    if (setxattr(p, "trusted.overlay.opaque", "y", 1, 0) < 0)
        fail_msg("setxattr %s: %s (needs root)", p, strerror(errno));
    free(p);
}

static void sym(const char *rel, const char *target)
{
    char *p = at(rel);
    assert_int_equal(symlink(target, p), 0);
    free(p);
}

/* A unix socket bound at rel (the fd is closed, the inode stays). */
static void sock(const char *rel)
{
    char *p = at(rel);
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    assert_true(strlen(p) < sizeof sa.sun_path);
    memcpy(sa.sun_path, p, strlen(p) + 1);
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    assert_true(fd >= 0);
    assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof sa), 0);
    close(fd);
    free(p);
}

static bool is_root(void)
{
    return geteuid() == 0;
}

/* ---- reading what was written ---- */

static json_t *load_json(const char *rel)
{
    char *p = at(rel);
    json_error_t je;
    json_t *doc = json_load_file(p, 0, &je);
    if (!doc)
        fail_msg("%s: %s (line %d)", p, je.text, je.line);
    free(p);
    return doc;
}

static json_t *find_change(json_t *doc, const char *path)
{
    json_t *changes = json_object_get(doc, "changes");
    assert_true(json_is_array(changes));
    size_t i;
    json_t *c;
    json_array_foreach(changes, i, c)
    {
        const char *p = json_string_value(json_object_get(c, "path"));
        if (p && strcmp(p, path) == 0)
            return c;
    }
    return NULL;
}

static const char *str(json_t *o, const char *key)
{
    return json_string_value(json_object_get(o, key));
}

static json_t *expect(json_t *doc, const char *path, const char *change, const char *type)
{
    json_t *c = find_change(doc, path);
    if (!c)
        fail_msg("%s: not in changes.json", path);
    if (!str(c, "change") || strcmp(str(c, "change"), change) != 0)
        fail_msg("%s: change %s, expected %s", path, str(c, "change"), change);
    if (!str(c, "type") || strcmp(str(c, "type"), type) != 0)
        fail_msg("%s: type %s, expected %s", path, str(c, "type"), type);
    return c;
}

static size_t count_change(json_t *doc, const char *change)
{
    size_t n = 0, i;
    json_t *c;
    json_array_foreach(json_object_get(doc, "changes"), i, c)
    {
        if (strcmp(str(c, "change"), change) == 0)
            n++;
    }
    return n;
}

typedef struct {
    char *path;
    mode_t type;
    dev_t rdev;
    char *link;
    unsigned char *data;
    size_t len;
    char *opaque;      /* the trusted.overlay.opaque xattr, NULL when none */
    char *xattr_names; /* every xattr name, each followed by ';' (pax keeps two forms) */
} member;

typedef struct {
    member *m;
    size_t n;
} members;

static void members_free(members *ms)
{
    for (size_t i = 0; i < ms->n; i++) {
        free(ms->m[i].path);
        free(ms->m[i].link);
        free(ms->m[i].data);
        free(ms->m[i].opaque);
        free(ms->m[i].xattr_names);
    }
    free(ms->m);
}

/* Every member of the tar at rel; the read must reach the end cleanly. */
static members read_tar(const char *rel)
{
    char *p = at(rel);
    struct archive *a = archive_read_new();
    archive_read_support_format_tar(a);
    if (archive_read_open_filename(a, p, 10240) != ARCHIVE_OK)
        fail_msg("%s: %s", p, archive_error_string(a));
    members ms = {0};
    struct archive_entry *e;
    int r;
    while ((r = archive_read_next_header(a, &e)) == ARCHIVE_OK) {
        ms.m = ld_xrealloc(ms.m, (ms.n + 1) * sizeof *ms.m);
        member *m = &ms.m[ms.n++];
        memset(m, 0, sizeof *m);
        m->path = ld_xstrdup(archive_entry_pathname(e));
        m->type = archive_entry_filetype(e);
        m->rdev = archive_entry_rdev(e);
        m->link = ld_xstrdup(archive_entry_symlink(e));
        archive_entry_xattr_reset(e);
        const char *name;
        const void *value;
        size_t vlen;
        m->xattr_names = ld_xstrdup("");
        while (archive_entry_xattr_next(e, &name, &value, &vlen) == ARCHIVE_OK) {
            char *more = ld_xasprintf("%s%s;", m->xattr_names, name);
            free(m->xattr_names);
            m->xattr_names = more;
            if (strcmp(name, "trusted.overlay.opaque") == 0) {
                free(m->opaque); /* pax keeps it twice: SCHILY and LIBARCHIVE */
                m->opaque = ld_xstrndup(value, vlen);
            }
        }
        int64_t size = archive_entry_size(e);
        if (m->type == AE_IFREG && size > 0) {
            m->data = ld_xmalloc((size_t)size);
            la_ssize_t got = archive_read_data(a, m->data, (size_t)size);
            assert_int_equal(got, size);
            m->len = (size_t)size;
        }
    }
    if (r != ARCHIVE_EOF)
        fail_msg("%s: not read to its end: %s", p, archive_error_string(a));
    archive_read_free(a);
    free(p);
    return ms;
}

static member *member_at(members *ms, const char *path)
{
    for (size_t i = 0; i < ms->n; i++) {
        /* libarchive may add a trailing '/' to a directory */
        size_t n = strlen(path);
        if (strncmp(ms->m[i].path, path, n) == 0 &&
            (ms->m[i].path[n] == '\0' || strcmp(ms->m[i].path + n, "/") == 0))
            return &ms->m[i];
    }
    return NULL;
}

static const ld_fx_entry *bundle_entry(ld_fx_bundle *b, const char *path)
{
    size_t n = 0;
    const ld_fx_entry *e = ld_fx_bundle_entries(b, &n);
    for (size_t i = 0; i < n; i++)
        if (strcmp(e[i].path, path) == 0)
            return &e[i];
    return NULL;
}

static ld_fx_bundle *new_bundle(void)
{
    char *p = at("bundle");
    ld_error err = LD_ERROR_INIT;
    ld_fx_bundle *b = ld_fx_bundle_create(p, &err);
    if (!b)
        fail_msg("bundle %s: %s", p, err.msg);
    free(p);
    return b;
}

/* ---- the overlay fixture ---- */

static const char passwd_new[] = "root:x:0:0:root:/root:/bin/sh\nintruder:x:0:0::/:/bin/sh\n";
static const char marker[] = "LD-OUTSIDE-MARKER-9f3b2c";
static const unsigned char elf_head[] = {0x7f, 'E', 'L', 'F', 2, 1, 1, 0, 0, 0, 0, 0};

/* l2 (the image's bottom layer), l1 (its top layer), upper (the
 * container's layer) and outside (a directory no capture may read). */
static void build_overlay(void)
{
    mk("outside", 0755);
    puts_("outside/secret", marker, 0644);

    mk("l2", 0755);
    mk("l2/etc", 0755);
    puts_("l2/etc/passwd", "root:x:0:0:root:/root:/bin/sh\n", 0644);
    puts_("l2/etc/group", "root:x:0:\n", 0644);
    mk("l2/gone", 0755);
    puts_("l2/gone/f", "f\n", 0644);
    mk("l2/hidden", 0755);
    puts_("l2/hidden/x", "x\n", 0644);
    mk("l2/data", 0755);
    puts_("l2/data/a", "a\n", 0644);
    mk("l2/opt", 0755);
    mk("l2/opt/app", 0755);
    puts_("l2/opt/app/tool", "#!/bin/sh\n", 0755);
    mk("l2/usr", 0755);
    mk("l2/usr/local", 0755);
    mk("l2/usr/local/bin", 0755);
    mk("l2/bin", 0755);
    puts_("l2/bin/sh", "shell\n", 0755);
    mk("l2/lnk", 0755);

    mk("l1", 0755);
    whiteout("l1/hidden"); /* the image's top layer deleted /hidden */
    mk("l1/data", 0755);
    opaque("l1/data"); /* and replaced /data: /data/a is not in the image */
    puts_("l1/data/b", "b\n", 0644);
    mk("l1/etc", 0755);
    puts_("l1/etc/hosts", "127.0.0.1 localhost\n", 0644);

    mk("upper", 0755);
    mk("upper/etc", 0755);
    puts_("upper/etc/passwd", passwd_new, 0644);
    puts_("upper/etc/newfile", "new\n", 0640);
    puts_("upper/etc/.wh.group", "", 0644); /* overlayfs: an ordinary file */
    char *p = at("upper/etc/newfile");
    struct timespec ts[2] = {{1700000000, 500000000}, {1700000000, 500000000}};
    assert_int_equal(utimensat(AT_FDCWD, p, ts, AT_SYMLINK_NOFOLLOW), 0);
    free(p);
    whiteout("upper/gone");
    whiteout("upper/nothere"); /* hides nothing of the image */
    mk("upper/hidden", 0755);
    puts_("upper/hidden/x", "x again\n", 0644);
    mk("upper/data", 0755);
    puts_("upper/data/a", "a again\n", 0644);
    puts_("upper/data/b", "b again\n", 0644);
    mk("upper/opt", 0755);
    opaque("upper/opt");
    puts_("upper/opt/new", "fresh\n", 0644);
    mk("upper/usr", 0755);
    mk("upper/usr/local", 0755);
    mk("upper/usr/local/bin", 0755);
    put("upper/usr/local/bin/elfy", elf_head, sizeof elf_head, 0644);
    puts_("upper/usr/local/bin/script", "#!/bin/sh\necho hi\n", 0600);
    puts_("upper/usr/local/bin/plain", "not a script\n", 0755);
    puts_("upper/usr/local/bin/notes", "plain text\n", 0644);
    sym("upper/evil", "/etc/shadow");
    sym("upper/rel", "../outside/secret");
    sym("upper/dirlink", "../outside");
    p = at("upper/pipe");
    assert_int_equal(mkfifo(p, 0644), 0);
    free(p);
    sock("upper/sock");
    p = at("upper/nul");
    assert_int_equal(mknod(p, S_IFCHR | 0644, makedev(1, 3)), 0);
    free(p);
    puts_("upper/bad\xff", "bad name\n", 0644);
}

static char *lowerdirs(void)
{
    return ld_xasprintf("%s/l1:%s/l2", tmp, tmp);
}

static void test_overlay_changes(void **state)
{
    (void)state;
    if (!is_root())
        LD_SKIP_OPTIONAL("needs root (mknod whiteouts, trusted.overlay.opaque)");
    build_overlay();
    ld_fx_bundle *b = new_bundle();
    char *upper = at("upper");
    char *lower = lowerdirs();
    ld_fx_fs_options o = {.upperdir = upper, .lowerdirs = lower};
    ld_fx_fs_result res;
    ld_error err = LD_ERROR_INIT;
    if (ld_fx_fs_capture(b, &o, &res, &err) < 0)
        fail_msg("capture: %s", err.msg);

    json_t *doc = load_json("bundle/filesystem/changes.json");
    assert_string_equal(str(doc, "upperdir"), upper);
    assert_int_equal(json_integer_value(json_object_get(doc, "lowerdirs")), 2);

    json_t *c = expect(doc, "/etc", "changed", "dir");
    c = expect(doc, "/etc/passwd", "changed", "file");
    char want[65];
    fx_sha256_hex(passwd_new, strlen(passwd_new), want);
    assert_string_equal(str(c, "sha256"), want);
    assert_string_equal(str(c, "mode"), "0644");
    assert_int_equal(json_integer_value(json_object_get(c, "size")), strlen(passwd_new));
    assert_null(json_object_get(c, "executable"));
    c = expect(doc, "/etc/newfile", "added", "file");
    assert_string_equal(str(c, "mode"), "0640");
    assert_string_equal(str(c, "mtime"), "2023-11-14T22:13:20.500000000Z");
    /* ".wh.group" is a file the container wrote, not a deletion of /etc/group */
    expect(doc, "/etc/.wh.group", "added", "file");
    assert_null(find_change(doc, "/etc/group"));
    expect(doc, "/gone", "deleted", "whiteout");
    assert_null(find_change(doc, "/nothere")); /* hides nothing of the image */
    /* the image's top layer whited /hidden out: the container's is new */
    expect(doc, "/hidden", "added", "dir");
    expect(doc, "/hidden/x", "added", "file");
    /* the image's top layer made /data opaque: /data/a is not in it, /data/b is */
    expect(doc, "/data", "changed", "dir");
    expect(doc, "/data/a", "added", "file");
    expect(doc, "/data/b", "changed", "file");
    c = expect(doc, "/opt", "replaced", "dir");
    assert_true(json_is_true(json_object_get(c, "opaque")));
    expect(doc, "/opt/new", "added", "file");
    expect(doc, "/usr/local/bin", "changed", "dir");
    c = expect(doc, "/usr/local/bin/elfy", "added", "file");
    assert_true(json_is_true(json_object_get(c, "executable"))); /* ELF magic, mode 0644 */
    c = expect(doc, "/usr/local/bin/script", "added", "file");
    assert_true(json_is_true(json_object_get(c, "executable"))); /* "#!", mode 0600 */
    c = expect(doc, "/usr/local/bin/plain", "added", "file");
    assert_true(json_is_true(json_object_get(c, "executable"))); /* exec bit */
    c = expect(doc, "/usr/local/bin/notes", "added", "file");
    assert_null(json_object_get(c, "executable"));
    c = expect(doc, "/evil", "added", "symlink");
    assert_string_equal(str(c, "link"), "/etc/shadow");
    assert_null(json_object_get(c, "sha256"));
    c = expect(doc, "/rel", "added", "symlink");
    assert_string_equal(str(c, "link"), "../outside/secret");
    expect(doc, "/dirlink", "added", "symlink");
    expect(doc, "/pipe", "added", "fifo");
    expect(doc, "/sock", "added", "socket");
    expect(doc, "/nul", "added", "device");
    expect(doc, "/bad\xef\xbf\xbd", "added", "file"); /* the 0xff byte as U+FFFD */
    /* nothing beneath the linked directory, nothing the image has untouched */
    json_t *changes = json_object_get(doc, "changes");
    size_t i;
    json_array_foreach(changes, i, c)
    {
        assert_null(strstr(str(c, "path"), "secret"));
        assert_null(strstr(str(c, "path"), "/bin/sh"));
    }

    /* counts: the listing, the result and the fixture agree */
    json_t *counts = json_object_get(doc, "counts");
    size_t added = count_change(doc, "added"), changed = count_change(doc, "changed");
    size_t deleted = count_change(doc, "deleted"), replaced = count_change(doc, "replaced");
    assert_int_equal(added, 17);
    assert_int_equal(changed, 7);
    assert_int_equal(deleted, 1);
    assert_int_equal(replaced, 1);
    assert_int_equal(json_integer_value(json_object_get(counts, "added")), added);
    assert_int_equal(json_integer_value(json_object_get(counts, "changed")), changed);
    assert_int_equal(json_integer_value(json_object_get(counts, "deleted")), deleted);
    assert_int_equal(json_integer_value(json_object_get(counts, "replaced")), replaced);
    assert_int_equal(res.added, added);
    assert_int_equal(res.changed, changed);
    assert_int_equal(res.deleted, deleted);
    assert_int_equal(res.replaced, replaced);
    assert_int_equal(res.entries, json_array_size(changes));
    assert_int_equal(res.executables_added, 3);
    assert_false(res.truncated);
    assert_null(json_object_get(doc, "truncated"));
    const char *note = str(doc, "note");
    assert_non_null(note);
    assert_non_null(strstr(note, "1 whiteouts hide no path"));
    assert_non_null(strstr(note, ".wh.*"));

    /* the tar: every entry but the socket, as it is on disk */
    members ms = read_tar("bundle/filesystem/upper.tar");
    assert_int_equal(ms.n, 27 - 1);
    member *m = member_at(&ms, "etc/passwd");
    assert_non_null(m);
    assert_int_equal(m->len, strlen(passwd_new));
    assert_memory_equal(m->data, passwd_new, m->len);
    m = member_at(&ms, "gone");
    assert_non_null(m);
    assert_int_equal(m->type, AE_IFCHR);
    assert_int_equal(m->rdev, 0);
    m = member_at(&ms, "nothere");
    assert_non_null(m); /* kept in the tar though not listed */
    m = member_at(&ms, "evil");
    assert_non_null(m);
    assert_int_equal(m->type, AE_IFLNK);
    assert_string_equal(m->link, "/etc/shadow");
    assert_int_equal(m->len, 0);
    m = member_at(&ms, "opt");
    assert_non_null(m);
    assert_int_equal(m->type, AE_IFDIR);
    assert_non_null(m->opaque);
    assert_string_equal(m->opaque, "y");
    m = member_at(&ms, "pipe");
    assert_non_null(m);
    assert_int_equal(m->type, AE_IFIFO);
    m = member_at(&ms, "nul");
    assert_non_null(m);
    assert_int_equal(m->rdev, makedev(1, 3));
    assert_null(member_at(&ms, "sock"));
    assert_non_null(member_at(&ms, "usr/local/bin/elfy"));
    for (size_t k = 0; k < ms.n; k++)
        assert_int_not_equal(strncmp(ms.m[k].path, "dirlink/", 8), 0);
    members_free(&ms);

    /* no byte of what the links point at is in the tar */
    size_t tlen = 0;
    char *tpath = at("bundle/filesystem/upper.tar");
    unsigned char *tar = fx_read(tpath, &tlen);
    assert_non_null(tar);
    assert_null(memmem(tar, tlen, marker, strlen(marker)));
    size_t slen = 0;
    unsigned char *shadow = fx_read("/etc/shadow", &slen);
    if (shadow && slen >= 16)
        assert_null(memmem(tar, tlen, shadow, slen));
    free(shadow);

    /* both artifacts recorded, hashed as written */
    const ld_fx_entry *te = bundle_entry(b, "filesystem/upper.tar");
    assert_non_null(te);
    assert_string_equal(te->kind, LD_FX_KIND_UPPER_TAR);
    fx_sha256_hex(tar, tlen, want);
    assert_string_equal(te->sha256, want);
    assert_int_equal(te->size, tlen);
    assert_int_equal(res.tar_bytes, tlen);
    assert_false(te->truncated);
    assert_non_null(te->note); /* the socket left out */
    assert_non_null(strstr(te->note, "socket"));
    const ld_fx_entry *ce = bundle_entry(b, "filesystem/changes.json");
    assert_non_null(ce);
    assert_string_equal(ce->kind, LD_FX_KIND_CHANGES);
    assert_false(ce->truncated);
    free(tar);
    free(tpath);
    json_decref(doc);
    ld_fx_bundle_free(b);
    free(upper);
    free(lower);
}

/* Without the image's layers: nothing can be "changed"; whiteouts and
 * opaque directories still say what they are. */
static void test_no_lowers(void **state)
{
    (void)state;
    if (!is_root())
        LD_SKIP_OPTIONAL("needs root (mknod whiteouts, trusted.overlay.opaque)");
    build_overlay();
    ld_fx_bundle *b = new_bundle();
    char *upper = at("upper");
    ld_fx_fs_options o = {.upperdir = upper, .lowerdirs = NULL};
    ld_fx_fs_result res;
    ld_error err = LD_ERROR_INIT;
    if (ld_fx_fs_capture(b, &o, &res, &err) < 0)
        fail_msg("capture: %s", err.msg);
    json_t *doc = load_json("bundle/filesystem/changes.json");
    assert_true(json_is_null(json_object_get(doc, "lowerdirs")));
    assert_non_null(strstr(str(doc, "note"), "not given"));
    expect(doc, "/etc/passwd", "added", "file");
    expect(doc, "/gone", "deleted", "whiteout");
    expect(doc, "/nothere", "deleted", "whiteout");
    expect(doc, "/opt", "replaced", "dir");
    assert_int_equal(count_change(doc, "changed"), 0);
    assert_int_equal(res.changed, 0);
    assert_int_equal(res.deleted, 2);
    json_decref(doc);
    ld_fx_bundle_free(b);
    free(upper);
}

/* A lowerdirs list that cannot be opened: the capture goes on, unchecked,
 * and says why. */
static void test_lowers_unreadable(void **state)
{
    (void)state;
    mk("upper", 0755);
    puts_("upper/f", "f\n", 0644);
    ld_fx_bundle *b = new_bundle();
    char *upper = at("upper");
    ld_fx_fs_options o = {.upperdir = upper, .lowerdirs = "/nonexistent-ld-layer/diff"};
    ld_fx_fs_result res;
    ld_error err = LD_ERROR_INIT;
    if (ld_fx_fs_capture(b, &o, &res, &err) < 0)
        fail_msg("capture: %s", err.msg);
    json_t *doc = load_json("bundle/filesystem/changes.json");
    assert_true(json_is_null(json_object_get(doc, "lowerdirs")));
    assert_non_null(strstr(str(doc, "note"), "/nonexistent-ld-layer/diff"));
    expect(doc, "/f", "added", "file");
    json_decref(doc);
    ld_fx_bundle_free(b);
    free(upper);
}

static void test_upper_refused(void **state)
{
    (void)state;
    ld_fx_bundle *b = new_bundle();
    ld_error err = LD_ERROR_INIT;
    ld_fx_fs_result res;
    ld_fx_fs_options o = {.upperdir = "/nonexistent-ld-upper/diff"};
    assert_true(ld_fx_fs_capture(b, &o, &res, &err) < 0);
    assert_int_equal(err.code, LD_ERR_NOT_FOUND);
    assert_non_null(strstr(err.msg, "/nonexistent-ld-upper/diff"));
    ld_error_clear(&err);
    o.upperdir = "relative/diff";
    assert_int_equal(ld_fx_fs_capture(b, &o, &res, &err), LD_ERR_INVALID);
    /* the upper directory itself a link: refused, not followed */
    mk("real", 0755);
    puts_("real/f", marker, 0644);
    sym("upperlink", "real");
    char *l = at("upperlink");
    o.upperdir = l;
    ld_error_clear(&err);
    assert_true(ld_fx_fs_capture(b, &o, &res, &err) < 0);
    size_t n = 1;
    ld_fx_bundle_entries(b, &n);
    assert_int_equal(n, 0); /* nothing recorded by a refused capture */
    free(l);
    ld_fx_bundle_free(b);
}

/* The cap: what does not fit is left out whole (the tar stays a tar
 * under the cap), later entries that fit still go in, everything is
 * listed, and both artifacts say so. */
static void test_cap(void **state)
{
    (void)state;
    mk("upper", 0755);
    size_t big_len = 300 * 1024;
    unsigned char *big = ld_xmalloc(big_len);
    for (size_t i = 0; i < big_len; i++)
        big[i] = (unsigned char)(i * 131u + 7u);
    put("upper/big", big, big_len, 0644);
    free(big);
    char name[32];
    for (int i = 0; i < 5; i++) {
        snprintf(name, sizeof name, "upper/small%d", i);
        puts_(name, "small contents\n", 0644);
    }
    ld_fx_bundle *b = new_bundle();
    char *upper = at("upper");
    uint64_t cap = 64 * 1024;
    ld_fx_fs_options o = {.upperdir = upper, .max_bytes = cap};
    ld_fx_fs_result res;
    ld_error err = LD_ERROR_INIT;
    if (ld_fx_fs_capture(b, &o, &res, &err) < 0)
        fail_msg("capture: %s", err.msg);
    assert_true(res.truncated);
    assert_true(res.tar_bytes <= cap);
    members ms = read_tar("bundle/filesystem/upper.tar");
    assert_null(member_at(&ms, "big"));
    for (int i = 0; i < 5; i++) {
        snprintf(name, sizeof name, "small%d", i);
        assert_non_null(member_at(&ms, name));
    }
    members_free(&ms);
    json_t *doc = load_json("bundle/filesystem/changes.json");
    json_t *c = expect(doc, "/big", "added", "file");
    assert_null(json_object_get(c, "sha256")); /* not in the tar: no hash claimed */
    assert_int_equal(json_integer_value(json_object_get(c, "size")), big_len);
    c = expect(doc, "/small0", "added", "file");
    assert_non_null(str(c, "sha256"));
    assert_non_null(strstr(str(doc, "note"), "without contents"));
    const ld_fx_entry *te = bundle_entry(b, "filesystem/upper.tar");
    assert_non_null(te);
    assert_true(te->truncated);
    assert_true(te->size <= cap);
    assert_non_null(strstr(te->note, "cap"));
    json_decref(doc);
    ld_fx_bundle_free(b);
    free(upper);
}

/* Deep nesting: listed to LD_FX_DEPTH_MAX, the directory there not
 * descended, the listing marked truncated. */
static void test_depth(void **state)
{
    (void)state;
    mk("upper", 0755);
    char *p = at("upper");
    int fd = open(p, O_RDONLY | O_DIRECTORY);
    assert_true(fd >= 0);
    for (int i = 0; i < LD_FX_DEPTH_MAX + 40; i++) {
        assert_int_equal(mkdirat(fd, "d", 0755), 0);
        int next = openat(fd, "d", O_RDONLY | O_DIRECTORY);
        assert_true(next >= 0);
        close(fd);
        fd = next;
    }
    close(fd);
    ld_fx_bundle *b = new_bundle();
    ld_fx_fs_options o = {.upperdir = p};
    ld_fx_fs_result res;
    ld_error err = LD_ERROR_INIT;
    if (ld_fx_fs_capture(b, &o, &res, &err) < 0)
        fail_msg("capture: %s", err.msg);
    json_t *doc = load_json("bundle/filesystem/changes.json");
    assert_int_equal(json_array_size(json_object_get(doc, "changes")), LD_FX_DEPTH_MAX);
    assert_true(json_is_true(json_object_get(doc, "truncated")));
    assert_non_null(strstr(str(doc, "note"), "not descended"));
    assert_true(res.truncated);
    members ms = read_tar("bundle/filesystem/upper.tar");
    assert_int_equal(ms.n, LD_FX_DEPTH_MAX);
    members_free(&ms);
    const ld_fx_entry *ce = bundle_entry(b, "filesystem/changes.json");
    assert_true(ce->truncated);
    json_decref(doc);
    ld_fx_bundle_free(b);
    free(p);
}

static int count_visit(void *ctx, const ld_fx_walk_entry *e, ld_error *err)
{
    (void)e;
    (void)err;
    (*(int *)ctx)++;
    return 0;
}

/* The walk's entry cap (LD_FX_CHANGES_MAX for a capture) stops it. */
static void test_walk_cap(void **state)
{
    (void)state;
    mk("w", 0755);
    mk("w/a", 0755);
    puts_("w/a/1", "1", 0644);
    puts_("w/a/2", "2", 0644);
    puts_("w/b", "b", 0644);
    char *p = at("w");
    int fd = open(p, O_RDONLY | O_DIRECTORY);
    assert_true(fd >= 0);
    int n = 0;
    ld_fx_walk_stats ws;
    ld_error err = LD_ERROR_INIT;
    assert_int_equal(ld_fx_walk(fd, 100, count_visit, &n, &ws, &err), 0);
    assert_int_equal(n, 4);
    assert_false(ws.capped);
    n = 0;
    assert_int_equal(ld_fx_walk(fd, 3, count_visit, &n, &ws, &err), 0);
    assert_int_equal(n, 3);
    assert_true(ws.capped);
    close(fd);
    free(p);
}

/* A volume's directory: the same rules, no comparison. */
static void test_dir_tar(void **state)
{
    (void)state;
    mk("outside", 0755);
    puts_("outside/secret", marker, 0644);
    mk("vol", 0755);
    mk("vol/sub", 0700);
    puts_("vol/sub/data.db", "rows\n", 0600);
    sym("vol/escape", "../outside/secret");
    sym("vol/escdir", "../outside");
    /* the link's target has an xattr the link does not: not to be read through it */
    char *sp = at("outside/secret");
    bool target_xattr = setxattr(sp, "user.ld-target", "1", 1, 0) == 0;
    free(sp);
    char *dp = at("vol/sub/data.db");
    bool own_xattr = setxattr(dp, "user.ld-own", "2", 1, 0) == 0;
    free(dp);
    ld_fx_bundle *b = new_bundle();
    char *v = at("vol");
    ld_error err = LD_ERROR_INIT;
    if (ld_fx_dir_tar(b, v, "volumes/0-data.tar", LD_FX_KIND_VOLUME_TAR, 0, &err) < 0)
        fail_msg("dir tar: %s", err.msg);
    members ms = read_tar("bundle/volumes/0-data.tar");
    assert_int_equal(ms.n, 4);
    member *m = member_at(&ms, "sub/data.db");
    assert_non_null(m);
    assert_memory_equal(m->data, "rows\n", 5);
    if (own_xattr)
        assert_non_null(strstr(m->xattr_names, "user.ld-own;"));
    m = member_at(&ms, "escape");
    assert_string_equal(m->link, "../outside/secret");
    if (target_xattr)
        assert_string_equal(m->xattr_names, "");
    members_free(&ms);
    size_t tlen = 0;
    char *tp = at("bundle/volumes/0-data.tar");
    unsigned char *tar = fx_read(tp, &tlen);
    assert_null(memmem(tar, tlen, marker, strlen(marker)));
    const ld_fx_entry *e = bundle_entry(b, "volumes/0-data.tar");
    assert_non_null(e);
    assert_string_equal(e->kind, LD_FX_KIND_VOLUME_TAR);
    char want[65];
    fx_sha256_hex(tar, tlen, want);
    assert_string_equal(e->sha256, want);
    free(tar);
    free(tp);
    ld_error_clear(&err);
    assert_true(ld_fx_dir_tar(b, "/nonexistent-ld-vol", "volumes/1-x.tar", LD_FX_KIND_VOLUME_TAR, 0,
                              &err) < 0);
    assert_int_equal(err.code, LD_ERR_NOT_FOUND);
    ld_fx_bundle_free(b);
    free(v);
}

/* A full disk under the bundle: an error that keeps ENOSPC (the capture
 * stops on it), and no partial artifact recorded. */
static void test_disk_full(void **state)
{
    (void)state;
    if (!is_root())
        LD_SKIP_OPTIONAL("needs root (mounts a small tmpfs)");
    mk("small", 0755);
    char *m = at("small");
    if (mount("tmpfs", m, "tmpfs", 0, "size=128k") < 0) {
        int e = errno;
        free(m);
        LD_SKIP_OPTIONAL("cannot mount a tmpfs here: %s", strerror(e));
    }
    mounted = m;
    mk("upper", 0755);
    size_t len = 1024 * 1024;
    unsigned char *data = ld_xmalloc(len);
    memset(data, 'z', len);
    put("upper/big", data, len, 0644);
    free(data);
    char *bdir = at("small/bundle");
    ld_error err = LD_ERROR_INIT;
    ld_fx_bundle *b = ld_fx_bundle_create(bdir, &err);
    assert_non_null(b);
    char *upper = at("upper");
    ld_fx_fs_options o = {.upperdir = upper};
    ld_fx_fs_result res;
    assert_true(ld_fx_fs_capture(b, &o, &res, &err) < 0);
    assert_int_equal(err.sys_errno, ENOSPC);
    size_t n = 1;
    ld_fx_bundle_entries(b, &n);
    assert_int_equal(n, 0);
    char *t = at("small/bundle/filesystem/upper.tar");
    struct stat st;
    assert_int_equal(lstat(t, &st), -1); /* the partial file is gone */
    free(t);
    ld_fx_bundle_free(b);
    free(bdir);
    free(upper);
}

/* A regular file swapped for a fifo between the walk's stat and the
 * open: the open does not block, the entry is left out as changed. */
static void test_swapped_fifo(void **state)
{
    (void)state;
    mk("d", 0755);
    puts_("d/regular", "r\n", 0644);
    char *p = at("d/swapped");
    assert_int_equal(mkfifo(p, 0644), 0);
    free(p);
    char *d = at("d");
    int dirfd = open(d, O_RDONLY | O_DIRECTORY);
    assert_true(dirfd >= 0);
    struct stat st;
    assert_int_equal(fstatat(dirfd, "regular", &st, AT_SYMLINK_NOFOLLOW), 0);
    ld_fx_bundle *b = new_bundle();
    ld_fx_tar *t = NULL;
    ld_error err = LD_ERROR_INIT;
    assert_int_equal(ld_fx_tar_open(b, "filesystem/t.tar", LD_FX_KIND_UPPER_TAR, 0, NULL, &t, &err),
                     0);
    ld_fx_xattrs none = {0};
    ld_fx_walk_entry e = {
        .dirfd = dirfd, .name = "swapped", .relpath = "swapped", .depth = 1, .st = &st, .fd = -1};
    ld_fx_tar_added added;
    assert_int_equal(ld_fx_tar_add(t, &e, &none, &added, &err), 0);
    assert_false(added.in_tar);
    assert_true(added.changed);
    e.name = e.relpath = "regular";
    assert_int_equal(ld_fx_tar_add(t, &e, &none, &added, &err), 0);
    assert_true(added.in_tar);
    assert_true(added.hashed);
    assert_int_equal(ld_fx_tar_close(t, NULL, &err), 0);
    const ld_fx_entry *te = bundle_entry(b, "filesystem/t.tar");
    assert_non_null(te);
    assert_non_null(strstr(te->note, "changed while"));
    members ms = read_tar("bundle/filesystem/t.tar");
    assert_int_equal(ms.n, 1);
    members_free(&ms);
    close(dirfd);
    free(d);
    ld_fx_bundle_free(b);
}

/* ---- the image lookups on their own ---- */

static void test_lookup_no_link_followed(void **state)
{
    (void)state;
    mk("outside", 0755);
    puts_("outside/passwd", marker, 0644);
    mk("layer", 0755);
    sym("layer/etc", "../outside"); /* the image's /etc is a link */
    mk("layer/var", 0755);
    char *l = at("layer");
    ld_fx_lowers lw;
    ld_error err = LD_ERROR_INIT;
    assert_int_equal(ld_fx_lowers_open(l, &lw, &err), 0);
    uint16_t all[1] = {0}, sub[1];
    ld_fx_image_entry img;
    /* /etc is there, a link, not a directory: nothing merges below it */
    ld_fx_image_lookup(&lw, all, 1, "", "etc", sub, &img);
    assert_true(img.present);
    assert_true(S_ISLNK(img.mode));
    assert_int_equal(img.nsub, 0);
    /* asked straight for etc/passwd, the layer does not lead outside */
    ld_fx_image_lookup(&lw, all, 1, "etc", "passwd", sub, &img);
    assert_false(img.present);
    ld_fx_image_lookup(&lw, all, 1, "", "..", sub, &img);
    assert_false(img.present);
    ld_fx_image_lookup(&lw, all, 1, "", "var", sub, &img);
    assert_true(img.present);
    assert_int_equal(img.nsub, 1);
    ld_fx_lowers_close(&lw);
    free(l);
}

/* A non-directory in a layer hides a directory below it; a directory
 * above merges with the one below until an opaque one. */
static void test_lookup_merge_rules(void **state)
{
    (void)state;
    if (!is_root())
        LD_SKIP_OPTIONAL("needs root (trusted.overlay.opaque)");
    mk("a", 0755);
    mk("b", 0755);
    mk("c", 0755);
    mk("a/d", 0755);
    mk("b/d", 0755);
    mk("c/d", 0755);
    opaque("b/d");
    puts_("a/f", "file over a directory", 0644);
    mk("b/f", 0755);
    mk("b/g", 0755);
    puts_("c/g", "file under a directory", 0644);
    char *list = ld_xasprintf("%s/a:%s/b:%s/c", tmp, tmp, tmp);
    ld_fx_lowers lw;
    ld_error err = LD_ERROR_INIT;
    assert_int_equal(ld_fx_lowers_open(list, &lw, &err), 0);
    uint16_t all[3] = {0, 1, 2}, sub[3];
    ld_fx_image_entry img;
    ld_fx_image_lookup(&lw, all, 3, "", "d", sub, &img);
    assert_true(img.present);
    assert_int_equal(img.nsub, 2); /* a and b; b is opaque: c hidden */
    assert_int_equal(sub[0], 0);
    assert_int_equal(sub[1], 1);
    ld_fx_image_lookup(&lw, all, 3, "", "f", sub, &img);
    assert_true(img.present);
    assert_true(S_ISREG(img.mode));
    assert_int_equal(img.nsub, 0);
    ld_fx_image_lookup(&lw, all, 3, "", "g", sub, &img);
    assert_true(S_ISDIR(img.mode));
    assert_int_equal(img.nsub, 1); /* the file below the directory stops the merge */
    ld_fx_lowers_close(&lw);
    free(list);
}

/* ---- decoders on hostile input ---- */

static void test_lowerdirs_parse(void **state)
{
    (void)state;
    char **dirs = NULL;
    size_t n = 0;
    ld_error err = LD_ERROR_INIT;
    const char *ok = "/var/lib/docker/overlay2/x-init/diff:/var/lib/docker/overlay2/y/diff";
    assert_int_equal(ld_fx_lowerdirs_parse(ok, strlen(ok), &dirs, &n, &err), 0);
    assert_int_equal(n, 2);
    assert_string_equal(dirs[0], "/var/lib/docker/overlay2/x-init/diff");
    assert_string_equal(dirs[1], "/var/lib/docker/overlay2/y/diff");
    assert_null(dirs[2]);
    ld_fx_lowerdirs_free(dirs);

    static const struct {
        const char *s;
        size_t len;
    } bad[] = {
        {"", 0},        {":", 1},     {"/a::/b", 6}, {"/a:", 3},      {"rel/dir", 7},
        {"/a/../b", 7}, {"/a/..", 5}, {"/a\0b", 4},  {"/a:..:/b", 8}, {":/a", 3},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        ld_error_clear(&err);
        dirs = (char **)1;
        assert_int_equal(ld_fx_lowerdirs_parse(bad[i].s, bad[i].len, &dirs, &n, &err),
                         LD_ERR_CORRUPT);
        assert_null(dirs);
        assert_true(err.msg[0]);
    }
    /* ".." as part of a name is a name */
    assert_int_equal(ld_fx_lowerdirs_parse("/a/..b/c..", 10, &dirs, &n, &err), 0);
    ld_fx_lowerdirs_free(dirs);
    /* too many layers, too long a path */
    size_t big = (LD_FX_LOWER_MAX + 1) * 3;
    char *many = ld_xmalloc(big + 1);
    size_t k = 0;
    for (int i = 0; i <= LD_FX_LOWER_MAX; i++) {
        if (i)
            many[k++] = ':';
        many[k++] = '/';
        many[k++] = 'a';
    }
    assert_int_equal(ld_fx_lowerdirs_parse(many, k, &dirs, &n, &err), LD_ERR_CORRUPT);
    assert_int_equal(ld_fx_lowerdirs_parse(many, k - 3, &dirs, &n, &err), 0);
    assert_int_equal(n, LD_FX_LOWER_MAX);
    ld_fx_lowerdirs_free(dirs);
    free(many);
    char *longp = ld_xmalloc(PATH_MAX + 2);
    longp[0] = '/';
    memset(longp + 1, 'x', PATH_MAX);
    assert_int_equal(ld_fx_lowerdirs_parse(longp, PATH_MAX + 1, &dirs, &n, &err), LD_ERR_CORRUPT);
    free(longp);
}

static void test_xattr_names_split(void **state)
{
    (void)state;
    const char *names[8];
    const char buf[] = "user.a\0trusted.overlay.opaque\0\0security.capability\0user.cut";
    /* the last one lacks its NUL: dropped; the empty one skipped */
    size_t n = ld_fx_xattr_names_split(buf, sizeof buf - 1, names, 8);
    assert_int_equal(n, 3);
    assert_string_equal(names[0], "user.a");
    assert_string_equal(names[1], "trusted.overlay.opaque");
    assert_string_equal(names[2], "security.capability");
    assert_int_equal(ld_fx_xattr_names_split(buf, sizeof buf - 1, names, 1), 1);
    assert_int_equal(ld_fx_xattr_names_split(buf, 0, names, 8), 0);
    assert_int_equal(ld_fx_xattr_names_split("abc", 3, names, 8), 0);

    assert_int_equal(ld_fx_name_classify(".wh.passwd"), LD_FX_NAME_AUFS_WHITEOUT);
    assert_int_equal(ld_fx_name_classify(".wh..wh..opq"), LD_FX_NAME_AUFS_OPAQUE);
    assert_int_equal(ld_fx_name_classify(".wh..wh.plnk"), LD_FX_NAME_AUFS_META);
    assert_int_equal(ld_fx_name_classify(".wh."), LD_FX_NAME_PLAIN);
    assert_int_equal(ld_fx_name_classify("passwd"), LD_FX_NAME_PLAIN);
}

/* ---- a real container ---- */

static ld_child_result docker(const char *const *args)
{
    char *argv[16];
    size_t n = 0;
    argv[n++] = "docker";
    for (size_t i = 0; args[i] && n < 15; i++)
        argv[n++] = (char *)args[i];
    argv[n] = NULL;
    ld_child_spec spec = {.program = "docker",
                          .argv = argv,
                          .stdout_max = 1024 * 1024,
                          .stderr_max = 4096,
                          .timeout_ms = 60000};
    ld_child_result res;
    ld_child_run(&spec, &res);
    return res;
}

static bool docker_ok(ld_child_result *r)
{
    return r->spawn_errno == 0 && r->exited && WIFEXITED(r->status) && WEXITSTATUS(r->status) == 0;
}

static void docker_rm(const char *name)
{
    const char *args[] = {"rm", "-f", name, NULL};
    ld_child_result r = docker(args);
    ld_child_result_clear(&r);
}

static void test_real_container(void **state)
{
    (void)state;
    struct stat st;
    if (stat("/var/run/docker.sock", &st) < 0)
        LD_SKIP_IF_MISSING("no docker engine (/var/run/docker.sock)");
    const char *ping[] = {"image", "inspect", "-f", "{{.Id}}", "lockdown-test/busybox:1", NULL};
    ld_child_result r = docker(ping);
    bool have = docker_ok(&r);
    ld_child_result_clear(&r);
    if (!have)
        LD_SKIP_IF_MISSING("docker image lockdown-test/busybox:1 or the engine is missing "
                           "(tests/harness builds it)");
    snprintf(container, sizeof container, "ldfs-%ld", (long)getpid());
    const char *run[] = {"run",   "-d",  "--name", container, "lockdown-test/busybox:1",
                         "sleep", "300", NULL};
    r = docker(run);
    if (!docker_ok(&r))
        fail_msg("docker run: %s", r.err ? r.err : "failed");
    ld_child_result_clear(&r);
    const char *act[] = {"exec",
                         container,
                         "sh",
                         "-c",
                         "echo ldfs-marker > /root/ldfs-added && rm /etc/group && "
                         "chmod 0600 /etc/passwd && cp /bin/busybox /tmp/ldfs-tool && "
                         "chmod 0644 /tmp/ldfs-tool",
                         NULL};
    r = docker(act);
    if (!docker_ok(&r))
        fail_msg("docker exec: %s", r.err ? r.err : "failed");
    ld_child_result_clear(&r);
    const char *insp[] = {"inspect", "-f", "{{json .GraphDriver.Data}}", container, NULL};
    r = docker(insp);
    if (!docker_ok(&r) || !r.out)
        fail_msg("docker inspect: %s", r.err ? r.err : "failed");
    json_error_t je;
    json_t *gd = json_loads(r.out, 0, &je);
    ld_child_result_clear(&r);
    assert_non_null(gd);
    const char *upper = str(gd, "UpperDir"), *lower = str(gd, "LowerDir");
    if (!upper || !lower)
        LD_SKIP_OPTIONAL("the engine's storage driver is not overlay2 (no UpperDir/LowerDir)");

    ld_fx_bundle *b = new_bundle();
    ld_fx_fs_options o = {.upperdir = upper, .lowerdirs = lower};
    ld_fx_fs_result res;
    ld_error err = LD_ERROR_INIT;
    if (ld_fx_fs_capture(b, &o, &res, &err) < 0)
        fail_msg("capture of %s: %s", container, err.msg);
    json_t *doc = load_json("bundle/filesystem/changes.json");
    assert_true(json_integer_value(json_object_get(doc, "lowerdirs")) >= 2);
    json_t *c = expect(doc, "/root/ldfs-added", "added", "file");
    char want[65];
    fx_sha256_hex("ldfs-marker\n", 12, want);
    assert_string_equal(str(c, "sha256"), want);
    expect(doc, "/root", "changed", "dir");
    expect(doc, "/etc/group", "deleted", "whiteout");
    c = expect(doc, "/etc/passwd", "changed", "file");
    assert_string_equal(str(c, "mode"), "0600");
    c = expect(doc, "/tmp/ldfs-tool", "added", "file");
    assert_true(json_is_true(json_object_get(c, "executable"))); /* ELF, mode 0644 */
    assert_null(find_change(doc, "/bin/busybox"));
    assert_true(res.deleted >= 1);
    members ms = read_tar("bundle/filesystem/upper.tar");
    member *m = member_at(&ms, "root/ldfs-added");
    assert_non_null(m);
    assert_memory_equal(m->data, "ldfs-marker\n", 12);
    m = member_at(&ms, "etc/group");
    assert_non_null(m);
    assert_int_equal(m->type, AE_IFCHR);
    members_free(&ms);
    json_decref(doc);
    json_decref(gd);
    ld_fx_bundle_free(b);
    docker_rm(container);
    container[0] = '\0';
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_overlay_changes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_no_lowers, setup, teardown),
        cmocka_unit_test_setup_teardown(test_lowers_unreadable, setup, teardown),
        cmocka_unit_test_setup_teardown(test_upper_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cap, setup, teardown),
        cmocka_unit_test_setup_teardown(test_depth, setup, teardown),
        cmocka_unit_test_setup_teardown(test_walk_cap, setup, teardown),
        cmocka_unit_test_setup_teardown(test_dir_tar, setup, teardown),
        cmocka_unit_test_setup_teardown(test_disk_full, setup, teardown),
        cmocka_unit_test_setup_teardown(test_swapped_fifo, setup, teardown),
        cmocka_unit_test_setup_teardown(test_lookup_no_link_followed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_lookup_merge_rules, setup, teardown),
        cmocka_unit_test_setup_teardown(test_lowerdirs_parse, setup, teardown),
        cmocka_unit_test_setup_teardown(test_xattr_names_split, setup, teardown),
        cmocka_unit_test_setup_teardown(test_real_container, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
