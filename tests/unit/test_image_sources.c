/* Unit tests for the image sources: docker save archives (legacy and
 * OCI-in-tar, whole-file gzip, multi-image by tag), OCI layout directories,
 * dir:, and the manifest/index/config parsers, with hostile variants
 * (missing blobs, digest and diff_id mismatches, malformed and deeply
 * nested JSON). Archives are written into a mkdtemp directory. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sys/wait.h>

#include "test_image_util.h"

static char tmpdir[64];

static int setup(void **state)
{
    snprintf(tmpdir, sizeof(tmpdir), "/tmp/ld-image-test.XXXXXX");
    return mkdtemp(tmpdir) ? 0 : -1;
}

static int rm_cb(const char *p)
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
    return rm_cb(tmpdir);
}

static const tent base_layer[] = {
    {'d', "etc", NULL, 0755},
    {'f', "etc/os-release", "ID=test\n", 0644},
    {'f', "etc/motd", "old\n", 0644},
    {'d', "app", NULL, 0755},
    {'f', "app/secret", "s3cr3t\n", 0600},
};
static const tent top_layer[] = {
    {'f', "etc/.wh.motd", "", 0644},
    {'f', "etc/motd", "new\n", 0644},
    {'f', "app/.wh.secret", "", 0644},
    {'f', "app/run", "#!/bin/sh\n", 0755},
};

typedef struct {
    tbuf l0, l1;
    char *d0, *d1;
    char *config;
} two_layers;

static two_layers make_layers(bool gzip_layers, const char *bad_diff_id)
{
    two_layers t = {0};
    tbuf a = make_tar(base_layer, 5), b = make_tar(top_layer, 4);
    t.d0 = sha_hex(a.p, a.len);
    t.d1 = sha_hex(b.p, b.len);
    t.config = ld_xasprintf("{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":"
                            "\"layers\",\"diff_ids\":[\"%s\",\"%s\"]},"
                            "\"history\":[{\"created_by\":\"ADD base\"},{\"created_by\":\"ENV "
                            "x=1\",\"empty_layer\":true},"
                            "{\"created_by\":\"RUN swap\",\"created\":\"2024-01-01T00:00:00Z\"}]}",
                            t.d0, bad_diff_id ? bad_diff_id : t.d1);
    if (gzip_layers) {
        t.l0 = gz(a.p, a.len);
        t.l1 = gz(b.p, b.len);
        free(a.p);
        free(b.p);
    } else {
        t.l0 = a;
        t.l1 = b;
    }
    return t;
}

static void free_layers(two_layers *t)
{
    free(t->l0.p);
    free(t->l1.p);
    free(t->d0);
    free(t->d1);
    free(t->config);
}

/* A docker save tar in memory from (name, data, len) members. */
typedef struct {
    const char *name;
    const void *data;
    size_t len;
} member;

static tbuf outer_tar(const member *m, size_t n)
{
    tbuf b = {0};
    struct archive *a = archive_write_new();
    archive_write_set_format_pax_restricted(a);
    archive_write_open(a, &b, NULL, tbuf_write_cb, NULL);
    for (size_t i = 0; i < n; i++) {
        struct archive_entry *ae = archive_entry_new();
        archive_entry_set_pathname(ae, m[i].name);
        archive_entry_set_filetype(ae, AE_IFREG);
        archive_entry_set_perm(ae, 0644);
        archive_entry_set_size(ae, (la_int64_t)m[i].len);
        archive_write_header(a, ae);
        archive_write_data(a, m[i].data, m[i].len);
        archive_entry_free(ae);
    }
    archive_write_close(a);
    archive_write_free(a);
    return b;
}

