/* fd.* fields: the file an open (or a memfd_create) names, and the socket
 * addresses of connect / accept / bind / listen. Source and destination
 * follow the connection: connect goes from the local side (sock_local,
 * when the source knew it) to the remote (sock); accept comes from the
 * remote (sock) to the local side (sock_local); bind and listen have only
 * their own address, which is the source side. fd.name of a socket is
 * "sip:sport->dip:dport" (IPv6 addresses in brackets), of a bound or
 * listening socket "ip:port", of a unix socket its path. */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "runtime/fields_internal.h"

static bool file_event(const ld_rt_event *e)
{
    return e->type == LD_EVT_OPENAT || e->type == LD_EVT_OPENAT2 || e->type == LD_EVT_MEMFD_CREATE;
}

static bool socket_event(const ld_rt_event *e)
{
    return (e->type == LD_EVT_CONNECT || e->type == LD_EVT_ACCEPT || e->type == LD_EVT_BIND ||
            e->type == LD_EVT_LISTEN) &&
           e->sock.family != 0;
}

static bool ip_family(uint16_t f)
{
    return f == AF_INET || f == AF_INET6;
}

/* The source and destination addresses of the event's connection (NULL:
 * that side is not known). */
static void endpoints(const ld_rt_event *e, const ld_rt_sockaddr **src, const ld_rt_sockaddr **dst)
{
    *src = *dst = NULL;
    if (!socket_event(e))
        return;
    const ld_rt_sockaddr *local = e->sock_local.family ? &e->sock_local : NULL;
    switch (e->type) {
    case LD_EVT_CONNECT:
        *src = local;
        *dst = &e->sock;
        break;
    case LD_EVT_ACCEPT:
        *src = &e->sock;
        *dst = local;
        break;
    default: *src = &e->sock; break;
    }
}

static void set_ip(ld_rt_value *v, const ld_rt_sockaddr *a)
{
    if (!a || !ip_family(a->family))
        return;
    v->present = true;
    v->ip_family = a->family;
    memset(v->ip, 0, sizeof v->ip);
    memcpy(v->ip, a->addr, a->family == AF_INET ? 4 : 16);
}

static void set_port(ld_rt_value *v, const ld_rt_sockaddr *a)
{
    if (!a || !ip_family(a->family))
        return;
    v->present = true;
    v->num = a->port;
}

/* "10.0.0.1:80" / "[::1]:80"; an unknown side prints as the unspecified
 * address of the other side's family. */
static size_t put_endpoint(char *out, size_t n, const ld_rt_sockaddr *a, uint16_t family)
{
    char addr[INET6_ADDRSTRLEN] = "";
    uint8_t zero[16] = {0};
    uint16_t fam = a ? a->family : family;
    inet_ntop(fam, a ? a->addr : zero, addr, sizeof addr);
    int w = fam == AF_INET6 ? snprintf(out, n, "[%s]:%u", addr, a ? a->port : 0)
                            : snprintf(out, n, "%s:%u", addr, a ? a->port : 0);
    return w < 0 ? 0 : (size_t)w >= n ? n - 1 : (size_t)w;
}

static void socket_name(const ld_rt_event *e, ld_rt_value *v)
{
    if (e->sock.family == AF_UNIX) {
        if (e->sock.unix_path[0]) {
            size_t n = strnlen(e->sock.unix_path, sizeof e->sock.unix_path);
            memcpy(v->buf, e->sock.unix_path, n);
            v->buf[n] = '\0';
            v->present = true;
            v->str = v->buf;
        }
        return;
    }
    if (!ip_family(e->sock.family))
        return;
    const ld_rt_sockaddr *src, *dst;
    endpoints(e, &src, &dst);
    size_t at = put_endpoint(v->buf, sizeof v->buf, src, e->sock.family);
    if (e->type == LD_EVT_CONNECT || e->type == LD_EVT_ACCEPT) {
        at += (size_t)snprintf(v->buf + at, sizeof v->buf - at, "->");
        put_endpoint(v->buf + at, sizeof v->buf - at, dst, e->sock.family);
    }
    v->present = true;
    v->str = v->buf;
}

static void directory_of(const char *path, ld_rt_value *v)
{
    const char *slash = strrchr(path, '/');
    v->present = true;
    if (!slash) {
        v->str = ".";
    } else if (slash == path) {
        v->str = "/";
    } else {
        size_t n = (size_t)(slash - path);
        memcpy(v->buf, path, n);
        v->buf[n] = '\0';
        v->str = v->buf;
    }
}

void ld_rt_field_read_net(const ld_rt_field_ref *f, const ld_rt_field_ctx *ctx, ld_rt_value *v)
{
    const ld_rt_event *e = ctx->evt;
    bool file = file_event(e) && e->path[0];
    bool sock = socket_event(e);
    const ld_rt_sockaddr *src, *dst;
    switch ((ld_rt_field_id)f->id) {
    case LD_F_FD_NAME:
        if (file) {
            v->present = true;
            v->str = e->path;
        } else if (sock) {
            socket_name(e, v);
        }
        break;
    case LD_F_FD_DIRECTORY:
        if (file)
            directory_of(e->path, v);
        break;
    case LD_F_FD_FILENAME:
        if (file) {
            const char *slash = strrchr(e->path, '/');
            const char *base = slash ? slash + 1 : e->path;
            if (base[0]) {
                v->present = true;
                v->str = base;
            }
        }
        break;
    case LD_F_FD_SIP:
    case LD_F_FD_SPORT:
    case LD_F_FD_DIP:
    case LD_F_FD_DPORT:
        endpoints(e, &src, &dst);
        if (f->id == LD_F_FD_SIP)
            set_ip(v, src);
        else if (f->id == LD_F_FD_DIP)
            set_ip(v, dst);
        else
            set_port(v, f->id == LD_F_FD_SPORT ? src : dst);
        break;
    case LD_F_FD_L4PROTO:
        /* accept and listen exist only for stream sockets; a connect or a
         * bind does not say whether the socket is TCP or UDP */
        if (sock && ip_family(e->sock.family) &&
            (e->type == LD_EVT_ACCEPT || e->type == LD_EVT_LISTEN)) {
            v->present = true;
            v->str = "tcp";
        }
        break;
    case LD_F_FD_TYPECHAR:
        if (file) {
            v->present = true;
            v->str = "f";
        } else if (sock) {
            v->present = true;
            v->str = e->sock.family == AF_INET    ? "4"
                     : e->sock.family == AF_INET6 ? "6"
                     : e->sock.family == AF_UNIX  ? "u"
                                                  : NULL;
            v->present = v->str != NULL;
        }
        break;
    case LD_F_FD_SOCKFAMILY:
        if (sock && (e->sock.family == AF_UNIX || ip_family(e->sock.family))) {
            v->present = true;
            v->str = e->sock.family == AF_UNIX ? "unix" : "ip";
        }
        break;
    case LD_F_FD_EGRESS_ALLOWED:
        if (ctx->container->has_egress && e->type == LD_EVT_CONNECT && sock &&
            ip_family(e->sock.family)) {
            v->present = true;
            v->num = ld_rt_egress_allows(ctx->container, &e->sock) ? 1 : 0;
        }
        break;
    default: break;
    }
}
