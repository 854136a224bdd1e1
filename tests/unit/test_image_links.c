/* Unit tests for links followed inside the image's own root (src/image/links.c
 * and its users in image.c and dir_source.c): the resolver on a made-up file
 * system (absolute targets re-rooted, relative ones, ".." stopping at the
 * root, symlinked directories on the way, loops, the 40-link limit, the
 * lookup budget, dangling links, hard links), the planner's choice of which
 * analyzer gets which link, and whole reads: a layered image (OCI layout,
 * docker save plain and gzip) and a dir: tree, where the analyzer gets a
 * link target's content under the link's path, a hard link keeps the
 * version it was made to, nothing outside a dir: root is ever read, and
 * what cannot be followed is a gap naming the analyzer. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <sys/wait.h>

#include "test_image_util.h"

static char tmpdir[64];

static int setup(void **state)
{
    (void)state;
    snprintf(tmpdir, sizeof(tmpdir), "/tmp/ld-image-links.XXXXXX");
    return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    char *cmd[] = {"rm", "-rf", tmpdir, NULL};
    pid_t pid = fork();
    if (pid == 0) {
        execvp("rm", cmd);
        _exit(127);
    }
    int st;
    waitpid(pid, &st, 0);
    return 0;
}

/* ---- a made-up file system for the resolver ------------------------------ */

typedef struct {
    const char *path;
    char kind; /* 'd' dir, 'f' file, 'l' symlink, 'h' hard link (content: link), 'c' device */
    const char *link;
    int layer;
} mnode;

typedef struct {
    const mnode *v;
    size_t n;
    int lookups;
} mfs;

static void mlookup(void *ctx, const char *path, ld_link_node *nd)
{
    mfs *fs = ctx;
    fs->lookups++;
    for (size_t i = 0; i < fs->n; i++) {
        const mnode *m = &fs->v[i];
        if (strcmp(m->path, path) != 0)
            continue;
        switch (m->kind) {
        case 'd': nd->kind = LD_NODE_DIR; return;
        case 'f':
            nd->kind = LD_NODE_FILE;
            nd->layer = m->layer;
            nd->size = 7;
            return;
        case 'h':
            nd->kind = LD_NODE_FILE;
            nd->content = m->link;
            nd->layer = m->layer;
            nd->size = 9;
            return;
        case 'l':
            nd->kind = LD_NODE_SYMLINK;
            nd->link = m->link;
            return;
        default:
            nd->kind = LD_NODE_OTHER;
            nd->type = LD_FILE_CHAR;
            return;
        }
    }
    nd->kind = LD_NODE_MISSING;
}

static const mnode tree[] = {
    {"/etc", 'd', NULL, 0},
    {"/etc/passwd", 'f', NULL, 2},
    {"/usr", 'd', NULL, 0},
    {"/usr/bin", 'd', NULL, 0},
    {"/usr/bin/tool", 'f', NULL, 1},
    {"/bin", 'l', "usr/bin", 0}, /* merged /usr, relative */
    {"/a", 'd', NULL, 0},
    {"/a/abs", 'l', "/etc/passwd", 0},           /* absolute: from the image's root */
    {"/a/rel", 'l', "../etc/passwd", 0},         /* relative to /a */
    {"/a/up", 'l', "../../../../etc/passwd", 0}, /* ".." stops at the root */
    {"/a/messy", 'l', ".//..//./etc/./passwd", 0},
    {"/a/via", 'l', "/bin/tool", 0}, /* through a symlinked directory */
    {"/a/dangling", 'l', "/nowhere/x", 0},
    {"/a/todir", 'l', "/usr", 0},
    {"/a/dev", 'l', "/dev/null", 0},
    {"/dev", 'd', NULL, 0},
    {"/dev/null", 'c', NULL, 0},
    {"/a/notdir", 'l', "/etc/passwd/x", 0}, /* a file used as a directory */
    {"/a/empty", 'l', "", 0},
    {"/a/loop1", 'l', "loop2", 0},
    {"/a/loop2", 'l', "/a/loop1", 0},
    {"/a/self", 'l', "self", 0},
    {"/a/hard", 'h', "/etc/passwd", 1},
    {"/a/tohard", 'l', "hard", 0},
    {"/a/host", 'l', "/proc/self/environ", 0}, /* not in the image: never the host's */
};

static ld_resolve_status resolve(const char *path, ld_link_result *r)
{
    mfs fs = {tree, sizeof(tree) / sizeof(tree[0]), 0};
    return ld_img_resolve(path, mlookup, &fs, LD_IMG_LINK_HOPS, NULL, r);
}