static char *write_docker_archive(const char *fname, two_layers *t, bool layers_first,
                                  bool drop_top, bool whole_gzip)
{
    char *cfg_hex = sha_hex(t->config, strlen(t->config));
    char *cfg_name = ld_xasprintf("%s.json", cfg_hex + 7);
    char *manifest = ld_xasprintf(
        "[{\"Config\":\"%s\",\"RepoTags\":[\"other:1\"],\"Layers\":[\"aaa/layer.tar\"]},"
        "{\"Config\":\"%s\",\"RepoTags\":[\"test/img:1\"],\"Layers\":[\"aaa/layer.tar\",\"bbb/"
        "layer.tar\"]}]",
        cfg_name, cfg_name);
    member m[4];
    size_t n = 0;
    member mf = {"manifest.json", manifest, strlen(manifest)};
    if (!layers_first)
        m[n++] = mf;
    m[n++] = (member){"aaa/layer.tar", t->l0.p, t->l0.len};
    if (!drop_top)
        m[n++] = (member){"bbb/layer.tar", t->l1.p, t->l1.len};
    m[n++] = (member){cfg_name, t->config, strlen(t->config)};
    if (layers_first)
        m[n++] = mf;
    tbuf tar = outer_tar(m, n);
    char *path = ld_xasprintf("%s/%s", tmpdir, fname);
    if (whole_gzip) {
        tbuf g = gz(tar.p, tar.len);
        write_file(tmpdir, fname, g.p, g.len);
        free(g.p);
    } else {
        write_file(tmpdir, fname, tar.p, tar.len);
    }
    free(tar.p);
    free(manifest);
    free(cfg_name);
    free(cfg_hex);
    return path;
}

typedef struct {
    int calls;
    int layers_seen[4];
} an_count;

static bool want_etc(const char *path, uint64_t size, void *ctx)
{
    return strncmp(path, "/etc/", 5) == 0 || strcmp(path, "/app/secret") == 0;
}

static int count_file(const char *path, int layer, const uint8_t *data, size_t len, void *ctx,
                      ld_error *err)
{
    an_count *c = ctx;
    c->calls++;
    if (layer >= 0 && layer < 4)
        c->layers_seen[layer]++;
    return 0;
}

static void check_two_layer_image(ld_image *img, an_count *c)
{
    assert_non_null(img);
    assert_int_equal(ld_image_layer_count(img), 2);
    assert_string_equal(ld_image_layer(img, 0)->created_by, "ADD base");
    assert_string_equal(ld_image_layer(img, 1)->created_by, "RUN swap");
    assert_string_equal(ld_image_os(img), "linux");
    const ld_file_entry *motd = ld_image_lookup(img, "/etc/motd");
    assert_non_null(motd);
    assert_int_equal(motd->layer, 1);
    assert_null(ld_image_lookup(img, "/app/secret"));
    assert_non_null(ld_image_lookup(img, "/app/run"));
    assert_true(ld_image_visible(img, "/etc/motd", 1));
    assert_false(ld_image_visible(img, "/etc/motd", 0));
    bool saw_secret = false;
    for (size_t i = 0; i < ld_image_removed_count(img); i++)
        if (strcmp(ld_image_removed(img, i)->path, "/app/secret") == 0)
            saw_secret = true;
    assert_true(saw_secret);
    /* analyzers saw every version: os-release, motd(old), secret; motd(new) */
    assert_int_equal(c->calls, 4);
    assert_int_equal(c->layers_seen[0], 3);
    assert_int_equal(c->layers_seen[1], 1);
}

static void test_docker_archive_variants(void **state)
{
    for (int v = 0; v < 4; v++) {
        two_layers t = make_layers(v == 3, NULL);
        char *p = write_docker_archive("img.tar", &t, v & 1, false, v == 2);
        char *target = ld_xasprintf("docker-archive:%s", p);
        an_count c = {0};
        ld_analyzer an = {.name = "c", .wants = want_etc, .file = count_file, .ctx = &c};
        ld_image_options o = {.tag = "test/img:1"};
        ld_error err = LD_ERROR_INIT;
        ld_image *img = ld_image_read(v == 1 ? p : target, &o, &an, 1, &err);
        if (!img)
            fail_msg("variant %d: %s", v, err.msg);
        check_two_layer_image(img, &c);
        assert_string_equal(ld_image_source_kind(img), "docker-archive");
        ld_image_free(img);
        /* untagged: the first image, which has one layer: config disagrees */
        img = ld_image_read(target, NULL, NULL, 0, &err);
        assert_null(img);
        assert_non_null(strstr(err.msg, "lists 2 layers"));
        o.tag = "nope:2";
        err = (ld_error)LD_ERROR_INIT;
        assert_null(ld_image_read(target, &o, NULL, 0, &err));
        assert_int_equal(err.code, LD_ERR_NOT_FOUND);
        assert_non_null(strstr(err.msg, "test/img:1"));
        free(target);
        free(p);
        free_layers(&t);
    }
}

