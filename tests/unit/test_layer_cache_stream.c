/* Unit tests for the layer cache of streamed archives
 * (src/image/layer_cache_stream.c, layer_cache_map.c): the map parser on
 * hostile files (truncated at every length, one byte over the limit, wrong
 * header, another key, a diff_id of the wrong kind, upper-case hex, CRLF,
 * a NUL, bytes after the end); whole reads of a gzip'd legacy `docker
 * save` archive (layers before manifest.json, so read in one streaming
 * pass): a cold read keeps a record and a map per member, a warm one
 * serves every layer from the cache with the same analyzer calls, results
 * and wants() questions as a read without the cache; a blob listed twice
 * is replayed at both positions; a poisoned map is caught by the hash (the
 * member served by its own record, the map rewritten), a poisoned map with
 * no record of the member fails the read naming it, and the next read
 * recovers; garbage, a directory or a symlink in place of a map is noted,
 * removed, and the layer read. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <dirent.h>
#include <pthread.h>
#include <sys/wait.h>

#include "image/layer_cache.h"
#include "test_image_util.h"

static char tmpdir[64];

static int setup(void **state)
{
    (void)state;
    snprintf(tmpdir, sizeof(tmpdir), "/tmp/ld-lcache-stream.XXXXXX");
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

/* ---- the map parser -------------------------------------------------------- */

#define KEY "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define DIFF "sha256:fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210"

static void expect_bad(const char *data, size_t len, const char *key)
{
    ld_error err = LD_ERROR_INIT;
    char out[LD_DIGEST_LEN + 1] = "x";
    assert_true(ld_layer_map_parse(data, len, key, out, &err) < 0);
    assert_string_equal(out, "");
    assert_true(err.msg[0] != '\0');
}

static void test_map_parse(void **state)
{
    (void)state;
    char *good = ld_layer_map_format(KEY, DIFF);
    size_t n = strlen(good);
    ld_error err = LD_ERROR_INIT;
    char out[LD_DIGEST_LEN + 1];
    assert_int_equal(ld_layer_map_parse(good, n, KEY, out, &err), 0);
    assert_string_equal(out, DIFF);
    /* truncated at every length */
    for (size_t len = 0; len < n; len++)
        expect_bad(good, len, KEY);
    /* bytes after the end, and one byte over the limit */
    char *big = ld_xcalloc(LD_LAYER_MAP_MAX + 2, 1);
    memcpy(big, good, n);
    memset(big + n, '\n', LD_LAYER_MAP_MAX + 1 - n);
    expect_bad(big, n + 1, KEY);
    expect_bad(big, LD_LAYER_MAP_MAX + 1, KEY);
    free(big);
    /* the map of another key */
    char *other = ld_layer_map_format(
        "1123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", DIFF);
    expect_bad(other, strlen(other), KEY);
    free(other);
    /* a key that is none */
    expect_bad(good, n, "0123");
    expect_bad(good, n, NULL);
    /* each byte changed in turn: the header, the key, the diff_id, newlines */
    char *p = ld_xstrdup(good);
    for (size_t at = 0; at < n; at++) {
        memcpy(p, good, n);
        p[at] = 'G'; /* in no part of a map (another hex digit is another map) */
        expect_bad(p, n, KEY);
        memcpy(p, good, n);
        p[at] = '\0';
        expect_bad(p, n, KEY);
    }
    free(p);
    /* a diff_id of another kind, upper-case hex, CRLF line ends */
    const char *wrong[] = {
        "lockdown layer map 1\nkey " KEY
        "\ndiff_id sha512:fedcba9876543210fedcba9876543210fedcba9876"
        "543210fedcba9876543210\n",
        "lockdown layer map 1\nkey " KEY
        "\ndiff_id sha256:FEDCBA9876543210fedcba9876543210fedcba987"
        "6543210fedcba9876543210\n",
        "lockdown layer map 1\r\nkey " KEY "\r\ndiff_id " DIFF "\r\n",
        "lockdown layer map 2\nkey " KEY "\ndiff_id " DIFF "\n",
        "lockdown layer map 1\nkey " KEY "\ndiff_id  " DIFF "\n",
        "lockdown layer map 1\nkey " KEY "\ndiff_id " DIFF,
    };
    for (size_t i = 0; i < sizeof(wrong) / sizeof(*wrong); i++)
        expect_bad(wrong[i], strlen(wrong[i]), KEY);
    free(good);
}

