/* Unit tests for the layer cache (src/image/layer_cache.c and
 * layer_cache_record.c): the codec; a record's round trip; hostile records
 * (truncated at every length, wrong magic, another format, a flipped body
 * byte, bytes after the end, counts and lengths past the data with a valid
 * checksum) are refused; whole reads of an OCI layout through the cache:
 * a second read replays every layer without reading a blob (the blobs are
 * garbage by then) and gives each analyzer the same calls and results, a
 * blob listed twice is replayed at both positions, a change of an
 * analyzer's cache_id or cap or of the skip selection is a miss, a planted
 * garbage record is a noted miss and is rewritten, a directory others may
 * write to is not used, processes writing the same records at once leave
 * only whole ones, an analyzer taking more than the recorded cap leaves
 * the layer uncached, and trimming removes the least recently used. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <dirent.h>
#include <openssl/evp.h>
#include <pthread.h>
#include <sys/wait.h>
#include <utime.h>

#include "checks/image_scan.h"
#include "image/layer_cache.h"
#include "test_image_util.h"

static char tmpdir[64];

static int setup(void **state)
{
    (void)state;
    snprintf(tmpdir, sizeof(tmpdir), "/tmp/ld-layer-cache.XXXXXX");
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

/* ---- codec and records --------------------------------------------------- */

static void test_codec(void **state)
{
    (void)state;
    ld_cache_writer w = {0};
    ld_cache_put_u8(&w, 7);
    ld_cache_put_u32(&w, 0xdeadbeef);
    ld_cache_put_u64(&w, UINT64_MAX - 1);
    ld_cache_put_i64(&w, -5);
    ld_cache_put_str(&w, "hello");
    ld_cache_put_str(&w, NULL);
    ld_cache_put_bytes(&w, "a\0b", 3);
    ld_cache_reader r;
    ld_cache_reader_init(&r, w.p, w.n);
    assert_int_equal(ld_cache_get_u8(&r), 7);
    assert_int_equal(ld_cache_get_u32(&r), 0xdeadbeef);
    assert_true(ld_cache_get_u64(&r) == UINT64_MAX - 1);
    assert_true(ld_cache_get_i64(&r) == -5);
    char *s = ld_cache_get_str(&r, 100);
    assert_string_equal(s, "hello");
    free(s);
    assert_null(ld_cache_get_str(&r, 100));
    assert_false(r.bad);
    size_t len = 0;
    const uint8_t *b = ld_cache_get_bytes(&r, 100, &len);
    assert_int_equal(len, 3);
    assert_memory_equal(b, "a\0b", 3);
    assert_int_equal(b[3], 0); /* NUL after the bytes */
    assert_true(ld_cache_reader_done(&r));
    /* past the end: sticky error, no read beyond */
    assert_int_equal(ld_cache_get_u32(&r), 0);
    assert_true(r.bad);
    /* a string longer than its limit */
    ld_cache_reader_init(&r, w.p, w.n);
    ld_cache_get_u8(&r), ld_cache_get_u32(&r), ld_cache_get_u64(&r), ld_cache_get_i64(&r);
    assert_null(ld_cache_get_str(&r, 4));
    assert_true(r.bad);
    /* a count the bytes left cannot hold */
    ld_cache_writer c = {0};
    ld_cache_put_u64(&c, 1000);
    ld_cache_put_u64(&c, 0);
    ld_cache_reader_init(&r, c.p, c.n);
    assert_int_equal(ld_cache_get_count(&r, 8), 0);
    assert_true(r.bad);
    /* the writer's cap */
    ld_cache_writer small = {.max = 10};
    ld_cache_put_u64(&small, 1);
    assert_false(small.over);
    ld_cache_put_u64(&small, 2);
    assert_true(small.over);
    ld_cache_writer_clear(&small);
    ld_cache_writer_clear(&c);
    ld_cache_writer_clear(&w);
}

static void fill_result(ld_layer_result *res)
{
    memset(res, 0, sizeof(*res));
    const char *paths[] = {"/etc", "/etc/passwd", "/etc/link", "/bin/hard", "/gone", "/opq"};
    for (size_t i = 0; i < 6; i++) {
        ld_xgrow(&res->v, &res->cap, res->n + 1, sizeof(*res->v));
        ld_layer_entry *e = &res->v[res->n++];
        memset(e, 0, sizeof(*e));
        e->path = ld_xstrdup(paths[i]);
        e->type = i == 0 ? LD_FILE_DIR : LD_FILE_REGULAR;
        e->mode = 0644;
        e->uid = (uint32_t)i;
        e->gid = 7;
        e->size = 10 * i;
    }
    res->v[2].type = LD_FILE_SYMLINK;
    res->v[2].link = ld_xstrdup("../x/y");
    res->v[3].type = LD_FILE_HARDLINK;
    res->v[3].link = ld_xstrdup("/etc/passwd");
    res->v[4].wh = LD_WH_FILE;
    res->v[5].wh = LD_WH_OPAQUE;
    snprintf(res->digest, sizeof(res->digest), "sha256:%064d", 1);
    snprintf(res->diff_id, sizeof(res->diff_id), "sha256:%064d", 2);
    res->blob_size = 1234;
    res->tar_size = 5678;
    res->compression = "gzip";
    ld_strlist_push(&res->notes, "layer 3 (x): /big is over the limit");
    ld_strlist_push(&res->notes, "a note without the name");
    ld_gap_add(&res->gaps, LD_GAP_SIZE, "/big", 3, "secrets", false, ld_xstrdup("too big"));
    ld_gap_add(&res->gaps, LD_GAP_READ, "/other", -1, NULL, true, ld_xstrdup("unread"));
}

/* Encodes a record of fill_result's layer with two analyzers. */
static void encode_sample(ld_cache_writer *w, ld_layer_result *res)
{
    fill_result(res);
    static const uint8_t fp[32] = {1, 2, 3};
    ld_record_part parts[2] = {
        {.name = "rec"},
        {.name = "saver", .saved = true, .data = (const uint8_t *)"SAVED", .len = 5}};
    uint32_t idx[1] = {0};
    ld_record_file files[1] = {{.path = "/etc/passwd",
                                .data = (const uint8_t *)"root:x:0:0",
                                .len = 10,
                                .analyzers = idx,
                                .n_analyzers = 1}};
    ld_layer_record_src src = {.fingerprint = fp,
                               .res = res,
                               .job_name = "layer 3 (x)",
                               .layer = 3,
                               .parts = parts,
                               .n_parts = 2,
                               .files = files,
                               .n_files = 1};
    ld_error err = LD_ERROR_INIT;
    assert_int_equal(ld_layer_record_encode(&src, w, &err), 0);
}

