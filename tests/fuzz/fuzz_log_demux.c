/* libFuzzer target for the engine log stream demultiplexer
 * (forensics/container_logs.c): any byte stream, fed whole and again in
 * pieces cut where the first input byte says, gives the same stdout and
 * stderr bytes and the same frame state; the payload delivered never
 * exceeds the input. Seeds: tests/fuzz/corpus/log_demux/. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "forensics/container_logs.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef struct {
    uint64_t len[2];
    uint64_t sum[2];
} tally;

static int count(int stream, const void *p, size_t n, void *ctx, ld_error *err)
{
    (void)err;
    tally *t = ctx;
    int i = stream == 2 ? 1 : 0;
    const unsigned char *b = p;
    for (size_t k = 0; k < n; k++)
        t->sum[i] = t->sum[i] * 31 + b[k];
    t->len[i] += n;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    tally whole = {{0}, {0}}, pieces = {{0}, {0}};
    ld_fx_demux a = {0}, b = {0};
    ld_error err = LD_ERROR_INIT;
    if (ld_fx_demux_feed(&a, data, size, count, &whole, &err) < 0)
        abort();
    size_t step = size ? (size_t)data[0] % 13 + 1 : 1;
    for (size_t off = 0; off < size; off += step) {
        size_t n = size - off < step ? size - off : step;
        if (ld_fx_demux_feed(&b, data + off, n, count, &pieces, &err) < 0)
            abort();
    }
    if (memcmp(&whole, &pieces, sizeof whole) != 0 || a.remaining != b.remaining ||
        a.hdr_len != b.hdr_len || a.bad_frames != b.bad_frames)
        abort();
    if (whole.len[0] + whole.len[1] > size)
        abort();
    return 0;
}
