/* Unit tests for one layer stream (layer_stream.c) and the fs index
 * (fs_index.c): compression, digests, whiteouts, and hostile tars. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "test_image_util.h"

static ld_img_opts default_opts(void)
{
    ld_img_opts o;
    ld_img_resolve_options(NULL, &o);
    return o;
}

/* Streams blob as a layer; returns rc, fills res and err. */
static int run_layer(const tbuf *blob, const ld_img_opts *opt, const char *exp_digest,
                     const char *exp_diff, const ld_analyzer *an, size_t n_an, ld_layer_result *res,
                     ld_error *err)
{
    memsrc m = {blob->p, blob->len, 0, 1000};
    ld_layer_job job = {.read = mem_read,
                        .read_ctx = &m,
                        .name = "layer 7 (test)",
                        .expect_digest = exp_digest,
                        .expect_diff_id = exp_diff,
                        .layer = 7,
                        .opt = opt,
                        .analyzers = an,
                        .n_analyzers = n_an};
    memset(res, 0, sizeof(*res));
    return ld_layer_stream(&job, res, err);
}

static const tent basic[] = {
    {'d', "./etc", NULL, 0755},
    {'f', "./etc/passwd", "root:x:0:0::/root:/bin/sh\n", 0644},
    {'l', "./etc/localtime", "/usr/share/zoneinfo/UTC", 0777},
    {'f', "./usr/bin/tool", "#!/bin/sh\n", 04755},
    {'h', "./usr/bin/tool2", "./usr/bin/tool", 0755},
};

static void test_plain_gzip_zstd_same_diff_id(void **state)
{
    tbuf tar = make_tar(basic, 5);
    tbuf g = gz(tar.p, tar.len), z = zst(tar.p, tar.len);
    char *want_diff = sha_hex(tar.p, tar.len);
    ld_img_opts o = default_opts();
    const tbuf *blobs[] = {&tar, &g, &z};
    const char *comp[] = {"none", "gzip", "zstd"};
    for (int i = 0; i < 3; i++) {
        ld_layer_result r;
        ld_error err = LD_ERROR_INIT;
        char *want_digest = sha_hex(blobs[i]->p, blobs[i]->len);
        assert_int_equal(run_layer(blobs[i], &o, want_digest, want_diff, NULL, 0, &r, &err), 0);
        assert_string_equal(r.diff_id, want_diff);
        assert_string_equal(r.digest, want_digest);
        assert_string_equal(r.compression, comp[i]);
        assert_int_equal(r.n, 5);
        assert_string_equal(r.v[1].path, "/etc/passwd");
        assert_int_equal(r.v[2].type, LD_FILE_SYMLINK);
        assert_string_equal(r.v[2].link, "/usr/share/zoneinfo/UTC");
        assert_int_equal(r.v[3].mode, 04755);
        assert_int_equal(r.v[4].type, LD_FILE_HARDLINK);
        assert_string_equal(r.v[4].link, "/usr/bin/tool");
        free(want_digest);
        ld_layer_result_clear(&r);
    }
    free(want_diff);
    free(tar.p);
    free(g.p);
    free(z.p);
}

/* Long runs at the end of a stream: the decompressors hold output back
 * after the last input byte is consumed; it must still be delivered, with
 * whatever chunking the blob reader uses. */
