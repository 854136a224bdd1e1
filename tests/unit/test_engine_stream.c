/* Unit tests for the engine's event stream (runtime/engine_event.c,
 * runtime/engine_stream.c) and the inspect reader (runtime/
 * container_inspect.c): a stream recorded from Docker 20.10
 * (tests/fixtures/runtime/) fed in every chunking, hostile lines (over
 * 64 KiB, not JSON, not a container, bad ids, control characters, deep
 * nesting), recorded inspect documents and hostile ones; and the reader
 * thread against a stand-in engine on a unix socket that answers,
 * drops the connection (the thread reconnects and asks for the events
 * since the last one seen), and answers with an error. */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "runtime/containers_internal.h"
#include "runtime/engine_stream.h"
#include "util/mem.h"

#define FIXTURES LD_SOURCE_DIR "/tests/fixtures/runtime/"
#define ID_A "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        fail_msg("cannot open %s", path);
    char *buf = ld_xmalloc(1 << 20);
    *len = fread(buf, 1, (1 << 20) - 1, f);
    buf[*len] = '\0';
    fclose(f);
    return buf;
}

/* ---- the recorded stream ---- */

typedef struct {
    ld_rt_engine_event ev[32];
    size_t n, bad;
} collected;

static int collect(const char *line, size_t len, void *ctx)
{
    collected *c = ctx;
    ld_error err = LD_ERROR_INIT;
    if (c->n == 32)
        fail_msg("too many events");
    if (ld_rt_engine_event_parse(line, len, &c->ev[c->n], &err) == 0)
        c->n++;
    else
        c->bad++;
    return 0;
}

static void test_recorded_stream(void **state)
{
    (void)state;
    size_t len;
    char *buf = slurp(FIXTURES "engine-events.jsonl", &len);
    /* what the recording holds (fixtures/runtime/README.md) */
    static const ld_rt_engine_action want[] = {LD_RT_ENGINE_EV_OTHER,   LD_RT_ENGINE_EV_START,
                                               LD_RT_ENGINE_EV_RENAME,  LD_RT_ENGINE_EV_OTHER,
                                               LD_RT_ENGINE_EV_DESTROY, LD_RT_ENGINE_EV_OTHER,
                                               LD_RT_ENGINE_EV_DIE,     LD_RT_ENGINE_EV_DESTROY};
    static const size_t chunks[] = {1, 2, 3, 7, 64, 500, 4096, 1 << 20};
    for (size_t k = 0; k < sizeof chunks / sizeof *chunks; k++) {
        ld_rt_line_splitter sp;
        ld_rt_line_splitter_init(&sp, 0);
        collected c = {0};
        for (size_t off = 0; off < len; off += chunks[k]) {
            size_t n = len - off < chunks[k] ? len - off : chunks[k];
            assert_int_equal(ld_rt_line_splitter_feed(&sp, buf + off, n, collect, &c), 0);
        }
        ld_rt_line_splitter_free(&sp);
        assert_int_equal(c.bad, 0);
        assert_int_equal(c.n, sizeof want / sizeof *want);
        for (size_t i = 0; i < c.n; i++)
            if (c.ev[i].action != want[i])
                fail_msg("chunk %zu: event %zu action %d, want %d", chunks[k], i,
                         (int)c.ev[i].action, (int)want[i]);
        assert_string_equal(c.ev[1].name, "ldct-fx1");
        assert_string_equal(c.ev[1].image, "lockdown-test/busybox:1");
        assert_string_equal(c.ev[2].name, "ldct-fx1b"); /* the new name after a rename */
        assert_string_equal(c.ev[1].id, c.ev[2].id);
        assert_string_not_equal(c.ev[3].id, c.ev[1].id);
        assert_true(c.ev[1].time_nano > 1600000000ull * 1000000000ull);
        assert_true(c.ev[2].time_nano >= c.ev[1].time_nano);
    }
    free(buf);
}

static int count_lines(const char *line, size_t len, void *ctx)
{
    (void)line;
    size_t *n = ctx;
    (*n)++;
    if (len == 0 || line[len - 1] == '\r' || memchr(line, '\n', len))
        fail_msg("line delivered with its terminator");
    return 0;
}

