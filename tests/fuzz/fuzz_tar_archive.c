/* libFuzzer target for the outer-archive reader (src/image/docker_archive.c)
 * and everything after it (manifest/index matching, config, fs index,
 * deferred analyzer replay): arbitrary bytes as a streamed `docker save` or
 * OCI archive, as the engine stream is read. Any input yields an image or
 * one error; never a crash, leak or unbounded memory.
 * Seeds: tests/fuzz/corpus/tar_archive/. Replay: ./fuzz_tar_archive FILE. */
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
    memcpy(buf, s->p + s->pos, n);
    s->pos += n;
    return (ssize_t)n;
}

static bool want(const char *path, uint64_t size, void *ctx)
{
    return true;
}

static int got(const char *path, int layer, const uint8_t *d, size_t len, void *ctx, ld_error *err)
{
    if (layer < 0)
        abort(); /* streamed layers are replayed with their final index */
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ld_img_opts opt;
    ld_img_resolve_options(NULL, &opt);
    opt.max_layer_bytes = 8u << 20;
    opt.max_entries = 4096;
    opt.max_file_bytes = 1u << 20;
    opt.max_defer_bytes = 16u << 20;
    ld_analyzer an = {.name = "fuzz", .wants = want, .file = got};
    src s = {data, size, 0};
    ld_error err = LD_ERROR_INIT;
    ld_image *img = ld_img_read_tar_stream(NULL, "fuzz.tar", rd, &s, &opt, &an, 1, &err);
    if (!img) {
        if (!err.msg[0])
            abort();
        return 0;
    }
    for (size_t i = 0; i < ld_image_file_count(img); i++)
        if ((size_t)ld_image_file(img, i)->layer >= ld_image_layer_count(img))
            abort();
    ld_image_free(img);
    return 0;
}