static void expect_file(const char *path, const char *want, unsigned hops)
{
    ld_link_result r;
    if (resolve(path, &r) != LD_RESOLVE_OK)
        fail_msg("%s: status %d at %s", path, r.status, r.path);
    assert_string_equal(r.path, want);
    assert_string_equal(r.content, want);
    assert_int_equal(r.hops, hops);
    ld_link_result_clear(&r);
}

static void expect_status(const char *path, ld_resolve_status st, const char *where)
{
    ld_link_result r;
    ld_resolve_status got = resolve(path, &r);
    if (got != st)
        fail_msg("%s: status %d (want %d) at %s", path, got, st, r.path ? r.path : "");
    if (where)
        assert_string_equal(r.path, where);
    char *text = ld_link_result_text(&r);
    assert_true(strlen(text) > 0);
    free(text);
    ld_link_result_clear(&r);
}

static void test_resolve_inside_the_root(void **state)
{
    (void)state;
    expect_file("/etc/passwd", "/etc/passwd", 0);
    expect_file("/a/abs", "/etc/passwd", 1);
    expect_file("/a/rel", "/etc/passwd", 1);
    expect_file("/a/up", "/etc/passwd", 1);
    expect_file("/a/messy", "/etc/passwd", 1);
    expect_file("/a/via", "/usr/bin/tool", 2);
    expect_file("/bin/tool", "/usr/bin/tool", 1);
    expect_file("/a/../../bin/./tool", "/usr/bin/tool", 1);
    /* a hard link: the file it shares content with, and that version's layer */
    ld_link_result r;
    assert_int_equal(resolve("/a/tohard", &r), LD_RESOLVE_OK);
    assert_string_equal(r.path, "/a/hard");
    assert_string_equal(r.content, "/etc/passwd");
    assert_int_equal(r.layer, 1);
    assert_int_equal(r.size, 9);
    assert_string_equal(r.link, "hard");
    ld_link_result_clear(&r);
    assert_int_equal(resolve("/a/abs", &r), LD_RESOLVE_OK);
    assert_int_equal(r.layer, 2);
    assert_int_equal(r.size, 7);
    ld_link_result_clear(&r);
}

static void test_resolve_failures(void **state)
{
    (void)state;
    expect_status("/a/dangling", LD_RESOLVE_MISSING, "/nowhere");
    expect_status("/a/host", LD_RESOLVE_MISSING, "/proc");
    expect_status("/a/empty", LD_RESOLVE_MISSING, "/a/empty");
    expect_status("/nothing", LD_RESOLVE_MISSING, "/nothing");
    expect_status("/a/todir", LD_RESOLVE_NOT_FILE, "/usr");
    expect_status("/a/dev", LD_RESOLVE_NOT_FILE, "/dev/null");
    expect_status("/a/notdir", LD_RESOLVE_NOT_DIR, "/etc/passwd");
    expect_status("/a/loop1", LD_RESOLVE_LOOP, NULL);
    expect_status("/a/self", LD_RESOLVE_LOOP, "/a/self");
    expect_status("/", LD_RESOLVE_NOT_FILE, "/");
    expect_status("/a/..", LD_RESOLVE_NOT_FILE, "/");
    ld_link_result r;
    resolve("/a/todir", &r);
    assert_int_equal(r.type, LD_FILE_DIR);
    assert_int_equal(r.hops, 1);
    ld_link_result_clear(&r);
    resolve("/a/dev", &r);
    assert_int_equal(r.type, LD_FILE_CHAR);
    ld_link_result_clear(&r);
    /* a loop of two, counted to the limit, not forever */
    mfs fs = {tree, sizeof(tree) / sizeof(tree[0]), 0};
    assert_int_equal(ld_img_resolve("/a/loop1", mlookup, &fs, LD_IMG_LINK_HOPS, NULL, &r),
                     LD_RESOLVE_LOOP);
    assert_int_equal(r.hops, LD_IMG_LINK_HOPS + 1);
    assert_true(fs.lookups <= 3 * (LD_IMG_LINK_HOPS + 2));
    ld_link_result_clear(&r);
}

/* A chain /c/l0 -> l1 -> ... -> l<n-1> -> /f: n links. */
static ld_resolve_status chain(int n, ld_link_result *r)
{
    mnode *v = ld_xcalloc((size_t)n + 3, sizeof(*v));
    char **names = ld_xcalloc((size_t)n + 1, sizeof(char *));
    v[0] = (mnode){"/c", 'd', NULL, 0};
    v[1] = (mnode){"/f", 'f', NULL, 0};
    for (int i = 0; i < n; i++) {
        names[i] = ld_xasprintf("/c/l%d", i);
        v[2 + i] = (mnode){names[i], 'l', NULL, 0};
    }
    char **targets = ld_xcalloc((size_t)n + 1, sizeof(char *));
    for (int i = 0; i < n; i++) {
        targets[i] = i + 1 < n ? ld_xasprintf("l%d", i + 1) : ld_xstrdup("/f");
        v[2 + i].link = targets[i];
    }
    mfs fs = {v, (size_t)n + 2, 0};
    ld_resolve_status st = ld_img_resolve("/c/l0", mlookup, &fs, LD_IMG_LINK_HOPS, NULL, r);
    for (int i = 0; i < n; i++)
        free(names[i]), free(targets[i]);
    free(names), free(targets), free(v);
    return st;
}

