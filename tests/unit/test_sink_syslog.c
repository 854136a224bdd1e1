/* Unit tests for lockdown watch's RFC 5424 lines (src/runtime/sink_syslog.c).
 * Each line is read back by a checker written here from the RFC's ABNF
 * (section 6): PRI (facility * 8 + severity, 1-3 digits, no leading zero),
 * VERSION 1, TIMESTAMP (full-date "T" full-time with at most 6 fraction
 * digits and Z here), HOSTNAME / APP-NAME / PROCID / MSGID (PRINTUSASCII,
 * at most 255 / 48 / 128 / 32), STRUCTURED-DATA (SD-ID and PARAM-NAME at
 * most 32 characters without '=', SP, ']', '"'; PARAM-VALUE with '"', '\'
 * and ']' escaped, 6.3.3), then SP MSG. Values are compared after the
 * checker unescapes them, so escaping and its reading agree. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>

#include "runtime/sink_internal.h"
#include "test_sink_util.h"
#include "util/utf8.h"

#define MAX_PARAMS 32

typedef struct {
    int pri;
    char timestamp[64];
    char hostname[300], app[64], procid[160], msgid[48];
    char sd_id[40];
    int n_params;
    char names[MAX_PARAMS][40];
    char values[MAX_PARAMS][2048];
    const char *msg; /* into the line; NULL when there is none */
} syslog_line;

static bool printusascii(char c)
{
    return c >= 33 && c <= 126;
}

/* A header field: 1..max PRINTUSASCII up to SP. */
static const char *header_token(const char *p, char *out, size_t max, const char *what)
{
    size_t n = 0;
    while (*p && *p != ' ') {
        if (!printusascii(*p))
            fail_msg("%s: byte 0x%02x is not PRINTUSASCII", what, (unsigned char)*p);
        if (n >= max)
            fail_msg("%s: longer than %zu", what, max);
        out[n++] = *p++;
    }
    out[n] = '\0';
    if (n == 0)
        fail_msg("%s: empty", what);
    if (*p != ' ')
        fail_msg("%s: no SP after it", what);
    return p + 1;
}

static bool all_digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return false;
    return true;
}

static void check_timestamp(const char *ts)
{
    /* 2025-12-04T10:00:00.123456Z */
    size_t n = strlen(ts);
    if (n != 27 || ts[4] != '-' || ts[7] != '-' || ts[10] != 'T' || ts[13] != ':' ||
        ts[16] != ':' || ts[19] != '.' || ts[26] != 'Z' || !all_digits(ts, 4) ||
        !all_digits(ts + 5, 2) || !all_digits(ts + 8, 2) || !all_digits(ts + 11, 2) ||
        !all_digits(ts + 14, 2) || !all_digits(ts + 17, 2) || !all_digits(ts + 20, 6))
        fail_msg("TIMESTAMP \"%s\" is not YYYY-MM-DDThh:mm:ss.ssssssZ", ts);
}

/* SD-NAME: 1*32 PRINTUSASCII except '=', SP, ']', '"'. */
static const char *sd_name(const char *p, char *out, const char *what)
{
    size_t n = 0;
    while (printusascii(*p) && *p != '=' && *p != ']' && *p != '"') {
        if (n >= 32)
            fail_msg("%s longer than 32", what);
        out[n++] = *p++;
    }
    out[n] = '\0';
    if (n == 0)
        fail_msg("%s empty at \"%.20s\"", what, p);
    return p;
}

