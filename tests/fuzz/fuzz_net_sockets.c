/* libFuzzer target for the socket table parsers (forensics/net_sockets.h):
 * the input is parsed as each of the kernel's tables (tcp, tcp6, udp,
 * udp6, raw, raw6 and unix), whole and again fed in pieces whose size the
 * first byte picks (as the collector reads /proc in chunks), and the two
 * must agree exactly. Every socket keeps the promises of the header: a
 * text address of its family, a state, a unix name without NUL or
 * newline; no more sockets than lines. Nothing is read from disk.
 * Seeds: tests/fuzz/corpus/net_sockets/. Replay: ./fuzz_net_sockets FILE. */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "forensics/net_internal.h"
#include "forensics/net_sockets.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_socket(const ld_fx_socket *s, ld_fx_sock_proto proto)
{
    if (s->proto != proto || !memchr(s->state, '\0', sizeof(s->state)) || !s->state[0])
        abort();
    if (proto == LD_FX_SOCK_UNIX) {
        if (!memchr(s->unix_type, '\0', sizeof(s->unix_type)) || !s->unix_type[0])
            abort();
        if (s->unix_path && (!s->unix_path[0] || strchr(s->unix_path, '\n')))
            abort();
        return;
    }
    bool v6 = proto == LD_FX_SOCK_TCP6 || proto == LD_FX_SOCK_UDP6 || proto == LD_FX_SOCK_RAW6;
    unsigned char buf[16];
    if (!memchr(s->local, '\0', sizeof(s->local)) || !memchr(s->remote, '\0', sizeof(s->remote)))
        abort();
    if (inet_pton(v6 ? AF_INET6 : AF_INET, s->local, buf) != 1 ||
        inet_pton(v6 ? AF_INET6 : AF_INET, s->remote, buf) != 1)
        abort();
    if (s->unix_path)
        abort();
}

static bool same_socket(const ld_fx_socket *a, const ld_fx_socket *b)
{
    if (a->proto != b->proto || a->inode != b->inode || a->uid != b->uid ||
        a->local_port != b->local_port || a->remote_port != b->remote_port ||
        strcmp(a->local, b->local) != 0 || strcmp(a->remote, b->remote) != 0 ||
        strcmp(a->state, b->state) != 0 || strcmp(a->unix_type, b->unix_type) != 0)
        return false;
    if (!a->unix_path != !b->unix_path)
        return false;
    return !a->unix_path || strcmp(a->unix_path, b->unix_path) == 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    size_t piece = (size_t)data[0] % 64 + 1;
    const char *text = (const char *)data + 1;
    size_t len = size - 1;
    size_t lines = 1;
    for (size_t i = 0; i < len; i++)
        lines += text[i] == '\n';
    for (int p = LD_FX_SOCK_TCP; p <= LD_FX_SOCK_UNIX; p++) {
        ld_fx_sock_proto proto = (ld_fx_sock_proto)p;
        ld_fx_socket_list whole = {0}, pieces = {0};
        ld_error err = LD_ERROR_INIT;
        int rc = proto == LD_FX_SOCK_UNIX
                     ? ld_fx_sockets_parse_unix(text, len, &whole, &err)
                     : ld_fx_sockets_parse_inet(text, len, proto, &whole, &err);
        if (rc != 0 || whole.n + whole.malformed > lines)
            abort();
        ld_fx_sock_feeder f;
        ld_fx_sock_feed_init(&f, proto, &pieces, &err);
        for (size_t off = 0; off < len; off += piece)
            ld_fx_sock_feed(&f, text + off, len - off < piece ? len - off : piece);
        ld_fx_sock_feed_end(&f);
        if (pieces.n != whole.n || pieces.malformed != whole.malformed)
            abort();
        for (size_t i = 0; i < whole.n; i++) {
            check_socket(&whole.items[i], proto);
            if (!same_socket(&whole.items[i], &pieces.items[i]))
                abort();
        }
        ld_fx_socket_list_clear(&whole);
        ld_fx_socket_list_clear(&pieces);
    }
    return 0;
}