static void test_member_key(void **state)
{
    (void)state;
    char key[65];
    assert_true(ld_layer_cache_member_key(KEY "/layer.tar", key));
    assert_string_equal(key, KEY);
    assert_true(ld_layer_cache_member_key("blobs/sha256/" KEY, key));
    assert_string_equal(key, KEY);
    assert_false(ld_layer_cache_member_key(KEY "/json", key));
    assert_false(ld_layer_cache_member_key("x" KEY "/layer.tar", key));
    assert_false(ld_layer_cache_member_key("blobs/sha512/" KEY, key));
    assert_false(ld_layer_cache_member_key(
        "0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef/layer.tar", key));
    assert_false(ld_layer_cache_member_key("../" KEY "/layer.tar", key));
    assert_false(ld_layer_cache_member_key(NULL, key));
    assert_string_equal(key, "");
}

/* ---- analyzers: one recorded (logs its calls), one that saves itself ---- */

typedef struct {
    pthread_mutex_t lock;
    ld_strlist calls;
    uint64_t wants_asked;
    uint64_t files[8], bytes[8];
    int loads, saves;
} state_t;

static bool log_wants(const char *path, uint64_t size, void *ctx)
{
    (void)size;
    state_t *s = ctx;
    pthread_mutex_lock(&s->lock);
    s->wants_asked++;
    pthread_mutex_unlock(&s->lock);
    return strncmp(path, "/etc/", 5) == 0;
}

static int log_file(const char *path, int layer, const uint8_t *data, size_t len, void *ctx,
                    ld_error *err)
{
    (void)err;
    state_t *s = ctx;
    pthread_mutex_lock(&s->lock);
    ld_strlist_push_owned(&s->calls, ld_xasprintf("%s@%d=%.*s", path, layer, (int)len, data));
    pthread_mutex_unlock(&s->lock);
    return 0;
}

static bool count_wants(const char *path, uint64_t size, void *ctx)
{
    (void)path, (void)size, (void)ctx;
    return true;
}

static int count_file(const char *path, int layer, const uint8_t *data, size_t len, void *ctx,
                      ld_error *err)
{
    (void)path, (void)data, (void)err;
    state_t *s = ctx;
    pthread_mutex_lock(&s->lock);
    s->files[layer]++;
    s->bytes[layer] += len;
    pthread_mutex_unlock(&s->lock);
    return 0;
}

static int count_save(void *ctx, int layer, struct ld_cache_writer *w, ld_error *err)
{
    (void)err;
    state_t *s = ctx;
    pthread_mutex_lock(&s->lock);
    ld_cache_put_u64(w, s->files[layer]);
    ld_cache_put_u64(w, s->bytes[layer]);
    s->saves++;
    pthread_mutex_unlock(&s->lock);
    return 0;
}

static int count_load(void *ctx, int layer, const uint8_t *data, size_t len, bool apply,
                      ld_error *err)
{
    state_t *s = ctx;
    ld_cache_reader r;
    ld_cache_reader_init(&r, data, len);
    uint64_t f = ld_cache_get_u64(&r), b = ld_cache_get_u64(&r);
    if (!ld_cache_reader_done(&r))
        return ld_error_set(err, LD_ERR_CORRUPT, "bad counts");
    if (!apply)
        return 0;
    assert_true(layer >= 0 && layer < 8);
    pthread_mutex_lock(&s->lock);
    s->files[layer] += f;
    s->bytes[layer] += b;
    s->loads++;
    pthread_mutex_unlock(&s->lock);
    return 0;
}

/* ---- a gzip'd legacy docker save archive ------------------------------------ */

typedef struct {
    char *path;    /* the .tar.gz */
    char *v1[2];   /* member keys */
    char *diff[2]; /* diff_ids */
} archive_t;

static int cmp_strp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

typedef struct {
    const char *name;
    const void *data;
    size_t len;
} member_t;