static void parse_line(const char *line, syslog_line *out)
{
    memset(out, 0, sizeof *out);
    if (strchr(line, '\n') || strchr(line, '\r'))
        fail_msg("a line break inside the message: %s", line);
    const char *p = line;
    if (*p++ != '<')
        fail_msg("no '<' PRI: %s", line);
    size_t nd = 0;
    int pri = 0;
    while (*p >= '0' && *p <= '9') {
        pri = pri * 10 + (*p - '0');
        nd++;
        p++;
    }
    if (nd < 1 || nd > 3 || (nd > 1 && line[1] == '0') || pri > 191 || *p++ != '>')
        fail_msg("bad PRI: %s", line);
    out->pri = pri;
    if (p[0] != '1' || p[1] != ' ')
        fail_msg("VERSION is not 1: %s", line);
    p += 2;
    p = header_token(p, out->timestamp, sizeof out->timestamp - 1, "TIMESTAMP");
    check_timestamp(out->timestamp);
    p = header_token(p, out->hostname, 255, "HOSTNAME");
    p = header_token(p, out->app, 48, "APP-NAME");
    p = header_token(p, out->procid, 128, "PROCID");
    p = header_token(p, out->msgid, 32, "MSGID");
    if (*p == '-') {
        p++;
    } else {
        if (*p++ != '[')
            fail_msg("STRUCTURED-DATA does not start with '[': %s", p - 1);
        p = sd_name(p, out->sd_id, "SD-ID");
        while (*p == ' ') {
            p++;
            int i = out->n_params++;
            assert_true(i < MAX_PARAMS);
            p = sd_name(p, out->names[i], "PARAM-NAME");
            if (p[0] != '=' || p[1] != '"')
                fail_msg("PARAM %s: no =\"", out->names[i]);
            p += 2;
            size_t n = 0;
            for (;;) {
                if (!*p)
                    fail_msg("PARAM %s: value not closed", out->names[i]);
                if (*p == '"')
                    break;
                if (*p == ']')
                    fail_msg("PARAM %s: unescaped ']'", out->names[i]);
                char c = *p;
                if (c == '\\' && (p[1] == '"' || p[1] == '\\' || p[1] == ']')) {
                    c = p[1];
                    p++;
                }
                assert_true(n + 1 < sizeof out->values[i]);
                out->values[i][n++] = c;
                p++;
            }
            out->values[i][n] = '\0';
            p++;
            /* PARAM-VALUE is UTF-8 */
            size_t j = 0;
            while (j < n) {
                uint32_t cp;
                size_t l = ld_utf8_decode((const unsigned char *)out->values[i] + j, n - j, &cp);
                if (l == 0)
                    fail_msg("PARAM %s: invalid UTF-8", out->names[i]);
                j += l;
            }
        }
        if (*p++ != ']')
            fail_msg("SD-ELEMENT not closed by ']': %s", p - 1);
    }
    if (*p == ' ')
        out->msg = p + 1;
    else if (*p)
        fail_msg("no SP before MSG: %s", p);
}

static const char *param(const syslog_line *l, const char *name)
{
    for (int i = 0; i < l->n_params; i++)
        if (strcmp(l->names[i], name) == 0)
            return l->values[i];
    return NULL;
}

static void assert_param(const syslog_line *l, const char *name, const char *want)
{
    const char *got = param(l, name);
    if (!got || strcmp(got, want) != 0)
        fail_msg("param %s: want \"%s\", got \"%s\"", name, want, got ? got : "(absent)");
}

static void assert_valid_utf8_no_controls(const char *s)
{
    size_t n = strlen(s), i = 0;
    while (i < n) {
        uint32_t cp;
        size_t l = ld_utf8_decode((const unsigned char *)s + i, n - i, &cp);
        if (l == 0)
            fail_msg("invalid UTF-8 at byte %zu", i);
        if (cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp < 0xa0))
            fail_msg("control character U+%04x at byte %zu", (unsigned)cp, i);
        i += l;
    }
}

static void alert_line_follows_rfc5424(void **state)
{
    (void)state;
    sample_alert s;
    sample_init(&s);
    char *line = ld_rt_alert_syslog(&s.alert, NULL, 0);
    syslog_line l;
    parse_line(line, &l);
    assert_int_equal(l.pri, 1 * 8 + 4); /* user.warning */
    assert_string_equal(l.timestamp, "2025-12-04T10:00:00.123456Z");
    assert_string_equal(l.hostname, "node-a");
    assert_string_equal(l.app, "lockdown");
    char pid[32];
    snprintf(pid, sizeof pid, "%ld", (long)getpid());
    assert_string_equal(l.procid, pid);
    assert_string_equal(l.msgid, "Shell_spawned_in_container");
    assert_string_equal(l.sd_id, "lockdown@32473");
    assert_param(&l, "rule", "Shell spawned in container");
    assert_param(&l, "priority", "Warning");
    assert_param(&l, "control", "NIST-CTR-01-A");
    assert_param(&l, "container.id", s.ct.id);
    assert_param(&l, "container.name", "web-1");
    assert_param(&l, "container.image", "lockdown-test/busybox:1");
    assert_param(&l, "proc.name", "sh");
    assert_param(&l, "proc.pid", "4242");
    assert_null(param(&l, "user.name")); /* no process table: unknown, left out */
    assert_non_null(l.msg);
    assert_string_equal(l.msg, s.message);
    assert_false(l.msg[0] == '\xef'); /* no BOM */
    free(line);

    /* a host process: container.id "host" and no other container.* */
    ld_rt_container host;
    memset(&host, 0, sizeof host);
    snprintf(host.id, sizeof host.id, "host");
    host.name = (char *)"host";
    s.ctx.container = &host;
    line = ld_rt_alert_syslog(&s.alert, NULL, 0);
    parse_line(line, &l);
    assert_param(&l, "container.id", "host");
    assert_null(param(&l, "container.name"));
    free(line);
}