static void test_record_round_trip(void **state)
{
    (void)state;
    ld_cache_writer w = {0};
    ld_layer_result res;
    encode_sample(&w, &res);
    ld_layer_record rec;
    ld_error err = LD_ERROR_INIT;
    assert_int_equal(ld_layer_record_decode(w.p, w.n, &rec, &err), 0);
    assert_int_equal(rec.fingerprint[2], 3);
    assert_string_equal(rec.digest, res.digest);
    assert_string_equal(rec.diff_id, res.diff_id);
    assert_int_equal(rec.blob_size, 1234);
    assert_int_equal(rec.tar_size, 5678);
    assert_string_equal(rec.compression, "gzip");
    assert_int_equal(rec.n_entries, res.n);
    for (size_t i = 0; i < res.n; i++) {
        assert_string_equal(rec.entries[i].path, res.v[i].path);
        assert_int_equal(rec.entries[i].type, res.v[i].type);
        assert_int_equal(rec.entries[i].wh, res.v[i].wh);
        assert_int_equal(rec.entries[i].size, res.v[i].size);
        assert_int_equal(rec.entries[i].uid, res.v[i].uid);
        assert_int_equal(rec.entries[i].gid, 7);
        assert_int_equal(rec.entries[i].mode, 0644);
    }
    assert_string_equal(rec.entries[2].link, "../x/y");
    assert_string_equal(rec.entries[3].link, "/etc/passwd");
    assert_int_equal(rec.n_notes, 2);
    assert_true(rec.notes[0].named);
    assert_string_equal(rec.notes[0].text, "/big is over the limit");
    assert_false(rec.notes[1].named);
    assert_int_equal(rec.n_gaps, 2);
    assert_true(rec.gaps[0].at_layer);
    assert_string_equal(rec.gaps[0].analyzer, "secrets");
    assert_false(rec.gaps[1].at_layer);
    assert_true(rec.gaps[1].subtree);
    assert_null(rec.gaps[1].analyzer);
    assert_int_equal(rec.n_parts, 2);
    assert_false(rec.parts[0].saved);
    assert_true(rec.parts[1].saved);
    assert_int_equal(rec.parts[1].len, 5);
    assert_memory_equal(rec.parts[1].data, "SAVED", 5);
    assert_int_equal(rec.n_files, 1);
    assert_string_equal(rec.files[0].path, "/etc/passwd");
    assert_int_equal(rec.files[0].len, 10);
    assert_memory_equal(rec.files[0].data, "root:x:0:0", 10);
    assert_int_equal(rec.files[0].data[10], 0);
    ld_layer_record_clear(&rec);
    ld_layer_result_clear(&res);
    ld_cache_writer_clear(&w);
}

static void resum(uint8_t *p, size_t len)
{
    unsigned int n = 0;
    EVP_Digest(p + 24, len - 24 - 32, p + len - 32, &n, EVP_sha256(), NULL);
}

static void expect_refused(const uint8_t *p, size_t len, const char *what)
{
    ld_layer_record rec;
    ld_error err = LD_ERROR_INIT;
    assert_true(ld_layer_record_decode(p, len, &rec, &err) < 0);
    assert_int_equal(err.code, LD_ERR_CORRUPT);
    if (what && !strstr(err.msg, what))
        fail_msg("\"%s\" does not say \"%s\"", err.msg, what);
    assert_null(rec.entries);
}

static void test_hostile_records(void **state)
{
    (void)state;
    ld_cache_writer w = {0};
    ld_layer_result res;
    encode_sample(&w, &res);
    ld_layer_result_clear(&res);
    /* truncated at every length */
    for (size_t n = 0; n < w.n; n++)
        expect_refused(w.p, n, NULL);
    uint8_t *p = ld_xmalloc(w.n + 16);
    /* wrong magic */
    memcpy(p, w.p, w.n);
    p[0] = 'X';
    expect_refused(p, w.n, "magic");
    /* another format version */
    memcpy(p, w.p, w.n);
    p[8] = 2;
    expect_refused(p, w.n, "format");
    /* a flipped byte anywhere in the body: the checksum */
    for (size_t at = 24; at < w.n - 32; at += 7) {
        memcpy(p, w.p, w.n);
        p[at] ^= 0x40;
        expect_refused(p, w.n, "checksum");
    }
    /* bytes after the end */
    memcpy(p, w.p, w.n);
    p[w.n] = 0;
    expect_refused(p, w.n + 1, "truncated");
    /* a valid checksum over a body whose entry count is huge: refused by
     * the bytes present, nothing allocated for it */
    memcpy(p, w.p, w.n);
    size_t count_at = 24 + 32 + (4 + 71 + 1) * 2 + 8 + 8 + 1;
    assert_int_equal(p[count_at], 6); /* the six entries */
    p[count_at + 7] = 0x7f;
    resum(p, w.n);
    expect_refused(p, w.n, "entries");
    /* a path with ".." (valid checksum) */
    memcpy(p, w.p, w.n);
    uint8_t *etc = memmem(p + count_at, w.n - count_at, "/etc/passwd", 11);
    assert_non_null(etc);
    memcpy(etc, "/../passwd", 10);
    resum(p, w.n);
    expect_refused(p, w.n, "entries");
    free(p);
    ld_cache_writer_clear(&w);
}

/* ---- whole reads ----------------------------------------------------------- */

/* An analyzer recorded by default: it logs its calls. */
typedef struct {
    pthread_mutex_t lock;
    ld_strlist calls;
    uint64_t wants_asked;
} log_ctx;

static bool log_wants(const char *path, uint64_t size, void *ctx)
{
    (void)size;
    log_ctx *c = ctx;
    pthread_mutex_lock(&c->lock);
    c->wants_asked++;
    pthread_mutex_unlock(&c->lock);
    return strncmp(path, "/etc/", 5) == 0;
}

static int log_file(const char *path, int layer, const uint8_t *data, size_t len, void *ctx,
                    ld_error *err)
{
    (void)err;
    log_ctx *c = ctx;
    assert_int_equal(data[len], 0);
    pthread_mutex_lock(&c->lock);
    ld_strlist_push_owned(&c->calls, ld_xasprintf("%s@%d=%.*s", path, layer, (int)len, data));
    pthread_mutex_unlock(&c->lock);
    return 0;
}

/* An analyzer that saves itself: bytes and files per layer. */
typedef struct {
    pthread_mutex_t lock;
    uint64_t files[8], bytes[8];
    int loads, saves;
    const char *id;
} count_ctx;

static bool count_wants(const char *path, uint64_t size, void *ctx)
{
    (void)path, (void)size, (void)ctx;
    return true;
}

static int count_file(const char *path, int layer, const uint8_t *data, size_t len, void *ctx,
                      ld_error *err)
{
    (void)path, (void)data, (void)err;
    count_ctx *c = ctx;
    pthread_mutex_lock(&c->lock);
    c->files[layer]++;
    c->bytes[layer] += len;
    pthread_mutex_unlock(&c->lock);
    return 0;
}

static int count_save(void *ctx, int layer, struct ld_cache_writer *w, ld_error *err)
{
    (void)err;
    count_ctx *c = ctx;
    pthread_mutex_lock(&c->lock);
    ld_cache_put_u64(w, c->files[layer]);
    ld_cache_put_u64(w, c->bytes[layer]);
    c->saves++;
    pthread_mutex_unlock(&c->lock);
    return 0;
}

static int count_load(void *ctx, int layer, const uint8_t *data, size_t len, bool apply,
                      ld_error *err)
{
    count_ctx *c = ctx;
    ld_cache_reader r;
    ld_cache_reader_init(&r, data, len);
    uint64_t f = ld_cache_get_u64(&r), b = ld_cache_get_u64(&r);
    if (!ld_cache_reader_done(&r))
        return ld_error_set(err, LD_ERR_CORRUPT, "bad counts");
    if (!apply)
        return 0;
    pthread_mutex_lock(&c->lock);
    c->files[layer] += f;
    c->bytes[layer] += b;
    c->loads++;
    pthread_mutex_unlock(&c->lock);
    return 0;
}

