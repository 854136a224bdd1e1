/* Syslog over sockets for lockdown watch: a local socket (datagram as
 * /dev/log is, or stream), UDP (one message per datagram, RFC 5426) and
 * TCP (octet-counting framing "LEN SP MSG", RFC 6587). Every socket is
 * non-blocking; messages wait in a bounded queue (the oldest dropped and
 * counted when it is full) while the peer is slow or away, a lost peer is
 * reconnected with backoff, and one call never waits longer than
 * send_timeout_ms — once a wait has run out without progress, later calls
 * do not wait at all until the peer moves again, so a dead collector
 * cannot slow the watch loop down. Unix stream sockets get one message per
 * line ('\n'), as syslog daemons read them. Formatting is sink_syslog.c's. */
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "runtime/sink_internal.h"
#include "util/mem.h"

#define QUEUE_DEFAULT 1024
#define QUEUE_BYTES_MAX (8u * 1024u * 1024u)
#define BACKOFF_MIN_MS 100
#define BACKOFF_MAX_MS 5000
#define ADDRS_MAX 4

typedef enum { NET_DOWN, NET_CONNECTING, NET_UP } net_state;

typedef struct {
    char *p;
    size_t len;
} queued_msg;

struct ld_rt_net {
    ld_rt_net_kind kind;
    char where[300]; /* for messages: "tcp://127.0.0.1:514", "unix:/dev/log" */
    /* where to connect: a name may resolve to several addresses ("localhost":
     * ::1 and 127.0.0.1); a refused or failed connection moves to the next */
    struct sockaddr_storage addrs[ADDRS_MAX];
    socklen_t addr_lens[ADDRS_MAX];
    int n_addrs, cur;
    int socktype; /* SOCK_DGRAM or SOCK_STREAM */
    int fd;
    net_state state;
    unsigned timeout_ms;
    /* the queue: a ring of framed messages */
    queued_msg *q;
    size_t q_max, q_head, q_count, q_bytes;
    size_t head_sent; /* stream: bytes of the head already sent */
    uint64_t dropped;
    int64_t next_attempt_ms;
    unsigned backoff_ms;
    bool stalled;   /* the last wait ran out without progress */
    int last_errno; /* why the peer is down */
};

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static bool is_stream(const ld_rt_net *n)
{
    return n->socktype == SOCK_STREAM;
}

static void disconnect_after(ld_rt_net *n, int why, bool at_once)
{
    if (n->fd >= 0)
        close(n->fd);
    n->fd = -1;
    n->state = NET_DOWN;
    n->last_errno = why;
    n->head_sent = 0; /* a message cut by a lost connection is sent whole again */
    n->next_attempt_ms = now_ms();
    if (at_once)
        return;
    n->next_attempt_ms += n->backoff_ms;
    n->backoff_ms = n->backoff_ms * 2 > BACKOFF_MAX_MS ? BACKOFF_MAX_MS : n->backoff_ms * 2;
}

static void disconnect(ld_rt_net *n, int why)
{
    disconnect_after(n, why, false);
}

static void connected(ld_rt_net *n)
{
    n->state = NET_UP;
    n->backoff_ms = BACKOFF_MIN_MS;
    n->last_errno = 0;
}

/* After a failure at the current address: the name's next one, tried at
 * once; after the last, the first again after the backoff. */
static void fail_over(ld_rt_net *n, int why)
{
    bool more = n->n_addrs > 1 && n->cur + 1 < n->n_addrs;
    n->cur = n->n_addrs > 1 ? (n->cur + 1) % n->n_addrs : 0;
    disconnect_after(n, why, more);
}