static void test_pending_output_at_end(void **state)
{
    size_t big = 3 * 1024 * 1024 + 123;
    char *zeros = ld_xcalloc(big + 1, 1);
    memset(zeros, '0', big);
    tent e[] = {{'f', "a", "x", 0644}, {'f', "zeros", zeros, 0644}};
    tbuf tar = make_tar(e, 2);
    tbuf g = gz(tar.p, tar.len), z = zst(tar.p, tar.len);
    char *want = sha_hex(tar.p, tar.len);
    ld_img_opts o = default_opts();
    const tbuf *blobs[] = {&g, &z};
    const size_t chunks[] = {1, 7, 1000, 65536, 0};
    for (int b = 0; b < 2; b++)
        for (size_t c = 0; c < sizeof(chunks) / sizeof(chunks[0]); c++) {
            memsrc m = {blobs[b]->p, blobs[b]->len, 0, chunks[c]};
            ld_layer_job job = {
                .read = mem_read, .read_ctx = &m, .name = "layer 1 (end)", .layer = 1, .opt = &o};
            ld_layer_result r = {0};
            ld_error err = LD_ERROR_INIT;
            if (ld_layer_stream(&job, &r, &err) < 0)
                fail_msg("blob %d chunk %zu: %s", b, chunks[c], err.msg);
            assert_string_equal(r.diff_id, want);
            assert_int_equal(r.tar_size, tar.len);
            ld_layer_result_clear(&r);
        }
    free(want);
    free(zeros);
    free(tar.p);
    free(g.p);
    free(z.p);
}

static void test_multi_member_gzip(void **state)
{
    tbuf tar = make_tar(basic, 5);
    size_t half = tar.len / 2;
    tbuf a = gz(tar.p, half), b = gz(tar.p + half, tar.len - half);
    tbuf both = {0};
    tbuf_add(&both, a.p, a.len);
    tbuf_add(&both, b.p, b.len);
    ld_img_opts o = default_opts();
    ld_layer_result r;
    ld_error err = LD_ERROR_INIT;
    char *want_diff = sha_hex(tar.p, tar.len);
    assert_int_equal(run_layer(&both, &o, NULL, want_diff, NULL, 0, &r, &err), 0);
    assert_int_equal(r.n, 5);
    ld_layer_result_clear(&r);
    free(want_diff);
    free(tar.p);
    free(a.p);
    free(b.p);
    free(both.p);
}

static void expect_error(const tbuf *blob, const ld_img_opts *o, const char *exp_digest,
                         const char *exp_diff, ld_errcode code, const char *needle)
{
    ld_layer_result r;
    ld_error err = LD_ERROR_INIT;
    int rc = run_layer(blob, o, exp_digest, exp_diff, NULL, 0, &r, &err);
    if (rc >= 0 || err.code != code || !strstr(err.msg, needle) ||
        !strstr(err.msg, "layer 7 (test)"))
        fail_msg("expected %s with \"%s\", got rc %d code %d: %s", ld_errcode_name(code), needle,
                 rc, err.code, err.msg);
    ld_layer_result_clear(&r);
}

static void test_truncated_gzip(void **state)
{
    tbuf tar = make_tar(basic, 5);
    tbuf g = gz(tar.p, tar.len);
    g.len -= 20;
    ld_img_opts o = default_opts();
    expect_error(&g, &o, NULL, NULL, LD_ERR_CORRUPT, "truncated gzip");
    tbuf z = zst(tar.p, tar.len);
    z.len -= 10;
    expect_error(&z, &o, NULL, NULL, LD_ERR_CORRUPT, "zstd");
    tar.len -= 700; /* cut inside the entries */
    expect_error(&tar, &o, NULL, NULL, LD_ERR_CORRUPT, "tar");
    free(tar.p);
    free(g.p);
    free(z.p);
}

static void test_gzip_bomb(void **state)
{
    /* eight files of 512 KiB: each under the limit, together over it */
    size_t big = 512 * 1024;
    char *zeros = ld_xcalloc(big + 1, 1);
    memset(zeros, 'A', big);
    tent e[8];
    static const char *const names[] = {"b0", "b1", "b2", "b3", "b4", "b5", "b6", "b7"};
    for (int i = 0; i < 8; i++)
        e[i] = (tent){'f', names[i], zeros, 0644};
    tbuf tar = make_tar(e, 8);
    tbuf g = gz(tar.p, tar.len);
    assert_true(g.len < 64 * 1024);
    ld_img_opts o = default_opts();
    o.max_layer_bytes = 1024 * 1024;
    expect_error(&g, &o, NULL, NULL, LD_ERR_LIMIT, "larger than 1048576 bytes");
    free(zeros);
    free(tar.p);
    free(g.p);
}

