/* Unit tests for the dir: source (src/image/dir_source.c): every entry's
 * metadata equals what lstat says (checked against an independent nftw
 * walk), with one worker or several, whether the walk read the entry or the
 * metadata was filled in on first use; only files an analyzer wants are
 * read; metadata filled in after the tree changed drops what is gone and
 * never follows a directory replaced by a symlink; limits (entries, depth,
 * path length) and analyzer failures; worker count does not change the
 * result or the notes. Trees are made in a mkdtemp directory. */
#include <errno.h>
#include <ftw.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>

#include "image/image.h"
#include "test_image_util.h"

static char tmpdir[64];

static int setup(void **state)
{
    snprintf(tmpdir, sizeof(tmpdir), "/tmp/ld-image-dir-test.XXXXXX");
    return mkdtemp(tmpdir) ? 0 : -1;
}

static int rm_rf(const char *p)
{
    char *cmd[] = {"rm", "-rf", (char *)p, NULL};
    pid_t pid = fork();
    if (pid == 0) {
        execvp("rm", cmd);
        _exit(127);
    }
    int st;
    waitpid(pid, &st, 0);
    return 0;
}

static int teardown(void **state)
{
    return rm_rf(tmpdir);
}

/* A fresh directory under tmpdir (caller frees). */
static char *new_root(const char *name)
{
    char *root = ld_xasprintf("%s/%s", tmpdir, name);
    rm_rf(root);
    assert_int_equal(mkdir(root, 0755), 0);
    return root;
}

static void mk(const char *root, const char *rel, mode_t mode)
{
    char *p = ld_xasprintf("%s/%s", root, rel);
    assert_int_equal(mkdir(p, 0755), 0);
    assert_int_equal(chmod(p, mode), 0);
    free(p);
}

static void put(const char *root, const char *rel, const char *data, mode_t mode)
{
    write_file(root, rel, data, strlen(data));
    char *p = ld_xasprintf("%s/%s", root, rel);
    assert_int_equal(chmod(p, mode), 0);
    free(p);
}

static void link_to(const char *root, const char *rel, const char *target)
{
    char *p = ld_xasprintf("%s/%s", root, rel);
    assert_int_equal(symlink(target, p), 0);
    free(p);
}

/* A tree with every file type, special permission bits, owners, names that
 * sort between a directory and its children ("a-b", "a.b" before "a/"),
 * empty files, hard links and links of every kind. */
static char *make_varied_tree(const char *name)
{
    char *root = new_root(name);
    mk(root, "a", 0755);
    mk(root, "a/b", 0700);
    mk(root, "a/b/c", 0755);
    mk(root, "a-b", 0755);
    mk(root, "a.b", 0755);
    mk(root, "tmp", 01777);
    mk(root, "ww", 0777);
    put(root, "a/b/c/deep.txt", "deep\n", 0644);
    put(root, "a/b/secret", "s3cr3t\n", 0600);
    put(root, "a-b/x", "x", 0644);
    put(root, "a.b/y", "yy", 0644);
    put(root, "a/suid", "#!/bin/sh\n", 04755);
    put(root, "a/sgid", "#!/bin/sh\n", 02755);
    put(root, "empty", "", 0644);
    put(root, "etc/os-release", "ID=dirtest\nVERSION_ID=1\n", 0644);
    link_to(root, "a/rel-link", "../etc/os-release");
    link_to(root, "abs-link", "/etc/passwd");
    link_to(root, "dangling", "no/such/file");
    link_to(root, "dir-link", "a");
    char *fifo = ld_xasprintf("%s/a/fifo", root);
    assert_int_equal(mkfifo(fifo, 0640), 0);
    free(fifo);
    char *hard = ld_xasprintf("%s/a/hard", root);
    char *orig = ld_xasprintf("%s/a-b/x", root);
    assert_int_equal(link(orig, hard), 0);
    free(hard), free(orig);
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    char *sock = ld_xasprintf("%s/a/sock", root);
    if (strlen(sock) < sizeof(sa.sun_path)) {
        memcpy(sa.sun_path, sock, strlen(sock) + 1);
        int s = socket(AF_UNIX, SOCK_STREAM, 0);
        assert_true(s >= 0);
        assert_int_equal(bind(s, (struct sockaddr *)&sa, sizeof(sa)), 0);
        close(s);
    }
    free(sock);
    if (geteuid() == 0) {
        char *p = ld_xasprintf("%s/a/b/secret", root);
        assert_int_equal(lchown(p, 1234, 5678), 0);
        free(p);
        p = ld_xasprintf("%s/dangling", root);
        assert_int_equal(lchown(p, 42, 43), 0);
        free(p);
    }
    return root;
}