static void test_splitter_bounds(void **state)
{
    (void)state;
    ld_rt_line_splitter sp;
    ld_rt_line_splitter_init(&sp, 16);
    size_t n = 0;
    /* a line of exactly max is kept; max + 1 is skipped up to its newline */
    assert_int_equal(ld_rt_line_splitter_feed(&sp, "0123456789abcdef\n", 17, count_lines, &n), 0);
    assert_int_equal(n, 1);
    assert_int_equal(ld_rt_line_splitter_feed(&sp, "0123456789abcdefX", 17, count_lines, &n), 0);
    assert_int_equal(sp.skipped, 1);
    assert_int_equal(ld_rt_line_splitter_feed(&sp, "still the long one", 18, count_lines, &n), 0);
    assert_int_equal(ld_rt_line_splitter_feed(&sp, "...\nok\r\n\n\nx", 12, count_lines, &n), 0);
    assert_int_equal(n, 2); /* "ok"; empty lines are not delivered */
    assert_int_equal(sp.skipped, 1);
    ld_rt_line_splitter_reset(&sp); /* the partial "x" is forgotten */
    assert_int_equal(ld_rt_line_splitter_feed(&sp, "y\n", 2, count_lines, &n), 0);
    assert_int_equal(n, 3);
    ld_rt_line_splitter_free(&sp);

    /* the default bound: 64 KiB; a 1 MiB line between two events */
    ld_rt_line_splitter_init(&sp, 0);
    size_t big = 1 << 20;
    char *data = ld_xmalloc(big + 2);
    memset(data, 'a', big);
    data[big] = '\n';
    collected c = {0};
    const char *ev =
        "{\"Type\":\"container\",\"Action\":\"start\",\"Actor\":{\"ID\":\"" ID_A "\"}}\n";
    ld_rt_line_splitter_feed(&sp, ev, strlen(ev), collect, &c);
    for (size_t off = 0; off <= big; off += 10000)
        ld_rt_line_splitter_feed(&sp, data + off, big + 1 - off < 10000 ? big + 1 - off : 10000,
                                 collect, &c);
    ld_rt_line_splitter_feed(&sp, ev, strlen(ev), collect, &c);
    assert_int_equal(c.n, 2);
    assert_int_equal(c.bad, 0);
    assert_int_equal(sp.skipped, 1);
    assert_true(sp.cap <= LD_RT_ENGINE_LINE_MAX); /* never grew for the long line */
    ld_rt_line_splitter_free(&sp);
    free(data);
}

static int parse_rc(const char *line, ld_rt_engine_event *ev)
{
    ld_error err = LD_ERROR_INIT;
    int rc = ld_rt_engine_event_parse(line, strlen(line), ev, &err);
    if (rc < 0 && !err.msg[0])
        fail_msg("no message for \"%s\"", line);
    return rc;
}