static void test_resolve_hop_limit(void **state)
{
    (void)state;
    ld_link_result r;
    assert_int_equal(chain(LD_IMG_LINK_HOPS, &r), LD_RESOLVE_OK);
    assert_string_equal(r.path, "/f");
    assert_int_equal(r.hops, LD_IMG_LINK_HOPS);
    ld_link_result_clear(&r);
    assert_int_equal(chain(LD_IMG_LINK_HOPS + 1, &r), LD_RESOLVE_LOOP);
    ld_link_result_clear(&r);
    /* the budget shared by an image's links runs out: said, not looped on */
    mfs fs = {tree, sizeof(tree) / sizeof(tree[0]), 0};
    uint64_t budget = 2;
    assert_int_equal(ld_img_resolve("/a/via", mlookup, &fs, LD_IMG_LINK_HOPS, &budget, &r),
                     LD_RESOLVE_BUDGET);
    assert_int_equal(budget, 0);
    assert_int_equal(fs.lookups, 2);
    ld_link_result_clear(&r);
    /* a target that makes the path too long */
    char *longt = ld_xmalloc(LD_IMG_MAX_PATH + 10);
    memset(longt, 'x', LD_IMG_MAX_PATH + 8);
    longt[LD_IMG_MAX_PATH + 8] = '\0';
    mnode big[] = {{"/l", 'l', longt, 0}};
    mfs fs2 = {big, 1, 0};
    assert_int_equal(ld_img_resolve("/l", mlookup, &fs2, LD_IMG_LINK_HOPS, NULL, &r),
                     LD_RESOLVE_TOO_LONG);
    ld_link_result_clear(&r);
    free(longt);
}

/* ---- the planner ------------------------------------------------------- */

typedef struct {
    const char *prefix; /* wants paths starting with it */
    int calls;
    char got[8][64];
    int layers[8];
} probe;

static bool probe_wants(const char *path, uint64_t size, void *ctx)
{
    (void)size;
    probe *p = ctx;
    return strncmp(path, p->prefix, strlen(p->prefix)) == 0;
}

static int probe_file(const char *path, int layer, const uint8_t *data, size_t len, void *ctx,
                      ld_error *err)
{
    (void)err;
    probe *p = ctx;
    if (p->calls < 8) {
        snprintf(p->got[p->calls], sizeof(p->got[0]), "%s=%.*s", path, (int)(len > 20 ? 20 : len),
                 (const char *)data);
        p->layers[p->calls] = layer;
    }
    p->calls++;
    return 0;
}

static bool take_all_links(const char *path, const char *target, uint64_t size, void *ctx)
{
    (void)path, (void)target, (void)size, (void)ctx;
    return true;
}

static const ld_file_entry plan_files[] = {
    {.path = "/a/abs", .type = LD_FILE_SYMLINK, .link = "/etc/passwd", .layer = 3},
    {.path = "/a/dangling", .type = LD_FILE_SYMLINK, .link = "/nowhere/x", .layer = 3},
    {.path = "/a/todir", .type = LD_FILE_SYMLINK, .link = "/usr", .layer = 3},
    {.path = "/etc/passwd", .type = LD_FILE_REGULAR, .layer = 2},
};