/* ---- the oracle: nftw(FTW_PHYS) and lstat ------------------------------- */

typedef struct {
    char *path; /* image path */
    struct stat st;
    char *link;
} ref_entry;

static ref_entry *refs;
static size_t n_refs, cap_refs, root_len;

static int ref_cb(const char *p, const struct stat *st, int flag, struct FTW *f)
{
    if (f->level == 0)
        return 0;
    ld_xgrow(&refs, &cap_refs, n_refs + 1, sizeof(*refs));
    ref_entry *r = &refs[n_refs++];
    r->path = ld_xstrdup(p + root_len);
    r->st = *st;
    r->link = NULL;
    if (S_ISLNK(st->st_mode)) {
        char buf[4097];
        ssize_t n = readlink(p, buf, sizeof(buf) - 1);
        assert_true(n >= 0);
        buf[n] = '\0';
        r->link = ld_xstrdup(buf);
    }
    return 0;
}

static int cmp_ref(const void *a, const void *b)
{
    return strcmp(((const ref_entry *)a)->path, ((const ref_entry *)b)->path);
}

static void load_refs(const char *root)
{
    n_refs = 0;
    root_len = strlen(root);
    assert_int_equal(nftw(root, ref_cb, 16, FTW_PHYS), 0);
    qsort(refs, n_refs, sizeof(*refs), cmp_ref);
}

static void free_refs(void)
{
    for (size_t i = 0; i < n_refs; i++)
        free(refs[i].path), free(refs[i].link);
    free(refs);
    refs = NULL;
    n_refs = cap_refs = 0;
}

static ld_file_type ref_type(mode_t m)
{
    return S_ISDIR(m)    ? LD_FILE_DIR
           : S_ISLNK(m)  ? LD_FILE_SYMLINK
           : S_ISCHR(m)  ? LD_FILE_CHAR
           : S_ISBLK(m)  ? LD_FILE_BLOCK
           : S_ISFIFO(m) ? LD_FILE_FIFO
           : S_ISSOCK(m) ? LD_FILE_SOCKET
                         : LD_FILE_REGULAR;
}

/* Every entry of img equals the oracle's, in the same (sorted) order. */
static void assert_matches_refs(const ld_image *img)
{
    assert_int_equal(ld_image_file_count(img), n_refs);
    for (size_t i = 0; i < n_refs; i++) {
        const ld_file_entry *e = ld_image_file(img, i);
        const ref_entry *r = &refs[i];
        assert_string_equal(e->path, r->path);
        assert_int_equal(e->type, ref_type(r->st.st_mode));
        assert_int_equal(e->mode, r->st.st_mode & 07777);
        assert_int_equal(e->uid, r->st.st_uid);
        assert_int_equal(e->gid, r->st.st_gid);
        uint64_t size = S_ISREG(r->st.st_mode) || S_ISLNK(r->st.st_mode) ? r->st.st_size : 0;
        assert_int_equal(e->size, size);
        assert_int_equal(e->layer, -1);
        if (r->link)
            assert_string_equal(e->link, r->link);
        else
            assert_null(e->link);
    }
}

/* ---- analyzers ------------------------------------------------------------ */

