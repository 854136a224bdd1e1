/* Unit tests for lockdown watch's JSON alerts and statistics
 * (src/runtime/sink_json.c): the ECS shape of sink.h read back with
 * jansson, the event category/type mapping, fields left out when unknown
 * (never null), hostile process and container names (control characters,
 * invalid UTF-8, quotes, direction marks) giving valid one-line JSON, long
 * values cut, and the statistics record. */
#include <arpa/inet.h>
#include <fcntl.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>

#include "runtime/process_table.h"
#include "test_sink_util.h"

/* The alert's JSON, checked to be one line of valid JSON, parsed. */
static json_t *alert_doc(const sample_alert *s, char **raw_out)
{
    char *raw = ld_rt_alert_json(&s->alert);
    assert_non_null(raw);
    for (const unsigned char *p = (const unsigned char *)raw; *p; p++)
        assert_true(*p >= 0x20); /* one line, no raw control character */
    json_error_t jerr;
    json_t *doc = json_loads(raw, JSON_REJECT_DUPLICATES, &jerr);
    if (!doc)
        fail_msg("invalid JSON (%s): %s", jerr.text, raw);
    assert_null(strstr(raw, ":null")); /* unknown fields are left out */
    if (raw_out)
        *raw_out = raw;
    else
        free(raw);
    return doc;
}

/* The string at a dotted path ("process.parent.pid" style, object keys only). */
static json_t *at(json_t *doc, const char *path)
{
    char buf[256];
    snprintf(buf, sizeof buf, "%s", path);
    json_t *cur = doc;
    for (char *save = NULL, *k = strtok_r(buf, ".", &save); k; k = strtok_r(NULL, ".", &save)) {
        if (!json_is_object(cur))
            return NULL;
        cur = json_object_get(cur, k);
    }
    return cur;
}

