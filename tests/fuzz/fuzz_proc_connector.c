/* libFuzzer target for the proc connector decoder of lockdown watch
 * (runtime/proc_connector.c): any datagram is walked without reading past
 * its end (ASan), every message delivered is of a known kind, and the
 * count of messages delivered, skipped as malformed or left after a stop
 * never exceeds what the datagram could hold. The walk is run twice: to
 * the end, and stopped after the first message.
 * Seeds: tests/fuzz/corpus/proc_connector/. Replay: ./fuzz_proc_connector FILE. */
#include <linux/netlink.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/proc_connector.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef struct {
    size_t n;
    int stop;
} count;

static int on_msg(const ld_rt_cn_msg *m, void *ctx)
{
    count *c = ctx;
    if (m->kind < LD_RT_CN_ACK || m->kind > LD_RT_CN_OTHER)
        abort();
    c->n++;
    return c->stop;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* a copy of exactly size bytes: ASan sees any read past the end */
    uint8_t *buf = malloc(size ? size : 1);
    if (!buf)
        return 0;
    memcpy(buf, data, size);
    size_t most = size / NLMSG_HDRLEN + 1;
    count c = {0};
    uint64_t bad = 0, left = 0;
    if (ld_rt_cn_decode(buf, size, on_msg, &c, &bad, &left) != 0 || left)
        abort();
    if (c.n + bad > most)
        abort();
    count s = {.stop = 9};
    uint64_t bad2 = 0, left2 = 0;
    int rc = ld_rt_cn_decode(buf, size, on_msg, &s, &bad2, &left2);
    if ((s.n && rc != 9) || s.n > 1 || (!s.n && (rc || left2)) || s.n + bad2 + left2 > most)
        abort();
    free(buf);
    return 0;
}