static void severity_is_the_rule_priority_and_facility_is_kept(void **state)
{
    (void)state;
    struct {
        ld_rt_priority prio;
        int facility, pri;
    } cases[] = {
        {LD_RT_PRIO_CRITICAL, 16, 16 * 8 + 2}, /* local0.crit */
        {LD_RT_PRIO_EMERGENCY, 23, 23 * 8},    /* local7.emerg */
        {LD_RT_PRIO_DEBUG, 4, 4 * 8 + 7},      /* auth.debug */
        {LD_RT_PRIO_NOTICE, 0, 1 * 8 + 5},     /* kern is not ours: user */
        {LD_RT_PRIO_ERROR, -3, 1 * 8 + 3},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        sample_alert s;
        sample_init(&s);
        s.rule.priority = cases[i].prio;
        char *line = ld_rt_alert_syslog(&s.alert, "ld-test", cases[i].facility);
        syslog_line l;
        parse_line(line, &l);
        assert_int_equal(l.pri, cases[i].pri);
        assert_string_equal(l.app, "ld-test");
        assert_param(&l, "priority", ld_rt_priority_name(cases[i].prio));
        free(line);
    }
}

static void msgid_is_the_rule_name_squeezed(void **state)
{
    (void)state;
    struct {
        const char *name, *msgid;
    } cases[] = {
        {"Shell spawned in container", "Shell_spawned_in_container"},
        /* 41 characters: cut at 32, no '_' left dangling */
        {"Write below system directory in container", "Write_below_system_directory_in"},
        {"R\xc3\xa8gle\t\x01x", "R_gle_x"},
        {"  lead and trail  ", "lead_and_trail"},
        {"", "-"},
        {"\xe2\x80\xae\x1b", "-"},
        {"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"},
        {"a=b]c\"d", "a=b]c\"d"}, /* MSGID may hold these: only SP and non-ASCII go */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char out[33];
        ld_rt_syslog_msgid(cases[i].name, out);
        assert_string_equal(out, cases[i].msgid);
        sample_alert s;
        sample_init(&s);
        s.rule.name = cases[i].name;
        char *line = ld_rt_alert_syslog(&s.alert, NULL, 1);
        syslog_line l;
        parse_line(line, &l);
        assert_string_equal(l.msgid, cases[i].msgid);
        if (cases[i].name[0] && strchr(cases[i].name, '\x1b') == NULL &&
            strchr(cases[i].name, '\x01') == NULL)
            assert_param(&l, "rule", cases[i].name); /* the whole name is in SD */
        free(line);
    }
}

static void sd_values_are_escaped(void **state)
{
    (void)state;
    sample_alert s;
    sample_init(&s);
    s.ct.name = (char *)"a\"b\\c]d";
    s.ct.image = (char *)"img]\"\\";
    snprintf(s.evt.comm, sizeof s.evt.comm, "x\x1by\xff");
    s.rule.name = "rule with ] and \"quotes\"";
    char *line = ld_rt_alert_syslog(&s.alert, NULL, 1);
    /* the raw escapes (6.3.3) */
    assert_non_null(strstr(line, "container.name=\"a\\\"b\\\\c\\]d\""));
    syslog_line l;
    parse_line(line, &l);
    assert_param(&l, "container.name", "a\"b\\c]d");
    assert_param(&l, "container.image", "img]\"\\");
    assert_param(&l, "rule", "rule with ] and \"quotes\"");
    /* a control character becomes the text \x1b; invalid UTF-8 U+FFFD */
    assert_param(&l, "proc.name", "x\\x1by\xef\xbf\xbd");
    free(line);
}

static void header_fields_respect_their_lengths(void **state)
{
    (void)state;
    sample_alert s;
    sample_init(&s);
    char host[400], app[100], name[2000];
    memset(host, 'h', sizeof host - 1);
    host[sizeof host - 1] = '\0';
    memset(app, 'p', sizeof app - 1);
    app[sizeof app - 1] = '\0';
    memset(name, 'n', sizeof name - 1);
    name[sizeof name - 1] = '\0';
    s.alert.hostname = host;
    s.ct.name = name;
    char *line = ld_rt_alert_syslog(&s.alert, app, 1);
    syslog_line l;
    parse_line(line, &l); /* enforces 255 / 48 / 128 / 32 */
    assert_int_equal(strlen(l.hostname), 255);
    assert_int_equal(strlen(l.app), 48);
    assert_true(strlen(param(&l, "container.name")) <= 256);
    free(line);
    /* unknown hostname: NILVALUE */
    s.alert.hostname = "";
    line = ld_rt_alert_syslog(&s.alert, " \t", 1);
    parse_line(line, &l);
    assert_string_equal(l.hostname, "-");
    assert_string_equal(l.app, "-");
    free(line);
}