static const char *str_at(json_t *doc, const char *path)
{
    json_t *v = at(doc, path);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

static void assert_str_at(json_t *doc, const char *path, const char *want)
{
    const char *got = str_at(doc, path);
    if (!got || strcmp(got, want) != 0)
        fail_msg("%s: want \"%s\", got %s%s%s", path, want, got ? "\"" : "", got ? got : "(absent)",
                 got ? "\"" : "");
}

static void assert_int_at(json_t *doc, const char *path, long long want)
{
    json_t *v = at(doc, path);
    if (!json_is_integer(v) || json_integer_value(v) != want)
        fail_msg("%s: want %lld", path, want);
}

/* ["a","b"] at path equals the given strings, in order. */
static void assert_strs_at(json_t *doc, const char *path, const char *a, const char *b)
{
    json_t *v = at(doc, path);
    assert_true(json_is_array(v));
    assert_int_equal(json_array_size(v), b ? 2 : 1);
    assert_string_equal(json_string_value(json_array_get(v, 0)), a);
    if (b)
        assert_string_equal(json_string_value(json_array_get(v, 1)), b);
}

static void exec_alert_has_the_ecs_shape(void **state)
{
    (void)state;
    sample_alert s;
    sample_init(&s);
    json_t *d = alert_doc(&s, NULL);
    assert_str_at(d, "@timestamp", "2025-12-04T10:00:00.123456Z");
    assert_str_at(d, "event.kind", "alert");
    assert_strs_at(d, "event.category", "process", NULL);
    assert_strs_at(d, "event.type", "start", NULL);
    assert_str_at(d, "event.action", "execve");
    assert_str_at(d, "event.outcome", "success");
    assert_int_at(d, "event.severity", 4);
    assert_str_at(d, "event.module", "lockdown");
    assert_str_at(d, "event.dataset", "lockdown.runtime");
    assert_str_at(d, "rule.name", "Shell spawned in container");
    assert_str_at(d, "rule.description", "A shell was run inside a container");
    assert_str_at(d, "rule.ruleset", "default");
    assert_str_at(d, "message", s.message);
    assert_str_at(d, "log.level", "warning");
    json_t *tags = at(d, "tags");
    assert_int_equal(json_array_size(tags), 3);
    assert_string_equal(json_string_value(json_array_get(tags, 2)), "NIST-CTR-01-A");
    assert_int_at(d, "process.pid", 4242);
    assert_str_at(d, "process.name", "sh");
    assert_str_at(d, "process.executable", "/bin/busybox");
    assert_str_at(d, "process.command_line", "sh -c id");
    assert_int_at(d, "process.parent.pid", 4200);
    assert_str_at(d, "process.user.id", "1000"); /* ECS: a keyword */
    assert_str_at(d, "user.id", "1000");
    assert_str_at(d, "container.id", s.ct.id);
    assert_str_at(d, "container.name", "web-1");
    assert_str_at(d, "container.image.name", "lockdown-test/busybox");
    assert_str_at(d, "container.image.tag", "1");
    assert_str_at(d, "container.runtime", "docker");
    assert_true(json_is_false(at(d, "container.security_context.privileged")));
    assert_str_at(d, "host.hostname", "node-a");
    assert_str_at(d, "lockdown.control", "NIST-CTR-01-A");
    assert_str_at(d, "lockdown.priority", "Warning");
    assert_str_at(d, "lockdown.evt.type", "execve");
    assert_str_at(d, "lockdown.evt.syscall", "execve");
    assert_str_at(d, "lockdown.evt.res", "SUCCESS");
    /* an exec has no file or network part */
    assert_null(at(d, "file"));
    assert_null(at(d, "destination"));
    assert_null(at(d, "orchestrator"));
    json_decref(d);
}

static void timestamp_is_utc_with_microseconds(void **state)
{
    (void)state;
    sample_alert s;
    sample_init(&s);
    s.evt.ts_ns = 951782400000001000ull; /* a leap day, 1 microsecond past midnight */
    json_t *d = alert_doc(&s, NULL);
    assert_str_at(d, "@timestamp", "2000-02-29T00:00:00.000001Z");
    json_decref(d);
    /* no time from the source: now, in the same shape */
    s.evt.ts_ns = 0;
    d = alert_doc(&s, NULL);
    const char *ts = str_at(d, "@timestamp");
    assert_non_null(ts);
    assert_int_equal(strlen(ts), 27);
    assert_int_equal(ts[19], '.');
    assert_int_equal(ts[26], 'Z');
    assert_true(strncmp(ts, "20", 2) == 0);
    json_decref(d);
}

static void opens_map_to_file_creation_change_access(void **state)
{
    (void)state;
    struct {
        uint32_t flags;
        const char *t1, *t2;
    } cases[] = {
        {O_RDONLY, "access", NULL},
        {O_WRONLY, "change", NULL},
        {O_RDWR, "change", NULL},
        {O_RDONLY | O_TRUNC, "change", NULL},
        {O_WRONLY | O_CREAT, "creation", "change"},
        {O_RDONLY | O_CREAT, "creation", NULL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        sample_alert s;
        sample_init(&s);
        s.evt.type = LD_EVT_OPENAT;
        snprintf(s.evt.syscall, sizeof s.evt.syscall, "openat");
        s.evt.open_flags = cases[i].flags;
        snprintf(s.evt.path, sizeof s.evt.path, "/etc/passwd");
        json_t *d = alert_doc(&s, NULL);
        assert_strs_at(d, "event.category", "file", NULL);
        assert_strs_at(d, "event.type", cases[i].t1, cases[i].t2);
        assert_str_at(d, "event.action", "openat");
        assert_str_at(d, "file.path", "/etc/passwd");
        assert_str_at(d, "file.directory", "/etc");
        assert_str_at(d, "file.name", "passwd");
        json_decref(d);
    }
    /* a file right below / */
    sample_alert s;
    sample_init(&s);
    s.evt.type = LD_EVT_OPENAT2;
    s.evt.open_flags = O_WRONLY;
    snprintf(s.evt.path, sizeof s.evt.path, "/x");
    json_t *d = alert_doc(&s, NULL);
    assert_str_at(d, "file.directory", "/");
    assert_str_at(d, "file.name", "x");
    json_decref(d);
}

static void connections_fill_source_and_destination(void **state)
{
    (void)state;
    sample_alert s;
    sample_init(&s);
    s.evt.type = LD_EVT_CONNECT;
    snprintf(s.evt.syscall, sizeof s.evt.syscall, "connect");
    s.evt.sock.family = AF_INET;
    s.evt.sock.port = 443;
    inet_pton(AF_INET, "10.1.2.3", s.evt.sock.addr);
    json_t *d = alert_doc(&s, NULL);
    assert_strs_at(d, "event.category", "network", NULL);
    assert_strs_at(d, "event.type", "connection", "start");
    assert_str_at(d, "destination.ip", "10.1.2.3");
    assert_str_at(d, "destination.address", "10.1.2.3");
    assert_int_at(d, "destination.port", 443);
    assert_str_at(d, "network.type", "ipv4");
    assert_str_at(d, "network.direction", "egress");
    assert_null(at(d, "source")); /* the local side is unknown here */
    json_decref(d);

    s.evt.sock.family = AF_INET6;
    s.evt.sock.port = 53;
    inet_pton(AF_INET6, "2001:db8::1", s.evt.sock.addr);
    d = alert_doc(&s, NULL);
    assert_str_at(d, "destination.ip", "2001:db8::1");
    assert_str_at(d, "network.type", "ipv6");
    json_decref(d);

    /* the Docker socket: a unix path is the address, there is no ip */
    memset(&s.evt.sock, 0, sizeof s.evt.sock);
    s.evt.sock.family = AF_UNIX;
    snprintf(s.evt.sock.unix_path, sizeof s.evt.sock.unix_path, "/var/run/docker.sock");
    d = alert_doc(&s, NULL);
    assert_str_at(d, "destination.address", "/var/run/docker.sock");
    assert_null(at(d, "destination.ip"));
    assert_null(at(d, "destination.port"));
    json_decref(d);

    /* accept: the remote side is the source */
    sample_init(&s);
    s.evt.type = LD_EVT_ACCEPT;
    s.evt.sock.family = AF_INET;
    s.evt.sock.port = 40000;
    inet_pton(AF_INET, "192.0.2.7", s.evt.sock.addr);
    s.evt.sock_local.family = AF_INET;
    s.evt.sock_local.port = 8080;
    inet_pton(AF_INET, "172.17.0.2", s.evt.sock_local.addr);
    d = alert_doc(&s, NULL);
    assert_str_at(d, "source.ip", "192.0.2.7");
    assert_str_at(d, "destination.ip", "172.17.0.2");
    assert_int_at(d, "destination.port", 8080);
    assert_str_at(d, "network.direction", "ingress");
    json_decref(d);
}

static void other_event_types_have_categories(void **state)
{
    (void)state;
    struct {
        ld_rt_evtype t;
        const char *cat, *type;
    } cases[] = {
        {LD_EVT_PTRACE, "process", "access"},      {LD_EVT_SETUID, "process", "change"},
        {LD_EVT_MOUNT, "configuration", "change"}, {LD_EVT_INIT_MODULE, "driver", "start"},
        {LD_EVT_MEMFD_CREATE, "file", "creation"}, {LD_EVT_UNSHARE, "process", "change"},
        {LD_EVT_PROCEXIT, "process", "end"},       {LD_EVT_BIND, "network", "info"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        sample_alert s;
        sample_init(&s);
        s.evt.type = cases[i].t;
        s.evt.syscall[0] = '\0';
        json_t *d = alert_doc(&s, NULL);
        assert_strs_at(d, "event.category", cases[i].cat, NULL);
        assert_strs_at(d, "event.type", cases[i].type, NULL);
        /* no syscall name: the action is evt.type */
        assert_str_at(d, "event.action", ld_rt_evtype_name(cases[i].t));
        json_decref(d);
    }
    sample_alert s;
    sample_init(&s);
    s.evt.type = LD_EVT_MOUNT;
    snprintf(s.evt.fstype, sizeof s.evt.fstype, "tmpfs");
    snprintf(s.evt.source_path, sizeof s.evt.source_path, "none");
    snprintf(s.evt.path, sizeof s.evt.path, "/mnt");
    s.evt.ret = -1; /* EPERM */
    json_t *d = alert_doc(&s, NULL);
    assert_str_at(d, "lockdown.mount.fstype", "tmpfs");
    assert_str_at(d, "lockdown.mount.target", "/mnt");
    assert_str_at(d, "lockdown.evt.res", "EPERM");
    assert_int_at(d, "lockdown.evt.rawres", -1);
    assert_str_at(d, "event.outcome", "failure");
    json_decref(d);

    sample_init(&s);
    s.evt.type = LD_EVT_PTRACE;
    s.evt.target_pid = 77;
    s.evt.request = 16; /* PTRACE_ATTACH */
    d = alert_doc(&s, NULL);
    assert_int_at(d, "lockdown.target.pid", 77);
    assert_int_at(d, "lockdown.request", 16);
    json_decref(d);
}

static void unknown_fields_are_left_out(void **state)
{
    (void)state;
    sample_alert s;
    sample_init(&s);
    /* a host process: container.id "host" and nothing else about a container */
    ld_rt_container host;
    memset(&host, 0, sizeof host);
    snprintf(host.id, sizeof host.id, "host");
    host.name = (char *)"host"; /* as the container table names it */
    host.runtime = (char *)"none";
    s.ctx.container = &host;
    s.evt.exepath[0] = '\0';
    s.evt.cmdline[0] = '\0';
    s.evt.ppid = 0;
    s.rule.control = NULL;
    s.rule.desc = NULL;
    s.rule.tags = NULL;
    s.alert.hostname = NULL;
    char *raw = NULL;
    json_t *d = alert_doc(&s, &raw);
    assert_str_at(d, "container.id", "host");
    assert_int_equal(json_object_size(at(d, "container")), 1);
    assert_null(at(d, "process.executable"));
    assert_null(at(d, "process.command_line"));
    assert_null(at(d, "process.parent"));
    assert_null(at(d, "lockdown.control"));
    assert_null(at(d, "rule.description"));
    assert_null(at(d, "tags"));
    assert_null(at(d, "host"));
    assert_null(strstr(raw, "\"\"")); /* no empty string stands for "unknown" */
    free(raw);
    json_decref(d);
}

static void container_events_carry_the_security_settings(void **state)
{
    (void)state;
    sample_alert s;
    sample_init(&s);
    s.evt.type = LD_EVT_CONTAINER;
    s.evt.source = LD_RT_SRC_ENGINE;
    s.evt.syscall[0] = '\0';
    s.evt.pid = 0;
    s.evt.container_privileged = true;
    s.evt.container_host_network = true;
    s.ct.privileged = false; /* the event's view wins for the event it describes */
    s.ct.k8s_ns = (char *)"prod";
    s.ct.k8s_pod = (char *)"api-7d9";
    json_t *d = alert_doc(&s, NULL);
    assert_str_at(d, "lockdown.evt.type", "container");
    assert_true(json_is_true(at(d, "container.security_context.privileged")));
    assert_true(json_is_true(at(d, "lockdown.container.host_network")));
    assert_true(json_is_false(at(d, "lockdown.container.host_pid")));
    assert_null(at(d, "process"));
    assert_null(at(d, "user"));
    assert_null(at(d, "event.outcome"));
    assert_str_at(d, "orchestrator.namespace", "prod");
    assert_str_at(d, "orchestrator.resource.name", "api-7d9");
    assert_str_at(d, "orchestrator.resource.type", "pod");
    json_decref(d);
}

static void image_references_split_into_name_and_tag(void **state)
{
    (void)state;
    struct {
        const char *image, *name, *tag;
    } cases[] = {
        {"busybox", "busybox", NULL},
        {"busybox:1.36", "busybox", "1.36"},
        {"localhost:5000/app", "localhost:5000/app", NULL},
        {"registry:5000/ns/app:1.2@sha256:abc", "registry:5000/ns/app", "1.2"},
        {"app@sha256:abc", "app", NULL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        sample_alert s;
        sample_init(&s);
        s.ct.image = (char *)cases[i].image;
        json_t *d = alert_doc(&s, NULL);
        assert_str_at(d, "container.image.name", cases[i].name);
        if (cases[i].tag)
            assert_str_at(d, "container.image.tag", cases[i].tag);
        else
            assert_null(at(d, "container.image.tag"));
        json_t *all = at(d, "container.image.hash.all");
        assert_string_equal(json_string_value(json_array_get(all, 0)), "sha256:aaaa");
        json_decref(d);
    }
}

static void hostile_names_give_valid_json(void **state)
{
    (void)state;
    sample_alert s;
    sample_init(&s);
    /* a process name with an escape sequence, a newline, a quote, a
     * backslash and invalid UTF-8; a container name with a direction
     * override; a command line with NUL-free C1 and DEL */
    snprintf(s.evt.comm, sizeof s.evt.comm, "a\x1b[31m\"\\\n\xff");
    s.ct.name = (char *)"evil\xe2\x80\xaename";
    snprintf(s.evt.cmdline, sizeof s.evt.cmdline, "x\x7fy\xc2\x9bz \xed\xa0\x80 ok");
    char *raw = NULL;
    json_t *d = alert_doc(&s, &raw);
    assert_str_at(d, "process.name", "a\x1b[31m\"\\\n\xef\xbf\xbd");
    /* U+202E is kept in the value but never raw in the line */
    assert_str_at(d, "container.name", "evil\xe2\x80\xaename");
    assert_null(strstr(raw, "\xe2\x80\xae"));
    assert_non_null(strstr(raw, "\\u202e"));
    /* DEL and the C1 CSI escaped; a surrogate encoding is invalid UTF-8 */
    assert_non_null(strstr(raw, "\\u007f"));
    assert_non_null(strstr(raw, "\\u009b"));
    assert_str_at(d, "process.command_line",
                  "x\x7fy\xc2\x9bz \xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd ok");
    free(raw);
    json_decref(d);
}

/* A password or token on a command line is masked in the alert (its own
 * command line and its parent's), as everywhere lockdown shows text. */
static void secrets_in_command_lines_are_masked(void **state)
{
    (void)state;
    sample_alert s;
    sample_init(&s);
    snprintf(s.evt.cmdline, sizeof s.evt.cmdline,
             "mysqladmin --password=Zq8vLk2pWx9mRt4n status AKIAZQ7P3L5N2XK4M6TB");
    char *raw = NULL;
    json_t *d = alert_doc(&s, &raw);
    assert_null(strstr(raw, "Zq8vLk2pWx9mRt4n"));
    assert_null(strstr(raw, "AKIAZQ7P3L5N2XK4M6TB"));
    json_t *cl = json_object_get(json_object_get(d, "process"), "command_line");
    assert_non_null(strstr(json_string_value(cl), "mysqladmin --password="));
    assert_non_null(strstr(json_string_value(cl), " status "));
    free(raw);
    json_decref(d);
}

static void long_values_are_cut_not_the_document(void **state)
{
    (void)state;
    sample_alert s;
    sample_init(&s);
    size_t n = 100000;
    char *big = malloc(n + 1);
    assert_non_null(big);
    for (size_t i = 0; i < n; i++)
        big[i] = (i % 7 == 0) ? '\x01' : 'm'; /* 6 bytes escaped each seventh */
    big[n] = '\0';
    s.alert.message = big;
    char *raw = NULL;
    json_t *d = alert_doc(&s, &raw);
    const char *msg = str_at(d, "message");
    assert_non_null(msg);
    assert_true(strlen(msg) > 1000);
    assert_true(strlen(raw) < 40000);
    assert_str_at(d, "rule.name", "Shell spawned in container"); /* what follows is intact */
    free(raw);
    free(big);
    json_decref(d);
}

static void process_table_gives_parent_and_user_names(void **state)
{
    (void)state;
    ld_rt_proc_table *t = ld_rt_proc_table_new("/proc", 0);
    assert_non_null(t);
    sample_alert s;
    sample_init(&s);
    s.ctx.procs = t;
    s.evt.uid = 0;
    s.evt.ppid = (int32_t)getpid(); /* this test is the parent: a real /proc entry */
    char comm[64] = "";
    FILE *f = fopen("/proc/self/comm", "re");
    assert_non_null(f);
    assert_non_null(fgets(comm, sizeof comm, f));
    fclose(f);
    comm[strcspn(comm, "\n")] = '\0';
    json_t *d = alert_doc(&s, NULL);
    assert_str_at(d, "process.parent.name", comm);
    assert_str_at(d, "user.name", "root"); /* uid 0 in the host's passwd */
    assert_str_at(d, "process.user.name", "root");
    json_decref(d);
    /* a host process: the host's passwd (uid 65534 is nobody on Debian) */
    ld_rt_container host;
    memset(&host, 0, sizeof host);
    snprintf(host.id, sizeof host.id, "host");
    s.ctx.container = &host;
    s.evt.uid = 65534;
    d = alert_doc(&s, NULL);
    assert_str_at(d, "user.name", "nobody");
    assert_str_at(d, "user.id", "65534");
    json_decref(d);
    ld_rt_proc_table_free(t);
}

static void stats_record(void **state)
{
    (void)state;
    const char *names[] = {"Shell spawned in container", "Rule \"quoted\"", "Never fired"};
    uint64_t counts[] = {3, 1, 0};
    ld_rt_watch_stats st = {.events = 1000,
                            .emitted = 4,
                            .dropped = 7,
                            .lost = 1,
                            .sink_errors = 2,
                            .uptime_s = 12.5,
                            .source = "ebpf",
                            .coverage = "full",
                            .rule_names = names,
                            .rule_counts = counts,
                            .n_rules = 3,
                            .final = true};
    char *raw = ld_rt_stats_json(&st, "node-a");
    json_error_t jerr;
    json_t *d = json_loads(raw, JSON_REJECT_DUPLICATES, &jerr);
    if (!d)
        fail_msg("invalid JSON (%s): %s", jerr.text, raw);
    assert_null(strchr(raw, '\n'));
    assert_str_at(d, "event.kind", "metric");
    assert_str_at(d, "event.dataset", "lockdown.watch.stats");
    assert_str_at(d, "host.hostname", "node-a");
    assert_int_at(d, "lockdown.stats.events", 1000);
    assert_int_at(d, "lockdown.stats.emitted", 4);
    assert_int_at(d, "lockdown.stats.dropped", 7);
    assert_int_at(d, "lockdown.stats.lost", 1);
    assert_int_at(d, "lockdown.stats.sink_errors", 2);
    assert_str_at(d, "lockdown.stats.source", "ebpf");
    assert_str_at(d, "lockdown.stats.coverage", "full");
    assert_true(json_is_true(at(d, "lockdown.stats.final")));
    json_t *fired = at(d, "lockdown.stats.rules_fired");
    assert_int_equal(json_object_size(fired), 2); /* a rule that never fired is not listed */
    assert_int_equal(json_integer_value(json_object_get(fired, "Rule \"quoted\"")), 1);
    assert_int_equal(json_integer_value(json_object_get(fired, "Shell spawned in container")), 3);
    json_t *up = at(d, "lockdown.stats.uptime_s");
    assert_true(json_is_number(up) && fabs(json_number_value(up) - 12.5) < 1e-9);
    assert_non_null(strstr(str_at(d, "message"), "7 dropped"));
    json_decref(d);
    free(raw);

    /* nonsense uptime still gives valid JSON */
    st.uptime_s = NAN;
    st.n_rules = 0;
    st.source = NULL;
    raw = ld_rt_stats_json(&st, NULL);
    d = json_loads(raw, 0, &jerr);
    if (!d)
        fail_msg("invalid JSON (%s): %s", jerr.text, raw);
    assert_null(at(d, "lockdown.stats.source"));
    json_decref(d);
    free(raw);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(exec_alert_has_the_ecs_shape),
        cmocka_unit_test(timestamp_is_utc_with_microseconds),
        cmocka_unit_test(opens_map_to_file_creation_change_access),
        cmocka_unit_test(connections_fill_source_and_destination),
        cmocka_unit_test(other_event_types_have_categories),
        cmocka_unit_test(unknown_fields_are_left_out),
        cmocka_unit_test(container_events_carry_the_security_settings),
        cmocka_unit_test(image_references_split_into_name_and_tag),
        cmocka_unit_test(hostile_names_give_valid_json),
        cmocka_unit_test(secrets_in_command_lines_are_masked),
        cmocka_unit_test(long_values_are_cut_not_the_document),
        cmocka_unit_test(process_table_gives_parent_and_user_names),
        cmocka_unit_test(stats_record),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
