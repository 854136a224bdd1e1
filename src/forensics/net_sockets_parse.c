/* Parsers of the kernel's socket tables (net_sockets.h):
 * /proc/PID/net/{tcp,tcp6,udp,udp6,raw,raw6} ("sl local_address
 * rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode
 * ...": addresses are the in-memory 32-bit words printed as %08X, so the
 * bytes of each word are in host order; ports and states are hex numbers)
 * and /proc/PID/net/unix ("Num: RefCount Protocol Flags Type St Inode
 * [Path]": an abstract name starts with '@', NULs in it are shown as '@').
 * Strict per field: exact hex widths, decimal fields checked for overflow;
 * a line that does not fit is skipped and counted. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "forensics/net_internal.h"
#include "forensics/net_sockets.h"
#include "util/mem.h"

static const char *const proto_names[] = {"tcp", "tcp6", "udp", "udp6", "raw", "raw6", "unix"};

const char *ld_fx_sock_proto_name(ld_fx_sock_proto p)
{
    return (unsigned)p < sizeof(proto_names) / sizeof(proto_names[0]) ? proto_names[p] : "?";
}

void ld_fx_socket_list_clear(ld_fx_socket_list *l)
{
    if (!l)
        return;
    for (size_t i = 0; i < l->n; i++)
        free(l->items[i].unix_path);
    free(l->items);
    memset(l, 0, sizeof(*l));
}

/* ---- field helpers ----------------------------------------------------------- */