static void test_docker_archive_hostile(void **state)
{
    ld_image_options o = {.tag = "test/img:1"};
    /* missing blob */
    two_layers t = make_layers(false, NULL);
    char *p = write_docker_archive("missing.tar", &t, true, true, false);
    ld_error err = LD_ERROR_INIT;
    assert_null(ld_image_read(p, &o, NULL, 0, &err));
    assert_int_equal(err.code, LD_ERR_NOT_FOUND);
    assert_non_null(strstr(err.msg, "bbb/layer.tar"));
    free(p);
    free_layers(&t);
    /* diff_id mismatch, both in the two-pass and the streaming reader */
    t = make_layers(false,
                    "sha256:1111111111111111111111111111111111111111111111111111111111111111");
    for (int gzipped = 0; gzipped < 2; gzipped++) {
        p = write_docker_archive("bad.tar", &t, true, false, gzipped);
        err = (ld_error)LD_ERROR_INIT;
        assert_null(ld_image_read(p, &o, NULL, 0, &err));
        assert_int_equal(err.code, LD_ERR_CORRUPT);
        assert_non_null(strstr(err.msg, "diff_id mismatch"));
        assert_non_null(strstr(err.msg, "layer"));
        free(p);
    }
    free_layers(&t);
    /* not an archive */
    write_file(tmpdir, "junk.tar", "hello world, not a tar at all", 29);
    p = ld_xasprintf("%s/junk.tar", tmpdir);
    err = (ld_error)LD_ERROR_INIT;
    assert_null(ld_image_read(p, NULL, NULL, 0, &err));
    assert_int_equal(err.code, LD_ERR_CORRUPT);
    free(p);
}

static tbuf outer_tar_with_link(const member *m, size_t n, const char *link, const char *target)
{
    tbuf b = outer_tar(m, n);
    /* re-write with the symlink appended before the end blocks */
    tbuf out = {0};
    struct archive *a = archive_write_new();
    archive_write_set_format_pax_restricted(a);
    archive_write_open(a, &out, NULL, tbuf_write_cb, NULL);
    for (size_t i = 0; i < n; i++) {
        struct archive_entry *ae = archive_entry_new();
        archive_entry_set_pathname(ae, m[i].name);
        archive_entry_set_filetype(ae, AE_IFREG);
        archive_entry_set_perm(ae, 0644);
        archive_entry_set_size(ae, (la_int64_t)m[i].len);
        archive_write_header(a, ae);
        archive_write_data(a, m[i].data, m[i].len);
        archive_entry_free(ae);
    }
    struct archive_entry *ae = archive_entry_new();
    archive_entry_set_pathname(ae, link);
    archive_entry_set_filetype(ae, AE_IFLNK);
    archive_entry_set_symlink(ae, target);
    archive_entry_set_perm(ae, 0777);
    archive_write_header(a, ae);
    archive_entry_free(ae);
    archive_write_close(a);
    archive_write_free(a);
    free(b.p);
    return out;
}

/* Docker >= 25 writes an OCI layout inside the tar and keeps manifest.json;
 * an oci-archive has only index.json; docker save links duplicate layers. */