typedef struct {
    pthread_mutex_t lock;
    const char *only;    /* wants this path only; NULL: every path */
    bool non_empty;      /* refuses empty files, as the secret scanner does */
    const char *fail_on; /* file() fails on this path */
    size_t calls;
    ld_strlist seen;
    char *content; /* of `only` */
} probe;

static bool probe_wants(const char *path, uint64_t size, void *ctx)
{
    probe *p = ctx;
    if (p->non_empty && size == 0)
        return false;
    return !p->only || strcmp(path, p->only) == 0;
}

static int probe_file(const char *path, int layer, const uint8_t *data, size_t len, void *ctx,
                      ld_error *err)
{
    probe *p = ctx;
    pthread_mutex_lock(&p->lock);
    p->calls++;
    ld_strlist_push(&p->seen, path);
    if (p->only && strcmp(path, p->only) == 0)
        p->content = ld_xstrndup((const char *)data, len);
    pthread_mutex_unlock(&p->lock);
    if (p->fail_on && strcmp(path, p->fail_on) == 0)
        return ld_error_set(err, LD_ERR_CORRUPT, "probe refuses %s", path);
    return 0;
}

static void probe_clear(probe *p)
{
    ld_strlist_clear(&p->seen);
    free(p->content);
    pthread_mutex_destroy(&p->lock);
}

static ld_image *read_dir(const char *root, int threads, const ld_analyzer *an, size_t n_an,
                          ld_error *err)
{
    ld_image_options o = {.threads = threads};
    char *target = ld_xasprintf("dir:%s", root);
    ld_image *img = ld_image_read(target, &o, an, n_an, err);
    free(target);
    return img;
}

/* ---- tests ---------------------------------------------------------------- */

static void test_metadata_matches_lstat(void **state)
{
    char *root = make_varied_tree("varied");
    load_refs(root);
    assert_true(n_refs > 20);
    static const int threads[] = {1, 2, 4};
    for (size_t t = 0; t < sizeof(threads) / sizeof(threads[0]); t++) {
        /* nothing read: every entry's metadata is filled in on first use */
        ld_error err = LD_ERROR_INIT;
        ld_image *img = read_dir(root, threads[t], NULL, 0, &err);
        if (!img)
            fail_msg("%s", err.msg);
        assert_matches_refs(img);
        assert_int_equal(ld_image_notes(img)->n, 0);
        ld_image_free(img);

        /* every regular file read: their metadata comes from the open fd */
        probe p = {.lock = PTHREAD_MUTEX_INITIALIZER};
        ld_analyzer an = {.name = "all", .wants = probe_wants, .file = probe_file, .ctx = &p};
        img = read_dir(root, threads[t], &an, 1, &err);
        if (!img)
            fail_msg("%s", err.msg);
        size_t regular = 0;
        for (size_t i = 0; i < n_refs; i++)
            regular += S_ISREG(refs[i].st.st_mode);
        assert_int_equal(p.calls, regular); /* links, the FIFO and the socket are not opened */
        assert_false(ld_strlist_contains(&p.seen, "/a/fifo"));
        assert_false(ld_strlist_contains(&p.seen, "/a/rel-link"));
        assert_true(ld_strlist_contains(&p.seen, "/a/b/c/deep.txt"));
        assert_matches_refs(img);
        ld_image_free(img);
        probe_clear(&p);
    }
    free_refs();
    free(root);
}