static void test_digest_mismatch(void **state)
{
    tbuf tar = make_tar(basic, 5);
    tbuf g = gz(tar.p, tar.len);
    ld_img_opts o = default_opts();
    const char *wrong = "sha256:0000000000000000000000000000000000000000000000000000000000000000";
    expect_error(&g, &o, wrong, NULL, LD_ERR_CORRUPT, "blob digest mismatch");
    expect_error(&g, &o, NULL, wrong, LD_ERR_CORRUPT, "diff_id mismatch");
    free(tar.p);
    free(g.p);
}

static void test_hostile_paths(void **state)
{
    ld_img_opts o = default_opts();
    tent dotdot[] = {{'f', "etc/../../../etc/shadow", "x", 0644}};
    tbuf t = make_tar(dotdot, 1);
    expect_error(&t, &o, NULL, NULL, LD_ERR_CORRUPT, "\"..\"");
    free(t.p);
    tent abs[] = {{'f', "/etc/shadow", "x", 0644}};
    t = make_tar(abs, 1);
    expect_error(&t, &o, NULL, NULL, LD_ERR_CORRUPT, "absolute path");
    free(t.p);
    tent hl[] = {{'h', "etc/hl", "../../etc/shadow", 0644}};
    t = make_tar(hl, 1);
    expect_error(&t, &o, NULL, NULL, LD_ERR_CORRUPT, "hard link");
    free(t.p);
    tent wh[] = {{'f', "etc/.wh...", "", 0644}};
    t = make_tar(wh, 1);
    expect_error(&t, &o, NULL, NULL, LD_ERR_CORRUPT, "whiteout");
    free(t.p);
    /* not a tar at all */
    tbuf junk = {0};
    char garbage[4096];
    for (size_t i = 0; i < sizeof(garbage); i++)
        garbage[i] = (char)(i * 7 + 3);
    tbuf_add(&junk, garbage, sizeof(garbage));
    expect_error(&junk, &o, NULL, NULL, LD_ERR_CORRUPT, "not a valid tar");
    free(junk.p);
}

static void test_symlink_out_and_device_recorded(void **state)
{
    ld_img_opts o = default_opts();
    tent e[] = {{'l', "escape", "../../../../etc/shadow", 0777}, {'c', "dev/null", NULL, 0666}};
    tbuf t = make_tar(e, 2);
    ld_layer_result r;
    ld_error err = LD_ERROR_INIT;
    assert_int_equal(run_layer(&t, &o, NULL, NULL, NULL, 0, &r, &err), 0);
    assert_int_equal(r.n, 2);
    assert_int_equal(r.v[0].type, LD_FILE_SYMLINK);
    assert_string_equal(r.v[0].link, "../../../../etc/shadow");
    assert_int_equal(r.v[1].type, LD_FILE_CHAR);
    ld_layer_result_clear(&r);
    free(t.p);
}

/* A tar whose only header claims a size of 8 GiB with no data after it. */
static void test_absurd_size(void **state)
{
    tent e[] = {{'f', "f", "x", 0644}};
    tbuf t = make_tar(e, 1);
    /* ustar size field at 124, 12 bytes octal; checksum at 148 */
    memcpy(t.p + 124, "77777777777", 11);
    memset(t.p + 148, ' ', 8);
    unsigned sum = 0;
    for (int i = 0; i < 512; i++)
        sum += t.p[i];
    char cks[8];
    snprintf(cks, sizeof(cks), "%06o", sum);
    memcpy(t.p + 148, cks, 7);
    ld_img_opts o = default_opts();
    o.max_layer_bytes = 1 << 20;
    expect_error(&t, &o, NULL, NULL, LD_ERR_CORRUPT, "absurd size");
    free(t.p);
}