static void test_oci_in_tar_and_oci_archive(void **state)
{
    two_layers t = make_layers(true, NULL);
    char *h0 = sha_hex(t.l0.p, t.l0.len), *h1 = sha_hex(t.l1.p, t.l1.len);
    char *hc = sha_hex(t.config, strlen(t.config));
    char *b0 = ld_xasprintf("blobs/sha256/%s", h0 + 7),
         *b1 = ld_xasprintf("blobs/sha256/%s", h1 + 7);
    char *bc = ld_xasprintf("blobs/sha256/%s", hc + 7);
    char *mf =
        ld_xasprintf("{\"schemaVersion\":2,\"config\":{\"digest\":\"%s\",\"size\":1},\"layers\":["
                     "{\"mediaType\":\"application/"
                     "vnd.oci.image.layer.v1.tar+gzip\",\"digest\":\"%s\",\"size\":1},"
                     "{\"mediaType\":\"application/"
                     "vnd.oci.image.layer.v1.tar+gzip\",\"digest\":\"%s\",\"size\":1}]}",
                     hc, h0, h1);
    char *hm = sha_hex(mf, strlen(mf));
    char *bm = ld_xasprintf("blobs/sha256/%s", hm + 7);
    char *index = ld_xasprintf(
        "{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":"
        "\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"%s\",\"size\":1}]}",
        hm);
    char *dm = ld_xasprintf(
        "[{\"Config\":\"%s\",\"RepoTags\":[\"t:1\"],\"Layers\":[\"%s\",\"%s\"]}]", bc, b0, b1);
    member m[] = {{b0, t.l0.p, t.l0.len},
                  {b1, t.l1.p, t.l1.len},
                  {bc, t.config, strlen(t.config)},
                  {bm, mf, strlen(mf)},
                  {"index.json", index, strlen(index)},
                  {"oci-layout", "{\"imageLayoutVersion\":\"1.0.0\"}", 30},
                  {"manifest.json", dm, strlen(dm)}};
    for (int v = 0; v < 4; v++) {
        /* v0: docker >= 25 file, v1: oci-archive file, v2: both gzip'd whole, v3: bad blob name */
        size_t n = v == 1 || v == 2 ? 6 : 7;
        tbuf tar = outer_tar(m, n);
        if (v == 3) {
            /* swap the two layer blobs' contents: the names no longer match */
            member bad[7];
            memcpy(bad, m, sizeof(m));
            bad[0].data = t.l1.p, bad[0].len = t.l1.len;
            free(tar.p);
            tar = outer_tar(bad, 7);
        }
        if (v == 2) {
            tbuf g = gz(tar.p, tar.len);
            free(tar.p);
            tar = g;
        }
        write_file(tmpdir, "ocitar.tar", tar.p, tar.len);
        free(tar.p);
        char *p = ld_xasprintf("%s/ocitar.tar", tmpdir);
        an_count c = {0};
        ld_analyzer an = {.name = "c", .wants = want_etc, .file = count_file, .ctx = &c};
        ld_error err = LD_ERROR_INIT;
        ld_image *img = ld_image_read(p, NULL, &an, 1, &err);
        if (v == 3) {
            assert_null(img);
            assert_int_equal(err.code, LD_ERR_CORRUPT);
            assert_non_null(strstr(err.msg, "digest mismatch"));
            assert_non_null(strstr(err.msg, b0));
        } else {
            if (!img)
                fail_msg("variant %d: %s", v, err.msg);
            check_two_layer_image(img, &c);
            assert_string_equal(ld_image_source_kind(img),
                                v == 0 ? "docker-archive" : "oci-archive");
            if (v != 0)
                assert_string_equal(ld_image_manifest_digest(img), hm);
            ld_image_free(img);
        }
        free(p);
    }
    /* legacy save with a duplicate layer stored as a symlink */
    char *cfg2 =
        ld_xasprintf("{\"rootfs\":{\"diff_ids\":[\"%s\",\"%s\",\"%s\"]}}", t.d0, t.d0, t.d1);
    /* the layers must be plain tars for diff_id == blob here: rebuild */
    two_layers plain = make_layers(false, NULL);
    char *hc2 = sha_hex(cfg2, strlen(cfg2));
    char *cname = ld_xasprintf("%s.json", hc2 + 7);
    char *dm2 = ld_xasprintf(
        "[{\"Config\":\"%s\",\"Layers\":[\"a/layer.tar\",\"dup/layer.tar\",\"b/layer.tar\"]}]",
        cname);
    member m2[] = {{"a/layer.tar", plain.l0.p, plain.l0.len},
                   {"b/layer.tar", plain.l1.p, plain.l1.len},
                   {cname, cfg2, strlen(cfg2)},
                   {"manifest.json", dm2, strlen(dm2)}};
    tbuf tar2 = outer_tar_with_link(m2, 4, "dup/layer.tar", "../a/layer.tar");
    write_file(tmpdir, "dup.tar", tar2.p, tar2.len);
    for (int gzipped = 0; gzipped < 2; gzipped++) {
        if (gzipped) {
            tbuf g = gz(tar2.p, tar2.len);
            write_file(tmpdir, "dup.tar", g.p, g.len);
            free(g.p);
        }
        char *p = ld_xasprintf("%s/dup.tar", tmpdir);
        an_count c = {0};
        ld_analyzer an = {.name = "c", .wants = want_etc, .file = count_file, .ctx = &c};
        ld_error err = LD_ERROR_INIT;
        ld_image *img = ld_image_read(p, NULL, &an, 1, &err);
        if (!img)
            fail_msg("dup layers (gzip %d): %s", gzipped, err.msg);
        assert_int_equal(ld_image_layer_count(img), 3);
        assert_int_equal(ld_image_lookup(img, "/etc/motd")->layer, 2);
        assert_int_equal(ld_image_lookup(img, "/etc/os-release")->layer, 1);
        /* the shared blob is analysed for both positions */
        assert_int_equal(c.layers_seen[0], 3);
        assert_int_equal(c.layers_seen[1], 3);
        assert_int_equal(c.layers_seen[2], 1);
        ld_image_free(img);
        /* truncated: the archive ends inside a layer */
        err = (ld_error)LD_ERROR_INIT;
        if (!gzipped) {
            write_file(tmpdir, "dup.tar", tar2.p, 2000);
            assert_null(ld_image_read(p, NULL, NULL, 0, &err));
            assert_true(err.code == LD_ERR_CORRUPT || err.code == LD_ERR_NOT_FOUND);
        }
        free(p);
    }
    free(tar2.p);
    free_layers(&plain);
    free(cfg2), free(hc2), free(cname), free(dm2);
    free(h0), free(h1), free(hc), free(b0), free(b1), free(bc), free(mf), free(hm), free(bm);
    free(index), free(dm);
    free_layers(&t);
}