static void test_hostile_events(void **state)
{
    (void)state;
    ld_rt_engine_event ev;
    assert_int_equal(parse_rc("not json", &ev), LD_ERR_CORRUPT);
    assert_int_equal(parse_rc("[1,2]", &ev), LD_ERR_CORRUPT);
    assert_int_equal(
        parse_rc("{\"Type\":\"network\",\"Action\":\"connect\",\"Actor\":{\"ID\":\"" ID_A "\"}}",
                 &ev),
        LD_ERR_NOT_FOUND);
    assert_int_equal(parse_rc("{\"Type\":\"container\",\"Action\":\"start\"}", &ev),
                     LD_ERR_NOT_FOUND);
    assert_int_equal(
        parse_rc("{\"Type\":\"container\",\"Action\":\"start\",\"Actor\":{\"ID\":"
                 "\"0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef\"}}",
                 &ev),
        LD_ERR_NOT_FOUND);
    assert_int_equal(parse_rc("{\"Type\":\"container\",\"Action\":\"start\",\"Actor\":{\"ID\":"
                              "\"../../etc\"}}",
                              &ev),
                     LD_ERR_NOT_FOUND);
    assert_int_equal(
        parse_rc("{\"Type\":\"container\",\"Action\":\"start\",\"Actor\":{\"ID\":7}}", &ev),
        LD_ERR_NOT_FOUND);
    /* old form: "status" and "id" */
    assert_int_equal(parse_rc("{\"Type\":\"container\",\"status\":\"die\",\"id\":\"" ID_A
                              "\",\"time\":1700000000}",
                              &ev),
                     0);
    assert_int_equal(ev.action, LD_RT_ENGINE_EV_DIE);
    assert_true(ev.time_nano == 1700000000ull * 1000000000ull);
    /* names with control characters, wrong types, too long: left empty */
    assert_int_equal(
        parse_rc("{\"Type\":\"container\",\"Action\":\"rename\",\"Actor\":{\"ID\":\"" ID_A
                 "\",\"Attributes\":{\"name\":\"evil\\u001b[2J\",\"image\":42}},\"timeNano\":-5}",
                 &ev),
        0);
    assert_int_equal(ev.action, LD_RT_ENGINE_EV_RENAME);
    assert_string_equal(ev.name, "");
    assert_string_equal(ev.image, "");
    assert_int_equal(ev.time_nano, 0);
    char *longname = ld_xmalloc(2000);
    int k = snprintf(longname, 2000,
                     "{\"Type\":\"container\",\"Action\":\"start\",\"Actor\":{\"ID\":\"" ID_A
                     "\",\"Attributes\":{\"name\":\"/");
    memset(longname + k, 'n', 600);
    snprintf(longname + k + 600, 2000 - (size_t)k - 600, "\"}}}");
    assert_int_equal(parse_rc(longname, &ev), 0);
    assert_string_equal(ev.name, "");
    free(longname);
    /* a leading '/' of the name goes */
    assert_int_equal(
        parse_rc("{\"Type\":\"container\",\"Action\":\"start\",\"Actor\":{\"ID\":\"" ID_A
                 "\",\"Attributes\":{\"name\":\"/web\"}}}",
                 &ev),
        0);
    assert_string_equal(ev.name, "web");
    /* duplicate keys are refused rather than guessed */
    assert_int_equal(parse_rc("{\"Type\":\"container\",\"Type\":\"container\"}", &ev),
                     LD_ERR_CORRUPT);
    /* deep nesting: refused by the budget, not by the stack */
    char *deep = ld_xmalloc(40010);
    memset(deep, '[', 20000);
    memset(deep + 20000, ']', 20000);
    deep[40000] = '\0';
    assert_int_not_equal(parse_rc(deep, &ev), 0);
    free(deep);
    /* a line over the bound */
    char *huge = ld_xcalloc(LD_RT_ENGINE_LINE_MAX + 2, 1);
    memset(huge, ' ', LD_RT_ENGINE_LINE_MAX + 1);
    ld_error err = LD_ERROR_INIT;
    assert_int_equal(ld_rt_engine_event_parse(huge, LD_RT_ENGINE_LINE_MAX + 1, &ev, &err),
                     LD_ERR_LIMIT);
    free(huge);
}

/* ---- inspect documents ---- */

static json_t *load_json(const char *path)
{
    json_error_t je;
    json_t *doc = json_load_file(path, 0, &je);
    if (!doc)
        fail_msg("%s: %s", path, je.text);
    return doc;
}

static void test_inspect_recorded(void **state)
{
    (void)state;
    json_t *doc = load_json(FIXTURES "inspect-host-ns.json");
    ld_rt_container ct;
    memset(&ct, 0, sizeof ct);
    snprintf(ct.id, sizeof ct.id, "%s", json_string_value(json_object_get(doc, "Id")));
    ct.runtime = ld_xstrdup("docker");
    ld_error err = LD_ERROR_INIT;
    assert_int_equal(ld_rt_container_from_inspect(&ct, doc, &err), 0);
    assert_true(ct.known);
    assert_string_equal(ct.name, "ldct-fx1b");
    assert_string_equal(ct.image, "lockdown-test/busybox:1");
    assert_non_null(ct.image_id);
    assert_int_equal(strncmp(ct.image_id, "sha256:", 7), 0);
    assert_string_equal(ct.runtime, "docker"); /* kept: it comes from the cgroup path */
    assert_true(ct.host_network);
    assert_true(ct.host_pid);
    assert_false(ct.host_ipc);
    assert_false(ct.privileged);
    assert_non_null(ct.upperdir);
    assert_int_equal(ct.upperdir[0], '/');
    assert_string_equal(ld_rt_container_label(&ct, "io.lockdown.egress"), "10.0.0.0/8:443,*:53");
    assert_null(ct.k8s_ns);
    ld_rt_container_choose_egress(&ct, NULL);
    assert_true(ct.has_egress);
    assert_int_equal(ct.n_egress, 2);
    json_decref(doc);

    /* the same container object takes another document: old strings freed */
    doc = load_json(FIXTURES "inspect-privileged.json");
    assert_int_equal(ld_rt_container_from_inspect(&ct, doc, &err), LD_ERR_CORRUPT); /* another id */
    snprintf(ct.id, sizeof ct.id, "%s", json_string_value(json_object_get(doc, "Id")));
    assert_int_equal(ld_rt_container_from_inspect(&ct, doc, &err), 0);
    assert_true(ct.privileged);
    assert_true(ct.host_ipc);
    assert_false(ct.host_network);
    assert_string_equal(ct.name, "ldct-fx2");
    assert_null(ld_rt_container_label(&ct, "io.lockdown.egress"));
    json_decref(doc);
    ld_rt_container_clear(&ct);
}