/* Starts a connection: up, connecting (TCP in progress) or down (backoff). */
static void connect_start(ld_rt_net *n)
{
    int type = n->socktype;
    for (int attempt = 0; attempt < 2; attempt++) {
        const struct sockaddr_storage *addr = &n->addrs[n->cur];
        int fd = socket(addr->ss_family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (fd < 0) {
            disconnect(n, errno);
            return;
        }
        if (connect(fd, (const struct sockaddr *)addr, n->addr_lens[n->cur]) == 0) {
            n->fd = fd;
            n->socktype = type;
            connected(n);
            return;
        }
        int e = errno;
        if (e == EINPROGRESS) {
            n->fd = fd;
            n->socktype = type;
            n->state = NET_CONNECTING;
            return;
        }
        close(fd);
        /* a local socket that is a stream socket, not a datagram one */
        if (e == EPROTOTYPE && n->kind == LD_RT_NET_UNIX && attempt == 0) {
            type = type == SOCK_DGRAM ? SOCK_STREAM : SOCK_DGRAM;
            continue;
        }
        fail_over(n, e);
        return;
    }
}

/* Waits until fd is writable or the deadline; true if it is. */
static bool wait_writable(ld_rt_net *n, int64_t deadline)
{
    for (;;) {
        int64_t left = n->stalled ? 0 : deadline - now_ms();
        if (left < 0)
            left = 0;
        struct pollfd pf = {.fd = n->fd, .events = POLLOUT};
        int r = poll(&pf, 1, (int)left);
        if (r > 0)
            return true;
        if (r < 0 && errno == EINTR)
            continue;
        if (r == 0 && left > 0)
            n->stalled = true;
        return false;
    }
}

static void finish_connect(ld_rt_net *n, int64_t deadline)
{
    if (!wait_writable(n, deadline))
        return;
    int soerr = 0;
    socklen_t len = sizeof soerr;
    if (getsockopt(n->fd, SOL_SOCKET, SO_ERROR, &soerr, &len) < 0)
        soerr = errno;
    if (soerr) {
        fail_over(n, soerr);
        return;
    }
    n->stalled = false;
    connected(n);
}

/* A stream peer that closed its end is found before we write into the
 * void (the first write after a close succeeds and is lost). */
static void check_peer_closed(ld_rt_net *n)
{
    if (!is_stream(n) || n->state != NET_UP)
        return;
    char buf[256];
    for (int i = 0; i < 16; i++) {
        ssize_t r = recv(n->fd, buf, sizeof buf, MSG_DONTWAIT);
        if (r > 0)
            continue; /* a collector has nothing to say; discard */
        if (r == 0)
            disconnect(n, ECONNRESET);
        else if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
            disconnect(n, errno);
        return;
    }
}

static void pop_head(ld_rt_net *n)
{
    queued_msg *m = &n->q[n->q_head];
    n->q_bytes -= m->len;
    free(m->p);
    m->p = NULL;
    n->q_head = (n->q_head + 1) % n->q_max;
    n->q_count--;
    n->head_sent = 0;
}

/* Sends the queue's head. 1 sent (or dropped as unsendable), 0 would
 * block, -1 the connection is gone. */
static int send_head(ld_rt_net *n)
{
    queued_msg *m = &n->q[n->q_head];
    for (int retry = 0; retry < 2; retry++) {
        ssize_t w =
            send(n->fd, m->p + n->head_sent, m->len - n->head_sent, MSG_DONTWAIT | MSG_NOSIGNAL);
        if (w >= 0) {
            n->stalled = false;
            n->head_sent += (size_t)w;
            if (n->head_sent == m->len)
                pop_head(n);
            return 1;
        }
        int e = errno;
        if (e == EINTR)
            continue;
        if (e == EAGAIN || e == EWOULDBLOCK || e == ENOBUFS)
            return 0;
        /* UDP: an ICMP refusal of an earlier datagram is reported here, and
         * this one was not sent: once more */
        if (e == ECONNREFUSED && n->kind == LD_RT_NET_UDP && retry == 0) {
            if (n->n_addrs > 1) { /* nobody at this address of the name: the next */
                fail_over(n, e);
                return -1;
            }
            continue;
        }
        if (e == EMSGSIZE) {
            n->dropped++;
            pop_head(n);
            return 1;
        }
        disconnect(n, e);
        return -1;
    }
    return n->kind == LD_RT_NET_UDP ? (disconnect(n, ECONNREFUSED), -1) : 0;
}

/* Moves the queue along until it is empty, the deadline passes, or the
 * peer is down and its next attempt is later. */
static void pump(ld_rt_net *n, int64_t deadline)
{
    for (int rounds = 0; rounds < 100000 && n->q_count > 0; rounds++) {
        if (n->state == NET_DOWN) {
            if (now_ms() < n->next_attempt_ms)
                return;
            connect_start(n);
            if (n->state == NET_DOWN)
                return;
        }
        if (n->state == NET_CONNECTING) {
            finish_connect(n, deadline);
            if (n->state != NET_UP)
                return;
        }
        check_peer_closed(n);
        if (n->state != NET_UP)
            continue; /* reconnect at once (the backoff allows) or return */
        int r = send_head(n);
        if (r == 0 && !wait_writable(n, deadline))
            return;
    }
}

static void enqueue(ld_rt_net *n, char *framed, size_t len, uint64_t *dropped_now)
{
    while (n->q_count > 0 && (n->q_count == n->q_max || n->q_bytes + len > QUEUE_BYTES_MAX)) {
        /* drop the oldest whole message; a head half sent stays (its rest
         * must follow on the stream) */
        size_t victim = n->q_head;
        if (n->head_sent > 0) {
            if (n->q_count == 1)
                break;
            victim = (n->q_head + 1) % n->q_max;
            /* close the gap: move the head one slot on */
            queued_msg head = n->q[n->q_head];
            n->q_bytes -= n->q[victim].len;
            free(n->q[victim].p);
            n->q[victim] = head;
            n->q[n->q_head] = (queued_msg){0};
            n->q_head = victim;
            n->q_count--;
        } else {
            pop_head(n);
        }
        n->dropped++;
        (*dropped_now)++;
    }
    if (n->q_count == n->q_max) { /* only the half-sent head is left and the queue holds one */
        free(framed);
        n->dropped++;
        (*dropped_now)++;
        return;
    }
    size_t tail = (n->q_head + n->q_count) % n->q_max;
    n->q[tail] = (queued_msg){framed, len};
    n->q_count++;
    n->q_bytes += len;
}

static int resolve(ld_rt_net *n, const char *host, uint16_t port, ld_error *err)
{
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = n->socktype};
    struct addrinfo *res = NULL;
    char portbuf[8];
    snprintf(portbuf, sizeof portbuf, "%u", (unsigned)port);
    int rc = getaddrinfo(host, portbuf, &hints, &res);
    if (rc != 0 || !res)
        return ld_error_set(err, LD_ERR_INVALID, "output %s: cannot resolve \"%s\": %s", n->where,
                            host, rc == EAI_SYSTEM ? strerror(errno) : gai_strerror(rc));
    for (struct addrinfo *ai = res; ai && n->n_addrs < ADDRS_MAX; ai = ai->ai_next) {
        if (ai->ai_addrlen > sizeof n->addrs[0])
            continue;
        memcpy(&n->addrs[n->n_addrs], ai->ai_addr, ai->ai_addrlen);
        n->addr_lens[n->n_addrs++] = ai->ai_addrlen;
    }
    freeaddrinfo(res);
    if (n->n_addrs == 0)
        return ld_error_set(err, LD_ERR_INVALID, "output %s: no usable address", n->where);
    return 0;
}

