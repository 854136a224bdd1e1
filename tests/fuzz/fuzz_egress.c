/* libFuzzer target for egress policies (runtime/egress.c): the input is a
 * label (a comma-separated list of entries) and, cut at each comma, single
 * entries. Promises checked: a refusal has a message without control
 * characters; an accepted rule has a prefix within its family, no host
 * bits past it, a port of 0 (any) only when none was written; a container
 * with the parsed policy allows loopback always, refuses nothing for a
 * unix socket, and judges every destination the same way twice. Seeds:
 * tests/fuzz/corpus/egress/. Replay: ./fuzz_egress FILE. */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "runtime/containers.h"
#include "util/mem.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_rule(const ld_rt_egress_rule *r)
{
    unsigned bits = r->family == AF_INET ? 32 : r->family == AF_INET6 ? 128 : 0;
    if (r->family != 0 && r->family != AF_INET && r->family != AF_INET6)
        abort();
    if (r->prefix > bits)
        abort();
    for (unsigned b = r->prefix; b < bits; b++)
        if (r->addr[b / 8] & (0x80u >> (b % 8)))
            abort();
}

static void check_message(const ld_error *err)
{
    if (err->code == LD_OK || !err->msg[0])
        abort();
    for (const char *p = err->msg; *p; p++)
        if ((unsigned char)*p < 0x20)
            abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = ld_xstrndup((const char *)data, size);
    ld_rt_container ct;
    memset(&ct, 0, sizeof ct);
    ld_error err = LD_ERROR_INIT;
    if (ld_rt_egress_parse_list(text, &ct.egress, &ct.n_egress, &err) < 0) {
        check_message(&err);
        if (ct.egress || ct.n_egress)
            abort();
    } else {
        for (size_t i = 0; i < ct.n_egress; i++)
            check_rule(&ct.egress[i]);
    }
    ct.has_egress = true;
    ld_rt_sockaddr lo = {.family = AF_INET, .port = 80, .addr = {127, 0, 0, 1}};
    ld_rt_sockaddr lo6 = {.family = AF_INET6, .port = 80, .addr = {[15] = 1}};
    ld_rt_sockaddr un = {.family = AF_UNIX};
    if (!ld_rt_egress_allows(&ct, &lo) || !ld_rt_egress_allows(&ct, &lo6) ||
        !ld_rt_egress_allows(&ct, &un))
        abort();
    /* destinations from the input's own bytes */
    ld_rt_sockaddr d = {.family = AF_INET6};
    memcpy(d.addr, data, size < 16 ? size : 16);
    d.port = size > 17 ? (uint16_t)(data[16] << 8 | data[17]) : 443;
    bool a = ld_rt_egress_allows(&ct, &d);
    if (a != ld_rt_egress_allows(&ct, &d))
        abort();
    d.family = AF_INET;
    a = ld_rt_egress_allows(&ct, &d);
    if (a != ld_rt_egress_allows(&ct, &d))
        abort();
    free(ct.egress);
    /* each comma-separated piece on its own */
    for (char *save = NULL, *tok = strtok_r(text, ",", &save); tok;
         tok = strtok_r(NULL, ",", &save)) {
        ld_rt_egress_rule r;
        ld_error e1 = LD_ERROR_INIT;
        if (ld_rt_egress_parse(tok, &r, &e1) < 0)
            check_message(&e1);
        else
            check_rule(&r);
    }
    free(text);
    return 0;
}