typedef struct {
    log_ctx log;
    count_ctx count;
    ld_analyzer an[2];
} analyzers;

static void analyzers_init(analyzers *a, const char *count_id)
{
    memset(a, 0, sizeof(*a));
    pthread_mutex_init(&a->log.lock, NULL);
    pthread_mutex_init(&a->count.lock, NULL);
    a->an[0] = (ld_analyzer){.name = "log", .wants = log_wants, .file = log_file, .ctx = &a->log};
    a->an[1] = (ld_analyzer){.name = "count",
                             .wants = count_wants,
                             .file = count_file,
                             .ctx = &a->count,
                             .cache_id = count_id,
                             .layer_save = count_save,
                             .layer_load = count_load};
}

static void analyzers_clear(analyzers *a)
{
    ld_strlist_clear(&a->log.calls);
    pthread_mutex_destroy(&a->log.lock);
    pthread_mutex_destroy(&a->count.lock);
}

static int cmp_strp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The log's calls, sorted (layers are read in parallel), joined. */
static char *calls_of(log_ctx *l)
{
    qsort(l->calls.v, l->calls.n, sizeof(char *), cmp_strp);
    return ld_strlist_join(&l->calls, "\n");
}

typedef struct {
    tbuf gzip[3];
    char *digest[3], *diff[3];
    size_t n;
    char *dir;
} layout;

/* An OCI layout of gzip'd layers (specs[i], counts[i] entries, i < 3);
 * order lists the layer blobs by index (a blob may be listed twice). */
static layout write_layout_of(const char *name, const tent *const *specs, const size_t *counts,
                              size_t n_specs, const int *order, size_t n_order)
{
    layout L = {.n = n_specs};
    L.dir = ld_xasprintf("%s/%s", tmpdir, name);
    mkdir(L.dir, 0755);
    for (size_t i = 0; i < n_specs; i++) {
        tbuf raw = make_tar(specs[i], counts[i]);
        L.diff[i] = sha_hex(raw.p, raw.len);
        L.gzip[i] = gz(raw.p, raw.len);
        L.digest[i] = sha_hex(L.gzip[i].p, L.gzip[i].len);
        char *blob = ld_xasprintf("blobs/sha256/%s", L.digest[i] + 7);
        write_file(L.dir, blob, L.gzip[i].p, L.gzip[i].len);
        free(blob);
        free(raw.p);
    }
    char *ids = ld_xstrdup(""), *layers = ld_xstrdup("");
    for (size_t k = 0; k < n_order; k++) {
        int i = order[k];
        char *a = ld_xasprintf("%s%s\"%s\"", ids, k ? "," : "", L.diff[i]);
        char *b = ld_xasprintf("%s%s{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\","
                               "\"digest\":\"%s\",\"size\":%zu}",
                               layers, k ? "," : "", L.digest[i], L.gzip[i].len);
        free(ids), free(layers);
        ids = a, layers = b;
    }
    char *config = ld_xasprintf("{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":"
                                "\"layers\",\"diff_ids\":[%s]}}",
                                ids);
    char *hc = sha_hex(config, strlen(config));
    char *bc = ld_xasprintf("blobs/sha256/%s", hc + 7);
    write_file(L.dir, bc, config, strlen(config));
    char *mf = ld_xasprintf("{\"schemaVersion\":2,\"config\":{\"mediaType\":\"application/"
                            "vnd.oci.image.config.v1+json\",\"digest\":\"%s\",\"size\":%zu},"
                            "\"layers\":[%s]}",
                            hc, strlen(config), layers);
    char *hm = sha_hex(mf, strlen(mf));
    char *bm = ld_xasprintf("blobs/sha256/%s", hm + 7);
    write_file(L.dir, bm, mf, strlen(mf));
    char *index = ld_xasprintf("{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":\"application/"
                               "vnd.oci.image.manifest.v1+json\",\"digest\":\"%s\",\"size\":%zu}]}",
                               hm, strlen(mf));
    write_file(L.dir, "index.json", index, strlen(index));
    free(ids), free(layers), free(config), free(hc), free(bc), free(mf), free(hm), free(bm);
    free(index);
    return L;
}

static layout write_layout(const char *name, const int *order, size_t n_order)
{
    static const tent l0[] = {{'d', "etc", NULL, 0755},
                              {'f', "etc/passwd", "root:x:0:0::/root:/bin/sh\n", 0},
                              {'f', "etc/os-release", "ID=test\n", 0},
                              {'f', "usr/bin/tool", "ELF-ish tool bytes", 0755},
                              {'l', "etc/alias", "passwd", 0}};
    static const tent l1[] = {{'f', "etc/passwd", "root:x:0:0::/root:/bin/bash\n", 0},
                              {'f', ".wh.gone", NULL, 0},
                              {'f', "opt/app/config", "token=abc", 0}};
    static const tent l2[] = {{'f', "etc/hosts", "127.0.0.1 localhost\n", 0}};
    const tent *specs[] = {l0, l1, l2};
    size_t counts[] = {5, 3, 1};
    return write_layout_of(name, specs, counts, 3, order, n_order);
}

static void layout_free(layout *L)
{
    for (size_t i = 0; i < L->n; i++)
        free(L->gzip[i].p), free(L->digest[i]), free(L->diff[i]);
    free(L->dir);
}

/* Overwrites every layer blob with zeros of its size. */
static void spoil_blobs(const layout *L)
{
    for (size_t i = 0; i < L->n; i++) {
        char *blob = ld_xasprintf("blobs/sha256/%s", L->digest[i] + 7);
        uint8_t *junk = ld_xmalloc(L->gzip[i].len);
        memset(junk, 0, L->gzip[i].len);
        write_file(L->dir, blob, junk, L->gzip[i].len);
        free(junk), free(blob);
    }
}