/* members[0..n) as a tar, gzip'd into tmpdir/file. */
static void write_outer(const char *file, const member_t *members, size_t n)
{
    tbuf outer = {0};
    struct archive *a = archive_write_new();
    archive_write_set_format_pax_restricted(a);
    archive_write_set_bytes_per_block(a, 0);
    archive_write_open(a, &outer, NULL, tbuf_write_cb, NULL);
    for (size_t i = 0; i < n; i++) {
        struct archive_entry *ae = archive_entry_new();
        archive_entry_set_pathname(ae, members[i].name);
        archive_entry_set_filetype(ae, AE_IFREG);
        archive_entry_set_perm(ae, 0644);
        archive_entry_set_size(ae, (la_int64_t)members[i].len);
        archive_write_header(a, ae);
        archive_write_data(a, members[i].data, members[i].len);
        archive_entry_free(ae);
    }
    archive_write_close(a);
    archive_write_free(a);
    tbuf z = gz(outer.p, outer.len);
    write_file(tmpdir, file, z.p, z.len);
    free(z.p), free(outer.p);
}

/* Two layers; the manifest lists the blobs in order (indices < 2, one may
 * be listed twice). Members come in the engine's order: layer
 * directories by name, then the config, then manifest.json. */
static archive_t write_archive(const char *name, const int *order, size_t n_order)
{
    static const tent l0[] = {{'d', "etc", NULL, 0755},
                              {'f', "etc/passwd", "root:x:0:0::/root:/bin/sh\n", 0},
                              {'f', "etc/os-release", "ID=test\n", 0},
                              {'f', "usr/bin/tool", "ELF-ish tool bytes", 0755}};
    static const tent l1[] = {{'f', "etc/passwd", "root:x:0:0::/root:/bin/bash\n", 0},
                              {'f', "opt/app/config", "token=abc", 0}};
    tbuf raw[2] = {make_tar(l0, 4), make_tar(l1, 2)};
    archive_t A = {0};
    for (int i = 0; i < 2; i++) {
        A.diff[i] = sha_hex(raw[i].p, raw[i].len);
        /* a v1 id: any 64 hex digits that are not the diff_id */
        char *seed = ld_xasprintf("v1 %s %d", name, i);
        char *h = sha_hex(seed, strlen(seed));
        A.v1[i] = ld_xstrdup(h + 7);
        free(seed), free(h);
    }
    char *ids = ld_xstrdup(""), *layers = ld_xstrdup("");
    for (size_t k = 0; k < n_order; k++) {
        int i = order[k];
        char *a = ld_xasprintf("%s%s\"%s\"", ids, k ? "," : "", A.diff[i]);
        char *b = ld_xasprintf("%s%s\"%s/layer.tar\"", layers, k ? "," : "", A.v1[i]);
        free(ids), free(layers);
        ids = a, layers = b;
    }
    char *config = ld_xasprintf("{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":"
                                "\"layers\",\"diff_ids\":[%s]}}",
                                ids);
    char *hc = sha_hex(config, strlen(config));
    char *cfg_name = ld_xasprintf("%s.json", hc + 7);
    char *manifest = ld_xasprintf("[{\"Config\":\"%s\",\"RepoTags\":[\"t:1\"],\"Layers\":[%s]}]",
                                  cfg_name, layers);
    /* the layer members in name order, as the engine writes them */
    char *names[2] = {ld_xasprintf("%s/layer.tar", A.v1[0]), ld_xasprintf("%s/layer.tar", A.v1[1])};
    int first = strcmp(names[0], names[1]) < 0 ? 0 : 1;
    /* make_tar takes NUL-terminated contents: layer tars hold NULs, so the
     * outer archive is written with explicit sizes */
    member_t members[] = {
        {names[first], raw[first].p, raw[first].len},
        {names[1 - first], raw[1 - first].p, raw[1 - first].len},
        {cfg_name, config, strlen(config)},
        {"manifest.json", manifest, strlen(manifest)},
    };
    char *file = ld_xasprintf("%s.tar.gz", name);
    write_outer(file, members, 4);
    A.path = ld_xasprintf("docker-archive:%s/%s", tmpdir, file);
    free(file);
    for (int i = 0; i < 2; i++)
        free(raw[i].p), free(names[i]);
    free(ids), free(layers), free(config), free(hc), free(cfg_name), free(manifest);
    return A;
}

static void docker_archive_free(archive_t *A)
{
    free(A->path);
    for (int i = 0; i < 2; i++)
        free(A->v1[i]), free(A->diff[i]);
}