static void test_entry_limit(void **state)
{
    ld_img_opts o = default_opts();
    o.max_entries = 3;
    tbuf t = make_tar(basic, 5);
    expect_error(&t, &o, NULL, NULL, LD_ERR_LIMIT, "more than 3 tar entries");
    free(t.p);
}

typedef struct {
    int calls;
    int layer;
    char content[64];
} an_state;

static bool want_passwd(const char *path, uint64_t size, void *ctx)
{
    return strcmp(path, "/etc/passwd") == 0 || strcmp(path, "/usr/bin/tool") == 0;
}

static int got_file(const char *path, int layer, const uint8_t *data, size_t len, void *ctx,
                    ld_error *err)
{
    an_state *s = ctx;
    s->calls++;
    s->layer = layer;
    if (strcmp(path, "/etc/passwd") == 0)
        snprintf(s->content, sizeof(s->content), "%.*s", (int)len, (const char *)data);
    return 0;
}

static void test_analyzer_content_and_cap(void **state)
{
    ld_img_opts o = default_opts();
    tbuf t = make_tar(basic, 5);
    an_state s = {0};
    ld_analyzer an = {
        .name = "t", .wants = want_passwd, .file = got_file, .ctx = &s, .max_bytes = 20};
    ld_layer_result r;
    ld_error err = LD_ERROR_INIT;
    assert_int_equal(run_layer(&t, &o, NULL, NULL, &an, 1, &r, &err), 0);
    /* /etc/passwd (27 bytes) is over the 20-byte cap: noted, not analysed */
    assert_int_equal(s.calls, 1);
    assert_int_equal(s.layer, 7);
    assert_int_equal(r.notes.n, 1);
    assert_non_null(strstr(r.notes.v[0], "/etc/passwd"));
    ld_layer_result_clear(&r);
    an.max_bytes = 0;
    memset(&s, 0, sizeof(s));
    assert_int_equal(run_layer(&t, &o, NULL, NULL, &an, 1, &r, &err), 0);
    assert_int_equal(s.calls, 2);
    assert_string_equal(s.content, "root:x:0:0::/root:/bin/sh\n");
    ld_layer_result_clear(&r);
    free(t.p);
}

typedef struct {
    memsrc m;
    size_t fail_at;
} failing_src;

static ssize_t failing_read(void *ctx, uint8_t *buf, size_t len, ld_error *err)
{
    failing_src *f = ctx;
    if (f->m.pos >= f->fail_at)
        return ld_error_set_errno(err, LD_ERR_GENERIC, 5, "injected read failure");
    return mem_read(&f->m, buf, len, err);
}

/* An I/O error in the middle of a layer ends the read with that error,
 * named after the layer, for plain, gzip and zstd layers alike. */
static void test_read_error_mid_layer(void **state)
{
    size_t big = 64 * 1024;
    char *text = ld_xcalloc(big + 1, 1);
    for (size_t i = 0; i < big; i++)
        text[i] = (char)('a' + (i * 7919) % 26);
    tent e[] = {{'f', "one", text, 0644}, {'f', "two", text, 0644}};
    tbuf tar = make_tar(e, 2);
    tbuf g = gz(tar.p, tar.len), z = zst(tar.p, tar.len);
    const tbuf *blobs[] = {&tar, &g, &z};
    ld_img_opts o = default_opts();
    for (int i = 0; i < 3; i++) {
        failing_src f = {{blobs[i]->p, blobs[i]->len, 0, 1000}, blobs[i]->len / 2};
        ld_layer_job job = {
            .read = failing_read, .read_ctx = &f, .name = "layer 3 (x)", .layer = 3, .opt = &o};
        ld_layer_result r = {0};
        ld_error err = LD_ERROR_INIT;
        assert_true(ld_layer_stream(&job, &r, &err) < 0);
        if (!strstr(err.msg, "injected read failure") || !strstr(err.msg, "layer 3 (x)"))
            fail_msg("blob %d: %s", i, err.msg);
        assert_int_equal(err.sys_errno, 5);
        ld_layer_result_clear(&r);
    }
    free(text);
    free(tar.p);
    free(g.p);
    free(z.p);
}