/* OCI layout directory with gzip layers; returns the layout path. */
static char *write_oci(const char *name, two_layers *t, const char *platform_json)
{
    char *dir = ld_xasprintf("%s/%s", tmpdir, name);
    mkdir(dir, 0755);
    char *h0 = sha_hex(t->l0.p, t->l0.len), *h1 = sha_hex(t->l1.p, t->l1.len);
    char *hc = sha_hex(t->config, strlen(t->config));
    char *b0 = ld_xasprintf("blobs/sha256/%s", h0 + 7),
         *b1 = ld_xasprintf("blobs/sha256/%s", h1 + 7);
    char *bc = ld_xasprintf("blobs/sha256/%s", hc + 7);
    write_file(dir, b0, t->l0.p, t->l0.len);
    write_file(dir, b1, t->l1.p, t->l1.len);
    write_file(dir, bc, t->config, strlen(t->config));
    char *mf = ld_xasprintf("{\"schemaVersion\":2,\"config\":{\"mediaType\":\"application/"
                            "vnd.oci.image.config.v1+json\",\"digest\":\"%s\",\"size\":%zu},"
                            "\"layers\":[{\"mediaType\":\"application/"
                            "vnd.oci.image.layer.v1.tar+gzip\",\"digest\":\"%s\",\"size\":%zu},"
                            "{\"mediaType\":\"application/"
                            "vnd.oci.image.layer.v1.tar+gzip\",\"digest\":\"%s\",\"size\":%zu}]}",
                            hc, strlen(t->config), h0, t->l0.len, h1, t->l1.len);
    char *hm = sha_hex(mf, strlen(mf));
    char *bm = ld_xasprintf("blobs/sha256/%s", hm + 7);
    write_file(dir, bm, mf, strlen(mf));
    /* a nested index pointing at the manifest */
    char *nested =
        ld_xasprintf("{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":\"application/"
                     "vnd.oci.image.manifest.v1+json\",\"digest\":\"%s\",\"size\":%zu%s}]}",
                     hm, strlen(mf), platform_json);
    char *hn = sha_hex(nested, strlen(nested));
    char *bn = ld_xasprintf("blobs/sha256/%s", hn + 7);
    write_file(dir, bn, nested, strlen(nested));
    char *index = ld_xasprintf("{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":\"application/"
                               "vnd.oci.image.index.v1+json\",\"digest\":\"%s\",\"size\":%zu}]}",
                               hn, strlen(nested));
    write_file(dir, "index.json", index, strlen(index));
    write_file(dir, "oci-layout", "{\"imageLayoutVersion\":\"1.0.0\"}", 30);
    free(h0), free(h1), free(hc), free(b0), free(b1), free(bc), free(mf), free(hm), free(bm);
    free(nested), free(hn), free(bn), free(index);
    return dir;
}