typedef struct {
    char *calls;
    uint64_t files[8], bytes[8], wants;
    uint64_t hits, misses, not_read;
    int loads, saves;
    ld_strlist notes;
} read_out;

static void read_out_clear(read_out *o)
{
    free(o->calls);
    ld_strlist_clear(&o->notes);
}

static bool has_note(const read_out *o, const char *part)
{
    for (size_t i = 0; i < o->notes.n; i++)
        if (strstr(o->notes.v[i], part))
            return true;
    return false;
}

static int read_with(const char *target, const char *cache, read_out *o, ld_error *err)
{
    memset(o, 0, sizeof(*o));
    state_t s = {0};
    pthread_mutex_init(&s.lock, NULL);
    ld_analyzer an[2] = {
        {.name = "log", .wants = log_wants, .file = log_file, .ctx = &s},
        {.name = "count",
         .wants = count_wants,
         .file = count_file,
         .ctx = &s,
         .cache_id = "count-1",
         .layer_save = count_save,
         .layer_load = count_load},
    };
    ld_image_options opt = {.cache_dir = cache, .threads = 2};
    ld_image *img = ld_image_read(target, &opt, an, 2, err);
    if (img) {
        qsort(s.calls.v, s.calls.n, sizeof(char *), cmp_strp);
        o->calls = ld_strlist_join(&s.calls, "\n");
        memcpy(o->files, s.files, sizeof(o->files));
        memcpy(o->bytes, s.bytes, sizeof(o->bytes));
        o->wants = s.wants_asked;
        ld_image_cache_stats(img, &o->hits, &o->misses, &o->not_read);
        o->loads = s.loads;
        o->saves = s.saves;
        const ld_strlist *n = ld_image_notes(img);
        for (size_t i = 0; i < n->n; i++)
            ld_strlist_push(&o->notes, n->v[i]);
    }
    ld_image_free(img);
    ld_strlist_clear(&s.calls);
    pthread_mutex_destroy(&s.lock);
    return img ? 0 : -1;
}

static void assert_same(const read_out *a, const read_out *b)
{
    assert_string_equal(a->calls, b->calls);
    assert_memory_equal(a->files, b->files, sizeof(a->files));
    assert_memory_equal(a->bytes, b->bytes, sizeof(a->bytes));
    assert_int_equal(a->wants, b->wants);
}

static char *map_path(const char *cache, const char *key)
{
    return ld_xasprintf("%s/v1/sha256/%.2s/%s.map", cache, key, key);
}

static void put_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void remove_records(const char *cache, const char *diff_id)
{
    char *dir = ld_xasprintf("%s/v1/sha256/%.2s", cache, diff_id + 7);
    DIR *d = opendir(dir);
    assert_non_null(d);
    struct dirent *de;
    while ((de = readdir(d)))
        if (strncmp(de->d_name, diff_id + 7, 64) == 0 && strstr(de->d_name, ".rec")) {
            char *p = ld_xasprintf("%s/%s", dir, de->d_name);
            unlink(p);
            free(p);
        }
    closedir(d);
    free(dir);
}

static void test_stream_rescan(void **state)
{
    (void)state;
    int order[] = {0, 1};
    archive_t A = write_archive("rescan", order, 2);
    char *cache = ld_xasprintf("%s/cache-rescan", tmpdir);
    ld_error err = LD_ERROR_INIT;
    read_out plain, cold, warm;
    assert_int_equal(read_with(A.path, NULL, &plain, &err), 0);
    assert_true(strstr(plain.calls, "/etc/passwd@1=root:x:0:0::/root:/bin/bash") != NULL);
    assert_int_equal(read_with(A.path, cache, &cold, &err), 0);
    assert_int_equal(cold.hits, 0);
    assert_int_equal(cold.misses, 2);
    assert_int_equal(cold.saves, 2);
    assert_same(&plain, &cold);
    for (int i = 0; i < 2; i++) {
        char *m = map_path(cache, A.v1[i]);
        FILE *f = fopen(m, "r");
        assert_non_null(f);
        char buf[LD_LAYER_MAP_MAX + 1];
        size_t n = fread(buf, 1, sizeof(buf), f);
        fclose(f);
        char got[LD_DIGEST_LEN + 1];
        assert_int_equal(ld_layer_map_parse(buf, n, A.v1[i], got, &err), 0);
        assert_string_equal(got, A.diff[i]);
        free(m);
    }
    assert_int_equal(read_with(A.path, cache, &warm, &err), 0);
    assert_int_equal(warm.hits, 2);
    assert_int_equal(warm.misses, 0);
    assert_int_equal(warm.loads, 2);
    assert_int_equal(warm.saves, 0);
    assert_int_equal(warm.not_read, 0); /* a stream's bytes are read (hashed) all the same */
    assert_false(has_note(&warm, "layer cache"));
    assert_same(&plain, &warm);
    read_out_clear(&plain), read_out_clear(&cold), read_out_clear(&warm);
    free(cache);
    docker_archive_free(&A);
}