static void test_plan_default_rule_and_gaps(void **state)
{
    (void)state;
    mfs fs = {tree, sizeof(tree) / sizeof(tree[0]), 0};
    ld_img_opts opt = {.max_file_bytes = 100};
    /* wants /a/...: takes the link to /etc/passwd (not its own), gets a gap
     * for the dangling one, nothing for the one to a directory */
    probe pa = {.prefix = "/a/"}, pall = {.prefix = "/"}, pnone = {.prefix = "/zzz"};
    ld_analyzer an[] = {
        {.name = "a", .wants = probe_wants, .file = probe_file, .ctx = &pa},
        {.name = "all", .wants = probe_wants, .file = probe_file, .ctx = &pall},
        {.name = "none", .wants = probe_wants, .file = probe_file, .ctx = &pnone},
    };
    ld_link_plan plan;
    ld_img_plan_links(plan_files, 4, mlookup, &fs, an, 3, &opt, &plan);
    /* "all" also wants /etc/passwd: it saw that content under its own name */
    assert_int_equal(plan.n, 1);
    assert_int_equal(plan.v[0].analyzer, 0);
    assert_string_equal(plan.v[0].path, "/a/abs");
    assert_string_equal(plan.v[0].content, "/etc/passwd");
    assert_int_equal(plan.v[0].layer, 3);
    assert_int_equal(plan.v[0].content_layer, 2);
    /* the dangling link: one gap per analyzer that wanted it; none for the
     * directory (it is not a file, as a directory at that path is not) */
    assert_int_equal(plan.gaps.n, 2);
    for (size_t i = 0; i < plan.gaps.n; i++) {
        assert_string_equal(plan.gaps.v[i].path, "/a/dangling");
        assert_int_equal(plan.gaps.v[i].kind, LD_GAP_LINK);
        assert_non_null(strstr(plan.gaps.v[i].text, "/nowhere does not exist in the image"));
    }
    assert_int_equal(plan.notes.n, 1);
    ld_link_plan_clear(&plan);

    /* wants_link decides for itself; a cap smaller than the target is a gap */
    an[1].wants_link = take_all_links;
    an[1].max_bytes = 5;
    ld_img_plan_links(plan_files, 4, mlookup, &fs, an + 1, 1, &opt, &plan);
    assert_int_equal(plan.n, 0);
    assert_int_equal(plan.gaps.n, 2);
    assert_int_equal(plan.gaps.v[0].kind, LD_GAP_SIZE);
    assert_non_null(strstr(plan.gaps.v[0].text, "over the 5-byte limit for analyzer all"));
    ld_link_plan_clear(&plan);

    /* a path read by name, hidden by a symlinked directory: an alias with
     * the layer of the content; an absent one is no gap */
    static const char *const names[] = {"/bin/tool", "/bin/absent", "/etc/passwd", NULL};
    static const ld_file_entry bin_files[] = {
        {.path = "/bin", .type = LD_FILE_SYMLINK, .link = "usr/bin", .layer = 0},
    };
    probe pn = {.prefix = "/"};
    ld_analyzer named = {.name = "named",
                         .wants = probe_wants,
                         .file = probe_file,
                         .ctx = &pn,
                         .wants_link = take_all_links,
                         .paths = names};
    ld_img_plan_links(bin_files, 1, mlookup, &fs, &named, 1, &opt, &plan);
    assert_int_equal(plan.gaps.n, 0);
    /* /bin itself leads to a directory (no delivery); /etc/passwd is not in
     * bin_files but resolves without a link: absent from this list, so
     * offered, and it is a plain file (hops 0): delivered as an alias too */
    bool tool = false;
    for (size_t i = 0; i < plan.n; i++)
        if (strcmp(plan.v[i].path, "/bin/tool") == 0) {
            tool = true;
            assert_true(plan.v[i].alias);
            assert_string_equal(plan.v[i].content, "/usr/bin/tool");
            assert_int_equal(plan.v[i].layer, 1);
        }
    assert_true(tool);
    ld_link_plan_clear(&plan);
}

/* ---- whole reads ------------------------------------------------------- */

typedef struct {
    const tent *v;
    size_t n;
} layer_spec;

typedef struct {
    tbuf raw[4];
    char *diff[4];
    size_t n;
    char *config;
} built_image;

static built_image build(const layer_spec *l, size_t n)
{
    built_image b = {.n = n};
    char *ids = ld_xstrdup("");
    for (size_t i = 0; i < n; i++) {
        b.raw[i] = make_tar(l[i].v, l[i].n);
        b.diff[i] = sha_hex(b.raw[i].p, b.raw[i].len);
        char *next = ld_xasprintf("%s%s\"%s\"", ids, i ? "," : "", b.diff[i]);
        free(ids);
        ids = next;
    }
    b.config = ld_xasprintf("{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":"
                            "\"layers\",\"diff_ids\":[%s]}}",
                            ids);
    free(ids);
    return b;
}

static void built_free(built_image *b)
{
    for (size_t i = 0; i < b->n; i++)
        free(b->raw[i].p), free(b->diff[i]);
    free(b->config);
}