static void test_reads_only_what_is_wanted(void **state)
{
    char *root = make_varied_tree("wanted");
    probe p = {.lock = PTHREAD_MUTEX_INITIALIZER, .only = "/etc/os-release"};
    ld_analyzer an = {.name = "os", .wants = probe_wants, .file = probe_file, .ctx = &p};
    ld_error err = LD_ERROR_INIT;
    ld_image *img = read_dir(root, 2, &an, 1, &err);
    if (!img)
        fail_msg("%s", err.msg);
    assert_int_equal(p.calls, 1);
    assert_string_equal(p.content, "ID=dirtest\nVERSION_ID=1\n");
    /* visibility needs no metadata; the metadata is still right afterwards */
    assert_true(ld_image_visible(img, "/etc/os-release", -1));
    assert_false(ld_image_visible(img, "/etc/os-release", 0));
    assert_true(ld_image_visible(img, "/a/suid", -1));
    assert_false(ld_image_visible(img, "/a/nope", -1));
    const ld_file_entry *e = ld_image_lookup(img, "/a/suid");
    assert_non_null(e);
    assert_int_equal(e->mode, 04755);
    assert_int_equal(e->size, 10);
    e = ld_image_lookup(img, "/a/rel-link");
    assert_int_equal(e->type, LD_FILE_SYMLINK);
    assert_string_equal(e->link, "../etc/os-release");
    ld_image_free(img);
    probe_clear(&p);

    /* an analyzer that skips empty files still sees every other one, and
     * never the empty one */
    probe q = {.lock = PTHREAD_MUTEX_INITIALIZER, .non_empty = true};
    an = (ld_analyzer){.name = "nonempty", .wants = probe_wants, .file = probe_file, .ctx = &q};
    img = read_dir(root, 1, &an, 1, &err);
    assert_non_null(img);
    assert_false(ld_strlist_contains(&q.seen, "/empty"));
    assert_true(ld_strlist_contains(&q.seen, "/a/hard"));
    assert_true(ld_strlist_contains(&q.seen, "/a-b/x"));
    ld_image_free(img);
    probe_clear(&q);
    free(root);
}

static void test_over_the_cap_is_noted_the_same_by_any_worker_count(void **state)
{
    char *root = new_root("cap");
    for (int d = 0; d < 12; d++)
        for (int f = 0; f < 6; f++) {
            char *rel = ld_xasprintf("d%02d/f%d", d, f);
            put(root, rel, f % 2 ? "0123456789" : "01", 0644);
            free(rel);
        }
    ld_strlist first = {0};
    static const int threads[] = {1, 4, 2};
    for (size_t t = 0; t < 3; t++) {
        probe p = {.lock = PTHREAD_MUTEX_INITIALIZER};
        ld_analyzer an = {
            .name = "small", .wants = probe_wants, .file = probe_file, .ctx = &p, .max_bytes = 4};
        ld_error err = LD_ERROR_INIT;
        ld_image *img = read_dir(root, threads[t], &an, 1, &err);
        assert_non_null(img);
        assert_int_equal(p.calls, 36);
        const ld_strlist *notes = ld_image_notes(img);
        assert_int_equal(notes->n, 36);
        assert_non_null(strstr(notes->v[0], "over the 4-byte limit for analyzer small"));
        if (t == 0) {
            for (size_t i = 0; i < notes->n; i++)
                ld_strlist_push(&first, notes->v[i]);
        } else {
            for (size_t i = 0; i < notes->n; i++)
                assert_string_equal(notes->v[i], first.v[i]);
        }
        ld_image_free(img);
        probe_clear(&p);
    }
    ld_strlist_clear(&first);
    free(root);
}

static void test_changes_after_the_walk(void **state)
{
    char *root = new_root("changes");
    char *outside = new_root("changes-outside");
    put(root, "keep", "k", 0644);
    put(root, "gone", "g", 0644);
    mk(root, "sub", 0755);
    put(root, "sub/file", "short", 0644);
    put(outside, "file", "a much longer file outside the root", 0600);
    ld_error err = LD_ERROR_INIT;
    ld_image *img = read_dir(root, 2, NULL, 0, &err);
    assert_non_null(img);
    /* after the walk: a file goes, a directory becomes a link out of the root */
    char *p = ld_xasprintf("%s/gone", root);
    assert_int_equal(unlink(p), 0);
    free(p);
    p = ld_xasprintf("%s/sub", root);
    char *moved = ld_xasprintf("%s/sub-moved", tmpdir);
    rm_rf(moved);
    assert_int_equal(rename(p, moved), 0);
    assert_int_equal(symlink(outside, p), 0);
    free(p);
    assert_int_equal(ld_image_file_count(img), 2); /* /keep, /sub; not /gone nor /sub/file */
    assert_non_null(ld_image_lookup(img, "/keep"));
    assert_null(ld_image_lookup(img, "/gone"));
    assert_null(ld_image_lookup(img, "/sub/file")); /* never stat'ed through the link */
    const ld_file_entry *e = ld_image_lookup(img, "/sub");
    assert_int_equal(e->type, LD_FILE_SYMLINK);
    assert_string_equal(e->link, outside);
    const ld_strlist *notes = ld_image_notes(img);
    char *all = ld_strlist_join(notes, "\n");
    assert_non_null(strstr(all, "/gone: No such file or directory"));
    assert_non_null(strstr(all, "/sub/file: Not a directory"));
    free(all);
    ld_image_free(img);
    free(moved), free(outside), free(root);
}