static void test_oci_dir(void **state)
{
    two_layers t = make_layers(true, NULL);
    char *dir =
        write_oci("oci1", &t, ",\"platform\":{\"os\":\"linux\",\"architecture\":\"riscv64\"}");
    an_count c = {0};
    ld_analyzer an = {.name = "c", .wants = want_etc, .file = count_file, .ctx = &c};
    ld_image_options o = {.platform = "linux/riscv64", .threads = 2};
    ld_error err = LD_ERROR_INIT;
    ld_image *img = ld_image_read(dir, &o, &an, 1, &err); /* auto-detected */
    if (!img)
        fail_msg("%s", err.msg);
    check_two_layer_image(img, &c);
    assert_string_equal(ld_image_source_kind(img), "oci");
    assert_non_null(ld_image_manifest_digest(img));
    assert_string_equal(ld_image_layer(img, 0)->media_type,
                        "application/vnd.oci.image.layer.v1.tar+gzip");
    ld_image_free(img);
    /* wrong platform */
    o.platform = "linux/s390x";
    assert_null(ld_image_read(dir, &o, NULL, 0, &err));
    assert_int_equal(err.code, LD_ERR_NOT_FOUND);
    assert_non_null(strstr(err.msg, "linux/s390x"));
    /* corrupt a layer blob: digest mismatch names the layer */
    char *h1 = sha_hex(t.l1.p, t.l1.len);
    char *blob = ld_xasprintf("blobs/sha256/%s", h1 + 7);
    t.l1.p[t.l1.len - 5] ^= 0x55;
    write_file(dir, blob, t.l1.p, t.l1.len);
    o.platform = "linux/riscv64";
    err = (ld_error)LD_ERROR_INIT;
    assert_null(ld_image_read(dir, &o, NULL, 0, &err));
    assert_int_equal(err.code, LD_ERR_CORRUPT);
    assert_non_null(strstr(err.msg, "layer 1"));
    /* remove it: missing blob */
    char *full = ld_xasprintf("%s/%s", dir, blob);
    unlink(full);
    err = (ld_error)LD_ERROR_INIT;
    assert_null(ld_image_read(dir, &o, NULL, 0, &err));
    assert_int_equal(err.code, LD_ERR_NOT_FOUND);
    assert_non_null(strstr(err.msg, h1));
    free(full);
    free(blob);
    free(h1);
    free(dir);
    free_layers(&t);
}

static void test_json_parsers_hostile(void **state)
{
    ld_error err = LD_ERROR_INIT;
    ld_docker_manifest m;
    const char *bad[] = {"",
                         "{",
                         "[]",
                         "[1]",
                         "{\"a\":1}",
                         "[{\"Config\":\"../x\",\"Layers\":[]}]",
                         "[{\"Config\":\"c.json\",\"Layers\":[\"/etc/passwd\"]}]",
                         "[{\"Config\":\"c.json\",\"Layers\":[\"a/../../b\"]}]",
                         "[{\"Config\":\"c.json\",\"Layers\":\"x\"}]"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        err = (ld_error)LD_ERROR_INIT;
        assert_true(ld_docker_manifest_parse(bad[i], strlen(bad[i]), &m, &err) < 0);
        assert_true(err.code == LD_ERR_CORRUPT);
    }
    /* deeply nested */
    size_t depth = 100000;
    char *deep = ld_xmalloc(2 * depth + 1);
    memset(deep, '[', depth);
    memset(deep + depth, ']', depth);
    deep[2 * depth] = '\0';
    err = (ld_error)LD_ERROR_INIT;
    assert_true(ld_docker_manifest_parse(deep, 2 * depth, &m, &err) < 0);
    assert_non_null(strstr(err.msg, "nested deeper"));
    ld_oci_index ix;
    assert_true(ld_oci_index_parse(deep, 2 * depth, &ix, &err) < 0);
    ld_image_config cfg;
    assert_true(ld_image_config_parse(deep, 2 * depth, &cfg, &err) < 0);
    free(deep);
    /* oversize */
    size_t big = LD_IMG_MAX_JSON_BYTES + 1;
    char *huge = ld_xcalloc(big, 1);
    memset(huge, ' ', big);
    err = (ld_error)LD_ERROR_INIT;
    assert_true(ld_image_config_parse(huge, big, &cfg, &err) < 0);
    assert_int_equal(err.code, LD_ERR_LIMIT);
    free(huge);
    /* bad digests in descriptors and diff_ids */
    const char *idx = "{\"manifests\":[{\"digest\":\"sha256:../../etc\",\"size\":1}]}";
    assert_true(ld_oci_index_parse(idx, strlen(idx), &ix, &err) < 0);
    const char *c = "{\"rootfs\":{\"diff_ids\":[\"md5:abc\"]}}";
    assert_true(ld_image_config_parse(c, strlen(c), &cfg, &err) < 0);
    /* good manifest: pick by tag variants */
    const char *good = "[{\"Config\":\"c.json\",\"RepoTags\":[\"docker.io/library/"
                       "alpine:latest\"],\"Layers\":[\"l\"]},"
                       "{\"Config\":\"d.json\",\"RepoTags\":[\"x/y:2\"],\"Layers\":[]}]";
    assert_int_equal(ld_docker_manifest_parse(good, strlen(good), &m, &err), 0);
    assert_int_equal(ld_docker_manifest_pick(&m, "alpine", &err), 0);
    assert_int_equal(ld_docker_manifest_pick(&m, "alpine:latest", &err), 0);
    assert_int_equal(ld_docker_manifest_pick(&m, "x/y:2", &err), 1);
    assert_true(ld_docker_manifest_pick(&m, "x/y", &err) < 0);
    ld_docker_manifest_clear(&m);
}

