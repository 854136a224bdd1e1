/* Unit tests for lockdown watch's syslog transports (src/runtime/sink_net.c
 * through sink.c), against real sockets opened here on 127.0.0.1 and in a
 * temp directory: UDP one message per datagram (cut at 8 KiB with a note),
 * TCP octet-counting framing read back byte for byte, a unix datagram
 * socket and a unix stream socket, a collector that is down (no error at
 * open, errors while down, a bounded queue that drops the oldest and
 * counts them, delivery in order once it is up), a collector that closes
 * the connection (reconnected), a collector that never reads (no call
 * waits longer than send_timeout_ms), and the output spec parser. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "runtime/sink_internal.h"
#include "test_sink_util.h"
#include "util/mem.h"

static double mono(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* A socket of type bound to 127.0.0.1 on a free port; *port set. */
static int bound_inet(int type, uint16_t *port)
{
    int fd = socket(AF_INET, type | SOCK_CLOEXEC, 0);
    assert_true(fd >= 0);
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(*port)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
    socklen_t len = sizeof a;
    assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &len), 0);
    *port = ntohs(a.sin_port);
    if (type == SOCK_STREAM)
        assert_int_equal(listen(fd, 8), 0);
    return fd;
}

/* Reads into buf until n bytes or timeout_ms pass; returns bytes read. */
static size_t read_some(int fd, char *buf, size_t n, int timeout_ms)
{
    size_t got = 0;
    double end = mono() + timeout_ms / 1000.0;
    while (got < n) {
        int left = (int)((end - mono()) * 1000);
        if (left <= 0)
            break;
        struct pollfd pf = {.fd = fd, .events = POLLIN};
        if (poll(&pf, 1, left) <= 0)
            break;
        ssize_t r = recv(fd, buf + got, n - got, 0);
        if (r <= 0)
            break;
        got += (size_t)r;
    }
    return got;
}

static int accept_within(int lfd, int timeout_ms)
{
    struct pollfd pf = {.fd = lfd, .events = POLLIN};
    if (poll(&pf, 1, timeout_ms) <= 0)
        return -1;
    return accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
}

/* The syslog line the sink sends for this alert (same process, same
 * timestamp: the bytes must be identical). */
static char *expected_line(const sample_alert *s)
{
    return ld_rt_alert_syslog(&s->alert, NULL, 0);
}

/* Checks "LEN SP MSG" frames in buf[0..n): returns how many; each MSG
 * compared with want when given. */
static int check_frames(const char *buf, size_t n, const char *want)
{
    size_t off = 0;
    int frames = 0;
    while (off < n) {
        size_t len = 0, digits = 0;
        while (off < n && buf[off] >= '0' && buf[off] <= '9') {
            len = len * 10 + (size_t)(buf[off] - '0');
            off++;
            digits++;
        }
        if (digits == 0 || buf[off - digits] == '0')
            fail_msg("frame %d: no octet count (or a leading zero)", frames);
        if (off >= n || buf[off] != ' ')
            fail_msg("frame %d: no SP after the count", frames);
        off++;
        if (off + len > n)
            fail_msg("frame %d: count %zu runs past the %zu bytes read", frames, len, n);
        if (buf[off] != '<')
            fail_msg("frame %d: MSG does not start with PRI", frames);
        if (want && (len != strlen(want) || memcmp(buf + off, want, len) != 0))
            fail_msg("frame %d: MSG differs from the syslog line", frames);
        off += len;
        frames++;
    }
    return frames;
}

static ld_rt_sink *open_spec(const char *spec, unsigned timeout_ms, size_t queue_max)
{
    ld_error err = LD_ERROR_INIT;
    ld_rt_sink_options o = {.spec = spec, .send_timeout_ms = timeout_ms, .queue_max = queue_max};
    ld_rt_sink *s = ld_rt_sink_open(&o, &err);
    if (!s)
        fail_msg("open %s: %s", spec, err.msg);
    return s;
}