ld_rt_net *ld_rt_net_open(ld_rt_net_kind kind, const char *path_or_host, uint16_t port,
                          unsigned send_timeout_ms, size_t queue_max, ld_error *err)
{
    ld_rt_net *n = ld_xcalloc(1, sizeof *n);
    n->kind = kind;
    n->fd = -1;
    n->state = NET_DOWN;
    n->timeout_ms = send_timeout_ms ? send_timeout_ms : 200;
    n->backoff_ms = BACKOFF_MIN_MS;
    n->q_max = queue_max ? queue_max : QUEUE_DEFAULT;
    n->q = ld_xcalloc(n->q_max, sizeof *n->q);
    if (kind == LD_RT_NET_UNIX) {
        snprintf(n->where, sizeof n->where, "unix:%s", path_or_host);
        struct sockaddr_un *un = (struct sockaddr_un *)&n->addrs[0];
        size_t len = strlen(path_or_host);
        if (len == 0 || len >= sizeof un->sun_path) {
            ld_error_set(err, LD_ERR_INVALID, "output %s: socket path too long (at most %zu bytes)",
                         n->where, sizeof un->sun_path - 1);
            ld_rt_net_close(n);
            return NULL;
        }
        un->sun_family = AF_UNIX;
        memcpy(un->sun_path, path_or_host, len + 1);
        n->addr_lens[0] = (socklen_t)sizeof *un;
        n->n_addrs = 1;
        n->socktype = SOCK_DGRAM;
    } else {
        bool v6 = strchr(path_or_host, ':') != NULL;
        snprintf(n->where, sizeof n->where, "%s://%s%s%s:%u", kind == LD_RT_NET_UDP ? "udp" : "tcp",
                 v6 ? "[" : "", path_or_host, v6 ? "]" : "", (unsigned)port);
        n->socktype = kind == LD_RT_NET_UDP ? SOCK_DGRAM : SOCK_STREAM;
        if (resolve(n, path_or_host, port, err) < 0) {
            ld_rt_net_close(n);
            return NULL;
        }
    }
    int64_t deadline = now_ms() + n->timeout_ms;
    for (int i = 0; i < n->n_addrs; i++) { /* each address of the name, at most */
        connect_start(n);
        if (n->state == NET_CONNECTING)
            finish_connect(n, deadline);
        if (n->state != NET_DOWN || now_ms() < n->next_attempt_ms)
            break;
    }
    /* a local socket or a UDP route that cannot be used now is a mistake in
     * the spec (or a syslog daemon not running): said at once. A TCP peer
     * that is not up yet is connected later. */
    if (n->state == NET_DOWN && kind != LD_RT_NET_TCP) {
        ld_error_set_errno(err, LD_ERR_UNREACHABLE, n->last_errno, "output %s: cannot connect",
                           n->where);
        ld_rt_net_close(n);
        return NULL;
    }
    n->stalled = false;
    return n;
}