typedef struct {
    char *calls;
    uint64_t files[8], bytes[8];
    uint64_t wants;
    uint64_t hits, misses, not_read;
    bool used;
    size_t n_files, n_removed;
    ld_strlist notes;
    int loads, saves;
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

/* Reads dir (oci:dir when it has no prefix) through the two analyzers with
 * the cache at cache (NULL: none). Returns 0, or < 0 with err. */
static int read_with(const char *dir, const char *cache, const char *count_id,
                     const ld_image_options *base, read_out *o, ld_error *err)
{
    memset(o, 0, sizeof(*o));
    analyzers a;
    analyzers_init(&a, count_id ? count_id : "count-1");
    ld_image_options opt = base ? *base : (ld_image_options){0};
    opt.cache_dir = cache;
    opt.threads = 2;
    char *target = strchr(dir, ':') ? ld_xstrdup(dir) : ld_xasprintf("oci:%s", dir);
    ld_image *img = ld_image_read(target, &opt, a.an, 2, err);
    free(target);
    int rc = img ? 0 : -1;
    if (img) {
        o->calls = calls_of(&a.log);
        memcpy(o->files, a.count.files, sizeof(o->files));
        memcpy(o->bytes, a.count.bytes, sizeof(o->bytes));
        o->wants = a.log.wants_asked;
        o->used = ld_image_cache_stats(img, &o->hits, &o->misses, &o->not_read);
        o->n_files = ld_image_file_count(img);
        o->n_removed = ld_image_removed_count(img);
        const ld_strlist *n = ld_image_notes(img);
        for (size_t i = 0; i < n->n; i++)
            ld_strlist_push(&o->notes, n->v[i]);
        o->loads = a.count.loads;
        o->saves = a.count.saves;
    }
    ld_image_free(img);
    analyzers_clear(&a);
    return rc;
}

static void assert_same(const read_out *a, const read_out *b)
{
    assert_string_equal(a->calls, b->calls);
    assert_memory_equal(a->files, b->files, sizeof(a->files));
    assert_memory_equal(a->bytes, b->bytes, sizeof(a->bytes));
    assert_int_equal(a->wants, b->wants);
    assert_int_equal(a->n_files, b->n_files);
    assert_int_equal(a->n_removed, b->n_removed);
}

static void test_rescan_reads_no_blob(void **state)
{
    (void)state;
    int order[] = {0, 1, 2};
    layout L = write_layout("oci-rescan", order, 3);
    char *cache = ld_xasprintf("%s/cache-rescan", tmpdir);
    ld_error err = LD_ERROR_INIT;
    read_out plain, cold, warm, spoiled;
    assert_int_equal(read_with(L.dir, NULL, NULL, NULL, &plain, &err), 0);
    assert_false(plain.used);
    assert_int_equal(read_with(L.dir, cache, NULL, NULL, &cold, &err), 0);
    assert_true(cold.used);
    assert_int_equal(cold.hits, 0);
    assert_int_equal(cold.misses, 3);
    assert_int_equal(cold.saves, 3);
    /* the counts are no note of the image: an SBOM must not differ with them */
    assert_false(has_note(&cold, "layer cache"));
    char *summary = ld_layer_cache_summary(cold.hits, cold.misses, cold.not_read);
    assert_string_equal(summary, "layer cache: 0 of 3 layers reused (0.0 MiB not read)");
    free(summary);
    assert_same(&plain, &cold);
    /* the cache directory is private */
    struct stat st;
    assert_int_equal(stat(cache, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0700);
    assert_int_equal(read_with(L.dir, cache, NULL, NULL, &warm, &err), 0);
    assert_int_equal(warm.hits, 3);
    assert_int_equal(warm.misses, 0);
    assert_int_equal(warm.loads, 3);
    assert_int_equal(warm.saves, 0);
    uint64_t blobs = L.gzip[0].len + L.gzip[1].len + L.gzip[2].len;
    assert_int_equal(warm.not_read, blobs);
    assert_false(has_note(&warm, "layer cache"));
    assert_same(&plain, &warm);
    /* no blob is read on a hit: garbage blobs change nothing... */
    spoil_blobs(&L);
    assert_int_equal(read_with(L.dir, cache, NULL, NULL, &spoiled, &err), 0);
    assert_int_equal(spoiled.hits, 3);
    assert_same(&plain, &spoiled);
    /* ...while a read without the cache finds them corrupt (not a tar) */
    read_out none;
    assert_true(read_with(L.dir, NULL, NULL, NULL, &none, &err) < 0);
    /* layers are read in parallel: whichever corrupt one fails first is named */
    if (!strstr(err.msg, ": layer ") || !strstr(err.msg, " (sha256:") ||
        !strstr(err.msg, "not a valid tar stream"))
        fail_msg("%s", err.msg);
    read_out_clear(&plain), read_out_clear(&cold), read_out_clear(&warm);
    read_out_clear(&spoiled);
    free(cache);
    layout_free(&L);
}

/* A legacy `docker save` archive of L's layers: layer.tar members named by
 * path (no digest), plain tars or gzip'd ones. */
static char *write_legacy(const char *name, const layout *L, bool gzip_layers)
{
    tbuf out = {0};
    struct archive *a = archive_write_new();
    archive_write_set_format_pax_restricted(a);
    archive_write_open(a, &out, NULL, tbuf_write_cb, NULL);
    char *ids = ld_xstrdup(""), *names = ld_xstrdup("");
    for (size_t i = 0; i < L->n; i++) {
        char *x = ld_xasprintf("%s%s\"%s\"", ids, i ? "," : "", L->diff[i]);
        char *y = ld_xasprintf("%s%s\"l%zu/layer.tar\"", names, i ? "," : "", i);
        free(ids), free(names);
        ids = x, names = y;
    }
    char *config = ld_xasprintf("{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":"
                                "\"layers\",\"diff_ids\":[%s]}}",
                                ids);
    char *manifest =
        ld_xasprintf("[{\"Config\":\"c.json\",\"RepoTags\":[\"t:1\"],\"Layers\":[%s]}]", names);
    for (size_t i = 0; i < L->n + 2; i++) {
        char *mname;
        const void *data;
        size_t len;
        tbuf raw = {0};
        if (i < L->n) {
            mname = ld_xasprintf("l%zu/layer.tar", i);
            if (gzip_layers) {
                data = L->gzip[i].p, len = L->gzip[i].len;
            } else {
                /* the plain tar again: inflate what write_layout kept */
                z_stream z = {0};
                inflateInit2(&z, 16 + MAX_WBITS);
                raw.cap = 1 << 20;
                raw.p = ld_xmalloc(raw.cap);
                z.next_in = L->gzip[i].p;
                z.avail_in = (uInt)L->gzip[i].len;
                z.next_out = raw.p;
                z.avail_out = (uInt)raw.cap;
                inflate(&z, Z_FINISH);
                raw.len = z.total_out;
                inflateEnd(&z);
                data = raw.p, len = raw.len;
            }
        } else if (i == L->n) {
            mname = ld_xstrdup("c.json"), data = config, len = strlen(config);
        } else {
            mname = ld_xstrdup("manifest.json"), data = manifest, len = strlen(manifest);
        }
        struct archive_entry *ae = archive_entry_new();
        archive_entry_set_pathname(ae, mname);
        archive_entry_set_filetype(ae, AE_IFREG);
        archive_entry_set_perm(ae, 0644);
        archive_entry_set_size(ae, (la_int64_t)len);
        archive_write_header(a, ae);
        archive_write_data(a, data, len);
        archive_entry_free(ae);
        free(mname), free(raw.p);
    }
    archive_write_close(a);
    archive_write_free(a);
    write_file(tmpdir, name, out.p, out.len);
    free(out.p), free(ids), free(names), free(config), free(manifest);
    return ld_xasprintf("docker-archive:%s/%s", tmpdir, name);
}

/* A legacy archive names its layers by path: an uncompressed layer.tar is
 * served from the cache (its first bytes say it is the diff_id's tar); a
 * gzip'd one, whose digest the archive does not give, is read each time. */
static void test_legacy_archive(void **state)
{
    (void)state;
    int order[] = {0, 1, 2};
    layout L = write_layout("oci-legacy", order, 3);
    char *plain_tar = write_legacy("legacy.tar", &L, false);
    char *gzip_tar = write_legacy("legacy-gz.tar", &L, true);
    char *cache = ld_xasprintf("%s/cache-legacy", tmpdir);
    ld_error err = LD_ERROR_INIT;
    read_out plain, o;
    assert_int_equal(read_with(plain_tar, NULL, NULL, NULL, &plain, &err), 0);
    assert_int_equal(read_with(plain_tar, cache, NULL, NULL, &o, &err), 0);
    assert_int_equal(o.misses, 3);
    read_out_clear(&o);
    assert_int_equal(read_with(plain_tar, cache, NULL, NULL, &o, &err), 0);
    assert_int_equal(o.hits, 3);
    assert_same(&plain, &o);
    read_out_clear(&o);
    /* the gzip'd members: the uncompressed records do not fit them, and
     * their own records (digest unknown to the archive) are never served */
    for (int k = 0; k < 2; k++) {
        assert_int_equal(read_with(gzip_tar, cache, NULL, NULL, &o, &err), 0);
        assert_int_equal(o.hits, 0);
        assert_int_equal(o.misses, 3);
        assert_same(&plain, &o);
        read_out_clear(&o);
    }
    /* the OCI layout of the same layers (gzip'd, named by digest) then
     * hits the records the gzip'd archive left */
    assert_int_equal(read_with(L.dir, cache, NULL, NULL, &o, &err), 0);
    assert_int_equal(o.hits, 3);
    assert_same(&plain, &o);
    read_out_clear(&o);
    read_out_clear(&plain);
    free(cache), free(plain_tar), free(gzip_tar);
    layout_free(&L);
}

static void test_blob_listed_twice(void **state)
{
    (void)state;
    int order[] = {0, 1, 0};
    layout L = write_layout("oci-twice", order, 3);
    char *cache = ld_xasprintf("%s/cache-twice", tmpdir);
    ld_error err = LD_ERROR_INIT;
    read_out plain, cold, warm;
    assert_int_equal(read_with(L.dir, NULL, NULL, NULL, &plain, &err), 0);
    assert_non_null(strstr(plain.calls, "/etc/passwd@2="));
    assert_int_equal(read_with(L.dir, cache, NULL, NULL, &cold, &err), 0);
    assert_int_equal(cold.misses, 2); /* one job per distinct blob */
    assert_int_equal(read_with(L.dir, cache, NULL, NULL, &warm, &err), 0);
    assert_int_equal(warm.hits, 2);
    assert_int_equal(warm.loads, 3); /* at both positions of blob 0 */
    assert_same(&plain, &warm);
    read_out_clear(&plain), read_out_clear(&cold), read_out_clear(&warm);
    free(cache);
    layout_free(&L);
}

static void test_fingerprint_changes_miss(void **state)
{
    (void)state;
    int order[] = {0, 1, 2};
    layout L = write_layout("oci-fp", order, 3);
    char *cache = ld_xasprintf("%s/cache-fp", tmpdir);
    ld_error err = LD_ERROR_INIT;
    read_out o;
    assert_int_equal(read_with(L.dir, cache, "count-1", NULL, &o, &err), 0);
    read_out_clear(&o);
    assert_int_equal(read_with(L.dir, cache, "count-1", NULL, &o, &err), 0);
    assert_int_equal(o.hits, 3);
    read_out_clear(&o);
    /* another cache_id */
    assert_int_equal(read_with(L.dir, cache, "count-2", NULL, &o, &err), 0);
    assert_int_equal(o.hits, 0);
    assert_int_equal(o.misses, 3);
    read_out_clear(&o);
    /* another file cap */
    ld_image_options capped = {.max_file_bytes = 1000};
    assert_int_equal(read_with(L.dir, cache, "count-1", &capped, &o, &err), 0);
    assert_int_equal(o.hits, 0);
    read_out_clear(&o);
    /* a skip selection: a miss, and the skipped count is the same on a hit */
    ld_strlist skip = {0};
    ld_strlist_push(&skip, "/etc/hosts");
    uint64_t skipped = 0;
    ld_image_options sel = {.skip_files = &skip, .skipped = &skipped};
    assert_int_equal(read_with(L.dir, cache, "count-1", &sel, &o, &err), 0);
    assert_int_equal(o.hits, 0);
    assert_int_equal(skipped, 1);
    assert_null(strstr(o.calls, "/etc/hosts"));
    read_out_clear(&o);
    skipped = 0;
    assert_int_equal(read_with(L.dir, cache, "count-1", &sel, &o, &err), 0);
    assert_int_equal(o.hits, 3);
    assert_int_equal(skipped, 1);
    assert_null(strstr(o.calls, "/etc/hosts"));
    read_out_clear(&o);
    ld_strlist_clear(&skip);
    free(cache);
    layout_free(&L);
}

/* The record file of layer i of L under cache (as the default read makes it). */
static char *record_of(const char *cache, const layout *L, size_t i)
{
    analyzers a;
    analyzers_init(&a, "count-1");
    ld_image_options opt = {.cache_dir = cache};
    ld_img_opts ro;
    ld_img_resolve_options(&opt, &ro);
    ld_layer_cache *c = ld_layer_cache_open(cache, &opt, &ro, a.an, 2);
    char *p = ld_layer_cache_record_path(c, L->diff[i]);
    ld_layer_cache_free(c);
    analyzers_clear(&a);
    return p;
}

static void test_garbage_record_is_a_noted_miss(void **state)
{
    (void)state;
    int order[] = {0, 1, 2};
    layout L = write_layout("oci-garbage", order, 3);
    char *cache = ld_xasprintf("%s/cache-garbage", tmpdir);
    ld_error err = LD_ERROR_INIT;
    read_out plain, o;
    assert_int_equal(read_with(L.dir, cache, NULL, NULL, &plain, &err), 0);
    char *rec = record_of(cache, &L, 1);
    assert_non_null(rec);
    assert_int_equal(access(rec, R_OK), 0);
    /* garbage in its place */
    int fd = open(rec, O_WRONLY | O_TRUNC);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, "garbage garbage garbage", 23), 23);
    close(fd);
    assert_int_equal(read_with(L.dir, cache, NULL, NULL, &o, &err), 0);
    assert_int_equal(o.hits, 2);
    assert_int_equal(o.misses, 1);
    assert_true(has_note(&o, "was not used (layer cache record: not a record (bad magic))"));
    assert_same(&plain, &o);
    read_out_clear(&o);
    /* rewritten: all hits again */
    assert_int_equal(read_with(L.dir, cache, NULL, NULL, &o, &err), 0);
    assert_int_equal(o.hits, 3);
    assert_false(has_note(&o, "was not used"));
    read_out_clear(&o);
    /* a symlink in its place is not followed */
    unlink(rec);
    assert_int_equal(symlink("/etc/passwd", rec), 0);
    assert_int_equal(read_with(L.dir, cache, NULL, NULL, &o, &err), 0);
    assert_int_equal(o.misses, 1);
    assert_true(has_note(&o, "was not used"));
    assert_same(&plain, &o);
    read_out_clear(&o);
    read_out_clear(&plain);
    free(rec);
    free(cache);
    layout_free(&L);
}