/* OCI layout directory with uncompressed layers. */
static char *write_oci_dir(const char *name, const built_image *b)
{
    char *dir = ld_xasprintf("%s/%s", tmpdir, name);
    mkdir(dir, 0755);
    char *layers = ld_xstrdup("");
    for (size_t i = 0; i < b->n; i++) {
        char *blob = ld_xasprintf("blobs/sha256/%s", b->diff[i] + 7);
        write_file(dir, blob, b->raw[i].p, b->raw[i].len);
        char *next = ld_xasprintf("%s%s{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar\","
                                  "\"digest\":\"%s\",\"size\":%zu}",
                                  layers, i ? "," : "", b->diff[i], b->raw[i].len);
        free(layers), free(blob);
        layers = next;
    }
    char *hc = sha_hex(b->config, strlen(b->config));
    char *bc = ld_xasprintf("blobs/sha256/%s", hc + 7);
    write_file(dir, bc, b->config, strlen(b->config));
    char *mf = ld_xasprintf("{\"schemaVersion\":2,\"config\":{\"mediaType\":\"application/"
                            "vnd.oci.image.config.v1+json\",\"digest\":\"%s\",\"size\":%zu},"
                            "\"layers\":[%s]}",
                            hc, strlen(b->config), layers);
    char *hm = sha_hex(mf, strlen(mf));
    char *bm = ld_xasprintf("blobs/sha256/%s", hm + 7);
    write_file(dir, bm, mf, strlen(mf));
    char *index = ld_xasprintf("{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":\"application/"
                               "vnd.oci.image.manifest.v1+json\",\"digest\":\"%s\",\"size\":%zu}]}",
                               hm, strlen(mf));
    write_file(dir, "index.json", index, strlen(index));
    write_file(dir, "oci-layout", "{\"imageLayoutVersion\":\"1.0.0\"}", 30);
    free(layers), free(hc), free(bc), free(mf), free(hm), free(bm), free(index);
    return dir;
}

/* docker save tar (legacy layout), whole file gzip'd or not. */
static char *write_docker(const char *name, const built_image *b, bool whole_gzip)
{
    tbuf out = {0};
    struct archive *a = archive_write_new();
    archive_write_set_format_pax_restricted(a);
    archive_write_open(a, &out, NULL, tbuf_write_cb, NULL);
    char *hc = sha_hex(b->config, strlen(b->config));
    char *cname = ld_xasprintf("%s.json", hc + 7);
    char *names = ld_xstrdup("");
    for (size_t i = 0; i <= b->n + 1; i++) {
        char *mname = NULL;
        const void *data;
        size_t len;
        if (i < b->n) {
            mname = ld_xasprintf("l%zu/layer.tar", i);
            data = b->raw[i].p;
            len = b->raw[i].len;
            char *next = ld_xasprintf("%s%s\"%s\"", names, i ? "," : "", mname);
            free(names);
            names = next;
        } else if (i == b->n) {
            mname = ld_xstrdup(cname);
            data = b->config;
            len = strlen(b->config);
        } else {
            mname = ld_xstrdup("manifest.json");
            char *m = ld_xasprintf("[{\"Config\":\"%s\",\"RepoTags\":[\"t:1\"],\"Layers\":[%s]}]",
                                   cname, names);
            free(names);
            names = m;
            data = m;
            len = strlen(m);
        }
        struct archive_entry *ae = archive_entry_new();
        archive_entry_set_pathname(ae, mname);
        archive_entry_set_filetype(ae, AE_IFREG);
        archive_entry_set_perm(ae, 0644);
        archive_entry_set_size(ae, (la_int64_t)len);
        archive_write_header(a, ae);
        archive_write_data(a, data, len);
        archive_entry_free(ae);
        free(mname);
    }
    archive_write_close(a);
    archive_write_free(a);
    if (whole_gzip) {
        tbuf g = gz(out.p, out.len);
        write_file(tmpdir, name, g.p, g.len);
        free(g.p);
    } else {
        write_file(tmpdir, name, out.p, out.len);
    }
    free(out.p), free(hc), free(cname), free(names);
    return ld_xasprintf("%s/%s", tmpdir, name);
}

static const tent links_l0[] = {
    {'d', "opt", NULL, 0755},
    {'f', "opt/p", "from-opt", 0644},
    {'f', "opt/q", "q-v1", 0644},
    {'h', "etc/hl", "opt/q", 0644}, /* made to q's first version */
    {'d', "real", NULL, 0755},
    {'f', "real/named", "through-dir", 0644},
    {'f', "other/big", "0123456789abcdef", 0644},
};
static const tent links_l1[] = {
    {'l', "etc/passwd", "../opt/p", 0777}, {'l', "etc/gone", "/nowhere", 0777},
    {'l', "etc/loop", "loop", 0777},       {'l', "etc/big", "/other/big", 0777},
    {'f', "opt/q", "q-v2", 0644}, /* the hard link keeps v1 */
    {'l', "named", "real", 0777},
};

static bool etc_link(const char *path, const char *target, uint64_t size, void *ctx)
{
    (void)target, (void)size, (void)ctx;
    return strncmp(path, "/etc/", 5) == 0 || strncmp(path, "/named/", 7) == 0;
}