static void test_inspect_hostile(void **state)
{
    (void)state;
    ld_rt_container ct;
    memset(&ct, 0, sizeof ct);
    memcpy(ct.id, ID_A, 65);
    ld_error err = LD_ERROR_INIT;
    json_t *labels = json_object();
    for (int i = 0; i < 2000; i++) {
        char k[32];
        snprintf(k, sizeof k, "k%d", i);
        json_object_set_new(labels, k, json_string("v"));
    }
    json_object_set_new(labels, "", json_string("empty key"));
    json_t *doc = json_pack("{s:s, s:s, s:{s:o, s:i}, s:i, s:{s:s, s:s, s:b}, s:{s:{s:s}}}", "Id",
                            ID_A, "Name", "/", "Config", "Labels", labels, "Image", 5, "Image", 7,
                            "HostConfig", "NetworkMode", "container:" ID_A, "PidMode", "HOST",
                            "Privileged", 0, "GraphDriver", "Data", "UpperDir", "relative/diff");
    assert_non_null(doc);
    assert_int_equal(ld_rt_container_from_inspect(&ct, doc, &err), 0);
    assert_null(ct.name);     /* "/" alone */
    assert_null(ct.image);    /* not a string */
    assert_null(ct.image_id); /* not a string */
    assert_null(ct.upperdir); /* not absolute */
    assert_false(ct.host_network);
    assert_false(ct.host_pid); /* "HOST" is not "host" */
    assert_int_equal(ct.n_labels, LD_RT_MAX_LABELS);
    json_decref(doc);
    /* a label value with a NUL inside is skipped, not cut */
    doc = json_loads("{\"Id\":\"" ID_A "\",\"Config\":{\"Labels\":{\"io.lockdown.egress\":"
                     "\"10.0.0.0/8\\u0000,*\"}}}",
                     JSON_ALLOW_NUL, NULL);
    assert_non_null(doc);
    assert_int_equal(ld_rt_container_from_inspect(&ct, doc, &err), 0);
    assert_null(ld_rt_container_label(&ct, "io.lockdown.egress"));
    json_decref(doc);
    json_t *one = json_integer(1);
    assert_int_equal(ld_rt_container_from_inspect(&ct, one, &err), LD_ERR_CORRUPT);
    json_decref(one);
    ld_rt_container_clear(&ct);
}

/* ---- the reader thread against a stand-in engine ---- */

typedef struct {
    int listen_fd;
    char path[108];
    char requests[4][512];
    int n_requests;
    int script; /* 0: events then close, events and stay; 1: HTTP 500 */
    volatile int quit;
} fake_engine;

static void write_all(int fd, const char *s, size_t n)
{
    while (n) {
        ssize_t w = write(fd, s, n);
        if (w <= 0)
            return;
        s += w;
        n -= (size_t)w;
    }
}

static void chunk(int fd, const char *s)
{
    char hdr[32];
    int k = snprintf(hdr, sizeof hdr, "%zx\r\n", strlen(s));
    write_all(fd, hdr, (size_t)k);
    write_all(fd, s, strlen(s));
    write_all(fd, "\r\n", 2);
}

#define EV(action, t)                                                                              \
    "{\"Type\":\"container\",\"Action\":\"" action "\",\"Actor\":{\"ID\":\"" ID_A                  \
    "\",\"Attributes\":{\"name\":\"w\"}},\"timeNano\":" t "}\n"