/* ---- fs index ------------------------------------------------------------ */

static void stream_tar(const tent *e, size_t n, ld_layer_result *r)
{
    tbuf t = make_tar(e, n);
    ld_img_opts o = default_opts();
    ld_error err = LD_ERROR_INIT;
    if (run_layer(&t, &o, NULL, NULL, NULL, 0, r, &err) < 0)
        fail_msg("%s", err.msg);
    free(t.p);
}

static const ld_file_entry *find(const ld_fs_index *x, const char *path)
{
    for (size_t i = 0; i < x->n_files; i++)
        if (strcmp(x->files[i].path, path) == 0)
            return &x->files[i];
    return NULL;
}

static const ld_removed_file *find_removed(const ld_fs_index *x, const char *path, int layer)
{
    for (size_t i = 0; i < x->n_removed; i++)
        if (strcmp(x->removed[i].path, path) == 0 && x->removed[i].layer == layer)
            return &x->removed[i];
    return NULL;
}

static void test_whiteouts(void **state)
{
    static const tent l0[] = {
        {'d', "a", NULL, 0755},         {'f', "a/x", "x0", 0644},      {'f', "a/y", "y0", 0644},
        {'d', "b", NULL, 0755},         {'f', "b/z", "z0", 0644},      {'d', "b/sub", NULL, 0755},
        {'f', "b/sub/deep", "d", 0644}, {'d', "c", NULL, 0755},        {'f', "c/in", "i", 0644},
        {'d', "d", NULL, 0755},         {'f', "d/k", "k0", 0644},      {'f', "d/m", "m0", 0644},
        {'f', "e", "e0", 0644},         {'h', "a/xlink", "a/x", 0644},
    };
    static const tent l1[] = {
        {'f', "a/.wh.x", "", 0644},        /* delete a file */
        {'f', "b/.wh..wh..opq", "", 0644}, /* opaque: b's old children go */
        {'f', "b/new", "n1", 0644},
        {'f', "c", "now a file", 0644}, /* a file replaces a directory */
        {'f', "d/k", "k1", 0644},       /* recreate before its whiteout ... */
        {'f', "d/.wh.k", "", 0644},     /* ... in the same layer */
        {'f', "d/.wh.m", "", 0644},     /* whiteout before recreate */
        {'f', "d/m", "m1", 0644},
        {'f', "e", "e1", 0644}, /* overwrite */
    };
    ld_layer_result r0, r1;
    stream_tar(l0, sizeof(l0) / sizeof(l0[0]), &r0);
    stream_tar(l1, sizeof(l1) / sizeof(l1[0]), &r1);
    const ld_layer_result *layers[] = {&r0, &r1};
    ld_fs_index x;
    ld_error err = LD_ERROR_INIT;
    assert_int_equal(ld_fs_index_build(layers, 2, &x, &err), 0);
    assert_null(find(&x, "/a/x"));
    assert_non_null(find(&x, "/a/y"));
    assert_int_equal(find(&x, "/a/y")->layer, 0);
    assert_non_null(find(&x, "/a/xlink")); /* hard link keeps the content */
    assert_null(find(&x, "/b/z"));
    assert_null(find(&x, "/b/sub"));
    assert_null(find(&x, "/b/sub/deep"));
    assert_non_null(find(&x, "/b"));
    assert_int_equal(find(&x, "/b/new")->layer, 1);
    assert_int_equal(find(&x, "/c")->type, LD_FILE_REGULAR);
    assert_null(find(&x, "/c/in"));
    assert_int_equal(find(&x, "/d/k")->layer, 1);
    assert_int_equal(find(&x, "/d/m")->layer, 1);
    assert_int_equal(find(&x, "/e")->layer, 1);
    assert_int_equal(find(&x, "/e")->size, 2);
    for (size_t i = 1; i < x.n_files; i++)
        assert_true(strcmp(x.files[i - 1].path, x.files[i].path) < 0);
    const ld_removed_file *rm;
    assert_non_null(rm = find_removed(&x, "/a/x", 0));
    assert_false(rm->overwritten);
    assert_int_equal(rm->removed_by, 1);
    assert_non_null(find_removed(&x, "/b/z", 0));
    assert_non_null(find_removed(&x, "/b/sub/deep", 0));
    assert_non_null(find_removed(&x, "/c/in", 0));
    assert_non_null(find_removed(&x, "/d/k", 0));
    assert_non_null(rm = find_removed(&x, "/e", 0));
    assert_true(rm->overwritten);
    assert_null(find_removed(&x, "/a/y", 0));
    ld_fs_index_clear(&x);
    ld_layer_result_clear(&r0);
    ld_layer_result_clear(&r1);
}