static const char *const etc_names[] = {"/named/named", NULL};

static void check_link_read(const char *target)
{
    probe p = {.prefix = "/etc/"};
    ld_analyzer an = {.name = "etc",
                      .wants = probe_wants,
                      .file = probe_file,
                      .ctx = &p,
                      .max_bytes = 12,
                      .wants_link = etc_link,
                      .paths = etc_names};
    ld_image_options o = {.threads = 2};
    ld_error err = LD_ERROR_INIT;
    ld_image *img = ld_image_read(target, &o, &an, 1, &err);
    if (!img)
        fail_msg("%s: %s", target, err.msg);
    bool passwd = false, hl = false, named = false;
    for (int i = 0; i < p.calls && i < 8; i++) {
        if (strcmp(p.got[i], "/etc/passwd=from-opt") == 0) {
            passwd = true;
            assert_int_equal(p.layers[i], 1); /* the link's layer */
        }
        if (strncmp(p.got[i], "/etc/hl=", 8) == 0) {
            assert_string_equal(p.got[i], "/etc/hl=q-v1");
            assert_int_equal(p.layers[i], 0);
            hl = true;
        }
        if (strcmp(p.got[i], "/named/named=through-dir") == 0)
            named = true;
    }
    if (!passwd || !hl || !named)
        fail_msg("%s: passwd %d hl %d named %d (%d calls: %s %s %s)", target, passwd, hl, named,
                 p.calls, p.got[0], p.got[1], p.got[2]);
    assert_true(ld_image_visible(img, "/etc/passwd", 1));
    assert_true(ld_image_visible(img, "/named/named", 0));
    assert_false(ld_image_visible(img, "/named/named", 1));
    /* gaps: the dangling link, the loop, the target over the cap */
    const ld_image_gap *g = ld_image_gap_find(img, "/etc/gone", "etc");
    assert_non_null(g);
    assert_int_equal(g->kind, LD_GAP_LINK);
    assert_int_equal(g->layer, 1);
    assert_string_equal(g->analyzer, "etc");
    assert_non_null(strstr(g->text, "/nowhere does not exist in the image"));
    assert_non_null(g = ld_image_gap_find(img, "/etc/loop", "etc"));
    assert_non_null(strstr(g->text, "more than 40 symlinks"));
    assert_non_null(g = ld_image_gap_find(img, "/etc/big", "etc"));
    assert_int_equal(g->kind, LD_GAP_SIZE);
    assert_null(ld_image_gap_find(img, "/etc/passwd", "etc"));
    assert_null(ld_image_gap_find(img, "/etc/gone", "someone-else"));
    const ld_image_gap *first = NULL;
    assert_int_equal(ld_image_gaps_for(img, "etc", &first), 3);
    assert_string_equal(first->path, "/etc/big"); /* sorted by path */
    assert_int_equal(ld_image_gaps_for(img, NULL, NULL), 0);
    ld_image_free(img);
}

static void test_layered_links(void **state)
{
    (void)state;
    layer_spec l[] = {{links_l0, sizeof(links_l0) / sizeof(links_l0[0])},
                      {links_l1, sizeof(links_l1) / sizeof(links_l1[0])}};
    built_image b = build(l, 2);
    char *oci = write_oci_dir("oci-links", &b);
    char *target = ld_xasprintf("oci:%s", oci);
    check_link_read(target); /* layers read again by pread, the others skipped */
    free(target);
    char *plain = write_docker("links.tar", &b, false);
    target = ld_xasprintf("docker-archive:%s", plain);
    check_link_read(target);
    free(target);
    char *gzd = write_docker("links.tar.gz", &b, true);
    target = ld_xasprintf("docker-archive:%s", gzd);
    check_link_read(target); /* one stream: read again whole */
    free(target);
    free(oci), free(plain), free(gzd);
    built_free(&b);
}

/* An analyzer without wants_link takes a link only when it would not have
 * seen the target under the target's own name. */