static void *fake_main(void *arg)
{
    fake_engine *f = arg;
    for (int conn = 0; conn < 3 && !f->quit; conn++) {
        int fd = accept(f->listen_fd, NULL, NULL);
        if (fd < 0)
            break;
        char req[4096];
        size_t got = 0;
        while (got < sizeof req - 1 && !strstr(req, "\r\n\r\n")) {
            ssize_t r = read(fd, req + got, sizeof req - 1 - got);
            if (r <= 0)
                break;
            got += (size_t)r;
            req[got] = '\0';
        }
        char *eol = strstr(req, "\r\n");
        if (eol)
            *eol = '\0';
        size_t rl =
            strlen(req) < sizeof f->requests[0] - 1 ? strlen(req) : sizeof f->requests[0] - 1;
        memcpy(f->requests[f->n_requests], req, rl);
        f->requests[f->n_requests++][rl] = '\0';
        if (f->script == 1) {
            const char *body = "{\"message\":\"engine \\u001b exploded\"}";
            char resp[512];
            int k = snprintf(resp, sizeof resp,
                             "HTTP/1.1 500 Internal Server Error\r\nContent-Type: application/json"
                             "\r\nContent-Length: %zu\r\n\r\n%s",
                             strlen(body), body);
            write_all(fd, resp, (size_t)k);
            close(fd);
            continue;
        }
        const char *hdr = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                          "Transfer-Encoding: chunked\r\n\r\n";
        write_all(fd, hdr, strlen(hdr));
        if (conn == 0) {
            /* one event split over two chunks, then another; then the
             * engine "restarts" */
            const char *e1 = EV("start", "1700000000000000001");
            char a[256], b[256];
            memcpy(a, e1, 19);
            a[19] = '\0';
            snprintf(b, sizeof b, "%s", e1 + 19);
            chunk(fd, a);
            chunk(fd, b);
            chunk(fd, EV("rename", "1700000000000000002"));
            close(fd);
        } else {
            chunk(fd, EV("die", "1700000000000000003"));
            /* stays open and idle until the client closes */
            char x;
            while (!f->quit && read(fd, &x, 1) > 0) {
            }
            close(fd);
            break;
        }
    }
    return NULL;
}

static void fake_start(fake_engine *f, pthread_t *t)
{
    snprintf(f->path, sizeof f->path, "/tmp/ld-fake-engine-%d.sock", (int)getpid());
    unlink(f->path);
    f->listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    snprintf(sa.sun_path, sizeof sa.sun_path, "%s", f->path);
    if (bind(f->listen_fd, (struct sockaddr *)&sa, sizeof sa) < 0 || listen(f->listen_fd, 4) < 0)
        fail_msg("cannot listen on %s", f->path);
    pthread_create(t, NULL, fake_main, f);
}

typedef struct {
    int kinds[32];
    char texts[32][300];
    int n;
} records;

static int on_rec(ld_rt_stream_record kind, const char *text, size_t len, void *ctx)
{
    records *r = ctx;
    if (r->n < 32) {
        r->kinds[r->n] = (int)kind;
        snprintf(r->texts[r->n], sizeof r->texts[0], "%.*s", (int)len, text);
        r->n++;
    }
    return 0;
}