static void test_unsafe_dir_not_used(void **state)
{
    (void)state;
    int order[] = {0, 1, 2};
    layout L = write_layout("oci-unsafe", order, 3);
    char *cache = ld_xasprintf("%s/cache-unsafe", tmpdir);
    mkdir(cache, 0700);
    chmod(cache, 0777);
    ld_error err = LD_ERROR_INIT;
    read_out o;
    assert_int_equal(read_with(L.dir, cache, NULL, NULL, &o, &err), 0);
    assert_false(o.used);
    assert_true(has_note(&o, "layer cache: not used:"));
    assert_true(has_note(&o, "may be written by others (mode 0777)"));
    char *v1 = ld_xasprintf("%s/v1", cache);
    assert_int_equal(access(v1, F_OK), -1); /* nothing written */
    read_out_clear(&o);
    /* another owner */
    if (geteuid() == 0) {
        chmod(cache, 0700);
        assert_int_equal(chown(cache, 12345, 12345), 0);
        assert_int_equal(read_with(L.dir, cache, NULL, NULL, &o, &err), 0);
        assert_false(o.used);
        assert_true(has_note(&o, "belongs to uid 12345"));
        read_out_clear(&o);
    }
    free(v1);
    free(cache);
    layout_free(&L);
}

static void test_concurrent_writers(void **state)
{
    (void)state;
    int order[] = {0, 1, 2};
    layout L = write_layout("oci-concurrent", order, 3);
    char *cache = ld_xasprintf("%s/cache-concurrent", tmpdir);
    ld_error err = LD_ERROR_INIT;
    read_out plain;
    assert_int_equal(read_with(L.dir, NULL, NULL, NULL, &plain, &err), 0);
    /* processes that all miss and all write the same records at once */
    enum { N = 6 };
    pid_t pids[N];
    for (int i = 0; i < N; i++) {
        pids[i] = fork();
        if (pids[i] == 0) {
            for (int k = 0; k < 5; k++) {
                read_out o;
                ld_error e = LD_ERROR_INIT;
                if (read_with(L.dir, cache, NULL, NULL, &o, &e) < 0 ||
                    strcmp(o.calls, plain.calls) != 0)
                    _exit(1);
                read_out_clear(&o);
            }
            _exit(0);
        }
    }
    for (int i = 0; i < N; i++) {
        int st = 0;
        assert_int_equal(waitpid(pids[i], &st, 0), pids[i]);
        assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    }
    /* only whole records, no temporary file left */
    for (size_t i = 0; i < 3; i++) {
        char *rec = record_of(cache, &L, i);
        char *dir = ld_xstrdup(rec);
        *strrchr(dir, '/') = '\0';
        DIR *d = opendir(dir);
        assert_non_null(d);
        struct dirent *de;
        while ((de = readdir(d)))
            assert_false(strncmp(de->d_name, ".tmp-", 5) == 0);
        closedir(d);
        int fd = open(rec, O_RDONLY);
        assert_true(fd >= 0);
        struct stat st;
        fstat(fd, &st);
        uint8_t *buf = ld_xmalloc((size_t)st.st_size);
        assert_int_equal(read(fd, buf, (size_t)st.st_size), st.st_size);
        close(fd);
        ld_layer_record r;
        assert_int_equal(ld_layer_record_decode(buf, (size_t)st.st_size, &r, &err), 0);
        assert_string_equal(r.diff_id, L.diff[i]);
        ld_layer_record_clear(&r);
        free(buf), free(dir), free(rec);
    }
    read_out o;
    assert_int_equal(read_with(L.dir, cache, NULL, NULL, &o, &err), 0);
    assert_int_equal(o.hits, 3);
    read_out_clear(&o);
    read_out_clear(&plain);
    free(cache);
    layout_free(&L);
}