static bool want_all(const char *path, uint64_t size, void *ctx)
{
    return true;
}

static void test_dir_source_never_follows_links(void **state)
{
    char *root = ld_xasprintf("%s/rootfs", tmpdir);
    mkdir(root, 0755);
    write_file(root, "etc/os-release", "ID=dir\n", 7);
    write_file(tmpdir, "outside-secret", "TOPSECRET", 9);
    char *link = ld_xasprintf("%s/etc/escape", root);
    char *outside = ld_xasprintf("%s/outside-secret", tmpdir);
    assert_int_equal(symlink(outside, link), 0);
    char *dlink = ld_xasprintf("%s/dirlink", root);
    assert_int_equal(symlink(tmpdir, dlink), 0);
    char *fifo = ld_xasprintf("%s/etc/fifo", root);
    assert_int_equal(mkfifo(fifo, 0600), 0);
    an_count c = {0};
    ld_analyzer an = {.name = "all", .wants = want_all, .file = count_file, .ctx = &c};
    char *target = ld_xasprintf("dir:%s", root);
    ld_error err = LD_ERROR_INIT;
    ld_image *img = ld_image_read(target, NULL, &an, 1, &err);
    if (!img)
        fail_msg("%s", err.msg);
    assert_string_equal(ld_image_source_kind(img), "dir");
    assert_int_equal(c.calls, 1); /* only /etc/os-release: links and the FIFO are not opened */
    const ld_file_entry *e = ld_image_lookup(img, "/etc/escape");
    assert_non_null(e);
    assert_int_equal(e->type, LD_FILE_SYMLINK);
    assert_string_equal(e->link, outside);
    assert_int_equal(ld_image_lookup(img, "/dirlink")->type, LD_FILE_SYMLINK);
    assert_null(ld_image_lookup(img, "/dirlink/outside-secret"));
    assert_int_equal(ld_image_lookup(img, "/etc/fifo")->type, LD_FILE_FIFO);
    assert_int_equal(ld_image_lookup(img, "/etc/os-release")->layer, -1);
    ld_image_free(img);
    free(target), free(fifo), free(dlink), free(link), free(outside), free(root);
}

static void test_source_detection(void **state)
{
    ld_src_kind k;
    const char *rest;
    ld_error err = LD_ERROR_INIT;
    assert_int_equal(ld_img_detect_source("docker:busybox:1", &k, &rest, &err), 0);
    assert_int_equal(k, LD_SRC_ENGINE);
    assert_string_equal(rest, "busybox:1");
    assert_int_equal(ld_img_detect_source("oci-archive:/x.tar", &k, &rest, &err), 0);
    assert_int_equal(k, LD_SRC_OCI_ARCHIVE);
    assert_int_equal(ld_img_detect_source("some/name:tag", &k, &rest, &err), 0);
    assert_int_equal(k, LD_SRC_ENGINE);
    assert_int_equal(ld_img_detect_source(tmpdir, &k, &rest, &err), 0);
    assert_int_equal(k, LD_SRC_DIR);
    assert_true(ld_img_detect_source("/no/such/file.tar", &k, &rest, &err) < 0);
    assert_int_equal(err.code, LD_ERR_NOT_FOUND);
    assert_true(ld_img_detect_source("dir:", &k, &rest, &err) < 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_docker_archive_variants),
        cmocka_unit_test(test_docker_archive_hostile),
        cmocka_unit_test(test_oci_dir),
        cmocka_unit_test(test_oci_in_tar_and_oci_archive),
        cmocka_unit_test(test_json_parsers_hostile),
        cmocka_unit_test(test_dir_source_never_follows_links),
        cmocka_unit_test(test_source_detection),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
