/* Container logs into the bundle: the engine's stream, demultiplexed. */
#include "forensics/container_logs.h"

#include <stdio.h>
#include <string.h>

int ld_fx_demux_feed(ld_fx_demux *d, const void *data, size_t len,
                     int (*out)(int stream, const void *p, size_t n, void *ctx, ld_error *err),
                     void *ctx, ld_error *err)
{
    const unsigned char *p = data;
    while (len) {
        if (d->remaining == 0) {
            size_t take = sizeof d->hdr - d->hdr_len;
            if (take > len)
                take = len;
            memcpy(d->hdr + d->hdr_len, p, take);
            d->hdr_len += (unsigned)take;
            p += take;
            len -= take;
            if (d->hdr_len < sizeof d->hdr)
                return 0;
            d->hdr_len = 0;
            d->stream = d->hdr[0] == 2 ? 2 : 1;
            if (d->hdr[0] > 3 || d->hdr[1] || d->hdr[2] || d->hdr[3])
                d->bad_frames++;
            d->remaining = (uint32_t)d->hdr[4] << 24 | (uint32_t)d->hdr[5] << 16 |
                           (uint32_t)d->hdr[6] << 8 | d->hdr[7];
            continue;
        }
        size_t take = d->remaining < len ? d->remaining : len;
        if (out(d->stream, p, take, ctx, err) < 0)
            return -1;
        d->remaining -= (uint32_t)take;
        p += take;
        len -= take;
    }
    return 0;
}

typedef struct {
    ld_fx_bundle *b;
    bool tty;
    bool write_failed; /* a bundle write failed: the capture fails */
    ld_fx_demux demux;
    ld_fx_artifact *out[3]; /* [1] stdout (or tty), [2] stderr */
} logs_ctx;

static const char *artifact_name(bool tty, int stream)
{
    if (tty)
        return "container/logs/tty.log";
    return stream == 2 ? "container/logs/stderr.log" : "container/logs/stdout.log";
}

static int write_stream(int stream, const void *p, size_t n, void *vctx, ld_error *err)
{
    logs_ctx *c = vctx;
    if (ld_fx_artifact_write(c->out[stream], p, n, err) < 0) {
        c->write_failed = true;
        return -1;
    }
    return 0;
}

static int on_chunk(const void *data, size_t len, void *vctx, ld_error *err)
{
    logs_ctx *c = vctx;
    if (c->tty)
        return write_stream(1, data, len, c, err);
    return ld_fx_demux_feed(&c->demux, data, len, write_stream, c, err);
}

int ld_fx_logs_capture(ld_fx_bundle *b, ld_engine *e, const char *id, bool tty, uint64_t max_bytes,
                       ld_error *err)
{
    logs_ctx c = {.b = b, .tty = tty};
    int streams = tty ? 1 : 2;
    for (int s = 1; s <= streams; s++)
        if (ld_fx_artifact_open(b, artifact_name(tty, s), LD_FX_KIND_LOGS, &c.out[s], err) < 0)
            goto fail;
    char path[160];
    snprintf(path, sizeof path, "/containers/%s/logs?stdout=1&stderr=1&timestamps=1", id);
    ld_error lerr = LD_ERROR_INIT;
    int rc = ld_engine_get_stream(e, path, max_bytes, on_chunk, &c, &lerr);
    if (rc < 0 && c.write_failed) {
        *err = lerr;
        goto fail;
    }
    if (rc < 0) {
        ld_fx_bundle_note(b, "container logs not captured: %s", lerr.msg);
        for (int s = 1; s <= streams; s++)
            ld_fx_artifact_note(c.out[s], false, "not captured: %s", lerr.msg);
    } else if (rc == 1) {
        for (int s = 1; s <= streams; s++)
            ld_fx_artifact_note(c.out[s], true, "the engine's log stream was cut at %llu bytes (--max-logs)",
                                (unsigned long long)max_bytes);
        ld_fx_bundle_note(b, "container logs cut at %llu bytes (--max-logs)",
                          (unsigned long long)max_bytes);
    }
    if (c.demux.bad_frames)
        ld_fx_bundle_note(b, "container logs: %llu frames with an unexpected header (kept with stdout)",
                          (unsigned long long)c.demux.bad_frames);
    if (c.demux.remaining || c.demux.hdr_len)
        ld_fx_artifact_note(c.out[1], false, "the log stream ended inside a frame");
    for (int s = 1; s <= streams; s++) {
        ld_fx_artifact *a = c.out[s];
        c.out[s] = NULL;
        if (ld_fx_artifact_close(a, err) < 0)
            goto fail;
    }
    return 0;
fail:
    for (int s = 1; s <= 2; s++)
        ld_fx_artifact_abort(c.out[s]);
    return err->code ? err->code : LD_ERR_GENERIC;
}