static void udp_one_datagram_per_message(void **state)
{
    (void)state;
    uint16_t port = 0;
    int fd = bound_inet(SOCK_DGRAM, &port);
    char spec[64];
    snprintf(spec, sizeof spec, "udp://127.0.0.1:%u", port);
    ld_rt_sink *sink = open_spec(spec, 200, 0);
    sample_alert s;
    sample_init(&s);
    ld_error err = LD_ERROR_INIT;
    assert_int_equal(ld_rt_sink_alert(sink, &s.alert, &err), 0);
    assert_int_equal(ld_rt_sink_alert(sink, &s.alert, &err), 0);
    char *want = expected_line(&s);
    static char buf[70000];
    for (int i = 0; i < 2; i++) {
        struct pollfd pf = {.fd = fd, .events = POLLIN};
        assert_int_equal(poll(&pf, 1, 2000), 1);
        ssize_t r = recv(fd, buf, sizeof buf, 0);
        assert_int_equal(r, (ssize_t)strlen(want));
        assert_memory_equal(buf, want, strlen(want));
    }
    /* a message past 8 KiB: one datagram of at most 8192 bytes, with the note */
    char *big = ld_xmalloc(20001);
    memset(big, 'x', 20000);
    big[20000] = '\0';
    s.alert.message = big;
    assert_int_equal(ld_rt_sink_alert(sink, &s.alert, &err), 0);
    struct pollfd pf = {.fd = fd, .events = POLLIN};
    assert_int_equal(poll(&pf, 1, 2000), 1);
    ssize_t r = recv(fd, buf, sizeof buf, 0);
    assert_true(r > 8000 && r <= LD_RT_UDP_MAX);
    size_t nl = strlen(LD_RT_SYSLOG_CUT_NOTE);
    assert_memory_equal(buf + r - (ssize_t)nl, LD_RT_SYSLOG_CUT_NOTE, nl);
    ld_rt_sink_close(sink);
    free(big);
    free(want);
    close(fd);
}

static void tcp_octet_counting_byte_for_byte(void **state)
{
    (void)state;
    uint16_t port = 0;
    int lfd = bound_inet(SOCK_STREAM, &port);
    char spec[64];
    snprintf(spec, sizeof spec, "tcp://127.0.0.1:%u", port);
    ld_rt_sink *sink = open_spec(spec, 500, 0);
    int cfd = accept_within(lfd, 2000);
    assert_true(cfd >= 0);
    sample_alert s;
    sample_init(&s);
    snprintf(s.message, sizeof s.message, "multi\nline \xc3\xa9 message");
    ld_error err = LD_ERROR_INIT;
    for (int i = 0; i < 5; i++)
        assert_int_equal(ld_rt_sink_alert(sink, &s.alert, &err), 0);
    char *want = expected_line(&s);
    char prefix[16];
    int pl = snprintf(prefix, sizeof prefix, "%zu ", strlen(want));
    size_t total = 5 * ((size_t)pl + strlen(want));
    char *buf = ld_xmalloc(total + 64);
    size_t got = read_some(cfd, buf, total + 64, 1000);
    assert_int_equal(got, total); /* and nothing more */
    assert_int_equal(check_frames(buf, got, want), 5);
    ld_rt_sink_close(sink);
    /* closed: the peer reads EOF */
    assert_int_equal(read_some(cfd, buf, 1, 1000), 0);
    free(buf);
    free(want);
    close(cfd);
    close(lfd);
}