int ld_rt_net_send(ld_rt_net *n, const char *msg, size_t len, ld_error *err)
{
    if (len > LD_RT_NET_MSG_MAX)
        len = LD_RT_NET_MSG_MAX;
    if (n->kind == LD_RT_NET_UDP && len > LD_RT_UDP_MAX)
        len = LD_RT_UDP_MAX;
    char *framed;
    size_t flen;
    if (n->kind == LD_RT_NET_TCP) {
        char prefix[24];
        int plen = snprintf(prefix, sizeof prefix, "%zu ", len);
        flen = (size_t)plen + len;
        framed = ld_xmalloc(flen);
        memcpy(framed, prefix, (size_t)plen);
        memcpy(framed + plen, msg, len);
    } else if (n->kind == LD_RT_NET_UNIX && n->socktype == SOCK_STREAM) {
        flen = len + 1;
        framed = ld_xmalloc(flen);
        memcpy(framed, msg, len);
        framed[len] = '\n';
    } else {
        flen = len;
        framed = ld_xmalloc(flen ? flen : 1);
        memcpy(framed, msg, len);
    }
    uint64_t dropped_now = 0;
    enqueue(n, framed, flen, &dropped_now);
    pump(n, now_ms() + n->timeout_ms);
    if (dropped_now)
        return ld_error_set(err, LD_ERR_LIMIT,
                            "output %s: %llu older message(s) dropped: the queue of %zu was "
                            "full (the peer was away or too slow)",
                            n->where, (unsigned long long)dropped_now, n->q_max);
    if (n->state != NET_UP)
        return ld_error_set(err, LD_ERR_UNREACHABLE,
                            "output %s: not connected (%s); %zu message(s) queued, retrying",
                            n->where,
                            n->state == NET_CONNECTING ? "no answer yet"
                            : n->last_errno            ? strerror(n->last_errno)
                                                       : "no answer",
                            n->q_count);
    return 0;
}

void ld_rt_net_close(ld_rt_net *n)
{
    if (!n)
        return;
    if (n->q_count > 0 && n->q) {
        n->stalled = false;
        if (n->state == NET_DOWN)
            n->next_attempt_ms = 0; /* one last attempt */
        pump(n, now_ms() + n->timeout_ms);
    }
    if (n->fd >= 0)
        close(n->fd);
    for (size_t i = 0; n->q && i < n->q_count; i++)
        free(n->q[(n->q_head + i) % n->q_max].p);
    free(n->q);
    free(n);
}

uint64_t ld_rt_net_dropped(const ld_rt_net *n)
{
    return n->dropped;
}

size_t ld_rt_net_queued(const ld_rt_net *n)
{
    return n->q_count;
}