static void msg_stays_on_one_line(void **state)
{
    (void)state;
    sample_alert s;
    sample_init(&s);
    snprintf(s.message, sizeof s.message, "line1\nline2\r\x1b[2J \xc3\xa9t\xc3\xa9 \xff end");
    char *line = ld_rt_alert_syslog(&s.alert, NULL, 1);
    syslog_line l;
    parse_line(line, &l);
    assert_non_null(l.msg);
    assert_valid_utf8_no_controls(l.msg);
    assert_string_equal(l.msg, "line1\\x0aline2\\x0d\\x1b[2J \xc3\xa9t\xc3\xa9 \xef\xbf\xbd end");
    free(line);
}

static void a_long_msg_is_cut_with_a_note(void **state)
{
    (void)state;
    sample_alert s;
    sample_init(&s);
    /* 20000 bytes of two-byte characters: a cut must fall between them */
    char *big = malloc(20001);
    assert_non_null(big);
    for (size_t i = 0; i < 20000; i += 2) {
        big[i] = '\xc3';
        big[i + 1] = '\xa9';
    }
    big[20000] = '\0';
    s.alert.message = big;
    ld_rt_sbuf b = {0};
    ld_rt_syslog_style style = {.facility = 1, .max_bytes = LD_RT_UDP_MAX};
    assert_true(ld_rt_alert_syslog_buf(&b, &s.alert, &style));
    assert_true(b.len <= LD_RT_UDP_MAX);
    assert_true(b.len > LD_RT_UDP_MAX - 64); /* cut near the limit, not far below */
    syslog_line l;
    parse_line(b.p, &l);
    assert_valid_utf8_no_controls(l.msg);
    size_t ml = strlen(l.msg), nl = strlen(LD_RT_SYSLOG_CUT_NOTE);
    assert_true(ml > nl);
    assert_string_equal(l.msg + ml - nl, LD_RT_SYSLOG_CUT_NOTE);
    /* a short one is not cut */
    s.alert.message = "short";
    assert_false(ld_rt_alert_syslog_buf(&b, &s.alert, &style));
    parse_line(b.p, &l);
    assert_string_equal(l.msg, "short");
    ld_rt_sbuf_free(&b);
    free(big);
}

static void json_can_follow_the_text(void **state)
{
    (void)state;
    sample_alert s;
    sample_init(&s);
    ld_rt_sbuf b = {0};
    ld_rt_syslog_style style = {.facility = 1, .json_in_msg = true};
    ld_rt_alert_syslog_buf(&b, &s.alert, &style);
    syslog_line l;
    parse_line(b.p, &l);
    size_t tl = strlen(s.message);
    assert_memory_equal(l.msg, s.message, tl);
    assert_int_equal(l.msg[tl], ' ');
    json_error_t jerr;
    json_t *doc = json_loads(l.msg + tl + 1, 0, &jerr);
    if (!doc)
        fail_msg("the JSON after the text does not parse: %s", jerr.text);
    assert_string_equal(json_string_value(json_object_get(json_object_get(doc, "rule"), "name")),
                        "Shell spawned in container");
    json_decref(doc);
    ld_rt_sbuf_free(&b);
}

static void stats_line(void **state)
{
    (void)state;
    ld_rt_watch_stats st = {.events = 10,
                            .emitted = 2,
                            .dropped = 3,
                            .source = "ebpf",
                            .uptime_s = 61.9,
                            .final = true};
    ld_rt_sbuf b = {0};
    ld_rt_syslog_style style = {.facility = 3};
    ld_rt_stats_syslog_buf(&b, &st, "node-a", &style);
    syslog_line l;
    parse_line(b.p, &l);
    assert_int_equal(l.pri, 3 * 8 + 6);
    assert_string_equal(l.msgid, "stats");
    assert_string_equal(l.sd_id, "stats@32473");
    assert_param(&l, "events", "10");
    assert_param(&l, "emitted", "2");
    assert_param(&l, "dropped", "3");
    assert_param(&l, "source", "ebpf");
    assert_param(&l, "uptime_s", "61");
    assert_param(&l, "final", "true");
    assert_non_null(strstr(l.msg, "3 dropped"));
    ld_rt_sbuf_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(alert_line_follows_rfc5424),
        cmocka_unit_test(severity_is_the_rule_priority_and_facility_is_kept),
        cmocka_unit_test(msgid_is_the_rule_name_squeezed),
        cmocka_unit_test(sd_values_are_escaped),
        cmocka_unit_test(header_fields_respect_their_lengths),
        cmocka_unit_test(msg_stays_on_one_line),
        cmocka_unit_test(a_long_msg_is_cut_with_a_note),
        cmocka_unit_test(json_can_follow_the_text),
        cmocka_unit_test(stats_line),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