static void unix_datagram_and_stream(void **state)
{
    (void)state;
    char dir[] = "/tmp/ld-sink-net-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char *dpath = ld_xasprintf("%s/dgram.sock", dir), *spath = ld_xasprintf("%s/stream.sock", dir);
    struct sockaddr_un a = {.sun_family = AF_UNIX};

    int dfd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    snprintf(a.sun_path, sizeof a.sun_path, "%s", dpath);
    assert_int_equal(bind(dfd, (struct sockaddr *)&a, sizeof a), 0);
    int sfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    snprintf(a.sun_path, sizeof a.sun_path, "%s", spath);
    assert_int_equal(bind(sfd, (struct sockaddr *)&a, sizeof a), 0);
    assert_int_equal(listen(sfd, 4), 0);

    sample_alert s;
    sample_init(&s);
    char *want = expected_line(&s);
    ld_error err = LD_ERROR_INIT;
    char *spec = ld_xasprintf("unix:%s", dpath);
    ld_rt_sink *d = open_spec(spec, 200, 0);
    free(spec);
    assert_int_equal(ld_rt_sink_alert(d, &s.alert, &err), 0);
    char buf[16384];
    ssize_t r = recv(dfd, buf, sizeof buf, 0);
    assert_int_equal(r, (ssize_t)strlen(want));
    assert_memory_equal(buf, want, strlen(want));
    ld_rt_sink_close(d);

    /* a stream socket at the path: one message per line */
    spec = ld_xasprintf("unix://%s", spath);
    ld_rt_sink *st = open_spec(spec, 200, 0);
    free(spec);
    int cfd = accept_within(sfd, 2000);
    assert_true(cfd >= 0);
    assert_int_equal(ld_rt_sink_alert(st, &s.alert, &err), 0);
    assert_int_equal(ld_rt_sink_alert(st, &s.alert, &err), 0);
    size_t n = strlen(want);
    size_t got = read_some(cfd, buf, 2 * (n + 1), 1000);
    assert_int_equal(got, 2 * (n + 1));
    assert_memory_equal(buf, want, n);
    assert_int_equal(buf[n], '\n');
    assert_memory_equal(buf + n + 1, want, n);
    ld_rt_sink_close(st);
    close(cfd);

    /* no socket at the path: an error at open, naming it */
    char *missing = ld_xasprintf("unix:%s/none.sock", dir);
    ld_rt_sink_options o = {.spec = missing};
    assert_null(ld_rt_sink_open(&o, &err));
    assert_non_null(strstr(err.msg, "none.sock"));
    free(missing);

    close(dfd);
    close(sfd);
    unlink(dpath);
    unlink(spath);
    rmdir(dir);
    free(dpath);
    free(spath);
    free(want);
}

static void tcp_collector_down_then_up(void **state)
{
    (void)state;
    /* a port nobody listens on (taken, then freed) */
    uint16_t port = 0;
    int tmp = bound_inet(SOCK_STREAM, &port);
    close(tmp);
    char spec[64];
    snprintf(spec, sizeof spec, "tcp://127.0.0.1:%u", port);
    ld_rt_sink *sink = open_spec(spec, 200, 4); /* not an error: connected later */
    sample_alert s;
    sample_init(&s);
    ld_error err = LD_ERROR_INIT;
    for (int i = 0; i < 10; i++) {
        snprintf(s.message, sizeof s.message, "alert number %d", i);
        double t0 = mono();
        assert_true(ld_rt_sink_alert(sink, &s.alert, &err) < 0);
        assert_true(mono() - t0 < 0.5);
        ld_error_clear(&err);
    }
    assert_int_equal(ld_rt_sink_dropped(sink), 6); /* a queue of 4 */
    /* the collector comes up; after the backoff the queue goes out, in order */
    int lfd = bound_inet(SOCK_STREAM, &port);
    sleep_ms(1200);
    snprintf(s.message, sizeof s.message, "alert number %d", 10);
    /* the 11th pushed out one more: said, though the queue then went out */
    assert_int_equal(ld_rt_sink_alert(sink, &s.alert, &err), LD_ERR_LIMIT);
    assert_non_null(strstr(err.msg, "1 older message(s) dropped"));
    assert_int_equal(ld_rt_sink_dropped(sink), 7);
    int cfd = accept_within(lfd, 2000);
    assert_true(cfd >= 0);
    char buf[65536];
    size_t got = read_some(cfd, buf, sizeof buf - 1, 700);
    buf[got] = '\0';
    assert_int_equal(check_frames(buf, got, NULL), 4);
    const char *p = buf;
    for (int i = 7; i <= 10; i++) {
        char want[32];
        snprintf(want, sizeof want, "alert number %d", i);
        const char *hit = strstr(p, want);
        if (!hit)
            fail_msg("\"%s\" not delivered in order", want);
        p = hit + strlen(want);
    }
    assert_null(strstr(buf, "alert number 6"));
    ld_rt_sink_close(sink);
    close(cfd);
    close(lfd);
}