/* Reads records until want have come or 10 s passed. */
static void read_until(ld_rt_engine_stream *s, records *r, int want)
{
    for (int i = 0; i < 100 && r->n < want; i++) {
        struct pollfd pf = {.fd = ld_rt_engine_stream_fd(s), .events = POLLIN};
        poll(&pf, 1, 100);
        ld_rt_engine_stream_read(s, 0, on_rec, r);
    }
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void test_stream_reconnects(void **state)
{
    (void)state;
    fake_engine f = {0};
    pthread_t t;
    fake_start(&f, &t);
    char host[160];
    snprintf(host, sizeof host, "unix://%s", f.path);
    ld_error err = LD_ERROR_INIT;
    ld_rt_engine_stream *s = ld_rt_engine_stream_open(host, "1.41", "filters=x", 0, &err);
    if (!s)
        fail_msg("open: %s", err.msg);
    records r = {0};
    read_until(s, &r, 4); /* UP, two lines, LOST */
    assert_true(r.n >= 4);
    assert_int_equal(r.kinds[0], LD_RT_STREAM_UP);
    assert_int_equal(r.kinds[1], LD_RT_STREAM_LINE);
    assert_int_equal(r.kinds[2], LD_RT_STREAM_LINE);
    assert_int_equal(r.kinds[3], LD_RT_STREAM_LOST);
    ld_rt_engine_event ev;
    assert_int_equal(ld_rt_engine_event_parse(r.texts[1], strlen(r.texts[1]), &ev, &err), 0);
    assert_int_equal(ev.action, LD_RT_ENGINE_EV_START); /* whole again after the chunk split */
    assert_non_null(strstr(r.texts[3], "ended"));
    ld_rt_engine_stream_seen(s, 1700000000000000002ull);
    read_until(s, &r, 6); /* UP, the line after the reconnection */
    assert_int_equal(r.kinds[4], LD_RT_STREAM_UP);
    assert_int_equal(r.kinds[5], LD_RT_STREAM_LINE);
    assert_non_null(strstr(r.texts[5], "\"die\""));
    assert_int_equal(f.n_requests, 2);
    assert_non_null(strstr(f.requests[0], "GET /v1.41/events?filters=x HTTP/1.1"));
    assert_null(strstr(f.requests[0], "since="));
    assert_non_null(strstr(f.requests[1], "&since=1700000000.000000002 "));
    /* close wakes the thread at once although the connection is idle */
    double t0 = now_s();
    f.quit = 1;
    ld_rt_engine_stream_close(s);
    assert_true(now_s() - t0 < 0.9);
    pthread_join(t, NULL);
    close(f.listen_fd);
    unlink(f.path);
}

static void test_stream_errors(void **state)
{
    (void)state;
    fake_engine f = {.script = 1};
    pthread_t t;
    fake_start(&f, &t);
    char host[160];
    snprintf(host, sizeof host, "unix://%s", f.path);
    ld_error err = LD_ERROR_INIT;
    ld_rt_engine_stream *s = ld_rt_engine_stream_open(host, "1.41", "filters=x", 5, &err);
    assert_non_null(s);
    records r = {0};
    read_until(s, &r, 1);
    assert_int_equal(r.kinds[0], LD_RT_STREAM_LOST);
    assert_non_null(strstr(r.texts[0], "HTTP 500"));
    assert_non_null(strstr(r.texts[0], "exploded"));
    for (const char *p = r.texts[0]; *p; p++)
        assert_true((unsigned char)*p >= 0x20);
    assert_non_null(strstr(f.requests[0], "since=0.000000005"));
    f.quit = 1;
    shutdown(f.listen_fd, SHUT_RDWR);
    ld_rt_engine_stream_close(s);
    pthread_join(t, NULL);
    close(f.listen_fd);
    unlink(f.path);

    /* nothing listening: LOST with the reason, and retries (not an error) */
    s = ld_rt_engine_stream_open("unix:///nonexistent-ld/docker.sock", "1.41", "filters=x", 0,
                                 &err);
    assert_non_null(s);
    records r2 = {0};
    read_until(s, &r2, 2);
    assert_true(r2.n >= 2); /* a retry within the first backoff */
    assert_int_equal(r2.kinds[0], LD_RT_STREAM_LOST);
    ld_rt_engine_stream_close(s);
    /* hosts and arguments it cannot use */
    assert_null(ld_rt_engine_stream_open("ssh://host", "1.41", "filters=x", 0, &err));
    assert_null(ld_rt_engine_stream_open("unix://relative", "1.41", "filters=x", 0, &err));
    assert_null(ld_rt_engine_stream_open("tcp://a b", "1.41", "filters=x", 0, &err));
    assert_null(ld_rt_engine_stream_open("unix:///x", "1.41/../", "filters=x", 0, &err));
    assert_null(ld_rt_engine_stream_open("unix:///x", "1.41", "a b", 0, &err));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_recorded_stream), cmocka_unit_test(test_splitter_bounds),
        cmocka_unit_test(test_hostile_events),  cmocka_unit_test(test_inspect_recorded),
        cmocka_unit_test(test_inspect_hostile), cmocka_unit_test(test_stream_reconnects),
        cmocka_unit_test(test_stream_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
