/* Unit tests for the log stream demultiplexer (forensics/container_logs.c):
 * the engine's 8-byte frame headers split stdout from stderr whatever the
 * pieces the stream arrives in (every split point of a stream, one byte at
 * a time), empty frames, a frame announced longer than the stream (the
 * state says so), hostile headers (stream 9, non-zero padding) counted and
 * their bytes kept with stdout, and a callback failure stops the feed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "forensics/container_logs.h"

typedef struct {
    char out[2][4096];
    size_t len[2];
    int fail_after; /* calls before failing; < 0 never */
} sink;

static int collect(int stream, const void *p, size_t n, void *ctx, ld_error *err)
{
    sink *s = ctx;
    if (s->fail_after == 0)
        return ld_error_set(err, LD_ERR_GENERIC, "disk full");
    if (s->fail_after > 0)
        s->fail_after--;
    int i = stream == 2 ? 1 : 0;
    assert_true(s->len[i] + n < sizeof s->out[i]);
    memcpy(s->out[i] + s->len[i], p, n);
    s->len[i] += n;
    return 0;
}

static size_t frame(unsigned char *buf, int stream, const char *payload)
{
    size_t n = strlen(payload);
    buf[0] = (unsigned char)stream;
    buf[1] = buf[2] = buf[3] = 0;
    buf[4] = (unsigned char)(n >> 24);
    buf[5] = (unsigned char)(n >> 16);
    buf[6] = (unsigned char)(n >> 8);
    buf[7] = (unsigned char)n;
    memcpy(buf + 8, payload, n);
    return 8 + n;
}

static size_t sample(unsigned char *buf)
{
    size_t n = 0;
    n += frame(buf + n, 1, "2026-12-04T10:00:00.000000001Z hello\n");
    n += frame(buf + n, 2, "2026-12-04T10:00:00.000000002Z oops\n");
    n += frame(buf + n, 1, "");
    n += frame(buf + n, 1, "2026-12-04T10:00:01.000000000Z bye\n");
    return n;
}

static void check_sample(const sink *s)
{
    const char *out = "2026-12-04T10:00:00.000000001Z hello\n2026-12-04T10:00:01.000000000Z bye\n";
    const char *err = "2026-12-04T10:00:00.000000002Z oops\n";
    assert_int_equal(s->len[0], strlen(out));
    assert_memory_equal(s->out[0], out, strlen(out));
    assert_int_equal(s->len[1], strlen(err));
    assert_memory_equal(s->out[1], err, strlen(err));
}

static void every_split(void **state)
{
    (void)state;
    unsigned char buf[512];
    size_t n = sample(buf);
    for (size_t cut = 0; cut <= n; cut++) {
        sink s = {.fail_after = -1};
        ld_fx_demux d = {0};
        ld_error err = LD_ERROR_INIT;
        assert_int_equal(ld_fx_demux_feed(&d, buf, cut, collect, &s, &err), 0);
        assert_int_equal(ld_fx_demux_feed(&d, buf + cut, n - cut, collect, &s, &err), 0);
        check_sample(&s);
        assert_int_equal(d.remaining, 0);
        assert_int_equal(d.hdr_len, 0);
        assert_int_equal(d.bad_frames, 0);
    }
    sink s = {.fail_after = -1};
    ld_fx_demux d = {0};
    ld_error err = LD_ERROR_INIT;
    for (size_t i = 0; i < n; i++)
        assert_int_equal(ld_fx_demux_feed(&d, buf + i, 1, collect, &s, &err), 0);
    check_sample(&s);
}

static void short_stream(void **state)
{
    (void)state;
    unsigned char buf[64];
    size_t n = frame(buf, 2, "0123456789");
    sink s = {.fail_after = -1};
    ld_fx_demux d = {0};
    ld_error err = LD_ERROR_INIT;
    assert_int_equal(ld_fx_demux_feed(&d, buf, n - 4, collect, &s, &err), 0);
    assert_int_equal(d.remaining, 4);
    assert_int_equal(s.len[1], 6);
    /* half a header */
    ld_fx_demux d2 = {0};
    assert_int_equal(ld_fx_demux_feed(&d2, buf, 5, collect, &s, &err), 0);
    assert_int_equal(d2.hdr_len, 5);
}

static void hostile_headers(void **state)
{
    (void)state;
    unsigned char buf[64];
    size_t n = frame(buf, 9, "evil");
    buf[2] = 7;
    sink s = {.fail_after = -1};
    ld_fx_demux d = {0};
    ld_error err = LD_ERROR_INIT;
    assert_int_equal(ld_fx_demux_feed(&d, buf, n, collect, &s, &err), 0);
    assert_int_equal(d.bad_frames, 1);
    assert_int_equal(s.len[0], 4);
    assert_memory_equal(s.out[0], "evil", 4);
    /* a huge announced length is only a count: nothing is allocated */
    unsigned char big[8] = {1, 0, 0, 0, 0xff, 0xff, 0xff, 0xff};
    ld_fx_demux d2 = {0};
    assert_int_equal(ld_fx_demux_feed(&d2, big, 8, collect, &s, &err), 0);
    assert_int_equal(d2.remaining, 0xffffffffu);
}

static void callback_failure(void **state)
{
    (void)state;
    unsigned char buf[512];
    size_t n = sample(buf);
    sink s = {.fail_after = 1};
    ld_fx_demux d = {0};
    ld_error err = LD_ERROR_INIT;
    assert_true(ld_fx_demux_feed(&d, buf, n, collect, &s, &err) < 0);
    assert_string_equal(err.msg, "disk full");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_split),
        cmocka_unit_test(short_stream),
        cmocka_unit_test(hostile_headers),
        cmocka_unit_test(callback_failure),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