static void tcp_collector_restart_is_reconnected(void **state)
{
    (void)state;
    uint16_t port = 0;
    int lfd = bound_inet(SOCK_STREAM, &port);
    char spec[64];
    snprintf(spec, sizeof spec, "tcp://127.0.0.1:%u", port);
    ld_rt_sink *sink = open_spec(spec, 300, 0);
    int cfd = accept_within(lfd, 2000);
    assert_true(cfd >= 0);
    sample_alert s;
    sample_init(&s);
    ld_error err = LD_ERROR_INIT;
    snprintf(s.message, sizeof s.message, "before");
    assert_int_equal(ld_rt_sink_alert(sink, &s.alert, &err), 0);
    char buf[16384];
    size_t got = read_some(cfd, buf, sizeof buf, 500);
    assert_int_equal(check_frames(buf, got, NULL), 1);
    close(cfd); /* the collector goes away */
    sleep_ms(50);
    snprintf(s.message, sizeof s.message, "during");
    (void)ld_rt_sink_alert(sink, &s.alert, &err); /* found closed: queued, reconnecting */
    ld_error_clear(&err);
    sleep_ms(400);
    snprintf(s.message, sizeof s.message, "after");
    assert_int_equal(ld_rt_sink_alert(sink, &s.alert, &err), 0);
    cfd = accept_within(lfd, 2000);
    assert_true(cfd >= 0);
    got = read_some(cfd, buf, sizeof buf - 1, 700);
    buf[got] = '\0';
    assert_int_equal(check_frames(buf, got, NULL), 2);
    char *d = strstr(buf, "during");
    assert_non_null(d);
    assert_non_null(strstr(d, "after"));
    assert_int_equal(ld_rt_sink_dropped(sink), 0);
    ld_rt_sink_close(sink);
    close(cfd);
    close(lfd);
}