static void test_stream_twice_listed(void **state)
{
    (void)state;
    int order[] = {0, 1, 0};
    archive_t A = write_archive("twice", order, 3);
    char *cache = ld_xasprintf("%s/cache-twice", tmpdir);
    ld_error err = LD_ERROR_INIT;
    read_out plain, cold, warm;
    assert_int_equal(read_with(A.path, NULL, &plain, &err), 0);
    assert_true(strstr(plain.calls, "/etc/os-release@2=ID=test") != NULL);
    assert_int_equal(read_with(A.path, cache, &cold, &err), 0);
    assert_int_equal(read_with(A.path, cache, &warm, &err), 0);
    assert_int_equal(warm.hits, 2);
    assert_int_equal(warm.loads, 3); /* the first blob restored at both positions */
    assert_same(&plain, &warm);
    read_out_clear(&plain), read_out_clear(&cold), read_out_clear(&warm);
    free(cache);
    docker_archive_free(&A);
}

static void test_stream_poisoned_map(void **state)
{
    (void)state;
    int order[] = {0, 1};
    archive_t A = write_archive("poison", order, 2);
    char *cache = ld_xasprintf("%s/cache-poison", tmpdir);
    ld_error err = LD_ERROR_INIT;
    read_out plain, cold, poisoned;
    assert_int_equal(read_with(A.path, NULL, &plain, &err), 0);
    assert_int_equal(read_with(A.path, cache, &cold, &err), 0);
    /* member 1 said to be layer 0: both records exist */
    char *m1 = map_path(cache, A.v1[1]);
    char *lie = ld_layer_map_format(A.v1[1], A.diff[0]);
    put_text(m1, lie);
    assert_int_equal(read_with(A.path, cache, &poisoned, &err), 0);
    assert_int_equal(poisoned.hits, 2);
    assert_same(&plain, &poisoned);
    char *want = ld_xasprintf("the map of archive member %s/layer.tar named layer %s, but the "
                              "member is %s; the map was removed",
                              A.v1[1], A.diff[0], A.diff[1]);
    assert_true(has_note(&poisoned, want));
    free(want);
    /* the map is right again */
    read_out again;
    assert_int_equal(read_with(A.path, cache, &again, &err), 0);
    assert_int_equal(again.hits, 2);
    assert_false(has_note(&again, "layer cache"));
    read_out_clear(&again);
    /* a lie and no record of what the member is: the read fails, naming it */
    put_text(m1, lie);
    remove_records(cache, A.diff[1]);
    read_out failed;
    assert_true(read_with(A.path, cache, &failed, &err) < 0);
    want = ld_xasprintf("layer %s/layer.tar: the layer cache took this member for layer %s, but it "
                        "is %s; the cache's map was removed: run again (or with --no-cache)",
                        A.v1[1], A.diff[0], A.diff[1]);
    if (!strstr(err.msg, want))
        fail_msg("%s", err.msg);
    free(want);
    assert_int_equal(access(m1, F_OK), -1);
    /* the next read reads that member, and is right */
    read_out after;
    ld_error_clear(&err);
    assert_int_equal(read_with(A.path, cache, &after, &err), 0);
    assert_int_equal(after.hits, 1);
    assert_int_equal(after.misses, 1);
    assert_same(&plain, &after);
    read_out_clear(&after);
    free(lie), free(m1);
    read_out_clear(&plain), read_out_clear(&cold), read_out_clear(&poisoned);
    free(cache);
    docker_archive_free(&A);
}