/* A layer whose files for the recorded analyzers pass the cap is read on
 * every scan (noted), the others are kept. */
static void test_recorded_cap(void **state)
{
    (void)state;
    size_t big = (size_t)LD_LAYER_CACHE_RECORDED_MAX / 2 + 1;
    char *a = ld_xmalloc(big + 1), *b = ld_xmalloc(big + 1);
    memset(a, 'a', big), memset(b, 'b', big);
    a[big] = b[big] = '\0';
    tent files[] = {{'f', "etc/a", a, 0}, {'f', "etc/b", b, 0}};
    tbuf raw = make_tar(files, 2);
    char *diff = sha_hex(raw.p, raw.len);
    char *dir = ld_xasprintf("%s/oci-cap", tmpdir);
    mkdir(dir, 0755);
    char *blob = ld_xasprintf("blobs/sha256/%s", diff + 7);
    write_file(dir, blob, raw.p, raw.len);
    char *config = ld_xasprintf("{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{"
                                "\"type\":\"layers\",\"diff_ids\":[\"%s\"]}}",
                                diff);
    char *hc = sha_hex(config, strlen(config));
    char *bc = ld_xasprintf("blobs/sha256/%s", hc + 7);
    write_file(dir, bc, config, strlen(config));
    char *mf = ld_xasprintf("{\"schemaVersion\":2,\"config\":{\"mediaType\":\"application/"
                            "vnd.oci.image.config.v1+json\",\"digest\":\"%s\",\"size\":%zu},"
                            "\"layers\":[{\"mediaType\":\"application/vnd.oci.image.layer.v1."
                            "tar\",\"digest\":\"%s\",\"size\":%zu}]}",
                            hc, strlen(config), diff, raw.len);
    char *hm = sha_hex(mf, strlen(mf));
    char *bm = ld_xasprintf("blobs/sha256/%s", hm + 7);
    write_file(dir, bm, mf, strlen(mf));
    char *index = ld_xasprintf("{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":\"application/"
                               "vnd.oci.image.manifest.v1+json\",\"digest\":\"%s\",\"size\":%zu}]}",
                               hm, strlen(mf));
    write_file(dir, "index.json", index, strlen(index));
    char *cache = ld_xasprintf("%s/cache-cap", tmpdir);
    ld_error err = LD_ERROR_INIT;
    read_out o;
    assert_int_equal(read_with(dir, cache, NULL, NULL, &o, &err), 0);
    assert_true(has_note(&o, "not kept: the analyzers took more than 64 MiB"));
    read_out_clear(&o);
    assert_int_equal(read_with(dir, cache, NULL, NULL, &o, &err), 0);
    assert_int_equal(o.hits, 0);
    assert_int_equal(o.misses, 1);
    read_out_clear(&o);
    free(a), free(b), free(raw.p), free(diff), free(dir), free(blob), free(config), free(hc);
    free(bc), free(mf), free(hm), free(bm), free(index), free(cache);
}

static void test_trim(void **state)
{
    (void)state;
    char *cache = ld_xasprintf("%s/cache-trim", tmpdir);
    char *shard = ld_xasprintf("%s/v1/sha256/ab", cache);
    mkdir(cache, 0700);
    char *v1 = ld_xasprintf("%s/v1", cache), *sha = ld_xasprintf("%s/v1/sha256", cache);
    mkdir(v1, 0700), mkdir(sha, 0700), mkdir(shard, 0700);
    char junk[1000];
    memset(junk, 1, sizeof(junk));
    time_t now = time(NULL);
    for (int i = 0; i < 10; i++) {
        char *name = ld_xasprintf("v1/sha256/ab/%02d.rec", i);
        write_file(cache, name, junk, sizeof(junk));
        char *p = ld_xasprintf("%s/%s", cache, name);
        struct utimbuf t = {now - 100 + i, now - 100 + i}; /* 00 is the oldest */
        utime(p, &t);
        free(p), free(name);
    }
    write_file(cache, "v1/sha256/ab/.tmp-old.rec", junk, 10);
    char *tmp = ld_xasprintf("%s/.tmp-old.rec", shard);
    struct utimbuf old = {now - 7200, now - 7200};
    utime(tmp, &old);
    uint64_t removed = 0;
    assert_int_equal(ld_layer_cache_trim(cache, 20000, &removed), 0);
    assert_int_equal(removed, 0);            /* under the cap */
    assert_int_equal(access(tmp, F_OK), -1); /* a stale temporary file goes */
    assert_int_equal(ld_layer_cache_trim(cache, 5000, &removed), 0);
    assert_int_equal(removed, 6); /* down to 90% of the cap: 4 records */
    for (int i = 0; i < 10; i++) {
        char *p = ld_xasprintf("%s/%02d.rec", shard, i);
        assert_int_equal(access(p, F_OK) == 0, i >= 6);
        free(p);
    }
    free(tmp), free(v1), free(sha), free(shard), free(cache);
}