static void a_collector_that_never_reads_never_blocks(void **state)
{
    (void)state;
    uint16_t port = 0;
    int lfd = bound_inet(SOCK_STREAM, &port);
    int small = 4096;
    setsockopt(lfd, SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
    char spec[64];
    snprintf(spec, sizeof spec, "tcp://127.0.0.1:%u", port);
    ld_rt_sink *sink = open_spec(spec, 100, 8);
    int cfd = accept_within(lfd, 2000); /* accepted, never read */
    assert_true(cfd >= 0);
    sample_alert s;
    sample_init(&s);
    memset(s.message, 'm', sizeof s.message - 1);
    s.message[sizeof s.message - 1] = '\0';
    ld_error err = LD_ERROR_INIT;
    double worst = 0, t_all = mono();
    int failures = 0;
    for (int i = 0; i < 600; i++) {
        double t0 = mono();
        if (ld_rt_sink_alert(sink, &s.alert, &err) < 0)
            failures++;
        double dt = mono() - t0;
        if (dt > worst)
            worst = dt;
    }
    double all = mono() - t_all;
    /* no call waited much past send_timeout_ms, and once stalled they stop waiting */
    assert_true(worst < 0.1 + 0.05);
    assert_true(all < 2.0);
    assert_true(failures > 0);
    assert_true(ld_rt_sink_dropped(sink) > 0);
    double t0 = mono();
    ld_rt_sink_close(sink); /* close waits at most send_timeout_ms too */
    assert_true(mono() - t0 < 0.1 + 0.05);
    close(cfd);
    close(lfd);
}

static void specs_parse(void **state)
{
    (void)state;
    struct {
        const char *spec;
        ld_rt_output_kind kind;
        const char *target;
        uint16_t port;
    } good[] = {
        {"-", LD_RT_OUT_STDOUT, "-", 0},
        {"/var/log/alerts.json", LD_RT_OUT_FILE, "/var/log/alerts.json", 0},
        {"alerts.json", LD_RT_OUT_FILE, "alerts.json", 0},
        {"./udp:x", LD_RT_OUT_FILE, "./udp:x", 0},
        {"unix:/dev/log", LD_RT_OUT_UNIX, "/dev/log", 0},
        {"unix:///dev/log", LD_RT_OUT_UNIX, "/dev/log", 0},
        {"udp://127.0.0.1:5514", LD_RT_OUT_UDP, "127.0.0.1", 5514},
        {"UDP://logs.example.org", LD_RT_OUT_UDP, "logs.example.org", 514},
        {"tcp://[::1]:6514", LD_RT_OUT_TCP, "::1", 6514},
        {"tcp://collector_1:65535", LD_RT_OUT_TCP, "collector_1", 65535},
    };
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        ld_rt_sink_spec sp;
        ld_error err = LD_ERROR_INIT;
        if (ld_rt_sink_spec_parse(good[i].spec, &sp, &err) != 0)
            fail_msg("%s: %s", good[i].spec, err.msg);
        assert_int_equal(sp.kind, good[i].kind);
        assert_string_equal(sp.target, good[i].target);
        assert_int_equal(sp.port, good[i].port);
    }
    struct {
        const char *spec, *msg;
    } bad[] = {
        {"", "empty"},
        {"tpc://127.0.0.1:514", "did you mean tcp://"},
        {"http://x", "unknown scheme"},
        {"udp:127.0.0.1:514", "did you mean udp://"},
        {"udp://", "no host"},
        {"udp://:514", "no host"},
        {"udp://h:0", "port"},
        {"udp://h:65536", "port"},
        {"udp://h:12x", "port"},
        {"udp://h:", "port"},
        {"tcp://::1:514", "brackets"},
        {"tcp://[::1", "without ']'"},
        {"tcp://[zz]:1", "IPv6"},
        {"tcp://u:p@h:514", "no user"},
        {"tcp://h:514/path", "no user"},
        {"tcp://h o:514", "cannot be in a host"},
        {"unix:", "no socket path"},
        {"unix://dev/log", "absolute"},
        {"file\nname", "control character"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        ld_rt_sink_spec sp;
        ld_error err = LD_ERROR_INIT;
        if (ld_rt_sink_spec_parse(bad[i].spec, &sp, &err) == 0)
            fail_msg("\"%s\" accepted", bad[i].spec);
        assert_int_equal(err.code, LD_ERR_INVALID);
        if (!strstr(err.msg, bad[i].msg))
            fail_msg("\"%s\": message \"%s\" lacks \"%s\"", bad[i].spec, err.msg, bad[i].msg);
    }
    ld_rt_sink_spec sp;
    ld_error err = LD_ERROR_INIT;
    char *long_unix = ld_xmalloc(200);
    memcpy(long_unix, "unix:/", 6);
    memset(long_unix + 6, 'a', 150);
    long_unix[156] = '\0';
    assert_true(ld_rt_sink_spec_parse(long_unix, &sp, &err) < 0);
    free(long_unix);
    assert_true(ld_rt_sink_spec_parse(NULL, &sp, &err) < 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(specs_parse),
        cmocka_unit_test(udp_one_datagram_per_message),
        cmocka_unit_test(tcp_octet_counting_byte_for_byte),
        cmocka_unit_test(unix_datagram_and_stream),
        cmocka_unit_test(tcp_collector_down_then_up),
        cmocka_unit_test(tcp_collector_restart_is_reconnected),
        cmocka_unit_test(a_collector_that_never_reads_never_blocks),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