static void test_stream_bad_maps(void **state)
{
    (void)state;
    int order[] = {0, 1};
    archive_t A = write_archive("badmaps", order, 2);
    char *cache = ld_xasprintf("%s/cache-badmaps", tmpdir);
    ld_error err = LD_ERROR_INIT;
    read_out plain, cold;
    assert_int_equal(read_with(A.path, NULL, &plain, &err), 0);
    assert_int_equal(read_with(A.path, cache, &cold, &err), 0);
    char *m0 = map_path(cache, A.v1[0]), *m1 = map_path(cache, A.v1[1]);
    /* kinds of garbage: a huge file, a directory, a symlink to a good map */
    const char *why[] = {"more than any map", "not a regular file", "Too many levels"};
    for (int kind = 0; kind < 3; kind++) {
        unlink(m0);
        rmdir(m0);
        if (kind == 0) {
            char *huge = ld_xcalloc(4097, 1);
            memset(huge, 'x', 4096);
            put_text(m0, huge);
            free(huge);
        } else if (kind == 1) {
            assert_int_equal(mkdir(m0, 0700), 0);
        } else {
            assert_int_equal(symlink(m1, m0), 0);
        }
        read_out o;
        assert_int_equal(read_with(A.path, cache, &o, &err), 0);
        assert_int_equal(o.hits, 1);
        assert_int_equal(o.misses, 1);
        assert_same(&plain, &o);
        char *want = ld_xasprintf("the map of archive member %s was not used (", A.v1[0]);
        assert_true(has_note(&o, want));
        if (!has_note(&o, why[kind]))
            fail_msg("kind %d: %s", kind, o.notes.n ? o.notes.v[0] : "no note");
        free(want);
        read_out_clear(&o);
        /* rewritten by that read */
        struct stat st;
        assert_int_equal(lstat(m0, &st), 0);
        assert_true(S_ISREG(st.st_mode));
    }
    free(m0), free(m1);
    read_out_clear(&plain), read_out_clear(&cold);
    free(cache);
    docker_archive_free(&A);
}

/* A gzip'd OCI layout in a tar (as Docker >= 25 saves, blobs first): one
 * gzip'd layer (its digest is no diff_id: found through its map) and one
 * uncompressed (its digest is its diff_id: found by its own name). */
static char *write_oci_archive(const char *name, char **digests, bool spoil)
{
    static const tent l0[] = {{'d', "etc", NULL, 0755},
                              {'f', "etc/passwd", "root:x:0:0::/root:/bin/sh\n", 0},
                              {'f', "usr/bin/tool", "ELF-ish tool bytes", 0755}};
    static const tent l1[] = {{'f', "etc/group", "root:x:0:\n", 0}};
    tbuf raw0 = make_tar(l0, 3), raw1 = make_tar(l1, 1);
    tbuf z0 = gz(raw0.p, raw0.len);
    char *diff0 = sha_hex(raw0.p, raw0.len), *diff1 = sha_hex(raw1.p, raw1.len);
    char *dig0 = sha_hex(z0.p, z0.len);
    char *config = ld_xasprintf("{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":"
                                "\"layers\",\"diff_ids\":[\"%s\",\"%s\"]}}",
                                diff0, diff1);
    char *hc = sha_hex(config, strlen(config));
    char *mf = ld_xasprintf(
        "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
        "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"%s\","
        "\"size\":%zu},\"layers\":[{\"mediaType\":\"application/"
        "vnd.oci.image.layer.v1.tar+gzip\",\"digest\":\"%s\",\"size\":%zu},{\"mediaType\":"
        "\"application/vnd.oci.image.layer.v1.tar\",\"digest\":\"%s\",\"size\":%zu}]}",
        hc, strlen(config), dig0, z0.len, diff1, raw1.len);
    char *hm = sha_hex(mf, strlen(mf));
    char *index = ld_xasprintf("{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":\"application/"
                               "vnd.oci.image.manifest.v1+json\",\"digest\":\"%s\",\"size\":%zu}]}",
                               hm, strlen(mf));
    char *b0 = ld_xasprintf("blobs/sha256/%s", dig0 + 7),
         *b1 = ld_xasprintf("blobs/sha256/%s", diff1 + 7);
    char *bc = ld_xasprintf("blobs/sha256/%s", hc + 7),
         *bm = ld_xasprintf("blobs/sha256/%s", hm + 7);
    if (spoil) { /* the uncompressed blob's content, not its name, changed */
        uint8_t *at = memmem(raw1.p, raw1.len, "root:x:0:", 9);
        assert_non_null(at);
        at[0] = 'R';
    }
    member_t members[] = {
        {b0, z0.p, z0.len},
        {b1, raw1.p, raw1.len},
        {bc, config, strlen(config)},
        {bm, mf, strlen(mf)},
        {"index.json", index, strlen(index)},
        {"oci-layout", "{\"imageLayoutVersion\":\"1.0.0\"}", 30},
    };
    char *file = ld_xasprintf("%s.tar.gz", name);
    write_outer(file, members, 6);
    char *target = ld_xasprintf("oci-archive:%s/%s", tmpdir, file);
    digests[0] = dig0;
    digests[1] = diff1;
    free(file), free(b0), free(b1), free(bc), free(bm), free(index), free(mf), free(hm);
    free(config), free(hc), free(diff0), free(raw0.p), free(raw1.p), free(z0.p);
    return target;
}