static int hex_val(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

/* Exactly n hex digits (n <= 16) at p. */
static bool hex_exact(const char *p, size_t n, uint64_t *out)
{
    uint64_t v = 0;
    for (size_t i = 0; i < n; i++) {
        int d = hex_val(p[i]);
        if (d < 0)
            return false;
        v = (v << 4) | (uint64_t)d;
    }
    *out = v;
    return true;
}

/* 1..16 hex digits making up the whole token. */
static bool hex_token(const char *p, size_t n, uint64_t *out)
{
    return n >= 1 && n <= 16 && hex_exact(p, n, out);
}

/* A decimal of at most 20 digits making up the whole token. */
static bool dec_token(const char *p, size_t n, uint64_t *out)
{
    if (n == 0 || n > 20)
        return false;
    uint64_t v = 0;
    for (size_t i = 0; i < n; i++) {
        if (p[i] < '0' || p[i] > '9')
            return false;
        if (__builtin_mul_overflow(v, 10u, &v) ||
            __builtin_add_overflow(v, (uint64_t)(p[i] - '0'), &v))
            return false;
    }
    *out = v;
    return true;
}

/* Splits [line, line+n) at spaces into at most max tokens; the count. *rest
 * (may be NULL) is set to just after the last token taken. */
static size_t tokens(const char *line, size_t n, const char **tok, size_t *len, size_t max,
                     const char **rest)
{
    size_t k = 0;
    size_t i = 0;
    while (k < max) {
        while (i < n && (line[i] == ' ' || line[i] == '\t'))
            i++;
        if (i >= n)
            break;
        size_t s = i;
        while (i < n && line[i] != ' ' && line[i] != '\t')
            i++;
        tok[k] = line + s;
        len[k] = i - s;
        k++;
    }
    if (rest)
        *rest = line + i;
    return k;
}

/* "HEX:PORT" with the address's exact width (8 or 32). */
static bool inet_endpoint(const char *tok, size_t n, bool v6, char *text, size_t text_cap,
                          uint16_t *port)
{
    size_t w = v6 ? 32 : 8;
    if (n != w + 5 || tok[w] != ':')
        return false;
    uint64_t p;
    if (!hex_exact(tok + w + 1, 4, &p))
        return false;
    unsigned char bytes[16];
    for (size_t g = 0; g < w / 8; g++) {
        uint64_t word;
        if (!hex_exact(tok + g * 8, 8, &word))
            return false;
        /* the kernel printed the word as it sits in memory, read as a host
         * integer: storing it back gives the address's bytes */
        uint32_t w32 = (uint32_t)word;
        memcpy(bytes + g * 4, &w32, 4);
    }
    if (!inet_ntop(v6 ? AF_INET6 : AF_INET, bytes, text, (socklen_t)text_cap))
        return false;
    *port = (uint16_t)p;
    return true;
}

/* "hex:hex" (tx_queue:rx_queue, tr:tm->when). */
static bool hex_pair(const char *tok, size_t n)
{
    const char *colon = memchr(tok, ':', n);
    uint64_t a, b;
    return colon && hex_token(tok, (size_t)(colon - tok), &a) &&
           hex_token(colon + 1, n - (size_t)(colon - tok) - 1, &b);
}

static const char *const tcp_states[] = {
    NULL,    "ESTABLISHED", "SYN_SENT", "SYN_RECV", "FIN_WAIT1", "FIN_WAIT2",   "TIME_WAIT",
    "CLOSE", "CLOSE_WAIT",  "LAST_ACK", "LISTEN",   "CLOSING",   "NEW_SYN_RECV"};

static void state_name(unsigned st, char out[16])
{
    if (st < sizeof(tcp_states) / sizeof(tcp_states[0]) && tcp_states[st])
        snprintf(out, 16, "%s", tcp_states[st]);
    else
        snprintf(out, 16, "0x%02X", st & 0xffu);
}

/* ---- line parsers ---------------------------------------------------------------- */

static bool parse_inet_line(const char *line, size_t n, ld_fx_sock_proto proto, ld_fx_socket *s)
{
    const char *tok[10];
    size_t len[10];
    if (tokens(line, n, tok, len, 10, NULL) != 10)
        return false;
    bool v6 = proto == LD_FX_SOCK_TCP6 || proto == LD_FX_SOCK_UDP6 || proto == LD_FX_SOCK_RAW6;
    uint64_t sl, st, dummy, uid, timeout, inode;
    if (len[0] < 2 || tok[0][len[0] - 1] != ':' || !dec_token(tok[0], len[0] - 1, &sl))
        return false;
    memset(s, 0, sizeof(*s));
    s->proto = proto;
    if (!inet_endpoint(tok[1], len[1], v6, s->local, sizeof(s->local), &s->local_port) ||
        !inet_endpoint(tok[2], len[2], v6, s->remote, sizeof(s->remote), &s->remote_port))
        return false;
    if (len[3] != 2 || !hex_exact(tok[3], 2, &st))
        return false;
    if (!hex_pair(tok[4], len[4]) || !hex_pair(tok[5], len[5]) ||
        !hex_token(tok[6], len[6], &dummy))
        return false;
    if (!dec_token(tok[7], len[7], &uid) || uid > UINT32_MAX)
        return false;
    if (!dec_token(tok[8], len[8], &timeout) || !dec_token(tok[9], len[9], &inode))
        return false;
    state_name((unsigned)st, s->state);
    s->uid = (uint32_t)uid;
    s->inode = inode;
    return true;
}

static void unix_type_name(unsigned type, char out[12])
{
    switch (type) {
    case 1: snprintf(out, 12, "stream"); break;
    case 2: snprintf(out, 12, "dgram"); break;
    case 5: snprintf(out, 12, "seqpacket"); break;
    default: snprintf(out, 12, "0x%04X", type & 0xffffu); break;
    }
}

static void unix_state_name(uint64_t flags, unsigned st, char out[16])
{
    static const char *const ss[] = {"FREE", "UNCONNECTED", "CONNECTING", "CONNECTED",
                                     "DISCONNECTING"};
    if (flags & (1u << 16)) /* __SO_ACCEPTCON: listen() was called */
        snprintf(out, 16, "LISTEN");
    else if (st < sizeof(ss) / sizeof(ss[0]))
        snprintf(out, 16, "%s", ss[st]);
    else
        snprintf(out, 16, "0x%02X", st & 0xffu);
}

static bool parse_unix_line(const char *line, size_t n, ld_fx_socket *s)
{
    const char *tok[7];
    size_t len[7];
    const char *rest;
    if (tokens(line, n, tok, len, 7, &rest) != 7)
        return false;
    uint64_t num, refcount, protocol, flags, type, st, inode;
    if (len[0] < 2 || tok[0][len[0] - 1] != ':' || !hex_token(tok[0], len[0] - 1, &num))
        return false;
    if (len[1] != 8 || !hex_exact(tok[1], 8, &refcount) || len[2] != 8 ||
        !hex_exact(tok[2], 8, &protocol) || len[3] != 8 || !hex_exact(tok[3], 8, &flags) ||
        len[4] != 4 || !hex_exact(tok[4], 4, &type) || len[5] != 2 || !hex_exact(tok[5], 2, &st) ||
        !dec_token(tok[6], len[6], &inode))
        return false;
    memset(s, 0, sizeof(*s));
    s->proto = LD_FX_SOCK_UNIX;
    s->inode = inode;
    unix_type_name((unsigned)type, s->unix_type);
    unix_state_name(flags, (unsigned)st, s->state);
    const char *end = line + n;
    if (rest < end) {
        /* the kernel writes one space, then the name as it is (spaces too) */
        if (*rest != ' ' || rest + 1 >= end)
            return false;
        s->unix_path = ld_xstrndup(rest + 1, (size_t)(end - rest - 1));
    }
    return true;
}

/* ---- the feeder -------------------------------------------------------------------- */

void ld_fx_sock_feed_init(ld_fx_sock_feeder *f, ld_fx_sock_proto proto, ld_fx_socket_list *out,
                          ld_error *err)
{
    memset(f, 0, sizeof(*f));
    f->proto = proto;
    f->out = out;
    f->err = err;
}

/* The header: the first line, when it starts with the table's first
 * column name ("sl" or "Num"). */
static bool is_header(const ld_fx_sock_feeder *f, const char *line, size_t n)
{
    size_t i = 0;
    while (i < n && line[i] == ' ')
        i++;
    const char *name = f->proto == LD_FX_SOCK_UNIX ? "Num" : "sl";
    size_t k = strlen(name);
    return n - i >= k && memcmp(line + i, name, k) == 0;
}

static void one_line(ld_fx_sock_feeder *f, const char *line, size_t n)
{
    f->lines++;
    if (f->rc < 0)
        return;
    if (n && line[n - 1] == '\r')
        n--;
    if (f->lines == 1 && is_header(f, line, n))
        return;
    bool blank = true;
    for (size_t i = 0; i < n && blank; i++)
        blank = line[i] == ' ' || line[i] == '\t';
    if (blank)
        return;
    ld_fx_socket s;
    bool ok = !memchr(line, '\0', n) &&
              (f->proto == LD_FX_SOCK_UNIX ? parse_unix_line(line, n, &s)
                                           : parse_inet_line(line, n, f->proto, &s));
    if (!ok) {
        f->out->malformed++;
        return;
    }
    if (f->out->n >= LD_FX_SOCKETS_MAX) {
        free(s.unix_path);
        f->rc =
            ld_error_set(f->err, LD_ERR_LIMIT, "%s: more than %d sockets: the rest is not parsed",
                         ld_fx_sock_proto_name(f->proto), LD_FX_SOCKETS_MAX);
        return;
    }
    ld_xgrow(&f->out->items, &f->out->cap, f->out->n + 1, sizeof(*f->out->items));
    f->out->items[f->out->n++] = s;
}

int ld_fx_sock_feed(ld_fx_sock_feeder *f, const char *data, size_t n)
{
    const char *end = data + n;
    while (data < end) {
        const char *nl = memchr(data, '\n', (size_t)(end - data));
        const char *stop = nl ? nl : end;
        size_t piece = (size_t)(stop - data);
        if (!f->overlong) {
            if (f->line_n + piece > sizeof(f->line)) {
                f->overlong = true;
            } else {
                memcpy(f->line + f->line_n, data, piece);
                f->line_n += piece;
            }
        }
        if (nl) {
            if (f->overlong) {
                f->lines++;
                f->out->malformed++;
            } else {
                one_line(f, f->line, f->line_n);
            }
            f->line_n = 0;
            f->overlong = false;
        }
        data = nl ? nl + 1 : end;
    }
    return f->rc;
}

int ld_fx_sock_feed_end(ld_fx_sock_feeder *f)
{
    if (f->overlong) {
        f->lines++;
        f->out->malformed++;
    } else if (f->line_n) {
        one_line(f, f->line, f->line_n);
    }
    f->line_n = 0;
    f->overlong = false;
    return f->rc;
}

/* ---- whole tables ------------------------------------------------------------------- */

int ld_fx_sockets_parse_inet(const char *text, size_t len, ld_fx_sock_proto proto,
                             ld_fx_socket_list *out, ld_error *err)
{
    if (proto == LD_FX_SOCK_UNIX || (unsigned)proto > LD_FX_SOCK_UNIX)
        return ld_error_set(err, LD_ERR_INVALID, "not an inet socket table");
    ld_fx_sock_feeder f;
    ld_fx_sock_feed_init(&f, proto, out, err);
    if (ld_fx_sock_feed(&f, text, len) < 0)
        return f.rc;
    return ld_fx_sock_feed_end(&f);
}

int ld_fx_sockets_parse_unix(const char *text, size_t len, ld_fx_socket_list *out, ld_error *err)
{
    ld_fx_sock_feeder f;
    ld_fx_sock_feed_init(&f, LD_FX_SOCK_UNIX, out, err);
    if (ld_fx_sock_feed(&f, text, len) < 0)
        return f.rc;
    return ld_fx_sock_feed_end(&f);
}