/* ---- the analyzers of image scan: saved and restored ---------------------------- */

/* Everything a scan's read found, one line per fact, sorted. */
static char *scan_facts(const ld_image_scan_result *r)
{
    ld_strlist l = {0};
    for (size_t i = 0; i < r->n_secrets; i++) {
        const ld_image_secret *x = &r->secrets[i];
        ld_strlist_push_owned(&l, ld_xasprintf("secret %s@%d %s %s %s %d %d %zu %zu", x->path,
                                               x->layer, x->hit.rule_id, x->hit.description,
                                               x->hit.masked, (int)x->hit.severity, x->hit.line,
                                               x->hit.offset, x->hit.rule_index));
    }
    for (size_t i = 0; i < r->n_capped; i++)
        ld_strlist_push_owned(&l,
                              ld_xasprintf("capped %s@%d %s %s %zu", r->capped[i].path,
                                           r->capped[i].layer, r->capped[i].rule.rule_id,
                                           r->capped[i].rule.description, r->capped[i].rule.count));
    for (size_t i = 0; i < r->n_stops; i++)
        ld_strlist_push_owned(&l, ld_xasprintf("stop %s %s %llu", r->stops[i].rule_id,
                                               r->stops[i].reason,
                                               (unsigned long long)r->stops[i].files));
    ld_strlist_push_owned(
        &l, ld_xasprintf("counts %llu %llu %llu %llu %llu", (unsigned long long)r->files_scanned,
                         (unsigned long long)r->bytes_scanned, (unsigned long long)r->files_binary,
                         (unsigned long long)r->files_oversize,
                         (unsigned long long)r->files_incomplete));
    for (size_t i = 0; i < r->n_accounts; i++) {
        char *line = ld_xasprintf("account %d@%d %s", r->accounts[i].which, r->accounts[i].layer,
                                  r->accounts[i].data);
        for (char *c = line; *c; c++)
            if (*c == '\n')
                *c = '|'; /* one line per fact */
        ld_strlist_push_owned(&l, line);
    }
    const ld_sbom *s = &r->sbom;
    for (size_t i = 0; i < s->packages.n; i++) {
        const ld_package *p = &s->packages.items[i];
        ld_strlist_push_owned(&l, ld_xasprintf("package %d %s %s %s %s@%d %s", (int)p->eco, p->name,
                                               p->version, p->arch ? p->arch : "-", p->found_in,
                                               p->layer, p->purl ? p->purl : "-"));
    }
    ld_strlist_push_owned(&l, ld_xasprintf("os %s %s", s->os_id ? s->os_id : "-",
                                           s->os_version_id ? s->os_version_id : "-"));
    for (size_t i = 0; i < s->notes.n; i++)
        ld_strlist_push_owned(&l, ld_xasprintf("note %s", s->notes.v[i]));
    for (size_t i = 0; i < s->n_unread; i++)
        ld_strlist_push_owned(&l, ld_xasprintf("unread %s", s->unread[i].path));
    qsort(l.v, l.n, sizeof(char *), cmp_strp);
    char *out = ld_strlist_join(&l, "\n");
    ld_strlist_clear(&l);
    return out;
}

/* Fails naming the first line that differs. */
static void same_facts(const char *want, const char *got, const char *what)
{
    if (strcmp(want, got) == 0)
        return;
    size_t i = 0, line = 1;
    while (want[i] && want[i] == got[i])
        line += want[i++] == '\n';
    size_t start = i;
    while (start > 0 && want[start - 1] != '\n')
        start--;
    fail_msg("%s: line %zu differs:\n  want: %.200s\n  got:  %.200s", what, line, want + start,
             got + start);
}

static layout write_scan_layout(const char *name)
{
    static char many[1100 * 32];
    size_t o = 0;
    for (int i = 0; i < 1100; i++) { /* distinct AWS key ids: more than are listed per file */
        char key[17];
        for (int k = 0; k < 16; k++)
            key[k] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"[((unsigned)i >> (5 * (k % 3))) % 32 ^
                                                        (k * 7 % 32)];
        key[16] = '\0';
        o += (size_t)snprintf(many + o, sizeof(many) - o, "k=AKIA%s\n", key);
    }
    static char big[70000];
    memset(big, 'x', sizeof(big) - 1);
    static const char status[] = "Package: base-files\nStatus: install ok installed\n"
                                 "Architecture: amd64\nVersion: 12.4\nDescription: x\n\n"
                                 "Package: tool\nStatus: install ok installed\n"
                                 "Architecture: amd64\nVersion: 1.0\nDescription: y\n";
    tent l0[] = {{'f', "etc/passwd", "root:x:0:0::/root:/bin/sh\nu:x:0:0::/:/bin/sh\n", 0},
                 {'f', "etc/shadow", "root::19000:0:99999:7:::\n", 0},
                 {'f', "etc/os-release", "ID=debian\nVERSION_ID=12\n", 0},
                 {'f', "var/lib/dpkg/status", status, 0},
                 {'f', "opt/keys.txt", "aws = AKIAZ7Q3XK2LMN4PQRST\n", 0},
                 {'f', "opt/many.txt", many, 0},
                 {'f', "opt/big.txt", big, 0}};
    tent l1[] = {{'f', "etc/passwd", "root:x:0:0::/root:/bin/bash\n", 0},
                 {'f', "opt/.wh.keys.txt", NULL, 0}};
    const tent *specs[] = {l0, l1};
    size_t counts[] = {7, 2};
    int order[] = {0, 1};
    return write_layout_of(name, specs, counts, 2, order, 2);
}

static int scan_with(const char *dir, const char *cache, ld_image_scan_result *res, ld_error *err)
{
    ld_image_scan_options opt = {.config = true, .secrets = true, .secret_max_bytes = 65536};
    opt.image.cache_dir = cache;
    char *target = ld_xasprintf("oci:%s", dir);
    int rc = ld_image_scan_read(target, &opt, res, err);
    free(target);
    return rc;
}

/* Replaces the saved part of analyzer `name` in the record at path with
 * data (the checksum made right): what a hostile record can say. */