static void test_default_rule_in_a_read(void **state)
{
    (void)state;
    static const tent l0[] = {
        {'f', "usr/share/java/foo-1.2.jar", "jar", 0644},
        {'l', "usr/share/java/foo.jar", "foo-1.2.jar", 0777},
        {'f', "var/lib/dpkg/status.real", "Package: x", 0644},
        {'l', "var/lib/dpkg/status", "status.real", 0777},
    };
    layer_spec l[] = {{l0, 4}};
    built_image b = build(l, 1);
    char *dir = write_oci_dir("oci-default", &b);
    probe p = {.prefix = "/usr/share/java/"}, q = {.prefix = "/var/lib/dpkg/status"};
    ld_analyzer an[] = {{.name = "java", .wants = probe_wants, .file = probe_file, .ctx = &p},
                        {.name = "dpkg", .wants = probe_wants, .file = probe_file, .ctx = &q}};
    ld_error err = LD_ERROR_INIT;
    ld_image *img = ld_image_read(dir, NULL, an, 2, &err);
    if (!img)
        fail_msg("%s", err.msg);
    assert_int_equal(p.calls, 1); /* the jar once, under its own name */
    assert_string_equal(p.got[0], "/usr/share/java/foo-1.2.jar=jar");
    /* "status" wants status.real too (prefix): seen under that name */
    assert_int_equal(q.calls, 1);
    ld_image_free(img);
    /* an analyzer that wants the database by its exact name only */
    q = (probe){.prefix = "/var/lib/dpkg/status"};
    an[1].wants = probe_wants;
    static const tent l0b[] = {
        {'f', "srv/db", "Package: y", 0644},
        {'l', "var/lib/dpkg/status", "/srv/db", 0777},
    };
    layer_spec lb[] = {{l0b, 2}};
    built_image bb = build(lb, 1);
    char *dir2 = write_oci_dir("oci-default2", &bb);
    img = ld_image_read(dir2, NULL, &an[1], 1, &err);
    if (!img)
        fail_msg("%s", err.msg);
    assert_int_equal(q.calls, 1);
    assert_string_equal(q.got[0], "/var/lib/dpkg/status=Package: y");
    assert_int_equal(q.layers[0], 0);
    ld_image_free(img);
    free(dir), free(dir2);
    built_free(&b);
    built_free(&bb);
}

static void mkfile(const char *path, const char *content)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, content, strlen(content)), (ssize_t)strlen(content));
    close(fd);
}

/* dir: links are resolved under the root: an absolute target names the
 * root's file, never the host's; what is missing there is a gap. */
static void test_dir_links_stay_inside(void **state)
{
    (void)state;
    char *root = ld_xasprintf("%s/rootfs", tmpdir);
    char *p;
    assert_int_equal(mkdir(root, 0755), 0);
    p = ld_xasprintf("%s/etc", root), mkdir(p, 0755), free(p);
    p = ld_xasprintf("%s/opt", root), mkdir(p, 0755), free(p);
    p = ld_xasprintf("%s/real", root), mkdir(p, 0755), free(p);
    p = ld_xasprintf("%s/opt/p", root), mkfile(p, "inside"), free(p);
    p = ld_xasprintf("%s/real/named", root), mkfile(p, "via-dir"), free(p);
    p = ld_xasprintf("%s/etc/passwd", root), assert_int_equal(symlink("/opt/p", p), 0), free(p);
    /* exists on the host, not in the root */
    p = ld_xasprintf("%s/etc/hostfile", root);
    assert_int_equal(symlink("/proc/self/status", p), 0);
    free(p);
    p = ld_xasprintf("%s/etc/up", root);
    assert_int_equal(symlink("../../../../../opt/p", p), 0);
    free(p);
    p = ld_xasprintf("%s/etc/loop", root), assert_int_equal(symlink("loop", p), 0), free(p);
    p = ld_xasprintf("%s/named", root), assert_int_equal(symlink("real", p), 0), free(p);
    probe pr = {.prefix = "/etc/"};
    ld_analyzer an = {.name = "etc",
                      .wants = probe_wants,
                      .file = probe_file,
                      .ctx = &pr,
                      .wants_link = etc_link,
                      .paths = etc_names};
    char *target = ld_xasprintf("dir:%s", root);
    ld_error err = LD_ERROR_INIT;
    ld_image *img = ld_image_read(target, NULL, &an, 1, &err);
    if (!img)
        fail_msg("%s", err.msg);
    int passwd = 0, up = 0, named = 0;
    for (int i = 0; i < pr.calls && i < 8; i++) {
        passwd += strcmp(pr.got[i], "/etc/passwd=inside") == 0;
        up += strcmp(pr.got[i], "/etc/up=inside") == 0;
        named += strcmp(pr.got[i], "/named/named=via-dir") == 0;
        assert_int_equal(pr.layers[i], -1);
        assert_null(strstr(pr.got[i], "Name:")); /* /proc/self/status never read */
    }
    assert_int_equal(passwd, 1);
    assert_int_equal(up, 1);
    assert_int_equal(named, 1);
    assert_int_equal(pr.calls, 3);
    assert_true(ld_image_visible(img, "/named/named", -1));
    const ld_image_gap *g = ld_image_gap_find(img, "/etc/hostfile", "etc");
    assert_non_null(g);
    assert_int_equal(g->kind, LD_GAP_LINK);
    assert_non_null(strstr(g->text, "/proc does not exist in the image"));
    assert_non_null(strstr(g->text, "symlink to \"/proc/self/status\""));
    assert_non_null(ld_image_gap_find(img, "/etc/loop", "etc"));
    ld_image_free(img);
    free(target), free(root);
}

