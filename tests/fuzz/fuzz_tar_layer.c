/* libFuzzer target for the layer reader (src/image/layer_stream.c) and the
 * fs index (src/image/fs_index.c): arbitrary bytes as a layer blob (plain
 * tar, gzip or zstd by magic), with small limits and an analyzer that wants
 * every file; a successful read is applied twice into an fs index (so
 * whiteouts meet existing entries). Any input yields a result or one error
 * naming the layer; never a crash, leak, hang or read past the input.
 * Seeds: tests/fuzz/corpus/tar_layer/. Replay one file: ./fuzz_tar_layer FILE. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "image/image_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef struct {
    const uint8_t *p;
    size_t len, pos;
} src;

static ssize_t rd(void *ctx, uint8_t *buf, size_t len, ld_error *err)
{
    src *s = ctx;
    size_t n = s->len - s->pos;
    if (n > len)
        n = len;
    if (n > 4096)
        n = 4096;
    memcpy(buf, s->p + s->pos, n);
    s->pos += n;
    return (ssize_t)n;
}

static bool want(const char *path, uint64_t size, void *ctx)
{
    return path[0] == '/';
}

static int got(const char *path, int layer, const uint8_t *d, size_t len, void *ctx, ld_error *err)
{
    size_t *total = ctx;
    for (size_t i = 0; i < len; i++)
        *total += d[i];
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ld_img_opts opt;
    ld_img_resolve_options(NULL, &opt);
    opt.max_layer_bytes = 8u << 20;
    opt.max_entries = 4096;
    opt.max_file_bytes = 1u << 20;
    size_t total = 0;
    ld_analyzer an = {.name = "fuzz", .wants = want, .file = got, .ctx = &total};
    src s = {data, size, 0};
    ld_layer_job job = {.read = rd,
                        .read_ctx = &s,
                        .name = "layer 0 (fuzz)",
                        .layer = 0,
                        .opt = &opt,
                        .analyzers = &an,
                        .n_analyzers = 1};
    ld_layer_result res = {0};
    ld_error err = LD_ERROR_INIT;
    int rc = ld_layer_stream(&job, &res, &err);
    if (rc < 0) {
        if (!strstr(err.msg, "layer 0 (fuzz)") || rc != (int)err.code)
            abort();
    } else {
        if (!ld_img_digest_valid(res.digest) || !ld_img_digest_valid(res.diff_id))
            abort();
        const ld_layer_result *layers[] = {&res, &res};
        ld_fs_index idx;
        if (ld_fs_index_build(layers, 2, &idx, &err) == 0) {
            for (size_t i = 0; i < idx.n_files; i++) {
                const char *p = idx.files[i].path;
                if (p[0] != '/' || strstr(p, "/../") ||
                    (i && strcmp(idx.files[i - 1].path, p) >= 0))
                    abort();
            }
            ld_fs_index_clear(&idx);
        }
    }
    ld_layer_result_clear(&res);
    return 0;
}