static void test_hardlink_to_missing_file(void **state)
{
    static const tent l0[] = {{'h', "a", "nowhere", 0644}};
    ld_layer_result r0;
    stream_tar(l0, 1, &r0);
    const ld_layer_result *layers[] = {&r0};
    ld_fs_index x;
    ld_error err = LD_ERROR_INIT;
    assert_true(ld_fs_index_build(layers, 1, &x, &err) < 0);
    assert_int_equal(err.code, LD_ERR_CORRUPT);
    assert_non_null(strstr(err.msg, "hard link to \"/nowhere\""));
    ld_layer_result_clear(&r0);
}

static void test_opaque_root_and_normalize(void **state)
{
    ld_error err = LD_ERROR_INIT;
    char *p = ld_img_normalize_path("./a//b/./c/", 100, &err);
    assert_string_equal(p, "/a/b/c");
    free(p);
    assert_null(ld_img_normalize_path("a/..", 100, &err));
    char big[300];
    memset(big, 'a', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    assert_null(ld_img_normalize_path(big, 100, &err));
    assert_int_equal(err.code, LD_ERR_LIMIT);
    static const tent l0[] = {{'f', "x", "1", 0644}, {'d', "y", NULL, 0755}};
    static const tent l1[] = {{'f', ".wh..wh..opq", "", 0644}, {'f', "z", "2", 0644}};
    ld_layer_result r0, r1;
    stream_tar(l0, 2, &r0);
    stream_tar(l1, 2, &r1);
    const ld_layer_result *layers[] = {&r0, &r1};
    ld_fs_index x;
    assert_int_equal(ld_fs_index_build(layers, 2, &x, &err), 0);
    assert_int_equal(x.n_files, 1);
    assert_string_equal(x.files[0].path, "/z");
    ld_fs_index_clear(&x);
    ld_layer_result_clear(&r0);
    ld_layer_result_clear(&r1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plain_gzip_zstd_same_diff_id),
        cmocka_unit_test(test_multi_member_gzip),
        cmocka_unit_test(test_pending_output_at_end),
        cmocka_unit_test(test_truncated_gzip),
        cmocka_unit_test(test_gzip_bomb),
        cmocka_unit_test(test_digest_mismatch),
        cmocka_unit_test(test_hostile_paths),
        cmocka_unit_test(test_symlink_out_and_device_recorded),
        cmocka_unit_test(test_absurd_size),
        cmocka_unit_test(test_entry_limit),
        cmocka_unit_test(test_analyzer_content_and_cap),
        cmocka_unit_test(test_read_error_mid_layer),
        cmocka_unit_test(test_whiteouts),
        cmocka_unit_test(test_hardlink_to_missing_file),
        cmocka_unit_test(test_opaque_root_and_normalize),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