static void replace_part(const char *path, const char *name, const void *data, size_t len)
{
    int fd = open(path, O_RDONLY);
    assert_true(fd >= 0);
    struct stat st;
    fstat(fd, &st);
    uint8_t *buf = ld_xmalloc((size_t)st.st_size);
    assert_int_equal(read(fd, buf, (size_t)st.st_size), st.st_size);
    close(fd);
    ld_layer_record rec;
    ld_error err = LD_ERROR_INIT;
    assert_int_equal(ld_layer_record_decode(buf, (size_t)st.st_size, &rec, &err), 0);
    ld_layer_result res;
    memset(&res, 0, sizeof(res));
    res.v = rec.entries;
    res.n = res.cap = rec.n_entries;
    memcpy(res.digest, rec.digest, sizeof(res.digest));
    memcpy(res.diff_id, rec.diff_id, sizeof(res.diff_id));
    res.blob_size = rec.blob_size;
    res.tar_size = rec.tar_size;
    res.compression = rec.compression;
    bool found = false;
    for (size_t i = 0; i < rec.n_parts; i++)
        if (strcmp(rec.parts[i].name, name) == 0) {
            assert_true(rec.parts[i].saved);
            rec.parts[i].data = data;
            rec.parts[i].len = len;
            found = true;
        }
    assert_true(found);
    ld_layer_record_src src = {.fingerprint = rec.fingerprint,
                               .res = &res,
                               .layer = 0,
                               .parts = rec.parts,
                               .n_parts = rec.n_parts,
                               .files = rec.files,
                               .n_files = rec.n_files};
    ld_cache_writer w = {0};
    assert_int_equal(ld_layer_record_encode(&src, &w, &err), 0);
    write_file("/", path + 1, w.p, w.n);
    ld_cache_writer_clear(&w);
    ld_layer_record_clear(&rec);
    free(buf);
}

/* The three analyzers of image scan (SBOM, accounts, secrets) save and
 * restore all they found in a layer: a warm read has the same facts as a
 * read without the cache; a saved part that does not decode, or names a
 * rule the scan does not have, is a noted miss with the same facts. */
static void test_scan_analyzers_saved(void **state)
{
    (void)state;
    layout L = write_scan_layout("oci-scan");
    char *cache = ld_xasprintf("%s/cache-scan", tmpdir);
    ld_error err = LD_ERROR_INIT;
    ld_image_scan_result plain, r;
    assert_int_equal(scan_with(L.dir, NULL, &plain, &err), 0);
    char *want = scan_facts(&plain);
    /* what this image is for: every kind of fact is there */
    assert_non_null(strstr(want, "secret /opt/keys.txt@0 aws-access-key-id"));
    assert_non_null(strstr(want, "capped /opt/many.txt@0 aws-access-key-id"));
    assert_non_null(strstr(want, "account 1@0 root::"));
    assert_non_null(strstr(want, "package 0 tool 1.0 amd64 /var/lib/dpkg/status@0"));
    assert_non_null(strstr(want, "os debian 12"));
    assert_true(plain.files_oversize >= 1);
    assert_int_equal(scan_with(L.dir, cache, &r, &err), 0);
    assert_false(ld_image_cache_stats(r.img, NULL, NULL, NULL) && r.img == NULL);
    char *cold = scan_facts(&r);
    same_facts(want, cold, "cold cache");
    ld_image_scan_clear(&r);
    assert_int_equal(scan_with(L.dir, cache, &r, &err), 0);
    uint64_t hits = 0, misses = 0;
    assert_true(ld_image_cache_stats(r.img, &hits, &misses, NULL));
    assert_int_equal(hits, 2);
    char *warm = scan_facts(&r);
    same_facts(want, warm, "warm cache");
    ld_image_scan_clear(&r);
    /* hostile saved parts: the first layer's record */
    analyzers unused;
    (void)unused;
    char *rec = NULL;
    {
        DIR *d = NULL;
        char *shard = ld_xasprintf("%s/v1/sha256/%.2s", cache, L.diff[0] + 7);
        d = opendir(shard);
        assert_non_null(d);
        struct dirent *de;
        while ((de = readdir(d)))
            if (strncmp(de->d_name, L.diff[0] + 7, 64) == 0)
                rec = ld_xasprintf("%s/%s", shard, de->d_name);
        closedir(d);
        free(shard);
    }
    assert_non_null(rec);
    static const char *const names[] = {"sbom", "accounts", "secrets"};
    /* garbage; the right format byte then a truncated count; a hit naming
     * a rule that does not exist */
    uint8_t junk[64];
    memset(junk, 0xee, sizeof(junk));
    uint8_t truncated[] = {1, 5, 0, 0};
    ld_cache_writer bad_rule = {0};
    ld_cache_put_u8(&bad_rule, 1);
    for (int k = 0; k < 4; k++)
        ld_cache_put_u64(&bad_rule, 0);
    ld_cache_put_u64(&bad_rule, 1);
    ld_cache_put_str(&bad_rule, "/x");
    ld_cache_put_str(&bad_rule, "no-such-rule");
    ld_cache_put_str(&bad_rule, "AKIA****");
    ld_cache_put_i64(&bad_rule, 1);
    ld_cache_put_u64(&bad_rule, 0);
    ld_cache_put_u64(&bad_rule, 0);
    ld_cache_put_u64(&bad_rule, 0);
    ld_cache_put_u64(&bad_rule, 0);
    for (size_t k = 0; k < 3; k++) {
        for (int v = 0; v < 3; v++) {
            const void *data = v == 0   ? (const void *)junk
                               : v == 1 ? (const void *)truncated
                                        : (const void *)bad_rule.p;
            size_t len = v == 0 ? sizeof(junk) : v == 1 ? sizeof(truncated) : bad_rule.n;
            if (v == 2 && k != 2)
                continue;
            replace_part(rec, names[k], data, len);
            assert_int_equal(scan_with(L.dir, cache, &r, &err), 0);
            assert_true(ld_image_cache_stats(r.img, &hits, &misses, NULL));
            assert_int_equal(hits, 1);
            assert_int_equal(misses, 1);
            const ld_strlist *notes = ld_image_notes(r.img);
            bool noted = false;
            for (size_t i = 0; i < notes->n; i++)
                noted |= strstr(notes->v[i], "was not used") != NULL;
            assert_true(noted);
            /* the note is in the SBOM's notes: compare the rest */
            char *got = scan_facts(&r);
            ld_strlist kept = {0};
            for (char *line = strtok(got, "\n"); line; line = strtok(NULL, "\n"))
                if (!strstr(line, "layer cache:"))
                    ld_strlist_push(&kept, line);
            char *cut = ld_strlist_join(&kept, "\n");
            char *what = ld_xasprintf("a bad saved part of %s (%d)", names[k], v);
            same_facts(want, cut, what);
            free(got), free(cut), free(what);
            ld_strlist_clear(&kept);
            ld_image_scan_clear(&r);
        }
    }
    ld_cache_writer_clear(&bad_rule);
    free(rec), free(want), free(cold), free(warm), free(cache);
    ld_image_scan_clear(&plain);
    layout_free(&L);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_codec),
        cmocka_unit_test(test_record_round_trip),
        cmocka_unit_test(test_hostile_records),
        cmocka_unit_test(test_rescan_reads_no_blob),
        cmocka_unit_test(test_blob_listed_twice),
        cmocka_unit_test(test_legacy_archive),
        cmocka_unit_test(test_fingerprint_changes_miss),
        cmocka_unit_test(test_garbage_record_is_a_noted_miss),
        cmocka_unit_test(test_unsafe_dir_not_used),
        cmocka_unit_test(test_concurrent_writers),
        cmocka_unit_test(test_recorded_cap),
        cmocka_unit_test(test_trim),
        cmocka_unit_test(test_scan_analyzers_saved),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