static void test_stream_oci_layout(void **state)
{
    (void)state;
    char *digests[2];
    char *target = write_oci_archive("oci", digests, false);
    char *cache = ld_xasprintf("%s/cache-oci", tmpdir);
    ld_error err = LD_ERROR_INIT;
    read_out plain, cold, warm;
    if (read_with(target, NULL, &plain, &err) < 0)
        fail_msg("%s", err.msg);
    assert_true(strstr(plain.calls, "/etc/group@1=root:x:0:") != NULL);
    assert_int_equal(read_with(target, cache, &cold, &err), 0);
    assert_int_equal(cold.misses, 2);
    assert_int_equal(read_with(target, cache, &warm, &err), 0);
    assert_int_equal(warm.hits, 2);
    assert_int_equal(warm.loads, 2);
    assert_same(&plain, &warm);
    /* without the gzip'd blob's map, the uncompressed one is still found
     * by its own name */
    char *m0 = map_path(cache, digests[0] + 7), *m1 = map_path(cache, digests[1] + 7);
    assert_int_equal(unlink(m0), 0);
    unlink(m1);
    read_out nomap;
    assert_int_equal(read_with(target, cache, &nomap, &err), 0);
    assert_int_equal(nomap.hits, 1);
    assert_int_equal(nomap.misses, 1);
    assert_same(&plain, &nomap);
    read_out_clear(&nomap);
    /* the uncompressed blob's map, as a file read of it would write it */
    char *m1_text = ld_layer_map_format(digests[1] + 7, digests[1]);
    put_text(m1, m1_text);
    free(m1_text);
    free(m0), free(m1);
    /* a blob whose bytes are not its name's: refused as a read refuses it,
     * never served from the record its name leads to */
    char *spoiled_digests[2];
    char *spoiled = write_oci_archive("oci-spoiled", spoiled_digests, true);
    assert_string_equal(spoiled_digests[1], digests[1]);
    read_out bad;
    assert_true(read_with(spoiled, cache, &bad, &err) < 0);
    if (!strstr(err.msg, "blob digest mismatch") || !strstr(err.msg, digests[1]))
        fail_msg("%s", err.msg);
    ld_error_clear(&err);
    assert_true(read_with(spoiled, NULL, &bad, &err) < 0);
    if (!strstr(err.msg, "digest mismatch"))
        fail_msg("%s", err.msg);
    free(spoiled), free(spoiled_digests[0]), free(spoiled_digests[1]);
    read_out_clear(&plain), read_out_clear(&cold), read_out_clear(&warm);
    free(digests[0]), free(digests[1]);
    free(cache), free(target);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_map_parse),
        cmocka_unit_test(test_member_key),
        cmocka_unit_test_setup_teardown(test_stream_rescan, setup, teardown),
        cmocka_unit_test_setup_teardown(test_stream_twice_listed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_stream_poisoned_map, setup, teardown),
        cmocka_unit_test_setup_teardown(test_stream_bad_maps, setup, teardown),
        cmocka_unit_test_setup_teardown(test_stream_oci_layout, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