/* The depth and path-length limits of a dir: walk are index gaps, so a
 * consumer can tell "not there" from "not seen". */
static void test_dir_walk_gaps(void **state)
{
    (void)state;
    char *root = ld_xasprintf("%s/deep", tmpdir);
    assert_int_equal(mkdir(root, 0755), 0);
    int fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    for (int i = 0; i < 300; i++) {
        assert_int_equal(mkdirat(fd, "d", 0755), 0);
        int sub = openat(fd, "d", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        close(fd);
        fd = sub;
    }
    close(fd);
    char *target = ld_xasprintf("dir:%s", root);
    ld_error err = LD_ERROR_INIT;
    ld_image *img = ld_image_read(target, NULL, NULL, 0, &err);
    assert_non_null(img);
    const ld_image_gap *first = NULL;
    assert_int_equal(ld_image_gaps_for(img, NULL, &first), 1);
    assert_int_equal(first->kind, LD_GAP_DEPTH);
    assert_true(first->subtree);
    assert_null(first->analyzer);
    assert_non_null(strstr(first->text, "nested deeper than 256 directories"));
    /* a path below it is explained by it; one elsewhere is not */
    char *below = ld_xasprintf("%s/d/d/x", first->path);
    assert_ptr_equal(ld_image_gap_find(img, below, "any"), first);
    assert_null(ld_image_gap_find(img, "/elsewhere", "any"));
    assert_string_equal(ld_image_gap_kind_name(first->kind), "depth");
    free(below);
    ld_image_free(img);
    free(target), free(root);
}

/* Entries are bounded per layer and for all layers together (twice the
 * per-layer limit): a thousand layers just under the limit each do not add
 * up to an index without bound. */
static void test_entries_of_all_layers_are_bounded(void **state)
{
    (void)state;
    /* three different blobs (one listed three times would be read once) */
    static const tent l8[3][8] = {
        {{'f', "a", "1", 0644},
         {'f', "b", "1", 0644},
         {'f', "c", "1", 0644},
         {'f', "d", "1", 0644},
         {'f', "e", "1", 0644},
         {'f', "f", "1", 0644},
         {'f', "g", "1", 0644},
         {'f', "h", "1", 0644}},
        {{'f', "a", "2", 0644},
         {'f', "b", "2", 0644},
         {'f', "c", "2", 0644},
         {'f', "d", "2", 0644},
         {'f', "e", "2", 0644},
         {'f', "f", "2", 0644},
         {'f', "g", "2", 0644},
         {'f', "h", "2", 0644}},
        {{'f', "a", "3", 0644},
         {'f', "b", "3", 0644},
         {'f', "c", "3", 0644},
         {'f', "d", "3", 0644},
         {'f', "e", "3", 0644},
         {'f', "f", "3", 0644},
         {'f', "g", "3", 0644},
         {'f', "h", "3", 0644}},
    };
    layer_spec l[] = {{l8[0], 8}, {l8[1], 8}, {l8[2], 8}};
    built_image b = build(l, 3);
    char *dir = write_oci_dir("oci-entries", &b);
    ld_image_options o = {.max_entries = 10, .threads = 2};
    ld_error err = LD_ERROR_INIT;
    assert_null(ld_image_read(dir, &o, NULL, 0, &err));
    assert_int_equal(err.code, LD_ERR_LIMIT);
    assert_non_null(strstr(err.msg, "more than 20 tar entries in the image's layers together"));
    o.max_entries = 12; /* 24 in all: just enough */
    err = (ld_error)LD_ERROR_INIT;
    ld_image *img = ld_image_read(dir, &o, NULL, 0, &err);
    if (!img)
        fail_msg("%s", err.msg);
    assert_int_equal(ld_image_file_count(img), 8);
    ld_image_free(img);
    free(dir);
    built_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_resolve_inside_the_root),
        cmocka_unit_test(test_resolve_failures),
        cmocka_unit_test(test_resolve_hop_limit),
        cmocka_unit_test(test_plan_default_rule_and_gaps),
        cmocka_unit_test(test_layered_links),
        cmocka_unit_test(test_default_rule_in_a_read),
        cmocka_unit_test(test_dir_links_stay_inside),
        cmocka_unit_test(test_dir_walk_gaps),
        cmocka_unit_test(test_entries_of_all_layers_are_bounded),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