static void test_limits(void **state)
{
    char *root = make_varied_tree("limits");
    ld_image_options o = {.threads = 2, .max_entries = 5};
    char *target = ld_xasprintf("dir:%s", root);
    ld_error err = LD_ERROR_INIT;
    assert_null(ld_image_read(target, &o, NULL, 0, &err));
    assert_int_equal(err.code, LD_ERR_LIMIT);
    assert_non_null(strstr(err.msg, "more than 5 files"));
    assert_non_null(strstr(err.msg, "dir:"));
    free(target);
    free(root);

    /* 300 nested directories: listed down to the depth cap, with a note */
    root = new_root("deep");
    int fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    for (int i = 0; i < 300; i++) {
        assert_int_equal(mkdirat(fd, "d", 0755), 0);
        int sub = openat(fd, "d", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        close(fd);
        fd = sub;
    }
    close(fd);
    err = (ld_error)LD_ERROR_INIT;
    ld_image *img = read_dir(root, 2, NULL, 0, &err);
    assert_non_null(img);
    assert_int_equal(ld_image_file_count(img), 257);
    assert_non_null(strstr(ld_image_notes(img)->v[0], "nested deeper than 256 directories"));
    ld_image_free(img);
    free(root);

    /* a path longer than the cap: skipped, with a note */
    root = new_root("long");
    char name[201];
    memset(name, 'n', 200);
    name[200] = '\0';
    fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    for (int i = 0; i < 22; i++) { /* 22 * 201 bytes > 4096 */
        assert_int_equal(mkdirat(fd, name, 0755), 0);
        int sub = openat(fd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        close(fd);
        fd = sub;
    }
    close(fd);
    img = read_dir(root, 1, NULL, 0, &err);
    assert_non_null(img);
    assert_int_equal(ld_image_file_count(img), 4096 / 201);
    assert_non_null(strstr(ld_image_notes(img)->v[0], "path too long; skipped"));
    ld_image_free(img);
    rm_rf(root);
    free(root);
}

static void test_analyzer_failure_stops_the_read(void **state)
{
    char *root = new_root("fail");
    for (int d = 0; d < 20; d++) {
        char *rel = ld_xasprintf("d%02d/f", d);
        put(root, rel, "data", 0644);
        free(rel);
    }
    for (int threads = 1; threads <= 4; threads *= 2) {
        probe p = {.lock = PTHREAD_MUTEX_INITIALIZER, .fail_on = "/d07/f"};
        ld_analyzer an = {.name = "picky", .wants = probe_wants, .file = probe_file, .ctx = &p};
        ld_error err = LD_ERROR_INIT;
        assert_null(read_dir(root, threads, &an, 1, &err));
        assert_int_equal(err.code, LD_ERR_CORRUPT);
        assert_non_null(strstr(err.msg, "probe refuses /d07/f"));
        probe_clear(&p);
    }
    free(root);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_metadata_matches_lstat),
        cmocka_unit_test(test_reads_only_what_is_wanted),
        cmocka_unit_test(test_over_the_cap_is_noted_the_same_by_any_worker_count),
        cmocka_unit_test(test_changes_after_the_walk),
        cmocka_unit_test(test_limits),
        cmocka_unit_test(test_analyzer_failure_stops_the_read),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
